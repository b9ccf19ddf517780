//! `make doctor`: the review's checks, printed as a table; exit status 1 on
//! a critical finding. Reads the same environment as the function
//! (infra/local/doctor.sh resolves it for the local or a deployed stack).
//! Writes nothing: no run item, no event.

use review::config::Config;
use shared::adapters::aws;

#[tokio::main]
async fn main() {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("doctor: {e}");
            std::process::exit(2);
        }
    };
    let sdk = aws::load_config().await;
    let reviewer = match review::aws::reviewer(&sdk, config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("doctor: {e}");
            std::process::exit(2);
        }
    };
    let findings = reviewer.review().await;
    print!("{}", review::report::table(&findings));
    std::process::exit(review::report::exit_code(&findings));
}
