//! From one queued change to typed updates.

use serde_json::value::RawValue;

use super::content::read_content;
use super::model::{Direction, InboundMessage, ReplyContext};
use super::updates::{
    ConsentChange, Diagnostic, DiagnosticKind, ParsedChange, Profile, StatusUpdate, Update,
};
use super::wire::{Head, PreferenceRaw, ProfileRaw, StatusRaw, Value};
use crate::domain::account::{read_health, HealthField};
use crate::domain::ids::{ContactKey, PhoneNumberId, Wamid};
use crate::domain::queued::QueuedChange;
use crate::domain::queued::{OVERSIZED_KEY, REJECTED_FIELD};
use crate::domain::status::StatusKind;

pub fn parse_change(change: &QueuedChange) -> ParsedChange {
    let mut parsed = ParsedChange {
        waba_id: change.waba_id.clone(),
        field: change.field.clone(),
        phone_number_id: None,
        profiles: Vec::new(),
        updates: Vec::new(),
    };
    let raw = change.value.get();
    if change.field == REJECTED_FIELD {
        parsed
            .updates
            .push(diagnostic(DiagnosticKind::Rejected, raw));
        return parsed;
    }
    if raw.starts_with(&format!(r#"{{"{OVERSIZED_KEY}":"#)) {
        parsed
            .updates
            .push(diagnostic(DiagnosticKind::Oversized, raw));
        return parsed;
    }
    if let Some(health) = HealthField::parse(&change.field) {
        // An unreadable health value is kept as such, like any other part.
        parsed
            .updates
            .push(read_health(health, &change.waba_id, raw).map_or_else(
                || diagnostic(DiagnosticKind::Unreadable, raw),
                |h| Update::Health(Box::new(h)),
            ));
        return parsed;
    }
    let known_field = matches!(
        change.field.as_str(),
        "messages" | "smb_message_echoes" | "user_preferences"
    );
    if !known_field {
        parsed.updates.push(diagnostic(DiagnosticKind::Field, raw));
        return parsed;
    }
    let value: Value = match serde_json::from_str(raw) {
        Ok(v) => v,
        Err(_) => {
            parsed
                .updates
                .push(diagnostic(DiagnosticKind::Unreadable, raw));
            return parsed;
        }
    };
    parsed.phone_number_id = value
        .metadata
        .and_then(|m| m.phone_number_id)
        .and_then(|p| PhoneNumberId::parse(&p).ok());
    for c in value.contacts.iter().flatten() {
        match read_profile(c) {
            Some(p) => parsed.profiles.push(p),
            None => parsed
                .updates
                .push(diagnostic(DiagnosticKind::Unreadable, c.get())),
        }
    }
    for m in value.messages.iter().flatten() {
        parsed.updates.push(read_message(m, Direction::Inbound));
    }
    for m in value.message_echoes.iter().flatten() {
        parsed.updates.push(read_message(m, Direction::Echo));
    }
    for s in value.statuses.iter().flatten() {
        parsed.updates.push(read_status(s));
    }
    for p in value.user_preferences.iter().flatten() {
        parsed.updates.push(read_preferences(p));
    }
    for e in value.errors.iter().flatten() {
        parsed
            .updates
            .push(diagnostic(DiagnosticKind::ValueError, e.get()));
    }
    parsed
}

/// A nested part read on its own: one Meta shaped oddly is left out and
/// the message kept (its raw element still has it).
fn lenient<T: serde::de::DeserializeOwned>(raw: &RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

fn diagnostic(kind: DiagnosticKind, raw: &str) -> Update {
    Update::Diagnostic(Diagnostic {
        kind,
        raw: raw.to_owned(),
    })
}

fn read_profile(raw: &RawValue) -> Option<Profile> {
    let p: ProfileRaw = serde_json::from_str(raw.get()).ok()?;
    let contact = ContactKey::from_parts(p.wa_id.as_deref(), p.user_id.as_deref())?;
    let (name, username) = p.profile.map(|n| (n.name, n.username)).unwrap_or_default();
    Some(Profile {
        contact,
        name,
        username,
    })
}

fn read_message(raw: &RawValue, direction: Direction) -> Update {
    let Ok(head) = serde_json::from_str::<Head>(raw.get()) else {
        return diagnostic(DiagnosticKind::Unreadable, raw.get());
    };
    let (who, who_user) = match direction {
        Direction::Echo => (head.to.as_deref(), head.to_user_id.as_deref()),
        _ => (head.from.as_deref(), head.from_user_id.as_deref()),
    };
    let (Ok(wamid), Some(contact)) = (
        Wamid::parse(&head.id),
        ContactKey::from_parts(who, who_user),
    ) else {
        return diagnostic(DiagnosticKind::Unreadable, raw.get());
    };
    let message_type = head.message_type.unwrap_or_else(|| "unknown".into());
    let content = read_content(&message_type, raw.get());
    Update::Message(Box::new(InboundMessage {
        wamid,
        contact,
        direction,
        timestamp: head.timestamp.and_then(|t| t.seconds()).unwrap_or(0),
        message_type,
        content,
        context: head.context.map(|c| ReplyContext {
            replied_to: c.id,
            forwarded: c.forwarded.unwrap_or(false),
            frequently_forwarded: c.frequently_forwarded.unwrap_or(false),
            referred_product: c.referred_product.as_deref().and_then(lenient),
        }),
        group_id: head.group_id,
        has_referral: head.referral.is_some(),
        referral: head.referral.as_deref().and_then(lenient),
        raw: raw.to_owned(),
    }))
}

fn read_status(raw: &RawValue) -> Update {
    let Ok(s) = serde_json::from_str::<StatusRaw>(raw.get()) else {
        return diagnostic(DiagnosticKind::Unreadable, raw.get());
    };
    let (Ok(wamid), Some(contact)) = (
        Wamid::parse(&s.id),
        ContactKey::from_parts(s.recipient_id.as_deref(), s.recipient_user_id.as_deref()),
    ) else {
        return diagnostic(DiagnosticKind::Unreadable, raw.get());
    };
    Update::Status(Box::new(StatusUpdate {
        wamid,
        contact,
        status: StatusKind::parse(&s.status),
        timestamp: s.timestamp.and_then(|t| t.seconds()).unwrap_or(0),
        errors: s.errors.unwrap_or_default(),
        pricing: s.pricing,
        conversation_id: s.conversation.and_then(|c| c.id),
        raw: raw.to_owned(),
    }))
}

fn read_preferences(raw: &RawValue) -> Update {
    let read = || {
        let p: PreferenceRaw = serde_json::from_str(raw.get()).ok()?;
        Some(ConsentChange {
            contact: ContactKey::from_parts(p.wa_id.as_deref(), p.user_id.as_deref())?,
            category: p.category.unwrap_or_else(|| "marketing_messages".into()),
            value: p.value?,
            timestamp: p.timestamp.and_then(|t| t.seconds()).unwrap_or(0),
        })
    };
    read().map_or_else(
        || diagnostic(DiagnosticKind::Unreadable, raw.get()),
        Update::Consent,
    )
}
