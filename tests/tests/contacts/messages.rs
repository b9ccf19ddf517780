//! `GET /contacts/{wa_id}/messages` answers with message resources: every
//! message type sent through the real webhook and processor comes back with
//! its typed content (a text's body a plain string), never the table's keys
//! or bookkeeping, and the stored item holds the same typed attributes.

use integration_tests::{contacts_request, fixture, parts, World};
use serde_json::{json, Value};
use shared::adapters::dynamo::{doc_to_item, item_to_doc};

pub(crate) const TEXT: &str = "Hi! Does the ceramic planter come in another color?";

/// What the API must never show (issue #14): storage keys and bookkeeping.
const FORBIDDEN: &[&str] = &[
    "pk",
    "sk",
    "origin",
    "webhook_request",
    "effects_pending",
    "wh",
    "fx",
    "sweep_day",
    "expires_at",
];

/// The fixture's one message: (contact path segment, wamid).
pub(crate) fn message_of(name: &str) -> (String, String) {
    let body: Value = serde_json::from_slice(&fixture(name)).unwrap();
    let value = &body["entry"][0]["changes"][0]["value"];
    let (m, who) = match value["message_echoes"][0].is_object() {
        true => (&value["message_echoes"][0], "to"),
        false => (&value["messages"][0], "from"),
    };
    let contact = match m[who].as_str().filter(|w| !w.is_empty()) {
        Some(wa_id) => wa_id.to_owned(),
        None => format!("u.{}", m[format!("{who}_user_id")].as_str().unwrap()),
    };
    (contact, m["id"].as_str().unwrap().to_owned())
}

pub(crate) async fn messages(world: &World, contact: &str) -> Value {
    let (status, body) = parts(
        world
            .contacts()
            .handle(contacts_request(
                "GET",
                &format!("/contacts/{contact}/messages?limit=100"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    body
}

pub(crate) fn assert_no_storage_layout(v: &Value) {
    let m = v.as_object().unwrap();
    for key in FORBIDDEN {
        assert!(!m.contains_key(*key), "{key} in {v}");
    }
    assert!(
        m.keys()
            .all(|k| !k.starts_with("or_") && !k.starts_with("fx_")),
        "{v}"
    );
}

#[tokio::test]
async fn a_text_message_is_answered_with_its_body_as_a_plain_string_and_stored_as_one() {
    let world = World::new().await;
    world
        .post_signed(&world.webhook(), &fixture("text.json"))
        .await;
    world.drain(&world.processor()).await;
    let body = messages(&world, "16505551234").await;
    let m = &body["messages"][0];
    assert_eq!(m["content"], json!({"text": TEXT}), "{m}");
    assert_eq!(m["type"], "text");
    assert_eq!(m["direction"], "in");
    assert_eq!(m["timestamp"], "2025-11-24T16:00:00Z");
    assert!(m["retained_until"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert_no_storage_layout(m);
    let item = &world.items_of_type("message").await[0];
    assert_eq!(item["text"].as_s().unwrap(), TEXT, "the exact body");
}

#[tokio::test]
async fn a_message_stored_before_typed_attributes_is_answered_with_typed_content_from_its_raw_element(
) {
    let world = World::new().await;
    for name in ["text.json", "location.json", "text_ctwa_referral.json"] {
        world.post_signed(&world.webhook(), &fixture(name)).await;
    }
    world.drain(&world.processor()).await;
    // Rewrite each item as the processor wrote it before: raw element only.
    for item in world.items_of_type("message").await {
        let mut doc = item_to_doc(item);
        for key in shared::domain::inbound::CONTENT_FIELDS {
            doc.remove(*key);
        }
        doc.remove("referral");
        world
            .ddb
            .put_item()
            .table_name(&world.table)
            .set_item(Some(doc_to_item(&doc)))
            .send()
            .await
            .unwrap();
    }
    assert!(world
        .items_of_type("message")
        .await
        .iter()
        .all(|i| !i.contains_key("text")));
    let body = messages(&world, "16505551234").await;
    let text = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "text")
        .unwrap();
    assert_eq!(text["content"], json!({"text": TEXT}));
    let place = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["type"] == "location")
        .unwrap();
    assert_eq!(place["content"]["location"]["name"], "Philz Coffee");
    let ad = messages(&world, "16505551235").await;
    assert_eq!(
        ad["messages"][0]["referral"]["source_id"],
        "120226305854810726"
    );
    assert_eq!(
        ad["messages"][0]["content"]["text"],
        "Can I get more info about this?"
    );
}

#[tokio::test]
async fn a_message_the_sender_sent_is_answered_and_stored_with_the_same_typed_content() {
    let world = World::new().await;
    world
        .post_signed(&world.webhook(), &fixture("text.json"))
        .await;
    world.drain(&world.processor()).await;
    let (_, inbound) = message_of("text.json");
    // The fixture is dated 2025: the customer writes again now, which opens
    // the 24-hour window (read from the stored messages).
    let now = shared::ports::Clock::now_secs(&shared::ports::SystemClock);
    let again = String::from_utf8(fixture("text.json"))
        .unwrap()
        .replace("1764000000", &now.to_string())
        .replace(&inbound, "wamid.again");
    world.post_signed(&world.webhook(), again.as_bytes()).await;
    world.drain(&world.processor()).await;
    let sim = world
        .simulator(|c| c.behaviour.rate_limits.pair.enabled = false)
        .await;
    let sender = world.sender(&sim, 80);
    let reply = "Yes: ceramic planters come in sage, \"sand\" and slate.\nSee you!";
    let command = json!({
        "idempotency_key": "typed-reply-1",
        "to": "16505551234",
        "reply_to": inbound,
        "message": {"type": "text", "text": {"body": reply}}
    });
    world.enqueue_command(&command.to_string()).await;
    assert_eq!(world.drain_outbound(&sender).await.failed, 0);
    let body = messages(&world, "16505551234").await;
    let out = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "out" && m["reply_to"] == inbound.as_str())
        .unwrap_or_else(|| panic!("no sent message in {body}"));
    assert_eq!(out["content"], json!({"text": reply}));
    assert_no_storage_layout(out);
    let item = world
        .items_of_type("message")
        .await
        .into_iter()
        .find(|i| {
            i.get("idempotency_key")
                .is_some_and(|k| k.as_s().is_ok_and(|k| k == "typed-reply-1"))
        })
        .unwrap();
    assert_eq!(item["text"].as_s().unwrap(), reply, "the exact body");
}
