//! Meta's media endpoints on the Graph API client, for the media function:
//! `GET /{media-id}` (what the file is and a download URL), then the
//! download itself, streamed. The URL needs the bearer token and lives 5
//! minutes (meta-api §5.1); it is never logged (errors are stripped of
//! URLs) and the token is sent only to Meta's hosts.

use std::time::Duration;

use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::graph::{without_url, GraphClient};
use crate::domain::ids::PhoneNumberId;
use crate::domain::outbound::{parse_graph_error, GraphError};
use crate::ports::media::{Download, MediaCallError, MediaGraph, MediaInfo, StreamError};
use crate::ports::SecretSource;

/// A download may take far longer than a send: 100 MB at a few MB/s. The
/// media function's own timeout is above it.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(240);

/// Where Meta's download URLs point (`lookaside.fbsbx.com` today): the
/// token goes to these, or to the Graph API's own host (the simulator
/// serves downloads there), and nowhere else.
const META_HOST_SUFFIXES: [&str; 3] = [".fbsbx.com", ".facebook.com", ".whatsapp.net"];

#[derive(Deserialize)]
struct Lookup {
    url: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    file_size: Option<u64>,
}

impl<S: SecretSource> GraphClient<S> {
    /// The access token for the media endpoints (lookup, download, upload);
    /// none in the secret reads as Meta's own refusal (code 190).
    pub(super) async fn token(&self) -> Result<SecretString, MediaCallError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| MediaCallError::Transient(format!("access token unavailable: {e}")))?;
        secrets.access_token.clone().ok_or_else(|| {
            MediaCallError::TokenRefused(parse_graph_error(
                401,
                br#"{"error":{"message":"no access_token in the secret","code":190}}"#,
            ))
        })
    }

    /// Whether `url` may receive the token.
    fn trusted(&self, url: &reqwest::Url) -> bool {
        let base = reqwest::Url::parse(&self.base_url).ok();
        let same_origin = base.as_ref().is_some_and(|b| {
            b.scheme() == url.scheme()
                && b.host_str() == url.host_str()
                && b.port_or_known_default() == url.port_or_known_default()
        });
        let meta = url.scheme() == "https"
            && url
                .host_str()
                .is_some_and(|h| META_HOST_SUFFIXES.iter().any(|suffix| h.ends_with(suffix)));
        same_origin || meta
    }
}

/// Meta's answer to a media call that failed: gone, token, transient, or
/// another refusal.
fn call_error(status: u16, body: &[u8]) -> MediaCallError {
    let e: GraphError = parse_graph_error(status, body);
    match (status, e.code) {
        (404, _) | (_, Some(100)) => MediaCallError::NotFound,
        (401, _) | (_, Some(190)) => MediaCallError::TokenRefused(e),
        (408 | 429 | 500..=599, _) => MediaCallError::Transient(format!("HTTP {status} from Meta")),
        _ => MediaCallError::Api(e),
    }
}

fn network(e: &reqwest::Error) -> MediaCallError {
    MediaCallError::Transient(without_url(e))
}

impl<S: SecretSource> MediaGraph for GraphClient<S> {
    async fn lookup(
        &self,
        media_id: &str,
        number: Option<&PhoneNumberId>,
    ) -> Result<MediaInfo, MediaCallError> {
        let token = self.token().await?;
        let mut url = reqwest::Url::parse(&format!("{}/{}/", self.base_url, self.version))
            .map_err(|e| MediaCallError::Transient(format!("graph base URL: {e}")))?;
        // Pushed as a path segment: an id is percent-encoded, never a path.
        url.path_segments_mut()
            .map_err(|_| MediaCallError::Transient("graph base URL has no path".into()))?
            .pop_if_empty()
            .push(media_id);
        if let Some(n) = number {
            url.query_pairs_mut()
                .append_pair("phone_number_id", n.as_str());
        }
        let response = self
            .http
            .get(url)
            .bearer_auth(token.expose_secret())
            .send()
            .await
            .map_err(|e| network(&e))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| network(&e))?;
        if !(200..300).contains(&status) {
            return Err(call_error(status, &bytes));
        }
        let found: Lookup = serde_json::from_slice(&bytes)
            .map_err(|_| MediaCallError::Transient("unreadable media lookup answer".into()))?;
        Ok(MediaInfo {
            url: found.url,
            mime_type: found.mime_type,
            sha256: found.sha256,
            file_size: found.file_size,
        })
    }

    async fn download(&self, url: &str) -> Result<Download, MediaCallError> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| MediaCallError::Transient("unreadable download URL".into()))?;
        if !self.trusted(&parsed) {
            // Meta's own answer named another host: the token stays here.
            return Err(MediaCallError::Api(GraphError {
                http_status: 400,
                code: None,
                subcode: None,
                message: Some("download URL is not on a Meta host; the token was not sent".into()),
                details: None,
                fbtrace_id: None,
            }));
        }
        let token = self.token().await?;
        let response = self
            .http
            .get(parsed)
            .bearer_auth(token.expose_secret())
            .timeout(DOWNLOAD_TIMEOUT)
            .send()
            .await
            .map_err(|e| network(&e))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let bytes = response.bytes().await.unwrap_or_default();
            return Err(call_error(status, &bytes));
        }
        let declared = response.content_length();
        let body = response
            .bytes_stream()
            .map(|chunk| chunk.map_err(|e| StreamError(without_url(&e))));
        Ok(Download {
            declared,
            body: Box::pin(body),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_answers_map_to_gone_token_transient_or_refused() {
        let gone =
            br#"{"error":{"message":"Unsupported get request","code":100,"error_subcode":33}}"#;
        assert!(matches!(call_error(400, gone), MediaCallError::NotFound));
        assert!(matches!(call_error(404, b"gone"), MediaCallError::NotFound));
        let token = br#"{"error":{"message":"bad token","code":190}}"#;
        assert!(matches!(
            call_error(401, token),
            MediaCallError::TokenRefused(_)
        ));
        assert!(matches!(call_error(503, b""), MediaCallError::Transient(_)));
        let other = br#"{"error":{"message":"nope","code":10}}"#;
        assert!(matches!(call_error(403, other), MediaCallError::Api(_)));
    }
}
