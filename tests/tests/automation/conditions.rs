//! Each condition kind, through moto: a message that matches gets the rule's
//! reply, one that does not gets none.

use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{message_webhook, reply_texts, text_webhook, World};
use serde_json::{json, Value};

use crate::common::{CLOSED, OPEN};

const RULES: &str = r#"
version: 1
business_hours:
  timezone: Europe/London
  weekly: {wed: ["09:00-18:00"]}
rules:
  - id: kw
    when: {keywords: ["umbrella"]}
    then: [{reply: {text: "keywords"}}]
  - id: rx
    when: {regex: "^\\d{4}$"}
    then: [{reply: {text: "regex"}}]
  - id: ia
    when: {interactive_id: [size_large]}
    then: [{reply: {text: "interactive"}}]
  - id: mt
    when: {message_type: [location]}
    then: [{reply: {text: "message_type"}}]
  - id: tag
    when: {tag: vip}
    then: [{reply: {text: "tag"}}]
  - id: hours
    when: {business_hours: closed}
    then: [{reply: {text: "business_hours"}}]
  - id: first
    when: {first_message: true}
    then: [{reply: {text: "first_message"}}]
"#;

/// A known customer (not new), optionally tagged.
async fn known(world: &World, wa_id: &str, tags: &[&str]) {
    let mut item = vec![
        ("pk", AttributeValue::S(format!("C#{wa_id}"))),
        ("sk", AttributeValue::S("PROFILE".into())),
        ("type", AttributeValue::S("contact".into())),
        ("first_seen_at", AttributeValue::N("1000".into())),
        (
            "expires_at",
            AttributeValue::N((OPEN + 86_400 * 365).to_string()),
        ),
    ];
    if !tags.is_empty() {
        item.push((
            "tags",
            AttributeValue::Ss(tags.iter().map(|t| (*t).to_owned()).collect()),
        ));
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

fn button(id: &str) -> Value {
    json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": id, "title": "Large"}}})
}

/// (condition, customer, tags, clock, message, expected reply)
type Case<'a> = (&'a str, &'a str, &'a [&'a str], i64, Value, Option<&'a str>);

#[tokio::test]
async fn each_condition_kind_matches_its_message_and_not_another() {
    let world = World::new().await;
    // (condition, customer, tags, clock, message) → expected reply
    let text = |s: &str| json!({"type": "text", "text": {"body": s}});
    let cases: Vec<Case> = vec![
        (
            "keywords",
            "16505552001",
            &[],
            OPEN,
            text("Do you sell UMBRELLAS? no: umbrella!"),
            Some("keywords"),
        ),
        (
            "keywords",
            "16505552002",
            &[],
            OPEN,
            text("Do you sell parasols?"),
            None,
        ),
        (
            "regex",
            "16505552003",
            &[],
            OPEN,
            text("1042"),
            Some("regex"),
        ),
        ("regex", "16505552004", &[], OPEN, text("order 10420"), None),
        (
            "interactive",
            "16505552005",
            &[],
            OPEN,
            button("size_large"),
            Some("interactive"),
        ),
        (
            "interactive",
            "16505552006",
            &[],
            OPEN,
            button("size_small"),
            None,
        ),
        (
            "message_type",
            "16505552007",
            &[],
            OPEN,
            json!({"type": "location", "location": {"latitude": 51.5, "longitude": -0.1}}),
            Some("message_type"),
        ),
        (
            "message_type",
            "16505552008",
            &[],
            OPEN,
            json!({"type": "sticker", "sticker": {"id": "9", "mime_type": "image/webp"}}),
            None,
        ),
        (
            "tag",
            "16505552009",
            &["vip"],
            OPEN,
            text("hello"),
            Some("tag"),
        ),
        (
            "tag",
            "16505552010",
            &["regular"],
            OPEN,
            text("hello"),
            None,
        ),
        (
            "business_hours",
            "16505552011",
            &[],
            CLOSED,
            text("hello"),
            Some("business_hours"),
        ),
        (
            "business_hours",
            "16505552012",
            &[],
            OPEN,
            text("hello"),
            None,
        ),
        (
            "first_message",
            "16505552013",
            &[],
            OPEN,
            text("hello"),
            Some("first_message"),
        ),
    ];
    for (i, (kind, customer, tags, clock, content, expected)) in cases.into_iter().enumerate() {
        if kind != "first_message" {
            known(&world, customer, tags).await;
        }
        let body = message_webhook(customer, &format!("wamid.COND{i:04}"), clock, content);
        world.post_signed(&world.webhook(), &body).await;
        world
            .drain(&world.processor_with(Some(RULES), Some(clock)))
            .await;
        let replies = reply_texts(&world.commands().await);
        match expected {
            Some(reply) => assert_eq!(
                replies,
                vec![reply.to_owned()],
                "{kind} should match ({customer})"
            ),
            None => assert!(
                replies.is_empty(),
                "{kind} should not match ({customer}): {replies:?}"
            ),
        }
    }
    // A known customer's ordinary message matches nothing at all.
    known(&world, "16505552014", &[]).await;
    world
        .post_signed(
            &world.webhook(),
            &text_webhook("16505552014", "wamid.COND9999", "hello", OPEN),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN)))
        .await;
    assert!(world.commands().await.is_empty());
}

/// Found by the chaos run: when a new customer's messages waited on the
/// queue (a backlog, or several in one batch), each of them counted as the
/// first message and each got the greeting.
#[tokio::test]
async fn only_one_of_a_new_customers_queued_messages_counts_as_first() {
    let world = World::new().await;
    let customer = "16505552020";
    let webhook = world.webhook();
    // Three messages in one webhook (so one batch), the oldest second, then
    // one more in a later webhook, all received before the contact existed.
    let mut together: Value =
        serde_json::from_slice(&text_webhook(customer, "wamid.FIRST1", "hello", OPEN)).unwrap();
    for (n, ts) in [(0, OPEN - 5), (2, OPEN + 1)] {
        let other: Value = serde_json::from_slice(&text_webhook(
            customer,
            &format!("wamid.FIRST{n}"),
            "hello",
            ts,
        ))
        .unwrap();
        let message = other["entry"][0]["changes"][0]["value"]["messages"][0].clone();
        together["entry"][0]["changes"][0]["value"]["messages"]
            .as_array_mut()
            .unwrap()
            .push(message);
    }
    world
        .post_signed(&webhook, together.to_string().as_bytes())
        .await;
    let later = text_webhook(customer, "wamid.FIRST3", "hello", OPEN + 5);
    world.post_signed(&webhook, &later).await;
    // The real clock: the contact is created after the messages arrived.
    let rules = "version: 1\nrules:\n  - {id: first, when: {first_message: true}, then: [{reply: {text: hi}}]}\n";
    world.drain(&world.processor_with(Some(rules), None)).await;
    let commands = world.commands().await;
    assert_eq!(reply_texts(&commands), vec!["hi".to_owned()]);
    // The greeting answers the oldest message of the batch that created the contact.
    let item = world
        .get(&format!("C#{customer}"), "PROFILE")
        .await
        .expect("contact stored");
    assert!(item["first_wamid"]
        .as_s()
        .is_ok_and(|w| w == "wamid.FIRST0" || w == "wamid.FIRST3"));
}
