//! The small chaos run inside `make test` (the full one is `make chaos`):
//! the whole pipeline with 5 % faults between the functions and AWS and in
//! the Graph API simulator (50 % on the webhook's own AWS calls, so that
//! some POSTs fail and Meta redelivers them), 20 % of webhooks twice,
//! statuses shuffled, 10 % of commands twice, the shipped rules on, and
//! 20 % of the processor's, sender's and media function's invocations
//! chosen to be killed mid-flight. Nothing may be lost, duplicated or
//! unaccounted for.

use integration_tests::chaos::{self, Config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_chaos_run_loses_duplicates_and_leaves_unaccounted_nothing() {
    let outcome = chaos::run(&Config::small()).await;
    let table = outcome.report.table();
    // Shown with `--nocapture`: the figures of a passing run.
    eprintln!("{}\n{table}", outcome.summary());
    let failures: Vec<String> = outcome
        .report
        .failures()
        .iter()
        .map(|r| format!("{}: {}", r.check, r.value))
        .collect();
    assert!(
        failures.is_empty(),
        "{failures:?}\n{}\n{table}",
        outcome.summary()
    );
    // The faults really happened, or the run proves nothing.
    assert!(
        outcome.faults.iter().all(|(_, n)| *n > 0),
        "{}",
        outcome.summary()
    );
    assert!(outcome.graph_faults > 0, "{}", outcome.summary());
    // Meta's redelivery was exercised: some POSTs were answered non-200
    // (their SQS sends failed through every retry), and none was given up.
    assert!(outcome.webhook_not_200 > 0, "{}", outcome.summary());
    assert_eq!(outcome.webhook_gave_up, 0, "{}", outcome.summary());
    // Invocations were killed mid-flight, in the processor and the sender.
    for (function, crashed, _) in &outcome.crashes[..2] {
        assert!(*crashed > 0, "{function}: {}", outcome.summary());
    }
}
