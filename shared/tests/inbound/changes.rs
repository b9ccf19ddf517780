//! Changes that are neither messages nor statuses: consent preferences and
//! what is kept as a diagnostic.

use shared::domain::inbound::{ConsentChange, DiagnosticKind, Update};

use crate::{fixture, only_update, parse};

fn consent_of(name: &str) -> ConsentChange {
    match only_update(&fixture(name)) {
        Update::Consent(c) => c,
        other => panic!("{name}: consent, got {}", other.kind()),
    }
}

#[test]
fn a_marketing_stop_and_resume_are_read_with_category_value_and_time() {
    for (name, value, at) in [
        ("user_preferences_stop.json", "stop", 1_764_000_800),
        ("user_preferences_resume.json", "resume", 1_764_000_900),
    ] {
        let c = consent_of(name);
        assert_eq!(c.contact.storage_id(), "16505551237", "{name}");
        assert_eq!(c.category, "marketing_messages", "{name}");
        assert_eq!(c.value, value, "{name}");
        assert_eq!(c.timestamp, at, "{name}");
    }
}

fn diagnostic_of(name: &str) -> (DiagnosticKind, String) {
    match only_update(&fixture(name)) {
        Update::Diagnostic(d) => (d.kind, d.raw),
        other => panic!("{name}: diagnostic, got {}", other.kind()),
    }
}

#[test]
fn errors_meta_reports_in_a_change_value_are_kept_as_value_errors() {
    let (kind, raw) = diagnostic_of("value_errors.json");
    assert_eq!(kind, DiagnosticKind::ValueError);
    assert!(raw.contains("130429"), "the error is kept as sent: {raw}");
}

#[test]
fn a_field_other_than_messages_is_kept_as_a_field_diagnostic() {
    let (kind, _) = diagnostic_of("template_status_update.json");
    assert_eq!(kind, DiagnosticKind::Field);
}

#[test]
fn a_health_field_is_typed_not_a_diagnostic() {
    assert_eq!(
        only_update(&fixture("account_update.json")).kind(),
        "health"
    );
}

#[test]
fn a_post_of_many_changes_yields_every_message_and_status_once() {
    let parsed = parse(&fixture("batch_many.json"));
    let kinds: Vec<&str> = parsed
        .iter()
        .flat_map(|c| c.updates.iter().map(Update::kind))
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "message").count(), 12);
    assert_eq!(kinds.iter().filter(|k| **k == "status").count(), 6);
    assert_eq!(kinds.len(), 18, "nothing else: {kinds:?}");
    assert!(parsed.iter().all(|c| c.waba_id == "102290129340398"
        && c.phone_number_id.as_ref().map(|p| p.as_str()) == Some("106540352242922")));
}
