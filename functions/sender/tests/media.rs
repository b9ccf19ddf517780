//! Files from S3 (`s3` media references) on the in-memory fakes: checked
//! before any request, uploaded once per object, sent by Meta's id.

use std::sync::{Arc, Mutex};

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use sender::{Sender, SenderPorts, Settings, Step};
use serde_json::{json, Value};
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
use shared::domain::outbound::{parse_graph_error, MediaSources};
use shared::domain::retention::Retention;
use shared::domain::retries::RetryPolicy;
use shared::domain::sending::Recipient;
use shared::ports::contacts::HashingAuditor;
use shared::ports::media::MediaCallError;
use shared::ports::sending::{Accepted, GraphApi, GraphCallError, Outcome};
use shared::ports::{Retry, SystemClock};

const STACK: &str = "jum-media";
const SHOP: &str = "shop-files";

/// Meta's messages endpoint: accepts everything, records each body.
#[derive(Clone, Default)]
struct Messages(Arc<Mutex<Vec<Value>>>);

impl Messages {
    fn bodies(&self) -> Vec<Value> {
        self.0.lock().unwrap().clone()
    }
}

impl GraphApi for Messages {
    async fn send(&self, _: &PhoneNumberId, body: &Value) -> Result<Accepted, GraphCallError> {
        let mut sent = self.0.lock().unwrap();
        sent.push(body.clone());
        Ok(Accepted {
            wamid: Some(format!("wamid.OUT{}", sent.len())),
            wa_id: None,
        })
    }
}

enum Fakes {}

