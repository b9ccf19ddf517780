//! Table tests of the template check: each row is a command's template
//! object against one of the seed definitions (infra/graph-simulator/seed).

use serde_json::{json, Value};

use super::*;
use crate::domain::templates::TemplateDefinition;

fn def(v: Value) -> TemplateDefinition {
    TemplateDefinition::from_graph(&v).unwrap()
}

fn spring_sale() -> TemplateDefinition {
    def(
        json!({"name": "spring_sale", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
        "parameter_format": "POSITIONAL", "components": [
            {"type": "HEADER", "format": "IMAGE"},
            {"type": "BODY", "text": "Spring is here, {{1}}! Every umbrella is {{2}} off until Sunday."},
            {"type": "FOOTER", "text": "Reply STOP to unsubscribe"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Shop now", "url": "https://example.com/sale/{{1}}"},
                {"type": "QUICK_REPLY", "text": "Stop promotions"}]}]}),
    )
}

fn order_update() -> TemplateDefinition {
    def(
        json!({"name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
        "parameter_format": "NAMED", "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{order_id}}"},
            {"type": "BODY", "text": "Hi {{first_name}}, your order {{order_id}} is now {{state}}."},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://example.com/track/{{1}}"},
                {"type": "PHONE_NUMBER", "text": "Call us", "phone_number": "+15550783881"}]}]}),
    )
}

fn with_status(status: &str) -> TemplateDefinition {
    let mut d = spring_sale();
    d.status = status.into();
    d
}

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

fn named(name: &str) -> Value {
    json!({"type": "text", "text": "x", "parameter_name": name})
}

fn spring_command(header: Value, body: Vec<Value>, buttons: Vec<Value>) -> Value {
    let mut components = vec![
        json!({"type": "header", "parameters": [header]}),
        json!({"type": "body", "parameters": body}),
    ];
    components.extend(buttons);
    json!({"name": "spring_sale", "language": {"code": "en_US"}, "components": components})
}

fn image() -> Value {
    json!({"type": "image", "image": {"link": "https://example.com/a.jpg"}})
}

fn url_button(index: Value, params: Vec<Value>) -> Value {
    json!({"type": "button", "sub_type": "url", "index": index, "parameters": params})
}

fn good_spring() -> Value {
    spring_command(
        image(),
        vec![text("Alice"), text("20%")],
        vec![url_button(json!(0), vec![text("spring")])],
    )
}

fn good_order_update() -> Value {
    json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
        {"type": "header", "parameters": [named("order_id")]},
        {"type": "body", "parameters": [named("first_name"), named("order_id"), named("state")]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [text("1234")]}]})
}

/// (case, command, definition, expected reason or None for Ok, words the detail must hold)
type Row = (
    &'static str,
    Value,
    Option<TemplateDefinition>,
    Option<&'static str>,
    &'static str,
);

