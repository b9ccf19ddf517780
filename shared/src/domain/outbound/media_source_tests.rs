use serde_json::{json, Value};

use super::*;
use crate::domain::outbound::parse_command;

fn command(message: Value) -> String {
    json!({ "idempotency_key": "k-1", "to": "+15551234567", "message": message }).to_string()
}

fn image(s3: Value) -> String {
    command(json!({ "type": "image", "image": { "s3": s3, "caption": "Your umbrella" } }))
}

fn header(kind: &str, s3: Value) -> String {
    command(json!({ "type": "template", "template": {
        "name": "receipt", "language": { "code": "en_US" },
        "components": [ { "type": "header", "parameters": [ { "type": kind, kind: { "s3": s3 } } ] } ]
    } }))
}

fn refusal(body: &str) -> CommandError {
    parse_command(body).unwrap_err()
}

#[test]
fn an_image_from_the_stacks_bucket_under_outbound_should_parse() {
    let cmd = parse_command(&image(json!({ "key": "outbound/umbrella.jpg" }))).unwrap();
    let found = s3_media(&cmd);
    assert_eq!(
        found,
        vec![S3Media {
            pointer: "/image".into(),
            kind: MediaKind::Image,
            bucket: None,
            key: "outbound/umbrella.jpg".into(),
        }]
    );
}

#[test]
fn every_media_type_should_take_an_s3_reference() {
    for kind in ["image", "video", "audio", "document", "sticker"] {
        let body = command(json!({ "type": kind, kind: { "s3": { "key": "outbound/f" } } }));
        let cmd = parse_command(&body).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(s3_media(&cmd)[0].kind.as_str(), kind);
    }
}

#[test]
fn a_key_outside_outbound_in_the_stacks_bucket_should_be_refused_by_the_parser() {
    for key in [
        "c/abc/wamid.X/123",
        "outbound",
        "outbound/",
        "Outbound/x.jpg",
        "x/outbound/y",
    ] {
        let e = refusal(&image(json!({ "key": key })));
        assert_eq!(e.reason(), "invalid_media_source", "{key}: {e}");
    }
}

#[test]
fn a_key_that_is_empty_climbs_or_starts_with_a_slash_should_be_refused() {
    for key in [
        "",
        "outbound/../c/abc/1",
        "outbound/./x.jpg",
        "/outbound/x.jpg",
        "outbound/a\nb.jpg",
        &format!("outbound/{}", "a".repeat(1020)),
    ] {
        let e = refusal(&image(json!({ "key": key })));
        assert_eq!(e.reason(), "invalid_media_source", "{key:?}: {e}");
    }
    let e = refusal(&image(json!({ "key": "outbound/../x" })));
    assert!(e.to_string().contains(".."), "{e}");
}

#[test]
fn an_s3_reference_with_an_id_or_link_or_a_bad_shape_should_be_refused() {
    let both =
        command(json!({ "type": "image", "image": { "id": "1", "s3": { "key": "outbound/x" } } }));
    assert_eq!(refusal(&both).reason(), "invalid_media_source");
    for s3 in [
        json!("outbound/x.jpg"),
        json!({}),
        json!({ "key": 7 }),
        json!({ "key": "outbound/x", "region": "eu-west-1" }),
        json!({ "key": "x.jpg", "bucket": "Shop_Files" }),
        json!({ "key": "x.jpg", "bucket": "ab" }),
    ] {
        assert_eq!(
            refusal(&image(s3.clone())).reason(),
            "invalid_media_source",
            "{s3}"
        );
    }
}

#[test]
fn a_named_bucket_may_hold_any_key_for_the_parser() {
    let cmd = parse_command(&image(
        json!({ "key": "catalogue/x.jpg", "bucket": "shop-files" }),
    ));
    assert_eq!(
        s3_media(&cmd.unwrap())[0].bucket.as_deref(),
        Some("shop-files")
    );
}

#[test]
fn template_header_media_should_take_an_s3_reference_and_be_checked() {
    let cmd = parse_command(&header("document", json!({ "key": "outbound/r.pdf" }))).unwrap();
    let found = s3_media(&cmd);
    assert_eq!(
        found[0].pointer,
        "/template/components/0/parameters/0/document"
    );
    assert_eq!(found[0].kind, MediaKind::Document);
    let e = refusal(&header("image", json!({ "key": "c/h/w/1" })));
    assert_eq!(e.reason(), "invalid_media_source");
    assert!(e.to_string().contains("parameters[0].image.s3"), "{e}");
}

