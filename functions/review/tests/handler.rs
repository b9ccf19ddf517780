//! The review on the in-memory fakes: what it finds, what it keeps and
//! tells, and that no finding ever shows a secret.

use std::sync::Arc;

use review::config::Config;
use review::{ReviewPorts, Reviewer};
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_review::{MemoryAccount, MemoryStack};
use shared::domain::review::{NumberFacts, ReviewSettings, Severity, TokenFacts, REQUIRED_SCOPES};
use shared::ports::review::FactError;
use shared::ports::{Clock, Retry, WhatsAppSecrets};
use shared::secrets::StaticSecrets;

const NOW: i64 = 1_795_615_200;
const APP_SECRET: &str = "known-app-secret-7f3a9c";
const ACCESS_TOKEN: &str = "EAAknown-access-token-0b1d";
const VERIFY_TOKEN: &str = "known-verify-token-2e4f6a8c0e2a4c6e";
const PREVIOUS: &str = "known-previous-secret-55aa";

struct Fixed;
impl Clock for Fixed {
    fn now_ms(&self) -> i64 {
        NOW * 1000
    }
}

enum Fakes {}
impl ReviewPorts for Fakes {
    type Graph = MemoryAccount;
    type Queues = MemoryStack;
    type Table = MemoryStack;
    type Alarms = MemoryStack;
    type Secrets = StaticSecrets;
    type Events = MemoryQueue;
    type Clock = Fixed;
    type Templates = shared::adapters::memory_templates::MemoryTemplates;
    type TemplateSource = shared::adapters::memory_templates::MemoryTemplateSource;
}

fn secrets(extra: &str) -> StaticSecrets {
    let json = format!(
        r#"{{"app_secret":"{APP_SECRET}","access_token":"{ACCESS_TOKEN}","verify_token":"{VERIFY_TOKEN}","app_id":"1091827364554637"{extra}}}"#
    );
    StaticSecrets(Arc::new(WhatsAppSecrets::parse(&json).unwrap()))
}

fn reviewer(secrets: StaticSecrets) -> (Reviewer<Fakes>, MemoryStack, MemoryQueue) {
    let account = MemoryAccount::default();
    *account.token.lock().unwrap() = Some(Ok(TokenFacts {
        is_valid: true,
        expires_at: 0,
        scopes: REQUIRED_SCOPES.iter().map(|s| s.to_string()).collect(),
        error: None,
        wabas: vec!["102290129340398".into()],
    }));
    account
        .subscribed
        .lock()
        .unwrap()
        .insert("102290129340398".into(), true);
    account.numbers.lock().unwrap().insert(
        "106540352242922".into(),
        NumberFacts {
            status: Some("CONNECTED".into()),
            quality_rating: Some("GREEN".into()),
            name_status: Some("APPROVED".into()),
            messaging_limit: Some("TIER_2K".into()),
            webhook_url: Some("https://x.example/webhook".into()),
        },
    );
    let stack = MemoryStack::default();
    stack
        .depths
        .lock()
        .unwrap()
        .insert("https://sqs/1/jum-inbound-dlq".into(), 0);
    *stack.last_sweep.lock().unwrap() = Some(NOW - 600);
    let events = MemoryQueue::default();
    let config = Config {
        table_name: "t".into(),
        secret_id: "s".into(),
        events: shared::config::EventBusConfig {
            bus_name: "e".into(),
            source: "s".into(),
        },
        graph_base_url: "g".into(),
        graph_version: "v24.0".into(),
        waba_ids: Vec::new(),
        phone_number_ids: vec!["106540352242922".into()],
        dead_letter_queue_urls: vec!["https://sqs/1/jum-inbound-dlq".into()],
        alarm_topic_arn: "arn:aws:sns:us-east-1:1:alarms".into(),
        run_retention_days: 30,
        template_sync_minutes: 60,
        settings: ReviewSettings {
            webhook_url: Some("https://x.example/webhook".into()),
            ..ReviewSettings::default()
        },
    };
    let r = Reviewer {
        graph: account,
        queues: stack.clone(),
        table: stack.clone(),
        alarms: stack.clone(),
        secrets,
        events: events.clone(),
        clock: Fixed,
        templates: synced_templates(),
        template_source: Default::default(),
        config,
    };
    (r, stack, events)
}

#[tokio::test]
async fn a_healthy_deployment_has_only_ok_findings_and_its_run_is_kept_and_told() {
    let (r, stack, events) = reviewer(secrets(""));
    let counts = r.handle().await.unwrap();
    assert_eq!(
        (counts.warning, counts.critical),
        (0, 0),
        "{:?}",
        stack.runs.lock().unwrap()
    );
    let runs = stack.runs.lock().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].expires_at, NOW + 30 * 86_400);
    let published = events.sent();
    assert_eq!(published.len(), 1);
    let event: serde_json::Value = serde_json::from_str(&published[0]).unwrap();
    assert_eq!(event["type"], "integration.review_completed");
    assert_eq!(event["data"]["ok"], counts.ok);
}

#[tokio::test]
async fn no_finding_shows_a_secret_even_when_an_error_message_carries_one() {
    let (r, _, _) = reviewer(secrets(&format!(r#","previous_app_secret":"{PREVIOUS}""#)));
    // An upstream error that quotes the token and the app token (the worst case).
    *r.graph.token.lock().unwrap() = Some(Err(FactError {
        source_name: "graph",
        message: format!("bad request for input_token={ACCESS_TOKEN}&access_token=1|{APP_SECRET} ({VERIFY_TOKEN}, {PREVIOUS})"),
        retry: Retry::Permanent,
    }));
    let findings = r.review().await;
    let text = format!("{findings:?}");
    for secret in [APP_SECRET, ACCESS_TOKEN, VERIFY_TOKEN, PREVIOUS] {
        assert!(!text.contains(secret), "{secret} shown in {text}");
    }
    assert!(findings
        .iter()
        .any(|f| f.check == "secret.previous_app_secret" && f.severity == Severity::Warning));
}

#[tokio::test]
async fn a_parked_dead_letter_and_an_old_sweep_are_critical() {
    let (r, stack, _) = reviewer(secrets(""));
    stack
        .depths
        .lock()
        .unwrap()
        .insert("https://sqs/1/jum-inbound-dlq".into(), 4);
    *stack.last_sweep.lock().unwrap() = Some(NOW - 3 * 3600);
    let counts = r.handle().await.unwrap();
    assert_eq!(counts.critical, 2);
}

/// A template store whose WABA synced ten minutes ago.
fn synced_templates() -> shared::adapters::memory_templates::MemoryTemplates {
    let store = shared::adapters::memory_templates::MemoryTemplates::default();
    store.syncs.lock().unwrap().insert(
        shared::domain::templates::WabaId::parse("102290129340398").unwrap(),
        shared::ports::templates::SyncState {
            synced_at: Some(NOW - 600),
            ..Default::default()
        },
    );
    store
}
