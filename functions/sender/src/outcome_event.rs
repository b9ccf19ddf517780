//! The events that tell internal systems how a command ended.

use serde_json::json;
use shared::domain::events::Event;
use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::outbound::{IdempotencyKey, OutboundCommand};
use shared::ports::sending::{LedgerKey, Outcome};

/// One event per command outcome; the fact is `(recipient, idempotency key)`.
pub fn outcome_event(
    cmd: &OutboundCommand,
    key: &LedgerKey,
    number: &PhoneNumberId,
    outcome: &Outcome,
    now: i64,
) -> Event {
    let mut data = json!({
        "idempotency_key": cmd.idempotency_key.as_str(),
        "message_type": cmd.message.message_type(),
        "category": cmd.category.as_str(),
        "links": cmd.links,
    });
    let kind = match outcome {
        Outcome::Sent { wamid, sent_at } => {
            data["wamid"] = json!(wamid);
            data["sent_at"] = json!(sent_at);
            "message.sent"
        }
        Outcome::Failed { reason, error } => {
            data["reason"] = json!(reason);
            if let Some(e) = error {
                data["error"] =
                    json!({"code": e.code, "details": e.details, "http_status": e.http_status});
            }
            "message.failed"
        }
        Outcome::Rejected { reason } => {
            data["reason"] = json!(reason);
            "message.rejected"
        }
        Outcome::Expired => {
            data["reason"] = json!("expired");
            "message.rejected"
        }
        Outcome::Suppressed { reason } => {
            data["reason"] = json!(reason);
            "message.suppressed"
        }
    };
    let fact = format!("{}|{}", key.contact.storage_id(), key.key.as_str());
    Event::new(kind, &fact, now, Some(number), Some(&key.contact), data)
}

/// A command that could not be read: rejected with the validator's reason,
/// under its idempotency key when that much could be read.
pub fn invalid_command_event(
    key: Option<&IdempotencyKey>,
    reason: &str,
    detail: &str,
    now: i64,
) -> Event {
    let fact = format!(
        "invalid|{}|{reason}",
        key.map_or("", IdempotencyKey::as_str)
    );
    Event::new(
        "message.rejected",
        &fact,
        now,
        None,
        None::<&ContactKey>,
        json!({"idempotency_key": key.map(IdempotencyKey::as_str), "reason": reason, "detail": detail}),
    )
}
