//! Automated answers, configured by the business in a rules file
//! (`config/automation.yaml`), not in Rust. A rule is conditions → actions;
//! rules are tried in order and the first match wins unless it says
//! `continue: true`.

mod config;
mod engine;
mod hours;
mod rule_spec;
mod rules;
mod text;

pub use config::{default_settings, load};
pub use engine::{opt_out_intent, searchable_text, Incoming, OptIntent, Plan};
pub use hours::BusinessHours;
pub use rule_spec::RulesError;
pub use rules::{Action, Automation, FloodLimit, Settings};
pub use text::normalize;
