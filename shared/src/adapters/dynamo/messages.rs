use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::attrs::{
    is_conditional_failure, legacy_status_flag, n, s, store_error, stored_by_same_record,
    webhook_log, Item, LEGACY_EFFECTS_FLAG, WEBHOOK_REQUEST,
};
use super::keys::{contact_pk, message_sk, status_sk};
use super::{now_secs, DynamoStore};
use crate::domain::inbound::{InboundMessage, StatusUpdate};
use crate::domain::records::{
    MessageRecord, Provenance, StatusOutcome, StatusRecord, WriteOutcome,
};
use crate::ports::{MessageStore, StoreError};

/// The attribute holding the queue record a message or consent item came
/// in (see [`WriteOutcome::Retried`]).
pub(super) const ORIGIN: &str = "origin";

/// Status items hold one origin per status, as they hold one time per status.
fn status_origin(status: &str) -> String {
    format!("or_{status}")
}

impl MessageStore for DynamoStore {
    async fn put_message(&self, record: MessageRecord<'_>) -> Result<WriteOutcome, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(message_item(&record)))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(WriteOutcome::Created),
            // Also what the SDK's own retry sees when the put succeeded but
            // its answer was lost: the origin is this record's.
            Err(e) if is_conditional_failure(&e) => {
                let old = match e.into_service_error() {
                    aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(c) => c.item,
                    _ => None,
                };
                Ok(
                    if stored_by_same_record(
                        old.as_ref(),
                        ORIGIN,
                        record.from.origin,
                        LEGACY_EFFECTS_FLAG,
                    ) {
                        WriteOutcome::Retried
                    } else {
                        WriteOutcome::Duplicate
                    },
                )
            }
            Err(e) => Err(store_error("put message", e)),
        }
    }

    async fn apply_status(&self, record: StatusRecord<'_>) -> Result<StatusOutcome, StoreError> {
        let st = record.status;
        let name = st.status.as_str();
        let mut values = HashMap::from([
            (":ts".to_owned(), n(st.timestamp)),
            (":raw".to_owned(), s(st.raw.get())),
            (":now".to_owned(), n(now_secs())),
            (":exp".to_owned(), n(record.expires_at)),
            (":origin".to_owned(), s(record.from.origin)),
        ]);
        let names = HashMap::from([
            ("#st".to_owned(), format!("st_{name}")),
            ("#raw".to_owned(), format!("raw_{name}")),
            ("#or".to_owned(), status_origin(name)),
        ]);
        // First try to make this the current status: one write in the usual case.
        let mut advance = values.clone();
        advance.extend(status_values(st, record.from));
        let mut advance_names = names.clone();
        advance_names.insert("#status".into(), "status".into());
        advance_names.insert("#type".into(), "type".into());
        let first = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&st.contact)))
            .key("sk", s(status_sk(st.wamid.as_str())))
            .update_expression(advance_expression(st))
            .condition_expression(
                "attribute_not_exists(#st) AND (attribute_not_exists(status_rank) OR status_rank < :rank \
                 OR (status_rank = :rank AND #status < :status))",
            )
            .set_expression_attribute_names(Some(advance_names))
            .set_expression_attribute_values(Some(advance))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match first {
            Ok(_) => return Ok(StatusOutcome::Advanced),
            Err(e) if is_conditional_failure(&e) => {
                if old_item(&e).is_some_and(|item| item.contains_key(&format!("st_{name}"))) {
                    return Ok(duplicate_or_retried(&e, name, record.from.origin));
                }
            }
            Err(e) => return Err(store_error("update status", e)),
        }
        // A later status is already current: keep this one's time and text only.
        if let Some(p) = &st.pricing {
            values.insert(":pricing".into(), pricing(p));
        }
        let expression = if st.pricing.is_some() {
            "SET #st = :ts, #raw = :raw, #or = :origin, updated_at = :now, expires_at = :exp, pricing = if_not_exists(pricing, :pricing)"
        } else {
            "SET #st = :ts, #raw = :raw, #or = :origin, updated_at = :now, expires_at = :exp"
        };
        let second = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&st.contact)))
            .key("sk", s(status_sk(st.wamid.as_str())))
            .update_expression(expression)
            .condition_expression("attribute_not_exists(#st)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match second {
            Ok(_) => Ok(StatusOutcome::Recorded),
            // Also what the SDK's own retry sees when this write succeeded but
            // its answer was lost: the origin is this record's.
            Err(e) if is_conditional_failure(&e) => {
                Ok(duplicate_or_retried(&e, name, record.from.origin))
            }
            Err(e) => Err(store_error("record status", e)),
        }
    }
}

type UpdateError = aws_sdk_dynamodb::error::SdkError<
    aws_sdk_dynamodb::operation::update_item::UpdateItemError,
    aws_sdk_dynamodb::config::http::HttpResponse,
