//! The contacts API against moto: access, export, erasure with receipts,
//! the changes, and the audit trail of each.

mod changes;
mod common;
mod erasure;
mod retention;
mod rights;
mod roles;
