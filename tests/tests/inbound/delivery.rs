use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{fixture, ids_in, s, World};

/// Marks every stored item of `kind` the way no write of the connector
/// would, so a later write over it shows.
async fn stamp_all(world: &World, kind: &str) -> usize {
    let items = world.items_of_type(kind).await;
    for item in &items {
        world
            .tamper(item, "probe", AttributeValue::S("first delivery".into()))
            .await;
    }
    items.len()
}

async fn stamped(world: &World, kind: &str) -> usize {
    world
        .items_of_type(kind)
        .await
        .iter()
        .filter(|i| s(i, "probe") == Some("first delivery"))
        .count()
}

/// The events on the queue, and how many of them repeat an event id.
async fn events_and_repeats(world: &World) -> (Vec<serde_json::Value>, usize) {
    let events = world.events().await;
    let mut ids: Vec<&str> = events
        .iter()
        .filter_map(|e| e["event_id"].as_str())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    let repeats = all - ids.len();
    (events, repeats)
}

#[tokio::test]
async fn a_batched_payload_with_many_entries_stores_every_message_and_status() {
    let world = World::new().await;
    let body = fixture("batch_many.json");
    assert_eq!(
        world.post_signed(&world.webhook(), &body).await.status(),
        200
    );
    world.drain(&world.processor()).await;
    let messages = world.items_of_type("message").await;
    let statuses = world.items_of_type("status").await;
    let expected_messages = ids_in(&body, "messages");
    let expected_statuses = ids_in(&body, "statuses");
    assert_eq!(messages.len(), expected_messages.len());
    assert_eq!(statuses.len(), expected_statuses.len());
    for (id, _) in expected_messages {
        assert!(
            messages.iter().any(|m| s(m, "wamid") == Some(id.as_str())),
            "{id}"
        );
    }
}

#[tokio::test]
async fn when_meta_delivers_the_same_webhook_twice_each_message_is_stored_once() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    let body = fixture("text.json");
    assert_eq!(world.post_signed(&webhook, &body).await.status(), 200);
    world.drain(&processor).await;
    assert_eq!(stamp_all(&world, "message").await, 1);
    world.events().await;
    assert_eq!(world.post_signed(&webhook, &body).await.status(), 200);
    world.drain(&processor).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
    assert_eq!(
        stamped(&world, "message").await,
        1,
        "the second delivery wrote over the first"
    );
    let (events, _) = events_and_repeats(&world).await;
    assert!(
        events.iter().all(|e| e["type"] != "message.received"),
        "{events:?}"
    );
}

#[tokio::test]
async fn when_sqs_redelivers_a_batch_nothing_is_stored_twice() {
    let world = World::new().await;
    let webhook = world.webhook();
    let body = fixture("batch_many.json");
    // Two copies in the queue at once, processed in the same batches.
    world.post_signed(&webhook, &body).await;
    world.post_signed(&webhook, &body).await;
    world.drain(&world.processor()).await;
    assert_eq!(
        world.items_of_type("message").await.len(),
        ids_in(&body, "messages").len()
    );
    assert_eq!(
        world.items_of_type("status").await.len(),
        ids_in(&body, "statuses").len()
    );
    // Whichever copy lost its conditional write set nothing off.
    let (events, repeats) = events_and_repeats(&world).await;
    let received = events
        .iter()
        .filter(|e| e["type"] == "message.received")
        .count();
    assert_eq!(received, ids_in(&body, "messages").len());
    assert_eq!(repeats, 0, "{events:?}");
}

#[tokio::test]
async fn the_same_message_twice_in_one_post_is_stored_once() {
    let world = World::new().await;
    let body = fixture("duplicate_in_one_post.json");
    assert_eq!(ids_in(&body, "messages").len(), 2);
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
    // One queue record holds both: the second must not pass for a retry of
    // the first and set its effects off again.
    let (events, repeats) = events_and_repeats(&world).await;
    let received = events
        .iter()
        .filter(|e| e["type"] == "message.received")
        .count();
    assert_eq!((received, repeats), (1, 0), "{events:?}");
}

#[tokio::test]
async fn the_dlq_stays_empty_after_a_normal_run() {
    let world = World::new().await;
    let webhook = world.webhook();
    for name in [
        "text.json",
        "batch_many.json",
        "status_failed.json",
        "unknown_type.json",
        "account_update.json",
    ] {
        world.post_signed(&webhook, &fixture(name)).await;
    }
    let drained = world.drain(&world.processor()).await;
    assert_eq!(drained.failed, 0);
    assert_eq!(world.queue_depth(&world.dlq_url).await, 0);
}
