//! Checks every Graph route makes first: the version segment, the bearer
//! token (and whether Meta would still accept it), the phone number id.

use axum::http::HeaderMap;

use super::answer::Answer;
use crate::errors::GraphError;
use crate::state::AppState;

/// `v24.0` → 24.
pub fn api_major(version: &str) -> Option<u32> {
    let (major, minor) = version.strip_prefix('v')?.split_once('.')?;
    minor.parse::<u32>().ok()?;
    major.parse().ok()
}

/// The token of `Authorization: Bearer …`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// Version, then token: 2500 for a bad version, 190 for a missing, wrong,
/// expired or revoked token.
pub fn check_graph(
    state: &AppState,
    version: &str,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), Answer> {
    if api_major(version).is_none() {
        return Err(Answer::error(GraphError::unknown_path(path), "path"));
    }
    check_token(state, bearer(headers))
}

pub fn check_token(state: &AppState, token: Option<&str>) -> Result<(), Answer> {
    match token {
        None => Err(Answer::error(GraphError::missing_token(), "auth")),
        Some(token) if token != state.identity.access_token => {
            Err(Answer::error(GraphError::invalid_token(), "auth"))
        }
        Some(_) => {
            let usable = state.lock().account.token.usable(state.clock.now());
            if usable {
                Ok(())
            } else {
                Err(Answer::error(GraphError::invalid_token(), "auth"))
            }
        }
    }
}

/// With `--phone-number-ids`, other ids answer 100/33.
pub fn check_phone_number(state: &AppState, phone_number_id: &str) -> Result<(), Answer> {
    let known = &state.lock().behaviour.phone_number_ids;
    if !known.is_empty() && !known.iter().any(|id| id == phone_number_id) {
        return Err(Answer::error(
            GraphError::unknown_object(phone_number_id),
            "unknown_phone_number_id",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::api_major;

    #[test]
    fn api_major_should_parse_graph_versions_only() {
        assert_eq!(api_major("v24.0"), Some(24));
        assert_eq!(api_major("v17.0"), Some(17));
        assert_eq!(api_major("24.0"), None);
        assert_eq!(api_major("v24"), None);
        assert_eq!(api_major("latest"), None);
    }
}
