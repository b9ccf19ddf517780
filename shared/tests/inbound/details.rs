//! The variants with nested parts, compared whole: a location's place, the
//! shared contact cards, the order lines, an edit's new content, the ad a
//! conversation came from, the product a customer asked about.

use shared::domain::inbound::{
    ContactAddress, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl,
    MessageContent, OrderItem, Referral, ReferredProduct, SharedContact,
};

use crate::{fixture, only_message};

fn content_of(name: &str) -> MessageContent {
    only_message(&fixture(name)).content
}

#[test]
fn a_location_is_read_with_latitude_and_longitude_in_their_places_and_its_place() {
    assert_eq!(
        content_of("location.json"),
        MessageContent::Location {
            latitude: 37.44221496582,
            longitude: -122.16165924072,
            name: Some("Philz Coffee".into()),
            address: Some("101 Forest Ave, Palo Alto, CA 94301".into()),
            url: Some("https://philzcoffee.com/".into()),
        }
    );
}

#[test]
fn a_location_sent_in_reply_to_a_location_request_keeps_the_request_it_answers() {
    let m = only_message(&fixture("location_request_reply.json"));
    assert_eq!(
        m.content,
        MessageContent::Location {
            latitude: 40.782910059774,
            longitude: -73.959075808525,
            name: Some("Solomon R. Guggenheim Museum".into()),
            address: Some("1071 5th Ave, New York, NY 10128".into()),
            url: None,
        }
    );
    assert_eq!(
        m.context.and_then(|c| c.replied_to).as_deref(),
        Some("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIzODQ5RkI0RDYyN0M4MkQxNDYA")
    );
}

fn kind(k: &str) -> Option<String> {
    Some(k.into())
}

#[test]
fn shared_contacts_are_read_card_by_card_with_names_phones_emails_and_addresses() {
    let MessageContent::Contacts { contacts } = content_of("contacts.json") else {
        panic!("contacts");
    };
    assert_eq!(contacts.len(), 1, "one card");
    assert_eq!(
        contacts[0],
        SharedContact {
            name: Some(ContactName {
                formatted_name: Some("Barbara J. Johnson".into()),
                first_name: Some("Barbara".into()),
                middle_name: Some("J.".into()),
                last_name: Some("Johnson".into()),
            }),
            phones: vec![
                ContactPhone {
                    phone: Some("+1 (650) 555-1299".into()),
                    wa_id: Some("16505551299".into()),
                    kind: kind("MOBILE"),
                },
                ContactPhone {
                    phone: Some("+1 (650) 555-1298".into()),
                    wa_id: None,
                    kind: kind("WORK"),
                },
            ],
            emails: vec![ContactEmail {
                email: Some("barbara.johnson@example.com".into()),
                kind: kind("WORK"),
            }],
            urls: vec![ContactUrl {
                url: Some("https://www.example.com/barbara".into()),
                kind: kind("WORK"),
            }],
            addresses: vec![ContactAddress {
                street: Some("1 Hacker Way".into()),
                city: Some("Menlo Park".into()),
                state: Some("CA".into()),
                zip: Some("94025".into()),
                country: Some("United States".into()),
                country_code: Some("US".into()),
                kind: kind("WORK"),
            }],
            org: Some(ContactOrg {
                company: Some("Social Tsunami".into()),
                department: Some("Sales".into()),
                title: Some("Account Manager".into()),
            }),
            birthday: Some("1987-03-14".into()),
        }
    );
}

#[test]
fn an_order_is_read_with_its_catalog_text_and_each_line() {
    let line = |id: &str, quantity, price| OrderItem {
        product_retailer_id: Some(id.into()),
        quantity: Some(quantity),
        item_price: Some(price),
        currency: Some("USD".into()),
    };
    assert_eq!(
        content_of("order.json"),
        MessageContent::Order {
            catalog_id: Some("194836987003835".into()),
            text: Some("Love these!".into()),
            items: vec![line("di9ozbzfi4", 2, 30.0), line("nqryix03ez", 1, 12.99)],
        }
    );
}

#[test]
fn an_edit_is_read_with_the_message_it_targets_and_the_new_content() {
    assert_eq!(
        content_of("edit.json"),
        MessageContent::Edit {
            original: Some("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA=".into()),
            message_type: Some("text".into()),
            content: Some(Box::new(MessageContent::Text {
                body: "Hi! Does the ceramic planter come in another colour, e.g. green?".into()
            })),
        }
    );
}

#[test]
fn a_revoke_is_read_with_the_message_it_targets() {
    assert_eq!(
        content_of("revoke.json"),
        MessageContent::Revoke {
            original: Some("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRGODI3OEM4OUFEMTZEQTA1RgA=".into()),
        }
    );
}

#[test]
fn a_text_after_an_ad_keeps_every_referral_field() {
    let m = only_message(&fixture("text_ctwa_referral.json"));
    assert_eq!(
        m.referral,
        Some(Referral {
            source_url: Some("https://fb.me/3cr4Wqqkv".into()),
            source_type: Some("ad".into()),
            source_id: Some("120226305854810726".into()),
            headline: Some("Chat with us".into()),
            body: Some("Summer Succulents are here!".into()),
            media_type: Some("image".into()),
            image_url: Some("https://scontent.xx.fbcdn.net/v/t45.1600-4/471547092_120226305854810726_n.jpg".into()),
            video_url: None,
            thumbnail_url: Some("https://scontent.xx.fbcdn.net/v/t45.1600-4/471547092_120226305854810726_t.jpg".into()),
            ctwa_clid: Some("ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a".into()),
            welcome_message: Some("Hi there! Let us know how we can help!".into()),
        })
    );
    assert!(only_message(&fixture("text.json")).referral.is_none());
}

#[test]
fn a_question_about_a_product_keeps_the_catalog_and_product_ids() {
    let m = only_message(&fixture("text_referred_product.json"));
    let ctx = m.context.expect("context");
    assert_eq!(
        ctx.referred_product,
        Some(ReferredProduct {
            catalog_id: Some("194836987003835".into()),
            product_retailer_id: Some("di9ozbzfi4".into()),
        })
    );
    assert_eq!(
        ctx.replied_to.as_deref(),
        Some("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIwQTA1OTNFNThFNkYyQzRFRTMA")
    );
}

#[test]
fn an_odd_referral_costs_the_referral_not_the_message() {
    let mut body = fixture("text_ctwa_referral.json");
    crate::first_in(&mut body, "messages")["referral"] = "not an object".into();
    let m = only_message(&body);
    assert!(m.has_referral && m.referral.is_none());
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Can I get more info about this?".into()
        }
    );
}
