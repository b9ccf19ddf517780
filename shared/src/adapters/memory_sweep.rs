//! The in-memory fake of erasure and the retention sweep, on the contacts
//! fake's partitions ([`MemoryPartitions`]), with the DynamoDB adapters'
//! rules: diagnostics that mention the person first, then the partition in
//! bounded steps; partitions due for the sweep on their `sweep_day`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::memory_contacts::{doc, layout, live, MemoryPartitions, SWEEP_DAY};
use crate::domain::erasure::Traces;
use crate::domain::ids::ContactKey;
use crate::domain::privacy::day_of;
use crate::ports::contacts::{DatedLog, Erased, Eraser, PartitionSwept, SweepState, SweepStore};
use crate::ports::StoreError;

impl Eraser for MemoryPartitions {
    async fn erase(
        &self,
        contact: &ContactKey,
        max_items: usize,
        diagnostic_days: &[String],
    ) -> Result<Erased, StoreError> {
        self.check("erase contact")?;
        let mut items = self.items.lock().expect("items lock");
        let pk = layout::person(contact);
        let mut traces = Traces::of(contact);
        for key in items.get(&pk).into_iter().flat_map(BTreeMap::keys) {
            if let Some(w) = layout::wamid_of(key) {
                traces.add_wamid(w);
            }
        }
        let mut deleted = 0;
        let mut dated = self.dated.lock().expect("dated lock");
        for day in diagnostic_days {
            if let Some(diagnostics) = dated.get_mut(&(DatedLog::Diagnostics, day.clone())) {
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
        partition.remove(layout::MARKER);
        let deleted = (before - partition.len()) as u64;
        let expiries: Vec<i64> = partition
            .values()
            .filter_map(|d| d.get("expires_at").and_then(Value::as_i64))
            .collect();
        let next_expiry = expiries.iter().copied().min();
        match (next_expiry, partition.get_mut(layout::PROFILE)) {
            (Some(next), Some(profile)) => {
                profile.insert(SWEEP_DAY.into(), json!(day_of(next)));
            }
            (Some(next), None) => {
                let latest = expiries.iter().copied().max();
                let marker = json!({"type": "sweep", SWEEP_DAY: day_of(next), "expires_at": latest, "pk": pk, "sk": layout::MARKER});
                partition.insert(layout::MARKER.into(), doc(marker));
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
        log: DatedLog,
        day: &str,
        before_ms: i64,
        max_items: usize,
    ) -> Result<(u64, bool), StoreError> {
        self.check("sweep dated partition")?;
        let before = (before_ms, String::new());
        let mut dated = self.dated.lock().expect("dated lock");
        let Some(partition) = dated.get_mut(&(log, day.to_owned())) else {
            return Ok((0, true));
        };
        let old: Vec<(i64, String)> = partition
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
