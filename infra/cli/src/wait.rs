//! `jum send --wait`: follows one command to its outcome through the bus
//! (the events its processing emits, docs/contracts/events): rejected,
//! suppressed or failed end it (exit 4); sent is followed by Meta's
//! statuses of that message until read or failed, or until the timeout.
//! The subscription is made before the command is queued, so nothing is
//! missed, and removed at the end.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::error::CliError;
use crate::events::Tail;

/// The events that tell a command's fate and its message's statuses.
pub fn pattern() -> Value {
    json!({"detail-type": [
        "message.sent", "message.rejected", "message.suppressed", "message.failed", "message.status"
    ]})
}

pub async fn follow(
    tail: &Tail,
    key: &str,
    timeout: Duration,
    as_json: bool,
) -> Result<(), CliError> {
    let until = Instant::now() + timeout;
    // The message Meta accepted, once `message.sent` names it.
    let mut wamid: Option<String> = None;
    while Instant::now() < until {
        for event in tail.receive().await? {
            let kind = event["type"].as_str().unwrap_or_default();
            let data = &event["data"];
            let ours = data["idempotency_key"] == key
                || (kind == "message.status"
                    && wamid.is_some()
                    && data["wamid"].as_str() == wamid.as_deref());
            if !ours {
                continue;
            }
            let step = match kind {
                "message.status" => data["status"].as_str().unwrap_or("?").to_owned(),
                other => other.trim_start_matches("message.").to_owned(),
            };
            report(&step, data, as_json);
            match step.as_str() {
                "sent" => wamid = data["wamid"].as_str().map(str::to_owned),
                "read" => return Ok(()),
                "rejected" | "suppressed" | "failed" => {
                    let why = data["reason"].as_str().unwrap_or(&step).to_owned();
                    return Err(CliError::refused(
                        format!("the command was {step}: {why}"),
                        "docs/sending.md explains each reason",
                    ));
                }
                _ => {}
            }
        }
    }
    match wamid {
        // Sent: what the command promised; a read receipt may never come.
        Some(_) => Ok(()),
        None => Err(CliError::NotFound {
            message: format!("no outcome for {key} within {} s", timeout.as_secs()),
            hint: Some("is the sender running (`make dev`, or the stack's SenderFunction)? `jum dlq show --queue outbound`".into()),
        }),
    }
}

fn report(step: &str, data: &Value, as_json: bool) {
    if as_json {
        println!(
            "{}",
            json!({"step": step, "wamid": data["wamid"], "reason": data["reason"]})
        );
    } else {
        let extra = data["reason"]
            .as_str()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        println!("{step}{extra}");
    }
}
