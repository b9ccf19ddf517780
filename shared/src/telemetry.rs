//! Structured JSON logs (one object per line, with the current spans) and
//! CloudWatch Embedded Metric Format lines, which CloudWatch turns into
//! metrics without an SDK call or extra permission.

use std::collections::BTreeMap;

/// Installs the JSON subscriber on stdout; `RUST_LOG` filters (default `info`).
pub fn init_tracing() {
    let _ = tracing::subscriber::set_global_default(json_subscriber(std::io::stdout));
}

/// The functions' log format, writing to `writer`. Public so that tests can
/// capture exactly what the functions would log (the log-redaction test).
pub fn json_subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_ansi(false)
        .without_time()
        .with_writer(writer)
        .finish()
}

pub const NAMESPACE: &str = "JohnsUmbrellaMart";

/// (dimension name, dimension value); an empty name means no extra dimension.
type DimensionKey = (&'static str, String);
/// (value, CloudWatch unit).
type MetricValue = (f64, &'static str);

/// Counters gathered during one invocation and written as one EMF line per
/// dimension set, so a batch of 10 records costs one log line, not 10.
#[derive(Debug, Default)]
pub struct Metrics {
    function: &'static str,
    groups: BTreeMap<DimensionKey, BTreeMap<&'static str, MetricValue>>,
}

impl Metrics {
    pub fn new(function: &'static str) -> Self {
        Self {
            function,
            groups: BTreeMap::new(),
        }
    }

    pub fn count(&mut self, metric: &'static str, dimension: &'static str, value: &str, n: u64) {
        let entry = self
            .groups
            .entry((dimension, value.to_owned()))
            .or_default()
            .entry(metric)
            .or_insert((0.0, "Count"));
        entry.0 += n as f64;
    }

    /// Keeps the largest value seen (latency per invocation is its worst record).
    pub fn max_ms(&mut self, metric: &'static str, value: f64) {
        let entry = self
            .groups
            .entry(("", String::new()))
            .or_default()
            .entry(metric)
            .or_insert((0.0, "Milliseconds"));
        entry.0 = entry.0.max(value);
    }

    /// The EMF documents, one per dimension value.
    pub fn to_lines(&self, timestamp_ms: i64) -> Vec<String> {
        self.groups
            .iter()
            .map(|((dimension, value), metrics)| {
                let mut dims = vec!["Function"];
                if !dimension.is_empty() {
                    dims.push(dimension);
                }
                let defs: Vec<_> = metrics
                    .iter()
                    .map(|(name, (_, unit))| serde_json::json!({"Name": name, "Unit": unit}))
                    .collect();
                let mut doc = serde_json::json!({
                    "_aws": {
                        "Timestamp": timestamp_ms,
                        "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [dims], "Metrics": defs}]
                    },
                    "Function": self.function,
                });
                if !dimension.is_empty() {
                    doc[*dimension] = serde_json::Value::String(value.clone());
                }
                for (name, (v, _)) in metrics {
                    doc[*name] = serde_json::json!(v);
                }
                doc.to_string()
            })
            .collect()
    }

    /// Writes the EMF lines to stdout, where Lambda ships them to CloudWatch.
    pub fn flush(&mut self, timestamp_ms: i64) {
        for line in self.to_lines(timestamp_ms) {
            println!("{line}");
        }
        self.groups.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_line_names_namespace_dimensions_and_values() {
        let mut m = Metrics::new("webhook");
        m.count("WebhookRejected", "Reason", "bad_signature", 2);
        let lines = m.to_lines(1);
        let doc: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"], NAMESPACE);
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0],
            serde_json::json!(["Function", "Reason"])
        );
        assert_eq!(doc["Reason"], "bad_signature");
        assert_eq!(doc["WebhookRejected"], 2.0);
    }
}
