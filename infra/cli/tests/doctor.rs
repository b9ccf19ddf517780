//! `jum doctor`: the review's own code on the world's local stack and the
//! Graph API simulator (as `make dev` runs them): a table, or the findings
//! as JSON; exit 0 without a critical finding, 1 with one.

mod common;

use common::{moto, Ran};
use integration_tests::{World, PHONE_NUMBER_ID};
use serde_json::{json, Value};

fn doctor(world: &World, sim: &graph_simulator::RunningSimulator, json_out: bool) -> Ran {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jum"));
    cmd.args([
        "--local-stack",
        &world.stack_name,
        "--endpoint-url",
        &moto(),
        "doctor",
    ])
    .env_remove("JUM_STACK")
    .env("GRAPH_API_BASE_URL", sim.base_url())
    .env("JUM_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
    .env_remove("JUM_WABA_ID");
    if let Some(url) = sim.behaviour().webhook_url {
        cmd.env("JUM_WEBHOOK_URL", url);
    }
    if json_out {
        cmd.arg("--json");
    }
    let out = cmd.output().expect("jum runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn findings(ran: &Ran) -> Vec<Value> {
    serde_json::from_str(ran.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {}", ran.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_exits_zero_on_a_sound_stack_and_1_on_a_critical_finding() {
    // As the review's own tests set a sound stack up: the sweep ran, the
    // verify token is as long as a deploy's, the templates are synced.
    let world = World::new().await;
    world.sweep_once().await;
    world
        .patch_secret(json!({"verify_token": "0123456789abcdef0123456789abcdef"}))
        .await;
    let sim = world.simulator(|_| {}).await;
    assert!(world
        .reviewer(&sim, "")
        .await
        .sync_templates()
        .await
        .failed
        .is_empty());

    let sound = doctor(&world, &sim, true);
    assert_eq!(sound.code, 0, "{}\n{}", sound.stdout, sound.stderr);
    let found = findings(&sound);
    assert!(
        found.iter().all(|f| f["severity"] != "critical"),
        "{found:?}"
    );
    for check in [
        "token.expiry",
        "number.webhook",
        "stack.dlq",
        "templates.sync",
    ] {
        assert!(
            found.iter().any(|f| f["check"] == check),
            "{check} looked at: {found:?}"
        );
    }

    sim.update_account(|a| a.token.expires_at = 1_700_000_000);
    let expired = doctor(&world, &sim, true);
    assert_eq!(expired.code, 1, "{}", expired.stderr);
    assert!(findings(&expired)
        .iter()
        .any(|f| f["check"] == "token.valid" && f["severity"] == "critical"));
    let table = doctor(&world, &sim, false);
    assert_eq!(table.code, 1);
    let first = table.stdout.lines().nth(1).unwrap_or_default();
    assert!(first.contains("critical"), "worst first:\n{}", table.stdout);
    assert!(
        table.stderr.contains("critical finding"),
        "{}",
        table.stderr
    );
}
