//! Changes to one person's records through the contacts API: the profile
//! (rectification, restriction, consent, hand-off), consent history entries
//! and links to other systems' records.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{is_conditional_failure, n, s, store_error, Item};
use super::json::{from_json, item_to_doc};
use super::keys::{consent_sk, contact_pk, link_sk, PROFILE_SK};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::privacy::LinkRequest;
use crate::ports::contacts::{ConsentEntry, Doc, ProfileChange};
use crate::ports::StoreError;

/// A consent history item: the one shape for Meta's reports (the
/// processor, which also records the queue record as `origin`) and the
/// contacts API's changes.
pub(super) fn consent_history_item(
    contact: &ContactKey,
    e: &ConsentEntry<'_>,
    origin: Option<&str>,
) -> Item {
    let mut item = HashMap::from([
        ("pk".to_owned(), s(contact_pk(contact))),
        ("sk".to_owned(), s(consent_sk(e.at, e.value))),
        ("type".to_owned(), s("consent")),
        ("category".to_owned(), s(e.category)),
        ("value".to_owned(), s(e.value)),
        ("source".to_owned(), s(e.source)),
        ("ts".to_owned(), n(e.at)),
        ("expires_at".to_owned(), n(e.expires_at)),
    ]);
    if let Some(o) = origin {
        item.insert(super::messages::ORIGIN.to_owned(), s(o));
    }
    item
}

impl DynamoStore {
    pub(super) async fn apply_profile_change(
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

    /// The contacts API's entry: a plain put (a repeat in the same second
    /// writes the same item again).
    pub(super) async fn put_consent_entry(
        &self,
        contact: &ContactKey,
        entry: &ConsentEntry<'_>,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(consent_history_item(contact, entry, None)))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("put contact item", e))
    }

    pub(super) async fn put_link(
        &self,
        contact: &ContactKey,
        l: &LinkRequest,
        linked_at: i64,
        expires_at: i64,
    ) -> Result<Doc, StoreError> {
        let sk = link_sk(l);
        let mut item = HashMap::from([
            ("type".to_owned(), s("link")),
            ("system".to_owned(), s(&l.system)),
            ("record_type".to_owned(), s(&l.kind)),
            ("record_id".to_owned(), s(&l.id)),
            ("linked_at".to_owned(), n(linked_at)),
            ("expires_at".to_owned(), n(expires_at)),
        ]);
        if let Some(w) = &l.wamid {
            item.insert("wamid".into(), s(w));
        }
        // The answer: the link as stored, named by its key within the partition.
        let mut answer = item_to_doc(item.clone());
        answer.insert("sk".into(), serde_json::Value::String(sk.clone()));
        item.insert("pk".into(), s(contact_pk(contact)));
        item.insert("sk".into(), s(sk));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| store_error("put contact item", e))?;
        Ok(answer)
    }

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
