//! Erasure with a receipt. The receipt and the pending marker are written
//! before anything is deleted, so a function that dies half-way leaves work
//! the retention sweep finishes, never a silent partial erasure.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::domain::privacy::Receipt;
use shared::domain::ContactKey;
use shared::ports::contacts::{ContactRecords, Eraser, ReceiptStore};
use shared::ports::Clock;

use crate::{respond, ApiError, Caller, Contacts};

/// Unique per request and unrelated to the number (it hashes the keyed hash).
fn receipt_id(subject: &str, at_ms: i64, request_id: &str) -> String {
    let digest = Sha256::digest(format!("{subject}|{at_ms}|{request_id}").as_bytes());
    format!("er_{}", &hex::encode(digest)[..32])
}

/// Erasure needs the records (is anything left?), the eraser, the receipts
/// and the clock.
impl<R: ContactRecords, E: Eraser, Rc: ReceiptStore, A, H, C: Clock, Ev, S>
    Contacts<R, E, Rc, A, H, C, Ev, S>
{
    pub(crate) async fn erase(
        &self,
        contact: &ContactKey,
        subject: String,
        who: &Caller,
    ) -> Result<Response<Body>, ApiError> {
        let now = self.now();
        let previous = self.receipts.by_subject(&subject, now).await?;
        if !self.exists_at_all(contact).await? {
            // Nothing left: a repeat of a finished request gets its receipt.
            return match previous {
                Some(r) => Ok(answer(&r, true)),
                None => Err(ApiError::NotFound),
            };
        }
        let mut receipt = match previous {
            Some(r) if r.completed_at.is_none() => r,
            _ => Receipt {
                receipt_id: receipt_id(&subject, self.clock.now_ms(), &who.request_id),
                subject_hash: subject,
                requested_at: now,
                completed_at: None,
                items_deleted: 0,
                expires_at: self.expires(self.settings.receipt_days),
            },
        };
        self.receipts.save(&receipt, Some(contact)).await?;
        let erased = self
            .eraser
            .erase(contact, self.settings.erase_sync_max_items)
            .await?;
        receipt.items_deleted += erased.deleted;
        if erased.finished {
            receipt.completed_at = Some(self.now());
            self.receipts.save(&receipt, None).await?;
        } else {
            self.receipts.save(&receipt, Some(contact)).await?;
        }
        tracing::info!(receipt_id = %receipt.receipt_id, items_deleted = receipt.items_deleted, finished = erased.finished, "erasure");
        Ok(answer(&receipt, false))
    }

    /// Expired items still count: erasure removes them too.
    async fn exists_at_all(&self, contact: &ContactKey) -> Result<bool, ApiError> {
        let q = shared::ports::contacts::PartitionQuery {
            limit: 1,
            include_expired: true,
            ..Default::default()
        };
        Ok(!self
            .records
            .query(contact, q, self.now())
            .await?
            .items
            .is_empty())
    }
}

fn answer(r: &Receipt, repeat: bool) -> Response<Body> {
    let mut body = r.to_json();
    body["repeat"] = Value::Bool(repeat);
    let status = if r.completed_at.is_some() {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    respond(status, body)
}
