//! In-memory fakes of every port, with the same dedup and ordering rules as
//! the AWS adapters, for fast unit tests of handlers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::domain::ids::ContactKey;
use crate::domain::records::{
    ConsentRecord, ConsentState, ContactTouch, DiagnosticRecord, MessageRecord, NumberChange,
    StatusOutcome, StatusRecord, WriteOutcome,
};
use crate::domain::status::StatusKind;
use crate::ports::{
    ContactStore, DiagnosticStore, InboundQueue, MessageStore, QueueError, Retry, StoreError,
};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// The queue record it came in (`WriteOutcome::Retried`).
    pub origin: String,
    pub contact: ContactKey,
    pub direction: &'static str,
    pub message_type: String,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredStatus {
    /// Per status: the queue record it came in.
    pub origins: BTreeMap<String, String>,
    pub current: StatusKind,
    pub seen: BTreeMap<String, i64>,
    pub error_codes: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredContact {
    pub profile_name: Option<String>,
    pub last_inbound_at: Option<i64>,
    pub consent: ConsentState,
    pub consent_at: Option<i64>,
    pub changed_to: Option<String>,
    pub changed_from: Option<String>,
}

impl Default for StoredContact {
    fn default() -> Self {
        Self {
            profile_name: None,
            last_inbound_at: None,
            consent: ConsentState::Unknown,
            consent_at: None,
            changed_to: None,
            changed_from: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct MemoryState {
    pub messages: BTreeMap<String, StoredMessage>,
    pub statuses: BTreeMap<String, StoredStatus>,
    pub contacts: BTreeMap<ContactKey, StoredContact>,
    /// (contact, timestamp, value) -> the queue record it came in
    pub consent_history: BTreeMap<(ContactKey, i64, String), String>,
    pub diagnostics: BTreeMap<(String, usize, usize), String>,
}

/// A store that can also be told to fail its next N writes.
#[derive(Clone, Default)]
pub struct MemoryStore {
    pub state: Arc<Mutex<MemoryState>>,
    failures: Arc<AtomicUsize>,
}

impl MemoryStore {
    pub fn fail_next_writes(&self, n: usize) {
        self.failures.store(n, Ordering::SeqCst);
    }

    fn check(&self, operation: &'static str) -> Result<(), StoreError> {
        let failing = self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(StoreError {
                operation,
                message: "injected failure".into(),
                retry: Retry::Retryable,
            });
        }
        Ok(())
    }

    fn with<T>(&self, f: impl FnOnce(&mut MemoryState) -> T) -> T {
        f(&mut self.state.lock().expect("memory store lock"))
    }
}

impl MessageStore for MemoryStore {
    async fn put_message(&self, r: MessageRecord<'_>) -> Result<WriteOutcome, StoreError> {
        self.check("put message")?;
        let m = r.message;
        Ok(self.with(|s| {
            if let Some(stored) = s.messages.get(m.wamid.as_str()) {
                return if stored.origin == r.from.origin {
                    WriteOutcome::Retried
                } else {
                    WriteOutcome::Duplicate
                };
            }
            s.messages.insert(
                m.wamid.as_str().to_owned(),
                StoredMessage {
                    origin: r.from.origin.to_owned(),
                    contact: m.contact.clone(),
                    direction: m.direction.as_str(),
                    message_type: m.message_type.clone(),
                    raw: m.raw.get().to_owned(),
                },
            );
            WriteOutcome::Created
        }))
    }

    async fn apply_status(&self, r: StatusRecord<'_>) -> Result<StatusOutcome, StoreError> {
        self.check("apply status")?;
        let st = r.status;
        Ok(self.with(|s| {
            let entry = s.statuses.entry(st.wamid.as_str().to_owned());
            let stored = entry.or_insert_with(|| StoredStatus {
                origins: BTreeMap::new(),
                current: st.status.clone(),
                seen: BTreeMap::new(),
                error_codes: Vec::new(),
            });
            if stored.seen.contains_key(st.status.as_str()) {
                return if stored.origins.get(st.status.as_str()).map(String::as_str)
                    == Some(r.from.origin)
                {
                    StatusOutcome::Retried
                } else {
                    StatusOutcome::Duplicate
                };
            }
            stored
                .seen
                .insert(st.status.as_str().to_owned(), st.timestamp);
            stored
                .origins
                .insert(st.status.as_str().to_owned(), r.from.origin.to_owned());
            if stored.seen.len() == 1 || st.status.supersedes(&stored.current) {
                stored.current = st.status.clone();
                stored.error_codes = st.errors.iter().filter_map(|e| e.code).collect();
                StatusOutcome::Advanced
            } else {
                StatusOutcome::Recorded
            }
        }))
    }
}

impl ContactStore for MemoryStore {
    async fn touch(
        &self,
        t: &ContactTouch,
    ) -> Result<Option<crate::ports::automation::ContactState>, StoreError> {
        self.check("touch contact")?;
        self.with(|s| {
            let c = s.contacts.entry(t.contact.clone()).or_default();
            let newer = match (t.last_inbound_at, c.last_inbound_at) {
                (Some(new), Some(old)) => new >= old,
                _ => true,
            };
            if newer {
                if t.last_inbound_at.is_some() {
                    c.last_inbound_at = t.last_inbound_at;
                }
                if t.profile_name.is_some() {
                    c.profile_name.clone_from(&t.profile_name);
                }
            } else if c.profile_name.is_none() {
                c.profile_name.clone_from(&t.profile_name);
            }
        });
        // The automation fake (`MemoryAutomation`) holds contact states.
        Ok(None)
    }

    async fn link_number_change(&self, change: &NumberChange) -> Result<(), StoreError> {
        self.check("link number change")?;
        self.with(|s| {
            let old = s.contacts.entry(change.old.clone()).or_default();
            old.changed_to = Some(change.new.as_str().to_owned());
            let consent = old.consent;
            let new = s
                .contacts
                .entry(ContactKey::Phone(change.new.clone()))
                .or_default();
            new.changed_from = Some(change.old.storage_id());
            if new.consent == ConsentState::Unknown {
                new.consent = consent;
            }
        });
        Ok(())
    }

    async fn apply_consent(&self, r: ConsentRecord<'_>) -> Result<WriteOutcome, StoreError> {
        self.check("apply consent")?;
        let c = r.change;
        Ok(self.with(|s| {
            let key = (c.contact.clone(), c.timestamp, c.value.clone());
            let outcome = match s.consent_history.get(&key) {
                Some(origin) if origin == r.origin => WriteOutcome::Retried,
                Some(_) => return WriteOutcome::Duplicate,
                None => {
                    s.consent_history.insert(key, r.origin.to_owned());
                    WriteOutcome::Created
                }
            };
            if let Some(state) = c.state() {
                let contact = s.contacts.entry(c.contact.clone()).or_default();
                if contact.consent_at.is_none_or(|at| at <= c.timestamp) {
                    contact.consent = state;
                    contact.consent_at = Some(c.timestamp);
                }
            }
            outcome
        }))
    }
}

impl DiagnosticStore for MemoryStore {
    async fn put_diagnostic(&self, d: DiagnosticRecord<'_>) -> Result<(), StoreError> {
        self.check("put diagnostic")?;
        self.with(|s| {
            s.diagnostics.insert(
                (d.from.request.request_id.clone(), d.part, d.index),
                d.field.to_owned(),
            )
        });
        Ok(())
    }
}

/// A queue that keeps bodies in memory, or refuses them when told to: all
/// of them (`refuse`), or any request holding a body that contains a given
/// text (`refuse_containing`), as SQS refuses a batch with one bad entry.
#[derive(Clone, Default)]
pub struct MemoryQueue {
    pub bodies: Arc<Mutex<Vec<String>>>,
    pub refuse: Arc<std::sync::atomic::AtomicBool>,
    pub refuse_containing: Arc<Mutex<Option<String>>>,
}

impl MemoryQueue {
    pub fn sent(&self) -> Vec<String> {
        self.bodies.lock().expect("memory queue lock").clone()
    }
}

impl InboundQueue for MemoryQueue {
    async fn enqueue(&self, bodies: Vec<String>) -> Result<(), QueueError> {
        let poisoned = self
            .refuse_containing
            .lock()
            .expect("memory queue lock")
            .as_ref()
            .is_some_and(|text| bodies.iter().any(|b| b.contains(text.as_str())));
        if poisoned || self.refuse.load(Ordering::SeqCst) {
            return Err(QueueError {
                message: "queue refused (injected)".into(),
                retry: Retry::Retryable,
            });
        }
        self.bodies
            .lock()
            .expect("memory queue lock")
            .extend(bodies);
        Ok(())
    }
}

impl crate::ports::EventSink for MemoryQueue {
    async fn publish(&self, events: &[crate::domain::events::Event]) -> Result<(), QueueError> {
        let bodies = events
            .iter()
            .map(|e| serde_json::to_string(e).expect("events serialise"))
            .collect();
        self.enqueue(bodies).await
    }
}

impl crate::ports::CommandQueue for MemoryQueue {
    async fn submit(&self, commands: Vec<String>) -> Result<(), QueueError> {
        self.enqueue(commands).await
    }
}
