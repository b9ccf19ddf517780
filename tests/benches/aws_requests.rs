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
//! Options: `-- --messages 200 --contacts 20 --media-bytes 102400
//! --large-files 4 --large-bytes 20971520`.
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
//! - `send_rules`: the shipped rules' automated replies (free-form texts
//!   inside the 24-hour window) through the sender, in batches of 10: the
//!   `inbound_rules` conversation is played uncounted first, so the
//!   customers' messages the sender reads the window from are stored.
//! - `status`: sent, delivered and read for each wamid the send scenario
//!   stored, one status per POST, then the processor in batches of 10.
//! - `media` / `media_multipart`: *messages* images of *media-bytes* each,
//!   then *large-files* documents of *large-bytes* (above the 8 MiB part:
//!   a multipart upload), one per POST, through the webhook, the processor
//!   and the media function (`aws_requests/media.rs`).

#[path = "aws_requests/harness.rs"]
mod harness;
#[path = "aws_requests/media.rs"]
mod media;
#[path = "aws_requests/messages.rs"]
mod messages;
#[path = "aws_requests/usage.rs"]
mod usage;

use std::time::Instant;

use graph_simulator::SimulatorConfig;
use serde_json::json;

use harness::{args, env};
use usage::CountingWriter;

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
        runtime.block_on(messages::inbound(&a, "inbound_plain", None)),
        runtime.block_on(messages::inbound(
            &a,
            "inbound_rules",
            Some(processor::config::BUNDLED_RULES),
        )),
    ];
    // The simulator on its own runtime, so its CPU is not the sender's or
    // the media function's.
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
    let (send, status) = runtime.block_on(messages::send_and_status(&a, &sim));
    scenarios.push(send);
    scenarios.push(runtime.block_on(messages::send_rules(&a, &sim)));
    scenarios.push(status);
    let images = media::Files {
        scenario: "media",
        files: a.messages,
        bytes: a.media_bytes,
        fixture: "image.json",
        mime: "image/jpeg",
    };
    scenarios.push(runtime.block_on(media::media(&a, &sim, &images)));
    if a.large_files > 0 {
        let documents = media::Files {
            scenario: "media_multipart",
            files: a.large_files,
            bytes: a.large_bytes,
            fixture: "document.json",
            mime: "application/pdf",
        };
        scenarios.push(runtime.block_on(media::media(&a, &sim, &documents)));
    }
    drop(sim);
    sim_runtime.shutdown_background();
    let doc = json!({"scenarios": scenarios, "seconds": started.elapsed().as_secs_f64()});
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&doc).expect("JSON"))
        .expect("write the scenario file");
    eprintln!("aws_requests: wrote {meta_path}");
}
