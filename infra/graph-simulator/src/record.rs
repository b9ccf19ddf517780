//! What the simulator saw and did: Graph requests with their answers, and
//! the webhooks it posted. Tests assert on these instead of on logs.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// 1-based, in arrival order.
    pub seq: u64,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case names. `authorization` keeps only its scheme ("Bearer <redacted>").
    pub headers: BTreeMap<String, String>,
    /// Parsed JSON body; `None` when the body was empty or not JSON (see `raw_body`).
    pub body: Option<Value>,
    pub raw_body: Option<String>,
    pub response: RecordedResponse,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedResponse {
    pub status: u16,
    pub body: Value,
    /// Graph error code, `None` on success.
    pub error_code: Option<u32>,
    /// How the answer came about: "ok", "validation", "auth", "throughput",
    /// "pair_rate", "forced", "random_fault", "recipient" …
    pub cause: String,
    /// wamid handed out, for successful sends.
    pub wamid: Option<String>,
    /// Time the request was held by timeout injection.
    pub held_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub seq: u64,
    /// "status" or "inbound".
    pub kind: String,
    pub wamid: String,
    /// For status webhooks: sent / delivered / read / failed.
    pub status: Option<String>,
    pub url: String,
    pub body: Value,
    /// Header value sent, `sha256=<hex>`.
    pub signature: String,
    pub attempts: Vec<WebhookAttempt>,
    /// True once an attempt got HTTP 200.
    pub delivered: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    pub at: String,
    pub http_status: Option<u16>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub requests: u64,
    /// "success" or the Graph error code → count.
    pub by_code: BTreeMap<String, u64>,
    /// HTTP status → count.
    pub by_http_status: BTreeMap<String, u64>,
    pub held: u64,
    pub webhooks: WebhookStats,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookStats {
    pub posted: u64,
    pub delivered: u64,
    pub gave_up: u64,
    pub attempts: u64,
}

impl Stats {
    pub fn count(&mut self, response: &RecordedResponse) {
        self.requests += 1;
        let code = response
            .error_code
            .map_or_else(|| "success".to_string(), |c| c.to_string());
        *self.by_code.entry(code).or_default() += 1;
        *self
            .by_http_status
            .entry(response.status.to_string())
            .or_default() += 1;
        if response.held_ms.is_some() {
            self.held += 1;
        }
    }
}

pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
