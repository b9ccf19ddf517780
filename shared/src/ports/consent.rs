//! The suppression list and the marketing opt-in, read by the sender and
//! written by the processor (keywords, Meta's marketing stop), the contacts
//! API and the sender (a command's own opt-in evidence).

use std::future::Future;

use super::StoreError;
use crate::domain::consent::{ConsentFacts, ConsentUpdate};
use crate::domain::ids::ContactKey;

pub trait ConsentLedger: Send + Sync {
    /// Live suppressions and marketing opt-in of the contact, whether or not
    /// a profile exists.
    fn facts(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> impl Future<Output = Result<ConsentFacts, StoreError>> + Send;

    /// An opt-out suppresses its categories (and drops a marketing opt-in);
    /// an opt-in lifts the suppressions no newer than itself and, with
    /// evidence, records the marketing opt-in. Idempotent.
    fn update(
        &self,
        contact: &ContactKey,
        update: &ConsentUpdate<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
