//! Sign-in flow findings: the [`Break`]s the flow model ([`crate::flow`]) saw on this
//! exchange, in words, with the evidence of the flow's other steps.
//!
//! They complement `oauth` (a token endpoint's §5.2 error on its own): when the traffic
//! tells why the server said `invalid_grant` (the code was already exchanged, the verifier
//! does not match, the redirect_uri changed), the flow's finding is the answer and the
//! bare one yields to it.

use super::{draft, fmt_duration, Draft};
use crate::exchange::Exchange;
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::flow::{Break, ClientAuthMethod, Observed};
use crate::target::Target;

const RFC6749_AUTHZ_ERROR: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1";
const RFC6749_TOKEN_ERROR: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2";

fn at(index: usize) -> String {
    format!("entry:{index}")
}

/// The flow's findings for this exchange, merged into what the other detectors found.
pub(super) fn apply(findings: &mut Vec<Finding>, observed: &Observed, ex: &Exchange) {
    let mut own = Vec::new();
    for b in &observed.breaks {
        word(b, ex, &mut own);
    }
    // The flow explains the server's bare invalid_grant: it yields (and, for the same
    // code, is replaced).
    let explained = own.iter().any(|f| {
        matches!(
            f.code,
            "oauth.pkce_failed" | "oauth.redirect_uri_mismatch" | "oauth.invalid_grant"
        )
    });
    if explained {
        if own.iter().any(|f| f.code == "oauth.invalid_grant") {
            findings.retain(|f| f.code != "oauth.invalid_grant");
        } else {
            for f in findings
                .iter_mut()
                .filter(|f| f.code == "oauth.invalid_grant")
            {
                f.score = f.score.min(85);
            }
        }
    }
    // The same code from the authorization response and from the generic reading: one.
    for f in own {
        if !findings.iter().any(|g| g.code == f.code) {
            findings.push(f);
        }
    }
    enrich_invalid_client(findings, observed);
    super::rank(findings);
}

/// `oauth.invalid_client`: what the server advertises for its token endpoint, beside what
/// the client did (OIDC Discovery §3 `token_endpoint_auth_methods_supported`; the default
/// is client_secret_basic).
fn enrich_invalid_client(findings: &mut [Finding], observed: &Observed) {
    let Some(f) = findings
        .iter_mut()
        .find(|f| f.code == "oauth.invalid_client")
    else {
        return;
    };
    if observed.advertised_auth_methods.is_empty() {
        return;
    }
    let list = observed.advertised_auth_methods.join(", ");
    f.evidence.push(crate::finding::Evidence {
        source: "discovery token_endpoint_auth_methods_supported".into(),
        fact: list.clone().into(),
    });
    if let Some(method) = observed.client_auth {
        let name = match method {
            ClientAuthMethod::PrivateKeyJwt => "private_key_jwt",
            m => m.name(),
        };
        let offered = observed.advertised_auth_methods.iter().any(|m| {
            m == name || (method == ClientAuthMethod::PrivateKeyJwt && m == "client_secret_jwt")
        });
        f.detail.to_mut().push_str(&if offered {
            format!(" The server advertises {list}, which includes the method used: the credentials themselves were refused.")
        } else {
            format!(" The server advertises {list}; the client used {}, which it does not offer.", method.name())
        });
    }
}

