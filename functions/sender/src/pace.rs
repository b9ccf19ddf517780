//! Each business number's rate (docs/sending.md, "Pacing"): Meta's
//! throughput level for it, as the sync and the upgrade webhooks left it in
//! the store, never above `MessagesPerSecond`. An instance keeps a number's
//! level a minute: one read (0.5 RRU) per number, minute and instance, and
//! an upgrade is followed within a minute.
//!
//! Permits come from the shared 100 ms slots, taken in one write for every
//! send of this instance waiting for one for the same number, rather than
//! one write per send (issue #19; counting all sends in flight, of any
//! number, took permits that went unused: 86 % of the rate with 16
//! instances and two numbers, BENCHMARKS.md); a permit is used only within the slot it was taken for, so the
//! rate is never exceeded, and what a slot's sends did not use is lost
//! with the slot.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use shared::adapters::dynamo::SLOTS_PER_SECOND;
use shared::ports::sending::Throttle;

use shared::domain::ids::PhoneNumberId;
use shared::domain::pacing::{pace, ThroughputLevel};
use shared::ports::numbers::NumberLevels;
use shared::ports::{Clock, StoreError};

use crate::deliver::jitter;
use crate::{Sender, SenderPorts};

/// How long an instance trusts a level it read.
const LEVEL_KEPT_MS: i64 = 60_000;

/// How long a send may wait in the function for a pacing permit before it
/// goes back to the queue instead. Waiting holds the batch, and with it any
/// other number's commands in it; going back at once was measured worse
/// (BENCHMARKS.md, "Two numbers in one deployment").
const MAX_PERMIT_WAIT: Duration = Duration::from_secs(5);

const SLOT_MS: i64 = 1000 / SLOTS_PER_SECOND;

/// This instance's pacing state: each number's level as it last read it
/// (and when), how many of its sends wait for a permit per number, and the
/// permits it holds per number (the slot they are for, how many are left).
#[derive(Default)]
pub struct PaceCache {
    levels: Mutex<HashMap<String, (Option<ThroughputLevel>, i64)>>,
    waiting: Mutex<HashMap<String, usize>>,
    permits: tokio::sync::Mutex<HashMap<String, (i64, u32)>>,
}

/// One send waiting for a permit for its number, while it lives.
struct Waiting<'a>(&'a PaceCache, &'a str);

impl PaceCache {
    fn wait_for<'a>(&'a self, number: &'a str) -> Waiting<'a> {
        if let Ok(mut w) = self.waiting.lock() {
            *w.entry(number.to_owned()).or_default() += 1;
        }
        Waiting(self, number)
    }

    fn waiting(&self, number: &str) -> usize {
        self.waiting
            .lock()
            .ok()
            .and_then(|w| w.get(number).copied())
            .unwrap_or(0)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.0.waiting.lock() {
            if let Some(n) = w.get_mut(self.1) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

impl<P: SenderPorts> Sender<P> {
    /// Messages a second for `number`, shared by every instance.
    pub(crate) async fn pace_of(&self, number: &PhoneNumberId) -> Result<u32, StoreError> {
        let now = self.clock.now_ms();
        let cap = self.settings.messages_per_second;
        let kept = self
            .pace_cache
            .levels
            .lock()
            .ok()
            .and_then(|m| m.get(number.as_str()).copied())
            .filter(|(_, read_at)| now - read_at < LEVEL_KEPT_MS);
        if let Some((level, _)) = kept {
            return Ok(pace(level, cap));
        }
        let level = self.numbers.throughput(number).await?;
        if let Ok(mut m) = self.pace_cache.levels.lock() {
            m.insert(number.as_str().to_owned(), (level, now));
        }
        Ok(pace(level, cap))
    }

    /// Waits (briefly) for a pacing permit shared with every instance, at
    /// the number's own rate: from those this instance holds for the
    /// current slot, or by taking, in one write, one for each of its sends
    /// in flight.
    pub(crate) async fn permit(&self, number: &PhoneNumberId) -> Result<bool, StoreError> {
        let per_second = self.pace_of(number).await?;
        let _waiting = self.pace_cache.wait_for(number.as_str());
        let started = std::time::Instant::now();
        loop {
            let now_ms = self.clock.now_ms();
            let slot = now_ms.div_euclid(SLOT_MS);
            {
                let mut held = self.pace_cache.permits.lock().await;
                let (for_slot, left) = held.entry(number.as_str().to_owned()).or_insert((slot, 0));
                if *for_slot == slot && *left > 0 {
                    *left -= 1;
                    return Ok(true);
                }
                let wanted = self.pace_cache.waiting(number.as_str()).max(1);
                let wanted = u32::try_from(wanted).unwrap_or(u32::MAX);
                let got = self
                    .throttle
                    .take(number, wanted, per_second, now_ms)
                    .await?;
                if got > 0 {
                    (*for_slot, *left) = (slot, got - 1);
                    return Ok(true);
                }
            }
            if started.elapsed() > MAX_PERMIT_WAIT {
                return Ok(false);
            }
            // The next 100 ms slot, plus a little spread between waiters.
            let wait = SLOT_MS - now_ms.rem_euclid(SLOT_MS) + (jitter() * 10.0) as i64;
            tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(100))).await;
        }
    }
}
