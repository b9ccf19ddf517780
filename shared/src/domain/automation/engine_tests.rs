use super::*;
use crate::domain::automation::load;
use crate::domain::ids::{ContactKey, WaId, Wamid};
use crate::domain::inbound::{Direction, MediaKind, MediaRef};

const RULES: &str = r#"
version: 1
settings:
  opt_out:
    stop_words: [arrêt, baja]
business_hours:
  timezone: Europe/London
  weekly: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
  holidays: ["2026-12-25"]
rules:
  - id: greeting
    when: {first_message: true}
    then: [{reply: {text: "Welcome!"}}]
    continue: true
  - id: vip
    when: {tag: vip}
    then: [{silence: {}}]
  - id: hours
    when: {keywords: ["opening hours", "horario", "öffnungszeiten"]}
    then: [{reply: {text: "9 to 6"}}]
  - id: order
    when: {regex: "(?i)order\\s*#?\\d+"}
    then: [{emit: order.status_requested}]
  - id: human
    when: {interactive_id: [talk_to_human]}
    then: [{handoff: {}}, {reply: {text: "An agent will answer"}}]
  - id: photo
    when: {message_type: [image]}
    then: [{ticket: {}}]
  - id: closed
    when: {business_hours: closed}
    then: [{reply: {text: "We are closed"}}]
"#;

fn message(content: MessageContent, message_type: &str) -> InboundMessage {
    InboundMessage {
        wamid: Wamid::parse("wamid.T").unwrap(),
        contact: ContactKey::Phone(WaId::parse("16505551234").unwrap()),
        direction: Direction::Inbound,
        timestamp: 0,
        message_type: message_type.into(),
        content,
        context: None,
        group_id: None,
        has_referral: false,
        referral: None,
        raw: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
    }
}

fn text(body: &str) -> InboundMessage {
    message(MessageContent::Text { body: body.into() }, "text")
}

const OPEN: i64 = 1_795_615_200; // Wed 2026-11-25 14:00 London
const CLOSED: i64 = 1_795_644_000; // Wed 2026-11-25 22:00 London

fn ids(plan: &Plan) -> Vec<&str> {
    plan.actions.iter().map(|(id, _)| id.as_str()).collect()
}

fn plan(m: &InboundMessage, new: bool, tags: &[&str], now: i64) -> Plan {
    let tags: BTreeSet<String> = tags.iter().map(|t| (*t).to_owned()).collect();
    load(RULES).unwrap().plan(&Incoming {
        message: m,
        is_new_contact: new,
        tags: &tags,
        now,
    })
}

#[test]
fn keywords_match_whatever_the_case_accents_or_punctuation() {
    assert_eq!(
        ids(&plan(&text("¿Cuál es el HORÁRIO?"), false, &[], OPEN)),
        vec!["hours"]
    );
    assert_eq!(
        ids(&plan(
            &text("What are your opening hours?"),
            false,
            &[],
            OPEN
        )),
        vec!["hours"]
    );
    assert!(plan(&text("I have hours of time"), false, &[], OPEN)
        .actions
        .is_empty());
}

#[test]
fn the_first_message_rule_continues_to_the_next_match() {
    assert_eq!(
        ids(&plan(&text("horario"), true, &[], OPEN)),
        vec!["greeting", "hours"]
    );
}

#[test]
fn a_regex_matches_and_emits_a_named_event() {
    let p = plan(&text("Where is order #1042?"), false, &[], OPEN);
    assert_eq!(
        p.actions,
        vec![(
            "order".into(),
            Action::Emit("order.status_requested".into())
        )]
    );
}

#[test]
fn an_interactive_reply_id_matches() {
    let m = message(
        MessageContent::Interactive(InteractiveReply::Button {
            id: "talk_to_human".into(),
            title: "Talk to a person".into(),
        }),
        "interactive",
    );
    assert_eq!(ids(&plan(&m, false, &[], OPEN)), vec!["human", "human"]);
}

#[test]
fn a_message_type_matches() {
    let m = message(
        MessageContent::Media {
            kind: MediaKind::Image,
            media: MediaRef::default(),
        },
        "image",
    );
    assert_eq!(ids(&plan(&m, false, &[], OPEN)), vec!["photo"]);
}

#[test]
fn business_hours_decide_by_the_clock() {
    assert!(plan(&text("hello"), false, &[], OPEN).actions.is_empty());
    assert_eq!(
        ids(&plan(&text("hello"), false, &[], CLOSED)),
        vec!["closed"]
    );
}

#[test]
fn a_tag_matches_and_silence_stops_further_rules() {
    let p = plan(&text("horario"), false, &["vip"], OPEN);
    assert_eq!(p.actions, vec![("vip".into(), Action::Silence)]);
}

#[test]
fn stop_and_start_words_are_recognised_only_as_the_whole_message() {
    let a = load(RULES).unwrap();
    let intent = |s: &str| opt_out_intent(&a.settings, &MessageContent::Text { body: s.into() });
    assert_eq!(intent("STOP"), Some(OptIntent::Stop));
    assert_eq!(intent(" stop. "), Some(OptIntent::Stop));
    assert_eq!(
        intent("Arret"),
        Some(OptIntent::Stop),
        "configured word, accent-insensitive"
    );
    assert_eq!(intent("Start"), Some(OptIntent::Start));
    assert_eq!(intent("please don't stop my delivery"), None);
}

#[test]
fn an_invalid_rules_file_is_refused_naming_the_rule_and_the_problem() {
    let bad = |body: &str| {
        load(&format!("version: 1\nrules:\n{body}"))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        bad("  - id: broken\n    when: {regex: \"(unclosed\"}\n    then: [{silence: {}}]"),
        "rule `broken`: `regex` does not compile: regex parse error:\n    (unclosed\n    ^\nerror: unclosed group"
    );
    assert!(
        bad("  - id: x\n    when: {business_hours: open}\n    then: [{silence: {}}]")
            .contains("rule `x`: uses `business_hours`")
    );
    assert!(bad("  - id: y\n    then: [{emit: message.received}]")
        .contains("rule `y`: `message.received` is a built-in event"));
    assert!(bad("  - id: z\n    then: []").contains("rule `z`: `then` needs at least one action"));
    assert!(
        bad("  - id: d\n    then: [{silence: {}}]\n  - id: d\n    then: [{silence: {}}]")
            .contains("rule `d`: the id is used")
    );
    assert!(
        bad("  - id: t\n    when: {message_type: [hologram]}\n    then: [{silence: {}}]")
            .contains("rule `t`: `message_type` `hologram`")
    );
    assert!(load("version: 1\nrulez: []")
        .unwrap_err()
        .to_string()
        .contains("unknown field"));
}
