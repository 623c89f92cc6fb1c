//! `token.*`, `clock.skew` and `pattern.env_mismatch`: the bearer token and the clocks.

use super::session::fingerprint;
use super::words::Meaning;
use super::{draft, fmt_duration, fmt_time, Context};
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::jwt::{Kind, Token, Use};
use crate::schemes::SchemeView;
use crate::target::{environment_of, Target};

/// Microsoft Graph's application id and URL: a token for Graph only verifies at Graph.
const GRAPH_AUDIENCES: [&str; 2] = [
    "00000003-0000-0000-c000-000000000000",
    "https://graph.microsoft.com",
];

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    clock_skew(cx, out);
    let Some(credentials) = &cx.credentials else {
        return;
    };
    let Some(token) = &credentials.token else {
        return;
    };
    if !(credentials.is("Bearer") || credentials.is("DPoP") || credentials.scheme.is_empty()) {
        return;
    }
    let before = out.len();
    format(cx, token, out);
    times(cx, token, out);
    purpose(cx, token, out);
    target(cx, token, out);
    scope(cx, token, out);
    if credentials.is("Bearer") && token.claims.cnf_jkt.is_some() {
        draft(
            "token.dpop_bound_as_bearer",
            Likelihood::High,
            91,
            "https://www.rfc-editor.org/rfc/rfc9449#section-7.1",
            "A DPoP-bound token was sent as a plain Bearer token",
        )
        .explain(
            "The app sent a protected token without the proof that goes with it.",
            "The token has cnf.jkt, so it is bound to a DPoP key (RFC 9449 §6): it must be sent with the DPoP scheme and a DPoP proof header, never as Bearer (§7.1).",
        )
        .evidence("token claim", "cnf.jkt present")
        .evidence(cx.credentials_header, "scheme Bearer")
        .fix(Effort::Medium, "Client: send `Authorization: DPoP <token>` with a fresh `DPoP` proof for this request.", None)
        .push(out);
    }
    let strong_token_finding = out[before..].iter().any(|f| f.score >= 60);
    rejected(cx, credentials, token, strong_token_finding, out);
}

/// `token.rejected`: the token looks usable from here, and the server refused it. The
/// server's words and the session say why when they can: revoked, a key it cannot verify,
/// or the same token working a moment ago. An opaque token is judged by those alone.
fn rejected(
    cx: &Context<'_>,
    credentials: &crate::credentials::Credentials<'_>,
    token: &Token,
    strong_token_finding: bool,
    out: &mut Vec<Finding>,
) {
    let words = cx
        .server_says(Meaning::Revoked)
        .or_else(|| cx.server_says(Meaning::Signature))
        .or_else(|| cx.server_says(Meaning::Invalid));
    let challenged = !cx.challenges.challenges.is_empty();
    let refused = matches!(cx.exchange.status, 401 | 400 | 422) || cx.exchange.status == 498;
    let readable = matches!(token.kind, Kind::Jws | Kind::Opaque);
    if !refused
        || !readable
        || !credentials.defects.is_empty()
        || strong_token_finding
        || !(challenged || words.is_some())
        || !matches!(cx.challenge_error(), None | Some("invalid_token"))
    {
        return;
    }
    let sent = credentials.token68.map(fingerprint);
    let earlier_success = sent.and_then(|sent| {
        cx.history
            .with_token(sent)
            .rev()
            .find(|s| (200..400).contains(&s.status))
    });
    let why = match words.map(|w| w.meaning) {
        Some(Meaning::Revoked) => "the server says it was revoked (sign-out, password change, or an admin's revocation)",
        Some(Meaning::Signature) => "the server cannot verify its signature: it was signed with a key the server no longer trusts (key rotation: compare kid with the issuer's JWKS) or by another issuer or environment",
        _ if earlier_success.is_some() => "the same token worked earlier in this session, so it was revoked or reached the end of its server-side lifetime since",
        _ if token.kind == Kind::Opaque => "only the issuer knows an opaque token's state: it was revoked, expired at the issuer, or belongs to another authorization server",
        _ => "nothing in the token explains the refusal (not expired, right kind, no format problem): it was likely revoked (sign-out elsewhere, password change), signed with a key the server no longer trusts (key rotation: check kid against the issuer's JWKS), or the server expects another issuer or audience than it is configured for",
    };
    let definite = matches!(
        words.map(|w| w.meaning),
        Some(Meaning::Revoked | Meaning::Signature)
    );
    let mut d = draft(
        "token.rejected",
        if definite { Likelihood::High } else { Likelihood::Medium },
        if definite { 82 } else if earlier_success.is_some() { 62 } else { 55 },
        "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
        match words.map(|w| w.meaning) {
            Some(Meaning::Revoked) => "The server says the token was revoked",
            Some(Meaning::Signature) => "The server cannot verify the token's signature",
            _ if earlier_success.is_some() => "The same token worked earlier and is refused now",
            _ => "The token looks valid but was refused",
        },
    )
    .explain(
        "Your sign-in looks fine from here, but the server no longer accepts it. Signing in again usually fixes this.",
        format!("The server refused the token: {why}."),
    );
    if let Some(kid) = &token.header_params.kid {
        d = d.evidence("token header", format!("kid {kid}"));
    }
    if let Some(iss) = &token.claims.iss {
        d = d.evidence("token claim", format!("iss {iss}"));
    }
    if let Some(error) = cx.challenge_error() {
        d = d.evidence(cx.challenge_header, format!("error={error}"));
    }
    if let Some(w) = words {
        d = d.evidence(w.source.clone(), w.text.clone());
    }
    if let Some(success) = earlier_success {
        d = d.evidence(
            "session",
            format!(
                "the same token got {} {}",
                success.status,
                success
                    .at
                    .map(|t| format!("at {}", fmt_time(t)))
                    .unwrap_or_default()
            ),
        );
    }
    d.fix(Effort::Easy, "Sign in again to get a fresh token.", Some(Action::SignIn))
        .fix(Effort::Medium, "Server: check the logs for the validation error (signature, issuer, audience, revocation).", None)
        .push(out);
}

