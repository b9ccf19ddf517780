//! Meta's pricing categories, on their own: consent decides which of them
//! need an opt-in and a command carries one, so both import it from here.

/// The business's category for the message (Meta's pricing categories).
/// Absent means `service`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Category {
    #[default]
    Service,
    Utility,
    Marketing,
    Authentication,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::Service,
        Self::Utility,
        Self::Marketing,
        Self::Authentication,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Utility => "utility",
            Self::Marketing => "marketing",
            Self::Authentication => "authentication",
        }
    }

    /// The contract's lower-case spelling only.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}
