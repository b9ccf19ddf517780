//! The template store's syncs (docs/templates.md): each WABA synced within
//! twice `TemplateSyncMinutes`. A store that never synced, or stopped, sends
//! template commands unchecked (`TemplateUnchecked`): a warning, since
//! sends still work as before the store existed. And the templates commands
//! used in the last day that Meta has since paused or disabled: those
//! commands are now `rejected` (`template_paused`, `template_disabled`).

use super::facts::{Gathered, TemplateSyncFacts, TemplateUseFacts};
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

const IN_USE: &str = "templates.in_use";
const PAUSED_FIX: &str = "Meta pauses a template whose quality dropped (3 h, then 6 h, then disabled): improve it in WhatsApp Manager or point the commands at another APPROVED template. Until then these commands end `rejected`, reason template_paused.";
const DISABLED_FIX: &str = "Meta disabled the template for its quality: create a new one (or appeal in WhatsApp Manager) and point the commands at it. Until then these commands end `rejected`, reason template_disabled.";

/// Per WABA: a finding for each template used in the last day that is now
/// paused (warning: Meta lifts a pause by itself) or disabled (critical: the
/// commands that use it will keep failing), or one `ok`.
pub(super) fn templates_in_use(uses: &[(String, Gathered<Vec<TemplateUseFacts>>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (waba, uses) in uses {
        let uses = match uses {
            Ok(u) => u,
            Err(why) => {
                out.push(unavailable(IN_USE, waba, why, PAUSED_FIX));
                continue;
            }
        };
        let before = out.len();
        for u in uses {
            let (severity, fix) = match u.status.as_deref() {
                Some("PAUSED") => (Severity::Warning, PAUSED_FIX),
                Some("DISABLED") => (Severity::Critical, DISABLED_FIX),
                _ => continue,
            };
            out.push(Finding::new(
                IN_USE,
                severity,
                format!("{waba}/{}/{}", u.name, u.language),
                format!(
                    "template {} ({}) is {} and commands used it in the last day",
                    u.name,
                    u.language,
                    u.status.as_deref().unwrap_or_default().to_lowercase()
                ),
                fix,
            ));
        }
        if out.len() == before {
            out.push(Finding::new(
                IN_USE,
                Severity::Ok,
                waba,
                format!(
                    "{} template(s) used in the last day, none paused or disabled",
                    uses.len()
                ),
                "",
            ));
        }
    }
    out
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

    fn used(name: &str, status: Option<&str>) -> TemplateUseFacts {
        TemplateUseFacts {
            name: name.into(),
            language: "en_US".into(),
            status: status.map(str::to_owned),
            used_at: NOW - 3_600,
        }
    }

    #[test]
    fn a_used_template_now_paused_is_a_warning_disabled_is_critical_and_approved_ones_are_ok() {
        let f = templates_in_use(&[(
            "1".into(),
            Ok(vec![
                used("order_update", Some("APPROVED")),
                used("spring_sale", Some("PAUSED")),
                used("old_promo", Some("DISABLED")),
            ]),
        )]);
        let by_subject = |s: &str| f.iter().find(|x| x.subject == s).map(|x| x.severity);
        assert_eq!(
            by_subject("1/spring_sale/en_US"),
            Some(Severity::Warning),
            "{f:?}"
        );
        assert_eq!(
            by_subject("1/old_promo/en_US"),
            Some(Severity::Critical),
            "{f:?}"
        );
        assert_eq!(f.len(), 2, "approved templates add no finding: {f:?}");
        let fine =
            templates_in_use(&[("1".into(), Ok(vec![used("order_update", Some("APPROVED"))]))]);
        assert_eq!(fine.len(), 1);
        assert_eq!(fine[0].severity, Severity::Ok);
    }
}
