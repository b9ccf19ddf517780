//! A loopback HTTP proxy between the functions' AWS SDK clients and moto
//! that injects faults at a seeded rate: a 500, a throttling error in the
//! service's own error shape, added latency, or a dropped connection, either
//! before forwarding (AWS never saw the request) or after (AWS did the work
//! but the answer was lost).
//!
//! DynamoDB write requests are forwarded one at a time. Real DynamoDB makes
//! each conditional write atomic per item; moto checks the condition and
//! writes in two steps, so two concurrent writes to one item can both pass
//! their condition. Serialising writes keeps the test double as atomic as
//! the real service, so the run measures the connector's races, not moto's.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use graph_simulator::faults::Rng;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use tokio::net::TcpListener;

use super::refuse;

/// The kinds of fault, in the order the RNG picks among them.
pub const FAULT_KINDS: [&str; 6] = [
    "server_error_500",
    "throttling",
    "latency",
    "dropped_before_forwarding",
    "dropped_after_forwarding",
    "latency_long",
];

/// Index of "dropped_after_forwarding" in [`FAULT_KINDS`].
const DROPPED_AFTER: usize = 4;

#[derive(Debug, Default)]
pub struct FaultCounts {
    pub requests: AtomicUsize,
    pub by_kind: [AtomicUsize; FAULT_KINDS.len()],
}

/// A connection dropped on purpose: returning it from the service makes
/// hyper close the connection without an answer.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by the fault proxy")]
struct Dropped;

