//! `oauth.*`: a token endpoint's error answer (RFC 6749 §5.2), read for what it says and
//! for what the request shows (how the client authenticated, which grant it used, whether
//! the same refresh token was spent before).
//!
//! A token request is recognised by what it is, not by its URL alone: a POST whose form or
//! JSON body has `grant_type` (§4.1.3, §4.4.2, §6), or a POST to a conventional token path
//! (`/token`, `/oauth/token`, `/oauth2/token`, `/connect/token`, with or without a
//! trailing slash).

use serde_json::Value;

use super::{draft, fmt_duration, Context};
use crate::exchange::Exchange;
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::target::Target;

/// What a token request carried, as far as the HAR shows it. Secrets are fingerprinted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenCall {
    pub grant_type: Option<String>,
    /// How the client authenticated (RFC 6749 §2.3, OIDC Core §9).
    pub client_auth: ClientAuth,
    pub client_id: Option<String>,
    /// Fingerprint of the refresh token it spent (grant_type=refresh_token).
    pub refresh_token: Option<u64>,
}

/// How a client authenticated at the token endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: an `Authorization: Basic` header.
    Basic,
    /// `client_secret_post`: `client_secret` in the body.
    Post,
    /// Both at once, which RFC 6749 §2.3 forbids ("MUST NOT use more than one").
    BasicAndPost,
    /// `private_key_jwt` or `client_secret_jwt`: a `client_assertion` (RFC 7523 §2.2).
    Assertion,
    /// No client authentication (a public client).
    #[default]
    None,
}

impl ClientAuth {
    fn describe(self) -> &'static str {
        match self {
            ClientAuth::Basic => "a Basic Authorization header (client_secret_basic)",
            ClientAuth::Post => "client_secret in the request body (client_secret_post)",
            ClientAuth::BasicAndPost => {
                "both a Basic header and client_secret in the body (RFC 6749 §2.3 allows one)"
            }
            ClientAuth::Assertion => {
                "a client_assertion JWT (private_key_jwt or client_secret_jwt)"
            }
            ClientAuth::None => "no client authentication at all (a public client)",
        }
    }
}

/// A token endpoint's error answer: the RFC 6749 §5.2 `error` code, when the body was
/// captured (DevTools' live entries carry no bodies), and its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub error: Option<String>,
    pub description: Option<String>,
}

/// Fingerprint for comparing secrets across requests without keeping them.
pub(crate) use super::session::fingerprint;

/// The value of one field of a form (`application/x-www-form-urlencoded`) or JSON body.
pub(crate) fn body_value(body: &str, name: &str) -> Option<String> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str::<Value>(trimmed)
            .ok()?
            .get(name)?
            .as_str()
            .map(str::to_owned);
    }
    body.split('&').find_map(|pair| {
        let (n, v) = pair.split_once('=')?;
        (n == name).then(|| percent_decode(v))
    })
}

/// `application/x-www-form-urlencoded` decoding (URL Standard §5.1): `+` is a space,
/// `%XX` a byte; a bad escape is kept as written.
pub(crate) fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A token endpoint by its path.
fn token_path(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    ["/token", "/oauth/token", "/oauth2/token", "/connect/token"]
        .iter()
        .any(|p| path.ends_with(p))
}

/// The token request this exchange is, if it is one.
pub fn token_call(ex: &Exchange) -> Option<TokenCall> {
    if !ex.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let body = ex.request_body.as_deref().unwrap_or("");
    let grant_type = body_value(body, "grant_type");
    let path = Target::parse(&ex.url).map_or("", |t| t.path);
    if grant_type.is_none() && !token_path(path) {
        return None;
    }
    let basic = ex.request_header("Authorization").is_some_and(|a| {
        a.trim_start()
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case("basic "))
    });
    let post = body_value(body, "client_secret").is_some();
    let client_auth = match (basic, post) {
        (true, true) => ClientAuth::BasicAndPost,
        (true, false) => ClientAuth::Basic,
        (false, true) => ClientAuth::Post,
        (false, false) if body_value(body, "client_assertion").is_some() => ClientAuth::Assertion,
        (false, false) => ClientAuth::None,
    };
    Some(TokenCall {
        refresh_token: (grant_type.as_deref() == Some("refresh_token"))
            .then(|| body_value(body, "refresh_token"))
            .flatten()
            .map(|t| fingerprint(&t)),
        grant_type,
        client_auth,
        client_id: body_value(body, "client_id"),
    })
}

