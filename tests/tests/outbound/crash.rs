//! A send whose invocation ends between Meta's answer and its outcome's
//! write, the stored message (a Lambda timeout, a killed instance): Meta
//! has the message and the ledger still says `sending`. At most once: the
//! command ends `failed / outcome_unknown` and is never sent again. And a
//! send whose message was stored reads as sent, whenever its key returns.

use integration_tests::crash::{run_until, Ended};
use integration_tests::{s, TestClock, World};

use crate::common::{ledger, now, sends, state, template_command, TO};

fn meta_accepted(sim: &graph_simulator::RunningSimulator) -> usize {
    sends(sim)
        .iter()
        .filter(|r| r.response.error_code.is_none())
        .count()
}

#[tokio::test]
async fn a_send_crashed_after_metas_answer_ends_outcome_unknown_and_is_never_resent() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    world
        .enqueue_command(&template_command("crash-1", TO, "utility"))
        .await;
    let batch = world.outbound_batch().await;

    let sender = world.sender(&sim, 80);
    let ended = run_until(sender.handle(batch.clone()), |_| meta_accepted(&sim) > 0).await;
    assert!(matches!(ended, Ended::Crashed(_)), "{ended:?}");
    assert_eq!(meta_accepted(&sim), 1);
    assert_eq!(state(&ledger(&world, TO, "crash-1").await), "sending");

    // The record comes back while the dead attempt's lease (120 s) runs.
    let early = world.sender(&sim, 80).handle(batch.clone()).await;
    assert_eq!(early.expect("handled").batch_item_failures.len(), 1);
    assert_eq!(sends(&sim).len(), 1, "not sent while the claim is held");

    // And after the lease: closed, not sent.
    let mut late = world.sender(&sim, 80);
    late.clock = TestClock(Some(now() + 121));
    let done = late.handle(batch.clone()).await.expect("handled");
    assert!(done.batch_item_failures.is_empty());
    let entry = ledger(&world, TO, "crash-1").await;
    assert_eq!(state(&entry), "failed");
    assert_eq!(s(&entry, "reason"), Some("outcome_unknown"));
    let again = world.sender(&sim, 80).handle(batch).await.expect("handled");
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(sends(&sim).len(), 1, "sent once, by the crashed attempt");
    let failed: Vec<_> = world
        .events()
        .await
        .into_iter()
        .filter(|e| e["type"] == "message.failed")
        .collect();
    // The same record handled again redoes the outcome's effects: a copy
    // with the same event_id, which consumers drop (events contract).
    let ids: std::collections::HashSet<_> = failed.iter().map(|e| &e["event_id"]).collect();
    assert_eq!(ids.len(), 1, "the internal system hears of it once");
    assert_eq!(failed[0]["data"]["reason"], "outcome_unknown");
}

#[tokio::test]
async fn a_copy_of_a_sent_command_after_its_claims_lease_ran_out_is_a_duplicate_not_a_loss() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let command = template_command("sent-1", TO, "utility");
    world.enqueue_command(&command).await;
    world.drain_outbound(&world.sender(&sim, 80)).await;
    assert_eq!(meta_accepted(&sim), 1);

    // The claim stays `sending`; the stored message is the outcome. A copy
    // arriving after the lease must find it, not close the key as unknown.
    world.enqueue_command(&command).await;
    let mut late = world.sender(&sim, 80);
    late.clock = TestClock(Some(now() + 121));
    world.drain_outbound(&late).await;
    assert_eq!(sends(&sim).len(), 1, "sent once");
    assert_eq!(state(&ledger(&world, TO, "sent-1").await), "sent");
    let events = world.events().await;
    let of = |kind: &str| events.iter().filter(|e| e["type"] == kind).count();
    assert_eq!(of("message.sent"), 1, "announced once, by the send");
    assert_eq!(of("message.failed"), 0, "no outcome_unknown");
}
