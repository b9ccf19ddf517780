//! What the connector knows about WhatsApp, free of AWS. One module per
//! business concept, so a reader finds each in one hop:
//!
//! | concept | module |
//! |---|---|
//! | a webhook POST cut into queue messages | `envelope`, `queued` |
//! | what Meta sends, typed | `inbound` |
//! | account and number health (quality, limits, restrictions, security) | `account` |
//! | media files: Meta's limits, the copy job, its answers | `media` |
//! | commands from internal systems, Meta's error classes | `outbound` |
//! | the 24-hour customer-service window | `window` |
//! | opt-out, opt-in and the suppression list | `consent` |
//! | the checks before a send | `sending` |
//! | how fast each business number sends (Meta's throughput level, the cap) | `pacing` |
//! | when to try again after Meta refused | `retries` |
//! | delivery statuses and how they merge | `status` |
//! | events for internal systems | `events` |
//! | automated answers | `automation` |
//! | data-subject rights, audit, receipts | `privacy`, `privacy_records` |
//! | erasure's reach outside a person's partition | `erasure` |
//! | how long personal data is kept | `retention` |
//! | the integration review (token, account, secret, stack) | `review` |
//! | message templates and the check of a template command | `templates` |
//!
//! The pacing counters are shared state, so they live with their adapter
//! (`adapters/dynamo/pacing.rs`).

pub mod account;
pub mod automation;
pub mod consent;
pub mod dates;
pub mod envelope;
pub mod erasure;
pub mod events;
pub mod ids;
pub mod inbound;
pub mod media;
pub mod outbound;
pub mod pacing;
pub mod privacy;
pub mod privacy_records;
pub mod queued;
pub mod records;
pub mod retention;
pub mod retries;
pub mod review;
pub mod sending;
pub mod status;
pub mod templates;
pub mod window;

pub use ids::{mask, ContactKey, IdError, PhoneNumberId, UserId, WaId, Wamid};
