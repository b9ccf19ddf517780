//! In-memory fake of the automation store.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::ids::ContactKey;
use crate::ports::automation::{AutomationStore, ContactState, RecentMessage};
use crate::ports::StoreError;

#[derive(Clone, Default)]
pub struct MemoryAutomation {
    pub contacts: Arc<Mutex<HashMap<ContactKey, ContactState>>>,
    /// Inbound messages per contact and time stored.
    pub counters: Arc<Mutex<HashMap<(ContactKey, i64), u32>>>,
    pub recent: Arc<Mutex<HashMap<ContactKey, Vec<RecentMessage>>>>,
}

impl MemoryAutomation {
    fn update(&self, contact: &ContactKey, f: impl FnOnce(&mut ContactState)) {
        let mut contacts = self.contacts.lock().expect("automation lock");
        let state = contacts
            .entry(contact.clone())
            .or_insert_with(|| ContactState {
                exists: true,
                ..ContactState::default()
            });
        f(state);
    }
}

impl AutomationStore for MemoryAutomation {
    async fn contact_state(
        &self,
        contact: &ContactKey,
        _now: i64,
    ) -> Result<ContactState, StoreError> {
        Ok(self
            .contacts
            .lock()
            .expect("automation lock")
            .get(contact)
            .cloned()
            .unwrap_or_default())
    }

    async fn count_inbound(
        &self,
        contact: &ContactKey,
        since: i64,
        now: i64,
        n: u32,
    ) -> Result<u32, StoreError> {
        let mut counters = self.counters.lock().expect("counter lock");
        *counters.entry((contact.clone(), now)).or_insert(0) += n;
        Ok(counters
            .iter()
            .filter(|((c, at), _)| c == contact && *at >= since)
            .map(|(_, n)| n)
            .sum())
    }

    async fn set_handoff(
        &self,
        contact: &ContactKey,
        until: Option<i64>,
    ) -> Result<(), StoreError> {
        self.update(contact, |s| s.handoff_until = until);
        Ok(())
    }

    async fn pause_automation(&self, contact: &ContactKey, until: i64) -> Result<(), StoreError> {
        self.update(contact, |s| s.paused_until = Some(until));
        Ok(())
    }

    async fn add_tags(&self, contact: &ContactKey, tags: &[String]) -> Result<(), StoreError> {
        self.update(contact, |s| s.tags.extend(tags.iter().cloned()));
        Ok(())
    }

    async fn recent_messages(
        &self,
        contact: &ContactKey,
        limit: u32,
        _with_text: bool,
    ) -> Result<Vec<RecentMessage>, StoreError> {
        let recent = self.recent.lock().expect("recent lock");
        Ok(recent
            .get(contact)
            .map(|r| r.iter().take(limit as usize).cloned().collect())
            .unwrap_or_default())
    }
}
