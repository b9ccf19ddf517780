//! Entries the bus refuses (`FailedEntryCount`), played by the fault proxy
//! in front of moto: sent again, and a record whose event is still refused
//! fails alone; nothing is lost or published twice.

use integration_tests::chaos::proxy;
use integration_tests::{text_webhook, World};
use serde_json::Value;

const OPEN: i64 = 1_795_615_200;

/// The distinct `message.received` facts of `wamid`: copies of one fact
/// share an `event_id` and consumers drop the repeats (the events contract).
fn received(events: &[Value], wamid: &str) -> usize {
    events
        .iter()
        .filter(|e| e["type"] == "message.received" && e["data"]["wamid"] == wamid)
        .filter_map(|e| e["event_id"].as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// A world whose functions reach moto through a fault proxy, and two
/// customers' texts posted to the webhook.
async fn two_texts(
    texts: [(&str, &str); 2],
) -> (
    World,
    proxy::RunningProxy,
    integration_tests::LocalProcessor,
) {
    let world = World::new().await;
    let moto = std::env::var("JUM_TEST_ENDPOINT_URL").expect("moto endpoint");
    let proxy = proxy::start(&moto, 0.0, 1).await;
    let processor = world
        .through(&proxy.url)
        .await
        .processor_with(None, Some(OPEN));
    let webhook = world.webhook();
    for (from, wamid) in texts {
        world
            .post_signed(&webhook, &text_webhook(from, wamid, "hello", OPEN))
            .await;
    }
    (world, proxy, processor)
}

#[tokio::test]
async fn an_entry_the_bus_refuses_twice_is_sent_again_and_published_once() {
    let (world, proxy, processor) = two_texts([
        ("16505551240", "wamid.BUSREFUSED1"),
        ("16505551241", "wamid.BUSFINE1"),
    ])
    .await;
    // Twice, before the processor runs: the adapter's own attempts, not the
    // record's redelivery, carry it.
    proxy.refuse_events("wamid.BUSREFUSED1", 2);
    let drained = world.drain(&processor).await;
    assert_eq!(
        drained.failed, 0,
        "the refused entry went on its third attempt"
    );
    let events = world.events().await;
    assert_eq!(
        events.len(),
        2,
        "only the refused entry was sent again: {events:?}"
    );
    assert_eq!(received(&events, "wamid.BUSREFUSED1"), 1, "{events:?}");
    assert_eq!(received(&events, "wamid.BUSFINE1"), 1, "{events:?}");
}

#[tokio::test]
async fn a_record_whose_event_the_bus_keeps_refusing_fails_alone_and_is_published_once_redriven() {
    let (world, proxy, processor) = two_texts([
        ("16505551242", "wamid.BUSSTUCK1"),
        ("16505551243", "wamid.BUSFINE2"),
    ])
    .await;
    proxy.refuse_events("wamid.BUSSTUCK1", usize::MAX);
    let drained = world.drain(&processor).await;
    assert_eq!(drained.delivered, 1, "the other record went through");
    assert_eq!(
        drained.failed, 5,
        "retried to the template's maxReceiveCount"
    );
    let events = world.events().await;
    assert_eq!(received(&events, "wamid.BUSFINE2"), 1, "{events:?}");
    assert_eq!(received(&events, "wamid.BUSSTUCK1"), 0, "{events:?}");
    // Its neighbour's event may come twice (put with the batch, then again
    // when each record is published alone), with one event_id.

    // Parked, not lost: redriven once the bus takes it, its event goes once.
    let parked = world.take_all(&world.dlq_url.clone()).await;
    assert_eq!(parked.len(), 1, "in the inbound DLQ");
    for record in &parked {
        world
            .sqs
            .send_message()
            .queue_url(&world.inbound_url)
            .message_body(record.to_string())
            .send()
            .await
            .expect("redrive");
    }
    let redriven = world.drain(&world.processor_with(None, Some(OPEN))).await;
    assert_eq!(redriven.failed, 0);
    let events = world.events().await;
    assert_eq!(received(&events, "wamid.BUSSTUCK1"), 1, "{events:?}");
    assert_eq!(received(&events, "wamid.BUSFINE2"), 0, "{events:?}");
}
