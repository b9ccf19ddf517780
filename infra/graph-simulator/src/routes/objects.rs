//! `GET` and `DELETE /{version}/{id}`: Graph serves every object at its id,
//! so one route finds whether the id is a business number (its health
//! fields) or a media file, and answers 100/33 for anything else.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::json;

use super::answer::{respond, Answer};
use super::{auth, media};
use crate::errors::GraphError;
use crate::media::fault::MediaFault;
use crate::query::Query;
use crate::state::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    checked(
        &state,
        &version,
        (&method, &uri, &headers),
        |query| match phone_number(&state, &id, query) {
            Some(answer) => answer,
            None => media_answer(&state, &id, query, host.as_deref()),
        },
    )
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    checked(
        &state,
        &version,
        (&method, &uri, &headers),
        |query| match live_media(&state, &id, query) {
            Some(_) if state.media.delete(&id) => {
                tracing::info!(media_id = %id, "media deleted");
                Answer::ok(json!({"success": true}), None)
            }
            _ => Answer::error(
                GraphError::unknown_object_for(&id, "delete"),
                "unknown_object",
            ),
        },
    )
}

/// Version and token first (2500, 190), then `then` with the query; the
/// answer recorded and sent as every Graph route does.
fn checked(
    state: &AppState,
    version: &str,
    request: (&Method, &Uri, &HeaderMap),
    then: impl FnOnce(&Query) -> Answer,
) -> Response {
    let (_, uri, headers) = request;
    let answer = match auth::check_graph(state, version, uri.path(), headers) {
        Err(answer) => answer,
        Ok(()) => then(&Query::parse(uri.query())),
    };
    respond(state, answer, version, request, None)
}

/// The number's fields, when `id` is a business number the simulator knows.
fn phone_number(state: &AppState, id: &str, query: &Query) -> Option<Answer> {
    let inner = state.lock();
    let configured = inner.behaviour.phone_number_ids.iter().any(|n| n == id);
    let health = match inner.account.numbers.get(id) {
        Some(health) => health.clone(),
        None if configured => {
            crate::account::numbers::NumberHealth::healthy(&state.identity.display_phone_number)
        }
        None => return None,
    };
    let fields = query.list("fields");
    let webhook_url = inner.behaviour.webhook_url.clone();
    drop(inner);
    Some(
        match health.to_graph(id, fields.as_deref(), webhook_url.as_deref()) {
            Ok(body) => Answer::ok(body, None),
            Err(err) => Answer::error(err, "validation"),
        },
    )
}

/// A file that exists, has not expired, has no `not_found` fault and
/// belongs to `?phone_number_id=` when one is given (Meta's rule).
fn live_media(state: &AppState, id: &str, query: &Query) -> Option<Arc<crate::media::MediaItem>> {
    let item = state.media.get(id, state.clock.now())?;
    let fault = state.lock().behaviour.faults.media.get(id).copied();
    if fault == Some(MediaFault::NotFound) {
        return None;
    }
    match (query.get("phone_number_id"), &item.phone_number_id) {
        (Some(asked), Some(owner)) if asked != owner => None,
        _ => Some(item),
    }
}

fn media_answer(state: &AppState, id: &str, query: &Query, host: Option<&str>) -> Answer {
    match live_media(state, id, query) {
        Some(item) => Answer::ok(media::describe(state, &item, host), None),
        None => Answer::error(GraphError::unknown_object_for(id, "get"), "unknown_object"),
    }
}
