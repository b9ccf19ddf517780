//! Storing one queued batch. Every write is idempotent (conditional puts,
//! monotonic updates, stable keys), so a retry after a partial failure
//! converges to the same state and never duplicates.

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use shared::domain::ids::ContactKey;
use shared::domain::inbound::{
    parse_change, Direction, MessageContent, ParsedChange, SystemEvent, Update,
};
use shared::domain::queued::QueuedBatch;
use shared::domain::records::{
    ConsentRecord, ContactTouch, DiagnosticRecord, MessageRecord, NumberChange, Provenance,
    StatusOutcome, StatusRecord, WriteOutcome,
};
use shared::ports::automation::AutomationStore;
use shared::ports::{Clock, ContactStore, DiagnosticStore, MessageStore};
use shared::telemetry::Metrics;

use tracing::Instrument;

use crate::contact_states::{contact_states, is_news};
use crate::effects;
use crate::error::IngestError;
use crate::outbox::Outbox;
use crate::processor::{Processor, ProcessorPorts};

fn dedup_key(update: &Update) -> Option<String> {
    match update {
        Update::Message(m) => Some(format!("m{}", m.wamid)),
        Update::Status(s) => Some(format!("s{}|{}", s.wamid, s.status.as_str())),
        Update::Consent(c) => Some(format!(
            "c{}|{}|{}",
            c.contact.storage_id(),
            c.timestamp,
            c.value
        )),
        Update::Diagnostic(_) => None,
        Update::Health(h) => Some(format!("h{}", h.fingerprint)),
    }
}

/// Writes in flight at once for one record: enough to hide DynamoDB latency
/// for a 100-update slice, few enough not to trip throttling.
const CONCURRENT_WRITES: usize = 16;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Done {
    Message(&'static str, WriteOutcome),
    Status(StatusOutcome),
    Consent(WriteOutcome),
    Diagnostic,
    Health(WriteOutcome),
}

/// Stores one queue record and works out its effects, which the caller
/// publishes with the rest of the invocation's.
pub async fn ingest<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    metrics: &mut Metrics,
) -> Result<Outbox, IngestError> {
    // Template webhooks change the template store at once; the change is
    // still stored as a diagnostic below, as before.
    crate::templates::apply(p, batch, metrics).await?;
    let received_secs = batch.request.received_at_ms.div_euclid(1000);
    let expires_at = p.retention.expires_at(received_secs);
    let parsed: Vec<ParsedChange> = batch.changes.iter().map(parse_change).collect();
    let origin = batch.origin();
    let mut jobs = Vec::new();
    // The same update twice in one batch (Meta does send that) is written
    // once: concurrent conditional writes of one key need not both lose.
    let mut seen = std::collections::HashSet::new();
    for (ci, change) in parsed.iter().enumerate() {
        let from = Provenance {
            waba_id: &change.waba_id,
            phone_number_id: change.phone_number_id.as_ref(),
            request: &batch.request,
            origin: &origin,
        };
        for (ui, update) in change.updates.iter().enumerate() {
            if let Some(key) = dedup_key(update) {
                if !seen.insert(key) {
                    continue;
                }
            }
            jobs.push((ci * 10_000 + ui, change, from, update));
        }
    }
    let outcomes: Vec<(Done, &ParsedChange, &Update)> =
        stream::iter(jobs.into_iter().map(|(index, change, from, update)| {
            let span = update_span(update);
            async move {
                let done = store(p, batch, index, change, from, update, expires_at).await?;
                tracing::info!(outcome = done.label(), "update handled");
                Ok::<_, IngestError>((done, change, update))
            }
            .instrument(span)
        }))
        .buffer_unordered(CONCURRENT_WRITES)
        .try_collect()
        .await?;
    let done: Vec<Done> = outcomes.iter().map(|(d, _, _)| *d).collect();
    count(&done, metrics);
    let owed: Vec<(&ParsedChange, &Update)> = outcomes
        .iter()
        .filter(|(d, _, _)| d.needs_effects())
        .map(|(_, c, u)| (*c, *u))
        .collect();
    let now = p.clock.now_secs();
    // Read before the touch below, so a contact stored before `first_wamid`
    // was recorded is known as such (it never gets a first message).
    let mut states = contact_states(p, &owed, now).await?;
    // Contacts are touched after their messages, and on every attempt that
    // stored (or owes the effects of) one of their messages; a retry after
    // a failure here finds the messages stored and still updates them. Only
    // when the message brings news (contact_states::is_news): the window is
    // read from the messages themselves, not from the profile.
    for touch in contact_touches(&parsed, now, p.retention.expires_at(now)) {
        let Some(state) = states.get_mut(&touch.contact) else {
            continue;
        };
        if !is_news(&touch, state) {
            continue;
        }
        let created = !state.exists;
        let written = p.contacts.touch(&touch).await?;
        if created {
            // Which message created it: batches processed at the same time
            // may each have found it absent. The write says, or a read does.
            *state = match written {
                Some(state) => state,
                None => {
                    p.automation_store
                        .contact_state(&touch.contact, now)
                        .await?
                }
            };
        }
    }
    for change in number_changes(&parsed, now, p.retention.expires_at(now)) {
        p.contacts.link_number_change(&change).await?;
    }
    let out = effects::run(p, batch, &owed, &states, now, metrics).await?;
    metrics.max_ms(
        "ProcessingLatencyMs",
        (p.clock.now_ms() - batch.request.received_at_ms).max(0) as f64,
    );
    Ok(out)
}

