//! The simulator started in-process on a random port, driven over HTTP the
//! way the connector and the integration tests use it.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use graph_simulator::{
    spawn, InboundRequest, RunningSimulator, SimulatorConfig, StatusDelays, Undeliverable,
};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const PHONE_NUMBER_ID: &str = "106540352242922";
const WAIT: Duration = Duration::from_secs(10);

/// A webhook endpoint that checks signatures itself (independently of the
/// simulator's own signing code) and can fail its first N requests.
struct Receiver {
    url: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

#[derive(Clone, Debug)]
struct Hit {
    body: Value,
    signature_ok: bool,
    answered: u16,
}

#[derive(Clone)]
struct ReceiverState {
    secret: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    fail_first: Arc<AtomicU32>,
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.secret.as_bytes()).unwrap();
    mac.update(&body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let signature_ok = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        == Some(expected.as_str());
    let failing = state
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if failing { 500 } else { 200 };
    state.hits.lock().unwrap().push(Hit {
        body: serde_json::from_slice(&body).unwrap(),
        signature_ok,
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

async fn start_receiver(secret: &str, fail_first: u32) -> Receiver {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let state = ReceiverState {
        secret: secret.to_string(),
        hits: hits.clone(),
        fail_first: Arc::new(AtomicU32::new(fail_first)),
    };
    let app = Router::new()
        .route("/webhook", post(receive))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver { url, hits }
}

impl Receiver {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize) -> Vec<Hit> {
        let deadline = Instant::now() + WAIT;
        loop {
            let hits = self.hits();
            if hits.len() >= n || Instant::now() > deadline {
                return hits;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn statuses(hits: &[Hit]) -> Vec<(String, String)> {
    hits.iter()
        .filter(|h| h.answered == 200)
        .filter_map(|h| {
            h.body["entry"][0]["changes"][0]["value"]["statuses"][0]
                .as_object()
                .cloned()
        })
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fast_config(webhook_url: Option<String>) -> SimulatorConfig {
    let mut config = SimulatorConfig::default();
    config.behaviour.webhook_url = webhook_url;
    config.behaviour.webhooks.status_delays_ms = StatusDelays::all(0);
    config.behaviour.webhooks.retry_backoff_ms = 10;
    config
}

async fn send(sim: &RunningSimulator, token: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(sim.messages_url(PHONE_NUMBER_ID))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn text_to(to: &str, body: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
           "type": "text", "text": {"preview_url": false, "body": body}})
}

#[tokio::test]
async fn text_message_should_be_accepted_recorded_and_followed_by_signed_sent_delivered_read() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();

    let (status, answer) = send(
        &sim,
        "sim-access-token",
        text_to("+1 650-555-1234", "Hello ☂"),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(answer["messaging_product"], "whatsapp");
    assert_eq!(
        answer["contacts"],
        json!([{"input": "+1 650-555-1234", "wa_id": "16505551234"}])
    );
    let wamid = answer["messages"][0]["id"].as_str().unwrap().to_string();
    assert!(wamid.starts_with("wamid."));
    assert!(answer["messages"][0].get("message_status").is_none());

    let recorded = sim.requests();
    assert_eq!(recorded.len(), 1);
    let request = &recorded[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v24.0/{PHONE_NUMBER_ID}/messages"));
    assert_eq!(request.headers["authorization"], "Bearer <redacted>");
    assert_eq!(request.body.as_ref().unwrap()["text"]["body"], "Hello ☂");
    assert_eq!(request.response.status, 200);
    assert_eq!(request.response.wamid.as_deref(), Some(wamid.as_str()));

    let hits = receiver.wait_for(3).await;
    assert!(
        hits.iter().all(|h| h.signature_ok),
        "bad signature in {hits:?}"
    );
    assert_eq!(
        statuses(&hits),
        vec![
            (wamid.clone(), "sent".to_string()),
            (wamid.clone(), "delivered".to_string()),
            (wamid.clone(), "read".to_string()),
        ]
    );
    let sent = &hits[0].body;
    assert_eq!(sent["object"], "whatsapp_business_account");
    assert_eq!(sent["entry"][0]["id"], "102290129340398");
    let value = &sent["entry"][0]["changes"][0]["value"];
    assert_eq!(sent["entry"][0]["changes"][0]["field"], "messages");
    assert_eq!(value["metadata"]["phone_number_id"], PHONE_NUMBER_ID);
    let status = &value["statuses"][0];
    assert_eq!(status["recipient_id"], "16505551234");
    assert!(status["timestamp"].is_string());
    assert_eq!(status["pricing"]["pricing_model"], "PMP");
    assert_eq!(status["pricing"]["category"], "service");
    assert!(
        hits[2].body["entry"][0]["changes"][0]["value"]["statuses"][0]
            .get("pricing")
            .is_none()
    );
    assert_eq!(sim.stats().by_code["success"], 1);
}

#[tokio::test]
async fn when_token_is_wrong_should_answer_190() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, answer) = send(&sim, "not-the-token", text_to("15551234567", "hi")).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"]["code"], 190);
    assert_eq!(answer["error"]["error_subcode"], 463);
    assert_eq!(answer["error"]["type"], "OAuthException");
    assert!(answer["error"]["fbtrace_id"].is_string());
    assert_eq!(
        sim.requests()[0].headers["authorization"],
        "Bearer <redacted>"
    );
    assert_eq!(sim.stats().by_code["190"], 1);
}

#[tokio::test]
async fn when_phone_number_id_is_unknown_should_answer_100_subcode_33() {
    let mut config = fast_config(None);
    config.behaviour.phone_number_ids = vec!["999".into()];
    let sim = spawn(config).await.unwrap();
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "hi")).await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["type"], "GraphMethodException");
    assert_eq!(answer["error"]["code"], 100);
    assert_eq!(answer["error"]["error_subcode"], 33);
}

#[tokio::test]
async fn template_send_should_answer_message_status_accepted() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let body = json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "template",
                      "template": {"name": "hello_world", "language": {"code": "en_US"}}});
    let (status, answer) = send(&sim, "sim-access-token", body).await;
    assert_eq!(status, 200);
    assert_eq!(answer["messages"][0]["message_status"], "accepted");
}

