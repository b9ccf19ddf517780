//! The automated replies' idempotency keys. The replies themselves are
//! typed commands ([`AutoReply`]), in the sender's command format, for the
//! rules and for STOP / START confirmations.

use shared::domain::ids::Wamid;
pub(crate) use shared::domain::outbound::AutoReply;
use shared::domain::outbound::IdempotencyKey;

/// Derived from the inbound message and the rule, so a redelivered message
/// yields the same key and the sender sends the reply once. Hashed, because
/// wamids are long and keys hold at most 128 characters.
pub(crate) fn reply_key(wamid: &Wamid, what: &str) -> IdempotencyKey {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{wamid}|{what}").as_bytes());
    IdempotencyKey::parse(&format!("auto-{}", hex::encode(&digest[..16])))
        .expect("auto- and 32 hex digits make a valid key")
}
