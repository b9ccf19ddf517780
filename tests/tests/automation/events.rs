use std::collections::BTreeMap;

use integration_tests::{fixture, message_webhook, text_webhook, World};
use serde_json::{json, Value};

use crate::common::{wamid, CUSTOMER, OPEN, RULES};

/// Produces every event type, then checks each fact gave one event and every
/// event validates against its published JSON Schema (docs/contracts/events/).
#[tokio::test]
async fn every_event_type_is_emitted_once_per_fact_and_matches_its_schema() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let photo = message_webhook(
        CUSTOMER,
        &wamid(400),
        OPEN,
        json!({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg", "sha256": "x"}}),
    );
    let posts = vec![
        photo,                                                    // message.received, ticket.requested
        text_webhook(CUSTOMER, &wamid(401), "order #1042", OPEN), // rule-named event
        text_webhook("16505550006", &wamid(402), "STOP", OPEN),   // contact.opted_out
        text_webhook("16505550006", &wamid(403), "START", OPEN + 1), // contact.opted_in
        text_webhook("16505550007", &wamid(404), "agent", OPEN + 2), // handoff_requested
        fixture("status_failed.json"),                            // message.status
    ];
    for _ in 0..2 {
        for body in &posts {
            world.post_signed(&webhook, body).await;
        }
    }
    world.drain(&processor).await;
    // handoff_released: the next message after the timeout.
    let later = OPEN + 3 * 3600;
    world
        .post_signed(
            &webhook,
            &text_webhook("16505550007", &wamid(405), "hello", later),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(later)))
        .await;
    // abuse.suspected: a flood from another customer.
    for i in 0..5 {
        world
            .post_signed(
                &webhook,
                &text_webhook("16505550001", &wamid(410 + i), "hi", OPEN),
            )
            .await;
    }
    world.drain(&processor).await;
    // Sender outcomes: sent, rejected (outside the window), suppressed, failed.
    world
        .post_signed(
            &webhook,
            &text_webhook("16505550004", &wamid(420), "STOP", OPEN),
        )
        .await;
    world.drain(&processor).await;
    world.take_all(&world.outbound_url.clone()).await; // automated replies are not the point here
    let template = |key: &str, to: &str, category: &str| {
        json!({"idempotency_key": key, "to": to, "category": category,
               "message": {"type": "template", "template": {"name": "t", "language": {"code": "en_US"}}}})
        .to_string()
    };
    world
        .enqueue_command(&template("e-sent", "16505550002", "utility"))
        .await;
    world.enqueue_command(&json!({"idempotency_key": "e-rejected", "to": "16505550003", "message": {"type": "text", "text": {"body": "hi"}}}).to_string()).await;
    world
        .enqueue_command(&template("e-suppressed", "16505550004", "marketing"))
        .await;
    sim.force_for_recipient("16505550005", 131026);
    world
        .enqueue_command(&template("e-failed", "16505550005", "utility"))
        .await;
    world.drain_outbound(&sender).await;
    // contact.restricted, then contact.restriction_lifted (a repeat adds none).
    let contacts = world.contacts();
    for restricted in [true, true, false] {
        let req = integration_tests::contacts_request(
            "PUT",
            &format!("/contacts/{CUSTOMER}/restriction"),
            Some(json!({"restricted": restricted})),
        );
        assert_eq!(contacts.handle(req).await.unwrap().status(), 200);
    }

    let events = world.events().await;
    let mut by_id: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for e in &events {
        by_id
            .entry(e["event_id"].as_str().unwrap().to_owned())
            .or_default()
            .push(e);
    }
    assert!(
        by_id.values().all(|v| v.len() == 1),
        "one event per fact, even with every webhook delivered twice"
    );
    let kinds: std::collections::BTreeSet<&str> =
        events.iter().filter_map(|e| e["type"].as_str()).collect();
    let built_in = shared::domain::events::EventKind::BUILT_IN;
    // The media copy's events come from the media function, the review's
    // from the scheduled review, and account.* from Meta's account webhooks,
    // which this run does not play: tests/tests/media, tests/tests/review and
    // tests/tests/health check those.
    for expected in built_in
        .iter()
        .map(|k| k.as_str())
        .filter(|k| {
            !k.starts_with("media.")
                && !k.starts_with("account.")
                && *k != "integration.review_completed"
        })
        .chain(["order.status_requested"])
    {
        assert!(
            kinds.contains(expected),
            "no {expected} event; got {kinds:?}"
        );
    }
    world.assert_events_match_their_schemas(&events, "all");
}
