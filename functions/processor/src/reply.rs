//! The automated replies' commands, in the sender's JSON command format
//! (docs/contracts/outbound-command.schema.json), for the rules and for
//! STOP / START confirmations.

use serde_json::json;
use shared::domain::ids::{PhoneNumberId, Wamid};

/// Derived from the inbound message and the rule, so a redelivered message
/// yields the same key and the sender sends the reply once. Hashed, because
/// wamids are long and keys hold at most 128 characters.
pub(crate) fn reply_key(wamid: &Wamid, what: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{wamid}|{what}").as_bytes());
    format!("auto-{}", hex::encode(&digest[..16]))
}

pub(crate) fn reply(
    key: &str,
    to: &str,
    number: Option<&PhoneNumberId>,
    category: &str,
    message: serde_json::Value,
) -> String {
    let mut cmd = json!({
        "idempotency_key": key,
        "to": format!("+{to}"),
        "category": category,
        "message": message,
    });
    if let Some(n) = number {
        cmd["phone_number_id"] = json!(n.as_str());
    }
    cmd.to_string()
}
