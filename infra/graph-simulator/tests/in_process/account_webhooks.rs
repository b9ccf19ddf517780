//! Template and account webhooks sent on demand: signed like every other
//! webhook, shaped like Meta's examples, and changing what Graph answers.

use crate::http::*;
use crate::support::*;

#[tokio::test]
async fn a_pausing_status_update_should_be_signed_and_pause_the_listed_template() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let (status, sent) = control(
        &sim,
        "/account/webhooks",
        json!({
        "field": "message_template_status_update",
        "template": {"name": "order_shipped", "language": "en_US"},
        "value": {"event": "PAUSED", "reason": "LOW_QUALITY"}}),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(
        (sent["applied"].clone(), sent["delivered"].clone()),
        (json!(true), json!(true))
    );

    let hit = &receiver.hits()[0];
    assert!(hit.signature_ok);
    let entry = &hit.body["entry"][0];
    assert_eq!(entry["id"], "102290129340398");
    assert!(entry["time"].is_u64());
    let change = &entry["changes"][0];
    assert_eq!(change["field"], "message_template_status_update");
    assert_eq!(change["value"]["message_template_language"], "en-US");
    assert_eq!(change["value"]["event"], "PAUSED");
    assert_eq!(change["value"]["reason"], "LOW_QUALITY");
    assert!(change["value"]["message_template_id"].is_u64());

    let path =
        "/v24.0/102290129340398/message_templates?name=order_shipped&language=en_US&fields=status";
    let (_, page) = get(&sim, path, Some(TOKEN)).await;
    assert_eq!(page["data"][0]["status"], "PAUSED");
}

#[tokio::test]
async fn every_template_and_account_field_should_be_posted_under_its_name() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let template = json!({"name": "spring_sale", "language": "en_US"});
    let events = [
        json!({"field": "message_template_status_update", "template": template, "value": {"event": "APPROVED"}}),
        json!({"field": "template_category_update", "template": template, "value": {"new_category": "UTILITY"}}),
        json!({"field": "message_template_quality_update", "template": template, "value": {"new_quality_score": "YELLOW"}}),
        json!({"field": "message_template_components_update", "template": template,
               "components": [{"type": "BODY", "text": "New text {{1}}"}]}),
        json!({"field": "phone_number_quality_update", "value": {"event": "DOWNGRADE", "current_limit": "TIER_250"}}),
        json!({"field": "phone_number_name_update"}),
        json!({"field": "account_update", "value": {"event": "ACCOUNT_RESTRICTION"}}),
        json!({"field": "account_alerts"}),
        json!({"field": "account_review_update"}),
        json!({"field": "business_capability_update"}),
        json!({"field": "security"}),
    ];
    for event in &events {
        let (status, sent) = control(&sim, "/account/webhooks", event.clone()).await;
        assert_eq!(
            (status, sent["delivered"].clone()),
            (200, json!(true)),
            "{event}"
        );
    }
    let hits = receiver.wait_for(events.len()).await;
    for (hit, event) in hits.iter().zip(&events) {
        assert!(hit.signature_ok);
        assert_eq!(hit.body["object"], "whatsapp_business_account");
        assert_eq!(hit.body["entry"][0]["changes"][0]["field"], event["field"]);
    }
    let value = |n: usize| hits[n].body["entry"][0]["changes"][0]["value"].clone();
    assert_eq!(value(3)["message_template_element"], "New text {{1}}");
    assert_eq!(value(4)["display_phone_number"], "15550783881");

    let path = "/v24.0/102290129340398/message_templates?name=spring_sale&fields=category,quality_score,components";
    let (_, page) = get(&sim, path, Some(TOKEN)).await;
    let listed = &page["data"][0];
    assert_eq!(listed["category"], "UTILITY");
    assert_eq!(listed["quality_score"]["score"], "YELLOW");
    assert_eq!(listed["components"][0]["text"], "New text {{1}}");
    let fields = format!("/v24.0/{PHONE_NUMBER_ID}?fields=messaging_limit_tier");
    assert_eq!(
        get(&sim, &fields, Some(TOKEN)).await.1["messaging_limit_tier"],
        "TIER_250"
    );
}

#[tokio::test]
async fn account_webhooks_should_be_refused_without_a_url_or_a_needed_value() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let event = json!({"field": "security"});
    assert_eq!(control(&sim, "/account/webhooks", event).await.0, 409);
    sim.set_webhook_url(Some("http://127.0.0.1:9/webhook".into()))
        .unwrap();
    let no_event = json!({"field": "message_template_status_update",
                          "template": {"name": "order_shipped"}});
    assert_eq!(control(&sim, "/account/webhooks", no_event).await.0, 400);
    let unknown_key = json!({"field": "security", "colour": "red"});
    assert_eq!(control(&sim, "/account/webhooks", unknown_key).await.0, 400);
}

#[tokio::test]
async fn a_send_of_a_template_paused_by_webhook_should_answer_132015() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let template = json!({"messaging_product": "whatsapp", "to": "16505551234", "type": "template",
        "template": {"name": "order_shipped", "language": {"code": "en_US"}}});
    assert_eq!(send(&sim, TOKEN, template.clone()).await.0, 200);
    control(
        &sim,
        "/account/webhooks",
        json!({"field": "message_template_status_update",
        "template": {"name": "order_shipped"}, "value": {"event": "PAUSED"}}),
    )
    .await;
    let (status, refused) = send(&sim, TOKEN, template.clone()).await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (400, json!(132015))
    );
    let (status, _) = send(
        &sim,
        TOKEN,
        json!({"messaging_product": "whatsapp", "to": "16505551234",
        "type": "template", "template": {"name": "order_shipped", "language": {"code": "es"}}}),
    )
    .await;
    assert_eq!(status, 200);
}
