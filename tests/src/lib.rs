//! A fresh world per test: its own table, queues and secret in moto, made
//! by `infra/local/stack.py` from template.yaml (the one source of names and
//! shapes), and the real handlers wired to them with the real AWS SDK.

mod automation;
pub mod chaos;
mod contacts;
pub mod contacts_gateway;
pub mod crash;
mod events;
mod media;
mod outbound;
mod queues;
mod review;
mod table;
mod world;

pub use automation::{message_webhook, of_type, reply_texts, text_webhook};
pub use contacts::{contacts_request, parts, LocalContacts, CALLER_ARN};
pub use events::{api_gateway_request, function_url_request, ApiRequest};
pub use media::{media_webhook, LocalMedia};
pub use outbound::{LocalSender, SenderPortsWith, ACCESS_TOKEN, PHONE_NUMBER_ID};
pub use queues::Drain;
pub use review::LocalReviewer;
pub use table::{n, s, Item};
pub use world::{LocalProcessor, TestClock, World, APP_SECRET, VERIFY_TOKEN};

/// Reads a fixture from `tests/fixtures/webhooks/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/webhooks")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(id, type or status)` of every element of `array` (`messages`,
/// `statuses`…) in a webhook body, read independently of the code under test.
pub fn ids_in(body: &[u8], array: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).expect("fixture is JSON");
    let mut out = Vec::new();
    for entry in v["entry"].as_array().into_iter().flatten() {
        for change in entry["changes"].as_array().into_iter().flatten() {
            for m in change["value"][array].as_array().into_iter().flatten() {
                let kind = m
                    .get("type")
                    .or(m.get("status"))
                    .and_then(|t| t.as_str())
                    .unwrap_or_default();
                out.push((
                    m["id"].as_str().unwrap_or_default().to_owned(),
                    kind.to_owned(),
                ));
            }
        }
    }
    out
}

impl World {
    /// Sets one attribute of a stored item behind the connector's back, so a
    /// test can tell whether a later write went over it.
    pub async fn tamper(
        &self,
        item: &Item,
        name: &str,
        value: aws_sdk_dynamodb::types::AttributeValue,
    ) {
        self.ddb
            .update_item()
            .table_name(&self.table)
            .key("pk", item["pk"].clone())
            .key("sk", item["sk"].clone())
            .update_expression("SET #a = :v")
            .expression_attribute_names("#a", name)
            .expression_attribute_values(":v", value)
            .send()
            .await
            .expect("tamper with an item");
    }
}
