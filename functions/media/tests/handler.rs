//! The media function on the in-memory fakes of its ports: each job's
//! answer, what is kept and what is announced.

use std::collections::HashMap;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use media::{Media, MediaPorts};
use secrecy::SecretString;
use serde_json::Value;
use sha2::{Digest, Sha256};
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_contacts::FixedKeyHasher;
use shared::adapters::memory_media::{
    FakeMediaFault, MemoryMediaBucket, MemoryMediaGraph, MemoryMediaRecords,
};
use shared::domain::ids::{ContactKey, WaId};
use shared::domain::media::{MediaJob, MEDIA_JOB_VERSION};
use shared::ports::media::{MediaRecord, MessageAt};
use shared::ports::Clock;

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUE3RjQyMzk3QzE0QkE2RjhGAA==";
const TS: i64 = 1_795_615_200;

struct At;
impl Clock for At {
    fn now_ms(&self) -> i64 {
        TS * 1000 + 5_000
    }
}

enum Fakes {}
impl MediaPorts for Fakes {
    type Bucket = MemoryMediaBucket;
    type Graph = MemoryMediaGraph;
    type Records = MemoryMediaRecords;
    type Events = MemoryQueue;
    type Hasher = FixedKeyHasher;
    type Clock = At;
}

fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse("16505551234").unwrap())
}

struct World {
    media: Media<Fakes>,
}

impl World {
    /// A stored image message whose file Meta holds.
    fn new(bytes: &[u8]) -> Self {
        let media = Media::<Fakes> {
            bucket: MemoryMediaBucket::default(),
            graph: MemoryMediaGraph::default(),
            records: MemoryMediaRecords::default(),
            events: MemoryQueue::default(),
            hasher: FixedKeyHasher(SecretString::from("k")),
            clock: At,
            max_receives: 3,
        };
        media.graph.add("111", bytes, "image/jpeg");
        let c = contact();
        media.records.add_message(&at(&c));
        Self { media }
    }

    async fn run(&self, receive: u32) -> Vec<String> {
        let mut record = SqsMessage::default();
        record.message_id = Some("m-1".into());
        record.body = Some(job().to_json());
        record.attributes =
            HashMap::from([("ApproximateReceiveCount".to_owned(), receive.to_string())]);
        let mut event = SqsEvent::default();
        event.records = vec![record];
        let out = self.media.handle(event).await.unwrap();
        out.batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect()
    }

    fn events(&self) -> Vec<Value> {
        self.media
            .events
            .sent()
            .iter()
            .map(|e| serde_json::from_str(e).unwrap())
            .collect()
    }

    fn record(&self) -> Option<MediaRecord> {
        let c = contact();
        self.media.records.record(&at(&c))
    }
}

fn at(c: &ContactKey) -> MessageAt<'_> {
    MessageAt {
        contact: c,
        message_ts: TS,
        wamid: WAMID,
    }
}

fn job() -> MediaJob {
    MediaJob {
        v: MEDIA_JOB_VERSION,
        contact: "16505551234".into(),
        wamid: WAMID.into(),
        message_ts: TS,
        media_id: "111".into(),
        kind: "image".into(),
        mime_type: Some("image/jpeg".into()),
        sha256: None,
        animated: false,
        phone_number_id: Some("106540352242922".into()),
        expires_at: TS + 30 * 86_400,
    }
}

#[tokio::test]
async fn a_file_is_stored_checked_recorded_and_announced_without_a_url() {
    let w = World::new(b"a photo of a broken umbrella");
    assert!(w.run(1).await.is_empty());
    let keys = w.media.bucket.keys();
    assert_eq!(keys.len(), 1);
    let object = w.media.bucket.objects.lock().unwrap()[&keys[0]].clone();
    assert_eq!(object.bytes, b"a photo of a broken umbrella");
    let events = w.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "media.stored");
    assert_eq!(events[0]["data"]["key"], keys[0].as_str());
    assert_eq!(events[0]["data"]["sha256_checked"], true);
    assert_eq!(
        events[0]["data"]["sha256"],
        hex::encode(Sha256::digest(b"a photo of a broken umbrella"))
    );
    assert!(
        !events[0].to_string().contains("http"),
        "no URL in the event"
    );
    assert!(matches!(
        w.record(),
        Some(MediaRecord::Stored {
            sha256_ok: true,
            ..
        })
    ));
}

