//! The `review` function and `make doctor` (issue #16, item 5): gathers the
//! facts the integration review checks (domain::review), runs the checks,
//! and, when scheduled, keeps the run, emits `integration.review_completed`
//! and counts `ReviewFindings` by severity. `make doctor` runs the same
//! [`Reviewer::review`] and prints [`report::table`]. The same function
//! syncs Meta's templates on its own schedule ([`sync`]).

pub mod aws;
pub mod config;
pub mod report;
pub mod sync;

use shared::domain::events::payloads::ReviewCompleted;
use shared::domain::events::Event;
use shared::domain::review::{
    review, AlarmFacts, Counts, Facts, Finding, Gathered, Severity, TemplateSyncFacts,
    TemplateUseFacts, Unavailable,
};
use shared::domain::templates::WabaId;
use shared::ports::review::{
    secret_facts, secret_values, AccountGraph, AlarmSubscribers, FactError, QueueDepth, ReviewRun,
    ReviewTable,
};
use shared::ports::templates::{TemplateSource, TemplateStore};
use shared::ports::{Clock, EventSink, QueueError, SecretSource};
use shared::telemetry::Metrics;

use config::Config;

/// The adapters a review runs on (deployed: `aws::Aws`; tests: the fakes).
pub trait ReviewPorts {
    type Graph: AccountGraph;
    type Queues: QueueDepth;
    type Table: ReviewTable;
    type Alarms: AlarmSubscribers;
    type Secrets: SecretSource;
    type Events: EventSink;
    type Clock: Clock;
    type Templates: TemplateStore;
    type TemplateSource: TemplateSource;
}

pub struct Reviewer<P: ReviewPorts> {
    pub graph: P::Graph,
    pub queues: P::Queues,
    pub table: P::Table,
    pub alarms: P::Alarms,
    pub secrets: P::Secrets,
    pub events: P::Events,
    pub clock: P::Clock,
    /// The template store the sync fills and the review reads.
    pub templates: P::Templates,
    pub template_source: P::TemplateSource,
    pub config: Config,
}

/// What a scheduled run could not finish: the findings are made, but not
/// kept or not told. Both are retried by the next run (daily).
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("the run was not stored: {0}")]
    Store(FactError),
    #[error("integration.review_completed was not emitted: {0}")]
    Emit(QueueError),
}

fn gathered<T>(r: Result<T, FactError>) -> Gathered<T> {
    r.map_err(Unavailable::from)
}

/// The queue's name, the last part of its URL: a finding's subject.
fn queue_name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or(url).to_owned()
}

impl<P: ReviewPorts> Reviewer<P> {
    /// Every fact, then every check; nothing is written. Findings never
    /// show a secret value (scrubbed against the secret's values too).
    pub async fn review(&self) -> Vec<Finding> {
        let now = self.clock.now_secs();
        let (facts, secrets) = self.gather().await;
        let mut findings = review(&facts, &self.config.settings, now);
        let needles: Vec<&str> = secrets.iter().map(String::as_str).collect();
        for f in &mut findings {
            f.scrub(&needles);
        }
        findings
    }

