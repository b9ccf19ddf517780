//! From one change value to a [`HealthChange`]. Lenient like the rest of
//! inbound reading: every field may be missing or of another type, and
//! keys this version does not know are named, not refused. Only a value
//! that is not an object, or that lacks the one field saying what
//! happened (`event`, `decision`, `alert_type`), is unreadable.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{HealthChange, HealthFact, HealthField, HealthSubject, Restriction};

/// What replaces the security event's `requester` (a person's Meta id).
const MASKED: &str = "masked";

/// The change read, or `None` when it is unreadable (the caller keeps it
/// as a diagnostic).
pub fn read_health(field: HealthField, waba_id: &str, raw: &str) -> Option<HealthChange> {
    let Ok(Value::Object(mut value)) = serde_json::from_str::<Value>(raw) else {
        return None;
    };
    let (raw, value) = if field == HealthField::Security && value.contains_key("requester") {
        value.insert("requester".into(), Value::String(MASKED.into()));
        (Value::Object(value.clone()).to_string(), value)
    } else {
        (raw.to_owned(), value)
    };
    let (fact, known) = fact_of(field, &value)?;
    let subject = text(&value, "display_phone_number")
        .filter(|n| !n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(HealthSubject::Account, HealthSubject::Number);
    let unknown_fields = value
        .keys()
        .filter(|k| k.as_str() != "display_phone_number" && !known.contains(&k.as_str()))
        .cloned()
        .collect();
    let digest = Sha256::digest(format!("{}\u{1f}{waba_id}\u{1f}{raw}", field.as_str()));
    Some(HealthChange {
        field,
        waba_id: waba_id.to_owned(),
        subject,
        fact,
        unknown_fields,
        raw,
        fingerprint: hex::encode(&digest[..16]),
    })
}

/// The typed fact and the keys it read.
fn fact_of(
    field: HealthField,
    v: &Map<String, Value>,
) -> Option<(HealthFact, &'static [&'static str])> {
    Some(match field {
        HealthField::PhoneNumberQuality => (
            HealthFact::Quality {
                event: text(v, "event")?,
                current_limit: text_or_number(v, "current_limit"),
                old_limit: text_or_number(v, "old_limit"),
                max_daily_conversations_per_business: text_or_number(
                    v,
                    "max_daily_conversations_per_business",
                ),
            },
            &[
                "event",
                "current_limit",
                "old_limit",
                "max_daily_conversations_per_business",
            ],
        ),
        HealthField::PhoneNumberName => (
            HealthFact::Name {
                decision: text(v, "decision"),
                requested_verified_name: text(v, "requested_verified_name"),
                rejection_reason: text(v, "rejection_reason"),
            },
            &["decision", "requested_verified_name", "rejection_reason"],
        ),
        HealthField::AccountUpdate => {
            let ban = v.get("ban_info").and_then(Value::as_object);
            let violation = v.get("violation_info").and_then(Value::as_object);
            let restrictions = v
                .get("restriction_info")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(Value::as_object)
                        .map(|r| Restriction {
                            restriction_type: text(r, "restriction_type"),
                            expiration: number(r, "expiration"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            (
                HealthFact::Account {
                    event: text(v, "event")?,
                    violation_type: violation.and_then(|i| text(i, "violation_type")),
                    ban_state: ban.and_then(|b| text(b, "waba_ban_state")),
                    ban_date: ban.and_then(|b| text(b, "waba_ban_date")),
                    restrictions,
                },
                &["event", "ban_info", "violation_info", "restriction_info"],
            )
        }
        HealthField::AccountAlerts => {
            let info = v.get("alert_info").and_then(Value::as_object)?;
            (
                HealthFact::Alert {
                    entity_type: text(v, "entity_type"),
                    entity_id: text_or_number(v, "entity_id"),
                    alert_type: text(info, "alert_type")?,
                    alert_severity: text(info, "alert_severity"),
                    alert_status: text(info, "alert_status"),
                    alert_description: text(info, "alert_description"),
                },
                &["entity_type", "entity_id", "alert_info"],
            )
        }
        HealthField::AccountReview => (
            HealthFact::Review {
                decision: text(v, "decision")?,
            },
            &["decision"],
        ),
        HealthField::BusinessCapability => (
            HealthFact::Capability {
                max_daily_conversations_per_business: number(
                    v,
                    "max_daily_conversations_per_business",
                ),
                max_phone_numbers_per_waba: number(v, "max_phone_numbers_per_waba"),
            },
            &[
                "max_daily_conversations_per_business",
                "max_phone_numbers_per_waba",
            ],
        ),
        HealthField::Security => (
            HealthFact::Security {
                event: text(v, "event")?,
                requester_named: v.get("requester").is_some_and(|r| !r.is_null()),
            },
            &["event", "requester"],
        ),
    })
}

fn text(v: &Map<String, Value>, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Meta writes some limits as tier names and others as numbers.
fn text_or_number(v: &Map<String, Value>, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn number(v: &Map<String, Value>, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
