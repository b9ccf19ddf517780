//! Table tests of the inbound parser: each of Meta's webhook shapes (the
//! fixtures in tests/fixtures/webhooks, modelled on Meta's documented
//! examples) read into the typed fields the processor acts on. Each POST goes
//! the way production takes it: split into queue messages as the webhook does,
//! then read by `parse_change` as the processor does.

mod changes;
mod details;
mod fields;
mod health;
mod messages;
mod statuses;

use shared::domain::envelope::split_for_queue;
use shared::domain::inbound::{parse_change, InboundMessage, ParsedChange, StatusUpdate, Update};
use shared::domain::queued::{QueuedBatch, RequestMeta, SignatureMatch};

/// SQS's limit on a queue message, far above any fixture.
const QUEUE_MESSAGE_BYTES: usize = 250 * 1024;

pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/../tests/fixtures/webhooks/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every change of one POST body, read the way the processor reads it.
pub fn parse(body: &serde_json::Value) -> Vec<ParsedChange> {
    let body = body.to_string();
    let meta = RequestMeta {
        request_id: "table".into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: None,
        user_agent: None,
        body_bytes: body.len(),
        signature: SignatureMatch::Current,
    };
    let intake = split_for_queue(body.as_bytes(), &meta, QUEUE_MESSAGE_BYTES)
        .expect("the webhook accepts the fixture");
    intake
        .messages
        .iter()
        .flat_map(|m| QueuedBatch::parse(m).expect("a queued batch").changes)
        .map(|change| parse_change(&change))
        .collect()
}

/// The one update a single-update POST body holds.
pub fn only_update(body: &serde_json::Value) -> Update {
    let mut updates: Vec<Update> = parse(body).into_iter().flat_map(|c| c.updates).collect();
    assert_eq!(updates.len(), 1, "one update: {updates:?}");
    updates.remove(0)
}

pub fn only_message(body: &serde_json::Value) -> InboundMessage {
    match only_update(body) {
        Update::Message(m) => *m,
        other => panic!("a message, got {}", other.kind()),
    }
}

pub fn only_status(body: &serde_json::Value) -> StatusUpdate {
    match only_update(body) {
        Update::Status(s) => *s,
        other => panic!("a status, got {}", other.kind()),
    }
}

/// The first element of `array` in the first change's value, for editing a
/// fixture into a variant Meta also sends.
pub fn first_in<'a>(body: &'a mut serde_json::Value, array: &str) -> &'a mut serde_json::Value {
    &mut body["entry"][0]["changes"][0]["value"][array][0]
}
