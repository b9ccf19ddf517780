//! The contacts API against moto: access, export, erasure with receipts,
//! the changes, restriction against the sender, and the audit trail.

mod changes;
mod common;
mod erasure;
mod media;
mod message_types;
mod messages;
mod restriction;
mod retention;
mod rights;
mod roles;
