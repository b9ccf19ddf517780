//! The template's ready-made subscriptions (issue #17): with `CrmQueueArn`,
//! `TicketingQueueArn` and `OrdersQueueArn` set, the stack's own rules give
//! each system exactly its events, once per fact, from the whole pipeline
//! (signed webhooks, each delivered twice → webhook → queue → processor →
//! bus), while the events queue still gets them all.

use std::collections::BTreeSet;

use integration_tests::{fixture, message_webhook, text_webhook, World};
use serde_json::{json, Value};

use crate::ids;

/// Wed 2026-11-25 14:00 London: the shipped rules' business hours.
const OPEN: i64 = 1_795_615_200;

fn types(events: &[Value]) -> BTreeSet<String> {
    events
        .iter()
        .filter_map(|e| e["type"].as_str().map(str::to_owned))
        .collect()
}

/// The events of `all` whose type a subscription's pattern matches.
fn expected(all: &[Value], wanted: impl Fn(&str) -> bool) -> Vec<String> {
    let chosen: Vec<Value> = all
        .iter()
        .filter(|e| wanted(e["type"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    ids(&chosen, "/event_id")
}

#[tokio::test]
async fn each_ready_made_subscription_gets_exactly_its_events_once_and_the_events_queue_all() {
    let world = World::new().await;
    let (crm, crm_arn) = world.system_queue("crm").await;
    let (tickets, tickets_arn) = world.system_queue("tickets").await;
    let (orders, orders_arn) = world.system_queue("orders").await;
    let deployed = world
        .redeploy(&[
            ("CrmQueueArn", &crm_arn),
            ("TicketingQueueArn", &tickets_arn),
            ("OrdersQueueArn", &orders_arn),
        ])
        .await;
    for dlq in [
        "CrmDeadLetterQueue",
        "TicketingDeadLetterQueue",
        "OrdersDeadLetterQueue",
    ] {
        assert!(deployed[dlq].is_string(), "{dlq} made: {deployed}");
    }

    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/automation.yaml"),
    )
    .expect("the shipped rules");
    let webhook = world.webhook();
    let processor = world.processor_with(Some(&shipped), Some(OPEN));
    let photo = message_webhook(
        "16505551234",
        "wamid.BUS000001",
        OPEN,
        json!({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg", "sha256": "x"}}),
    );
    let posts = [
        photo, // message.received, ticket.requested
        text_webhook("16505551235", "wamid.BUS000002", "order #1042", OPEN), // order.status_requested
        text_webhook("16505551236", "wamid.BUS000003", "STOP", OPEN),        // contact.opted_out
        text_webhook("16505551237", "wamid.BUS000004", "agent", OPEN),       // handoff_requested
        fixture("status_failed.json"),                                       // message.status
    ];
    for _ in 0..2 {
        for body in &posts {
            world.post_signed(&webhook, body).await;
        }
    }
    world.drain(&processor).await;

    let all = world.events().await;
    let all_ids = ids(&all, "/event_id");
    let distinct: BTreeSet<&String> = all_ids.iter().collect();
    assert_eq!(distinct.len(), all_ids.len(), "once per fact: {all_ids:?}");
    for kind in [
        "message.received",
        "message.status",
        "ticket.requested",
        "order.status_requested",
        "contact.opted_out",
        "conversation.handoff_requested",
    ] {
        assert!(types(&all).contains(kind), "no {kind}: {:?}", types(&all));
    }

    let crm_got = world.take_all(&crm).await;
    let tickets_got = world.take_all(&tickets).await;
    let orders_got = world.take_all(&orders).await;
    assert_eq!(
        ids(&crm_got, "/event_id"),
        expected(&all, |t| t.starts_with("contact.")
            || t.starts_with("message.")),
        "the CRM: contact.* and message.*, each once"
    );
    assert_eq!(
        ids(&tickets_got, "/event_id"),
        expected(&all, |t| t == "ticket.requested"
            || t.starts_with("conversation.handoff_")),
        "ticketing: tickets and hand-offs, each once"
    );
    assert_eq!(
        ids(&orders_got, "/event_id"),
        expected(&all, |t| t.starts_with("order.")),
        "orders: order.*, each once"
    );
    // What a subscriber gets is the event's JSON itself, as on the events queue.
    for got in crm_got.iter().chain(&tickets_got).chain(&orders_got) {
        assert!(all.contains(got), "{got} unchanged");
    }
    world.assert_events_match_their_schemas(&all, "all");
}
