use super::*;
use crate::domain::outbound::parse_command;

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

fn recipient(consent: ConsentState, ago: Option<i64>) -> Option<Recipient> {
    Some(Recipient {
        consent,
        last_inbound_at: ago.map(|a| NOW - a),
        restricted: false,
    })
}

fn restricted(consent: ConsentState) -> Option<Recipient> {
    recipient(consent, Some(60)).map(|r| Recipient {
        restricted: true,
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
            precheck(&c, restricted(ConsentState::OptedIn), NOW),
            Verdict::Suppressed("restricted")
        );
        assert_eq!(overrides_restriction(&c, restricted(ConsentState::OptedIn)), Some(false));
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
    assert_eq!(
        precheck(&c, restricted(ConsentState::Unknown), NOW),
        Verdict::Send
    );
    assert_eq!(
        overrides_restriction(&c, restricted(ConsentState::Unknown)),
        Some(true)
    );
    assert_eq!(
        precheck(&c, restricted(ConsentState::OptedOut), NOW),
        Verdict::Suppressed("opted_out")
    );
    // Not restricted: the override is not used, so nothing is audited.
    assert_eq!(
        overrides_restriction(&c, recipient(ConsentState::Unknown, None)),
        None
    );
    assert_eq!(overrides_restriction(&c, None), None);
}

#[test]
fn a_reply_inside_the_window_is_sent() {
    assert_eq!(
        precheck(
            &command("service", TEXT),
            recipient(ConsentState::Unknown, Some(60)),
            NOW
        ),
        Verdict::Send
    );
}

#[test]
fn free_form_outside_the_window_or_to_a_stranger_is_rejected() {
    let c = command("service", TEXT);
    let outside = Verdict::Rejected("outside_customer_service_window");
    assert_eq!(
        precheck(
            &c,
            recipient(
                ConsentState::Unknown,
                Some(CUSTOMER_SERVICE_WINDOW_SECS + 1)
            ),
            NOW
        ),
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
fn an_opted_out_contact_gets_no_marketing_or_utility_but_service_replies() {
    let out = recipient(ConsentState::OptedOut, Some(60));
    assert_eq!(
        precheck(&command("marketing", TEMPLATE), out, NOW),
        Verdict::Suppressed("opted_out")
    );
    assert_eq!(
        precheck(&command("utility", TEMPLATE), out, NOW),
        Verdict::Suppressed("opted_out")
    );
    assert_eq!(precheck(&command("service", TEXT), out, NOW), Verdict::Send);
}

#[test]
fn a_command_past_not_after_expires() {
    let mut c = command("utility", TEMPLATE);
    c.not_after = Some(NOW - 1);
    assert_eq!(precheck(&c, None, NOW), Verdict::Expired);
}

#[test]
fn pair_rate_retries_follow_metas_four_to_the_x_advice() {
    let p = RetryPolicy::default();
    let d: Vec<u32> = (1..=4)
        .map(|n| p.delay(FailureClass::PairRate, n, 0.0))
        .collect();
    assert_eq!(d, vec![1, 4, 16, 64]);
}

#[test]
fn backoff_grows_is_capped_and_scales_to_zero_in_tests() {
    let p = RetryPolicy::default();
    assert!(p.delay(FailureClass::Transient, 2, 0.99) > p.delay(FailureClass::Transient, 1, 0.99));
    assert!(p.delay(FailureClass::Transient, 30, 0.99) <= 990);
    let instant = RetryPolicy { scale: 0.0, ..p };
    assert_eq!(instant.delay(FailureClass::Throughput, 5, 0.5), 0);
}
