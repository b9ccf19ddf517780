//! The WhatsApp credentials: one Secrets Manager secret holding JSON, read
//! once and cached, refreshed in the background of requests so a rotation
//! reaches running functions without a redeploy.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

/// Where it always was for the functions; the port owns it (ports::secrets).
pub use crate::ports::WhatsAppSecrets;
use crate::ports::{SecretSource, SecretsError};

/// Fetches the secret's current text.
pub trait SecretFetcher: Send + Sync {
    fn fetch(&self) -> impl Future<Output = Result<String, SecretsError>> + Send;
}

/// Caches the parsed secret for `refresh`. When a refresh fails the last good
/// value is kept (a Secrets Manager blip must not stop webhooks); only a cold
/// function with nothing cached reports the error.
pub struct CachedSecrets<F> {
    fetcher: F,
    refresh: Duration,
    cached: Mutex<Option<(Instant, Arc<WhatsAppSecrets>)>>,
}

impl<F: SecretFetcher> CachedSecrets<F> {
    pub fn new(fetcher: F, refresh: Duration) -> Self {
        Self {
            fetcher,
            refresh,
            cached: Mutex::new(None),
        }
    }
}

impl<F: SecretFetcher> SecretSource for CachedSecrets<F> {
    async fn secrets(&self) -> Result<Arc<WhatsAppSecrets>, SecretsError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, value)) = cached.as_ref() {
            if at.elapsed() < self.refresh {
                return Ok(Arc::clone(value));
            }
        }
        match self
            .fetcher
            .fetch()
            .await
            .and_then(|text| WhatsAppSecrets::parse(&text))
        {
            Ok(fresh) => {
                let fresh = Arc::new(fresh);
                *cached = Some((Instant::now(), Arc::clone(&fresh)));
                Ok(fresh)
            }
            Err(e) => match cached.as_mut() {
                Some((at, value)) => {
                    tracing::warn!(error = %e, "secret refresh failed, keeping the cached value");
                    *at = Instant::now();
                    Ok(Arc::clone(value))
                }
                None => Err(e),
            },
        }
    }
}

/// Fixed secrets, for tests and tools.
pub struct StaticSecrets(pub Arc<WhatsAppSecrets>);

impl SecretSource for StaticSecrets {
    async fn secrets(&self) -> Result<Arc<WhatsAppSecrets>, SecretsError> {
        Ok(Arc::clone(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        calls: AtomicUsize,
        fail_after: usize,
    }

    impl SecretFetcher for Counting {
        async fn fetch(&self) -> Result<String, SecretsError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n >= self.fail_after {
                return Err(SecretsError::Fetch("down".into()));
            }
            Ok(format!(r#"{{"app_secret":"s{n}","verify_token":"v"}}"#))
        }
    }

    #[tokio::test]
    async fn secrets_are_fetched_once_within_the_refresh_interval() {
        let cache = CachedSecrets::new(
            Counting {
                calls: AtomicUsize::new(0),
                fail_after: 9,
            },
            Duration::from_secs(60),
        );
        for _ in 0..5 {
            cache.secrets().await.unwrap();
        }
        assert_eq!(cache.fetcher.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_last_good_secret() {
        let cache = CachedSecrets::new(
            Counting {
                calls: AtomicUsize::new(0),
                fail_after: 1,
            },
            Duration::ZERO,
        );
        let first = cache.secrets().await.unwrap();
        let again = cache.secrets().await.unwrap();
        assert_eq!(
            first.app_secret.expose_secret(),
            again.app_secret.expose_secret()
        );
    }

    #[test]
    fn a_malformed_secret_is_reported_without_its_values() {
        let err = WhatsAppSecrets::parse(r#"{"app_secret":"hunter2"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("verify_token"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn debug_output_is_redacted() {
        let s = WhatsAppSecrets::parse(r#"{"app_secret":"hunter2","verify_token":"v"}"#).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
