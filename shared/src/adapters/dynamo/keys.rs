//! Every storage key of the data table, and nothing else: partition keys
//! (`pk`), sort keys (`sk`), the prefixes a query or the sweep matches on,
//! and the paging cursors that wrap a sort key. Ports and functions speak in
//! intent (a profile, a page of history, a day of diagnostics); only this
//! module knows how that is spelt in DynamoDB (docs/data-model.md).

use crate::domain::erasure::Traces;
use crate::domain::ids::{ContactKey, PhoneNumberId};
use crate::domain::outbound::IdempotencyKey;
use crate::domain::privacy::{day_of, LinkRequest};
use crate::domain::templates::{TemplateKey, WabaId};
use crate::ports::contacts::DatedLog;

// --- one person's partition: `C#<contact>` ---------------------------------

pub(crate) fn contact_pk(contact: &ContactKey) -> String {
    format!("C#{}", contact.storage_id())
}

/// People's partitions, as against receipts and the day-keyed logs.
pub(crate) fn is_contact_pk(pk: &str) -> bool {
    pk.starts_with("C#")
}

pub(crate) const PROFILE_SK: &str = "PROFILE";
/// A hand-off item, read by the contacts API's profile answer.
pub(crate) const HANDOFF_SK: &str = "HANDOFF";
/// Marks a partition without a profile for the retention sweep.
pub(crate) const SWEEP_MARKER_SK: &str = "SWEEP";

/// Messages sort by time within a contact, so history is a range query;
/// Meta's timestamp for a wamid never changes, so the key is stable and the
/// conditional put on it is the dedup.
pub(crate) fn message_sk(timestamp: i64, wamid: &str) -> String {
    format!("{MESSAGE_PREFIX}{:010}#{wamid}", timestamp.max(0))
}
pub(crate) const MESSAGE_PREFIX: &str = "M#";

/// The sort-key range of a contact's messages timestamped at or after
/// `since`: from `M#<since>` to past any timestamp (`~` sorts after digits).
pub(crate) fn messages_since(since: i64) -> (String, String) {
    (
        format!("{MESSAGE_PREFIX}{:010}", since.max(0)),
        format!("{MESSAGE_PREFIX}~"),
    )
}

/// The sort-key range of a contact's messages timestamped from `since` to
/// `until`, both included.
pub(crate) fn messages_between(since: i64, until: i64) -> (String, String) {
    (
        format!("{MESSAGE_PREFIX}{:010}", since.max(0)),
        format!("{MESSAGE_PREFIX}{:010}~", until.max(0)),
    )
}

pub(crate) fn status_sk(wamid: &str) -> String {
    format!("{STATUS_PREFIX}{wamid}")
}
const STATUS_PREFIX: &str = "S#";

pub(crate) fn consent_sk(timestamp: i64, value: &str) -> String {
    format!("{CONSENT_PREFIX}{:010}#{value}", timestamp.max(0))
}
pub(crate) const CONSENT_PREFIX: &str = "CONSENT#";

/// One item per (system, type, id), and per message when it names one, so
/// linking twice is harmless and a message's link never rewrites history.
pub(crate) fn link_sk(link: &LinkRequest) -> String {
    let sk = format!("{LINK_PREFIX}{}#{}#{}", link.system, link.kind, link.id);
    match &link.wamid {
        Some(w) => format!("{sk}#{w}"),
        None => sk,
    }
}
pub(crate) const LINK_PREFIX: &str = "LINK#";

/// The sender's idempotency ledger entry, in the recipient's partition.
pub(crate) fn ledger_sk(key: &IdempotencyKey) -> String {
    format!("OUT#{}", key.as_str())
}

/// The marketing opt-in and its evidence, in the contact's own partition
/// (personal data: gone with retention or erasure like the rest).
pub(crate) const MARKETING_OPT_IN_SK: &str = "OPTIN#marketing";

/// The wamid in a message's or a status's sort key, for erasure's search.
fn wamid_of_sk(sk: &str) -> Option<&str> {
    match sk.strip_prefix(STATUS_PREFIX) {
        Some(w) => Some(w),
        None => sk
            .strip_prefix(MESSAGE_PREFIX)?
            .split_once('#')
            .map(|(_, w)| w),
    }
}

/// What erasure looks for in diagnostics: the person's identifiers and the
/// wamids in the sort keys of their partition.
pub(crate) fn traces_of<'a>(
    contact: &ContactKey,
    sort_keys: impl IntoIterator<Item = &'a str>,
) -> Traces {
    let mut traces = Traces::of(contact);
    for w in sort_keys.into_iter().filter_map(wamid_of_sk) {
        traces.add_wamid(w);
    }
    traces
}

