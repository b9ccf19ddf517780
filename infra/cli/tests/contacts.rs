//! `jum contacts …` as a privacy officer runs it: the built binary signs
//! each call with SigV4; infra/local/contacts_gateway.py checks the
//! signature with botocore (as API Gateway's AWS_IAM routes do) and hands
//! the contacts function (this test's, on moto) the signed principal.

mod common;

use base64::Engine;
use common::{command, deployed_stack, moto, ran, Ran};
use integration_tests::contacts_gateway::{self, GATEWAY_PRINCIPAL, SIGNING_KEY, SIGNING_SECRET};
use integration_tests::{fixture, World};
use serde_json::Value;
use shared::adapters::s3::layout::object_key;
use shared::domain::ids::{ContactKey, WaId};
use shared::ports::contacts::SubjectHasher;
use shared::ports::media::MediaTarget;

const WA_ID: &str = "16505551234";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 a broken umbrella";

/// `jum --contacts-url URL ARGS`, signing with `secret` for the gateway's key.
fn jum_signed(url: &str, secret: &str, args: &[&str]) -> Ran {
    ran(signing(secret).args(["--contacts-url", url]).args(args))
}

/// jum with the gateway's key in the environment, as the AWS CLI finds it.
fn signing(secret: &str) -> std::process::Command {
    let mut cmd = command();
    cmd.env("AWS_ACCESS_KEY_ID", SIGNING_KEY)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("JUM_CONTACTS_URL")
        .env("AWS_REGION", "us-east-1")
        .stdin(std::process::Stdio::null());
    cmd
}

/// A contact with a text, an image, a status and a stored file.
async fn seeded(world: &World) {
    let webhook = world.webhook();
    for name in ["text.json", "image.json", "status_read.json"] {
        assert_eq!(
            world.post_signed(&webhook, &fixture(name)).await.status(),
            200
        );
    }
    world.drain(&world.processor()).await;
    let contact = ContactKey::Phone(WaId::parse(WA_ID).unwrap());
    let subject = world.hasher().hash(&contact).await.unwrap();
    world
        .s3
        .put_object()
        .bucket(&world.bucket)
        .key(
            object_key(&MediaTarget {
                subject_hash: &subject,
                wamid: "wamid.IMG",
                media_id: "1029720905126783",
            })
            .unwrap(),
        )
        .content_type("image/jpeg")
        .body(JPEG.to_vec().into())
        .send()
        .await
        .unwrap();
}

async fn partition(world: &World) -> usize {
    let pk = format!("C#{WA_ID}");
    world
        .items()
        .await
        .iter()
        .filter(|i| integration_tests::s(i, "pk") == Some(pk.as_str()))
        .count()
}

