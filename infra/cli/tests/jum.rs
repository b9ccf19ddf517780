//! `jum` as a user runs it: the built binary against moto, on a local stack
//! made as `make dev` makes it (the integration tests' World). Needs
//! `JUM_TEST_ENDPOINT_URL`: run through `make test`.

mod common;

use common::{jum, jum_with, moto, park, spawn_jum};
use integration_tests::World;
use serde_json::Value;

#[tokio::test]
async fn every_kind_of_failure_has_its_exit_code_and_a_hint() {
    let world = World::new().await;
    for usage in [
        vec!["send", "--to", "16505551234"],
        vec!["nonsense"],
        vec!["dlq", "show", "--queue", "nowhere"],
        vec!["send", "--to", "1", "--text", "a", "--param", "p"],
    ] {
        let ran = jum(&world, &usage);
        assert_eq!(ran.code, 2, "{usage:?}: {}", ran.stderr);
    }
    let missing = jum_with(
        &["--local-stack", "no-such-stack", "--endpoint-url", &moto()],
        &["stack"],
    );
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(missing.stderr.contains("hint: "), "{}", missing.stderr);
    let down = jum_with(
        &[
            "--local-stack",
            &world.stack_name,
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &["stack"],
    );
    assert_eq!(down.code, 5, "{}", down.stderr);
    assert!(down.stderr.contains("make dev"), "{}", down.stderr);
    // A deployed stack with no credentials anywhere: one line and a hint,
    // not the SDK's account of every provider it tried.
    let unsigned = common::ran(
        common::command()
            .args(["--stack", "prod-jum", "stack"])
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_REGION", "us-east-1"),
    );
    assert_eq!(unsigned.code, 5, "{}", unsigned.stderr);
    assert_eq!(unsigned.stderr.lines().count(), 2, "{}", unsigned.stderr);
    assert!(
        unsigned.stderr.contains("no AWS credentials"),
        "{}",
        unsigned.stderr
    );
}

#[tokio::test]
async fn dlq_show_peeks_with_numbers_masked_and_leaves_the_record_parked() {
    let world = World::new().await;
    let command = r#"{"idempotency_key":"dead-1","to":"16505559876","message":{"type":"text","text":{"body":"secret words"}}}"#;
    park(&world, &world.outbound_dlq_url, command).await;
    let list = jum(&world, &["dlq", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let queues: Value = serde_json::from_str(&list.stdout).expect("JSON");
    let outbound = queues
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "outbound")
        .expect("listed");
    assert_eq!(outbound["messages"], 1);

    let shown = jum(&world, &["dlq", "show", "--queue", "outbound"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("dead-1"), "{}", shown.stdout);
    assert!(
        !shown.stdout.contains("16505559876"),
        "masked: {}",
        shown.stdout
    );
    assert!(
        !shown.stdout.contains("secret words"),
        "no body: {}",
        shown.stdout
    );
    let again = jum(&world, &["dlq", "list", "--json"]);
    assert!(
        again.stdout.contains("\"messages\": 1"),
        "still parked: {}",
        again.stdout
    );
}

/// `--show-content` prints bodies, each read first written to the audit
/// trail of the person it names, as a contacts API read is.
#[tokio::test]
async fn dlq_show_content_is_audited_for_the_person_before_it_is_shown() {
    use shared::ports::contacts::SubjectHasher;
    let world = World::new().await;
    let command = r#"{"idempotency_key":"dead-2","to":"+16505559877","message":{"type":"text","text":{"body":"secret words"}}}"#;
    park(&world, &world.outbound_dlq_url, command).await;
    let audits = || async { world.items_of_type("audit").await };

    let hidden = jum(&world, &["dlq", "show", "--queue", "outbound", "--json"]);
    assert!(!hidden.stdout.contains("secret words"), "{}", hidden.stdout);
    assert!(audits().await.is_empty(), "nothing read, nothing audited");

    let shown = jum(
        &world,
        &[
            "dlq",
            "show",
            "--queue",
            "outbound",
            "--show-content",
            "--json",
        ],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let records: Value = serde_json::from_str(&shown.stdout).expect("JSON");
    assert_eq!(
        records[0]["content"]["message"]["text"]["body"],
        "secret words"
    );
    let contact = shared::domain::ids::ContactKey::Phone(
        shared::domain::ids::WaId::parse("16505559877").unwrap(),
    );
    let subject = world.hasher().hash(&contact).await.unwrap();
    let audit = audits().await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    let field = |k| {
        integration_tests::s(&audit[0], k)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("action"), "read_dlq_content");
    assert_eq!(field("detail"), "outbound");
    assert_eq!(field("subject_hash"), subject, "in the person's own trail");
    assert!(
        field("principal").starts_with("arn:aws:"),
        "{}",
        field("principal")
    );
    assert_eq!(
        world.queue_depth(&world.outbound_dlq_url).await,
        1,
        "still parked"
    );
}

#[tokio::test]
async fn dlq_redrive_moves_a_dead_inbound_record_back_and_it_is_then_stored() {
    let world = World::new().await;
    let webhook = world.webhook();
    let body =
        integration_tests::text_webhook("16505551250", "wamid.CLIREDRIVE1", "hello", 1_795_615_200);
    world.post_signed(&webhook, &body).await;
    // The processor failed it five times: SQS parked it as it was.
    let parked = world.receive_batch(&world.inbound_url).await;
    assert_eq!(parked.len(), 1);
    for m in &parked {
        world
            .sqs
            .send_message()
            .queue_url(&world.dlq_url)
            .message_body(m.body().unwrap_or_default())
            .set_message_attributes(m.message_attributes().cloned())
            .send()
            .await
            .expect("parked");
    }
    world.delete_batch(&world.inbound_url, &parked).await;

    let unconfirmed = jum(&world, &["dlq", "redrive", "--queue", "inbound"]);
    assert_eq!(
        unconfirmed.code, 4,
        "no terminal, no --yes: {}",
        unconfirmed.stderr
    );
    assert_eq!(world.queue_depth(&world.dlq_url).await, 1, "nothing moved");

    let moved = jum(
        &world,
        &["dlq", "redrive", "--queue", "inbound", "--yes", "--json"],
    );
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    let answer: Value = serde_json::from_str(&moved.stdout).expect("JSON");
    assert_eq!(answer["moved"], 1);
    assert_eq!(world.queue_depth(&world.dlq_url).await, 0);
    let drained = world.drain(&world.processor()).await;
    assert_eq!((drained.delivered, drained.failed), (1, 0));
    let events = world.events().await;
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "message.received" && e["data"]["wamid"] == "wamid.CLIREDRIVE1"),
        "stored and announced: {events:?}"
    );
}

#[tokio::test]
async fn events_tail_sees_an_event_while_the_events_queue_keeps_it_and_leaves_nothing_behind() {
    let world = World::new().await;
    let child = spawn_jum(
        &world,
        &[
            "events",
            "tail",
            "--type",
            "contact.*",
            "--count",
            "1",
            "--seconds",
            "30",
            "--json",
        ],
    );
    let events = aws_sdk_eventbridge::Client::new(&world.sdk);
    let tail_rule = || async {
        events
            .list_rules()
            .event_bus_name(&world.event_bus)
            .name_prefix(format!("{}-tail-", world.stack_name))
            .send()
            .await
            .expect("rules")
            .rules()
            .len()
    };
    // Subscribed once the rule has its target (jum makes the rule first):
    // an event published before that would reach nobody.
    let subscribed = || async {
        let rules = events
            .list_rules()
            .event_bus_name(&world.event_bus)
            .name_prefix(format!("{}-tail-", world.stack_name))
            .send()
            .await
            .expect("rules");
        let Some(rule) = rules.rules().first().and_then(|r| r.name()) else {
            return false;
        };
        let targets = events
            .list_targets_by_rule()
            .rule(rule)
            .event_bus_name(&world.event_bus)
            .send()
            .await
            .expect("targets");
        !targets.targets().is_empty()
    };
    for _ in 0..300 {
        if subscribed().await {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let event = |id: &str, kind| shared::domain::events::Event {
        event_id: id.into(),
        kind,
        occurred_at: "2026-12-03T09:00:00Z".into(),
        phone_number_id: Some("106540352242922".into()),
        wa_id: Some("16505551260".into()),
        data: serde_json::json!({}),
    };
    use shared::ports::EventSink;
    world
        .event_sink()
        .publish(&[
            event("tail-1", shared::domain::events::EventKind::MessageReceived),
            event("tail-2", shared::domain::events::EventKind::ContactOptedOut),
        ])
        .await
        .expect("published");
    let out = child.wait_with_output().expect("jum ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert_eq!(lines[0]["event_id"], "tail-2", "only contact.*");
    let kept = world.events().await;
    assert_eq!(kept.len(), 2, "the events queue kept both: {kept:?}");
    assert_eq!(tail_rule().await, 0, "its rule is gone");
    let queues = world
        .sqs
        .list_queues()
        .queue_name_prefix(format!("{}-tail-", world.stack_name))
        .send()
        .await
        .expect("queues");
    assert!(queues.queue_urls().is_empty(), "its queue is gone");
}

#[tokio::test]
async fn completions_need_no_stack_and_name_every_subcommand() {
    let ran = jum_with(
        &["--endpoint-url", "http://127.0.0.1:9"],
        &["completions", "bash"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    for sub in ["stack", "send", "dlq", "events", "redrive", "tail"] {
        assert!(ran.stdout.contains(sub), "{sub} in the script");
    }
    assert_eq!(
        jum_with(&[], &["completions", "tcsh"]).code,
        2,
        "an unknown shell is a usage error"
    );
}
