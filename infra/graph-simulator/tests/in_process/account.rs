//! What Graph answers about the account: templates (paged), debug_token,
//! subscribed_apps and a number's health fields, each settable for tests.

use crate::http::*;
use crate::support::*;

const WABA: &str = "102290129340398";

fn templates_path(query: &str) -> String {
    format!("/v24.0/{WABA}/message_templates?{query}")
}

#[tokio::test]
async fn the_shipped_templates_should_be_listed_with_the_fields_asked() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let fields = "name,language,status,category,components,parameter_format,quality_score";
    let (status, page) = get(
        &sim,
        &templates_path(&format!("fields={fields}&limit=100")),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, 200);
    let data = page["data"].as_array().unwrap();
    let shipped = data
        .iter()
        .find(|t| t["name"] == "order_shipped" && t["language"] == "en_US")
        .unwrap();
    assert_eq!(shipped["status"], "APPROVED");
    assert_eq!(shipped["category"], "UTILITY");
    assert_eq!(shipped["parameter_format"], "POSITIONAL");
    assert_eq!(shipped["quality_score"]["score"], "GREEN");
    assert!(shipped["id"].is_string());
    assert!(data
        .iter()
        .any(|t| t["name"] == "spring_sale" && t["category"] == "MARKETING"));
    assert!(page["paging"].get("next").is_none());
    assert!(page["paging"]["cursors"]["after"].is_string());

    let (_, paused) = get(
        &sim,
        &templates_path("status=PAUSED&fields=name,status"),
        Some(TOKEN),
    )
    .await;
    assert!(paused["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["status"] == "PAUSED"));
    assert_eq!(paused["data"][0].as_object().unwrap().len(), 3);
}

#[tokio::test]
async fn two_hundred_fifty_templates_should_sync_over_three_pages_by_following_next() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, seeded) = control(
        &sim,
        "/templates",
        json!({"replace": true, "generate": {"count": 250}}),
    )
    .await;
    assert_eq!((status, seeded["count"].clone()), (200, json!(250)));
    let mut url = format!(
        "{}{}",
        sim.base_url(),
        templates_path("fields=name,status&limit=100")
    );
    let (mut names, mut pages) = (Vec::new(), 0);
    loop {
        let (status, page) = answer(
            reqwest::Client::new()
                .get(&url)
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        pages += 1;
        names.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["name"].as_str().unwrap().to_string()),
        );
        match page["paging"]["next"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), 250);
    names.dedup();
    assert_eq!(names.len(), 250);
}

#[tokio::test]
async fn template_requests_with_bad_input_should_get_metas_errors() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, unknown) = get(&sim, "/v24.0/999/message_templates", Some(TOKEN)).await;
    assert_eq!(
        (status, unknown["error"]["error_subcode"].clone()),
        (400, json!(33))
    );
    let (status, field) = get(&sim, &templates_path("fields=name,colour"), Some(TOKEN)).await;
    assert_eq!((status, field["error"]["code"].clone()), (400, json!(100)));
    let (status, _) = get(&sim, &templates_path("after=not-a-cursor"), Some(TOKEN)).await;
    assert_eq!(status, 400);
    let (status, refused) = get(&sim, &templates_path(""), None).await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (401, json!(190))
    );
}

#[tokio::test]
async fn debug_token_should_describe_the_token_to_the_app_and_follow_its_settings() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let app = "access_token=1091827364554637%7Csim-app-secret";
    let path = format!("/v24.0/debug_token?input_token={TOKEN}&{app}");
    let (status, answer) = get(&sim, &path, None).await;
    assert_eq!(status, 200);
    let data = &answer["data"];
    assert_eq!(
        (data["is_valid"].clone(), data["expires_at"].clone()),
        (json!(true), json!(0))
    );
    assert_eq!(data["app_id"], "1091827364554637");
    assert_eq!(
        data["scopes"],
        json!([
            "whatsapp_business_messaging",
            "whatsapp_business_management"
        ])
    );
    assert_eq!(data["granular_scopes"][0]["target_ids"], json!([WABA]));
    for key in ["type", "application", "data_access_expires_at"] {
        assert!(data.get(key).is_some(), "{key}");
    }

    control(
        &sim,
        "/account/token",
        json!({"expires_in_seconds": 3600, "scopes": ["whatsapp_business_messaging"]}),
    )
    .await;
    let (_, answer) = get(&sim, &path, None).await;
    assert_eq!(
        answer["data"]["scopes"],
        json!(["whatsapp_business_messaging"])
    );
    let expires_at = answer["data"]["expires_at"].as_u64().unwrap();
    assert!(expires_at > 0);
    control(&sim, "/clock", json!({"now": expires_at})).await;
    let (_, answer) = get(&sim, &path, None).await;
    assert_eq!(answer["data"]["is_valid"], false);
    assert_eq!(answer["data"]["error"]["code"], 190);
    // An expired token is refused everywhere else too.
    let (status, refused) = get(&sim, &templates_path(""), Some(TOKEN)).await;
    assert_eq!(
        (status, refused["error"]["error_subcode"].clone()),
        (401, json!(463))
    );
}

