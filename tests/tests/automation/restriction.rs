//! A restricted contact's messages are stored and set nothing off.

use integration_tests::{contacts_request, message_webhook, of_type, parts, text_webhook, World};
use serde_json::json;

use crate::common::{wamid, CUSTOMER, OPEN, RULES};

#[tokio::test]
async fn a_restricted_contacts_inbound_message_is_stored_with_no_content_event_and_no_automated_reply(
) {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    world
        .post_signed(&webhook, &text_webhook(CUSTOMER, &wamid(600), "hi", OPEN))
        .await;
    world.drain(&processor).await;
    world.events().await;
    world.commands().await;
    let (status, _) = parts(
        world
            .contacts()
            .handle(contacts_request(
                "PUT",
                &format!("/contacts/{CUSTOMER}/restriction"),
                Some(json!({"restricted": true})),
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200);

    // Each of these sets something off for anyone else: a reply, a rule
    // event, a hand-off, a ticket and a tag; five in a row are a flood.
    let photo =
        json!({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg", "sha256": "x"}});
    let bodies = [
        text_webhook(CUSTOMER, &wamid(601), "opening hours", OPEN + 1),
        text_webhook(CUSTOMER, &wamid(602), "order #1042", OPEN + 2),
        text_webhook(CUSTOMER, &wamid(603), "agent", OPEN + 3),
        message_webhook(CUSTOMER, &wamid(604), OPEN + 4, photo),
    ];
    for body in &bodies {
        world.post_signed(&webhook, body).await;
    }
    world.drain(&processor).await;
    // With automation off the messages are not announced either.
    world
        .post_signed(
            &webhook,
            &text_webhook(CUSTOMER, &wamid(605), "order #7", OPEN + 5),
        )
        .await;
    world.drain(&world.processor_with(None, Some(OPEN))).await;

    let stored: Vec<_> = world
        .items_of_type("message")
        .await
        .into_iter()
        .filter(|m| integration_tests::s(m, "direction") == Some("in"))
        .collect();
    assert_eq!(stored.len(), 6, "every message is stored");
    assert!(world.commands().await.is_empty(), "no automated reply");
    let events = world.events().await;
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(kinds, ["contact.restricted"], "{events:?}");
    assert!(of_type(&events, "message.received").is_empty());
    let profile = world
        .get(&format!("C#{CUSTOMER}"), "PROFILE")
        .await
        .unwrap();
    assert!(!profile.contains_key("tags") && !profile.contains_key("handoff_until"));
    // The flood guard counts stored messages and writes nothing of its own.
    assert!(world.items_of_type("flood_counter").await.is_empty());
}
