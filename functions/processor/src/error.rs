//! What can fail while a queue record is stored and its effects worked out,
//! and whether SQS should try the record again. Its own file, so that the
//! ingest and every effect can return it without importing each other.

use shared::domain::queued::QueuedBatchError;
use shared::ports::{QueueError, Retry, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("poison record: {0}")]
    Poison(#[from] QueuedBatchError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

impl IngestError {
    pub fn retry(&self) -> Retry {
        match self {
            Self::Poison(_) => Retry::Permanent,
            Self::Store(e) => e.retry,
            Self::Queue(e) => e.retry,
        }
    }
}
