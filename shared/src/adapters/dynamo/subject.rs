//! One person's partition for the contacts API: paged reads, statuses by
//! wamid, profile changes, links and history items, and erasure.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

use super::items::{
    contact_pk, is_conditional_failure, n, s, status_sk, store_error, Item, PROFILE_SK,
};
use super::json::{doc_to_item, from_json, item_to_doc};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::ports::contacts::{ContactRecords, Doc, Page, PartitionQuery, ProfileChange};
use crate::ports::StoreError;

const LIVE: &str = "attribute_not_exists(expires_at) OR expires_at > :now";

fn live(item: &Item, now: i64) -> bool {
    item.get("expires_at")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .is_none_or(|exp| exp > now)
}

impl ContactRecords for DynamoStore {
    async fn get(
        &self,
        contact: &ContactKey,
        sk: &str,
        now: i64,
    ) -> Result<Option<Doc>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("get contact item", e))?;
        Ok(out.item.filter(|i| live(i, now)).map(item_to_doc))
    }

    async fn query(
        &self,
        contact: &ContactKey,
        q: PartitionQuery,
        now: i64,
    ) -> Result<Page, StoreError> {
        let pk = contact_pk(contact);
        let mut page = Page::default();
        let mut start = q
            .after
            .as_ref()
            .map(|sk| HashMap::from([("pk".to_owned(), s(&pk)), ("sk".to_owned(), s(sk))]));
        // A filter is applied after `Limit`, so keep reading until the page is
        // full or the partition ends: a short page then really means the end.
        loop {
            let want = q.limit.saturating_sub(page.items.len()).max(1);
            let mut req = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(if q.prefix.is_empty() {
                    "pk = :pk"
                } else {
                    "pk = :pk AND begins_with(sk, :prefix)"
                })
                .expression_attribute_values(":pk", s(&pk))
                .scan_index_forward(!q.newest_first)
                .limit(i32::try_from(want).unwrap_or(i32::MAX))
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            if !q.prefix.is_empty() {
                req = req.expression_attribute_values(":prefix", s(&q.prefix));
            }
            if !q.include_expired {
                req = req
                    .filter_expression(LIVE)
                    .expression_attribute_values(":now", n(now));
            }
            let out = req
                .send()
                .await
                .map_err(|e| store_error("query contact", e))?;
            page.items
                .extend(out.items.unwrap_or_default().into_iter().map(item_to_doc));
            let last = out
                .last_evaluated_key
                .and_then(|k| k.get("sk").and_then(|v| v.as_s().ok()).cloned());
            match last {
                Some(sk) if page.items.len() < q.limit => {
                    start = Some(HashMap::from([
                        ("pk".to_owned(), s(&pk)),
                        ("sk".to_owned(), s(sk)),
                    ]));
                }
                Some(sk) => {
                    page.next = Some(sk);
                    return Ok(page);
                }
                None => return Ok(page),
            }
        }
    }

    async fn statuses(
        &self,
        contact: &ContactKey,
        wamids: Vec<String>,
        now: i64,
    ) -> Result<HashMap<String, Doc>, StoreError> {
        let pk = contact_pk(contact);
        let mut found = HashMap::new();
        for chunk in wamids.chunks(100) {
            let mut keys: Vec<Item> = chunk
                .iter()
                .map(|w| {
                    HashMap::from([
                        ("pk".to_owned(), s(&pk)),
                        ("sk".to_owned(), s(status_sk(w))),
                    ])
                })
                .collect();
            // Unprocessed keys come back under throttling: ask again for them.
            for _ in 0..5 {
                if keys.is_empty() {
                    break;
                }
                let ask = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut keys)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError {
                        operation: "batch get statuses",
                        message: e.to_string(),
                        retry: crate::ports::Retry::Permanent,
                    })?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, ask)
                    .send()
                    .await
                    .map_err(|e| store_error("batch get statuses", e))?;
                for item in out
                    .responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default()
                {
                    if !live(&item, now) {
                        continue;
                    }
                    if let Some(w) = item.get("wamid").and_then(|v| v.as_s().ok()).cloned() {
                        found.insert(w, item_to_doc(item));
                    }
                }
                keys = out
                    .unprocessed_keys
                    .unwrap_or_default()
                    .remove(&self.table)
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }

    async fn change_profile(
        &self,
        contact: &ContactKey,
        change: &ProfileChange,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut sets = vec!["updated_at = :now".to_owned()];
        let mut removes = Vec::new();
        let mut names = HashMap::new();
        let mut values = HashMap::from([(":now".to_owned(), n(now))]);
        match change {
            ProfileChange::Correct(c) => {
                if let Some(v) = &c.display_name {
                    sets.push("display_name = :dn".into());
                    values.insert(":dn".into(), s(v));
                }
                if let Some(v) = &c.locale {
                    sets.push("locale = :loc".into());
                    values.insert(":loc".into(), s(v));
                }
                if !c.custom_fields.is_empty() {
                    // One map per profile; each field set or removed on its own.
                    sets.push("custom_fields = if_not_exists(custom_fields, :empty)".into());
                    values.insert(":empty".into(), AttributeValue::M(HashMap::new()));
                }
                for (i, (k, v)) in c.custom_fields.iter().enumerate() {
                    names.insert(format!("#f{i}"), k.clone());
                    if v.is_null() {
                        removes.push(format!("custom_fields.#f{i}"));
                    } else {
                        sets.push(format!("custom_fields.#f{i} = :f{i}"));
                        values.insert(format!(":f{i}"), from_json(v));
                    }
                }
            }
            ProfileChange::Handoff(Some(until)) => {
                sets.push("handoff_until = :until".into());
                values.insert(":until".into(), n(*until));
            }
            ProfileChange::Handoff(None) => removes.push("handoff_until".into()),
            ProfileChange::Restrict(r) => {
                self.flip_restriction(contact, r.restricted, now).await?;
                sets.push("restricted = :r".into());
                values.insert(":r".into(), AttributeValue::Bool(r.restricted));
                match &r.reason {
                    Some(reason) => {
                        sets.push("restriction_reason = :why".into());
                        values.insert(":why".into(), s(reason));
                    }
                    None => removes.push("restriction_reason".into()),
                }
            }
            ProfileChange::RestrictionAnnounced(at) => {
                sets.push("restriction_announced_seq = :ann".into());
                values.insert(":ann".into(), n(*at));
            }
            ProfileChange::Consent(c) => {
                sets.push("consent_state = :cs".into());
                sets.push("consent_updated_at = :now".into());
                sets.push("consent_source = :api".into());
                values.insert(":cs".into(), s(c.state()));
                values.insert(":api".into(), s("api"));
                match &c.category {
                    Some(cat) => {
                        sets.push("consent_category = :cat".into());
                        values.insert(":cat".into(), s(cat));
                    }
                    None => removes.push("consent_category".into()),
                }
            }
        }
        let mut expr = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expr.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        // custom_fields.#f needs the map to exist first: create it in its own step.
        if expr.contains("if_not_exists(custom_fields") {
            let init = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(contact_pk(contact)))
                .key("sk", s(PROFILE_SK))
                .update_expression("SET custom_fields = if_not_exists(custom_fields, :empty)")
                .condition_expression("attribute_exists(pk) AND expires_at > :now")
                .expression_attribute_values(":empty", AttributeValue::M(HashMap::new()))
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            match init {
                Ok(_) => {}
                Err(e) if is_conditional_failure(&e) => return Ok(false),
                Err(e) => return Err(store_error("change contact", e)),
            }
            expr = expr.replace("custom_fields = if_not_exists(custom_fields, :empty), ", "");
            values.remove(":empty");
        }
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .update_expression(expr)
            .condition_expression("attribute_exists(pk) AND expires_at > :now")
            .set_expression_attribute_names((!names.is_empty()).then_some(names))
            .set_expression_attribute_values(Some(values))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conditional_failure(&e) => Ok(false),
            Err(e) => Err(store_error("change contact", e)),
        }
    }

    async fn put(&self, contact: &ContactKey, sk: &str, doc: Doc) -> Result<(), StoreError> {
        let mut item = doc_to_item(&doc);
        item.insert("pk".into(), s(contact_pk(contact)));
        item.insert("sk".into(), s(sk));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("put contact item", e))
    }
}

impl DynamoStore {
    /// Stamps `restriction_updated_at`, `restriction_changed_ms` and the next
    /// `restriction_seq` when, and only when, this write flips
    /// the restriction (absent counts as not restricted). Conditional, so of
    /// two requests racing to the same state one stamps it: one change, one
    /// event.
    async fn flip_restriction(
        &self,
        contact: &ContactKey,
        restricted: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let from = if restricted {
            "(attribute_not_exists(restricted) OR restricted = :not)"
        } else {
            "restricted = :not"
        };
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .update_expression(
                "SET restricted = :r, restriction_updated_at = :now, restriction_changed_ms = :ms \
                 ADD restriction_seq :one",
            )
            .condition_expression(format!(
                "attribute_exists(pk) AND expires_at > :now AND {from}"
            ))
            .expression_attribute_values(":r", AttributeValue::Bool(restricted))
            .expression_attribute_values(":not", AttributeValue::Bool(!restricted))
            .expression_attribute_values(":now", n(now))
            // The sequence number names the change (two flips in one ms differ).
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(
                ":ms",
                n(crate::ports::Clock::now_ms(&crate::ports::SystemClock)),
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("flip restriction", e)),
        }
    }
}
