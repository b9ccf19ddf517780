//! One template sync, as the scheduled job runs it: `make dev` runs it at
//! start (infra/local/dev.sh), with the same environment as `jum doctor`.
//! Prints what was synced; exit status 1 when a WABA could not be synced.

use review::config::Config;
use shared::adapters::aws;

#[tokio::main]
async fn main() {
    shared::telemetry::init_tracing();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sync-templates: {e}");
            std::process::exit(2);
        }
    };
    let sdk = aws::load_config().await;
    let reviewer = match review::aws::reviewer(&sdk, config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sync-templates: {e}");
            std::process::exit(2);
        }
    };
    let report = reviewer.sync_templates().await;
    for s in &report.synced {
        println!(
            "templates synced: WABA {} ({} templates, {} phone numbers)",
            s.waba_id, s.templates, s.phone_numbers
        );
    }
    for f in &report.failed {
        println!("template sync failed: WABA {}: {}", f.waba_id, f.error);
    }
    std::process::exit(i32::from(!report.failed.is_empty()));
}
