//! What the stored messages say about a contact's recent writing: the
//! newest customer message of the last 24 hours (the sender's window) and
//! how many the customer sent lately (the flood guard). Read from the
//! messages themselves, so that storing a message is its only write: the
//! profile no longer moves on every message (issue #19).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{s, store_error};
use super::keys::{contact_pk, messages_since};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::ports::StoreError;

/// Items read by the first page of the window's read: a conversation's
/// newest messages are mostly the customer's, so one small page usually
/// answers (and RRU are billed per item read).
const FIRST_PAGE: i32 = 10;
/// Items per later page: a business that sent many messages since the
/// customer's last one is paged through in few requests.
const NEXT_PAGE: i32 = 45;
/// At most this many pages: the window's read stops after 100 messages of
/// the last 24 hours, the flood count after 3 MB or so.
const MAX_PAGES: usize = 3;

/// Only what the customer wrote opens the window or counts as flooding;
/// a system notice (a number or identity change) does not.
const CUSTOMER_WROTE: &str = "direction = :in AND message_type <> :system";

impl DynamoStore {
    /// The contact's messages from `since` on that the customer wrote.
    fn customer_messages(
        &self,
        contact: &ContactKey,
        since: i64,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let (from, to) = messages_since(since);
        self.client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .filter_expression(CUSTOMER_WROTE)
            .expression_attribute_values(":pk", s(contact_pk(contact)))
            .expression_attribute_values(":from", s(from))
            .expression_attribute_values(":to", s(to))
            .expression_attribute_values(":in", s("in"))
            .expression_attribute_values(":system", s("system"))
    }

    /// The newest customer message at or after `since` (Unix seconds, Meta's
    /// timestamp, exact to the second). Read eventually consistent first;
    /// when that finds none, strongly consistent, so that a message stored a
    /// moment ago (the one an automated reply answers) is never missed.
    pub(super) async fn last_inbound_since(
        &self,
        contact: &ContactKey,
        since: i64,
    ) -> Result<Option<i64>, StoreError> {
        for consistent in [false, true] {
            let found = self.newest_inbound(contact, since, consistent).await?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    async fn newest_inbound(
        &self,
        contact: &ContactKey,
        since: i64,
        consistent: bool,
    ) -> Result<Option<i64>, StoreError> {
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        for page in 0..MAX_PAGES {
            let out = self
                .customer_messages(contact, since)
                .projection_expression("ts")
                .scan_index_forward(false)
                .limit(if page == 0 { FIRST_PAGE } else { NEXT_PAGE })
                .consistent_read(consistent)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| store_error("read the window", e))?;
            // Newest first: the first match is the answer.
            if let Some(ts) = out
                .items()
                .iter()
                .find_map(|i| i.get("ts")?.as_n().ok()?.parse().ok())
            {
                return Ok(Some(ts));
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(None)
    }

    /// How many messages the customer sent at or after `since`, read
    /// strongly consistent (the flood guard counts the batch just stored).
    pub(super) async fn inbound_count_since(
        &self,
        contact: &ContactKey,
        since: i64,
    ) -> Result<u32, StoreError> {
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        let mut count = 0;
        for _ in 0..MAX_PAGES {
            let out = self
                .customer_messages(contact, since)
                .select(aws_sdk_dynamodb::types::Select::Count)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| store_error("count inbound", e))?;
            count += u32::try_from(out.count).unwrap_or(0);
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        Ok(count)
    }
}