#[tokio::test]
async fn when_throughput_is_exceeded_should_answer_130429() {
    let mut config = fast_config(None);
    config.behaviour.rate_limits.throughput.mps = 2;
    let sim = spawn(config).await.unwrap();
    for n in 0..2 {
        let (status, _) = send(
            &sim,
            "sim-access-token",
            text_to(&format!("1555000000{n}"), "x"),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, answer) = send(&sim, "sim-access-token", text_to("15550000009", "x")).await;
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], 130429);
    assert_eq!(answer["error"]["message"], "(#130429) Rate limit hit");
    assert_eq!(
        answer["error"]["error_data"]["messaging_product"],
        "whatsapp"
    );
}

#[tokio::test]
async fn when_pair_rate_is_exceeded_should_answer_131056_for_that_recipient_only() {
    let mut config = fast_config(None);
    config.behaviour.rate_limits.pair.burst = 2;
    let sim = spawn(config).await.unwrap();
    for _ in 0..2 {
        assert_eq!(
            send(&sim, "sim-access-token", text_to("15551110000", "x"))
                .await
                .0,
            200
        );
    }
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551110000", "x")).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (400, json!(131056))
    );
    assert_eq!(
        send(&sim, "sim-access-token", text_to("15552220000", "x"))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn forced_errors_should_answer_the_next_requests_then_recover() {
    let sim = spawn(fast_config(None)).await.unwrap();
    sim.force_next(131000, 1);
    sim.force_next(2, 1);
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (500, json!(131000))
    );
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!((status, answer["error"]["code"].clone()), (503, json!(2)));
    assert_eq!(answer["error"]["is_transient"], true);
    assert_eq!(
        send(&sim, "sim-access-token", text_to("15551234567", "x"))
            .await
            .0,
        200
    );
    assert_eq!(sim.requests()[0].response.cause, "forced");
}

#[tokio::test]
async fn window_closed_recipient_should_get_131047_except_for_templates() {
    let mut config = fast_config(None);
    config.behaviour.recipients.window_closed = vec!["+1 555 123 4567".into()];
    let sim = spawn(config).await.unwrap();
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (400, json!(131047))
    );
    let template = json!({"messaging_product": "whatsapp", "to": "15551234567", "type": "template",
                          "template": {"name": "t", "language": {"code": "en"}}});
    assert_eq!(send(&sim, "sim-access-token", template).await.0, 200);
}

