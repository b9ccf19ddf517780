//! The `webhook` function: Meta's verification GET and signed POSTs.
//! A POST is answered 200 only after its updates are on the inbound queue.

pub mod config;
mod rejection;
mod response;
mod verification;

use std::sync::atomic::{AtomicU64, Ordering};

use lambda_http::http::{header, Method, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Error, Request, RequestExt, Response};
use shared::domain::envelope::{split_for_queue, EnvelopeError};
use shared::domain::queued::RequestMeta;
use shared::ports::{Clock, InboundQueue, SecretSource};
use shared::signature::{self, SignatureError};
use shared::telemetry::Metrics;
use tracing::Instrument;

use response::json;

pub use config::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE_MESSAGE_BYTES};

pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_queue_message_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_queue_message_bytes: DEFAULT_MAX_QUEUE_MESSAGE_BYTES,
        }
    }
}

/// The handler, generic over the capabilities it uses.
pub struct Webhook<S, Q, C> {
    pub secrets: S,
    pub queue: Q,
    pub clock: C,
    pub limits: Limits,
}

impl<S: SecretSource, Q: InboundQueue, C: Clock> Webhook<S, Q, C> {
    pub async fn handle(&self, req: Request) -> Result<Response<Body>, Error> {
        let request_id = request_id(&req, &self.clock);
        let span = tracing::info_span!("webhook", request_id = %request_id, method = %req.method());
        let mut metrics = Metrics::new("webhook");
        let response = async {
            match *req.method() {
                Method::GET => verification::verify(&self.secrets, &req, &mut metrics).await,
                Method::POST => self.receive(&req, request_id, &mut metrics).await,
                _ => {
                    metrics.count("WebhookRejected", "Reason", "method_not_allowed", 1);
                    json(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").map(|mut r| {
                        r.headers_mut()
                            .insert(header::ALLOW, "GET, POST".parse().expect("static header"));
                        r
                    })
                }
            }
        }
        .instrument(span)
        .await;
        metrics.flush(self.clock.now_ms());
        response
    }

    async fn receive(
        &self,
        req: &Request,
        request_id: String,
        metrics: &mut Metrics,
    ) -> Result<Response<Body>, Error> {
        let body: &[u8] = req.body().as_ref();
        if body.len() > self.limits.max_body_bytes {
            tracing::warn!(body_bytes = body.len(), "payload too large");
            metrics.count("WebhookRejected", "Reason", "too_large", 1);
            return json(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
        }
        let secrets = match self.secrets.secrets().await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "secrets unavailable");
                metrics.count("WebhookRejected", "Reason", "secrets_unavailable", 1);
                return json(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
            }
        };
        let header = req
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|h| h.to_str().ok());
        let matched = match signature::verify(
            header,
            body,
            &secrets.app_secret,
            secrets.previous_app_secret.as_ref(),
        ) {
            Ok(m) => m,
            Err(e) => return Ok(self.unauthorized(req, e, metrics)),
        };
        let meta = RequestMeta {
            request_id,
            received_at_ms: self.clock.now_ms(),
            source_ip: source_ip(req),
            user_agent: req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|h| h.to_str().ok())
                .map(|s| s.chars().take(256).collect()),
            body_bytes: body.len(),
            signature: matched,
        };
        let intake = match split_for_queue(body, &meta, self.limits.max_queue_message_bytes) {
            Ok(intake) => intake,
            Err(e) => return self.bad_request(body, &meta, e, metrics).await,
        };
        let messages = intake.messages.len();
        if messages > 0 {
            if let Err(e) = self.queue.enqueue(intake.messages).await {
                // No durable copy: Meta must retry, so never 200 here.
                tracing::error!(error = %e, "could not enqueue; asking Meta to retry");
                metrics.count("WebhookRejected", "Reason", "queue_unavailable", 1);
                return json(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
            }
        }
        tracing::info!(body_bytes = meta.body_bytes, changes = intake.changes, queue_messages = messages, signature = ?matched, "webhook accepted");
        metrics.count("WebhookAccepted", "", "", 1);
        metrics.count("ChangesAccepted", "", "", intake.changes as u64);
        json(StatusCode::OK, "ok")
    }

    fn unauthorized(
        &self,
        req: &Request,
        e: SignatureError,
        metrics: &mut Metrics,
    ) -> Response<Body> {
        tracing::warn!(
            reason = e.reason(),
            source_ip = source_ip(req).as_deref().unwrap_or("-"),
            "signature rejected"
        );
        metrics.count("WebhookRejected", "Reason", e.reason(), 1);
        // One body for every signature failure: no hint which part was wrong.
        json(StatusCode::UNAUTHORIZED, "unauthorized").expect("static response")
    }

    async fn bad_request(
        &self,
        body: &[u8],
        meta: &RequestMeta,
        e: EnvelopeError,
        metrics: &mut Metrics,
    ) -> Result<Response<Body>, Error> {
        tracing::warn!(
            reason = e.reason(),
            body_bytes = body.len(),
            "signed payload refused"
        );
        metrics.count("WebhookRejected", "Reason", e.reason(), 1);
        if let Err(qe) = self
            .queue
            .enqueue(vec![rejection::diagnostic_message(body, meta, &e)])
            .await
        {
            tracing::error!(error = %qe, "could not keep a diagnostic record of the refused payload");
        }
        Ok(Response::builder()
            .status(StatusCode::BAD_REQUEST)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::json!({"error": "bad_request", "reason": e.reason()}).to_string(),
            ))?)
    }
}

fn source_ip(req: &Request) -> Option<String> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
        _ => None,
    }
}

fn request_id(req: &Request, clock: &impl Clock) -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx))
            if ctx.request_id.as_deref().is_some_and(|id| !id.is_empty()) =>
        {
            ctx.request_id.clone().unwrap_or_default()
        }
        _ => format!(
            "local-{}-{}",
            clock.now_ms(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ),
    }
}