    async fn gather(&self) -> (Facts, Vec<String>) {
        let (secret, values) = match self.secrets.secrets().await {
            Ok(s) => (Ok(secret_facts(&s)), secret_values(&s)),
            Err(e) => (Err(Unavailable(e.to_string())), Vec::new()),
        };
        let token = gathered(self.graph.token().await);
        let mut wabas: Vec<String> = token.as_ref().map(|t| t.wabas.clone()).unwrap_or_default();
        for w in &self.config.waba_ids {
            if !wabas.contains(w) {
                wabas.push(w.clone());
            }
        }
        let mut subscriptions = Vec::new();
        let mut template_syncs = Vec::new();
        let mut template_uses = Vec::new();
        for waba in &wabas {
            template_syncs.push((waba.clone(), self.template_sync(waba).await));
            template_uses.push((waba.clone(), self.template_uses(waba).await));
        }
        for waba in wabas {
            let s = gathered(self.graph.subscribed(&waba).await);
            subscriptions.push((waba, s));
        }
        let mut numbers = Vec::new();
        for id in &self.config.phone_number_ids {
            numbers.push((id.clone(), gathered(self.graph.number(id).await)));
        }
        let mut dead_letters = Vec::new();
        for url in &self.config.dead_letter_queue_urls {
            dead_letters.push((queue_name(url), gathered(self.queues.depth(url).await)));
        }
        let alarms = if self.config.alarm_topic_arn.is_empty() {
            Ok(AlarmFacts::NoTopic)
        } else {
            gathered(self.alarms.subscribers(&self.config.alarm_topic_arn).await)
        };
        let facts = Facts {
            token,
            subscriptions,
            numbers,
            secret,
            dead_letters,
            last_sweep: gathered(self.table.last_sweep().await),
            alarms,
            pitr: gathered(self.table.point_in_time_recovery().await),
            template_syncs,
            template_uses,
        };
        (facts, values)
    }

    /// The template store's sync state of `waba` (docs/templates.md).
    async fn template_sync(&self, waba: &str) -> Gathered<TemplateSyncFacts> {
        let id =
            WabaId::parse(waba).ok_or_else(|| Unavailable(format!("{waba} is not a WABA id")))?;
        let state = self
            .templates
            .sync_state(&id)
            .await
            .map_err(|e| Unavailable(e.to_string()))?;
        Ok(TemplateSyncFacts {
            synced_at: state.synced_at,
            failed_at: state.failed_at,
            error: state.error,
        })
    }

    /// The templates commands used in the last day, each with its status in
    /// the store now (one Query, then one read per template used).
    async fn template_uses(&self, waba: &str) -> Gathered<Vec<TemplateUseFacts>> {
        let id =
            WabaId::parse(waba).ok_or_else(|| Unavailable(format!("{waba} is not a WABA id")))?;
        let since = self.clock.now_secs() - 86_400;
        let store_error = |e: shared::ports::StoreError| Unavailable(e.to_string());
        let uses = self
            .templates
            .used_since(&id, since)
            .await
            .map_err(store_error)?;
        let mut out = Vec::with_capacity(uses.len());
        for u in uses {
            let status = self
                .templates
                .get(&id, &u.key)
                .await
                .map_err(store_error)?
                .map(|d| d.status);
            out.push(TemplateUseFacts {
                name: u.key.name,
                language: u.key.language,
                status,
                used_at: u.used_at,
            });
        }
        Ok(out)
    }

    /// The scheduled run: review, keep the run, emit the event, count.
    pub async fn handle(&self) -> Result<Counts, ReviewError> {
        let findings = self.review().await;
        let counts = Counts::of(&findings);
        let ran_at = self.clock.now_secs();
        let mut m = Metrics::new("review");
        for severity in Severity::ALL {
            m.count(
                "ReviewFindings",
                "Severity",
                severity.as_str(),
                counts.get(severity),
            );
        }
        m.flush(self.clock.now_ms());
        for f in findings.iter().filter(|f| f.severity != Severity::Ok) {
            tracing::warn!(check = f.check, severity = f.severity.as_str(), subject = %f.subject, detail = %f.detail, "review finding");
        }
        let run = ReviewRun {
            ran_at,
            expires_at: ran_at + self.config.run_retention_days * 86_400,
            counts,
            findings,
        };
        self.table
            .save_run(&run)
            .await
            .map_err(ReviewError::Store)?;
        let payload = ReviewCompleted {
            ran_at,
            ok: counts.ok,
            warning: counts.warning,
            critical: counts.critical,
            findings: &run.findings,
        };
        let event = Event::new(&payload, &ran_at.to_string(), ran_at, None, None);
        self.events
            .publish(&[event])
            .await
            .map_err(ReviewError::Emit)?;
        tracing::info!(?counts, "integration review");
        Ok(counts)
    }
}
