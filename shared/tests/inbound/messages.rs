//! One fixture per `MessageContent` variant, asserting the typed content.
//! The variants with nested parts (location, contacts, order, edit, referral)
//! are in details.rs.

use shared::domain::ids::{ContactKey, WaId};
use shared::domain::inbound::{
    Direction, InteractiveReply, MediaKind, MediaRef, MessageContent, SystemEvent,
};

use crate::{first_in, fixture, only_message};

fn content_of(name: &str) -> MessageContent {
    only_message(&fixture(name)).content
}

#[test]
fn a_text_message_is_read_with_its_exact_body_sender_and_time() {
    let m = only_message(&fixture("text.json"));
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Hi! Does the ceramic planter come in another color?".into()
        }
    );
    assert_eq!(
        m.wamid.as_str(),
        "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTM3MkVBMDhDQUIzM0U3MUMwMgA="
    );
    assert_eq!(m.contact.storage_id(), "16505551234");
    assert_eq!(m.direction, Direction::Inbound);
    assert_eq!(m.timestamp, 1_764_000_000);
    assert_eq!(m.message_type, "text");
    assert!(m.context.is_none());
    assert!(!m.has_referral);
}

#[test]
fn an_image_is_read_with_its_media_id_mime_type_sha256_caption_and_url() {
    assert_eq!(
        content_of("image.json"),
        MessageContent::Media {
            kind: MediaKind::Image,
            media: MediaRef {
                id: Some("1029720905126783".into()),
                mime_type: Some("image/jpeg".into()),
                sha256: Some("YQXWzHavQAMl6U1YjOURvlv9u3O0N9xR7KQ5F9ekPj0=".into()),
                caption: Some("This is the one I saw in the store".into()),
                url: Some("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1029720905126783&source=webhook&ext=1764000390&hash=ARdf5b4fd9a2191d47cab5".into()),
                ..MediaRef::default()
            },
        }
    );
}

/// The fields that tell media apart, per fixture; the url is asserted once
/// (on the image) since every media object carries it the same way.
fn media_of(name: &str) -> (MediaKind, MediaRef) {
    match content_of(name) {
        MessageContent::Media { kind, media } => (kind, MediaRef { url: None, ..media }),
        other => panic!("{name}: media, got {other:?}"),
    }
}

#[test]
fn a_document_is_read_with_its_filename_caption_and_hash() {
    let (kind, media) = media_of("document.json");
    assert_eq!(kind, MediaKind::Document);
    assert_eq!(
        media,
        MediaRef {
            id: Some("1436392082154411".into()),
            mime_type: Some("application/pdf".into()),
            sha256: Some("Q8wj+lK4e0zB0CtbEUFUFR1q3dsXyf3cBrAn+pniQAg=".into()),
            filename: Some("receipt-2025-11-24.pdf".into()),
            caption: Some("my receipt".into()),
            ..MediaRef::default()
        }
    );
}

#[test]
fn video_audio_voice_and_sticker_are_read_with_their_kind_and_media_fields() {
    let table = [
        (
            "video.json",
            MediaKind::Video,
            "1970151667365129",
            "video/mp4",
            "DKsclhdAT68rJOIh4YnKWUWBPhTT92Y0WwnKE7vij/w=",
            Some("Timelapse of growth"),
            None,
            None,
        ),
        (
            "audio.json",
            MediaKind::Audio,
            "1204004918528001",
            "audio/mpeg",
            "btiRnOIEkKXjrYYwpPq2lHUper0H23ORjdXzb8+usRs=",
            None,
            Some(false),
            None,
        ),
        (
            "voice.json",
            MediaKind::Audio,
            "1932670418436468",
            "audio/ogg; codecs=opus",
            "xX1+kgGXCLYUyQ+jaFzWRPVDpgFT+5nsm2fDgaJF+yo=",
            None,
            Some(true),
            None,
        ),
        (
            "sticker.json",
            MediaKind::Sticker,
            "1824207608002506",
            "image/webp",
            "V8SxOkxzNecvFmngUG6ZII3x2gUMEl2meLI+u1W/TGE=",
            None,
            None,
            Some(false),
        ),
    ];
    for (name, kind, id, mime, sha256, caption, voice, animated) in table {
        let expected = MediaRef {
            id: Some(id.into()),
            mime_type: Some(mime.into()),
            sha256: Some(sha256.into()),
            caption: caption.map(str::to_owned),
            voice,
            animated,
            ..MediaRef::default()
        };
        assert_eq!(media_of(name), (kind, expected), "{name}");
    }
}

#[test]
fn interactive_replies_are_read_with_the_id_and_title_of_the_choice() {
    assert_eq!(
        content_of("interactive_button_reply.json"),
        MessageContent::Interactive(InteractiveReply::Button {
            id: "change-button".into(),
            title: "Change".into(),
        })
    );
    assert_eq!(
        content_of("interactive_list_reply.json"),
        MessageContent::Interactive(InteractiveReply::List {
            id: "priority_express".into(),
            title: "Priority Mail Express".into(),
        })
    );
}

#[test]
fn a_completed_flow_is_read_with_its_name_and_response_json_string() {
    assert_eq!(
        content_of("interactive_nfm_reply.json"),
        MessageContent::Interactive(InteractiveReply::Flow {
            name: Some("flow".into()),
            response_json: Some(
                r#"{"flow_token":"appointment-flow-7f3c2a91","service":"repotting","date":"2025-11-28","time_slot":"14:00","notes":"Two large pots"}"#
                    .into()
            ),
        })
    );
}

