//! Pacing shared by all sender instances, in DynamoDB: one counter item per
//! business number and 100 ms slot. A slot grants at most a tenth of the
//! per-second limit, so bursts stay within Meta's one-second allowance even
//! when instances' clocks and Meta's window are not aligned.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::attrs::{is_conditional_failure, n, s, store_error};
use super::keys::{pause_pk, rate_pk};
use super::DynamoStore;
use crate::domain::ids::PhoneNumberId;
use crate::ports::sending::Throttle;
use crate::ports::StoreError;

pub const SLOTS_PER_SECOND: i64 = 10;

/// Permits in slot `k` of a second: spreads a limit that is not a multiple
/// of ten evenly (80 → 8 each; 25 → 2,3,2,3,…).
pub fn slot_capacity(per_second: u32, slot: i64) -> u32 {
    let k = slot.rem_euclid(SLOTS_PER_SECOND);
    let limit = i64::from(per_second);
    let cap = limit * (k + 1) / SLOTS_PER_SECOND - limit * k / SLOTS_PER_SECOND;
    u32::try_from(cap).unwrap_or(0)
}

impl Throttle for DynamoStore {
    async fn take(
        &self,
        number: &PhoneNumberId,
        wanted: u32,
        per_second: u32,
        now_ms: i64,
    ) -> Result<u32, StoreError> {
        let slot = now_ms.div_euclid(1000 / SLOTS_PER_SECOND);
        let capacity = slot_capacity(per_second, slot);
        let mut ask = wanted.min(capacity);
        // Two tries: all we want, then whatever the slot still has.
        for _ in 0..2 {
            if ask == 0 {
                return Ok(0);
            }
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .key("pk", s(rate_pk(number)))
                .key("sk", s(slot.to_string()))
                .update_expression("ADD used :n SET expires_at = :exp, #type = :type")
                .expression_attribute_names("#type", "type")
                .condition_expression("attribute_not_exists(used) OR used <= :max")
                .set_expression_attribute_values(Some(HashMap::from([
                    (":n".to_owned(), n(ask)),
                    (":max".to_owned(), n(i64::from(capacity) - i64::from(ask))),
                    (":exp".to_owned(), n(now_ms / 1000 + 3600)),
                    (":type".to_owned(), s("pacing")),
                ])))
                .return_values_on_condition_check_failure(
                    aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .send()
                .await;
            match result {
                Ok(_) => return Ok(ask),
                Err(e) if is_conditional_failure(&e) => {
                    let used = match e.into_service_error() {
                        aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c) => c
                            .item
                            .and_then(|i| i.get("used").and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<u32>().ok())),
                        _ => None,
                    };
                    ask = capacity
                        .saturating_sub(used.unwrap_or(capacity))
                        .min(ask.saturating_sub(1));
                }
                Err(e) => return Err(store_error("take send permits", e)),
            }
        }
        Ok(0)
    }

    async fn paused_until(
        &self,
        number: &PhoneNumberId,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pause_pk(number)))
            .key("sk", s("PAUSE"))
            .send()
            .await
            .map_err(|e| store_error("read pause", e))?;
        Ok(out
            .item
            .and_then(|i| {
                i.get("until")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse::<i64>().ok())
            })
            .filter(|until| *until > now))
    }

    async fn pause(&self, number: &PhoneNumberId, until: i64) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pause_pk(number)))
            .item("sk", s("PAUSE"))
            .item("until", n(until))
            .item("type", s("pause"))
            .item(
                "expires_at",
                AttributeValue::N((until + 86_400).to_string()),
            )
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("pause number", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_of_a_second_add_up_to_the_limit() {
        for limit in [1, 20, 25, 80, 1000] {
            let total: u32 = (0..SLOTS_PER_SECOND).map(|k| slot_capacity(limit, k)).sum();
            assert_eq!(total, limit);
        }
        assert_eq!(slot_capacity(80, 3), 8);
    }
}
