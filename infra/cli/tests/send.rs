//! `jum send` as a user runs it: a command checked as the sender checks
//! it, queued, and (`--wait`) followed to its outcome; `--image` with a
//! local file put in the stack's bucket first.

mod common;

use common::{jum, spawn_jum};
use integration_tests::World;
use serde_json::Value;

#[tokio::test]
async fn send_queues_a_command_the_sender_accepts_and_refuses_a_bad_one_with_exit_4() {
    let world = World::new().await;
    let ok = jum(
        &world,
        &[
            "send",
            "--to",
            "+16505551234",
            "--template",
            "order_shipped",
            "--param",
            "10420",
            "--key",
            "cli-1",
            "--json",
        ],
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let answer: Value = serde_json::from_str(&ok.stdout).expect("JSON");
    assert_eq!(answer["idempotency_key"], "cli-1");
    assert!(
        !ok.stdout.contains("6505551234"),
        "the number is masked: {}",
        ok.stdout
    );
    let queued = world.commands().await;
    assert_eq!(queued.len(), 1);
    assert_eq!(
        queued[0]["message"]["template"]["components"][0]["parameters"][0]["text"],
        "10420"
    );
    shared::domain::outbound::parse_command(&queued[0].to_string())
        .expect("the sender's parser takes it");

    let long = "x".repeat(4097);
    let refused = jum(&world, &["send", "--to", "16505551234", "--text", &long]);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("at most 4096"),
        "the sender's own words: {}",
        refused.stderr
    );
    assert!(world.commands().await.is_empty(), "nothing queued");
}

#[tokio::test]
async fn send_wait_follows_a_command_through_the_simulators_statuses_to_read() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let processor = world.processor();
    let child = spawn_jum(
        &world,
        &[
            "send",
            "--to",
            "16505551270",
            "--template",
            "order_shipped",
            "--key",
            "wait-1",
            "--wait",
            "--timeout",
            "60",
            "--json",
        ],
    );
    // Play the sender and the processor (as their queues' mappings would)
    // until jum has seen the outcome.
    let started = std::time::Instant::now();
    let mut child = child;
    while child.try_wait().expect("status").is_none() && started.elapsed().as_secs() < 60 {
        world.drain_outbound(&sender).await;
        world.drain(&processor).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let out = child.wait_with_output().expect("jum ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let steps: Vec<String> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["step"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(steps.first().map(String::as_str), Some("sent"), "{stdout}");
    assert_eq!(steps.last().map(String::as_str), Some("read"), "{stdout}");
}

#[tokio::test]
async fn send_wait_exits_4_when_the_command_is_rejected() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    // Free text to someone who never wrote: outside the 24-hour window.
    let mut child = spawn_jum(
        &world,
        &[
            "send",
            "--to",
            "16505551271",
            "--text",
            "hello",
            "--wait",
            "--timeout",
            "60",
        ],
    );
    let started = std::time::Instant::now();
    while child.try_wait().expect("status").is_none() && started.elapsed().as_secs() < 60 {
        world.drain_outbound(&sender).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let out = child.wait_with_output().expect("jum ends");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("rejected"));
}

#[tokio::test]
async fn send_image_puts_a_local_file_in_the_bucket_and_the_sender_sends_it_by_id() {
    let world = World::new().await;
    let sim = world
        .simulator(|c| c.behaviour.rate_limits.pair.enabled = false)
        .await;
    let sender = world.sender(&sim, 80);
    // The customer wrote a minute ago: an image is free-form, so it needs
    // the open 24-hour window.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body =
        integration_tests::text_webhook("16505551280", "wamid.CLIIMG1", "a photo please", now - 60);
    world.post_signed(&world.webhook(), &body).await;
    world.drain(&world.processor()).await;

    let file = std::env::temp_dir().join(format!("{}-storm.jpg", world.stack_name));
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.extend((0..4096u32).map(|i| (i % 251) as u8));
    std::fs::write(&file, &photo).unwrap();
    let ran = jum(
        &world,
        &[
            "send",
            "--to",
            "+16505551280",
            "--image",
            file.to_str().unwrap(),
            "--caption",
            "The Storm 2000",
            "--key",
            "img-1",
            "--json",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let objects = world
        .s3
        .list_objects_v2()
        .bucket(&world.bucket)
        .prefix("outbound/jum/")
        .send()
        .await
        .unwrap();
    assert_eq!(
        objects.key_count(),
        Some(1),
        "the file is in the stack's bucket"
    );

    assert_eq!(world.drain_outbound(&sender).await.failed, 0);
    let uploads: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/media"))
        .collect();
    assert_eq!(uploads.len(), 1, "uploaded to Meta once");
    // (The processor may have queued an auto-reply to the text as well.)
    let sent: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .filter(|r| r.body.as_ref().is_some_and(|b| b["type"] == "image"))
        .collect();
    assert_eq!(sent.len(), 1);
    let image = &sent[0].body.as_ref().expect("JSON")["image"];
    assert_eq!(
        image["id"], uploads[0].response.body["id"],
        "sent by Meta's id"
    );
    assert_eq!(image["caption"], "The Storm 2000");

    let pdf = file.with_extension("pdf");
    std::fs::write(&pdf, b"%PDF-1.7").unwrap();
    let refused = jum(
        &world,
        &[
            "send",
            "--to",
            "+16505551280",
            "--image",
            pdf.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    let _ = (std::fs::remove_file(file), std::fs::remove_file(pdf));
}
