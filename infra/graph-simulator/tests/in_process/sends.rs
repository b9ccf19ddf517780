//! Sends: what the simulator answers, as Meta does (success, 190, 100/33,
//! throughput, pair rate, the 24-hour window).

use crate::support::*;

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
async fn a_number_whose_throughput_level_is_high_should_get_the_high_limit() {
    let mut config = fast_config(None);
    config.behaviour.rate_limits.throughput.mps = 2;
    config.behaviour.rate_limits.throughput.high_mps = 5;
    let sim = spawn(config).await.unwrap();
    let (status, _) = crate::http::control(
        &sim,
        "/account/phone_numbers/106540352242922",
        json!({"throughput_level": "HIGH"}),
    )
    .await;
    assert_eq!(status, 200);
    for n in 0..5 {
        let (status, answer) = send(
            &sim,
            "sim-access-token",
            text_to(&format!("1555000000{n}"), "x"),
        )
        .await;
        assert_eq!(status, 200, "send {n}: {answer}");
    }
    let (_, answer) = send(&sim, "sim-access-token", text_to("15550000009", "x")).await;
    assert_eq!(answer["error"]["code"], 130429);
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
