//! Erasure receipts and the audit log. Neither holds a phone number: the
//! subject is the keyed hash. The one exception is the pending-erasure
//! marker, which must name the partition until its erasure is finished.

use std::collections::HashMap;

use super::attrs::{n, s, store_error, Item, SWEEP_DAY};
use super::keys::{audit_pk, receipt_pk, subject_pk, PENDING_ERASURES_PK, RECEIPT_SK};
use super::DynamoStore;
use crate::domain::ids::ContactKey;
use crate::domain::privacy::{audit_sk, day_of, AuditRecord, Receipt};
use crate::ports::contacts::{AuditLog, AuditPage, ReceiptStore};
use crate::ports::StoreError;

fn pending_sk(r: &Receipt) -> String {
    format!("{:010}#{}", r.requested_at.max(0), r.receipt_id)
}

fn num(item: &Item, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

fn text(item: &Item, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

fn receipt_from(item: &Item) -> Option<Receipt> {
    Some(Receipt {
        receipt_id: text(item, "receipt_id")?,
        subject_hash: text(item, "subject_hash")?,
        requested_at: num(item, "requested_at")?,
        completed_at: num(item, "completed_at"),
        items_deleted: num(item, "items_deleted").unwrap_or(0).max(0) as u64,
        // Absent on receipts written before the media bucket existed.
        objects_deleted: num(item, "objects_deleted").unwrap_or(0).max(0) as u64,
        expires_at: num(item, "expires_at")?,
    })
}

fn receipt_item(r: &Receipt, pk: String) -> Item {
    let mut item = HashMap::from([
        ("pk".to_owned(), s(pk)),
        ("sk".to_owned(), s(RECEIPT_SK)),
        ("type".to_owned(), s("erasure_receipt")),
        ("receipt_id".to_owned(), s(&r.receipt_id)),
        ("subject_hash".to_owned(), s(&r.subject_hash)),
        ("status".to_owned(), s(r.state().as_str())),
        ("requested_at".to_owned(), n(r.requested_at)),
        ("items_deleted".to_owned(), n(r.items_deleted)),
        ("objects_deleted".to_owned(), n(r.objects_deleted)),
        ("expires_at".to_owned(), n(r.expires_at)),
        // On the retention sweep from the day it expires.
        (SWEEP_DAY.to_owned(), s(day_of(r.expires_at))),
    ]);
    if let Some(c) = r.completed_at {
        item.insert("completed_at".into(), n(c));
    }
    item
}

impl ReceiptStore for DynamoStore {
    async fn by_subject(
        &self,
        subject_hash: &str,
        now: i64,
    ) -> Result<Option<Receipt>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(subject_pk(subject_hash)))
            .key("sk", s(RECEIPT_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("get receipt", e))?;
        Ok(out
            .item
            .as_ref()
            .and_then(receipt_from)
            .filter(|r| r.expires_at > now))
    }

    async fn save(&self, r: &Receipt, pending: Option<&ContactKey>) -> Result<(), StoreError> {
        // The receipt by id, and a copy under the subject's hash, which is how
        // a repeated request finds it without the number.
        for pk in [receipt_pk(&r.receipt_id), subject_pk(&r.subject_hash)] {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(receipt_item(r, pk)))
                .send()
                .await
                .map_err(|e| store_error("put receipt", e))?;
        }
        let key =
            |b: aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder| {
                b.table_name(&self.table)
                    .key("pk", s(PENDING_ERASURES_PK))
                    .key("sk", s(pending_sk(r)))
            };
        match pending {
            Some(contact) => self
                .client
                .put_item()
                .table_name(&self.table)
                .item("pk", s(PENDING_ERASURES_PK))
                .item("sk", s(pending_sk(r)))
                .item("type", s("pending_erasure"))
                .item("receipt_id", s(&r.receipt_id))
                .item("contact", s(contact.storage_id()))
                .item("expires_at", n(r.expires_at))
                .send()
                .await
                .map(drop)
                .map_err(|e| store_error("put pending erasure", e)),
            None => key(self.client.delete_item())
                .send()
                .await
                .map(drop)
                .map_err(|e| store_error("delete pending erasure", e)),
        }
    }

    async fn pending(&self, limit: usize) -> Result<Vec<(Receipt, ContactKey)>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(PENDING_ERASURES_PK))
            .limit(i32::try_from(limit).unwrap_or(100))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| store_error("query pending erasures", e))?;
        let mut found = Vec::new();
        for marker in out.items.unwrap_or_default() {
            let (Some(id), Some(contact)) = (text(&marker, "receipt_id"), text(&marker, "contact"))
            else {
                continue;
            };
            let Some(contact) = ContactKey::parse_storage_id(&contact) else {
                continue;
            };
            let got = self
                .client
                .get_item()
                .table_name(&self.table)
                .key("pk", s(receipt_pk(&id)))
                .key("sk", s(RECEIPT_SK))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| store_error("get receipt", e))?;
            if let Some(r) = got.item.as_ref().and_then(receipt_from) {
                found.push((r, contact));
            }
        }
        Ok(found)
    }
}

