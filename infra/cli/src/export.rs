//! `jum contacts export --out FILE`: every page of the export and every
//! file it links, in one JSON document that can be given to the person
//! (GDPR Art. 15(3): a copy of the personal data undergoing processing).
//! The API's file links last 5 minutes, so a copy keeps the files' bytes
//! (base64), not the links.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use crate::error::CliError;
use crate::signed::ContactsApi;

pub async fn export(
    api: &ContactsApi,
    wa_id: &str,
    out: &Path,
    json_out: bool,
) -> Result<(), CliError> {
    // Progress goes to stderr, and only for a person watching.
    let bar = if json_out {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("a template"));
    bar.set_message("exporting: page 1");
    let (mut items, mut files, mut cursor, mut exported_at) =
        (Vec::new(), Vec::new(), None::<String>, Value::Null);
    let mut pages = 0;
    loop {
        let query: Vec<(&str, &str)> = cursor
            .as_deref()
            .map(|c| ("cursor", c))
            .into_iter()
            .collect();
        let (_, page) = api.call("GET", wa_id, "/export", &query, None).await?;
        pages += 1;
        if exported_at.is_null() {
            exported_at = page["exported_at"].clone();
        }
        items.extend(page["items"].as_array().into_iter().flatten().cloned());
        files.extend(page["media"].as_array().into_iter().flatten().cloned());
        bar.set_message(format!("exporting: {pages} pages, {} items", items.len()));
        bar.tick();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if page["complete"] == true || cursor.is_none() {
            break;
        }
    }
    bar.finish_and_clear();

    let bar = if json_out {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(files.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("files {bar:30} {pos}/{len} {bytes} [{elapsed}]")
            .expect("a template"),
    );
    let mut copied = Vec::with_capacity(files.len());
    let mut total_bytes = 0u64;
    for file in files {
        let url = file["url"].as_str().unwrap_or_default();
        let bytes = api.download(url).await?;
        total_bytes += bytes.len() as u64;
        bar.inc(1);
        bar.set_message(format!("{total_bytes}"));
        copied.push(json!({
            "key": file["key"],
            "bytes": bytes.len(),
            "stored_at": file["stored_at"],
            "content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
        }));
    }
    bar.finish_and_clear();

    let document = json!({
        "contact": wa_id,
        "exported_at": exported_at,
        "about": "Everything John's Umbrella Mart stores about this contact: each item as stored (messages with Meta's raw element, statuses, consent, profile), and a copy of each file they sent.",
        "items": items,
        "files": copied,
        "pages": pages,
        "complete": true,
    });
    write_private(out, &document)?;
    let summary = json!({
        "contact": shared::domain::ids::mask(wa_id),
        "out": out.display().to_string(),
        "items": document["items"].as_array().map_or(0, Vec::len),
        "files": document["files"].as_array().map_or(0, Vec::len),
        "file_bytes": total_bytes,
        "pages": pages,
    });
    if json_out {
        println!("{summary}");
    } else {
        println!(
            "wrote {} ({} items, {} files, {} bytes of files, {} pages)",
            out.display(),
            summary["items"],
            summary["files"],
            total_bytes,
            pages
        );
    }
    Ok(())
}

/// The person's data on disk: readable by the user running jum only,
/// written whole (a temporary file renamed) so a failure leaves no half copy.
fn write_private(out: &Path, document: &Value) -> Result<(), CliError> {
    let failed = |e: std::io::Error| CliError::Refused {
        message: format!("cannot write {}: {e}", out.display()),
        hint: Some("choose another --out".into()),
    };
    let tmp = out.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp).map_err(failed)?;
    let text = serde_json::to_vec_pretty(document).expect("JSON");
    f.write_all(&text)
        .and_then(|()| f.sync_all())
        .map_err(failed)?;
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}
