//! Automation state on the contact's profile, and the flood counter, all in
//! the contact's partition (so erasure takes them too).

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{n, s, store_error};
use super::keys::{contact_pk, flood_sk, MESSAGE_PREFIX, PROFILE_SK};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::records::ConsentState;
use crate::ports::automation::{AutomationStore, ContactState, RecentMessage};
use crate::ports::StoreError;

fn num(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

impl AutomationStore for DynamoStore {
    async fn contact_state(
        &self,
        contact: &ContactKey,
        now: i64,
    ) -> Result<ContactState, StoreError> {
        let Some(item) = self.live_profile(contact, now).await? else {
            return Ok(ContactState::default());
        };
        Ok(ContactState {
            exists: true,
            first_seen_at: num(&item, "first_seen_at"),
            first_wamid: item.get("first_wamid").and_then(|v| v.as_s().ok()).cloned(),
            profile_name: item
                .get("profile_name")
                .and_then(|v| v.as_s().ok())
                .cloned(),
            tags: item
                .get("tags")
                .and_then(|v| v.as_ss().ok())
                .map(|t| t.iter().cloned().collect())
                .unwrap_or_else(BTreeSet::new),
            restricted: item
                .get("restricted")
                .and_then(|v| v.as_bool().ok())
                .copied()
                .unwrap_or(false),
            handoff_until: num(&item, "handoff_until"),
            paused_until: num(&item, "automation_paused_until"),
            consent: item
                .get("consent_state")
                .and_then(|v| v.as_s().ok())
                .map(|s| ConsentState::parse(s).unwrap_or(ConsentState::Unknown)),
        })
    }

    async fn count_inbound(
        &self,
        contact: &ContactKey,
        window_start: i64,
        count: u32,
        expires_at: i64,
    ) -> Result<u32, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(contact)))
            .key("sk", s(flood_sk(window_start)))
            .update_expression("ADD inbound :n SET expires_at = :exp, #type = :type")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":n", n(count))
            .expression_attribute_values(":exp", n(expires_at))
            .expression_attribute_values(":type", s("flood_counter"))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| store_error("count inbound", e))?;
        Ok(out
            .attributes
            .and_then(|a| num(&a, "inbound"))
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(count))
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
