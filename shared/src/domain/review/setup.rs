//! The credentials secret and the stack: DLQs, the retention sweep, alarm
//! subscribers, point-in-time recovery.

use super::facts::*;
use super::{unavailable, Finding, ReviewSettings, Severity, DAY};

use Severity::{Critical, Ok as Fine, Warning};

pub fn secret(facts: &Gathered<SecretFacts>, settings: &ReviewSettings, now: i64) -> Vec<Finding> {
    const SUBJECT: &str = "secret";
    let s = match facts {
        Ok(s) => s,
        Err(why) => {
            return vec![Finding::new(
                "secret.fields",
                Critical,
                SUBJECT,
                format!("the secret cannot be read: {}", why.0),
                "Put the JSON of the README's \"Connect it to Meta\" in the secret",
            )]
        }
    };
    let mut out = Vec::new();
    let blocking: Vec<&str> = s
        .missing
        .iter()
        .chain(&s.placeholders)
        .copied()
        .filter(|f| *f != "app_id")
        .collect();
    let no_app_id = s.missing.contains(&"app_id") || s.placeholders.contains(&"app_id");
    out.push(if !blocking.is_empty() {
        Finding::new(
            "secret.fields",
            Critical,
            SUBJECT,
            format!("missing or placeholder: {}", blocking.join(", ")),
            "Fill them in from the Meta App Dashboard (README, \"Connect it to Meta\")",
        )
    } else if no_app_id {
        Finding::new(
            "secret.fields",
            Warning,
            SUBJECT,
            "no app_id: the review cannot make the app token that debug_token needs",
            "Add app_id (App settings > Basic) to the secret",
        )
    } else {
        Finding::new("secret.fields", Fine, SUBJECT, "every field present", "")
    });
    const ROTATION_FIX: &str =
        "Remove previous_app_secret once signature=previous stops showing in the webhook logs";
    out.push(match s.previous_app_secret {
        None => Finding::new("secret.previous_app_secret", Fine, SUBJECT, "no rotation under way", ""),
        Some(RotationStart::At(since)) if now - since > settings.previous_secret_max_days * DAY => Finding::new(
            "secret.previous_app_secret",
            Warning,
            SUBJECT,
            format!(
                "previous_app_secret kept for {} days (more than {}): webhooks signed with the old secret are still accepted",
                (now - since) / DAY,
                settings.previous_secret_max_days
            ),
            ROTATION_FIX,
        ),
        Some(RotationStart::At(since)) => Finding::new(
            "secret.previous_app_secret",
            Fine,
            SUBJECT,
            format!("rotation under way for {} days", (now - since).max(0) / DAY),
            "",
        ),
        Some(start) => Finding::new(
            "secret.previous_app_secret",
            Warning,
            SUBJECT,
            if start == RotationStart::Unset {
                "previous_app_secret is set without previous_app_secret_since: its age is unknown"
            } else {
                "previous_app_secret_since is not a date (RFC 3339 or yyyy-mm-dd)"
            },
            "Set previous_app_secret_since to the rotation's start, or remove previous_app_secret if the rotation is over",
        ),
    });
    out.push(if s.verify_token_chars < settings.verify_token_min_chars {
        Finding::new(
            "secret.verify_token",
            Warning,
            SUBJECT,
            format!(
                "the verify token has {} characters (fewer than {})",
                s.verify_token_chars, settings.verify_token_min_chars
            ),
            "Generate a longer one (e.g. openssl rand -hex 16), put it in the secret and in the Meta webhook settings",
        )
    } else {
        Finding::new("secret.verify_token", Fine, SUBJECT, "long enough", "")
    });
    out
}

pub fn dead_letters(queues: &[(String, Gathered<u64>)]) -> Vec<Finding> {
    const FIX: &str = "Read why in the logs, fix the cause, then redrive the DLQ to its source queue (docs/reliability.md)";
    queues
        .iter()
        .map(|(queue, depth)| match depth {
            Ok(0) => Finding::new("stack.dlq", Fine, queue, "empty", ""),
            Ok(n) => Finding::new(
                "stack.dlq",
                Critical,
                queue,
                format!("{n} messages parked"),
                FIX,
            ),
            Err(why) => unavailable("stack.dlq", queue, why, FIX),
        })
        .collect()
}