fn format(cx: &Context<'_>, token: &Token, out: &mut Vec<Finding>) {
    match token.kind {
        Kind::Unsecured => draft(
            "token.alg_none",
            Likelihood::High,
            89,
            "https://www.rfc-editor.org/rfc/rfc8725#section-3.1",
            "The token is unsigned (alg: none)",
        )
        .explain(
            "The app sent an unsigned token, which no secure server accepts.",
            "The JWT header says alg \"none\" (RFC 7519 §6): anyone could have written it, and RFC 8725 §3.1 requires servers to reject it. It usually comes from a test fixture or a misconfigured issuer.",
        )
        .evidence("token header", format!("alg {}", token.header_params.alg.as_deref().unwrap_or("none")))
        .fix(Effort::Medium, "Get a signed token from the real issuer.", Some(Action::SignIn))
        .push(out),
        Kind::Jwe => draft(
            "token.encrypted",
            Likelihood::Low,
            25,
            "https://www.rfc-editor.org/rfc/rfc7516",
            "The token is encrypted (JWE): its claims cannot be checked here",
        )
        .explain(
            "The sign-in token is encrypted, so AuthLens cannot look inside it.",
            "A 5-segment JWE: only the issuer or the resource can decrypt it. If the API expects a signed JWT (JWS) it will refuse this one; otherwise ask the issuer why it was refused.",
        )
        .evidence("token header", format!("enc {}", token.header_params.enc.as_deref().unwrap_or("?")))
        .push(out),
        // The server says it could not read the token as a JWT ("Not enough segments",
        // "jwt malformed"): an opaque token was sent to an API that expects a JWT.
        Kind::Opaque if cx.server_says(Meaning::Malformed).is_some() => {
            let w = cx.server_says(Meaning::Malformed);
            let mut d = draft(
                "token.opaque",
                Likelihood::High,
                80,
                "https://www.rfc-editor.org/rfc/rfc9068#section-2",
                "The API expects a JWT, and the token is opaque",
            )
            .explain(
                "The app sent the wrong kind of sign-in token. This is a bug in the app or its configuration.",
                "The token is not a JWT, and the server says it could not read it as one: the API validates JWT access tokens locally, while the authorization server issued a reference token (ask it for a JWT access token, e.g. with a resource indicator, RFC 8707, or an audience).",
            );
            if let Some(w) = w {
                d = d.evidence(w.source.clone(), w.text.clone());
            }
            d.evidence("token", format!("{} bytes, not a JWT", token.length))
                .fix(Effort::Medium, "Developer: request a JWT access token for this API (audience/resource), or validate opaque tokens by introspection (RFC 7662).", None)
                .push(out);
        }
        Kind::Opaque => {
            let mut d = draft(
                "token.opaque",
                Likelihood::Low,
                15,
                "https://www.rfc-editor.org/rfc/rfc7662",
                "The token is opaque: only its issuer can say why it was refused",
            )
            .explain(
                "The sign-in token is a reference that only the server can look up.",
                "Not a JWT: expiry, audience and scope live at the issuer (token introspection, RFC 7662). If the API expects a JWT, it was given the wrong kind of token.",
            );
            if let Some(format) = token.format {
                d = d.evidence("token", format!("recognised as {format}"));
            }
            d.evidence("token", format!("{} bytes", token.length)).push(out);
        }
        _ => {}
    }
    if let Some(exp) = token.claims.exp.filter(|d| d.millis) {
        draft(
            "token.exp_in_millis",
            Likelihood::High,
            88,
            "https://www.rfc-editor.org/rfc/rfc7519#section-2",
            "exp is in milliseconds, not seconds",
        )
        .explain(
            "The sign-in token was made with a wrong expiry date. This is a bug in the system that issued it.",
            "RFC 7519 NumericDate counts seconds; this exp counts milliseconds, so validators read a date tens of thousands of years away and may reject it as invalid.",
        )
        .evidence("token claim", format!("exp in milliseconds = {}", fmt_time(exp.seconds)))
        .fix(Effort::Medium, "Issuer: write exp, nbf and iat in seconds (Date.now() / 1000).", None)
        .push(out);
    }
}

/// The token answer (a login or token-endpoint answer seen earlier in the session) that
/// issued this token, with when it happened: its `expires_in` dates an opaque token.
fn issued_by<'h>(cx: &Context<'h>, token68: Option<&str>) -> Option<(i64, i64)> {
    let sent = fingerprint(token68?);
    cx.history.token_requests().rev().find_map(|s| {
        let answer = s.token_request.as_ref()?;
        (answer.issued == Some(sent)).then_some(())?;
        Some((s.at?, answer.expires_in?))
    })
}

