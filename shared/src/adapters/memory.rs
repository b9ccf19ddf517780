//! In-memory fakes of every port, with the same dedup and ordering rules as
//! the AWS adapters, for fast unit tests of handlers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::domain::ids::ContactKey;
use crate::domain::records::{
    ConsentRecord, ConsentState, ContactTouch, DiagnosticRecord, Effects, MessageRecord,
    NumberChange, StatusOutcome, StatusRecord, WriteOutcome,
};
use crate::domain::status::StatusKind;
use crate::ports::{
    ContactStore, DiagnosticStore, InboundQueue, MessageStore, QueueError, Retry, StoreError,
};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    pub effects_pending: bool,
    pub contact: ContactKey,
    pub direction: &'static str,
    pub message_type: String,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredStatus {
    pub effects_pending: BTreeSet<String>,
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
    /// (contact, timestamp, value) -> effects still pending
    pub consent_history: BTreeMap<(ContactKey, i64, String), bool>,
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
                return if stored.effects_pending {
                    WriteOutcome::Unfinished
                } else {
                    WriteOutcome::Duplicate
                };
            }
            s.messages.insert(
                m.wamid.as_str().to_owned(),
                StoredMessage {
                    effects_pending: true,
                    contact: m.contact.clone(),
                    direction: m.direction.as_str(),
                    message_type: m.message_type.clone(),
                    raw: m.raw.get().to_owned(),
                },
            );
            WriteOutcome::Created
        }))
    }

    async fn effects_done(&self, effects: &Effects) -> Result<(), StoreError> {
        self.check("clear effects")?;
        self.clear_effects(effects);
        Ok(())
    }

    async fn apply_status(&self, r: StatusRecord<'_>) -> Result<StatusOutcome, StoreError> {
        self.check("apply status")?;
        let st = r.status;
        Ok(self.with(|s| {
            let entry = s.statuses.entry(st.wamid.as_str().to_owned());
            let stored = entry.or_insert_with(|| StoredStatus {
                effects_pending: BTreeSet::new(),
                current: st.status.clone(),
                seen: BTreeMap::new(),
                error_codes: Vec::new(),
            });
            if stored.seen.contains_key(st.status.as_str()) {
                return StatusOutcome::Duplicate;
            }
            stored
                .seen
                .insert(st.status.as_str().to_owned(), st.timestamp);
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

impl MemoryStore {
    /// Clears an effects flag by the same keys the DynamoDB adapter uses.
    fn clear_effects(&self, e: &Effects) {
        self.with(|s| {
            if let Some(wamid) = e.sk.strip_prefix("S#") {
                if let Some(st) = s.statuses.get_mut(wamid) {
                    st.effects_pending.remove(e.flag.trim_start_matches("fx_"));
                }
            } else if let Some(rest) = e.sk.strip_prefix("CONSENT#") {
                if let Some((ts, value)) = rest.split_once('#') {
                    let key = (e.contact.clone(), ts.parse().unwrap_or(0), value.to_owned());
                    if let Some(pending) = s.consent_history.get_mut(&key) {
                        *pending = false;
                    }
                }
            } else if let Some(m) =
                e.sk.rsplit_once('#')
                    .and_then(|(_, wamid)| s.messages.get_mut(wamid))
            {
                m.effects_pending = false;
            }
        });
    }
}

impl ContactStore for MemoryStore {
    async fn touch(&self, t: &ContactTouch) -> Result<(), StoreError> {
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
        Ok(())
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
                Some(true) => WriteOutcome::Unfinished,
                Some(false) => return WriteOutcome::Duplicate,
                None => {
                    s.consent_history.insert(key, true);
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

/// A queue that keeps bodies in memory, or refuses them when told to.
#[derive(Clone, Default)]
pub struct MemoryQueue {
    pub bodies: Arc<Mutex<Vec<String>>>,
    pub refuse: Arc<std::sync::atomic::AtomicBool>,
}

impl MemoryQueue {
    pub fn sent(&self) -> Vec<String> {
        self.bodies.lock().expect("memory queue lock").clone()
    }
}

impl InboundQueue for MemoryQueue {
    async fn enqueue(&self, bodies: Vec<String>) -> Result<(), QueueError> {
        if self.refuse.load(Ordering::SeqCst) {
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
