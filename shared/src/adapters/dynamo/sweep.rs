//! The retention sweep's keys. Partitions that need sweeping carry
//! `sweep_day` (on their PROFILE item, a `SWEEP` marker, or a receipt), a
//! sparse, keys-only GSI `sweep` (hash `sweep_day`, range `pk`) lists them
//! by day, so a run is a Query per day bucket, never a Scan. The sweep moves
//! each partition's `sweep_day` to the day of its next expiry, so a contact
//! costs one index write per day on which something of theirs expires.

use std::collections::HashMap;

use super::attrs::{is_conditional_failure, n, s, store_error, Item, SWEEP_DAY};
use super::keys::{
    contact_pk, dated_log_named, dated_pk, dated_prefix, dated_sk_before, is_contact_pk,
    PROFILE_SK, RECEIPT_SK, SWEEP_MARKER_SK, SWEEP_STATE_PK, SWEEP_STATE_SK,
};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::privacy::day_of;
use crate::ports::contacts::{DatedLog, PartitionSwept, SweepState, SweepStore};
use crate::ports::StoreError;

pub const SWEEP_INDEX: &str = "sweep";

impl DynamoStore {
    /// For writers that may create a partition without a profile (the
    /// sender): puts it on the sweep from today unless already on it. One
    /// conditional update; call it only when the profile read shows no
    /// `sweep_day`; the sender also remembers, per instance and day, whom it
    /// marked (`functions/sender/src/sweep_marks.rs`).
    pub async fn mark_for_sweep(
        &self,
        contact: &ContactKey,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(SWEEP_MARKER_SK))
            .update_expression(
                "SET #type = :sweep, sweep_day = if_not_exists(sweep_day, :day), expires_at = :exp",
            )
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":sweep", s("sweep"))
            .expression_attribute_values(":day", s(day_of(now)))
            .expression_attribute_values(":exp", n(expires_at))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("mark for sweep", e))
    }
}

/// The fragment the processor's profile touch adds to its `SET` list (no
/// extra write unit: it rides on the touch) with its value `:sweep_day`.
pub fn touch_sweep_clause(now: i64) -> (&'static str, &'static str, String) {
    (
        "sweep_day = if_not_exists(sweep_day, :sweep_day)",
        ":sweep_day",
        day_of(now),
    )
}

