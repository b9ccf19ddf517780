//! Rows of the bad-input matrix (docs/reliability.md) that no other test
//! covers. Each test checks the answer and that nothing partial was written.

use integration_tests::{
    api_gateway_request, contacts_request, of_type, parts, s, ApiRequest, World, APP_SECRET,
};
use serde_json::{json, Value};
use shared::signature::sign;

const WHATSAPP: &str = r#"{"object":"whatsapp_business_account","entry":"#;

/// A signed body the webhook must refuse with 400 `reason`: the only thing
/// kept is one diagnostic record of the refusal, and nothing reaches the DLQ.
async fn refused_with_only_a_diagnostic_kept(body: &[u8], reason: &str) {
    let world = World::new().await;
    // Base64, as API Gateway hands over a body that is not valid text.
    let request = api_gateway_request(ApiRequest {
        headers: vec![("X-Hub-Signature-256", sign(APP_SECRET, body))],
        body,
        base64: true,
        ..ApiRequest::default()
    });
    let response = world
        .webhook()
        .handle(request)
        .await
        .expect("the handler answers");
    assert_eq!(response.status(), 400);
    let answer: Value = serde_json::from_slice(response.body().as_ref()).expect("JSON answer");
    assert_eq!(answer, json!({"error": "bad_request", "reason": reason}));
    world.drain(&world.processor()).await;
    let items = world.items().await;
    assert_eq!(items.len(), 1, "only the diagnostic: {items:?}");
    assert_eq!(s(&items[0], "type"), Some("diagnostic"));
    assert_eq!(s(&items[0], "kind"), Some("rejected"));
    assert_eq!(world.queue_depth(&world.dlq_url).await, 0);
}

