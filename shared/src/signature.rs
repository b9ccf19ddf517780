//! `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256(app secret, raw body).

use hmac::{KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::domain::queued::SignatureMatch;

type HmacSha256 = hmac::Hmac<Sha256>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature header missing")]
    Missing,
    #[error("signature header malformed")]
    Malformed,
    #[error("signature does not match")]
    Mismatch,
}

impl SignatureError {
    pub fn reason(self) -> &'static str {
        match self {
            Self::Missing => "missing_signature",
            Self::Malformed | Self::Mismatch => "bad_signature",
        }
    }
}

/// Checks the header against the current secret, then the previous one
/// (accepted while a rotation is in progress). The comparison is constant
/// time (`Mac::verify_slice`).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    current: &SecretString,
    previous: Option<&SecretString>,
) -> Result<SignatureMatch, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let hex_part = header
        .strip_prefix("sha256=")
        .or_else(|| header.strip_prefix("SHA256="))
        .ok_or(SignatureError::Malformed)?;
    let mut expected = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut expected).map_err(|_| SignatureError::Malformed)?;
    if matches(current, body, &expected) {
        return Ok(SignatureMatch::Current);
    }
    match previous {
        Some(p) if matches(p, body, &expected) => Ok(SignatureMatch::Previous),
        _ => Err(SignatureError::Mismatch),
    }
}

fn matches(secret: &SecretString, body: &[u8], expected: &[u8; 32]) -> bool {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(body);
    mac.verify_slice(expected).is_ok()
}

/// The header value Meta would send for `body`: used by tests and tools.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn a_signature_made_with_the_app_secret_verifies() {
        let h = sign("k", b"{}");
        assert_eq!(
            verify(Some(&h), b"{}", &secret("k"), None),
            Ok(SignatureMatch::Current)
        );
    }

    #[test]
    fn uppercase_hex_is_accepted() {
        let h = sign("k", b"{}")
            .to_uppercase()
            .replace("SHA256=", "sha256=");
        assert_eq!(
            verify(Some(&h), b"{}", &secret("k"), None),
            Ok(SignatureMatch::Current)
        );
    }

    #[test]
    fn the_previous_secret_is_accepted_during_rotation() {
        let h = sign("old", b"{}");
        assert_eq!(
            verify(Some(&h), b"{}", &secret("new"), Some(&secret("old"))),
            Ok(SignatureMatch::Previous)
        );
    }

    #[test]
    fn one_changed_byte_fails() {
        let h = sign("k", b"{\"a\":1}");
        assert_eq!(
            verify(Some(&h), b"{\"a\":2}", &secret("k"), None),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_and_garbage_headers_fail() {
        assert_eq!(
            verify(None, b"", &secret("k"), None),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(Some("sha1=abc"), b"", &secret("k"), None),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(Some("sha256=zz"), b"", &secret("k"), None),
            Err(SignatureError::Malformed)
        );
    }
}
