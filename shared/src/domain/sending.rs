//! The sender's rules, free of AWS and HTTP: what may be sent now. The
//! window is in `window`, consent in `consent`, retry delays in `retries`.

use super::consent::{ConsentCategory, ConsentFacts, ConsentPolicy};
use super::outbound::{Category, OutboundCommand};

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
/// then free-form messages need the window. Consent follows Meta's category
/// of a known template (`consent_category`), whatever the command says.
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
    if ConsentCategory::of(cmd.consent_category())
        .is_some_and(|c| consent.suppressed(c) || profile_out(c))
    {
        return Verdict::Suppressed("opted_out");
    }
    if cmd.consent_category() == Category::Marketing
        && policy.marketing_requires_opt_in
        && !consent.marketing_opt_in
    {
        return Verdict::Suppressed("no_marketing_opt_in");
    }
    if needs_window(cmd) && !super::window::is_open(recipient.and_then(|r| r.last_inbound_at), now)
    {
        return Verdict::Rejected("outside_customer_service_window");
    }
    Verdict::Send
}

/// Whether the command may go out only inside the 24-hour window: every
/// message but an approved template (the sender reads the window only then).
pub fn needs_window(cmd: &OutboundCommand) -> bool {
    !cmd.message.is_template()
}

/// For a restricted recipient, whether the command overrides the
/// restriction; `None` when the recipient is not restricted. A send with
/// `Some(true)` must be audited.
pub fn overrides_restriction(cmd: &OutboundCommand, recipient: Option<Recipient>) -> Option<bool> {
    recipient
        .filter(|r| r.restricted)
        .map(|_| cmd.override_restriction.is_some())
}

#[cfg(test)]
#[path = "sending_tests.rs"]
mod tests;
