//! The processor on the in-memory fakes of its ports, for the handler
//! tests and the `batch` bench (which includes this file by `#[path]`).

use processor::{Processor, ProcessorPorts};
use shared::adapters::memory::{MemoryQueue, MemoryStore};
use shared::adapters::memory_automation::MemoryAutomation;
use shared::adapters::memory_consent::MemoryConsent;
use shared::adapters::memory_health::MemoryHealth;
use shared::adapters::memory_media::MemoryMediaJobs;
use shared::domain::retention::Retention;
use shared::ports::SystemClock;

/// Every port served by the in-memory fakes.
pub enum Fakes {}

impl ProcessorPorts for Fakes {
    type Messages = MemoryStore;
    type Contacts = MemoryStore;
    type Diagnostics = MemoryStore;
    type Clock = SystemClock;
    type Events = MemoryQueue;
    type Commands = MemoryQueue;
    type Automation = MemoryAutomation;
    type Consent = MemoryConsent;
    type Media = MemoryMediaJobs;
    type Health = MemoryHealth;
    type Templates = shared::adapters::memory_templates::MemoryTemplates;
    type Numbers = shared::adapters::memory_templates::MemoryTemplates;
}

pub type Proc = Processor<Fakes>;

pub fn processor() -> (Proc, MemoryStore) {
    let store = MemoryStore::default();
    let p = Processor {
        messages: store.clone(),
        contacts: store.clone(),
        diagnostics: store.clone(),
        health: MemoryHealth::default(),
        clock: SystemClock,
        retention: Retention::DEFAULT,
        events: MemoryQueue::default(),
        commands: MemoryQueue::default(),
        automation_store: MemoryAutomation::default(),
        automation: None,
        consent: MemoryConsent::default(),
        suppression_retention: Default::default(),
        media: MemoryMediaJobs::default(),
        templates: Default::default(),
        numbers: Default::default(),
    };
    (p, store)
}
