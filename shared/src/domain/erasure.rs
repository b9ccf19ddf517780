//! What erasure looks for outside a person's partition, and what it tells
//! the requester it could not reach.
//!
//! Diagnostics (refused bodies, unreadable elements, other fields) are
//! stored by day of receipt, not by person: the parser could not tell whose
//! they are. Erasure therefore searches the day partitions that can still
//! hold one (retention plus the TTL's grace) for the person's identifiers.
//! The cost falls on the rare erasure, not on every inbound message, and it
//! needs no guess at write time about which digits in a refused body are a
//! phone number.

use serde_json::{json, Value};

use super::ids::ContactKey;
use super::privacy::{day_of, rfc3339};

/// DynamoDB's TTL deletes an expired item "typically within a few days";
/// erasure searches this many days past retention so it also finds those.
pub const TTL_GRACE_DAYS: u32 = 7;

/// SQS keeps a message this long (`MessageRetentionPeriod` of the inbound,
/// outbound and events queues in template.yaml).
pub const QUEUE_DAYS: u32 = 4;

/// Dead-letter queues keep a message this long, counted from when it first
/// entered its queue (SQS keeps the original enqueue time on a redrive).
pub const DEAD_LETTER_DAYS: u32 = 14;

/// The diagnostic days (`yyyy-mm-dd`) that may still hold an item stored
/// `retention_days` before `now`, newest first.
pub fn diagnostic_days(now: i64, retention_days: u32) -> Vec<String> {
    (0..=i64::from(retention_days) + i64::from(TTL_GRACE_DAYS))
        .map(|back| day_of(now - back * 86_400))
        .collect()
}

/// The identifiers by which a stored text can be known to concern someone:
/// their number or BSUID, the wamids of their messages, and any wamid that
/// holds their number (a wamid is base64 of a record with the digits in it).
#[derive(Debug, Clone)]
pub struct Traces {
    /// Matched only where no digit touches them, so a short number is not
    /// found inside a longer one (a phone_number_id, a timestamp).
    digits: Option<String>,
    texts: Vec<String>,
}

const WAMID_PREFIX: &str = "wamid.";

impl Traces {
    pub fn of(contact: &ContactKey) -> Self {
        match contact {
            ContactKey::Phone(w) => Self {
                digits: Some(w.as_str().to_owned()),
                texts: Vec::new(),
            },
            ContactKey::Scoped(u) => Self {
                digits: None,
                texts: vec![u.as_str().to_owned()],
            },
        }
    }

    pub fn add_wamid(&mut self, wamid: &str) {
        if !wamid.is_empty() && !self.texts.iter().any(|t| t == wamid) {
            self.texts.push(wamid.to_owned());
        }
    }

    pub fn found_in(&self, text: &str) -> bool {
        if self.texts.iter().any(|t| text.contains(t.as_str())) {
            return true;
        }
        let Some(digits) = self.digits.as_deref().map(str::as_bytes) else {
            return false;
        };
        digits_in(text.as_bytes(), digits)
            || text.match_indices(WAMID_PREFIX).any(|(at, _)| {
                let encoded = &text[at + WAMID_PREFIX.len()..];
                let end = encoded
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "+/-_".contains(c)))
                    .unwrap_or(encoded.len());
                digits_in(&base64_decode(&encoded[..end]), digits)
            })
    }
}

fn digits_in(haystack: &[u8], digits: &[u8]) -> bool {
    !digits.is_empty()
        && haystack.windows(digits.len()).enumerate().any(|(at, w)| {
            let before = at.checked_sub(1).map(|i| haystack[i]);
            let after = haystack.get(at + digits.len()).copied();
            w == digits
                && !before.is_some_and(|b| b.is_ascii_digit())
                && !after.is_some_and(|b| b.is_ascii_digit())
        })
}

/// Standard or URL-safe base64, padded or not. Meta's wamids are standard
/// base64 today; a text that is cut mid-quantum loses its last characters
/// rather than all of it.
fn base64_decode(text: &str) -> Vec<u8> {
    use base64::alphabet::{STANDARD, URL_SAFE};
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    let config = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    let alphabet = if text.contains(['-', '_']) {
        &URL_SAFE
    } else {
        &STANDARD
    };
    let engine = GeneralPurpose::new(alphabet, config);
    let text = text.trim_end_matches('=');
    (0..4)
        .filter_map(|cut| text.get(..text.len().checked_sub(cut)?))
        .find_map(|t| engine.decode(t).ok())
        .unwrap_or_default()
}

/// What an erasure cannot delete and how long each copy can live, stated in
/// the receipt; and what it keeps on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeyondReach {
    /// `PointInTimeRecoveryPeriodDays` of the table.
    pub backup_days: u32,
    /// `EventsArchiveDays` of the bus (0: no archive). Archived events are
    /// kept whole for replay; EventBridge cannot delete one of them.
    pub events_archive_days: u32,
}

