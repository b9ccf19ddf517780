//! Throughput (130429) and pair-rate (131056) limits.
//!
//! Buckets are GCRA (the "virtual scheduling" form of a token bucket): one
//! theoretical arrival time per key instead of a float token count, so the
//! arithmetic is exact in nanoseconds and tests can reason in whole ticks.
//! Time is always passed in, so tests need neither sleeps nor a real clock.

use std::collections::HashMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    pub throughput: ThroughputLimit,
    pub pair: PairLimit,
}

/// Messages per second per phone_number_id, one second of burst, by the
/// number's `throughput.level`: `mps` for STANDARD and numbers the account
/// does not hold (Meta: 80), `high_mps` for HIGH (Meta: up to 1000).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThroughputLimit {
    pub enabled: bool,
    pub mps: u32,
    pub high_mps: u32,
}

impl Default for ThroughputLimit {
    fn default() -> Self {
        Self {
            enabled: true,
            mps: 80,
            high_mps: 1000,
        }
    }
}

/// Per (phone_number_id, recipient): one message per `interval_ms`, with a
/// burst of `burst` that borrows future quota (Meta: 1 per 6 s, burst 45).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PairLimit {
    pub enabled: bool,
    pub burst: u32,
    pub interval_ms: u64,
}

impl Default for PairLimit {
    fn default() -> Self {
        Self {
            enabled: true,
            burst: 45,
            interval_ms: 6_000,
        }
    }
}

/// Token bucket holding `burst` tokens, refilled with one token every
/// `interval`. Starts full.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    interval: Duration,
    /// How far ahead of "now" the schedule may run: (burst - 1) intervals.
    tolerance: Duration,
    /// When the bucket is full again; `None` = full.
    tat: Option<Instant>,
}

impl TokenBucket {
    pub fn new(burst: u32, interval: Duration) -> Self {
        let burst = burst.max(1);
        Self {
            interval,
            tolerance: interval * (burst - 1),
            tat: None,
        }
    }

    /// `rate` tokens per second with one second of burst.
    pub fn per_second(rate: u32) -> Self {
        let rate = rate.max(1);
        Self::new(rate, Duration::from_secs(1) / rate)
    }

    /// Takes a token, or says how long until one is available.
    pub fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        let tat = match self.tat {
            Some(tat) if tat > now => tat,
            _ => now,
        };
        let ahead = tat - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        self.tat = Some(tat + self.interval);
        Ok(())
    }

    /// A full bucket carries no state worth keeping.
    pub fn is_full(&self, now: Instant) -> bool {
        self.tat.is_none_or(|tat| tat <= now)
    }
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limited {
    Throughput { retry_after: Duration },
    Pair { retry_after: Duration },
}

/// Buckets are created on first use; idle ones are dropped past this many
/// keys so a long `make dev` session does not grow without bound.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: RateLimits,
    /// Each number's bucket and the rate it was made for: a number whose
    /// level changes starts a new regime with a full bucket.
    throughput: HashMap<String, (u32, TokenBucket)>,
    pairs: HashMap<(String, String), TokenBucket>,
}

impl RateLimiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    /// New limits start from full buckets: a changed limit is a new regime,
    /// and tests expect a clean slate after reconfiguring.
    pub fn set_limits(&mut self, limits: &RateLimits) {
        if &self.limits != limits {
            *self = Self::new(limits.clone());
        }
    }

    /// `high`: the number's `throughput.level` is HIGH.
    pub fn check_throughput(
        &mut self,
        phone_number_id: &str,
        high: bool,
        now: Instant,
    ) -> Result<(), Limited> {
        let limit = &self.limits.throughput;
        if !limit.enabled {
            return Ok(());
        }
        if self.throughput.len() > PRUNE_ABOVE {
            self.throughput
                .retain(|_, (_, bucket)| !bucket.is_full(now));
        }
        let mps = if high { limit.high_mps } else { limit.mps };
        let (rate, bucket) = self
            .throughput
            .entry(phone_number_id.to_string())
            .or_insert_with(|| (mps, TokenBucket::per_second(mps)));
        if *rate != mps {
            *rate = mps;
            *bucket = TokenBucket::per_second(mps);
        }
        bucket
            .try_take(now)
            .map_err(|retry_after| Limited::Throughput { retry_after })
    }

    pub fn check_pair(
        &mut self,
        phone_number_id: &str,
        recipient: &str,
        now: Instant,
    ) -> Result<(), Limited> {
        let limit = &self.limits.pair;
        if !limit.enabled {
            return Ok(());
        }
        prune(&mut self.pairs, now);
        let (burst, interval) = (limit.burst, Duration::from_millis(limit.interval_ms));
        self.pairs
            .entry((phone_number_id.to_string(), recipient.to_string()))
            .or_insert_with(|| TokenBucket::new(burst, interval))
            .try_take(now)
            .map_err(|retry_after| Limited::Pair { retry_after })
    }
}

