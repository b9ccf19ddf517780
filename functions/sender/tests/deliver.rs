//! The sender against in-memory fakes and a scripted Graph API.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use sender::{Sender, SenderPorts, Settings, Step};
use serde_json::Value;
use shared::adapters::memory::MemoryQueue;
use shared::adapters::memory_consent::MemoryConsent;
use shared::adapters::memory_contacts::{FixedKeyHasher, MemoryReceipts};
use shared::adapters::memory_outbound_media::{
    MemoryOutboundFiles, MemoryUploadCache, MemoryUploads,
};
use shared::adapters::memory_sending::{
    MemoryLedger, MemoryRecipients, MemoryRedelivery, MemoryThrottle,
};
use shared::domain::ids::{ContactKey, PhoneNumberId, WaId};
use shared::domain::outbound::parse_graph_error;
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::domain::sending::Recipient;
use shared::ports::contacts::HashingAuditor;
use shared::ports::sending::{Accepted, GraphApi, GraphCallError, Outcome};
use shared::ports::SystemClock;

#[derive(Clone, Default)]
struct ScriptedGraph {
    answers: Arc<Mutex<VecDeque<Result<Accepted, GraphCallError>>>>,
    calls: Arc<Mutex<Vec<Value>>>,
}

impl ScriptedGraph {
    fn then(self, answer: Result<Accepted, GraphCallError>) -> Self {
        self.answers.lock().unwrap().push_back(answer);
        self
    }
    fn calls(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

fn accepted(n: u32) -> Result<Accepted, GraphCallError> {
    Ok(Accepted {
        wamid: Some(format!("wamid.OUT{n}")),
        wa_id: Some("16505551234".into()),
    })
}

fn meta_error(code: i64) -> Result<Accepted, GraphCallError> {
    let body = format!(
        r#"{{"error":{{"message":"(#{code}) x","type":"OAuthException","code":{code},"fbtrace_id":"A"}}}}"#
    );
    Err(GraphCallError::Api(parse_graph_error(400, body.as_bytes())))
}

impl GraphApi for ScriptedGraph {
    async fn send(
        &self,
        _number: &PhoneNumberId,
        body: &Value,
    ) -> Result<Accepted, GraphCallError> {
        self.calls.lock().unwrap().push(body.clone());
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| accepted(99))
    }
}

/// The in-memory fakes, and Meta's answers scripted.
enum Fakes {}

impl SenderPorts for Fakes {
    type Events = MemoryQueue;
    type Ledger = MemoryLedger;
    type Recipients = MemoryRecipients;
    type Throttle = MemoryThrottle;
    type Graph = ScriptedGraph;
    type Redelivery = MemoryRedelivery;
    type Clock = SystemClock;
    type Consent = MemoryConsent;
    type Audit = HashingAuditor<FixedKeyHasher, MemoryReceipts>;
    type Files = MemoryOutboundFiles;
    type Uploads = MemoryUploads;
    type UploadCache = MemoryUploadCache;
    type Templates = shared::adapters::memory_templates::MemoryTemplates;
    type Numbers = shared::adapters::memory_templates::MemoryTemplates;
}

type TestSender = Sender<Fakes>;

fn sender(graph: ScriptedGraph) -> TestSender {
    let recipients = MemoryRecipients::default();
    recipients.known.lock().unwrap().insert(
        contact(),
        Recipient {
            last_inbound_at: Some(now() - 60),
            opted_out: &[],
            restricted: false,
        },
    );
    Sender {
        events: MemoryQueue::default(),
        ledger: MemoryLedger::default(),
        recipients,
        throttle: MemoryThrottle::default(),
        graph,
        redelivery: MemoryRedelivery::default(),
        clock: SystemClock,
        consent: MemoryConsent::default(),
        settings: Settings {
            default_phone_number_id: Some(PhoneNumberId::parse("106540352242922").unwrap()),
            messages_per_second: 80,
            retry: RetryPolicy::default(),
            lease_secs: 120,
            retention: Retention::DEFAULT,
            consent: shared::domain::consent::ConsentPolicy::default(),
            media: Default::default(),
        },
        audit: HashingAuditor {
            hasher: FixedKeyHasher("test-key".into()),
            log: MemoryReceipts::default(),
            days: 30,
        },
        files: MemoryOutboundFiles::default(),
        uploads: MemoryUploads::default(),
        upload_cache: MemoryUploadCache::default(),
        uploading: Default::default(),
        templates: Default::default(),
        template_cache: Default::default(),
        numbers: Default::default(),
        pace_cache: Default::default(),
        sweep_marks: Default::default(),
    }
}

fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse("16505551234").unwrap())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