fn rows() -> Vec<Row> {
    let mismatch = Some("template_parameters_mismatch");
    vec![
        ("a fitting positional send", good_spring(), Some(spring_sale()), None, ""),
        ("a fitting named send", good_order_update(), Some(order_update()), None, ""),
        ("unknown after a sync", good_spring(), None, Some("template_not_found"), "132001"),
        ("paused", good_spring(), Some(with_status("PAUSED")), Some("template_paused"), "PAUSED"),
        ("disabled", good_spring(), Some(with_status("DISABLED")), Some("template_disabled"), "DISABLED"),
        ("pending", good_spring(), Some(with_status("PENDING")), Some("template_pending"), "PENDING"),
        ("rejected", good_spring(), Some(with_status("REJECTED")), Some("template_rejected"), "REJECTED"),
        ("one body parameter short",
            spring_command(image(), vec![text("Alice")], vec![url_button(json!(0), vec![text("s")])]),
            Some(spring_sale()), mismatch, "body: expected 2 positional parameters ({{1}} to {{2}}), got 1"),
        ("a text where the header is an image",
            spring_command(text("hi"), vec![text("a"), text("b")], vec![url_button(json!(0), vec![text("s")])]),
            Some(spring_sale()), mismatch, "header: the template's header is IMAGE, so one image parameter is expected, got text"),
        ("a document where the header is an image",
            spring_command(json!({"type": "document", "document": {"id": "1"}}), vec![text("a"), text("b")],
                vec![url_button(json!(0), vec![text("s")])]),
            Some(spring_sale()), mismatch, "got document"),
        ("the URL button's parameter missing",
            spring_command(image(), vec![text("a"), text("b")], vec![]),
            Some(spring_sale()), mismatch, "button 0: the URL button needs a parameter"),
        ("a quick_reply sub_type on the URL button",
            spring_command(image(), vec![text("a"), text("b")],
                vec![json!({"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": [{"type": "payload", "payload": "x"}]})]),
            Some(spring_sale()), mismatch, "button 0: expected sub_type url (a URL button), got quick_reply"),
        ("a button index past the template's buttons",
            spring_command(image(), vec![text("a"), text("b")],
                vec![url_button(json!(0), vec![text("s")]), url_button(json!(2), vec![text("s")])]),
            Some(spring_sale()), mismatch, "button 2: the template has 2 button(s)"),
        ("a named parameter misspelt",
            json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [named("order_id")]},
                {"type": "body", "parameters": [named("first_name"), named("order"), named("state")]},
                {"type": "button", "sub_type": "url", "index": 0, "parameters": [text("1")]}]}),
            Some(order_update()), mismatch, "body: expected named parameters first_name, order_id, state, got named parameters first_name, order, state"),
        ("positional parameters for a named template",
            json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [text("1")]}]}),
            Some(order_update()), mismatch, "header: expected named parameters order_id, got a parameter without parameter_name"),
        ("a component for the phone button",
            json!({"name": "order_update", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [named("order_id")]},
                {"type": "body", "parameters": [named("first_name"), named("order_id"), named("state")]},
                {"type": "button", "sub_type": "url", "index": 0, "parameters": [text("1")]},
                {"type": "button", "sub_type": "url", "index": 1, "parameters": [text("1")]}]}),
            Some(order_update()), mismatch, "button 1: a PHONE_NUMBER button takes no parameters"),
        ("header parameters for a template without a header",
            json!({"name": "order_shipped", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [text("x")]}]}),
            Some(def(json!({"name": "order_shipped", "language": "en_US", "status": "APPROVED",
                "components": [{"type": "BODY", "text": "On its way."}]}))),
            mismatch, "header: the template has no header variables, got 1"),
        ("a carousel the template does not have",
            json!({"name": "order_shipped", "language": {"code": "en_US"}, "components": [
                {"type": "carousel", "cards": []}]}),
            Some(def(json!({"name": "order_shipped", "language": "en_US", "status": "APPROVED",
                "components": [{"type": "BODY", "text": "On its way."}]}))),
            mismatch, "carousel: the template has no carousel component"),
        ("a location header given its location",
            json!({"name": "store_location", "language": {"code": "en_US"}, "components": [
                {"type": "header", "parameters": [{"type": "location", "location": {"latitude": 1, "longitude": 2}}]}]}),
            Some(def(json!({"name": "store_location", "language": "en_US", "status": "APPROVED",
                "components": [{"type": "HEADER", "format": "LOCATION"}, {"type": "BODY", "text": "Here."}]}))),
            None, ""),
        ("an authentication code without its button",
            json!({"name": "login_code", "language": {"code": "en_US"}, "components": [
                {"type": "body", "parameters": [text("123456")]}]}),
            Some(def(json!({"name": "login_code", "language": "en_US", "status": "APPROVED", "category": "AUTHENTICATION",
                "components": [{"type": "BODY", "text": "*{{1}}* is your code."},
                    {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE", "text": "Copy"}]}]}))),
            mismatch, "button 0: the OTP button needs a parameter"),
        ("a carousel template: its parameters are not checked, its status is",
            json!({"name": "cards", "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [text("x")]}]}),
            Some(def(json!({"name": "cards", "language": "en_US", "status": "APPROVED",
                "components": [{"type": "BODY", "text": "Look"}, {"type": "CAROUSEL", "cards": []}]}))),
            None, ""),
        ("a template learned from a webhook only: status checked, parameters not",
            json!({"name": "new_one", "language": {"code": "en_US"}, "components": [{"type": "body", "parameters": [text("x")]}]}),
            Some(TemplateDefinition { components: None, ..with_status("APPROVED") }),
            None, ""),
    ]
}

#[test]
fn each_template_command_gets_the_answer_its_row_gives() {
    for (case, command, definition, reason, detail) in rows() {
        let got = check_command(&command, definition.as_ref());
        match (reason, got) {
            (None, Ok(())) => {}
            (Some(reason), Err(refusal)) => {
                assert_eq!(refusal.reason(), reason, "{case}");
                assert!(
                    refusal.detail().contains(detail),
                    "{case}: {:?} does not contain {detail:?}",
                    refusal.detail()
                );
            }
            (want, got) => panic!("{case}: wanted {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn a_status_meta_adds_later_is_refused_as_template_and_its_lowercase_name() {
    let refusal = check_command(&good_spring(), Some(&with_status("IN_APPEAL"))).unwrap_err();
    assert_eq!(refusal.reason(), "template_in_appeal");
}
