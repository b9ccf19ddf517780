use super::*;

fn body(parts: &[u8]) -> Body {
    Body::from(parts.to_vec())
}

const FORM: &[u8] = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--Xy not yet\r\n--XyZ\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n--XyZ--\r\n";

#[tokio::test]
async fn fields_and_file_should_be_read_with_crlf_inside_the_file_kept() {
    let form = read(body(FORM), "XyZ", FORM.len(), |_| 1_000)
        .await
        .unwrap();
    assert_eq!(form.field("messaging_product"), Some("whatsapp"));
    assert_eq!(form.field("type"), Some("image/png"));
    let file = form.file.unwrap();
    assert_eq!(file.filename.as_deref(), Some("a.png"));
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.data, b"\x89PNG\r\n--Xy not yet");
}

#[tokio::test]
async fn a_file_past_its_cap_should_stop_the_read() {
    let err = read(body(FORM), "XyZ", 0, |_| 4).await.unwrap_err();
    assert_eq!(
        err,
        FormError::TooLarge {
            content_type: Some("image/png".into())
        }
    );
}

#[tokio::test]
async fn a_body_without_the_closing_boundary_should_be_malformed() {
    let cut = &FORM[..FORM.len() - 10];
    assert!(matches!(
        read(body(cut), "XyZ", 0, |_| 1_000).await,
        Err(FormError::Malformed(_))
    ));
}

#[test]
fn boundary_should_come_from_the_content_type() {
    assert_eq!(
        boundary("multipart/form-data; boundary=\"abc\"").as_deref(),
        Some("abc")
    );
    assert_eq!(boundary("application/json"), None);
}
