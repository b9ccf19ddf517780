//! A sample of every kind of event, in each shape its emitters give it
//! (optional fields present and absent), for the schema check.

use super::media_payloads::{MediaNotKept, MediaStored};
use super::payloads::*;
use super::Event;
use crate::domain::ids::{ContactKey, PhoneNumberId, UserId, WaId};
use crate::domain::outbound::BusinessLink;

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE3RjQyMzk3QzE0QkE2RjhGAA==";
const AT: i64 = 1_795_615_200;

pub fn samples() -> Vec<Event> {
    let number = PhoneNumberId::parse("106540352242922").expect("a number id");
    let phone = ContactKey::Phone(WaId::parse("16505551234").expect("a wa_id"));
    let bsuid = ContactKey::Scoped(UserId::parse("US.13491208655302741918").expect("a bsuid"));
    let links = [BusinessLink {
        system: "shop".into(),
        kind: "order".into(),
        id: "1042".into(),
    }];
    let command = CommandFacts {
        template_category: None,
        message_type: "template",
        category: "utility",
        links: &links,
    };
    let n = Some(&number);
    let mut out = Vec::new();

    let received = MessageReceived {
        wamid: WAMID,
        direction: "in",
        message_type: "text",
        timestamp: AT,
        reply_to: None,
        profile_name: None,
        text: None,
    };
    out.push(Event::new(&received, "r1", AT, n, Some(&phone)));
    let full = MessageReceived {
        reply_to: Some(WAMID),
        profile_name: Some("Kerry"),
        text: Some("where is my order?".into()),
        ..received
    };
    out.push(Event::new(&full, "r2", AT, n, Some(&bsuid)));

    let status = MessageStatus {
        wamid: WAMID,
        status: "delivered",
        timestamp: AT,
        errors: Vec::new(),
        pricing: Some(StatusPricing {
            category: Some("utility"),
            pricing_type: Some("regular"),
            pricing_model: Some("PMP"),
        }),
    };
    out.push(Event::new(&status, "s1", AT, n, Some(&phone)));
    let failed = MessageStatus {
        status: "failed",
        errors: vec![StatusError {
            code: Some(131_047),
            title: Some("Re-engagement message"),
            details: None,
        }],
        pricing: None,
        ..status
    };
    out.push(Event::new(&failed, "s2", AT, n, Some(&phone)));

    out.push(Event::new(
        &MessageSent {
            idempotency_key: "order-1042-shipped",
            command: command.clone(),
            wamid: WAMID,
            sent_at: AT,
        },
        "o1",
        AT,
        n,
        Some(&phone),
    ));
    let refused = FailureError {
        code: Some(132_001),
        details: Some("template name does not exist"),
        http_status: 400,
    };
    for (reason, error, fact) in [
        ("meta_refused", Some(refused), "o2"),
        ("outcome_unknown", None, "o3"),
    ] {
        let failed = MessageFailed {
            idempotency_key: "order-1042-shipped",
            command: command.clone(),
            reason,
            error,
        };
        out.push(Event::new(&failed, fact, AT, n, Some(&phone)));
    }
    out.push(Event::new(
        &MessageRejected {
            idempotency_key: Some("order-1042-shipped"),
            command: Some(command.clone()),
            reason: "expired",
            detail: None,
        },
        "o4",
        AT,
        n,
        Some(&phone),
    ));
    // A command that could not be read: no number, no recipient.
    for (key, fact) in [(Some("order-1042-shipped"), "o5"), (None, "o6")] {
        out.push(Event::new(
            &MessageRejected {
                idempotency_key: key,
                command: None,
                reason: "invalid_json",
                detail: Some("expected value at line 1 column 1"),
            },
            fact,
            AT,
            None,
            None,
        ));
    }
    out.push(Event::new(
        &MessageSuppressed {
            idempotency_key: "order-1042-shipped",
            command: command.clone(),
            reason: "opted_out",
        },
        "o7",
        AT,
        n,
        Some(&phone),
    ));

    for (opted_in, source, category) in [
        (false, ChangeSource::Keyword, "all"),
        (true, ChangeSource::Keyword, "all"),
        (false, ChangeSource::UserPreferences, "marketing"),
        (true, ChangeSource::Api, "utility"),
    ] {
        let c = ConsentChanged {
            opted_in,
            source,
            category,
        };
        let number = (source != ChangeSource::Api).then_some(&number);
        out.push(Event::new(&c, category, AT, number, Some(&phone)));
    }
    for restricted in [true, false] {
        let r = RestrictionChanged {
            restricted,
            source: ChangeSource::Api,
        };
        out.push(Event::new(&r, "x", AT, None, Some(&phone)));
    }

    let by_rule = HandoffRequested {
        source: ChangeSource::Rule,
        until: AT + 3600,
        wamid: Some(WAMID),
        rule: Some("human"),
    };
    out.push(Event::new(&by_rule, "h1", AT, n, Some(&phone)));
    let by_api = HandoffRequested {
        source: ChangeSource::Api,
        wamid: None,
        rule: None,
        ..by_rule
    };
    out.push(Event::new(&by_api, "h2", AT, None, Some(&phone)));
    let timeout = HandoffReleased {
        reason: ReleaseReason::Timeout,
        handoff_until: Some(AT),
    };
    out.push(Event::new(&timeout, "h3", AT, n, Some(&phone)));
    let api = HandoffReleased {
        reason: ReleaseReason::Api,
        handoff_until: None,
    };
    out.push(Event::new(&api, "h4", AT, None, Some(&phone)));

    let ticket = TicketRequested {
        wamid: WAMID,
        rule: "complaint",
        profile_name: None,
        excerpt: vec![
            ExcerptMessage {
                wamid: WAMID,
                direction: "in",
                message_type: "text",
                timestamp: AT,
                text: None,
            },
            ExcerptMessage {
                wamid: WAMID,
                direction: "out",
                message_type: "template",
                timestamp: AT - 60,
                text: Some("Your order has shipped"),
            },
        ],
    };
    out.push(Event::new(&ticket, "t1", AT, n, Some(&phone)));
    let named = TicketRequested {
        profile_name: Some("Kerry"),
        excerpt: Vec::new(),
        ..ticket.clone()
    };
    out.push(Event::new(&named, "t2", AT, n, Some(&phone)));

    let flood = AbuseSuspected::flood(31, 60, AT + 900, "req-7f3a");
    out.push(Event::new(&flood, "f1", AT, None, Some(&phone)));

    let rule = RuleEvent {
        name: "order.status_requested",
        wamid: WAMID,
        rule: "order-status",
        message_type: "text",
        text: None,
    };
    out.push(Event::new(&rule, "e1", AT, n, Some(&phone)));
    let with_text = RuleEvent {
        text: Some("status of 1042?".into()),
        ..rule
    };
    out.push(Event::new(&with_text, "e2", AT, n, Some(&phone)));

    let stored = MediaStored {
        wamid: WAMID,
        media_id: "4862369177436161",
        bucket: "jum-media-123456789012-eu-west-1",
        key: "c/5f2b8e0c0d4a/3e1c7a9b2d4f6a80/4862369177436161",
        mime_type: "image/jpeg",
        bytes: 48_213,
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        sha256_checked: true,
    };
    out.push(Event::new(&stored, "m1", AT, n, Some(&phone)));
    for (failed, reason) in [(false, "meta_not_found"), (true, "sha256_mismatch")] {
        let gone = MediaNotKept {
            failed,
            wamid: WAMID,
            media_id: "4862369177436161",
            reason,
        };
        out.push(Event::new(&gone, "m2", AT, n, Some(&phone)));
    }
    use crate::domain::review::{Finding, Severity};
    let findings = [
        Finding::new("token.valid", Severity::Ok, "access_token", "valid", ""),
        Finding::new(
            "waba.subscribed",
            Severity::Critical,
            "102290129340398",
            "this app is not subscribed: Meta sends no webhooks for this WABA",
            "POST /{waba-id}/subscribed_apps with the access token (once per WABA)",
        ),
    ];
    let review = ReviewCompleted {
        ran_at: AT,
        ok: 1,
        warning: 0,
        critical: 1,
        findings: &findings,
    };
    out.push(Event::new(&review, "v1", AT, None, None));
    out.extend(super::account_samples::samples());
    out
}
