//! Faults and the control endpoints: forced errors, timeouts, seeded
//! injection, configuration over HTTP.

use crate::support::*;

#[tokio::test]
async fn forced_errors_should_answer_the_next_requests_then_recover() {
    let sim = spawn(fast_config(None)).await.unwrap();
    sim.force_next(131000, 1);
    sim.force_next(2, 1);
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(
        (status, answer["error"]["code"].clone()),
        (500, json!(131000))
    );
    let (status, answer) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!((status, answer["error"]["code"].clone()), (503, json!(2)));
    assert_eq!(answer["error"]["is_transient"], true);
    assert_eq!(
        send(&sim, "sim-access-token", text_to("15551234567", "x"))
            .await
            .0,
        200
    );
    assert_eq!(sim.requests()[0].response.cause, "forced");
}

#[tokio::test]
async fn control_endpoints_should_change_config_and_report_stats_over_http() {
    let sim = spawn(fast_config(None)).await.unwrap();
    let client = reqwest::Client::new();
    let base = sim.base_url();
    let patched: Value = client
        .post(format!("{base}/_sim/config"))
        .json(&json!({"faults": {"force_next": [{"code": 131016, "count": 1}]}, "seed": 7}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["faults"]["force_next"][0]["code"], 131016);
    let refused = client
        .post(format!("{base}/_sim/config"))
        .json(&json!({"faults": {"server_error_rate": 3.0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);

    let (status, _) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(status, 500);
    send(&sim, "sim-access-token", text_to("15551234567", "x")).await;

    let stats: Value = client
        .get(format!("{base}/_sim/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["by_code"], json!({"131016": 1, "success": 1}));
    let recorded: Value = client
        .get(format!("{base}/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(recorded.as_array().unwrap().len(), 2);
    let cleared = client
        .delete(format!("{base}/_sim/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status().as_u16(), 204);
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn timeout_fault_should_hold_the_request_before_answering() {
    let mut config = fast_config(None);
    config.behaviour.faults.timeout_rate = 1.0;
    config.behaviour.faults.timeout_ms = 300;
    let sim = spawn(config).await.unwrap();
    let started = Instant::now();
    let (status, _) = send(&sim, "sim-access-token", text_to("15551234567", "x")).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(sim.requests()[0].response.held_ms, Some(300));
}

#[tokio::test]
async fn same_seed_should_inject_the_same_faults() {
    async fn run() -> Vec<u16> {
        let mut config = fast_config(None);
        config.seed = 1234;
        config.behaviour.faults.server_error_rate = 0.5;
        let sim = spawn(config).await.unwrap();
        let mut statuses = Vec::new();
        for n in 0..12 {
            statuses.push(
                send(
                    &sim,
                    "sim-access-token",
                    text_to(&format!("155500000{n:02}"), "x"),
                )
                .await
                .0,
            );
        }
        statuses
    }
    let first = run().await;
    assert_eq!(first, run().await);
    assert!(
        first.contains(&200) && first.iter().any(|s| *s >= 500),
        "{first:?}"
    );
}