#[tokio::test]
async fn a_wrong_method_or_verify_token_is_refused_and_writes_nothing() {
    let world = World::new().await;
    let webhook = world.webhook();
    for (method, query, expected) in [
        ("PUT", "", 405),
        ("DELETE", "", 405),
        (
            "GET",
            "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=7",
            403,
        ),
        ("GET", "hub.mode=subscribe&hub.challenge=7", 403),
    ] {
        let request = api_gateway_request(ApiRequest {
            method,
            query,
            body: b"{}",
            ..ApiRequest::default()
        });
        let response = webhook.handle(request).await.expect("the handler answers");
        assert_eq!(response.status(), expected, "{method} {query}");
    }
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn a_signed_body_that_is_not_utf8_is_refused_with_400_not_utf8() {
    let mut body = br#"{"object":"whatsapp_business_account","entry":[]}"#.to_vec();
    body.insert(2, 0xff);
    refused_with_only_a_diagnostic_kept(&body, "not_utf8").await;
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_refused_with_400_wrong_shape() {
    refused_with_only_a_diagnostic_kept(format!("{WHATSAPP}\"nope\"}}").as_bytes(), "wrong_shape")
        .await;
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn json_nested_10000_deep_instead_of_the_envelope_is_a_clean_400() {
    refused_with_only_a_diagnostic_kept(nested(10_000).as_bytes(), "wrong_shape").await;
}

#[tokio::test]
async fn json_nested_10000_deep_in_an_unknown_field_is_skipped_without_a_crash() {
    // serde_json skips an unknown field without recursing, so depth cannot
    // exhaust the stack; the envelope has no change, so nothing is queued.
    let world = World::new().await;
    let body = format!(r#"{WHATSAPP}[],"x":{}}}"#, nested(10_000));
    let response = world.post_signed(&world.webhook(), body.as_bytes()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(world.queue_depth(&world.inbound_url).await, 0);
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn json_nested_10000_deep_inside_a_change_value_is_kept_as_a_diagnostic() {
    // The webhook does not parse change values (it answers Meta fast); the
    // processor does, hits the recursion limit and keeps a diagnostic.
    let world = World::new().await;
    let body = format!(
        r#"{WHATSAPP}[{{"id":"1","changes":[{{"field":"messages","value":{{"messages":{}}}}}]}}]}}"#,
        nested(10_000)
    );
    let response = world.post_signed(&world.webhook(), body.as_bytes()).await;
    assert_eq!(response.status(), 200);
    let drained = world.drain(&world.processor()).await;
    assert_eq!(drained.failed, 0, "nothing to retry: {drained:?}");
    let kinds: Vec<_> = world
        .items()
        .await
        .iter()
        .map(|i| s(i, "type").map(str::to_owned))
        .collect();
    assert_eq!(kinds, [Some("diagnostic".to_owned())]);
    assert_eq!(world.queue_depth(&world.dlq_url).await, 0);
}

#[tokio::test]
async fn a_change_over_250_kib_with_nothing_to_cut_it_by_is_kept_as_an_oversized_diagnostic() {
    // No update array and no contacts: it cannot be sliced, and whole it
    // does not fit a queue message. It used to vanish without a trace.
    let world = World::new().await;
    let blob = "y".repeat(300 * 1024);
    let body = format!(
        r#"{WHATSAPP}[{{"id":"1","changes":[{{"field":"account_update","value":{{"event":"X","blob":"{blob}"}}}}]}}]}}"#
    );
    let response = world.post_signed(&world.webhook(), body.as_bytes()).await;
    assert_eq!(response.status(), 200);
    let drained = world.drain(&world.processor()).await;
    assert_eq!(drained.failed, 0, "nothing to retry: {drained:?}");
    let items = world.items().await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(s(&items[0], "type"), Some("diagnostic"));
    assert_eq!(s(&items[0], "kind"), Some("oversized"));
    let content: serde_json::Value =
        serde_json::from_str(s(&items[0], "content").expect("content")).expect("JSON");
    let stand_in = &content["jum_oversized"];
    assert_eq!(
        stand_in["bytes"],
        blob.len() + r#"{"event":"X","blob":""}"#.len()
    );
    assert_eq!(stand_in["keys"], serde_json::json!(["blob", "event"]));
    assert_eq!(stand_in["head"].as_str().map(str::len), Some(16 * 1024));
    assert_eq!(world.queue_depth(&world.dlq_url).await, 0);
}

#[tokio::test]
async fn a_huge_array_of_empty_entries_is_accepted_and_stores_nothing() {
    let world = World::new().await;
    let entries = vec![r#"{"id":"1","changes":[]}"#; 100_000].join(",");
    let body = format!("{WHATSAPP}[{entries}]}}");
    assert!(body.len() > 2_000_000);
    let response = world.post_signed(&world.webhook(), body.as_bytes()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        world.queue_depth(&world.inbound_url).await,
        0,
        "no change, nothing queued"
    );
    assert!(world.items().await.is_empty());
}

#[tokio::test]
async fn a_change_too_large_for_the_queue_that_is_a_huge_array_of_non_messages_is_a_400() {
    // A change over 250 KiB is cut between its messages; numbers are not
    // messages, so there is nothing to cut it by.
    let junk = vec!["1"; 200_000].join(",");
    let body = format!(
        r#"{WHATSAPP}[{{"id":"1","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","messages":[{junk}]}}}}]}}]}}"#
    );
    refused_with_only_a_diagnostic_kept(body.as_bytes(), "wrong_shape").await;
}

#[tokio::test]
async fn invalid_outbound_commands_are_rejected_with_a_reason_and_never_sent() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let text = |key: Value, to: &str, body: &str| {
        json!({"idempotency_key": key, "to": to, "message": {"type": "text", "text": {"body": body}}})
            .to_string()
    };
    let cases = [
        (
            text(json!("bad-number"), "+1 650 CALL NOW", "hi"),
            "invalid_phone_number",
        ),
        (text(Value::Null, "16505551234", "hi"), "missing_field"),
        (
            text(json!("too-long"), "16505551234", &"x".repeat(4097)),
            "text_too_long",
        ),
        (
            json!({"idempotency_key": "odd-part", "to": "16505551234", "category": "utility",
                "message": {"type": "template", "template": {"name": "order_shipped",
                "language": {"code": "en_US"}, "components": [{"type": "footnote"}]}}})
            .to_string(),
            "unknown_template_component",
        ),
        (
            json!({"idempotency_key": "sms", "to": "16505551234", "message": {"type": "sms"}})
                .to_string(),
            "unknown_message_type",
        ),
        ("[]".to_owned(), "invalid_json"),
    ];
    for (body, _) in &cases {
        world.enqueue_command(body).await;
    }
    let drained = world.drain_outbound(&sender).await;
    assert_eq!(drained.failed, 0, "an invalid command is never retried");
    assert!(sim
        .requests()
        .iter()
        .all(|r| !r.path.ends_with("/messages")));
    assert!(
        world.items().await.is_empty(),
        "no ledger entry, no message"
    );
    let events = world.events().await;
    let mut reasons: Vec<&str> = of_type(&events, "message.rejected")
        .iter()
        .filter_map(|e| e["data"]["reason"].as_str())
        .collect();
    reasons.sort_unstable();
    let mut expected: Vec<&str> = cases.iter().map(|(_, r)| *r).collect();
    expected.sort_unstable();
    assert_eq!(reasons, expected);
    assert_eq!(world.queue_depth(&world.outbound_dlq_url).await, 0);
}

#[tokio::test]
async fn malformed_contacts_api_input_is_a_400_that_changes_nothing() {
    let world = World::new().await;
    let contacts = world.contacts();
    for (method, path, body) in [
        (
            "PATCH",
            "/contacts/16505551234",
            Some(json!("not an object")),
        ),
        (
            "PATCH",
            "/contacts/16505551234",
            Some(json!({"profile_name": 42})),
        ),
        (
            "PUT",
            "/contacts/16505551234/consent",
            Some(json!({"state": "maybe"})),
        ),
        ("PUT", "/contacts/16505551234/restriction", Some(json!([]))),
        (
            "POST",
            "/contacts/16505551234/links",
            Some(json!({"links": "x"})),
        ),
        ("GET", "/contacts/%00", None),
    ] {
        let (status, answer) = parts(
            contacts
                .handle(contacts_request(method, path, body))
                .await
                .expect("the handler answers"),
        );
        assert_eq!(status, 400, "{method} {path}: {answer}");
        assert!(answer["error"].is_string());
    }
    let written: Vec<_> = world
        .items()
        .await
        .into_iter()
        .filter(|i| s(i, "type") != Some("audit"))
        .collect();
    assert!(written.is_empty(), "nothing but audit records: {written:?}");
}
