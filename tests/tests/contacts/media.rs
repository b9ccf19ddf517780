//! A contact's files through the contacts API against moto's S3 and the
//! S3 adapter: the history's state without key or Meta's URL, a presigned
//! link that fetches the bytes (audited), the export's links, erasure of
//! the contact's prefix (a repeat deletes a file left behind).

use integration_tests::{contacts_request, parts, World, CALLER_ARN};
use serde_json::{json, Value};
use shared::adapters::s3::layout::object_key;
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::contacts::SubjectHasher;
use shared::ports::media::MediaTarget;

use crate::common::{audit, seeded, WA_ID};

/// The image of tests/fixtures/webhooks/image.json, which `seeded` stores.
const IMAGE_ID: &str = "1029720905126783";
const IMAGE_WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTBFNzYyOTI3OTQ4ODhENEYxRgA=";
/// A JPEG's first bytes and some more: what the link must give back.
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a broken umbrella, photographed";

async fn subject_of(world: &World, wa_id: &str) -> String {
    let contact = ContactKey::Phone(WaId::parse(wa_id).unwrap());
    world.hasher().hash(&contact).await.unwrap()
}

/// Puts a file in the stack's bucket where the copy would have put it.
async fn put_file(
    world: &World,
    subject: &str,
    wamid: &str,
    media_id: &str,
    body: &[u8],
) -> String {
    let key = object_key(&MediaTarget {
        subject_hash: subject,
        wamid,
        media_id,
    })
    .unwrap();
    world
        .s3
        .put_object()
        .bucket(&world.bucket)
        .key(&key)
        .content_type("image/jpeg")
        .body(body.to_vec().into())
        .send()
        .await
        .unwrap();
    key
}

/// Records the copy on the message item, as the media function does.
async fn record_stored(world: &World, wamid: &str, key: &str, bytes: usize) {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    let item = world
        .items_of_type("message")
        .await
        .into_iter()
        .find(|i| integration_tests::s(i, "wamid") == Some(wamid))
        .expect("the message is stored");
    let now = shared::ports::Clock::now_secs(&shared::ports::SystemClock);
    world
        .ddb
        .update_item()
        .table_name(&world.table)
        .key("pk", item["pk"].clone())
        .key("sk", item["sk"].clone())
        .update_expression(
            "SET media.#state = :stored, media.s3_key = :key, media.#bytes = :bytes, \
             media.sha256_ok = :ok, media.stored_at = :now",
        )
        .expression_attribute_names("#state", "state")
        .expression_attribute_names("#bytes", "bytes")
        .expression_attribute_values(":stored", A::S("stored".into()))
        .expression_attribute_values(":key", A::S(key.into()))
        .expression_attribute_values(":bytes", A::N(bytes.to_string()))
        .expression_attribute_values(":ok", A::Bool(true))
        .expression_attribute_values(":now", A::N(now.to_string()))
        .send()
        .await
        .unwrap();
}

async fn keys_in_bucket(world: &World) -> Vec<String> {
    let out = world
        .s3
        .list_objects_v2()
        .bucket(&world.bucket)
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect();
    keys.sort();
    keys
}

async fn call(world: &World, method: &str, path: &str) -> (u16, Value) {
    parts(
        world
            .contacts()
            .handle(contacts_request(method, path, None))
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn the_presigned_link_fetches_the_stored_bytes_and_the_read_is_audited() {
    let world = seeded().await;
    let subject = subject_of(&world, WA_ID).await;
    let key = put_file(&world, &subject, IMAGE_WAMID, IMAGE_ID, JPEG).await;
    record_stored(&world, IMAGE_WAMID, &key, JPEG.len()).await;

    let (status, history) = call(&world, "GET", &format!("/contacts/{WA_ID}/messages")).await;
    assert_eq!(status, 200);
    let text = history.to_string();
    assert!(text.contains(r#""state":"stored""#), "{text}");
    assert!(
        !text.contains(&key) && !text.contains("lookaside"),
        "{text}"
    );

    let (status, link) = call(
        &world,
        "GET",
        &format!("/contacts/{WA_ID}/media/{IMAGE_ID}"),
    )
    .await;
    assert_eq!(status, 200, "{link}");
    assert_eq!(link["ttl_seconds"], 300);
    assert_eq!(link["bytes"], JPEG.len());
    let fetched = reqwest::get(link["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), JPEG);

    let reads: Vec<_> = audit(&world)
        .await
        .into_iter()
        .filter(|(action, _, _)| action == "read_media")
        .collect();
    assert_eq!(
        reads,
        [("read_media".to_owned(), CALLER_ARN.to_owned(), subject)]
    );
}

#[tokio::test]
async fn a_file_not_yet_copied_is_404_with_its_state_and_an_unknown_one_404() {
    let world = seeded().await;
    let (status, body) = call(
        &world,
        "GET",
        &format!("/contacts/{WA_ID}/media/{IMAGE_ID}"),
    )
    .await;
    assert_eq!(
        (status, &body["error"], &body["state"]),
        (404, &json!("media_not_stored"), &json!("pending"))
    );
    let (status, body) = call(&world, "GET", &format!("/contacts/{WA_ID}/media/999")).await;
    assert_eq!((status, body), (404, json!({"error": "not_found"})));
}

#[tokio::test]
async fn the_export_lists_every_file_of_the_contact_with_a_link_that_fetches_it() {
    let world = seeded().await;
    let subject = subject_of(&world, WA_ID).await;
    let key = put_file(&world, &subject, IMAGE_WAMID, IMAGE_ID, JPEG).await;
    record_stored(&world, IMAGE_WAMID, &key, JPEG.len()).await;
    // Someone else's file is not theirs to export.
    let other = subject_of(&world, "16505550000").await;
    put_file(&world, &other, "wamid.other", "42", b"not theirs").await;

    let (status, export) = call(&world, "GET", &format!("/contacts/{WA_ID}/export")).await;

    assert_eq!(status, 200, "{export}");
    let files = export["media"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0]["key"], key);
    let fetched = reqwest::get(files[0]["url"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), JPEG);
}

#[tokio::test]
async fn erasure_removes_the_contacts_objects_and_a_repeat_removes_one_left_behind() {
    let world = seeded().await;
    let subject = subject_of(&world, WA_ID).await;
    let key = put_file(&world, &subject, IMAGE_WAMID, IMAGE_ID, JPEG).await;
    record_stored(&world, IMAGE_WAMID, &key, JPEG.len()).await;
    put_file(
        &world,
        &subject,
        "wamid.gone",
        "7",
        b"a file whose message expired",
    )
    .await;
    let other = subject_of(&world, "16505550000").await;
    let kept = put_file(&world, &other, "wamid.other", "42", b"not theirs").await;

    let (status, receipt) = call(&world, "DELETE", &format!("/contacts/{WA_ID}")).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["objects_deleted"], 2);
    assert_eq!(keys_in_bucket(&world).await, std::slice::from_ref(&kept));

    // A copy that finished after the erasure: the repeat deletes it.
    let late = put_file(&world, &subject, "wamid.late", "8", b"late").await;
    let (status, again) = call(&world, "DELETE", &format!("/contacts/{WA_ID}")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["objects_deleted"], 1);
    assert!(!keys_in_bucket(&world).await.contains(&late));
    assert_eq!(keys_in_bucket(&world).await, [kept]);
    // Nothing of theirs is left in the bucket's keys either.
    assert!(keys_in_bucket(&world)
        .await
        .iter()
        .all(|k| !k.contains(WA_ID)));
}
