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

async fn suppressed(world: &World, wa_id: &str) -> (bool, bool) {
    use shared::ports::consent::ConsentLedger;
    let contact = shared::domain::ids::ContactKey::Phone(
        shared::domain::ids::WaId::parse(wa_id).expect("a wa_id"),
    );
    let facts = world
        .keyed_consent()
        .facts(&contact, OPEN)
        .await
        .expect("suppression list readable");
    (facts.suppressed_marketing, facts.suppressed_utility)
}

#[tokio::test]
async fn stop_opts_out_from_a_blocklisted_number_with_automation_off_and_during_a_hand_off() {
    let world = World::new().await;
    let webhook = world.webhook();
    let blocklisted = "16505559999";
    let with_rules = world.processor_with(Some(RULES), Some(OPEN));
    world
        .post_signed(
            &webhook,
            &text_webhook(blocklisted, &wamid(500), "STOP", OPEN),
        )
        .await;
    // A hand-off first: an agent now answers this customer.
    let handed_off = "16505551300";
    world
        .post_signed(
            &webhook,
            &text_webhook(handed_off, &wamid(510), "agent", OPEN),
        )
        .await;
    world.drain(&with_rules).await;
    world
        .post_signed(
            &webhook,
            &text_webhook(handed_off, &wamid(511), "stop", OPEN + 1),
        )
        .await;
    world.drain(&with_rules).await;
    let automation_off = world.processor_with(None, Some(OPEN));
    let no_rules = "16505551301";
    world
        .post_signed(&webhook, &text_webhook(no_rules, &wamid(520), "Stop", OPEN))
        .await;
    world.drain(&automation_off).await;

    for who in [blocklisted, handed_off, no_rules] {
        assert_eq!(suppressed(&world, who).await, (true, true), "{who}");
    }
    let events = world.events().await;
    let opted_out: Vec<&str> = of_type(&events, "contact.opted_out")
        .iter()
        .filter_map(|e| e["wa_id"].as_str())
        .collect();
    assert_eq!(opted_out.len(), 3, "{opted_out:?}");
    let replies = world.commands().await;
    let to: Vec<&str> = replies.iter().filter_map(|c| c["to"].as_str()).collect();
    assert!(
        !to.contains(&"+16505559999"),
        "the blocklist's promise (no automated replies) holds: {to:?}"
    );
    assert!(
        to.contains(&"+16505551301"),
        "confirmed with automation off"
    );
}
