use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{s, Item, World};

pub const TO: &str = "16505551234";

/// A contact who wrote a minute ago: the 24-hour window is open.
pub async fn customer_wrote_recently(world: &World, wa_id: &str) {
    seed_profile(world, wa_id, Some(now() - 60), "unknown").await;
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
    }
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

pub async fn ledger(world: &World, to: &str, key: &str) -> Item {
    world
        .get(&format!("C#{to}"), &format!("OUT#{key}"))
        .await
        .expect("ledger entry")
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
