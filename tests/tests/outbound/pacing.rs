//! Each business number paced at its own Meta throughput level: read by the
//! template sync from `GET /{waba}/phone_numbers`, raised by a signed
//! `THROUGHPUT_UPGRADE` webhook, under `MessagesPerSecond` as a cap.
//!
//! The sender's clock is fixed to one second, so every permit comes from
//! the same 100 ms slot: a STANDARD number (80 a second) gets 8 of 9
//! commands, a HIGH one (1,000) all 10. The ninth waits for the next slot,
//! which never comes, and goes back to the queue as `pacing`.

use graph_simulator::RunningSimulator;
use integration_tests::{s, TestClock, World, PHONE_NUMBER_ID};
use serde_json::json;

use crate::common::now;

const WABA: &str = "102290129340398";
/// A second number of the simulator's WABA, upgraded to HIGH.
const HIGH_NUMBER: &str = "106540352242999";

async fn sim_post(sim: &RunningSimulator, path: &str, body: serde_json::Value) {
    let status = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .json(&body)
        .send()
        .await
        .expect("the simulator answers")
        .status();
    assert!(status.is_success(), "{path}: {status}");
}

async fn enqueue(world: &World, from: &str, tag: &str, count: usize) {
    for i in 0..count {
        let command = json!({"idempotency_key": format!("{tag}-{i}"), "to": format!("1650555{i:04}"),
            "category": "utility", "phone_number_id": from,
            "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}});
        world.enqueue_command(&command.to_string()).await;
    }
}

fn sends_from(sim: &RunningSimulator, number: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.ends_with(&format!("{number}/messages")) && r.response.status == 200)
        .count()
}

/// The next `count` commands of the outbound queue through `sender`, one
/// record at a time: moto does not serialise concurrent conditional
/// writes as DynamoDB does, so permits are taken one after another here.
/// Returns how many were released for pacing (each after the sender's
/// five seconds of waiting for a slot that never comes).
async fn one_by_one(world: &World, sender: &integration_tests::LocalSender, count: usize) -> usize {
    let batch = world.outbound_batch().await;
    assert_eq!(batch.records.len(), count, "the queue holds {count}");
    let mut released = 0;
    for record in batch.records {
        let mut single = aws_lambda_events::event::sqs::SqsEvent::default();
        single.records.push(record);
        released += sender
            .handle(single)
            .await
            .expect("handler")
            .batch_item_failures
            .len();
    }
    released
}

/// A simulator (no pair rate) where `number` is HIGH (with `display`), and
/// one template sync of its WABA, as the scheduled job runs it.
async fn synced_with_high(
    world: &World,
    number: &str,
    display: &str,
) -> (RunningSimulator, review::sync::SyncReport) {
    let sim = world
        .simulator(|c| c.behaviour.rate_limits.pair.enabled = false)
        .await;
    sim_post(
        &sim,
        &format!("/_sim/account/phone_numbers/{number}"),
        json!({"throughput_level": "HIGH", "display_phone_number": display}),
    )
    .await;
    let mut reviewer = world.reviewer(&sim, "").await;
    reviewer.config.waba_ids = vec![WABA.into()];
    let report = reviewer.sync_templates().await;
    (sim, report)
}

#[tokio::test]
async fn two_numbers_are_paced_each_at_its_own_level_and_an_upgrade_takes_effect() {
    let world = World::new().await;
    let (sim, report) = synced_with_high(&world, HIGH_NUMBER, "+1 555-078-3999").await;
    assert_eq!(report.synced[0].phone_numbers, 2, "{report:?}");
    let level = |item: Option<integration_tests::Item>| {
        item.and_then(|i| s(&i, "throughput_level").map(str::to_owned))
    };
    let standard = world
        .get(&format!("TPLNUM#{PHONE_NUMBER_ID}"), "WABA")
        .await;
    assert_eq!(level(standard).as_deref(), Some("STANDARD"));

    // The cap is far above both: only each number's own level holds it.
    let second = now();
    let mut sender = world.sender(&sim, 1_000);
    sender.clock = TestClock(Some(second));
    // The HIGH number first: the STANDARD one's released record is back on
    // the queue at once (no retry delay in tests).
    enqueue(&world, HIGH_NUMBER, "high", 10).await;
    assert_eq!(
        one_by_one(&world, &sender, 10).await,
        0,
        "all 10 in the slot"
    );
    enqueue(&world, PHONE_NUMBER_ID, "standard", 9).await;
    assert_eq!(
        one_by_one(&world, &sender, 9).await,
        1,
        "8 of 9 in the slot"
    );
    assert_eq!(
        (
            sends_from(&sim, PHONE_NUMBER_ID),
            sends_from(&sim, HIGH_NUMBER)
        ),
        (8, 10)
    );

    // Meta upgrades the first number: the signed webhook, processed.
    sim_post(
        &sim,
        "/_sim/account/webhooks",
        json!({"field": "phone_number_quality_update", "phone_number_id": PHONE_NUMBER_ID,
               "value": {"event": "THROUGHPUT_UPGRADE"}}),
    )
    .await;
    world.drain(&world.processor()).await;
    let upgraded = world
        .get(&format!("TPLNUM#{PHONE_NUMBER_ID}"), "WABA")
        .await;
    assert_eq!(level(upgraded).as_deref(), Some("HIGH"));

    // A new instance (an instance keeps a level a minute), a new second:
    // the released record and nine more, all in one slot.
    let mut sender = world.sender(&sim, 1_000);
    sender.clock = TestClock(Some(second + 1));
    enqueue(&world, PHONE_NUMBER_ID, "after", 9).await;
    assert_eq!(
        one_by_one(&world, &sender, 10).await,
        0,
        "all 10 in the slot"
    );
    assert_eq!(sends_from(&sim, PHONE_NUMBER_ID), 18);
    let throttled = sim
        .requests()
        .iter()
        .filter(|r| r.response.error_code == Some(130429))
        .count();
    assert_eq!(throttled, 0, "no 130429 from Meta");
}

#[tokio::test]
async fn messages_per_second_caps_even_a_high_number() {
    let world = World::new().await;
    let (sim, report) = synced_with_high(&world, PHONE_NUMBER_ID, "+1 555-078-3881").await;
    assert!(report.failed.is_empty(), "{report:?}");

    // A coexistence number: 20 a second, 2 a slot.
    let mut sender = world.sender(&sim, 20);
    sender.clock = TestClock(Some(now()));
    enqueue(&world, PHONE_NUMBER_ID, "capped", 3).await;
    assert_eq!(one_by_one(&world, &sender, 3).await, 1);
    assert_eq!(sends_from(&sim, PHONE_NUMBER_ID), 2);
}