#[tokio::test]
async fn recipient_not_on_whatsapp_should_fail_sync_or_by_status_webhook() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let mut config = fast_config(Some(receiver.url.clone()));
    config.behaviour.recipients.not_on_whatsapp = vec!["15550000001".into()];
    let sim = spawn(config).await.unwrap();

    let (status, answer) = send(&sim, "sim-access-token", text_to("15550000001", "x")).await;
    assert_eq!(status, 200);
    let wamid = answer["messages"][0]["id"].as_str().unwrap().to_string();
    let hits = receiver.wait_for(1).await;
    let failed = &hits[0].body["entry"][0]["changes"][0]["value"]["statuses"][0];
    assert_eq!(failed["id"], json!(wamid));
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["errors"][0]["code"], 131026);
    assert!(hits[0].signature_ok);

    sim.update(|b| b.recipients.undeliverable = Undeliverable::Sync)
        .unwrap();
    let (status, answer) = send(&sim, "sim-access-token", text_to("15550000001", "x")).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (400, json!(131026))
    );
}

#[tokio::test]
async fn webhook_answered_with_500_should_be_retried_until_200() {
    let receiver = start_receiver("sim-app-secret", 2).await;
    let mut config = fast_config(Some(receiver.url.clone()));
    config.behaviour.webhooks.final_status = graph_simulator::FinalStatus::Sent;
    let sim = spawn(config).await.unwrap();
    assert_eq!(
        send(&sim, "sim-access-token", text_to("15551234567", "x"))
            .await
            .0,
        200
    );
    let hooks = sim
        .wait_for_webhooks(WAIT, |hooks| hooks.iter().any(|h| h.delivered))
        .await
        .expect("webhook delivered");
    let attempts: Vec<Option<u16>> = hooks[0].attempts.iter().map(|a| a.http_status).collect();
    assert_eq!(attempts, vec![Some(500), Some(500), Some(200)]);
    assert_eq!(receiver.hits().len(), 3);
}

#[tokio::test]
async fn injected_inbound_message_should_arrive_signed_with_a_fresh_wamid() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let result = sim
        .inject_inbound(InboundRequest {
            name: Some("Alice".into()),
            ..InboundRequest::text("+15551234567", "hello")
        })
        .await
        .unwrap();
    assert!(result.delivered);
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].signature_ok);
    let value = &hits[0].body["entry"][0]["changes"][0]["value"];
    assert_eq!(value["contacts"][0]["profile"]["name"], "Alice");
    assert_eq!(value["messages"][0]["id"], json!(result.wamid));
    assert_eq!(value["messages"][0]["from"], "15551234567");
    assert_eq!(value["messages"][0]["text"]["body"], "hello");

    // Marking the inbound message read works; marking our own send does not.
    let read = json!({"messaging_product": "whatsapp", "status": "read", "message_id": result.wamid,
                      "typing_indicator": {"type": "text"}});
    let (status, answer) = send(&sim, "sim-access-token", read).await;
    assert_eq!((status, answer), (200, json!({"success": true})));
}

#[tokio::test]
async fn control_endpoints_should_change_config_and_report_stats_over_http() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let client = reqwest::Client::new();
    let base = sim.base_url();
    let patched: Value = client
        .post(format!("{base}/_sim/config"))
        .json(&json!({"faults": {"force_next": [{"code": 131016, "count": 1}]}, "seed": 7}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["faults"]["force_next"][0]["code"], 131016);
    let refused = client
        .post(format!("{base}/_sim/config"))
        .json(&json!({"faults": {"server_error_rate": 3.0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);

    let (status, _) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(status, 500);
    send(&sim, "sim-access-token", text_to("15551234567", "x")).await;

    let stats: Value = client
        .get(format!("{base}/_sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["by_code"], json!({"131016": 1, "success": 1}));
    let recorded: Value = client
        .get(format!("{base}/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(recorded.as_array().unwrap().len(), 2);
    let cleared = client
        .delete(format!("{base}/_sim/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn timeout_fault_should_hold_the_request_before_answering() {
    let mut config = fast_config(None);
    config.behaviour.faults.timeout_rate = 1.0;
    config.behaviour.faults.timeout_ms = 300;
    let sim = spawn(config).await.unwrap();
    let started = Instant::now();
    let (status, _) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(sim.requests()[0].response.held_ms, Some(300));
}

#[tokio::test]
async fn same_seed_should_inject_the_same_faults() {
    async fn run() -> Vec<u16> {
        let mut config = fast_config(None);
        config.seed = 1234;
        config.behaviour.faults.server_error_rate = 0.5;
        let sim = spawn(config).await.unwrap();
        let mut statuses = Vec::new();
        for n in 0..12 {
            statuses.push(
                send(
                    &sim,
                    "sim-access-token",
                    text_to(&format!("155500000{n:02}"), "x"),
                )
                .await
                .0,
            );
        }
        statuses
    }
    let first = run().await;
    assert_eq!(first, run().await);
    assert!(
        first.contains(&200) && first.iter().any(|s| *s >= 500),
        "{first:?}"
    );
}
