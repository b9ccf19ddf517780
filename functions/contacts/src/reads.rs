//! Access: profile, paged history with statuses, complete export.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::{json, Value};
use shared::adapters::dynamo::PROFILE_SK;
use shared::domain::privacy::{decode_cursor, encode_cursor, rfc3339};
use shared::domain::ContactKey;
use shared::ports::contacts::{ContactRecords, PartitionQuery};
use shared::ports::Clock;

use crate::{public, resources, respond, ApiError, Contacts};

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 100;

fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name).map(str::to_owned))
}

/// Reads need the records and the clock only.
impl<R: ContactRecords, E, Rc, A, H, C: Clock, Ev, S> Contacts<R, E, Rc, A, H, C, Ev, S> {
    pub(crate) async fn exists(&self, contact: &ContactKey) -> Result<bool, ApiError> {
        let q = PartitionQuery {
            limit: 1,
            ..PartitionQuery::default()
        };
        Ok(!self
            .records
            .query(contact, q, self.now())
            .await?
            .items
            .is_empty())
    }

    async fn all_with_prefix(
        &self,
        contact: &ContactKey,
        prefix: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let q = PartitionQuery {
            prefix: prefix.into(),
            limit: MAX_PAGE,
            ..PartitionQuery::default()
        };
        let page = self.records.query(contact, q, self.now()).await?;
        Ok(page.items.into_iter().map(public).collect())
    }

    pub(crate) async fn profile(&self, contact: &ContactKey) -> Result<Response<Body>, ApiError> {
        let now = self.now();
        let Some(profile) = self.records.get(contact, PROFILE_SK, now).await? else {
            return Err(ApiError::NotFound);
        };
        let handoff = self.records.get(contact, "HANDOFF", now).await?.map(public);
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
                "consent_history": self.all_with_prefix(contact, "CONSENT#").await?,
                "links": self.all_with_prefix(contact, "LINK#").await?,
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
        let after = match query_param(req, "cursor") {
            None => None,
            Some(c) => Some(
                decode_cursor(&c, "M#")
                    .ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?,
            ),
        };
        let first = after.is_none();
        let q = PartitionQuery {
            prefix: "M#".into(),
            after,
            limit,
            newest_first: true,
            include_expired: false,
        };
        let now = self.now();
        let page = self.records.query(contact, q, now).await?;
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
                "next_cursor": page.next.as_deref().map(encode_cursor),
            }),
        ))
    }

    /// Every item of the person's partition, expired or not, as stored.
    /// No other item names the person (docs/data-model.md), so this is all.
    pub(crate) async fn export(
        &self,
        contact: &ContactKey,
        req: &Request,
    ) -> Result<Response<Body>, ApiError> {
        let after = match query_param(req, "cursor") {
            None => None,
            Some(c) => Some(
                decode_cursor(&c, "")
                    .ok_or_else(|| ApiError::BadRequest("invalid cursor".into()))?,
            ),
        };
        let first = after.is_none();
        let q = PartitionQuery {
            after,
            limit: self.settings.export_page_items.max(1),
            include_expired: true,
            ..PartitionQuery::default()
        };
        let page = self.records.query(contact, q, self.now()).await?;
        if first && page.items.is_empty() {
            return Err(ApiError::NotFound);
        }
        Ok(respond(
            StatusCode::OK,
            json!({
                "contact": contact.storage_id(),
                "exported_at": rfc3339(self.now()),
                "items": page.items.into_iter().map(resources::exported).collect::<Vec<_>>(),
                "complete": page.next.is_none(),
                "next_cursor": page.next.as_deref().map(encode_cursor),
            }),
        ))
    }
}
