//! When to try again after Meta refused a send: the delay per failure
//! class (Meta's error classes are in `outbound::graph_error`). The sender
//! turns the delay into the SQS message's visibility timeout.

use super::outbound::FailureClass;

/// How long a refused command waits before SQS hands it out again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Multiplies every delay: 1.0 in production; tests use 0 to retry at once.
    pub scale: f64,
    /// How long a 131048 (spam rate limit) pauses the business number.
    pub spam_pause_secs: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            scale: 1.0,
            spam_pause_secs: 900,
        }
    }
}

/// SQS visibility timeouts cap at 12 hours; our longest wait is far below.
const MAX_DELAY_SECS: f64 = 900.0;

impl RetryPolicy {
    /// Delay in seconds before attempt `receive_count + 1`, with `jitter` in
    /// [0, 1) spreading retries so instances do not stampede together.
    pub fn delay(&self, class: FailureClass, receive_count: u32, jitter: f64) -> u32 {
        let n = receive_count.saturating_sub(1).min(10) as i32;
        let base = match class {
            // Meta's advice for pair rate: 4^X seconds.
            FailureClass::PairRate => 4f64.powi(n),
            FailureClass::Throughput => 2.0 * 2f64.powi(n),
            FailureClass::Transient => 5.0 * 2f64.powi(n),
            FailureClass::SpamRate => f64::from(self.spam_pause_secs),
            // A token error needs a human; check back every five minutes.
            FailureClass::Token => 300.0,
            FailureClass::Permanent => 0.0,
        };
        // Full jitter on the exponential ones, a little on the fixed ones.
        let jittered = match class {
            FailureClass::Throughput | FailureClass::Transient => {
                base.min(MAX_DELAY_SECS) * (0.5 + jitter / 2.0)
            }
            _ => base.min(MAX_DELAY_SECS) * (1.0 + jitter / 10.0),
        };
        (jittered * self.scale)
            .round()
            .clamp(0.0, MAX_DELAY_SECS * 1.1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_rate_retries_follow_metas_four_to_the_x_advice() {
        let p = RetryPolicy::default();
        let d: Vec<u32> = (1..=4)
            .map(|n| p.delay(FailureClass::PairRate, n, 0.0))
            .collect();
        assert_eq!(d, vec![1, 4, 16, 64]);
    }

    #[test]
    fn backoff_grows_is_capped_and_scales_to_zero_in_tests() {
        let p = RetryPolicy::default();
        assert!(
            p.delay(FailureClass::Transient, 2, 0.99) > p.delay(FailureClass::Transient, 1, 0.99)
        );
        assert!(p.delay(FailureClass::Transient, 30, 0.99) <= 990);
        let instant = RetryPolicy { scale: 0.0, ..p };
        assert_eq!(instant.delay(FailureClass::Throughput, 5, 0.5), 0);
    }
}
