use integration_tests::{fixture, World};
use serde_json::json;
use shared::adapters::dynamo::doc_to_item;

pub const WA_ID: &str = "16505551234";
pub const OUT_WAMID: &str = "wamid.OUTBOUND-1";

/// A contact with history both ways: inbound text and image through the
/// real webhook and processor, a status, and an outbound message with links,
/// its status and its ledger entry in the sender's shapes.
pub async fn seeded() -> World {
    let world = World::new().await;
    let webhook = world.webhook();
    for name in ["text.json", "image.json", "status_read.json"] {
        assert_eq!(
            world.post_signed(&webhook, &fixture(name)).await.status(),
            200
        );
    }
    world.drain(&world.processor()).await;
    let now = shared::ports::Clock::now_secs(&shared::ports::SystemClock);
    let pk = format!("C#{WA_ID}");
    for doc in [
        json!({"pk": pk, "sk": format!("M#{now:010}#{OUT_WAMID}"), "type": "message", "direction": "out",
               "message_type": "text", "wamid": OUT_WAMID, "ts": now, "content": {"text": {"body": "Your umbrella ships today"}},
               "links": [{"system": "orders", "type": "order", "id": "1042"}], "expires_at": now + 86_400}),
        json!({"pk": pk, "sk": format!("S#{OUT_WAMID}"), "type": "status", "status": "delivered", "wamid": OUT_WAMID,
               "recipient": WA_ID, "expires_at": now + 86_400}),
        json!({"pk": pk, "sk": "OUT#order-1042-shipped", "type": "ledger", "state": "sent", "to": WA_ID,
               "wamid": OUT_WAMID, "expires_at": now + 86_400}),
    ] {
        world
            .ddb
            .put_item()
            .table_name(&world.table)
            .set_item(Some(doc_to_item(doc.as_object().unwrap())))
            .send()
            .await
            .unwrap();
    }
    world
}

/// Audit records in the table, as (action, principal, subject_hash).
pub async fn audit(world: &World) -> Vec<(String, String, String)> {
    world
        .items_of_type("audit")
        .await
        .iter()
        .map(|i| {
            let get = |k| integration_tests::s(i, k).unwrap_or_default().to_owned();
            (get("action"), get("principal"), get("subject_hash"))
        })
        .collect()
}
