//! AWS requests per message: drives the real handlers, as Lambda drives them,
//! through a counting proxy in front of moto (`infra/bench/aws_counting_proxy.py`),
//! which writes one line per AWS request with its billing units. This bench
//! writes what the proxy cannot see: each scenario's message count,
//! invocations, CPU time and log bytes per function. `infra/bench/cost_model.py`
//! joins the two into requests and dollars per million.
//!
//!     infra/bench/aws_cost.sh        # starts moto and the proxy, runs this, prints the model
//!
//! Needs `JUM_TEST_ENDPOINT_URL` (moto, for setting up: uncounted),
//! `JUM_COST_PROXY_URL` (the proxy: everything the functions do),
//! `JUM_COST_META` (where to write the scenario file) and `JUM_STACK_PY`.
//! Options: `-- --messages 200 --contacts 20`.
//!
//! Scenarios (each in a fresh stack):
//! - `inbound_plain` / `inbound_rules`: *messages* text messages from
//!   *contacts* customers, interleaved, one per webhook POST as Meta usually
//!   sends them. All POSTs are made first, then the processor drains the
//!   queue in batches of 10 (the event-source mapping's batch size) with
//!   automation off, or with the shipped rules (`config/automation.yaml`)
//!   at a fixed time inside opening hours.
//! - `send`: *messages* template commands to *contacts* recipients through
//!   the sender against the Graph API simulator, in batches of 10.
//! - `status`: sent, delivered and read for each wamid the send scenario
//!   stored, one status per POST, then the processor in batches of 10.

use std::cell::Cell;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use graph_simulator::SimulatorConfig;
use integration_tests::{s, text_webhook, Drain, LocalProcessor, World, PHONE_NUMBER_ID};
use serde_json::{json, Value};

/// Wednesday 2026-11-25 14:00 UTC: inside the shipped rules' opening hours,
/// so the rules scenario does not change with the time it is run.
const OPEN_HOURS_NOW: i64 = 1_795_614_000;
/// The template default (`MessagesPerSecond`).
const MESSAGES_PER_SECOND: u32 = 80;
/// What customers write, in turn: a question the FAQ answers, an order
/// lookup, and two that no rule matches.
const TEXTS: [&str; 4] = [
    "Hi! Do you still have the large golf umbrella in navy?",
    "What are your opening hours on Saturday?",
    "Where is my order #10452? It was due yesterday.",
    "Thanks, that's great.",
];

struct Args {
    messages: usize,
    contacts: usize,
}

fn args() -> Args {
    let mut a = Args {
        messages: 200,
        contacts: 20,
    };
    let argv: Vec<String> = std::env::args().collect();
    for pair in argv.windows(2) {
        match pair[0].as_str() {
            "--messages" => a.messages = pair[1].parse().expect("--messages N"),
            "--contacts" => a.contacts = pair[1].parse().expect("--contacts N"),
            _ => {}
        }
    }
    a
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run infra/bench/aws_cost.sh"))
}

/// Bytes the functions' JSON log lines would ship to CloudWatch Logs.
static LOG_BYTES: AtomicU64 = AtomicU64::new(0);

struct CountingWriter;

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
/// proxy's or moto's, which are other processes.
fn thread_cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    text.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("schedstat's first field")
}

/// Invocations, CPU, wall time and log bytes of one function in one scenario.
#[derive(Default)]
struct Usage {
    invocations: Cell<u64>,
    cpu_ns: Cell<u64>,
    wall_ns: Cell<u64>,
    log_bytes: Cell<u64>,
}

