//! The subject-hash key, from its own secret (`<stack>/hashing`, JSON
//! `{"subject_hash_key": "…"}`), cached like the WhatsApp credentials.
//! The contacts API uses it for every request; the sender and the processor
//! for the suppression list, and the sender to audit a send that overrides a
//! restriction (fetched on first need, never at start-up).

use std::time::{Duration, Instant};

use crate::domain::privacy::subject_hash;
use crate::domain::ContactKey;
use crate::ports::contacts::SubjectHasher;
use crate::ports::SecretsError;
use crate::secrets::SecretFetcher;
use secrecy::SecretString;
use serde::Deserialize;
use tokio::sync::Mutex;

#[derive(Deserialize)]
struct HashingSecret {
    subject_hash_key: SecretString,
}

pub struct SecretHasher<F> {
    fetcher: F,
    refresh: Duration,
    cached: Mutex<Option<(Instant, SecretString)>>,
}

impl<F: SecretFetcher> SecretHasher<F> {
    pub fn new(fetcher: F, refresh: Duration) -> Self {
        Self {
            fetcher,
            refresh,
            cached: Mutex::new(None),
        }
    }

    async fn key(&self) -> Result<SecretString, SecretsError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, key)) = cached.as_ref() {
            if at.elapsed() < self.refresh {
                return Ok(key.clone());
            }
        }
        let parsed = self.fetcher.fetch().await.and_then(|text| {
            serde_json::from_str::<HashingSecret>(&text)
                // Never echo serde's text: it may quote the key.
                .map_err(|_| SecretsError::Malformed("expected {\"subject_hash_key\": …}".into()))
        });
        match (parsed, cached.as_mut()) {
            (Ok(s), _) => {
                *cached = Some((Instant::now(), s.subject_hash_key.clone()));
                Ok(s.subject_hash_key)
            }
            (Err(e), Some((at, key))) => {
                tracing::warn!(error = %e, "hashing secret refresh failed, keeping the cached key");
                *at = Instant::now();
                Ok(key.clone())
            }
            (Err(e), None) => Err(e),
        }
    }
}

impl<F: SecretFetcher> SubjectHasher for SecretHasher<F> {
    async fn hash(&self, contact: &ContactKey) -> Result<String, SecretsError> {
        Ok(subject_hash(&self.key().await?, contact))
    }
}
