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
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jum"))
        .args(target)
        .args(args)
        .env_remove("JUM_STACK")
        .output()
        .expect("jum runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `jum ARGS` on the world's stack, running while the test plays the rest.
pub fn spawn_jum(world: &World, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_jum"))
        .args([
            "--local-stack",
            &world.stack_name,
            "--endpoint-url",
            &moto(),
        ])
        .args(args)
        .env_remove("JUM_STACK")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("jum runs")
}
