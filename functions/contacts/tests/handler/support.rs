//! The contacts handler on the in-memory fakes, at a fixed instant, and the
//! requests the tests make of it.

use contacts::{Contacts, ContactsPorts, Settings};
use lambda_http::{Body, Request, Response};
use secrecy::SecretString;
use serde_json::{json, Value};
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_consent::MemoryConsent;
use shared::adapters::memory_contacts::{doc, FixedKeyHasher, MemoryPartitions, MemoryReceipts};
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::Clock;

use crate::bucket::FakeBucket;

pub const NOW: i64 = 1_796_000_000;
pub const WA_ID: &str = "16505551234";

pub struct At(i64);

impl Clock for At {
    fn now_ms(&self) -> i64 {
        self.0 * 1000
    }
}

/// The in-memory fakes, at a fixed instant.
pub enum Fakes {}

impl ContactsPorts for Fakes {
    type Records = MemoryPartitions;
    type Eraser = MemoryPartitions;
    type Receipts = MemoryReceipts;
    type Audit = MemoryReceipts;
    type Hasher = FixedKeyHasher;
    type Clock = At;
    type Events = MemoryQueue;
    type Consent = MemoryConsent;
    type Media = FakeBucket;
}

pub type Handler = Contacts<Fakes>;

pub fn handler(settings: Settings) -> Handler {
    let partitions = MemoryPartitions::default();
    let receipts = MemoryReceipts::default();
    Contacts {
        records: partitions.clone(),
        eraser: partitions,
        receipts: receipts.clone(),
        audit: receipts,
        hasher: FixedKeyHasher(SecretString::from("test-hash-key")),
        clock: At(NOW),
        settings,
        events: MemoryQueue::default(),
        consent: MemoryConsent::default(),
        media: FakeBucket::default(),
    }
}

pub fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse(WA_ID).unwrap())
}

/// The contact's keyed hash, as the handler computes it.
pub fn subject() -> String {
    shared::domain::privacy::subject_hash(&SecretString::from("test-hash-key"), &contact())
}

/// A live profile and three messages, as the processor stores them.
pub fn seed(h: &Handler, profile_expires_at: i64) {
    h.records.seed_profile(
        &contact(),
        doc(json!({"type": "contact", "wa_id": WA_ID, "profile_name": "Sheena", "expires_at": profile_expires_at})),
    );
    for i in 1..=3 {
        h.records.seed_message(
            &contact(),
            NOW - 100 + i,
            &format!("wamid.{i}"),
            doc(json!({"type": "message", "wamid": format!("wamid.{i}"), "expires_at": NOW + 86_400})),
        );
    }
}

pub async fn call(h: &Handler, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map_or(Body::Empty, |b| Body::from(b.to_string()));
    let req: Request = lambda_http::http::Request::builder()
        .method(method)
        .uri(path)
        .body(body)
        .unwrap();
    let response: Response<Body> = h.handle(req).await.unwrap();
    let status = response.status().as_u16();
    let value = serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null);
    (status, value)
}
pub fn event_ids(h: &Handler, kind: &str) -> Vec<String> {
    h.events
        .sent()
        .iter()
        .map(|e| serde_json::from_str::<Value>(e).unwrap())
        .filter(|e| e["type"] == kind)
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect()
}
/// GET `path` with query parameters, as API Gateway passes them.
pub async fn get_with(h: &Handler, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
    use lambda_http::RequestExt;
    let params: std::collections::HashMap<String, String> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let req = lambda_http::http::Request::builder()
        .method("GET")
        .uri(path)
        .body(Body::Empty)
        .unwrap()
        .with_query_string_parameters(params);
    let response = h.handle(req).await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(response.body().as_ref()).unwrap_or(Value::Null),
    )
}
