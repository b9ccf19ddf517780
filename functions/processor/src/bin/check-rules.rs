//! Checks an automation rules file before deploying:
//! `cargo run -q -p processor --bin check-rules -- config/automation.yaml`

use std::process::ExitCode;

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "config/automation.yaml".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match shared::domain::automation::load(&text) {
        Ok(a) => {
            println!("{path}: ok, {} rules", a.rules.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}
