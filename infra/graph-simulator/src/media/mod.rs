//! Media the simulator serves like Meta: files customers "sent" (seeded by
//! the control API or injected with an inbound message) and files uploaded
//! with `POST /{phone_number_id}/media`, each behind a media id that
//! expires, and short-lived download URLs that need the bearer token.
//!
//! Bytes are held once, as `Bytes`: every download hands out a reference
//! to the same buffer, never a copy.

pub mod fault;
pub mod inbound;
pub mod multipart;
pub mod types;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Media ids from webhooks live 7 days, uploaded ones 30 days (Meta's Media page).
pub const WEBHOOK_ID_LIFETIME: u64 = 7 * 24 * 3600;
pub const UPLOAD_ID_LIFETIME: u64 = 30 * 24 * 3600;
/// A download URL works for 5 minutes.
pub const URL_LIFETIME: u64 = 5 * 60;
/// Path of the download URLs, as on lookaside.fbsbx.com.
pub const DOWNLOAD_PATH: &str = "/whatsapp_business/attachments/";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A customer's file, referenced by a webhook: 7 days.
    Webhook,
    /// Uploaded by the business: 30 days.
    Upload,
}

#[derive(Debug)]
pub struct MediaItem {
    pub id: String,
    pub bytes: Bytes,
    pub mime_type: String,
    pub sha256: [u8; 32],
    pub origin: Origin,
    pub created_at: u64,
    /// The business number it belongs to; `?phone_number_id=` must match it.
    pub phone_number_id: Option<String>,
}

impl MediaItem {
    pub fn expires_at(&self) -> u64 {
        self.created_at
            + match self.origin {
                Origin::Webhook => WEBHOOK_ID_LIFETIME,
                Origin::Upload => UPLOAD_ID_LIFETIME,
            }
    }

    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }

    /// The webhook's form of the same digest.
    pub fn sha256_base64(&self) -> String {
        STANDARD.encode(self.sha256)
    }

    /// What the control API reports about a file.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "mime_type": self.mime_type,
            "file_size": self.bytes.len(),
            "sha256": self.sha256_base64(),
            "sha256_hex": self.sha256_hex(),
            "origin": self.origin,
            "phone_number_id": self.phone_number_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at(),
        })
    }
}

/// A download URL handed out by `GET /{media-id}`.
#[derive(Clone, Debug)]
struct Grant {
    media_id: String,
    expires_at: u64,
}

#[derive(Default)]
struct Inner {
    items: HashMap<String, Arc<MediaItem>>,
    grants: HashMap<String, Grant>,
}

pub struct MediaStore {
    inner: Mutex<Inner>,
    counter: AtomicU64,
    /// Keeps ids and URL hashes of two runs apart, like wamids.
    run_tag: u64,
}

pub struct NewMedia {
    pub bytes: Bytes,
    pub mime_type: String,
    pub origin: Origin,
    pub phone_number_id: Option<String>,
}

