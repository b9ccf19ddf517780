//! The simulator's clock: real time plus an offset that tests move
//! (`POST /_sim/clock`), so media URLs (5 minutes), media ids (7 and 30
//! days) and access tokens expire without anyone waiting for them.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::record::unix_seconds;

#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Simulated Unix seconds.
    pub fn now(&self) -> u64 {
        let now = unix_seconds() as i64 + self.offset();
        now.max(0) as u64
    }

    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    pub fn advance(&self, seconds: i64) {
        self.offset_secs.fetch_add(seconds, Ordering::Relaxed);
    }

    /// Moves the clock so that `now()` answers `unix` (from this moment on).
    pub fn set(&self, unix: u64) {
        let offset = unix as i64 - unix_seconds() as i64;
        self.offset_secs.store(offset, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_should_move_now_by_that_much() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(7 * 24 * 3600);
        assert!(clock.now() >= before + 7 * 24 * 3600);
        clock.set(1_000);
        assert!((1_000..1_002).contains(&clock.now()));
        clock.reset();
        assert_eq!(clock.offset(), 0);
    }
}
