//! Files from S3: a command names an object (`{"s3": {"key": …}}`), the
//! sender uploads it to the simulator's `POST /{phone-number-id}/media` once
//! and sends by id. moto holds the stack's bucket (`World::bucket`), as
//! the local stack provisions it from template.yaml.

use integration_tests::{s, World, ACCESS_TOKEN, PHONE_NUMBER_ID};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{customer_wrote_recently, ledger, sends, state, TO};

async fn put(world: &World, key: &str, content_type: &str, bytes: Vec<u8>) {
    world
        .s3
        .put_object()
        .bucket(&world.bucket)
        .key(key)
        .content_type(content_type)
        .body(bytes.into())
        .send()
        .await
        .expect("put object");
}

fn image(key: &str, s3: Value) -> String {
    json!({
        "idempotency_key": key,
        "to": format!("+{TO}"),
        "message": { "type": "image", "image": { "s3": s3, "caption": "The Storm 2000" } }
    })
    .to_string()
}

fn uploads(sim: &graph_simulator::RunningSimulator) -> Vec<graph_simulator::RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/media"))
        .collect()
}

fn photo() -> Vec<u8> {
    // A JPEG's magic, then enough bytes for several chunks of a stream.
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..300_000u32).map(|i| (i % 251) as u8));
    bytes
}

#[tokio::test]
async fn an_image_from_s3_is_uploaded_once_for_two_sends_and_sent_by_id() {
    let world = World::new().await;
    let bytes = photo();
    put(
        &world,
        "outbound/storm-2000.jpg",
        "image/jpeg",
        bytes.clone(),
    )
    .await;
    let sim = world
        .simulator(|c| c.behaviour.rate_limits.pair.enabled = false)
        .await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    let storm = json!({ "key": "outbound/storm-2000.jpg" });
    world.enqueue_command(&image("s3-a", storm.clone())).await;
    world.enqueue_command(&image("s3-b", storm)).await;
    assert_eq!(world.drain_outbound(&sender).await.failed, 0);

    let uploads = uploads(&sim);
    assert_eq!(uploads.len(), 1, "one POST /media for two sends");
    let media_id = uploads[0].response.body["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let sends = sends(&sim);
    assert_eq!(sends.len(), 2);
    for send in &sends {
        let body = send.body.as_ref().expect("JSON body");
        assert_eq!(
            body["image"],
            json!({ "id": media_id, "caption": "The Storm 2000" })
        );
    }
    for key in ["s3-a", "s3-b"] {
        assert_eq!(state(&ledger(&world, TO, key).await), "sent");
    }
    // Meta has the very bytes: its own size and digest of the upload.
    let info: Value = reqwest::Client::new()
        .get(format!(
            "{}/v24.0/{media_id}?phone_number_id={PHONE_NUMBER_ID}",
            sim.base_url()
        ))
        .bearer_auth(ACCESS_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["file_size"], bytes.len());
    assert_eq!(info["mime_type"], "image/jpeg");
    assert_eq!(info["sha256"], hex::encode(Sha256::digest(&bytes)));
}

#[tokio::test]
async fn a_key_outside_the_allowed_prefix_is_rejected_with_no_graph_call() {
    let world = World::new().await;
    let bucket = world.bucket.clone();
    put(
        &world,
        "c/abc/wamid.X/1479537139650973",
        "image/jpeg",
        photo(),
    )
    .await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    // The stack's bucket named outright: the sender refuses it.
    let named = json!({ "bucket": bucket, "key": "c/abc/wamid.X/1479537139650973" });
    world.enqueue_command(&image("outside-named", named)).await;
    // Left implicit: the contract itself refuses it.
    let implicit = json!({ "key": "c/abc/wamid.X/1479537139650973" });
    world
        .enqueue_command(&image("outside-implicit", implicit))
        .await;
    // A bucket nobody listed.
    let other = json!({ "bucket": "someone-elses-bucket", "key": "outbound/x.jpg" });
    world.enqueue_command(&image("other-bucket", other)).await;
    assert_eq!(world.drain_outbound(&sender).await.failed, 0);

    assert!(
        sim.requests().is_empty(),
        "no Graph call at all: {:?}",
        sim.requests()
    );
    let named = ledger(&world, TO, "outside-named").await;
    assert_eq!(state(&named), "rejected");
    assert_eq!(s(&named, "reason"), Some("media_key_outside_prefix"));
    let other = ledger(&world, TO, "other-bucket").await;
    assert_eq!(s(&other, "reason"), Some("media_bucket_not_allowed"));
    let events = world.events().await;
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "message.rejected"
                && e["data"]["reason"] == "invalid_media_source"),
        "{events:#?}"
    );
}

#[tokio::test]
async fn a_missing_key_is_rejected_as_media_not_found() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    let missing = json!({ "key": "outbound/not-there.jpg" });
    world.enqueue_command(&image("missing", missing)).await;
    assert_eq!(world.drain_outbound(&sender).await.failed, 0);
    let entry = ledger(&world, TO, "missing").await;
    assert_eq!(state(&entry), "rejected");
    assert_eq!(s(&entry, "reason"), Some("media_not_found"));
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn an_object_over_metas_limit_is_rejected_without_upload() {
    let world = World::new().await;
    put(
        &world,
        "outbound/huge.jpg",
        "image/jpeg",
        vec![0xAB; 5 * 1024 * 1024 + 1],
    )
    .await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    customer_wrote_recently(&world, TO).await;
    world
        .enqueue_command(&image("huge", json!({ "key": "outbound/huge.jpg" })))
        .await;
    assert_eq!(world.drain_outbound(&sender).await.failed, 0);
    let entry = ledger(&world, TO, "huge").await;
    assert_eq!(state(&entry), "rejected");
    assert_eq!(s(&entry, "reason"), Some("media_too_large"));
    assert!(uploads(&sim).is_empty(), "nothing uploaded");
    assert!(sim.requests().is_empty());
}
