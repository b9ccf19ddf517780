//! Fault injection: forced error codes, a share of server errors, a share of
//! held ("timed out") requests. Random draws come from a seeded xorshift so a
//! failing test run can be replayed with the same seed.

use std::time::Duration;

use crate::config::{self, Faults};

/// xorshift64* — tiny, fast, and reproducible across platforms; quality is
/// ample for picking faults.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 of the seed: spreads small seeds and never yields 0,
        // which would make xorshift stick at 0 forever.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// What fault injection decided for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    /// Answer with this error code instead of processing the request.
    pub error: Option<ForcedBy>,
    /// Hold the request this long before answering.
    pub hold: Option<Duration>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForcedBy {
    /// `force_next` queue.
    Queue(u32),
    /// `recipient_errors`.
    Recipient(u32),
    /// `server_error_rate` draw.
    Random(u32),
}

impl ForcedBy {
    pub fn code(self) -> u32 {
        match self {
            ForcedBy::Queue(code) | ForcedBy::Recipient(code) | ForcedBy::Random(code) => code,
        }
    }
}

/// Decides the faults for one request and consumes the `force_next` queue.
/// Both random draws are made whenever their rate is non-zero, so the
/// sequence of decisions depends only on the seed and the request order.
pub fn decide(faults: &mut Faults, rng: &mut Rng, recipient_digits: Option<&str>) -> Decision {
    let random_error = if faults.server_error_rate > 0.0 {
        let hit = rng.next_f64() < faults.server_error_rate;
        let code = faults.server_error_codes[rng.below(faults.server_error_codes.len())];
        hit.then_some(code)
    } else {
        None
    };
    let hold = (faults.timeout_rate > 0.0 && rng.next_f64() < faults.timeout_rate)
        .then(|| Duration::from_millis(faults.timeout_ms));

    let error = if let Some(code) = take_forced(faults) {
        Some(ForcedBy::Queue(code))
    } else if let Some(code) =
        recipient_digits.and_then(|r| config::lookup(&faults.recipient_errors, r))
    {
        Some(ForcedBy::Recipient(code))
    } else {
        random_error.map(ForcedBy::Random)
    };
    Decision { error, hold }
}

fn take_forced(faults: &mut Faults) -> Option<u32> {
    let front = faults.force_next.first_mut()?;
    let code = front.code;
    front.count = front.count.saturating_sub(1);
    if front.count == 0 {
        faults.force_next.remove(0);
    }
    Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ForcedError;

    #[test]
    fn same_seed_should_give_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let xs: Vec<u64> = (0..10).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..10).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(
            xs,
            (0..10).map(|_| Rng::new(43).next_u64()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn seed_zero_should_not_get_stuck() {
        let mut rng = Rng::new(0);
        assert_ne!(rng.next_u64(), rng.next_u64());
    }

    #[test]
    fn error_rate_should_be_roughly_honoured() {
        let mut faults = Faults {
            server_error_rate: 0.25,
            ..Faults::default()
        };
        let mut rng = Rng::new(7);
        let errors = (0..10_000)
            .filter(|_| decide(&mut faults, &mut rng, None).error.is_some())
            .count();
        assert!((2_200..2_800).contains(&errors), "{errors} errors");
    }

    #[test]
    fn zero_rates_should_never_fault() {
        let mut faults = Faults::default();
        let mut rng = Rng::new(7);
        for _ in 0..1_000 {
            assert_eq!(
                decide(&mut faults, &mut rng, Some("1")),
                Decision::default()
            );
        }
    }

    #[test]
    fn forced_queue_should_answer_next_n_requests_then_stop() {
        let mut faults = Faults {
            force_next: vec![
                ForcedError {
                    code: 131000,
                    count: 2,
                },
                ForcedError { code: 2, count: 1 },
            ],
            ..Faults::default()
        };
        let mut rng = Rng::new(1);
        let codes: Vec<Option<u32>> = (0..4)
            .map(|_| {
                decide(&mut faults, &mut rng, None)
                    .error
                    .map(ForcedBy::code)
            })
            .collect();
        assert_eq!(codes, vec![Some(131000), Some(131000), Some(2), None]);
        assert!(faults.force_next.is_empty());
    }

    #[test]
    fn recipient_errors_should_apply_to_that_recipient_only() {
        let mut faults = Faults::default();
        faults
            .recipient_errors
            .insert("+1 555 000 1111".into(), 131026);
        let mut rng = Rng::new(1);
        assert_eq!(
            decide(&mut faults, &mut rng, Some("15550001111")).error,
            Some(ForcedBy::Recipient(131026))
        );
        assert_eq!(
            decide(&mut faults, &mut rng, Some("15550002222")).error,
            None
        );
    }

    #[test]
    fn timeout_rate_one_should_hold_every_request() {
        let mut faults = Faults {
            timeout_rate: 1.0,
            timeout_ms: 250,
            ..Faults::default()
        };
        let mut rng = Rng::new(1);
        assert_eq!(
            decide(&mut faults, &mut rng, None).hold,
            Some(Duration::from_millis(250))
        );
    }
}
