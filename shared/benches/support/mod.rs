//! Shared by the benchmarks and the payload writer; not a bench target itself.
#![allow(dead_code)]

pub mod floor;
pub mod payloads;
