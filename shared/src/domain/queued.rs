//! The contract between `webhook` and `processor`: what one inbound-queue
//! message holds ([`QueuedBatch`]), and the stand-ins the webhook queues in
//! place of a change it could not queue as Meta sent it. Versioned, because
//! messages outlive deployments (a DLQ redrive may replay a week-old message
//! into a newer processor).
//!
//! The webhook writes its messages without building a `QueuedBatch`
//! (`envelope/queue_message.rs` copies each value's bytes once); tests
//! hold that writer to this type's serialisation.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const FORMAT_VERSION: u8 = 1;

/// The pseudo-field under which the webhook queues a signed POST it refused,
/// so the refusal is kept for troubleshooting like any other diagnostic.
pub const REJECTED_FIELD: &str = "_rejected";

/// The one key of the stand-in the webhook queues for a change value too
/// large for a queue message that has nothing to cut it by (no update
/// array, no contacts): `{"jum_oversized":{"bytes":…,"keys":[…],"head":"…"}}`.
/// Stored as an `oversized` diagnostic rather than dropped.
pub const OVERSIZED_KEY: &str = "jum_oversized";

/// Which app secret matched the signature: `previous` means a rotation is
/// still in progress, which operators want to see before retiring it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMatch {
    Current,
    Previous,
}

/// The webhook log's request-level facts, copied onto every stored update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestMeta {
    pub request_id: String,
    /// Unix milliseconds at which the webhook function received the POST.
    pub received_at_ms: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub body_bytes: usize,
    pub signature: SignatureMatch,
}

/// One `entry[].changes[]` (or a slice of one, when it was too large, or a
/// stand-in: [`REJECTED_FIELD`], [`OVERSIZED_KEY`]).
#[derive(Debug, Serialize, Deserialize)]
pub struct QueuedChange {
    pub waba_id: String,
    pub field: String,
    /// Meta's value as it came, byte for byte.
    pub value: Box<RawValue>,
}

/// One inbound-queue message.
#[derive(Debug, Serialize, Deserialize)]
pub struct QueuedBatch {
    pub v: u8,
    pub request: RequestMeta,
    /// Position of this queue message among those made from one POST.
    pub part: usize,
    pub changes: Vec<QueuedChange>,
}

#[derive(Debug, thiserror::Error)]
pub enum QueuedBatchError {
    #[error("queue message is not an inbound batch: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("queue message has format version {0}, this processor reads {FORMAT_VERSION}")]
    UnknownVersion(u8),
}

impl QueuedBatch {
    /// The queue message recording a signed POST the webhook refused: one
    /// [`REJECTED_FIELD`] change holding `value`.
    pub fn rejected_post(request: RequestMeta, value: Box<RawValue>) -> Self {
        Self {
            v: FORMAT_VERSION,
            request,
            part: 0,
            changes: vec![QueuedChange {
                waba_id: String::new(),
                field: REJECTED_FIELD.to_owned(),
                value,
            }],
        }
    }

    /// Which queue record this is: the webhook request and the message's
    /// number within it. SQS redelivering the record repeats it; Meta
    /// redelivering the webhook is a new request, so a new origin.
    pub fn origin(&self) -> String {
        format!("{}#{}", self.request.request_id, self.part)
    }

    pub fn parse(body: &str) -> Result<Self, QueuedBatchError> {
        let batch: Self = serde_json::from_str(body)?;
        if batch.v != FORMAT_VERSION {
            return Err(QueuedBatchError::UnknownVersion(batch.v));
        }
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message as the webhook has written them since format 1.
    const QUEUED: &str = r#"{"v":1,"request":{"request_id":"req-1","received_at_ms":1795615200000,"source_ip":"173.252.0.1","user_agent":"facebookexternalua","body_bytes":412,"signature":"previous"},"part":2,"changes":[{"waba_id":"102290129340398","field":"messages","value":{"messaging_product":"whatsapp", "statuses":[]}}]}"#;

    #[test]
    fn a_queued_message_reads_and_writes_back_byte_for_byte() {
        let batch = QueuedBatch::parse(QUEUED).unwrap();
        assert_eq!(batch.origin(), "req-1#2");
        assert_eq!(batch.request.signature, SignatureMatch::Previous);
        assert_eq!(
            batch.changes[0].value.get(),
            r#"{"messaging_product":"whatsapp", "statuses":[]}"#
        );
        assert_eq!(serde_json::to_string(&batch).unwrap(), QUEUED);
    }

    #[test]
    fn a_refused_post_is_one_rejected_change_in_the_same_format() {
        let meta = QueuedBatch::parse(QUEUED).unwrap().request;
        let value = RawValue::from_string(r#"{"reason":"not_json"}"#.into()).unwrap();
        let written = serde_json::to_string(&QueuedBatch::rejected_post(meta, value)).unwrap();
        let read = QueuedBatch::parse(&written).unwrap();
        assert_eq!((read.v, read.part), (FORMAT_VERSION, 0));
        assert_eq!(read.changes.len(), 1);
        assert_eq!(read.changes[0].field, REJECTED_FIELD);
        assert_eq!(read.changes[0].waba_id, "");
    }

    #[test]
    fn a_message_of_another_format_version_is_refused() {
        let newer = QUEUED.replacen(r#""v":1"#, r#""v":2"#, 1);
        assert!(matches!(
            QueuedBatch::parse(&newer),
            Err(QueuedBatchError::UnknownVersion(2))
        ));
    }
}
