//! The in-memory fake of the contacts API's records, with the DynamoDB
//! adapter's rules: items in time order within a person's partition,
//! expired items hidden from reads unless asked for, profile changes only
//! on a live profile, cursors checked on the way back in. Erasure and the
//! sweep on the same partitions: `memory_sweep.rs`; receipts and the audit
//! log: `memory_receipts.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::domain::ids::ContactKey;
use crate::domain::privacy::{encode_cursor, LinkRequest};
use crate::ports::contacts::{
    ConsentEntry, ContactRecords, DatedLog, Doc, HistoryPage, Page, PageError, ProfileChange,
    SweepState,
};
use crate::ports::{Retry, StoreError};

/// The fake's own layout (not the table's: only `dynamo/keys.rs` knows
/// that): a person's partition is their storage id, items sort within it
/// by a key of the fake's making, with the same order the table keeps
/// (messages and consent changes by time).
pub(super) mod layout {
    use crate::domain::ids::ContactKey;

    pub const PROFILE: &str = "PROFILE";
    pub const HANDOFF: &str = "HANDOFF";
    pub const MARKER: &str = "SWEEP";
    pub const MESSAGES: &str = "message/";
    pub const STATUSES: &str = "status/";
    pub const CONSENTS: &str = "consent/";
    pub const LINKS: &str = "link/";

    pub fn person(contact: &ContactKey) -> String {
        format!("person/{}", contact.storage_id())
    }
    pub fn message(ts: i64, wamid: &str) -> String {
        format!("{MESSAGES}{:010}/{wamid}", ts.max(0))
    }
    pub fn status(wamid: &str) -> String {
        format!("{STATUSES}{wamid}")
    }
    pub fn consent(ts: i64, value: &str) -> String {
        format!("{CONSENTS}{:010}/{value}", ts.max(0))
    }
    pub fn link(l: &crate::domain::privacy::LinkRequest) -> String {
        let key = format!("{LINKS}{}/{}/{}", l.system, l.kind, l.id);
        match &l.wamid {
            Some(w) => format!("{key}/{w}"),
            None => key,
        }
    }
    pub fn wamid_of(key: &str) -> Option<&str> {
        match key.strip_prefix(STATUSES) {
            Some(w) => Some(w),
            None => key.strip_prefix(MESSAGES)?.split_once('/').map(|(_, w)| w),
        }
    }
}

pub(super) const SWEEP_DAY: &str = "sweep_day";

/// Day-keyed records by (log, day), then by (time in ms, id).
pub type DatedRecords = BTreeMap<(DatedLog, String), BTreeMap<(i64, String), Doc>>;

/// People's partitions: partition → item key → item (with `pk` and `sk`
/// in it, as an export shows them). The day-keyed logs (diagnostics, the
/// audit log) apart. Receipts live in [`MemoryReceipts`], which hides
/// expired ones itself, so they are not on this fake's sweep.
#[derive(Clone, Default)]
pub struct MemoryPartitions {
    pub items: Arc<Mutex<BTreeMap<String, BTreeMap<String, Doc>>>>,
    pub dated: Arc<Mutex<DatedRecords>>,
    /// While set, every call fails as a storage outage would.
    pub unavailable: Arc<Mutex<bool>>,
    pub sweep_state: Arc<Mutex<SweepState>>,
}

pub(super) fn live(doc: &Doc, now: i64) -> bool {
    doc.get("expires_at")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp > now)
}

impl MemoryPartitions {
    pub(super) fn check(&self, operation: &'static str) -> Result<(), StoreError> {
        if *self.unavailable.lock().expect("flag lock") {
            return Err(StoreError {
                operation,
                message: "storage unavailable (fake)".into(),
                retry: Retry::Retryable,
            });
        }
        Ok(())
    }

    fn put(&self, pk: &str, key: &str, mut doc: Doc) {
        doc.insert("pk".into(), json!(pk));
        doc.insert("sk".into(), json!(key));
        self.items
            .lock()
            .expect("items lock")
            .entry(pk.to_owned())
            .or_default()
            .insert(key.to_owned(), doc);
    }