fn times(cx: &Context<'_>, token: &Token, out: &mut Vec<Finding>) {
    let tolerance = cx.tolerance.clock_skew_seconds;
    let server_words = cx.server_says(Meaning::Expired);
    if let Some(exp) = token.claims.exp.filter(|d| !d.millis) {
        let by_client = cx.client_time.map(|t| t.saturating_sub(exp.seconds));
        let by_server = cx.server_time.map(|t| t.saturating_sub(exp.seconds));
        // The server refused the token, so its clock decides: past exp on the server's
        // clock is expired, however small the margin (PyJWT, jsonwebtoken and
        // Flask-JWT-Extended allow no leeway by default). The tolerance only keeps
        // AuthLens from calling expired a token that the server's clock says is valid:
        // without a Date, the client's clock must be past exp by more than it. Or the
        // server said so in words.
        let expired = match by_server {
            Some(late) => late > 0,
            None => by_client.is_some_and(|late| late > tolerance),
        } || (server_words.is_some()
            && by_server
                .or(by_client)
                .is_some_and(|late| late > -tolerance));
        if expired {
            let mut d = draft(
                "token.expired",
                Likelihood::High,
                90,
                "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
                format!(
                    "The token expired {} before the request",
                    fmt_duration(by_server.or(by_client).unwrap_or(0))
                ),
            )
            .explain(
                "Your sign-in has expired. Sign in again.",
                format!(
                    "exp is {}; the request was judged after it (tolerance {tolerance} s). The client should have refreshed the token before using it.",
                    fmt_time(exp.seconds)
                ),
            )
            .evidence("token claim", format!("exp {}", fmt_time(exp.seconds)));
            if let Some(w) = server_words {
                d = d.evidence(w.source.clone(), w.text.clone());
            }
            if let (Some(late), Some(t)) = (by_client, cx.client_time) {
                d = d.evidence(
                    "request start (client clock)",
                    format!(
                        "{}: {} {}",
                        fmt_time(t),
                        fmt_duration(late),
                        if late >= 0 { "after exp" } else { "before exp" }
                    ),
                );
            }
            if let (Some(late), Some(t)) = (by_server, cx.server_time) {
                d = d.evidence(
                    "Date header (server clock)",
                    format!(
                        "{}: {} {}",
                        fmt_time(t),
                        fmt_duration(late),
                        if late >= 0 { "after exp" } else { "before exp" }
                    ),
                );
            }
            d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
                .fix(Effort::Medium, "Client: refresh the token shortly before exp (and on a 401 with invalid_token), then retry once.", None)
                .push(out);
        }
    }
    // No exp to read (an opaque token, or a JWT without exp): the server's words, or the
    // answer that issued it (`expires_in`, RFC 6749 §5.1), date it.
    if token.claims.exp.is_none() {
        let issued = issued_by(cx, cx.credentials.as_ref().and_then(|c| c.token68));
        let lapsed = issued.and_then(|(at, expires_in)| {
            let now = cx.client_time?;
            (now > at.saturating_add(expires_in)).then_some((at, expires_in, now))
        });
        if server_words.is_some() || lapsed.is_some() {
            let mut d = draft(
                "token.expired",
                Likelihood::High,
                90,
                "https://www.rfc-editor.org/rfc/rfc6749#section-5.1",
                match lapsed {
                    Some((at, expires_in, now)) => format!(
                        "The token expired {} before the request (expires_in {expires_in} s)",
                        fmt_duration(now.saturating_sub(at.saturating_add(expires_in)))
                    ),
                    None => "The server says the token expired".to_owned(),
                },
            )
            .explain(
                "Your sign-in has expired. Sign in again.",
                "The token carries no exp of its own; the server's answer or the lifetime it was issued with (expires_in) says it has run out. The client should have refreshed it before using it.",
            );
            if let Some(w) = server_words {
                d = d.evidence(w.source.clone(), w.text.clone());
            }
            if let Some((at, expires_in, _)) = lapsed {
                d = d.evidence(
                    "session",
                    format!("issued at {} with expires_in {expires_in} s", fmt_time(at)),
                );
            }
            d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
                .fix(Effort::Medium, "Client: refresh the token before expires_in runs out, and once on a 401, then retry.", None)
                .push(out);
        }
    }
    let judge = cx.judge_time();
    let not_yet_words = cx.server_says(Meaning::NotYetValid);
    let early = |claim: Option<crate::jwt::NumericDate>| {
        claim
            .filter(|d| !d.millis)
            .and_then(|d| Some((d.seconds, d.seconds.saturating_sub(judge?))))
    };
    // The server's words lower the bar to "after the judging clock at all".
    let beyond = |ahead: i64| ahead > tolerance || (not_yet_words.is_some() && ahead > 0);
    if let Some((nbf, ahead)) = early(token.claims.nbf).filter(|(_, a)| beyond(*a)) {
        draft(
            "token.not_yet_valid",
            Likelihood::High,
            85,
            "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.5",
            format!("The token is not valid for another {}", fmt_duration(ahead)),
        )
        .explain(
            "Your sign-in token is dated in the future. Your computer's clock, or the server's, is probably wrong.",
            format!("nbf is {}, {} after the request (tolerance {tolerance} s): the issuer's clock is ahead of the resource's, or the token was minted for later.", fmt_time(nbf), fmt_duration(ahead)),
        )
        .evidence("token claim", format!("nbf {}", fmt_time(nbf)))
        .fix(Effort::Easy, "Check that this computer's clock is set automatically.", Some(Action::SyncClock))
        .fix(Effort::Medium, "Issuer/resource: synchronise clocks (NTP) and allow a small leeway.", None)
        .push(out);
    } else if let Some((iat, ahead)) = early(token.claims.iat).filter(|(_, a)| beyond(*a)) {
        draft(
            "token.not_yet_valid",
            Likelihood::Medium,
            70,
            "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.6",
            format!("The token was issued {} in the future", fmt_duration(ahead)),
        )
        .explain(
            "Your sign-in token is dated in the future. A clock is probably wrong.",
            format!("iat is {}, after the request: many validators reject tokens issued in the future (clock skew between issuer and resource).", fmt_time(iat)),
        )
        .evidence("token claim", format!("iat {}", fmt_time(iat)))
        .fix(Effort::Easy, "Check that this computer's clock is set automatically.", Some(Action::SyncClock))
        .push(out);
    }
}

