//! Key formats and small helpers shared by the DynamoDB adapter.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::erasure::Traces;
use crate::domain::ids::ContactKey;
use crate::domain::queued::{RequestMeta, SignatureMatch};
use crate::ports::{Retry, StoreError};

pub const PROFILE_SK: &str = "PROFILE";
pub const DIAGNOSTIC_PREFIX: &str = "D#";
/// The sort key of an erasure receipt, which the sweeper also reads.
pub const RECEIPT_SK: &str = "RECEIPT";
/// The day attribute the retention sweeper's index is keyed on; receipts
/// carry it too, so here rather than in either of them.
pub const SWEEP_DAY: &str = "sweep_day";

pub fn contact_pk(contact: &ContactKey) -> String {
    format!("C#{}", contact.storage_id())
}

/// Messages sort by time within a contact, so history is a range query;
/// Meta's timestamp for a wamid never changes, so the key is stable and the
/// conditional put on it is the dedup.
pub fn message_sk(timestamp: i64, wamid: &str) -> String {
    format!("M#{:010}#{wamid}", timestamp.max(0))
}

/// The wamid in a message's or a status's sort key, for erasure's search.
pub fn wamid_of_sk(sk: &str) -> Option<&str> {
    match sk.strip_prefix("S#") {
        Some(w) => Some(w),
        None => sk.strip_prefix("M#")?.split_once('#').map(|(_, w)| w),
    }
}

/// What erasure looks for in diagnostics: the person's identifiers and the
/// wamids in the sort keys of their partition.
pub fn traces_of<'a>(contact: &ContactKey, sort_keys: impl IntoIterator<Item = &'a str>) -> Traces {
    let mut traces = Traces::of(contact);
    for w in sort_keys.into_iter().filter_map(wamid_of_sk) {
        traces.add_wamid(w);
    }
    traces
}

pub fn consent_sk(timestamp: i64, value: &str) -> String {
    format!("CONSENT#{:010}#{value}", timestamp.max(0))
}

pub fn status_sk(wamid: &str) -> String {
    format!("S#{wamid}")
}

pub type Item = HashMap<String, AttributeValue>;

/// The effects flag: on a ledger entry until the sender's events for it are
/// out. Facts the processor stored before origins were recorded (see
/// [`stored_by_same_record`]) carry it too, `fx_<status>` on status items.
pub const EFFECTS_FLAG: &str = "fx";

/// Whether a fact found already stored (`old`, the item as it was when the
/// conditional write failed) came from the queue record `origin`, held in
/// the attribute `origin_attr`: then SQS redelivered that record and this
/// attempt redoes the fact's effects. Items written before origins were
/// recorded tell the same by still holding their effects flag `legacy_flag`.
pub fn stored_by_same_record(
    old: Option<&Item>,
    origin_attr: &str,
    origin: &str,
    legacy_flag: &str,
) -> bool {
    old.is_some_and(|item| {
        matches!(item.get(origin_attr), Some(AttributeValue::S(o)) if o == origin)
            || item.contains_key(legacy_flag)
    })
}

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub fn webhook_log(request: &RequestMeta) -> AttributeValue {
    let mut m = HashMap::new();
    m.insert("request_id".into(), s(&request.request_id));
    m.insert("received_at_ms".into(), n(request.received_at_ms));
    m.insert("body_bytes".into(), n(request.body_bytes));
    m.insert(
        "signature".into(),
        s(match request.signature {
            SignatureMatch::Current => "current",
            SignatureMatch::Previous => "previous",
        }),
    );
    if let Some(ip) = &request.source_ip {
        m.insert("source_ip".into(), s(ip));
    }
    if let Some(ua) = &request.user_agent {
        m.insert("user_agent".into(), s(ua));
    }
    AttributeValue::M(m)
}

pub fn is_conditional_failure<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

/// Throttling, 5xx and network errors are worth retrying; a request DynamoDB
/// rejects as invalid will be rejected again.
pub fn store_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned);
    let retry = match code.as_deref() {
        Some("ValidationException" | "ResourceNotFoundException" | "AccessDeniedException") => {
            Retry::Permanent
        }
        _ => Retry::Retryable,
    };
    StoreError {
        operation,
        message: aws_sdk_dynamodb::error::DisplayErrorContext(err).to_string(),
        retry,
    }
}

/// The suppression list: one partition per person, named by the keyed
/// subject hash (never the number), one item per category.
pub fn suppression_pk(subject_hash: &str) -> String {
    format!("SUPPRESS#{subject_hash}")
}

/// The marketing opt-in and its evidence, in the contact's own partition
/// (personal data: gone with retention or erasure like the rest).
pub const MARKETING_OPT_IN_SK: &str = "OPTIN#marketing";
