//! Tables for people, JSON for scripts.

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use serde_json::Value;

pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    // Wrapped to the terminal's width (long values: a receipt, a summary).
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    for row in rows {
        t.add_row(row);
    }
    t.to_string()
}

pub fn json(value: &Value) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON"));
}
