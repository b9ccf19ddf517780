//! Adapters behind the ports: AWS services, and in-memory fakes for unit tests.
//!
//! The fakes are built only for tests (`cfg(test)`) or with the `fakes`
//! feature, which the functions' and the workspace's tests enable as a
//! dev-dependency: a release build of a function does not contain them.

pub mod aws;
pub mod dynamo;
pub mod eventbridge;
pub mod graph;
pub mod graph_account;
mod graph_media;
pub mod graph_templates;
pub mod graph_upload;
pub mod hashing;
#[cfg(any(test, feature = "fakes"))]
pub mod memory;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_automation;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_consent;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_contacts;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_health;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_media;
pub mod memory_outbound_media;
#[cfg(any(test, feature = "fakes"))]
mod memory_profile;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_receipts;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_review;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_sending;
#[cfg(any(test, feature = "fakes"))]
mod memory_sweep;
#[cfg(any(test, feature = "fakes"))]
pub mod memory_templates;
pub mod s3;
pub mod s3_outbound;
pub mod secrets_manager;
pub mod sigv4;
pub mod sqs;
pub mod stack_facts;
