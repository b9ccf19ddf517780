use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{s, Item, World};

pub const TO: &str = "16505551234";

/// A contact who wrote a minute ago: the 24-hour window is open.
pub async fn customer_wrote_recently(world: &World, wa_id: &str) {
    seed_profile(world, wa_id, Some(now() - 60), "unknown").await;
}

/// The customer's message at `ts`, stored as the processor stores it: the
/// window is read from the messages.
pub async fn seed_inbound_message(world: &World, wa_id: &str, ts: i64, message_type: &str) {
    let item = [
        ("pk", AttributeValue::S(format!("C#{wa_id}"))),
        (
            "sk",
            AttributeValue::S(format!("M#{ts:010}#wamid.seed{ts}")),
        ),
        ("type", AttributeValue::S("message".into())),
        ("direction", AttributeValue::S("in".into())),
        ("message_type", AttributeValue::S(message_type.into())),
        ("wamid", AttributeValue::S(format!("wamid.seed{ts}"))),
        ("ts", AttributeValue::N(ts.to_string())),
        (
            "expires_at",
            AttributeValue::N((now() + 86_400).to_string()),
        ),
    ];
    put(world, item).await;
}

pub async fn seed_profile(world: &World, wa_id: &str, last_inbound_at: Option<i64>, consent: &str) {
    let mut item = vec![
        ("pk", AttributeValue::S(format!("C#{wa_id}"))),
        ("sk", AttributeValue::S("PROFILE".into())),
        ("type", AttributeValue::S("contact".into())),
        ("wa_id", AttributeValue::S(wa_id.into())),
        ("consent_state", AttributeValue::S(consent.into())),
        (
            "expires_at",
            AttributeValue::N((now() + 86_400).to_string()),
        ),
    ];
    if let Some(t) = last_inbound_at {
        item.push(("last_inbound_at", AttributeValue::N(t.to_string())));
        seed_inbound_message(world, wa_id, t, "text").await;
    }
    put(world, item).await;
}

async fn put(world: &World, item: impl IntoIterator<Item = (&str, AttributeValue)>) {
    world
        .ddb
        .put_item()
        .table_name(&world.table)
        .set_item(Some(
            item.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ))
        .send()
        .await
        .unwrap();
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub fn text_command(key: &str, to: &str, body: &str) -> String {
    serde_json::json!({
        "idempotency_key": key,
        "to": to,
        "message": {"type": "text", "text": {"body": body}}
    })
    .to_string()
}

pub fn template_command(key: &str, to: &str, category: &str) -> String {
    serde_json::json!({
        "idempotency_key": key,
        "to": to,
        "category": category,
        "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}
    })
    .to_string()
}

/// The ledger entry as the sender reads it back ([`World::ledger_entry`]).
pub async fn ledger(world: &World, to: &str, key: &str) -> Item {
    world.ledger_entry(to, key).await.expect("ledger entry")
}

pub fn state(item: &Item) -> &str {
    s(item, "state").unwrap_or_default()
}

pub fn sends(sim: &graph_simulator::RunningSimulator) -> Vec<graph_simulator::RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .collect()
}