fn purpose(cx: &Context<'_>, token: &Token, out: &mut Vec<Finding>) {
    let wrong_kind = cx.server_says(Meaning::WrongKind);
    let mut evidence = token.usage.evidence.join("; ");
    // The server said "only non-refresh tokens are allowed" (Flask-JWT-Extended), "wrong
    // token type"…: a refresh token, whatever the claims could tell.
    let usage = match (token.usage.usage, wrong_kind) {
        (Use::Unknown | Use::Access, Some(w))
            if !w.text.to_ascii_lowercase().contains("access token")
                || w.text.to_ascii_lowercase().contains("non-refresh") =>
        {
            evidence = format!("the server says: {}", w.text);
            Use::Refresh
        }
        (usage, _) => usage,
    };
    match usage {
        Use::Id => draft(
            "token.id_token_as_access",
            Likelihood::High,
            86,
            "https://openid.net/specs/openid-connect-core-1_0.html#IDToken",
            "An ID token was sent where an access token belongs",
        )
        .explain(
            "The app sent the wrong kind of sign-in token. This is a bug in the app.",
            format!("The token is an OpenID Connect ID token ({evidence}): it tells the client who signed in and is addressed to the client (aud = client id). APIs expect the access token from the same token response."),
        )
        .evidence("token", evidence.clone())
        .fix(Effort::Medium, "Client: send access_token, not id_token, from the token response.", None)
        .push(out),
        Use::Refresh => draft(
            "token.refresh_token_as_access",
            Likelihood::High,
            87,
            "https://www.rfc-editor.org/rfc/rfc6749#section-1.5",
            "A refresh token was sent where an access token belongs",
        )
        .explain(
            "The app sent the wrong kind of sign-in token. This is a bug in the app.",
            format!("The token is a refresh token ({evidence}). Refresh tokens only go to the token endpoint (RFC 6749 §1.5, §6); APIs need the access token."),
        )
        .evidence("token", evidence.clone())
        .fix(Effort::Medium, "Client: exchange the refresh token at the token endpoint and send the resulting access_token.", None)
        .push(out),
        Use::DpopProof => draft(
            "auth.malformed",
            Likelihood::High,
            93,
            "https://www.rfc-editor.org/rfc/rfc9449#section-4",
            "A DPoP proof was sent as the access token",
        )
        .explain(
            "The app sent the wrong value in its sign-in header. This is a bug in the app.",
            "The Authorization value is a DPoP proof (typ dpop+jwt): the proof goes in the DPoP header, the access token in Authorization.",
        )
        .evidence("token", evidence.clone())
        .fix(Effort::Medium, "Client: put the access token in Authorization and the proof in DPoP.", None)
        .push(out),
        _ => {}
    }
}

/// Whether the server gave a specific reason of its own (expired, signature, issuer…):
/// the heuristics about audiences and environments then stay quiet, because the server
/// got past the checks they guess at (jsonwebtoken checks `aud` before `iss`, and a token
/// refused for its signature was never judged by its audience).
fn server_gave_reason(cx: &Context<'_>, except: Meaning) -> bool {
    cx.said.iter().any(|s| {
        s.meaning != except
            && matches!(
                s.meaning,
                Meaning::Expired
                    | Meaning::NotYetValid
                    | Meaning::Signature
                    | Meaning::Audience
                    | Meaning::Issuer
                    | Meaning::Revoked
                    | Meaning::WrongKind
                    | Meaning::Malformed
                    | Meaning::Scope
                    | Meaning::Scheme
            )
    })
}