fn word(b: &Break, ex: &Exchange, out: &mut Vec<Finding>) {
    let path = Target::parse(&ex.url).map_or("", |t| t.path);
    let here = format!("{} {} → {}", ex.method, path, ex.status);
    match b {
        Break::RedirectUriNotRegistered { redirect_uri, said } => {
            let mut d = draft(
                "oauth.redirect_uri_mismatch",
                if said.is_some() { Likelihood::High } else { Likelihood::Medium },
                if said.is_some() { 93 } else { 86 },
                RFC6749_AUTHZ_ERROR,
                "The redirect_uri is not registered for this client",
            )
            .explain(
                "The app's sign-in address is not set up at the identity provider, so the provider refused to send you back. This is the app's configuration, not your account.",
                if said.is_some() {
                    "The authorization endpoint answered with an error page instead of redirecting: RFC 6749 §4.1.2.1 forbids redirecting to a redirect_uri that does not match the client's registration. It must match a registered URI exactly (scheme, host, port, path, trailing slash).".to_owned()
                } else {
                    format!("The authorization endpoint answered {} on its own page instead of redirecting the error back. RFC 6749 §4.1.2.1 allows that only when the redirect_uri or the client_id is missing, invalid or mismatching: most often the redirect_uri is not registered exactly (scheme, host, port, path, trailing slash); otherwise the client_id is unknown. The page itself was not captured (export the HAR with content to read it).", ex.status)
                },
            )
            .evidence("authorization endpoint", here);
            if said.is_none() {
                d = d.evidence("error page", "not captured; an error the server will not redirect is about the redirect_uri or the client_id (RFC 6749 §4.1.2.1)");
            }
            if let Some(r) = redirect_uri {
                d = d.evidence("authorization request redirect_uri", r.clone());
            }
            if let Some(s) = said {
                d = d.evidence("error page", s.clone());
            }
            d.fix(Effort::Medium, "Developer: register this exact redirect_uri for the client at the provider, or send the one that is registered.", None)
                .fix(Effort::Easy, "Copy a report for support.", Some(Action::CopyReport))
                .push(out);
        }
        Break::RedirectUriDiffers { authorize, token, authorize_index } => {
            draft(
                "oauth.redirect_uri_mismatch",
                Likelihood::High,
                94,
                "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3",
                "The token request's redirect_uri differs from the authorization request's",
            )
            .explain(
                "The app's sign-in could not be completed because of a configuration mistake in the app.",
                format!(
                    "RFC 6749 §4.1.3: when the authorization request included redirect_uri, the token request must include it with an identical value. The server answers invalid_grant. Authorization request: \"{authorize}\"; token request: {}.",
                    token.as_deref().map_or("none".to_owned(), |t| format!("\"{t}\""))
                ),
            )
            .evidence(at(*authorize_index), format!("authorization request redirect_uri={authorize}"))
            .evidence("token request redirect_uri", token.clone().unwrap_or_else(|| "(absent)".into()))
            .fix(Effort::Medium, "Developer: send the same redirect_uri in the token request as in the authorization request.", None)
            .push(out);
        }
        Break::StateMismatch { sent_len, got_len, authorize_index } => {
            let missing = got_len.is_none();
            draft(
                "oauth.state_mismatch",
                Likelihood::High,
                92,
                "https://www.rfc-editor.org/rfc/rfc6749#section-10.12",
                if missing { "The callback has no state" } else { "The callback's state differs from the authorization request's" },
            )
            .explain(
                "The sign-in answer did not match the sign-in that was started, so it must be refused. Start the sign-in again in one tab.",
                format!(
                    "The authorization request sent a state of {sent_len} bytes; the callback {}. RFC 6749 §10.12: the client must check that the state it gets back is the one it bound to the user agent. Usual causes: two sign-ins in parallel (two tabs), the state stored in a cookie or session that was lost (SameSite, a new session on another host name, a server restart), or a provider or proxy that drops it.",
                    match got_len { None => "has none".to_owned(), Some(n) => format!("has another one ({n} bytes)") }
                ),
            )
            .evidence(at(*authorize_index), format!("authorization request state ({sent_len} bytes)"))
            .evidence("callback state", match got_len { None => "absent".to_owned(), Some(n) => format!("differs ({n} bytes)") })
            .fix(Effort::Easy, "Sign in again, in a single tab.", Some(Action::SignIn))
            .fix(Effort::Medium, "Developer: store the state where the callback can read it (a cookie with SameSite=Lax on the callback's host, or the server session), one per sign-in attempt.", None)
            .push(out);
        }
        Break::StateSuperseded { authorize_index, newer_index } => {
            draft(
                "oauth.state_mismatch",
                Likelihood::Medium,
                82,
                "https://www.rfc-editor.org/rfc/rfc6749#section-10.12",
                "The callback answers an earlier sign-in, after a newer one was started",
            )
            .explain(
                "Two sign-ins were started at once (two tabs, or a double click), and the answer to the first arrived after the second began. Sign in again in one tab.",
                format!(
                    "This callback's state is the one of the authorization request at entry {authorize_index}, but another authorization request of the same client and redirect_uri started at entry {newer_index} and has not been answered yet. A client that keeps one state per browser (a cookie or session value overwritten by the newer attempt) refuses this callback as a state mismatch (RFC 6749 §10.12)."
                ),
            )
            .evidence(at(*authorize_index), "the authorization request this callback answers")
            .evidence(at(*newer_index), "a newer authorization request, still waiting")
            .fix(Effort::Easy, "Sign in again, in a single tab.", Some(Action::SignIn))
            .fix(Effort::Medium, "Developer: keep one state (and verifier, nonce) per attempt, keyed by the state value, instead of one per browser.", None)
            .push(out);
        }
        Break::PkceVerifierMissing { challenge, method, authorize_index } => {
            pkce(
                "The token request has no code_verifier, but the authorization request sent a code_challenge",
                format!("The authorization request sent code_challenge={challenge} (method {method}); RFC 7636 §4.5 requires the token request to send the matching code_verifier, and §4.6 the server to refuse without it."),
                *authorize_index,
                challenge,
                None,
            )
            .push(out);
        }
        Break::PkceMismatch { challenge, computed, method, authorize_index } => {
            pkce(
                "The code_verifier does not match the code_challenge",
                format!("RFC 7636 §4.6: the server computes {} from the code_verifier and compares it with the code_challenge. Authorization request: {challenge}; computed from this code_verifier: {computed}. The verifier is not the one the challenge was made from (generated again, or taken from another sign-in attempt).", if method.eq_ignore_ascii_case("S256") { "BASE64URL(SHA256(code_verifier))" } else { "the plain code_verifier" }),
                *authorize_index,
                challenge,
                Some((method.as_str(), computed.as_str())),
            )
            .push(out);
        }
        Break::PkceRequired { said } => {
            draft("oauth.pkce_failed", Likelihood::High, 91, "https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1", "The server requires PKCE and the authorization request had no code_challenge")
                .explain(
                    "The app's sign-in is missing a security step the identity provider requires.",
                    "The authorization request carried no code_challenge, and the server requires PKCE (RFC 7636 §4.4.1; OAuth 2.1 and RFC 9700 §2.1.1 require it for every client).",
                )
                .evidence("authorization endpoint", here)
                .evidence("error page", said.clone())
                .fix(Effort::Medium, "Developer: send code_challenge (S256) in the authorization request and code_verifier in the token request.", None)
                .push(out);
        }
        Break::CodeReused { earlier_index, earlier_succeeded, seconds } => {
            draft("oauth.invalid_grant", Likelihood::High, 93, "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2", "The same authorization code was used twice")
                .explain(
                    "The app tried to complete the same sign-in twice. Sign in again.",
                    format!(
                        "This code was already exchanged at the token endpoint{} ({}). RFC 6749 §4.1.2: a code is single-use; the server must refuse it and should revoke the tokens issued for it. Usual causes: the callback handler ran twice (a page reload, React StrictMode effects, a retry), or two processes handle the same callback.",
                        seconds.map(|s| format!(" {} earlier", fmt_duration(s))).unwrap_or_default(),
                        if *earlier_succeeded { "successfully" } else { "and refused" }
                    ),
                )
                .evidence(at(*earlier_index), format!("the same code, exchanged before ({})", if *earlier_succeeded { "succeeded" } else { "refused" }))
                .evidence("token endpoint", here)
                .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
                .fix(Effort::Medium, "Developer: exchange the code once (guard the callback handler against running twice), and do not retry a failed code exchange.", None)
                .push(out);
        }
        Break::CodeExpired { seconds, callback_index } => {
            draft("oauth.invalid_grant", Likelihood::Medium, 88, "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2", "The authorization code had probably expired")
                .explain(
                    "The sign-in took too long to complete. Sign in again.",
                    format!("The code was exchanged {} after the callback. RFC 6749 §4.1.2 recommends codes live 10 minutes at most; servers use far less (oidc-provider and Keycloak: 60 s).", fmt_duration(*seconds)),
                )
                .evidence(at(*callback_index), "the callback that carried the code")
                .evidence("token endpoint", here)
                .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
                .fix(Effort::Medium, "Developer: exchange the code as soon as the callback arrives.", None)
                .push(out);
        }
        Break::RefreshReused { earlier_index } => refresh(
            "A refresh token was used twice",
            "This refresh token was already spent by a successful refresh: with refresh-token rotation (RFC 9700 §4.14.2) a used refresh token is invalid, and its reuse may revoke the whole grant.",
            (at(*earlier_index), "the same refresh token, spent successfully".into()),
            here,
        )
        .push(out),
        Break::RefreshRotated { newer_index } => refresh(
            "The refresh token was rotated away",
            "A newer refresh token was issued after this one (by a later refresh or sign-in in this flow): with rotation (RFC 9700 §4.14.2) the older one is invalid.",
            (at(*newer_index), "issued the newer refresh token".into()),
            here,
        )
        .push(out),
        Break::RefreshRevoked { revoked_index } => refresh(
            "The refresh token was revoked",
            "This refresh token was revoked earlier in the session (RFC 7009 §2.1), for example at sign-out.",
            (at(*revoked_index), "revocation of this token".into()),
            here,
        )
        .push(out),
        Break::AuthorizationError { error, description, uri, at_callback } => {
            authorization_error(error, description.as_deref(), uri.as_deref(), *at_callback, here, out);
        }
        Break::NonceMismatch { missing, authorize_index } => {
            draft("oidc.nonce_mismatch", Likelihood::High, 90, "https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation", if *missing { "The ID token has no nonce, but the request sent one" } else { "The ID token's nonce differs from the request's" })
                .explain(
                    "The sign-in answer does not belong to this sign-in attempt, so it must be refused. Sign in again.",
                    "OIDC Core §3.1.3.7 (11): when the authentication request had a nonce, the ID token's nonce claim must be identical. A different one means a replayed or mixed-up response (two sign-ins in parallel, a nonce stored in a lost session).",
                )
                .evidence(at(*authorize_index), "authorization request nonce")
                .evidence("ID token claim nonce", if *missing { "absent" } else { "differs" })
                .fix(Effort::Easy, "Sign in again, in a single tab.", Some(Action::SignIn))
                .fix(Effort::Medium, "Developer: keep the nonce with the state of the same attempt, and compare it with the ID token's.", None)
                .push(out);
        }
        Break::IssuerMismatch { source, expected, found } => {
            let (title, why) = match *source {
                "discovery" => ("Discovery's issuer is not the URL it was fetched from", "OIDC Discovery §4.3 (and RFC 8414 §3.3): the issuer in the document must be identical to the issuer URL the discovery URL was built from; clients must refuse it otherwise."),
                "callback" => ("The authorization response's iss is not the expected issuer", "RFC 9207 §2.4: the iss parameter of the authorization response must be the issuer the request was sent to (a mix-up attack, or a wrong environment)."),
                _ => ("The ID token's iss is not the issuer from discovery", "OIDC Core §3.1.3.7 (2): the ID token's iss must exactly match the issuer from discovery (a trailing slash counts, and so does http vs https or another host name behind a proxy)."),
            };
            draft("oidc.issuer_mismatch", Likelihood::High, 89, "https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation", title)
                .explain(
                    "The identity provider's configuration does not agree with itself, so the app refuses the sign-in. This is a configuration problem of the provider or the app.",
                    format!("{why} Expected \"{expected}\", found \"{found}\"."),
                )
                .evidence("expected issuer", expected.clone())
                .evidence(format!("{source} issuer"), found.clone())
                .fix(Effort::Medium, "Developer: configure the provider's public issuer URL (behind a proxy: its external URL), and the same issuer in the client.", None)
                .push(out);
        }
        Break::Implicit { response_type } => {
            draft("oauth.implicit_deprecated", Likelihood::Low, 40, "https://www.rfc-editor.org/rfc/rfc9700#section-2.1.2", "The implicit flow is deprecated")
                .explain(
                    "This app signs in with an old method that current security advice says to replace.",
                    format!("response_type={response_type} returns the access token in the URL fragment, where it can leak (history, Referer, injected scripts) and cannot be bound to the client. RFC 9700 §2.1.2 says not to use it; OAuth 2.1 removes it."),
                )
                .evidence("response_type", response_type.clone())
                .fix(Effort::Hard, "Developer: switch to the authorization code flow with PKCE (response_type=code).", None)
                .push(out);
        }
    }
}

