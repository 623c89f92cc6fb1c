//! `auth.*`: what the client sent in Authorization / Proxy-Authorization.

use super::words::Meaning;
use super::{draft, AuthStyle, Context};
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::schemes::SchemeView;

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // A CORS preflight never carries credentials (Fetch §4.8): nothing here applies.
    if cx.preflight {
        return;
    }
    let header = cx.credentials_header;
    let Some(credentials) = &cx.credentials else {
        match (cx.exchange.status, cx.auth_style()) {
            // A 407 without Proxy-Authorization is what status.proxy_auth explains.
            (407, _) => {}
            (401, AuthStyle::Cookies) if cookie_session(cx) => session_rejected(cx, out),
            (401, _) => missing(cx, out),
            // Several frameworks answer a request that carried nothing with 403 (FastAPI's
            // HTTPBearer, Django REST framework without an authenticate header, Spring
            // Security's default entry point): that is "not signed in".
            (403, AuthStyle::Nothing) => missing(cx, out),
            // RFC 6750 §3.1: a 400 with a Bearer challenge (invalid_request).
            (400, _) if cx.challenge_error().is_some() => missing(cx, out),
            (_, _) if cx.server_says(Meaning::Missing).is_some() => missing(cx, out),
            _ => {}
        }
        return;
    };
    if !credentials.defects.is_empty() {
        let first = &credentials.defects[0];
        let mut d = draft(
            "auth.malformed",
            Likelihood::High,
            95,
            "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
            format!("The {header} header is malformed: {}", first.message),
        )
        .explain(
            "The app sent broken sign-in information. This is a bug in the app, not something you did.",
            format!(
                "{header} does not carry usable credentials: {}. Servers compare the exact bytes, so this fails before the token is even checked.",
                credentials
                    .defects
                    .iter()
                    .map(|d| d.message)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        for defect in &credentials.defects {
            let kind = serde_json::to_value(defect.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            d = d.evidence(header, format!("{kind} at byte {}", defect.offset));
        }
        d.fix(Effort::Medium, "Client: build the header as `<Scheme> <token>` from a variable that is set (not undefined/null), without quotes, extra spaces or newlines.", None)
            .fix(Effort::Easy, "Sign in again: if the token was missing from storage, this restores it.", Some(Action::SignIn))
            .push(out);
    }

    // RFC 6750 §3.1 invalid_request (400): the request carries the token wrongly (two
    // methods at once, a repeated parameter, a malformed header) although our parser
    // found no defect of its own.
    if credentials.defects.is_empty() && cx.challenge_error() == Some("invalid_request") {
        let mut d = draft(
            "auth.malformed",
            Likelihood::High,
            80,
            "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
            "The server says the request carries its token wrongly (invalid_request)",
        )
        .explain(
            "The app sent its sign-in information in a way the server does not accept. This is a bug in the app.",
            "invalid_request (RFC 6750 §3.1): the request is missing a required parameter, repeats one, uses more than one method to send the token (header and query or body at once, §2), or is otherwise malformed.",
        )
        .evidence(cx.challenge_header, "error=invalid_request");
        if let Some(w) = cx.said.first() {
            d = d.evidence(w.source.clone(), w.text.clone());
        }
        d.fix(
            Effort::Medium,
            "Client: send the token in the Authorization header only, once.",
            None,
        )
        .push(out);
    }

    let offered: Vec<&str> = cx.challenges.challenges.iter().map(|c| c.scheme).collect();
    // A DPoP-bound token sent as Bearer has its own finding.
    let dpop_offered_to_bearer =
        credentials.is("Bearer") && offered.iter().any(|s| s.eq_ignore_ascii_case("DPoP"));
    let scheme_offered = offered
        .iter()
        .any(|s| s.eq_ignore_ascii_case(credentials.scheme));
    if matches!(cx.exchange.status, 401 | 407)
        && !credentials.scheme.is_empty()
        && !offered.is_empty()
        && !scheme_offered
        && !dpop_offered_to_bearer
    {
        draft(
            "auth.scheme_mismatch",
            Likelihood::High,
            80,
            "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1",
            format!("Sent {} credentials; the server offers {}", credentials.scheme, offered.join(", ")),
        )
        .explain(
            "The app signed in the wrong way for this server.",
            format!(
                "The request used the {} scheme, but the challenge only offers {}: the server will not even look at these credentials.",
                credentials.scheme,
                offered.join(", ")
            ),
        )
        .evidence(header, format!("scheme {}", credentials.scheme))
        .evidence(cx.challenge_header, format!("offers {}", offered.join(", ")))
        .fix(Effort::Medium, format!("Client: authenticate with {} for this endpoint.", offered.join(" or ")), None)
        .push(out);
    }

    // No challenge, but the server's words name the scheme it wants (express-jwt:
    // "Format is Authorization: Bearer [token]").
    if offered.is_empty() && !credentials.scheme.is_empty() {
        if let Some(w) = cx.server_says(Meaning::Scheme) {
            let wanted = ["Bearer", "Basic", "Digest", "DPoP", "Negotiate"]
                .into_iter()
                .find(|s| w.text.contains(s) && !credentials.is(s));
            if wanted.is_some() || !w.text.contains(credentials.scheme) {
                draft(
                    "auth.scheme_mismatch",
                    Likelihood::High,
                    80,
                    "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1",
                    match wanted {
                        Some(s) => format!("Sent {} credentials; the server wants {s}", credentials.scheme),
                        None => format!("The server does not accept the {} scheme", credentials.scheme),
                    },
                )
                .explain(
                    "The app signed in the wrong way for this server.",
                    format!("The request used the {} scheme, and the server's answer says it expects another: it does not look at these credentials at all.", credentials.scheme),
                )
                .evidence(header, format!("scheme {}", credentials.scheme))
                .evidence(w.source.clone(), w.text.clone())
                .fix(Effort::Medium, format!("Client: send `Authorization: {} <token>`.", wanted.unwrap_or("<the scheme the API documents>")), None)
                .push(out);
            }
        }
    }
    if credentials.is("Basic") {
        basic(cx, out);
    }
    if credentials.is("Digest") {
        digest(cx, out);
    }
}

/// A request that authenticates by cookie: it sent cookies and no credentials header,
/// and the server asks for no header scheme (no challenge, or only schemes that are not
/// answered in a header by scripts). Such a 401 is about the session, never about a
/// Bearer token.
fn cookie_session(cx: &Context<'_>) -> bool {
    cx.challenges.challenges.is_empty()
        || cx.server_says(Meaning::Session).is_some()
        || cx.server_says(Meaning::Csrf).is_some()
}

/// `session.rejected`: cookies were sent, and the server did not take them as a session.
fn session_rejected(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let words = cx
        .server_says(Meaning::Session)
        .or_else(|| cx.server_says(Meaning::Expired))
        .or_else(|| cx.server_says(Meaning::Csrf));
    let csrf = words.is_some_and(|w| w.meaning == Meaning::Csrf);
    let mut d = draft(
        "session.rejected",
        if words.is_some() { Likelihood::High } else { Likelihood::Medium },
        // Below session.cookie_not_sent and session.cookie_expired (75, 78): a cookie
        // the browser withheld says *why* the session was not recognised.
        if words.is_some() { 74 } else { 68 },
        "https://www.rfc-editor.org/rfc/rfc6265#section-8.3",
        if csrf {
            "The session cookie was sent, but the CSRF check failed"
        } else {
            "The session cookie was sent, but the server does not accept the session"
        },
    )
    .explain(
        "Your session on this site has ended. Sign in again.",
        if csrf {
            "The request carried cookies and no Authorization header, and the server refused its CSRF token: with cookie sessions, state-changing requests must also send the CSRF token (a header or form field the page reads from a cookie or the page)."
        } else {
            "The request carried cookies and no Authorization header, so it authenticates by session cookie; the server answered 401 anyway. The session ended on the server (idle or absolute timeout, sign-out elsewhere, a server restart with an in-memory session store, a rotated session secret), or the cookie that holds it is not among those sent."
        },
    )
    .evidence("Cookie", format!("sent ({} cookies, values masked)", cx.cookies.as_ref().map_or(0, |c| c.cookies.len())))
    .evidence(cx.credentials_header, "not sent (the request relies on cookies)");
    if let Some(w) = words {
        d = d.evidence(w.source.clone(), w.text.clone());
    }
    d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
        .fix(Effort::Easy, "If signing in does not stick, clear this site's cookies and sign in again.", Some(Action::ClearCookies))
        .fix(Effort::Medium, if csrf { "Developer: send the CSRF token with every state-changing request." } else { "Developer: check the server's session store and lifetime (idle and absolute timeouts), and that the session secret did not change." }, None)
        .push(out);
}

/// `auth.digest_rejected`: Digest credentials were answered with a fresh challenge that
/// is not `stale=true`. RFC 7616 §3.3: `stale=true` means the digest was right and only
/// the nonce old; without it, the server computed a different response, so the user name,
/// password or realm is wrong (or the client hashed the wrong URI or algorithm).
fn digest(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(credentials) = &cx.credentials else {
        return;
    };
    if !matches!(cx.exchange.status, 401 | 407) {
        return;
    }
    let digests: Vec<&crate::schemes::DigestChallenge> = cx
        .views
        .iter()
        .filter_map(|v| match v {
            SchemeView::Digest(d) => Some(d),
            _ => None,
        })
        .collect();
    if digests.is_empty() || digests.iter().any(|d| d.stale) {
        return;
    }
    let header = cx.credentials_header;
    let sent_nonce = credentials.param("nonce");
    let new_nonce = digests.iter().find_map(|d| d.nonce.as_deref());
    let mut d = draft(
        "auth.digest_rejected",
        Likelihood::High,
        // Above status.proxy_auth (50 once credentials were sent): it says why.
        64,
        "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
        "Digest credentials were refused (not a stale nonce)",
    )
    .explain(
        "The user name or password is probably wrong.",
        "The server answered the Digest response with a new challenge without stale=true (RFC 7616 §3.3): it read the credentials and computed a different digest. The user name, password or realm is wrong, or the client hashed another URI, algorithm or qop than the server.",
    )
    .evidence(header, format!(
        "Digest, username \"{}\", realm \"{}\"",
        credentials.param("username").unwrap_or("?"),
        credentials.param("realm").unwrap_or("?")
    ))
    .evidence(cx.challenge_header, match (sent_nonce, new_nonce) {
        (Some(a), Some(b)) if a != b => "a new nonce, without stale=true",
        (Some(_), Some(_)) => "the same nonce again, without stale=true",
        _ => "a new challenge, without stale=true",
    });
    if let (Some(sent), Some(offered)) = (
        credentials.param("algorithm"),
        digests.first().map(|d| d.algorithm.as_str()),
    ) {
        if !sent.eq_ignore_ascii_case(offered) {
            d = d.evidence(
                header,
                format!("algorithm {sent}, the server offers {offered}"),
            );
        }
    }
    d.fix(Effort::Easy, "Check the user name and password, then sign in again.", Some(Action::SignIn))
        .fix(Effort::Medium, "Developer: check the Digest realm, algorithm and the URI the client hashes (it must be the request-target).", None)
        .push(out);
}

fn missing(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let header = cx.credentials_header;
    let has_cookie = cx.cookies.is_some();
    let offered: Vec<&str> = cx.challenges.challenges.iter().map(|c| c.scheme).collect();
    // The first leg of a Negotiate handshake is a 401 without credentials by design.
    let negotiate_only = !offered.is_empty()
        && cx
            .views
            .iter()
            .all(|v| matches!(v, SchemeView::Negotiate(_) | SchemeView::Ntlm(_)));
    let words = cx.server_says(Meaning::Missing);
    let (likelihood, score) = match (has_cookie, offered.is_empty(), negotiate_only) {
        (_, _, true) => (Likelihood::Low, 20),
        (false, false, _) => (Likelihood::High, 90),
        // The server's own words say nothing was found: as good as a challenge.
        (_, true, _) if words.is_some() => (Likelihood::High, 88),
        // A 403 to a request with no credentials at all: not signed in (above
        // status.forbidden, which would wrongly say "signed in but not allowed").
        (false, true, _) if cx.exchange.status == 403 => (Likelihood::High, 84),
        (false, true, _) => (Likelihood::High, 70),
        (true, _, _) => (Likelihood::Medium, 50),
    };
    let mut d = draft(
        "auth.missing",
        likelihood,
        score,
        "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
        format!("No {header} header was sent"),
    )
    .explain(
        "The request did not include any sign-in information.",
        format!(
            "The request carried no {header} header{}. {}",
            if has_cookie {
                " (cookies were sent: a session cookie may have been expected to suffice)"
            } else {
                " and no cookies"
            },
            if offered.is_empty() {
                "The server named no scheme.".to_owned()
            } else {
                format!("The server offers: {}.", offered.join(", "))
            }
        ),
    )
    .evidence(header, "not sent")
    .evidence(
        "Cookie",
        if has_cookie {
            "sent (values masked)"
        } else {
            "not sent"
        },
    );
    if !offered.is_empty() {
        d = d.evidence(
            cx.challenge_header,
            format!("server offers: {}", offered.join(", ")),
        );
    }
    if let Some(w) = words {
        d = d.evidence(w.source.clone(), w.text.clone());
    }
    if cx.exchange.status == 403 {
        d = d.evidence(
            "status",
            "403 to a request without credentials: the server found no one signed in",
        );
    }
    d.fix(Effort::Easy, "Sign in again, then retry.", Some(Action::SignIn))
        .fix(Effort::Medium, format!("Client: attach the credentials in `{header}` on this request (check the code path that builds it)."), None)
        .push(out);
}

fn basic(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(credentials) = &cx.credentials else {
        return;
    };
    let header = cx.credentials_header;
    let problems = &credentials.problems;
    let undecodable = credentials.basic.is_none() && credentials.token68.is_some();
    let no_colon = credentials.basic.as_ref().is_some_and(|b| !b.has_colon);
    if undecodable || no_colon || !problems.is_empty() {
        // Errors break the value; warnings (missing padding, a byte that is not UTF-8)
        // decode here but are refused by strict decoders (Python's b64decode, Go's
        // StdEncoding): a likely cause, not a certain one.
        let certain = undecodable || no_colon || crate::problem::has_errors(problems);
        let first = problems
            .iter()
            .find(|p| p.is_error())
            .or_else(|| problems.first())
            .map_or("the value cannot be decoded", |p| p.message);
        let mut d = draft(
            "auth.basic_invalid",
            if certain { Likelihood::High } else { Likelihood::Medium },
            if certain { 92 } else { 62 },
            "https://www.rfc-editor.org/rfc/rfc7617#section-2",
            format!("Basic credentials are invalid: {first}"),
        )
        .explain(
            "The app encoded your user name and password wrongly.",
            "Basic credentials are base64(user-id \":\" password) in UTF-8 (RFC 7617 §2, §2.1); this value breaks that rule, so the server cannot read it.",
        );
        for p in problems.iter().take(3) {
            d = d.evidence(header, format!("byte {}: {}", p.offset, p.message));
        }
        d.fix(Effort::Medium, "Client: send `Basic base64(utf8(user + \":\" + password))` with the standard alphabet and padding.", None)
            .push(out);
        return;
    }
    // A 403 counts when the server says the user name or password was wrong (Django REST
    // framework answers 403 when its first authentication class sends no challenge).
    let refused =
        matches!(cx.exchange.status, 401 | 407) || cx.server_says(Meaning::Credentials).is_some();
    if credentials.defects.is_empty() && refused {
        let user = credentials
            .basic
            .as_ref()
            .map(|b| b.user.clone())
            .unwrap_or_default();
        draft(
            "auth.basic_rejected",
            Likelihood::Medium,
            60,
            "https://www.rfc-editor.org/rfc/rfc7617#section-2",
            "Well-formed Basic credentials were refused",
        )
        .explain(
            "The user name or password is probably wrong (or the account is locked).",
            "The Basic credentials decode cleanly, so the server read them and refused them: a wrong password, an unknown or locked user, or a different realm's account.",
        )
        .evidence(header, format!("Basic, user-id \"{user}\", password masked"))
        .fix(Effort::Easy, "Check the user name and password, then sign in again.", Some(Action::SignIn))
        .push(out);
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::test_support::{codes, exchange};

    fn top(auth: &str, challenge: &str) -> &'static str {
        let ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[("Authorization", auth)],
            &[("WWW-Authenticate", challenge)],
        );
        codes(&diagnose(&ex)).first().copied().unwrap_or("")
    }

    #[test]
    fn credential_findings_rank_first_on_their_cases() {
        assert_eq!(
            top("Bearer undefined", "Bearer realm=\"a\""),
            "auth.malformed"
        );
        assert_eq!(
            top("Bearer Bearer abc", "Bearer realm=\"a\""),
            "auth.malformed"
        );
        assert_eq!(
            top("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Bearer realm=\"a\""),
            "auth.scheme_mismatch"
        );
        assert_eq!(
            top("Basic QWxhZGRpbg==", "Basic realm=\"a\""),
            "auth.basic_invalid"
        );
        assert_eq!(
            top("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Basic realm=\"a\""),
            "auth.basic_rejected"
        );
    }

    #[test]
    fn missing_credentials_are_found_but_not_on_a_negotiate_first_leg() {
        let ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[],
            &[("WWW-Authenticate", "Bearer")],
        );
        assert_eq!(codes(&diagnose(&ex))[0], "auth.missing");
        let ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[],
            &[("WWW-Authenticate", "Negotiate")],
        );
        let findings = diagnose(&ex);
        let missing = findings
            .iter()
            .find(|f| f.code == "auth.missing")
            .expect("still listed");
        assert_eq!(missing.likelihood, crate::finding::Likelihood::Low);
    }

    #[test]
    fn evidence_never_quotes_the_password() {
        let ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            &[("WWW-Authenticate", "Basic realm=\"a\"")],
        );
        let text = serde_json::to_string(&diagnose(&ex)).unwrap_or_default();
        assert!(
            text.contains("Aladdin")
                && !text.contains("open sesame")
                && !text.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ")
        );
    }
    #[test]
    fn refused_digest_is_named_and_a_stale_nonce_is_not() {
        let digest = r#"Digest username="alice", realm="r", nonce="old", uri="/x", response="0123456789abcdef0123456789abcdef", qop=auth, nc=00000001, cnonce="c""#;
        assert_eq!(
            top(digest, r#"Digest realm="r", nonce="new", qop="auth""#),
            "auth.digest_rejected"
        );
        assert_eq!(
            top(
                digest,
                r#"Digest realm="r", nonce="new", qop="auth", stale=true"#
            ),
            "challenge.digest_stale"
        );
        // Through a proxy (squid's digest_file_auth answers a wrong password with 407).
        let ex = exchange(
            "GET",
            "http://example.com/",
            407,
            &[("Proxy-Authorization", digest)],
            &[(
                "Proxy-Authenticate",
                r#"Digest realm="p", nonce="n2", qop="auth""#,
            )],
        );
        assert_eq!(codes(&diagnose(&ex))[0], "auth.digest_rejected");
        let ex = exchange(
            "GET",
            "http://example.com/",
            407,
            &[("Proxy-Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            &[("Proxy-Authenticate", r#"Basic realm="p""#)],
        );
        assert_eq!(codes(&diagnose(&ex))[0], "auth.basic_rejected");
    }

    #[test]
    fn a_403_without_credentials_is_not_signed_in() {
        let mut ex = exchange("GET", "https://api.example/x", 403, &[], &[]);
        ex.response_body = Some(r#"{"detail":"Not authenticated"}"#.into());
        let found = codes(&diagnose(&ex));
        assert_eq!(found[0], "auth.missing", "{found:?}");
        assert!(!found.contains(&"status.forbidden"));
        // With credentials, a 403 is still "signed in, not allowed".
        let ex = exchange(
            "GET",
            "https://api.example/x",
            403,
            &[("Authorization", "Bearer abcdefghijklmnop")],
            &[],
        );
        assert!(codes(&diagnose(&ex)).contains(&"status.forbidden"));
    }

    #[test]
    fn a_cookie_session_401_gets_session_advice_not_bearer_advice() {
        let mut ex = exchange(
            "GET",
            "https://app.example/api/me",
            401,
            &[("Cookie", "sid=abc; theme=dark")],
            &[],
        );
        ex.response_body = Some(r#"{"message":"Your session has expired"}"#.into());
        let findings = diagnose(&ex);
        assert_eq!(findings[0].code, "session.rejected");
        assert!(!findings.iter().any(|f| f.code == "auth.missing"));
        let text = serde_json::to_string(&findings).unwrap_or_default();
        assert!(!text.contains("Authorization` on this request"), "{text}");
        assert!(!text.contains("abc"), "no cookie value");
    }

    #[test]
    fn a_preflight_gets_no_missing_credentials() {
        let ex = exchange(
            "OPTIONS",
            "https://api.example/x",
            401,
            &[
                ("Access-Control-Request-Method", "GET"),
                ("Origin", "https://app.example"),
            ],
            &[("WWW-Authenticate", "Bearer")],
        );
        let found = codes(&diagnose(&ex));
        assert_eq!(found[0], "cors.preflight_unauthorized");
        assert!(!found.contains(&"auth.missing"), "{found:?}");
        assert!(
            !found.contains(&"cors.credentials_not_included"),
            "{found:?}"
        );
    }
}
