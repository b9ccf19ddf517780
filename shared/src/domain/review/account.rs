//! The access token and the WhatsApp account: debug_token, the WABAs'
//! subscriptions, each business number's health and webhook.

use super::facts::*;
use super::{unavailable, Finding, ReviewSettings, Severity, DAY};

use Severity::{Critical, Ok as Fine, Warning};

pub const REQUIRED_SCOPES: [&str; 2] = [
    "whatsapp_business_messaging",
    "whatsapp_business_management",
];

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

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
