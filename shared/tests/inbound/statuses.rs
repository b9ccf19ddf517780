//! One fixture per status shape, asserting the typed status, its errors,
//! pricing and conversation.

use shared::domain::inbound::{ErrorData, ErrorDetail, Pricing};
use shared::domain::status::StatusKind;

use crate::{first_in, fixture, only_status};

const SHARED_WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA";

fn pmp_utility() -> Pricing {
    Pricing {
        billable: Some(true),
        pricing_model: Some("PMP".into()),
        pricing_type: Some("regular".into()),
        category: Some("utility".into()),
    }
}

#[test]
fn a_sent_status_is_read_with_its_pricing_and_conversation() {
    let s = only_status(&fixture("status_sent.json"));
    assert_eq!(s.wamid.as_str(), SHARED_WAMID);
    assert_eq!(s.contact.storage_id(), "16505551234");
    assert_eq!(s.status, StatusKind::Sent);
    assert_eq!(s.timestamp, 1_763_999_700);
    assert_eq!(s.pricing, Some(pmp_utility()));
    assert_eq!(
        s.conversation_id.as_deref(),
        Some("9b3f1c2e7d4a4f0b8c6e2a1d5f7b3c90")
    );
    assert!(s.errors.is_empty());
}

#[test]
fn a_delivered_status_is_read_with_its_pricing_and_conversation() {
    let s = only_status(&fixture("status_delivered.json"));
    assert_eq!(s.status, StatusKind::Delivered);
    assert_eq!(s.timestamp, 1_763_999_703);
    assert_eq!(s.pricing, Some(pmp_utility()));
    assert_eq!(
        s.conversation_id.as_deref(),
        Some("9b3f1c2e7d4a4f0b8c6e2a1d5f7b3c90")
    );
}

#[test]
fn a_status_without_pricing_or_conversation_is_read_with_none_of_either() {
    for (name, kind, at) in [
        ("status_read.json", StatusKind::Read, 1_763_999_760),
        ("status_played.json", StatusKind::Played, 1_764_000_620),
    ] {
        let s = only_status(&fixture(name));
        assert_eq!((&s.status, s.timestamp), (&kind, at), "{name}");
        assert_eq!(s.pricing, None, "{name}");
        assert_eq!(s.conversation_id, None, "{name}");
        assert!(s.errors.is_empty(), "{name}");
    }
}

#[test]
fn a_failed_status_is_read_with_its_error_code_title_and_details() {
    let s = only_status(&fixture("status_failed.json"));
    assert_eq!(
        s.wamid.as_str(),
        "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIwRkY0QTRGOUI5RDUxRUZGQTIA"
    );
    assert_eq!(s.status, StatusKind::Failed);
    assert_eq!(
        s.errors,
        vec![ErrorDetail {
            code: Some(131026),
            title: Some("Message undeliverable".into()),
            message: Some("Message undeliverable".into()),
            error_data: Some(ErrorData {
                details: Some("Message Undeliverable.".into()),
            }),
            href: Some("/documentation/business-messaging/whatsapp/support/error-codes".into()),
        }]
    );
}

#[test]
fn a_status_value_meta_may_add_or_has_retired_is_kept_by_name() {
    for (name, value) in [
        ("status_unknown_value.json", "in_orbit"),
        ("status_deleted.json", "deleted"),
    ] {
        let s = only_status(&fixture(name));
        assert_eq!(s.status, StatusKind::Other(value.into()), "{name}");
        assert_eq!(s.wamid.as_str(), SHARED_WAMID, "{name}");
    }
}

#[test]
fn a_status_for_a_recipient_known_only_by_bsuid_is_keyed_by_it() {
    // No BSUID status example exists yet (meta-api §2); this follows the
    // messages' pattern: the phone number empty, the BSUID beside it.
    let mut body = fixture("status_read.json");
    let status = first_in(&mut body, "statuses");
    status["recipient_id"] = "".into();
    status["recipient_user_id"] = "US.13491208655302741918".into();
    let s = only_status(&body);
    assert_eq!(s.contact.storage_id(), "u.US.13491208655302741918");
    assert_eq!(s.status, StatusKind::Read);
}
