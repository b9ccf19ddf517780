//! Which route a request is. Deployed, API Gateway passes `/contacts/…`;
//! under `cargo lambda watch` the function URL adds `/lambda-url/contacts`
//! (or strips it): every form is accepted.

use lambda_http::http::Method;
use shared::domain::ContactKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Profile,
    Messages,
    Export,
    Correct,
    Link,
    Restriction,
    Consent,
    Handoff,
    Erase,
    /// The contact's audit trail (privacy officer only).
    Audit,
    /// A short-lived link to one of the contact's stored files, by Meta's
    /// media id (a read of message content).
    Media(String),
}

impl Route {
    /// The audit action, also used in logs.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Profile => "read_profile",
            Self::Messages => "read_messages",
            Self::Export => "export",
            Self::Correct => "correct_profile",
            Self::Link => "add_link",
            Self::Restriction => "set_restriction",
            Self::Consent => "set_consent",
            Self::Handoff => "set_handoff",
            Self::Erase => "erase",
            Self::Audit => "read_audit",
            Self::Media(_) => "read_media",
        }
    }
}

/// Every (method, path template) the function serves; the template and the
/// OpenAPI document are checked against this list in tests.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/contacts/{wa_id}"),
    ("PATCH", "/contacts/{wa_id}"),
    ("DELETE", "/contacts/{wa_id}"),
    ("GET", "/contacts/{wa_id}/messages"),
    ("GET", "/contacts/{wa_id}/export"),
    ("GET", "/contacts/{wa_id}/audit"),
    ("GET", "/contacts/{wa_id}/media/{media_id}"),
    ("POST", "/contacts/{wa_id}/links"),
    ("PUT", "/contacts/{wa_id}/restriction"),
    ("PUT", "/contacts/{wa_id}/consent"),
    ("PUT", "/contacts/{wa_id}/handoff"),
];

#[derive(Debug, PartialEq, Eq)]
pub enum RouteError {
    NotFound,
    MethodNotAllowed(&'static str),
    BadWaId,
    BadMediaId,
}

/// Meta's media ids are digits; anything of another shape (or longer than
/// any id Meta hands out) names no file, and is refused before any read.
fn media_id(id: &str) -> Option<String> {
    let ok = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    ok.then(|| id.to_owned())
}

pub fn parse(method: &Method, path: &str) -> Result<(Route, ContactKey), RouteError> {
    let rest = path.strip_prefix("/lambda-url/contacts").unwrap_or(path);
    let rest = rest.strip_prefix("/contacts").unwrap_or(rest);
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let (id, sub, item) = match parts.as_slice() {
        [id] if !id.is_empty() => (*id, None, None),
        [id, sub] => (*id, Some(*sub), None),
        [id, sub @ "media", item] => (*id, Some(*sub), Some(*item)),
        _ => return Err(RouteError::NotFound),
    };
    let (route, allow) = match (sub, method.as_str()) {
        (Some("media"), _) if item.is_none() => return Err(RouteError::NotFound),
        (Some("media"), "GET") => {
            let id = item.and_then(media_id).ok_or(RouteError::BadMediaId)?;
            (Some(Route::Media(id)), "")
        }
        (Some("media"), _) => (None, "GET"),
        (None, "GET") => (Some(Route::Profile), ""),
        (None, "PATCH") => (Some(Route::Correct), ""),
        (None, "DELETE") => (Some(Route::Erase), ""),
        (None, _) => (None, "GET, PATCH, DELETE"),
        (Some("messages"), "GET") => (Some(Route::Messages), ""),
        (Some("export"), "GET") => (Some(Route::Export), ""),
        (Some("audit"), "GET") => (Some(Route::Audit), ""),
        (Some("messages" | "export" | "audit"), _) => (None, "GET"),
        (Some("links"), "POST") => (Some(Route::Link), ""),
        (Some("links"), _) => (None, "POST"),
        (Some("restriction"), "PUT") => (Some(Route::Restriction), ""),
        (Some("consent"), "PUT") => (Some(Route::Consent), ""),
        (Some("handoff"), "PUT") => (Some(Route::Handoff), ""),
        (Some("restriction" | "consent" | "handoff"), _) => (None, "PUT"),
        _ => return Err(RouteError::NotFound),
    };
    let route = route.ok_or(RouteError::MethodNotAllowed(allow))?;
    // A phone number in digits (an optional +, URL-encoded or not), or u.<BSUID>.
    let id = id.strip_prefix("%2B").unwrap_or(id);
    let contact = ContactKey::parse_storage_id(id).ok_or(RouteError::BadWaId)?;
    if matches!(&contact, ContactKey::Phone(w) if w.as_str().len() < 6) {
        return Err(RouteError::BadWaId);
    }
    Ok((route, contact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deployed_and_the_local_paths_name_the_same_route() {
        for path in [
            "/contacts/16505551234/export",
            "/lambda-url/contacts/16505551234/export",
            "/lambda-url/contacts/contacts/16505551234/export",
            "/16505551234/export",
        ] {
            let (route, c) = parse(&Method::GET, path).unwrap();
            assert_eq!(route, Route::Export, "{path}");
            assert_eq!(c.storage_id(), "16505551234");
        }
    }

    #[test]
    fn when_the_wa_id_is_not_digits_should_be_a_bad_request() {
        assert_eq!(
            parse(&Method::GET, "/contacts/12ab34"),
            Err(RouteError::BadWaId)
        );
        assert_eq!(
            parse(&Method::GET, "/contacts/123"),
            Err(RouteError::BadWaId)
        );
    }

    #[test]
    fn when_the_method_is_wrong_should_name_the_allowed_ones() {
        assert_eq!(
            parse(&Method::POST, "/contacts/16505551234"),
            Err(RouteError::MethodNotAllowed("GET, PATCH, DELETE"))
        );
        assert_eq!(
            parse(&Method::GET, "/contacts/1650555/unknown"),
            Err(RouteError::NotFound)
        );
    }

    #[test]
    fn a_media_route_names_the_media_id_and_refuses_another_shape() {
        assert_eq!(
            parse(&Method::GET, "/contacts/16505551234/media/1013859600285441")
                .unwrap()
                .0,
            Route::Media("1013859600285441".into())
        );
        for bad in [
            "/contacts/16505551234/media/a%2Fb",
            "/contacts/16505551234/media/",
        ] {
            assert!(parse(&Method::GET, bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse(&Method::GET, "/contacts/16505551234/media"),
            Err(RouteError::NotFound)
        );
        assert_eq!(
            parse(&Method::DELETE, "/contacts/16505551234/media/1"),
            Err(RouteError::MethodNotAllowed("GET"))
        );
    }

    #[test]
    fn every_listed_route_parses() {
        for (method, template) in ROUTES {
            let path = template
                .replace("{wa_id}", "16505551234")
                .replace("{media_id}", "1013859600285441");
            parse(&method.parse().unwrap(), &path).unwrap();
        }
    }
}
