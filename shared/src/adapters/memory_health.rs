//! The health store in memory, with the DynamoDB adapter's dedup: one item
//! per (number, field, fingerprint), overwritten only after Meta's
//! redelivery window.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::domain::account::REDELIVERY_WINDOW_MS;
use crate::domain::records::WriteOutcome;
use crate::ports::health::{HealthRecord, HealthStore};
use crate::ports::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct StoredHealth {
    pub origin: String,
    pub received_at_ms: i64,
    pub kind: &'static str,
    pub raw: String,
}

/// (WABA, display number, field, fingerprint): the item's key.
pub type HealthKey = (String, Option<String>, String, String);

#[derive(Clone, Default)]
pub struct MemoryHealth {
    pub items: Arc<Mutex<BTreeMap<HealthKey, StoredHealth>>>,
}

impl HealthStore for MemoryHealth {
    async fn put_health(&self, r: HealthRecord<'_>) -> Result<WriteOutcome, StoreError> {
        let c = r.change;
        let key = (
            c.waba_id.clone(),
            c.display_number().map(str::to_owned),
            c.field.as_str().to_owned(),
            c.fingerprint.clone(),
        );
        let received = r.from.request.received_at_ms;
        let mut items = self.items.lock().expect("memory health lock");
        if let Some(old) = items.get(&key) {
            if old.received_at_ms >= received - REDELIVERY_WINDOW_MS {
                return Ok(if old.origin == r.from.origin {
                    WriteOutcome::Retried
                } else {
                    WriteOutcome::Duplicate
                });
            }
        }
        items.insert(
            key,
            StoredHealth {
                origin: r.from.origin.to_owned(),
                received_at_ms: received,
                kind: c.kind().as_str(),
                raw: c.raw.clone(),
            },
        );
        Ok(WriteOutcome::Created)
    }
}
