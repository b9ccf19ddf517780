//! Typed reading of one queued change (`entry[].changes[]`). Reading is
//! tolerant by design: anything unexpected becomes an `Unknown` message or a
//! diagnostic, never an error, so Meta adding a field or type cannot stop
//! the pipeline.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::ids::{ContactKey, PhoneNumberId, WaId, Wamid};
use super::queued::QueuedChange;
use super::status::StatusKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Written by the customer.
    Inbound,
    /// Sent by the business through the API (recorded by the sender).
    Outbound,
    /// Sent from the WhatsApp Business app on a Coexistence number.
    Echo,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "in",
            Self::Outbound => "out",
            Self::Echo => "echo",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum MediaKind {
    Image,
    Video,
    Document,
    Audio,
    Sticker,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct MediaRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub voice: Option<bool>,
    #[serde(default)]
    pub animated: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InteractiveReply {
    Button {
        id: String,
        title: String,
    },
    List {
        id: String,
        title: String,
    },
    Flow {
        name: Option<String>,
        response_json: Option<String>,
    },
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SystemEvent {
    NumberChanged { new_wa_id: Option<WaId> },
    IdentityChanged,
    Other(String),
}

/// The part of a message the connector acts on; the full object Meta sent
/// is kept beside it in [`InboundMessage::raw`].
#[derive(Debug, Clone, PartialEq)]
pub enum MessageContent {
    Text {
        body: String,
    },
    Media {
        kind: MediaKind,
        media: MediaRef,
    },
    Location {
        latitude: f64,
        longitude: f64,
    },
    Contacts {
        count: usize,
    },
    Interactive(InteractiveReply),
    Button {
        payload: Option<String>,
        text: Option<String>,
    },
    Reaction {
        message_id: String,
        emoji: Option<String>,
    },
    Order {
        catalog_id: Option<String>,
        items: usize,
    },
    System(SystemEvent),
    Unsupported {
        kind: Option<String>,
        error_codes: Vec<i64>,
    },
    Edit {
        original: Option<String>,
    },
    Revoke {
        original: Option<String>,
    },
    /// A type this version does not know, or a known type in a shape it
    /// could not read. Stored as received.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplyContext {
    pub replied_to: Option<String>,
    pub forwarded: bool,
    pub frequently_forwarded: bool,
}

#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub wamid: Wamid,
    pub contact: ContactKey,
    pub direction: Direction,
    /// Unix seconds, as Meta stamped the message.
    pub timestamp: i64,
    pub message_type: String,
    pub content: MessageContent,
    pub context: Option<ReplyContext>,
    pub group_id: Option<String>,
    pub has_referral: bool,
    pub raw: Box<RawValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub error_data: Option<ErrorData>,
    #[serde(default)]
    pub href: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ErrorData {
    #[serde(default)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Pricing {
    #[serde(default)]
    pub billable: Option<bool>,
    #[serde(default)]
    pub pricing_model: Option<String>,
    #[serde(default, rename = "type")]
    pub pricing_type: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StatusUpdate {
    pub wamid: Wamid,
    pub contact: ContactKey,
    pub status: StatusKind,
    pub timestamp: i64,
    pub errors: Vec<ErrorDetail>,
    pub pricing: Option<Pricing>,
    pub conversation_id: Option<String>,
    pub raw: Box<RawValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub contact: ContactKey,
    pub name: Option<String>,
    pub username: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConsentChange {
    pub contact: ContactKey,
    pub category: String,
    /// `stop`, `resume`, or what Meta sends next.
    pub value: String,
    pub timestamp: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// `value.errors[]`: Meta could not deliver something to us.
    ValueError,
    /// A field other than messages (account_update, template status…).
    Field,
    /// A part we could not read at all (no id, wrong shape).
    Unreadable,
    /// A signed POST the webhook refused (not JSON, wrong object).
    Rejected,
    /// A change value over a queue message's size with nothing to cut it
    /// by: its size, keys and first 16 KiB ([`OVERSIZED_KEY`]).
    Oversized,
}

impl DiagnosticKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValueError => "value_error",
            Self::Field => "field",
            Self::Unreadable => "unreadable",
            Self::Rejected => "rejected",
            Self::Oversized => "oversized",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub kind: DiagnosticKind,
    pub raw: String,
}

#[derive(Debug, Clone)]
pub enum Update {
    Message(Box<InboundMessage>),
    Status(Box<StatusUpdate>),
    Consent(ConsentChange),
    Diagnostic(Diagnostic),
}

impl Update {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Message(_) => "message",
            Self::Status(_) => "status",
            Self::Consent(_) => "consent",
            Self::Diagnostic(_) => "diagnostic",
        }
    }
}

/// One change, read.
#[derive(Debug, Clone)]
pub struct ParsedChange {
    pub waba_id: String,
    pub field: String,
    pub phone_number_id: Option<PhoneNumberId>,
    pub profiles: Vec<Profile>,
    pub updates: Vec<Update>,
}

/// The webhook's stand-ins, part of the queue message's contract.
pub use super::queued::{OVERSIZED_KEY, REJECTED_FIELD};

#[derive(Deserialize)]
struct Value {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    contacts: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    messages: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    statuses: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    message_echoes: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    user_preferences: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    errors: Option<Vec<Box<RawValue>>>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: Option<String>,
}

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

fn diagnostic(kind: DiagnosticKind, raw: &str) -> Update {
    Update::Diagnostic(Diagnostic {
        kind,
        raw: raw.to_owned(),
    })
}

/// Meta stamps times as strings of Unix seconds; some fields use numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stamp {
    Text(String),
    Number(i64),
}