#[tokio::test]
async fn a_redelivered_job_uploads_nothing_twice() {
    let w = World::new(b"bytes");
    w.run(1).await;
    w.run(2).await;
    assert_eq!(*w.media.bucket.puts.lock().unwrap(), 1);
    assert_eq!(w.media.graph.calls().len(), 2, "one lookup, one download");
}

#[tokio::test]
async fn an_object_stored_before_a_crash_is_recorded_without_a_new_download() {
    let w = World::new(b"bytes");
    w.run(1).await;
    // The record was lost: only the object remains.
    let c = contact();
    w.media.records.add_message(&at(&c));
    w.media.graph.calls.lock().unwrap().clear();
    assert!(w.run(2).await.is_empty());
    assert_eq!(*w.media.bucket.puts.lock().unwrap(), 1);
    assert!(w
        .media
        .graph
        .calls()
        .iter()
        .all(|c| !c.starts_with("download")));
    assert!(matches!(w.record(), Some(MediaRecord::Stored { .. })));
    let events = w.events();
    assert_eq!(events.len(), 2);
    assert_eq!(
        events[0]["event_id"], events[1]["event_id"],
        "the same fact, the same id"
    );
}

#[tokio::test]
async fn a_file_meta_no_longer_has_is_unavailable_at_once() {
    let w = World::new(b"bytes");
    w.media.graph.fail("111", FakeMediaFault::NotFound);
    assert!(w.run(1).await.is_empty(), "final: not retried");
    assert_eq!(w.events()[0]["type"], "media.unavailable");
    assert_eq!(w.events()[0]["data"]["reason"], "meta_not_found");
    assert!(w.media.bucket.keys().is_empty());
    assert!(matches!(w.record(), Some(MediaRecord::Unavailable { .. })));
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_without_download() {
    let w = World::new(&vec![7u8; 5 * 1024 * 1024 + 1]);
    assert!(w.run(1).await.is_empty());
    assert_eq!(w.events()[0]["data"]["reason"], "over_limit");
    assert_eq!(w.media.graph.calls(), vec!["lookup 111"]);
}

#[tokio::test]
async fn garbled_bytes_are_retried_kept_nowhere_then_failed_on_the_last_receive() {
    let w = World::new(b"bytes");
    w.media.graph.fail("111", FakeMediaFault::Corrupt);
    assert_eq!(w.run(1).await, vec!["m-1"]);
    assert!(w.media.bucket.keys().is_empty(), "nothing partial");
    assert!(w.events().is_empty());
    assert_eq!(w.run(3).await, vec!["m-1"], "to the DLQ");
    assert_eq!(w.events()[0]["type"], "media.failed");
    assert_eq!(w.events()[0]["data"]["reason"], "sha256_mismatch");
    assert!(matches!(w.record(), Some(MediaRecord::Failed { .. })));
}

#[tokio::test]
async fn a_download_that_breaks_off_leaves_nothing() {
    let w = World::new(&vec![1u8; 300 * 1024]);
    w.media.graph.fail("111", FakeMediaFault::Broken);
    assert_eq!(w.run(1).await, vec!["m-1"]);
    assert!(w.media.bucket.keys().is_empty());
}

#[tokio::test]
async fn a_refused_token_is_retried() {
    let w = World::new(b"bytes");
    w.media.graph.fail("111", FakeMediaFault::TokenRefused);
    assert_eq!(w.run(1).await, vec!["m-1"]);
    assert!(w.record().is_none());
}

#[tokio::test]
async fn an_erased_message_keeps_no_file() {
    let w = World::new(b"bytes");
    let c = contact();
    w.media.records.remove_message(&at(&c));
    assert!(w.run(1).await.is_empty());
    assert!(w.media.bucket.keys().is_empty());
    assert!(w.media.graph.calls().is_empty());
    assert!(w.events().is_empty());
}