#[tokio::test]
async fn debug_token_with_a_wrong_app_secret_or_no_input_token_should_be_refused() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, wrong) = get(
        &sim,
        &format!("/v24.0/debug_token?input_token={TOKEN}&access_token=1091827364554637%7Cnope"),
        None,
    )
    .await;
    assert_eq!((status, wrong["error"]["code"].clone()), (401, json!(190)));
    let (status, missing) = get(
        &sim,
        "/v24.0/debug_token?access_token=1091827364554637%7Csim-app-secret",
        None,
    )
    .await;
    assert_eq!(
        (status, missing["error"]["message"].clone()),
        (400, json!("(#100) The parameter input_token is required."))
    );
    let (status, other) = get(&sim, "/v24.0/debug_token?input_token=someone-else&access_token=1091827364554637%7Csim-app-secret", None).await;
    assert_eq!(
        (status, other["data"]["is_valid"].clone()),
        (200, json!(false))
    );
}

#[tokio::test]
async fn subscribed_apps_should_list_the_app_until_it_is_unsubscribed() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let path = format!("/v24.0/{WABA}/subscribed_apps");
    let (status, apps) = get(&sim, &path, Some(TOKEN)).await;
    assert_eq!(status, 200);
    assert_eq!(
        apps["data"][0]["whatsapp_business_api_data"]["id"],
        "1091827364554637"
    );
    control(
        &sim,
        "/account/subscribed_apps",
        json!({"subscribed": false}),
    )
    .await;
    assert_eq!(get(&sim, &path, Some(TOKEN)).await.1, json!({"data": []}));
    let subscribe = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth(TOKEN);
    assert_eq!(
        answer(subscribe.send().await.unwrap()).await,
        (200, json!({"success": true}))
    );
    assert_eq!(
        get(&sim, &path, Some(TOKEN)).await.1["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_numbers_fields_should_be_answered_as_set_per_number() {
    let receiver_url = "http://127.0.0.1:9/webhook".to_string();
    let sim = spawn(fast_config(Some(receiver_url.clone())))
        .await
        .unwrap();
    let fields = "fields=throughput,quality_rating,name_status,status,verified_name,display_phone_number,messaging_limit_tier,webhook_configuration";
    let (status, number) = get(
        &sim,
        &format!("/v24.0/{PHONE_NUMBER_ID}?{fields}"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        number,
        json!({"throughput": {"level": "STANDARD"}, "quality_rating": "GREEN",
        "name_status": "APPROVED", "status": "CONNECTED", "verified_name": "John's Umbrella Mart",
        "display_phone_number": "+1 555-078-3881", "messaging_limit_tier": "TIER_2K",
        "webhook_configuration": {"application": receiver_url}, "id": PHONE_NUMBER_ID})
    );

    let (status, _) = control(
        &sim,
        "/account/phone_numbers/106540352242999",
        json!({"throughput_level": "HIGH", "quality_rating": "YELLOW"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, second) = get(
        &sim,
        "/v24.0/106540352242999?fields=throughput,quality_rating",
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        second,
        json!({"throughput": {"level": "HIGH"}, "quality_rating": "YELLOW", "id": "106540352242999"})
    );
    let (_, first) = get(
        &sim,
        &format!("/v24.0/{PHONE_NUMBER_ID}?fields=throughput"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(first["throughput"]["level"], "STANDARD");

    let (status, bad) = get(
        &sim,
        &format!("/v24.0/{PHONE_NUMBER_ID}?fields=colour"),
        Some(TOKEN),
    )
    .await;
    assert_eq!((status, bad["error"]["code"].clone()), (400, json!(100)));
    let (status, _) = control(&sim, "/account/phone_numbers/1", json!({"colour": "red"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unknown_control_paths_and_other_methods_should_keep_their_answers() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, body) = get(&sim, "/_sim/nothing", None).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"error": "no simulator endpoint GET /_sim/nothing"})
        )
    );
    let post = reqwest::Client::new().post(format!("{}/v24.0/123", sim.base_url()));
    let (status, body) = answer(post.send().await.unwrap()).await;
    assert_eq!((status, body["error"]["code"].clone()), (400, json!(2500)));
}