fn pkce(
    title: &str,
    detail: String,
    authorize_index: usize,
    challenge: &str,
    computed: Option<(&str, &str)>,
) -> Draft {
    let mut d = draft("oauth.pkce_failed", Likelihood::High, 95, "https://www.rfc-editor.org/rfc/rfc7636#section-4.6", title.to_owned())
        .explain(
            "The app's sign-in failed a security check between its two halves. This is a bug in the app. Signing in again may help.",
            detail,
        )
        .evidence(at(authorize_index), format!("authorization request code_challenge={challenge}"));
    if let Some((method, computed)) = computed {
        d = d.evidence(
            format!("token request code_verifier ({method})"),
            format!("computes to {computed}"),
        );
    } else {
        d = d.evidence("token request code_verifier", "absent");
    }
    d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
        .fix(Effort::Medium, "Developer: keep the code_verifier of this attempt (with its state) and send it unchanged in the token request.", None)
}

fn refresh(title: &str, why: &str, earlier: (String, String), here: String) -> Draft {
    draft("oauth.invalid_grant", Likelihood::High, 92, "https://www.rfc-editor.org/rfc/rfc6749#section-6", title.to_owned())
        .explain("Your sign-in could not be renewed. Sign in again.", why.to_owned())
        .evidence(earlier.0, earlier.1)
        .evidence("token endpoint", here)
        .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
        .fix(Effort::Medium, "Client: serialise refreshes, store the rotated refresh token before using it, and never retry a refresh with the old one.", None)
}

