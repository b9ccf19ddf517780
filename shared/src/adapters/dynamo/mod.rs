//! The data table on DynamoDB. Layout (see docs/data-model.md): everything
//! about one person lives in partition `C#<contact>`, so reading or erasing
//! it is one `Query`; every item carries `expires_at` (the TTL attribute).

mod automation;
mod consent;
mod contacts;
mod content;
mod diagnostics;
mod erasure;
mod items;
mod ledger;
mod messages;
mod throttle;

use aws_sdk_dynamodb::Client;

pub use consent::KeyedConsent;
pub use items::{
    consent_sk, contact_pk, message_sk, status_sk, traces_of, DIAGNOSTIC_PREFIX, PROFILE_SK,
};
pub use items::{suppression_pk, MARKETING_OPT_IN_SK, RECEIPT_SK, SWEEP_DAY};
pub use ledger::ledger_sk;
pub use throttle::{slot_capacity, SLOTS_PER_SECOND};

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
mod receipts;
mod subject;
mod sweep;

pub use json::{doc_to_item, item_to_doc};
pub use receipts::{audit_pk, receipt_pk, subject_pk, AUDIT_INDEX, PENDING_ERASURES_PK};
pub use sweep::{touch_sweep_clause, SWEEP_INDEX, SWEEP_MARKER_SK};