impl MediaStore {
    pub fn new(run_tag: u32) -> Self {
        Self {
            inner: Mutex::default(),
            counter: AtomicU64::new(1),
            run_tag: run_tag as u64,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// A seed no other sample of this run used, so each sample differs.
    pub fn fresh_seed(&self) -> u64 {
        (self.run_tag << 32) ^ self.next()
    }

    /// Stores a file under a fresh 16-digit id, like Meta's media ids.
    pub fn insert(&self, media: NewMedia, now: u64) -> Arc<MediaItem> {
        let id =
            (1_000_000_000_000_000 + ((self.run_tag << 20) | (self.next() & 0xF_FFFF))).to_string();
        let item = Arc::new(MediaItem {
            sha256: Sha256::digest(&media.bytes).into(),
            id: id.clone(),
            bytes: media.bytes,
            mime_type: media.mime_type,
            origin: media.origin,
            created_at: now,
            phone_number_id: media.phone_number_id,
        });
        self.lock().items.insert(id, item.clone());
        item
    }

    /// The file behind a live id; expired ids are forgotten on the way.
    pub fn get(&self, id: &str, now: u64) -> Option<Arc<MediaItem>> {
        let mut inner = self.lock();
        let item = inner.items.get(id)?.clone();
        if now >= item.expires_at() {
            inner.items.remove(id);
            return None;
        }
        Some(item)
    }

    pub fn delete(&self, id: &str) -> bool {
        let mut inner = self.lock();
        inner.grants.retain(|_, grant| grant.media_id != id);
        inner.items.remove(id).is_some()
    }

    pub fn list(&self) -> Vec<Arc<MediaItem>> {
        let mut items: Vec<_> = self.lock().items.values().cloned().collect();
        items.sort_by(|a, b| a.id.cmp(&b.id));
        items
    }

    pub fn clear(&self) {
        *self.lock() = Inner::default();
    }

    /// A fresh URL query (`mid`, `ext`, `hash`) valid for [`URL_LIFETIME`].
    pub fn grant(&self, item: &MediaItem, now: u64) -> String {
        let expires_at = now + URL_LIFETIME;
        let mut hasher = Sha256::new();
        hasher.update(item.id.as_bytes());
        hasher.update(self.run_tag.to_le_bytes());
        hasher.update(self.next().to_le_bytes());
        let hash = format!("AT{}", URL_SAFE_NO_PAD.encode(&hasher.finalize()[..30]));
        let mut inner = self.lock();
        inner.grants.retain(|_, grant| grant.expires_at > now);
        inner.grants.insert(
            hash.clone(),
            Grant {
                media_id: item.id.clone(),
                expires_at,
            },
        );
        format!("?mid={}&ext={expires_at}&hash={hash}", item.id)
    }

    /// The media id a URL hash still opens, if it has not expired.
    pub fn redeem(&self, hash: &str, now: u64) -> Option<String> {
        let grant = self.lock().grants.get(hash).cloned()?;
        (now < grant.expires_at).then_some(grant.media_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_one(origin: Origin) -> (MediaStore, Arc<MediaItem>) {
        let store = MediaStore::new(7);
        let item = store.insert(
            NewMedia {
                bytes: Bytes::from_static(b"hello"),
                mime_type: "text/plain".into(),
                origin,
                phone_number_id: None,
            },
            1_000,
        );
        (store, item)
    }

    #[test]
    fn webhook_ids_should_expire_after_7_days_and_uploads_after_30() {
        let (store, item) = store_with_one(Origin::Webhook);
        assert!(store
            .get(&item.id, 1_000 + WEBHOOK_ID_LIFETIME - 1)
            .is_some());
        assert!(store.get(&item.id, 1_000 + WEBHOOK_ID_LIFETIME).is_none());
        let (store, item) = store_with_one(Origin::Upload);
        assert!(store.get(&item.id, 1_000 + WEBHOOK_ID_LIFETIME).is_some());
        assert!(store.get(&item.id, 1_000 + UPLOAD_ID_LIFETIME).is_none());
    }

    #[test]
    fn digests_should_be_hex_for_graph_and_base64_for_webhooks() {
        let (_, item) = store_with_one(Origin::Webhook);
        assert_eq!(
            item.sha256_hex(),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            item.sha256_base64(),
            "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
        );
        assert_eq!(item.id.len(), 16);
    }

    #[test]
    fn urls_should_open_for_5_minutes_only() {
        let (store, item) = store_with_one(Origin::Webhook);
        let query = store.grant(&item, 2_000);
        let hash = query.rsplit("hash=").next().unwrap();
        assert_eq!(
            store.redeem(hash, 2_000 + URL_LIFETIME - 1),
            Some(item.id.clone())
        );
        assert_eq!(store.redeem(hash, 2_000 + URL_LIFETIME), None);
        assert_eq!(store.redeem("ATunknown", 2_000), None);
    }
}
