//! Erasure of one person: first the diagnostics that mention them (searched
//! day by day within retention: a Query per day, never a Scan), then their
//! partition, in bounded steps.

use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};

use super::attrs::{s, store_error, Item};
use super::keys::{contact_pk, dated_pk, traces_of};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::ports::contacts::DatedLog;
use crate::ports::contacts::{Erased, Eraser};
use crate::ports::StoreError;

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

impl Eraser for DynamoStore {
    async fn erase(
        &self,
        contact: &ContactKey,
        max_items: usize,
        diagnostic_days: &[String],
    ) -> Result<Erased, StoreError> {
        let pk = contact_pk(contact);
        let mut erased = Erased {
            deleted: self
                .erase_diagnostics(contact, &pk, diagnostic_days)
                .await?,
            finished: false,
        };
        let mut left = max_items;
        while left > 0 {
            // Keys only: erasure never needs the content it deletes.
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(&pk))
                .projection_expression("pk, sk")
                .limit(i32::try_from(left.min(100)).unwrap_or(100))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| store_error("query for erasure", e))?;
            let keys = out.items.unwrap_or_default();
            if keys.is_empty() {
                erased.finished = true;
                return Ok(erased);
            }
            let deleted = self.delete_keys(keys).await?;
            erased.deleted += deleted as u64;
            left = left.saturating_sub(deleted);
            if out.last_evaluated_key.is_none() {
                // The page was the rest of the partition, unless a writer raced us.
                erased.finished = self.query_is_empty(&pk).await?;
                if erased.finished {
                    return Ok(erased);
                }
            }
        }
        Ok(erased)
    }
}

impl DynamoStore {
    /// Deletes the diagnostics of `days` that mention the person: their
    /// number or BSUID, or a wamid still in their partition. Matched here:
    /// a filter expression cannot tell a number from the digits of a longer one.
    async fn erase_diagnostics(
        &self,
        contact: &ContactKey,
        pk: &str,
        days: &[String],
    ) -> Result<u64, StoreError> {
        let mut sort_keys = Vec::new();
        self.each_item(pk, "sk", "query for erasure", |item| {
            sort_keys.extend(text(&item, "sk").map(str::to_owned));
        })
        .await?;
        let traces = traces_of(contact, sort_keys.iter().map(String::as_str));
        let mut deleted = 0;
        for day in days {
            let mut found = Vec::new();
            self.each_item(
                &dated_pk(DatedLog::Diagnostics, day),
                "pk, sk, content",
                "query diagnostics for erasure",
                |item| {
                    if text(&item, "content").is_some_and(|c| traces.found_in(c)) {
                        found.push(item);
                    }
                },
            )
            .await?;
            deleted += self.delete_keys(found).await? as u64;
        }
        Ok(deleted)
    }

    /// Every item of partition `pk` (with `projection`), page by page.
    pub(super) async fn each_item(
        &self,
        pk: &str,
        projection: &str,
        operation: &'static str,
        mut f: impl FnMut(Item),
    ) -> Result<(), StoreError> {
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(pk))
                .projection_expression(projection)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| store_error(operation, e))?;
            out.items.unwrap_or_default().into_iter().for_each(&mut f);
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(());
            }
        }
    }

    async fn query_is_empty(&self, pk: &str) -> Result<bool, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .limit(1)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("query for erasure", e))?;
        Ok(out.items.unwrap_or_default().is_empty())
    }

    /// BatchWriteItem deletes in pages of 25, retrying unprocessed ones.
    pub(super) async fn delete_keys(&self, keys: Vec<Item>) -> Result<usize, StoreError> {
        let mut deleted = 0;
        for chunk in keys.chunks(super::batch::BATCH_MAX) {
            let requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|k| {
                    let key: Item = k
                        .iter()
                        .filter(|(name, _)| *name == "pk" || *name == "sk")
                        .map(|(a, b)| (a.clone(), b.clone()))
                        .collect();
                    WriteRequest::builder()
                        .delete_request(
                            DeleteRequest::builder()
                                .set_key(Some(key))
                                .build()
                                .expect("key is set"),
                        )
                        .build()
                })
                .collect();
            self.batch_write(requests, "batch delete").await?;
            deleted += chunk.len();
        }
        Ok(deleted)
    }
}
