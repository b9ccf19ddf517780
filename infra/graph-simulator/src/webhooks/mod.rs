//! Closing the loop: signed webhooks to the configured URL, posted and
//! retried the way Meta does it.

pub mod envelope;
pub mod sign;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{FinalStatus, StatusDelays};
use crate::errors::GraphError;
use crate::record::{now_rfc3339, unix_seconds, WebhookAttempt, WebhookDelivery};
use crate::state::AppState;
use envelope::{Business, Pricing, StatusEvent};

#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub backoff: Duration,
    pub timeout: Duration,
}

impl RetryPolicy {
    /// Pause before attempt `n` (1-based): none before the first two, then
    /// `backoff`, 2×, 4× … ("retried immediately, then a few more times with
    /// decreasing frequency").
    pub fn pause_before(&self, attempt: u32) -> Duration {
        match attempt {
            0..=2 => Duration::ZERO,
            n => self.backoff * 2u32.saturating_pow(n - 3),
        }
    }
}

/// POSTs `body` until a 200 or attempts run out; `on_attempt` sees each try.
/// Meta treats anything but 200 (even 204) as a failure, and so do we.
pub async fn post_signed(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    signature: &str,
    policy: RetryPolicy,
    mut on_attempt: impl FnMut(WebhookAttempt),
) -> bool {
    for attempt in 1..=policy.max_attempts.max(1) {
        tokio::time::sleep(policy.pause_before(attempt)).await;
        let result = client
            .post(url)
            .header("content-type", "application/json")
            .header(sign::SIGNATURE_HEADER, signature)
            .timeout(policy.timeout)
            .body(body.clone())
            .send()
            .await;
        let (http_status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(err) => (None, Some(err.to_string())),
        };
        let ok = http_status == Some(200);
        if !ok {
            tracing::warn!(
                url,
                attempt,
                ?http_status,
                ?error,
                "webhook not acknowledged"
            );
        }
        on_attempt(WebhookAttempt {
            at: now_rfc3339(),
            http_status,
            error,
        });
        if ok {
            return true;
        }
    }
    false
}

/// Signs, records and delivers one webhook, with retries.
pub async fn deliver(
    state: &AppState,
    kind: &str,
    wamid: &str,
    status: Option<&str>,
    body: Value,
) -> Option<WebhookDelivery> {
    let behaviour = state.behaviour();
    let url = behaviour.webhook_url?;
    let hooks = &behaviour.webhooks;
    let bytes = sign::body_bytes(&body, hooks.escape_non_ascii);
    let signature = sign::signature(state.identity.app_secret.as_bytes(), &bytes);
    let seq = state.start_webhook(WebhookDelivery {
        seq: 0,
        kind: kind.into(),
        wamid: wamid.into(),
        status: status.map(str::to_string),
        url: url.clone(),
        body,
        signature: signature.clone(),
        attempts: Vec::new(),
        delivered: false,
    });
    let policy = RetryPolicy {
        max_attempts: hooks.max_attempts,
        backoff: Duration::from_millis(hooks.retry_backoff_ms),
        timeout: Duration::from_millis(hooks.request_timeout_ms),
    };
    let delivered = post_signed(&state.http, &url, bytes, &signature, policy, |attempt| {
        state.add_webhook_attempt(seq, attempt)
    })
    .await;
    if delivered {
        tracing::debug!(kind, wamid, status, "webhook delivered");
    } else {
        tracing::warn!(kind, wamid, status, "webhook given up after all attempts");
        state.webhook_gave_up();
    }
    state.webhook(seq)
}

/// What a successful send needs to produce its status webhooks.
#[derive(Clone, Debug)]
pub struct StatusPlan {
    pub phone_number_id: String,
    pub wamid: String,
    pub recipient_id: String,
    pub is_template: bool,
    pub is_reaction: bool,
    /// Major API version from the request path (e.g. 24 for v24.0).
    pub api_major: Option<u32>,
    pub biz_opaque_callback_data: Option<String>,
    /// Report `failed` with this code instead of sent/delivered/read.
    pub failure: Option<u32>,
}

