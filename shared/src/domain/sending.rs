//! The sender's rules, free of AWS and HTTP: what may be sent now, and when
//! to try again after Meta refused.

use super::consent::{ConsentCategory, ConsentFacts, ConsentPolicy};
use super::outbound::{Category, FailureClass, OutboundCommand};

pub const CUSTOMER_SERVICE_WINDOW_SECS: i64 = 24 * 3600;

/// What the sender knows about the recipient's profile (an expired profile
/// is absent). The suppression list ([`ConsentFacts`]) outlives the profile
/// and is what a send obeys; an opt-out shown on a live profile counts too,
/// so that opt-outs stored before the suppression list existed still hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub last_inbound_at: Option<i64>,
    /// The categories the profile's last consent change opted out of.
    pub opted_out: &'static [ConsentCategory],
    /// The person restricted processing (GDPR Art. 18): nothing is sent to
    /// them unless the command names a lawful ground to override it.
    pub restricted: bool,
}

/// Why a command ends without a call to Meta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Send,
    /// `not_after` has passed.
    Expired,
    /// The contact opted out of this category (`opted_out`), or marketing
    /// has no recorded opt-in (`no_marketing_opt_in`).
    Suppressed(&'static str),
    /// Meta would refuse it (131047); saying why saves the call.
    Rejected(&'static str),
}

/// The checks before a send, in the order a user would expect them: a stale
/// command is dropped whatever else holds; a restriction stops everything,
/// actions included, unless overridden; an opt-out beats everything else, whether or not a profile exists; then marketing needs an opt-in;
/// then free-form messages need the window.
pub fn precheck(
    cmd: &OutboundCommand,
    recipient: Option<Recipient>,
    consent: ConsentFacts,
    policy: ConsentPolicy,
    now: i64,
) -> Verdict {
    if cmd.not_after.is_some_and(|t| t < now) {
        return Verdict::Expired;
    }
    if overrides_restriction(cmd, recipient) == Some(false) {
        return Verdict::Suppressed("restricted");
    }
    if cmd.message.is_action() {
        return Verdict::Send;
    }
    let profile_out = |c| recipient.is_some_and(|r| r.opted_out.contains(&c));
    if ConsentCategory::of(cmd.category).is_some_and(|c| consent.suppressed(c) || profile_out(c)) {
        return Verdict::Suppressed("opted_out");
    }
    if cmd.category == Category::Marketing
        && policy.marketing_requires_opt_in
        && !consent.marketing_opt_in
    {
        return Verdict::Suppressed("no_marketing_opt_in");
    }
    if !cmd.message.is_template() {
        let open = recipient
            .and_then(|r| r.last_inbound_at)
            .is_some_and(|t| now - t < CUSTOMER_SERVICE_WINDOW_SECS);
        if !open {
            return Verdict::Rejected("outside_customer_service_window");
        }
    }
    Verdict::Send
}

/// For a restricted recipient, whether the command overrides the
/// restriction; `None` when the recipient is not restricted. A send with
/// `Some(true)` must be audited.
pub fn overrides_restriction(cmd: &OutboundCommand, recipient: Option<Recipient>) -> Option<bool> {
    recipient
        .filter(|r| r.restricted)
        .map(|_| cmd.override_restriction.is_some())
}

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
#[path = "sending_tests.rs"]
mod tests;
