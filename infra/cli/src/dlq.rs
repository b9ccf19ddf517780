//! `jum dlq`: what each dead-letter queue holds. `show` peeks (what it
//! reads stays in the queue) and prints a summary of each record with the
//! numbers masked; bodies are printed only with --show-content, audited
//! (dlq_content.rs).

use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::dlq_content::ContentReader;
use crate::error::CliError;
use crate::output;
use crate::target::Stack;

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Each dead-letter queue and how many records it holds.
    List,
    /// The records parked in one queue, summarised (numbers masked; bodies
    /// only with --show-content, which is audited).
    Show {
        /// Which dead-letter queue.
        #[arg(long, value_enum)]
        queue: Queue,
        /// At most this many records (SQS returns up to 10 a request).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..=10))]
        max: i32,
        /// Print each record's body too. It is personal data: the read is
        /// first written to the audit trail of every person the record names
        /// (action read_dlq_content, your IAM principal); if it cannot be,
        /// nothing is shown.
        #[arg(long)]
        show_content: bool,
    },
    /// Moves every record of one queue back to where it failed, to be
    /// processed again (after the cause is fixed); asks first unless --yes.
    Redrive {
        /// Which dead-letter queue.
        #[arg(long, value_enum)]
        queue: Queue,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Queue {
    /// Webhooks the processor failed 5 times.
    Inbound,
    /// Commands the sender failed 10 times.
    Outbound,
    /// Files the media function failed to copy 5 times.
    Media,
    /// Events the bus could not deliver to the events queue.
    Events,
}

impl Queue {
    fn name(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
            Self::Media => "media",
            Self::Events => "events",
        }
    }
}

/// A queue's depth, read as the integration review reads it.
pub async fn depth(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<u64, CliError> {
    use shared::ports::review::QueueDepth;
    shared::adapters::stack_facts::SqsDepth(sqs.clone())
        .depth(url)
        .await
        .map_err(|e| CliError::Aws {
            message: format!("SQS GetQueueAttributes: {}", e.message),
            hint: Some("check the credentials, the region and --endpoint-url".into()),
        })
}

pub async fn run(
    sdk: &aws_config::SdkConfig,
    s: &Stack,
    cmd: DlqCommand,
    as_json: bool,
) -> Result<(), CliError> {
    let sqs = &aws_sdk_sqs::Client::new(sdk);
    match cmd {
        DlqCommand::List => {
            let mut rows = Vec::new();
            for d in &s.dead_letters {
                let source = d
                    .source_url
                    .clone()
                    .unwrap_or_else(|| "the event bus".into());
                rows.push((d.name, depth(sqs, &d.url).await?, d.url.clone(), source));
            }
            if as_json {
                output::json(&json!(rows
                    .iter()
                    .map(|(n, c, u, s)| json!({"queue": n, "messages": c, "url": u, "source": s}))
                    .collect::<Vec<_>>()));
            } else {
                let rows = rows
                    .into_iter()
                    .map(|(n, c, u, s)| vec![n.to_owned(), c.to_string(), u, s])
                    .collect();
                println!(
                    "{}",
                    output::table(&["queue", "messages", "url", "parked from"], rows)
                );
            }
            Ok(())
        }
        DlqCommand::Show {
            queue,
            max,
            show_content,
        } => {
            let reader = match show_content {
                true => Some(ContentReader::new(s, sdk).await?),
                false => None,
            };
            show(sqs, s, queue, max, reader.as_ref(), as_json).await
        }
        DlqCommand::Redrive { queue, yes } => {
            if !yes
                && !confirmed(&format!(
                    "move every record of the {} DLQ of {} back?",
                    queue.name(),
                    s.name
                ))
            {
                return Err(CliError::refused(
                    "not confirmed",
                    "answer y, or pass --yes",
                ));
            }
            redrive(sqs, s, queue, as_json).await
        }
    }
}

async fn show(
    sqs: &aws_sdk_sqs::Client,
    s: &Stack,
    queue: Queue,
    max: i32,
    reader: Option<&ContentReader>,
    as_json: bool,
) -> Result<(), CliError> {
    let dlq = find(s, queue)?;
    use aws_sdk_sqs::types::MessageSystemAttributeName as M;
    // Visibility 0: a peek, the records stay where they are.
    let got = sqs
        .receive_message()
        .queue_url(&dlq.url)
        .max_number_of_messages(max)
        .visibility_timeout(0)
        .message_system_attribute_names(M::All)
        .send()
        .await
        .map_err(|e| CliError::aws("SQS ReceiveMessage", e))?;
    let mut records: Vec<Value> = Vec::new();
    for m in got.messages() {
        let attr = |k: M| m.attributes().and_then(|a| a.get(&k)).cloned();
        let body = m.body().unwrap_or_default();
        let mut record = json!({
            "message_id": m.message_id(),
            "first_received_ms": attr(M::ApproximateFirstReceiveTimestamp),
            "sent_ms": attr(M::SentTimestamp),
            "receives": attr(M::ApproximateReceiveCount),
            "bytes": body.len(),
            "summary": summary(queue, body),
        });
        if let Some(r) = reader {
            let id = m.message_id().unwrap_or_default();
            record["content"] = r.read(queue.name(), id, body).await?;
        }
        records.push(record);
    }
    if as_json {
        output::json(&Value::Array(records));
        return Ok(());
    }
    if records.is_empty() {
        println!("the {} DLQ of {} is empty", queue.name(), s.name);
        return Ok(());
    }
    let rows = records
        .iter()
        .map(|r| {
            let text = |k: &str| r[k].as_str().unwrap_or("").to_owned();
            vec![
                text("message_id"),
                text("sent_ms"),
                text("receives"),
                r["bytes"].to_string(),
                text("summary"),
            ]
        })
        .collect();
    println!(
        "{}",
        output::table(
            &["message id", "sent (ms)", "receives", "bytes", "summary"],
            rows
        )
    );
    for r in records.iter().filter(|r| r.get("content").is_some()) {
        println!("── {} ──", r["message_id"].as_str().unwrap_or("?"));
        output::json(&r["content"]);
    }
    println!("why: the function's logs for these message ids (docs/reliability.md)");
    Ok(())
}

/// What a record is about, without its content: numbers masked.
fn summary(queue: Queue, body: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return "not JSON".into();
    };
    let masked = |k: &str| {
        v[k].as_str()
            .map(shared::domain::ids::mask)
            .unwrap_or_else(|| "?".into())
    };
    match queue {
        Queue::Outbound => format!(
            "command {} to {} ({})",
            v["idempotency_key"].as_str().unwrap_or("?"),
            masked("to"),
            v["message"]["type"].as_str().unwrap_or("?")
        ),
        Queue::Inbound => match shared::domain::queued::QueuedBatch::parse(body) {
            Ok(batch) => format!("webhook request {}", batch.request.request_id),
            Err(_) => "a record the processor cannot read".into(),
        },
        Queue::Media => format!("file of message {}", v["wamid"].as_str().unwrap_or("?")),
        Queue::Events => format!(
            "{} event {}",
            v["type"].as_str().unwrap_or("?"),
            v["event_id"].as_str().unwrap_or("?")
        ),
    }
}

