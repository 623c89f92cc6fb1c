//! The server's own words about a failure, as evidence.
//!
//! A server that refuses a request usually says why, in one of a few places:
//! - the challenge's `error` and `error_description` (RFC 6750 §3, RFC 9449 §7.1);
//! - a token endpoint's error answer, `{"error":…,"error_description":…}` (RFC 6749 §5.2);
//! - a JSON error body in a framework's own shape: `detail` (FastAPI, Django REST
//!   framework), `message` (Express, Spring), `msg` (Flask-JWT-Extended), `error` as a
//!   string or as an object with its own `message`, and `errors[0].message`;
//! - problem+json's `title` and `detail` (RFC 9457 §3.1).
//!
//! Each statement is read for what it means ([`Meaning`]), from the phrases the common
//! JWT and session libraries use (PyJWT, jsonwebtoken, express-jwt, Flask-JWT-Extended,
//! Spring Security, Django REST framework, oidc-provider…). The detectors then let the
//! server's words decide where the token alone cannot: an opaque token refused as
//! "expired", a JWT refused for its audience when the audience is not a URL.
//!
//! Only short statements are kept (a few hundred bytes, cut on a character boundary), and
//! bodies are read only on failures: healthy traffic costs nothing here.

use serde_json::Value;

use crate::exchange::Exchange;
use crate::schemes::SchemeView;
use crate::syntax::contains_phrase;

/// What a statement says the problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// No credentials were found ("Missing Authorization Header", "Not authenticated").
    Missing,
    /// The token (or session) is past its lifetime.
    Expired,
    /// Not valid yet (`nbf`, `iat` in the future).
    NotYetValid,
    /// The signature did not verify, or no key matched.
    Signature,
    /// The audience is not this API.
    Audience,
    /// The issuer is not trusted.
    Issuer,
    /// Revoked, logged out, blocklisted, or inactive on introspection (RFC 7662 §2.2).
    Revoked,
    /// A scope or permission of the token is missing.
    Scope,
    /// The wrong kind of token: a refresh token where an access token belongs.
    WrongKind,
    /// The credentials could not be read at all (not a JWT, bad header).
    Malformed,
    /// The wrong auth-scheme ("Format is Authorization: Bearer [token]").
    Scheme,
    /// A user name or password was refused ("Invalid username/password.").
    Credentials,
    /// The session ended or is unknown (cookie sessions).
    Session,
    /// A CSRF token was missing or wrong (cookie sessions, double-submit).
    Csrf,
    /// The token was refused, without saying why (`invalid_token`).
    Invalid,
    /// Something else; quoted as evidence only.
    Other,
}

/// One thing the server said, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// Where: `WWW-Authenticate error_description`, `response body detail`, …
    pub source: String,
    /// The words, cut to a few hundred bytes.
    pub text: String,
    pub meaning: Meaning,
}

impl Said {
    /// Whether the statement is about the credentials themselves: what lets a 400 or a
    /// 422 count as an auth failure. Generic words ("invalid", "malformed") must name the
    /// token, or "email is not valid" would become an auth failure.
    pub fn is_about_credentials(&self) -> bool {
        match self.meaning {
            Meaning::Expired
            | Meaning::NotYetValid
            | Meaning::Signature
            | Meaning::Audience
            | Meaning::Issuer
            | Meaning::Revoked
            | Meaning::WrongKind => true,
            Meaning::Malformed | Meaning::Invalid => {
                let t = self.text.to_ascii_lowercase();
                ["token", "jwt", "authorization", "bearer", "segments"]
                    .iter()
                    .any(|w| contains_phrase(&t, w))
            }
            _ => false,
        }
    }
}

/// The longest statement kept.
const MAX_TEXT: usize = 300;

/// The longest body searched for an error (error bodies are short; pages are not).
const MAX_BODY: usize = 64 * 1024;

