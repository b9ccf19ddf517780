//! The processor's ports and settings: what the handler, the ingest and the
//! effects all read.

use std::sync::Arc;

use shared::domain::automation::Automation;
use shared::domain::consent::SuppressionRetention;
use shared::domain::retention::Retention;
use shared::ports::automation::AutomationStore;
use shared::ports::consent::ConsentLedger;
use shared::ports::health::HealthStore;
use shared::ports::media::MediaJobs;
use shared::ports::numbers::NumberLevels;
use shared::ports::templates::TemplateStore;
use shared::ports::{Clock, CommandQueue, ContactStore, DiagnosticStore, EventSink, MessageStore};

/// Which adapter serves each port: `aws.rs` names the deployed ones, the tests
/// the in-memory fakes or moto's. Types only, resolved at compile time, so
/// the handler is as fast as with concrete types.
pub trait ProcessorPorts {
    type Messages: MessageStore;
    type Contacts: ContactStore;
    type Diagnostics: DiagnosticStore;
    type Clock: Clock;
    type Events: EventSink;
    type Commands: CommandQueue;
    type Automation: AutomationStore;
    type Consent: ConsentLedger;
    type Media: MediaJobs;
    type Health: HealthStore;
    type Templates: TemplateStore;
    type Numbers: NumberLevels;
}

pub struct Processor<P: ProcessorPorts> {
    pub messages: P::Messages,
    pub contacts: P::Contacts,
    pub diagnostics: P::Diagnostics,
    pub clock: P::Clock,
    pub retention: Retention,
    /// Events for internal systems.
    pub events: P::Events,
    /// The outbound queue, for automated replies.
    pub commands: P::Commands,
    pub automation_store: P::Automation,
    /// The business's rules; `None` turns automation off (events still flow,
    /// and STOP / START still work, with the default words and replies).
    pub automation: Option<Arc<Automation>>,
    /// The suppression list, written by STOP / START and Meta's marketing stop.
    pub consent: P::Consent,
    pub suppression_retention: SuppressionRetention,
    /// The media queue: one job per stored file to copy to the bucket.
    pub media: P::Media,
    /// Account and number health facts (`health.rs`).
    pub health: P::Health,
    /// Meta's templates: the template webhooks change them at once.
    pub templates: P::Templates,
    /// Each business number's throughput level: a `THROUGHPUT_UPGRADE`
    /// raises it at once, for the sender's pacing.
    pub numbers: P::Numbers,
}
