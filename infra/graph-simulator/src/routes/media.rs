//! Media routes: `POST /{version}/{phone_number_id}/media` (multipart
//! upload), `GET`/`DELETE /{version}/{media-id}` (see `objects`), and the
//! download URLs they hand out.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::answer::{record, respond, Answer};
use super::auth;
use crate::errors::GraphError;
use crate::media::fault::MediaFault;
use crate::media::multipart::{self, FormError};
use crate::media::{types, MediaItem, NewMedia, Origin, DOWNLOAD_PATH};
use crate::query::Query;
use crate::record::RecordedResponse;
use crate::state::AppState;

pub async fn upload(
    State(state): State<Arc<AppState>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = format!("/{version}/{phone_number_id}/media");
    let checked = auth::check_graph(&state, &version, &path, &headers)
        .and_then(|()| auth::check_phone_number(&state, &phone_number_id));
    let (answer, summary) = match checked {
        Err(answer) => (answer, None),
        Ok(()) => store_upload(&state, &phone_number_id, &headers, body).await,
    };
    respond(&state, answer, &version, (&method, &uri, &headers), summary)
}

/// Reads and checks the form as Meta does; returns the answer and a
/// summary of the form for the request record (never the file's bytes).
async fn store_upload(
    state: &AppState,
    phone_number_id: &str,
    headers: &HeaderMap,
    body: Body,
) -> (Answer, Option<Value>) {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A body that is not a form holds none of the parameters.
    let form = match multipart::boundary(content_type) {
        None => multipart::Form::default(),
        Some(boundary) => match multipart::read(body, &boundary, length(headers), file_cap).await {
            Ok(form) => form,
            Err(FormError::TooLarge { content_type }) => {
                let mime = content_type.unwrap_or_default();
                return (Answer::error(too_large(&mime, &[]), "media_limit"), None);
            }
            Err(FormError::Malformed(details)) => {
                let err = GraphError::invalid_parameter(details);
                return (Answer::error(err, "validation"), None);
            }
        },
    };
    let summary = json!({
        "messaging_product": form.field("messaging_product"),
        "type": form.field("type"),
        "file": form.file.as_ref().map(|f| json!({
            "filename": f.filename, "content_type": f.content_type, "bytes": f.data.len()})),
    });
    let answer = match check_form(&form) {
        Err(err) => Answer::error(err, "validation"),
        Ok(mime) => {
            let file = form.file.expect("check_form found the file");
            let limit = types::limit(&mime, &file.data);
            if file.data.len() > limit.0 {
                Answer::error(too_large(&mime, &file.data), "media_limit")
            } else {
                let item = state.media.insert(
                    NewMedia {
                        bytes: Bytes::from(file.data),
                        mime_type: mime,
                        origin: Origin::Upload,
                        phone_number_id: Some(phone_number_id.to_string()),
                    },
                    state.clock.now(),
                );
                tracing::info!(media_id = %item.id, bytes = item.bytes.len(), "media uploaded");
                Answer::ok(json!({"id": item.id}), None)
            }
        }
    };
    (answer, Some(summary))
}

/// The request's `Content-Length`, 0 when not given.
fn length(headers: &HeaderMap) -> usize {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// How far the file part is read before it is refused, from its declared
/// type (a WebP may be an animated sticker: its 500 KB until the end).
fn file_cap(content_type: Option<&str>) -> usize {
    match content_type {
        Some(mime) if types::accepted(mime) => types::largest_limit(mime),
        _ => types::MAX_FILE_BYTES,
    }
}

/// The file's MIME type once every parameter is there and accepted.
fn check_form(form: &multipart::Form) -> Result<String, GraphError> {
    match form.field("messaging_product") {
        None => return Err(GraphError::required_parameter("messaging_product")),
        Some("whatsapp") => {}
        Some(other) => {
            return Err(GraphError::invalid_parameter(format!(
                "Param messaging_product must be one of {{WHATSAPP}} - got \"{other}\"."
            )))
        }
    }
    let Some(file) = &form.file else {
        return Err(GraphError::required_parameter("file"));
    };
    // Meta checks the file part's own type (its error names it); the `type`
    // field stands in when the part declares none.
    let mime = file
        .content_type
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| form.field("type").map(str::to_string))
        .ok_or_else(|| GraphError::required_parameter("type"))?;
    if !types::accepted(&mime) {
        let mut err = GraphError::from_code(100);
        err.message = format!(
            "(#100) Param file must be a file with one of the following types: {}. Received file of type '{}'.",
            types::ACCEPTED.join(", "),
            mime
        );
        return Err(err);
    }
    if file.data.is_empty() {
        return Err(GraphError::invalid_parameter("The uploaded file is empty."));
    }
    Ok(mime)
}

