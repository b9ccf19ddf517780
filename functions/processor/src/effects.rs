//! What a stored fact sets off: events for internal systems, and the
//! automation (opt-out keywords, flood guard, the business's rules). They run
//! for the queue record that stored the fact, and again if SQS redelivers
//! that record (`WriteOutcome::Retried`), never for Meta's redeliveries. A
//! repeat keeps its `event_id` and idempotency key, so downstream drops it.

use std::collections::HashMap;

use serde_json::json;
use shared::domain::automation::{Action, Incoming};
use shared::domain::events::Event;
use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::inbound::{Direction, InboundMessage, ParsedChange, StatusUpdate, Update};
use shared::domain::queued::QueuedBatch;
use shared::ports::automation::{AutomationStore, ContactState};
use shared::ports::consent::ConsentLedger;
use shared::ports::{Clock, CommandQueue, ContactStore, DiagnosticStore, EventSink, MessageStore};
use shared::telemetry::Metrics;

use crate::ingest::IngestError;
use crate::optout;
use crate::Processor;

type Owed<'a> = [(&'a ParsedChange, &'a Update)];

/// Contact states for the inbound messages whose effects are owed. Read
/// with automation off too: a restricted contact's messages set off nothing.
pub async fn contact_states<M, C, D, K, E, Q, A: AutomationStore, S>(
    p: &Processor<M, C, D, K, E, Q, A, S>,
    owed: &Owed<'_>,
    now: i64,
) -> Result<HashMap<ContactKey, ContactState>, IngestError> {
    let mut states = HashMap::new();
    for (_, update) in owed {
        if let Update::Message(m) = update {
            if m.direction == Direction::Inbound && !states.contains_key(&m.contact) {
                states.insert(
                    m.contact.clone(),
                    p.automation_store.contact_state(&m.contact, now).await?,
                );
            }
        }
    }
    Ok(states)
}

/// What one queue record's owed effects produce. The handler publishes the
/// outboxes of a whole invocation together ([`publish`]): SQS bills per
/// request of up to 10 messages, so one record's single event alone would
/// pay for a full request.
#[derive(Default)]
pub struct Outbox {
    pub(crate) events: Vec<Event>,
    pub(crate) commands: Vec<String>,
}

/// Puts the automated replies, then the events, of the outboxes on their
/// queues. All or nothing as far as the caller knows: on an error each of
/// these records is retried, and its effects repeat with the same event ids
/// and idempotency keys, which downstream drops.
pub async fn publish<'o, E: EventSink, Q: CommandQueue>(
    events: &E,
    commands: &Q,
    outboxes: impl IntoIterator<Item = &'o Outbox>,
    metrics: &mut Metrics,
) -> Result<(), IngestError> {
    let mut all = Outbox::default();
    for out in outboxes {
        all.events.extend(out.events.iter().cloned());
        all.commands.extend(out.commands.iter().cloned());
    }
    commands.submit(all.commands).await?;
    events.publish(&all.events).await?;
    for e in &all.events {
        metrics.count("EventsPublished", "Type", event_kind_label(&e.kind), 1);
    }
    Ok(())
}

