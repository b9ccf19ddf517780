//! In-memory fakes of the review's ports: Graph's account answers, queue
//! depths, the table's facts and runs, the alarm topic. Each answer is
//! either a value or the error its source would give.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::review::{AlarmFacts, NumberFacts, PitrFacts, TokenFacts};
use crate::ports::review::{
    AccountGraph, AlarmSubscribers, FactError, QueueDepth, ReviewRun, ReviewTable,
};
use crate::ports::Retry;

fn missing(source_name: &'static str, what: &str) -> FactError {
    FactError {
        source_name,
        message: format!("{what} answered 404"),
        retry: Retry::Permanent,
    }
}

/// Graph as the review sees it. Unknown WABAs and numbers answer an error.
#[derive(Clone, Default)]
pub struct MemoryAccount {
    pub token: Arc<Mutex<Option<Result<TokenFacts, FactError>>>>,
    pub subscribed: Arc<Mutex<HashMap<String, bool>>>,
    pub numbers: Arc<Mutex<HashMap<String, NumberFacts>>>,
}

impl AccountGraph for MemoryAccount {
    async fn token(&self) -> Result<TokenFacts, FactError> {
        self.token
            .lock()
            .expect("fake lock")
            .clone()
            .unwrap_or_else(|| Err(missing("graph", "debug_token")))
    }

    async fn subscribed(&self, waba_id: &str) -> Result<bool, FactError> {
        let map = self.subscribed.lock().expect("fake lock");
        map.get(waba_id)
            .copied()
            .ok_or_else(|| missing("graph", waba_id))
    }

    async fn number(&self, id: &str) -> Result<NumberFacts, FactError> {
        let map = self.numbers.lock().expect("fake lock");
        map.get(id).cloned().ok_or_else(|| missing("graph", id))
    }
}

/// The stack: queue depths by URL, the sweep, backups, the topic, the runs.
#[derive(Clone)]
pub struct MemoryStack {
    pub depths: Arc<Mutex<HashMap<String, u64>>>,
    pub last_sweep: Arc<Mutex<Option<i64>>>,
    pub pitr: Arc<Mutex<PitrFacts>>,
    pub alarms: Arc<Mutex<AlarmFacts>>,
    pub runs: Arc<Mutex<Vec<ReviewRun>>>,
}

impl Default for MemoryStack {
    fn default() -> Self {
        Self {
            depths: Arc::default(),
            last_sweep: Arc::default(),
            pitr: Arc::new(Mutex::new(PitrFacts {
                enabled: true,
                period_days: Some(7),
            })),
            alarms: Arc::new(Mutex::new(AlarmFacts::Topic {
                confirmed: 1,
                pending: 0,
            })),
            runs: Arc::default(),
        }
    }
}

impl QueueDepth for MemoryStack {
    async fn depth(&self, queue_url: &str) -> Result<u64, FactError> {
        let map = self.depths.lock().expect("fake lock");
        map.get(queue_url)
            .copied()
            .ok_or_else(|| missing("sqs", queue_url))
    }
}

impl ReviewTable for MemoryStack {
    async fn last_sweep(&self) -> Result<Option<i64>, FactError> {
        Ok(*self.last_sweep.lock().expect("fake lock"))
    }

    async fn point_in_time_recovery(&self) -> Result<PitrFacts, FactError> {
        Ok(*self.pitr.lock().expect("fake lock"))
    }

    async fn save_run(&self, run: &ReviewRun) -> Result<(), FactError> {
        self.runs.lock().expect("fake lock").push(run.clone());
        Ok(())
    }
}

impl AlarmSubscribers for MemoryStack {
    async fn subscribers(&self, _topic_arn: &str) -> Result<AlarmFacts, FactError> {
        Ok(*self.alarms.lock().expect("fake lock"))
    }
}
