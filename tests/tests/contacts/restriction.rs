//! Restriction (GDPR Art. 18) end to end: the contacts API sets it, the
//! sender honours it against the Graph API simulator, a legal claim
//! overrides it (audited), and lifting it restores sending.

use integration_tests::{contacts_request, of_type, parts, s, LocalSender, World};
use serde_json::{json, Value};

use crate::common::{seeded, WA_ID};

fn template(key: &str, extra: Value) -> String {
    let mut c = json!({"idempotency_key": key, "to": format!("+{WA_ID}"), "category": "utility",
        "message": {"type": "template", "template": {"name": "order_shipped", "language": {"code": "en_US"}}}});
    if let Value::Object(extra) = extra {
        c.as_object_mut().unwrap().extend(extra);
    }
    c.to_string()
}

async fn send(world: &World, sender: &LocalSender, commands: &[String]) {
    for c in commands {
        world.enqueue_command(c).await;
    }
    world.drain_outbound(sender).await;
}

fn graph_sends(sim: &graph_simulator::RunningSimulator) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages"))
        .count()
}

async fn ledger_state(world: &World, key: &str) -> (String, Option<String>) {
    let item = world.ledger_entry(WA_ID, key).await.expect("ledger entry");
    (
        s(&item, "state").unwrap_or_default().to_owned(),
        s(&item, "reason").map(str::to_owned),
    )
}

#[tokio::test]
async fn a_restricted_contact_gets_no_message_a_legal_claim_sends_one_audited_and_lifting_restores_sending(
) {
    let world = seeded().await;
    world.events().await;
    let contacts = world.contacts();
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    let restrict = |on: bool| {
        let c = &contacts;
        async move {
            parts(
                c.handle(contacts_request(
                    "PUT",
                    &format!("/contacts/{WA_ID}/restriction"),
                    Some(json!({"restricted": on, "reason": "disputes the accuracy of the data"})),
                ))
                .await
                .unwrap(),
            )
        }
    };
    assert_eq!(restrict(true).await.0, 200);
    assert_eq!(restrict(true).await.0, 200, "a repeat changes nothing");

    // Nothing of any kind: a template, a free-form reply, a read receipt.
    let read = json!({"idempotency_key": "r-read", "to": WA_ID,
        "message": {"type": "mark_read", "message_id": "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA="}});
    let reply = json!({"idempotency_key": "r-text", "to": WA_ID,
        "message": {"type": "text", "text": {"body": "Any news?"}}});
    send(
        &world,
        &sender,
        &[
            template("r-template", json!({})),
            reply.to_string(),
            read.to_string(),
        ],
    )
    .await;
    assert_eq!(
        graph_sends(&sim),
        0,
        "no call to Meta for a restricted contact"
    );
    for key in ["r-template", "r-text", "r-read"] {
        assert_eq!(
            ledger_state(&world, key).await,
            ("suppressed".into(), Some("restricted".into())),
            "{key}"
        );
    }

    // A legal claim overrides it, and the send is in the audit trail.
    send(
        &world,
        &sender,
        &[template(
            "claim-1",
            json!({"override_restriction": "legal_claim"}),
        )],
    )
    .await;
    assert_eq!(graph_sends(&sim), 1);
    assert_eq!(ledger_state(&world, "claim-1").await.0, "sent");
    let (status, trail) = parts(
        contacts
            .handle(contacts_request(
                "GET",
                &format!("/contacts/{WA_ID}/audit"),
                None,
            ))
            .await
            .unwrap(),
    );
    assert_eq!(status, 200, "{trail}");
    let overrides: Vec<&Value> = trail["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "send_overriding_restriction")
        .collect();
    assert_eq!(overrides.len(), 1, "{trail}");
    assert_eq!(overrides[0]["detail"], "legal_claim");
    assert!(overrides[0]["principal"]
        .as_str()
        .unwrap()
        .starts_with("outbound-queue:"));

    // Lifted: sending resumes.
    assert_eq!(restrict(false).await.0, 200);
    send(&world, &sender, &[template("after-lift", json!({}))]).await;
    assert_eq!(graph_sends(&sim), 2);
    assert_eq!(ledger_state(&world, "after-lift").await.0, "sent");

    let events = world.events().await;
    assert_eq!(
        of_type(&events, "contact.restricted").len(),
        1,
        "once per change"
    );
    assert_eq!(of_type(&events, "contact.restriction_lifted").len(), 1);
    // The bundled rules' automated replies to the seeded messages were
    // still queued: they are suppressed too.
    let suppressed = of_type(&events, "message.suppressed");
    assert!(suppressed
        .iter()
        .all(|e| e["data"]["reason"] == "restricted"));
    let ours = suppressed
        .iter()
        .filter(|e| {
            e["data"]["idempotency_key"]
                .as_str()
                .unwrap()
                .starts_with("r-")
        })
        .count();
    assert_eq!(ours, 3);
    assert!(
        of_type(&events, "contact.restricted")[0]["data"]
            .get("reason")
            .is_none(),
        "the reason may hold personal data and stays in the profile"
    );
}

#[tokio::test]
async fn the_audit_trail_lists_the_reads_made_before_it_newest_first_in_pages() {
    let world = seeded().await;
    let contacts = world.contacts();
    let call = |method: &'static str, path: String| {
        let c = &contacts;
        async move {
            parts(
                c.handle(contacts_request(method, &path, None))
                    .await
                    .unwrap(),
            )
        }
    };
    let base = format!("/contacts/{WA_ID}");
    let done = [
        ("GET", base.clone(), "read_profile"),
        ("GET", format!("{base}/messages"), "read_messages"),
        ("GET", format!("{base}/export"), "export"),
        ("GET", base.clone(), "read_profile"),
    ];
    for (method, path, _) in &done {
        assert_eq!(call(method, path.clone()).await.0, 200);
    }
    // Someone else's record is not in this trail.
    call("GET", "/contacts/16505550000".into()).await;

    let mut actions = Vec::new();
    let mut path = format!("{base}/audit?limit=2");
    let mut pages = 0;
    loop {
        let (status, page) = call("GET", path.clone()).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["contact"], WA_ID);
        let text = page.to_string();
        assert!(!text.contains("subject_hash") && !text.contains("audit_subject"));
        for r in page["records"].as_array().unwrap() {
            assert_eq!(r["principal"], integration_tests::CALLER_ARN);
            actions.push(r["action"].as_str().unwrap().to_owned());
        }
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{base}/audit?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert!(pages >= 2, "paged by 2");
    // Newest first; each page leaves out the record of its own request.
    let reads: Vec<&str> = actions
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "read_audit")
        .collect();
    let expected: Vec<&str> = done.iter().rev().map(|d| d.2).collect();
    assert_eq!(reads, expected);

    let (status, again) = call("GET", format!("{base}/audit")).await;
    assert_eq!(status, 200);
    assert_eq!(
        again["records"][0]["action"], "read_audit",
        "reading the trail is itself audited, and listed from the next read on"
    );
    assert_eq!(call("GET", format!("{base}/audit?cursor=zz")).await.0, 400);
    assert_eq!(call("GET", format!("{base}/audit?limit=0")).await.0, 400);
}
