//! Adapters behind the ports: AWS services, and in-memory fakes for unit tests.

pub mod aws;
pub mod dynamo;
pub mod graph;
pub mod hashing;
pub mod memory;
pub mod memory_automation;
pub mod memory_contacts;
pub mod memory_sending;
pub mod secrets_manager;
pub mod sqs;
