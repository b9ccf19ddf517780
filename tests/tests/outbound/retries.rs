use integration_tests::{s, World};

use crate::common::{ledger, sends, state, template_command, TO};

#[tokio::test]
async fn throughput_and_pair_rate_refusals_are_retried_until_sent() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    sim.force_next(130429, 2);
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("busy-1", TO, "utility"))
        .await;
    let drained = world.drain_outbound(&sender).await;
    assert_eq!(drained.failed, 2);
    assert_eq!(state(&ledger(&world, TO, "busy-1").await), "sent");
    sim.force_next(131056, 1);
    world
        .enqueue_command(&template_command("pair-1", TO, "utility"))
        .await;
    world.drain_outbound(&sender).await;
    assert_eq!(state(&ledger(&world, TO, "pair-1").await), "sent");
    let codes: Vec<Option<u32>> = sends(&sim).iter().map(|r| r.response.error_code).collect();
    assert_eq!(
        codes,
        vec![Some(130429), Some(130429), None, Some(131056), None]
    );
}

#[tokio::test]
async fn an_undeliverable_message_fails_once_and_is_not_retried() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    sim.force_next(131026, 1);
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("gone-1", TO, "utility"))
        .await;
    let drained = world.drain_outbound(&sender).await;
    assert_eq!(drained.failed, 0);
    assert_eq!(sends(&sim).len(), 1);
    let entry = ledger(&world, TO, "gone-1").await;
    assert_eq!(state(&entry), "failed");
    assert_eq!(s(&entry, "reason"), Some("graph_error_131026"));
}

#[tokio::test]
async fn a_5xx_storm_is_retried_then_parked_in_the_dlq_with_nothing_lost() {
    let world = World::new().await;
    let sim = world
        .simulator(|c| {
            c.behaviour.faults.server_error_rate = 1.0;
        })
        .await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("storm-1", TO, "utility"))
        .await;
    let drained = world.drain_outbound(&sender).await;
    assert_eq!(drained.delivered, 0);
    assert_eq!(drained.failed, 10, "tried maxReceiveCount times");
    assert_eq!(
        world.queue_depth(&world.outbound_dlq_url).await,
        1,
        "the command waits in the DLQ"
    );
    let entry = ledger(&world, TO, "storm-1").await;
    assert_eq!(
        state(&entry),
        "retry",
        "recorded as not sent, so a redrive may send it"
    );
}

/// Found by the full chaos run: the ledger never marked an outcome's events
/// as owed, so when publishing `message.sent` failed, the retry took the key
/// for finished and the event was never sent.
#[tokio::test]
async fn when_the_sent_event_cannot_be_published_the_retry_publishes_it_without_sending_again() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    world
        .enqueue_command(&template_command("evt-1", TO, "utility"))
        .await;
    let batch = world.outbound_batch().await;
    assert_eq!(batch.records.len(), 1);
    let mut broken = world.sender(&sim, 80);
    // A bus that does not exist: PutEvents refuses every entry.
    let mut gone = world.event_bus_config();
    gone.bus_name = format!("{}-missing", world.event_bus);
    broken.events = shared::adapters::eventbridge::EventBus::from_config(&world.sdk, &gone);
    let first = broken.handle(batch.clone()).await.expect("handled");
    assert_eq!(first.batch_item_failures.len(), 1, "the record is retried");
    assert_eq!(state(&ledger(&world, TO, "evt-1").await), "sent");

    let second = world.sender(&sim, 80).handle(batch).await.expect("handled");
    assert!(second.batch_item_failures.is_empty());
    assert_eq!(sends(&sim).len(), 1, "sent once");
    let sent = world
        .events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "message.sent")
        .count();
    assert_eq!(sent, 1);
}