impl Usage {
    async fn measure<T>(&self, call: impl std::future::Future<Output = T>) -> T {
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

    fn to_json(&self) -> Value {
        json!({"invocations": self.invocations.get(), "cpu_ns": self.cpu_ns.get(),
               "wall_ns": self.wall_ns.get(), "log_bytes": self.log_bytes.get()})
    }
}

/// The handlers of one scenario, each on clients named `<scenario>.<function>`.
struct Counted {
    webhook: World,
    processor: World,
    sender: World,
    esm: World,
}

impl Counted {
    async fn new(world: &World, scenario: &str) -> Self {
        let proxy = env("JUM_COST_PROXY_URL");
        let named = |f: &str| format!("{scenario}.{f}");
        Self {
            webhook: world.via(&proxy, &named("webhook")).await,
            processor: world.via(&proxy, &named("processor")).await,
            sender: world.via(&proxy, &named("sender")).await,
            esm: world.via(&proxy, &named("esm")).await,
        }
    }
}

/// The inbound queue handed to the processor in batches of up to 10, as
/// the event-source mapping does, its polling counted as the mapping's.
async fn process_inbound(counted: &Counted, usage: &Usage, processor: &LocalProcessor) -> Drain {
    let url = counted.esm.inbound_url.clone();
    counted
        .esm
        .drain_queue(&url, true, |event| usage.measure(processor.handle(event)))
        .await
}

fn wa_id(contact: usize) -> String {
    format!("1650555{:04}", 1000 + contact)
}

/// Marks where a scenario's EMF lines (printed by the functions) begin.
fn announce(scenario: &str) {
    println!("aws_requests scenario {scenario}");
}

async fn inbound(a: &Args, scenario: &str, rules: Option<&str>) -> Value {
    let world = World::new().await;
    announce(scenario);
    let counted = Counted::new(&world, scenario).await;
    let webhook = counted.webhook.webhook();
    let processor = counted
        .processor
        .processor_with(rules, rules.map(|_| OPEN_HOURS_NOW));
    let (wh, pr) = (Usage::default(), Usage::default());
    let first_ts = OPEN_HOURS_NOW - 60;
    for i in 0..a.messages {
        let body = text_webhook(
            &wa_id(i % a.contacts),
            &format!("wamid.cost{scenario}{i:06}"),
            TEXTS[(i / a.contacts) % TEXTS.len()],
            first_ts + i as i64,
        );
        let answer = wh
            .measure(counted.webhook.post_signed(&webhook, &body))
            .await;
        assert_eq!(answer.status(), 200, "webhook POST {i}");
    }
    let drain = process_inbound(&counted, &pr, &processor).await;
    assert_eq!((drain.delivered, drain.failed), (a.messages, 0));
    let stored = world.items_of_type("message").await.len();
    assert_eq!(stored, a.messages, "every message stored once");
    json!({"scenario": scenario, "unit": "inbound message", "count": a.messages,
           "contacts": a.contacts, "batch_size": 10,
           "functions": {"webhook": wh.to_json(), "processor": pr.to_json()}})
}

/// Sends, then the statuses of what was sent: two scenarios on one stack.
async fn send_and_status(a: &Args, sim: &graph_simulator::RunningSimulator) -> Vec<Value> {
    let world = World::new().await;
    let counted = Counted::new(&world, "send").await;
    let sender = counted.sender.sender(sim, MESSAGES_PER_SECOND);
    announce("send");
    for i in 0..a.messages {
        let command = json!({
            "idempotency_key": format!("order-{i:06}-shipped"),
            "to": wa_id(i % a.contacts),
            "category": "utility",
            "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}
        });
        world.enqueue_command(&command.to_string()).await;
    }
    let se = Usage::default();
    let drain = counted
        .esm
        .drain_queue(&world.outbound_url, false, |event| {
            se.measure(sender.handle(event))
        })
        .await;
    assert_eq!((drain.delivered, drain.failed), (a.messages, 0));
    let graph_calls = sim.requests().len();
    let sent: Vec<(String, String)> = world
        .items_of_type("message")
        .await
        .iter()
        .filter(|i| s(i, "direction") == Some("out"))
        .map(|i| {
            (
                s(i, "wamid").expect("wamid").to_owned(),
                s(i, "pk").expect("pk").trim_start_matches("C#").to_owned(),
            )
        })
        .collect();
    assert_eq!(sent.len(), a.messages, "every send stored");
    let send = json!({"scenario": "send", "unit": "outbound send", "count": a.messages,
        "contacts": a.contacts, "batch_size": 10, "graph_calls": graph_calls,
        "messages_per_second": MESSAGES_PER_SECOND, "functions": {"sender": se.to_json()}});

    let counted = Counted::new(&world, "status").await;
    announce("status");
    let webhook = counted.webhook.webhook();
    let processor = counted
        .processor
        .processor_with(Some(processor::config::BUNDLED_RULES), None);
    let wh = Usage::default();
    let mut posts = 0;
    for (step, status) in ["sent", "delivered", "read"].iter().enumerate() {
        for (wamid, to) in &sent {
            let body = status_webhook(wamid, to, status, OPEN_HOURS_NOW + step as i64);
            let answer = wh
                .measure(counted.webhook.post_signed(&webhook, &body))
                .await;
            assert_eq!(answer.status(), 200);
            posts += 1;
        }
    }
    let pr = Usage::default();
    let drain = process_inbound(&counted, &pr, &processor).await;
    assert_eq!((drain.delivered, drain.failed), (posts, 0));
    let read = world
        .items_of_type("status")
        .await
        .iter()
        .filter(|i| s(i, "status") == Some("read"))
        .count();
    assert_eq!(read, a.messages, "every message reached read");
    let status = json!({"scenario": "status", "unit": "status", "count": posts,
        "contacts": a.contacts, "batch_size": 10,
        "functions": {"webhook": wh.to_json(), "processor": pr.to_json()}});
    vec![send, status]
}

/// A status webhook as Meta sends it for a business-initiated utility template.
fn status_webhook(wamid: &str, to: &str, status: &str, ts: i64) -> Vec<u8> {
    let mut st =
        json!({"id": wamid, "status": status, "timestamp": ts.to_string(), "recipient_id": to});
    if status == "sent" {
        st["conversation"] = json!({"id": "9b3f1c2e7d4a4f0b8c6e2a1d5f7b3c90",
            "expiration_timestamp": (ts + 86_400).to_string(), "origin": {"type": "utility"}});
    }
    if status != "read" {
        st["pricing"] = json!({"billable": true, "pricing_model": "PMP", "type": "regular", "category": "utility"});
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [st]}}]}]})
    .to_string()
    .into_bytes()
}

