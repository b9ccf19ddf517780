//! Meta's Graph API over HTTPS: one reqwest client (rustls, pooled
//! connections, timeouts) made at cold start and shared by every send.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::Value;

use crate::domain::ids::PhoneNumberId;
use crate::domain::outbound::parse_graph_error;
use crate::ports::sending::{Accepted, GraphApi, GraphCallError};
use crate::ports::SecretSource;

pub const DEFAULT_BASE_URL: &str = "https://graph.facebook.com";
pub const DEFAULT_VERSION: &str = "v24.0";

pub struct GraphClient<S> {
    // Shared with the media endpoints (graph_upload.rs): one pooled client.
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) version: String,
    pub(crate) secrets: S,
}

impl<S: SecretSource> GraphClient<S> {
    pub fn new(base_url: &str, version: &str, secrets: S) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("johns-umbrella-mart/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            version: version.trim_matches('/').to_owned(),
            secrets,
        })
    }
}

#[derive(Deserialize)]
struct SendResponse {
    #[serde(default)]
    contacts: Vec<ContactOut>,
    #[serde(default)]
    messages: Vec<MessageOut>,
    #[serde(default)]
    success: Option<bool>,
}

#[derive(Deserialize)]
struct ContactOut {
    #[serde(default)]
    wa_id: Option<String>,
}

#[derive(Deserialize)]
struct MessageOut {
    id: String,
}

impl<S: SecretSource> GraphApi for GraphClient<S> {
    async fn send(&self, number: &PhoneNumberId, body: &Value) -> Result<Accepted, GraphCallError> {
        let secrets = self
            .secrets
            .secrets()
            .await
            .map_err(|e| GraphCallError::Network(format!("access token unavailable: {e}")))?;
        let Some(token) = secrets.access_token.as_ref() else {
            return Err(GraphCallError::Api(parse_graph_error(
                401,
                br#"{"error":{"message":"no access_token in the secret","code":190}}"#,
            )));
        };
        let url = format!(
            "{}/{}/{}/messages",
            self.base_url,
            self.version,
            number.as_str()
        );
        let (status, bytes) = answer(
            self.http
                .post(url)
                .bearer_auth(token.expose_secret())
                .json(body),
        )
        .await
        .map_err(GraphCallError::Network)?;
        if !(200..300).contains(&status) {
            return Err(GraphCallError::Api(parse_graph_error(status, &bytes)));
        }
        let parsed: SendResponse = serde_json::from_slice(&bytes)
            .map_err(|_| GraphCallError::Api(parse_graph_error(status, &bytes)))?;
        let wamid = parsed.messages.into_iter().next().map(|m| m.id);
        if wamid.is_none() && parsed.success != Some(true) {
            return Err(GraphCallError::Api(parse_graph_error(502, &bytes)));
        }
        Ok(Accepted {
            wamid,
            wa_id: parsed.contacts.into_iter().next().and_then(|c| c.wa_id),
        })
    }
}

/// Sends a Graph request and reads its whole answer: (HTTP status, body),
/// or the transport failure in words without the URL. Every Graph adapter
/// (sends, uploads, account facts) reads answers this way.
pub(crate) async fn answer(
    request: reqwest::RequestBuilder,
) -> Result<(u16, bytes::Bytes), String> {
    let response = request.send().await.map_err(|e| without_url(&e))?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(|e| without_url(&e))?;
    Ok((status, body))
}

/// reqwest's messages include the URL; ours holds no secret, but keeping the
/// message short and URL-free keeps logs uniform.
pub(crate) fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "transport"
    };
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(url.as_str(), "graph api");
    }
    format!("{kind}: {text}")
}
