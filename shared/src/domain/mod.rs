//! What the connector knows about WhatsApp, free of AWS.

pub mod envelope;
pub mod ids;
pub mod inbound;
pub mod outbound;
pub mod queued;
pub mod records;
pub mod status;

pub use ids::{mask, ContactKey, IdError, PhoneNumberId, UserId, WaId, Wamid};
pub mod automation;
pub mod consent;
pub mod dates;
pub mod erasure;
pub mod events;
pub mod privacy;
pub mod privacy_records;
pub mod retention;
pub mod retries;
pub mod sending;
pub mod window;