/// Everything the server said about this failure, the challenge first.
pub fn read(ex: &Exchange, views: &[SchemeView], challenge_header: &str) -> Vec<Said> {
    let mut said = Vec::new();
    for view in views {
        let (error, description) = match view {
            SchemeView::Bearer(b) => (b.error.as_deref(), b.error_description.as_deref()),
            SchemeView::Dpop(d) => (d.error.as_deref(), d.error_description.as_deref()),
            _ => (None, None),
        };
        if let Some(description) = description {
            push(
                &mut said,
                format!("{challenge_header} error_description"),
                description,
            );
        }
        if let Some(error) = error {
            push(&mut said, format!("{challenge_header} error"), error);
        }
    }
    if let Some(body) = ex.response_body.as_deref().filter(|b| b.len() <= MAX_BODY) {
        body_statements(body, &mut said);
    }
    said
}

/// The error fields of a JSON body, in the order the common shapes put the most specific
/// words: descriptions and details before codes.
fn body_statements(body: &str, said: &mut Vec<Said>) {
    let Ok(value) = serde_json::from_str::<Value>(body.trim()) else {
        return;
    };
    let Some(object) = value.as_object() else {
        // A bare JSON string is a statement too ("Unauthorized").
        if let Some(text) = value.as_str() {
            push(said, "response body".to_owned(), text);
        }
        return;
    };
    for key in [
        "error_description",
        "detail",
        "message",
        "msg",
        "title",
        "error",
        "code",
        "reason",
        "description",
    ] {
        match object.get(key) {
            Some(Value::String(text)) => push(said, format!("response body {key}"), text),
            // Some frameworks nest: {"error":{"code":…,"message":…}} (Google, Spring).
            Some(Value::Object(inner)) => {
                for inner_key in ["message", "description", "code", "status"] {
                    if let Some(text) = inner.get(inner_key).and_then(Value::as_str) {
                        push(said, format!("response body {key}.{inner_key}"), text);
                    }
                }
            }
            // FastAPI's validation errors: {"detail":[{"msg":…}]}.
            Some(Value::Array(items)) => {
                if let Some(text) = items.first().and_then(|i| {
                    i.get("msg")
                        .or_else(|| i.get("message"))
                        .and_then(Value::as_str)
                }) {
                    push(said, format!("response body {key}[0]"), text);
                }
            }
            _ => {}
        }
    }
    // GraphQL and JSON:API: {"errors":[{"message":…}]} / [{"detail":…}].
    if let Some(first) = object
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        for key in ["message", "detail", "title"] {
            if let Some(text) = first.get(key).and_then(Value::as_str) {
                push(said, format!("response body errors[0].{key}"), text);
            }
        }
    }
}

fn push(said: &mut Vec<Said>, source: String, text: &str) {
    let text = text.trim();
    if text.is_empty() || said.iter().any(|s| s.text == text) {
        return;
    }
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    said.push(Said {
        source,
        text: if end < text.len() {
            format!("{cut}…")
        } else {
            cut.to_owned()
        },
        meaning: meaning(cut),
    });
}

