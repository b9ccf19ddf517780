//! Ports of the contacts API and the retention sweep: reading one person's
//! partition, changing their profile, erasing it, receipts and the audit log.

use std::collections::HashMap;
use std::future::Future;

use serde_json::{Map, Value};

use super::{SecretsError, StoreError};
use crate::domain::ids::ContactKey;
use crate::domain::privacy::{
    AuditRecord, ConsentRequest, LinkRequest, ProfileCorrection, Receipt, RestrictionRequest,
};

/// One stored item as JSON (DynamoDB types mapped to JSON; sets as arrays).
pub type Doc = Map<String, Value>;

/// A page of items, in the order asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Doc>,
    /// An opaque cursor to continue after, when there is more: the store
    /// makes it and checks it when it comes back.
    pub next: Option<String>,
}

/// Which page of a person's messages to read.
#[derive(Debug, Clone, Default)]
pub struct HistoryPage {
    /// The `next` cursor of the page before, as a caller handed it back.
    pub after: Option<String>,
    pub limit: usize,
    pub newest_first: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The cursor is not one this kind of page handed out.
    #[error("invalid cursor")]
    BadCursor,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One entry of a person's consent history, whoever reports it (Meta's
/// `user_preferences` through the processor, or the contacts API).
#[derive(Debug, Clone, Copy)]
pub struct ConsentEntry<'a> {
    pub at: i64,
    /// `opted_in`, `opted_out`, or Meta's value (`stop`, `resume`…).
    pub value: &'a str,
    pub category: &'a str,
    /// `api`, or what the processor names Meta's report.
    pub source: &'a str,
    pub expires_at: i64,
}

/// A change to the profile item, each audited by the caller.
#[derive(Debug, Clone)]
pub enum ProfileChange {
    Correct(ProfileCorrection),
    /// Sets the restriction; `restriction_updated_at` (s),
    /// `restriction_changed_ms` and `restriction_seq` (+1) move only when the
    /// state flips, so the sequence number names the change its event
    /// announces.
    Restrict(RestrictionRequest),
    /// The event of the change with this `restriction_seq` is out.
    RestrictionAnnounced(i64),
    Consent(ConsentRequest),
    /// `Some(until)` hands the conversation to a person; `None` gives it back.
    Handoff(Option<i64>),
}

