//! In-memory fakes of the contacts API's and the retention sweep's ports,
//! with the DynamoDB adapters' rules: items sorted by sort key within a
//! partition, expired items hidden from reads unless asked for, profile
//! changes only on a live profile, partitions due for the sweep on their
//! `sweep_day`. Receipts and the audit log: `memory_receipts.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use crate::adapters::dynamo::{
    contact_pk, status_sk, traces_of, DIAGNOSTIC_PREFIX, PROFILE_SK, SWEEP_DAY, SWEEP_MARKER_SK,
};
use crate::domain::ids::ContactKey;
use crate::domain::privacy::day_of;
use crate::ports::contacts::{
    ContactRecords, Doc, Erased, Eraser, Page, PartitionQuery, PartitionSwept, ProfileChange,
    SweepState, SweepStore,
};
use crate::ports::{Retry, StoreError};

/// The table's partitions: `pk` → `sk` → item (with `pk` and `sk` in it).
/// People's partitions (`C#…`) and the day-keyed ones (`D#…`, `AUDIT#…`);
/// receipts live in [`MemoryReceipts`], which hides expired ones itself, so
/// they are not on this fake's sweep.
#[derive(Clone, Default)]
pub struct MemoryPartitions {
    pub items: Arc<Mutex<BTreeMap<String, BTreeMap<String, Doc>>>>,
    /// While set, every call fails as a storage outage would.
    pub unavailable: Arc<Mutex<bool>>,
    pub sweep_state: Arc<Mutex<SweepState>>,
}

fn live(doc: &Doc, now: i64) -> bool {
    doc.get("expires_at")
        .and_then(Value::as_i64)
        .is_none_or(|exp| exp > now)
}

impl MemoryPartitions {
    fn check(&self, operation: &'static str) -> Result<(), StoreError> {
        if *self.unavailable.lock().expect("flag lock") {
            return Err(StoreError {
                operation,
                message: "storage unavailable (fake)".into(),
                retry: Retry::Retryable,
            });
        }
        Ok(())
    }

    /// Stores `doc` under the person's partition, as the processor would.
    pub fn seed(&self, contact: &ContactKey, sk: &str, doc: Doc) {
        self.seed_pk(&contact_pk(contact), sk, doc);
    }

    /// Stores `doc` under any partition key.
    pub fn seed_pk(&self, pk: &str, sk: &str, mut doc: Doc) {
        doc.insert("pk".into(), json!(pk));
        doc.insert("sk".into(), json!(sk));
        self.items
            .lock()
            .expect("items lock")
            .entry(pk.to_owned())
            .or_default()
            .insert(sk.to_owned(), doc);
    }

    /// The items of a person's partition, expired or not.
    pub fn partition(&self, contact: &ContactKey) -> Vec<Doc> {
        self.partition_pk(&contact_pk(contact))
    }

    pub fn partition_pk(&self, pk: &str) -> Vec<Doc> {
        self.items
            .lock()
            .expect("items lock")
            .get(pk)
            .map(|p| p.values().cloned().collect())
            .unwrap_or_default()
    }
}

impl ContactRecords for MemoryPartitions {
    async fn get(
        &self,
        contact: &ContactKey,
        sk: &str,
        now: i64,
    ) -> Result<Option<Doc>, StoreError> {
        self.check("get contact item")?;
        let items = self.items.lock().expect("items lock");
        Ok(items
            .get(&contact_pk(contact))
            .and_then(|p| p.get(sk))
            .filter(|d| live(d, now))
            .cloned())
    }

    async fn query(
        &self,
        contact: &ContactKey,
        q: PartitionQuery,
        now: i64,
    ) -> Result<Page, StoreError> {
        self.check("query contact")?;
        let items = self.items.lock().expect("items lock");
        let Some(partition) = items.get(&contact_pk(contact)) else {
            return Ok(Page::default());
        };
        let in_order: Box<dyn Iterator<Item = (&String, &Doc)>> = if q.newest_first {
            Box::new(partition.iter().rev())
        } else {
            Box::new(partition.iter())
        };
        let after = |sk: &String| match &q.after {
            None => true,
            Some(a) if q.newest_first => sk < a,
            Some(a) => sk > a,
        };
        let mut matching = in_order
            .filter(|(sk, _)| sk.starts_with(&q.prefix) && after(sk))
            .filter(|(_, d)| q.include_expired || live(d, now));
        let mut page = Page::default();
        for (sk, doc) in matching.by_ref() {
            page.items.push(doc.clone());
            if page.items.len() == q.limit.max(1) {
                page.next = Some(sk.clone());
                break;
            }
        }
        // Like DynamoDB's LastEvaluatedKey, the cursor is only there when
        // more items may follow.
        if page.next.is_some() && matching.next().is_none() {
            page.next = None;
        }
        Ok(page)
    }

