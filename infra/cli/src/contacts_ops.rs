//! What `jum contacts` does with the API's answers: pages followed, an
//! erasure confirmed and waited for, objects and rows printed.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use serde_json::Value;
use shared::domain::ids::mask;

use crate::error::CliError;
use crate::output::table;
use crate::signed::ContactsApi;

pub fn print_table(header: &[&str], rows: Vec<Vec<String>>) {
    println!("{}", table(header, rows));
}

pub async fn change(
    api: &ContactsApi,
    method: &str,
    wa_id: &str,
    suffix: &str,
    body: Value,
    json_out: bool,
) -> Result<(), CliError> {
    let (_, answer) = api.call(method, wa_id, suffix, &[], Some(&body)).await?;
    print_object(&answer, json_out);
    Ok(())
}

/// Reads `key`'s array from each page (`--all`: every page), printing JSON
/// lines as it goes with --json; returns the rows for a table.
pub async fn pages(
    api: &ContactsApi,
    wa_id: &str,
    suffix: &str,
    key: &str,
    limit: &str,
    all: bool,
    json_out: bool,
) -> Result<Vec<Value>, CliError> {
    let (mut rows, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let mut query = vec![("limit", limit)];
        if let Some(c) = &cursor {
            query.push(("cursor", c.as_str()));
        }
        let (_, page) = api.call("GET", wa_id, suffix, &query, None).await?;
        for row in page[key].as_array().into_iter().flatten() {
            if json_out {
                println!("{row}");
            }
            rows.push(row.clone());
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        match (&cursor, all) {
            (Some(_), true) => continue,
            (Some(_), false) if !json_out => {
                eprintln!("(more: --all follows every page)");
                break;
            }
            _ => break,
        }
    }
    Ok(rows)
}

/// Erasure cannot be undone: a person types the number back; a script
/// passes --yes (without it, refused rather than hanging on stdin).
pub fn confirm_erasure(wa_id: &str) -> Result<(), CliError> {
    let refused = || {
        CliError::refused(
            "erasure not confirmed",
            "erasure cannot be undone: run it in a terminal and type the number, or pass --yes",
        )
    };
    if !std::io::stdin().is_terminal() {
        return Err(refused());
    }
    eprint!(
        "Erase everything stored about {} (messages, files, profile)? Type the number to confirm: ",
        mask(wa_id)
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|_| refused())?;
    if line.trim().trim_start_matches('+') == wa_id {
        Ok(())
    } else {
        Err(refused())
    }
}

/// DELETE until the receipt is complete (with --wait): a repeated request
/// continues a pending erasure and answers the same receipt.
pub async fn erase(
    api: &ContactsApi,
    wa_id: &str,
    wait: bool,
    timeout: Duration,
    json_out: bool,
) -> Result<(), CliError> {
    let started = Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        let (status, receipt) = api.call("DELETE", wa_id, "", &[], None).await?;
        let pending = status == 202;
        if !pending || !wait || started.elapsed() >= timeout {
            print_object(&receipt, json_out);
            if pending && wait {
                return Err(CliError::not_found(
                    format!("the erasure is still pending after {}s", timeout.as_secs()),
                    "the hourly sweep finishes it; run the same command again to see the receipt",
                ));
            }
            if pending && !json_out {
                eprintln!(
                    "pending: the hourly sweep finishes it (--wait repeats the request until done)"
                );
            }
            return Ok(());
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(15));
    }
}

pub fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

/// An object as key/value rows (nested values as JSON), or its JSON.
pub fn print_object(v: &Value, json_out: bool) {
    if json_out {
        println!("{v}");
        return;
    }
    let rows = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| vec![k.clone(), cell(v)])
        .collect();
    print_table(&["field", "value"], rows);
}

/// A value as a person reads it in a cell: a list one item a line, an
/// object `key: value` lines (a receipt's `not_reached` and `kept`).
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".into(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join("\n"),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", cell(v).replace('\n', "; ")))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
