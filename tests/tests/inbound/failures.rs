use integration_tests::{fixture, World};

#[tokio::test]
async fn when_the_queue_cannot_be_written_should_answer_non_200_so_meta_retries() {
    let world = World::new().await;
    let missing_queue = format!("{}-gone", world.inbound_url);
    let webhook = world.webhook_with_queue(&missing_queue);
    let response = world.post_signed(&webhook, &fixture("text.json")).await;
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn a_poison_record_fails_alone_and_ends_in_the_dlq() {
    let world = World::new().await;
    world
        .post_signed(&world.webhook(), &fixture("text.json"))
        .await;
    world
        .sqs
        .send_message()
        .queue_url(&world.inbound_url)
        .message_body("{\"something\":\"else\"}")
        .send()
        .await
        .unwrap();
    world
        .post_signed(&world.webhook(), &fixture("image.json"))
        .await;
    let drained = world.drain(&world.processor()).await;
    assert_eq!(
        drained.delivered, 2,
        "the good records are stored and deleted"
    );
    assert_eq!(
        drained.failed, 5,
        "the poison record is retried maxReceiveCount times"
    );
    assert_eq!(world.items_of_type("message").await.len(), 2);
    assert_eq!(world.queue_depth(&world.dlq_url).await, 1);
}

#[tokio::test]
async fn a_signed_body_that_is_not_json_gets_400_and_a_diagnostic_record() {
    let world = World::new().await;
    let body = fixture("not_json.txt");
    let response = world.post_signed(&world.webhook(), &body).await;
    assert_eq!(response.status(), 400);
    world.drain(&world.processor()).await;
    let diagnostics = world.items_of_type("diagnostic").await;
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        integration_tests::s(&diagnostics[0], "kind"),
        Some("rejected")
    );
    assert!(world.items_of_type("message").await.is_empty());
}
