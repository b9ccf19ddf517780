//! The SQS event-source mapping as the tests play it: batches received,
//! handed to a handler, successes deleted, failures made visible again.

use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};

use crate::world::{LocalProcessor, World};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drain {
    pub delivered: usize,
    pub failed: usize,
}

impl World {
    /// A standard queue of an internal system (named after the stack, so
    /// runs do not meet): its URL and ARN, to subscribe it to the bus.
    pub async fn system_queue(&self, name: &str) -> (String, String) {
        use aws_sdk_sqs::types::QueueAttributeName::QueueArn;
        let url = self
            .sqs
            .create_queue()
            .queue_name(format!("{}-{name}", self.stack_name))
            .send()
            .await
            .expect("queue")
            .queue_url
            .expect("url");
        let arn = self
            .sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueArn)
            .send()
            .await
            .expect("attributes")
            .attributes
            .and_then(|a| a.get(&QueueArn).cloned())
            .expect("arn");
        (url, arn)
    }

    /// Plays the SQS event-source mapping until the inbound queue is empty:
    /// batches of up to 10, successes deleted, failures made visible again at
    /// once (as if their visibility timeout had passed), so a poison record
    /// is received until SQS moves it to the DLQ.
    pub async fn drain(&self, processor: &LocalProcessor) -> Drain {
        self.drain_queue(&self.inbound_url.clone(), true, |event| {
            processor.handle(event)
        })
        .await
    }

    /// Plays the event-source mapping for `url`, handing each batch to
    /// `handle`. `reset_failed`: failed records come back at once.
    pub async fn drain_queue<F, Fut, E>(&self, url: &str, reset_failed: bool, handle: F) -> Drain
    where
        F: Fn(SqsEvent) -> Fut,
        Fut: std::future::Future<
            Output = Result<aws_lambda_events::event::sqs::SqsBatchResponse, E>,
        >,
        E: std::fmt::Debug,
    {
        let mut totals = Drain::default();
        let mut idle_rounds = 0;
        for _ in 0..400 {
            let messages = self.receive_batch(url).await;
            if messages.is_empty() {
                // Retries may be waiting out a short visibility timeout.
                if reset_failed || self.queue_depth(url).await == 0 || idle_rounds > 50 {
                    return totals;
                }
                idle_rounds += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            idle_rounds = 0;
            let response = handle(sqs_event(&messages))
                .await
                .expect("the handler answers");
            let failed: Vec<&str> = response
                .batch_item_failures
                .iter()
                .map(|f| f.item_identifier.as_str())
                .collect();
            // Successes are deleted in one request, as the event-source mapping does.
            let mut succeeded = Vec::new();
            for m in &messages {
                if failed.contains(&m.message_id.as_deref().unwrap_or_default()) {
                    totals.failed += 1;
                    if reset_failed {
                        self.sqs
                            .change_message_visibility()
                            .queue_url(url)
                            .receipt_handle(m.receipt_handle().unwrap_or_default())
                            .visibility_timeout(0)
                            .send()
                            .await
                            .expect("change visibility");
                    }
                } else {
                    totals.delivered += 1;
                    succeeded.push(m);
                }
            }
            let refused = self.delete_batch(url, succeeded).await;
            assert!(refused.is_empty(), "deletes failed: {refused:?}");
        }
        panic!("the queue did not drain");
    }

    /// Deletes received messages in one request (none: no request), and
    /// gives back the entries SQS refused.
    pub async fn delete_batch<'a>(
        &self,
        url: &str,
        messages: impl IntoIterator<Item = &'a aws_sdk_sqs::types::Message>,
    ) -> Vec<aws_sdk_sqs::types::BatchResultErrorEntry> {
        let entries: Vec<DeleteMessageBatchRequestEntry> = messages
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle().unwrap_or_default())
                    .build()
                    .expect("id and handle are set")
            })
            .collect();
        if entries.is_empty() {
            return Vec::new();
        }
        self.sqs
            .delete_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .expect("delete from moto")
            .failed
    }

    /// Up to 10 messages, as the event-source mapping receives them.
    pub async fn receive_batch(&self, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
        self.sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("receive from moto")
            .messages
            .unwrap_or_default()
    }

    pub async fn queue_depth(&self, url: &str) -> usize {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(
                aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            )
            .send()
            .await
            .expect("queue attributes");
        out.attributes
            .unwrap_or_default()
            .values()
            .map(|v| v.parse::<usize>().unwrap_or(0))
            .sum()
    }
}

/// Received SQS messages as the event-source mapping hands them to Lambda.
pub(crate) fn sqs_event(messages: &[aws_sdk_sqs::types::Message]) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = messages.iter().map(sqs_record).collect();
    event
}

fn sqs_record(m: &aws_sdk_sqs::types::Message) -> SqsMessage {
    let mut record = SqsMessage::default();
    record.message_id = m.message_id.clone();
    record.receipt_handle = m.receipt_handle.clone();
    record.body = m.body.clone();
    record.event_source = Some("aws:sqs".into());
    record.attributes = m
        .attributes
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.as_str().to_owned(), v))
        .collect();
    record
}
