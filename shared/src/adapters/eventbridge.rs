//! Events on an EventBridge bus (issue #17, docs/contracts/events): each
//! event one entry, `Source` the deployment's `EventSource`, `DetailType`
//! the event's `type`, `Detail` the event's JSON unchanged (its schema
//! still holds). Entries go out with `PutEvents` in requests within
//! EventBridge's limits (10 entries, 256 KB); entries the bus refuses
//! (`FailedEntryCount`) are sent again, and an event still refused fails
//! the publish, so the queue record that owes it is retried: once per fact
//! by `event_id`, nothing lost.

use std::time::Duration;

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use aws_sdk_eventbridge::Client;

use crate::domain::events::Event;
use crate::ports::{EventSink, QueueError, Retry};

/// EventBridge's limits on one `PutEvents` request.
pub const MAX_ENTRIES: usize = 10;
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;
/// Attempts of the entries the bus refused, the first included.
const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct EventBus {
    client: Client,
    bus_name: String,
    source: String,
}

impl EventBus {
    /// The bus `config` names, on a client of `sdk`.
    pub fn from_config(
        sdk: &aws_config::SdkConfig,
        config: &crate::config::EventBusConfig,
    ) -> Self {
        Self::new(Client::new(sdk), &config.bus_name, &config.source)
    }

    pub fn new(client: Client, bus_name: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            client,
            bus_name: bus_name.into(),
            source: source.into(),
        }
    }
}

/// An entry's size as EventBridge counts it: source, detail type and
/// detail in UTF-8 bytes (no time, no resources are set).
pub fn entry_size(source: &str, detail_type: &str, detail: &str) -> usize {
    source.len() + detail_type.len() + detail.len()
}

/// Splits entries of these sizes into requests within the limits, keeping
/// their order; an entry larger than a whole request is in none, and its
/// index is returned apart.
pub fn plan_requests(sizes: &[usize]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut requests: Vec<Vec<usize>> = Vec::new();
    let mut oversized = Vec::new();
    let mut bytes = 0;
    for (i, &size) in sizes.iter().enumerate() {
        if size > MAX_REQUEST_BYTES {
            oversized.push(i);
            continue;
        }
        let full = requests
            .last()
            .is_none_or(|r| r.len() == MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES);
        if full {
            requests.push(Vec::new());
            bytes = 0;
        }
        bytes += size;
        requests.last_mut().expect("pushed above").push(i);
    }
    (requests, oversized)
}

impl EventBus {
    fn entry(&self, event: &Event, detail: String) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus_name)
            .source(&self.source)
            .detail_type(event.kind.as_str())
            .detail(detail)
            .build()
    }

    /// One request, its refused entries sent again; `Err` names how many
    /// were still refused after the last attempt.
    async fn put(&self, mut entries: Vec<PutEventsRequestEntry>) -> Result<(), QueueError> {
        for attempt in 1..=ATTEMPTS {
            let out = self
                .client
                .put_events()
                .set_entries(Some(entries.clone()))
                .send()
                .await
                .map_err(|e| QueueError {
                    message: format!(
                        "PutEvents: {}",
                        aws_sdk_eventbridge::error::DisplayErrorContext(e)
                    ),
                    retry: Retry::Retryable,
                })?;
            if out.failed_entry_count == 0 {
                return Ok(());
            }
            // Results come in the order of the entries; a failed one has an
            // error code and no event id.
            let results = out.entries.unwrap_or_default();
            let codes: Vec<String> = results
                .iter()
                .filter_map(|r| r.error_code.clone())
                .collect();
            entries = entries
                .into_iter()
                .zip(results.iter().map(|r| r.error_code.is_some()))
                .filter_map(|(entry, failed)| failed.then_some(entry))
                .collect();
            tracing::warn!(attempt, refused = entries.len(), codes = ?codes, "the bus refused events");
            if attempt == ATTEMPTS || entries.is_empty() {
                return Err(QueueError {
                    message: format!(
                        "PutEvents: {} entries refused after {ATTEMPTS} attempts ({codes:?})",
                        out.failed_entry_count
                    ),
                    retry: Retry::Retryable,
                });
            }
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
        }
        Ok(())
    }
}

impl EventSink for EventBus {
    async fn publish(&self, events: &[Event]) -> Result<(), QueueError> {
        if events.is_empty() {
            return Ok(());
        }
        let details: Vec<String> = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("events serialise"))
            .collect();
        let sizes: Vec<usize> = events
            .iter()
            .zip(&details)
            .map(|(e, d)| entry_size(&self.source, e.kind.as_str(), d))
            .collect();
        let (requests, oversized) = plan_requests(&sizes);
        // Never a poison record: an event no bus takes is refused alone,
        // logged by type and id (never its content); the others go.
        for &i in &oversized {
            tracing::error!(event_type = events[i].kind.as_str(), event_id = %events[i].event_id, bytes = sizes[i], "event larger than EventBridge takes: refused");
        }
        let mut details: Vec<Option<String>> = details.into_iter().map(Some).collect();
        for request in requests {
            let entries = request
                .iter()
                .map(|&i| self.entry(&events[i], details[i].take().expect("each once")))
                .collect();
            self.put(entries).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_hold_at_most_ten_entries_and_256_kb_in_order() {
        let (requests, oversized) = plan_requests(&[1; 23]);
        assert_eq!(
            requests.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![10, 10, 3]
        );
        assert_eq!(requests[2], vec![20, 21, 22]);
        assert!(oversized.is_empty());
        let big = 100 * 1024;
        let (requests, _) = plan_requests(&[big, big, big, 1]);
        assert_eq!(requests, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn an_entry_larger_than_a_request_is_set_apart_and_the_others_go() {
        let (requests, oversized) = plan_requests(&[5, MAX_REQUEST_BYTES + 1, 7]);
        assert_eq!(requests, vec![vec![0, 2]]);
        assert_eq!(oversized, vec![1]);
        assert_eq!(entry_size("jum", "message.received", "{}"), 21);
    }
}