async fn audit_actions(world: &World) -> Vec<(String, String)> {
    world
        .items_of_type("audit")
        .await
        .iter()
        .map(|i| {
            let get = |k| integration_tests::s(i, k).unwrap_or_default().to_owned();
            (get("action"), get("principal"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_out_writes_every_stored_item_and_file_across_several_pages() {
    let world = World::new().await;
    seeded(&world).await;
    let settings = contacts::Settings {
        export_page_items: 1,
        ..Default::default()
    };
    let gateway =
        contacts_gateway::serve(world.contacts_with(shared::ports::SystemClock, settings)).await;
    let out = std::env::temp_dir().join(format!("{}-export.json", world.stack_name));
    let ran = jum_signed(
        &gateway.url,
        SIGNING_SECRET,
        &[
            "contacts",
            "export",
            &format!("+{WA_ID}"),
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let copy: Value =
        serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("one JSON document");
    let stored = partition(&world).await;
    assert!(stored >= 4, "seeded: {stored}");
    assert_eq!(
        copy["items"].as_array().unwrap().len(),
        stored,
        "every stored item"
    );
    assert!(
        copy["pages"].as_u64().unwrap() > 2,
        "followed every page: {}",
        copy["pages"]
    );
    let files = copy["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(files[0]["content_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, JPEG, "the file itself, not a link that expires");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the person's data, readable by the operator only"
        );
    }
    let summary: Value = serde_json::from_str(ran.stdout.trim()).expect("JSON summary");
    assert!(
        !ran.stdout.contains(WA_ID),
        "the number is masked: {}",
        ran.stdout
    );
    assert_eq!(summary["items"], stored);
    assert!(
        audit_actions(&world)
            .await
            .contains(&("export".into(), GATEWAY_PRINCIPAL.into())),
        "audited under the signed principal"
    );
    let _ = std::fs::remove_file(out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_yes_leaves_nothing_and_prints_the_receipt() {
    let world = World::new().await;
    seeded(&world).await;
    let gateway = contacts_gateway::serve(world.contacts()).await;
    let erase = |args: &[&str]| {
        let mut all = vec!["contacts", "erase", WA_ID];
        all.extend_from_slice(args);
        jum_signed(&gateway.url, SIGNING_SECRET, &all)
    };
    let unconfirmed = erase(&[]);
    assert_eq!(
        unconfirmed.code, 4,
        "no terminal, no --yes: {}",
        unconfirmed.stderr
    );
    assert!(partition(&world).await > 0, "nothing erased unconfirmed");

    let ran = erase(&["--yes", "--wait", "--json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let receipt: Value = serde_json::from_str(ran.stdout.trim()).expect("the receipt");
    assert!(receipt["receipt_id"].is_string(), "{receipt}");
    assert!(receipt["completed_at"].is_string(), "{receipt}");
    assert_eq!(receipt["objects_deleted"], 1);
    assert_eq!(partition(&world).await, 0, "no item of the person left");
    let left = world
        .s3
        .list_objects_v2()
        .bucket(&world.bucket)
        .send()
        .await
        .unwrap();
    assert_eq!(left.key_count(), Some(0), "no file left");

    let gone = jum_signed(&gateway.url, SIGNING_SECRET, &["contacts", "show", WA_ID]);
    assert_eq!(gone.code, 3, "{}", gone.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_is_sigv4_signed_and_a_wrong_signature_is_refused() {
    let world = World::new().await;
    seeded(&world).await;
    let gateway = contacts_gateway::serve(world.contacts()).await;

    let forged = jum_signed(&gateway.url, "not-the-secret", &["contacts", "show", WA_ID]);
    assert_eq!(forged.code, 4, "{}", forged.stderr);
    assert!(forged.stderr.contains("403"), "{}", forged.stderr);
    let unsigned = reqwest::get(format!("{}/{WA_ID}", gateway.url))
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    assert!(
        audit_actions(&world).await.is_empty(),
        "neither reached the function"
    );

    let shown = jum_signed(
        &gateway.url,
        SIGNING_SECRET,
        &["contacts", "show", WA_ID, "--json"],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert_eq!(
        audit_actions(&world).await,
        vec![("read_profile".to_owned(), GATEWAY_PRINCIPAL.to_owned())],
        "the function saw the principal botocore verified"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rights_round_trip_and_a_deployed_stack_names_its_contacts_api() {
    let world = World::new().await;
    seeded(&world).await;
    let gateway = contacts_gateway::serve(world.contacts()).await;
    let run = |args: &[&str]| jum_signed(&gateway.url, SIGNING_SECRET, args);
    for args in [
        &[
            "contacts",
            "correct",
            WA_ID,
            "--display-name",
            "Ana",
            "--field",
            "tier=gold",
        ][..],
        &[
            "contacts", "link", WA_ID, "--system", "orders", "--type", "order", "--id", "1042",
        ],
        &[
            "contacts",
            "restrict",
            WA_ID,
            "--reason",
            "disputed accuracy",
        ],
        &["contacts", "restrict", WA_ID, "--lift"],
        &[
            "contacts",
            "consent",
            WA_ID,
            "--state",
            "opted-out",
            "--category",
            "marketing",
        ],
    ] {
        let ran = run(args);
        assert_eq!(ran.code, 0, "{args:?}: {}", ran.stderr);
    }
    let shown = run(&["contacts", "show", WA_ID, "--json"]);
    let profile: Value = serde_json::from_str(shown.stdout.trim()).expect("JSON");
    assert_eq!(profile["profile"]["display_name"], "Ana", "{profile}");
    assert_eq!(profile["profile"]["consent_state"], "opted_out");
    let history = run(&[
        "contacts", "history", WA_ID, "--limit", "1", "--all", "--json",
    ]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    assert_eq!(
        history.stdout.lines().count(),
        2,
        "both messages, one page each"
    );
    let audit = run(&["contacts", "audit", WA_ID, "--all", "--json"]);
    let actions: Vec<Value> = audit
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for action in [
        "correct_profile",
        "add_link",
        "set_restriction",
        "set_consent",
        "read_messages",
    ] {
        assert!(
            actions.iter().any(|a| a["action"] == action),
            "{action}: {actions:?}"
        );
    }
    let bad = run(&["contacts", "show", "not-a-number"]);
    assert_eq!(bad.code, 4, "{}", bad.stderr);
    let usage = run(&["contacts", "consent", WA_ID, "--state", "maybe"]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);

    // --stack: the ContactsApiUrl output, from CloudFormation (moto).
    let name = deployed_stack(&world, "contacts", &[("ContactsApiUrl", &gateway.url)]).await;
    let deployed = ran(signing(SIGNING_SECRET).args([
        "--stack",
        &name,
        "--endpoint-url",
        &moto(),
        "contacts",
        "show",
        WA_ID,
        "--json",
    ]));
    assert_eq!(deployed.code, 0, "{}", deployed.stderr);
}
