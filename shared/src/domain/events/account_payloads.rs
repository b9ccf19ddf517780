//! The `data` of the account-health events (`account.*`): one shape for
//! every kind, the typed fact of `domain::account` beside where it came from.
//! The kind follows from the fact ([`HealthChange::kind`]), so a payload
//! cannot carry one kind's data under another's name.

use serde::Serialize;

use super::{EventKind, EventPayload};
use crate::domain::account::{HealthChange, HealthFact, HealthKind};

#[derive(Debug, Clone, Serialize)]
pub struct AccountHealth<'a> {
    #[serde(skip)]
    kind: HealthKind,
    pub waba_id: &'a str,
    /// Meta's webhook field (`phone_number_quality_update`, `security`…).
    pub field: &'static str,
    /// The business number the fact is about; absent for the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_phone_number: Option<&'a str>,
    #[serde(flatten)]
    pub fact: &'a HealthFact,
    /// Keys of Meta's value this version does not read (kept in the store).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub unknown_fields: &'a [String],
}

impl<'a> AccountHealth<'a> {
    pub fn of(change: &'a HealthChange) -> Self {
        Self {
            kind: change.kind(),
            waba_id: &change.waba_id,
            field: change.field.as_str(),
            display_phone_number: change.display_number(),
            fact: &change.fact,
            unknown_fields: &change.unknown_fields,
        }
    }
}

impl EventPayload for AccountHealth<'_> {
    fn kind(&self) -> EventKind {
        match self.kind {
            HealthKind::QualityChanged => EventKind::AccountQualityChanged,
            HealthKind::LimitChanged => EventKind::AccountLimitChanged,
            HealthKind::NameStatusChanged => EventKind::AccountNameStatusChanged,
            HealthKind::Restricted => EventKind::AccountRestricted,
            HealthKind::Updated => EventKind::AccountUpdated,
            HealthKind::Alert => EventKind::AccountAlert,
            HealthKind::ReviewUpdated => EventKind::AccountReviewUpdated,
            HealthKind::CapabilityChanged => EventKind::AccountCapabilityChanged,
            HealthKind::SecurityEvent => EventKind::AccountSecurityEvent,
        }
    }
}
