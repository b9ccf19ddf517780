//! `make chaos`: the full chaos run of issue #7 against a moto server
//! (`JUM_TEST_ENDPOINT_URL`, `JUM_STACK_PY`, as `infra/local/test.sh` sets).
//!
//!     chaos [--messages 10000] [--customers 500] [--commands 2000]
//!           [--fault-rate 0.05] [--webhook-fault-rate 0.3] [--seed 7]
//!           [--workers 8] [--visibility 30] [--crash-rate 0.02]
//!
//! Prints the accounting as a Markdown table and exits 1 if any target
//! (lost, duplicated, unaccounted) is not 0.

use integration_tests::chaos::{self, Config};

fn parse_args() -> Result<Config, String> {
    let mut config = Config::full();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let [flag, value] = pair else {
            return Err(format!("{} needs a value", pair[0]));
        };
        let bad = || format!("{flag}: cannot read {value}");
        match flag.as_str() {
            "--messages" => config.sizes.messages = value.parse().map_err(|_| bad())?,
            "--customers" => config.sizes.customers = value.parse().map_err(|_| bad())?,
            "--commands" => config.sizes.commands = value.parse().map_err(|_| bad())?,
            "--fault-rate" => config.fault_rate = value.parse().map_err(|_| bad())?,
            "--webhook-fault-rate" => {
                config.webhook_fault_rate = value.parse().map_err(|_| bad())?
            }
            "--seed" => config.seed = value.parse().map_err(|_| bad())?,
            "--workers" => config.workers = value.parse().map_err(|_| bad())?,
            "--visibility" => config.visibility_secs = value.parse().map_err(|_| bad())?,
            "--crash-rate" => config.crash_rate = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chaos: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "chaos run: {} messages from {} customers, {} commands, fault rate {} (webhook's AWS calls {}), crash rate {}, seed {}, {} workers",
        config.sizes.messages,
        config.sizes.customers,
        config.sizes.commands,
        config.fault_rate,
        config.webhook_fault_rate,
        config.crash_rate,
        config.seed,
        config.workers
    );
    let outcome = chaos::run(&config).await;
    println!("{}", outcome.summary());
    println!("{}", outcome.report.table());
    let failures = outcome.report.failures();
    if failures.is_empty() {
        println!("chaos: 0 lost, 0 duplicated, 0 unaccounted");
    } else {
        for f in failures {
            eprintln!("chaos: FAILED {}: {}", f.check, f.value);
        }
        std::process::exit(1);
    }
}
