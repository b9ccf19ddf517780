//! Identifier newtypes. Each `parse` is the only way in, so a value of the
//! type is known to be well formed wherever it travels.

use std::fmt;

use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdError {
    #[error("{kind} is empty")]
    Empty { kind: &'static str },
    #[error("{kind} is too long ({len} > {max})")]
    TooLong {
        kind: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{kind} contains characters that are not allowed")]
    BadCharacters { kind: &'static str },
}

fn check(
    kind: &'static str,
    s: &str,
    max: usize,
    ok: impl Fn(char) -> bool,
) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty { kind });
    }
    if s.len() > max {
        return Err(IdError::TooLong {
            kind,
            len: s.len(),
            max,
        });
    }
    if !s.chars().all(ok) {
        return Err(IdError::BadCharacters { kind });
    }
    Ok(())
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// A WhatsApp user id (`wa_id`): the customer's phone number in digits,
    /// as Meta reports it. Personal data: display it only through [`mask`].
    WaId
);
string_id!(
    /// The id of one of the business's WhatsApp numbers (`phone_number_id`).
    PhoneNumberId
);
string_id!(
    /// A WhatsApp message id (`wamid.…`), unique per message.
    Wamid
);
string_id!(
    /// A business-scoped user id (BSUID), sent instead of a phone number
    /// when the customer uses a WhatsApp username.
    UserId
);

impl WaId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let digits = s.strip_prefix('+').unwrap_or(s);
        check("wa_id", digits, 20, |c| c.is_ascii_digit())?;
        Ok(Self(digits.to_owned()))
    }
}

impl PhoneNumberId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check("phone_number_id", s, 32, |c| c.is_ascii_digit())?;
        Ok(Self(s.to_owned()))
    }
}

impl Wamid {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check("wamid", s, 512, |c| c.is_ascii_graphic())?;
        Ok(Self(s.to_owned()))
    }

    /// How logs name a message: the first 16 hex digits of SHA-256(wamid).
    /// A wamid is base64 of a record that holds the customer's number, so the
    /// id itself would put a decodable number in the logs. The reference is
    /// one-way yet stable, so an operator holding a wamid finds its log lines
    /// with `printf %s "$WAMID" | sha256sum | cut -c1-16`.
    pub fn log_ref(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..8])
    }
}

impl UserId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        check("user_id", s, 256, |c| {
            c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'
        })?;
        Ok(Self(s.to_owned()))
    }
}

/// Whom a stored item concerns: the partition every personal item lives in,
/// so that "everything about one person" is a single `Query`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContactKey {
    Phone(WaId),
    Scoped(UserId),
}

impl ContactKey {
    /// `from`/`wa_id` when present and not empty, otherwise the BSUID.
    pub fn from_parts(wa_id: Option<&str>, user_id: Option<&str>) -> Option<Self> {
        match wa_id.filter(|s| !s.is_empty()).map(WaId::parse) {
            Some(Ok(id)) => Some(Self::Phone(id)),
            _ => user_id
                .filter(|s| !s.is_empty())
                .and_then(|u| UserId::parse(u).ok())
                .map(Self::Scoped),
        }
    }

    /// The storage form; a BSUID is prefixed so it can never collide with digits.
    pub fn storage_id(&self) -> String {
        match self {
            Self::Phone(w) => w.as_str().to_owned(),
            Self::Scoped(u) => format!("u.{}", u.as_str()),
        }
    }

    pub fn parse_storage_id(s: &str) -> Option<Self> {
        match s.strip_prefix("u.") {
            Some(u) => UserId::parse(u).ok().map(Self::Scoped),
            None => WaId::parse(s).ok().map(Self::Phone),
        }
    }

    pub fn masked(&self) -> String {
        match self {
            Self::Phone(w) => mask(w.as_str()),
            Self::Scoped(u) => mask(u.as_str()),
        }
    }
}

/// Masks a phone number (or any identifier) for logs: `+1650•••1234`.
/// Short values keep less so that at most half of the digits show.
pub fn mask(id: &str) -> String {
    let digits = id.strip_prefix('+').unwrap_or(id);
    let n = digits.chars().count();
    let (head, tail) = match n {
        0..=4 => (0, 0),
        5..=8 => (1, 2),
        9..=11 => (3, 3),
        _ => (4, 4),
    };
    let first: String = digits.chars().take(head).collect();
    let last: String = digits.chars().skip(n - tail).collect();
    format!("+{first}•••{last}")
}

macro_rules! debug_display {
    ($($name:ident => $how:expr),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let how: fn(&Self) -> String = $how;
                write!(f, "{}({})", stringify!($name), how(self))
            }
        }
    )*};
}

// Debug output of personal identifiers is masked, so a stray `{:?}` in a log
// line cannot leak a phone number.
debug_display!(
    WaId => |w| mask(&w.0),
    UserId => |u| mask(&u.0),
    ContactKey => |c| c.masked(),
    PhoneNumberId => |p| p.0.clone(),
    Wamid => |w| w.log_ref()
);

impl fmt::Display for PhoneNumberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Wamid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wa_id_accepts_digits_with_or_without_plus() {
        assert_eq!(WaId::parse("+16505551234").unwrap().as_str(), "16505551234");
        assert_eq!(WaId::parse("16505551234").unwrap().as_str(), "16505551234");
    }

    #[test]
    fn wa_id_rejects_letters_and_empty() {
        assert!(WaId::parse("1650abc").is_err());
        assert_eq!(WaId::parse(""), Err(IdError::Empty { kind: "wa_id" }));
    }

    #[test]
    fn mask_keeps_country_prefix_and_last_four() {
        assert_eq!(mask("15551234567"), "+155•••567");
        assert_eq!(mask("+447911123456"), "+4479•••3456");
        assert_eq!(mask("123"), "+•••");
    }

    #[test]
    fn debug_of_a_wa_id_never_shows_the_full_number() {
        let shown = format!("{:?}", WaId::parse("16505551234").unwrap());
        assert!(!shown.contains("16505551234"), "{shown}");
    }

    #[test]
    fn a_wamid_is_logged_as_a_stable_reference_that_hides_the_number() {
        // Meta's documented example: base64 of a record holding 16505551234.
        let id = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        let wamid = Wamid::parse(id).unwrap();
        let shown = format!("{} {:?}", wamid.log_ref(), wamid);
        assert!(!shown.contains("HBgLMTY1MDU1NTEyMzQ"), "{shown}");
        assert!(!shown.contains("16505551234"), "{shown}");
        assert_eq!(wamid.log_ref().len(), 16);
        assert_eq!(wamid.log_ref(), Wamid::parse(id).unwrap().log_ref());
        assert_ne!(
            wamid.log_ref(),
            Wamid::parse("wamid.other").unwrap().log_ref()
        );
    }

    #[test]
    fn contact_key_prefers_phone_and_falls_back_to_bsuid() {
        let k = ContactKey::from_parts(Some(""), Some("US.1349")).unwrap();
        assert_eq!(k.storage_id(), "u.US.1349");
        assert_eq!(ContactKey::parse_storage_id("u.US.1349"), Some(k));
        let p = ContactKey::from_parts(Some("1650"), Some("US.1")).unwrap();
        assert_eq!(p.storage_id(), "1650");
    }
}