>;

/// The item as it was when a conditional update failed (`AllOld`).
fn old_item(e: &UpdateError) -> Option<&HashMap<String, AttributeValue>> {
    match e.as_service_error()? {
        aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c) => c.item.as_ref(),
        _ => None,
    }
}

/// A status already recorded: from this same queue record, or a duplicate.
fn duplicate_or_retried(e: &UpdateError, name: &str, origin: &str) -> StatusOutcome {
    if stored_by_same_record(
        old_item(e),
        &status_origin(name),
        origin,
        &legacy_status_flag(name),
    ) {
        StatusOutcome::Retried
    } else {
        StatusOutcome::Duplicate
    }
}

fn advance_expression(st: &StatusUpdate) -> String {
    let mut e = String::from(
        "SET #st = :ts, #raw = :raw, #or = :origin, updated_at = :now, expires_at = :exp, #status = :status, status_rank = :rank, \
         #type = :type, wamid = :wamid, waba_id = :waba",
    );
    if st.pricing.is_some() {
        e.push_str(", pricing = :pricing");
    }
    if !st.errors.is_empty() {
        e.push_str(", errors = :errors");
    }
    if st.conversation_id.is_some() {
        e.push_str(", conversation_id = :conv");
    }
    e.push_str(", phone_number_id = :pnid");
    e
}

fn status_values(st: &StatusUpdate, from: Provenance<'_>) -> Vec<(String, AttributeValue)> {
    let mut v = vec![
        (":status".to_owned(), s(st.status.as_str())),
        (":rank".to_owned(), n(st.status.rank())),
        (":type".to_owned(), s("status")),
        (":wamid".to_owned(), s(st.wamid.as_str())),
        (":waba".to_owned(), s(from.waba_id)),
        (
            ":pnid".to_owned(),
            from.phone_number_id
                .map_or(AttributeValue::Null(true), |p| s(p.as_str())),
        ),
    ];
    if let Some(p) = &st.pricing {
        v.push((":pricing".into(), pricing(p)));
    }
    if !st.errors.is_empty() {
        let list = st
            .errors
            .iter()
            .map(|e| {
                let mut m = HashMap::new();
                if let Some(c) = e.code {
                    m.insert("code".to_owned(), n(c));
                }
                for (k, val) in [
                    ("title", &e.title),
                    ("message", &e.message),
                    ("href", &e.href),
                    (
                        "details",
                        &e.error_data.as_ref().and_then(|d| d.details.clone()),
                    ),
                ] {
                    if let Some(val) = val {
                        m.insert(k.to_owned(), s(val));
                    }
                }
                AttributeValue::M(m)
            })
            .collect();
        v.push((":errors".into(), AttributeValue::L(list)));
    }
    if let Some(c) = &st.conversation_id {
        v.push((":conv".into(), s(c)));
    }
    v
}

fn pricing(p: &crate::domain::inbound::Pricing) -> AttributeValue {
    let mut m = HashMap::new();
    for (k, val) in [
        ("pricing_model", &p.pricing_model),
        ("type", &p.pricing_type),
        ("category", &p.category),
    ] {
        if let Some(val) = val {
            m.insert(k.to_owned(), s(val));
        }
    }
    if let Some(b) = p.billable {
        m.insert("billable".to_owned(), AttributeValue::Bool(b));
    }
    AttributeValue::M(m)
}

fn message_item(record: &MessageRecord<'_>) -> Item {
    let m: &InboundMessage = record.message;
    let mut item = HashMap::from([
        ("pk".to_owned(), s(contact_pk(&m.contact))),
        (
            "sk".to_owned(),
            s(message_sk(m.timestamp, m.wamid.as_str())),
        ),
        ("type".to_owned(), s("message")),
        ("direction".to_owned(), s(m.direction.as_str())),
        ("message_type".to_owned(), s(&m.message_type)),
        ("wamid".to_owned(), s(m.wamid.as_str())),
        ("ts".to_owned(), n(m.timestamp)),
        ("waba_id".to_owned(), s(record.from.waba_id)),
        ("content".to_owned(), s(m.raw.get())),
        (WEBHOOK_REQUEST.to_owned(), webhook_log(record.from.request)),
        ("stored_at".to_owned(), n(now_secs())),
        ("expires_at".to_owned(), n(record.expires_at)),
        (ORIGIN.to_owned(), s(record.from.origin)),
    ]);
    if let Some(p) = record.from.phone_number_id {
        item.insert("phone_number_id".into(), s(p.as_str()));
    }
    // The typed content (text, caption, media, location…) and its context
    // (reply_to, forwarded, group_id, referral), beside the raw element.
    item.extend(super::content::received(m));
    item
}
