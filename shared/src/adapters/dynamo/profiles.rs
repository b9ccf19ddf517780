//! Contact profiles as the processor and the sender see them: the touch on
//! every message (name, last inbound time for the 24-hour window, expiry),
//! number changes, the consent a webhook records, and the recipient read
//! the sender's gate makes.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::attrs::{
    is_conditional_failure, n, s, store_error, stored_by_same_record, LEGACY_EFFECTS_FLAG,
};
use super::automation::contact_state_of;
use super::keys::{contact_pk, PROFILE_SK};
use super::messages::ORIGIN;
use super::profile_changes::consent_history_item;
use super::{now_secs, DynamoStore};
use crate::domain::ids::ContactKey;
use crate::domain::records::{
    ConsentRecord, ConsentState, ContactTouch, NumberChange, WriteOutcome,
};
use crate::ports::automation::ContactState;
use crate::ports::contacts::ConsentEntry;
use crate::ports::{ContactStore, StoreError};

impl DynamoStore {
    fn profile_update(
        &self,
        contact: &ContactKey,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
    }
}

fn identity(contact: &ContactKey) -> (&'static str, String) {
    match contact {
        ContactKey::Phone(w) => ("wa_id", w.as_str().to_owned()),
        ContactKey::Scoped(u) => ("user_id", u.as_str().to_owned()),
    }
}

pub(super) fn is_expired(item: &HashMap<String, AttributeValue>, now: i64) -> bool {
    item.get("expires_at")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(|exp| exp <= now)
}

impl DynamoStore {
    /// The contact's profile, unless absent or past its `expires_at` (TTL
    /// deletes "within a few days"; readers must not see it meanwhile).
    pub(super) async fn live_profile(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read contact", e))?;
        Ok(out.item.filter(|i| !is_expired(i, now)))
    }

    async fn delete_expired_profile(&self, contact: &ContactKey) -> Result<(), StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .condition_expression("expires_at <= :now")
            .expression_attribute_values(":now", n(now_secs()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("delete expired contact", e)),
        }
    }
}

