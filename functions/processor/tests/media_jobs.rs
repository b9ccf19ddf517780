//! The media jobs the processor queues: one per stored file, the same job
//! again when SQS redelivers the record, none when Meta redelivers the
//! webhook (docs/media.md).

use std::path::PathBuf;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use shared::domain::envelope::split_for_queue;
use shared::domain::queued::{RequestMeta, SignatureMatch};

mod fakes;

fn queued(request_id: &str, fixture: &str) -> SqsEvent {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/webhooks")
        .join(fixture);
    let body = std::fs::read(&path).unwrap();
    let meta = RequestMeta {
        request_id: request_id.into(),
        received_at_ms: 1_764_000_000_000,
        source_ip: None,
        user_agent: None,
        body_bytes: 0,
        signature: SignatureMatch::Current,
    };
    let mut e = SqsEvent::default();
    e.records = split_for_queue(&body, &meta, 250_000)
        .unwrap()
        .messages
        .into_iter()
        .map(|message| {
            let mut m = SqsMessage::default();
            m.message_id = Some(request_id.into());
            m.body = Some(message);
            m
        })
        .collect();
    e
}

#[tokio::test]
async fn every_media_type_queues_one_job_with_its_id_kind_and_hex_digest() {
    let (p, _) = fakes::processor();
    for (fixture, kind) in [
        ("image.json", "image"),
        ("video.json", "video"),
        ("audio.json", "audio"),
        ("document.json", "document"),
        ("sticker.json", "sticker"),
    ] {
        let before = p.media.jobs.lock().unwrap().len();
        let out = p.handle(queued(fixture, fixture)).await.unwrap();
        assert!(out.batch_item_failures.is_empty());
        let jobs = p.media.jobs.lock().unwrap().clone();
        assert_eq!(jobs.len(), before + 1, "{fixture}");
        let job = jobs.last().unwrap();
        assert_eq!(job.kind, kind);
        assert!(!job.media_id.is_empty());
        assert!(job.expires_at > job.message_ts);
        if let Some(d) = &job.sha256 {
            assert_eq!(d.len(), 64, "hex, as the lookup gives it");
        }
    }
    let (p, _) = fakes::processor();
    p.handle(queued("t", "text.json")).await.unwrap();
    assert!(p.media.jobs.lock().unwrap().is_empty(), "no file, no job");
}

#[tokio::test]
async fn a_redelivered_record_queues_the_same_job_and_a_redelivered_webhook_none() {
    let (p, _) = fakes::processor();
    p.handle(queued("req-1", "image.json")).await.unwrap();
    // SQS redelivers the record (its effects may not have gone out).
    p.handle(queued("req-1", "image.json")).await.unwrap();
    // Meta posts the webhook again: another request, a duplicate fact.
    p.handle(queued("req-2", "image.json")).await.unwrap();
    let jobs = p.media.jobs.lock().unwrap().clone();
    assert_eq!(jobs.len(), 2);
    assert_eq!(jobs[0], jobs[1]);
}

#[tokio::test]
async fn when_the_media_queue_refuses_the_record_fails_and_its_retry_queues_the_job() {
    let (p, _) = fakes::processor();
    *p.media.fail.lock().unwrap() = true;
    let first = p.handle(queued("req-1", "image.json")).await.unwrap();
    assert_eq!(first.batch_item_failures.len(), 1);
    *p.media.fail.lock().unwrap() = false;
    let second = p.handle(queued("req-1", "image.json")).await.unwrap();
    assert!(second.batch_item_failures.is_empty());
    assert_eq!(p.media.jobs.lock().unwrap().len(), 1);
}
