//! The integration review over HTTP: `make doctor`'s code (`review::aws`)
//! against the Graph API simulator and the stack in moto (issue #16, item 5).

use integration_tests::World;
use review::report::{exit_code, table};
use serde_json::json;
use shared::domain::review::{Finding, Severity};

fn severity(findings: &[Finding], check: &str) -> Severity {
    findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| f.severity)
        .max()
        .unwrap_or_else(|| panic!("no {check} in\n{}", table(findings)))
}

/// A deployment as it should be: the sweep ran, alarms have a subscriber,
/// the verify token is as long as the deploy's.
async fn healthy_world() -> World {
    let world = World::new().await;
    world.sweep_once().await;
    world
        .patch_secret(json!({"verify_token": "0123456789abcdef0123456789abcdef"}))
        .await;
    world
}

#[tokio::test]
async fn with_everything_right_every_finding_is_ok_and_the_doctor_exits_zero() {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    let topic = world.alarm_topic().await;
    let reviewer = world.reviewer(&sim, &topic).await;
    assert!(reviewer.sync_templates().await.failed.is_empty());
    let findings = reviewer.review().await;
    let not_ok: Vec<_> = findings
        .iter()
        .filter(|f| f.severity != Severity::Ok)
        .collect();
    assert!(not_ok.is_empty(), "{}", table(&findings));
    assert_eq!(exit_code(&findings), 0);
    // Each check looked: the token, the WABA, the number, both DLQs, SNS, PITR.
    for check in [
        "token.expiry",
        "waba.subscribed",
        "number.webhook",
        "stack.alarm_subscribers",
        "stack.point_in_time_recovery",
        "stack.retention_sweep",
        "templates.sync",
    ] {
        assert_eq!(severity(&findings, check), Severity::Ok);
    }
    assert_eq!(
        findings.iter().filter(|f| f.check == "stack.dlq").count(),
        2
    );
}

#[tokio::test]
async fn an_expired_token_is_critical_and_the_doctor_exits_non_zero() {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    sim.update_account(|a| a.token.expires_at = 1_700_000_000);
    let findings = world.reviewer(&sim, "").await.review().await;
    assert_eq!(
        severity(&findings, "token.valid"),
        Severity::Critical,
        "{}",
        table(&findings)
    );
    assert_eq!(exit_code(&findings), 1);
}

#[tokio::test]
async fn a_token_expiring_within_14_days_is_a_warning_only() {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    let soon = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 5 * 86_400;
    sim.update_account(|a| a.token.expires_at = soon);
    let findings = world.reviewer(&sim, "").await.review().await;
    assert_eq!(
        severity(&findings, "token.expiry"),
        Severity::Warning,
        "{}",
        table(&findings)
    );
    assert_eq!(severity(&findings, "token.valid"), Severity::Ok);
}

#[tokio::test]
async fn an_unsubscribed_app_and_a_stale_previous_secret_are_reported_and_the_doctor_exits_non_zero(
) {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    sim.update_account(|a| a.wabas.values_mut().for_each(|w| w.subscribed = false));
    world
        .patch_secret(json!({"previous_app_secret": "the-old-app-secret", "previous_app_secret_since": "2026-01-01"}))
        .await;
    let findings = world.reviewer(&sim, "").await.review().await;
    let printed = table(&findings);
    assert_eq!(
        severity(&findings, "waba.subscribed"),
        Severity::Critical,
        "{printed}"
    );
    assert_eq!(
        severity(&findings, "secret.previous_app_secret"),
        Severity::Warning,
        "{printed}"
    );
    assert_eq!(exit_code(&findings), 1);
    for secret in [
        "the-old-app-secret",
        "dev-app-secret",
        "dev-access-token",
        "0123456789abcdef0123456789abcdef",
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[tokio::test]
async fn a_number_whose_webhooks_go_elsewhere_and_a_parked_dead_letter_are_critical() {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    sim.update_account(|a| {
        a.numbers.values_mut().for_each(|n| {
            n.webhook_configuration = Some(json!({"application": "https://other.example/webhook"}))
        })
    });
    world
        .sqs
        .send_message()
        .queue_url(&world.dlq_url)
        .message_body("{}")
        .send()
        .await
        .unwrap();
    let findings = world.reviewer(&sim, "").await.review().await;
    assert_eq!(
        severity(&findings, "number.webhook"),
        Severity::Critical,
        "{}",
        table(&findings)
    );
    assert_eq!(severity(&findings, "stack.dlq"), Severity::Critical);
}

#[tokio::test]
async fn the_scheduled_run_is_stored_by_day_and_emitted_as_integration_review_completed() {
    let world = healthy_world().await;
    let sim = world.simulator(|_| {}).await;
    let counts = world
        .reviewer(&sim, "")
        .await
        .handle()
        .await
        .expect("the run completes");
    let runs = world.items_of_type("review_run").await;
    assert_eq!(runs.len(), 1);
    let events = world.events().await;
    let review: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "integration.review_completed")
        .collect();
    assert_eq!(review.len(), 1, "{events:?}");
    assert_eq!(review[0]["data"]["critical"], counts.critical);
    assert_eq!(review[0]["wa_id"], serde_json::Value::Null);
}
