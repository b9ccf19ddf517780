//! `/_sim/media` and `/_sim/clock`: seed files customers "sent", list
//! them, and move the simulator's clock to expire URLs and ids.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::body::{read_capped, ReadError};
use crate::control::{bad_request, error};
use crate::media::{types, NewMedia, Origin};
use crate::query::Query;
use crate::state::AppState;

/// Seeded files may exceed Meta's limits (to test a downloader's refusal)
/// but not by much: they live in memory.
const MAX_SEED_BYTES: usize = 150 * 1024 * 1024;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/media", get(list).post(seed))
        .route("/clock", get(clock).post(set_clock))
}

async fn list(State(state): State<Arc<AppState>>) -> Response {
    let items: Vec<Value> = state.media.list().iter().map(|i| i.summary()).collect();
    Json(items).into_response()
}

/// `POST /_sim/media?mime_type=image/jpeg[&origin=upload][&phone_number_id=…][&generate=N]`
/// with the file as the raw body (or `generate=N` bytes made up here).
async fn seed(State(state): State<Arc<AppState>>, uri: Uri, body: Body) -> Response {
    let query = Query::parse(uri.query());
    let Some(mime) = query.get("mime_type").filter(|m| !m.is_empty()) else {
        return bad_request("give ?mime_type=… (e.g. image/jpeg)");
    };
    let origin = match query.get("origin").unwrap_or("webhook") {
        "webhook" => Origin::Webhook,
        "upload" => Origin::Upload,
        other => return bad_request(format!("origin must be webhook or upload, not {other}")),
    };
    let bytes = match query.get("generate") {
        Some(size) => match size.parse::<usize>() {
            Ok(n) if n > 0 && n <= MAX_SEED_BYTES => {
                Bytes::from(types::sample(mime, n, state.media.fresh_seed()))
            }
            _ => return bad_request(format!("generate must be 1..={MAX_SEED_BYTES}")),
        },
        None => match read_capped(body, MAX_SEED_BYTES).await {
            Ok(bytes) if bytes.is_empty() => return bad_request("the body (the file) is empty"),
            Ok(bytes) => bytes,
            Err(ReadError::TooLarge) => return error(StatusCode::PAYLOAD_TOO_LARGE, "over 150 MB"),
            Err(ReadError::Broken(err)) => return bad_request(err),
        },
    };
    let phone_number_id = query
        .get("phone_number_id")
        .unwrap_or(&state.identity.default_phone_number_id)
        .to_string();
    let item = state.media.insert(
        NewMedia {
            bytes,
            mime_type: mime.to_string(),
            origin,
            phone_number_id: Some(phone_number_id),
        },
        state.clock.now(),
    );
    tracing::info!(media_id = %item.id, bytes = item.bytes.len(), "media seeded");
    (StatusCode::CREATED, Json(item.summary())).into_response()
}

async fn clock(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({"now": state.clock.now(), "offset_seconds": state.clock.offset()})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    #[serde(default)]
    advance_seconds: Option<i64>,
    #[serde(default)]
    now: Option<u64>,
    /// `true`: back to real time.
    #[serde(default)]
    reset: bool,
}

/// `{"advance_seconds": 300}`, `{"now": 1767225600}` or `{"reset": true}`.
async fn set_clock(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let change: ClockChange = match serde_json::from_slice(&body) {
        Ok(change) => change,
        Err(err) => return bad_request(format!("invalid clock change: {err}")),
    };
    match change {
        ClockChange { reset: true, .. } => state.clock.reset(),
        ClockChange { now: Some(now), .. } => state.clock.set(now),
        ClockChange {
            advance_seconds: Some(seconds),
            ..
        } => state.clock.advance(seconds),
        _ => return bad_request("give advance_seconds, now or reset"),
    }
    tracing::info!(offset = state.clock.offset(), "simulator clock moved");
    clock(State(state)).await
}
