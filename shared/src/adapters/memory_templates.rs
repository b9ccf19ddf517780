//! In-memory fake of the template store: the same rules as the DynamoDB
//! adapter (a complete sync replaces a WABA's templates and maps its
//! numbers; a failed one keeps them), in maps.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use crate::domain::ids::PhoneNumberId;
use crate::domain::pacing::{BusinessNumber, ThroughputLevel};
use crate::domain::templates::{TemplateChange, TemplateDefinition, TemplateKey, WabaId};
use crate::ports::numbers::NumberLevels;
use crate::ports::templates::{SyncError, SyncState, TemplateSource, TemplateStore, TemplateUse};
use crate::ports::StoreError;

#[derive(Clone, Default)]
pub struct MemoryTemplates {
    pub templates: Arc<Mutex<BTreeMap<(WabaId, TemplateKey), TemplateDefinition>>>,
    pub numbers: Arc<Mutex<HashMap<String, WabaId>>>,
    /// Each number's throughput level, and which number a display number is.
    pub levels: Arc<Mutex<HashMap<String, ThroughputLevel>>>,
    pub displays: Arc<Mutex<HashMap<String, String>>>,
    pub syncs: Arc<Mutex<HashMap<WabaId, SyncState>>>,
    /// Reads of one template, for tests that count them.
    pub gets: Arc<Mutex<u32>>,
    /// The last use of each template, as `mark_used` wrote it.
    pub uses: Arc<Mutex<BTreeMap<(WabaId, TemplateKey), i64>>>,
}

impl TemplateStore for MemoryTemplates {
    async fn waba_of(&self, number: &PhoneNumberId) -> Result<Option<WabaId>, StoreError> {
        Ok(self
            .numbers
            .lock()
            .expect("fake lock")
            .get(number.as_str())
            .cloned())
    }

    async fn get(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
    ) -> Result<Option<TemplateDefinition>, StoreError> {
        *self.gets.lock().expect("fake lock") += 1;
        Ok(self
            .templates
            .lock()
            .expect("fake lock")
            .get(&(waba.clone(), key.clone()))
            .cloned())
    }

    async fn put_all(
        &self,
        waba: &WabaId,
        templates: &[TemplateDefinition],
        numbers: &[BusinessNumber],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut held = self.templates.lock().expect("fake lock");
        held.retain(|(w, _), _| w != waba);
        for t in templates {
            held.insert((waba.clone(), t.key.clone()), t.clone());
        }
        let mut map = self.numbers.lock().expect("fake lock");
        let mut levels = self.levels.lock().expect("fake lock");
        let mut displays = self.displays.lock().expect("fake lock");
        for n in numbers {
            let id = n.id.as_str().to_owned();
            map.insert(id.clone(), waba.clone());
            match n.throughput {
                Some(level) => levels.insert(id.clone(), level),
                None => levels.remove(&id),
            };
            if let Some(digits) = &n.display_digits {
                displays.insert(digits.clone(), id);
            }
        }
        let mut syncs = self.syncs.lock().expect("fake lock");
        let state = syncs.entry(waba.clone()).or_default();
        state.synced_at = Some(now);
        state.templates = u32::try_from(templates.len()).unwrap_or(u32::MAX);
        Ok(())
    }

    async fn apply(&self, waba: &WabaId, change: &TemplateChange) -> Result<(), StoreError> {
        let mut held = self.templates.lock().expect("fake lock");
        held.entry((waba.clone(), change.key.clone()))
            .or_insert_with(|| TemplateDefinition::learned(change))
            .apply(change);
        Ok(())
    }

    async fn sync_failed(&self, waba: &WabaId, error: &str, now: i64) -> Result<(), StoreError> {
        let mut syncs = self.syncs.lock().expect("fake lock");
        let state = syncs.entry(waba.clone()).or_default();
        state.failed_at = Some(now);
        state.error = Some(error.to_owned());
        Ok(())
    }

    async fn sync_state(&self, waba: &WabaId) -> Result<SyncState, StoreError> {
        Ok(self
            .syncs
            .lock()
            .expect("fake lock")
            .get(waba)
            .cloned()
            .unwrap_or_default())
    }

    async fn mark_used(
        &self,
        waba: &WabaId,
        key: &TemplateKey,
        now: i64,
    ) -> Result<(), StoreError> {
        self.uses
            .lock()
            .expect("fake lock")
            .insert((waba.clone(), key.clone()), now);
        Ok(())
    }

    async fn used_since(&self, waba: &WabaId, since: i64) -> Result<Vec<TemplateUse>, StoreError> {
        Ok(self
            .uses
            .lock()
            .expect("fake lock")
            .iter()
            .filter(|((w, _), at)| w == waba && **at >= since)
            .map(|((_, key), at)| TemplateUse {
                key: key.clone(),
                used_at: *at,
            })
            .collect())
    }
}

impl NumberLevels for MemoryTemplates {
    async fn throughput(
        &self,
        number: &PhoneNumberId,
    ) -> Result<Option<ThroughputLevel>, StoreError> {
        Ok(self
            .levels
            .lock()
            .expect("fake lock")
            .get(number.as_str())
            .copied())
    }

    async fn set_throughput(
        &self,
        display_digits: &str,
        level: ThroughputLevel,
    ) -> Result<bool, StoreError> {
        let Some(id) = self
            .displays
            .lock()
            .expect("fake lock")
            .get(display_digits)
            .cloned()
        else {
            return Ok(false);
        };
        self.levels.lock().expect("fake lock").insert(id, level);
        Ok(true)
    }
}

/// What Meta answers for one WABA's template list.
pub type TemplateAnswer = Result<Vec<TemplateDefinition>, SyncError>;

/// Meta's template list and phone numbers per WABA; a WABA given an error
/// answers it (a page Meta refused).
#[derive(Clone, Default)]
pub struct MemoryTemplateSource {
    pub templates: Arc<Mutex<HashMap<WabaId, TemplateAnswer>>>,
    pub numbers: Arc<Mutex<HashMap<WabaId, Vec<BusinessNumber>>>>,
}

impl TemplateSource for MemoryTemplateSource {
    async fn templates(&self, waba: &WabaId) -> Result<Vec<TemplateDefinition>, SyncError> {
        self.templates
            .lock()
            .expect("fake lock")
            .get(waba)
            .cloned()
            .unwrap_or_else(|| Err(SyncError(format!("{waba}: unknown WABA"))))
    }

    async fn phone_numbers(&self, waba: &WabaId) -> Result<Vec<BusinessNumber>, SyncError> {
        Ok(self
            .numbers
            .lock()
            .expect("fake lock")
            .get(waba)
            .cloned()
            .unwrap_or_default())
    }
}
