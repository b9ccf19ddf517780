//! The data table on DynamoDB. Layout (see docs/data-model.md): everything
//! about one person lives in partition `C#<contact>`, so reading or erasing
//! it is one `Query`; every item carries `expires_at` (the TTL attribute).

mod contacts;
mod diagnostics;
mod items;
mod ledger;
mod messages;
mod throttle;

use aws_sdk_dynamodb::Client;

pub use items::{contact_pk, message_sk, status_sk, DIAGNOSTIC_PREFIX, PROFILE_SK};
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
