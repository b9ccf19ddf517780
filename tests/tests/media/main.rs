//! Customers' files copied to the media bucket, against moto's S3 and the
//! Graph API simulator over HTTP: webhook → processor → media queue →
//! media function → bucket, message item, events (docs/media.md).
//! Run through `make test`, which starts moto and sets the endpoint.

mod copies;
mod failures;

use graph_simulator::RunningSimulator;
use integration_tests::{media_webhook, LocalMedia, World};
use serde_json::Value;

pub const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTBFNzYyOTI3OTQ4ODhENEYxRgA=";

/// A world with the simulator and the media function wired to it.
pub struct MediaWorld {
    pub world: World,
    pub sim: RunningSimulator,
    pub media: LocalMedia,
}

impl MediaWorld {
    pub async fn new() -> Self {
        let world = World::new().await;
        let sim = world.simulator(|_| {}).await;
        let media = world.media_function(&sim);
        Self { world, sim, media }
    }

    /// Seeds `bytes` in the simulator and delivers the webhook of `fixture`
    /// naming it (as the customer's message `wamid`), through the webhook
    /// and the processor; the media job is then on the media queue.
    pub async fn receive(&self, fixture: &str, bytes: Vec<u8>, mime: &str, wamid: &str) -> Value {
        let seeded = self.sim.seed_media(bytes, mime);
        let body = media_webhook(fixture, &seeded, wamid);
        let webhook = self.world.webhook();
        let answer = self.world.post_signed(&webhook, &body).await;
        assert_eq!(answer.status(), 200);
        let drained = self.world.drain(&self.world.processor()).await;
        assert_eq!(drained.failed, 0);
        seeded
    }

    /// The message item's `media` map.
    pub async fn media_map(&self, wamid: &str) -> Value {
        let items = self.world.items_of_type("message").await;
        let item = items
            .iter()
            .find(|i| integration_tests::s(i, "wamid") == Some(wamid))
            .expect("the message is stored");
        let doc = shared::adapters::dynamo::item_to_doc(item.clone());
        doc["media"].clone()
    }
}

/// A wamid of the test customer's, distinct per `n`.
pub fn wamid(n: u32) -> String {
    format!("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTBFNzYyOTI3OTQ4ODhENEYx{n:04}A=")
}
