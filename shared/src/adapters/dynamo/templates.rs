//! The template store on the data table (docs/templates.md, "Storage"):
//! `TPL#<waba>` holds one item per template and the sync state;
//! `TPLNUM#<number>` names a number's WABA (and its throughput level,
//! `numbers.rs`). A send reads one template item
//! (GetItem, eventually consistent: 0.5 RRU up to 4 KB); the number's item
//! is read once per number and sender instance. `U#<name>#<language>`
//! holds a template's last use by a command (the review's "paused or
//! disabled templates used in the last day"), expiring a week later.

use std::collections::HashSet;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use serde_json::Value;

use super::attrs::{n, s, store_error, Item};
use super::keys::{
    template_sk, template_use_sk, templates_pk, TEMPLATE_PREFIX, TEMPLATE_SYNC_SK,
    TEMPLATE_USE_PREFIX,
};
use super::DynamoStore;
use crate::domain::ids::PhoneNumberId;
use crate::domain::pacing::BusinessNumber;
use crate::domain::templates::{TemplateChange, TemplateDefinition, TemplateKey, WabaId};
use crate::ports::templates::{SyncState, TemplateStore, TemplateUse};
use crate::ports::StoreError;

/// How long a template's last use is kept: the review looks back one day.
const USE_KEPT_SECS: i64 = 7 * 86_400;

fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn number(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

fn template_item(waba: &WabaId, t: &TemplateDefinition, now: i64) -> Item {
    let mut item = Item::from([
        ("pk".to_owned(), s(templates_pk(waba))),
        ("sk".to_owned(), s(template_sk(&t.key))),
        ("type".to_owned(), s("template")),
        ("name".to_owned(), s(&t.key.name)),
        ("language".to_owned(), s(&t.key.language)),
        ("status".to_owned(), s(&t.status)),
        ("parameter_format".to_owned(), s(&t.parameter_format)),
        ("updated_at".to_owned(), n(now)),
    ]);
    let optional = [
        ("template_id", t.id.clone()),
        ("category", t.category.clone()),
        ("quality", t.quality.clone()),
        ("components", t.components.as_ref().map(Value::to_string)),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            item.insert(name.to_owned(), s(v));
        }
    }
    item
}

fn definition(item: &Item) -> Option<TemplateDefinition> {
    let name = text(item, "name")?;
    let language = text(item, "language")?;
    Some(TemplateDefinition {
        key: TemplateKey::new(&name, &language),
        id: text(item, "template_id"),
        status: text(item, "status").unwrap_or_else(|| "UNKNOWN".into()),
        category: text(item, "category"),
        // Stored as Meta's JSON; a value that no longer parses is as unknown.
        components: text(item, "components").and_then(|c| serde_json::from_str(&c).ok()),
        parameter_format: text(item, "parameter_format").unwrap_or_else(|| "POSITIONAL".into()),
        quality: text(item, "quality"),
    })
}

impl DynamoStore {
    async fn put_items(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for chunk in items.chunks(super::batch::BATCH_MAX) {
            let requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(item.clone()))
                                .build()
                                .expect("item is set"),
                        )
                        .build()
                })
                .collect();
            self.batch_write(requests, "batch put templates").await?;
        }
        Ok(())
    }

    /// The sort keys of every template item a WABA has.
    async fn template_keys(&self, waba: &WabaId) -> Result<Vec<Item>, StoreError> {
        self.prefix_items(waba, TEMPLATE_PREFIX, None, "query templates")
            .await
    }

    /// Every item of the WABA's partition whose sort key starts with
    /// `prefix`, page by page: only its keys, or, given `used_since`, whole
    /// use items (`U#`) recorded at or after it.
    async fn prefix_items(
        &self,
        waba: &WabaId,
        prefix: &str,
        used_since: Option<i64>,
        operation: &'static str,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(templates_pk(waba)))
                .expression_attribute_values(":prefix", s(prefix));
            query = match used_since {
                Some(since) => query
                    .filter_expression("used_at >= :since")
                    .expression_attribute_values(":since", n(since)),
                None => query.projection_expression("pk, sk"),
            };
            let out = query
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| store_error(operation, e))?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}

