//! `POST /{phone_number_id}/media`: a multipart upload checked as Meta
//! does (parameters, types, size limits per type), then served by its id.

use crate::http::*;
use crate::support::*;

const MB: usize = 1024 * 1024;

#[tokio::test]
async fn an_upload_should_answer_an_id_that_serves_the_same_bytes() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let png = b"\x89PNG\r\n\x1a\n a leaflet \r\n--not-a-boundary".to_vec();
    // Meta's own example gives the type on the file part only.
    let (status, answer) = upload_file(&sim, Some("image/png"), &png).await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id"]);
    let id = answer["id"].as_str().unwrap();
    let (_, media) = get(
        &sim,
        &format!("/v24.0/{id}?phone_number_id={PHONE_NUMBER_ID}"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(media["mime_type"], "image/png");
    assert_eq!(media["sha256"], json!(sha256_hex(&png)));
    assert_eq!(
        download(media["url"].as_str().unwrap(), Some(TOKEN))
            .await
            .1,
        png
    );
    // Recorded: the upload (a summary, never the bytes), the GET, the download.
    let recorded = sim.requests();
    let upload_body = recorded[0].body.as_ref().unwrap();
    assert_eq!(upload_body["file"]["bytes"], json!(png.len()));
    assert_eq!(recorded[1].path, format!("/v24.0/{id}"));
    assert_eq!(recorded[2].path, "/whatsapp_business/attachments/");
    assert_eq!(recorded[2].response.body["bytes"], json!(png.len()));
}

#[tokio::test]
async fn the_type_field_should_stand_in_for_a_part_without_a_type() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, answer) = upload(
        &sim,
        PHONE_NUMBER_ID,
        &[
            field("messaging_product", "whatsapp"),
            field("type", "application/pdf"),
            file(None, b"%PDF-1.4"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (_, media) = media_of(&sim, &answer).await;
    assert_eq!(media["mime_type"], "application/pdf");
}

#[tokio::test]
async fn missing_parameters_should_be_named_as_meta_names_them() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let cases: [(&[Part<'_>], &str); 4] = [
        (
            &[file(Some("image/png"), b"x")],
            "(#100) The parameter messaging_product is required.",
        ),
        (
            &[field("messaging_product", "whatsapp")],
            "(#100) The parameter file is required.",
        ),
        (
            &[field("messaging_product", "whatsapp"), file(None, b"x")],
            "(#100) The parameter type is required.",
        ),
        (
            &[
                field("messaging_product", "sms"),
                file(Some("image/png"), b"x"),
            ],
            "(#100) Invalid parameter",
        ),
    ];
    for (parts, message) in cases {
        let (status, answer) = upload(&sim, PHONE_NUMBER_ID, parts).await;
        assert_eq!(
            (status, answer["error"]["code"].clone()),
            (400, json!(100)),
            "{message}"
        );
        assert_eq!(answer["error"]["message"], message);
    }
}

#[tokio::test]
async fn an_unsupported_type_should_be_refused_with_metas_list() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let (status, answer) = upload_file(&sim, Some("video/quicktime"), b"moov").await;
    assert_eq!(status, 400);
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "(#100) Param file must be a file with one of the following types: audio/aac,"
        ),
        "{message}"
    );
    assert!(
        message.ends_with("video/mp4, video/3gpp. Received file of type 'video/quicktime'."),
        "{message}"
    );
}

#[tokio::test]
async fn files_over_their_types_limit_should_be_refused_and_files_at_it_accepted() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let cases = [
        ("image/jpeg", 5 * MB, "5 MB"),
        ("audio/mpeg", 16 * MB, "16 MB"),
        ("video/mp4", 16 * MB, "16 MB"),
        ("image/webp", 100 * 1024, "100 KB"),
    ];
    for (mime, limit, written) in cases {
        let at_limit = vec![7u8; limit];
        let (status, answer) = upload_file(&sim, Some(mime), &at_limit).await;
        assert_eq!(status, 200, "{mime}: {answer}");
        let over = vec![7u8; limit + 1];
        let (status, answer) = upload_file(&sim, Some(mime), &over).await;
        assert_eq!(
            (status, answer["error"]["code"].clone()),
            (400, json!(100)),
            "{mime}"
        );
        assert_eq!(answer["error"]["error_user_title"], "File Too Large");
        assert!(answer["error"]["error_user_msg"]
            .as_str()
            .unwrap()
            .contains(written));
    }
}

#[tokio::test]
async fn a_100_mb_document_should_upload_and_one_byte_more_should_not() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let document = vec![b'a'; 100 * MB];
    let (status, answer) = upload_file(&sim, Some("application/pdf"), &document).await;
    assert_eq!(status, 200, "{answer}");
    let (_, media) = media_of(&sim, &answer).await;
    assert_eq!(media["file_size"], json!(100 * MB));
    let (_, bytes, _) = download(media["url"].as_str().unwrap(), Some(TOKEN)).await;
    assert_eq!(bytes.len(), 100 * MB);
    drop(bytes);
    let mut over = document;
    over.push(b'a');
    let (status, answer) = upload_file(&sim, Some("application/pdf"), &over).await;
    assert_eq!(
        (status, answer["error"]["error_user_title"].clone()),
        (400, json!("File Too Large"))
    );
}

#[tokio::test]
async fn an_upload_to_an_unknown_number_or_without_a_token_should_be_refused() {
    let mut config = fast_config(None);
    config.behaviour.phone_number_ids = vec![PHONE_NUMBER_ID.into()];
    let sim = spawn(config).await.unwrap();
    let parts = [
        field("messaging_product", "whatsapp"),
        file(Some("image/png"), b"x"),
    ];
    let (status, answer) = upload(&sim, "999", &parts).await;
    assert_eq!(
        (status, answer["error"]["error_subcode"].clone()),
        (400, json!(33))
    );
    let response = reqwest::Client::new()
        .post(format!("{}/v24.0/{PHONE_NUMBER_ID}/media", sim.base_url()))
        .send()
        .await
        .unwrap();
    let (status, answer) = crate::http::answer(response).await;
    assert_eq!((status, answer["error"]["code"].clone()), (401, json!(190)));
}
