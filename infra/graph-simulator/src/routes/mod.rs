//! HTTP surface: the Graph endpoints (messages, media, templates, account),
//! media download URLs, the `/_sim` control endpoints, and a Graph-style
//! answer for every other path.

pub mod account;
mod answer;
pub mod auth;
pub mod media;
pub mod messages;
pub mod objects;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::admin;
use crate::errors::GraphError;
use crate::state::AppState;

use answer::{graph_response, record, Answer};

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(
            "/{version}/{phone_number_id}/messages",
            post(messages::send),
        )
        // Other methods on these paths get Graph's answer for unknown paths.
        .route(
            "/{version}/{phone_number_id}/media",
            post(media::upload).fallback(unknown_path),
        )
        .route(
            "/{version}/debug_token",
            get(account::debug_token).fallback(unknown_path),
        )
        .route(
            "/{version}/{id}",
            get(objects::get)
                .delete(objects::delete)
                .fallback(unknown_path),
        )
        .route(
            "/{version}/{waba_id}/message_templates",
            get(account::message_templates).fallback(unknown_path),
        )
        .route(
            "/{version}/{waba_id}/phone_numbers",
            get(account::phone_numbers).fallback(unknown_path),
        )
        .route(
            "/{version}/{waba_id}/subscribed_apps",
            get(account::subscribed_apps)
                .post(account::subscribed_apps)
                .delete(account::subscribed_apps)
                .fallback(unknown_path),
        )
        .route(crate::media::DOWNLOAD_PATH, get(media::download))
        // Unknown control paths stay plain 404s, not Graph objects.
        .route("/_sim/{*rest}", any(unknown_path))
        .nest(
            "/_sim",
            admin::router()
                .merge(crate::admin_media::router())
                .merge(crate::admin_account::router()),
        )
        .fallback(unknown_path)
        .with_state(state)
}

/// Graph answers unknown paths with code 2500; simulator paths get a plain 404.
async fn unknown_path(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if uri.path().starts_with("/_sim") {
        let body = json!({"error": format!("no simulator endpoint {method} {}", uri.path())});
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    }
    let version = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let answer = Answer::error(GraphError::unknown_path(uri.path()), "path");
    let (response, recorded) = graph_response(&state, answer, version);
    let parsed = serde_json::from_slice(&body).ok();
    record(&state, &method, &uri, &headers, &body, parsed, recorded);
    response
}
