//! The message as the connector holds it.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::details::{OrderItem, Referral, ReferredProduct, SharedContact};
use crate::domain::ids::{ContactKey, WaId, Wamid};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        name: Option<String>,
        address: Option<String>,
        url: Option<String>,
    },
    Contacts {
        contacts: Vec<SharedContact>,
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
        text: Option<String>,
        items: Vec<OrderItem>,
    },
    System(SystemEvent),
    Unsupported {
        kind: Option<String>,
        error_codes: Vec<i64>,
    },
    /// The customer edited an earlier message: `content` is the new
    /// content, of type `message_type`.
    Edit {
        original: Option<String>,
        message_type: Option<String>,
        content: Option<Box<MessageContent>>,
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
    /// The catalog product the customer wrote about.
    pub referred_product: Option<ReferredProduct>,
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
    /// The ad or post the conversation started from, when Meta says.
    pub referral: Option<Referral>,
    pub raw: Box<RawValue>,
}
