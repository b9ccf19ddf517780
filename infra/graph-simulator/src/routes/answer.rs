//! A Graph answer, its HTTP response and its record: used by every route
//! (here so that `messages` and the router do not import each other).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::errors::GraphError;
use crate::ids::fbtrace_id;
use crate::record::{now_rfc3339, RecordedRequest, RecordedResponse};
use crate::state::AppState;

/// How a Graph request was answered, before it becomes HTTP.
pub struct Answer {
    pub result: Result<Value, GraphError>,
    pub cause: &'static str,
    /// Boxed to keep `Answer` small: it travels in `Result`s.
    pub wamid: Option<Box<str>>,
}

impl Answer {
    pub fn ok(body: Value, wamid: Option<String>) -> Self {
        Self {
            result: Ok(body),
            cause: "ok",
            wamid: wamid.map(String::into_boxed_str),
        }
    }

    pub fn error(err: GraphError, cause: &'static str) -> Self {
        Self {
            result: Err(err),
            cause,
            wamid: None,
        }
    }
}

/// The HTTP response plus the record of it.
pub fn graph_response(
    state: &AppState,
    answer: Answer,
    version: &str,
) -> (Response, RecordedResponse) {
    let trace = fbtrace_id(&mut state.lock().rng);
    let (status, body, error_code) = match &answer.result {
        Ok(body) => (200, body.clone(), None),
        Err(err) => (err.http_status, err.to_body(&trace), Some(err.code)),
    };
    if let Err(err) = &answer.result {
        tracing::info!(
            code = err.code,
            status,
            cause = answer.cause,
            "graph error answered"
        );
    }
    let mut response = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        Json(body.clone()),
    )
        .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&trace) {
        headers.insert("x-fb-trace-id", value);
    }
    if let Ok(value) = HeaderValue::from_str(version) {
        headers.insert("facebook-api-version", value);
    }
    if let Err(err) = &answer.result {
        if err.http_status == 401 {
            let challenge = format!(
                "OAuth \"Facebook Platform\" \"invalid_token\" \"{}\"",
                err.message
            );
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                headers.insert(header::WWW_AUTHENTICATE, value);
            }
        }
    }
    let recorded = RecordedResponse {
        status,
        body,
        error_code,
        cause: answer.cause.to_string(),
        wamid: answer.wamid.map(String::from),
        held_ms: None,
    };
    (response, recorded)
}

/// The HTTP response of a Graph answer, recorded with `body` as the
/// request body (routes whose bodies are not JSON pass a summary).
pub fn respond(
    state: &AppState,
    answer: Answer,
    version: &str,
    request: (&Method, &Uri, &HeaderMap),
    body: Option<Value>,
) -> Response {
    let (response, recorded) = graph_response(state, answer, version);
    let (method, uri, headers) = request;
    record(state, method, uri, headers, &Bytes::new(), body, recorded);
    response
}

pub fn record(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    raw: &Bytes,
    body: Option<Value>,
    response: RecordedResponse,
) {
    let raw_body =
        (body.is_none() && !raw.is_empty()).then(|| String::from_utf8_lossy(raw).into_owned());
    state.record_request(RecordedRequest {
        seq: 0,
        received_at: now_rfc3339(),
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: redacted_headers(headers),
        body,
        raw_body,
        response,
    });
}

/// Header map for the record; the token never leaves the process.
fn redacted_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if name == header::AUTHORIZATION {
                let scheme = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.split_whitespace().next())
                    .unwrap_or("");
                format!("{scheme} <redacted>").trim_start().to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_headers_should_never_contain_the_token() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        headers.insert("x-other", HeaderValue::from_static("kept"));
        let recorded = redacted_headers(&headers);
        assert_eq!(recorded["authorization"], "Bearer <redacted>");
        assert_eq!(recorded["x-other"], "kept");
    }
}