#[test]
fn a_template_quick_reply_tap_is_read_with_its_payload_and_text() {
    let m = only_message(&fixture("button.json"));
    assert_eq!(
        m.content,
        MessageContent::Button {
            payload: Some("STOP_PROMOTIONS".into()),
            text: Some("Stop promotions".into()),
        }
    );
    assert_eq!(
        m.context.and_then(|c| c.replied_to).as_deref(),
        Some("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBJFNUY0OEQ3RDlEMTZGNUU5NDYA")
    );
}

const REACTED_TO: &str = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0MUFERjg0QzdDMTY2NUM5MDkA";

#[test]
fn a_reaction_is_read_with_its_decoded_emoji_and_the_message_it_reacts_to() {
    assert_eq!(
        content_of("reaction.json"),
        MessageContent::Reaction {
            message_id: REACTED_TO.into(),
            emoji: Some("👍".into()),
        }
    );
}

#[test]
fn a_removed_reaction_has_no_emoji_whether_meta_omits_it_or_sends_it_empty() {
    let removed = MessageContent::Reaction {
        message_id: REACTED_TO.into(),
        emoji: None,
    };
    assert_eq!(content_of("reaction_removed.json"), removed);
    let mut empty = fixture("reaction_removed.json");
    first_in(&mut empty, "messages")["reaction"]["emoji"] = "".into();
    assert_eq!(only_message(&empty).content, removed);
}

#[test]
fn a_number_change_is_read_with_the_new_number() {
    let m = only_message(&fixture("system_user_changed_number.json"));
    assert_eq!(
        m.content,
        MessageContent::System(SystemEvent::NumberChanged {
            new_wa_id: Some(WaId::parse("16505551240").unwrap()),
        })
    );
    assert_eq!(
        m.contact.storage_id(),
        "16505551235",
        "the old number sent it"
    );
}

#[test]
fn an_identity_change_is_read_as_such() {
    assert_eq!(
        content_of("system_customer_identity_changed.json"),
        MessageContent::System(SystemEvent::IdentityChanged)
    );
}

#[test]
fn an_unsupported_message_is_read_with_its_kind_and_error_codes() {
    assert_eq!(
        content_of("unsupported.json"),
        MessageContent::Unsupported {
            kind: Some("poll".into()),
            error_codes: vec![131051],
        }
    );
}

#[test]
fn a_type_nobody_knows_is_kept_as_unknown_with_its_type_name() {
    let m = only_message(&fixture("unknown_type.json"));
    assert_eq!(m.content, MessageContent::Unknown);
    assert_eq!(m.message_type, "hologram");
    assert!(
        m.raw.get().contains(r#""hologram""#),
        "the raw element is kept"
    );
}

#[test]
fn a_text_after_an_ad_is_marked_as_referred() {
    let m = only_message(&fixture("text_ctwa_referral.json"));
    assert!(m.has_referral);
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Can I get more info about this?".into()
        }
    );
}

#[test]
fn reply_and_forwarding_context_is_read() {
    let reply = only_message(&fixture("text_reply_context.json"))
        .context
        .unwrap();
    assert_eq!(
        reply.replied_to.as_deref(),
        Some("wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIwNjFFNjMyQjg3MEZFNTAwQTEA")
    );
    assert!(!reply.forwarded && !reply.frequently_forwarded);
    let forwarded = only_message(&fixture("text_forwarded.json"))
        .context
        .unwrap();
    assert!(forwarded.forwarded && !forwarded.frequently_forwarded);
    assert_eq!(forwarded.replied_to, None);
    let often = only_message(&fixture("text_frequently_forwarded.json"))
        .context
        .unwrap();
    assert!(often.frequently_forwarded && !often.forwarded);
}

#[test]
fn a_group_message_keeps_its_group_id() {
    let m = only_message(&fixture("group_text.json"));
    assert_eq!(
        m.group_id.as_deref(),
        Some("Y2FwaV9ncm91cDoxNTU1MDc4Mzg4MToxMjAzNjM0MDQ2OTQyMzM5ODEZD")
    );
    assert_eq!(m.contact.storage_id(), "16505551236");
}

#[test]
fn a_sender_known_only_by_bsuid_is_keyed_by_it_with_the_username_in_the_profile() {
    let parsed = crate::parse(&fixture("bsuid_text.json"));
    let [change] = parsed.as_slice() else {
        panic!("one change");
    };
    let bsuid = ContactKey::from_parts(None, Some("US.13491208655302741918")).unwrap();
    let [profile] = change.profiles.as_slice() else {
        panic!("one profile");
    };
    assert_eq!(profile.contact, bsuid, "an empty wa_id is no phone number");
    assert_eq!(profile.name.as_deref(), Some("Alex Rivera"));
    assert_eq!(profile.username.as_deref(), Some("alex.rivera"));
    let m = only_message(&fixture("bsuid_text.json"));
    assert_eq!(m.contact, bsuid);
    assert_eq!(m.contact.storage_id(), "u.US.13491208655302741918");
}

#[test]
fn a_message_echoed_from_the_business_app_is_keyed_by_its_recipient() {
    let m = only_message(&fixture("smb_message_echo.json"));
    assert_eq!(m.direction, Direction::Echo);
    assert_eq!(m.contact.storage_id(), "16505551235");
    assert_eq!(
        m.content,
        MessageContent::Text {
            body: "Thanks Pablo, your order ships tomorrow morning.".into()
        }
    );
}
