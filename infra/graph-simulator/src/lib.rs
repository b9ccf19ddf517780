//! A local stand-in for the parts of Meta's WhatsApp Cloud API (Graph API)
//! this project uses: `POST /{version}/{phone_number_id}/messages` with
//! Meta's answers and error shapes, rate limits, fault injection, request
//! recording, and signed status/inbound webhooks back to our endpoint.
//!
//! In-process use from tests:
//!
//! ```no_run
//! # async fn demo() -> Result<(), std::io::Error> {
//! use graph_simulator::{spawn, SimulatorConfig};
//! let sim = spawn(SimulatorConfig::default()).await?;
//! let url = sim.messages_url("106540352242922"); // http://127.0.0.1:PORT/v24.0/…/messages
//! // … point the code under test at sim.base_url() …
//! let requests = sim.requests();
//! # Ok(()) }
//! ```

pub mod account;
pub mod admin;
pub mod admin_account;
pub mod admin_media;
pub mod body;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod errors;
pub mod faults;
pub mod ids;
pub mod inbound;
pub mod media;
pub mod query;
pub mod rate;
pub mod record;
pub mod routes;
pub mod state;
pub mod validate;
pub mod webhooks;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use admin::InjectError;
pub use config::{
    Behaviour, Faults, FinalStatus, ForcedError, PairLimit, RateLimits, Recipients,
    SimulatorConfig, StatusDelays, ThroughputLimit, Undeliverable, WebhookBehaviour,
};
pub use errors::GraphError;
pub use inbound::{InboundRequest, InboundResult};
pub use record::{RecordedRequest, RecordedResponse, Stats, WebhookAttempt, WebhookDelivery};
pub use webhooks::sign::{signature, verify as verify_signature, SIGNATURE_HEADER};

/// API version used by the URL helpers (what Meta's current examples use).
pub const DEFAULT_API_VERSION: &str = "v24.0";

/// Binds `config.listen` and serves until the returned value is dropped or
/// [`RunningSimulator::shutdown`] is awaited.
pub async fn spawn(config: SimulatorConfig) -> Result<RunningSimulator, io::Error> {
    config
        .behaviour
        .validate()
        .map_err(|msg| io::Error::new(io::ErrorKind::InvalidInput, msg))?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(state::AppState::new(config).map_err(io::Error::other)?);
    let _ = state.base_url.set(format!("http://{addr}"));
    let app = routes::router(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, "graph simulator listening");
    Ok(RunningSimulator {
        addr,
        state,
        stop: Some(stop),
        server: Some(server),
    })
}

/// A running instance. Dropping it stops the server and any pending webhooks.
pub struct RunningSimulator {
    addr: SocketAddr,
    state: Arc<state::AppState>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
}

impl RunningSimulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` — the Graph base URL to give the code under test.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v24.0/{phone_number_id}/messages`.
    pub fn messages_url(&self, phone_number_id: &str) -> String {
        format!(
            "{}/{DEFAULT_API_VERSION}/{phone_number_id}/messages",
            self.base_url()
        )
    }

    pub fn access_token(&self) -> &str {
        &self.state.identity.access_token
    }

    pub fn app_secret(&self) -> &str {
        &self.state.identity.app_secret
    }

    /// Graph requests received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// Clears recorded requests and the request counters of [`Self::stats`].
    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Webhooks posted (or being posted) so far, oldest first.
    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        self.state.webhooks()
    }

    pub fn clear_webhooks(&self) {
        self.state.clear_webhooks();
    }

    pub fn behaviour(&self) -> Behaviour {
        self.state.behaviour()
    }

    /// Changes behaviour in place; refused (and nothing changed) if the
    /// result is invalid. Changing rate limits resets the buckets.
    pub fn update(&self, change: impl FnOnce(&mut Behaviour)) -> Result<(), String> {
        let mut inner = self.state.lock();
        let mut next = inner.behaviour.clone();
        change(&mut next);
        next.validate()?;
        inner.set_behaviour(next);
        Ok(())
    }

    /// Same as `POST /_sim/config`: a JSON merge patch of [`Behaviour`].
    pub fn apply_patch(&self, patch: &Value) -> Result<(), String> {
        admin::apply_patch(&self.state, patch, None)
    }

    pub fn set_webhook_url(&self, url: Option<String>) -> Result<(), String> {
        self.update(|b| b.webhook_url = url)
    }

    /// Answers the next `count` Graph requests with error `code`.
    pub fn force_next(&self, code: u32, count: u32) {
        self.state
            .lock()
            .behaviour
            .faults
            .force_next
            .push(ForcedError { code, count });
    }

    /// Answers every send to `recipient` (any phone format) with `code`.
    pub fn force_for_recipient(&self, recipient: &str, code: u32) {
        self.state
            .lock()
            .behaviour
            .faults
            .recipient_errors
            .insert(recipient.to_string(), code);
    }

    /// Stores a customer's file (7-day id) for `GET /{media-id}`; answers
    /// what `POST /_sim/media` answers: `id`, `sha256` (base64, as in
    /// webhooks), `sha256_hex`, `file_size`, `expires_at` …
    pub fn seed_media(&self, bytes: Vec<u8>, mime_type: &str) -> Value {
        let media = media::NewMedia {
            bytes: bytes.into(),
            mime_type: mime_type.to_string(),
            origin: media::Origin::Webhook,
            phone_number_id: Some(self.state.identity.default_phone_number_id.clone()),
        };
        self.state
            .media
            .insert(media, self.state.clock.now())
            .summary()
    }

    /// Moves the simulator's clock (media URLs, media ids, token expiry).
    pub fn advance_clock(&self, seconds: i64) {
        self.state.clock.advance(seconds);
    }

    /// Changes what Graph answers about the account (templates, token,
    /// subscriptions, number health) in place.
    pub fn update_account(&self, change: impl FnOnce(&mut account::Account)) {
        change(&mut self.state.lock().account);
    }

    /// Restarts the fault random sequence.
    pub fn reseed(&self, seed: u64) {
        self.state.lock().rng = faults::Rng::new(seed);
    }

    /// Back to the starting configuration; records and pending webhooks dropped.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// Posts a signed inbound message webhook and waits for its delivery
    /// (retries included).
    pub async fn inject_inbound(
        &self,
        request: InboundRequest,
    ) -> Result<InboundResult, InjectError> {
        admin::inject(&self.state, request).await
    }

    /// Waits until `pred` holds for the recorded webhooks, polling every
    /// 10 ms; returns them, or `None` after `timeout`.
    pub async fn wait_for_webhooks(
        &self,
        timeout: Duration,
        pred: impl Fn(&[WebhookDelivery]) -> bool,
    ) -> Option<Vec<WebhookDelivery>> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let hooks = self.webhooks();
            if pred(&hooks) {
                return Some(hooks);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Stops accepting requests, finishes in-flight ones, drops pending webhooks.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.state.abort_tasks();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        self.state.abort_tasks();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