/// What a statement means, from the phrases libraries use. The order matters: "Signature
/// has expired" (PyJWT) is an expiry, "session expired" a session, "token is missing" an
/// absence.
pub fn meaning(text: &str) -> Meaning {
    let t = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| contains_phrase(&t, w));
    const WRONG_KIND: &[&str] = &[
        "refresh token",
        "non-refresh",
        "only access token",
        "token type",
        "wrong token",
        "refresh_token",
    ];
    // jsonwebtoken's "jwt not active" is nbf; introspection's "not active" (RFC 7662
    // §2.2 `active: false`) is revoked or expired at the issuer, below.
    const NOT_YET: &[&str] = &[
        "not yet valid",
        "jwt not active",
        "immature",
        "nbf",
        "not before",
        "used before",
    ];
    const EXPIRED: &[&str] = &[
        "expired",
        "expiry",
        "exp claim",
        "'exp'",
        "\"exp\"",
        "timed out",
        "time-out",
        "timeout",
    ];
    const REVOKED: &[&str] = &[
        "revoked",
        "blacklist",
        "blocklist",
        "inactive",
        "not active",
        "logged out",
        "no longer valid",
    ];
    const AUDIENCE: &[&str] = &["audience", "aud claim", "\"aud\"", "'aud'", "aud mismatch"];
    const ISSUER: &[&str] = &["issuer", "iss claim", "\"iss\"", "'iss'"];
    const SIGNATURE: &[&str] = &[
        "signature",
        "verification failed",
        "signing key",
        "no matching key",
        "kid",
        "unable to verify",
        "could not verify",
        "jwks",
    ];
    const SCHEME: &[&str] = &[
        "bad_scheme",
        "bad scheme",
        "scheme",
        "format is authorization",
        "expected 'authorization:",
        "' type in 'authorization'",
    ];
    const CREDENTIALS: &[&str] = &[
        "invalid username",
        "username/password",
        "username or password",
        "invalid password",
        "wrong password",
        "incorrect password",
        "incorrect username",
        "invalid credentials",
        "bad credentials",
        "invalid login",
    ];
    const MISSING: &[&str] = &[
        "missing authorization",
        "no authorization",
        "authorization header is missing",
        "authorization header missing",
        "missing token",
        "no token",
        "token is missing",
        "token missing",
        "token required",
        "token is required",
        "must be provided",
        "not authenticated",
        "unauthenticated",
        "credentials were not provided",
        "no credentials",
        "missing credentials",
        "missing cookie",
        "authentication required",
        "login required",
        "please log in",
        "please sign in",
        "not logged in",
        "not signed in",
    ];
    const MALFORMED: &[&str] = &[
        "malformed",
        "not enough segments",
        "wrong number of segments",
        "invalid header",
        "invalid authorization header",
        "bad authorization",
        "decode",
        "invalid_request",
        "invalid token format",
        "invalid crypto padding",
        "invalid payload",
    ];
    const INVALID: &[&str] = &[
        "invalid_token",
        "invalid token",
        "token invalid",
        "token is invalid",
        "bad token",
        "not valid",
    ];
    if has(&["csrf", "xsrf"]) {
        Meaning::Csrf
    } else if has(WRONG_KIND) && !has(&["expired", "revoked", "invalid_grant"]) {
        Meaning::WrongKind
    } else if has(NOT_YET) {
        Meaning::NotYetValid
    } else if has(EXPIRED) {
        if has(&["session", "login"]) && !has(&["token", "jwt"]) {
            Meaning::Session
        } else {
            Meaning::Expired
        }
    } else if has(REVOKED) {
        Meaning::Revoked
    } else if has(AUDIENCE) {
        Meaning::Audience
    } else if has(ISSUER) {
        Meaning::Issuer
    } else if has(SIGNATURE) {
        Meaning::Signature
    } else if has(&["insufficient_scope", "scope"]) {
        Meaning::Scope
    } else if has(SCHEME) {
        Meaning::Scheme
    } else if has(CREDENTIALS) {
        Meaning::Credentials
    } else if has(MISSING) {
        Meaning::Missing
    } else if has(&["session"]) {
        Meaning::Session
    } else if has(MALFORMED) {
        Meaning::Malformed
    } else if has(INVALID) {
        Meaning::Invalid
    } else {
        Meaning::Other
    }
}

