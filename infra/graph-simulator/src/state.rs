//! Shared state of one simulator instance.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::sync::{Mutex, MutexGuard, OnceLock};

use tokio::task::JoinSet;

use crate::account::Account;
use crate::clock::Clock;
use crate::config::{Behaviour, SimulatorConfig};
use crate::faults::Rng;
use crate::ids::IdGen;
use crate::media::MediaStore;
use crate::rate::RateLimiter;
use crate::record::{RecordedRequest, Stats, WebhookAttempt, WebhookDelivery};

/// Oldest records are dropped beyond this, so a long `make dev` session
/// stays small; tests never get near it.
const MAX_RECORDS: usize = 10_000;
/// Outgoing wamids remembered to refuse marking our own messages as read.
const MAX_OUTGOING_IDS: usize = 100_000;

/// Settings fixed for the lifetime of the instance.
#[derive(Clone)]
pub struct Identity {
    pub access_token: String,
    pub app_secret: String,
    pub waba_id: String,
    pub display_phone_number: String,
    pub default_phone_number_id: String,
}

pub struct AppState {
    pub identity: Identity,
    pub ids: IdGen,
    pub http: reqwest::Client,
    pub clock: Clock,
    pub media: MediaStore,
    /// `http://ADDR`, known once the listener is bound.
    pub base_url: OnceLock<String>,
    initial: Behaviour,
    initial_account: Account,
    initial_seed: u64,
    inner: Mutex<Inner>,
    tasks: Mutex<JoinSet<()>>,
}

/// Everything mutable, behind one mutex: critical sections are short and
/// never cross an `.await`.
pub struct Inner {
    pub behaviour: Behaviour,
    pub rng: Rng,
    pub limiter: RateLimiter,
    pub stats: Stats,
    pub account: Account,
    requests: VecDeque<RecordedRequest>,
    next_request_seq: u64,
    webhooks: VecDeque<WebhookDelivery>,
    next_webhook_seq: u64,
    outgoing: HashSet<String>,
}

impl Inner {
    fn new(behaviour: Behaviour, seed: u64, account: Account) -> Self {
        Self {
            account,
            limiter: RateLimiter::new(behaviour.rate_limits.clone()),
            behaviour,
            rng: Rng::new(seed),
            stats: Stats::default(),
            requests: VecDeque::new(),
            next_request_seq: 1,
            webhooks: VecDeque::new(),
            next_webhook_seq: 1,
            outgoing: HashSet::new(),
        }
    }

    pub fn set_behaviour(&mut self, behaviour: Behaviour) {
        self.limiter.set_limits(&behaviour.rate_limits);
        self.behaviour = behaviour;
    }

    pub fn remember_outgoing(&mut self, wamid: &str) {
        if self.outgoing.len() >= MAX_OUTGOING_IDS {
            self.outgoing.clear();
        }
        self.outgoing.insert(wamid.to_string());
    }

    pub fn is_outgoing(&self, wamid: &str) -> bool {
        self.outgoing.contains(wamid)
    }
}

impl AppState {
    pub fn new(config: SimulatorConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .user_agent("facebookexternalua")
            .build()?;
        let account = Account::seeded(
            &config.waba_id,
            &config.default_phone_number_id,
            &config.display_phone_number,
        );
        let ids = IdGen::new();
        Ok(Self {
            clock: Clock::default(),
            media: MediaStore::new(ids.run_tag()),
            base_url: OnceLock::new(),
            initial_account: account.clone(),
            identity: Identity {
                access_token: config.access_token,
                app_secret: config.app_secret,
                waba_id: config.waba_id,
                display_phone_number: config.display_phone_number,
                default_phone_number_id: config.default_phone_number_id,
            },
            ids,
            http,
            initial: config.behaviour.clone(),
            initial_seed: config.seed,
            inner: Mutex::new(Inner::new(config.behaviour, config.seed, account)),
            tasks: Mutex::new(JoinSet::new()),
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn behaviour(&self) -> Behaviour {
        self.lock().behaviour.clone()
    }

    /// Back to the configuration the instance started with, records,
    /// media and account changes cleared, the clock back to real time.
    pub fn reset(&self) {
        self.abort_tasks();
        *self.lock() = Inner::new(
            self.initial.clone(),
            self.initial_seed,
            self.initial_account.clone(),
        );
        self.media.clear();
        self.clock.reset();
    }

    /// Base of URLs the simulator hands out (media downloads, paging):
    /// the request's `Host` when given, else the bound address.
    pub fn public_base(&self, host: Option<&str>) -> String {
        match host {
            Some(host) if !host.is_empty() => format!("http://{host}"),
            _ => self
                .base_url
                .get()
                .cloned()
                .unwrap_or_else(|| "http://127.0.0.1".into()),
        }
    }

    pub fn record_request(&self, mut request: RecordedRequest) -> u64 {
        let mut inner = self.lock();
        request.seq = inner.next_request_seq;
        inner.next_request_seq += 1;
        inner.stats.count(&request.response);
        if inner.requests.len() >= MAX_RECORDS {
            inner.requests.pop_front();
        }
        let seq = request.seq;
        inner.requests.push_back(request);
        seq
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.iter().cloned().collect()
    }

    /// Clears recorded requests and the request counters in the stats.
    pub fn clear_requests(&self) {
        let mut inner = self.lock();
        inner.requests.clear();
        let webhooks = std::mem::take(&mut inner.stats.webhooks);
        inner.stats = Stats {
            webhooks,
            ..Stats::default()
        };
    }

    pub fn stats(&self) -> Stats {
        self.lock().stats.clone()
    }

    pub fn start_webhook(&self, mut delivery: WebhookDelivery) -> u64 {
        let mut inner = self.lock();
        delivery.seq = inner.next_webhook_seq;
        inner.next_webhook_seq += 1;
        inner.stats.webhooks.posted += 1;
        if inner.webhooks.len() >= MAX_RECORDS {
            inner.webhooks.pop_front();
        }
        let seq = delivery.seq;
        inner.webhooks.push_back(delivery);
        seq
    }

    pub fn add_webhook_attempt(&self, seq: u64, attempt: WebhookAttempt) {
        let mut inner = self.lock();
        inner.stats.webhooks.attempts += 1;
        let ok = attempt.http_status == Some(200);
        if ok {
            inner.stats.webhooks.delivered += 1;
        }
        // The newest deliveries are at the back, and attempts are for recent ones.
        if let Some(delivery) = inner.webhooks.iter_mut().rev().find(|d| d.seq == seq) {
            delivery.attempts.push(attempt);
            delivery.delivered |= ok;
        }
    }

    pub fn webhook_gave_up(&self) {
        self.lock().stats.webhooks.gave_up += 1;
    }

    pub fn webhooks(&self) -> Vec<WebhookDelivery> {
        self.lock().webhooks.iter().cloned().collect()
    }

    /// One recorded delivery. Copying all of them (up to `MAX_RECORDS`
    /// bodies) to find one made every delivery cost as much as the whole
    /// record: the chaos run spent most of its CPU there.
    pub fn webhook(&self, seq: u64) -> Option<WebhookDelivery> {
        self.lock()
            .webhooks
            .iter()
            .rev()
            .find(|d| d.seq == seq)
            .cloned()
    }

    pub fn clear_webhooks(&self) {
        self.lock().webhooks.clear();
    }

    /// Background work (status sequences) is owned here so that shutting
    /// the instance down also stops webhooks still waiting to be sent.
    pub fn spawn_task(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        while tasks.try_join_next().is_some() {}
        tasks.spawn(task);
    }

    pub fn abort_tasks(&self) {
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .abort_all();
    }
}
