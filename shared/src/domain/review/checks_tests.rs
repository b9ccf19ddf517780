use super::*;
use crate::domain::review::{Counts, Finding, ReviewSettings, Severity};

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

fn good_token() -> TokenFacts {
    TokenFacts {
        is_valid: true,
        expires_at: 0,
        scopes: REQUIRED_SCOPES.iter().map(|s| s.to_string()).collect(),
        error: None,
        wabas: vec!["102290129340398".into()],
    }
}

fn severity_of(findings: &[Finding], check: &str) -> Severity {
    findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} in {findings:?}"))
        .severity
}

#[test]
fn a_valid_token_that_never_expires_with_both_scopes_is_ok() {
    let f = token(&Ok(good_token()), &settings(), NOW);
    assert!(f.iter().all(|f| f.severity == Severity::Ok), "{f:?}");
}

#[test]
fn a_token_expiring_within_14_days_is_a_warning_and_after_is_ok() {
    let soon = TokenFacts {
        expires_at: NOW + 13 * 86_400,
        ..good_token()
    };
    assert_eq!(
        severity_of(&token(&Ok(soon), &settings(), NOW), "token.expiry"),
        Severity::Warning
    );
    let later = TokenFacts {
        expires_at: NOW + 15 * 86_400,
        ..good_token()
    };
    assert_eq!(
        severity_of(&token(&Ok(later), &settings(), NOW), "token.expiry"),
        Severity::Ok
    );
}

#[test]
fn an_expired_token_is_critical_even_if_meta_still_calls_it_valid() {
    let expired = TokenFacts {
        expires_at: NOW - 1,
        ..good_token()
    };
    let f = token(&Ok(expired), &settings(), NOW);
    assert_eq!(severity_of(&f, "token.valid"), Severity::Critical);
    let revoked = TokenFacts {
        is_valid: false,
        error: Some("The session has been invalidated.".into()),
        ..good_token()
    };
    let f = token(&Ok(revoked), &settings(), NOW);
    assert_eq!(severity_of(&f, "token.valid"), Severity::Critical);
    assert!(f[0].detail.contains("invalidated"), "{f:?}");
}

#[test]
fn a_missing_whatsapp_scope_is_critical_and_named() {
    let t = TokenFacts {
        scopes: vec!["whatsapp_business_messaging".into()],
        ..good_token()
    };
    let f = token(&Ok(t), &settings(), NOW);
    let scopes = f.iter().find(|f| f.check == "token.scopes").unwrap();
    assert_eq!(scopes.severity, Severity::Critical);
    assert!(scopes.detail.contains("whatsapp_business_management"));
}

#[test]
fn a_debug_token_answer_without_data_is_a_warning_that_says_so() {
    let f = token(
        &Err(none("debug_token answered without data")),
        &settings(),
        NOW,
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].detail.contains("without data"));
}

#[test]
fn an_unsubscribed_waba_is_critical_a_subscribed_one_ok_an_unknown_answer_a_warning() {
    let f = subscriptions(&[
        ("1".into(), Ok(true)),
        ("2".into(), Ok(false)),
        ("3".into(), Err(none("Graph answered 500"))),
    ]);
    let sev: Vec<_> = f.iter().map(|f| f.severity).collect();
    assert_eq!(sev, [Severity::Ok, Severity::Critical, Severity::Warning]);
    assert_eq!(subscriptions(&[])[0].severity, Severity::Warning);
}

fn healthy() -> NumberFacts {
    NumberFacts {
        status: Some("CONNECTED".into()),
        quality_rating: Some("GREEN".into()),
        name_status: Some("APPROVED".into()),
        messaging_limit: Some("TIER_2K".into()),
        webhook_url: Some("https://abc.execute-api.us-east-1.amazonaws.com/webhook/".into()),
    }
}

#[test]
fn a_healthy_number_pointing_at_this_stack_is_ok_on_every_check() {
    let f = numbers(&[("106540352242922".into(), Ok(healthy()))], &settings());
    assert_eq!(f.len(), 5);
    assert!(f.iter().all(|f| f.severity == Severity::Ok), "{f:?}");
}

#[test]
fn number_health_grades_status_quality_name_and_webhook() {
    let cases = [
        (
            NumberFacts {
                status: Some("FLAGGED".into()),
                ..healthy()
            },
            "number.status",
            Severity::Warning,
        ),
        (
            NumberFacts {
                status: Some("BANNED".into()),
                ..healthy()
            },
            "number.status",
            Severity::Critical,
        ),
        (
            NumberFacts {
                quality_rating: Some("YELLOW".into()),
                ..healthy()
            },
            "number.quality",
            Severity::Warning,
        ),
        (
            NumberFacts {
                quality_rating: Some("RED".into()),
                ..healthy()
            },
            "number.quality",
            Severity::Critical,
        ),
        (
            NumberFacts {
                name_status: Some("PENDING_REVIEW".into()),
                ..healthy()
            },
            "number.name_status",
            Severity::Warning,
        ),
        (
            NumberFacts {
                name_status: Some("DECLINED".into()),
                ..healthy()
            },
            "number.name_status",
            Severity::Critical,
        ),
        (
            NumberFacts {
                messaging_limit: None,
                ..healthy()
            },
            "number.messaging_limit",
            Severity::Warning,
        ),
        (
            NumberFacts {
                webhook_url: Some("https://elsewhere.example/hook".into()),
                ..healthy()
            },
            "number.webhook",
            Severity::Critical,
        ),
        (
            NumberFacts {
                webhook_url: None,
                ..healthy()
            },
            "number.webhook",
            Severity::Ok,
        ),
        (
            NumberFacts {
                status: None,
                ..healthy()
            },
            "number.status",
            Severity::Warning,
        ),
    ];
    for (facts, check, expected) in cases {
        let f = numbers(&[("1".into(), Ok(facts.clone()))], &settings());
        assert_eq!(severity_of(&f, check), expected, "{facts:?}");
    }
}

#[test]
fn a_number_graph_would_not_describe_is_one_warning_and_no_number_known_is_too() {
    let f = numbers(
        &[("1".into(), Err(none("Graph answered 401 (code 190)")))],
        &settings(),
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(numbers(&[], &settings())[0].severity, Severity::Warning);
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
        RotationStart::At(1_795_615_200 - 0)
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
fn the_whole_review_counts_its_findings_and_nothing_gathered_is_never_critical_but_the_secret() {
    let nothing = Facts {
        token: Err(none("x")),
        subscriptions: Vec::new(),
        numbers: Vec::new(),
        secret: Ok(good_secret()),
        dead_letters: Vec::new(),
        last_sweep: Err(none("x")),
        alarms: Err(none("x")),
        pitr: Err(none("x")),
    };
    let f = review(&nothing, &settings(), NOW);
    let counts = Counts::of(&f);
    assert_eq!(counts.critical, 0, "{f:?}");
    assert_eq!(counts.ok + counts.warning, f.len() as u64);
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
