//! Request-shape tests of the DynamoDB adapter: each write that carries a
//! guarantee (dedup, status order, at-most-once, the consent history, the
//! suppression list, the sweep's deletes) sent through a recording HTTP
//! connection, and the request DynamoDB would get checked field by field:
//! table, key, condition, update and values. No moto, no network; the
//! integration tests in tests/tests check the same writes against moto.

mod media;
mod reads;
mod recorder;
mod writes;

use serde_json::Value;
use shared::domain::envelope::split_for_queue;
use shared::domain::inbound::{parse_change, ParsedChange, Update};
use shared::domain::queued::{QueuedBatch, RequestMeta, SignatureMatch};

pub const RECEIVED_AT_MS: i64 = 1_764_000_000_000;

/// The POST the fixtures arrive in, as the webhook records it.
pub fn request() -> RequestMeta {
    RequestMeta {
        request_id: "req-1".into(),
        received_at_ms: RECEIVED_AT_MS,
        source_ip: Some("173.252.127.9".into()),
        user_agent: None,
        body_bytes: 1,
        signature: SignatureMatch::Current,
    }
}

/// The first change of a webhook fixture and its first update, read the
/// way the processor reads them.
pub fn first_update(fixture: &str) -> (ParsedChange, Update) {
    let path = format!(
        "{}/../tests/fixtures/webhooks/{fixture}",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let queued = split_for_queue(&body, &request(), 250 * 1024).expect("accepted");
    let batch = QueuedBatch::parse(&queued.messages[0]).expect("a queued batch");
    let mut change = parse_change(&batch.changes[0]);
    let update = change.updates.remove(0);
    (change, update)
}

/// `{"S": …}` and `{"N": …}`, as DynamoDB's JSON spells values.
pub fn s(v: &str) -> Value {
    serde_json::json!({ "S": v })
}

pub fn n(v: i64) -> Value {
    serde_json::json!({ "N": v.to_string() })
}
