//! Events to internal systems (public contract: docs/contracts/events/).
//! One event per underlying fact, with an `event_id` derived from the fact,
//! so a consumer can drop the rare repeat.
//!
//! Every event is built from a typed payload ([`payloads`]), and the payload
//! says which [`EventKind`] it is: the processor, the sender and the
//! contacts API cannot give one kind two shapes. The published schemas are
//! checked against samples of every payload (`contract_tests.rs`,
//! `tests/fixtures/events/samples.jsonl`).

pub mod account_payloads;
mod kind;
pub mod media_payloads;
pub mod payloads;

#[cfg(test)]
mod account_samples;
#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod samples;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::ids::{ContactKey, PhoneNumberId};

pub use kind::EventKind;

/// A payload: the `data` of one kind of event.
pub trait EventPayload: Serialize {
    fn kind(&self) -> EventKind;
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub phone_number_id: Option<String>,
    /// The customer's `wa_id` (or `u.<bsuid>`), so consumers can act on it.
    pub wa_id: Option<String>,
    pub data: Value,
}

impl Event {
    /// `fact` names the underlying fact uniquely within the payload's kind
    /// (a wamid, a wamid and status, an idempotency key…); the id is its
    /// stable hash.
    pub fn new<P: EventPayload>(
        payload: &P,
        fact: &str,
        occurred_at_secs: i64,
        phone_number_id: Option<&PhoneNumberId>,
        contact: Option<&ContactKey>,
    ) -> Self {
        let kind = payload.kind();
        let digest = Sha256::digest(format!("{}\u{1f}{fact}", kind.as_str()).as_bytes());
        Self {
            event_id: format!("evt_{}", hex::encode(&digest[..16])),
            kind,
            occurred_at: rfc3339(occurred_at_secs),
            phone_number_id: phone_number_id.map(|p| p.as_str().to_owned()),
            wa_id: contact.map(ContactKey::storage_id),
            data: serde_json::to_value(payload).expect("event payloads serialise"),
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
