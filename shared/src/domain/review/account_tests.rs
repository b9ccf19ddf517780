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
