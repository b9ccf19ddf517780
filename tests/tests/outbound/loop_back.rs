use integration_tests::{s, World};

use crate::common::{ledger, state, template_command, TO};

#[tokio::test]
async fn status_webhooks_from_meta_move_the_sent_message_to_read() {
    let world = World::new().await;
    let sim = world.simulator(|_| {}).await;
    let sender = world.sender(&sim, 80);
    world
        .enqueue_command(&template_command("loop-1", TO, "utility"))
        .await;
    world.drain_outbound(&sender).await;
    let wamid = s(&ledger(&world, TO, "loop-1").await, "wamid")
        .unwrap()
        .to_owned();
    let statuses = sim
        .wait_for_webhooks(std::time::Duration::from_secs(10), |w| {
            w.iter().filter(|d| d.wamid == wamid && d.delivered).count() >= 3
        })
        .await
        .expect("sent, delivered and read webhooks reach our webhook");
    assert!(
        statuses.iter().all(|d| d.delivered),
        "our webhook answered 200 to each"
    );
    world.drain(&world.processor()).await;
    let status = world
        .get(&format!("C#{TO}"), &format!("S#{wamid}"))
        .await
        .expect("status stored");
    assert_eq!(s(&status, "status"), Some("read"));
    assert_eq!(state(&ledger(&world, TO, "loop-1").await), "sent");
}
