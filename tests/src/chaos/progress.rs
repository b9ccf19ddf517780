//! A line on stderr every 10 s while the run goes, so a long run shows it
//! is moving.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{lambda, proxy};

/// A line on stderr every 10 s, so a long run shows it is moving.
pub(super) fn progress(
    proxy: &proxy::RunningProxy,
    delivery: &std::sync::Arc<lambda::DeliveryCounts>,
    inbound: &std::sync::Arc<lambda::MappingCounts>,
    outbound: &std::sync::Arc<lambda::MappingCounts>,
) -> AbortOnDrop {
    let (counts, delivery, inbound, outbound) = (
        std::sync::Arc::clone(&proxy.counts),
        std::sync::Arc::clone(delivery),
        std::sync::Arc::clone(inbound),
        std::sync::Arc::clone(outbound),
    );
    let started = Instant::now();
    AbortOnDrop(tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(10)).await;
            let get = |c: &std::sync::atomic::AtomicUsize| c.load(Ordering::Relaxed);
            eprintln!(
                "chaos: {:>5.0} s: AWS requests {}, webhook POSTs {}, processor records {} (failed {}), sender records {} (failed {})",
                started.elapsed().as_secs_f64(),
                get(&counts.requests),
                get(&delivery.posts),
                get(&inbound.records),
                get(&inbound.failed_records),
                get(&outbound.records),
                get(&outbound.failed_records),
            );
        }
    }))
}

pub(super) struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
