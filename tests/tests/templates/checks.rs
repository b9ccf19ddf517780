//! The check before a send: each refusal with no call to Meta's /messages,
//! Meta's category for consent, a status webhook taking effect at once.

use integration_tests::{fixture, World};
use serde_json::json;

use shared::domain::review::Severity;

use crate::common::{ended, ledger, named, pause, sends, sync, template_command, TO, WABA};

#[tokio::test]
async fn each_template_refusal_ends_rejected_with_its_reason_and_no_call_to_meta() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    assert!(sync(&world, &sim).await.failed.is_empty());
    let sender = world.sender(&sim, 80);
    let cases = [
        (
            "no-such",
            named("no_such_template", "en_US"),
            "template_not_found",
        ),
        (
            "wrong-language",
            named("order_shipped", "fr"),
            "template_not_found",
        ),
        (
            "paused",
            named("rainy_day_deals", "en_US"),
            "template_paused",
        ),
        (
            "disabled",
            named("old_newsletter", "en_US"),
            "template_disabled",
        ),
        (
            "pending",
            named("store_location", "en_US"),
            "template_pending",
        ),
        (
            "rejected",
            named("free_umbrella", "en_US"),
            "template_rejected",
        ),
        (
            "short",
            json!({"name": "appointment_reminder", "language": {"code": "en_US"},
                   "components": [{"type": "body", "parameters": [{"type": "text", "text": "Tuesday"}]}]}),
            "template_parameters_mismatch",
        ),
        (
            "text-for-image",
            json!({"name": "spring_sale", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [{"type": "text", "text": "hi"}]},
                {"type": "body", "parameters": [{"type": "text", "text": "Alice"}, {"type": "text", "text": "20%"}]},
                {"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "spring"}]}]}),
            "template_parameters_mismatch",
        ),
    ];
    for (key, template, _) in &cases {
        world
            .enqueue_command(&template_command(key, "utility", template.clone()))
            .await;
    }
    world.drain_outbound(&sender).await;

    assert!(
        sends(&sim).is_empty(),
        "no call to /messages: {:?}",
        sends(&sim)
    );
    for (key, _, reason) in &cases {
        assert_eq!(
            ended(&ledger(&world, key).await),
            ("rejected".to_owned(), Some((*reason).to_owned())),
            "{key}"
        );
    }
}

#[tokio::test]
async fn a_marketing_template_commanded_as_utility_is_suppressed_for_a_customer_who_stopped_marketing(
) {
    let world = World::new().await;
    // Meta's marketing stop for 16505551237 (the fixture's customer).
    world
        .post_signed(&world.webhook(), &fixture("user_preferences_stop.json"))
        .await;
    world.drain(&world.processor()).await;
    let sim = world.simulator(|_| {}).await;
    assert!(sync(&world, &sim).await.failed.is_empty());
    let sender = world.sender(&sim, 80);
    let spring_sale = json!({"name": "spring_sale", "language": {"code": "en_US"}, "components": [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://example.com/a.jpg"}}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Alice"}, {"type": "text", "text": "20%"}]},
        {"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "spring"}]}]});
    let command = json!({"idempotency_key": "sale-as-utility", "to": "16505551237", "category": "utility",
        "message": {"type": "template", "template": spring_sale}});
    world.enqueue_command(&command.to_string()).await;
    world.drain_outbound(&sender).await;

    assert!(sends(&sim).is_empty(), "no call to /messages");
    let item = world
        .ledger_entry("16505551237", "sale-as-utility")
        .await
        .expect("ledger entry");
    assert_eq!(
        ended(&item),
        ("suppressed".to_owned(), Some("opted_out".to_owned()))
    );
}

#[tokio::test]
async fn a_status_webhook_pausing_a_template_takes_effect_on_the_next_command() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    assert!(sync(&world, &sim).await.failed.is_empty());
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command(
            "before",
            "utility",
            named("order_shipped", "en_US"),
        ))
        .await;
    world.drain_outbound(&sender).await;
    assert_eq!(ended(&ledger(&world, "before").await).0, "sent");
    world.drain(&world.processor()).await; // its status webhooks

    pause(&world, &sim, "order_shipped").await;
    world
        .enqueue_command(&template_command(
            "after",
            "utility",
            named("order_shipped", "en_US"),
        ))
        .await;
    world.drain_outbound(&sender).await;

    assert_eq!(
        ended(&ledger(&world, "after").await),
        ("rejected".to_owned(), Some("template_paused".to_owned()))
    );
    assert_eq!(
        sends(&sim).len(),
        1,
        "only the send before the pause reached Meta"
    );
    let _ = TO;
}

#[tokio::test]
async fn a_number_whose_templates_never_synced_sends_as_before() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command(
            "unchecked",
            "utility",
            named("not_in_the_store", "en_US"),
        ))
        .await;
    world.drain_outbound(&sender).await;

    assert_eq!(ended(&ledger(&world, "unchecked").await).0, "sent");
    assert_eq!(sends(&sim).len(), 1);
}

#[tokio::test]
async fn a_template_commands_used_today_that_meta_then_paused_is_reported_by_the_review() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    assert!(sync(&world, &sim).await.failed.is_empty());
    let sender = world.sender(&sim, 80);
    for key in ["used-1", "used-2"] {
        world
            .enqueue_command(&template_command(
                key,
                "utility",
                named("order_shipped", "en_US"),
            ))
            .await;
    }
    world.drain_outbound(&sender).await;
    let mut reviewer = world.reviewer(&sim, "").await;
    reviewer.config.waba_ids = vec![WABA.into()];
    let in_use = |findings: &[shared::domain::review::Finding]| {
        findings
            .iter()
            .filter(|f| f.check == "templates.in_use")
            .map(|f| (f.severity, f.subject.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        in_use(&reviewer.review().await),
        vec![(Severity::Ok, WABA.to_owned())],
        "an approved template in use is fine"
    );

    pause(&world, &sim, "order_shipped").await;

    assert_eq!(
        in_use(&reviewer.review().await),
        vec![(Severity::Warning, format!("{WABA}/order_shipped/en_US"))]
    );
}
