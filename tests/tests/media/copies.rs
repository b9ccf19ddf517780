//! Files that are copied: every type, once, whatever their size.

use integration_tests::of_type;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{wamid, MediaWorld};

/// Made-up bytes of `len`, different for each `seed`.
fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[tokio::test]
async fn every_inbound_media_type_is_stored_with_the_bytes_meta_served_and_announced() {
    let w = MediaWorld::new().await;
    let cases = [
        ("image.json", "image/jpeg", 40_000),
        ("video.json", "video/mp4", 300_000),
        ("audio.json", "audio/ogg", 20_000),
        ("document.json", "application/pdf", 120_000),
        ("sticker.json", "image/webp", 30_000),
    ];
    let mut sent = Vec::new();
    for (n, (fixture, mime, len)) in cases.iter().enumerate() {
        let file = bytes(*len, n as u8);
        let id = wamid(n as u32);
        let seeded = w.receive(fixture, file.clone(), mime, &id).await;
        sent.push((id, seeded, file));
    }
    // A voice note: the same audio type, Meta's `voice: true`.
    let voice = bytes(9_000, 9);
    let voice_id = wamid(9);
    let seeded = w.sim.seed_media(voice.clone(), "audio/ogg");
    let mut body: Value = serde_json::from_slice(&integration_tests::media_webhook(
        "audio.json",
        &seeded,
        &voice_id,
    ))
    .unwrap();
    body["entry"][0]["changes"][0]["value"]["messages"][0]["audio"]["voice"] = Value::Bool(true);
    let answer = w
        .world
        .post_signed(&w.world.webhook(), &serde_json::to_vec(&body).unwrap())
        .await;
    assert_eq!(answer.status(), 200);
    w.world.drain(&w.world.processor()).await;
    sent.push((voice_id, seeded, voice));

    let drained = w.world.drain_media(&w.media).await;
    assert_eq!((drained.delivered, drained.failed), (6, 0));
    let objects = w.world.bucket_objects().await;
    assert_eq!(objects.len(), 6, "one object per file");
    let events = w.world.events().await;
    let stored = of_type(&events, "media.stored");
    assert_eq!(stored.len(), 6);
    for (id, seeded, file) in &sent {
        let event = stored
            .iter()
            .find(|e| e["data"]["wamid"] == id.as_str())
            .unwrap_or_else(|| panic!("no media.stored for {id}"));
        let key = event["data"]["key"].as_str().unwrap();
        let (_, kept) = objects.iter().find(|(k, _)| k == key).expect("the object");
        assert_eq!(kept, file, "the bytes Meta served");
        assert_eq!(event["data"]["media_id"], seeded["id"]);
        assert_eq!(event["data"]["bytes"], file.len());
        assert_eq!(event["data"]["sha256"], hex::encode(Sha256::digest(file)));
        assert_eq!(event["data"]["sha256_checked"], true);
        assert_eq!(event["data"]["bucket"], w.world.bucket.as_str());
        assert!(key.starts_with("c/") && !key.contains("16505551234") && !key.contains(id));
        let media = w.media_map(id).await;
        assert_eq!(media["state"], "stored");
        assert_eq!(media["s3_key"], key);
        assert_eq!(media["bytes"], file.len());
        assert_eq!(media["sha256_ok"], true);
        assert!(media["stored_at"].as_i64().is_some());
    }
    assert!(
        !events.iter().any(|e| e.to_string().contains("http")),
        "no URL in any event"
    );
    check_schemas(&events, &w.world.stack_name);
}

/// The events against their published schemas (docs/contracts/events/).
fn check_schemas(events: &[Value], stack: &str) {
    let file = std::env::temp_dir().join(format!("media-events-{stack}.jsonl"));
    let lines: Vec<String> = events.iter().map(Value::to_string).collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let python = std::env::var("JUM_STACK_PY").unwrap();
    let python = python.split_whitespace().next().unwrap().to_owned();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/contracts/events/validate_events.py"
    );
    let out = std::process::Command::new(python)
        .arg(script)
        .arg(&file)
        .output()
        .expect("validate_events.py runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn a_duplicate_webhook_and_a_redelivered_job_store_one_object_downloaded_once() {
    let w = MediaWorld::new().await;
    let file = bytes(50_000, 1);
    let id = wamid(1);
    let seeded = w
        .receive("image.json", file.clone(), "image/jpeg", &id)
        .await;
    // Meta posts the same webhook again.
    let body = integration_tests::media_webhook("image.json", &seeded, &id);
    w.world.post_signed(&w.world.webhook(), &body).await;
    w.world.drain(&w.world.processor()).await;
    // And the job itself arrives twice (SQS at-least-once).
    let job = w
        .world
        .sqs
        .receive_message()
        .queue_url(&w.world.media_url)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default();
    assert_eq!(job.len(), 1, "the duplicate webhook queued no second job");
    let body = job[0].body().unwrap().to_owned();
    w.world
        .sqs
        .change_message_visibility()
        .queue_url(&w.world.media_url)
        .receipt_handle(job[0].receipt_handle().unwrap())
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    w.world
        .sqs
        .send_message()
        .queue_url(&w.world.media_url)
        .message_body(body)
        .send()
        .await
        .unwrap();
    let drained = w.world.drain_media(&w.media).await;
    assert_eq!((drained.delivered, drained.failed), (2, 0));
    assert_eq!(w.world.bucket_objects().await.len(), 1);
    let downloads = w
        .sim
        .requests()
        .iter()
        .filter(|r| r.path.contains("attachments"))
        .count();
    assert_eq!(downloads, 1, "the second job found the copy stored");
    let events = w.world.events().await;
    assert_eq!(of_type(&events, "media.stored").len(), 1);
}

#[tokio::test]
async fn a_20_mb_document_is_stored_in_parts_with_no_upload_left_open() {
    let w = MediaWorld::new().await;
    let file = bytes(20 * 1024 * 1024, 3);
    let id = wamid(20);
    w.receive("document.json", file.clone(), "application/pdf", &id)
        .await;
    let drained = w.world.drain_media(&w.media).await;
    assert_eq!((drained.delivered, drained.failed), (1, 0));
    let objects = w.world.bucket_objects().await;
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0].1.len(), file.len());
    assert!(objects[0].1 == file, "the same 20 MB");
    assert_eq!(w.world.open_uploads().await, 0);
    assert_eq!(w.media_map(&id).await["state"], "stored");
}
