//! Account routes: `GET /{version}/{waba-id}/message_templates` (paged),
//! `GET /{version}/{waba-id}/phone_numbers` (one page),
//! `GET|POST|DELETE /{version}/{waba-id}/subscribed_apps`, and
//! `GET /{version}/debug_token`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::answer::{respond, Answer};
use super::auth;
use crate::account::templates::{self, PageRequest};
use crate::account::TokenInfo;
use crate::errors::GraphError;
use crate::query::{encode, Query};
use crate::state::AppState;

type Request = (Method, Uri, HeaderMap);

/// Checks version and token, finds the WABA, then answers with `then`.
fn on_waba(
    state: &AppState,
    version: &str,
    waba_id: &str,
    request: &Request,
    then: impl FnOnce(&AppState, &Query) -> Answer,
) -> Response {
    let (method, uri, headers) = request;
    let answer = match auth::check_graph(state, version, uri.path(), headers) {
        Err(answer) => answer,
        Ok(()) if !state.lock().account.wabas.contains_key(waba_id) => Answer::error(
            GraphError::unknown_object_for(waba_id, &method.as_str().to_ascii_lowercase()),
            "unknown_object",
        ),
        Ok(()) => then(state, &Query::parse(uri.query())),
    };
    respond(state, answer, version, (method, uri, headers), None)
}

