use super::*;
use serde_json::json;

#[test]
fn the_subject_hash_is_keyed_and_stable() {
    let c = ContactKey::parse_storage_id("16505551234").unwrap();
    let a = subject_hash(&SecretString::from("k1"), &c);
    assert_eq!(a, subject_hash(&SecretString::from("k1"), &c));
    assert_ne!(a, subject_hash(&SecretString::from("k2"), &c));
    assert!(!a.contains("16505551234"));
}

#[test]
fn a_correction_with_an_unknown_field_is_refused() {
    let e = ProfileCorrection::parse(&json!({"wa_id": "1"})).unwrap_err();
    assert_eq!(e, InputError::UnknownField("wa_id".into()));
}

#[test]
fn a_correction_accepts_name_locale_and_custom_fields() {
    let c = ProfileCorrection::parse(
        &json!({"display_name": " Ann ", "locale": "pt_BR", "custom_fields": {"tier": "gold", "visits": 3}}),
    )
    .unwrap();
    assert_eq!(c.display_name.as_deref(), Some("Ann"));
    assert_eq!(c.custom_fields.len(), 2);
    assert!(ProfileCorrection::parse(&json!({"locale": "english!"})).is_err());
    assert!(ProfileCorrection::parse(&json!({"custom_fields": {"Bad-Name": 1}})).is_err());
    assert_eq!(ProfileCorrection::parse(&json!({})), Err(InputError::Empty));
}

#[test]
fn a_link_needs_system_type_and_id() {
    let l = LinkRequest::parse(&json!({"system": "crm", "type": "lead", "id": "L-1"})).unwrap();
    assert_eq!(
        (l.system.as_str(), l.kind.as_str(), l.id.as_str()),
        ("crm", "lead", "L-1")
    );
    assert!(LinkRequest::parse(&json!({"system": "crm", "type": "lead"})).is_err());
}

#[test]
fn consent_is_opted_in_or_opted_out() {
    assert!(
        ConsentRequest::parse(&json!({"state": "opted_in"}))
            .unwrap()
            .opted_in
    );
    assert!(ConsentRequest::parse(&json!({"state": "maybe"})).is_err());
    let marketing =
        ConsentRequest::parse(&json!({"state": "opted_out", "category": "marketing"})).unwrap();
    assert_eq!(marketing.categories(), &[ConsentCategory::Marketing]);
    let all = ConsentRequest::parse(&json!({"state": "opted_out"})).unwrap();
    assert_eq!(all.categories(), &ConsentCategory::ALL);
    assert!(
        ConsentRequest::parse(&json!({"state": "opted_in", "category": "newsletter"})).is_err()
    );
}

#[test]
fn a_cursor_round_trips_and_refuses_other_prefixes() {
    let c = encode_cursor("M#0000000001#wamid.x");
    assert_eq!(
        decode_cursor(&c, "M#").as_deref(),
        Some("M#0000000001#wamid.x")
    );
    assert_eq!(decode_cursor(&c, "S#"), None);
    assert_eq!(decode_cursor("zz", ""), None);
}

#[test]
fn an_audit_cursor_must_look_like_an_audit_key() {
    assert!(is_audit_sk(&audit_sk(1_795_600_000_123, "req-1")));
    assert!(!is_audit_sk("M#0000000001#wamid.x"));
    assert!(!is_audit_sk("179560000012#req"));
    assert!(!is_audit_sk("1795600000123#"));
}

#[test]
fn days_are_utc_dates() {
    assert_eq!(day_of(0), "1970-01-01");
    assert_eq!(day_start("1970-01-02"), Some(86_400));
}
