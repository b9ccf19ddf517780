//! `/_sim/account…` and `/_sim/templates`: set what Graph answers about
//! the account (token, subscriptions, number health, templates) and send
//! the template and account webhooks, signed like every other webhook.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::account::numbers::NumberHealth;
use crate::account::templates::{self, Template};
use crate::account::webhooks::{self as account_webhooks, AccountEvent};
use crate::account::TokenInfo;
use crate::config::merge;
use crate::control::{bad_request, no_webhook_url};
use crate::state::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/account", get(account))
        .route("/account/token", post(token))
        .route("/account/subscribed_apps", post(subscribed))
        .route("/account/phone_numbers/{id}", post(phone_number))
        .route("/account/webhooks", post(webhook))
        .route("/templates", post(seed_templates))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|err| format!("invalid body: {err}"))
}

/// RFC 7386 merge patch of `current`; refused whole if the result is invalid.
fn patched<T: Serialize + DeserializeOwned>(current: &T, patch: &Value) -> Result<T, String> {
    let mut value = serde_json::to_value(current).map_err(|e| e.to_string())?;
    merge(&mut value, patch);
    serde_json::from_value(value).map_err(|e| e.to_string())
}

async fn account(State(state): State<Arc<AppState>>) -> Response {
    Json(state.lock().account.clone()).into_response()
}

/// A merge patch of the `debug_token` data, plus `expires_in_seconds`
/// (from the simulator's clock) as a shortcut for `expires_at`.
async fn token(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let mut patch: Value = match parse(&body) {
        Ok(patch) => patch,
        Err(message) => return bad_request(message),
    };
    if let Some(seconds) = patch
        .as_object_mut()
        .and_then(|p| p.remove("expires_in_seconds"))
    {
        let Some(seconds) = seconds.as_u64() else {
            return bad_request("expires_in_seconds must be an unsigned integer");
        };
        patch["expires_at"] = json!(state.clock.now() + seconds);
    }
    let mut inner = state.lock();
    match patched::<TokenInfo>(&inner.account.token, &patch) {
        Ok(token) => {
            inner.account.token = token.clone();
            Json(token).into_response()
        }
        Err(message) => bad_request(message),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Subscription {
    #[serde(default)]
    waba_id: Option<String>,
    subscribed: bool,
}

async fn subscribed(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let change: Subscription = match parse(&body) {
        Ok(change) => change,
        Err(message) => return bad_request(message),
    };
    let waba_id = change
        .waba_id
        .unwrap_or_else(|| state.identity.waba_id.clone());
    state.lock().account.waba_mut(&waba_id).subscribed = change.subscribed;
    Json(json!({"waba_id": waba_id, "subscribed": change.subscribed})).into_response()
}

/// A merge patch of one number's health; an unknown id becomes a number.
async fn phone_number(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let patch: Value = match parse(&body) {
        Ok(patch) => patch,
        Err(message) => return bad_request(message),
    };
    let mut inner = state.lock();
    let current = inner
        .account
        .numbers
        .get(&id)
        .cloned()
        .unwrap_or_else(|| NumberHealth::healthy(&state.identity.display_phone_number));
    match patched::<NumberHealth>(&current, &patch) {
        Ok(health) => {
            inner.account.numbers.insert(id, health.clone());
            Json(health).into_response()
        }
        Err(message) => bad_request(message),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateSeed {
    #[serde(default)]
    waba_id: Option<String>,
    #[serde(default)]
    templates: Vec<Template>,
    #[serde(default)]
    generate: Option<Generate>,
    /// Drop the WABA's templates first.
    #[serde(default)]
    replace: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Generate {
    count: usize,
    #[serde(default = "default_prefix")]
    prefix: String,
}

fn default_prefix() -> String {
    "generated".into()
}

async fn seed_templates(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let seed: TemplateSeed = match parse(&body) {
        Ok(seed) => seed,
        Err(message) => return bad_request(message),
    };
    if seed.generate.as_ref().is_some_and(|g| g.count > 10_000) {
        return bad_request("generate.count must be at most 10000");
    }
    let waba_id = seed
        .waba_id
        .unwrap_or_else(|| state.identity.waba_id.clone());
    let mut inner = state.lock();
    let waba = inner.account.waba_mut(&waba_id);
    if seed.replace {
        waba.templates.clear();
    }
    waba.templates.extend(seed.templates);
    if let Some(generate) = seed.generate {
        let next_id = waba
            .templates
            .iter()
            .filter_map(|t| t.id.parse::<u64>().ok())
            .max()
            .unwrap_or(1_500_000_000_000_000)
            + 1;
        let made = templates::generate(&generate.prefix, generate.count, next_id);
        waba.templates.extend(made);
    }
    let count = waba.templates.len();
    Json(json!({"waba_id": waba_id, "count": count})).into_response()
}

/// Builds the webhook, applies it to the account, posts it signed and
/// waits for the delivery (retries included).
async fn webhook(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let event: AccountEvent = match parse(&body) {
        Ok(event) => event,
        Err(message) => return bad_request(message),
    };
    if state.behaviour().webhook_url.is_none() {
        return no_webhook_url();
    }
    let waba_id = event
        .waba_id
        .clone()
        .unwrap_or_else(|| state.identity.waba_id.clone());
    let phone_number_id = event
        .phone_number_id
        .clone()
        .unwrap_or_else(|| state.identity.default_phone_number_id.clone());
    let now = state.clock.now();
    let prepared = {
        let mut inner = state.lock();
        account_webhooks::prepare(&mut inner.account, &event, &waba_id, &phone_number_id, now)
    };
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(message) => return bad_request(message),
    };
    tracing::info!(field = %event.field, applied = prepared.applied, "posting account webhook");
    let delivery =
        crate::webhooks::deliver(&state, "account", "", None, prepared.body.clone()).await;
    let answer = json!({
        "field": event.field,
        "applied": prepared.applied,
        "delivered": delivery.as_ref().is_some_and(|d| d.delivered),
        "body": prepared.body,
        "webhook": delivery,
    });
    (StatusCode::OK, Json(answer)).into_response()
}
