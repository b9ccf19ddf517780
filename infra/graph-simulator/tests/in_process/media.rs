//! Media by id, as Meta serves it: the description, the download URL that
//! needs the token and lives 5 minutes, ids that expire, deletion, faults,
//! and media in injected customer messages.

use crate::http::*;
use crate::support::*;

const PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0 a photo of a broken umbrella \xFF\xD9";

#[tokio::test]
async fn a_seeded_file_should_be_described_like_meta_and_download_with_the_token() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let seeded = seed(&sim, "mime_type=image/jpeg", PHOTO.to_vec()).await;
    let id = seeded["id"].as_str().unwrap();
    // The webhook's digest is base64, Graph's is hex, of the same bytes.
    assert_eq!(seeded["sha256_hex"], json!(sha256_hex(PHOTO)));
    assert_eq!(seeded["sha256"].as_str().unwrap().len(), 44);

    let (status, media) = get(
        &sim,
        &format!("/v24.0/{id}?phone_number_id={PHONE_NUMBER_ID}"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = media.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "file_size",
            "id",
            "messaging_product",
            "mime_type",
            "sha256",
            "url"
        ]
    );
    assert_eq!(media["messaging_product"], "whatsapp");
    assert_eq!(media["mime_type"], "image/jpeg");
    assert_eq!(media["sha256"], json!(sha256_hex(PHOTO)));
    assert_eq!(media["file_size"], json!(PHOTO.len()));
    assert_eq!(media["id"], json!(id));
    let url = media["url"].as_str().unwrap();
    assert!(
        url.contains("/whatsapp_business/attachments/?mid="),
        "{url}"
    );

    let (status, bytes, content_type) = download(url, Some(TOKEN)).await;
    assert_eq!((status, content_type.as_str()), (200, "image/jpeg"));
    assert_eq!(bytes, PHOTO);
}

#[tokio::test]
async fn a_download_without_the_right_token_should_answer_401_with_code_190() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let id = seed(&sim, "mime_type=image/png", PHOTO.to_vec()).await["id"].clone();
    let (_, media) = get(
        &sim,
        &format!("/v24.0/{}", id.as_str().unwrap()),
        Some(TOKEN),
    )
    .await;
    let url = media["url"].as_str().unwrap();
    for token in [None, Some("wrong-token")] {
        let (status, body, _) = download(url, token).await;
        assert_eq!(status, 401, "{token:?}");
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["error"]["code"], 190);
    }
}

#[tokio::test]
async fn a_download_url_should_stop_working_after_5_minutes_and_a_new_one_should_work() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let id = seed(&sim, "mime_type=application/pdf", PHOTO.to_vec()).await["id"].clone();
    let path = format!("/v24.0/{}", id.as_str().unwrap());
    let (_, media) = get(&sim, &path, Some(TOKEN)).await;
    let old_url = media["url"].as_str().unwrap().to_string();

    control(&sim, "/clock", json!({"advance_seconds": 290})).await;
    assert_eq!(download(&old_url, Some(TOKEN)).await.0, 200);
    // Past 300 s even if a real second went by meanwhile.
    control(&sim, "/clock", json!({"advance_seconds": 11})).await;
    assert_eq!(download(&old_url, Some(TOKEN)).await.0, 404);

    let (_, media) = get(&sim, &path, Some(TOKEN)).await;
    assert_ne!(media["url"].as_str().unwrap(), old_url);
    assert_eq!(
        download(media["url"].as_str().unwrap(), Some(TOKEN))
            .await
            .1,
        PHOTO
    );
}

#[tokio::test]
async fn webhook_ids_should_expire_after_7_days_and_upload_ids_after_30() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let customer = seed(&sim, "mime_type=image/jpeg", PHOTO.to_vec()).await["id"].clone();
    let uploaded =
        seed(&sim, "mime_type=image/jpeg&origin=upload", PHOTO.to_vec()).await["id"].clone();
    let path = |id: &Value| format!("/v24.0/{}", id.as_str().unwrap());

    control(
        &sim,
        "/clock",
        json!({"advance_seconds": 7 * 24 * 3600 - 60}),
    )
    .await;
    assert_eq!(get(&sim, &path(&customer), Some(TOKEN)).await.0, 200);
    control(&sim, "/clock", json!({"advance_seconds": 60})).await;
    let (status, gone) = get(&sim, &path(&customer), Some(TOKEN)).await;
    assert_eq!((status, gone["error"]["code"].clone()), (400, json!(100)));
    assert_eq!(gone["error"]["error_subcode"], 33);
    assert_eq!(get(&sim, &path(&uploaded), Some(TOKEN)).await.0, 200);

    control(&sim, "/clock", json!({"advance_seconds": 23 * 24 * 3600})).await;
    assert_eq!(get(&sim, &path(&uploaded), Some(TOKEN)).await.0, 400);
}