async fn store<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    index: usize,
    change: &ParsedChange,
    from: Provenance<'_>,
    update: &Update,
    expires_at: i64,
) -> Result<Done, IngestError> {
    Ok(match update {
        Update::Message(m) => Done::Message(
            m.direction.as_str(),
            p.messages
                .put_message(MessageRecord {
                    message: m,
                    from,
                    expires_at,
                })
                .await?,
        ),
        Update::Status(s) => Done::Status(
            p.messages
                .apply_status(StatusRecord {
                    status: s,
                    from,
                    expires_at,
                })
                .await?,
        ),
        Update::Consent(c) => Done::Consent(
            p.contacts
                .apply_consent(ConsentRecord {
                    change: c,
                    source: "user_preferences",
                    origin: from.origin,
                    expires_at,
                })
                .await?,
        ),
        Update::Diagnostic(d) => {
            p.diagnostics
                .put_diagnostic(DiagnosticRecord {
                    kind: d.kind,
                    field: &change.field,
                    part: batch.part,
                    index,
                    raw: &d.raw,
                    from,
                    expires_at,
                })
                .await?;
            Done::Diagnostic
        }
        Update::Health(h) => Done::Health(crate::health::store(p, h, from, expires_at).await?),
    })
}

/// Log fields for one update: a wamid reference and a masked number, never
/// content (a wamid itself encodes the number).
fn update_span(update: &Update) -> tracing::Span {
    match update {
        Update::Message(m) => {
            tracing::info_span!("update", kind = "message", wamid_ref = %m.wamid.log_ref(), contact = %m.contact.masked(), message_type = %m.message_type)
        }
        Update::Status(s) => {
            tracing::info_span!("update", kind = "status", wamid_ref = %s.wamid.log_ref(), contact = %s.contact.masked(), status = s.status.as_str())
        }
        Update::Consent(c) => {
            tracing::info_span!("update", kind = "consent", contact = %c.contact.masked(), value = %c.value)
        }
        Update::Diagnostic(d) => {
            tracing::info_span!("update", kind = "diagnostic", diagnostic = d.kind.as_str())
        }
        Update::Health(h) => {
            tracing::info_span!("update", kind = "health", field = h.field.as_str(), event = %h.headline())
        }
    }
}

