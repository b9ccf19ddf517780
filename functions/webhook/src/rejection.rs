//! The diagnostic record of a signed POST that was refused: queued like any
//! update so the processor keeps it (with TTL) beside the other diagnostics.

use shared::domain::envelope::{rejected_post, EnvelopeError};
use shared::domain::queued::RequestMeta;

/// How much of a refused body is kept: enough to see what went wrong.
const KEPT_BYTES: usize = 16 * 1024;

pub fn diagnostic_message(body: &[u8], meta: &RequestMeta, e: &EnvelopeError) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(KEPT_BYTES)]);
    let value = serde_json::json!({
        "reason": e.reason(),
        "detail": e.to_string(),
        "body_bytes": body.len(),
        "body_prefix": text,
    });
    let raw = serde_json::value::to_raw_value(&value).expect("JSON value serialises");
    rejected_post(meta, &raw)
}
