//! What a template definition expects of a send, read from Meta's
//! `components`: the header's format and variables, the body's variables,
//! each button's sub-type and parameter. A shape this reader does not know
//! (carousel, limited-time offer, an unknown button or header format) is
//! reported as such, so the check falls back to the status alone instead of
//! refusing sends Meta would accept.

use std::collections::BTreeSet;

use serde_json::Value;

use super::model::TemplateDefinition;

/// The variables of one text: `{{1}}`…`{{n}}` or `{{name}}`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholders {
    /// The number of distinct positional variables (Meta numbers them 1..n).
    Positional(usize),
    /// The distinct variable names, sorted.
    Named(BTreeSet<String>),
}

impl Placeholders {
    fn none(named: bool) -> Self {
        if named {
            Self::Named(BTreeSet::new())
        } else {
            Self::Positional(0)
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Self::Positional(n) => *n == 0,
            Self::Named(names) => names.is_empty(),
        }
    }

    /// The variables of `text`, in the template's parameter format.
    pub fn of(text: &str, named: bool) -> Self {
        let mut positions = BTreeSet::new();
        let mut names = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let inner = after[..end].trim();
            if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
                positions.insert(inner.to_owned());
            } else if !inner.is_empty()
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                names.insert(inner.to_owned());
            }
            rest = &after[end + 2..];
        }
        if named {
            Self::Named(names)
        } else {
            Self::Positional(positions.len())
        }
    }

    /// In words, for a refusal's detail.
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return "no parameters".into();
        }
        match self {
            Self::Positional(1) => "1 positional parameter ({{1}})".into(),
            Self::Positional(n) => format!("{n} positional parameters ({{{{1}}}} to {{{{{n}}}}})"),
            Self::Named(names) => {
                let list: Vec<&str> = names.iter().map(String::as_str).collect();
                format!("named parameters {}", list.join(", "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Header {
    None,
    Text(Placeholders),
    /// `image`, `video` or `document`: the parameter type a send must give.
    Media(&'static str),
    Location,
}

/// One button of the definition, by its position (the send's `index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// Meta's button type: `URL`, `QUICK_REPLY`, `PHONE_NUMBER`, `OTP`, …
    pub kind: String,
    /// The `sub_type` a send's button component names; `None`: a static
    /// button (phone number, voice call) that takes no component.
    pub sub_type: Option<&'static str>,
    /// The send must give this button exactly one parameter (a URL with a
    /// variable, a coupon code, a one-time password).
    pub needs_parameter: bool,
    /// The send may give at most this many parameters.
    pub max_parameters: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub header: Header,
    pub body: Placeholders,
    pub buttons: Vec<Button>,
}

const MEDIA_FORMATS: [(&str, &str); 3] = [
    ("IMAGE", "image"),
    ("VIDEO", "video"),
    ("DOCUMENT", "document"),
];

fn button(b: &Value) -> Result<Button, String> {
    let kind = b["type"].as_str().unwrap_or_default().to_ascii_uppercase();
    let has_variable = b["url"].as_str().is_some_and(|u| u.contains("{{"));
    let (sub_type, needs_parameter, max_parameters) = match kind.as_str() {
        "URL" => (Some("url"), has_variable, usize::from(has_variable)),
        "QUICK_REPLY" => (Some("quick_reply"), false, 1),
        "COPY_CODE" => (Some("copy_code"), true, 1),
        // Authentication templates: the code goes in a `url` button (meta-api §5).
        "OTP" => (Some("url"), true, 1),
        "FLOW" => (Some("flow"), false, 1),
        "CATALOG" => (Some("catalog"), false, 1),
        "MPM" => (Some("mpm"), false, 1),
        "PHONE_NUMBER" | "VOICE_CALL" => (None, false, 0),
        other => return Err(format!("a {other} button")),
    };
    Ok(Button {
        kind,
        sub_type,
        needs_parameter,
        max_parameters,
    })
}

/// The layout of `def`; `Err(what)` when its components hold a shape this
/// reader does not know, or are unknown (learned from a webhook only).
pub fn layout(def: &TemplateDefinition) -> Result<Layout, String> {
    let components = def
        .components
        .as_ref()
        .and_then(Value::as_array)
        .ok_or_else(|| "components not known yet".to_owned())?;
    let named = def.is_named();
    let mut out = Layout {
        header: Header::None,
        body: Placeholders::none(named),
        buttons: Vec::new(),
    };
    for c in components {
        let kind = c["type"].as_str().unwrap_or_default().to_ascii_uppercase();
        match kind.as_str() {
            "HEADER" => {
                let format = c["format"].as_str().unwrap_or("TEXT").to_ascii_uppercase();
                out.header = match format.as_str() {
                    "TEXT" => Header::Text(Placeholders::of(
                        c["text"].as_str().unwrap_or_default(),
                        named,
                    )),
                    "LOCATION" => Header::Location,
                    f => match MEDIA_FORMATS.iter().find(|(m, _)| *m == f) {
                        Some((_, param)) => Header::Media(param),
                        None => return Err(format!("a {f} header")),
                    },
                };
            }
            "BODY" => {
                out.body = Placeholders::of(c["text"].as_str().unwrap_or_default(), named);
            }
            "FOOTER" => {}
            "BUTTONS" => {
                for b in c["buttons"].as_array().into_iter().flatten() {
                    out.buttons.push(button(b)?);
                }
            }
            other => return Err(format!("a {other} component")),
        }
    }
    Ok(out)
}
