use super::*;

fn request<'a>(limit: Option<&'a str>, after: Option<&'a str>) -> PageRequest<'a> {
    PageRequest {
        fields: None,
        limit,
        after,
        before: None,
        filters: Vec::new(),
    }
}

#[test]
fn cursors_should_look_like_metas_and_round_trip() {
    assert_eq!(cursor(0), "MAZDZD");
    assert_eq!(cursor(99), "OTkZD");
    assert_eq!(position("OTkZD"), Some(99));
    assert_eq!(position("not a cursor"), None);
}

#[test]
fn two_hundred_fifty_templates_should_take_three_pages_of_100() {
    let all = generate("gen", 250, 1);
    let first = page(&all, &request(Some("100"), None)).unwrap();
    assert_eq!(first.data.len(), 100);
    assert!(first.has_next && !first.has_previous);
    let after = first.cursors.unwrap().1;
    let second = page(&all, &request(Some("100"), Some(&after))).unwrap();
    assert_eq!(second.data[0]["name"], "gen_0100");
    let after = second.cursors.unwrap().1;
    let third = page(&all, &request(Some("100"), Some(&after))).unwrap();
    assert_eq!(third.data.len(), 50);
    assert!(!third.has_next && third.has_previous);
}

#[test]
fn unknown_fields_and_bad_limits_should_answer_code_100() {
    let all = generate("gen", 3, 1);
    let mut bad = request(None, None);
    bad.fields = Some(vec!["name".into(), "colour".into()]);
    let err = page(&all, &bad).err().unwrap();
    assert_eq!(err.code, 100);
    assert!(err.message.contains("nonexisting field (colour)"));
    assert_eq!(
        page(&all, &request(Some("0"), None)).err().unwrap().code,
        100
    );
    assert_eq!(
        page(&all, &request(None, Some("zzz"))).err().unwrap().code,
        100
    );
}

#[test]
fn requested_fields_should_be_the_only_ones_plus_id() {
    let all = generate("gen", 1, 7);
    let mut req = request(None, None);
    req.fields = Some(vec!["status".into(), "quality_score".into()]);
    let first = &page(&all, &req).unwrap().data[0];
    let keys: Vec<_> = first.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, vec!["id", "quality_score", "status"]);
    assert_eq!(first["quality_score"]["score"], "UNKNOWN");
}

#[test]
fn languages_should_match_across_hyphen_and_underscore() {
    assert!(same_language("en_US", "en-US"));
    assert!(!same_language("en_US", "en_GB"));
}
