//! Erasure reaches the diagnostics: refused bodies and unreadable elements
//! are stored by day, not by person, and may still hold a number and texts.

use integration_tests::{contacts_request, fixture, parts, World};
use serde_json::{json, Value};
use shared::adapters::dynamo::{item_to_doc, SWEEP_INDEX};

use crate::common::WA_ID;

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=";
const REFUSED_TEXT: &str = "Please cancel my umbrella order";
const UNREADABLE_TEXT: &str = "My address is 12 Rainy Lane";
const OTHER: &str = "16505550000";

/// A messages element Meta could send that the parser cannot read (a wamid
/// with a space), with the number and a text in it.
fn unreadable_element(from: &str, text: &str) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                  "messages": [{"from": from, "id": "wamid. not readable", "timestamp": "1764000100",
                                "type": "text", "text": {"body": text}}]}}]}]})
    .to_string()
    .into_bytes()
}

/// A signed body the webhook refuses (not JSON) but keeps as a diagnostic.
fn refused_body(from: &str, text: &str) -> Vec<u8> {
    format!(r#"{{"object":"whatsapp_business_account","entry":[{{"changes":[{{"value":{{"messages":[{{"from":"{from}","text":{{"body":"{text}"}}"#)
        .into_bytes()
}

/// Whole-table scan and the `sweep` index (tests only), as JSON texts.
async fn everything(world: &World) -> Vec<String> {
    let mut texts: Vec<String> = world
        .items()
        .await
        .into_iter()
        .map(|i| Value::Object(item_to_doc(i)).to_string())
        .collect();
    let index = world
        .ddb
        .scan()
        .table_name(&world.table)
        .index_name(SWEEP_INDEX)
        .send()
        .await
        .expect("scan sweep index");
    texts.extend(
        index
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|i| Value::Object(item_to_doc(i)).to_string()),
    );
    texts
}

fn holding<'a>(texts: &'a [String], needles: &[&str]) -> Vec<&'a String> {
    texts
        .iter()
        .filter(|t| needles.iter().any(|n| t.contains(n)))
        .collect()
}

async fn erase(world: &World, wa_id: &str) -> (u16, Value) {
    parts(
        world
            .contacts()
            .handle(contacts_request(
                "DELETE",
                &format!("/contacts/{wa_id}"),
                None,
            ))
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn erasure_after_a_refused_body_and_an_unreadable_element_leaves_neither_number_nor_texts() {
    let world = World::new().await;
    let webhook = world.webhook();
    assert_eq!(
        world
            .post_signed(&webhook, &fixture("text.json"))
            .await
            .status(),
        200
    );
    let refused = refused_body(WA_ID, REFUSED_TEXT);
    assert_eq!(world.post_signed(&webhook, &refused).await.status(), 400);
    let unreadable = unreadable_element(WA_ID, UNREADABLE_TEXT);
    assert_eq!(world.post_signed(&webhook, &unreadable).await.status(), 200);
    // Someone else's diagnostic, which erasure must leave alone.
    assert_eq!(
        world
            .post_signed(&webhook, &unreadable_element(OTHER, "Hello"))
            .await
            .status(),
        200
    );
    world.drain(&world.processor()).await;
    let needles = [
        WA_ID,
        REFUSED_TEXT,
        UNREADABLE_TEXT,
        WAMID,
        "Does the ceramic planter",
    ];
    let before = everything(&world).await;
    assert!(
        holding(&before, &[REFUSED_TEXT]).len() == 1
            && holding(&before, &[UNREADABLE_TEXT]).len() == 1,
        "both diagnostics were stored: {before:#?}"
    );
    assert!(
        holding(&before, &[&format!("C#{WA_ID}")]).len() > 1,
        "the sweep index names the contact"
    );

    let (status, receipt) = erase(&world, WA_ID).await;

    assert_eq!(status, 200, "{receipt}");
    let after = everything(&world).await;
    assert_eq!(holding(&after, &needles), Vec::<&String>::new());
    assert_eq!(
        holding(&after, &[OTHER]).len(),
        1,
        "the other person's diagnostic stays"
    );
    let copies: Vec<&str> = receipt["not_reached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["copy"].as_str().unwrap())
        .collect();
    assert_eq!(
        copies,
        [
            "queued_messages",
            "dead_letter_queues",
            "point_in_time_backups"
        ]
    );
    assert!(receipt["not_reached"][2]["until"].is_string());
    assert_eq!(receipt["kept"][0]["copy"], "suppression_list");
}

#[tokio::test]
async fn a_person_known_only_from_a_refused_body_is_erased_with_a_receipt() {
    let world = World::new().await;
    let webhook = world.webhook();
    let refused = refused_body(WA_ID, REFUSED_TEXT);
    assert_eq!(world.post_signed(&webhook, &refused).await.status(), 400);
    world.drain(&world.processor()).await;
    assert_eq!(holding(&everything(&world).await, &[WA_ID]).len(), 1);

    let (status, receipt) = erase(&world, WA_ID).await;

    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["items_deleted"], 1);
    assert_eq!(
        holding(&everything(&world).await, &[WA_ID, REFUSED_TEXT]),
        Vec::<&String>::new()
    );
    // Nothing is left, so asking again answers the same receipt.
    let (again, repeat) = erase(&world, WA_ID).await;
    assert_eq!(
        (again, &repeat["receipt_id"]),
        (200, &receipt["receipt_id"])
    );
}
