//! `/_sim/*`: inspection and control. Unauthenticated on purpose — the
//! simulator is a local test tool and binds to loopback by default.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::control::{bad_request, no_webhook_url};
use crate::inbound::{InboundRequest, InboundResult};
use crate::state::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(|| async { Json(json!({"ok": true})) }))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/webhooks", get(webhooks).delete(clear_webhooks))
        .route("/stats", get(stats))
        .route("/config", get(config).post(update_config))
        .route("/reset", post(reset))
        .route("/inbound", post(inbound))
}

async fn requests(State(state): State<Arc<AppState>>) -> Response {
    Json(state.requests()).into_response()
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear_requests();
    StatusCode::NO_CONTENT
}

async fn webhooks(State(state): State<Arc<AppState>>) -> Response {
    Json(state.webhooks()).into_response()
}

async fn clear_webhooks(State(state): State<Arc<AppState>>) -> StatusCode {
    state.clear_webhooks();
    StatusCode::NO_CONTENT
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    Json(state.stats()).into_response()
}

async fn config(State(state): State<Arc<AppState>>) -> Response {
    Json(state.behaviour()).into_response()
}

/// Body: a JSON merge patch of the config (see `GET /_sim/config`), plus an
/// optional `"seed"` that restarts the fault random sequence.
async fn update_config(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let mut patch: Value = match serde_json::from_slice(&body) {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(_) => return bad_request("body must be a JSON object"),
        Err(err) => return bad_request(format!("invalid JSON: {err}")),
    };
    let seed = patch.as_object_mut().and_then(|map| map.remove("seed"));
    let seed = match seed {
        None => None,
        Some(value) => match value.as_u64() {
            Some(seed) => Some(seed),
            None => return bad_request("seed must be an unsigned integer"),
        },
    };
    match apply_patch(&state, &patch, seed) {
        Ok(()) => Json(state.behaviour()).into_response(),
        Err(message) => bad_request(message),
    }
}

/// Shared by the HTTP endpoint and `RunningSimulator::apply_patch`.
pub fn apply_patch(state: &AppState, patch: &Value, seed: Option<u64>) -> Result<(), String> {
    let mut inner = state.lock();
    let next = inner.behaviour.merge_patch(patch)?;
    inner.set_behaviour(next);
    if let Some(seed) = seed {
        inner.rng = crate::faults::Rng::new(seed);
    }
    tracing::info!(patch = %patch, ?seed, "simulator config changed");
    Ok(())
}

async fn reset(State(state): State<Arc<AppState>>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn inbound(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let request: InboundRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => return bad_request(format!("invalid inbound request: {err}")),
    };
    match inject(&state, request).await {
        Ok(result) => Json(result).into_response(),
        Err(InjectError::NoWebhookUrl) => no_webhook_url(),
        Err(InjectError::Invalid(message)) => bad_request(message),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InjectError {
    #[error("no webhook_url configured")]
    NoWebhookUrl,
    #[error("{0}")]
    Invalid(String),
}

/// Builds the inbound webhook and delivers it (with retries) before
/// returning, so callers know whether the receiver acknowledged it.
pub async fn inject(
    state: &AppState,
    mut request: InboundRequest,
) -> Result<InboundResult, InjectError> {
    if state.behaviour().webhook_url.is_none() {
        return Err(InjectError::NoWebhookUrl);
    }
    let business = crate::webhooks::envelope::Business {
        waba_id: state.identity.waba_id.clone(),
        display_phone_number: state.identity.display_phone_number.clone(),
        phone_number_id: request
            .phone_number_id
            .clone()
            .unwrap_or_else(|| state.identity.default_phone_number_id.clone()),
    };
    let base = state.public_base(None);
    let media = crate::media::inbound::Context {
        store: &state.media,
        now: state.clock.now(),
        base_url: &base,
        phone_number_id: &business.phone_number_id,
    };
    crate::media::inbound::complete(&mut request, &media).map_err(InjectError::Invalid)?;
    let (wamid, body) =
        crate::inbound::build(&request, &business, &state.ids).map_err(InjectError::Invalid)?;
    // A customer message opens the 24 h window again.
    let from = crate::config::digits(&request.from);
    state
        .lock()
        .behaviour
        .recipients
        .window_closed
        .retain(|entry| crate::config::digits(entry) != from);
    tracing::info!(%wamid, "injecting inbound message");
    let webhook = crate::webhooks::deliver(state, "inbound", &wamid, None, body.clone()).await;
    Ok(InboundResult {
        wamid,
        delivered: webhook.as_ref().is_some_and(|w| w.delivered),
        body,
        webhook,
    })
}