fn num(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

impl SweepStore for DynamoStore {
    async fn state(&self) -> Result<SweepState, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(SWEEP_STATE_PK))
            .key("sk", s(SWEEP_STATE_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("get sweep state", e))?;
        let Some(item) = out.item else {
            return Ok(SweepState::default());
        };
        let dated = item
            .get("dated")
            .and_then(|v| v.as_m().ok())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((dated_log_named(k)?, v.as_s().ok()?.clone())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(SweepState {
            next_day: text(&item, "next_day"),
            cursor: text(&item, "cursor"),
            dated,
            ran_at: item
                .get("ran_at")
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse().ok()),
        })
    }

    async fn save_state(&self, st: &SweepState) -> Result<(), StoreError> {
        let mut item = HashMap::from([
            ("pk".to_owned(), s(SWEEP_STATE_PK)),
            ("sk".to_owned(), s(SWEEP_STATE_SK)),
            ("type".to_owned(), s("sweep_state")),
            (
                "dated".to_owned(),
                aws_sdk_dynamodb::types::AttributeValue::M(
                    st.dated
                        .iter()
                        .map(|(k, v)| (dated_prefix(*k).to_owned(), s(v)))
                        .collect(),
                ),
            ),
        ]);
        if let Some(d) = &st.next_day {
            item.insert("next_day".into(), s(d));
        }
        if let Some(c) = &st.cursor {
            item.insert("cursor".into(), s(c));
        }
        if let Some(at) = st.ran_at {
            item.insert("ran_at".into(), n(at));
        }
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("put sweep state", e))
    }

    async fn due(
        &self,
        day: &str,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<(Vec<String>, Option<String>), StoreError> {
        let start = cursor.map(|pk| {
            HashMap::from([
                (SWEEP_DAY.to_owned(), s(day)),
                ("pk".to_owned(), s(&pk)),
                // A GSI's start key also names the base table's key.
                ("sk".to_owned(), s(sk_of_marker(&pk))),
            ])
        });
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SWEEP_INDEX)
            .key_condition_expression("sweep_day = :day")
            .expression_attribute_values(":day", s(day))
            .limit(i32::try_from(limit).unwrap_or(100))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| store_error("query sweep index", e))?;
        let mut pks: Vec<String> = out
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|i| text(i, "pk"))
            .collect();
        pks.dedup();
        let next = out.last_evaluated_key.and_then(|k| text(&k, "pk"));
        Ok((pks, next))
    }

    async fn sweep_partition(&self, pk: &str, now: i64) -> Result<PartitionSwept, StoreError> {
        if !is_contact_pk(pk) {
            // Receipts: one item, deleted once expired.
            let result = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(RECEIPT_SK))
                .condition_expression("expires_at <= :now")
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            return match result {
                Ok(_) => Ok(PartitionSwept {
                    deleted: 1,
                    next_expiry: None,
                }),
                Err(e) if is_conditional_failure(&e) => Ok(PartitionSwept::default()),
                Err(e) => Err(store_error("delete receipt", e)),
            };
        }
        let mut expired = Vec::new();
        let mut next_expiry: Option<i64> = None;
        let mut latest_expiry: Option<i64> = None;
        let (mut profile, mut marker) = (false, false);
        self.each_item(
            pk,
            "pk, sk, expires_at",
            "query partition for sweep",
            |item| {
                let sk = text(&item, "sk").unwrap_or_default();
                let exp = num(&item, "expires_at");
                if exp.is_some_and(|e| e <= now) {
                    expired.push(item);
                    return;
                }
                if sk == SWEEP_MARKER_SK {
                    marker = true;
                    return;
                }
                profile |= sk == PROFILE_SK;
                if let Some(e) = exp {
                    next_expiry = Some(next_expiry.map_or(e, |m| m.min(e)));
                    latest_expiry = Some(latest_expiry.map_or(e, |m| m.max(e)));
                }
            },
        )
        .await?;
        let deleted = self.delete_keys(expired).await? as u64;
        match next_expiry {
            Some(next) if profile => {
                self.set_sweep_day(pk, PROFILE_SK, &day_of(next), None)
                    .await?;
                if marker {
                    self.delete_keys(vec![key(pk, SWEEP_MARKER_SK)]).await?;
                }
            }
            Some(next) => {
                self.set_sweep_day(pk, SWEEP_MARKER_SK, &day_of(next), latest_expiry)
                    .await?;
            }
            None if marker => {
                self.delete_keys(vec![key(pk, SWEEP_MARKER_SK)]).await?;
            }
            None => {}
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
        let pk = dated_pk(log, day);
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk < :before")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":before", s(dated_sk_before(before_ms)))
            .projection_expression("pk, sk")
            .limit(i32::try_from(max_items.clamp(1, 1000)).unwrap_or(100))
            .send()
            .await
            .map_err(|e| store_error("query dated partition", e))?;
        let keys = out.items.unwrap_or_default();
        let deleted = self.delete_keys(keys).await? as u64;
        Ok((deleted, out.last_evaluated_key.is_none()))
    }
}

fn key(pk: &str, sk: &str) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

/// The base-table sort key of the item that marks partition `pk`.
fn sk_of_marker(pk: &str) -> &'static str {
    if is_contact_pk(pk) {
        PROFILE_SK
    } else {
        RECEIPT_SK
    }
}

impl DynamoStore {
    async fn set_sweep_day(
        &self,
        pk: &str,
        sk: &str,
        day: &str,
        expires_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .expression_attribute_values(":day", s(day));
        req = match expires_at {
            Some(exp) => req
                .update_expression("SET sweep_day = :day, expires_at = :exp, #type = :sweep")
                .expression_attribute_names("#type", "type")
                .expression_attribute_values(":exp", n(exp))
                .expression_attribute_values(":sweep", s("sweep")),
            None => req
                .update_expression("SET sweep_day = :day")
                .condition_expression("attribute_exists(pk)"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("set sweep day", e)),
        }
    }
}