impl Stamp {
    fn seconds(&self) -> Option<i64> {
        match self {
            Self::Text(s) => s.trim().parse().ok(),
            Self::Number(n) => Some(*n),
        }
    }
}

#[derive(Deserialize)]
struct ProfileRaw {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    profile: Option<ProfileName>,
}

#[derive(Deserialize)]
struct ProfileName {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    username: Option<String>,
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

/// The fields every message has; read first so that a message whose content
/// has an unexpected shape is still stored and deduplicated.
#[derive(Deserialize)]
struct Head {
    id: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    to_user_id: Option<String>,
    #[serde(default)]
    timestamp: Option<Stamp>,
    #[serde(rename = "type", default)]
    message_type: Option<String>,
    #[serde(default)]
    context: Option<ContextRaw>,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    referral: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct ContextRaw {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    forwarded: Option<bool>,
    #[serde(default)]
    frequently_forwarded: Option<bool>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    text: Option<TextRaw>,
    #[serde(default)]
    image: Option<MediaRef>,
    #[serde(default)]
    video: Option<MediaRef>,
    #[serde(default)]
    document: Option<MediaRef>,
    #[serde(default)]
    audio: Option<MediaRef>,
    #[serde(default)]
    sticker: Option<MediaRef>,
    #[serde(default)]
    location: Option<LocationRaw>,
    #[serde(default)]
    contacts: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    interactive: Option<InteractiveRaw>,
    #[serde(default)]
    button: Option<ButtonRaw>,
    #[serde(default)]
    reaction: Option<ReactionRaw>,
    #[serde(default)]
    order: Option<OrderRaw>,
    #[serde(default)]
    system: Option<SystemRaw>,
    #[serde(default)]
    unsupported: Option<UnsupportedRaw>,
    #[serde(default)]
    errors: Option<Vec<ErrorDetail>>,
    #[serde(default)]
    edit: Option<OriginalRaw>,
    #[serde(default)]
    revoke: Option<OriginalRaw>,
}

#[derive(Deserialize)]
struct TextRaw {
    body: String,
}
#[derive(Deserialize)]
struct LocationRaw {
    latitude: f64,
    longitude: f64,
}
#[derive(Deserialize)]
struct IdTitle {
    id: String,
    title: String,
}
#[derive(Deserialize)]
struct FlowRaw {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    response_json: Option<String>,
}
#[derive(Deserialize)]
struct InteractiveRaw {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    button_reply: Option<IdTitle>,
    #[serde(default)]
    list_reply: Option<IdTitle>,
    #[serde(default)]
    nfm_reply: Option<FlowRaw>,
}
#[derive(Deserialize)]
struct ButtonRaw {
    #[serde(default)]
    payload: Option<String>,
    #[serde(default)]
    text: Option<String>,
}
#[derive(Deserialize)]
struct ReactionRaw {
    message_id: String,
    #[serde(default)]
    emoji: Option<String>,
}
#[derive(Deserialize)]
struct OrderRaw {
    #[serde(default)]
    catalog_id: Option<String>,
    #[serde(default)]
    product_items: Vec<serde::de::IgnoredAny>,
}
#[derive(Deserialize)]
struct SystemRaw {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    wa_id: Option<String>,
}
#[derive(Deserialize)]
struct UnsupportedRaw {
    #[serde(rename = "type", default)]
    kind: Option<String>,
}
#[derive(Deserialize)]
struct OriginalRaw {
    #[serde(default)]
    original_message_id: Option<String>,
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
    let content = serde_json::from_str::<Body>(raw.get())
        .ok()
        .and_then(|body| content_of(&message_type, body))
        .unwrap_or(MessageContent::Unknown);
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
        }),
        group_id: head.group_id,
        has_referral: head.referral.is_some(),
        raw: raw.to_owned(),
    }))
}