fn target(cx: &Context<'_>, token: &Token, out: &mut Vec<Finding>) {
    let Some(request) = &cx.target else {
        return;
    };
    let quiet = server_gave_reason(cx, Meaning::Audience);
    let claims = &token.claims;
    // Graph tokens (the header nonce makes them verifiable only by Graph).
    let graph = claims
        .aud
        .iter()
        .any(|a| GRAPH_AUDIENCES.iter().any(|g| a.eq_ignore_ascii_case(g)));
    if graph && !request.host.eq_ignore_ascii_case("graph.microsoft.com") {
        draft(
            "token.foreign",
            Likelihood::High,
            90,
            "https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens",
            "A Microsoft Graph token was sent to another API",
        )
        .explain(
            "The app used a token meant for a different service.",
            format!(
                "aud is Microsoft Graph{}: such tokens can only be validated by Graph. Request a token for this API's own scope (api://…/.default) instead.",
                if token.header_params.has_nonce { ", and the header carries Graph's nonce" } else { "" }
            ),
        )
        .evidence("token claim", "aud Microsoft Graph")
        .evidence("request", format!("host {}", request.host))
        .fix(Effort::Medium, "Client: request the token with this API's scope, not Graph's (User.Read, …).", None)
        .push(out);
        return;
    }
    // Audiences that name a host or URL can be compared; others (GUIDs, names) cannot.
    let comparable: Vec<&String> = claims
        .aud
        .iter()
        .filter(|a| Target::parse(a).is_some())
        .collect();
    let resource = cx.views.iter().find_map(|v| match v {
        SchemeView::Bearer(b) => b
            .resource_metadata
            .as_deref()
            .and_then(Target::parse)
            .map(|t| t.origin()),
        _ => None,
    });
    let matches = |aud: &str| {
        Target::parse(aud).is_some_and(|t| t.host.eq_ignore_ascii_case(request.host))
            || cx.exchange.url.starts_with(aud)
            || resource
                .as_deref()
                .is_some_and(|r| aud.trim_end_matches('/') == r)
    };
    // The server's words ("jwt audience invalid") settle it even for audiences that are
    // not URLs (client ids, API names).
    let aud_words = cx.server_says(Meaning::Audience);
    if aud_words.is_some()
        || (!quiet && !comparable.is_empty() && !comparable.iter().any(|a| matches(a)))
    {
        let mut d = draft(
            "token.audience_mismatch",
            if aud_words.is_some() { Likelihood::High } else { Likelihood::Medium },
            // Below token.id_token_as_access (86): an ID token's aud is the client, so
            // its audience is refused as a consequence.
            if aud_words.is_some() { 85 } else { 68 },
            "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.3",
            "The token is addressed to another API (aud)",
        )
        .explain(
            "The app used a token meant for a different service.",
            format!(
                "aud is {} but the request goes to {}: resources must reject tokens whose aud does not name them (RFC 7519 §4.1.3, RFC 9068 §4).",
                claims.aud.join(", "),
                request.origin()
            ),
        )
        .evidence("token claim", format!("aud {}", claims.aud.join(", ")))
        .evidence("request", format!("origin {}", request.origin()));
        if let Some(resource) = &resource {
            d = d.evidence(
                "WWW-Authenticate resource_metadata",
                format!("resource {resource}"),
            );
        }
        if let Some(w) = aud_words {
            d = d.evidence(w.source.clone(), w.text.clone());
        }
        d.fix(
            Effort::Medium,
            "Client: request the token for this API (audience/resource parameter, RFC 8707).",
            None,
        )
        .push(out);
    }
    if let Some(w) = cx.server_says(Meaning::Issuer) {
        draft(
            "token.issuer_suspect",
            Likelihood::High,
            84,
            "https://www.rfc-editor.org/rfc/rfc9068#section-4",
            "The server does not trust the token's issuer",
        )
        .explain(
            "The sign-in came from the wrong place for this service.",
            format!(
                "The server refused the issuer (iss {}): the token comes from another authorization server, tenant or environment than the one the API is configured to trust, or the issuer URL differs by a detail (trailing slash, http vs https, host name).",
                claims.iss.as_deref().unwrap_or("(none)")
            ),
        )
        .evidence("token claim", format!("iss {}", claims.iss.as_deref().unwrap_or("(none)")))
        .evidence(w.source.clone(), w.text.clone())
        .fix(Effort::Medium, "Configure the client to use the authorization server this API trusts, or the API to trust this issuer exactly as the token writes it.", None)
        .push(out);
    }
    let iss_target = claims.iss.as_deref().and_then(Target::parse);
    if let Some(iss) = &iss_target {
        let okta_org = (iss.host.ends_with(".okta.com") || iss.host.ends_with(".oktapreview.com"))
            && !iss.path.contains("/oauth2/")
            && !request.host.ends_with(".okta.com");
        let internal_split = iss.is_loopback() && !request.is_loopback();
        if (okta_org || internal_split) && !server_gave_reason(cx, Meaning::Other) {
            draft(
                "token.issuer_suspect",
                Likelihood::Medium,
                // Above pattern.env_mismatch: Okta developer orgs are named dev-…, and
                // the org-server explanation is the more specific one.
                66,
                "https://www.rfc-editor.org/rfc/rfc9068#section-4",
                if okta_org { "The token comes from Okta's org authorization server" } else { "The token was issued by a local/internal address" },
            )
            .explain(
                "The sign-in came from the wrong place for this service.",
                if okta_org {
                    "Tokens from the Okta org authorization server (iss without /oauth2/…) are only for Okta's own APIs; custom APIs must use a custom authorization server (…/oauth2/default or another)."
                } else {
                    "iss names a loopback address while the API is reached by another name: the issuer URL the API was configured with (its public name) differs from the one the token carries."
                },
            )
            .evidence("token claim", format!("iss {}", claims.iss.as_deref().unwrap_or("")))
            .evidence("request", format!("host {}", request.host))
            .fix(Effort::Medium, "Configure the client to use the authorization server this API trusts.", None)
            .push(out);
        }
    }
    let token_env = iss_target
        .as_ref()
        .and_then(|t| environment_of(t.host))
        .or_else(|| {
            claims
                .aud
                .iter()
                .filter_map(|a| Target::parse(a))
                .find_map(|t| environment_of(t.host))
        });
    let request_env = environment_of(request.host);
    let iss_known = iss_target.is_some() || !comparable.is_empty();
    if iss_known && token_env != request_env && !server_gave_reason(cx, Meaning::Other) {
        let name = |e: Option<&str>| e.unwrap_or("production").to_owned();
        draft(
            "pattern.env_mismatch",
            Likelihood::Medium,
            64,
            "https://www.rfc-editor.org/rfc/rfc9068#section-4",
            format!("A {} token was sent to {}", name(token_env), name(request_env)),
        )
        .explain(
            "The app mixed up test and live systems: it used a sign-in from one with the other.",
            format!("The token's issuer/audience looks like {} while the API host looks like {}; each environment trusts only its own issuer.", name(token_env), name(request_env)),
        )
        .evidence("token claim", format!("iss {}", claims.iss.as_deref().unwrap_or("?")))
        .evidence("request", format!("host {}", request.host))
        .fix(Effort::Medium, "Client: use the issuer and client configuration of the environment you are calling.", None)
        .push(out);
    }
}

