//! The events and automated replies that stored facts owe, and their
//! publishing. A repeat keeps its `event_id` and idempotency key, so
//! downstream drops it.

use shared::domain::events::Event;
use shared::domain::media::MediaJob;
use shared::domain::outbound::AutoReply;
use shared::ports::media::MediaJobs;
use shared::ports::{CommandQueue, EventSink};
use shared::telemetry::Metrics;

use crate::error::IngestError;

/// What one queue record's owed effects produce. The handler publishes the
/// outboxes of a whole invocation together ([`publish`]): SQS bills per
/// request of up to 10 messages, so one record's single event alone would
/// pay for a full request.
#[derive(Default)]
pub struct Outbox {
    pub(crate) events: Vec<Event>,
    pub(crate) commands: Vec<AutoReply>,
    /// Files to copy to the media bucket.
    pub(crate) media: Vec<MediaJob>,
}

/// Puts the automated replies, the media jobs, then the events, of the outboxes on their
/// queues. All or nothing as far as the caller knows: on an error each of
/// these records is retried, and its effects repeat with the same event ids
/// and idempotency keys, which downstream drops.
pub async fn publish<'o, E: EventSink, Q: CommandQueue, M: MediaJobs>(
    events: &E,
    commands: &Q,
    media: &M,
    outboxes: impl IntoIterator<Item = &'o Outbox>,
    metrics: &mut Metrics,
) -> Result<(), IngestError> {
    let mut all = Outbox::default();
    for out in outboxes {
        all.events.extend(out.events.iter().cloned());
        all.commands.extend(out.commands.iter().cloned());
        all.media.extend(out.media.iter().cloned());
    }
    commands
        .submit(all.commands.iter().map(AutoReply::to_json).collect())
        .await?;
    media.enqueue(&all.media).await?;
    events.publish(&all.events).await?;
    for e in &all.events {
        metrics.count("EventsPublished", "Type", e.kind.metric_label(), 1);
    }
    Ok(())
}
