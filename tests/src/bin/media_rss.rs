//! Peak RSS of the media function copying one file (BENCHMARKS.md, "Media
//! copy"): a fresh stack in moto, the Graph API simulator in this process
//! serving a made-up document of SIZE bytes, the customer's message stored
//! through the real webhook and processor, and then the media function's
//! release binary run on that job by infra/bench/coldstart/coldstart.py,
//! which reads the process's VmHWM after the invocation. Prints its row.
//!
//! Run by infra/bench/media_rss.sh (a private moto, the release binary):
//!   infra/bench/media_rss.sh 20971520
//! Arguments: SIZE (bytes) BINARY (the media function, release build).

use std::time::Instant;

use integration_tests::{media_webhook, World};

const WAMID: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTBFNzYyOTI3OTQ4ODhENEYxRgA=";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: media_rss SIZE BINARY");
    let binary = args.next().expect("usage: media_rss SIZE BINARY");
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let file: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let seeded = sim.seed_media(file, "application/pdf");
    let body = media_webhook("document.json", &seeded, WAMID);
    assert_eq!(
        world.post_signed(&world.webhook(), &body).await.status(),
        200
    );
    world.drain(&world.processor()).await;
    let got = world
        .sqs
        .receive_message()
        .queue_url(&world.media_url)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await
        .expect("receive the job")
        .messages
        .unwrap_or_default();
    let job = got.first().expect("the processor queued the job");
    let event = serde_json::json!({"Records": [{
        "messageId": job.message_id(),
        "receiptHandle": job.receipt_handle(),
        "body": job.body(),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764028800000"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:media",
        "awsRegion": "us-east-1",
    }]});
    let dir = std::env::temp_dir().join(format!("media-rss-{}", world.stack_name));
    std::fs::create_dir_all(&dir).expect("a work dir");
    let event_file = dir.join("event.json");
    std::fs::write(&event_file, event.to_string()).expect("write the event");
    let endpoint = std::env::var("JUM_TEST_ENDPOINT_URL").expect("run through media_rss.sh");
    let python = std::env::var("JUM_STACK_PY").expect("run through media_rss.sh");
    let python = python.split_whitespace().next().expect("python").to_owned();
    let env = [
        ("AWS_ENDPOINT_URL", endpoint),
        ("TABLE_NAME", world.table.clone()),
        ("MEDIA_BUCKET_NAME", world.bucket.clone()),
        ("EVENT_BUS_NAME", world.event_bus.clone()),
        ("SECRET_ID", world.secret_id.clone()),
        ("HASHING_SECRET_ID", format!("{}/hashing", world.stack_name)),
        ("GRAPH_API_BASE_URL", sim.base_url()),
        ("RUST_LOG", "warn".into()),
    ];
    let started = Instant::now();
    let mut cmd = tokio::process::Command::new(python);
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/bench/coldstart/coldstart.py"
    ))
    .arg(format!("media, {size} B document"))
    .arg(&binary)
    .arg(&event_file)
    // Two runs (the harness needs two for its quantiles): the first copies
    // the file, the second finds it stored; "peak RSS max" is the copy's.
    .args(["--runs", "2", "--memory-mb", "512", "--expect", "0 failed"]);
    for (k, v) in env {
        cmd.arg("--env").arg(format!("{k}={v}"));
    }
    let out = cmd.output().await.expect("coldstart.py runs");
    let seconds = started.elapsed().as_secs_f64();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let objects = world.bucket_objects().await;
    assert_eq!(objects.len(), 1, "the file was stored");
    assert_eq!(objects[0].1.len(), size);
    println!(
        "copied {size} bytes in {seconds:.1} s including the function's start ({:.1} MB/s)",
        size as f64 / 1e6 / seconds
    );
}
