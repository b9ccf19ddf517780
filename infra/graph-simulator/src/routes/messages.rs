//! `POST /{version}/{phone_number_id}/messages`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::answer::{graph_response, record, Answer};
use super::auth::{self, api_major};
use crate::config::{self, Undeliverable};
use crate::errors::GraphError;
use crate::faults::{self, ForcedBy};
use crate::ids::Direction;
use crate::rate::Limited;
use crate::state::AppState;
use crate::validate::{self, OutgoingMessage, SendRequest};
use crate::webhooks::{self, StatusPlan};

pub async fn send(
    State(state): State<Arc<AppState>>,
    Path((version, phone_number_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let (answer, held) = answer(
        &state,
        &version,
        &phone_number_id,
        &headers,
        parsed.as_ref(),
    )
    .await;
    let (response, recorded) = graph_response(&state, answer, &version);
    let mut recorded = recorded;
    recorded.held_ms = held.map(|d| d.as_millis() as u64);
    record(&state, &method, &uri, &headers, &body, parsed, recorded);
    response
}

async fn answer(
    state: &Arc<AppState>,
    version: &str,
    phone_number_id: &str,
    headers: &HeaderMap,
    body: Option<&Value>,
) -> (Answer, Option<Duration>) {
    if let Err(answer) = check_request(state, version, phone_number_id, headers) {
        return (answer, None);
    }
    let Some(body) = body else {
        let err = GraphError::invalid_parameter("The request body must be valid JSON.");
        return (Answer::error(err, "validation"), None);
    };

    let decision = {
        let mut inner = state.lock();
        let inner = &mut *inner;
        let recipient = validate::recipient_hint(body);
        faults::decide(
            &mut inner.behaviour.faults,
            &mut inner.rng,
            recipient.as_deref(),
        )
    };
    if let Some(hold) = decision.hold {
        tracing::info!(
            hold_ms = hold.as_millis() as u64,
            "holding request (timeout injection)"
        );
        tokio::time::sleep(hold).await;
    }
    if let Some(forced) = decision.error {
        let cause = match forced {
            ForcedBy::Queue(_) => "forced",
            ForcedBy::Recipient(_) => "recipient_fault",
            ForcedBy::Random(_) => "random_fault",
        };
        return (
            Answer::error(GraphError::from_code(forced.code()), cause),
            decision.hold,
        );
    }

    let answer = match validate::parse(body) {
        Err(err) => Answer::error(err, "validation"),
        Ok(SendRequest::MarkRead { message_id, .. }) => {
            mark_read(state, phone_number_id, &message_id)
        }
        Ok(SendRequest::Message(message)) => {
            send_message(state, version, phone_number_id, body, message)
        }
    };
    (answer, decision.hold)
}

fn check_request(
    state: &AppState,
    version: &str,
    phone_number_id: &str,
    headers: &HeaderMap,
) -> Result<(), Answer> {
    let path = format!("/{version}/{phone_number_id}/messages");
    auth::check_graph(state, version, &path, headers)?;
    auth::check_phone_number(state, phone_number_id)
}

fn limited_error(limited: Limited) -> Answer {
    tracing::info!(?limited, "rate limited");
    match limited {
        Limited::Throughput { .. } => Answer::error(GraphError::from_code(130429), "throughput"),
        Limited::Pair { .. } => Answer::error(GraphError::from_code(131056), "pair_rate"),
    }
}

fn mark_read(state: &AppState, phone_number_id: &str, message_id: &str) -> Answer {
    let mut inner = state.lock();
    // Assumption: reads share the throughput budget of the number (Meta
    // counts inbound and outbound traffic; it does not single out reads).
    let now = tokio::time::Instant::now();
    let high = inner.account.high_throughput(phone_number_id);
    if let Err(limited) = inner.limiter.check_throughput(phone_number_id, high, now) {
        return limited_error(limited);
    }
    if inner.is_outgoing(message_id) {
        let err = GraphError::invalid_parameter(format!(
            "Message ID {message_id} is outgoing. Please use an incoming message ID."
        ));
        return Answer::error(err, "validation");
    }
    Answer::ok(json!({"success": true}), None)
}

fn send_message(
    state: &Arc<AppState>,
    version: &str,
    phone_number_id: &str,
    body: &Value,
    message: OutgoingMessage,
) -> Answer {
    let mut guard = state.lock();
    // Reborrow so behaviour (read) and limiter (written) are disjoint borrows.
    let inner = &mut *guard;
    let now = tokio::time::Instant::now();
    let high = inner.account.high_throughput(phone_number_id);
    if let Err(limited) = inner.limiter.check_throughput(phone_number_id, high, now) {
        return limited_error(limited);
    }
    let behaviour = &inner.behaviour;
    let recipient = &message.wa_id;
    if let Some(name) = &message.template_name {
        if !behaviour.known_templates.is_empty() && !behaviour.known_templates.contains(name) {
            let language = body["template"]["language"]["code"].as_str().unwrap_or("");
            let err = GraphError::from_code(132001).with_details(format!(
                "template name ({name}) does not exist in {language}"
            ));
            return Answer::error(err, "template");
        }
        let language = body["template"]["language"]["code"].as_str().unwrap_or("");
        if let Some((code, status)) = inner.account.template_refusal(name, language) {
            let err = GraphError::from_code(code)
                .with_details(format!("template name ({name}) in {language} is {status}"));
            return Answer::error(err, "template");
        }
    }
    let recipients = &behaviour.recipients;
    let undeliverable = config::listed(&recipients.not_on_whatsapp, recipient);
    if undeliverable && recipients.undeliverable == Undeliverable::Sync {
        return Answer::error(GraphError::from_code(131026), "recipient");
    }
    if message.template_name.is_none() && config::listed(&recipients.window_closed, recipient) {
        return Answer::error(GraphError::from_code(131047), "recipient");
    }
    let failure = if undeliverable {
        Some(131026)
    } else {
        config::lookup(&recipients.failed_status, recipient)
    };
    let webhooks_on = behaviour.webhook_url.is_some();
    if let Err(limited) = inner.limiter.check_pair(phone_number_id, recipient, now) {
        return limited_error(limited);
    }

    let wamid = state.ids.wamid(recipient, Direction::Outgoing);
    inner.remember_outgoing(&wamid);
    drop(guard);
    tracing::info!(%wamid, kind = %message.kind, "message accepted");

    let mut sent = json!({"id": wamid});
    if message.template_name.is_some() {
        sent["message_status"] = json!("accepted");
    }
    let response = json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": message.to_input, "wa_id": recipient}],
        "messages": [sent],
    });
    if webhooks_on {
        webhooks::spawn_status_sequence(
            state.clone(),
            StatusPlan {
                phone_number_id: phone_number_id.to_string(),
                wamid: wamid.clone(),
                recipient_id: recipient.clone(),
                is_template: message.template_name.is_some(),
                is_reaction: message.kind == "reaction",
                api_major: api_major(version),
                biz_opaque_callback_data: body
                    .get("biz_opaque_callback_data")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                failure,
            },
        );
    }
    Answer::ok(response, Some(wamid))
}
