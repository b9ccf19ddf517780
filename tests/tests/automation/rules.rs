use integration_tests::{message_webhook, reply_texts, text_webhook, World};
use serde_json::json;

use crate::common::{wamid, CLOSED, CUSTOMER, OPEN, RULES};

#[tokio::test]
async fn a_faq_keyword_is_answered_exactly_once_even_when_the_webhook_is_delivered_twice() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    let body = text_webhook(CUSTOMER, &wamid(1), "What are your OPENING hours?", OPEN);
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&processor).await;
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&processor).await;
    let commands = world.commands().await;
    assert_eq!(reply_texts(&commands), vec!["We open at nine."]);
    assert_eq!(commands[0]["to"], format!("+{CUSTOMER}"));
    assert_eq!(commands[0]["category"], "service");
}

#[tokio::test]
async fn a_message_no_rule_matches_gets_no_reply() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(2), "Nice weather", OPEN),
        )
        .await;
    world.drain(&processor).await;
    assert!(world.commands().await.is_empty());
}

#[tokio::test]
async fn outside_business_hours_the_closed_reply_goes_out_at_a_fixed_clock() {
    let world = World::new().await;
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(3), "Hello?", CLOSED),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(CLOSED)))
        .await;
    assert_eq!(reply_texts(&world.commands().await), vec!["We are closed."]);
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(4), "Hello?", OPEN),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN)))
        .await;
    assert!(
        world.commands().await.is_empty(),
        "during opening hours that rule does not match"
    );
}

#[tokio::test]
async fn a_hand_off_silences_the_bot_until_it_times_out() {
    let world = World::new().await;
    let webhook = world.webhook();
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(5), "agent please", OPEN),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN)))
        .await;
    assert_eq!(
        reply_texts(&world.commands().await),
        vec!["A person will answer."]
    );
    // While a person has the conversation, the FAQ is not answered by the bot.
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(6), "opening hours", OPEN + 60),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN + 60)))
        .await;
    assert!(world.commands().await.is_empty());
    // After the 60-minute timeout the bot answers again and says the hand-off ended.
    let later = OPEN + 3601;
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(7), "opening hours", later),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(later)))
        .await;
    assert_eq!(
        reply_texts(&world.commands().await),
        vec!["We open at nine."]
    );
    let events = world.events().await;
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|e| e["type"].as_str())
        .filter(|t| t.starts_with("conversation."))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "conversation.handoff_requested",
            "conversation.handoff_released"
        ]
    );
}

#[tokio::test]
async fn a_photo_opens_a_ticket_and_tags_the_contact_and_a_regex_emits_a_named_event() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    let photo = message_webhook(
        CUSTOMER,
        &wamid(8),
        OPEN,
        json!({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg", "sha256": "x"}}),
    );
    world.post_signed(&world.webhook(), &photo).await;
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(9), "where is Order #1042", OPEN),
        )
        .await;
    world.drain(&processor).await;
    let events = world.events().await;
    let ticket = events
        .iter()
        .find(|e| e["type"] == "ticket.requested")
        .expect("ticket requested");
    assert_eq!(ticket["data"]["wamid"], wamid(8).as_str());
    assert!(
        !ticket["data"]["excerpt"].as_array().unwrap().is_empty(),
        "carries the recent conversation"
    );
    assert!(
        ticket["data"]["excerpt"][0]["text"].is_null(),
        "no message text unless the business enables it"
    );
    assert!(events
        .iter()
        .any(|e| e["type"] == "order.status_requested" && e["data"]["wamid"] == wamid(9).as_str()));
    let profile = world
        .get(&format!("C#{CUSTOMER}"), "PROFILE")
        .await
        .unwrap();
    assert!(profile["tags"]
        .as_ss()
        .unwrap()
        .contains(&"sent-photo".to_owned()));
}

#[tokio::test]
async fn an_agent_releasing_the_hand_off_through_the_contacts_api_re_enables_the_bot() {
    use integration_tests::{contacts_request, parts};
    let world = World::new().await;
    let webhook = world.webhook();
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(20), "agent please", OPEN),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN)))
        .await;
    world.commands().await;
    let contacts = world.contacts();
    let (status, _) = parts(
        contacts
            .handle(contacts_request(
                "PUT",
                &format!("/contacts/{CUSTOMER}/handoff"),
                Some(json!({"active": false})),
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200);
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(21), "opening hours", OPEN + 60),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN + 60)))
        .await;
    assert_eq!(
        reply_texts(&world.commands().await),
        vec!["We open at nine."]
    );
    let events = world.events().await;
    let released: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "conversation.handoff_released")
        .collect();
    assert_eq!(released.len(), 1);
    assert_eq!(released[0]["data"]["reason"], "api");
}
