//! The checks, one function per subject, each turning gathered facts into
//! findings (docs/review.md is the table of them).

use super::facts::*;
use super::{Finding, ReviewSettings, Severity};

use Severity::{Critical, Ok as Fine, Warning};

const DAY: i64 = 86_400;
pub const REQUIRED_SCOPES: [&str; 2] = [
    "whatsapp_business_messaging",
    "whatsapp_business_management",
];

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
    out
}

fn unavailable(check: &'static str, subject: &str, why: &Unavailable, fix: &str) -> Finding {
    Finding::new(
        check,
        Warning,
        subject,
        format!("could not check: {}", why.0),
        fix,
    )
}

const TOKEN_FIX: &str = "Create a new system-user token with whatsapp_business_messaging and \
whatsapp_business_management (Business settings > System users), put it in the secret as access_token";

pub fn token(facts: &Gathered<TokenFacts>, settings: &ReviewSettings, now: i64) -> Vec<Finding> {
    let t = match facts {
        Ok(t) => t,
        Err(why) => {
            return vec![unavailable(
                "token.valid",
                "access_token",
                why,
                "Check app_id and app_secret in the secret and that Graph is reachable, then run the review again",
            )]
        }
    };
    let mut out = Vec::new();
    let expired = t.expires_at > 0 && t.expires_at <= now;
    if !t.is_valid || expired {
        let why = if expired {
            format!("expired {} days ago", (now - t.expires_at) / DAY)
        } else {
            t.error
                .clone()
                .unwrap_or_else(|| "Meta says it is not valid".into())
        };
        out.push(Finding::new(
            "token.valid",
            Critical,
            "access_token",
            format!("the access token is not valid: {why}; every Graph call fails"),
            TOKEN_FIX,
        ));
    } else {
        out.push(Finding::new(
            "token.valid",
            Fine,
            "access_token",
            "valid",
            "",
        ));
        let (severity, detail) = match t.expires_at {
            0 => (Fine, "never expires".to_owned()),
            at if at - now < settings.token_warning_days * DAY => {
                (Warning, format!("expires in {} days", (at - now) / DAY))
            }
            at => (Fine, format!("expires in {} days", (at - now) / DAY)),
        };
        let fix = if severity == Fine { "" } else { TOKEN_FIX };
        out.push(Finding::new(
            "token.expiry",
            severity,
            "access_token",
            detail,
            fix,
        ));
    }
    let missing: Vec<&str> = REQUIRED_SCOPES
        .into_iter()
        .filter(|s| !t.scopes.iter().any(|have| have == s))
        .collect();
    out.push(if missing.is_empty() {
        Finding::new(
            "token.scopes",
            Fine,
            "access_token",
            "both WhatsApp scopes granted",
            "",
        )
    } else {
        Finding::new(
            "token.scopes",
            Critical,
            "access_token",
            format!("missing scopes: {}", missing.join(", ")),
            TOKEN_FIX,
        )
    });
    out
}

pub fn subscriptions(wabas: &[(String, Gathered<bool>)]) -> Vec<Finding> {
    const FIX: &str = "POST /{waba-id}/subscribed_apps with the access token (once per WABA)";
    if wabas.is_empty() {
        return vec![Finding::new(
            "waba.subscribed",
            Warning,
            "wabas",
            "no WABA known: the token names none and WABA_IDS is empty",
            "Grant the system user the WABA, or set the stack's WABA ids",
        )];
    }
    wabas
        .iter()
        .map(|(waba, subscribed)| match subscribed {
            Ok(true) => Finding::new("waba.subscribed", Fine, waba, "this app is subscribed", ""),
            Ok(false) => Finding::new(
                "waba.subscribed",
                Critical,
                waba,
                "this app is not subscribed: Meta sends no webhooks for this WABA",
                FIX,
            ),
            Err(why) => unavailable("waba.subscribed", waba, why, FIX),
        })
        .collect()
}