#[tokio::test]
async fn unknown_ids_other_numbers_files_and_bad_tokens_should_get_metas_errors() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, unknown) = get(&sim, "/v24.0/1234567890123456", Some(TOKEN)).await;
    assert_eq!(status, 400);
    assert_eq!(unknown["error"]["type"], "GraphMethodException");
    assert_eq!(
        (
            unknown["error"]["code"].clone(),
            unknown["error"]["error_subcode"].clone()
        ),
        (json!(100), json!(33))
    );
    assert!(unknown["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Unsupported get request. Object with ID '1234567890123456'"));

    let id = seed(&sim, "mime_type=image/jpeg", PHOTO.to_vec()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = get(
        &sim,
        &format!("/v24.0/{id}?phone_number_id=999"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, 400);
    let (status, refused) = get(&sim, &format!("/v24.0/{id}"), None).await;
    assert_eq!(
        (status, refused["error"]["code"].clone()),
        (401, json!(190))
    );
    let (status, refused) = get(&sim, &format!("/v24.0/{id}"), Some("wrong")).await;
    assert_eq!(
        (status, refused["error"]["error_subcode"].clone()),
        (401, json!(463))
    );
}

#[tokio::test]
async fn a_deleted_file_should_answer_success_then_100_33() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let id = seed(&sim, "mime_type=image/jpeg", PHOTO.to_vec()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, media) = get(&sim, &format!("/v24.0/{id}"), Some(TOKEN)).await;
    assert_eq!(
        delete(&sim, &format!("/v24.0/{id}")).await,
        (200, json!({"success": true}))
    );
    let (status, again) = delete(&sim, &format!("/v24.0/{id}")).await;
    assert_eq!(
        (status, again["error"]["error_subcode"].clone()),
        (400, json!(33))
    );
    assert_eq!(get(&sim, &format!("/v24.0/{id}"), Some(TOKEN)).await.0, 400);
    assert_eq!(
        download(media["url"].as_str().unwrap(), Some(TOKEN))
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn media_faults_should_break_the_file_the_way_each_names() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            seed(&sim, "mime_type=image/jpeg", PHOTO.to_vec()).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let faults = json!({"faults": {"media": {
        &ids[0]: "not_found", &ids[1]: "download_404", &ids[2]: "download_500",
        &ids[3]: "corrupt", &ids[4]: "truncated"}}});
    sim.apply_patch(&faults).unwrap();

    assert_eq!(
        get(&sim, &format!("/v24.0/{}", ids[0]), Some(TOKEN))
            .await
            .0,
        400
    );
    let mut served = Vec::new();
    for id in &ids[1..] {
        let (status, media) = get(&sim, &format!("/v24.0/{id}"), Some(TOKEN)).await;
        assert_eq!(status, 200);
        assert_eq!(media["sha256"], json!(sha256_hex(PHOTO)));
        served.push(download(media["url"].as_str().unwrap(), Some(TOKEN)).await);
    }
    assert_eq!(served[0].0, 404);
    assert_eq!(served[1].0, 500);
    let (status, corrupt, _) = &served[2];
    assert_eq!((*status, corrupt.len()), (200, PHOTO.len()));
    assert_ne!(sha256_hex(corrupt), sha256_hex(PHOTO));
    assert_eq!(served[3].1.len(), PHOTO.len() / 2);
}

#[tokio::test]
async fn an_injected_image_without_an_id_should_carry_a_file_the_simulator_serves() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let request: InboundRequest = serde_json::from_value(json!({
        "from": "16505551234", "type": "image", "image": {"caption": "broken", "url": true}}))
    .unwrap();
    let result = sim.inject_inbound(request).await.unwrap();
    assert!(result.delivered);
    let image = &receiver.hits()[0].body["entry"][0]["changes"][0]["value"]["messages"][0]["image"];
    assert_eq!(image["mime_type"], "image/jpeg");
    assert_eq!(image["caption"], "broken");
    let (_, bytes, _) = download(image["url"].as_str().unwrap(), Some(TOKEN)).await;
    use base64::Engine as _;
    let digest = base64::engine::general_purpose::STANDARD
        .decode(image["sha256"].as_str().unwrap())
        .unwrap();
    assert_eq!(hex::encode(digest), sha256_hex(&bytes));
    let (status, media) = get(
        &sim,
        &format!("/v24.0/{}", image["id"].as_str().unwrap()),
        Some(TOKEN),
    )
    .await;
    assert_eq!(
        (status, media["file_size"].clone()),
        (200, json!(bytes.len()))
    );
}

#[tokio::test]
async fn an_injected_document_naming_a_seeded_id_should_get_its_type_digest_and_filename() {
    let receiver = start_receiver("sim-app-secret", 0).await;
    let sim = spawn(fast_config(Some(receiver.url.clone())))
        .await
        .unwrap();
    let seeded = seed(
        &sim,
        "mime_type=application/pdf",
        b"%PDF-1.4 receipt".to_vec(),
    )
    .await;
    let request: InboundRequest = serde_json::from_value(json!({
        "from": "16505551234", "type": "document", "document": {"id": seeded["id"]}}))
    .unwrap();
    sim.inject_inbound(request).await.unwrap();
    let document =
        &receiver.hits()[0].body["entry"][0]["changes"][0]["value"]["messages"][0]["document"];
    assert_eq!(document["mime_type"], "application/pdf");
    assert_eq!(document["sha256"], seeded["sha256"]);
    assert!(document["filename"].as_str().unwrap().ends_with(".pdf"));
    assert!(document.get("url").is_none());
}