pub async fn run<M, C, D, K, E, Q, A, S>(
    p: &Processor<M, C, D, K, E, Q, A, S>,
    batch: &QueuedBatch,
    owed: &Owed<'_>,
    states: &HashMap<ContactKey, ContactState>,
    now: i64,
    metrics: &mut Metrics,
) -> Result<Outbox, IngestError>
where
    M: MessageStore,
    C: ContactStore,
    D: DiagnosticStore,
    K: Clock,
    E: EventSink,
    Q: CommandQueue,
    A: AutomationStore,
    S: ConsentLedger,
{
    let mut out = Outbox::default();
    let flooded = flood_check(p, batch, owed, states, now, &mut out, metrics).await?;
    for (change, update) in owed {
        let number = change.phone_number_id.as_ref();
        match update {
            Update::Message(m) => {
                // Restricted (GDPR Art. 18): stored, and not announced.
                if m.direction == Direction::Inbound && !is_restricted(states, &m.contact) {
                    out.events
                        .push(received_event(p, m, number, states.get(&m.contact)));
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
        }
    }
    Ok(out)
}

fn is_restricted(states: &HashMap<ContactKey, ContactState>, contact: &ContactKey) -> bool {
    states.get(contact).is_some_and(|s| s.restricted)
}

fn event_kind_label(kind: &str) -> &str {
    if shared::domain::events::BUILT_IN_TYPES.contains(&kind) {
        kind
    } else {
        "rule"
    }
}

fn received_event<M, C, D, K, E, Q, A, S>(
    p: &Processor<M, C, D, K, E, Q, A, S>,
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    state: Option<&ContactState>,
) -> Event {
    let with_text = p
        .automation
        .as_ref()
        .is_some_and(|a| a.settings.include_message_text);
    let mut data = json!({
        "wamid": m.wamid.as_str(),
        "direction": m.direction.as_str(),
        "message_type": m.message_type,
        "timestamp": m.timestamp,
    });
    if let Some(ctx) = m.context.as_ref().and_then(|c| c.replied_to.as_ref()) {
        data["reply_to"] = json!(ctx);
    }
    if let Some(name) = state.and_then(|s| s.profile_name.as_ref()) {
        data["profile_name"] = json!(name);
    }
    if with_text {
        let text = shared::domain::automation::searchable_text(&m.content);
        if !text.is_empty() {
            data["text"] = json!(text);
        }
    }
    Event::new(
        "message.received",
        m.wamid.as_str(),
        m.timestamp,
        number,
        Some(&m.contact),
        data,
    )
}

fn status_event(s: &StatusUpdate, number: Option<&PhoneNumberId>) -> Event {
    let mut data =
        json!({"wamid": s.wamid.as_str(), "status": s.status.as_str(), "timestamp": s.timestamp});
    if !s.errors.is_empty() {
        data["errors"] = json!(s
            .errors
            .iter()
            .map(|e| json!({"code": e.code, "title": e.title, "details": e.error_data.as_ref().and_then(|d| d.details.clone())}))
            .collect::<Vec<_>>());
    }
    if let Some(pr) = &s.pricing {
        data["pricing"] = json!({"category": pr.category, "type": pr.pricing_type, "pricing_model": pr.pricing_model});
    }
    let fact = format!("{}|{}", s.wamid, s.status.as_str());
    Event::new(
        "message.status",
        &fact,
        s.timestamp,
        number,
        Some(&s.contact),
        data,
    )
}

/// Counts each contact's inbound messages per window; a contact over the
/// limit gets no automated replies for a while, and one `abuse.suspected`.
async fn flood_check<M, C, D, K, E, Q, A: AutomationStore, S>(
    p: &Processor<M, C, D, K, E, Q, A, S>,
    batch: &QueuedBatch,
    owed: &Owed<'_>,
    states: &HashMap<ContactKey, ContactState>,
    now: i64,
    out: &mut Outbox,
    metrics: &mut Metrics,
) -> Result<std::collections::HashSet<ContactKey>, IngestError> {
    let mut flooded = std::collections::HashSet::new();
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
    let window_start = now - now.rem_euclid(window);
    for (contact, n) in per_contact {
        let total = p
            .automation_store
            .count_inbound(contact, window_start, n, now + window * 2)
            .await?;
        if total > limit.max_messages {
            flooded.insert(contact.clone());
            if total - n <= limit.max_messages {
                let until = now + i64::from(limit.pause_minutes) * 60;
                p.automation_store.pause_automation(contact, until).await?;
                tracing::warn!(contact = %contact.masked(), total, "message flood: automated replies paused");
                metrics.count("AbuseSuspected", "Reason", "flood", 1);
                out.events.push(Event::new(
                    "abuse.suspected",
                    &format!("flood|{}|{window_start}", contact.storage_id()),
                    now,
                    None,
                    Some(contact),
                    json!({"reason": "flood", "messages": total, "window_seconds": limit.per_seconds, "replies_paused_until": until, "request_id": batch.request.request_id}),
                ));
            }
        }
    }
    Ok(flooded)
}

#[allow(clippy::too_many_arguments)]
async fn automate<M, C, D, K, E, Q, A, S>(
    p: &Processor<M, C, D, K, E, Q, A, S>,
    batch: &QueuedBatch,
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    state: Option<&ContactState>,
    now: i64,
    out: &mut Outbox,
    metrics: &mut Metrics,
) -> Result<(), IngestError>
where
    C: ContactStore,
    K: Clock,
    A: AutomationStore,
{
    let Some(automation) = p.automation.as_deref() else {
        return Ok(());
    };
    let ContactKey::Phone(wa_id) = &m.contact else {
        return Ok(()); // no number to answer to (BSUID sender)
    };
    if automation.settings.blocklist.contains(wa_id.as_str()) {
        metrics.count("AutomationSkipped", "Reason", "blocklist", 1);
        return Ok(());
    }
    let default_state = ContactState::default();
    let state = state.unwrap_or(&default_state);
    if state.restricted {
        // Stored, never automated; not even a hand-off's timeout is announced.
        metrics.count("AutomationSkipped", "Reason", "restricted", 1);
        return Ok(());
    }
    if let Some(until) = state.handoff_until.filter(|t| *t <= now) {
        // The hand-off timed out: the bot answers again, and says so.
        p.automation_store.set_handoff(&m.contact, None).await?;
        out.events.push(Event::new(
            "conversation.handoff_released",
            &format!("{}|{until}", m.contact.storage_id()),
            now,
            number,
            Some(&m.contact),
            json!({"reason": "timeout", "handoff_until": until}),
        ));
    }
    let skip = if state.handoff_until.is_some_and(|t| t > now) {
        Some("handoff")
    } else if state.paused_until.is_some_and(|t| t > now) {
        Some("paused")
    } else {
        None
    };
    if let Some(reason) = skip {
        metrics.count("AutomationSkipped", "Reason", reason, 1);
        return Ok(());
    }
    let received = batch.request.received_at_ms.div_euclid(1000);
    let plan = automation.plan(&Incoming {
        message: m,
        is_new_contact: is_first_message(state, m.wamid.as_str(), received),
        tags: &state.tags,
        now,
    });
    let mut tags = Vec::new();
    for (i, (rule, action)) in plan.actions.iter().enumerate() {
        let fact = format!("{}|{rule}|{i}", m.wamid);
        let key = reply_key(&m.wamid, &format!("{rule}:{i}"));
        match action {
            Action::ReplyText(text) => {
                let body = text.replace(
                    "{{profile_name}}",
                    state.profile_name.as_deref().unwrap_or(""),
                );
                out.commands.push(reply(
                    &key,
                    wa_id.as_str(),
                    number,
                    "service",
                    json!({"type": "text", "text": {"body": body.trim()}}),
                ));
            }
            Action::ReplyTemplate {
                name,
                language,
                components,
            } => {
                let mut template = json!({"name": name, "language": {"code": language}});
                if let Some(c) = components {
                    template["components"] = c.clone();
                }
                out.commands.push(reply(
                    &key,
                    wa_id.as_str(),
                    number,
                    "utility",
                    json!({"type": "template", "template": template}),
                ));
            }
            Action::Handoff => {
                let until = now + automation.settings.handoff_timeout_secs;
                p.automation_store
                    .set_handoff(&m.contact, Some(until))
                    .await?;
                out.events.push(Event::new(
                    "conversation.handoff_requested",
                    &fact,
                    now,
                    number,
                    Some(&m.contact),
                    json!({"wamid": m.wamid.as_str(), "rule": rule, "until": until}),
                ));
            }
            Action::Ticket => {
                let recent = p
                    .automation_store
                    .recent_messages(
                        &m.contact,
                        automation.settings.ticket_excerpt_messages,
                        automation.settings.include_message_text,
                    )
                    .await?;
                let excerpt: Vec<_> = recent
                    .iter()
                    .map(|r| json!({"wamid": r.wamid, "direction": r.direction, "message_type": r.message_type, "timestamp": r.timestamp, "text": r.text}))
                    .collect();
                out.events.push(Event::new(
                    "ticket.requested",
                    &fact,
                    now,
                    number,
                    Some(&m.contact),
                    json!({"wamid": m.wamid.as_str(), "rule": rule, "profile_name": state.profile_name, "excerpt": excerpt}),
                ));
            }
            Action::Tag(t) => tags.push(t.clone()),
            Action::Emit(name) => {
                let mut data = json!({"wamid": m.wamid.as_str(), "rule": rule, "message_type": m.message_type});
                if automation.settings.include_message_text {
                    data["text"] = json!(shared::domain::automation::searchable_text(&m.content));
                }
                out.events
                    .push(Event::new(name, &fact, now, number, Some(&m.contact), data));
            }
            Action::Silence => {}
        }
        metrics.count("RulesMatched", "Rule", rule, 1);
    }
    p.automation_store.add_tags(&m.contact, &tags).await?;
    Ok(())
}

/// Whether `wamid` is the contact's first message. The contact records which
/// message created it; comparing times instead (created at or after this
/// message arrived) made every message waiting in a backlog a "first" one,
/// and each got the greeting.
fn is_first_message(
    state: &shared::ports::automation::ContactState,
    wamid: &str,
    received: i64,
) -> bool {
    if !state.exists {
        return true;
    }
    match &state.first_wamid {
        Some(first) => first == wamid,
        None => state.first_seen_at.is_some_and(|f| f >= received),
    }
}

/// Derived from the inbound message and the rule, so a redelivered message
/// yields the same key and the sender sends the reply once. Hashed, because
/// wamids are long and keys hold at most 128 characters.
pub(crate) fn reply_key(wamid: &shared::domain::ids::Wamid, what: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{wamid}|{what}").as_bytes());
    format!("auto-{}", hex::encode(&digest[..16]))
}

pub(crate) fn reply(
    key: &str,
    to: &str,
    number: Option<&PhoneNumberId>,
    category: &str,
    message: serde_json::Value,
) -> String {
    let mut cmd = json!({
        "idempotency_key": key,
        "to": format!("+{to}"),
        "category": category,
        "message": message,
    });
    if let Some(n) = number {
        cmd["phone_number_id"] = json!(n.as_str());
    }
    cmd.to_string()
}
