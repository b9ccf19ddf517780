//! Each business number's rate (docs/sending.md, "Pacing"): Meta's
//! throughput level for it, as the sync and the upgrade webhooks left it in
//! the store, never above `MessagesPerSecond`. An instance keeps a number's
//! level a minute: one read (0.5 RRU) per number, minute and instance, and
//! an upgrade is followed within a minute.
//!
//! Permits come from the shared 100 ms slots, taken for every send this
//! instance has in flight at once rather than one write per send (issue
//! #19); a permit is used only within the slot it was taken for, so the
//! rate is never exceeded, and what a slot's sends did not use is lost
//! with the slot.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// (and when), its sends in flight, and the permits it holds per number
/// (the slot they are for, how many are left).
#[derive(Default)]
pub struct PaceCache {
    levels: Mutex<HashMap<String, (Option<ThroughputLevel>, i64)>>,
    in_flight: AtomicUsize,
    permits: tokio::sync::Mutex<HashMap<String, (i64, u32)>>,
}

/// One send in flight while it lives.
pub(crate) struct InFlight<'a>(&'a PaceCache);

impl PaceCache {
    pub(crate) fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
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
                let wanted = self.pace_cache.in_flight.load(Ordering::Relaxed).max(1);
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