/// The sparse index of audit records by subject: hash `audit_subject` (the
/// keyed hash, on audit records only), range `sk` (time first), so one
/// person's trail is a Query, newest first, never a Scan.
pub const AUDIT_INDEX: &str = "audit";
const AUDIT_SUBJECT: &str = "audit_subject";

fn audit_from(item: &Item) -> Option<AuditRecord> {
    let sk = text(item, "sk")?;
    let (ms, request_id) = sk.split_once('#')?;
    Some(AuditRecord {
        principal: text(item, "principal")?,
        action: text(item, "action")?,
        detail: text(item, "detail"),
        subject_hash: text(item, AUDIT_SUBJECT)?,
        at_ms: ms.parse().ok()?,
        request_id: request_id.to_owned(),
        expires_at: num(item, "expires_at")?,
    })
}

impl AuditLog for DynamoStore {
    async fn record(&self, a: &AuditRecord) -> Result<(), StoreError> {
        let at = a.at_ms.div_euclid(1000);
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(audit_pk(at)))
            .item("sk", s(audit_sk(a.at_ms, &a.request_id)))
            .item("type", s("audit"))
            .item("principal", s(&a.principal))
            .item("action", s(&a.action))
            .item("subject_hash", s(&a.subject_hash))
            .item(AUDIT_SUBJECT, s(&a.subject_hash))
            .item("at", n(at))
            .item("request_id", s(&a.request_id))
            .item("expires_at", n(a.expires_at));
        if let Some(d) = &a.detail {
            put = put.item("detail", s(d));
        }
        put.send()
            .await
            .map(drop)
            .map_err(|e| store_error("put audit record", e))
    }

    async fn trail(
        &self,
        subject_hash: &str,
        after: Option<String>,
        limit: usize,
        now: i64,
    ) -> Result<AuditPage, StoreError> {
        let start = after.and_then(|sk| {
            let ms: i64 = sk.split_once('#')?.0.parse().ok()?;
            Some(HashMap::from([
                (AUDIT_SUBJECT.to_owned(), s(subject_hash)),
                ("sk".to_owned(), s(&sk)),
                ("pk".to_owned(), s(audit_pk(ms.div_euclid(1000)))),
            ]))
        });
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(AUDIT_INDEX)
            .key_condition_expression("#subject = :h")
            .expression_attribute_names("#subject", AUDIT_SUBJECT)
            .expression_attribute_values(":h", s(subject_hash))
            .scan_index_forward(false)
            .limit(i32::try_from(limit.max(1)).unwrap_or(100))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| store_error("query audit trail", e))?;
        let next = out.last_evaluated_key.as_ref().and_then(|k| text(k, "sk"));
        Ok(AuditPage {
            records: out
                .items
                .unwrap_or_default()
                .iter()
                .filter_map(audit_from)
                .filter(|a| a.expires_at > now)
                .collect(),
            next,
        })
    }
}