impl SenderPorts for Fakes {
    type Events = MemoryQueue;
    type Ledger = MemoryLedger;
    type Recipients = MemoryRecipients;
    type Throttle = MemoryThrottle;
    type Graph = Messages;
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

fn contact() -> ContactKey {
    ContactKey::Phone(WaId::parse("16505551234").unwrap())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sender() -> Sender<Fakes> {
    let recipients = MemoryRecipients::default();
    recipients.known.lock().unwrap().insert(
        contact(),
        Recipient {
            last_inbound_at: Some(now() - 60),
            opted_out: &[],
            restricted: false,
        },
    );
    let files = MemoryOutboundFiles::default();
    files.put(
        STACK,
        "outbound/storm.jpg",
        Some("image/jpeg"),
        &[7u8; 10_000],
    );
    Sender {
        events: MemoryQueue::default(),
        ledger: MemoryLedger::default(),
        recipients,
        throttle: MemoryThrottle::default(),
        graph: Messages::default(),
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
            media: MediaSources {
                stack_bucket: Some(STACK.into()),
                other_buckets: vec![SHOP.into()],
            },
        },
        audit: HashingAuditor {
            hasher: FixedKeyHasher("test-key".into()),
            log: MemoryReceipts::default(),
            days: 30,
        },
        files,
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

fn image(key: &str, s3: Value) -> String {
    json!({
        "idempotency_key": key,
        "to": "+16505551234",
        "message": { "type": "image", "image": { "s3": s3, "caption": "The Storm 2000" } }
    })
    .to_string()
}

fn outcome(s: &Sender<Fakes>, key: &str) -> Option<Outcome> {
    s.ledger
        .entries
        .lock()
        .unwrap()
        .get(&(contact(), key.to_owned()))
        .and_then(|e| e.outcome.clone())
}

fn rejected(s: &Sender<Fakes>, key: &str) -> String {
    match outcome(s, key) {
        Some(Outcome::Rejected { reason, .. }) => reason,
        other => panic!("not rejected: {other:?}"),
    }
}

#[tokio::test]
async fn an_image_from_s3_is_uploaded_once_for_two_sends_and_sent_by_id() {
    let s = sender();
    let storm = json!({ "key": "outbound/storm.jpg" });
    assert_eq!(
        s.deliver(&image("a", storm.clone()), 1).await,
        Step::Done("sent")
    );
    assert_eq!(s.deliver(&image("b", storm), 1).await, Step::Done("sent"));
    let uploads = s.uploads.uploads();
    assert_eq!(uploads.len(), 1, "one upload for two sends");
    assert_eq!(uploads[0].mime_type, "image/jpeg");
    assert_eq!(uploads[0].filename, "storm.jpg");
    assert_eq!(uploads[0].bytes.len(), 10_000);
    assert_eq!(uploads[0].declared, 10_000);
    for body in s.graph.bodies() {
        assert_eq!(
            body["image"],
            json!({ "id": "media-1", "caption": "The Storm 2000" })
        );
    }
    assert_eq!(s.graph.bodies().len(), 2);
}

#[tokio::test]
async fn two_commands_of_one_batch_sending_the_same_file_upload_it_once() {
    let s = sender();
    let storm = json!({ "key": "outbound/storm.jpg" });
    let records = ["a", "b", "c"]
        .iter()
        .map(|k| {
            let mut r = SqsMessage::default();
            r.message_id = Some(format!("m-{k}"));
            r.body = Some(image(k, storm.clone()));
            r
        })
        .collect();
    let mut event = SqsEvent::default();
    event.records = records;
    let response = s.handle(event).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(s.uploads.uploads().len(), 1);
    assert_eq!(s.graph.bodies().len(), 3);
}

#[tokio::test]
async fn a_bucket_not_listed_is_rejected_with_no_s3_call_and_no_graph_call() {
    let s = sender();
    let body = image(
        "a",
        json!({ "bucket": "someone-elses", "key": "outbound/storm.jpg" }),
    );
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_bucket_not_allowed");
    assert!(s.files.calls().is_empty(), "no S3 call");
    assert!(s.uploads.uploads().is_empty());
    assert!(s.graph.bodies().is_empty(), "no Graph call");
    let event: Value = serde_json::from_str(&s.events.sent()[0]).unwrap();
    assert_eq!(event["type"], "message.rejected");
    assert_eq!(event["data"]["reason"], "media_bucket_not_allowed");
}

#[tokio::test]
async fn the_stacks_bucket_named_outright_still_allows_only_outbound() {
    let s = sender();
    s.files
        .put(STACK, "c/abc/wamid.X/1", Some("image/jpeg"), &[1; 10]);
    let body = image("a", json!({ "bucket": STACK, "key": "c/abc/wamid.X/1" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_key_outside_prefix");
    assert!(s.files.calls().is_empty(), "no S3 call");
    assert!(s.graph.bodies().is_empty());
}

#[tokio::test]
async fn a_listed_bucket_is_read_whole() {
    let s = sender();
    s.files
        .put(SHOP, "catalogue/storm.png", Some("image/png"), &[1; 10]);
    let body = image("a", json!({ "bucket": SHOP, "key": "catalogue/storm.png" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("sent"));
    assert_eq!(s.uploads.uploads()[0].mime_type, "image/png");
}

#[tokio::test]
async fn a_missing_key_is_rejected_media_not_found_without_upload() {
    let s = sender();
    let body = image("a", json!({ "key": "outbound/nope.jpg" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_not_found");
    assert!(s.uploads.uploads().is_empty());
    assert!(s.graph.bodies().is_empty());
}

#[tokio::test]
async fn an_object_over_metas_limit_is_rejected_without_being_read() {
    let s = sender();
    s.files.put(
        STACK,
        "outbound/huge.jpg",
        Some("image/jpeg"),
        &vec![0; 5 * 1024 * 1024 + 1],
    );
    let body = image("a", json!({ "key": "outbound/huge.jpg" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_too_large");
    assert_eq!(
        s.files.calls().len(),
        1,
        "only the HEAD: {:?}",
        s.files.calls()
    );
    assert!(s.uploads.uploads().is_empty());
}

#[tokio::test]
async fn a_file_of_a_type_meta_refuses_for_the_kind_is_rejected() {
    let s = sender();
    s.files.put(
        STACK,
        "outbound/terms.pdf",
        Some("application/pdf"),
        &[1; 10],
    );
    let body = image("a", json!({ "key": "outbound/terms.pdf" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_type_not_accepted");
}

#[tokio::test]
async fn metas_131053_ends_the_command_rejected_and_nothing_is_sent() {
    let s = sender();
    s.uploads.refuse_next(MediaCallError::Api(parse_graph_error(
        400,
        br#"{"error":{"message":"(#131053) Media upload error","code":131053}}"#,
    )));
    let body = image("a", json!({ "key": "outbound/storm.jpg" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("rejected"));
    assert_eq!(rejected(&s, "a"), "media_upload_refused");
    assert!(s.graph.bodies().is_empty());
}

#[tokio::test]
async fn a_refused_token_on_upload_is_retried_as_token_without_claiming_the_key() {
    let s = sender();
    s.uploads
        .refuse_next(MediaCallError::TokenRefused(parse_graph_error(
            401,
            br#"{"error":{"message":"expired","code":190}}"#,
        )));
    let body = image("a", json!({ "key": "outbound/storm.jpg" }));
    assert!(matches!(
        s.deliver(&body, 1).await,
        Step::Retry { why: "token", .. }
    ));
    assert!(
        s.ledger.entries.lock().unwrap().is_empty(),
        "no claim left behind"
    );
    assert_eq!(s.deliver(&body, 2).await, Step::Done("sent"));
}

#[tokio::test]
async fn s3_or_meta_unavailable_is_retried() {
    let s = sender();
    *s.files.fail_next_head.lock().unwrap() = Some(Retry::Retryable);
    let body = image("a", json!({ "key": "outbound/storm.jpg" }));
    assert!(matches!(
        s.deliver(&body, 1).await,
        Step::Retry {
            why: "media_storage",
            ..
        }
    ));
    s.uploads
        .refuse_next(MediaCallError::Transient("HTTP 503".into()));
    assert!(matches!(
        s.deliver(&body, 2).await,
        Step::Retry {
            why: "media_upload",
            ..
        }
    ));
    assert_eq!(s.deliver(&body, 3).await, Step::Done("sent"));
    assert_eq!(s.graph.bodies().len(), 1);
}

#[tokio::test]
async fn a_replaced_object_is_uploaded_again() {
    let s = sender();
    let storm = json!({ "key": "outbound/storm.jpg" });
    s.deliver(&image("a", storm.clone()), 1).await;
    s.files
        .put(STACK, "outbound/storm.jpg", Some("image/jpeg"), &[9; 20]);
    s.deliver(&image("b", storm), 1).await;
    let uploads = s.uploads.uploads();
    assert_eq!(uploads.len(), 2, "a new ETag is a new file");
    assert_eq!(s.graph.bodies()[1]["image"]["id"], "media-2");
}

#[tokio::test]
async fn a_redelivered_sent_command_is_not_sent_or_uploaded_again() {
    let s = sender();
    let body = image("a", json!({ "key": "outbound/storm.jpg" }));
    assert_eq!(s.deliver(&body, 1).await, Step::Done("sent"));
    assert_eq!(s.deliver(&body, 2).await, Step::Done("duplicate"));
    assert_eq!(s.uploads.uploads().len(), 1);
    assert_eq!(s.graph.bodies().len(), 1);
}

#[tokio::test]
async fn a_template_header_document_from_s3_is_sent_by_id_with_its_filename() {
    let s = sender();
    s.files
        .put(STACK, "outbound/receipts/1042.pdf", None, &[1; 100]);
    let body = json!({
        "idempotency_key": "t", "to": "+16505551234", "category": "utility",
        "message": { "type": "template", "template": {
            "name": "order_receipt", "language": { "code": "en_US" },
            "components": [ { "type": "header", "parameters": [
                { "type": "document", "document": { "s3": { "key": "outbound/receipts/1042.pdf" }, "filename": "Receipt 1042.pdf" } }
            ] } ]
        } }
    });
    assert_eq!(s.deliver(&body.to_string(), 1).await, Step::Done("sent"));
    // No Content-Type on the object: the extension gives the type.
    assert_eq!(s.uploads.uploads()[0].mime_type, "application/pdf");
    let sent = &s.graph.bodies()[0];
    assert_eq!(
        sent["template"]["components"][0]["parameters"][0]["document"],
        json!({ "id": "media-1", "filename": "Receipt 1042.pdf" })
    );
}
