//! The events that tell internal systems how a command ended.

use shared::domain::events::payloads::{
    CommandFacts, FailureError, MessageFailed, MessageRejected, MessageSent, MessageSuppressed,
};
use shared::domain::events::{Event, EventPayload};
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
    let idempotency_key = cmd.idempotency_key.as_str();
    let command = CommandFacts {
        message_type: cmd.message.message_type(),
        category: cmd.category.as_str(),
        template_category: cmd.template_category.map(|c| c.as_str()),
        links: &cmd.links,
    };
    fn of<P: EventPayload>(p: &P, key: &LedgerKey, number: &PhoneNumberId, now: i64) -> Event {
        let fact = format!("{}|{}", key.contact.storage_id(), key.key.as_str());
        Event::new(p, &fact, now, Some(number), Some(&key.contact))
    }
    let rejected = |reason, detail| MessageRejected {
        idempotency_key: Some(idempotency_key),
        command: Some(command.clone()),
        reason,
        detail,
    };
    match outcome {
        Outcome::Sent { wamid, sent_at } => of(
            &MessageSent {
                idempotency_key,
                command,
                wamid,
                sent_at: *sent_at,
            },
            key,
            number,
            now,
        ),
        Outcome::Failed { reason, error } => of(
            &MessageFailed {
                idempotency_key,
                command,
                reason,
                error: error.as_ref().map(|e| FailureError {
                    code: e.code,
                    details: e.details.as_deref(),
                    http_status: e.http_status,
                }),
            },
            key,
            number,
            now,
        ),
        Outcome::Rejected { reason, detail } => {
            of(&rejected(reason, detail.as_deref()), key, number, now)
        }
        Outcome::Expired => of(&rejected("expired", None), key, number, now),
        Outcome::Suppressed { reason } => of(
            &MessageSuppressed {
                idempotency_key,
                command,
                reason,
            },
            key,
            number,
            now,
        ),
    }
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
    let payload = MessageRejected {
        idempotency_key: key.map(IdempotencyKey::as_str),
        command: None,
        reason,
        detail: Some(detail),
    };
    Event::new(&payload, &fact, now, None, None::<&ContactKey>)
}