pub async fn message_templates(
    State(state): State<Arc<AppState>>,
    Path((version, waba_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let request = (method, uri, headers);
    on_waba(&state, &version, &waba_id, &request, |state, query| {
        let filters = ["name", "status", "category", "language"]
            .into_iter()
            .filter_map(|name| query.get(name).map(|v| (name, v.to_string())))
            .collect();
        let page_request = PageRequest {
            fields: query.list("fields"),
            limit: query.get("limit"),
            after: query.get("after"),
            before: query.get("before"),
            filters,
        };
        let page = {
            let inner = state.lock();
            templates::page(&inner.account.wabas[&waba_id].templates, &page_request)
        };
        let page = match page {
            Ok(page) => page,
            Err(err) => return Answer::error(err, "validation"),
        };
        let base = format!(
            "{}/{version}/{waba_id}/message_templates",
            state.public_base(host.as_deref())
        );
        Answer::ok(paged(page, &base, query), None)
    })
}

/// `{"data", "paging": {"cursors", "next"?, "previous"?}}`; an empty page
/// has no `paging`, like Graph's.
fn paged(page: templates::Page, base: &str, query: &Query) -> Value {
    let Some((before, after)) = page.cursors else {
        return json!({"data": []});
    };
    let mut link_query = format!(
        "fields={}&limit={}",
        encode(&page.fields.join(",")),
        page.limit
    );
    for name in ["name", "status", "category", "language"] {
        if let Some(value) = query.get(name) {
            link_query.push_str(&format!("&{name}={}", encode(value)));
        }
    }
    let mut paging = Map::new();
    paging.insert("cursors".into(), json!({"before": before, "after": after}));
    if page.has_next {
        paging.insert(
            "next".into(),
            json!(format!("{base}?{link_query}&after={after}")),
        );
    }
    if page.has_previous {
        paging.insert(
            "previous".into(),
            json!(format!("{base}?{link_query}&before={before}")),
        );
    }
    json!({"data": page.data, "paging": paging})
}

pub async fn subscribed_apps(
    State(state): State<Arc<AppState>>,
    Path((version, waba_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let request = (method.clone(), uri, headers);
    on_waba(&state, &version, &waba_id, &request, |state, _| {
        let mut inner = state.lock();
        let token = inner.account.token.clone();
        let waba = inner.account.waba_mut(&waba_id);
        if method == Method::GET {
            let data: Vec<Value> = waba
                .subscribed
                .then(|| {
                    json!({"whatsapp_business_api_data": {
                        "link": format!("https://www.facebook.com/games/?app_id={}", token.app_id),
                        "name": token.application,
                        "id": token.app_id,
                    }})
                })
                .into_iter()
                .collect();
            return Answer::ok(json!({ "data": data }), None);
        }
        waba.subscribed = method == Method::POST;
        Answer::ok(json!({"success": true}), None)
    })
}

/// Meta's debug endpoint: the caller proves itself with the app token
/// `app_id|app_secret` (or the access token itself); `input_token` is the
/// token described.
pub async fn debug_token(
    State(state): State<Arc<AppState>>,
    Path(version): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = Query::parse(uri.query());
    let answer = debug_answer(&state, &version, &query, &headers);
    respond(&state, answer, &version, (&method, &uri, &headers), None)
}

fn debug_answer(state: &AppState, version: &str, query: &Query, headers: &HeaderMap) -> Answer {
    if auth::api_major(version).is_none() {
        return Answer::error(
            GraphError::unknown_path(&format!("/{version}/debug_token")),
            "path",
        );
    }
    let token = state.lock().account.token.clone();
    let app_token = format!("{}|{}", token.app_id, state.identity.app_secret);
    match query.get("access_token").or_else(|| auth::bearer(headers)) {
        None => return Answer::error(GraphError::missing_token(), "auth"),
        Some(caller) if caller.contains('|') && caller != app_token => {
            return Answer::error(GraphError::invalid_app_token(), "auth")
        }
        Some(caller) if !caller.contains('|') && caller != state.identity.access_token => {
            return Answer::error(GraphError::invalid_token(), "auth")
        }
        Some(_) => {}
    }
    let Some(input) = query.get("input_token") else {
        return Answer::error(GraphError::required_parameter("input_token"), "validation");
    };
    if input != state.identity.access_token {
        let data = json!({"error": {"code": 190,
            "message": "Invalid OAuth access token - Cannot parse access token"},
            "is_valid": false, "scopes": []});
        return Answer::ok(json!({ "data": data }), None);
    }
    let wabas: Vec<String> = state.lock().account.wabas.keys().cloned().collect();
    Answer::ok(
        json!({"data": describe(&token, &wabas, state.clock.now())}),
        None,
    )
}

fn describe(token: &TokenInfo, wabas: &[String], now: u64) -> Value {
    let granular = token.granular_scopes.clone().unwrap_or_else(|| {
        let scopes = token.scopes.iter().filter(|s| s.starts_with("whatsapp_"));
        json!(scopes
            .map(|s| json!({"scope": s, "target_ids": wabas}))
            .collect::<Vec<_>>())
    });
    let mut data = json!({
        "app_id": token.app_id,
        "type": token.kind,
        "application": token.application,
        "data_access_expires_at": token.data_access_expires_at,
        "expires_at": token.expires_at,
        "is_valid": token.usable(now),
        "scopes": token.scopes,
        "granular_scopes": granular,
        "user_id": token.user_id,
    });
    if !token.is_valid {
        data["error"] = json!({"code": 190, "subcode": 460,
            "message": "Error validating access token: The session has been invalidated."});
    } else if !token.usable(now) {
        data["error"] = json!({"code": 190, "subcode": 463,
            "message": "Error validating access token: Session has expired."});
    }
    data
}

/// The WABA's business numbers: those set through `/_sim/account/phone_numbers`
/// with this `waba_id` (no `waba_id`: the simulator's own WABA), and, for
/// its own WABA, the `--phone-number-ids` not set there. One page, with
/// Graph's cursors and no `next`. Each entry: `fields` asked (default
/// `verified_name, code_verification_status, display_phone_number,
/// quality_rating, platform_type, throughput`) plus `id`.
pub async fn phone_numbers(
    State(state): State<Arc<AppState>>,
    Path((version, waba_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let request = (method, uri, headers);
    on_waba(&state, &version, &waba_id, &request, |state, query| {
        let own = state.identity.waba_id == waba_id;
        let inner = state.lock();
        let mut numbers: Vec<(String, crate::account::numbers::NumberHealth)> = inner
            .account
            .numbers
            .iter()
            .filter(|(_, n)| n.waba_id.as_deref().map_or(own, |w| w == waba_id))
            .map(|(id, n)| (id.clone(), n.clone()))
            .collect();
        if own {
            for id in &inner.behaviour.phone_number_ids {
                if !inner.account.numbers.contains_key(id) {
                    numbers.push((
                        id.clone(),
                        crate::account::numbers::NumberHealth::healthy(
                            &state.identity.display_phone_number,
                        ),
                    ));
                }
            }
        }
        let webhook_url = inner.behaviour.webhook_url.clone();
        drop(inner);
        let fields = query.list("fields");
        let mut data = Vec::new();
        for (id, health) in &numbers {
            match health.to_graph(id, fields.as_deref(), webhook_url.as_deref()) {
                Ok(v) => data.push(v),
                Err(err) => return Answer::error(err, "validation"),
            }
        }
        if data.is_empty() {
            return Answer::ok(json!({"data": []}), None);
        }
        let cursor = encode("0");
        Answer::ok(
            json!({"data": data, "paging": {"cursors": {"before": cursor, "after": cursor}}}),
            None,
        )
    })
}