// --- partitions that name no one -------------------------------------------

/// The suppression list: one partition per person, named by the keyed
/// subject hash (never the number), one item per category.
pub(crate) fn suppression_pk(subject_hash: &str) -> String {
    format!("SUPPRESS#{subject_hash}")
}

pub(crate) fn receipt_pk(receipt_id: &str) -> String {
    format!("RECEIPT#{receipt_id}")
}

pub(crate) fn subject_pk(subject_hash: &str) -> String {
    format!("SUBJECT#{subject_hash}")
}

/// The sort key of an erasure receipt, which the sweeper also reads.
pub(crate) const RECEIPT_SK: &str = "RECEIPT";
pub(crate) const PENDING_ERASURES_PK: &str = "ERASURE#PENDING";

/// The sweep's own state item.
pub(crate) const SWEEP_STATE_PK: &str = "SWEEP";
pub(crate) const SWEEP_STATE_SK: &str = "STATE";

/// The integration review's runs, one item per day (`RUN#2026-12-02`): no
/// personal data, so outside every contact's partition.
pub(crate) const REVIEW_PK: &str = "REVIEW";
pub(crate) fn review_run_sk(day: &str) -> String {
    format!("RUN#{day}")
}

/// Account and number health: one partition per WABA and business number
/// (`HEALTH#<waba>#<display number>`, or `#ACCOUNT` for the account's own
/// facts), one item per distinct value (`<field>#<fingerprint>`), so the
/// same webhook posted twice is one item. No personal data.
pub(crate) fn health_pk(waba_id: &str, display_number: Option<&str>) -> String {
    format!("HEALTH#{waba_id}#{}", display_number.unwrap_or("ACCOUNT"))
}

pub(crate) fn health_sk(field: &str, fingerprint: &str) -> String {
    format!("{field}#{fingerprint}")
}

/// Message templates per WABA (issue #16): one item per (name, language),
/// and the WABA's sync state. Business data, not personal data (no
/// customer in it), so no `expires_at` and no contact partition.
pub(crate) fn templates_pk(waba: &WabaId) -> String {
    format!("TPL#{}", waba.as_str())
}
pub(crate) fn template_sk(key: &TemplateKey) -> String {
    format!("{TEMPLATE_PREFIX}{}#{}", key.name, key.language)
}
pub(crate) const TEMPLATE_PREFIX: &str = "T#";
/// The last use of a template by a command, beside its item (the sync's
/// puts and deletes touch `T#` items only, so a use outlives a sync).
pub(crate) fn template_use_sk(key: &TemplateKey) -> String {
    format!("{TEMPLATE_USE_PREFIX}{}#{}", key.name, key.language)
}
pub(crate) const TEMPLATE_USE_PREFIX: &str = "U#";
pub(crate) const TEMPLATE_SYNC_SK: &str = "SYNC";

/// Which WABA a business number sends templates of, written by a complete
/// sync of that WABA (its `phone_numbers`): the sender reads it once per
/// number and instance.
pub(crate) fn template_number_pk(number: &PhoneNumberId) -> String {
    format!("TPLNUM#{}", number.as_str())
}
pub(crate) const TEMPLATE_NUMBER_SK: &str = "WABA";
/// Which business number a display number is: account webhooks name a
/// number by its display digits, the pacing by its id. Written beside the
/// number's item by the sync.
pub(crate) fn number_display_pk(digits: &str) -> String {
    format!("TPLDISP#{digits}")
}
pub(crate) const NUMBER_DISPLAY_SK: &str = "NUMBER";

/// The day-keyed logs: diagnostics by day of receipt (`D#2026-11-25`), the
/// audit log by day of the action (`AUDIT#…`), so an operator reads one
/// day with a `Query` and the sweep deletes whole days.
pub(crate) fn dated_pk(log: DatedLog, day: &str) -> String {
    format!("{}{day}", dated_prefix(log))
}

/// The prefix also names the log in the sweep's saved state, as it always has.
pub(crate) fn dated_prefix(log: DatedLog) -> &'static str {
    match log {
        DatedLog::Diagnostics => "D#",
        DatedLog::Audit => "AUDIT#",
    }
}

pub(crate) fn dated_log_named(prefix: &str) -> Option<DatedLog> {
    [DatedLog::Diagnostics, DatedLog::Audit]
        .into_iter()
        .find(|l| dated_prefix(*l) == prefix)
}

