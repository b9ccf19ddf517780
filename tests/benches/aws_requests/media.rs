//! The media scenarios (issue #15): customers' files, one per webhook POST,
//! through the webhook, the processor and the media function, which looks
//! each file up at the Graph API simulator, downloads it and streams it
//! into the stack's bucket (docs/media.md). Every AWS request the three
//! make, and the two event-source mappings' polling, goes through the
//! counting proxy on clients named `<scenario>.<function>`.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use graph_simulator::RunningSimulator;
use integration_tests::{media_webhook, LocalMedia, World};
use serde_json::{json, Value};

use crate::harness::{announce, process_inbound, wa_id, Args, Counted, OPEN_HOURS_NOW};
use crate::usage::Usage;

/// One media scenario: `files` files of `bytes` each, sent as `fixture`
/// (a webhook under tests/fixtures/webhooks) of type `mime`.
pub struct Files<'a> {
    pub scenario: &'a str,
    pub files: usize,
    pub bytes: usize,
    pub fixture: &'a str,
    pub mime: &'a str,
}

/// Made-up bytes of `len`, different for each file `n` (distinct sha256s,
/// as distinct photos would have).
fn file_bytes(len: usize, n: usize) -> Vec<u8> {
    let seed = (n as u32).to_le_bytes();
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed[i % 4])
        .collect()
}

/// The fixture's webhook naming `seeded`, from customer `from`, at `ts`.
fn post(fixture: &str, seeded: &Value, wamid: &str, from: &str, ts: i64) -> Vec<u8> {
    let mut doc: Value = serde_json::from_slice(&media_webhook(fixture, seeded, wamid))
        .expect("the fixture is JSON");
    let value = &mut doc["entry"][0]["changes"][0]["value"];
    value["contacts"][0]["wa_id"] = Value::from(from);
    value["messages"][0]["from"] = Value::from(from);
    value["messages"][0]["timestamp"] = Value::from(ts.to_string());
    serde_json::to_vec(&doc).expect("serialises")
}

/// The media mapping's BatchSize is 1 (template.yaml, `MediaMapping`): the
/// records of one poll are handed over one per invocation. The poll and
/// its delete stay batched, as `drain_queue` plays them.
async fn one_per_invocation(
    event: SqsEvent,
    usage: &Usage,
    media: &LocalMedia,
) -> Result<SqsBatchResponse, Box<dyn std::error::Error + Send + Sync>> {
    let mut out = SqsBatchResponse::default();
    for record in event.records {
        let mut single = SqsEvent::default();
        single.records = vec![record];
        let answer = usage.measure(media.handle(single)).await?;
        out.batch_item_failures.extend(answer.batch_item_failures);
    }
    Ok(out)
}

pub async fn media(a: &Args, sim: &RunningSimulator, files: &Files<'_>) -> Value {
    let scenario = files.scenario;
    let world = World::new().await;
    announce(scenario);
    let counted = Counted::new(&world, scenario).await;
    let webhook = counted.webhook.webhook();
    // Automation off: the file's cost, not the rules'.
    let processor = counted.processor.processor_with(None, None);
    let media = counted.media.media_function(sim);
    let graph_before = sim.requests().len();
    let (wh, pr, me) = (Usage::default(), Usage::default(), Usage::default());
    for i in 0..files.files {
        let seeded = sim.seed_media(file_bytes(files.bytes, i), files.mime);
        let body = post(
            files.fixture,
            &seeded,
            &format!("wamid.cost{scenario}{i:06}"),
            &wa_id(i % a.contacts),
            OPEN_HOURS_NOW + i as i64,
        );
        let answer = wh
            .measure(counted.webhook.post_signed(&webhook, &body))
            .await;
        assert_eq!(answer.status(), 200, "webhook POST {i}");
    }
    let drain = process_inbound(&counted, &pr, &processor).await;
    assert_eq!((drain.delivered, drain.failed), (files.files, 0));
    let url = counted.esm.media_url.clone();
    let drain = counted
        .esm
        .drain_queue(&url, true, |event| one_per_invocation(event, &me, &media))
        .await;
    assert_eq!((drain.delivered, drain.failed), (files.files, 0));
    let graph_calls = sim.requests().len() - graph_before;

    // Checked straight on moto (uncounted): one object of the file's size
    // per message, and every message records it.
    let listed = world
        .s3
        .list_objects_v2()
        .bucket(&world.bucket)
        .send()
        .await
        .expect("list the bucket");
    let sizes: Vec<i64> = listed.contents().iter().filter_map(|o| o.size()).collect();
    assert_eq!(sizes.len(), files.files, "one object per file");
    assert!(
        sizes.iter().all(|&n| n == files.bytes as i64),
        "whole files"
    );
    let stored = world
        .items_of_type("message")
        .await
        .into_iter()
        .filter(|i| {
            let doc = shared::adapters::dynamo::item_to_doc(i.clone());
            doc["media"]["state"] == "stored"
        })
        .count();
    assert_eq!(stored, files.files, "every message records its copy");
    json!({"scenario": scenario, "unit": "stored file", "count": files.files,
        "contacts": a.contacts, "file_bytes": files.bytes, "mime_type": files.mime,
        "batch_size": 10, "media_batch_size": 1, "graph_calls": graph_calls,
        "functions": {"webhook": wh.to_json(), "processor": pr.to_json(), "media": me.to_json()}})
}
