//! What every `jum` test file shares: run the built binary on a World's
//! local stack (moto through `JUM_TEST_ENDPOINT_URL`, set by `make test`).

#![allow(dead_code)] // each test file uses a part

use integration_tests::World;

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn moto() -> String {
    std::env::var("JUM_TEST_ENDPOINT_URL").expect("JUM_TEST_ENDPOINT_URL: run through `make test`")
}

/// `jum ARGS` on the world's stack (the local target).
pub fn jum(world: &World, args: &[&str]) -> Ran {
    jum_with(
        &[
            "--local-stack",
            &world.stack_name,
            "--endpoint-url",
            &moto(),
        ],
        args,
    )
}

pub fn jum_with(target: &[&str], args: &[&str]) -> Ran {
    ran(command().args(target).args(args))
}

/// The built binary, with no inherited `JUM_STACK` choosing its target.
pub fn command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jum"));
    cmd.env_remove("JUM_STACK");
    cmd
}

/// Runs a prepared `jum` to its end.
pub fn ran(cmd: &mut std::process::Command) -> Ran {
    let out = cmd.output().expect("jum runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A "deployed" stack in moto named `<world's stack>-<suffix>`, whose
/// CloudFormation outputs are `outputs`: what `--stack NAME` reads.
pub async fn deployed_stack(world: &World, suffix: &str, outputs: &[(&str, &str)]) -> String {
    let mut template = serde_json::json!({
        "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
        "Outputs": {}
    });
    for (k, v) in outputs {
        template["Outputs"][*k] = serde_json::json!({ "Value": v });
    }
    let name = format!("{}-{suffix}", world.stack_name);
    aws_sdk_cloudformation::Client::new(&world.sdk)
        .create_stack()
        .stack_name(&name)
        .template_body(template.to_string())
        .send()
        .await
        .expect("a stack in moto");
    name
}

/// `jum ARGS` on the world's stack, running while the test plays the rest.
pub fn spawn_jum(world: &World, args: &[&str]) -> std::process::Child {
    command()
        .args([
            "--local-stack",
            &world.stack_name,
            "--endpoint-url",
            &moto(),
        ])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("jum runs")
}

/// Puts `body` on a dead-letter queue, as SQS parks a failed record.
pub async fn park(world: &World, dlq_url: &str, body: &str) {
    world
        .sqs
        .send_message()
        .queue_url(dlq_url)
        .message_body(body)
        .send()
        .await
        .expect("parked");
}
