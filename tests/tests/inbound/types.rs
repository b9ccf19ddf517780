use integration_tests::{fixture, ids_in, s, World};

include!("../../fixtures/webhooks/message_fixtures.rs");

#[tokio::test]
async fn every_inbound_type_is_answered_200_and_stored_once_with_its_content() {
    let world = World::new().await;
    let webhook = world.webhook();
    for name in MESSAGE_FIXTURES {
        let body = fixture(name);
        assert_eq!(
            world.post_signed(&webhook, &body).await.status(),
            200,
            "{name}"
        );
    }
    world.drain(&world.processor()).await;
    let stored = world.items_of_type("message").await;
    for name in MESSAGE_FIXTURES {
        for (id, kind) in ids_in(&fixture(name), "messages") {
            let found: Vec<_> = stored
                .iter()
                .filter(|i| s(i, "wamid") == Some(id.as_str()))
                .collect();
            assert_eq!(found.len(), 1, "{name}: {id} stored once");
            let item = found[0];
            assert_eq!(s(item, "message_type"), Some(kind.as_str()), "{name}");
            assert_eq!(s(item, "direction"), Some("in"));
            assert!(
                item.contains_key("expires_at"),
                "{name}: personal data carries the TTL attribute"
            );
            let content: serde_json::Value =
                serde_json::from_str(s(item, "content").unwrap()).unwrap();
            assert_eq!(
                content["id"],
                id.as_str(),
                "{name}: Meta's object is kept as received"
            );
            assert_eq!(
                s(
                    &item["webhook_request"].as_m().unwrap().clone(),
                    "source_ip"
                ),
                Some("173.252.127.9"),
                "webhook log"
            );
        }
    }
    assert_eq!(stored.len(), MESSAGE_FIXTURES.len());
}

#[tokio::test]
async fn media_references_are_stored_with_id_mime_sha256_filename_and_url() {
    let world = World::new().await;
    let body = fixture("document.json");
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let expected = &doc["entry"][0]["changes"][0]["value"]["messages"][0]["document"];
    let item = &world.items_of_type("message").await[0];
    let media = item["media"].as_m().unwrap();
    for key in ["id", "mime_type", "sha256", "filename"] {
        assert_eq!(
            media[key].as_s().unwrap(),
            expected[key].as_str().unwrap(),
            "{key}"
        );
    }
}

#[tokio::test]
async fn a_contact_is_upserted_with_profile_name_business_number_and_last_inbound_time() {
    let world = World::new().await;
    let body = fixture("text.json");
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let value = &v["entry"][0]["changes"][0]["value"];
    let wa_id = value["contacts"][0]["wa_id"].as_str().unwrap();
    let profile = world
        .get(&format!("C#{wa_id}"), "PROFILE")
        .await
        .expect("contact stored");
    assert_eq!(
        s(&profile, "profile_name"),
        value["contacts"][0]["profile"]["name"].as_str()
    );
    assert_eq!(
        s(&profile, "phone_number_id"),
        value["metadata"]["phone_number_id"].as_str()
    );
    let ts: i64 = value["messages"][0]["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(integration_tests::n(&profile, "last_inbound_at"), Some(ts));
    assert_eq!(s(&profile, "consent_state"), Some("unknown"));
    assert!(profile.contains_key("expires_at"));
}

#[tokio::test]
async fn a_number_change_links_the_old_and_new_wa_id() {
    let world = World::new().await;
    world
        .post_signed(
            &world.webhook(),
            &fixture("system_user_changed_number.json"),
        )
        .await;
    world.drain(&world.processor()).await;
    let old = world.get("C#16505551235", "PROFILE").await.unwrap();
    let new = world.get("C#16505551240", "PROFILE").await.unwrap();
    assert_eq!(s(&old, "changed_to"), Some("16505551240"));
    assert_eq!(s(&new, "changed_from"), Some("16505551235"));
}

#[tokio::test]
async fn marketing_stop_from_meta_opts_the_contact_out_and_resume_opts_in() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    world
        .post_signed(&webhook, &fixture("user_preferences_stop.json"))
        .await;
    world.drain(&processor).await;
    let profile = world.get("C#16505551237", "PROFILE").await.unwrap();
    assert_eq!(s(&profile, "consent_state"), Some("opted_out"));
    world
        .post_signed(&webhook, &fixture("user_preferences_resume.json"))
        .await;
    world.drain(&processor).await;
    let profile = world.get("C#16505551237", "PROFILE").await.unwrap();
    assert_eq!(s(&profile, "consent_state"), Some("opted_in"));
    assert_eq!(
        world.items_of_type("consent").await.len(),
        2,
        "consent history keeps both changes"
    );
}

#[tokio::test]
async fn echoes_from_the_business_app_are_stored_as_business_messages() {
    let world = World::new().await;
    world
        .post_signed(&world.webhook(), &fixture("smb_message_echo.json"))
        .await;
    world.drain(&world.processor()).await;
    let stored = world.items_of_type("message").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(s(&stored[0], "direction"), Some("echo"));
    assert_eq!(
        s(&stored[0], "pk"),
        Some("C#16505551235"),
        "filed under the customer it was sent to"
    );
}

#[tokio::test]
async fn other_fields_and_value_errors_are_kept_as_diagnostics_not_failures() {
    let world = World::new().await;
    let webhook = world.webhook();
    for name in [
        "account_update.json",
        "template_status_update.json",
        "value_errors.json",
    ] {
        assert_eq!(
            world.post_signed(&webhook, &fixture(name)).await.status(),
            200,
            "{name}"
        );
    }
    let drained = world.drain(&world.processor()).await;
    assert_eq!(drained.failed, 0);
    let diagnostics = world.items_of_type("diagnostic").await;
    let mut fields: Vec<&str> = diagnostics.iter().filter_map(|d| s(d, "field")).collect();
    fields.sort();
    // `account_update` is typed since issue #16 (docs/account-health.md):
    // a health record, not a diagnostic, with the same retention.
    assert_eq!(fields, vec!["message_template_status_update", "messages"]);
    assert!(diagnostics.iter().all(|d| d.contains_key("expires_at")));
    let health = world.items_of_type("health").await;
    let health_fields: Vec<&str> = health.iter().filter_map(|d| s(d, "field")).collect();
    assert_eq!(health_fields, vec!["account_update"]);
    assert!(health.iter().all(|d| d.contains_key("expires_at")));
}

#[tokio::test]
async fn an_expired_contact_is_started_afresh_not_revived() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let world = World::new().await;
    let stale = [
        ("pk", AttributeValue::S("C#16505551234".into())),
        ("sk", AttributeValue::S("PROFILE".into())),
        ("type", AttributeValue::S("contact".into())),
        ("profile_name", AttributeValue::S("Stale Name".into())),
        ("first_seen_at", AttributeValue::N("1000".into())),
        ("last_inbound_at", AttributeValue::N("1000".into())),
        ("expires_at", AttributeValue::N("2000".into())),
    ];
    world
        .ddb
        .put_item()
        .table_name(&world.table)
        .set_item(Some(
            stale.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ))
        .send()
        .await
        .unwrap();
    world
        .post_signed(&world.webhook(), &fixture("text.json"))
        .await;
    world.drain(&world.processor()).await;
    let profile = world.get("C#16505551234", "PROFILE").await.unwrap();
    assert_eq!(s(&profile, "profile_name"), Some("Sheena Nelson"));
    assert!(
        integration_tests::n(&profile, "first_seen_at").unwrap() > 2000,
        "first seen again now"
    );
    assert!(integration_tests::n(&profile, "expires_at").unwrap() > 2000);
}
