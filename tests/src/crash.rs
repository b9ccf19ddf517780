//! An invocation ended mid-flight, the way a Lambda timeout or a killed
//! instance ends it: the handler's future is polled as the runtime would
//! and then dropped while suspended at an await point. Whatever reached AWS
//! or Meta before that stays; nothing after it happens (tasks it spawned
//! into a `JoinSet` are aborted with it); the queue hands the records out
//! again after their visibility timeout, since nothing deleted them.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::Poll;

use graph_simulator::faults::Rng;

/// How an invocation ended.
#[derive(Debug)]
pub enum Ended<T> {
    /// It returned, after `polls` polls.
    Finished(T, usize),
    /// It was dropped at its `polls`-th suspension.
    Crashed(usize),
}

/// Polls `fut` to the end, unless `crash_now(n)` holds when it is woken
/// after its `n`-th suspension: then it is dropped there, never resumed.
/// (Checked on waking rather than on suspending, so that a condition that
/// turned true while it waited, such as "Meta has answered", stops it
/// before it reads the answer.)
pub async fn run_until<F: Future>(
    fut: F,
    mut crash_now: impl FnMut(usize) -> bool,
) -> Ended<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let mut polls = 0;
    std::future::poll_fn(|cx| {
        if polls > 0 && crash_now(polls) {
            return Poll::Ready(Ended::Crashed(polls));
        }
        polls += 1;
        fut.as_mut().poll(cx).map(|out| Ended::Finished(out, polls))
    })
    .await
}

/// How many finished invocations' lengths a crash point is drawn from.
const RECENT: usize = 64;

/// Crashes a seeded share of one function's invocations at a random await
/// point: for a chosen invocation, a suspension drawn uniformly up to the
/// length (suspensions) of a recent finished invocation of this function,
/// picked at random, so that the points follow how long invocations really
/// are. An invocation that finishes before its drawn point was not crashed
/// and is not counted: `count` is what landed.
pub struct Crashes {
    rate: f64,
    rng: Mutex<Rng>,
    recent: Mutex<Vec<usize>>,
    crashed: AtomicUsize,
}

impl Crashes {
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            rng: Mutex::new(Rng::new(seed)),
            recent: Mutex::new(Vec::with_capacity(RECENT)),
            crashed: AtomicUsize::new(0),
        }
    }

    /// Runs one invocation; `None` if it was crashed.
    pub async fn invoke<F: Future>(&self, fut: F) -> Option<F::Output> {
        let point = {
            let mut rng = self.rng.lock().expect("rng lock");
            let recent = self.recent.lock().expect("recent lock");
            (rng.next_f64() < self.rate).then(|| {
                let length = recent.get(rng.below(recent.len())).copied();
                1 + rng.below(length.unwrap_or(1))
            })
        };
        match run_until(fut, |n| Some(n) == point).await {
            Ended::Finished(out, polls) => {
                let mut recent = self.recent.lock().expect("recent lock");
                if recent.len() == RECENT {
                    recent.remove(0);
                }
                recent.push(polls);
                Some(out)
            }
            Ended::Crashed(_) => {
                self.crashed.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    pub fn count(&self) -> usize {
        self.crashed.load(Ordering::Relaxed)
    }
}
