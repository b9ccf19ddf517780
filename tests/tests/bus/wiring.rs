//! The push to HTTPS and the archive, as the template wires them, in moto:
//! `EventsWebhookUrl` makes a connection with the auth header, an API
//! destination at the rate limit and a rule with its DLQ; `EventsArchiveDays`
//! an archive of every event; neither stops the events queue's deliveries.

use integration_tests::World;
use shared::ports::EventSink;

use crate::{event, ids};

#[tokio::test]
async fn the_webhook_and_archive_parameters_wire_a_destination_and_an_archive_of_every_event() {
    let world = World::new().await;
    let deployed = world
        .redeploy(&[
            ("EventsWebhookUrl", "https://crm.example.com/jum-events"),
            ("EventsWebhookRateLimit", "25"),
            ("EventsArchiveDays", "7"),
        ])
        .await;
    assert!(
        deployed["EventsWebhookDeadLetterQueue"].is_string(),
        "{deployed}"
    );
    let events = aws_sdk_eventbridge::Client::new(&world.sdk);
    let destination = events
        .describe_api_destination()
        .name(format!("{}-EventsWebhookDestination", world.stack_name))
        .send()
        .await
        .expect("the API destination");
    assert_eq!(
        destination.invocation_endpoint(),
        Some("https://crm.example.com/jum-events")
    );
    assert_eq!(destination.invocation_rate_limit_per_second(), Some(25));
    let connection = events
        .describe_connection()
        .name(format!("{}-EventsWebhookConnection", world.stack_name))
        .send()
        .await
        .expect("the connection");
    let header = connection
        .auth_parameters()
        .and_then(|a| a.api_key_auth_parameters())
        .and_then(|k| k.api_key_name());
    assert_eq!(header, Some("X-Jum-Events-Token"));
    let rule = format!("{}-EventsWebhookRule", world.stack_name);
    let targets = events
        .list_targets_by_rule()
        .rule(&rule)
        .event_bus_name(&world.event_bus)
        .send()
        .await
        .expect("targets");
    let target = &targets.targets()[0];
    assert_eq!(Some(target.arn()), destination.api_destination_arn());
    assert!(target
        .dead_letter_config()
        .and_then(|d| d.arn())
        .is_some_and(|a| a.ends_with("-events-webhook-dlq")));
    assert!(
        target.role_arn().is_some(),
        "the rule's role invokes the destination"
    );

    world
        .event_sink()
        .publish(&[
            event("a1", shared::domain::events::EventKind::MessageReceived),
            event("a2", shared::domain::events::EventKind::ContactOptedOut),
        ])
        .await
        .expect("published");
    assert_eq!(ids(&world.events().await, "/event_id"), vec!["a1", "a2"]);
    let archive = events
        .describe_archive()
        .archive_name(format!("{}-events", world.stack_name))
        .send()
        .await
        .expect("the archive");
    assert_eq!(archive.retention_days(), Some(7));
    assert_eq!(archive.event_count(), 2, "every event archived");
}
