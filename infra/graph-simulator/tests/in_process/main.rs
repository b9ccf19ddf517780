//! The simulator started in-process on a random port, driven over HTTP the
//! way the connector and the integration tests use it.

mod account;
mod account_webhooks;
mod faults;
mod http;
mod media;
mod media_upload;
mod sends;
mod support;
mod webhooks;
