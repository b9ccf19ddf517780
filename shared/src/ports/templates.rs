//! The template store (issue #16 item 1): Meta's templates per WABA, kept
//! by the sync and the template webhooks, read by the sender before a
//! template send. Templates are business data, not personal data: no item
//! names a customer, so none carries `expires_at` or sits in a contact's
//! partition.

use std::future::Future;

use super::StoreError;
use crate::domain::ids::PhoneNumberId;
use crate::domain::pacing::BusinessNumber;
use crate::domain::templates::{TemplateChange, TemplateDefinition, TemplateKey, WabaId};

/// What the store knows of one WABA's syncs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The last complete sync (every page read); `None`: never.
    pub synced_at: Option<i64>,
    /// Templates the last complete sync found.
    pub templates: u32,
    /// The last failed sync, and what Meta or the network answered (no URL,
    /// no token); the store kept what it knew.
    pub failed_at: Option<i64>,
    pub error: Option<String>,
}

pub trait TemplateStore: Send + Sync {
    /// The WABA whose templates `number` sends, once that WABA has synced
    /// completely with `number` among its phone numbers; `None`: the
    /// number's sends are not checked (a fresh deploy, a number not yet seen).
    fn waba_of(
        &self,
        number: &PhoneNumberId,
    ) -> impl Future<Output = Result<Option<WabaId>, StoreError>> + Send;
    /// One template of one WABA: one read.
    fn get(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
    ) -> impl Future<Output = Result<Option<TemplateDefinition>, StoreError>> + Send;
    /// A complete sync: `templates` are all the WABA has (others are
    /// dropped), `numbers` its phone numbers (each one's WABA, display
    /// digits and throughput level, for [`NumberLevels`](super::numbers::NumberLevels)),
    /// `now` the sync state's time.
    fn put_all(
        &self,
        waba: &WabaId,
        templates: &[TemplateDefinition],
        numbers: &[BusinessNumber],
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// A webhook's change, at once. A template the store does not hold is
    /// kept from the change alone ([`TemplateDefinition::learned`]).
    fn apply(
        &self,
        waba: &WabaId,
        change: &TemplateChange,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// A sync that could not finish: nothing the store knew is dropped.
    fn sync_failed(
        &self,
        waba: &WabaId,
        error: &str,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn sync_state(
        &self,
        waba: &WabaId,
    ) -> impl Future<Output = Result<SyncState, StoreError>> + Send;
    /// A command used template `key` at `now` (checked, sent or refused):
    /// the review reports templates paused or disabled that commands used
    /// in the last day. One write; the sender calls it at most once an hour
    /// per template and instance.
    fn mark_used(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
        now: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The templates of `waba` that commands used at or after `since`.
    fn used_since(
        &self,
        waba: &WabaId,
        since: i64,
    ) -> impl Future<Output = Result<Vec<TemplateUse>, StoreError>> + Send;
}

/// A template commands used, and when last (within the sender's hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    pub key: TemplateKey,
    pub used_at: i64,
}

/// A sync that could not read Meta's answer: which call, what came back
/// (never a URL or a token).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct SyncError(pub String);

/// Meta's side of the sync: `GET /{waba-id}/message_templates` and
/// `GET /{waba-id}/phone_numbers` (each number's id, display number and
/// throughput level), every page.
pub trait TemplateSource: Send + Sync {
    fn templates(
        &self,
        waba: &WabaId,
    ) -> impl Future<Output = Result<Vec<TemplateDefinition>, SyncError>> + Send;
    fn phone_numbers(
        &self,
        waba: &WabaId,
    ) -> impl Future<Output = Result<Vec<BusinessNumber>, SyncError>> + Send;
}
