//! A streaming `multipart/form-data` reader for uploads. Only the `file`
//! part can be large: its bytes are collected once, and reading stops at
//! the first byte past the cap its declared type allows, so an oversized
//! upload is refused without being held.

use axum::body::Body;

use crate::body::next_chunk;

const MAX_HEADER_BYTES: usize = 8 * 1024;
const MAX_FIELD_BYTES: usize = 64 * 1024;

#[derive(Debug, Default)]
pub struct FilePart {
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Form {
    /// Text fields in order (`messaging_product`, `type`, …).
    pub fields: Vec<(String, String)>,
    pub file: Option<FilePart>,
}

impl Form {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum FormError {
    /// Past the cap for the file part's declared type.
    TooLarge {
        content_type: Option<String>,
    },
    Malformed(String),
}

/// `multipart/form-data; boundary=…` → the boundary.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty())
}

enum Phase {
    Preamble,
    Headers,
    Data(Part),
    Done,
}

struct Part {
    name: String,
    file: Option<FilePart>,
    text: Vec<u8>,
    cap: usize,
}

/// Reads the whole form; `file_cap` gives the byte cap of the file part
/// from its declared content type. `size_hint` (the request's length)
/// sizes the file's buffer once, so a 100 MB file is never re-allocated
/// (which would hold it twice for a moment).
pub async fn read(
    mut body: Body,
    boundary: &str,
    size_hint: usize,
    file_cap: impl Fn(Option<&str>) -> usize,
) -> Result<Form, FormError> {
    let file_cap = |content_type: Option<&str>| (file_cap(content_type), size_hint);
    let opening = format!("--{boundary}").into_bytes();
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut form = Form::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut phase = Phase::Preamble;
    let mut ended = false;
    loop {
        let progressed = step(
            &mut phase, &mut buf, &opening, &delimiter, &mut form, &file_cap,
        )?;
        if matches!(phase, Phase::Done) {
            return Ok(form);
        }
        if progressed {
            continue;
        }
        if ended {
            return Err(FormError::Malformed(
                "the body ends before the closing boundary".into(),
            ));
        }
        match next_chunk(&mut body).await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            Some(Err(err)) => return Err(FormError::Malformed(err.to_string())),
            None => ended = true,
        }
    }
}

/// One move of the state machine; false when it needs more bytes.
fn step(
    phase: &mut Phase,
    buf: &mut Vec<u8>,
    opening: &[u8],
    delimiter: &[u8],
    form: &mut Form,
    file_cap: &impl Fn(Option<&str>) -> (usize, usize),
) -> Result<bool, FormError> {
    match phase {
        Phase::Preamble => {
            let Some(at) = find(buf, opening) else {
                let keep = buf.len().saturating_sub(opening.len());
                buf.drain(..keep);
                return Ok(false);
            };
            buf.drain(..at + opening.len());
            *phase = Phase::Headers;
            Ok(true)
        }
        Phase::Headers => {
            if buf.len() < 2 {
                return Ok(false);
            }
            if buf.starts_with(b"--") {
                *phase = Phase::Done;
                return Ok(true);
            }
            let Some(end) = find(buf, b"\r\n\r\n") else {
                if buf.len() > MAX_HEADER_BYTES {
                    return Err(FormError::Malformed("part headers too long".into()));
                }
                return Ok(false);
            };
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 4);
            *phase = Phase::Data(part_from_headers(&head, file_cap)?);
            Ok(true)
        }
        Phase::Data(part) => {
            let found = find(buf, delimiter);
            let take = match found {
                Some(at) => at,
                None => buf.len().saturating_sub(delimiter.len()),
            };
            let sink = match &mut part.file {
                Some(file) => &mut file.data,
                None => &mut part.text,
            };
            if sink.len() + take > part.cap {
                return Err(match &part.file {
                    Some(file) => FormError::TooLarge {
                        content_type: file.content_type.clone(),
                    },
                    None => FormError::Malformed(format!("field {} too long", part.name)),
                });
            }
            sink.extend_from_slice(&buf[..take]);
            buf.drain(..take);
            let Some(_) = found else {
                return Ok(false);
            };
            buf.drain(..delimiter.len());
            let done = std::mem::replace(phase, Phase::Headers);
            if let Phase::Data(part) = done {
                finish(part, form);
            }
            Ok(true)
        }
        Phase::Done => Ok(true),
    }
}

fn finish(part: Part, form: &mut Form) {
    match part.file {
        Some(file) => {
            if form.file.is_none() {
                form.file = Some(file);
            }
        }
        None => form
            .fields
            .push((part.name, String::from_utf8_lossy(&part.text).into_owned())),
    }
}

fn part_from_headers(
    head: &str,
    file_cap: &impl Fn(Option<&str>) -> (usize, usize),
) -> Result<Part, FormError> {
    let head = head.trim_start_matches("\r\n");
    let mut name = None;
    let mut filename = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        if key == "content-type" {
            content_type = Some(value.trim().to_string());
        } else if key == "content-disposition" {
            for param in value.split(';').skip(1) {
                if let Some((k, v)) = param.trim().split_once('=') {
                    let v = v.trim().trim_matches('"').to_string();
                    match k.trim() {
                        "name" => name = Some(v),
                        "filename" => filename = Some(v),
                        _ => {}
                    }
                }
            }
        }
    }
    let name = name.ok_or_else(|| FormError::Malformed("a part has no name".into()))?;
    let is_file = name == "file";
    let (cap, hint) = if is_file {
        file_cap(content_type.as_deref())
    } else {
        (MAX_FIELD_BYTES, 0)
    };
    Ok(Part {
        cap,
        file: is_file.then(|| FilePart {
            filename,
            content_type,
            // One byte over the cap is enough to know it is too large.
            data: Vec::with_capacity(hint.min(cap + 1)),
        }),
        text: Vec::new(),
        name,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(offset) = haystack[from..].iter().position(|&b| b == first) {
        let at = from + offset;
        if haystack.len() - at < needle.len() {
            return None;
        }
        if &haystack[at..at + needle.len()] == needle {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;
