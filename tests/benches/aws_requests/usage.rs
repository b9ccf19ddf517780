//! What a scenario measures of each function that the counting proxy cannot
//! see: invocations, CPU time, wall time and log bytes.

use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::{json, Value};

/// Bytes the functions' JSON log lines would ship to CloudWatch Logs.
static LOG_BYTES: AtomicU64 = AtomicU64::new(0);

pub struct CountingWriter;

impl Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG_BYTES.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// CPU time of this thread in nanoseconds. The handlers run on a
/// current-thread runtime, so this is their CPU (and the SDK's), not the
/// proxy's, moto's or the simulator's, which are other processes or threads.
fn thread_cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("schedstat's first field")
}

/// Invocations, CPU, wall time and log bytes of one function in one scenario.
#[derive(Default)]
pub struct Usage {
    invocations: Cell<u64>,
    cpu_ns: Cell<u64>,
    wall_ns: Cell<u64>,
    log_bytes: Cell<u64>,
}

impl Usage {
    /// Runs one invocation of a handler and adds what it used.
    pub async fn measure<T>(&self, call: impl std::future::Future<Output = T>) -> T {
        let (cpu, wall, logs) = (
            thread_cpu_ns(),
            Instant::now(),
            LOG_BYTES.load(Ordering::Relaxed),
        );
        let out = call.await;
        let add = |c: &Cell<u64>, v: u64| c.set(c.get() + v);
        add(&self.invocations, 1);
        add(&self.cpu_ns, thread_cpu_ns() - cpu);
        add(&self.wall_ns, wall.elapsed().as_nanos() as u64);
        add(&self.log_bytes, LOG_BYTES.load(Ordering::Relaxed) - logs);
        out
    }

    pub fn to_json(&self) -> Value {
        json!({"invocations": self.invocations.get(), "cpu_ns": self.cpu_ns.get(),
               "wall_ns": self.wall_ns.get(), "log_bytes": self.log_bytes.get()})
    }
}
