//! `jum webhook` and `jum events peek`: the built binary against a world's
//! real webhook handler, served over HTTP as `make dev` serves it, and the
//! world's events queue in moto. Needs `JUM_TEST_ENDPOINT_URL`: run through
//! `make test`.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use common::{command, deployed_stack, jum, moto, ran, Ran};
use integration_tests::{api_gateway_request, fixture, of_type, ApiRequest, World};
use serde_json::Value;

const TEXT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/webhooks/text.json"
);
/// Where nothing listens: the webhook subcommands must not need moto.
const NOWHERE: &str = "http://127.0.0.1:9";

/// What the served webhook received: each request's content type and user agent.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// The world's webhook handler on a free loopback port, at /webhook, as
/// cargo lambda watch serves the function locally: GET and POST, the query
/// and the signature handed over as API Gateway hands them (the values these
/// tests send need no percent-decoding), its status and body answered.
/// Served by the runtime's workers: the tests using it are multi-threaded,
/// since running `jum` blocks the test's own thread.
async fn serve(world: &World) -> (String, Seen) {
    let webhook = Arc::new(world.webhook());
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/webhook",
        axum::routing::any(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let webhook = Arc::clone(&webhook);
                let record = Arc::clone(&record);
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    record
                        .lock()
                        .unwrap()
                        .push((header("content-type"), header("user-agent")));
                    let req = api_gateway_request(ApiRequest {
                        method: method.as_str(),
                        query: uri.query().unwrap_or_default(),
                        headers: vec![("X-Hub-Signature-256", header("x-hub-signature-256"))],
                        body: &body,
                        base64: false,
                    });
                    let answer = webhook.handle(req).await.expect("the handler answers");
                    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
                    (status, answer.body().as_ref().to_vec())
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/webhook"), seen)
}

/// `jum ARGS` with none of the operator's webhook settings in the
/// environment, and no AWS to reach: the local webhook needs none.
fn jum_webhook(target: &[&str], args: &[&str]) -> Ran {
    ran(command()
        .args(target)
        .args(args)
        .env_remove("JUM_APP_SECRET")
        .env_remove("JUM_VERIFY_TOKEN")
        .env_remove("JUM_WEBHOOK_URL")
        .env_remove("JUM_SIMULATOR_URL"))
}

fn local(args: &[&str]) -> Ran {
    jum_webhook(&["--endpoint-url", NOWHERE], args)
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_signs_a_fixture_as_meta_does_and_it_is_stored_once_though_delivered_twice() {
    let world = World::new().await;
    let (url, seen) = serve(&world).await;
    let ran = local(&[
        "webhook", "send", TEXT, "--url", &url, "--twice", "--expect", "200", "--json",
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let answers = json_lines(&ran.stdout);
    assert_eq!(answers.len(), 2, "{}", ran.stdout);
    assert_eq!(
        (answers[0]["again"].clone(), answers[1]["again"].clone()),
        (false.into(), true.into())
    );
    assert!(answers.iter().all(|a| a["status"] == 200), "{}", ran.stdout);
    for (content_type, agent) in seen.lock().unwrap().iter() {
        assert_eq!(content_type, "application/json");
        assert_eq!(agent, "facebookexternalua");
    }

    let drained = world.drain(&world.processor()).await;
    assert_eq!((drained.delivered, drained.failed), (2, 0));
    let wamid = integration_tests::ids_in(&fixture("text.json"), "messages")[0]
        .0
        .clone();
    let events = world.events().await;
    let received: Vec<_> = of_type(&events, "message.received")
        .into_iter()
        .filter(|e| e["data"]["wamid"] == wamid.as_str())
        .collect();
    assert_eq!(received.len(), 1, "stored once: {events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_signature_gets_401_and_a_refused_expectation_exits_4() {
    let world = World::new().await;
    let (url, _) = serve(&world).await;
    let shown = local(&["webhook", "send", TEXT, "--url", &url, "--bad-signature"]);
    assert_eq!(
        shown.code, 0,
        "no --expect: every answer is shown, none refused: {}",
        shown.stderr
    );
    assert!(shown.stdout.contains(": 401 "), "{}", shown.stdout);
    let refused = local(&[
        "webhook",
        "send",
        TEXT,
        "--url",
        &url,
        "--bad-signature",
        "--expect",
        "200",
    ]);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("expected 200"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        world.queue_depth(&world.inbound_url).await,
        0,
        "nothing queued"
    );

    let missing = local(&["webhook", "send", "no-such-file.json", "--url", &url]);
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    let down = local(&["webhook", "send", TEXT, "--url", NOWHERE]);
    assert_eq!(down.code, 5, "{}", down.stderr);
    assert!(down.stderr.contains("hint: "), "{}", down.stderr);
    assert_eq!(local(&["webhook", "send"]).code, 2, "a FILE is required");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_echoes_the_challenge_and_a_wrong_token_exits_4() {
    let world = World::new().await;
    let (url, _) = serve(&world).await;
    let ok = local(&[
        "webhook",
        "verify",
        "--url",
        &url,
        "--challenge",
        "1158201444",
    ]);
    assert_eq!(ok.code, 0, "{}\n{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("verify: 200 1158201444"),
        "{}",
        ok.stdout
    );
    assert!(ok.stdout.contains("challenge echoed"), "{}", ok.stdout);
    let scripted = local(&["webhook", "verify", "--url", &url, "--json"]);
    assert_eq!(scripted.code, 0, "{}", scripted.stderr);
    assert_eq!(json_lines(&scripted.stdout)[0]["challenge_echoed"], true);

    let wrong = local(&[
        "webhook",
        "verify",
        "--url",
        &url,
        "--verify-token",
        "not-the-token",
    ]);
    assert_eq!(wrong.code, 4, "{}\n{}", wrong.stdout, wrong.stderr);
    assert!(wrong.stdout.contains("verify: 403"), "{}", wrong.stdout);
    assert!(wrong.stdout.contains("NOT echoed"), "{}", wrong.stdout);
}

/// `--stack NAME`: the webhook is the stack's `WebhookUrl` output, and the
/// app secret is the operator's to give (never the local default).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployed_stacks_webhook_is_its_output_and_needs_its_secret() {
    let world = World::new().await;
    let (url, _) = serve(&world).await;
    let name = deployed_stack(&world, "deployed", &[("WebhookUrl", &url)]).await;
    let deployed = ["--stack", name.as_str(), "--endpoint-url", &moto()];
    let unsigned = jum_webhook(&deployed, &["webhook", "send", TEXT]);
    assert_eq!(unsigned.code, 2, "a usage error: {}", unsigned.stderr);
    assert!(unsigned.stderr.contains("--secret"), "{}", unsigned.stderr);
    assert!(
        !unsigned.stderr.contains("dev-app-secret"),
        "{}",
        unsigned.stderr
    );

    let sent = jum_webhook(
        &deployed,
        &[
            "webhook",
            "send",
            TEXT,
            "--secret",
            "dev-app-secret",
            "--expect",
            "200",
        ],
    );
    assert_eq!(sent.code, 0, "{}\n{}", sent.stdout, sent.stderr);
    assert!(!sent.stdout.contains("dev-app-secret"), "{}", sent.stdout);
    assert_eq!(world.queue_depth(&world.inbound_url).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_image_seeds_the_simulator_and_the_media_function_copies_it() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let (url, _) = serve(&world).await;
    let base = sim.base_url();
    let ran = local(&[
        "webhook",
        "sample-image",
        "--simulator",
        &base,
        "--url",
        &url,
        "--expect",
        "200",
        "--json",
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let lines = json_lines(&ran.stdout);
    let media_id = lines[0]["seeded_media"]
        .as_str()
        .expect("the seeded id")
        .to_owned();
    assert_eq!(lines[1]["status"], 200, "{}", ran.stdout);

    world.drain(&world.processor()).await;
    let drained = world.drain_media(&world.media_function(&sim)).await;
    assert_eq!((drained.delivered, drained.failed), (1, 0));
    let events = world.events().await;
    let stored = of_type(&events, "media.stored");
    assert_eq!(stored.len(), 1, "{events:?}");
    assert_eq!(stored[0]["data"]["media_id"], media_id.as_str());
    assert_eq!(stored[0]["data"]["bytes"], 2048);
}

#[tokio::test]
async fn events_peek_prints_masked_numbers_and_leaves_every_event_on_the_queue() {
    let world = World::new().await;
    for (id, kind) in [
        ("peek-1", "message.received"),
        ("peek-2", "contact.opted_out"),
    ] {
        let event = serde_json::json!({
            "event_id": id, "type": kind, "occurred_at": "2026-12-03T09:00:00Z",
            "phone_number_id": "106540352242922", "wa_id": "16505551299", "data": {}
        });
        world
            .sqs
            .send_message()
            .queue_url(&world.events_url)
            .message_body(event.to_string())
            .send()
            .await
            .expect("on the events queue");
    }
    let all = jum(&world, &["events", "peek"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(
        all.stdout.contains("peek-1") && all.stdout.contains("peek-2"),
        "{}",
        all.stdout
    );
    assert!(all.stdout.contains("+165•••299"), "masked: {}", all.stdout);
    assert!(
        !all.stdout.contains("16505551299"),
        "masked: {}",
        all.stdout
    );
    assert!(all.stderr.contains("all left there"), "{}", all.stderr);

    let contacts = jum(&world, &["events", "peek", "--type", "contact.*", "--json"]);
    assert_eq!(contacts.code, 0, "{}", contacts.stderr);
    let lines = json_lines(&contacts.stdout);
    assert_eq!(lines.len(), 1, "{}", contacts.stdout);
    assert_eq!(lines[0]["event_id"], "peek-2");
    let one = jum(&world, &["events", "peek", "--max", "1", "--json"]);
    assert_eq!(json_lines(&one.stdout).len(), 1, "{}", one.stdout);

    // Still there and visible at once: a consumer takes both now.
    assert_eq!(world.events().await.len(), 2, "the queue kept both");
}
