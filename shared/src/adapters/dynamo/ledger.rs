//! The sender's idempotency ledger: `C#<recipient>` / `OUT#<key>`. It lives in
//! the recipient's partition, so erasing a person erases their ledger too.
//! A send Meta accepted leaves its claim `sending`: its outcome is the
//! stored message (`record_sent`, with the key and the attempt's origin),
//! found again by [`DynamoStore::sent_under`] when the key comes back.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::attrs::{
    is_conditional_failure, n, s, store_error, stored_by_same_record, Item, LEGACY_EFFECTS_FLAG,
};
use super::keys::{contact_pk, ledger_sk, message_sk, messages_between};
use super::messages::ORIGIN;
use super::DynamoStore;
use crate::ports::sending::{Claim, LedgerKey, OutboundLedger, Outcome, SentMessage, SentRef};
use crate::ports::StoreError;

fn num(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)?.as_s().ok().map(String::as_str)
}

impl DynamoStore {
    /// The sent message stored under `key` with a timestamp from `since` to
    /// `until`, read strongly consistent (an attempt may have stored it a
    /// moment ago), as the finished claim it stands for. Only the
    /// contact's messages of those minutes are read, once per key that
    /// comes back while its claim is held.
    async fn sent_under(
        &self,
        key: &LedgerKey,
        since: i64,
        until: i64,
        now: i64,
    ) -> Result<Option<Claim>, StoreError> {
        let (from, to) = messages_between(since, until);
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .filter_expression(
                    "idempotency_key = :key AND direction = :out AND expires_at > :now",
                )
                .projection_expression("wamid, ts, origin")
                .expression_attribute_values(":pk", s(contact_pk(&key.contact)))
                .expression_attribute_values(":from", s(from.clone()))
                .expression_attribute_values(":to", s(to.clone()))
                .expression_attribute_values(":key", s(key.key.as_str()))
                .expression_attribute_values(":out", s("out"))
                .expression_attribute_values(":now", n(now))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| store_error("find sent message", e))?;
            if let Some(item) = out.items().first() {
                let (Some(wamid), Some(sent_at)) = (text(item, "wamid"), num(item, "ts")) else {
                    return Ok(None);
                };
                return Ok(Some(Claim::Finished {
                    outcome: Outcome::Sent {
                        wamid: wamid.to_owned(),
                        sent_at,
                    },
                    effects_pending: text(item, ORIGIN) == Some(key.record.as_str()),
                }));
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(None);
            }
        }
    }
}

