//! Writing inbound-queue messages: a `QueuedBatch` (`queued.rs`) as serde
//! writes it, written directly so that a slice's text goes from the body into its queue
//! message in one copy (serde can only write raw text it holds as a
//! `RawValue`, which a slice is not).

use std::fmt::Write;
use std::io::Write as _;

use serde_json::value::RawValue;

use super::slices::{write_json_str, Slice};
use crate::domain::queued::{RequestMeta, FORMAT_VERSION};

/// One `entry[].changes[]`, or a slice of one.
pub(super) struct Unit<'p, 'a> {
    pub waba_id: &'a str,
    pub field: &'a str,
    pub value: UnitValue<'p, 'a>,
}

pub(super) enum UnitValue<'p, 'a> {
    /// The value as Meta sent it, byte for byte.
    Whole(&'a RawValue),
    Slice(Slice<'p, 'a>),
    /// JSON written in its place (see `queued::OVERSIZED_KEY`).
    StandIn(String),
}

impl Unit<'_, '_> {
    pub fn value_len(&self) -> usize {
        match &self.value {
            UnitValue::Whole(raw) => raw.get().len(),
            UnitValue::Slice(slice) => slice.len(),
            UnitValue::StandIn(json) => json.len(),
        }
    }
}

/// The request's part of every queue message made from one POST, written once.
pub(super) struct Header(String);

impl Header {
    /// Serialised straight into one buffer of a size that fits: a webhook
    /// POST of one small message spends a noticeable share of its intake
    /// here (a `to_string` and a `format!`, each growing, took 6 % of a
    /// 1 KB POST's intake in a profile).
    pub fn new(meta: &RequestMeta) -> Self {
        let mut out = Vec::with_capacity(256);
        write!(out, r#"{{"v":{FORMAT_VERSION},"request":"#).expect("writing to a Vec cannot fail");
        serde_json::to_writer(&mut out, meta).expect("request meta serialises");
        out.extend_from_slice(br#","part":"#);
        Self(String::from_utf8(out).expect("serde_json writes UTF-8"))
    }
}

/// One queue message; `capacity` is its estimated length, so that the buffer
/// does not grow by doubling (copies and fresh page faults on 250 KiB).
pub(super) fn render(
    header: &Header,
    part: usize,
    units: &[Unit<'_, '_>],
    capacity: usize,
) -> String {
    let mut out = String::with_capacity(capacity);
    out.push_str(&header.0);
    write!(out, "{part}").expect("writing to a String cannot fail");
    out.push_str(r#","changes":["#);
    for (n, unit) in units.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(r#"{"waba_id":"#);
        write_json_str(&mut out, unit.waba_id);
        out.push_str(r#","field":"#);
        write_json_str(&mut out, unit.field);
        out.push_str(r#","value":"#);
        match &unit.value {
            UnitValue::Whole(raw) => out.push_str(raw.get()),
            UnitValue::Slice(slice) => slice.write(&mut out),
            UnitValue::StandIn(json) => out.push_str(json),
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}