struct Proxy {
    upstream: String,
    rate: f64,
    rng: Mutex<Rng>,
    client: reqwest::Client,
    dynamo_writes: tokio::sync::Mutex<()>,
    counts: Arc<FaultCounts>,
    scripted: Arc<Mutex<Vec<Scripted>>>,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

/// `PutEvents` entries a test has the bus refuse: those whose detail
/// contains `marker`, in the next `times` requests that hold one.
struct Refusal {
    marker: String,
    times: usize,
}

/// A fault a test asks for: the next request to `operation` whose body
/// contains `body_contains` is forwarded and its answer dropped.
struct Scripted {
    operation: String,
    body_contains: String,
}

pub struct RunningProxy {
    pub url: String,
    pub counts: Arc<FaultCounts>,
    scripted: Arc<Mutex<Vec<Scripted>>>,
    refusals: Arc<Mutex<Vec<Refusal>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningProxy {
    /// Loses the answer of the next `operation` (e.g. `DynamoDB_20120810.UpdateItem`)
    /// whose body contains `body_contains`, after AWS has done it.
    pub fn lose_answer_once(&self, operation: &str, body_contains: &str) {
        self.scripted.lock().expect("script").push(Scripted {
            operation: operation.into(),
            body_contains: body_contains.into(),
        });
    }

    /// Has the bus refuse (`FailedEntryCount`) the `PutEvents` entries whose
    /// detail contains `marker`, in the next `times` requests holding one;
    /// the request's other entries are put.
    pub fn refuse_events(&self, marker: &str, times: usize) {
        self.refusals.lock().expect("refusals").push(Refusal {
            marker: marker.into(),
            times,
        });
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the proxy on a free loopback port, forwarding to `upstream`.
pub async fn start(upstream: &str, rate: f64, seed: u64) -> RunningProxy {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind fault proxy");
    let addr: SocketAddr = listener.local_addr().expect("proxy address");
    let counts = Arc::new(FaultCounts::default());
    let scripted: Arc<Mutex<Vec<Scripted>>> = Arc::default();
    let refusals: Arc<Mutex<Vec<Refusal>>> = Arc::default();
    let proxy = Arc::new(Proxy {
        scripted: Arc::clone(&scripted),
        refusals: Arc::clone(&refusals),
        upstream: upstream.trim_end_matches('/').to_owned(),
        rate,
        rng: Mutex::new(Rng::new(seed)),
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("proxy client"),
        dynamo_writes: tokio::sync::Mutex::new(()),
        counts: Arc::clone(&counts),
    });
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let proxy = Arc::clone(&proxy);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let proxy = Arc::clone(&proxy);
                    async move { proxy.handle(req).await }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    RunningProxy {
        url: format!("http://{addr}"),
        counts,
        scripted,
        refusals,
        task,
    }
}

impl Proxy {
    fn draw(&self) -> Option<usize> {
        let mut rng = self.rng.lock().expect("rng lock");
        (rng.next_f64() < self.rate).then(|| rng.below(FAULT_KINDS.len()))
    }

    async fn handle(
        &self,
        req: Request<hyper::body::Incoming>,
    ) -> Result<Response<Full<Bytes>>, Dropped> {
        self.counts.requests.fetch_add(1, Ordering::Relaxed);
        let target = req
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let fault = self.draw();
        if let Some(kind) = fault {
            self.counts.by_kind[kind].fetch_add(1, Ordering::Relaxed);
        }
        match fault.map(|k| FAULT_KINDS[k]) {
            Some("server_error_500") => return Ok(server_error()),
            Some("throttling") => {
                let nth = self.counts.by_kind[1].load(Ordering::Relaxed);
                return Ok(throttled(&target, nth.is_multiple_of(2)));
            }
            Some("dropped_before_forwarding") => return Err(Dropped),
            Some("latency") => tokio::time::sleep(Duration::from_millis(150)).await,
            Some("latency_long") => tokio::time::sleep(Duration::from_millis(1500)).await,
            _ => {}
        }
        let (parts, body) = req.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if let Some(split) = self.refusal(&target, &body) {
            return Ok(self.refusing(parts, split).await);
        }
        let lose_answer = fault == Some(DROPPED_AFTER) || self.take_scripted(&target, &body);
        let answer = if is_dynamo_write(&target) {
            let _one_at_a_time = self.dynamo_writes.lock().await;
            self.forward(parts, body).await
        } else {
            self.forward(parts, body).await
        };
        if lose_answer {
            return Err(Dropped);
        }
        Ok(answer)
    }

    /// The split of a `PutEvents` request with an entry a test refuses.
    fn refusal(&self, target: &str, body: &[u8]) -> Option<refuse::Split> {
        if target != refuse::PUT_EVENTS {
            return None;
        }
        let mut refusals = self.refusals.lock().expect("refusals");
        let (i, split) = refusals
            .iter()
            .enumerate()
            .find_map(|(i, r)| refuse::split(body, &r.marker).map(|s| (i, s)))?;
        refusals[i].times -= 1;
        if refusals[i].times == 0 {
            refusals.remove(i);
        }
        Some(split)
    }

    /// Puts the entries not refused, answers with the refused ones failed.
    async fn refusing(
        &self,
        parts: hyper::http::request::Parts,
        split: refuse::Split,
    ) -> Response<Full<Bytes>> {
        let answer = match &split.forward {
            Some(body) => {
                let answer = self.forward(parts, Bytes::from(body.clone())).await;
                if !answer.status().is_success() {
                    return answer;
                }
                Some(
                    answer
                        .into_body()
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default(),
                )
            }
            None => None,
        };
        let body = refuse::merge(answer.as_deref(), &split);
        Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.1")
            .body(Full::new(Bytes::from(body)))
            .expect("a valid response")
    }

    fn take_scripted(&self, target: &str, body: &[u8]) -> bool {
        let mut script = self.scripted.lock().expect("script");
        let text = String::from_utf8_lossy(body);
        let hit = script
            .iter()
            .position(|s| s.operation == target && text.contains(&s.body_contains));
        hit.map(|i| script.remove(i)).is_some()
    }

    async fn forward(
        &self,
        parts: hyper::http::request::Parts,
        body: Bytes,
    ) -> Response<Full<Bytes>> {
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut upstream = self
            .client
            .request(parts.method.clone(), format!("{}{path}", self.upstream))
            .body(body);
        for (name, value) in &parts.headers {
            if name != hyper::header::HOST && name != hyper::header::CONTENT_LENGTH {
                upstream = upstream.header(name, value);
            }
        }
        let Ok(answer) = upstream.send().await else {
            return server_error();
        };
        let mut out = Response::builder().status(answer.status());
        for (name, value) in answer.headers() {
            if name != hyper::header::TRANSFER_ENCODING
                && name != hyper::header::CONNECTION
                && name != hyper::header::CONTENT_LENGTH
            {
                out = out.header(name, value);
            }
        }
        let bytes = answer.bytes().await.unwrap_or_default();
        out.body(Full::new(bytes)).expect("a valid response")
    }
}

fn is_dynamo_write(target: &str) -> bool {
    target.strip_prefix("DynamoDB_20120810.").is_some_and(|op| {
        matches!(
            op,
            "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems"
        )
    })
}

fn json_error(status: u16, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

fn server_error() -> Response<Full<Bytes>> {
    json_error(
        500,
        r#"{"__type":"InternalFailure","message":"injected by the chaos proxy"}"#.into(),
    )
}

/// Each service's own throttling error: DynamoDB's two, SQS's
/// `RequestThrottled` (with the query-compatible header the SDK reads),
/// Secrets Manager's `ThrottlingException`. DynamoDB's alternate.
fn throttled(target: &str, provisioned: bool) -> Response<Full<Bytes>> {
    let (kind, message) = if target.starts_with("DynamoDB") {
        if provisioned {
            (
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.",
            )
        } else {
            (
                "com.amazonaws.dynamodb.v20120810#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.",
            )
        }
    } else if target.starts_with("AmazonSQS") {
        (
            "com.amazonaws.sqs#RequestThrottled",
            "Request is throttled.",
        )
    } else {
        ("ThrottlingException", "Rate exceeded")
    };
    let mut response = json_error(
        400,
        serde_json::json!({"__type": kind, "message": message}).to_string(),
    );
    if target.starts_with("AmazonSQS") {
        response.headers_mut().insert(
            "x-amzn-query-error",
            hyper::header::HeaderValue::from_static("RequestThrottled;Sender"),
        );
    }
    response
}
