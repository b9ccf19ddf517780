//! Which role reaches which contacts-API route, read from template.yaml's two
//! managed policies with IAM's own wildcard rules (`*` is any run of
//! characters, `/` included; `?` is one character) and explicit Deny winning.
//!
//! The routes come from the template itself (the contacts function's HttpApi
//! events), so a route added later is in the matrix at once: if the reader's
//! `GET …/contacts/*` would reach it, the test fails until the policy says
//! otherwise.

use std::collections::BTreeSet;
use std::path::Path;

use serde_norway::Value;

const PARTITION: &str = "aws";
const REGION: &str = "eu-west-1";
const ACCOUNT: &str = "123456789012";
const API_ID: &str = "a1b2c3d4e5";
/// A phone number, a BSUID, and ids that look like route words: a path
/// parameter is one segment, so none of these may change what a role reaches.
const SUBJECTS: [&str; 4] = ["16505551234", "US.13491208655302741918", "export", "audit"];

/// The routes the conversation reader may call; everything else is the
/// privacy officer's alone.
/// A link to one of the contact's files is a read of their history: the
/// reader gets it (audited as `read_media`), as it gets the messages.
const READER_ROUTES: [&str; 3] = [
    "GET /contacts/{wa_id}",
    "GET /contacts/{wa_id}/messages",
    "GET /contacts/{wa_id}/media/{media_id}",
];

fn template() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).expect("template.yaml")).expect("yaml")
}

/// Every contacts route (`METHOD /path`), from the contacts function's events.
fn contacts_routes(t: &Value) -> BTreeSet<String> {
    let events = &t["Resources"]["ContactsFunction"]["Properties"]["Events"];
    let routes: BTreeSet<String> = events
        .as_mapping()
        .expect("ContactsFunction has events")
        .values()
        .filter(|e| e["Type"] == "HttpApi")
        .map(|e| {
            let p = &e["Properties"];
            format!(
                "{} {}",
                p["Method"].as_str().unwrap(),
                p["Path"].as_str().unwrap()
            )
        })
        .collect();
    assert!(routes.len() >= 9, "contacts routes not found: {routes:?}");
    routes
}

/// `!Sub` with the pseudo parameters and the API id filled in.
fn resolve(v: &Value) -> String {
    let raw = match v {
        Value::Tagged(t) if t.tag == "!Sub" => t.value.as_str().expect("!Sub of a string"),
        Value::String(s) => s.as_str(),
        other => panic!("unexpected Resource form {other:?}"),
    };
    raw.replace("${AWS::Partition}", PARTITION)
        .replace("${AWS::Region}", REGION)
        .replace("${AWS::AccountId}", ACCOUNT)
        .replace("${HttpApi}", API_ID)
}

/// IAM's string match for Action and Resource elements.
fn iam_match(pattern: &[u8], s: &[u8]) -> bool {
    match (pattern.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            iam_match(&pattern[1..], s) || (!s.is_empty() && iam_match(pattern, &s[1..]))
        }
        (Some(b'?'), Some(_)) => iam_match(&pattern[1..], &s[1..]),
        (Some(p), Some(c)) if p == c => iam_match(&pattern[1..], &s[1..]),
        _ => false,
    }
}

fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Sequence(s) => s.iter().collect(),
        Value::Null => vec![],
        one => vec![one],
    }
}

/// Whether the managed policy lets its holder invoke `arn`: some Allow
/// matches and no Deny does.
fn allows(t: &Value, policy: &str, arn: &str) -> bool {
    let statements = &t["Resources"][policy]["Properties"]["PolicyDocument"]["Statement"];
    let mut allowed = false;
    for st in list(statements) {
        let acts = list(&st["Action"]);
        let action = acts.iter().any(|a| {
            iam_match(
                a.as_str().unwrap().to_lowercase().as_bytes(),
                b"execute-api:invoke",
            )
        });
        let hit = list(&st["Resource"])
            .iter()
            .any(|r| iam_match(resolve(r).as_bytes(), arn.as_bytes()));
        assert!(
            st.get("NotResource").is_none() && st.get("Condition").is_none(),
            "{policy}: extend this test first"
        );
        match st["Effect"].as_str() {
            Some("Deny") if action && hit => return false,
            Some("Allow") if action && hit => allowed = true,
            _ => {}
        }
    }
    allowed
}

/// The routes `policy` reaches, for every sample subject: a route counts as
/// reached if any subject reaches it, and the test also asserts that the
/// answer does not depend on the subject.
fn reached(t: &Value, policy: &str, routes: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for route in routes {
        let (method, path) = route.split_once(' ').unwrap();
        let answers: BTreeSet<bool> = SUBJECTS
            .iter()
            .map(|id| {
                let arn = format!(
                    "arn:{PARTITION}:execute-api:{REGION}:{ACCOUNT}:{API_ID}/$default/{method}{}",
                    path.replace("{wa_id}", id)
                        .replace("{media_id}", "1013859600285441")
                );
                allows(t, policy, &arn)
            })
            .collect();
        assert_eq!(
            answers.len(),
            1,
            "{policy} on {route} depends on the contact's id"
        );
        if answers.contains(&true) {
            out.insert(route.clone());
        }
    }
    out
}

#[test]
fn the_conversation_reader_reaches_only_a_profile_its_history_and_its_files() {
    let t = template();
    let routes = contacts_routes(&t);
    let expected: BTreeSet<String> = READER_ROUTES.iter().map(|r| r.to_string()).collect();
    assert!(
        expected.is_subset(&routes),
        "reader routes missing from the template"
    );
    assert_eq!(reached(&t, "ConversationReaderPolicy", &routes), expected);
}

#[test]
fn the_privacy_officer_reaches_every_contacts_route() {
    let t = template();
    let routes = contacts_routes(&t);
    assert_eq!(reached(&t, "PrivacyOfficerPolicy", &routes), routes);
}

#[test]
fn neither_role_reaches_the_webhook_or_another_api() {
    let t = template();
    for policy in ["ConversationReaderPolicy", "PrivacyOfficerPolicy"] {
        for arn in [
            format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/$default/POST/webhook"),
            format!("arn:aws:execute-api:{REGION}:{ACCOUNT}:otherapi00/$default/GET/contacts/16505551234"),
        ] {
            assert!(!allows(&t, policy, &arn), "{policy} reaches {arn}");
        }
    }
}

#[test]
fn iam_wildcards_cross_slashes_as_iam_does() {
    // The reason the reader needs its Deny: a `*` is not a path segment.
    assert!(iam_match(b"x/GET/contacts/*", b"x/GET/contacts/1/export"));
    assert!(iam_match(
        b"x/GET/contacts/*/messages",
        b"x/GET/contacts/1/messages"
    ));
    assert!(!iam_match(
        b"x/GET/contacts/*/messages",
        b"x/GET/contacts/1/export"
    ));
    assert!(iam_match(b"a?c", b"abc") && !iam_match(b"a?c", b"ac"));
}
