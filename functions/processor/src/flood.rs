//! The flood guard: a contact who writes too fast gets no automated replies
//! for a while (the rules' answers would feed a bot loop or a spammer).

use std::collections::{HashMap, HashSet};

use shared::domain::events::payloads::AbuseSuspected;
use shared::domain::events::Event;
use shared::domain::ids::ContactKey;
use shared::domain::inbound::{Direction, Update};
use shared::domain::queued::QueuedBatch;
use shared::ports::automation::{AutomationStore, ContactState};
use shared::telemetry::Metrics;

use crate::contact_states::{is_restricted, Owed};
use crate::error::IngestError;
use crate::outbox::Outbox;
use crate::processor::{Processor, ProcessorPorts};

/// Counts each contact's inbound messages of the last `per_seconds` (from
/// the stored messages); a contact over the limit gets no automated replies
/// for a while, and one `abuse.suspected` when the pause starts.
pub(crate) async fn flood_check<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    owed: &Owed<'_>,
    states: &HashMap<ContactKey, ContactState>,
    now: i64,
    out: &mut Outbox,
    metrics: &mut Metrics,
) -> Result<HashSet<ContactKey>, IngestError> {
    let mut flooded = HashSet::new();
    let Some(automation) = &p.automation else {
        return Ok(flooded);
    };
    let limit = automation.settings.flood;
    let mut per_contact: HashMap<&ContactKey, u32> = HashMap::new();
    for (_, u) in owed {
        if let Update::Message(m) = u {
            // A restricted contact gets no automated replies to pause.
            if m.direction == Direction::Inbound && !is_restricted(states, &m.contact) {
                *per_contact.entry(&m.contact).or_default() += 1;
            }
        }
    }
    let window = i64::from(limit.per_seconds);
    // A sliding window over the messages' own times; the event is named by
    // the fixed window it falls in, so that two batches raising it at once
    // raise one fact.
    let since = now - window + 1;
    let window_start = now - now.rem_euclid(window);
    for (contact, n) in per_contact {
        let total = p
            .automation_store
            .count_inbound(contact, since, now, n)
            .await?;
        if total <= limit.max_messages {
            continue;
        }
        flooded.insert(contact.clone());
        let paused = states
            .get(contact)
            .and_then(|s| s.paused_until)
            .is_some_and(|until| until > now);
        if paused {
            continue;
        }
        let until = now + i64::from(limit.pause_minutes) * 60;
        p.automation_store.pause_automation(contact, until).await?;
        tracing::warn!(contact = %contact.masked(), total, "message flood: automated replies paused");
        metrics.count("AbuseSuspected", "Reason", "flood", 1);
        let payload =
            AbuseSuspected::flood(total, limit.per_seconds, until, &batch.request.request_id);
        out.events.push(Event::new(
            &payload,
            &format!("flood|{}|{window_start}", contact.storage_id()),
            now,
            None,
            Some(contact),
        ));
    }
    Ok(flooded)
}
