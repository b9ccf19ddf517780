//! The `processor` function: reads inbound-queue batches and stores each
//! update once. Only records that really failed are reported back, so SQS
//! redelivers just those (and moves a poison record to the DLQ after
//! `maxReceiveCount`).

pub mod aws;
pub mod config;
mod contact_states;
mod effects;
mod error;
mod events;
mod flood;
mod handler;
mod health;
mod ingest;
mod media;
mod optout;
mod outbox;
mod processor;
mod reply;
mod rules;
mod templates;

pub use error::IngestError;
pub use processor::{Processor, ProcessorPorts};
