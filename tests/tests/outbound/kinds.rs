use integration_tests::World;

use crate::common::{customer_wrote_recently, sends};

fn corpus() -> Vec<(String, serde_json::Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/commands/valid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("commands corpus")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        // Files from S3 reach Meta rewritten to an uploaded id: media_s3.rs.
        .filter(|(_, command): &(String, serde_json::Value)| {
            !command.to_string().contains(r#""s3":"#)
        })
        .collect()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test]
async fn every_message_kind_reaches_meta_with_the_graph_body_meta_documents() {
    let world = World::new().await;
    let sim = world
        .simulator(|c| c.behaviour.rate_limits.pair.enabled = false)
        .await;
    let sender = world.sender(&sim, 80);
    let commands = corpus();
    // The marketing commands without evidence of their own rely on the one
    // that carries the customer's opt-in: it goes first, or they are
    // rightly suppressed (`no_marketing_opt_in`) when a batch runs them
    // before it.
    let (with_evidence, others): (Vec<_>, Vec<_>) = commands
        .iter()
        .partition(|(_, command)| command.get("consent").is_some());
    for round in [with_evidence, others] {
        for (name, command) in round {
            if let Some(to) = command["to"].as_str() {
                customer_wrote_recently(&world, &digits(to)).await;
            }
            // Fresh keys: the corpus may reuse one across files.
            let mut command = command.clone();
            command["idempotency_key"] = format!("kinds-{name}").into();
            command.as_object_mut().unwrap().remove("not_after");
            world.enqueue_command(&command.to_string()).await;
        }
        let drained = world.drain_outbound(&sender).await;
        assert_eq!(drained.failed, 0);
    }
    let requests = sends(&sim);
    assert_eq!(requests.len(), commands.len(), "one Graph call per command");
    for (name, command) in &commands {
        let key = format!("kinds-{name}");
        let message = &command["message"];
        let kind = message["type"].as_str().unwrap();
        let is_action = matches!(kind, "mark_read" | "typing_indicator");
        let body = requests
            .iter()
            .filter_map(|r| r.body.clone())
            .find(|b| {
                if is_action {
                    b.get("status").is_some()
                        && b["message_id"] == message["message_id"]
                        && b.get("typing_indicator").is_some() == (kind == "typing_indicator")
                } else {
                    b["biz_opaque_callback_data"] == key.as_str()
                }
            })
            .unwrap_or_else(|| panic!("{name}: no Graph call found"));
        assert_eq!(body["messaging_product"], "whatsapp", "{name}");
        if is_action {
            assert_eq!(body["status"], "read", "{name}");
            assert_eq!(body["message_id"], message["message_id"], "{name}");
            assert_eq!(
                body.get("typing_indicator").is_some(),
                kind == "typing_indicator",
                "{name}"
            );
            continue;
        }
        assert_eq!(body["recipient_type"], "individual", "{name}");
        assert_eq!(
            digits(body["to"].as_str().unwrap()),
            digits(command["to"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(body["type"], kind, "{name}");
        assert_eq!(
            body[kind], message[kind],
            "{name}: Meta's message object passes through untouched"
        );
        match command.get("reply_to") {
            Some(reply_to) => assert_eq!(&body["context"]["message_id"], reply_to, "{name}"),
            None => assert!(body.get("context").is_none(), "{name}"),
        }
    }
}
