//! The events as built here against the published schemas
//! (docs/contracts/events/). The schemas are validated in Python
//! (`validate_events.py --samples`, a `make test` step) on a fixture this
//! test keeps equal to what the payloads serialise: a payload change fails
//! here until the fixture is rewritten (`JUM_WRITE_EVENT_SAMPLES=1 cargo
//! test -p shared --lib events`), and then there if no schema allows it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::samples::samples;
use super::EventKind;

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
