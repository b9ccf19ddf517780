//! Access: profile, paged history with statuses, complete export.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::{json, Value};
use shared::domain::privacy::rfc3339;
use shared::domain::ContactKey;
use shared::ports::contacts::{ContactRecords, HistoryPage, PageError};

use crate::{public, resources, respond, ApiError, Contacts, ContactsPorts};

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 100;

fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name).map(str::to_owned))
}

/// Reads need the records and the clock only.
impl<P: ContactsPorts> Contacts<P> {
    pub(crate) async fn exists(&self, contact: &ContactKey) -> Result<bool, ApiError> {
        Ok(self.records.exists(contact, self.now()).await?)
    }

    pub(crate) async fn profile(&self, contact: &ContactKey) -> Result<Response<Body>, ApiError> {
        let now = self.now();
        let Some(profile) = self.records.profile(contact, now).await? else {
            return Err(ApiError::NotFound);
        };
        let handoff = self.records.handoff(contact, now).await?.map(public);
        let consent_history = self.records.consent_history(contact, MAX_PAGE, now).await?;
        let links = self.records.links(contact, MAX_PAGE, now).await?;
        let restricted = profile
            .get("restricted")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let tags = profile.get("tags").cloned().unwrap_or(json!([]));
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "profile": public(profile),
                "restricted": restricted,
                "tags": tags,
                "handoff": handoff,
                "consent_history": consent_history.into_iter().map(public).collect::<Vec<_>>(),
                "links": links.into_iter().map(public).collect::<Vec<_>>(),
            }),
        ))
    }

    pub(crate) async fn messages(
        &self,
        contact: &ContactKey,
        req: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let limit = match query_param(req, "limit") {
            None => DEFAULT_PAGE,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    return Err(ApiError::BadRequest(format!(
                        "limit must be 1 to {MAX_PAGE}"
                    )))
                }
            },
        };
        let after = query_param(req, "cursor");
        let first = after.is_none();
        let q = HistoryPage {
            after,
            limit,
            newest_first: true,
        };
        let now = self.now();
        let page = self.records.history(contact, q, now).await?;
        if first && page.items.is_empty() && !self.exists(contact).await? {
            return Err(ApiError::NotFound);
        }
        let wamids: Vec<String> = page
            .items
            .iter()
            .filter_map(|m| m.get("wamid").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let mut statuses = self.records.statuses(contact, wamids, now).await?;
        let messages: Vec<Value> = page
            .items
            .into_iter()
            .map(|m| {
                let status = m
                    .get("wamid")
                    .and_then(Value::as_str)
                    .and_then(|w| statuses.remove(w));
                resources::message(m, status, false)
            })
            .collect();
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "messages": messages,
                "next_cursor": page.next,
            }),
        ))
    }

    /// Every item of the person's partition, expired or not, as stored.
    /// No other item names the person (docs/data-model.md), so this is all
    /// of the table; the first page also lists their files in the media
    /// bucket (`media`, each with a short-lived link; later pages: empty).
    pub(crate) async fn export(
        &self,
        contact: &ContactKey,
        subject: &str,
        req: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let after = query_param(req, "cursor");
        let first = after.is_none();
        let limit = self.settings.export_page_items.max(1);
        let page = self.records.export(contact, after, limit).await?;
        let media = if first {
            self.media_export(subject).await?
        } else {
            Vec::new()
        };
        if first && page.items.is_empty() && media.is_empty() {
            return Err(ApiError::NotFound);
        }
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "exported_at": rfc3339(self.now()),
                "items": page.items.into_iter().map(resources::exported).collect::<Vec<_>>(),
                "media": media,
                "complete": page.next.is_none(),
                "next_cursor": page.next,
            }),
        ))
    }
}

/// A cursor the store did not hand out is the caller's mistake.
impl From<PageError> for ApiError {
    fn from(e: PageError) -> Self {
        match e {
            PageError::BadCursor => Self::BadRequest("invalid cursor".into()),
            PageError::Store(e) => e.into(),
        }
    }
}
