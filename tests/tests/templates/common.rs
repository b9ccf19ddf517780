use graph_simulator::{RecordedRequest, RunningSimulator};
use integration_tests::{s, Item, World};
use serde_json::{json, Value};

/// The simulator's WABA (`--waba-id`'s default).
pub const WABA: &str = "102290129340398";
pub const TO: &str = "16505551234";

/// One sync of the simulator's WABA, as the scheduled job runs it.
pub async fn sync(world: &World, sim: &RunningSimulator) -> review::sync::SyncReport {
    let mut reviewer = world.reviewer(sim, "").await;
    reviewer.config.waba_ids = vec![WABA.into()];
    reviewer.sync_templates().await
}

/// POST to one of the simulator's `/_sim` endpoints.
pub async fn sim_post(sim: &RunningSimulator, path: &str, body: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .expect("the simulator answers")
        .json()
        .await
        .expect("JSON")
}

pub fn template_command(key: &str, category: &str, template: Value) -> String {
    json!({
        "idempotency_key": key, "to": TO, "category": category,
        "message": {"type": "template", "template": template}
    })
    .to_string()
}

pub fn named(name: &str, language: &str) -> Value {
    json!({"name": name, "language": {"code": language}})
}

pub fn sends(sim: &RunningSimulator) -> Vec<RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .collect()
}

pub async fn ledger(world: &World, key: &str) -> Item {
    world.ledger_entry(TO, key).await.expect("ledger entry")
}

pub fn ended(item: &Item) -> (String, Option<String>) {
    (
        s(item, "state").unwrap_or_default().to_owned(),
        s(item, "reason").map(str::to_owned),
    )
}

/// Meta pausing `name` (en_US) for its quality: the signed
/// `message_template_status_update` webhook, processed.
pub async fn pause(world: &World, sim: &RunningSimulator, name: &str) {
    let posted = sim_post(
        sim,
        "/_sim/account/webhooks",
        json!({"field": "message_template_status_update",
               "template": {"name": name, "language": "en_US"},
               "value": {"event": "PAUSED", "reason": "LOW_QUALITY"}}),
    )
    .await;
    assert_eq!(posted["delivered"], true, "{posted}");
    world.drain(&world.processor()).await;
}
