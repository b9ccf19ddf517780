//! The contract between `webhook` and `processor`: what one inbound-queue
//! message holds. Versioned, because messages outlive deployments (a DLQ
//! redrive may replay a week-old message into a newer processor).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const FORMAT_VERSION: u8 = 1;

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

/// One `entry[].changes[]` (or a slice of one, when it was too large).
#[derive(Debug, Serialize)]
pub struct OutgoingChange<'a> {
    pub waba_id: &'a str,
    pub field: &'a str,
    pub value: &'a RawValue,
}

#[derive(Debug, Serialize)]
pub struct OutgoingBatch<'a> {
    pub v: u8,
    pub request: &'a RequestMeta,
    /// Position of this queue message among those made from one POST.
    pub part: usize,
    pub changes: &'a [OutgoingChange<'a>],
}

#[derive(Debug, Deserialize)]
pub struct QueuedChange {
    pub waba_id: String,
    pub field: String,
    pub value: Box<RawValue>,
}

#[derive(Debug, Deserialize)]
pub struct QueuedBatch {
    pub v: u8,
    pub request: RequestMeta,
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