/// (status, delay before it) in posting order.
pub fn steps(
    plan: &StatusPlan,
    delays: &StatusDelays,
    last: FinalStatus,
) -> Vec<(&'static str, u64)> {
    if plan.failure.is_some() {
        return vec![("failed", delays.sent)];
    }
    // Reactions only ever get `sent` (meta-api §4).
    let last = if plan.is_reaction {
        last.min(FinalStatus::Sent)
    } else {
        last
    };
    [
        (FinalStatus::Sent, "sent", delays.sent),
        (FinalStatus::Delivered, "delivered", delays.delivered),
        (FinalStatus::Read, "read", delays.read),
    ]
    .into_iter()
    .filter(|(step, _, _)| *step <= last)
    .map(|(_, name, delay)| (name, delay))
    .collect()
}

pub fn spawn_status_sequence(state: Arc<AppState>, plan: StatusPlan) {
    let task_state = state.clone();
    state.spawn_task(async move { run_status_sequence(&task_state, plan).await });
}

// Sequential on purpose: each status waits for the previous one's delivery
// (including retries), so receivers see sent → delivered → read in order.
// Real Meta ordering is not guaranteed; tests that want disorder can use
// inbound injection or hand-made payloads.
async fn run_status_sequence(state: &AppState, plan: StatusPlan) {
    let behaviour = state.behaviour();
    let hooks = behaviour.webhooks;
    let business = Business {
        waba_id: state.identity.waba_id.clone(),
        display_phone_number: state.identity.display_phone_number.clone(),
        phone_number_id: plan.phone_number_id.clone(),
    };
    let pricing = Pricing::for_message(plan.is_template, &hooks.template_category);
    for (status, delay) in steps(&plan, &hooks.status_delays_ms, hooks.final_status) {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let now = unix_seconds();
        let mut event = StatusEvent {
            wamid: plan.wamid.clone(),
            status: status.into(),
            timestamp: now,
            recipient_id: plan.recipient_id.clone(),
            biz_opaque_callback_data: plan.biz_opaque_callback_data.clone(),
            ..StatusEvent::default()
        };
        match status {
            "failed" => {
                let code = plan.failure.unwrap_or(131026);
                event.errors = vec![GraphError::from_code(code).to_webhook_error()];
            }
            // Pricing rides on `sent` and on one of delivered/read, not both.
            "sent" | "delivered" => event.pricing = Some(pricing.clone()),
            _ => {}
        }
        if status == "sent" && plan.api_major.is_some_and(|v| v < 24) {
            let id = hex::encode(&plan.wamid.as_bytes()[plan.wamid.len().saturating_sub(16)..]);
            event.conversation = Some(envelope::conversation(&id, &pricing.category, now));
        }
        let body = envelope::status(&business, &event);
        if deliver(state, "status", &plan.wamid, Some(status), body)
            .await
            .is_none()
        {
            return; // no webhook URL configured (any more)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> StatusPlan {
        StatusPlan {
            phone_number_id: "1".into(),
            wamid: "wamid.x".into(),
            recipient_id: "2".into(),
            is_template: false,
            is_reaction: false,
            api_major: Some(24),
            biz_opaque_callback_data: None,
            failure: None,
        }
    }

    #[test]
    fn steps_should_go_sent_delivered_read_with_their_delays() {
        let delays = StatusDelays::default();
        assert_eq!(
            steps(&plan(), &delays, FinalStatus::Read),
            vec![("sent", 200), ("delivered", 500), ("read", 1000)]
        );
        assert_eq!(
            steps(&plan(), &delays, FinalStatus::Delivered),
            vec![("sent", 200), ("delivered", 500)]
        );
        assert!(steps(&plan(), &delays, FinalStatus::None).is_empty());
    }

    #[test]
    fn reactions_should_only_get_sent() {
        let reaction = StatusPlan {
            is_reaction: true,
            ..plan()
        };
        assert_eq!(
            steps(&reaction, &StatusDelays::all(0), FinalStatus::Read),
            vec![("sent", 0)]
        );
    }

    #[test]
    fn failures_should_only_get_failed() {
        let failing = StatusPlan {
            failure: Some(131026),
            ..plan()
        };
        assert_eq!(
            steps(&failing, &StatusDelays::all(7), FinalStatus::Read),
            vec![("failed", 7)]
        );
    }

    #[test]
    fn retries_should_start_immediately_then_back_off() {
        let policy = RetryPolicy {
            max_attempts: 5,
            backoff: Duration::from_millis(100),
            timeout: Duration::from_secs(1),
        };
        let pauses: Vec<u64> = (1..=5)
            .map(|n| policy.pause_before(n).as_millis() as u64)
            .collect();
        assert_eq!(pauses, vec![0, 0, 100, 200, 400]);
    }
}
