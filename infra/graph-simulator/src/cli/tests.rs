use super::*;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn serve(list: &[&str], env: &[(&str, &str)]) -> Result<ServeArgs, String> {
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match parse(&args(list), |k| env.get(k).cloned())? {
        Command::Serve(serve) => Ok(serve),
        other => panic!("expected serve, got {other:?}"),
    }
}

#[test]
fn no_arguments_should_give_defaults_on_port_9090() {
    let serve = serve(&[], &[]).unwrap();
    assert_eq!(serve.config.listen.to_string(), "127.0.0.1:9090");
    assert_eq!(serve.config.behaviour.rate_limits.throughput.mps, 80);
    assert!(serve.config.behaviour.webhook_url.is_none());
}

#[test]
fn flags_should_override_environment() {
    let serve = serve(
        &["--mps=5", "--app-secret", "flag-secret"],
        &[
            ("GRAPH_SIM_MPS", "7"),
            ("GRAPH_SIM_APP_SECRET", "env"),
            ("GRAPH_SIM_SEED", "9"),
        ],
    )
    .unwrap();
    assert_eq!(serve.config.behaviour.rate_limits.throughput.mps, 5);
    assert_eq!(serve.config.app_secret, "flag-secret");
    assert_eq!(serve.config.seed, 9);
}

#[test]
fn fault_flags_should_fill_the_fault_config() {
    let serve = serve(
        &[
            "--error-rate",
            "0.2",
            "--force-next",
            "131000:3",
            "--force-next",
            "2",
            "--recipient-error",
            "+15550001111=131026",
            "--status-delays-ms",
            "0",
            "--no-pair-rate",
            "--undeliverable",
            "sync",
        ],
        &[],
    )
    .unwrap();
    let b = serve.config.behaviour;
    assert_eq!(b.faults.server_error_rate, 0.2);
    assert_eq!(
        b.faults.force_next,
        vec![
            ForcedError {
                code: 131000,
                count: 3
            },
            ForcedError { code: 2, count: 1 }
        ]
    );
    assert_eq!(b.faults.recipient_errors["+15550001111"], 131026);
    assert_eq!(b.webhooks.status_delays_ms, StatusDelays::all(0));
    assert!(!b.rate_limits.pair.enabled);
    assert_eq!(b.recipients.undeliverable, Undeliverable::Sync);
}

#[test]
fn bad_values_should_be_reported() {
    assert!(serve(&["--mps", "many"], &[]).is_err());
    assert!(serve(&["--error-rate", "2"], &[]).is_err());
    assert!(serve(&["--bogus"], &[]).is_err());
    assert!(serve(&["--listen"], &[]).is_err());
}

#[test]
fn help_should_list_every_option_with_its_env_var() {
    let Command::Help(text) = parse(&args(&["--help"]), |_| None).unwrap() else {
        panic!("expected help");
    };
    for opt in SERVE_OPTIONS {
        assert!(text.contains(&format!("--{}", opt.name)));
    }
    assert!(text.contains("GRAPH_SIM_WEBHOOK_URL"));
}

#[test]
fn inbound_subcommand_should_build_a_text_request() {
    let Command::Inbound(inbound) = parse(
        &args(&[
            "inbound",
            "--webhook-url",
            "http://127.0.0.1:1/",
            "--from",
            "15551234567",
            "--text",
            "hello",
        ]),
        |_| None,
    )
    .unwrap() else {
        panic!("expected inbound");
    };
    assert_eq!(inbound.request.from, "15551234567");
    assert_eq!(inbound.request.text.as_deref(), Some("hello"));
    assert_eq!(inbound.app_secret, "sim-app-secret");
}
