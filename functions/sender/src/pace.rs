//! Each business number's rate (docs/sending.md, "Pacing"): Meta's
//! throughput level for it, as the sync and the upgrade webhooks left it in
//! the store, never above `MessagesPerSecond`. An instance keeps a number's
//! level a minute: one read (0.5 RRU) per number, minute and instance, and
//! an upgrade is followed within a minute.

use std::collections::HashMap;
use std::sync::Mutex;

use shared::domain::ids::PhoneNumberId;
use shared::domain::pacing::{pace, ThroughputLevel};
use shared::ports::numbers::NumberLevels;
use shared::ports::{Clock, StoreError};

use crate::{Sender, SenderPorts};

/// How long an instance trusts a level it read.
const LEVEL_KEPT_MS: i64 = 60_000;

/// Each number's level as this instance last read it, and when.
#[derive(Default)]
pub struct PaceCache(Mutex<HashMap<String, (Option<ThroughputLevel>, i64)>>);

impl<P: SenderPorts> Sender<P> {
    /// Messages a second for `number`, shared by every instance.
    pub(crate) async fn pace_of(&self, number: &PhoneNumberId) -> Result<u32, StoreError> {
        let now = self.clock.now_ms();
        let cap = self.settings.messages_per_second;
        let kept = self
            .pace_cache
            .0
            .lock()
            .ok()
            .and_then(|m| m.get(number.as_str()).copied())
            .filter(|(_, read_at)| now - read_at < LEVEL_KEPT_MS);
        if let Some((level, _)) = kept {
            return Ok(pace(level, cap));
        }
        let level = self.numbers.throughput(number).await?;
        if let Ok(mut m) = self.pace_cache.0.lock() {
            m.insert(number.as_str().to_owned(), (level, now));
        }
        Ok(pace(level, cap))
    }
}