impl BeyondReach {
    /// `requested_at`: copies in queues were enqueued before it. Backups hold
    /// the items until `backup_days` after they were deleted (`completed_at`;
    /// unknown while the erasure is pending).
    pub fn to_json(&self, requested_at: i64, completed_at: Option<i64>) -> (Value, Value) {
        let days = |d: u32| i64::from(d) * 86_400;
        let mut not_reached = json!([
            {
                "copy": "queued_messages",
                "where": "inbound, outbound and events queues and the event bus's delivery dead-letter queues, in flight",
                "max_days": QUEUE_DAYS,
                "until": rfc3339(requested_at + days(QUEUE_DAYS)),
            },
            {
                "copy": "dead_letter_queues",
                "where": "inbound, outbound and media dead-letter queues",
                "max_days": DEAD_LETTER_DAYS,
                "until": rfc3339(requested_at + days(DEAD_LETTER_DAYS)),
            },
            {
                "copy": "point_in_time_backups",
                "where": "the table's point-in-time recovery",
                "max_days": self.backup_days,
                "until": completed_at.map(|c| rfc3339(c + days(self.backup_days))),
            },
        ]);
        if self.events_archive_days > 0 {
            // Events published before the request, kept whole for replay.
            not_reached.as_array_mut().expect("a list").push(json!({
                "copy": "event_archive",
                "where": "the event bus's archive (EventsArchiveDays), kept for replay",
                "max_days": self.events_archive_days,
                "until": rfc3339(requested_at + days(self.events_archive_days)),
            }));
        }
        let kept = json!([
            {
                "copy": "suppression_list",
                "what": "keyed hash of the number, kept so the opt-out is honoured",
            },
            {
                "copy": "audit_trail",
                "what": "keyed hash of the number with who read, changed or erased the contact and when, kept AuditRetentionDays as proof the request was honoured",
            },
        ]);
        (not_reached, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA";

    fn phone(n: &str) -> ContactKey {
        ContactKey::parse_storage_id(n).unwrap()
    }

    #[test]
    fn a_number_is_found_in_a_body_and_in_a_wamid_of_theirs_only() {
        let t = Traces::of(&phone("16505551234"));
        assert!(t.found_in(r#"{"from":"16505551234","text":{"body":"hi"}}"#));
        assert!(
            t.found_in(&format!(r#"{{"id":"{WAMID}"}}"#)),
            "wamid encodes it"
        );
        assert!(!Traces::of(&phone("16505551235")).found_in(WAMID));
        assert!(
            !t.found_in("phone_number_id 9916505551234"),
            "inside longer digits"
        );
        assert!(!t.found_in(r#"{"from":"16505551299"}"#));
    }

    #[test]
    fn a_wamid_is_read_whatever_its_padding_and_alphabet() {
        let t = Traces::of(&phone("447700900123"));
        // 1C 18 0C, the twelve digits, then a tail: URL-safe, unpadded.
        assert!(t.found_in("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgg-_8A"));
        assert!(
            !t.found_in("wamid.HBgMNDQ3NzAwOTAwMTI0FQIAEhgg-_8A"),
            "…124"
        );
        assert_eq!(base64_decode("aGk="), b"hi");
    }

    #[test]
    fn a_bsuid_and_wamids_added_are_found() {
        let mut t = Traces::of(&ContactKey::parse_storage_id("u.US.13491208655302741918").unwrap());
        assert!(t.found_in(r#"{"from_user_id":"US.13491208655302741918"}"#));
        t.add_wamid("wamid.XYZ");
        assert!(t.found_in("… wamid.XYZ …"));
        assert!(!t.found_in("wamid.ABC"));
    }

    #[test]
    fn the_search_covers_retention_and_the_ttl_grace_newest_first() {
        let days = diagnostic_days(1_764_633_600, 30); // 2025-12-02
        assert_eq!(days.len(), 38);
        assert_eq!(days[0], "2025-12-02");
        assert_eq!(days[37], "2025-10-26");
    }

    #[test]
    fn the_receipt_dates_backups_from_completion() {
        let (not_reached, kept) = BeyondReach {
            backup_days: 7,
            events_archive_days: 0,
        }
        .to_json(0, None);
        assert_eq!(not_reached[0]["until"], "1970-01-05T00:00:00Z");
        assert_eq!(not_reached[1]["until"], "1970-01-15T00:00:00Z");
        assert!(not_reached[2]["until"].is_null());
        let (done, _) = BeyondReach {
            backup_days: 7,
            events_archive_days: 0,
        }
        .to_json(0, Some(86_400));
        assert_eq!(done[2]["until"], "1970-01-09T00:00:00Z");
        assert_eq!(kept[0]["copy"], "suppression_list");
        assert_eq!(kept[1]["copy"], "audit_trail");
        assert_eq!(
            not_reached.as_array().unwrap().len(),
            3,
            "no archive, no entry"
        );
    }

    #[test]
    fn the_receipt_says_until_when_the_event_archive_may_hold_a_copy() {
        let beyond = BeyondReach {
            backup_days: 7,
            events_archive_days: 20,
        };
        let (not_reached, _) = beyond.to_json(0, None);
        let archive = &not_reached[3];
        assert_eq!(archive["copy"], "event_archive");
        assert_eq!(archive["max_days"], 20);
        assert_eq!(archive["until"], "1970-01-21T00:00:00Z");
    }
}
