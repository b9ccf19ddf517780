//! The business's automation rules for one inbound message: the hand-off
//! and pause checks, then each matched rule's actions (replies, hand-off,
//! ticket, tags, its own events).

use shared::domain::automation::{Action, Incoming};
use shared::domain::events::payloads::{
    ChangeSource, ExcerptMessage, HandoffReleased, HandoffRequested, ReleaseReason, RuleEvent,
    TicketRequested,
};
use shared::domain::events::Event;
use shared::domain::ids::{ContactKey, PhoneNumberId};
use shared::domain::inbound::InboundMessage;
use shared::domain::queued::QueuedBatch;
use shared::ports::automation::{AutomationStore, ContactState};
use shared::telemetry::Metrics;

use crate::error::IngestError;
use crate::outbox::Outbox;
use crate::processor::{Processor, ProcessorPorts};
use crate::reply::{reply_key, AutoReply};

#[allow(clippy::too_many_arguments)]
pub(crate) async fn automate<P: ProcessorPorts>(
    p: &Processor<P>,
    batch: &QueuedBatch,
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    state: Option<&ContactState>,
    now: i64,
    out: &mut Outbox,
    metrics: &mut Metrics,
) -> Result<(), IngestError> {
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
        let payload = HandoffReleased {
            reason: ReleaseReason::Timeout,
            handoff_until: Some(until),
        };
        out.events.push(Event::new(
            &payload,
            &format!("{}|{until}", m.contact.storage_id()),
            now,
            number,
            Some(&m.contact),
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
                out.commands.push(AutoReply::text(
                    key,
                    wa_id.clone(),
                    number.cloned(),
                    body.trim(),
                ));
            }
            Action::ReplyTemplate {
                name,
                language,
                components,
            } => {
                out.commands.push(AutoReply::template(
                    key,
                    wa_id.clone(),
                    number.cloned(),
                    name,
                    language,
                    components.clone(),
                ));
            }
            Action::Handoff => {
                let until = now + automation.settings.handoff_timeout_secs;
                p.automation_store
                    .set_handoff(&m.contact, Some(until))
                    .await?;
                let payload = HandoffRequested {
                    source: ChangeSource::Rule,
                    until,
                    wamid: Some(m.wamid.as_str()),
                    rule: Some(rule),
                };
                out.events
                    .push(Event::new(&payload, &fact, now, number, Some(&m.contact)));
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
                let payload = TicketRequested {
                    wamid: m.wamid.as_str(),
                    rule,
                    profile_name: state.profile_name.as_deref(),
                    excerpt: recent
                        .iter()
                        .map(|r| ExcerptMessage {
                            wamid: &r.wamid,
                            direction: &r.direction,
                            message_type: &r.message_type,
                            timestamp: r.timestamp,
                            text: r.text.as_deref(),
                        })
                        .collect(),
                };
                out.events
                    .push(Event::new(&payload, &fact, now, number, Some(&m.contact)));
            }
            Action::Tag(t) => tags.push(t.clone()),
            Action::Emit(name) => {
                let payload = RuleEvent {
                    name,
                    wamid: m.wamid.as_str(),
                    rule,
                    message_type: &m.message_type,
                    text: automation
                        .settings
                        .include_message_text
                        .then(|| shared::domain::automation::searchable_text(&m.content)),
                };
                out.events
                    .push(Event::new(&payload, &fact, now, number, Some(&m.contact)));
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
fn is_first_message(state: &ContactState, wamid: &str, received: i64) -> bool {
    if !state.exists {
        return true;
    }
    match &state.first_wamid {
        Some(first) => first == wamid,
        None => state.first_seen_at.is_some_and(|f| f >= received),
    }
}
