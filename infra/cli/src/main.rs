//! `jum`: the operator's tool (issue #18). Wiring only: parse, run, and
//! turn an error into its one-line message and exit code.

mod cli;
mod contacts;
mod contacts_ops;
mod dlq;
mod dlq_content;
mod doctor;
mod error;
mod events;
mod export;
mod output;
mod send;
mod send_image;
mod signed;
mod stack;
mod target;
mod wait;
mod webhook;
mod webhook_http;

use clap::Parser;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args = cli::Args::parse();
    let json = args.json;
    match cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // doctor's findings are the JSON; its verdict is the exit code.
            if json && !matches!(e, error::CliError::Critical { .. }) {
                println!("{}", e.to_json());
            }
            eprintln!("jum: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            std::process::ExitCode::from(e.code())
        }
    }
}
