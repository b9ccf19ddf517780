//! Files that cannot be kept: each gets its final, documented answer and
//! leaves nothing in the bucket (docs/media.md, "Failure answers").

use std::sync::{Arc, Mutex};

use integration_tests::of_type;
use serde_json::json;
use shared::telemetry::Metrics;

use crate::{wamid, MediaWorld};

#[tokio::test]
async fn a_file_meta_no_longer_has_is_unavailable_at_once_without_retry() {
    let w = MediaWorld::new().await;
    let id = wamid(1);
    let seeded = w
        .receive("image.json", vec![1; 4_000], "image/jpeg", &id)
        .await;
    w.sim
        .apply_patch(&json!({"faults": {"media": {seeded["id"].as_str().unwrap(): "not_found"}}}))
        .unwrap();
    let drained = w.world.drain_media(&w.media).await;
    assert_eq!(
        (drained.delivered, drained.failed),
        (1, 0),
        "final: not retried"
    );
    let events = w.world.events().await;
    let gone = of_type(&events, "media.unavailable");
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0]["data"]["reason"], "meta_not_found");
    assert_eq!(gone[0]["data"]["media_id"], seeded["id"]);
    assert!(w.world.bucket_objects().await.is_empty());
    let media = w.media_map(&id).await;
    assert_eq!(media["state"], "unavailable");
    assert_eq!(media["reason"], "meta_not_found");
}

#[tokio::test]
async fn an_id_past_metas_seven_days_is_unavailable() {
    let w = MediaWorld::new().await;
    let id = wamid(2);
    w.receive("document.json", vec![2; 4_000], "application/pdf", &id)
        .await;
    w.sim.advance_clock(8 * 86_400);
    w.world.drain_media(&w.media).await;
    assert_eq!(w.media_map(&id).await["state"], "unavailable");
    let events = w.world.events().await;
    assert_eq!(of_type(&events, "media.unavailable").len(), 1);
}

#[tokio::test]
async fn garbled_bytes_are_retried_then_failed_with_their_reason_and_nothing_partial_kept() {
    let w = MediaWorld::new().await;
    let id = wamid(3);
    // Over one upload part: the multipart upload is begun, then aborted.
    let seeded = w
        .receive(
            "document.json",
            vec![3; 9 * 1024 * 1024],
            "application/pdf",
            &id,
        )
        .await;
    w.sim
        .apply_patch(&json!({"faults": {"media": {seeded["id"].as_str().unwrap(): "corrupt"}}}))
        .unwrap();
    let drained = w.world.drain_media(&w.media).await;
    assert_eq!(drained.delivered, 0);
    assert_eq!(
        drained.failed, 5,
        "every receive until the queue's maxReceiveCount"
    );
    assert_eq!(
        w.world.queue_depth(&w.world.media_dlq_url).await,
        1,
        "in the DLQ"
    );
    assert!(w.world.bucket_objects().await.is_empty());
    assert_eq!(w.world.open_uploads().await, 0, "every upload aborted");
    let events = w.world.events().await;
    let failed = of_type(&events, "media.failed");
    assert_eq!(failed.len(), 1, "announced once, on the last receive");
    assert_eq!(failed[0]["data"]["reason"], "sha256_mismatch");
    assert!(of_type(&events, "media.stored").is_empty());
    let media = w.media_map(&id).await;
    assert_eq!(media["state"], "failed");
    assert_eq!(media["reason"], "sha256_mismatch");
}

#[tokio::test]
async fn a_refused_token_is_retried_and_counted_for_the_token_alarm() {
    let w = MediaWorld::new().await;
    let id = wamid(4);
    w.receive("image.json", vec![4; 4_000], "image/jpeg", &id)
        .await;
    w.sim.update_account(|a| a.token.expires_at = 1);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let drained = w
        .world
        .drain_queue(&w.world.media_url.clone(), true, |event| {
            let lines = lines.clone();
            let media = &w.media;
            async move {
                let mut metrics = Metrics::new("media");
                let answer = media.process(event, &mut metrics).await;
                lines.lock().unwrap().extend(metrics.to_lines(0));
                Ok::<_, std::convert::Infallible>(answer)
            }
        })
        .await;
    assert_eq!(drained.failed, 5, "retried, never dropped");
    let token_counts = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("\"CommandsRetried\"") && l.contains("\"token\""))
        .count();
    assert_eq!(token_counts, 5, "one count per refused attempt");
    let media = w.media_map(&id).await;
    assert_eq!(media["state"], "failed");
    assert_eq!(media["reason"], "token_refused");
    assert!(w.world.bucket_objects().await.is_empty());
}