fn content_of(message_type: &str, b: Body) -> Option<MessageContent> {
    let media = |kind, m: Option<MediaRef>| m.map(|media| MessageContent::Media { kind, media });
    Some(match message_type {
        "text" => MessageContent::Text { body: b.text?.body },
        "image" => return media(MediaKind::Image, b.image),
        "video" => return media(MediaKind::Video, b.video),
        "document" => return media(MediaKind::Document, b.document),
        "audio" => return media(MediaKind::Audio, b.audio),
        "sticker" => return media(MediaKind::Sticker, b.sticker),
        "location" => {
            let l = b.location?;
            MessageContent::Location {
                latitude: l.latitude,
                longitude: l.longitude,
            }
        }
        "contacts" => MessageContent::Contacts {
            count: b.contacts?.len(),
        },
        "interactive" => {
            let i = b.interactive?;
            MessageContent::Interactive(
                match (i.kind.as_str(), i.button_reply, i.list_reply, i.nfm_reply) {
                    ("button_reply", Some(r), _, _) => InteractiveReply::Button {
                        id: r.id,
                        title: r.title,
                    },
                    ("list_reply", _, Some(r), _) => InteractiveReply::List {
                        id: r.id,
                        title: r.title,
                    },
                    ("nfm_reply", _, _, Some(f)) => InteractiveReply::Flow {
                        name: f.name,
                        response_json: f.response_json,
                    },
                    (other, ..) => InteractiveReply::Other(other.to_owned()),
                },
            )
        }
        "button" => {
            let btn = b.button?;
            MessageContent::Button {
                payload: btn.payload,
                text: btn.text,
            }
        }
        "reaction" => {
            let r = b.reaction?;
            MessageContent::Reaction {
                message_id: r.message_id,
                emoji: r.emoji.filter(|e| !e.is_empty()),
            }
        }
        "order" => {
            let o = b.order?;
            MessageContent::Order {
                catalog_id: o.catalog_id,
                items: o.product_items.len(),
            }
        }
        "system" => {
            let s = b.system?;
            MessageContent::System(match s.kind.as_deref() {
                Some("user_changed_number") => SystemEvent::NumberChanged {
                    new_wa_id: s.wa_id.and_then(|w| WaId::parse(&w).ok()),
                },
                Some("customer_identity_changed") => SystemEvent::IdentityChanged,
                other => SystemEvent::Other(other.unwrap_or("unknown").to_owned()),
            })
        }
        "unsupported" => MessageContent::Unsupported {
            kind: b.unsupported.and_then(|u| u.kind),
            error_codes: b
                .errors
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e.code)
                .collect(),
        },
        "edit" => MessageContent::Edit {
            original: b.edit?.original_message_id,
        },
        "revoke" => MessageContent::Revoke {
            original: b.revoke?.original_message_id,
        },
        _ => MessageContent::Unknown,
    })
}

#[derive(Deserialize)]
struct StatusRaw {
    id: String,
    status: String,
    #[serde(default)]
    timestamp: Option<Stamp>,
    #[serde(default)]
    recipient_id: Option<String>,
    #[serde(default)]
    recipient_user_id: Option<String>,
    #[serde(default)]
    errors: Option<Vec<ErrorDetail>>,
    #[serde(default)]
    pricing: Option<Pricing>,
    #[serde(default)]
    conversation: Option<ConversationRaw>,
}

#[derive(Deserialize)]
struct ConversationRaw {
    #[serde(default)]
    id: Option<String>,
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

#[derive(Deserialize)]
struct PreferenceRaw {
    #[serde(default)]
    wa_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    timestamp: Option<Stamp>,
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
