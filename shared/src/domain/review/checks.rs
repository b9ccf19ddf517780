//! The checks, one function per subject, each turning gathered facts into
//! findings (docs/review.md is the table of them): the token and the
//! WhatsApp account in `account.rs`, the secret and the stack in `setup.rs`,
//! the template store's syncs and the templates commands use in
//! `templates.rs`.

use super::account::{numbers, subscriptions, token};
use super::facts::*;
use super::setup::{alarms, dead_letters, events_archive, pitr, secret, sweep};
use super::templates::{template_syncs, templates_in_use};
use super::{Finding, ReviewSettings};

/// Every check over `facts`, at `now` (unix seconds), in a stable order.
pub fn review(facts: &Facts, settings: &ReviewSettings, now: i64) -> Vec<Finding> {
    let mut out = token(&facts.token, settings, now);
    out.extend(subscriptions(&facts.subscriptions));
    out.extend(numbers(&facts.numbers, settings));
    out.extend(secret(&facts.secret, settings, now));
    out.extend(dead_letters(&facts.dead_letters));
    out.push(sweep(&facts.last_sweep, settings, now));
    out.push(alarms(&facts.alarms));
    out.push(pitr(&facts.pitr, settings));
    out.push(events_archive(settings));
    out.extend(template_syncs(&facts.template_syncs, settings, now));
    out.extend(templates_in_use(&facts.template_uses));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::{Counts, Unavailable};

    const NOW: i64 = 1_795_615_200;

    fn none(why: &str) -> Unavailable {
        Unavailable(why.into())
    }

    #[test]
    fn the_whole_review_counts_its_findings_and_nothing_gathered_is_never_critical_but_the_secret()
    {
        let nothing = Facts {
            token: Err(none("x")),
            subscriptions: Vec::new(),
            numbers: Vec::new(),
            secret: Ok(SecretFacts {
                missing: Vec::new(),
                placeholders: Vec::new(),
                verify_token_chars: 32,
                previous_app_secret: None,
            }),
            dead_letters: Vec::new(),
            last_sweep: Err(none("x")),
            alarms: Err(none("x")),
            pitr: Err(none("x")),
            template_syncs: vec![("1".into(), Err(none("x")))],
            template_uses: vec![("1".into(), Err(none("x")))],
        };
        let f = review(&nothing, &ReviewSettings::default(), NOW);
        let counts = Counts::of(&f);
        assert_eq!(counts.critical, 0, "{f:?}");
        assert_eq!(counts.ok + counts.warning, f.len() as u64);
    }
}
