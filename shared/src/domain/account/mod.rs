//! Account and number health, typed: the seven webhook fields in which Meta
//! tells a business about its WhatsApp Business Account and its numbers
//! (quality and messaging limit, display name, restrictions and bans,
//! alerts, review, capabilities, security). docs/account-health.md.
//!
//! Each change is one fact about the business, never about a customer: no
//! personal data is kept, and the one person Meta names (the `requester` of
//! a security event) is masked before anything is stored or emitted.

mod read;

use serde::Serialize;

use crate::domain::pacing::ThroughputLevel;

pub use read::read_health;

/// Which webhook field a health change came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HealthField {
    PhoneNumberQuality,
    PhoneNumberName,
    AccountUpdate,
    AccountAlerts,
    AccountReview,
    BusinessCapability,
    Security,
}

impl HealthField {
    pub const ALL: [Self; 7] = [
        Self::PhoneNumberQuality,
        Self::PhoneNumberName,
        Self::AccountUpdate,
        Self::AccountAlerts,
        Self::AccountReview,
        Self::BusinessCapability,
        Self::Security,
    ];

    /// Meta's name of the field (`entry[].changes[].field`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PhoneNumberQuality => "phone_number_quality_update",
            Self::PhoneNumberName => "phone_number_name_update",
            Self::AccountUpdate => "account_update",
            Self::AccountAlerts => "account_alerts",
            Self::AccountReview => "account_review_update",
            Self::BusinessCapability => "business_capability_update",
            Self::Security => "security",
        }
    }

    pub fn parse(field: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == field)
    }
}

/// What the fact is about: one business number (the fields that name its
/// `display_phone_number`) or the whole account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthSubject {
    /// The business's display number, digits only.
    Number(String),
    Account,
}

/// The typed content of one change. Every field is optional where Meta may
/// leave it out; what this version does not know is kept in the record's
/// `raw` and named in `unknown_fields`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HealthFact {
    /// `phone_number_quality_update`: `FLAGGED` / `UNFLAGGED` (quality),
    /// `UPGRADE` / `DOWNGRADE` / `THROUGHPUT_UPGRADE` / `ONBOARDING` (limits).
    Quality {
        event: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        current_limit: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        old_limit: Option<String>,
        /// The limit as Meta wrote it (a tier name or a number).
        #[serde(skip_serializing_if = "Option::is_none")]
        max_daily_conversations_per_business: Option<String>,
    },
    /// `phone_number_name_update`: the display name's review.
    Name {
        #[serde(skip_serializing_if = "Option::is_none")]
        decision: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        requested_verified_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        rejection_reason: Option<String>,
    },
    /// `account_update`: verification, violations, restrictions, bans,
    /// deletion, partners.
    Account {
        event: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        violation_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ban_state: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        ban_date: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        restrictions: Vec<Restriction>,
    },
    /// `account_alerts`.
    Alert {
        #[serde(skip_serializing_if = "Option::is_none")]
        entity_type: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        entity_id: Option<String>,
        alert_type: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_severity: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_status: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_description: Option<String>,
    },
    /// `account_review_update`: APPROVED, REJECTED, PENDING, DEFERRED.
    Review { decision: String },
    /// `business_capability_update`.
    Capability {
        #[serde(skip_serializing_if = "Option::is_none")]
        max_daily_conversations_per_business: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max_phone_numbers_per_waba: Option<i64>,
    },
    /// `security`: PIN changes and reset requests. Who asked is personal
    /// data: only whether Meta named someone is kept.
    Security {
        event: String,
        requester_named: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Restriction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration: Option<i64>,
}

/// The event a health fact announces: one per fact, chosen by what Meta
/// said (docs/account-health.md has the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthKind {
    QualityChanged,
    LimitChanged,
    NameStatusChanged,
    Restricted,
    Updated,
    Alert,
    ReviewUpdated,
    CapabilityChanged,
    SecurityEvent,
}

/// `account_update` events that take away the account's ability to send.
const RESTRICTING: [&str; 4] = [
    "ACCOUNT_VIOLATION",
    "ACCOUNT_RESTRICTION",
    "ACCOUNT_DELETED",
    "DISABLED_UPDATE",
];

/// Ban states of a `DISABLED_UPDATE` that give the account back.
const LIFTING: [&str; 2] = ["REINSTATE", "SCHEDULE_FOR_REINSTATE"];

