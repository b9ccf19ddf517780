//! Account and number health facts (docs/account-health.md): one item per
//! distinct value per business number, written with one conditional put,
//! which is also the dedup.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::attrs::{
    is_conditional_failure, n, s, store_error, stored_by_same_record, webhook_log, Item,
    LEGACY_EFFECTS_FLAG, WEBHOOK_REQUEST,
};
use super::keys::{health_pk, health_sk};
use super::messages::ORIGIN;
use super::DynamoStore;
use crate::domain::account::REDELIVERY_WINDOW_MS;
use crate::domain::records::WriteOutcome;
use crate::ports::health::{HealthRecord, HealthStore};
use crate::ports::StoreError;

const RECEIVED_AT_MS: &str = "received_at_ms";

impl HealthStore for DynamoStore {
    async fn put_health(&self, record: HealthRecord<'_>) -> Result<WriteOutcome, StoreError> {
        let received = record.from.request.received_at_ms;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(health_item(&record)))
            // A value stored longer ago than Meta retries is a new fact: the
            // item is overwritten and its effects are owed again.
            .condition_expression("attribute_not_exists(pk) OR #at < :horizon")
            .expression_attribute_names("#at", RECEIVED_AT_MS)
            .expression_attribute_values(":horizon", n(received - REDELIVERY_WINDOW_MS))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(WriteOutcome::Created),
            Err(e) if is_conditional_failure(&e) => {
                let old = match e.into_service_error() {
                    aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(c) => c.item,
                    _ => None,
                };
                Ok(
                    // LEGACY_EFFECTS_FLAG is never on a health item: only the origin decides.
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
            Err(e) => Err(store_error("put health", e)),
        }
    }
}

fn health_item(record: &HealthRecord<'_>) -> Item {
    let c = record.change;
    let req = record.from.request;
    let mut item = HashMap::from([
        (
            "pk".to_owned(),
            s(health_pk(&c.waba_id, c.display_number())),
        ),
        (
            "sk".to_owned(),
            s(health_sk(c.field.as_str(), &c.fingerprint)),
        ),
        ("type".to_owned(), s("health")),
        ("field".to_owned(), s(c.field.as_str())),
        ("kind".to_owned(), s(c.kind().as_str())),
        ("event".to_owned(), s(c.headline())),
        ("waba_id".to_owned(), s(&c.waba_id)),
        (
            "fact".to_owned(),
            s(serde_json::to_string(&c.fact).unwrap_or_default()),
        ),
        ("content".to_owned(), s(&c.raw)),
        (RECEIVED_AT_MS.to_owned(), n(req.received_at_ms)),
        (ORIGIN.to_owned(), s(record.from.origin)),
        (WEBHOOK_REQUEST.to_owned(), webhook_log(req)),
        ("expires_at".to_owned(), n(record.expires_at)),
    ]);
    if let Some(number) = c.display_number() {
        item.insert("display_phone_number".into(), s(number));
    }
    if !c.unknown_fields.is_empty() {
        item.insert(
            "unknown_fields".into(),
            AttributeValue::L(c.unknown_fields.iter().map(s).collect()),
        );
    }
    if let Some(alarm) = c.alarm() {
        item.insert("alarm".into(), s(alarm.as_str()));
    }
    item
}
