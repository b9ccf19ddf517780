//! Erasure with a receipt. The receipt and the pending marker are written
//! before anything is deleted, so a function that dies half-way leaves work
//! the retention sweep finishes, never a silent partial erasure.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::domain::erasure::{diagnostic_days, BeyondReach};
use shared::domain::privacy::Receipt;
use shared::domain::ContactKey;
use shared::ports::contacts::{ContactRecords, Eraser, ReceiptStore};
use shared::ports::media::MediaBucket;
use shared::ports::Clock;

use crate::{respond, ApiError, Caller, Contacts, ContactsPorts};

/// Unique per request and unrelated to the number (it hashes the keyed hash).
fn receipt_id(subject: &str, at_ms: i64, request_id: &str) -> String {
    let digest = Sha256::digest(format!("{subject}|{at_ms}|{request_id}").as_bytes());
    format!("er_{}", &hex::encode(digest)[..32])
}

/// Erasure needs the records (is anything left?), the eraser, the media
/// bucket, the receipts and the clock.
impl<P: ContactsPorts> Contacts<P> {
    pub(crate) async fn erase(
        &self,
        contact: &ContactKey,
        subject: String,
        who: &Caller,
    ) -> Result<Response<Body>, ApiError> {
        let now = self.now();
        let days = diagnostic_days(now, self.settings.retention_days);
        let previous = self.receipts.by_subject(&subject, now).await?;
        let new_receipt = |subject: String| Receipt {
            receipt_id: receipt_id(&subject, self.clock.now_ms(), &who.request_id),
            subject_hash: subject,
            requested_at: now,
            completed_at: None,
            items_deleted: 0,
            objects_deleted: 0,
            expires_at: self.expires(self.settings.receipt_days),
        };
        if !self.exists_at_all(contact).await? {
            // No partition, but diagnostics may still mention them, and the
            // bucket may still hold their files (a copy that finished after
            // an earlier erasure, or a retry after the bucket failed): a
            // search and a prefix delete, so no pending marker is needed.
            let erased = self.eraser.erase(contact, 0, &days).await?;
            let objects = self.media.erase(&subject).await?;
            if erased.deleted == 0 && objects == 0 {
                // Nothing left: a repeat of a finished request gets its receipt.
                return match previous {
                    Some(r) => Ok(self.answer(&r, true)),
                    None => Err(ApiError::NotFound),
                };
            }
            let mut receipt = new_receipt(subject);
            receipt.items_deleted = erased.deleted;
            receipt.objects_deleted = objects;
            receipt.completed_at = Some(self.now());
            self.receipts.save(&receipt, None).await?;
            tracing::info!(receipt_id = %receipt.receipt_id, items_deleted = receipt.items_deleted, objects_deleted = objects, "erasure of diagnostics and files");
            return Ok(self.answer(&receipt, false));
        }
        let mut receipt = match previous {
            Some(r) if r.completed_at.is_none() => r,
            _ => new_receipt(subject),
        };
        self.receipts.save(&receipt, Some(contact)).await?;
        let erased = self
            .eraser
            .erase(contact, self.settings.erase_sync_max_items, &days)
            .await?;
        receipt.items_deleted += erased.deleted;
        // The files after the items: a copy still under way then finds its
        // message gone and keeps nothing (docs/media.md). On every pass, so
        // a pending erasure's first answer already has the files deleted;
        // the retention sweep deletes the prefix again when it finishes.
        let objects = match self.media.erase(&receipt.subject_hash).await {
            Ok(n) => n,
            Err(e) => {
                // Still pending: the sweep (or a repeated request) retries.
                self.receipts.save(&receipt, Some(contact)).await?;
                return Err(e.into());
            }
        };
        receipt.objects_deleted += objects;
        if erased.finished {
            receipt.completed_at = Some(self.now());
            self.receipts.save(&receipt, None).await?;
        } else {
            self.receipts.save(&receipt, Some(contact)).await?;
        }
        tracing::info!(receipt_id = %receipt.receipt_id, items_deleted = receipt.items_deleted, objects_deleted = receipt.objects_deleted, finished = erased.finished, "erasure");
        Ok(self.answer(&receipt, false))
    }

    /// The receipt, with what erasure could not reach and what it kept.
    fn answer(&self, r: &Receipt, repeat: bool) -> Response<Body> {
        let mut body = r.to_json();
        let beyond = BeyondReach {
            backup_days: self.settings.backup_days,
            events_archive_days: self.settings.events_archive_days,
        };
        let (not_reached, kept) = beyond.to_json(r.requested_at, r.completed_at);
        body["not_reached"] = not_reached;
        body["kept"] = kept;
        body["repeat"] = Value::Bool(repeat);
        let status = if r.completed_at.is_some() {
            StatusCode::OK
        } else {
            StatusCode::ACCEPTED
        };
        respond(status, body)
    }

    /// Expired items still count: erasure removes them too.
    async fn exists_at_all(&self, contact: &ContactKey) -> Result<bool, ApiError> {
        Ok(self.records.holds_anything(contact).await?)
    }
}