    /// Stores the person's profile, as the processor would.
    pub fn seed_profile(&self, contact: &ContactKey, doc: Doc) {
        self.put(&layout::person(contact), layout::PROFILE, doc);
    }

    /// Stores a message of the person, as the processor would.
    pub fn seed_message(&self, contact: &ContactKey, ts: i64, wamid: &str, doc: Doc) {
        self.put(&layout::person(contact), &layout::message(ts, wamid), doc);
    }

    /// Stores some other item of the person's, under a name of the test's.
    pub fn seed_other(&self, contact: &ContactKey, name: &str, doc: Doc) {
        self.put(&layout::person(contact), &format!("other/{name}"), doc);
    }

    /// Stores a record of a day-keyed log, made at `at_ms`.
    pub fn seed_dated(&self, log: DatedLog, day: &str, at_ms: i64, id: &str, doc: Doc) {
        self.dated
            .lock()
            .expect("dated lock")
            .entry((log, day.to_owned()))
            .or_default()
            .insert((at_ms, id.to_owned()), doc);
    }

    /// The items of a person's partition, expired or not.
    pub fn partition(&self, contact: &ContactKey) -> Vec<Doc> {
        self.items
            .lock()
            .expect("items lock")
            .get(&layout::person(contact))
            .map(|p| p.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The records of one day of a day-keyed log.
    pub fn dated_records(&self, log: DatedLog, day: &str) -> Vec<Doc> {
        self.dated
            .lock()
            .expect("dated lock")
            .get(&(log, day.to_owned()))
            .map(|p| p.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Items of the person's partition whose key starts with `prefix`,
    /// after the key `after`, in key order (or reversed); `now` = `None`
    /// sees expired ones too.
    fn range(
        &self,
        contact: &ContactKey,
        prefix: &str,
        after: Option<String>,
        limit: usize,
        newest_first: bool,
        now: Option<i64>,
    ) -> Page {
        let items = self.items.lock().expect("items lock");
        let Some(partition) = items.get(&layout::person(contact)) else {
            return Page::default();
        };
        let in_order: Box<dyn Iterator<Item = (&String, &Doc)>> = if newest_first {
            Box::new(partition.iter().rev())
        } else {
            Box::new(partition.iter())
        };
        let past = |key: &String| match &after {
            None => true,
            Some(a) if newest_first => key < a,
            Some(a) => key > a,
        };
        let mut matching = in_order
            .filter(|(key, _)| key.starts_with(prefix) && past(key))
            .filter(|(_, d)| now.is_none_or(|now| live(d, now)));
        let mut page = Page::default();
        for (key, doc) in matching.by_ref() {
            page.items.push(doc.clone());
            if page.items.len() == limit.max(1) {
                page.next = Some(key.clone());
                break;
            }
        }
        // Like DynamoDB's LastEvaluatedKey, the cursor is only there when
        // more items may follow.
        if page.next.is_some() && matching.next().is_none() {
            page.next = None;
        }
        page.next = page.next.as_deref().map(encode_cursor);
        page
    }

    fn get(&self, contact: &ContactKey, key: &str, now: i64) -> Option<Doc> {
        let items = self.items.lock().expect("items lock");
        items
            .get(&layout::person(contact))
            .and_then(|p| p.get(key))
            .filter(|d| live(d, now))
            .cloned()
    }
}

/// The item key inside a cursor this fake handed out for `prefix`.
fn cursor_key(cursor: Option<String>, prefix: &str) -> Result<Option<String>, PageError> {
    match cursor {
        None => Ok(None),
        Some(c) => crate::domain::privacy::decode_cursor(&c, prefix)
            .map(Some)
            .ok_or(PageError::BadCursor),
    }
}

impl ContactRecords for MemoryPartitions {
    async fn profile(&self, contact: &ContactKey, now: i64) -> Result<Option<Doc>, StoreError> {
        self.check("get contact item")?;
        Ok(self.get(contact, layout::PROFILE, now))
    }

    async fn handoff(&self, contact: &ContactKey, now: i64) -> Result<Option<Doc>, StoreError> {
        self.check("get contact item")?;
        Ok(self.get(contact, layout::HANDOFF, now))
    }

    async fn exists(&self, contact: &ContactKey, now: i64) -> Result<bool, StoreError> {
        self.check("query contact")?;
        Ok(!self
            .range(contact, "", None, 1, false, Some(now))
            .items
            .is_empty())
    }

    async fn holds_anything(&self, contact: &ContactKey) -> Result<bool, StoreError> {
        self.check("query contact")?;
        Ok(!self
            .range(contact, "", None, 1, false, None)
            .items
            .is_empty())
    }

    async fn history(
        &self,
        contact: &ContactKey,
        p: HistoryPage,
        now: i64,
    ) -> Result<Page, PageError> {
        let after = cursor_key(p.after, layout::MESSAGES)?;
        self.check("query contact")?;
        Ok(self.range(
            contact,
            layout::MESSAGES,
            after,
            p.limit,
            p.newest_first,
            Some(now),
        ))
    }

    async fn consent_history(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> Result<Vec<Doc>, StoreError> {
        self.check("query contact")?;
        Ok(self
            .range(contact, layout::CONSENTS, None, limit, false, Some(now))
            .items)
    }

    async fn links(
        &self,
        contact: &ContactKey,
        limit: usize,
        now: i64,
    ) -> Result<Vec<Doc>, StoreError> {
        self.check("query contact")?;
        Ok(self
            .range(contact, layout::LINKS, None, limit, false, Some(now))
            .items)
    }

    async fn export(
        &self,
        contact: &ContactKey,
        after: Option<String>,
        limit: usize,
    ) -> Result<Page, PageError> {
        let after = cursor_key(after, "")?;
        self.check("query contact")?;
        Ok(self.range(contact, "", after, limit, false, None))
    }

    async fn statuses(
        &self,
        contact: &ContactKey,
        wamids: Vec<String>,
        now: i64,
    ) -> Result<HashMap<String, Doc>, StoreError> {
        self.check("batch get statuses")?;
        Ok(wamids
            .into_iter()
            .filter_map(|w| Some((w.clone(), self.get(contact, &layout::status(&w), now)?)))
            .collect())
    }

    async fn change_profile(
        &self,
        contact: &ContactKey,
        change: &ProfileChange,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.check("change contact")?;
        let mut items = self.items.lock().expect("items lock");
        let Some(profile) = items
            .get_mut(&layout::person(contact))
            .and_then(|p| p.get_mut(layout::PROFILE))
            .filter(|d| live(d, now))
        else {
            return Ok(false);
        };
        apply(profile, change, now);
        Ok(true)
    }

    async fn append_consent(
        &self,
        contact: &ContactKey,
        e: &ConsentEntry<'_>,
    ) -> Result<(), StoreError> {
        self.check("put contact item")?;
        let item = doc(json!({
            "type": "consent", "value": e.value, "category": e.category,
            "source": e.source, "ts": e.at, "expires_at": e.expires_at,
        }));
        self.put(
            &layout::person(contact),
            &layout::consent(e.at, e.value),
            item,
        );
        Ok(())
    }

    async fn add_link(
        &self,
        contact: &ContactKey,
        l: &LinkRequest,
        linked_at: i64,
        expires_at: i64,
    ) -> Result<Doc, StoreError> {
        self.check("put contact item")?;
        let mut item = doc(json!({
            "type": "link", "system": l.system, "record_type": l.kind, "record_id": l.id,
            "linked_at": linked_at, "expires_at": expires_at,
        }));
        if let Some(w) = &l.wamid {
            item.insert("wamid".into(), json!(w));
        }
        let key = layout::link(l);
        let mut answer = item.clone();
        answer.insert("sk".into(), json!(key));
        self.put(&layout::person(contact), &key, item);
        Ok(answer)
    }
}

/// A JSON object as an item (anything else as an empty one), for seeding.
pub fn doc(v: Value) -> Doc {
    match v {
        Value::Object(m) => m,
        _ => Doc::new(),
    }
}

use super::memory_profile::apply;
pub use super::memory_receipts::{FixedKeyHasher, MemoryReceipts};
