//! Meta's JSON as serde reads it: every field optional where Meta may omit
//! it, unknown fields ignored.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::details::{OrderItem, SharedContact};
use super::model::MediaRef;
use super::updates::{ErrorDetail, Pricing};

#[derive(Deserialize)]
pub(super) struct Value {
    #[serde(default)]
    pub(super) metadata: Option<Metadata>,
    #[serde(default)]
    pub(super) contacts: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub(super) messages: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub(super) statuses: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub(super) message_echoes: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub(super) user_preferences: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub(super) errors: Option<Vec<Box<RawValue>>>,
}

#[derive(Deserialize)]
pub(super) struct Metadata {
    #[serde(default)]
    pub(super) phone_number_id: Option<String>,
}
/// Meta stamps times as strings of Unix seconds; some fields use numbers.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Stamp {
    Text(String),
    Number(i64),
}

impl Stamp {
    pub(super) fn seconds(&self) -> Option<i64> {
        match self {
            Self::Text(s) => s.trim().parse().ok(),
            Self::Number(n) => Some(*n),
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ProfileRaw {
    #[serde(default)]
    pub(super) wa_id: Option<String>,
    #[serde(default)]
    pub(super) user_id: Option<String>,
    #[serde(default)]
    pub(super) profile: Option<ProfileName>,
}

#[derive(Deserialize)]
pub(super) struct ProfileName {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) username: Option<String>,
}

/// The fields every message has; read first so that a message whose content
/// has an unexpected shape is still stored and deduplicated.
#[derive(Deserialize)]
pub(super) struct Head {
    pub(super) id: String,
    #[serde(default)]
    pub(super) from: Option<String>,
    #[serde(default)]
    pub(super) from_user_id: Option<String>,
    #[serde(default)]
    pub(super) to: Option<String>,
    #[serde(default)]
    pub(super) to_user_id: Option<String>,
    #[serde(default)]
    pub(super) timestamp: Option<Stamp>,
    #[serde(rename = "type", default)]
    pub(super) message_type: Option<String>,
    #[serde(default)]
    pub(super) context: Option<ContextRaw>,
    #[serde(default)]
    pub(super) group_id: Option<String>,
    #[serde(default)]
    /// Read apart (see `read_message`): an odd referral must not cost the
    /// message.
    pub(super) referral: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
pub(super) struct ContextRaw {
    #[serde(default)]
    pub(super) id: Option<String>,
    #[serde(default)]
    pub(super) forwarded: Option<bool>,
    #[serde(default)]
    pub(super) frequently_forwarded: Option<bool>,
    #[serde(default)]
    pub(super) referred_product: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
pub(super) struct Body {
    #[serde(default)]
    pub(super) text: Option<TextRaw>,
    #[serde(default)]
    pub(super) image: Option<MediaRef>,
    #[serde(default)]
    pub(super) video: Option<MediaRef>,
    #[serde(default)]
    pub(super) document: Option<MediaRef>,
    #[serde(default)]
    pub(super) audio: Option<MediaRef>,
    #[serde(default)]
    pub(super) sticker: Option<MediaRef>,
    #[serde(default)]
    pub(super) location: Option<LocationRaw>,
    #[serde(default)]
    pub(super) contacts: Option<Vec<SharedContact>>,
    #[serde(default)]
    pub(super) interactive: Option<InteractiveRaw>,
    #[serde(default)]
    pub(super) button: Option<ButtonRaw>,
    #[serde(default)]
    pub(super) reaction: Option<ReactionRaw>,
    #[serde(default)]
    pub(super) order: Option<OrderRaw>,
    #[serde(default)]
    pub(super) system: Option<SystemRaw>,
    #[serde(default)]
    pub(super) unsupported: Option<UnsupportedRaw>,
    #[serde(default)]
    pub(super) errors: Option<Vec<ErrorDetail>>,
    #[serde(default)]
    pub(super) edit: Option<EditRaw>,
    #[serde(default)]
    pub(super) revoke: Option<OriginalRaw>,
}

#[derive(Deserialize)]
pub(super) struct TextRaw {
    pub(super) body: String,
}
#[derive(Deserialize)]
pub(super) struct LocationRaw {
    pub(super) latitude: f64,
    pub(super) longitude: f64,
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) address: Option<String>,
    #[serde(default)]
    pub(super) url: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct IdTitle {
    pub(super) id: String,
    pub(super) title: String,
}
#[derive(Deserialize)]
pub(super) struct FlowRaw {
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) response_json: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct InteractiveRaw {
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) button_reply: Option<IdTitle>,
    #[serde(default)]
    pub(super) list_reply: Option<IdTitle>,
    #[serde(default)]
    pub(super) nfm_reply: Option<FlowRaw>,
}
#[derive(Deserialize)]
pub(super) struct ButtonRaw {
    #[serde(default)]
    pub(super) payload: Option<String>,
    #[serde(default)]
    pub(super) text: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct ReactionRaw {
    pub(super) message_id: String,
    #[serde(default)]
    pub(super) emoji: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct OrderRaw {
    #[serde(default)]
    pub(super) catalog_id: Option<String>,
    #[serde(default)]
    pub(super) text: Option<String>,
    #[serde(default)]
    pub(super) product_items: Vec<OrderItem>,
}
#[derive(Deserialize)]
pub(super) struct SystemRaw {
    #[serde(rename = "type", default)]
    pub(super) kind: Option<String>,
    #[serde(default)]
    pub(super) wa_id: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct UnsupportedRaw {
    #[serde(rename = "type", default)]
    pub(super) kind: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct OriginalRaw {
    #[serde(default)]
    pub(super) original_message_id: Option<String>,
}
#[derive(Deserialize)]
pub(super) struct EditRaw {
    #[serde(default)]
    pub(super) original_message_id: Option<String>,
    /// The new content: `{"type": …, "<type>": {…}}`, as a message has it.
    #[serde(default)]
    pub(super) message: Option<Box<RawValue>>,
}
/// The type of a nested message (an edit's new content).
#[derive(Deserialize)]
pub(super) struct TypeOnly {
    #[serde(rename = "type", default)]
    pub(super) kind: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct StatusRaw {
    pub(super) id: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) timestamp: Option<Stamp>,
    #[serde(default)]
    pub(super) recipient_id: Option<String>,
    #[serde(default)]
    pub(super) recipient_user_id: Option<String>,
    #[serde(default)]
    pub(super) errors: Option<Vec<ErrorDetail>>,
    #[serde(default)]
    pub(super) pricing: Option<Pricing>,
    #[serde(default)]
    pub(super) conversation: Option<ConversationRaw>,
}

#[derive(Deserialize)]
pub(super) struct ConversationRaw {
    #[serde(default)]
    pub(super) id: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct PreferenceRaw {
    #[serde(default)]
    pub(super) wa_id: Option<String>,
    #[serde(default)]
    pub(super) user_id: Option<String>,
    #[serde(default)]
    pub(super) category: Option<String>,
    #[serde(default)]
    pub(super) value: Option<String>,
    #[serde(default)]
    pub(super) timestamp: Option<Stamp>,
}
