//! A sample of every account-health event, read from values shaped like
//! Meta's documented examples (tests/fixtures/webhooks/health_*.json).

use super::account_payloads::AccountHealth;
use super::Event;
use crate::domain::account::{read_health, HealthField};

const AT: i64 = 1_795_615_200;
const WABA: &str = "102290129340398";

pub fn samples() -> Vec<Event> {
    use HealthField::*;
    let values = [
        (
            PhoneNumberQuality,
            r#"{"display_phone_number":"15550783881","event":"FLAGGED","current_limit":"TIER_10K"}"#,
        ),
        (
            PhoneNumberQuality,
            r#"{"display_phone_number":"15550783881","event":"DOWNGRADE","old_limit":"TIER_10K","current_limit":"TIER_1K","max_daily_conversations_per_business":"TIER_1K"}"#,
        ),
        (
            PhoneNumberName,
            r#"{"display_phone_number":"15550783881","decision":"APPROVED","requested_verified_name":"Lucky Shrub","rejection_reason":null}"#,
        ),
        (
            AccountUpdate,
            r#"{"event":"ACCOUNT_RESTRICTION","restriction_info":[{"restriction_type":"RESTRICTED_BIZ_INITIATED_MESSAGING","expiration":1795701600}]}"#,
        ),
        (
            AccountUpdate,
            r#"{"event":"ACCOUNT_VIOLATION","violation_info":{"violation_type":"ADULT"}}"#,
        ),
        (
            AccountUpdate,
            r#"{"event":"DISABLED_UPDATE","ban_info":{"waba_ban_state":"REINSTATE","waba_ban_date":"April 17, 2025"},"new_key":1}"#,
        ),
        (
            AccountAlerts,
            r#"{"entity_type":"BUSINESS","entity_id":"506914307656634","alert_info":{"alert_severity":"WARNING","alert_status":"ACTIVE","alert_type":"INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED","alert_description":"Limits cannot be increased."}}"#,
        ),
        (AccountReview, r#"{"decision":"APPROVED"}"#),
        (
            BusinessCapability,
            r#"{"max_daily_conversations_per_business":2000,"max_phone_numbers_per_waba":25}"#,
        ),
        (
            Security,
            r#"{"display_phone_number":"15550783881","event":"PIN_RESET_REQUEST","requester":"61555822107539"}"#,
        ),
    ];
    values
        .into_iter()
        .map(|(field, raw)| {
            let change = read_health(field, WABA, raw).expect("a readable sample");
            Event::new(
                &AccountHealth::of(&change),
                &change.fingerprint,
                AT,
                None,
                None,
            )
        })
        .collect()
}
