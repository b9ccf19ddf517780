//! The events for internal systems that a stored fact announces, built from
//! the fact alone (no store is read): a received message, a status, a
//! consent change. Each `event_id` derives from the fact, so a repeat is
//! dropped downstream.

use serde_json::json;
use shared::domain::events::{Event, BUILT_IN_TYPES};
use shared::domain::ids::PhoneNumberId;
use shared::domain::inbound::{ConsentChange, InboundMessage, StatusUpdate};
use shared::domain::records::ConsentState;
use shared::ports::automation::ContactState;

/// The metric label of an event kind: a rule's own `emit` names are many
/// and the business's, so they count together as `rule`.
pub(crate) fn event_kind_label(kind: &str) -> &str {
    if BUILT_IN_TYPES.contains(&kind) {
        kind
    } else {
        "rule"
    }
}

/// `message.received`. `with_text`: the business's settings allow the
/// message's text in events.
pub(crate) fn received_event(
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    state: Option<&ContactState>,
    with_text: bool,
) -> Event {
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

pub(crate) fn status_event(s: &StatusUpdate, number: Option<&PhoneNumberId>) -> Event {
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

/// `contact.opted_out` / `contact.opted_in`; `None` for a value that is
/// neither.
pub(crate) fn consent_event(
    c: &ConsentChange,
    number: Option<&PhoneNumberId>,
    source: &str,
    category: &str,
) -> Option<Event> {
    let kind = match c.state()? {
        ConsentState::OptedOut => "contact.opted_out",
        ConsentState::OptedIn => "contact.opted_in",
        ConsentState::Unknown => return None,
    };
    let fact = format!("{}|{}|{}", c.contact.storage_id(), c.timestamp, c.value);
    Some(Event::new(
        kind,
        &fact,
        c.timestamp,
        number,
        Some(&c.contact),
        json!({"source": source, "category": category}),
    ))
}
