//! Where account and number health facts are kept (docs/account-health.md).

use std::future::Future;

use crate::domain::account::HealthChange;
use crate::domain::records::{Provenance, WriteOutcome};

use super::StoreError;

#[derive(Debug, Clone, Copy)]
pub struct HealthRecord<'a> {
    pub change: &'a HealthChange,
    pub from: Provenance<'a>,
    /// The diagnostics' retention: no personal data, the same horizon.
    pub expires_at: i64,
}

pub trait HealthStore: Send + Sync {
    /// Keeps the fact per business number (or account), once: the same
    /// value from another POST within Meta's redelivery window
    /// ([`REDELIVERY_WINDOW_MS`](crate::domain::account::REDELIVERY_WINDOW_MS))
    /// is a `Duplicate`; from the same queue record, `Retried`.
    fn put_health(
        &self,
        record: HealthRecord<'_>,
    ) -> impl Future<Output = Result<WriteOutcome, StoreError>> + Send;
}
