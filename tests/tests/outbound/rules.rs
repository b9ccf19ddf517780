use integration_tests::{s, World};

use crate::common::{
    customer_wrote_recently, ledger, now, seed_profile, sends, state, template_command,
    text_command, TO,
};

#[tokio::test]
async fn the_same_idempotency_key_enqueued_three_times_and_redelivered_is_sent_once() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let command = template_command("order-1042-shipped", TO, "utility");
    for _ in 0..3 {
        world.enqueue_command(&command).await;
    }
    world.drain_outbound(&sender).await;
    // A redelivery after success (e.g. a lost delete) changes nothing.
    world.enqueue_command(&command).await;
    world.drain_outbound(&sender).await;
    assert_eq!(sends(&sim).len(), 1);
    let entry = ledger(&world, TO, "order-1042-shipped").await;
    assert_eq!(state(&entry), "sent");
    assert!(s(&entry, "wamid").is_some_and(|w| w.starts_with("wamid.")));
}

#[tokio::test]
async fn an_opted_out_contact_gets_no_marketing_or_utility_message() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    seed_profile(&world, TO, Some(now() - 60), "opted_out").await;
    world
        .enqueue_command(&template_command("promo-1", TO, "marketing"))
        .await;
    world
        .enqueue_command(&template_command("notice-1", TO, "utility"))
        .await;
    world.drain_outbound(&sender).await;
    assert!(sends(&sim).is_empty());
    for key in ["promo-1", "notice-1"] {
        let entry = ledger(&world, TO, key).await;
        assert_eq!(state(&entry), "suppressed");
        assert_eq!(s(&entry, "reason"), Some("opted_out"));
    }
}

#[tokio::test]
async fn free_form_outside_the_window_is_rejected_without_calling_meta() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    seed_profile(&world, TO, Some(now() - 25 * 3600), "unknown").await;
    world
        .enqueue_command(&text_command("late-reply", TO, "Still there?"))
        .await;
    world
        .enqueue_command(&text_command("stranger", "16505559999", "Hello"))
        .await;
    world.drain_outbound(&sender).await;
    assert!(sends(&sim).is_empty());
    for (to, key) in [(TO, "late-reply"), ("16505559999", "stranger")] {
        let entry = ledger(&world, to, key).await;
        assert_eq!(state(&entry), "rejected");
        assert_eq!(s(&entry, "reason"), Some("outside_customer_service_window"));
    }
}

#[tokio::test]
async fn a_template_outside_the_window_is_sent() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("t-1", "16505559999", "utility"))
        .await;
    world.drain_outbound(&sender).await;
    assert_eq!(sends(&sim).len(), 1);
    assert_eq!(state(&ledger(&world, "16505559999", "t-1").await), "sent");
}

#[tokio::test]
async fn a_reply_inside_the_window_is_sent_and_stored_as_an_outbound_message() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    let command = serde_json::json!({
        "idempotency_key": "reply-1",
        "to": format!("+{TO}"),
        "message": {"type": "text", "text": {"body": "Your umbrella is ready"}},
        "links": [{"system": "orders", "type": "order", "id": "1042"}]
    });
    world.enqueue_command(&command.to_string()).await;
    world.drain_outbound(&sender).await;
    let stored: Vec<_> = world
        .items_of_type("message")
        .await
        .into_iter()
        .filter(|m| s(m, "direction") != Some("in"))
        .collect();
    assert_eq!(stored.len(), 1, "the customer's message and the reply");
    let m = &stored[0];
    assert_eq!(s(m, "direction"), Some("out"));
    assert_eq!(s(m, "idempotency_key"), Some("reply-1"));
    assert_eq!(s(m, "category"), Some("service"));
    let link = m["links"].as_l().unwrap()[0].as_m().unwrap();
    assert_eq!(link["id"].as_s().unwrap(), "1042");
    assert!(m.contains_key("expires_at"));
}

#[tokio::test]
async fn an_invalid_command_is_not_sent() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    world
        .enqueue_command(&text_command("too-long", TO, &"x".repeat(4097)))
        .await;
    world.enqueue_command("not json at all").await;
    let drained = world.drain_outbound(&sender).await;
    assert_eq!(drained.failed, 0, "invalid commands are never retried");
    assert!(sends(&sim).is_empty());
    assert_eq!(world.queue_depth(&world.outbound_dlq_url).await, 0);
}