    async fn statuses(
        &self,
        contact: &ContactKey,
        wamids: Vec<String>,
        now: i64,
    ) -> Result<HashMap<String, Doc>, StoreError> {
        self.check("batch get statuses")?;
        let items = self.items.lock().expect("items lock");
        let Some(partition) = items.get(&contact_pk(contact)) else {
            return Ok(HashMap::new());
        };
        Ok(wamids
            .into_iter()
            .filter_map(|w| {
                let doc = partition.get(&status_sk(&w)).filter(|d| live(d, now))?;
                Some((w, doc.clone()))
            })
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
            .get_mut(&contact_pk(contact))
            .and_then(|p| p.get_mut(PROFILE_SK))
            .filter(|d| live(d, now))
        else {
            return Ok(false);
        };
        apply(profile, change, now);
        Ok(true)
    }

    async fn put(&self, contact: &ContactKey, sk: &str, doc: Doc) -> Result<(), StoreError> {
        self.check("put contact item")?;
        self.seed(contact, sk, doc);
        Ok(())
    }
}

impl Eraser for MemoryPartitions {
    async fn erase(
        &self,
        contact: &ContactKey,
        max_items: usize,
        diagnostic_days: &[String],
    ) -> Result<Erased, StoreError> {
        self.check("erase contact")?;
        let mut items = self.items.lock().expect("items lock");
        let pk = contact_pk(contact);
        let traces = traces_of(
            contact,
            items
                .get(&pk)
                .into_iter()
                .flat_map(BTreeMap::keys)
                .map(String::as_str),
        );
        let mut deleted = 0;
        for day in diagnostic_days {
            if let Some(diagnostics) = items.get_mut(&format!("{DIAGNOSTIC_PREFIX}{day}")) {
                let before = diagnostics.len();
                diagnostics.retain(|_, d| {
                    !d.get("content")
                        .and_then(Value::as_str)
                        .is_some_and(|c| traces.found_in(c))
                });
                deleted += (before - diagnostics.len()) as u64;
            }
        }
        let Some(partition) = items.get_mut(&pk) else {
            return Ok(Erased {
                deleted,
                finished: true,
            });
        };
        let doomed: Vec<String> = partition.keys().take(max_items).cloned().collect();
        for sk in &doomed {
            partition.remove(sk);
        }
        let finished = partition.is_empty();
        if finished {
            items.remove(&pk);
        }
        Ok(Erased {
            deleted: deleted + doomed.len() as u64,
            finished,
        })
    }
}

impl SweepStore for MemoryPartitions {
    async fn state(&self) -> Result<SweepState, StoreError> {
        self.check("get sweep state")?;
        Ok(self.sweep_state.lock().expect("state lock").clone())
    }

    async fn save_state(&self, state: &SweepState) -> Result<(), StoreError> {
        self.check("put sweep state")?;
        *self.sweep_state.lock().expect("state lock") = state.clone();
        Ok(())
    }

    /// The partitions with an item whose `sweep_day` is `day`, in `pk`
    /// order, as the `sweep` index lists them.
    async fn due(
        &self,
        day: &str,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        self.check("query sweep index")?;
        let items = self.items.lock().expect("items lock");
        let mut due = items
            .iter()
            .filter(|(pk, _)| cursor.as_ref().is_none_or(|c| *pk > c))
            .filter(|(_, p)| p.values().any(|d| d.get(SWEEP_DAY) == Some(&json!(day))))
            .map(|(pk, _)| pk.clone());
        let pks: Vec<String> = due.by_ref().take(limit.max(1)).collect();
        let next = match due.next() {
            Some(_) => pks.last().cloned(),
            None => None,
        };
        Ok((pks, next))
    }

    /// Deletes the expired items and moves `sweep_day` to the day of the
    /// next expiry: on the profile if there is one, else on a `SWEEP` marker.
    async fn sweep_partition(&self, pk: &str, now: i64) -> Result<PartitionSwept, StoreError> {
        self.check("sweep partition")?;
        let mut items = self.items.lock().expect("items lock");
        let Some(partition) = items.get_mut(pk) else {
            return Ok(PartitionSwept::default());
        };
        let before = partition.len();
        partition.retain(|_, d| live(d, now));
        partition.remove(SWEEP_MARKER_SK);
        let deleted = (before - partition.len()) as u64;
        let expiries: Vec<i64> = partition
            .values()
            .filter_map(|d| d.get("expires_at").and_then(Value::as_i64))
            .collect();
        let next_expiry = expiries.iter().copied().min();
        match (next_expiry, partition.get_mut(PROFILE_SK)) {
            (Some(next), Some(profile)) => {
                profile.insert(SWEEP_DAY.into(), json!(day_of(next)));
            }
            (Some(next), None) => {
                let latest = expiries.iter().copied().max();
                let marker = json!({"type": "sweep", SWEEP_DAY: day_of(next), "expires_at": latest, "pk": pk, "sk": SWEEP_MARKER_SK});
                partition.insert(SWEEP_MARKER_SK.into(), doc(marker));
            }
            (None, _) => {}
        }
        if partition.is_empty() {
            items.remove(pk);
        }
        Ok(PartitionSwept {
            deleted,
            next_expiry,
        })
    }

    async fn sweep_dated(
        &self,
        pk: &str,
        before_ms: i64,
        max_items: usize,
    ) -> Result<(u64, bool), StoreError> {
        self.check("sweep dated partition")?;
        let before = format!("{:013}", before_ms.max(0));
        let mut items = self.items.lock().expect("items lock");
        let Some(partition) = items.get_mut(pk) else {
            return Ok((0, true));
        };
        let old: Vec<String> = partition
            .range(..before)
            .map(|(sk, _)| sk.clone())
            .collect();
        let doomed = &old[..old.len().min(max_items.clamp(1, 1000))];
        for sk in doomed {
            partition.remove(sk);
        }
        Ok((doomed.len() as u64, doomed.len() == old.len()))
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
