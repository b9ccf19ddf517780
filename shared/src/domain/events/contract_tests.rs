//! The events as built here against the published schemas
//! (docs/contracts/events/). The schemas are validated in Python
//! (`validate_events.py --samples`, a `make test` step) on a fixture this
//! test keeps equal to what the payloads serialise: a payload change fails
//! here until the fixture is rewritten (`JUM_WRITE_EVENT_SAMPLES=1 cargo
//! test -p shared --lib events`), and then there if no schema allows it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::payloads::{AbuseSuspected, MessageStatus};
use super::samples::samples;
use super::{rfc3339, Event, EventKind};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema_names() -> BTreeSet<String> {
    std::fs::read_dir(repo().join("docs/contracts/events"))
        .expect("docs/contracts/events")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".schema.json").map(str::to_owned)
        })
        .collect()
}

#[test]
fn every_event_kind_has_a_schema_file_and_every_schema_file_a_kind() {
    let mut kinds: BTreeSet<String> = EventKind::BUILT_IN
        .iter()
        .map(|k| k.schema_name().to_owned())
        .collect();
    kinds.insert(
        EventKind::Rule("order.status_requested".into())
            .schema_name()
            .into(),
    );
    assert_eq!(kinds, schema_names());
}

#[test]
fn the_samples_cover_every_kind_of_event() {
    let seen: BTreeSet<String> = samples()
        .iter()
        .map(|e| e.kind.schema_name().to_owned())
        .collect();
    assert_eq!(seen, schema_names());
}

#[test]
fn the_event_samples_fixture_is_what_the_payloads_serialise() {
    let path = repo().join("tests/fixtures/events/samples.jsonl");
    let mut lines: Vec<String> = samples()
        .iter()
        .map(|e| serde_json::to_string(e).expect("events serialise"))
        .collect();
    lines.push(String::new());
    let now = lines.join("\n");
    if std::env::var_os("JUM_WRITE_EVENT_SAMPLES").is_some() {
        std::fs::write(&path, &now).expect("write the samples");
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == now,
        "{} is not what the event payloads serialise: check the change against \
         docs/contracts/events/, then rewrite it with JUM_WRITE_EVENT_SAMPLES=1",
        path.display()
    );
}

fn status(timestamp: i64) -> MessageStatus<'static> {
    MessageStatus {
        wamid: "wamid.X",
        status: "read",
        timestamp,
        errors: Vec::new(),
        pricing: None,
    }
}

#[test]
fn the_same_fact_always_gets_the_same_event_id() {
    let a = Event::new(&status(1), "wamid.X", 1, None, None);
    let b = Event::new(&status(2), "wamid.X", 2, None, None);
    let flood = AbuseSuspected::flood(1, 1, 1, "r");
    let c = Event::new(&flood, "wamid.X", 1, None, None);
    assert_eq!(a.event_id, b.event_id);
    assert_ne!(a.event_id, c.event_id);
}

#[test]
fn event_ids_are_the_hash_of_kind_and_fact_as_before_the_typed_payloads() {
    // Consumers drop repeats by event_id: a new version must give an
    // already published fact the id it had.
    let e = Event::new(&status(1), "wamid.X|read", 1, None, None);
    let digest = Sha256::digest("message.status\u{1f}wamid.X|read".as_bytes());
    assert_eq!(e.event_id, format!("evt_{}", hex::encode(&digest[..16])));
}

#[test]
fn occurred_at_is_rfc3339_utc() {
    assert_eq!(rfc3339(1_764_000_000), "2025-11-24T16:00:00Z");
}
