//! The event bus (issue #17) through moto: what a function publishes
//! reaches the events queue unchanged, through the stack's own rule, and
//! each subscriber's queue gets just what its rule's pattern asks for.

use integration_tests::World;
use serde_json::{json, Value};
use shared::adapters::eventbridge::EventBus;
use shared::domain::events::{Event, EventKind};
use shared::ports::EventSink;

/// The template's `EventSource` default: the local stack keeps it.
const SOURCE: &str = "johns-umbrella-mart";

pub(crate) fn event(id: &str, kind: EventKind) -> Event {
    Event {
        event_id: id.into(),
        kind,
        occurred_at: "2026-12-03T09:00:00Z".into(),
        phone_number_id: Some("106540352242922".into()),
        wa_id: Some("16505551234".into()),
        data: json!({"n": id}),
    }
}

mod refused;
mod subscriptions;
mod wiring;

/// A queue of the test's own, subscribed to the bus with `pattern`.
async fn subscriber(world: &World, name: &str, pattern: Value) -> String {
    let (url, arn) = world.system_queue(name).await;
    let events = aws_sdk_eventbridge::Client::new(&world.sdk);
    let rule = format!("{}-{name}", world.stack_name);
    events
        .put_rule()
        .name(&rule)
        .event_bus_name(&world.event_bus)
        .event_pattern(pattern.to_string())
        .send()
        .await
        .expect("rule");
    events
        .put_targets()
        .rule(&rule)
        .event_bus_name(&world.event_bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id(name)
                .arn(arn)
                .build()
                .expect("target"),
        )
        .send()
        .await
        .expect("target");
    url
}

pub(crate) fn ids(bodies: &[Value], path: &str) -> Vec<String> {
    let mut ids: Vec<String> = bodies
        .iter()
        .map(|b| {
            b.pointer(path)
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn every_event_reaches_the_events_queue_unchanged_and_each_subscriber_only_its_own() {
    let world = World::new().await;
    let crm = subscriber(
        &world,
        "crm",
        json!({"source": [SOURCE], "detail-type": [{"prefix": "contact."}]}),
    )
    .await;
    let tickets = subscriber(
        &world,
        "tickets",
        json!({"source": [SOURCE], "detail-type": ["ticket.requested"]}),
    )
    .await;
    let bus = EventBus::new(
        aws_sdk_eventbridge::Client::new(&world.sdk),
        &world.event_bus,
        SOURCE,
    );
    let published = vec![
        event("e1", EventKind::MessageReceived),
        event("e2", EventKind::ContactOptedOut),
        event("e3", EventKind::TicketRequested),
        event("e4", EventKind::ContactOptedIn),
    ];
    bus.publish(&published).await.expect("published");

    let all = world.events().await;
    let expected: Vec<Value> = published
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    for e in &expected {
        assert!(all.contains(e), "the queue has {e} unchanged: {all:?}");
    }
    assert_eq!(all.len(), 4);
    let crm_got = world.take_all(&crm).await;
    assert_eq!(ids(&crm_got, "/detail/event_id"), vec!["e2", "e4"]);
    assert_eq!(crm_got[0]["source"], SOURCE);
    let tickets_got = world.take_all(&tickets).await;
    assert_eq!(ids(&tickets_got, "/detail/event_id"), vec!["e3"]);
    assert_eq!(tickets_got[0]["detail-type"], "ticket.requested");
}

#[tokio::test]
async fn an_event_larger_than_the_bus_takes_is_refused_alone_and_the_others_go() {
    let world = World::new().await;
    let bus = EventBus::new(
        aws_sdk_eventbridge::Client::new(&world.sdk),
        &world.event_bus,
        SOURCE,
    );
    let mut huge = event("big", EventKind::TicketRequested);
    huge.data = json!({"excerpt": "x".repeat(300 * 1024)});
    let published = vec![event("small", EventKind::MessageReceived), huge];
    bus.publish(&published)
        .await
        .expect("the others are published");
    assert_eq!(ids(&world.events().await, "/event_id"), vec!["small"]);
}
