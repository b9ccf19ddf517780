//! Account and number health webhooks against moto: each health fixture,
//! signed and posted through the webhook function, is typed and stored per
//! business number and announced once, even when Meta posts it twice
//! (docs/account-health.md). Run through `make test`.

use std::collections::BTreeMap;

use integration_tests::{fixture, of_type, s, World};

/// Every health fixture and the event it announces.
const HEALTH: [(&str, &str); 11] = [
    ("health_quality_flagged.json", "account.quality_changed"),
    (
        "health_quality_throughput_upgrade.json",
        "account.limit_changed",
    ),
    ("health_unknown_fields.json", "account.limit_changed"),
    ("health_name_update.json", "account.name_status_changed"),
    ("health_account_violation.json", "account.restricted"),
    ("health_account_deleted.json", "account.restricted"),
    ("health_account_disabled.json", "account.updated"),
    ("health_account_alerts.json", "account.alert"),
    ("health_account_review.json", "account.review_updated"),
    (
        "health_business_capability.json",
        "account.capability_changed",
    ),
    ("health_security.json", "account.security_event"),
];

#[tokio::test]
async fn every_health_webhook_is_typed_stored_and_emitted_once_when_posted_twice() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    let mut first_ids = BTreeMap::new();
    for (name, kind) in HEALTH {
        let body = fixture(name);
        world.post_signed(&webhook, &body).await;
        world.drain(&processor).await;
        let events = world.events().await;
        let of_kind = of_type(&events, kind);
        assert_eq!(of_kind.len(), 1, "{name}: one {kind}: {events:?}");
        assert_eq!(events.len(), 1, "{name}: nothing else: {events:?}");
        first_ids.insert(name, of_kind[0]["event_id"].clone());
        // Meta posts the same webhook again: stored already, nothing announced.
        world.post_signed(&webhook, &body).await;
        world.drain(&processor).await;
        let again = world.events().await;
        assert!(again.is_empty(), "{name} posted twice emitted {again:?}");
    }
    assert_eq!(first_ids.len(), HEALTH.len());
    let items = world.items_of_type("health").await;
    assert_eq!(items.len(), HEALTH.len(), "one item per webhook");
    let number = items
        .iter()
        .filter(|i| s(i, "display_phone_number") == Some("15550783881"))
        .count();
    assert_eq!(number, 5, "kept per business number");
    assert!(items.iter().all(|i| i.contains_key("expires_at")));
    assert!(
        world.items_of_type("diagnostic").await.is_empty(),
        "typed, not kept as diagnostics"
    );
}

#[tokio::test]
async fn a_health_record_keeps_the_typed_fields_the_unknown_ones_and_no_requester() {
    let world = World::new().await;
    let webhook = world.webhook();
    let processor = world.processor();
    for name in ["health_unknown_fields.json", "health_security.json"] {
        world.post_signed(&webhook, &fixture(name)).await;
    }
    world.drain(&processor).await;
    let items = world.items_of_type("health").await;
    let by_kind = |k: &str| {
        items
            .iter()
            .find(|i| s(i, "kind") == Some(k))
            .unwrap_or_else(|| panic!("a {k} item in {items:?}"))
    };
    let downgrade = by_kind("limit_changed");
    assert_eq!(s(downgrade, "event"), Some("DOWNGRADE"));
    assert_eq!(s(downgrade, "alarm"), Some("quality_downgrade"));
    assert!(s(downgrade, "content").unwrap().contains("quality_signal"));
    assert_eq!(
        downgrade["unknown_fields"].as_l().unwrap()[0]
            .as_s()
            .unwrap(),
        "quality_signal"
    );
    let security = by_kind("security_event");
    assert!(!format!("{security:?}").contains("61555822107539"));
    let events = world.events().await;
    assert!(!serde_json::to_string(&events)
        .unwrap()
        .contains("61555822107539"));
}
