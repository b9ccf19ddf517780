//! The common crate: domain model, ports (narrow traits) and their AWS and
//! in-memory adapters. Functions depend on ports; `main.rs` files pick adapters.

pub mod adapters;
pub mod config;
pub mod domain;
pub mod ports;
pub mod secrets;
pub mod signature;
pub mod telemetry;
