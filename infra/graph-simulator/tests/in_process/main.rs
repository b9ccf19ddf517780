//! The simulator started in-process on a random port, driven over HTTP the
//! way the connector and the integration tests use it.

mod faults;
mod sends;
mod support;
mod webhooks;
