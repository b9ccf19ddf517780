//! The template store's syncs (docs/templates.md): each WABA synced within
//! twice `TemplateSyncMinutes`. A store that never synced, or stopped, sends
//! template commands unchecked (`TemplateUnchecked`): a warning, since
//! sends still work as before the store existed.

use super::facts::{Gathered, TemplateSyncFacts};
use super::{unavailable, Finding, ReviewSettings, Severity};

const CHECK: &str = "templates.sync";
const FIX: &str = "Read the review function's logs for \"template sync failed\" (metric TemplateSyncs, Outcome=failed); check WabaIds and that the access token has whatsapp_business_management on the WABA.";

pub(super) fn template_syncs(
    syncs: &[(String, Gathered<TemplateSyncFacts>)],
    settings: &ReviewSettings,
    now: i64,
) -> Vec<Finding> {
    let bound = 2 * settings.template_sync_minutes * 60;
    syncs
        .iter()
        .map(|(waba, facts)| {
            let facts = match facts {
                Ok(f) => f,
                Err(why) => return unavailable(CHECK, waba, why, FIX),
            };
            let last_error = match (&facts.error, facts.failed_at) {
                (Some(e), Some(at)) if facts.synced_at.is_none_or(|s| at > s) => {
                    format!("; the last attempt failed: {e}")
                }
                _ => String::new(),
            };
            match facts.synced_at {
                None => Finding::new(
                    CHECK,
                    Severity::Warning,
                    waba,
                    format!("the templates were never synced, so template commands are sent unchecked{last_error}"),
                    FIX,
                ),
                Some(at) if now - at > bound => Finding::new(
                    CHECK,
                    Severity::Warning,
                    waba,
                    format!(
                        "the last complete template sync was {} minutes ago, more than twice TemplateSyncMinutes ({}){last_error}",
                        (now - at) / 60,
                        settings.template_sync_minutes
                    ),
                    FIX,
                ),
                Some(at) => Finding::new(
                    CHECK,
                    Severity::Ok,
                    waba,
                    format!("templates synced {} minutes ago", (now - at) / 60),
                    "",
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_615_200;

    fn one(facts: TemplateSyncFacts) -> Finding {
        template_syncs(&[("1".into(), Ok(facts))], &ReviewSettings::default(), NOW).remove(0)
    }

    #[test]
    fn a_sync_within_twice_the_interval_is_ok_and_an_older_one_a_warning_with_its_error() {
        let recent = one(TemplateSyncFacts {
            synced_at: Some(NOW - 119 * 60),
            ..Default::default()
        });
        assert_eq!(recent.severity, Severity::Ok);
        let stale = one(TemplateSyncFacts {
            synced_at: Some(NOW - 121 * 60),
            failed_at: Some(NOW - 60),
            error: Some("message_templates page 1: Graph answered 401, code 190".into()),
        });
        assert_eq!(stale.severity, Severity::Warning);
        assert!(stale.detail.contains("code 190"), "{}", stale.detail);
    }

    #[test]
    fn a_waba_never_synced_is_a_warning() {
        let never = one(TemplateSyncFacts::default());
        assert_eq!(never.severity, Severity::Warning);
        assert!(never.detail.contains("never synced"));
    }
}
