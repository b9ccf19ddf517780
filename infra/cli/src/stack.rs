//! `jum stack`: what the stack is made of, its endpoints and secrets' names,
//! what its dead-letter queues hold, and which of its alarms are in alarm.

use serde_json::json;

use shared::adapters::sigv4::{all_tags, first_tag};

use crate::error::CliError;
use crate::output;
use crate::target::Stack;

/// The stack's alarms in state ALARM: CloudFormation names them
/// `<stack>-<LogicalId>-<suffix>` (template.yaml sets no AlarmName). Asked
/// through CloudWatch's query API (`DescribeAlarms`), SigV4-signed: the
/// current SDK crate speaks a protocol moto does not, and one read needs no
/// client. A caller without cloudwatch:DescribeAlarms still gets the rest.
async fn alarms_in_alarm(sdk: &aws_config::SdkConfig, s: &Stack) -> Result<Vec<String>, String> {
    let region = sdk
        .region()
        .map(|r| r.to_string())
        .unwrap_or_else(|| "us-east-1".into());
    let url = sdk
        .endpoint_url()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("https://monitoring.{region}.amazonaws.com/"));
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| e.to_string())?;
    let (mut names, mut next) = (Vec::new(), None::<String>);
    loop {
        let mut body = format!(
            "Action=DescribeAlarms&Version=2010-08-01&StateValue=ALARM&AlarmNamePrefix={}",
            crate::signed::encode(&format!("{}-", s.name))
        );
        if let Some(token) = &next {
            body.push_str(&format!("&NextToken={}", crate::signed::encode(token)));
        }
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let headers =
            crate::signed::sigv4_headers(sdk, "monitoring", "POST", &url, &body, content_type)
                .await
                .map_err(|e| e.to_string())?;
        let mut request = http.post(&url).header("content-type", content_type);
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let status = response.status();
        let xml = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(first_tag(&xml, "Code").map_or_else(|| status.to_string(), str::to_owned));
        }
        names.extend(all_tags(&xml, "AlarmName").into_iter().map(str::to_owned));
        next = first_tag(&xml, "NextToken")
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if next.is_none() {
            return Ok(names);
        }
    }
}

pub async fn show(sdk: &aws_config::SdkConfig, s: &Stack, as_json: bool) -> Result<(), CliError> {
    let sqs = &aws_sdk_sqs::Client::new(sdk);
    let mut parked = Vec::new();
    for d in &s.dead_letters {
        parked.push((d.name, crate::dlq::depth(sqs, &d.url).await?));
    }
    let alarms = alarms_in_alarm(sdk, s).await;
    if as_json {
        output::json(&json!({
            "stack": s.name, "local": s.local,
            "webhook_url": s.webhook_url, "contacts_api_url": s.contacts_url,
            "secrets": s.secrets,
            "alarms_in_alarm": alarms.as_ref().ok(),
            "alarms_error": alarms.as_ref().err(),
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
        vec![
            "webhook (Meta posts here)".into(),
            s.webhook_url.clone().unwrap_or_else(|| "-".into()),
        ],
        vec![
            "contacts API (SigV4)".into(),
            s.contacts_url.clone().unwrap_or_else(|| "-".into()),
        ],
        vec!["secrets".into(), s.secrets.join("\n")],
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
    rows.push(vec![
        "alarms in alarm".into(),
        match &alarms {
            Ok(a) if a.is_empty() => "none".into(),
            Ok(a) => a.join("\n"),
            Err(code) => format!("cannot read them: {code}"),
        },
    ]);
    println!("{}", output::table(&["what", "where"], rows));
    Ok(())
}
