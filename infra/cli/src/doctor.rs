//! `jum doctor`: the integration review (docs/review.md), the same code the
//! scheduled ReviewFunction runs, given the same environment: a deployed
//! stack's is the review function's own (Lambda GetFunctionConfiguration);
//! the local stack's is what `make dev` gives its functions. Read-only: no
//! run item, no event (the scheduled run records those).

use std::collections::BTreeMap;

use crate::error::CliError;
use crate::target::Stack;

/// The review's environment for the target.
async fn environment(
    found: &Stack,
    sdk: &aws_config::SdkConfig,
) -> Result<BTreeMap<String, String>, CliError> {
    if found.local {
        return Ok(local_environment(found));
    }
    let function = found.review_function.as_deref().ok_or_else(|| {
        CliError::not_found(
            format!("stack {:?} has no output ReviewFunctionName", found.name),
            "deploy this version of template.yaml",
        )
    })?;
    let lambda = aws_sdk_lambda::Client::new(sdk);
    let config = lambda
        .get_function_configuration()
        .function_name(function)
        .send()
        .await
        .map_err(|e| CliError::aws("Lambda GetFunctionConfiguration", e))?;
    Ok(config
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default())
}

/// What dev.sh gives the local functions (template.yaml's environment on
/// moto, with the simulator as Meta and the local webhook URL).
fn local_environment(found: &Stack) -> BTreeMap<String, String> {
    let var = |name: &str, default: String| std::env::var(name).unwrap_or(default);
    let dead_letters: Vec<&str> = found.dead_letters.iter().map(|d| d.url.as_str()).collect();
    [
        ("TABLE_NAME", found.table.clone()),
        ("SECRET_ID", format!("{}/whatsapp", found.name)),
        ("EVENT_BUS_NAME", found.event_bus.clone()),
        (
            "GRAPH_API_BASE_URL",
            var(
                "GRAPH_API_BASE_URL",
                crate::target::local_url("JUM_SIMULATOR_PORT", 9090, ""),
            ),
        ),
        (
            "WEBHOOK_URL",
            var(
                "JUM_WEBHOOK_URL",
                found.webhook_url.clone().unwrap_or_default(),
            ),
        ),
        (
            "PHONE_NUMBER_IDS",
            var("JUM_PHONE_NUMBER_ID", "106540352242922".into()),
        ),
        ("WABA_IDS", var("JUM_WABA_ID", String::new())),
        ("DEAD_LETTER_QUEUE_URLS", dead_letters.join(",")),
        // template.yaml's defaults, as stack.py resolves them locally.
        ("RETENTION_DAYS", "30".into()),
        ("POINT_IN_TIME_RECOVERY_DAYS", "7".into()),
        ("EVENTS_ARCHIVE_DAYS", "0".into()),
        ("TEMPLATE_SYNC_MINUTES", "60".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

pub async fn doctor(
    found: &Stack,
    sdk: &aws_config::SdkConfig,
    json_out: bool,
) -> Result<(), CliError> {
    let env = environment(found, sdk).await?;
    // The review reads its configuration from the process environment, as
    // the function does. jum is single-threaded (current_thread runtime)
    // and sets these before any task reads the environment.
    for (k, v) in &env {
        std::env::set_var(k, v);
    }
    let config = review::config::Config::from_env().map_err(|e| {
        CliError::refused(
            format!("the review's environment is incomplete: {e}"),
            "deploy this version of template.yaml (the review function's environment)",
        )
    })?;
    let reviewer = review::aws::reviewer(sdk, config).map_err(|e| CliError::Aws {
        message: format!("the review could not start: {e}"),
        hint: None,
    })?;
    let findings = reviewer.review().await;
    if json_out {
        println!(
            "{}",
            serde_json::to_string(&findings).expect("findings serialise")
        );
    } else {
        print!("{}", review::report::table(&findings));
    }
    if review::report::exit_code(&findings) != 0 {
        let critical = findings
            .iter()
            .filter(|f| f.severity == shared::domain::review::Severity::Critical)
            .count();
        return Err(CliError::Critical {
            message: format!("{critical} critical finding(s)"),
        });
    }
    Ok(())
}
