//! The inbound queue on SQS. Bodies are sent with `SendMessageBatch` in
//! groups that respect both SQS limits (10 entries, 256 KiB per request),
//! the groups concurrently, so a 3 MB webhook is acknowledged quickly.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use aws_sdk_sqs::Client;
use tokio::task::JoinSet;

use crate::ports::{InboundQueue, QueueError, Retry};

pub const MAX_BATCH_ENTRIES: usize = 10;
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct SqsQueue {
    client: Client,
    queue_url: String,
}

impl SqsQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

/// Groups bodies into requests within SQS's batch limits, keeping order.
pub fn group_for_batches(bodies: Vec<String>) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut size = 0;
    for body in bodies {
        let full = groups
            .last()
            .is_none_or(|g| g.len() == MAX_BATCH_ENTRIES || size + body.len() > MAX_REQUEST_BYTES);
        if full {
            groups.push(Vec::new());
            size = 0;
        }
        size += body.len();
        groups.last_mut().expect("pushed above").push(body);
    }
    groups
}

impl InboundQueue for SqsQueue {
    async fn enqueue(&self, bodies: Vec<String>) -> Result<(), QueueError> {
        let mut tasks = JoinSet::new();
        for group in group_for_batches(bodies) {
            let (client, url) = (self.client.clone(), self.queue_url.clone());
            tasks.spawn(async move { send_group(&client, &url, group).await });
        }
        let mut first_error = None;
        while let Some(joined) = tasks.join_next().await {
            let result = joined.unwrap_or_else(|e| {
                Err(QueueError {
                    message: format!("send task failed: {e}"),
                    retry: Retry::Retryable,
                })
            });
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Sends one group; entries SQS reports as failed are tried once more.
async fn send_group(client: &Client, url: &str, group: Vec<String>) -> Result<(), QueueError> {
    let mut pending: Vec<(usize, String)> = group.into_iter().enumerate().collect();
    for attempt in 0..2 {
        let entries = pending
            .iter()
            .map(|(i, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .expect("id and body are set")
            })
            .collect::<Vec<_>>();
        let out = client
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| QueueError {
                message: aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
                retry: Retry::Retryable,
            })?;
        let failed: Vec<String> = out.failed.iter().map(|f| f.id.clone()).collect();
        if failed.is_empty() {
            return Ok(());
        }
        if attempt == 1 {
            let codes: Vec<&str> = out.failed.iter().map(|f| f.code.as_str()).collect();
            return Err(QueueError {
                message: format!("{} entries refused by SQS: {codes:?}", failed.len()),
                retry: Retry::Retryable,
            });
        }
        pending.retain(|(i, _)| failed.contains(&i.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_hold_at_most_ten_entries() {
        let groups = group_for_batches(vec!["x".to_owned(); 23]);
        assert_eq!(
            groups.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![10, 10, 3]
        );
    }

    #[test]
    fn groups_stay_under_the_request_size_limit() {
        let big = "y".repeat(100 * 1024);
        let groups = group_for_batches(vec![big.clone(), big.clone(), big.clone()]);
        assert_eq!(groups.len(), 2);
        assert!(groups
            .iter()
            .all(|g| g.iter().map(String::len).sum::<usize>() <= MAX_REQUEST_BYTES));
    }
}

/// Delays the next delivery of a received message (exponential backoff
/// through the visibility timeout instead of sleeping in the function).
#[derive(Clone)]
pub struct SqsRedelivery {
    client: Client,
    queue_url: String,
}

impl SqsRedelivery {
    pub fn new(client: Client, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

impl crate::ports::sending::Redelivery for SqsRedelivery {
    async fn retry_after(
        &self,
        receipt_handle: &str,
        seconds: u32,
    ) -> Result<(), crate::ports::StoreError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt_handle)
            .visibility_timeout(i32::try_from(seconds.min(43_200)).unwrap_or(43_200))
            .send()
            .await
            .map(drop)
            .map_err(|e| crate::ports::StoreError {
                operation: "change message visibility",
                message: aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
                retry: Retry::Retryable,
            })
    }
}

impl crate::ports::EventSink for SqsQueue {
    async fn publish(&self, events: &[crate::domain::events::Event]) -> Result<(), QueueError> {
        if events.is_empty() {
            return Ok(());
        }
        let bodies = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("events serialise"))
            .collect();
        self.enqueue(bodies).await
    }
}

impl crate::ports::CommandQueue for SqsQueue {
    async fn submit(&self, commands: Vec<String>) -> Result<(), QueueError> {
        if commands.is_empty() {
            return Ok(());
        }
        self.enqueue(commands).await
    }
}

impl crate::ports::media::MediaJobs for SqsQueue {
    async fn enqueue(&self, jobs: &[crate::domain::media::MediaJob]) -> Result<(), QueueError> {
        if jobs.is_empty() {
            return Ok(());
        }
        InboundQueue::enqueue(self, jobs.iter().map(|j| j.to_json()).collect()).await
    }
}
