//! The suppression list and marketing opt-ins in memory, with the DynamoDB
//! adapter's rules: an older change never undoes a newer one, expired
//! entries are not read, a command's evidence never lifts an opt-out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::consent::{ConsentCategory, ConsentFacts, ConsentUpdate, OptInEvidence};
use crate::domain::ids::ContactKey;
use crate::ports::consent::ConsentLedger;
use crate::ports::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub source: &'static str,
    pub at: i64,
    pub expires_at: Option<i64>,
}

#[derive(Clone, Default)]
pub struct MemoryConsent {
    /// By contact storage id (the adapter keys by its keyed hash).
    pub suppressions: Arc<Mutex<HashMap<(String, ConsentCategory), Suppression>>>,
    pub opt_ins: Arc<Mutex<HashMap<String, (OptInEvidence, i64)>>>,
}

impl ConsentLedger for MemoryConsent {
    async fn facts(&self, contact: &ContactKey, now: i64) -> Result<ConsentFacts, StoreError> {
        let id = contact.storage_id();
        let sup = self.suppressions.lock().expect("consent lock");
        let suppressed = |c| {
            sup.get(&(id.clone(), c))
                .is_some_and(|s| s.expires_at.is_none_or(|e| e > now))
        };
        Ok(ConsentFacts {
            suppressed_marketing: suppressed(ConsentCategory::Marketing),
            suppressed_utility: suppressed(ConsentCategory::Utility),
            marketing_opt_in: self
                .opt_ins
                .lock()
                .expect("consent lock")
                .get(&id)
                .is_some_and(|(_, exp)| *exp > now),
        })
    }

    async fn update(&self, contact: &ContactKey, u: &ConsentUpdate<'_>) -> Result<(), StoreError> {
        let id = contact.storage_id();
        let mut sup = self.suppressions.lock().expect("consent lock");
        for &c in u.categories {
            let key = (id.clone(), c);
            let newer = sup.get(&key).is_some_and(|s| s.at > u.at);
            if newer {
                continue;
            }
            if u.opted_in {
                sup.remove(&key);
            } else {
                sup.insert(
                    key,
                    Suppression {
                        source: u.source.as_str(),
                        at: u.at,
                        expires_at: u.suppression_expires_at,
                    },
                );
            }
        }
        let marketing = u.categories.contains(&ConsentCategory::Marketing);
        let mut opt_ins = self.opt_ins.lock().expect("consent lock");
        let older =
            |o: Option<&(OptInEvidence, i64)>, t: i64| o.is_none_or(|(e, _)| e.given_at <= t);
        if marketing && !u.opted_in && older(opt_ins.get(&id), u.at) {
            opt_ins.remove(&id);
        } else if let Some(e) = u.evidence.as_ref().filter(|_| u.opted_in) {
            if older(opt_ins.get(&id), e.given_at) {
                opt_ins.insert(id, (e.clone(), u.opt_in_expires_at));
            }
        }
        Ok(())
    }
}
