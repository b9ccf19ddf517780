//! In-memory fakes of the sender's ports, with the DynamoDB adapters' rules
//! (claim/lease states, 100 ms pacing slots), shareable between several
//! sender instances in one process.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::adapters::dynamo::{slot_capacity, SLOTS_PER_SECOND};
use crate::domain::ids::{ContactKey, PhoneNumberId};
use crate::domain::sending::Recipient;
use crate::ports::sending::{
    Claim, LedgerKey, OutboundLedger, Outcome, RecipientDirectory, Redelivery, SentMessage,
    SentRef, Throttle,
};
use crate::ports::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct LedgerEntry {
    /// The queue record whose attempt wrote the outcome.
    pub origin: Option<String>,
    pub state: String,
    pub lease_until: i64,
    pub attempts: u32,
    pub outcome: Option<Outcome>,
}

/// A stored sent message as the ledger finds it again by its key.
#[derive(Debug, Clone, PartialEq)]
pub struct SentUnderKey {
    pub wamid: String,
    pub sent_at: i64,
    pub origin: String,
}

#[derive(Clone, Default)]
pub struct MemoryLedger {
    pub entries: Arc<Mutex<HashMap<(ContactKey, String), LedgerEntry>>>,
    /// The stored sent messages by (recipient, idempotency key): the
    /// history and, as in the DynamoDB ledger, a send's outcome.
    pub sent: Arc<Mutex<HashMap<(ContactKey, String), SentUnderKey>>>,
}

impl MemoryLedger {
    /// How the key ended, as the sender reads it back: the ledger's outcome,
    /// or the stored message of a send whose claim is still `sending`.
    pub fn outcome_of(&self, contact: &ContactKey, key: &str) -> Option<Outcome> {
        let id = (contact.clone(), key.to_owned());
        let sent = self.sent.lock().expect("sent lock").get(&id).cloned();
        let entries = self.entries.lock().expect("ledger lock");
        match (entries.get(&id), sent) {
            (Some(e), Some(m)) if e.state == "sending" => Some(Outcome::Sent {
                wamid: m.wamid,
                sent_at: m.sent_at,
            }),
            (e, _) => e.and_then(|e| e.outcome.clone()),
        }
    }
}

impl OutboundLedger for MemoryLedger {
    async fn claim(
        &self,
        key: &LedgerKey,
        now: i64,
        lease_secs: i64,
        _expires_at: i64,
    ) -> Result<Claim, StoreError> {
        let id = (key.contact.clone(), key.key.as_str().to_owned());
        let sent = self.sent.lock().expect("sent lock").get(&id).cloned();
        let mut entries = self.entries.lock().expect("ledger lock");
        // A held claim whose message is stored: sent (the DynamoDB ledger's
        // `sent_under`).
        if let (Some(e), Some(m)) = (entries.get(&id), sent) {
            if e.state == "sending" {
                return Ok(Claim::Finished {
                    effects_pending: m.origin == key.record,
                    outcome: Outcome::Sent {
                        wamid: m.wamid,
                        sent_at: m.sent_at,
                    },
                });
            }
        }
        match entries.get_mut(&id) {
            None => {
                entries.insert(
                    id,
                    LedgerEntry {
                        origin: None,
                        state: "sending".into(),
                        lease_until: now + lease_secs,
                        attempts: 1,
                        outcome: None,
                    },
                );
                Ok(Claim::Acquired { attempt: 1 })
            }
            Some(e) if e.state == "retry" => {
                e.state = "sending".into();
                e.lease_until = now + lease_secs;
                e.attempts += 1;
                Ok(Claim::Acquired {
                    attempt: e.attempts,
                })
            }
            Some(e) if e.state == "sending" && e.lease_until > now => Ok(Claim::InFlight),
            Some(e) if e.state == "sending" => Ok(Claim::Abandoned),
            // Read back as the DynamoDB ledger reads its item back.
            Some(e) => Ok(Claim::Finished {
                outcome: Outcome::from_ledger(
                    &e.state,
                    e.outcome.as_ref().and_then(Outcome::reason),
                    match &e.outcome {
                        Some(Outcome::Sent { wamid, sent_at }) => Some(SentRef {
                            wamid: wamid.clone(),
                            sent_at: *sent_at,
                        }),
                        _ => None,
                    },
                ),
                effects_pending: e.origin.as_deref() == Some(key.record.as_str()),
            }),
        }
    }

