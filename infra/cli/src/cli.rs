//! The command line: global flags, the subcommands, and the dispatch.

use clap::{Parser, Subcommand};

use crate::error::CliError;
use crate::target::{self, Where};
use crate::{contacts, dlq, doctor, events, send, signed, stack, webhook};

const AFTER_HELP: &str = "\
Targets: the local stack `make dev` runs (the default: moto at http://127.0.0.1:5000,
stack jum-local), or a deployed stack with --stack NAME (its CloudFormation outputs;
credentials and region as the AWS CLI resolves them).

Exit codes: 0 done; 1 doctor found a critical finding; 2 a usage error; 3 not found
(stack, queue, output, contact); 4 refused by a check (a command the sender would
reject, a redrive or erasure not confirmed, a 403 from the contacts API); 5 AWS or
network; 101 a bug in jum (please report it).

Examples:
  jum stack
  jum send --to +16505551234 --template order_shipped --lang en_US --param 10420
  jum dlq list
  jum dlq show --queue inbound
  jum events tail --type 'contact.*'
  jum events peek --type media.stored
  jum webhook send --now tests/fixtures/webhooks/text.json
  jum contacts export +16505551234 --out copy.json
  jum contacts erase +16505551234 --wait
  jum doctor
  jum --stack prod-jum --json dlq list";

/// The operator's tool for John's Umbrella Mart: the stack, sending, dead letters, events.
#[derive(Debug, Parser)]
#[command(name = "jum", version, after_help = AFTER_HELP)]
pub struct Args {
    /// Print JSON for scripts instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// A deployed stack, by its CloudFormation name (default: the local stack).
    #[arg(
        long,
        global = true,
        env = "JUM_STACK",
        value_name = "NAME",
        help_heading = "Target"
    )]
    pub stack: Option<String>,

    /// The local stack's name (`make dev`'s JUM_STACK_NAME).
    #[arg(
        long,
        global = true,
        env = "JUM_STACK_NAME",
        default_value = "jum-local",
        value_name = "NAME",
        help_heading = "Target"
    )]
    pub local_stack: String,

    /// Where AWS is (moto for the local stack; default http://127.0.0.1:5000 locally).
    #[arg(
        long,
        global = true,
        env = "JUM_ENDPOINT_URL",
        value_name = "URL",
        help_heading = "Target"
    )]
    pub endpoint_url: Option<String>,

    /// The contacts API's base URL (default: the deployed stack's
    /// ContactsApiUrl output, or the local gateway on JUM_CONTACTS_PORT, 9001).
    #[arg(
        long,
        global = true,
        env = "JUM_CONTACTS_URL",
        value_name = "URL",
        help_heading = "Target"
    )]
    pub contacts_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The stack's endpoints, queues, bus, table, bucket and secrets' names,
    /// what each dead-letter queue holds, and its alarms in alarm.
    Stack,
    /// Put a command on the outbound queue, checked first as the sender checks it.
    Send(Box<send::SendArgs>),
    /// Dead-letter queues: what is parked and why (numbers masked, bodies hidden).
    #[command(subcommand)]
    Dlq(dlq::DlqCommand),
    /// The event bus: live (tail), or what waits on the events queue (peek).
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Meta's side of the webhook: the subscription handshake and signed POSTs.
    #[command(subcommand)]
    Webhook(webhook::WebhookCommand),
    /// The contacts API, signed with your AWS credentials: access, copy,
    /// correction, restriction, consent, erasure, the audit trail.
    Contacts(contacts::ContactsArgs),
    /// The integration review (the scheduled review's own code) as a table,
    /// worst first; exit 1 on a critical finding. Reads only.
    Doctor,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell),
    /// e.g. `jum completions bash > ~/.local/share/bash-completion/completions/jum`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

pub async fn run(args: Args) -> Result<(), CliError> {
    if let Command::Completions { shell } = args.command {
        // No stack needed: a script for the shell, on stdout.
        use clap::CommandFactory;
        clap_complete::generate(shell, &mut Args::command(), "jum", &mut std::io::stdout());
        return Ok(());
    }
    let w = Where {
        stack: args.stack.as_deref(),
        local_stack: &args.local_stack,
        endpoint_url: args.endpoint_url.as_deref(),
    };
    // Refused before any AWS call: a bad command never needs the stack.
    let command = match &args.command {
        Command::Send(s) => Some(s.command()?),
        _ => None,
    };
    let sdk = target::sdk(&w).await;
    if let Command::Contacts(c) = args.command {
        // Only the API's URL: locally, no moto is needed for it.
        let url = target::contacts_url(&w, args.contacts_url.as_deref(), &sdk).await?;
        let api = signed::ContactsApi::new(&url, &sdk)?;
        return contacts::run(&api, c, args.json).await;
    }
    if let Command::Webhook(c) = args.command {
        // Only HTTP to the webhook: locally, no moto is needed for it.
        return webhook::run(&w, &sdk, c, args.json).await;
    }
    let found = target::resolve(&w, &sdk).await?;
    match args.command {
        Command::Stack => stack::show(&sdk, &found, args.json).await,
        Command::Send(s) => {
            let command = command.expect("built above");
            send::send(&sdk, &found, &s, command, args.json).await
        }
        Command::Dlq(d) => dlq::run(&sdk, &found, d, args.json).await,
        Command::Doctor => doctor::doctor(&found, &sdk, args.json).await,
        Command::Events(e) => events::run(&sdk, &found, e, args.json).await,
        Command::Completions { .. } | Command::Contacts(_) | Command::Webhook(_) => {
            unreachable!("answered before the stack is resolved")
        }
    }
}
