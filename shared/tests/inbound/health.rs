//! Account and number health webhooks, read into typed facts: one fixture
//! per field and shape (tests/fixtures/webhooks/health_*.json, modelled on
//! Meta's documented examples).

use shared::domain::account::{HealthAlarm, HealthChange, HealthFact, HealthField, HealthKind};
use shared::domain::inbound::Update;

use crate::{fixture, only_update};

fn health_of(name: &str) -> HealthChange {
    match only_update(&fixture(name)) {
        Update::Health(h) => *h,
        other => panic!("{name}: health, got {}", other.kind()),
    }
}

/// A fixture, its field, kind, alarm and business number.
type Row = (
    &'static str,
    HealthField,
    HealthKind,
    Option<HealthAlarm>,
    Option<&'static str>,
);

#[test]
fn every_health_fixture_is_read_into_its_field_kind_and_alarm() {
    use HealthKind::*;
    let table: [Row; 11] = [
        (
            "health_quality_flagged.json",
            HealthField::PhoneNumberQuality,
            QualityChanged,
            Some(HealthAlarm::QualityDowngrade),
            Some("15550783881"),
        ),
        (
            "health_quality_throughput_upgrade.json",
            HealthField::PhoneNumberQuality,
            LimitChanged,
            None,
            Some("15550783881"),
        ),
        (
            "health_unknown_fields.json",
            HealthField::PhoneNumberQuality,
            LimitChanged,
            Some(HealthAlarm::QualityDowngrade),
            Some("15550783881"),
        ),
        (
            "health_name_update.json",
            HealthField::PhoneNumberName,
            NameStatusChanged,
            None,
            Some("15550783881"),
        ),
        (
            "health_account_violation.json",
            HealthField::AccountUpdate,
            Restricted,
            Some(HealthAlarm::Restricted),
            None,
        ),
        (
            "health_account_deleted.json",
            HealthField::AccountUpdate,
            Restricted,
            Some(HealthAlarm::Restricted),
            None,
        ),
        (
            "health_account_disabled.json",
            HealthField::AccountUpdate,
            Updated,
            None,
            None,
        ),
        (
            "health_account_alerts.json",
            HealthField::AccountAlerts,
            Alert,
            None,
            None,
        ),
        (
            "health_account_review.json",
            HealthField::AccountReview,
            ReviewUpdated,
            None,
            None,
        ),
        (
            "health_business_capability.json",
            HealthField::BusinessCapability,
            CapabilityChanged,
            None,
            None,
        ),
        (
            "health_security.json",
            HealthField::Security,
            SecurityEvent,
            Some(HealthAlarm::Security),
            Some("15550783881"),
        ),
    ];
    for (name, field, kind, alarm, number) in table {
        let h = health_of(name);
        assert_eq!(h.field, field, "{name}");
        assert_eq!(h.kind(), kind, "{name}");
        assert_eq!(h.alarm(), alarm, "{name}");
        assert_eq!(h.display_number(), number, "{name}");
        assert_eq!(h.waba_id, "102290129340398", "{name}");
    }
}

#[test]
fn the_typed_fields_are_those_meta_sent() {
    assert_eq!(
        health_of("health_quality_throughput_upgrade.json").fact,
        HealthFact::Quality {
            event: "THROUGHPUT_UPGRADE".into(),
            current_limit: Some("TIER_UNLIMITED".into()),
            old_limit: None,
            max_daily_conversations_per_business: None,
        }
    );
    assert_eq!(
        health_of("health_business_capability.json").fact,
        HealthFact::Capability {
            max_daily_conversations_per_business: Some(2000),
            max_phone_numbers_per_waba: Some(25),
        }
    );
    let HealthFact::Alert {
        alert_type,
        alert_severity,
        ..
    } = health_of("health_account_alerts.json").fact
    else {
        panic!("an alert");
    };
    assert_eq!(alert_type, "INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED");
    assert_eq!(alert_severity.as_deref(), Some("WARNING"));
    let HealthFact::Account { violation_type, .. } =
        health_of("health_account_violation.json").fact
    else {
        panic!("an account update");
    };
    assert_eq!(violation_type.as_deref(), Some("ADULT"));
}

#[test]
fn a_health_webhook_with_unknown_fields_is_typed_and_names_them() {
    let h = health_of("health_unknown_fields.json");
    assert_eq!(h.unknown_fields, vec!["quality_signal".to_owned()]);
    assert!(h.raw.contains("quality_signal"), "kept as sent");
}

#[test]
fn the_security_requester_never_reaches_the_typed_change() {
    let h = health_of("health_security.json");
    assert!(!h.raw.contains("61555822107539"));
    assert_eq!(
        h.fact,
        HealthFact::Security {
            event: "PIN_RESET_REQUEST".into(),
            requester_named: true
        }
    );
}
