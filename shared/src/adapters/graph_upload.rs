//! `POST /{phone-number-id}/media` (meta-api §5.1) on the sender's Graph
//! client: the file streams from S3 to Meta as one multipart part of known
//! length, so the sender holds at most a chunk of it, whatever its size.

use std::sync::Arc;
use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::Body;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::Value;

use super::graph::{answer, GraphClient};
use crate::domain::ids::PhoneNumberId;
use crate::domain::outbound::{classify, parse_graph_error, FailureClass};
use crate::ports::media::{ByteStream, MediaCallError, MediaUploads};
use crate::ports::sending::{Accepted, GraphApi, GraphCallError};
use crate::ports::SecretSource;

/// An upload may take longer than a send's 10 s (a 100 MB document): it
/// gets most of the sender's 30 s timeout. It runs before the ledger claim,
/// so one cut short is simply tried again (docs/sending.md).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(25);

#[derive(Deserialize)]
struct Uploaded {
    id: String,
}

impl<S: SecretSource> MediaUploads for GraphClient<S> {
    async fn upload(
        &self,
        number: &PhoneNumberId,
        mime_type: &str,
        filename: &str,
        bytes: u64,
        body: ByteStream,
    ) -> Result<String, MediaCallError> {
        let token = self.token().await?;
        let file = Part::stream_with_length(Body::wrap_stream(body), bytes)
            .file_name(filename.to_owned())
            .mime_str(mime_type)
            // The type comes from Meta's own list (`check_object`), so this
            // never happens; if it did, Meta would refuse it the same way.
            .map_err(|_| {
                MediaCallError::Api(parse_graph_error(
                    400,
                    br#"{"error":{"message":"not a MIME type","code":100}}"#,
                ))
            })?;
        let form = Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", mime_type.to_owned())
            .part("file", file);
        let url = format!(
            "{}/{}/{}/media",
            self.base_url,
            self.version,
            number.as_str()
        );
        let (status, answer) = answer(
            self.http
                .post(url)
                .bearer_auth(token.expose_secret())
                .timeout(UPLOAD_TIMEOUT)
                .multipart(form),
        )
        .await
        .map_err(MediaCallError::Transient)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice::<Uploaded>(&answer)
                .map(|u| u.id)
                .map_err(|_| MediaCallError::Transient("upload answer without an id".into()));
        }
        Err(upload_error(status, &answer))
    }
}

/// The sender shares one client between sends and uploads (one connection
/// pool, one cached token): both ports on an `Arc` of it.
impl<S: SecretSource> MediaUploads for Arc<GraphClient<S>> {
    async fn upload(
        &self,
        number: &PhoneNumberId,
        mime_type: &str,
        filename: &str,
        bytes: u64,
        body: ByteStream,
    ) -> Result<String, MediaCallError> {
        self.as_ref()
            .upload(number, mime_type, filename, bytes, body)
            .await
    }
}

impl<S: SecretSource> GraphApi for Arc<GraphClient<S>> {
    async fn send(&self, number: &PhoneNumberId, body: &Value) -> Result<Accepted, GraphCallError> {
        self.as_ref().send(number, body).await
    }
}

/// Meta's refusal of an upload: the token (401, 190) is the token alarm's
/// business and retried; 5xx and Meta's transient codes are retried; the
/// rest (131053, "media upload error", among them) is final.
pub fn upload_error(status: u16, body: &[u8]) -> MediaCallError {
    let error = parse_graph_error(status, body);
    match classify(&error) {
        FailureClass::Token => MediaCallError::TokenRefused(error),
        _ if status >= 500 => MediaCallError::Transient(format!("HTTP {status}")),
        _ => MediaCallError::Api(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::Retry;

    #[test]
    fn metas_131053_should_be_final_and_the_token_and_5xx_retried() {
        let refused = upload_error(
            400,
            br#"{"error":{"message":"(#131053) Media upload error","code":131053}}"#,
        );
        assert!(matches!(refused, MediaCallError::Api(_)));
        assert_eq!(refused.retry(), Retry::Permanent);
        let token = upload_error(401, br#"{"error":{"message":"expired","code":190}}"#);
        assert!(matches!(token, MediaCallError::TokenRefused(_)));
        assert_eq!(token.retry(), Retry::Retryable);
        let down = upload_error(503, b"<html>busy</html>");
        assert!(matches!(down, MediaCallError::Transient(_)));
        assert_eq!(down.retry(), Retry::Retryable);
    }
}
