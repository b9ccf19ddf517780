//! The parsed outbound command and its small value types.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use super::category::Category;
use super::error::CommandError;
use crate::domain::ids::{PhoneNumberId, WaId, Wamid};

pub const IDEMPOTENCY_KEY_MAX: usize = 128;

/// The caller's key for one command: sending the same key twice sends once.
/// 1 to 128 printable ASCII characters (0x21..=0x7E, so no spaces).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(s: &str) -> Result<Self, CommandError> {
        if s.is_empty() {
            return Err(CommandError::InvalidIdempotencyKey("is empty"));
        }
        if s.len() > IDEMPOTENCY_KEY_MAX {
            return Err(CommandError::InvalidIdempotencyKey(
                "is longer than 128 characters",
            ));
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(CommandError::InvalidIdempotencyKey(
                "may contain only printable ASCII characters without spaces",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The lawful ground on which a command is sent to a contact who restricted
/// processing (GDPR Art. 18(2)); each use is audited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestrictionOverride {
    /// Needed to establish, exercise or defend a legal claim.
    LegalClaim,
}

impl RestrictionOverride {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LegalClaim => "legal_claim",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        (s == "legal_claim").then_some(Self::LegalClaim)
    }
}

/// A pointer from the message to a record in another system (an order, a
/// ticket), kept with the sent message so either side can find the other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BusinessLink {
    pub system: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutboundMessage {
    /// A message for the customer. `object` is the whole `message` object of
    /// the command, `type` included, exactly as received (it is validated,
    /// never rewritten), so fields Meta adds later pass through.
    Message {
        message_type: String,
        object: Map<String, Value>,
    },
    /// Mark an incoming message (and the ones before it) as read, and
    /// optionally show the typing indicator.
    MarkRead {
        message_id: Wamid,
        typing_indicator: bool,
    },
}

impl OutboundMessage {
    pub fn is_template(&self) -> bool {
        matches!(self, Self::Message { message_type, .. } if message_type == "template")
    }

    /// `mark_read` and `typing_indicator`: no recipient, no message sent.
    pub fn is_action(&self) -> bool {
        matches!(self, Self::MarkRead { .. })
    }

    /// The command's `message.type`: Meta's type, `mark_read` or `typing_indicator`.
    pub fn message_type(&self) -> &str {
        match self {
            Self::Message { message_type, .. } => message_type,
            Self::MarkRead {
                typing_indicator: false,
                ..
            } => "mark_read",
            Self::MarkRead {
                typing_indicator: true,
                ..
            } => "typing_indicator",
        }
    }
}

/// A well-formed command: every field has been checked against the contract
/// (docs/contracts/outbound-command.schema.json).
#[derive(Clone, Debug)]
pub struct OutboundCommand {
    pub idempotency_key: IdempotencyKey,
    /// Always present for messages; optional for actions.
    pub to: Option<WaId>,
    /// `None`: the deployment's default number.
    pub phone_number_id: Option<PhoneNumberId>,
    pub category: Category,
    pub message: OutboundMessage,
    pub reply_to: Option<Wamid>,
    pub links: Vec<BusinessLink>,
    /// Unix seconds after which the command must not be sent.
    pub not_after: Option<i64>,
    /// Evidence of a marketing opt-in the business collected itself (say, a
    /// box ticked in its web shop): recorded before the send.
    pub consent: Option<crate::domain::consent::OptInEvidence>,
    /// Send even though the contact restricted processing (audited).
    pub override_restriction: Option<RestrictionOverride>,
    /// Meta's category of the template a template command names, as the
    /// template store holds it: set by the sender, never read from the
    /// command. Consent follows it, not `category` (docs/templates.md).
    pub template_category: Option<Category>,
}

impl OutboundCommand {
    /// The category consent is decided on: Meta's for a template it
    /// knows, the command's otherwise.
    pub fn consent_category(&self) -> Category {
        self.template_category.unwrap_or(self.category)
    }
}
