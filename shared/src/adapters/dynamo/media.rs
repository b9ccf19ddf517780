//! The media copy's record on the message item: the `media` map the
//! processor wrote (Meta's id, mime type, digest) gains `state`, and once
//! stored `s3_key`, `bytes`, `sha256_ok`, `stored_at`, or else `reason`.
//! The write is conditional: the message must still exist (an erased or
//! expired message keeps no file) and no earlier attempt may have stored it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::attrs::{is_conditional_failure, n, s, store_error, Item};
use super::keys::{contact_pk, message_sk};
use super::DynamoStore;
use crate::domain::media::MediaState;
use crate::ports::media::{MediaRecord, MediaRecords, MessageAt, RecordOutcome};
use crate::ports::StoreError;

const MEDIA: &str = "media";
const STATE: &str = "state";

fn key(at: &MessageAt<'_>) -> [(&'static str, AttributeValue); 2] {
    [
        ("pk", s(contact_pk(at.contact))),
        ("sk", s(message_sk(at.message_ts, at.wamid))),
    ]
}

/// `media.state` of an item (`pending` when the map has none yet).
fn state_of(item: &Item) -> Option<MediaState> {
    let media = item.get(MEDIA).and_then(|m| m.as_m().ok());
    let state = media
        .and_then(|m| m.get(STATE))
        .and_then(|v| v.as_s().ok())
        .and_then(|v| MediaState::parse(v));
    Some(state.unwrap_or(MediaState::Pending))
}

/// The update and its values for one outcome.
fn update(record: &MediaRecord) -> (&'static str, HashMap<String, AttributeValue>) {
    match record {
        MediaRecord::Stored {
            key,
            bytes,
            sha256_ok,
            mime_type: _,
            stored_at,
        } => (
            "SET #m.#st = :state, #m.s3_key = :key, #m.bytes = :bytes, #m.sha256_ok = :ok, \
             #m.stored_at = :at REMOVE #m.reason",
            HashMap::from([
                (":state".to_owned(), s(MediaState::Stored.as_str())),
                (":key".to_owned(), s(key)),
                (":bytes".to_owned(), n(bytes)),
                (":ok".to_owned(), AttributeValue::Bool(*sha256_ok)),
                (":at".to_owned(), n(stored_at)),
            ]),
        ),
        MediaRecord::Unavailable { reason, at } | MediaRecord::Failed { reason, at } => {
            let state = if matches!(record, MediaRecord::Unavailable { .. }) {
                MediaState::Unavailable
            } else {
                MediaState::Failed
            };
            (
                "SET #m.#st = :state, #m.reason = :reason, #m.checked_at = :at",
                HashMap::from([
                    (":state".to_owned(), s(state.as_str())),
                    (":reason".to_owned(), s(reason)),
                    (":at".to_owned(), n(at)),
                ]),
            )
        }
    }
}

impl MediaRecords for DynamoStore {
    async fn media_state(&self, at: &MessageAt<'_>) -> Result<Option<MediaState>, StoreError> {
        let [(pk, pk_value), (sk, sk_value)] = key(at);
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .projection_expression("pk, #m")
            .expression_attribute_names("#m", MEDIA)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read media state", e))?;
        Ok(out.item.as_ref().and_then(state_of))
    }

    async fn record_media(
        &self,
        at: &MessageAt<'_>,
        record: &MediaRecord,
    ) -> Result<RecordOutcome, StoreError> {
        let (expression, mut values) = update(record);
        values.insert(":stored".into(), s(MediaState::Stored.as_str()));
        let [(pk, pk_value), (sk, sk_value)] = key(at);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .update_expression(expression)
            // The message still exists (never recreated by this write) and
            // no earlier attempt stored its file.
            .condition_expression(
                "attribute_exists(pk) AND attribute_exists(#m) \
                 AND (attribute_not_exists(#m.#st) OR #m.#st <> :stored)",
            )
            .expression_attribute_names("#m", MEDIA)
            .expression_attribute_names("#st", STATE)
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(RecordOutcome::Recorded),
            Err(e) if is_conditional_failure(&e) => {
                let old = match e.into_service_error() {
                    aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c) => c.item,
                    _ => None,
                };
                Ok(match old.as_ref().and_then(state_of) {
                    Some(MediaState::Stored) => RecordOutcome::AlreadyStored,
                    // No item (erased, expired), or one without a media map:
                    // nothing to attach a file to.
                    _ => RecordOutcome::MessageGone,
                })
            }
            Err(e) => Err(store_error("record media", e)),
        }
    }
}