impl HealthKind {
    /// The stored item's `kind` and the `HealthFacts` metric's dimension.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QualityChanged => "quality_changed",
            Self::LimitChanged => "limit_changed",
            Self::NameStatusChanged => "name_status_changed",
            Self::Restricted => "restricted",
            Self::Updated => "updated",
            Self::Alert => "alert",
            Self::ReviewUpdated => "review_updated",
            Self::CapabilityChanged => "capability_changed",
            Self::SecurityEvent => "security_event",
        }
    }
}

/// How long the same value counts as the same webhook: Meta retries an
/// unacknowledged webhook for up to 7 days. The same value after that (a
/// number flagged again a month later) is a new fact.
pub const REDELIVERY_WINDOW_MS: i64 = 7 * 24 * 3600 * 1000;

/// An alarm this fact raises (`HealthAlerts` metric, template.yaml alarms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthAlarm {
    /// The number was flagged for low quality, or its limit lowered for it.
    QualityDowngrade,
    /// The account was restricted, banned or deleted.
    Restricted,
    Security,
}

impl HealthAlarm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QualityDowngrade => "quality_downgrade",
            Self::Restricted => "restricted",
            Self::Security => "security",
        }
    }
}

/// One health change, read.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthChange {
    pub field: HealthField,
    pub waba_id: String,
    pub subject: HealthSubject,
    pub fact: HealthFact,
    /// Top-level keys of the value this version does not read.
    pub unknown_fields: Vec<String>,
    /// The value as Meta sent it, with the requester masked: what is stored.
    pub raw: String,
    /// A stable digest of (field, WABA, value): the same webhook posted
    /// twice has the same one.
    pub fingerprint: String,
}

impl HealthChange {
    pub fn kind(&self) -> HealthKind {
        match &self.fact {
            HealthFact::Quality { event, .. } => match event.as_str() {
                "FLAGGED" | "UNFLAGGED" => HealthKind::QualityChanged,
                _ => HealthKind::LimitChanged,
            },
            HealthFact::Name { .. } => HealthKind::NameStatusChanged,
            HealthFact::Account {
                event, ban_state, ..
            } => {
                let lifted = event == "DISABLED_UPDATE"
                    && ban_state.as_deref().is_some_and(|s| LIFTING.contains(&s));
                if RESTRICTING.contains(&event.as_str()) && !lifted {
                    HealthKind::Restricted
                } else {
                    HealthKind::Updated
                }
            }
            HealthFact::Alert { .. } => HealthKind::Alert,
            HealthFact::Review { .. } => HealthKind::ReviewUpdated,
            HealthFact::Capability { .. } => HealthKind::CapabilityChanged,
            HealthFact::Security { .. } => HealthKind::SecurityEvent,
        }
    }

    pub fn alarm(&self) -> Option<HealthAlarm> {
        match (&self.fact, self.kind()) {
            (HealthFact::Quality { event, .. }, _)
                if event == "FLAGGED" || event == "DOWNGRADE" =>
            {
                Some(HealthAlarm::QualityDowngrade)
            }
            (_, HealthKind::Restricted) => Some(HealthAlarm::Restricted),
            (_, HealthKind::SecurityEvent) => Some(HealthAlarm::Security),
            _ => None,
        }
    }

    /// The display number, when the fact is about one.
    pub fn display_number(&self) -> Option<&str> {
        match &self.subject {
            HealthSubject::Number(n) => Some(n),
            HealthSubject::Account => None,
        }
    }

    /// The throughput level the fact gives its number, when it gives one
    /// (a `THROUGHPUT_UPGRADE`): the sender paces the number by it.
    pub fn throughput_level(&self) -> Option<ThroughputLevel> {
        match &self.fact {
            HealthFact::Quality { event, .. } => ThroughputLevel::announced_by(event),
            _ => None,
        }
    }

    /// What Meta said, in a word, for logs and the stored item (`event`,
    /// `decision` or `alert_type`).
    pub fn headline(&self) -> &str {
        match &self.fact {
            HealthFact::Quality { event, .. }
            | HealthFact::Account { event, .. }
            | HealthFact::Security { event, .. } => event,
            HealthFact::Name { decision, .. } => decision.as_deref().unwrap_or("UNKNOWN"),
            HealthFact::Alert { alert_type, .. } => alert_type,
            HealthFact::Review { decision } => decision,
            HealthFact::Capability { .. } => "CAPABILITY_UPDATE",
        }
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod read_tests;
