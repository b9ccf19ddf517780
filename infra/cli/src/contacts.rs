//! `jum contacts …`: the contacts API (docs/contracts/contacts-api.yaml)
//! for the people who answer privacy requests, each call signed with their
//! own credentials and audited by the function under their principal.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Map, Value};

use crate::contacts_ops::{change, confirm_erasure, erase, pages, print_object, print_table, text};
use crate::error::CliError;
use crate::signed::ContactsApi;

#[derive(Debug, Args)]
pub struct ContactsArgs {
    #[command(subcommand)]
    pub command: ContactsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ContactsCommand {
    /// Profile, consent, restriction, hand-off, tags and links (audited read_profile).
    Show {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
    },
    /// Conversation history, newest first, with each message's status (audited read_messages).
    History {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        /// Messages per page (1-100).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Follow every page, not just the first.
        #[arg(long)]
        all: bool,
    },
    /// Everything stored about the person, every page and every file, as
    /// one JSON document to hand them (GDPR Art. 15(3); audited export).
    Export {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        /// Where to write it (created 0600: it is the person's data).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Correct the profile (Art. 16).
    Correct {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        #[arg(long)]
        display_name: Option<String>,
        /// A BCP 47 tag, e.g. en_US or pt_BR.
        #[arg(long)]
        locale: Option<String>,
        /// A custom field, KEY=VALUE (repeatable; an empty VALUE removes it).
        #[arg(long = "field", value_name = "KEY=VALUE")]
        fields: Vec<String>,
    },
    /// Link a business record (an order, a ticket) to the contact.
    Link {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        /// The system the record lives in, e.g. orders, crm, ticketing.
        #[arg(long)]
        system: String,
        /// The record's kind in that system, e.g. order, ticket.
        #[arg(long = "type")]
        kind: String,
        /// The record's id in that system.
        #[arg(long)]
        id: String,
        /// The message it is about.
        #[arg(long)]
        wamid: Option<String>,
    },
    /// Restrict processing (Art. 18): stored, never processed otherwise.
    Restrict {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        /// Why (kept with the restriction).
        #[arg(long, required_unless_present = "lift")]
        reason: Option<String>,
        /// Lift the restriction instead.
        #[arg(long, conflicts_with = "reason")]
        lift: bool,
    },
    /// Record consent: opt a category in or out (an opt-out outlives retention).
    Consent {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        #[arg(long, value_enum)]
        state: ConsentState,
        #[arg(long, value_enum, default_value_t = Category::All)]
        category: Category,
    },
    /// Erase the person (Art. 17): their partition, diagnostics and files;
    /// prints the receipt. Asks first unless --yes.
    Erase {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        /// Do not ask (a script without it is refused, exit 4).
        #[arg(long)]
        yes: bool,
        /// A large history is erased in steps (202 pending): repeat until done.
        #[arg(long)]
        wait: bool,
        /// How long --wait waits, in seconds.
        #[arg(long, default_value_t = 300, value_name = "SECONDS")]
        timeout: u64,
    },
    /// Who read, exported, changed or erased this contact (privacy officer only).
    Audit {
        /// The person: their WhatsApp number (+16505551234) or user id (u.…).
        wa_id: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConsentState {
    #[value(alias = "opted_in")]
    OptedIn,
    #[value(alias = "opted_out")]
    OptedOut,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Category {
    Marketing,
    Utility,
    All,
}

/// The number as the API takes it: digits (a leading + dropped) or u.<BSUID>.
fn wa_id(raw: &str) -> Result<String, CliError> {
    let id = raw.trim().trim_start_matches('+').replace([' ', '-'], "");
    let digits = id.len() >= 6 && id.len() <= 15 && id.bytes().all(|b| b.is_ascii_digit());
    if digits || id.starts_with("u.") {
        Ok(id)
    } else {
        Err(CliError::refused(
            format!("{raw:?} is not a WhatsApp id"),
            "give the number in international form (+16505551234) or a user id u.…",
        ))
    }
}

pub async fn run(api: &ContactsApi, args: ContactsArgs, json_out: bool) -> Result<(), CliError> {
    use ContactsCommand as C;
    match args.command {
        C::Show { wa_id: w } => {
            let (_, body) = api.call("GET", &wa_id(&w)?, "", &[], None).await?;
            print_object(&body, json_out);
            Ok(())
        }
        C::History {
            wa_id: w,
            limit,
            all,
        } => {
            let limit = limit.to_string();
            let rows = pages(
                api,
                &wa_id(&w)?,
                "/messages",
                "messages",
                &limit,
                all,
                json_out,
            )
            .await?;
            if !json_out {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|m| {
                        vec![
                            text(m, "timestamp"),
                            text(m, "direction"),
                            text(m, "type"),
                            m.pointer("/status/status")
                                .and_then(Value::as_str)
                                .unwrap_or("-")
                                .into(),
                            text(m, "retained_until"),
                        ]
                    })
                    .collect();
                print_table(
                    &["time", "direction", "type", "status", "retained until"],
                    rows,
                );
            }
            Ok(())
        }
        C::Audit {
            wa_id: w,
            limit,
            all,
        } => {
            let limit = limit.to_string();
            let rows = pages(api, &wa_id(&w)?, "/audit", "records", &limit, all, json_out).await?;
            if !json_out {
                let rows = rows
                    .iter()
                    .map(|r| {
                        vec![
                            text(r, "at"),
                            text(r, "action"),
                            text(r, "principal"),
                            text(r, "request_id"),
                        ]
                    })
                    .collect();
                print_table(&["at", "action", "principal", "request id"], rows);
            }
            Ok(())
        }
        C::Export { wa_id: w, out } => {
            crate::export::export(api, &wa_id(&w)?, &out, json_out).await
        }
        C::Correct {
            wa_id: w,
            display_name,
            locale,
            fields,
        } => {
            let mut body = Map::new();
            if let Some(n) = display_name {
                body.insert("display_name".into(), n.into());
            }
            if let Some(l) = locale {
                body.insert("locale".into(), l.into());
            }
            if !fields.is_empty() {
                let mut custom = Map::new();
                for f in fields {
                    let (k, v) = f.split_once('=').ok_or_else(|| {
                        CliError::refused(
                            format!("--field {f:?} is not KEY=VALUE"),
                            "e.g. --field tier=gold",
                        )
                    })?;
                    custom.insert(k.into(), if v.is_empty() { Value::Null } else { v.into() });
                }
                body.insert("custom_fields".into(), custom.into());
            }
            if body.is_empty() {
                return Err(CliError::refused(
                    "nothing to correct",
                    "give --display-name, --locale or --field KEY=VALUE",
                ));
            }
            change(api, "PATCH", &wa_id(&w)?, "", Value::Object(body), json_out).await
        }
        C::Link {
            wa_id: w,
            system,
            kind,
            id,
            wamid,
        } => {
            let mut body = json!({"system": system, "type": kind, "id": id});
            if let Some(m) = wamid {
                body["wamid"] = m.into();
            }
            change(api, "POST", &wa_id(&w)?, "/links", body, json_out).await
        }
        C::Restrict {
            wa_id: w,
            reason,
            lift,
        } => {
            let body = if lift {
                json!({"restricted": false})
            } else {
                json!({"restricted": true, "reason": reason})
            };
            change(api, "PUT", &wa_id(&w)?, "/restriction", body, json_out).await
        }
        C::Consent {
            wa_id: w,
            state,
            category,
        } => {
            let state = match state {
                ConsentState::OptedIn => "opted_in",
                ConsentState::OptedOut => "opted_out",
            };
            let category = match category {
                Category::Marketing => "marketing",
                Category::Utility => "utility",
                Category::All => "all",
            };
            let body = json!({"state": state, "category": category});
            change(api, "PUT", &wa_id(&w)?, "/consent", body, json_out).await
        }
        C::Erase {
            wa_id: w,
            yes,
            wait,
            timeout,
        } => {
            let id = wa_id(&w)?;
            if !yes {
                confirm_erasure(&id)?;
            }
            erase(api, &id, wait, Duration::from_secs(timeout), json_out).await
        }
    }
}
