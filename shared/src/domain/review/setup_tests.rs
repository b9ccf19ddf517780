use super::*;
use crate::domain::review::{Finding, ReviewSettings, Severity};

const NOW: i64 = 1_795_615_200;

fn settings() -> ReviewSettings {
    ReviewSettings {
        webhook_url: Some("https://abc.execute-api.us-east-1.amazonaws.com/webhook".into()),
        ..ReviewSettings::default()
    }
}

fn none(why: &str) -> Unavailable {
    Unavailable(why.into())
}

fn severity_of(findings: &[Finding], check: &str) -> Severity {
    findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} in {findings:?}"))
        .severity
}

fn good_secret() -> SecretFacts {
    SecretFacts {
        missing: Vec::new(),
        placeholders: Vec::new(),
        verify_token_chars: 32,
        previous_app_secret: None,
    }
}

#[test]
fn a_complete_secret_without_rotation_and_a_long_verify_token_is_ok() {
    let f = secret(&Ok(good_secret()), &settings(), NOW);
    assert!(f.iter().all(|f| f.severity == Severity::Ok), "{f:?}");
}

#[test]
fn a_missing_or_placeholder_credential_is_critical_and_a_missing_app_id_a_warning() {
    let s = SecretFacts {
        placeholders: vec!["access_token"],
        ..good_secret()
    };
    assert_eq!(
        severity_of(&secret(&Ok(s), &settings(), NOW), "secret.fields"),
        Severity::Critical
    );
    let s = SecretFacts {
        missing: vec!["app_id"],
        ..good_secret()
    };
    assert_eq!(
        severity_of(&secret(&Ok(s), &settings(), NOW), "secret.fields"),
        Severity::Warning
    );
    let f = secret(&Err(none("missing field `verify_token`")), &settings(), NOW);
    assert_eq!(f[0].severity, Severity::Critical);
}

#[test]
fn a_previous_app_secret_older_than_7_days_or_of_unknown_age_is_a_warning() {
    let at = |days: i64| SecretFacts {
        previous_app_secret: Some(RotationStart::At(NOW - days * 86_400)),
        ..good_secret()
    };
    let check = "secret.previous_app_secret";
    assert_eq!(
        severity_of(&secret(&Ok(at(6)), &settings(), NOW), check),
        Severity::Ok
    );
    assert_eq!(
        severity_of(&secret(&Ok(at(8)), &settings(), NOW), check),
        Severity::Warning
    );
    for start in [RotationStart::Unset, RotationStart::Unreadable] {
        let s = SecretFacts {
            previous_app_secret: Some(start),
            ..good_secret()
        };
        assert_eq!(
            severity_of(&secret(&Ok(s), &settings(), NOW), check),
            Severity::Warning
        );
    }
}

#[test]
fn a_verify_token_shorter_than_32_characters_is_a_warning() {
    let s = SecretFacts {
        verify_token_chars: 16,
        ..good_secret()
    };
    assert_eq!(
        severity_of(&secret(&Ok(s), &settings(), NOW), "secret.verify_token"),
        Severity::Warning
    );
}

#[test]
fn rotation_start_reads_rfc3339_and_dates_and_reports_the_rest() {
    assert_eq!(rotation_start(None), RotationStart::Unset);
    assert_eq!(
        rotation_start(Some("2026-11-25T14:00:00Z")),
        RotationStart::At(1_795_615_200)
    );
    assert_eq!(
        rotation_start(Some("2026-11-25")),
        RotationStart::At(1_795_564_800)
    );
    assert_eq!(
        rotation_start(Some("last tuesday")),
        RotationStart::Unreadable
    );
}

#[test]
fn a_parked_dead_letter_is_critical_an_empty_queue_ok_an_unreadable_one_a_warning() {
    let f = dead_letters(&[
        ("jum-inbound-dlq".into(), Ok(0)),
        ("jum-outbound-dlq".into(), Ok(3)),
        ("jum-x-dlq".into(), Err(none("AccessDenied"))),
    ]);
    let sev: Vec<_> = f.iter().map(|f| f.severity).collect();
    assert_eq!(sev, [Severity::Ok, Severity::Critical, Severity::Warning]);
}

#[test]
fn a_sweep_older_than_2_hours_is_critical_a_recent_one_ok_none_yet_a_warning() {
    let s = settings();
    assert_eq!(sweep(&Ok(Some(NOW - 3600)), &s, NOW).severity, Severity::Ok);
    assert_eq!(
        sweep(&Ok(Some(NOW - 7201)), &s, NOW).severity,
        Severity::Critical
    );
    assert_eq!(sweep(&Ok(None), &s, NOW).severity, Severity::Warning);
    assert_eq!(
        sweep(&Err(none("throttled")), &s, NOW).severity,
        Severity::Warning
    );
}

#[test]
fn alarms_without_a_confirmed_subscriber_are_a_warning() {
    assert_eq!(alarms(&Ok(AlarmFacts::NoTopic)).severity, Severity::Warning);
    let pending = AlarmFacts::Topic {
        confirmed: 0,
        pending: 1,
    };
    assert_eq!(alarms(&Ok(pending)).severity, Severity::Warning);
    let confirmed = AlarmFacts::Topic {
        confirmed: 1,
        pending: 0,
    };
    assert_eq!(alarms(&Ok(confirmed)).severity, Severity::Ok);
    assert_eq!(
        alarms(&Err(none("AuthorizationError"))).severity,
        Severity::Warning
    );
}

#[test]
fn point_in_time_recovery_off_is_critical_and_another_period_a_warning() {
    let s = settings();
    let on = |days| PitrFacts {
        enabled: true,
        period_days: Some(days),
    };
    assert_eq!(pitr(&Ok(on(7)), &s).severity, Severity::Ok);
    assert_eq!(pitr(&Ok(on(35)), &s).severity, Severity::Warning);
    let off = PitrFacts {
        enabled: false,
        period_days: None,
    };
    assert_eq!(pitr(&Ok(off), &s).severity, Severity::Critical);
    assert_eq!(
        pitr(&Err(none("ResourceNotFound")), &s).severity,
        Severity::Warning
    );
}

#[test]
fn scrub_replaces_secret_values_wherever_they_appear() {
    let mut f = Finding::new(
        "token.valid",
        Severity::Warning,
        "s3cr3t-sub",
        "said s3cr3t-value",
        "use s3cr3t-value",
    );
    f.scrub(&["s3cr3t-value", "s3cr3t-sub", ""]);
    let text = format!("{f:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[test]
fn an_events_archive_kept_longer_than_the_retention_is_critical() {
    let with = |archive, retention| ReviewSettings {
        events_archive_days: archive,
        retention_days: retention,
        ..settings()
    };
    assert_eq!(events_archive(&with(0, 30)).severity, Severity::Ok);
    assert_eq!(events_archive(&with(30, 30)).severity, Severity::Ok);
    let long = events_archive(&with(31, 30));
    assert_eq!(long.severity, Severity::Critical);
    assert!(long.fix.contains("EventsArchiveDays"), "{long:?}");
}
