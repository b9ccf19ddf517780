use integration_tests::{of_type, reply_texts, s, text_webhook, World};

use crate::common::{wamid, CUSTOMER, OPEN, RULES};

async fn profile_consent(world: &World) -> String {
    let p = world
        .get(&format!("C#{CUSTOMER}"), "PROFILE")
        .await
        .unwrap();
    s(&p, "consent_state").unwrap().to_owned()
}

#[tokio::test]
async fn stop_confirms_once_and_later_marketing_is_suppressed_and_start_re_enables() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    let stop = text_webhook(CUSTOMER, &wamid(300), "STOP", OPEN);
    world.post_signed(&world.webhook(), &stop).await;
    world.post_signed(&world.webhook(), &stop).await;
    world.drain(&processor).await;
    assert_eq!(profile_consent(&world).await, "opted_out");
    let confirmations = world.commands().await;
    assert_eq!(
        confirmations.len(),
        1,
        "one confirmation however often STOP arrives"
    );
    assert!(reply_texts(&confirmations)[0].contains("unsubscribed"));
    let events = world.events().await;
    assert_eq!(of_type(&events, "contact.opted_out").len(), 1);
    assert_eq!(
        of_type(&events, "contact.opted_out")[0]["data"]["source"],
        "keyword"
    );

    // A marketing command afterwards is suppressed by the sender.
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let promo = serde_json::json!({
        "idempotency_key": "promo-after-stop", "to": CUSTOMER, "category": "marketing",
        "message": {"type": "template", "template": {"name": "sale", "language": {"code": "en_US"}}}
    });
    world.enqueue_command(&promo.to_string()).await;
    world.drain_outbound(&sender).await;
    assert!(
        sim.requests()
            .iter()
            .all(|r| !r.path.ends_with("/messages")),
        "nothing reached Meta"
    );
    assert_eq!(
        of_type(&world.events().await, "message.suppressed").len(),
        1
    );

    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(301), "Start", OPEN + 5),
        )
        .await;
    world.drain(&processor).await;
    assert_eq!(profile_consent(&world).await, "opted_in");
    assert_eq!(of_type(&world.events().await, "contact.opted_in").len(), 1);
}