fn prune<K>(buckets: &mut HashMap<K, TokenBucket>, now: Instant) {
    if buckets.len() > PRUNE_ABOVE {
        buckets.retain(|_, bucket| !bucket.is_full(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(mps: u32, burst: u32, interval_ms: u64) -> RateLimits {
        RateLimits {
            throughput: ThroughputLimit {
                enabled: true,
                mps,
                high_mps: mps * 10,
            },
            pair: PairLimit {
                enabled: true,
                burst,
                interval_ms,
            },
        }
    }

    #[test]
    fn bucket_should_allow_exactly_one_second_of_burst_then_refuse() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::per_second(80);
        for i in 0..80 {
            assert!(bucket.try_take(t0).is_ok(), "request {i} should pass");
        }
        assert_eq!(bucket.try_take(t0), Err(Duration::from_micros(12_500)));
    }

    #[test]
    fn bucket_should_refill_one_token_per_interval() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::per_second(80);
        for _ in 0..80 {
            bucket.try_take(t0).unwrap();
        }
        let tick = Duration::from_micros(12_500);
        assert!(bucket
            .try_take(t0 + tick - Duration::from_nanos(1))
            .is_err());
        assert!(bucket.try_take(t0 + tick).is_ok());
        assert!(bucket.try_take(t0 + tick).is_err());
    }

    #[test]
    fn bucket_should_be_full_again_after_idling_for_its_burst() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(3, Duration::from_secs(1));
        for _ in 0..3 {
            bucket.try_take(t0).unwrap();
        }
        assert!(!bucket.is_full(t0));
        let later = t0 + Duration::from_secs(3);
        assert!(bucket.is_full(later));
        for _ in 0..3 {
            assert!(bucket.try_take(later).is_ok());
        }
        assert!(bucket.try_take(later).is_err());
    }

    #[test]
    fn pair_rate_should_allow_burst_of_45_then_one_per_six_seconds() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(limits(1_000, 45, 6_000));
        for _ in 0..45 {
            limiter.check_pair("pn", "1555", t0).unwrap();
        }
        assert_eq!(
            limiter.check_pair("pn", "1555", t0),
            Err(Limited::Pair {
                retry_after: Duration::from_secs(6)
            })
        );
        assert!(limiter
            .check_pair("pn", "1555", t0 + Duration::from_secs(5))
            .is_err());
        assert!(limiter
            .check_pair("pn", "1555", t0 + Duration::from_secs(6))
            .is_ok());
    }

    #[test]
    fn pair_rate_should_be_independent_per_recipient_and_per_number() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(limits(1_000, 1, 6_000));
        limiter.check_pair("pn", "a", t0).unwrap();
        assert!(limiter.check_pair("pn", "a", t0).is_err());
        assert!(limiter.check_pair("pn", "b", t0).is_ok());
        assert!(limiter.check_pair("other", "a", t0).is_ok());
    }

    #[test]
    fn throughput_should_be_per_phone_number_id() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(limits(2, 45, 6_000));
        limiter.check_throughput("a", false, t0).unwrap();
        limiter.check_throughput("a", false, t0).unwrap();
        assert!(matches!(
            limiter.check_throughput("a", false, t0),
            Err(Limited::Throughput { .. })
        ));
        assert!(limiter.check_throughput("b", false, t0).is_ok());
    }

    #[test]
    fn a_high_number_should_get_the_high_rate_from_a_full_bucket() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(limits(2, 45, 6_000));
        limiter.check_throughput("a", false, t0).unwrap();
        limiter.check_throughput("a", false, t0).unwrap();
        assert!(limiter.check_throughput("a", false, t0).is_err());
        for i in 0..20 {
            assert!(limiter.check_throughput("a", true, t0).is_ok(), "{i}");
        }
        assert!(limiter.check_throughput("a", true, t0).is_err());
    }

    #[test]
    fn disabled_limits_should_never_refuse() {
        let t0 = Instant::now();
        let mut off = limits(1, 1, 6_000);
        off.throughput.enabled = false;
        off.pair.enabled = false;
        let mut limiter = RateLimiter::new(off);
        for _ in 0..1_000 {
            limiter.check_throughput("a", false, t0).unwrap();
            limiter.check_pair("a", "b", t0).unwrap();
        }
    }

    #[test]
    fn changing_limits_should_start_from_full_buckets() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(limits(1, 1, 6_000));
        limiter.check_throughput("a", false, t0).unwrap();
        assert!(limiter.check_throughput("a", false, t0).is_err());
        limiter.set_limits(&limits(2, 1, 6_000));
        assert!(limiter.check_throughput("a", false, t0).is_ok());
        assert!(limiter.check_throughput("a", false, t0).is_ok());
        assert!(limiter.check_throughput("a", false, t0).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_should_follow_tokios_paused_clock() {
        let mut bucket = TokenBucket::new(1, Duration::from_secs(6));
        bucket.try_take(Instant::now()).unwrap();
        assert!(bucket.try_take(Instant::now()).is_err());
        tokio::time::advance(Duration::from_secs(6)).await;
        assert!(bucket.try_take(Instant::now()).is_ok());
    }
}
