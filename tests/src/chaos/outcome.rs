//! What a chaos run did, besides the accounting: its time, the faults and
//! crashes injected, the deliveries.

use super::report::Report;

pub struct Outcome {
    pub report: Report,
    pub seconds: f64,
    pub phases: Vec<(&'static str, f64)>,
    pub aws_requests: usize,
    /// By the processor and the sender.
    pub faults: Vec<(&'static str, usize)>,
    pub webhook_aws_requests: usize,
    pub webhook_faults: usize,
    pub graph_requests: u64,
    pub graph_faults: u64,
    pub webhook_posts: usize,
    pub webhook_not_200: usize,
    pub webhook_gave_up: usize,
    pub repeated_webhooks: usize,
    pub failed_records: usize,
    /// Per function: invocations ended mid-flight, and all invocations.
    pub crashes: Vec<(&'static str, usize, usize)>,
}

impl Outcome {
    /// What was injected and how long it took, above the accounting table.
    pub fn summary(&self) -> String {
        let phases: Vec<String> = self
            .phases
            .iter()
            .map(|(name, secs)| format!("{name} {secs:.1} s"))
            .collect();
        let crashes: Vec<String> = self
            .crashes
            .iter()
            .map(|(function, n, of)| format!("{function} {n} of {of}"))
            .collect();
        let faults: Vec<String> = self
            .faults
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        format!(
            "wall time {:.1} s ({})\n\
             AWS requests through the fault proxy (processor, sender): {}, faults injected: {} ({})\n\
             the webhook's AWS requests: {}, faults injected: {}\n\
             Graph API requests: {}, simulator faults (server errors + held): {}\n\
             webhook POSTs: {} ({} repeated on purpose), answered non-200 and redelivered: {}, given up: {}\n\
             queue records reported failed by a function: {}\n\
             invocations crashed mid-flight: {}",
            self.seconds,
            phases.join(", "),
            self.aws_requests,
            self.faults.iter().map(|(_, n)| n).sum::<usize>(),
            faults.join(", "),
            self.webhook_aws_requests,
            self.webhook_faults,
            self.graph_requests,
            self.graph_faults,
            self.webhook_posts,
            self.repeated_webhooks,
            self.webhook_not_200,
            self.webhook_gave_up,
            self.failed_records,
            crashes.join(", "),
        )
    }
}
