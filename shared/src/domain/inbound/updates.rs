//! Everything else one change can hold: statuses, profiles, consent
//! changes, diagnostics, and the change as read.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::model::InboundMessage;
use crate::domain::account::HealthChange;
use crate::domain::ids::{ContactKey, PhoneNumberId, Wamid};
use crate::domain::status::StatusKind;

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
    /// A field other than messages and the health fields (template status…).
    Field,
    /// A part we could not read at all (no id, wrong shape).
    Unreadable,
    /// A signed POST the webhook refused (not JSON, wrong object).
    Rejected,
    /// A change value over a queue message's size with nothing to cut it
    /// by: its size, keys and first 16 KiB ([`OVERSIZED_KEY`](super::OVERSIZED_KEY)).
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
    /// Account or number health (`domain::account`).
    Health(Box<HealthChange>),
}

impl Update {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Message(_) => "message",
            Self::Status(_) => "status",
            Self::Consent(_) => "consent",
            Self::Diagnostic(_) => "diagnostic",
            Self::Health(_) => "health",
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
