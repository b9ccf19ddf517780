use super::*;

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn limits_follow_metas_table() {
    assert_eq!(MediaKind::Image.limit_bytes(false), 5 * MB);
    assert_eq!(MediaKind::Audio.limit_bytes(false), 16 * MB);
    assert_eq!(MediaKind::Video.limit_bytes(false), 16 * MB);
    assert_eq!(MediaKind::Document.limit_bytes(false), 100 * MB);
    assert_eq!(MediaKind::Sticker.limit_bytes(false), 100 * KB);
    assert_eq!(MediaKind::Sticker.limit_bytes(true), 500 * KB);
}

#[test]
fn a_business_file_must_be_a_type_meta_accepts_for_its_kind() {
    assert!(MediaKind::Audio.accepts("audio/ogg; codecs=opus"));
    assert!(MediaKind::Image.accepts("IMAGE/PNG"));
    assert!(!MediaKind::Image.accepts("image/webp"));
    assert!(MediaKind::Sticker.accepts("image/webp"));
    assert!(!MediaKind::Document.accepts("application/zip"));
    assert!(!MediaKind::Video.accepts(""));
}

#[test]
fn metas_digest_reads_the_same_in_hex_and_in_base64() {
    let hex = sha_hex(b"umbrella");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"umbrella"));
    assert_eq!(sha256_hex(&hex.to_uppercase()), Some(hex.clone()));
    assert_eq!(sha256_hex(&b64), Some(hex));
    assert_eq!(sha256_hex("not a digest"), None);
    assert_eq!(sha256_hex("AAAA"), None);
}

#[test]
fn a_file_that_matches_metas_digest_passes_with_its_size() {
    let mut v = Verifier::new(1000, Some(8), Some(&sha_hex(b"umbrella")));
    v.precheck().unwrap();
    v.feed(b"umbr").unwrap();
    v.feed(b"ella").unwrap();
    let ok = v.finish().unwrap();
    assert_eq!(ok.bytes, 8);
    assert!(ok.sha256_checked);
    assert_eq!(ok.sha256, sha_hex(b"umbrella"));
}

#[test]
fn a_file_with_other_bytes_than_meta_described_fails_its_digest() {
    let mut v = Verifier::new(1000, None, Some(&sha_hex(b"umbrella")));
    v.feed(b"parasol!").unwrap();
    assert_eq!(v.finish(), Err(MediaFault::ShaMismatch));
}

#[test]
fn a_file_declared_over_the_limit_is_refused_before_download() {
    let v = Verifier::new(100, Some(101), None);
    assert_eq!(
        v.precheck(),
        Err(MediaFault::OverLimit {
            bytes: 101,
            limit: 100
        })
    );
}

#[test]
fn a_stream_longer_than_declared_or_than_the_limit_stops_at_once() {
    let mut v = Verifier::new(10, None, None);
    assert!(matches!(
        v.feed(&[0; 11]),
        Err(MediaFault::OverLimit { .. })
    ));
    let mut v = Verifier::new(100, Some(4), None);
    assert!(matches!(
        v.feed(&[0; 5]),
        Err(MediaFault::SizeMismatch { .. })
    ));
    let mut v = Verifier::new(100, Some(4), None);
    v.feed(&[0; 3]).unwrap();
    assert!(matches!(v.finish(), Err(MediaFault::SizeMismatch { .. })));
}

#[test]
fn an_empty_body_is_a_final_answer() {
    let v = Verifier::new(100, None, None);
    assert_eq!(v.finish(), Err(MediaFault::Empty));
    assert!(MediaFault::Empty.is_final());
    assert!(!MediaFault::ShaMismatch.is_final());
}

#[test]
fn a_media_job_reads_back_what_was_written_and_refuses_other_versions() {
    let job = MediaJob {
        v: MEDIA_JOB_VERSION,
        contact: "16505551234".into(),
        wamid: "wamid.X".into(),
        message_ts: 1_700_000_000,
        media_id: "1234".into(),
        kind: "image".into(),
        mime_type: Some("image/jpeg".into()),
        sha256: None,
        animated: false,
        phone_number_id: Some("106540352242922".into()),
        expires_at: 1_702_592_000,
    };
    assert_eq!(MediaJob::parse(&job.to_json()), Ok(job.clone()));
    let newer = job.to_json().replace("\"v\":1", "\"v\":2");
    assert_eq!(MediaJob::parse(&newer), Err(MediaJobError::Version(2)));
    let odd = job.to_json().replace("\"image\"", "\"hologram\"");
    assert!(matches!(
        MediaJob::parse(&odd),
        Err(MediaJobError::Unreadable(_))
    ));
}
