//! Delivery statuses and the order in which they supersede each other.

use std::cmp::Ordering;

/// A status Meta reports for a message the business sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StatusKind {
    Sent,
    Delivered,
    Read,
    /// First play of a voice message.
    Played,
    /// Terminal: nothing supersedes it.
    Failed,
    /// A value Meta may add later (or a legacy one such as `deleted`): kept,
    /// never allowed to hide a known status.
    Other(String),
}

impl StatusKind {
    pub fn parse(s: &str) -> Self {
        match s {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "played" => Self::Played,
            "failed" => Self::Failed,
            other => Self::Other(sanitize(other)),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Played => "played",
            Self::Failed => "failed",
            Self::Other(s) => s,
        }
    }

    /// Higher ranks supersede lower ones whatever order webhooks arrive in.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Other(_) => 0,
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Read => 3,
            Self::Played => 4,
            Self::Failed => 9,
        }
    }

    /// A total order (rank, then name), so the final status of a message is
    /// the maximum of the statuses seen and does not depend on arrival order.
    pub fn supersedes(&self, other: &StatusKind) -> bool {
        self.precedence(other) == Ordering::Greater
    }

    fn precedence(&self, other: &StatusKind) -> Ordering {
        (self.rank(), self.as_str()).cmp(&(other.rank(), other.as_str()))
    }
}

/// Status names end up in attribute names (`st_<status>`), so an unknown
/// value is reduced to a short lowercase word.
fn sanitize(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    if clean.is_empty() {
        "unknown".into()
    } else {
        clean
    }
}

/// The final status of a set of statuses: what storage converges to.
pub fn merged<'a>(statuses: impl IntoIterator<Item = &'a StatusKind>) -> Option<&'a StatusKind> {
    statuses.into_iter().max_by(|a, b| a.precedence(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_delivered_does_not_supersede_read() {
        assert!(!StatusKind::Delivered.supersedes(&StatusKind::Read));
        assert!(StatusKind::Read.supersedes(&StatusKind::Delivered));
    }

    #[test]
    fn failed_is_terminal() {
        for s in ["sent", "delivered", "read", "played", "whatever"] {
            assert!(StatusKind::Failed.supersedes(&StatusKind::parse(s)), "{s}");
        }
    }

    #[test]
    fn unknown_values_are_kept_but_rank_lowest() {
        let odd = StatusKind::parse("In Orbit!");
        assert_eq!(odd.as_str(), "inorbit");
        assert!(StatusKind::Sent.supersedes(&odd));
    }

    #[test]
    fn merged_is_the_same_in_any_order() {
        let all = [
            StatusKind::Read,
            StatusKind::Sent,
            StatusKind::Delivered,
            StatusKind::parse("deleted"),
        ];
        let forward = merged(all.iter()).cloned();
        let backward = merged(all.iter().rev()).cloned();
        assert_eq!(forward, Some(StatusKind::Read));
        assert_eq!(forward, backward);
    }
}
