//! The contract's example corpus (`tests/fixtures/commands/`), shared with
//! the JSON Schema check (`check_schema.py`): every `valid/` command parses,
//! every `invalid/` one fails with the reason its file name starts with.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

fn corpus(kind: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/commands")
        .join(kind);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn every_valid_command_in_the_corpus_should_parse() {
    let files = corpus("valid");
    assert!(files.len() >= 15, "only {} valid commands", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|(name, body)| parse_command(body).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_invalid_command_in_the_corpus_should_fail_with_the_reason_in_its_file_name() {
    let files = corpus("invalid");
    assert!(files.len() >= 15, "only {} invalid commands", files.len());
    let mut failures = Vec::new();
    for (name, body) in &files {
        let expected = name.split("__").next().unwrap();
        match parse_command(body) {
            Ok(_) => failures.push(format!("{name}: parsed")),
            Err(e) if e.reason() != expected => {
                failures.push(format!("{name}: {} ({e})", e.reason()))
            }
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_invalid_corpus_should_cover_every_reason() {
    let files = corpus("invalid");
    for reason in CommandError::REASONS {
        assert!(
            files
                .iter()
                .any(|(name, _)| name.split("__").next() == Some(reason)),
            "no invalid/{reason}__*.json"
        );
    }
}

#[test]
fn the_valid_corpus_should_cover_every_message_type() {
    let types: Vec<String> = corpus("valid")
        .iter()
        .map(|(_, body)| {
            parse_command(body)
                .unwrap()
                .message
                .message_type()
                .to_owned()
        })
        .collect();
    for t in MESSAGE_TYPES.iter().chain(ACTION_TYPES.iter()) {
        assert!(types.iter().any(|x| x == t), "no valid {t} command");
    }
}

#[test]
fn salvage_should_find_the_key_of_every_invalid_command_that_has_a_readable_one() {
    for (name, body) in corpus("invalid") {
        let salvaged = salvage_idempotency_key(&body);
        let readable = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("idempotency_key")?.as_str().map(str::to_owned))
            .and_then(|k| IdempotencyKey::parse(&k).ok());
        assert_eq!(salvaged, readable, "{name}");
    }
}
