//! The `contacts` function: a person's profile, history and data-subject
//! rights (access, export, correction, restriction, consent, erasure), each
//! request audited with the caller's IAM principal and the subject's hash,
//! and the audit trail itself for the privacy officer.

mod audit;
pub mod aws;
mod changes;
pub mod config;
mod erase;
mod media;
mod reads;
mod resources;
pub mod routes;

use lambda_http::http::{header, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{json, Value};
use shared::domain::consent::SuppressionRetention;
use shared::domain::privacy::AuditRecord;
use shared::domain::ContactKey;
use shared::ports::consent::ConsentLedger;
use shared::ports::contacts::{AuditLog, ContactRecords, Eraser, ReceiptStore, SubjectHasher};
use shared::ports::media::{BucketError, MediaBucket};
use shared::ports::{Clock, EventSink, SecretsError, StoreError};
use tracing::Instrument;

use routes::{Route, RouteError};

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Items the API writes (links, consent history) expire like messages.
    pub retention_days: u32,
    pub receipt_days: u32,
    pub audit_days: u32,
    /// Erasure deletes this many items before answering; the rest is
    /// finished by the retention sweep and the receipt stays `pending`.
    pub erase_sync_max_items: usize,
    pub export_page_items: usize,
    /// The table's point-in-time recovery period, stated in receipts.
    pub backup_days: u32,
    /// `EventsArchiveDays` of the bus, stated in receipts (0: no archive).
    pub events_archive_days: u32,
    /// `SuppressionRetentionDays` (default: opt-outs kept until an opt-in).
    pub suppression_retention: SuppressionRetention,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retention_days: 30,
            receipt_days: 30,
            audit_days: 30,
            erase_sync_max_items: 2000,
            export_page_items: 500,
            backup_days: 7,
            events_archive_days: 0,
            suppression_retention: SuppressionRetention::default(),
        }
    }
}

/// One error type for the API boundary; each maps to a status and a JSON body.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("contact not found")]
    NotFound,
    #[error("storage unavailable: {0}")]
    Store(#[from] StoreError),
    #[error("hashing key unavailable: {0}")]
    Secret(#[from] SecretsError),
    #[error("media bucket unavailable: {0}")]
    Bucket(#[from] BucketError),
    /// The contact has this media, but no copy to hand out (yet, or ever).
    #[error("media not stored ({state})")]
    MediaNotStored {
        state: &'static str,
        reason: Option<String>,
    },
}

impl ApiError {
    fn response(&self) -> Response<Body> {
        match self {
            Self::BadRequest(reason) => respond(
                StatusCode::BAD_REQUEST,
                json!({"error": "bad_request", "reason": reason}),
            ),
            Self::NotFound => respond(StatusCode::NOT_FOUND, json!({"error": "not_found"})),
            Self::MediaNotStored { state, reason } => {
                let mut body = json!({"error": "media_not_stored", "state": state});
                if let Some(r) = reason {
                    body["reason"] = json!(r);
                }
                respond(StatusCode::NOT_FOUND, body)
            }
            Self::Store(_) | Self::Secret(_) | Self::Bucket(_) => respond(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": "temporarily_unavailable"}),
            ),
        }
    }
}

pub fn respond(status: StatusCode, body: Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body.to_string()))
        .expect("static response parts")
}

/// Which adapter serves each port: `aws.rs` names the deployed ones, the tests
/// the in-memory fakes or moto's. Types only, resolved at compile time.
pub trait ContactsPorts {
    type Records: ContactRecords;
    type Eraser: Eraser;
    type Receipts: ReceiptStore;
    type Audit: AuditLog;
    type Hasher: SubjectHasher;
    type Clock: Clock;
    type Events: EventSink;
    type Consent: ConsentLedger;
    /// The stack's media bucket: links to a contact's files, their export
    /// and erasure.
    type Media: MediaBucket;
}

/// The handler, generic over the capabilities it uses.
pub struct Contacts<P: ContactsPorts> {
    pub records: P::Records,
    pub eraser: P::Eraser,
    pub receipts: P::Receipts,
    pub audit: P::Audit,
    pub hasher: P::Hasher,
    pub clock: P::Clock,
    pub settings: Settings,
    /// Events for internal systems (hand-off released or taken by an agent).
    pub events: P::Events,
    /// The suppression list and marketing opt-ins (`PUT …/consent`).
    pub consent: P::Consent,
    /// The copies of the files customers sent (issue #15).
    pub media: P::Media,
}

