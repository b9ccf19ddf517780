//! Answers of the `/_sim` control endpoints: plain JSON, not Graph's shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

pub fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, message)
}

pub fn no_webhook_url() -> Response {
    error(StatusCode::CONFLICT, "no webhook_url configured")
}
