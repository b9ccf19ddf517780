//! Webhook body bytes and their `X-Hub-Signature-256`.

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::Value;
use sha2::Sha256;
use std::io;

pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// Compact JSON. With `escape_non_ascii`, every non-ASCII character becomes
/// `\uXXXX` (surrogate pairs above U+FFFF), the form Meta signs (meta-api §1.2).
pub fn body_bytes(value: &Value, escape_non_ascii: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let result = if escape_non_ascii {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            AsciiFormatter,
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::new(&mut out))
    };
    // Serializing a Value into a Vec cannot fail.
    result.expect("serializing a JSON value into memory");
    out
}

/// `sha256=<lowercase hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a header value the way a receiver should: over the exact bytes, in
/// constant time.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

// The trait's default methods already write compact JSON; only string
// fragments need changing.
struct AsciiFormatter;

impl Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn non_ascii_should_be_escaped_like_meta_does() {
        let body = body_bytes(&json!({"t": "äöå 😀 ok"}), true);
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"t":"\u00e4\u00f6\u00e5 \ud83d\ude00 ok"}"#
        );
    }

    #[test]
    fn escaped_body_should_parse_back_to_the_same_value() {
        let value = json!({"a": ["é", {"b": "\"quoted\"\n"}], "n": 1});
        let body = body_bytes(&value, true);
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), value);
    }

    #[test]
    fn signature_should_be_lowercase_hex_hmac_of_exact_bytes() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(verify(b"Jefe", b"what do ya want for nothing?", &sig));
        assert!(!verify(b"Jefe", b"what do ya want for nothing?!", &sig));
        assert!(!verify(b"other", b"what do ya want for nothing?", &sig));
        assert!(!verify(b"Jefe", b"x", "md5=00"));
    }
}
