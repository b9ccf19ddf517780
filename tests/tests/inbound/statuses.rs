use aws_sdk_dynamodb::types::AttributeValue;
use integration_tests::{fixture, ids_in, n, s, World};

async fn status_item(world: &World, body: &[u8]) -> integration_tests::Item {
    let (id, _) = ids_in(body, "statuses").remove(0);
    world
        .get("C#16505551234", &format!("S#{id}"))
        .await
        .expect("status stored")
}

#[tokio::test]
async fn read_before_delivered_stays_read_and_keeps_both_timestamps() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    for name in [
        "status_read.json",
        "status_delivered.json",
        "status_sent.json",
    ] {
        world.post_signed(&webhook, &fixture(name)).await;
        world.drain(&processor).await;
    }
    let item = status_item(&world, &fixture("status_read.json")).await;
    assert_eq!(s(&item, "status"), Some("read"));
    for st in ["sent", "delivered", "read"] {
        assert!(
            n(&item, &format!("st_{st}")).is_some(),
            "{st} timestamp kept"
        );
    }
    let pricing = item["pricing"].as_m().expect("pricing kept");
    assert_eq!(pricing["pricing_model"].as_s().unwrap(), "PMP");
}

#[tokio::test]
async fn a_failed_status_keeps_code_title_and_details() {
    let world = World::new().await;
    let body = fixture("status_failed.json");
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;
    let (id, _) = ids_in(&body, "statuses").remove(0);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let recipient = v["entry"][0]["changes"][0]["value"]["statuses"][0]["recipient_id"]
        .as_str()
        .unwrap();
    let item = world
        .get(&format!("C#{recipient}"), &format!("S#{id}"))
        .await
        .unwrap();
    assert_eq!(s(&item, "status"), Some("failed"));
    let error = item["errors"].as_l().unwrap()[0].as_m().unwrap();
    assert_eq!(error["code"].as_n().unwrap(), "131026");
    assert!(error.contains_key("title"));
    assert!(error.contains_key("details"));
}

#[tokio::test]
async fn a_repeated_status_is_recorded_once() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    let body = fixture("status_delivered.json");
    world.post_signed(&webhook, &body).await;
    world.drain(&processor).await;
    let first = status_item(&world, &body).await;
    // A time no write of the connector would set: any write over it shows.
    world
        .tamper(&first, "updated_at", AttributeValue::N("1".into()))
        .await;
    world.events().await;
    world.post_signed(&webhook, &body).await;
    world.drain(&processor).await;
    let second = status_item(&world, &body).await;
    assert_eq!(
        n(&second, "updated_at"),
        Some(1),
        "the duplicate wrote over it"
    );
    assert_eq!(s(&second, "or_delivered"), s(&first, "or_delivered"));
    let events = world.events().await;
    assert!(
        events.iter().all(|e| e["type"] != "message.status"),
        "{events:?}"
    );
}

#[tokio::test]
async fn unknown_and_legacy_status_values_are_stored_without_hiding_known_ones() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    for name in [
        "status_sent.json",
        "status_unknown_value.json",
        "status_deleted.json",
    ] {
        assert_eq!(
            world.post_signed(&webhook, &fixture(name)).await.status(),
            200
        );
    }
    let drained = world.drain(&processor).await;
    assert_eq!(drained.failed, 0);
    let item = status_item(&world, &fixture("status_sent.json")).await;
    assert_eq!(s(&item, "status"), Some("sent"));
    assert!(item.contains_key("st_in_orbit") && item.contains_key("st_deleted"));
}

/// Found by the chaos run: a status arriving after a later one is recorded
/// by a second write. When that write succeeded but its answer was lost, the
/// SDK's retry failed its condition and the status was taken for a
/// duplicate, so its `message.status` event was never sent.
#[tokio::test]
async fn a_late_status_whose_write_answer_was_lost_still_gets_its_event() {
    let world = World::new().await;
    let moto = std::env::var("JUM_TEST_ENDPOINT_URL").expect("moto endpoint");
    let proxy = integration_tests::chaos::proxy::start(&moto, 0.0, 1).await;
    let webhook = world.webhook();
    world
        .post_signed(&webhook, &fixture("status_read.json"))
        .await;
    world.drain(&world.processor()).await;
    world.events().await;

    proxy.lose_answer_once(
        "DynamoDB_20120810.UpdateItem",
        r#""ConditionExpression":"attribute_not_exists(#st)""#,
    );
    world
        .post_signed(&webhook, &fixture("status_delivered.json"))
        .await;
    let through = world.through(&proxy.url).await;
    world.drain(&through.processor()).await;

    let events = world.events().await;
    let delivered: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "message.status" && e["data"]["status"] == "delivered")
        .collect();
    assert_eq!(delivered.len(), 1, "{events:?}");
    let item = status_item(&world, &fixture("status_read.json")).await;
    assert_eq!(s(&item, "status"), Some("read"));

    // Meta delivers the same status again: a duplicate, no second event.
    world
        .post_signed(&webhook, &fixture("status_delivered.json"))
        .await;
    world.drain(&world.processor()).await;
    let again = world.events().await;
    assert!(
        !again.iter().any(|e| e["type"] == "message.status"),
        "{again:?}"
    );
}
