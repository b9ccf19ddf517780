//! DynamoDB attribute values as JSON, for the contacts API and exports:
//! every kind of item, including ones added later, maps without a schema.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Number, Value};

use super::attrs::Item;

pub fn item_to_doc(item: Item) -> Map<String, Value> {
    item.into_iter().map(|(k, v)| (k, to_json(v))).collect()
}

pub fn to_json(v: AttributeValue) -> Value {
    match v {
        AttributeValue::S(s) => Value::String(s),
        AttributeValue::N(n) => number(&n),
        AttributeValue::Bool(b) => Value::Bool(b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::M(m) => Value::Object(item_to_doc(m)),
        AttributeValue::L(l) => Value::Array(l.into_iter().map(to_json).collect()),
        AttributeValue::Ss(ss) => Value::Array(ss.into_iter().map(Value::String).collect()),
        AttributeValue::Ns(ns) => Value::Array(ns.iter().map(|n| number(n)).collect()),
        AttributeValue::B(b) => Value::String(hex::encode(b.as_ref())),
        AttributeValue::Bs(bs) => Value::Array(
            bs.iter()
                .map(|b| Value::String(hex::encode(b.as_ref())))
                .collect(),
        ),
        _ => Value::Null,
    }
}

fn number(n: &str) -> Value {
    n.parse::<i64>()
        .map(Value::from)
        .ok()
        .or_else(|| {
            n.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
        })
        .unwrap_or_else(|| Value::String(n.to_owned()))
}

pub fn from_json(v: &Value) -> AttributeValue {
    match v {
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(a) => AttributeValue::L(a.iter().map(from_json).collect()),
        Value::Object(o) => AttributeValue::M(doc_to_item(o)),
    }
}

pub fn doc_to_item(doc: &Map<String, Value>) -> HashMap<String, AttributeValue> {
    doc.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_lists_and_numbers_round_trip() {
        let doc = serde_json::json!({"a": {"b": [1, "x", true, null]}, "n": 1.5});
        let item = doc_to_item(doc.as_object().unwrap());
        assert_eq!(Value::Object(item_to_doc(item)), doc);
    }
}