impl ContactStore for DynamoStore {
    /// Returns the profile as the write left it (`ALL_NEW`, no extra unit),
    /// so that a new contact is not read again for its first message.
    async fn touch(&self, t: &ContactTouch) -> Result<Option<ContactState>, StoreError> {
        let (id_attr, id) = identity(&t.contact);
        let mut sets = vec![
            "#type = :contact".to_owned(),
            format!("{id_attr} = :id"),
            "updated_at = :now".into(),
            "expires_at = :exp".into(),
            "first_seen_at = if_not_exists(first_seen_at, :seen)".into(),
            "consent_state = if_not_exists(consent_state, :unknown)".into(),
        ];
        let mut values = HashMap::from([
            (":contact".to_owned(), s("contact")),
            (":id".to_owned(), s(id)),
            (":now".to_owned(), n(now_secs())),
            (":exp".to_owned(), n(t.expires_at)),
            (":seen".to_owned(), n(t.seen_at)),
            (":unknown".to_owned(), s(ConsentState::Unknown.as_str())),
        ]);
        if let Some(first) = &t.first_wamid {
            sets.push("first_wamid = if_not_exists(first_wamid, :first)".into());
            values.insert(":first".into(), s(first));
        }
        // Registers the contact with the retention sweep (no extra write unit).
        let (clause, name, day) = super::sweep::touch_sweep_clause(now_secs());
        sets.push(clause.into());
        values.insert(name.into(), s(day));
        for (attr, value) in [
            ("profile_name", &t.profile_name),
            ("username", &t.username),
            (
                "phone_number_id",
                &t.phone_number_id.as_ref().map(|p| p.as_str().to_owned()),
            ),
        ] {
            if let Some(v) = value {
                sets.push(format!("{attr} = :{attr}"));
                values.insert(format!(":{attr}"), s(v));
            }
        }
        let names = HashMap::from([("#type".to_owned(), "type".to_owned())]);
        let Some(last) = t.last_inbound_at else {
            return self
                .profile_update(&t.contact)
                .update_expression(format!("SET {}", sets.join(", ")))
                .set_expression_attribute_names(Some(names))
                .set_expression_attribute_values(Some(values))
                .return_values(ReturnValue::AllNew)
                .send()
                .await
                .map(|out| out.attributes.as_ref().map(contact_state_of))
                .map_err(|e| store_error("touch contact", e));
        };
        // The newest message sets the window start; a late older one must not
        // move it back (nor overwrite the newer profile name).
        let mut newer = sets.clone();
        newer.push("last_inbound_at = :last".into());
        let mut newer_values = values.clone();
        newer_values.insert(":last".into(), n(last));
        for _ in 0..2 {
            let result = self
                .profile_update(&t.contact)
                .update_expression(format!("SET {}", newer.join(", ")))
                .condition_expression(
                    "(attribute_not_exists(expires_at) OR expires_at > :now) \
                     AND (attribute_not_exists(last_inbound_at) OR last_inbound_at <= :last)",
                )
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(newer_values.clone()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .return_values(ReturnValue::AllNew)
                .send()
                .await;
            let old = match result {
                Ok(out) => return Ok(out.attributes.as_ref().map(contact_state_of)),
                Err(e) if is_conditional_failure(&e) => match e.into_service_error() {
                    UpdateItemError::ConditionalCheckFailedException(c) => {
                        c.item.unwrap_or_default()
                    }
                    _ => HashMap::new(),
                },
                Err(e) => return Err(store_error("touch contact", e)),
            };
            if !is_expired(&old, now_secs()) {
                break;
            }
            // An expired profile is gone for every reader; TTL has merely not
            // deleted it yet. Start the contact afresh instead of reviving it.
            self.delete_expired_profile(&t.contact).await?;
        }
        let older: Vec<String> = sets
            .into_iter()
            .map(|set| match set.split_once(" = :") {
                Some((attr @ ("profile_name" | "username" | "phone_number_id"), v)) => {
                    format!("{attr} = if_not_exists({attr}, :{v})")
                }
                _ => set,
            })
            .collect();
        self.profile_update(&t.contact)
            .update_expression(format!("SET {}", older.join(", ")))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map(|out| out.attributes.as_ref().map(contact_state_of))
            .map_err(|e| store_error("touch contact", e))
    }

    async fn link_number_change(&self, change: &NumberChange) -> Result<(), StoreError> {
        let new_key = ContactKey::Phone(change.new.clone());
        let old = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&change.old)))
            .key("sk", s(PROFILE_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read contact", e))?;
        // Consent follows the person: an opt-out must survive a number change.
        let consent = old
            .item
            .as_ref()
            .filter(|i| !is_expired(i, now_secs()))
            .and_then(|i| i.get("consent_state"))
            .cloned()
            .unwrap_or_else(|| s(ConsentState::Unknown.as_str()));
        let now = n(now_secs());
        self.profile_update(&change.old)
            .update_expression(
                "SET changed_to = :new, changed_at = :at, updated_at = :now, expires_at = :exp",
            )
            .set_expression_attribute_values(Some(HashMap::from([
                (":new".to_owned(), s(change.new.as_str())),
                (":at".to_owned(), n(change.at)),
                (":now".to_owned(), now.clone()),
                (":exp".to_owned(), n(change.expires_at)),
            ])))
            .send()
            .await
            .map_err(|e| store_error("link old number", e))?;
        let (_, old_id) = identity(&change.old);
        self.profile_update(&new_key)
            .update_expression(
                "SET #type = :contact, wa_id = :id, changed_from = :old, changed_at = :at, updated_at = :now, expires_at = :exp, \
                 first_seen_at = if_not_exists(first_seen_at, :at), consent_state = if_not_exists(consent_state, :consent)",
            )
            .expression_attribute_names("#type", "type")
            .set_expression_attribute_values(Some(HashMap::from([
                (":contact".to_owned(), s("contact")),
                (":id".to_owned(), s(change.new.as_str())),
                (":old".to_owned(), s(old_id)),
                (":at".to_owned(), n(change.at)),
                (":now".to_owned(), now),
                (":exp".to_owned(), n(change.expires_at)),
                (":consent".to_owned(), consent),
            ])))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("link new number", e))
    }

    async fn apply_consent(&self, record: ConsentRecord<'_>) -> Result<WriteOutcome, StoreError> {
        let c = record.change;
        let entry = ConsentEntry {
            at: c.timestamp,
            value: &c.value,
            category: &c.category,
            source: record.source,
            expires_at: record.expires_at,
        };
        let history = consent_history_item(&c.contact, &entry, Some(record.origin));
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(history))
            .condition_expression("attribute_not_exists(pk)")
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let outcome = match put {
            Ok(_) => WriteOutcome::Created,
            Err(e) if is_conditional_failure(&e) => {
                let old = match e.into_service_error() {
                    aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(c) => c.item,
                    _ => None,
                };
                // The profile update below is idempotent: a retry of the
                // same record does it again, a duplicate skips it.
                if !stored_by_same_record(old.as_ref(), ORIGIN, record.origin, LEGACY_EFFECTS_FLAG)
                {
                    return Ok(WriteOutcome::Duplicate);
                }
                WriteOutcome::Retried
            }
            Err(e) => return Err(store_error("put consent history", e)),
        };
        let Some(state) = c.state() else {
            return Ok(outcome);
        };
        let (id_attr, id) = identity(&c.contact);
        let result = self
            .profile_update(&c.contact)
            .update_expression(format!(
                "SET #type = :contact, {id_attr} = :id, consent_state = :state, consent_updated_at = :ts, consent_source = :src, \
                 consent_category = :cat, updated_at = :now, expires_at = :exp, first_seen_at = if_not_exists(first_seen_at, :now)"
            ))
            .condition_expression("attribute_not_exists(consent_updated_at) OR consent_updated_at <= :ts")
            .expression_attribute_names("#type", "type")
            .set_expression_attribute_values(Some(HashMap::from([
                (":contact".to_owned(), s("contact")),
                (":id".to_owned(), s(id)),
                (":state".to_owned(), s(state.as_str())),
                (":ts".to_owned(), n(c.timestamp)),
                (":src".to_owned(), s(record.source)),
                (":cat".to_owned(), s(&c.category)),
                (":now".to_owned(), n(now_secs())),
                (":exp".to_owned(), n(record.expires_at)),
            ])))
            .send()
            .await;
        match result {
            // An older change than the one in force is history only.
            Ok(_) => Ok(outcome),
            Err(e) if is_conditional_failure(&e) => Ok(outcome),
            Err(e) => Err(store_error("update consent", e)),
        }
    }
}

impl crate::ports::sending::RecipientDirectory for DynamoStore {
    async fn recipient(
        &self,
        contact: &ContactKey,
        now: i64,
        with_window: bool,
    ) -> Result<Option<crate::domain::sending::Recipient>, StoreError> {
        let Some(item) = self.live_profile(contact, now).await? else {
            return Ok(None);
        };
        // From the messages: the profile's `last_inbound_at` is written at
        // most once a day (the processor's touch), the messages never lag.
        let last_inbound_at = if with_window {
            self.last_inbound_since(contact, crate::domain::window::open_since(now))
                .await?
        } else {
            None
        };
        let text = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).map(String::as_str);
        let restricted = item
            .get("restricted")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(false);
        Ok(Some(crate::domain::sending::Recipient {
            last_inbound_at,
            opted_out: crate::domain::consent::ConsentCategory::profile_opt_out(
                text("consent_state"),
                text("consent_category"),
            ),
            restricted,
        }))
    }
}
