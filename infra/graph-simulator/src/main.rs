//! `graph-simulator` binary: `serve` (default) or `inbound`. See `--help`.

use std::process::ExitCode;
use std::time::Duration;

use graph_simulator::cli::{self, Command, InboundArgs, ServeArgs};
use graph_simulator::ids::IdGen;
use graph_simulator::webhooks::{self, envelope::Business, RetryPolicy};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match cli::parse(&args, |name| std::env::var(name).ok()) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("graph-simulator: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("graph-simulator: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match command {
        Command::Help(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Inbound(args) => {
            init_logging(false);
            runtime.block_on(inbound(args))
        }
    }
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(args: ServeArgs) -> ExitCode {
    init_logging(args.json_logs);
    // SimulatorConfig's Debug redacts the token and the secret.
    tracing::debug!(config = ?args.config, "starting");
    let sim = match graph_simulator::spawn(args.config).await {
        Ok(sim) => sim,
        Err(err) => {
            tracing::error!(%err, "cannot start the simulator");
            return ExitCode::FAILURE;
        }
    };
    // One plain stdout line, so scripts can learn the port when given :0.
    println!("graph-simulator listening on {}", sim.base_url());
    wait_for_stop_signal().await;
    tracing::info!("shutting down");
    match sim.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(%err, "server error");
            ExitCode::FAILURE
        }
    }
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn inbound(args: InboundArgs) -> ExitCode {
    let business = Business {
        waba_id: args.waba_id,
        display_phone_number: args.display_phone_number,
        phone_number_id: args.phone_number_id,
    };
    let (wamid, body) =
        match graph_simulator::inbound::build(&args.request, &business, &IdGen::new()) {
            Ok(built) => built,
            Err(message) => {
                eprintln!("graph-simulator inbound: {message}");
                return ExitCode::from(2);
            }
        };
    let bytes = webhooks::sign::body_bytes(&body, true);
    let signature = webhooks::sign::signature(args.app_secret.as_bytes(), &bytes);
    let client = match reqwest::Client::builder()
        .user_agent("facebookexternalua")
        .build()
    {
        Ok(client) => client,
        Err(err) => {
            eprintln!("graph-simulator inbound: {err}");
            return ExitCode::FAILURE;
        }
    };
    let policy = RetryPolicy {
        max_attempts: args.attempts.max(1),
        backoff: Duration::from_millis(args.backoff_ms),
        timeout: Duration::from_secs(10),
    };
    let mut attempts = Vec::new();
    let delivered =
        webhooks::post_signed(&client, &args.webhook_url, bytes, &signature, policy, |a| {
            attempts.push(a)
        })
        .await;
    let report = serde_json::json!({"wamid": wamid, "delivered": delivered, "attempts": attempts});
    println!("{report}");
    if delivered {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