fn too_large(mime: &str, head: &[u8]) -> GraphError {
    let (_, written) = types::limit(mime, head);
    GraphError::from_code(100).with_user_message(
        "File Too Large",
        format!("The file you uploaded is too large. The maximum size for {mime} is {written}."),
    )
}

/// `GET /{media-id}`'s answer for a live file.
pub fn describe(state: &AppState, item: &MediaItem, host: Option<&str>) -> Value {
    let query = state.media.grant(item, state.clock.now());
    json!({
        "messaging_product": "whatsapp",
        "url": format!("{}{DOWNLOAD_PATH}{query}", state.public_base(host)),
        "mime_type": item.mime_type,
        "sha256": item.sha256_hex(),
        "file_size": item.bytes.len(),
        "id": item.id,
    })
}

/// The download URL. Without the right bearer token: 401 and Graph's 190
/// error, as Meta's media download API documents. An expired or unknown
/// URL, or a deleted or expired file: 404, as Meta says a failed download
/// answers.
pub async fn download(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = Query::parse(uri.query());
    let now = state.clock.now();
    let outcome = match auth::check_token(&state, auth::bearer(&headers)) {
        Err(answer) => Err((StatusCode::UNAUTHORIZED, answer.result.err(), "auth")),
        Ok(()) => query
            .get("hash")
            .and_then(|hash| state.media.redeem(hash, now))
            .and_then(|id| state.media.get(&id, now))
            .ok_or((StatusCode::NOT_FOUND, None, "media_not_found")),
    };
    let fault = outcome
        .as_ref()
        .ok()
        .and_then(|item| state.lock().behaviour.faults.media.get(&item.id).copied());
    let (response, status, bytes, cause) = match (outcome, fault) {
        (Err((status, err, cause)), _) => (failure(&state, status, err), status, 0, cause),
        (Ok(_), Some(MediaFault::NotFound | MediaFault::Download404)) => {
            let status = StatusCode::NOT_FOUND;
            (failure(&state, status, None), status, 0, "media_fault")
        }
        (Ok(_), Some(MediaFault::Download500)) => {
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            (failure(&state, status, None), status, 0, "media_fault")
        }
        (Ok(item), fault) => {
            let body = served_bytes(&item.bytes, fault);
            let len = body.len();
            let mut response = Body::from(body).into_response();
            let headers = response.headers_mut();
            if let Ok(mime) = HeaderValue::from_str(&item.mime_type) {
                headers.insert(header::CONTENT_TYPE, mime);
            }
            let cause = if fault.is_some() { "media_fault" } else { "ok" };
            (response, StatusCode::OK, len, cause)
        }
    };
    let recorded = RecordedResponse {
        status: status.as_u16(),
        body: json!({"bytes": bytes}),
        error_code: None,
        cause: cause.to_string(),
        wamid: None,
        held_ms: None,
    };
    record(
        &state,
        &method,
        &uri,
        &headers,
        &Bytes::new(),
        None,
        recorded,
    );
    response
}

fn failure(state: &AppState, status: StatusCode, err: Option<GraphError>) -> Response {
    match err {
        Some(err) => {
            let trace = crate::ids::fbtrace_id(&mut state.lock().rng);
            (status, axum::Json(err.to_body(&trace))).into_response()
        }
        None => (status, status.canonical_reason().unwrap_or("")).into_response(),
    }
}

/// The file as served: the stored buffer itself, or a damaged copy.
fn served_bytes(bytes: &Bytes, fault: Option<MediaFault>) -> Bytes {
    match fault {
        Some(MediaFault::Corrupt) if !bytes.is_empty() => {
            let mut copy = bytes.to_vec();
            let last = copy.len() - 1;
            copy[last] ^= 0xFF;
            Bytes::from(copy)
        }
        Some(MediaFault::Truncated) => bytes.slice(..bytes.len() / 2),
        Some(MediaFault::Padded) => {
            let mut copy = bytes.to_vec();
            copy.extend_from_slice(&[0u8; 1024]);
            Bytes::from(copy)
        }
        _ => bytes.clone(),
    }
}