pub fn numbers(
    numbers: &[(String, Gathered<NumberFacts>)],
    settings: &ReviewSettings,
) -> Vec<Finding> {
    if numbers.is_empty() {
        return vec![Finding::new(
            "number.status",
            Warning,
            "numbers",
            "no business number known",
            "Set DefaultPhoneNumberId (or the review's PHONE_NUMBER_IDS)",
        )];
    }
    let mut out = Vec::new();
    for (id, facts) in numbers {
        let n = match facts {
            Ok(n) => n,
            Err(why) => {
                out.push(unavailable(
                    "number.status",
                    id,
                    why,
                    "Check the phone_number_id and the token",
                ));
                continue;
            }
        };
        out.push(number_status(id, n.status.as_deref()));
        out.push(number_quality(id, n.quality_rating.as_deref()));
        out.push(number_name(id, n.name_status.as_deref()));
        out.push(match &n.messaging_limit {
            Some(limit) => Finding::new("number.messaging_limit", Fine, id, limit.clone(), ""),
            None => Finding::new(
                "number.messaging_limit",
                Warning,
                id,
                "Meta gave no messaging limit",
                "Look at the number in WhatsApp Manager",
            ),
        });
        out.push(number_webhook(
            id,
            n.webhook_url.as_deref(),
            settings.webhook_url.as_deref(),
        ));
    }
    out
}

fn missing_field(check: &'static str, id: &str, field: &str) -> Finding {
    Finding::new(
        check,
        Warning,
        id,
        format!("Meta gave no {field}"),
        "Look at the number in WhatsApp Manager",
    )
}

fn number_status(id: &str, status: Option<&str>) -> Finding {
    const CHECK: &str = "number.status";
    match status {
        None => missing_field(CHECK, id, "status"),
        Some("CONNECTED") => Finding::new(CHECK, Fine, id, "CONNECTED", ""),
        Some(s @ ("FLAGGED" | "PENDING" | "MIGRATED" | "UNVERIFIED")) => Finding::new(
            CHECK,
            Warning,
            id,
            s,
            "See WhatsApp Manager > Phone numbers: a FLAGGED number is limited if quality stays low",
        ),
        Some(s) => Finding::new(
            CHECK,
            Critical,
            id,
            format!("{s}: the number cannot send"),
            "See WhatsApp Manager > Phone numbers and Account quality; appeal or reconnect the number",
        ),
    }
}

fn number_quality(id: &str, rating: Option<&str>) -> Finding {
    const CHECK: &str = "number.quality";
    const FIX: &str =
        "Fewer marketing sends, honour opt-outs; see the number's quality in WhatsApp Manager";
    match rating {
        None => missing_field(CHECK, id, "quality_rating"),
        Some(q @ ("GREEN" | "UNKNOWN" | "NA")) => Finding::new(CHECK, Fine, id, q, ""),
        Some(q @ ("YELLOW" | "FLAGGED")) => Finding::new(CHECK, Warning, id, q, FIX),
        Some(q) => Finding::new(
            CHECK,
            Critical,
            id,
            format!("{q}: sends may be limited"),
            FIX,
        ),
    }
}

fn number_name(id: &str, status: Option<&str>) -> Finding {
    const CHECK: &str = "number.name_status";
    const FIX: &str =
        "Request a display name that follows Meta's guidelines (WhatsApp Manager > Phone numbers)";
    match status {
        None => missing_field(CHECK, id, "name_status"),
        Some(s @ ("APPROVED" | "AVAILABLE_WITHOUT_REVIEW")) => Finding::new(CHECK, Fine, id, s, ""),
        Some(s @ ("PENDING_REVIEW" | "NONE")) => Finding::new(CHECK, Warning, id, s, FIX),
        Some(s) => Finding::new(
            CHECK,
            Critical,
            id,
            format!("{s}: the display name is not approved"),
            FIX,
        ),
    }
}

fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/')
        .eq_ignore_ascii_case(b.trim_end_matches('/'))
}

fn number_webhook(id: &str, meta: Option<&str>, ours: Option<&str>) -> Finding {
    const CHECK: &str = "number.webhook";
    match (meta, ours) {
        (None, _) => Finding::new(
            CHECK,
            Fine,
            id,
            "Meta does not expose this number's webhook URL",
            "",
        ),
        (Some(_), None) => Finding::new(
            CHECK,
            Warning,
            id,
            "this stack's WebhookUrl is not known to the review",
            "Set WEBHOOK_URL (the stack's WebhookUrl output)",
        ),
        (Some(m), Some(o)) if same_url(m, o) => {
            Finding::new(CHECK, Fine, id, "webhooks come to this stack", "")
        }
        (Some(m), Some(_)) => Finding::new(
            CHECK,
            Critical,
            id,
            format!("Meta posts this number's webhooks to {m}, not to this stack"),
            "Set the callback URL (app, WABA or number override) to the stack's WebhookUrl output",
        ),
    }
}

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

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
