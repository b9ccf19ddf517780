//! Ports: the narrow capabilities handlers ask for. Each has an AWS adapter
//! (`adapters::*`) and an in-memory fake (`adapters::memory`).

use std::future::Future;

use crate::domain::records::{
    ConsentRecord, ContactTouch, DiagnosticRecord, MessageRecord, NumberChange, StatusOutcome,
    StatusRecord, WriteOutcome,
};

/// Whether trying again later can succeed. SQS handlers turn `Retryable`
/// into a batch item failure; `Permanent` ones go the same way (and so to
/// the DLQ) but are logged as needing a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Retryable,
    Permanent,
}

#[derive(Debug, thiserror::Error)]
#[error("{operation} failed: {message}")]
pub struct StoreError {
    pub operation: &'static str,
    pub message: String,
    pub retry: Retry,
}

#[derive(Debug, thiserror::Error)]
#[error("enqueue failed: {message}")]
pub struct QueueError {
    pub message: String,
    pub retry: Retry,
}

/// Durable hand-off from the webhook to the processor.
pub trait InboundQueue: Send + Sync {
    /// Enqueues every body or fails: the webhook answers 200 only on `Ok`.
    fn enqueue(&self, bodies: Vec<String>) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// The events queue that internal systems consume.
pub trait EventSink: Send + Sync {
    fn publish(
        &self,
        events: &[crate::domain::events::Event],
    ) -> impl Future<Output = Result<(), QueueError>> + Send;
}

/// The outbound queue, for replies the automation sends like any other system.
pub trait CommandQueue: Send + Sync {
    fn submit(&self, commands: Vec<String>) -> impl Future<Output = Result<(), QueueError>> + Send;
}

pub trait MessageStore: Send + Sync {
    /// Stores a message once: the write is also the dedup check (see
    /// [`WriteOutcome`]).
    fn put_message(
        &self,
        record: MessageRecord<'_>,
    ) -> impl Future<Output = Result<WriteOutcome, StoreError>> + Send;
    fn apply_status(
        &self,
        record: StatusRecord<'_>,
    ) -> impl Future<Output = Result<StatusOutcome, StoreError>> + Send;
}

pub trait ContactStore: Send + Sync {
    /// Writes what `touch` brings; returns the profile as the write left
    /// it when the store can say so in the same request.
    fn touch(
        &self,
        touch: &ContactTouch,
    ) -> impl Future<Output = Result<Option<crate::domain::records::ContactState>, StoreError>> + Send;
    fn link_number_change(
        &self,
        change: &NumberChange,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    fn apply_consent(
        &self,
        record: ConsentRecord<'_>,
    ) -> impl Future<Output = Result<WriteOutcome, StoreError>> + Send;
}

pub trait DiagnosticStore: Send + Sync {
    fn put_diagnostic(
        &self,
        record: DiagnosticRecord<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Time, injectable so tests can fix the clock.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
    }
}

pub mod automation;
pub mod consent;
pub mod contacts;
pub mod health;
pub mod media;
pub mod numbers;
pub mod review;
mod secrets;
pub mod sending;
pub mod templates;

pub use secrets::{SecretSource, SecretsError, WhatsAppSecrets};