/// An error the authorization endpoint sent back (RFC 6749 §4.1.2.1, §4.2.2.1; OIDC Core
/// §3.1.2.6), or showed on its own page.
fn authorization_error(
    error: &str,
    description: Option<&str>,
    uri: Option<&str>,
    at_callback: bool,
    here: String,
    out: &mut Vec<Finding>,
) {
    let said = description
        .map(|d| format!(": \"{d}\""))
        .unwrap_or_default();
    let lower = description.unwrap_or("").to_ascii_lowercase();
    let grant_refused = lower.contains("response_type")
        && (lower.contains("not allowed")
            || lower.contains("not permitted")
            || lower.contains("unauthorized"));
    let (code, score, title, user, fix): (&'static str, u32, String, &str, &str) = match error {
        "access_denied" => ("oauth.access_denied", 90, "The sign-in was declined".into(), "The sign-in was cancelled, or the provider did not allow it (consent refused, or a policy such as an unassigned user or a blocked sign-in).", "Sign in again and accept; if it was not you who declined, ask the administrator whether your account may use this app."),
        "invalid_scope" => ("oauth.invalid_scope", 88, "A scope was requested that this client may not have".into(), "The app asked for a permission it is not set up to get.", "Developer: remove the scope from the request, or allow it for the client at the provider."),
        "unauthorized_client" | "unsupported_response_type" => ("oauth.unauthorized_client", 88, "This client may not use this kind of sign-in".into(), "The app is not set up to sign in this way at its identity provider.", "Developer: enable this response type / grant for the client at the provider, or use one it allows."),
        _ if grant_refused => ("oauth.unauthorized_client", 88, "This client may not use this kind of sign-in".into(), "The app is not set up to sign in this way at its identity provider.", "Developer: enable this response type / grant for the client at the provider, or use one it allows."),
        "invalid_client" => ("oauth.invalid_client", 90, "The authorization server does not know this client".into(), "The app is not set up correctly at its identity provider.", "Developer: check the client_id (and the environment: a client of staging sent to production)."),
        _ => ("oauth.error", 84, format!("The authorization server answered {error}"), "The identity provider refused the sign-in request.", "Developer: fix the authorization request as the error says."),
    };
    let mut d = draft(code, Likelihood::High, score, RFC6749_AUTHZ_ERROR, title)
        .explain(
            user,
            format!(
                "{error}{said}, {} (RFC 6749 §4.1.2.1).",
                if at_callback {
                    "sent back to the callback"
                } else {
                    "shown on the authorization server's own page"
                }
            ),
        )
        .evidence(
            if at_callback {
                "callback error"
            } else {
                "error page"
            },
            error.to_owned(),
        )
        .evidence(
            if at_callback {
                "callback"
            } else {
                "authorization endpoint"
            },
            here,
        );
    if let Some(desc) = description {
        d = d.evidence(
            if at_callback {
                "callback error_description"
            } else {
                "error page text"
            },
            desc.to_owned(),
        );
    }
    if let Some(u) = uri {
        d = d.evidence("callback error_uri", u.to_owned());
    }
    let d = if code == "oauth.access_denied" {
        d.fix(Effort::Easy, fix, Some(Action::SignIn))
    } else {
        d.fix(Effort::Medium, fix, None)
    };
    d.fix(
        Effort::Easy,
        "Copy a report for support.",
        Some(Action::CopyReport),
    )
    .push(out);
}