fn main() {
    // `cargo test --all-targets` also runs bench binaries, without `--bench`.
    // This one needs the counting proxy and moto that infra/bench/aws_cost.sh
    // starts, so under `cargo test` it is only compiled.
    if !std::env::args().any(|arg| arg == "--bench") {
        eprintln!("aws_requests: not run outside `cargo bench`; see infra/bench/aws_cost.sh");
        return;
    }
    let a = args();
    let meta_path = env("JUM_COST_META");
    let _ = tracing::subscriber::set_global_default(shared::telemetry::json_subscriber(|| {
        CountingWriter
    }));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let started = Instant::now();
    let mut scenarios = vec![
        runtime.block_on(inbound(&a, "inbound_plain", None)),
        runtime.block_on(inbound(
            &a,
            "inbound_rules",
            Some(processor::config::BUNDLED_RULES),
        )),
    ];
    // The simulator on its own runtime, so its CPU is not the sender's.
    let sim_runtime = tokio::runtime::Runtime::new().expect("simulator runtime");
    let sim = sim_runtime
        .block_on(async {
            let mut config = SimulatorConfig {
                access_token: integration_tests::ACCESS_TOKEN.into(),
                app_secret: integration_tests::APP_SECRET.into(),
                ..SimulatorConfig::default()
            };
            // Statuses are the next scenario's, posted by this bench.
            config.behaviour.webhook_url = None;
            graph_simulator::spawn(config).await
        })
        .expect("simulator starts");
    scenarios.extend(runtime.block_on(send_and_status(&a, &sim)));
    drop(sim);
    sim_runtime.shutdown_background();
    let doc = json!({"scenarios": scenarios, "seconds": started.elapsed().as_secs_f64()});
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&doc).expect("JSON"))
        .expect("write the scenario file");
    eprintln!("aws_requests: wrote {meta_path}");
}