const TEXT: &str = r#"{"idempotency_key":"k1","to":"+1 650-555-1234","message":{"type":"text","text":{"body":"hi"}}}"#;

fn outcome(s: &TestSender) -> Option<Outcome> {
    s.ledger.outcome_of(&contact(), "k1")
}

#[tokio::test]
async fn when_meta_accepts_should_record_the_send_with_its_wamid() {
    let s = sender(ScriptedGraph::default().then(accepted(1)));
    assert_eq!(s.deliver(TEXT, 1).await, Step::Done("sent"));
    assert!(matches!(outcome(&s), Some(Outcome::Sent { wamid, .. }) if wamid == "wamid.OUT1"));
    assert_eq!(
        s.ledger.sent.lock().unwrap().len(),
        1,
        "history record written"
    );
}

#[tokio::test]
async fn when_the_key_was_already_sent_should_not_call_meta_again() {
    let graph = ScriptedGraph::default();
    let s = sender(graph.clone());
    s.deliver(TEXT, 1).await;
    assert_eq!(s.deliver(TEXT, 2).await, Step::Done("duplicate"));
    assert_eq!(graph.calls(), 1);
}

#[tokio::test]
async fn when_the_event_failed_after_the_message_was_stored_should_announce_it_from_the_same_record_and_never_send_again(
) {
    use std::sync::atomic::Ordering::SeqCst;
    let graph = ScriptedGraph::default();
    let s = sender(graph.clone());
    let first = sender::Origin {
        sender_id: None,
        message_id: "record-1",
    };
    s.events.refuse.store(true, SeqCst);
    assert!(matches!(
        s.deliver_from(TEXT, 1, &first).await,
        Step::Retry { why: "storage", .. }
    ));
    assert!(s.events.sent().is_empty());
    s.events.refuse.store(false, SeqCst);

    // SQS hands the same record out again: its message is stored, so it
    // was sent; this record owes the event.
    assert_eq!(
        s.deliver_from(TEXT, 2, &first).await,
        Step::Done("duplicate")
    );
    let announced = s.events.sent();
    assert_eq!(announced.len(), 1);
    assert!(announced[0].contains("message.sent"), "{announced:?}");
    // A copy of the command from another record: nothing owed, nothing sent.
    let copy = sender::Origin {
        sender_id: None,
        message_id: "record-2",
    };
    assert_eq!(
        s.deliver_from(TEXT, 1, &copy).await,
        Step::Done("duplicate")
    );
    assert_eq!(s.events.sent().len(), 1);
    assert_eq!(graph.calls(), 1, "Meta was called once");
    assert!(matches!(outcome(&s), Some(Outcome::Sent { .. })));
}

#[tokio::test]
async fn when_a_previous_attempt_died_mid_call_should_not_risk_a_second_send() {
    let graph = ScriptedGraph::default();
    let mut s = sender(graph.clone());
    s.settings.lease_secs = -1; // every claim is already expired
    s.ledger.entries.lock().unwrap().insert(
        (contact(), "k1".into()),
        shared::adapters::memory_sending::LedgerEntry {
            origin: None,
            state: "sending".into(),
            lease_until: 0,
            attempts: 1,
            outcome: None,
        },
    );
    assert_eq!(s.deliver(TEXT, 2).await, Step::Done("failed"));
    assert_eq!(graph.calls(), 0);
    assert!(
        matches!(outcome(&s), Some(Outcome::Failed { reason, .. }) if reason == "outcome_unknown")
    );
}

#[tokio::test]
async fn when_meta_says_throughput_should_retry_later_and_keep_the_key_usable() {
    let graph = ScriptedGraph::default().then(meta_error(130429));
    let s = sender(graph.clone());
    assert!(matches!(
        s.deliver(TEXT, 1).await,
        Step::Retry {
            why: "throughput",
            ..
        }
    ));
    assert_eq!(s.deliver(TEXT, 2).await, Step::Done("sent"));
    assert_eq!(graph.calls(), 2);
}

#[tokio::test]
async fn when_meta_reports_spam_rate_should_pause_the_business_number() {
    let graph = ScriptedGraph::default().then(meta_error(131048));
    let s = sender(graph.clone());
    assert!(matches!(
        s.deliver(TEXT, 1).await,
        Step::Retry {
            why: "spam_rate",
            ..
        }
    ));
    // While paused, nothing reaches Meta.
    assert!(matches!(
        s.deliver(TEXT, 2).await,
        Step::Retry { why: "paused", .. }
    ));
    assert_eq!(graph.calls(), 1);
}

