//! BatchWriteItem with DynamoDB's unprocessed items sent again: the one
//! loop behind every bulk write (the template sync's puts, erasure's
//! deletes), so the retry policy lives in one place.

use aws_sdk_dynamodb::types::WriteRequest;

use super::attrs::store_error;
use super::DynamoStore;
use crate::ports::{Retry, StoreError};

/// At most 25 requests per BatchWriteItem (DynamoDB's limit).
pub(super) const BATCH_MAX: usize = 25;

impl DynamoStore {
    /// Writes `requests` (at most [`BATCH_MAX`]), sending what DynamoDB left
    /// unprocessed again with a growing pause, up to 8 attempts; what is
    /// still unprocessed then is a retryable error named `operation`.
    pub(super) async fn batch_write(
        &self,
        mut requests: Vec<WriteRequest>,
        operation: &'static str,
    ) -> Result<(), StoreError> {
        for attempt in 0..8 {
            if requests.is_empty() {
                break;
            }
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            let out = self
                .client
                .batch_write_item()
                .request_items(&self.table, std::mem::take(&mut requests))
                .send()
                .await
                .map_err(|e| store_error(operation, e))?;
            requests = out
                .unprocessed_items
                .unwrap_or_default()
                .remove(&self.table)
                .unwrap_or_default();
        }
        if requests.is_empty() {
            return Ok(());
        }
        Err(StoreError {
            operation,
            message: format!("{} requests still unprocessed", requests.len()),
            retry: Retry::Retryable,
        })
    }
}
