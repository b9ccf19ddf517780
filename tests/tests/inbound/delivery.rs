use integration_tests::{fixture, ids_in, s, World};

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
    assert_eq!(world.post_signed(&webhook, &body).await.status(), 200);
    world.drain(&processor).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
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
}

#[tokio::test]
async fn the_same_message_twice_in_one_post_is_stored_once() {
    let world = World::new().await;
    let body = fixture("duplicate_in_one_post.json");
    assert_eq!(ids_in(&body, "messages").len(), 2);
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;
    assert_eq!(world.items_of_type("message").await.len(), 1);
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