    async fn finish(
        &self,
        key: &LedgerKey,
        outcome: &Outcome,
        _now: i64,
    ) -> Result<(), StoreError> {
        let mut entries = self.entries.lock().expect("ledger lock");
        let e = entries
            .entry((key.contact.clone(), key.key.as_str().to_owned()))
            .or_insert_with(|| LedgerEntry {
                origin: None,
                state: String::new(),
                lease_until: 0,
                attempts: 0,
                outcome: None,
            });
        e.state = outcome.state().into();
        e.outcome = Some(outcome.clone());
        e.origin = Some(key.record.clone());
        Ok(())
    }

    async fn release(&self, key: &LedgerKey, _reason: &str, _now: i64) -> Result<(), StoreError> {
        if let Some(e) = self
            .entries
            .lock()
            .expect("ledger lock")
            .get_mut(&(key.contact.clone(), key.key.as_str().to_owned()))
        {
            if e.state == "sending" {
                e.state = "retry".into();
            }
        }
        Ok(())
    }

    async fn mark_for_sweep(
        &self,
        _contact: &ContactKey,
        _expires_at: i64,
        _now: i64,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    async fn record_sent(&self, m: SentMessage<'_>) -> Result<(), StoreError> {
        self.sent
            .lock()
            .expect("sent lock")
            .entry((m.contact.clone(), m.idempotency_key.as_str().to_owned()))
            .or_insert_with(|| SentUnderKey {
                wamid: m.wamid.to_owned(),
                sent_at: m.sent_at,
                origin: m.origin.to_owned(),
            });
        Ok(())
    }
}

#[derive(Clone, Default)]
pub struct MemoryRecipients {
    pub known: Arc<Mutex<HashMap<ContactKey, Recipient>>>,
}

impl RecipientDirectory for MemoryRecipients {
    async fn recipient(
        &self,
        contact: &ContactKey,
        _now: i64,
        _with_window: bool,
    ) -> Result<Option<Recipient>, StoreError> {
        Ok(self
            .known
            .lock()
            .expect("recipients lock")
            .get(contact)
            .copied())
    }
}

/// Pacing counters shared by every sender holding a clone.
#[derive(Clone, Default)]
pub struct MemoryThrottle {
    slots: Arc<Mutex<BTreeMap<(String, i64), u32>>>,
    pauses: Arc<Mutex<HashMap<String, i64>>>,
}

impl Throttle for MemoryThrottle {
    async fn take(
        &self,
        number: &PhoneNumberId,
        wanted: u32,
        per_second: u32,
        now_ms: i64,
    ) -> Result<u32, StoreError> {
        let slot = now_ms.div_euclid(1000 / SLOTS_PER_SECOND);
        let capacity = slot_capacity(per_second, slot);
        let mut slots = self.slots.lock().expect("throttle lock");
        slots.retain(|(_, s), _| *s >= slot - SLOTS_PER_SECOND);
        let used = slots.entry((number.as_str().to_owned(), slot)).or_insert(0);
        let granted = wanted.min(capacity.saturating_sub(*used));
        *used += granted;
        Ok(granted)
    }

    async fn paused_until(
        &self,
        number: &PhoneNumberId,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .pauses
            .lock()
            .expect("pause lock")
            .get(number.as_str())
            .copied()
            .filter(|u| *u > now))
    }

    async fn pause(&self, number: &PhoneNumberId, until: i64) -> Result<(), StoreError> {
        self.pauses
            .lock()
            .expect("pause lock")
            .insert(number.as_str().to_owned(), until);
        Ok(())
    }
}

/// Remembers the delays asked for; the in-memory queue is the test's.
#[derive(Clone, Default)]
pub struct MemoryRedelivery {
    pub delays: Arc<Mutex<Vec<(String, u32)>>>,
}

impl Redelivery for MemoryRedelivery {
    async fn retry_after(&self, receipt_handle: &str, seconds: u32) -> Result<(), StoreError> {
        self.delays
            .lock()
            .expect("delays lock")
            .push((receipt_handle.to_owned(), seconds));
        Ok(())
    }
}
