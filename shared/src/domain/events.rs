//! Events to internal systems (public contract: docs/contracts/events/).
//! One event per underlying fact, with an `event_id` derived from the fact,
//! so a consumer can drop the rare repeat.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::ids::{ContactKey, PhoneNumberId};

/// The event types this version emits, besides rule-named ones.
pub const BUILT_IN_TYPES: [&str; 14] = [
    "message.received",
    "message.status",
    "message.sent",
    "message.rejected",
    "message.suppressed",
    "message.failed",
    "contact.opted_out",
    "contact.opted_in",
    "contact.restricted",
    "contact.restriction_lifted",
    "conversation.handoff_requested",
    "conversation.handoff_released",
    "ticket.requested",
    "abuse.suspected",
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub phone_number_id: Option<String>,
    /// The customer's `wa_id` (or `u.<bsuid>`), so consumers can act on it.
    pub wa_id: Option<String>,
    pub data: Value,
}

impl Event {
    /// `fact` names the underlying fact uniquely within `kind` (a wamid, a
    /// wamid and status, an idempotency key…); the id is its stable hash.
    pub fn new(
        kind: &str,
        fact: &str,
        occurred_at_secs: i64,
        phone_number_id: Option<&PhoneNumberId>,
        contact: Option<&ContactKey>,
        data: Value,
    ) -> Self {
        let digest = Sha256::digest(format!("{kind}\u{1f}{fact}").as_bytes());
        Self {
            event_id: format!("evt_{}", hex::encode(&digest[..16])),
            kind: kind.to_owned(),
            occurred_at: rfc3339(occurred_at_secs),
            phone_number_id: phone_number_id.map(|p| p.as_str().to_owned()),
            wa_id: contact.map(ContactKey::storage_id),
            data,
        }
    }
}

pub fn rfc3339(unix_secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_secs)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_fact_always_gets_the_same_event_id() {
        let a = Event::new("message.received", "wamid.X", 1, None, None, Value::Null);
        let b = Event::new("message.received", "wamid.X", 2, None, None, Value::Null);
        let c = Event::new("message.status", "wamid.X", 1, None, None, Value::Null);
        assert_eq!(a.event_id, b.event_id);
        assert_ne!(a.event_id, c.event_id);
    }

    #[test]
    fn occurred_at_is_rfc3339_utc() {
        assert_eq!(rfc3339(1_764_000_000), "2025-11-24T16:00:00Z");
    }
}