/// One person's records as the contacts API reads and changes them. Reads
/// skip expired items, except `export` and `holds_anything`, which see
/// everything erasure would delete.
pub trait ContactRecords: Send + Sync {
    /// The live profile, `None` when absent or expired.
    fn profile(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> impl Future<Output = Result<Option<Doc>, StoreError>> + Send;

    fn handoff(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> impl Future<Output = Result<Option<Doc>, StoreError>> + Send;

    /// Whether anything live is stored about the person.
    fn exists(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether anything at all is stored, expired or not (erasure's question).
    fn holds_anything(
        &self,
        contact: &ContactKey,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A page of the person's messages, by time.
    fn history(
        &self,
        contact: &ContactKey,
        page: HistoryPage,
        now: i64,
    ) -> impl Future<Output = Result<Page, PageError>> + Send;

    /// The consent changes, oldest first, at most `limit`.
    fn consent_history(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> impl Future<Output = Result<Vec<Doc>, StoreError>> + Send;

    /// The links to other systems' records, at most `limit`.
    fn links(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> impl Future<Output = Result<Vec<Doc>, StoreError>> + Send;

    /// A page of everything stored about the person, expired or not, as
    /// stored (GDPR Art. 15 and 20).
    fn export(
        &self,
        contact: &ContactKey,
        after: Option<String>,
        limit: usize,
    ) -> impl Future<Output = Result<Page, PageError>> + Send;

    /// The status items of these messages, by wamid (one BatchGetItem per 100).
    fn statuses(
        &self,
        contact: &ContactKey,
        wamids: Vec<String>,
        now: i64,
    ) -> impl Future<Output = Result<HashMap<String, Doc>, StoreError>> + Send;

    /// Applies `change` to a live profile; `false` when there is none.
    fn change_profile(
        &self,
        contact: &ContactKey,
        change: &ProfileChange,
        now: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Adds an entry to the consent history, in the item the processor
    /// writes for Meta's reports.
    fn append_consent(
        &self,
        contact: &ContactKey,
        entry: &ConsentEntry<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores a link (linking twice is harmless) and answers it as stored.
    fn add_link(
        &self,
        contact: &ContactKey,
        link: &LinkRequest,
        linked_at: i64,
        expires_at: i64,
    ) -> impl Future<Output = Result<Doc, StoreError>> + Send;
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Erased {
    /// Items of the partition and diagnostics that mentioned the person.
    pub deleted: u64,
    /// Nothing is left in the partition.
    pub finished: bool,
}

pub trait Eraser: Send + Sync {
    /// First deletes every diagnostic of `diagnostic_days` that
    /// mentions the person ([`crate::domain::erasure::Traces`], with the
    /// wamids still in the partition), then up to `max_items` items of the
    /// partition, whatever their expiry. Diagnostics come first so that a
    /// partial erasure still knows every wamid to look for.
    fn erase(
        &self,
        contact: &ContactKey,
        max_items: usize,
        diagnostic_days: &[String],
    ) -> impl Future<Output = Result<Erased, StoreError>> + Send;
}

pub trait ReceiptStore: Send + Sync {
    fn by_subject(
        &self,
        subject_hash: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<Receipt>, StoreError>> + Send;

    /// Saves the receipt. `pending` names the contact while erasure is not
    /// finished, so that the retention sweep can finish it; `None` clears it.
    fn save(
        &self,
        receipt: &Receipt,
        pending: Option<&ContactKey>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Erasures not yet finished, oldest first.
    fn pending(
        &self,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<(Receipt, ContactKey)>, StoreError>> + Send;
}

/// One page of a subject's audit trail, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    /// The sort key to continue after, when there may be more.
    pub next: Option<String>,
}

pub trait AuditLog: Send + Sync {
    fn record(&self, record: &AuditRecord) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The records of one subject (by keyed hash), newest first, after the
    /// sort key `after`; expired ones are skipped.
    fn trail(
        &self,
        subject_hash: &str,
        after: Option<String>,
        limit: usize,
        now: i64,
    ) -> impl Future<Output = Result<AuditPage, StoreError>> + Send;
}

/// Audits for a function that knows the person by number only (the
/// sender): hashes the contact, then records.
pub trait Auditor: Send + Sync {
    #[allow(clippy::too_many_arguments)]
    fn audit(
        &self,
        contact: &ContactKey,
        action: &str,
        detail: Option<&str>,
        principal: &str,
        request_id: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// The [`Auditor`] made of a hasher and an audit log; records live
/// `days` days (`AuditRetentionDays`).
pub struct HashingAuditor<H, A> {
    pub hasher: H,
    pub log: A,
    pub days: u32,
}

impl<H: SubjectHasher, A: AuditLog> Auditor for HashingAuditor<H, A> {
    async fn audit(
        &self,
        contact: &ContactKey,
        action: &str,
        detail: Option<&str>,
        principal: &str,
        request_id: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let subject_hash = self.hasher.hash(contact).await.map_err(|e| StoreError {
            operation: "hash audit subject",
            message: e.to_string(),
            retry: super::Retry::Retryable,
        })?;
        self.log
            .record(&AuditRecord {
                principal: principal.to_owned(),
                action: action.to_owned(),
                detail: detail.map(str::to_owned),
                subject_hash,
                at_ms,
                request_id: request_id.to_owned(),
                expires_at: at_ms.div_euclid(1000) + i64::from(self.days) * 86_400,
            })
            .await
    }
}

/// The keyed hash that names a person in receipts and audit records.
pub trait SubjectHasher: Send + Sync {
    fn hash(
        &self,
        contact: &ContactKey,
    ) -> impl Future<Output = Result<String, SecretsError>> + Send;
}

/// One cached key shared by the suppression list and the audit trail.
impl<T: SubjectHasher> SubjectHasher for std::sync::Arc<T> {
    fn hash(
        &self,
        contact: &ContactKey,
    ) -> impl Future<Output = Result<String, SecretsError>> + Send {
        (**self).hash(contact)
    }
}

/// Where the retention sweep stands, so that each run resumes the last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepState {
    /// Oldest `sweep_day` bucket not fully swept (`yyyy-mm-dd`).
    pub next_day: Option<String>,
    /// The last partition done within `next_day`.
    pub cursor: Option<String>,
    /// Per day-keyed log: oldest day not fully swept.
    pub dated: std::collections::BTreeMap<DatedLog, String>,
    /// When a run last saved this state (unix seconds): the integration
    /// review checks the sweep runs (docs/review.md).
    pub ran_at: Option<i64>,
}

/// The logs kept by day, whose whole days the sweep deletes once past
/// their retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatedLog {
    /// Webhook diagnostics (`WebhookLogRetentionDays`).
    Diagnostics,
    /// The audit log (`AuditRetentionDays`).
    Audit,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartitionSwept {
    pub deleted: u64,
    /// Earliest `expires_at` still in the partition after the sweep.
    pub next_expiry: Option<i64>,
}

pub trait SweepStore: Send + Sync {
    fn state(&self) -> impl Future<Output = Result<SweepState, StoreError>> + Send;
    fn save_state(&self, state: &SweepState)
        -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Partitions marked for `day`, after `cursor`, at most `limit`.
    fn due(
        &self,
        day: &str,
        cursor: Option<String>,
        limit: usize,
    ) -> impl Future<Output = Result<(Vec<String>, Option<String>), StoreError>> + Send;
    /// Deletes the partition's items with `expires_at <= now` and re-marks it
    /// for the day of its next expiry (or unmarks it when it is empty).
    fn sweep_partition(
        &self,
        pk: &str,
        now: i64,
    ) -> impl Future<Output = Result<PartitionSwept, StoreError>> + Send;
    /// Deletes up to `max_items` records of `log`'s `day` from before
    /// `before_ms`. Returns (deleted, finished).
    fn sweep_dated(
        &self,
        log: DatedLog,
        day: &str,
        before_ms: i64,
        max_items: usize,
    ) -> impl Future<Output = Result<(u64, bool), StoreError>> + Send;
}
