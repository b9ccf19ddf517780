//! The data table on DynamoDB. Layout (see docs/data-model.md): everything
//! about one person lives in partition `C#<contact>`, so reading or erasing
//! it is one `Query`; every item carries `expires_at` (the TTL attribute).

mod attrs;
mod automation;
mod batch;
mod consent;
mod content;
mod diagnostics;
mod erasure;
mod health;
mod keys;
mod ledger;
mod media;
mod messages;
mod numbers;
mod pacing;
mod profiles;

use aws_sdk_dynamodb::Client;

pub use consent::KeyedConsent;
pub use pacing::{slot_capacity, SLOTS_PER_SECOND};

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn now_secs() -> i64 {
    use crate::ports::Clock;
    crate::ports::SystemClock.now_secs()
}

mod json;
mod partition_reads;
mod profile_changes;
mod receipts;
mod review;
mod sweep;
mod templates;
mod upload_cache;
mod window;

pub use json::{doc_to_item, item_to_doc};
pub use receipts::AUDIT_INDEX;
pub use sweep::{touch_sweep_clause, SWEEP_INDEX};
