//! The 24-hour window, read from the stored messages themselves (the
//! profile is written at most once a day, so it cannot say): open while
//! the customer's newest message is less than 24 hours old, to the second.

use integration_tests::{s, TestClock, World};

use crate::common::{
    ledger, now, seed_inbound_message, seed_profile, sends, state, text_command, TO,
};

const DAY: i64 = 86_400;

async fn free_form_to(world: &World, to: &str, key: &str, at: i64) -> String {
    let sim = world.simulator(|_| {}).await;
    let mut sender = world.sender(&sim, 80);
    sender.clock = TestClock(Some(at));
    world
        .enqueue_command(&text_command(key, to, "Your umbrella is ready"))
        .await;
    world.drain_outbound(&sender).await;
    let entry = ledger(world, to, key).await;
    let outcome = match s(&entry, "reason") {
        Some(reason) => format!("{} / {reason}", state(&entry)),
        None => state(&entry).to_owned(),
    };
    assert_eq!(sends(&sim).len(), usize::from(outcome == "sent"));
    outcome
}

#[tokio::test]
async fn a_message_one_second_short_of_24_hours_old_keeps_the_window_open() {
    let world = World::new().await;
    let now = now();
    seed_profile(&world, TO, None, "unknown").await;
    seed_inbound_message(&world, TO, now - DAY + 1, "text").await;
    assert_eq!(free_form_to(&world, TO, "w-1", now).await, "sent");
}

#[tokio::test]
async fn a_message_exactly_24_hours_old_has_closed_the_window() {
    let world = World::new().await;
    let now = now();
    seed_profile(&world, TO, None, "unknown").await;
    seed_inbound_message(&world, TO, now - DAY, "text").await;
    assert_eq!(
        free_form_to(&world, TO, "w-2", now).await,
        "rejected / outside_customer_service_window"
    );
}

#[tokio::test]
async fn the_window_is_the_messages_not_the_profile() {
    let world = World::new().await;
    let now = now();
    // A profile that says the customer wrote a minute ago, and no message:
    // erased, expired or never stored, there is nothing to answer.
    seed_profile(&world, TO, None, "unknown").await;
    world
        .ddb
        .update_item()
        .table_name(&world.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("C#{TO}")),
        )
        .key(
            "sk",
            aws_sdk_dynamodb::types::AttributeValue::S("PROFILE".into()),
        )
        .update_expression("SET last_inbound_at = :t")
        .expression_attribute_values(
            ":t",
            aws_sdk_dynamodb::types::AttributeValue::N((now - 60).to_string()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        free_form_to(&world, TO, "w-3", now).await,
        "rejected / outside_customer_service_window"
    );
}

#[tokio::test]
async fn a_system_notice_does_not_open_the_window_and_many_replies_since_do_not_hide_it() {
    let world = World::new().await;
    let now = now();
    seed_profile(&world, TO, None, "unknown").await;
    seed_inbound_message(&world, TO, now - 60, "system").await;
    assert_eq!(
        free_form_to(&world, TO, "w-4", now).await,
        "rejected / outside_customer_service_window"
    );

    // The customer wrote an hour ago; the business sent 25 messages since
    // (more than one page of the newest-first read).
    let other = "16505550100";
    seed_profile(&world, other, None, "unknown").await;
    seed_inbound_message(&world, other, now - 3600, "text").await;
    for i in 0..25 {
        world
            .ddb
            .put_item()
            .table_name(&world.table)
            .set_item(Some(
                [
                    ("pk", format!("C#{other}")),
                    ("sk", format!("M#{:010}#wamid.out{i}", now - 3000 + i)),
                    ("type", "message".to_owned()),
                    ("direction", "out".to_owned()),
                    ("message_type", "text".to_owned()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), aws_sdk_dynamodb::types::AttributeValue::S(v)))
                .collect(),
            ))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(free_form_to(&world, other, "w-5", now).await, "sent");
}
