use super::*;
use crate::domain::consent::{ConsentCategory, ConsentFacts, ConsentPolicy};
use crate::domain::outbound::parse_command;
use crate::domain::window::CUSTOMER_SERVICE_WINDOW_SECS;

const NOW: i64 = 1_800_000_000;

fn command(category: &str, message: &str) -> OutboundCommand {
    parse_command(&format!(
        r#"{{"idempotency_key":"k1","to":"+16505551234","category":"{category}","message":{message}}}"#
    ))
    .unwrap()
}

const TEXT: &str = r#"{"type":"text","text":{"body":"hi"}}"#;
const TEMPLATE: &str =
    r#"{"type":"template","template":{"name":"order_shipped","language":{"code":"en_US"}}}"#;

fn recipient(ago: Option<i64>) -> Option<Recipient> {
    Some(Recipient {
        last_inbound_at: ago.map(|a| NOW - a),
        opted_out: &[],
        restricted: false,
    })
}

/// No opt-out and no opt-in on record, marketing needing one.
fn precheck(cmd: &OutboundCommand, r: Option<Recipient>, now: i64) -> Verdict {
    super::precheck(
        cmd,
        r,
        ConsentFacts::default(),
        ConsentPolicy::default(),
        now,
    )
}

fn with(consent: ConsentFacts, cmd: &OutboundCommand) -> Verdict {
    super::precheck(
        cmd,
        recipient(Some(60)),
        consent,
        ConsentPolicy::default(),
        NOW,
    )
}

fn restricted(opted_out: &'static [ConsentCategory]) -> Option<Recipient> {
    recipient(Some(60)).map(|r| Recipient {
        restricted: true,
        opted_out,
        ..r
    })
}

#[test]
fn a_restricted_contact_gets_nothing_not_even_an_action() {
    for c in [
        command("service", TEXT),
        command("utility", TEMPLATE),
        parse_command(
            r#"{"idempotency_key":"k2","to":"+16505551234","message":{"type":"mark_read","message_id":"wamid.X1"}}"#,
        )
        .unwrap(),
    ] {
        assert_eq!(
            precheck(&c, restricted(&[]), NOW),
            Verdict::Suppressed("restricted")
        );
        assert_eq!(overrides_restriction(&c, restricted(&[])), Some(false));
    }
}

#[test]
fn a_legal_claim_overrides_the_restriction_but_not_an_opt_out() {
    let claim = |category: &str| {
        parse_command(&format!(
            r#"{{"idempotency_key":"k3","to":"+16505551234","category":"{category}","message":{TEMPLATE},"override_restriction":"legal_claim"}}"#
        ))
        .unwrap()
    };
    let c = claim("utility");
    assert_eq!(precheck(&c, restricted(&[]), NOW), Verdict::Send);
    assert_eq!(overrides_restriction(&c, restricted(&[])), Some(true));
    assert_eq!(
        precheck(&c, restricted(&ConsentCategory::ALL), NOW),
        Verdict::Suppressed("opted_out")
    );
    // Not restricted: the override is not used, so nothing is audited.
    assert_eq!(overrides_restriction(&c, recipient(None)), None);
    assert_eq!(overrides_restriction(&c, None), None);
}

#[test]
fn a_reply_inside_the_window_is_sent() {
    assert_eq!(
        precheck(&command("service", TEXT), recipient(Some(60)), NOW),
        Verdict::Send
    );
}

#[test]
fn free_form_outside_the_window_or_to_a_stranger_is_rejected() {
    let c = command("service", TEXT);
    let outside = Verdict::Rejected("outside_customer_service_window");
    assert_eq!(
        precheck(&c, recipient(Some(CUSTOMER_SERVICE_WINDOW_SECS + 1)), NOW),
        outside
    );
    assert_eq!(precheck(&c, None, NOW), outside);
}

#[test]
fn a_template_outside_the_window_is_sent() {
    assert_eq!(
        precheck(&command("utility", TEMPLATE), None, NOW),
        Verdict::Send
    );
}

#[test]
fn an_opt_out_suppresses_its_category_only_and_never_service_replies() {
    let stop = ConsentFacts {
        suppressed_marketing: true,
        suppressed_utility: true,
        marketing_opt_in: true,
    };
    assert_eq!(
        with(stop, &command("marketing", TEMPLATE)),
        Verdict::Suppressed("opted_out")
    );
    assert_eq!(
        with(stop, &command("utility", TEMPLATE)),
        Verdict::Suppressed("opted_out")
    );
    assert_eq!(with(stop, &command("service", TEXT)), Verdict::Send);
    let marketing_stop = ConsentFacts {
        suppressed_marketing: true,
        ..ConsentFacts::default()
    };
    assert_eq!(
        with(marketing_stop, &command("utility", TEMPLATE)),
        Verdict::Send
    );
    assert_eq!(
        with(marketing_stop, &command("marketing", TEMPLATE)),
        Verdict::Suppressed("opted_out")
    );
}

#[test]
fn an_opt_out_on_a_live_profile_still_counts() {
    let r = Some(Recipient {
        last_inbound_at: None,
        opted_out: &[ConsentCategory::Marketing],
        restricted: false,
    });
    let facts = ConsentFacts {
        marketing_opt_in: true,
        ..ConsentFacts::default()
    };
    let policy = ConsentPolicy::default();
    let m = command("marketing", TEMPLATE);
    let u = command("utility", TEMPLATE);
    assert_eq!(
        super::precheck(&m, r, facts, policy, NOW),
        Verdict::Suppressed("opted_out")
    );
    assert_eq!(super::precheck(&u, r, facts, policy, NOW), Verdict::Send);
}

#[test]
fn marketing_needs_a_recorded_opt_in_unless_the_policy_says_otherwise() {
    let none = ConsentFacts::default();
    let m = command("marketing", TEMPLATE);
    assert_eq!(with(none, &m), Verdict::Suppressed("no_marketing_opt_in"));
    let opted_in = ConsentFacts {
        marketing_opt_in: true,
        ..none
    };
    assert_eq!(with(opted_in, &m), Verdict::Send);
    let relaxed = ConsentPolicy {
        marketing_requires_opt_in: false,
    };
    assert_eq!(super::precheck(&m, None, none, relaxed, NOW), Verdict::Send);
}

#[test]
fn a_command_past_not_after_expires() {
    let mut c = command("utility", TEMPLATE);
    c.not_after = Some(NOW - 1);
    assert_eq!(precheck(&c, None, NOW), Verdict::Expired);
}