impl Done {
    fn needs_effects(self) -> bool {
        match self {
            Self::Message(_, o) | Self::Consent(o) | Self::Health(o) => o.needs_effects(),
            Self::Status(o) => o.needs_effects(),
            Self::Diagnostic => false,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::Message(_, WriteOutcome::Created)
            | Self::Consent(WriteOutcome::Created)
            | Self::Health(WriteOutcome::Created) => "stored",
            Self::Status(StatusOutcome::Advanced) => "advanced",
            Self::Status(StatusOutcome::Recorded) => "recorded_behind_a_later_status",
            Self::Diagnostic => "stored",
            _ => "duplicate_skipped",
        }
    }
}

fn count(outcomes: &[Done], metrics: &mut Metrics) {
    for done in outcomes {
        let (kind, created) = match done {
            Done::Message(direction, o) => (
                if *direction == "in" {
                    "message"
                } else {
                    "echo"
                },
                *o == WriteOutcome::Created,
            ),
            Done::Status(o) => ("status", *o != StatusOutcome::Duplicate),
            Done::Consent(o) => ("consent", *o == WriteOutcome::Created),
            Done::Diagnostic => ("diagnostic", true),
            Done::Health(o) => ("health", *o == WriteOutcome::Created),
        };
        let metric = if created {
            "UpdatesStored"
        } else {
            "DuplicatesSkipped"
        };
        metrics.count(metric, "Kind", kind, 1);
    }
}

/// One touch per contact per batch: the newest inbound time and the profile
/// Meta sent with it. Coalescing saves a write per extra message.
fn contact_touches(parsed: &[ParsedChange], now: i64, expires_at: i64) -> Vec<ContactTouch> {
    // Each touch with the timestamp of its `first_wamid`, the contact's
    // earliest message in these changes.
    let mut touches: BTreeMap<ContactKey, (ContactTouch, i64)> = BTreeMap::new();
    for change in parsed {
        for update in &change.updates {
            let Update::Message(m) = update else { continue };
            // Only what the customer wrote opens the 24-hour window; a system
            // notice (number or identity change) does not.
            if m.direction != Direction::Inbound || matches!(m.content, MessageContent::System(_)) {
                continue;
            }
            let profile = change.profiles.iter().find(|p| p.contact == m.contact);
            let (touch, first_at) = touches.entry(m.contact.clone()).or_insert_with(|| {
                let touch = ContactTouch {
                    contact: m.contact.clone(),
                    profile_name: None,
                    username: None,
                    phone_number_id: None,
                    last_inbound_at: None,
                    seen_at: now,
                    first_wamid: None,
                    expires_at,
                };
                (touch, m.timestamp)
            });
            if touch.first_wamid.is_none() || m.timestamp < *first_at {
                *first_at = m.timestamp;
                touch.first_wamid = Some(m.wamid.as_str().to_owned());
            }
            if touch.last_inbound_at.is_none_or(|t| m.timestamp >= t) {
                touch.last_inbound_at = Some(m.timestamp);
                touch.phone_number_id = change
                    .phone_number_id
                    .clone()
                    .or(touch.phone_number_id.take());
                if let Some(p) = profile {
                    touch.profile_name = p.name.clone().or(touch.profile_name.take());
                    touch.username = p.username.clone().or(touch.username.take());
                }
            }
        }
    }
    touches.into_values().map(|(touch, _)| touch).collect()
}

fn number_changes(parsed: &[ParsedChange], now: i64, expires_at: i64) -> Vec<NumberChange> {
    parsed
        .iter()
        .flat_map(|c| &c.updates)
        .filter_map(|u| match u {
            Update::Message(m) => match &m.content {
                MessageContent::System(SystemEvent::NumberChanged {
                    new_wa_id: Some(new),
                }) => Some(NumberChange {
                    old: m.contact.clone(),
                    new: new.clone(),
                    at: if m.timestamp > 0 { m.timestamp } else { now },
                    expires_at,
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}
