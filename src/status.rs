//! Which response statuses are authentication or authorization failures.

/// Statuses AuthLens annotates:
/// - 401 Unauthorized and 407 Proxy Authentication Required (RFC 9110 §15.5.2, §15.5.8);
/// - 403 Forbidden (§15.5.4): authenticated, or not, but not allowed;
/// - non-standard ones that mean "session ended": 419 (Laravel "page expired", a CSRF or
///   session timeout), 440 (IIS "login time-out"), 498 (ArcGIS "invalid token") and
///   499 (ArcGIS "token required"; nginx uses 499 in its logs only, never on the wire).
pub const AUTH_FAILURE_STATUSES: [u16; 7] = [401, 403, 407, 419, 440, 498, 499];

/// True for the statuses in [`AUTH_FAILURE_STATUSES`].
pub fn is_auth_failure(status: u16) -> bool {
    AUTH_FAILURE_STATUSES.contains(&status)
}

/// The header that carries the challenge for this status: `Proxy-Authenticate` for a
/// 407 (RFC 9110 §11.7.1), `WWW-Authenticate` otherwise (§11.6.1).
pub fn challenge_header(status: u16) -> &'static str {
    if status == 407 {
        "Proxy-Authenticate"
    } else {
        "WWW-Authenticate"
    }
}

/// The request header that answers that challenge (§11.6.2, §11.7.2).
pub fn credentials_header(status: u16) -> &'static str {
    if status == 407 {
        "Proxy-Authorization"
    } else {
        "Authorization"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        for s in [401, 403, 407, 419, 440, 498, 499] {
            assert!(is_auth_failure(s), "{s}");
        }
        for s in [200, 302, 400, 404, 500] {
            assert!(!is_auth_failure(s), "{s}");
        }
        assert_eq!(challenge_header(407), "Proxy-Authenticate");
        assert_eq!(credentials_header(401), "Authorization");
    }
}