/// The first statement with this meaning.
pub fn find(said: &[Said], meaning: Meaning) -> Option<&Said> {
    said.iter().find(|s| s.meaning == meaning)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::test_support::exchange;

    #[test]
    fn library_phrases_mean_what_they_say() {
        // Each line: a library's own message, and what it means.
        let cases = [
            ("Signature has expired", Meaning::Expired), // PyJWT ExpiredSignatureError
            ("jwt expired", Meaning::Expired),           // jsonwebtoken TokenExpiredError
            ("Token has expired", Meaning::Expired),     // Flask-JWT-Extended
            ("The access token expired", Meaning::Expired),
            ("jwt not active", Meaning::NotYetValid), // jsonwebtoken NotBeforeError
            ("The token is not yet valid (nbf)", Meaning::NotYetValid), // PyJWT
            ("invalid signature", Meaning::Signature), // jsonwebtoken
            ("Signature verification failed", Meaning::Signature), // Flask-JWT-Extended
            ("jwt audience invalid. expected: api", Meaning::Audience),
            ("Invalid audience", Meaning::Audience),
            ("jwt issuer invalid. expected: x", Meaning::Issuer),
            ("Token has been revoked", Meaning::Revoked),
            ("Only non-refresh tokens are allowed", Meaning::WrongKind),
            ("Missing Authorization Header", Meaning::Missing),
            ("No authorization token was found", Meaning::Missing), // express-jwt
            ("Not authenticated", Meaning::Missing),                // FastAPI
            (
                "Authentication credentials were not provided.",
                Meaning::Missing,
            ), // DRF
            ("Not enough segments", Meaning::Malformed),
            ("Format is Authorization: Bearer [token]", Meaning::Scheme), // express-jwt
            ("'exp' claim timestamp check failed", Meaning::Expired),   // jose
            ("Unexpected 'aud' value", Meaning::Audience),              // jose
            ("token is not active", Meaning::Revoked),                  // RFC 7662
            ("Invalid username/password.", Meaning::Credentials),       // DRF
            (
                "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
                Meaning::Scheme,
            ), // Flask-JWT-Extended
            ("jwt malformed", Meaning::Malformed),
            ("Missing CSRF token", Meaning::Csrf),
            ("Your session has expired", Meaning::Session),
            ("invalid_token", Meaning::Invalid),
            ("Unauthorized", Meaning::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(meaning(text), expected, "{text}");
        }
    }

    #[test]
    fn statements_come_from_the_challenge_and_every_body_shape() {
        let mut ex = exchange("GET", "https://api.example/x", 401, &[], &[]);
        let views = vec![SchemeView::Bearer(crate::schemes::BearerChallenge {
            error: Some("invalid_token".into()),
            error_description: Some("The access token expired".into()),
            ..Default::default()
        })];
        let said = read(&ex, &views, "WWW-Authenticate");
        assert_eq!(said[0].meaning, Meaning::Expired);
        assert_eq!(said[0].source, "WWW-Authenticate error_description");
        assert_eq!(said[1].meaning, Meaning::Invalid);
        for (body, expected) in [
            (r#"{"msg":"Token has expired"}"#, Meaning::Expired),
            (r#"{"detail":"Not authenticated"}"#, Meaning::Missing),
            (
                r#"{"error":{"code":401,"message":"jwt expired"}}"#,
                Meaning::Expired,
            ),
            (
                r#"{"errors":[{"message":"invalid signature"}]}"#,
                Meaning::Signature,
            ),
            (
                r#"{"type":"about:blank","title":"Unauthorized","detail":"jwt audience invalid"}"#,
                Meaning::Audience,
            ),
            (r#""Token revoked""#, Meaning::Revoked),
        ] {
            ex.response_body = Some(body.into());
            let said = read(&ex, &[], "WWW-Authenticate");
            assert!(
                said.iter().any(|s| s.meaning == expected),
                "{body}: {said:?}"
            );
        }
    }

    #[test]
    fn long_statements_are_cut_on_a_character_boundary() {
        let mut said = Vec::new();
        push(&mut said, "x".into(), &"é".repeat(400));
        assert!(said[0].text.len() <= MAX_TEXT + '…'.len_utf8());
        assert!(said[0].text.ends_with('…'));
    }
}
