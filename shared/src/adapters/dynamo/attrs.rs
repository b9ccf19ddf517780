//! Attribute helpers shared by the DynamoDB adapter (keys: `keys.rs`).

use std::collections::HashMap;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::queued::{RequestMeta, SignatureMatch};
use crate::ports::{Retry, StoreError};

/// The day attribute the retention sweeper's index is keyed on; receipts
/// carry it too, so here rather than in either of them.
pub const SWEEP_DAY: &str = "sweep_day";

pub type Item = HashMap<String, AttributeValue>;

/// The effects flag: on a ledger entry until the sender's events for it are
/// out (set on the outcome, removed by `effects_done`).
pub const EFFECTS_PENDING: &str = "effects_pending";

/// Its name until issue #14 (`fx`), still read on items written before and
/// not yet expired: ledger entries, and facts the processor stored before
/// origins were recorded (`fx_<status>` on status items). Nothing writes it.
pub const LEGACY_EFFECTS_FLAG: &str = "fx";

/// Whether `item` says its effects are still owed, under either name.
pub fn effects_pending(item: &Item) -> bool {
    item.contains_key(EFFECTS_PENDING) || item.contains_key(LEGACY_EFFECTS_FLAG)
}

/// The effects flag of a status item written before origins were recorded.
pub fn legacy_status_flag(status: &str) -> String {
    format!("{LEGACY_EFFECTS_FLAG}_{status}")
}

/// The attribute holding the facts of the webhook POST an item came in
/// (`wh` until issue #14: [`with_current_names`] reads both).
pub const WEBHOOK_REQUEST: &str = "webhook_request";
const LEGACY_WEBHOOK_REQUEST: &str = "wh";

/// An item as read, its attributes under their current names: items
/// written before issue #14 (`wh`, `fx`) live until they expire, and a
/// reader must see them as it sees new ones.
pub fn with_current_names(mut item: Item) -> Item {
    for (old, new) in [
        (LEGACY_WEBHOOK_REQUEST, WEBHOOK_REQUEST),
        (LEGACY_EFFECTS_FLAG, EFFECTS_PENDING),
    ] {
        if let Some(v) = item.remove(old) {
            item.entry(new.to_owned()).or_insert(v);
        }
    }
    item
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_written_under_the_old_names_read_as_new_ones() {
        let old = Item::from([
            ("wh".to_owned(), s("log")),
            ("fx".to_owned(), AttributeValue::Bool(true)),
        ]);
        assert!(effects_pending(&old));
        let read = with_current_names(old);
        assert_eq!(read.get(WEBHOOK_REQUEST), Some(&s("log")));
        assert!(effects_pending(&read));
        assert!(!read.contains_key("wh") && !read.contains_key("fx"));
        assert!(!effects_pending(&Item::new()));
    }
}
