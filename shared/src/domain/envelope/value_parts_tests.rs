use super::*;

fn parts(value: &str) -> Result<ValueParts<'_>, serde_json::Error> {
    let raw: &RawValue = serde_json::from_str(value).expect("test values are JSON");
    ValueParts::parse(raw)
}

fn texts<'p>(parts: &'p ValueParts, key: &str) -> Vec<&'p str> {
    parts.arrays[key].iter().map(|u| u.text).collect()
}

#[test]
fn each_message_keeps_its_exact_text_however_the_value_is_spaced() {
    let first = "{ \"from\" : \"1650\",\n  \"text\": {\"body\": \"a } b\"} }";
    let second = r#"{"id":"wamid.B","from":"1651"}"#;
    let value = format!("{{\n \"messages\" : [ {first} ,\n\t{second} ]\n}}");
    let parts = parts(&value).unwrap();
    assert_eq!(texts(&parts, "messages"), [first, second]);
    let senders: Vec<_> = parts.arrays["messages"]
        .iter()
        .map(|u| u.sender.from.as_deref())
        .collect();
    assert_eq!(senders, [Some("1650"), Some("1651")]);
}

#[test]
fn a_sender_is_found_by_either_id_and_through_escaped_keys() {
    let value =
        r#"{"messages":[{"fr\u006fm":"1650","from_user_id":"US.1"},{"from":null,"id":"x"}]}"#;
    let parts = parts(value).unwrap();
    let messages = &parts.arrays["messages"];
    assert_eq!(messages[0].sender.from.as_deref(), Some("1650"));
    assert_eq!(messages[0].sender.from_user_id.as_deref(), Some("US.1"));
    assert_eq!(messages[1].sender.from, None);
}

#[test]
fn an_empty_message_stays_an_empty_object() {
    let parts = parts(r#"{"messages":[{ },{"from":"1650"}]}"#).unwrap();
    assert_eq!(texts(&parts, "messages"), ["{}", r#"{"from":"1650"}"#]);
}

#[test]
fn other_arrays_keep_their_elements_and_other_keys_their_values() {
    let value = r#"{"statuses":[{"id":"s1"}, 7],"metadata":{"phone_number_id":"1"},"new_key":[1,2],"contacts":[{"wa_id":"1650","profile":{}}]}"#;
    let parts = parts(value).unwrap();
    assert_eq!(texts(&parts, "statuses"), [r#"{"id":"s1"}"#, "7"]);
    let rest: Vec<_> = parts
        .rest
        .iter()
        .map(|(k, v)| (k.as_ref(), v.get()))
        .collect();
    assert_eq!(
        rest,
        [
            ("metadata", r#"{"phone_number_id":"1"}"#),
            ("new_key", "[1,2]")
        ]
    );
    assert_eq!(parts.contacts[0].wa_id.as_deref(), Some("1650"));
    assert_eq!(parts.contacts[0].text, r#"{"wa_id":"1650","profile":{}}"#);
}

#[test]
fn a_repeated_key_keeps_its_last_value_as_a_map_would() {
    let parts = parts(r#"{"statuses":[1],"metadata":1,"statuses":[2,3],"metadata":2}"#).unwrap();
    assert_eq!(texts(&parts, "statuses"), ["2", "3"]);
    assert_eq!(parts.rest["metadata"].get(), "2");
}

#[test]
fn shapes_that_cannot_be_sliced_are_refused() {
    for value in [
        r#"[1,2]"#,
        r#"{"messages":5}"#,
        r#"{"messages":[5]}"#,
        r#"{"messages":[["1650"]]}"#,
        r#"{"messages":[{"from":5}]}"#,
        r#"{"messages":[{"from":"1","from":"2"}]}"#,
        r#"{"statuses":{"id":"s1"}}"#,
        r#"{"contacts":[{"wa_id":7}]}"#,
    ] {
        assert!(parts(value).is_err(), "{value} is refused");
    }
}
