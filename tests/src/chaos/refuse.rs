//! The fault proxy's refused `PutEvents` entries: EventBridge can accept a
//! request and refuse some of its entries (`FailedEntryCount`, an
//! `ErrorCode` in the entry's place in the answer). moto never does, so the
//! proxy plays it: the refused entries are taken out of the request, the
//! rest go to moto, and the answer gets the refused entries back in their
//! places, with an error code and no event id.

use serde_json::{json, Value};

/// The `X-Amz-Target` of `PutEvents`.
pub const PUT_EVENTS: &str = "AWSEvents.PutEvents";

/// What the proxy does with one `PutEvents` request.
pub struct Split {
    /// The request for moto without the refused entries; `None` if every
    /// entry is refused (nothing to forward).
    pub forward: Option<Vec<u8>>,
    /// Positions of the refused entries in the original request.
    pub refused: Vec<usize>,
    pub total: usize,
}

/// Splits a `PutEvents` body: entries whose `Detail` contains `marker` are
/// refused. `None` when none is (forward the request as it is).
pub fn split(body: &[u8], marker: &str) -> Option<Split> {
    let mut request: Value = serde_json::from_slice(body).ok()?;
    let entries = request.get("Entries")?.as_array()?;
    let total = entries.len();
    let refused: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e["Detail"].as_str().is_some_and(|d| d.contains(marker)))
        .map(|(i, _)| i)
        .collect();
    if refused.is_empty() {
        return None;
    }
    let kept: Vec<Value> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| !refused.contains(i))
        .map(|(_, e)| e.clone())
        .collect();
    let forward = (!kept.is_empty()).then(|| {
        request["Entries"] = Value::Array(kept);
        serde_json::to_vec(&request).expect("JSON")
    });
    Some(Split {
        forward,
        refused,
        total,
    })
}

/// moto's answer to the forwarded entries (`None`: nothing was forwarded)
/// with the refused entries put back in their places.
pub fn merge(answer: Option<&[u8]>, split: &Split) -> Vec<u8> {
    let parsed: Value = answer
        .and_then(|a| serde_json::from_slice(a).ok())
        .unwrap_or_else(|| json!({"FailedEntryCount": 0, "Entries": []}));
    let mut accepted = parsed["Entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter();
    let entries: Vec<Value> = (0..split.total)
        .map(|i| {
            if split.refused.contains(&i) {
                json!({"ErrorCode": "InternalFailure", "ErrorMessage": "refused by the fault proxy"})
            } else {
                accepted.next().unwrap_or_else(|| json!({}))
            }
        })
        .collect();
    let failed = parsed["FailedEntryCount"].as_u64().unwrap_or(0) + split.refused.len() as u64;
    serde_json::to_vec(&json!({"FailedEntryCount": failed, "Entries": entries})).expect("JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_entries_leave_the_request_and_come_back_failed_in_their_places() {
        let body = json!({"Entries": [
            {"Detail": "{\"a\":1}"}, {"Detail": "{\"mark\":2}"}, {"Detail": "{\"c\":3}"}
        ]})
        .to_string();
        let s = split(body.as_bytes(), "mark").expect("one refused");
        let forwarded: Value = serde_json::from_slice(s.forward.as_deref().unwrap()).unwrap();
        assert_eq!(forwarded["Entries"].as_array().unwrap().len(), 2);
        let moto = json!({"FailedEntryCount": 0, "Entries": [{"EventId": "x"}, {"EventId": "z"}]});
        let merged: Value =
            serde_json::from_slice(&merge(Some(moto.to_string().as_bytes()), &s)).unwrap();
        assert_eq!(merged["FailedEntryCount"], 1);
        assert_eq!(merged["Entries"][0]["EventId"], "x");
        assert_eq!(merged["Entries"][1]["ErrorCode"], "InternalFailure");
        assert_eq!(merged["Entries"][2]["EventId"], "z");
        assert!(split(body.as_bytes(), "absent").is_none());
    }
}
