use super::*;

const WABA: &str = "102290129340398";

fn read(field: HealthField, value: serde_json::Value) -> HealthChange {
    read_health(field, WABA, &value.to_string()).expect("readable")
}

#[test]
fn a_flag_is_a_quality_change_with_an_alarm_and_an_upgrade_a_limit_change_without() {
    let flagged = read(
        HealthField::PhoneNumberQuality,
        serde_json::json!({"display_phone_number": "15550783881", "event": "FLAGGED", "current_limit": "TIER_10K"}),
    );
    assert_eq!(flagged.kind(), HealthKind::QualityChanged);
    assert_eq!(flagged.alarm(), Some(HealthAlarm::QualityDowngrade));
    assert_eq!(flagged.subject, HealthSubject::Number("15550783881".into()));
    let upgrade = read(
        HealthField::PhoneNumberQuality,
        serde_json::json!({"display_phone_number": "15550783881", "event": "THROUGHPUT_UPGRADE", "current_limit": "TIER_UNLIMITED"}),
    );
    assert_eq!(upgrade.kind(), HealthKind::LimitChanged);
    assert_eq!(upgrade.alarm(), None);
}

#[test]
fn a_reinstatement_is_an_update_and_a_violation_a_restriction() {
    let reinstated = read(
        HealthField::AccountUpdate,
        serde_json::json!({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "REINSTATE", "waba_ban_date": "April 17, 2025"}}),
    );
    assert_eq!(reinstated.kind(), HealthKind::Updated);
    assert_eq!(reinstated.alarm(), None);
    let banned = read(
        HealthField::AccountUpdate,
        serde_json::json!({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE"}}),
    );
    assert_eq!(banned.kind(), HealthKind::Restricted);
    assert_eq!(banned.alarm(), Some(HealthAlarm::Restricted));
    assert_eq!(banned.subject, HealthSubject::Account);
}

#[test]
fn the_security_requester_is_masked_in_what_is_kept() {
    let change = read(
        HealthField::Security,
        serde_json::json!({"display_phone_number": "15550783881", "event": "PIN_RESET_REQUEST", "requester": "61555822107539"}),
    );
    assert!(!change.raw.contains("61555822107539"), "{}", change.raw);
    assert_eq!(
        change.fact,
        HealthFact::Security {
            event: "PIN_RESET_REQUEST".into(),
            requester_named: true
        }
    );
    assert_eq!(change.alarm(), Some(HealthAlarm::Security));
}

#[test]
fn unknown_keys_are_named_and_the_change_still_read() {
    let change = read(
        HealthField::AccountReview,
        serde_json::json!({"decision": "APPROVED", "reviewer_note": "new in v30"}),
    );
    assert_eq!(change.unknown_fields, vec!["reviewer_note".to_owned()]);
    assert!(change.raw.contains("new in v30"));
}

#[test]
fn a_value_without_what_happened_or_not_an_object_is_unreadable() {
    for (field, raw) in [
        (
            HealthField::PhoneNumberQuality,
            r#"{"display_phone_number":"15550783881"}"#,
        ),
        (HealthField::AccountAlerts, r#"{"alert_info":{}}"#),
        (HealthField::Security, r#"["PIN_CHANGED"]"#),
        (HealthField::AccountReview, "not json"),
    ] {
        assert_eq!(read_health(field, WABA, raw), None, "{raw}");
    }
}

#[test]
fn the_same_value_has_the_same_fingerprint_and_another_waba_another() {
    let raw = r#"{"decision":"APPROVED"}"#;
    let a = read_health(HealthField::AccountReview, WABA, raw).unwrap();
    let b = read_health(HealthField::AccountReview, WABA, raw).unwrap();
    let c = read_health(HealthField::AccountReview, "999", raw).unwrap();
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_ne!(a.fingerprint, c.fingerprint);
}

#[test]
fn every_field_reads_back_by_its_name() {
    for f in HealthField::ALL {
        assert_eq!(HealthField::parse(f.as_str()), Some(f));
    }
    assert_eq!(HealthField::parse("messages"), None);
}