impl OutboundLedger for DynamoStore {
    async fn claim(
        &self,
        key: &LedgerKey,
        now: i64,
        lease_secs: i64,
        expires_at: i64,
    ) -> Result<Claim, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&key.contact)))
            .key("sk", s(ledger_sk(&key.key)))
            .update_expression(
                "SET #state = :sending, lease_until = :lease, attempts = if_not_exists(attempts, :zero) + :one, \
                 #type = :type, idempotency_key = :key, created_at = if_not_exists(created_at, :now), updated_at = :now, \
                 expires_at = :exp",
            )
            .condition_expression("attribute_not_exists(#state) OR #state = :retry")
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#type", "type")
            .set_expression_attribute_values(Some(HashMap::from([
                (":sending".to_owned(), s("sending")),
                (":retry".to_owned(), s("retry")),
                (":lease".to_owned(), n(now + lease_secs)),
                (":zero".to_owned(), n(0)),
                (":one".to_owned(), n(1)),
                (":type".to_owned(), s("outbound")),
                (":key".to_owned(), s(key.key.as_str())),
                (":now".to_owned(), n(now)),
                (":exp".to_owned(), n(expires_at)),
            ])))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let old = match result {
            Ok(out) => {
                let attempt = out
                    .attributes
                    .as_ref()
                    .and_then(|a| num(a, "attempts"))
                    .unwrap_or(1);
                return Ok(Claim::Acquired {
                    attempt: u32::try_from(attempt).unwrap_or(u32::MAX),
                });
            }
            Err(e) if is_conditional_failure(&e) => match e.into_service_error() {
                UpdateItemError::ConditionalCheckFailedException(c) => c.item.unwrap_or_default(),
                _ => HashMap::new(),
            },
            Err(e) => return Err(store_error("claim idempotency key", e)),
        };
        if text(&old, "state") == Some("sending") {
            // Sent (the message is stored) unless no message carries the key
            // between the claim and the end of its lease, Meta's answer's
            // latest time (the lease outlasts the function's timeout).
            let claimed = num(&old, "updated_at").unwrap_or(0);
            let until = num(&old, "lease_until").unwrap_or(claimed + lease_secs);
            if let Some(found) = self.sent_under(key, claimed, until, now).await? {
                return Ok(found);
            }
        }
        Ok(match text(&old, "state") {
            Some("sending") if num(&old, "lease_until").is_some_and(|l| l > now) => Claim::InFlight,
            Some("sending") => Claim::Abandoned,
            Some(state) => Claim::Finished {
                outcome: Outcome::from_ledger(
                    state,
                    text(&old, "reason"),
                    match (text(&old, "wamid"), num(&old, "sent_at")) {
                        (Some(w), Some(at)) => Some(SentRef {
                            wamid: w.to_owned(),
                            sent_at: at,
                        }),
                        _ => None,
                    },
                ),
                effects_pending: super::attrs::effects_pending(&old)
                    || stored_by_same_record(Some(&old), ORIGIN, &key.record, LEGACY_EFFECTS_FLAG),
            },
            None => Claim::InFlight,
        })
    }

    async fn finish(&self, key: &LedgerKey, outcome: &Outcome, now: i64) -> Result<(), StoreError> {
        // `origin`: the queue record whose attempt wrote the outcome. A
        // redelivery of it (the attempt may have died before publishing;
        // the chaos run found `message.sent` missing when nothing said so)
        // redoes the effects; no second write clears a flag.
        let mut sets = vec![
            "#state = :state",
            "updated_at = :now",
            "finished_at = :now",
            "origin = :origin",
        ];
        let mut values = HashMap::from([
            (":state".to_owned(), s(outcome.state())),
            (":now".to_owned(), n(now)),
            (":origin".to_owned(), s(&key.record)),
        ]);
        match outcome {
            Outcome::Sent { wamid, sent_at } => {
                sets.extend(["wamid = :wamid", "sent_at = :sent_at"]);
                values.insert(":wamid".into(), s(wamid));
                values.insert(":sent_at".into(), n(sent_at));
            }
            Outcome::Failed { reason, error } => {
                sets.push("reason = :reason");
                values.insert(":reason".into(), s(reason));
                if let Some(e) = error {
                    sets.push("graph_error = :error");
                    let mut m = HashMap::from([("http_status".to_owned(), n(e.http_status))]);
                    if let Some(c) = e.code {
                        m.insert("code".into(), n(c));
                    }
                    for (k, v) in [
                        ("message", &e.message),
                        ("details", &e.details),
                        ("fbtrace_id", &e.fbtrace_id),
                    ] {
                        if let Some(v) = v {
                            m.insert(k.into(), s(v));
                        }
                    }
                    values.insert(":error".into(), AttributeValue::M(m));
                }
            }
            Outcome::Rejected { reason, .. } | Outcome::Suppressed { reason } => {
                sets.push("reason = :reason");
                values.insert(":reason".into(), s(reason));
            }
            Outcome::Expired => {
                sets.push("reason = :reason");
                values.insert(":reason".into(), s("expired"));
            }
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&key.contact)))
            .key("sk", s(ledger_sk(&key.key)))
            .update_expression(format!("SET {} REMOVE lease_until", sets.join(", ")))
            .expression_attribute_names("#state", "state")
            .set_expression_attribute_values(Some(values))
            .send()
            .await
            .map(drop)
            .map_err(|e| store_error("finish idempotency key", e))
    }

    async fn release(&self, key: &LedgerKey, reason: &str, now: i64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(contact_pk(&key.contact)))
            .key("sk", s(ledger_sk(&key.key)))
            .update_expression(
                "SET #state = :retry, last_error = :reason, updated_at = :now REMOVE lease_until",
            )
            .condition_expression("#state = :sending")
            .expression_attribute_names("#state", "state")
            .set_expression_attribute_values(Some(HashMap::from([
                (":retry".to_owned(), s("retry")),
                (":sending".to_owned(), s("sending")),
                (":reason".to_owned(), s(reason)),
                (":now".to_owned(), n(now)),
            ])))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("release idempotency key", e)),
        }
    }

    async fn mark_for_sweep(
        &self,
        contact: &crate::domain::ids::ContactKey,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        DynamoStore::mark_for_sweep(self, contact, expires_at, now).await
    }

    async fn record_sent(&self, m: SentMessage<'_>) -> Result<(), StoreError> {
        let mut item = HashMap::from([
            ("pk".to_owned(), s(contact_pk(m.contact))),
            ("sk".to_owned(), s(message_sk(m.sent_at, m.wamid))),
            ("type".to_owned(), s("message")),
            ("direction".to_owned(), s("out")),
            ("message_type".to_owned(), s(m.message_type)),
            ("wamid".to_owned(), s(m.wamid)),
            ("ts".to_owned(), n(m.sent_at)),
            ("phone_number_id".to_owned(), s(m.phone_number_id.as_str())),
            ("category".to_owned(), s(m.category.as_str())),
            ("content".to_owned(), s(m.body.to_string())),
            ("idempotency_key".to_owned(), s(m.idempotency_key.as_str())),
            (ORIGIN.to_owned(), s(m.origin)),
            ("stored_at".to_owned(), n(m.sent_at)),
            ("expires_at".to_owned(), n(m.expires_at)),
        ]);
        item.extend(super::content::sent(m.message_type, m.body));
        if !m.links.is_empty() {
            let links = m
                .links
                .iter()
                .map(|l| {
                    AttributeValue::M(HashMap::from([
                        ("system".to_owned(), s(&l.system)),
                        ("type".to_owned(), s(&l.kind)),
                        ("id".to_owned(), s(&l.id)),
                    ]))
                })
                .collect();
            item.insert("links".into(), AttributeValue::L(links));
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_conditional_failure(&e) => Ok(()),
            Err(e) => Err(store_error("record sent message", e)),
        }
    }
}