/// Asks on the terminal; no terminal (a script) is a no.
fn confirmed(question: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes")
}

/// Moves every record of a dead-letter queue back to its source queue,
/// as it was (body and attributes), as many as it held when the redrive
/// started: each is sent, then deleted, so a stop
/// half-way leaves a record in both places at worst, never in neither; the
/// functions drop the repeat (the same wamid, the same idempotency key).
pub async fn redrive(
    sqs: &aws_sdk_sqs::Client,
    s: &Stack,
    queue: Queue,
    as_json: bool,
) -> Result<(), CliError> {
    let dlq = find(s, queue)?;
    let Some(source) = dlq.source_url.clone() else {
        return Err(CliError::refused(
            "the events delivery DLQ has no source queue: its records are events the bus could not deliver",
            "read them with `jum dlq show --queue events`; replay the window from the archive (docs/contracts/events/README.md)",
        ));
    };
    // What is parked now, not what fails while this runs: records that
    // fail again while the redrive goes on wait for the next one.
    let total = depth(sqs, &dlq.url).await?;
    let bar = match as_json {
        true => indicatif::ProgressBar::hidden(),
        false => indicatif::ProgressBar::new(total),
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("moving {bar:30} {pos}/{len} [{elapsed}]")
            .expect("a template"),
    );
    let mut moved = 0u64;
    while moved < total {
        let got = sqs
            .receive_message()
            .queue_url(&dlq.url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| CliError::aws("SQS ReceiveMessage", e))?;
        if got.messages().is_empty() {
            break;
        }
        for m in got.messages() {
            sqs.send_message()
                .queue_url(&source)
                .message_body(m.body().unwrap_or_default())
                .set_message_attributes(m.message_attributes().cloned())
                .send()
                .await
                .map_err(|e| CliError::aws("SQS SendMessage", e))?;
            sqs.delete_message()
                .queue_url(&dlq.url)
                .receipt_handle(m.receipt_handle().unwrap_or_default())
                .send()
                .await
                .map_err(|e| CliError::aws("SQS DeleteMessage", e))?;
            moved += 1;
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    if as_json {
        output::json(&json!({"queue": queue.name(), "moved": moved, "to": source}));
    } else {
        println!(
            "moved {moved} record(s) from the {} DLQ back to {source}",
            queue.name()
        );
    }
    Ok(())
}

fn find(s: &Stack, queue: Queue) -> Result<&crate::target::DeadLetters, CliError> {
    s.dead_letters
        .iter()
        .find(|d| d.name == queue.name())
        .ok_or_else(|| {
            CliError::not_found(
                format!("stack {} has no {} DLQ", s.name, queue.name()),
                "`jum dlq list` shows them",
            )
        })
}