pub fn sweep(last: &Gathered<Option<i64>>, settings: &ReviewSettings, now: i64) -> Finding {
    const CHECK: &str = "stack.retention_sweep";
    const SUBJECT: &str = "RetentionFunction";
    const FIX: &str = "Check RetentionFunction's schedule and its errors (RetentionErrorsAlarm)";
    match last {
        Err(why) => unavailable(CHECK, SUBJECT, why, FIX),
        Ok(None) => Finding::new(CHECK, Warning, SUBJECT, "the sweep has never run", FIX),
        Ok(Some(at)) if now - at > settings.sweep_max_age_secs => Finding::new(
            CHECK,
            Critical,
            SUBJECT,
            format!(
                "last ran {} minutes ago: personal data may outlive its retention",
                (now - at) / 60
            ),
            FIX,
        ),
        Ok(Some(at)) => Finding::new(
            CHECK,
            Fine,
            SUBJECT,
            format!("last ran {} minutes ago", (now - at).max(0) / 60),
            "",
        ),
    }
}

pub fn alarms(facts: &Gathered<AlarmFacts>) -> Finding {
    const CHECK: &str = "stack.alarm_subscribers";
    const SUBJECT: &str = "AlarmTopic";
    match facts {
        Err(why) => unavailable(
            CHECK,
            SUBJECT,
            why,
            "Check the topic with `aws sns list-subscriptions-by-topic`",
        ),
        Ok(AlarmFacts::NoTopic) => Finding::new(
            CHECK,
            Warning,
            SUBJECT,
            "no AlarmEmail: the alarms notify nobody",
            "Deploy with AlarmEmail set",
        ),
        Ok(AlarmFacts::Topic {
            confirmed: 0,
            pending,
        }) => Finding::new(
            CHECK,
            Warning,
            SUBJECT,
            format!("no confirmed subscriber ({pending} pending confirmation)"),
            "Confirm the subscription from the e-mail AWS sent to AlarmEmail",
        ),
        Ok(AlarmFacts::Topic { confirmed, .. }) => Finding::new(
            CHECK,
            Fine,
            SUBJECT,
            format!("{confirmed} confirmed subscriber(s)"),
            "",
        ),
    }
}

pub fn pitr(facts: &Gathered<PitrFacts>, settings: &ReviewSettings) -> Finding {
    const CHECK: &str = "stack.point_in_time_recovery";
    const SUBJECT: &str = "DataTable";
    const FIX: &str = "Deploy the template again: it enables point-in-time recovery for PointInTimeRecoveryPeriodDays";
    match facts {
        Err(why) => unavailable(CHECK, SUBJECT, why, FIX),
        Ok(p) if !p.enabled => Finding::new(
            CHECK,
            Critical,
            SUBJECT,
            "point-in-time recovery is off: the table cannot be restored",
            FIX,
        ),
        Ok(PitrFacts { period_days: Some(days), .. }) if *days != settings.pitr_days => Finding::new(
            CHECK,
            Warning,
            SUBJECT,
            format!(
                "backups reach back {days} days, PointInTimeRecoveryPeriodDays (what erasure receipts state) is {}",
                settings.pitr_days
            ),
            FIX,
        ),
        Ok(p) => Finding::new(
            CHECK,
            Fine,
            SUBJECT,
            format!("enabled, {} days", p.period_days.unwrap_or(35)),
            "",
        ),
    }
}

/// The bus's archive keeps every event, numbers included, and no erasure
/// reaches into it: longer than `RetentionDays` breaks the retention promise.
pub fn events_archive(settings: &ReviewSettings) -> Finding {
    const CHECK: &str = "stack.events_archive";
    const SUBJECT: &str = "EventsArchive";
    match settings.events_archive_days {
        0 => Finding::new(CHECK, Fine, SUBJECT, "no archive", ""),
        days if days > settings.retention_days => Finding::new(
            CHECK,
            Critical,
            SUBJECT,
            format!(
                "events are archived {days} days, longer than RetentionDays ({}): numbers outlive their retention and erasure",
                settings.retention_days
            ),
            "Deploy with EventsArchiveDays at most RetentionDays",
        ),
        days => Finding::new(
            CHECK,
            Fine,
            SUBJECT,
            format!("events archived {days} days (RetentionDays {})", settings.retention_days),
            "",
        ),
    }
}

#[cfg(test)]
#[path = "setup_tests.rs"]
mod tests;
