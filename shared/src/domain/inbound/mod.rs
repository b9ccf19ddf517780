//! Typed reading of one queued change (`entry[].changes[]`). Reading is
//! tolerant by design: anything unexpected becomes an `Unknown` message or a
//! diagnostic, never an error, so Meta adding a field or type cannot stop
//! the pipeline.
//!
//! `model` and `updates` are what the rest of the code sees; `wire` is
//! Meta's JSON as serde reads it; `read` and `content` turn one into the
//! other; the webhook's hand-off constants are in `queued`.

mod content;
mod details;
mod fields;
mod model;
mod read;
mod updates;
mod wire;

/// The webhook's stand-ins, part of the queue message's contract.
pub use super::queued::{OVERSIZED_KEY, REJECTED_FIELD};
pub use content::read_content;
pub use details::{
    ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl, OrderItem,
    Referral, ReferredProduct, SharedContact,
};
pub use fields::{content_fields, message_fields, CONTENT_FIELDS};
pub use model::{
    Direction, InboundMessage, InteractiveReply, MediaKind, MediaRef, MessageContent, ReplyContext,
    SystemEvent,
};
pub use read::parse_change;
pub use updates::{
    ConsentChange, Diagnostic, DiagnosticKind, ErrorData, ErrorDetail, ParsedChange, Pricing,
    Profile, StatusUpdate, Update,
};