#[tokio::test]
async fn when_the_token_is_rejected_should_keep_the_command_for_retry() {
    let s = sender(ScriptedGraph::default().then(meta_error(190)));
    assert!(
        matches!(s.deliver(TEXT, 1).await, Step::Retry { why: "token", seconds } if seconds >= 300)
    );
    assert!(outcome(&s).is_none(), "not failed");
}

#[tokio::test]
async fn when_meta_cannot_be_reached_should_retry() {
    let s = sender(
        ScriptedGraph::default().then(Err(GraphCallError::Network("connect: refused".into()))),
    );
    assert!(matches!(
        s.deliver(TEXT, 1).await,
        Step::Retry {
            why: "transient",
            ..
        }
    ));
}

#[tokio::test]
async fn when_meta_refuses_for_good_should_fail_without_retry() {
    let s = sender(ScriptedGraph::default().then(meta_error(131026)));
    assert_eq!(s.deliver(TEXT, 1).await, Step::Done("failed"));
    assert!(
        matches!(outcome(&s), Some(Outcome::Failed { reason, .. }) if reason == "graph_error_131026")
    );
}

#[tokio::test]
async fn when_the_command_is_invalid_should_finish_without_calling_meta() {
    let graph = ScriptedGraph::default();
    let s = sender(graph.clone());
    assert_eq!(
        s.deliver(r#"{"to":"+16505551234"}"#, 1).await,
        Step::Done("rejected")
    );
    assert_eq!(graph.calls(), 0);
}

#[tokio::test]
async fn the_graph_body_carries_the_normalised_recipient() {
    let graph = ScriptedGraph::default();
    let s = sender(graph.clone());
    s.deliver(TEXT, 1).await;
    let body = graph.calls.lock().unwrap()[0].clone();
    assert_eq!(body["to"], "+16505551234");
    assert_eq!(body["text"]["body"], "hi");
}

fn restrict(s: &TestSender) {
    if let Some(r) = s.recipients.known.lock().unwrap().get_mut(&contact()) {
        r.restricted = true;
    }
}

#[tokio::test]
async fn when_the_contact_is_restricted_should_suppress_without_calling_meta_or_auditing() {
    let graph = ScriptedGraph::default();
    let s = sender(graph.clone());
    restrict(&s);
    assert_eq!(s.deliver(TEXT, 1).await, Step::Done("suppressed"));
    assert_eq!(graph.calls(), 0);
    assert!(matches!(outcome(&s), Some(Outcome::Suppressed { reason }) if reason == "restricted"));
    assert!(s.audit.log.audit.lock().unwrap().is_empty());
}

#[tokio::test]
async fn when_a_legal_claim_overrides_the_restriction_should_audit_then_send() {
    let graph = ScriptedGraph::default().then(accepted(7));
    let s = sender(graph.clone());
    restrict(&s);
    let claim = TEXT.replace(
        r#""message""#,
        r#""override_restriction":"legal_claim","message""#,
    );
    let origin = sender::Origin {
        sender_id: Some("AROAEXAMPLE:billing"),
        message_id: "m-1",
    };
    let step = s.deliver_from(&claim, 1, &origin).await;
    assert_eq!(step, Step::Done("sent"));
    assert_eq!(graph.calls(), 1);
    let audit = s.audit.log.audit.lock().unwrap();
    assert_eq!(audit.len(), 1);
    let a = &audit[0];
    assert_eq!(a.action, "send_overriding_restriction");
    assert_eq!(a.detail.as_deref(), Some("legal_claim"));
    assert_eq!(a.principal, "outbound-queue:AROAEXAMPLE:billing");
    assert_eq!(a.request_id, "m-1");
    assert!(!a.subject_hash.contains("16505551234"));
}

/// A batch of template commands (no window needed), one per recipient,
/// from the given business numbers.
fn batch_from(numbers: &[&str]) -> aws_lambda_events::event::sqs::SqsEvent {
    let mut event = aws_lambda_events::event::sqs::SqsEvent::default();
    for (i, number) in numbers.iter().enumerate() {
        let mut m = aws_lambda_events::event::sqs::SqsMessage::default();
        m.message_id = Some(i.to_string());
        m.body = Some(format!(
            r#"{{"idempotency_key":"b{i}","to":"+1650555{i:04}","phone_number_id":"{number}","category":"utility","message":{{"type":"template","template":{{"name":"order_shipped","language":{{"code":"en_US"}}}}}}}}"#
        ));
        event.records.push(m);
    }
    event
}

#[tokio::test]
async fn a_number_at_its_limit_waits_in_the_function_for_the_next_slot_instead_of_going_back_to_the_queue(
) {
    let mut s = sender(ScriptedGraph::default());
    // One permit per 100 ms slot.
    s.settings.messages_per_second = 10;
    let response = s.handle(batch_from(&["111", "111"])).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
}
