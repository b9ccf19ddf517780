//! The processor's ports and settings: what the handler, the ingest and the
//! effects all read.

use std::sync::Arc;

use shared::domain::automation::Automation;
use shared::domain::consent::SuppressionRetention;
use shared::domain::records::Retention;

pub struct Processor<M, C, D, K, E, Q, A, S> {
    pub messages: M,
    pub contacts: C,
    pub diagnostics: D,
    pub clock: K,
    pub retention: Retention,
    /// Events for internal systems.
    pub events: E,
    /// The outbound queue, for automated replies.
    pub commands: Q,
    pub automation_store: A,
    /// The business's rules; `None` turns automation off (events still flow,
    /// and STOP / START still work, with the default words and replies).
    pub automation: Option<Arc<Automation>>,
    /// The suppression list, written by STOP / START and Meta's marketing stop.
    pub consent: S,
    pub suppression_retention: SuppressionRetention,
}
