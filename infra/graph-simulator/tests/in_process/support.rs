//! A webhook receiver that records what the simulator posts, and small
//! helpers to drive the simulator over HTTP.

pub(crate) use std::sync::atomic::{AtomicU32, Ordering};
pub(crate) use std::sync::{Arc, Mutex};
pub(crate) use std::time::{Duration, Instant};

pub(crate) use axum::body::Bytes;
pub(crate) use axum::extract::State;
pub(crate) use axum::http::{HeaderMap, StatusCode};
pub(crate) use axum::routing::post;
pub(crate) use axum::Router;
pub(crate) use graph_simulator::{
    spawn, InboundRequest, RunningSimulator, SimulatorConfig, StatusDelays, Undeliverable,
};
pub(crate) use hmac::{Hmac, KeyInit, Mac};
pub(crate) use serde_json::{json, Value};
pub(crate) use sha2::Sha256;

pub(crate) const PHONE_NUMBER_ID: &str = "106540352242922";
pub(crate) const WAIT: Duration = Duration::from_secs(10);

/// A webhook endpoint that checks signatures itself (independently of the
/// simulator's own signing code) and can fail its first N requests.
pub(crate) struct Receiver {
    pub(crate) url: String,
    pub(crate) hits: Arc<Mutex<Vec<Hit>>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Hit {
    pub(crate) body: Value,
    pub(crate) signature_ok: bool,
    pub(crate) answered: u16,
}

#[derive(Clone)]
pub(crate) struct ReceiverState {
    pub(crate) secret: String,
    pub(crate) hits: Arc<Mutex<Vec<Hit>>>,
    pub(crate) fail_first: Arc<AtomicU32>,
}

pub(crate) async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.secret.as_bytes()).unwrap();
    mac.update(&body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let signature_ok = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str());
    let failing = state
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if failing { 500 } else { 200 };
    state.hits.lock().unwrap().push(Hit {
        body: serde_json::from_slice(&body).unwrap(),
        signature_ok,
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

pub(crate) async fn start_receiver(secret: &str, fail_first: u32) -> Receiver {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let state = ReceiverState {
        secret: secret.to_string(),
        hits: hits.clone(),
        fail_first: Arc::new(AtomicU32::new(fail_first)),
    };
    let app = Router::new()
        .route("/webhook", post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, hits }
}

impl Receiver {
    pub(crate) fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub(crate) async fn wait_for(&self, n: usize) -> Vec<Hit> {
        let deadline = Instant::now() + WAIT;
        loop {
            let hits = self.hits();
            if hits.len() >= n || Instant::now() > deadline {
                return hits;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub(crate) fn statuses(hits: &[Hit]) -> Vec<(String, String)> {
    hits.iter()
        .filter(|h| h.answered == 200)
        .filter_map(|h| {
            h.body["entry"][0]["changes"][0]["value"]["statuses"][0]
                .as_object()
                .cloned()
        })
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn fast_config(webhook_url: Option<String>) -> SimulatorConfig {
    let mut config = SimulatorConfig::default();
    config.behaviour.webhook_url = webhook_url;
    config.behaviour.webhooks.status_delays_ms = StatusDelays::all(0);
    config.behaviour.webhooks.retry_backoff_ms = 10;
    config
}

pub(crate) async fn send(sim: &RunningSimulator, token: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(sim.messages_url(PHONE_NUMBER_ID))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

pub(crate) fn text_to(to: &str, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
           "type": "text", "text": {"preview_url": false, "body": body}})
}