impl TemplateStore for DynamoStore {
    async fn waba_of(&self, number: &PhoneNumberId) -> Result<Option<WabaId>, StoreError> {
        let item = self.number_item(number, "read a number's WABA").await?;
        Ok(item
            .as_ref()
            .and_then(|i| text(i, "waba_id"))
            .and_then(|w| WabaId::parse(&w)))
    }

    async fn get(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
    ) -> Result<Option<TemplateDefinition>, StoreError> {
        // Eventually consistent: a webhook's change is seen within a second,
        // and the read costs half.
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(template_sk(key)))
            .send()
            .await
            .map_err(|e| store_error("read a template", e))?;
        Ok(out.item.as_ref().and_then(definition))
    }

    async fn put_all(
        &self,
        waba: &WabaId,
        templates: &[TemplateDefinition],
        numbers: &[BusinessNumber],
        now: i64,
    ) -> Result<(), StoreError> {
        let kept: HashSet<String> = templates.iter().map(|t| template_sk(&t.key)).collect();
        let stale: Vec<Item> = self
            .template_keys(waba)
            .await?
            .into_iter()
            .filter(|k| !text(k, "sk").is_some_and(|sk| kept.contains(&sk)))
            .collect();
        self.put_items(
            templates
                .iter()
                .map(|t| template_item(waba, t, now))
                .collect(),
        )
        .await?;
        self.delete_keys(stale).await?;
        // The numbers last: a number is checked only once its WABA's
        // templates are all in place.
        let number_items = super::numbers::number_items(waba, numbers, now);
        self.put_items(number_items).await?;
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(TEMPLATE_SYNC_SK))
            .update_expression("SET #type = :type, synced_at = :now, templates = :count")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":type", s("template_sync"))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":count", n(templates.len()))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("record a template sync", e))
    }

    async fn apply(&self, waba: &WabaId, change: &TemplateChange) -> Result<(), StoreError> {
        // Read, change, write: template webhooks are rare, and a race with
        // a sync is settled by the next sync.
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(template_sk(&change.key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read a template", e))?;
        let mut def = out
            .item
            .as_ref()
            .and_then(definition)
            .unwrap_or_else(|| TemplateDefinition::learned(change));
        def.apply(change);
        let now = super::now_secs();
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(template_item(waba, &def, now)))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("apply a template change", e))
    }

    async fn sync_failed(&self, waba: &WabaId, error: &str, now: i64) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(TEMPLATE_SYNC_SK))
            .update_expression("SET #type = :type, failed_at = :now, #error = :error")
            .expression_attribute_names("#type", "type")
            .expression_attribute_names("#error", "error")
            .expression_attribute_values(":type", s("template_sync"))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":error", AttributeValue::S(error.to_owned()))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("record a failed template sync", e))
    }

    async fn sync_state(&self, waba: &WabaId) -> Result<SyncState, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(TEMPLATE_SYNC_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("read the template sync state", e))?;
        let Some(item) = out.item else {
            return Ok(SyncState::default());
        };
        Ok(SyncState {
            synced_at: number(&item, "synced_at"),
            templates: number(&item, "templates")
                .and_then(|c| u32::try_from(c).ok())
                .unwrap_or(0),
            failed_at: number(&item, "failed_at"),
            error: text(&item, "error"),
        })
    }

    async fn mark_used(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
        now: i64,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(templates_pk(waba)))
            .key("sk", s(template_use_sk(key)))
            .update_expression(
                "SET #type = :type, #name = :name, #language = :language, used_at = :now, expires_at = :expires",
            )
            .expression_attribute_names("#type", "type")
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#language", "language")
            .expression_attribute_values(":type", s("template_use"))
            .expression_attribute_values(":name", s(&key.name))
            .expression_attribute_values(":language", s(&key.language))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":expires", n(now + USE_KEPT_SECS))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("record a template's use", e))
    }

    async fn used_since(&self, waba: &WabaId, since: i64) -> Result<Vec<TemplateUse>, StoreError> {
        let items = self
            .prefix_items(
                waba,
                TEMPLATE_USE_PREFIX,
                Some(since),
                "query template uses",
            )
            .await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                Some(TemplateUse {
                    key: TemplateKey::new(&text(item, "name")?, &text(item, "language")?),
                    used_at: number(item, "used_at")?,
                })
            })
            .collect())
    }
}
