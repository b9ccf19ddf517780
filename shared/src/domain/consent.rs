//! Consent by category: who may get marketing and utility messages.
//!
//! An opt-out is kept on a suppression list keyed by the person's keyed
//! hash, never their number, and outlives retention: forgetting an opt-out
//! would message someone who said STOP. An opt-in is personal data with its
//! evidence, kept in the contact's partition and gone with it (retention or
//! erasure); marketing then stops until a new opt-in, the safe side.

use super::outbound::Category;

/// Whether a contact accepts marketing and utility messages (a profile's
/// `consent_state`, the state `PUT /contacts/{wa_id}/consent` sets). Service
/// replies inside the customer-service window are always allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    Unknown,
    OptedIn,
    OptedOut,
}

impl ConsentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::OptedIn => "opted_in",
            Self::OptedOut => "opted_out",
        }
    }

    /// The one reader of the strings [`Self::as_str`] writes, wherever
    /// they come from (a stored profile, an API request).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Unknown, Self::OptedIn, Self::OptedOut]
            .into_iter()
            .find(|state| state.as_str() == s)
    }

    pub fn from_opted_in(opted_in: bool) -> Self {
        if opted_in {
            Self::OptedIn
        } else {
            Self::OptedOut
        }
    }
}

/// A category someone can opt out of. `all` (STOP, or an API change with no
/// category) stands for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConsentCategory {
    Marketing,
    Utility,
}

impl ConsentCategory {
    pub const ALL: [Self; 2] = [Self::Marketing, Self::Utility];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Marketing => "marketing",
            Self::Utility => "utility",
        }
    }

    /// `marketing`, `utility` or `all`; anything else is not a category.
    pub fn parse_set(s: &str) -> Option<&'static [Self]> {
        match s {
            "marketing" => Some(&[Self::Marketing]),
            "utility" => Some(&[Self::Utility]),
            "all" => Some(&Self::ALL),
            _ => None,
        }
    }

    /// What a profile's last consent change (`consent_state`,
    /// `consent_category`) opted out of: Meta's `marketing_messages` and
    /// `marketing` are marketing, anything else (STOP's `all`) both.
    pub fn profile_opt_out(state: Option<&str>, category: Option<&str>) -> &'static [Self] {
        if state.and_then(ConsentState::parse) != Some(ConsentState::OptedOut) {
            return &[];
        }
        match category {
            Some("marketing" | "marketing_messages") => &[Self::Marketing],
            Some("utility") => &[Self::Utility],
            _ => &Self::ALL,
        }
    }

    /// The consent category a command's category needs; service replies
    /// (inside the window) and authentication codes the person asked for
    /// need none.
    pub fn of(category: Category) -> Option<Self> {
        match category {
            Category::Marketing => Some(Self::Marketing),
            Category::Utility => Some(Self::Utility),
            Category::Service | Category::Authentication => None,
        }
    }
}

/// Where a consent change came from (kept with the suppression entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentSource {
    /// STOP / START as the whole message.
    Keyword,
    /// Meta's `user_preferences` webhook (the marketing stop in WhatsApp).
    MetaUserPreferences,
    /// `PUT /contacts/{wa_id}/consent`.
    Api,
    /// A command's own `consent` evidence (collected by an internal system).
    InternalSystem,
}

impl ConsentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keyword => "keyword",
            Self::MetaUserPreferences => "meta_user_preferences",
            Self::Api => "api",
            Self::InternalSystem => "internal_system",
        }
    }
}

/// Evidence of a marketing opt-in, kept with it: when it was given and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptInEvidence {
    /// Unix seconds when the person gave it.
    pub given_at: i64,
    /// Free text: where and how (`web shop checkout box`, `keyword START`).
    pub detail: String,
}

/// One change of consent for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentUpdate<'a> {
    pub categories: &'a [ConsentCategory],
    pub opted_in: bool,
    pub source: ConsentSource,
    /// When it happened (Unix seconds): an older change never undoes a newer one.
    pub at: i64,
    /// With `opted_in`, recorded as the marketing opt-in (START, API,
    /// command evidence); Meta's `resume` lifts the suppression without
    /// recording one. A command's evidence names no categories: it records
    /// an opt-in but never lifts an opt-out.
    pub evidence: Option<OptInEvidence>,
    /// When the opt-in record expires (retention); opt-outs ignore it.
    pub opt_in_expires_at: i64,
    /// `SuppressionRetentionDays`; `None` keeps an opt-out until the person
    /// opts back in.
    pub suppression_expires_at: Option<i64>,
}

/// What the sender reads before a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConsentFacts {
    pub suppressed_marketing: bool,
    pub suppressed_utility: bool,
    /// A live marketing opt-in is on record.
    pub marketing_opt_in: bool,
}

impl ConsentFacts {
    pub fn suppressed(&self, c: ConsentCategory) -> bool {
        match c {
            ConsentCategory::Marketing => self.suppressed_marketing,
            ConsentCategory::Utility => self.suppressed_utility,
        }
    }
}

/// `SuppressionRetentionDays`: how long an opt-out is kept. `None` (the
/// default) keeps it until the person opts back in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SuppressionRetention {
    pub days: Option<u32>,
}

impl SuppressionRetention {
    /// The template parameter's value: 0 keeps opt-outs until an opt-in.
    pub fn from_days(days: u32) -> Self {
        Self {
            days: (days > 0).then_some(days),
        }
    }

    pub fn expires_at(&self, now: i64) -> Option<i64> {
        self.days.map(|d| now + i64::from(d) * 86_400)
    }
}

/// How the sender treats marketing (template parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentPolicy {
    /// `MarketingRequiresOptIn`: no recorded opt-in, no marketing.
    pub marketing_requires_opt_in: bool,
}

impl Default for ConsentPolicy {
    fn default() -> Self {
        Self {
            marketing_requires_opt_in: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consent_state_reads_back_as_written_and_nothing_else_is_one() {
        for state in [
            ConsentState::Unknown,
            ConsentState::OptedIn,
            ConsentState::OptedOut,
        ] {
            assert_eq!(ConsentState::parse(state.as_str()), Some(state));
        }
        for other in ["stop", "OPTED_OUT", "opted out", ""] {
            assert_eq!(ConsentState::parse(other), None, "{other}");
        }
    }

    #[test]
    fn only_an_opted_out_profile_suppresses_and_its_category_says_what() {
        let out = Some("opted_out");
        assert_eq!(
            ConsentCategory::profile_opt_out(out, Some("marketing_messages")),
            &[ConsentCategory::Marketing]
        );
        assert_eq!(
            ConsentCategory::profile_opt_out(out, Some("utility")),
            &[ConsentCategory::Utility]
        );
        assert_eq!(
            ConsentCategory::profile_opt_out(out, None),
            &ConsentCategory::ALL
        );
        for state in [Some("opted_in"), Some("unknown"), Some("junk"), None] {
            assert!(ConsentCategory::profile_opt_out(state, None).is_empty());
        }
    }

    #[test]
    fn all_stands_for_marketing_and_utility() {
        assert_eq!(
            ConsentCategory::parse_set("all"),
            Some(&ConsentCategory::ALL[..])
        );
        assert_eq!(ConsentCategory::parse_set("promotions"), None);
        assert_eq!(ConsentCategory::of(Category::Authentication), None);
    }
}
