//! The media half of a test world: the media function on its deployed
//! bundle (`media::aws`), on moto's bucket and the Graph API simulator, its
//! queue played as Lambda does, and media webhooks naming files the
//! simulator serves.

use shared::adapters::s3::S3MediaBucket;
use std::time::Duration;

use graph_simulator::RunningSimulator;
use serde_json::Value;

use crate::queues::Drain;
use crate::world::World;

/// The media function with the deployed adapters.
pub type LocalMedia = media::Media<media::aws::Aws>;

/// A fixture of `kind` (`image.json`, `audio.json`…) naming `seeded` (what
/// `RunningSimulator::seed_media` answered) and carrying `wamid`.
pub fn media_webhook(fixture: &str, seeded: &Value, wamid: &str) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(&crate::fixture(fixture)).expect("JSON");
    let message = &mut doc["entry"][0]["changes"][0]["value"]["messages"][0];
    message["id"] = Value::from(wamid);
    let kind = message["type"].as_str().expect("a type").to_owned();
    let media = &mut message[kind.as_str()];
    media["id"] = seeded["id"].clone();
    media["sha256"] = seeded["sha256"].clone();
    media["mime_type"] = seeded["mime_type"].clone();
    if let Some(m) = media.as_object_mut() {
        m.remove("url");
    }
    serde_json::to_vec(&doc).expect("serialises")
}

impl World {
    /// The stack's bucket through the S3 adapter, as the functions get it.
    pub fn media_bucket(&self) -> S3MediaBucket {
        S3MediaBucket::new(self.s3.clone(), &self.bucket)
    }

    /// The media function as deployed, talking to `sim` for Graph calls.
    pub fn media_function(&self, sim: &RunningSimulator) -> LocalMedia {
        let config = media::config::Config {
            table_name: self.table.clone(),
            bucket_name: self.bucket.clone(),
            events: self.event_bus_config(),
            secret_id: self.secret_id.clone(),
            hashing_secret_id: format!("{}/hashing", self.stack_name),
            secret_refresh: Duration::from_secs(300),
            graph_base_url: sim.base_url(),
            graph_version: "v24.0".into(),
            // The template's maxReceiveCount of the media queue.
            max_receives: 5,
        };
        media::aws::media(&self.sdk, config).expect("the media function builds")
    }

    /// Plays the media queue's event-source mapping until it is empty;
    /// failed jobs come back at once, until SQS moves them to the DLQ.
    pub async fn drain_media(&self, media: &LocalMedia) -> Drain {
        self.drain_queue(&self.media_url.clone(), true, |event| media.handle(event))
            .await
    }

    /// Every object in the bucket: key and bytes.
    pub async fn bucket_objects(&self) -> Vec<(String, Vec<u8>)> {
        let listed = self
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .send()
            .await
            .expect("list the bucket");
        let mut out = Vec::new();
        for o in listed.contents() {
            let key = o.key().unwrap_or_default().to_owned();
            let body = self
                .s3
                .get_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .expect("get an object")
                .body
                .collect()
                .await
                .expect("read an object")
                .into_bytes()
                .to_vec();
            out.push((key, body));
        }
        out
    }

    /// Every object's key and size, all pages (the chaos run's thousands).
    pub async fn bucket_listing(&self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for o in page.expect("list the bucket").contents() {
                out.push((
                    o.key().unwrap_or_default().to_owned(),
                    o.size().unwrap_or(0),
                ));
            }
        }
        out
    }

    /// Multipart uploads begun and neither completed nor aborted.
    pub async fn open_uploads(&self) -> usize {
        self.s3
            .list_multipart_uploads()
            .bucket(&self.bucket)
            .send()
            .await
            .expect("list uploads")
            .uploads()
            .len()
    }
}
