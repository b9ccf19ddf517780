//! `jum stack`: what the stack is made of, and what its dead-letter queues hold.

use serde_json::json;

use crate::error::CliError;
use crate::output;
use crate::target::Stack;

pub async fn show(sqs: &aws_sdk_sqs::Client, s: &Stack, as_json: bool) -> Result<(), CliError> {
    let mut parked = Vec::new();
    for d in &s.dead_letters {
        parked.push((d.name, crate::dlq::depth(sqs, &d.url).await?));
    }
    if as_json {
        output::json(&json!({
            "stack": s.name, "local": s.local,
            "outbound_queue": s.outbound_url, "inbound_queue": s.inbound_url,
            "media_queue": s.media_url, "events_queue": s.events_url,
            "event_bus": s.event_bus, "table": s.table, "bucket": s.bucket,
            "dead_letters": parked.iter().map(|(n, c)| json!({"queue": n, "messages": c})).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    let kind = if s.local { "local (moto)" } else { "deployed" };
    let mut rows = vec![
        vec!["stack".into(), format!("{} ({kind})", s.name)],
        vec!["outbound queue (send here)".into(), s.outbound_url.clone()],
        vec!["inbound queue".into(), s.inbound_url.clone()],
        vec!["media queue".into(), s.media_url.clone()],
        vec!["events queue".into(), s.events_url.clone()],
        vec!["event bus".into(), s.event_bus.clone()],
        vec!["table".into(), s.table.clone()],
        vec!["media bucket".into(), s.bucket.clone()],
    ];
    for (name, count) in parked {
        let note = if count > 0 {
            format!("{count} parked: `jum dlq show --queue {name}`")
        } else {
            "empty".into()
        };
        rows.push(vec![format!("{name} DLQ"), note]);
    }
    println!("{}", output::table(&["what", "where"], rows));
    Ok(())
}
