//! The contact's profile is written when a message brings news (a new
//! contact, another name, an expiry to move), not on every message: the
//! message's own write is the only one most messages cost (issue #19).

use integration_tests::{n, s, text_webhook, World};

const CUSTOMER: &str = "16505551234";
const T: i64 = 1_795_615_200;
const DAY: i64 = 86_400;

async fn profile(world: &World) -> integration_tests::Item {
    world
        .get(&format!("C#{CUSTOMER}"), "PROFILE")
        .await
        .expect("profile")
}

async fn write_at(world: &World, wamid: &str, at: i64) {
    world
        .post_signed(&world.webhook(), &text_webhook(CUSTOMER, wamid, "hi", at))
        .await;
    world.drain(&world.processor_with(None, Some(at))).await;
}

#[tokio::test]
async fn a_profile_is_written_once_per_day_of_activity() {
    let world = World::new().await;
    write_at(&world, "wamid.day1a", T).await;
    let first = profile(&world).await;
    let expiry = n(&first, "expires_at").expect("expires_at");
    assert_eq!(s(&first, "first_wamid"), Some("wamid.day1a"));

    // The same day: stored, and the profile left as it was.
    for (i, at) in [60, 3_600, DAY - 1].into_iter().enumerate() {
        write_at(&world, &format!("wamid.day1{i}"), T + at).await;
    }
    assert_eq!(
        profile(&world).await,
        first,
        "not written again the same day"
    );

    // A day on, its expiry follows the activity.
    write_at(&world, "wamid.day2", T + DAY).await;
    let second = profile(&world).await;
    assert_eq!(n(&second, "expires_at"), Some(expiry + DAY));
    assert_eq!(n(&second, "last_inbound_at"), Some(T + DAY));
    let stored = world
        .items_of_type("message")
        .await
        .into_iter()
        .filter(|m| s(m, "direction") == Some("in"))
        .count();
    assert_eq!(stored, 5, "every message stored");
}
