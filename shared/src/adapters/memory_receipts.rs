//! In-memory fakes of the receipts, pending-erasure markers, audit log and
//! subject hasher, with the DynamoDB adapters' rules: receipts found by
//! subject hash until they expire, the audit trail read by subject, newest
//! first, as the `audit` index reads.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use secrecy::SecretString;

use crate::domain::ids::ContactKey;
use crate::domain::privacy::{audit_sk, subject_hash, AuditRecord, Receipt};
use crate::ports::contacts::{AuditLog, AuditPage, ReceiptStore, SubjectHasher};
use crate::ports::{SecretsError, StoreError};

/// Receipts by subject hash, the pending-erasure markers and the audit log.
#[derive(Clone, Default)]
pub struct MemoryReceipts {
    pub receipts: Arc<Mutex<HashMap<String, Receipt>>>,
    /// Receipt id → the contact whose erasure is not finished.
    pub pending: Arc<Mutex<BTreeMap<String, ContactKey>>>,
    pub audit: Arc<Mutex<Vec<AuditRecord>>>,
}

impl ReceiptStore for MemoryReceipts {
    async fn by_subject(
        &self,
        subject_hash: &str,
        now: i64,
    ) -> Result<Option<Receipt>, StoreError> {
        Ok(self
            .receipts
            .lock()
            .expect("receipts lock")
            .get(subject_hash)
            .filter(|r| r.expires_at > now)
            .cloned())
    }

    async fn save(&self, r: &Receipt, pending: Option<&ContactKey>) -> Result<(), StoreError> {
        self.receipts
            .lock()
            .expect("receipts lock")
            .insert(r.subject_hash.clone(), r.clone());
        let mut markers = self.pending.lock().expect("pending lock");
        match pending {
            Some(contact) => markers.insert(r.receipt_id.clone(), contact.clone()),
            None => markers.remove(&r.receipt_id),
        };
        Ok(())
    }

    async fn pending(&self, limit: usize) -> Result<Vec<(Receipt, ContactKey)>, StoreError> {
        let receipts = self.receipts.lock().expect("receipts lock");
        let markers = self.pending.lock().expect("pending lock");
        let mut found: Vec<(Receipt, ContactKey)> = markers
            .iter()
            .filter_map(|(id, contact)| {
                let r = receipts.values().find(|r| &r.receipt_id == id)?;
                Some((r.clone(), contact.clone()))
            })
            .collect();
        found.sort_by_key(|(r, _)| r.requested_at);
        found.truncate(limit);
        Ok(found)
    }
}

impl AuditLog for MemoryReceipts {
    async fn record(&self, record: &AuditRecord) -> Result<(), StoreError> {
        self.audit.lock().expect("audit lock").push(record.clone());
        Ok(())
    }

    /// As the `audit` index reads: by subject, sort key descending.
    async fn trail(
        &self,
        subject_hash: &str,
        after: Option<String>,
        limit: usize,
        now: i64,
    ) -> Result<AuditPage, StoreError> {
        let mut all: Vec<(String, AuditRecord)> = self
            .audit
            .lock()
            .expect("audit lock")
            .iter()
            .filter(|a| a.subject_hash == subject_hash)
            .map(|a| (audit_sk(a.at_ms, &a.request_id), a.clone()))
            .filter(|(sk, _)| after.as_ref().is_none_or(|after| sk < after))
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0));
        let more = all.len() > limit;
        all.truncate(limit.max(1));
        let next = more.then(|| all.last().map(|(sk, _)| sk.clone())).flatten();
        Ok(AuditPage {
            records: all
                .into_iter()
                .map(|(_, a)| a)
                .filter(|a| a.expires_at > now)
                .collect(),
            next,
        })
    }
}

/// The subject hash under a fixed key: the same keyed HMAC as deployed.
pub struct FixedKeyHasher(pub SecretString);

impl SubjectHasher for FixedKeyHasher {
    async fn hash(&self, contact: &ContactKey) -> Result<String, SecretsError> {
        Ok(subject_hash(&self.0, contact))
    }
}