pub(crate) fn diagnostic_pk(received_at_ms: i64) -> String {
    let day = time::OffsetDateTime::from_unix_timestamp(received_at_ms.div_euclid(1000))
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| "unknown".into());
    dated_pk(DatedLog::Diagnostics, &day)
}

pub(crate) fn diagnostic_sk(received_at_ms: i64, request_id: &str, index: usize) -> String {
    format!("{received_at_ms:013}#{request_id}#{index:04}")
}

pub(crate) fn audit_pk(at_secs: i64) -> String {
    dated_pk(DatedLog::Audit, &day_of(at_secs))
}

/// Day-keyed sort keys start with the time in ms: everything before this
/// sorts before `before_ms`.
pub(crate) fn dated_sk_before(before_ms: i64) -> String {
    format!("{:013}", before_ms.max(0))
}

/// The sender's pacing: one partition per number and second slot, and the
/// pause Meta's throttling imposes.
pub(crate) fn rate_pk(number: &PhoneNumberId) -> String {
    format!("RATE#{}", number.as_str())
}

pub(crate) fn pause_pk(number: &PhoneNumberId) -> String {
    format!("PAUSE#{}", number.as_str())
}

/// The sender's cache of uploaded media ids: one item per (business number,
/// bucket, key, ETag). The object's name is hashed: keys run to 1024 bytes,
/// and the hash keeps every item's key short and the same length. No
/// personal data: outbound files are the business's own.
pub(crate) fn upload_pk(number: &PhoneNumberId, bucket: &str, key: &str, etag: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut object = Sha256::new();
    for part in [bucket, key, etag.trim_matches('"')] {
        // Length-prefixed, so no two (bucket, key, etag) spell the same input.
        object.update((part.len() as u64).to_be_bytes());
        object.update(part.as_bytes());
    }
    format!(
        "UPLOAD#{}#{}",
        number.as_str(),
        hex::encode(object.finalize())
    )
}
pub(crate) const UPLOAD_SK: &str = "UPLOAD";

// --- cursors -----------------------------------------------------------------

/// Which sort keys a cursor may continue after.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Paged {
    /// A page of message history.
    History,
    /// A page of the whole partition (export).
    Everything,
}

/// The opaque cursor handed to callers: the sort key to continue after,
/// hex-encoded so callers treat it as a token.
pub(crate) fn encode_cursor(sk: &str) -> String {
    crate::domain::privacy::encode_cursor(sk)
}

/// The sort key inside a caller's cursor, or `None` when it is not one this
/// kind of page handed out.
pub(crate) fn decode_cursor(cursor: &str, paged: Paged) -> Option<String> {
    let prefix = match paged {
        Paged::History => MESSAGE_PREFIX,
        Paged::Everything => "",
    };
    crate::domain::privacy::decode_cursor(cursor, prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::WaId;

    #[test]
    fn a_history_cursor_must_hold_a_message_key() {
        let c = encode_cursor(&message_sk(1, "wamid.x"));
        assert_eq!(
            decode_cursor(&c, Paged::History).as_deref(),
            Some("M#0000000001#wamid.x")
        );
        assert_eq!(decode_cursor(&encode_cursor("S#w"), Paged::History), None);
        assert!(decode_cursor(&encode_cursor("S#w"), Paged::Everything).is_some());
        assert_eq!(decode_cursor("zz", Paged::Everything), None);
    }

    #[test]
    fn erasure_finds_the_wamids_in_message_and_status_keys() {
        let contact = ContactKey::Phone(WaId::parse("16505551234").unwrap());
        let keys = [
            message_sk(5, "wamid.a"),
            status_sk("wamid.b"),
            "PROFILE".into(),
        ];
        let traces = traces_of(&contact, keys.iter().map(String::as_str));
        assert!(traces.found_in("… wamid.a …"));
        assert!(traces.found_in("… wamid.b …"));
    }

    #[test]
    fn a_link_is_one_item_per_system_type_and_id() {
        let l =
            LinkRequest::parse(&serde_json::json!({"system": "crm", "type": "lead", "id": "L-1"}))
                .unwrap();
        assert_eq!(link_sk(&l), "LINK#crm#lead#L-1");
    }

    #[test]
    fn the_dated_logs_keep_the_names_the_sweep_state_saved() {
        for log in [DatedLog::Diagnostics, DatedLog::Audit] {
            assert_eq!(dated_log_named(dated_prefix(log)), Some(log));
        }
        assert_eq!(
            dated_pk(DatedLog::Diagnostics, "2026-11-25"),
            "D#2026-11-25"
        );
    }
}
