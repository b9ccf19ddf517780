//! Consent by category, end to end: inbound opt-outs (STOP, Meta's
//! marketing stop) and opt-ins (consent API, a command's own evidence)
//! decide what the sender lets through, with or without a profile.

use integration_tests::{contacts_request, fixture, n, parts, s, text_webhook, World};
use serde_json::json;
use shared::domain::retention::Retention;

use crate::common::{ledger, now, sends, state, template_command, TO};

fn marketing_with_evidence(key: &str, to: &str) -> String {
    json!({
        "idempotency_key": key, "to": to, "category": "marketing",
        "message": {"type": "template", "template": {"name": "spring_sale", "language": {"code": "en_US"}}},
        "consent": {"marketing_opt_in_at": now() - 3600, "source": "web shop checkout box"}
    })
    .to_string()
}

fn ended(item: &integration_tests::Item) -> (&str, Option<&str>) {
    (state(item), s(item, "reason"))
}

#[tokio::test]
async fn after_stop_and_retention_deleting_everything_of_the_contact_utility_and_marketing_are_still_suppressed(
) {
    let world = World::new().await;
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(TO, "wamid.STOP0001", "STOP", now()),
        )
        .await;
    world.drain(&world.processor()).await;
    world.take_all(&world.outbound_url.clone()).await; // the confirmation is not the point here

    // As TTL would: every item that expires within RetentionDays + 1 day goes.
    let horizon = now() + i64::from(Retention::DEFAULT.days + 1) * 86_400;
    for item in world.items().await {
        if n(&item, "expires_at").is_some_and(|e| e <= horizon) {
            world
                .ddb
                .delete_item()
                .table_name(&world.table)
                .key("pk", item["pk"].clone())
                .key("sk", item["sk"].clone())
                .send()
                .await
                .unwrap();
        }
    }
    let left = world.items().await;
    assert!(
        left.iter().all(|i| !format!("{i:?}").contains(TO)),
        "what outlives retention holds no number: {left:?}"
    );
    assert!(
        left.iter().any(|i| s(i, "type") == Some("suppression")),
        "the opt-out outlives retention"
    );

    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("notice-after-stop", TO, "utility"))
        .await;
    // Opt-in evidence from the web shop does not lift an opt-out.
    world
        .enqueue_command(&marketing_with_evidence("promo-after-stop", TO))
        .await;
    world.drain_outbound(&sender).await;
    assert!(sends(&sim).is_empty(), "no Graph call");
    for key in ["notice-after-stop", "promo-after-stop"] {
        assert_eq!(
            ended(&ledger(&world, TO, key).await),
            ("suppressed", Some("opted_out")),
            "{key}"
        );
    }
}

#[tokio::test]
async fn after_metas_marketing_stop_a_utility_template_is_sent_and_a_marketing_one_is_suppressed() {
    let world = World::new().await;
    world
        .post_signed(&world.webhook(), &fixture("user_preferences_stop.json"))
        .await;
    world.drain(&world.processor()).await;
    let to = "16505551237";
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("order-shipped", to, "utility"))
        .await;
    world
        .enqueue_command(&marketing_with_evidence("promo", to))
        .await;
    world.drain_outbound(&sender).await;
    assert_eq!(state(&ledger(&world, to, "order-shipped").await), "sent");
    assert_eq!(
        ended(&ledger(&world, to, "promo").await),
        ("suppressed", Some("opted_out"))
    );
    assert_eq!(sends(&sim).len(), 1);
}

#[tokio::test]
async fn marketing_to_a_fresh_contact_needs_an_opt_in_from_the_consent_api_or_the_command() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let promo = |key: &str, to: &str| template_command(key, to, "marketing");

    world.enqueue_command(&promo("promo-1", TO)).await;
    world.drain_outbound(&sender).await;
    assert_eq!(
        ended(&ledger(&world, TO, "promo-1").await),
        ("suppressed", Some("no_marketing_opt_in"))
    );
    assert!(sends(&sim).is_empty());

    let (status, body) = parts(
        world
            .contacts()
            .handle(contacts_request(
                "PUT",
                &format!("/contacts/{TO}/consent"),
                Some(json!({"state": "opted_in", "category": "marketing"})),
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    world.enqueue_command(&promo("promo-2", TO)).await;
    world.drain_outbound(&sender).await;
    assert_eq!(state(&ledger(&world, TO, "promo-2").await), "sent");

    let other = "16505559876";
    world
        .enqueue_command(&marketing_with_evidence("promo-3", other))
        .await;
    world.drain_outbound(&sender).await;
    assert_eq!(state(&ledger(&world, other, "promo-3").await), "sent");
    let opt_in = world
        .get(&format!("C#{other}"), "OPTIN#marketing")
        .await
        .expect("the opt-in is recorded");
    assert_eq!(s(&opt_in, "evidence"), Some("web shop checkout box"));
    assert_eq!(s(&opt_in, "source"), Some("internal_system"));
    assert!(
        n(&opt_in, "expires_at").is_some(),
        "an opt-in has a retention"
    );
    assert_eq!(sends(&sim).len(), 2);
}
