//! The media bucket's key layout, and nothing else: every object key is
//! spelt here (docs/media.md, "Key layout").
//!
//! `c/<subject hash>/<wamid ref>/<media id>`. The subject hash is the keyed
//! hash of the contact (the hashing secret), so erasure is one prefix. The
//! wamid is *not* in the key as Meta writes it: a wamid is base64 of a
//! record that holds the customer's phone number, and keys show up in
//! CloudTrail, access logs and S3 inventories. The key carries the wamid's
//! reference instead (the first 8 bytes of its SHA-256, as
//! `Wamid::log_ref` writes it in logs), which still names one message of
//! the subject and which an operator holding the wamid can compute.

use sha2::{Digest, Sha256};

use crate::ports::media::{BucketError, MediaTarget};
use crate::ports::Retry;

/// Every customer's file is under this prefix (the retention count's scope).
pub const CUSTOMER_FILES: &str = "c/";

/// The reference of a wamid in a key (and in logs).
pub fn wamid_ref(wamid: &str) -> String {
    hex::encode(&Sha256::digest(wamid.as_bytes())[..8])
}

/// The prefix holding every object of one subject; erasure deletes it.
pub fn subject_prefix(subject_hash: &str) -> Result<String, BucketError> {
    if subject_hash.is_empty() || !subject_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(refused("subject hash is not a keyed hash"));
    }
    Ok(format!(
        "{CUSTOMER_FILES}{}/",
        subject_hash.to_ascii_lowercase()
    ))
}

/// The one object a media item of a message is copied to.
pub fn object_key(target: &MediaTarget<'_>) -> Result<String, BucketError> {
    let id = target.media_id;
    // Meta's ids are digits; anything that could climb out of the prefix or
    // make two targets share a key is refused.
    let safe = !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !safe {
        return Err(refused("media id is not one Meta hands out"));
    }
    Ok(format!(
        "{}{}/{id}",
        subject_prefix(target.subject_hash)?,
        wamid_ref(target.wamid)
    ))
}

/// Whether `key` is one of the subject's objects as this layout writes
/// them (a presigned link is handed out for no other key).
pub fn belongs_to(subject_hash: &str, key: &str) -> bool {
    let Ok(prefix) = subject_prefix(subject_hash) else {
        return false;
    };
    let Some(rest) = key.strip_prefix(&prefix) else {
        return false;
    };
    let mut parts = rest.split('/');
    let (Some(wref), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    wref.len() == 16
        && wref.bytes().all(|b| b.is_ascii_hexdigit())
        && !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn refused(message: &str) -> BucketError {
    BucketError {
        operation: "media key",
        message: message.to_owned(),
        retry: Retry::Permanent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE3RjQyMzk3QzE0QkE2RjhGAA==";

    fn target(media_id: &str) -> MediaTarget<'_> {
        MediaTarget {
            subject_hash: "ab12",
            wamid: WAMID,
            media_id,
        }
    }

    #[test]
    fn a_key_holds_the_subject_the_wamid_reference_and_the_media_id_and_no_number() {
        let key = object_key(&target("4862369177436161")).unwrap();
        assert_eq!(key, format!("c/ab12/{}/4862369177436161", wamid_ref(WAMID)));
        assert!(!key.contains("16505551234") && !key.contains("HBgL"));
        assert!(belongs_to("ab12", &key));
        assert!(!belongs_to("ab13", &key));
    }

    #[test]
    fn ids_and_keys_that_could_leave_the_prefix_are_refused() {
        assert!(object_key(&target("../x")).is_err());
        assert!(object_key(&target("")).is_err());
        assert!(subject_prefix("../").is_err());
        assert!(!belongs_to("ab12", "c/ab12/../../c/ff/0123456789abcdef/1"));
        assert!(!belongs_to("ab12", "c/ab12/0123456789abcdef/1/2"));
        assert!(!belongs_to("ab12", "outbound/x"));
    }
}
