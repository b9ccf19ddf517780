//! What a stored fact sets off: events for internal systems, and the
//! automation (opt-out keywords, flood guard, the business's rules). They run
//! for the queue record that stored the fact, and again if SQS redelivers
//! that record (`WriteOutcome::Retried`), never for Meta's redeliveries. A
//! repeat keeps its `event_id` and idempotency key, so downstream drops it.

use std::collections::HashMap;

use shared::domain::ids::ContactKey;
use shared::domain::inbound::{Direction, Update};
use shared::domain::queued::QueuedBatch;
use shared::ports::automation::ContactState;
use shared::telemetry::Metrics;

use crate::contact_states::{is_restricted, Owed};
use crate::error::IngestError;
use crate::events::{received_event, status_event};
use crate::flood::flood_check;
use crate::media::media_job;
use crate::optout;
use crate::outbox::Outbox;
use crate::processor::{Processor, ProcessorPorts};
use crate::rules::automate;

pub async fn run<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    owed: &Owed<'_>,
    states: &HashMap<ContactKey, ContactState>,
    now: i64,
    metrics: &mut Metrics,
) -> Result<Outbox, IngestError> {
    let mut out = Outbox::default();
    let flooded = flood_check(p, batch, owed, states, now, &mut out, metrics).await?;
    let with_text = p
        .automation
        .as_ref()
        .is_some_and(|a| a.settings.include_message_text);
    // The messages' own expiry (ingest stored them with it): their files
    // go with them.
    let expires_at = p
        .retention
        .expires_at(batch.request.received_at_ms.div_euclid(1000));
    for (change, update) in owed {
        let number = change.phone_number_id.as_ref();
        match update {
            Update::Message(m) => {
                // A customer's file (or an echo's) is copied to the bucket;
                // a restricted contact's is not: the copy announces itself.
                if !is_restricted(states, &m.contact) {
                    out.media.extend(media_job(m, number, expires_at));
                }
                // Restricted (GDPR Art. 18): stored, and not announced.
                if m.direction == Direction::Inbound && !is_restricted(states, &m.contact) {
                    out.events
                        .push(received_event(m, number, states.get(&m.contact), with_text));
                }
                // STOP / START are a legal duty, not an automation feature:
                // applied whatever the rules, blocklist, hand-off or flood.
                let keyword = m.direction == Direction::Inbound
                    && optout::apply(
                        p,
                        batch,
                        m,
                        number,
                        flooded.contains(&m.contact),
                        now,
                        &mut out,
                        metrics,
                    )
                    .await?;
                if m.direction == Direction::Inbound && !keyword && !flooded.contains(&m.contact) {
                    automate(
                        p,
                        batch,
                        m,
                        number,
                        states.get(&m.contact),
                        now,
                        &mut out,
                        metrics,
                    )
                    .await?;
                }
            }
            Update::Status(s) => {
                out.events.push(status_event(s, number));
            }
            Update::Consent(c) => {
                if let Some(e) = optout::meta_preference(p, c, number, now).await? {
                    out.events.push(e);
                }
            }
            Update::Diagnostic(_) => {}
            Update::Health(h) => {
                out.events.push(crate::health::announce(h, batch, metrics));
                crate::health::follow(p, h, metrics).await?;
            }
        }
    }
    Ok(out)
}
