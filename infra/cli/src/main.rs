//! `jum`: the operator's tool (issue #18). Wiring only: parse, run, and
//! turn an error into its one-line message and exit code.

mod cli;
mod dlq;
mod error;
mod events;
mod output;
mod send;
mod stack;
mod target;
mod wait;

use clap::Parser;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args = cli::Args::parse();
    let json = args.json;
    match cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if json {
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
