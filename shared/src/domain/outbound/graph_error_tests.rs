use super::*;
use FailureClass::*;

fn with_code(http_status: u16, code: i64) -> GraphError {
    parse_graph_error(
        http_status,
        format!(r#"{{"error":{{"message":"(#{code}) x","type":"OAuthException","code":{code},"fbtrace_id":"A1"}}}}"#)
            .as_bytes(),
    )
}

/// Every code of meta-api §7's table with the HTTP status Meta lists for it
/// (400 where the table has none) and the class the sender must apply.
const TABLE: &[(i64, u16, FailureClass)] = &[
    (0, 401, Token),
    (3, 500, Permanent),
    (10, 403, Permanent),
    (190, 401, Token),
    (200, 403, Permanent),
    (250, 403, Permanent),
    (299, 403, Permanent),
    (4, 400, Throughput),
    (80007, 400, Throughput),
    (130429, 400, Throughput),
    (131056, 400, PairRate),
    (131048, 400, SpamRate),
    (131064, 400, Permanent),
    (133016, 400, Throughput),
    (368, 403, Permanent),
    (130497, 403, Permanent),
    (131031, 403, Permanent),
    (1, 400, Transient),
    (2, 503, Transient),
    (33, 400, Permanent),
    (100, 400, Permanent),
    (130403, 400, Permanent),
    (130472, 400, Permanent),
    (131000, 500, Transient),
    (131005, 403, Permanent),
    (131008, 400, Permanent),
    (131009, 400, Permanent),
    (131016, 500, Transient),
    (131021, 400, Permanent),
    (131026, 400, Permanent),
    (131030, 400, Permanent),
    (131037, 400, Permanent),
    (131042, 400, Permanent),
    (131045, 500, Permanent),
    (131047, 400, Permanent),
    (131049, 400, Permanent),
    (131050, 400, Permanent),
    (131051, 400, Permanent),
    (131052, 400, Permanent),
    (131053, 400, Permanent),
    (131057, 500, Throughput),
    (131063, 400, Permanent),
    (132000, 400, Permanent),
    (132001, 404, Permanent),
    (132005, 400, Permanent),
    (132007, 400, Permanent),
    (132012, 400, Permanent),
    (132015, 400, Permanent),
    (132016, 400, Permanent),
    (132068, 400, Permanent),
    (132069, 400, Permanent),
    (133000, 400, Permanent),
    (133004, 503, Transient),
    (133005, 400, Permanent),
    (133006, 400, Permanent),
    (133008, 400, Permanent),
    (133009, 400, Permanent),
    (133010, 400, Permanent),
    (133015, 400, Permanent),
    (134011, 400, Permanent),
    (135000, 400, Permanent),
];

#[test]
fn every_code_in_metas_table_should_get_its_class() {
    for &(code, http, class) in TABLE {
        assert_eq!(classify(&with_code(http, code)), class, "code {code}");
        assert_ne!(describe(code), "unknown error code", "code {code}");
    }
}

#[test]
fn the_class_should_follow_the_code_not_the_http_status() {
    for &(code, _, class) in TABLE {
        for http in [400, 403, 500, 503] {
            assert_eq!(
                classify(&with_code(http, code)),
                class,
                "code {code} http {http}"
            );
        }
    }
}

#[test]
fn when_meta_answers_130429_with_http_400_it_should_be_throughput() {
    let body = include_str!(
        "../../../../tests/fixtures/commands/meta_send_errors/meta_error_130429.response.json"
    );
    let e = parse_graph_error(400, body.as_bytes());
    assert_eq!(e.code, Some(130429));
    assert_eq!(e.subcode, Some(2494055));
    assert_eq!(e.message.as_deref(), Some("(#130429) Rate limit hit"));
    assert_eq!(
        e.details.as_deref(),
        Some("Cloud API message throughput has been reached.")
    );
    assert_eq!(e.fbtrace_id.as_deref(), Some("Az8or2yhqkZfEZ-_4Qn_Bam"));
    assert_eq!(classify(&e), Throughput);
}

#[test]
fn metas_invalid_parameter_example_should_be_permanent() {
    let body = include_str!(
        "../../../../tests/fixtures/commands/meta_send_errors/meta_error_mm_api_100.response.json"
    );
    let e = parse_graph_error(400, body.as_bytes());
    assert_eq!(e.code, Some(100));
    assert_eq!(e.subcode, None);
    assert_eq!(
        e.details.as_deref(),
        Some("Message must be a template message.")
    );
    assert_eq!(classify(&e), Permanent);
}

#[test]
fn when_the_body_is_not_json_the_code_should_be_none() {
    let e = parse_graph_error(502, b"<html>Bad Gateway</html>");
    assert_eq!(
        e,
        GraphError {
            http_status: 502,
            code: None,
            subcode: None,
            message: None,
            details: None,
            fbtrace_id: None
        }
    );
    assert_eq!(classify(&e), Transient);
}

#[test]
fn without_a_code_the_http_status_should_decide() {
    let cases = [
        (401, Token),
        (429, Throughput),
        (408, Transient),
        (500, Transient),
        (503, Transient),
        (599, Transient),
        (400, Permanent),
        (403, Permanent),
        (404, Permanent),
    ];
    for (http, class) in cases {
        assert_eq!(
            classify(&parse_graph_error(http, b"")),
            class,
            "http {http}"
        );
        assert_eq!(
            classify(&parse_graph_error(http, b"{}")),
            class,
            "http {http}"
        );
    }
}

#[test]
fn an_unknown_code_should_be_transient_on_5xx_and_permanent_on_4xx() {
    assert_eq!(classify(&with_code(500, 131014)), Transient);
    assert_eq!(classify(&with_code(400, 131014)), Permanent);
    assert_eq!(classify(&with_code(401, 102)), Token);
}

#[test]
fn a_code_written_as_a_string_should_still_be_read() {
    let e = parse_graph_error(
        400,
        br#"{"error":{"code":"131056","error_subcode":"2494065"}}"#,
    );
    assert_eq!((e.code, e.subcode), (Some(131056), Some(2494065)));
    assert_eq!(classify(&e), PairRate);
}

#[test]
fn describe_should_give_the_meaning_from_metas_table() {
    assert_eq!(describe(131026), "message undeliverable");
    assert_eq!(
        describe(131047),
        "more than 24 hours since the customer last replied"
    );
    assert_eq!(describe(42), "unknown error code");
    assert!(!is_known(42));
}

#[test]
fn only_permanent_failures_should_not_be_retried() {
    for class in [Throughput, PairRate, SpamRate, Token, Transient] {
        assert!(class.is_retryable(), "{}", class.as_str());
    }
    assert!(!Permanent.is_retryable());
}
