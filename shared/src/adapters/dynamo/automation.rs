//! Automation state on the contact's profile, and the flood counter, all in
//! the contact's partition (so erasure takes them too).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{n, s, store_error};
use super::keys::{contact_pk, MESSAGE_PREFIX, PROFILE_SK};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::records::ConsentState;
use crate::ports::automation::{AutomationStore, ContactState, RecentMessage};
use crate::ports::StoreError;

fn num(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

/// A live profile item as automation sees it.
pub(super) fn contact_state_of(item: &HashMap<String, AttributeValue>) -> ContactState {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
    ContactState {
        exists: true,
        first_seen_at: num(item, "first_seen_at"),
        first_wamid: text("first_wamid"),
        profile_name: text("profile_name"),
        tags: item
            .get("tags")
            .and_then(|v| v.as_ss().ok())
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default(),
        restricted: item
            .get("restricted")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(false),
        handoff_until: num(item, "handoff_until"),
        paused_until: num(item, "automation_paused_until"),
        consent: text("consent_state")
            .map(|s| ConsentState::parse(&s).unwrap_or(ConsentState::Unknown)),
        username: text("username"),
        phone_number_id: text("phone_number_id"),
        expires_at: num(item, "expires_at"),
    }
}

impl AutomationStore for DynamoStore {
    async fn contact_state(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> Result<ContactState, StoreError> {
        Ok(self
            .live_profile(contact, now)
            .await?
            .map(|item| contact_state_of(&item))
            .unwrap_or_default())
    }

    async fn count_inbound(
        &self,
        contact: &ContactKey,
        since: i64,
        _now: i64,
        _n: u32,
    ) -> Result<u32, StoreError> {
        // The messages are stored before the guard runs: counting them
        // costs a read, where a counter cost a write per message.
        self.inbound_count_since(contact, since).await
    }

    async fn set_handoff(
        &self,
        contact: &ContactKey,
        until: Option<i64>,
    ) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .condition_expression("attribute_exists(pk)");
        let update = match until {
            Some(t) => update
                .update_expression("SET handoff_until = :t")
                .expression_attribute_values(":t", n(t)),
            None => update.update_expression("REMOVE handoff_until"),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e) if super::attrs::is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("set hand-off", e)),
        }
    }

    async fn pause_automation(&self, contact: &ContactKey, until: i64) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .update_expression("SET automation_paused_until = :t")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":t", n(until))
            .send()
            .await
            .map(drop)
            .or_else(|e| {
                if super::attrs::is_conditional_failure(&e) {
                    Ok(())
                } else {
                    Err(store_error("pause automation", e))
                }
            })
    }

    async fn add_tags(&self, contact: &ContactKey, tags: &[String]) -> Result<(), StoreError> {
        if tags.is_empty() {
            return Ok(());
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(PROFILE_SK))
            .update_expression("ADD tags :t")
            .expression_attribute_values(":t", AttributeValue::Ss(tags.to_vec()))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("tag contact", e))
    }

    async fn recent_messages(
        &self,
        contact: &ContactKey,
        limit: u32,
        with_text: bool,
    ) -> Result<Vec<RecentMessage>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :m)")
            .expression_attribute_values(":pk", s(contact_pk(contact)))
            .expression_attribute_values(":m", s(MESSAGE_PREFIX))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(5))
            .send()
            .await
            .map_err(|e| store_error("read recent messages", e))?;
        Ok(out
            .items
            .unwrap_or_default()
            .iter()
            .map(|i| {
                let text = with_text
                    .then(|| i.get("content").and_then(|c| c.as_s().ok()))
                    .flatten()
                    .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
                    .and_then(|v| v["text"]["body"].as_str().map(str::to_owned));
                RecentMessage {
                    direction: i
                        .get("direction")
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default(),
                    message_type: i
                        .get("message_type")
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default(),
                    timestamp: num(i, "ts").unwrap_or(0),
                    wamid: i
                        .get("wamid")
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default(),
                    text,
                }
            })
            .collect())
    }
}
