//! What the contacts API records: audit records (who did what to whose
//! data, when) and erasure receipts. Both name the person by the keyed
//! subject hash only.

use serde_json::Value;

use super::dates::rfc3339;

/// Who did what to whose data, when. Holds the subject's hash, never the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// The IAM principal (contacts API) or the queue sender's id (sender).
    pub principal: String,
    /// What was done: a contacts route's action, or `send_overriding_restriction`.
    pub action: String,
    /// The lawful ground of an override (`legal_claim`); otherwise `None`.
    pub detail: Option<String>,
    pub subject_hash: String,
    pub at_ms: i64,
    /// API Gateway's request id, or the queue message id of a command.
    pub request_id: String,
    pub expires_at: i64,
}

impl AuditRecord {
    /// As the privacy officer reads it: no hash, no expiry bookkeeping.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "at": rfc3339(self.at_ms.div_euclid(1000)),
            "at_ms": self.at_ms,
            "principal": self.principal,
            "action": self.action,
            "detail": self.detail,
            "request_id": self.request_id,
        })
    }
}

/// The audit action of a send that overrides a restriction.
pub const OVERRIDE_ACTION: &str = "send_overriding_restriction";

/// An audit record's sort key: its time in ms (so a partition reads in
/// time order), then the request id (so two requests in one ms differ).
pub fn audit_sk(at_ms: i64, request_id: &str) -> String {
    format!("{:013}#{request_id}", at_ms.max(0))
}

/// Whether `sk` has the shape of [`audit_sk`]: a cursor from a caller is
/// checked before it reaches the store.
pub fn is_audit_sk(sk: &str) -> bool {
    sk.split_once('#').is_some_and(|(ms, id)| {
        ms.len() == 13 && ms.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptState {
    Pending,
    Completed,
}

impl ReceiptState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
        }
    }
}

/// The answer to an erasure request, kept (without the number) so that the
/// business can show it honoured the request, and no longer than that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub receipt_id: String,
    pub subject_hash: String,
    pub requested_at: i64,
    pub completed_at: Option<i64>,
    pub items_deleted: u64,
    /// Files deleted from the media bucket (the contact's prefix).
    pub objects_deleted: u64,
    pub expires_at: i64,
}

impl Receipt {
    pub fn state(&self) -> ReceiptState {
        if self.completed_at.is_some() {
            ReceiptState::Completed
        } else {
            ReceiptState::Pending
        }
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "receipt_id": self.receipt_id,
            "status": self.state().as_str(),
            "requested_at": rfc3339(self.requested_at),
            "completed_at": self.completed_at.map(rfc3339),
            "items_deleted": self.items_deleted,
            "objects_deleted": self.objects_deleted,
        })
    }
}