/// Who asked, as API Gateway's IAM authorizer saw it.
pub struct Caller {
    pub principal: String,
    pub request_id: String,
}

fn caller(req: &Request, now_ms: i64) -> Caller {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => {
            let iam = ctx.authorizer.as_ref().and_then(|a| a.iam.as_ref());
            Caller {
                principal: iam
                    .and_then(|i| i.user_arn.clone().or(i.caller_id.clone()))
                    .unwrap_or_else(|| "unauthenticated".into()),
                request_id: ctx
                    .request_id
                    .clone()
                    .unwrap_or_else(|| format!("local-{now_ms}")),
            }
        }
        _ => Caller {
            principal: "unauthenticated".into(),
            request_id: format!("local-{now_ms}"),
        },
    }
}

impl<P: ContactsPorts> Contacts<P> {
    pub async fn handle(&self, req: Request) -> Result<Response<Body>, Error> {
        let (route, contact) = match routes::parse(req.method(), req.uri().path()) {
            Ok(r) => r,
            Err(RouteError::NotFound) => {
                return Ok(respond(
                    StatusCode::NOT_FOUND,
                    json!({"error": "not_found"}),
                ))
            }
            Err(RouteError::BadWaId) => {
                return Ok(respond(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_wa_id"}),
                ))
            }
            Err(RouteError::BadMediaId) => {
                return Ok(respond(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "invalid_media_id"}),
                ))
            }
            Err(RouteError::MethodNotAllowed(allow)) => {
                let mut r = respond(
                    StatusCode::METHOD_NOT_ALLOWED,
                    json!({"error": "method_not_allowed"}),
                );
                r.headers_mut()
                    .insert(header::ALLOW, allow.parse().expect("static header"));
                return Ok(r);
            }
        };
        let who = caller(&req, self.clock.now_ms());
        let span = tracing::info_span!("contacts", action = route.action(), contact = %contact.masked(), request_id = %who.request_id);
        let result = self
            .dispatch(&route, &contact, &req, &who)
            .instrument(span.clone())
            .await;
        Ok(match result {
            Ok(response) => {
                span.in_scope(|| tracing::info!(status = response.status().as_u16(), "answered"));
                response
            }
            Err(e) => {
                span.in_scope(|| tracing::warn!(error = %e, "refused or failed"));
                e.response()
            }
        })
    }

    async fn dispatch(
        &self,
        route: &Route,
        contact: &ContactKey,
        req: &Request,
        who: &Caller,
    ) -> Result<Response<Body>, ApiError> {
        // Audited before the work: an access that happened is never missing
        // from the log (one that then fails is logged too).
        let subject = self.hasher.hash(contact).await?;
        let now_ms = self.clock.now_ms();
        self.audit
            .record(&AuditRecord {
                principal: who.principal.clone(),
                action: route.action().into(),
                detail: None,
                subject_hash: subject.clone(),
                at_ms: now_ms,
                request_id: who.request_id.clone(),
                expires_at: now_ms.div_euclid(1000) + i64::from(self.settings.audit_days) * 86_400,
            })
            .await?;
        match route {
            Route::Profile => self.profile(contact).await,
            Route::Messages => self.messages(contact, req).await,
            Route::Export => self.export(contact, &subject, req).await,
            Route::Media(media_id) => self.media_link(contact, &subject, media_id).await,
            Route::Correct => self.correct(contact, body(req)?).await,
            Route::Link => self.link(contact, body(req)?).await,
            Route::Restriction => self.restrict(contact, body(req)?).await,
            Route::Consent => self.consent(contact, body(req)?, who).await,
            Route::Handoff => self.handoff(contact, body(req)?).await,
            Route::Erase => self.erase(contact, subject, who).await,
            Route::Audit => self.audit_trail(contact, &subject, req, who).await,
        }
    }
}

impl<P: ContactsPorts> Contacts<P> {
    fn now(&self) -> i64 {
        self.clock.now_secs()
    }

    fn expires(&self, days: u32) -> i64 {
        self.now() + i64::from(days) * 86_400
    }
}

fn body(req: &Request) -> Result<Value, ApiError> {
    serde_json::from_slice(req.body().as_ref())
        .map_err(|_| ApiError::BadRequest("the body is not JSON".into()))
}

/// An item as shown to callers: a resource, never the storage layout
/// (see resources.rs).
pub fn public(doc: shared::ports::contacts::Doc) -> Value {
    resources::resource(doc)
}
