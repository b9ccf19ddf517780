//! What every scenario shares: the options, the handlers' named clients,
//! the inbound and outbound queues played as the event-source mapping plays
//! them, and a clock on the day the bench's customers wrote.

use std::time::Instant;

use integration_tests::{Drain, LocalProcessor, World};
use sender::{Sender, SenderPorts};

use crate::usage::Usage;

/// Wednesday 2026-11-25 14:00 UTC: inside the shipped rules' opening hours,
/// so the rules scenario does not change with the time it is run.
pub const OPEN_HOURS_NOW: i64 = 1_795_614_000;

/// The system's clock moved back to `start_secs`: time passes as it does
/// (the sender's pacing slots need it to), on the day the bench's customers
/// wrote, so the 24-hour window of their stored messages is open.
pub struct ShiftedClock {
    start_ms: i64,
    started: Instant,
}

impl ShiftedClock {
    pub fn starting_at(start_secs: i64) -> Self {
        Self {
            start_ms: start_secs * 1000,
            started: Instant::now(),
        }
    }
}

impl shared::ports::Clock for ShiftedClock {
    fn now_ms(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.start_ms.saturating_add(elapsed)
    }
}

pub struct Args {
    pub messages: usize,
    pub contacts: usize,
    /// Bytes of each image of the `media` scenario.
    pub media_bytes: usize,
    /// Documents of the `media_multipart` scenario (0: not run), and their bytes.
    pub large_files: usize,
    pub large_bytes: usize,
}

pub fn args() -> Args {
    let mut a = Args {
        messages: 200,
        contacts: 20,
        media_bytes: 100 * 1024,
        large_files: 4,
        large_bytes: 20 * 1024 * 1024,
    };
    let argv: Vec<String> = std::env::args().collect();
    for pair in argv.windows(2) {
        let number = |name: &str| pair[1].parse().unwrap_or_else(|_| panic!("{name} N"));
        match pair[0].as_str() {
            "--messages" => a.messages = number("--messages"),
            "--contacts" => a.contacts = number("--contacts"),
            "--media-bytes" => a.media_bytes = number("--media-bytes"),
            "--large-files" => a.large_files = number("--large-files"),
            "--large-bytes" => a.large_bytes = number("--large-bytes"),
            _ => {}
        }
    }
    a
}

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run infra/bench/aws_cost.sh"))
}

/// The handlers of one scenario, each on clients named `<scenario>.<function>`.
pub struct Counted {
    pub webhook: World,
    pub processor: World,
    pub sender: World,
    pub media: World,
    pub esm: World,
}

impl Counted {
    pub async fn new(world: &World, scenario: &str) -> Self {
        let proxy = env("JUM_COST_PROXY_URL");
        let named = |f: &str| format!("{scenario}.{f}");
        Self {
            webhook: world.via(&proxy, &named("webhook")).await,
            processor: world.via(&proxy, &named("processor")).await,
            sender: world.via(&proxy, &named("sender")).await,
            media: world.via(&proxy, &named("media")).await,
            esm: world.via(&proxy, &named("esm")).await,
        }
    }
}

/// The inbound queue handed to the processor in batches of up to 10, as
/// the event-source mapping does, its polling counted as the mapping's.
pub async fn process_inbound(
    counted: &Counted,
    usage: &Usage,
    processor: &LocalProcessor,
) -> Drain {
    let url = counted.esm.inbound_url.clone();
    counted
        .esm
        .drain_queue(&url, true, |event| usage.measure(processor.handle(event)))
        .await
}

/// The outbound queue handed to the sender in batches of up to 10, its
/// polling counted as the event-source mapping's; a failed record keeps
/// the visibility the sender gave it.
pub async fn send_outbound<P: SenderPorts>(
    counted: &Counted,
    usage: &Usage,
    sender: &Sender<P>,
) -> Drain {
    let url = counted.esm.outbound_url.clone();
    counted
        .esm
        .drain_queue(&url, false, |event| usage.measure(sender.handle(event)))
        .await
}

pub fn wa_id(contact: usize) -> String {
    format!("1650555{:04}", 1000 + contact)
}

/// Marks where a scenario's EMF lines (printed by the functions) begin.
pub fn announce(scenario: &str) {
    println!("aws_requests scenario {scenario}");
}
