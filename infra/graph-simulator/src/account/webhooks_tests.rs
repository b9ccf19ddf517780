use super::*;
use crate::account::templates::generate;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn account() -> Account {
    let mut account = Account::seeded("102290129340398", "106540352242922", "15550783881");
    let mut template = generate("order_confirmation", 1, 1689556908129832).remove(0);
    template.name = "order_confirmation".into();
    template.status = "PENDING".into();
    account.waba_mut("102290129340398").templates.push(template);
    let mut welcome = generate("welcome_template", 1, 278077987957091).remove(0);
    welcome.name = "welcome_template".into();
    account.waba_mut("102290129340398").templates.push(welcome);
    account
}

fn event(field: &str, template: Option<&str>, value: Value) -> AccountEvent {
    AccountEvent {
        field: field.into(),
        template: template.map(|name| TemplateRef {
            name: name.into(),
            language: "en_US".into(),
        }),
        value: value.as_object().cloned().unwrap_or_default(),
        ..AccountEvent::default()
    }
}

fn send(account: &mut Account, event: &AccountEvent, now: u64) -> Prepared {
    prepare(account, event, "102290129340398", "106540352242922", now).unwrap()
}

fn template<'a>(account: &'a Account, name: &str) -> &'a Template {
    account.wabas["102290129340398"]
        .templates
        .iter()
        .find(|t| t.name == name)
        .unwrap()
}

#[test]
fn status_update_should_equal_metas_example_and_change_the_template() {
    let mut account = account();
    let approved = event(
        "message_template_status_update",
        Some("order_confirmation"),
        json!({"event": "APPROVED"}),
    );
    let sent = send(&mut account, &approved, 1751247548);
    assert_eq!(
        sent.body,
        fixture("field_message_template_status_update__meta.json")
    );
    assert!(sent.applied);
    assert_eq!(template(&account, "order_confirmation").status, "APPROVED");
    let paused = event(
        "message_template_status_update",
        Some("order_confirmation"),
        json!({"event": "PAUSED"}),
    );
    send(&mut account, &paused, 1);
    assert_eq!(template(&account, "order_confirmation").status, "PAUSED");
}

#[test]
fn completed_category_change_should_equal_metas_example_and_apply() {
    let mut account = account();
    let change = event(
        "template_category_update",
        Some("welcome_template"),
        json!({"new_category": "MARKETING"}),
    );
    let sent = send(&mut account, &change, 1746169200);
    assert_eq!(
        sent.body,
        fixture("field_template_category_update_b__meta.json")
    );
    assert_eq!(template(&account, "welcome_template").category, "MARKETING");
}

#[test]
fn announced_category_change_should_not_apply_yet() {
    let mut account = account();
    let change = event(
        "template_category_update",
        Some("welcome_template"),
        json!({"correct_category": "MARKETING", "category_update_timestamp": 1746169200}),
    );
    let sent = send(&mut account, &change, 1746082800);
    assert!(!sent.applied);
    let value = &sent.body["entry"][0]["changes"][0]["value"];
    assert_eq!(value["new_category"], "UTILITY");
    assert_eq!(template(&account, "welcome_template").category, "UTILITY");
}

#[test]
fn throughput_upgrade_and_security_should_equal_metas_examples() {
    let mut account = account();
    let upgrade = send(
        &mut account,
        &event("phone_number_quality_update", None, json!({})),
        1748454394,
    );
    assert_eq!(
        upgrade.body,
        fixture("field_phone_number_quality_update__meta.json")
    );
    assert_eq!(account.numbers["106540352242922"].throughput_level, "HIGH");
    let security = send(
        &mut account,
        &event("security", None, json!({})),
        1748811473,
    );
    assert_eq!(security.body, fixture("field_security__meta.json"));
}

#[test]
fn a_given_account_update_value_should_replace_the_example() {
    let mut account = account();
    let ban = json!({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE", "waba_ban_date": "April 17, 2025"}});
    let sent = send(&mut account, &event("account_update", None, ban.clone()), 1);
    assert_eq!(sent.body["entry"][0]["changes"][0]["value"], ban);
}

#[test]
fn template_fields_without_a_template_or_an_event_should_be_refused() {
    let mut account = account();
    let no_template = event(
        "message_template_status_update",
        None,
        json!({"event": "PAUSED"}),
    );
    assert!(prepare(&mut account, &no_template, "w", "p", 1).is_err());
    let no_event = event(
        "message_template_status_update",
        Some("order_confirmation"),
        json!({}),
    );
    assert!(prepare(&mut account, &no_event, "102290129340398", "p", 1).is_err());
    let unknown = event(
        "message_template_status_update",
        Some("nope"),
        json!({"event": "PAUSED"}),
    );
    assert!(!send(&mut account, &unknown, 1).applied);
}
