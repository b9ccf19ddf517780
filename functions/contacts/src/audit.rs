//! The audit trail of one contact, for the privacy officer: who read,
//! exported, changed or erased their data, and every send that overrode
//! their restriction. Found by the keyed hash, so it outlives an erasure
//! (for `AuditRetentionDays`) without holding the number.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::json;
use shared::domain::privacy::{decode_cursor, encode_cursor, is_audit_sk};
use shared::domain::ContactKey;
use shared::ports::contacts::AuditLog;

use crate::reads::{DEFAULT_PAGE, MAX_PAGE};
use crate::{respond, ApiError, Caller, Contacts, ContactsPorts};

impl<P: ContactsPorts> Contacts<P> {
    /// Newest first, `limit` (1 to 100, default 50) per page. The record of
    /// this very request is left out (it was written a moment ago and the
    /// index may not show it yet): it is listed from the next request on.
    pub(crate) async fn audit_trail(
        &self,
        contact: &ContactKey,
        subject: &str,
        req: &Request,
        who: &Caller,
    ) -> Result<Response<Body>, ApiError> {
        let q = req.query_string_parameters_ref();
        let param = |name: &str| q.and_then(|q| q.first(name));
        let limit = match param("limit") {
            None => DEFAULT_PAGE,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| ApiError::BadRequest(format!("limit must be 1 to {MAX_PAGE}")))?,
        };
        let after = match param("cursor") {
            None => None,
            Some(c) => Some(
                decode_cursor(c, "")
                    .filter(|sk| is_audit_sk(sk))
                    .ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?,
            ),
        };
        let page = self.audit.trail(subject, after, limit, self.now()).await?;
        let records: Vec<_> = page
            .records
            .iter()
            .filter(|r| r.request_id != who.request_id)
            .map(|r| r.to_json())
            .collect();
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "records": records,
                "next_cursor": page.next.as_deref().map(encode_cursor),
            }),
        ))
    }
}