/// The error answer of a token request (RFC 6749 §5.2: 400, or 401 for invalid_client).
pub fn token_error(ex: &Exchange) -> Option<TokenError> {
    if !matches!(ex.status, 400 | 401) {
        return None;
    }
    let call = token_call(ex)?;
    let body: Option<Value> = ex
        .response_body
        .as_deref()
        .and_then(|b| serde_json::from_str(b.trim()).ok());
    let field = |name: &str| {
        body.as_ref()
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let error = field("error");
    // A 401 to a request that is not visibly a grant (a token path only) and says no
    // OAuth error is a plain 401, which the other detectors explain; a 400 is the token
    // endpoint's own refusal either way.
    if ex.status == 401 && error.is_none() && call.grant_type.is_none() {
        return None;
    }
    Some(TokenError {
        error,
        description: field("error_description"),
    })
}

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    let Some(failure) = token_error(ex) else {
        return;
    };
    let Some(call) = token_call(ex) else {
        return;
    };
    let grant = call.grant_type.as_deref().unwrap_or("(none)");
    // RFC 6749 §5.2 uses 401 for invalid_client only: a 401 to a grant whose body was not
    // captured (DevTools' live entries have none) is that.
    // A refresh refused with 400 and no body is, by far most often, invalid_grant (the
    // refresh token was spent, revoked or expired): the other §5.2 codes are set-up errors
    // that would fail every refresh. Said as a guess (medium), with the missing body named.
    let guessed_grant = failure.error.is_none()
        && ex.status == 400
        && call.grant_type.as_deref() == Some("refresh_token");
    let code = failure.error.as_deref().unwrap_or(match ex.status {
        401 => "invalid_client",
        _ if guessed_grant => "invalid_grant",
        _ => "",
    });
    let described = failure
        .description
        .as_deref()
        .map(|d| format!(": \"{d}\""))
        .unwrap_or_default();
    let with_words = |mut d: super::Draft| {
        d = d.evidence(
            "token endpoint",
            format!(
                "{} {} → {}",
                ex.method,
                Target::parse(&ex.url).map_or("", |t| t.path),
                ex.status
            ),
        );
        d = d.evidence("request body", format!("grant_type={grant}"));
        if let Some(error) = &failure.error {
            d = d.evidence("response body error", error.clone());
        }
        if let Some(description) = &failure.description {
            d = d.evidence("response body error_description", description.clone());
        }
        d
    };
    match code {
        "invalid_client" => with_words(
            draft(
                "oauth.invalid_client",
                Likelihood::High,
                92,
                "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
                "The token endpoint could not authenticate the client",
            )
            .explain(
                "The app's own sign-in to the identity provider failed. This is a configuration problem of the app, not your password.",
                format!(
                    "invalid_client{described}. The client authenticated with {}. Check the client id and secret (a rotated or expired secret, the secret of another environment), and that the method matches the client's registered token_endpoint_auth_method.",
                    call.client_auth.describe()
                ),
            ),
        )
        .evidence("client authentication", call.client_auth.describe())
        .fix(Effort::Medium, "Developer: check the client id and secret this app uses, and the authentication method registered for it.", None)
        .fix(Effort::Easy, "Copy a report for support.", Some(Action::CopyReport))
        .push(out),
        "invalid_grant" => {
            let reused = call.refresh_token.and_then(|spent| {
                cx.history.token_requests().rev().find(|s| {
                    s.token_request.as_ref().is_some_and(|r| {
                        r.succeeded && r.refresh_token == Some(spent)
                    })
                })
            });
            let why = match (grant, reused) {
                ("refresh_token", Some(earlier)) => format!(
                    "This refresh token was already spent by a successful refresh {} earlier: with refresh-token rotation (RFC 9700 §4.14.2) a used refresh token is invalid, and its reuse may revoke the whole grant.",
                    fmt_duration(cx.client_time.zip(earlier.at).map_or(0, |(n, t)| n - t))
                ),
                ("refresh_token", None) => "The refresh token was revoked (sign-out, password change), expired, or rotated away by another refresh this HAR does not show.".to_owned(),
                ("authorization_code", _) => "The authorization code was already used, expired (codes live about a minute), or the redirect_uri or PKCE code_verifier differs from the authorization request's.".to_owned(),
                ("password", _) => "The user name or password was refused.".to_owned(),
                _ => "The grant was refused.".to_owned(),
            };
            let mut d = with_words(
                draft(
                    "oauth.invalid_grant",
                    if guessed_grant { Likelihood::Medium } else { Likelihood::High },
                    if guessed_grant { 80 } else { 90 },
                    "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
                    if reused.is_some() { "A refresh token was used twice".to_owned() } else { format!("The token endpoint refused the {grant} grant") },
                )
                .explain(
                    "Your sign-in could not be renewed. Sign in again.",
                    format!("invalid_grant{described}. {why}"),
                ),
            );
            if reused.is_some() {
                d = d.evidence("session", "the same refresh token succeeded earlier in this session");
            }
            if guessed_grant {
                d = d.evidence("response body", "not captured (DevTools' live entries carry none); a refresh refused with 400 is almost always invalid_grant");
            }
            d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
                .fix(Effort::Medium, "Client: serialise refreshes, store the rotated refresh token before using it, and never retry a refresh with the old one.", None)
                .push(out);
        }
        "invalid_scope" => with_words(
            draft(
                "oauth.invalid_scope",
                Likelihood::High,
                88,
                "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
                "A scope was requested that this client may not have",
            )
            .explain(
                "The app asked for a permission it is not set up to get.",
                format!("invalid_scope{described}. Request only scopes the client is registered (and the user consented) for."),
            ),
        )
        .fix(Effort::Medium, "Developer: remove the scope from the request, or grant it to the client at the provider.", None)
        .push(out),
        "unauthorized_client" | "unsupported_grant_type" => with_words(
            draft(
                "oauth.unauthorized_client",
                Likelihood::High,
                88,
                "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
                format!("This client may not use the {grant} grant"),
            )
            .explain(
                "The app is not set up to sign in this way at its identity provider.",
                format!("{code}{described}. Enable the grant type for this client at the provider, or use a grant it allows."),
            ),
        )
        .fix(Effort::Medium, "Developer: enable the grant type for this client, or change the flow.", None)
        .push(out),
        _ => with_words(
            draft(
                "oauth.error",
                if code.is_empty() { Likelihood::Medium } else { Likelihood::High },
                if code.is_empty() { 70 } else { 86 },
                "https://www.rfc-editor.org/rfc/rfc6749#section-5.2",
                if code.is_empty() {
                    format!("The token endpoint refused the {grant} request")
                } else {
                    format!("The token endpoint answered {code}")
                },
            )
            .explain(
                "The app's request to the identity provider was refused.",
                if code.is_empty() {
                    format!("A {} from the token endpoint; the body (with RFC 6749 §5.2's error code) was not captured: export the HAR with content to see it.", ex.status)
                } else {
                    format!("{code}{described} (RFC 6749 §5.2).")
                },
            ),
        )
        .fix(Effort::Medium, "Developer: fix the token request as the error says.", None)
        .push(out),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, exchange};
    use super::super::{diagnose, Session};
    use super::*;

    fn token_post(body: &str, status: u16, answer: &str) -> Exchange {
        let mut ex = exchange(
            "POST",
            "https://id.example/oauth2/token/",
            status,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &[("Content-Type", "application/json")],
        );
        ex.request_body = Some(body.into());
        ex.response_body = Some(answer.into());
        ex
    }

    #[test]
    fn token_endpoint_errors_are_named_by_their_code() {
        for (body, answer, code) in [
            (
                "grant_type=client_credentials&client_id=a&client_secret=wrong",
                r#"{"error":"invalid_client"}"#,
                "oauth.invalid_client",
            ),
            (
                "grant_type=refresh_token&refresh_token=x",
                r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
                "oauth.invalid_grant",
            ),
            (
                "grant_type=client_credentials&scope=admin",
                r#"{"error":"invalid_scope"}"#,
                "oauth.invalid_scope",
            ),
            (
                "grant_type=password",
                r#"{"error":"unauthorized_client"}"#,
                "oauth.unauthorized_client",
            ),
            (
                "grant_type=foo",
                r#"{"error":"unsupported_grant_type"}"#,
                "oauth.unauthorized_client",
            ),
            (
                "grant_type=client_credentials",
                r#"{"error":"invalid_request"}"#,
                "oauth.error",
            ),
        ] {
            let status = if code == "oauth.invalid_client" {
                401
            } else {
                400
            };
            let found = codes(&diagnose(&token_post(body, status, answer)));
            assert_eq!(found.first(), Some(&code), "{body}: {found:?}");
        }
    }

    #[test]
    fn a_refresh_refused_without_a_body_is_a_guessed_invalid_grant() {
        let mut ex = token_post("grant_type=refresh_token&refresh_token=x", 400, "");
        ex.response_body = None;
        let findings = diagnose(&ex);
        assert_eq!(findings[0].code, "oauth.invalid_grant");
        assert_eq!(findings[0].likelihood, Likelihood::Medium);
        let mut ex = token_post("grant_type=client_credentials", 400, "");
        ex.response_body = None;
        assert_eq!(diagnose(&ex)[0].code, "oauth.error");
    }

    #[test]
    fn the_client_authentication_method_is_named() {
        let mut ex = token_post(
            "grant_type=client_credentials&client_secret=s",
            401,
            r#"{"error":"invalid_client"}"#,
        );
        ex.request_headers.push(crate::exchange::Header {
            name: "Authorization".into(),
            value: "Basic YTpi".into(),
        });
        let findings = diagnose(&ex);
        assert!(findings[0]
            .evidence
            .iter()
            .any(|e| e.fact.contains("both a Basic header")));
    }

    #[test]
    fn a_reused_refresh_token_is_told_apart() {
        let mut session = Session::default();
        let first = token_post(
            "grant_type=refresh_token&refresh_token=rt-1",
            200,
            r#"{"access_token":"a2","refresh_token":"rt-2","expires_in":3600}"#,
        );
        assert!(session.diagnose(&first).is_empty());
        let again = token_post(
            "grant_type=refresh_token&refresh_token=rt-1",
            400,
            r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
        );
        let findings = session.diagnose(&again);
        assert_eq!(findings[0].code, "oauth.invalid_grant");
        assert_eq!(findings[0].title, "A refresh token was used twice");
    }

    #[test]
    fn a_400_elsewhere_is_not_an_auth_failure() {
        let mut ex = exchange("POST", "https://api.example/orders", 400, &[], &[]);
        ex.request_body = Some("item=1".into());
        ex.response_body = Some(r#"{"error":"invalid item"}"#.into());
        assert!(diagnose(&ex).is_empty());
        assert_eq!(percent_decode("a%2Bb+c%zz"), "a+b c%zz");
    }
}
