//! Webhooks the simulator posts: failed-delivery statuses, retries until
//! 200, injected inbound messages.

use crate::support::*;

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