fn scope(cx: &Context<'_>, token: &Token, out: &mut Vec<Finding>) {
    if let Some(w) = cx
        .server_says(Meaning::Scope)
        .filter(|_| cx.challenge_error() != Some("insufficient_scope"))
    {
        draft(
            "token.scope_insufficient",
            Likelihood::High,
            86,
            "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
            "The server says the token lacks a scope this request needs",
        )
        .explain(
            "You are signed in, but the app did not ask for permission to do this. Signing in again and granting access may help.",
            format!("The server refused the token's scopes; the token carries \"{}\".", token.claims.scope.join(" ")),
        )
        .evidence(w.source.clone(), w.text.clone())
        .evidence("token claim", format!("scope {}", if token.claims.scope.is_empty() { "(none)".to_owned() } else { token.claims.scope.join(" ") }))
        .fix(Effort::Easy, "Sign in again and accept the requested permissions.", Some(Action::SignIn))
        .fix(Effort::Medium, "Client: include the required scopes in the authorization request.", None)
        .push(out);
        return;
    }
    let Some(required) = cx.views.iter().find_map(|v| match v {
        SchemeView::Bearer(b)
            if b.error.as_deref() == Some("insufficient_scope") || !b.scope.is_empty() =>
        {
            Some(b)
        }
        _ => None,
    }) else {
        return;
    };
    let explicit = required.error.as_deref() == Some("insufficient_scope");
    let missing: Vec<&String> = required
        .scope
        .iter()
        .filter(|s| !token.claims.scope.contains(s))
        .collect();
    if !explicit && (missing.is_empty() || token.claims.scope.is_empty()) {
        return;
    }
    let mut d = draft(
        "token.scope_insufficient",
        if explicit { Likelihood::High } else { Likelihood::Medium },
        if explicit { 88 } else { 60 },
        "https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
        if missing.is_empty() {
            "The token lacks the permissions (scopes) this request needs".to_owned()
        } else {
            format!("The token lacks scope {}", missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
        },
    )
    .explain(
        "You are signed in, but the app did not ask for permission to do this. Signing in again and granting access may help.",
        format!(
            "The challenge {} scope \"{}\"; the token carries \"{}\". Request a token with the missing scopes (and consent).",
            if explicit { "says insufficient_scope and requires" } else { "asks for" },
            required.scope.join(" "),
            token.claims.scope.join(" ")
        ),
    )
    .evidence("token claim", format!("scope {}", if token.claims.scope.is_empty() { "(none)".to_owned() } else { token.claims.scope.join(" ") }));
    if !required.scope.is_empty() {
        d = d.evidence(
            cx.challenge_header,
            format!("scope {}", required.scope.join(" ")),
        );
    }
    d.fix(
        Effort::Easy,
        "Sign in again and accept the requested permissions.",
        Some(Action::SignIn),
    )
    .fix(
        Effort::Medium,
        "Client: include the required scopes in the authorization request.",
        None,
    )
    .push(out);
}

fn clock_skew(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some(client), Some(server)) = (cx.client_time, cx.server_time) else {
        return;
    };
    // Saturating, and `saturating_abs`: both clocks come from hostile input.
    let skew = client.saturating_sub(server);
    if skew.saturating_abs() <= cx.tolerance.clock_skew_seconds {
        return;
    }
    // Worse when a time claim sits inside the skew: the two clocks disagree on validity.
    let token_times = cx
        .credentials
        .as_ref()
        .and_then(|c| c.token.as_ref())
        .map(|t| [t.claims.exp, t.claims.nbf, t.claims.iat])
        .unwrap_or_default();
    let decisive = token_times.iter().flatten().any(|d| {
        d.seconds.saturating_sub(client).signum() != d.seconds.saturating_sub(server).signum()
    });
    draft(
        "clock.skew",
        if decisive { Likelihood::High } else { Likelihood::Medium },
        if decisive { 92 } else { 66 },
        "https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1",
        format!("This computer's clock is {} {} the server's", fmt_duration(skew), if skew > 0 { "ahead of" } else { "behind" }),
    )
    .explain(
        "Your computer's clock is wrong, which can make sign-ins look expired or not yet valid. Set the clock to update automatically.",
        format!(
            "The request started at {} by the client's clock; the response Date (plus Age) says {}. Tolerance {} s.{}",
            fmt_time(client),
            fmt_time(server),
            cx.tolerance.clock_skew_seconds,
            if decisive { " A token time claim falls between the two clocks, so they disagree on whether it is valid." } else { "" }
        ),
    )
    .evidence("request start (client clock)", fmt_time(client))
    .evidence("Date header (server clock)", fmt_time(server))
    .fix(Effort::Easy, "Turn on automatic date and time on this computer.", Some(Action::SyncClock))
    .push(out);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::diagnose;
    use super::super::test_support::{codes, exchange, jwt, T0_MS};
    use super::fmt_time;

    const NOW: i64 = T0_MS / 1000;

    fn run(token: &str, challenge: &str, date: Option<i64>) -> Vec<&'static str> {
        let auth = format!("Bearer {token}");
        let date = date.map(fmt_time);
        let mut resp = vec![("WWW-Authenticate", challenge)];
        if let Some(d) = &date {
            resp.push(("Date", d.as_str()));
        }
        codes(&diagnose(&exchange(
            "GET",
            "https://api.example.com/v1",
            401,
            &[("Authorization", &auth)],
            &resp,
        )))
    }

    fn rs(claims: serde_json::Value) -> String {
        jwt(json!({"alg":"RS256","kid":"k1"}), claims)
    }

    #[test]
    fn each_token_finding_ranks_first_on_its_case() {
        let e = r#"Bearer error="invalid_token""#;
        assert_eq!(
            run(&rs(json!({"exp": NOW - 900})), e, Some(NOW))[0],
            "token.expired"
        );
        assert_eq!(
            run(
                &rs(json!({"nbf": NOW + 900, "exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.not_yet_valid"
        );
        assert_eq!(
            run(&rs(json!({"exp": (NOW + 3600) * 1000})), e, Some(NOW))[0],
            "token.exp_in_millis"
        );
        assert_eq!(
            run(
                &rs(json!({"aud":"c1","azp":"c1","nonce":"n","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.id_token_as_access"
        );
        assert_eq!(
            run(
                &rs(json!({"typ":"Refresh","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.refresh_token_as_access"
        );
        assert_eq!(
            run(
                &rs(json!({"aud":"https://other.example.org","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.audience_mismatch"
        );
        assert_eq!(
            run(
                &rs(json!({"iss":"https://dev-123.okta.com","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.issuer_suspect"
        );
        assert_eq!(
            run(
                &rs(json!({"scope":"read","exp": NOW + 3600})),
                r#"Bearer error="insufficient_scope", scope="read write""#,
                Some(NOW)
            )[0],
            "token.scope_insufficient"
        );
        assert_eq!(
            run(
                &jwt(json!({"alg":"none"}), json!({"exp": NOW + 3600})).replace("c2lnbmF0dXJl", ""),
                e,
                Some(NOW)
            )[0],
            "token.alg_none"
        );
        assert_eq!(
            run(
                &rs(json!({"cnf":{"jkt":"abc"},"exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.dpop_bound_as_bearer"
        );
        assert_eq!(
            run(
                &jwt(
                    json!({"alg":"RS256","nonce":"x"}),
                    json!({"aud":"00000003-0000-0000-c000-000000000000","exp": NOW + 3600})
                ),
                e,
                Some(NOW)
            )[0],
            "token.foreign"
        );
        assert_eq!(
            run(
                &rs(json!({"iss":"https://login.staging.example.com","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "pattern.env_mismatch"
        );
        assert_eq!(
            run(
                &rs(json!({"iss":"https://login.example.com","exp": NOW + 3600})),
                e,
                Some(NOW)
            )[0],
            "token.rejected"
        );
        assert!(run(
            "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d",
            e,
            Some(NOW)
        )
        .contains(&"token.encrypted"));
        assert!(run("2YotnFZFEjr1zCsicMWpAA", e, Some(NOW)).contains(&"token.opaque"));
    }

    #[test]
    fn ranking_on_mixed_cases() {
        // Expired on the server's clock only, with a skewed client clock: the skew is
        // decisive and outranks the expiry it explains.
        let token = rs(json!({"iss":"https://login.example.com","exp": NOW - 300}));
        let found = run(&token, r#"Bearer error="invalid_token""#, Some(NOW));
        assert_eq!(found[0], "token.expired", "{found:?}");
        assert!(!found.contains(&"clock.skew"), "the clocks agree");
        // The client's clock is 10 min ahead: it calls the token expired, the server
        // does not; the skew is the story.
        let ahead = run(&token, r#"Bearer error="invalid_token""#, Some(NOW - 600));
        assert_eq!(ahead[0], "clock.skew", "{ahead:?}");
        assert!(!ahead.contains(&"token.expired"));
        // The client's clock is 10 min behind: it kept using a token the server calls
        // expired. Both are reported; the decisive skew ranks first.
        let token = rs(json!({"iss":"https://login.example.com","exp": NOW + 300}));
        let behind = run(&token, r#"Bearer error="invalid_token""#, Some(NOW + 600));
        assert_eq!(&behind[..2], ["clock.skew", "token.expired"]);
        // A 401 without a challenge but with an expired token: the token explains it.
        let no_challenge = codes(&diagnose(&exchange(
            "GET",
            "https://api.example.com/v1",
            401,
            &[(
                "Authorization",
                &format!("Bearer {}", rs(json!({"exp": NOW - 900}))),
            )],
            &[],
        )));
        assert_eq!(no_challenge[0], "token.expired");
        assert!(no_challenge.contains(&"challenge.missing"));
    }

    #[test]
    fn healthy_tokens_and_exchanges_raise_nothing_high() {
        let token = rs(
            json!({"iss":"https://login.example.com","aud":"https://api.example.com","scope":"read","exp": NOW + 3600,"iat": NOW - 10}),
        );
        let ex = exchange(
            "GET",
            "https://api.example.com/v1",
            200,
            &[("Authorization", &format!("Bearer {token}"))],
            &[("Date", &fmt_time(NOW))],
        );
        assert!(diagnose(&ex).is_empty());
        // The server's clock says the token is still valid (its Date is 60 s behind the
        // client's): not expired, although the client's clock is past exp.
        let nearly = rs(json!({"exp": NOW - 30}));
        assert!(
            !run(&nearly, r#"Bearer realm="a""#, Some(NOW - 60)).contains(&"token.expired"),
            "valid on the server's clock"
        );
        // Refused, and past exp on the server's clock by 5 s: expired, however small.
        let just = rs(json!({"exp": NOW - 5}));
        assert_eq!(
            run(&just, r#"Bearer realm="a""#, Some(NOW))[0],
            "token.expired"
        );
    }
    #[test]
    fn refresh_tokens_are_found_in_every_library_convention() {
        let e = r#"Bearer error="invalid_token""#;
        for claims in [
            json!({"type": "refresh", "exp": NOW + 3600}), // Flask-JWT-Extended
            json!({"token_type": "refresh", "exp": NOW + 3600}), // simplejwt
            json!({"tokenType": "RefreshToken", "exp": NOW + 3600}),
            json!({"typ": "Refresh", "exp": NOW + 3600}), // Keycloak
            json!({"typ": "Offline", "exp": NOW + 3600}), // Keycloak offline token
            json!({"token_use": "refresh", "exp": NOW + 3600}),
            json!({"token_type": "refresh_token", "exp": NOW + 3600}),
        ] {
            assert_eq!(
                run(&rs(claims.clone()), e, Some(NOW))[0],
                "token.refresh_token_as_access",
                "{claims}"
            );
        }
        assert!(!run(
            &rs(json!({"type": "access", "exp": NOW + 3600})),
            e,
            Some(NOW)
        )
        .contains(&"token.refresh_token_as_access"));
    }

    fn with_body(
        token: &str,
        status: u16,
        challenge: Option<&str>,
        body: &str,
    ) -> Vec<&'static str> {
        let auth = format!("Bearer {token}");
        let date = fmt_time(NOW);
        let mut resp = vec![("Date", date.as_str())];
        if let Some(c) = challenge {
            resp.push(("WWW-Authenticate", c));
        }
        let mut ex = exchange(
            "GET",
            "https://api.example.com/v1",
            status,
            &[("Authorization", &auth)],
            &resp,
        );
        ex.response_body = Some(body.into());
        codes(&diagnose(&ex))
    }

    #[test]
    fn the_servers_words_drive_the_finding() {
        let opaque = "Rq3kXz9mP2vL8nW4tY6bC1dF5gH7jK0s";
        // An opaque token refused as expired (RFC 6750 error_description).
        let found = run(
            opaque,
            r#"Bearer error="invalid_token", error_description="The access token expired""#,
            Some(NOW),
        );
        assert_eq!(found[0], "token.expired", "{found:?}");
        // An opaque token refused without a reason is still "refused", not just "opaque".
        let found = run(opaque, r#"Bearer error="invalid_token""#, Some(NOW));
        assert_eq!(found[0], "token.rejected", "{found:?}");
        let found = run(
            opaque,
            r#"Bearer error="invalid_token", error_description="Token has been revoked""#,
            Some(NOW),
        );
        assert_eq!(found[0], "token.rejected", "{found:?}");
        // An audience that is not a URL, refused by the server.
        let token = rs(json!({"aud": "orders-api", "exp": NOW + 3600}));
        assert_eq!(
            with_body(
                &token,
                401,
                None,
                r#"{"message":"jwt audience invalid. expected: billing"}"#
            )[0],
            "token.audience_mismatch"
        );
        // Flask-JWT-Extended answers 422 for a refresh token and a bad signature.
        let token = rs(json!({"exp": NOW + 3600, "sub": "u"}));
        assert_eq!(
            with_body(
                &token,
                422,
                None,
                r#"{"msg":"Only non-refresh tokens are allowed"}"#
            )[0],
            "token.refresh_token_as_access"
        );
        assert_eq!(
            with_body(
                &token,
                422,
                None,
                r#"{"msg":"Signature verification failed"}"#
            )[0],
            "token.rejected"
        );
        // A 422 about something else is no auth failure.
        assert!(with_body(
            &token,
            422,
            None,
            r#"{"detail":[{"msg":"field required"}]}"#
        )
        .is_empty());
        // RFC 6750 §3.1: a 400 with a Bearer challenge is an auth failure.
        assert!(!with_body(&token, 400, Some(r#"Bearer error="invalid_request""#), "").is_empty());
        // The server says expired 1 s past exp: expired.
        let token = rs(json!({"exp": NOW - 1}));
        assert_eq!(
            with_body(&token, 401, None, r#"{"msg":"Token has expired"}"#)[0],
            "token.expired"
        );
    }

    #[test]
    fn an_opaque_token_is_dated_by_its_expires_in() {
        use super::super::Session;
        let mut session = Session::default();
        let mut login = exchange("POST", "https://api.example.com/login/", 200, &[], &[]);
        login.request_body = Some(r#"{"username":"u","password":"p"}"#.into());
        login.response_body = Some(
            r#"{"data":{"accessToken":"Rq3kXz9mP2vL8nW4tY6bC1dF5gH7jK0s","expiresIn":60}}"#.into(),
        );
        assert!(session.diagnose(&login).is_empty());
        let mut call = exchange(
            "GET",
            "https://api.example.com/v1",
            401,
            &[("Authorization", "Bearer Rq3kXz9mP2vL8nW4tY6bC1dF5gH7jK0s")],
            &[("WWW-Authenticate", r#"Bearer error="invalid_token""#)],
        );
        call.started_ms = Some(T0_MS + 120_000);
        let found = codes(&session.diagnose(&call));
        assert_eq!(found[0], "token.expired", "{found:?}");
    }
}
