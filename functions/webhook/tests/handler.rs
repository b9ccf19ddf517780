//! The webhook handler against in-memory fakes: answers and what is queued.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use lambda_http::http::{self, StatusCode};
use lambda_http::{Body, Request, RequestExt};
use shared::adapters::memory::MemoryQueue;
use shared::ports::SystemClock;
use shared::secrets::{StaticSecrets, WhatsAppSecrets};
use shared::signature::sign;
use webhook::{Limits, Webhook};

const TEXT: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.A1","timestamp":"1764000000","type":"text","text":{"body":"hi"}}]}}]}]}"#;

fn webhook(previous: Option<&str>) -> Webhook<StaticSecrets, MemoryQueue, SystemClock> {
    let json = serde_json::json!({
        "app_secret": "current-secret",
        "previous_app_secret": previous,
        "verify_token": "the-token",
    });
    Webhook {
        secrets: StaticSecrets(Arc::new(WhatsAppSecrets::parse(&json.to_string()).unwrap())),
        queue: MemoryQueue::default(),
        clock: SystemClock,
        limits: Limits::default(),
    }
}

fn post(body: &[u8], signature: Option<String>) -> Request {
    let mut b = http::Request::builder().method("POST").uri("/webhook");
    if let Some(sig) = signature {
        b = b.header("X-Hub-Signature-256", sig);
    }
    b.body(Body::from(body.to_vec())).unwrap()
}

fn get(query: &str) -> Request {
    let req = http::Request::builder()
        .method("GET")
        .uri(format!("/webhook?{query}"))
        .body(Body::Empty)
        .unwrap();
    let params: std::collections::HashMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    req.with_query_string_parameters(params)
}

fn body_text(r: &lambda_http::Response<Body>) -> String {
    String::from_utf8_lossy(r.body().as_ref()).into_owned()
}

#[tokio::test]
async fn when_verify_token_matches_should_answer_the_challenge() {
    let w = webhook(None);
    let r = w
        .handle(get(
            "hub.mode=subscribe&hub.verify_token=the-token&hub.challenge=1158201444",
        ))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(body_text(&r), "1158201444");
    assert_eq!(r.headers()["content-type"], "text/plain");
}

#[tokio::test]
async fn when_verify_token_is_wrong_or_missing_should_answer_403() {
    let w = webhook(None);
    for q in [
        "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
        "hub.mode=subscribe&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=the-token&hub.challenge=1",
    ] {
        let r = w.handle(get(q)).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{q}");
        assert!(!body_text(&r).contains('1'));
    }
}

#[tokio::test]
async fn when_signature_is_valid_should_queue_the_payload_then_answer_200() {
    let w = webhook(None);
    let r = w
        .handle(post(TEXT, Some(sign("current-secret", TEXT))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sent = w.queue.sent();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains(r#""id":"wamid.A1""#),
        "the raw change travels as received"
    );
}

#[tokio::test]
async fn when_signature_is_missing_or_wrong_should_reject_with_401_and_queue_nothing() {
    let w = webhook(None);
    let missing = w.handle(post(TEXT, None)).await.unwrap();
    let wrong = w
        .handle(post(TEXT, Some(sign("other-secret", TEXT))))
        .await
        .unwrap();
    let garbage = w
        .handle(post(TEXT, Some("sha256=xyz".into())))
        .await
        .unwrap();
    for r in [&missing, &wrong, &garbage] {
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            body_text(r),
            r#"{"error":"unauthorized"}"#,
            "one generic body for every signature failure"
        );
    }
    assert!(w.queue.sent().is_empty());
}

#[tokio::test]
async fn when_signed_with_the_previous_secret_during_rotation_should_accept() {
    let w = webhook(Some("old-secret"));
    let r = w
        .handle(post(TEXT, Some(sign("old-secret", TEXT))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(w.queue.sent()[0].contains(r#""signature":"previous""#));
}

#[tokio::test]
async fn when_body_exceeds_the_limit_should_answer_413_before_checking_anything_else() {
    let mut w = webhook(None);
    w.limits.max_body_bytes = 100;
    let r = w
        .handle(post(TEXT, Some(sign("current-secret", TEXT))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(w.queue.sent().is_empty());
}

#[tokio::test]
async fn when_the_queue_refuses_should_answer_503_so_meta_retries() {
    let w = webhook(None);
    w.queue.refuse.store(true, Ordering::SeqCst);
    let r = w
        .handle(post(TEXT, Some(sign("current-secret", TEXT))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn when_signed_body_is_not_json_should_answer_400_and_keep_a_diagnostic() {
    let w = webhook(None);
    let body = b"this is not json";
    let r = w
        .handle(post(body, Some(sign("current-secret", body))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        body_text(&r),
        r#"{"error":"bad_request","reason":"not_json"}"#
    );
    let sent = w.queue.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains(r#""field":"_rejected""#));
}

#[tokio::test]
async fn when_object_is_not_a_whatsapp_account_should_answer_400() {
    let w = webhook(None);
    let body = br#"{"object":"page","entry":[]}"#;
    let r = w
        .handle(post(body, Some(sign("current-secret", body))))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(body_text(&r).contains("wrong_object"));
}

#[tokio::test]
async fn when_method_is_not_get_or_post_should_answer_405() {
    let w = webhook(None);
    let req = http::Request::builder()
        .method("PUT")
        .uri("/webhook")
        .body(Body::Empty)
        .unwrap();
    let r = w.handle(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["allow"], "GET, POST");
}
