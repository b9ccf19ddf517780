//! Which recipients without a profile this instance has already put on the
//! retention sweep today. `mark_for_sweep` is one write (the partition's
//! `SWEEP` marker); written for every send, it cost 1 WRU per send to such
//! a recipient (BENCHMARKS.md, issue #19), where the sweep needs it once a
//! day: the marker's `sweep_day` is set only if absent, and the sweep
//! itself moves the marker's expiry to the partition's latest (sweep.rs).
//! A marker one day behind the last send is still never deleted before
//! the partition's next expiry, the day the sweep visits it.

use std::collections::HashSet;
use std::sync::Mutex;

use shared::domain::ids::ContactKey;

/// Recipients remembered per instance and day, at most this many: past
/// it, the set starts again (a write per recipient again, never a miss).
const MAX_REMEMBERED: usize = 50_000;

#[derive(Default)]
pub struct SweepMarks {
    day: Mutex<(i64, HashSet<ContactKey>)>,
}

impl SweepMarks {
    /// This instance put `contact` on the sweep on the day of `now`.
    pub(crate) fn marked(&self, contact: &ContactKey, now: i64) -> bool {
        self.day
            .lock()
            .is_ok_and(|d| d.0 == now.div_euclid(86_400) && d.1.contains(contact))
    }

    /// Remembers a marker written (call it only once the write succeeded).
    pub(crate) fn remember(&self, contact: &ContactKey, now: i64) {
        let Ok(mut d) = self.day.lock() else { return };
        let day = now.div_euclid(86_400);
        if d.0 != day || d.1.len() >= MAX_REMEMBERED {
            *d = (day, HashSet::new());
        }
        d.1.insert(contact.clone());
    }
}
