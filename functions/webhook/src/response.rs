//! The webhook's JSON answers, shared by the handler and the verification
//! handshake (here so that neither imports the other).

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Error, Response};

pub fn json(status: StatusCode, error_or_status: &str) -> Result<Response<Body>, Error> {
    let body = if status.is_success() {
        serde_json::json!({ "status": error_or_status })
    } else {
        serde_json::json!({ "error": error_or_status })
    };
    Ok(Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?)
}
