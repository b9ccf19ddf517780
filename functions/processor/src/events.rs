//! The events for internal systems that a stored fact announces, built from
//! the fact alone (no store is read): a received message, a status, a
//! consent change. Each `event_id` derives from the fact, so a repeat is
//! dropped downstream.

use shared::domain::events::payloads::{
    ChangeSource, ConsentChanged, MessageReceived, MessageStatus, StatusError, StatusPricing,
};
use shared::domain::events::Event;
use shared::domain::ids::PhoneNumberId;
use shared::domain::inbound::{ConsentChange, InboundMessage, StatusUpdate};
use shared::domain::records::ConsentState;
use shared::ports::automation::ContactState;

/// `message.received`. `with_text`: the business's settings allow the
/// message's text in events.
pub(crate) fn received_event(
    m: &InboundMessage,
    number: Option<&PhoneNumberId>,
    state: Option<&ContactState>,
    with_text: bool,
) -> Event {
    let payload = MessageReceived {
        wamid: m.wamid.as_str(),
        direction: m.direction.as_str(),
        message_type: &m.message_type,
        timestamp: m.timestamp,
        reply_to: m.context.as_ref().and_then(|c| c.replied_to.as_deref()),
        profile_name: state.and_then(|s| s.profile_name.as_deref()),
        text: with_text
            .then(|| shared::domain::automation::searchable_text(&m.content))
            .filter(|text| !text.is_empty()),
    };
    Event::new(
        &payload,
        m.wamid.as_str(),
        m.timestamp,
        number,
        Some(&m.contact),
    )
}

pub(crate) fn status_event(s: &StatusUpdate, number: Option<&PhoneNumberId>) -> Event {
    let payload = MessageStatus {
        wamid: s.wamid.as_str(),
        status: s.status.as_str(),
        timestamp: s.timestamp,
        errors: s
            .errors
            .iter()
            .map(|e| StatusError {
                code: e.code,
                title: e.title.as_deref(),
                details: e.error_data.as_ref().and_then(|d| d.details.as_deref()),
            })
            .collect(),
        pricing: s.pricing.as_ref().map(|pr| StatusPricing {
            category: pr.category.as_deref(),
            pricing_type: pr.pricing_type.as_deref(),
            pricing_model: pr.pricing_model.as_deref(),
        }),
    };
    let fact = format!("{}|{}", s.wamid, s.status.as_str());
    Event::new(&payload, &fact, s.timestamp, number, Some(&s.contact))
}

/// `contact.opted_out` / `contact.opted_in`; `None` for a value that is
/// neither.
pub(crate) fn consent_event(
    c: &ConsentChange,
    number: Option<&PhoneNumberId>,
    source: ChangeSource,
    category: &str,
) -> Option<Event> {
    let opted_in = match c.state()? {
        ConsentState::OptedOut => false,
        ConsentState::OptedIn => true,
        ConsentState::Unknown => return None,
    };
    let payload = ConsentChanged {
        opted_in,
        source,
        category,
    };
    let fact = format!("{}|{}|{}", c.contact.storage_id(), c.timestamp, c.value);
    Some(Event::new(
        &payload,
        &fact,
        c.timestamp,
        number,
        Some(&c.contact),
    ))
}
