//! Each business number's throughput level on the data table, for the
//! sender's pacing (docs/sending.md, "Pacing"): on the number's item
//! (`TPLNUM#<id>` / `WABA`, beside its WABA), with `TPLDISP#<digits>` /
//! `NUMBER` naming the id of a display number, because account webhooks
//! name the number only by that. The sync writes both; a
//! `THROUGHPUT_UPGRADE` webhook raises the level at once.

use super::attrs::{is_conditional_failure, n, s, store_error, Item};
use super::keys::{number_display_pk, template_number_pk, NUMBER_DISPLAY_SK, TEMPLATE_NUMBER_SK};
use super::DynamoStore;
use crate::domain::ids::PhoneNumberId;
use crate::domain::pacing::{BusinessNumber, ThroughputLevel};
use crate::domain::templates::WabaId;
use crate::ports::numbers::NumberLevels;
use crate::ports::StoreError;

const LEVEL: &str = "throughput_level";

/// A sync's items for `numbers`: each number's, and its display number's.
pub(super) fn number_items(waba: &WabaId, numbers: &[BusinessNumber], now: i64) -> Vec<Item> {
    let mut items = Vec::new();
    for number in numbers {
        let mut item = Item::from([
            ("pk".to_owned(), s(template_number_pk(&number.id))),
            ("sk".to_owned(), s(TEMPLATE_NUMBER_SK)),
            ("type".to_owned(), s("template_number")),
            ("waba_id".to_owned(), s(waba.as_str())),
            ("synced_at".to_owned(), n(now)),
        ]);
        if let Some(level) = number.throughput {
            item.insert(LEVEL.to_owned(), s(level.as_str()));
        }
        if let Some(digits) = &number.display_digits {
            item.insert("display_digits".to_owned(), s(digits));
            items.push(Item::from([
                ("pk".to_owned(), s(number_display_pk(digits))),
                ("sk".to_owned(), s(NUMBER_DISPLAY_SK)),
                ("type".to_owned(), s("number_display")),
                ("phone_number_id".to_owned(), s(number.id.as_str())),
                ("synced_at".to_owned(), n(now)),
            ]));
        }
        items.push(item);
    }
    items
}

impl DynamoStore {
    /// The number's item as the last sync wrote it. Eventually consistent
    /// (half the read): the sender keeps what it reads.
    pub(super) async fn number_item(
        &self,
        number: &PhoneNumberId,
        operation: &'static str,
    ) -> Result<Option<Item>, StoreError> {
        self.sync_item(template_number_pk(number), TEMPLATE_NUMBER_SK, operation)
            .await
    }

    /// One item the sync wrote, eventually consistent.
    async fn sync_item(
        &self,
        pk: String,
        sk: &str,
        operation: &'static str,
    ) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .send()
            .await
            .map_err(|e| store_error(operation, e))?;
        Ok(out.item)
    }
}

impl NumberLevels for DynamoStore {
    async fn throughput(
        &self,
        number: &PhoneNumberId,
    ) -> Result<Option<ThroughputLevel>, StoreError> {
        let item = self
            .number_item(number, "read a number's throughput level")
            .await?;
        Ok(item
            .as_ref()
            .and_then(|i| i.get(LEVEL))
            .and_then(|v| v.as_s().ok())
            .and_then(|l| ThroughputLevel::parse(l)))
    }

    async fn set_throughput(
        &self,
        display_digits: &str,
        level: ThroughputLevel,
    ) -> Result<bool, StoreError> {
        let display = self
            .sync_item(
                number_display_pk(display_digits),
                NUMBER_DISPLAY_SK,
                "read a display number's id",
            )
            .await?;
        let Some(id) = display
            .as_ref()
            .and_then(|i| i.get("phone_number_id"))
            .and_then(|v| v.as_s().ok())
            .and_then(|id| PhoneNumberId::parse(id).ok())
        else {
            return Ok(false);
        };
        // Only on a number a sync wrote (with its WABA): never a bare item.
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(template_number_pk(&id)))
            .key("sk", s(TEMPLATE_NUMBER_SK))
            .update_expression("SET #level = :level")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#level", LEVEL)
            .expression_attribute_values(":level", s(level.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_conditional_failure(&e) => Ok(false),
            Err(e) => Err(store_error("set a number's throughput level", e)),
        }
    }
}