/// The failing request after a broken flow: the flow's break is the likely reason.
pub(super) fn after_broken(
    flow: &crate::flow::Flow,
    ex: &Exchange,
    findings: &[Finding],
    out: &mut Vec<Finding>,
) {
    let Some(broken) = &flow.broken else {
        return;
    };
    let sent_credentials = ex.request_header("Authorization").is_some();
    let likely = if sent_credentials {
        Likelihood::Medium
    } else {
        Likelihood::High
    };
    let _ = findings;
    draft(
        "pattern.flow_broken",
        likely,
        if sent_credentials { 75 } else { 94 },
        broken_spec(broken.code),
        format!("The sign-in before this request failed: {}", broken.title),
    )
    .explain(
        "This request failed because the sign-in before it did not complete. Fix the sign-in first.",
        format!(
            "Sign-in flow {} broke at entry {} ({}); this request {} no token that flow issued.",
            flow.id,
            broken.index,
            broken.code,
            if sent_credentials { "carries" } else { "carries no credentials, and" }
        ),
    )
    .evidence(at(broken.index), format!("{}: {}", broken.code, broken.title))
    .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
    .fix(Effort::Medium, "See the finding on the flow's broken step.", None)
    .push(out);
}

fn broken_spec(code: &str) -> &'static str {
    match code {
        "oauth.pkce_failed" => "https://www.rfc-editor.org/rfc/rfc7636#section-4.6",
        "oauth.state_mismatch" => "https://www.rfc-editor.org/rfc/rfc6749#section-10.12",
        c if c.starts_with("oidc.") => {
            "https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation"
        }
        c if c.starts_with("oauth.") => RFC6749_TOKEN_ERROR,
        _ => RFC6749_AUTHZ_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, exchange, jwt, T0_MS};
    use super::super::Session;
    use crate::exchange::{Exchange, Header};
    use crate::finding::FlowRole;
    use crate::flow::{s256, StepKind};
    use serde_json::json;

    const AS: &str = "https://as.example";
    const CB: &str = "https://app.example/cb";
    // The challenge computed independently: base64.urlsafe_b64encode(hashlib.sha256(v).digest()).
    const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc";

    fn at(mut ex: Exchange, seconds: i64) -> Exchange {
        ex.started_ms = Some(T0_MS + seconds * 1000);
        ex
    }

    fn authorize(extra: &str) -> Exchange {
        let url = format!(
            "{AS}/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid&state=st-1&nonce=n-1&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}"
        );
        exchange("GET", &url, 302, &[], &[("Location", "/login?uid=1")])
    }

    fn login_page() -> Exchange {
        let mut ex = exchange(
            "GET",
            &format!("{AS}/login?uid=1"),
            200,
            &[],
            &[
                ("Content-Type", "text/html"),
                ("Set-Cookie", "as_session=abc; Path=/login; HttpOnly"),
            ],
        );
        ex.response_body = Some("<form><input type=\"password\" name=\"pw\"></form>".into());
        ex
    }

    fn callback(query: &str) -> Exchange {
        exchange(
            "GET",
            &format!("{CB}?{query}"),
            200,
            &[],
            &[("Content-Type", "text/html")],
        )
    }

    fn token(body: &str, status: u16, answer: &str) -> Exchange {
        let mut ex = exchange(
            "POST",
            &format!("{AS}/token"),
            status,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &[("Content-Type", "application/json")],
        );
        ex.request_body = Some(body.into());
        ex.response_body = Some(answer.into());
        ex
    }

    fn code_body(code: &str, verifier: &str) -> String {
        format!("grant_type=authorization_code&code={code}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=app&code_verifier={verifier}")
    }

    const BAD_GRANT: &str =
        r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#;

    fn started(session: &mut Session) {
        assert!(session.diagnose(&authorize("")).is_empty());
        assert!(session.diagnose(&login_page()).is_empty());
    }

    #[test]
    fn s256_matches_python_hashlib() {
        assert_eq!(s256(VERIFIER), CHALLENGE);
    }

    #[test]
    fn a_healthy_code_flow_is_one_flow_and_raises_nothing() {
        let mut s = Session::default();
        started(&mut s);
        assert!(s.diagnose(&callback("code=c-1&state=st-1")).is_empty());
        let id_token = jwt(
            json!({"alg": "RS256"}),
            json!({"iss": AS, "nonce": "n-1", "aud": "app"}),
        );
        let answer = json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token, "refresh_token": "rt-1"}).to_string();
        assert!(s
            .diagnose(&token(&code_body("c-1", VERIFIER), 200, &answer))
            .is_empty());
        let api = exchange(
            "GET",
            "https://api.example/me",
            200,
            &[("Authorization", "Bearer at-1")],
            &[],
        );
        assert!(s.diagnose(&api).is_empty());
        let flows: Vec<_> = s.flows().flows().collect();
        assert_eq!(flows.len(), 1, "{flows:?}");
        let kinds: Vec<StepKind> = flows[0].steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StepKind::Authorize,
                StepKind::Login,
                StepKind::Callback,
                StepKind::Token,
                StepKind::Api
            ]
        );
        assert_eq!(flows[0].client_id.as_deref(), Some("app"));
        assert_eq!(flows[0].grant.as_deref(), Some("authorization_code"));
        assert!(flows[0].broken.is_none());
        // Secrets are masked on the steps; the code never appears in full.
        let shown = serde_json::to_string(&flows[0]).unwrap();
        for secret in ["c-1", "at-1", "rt-1", VERIFIER, "st-1"] {
            assert!(
                !shown.contains(&format!("\"{secret}\"")),
                "{secret} in {shown}"
            );
        }
        assert!(!shown.contains(VERIFIER));
    }

    #[test]
    fn a_changed_or_missing_state_is_a_state_mismatch_on_the_callback() {
        for query in ["code=c-1&state=other", "code=c-1"] {
            let mut s = Session::default();
            started(&mut s);
            let found = s.diagnose(&callback(query));
            assert_eq!(
                codes(&found).first(),
                Some(&"oauth.state_mismatch"),
                "{query}: {found:?}"
            );
            let link = found[0].flow.as_ref().unwrap();
            assert_eq!(link.role, FlowRole::Step);
            assert_eq!(link.broken_at, Some(2));
            assert_eq!(link.steps, [0, 1]);
        }
    }

    #[test]
    fn a_callback_for_a_superseded_sign_in_is_a_possible_state_mismatch() {
        let mut s = Session::default();
        s.diagnose(&authorize(""));
        let second = authorize("").url.replace("state=st-1", "state=st-2");
        s.diagnose(&exchange(
            "GET",
            &second,
            302,
            &[],
            &[("Location", "/login?uid=2")],
        ));
        let found = s.diagnose(&callback("code=c-1&state=st-1"));
        assert_eq!(codes(&found), ["oauth.state_mismatch"]);
        assert_eq!(found[0].likelihood, crate::finding::Likelihood::Medium);
        assert!(found[0].evidence.iter().any(|e| e.source == "entry:1"));
        // The newer one's own callback is fine.
        assert!(s.diagnose(&callback("code=c-2&state=st-2")).is_empty());
    }

    #[test]
    fn a_wrong_or_missing_verifier_is_pkce_failed_with_the_computed_s256() {
        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        let found = s.diagnose(&token(
            &code_body("c-1", "another-verifier-of-forty-three-characters-xx"),
            400,
            BAD_GRANT,
        ));
        assert_eq!(
            codes(&found)[..2],
            ["oauth.pkce_failed", "oauth.invalid_grant"]
        );
        let computed = s256("another-verifier-of-forty-three-characters-xx");
        assert!(
            found[0].evidence.iter().any(|e| e.fact.contains(&computed)),
            "{:?}",
            found[0].evidence
        );
        assert!(found[0].evidence.iter().any(|e| e.fact.contains(CHALLENGE)));

        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        let body = "grant_type=authorization_code&code=c-1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&client_id=app";
        let found = s.diagnose(&token(body, 400, BAD_GRANT));
        assert_eq!(codes(&found)[0], "oauth.pkce_failed");
        assert!(found[0].title.contains("no code_verifier"));
    }

    #[test]
    fn a_code_exchanged_twice_is_told_apart_from_other_invalid_grants() {
        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        assert!(s
            .diagnose(&token(
                &code_body("c-1", VERIFIER),
                200,
                r#"{"access_token":"at-1","token_type":"Bearer"}"#
            ))
            .is_empty());
        let found = s.diagnose(&at(token(&code_body("c-1", VERIFIER), 400, BAD_GRANT), 2));
        assert_eq!(codes(&found), ["oauth.invalid_grant"]);
        assert_eq!(found[0].title, "The same authorization code was used twice");
        assert!(found[0].evidence.iter().any(|e| e.source == "entry:3"));
        // An expired code: the exchange came 5 minutes after the callback.
        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        let found = s.diagnose(&at(token(&code_body("c-1", VERIFIER), 400, BAD_GRANT), 300));
        assert_eq!(
            found[0].title,
            "The authorization code had probably expired"
        );
    }

    #[test]
    fn redirect_uri_not_registered_or_changed() {
        let mut s = Session::default();
        let mut ex = authorize("");
        ex.status = 400;
        ex.response_headers = vec![Header {
            name: "Content-Type".into(),
            value: "text/html".into(),
        }];
        ex.response_body = Some("<h1>oops! something went wrong</h1><pre>error: invalid_redirect_uri\nerror_description: redirect_uri did not match any of the client's registered redirect_uris</pre>".into());
        let found = s.diagnose(&ex);
        assert_eq!(
            codes(&found).first(),
            Some(&"oauth.redirect_uri_mismatch"),
            "{found:?}"
        );
        assert_eq!(
            s.flows().flows().next().unwrap().steps[0].kind,
            StepKind::AuthorizeError
        );

        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        let body = format!("grant_type=authorization_code&code=c-1&redirect_uri=https%3A%2F%2Fapp.example%2Fother&client_id=app&code_verifier={VERIFIER}");
        let found = s.diagnose(&token(&body, 400, BAD_GRANT));
        assert_eq!(codes(&found)[0], "oauth.redirect_uri_mismatch");
    }

    #[test]
    fn callback_errors_are_named() {
        for (query, code) in [
            ("error=access_denied&error_description=End-User%20aborted%20interaction&state=st-1", "oauth.access_denied"),
            ("error=invalid_scope&error_description=requested%20scope%20is%20not%20allowed&state=st-1", "oauth.invalid_scope"),
            ("error=unauthorized_client&state=st-1", "oauth.unauthorized_client"),
            ("error=invalid_request&error_description=requested%20response_type%20is%20not%20allowed%20for%20this%20client&state=st-1", "oauth.unauthorized_client"),
            ("error=login_required&state=st-1", "oauth.error"),
        ] {
            let mut s = Session::default();
            started(&mut s);
            let found = s.diagnose(&callback(query));
            assert_eq!(codes(&found), [code], "{query}");
        }
        // form_post: the same parameters in the body of a POST to the redirect_uri.
        let mut s = Session::default();
        started(&mut s);
        let mut post = exchange(
            "POST",
            CB,
            200,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &[],
        );
        post.request_body = Some("error=access_denied&state=st-1".into());
        assert_eq!(codes(&s.diagnose(&post)), ["oauth.access_denied"]);
    }

    #[test]
    fn nonce_and_issuer_are_checked() {
        let mut s = Session::default();
        let mut discovery = exchange(
            "GET",
            &format!("{AS}/.well-known/openid-configuration"),
            200,
            &[],
            &[("Content-Type", "application/json")],
        );
        discovery.response_body = Some(json!({"issuer": AS, "authorization_endpoint": format!("{AS}/authorize"), "token_endpoint": format!("{AS}/token"), "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"]}).to_string());
        assert!(s.diagnose(&discovery).is_empty());
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=st-1"));
        let id_token = jwt(
            json!({"alg": "RS256"}),
            json!({"iss": "https://as.example/other", "nonce": "n-2"}),
        );
        let answer = json!({"access_token": "at-1", "token_type": "Bearer", "id_token": id_token})
            .to_string();
        let found = s.diagnose(&token(&code_body("c-1", VERIFIER), 200, &answer));
        assert_eq!(
            codes(&found),
            ["oidc.nonce_mismatch", "oidc.issuer_mismatch"]
        );

        // Discovery whose issuer is not the URL it came from.
        let mut bad = discovery.clone();
        bad.response_body = Some(json!({"issuer": "http://as.example"}).to_string());
        assert_eq!(
            codes(&Session::default().diagnose(&bad)),
            ["oidc.issuer_mismatch"]
        );

        // invalid_client says what the server advertises.
        let mut s = Session::default();
        s.diagnose(&discovery);
        let found = s.diagnose(&token(
            "grant_type=client_credentials&client_id=app&client_secret=wrong",
            401,
            r#"{"error":"invalid_client"}"#,
        ));
        assert_eq!(found[0].code, "oauth.invalid_client");
        assert!(found[0]
            .evidence
            .iter()
            .any(|e| e.fact == "client_secret_basic, private_key_jwt"));
        assert!(
            found[0].detail.contains("does not offer"),
            "{}",
            found[0].detail
        );
    }

    #[test]
    fn the_implicit_flow_is_flagged_from_the_fragment() {
        let mut s = Session::default();
        let url = format!("{AS}/authorize?response_type=token&client_id=spa&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=st-1");
        let ex = exchange(
            "GET",
            &url,
            302,
            &[],
            &[(
                "Location",
                "https://app.example/cb#access_token=at-9&token_type=Bearer&state=st-1",
            )],
        );
        assert_eq!(codes(&s.diagnose(&ex)), ["oauth.implicit_deprecated"]);
        // The fragment's state is checked too.
        let mut s = Session::default();
        let ex = exchange(
            "GET",
            &url,
            302,
            &[],
            &[(
                "Location",
                "https://app.example/cb#access_token=at-9&state=forged",
            )],
        );
        assert_eq!(
            codes(&s.diagnose(&ex)),
            ["oauth.state_mismatch", "oauth.implicit_deprecated"]
        );
    }

    #[test]
    fn the_api_call_after_a_broken_flow_points_back_and_login_cookies_do_not_mislead() {
        let mut s = Session::default();
        started(&mut s);
        s.diagnose(&callback("code=c-1&state=other"));
        // The app's own API, on the AS's host (one site): no Authorization, 401.
        let mut api = at(
            exchange(
                "GET",
                &format!("{AS}/api/me"),
                401,
                &[],
                &[("Content-Type", "application/json")],
            ),
            5,
        );
        api.response_body = Some(r#"{"error":"not signed in"}"#.into());
        let found = s.diagnose(&api);
        assert_eq!(found[0].code, "pattern.flow_broken", "{found:?}");
        let link = found[0].flow.as_ref().unwrap();
        assert_eq!((link.role, link.broken_at), (FlowRole::After, Some(2)));
        // The AS's login cookie (Path=/login) is not "a cookie that was not sent".
        assert!(
            !codes(&found).contains(&"session.cookie_not_sent"),
            "{found:?}"
        );
    }

    #[test]
    fn refresh_tokens_rotated_away_or_revoked() {
        let mut s = Session::default();
        s.diagnose(&token(
            "grant_type=client_credentials&client_id=app",
            200,
            r#"{"access_token":"at-1","refresh_token":"rt-1"}"#,
        ));
        s.diagnose(&token(
            "grant_type=refresh_token&refresh_token=rt-1&client_id=app",
            200,
            r#"{"access_token":"at-2","refresh_token":"rt-2"}"#,
        ));
        // rt-1 was spent: reuse.
        let found = s.diagnose(&token(
            "grant_type=refresh_token&refresh_token=rt-1&client_id=app",
            400,
            BAD_GRANT,
        ));
        assert_eq!(found[0].title, "A refresh token was used twice");

        let mut s = Session::default();
        s.diagnose(&token(
            "grant_type=client_credentials&client_id=app",
            200,
            r#"{"access_token":"at-1","refresh_token":"rt-1"}"#,
        ));
        let mut revoke = token(
            "token=rt-1&token_type_hint=refresh_token&client_id=app",
            200,
            "",
        );
        revoke.url = format!("{AS}/token/revocation");
        assert!(s.diagnose(&revoke).is_empty());
        let found = s.diagnose(&token(
            "grant_type=refresh_token&refresh_token=rt-1&client_id=app",
            400,
            BAD_GRANT,
        ));
        assert_eq!(found[0].title, "The refresh token was revoked");
        let kinds: Vec<StepKind> = s
            .flows()
            .flows()
            .next()
            .unwrap()
            .steps
            .iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            kinds,
            [StepKind::Token, StepKind::Revocation, StepKind::Refresh]
        );
    }

    #[test]
    fn hostile_callbacks_never_panic_and_stay_bounded() {
        let mut s = Session::default();
        started(&mut s);
        let huge = "s".repeat(1 << 20);
        for query in [
            format!("code=c&state={huge}"),
            "%zz=%&&&=&state".into(),
            "state=%F0%9F&code=%".into(),
            format!("error={huge}"),
        ] {
            let found = s.diagnose(&callback(&query));
            for f in &found {
                assert!(
                    f.detail.len() < 4096 && f.evidence.iter().all(|e| e.fact.len() < 1024),
                    "{}",
                    f.code
                );
            }
        }
        for _ in 0..200 {
            s.diagnose(&authorize(""));
        }
        assert!(s.flows().flows().count() <= crate::flow::MAX_FLOWS);
        assert!(s
            .flows()
            .flows()
            .all(|f| f.steps.len() <= crate::flow::MAX_STEPS));
    }
}
