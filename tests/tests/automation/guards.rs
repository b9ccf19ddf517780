use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{of_type, reply_texts, text_webhook, World};

use crate::common::{wamid, CUSTOMER, OPEN, RULES};

#[tokio::test]
async fn a_flood_pauses_replies_and_raises_abuse_suspected_once() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    for i in 0..6 {
        world
            .post_signed(
                &world.webhook(),
                &text_webhook(
                    CUSTOMER,
                    &wamid(100 + i),
                    "opening hours",
                    OPEN + i64::from(i),
                ),
            )
            .await;
        world.drain(&processor).await;
    }
    assert_eq!(
        reply_texts(&world.commands().await).len(),
        3,
        "answers stop past 3 messages in the window"
    );
    let events = world.events().await;
    assert_eq!(of_type(&events, "abuse.suspected").len(), 1);
    assert_eq!(
        of_type(&events, "message.received").len(),
        6,
        "every message is still stored and reported"
    );
}

#[tokio::test]
async fn a_blocklisted_number_is_stored_but_never_answered() {
    let world = World::new().await;
    world
        .post_signed(
            &world.webhook(),
            &text_webhook("16505559999", &wamid(200), "opening hours", OPEN),
        )
        .await;
    world
        .drain(&world.processor_with(Some(RULES), Some(OPEN)))
        .await;
    assert!(world.commands().await.is_empty());
    assert_eq!(world.items_of_type("message").await.len(), 1);
}

#[tokio::test]
async fn a_restricted_contact_gets_no_automated_processing() {
    let world = World::new().await;
    let processor = world.processor_with(Some(RULES), Some(OPEN));
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(201), "hi", OPEN),
        )
        .await;
    world.drain(&processor).await;
    world
        .ddb
        .update_item()
        .table_name(&world.table)
        .key("pk", AttributeValue::S(format!("C#{CUSTOMER}")))
        .key("sk", AttributeValue::S("PROFILE".into()))
        .update_expression("SET restricted = :t")
        .expression_attribute_values(":t", AttributeValue::Bool(true))
        .send()
        .await
        .unwrap();
    world
        .post_signed(
            &world.webhook(),
            &text_webhook(CUSTOMER, &wamid(202), "opening hours", OPEN),
        )
        .await;
    world.drain(&processor).await;
    assert!(world.commands().await.is_empty());
    assert_eq!(
        world.items_of_type("message").await.len(),
        2,
        "still stored"
    );
}