#[test]
fn carousel_card_headers_should_be_found_too() {
    let body = command(json!({ "type": "template", "template": {
        "name": "c", "language": { "code": "en" },
        "components": [ { "type": "carousel", "cards": [
            { "components": [ { "type": "header", "parameters": [ { "type": "image", "image": { "s3": { "key": "outbound/a.png" } } } ] } ] },
            { "components": [ { "type": "header", "parameters": [ { "type": "image", "image": { "link": "https://x.example/b.png" } } ] } ] }
        ] } ]
    } }));
    let found = s3_media(&parse_command(&body).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].pointer,
        "/template/components/0/cards/0/components/0/parameters/0/image"
    );
}

#[test]
fn with_media_ids_should_put_the_id_in_place_of_s3_and_keep_the_caption() {
    let cmd = parse_command(&image(json!({ "key": "outbound/u.jpg" }))).unwrap();
    let sent = with_media_ids(&cmd, &[("/image".into(), "9001".into())]);
    let body = crate::domain::outbound::graph_body(&sent, None);
    assert_eq!(
        body["image"],
        json!({ "id": "9001", "caption": "Your umbrella" })
    );
    assert!(s3_media(&sent).is_empty());
}

fn sources() -> MediaSources {
    MediaSources {
        stack_bucket: Some("jum-media".into()),
        other_buckets: vec!["shop-files".into()],
    }
}

fn media(bucket: Option<&str>, key: &str) -> S3Media {
    S3Media {
        pointer: "/image".into(),
        kind: MediaKind::Image,
        bucket: bucket.map(str::to_owned),
        key: key.into(),
    }
}

#[test]
fn the_stacks_bucket_should_be_read_only_under_outbound_even_when_named() {
    let s = sources();
    assert_eq!(
        s.bucket_for(&media(None, "outbound/a.jpg")).unwrap(),
        "jum-media"
    );
    assert_eq!(
        s.bucket_for(&media(Some("jum-media"), "outbound/a.jpg"))
            .unwrap(),
        "jum-media"
    );
    assert_eq!(
        s.bucket_for(&media(Some("jum-media"), "c/abc/wamid.X/1")),
        Err(SourceRefusal::OutsidePrefix)
    );
}

#[test]
fn a_listed_bucket_should_be_read_whole_and_any_other_refused() {
    let s = sources();
    assert_eq!(
        s.bucket_for(&media(Some("shop-files"), "catalogue/a.jpg"))
            .unwrap(),
        "shop-files"
    );
    assert_eq!(
        s.bucket_for(&media(Some("someone-elses"), "outbound/a.jpg")),
        Err(SourceRefusal::BucketNotAllowed)
    );
    let no_stack = MediaSources::default();
    assert_eq!(
        no_stack.bucket_for(&media(None, "outbound/a.jpg")),
        Err(SourceRefusal::BucketNotAllowed)
    );
}

#[test]
fn the_objects_content_type_should_decide_and_the_extension_only_without_one() {
    let ok = |ct: Option<&str>, key: &str| check_object(MediaKind::Image, ct, key, 1000);
    assert_eq!(
        ok(Some("image/png"), "outbound/x.bin").unwrap(),
        "image/png"
    );
    assert_eq!(ok(None, "outbound/x.JPG").unwrap(), "image/jpeg");
    assert_eq!(
        ok(Some("binary/octet-stream"), "outbound/x.jpeg").unwrap(),
        "image/jpeg"
    );
    assert_eq!(
        ok(Some("application/pdf"), "outbound/x.jpg"),
        Err(ObjectRefusal::TypeNotAccepted {
            mime: Some("application/pdf".into())
        })
    );
    assert_eq!(
        ok(None, "outbound/x").unwrap_err().reason(),
        "media_type_not_accepted"
    );
}

#[test]
fn an_object_over_metas_limit_or_empty_should_be_refused() {
    let five_mb = 5 * 1024 * 1024;
    assert!(check_object(MediaKind::Image, Some("image/jpeg"), "k", five_mb).is_ok());
    assert_eq!(
        check_object(MediaKind::Image, Some("image/jpeg"), "k", five_mb + 1),
        Err(ObjectRefusal::TooLarge {
            bytes: five_mb + 1,
            limit: five_mb
        })
    );
    assert_eq!(
        check_object(MediaKind::Sticker, Some("image/webp"), "k", 500 * 1024 + 1)
            .unwrap_err()
            .reason(),
        "media_too_large"
    );
    assert_eq!(
        check_object(MediaKind::Image, Some("image/jpeg"), "k", 0),
        Err(ObjectRefusal::Empty)
    );
}

#[test]
fn bucket_names_should_follow_s3s_rule() {
    for good in ["abc", "shop-files", "shop.files.eu", "a1b"] {
        assert!(is_bucket_name(good), "{good}");
    }
    for bad in [
        "ab",
        "Shop",
        "-shop",
        "shop-",
        "shop_files",
        &"a".repeat(64),
    ] {
        assert!(!is_bucket_name(bad), "{bad}");
    }
}
