//! `jum contacts …`: the contacts API (docs/contracts/contacts-api.yaml)
//! for the people who answer privacy requests, each call signed with their
//! own credentials and audited by the function under their principal.

use std::io::{BufRead, IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Map, Value};

use crate::error::CliError;
use crate::output::table;
use crate::signed::ContactsApi;
use shared::domain::ids::mask;

fn print_table(header: &[&str], rows: Vec<Vec<String>>) {
    println!("{}", table(header, rows));
}

#[derive(Debug, Args)]
pub struct ContactsArgs {
    #[command(subcommand)]
    pub command: ContactsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Profile, consent, restriction, hand-off, tags and links (audited read_profile).
    Show { wa_id: String },
    /// Conversation history, newest first, with each message's status (audited read_messages).
    History {
        wa_id: String,
        /// Messages per page (1-100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Follow every page, not just the first.
        #[arg(long)]
        all: bool,
    },
    /// Everything stored about the person, every page and every file, as
    /// one JSON document to hand them (GDPR Art. 15(3); audited export).
    Export {
        wa_id: String,
        /// Where to write it (created 0600: it is the person's data).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Correct the profile (Art. 16).
    Correct {
        wa_id: String,
        #[arg(long)]
        display_name: Option<String>,
        /// A BCP 47 tag, e.g. en_US or pt_BR.
        #[arg(long)]
        locale: Option<String>,
        /// A custom field, KEY=VALUE (repeatable; an empty VALUE removes it).
        #[arg(long = "field", value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Link a business record (an order, a ticket) to the contact.
    Link {
        wa_id: String,
        /// The system the record lives in, e.g. orders, crm, ticketing.
        #[arg(long)]
        system: String,
        /// The record's kind in that system, e.g. order, ticket.
        #[arg(long = "type")]
        kind: String,
        /// The record's id in that system.
        #[arg(long)]
        id: String,
        /// The message it is about.
        #[arg(long)]
        wamid: Option<String>,
    },
    /// Restrict processing (Art. 18): stored, never processed otherwise.
    Restrict {
        wa_id: String,
        /// Why (kept with the restriction).
        #[arg(long, required_unless_present = "lift")]
        reason: Option<String>,
        /// Lift the restriction instead.
        #[arg(long, conflicts_with = "reason")]
        lift: bool,
    },
    /// Record consent: opt a category in or out (an opt-out outlives retention).
    Consent {
        wa_id: String,
        #[arg(long, value_enum)]
        state: ConsentState,
        #[arg(long, value_enum, default_value_t = Category::All)]
        category: Category,
    },
    /// Erase the person (Art. 17): their partition, diagnostics and files;
    /// prints the receipt. Asks first unless --yes.
    Erase {
        wa_id: String,
        /// Do not ask (a script without it is refused, exit 4).
        #[arg(long)]
        yes: bool,
        /// A large history is erased in steps (202 pending): repeat until done.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, in seconds.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
    },
    /// Who read, exported, changed or erased this contact (privacy officer only).
    Audit {
        wa_id: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConsentState {
    #[value(alias = "opted_in")]
    OptedIn,
    #[value(alias = "opted_out")]
    OptedOut,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Category {
    Marketing,
    Utility,
    All,
}

/// The number as the API takes it: digits (a leading + dropped) or u.<BSUID>.
fn wa_id(raw: &str) -> Result<String, CliError> {
    let id = raw.trim().trim_start_matches('+').replace([' ', '-'], "");
    let digits = id.len() >= 6 && id.len() <= 15 && id.bytes().all(|b| b.is_ascii_digit());
    if digits || id.starts_with("u.") {
        Ok(id)
    } else {
        Err(CliError::refused(
            format!("{raw:?} is not a WhatsApp id"),
            "give the number in international form (+16505551234) or a user id u.…",
        ))
    }
}

pub async fn run(api: &ContactsApi, args: ContactsArgs, json_out: bool) -> Result<(), CliError> {
    use ContactsCommand as C;
    match args.command {
        C::Show { wa_id: w } => {
            let (_, body) = api.call("GET", &wa_id(&w)?, "", &[], None).await?;
            print_object(&body, json_out);
            Ok(())
        }
        C::History {
            wa_id: w,
            limit,
            all,
        } => {
            let limit = limit.to_string();
            let rows = pages(
                api,
                &wa_id(&w)?,
                "/messages",
                "messages",
                &limit,
                all,
                json_out,
            )
            .await?;
            if !json_out {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|m| {
                        vec![
                            text(m, "timestamp"),
                            text(m, "direction"),
                            text(m, "type"),
                            m.pointer("/status/status")
                                .and_then(Value::as_str)
                                .unwrap_or("-")
                                .into(),
                            text(m, "retained_until"),
                        ]
                    })
                    .collect();
                print_table(
                    &["time", "direction", "type", "status", "retained until"],
                    rows,
                );
            }
            Ok(())
        }
        C::Audit {
            wa_id: w,
            limit,
            all,
        } => {
            let limit = limit.to_string();
            let rows = pages(api, &wa_id(&w)?, "/audit", "records", &limit, all, json_out).await?;
            if !json_out {
                let rows = rows
                    .iter()
                    .map(|r| {
                        vec![
                            text(r, "at"),
                            text(r, "action"),
                            text(r, "principal"),
                            text(r, "request_id"),
                        ]
                    })
                    .collect();
                print_table(&["at", "action", "principal", "request id"], rows);
            }
            Ok(())
        }
        C::Export { wa_id: w, out } => {
            crate::export::export(api, &wa_id(&w)?, &out, json_out).await
        }
        C::Correct {
            wa_id: w,
            display_name,
            locale,
            fields,
        } => {
            let mut body = Map::new();
            if let Some(n) = display_name {
                body.insert("display_name".into(), n.into());
            }
            if let Some(l) = locale {
                body.insert("locale".into(), l.into());
            }
            if !fields.is_empty() {
                let mut custom = Map::new();
                for f in fields {
                    let (k, v) = f.split_once('=').ok_or_else(|| {
                        CliError::refused(
                            format!("--field {f:?} is not KEY=VALUE"),
                            "e.g. --field tier=gold",
                        )
                    })?;
                    custom.insert(k.into(), if v.is_empty() { Value::Null } else { v.into() });
                }
                body.insert("custom_fields".into(), custom.into());
            }
            if body.is_empty() {
                return Err(CliError::refused(
                    "nothing to correct",
                    "give --display-name, --locale or --field KEY=VALUE",
                ));
            }
            change(api, "PATCH", &wa_id(&w)?, "", Value::Object(body), json_out).await
        }
        C::Link {
            wa_id: w,
            system,
            kind,
            id,
            wamid,
        } => {
            let mut body = json!({"system": system, "type": kind, "id": id});
            if let Some(m) = wamid {
                body["wamid"] = m.into();
            }
            change(api, "POST", &wa_id(&w)?, "/links", body, json_out).await
        }
        C::Restrict {
            wa_id: w,
            reason,
            lift,
        } => {
            let body = if lift {
                json!({"restricted": false})
            } else {
                json!({"restricted": true, "reason": reason})
            };
            change(api, "PUT", &wa_id(&w)?, "/restriction", body, json_out).await
        }
        C::Consent {
            wa_id: w,
            state,
            category,
        } => {
            let state = match state {
                ConsentState::OptedIn => "opted_in",
                ConsentState::OptedOut => "opted_out",
            };
            let category = match category {
                Category::Marketing => "marketing",
                Category::Utility => "utility",
                Category::All => "all",
            };
            let body = json!({"state": state, "category": category});
            change(api, "PUT", &wa_id(&w)?, "/consent", body, json_out).await
        }
        C::Erase {
            wa_id: w,
            yes,
            wait,
            timeout,
        } => {
            let id = wa_id(&w)?;
            if !yes {
                confirm_erasure(&id)?;
            }
            erase(api, &id, wait, Duration::from_secs(timeout), json_out).await
        }
    }
}

async fn change(
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
async fn pages(
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
fn confirm_erasure(wa_id: &str) -> Result<(), CliError> {
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
async fn erase(
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

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

/// An object as key/value rows (nested values as JSON), or its JSON.
fn print_object(v: &Value, json_out: bool) {
    if json_out {
        println!("{v}");
        return;
    }
    let rows = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            vec![
                k.clone(),
                match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            ]
        })
        .collect();
    print_table(&["field", "value"], rows);
}
