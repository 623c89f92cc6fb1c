//! `challenge.*` and `status.*`: what the server said, and what its status means.

use serde_json::Value;

use super::words::Meaning;
use super::{draft, Context};
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::schemes::SchemeView;

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    missing(cx, out);
    malformed(cx, out);
    for view in &cx.views {
        match view {
            SchemeView::Digest(d) if d.stale => draft(
                "challenge.digest_stale",
                Likelihood::High,
                85,
                "https://www.rfc-editor.org/rfc/rfc7616#section-3.3",
                "Digest nonce expired (stale=true): retry with the new nonce",
            )
            .explain(
                "Your password was accepted, but the sign-in attempt was too old. Trying again should work.",
                "The server answered Digest with stale=true: the response digest was valid but computed with an expired nonce. The client must retry with the new nonce without asking the user again (RFC 7616 §3.3).",
            )
            .evidence("WWW-Authenticate", "Digest stale=true")
            .fix(Effort::Easy, "Replay the request: the browser will use the new nonce.", Some(Action::Replay))
            .fix(Effort::Medium, "Client: on stale=true, recompute with the new nonce instead of failing.", None)
            .push(out),
            _ => {}
        }
    }
    let error = cx.challenge_error();
    if error == Some("use_dpop_nonce") {
        let nonce = ex.response_header("DPoP-Nonce");
        draft(
            "challenge.dpop_nonce",
            Likelihood::High,
            88,
            "https://www.rfc-editor.org/rfc/rfc9449#section-9",
            "The server requires a DPoP nonce in the proof",
        )
        .explain(
            "The app needs to retry once with a value the server just provided. This is part of normal operation.",
            "The resource answered error=\"use_dpop_nonce\" (RFC 9449 §9): the DPoP proof must carry the nonce from the DPoP-Nonce response header. Retry with a fresh proof that includes it.",
        )
        .evidence("DPoP-Nonce", if nonce.is_some() { "present on the response" } else { "missing, although the error asks for it" })
        .evidence("DPoP", if ex.request_header("DPoP").is_some() { "a proof was sent" } else { "no proof was sent" })
        .fix(Effort::Medium, "Client: read DPoP-Nonce, put it in the proof's nonce claim, and retry once.", None)
        .push(out);
    }
    let step_up = cx.views.iter().find_map(|v| match v {
        SchemeView::Bearer(b)
            if b.error.as_deref() == Some("insufficient_user_authentication")
                || !b.acr_values.is_empty()
                || b.max_age.is_some() =>
        {
            Some(b)
        }
        _ => None,
    });
    if let Some(b) = step_up {
        let mut d = draft(
            "challenge.step_up",
            Likelihood::High,
            86,
            "https://www.rfc-editor.org/rfc/rfc9470#section-3",
            "A stronger or more recent sign-in is required (step-up)",
        )
        .explain(
            "This action needs you to confirm your identity again, for example with a second factor.",
            "The resource asks for step-up authentication (RFC 9470): get a new token from the authorization server with the requested acr_values and/or max_age.",
        );
        if !b.acr_values.is_empty() {
            d = d.evidence(
                "WWW-Authenticate",
                format!("acr_values=\"{}\"", b.acr_values.join(" ")),
            );
        }
        if let Some(max_age) = b.max_age {
            d = d.evidence("WWW-Authenticate", format!("max_age={max_age} s"));
        }
        d.fix(
            Effort::Easy,
            "Sign in again (with the stronger method if asked).",
            Some(Action::SignIn),
        )
        .fix(
            Effort::Medium,
            "Client: pass acr_values/max_age from the challenge to the authorization request.",
            None,
        )
        .push(out);
    }
    let claims = cx.views.iter().find_map(|v| match v {
        SchemeView::Bearer(b)
            if b.error.as_deref() == Some("insufficient_claims") || b.claims.is_some() =>
        {
            Some(b)
        }
        _ => None,
    });
    if let Some(b) = claims {
        let mut d = draft(
            "challenge.claims",
            Likelihood::High,
            85,
            "https://learn.microsoft.com/entra/identity-platform/claims-challenge",
            "A claims challenge: the token lacks claims the resource requires",
        )
        .explain(
            "Your organisation's policy requires you to sign in again (for example from a managed device or with MFA).",
            "The resource answered error=\"insufficient_claims\" with a claims challenge (Entra Conditional Access / CAE). Request a new token, passing the decoded claims value to the authorization request.",
        );
        if let Some(claims) = &b.claims {
            d = d.evidence("WWW-Authenticate claims", compact(claims));
        }
        d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
            .fix(
                Effort::Medium,
                "Client (MSAL): acquire a token with .WithClaims(claims) from the challenge.",
                None,
            )
            .push(out);
    }
    negotiate(cx, out);
    statuses(cx, out);
}

fn compact(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}

/// RFC 9110 §15.5.2: a 401 "MUST send a WWW-Authenticate header field containing at least
/// one challenge"; §15.5.8 says the same of 407 and Proxy-Authenticate.
fn missing(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    if !matches!(ex.status, 401 | 407) || !cx.challenges.challenges.is_empty() {
        return;
    }
    let header = cx.challenge_header;
    let present = ex.response_header(header).is_some();
    let mut d = draft(
        "challenge.missing",
        Likelihood::Medium,
        40,
        if ex.status == 401 {
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2"
        } else {
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.8"
        },
        format!("{} without a {header} challenge", ex.status),
    )
    .explain(
        "The server refused the request but did not say how to sign in.",
        format!(
            "A {} response must carry at least one challenge in {header} (RFC 9110 §15.5.{}). {}",
            ex.status,
            if ex.status == 401 { 2 } else { 8 },
            if present {
                "The header is present but holds no parsable challenge."
            } else {
                "The header is absent; the reason may be in the response body."
            }
        ),
    )
    .evidence(
        header,
        if present {
            "present, no challenge parsed"
        } else {
            "absent"
        },
    );
    if let Some(reason) = body_error(ex.response_body.as_deref()) {
        d = d.evidence("response body", reason);
    }
    d.fix(
        Effort::Medium,
        format!(
            "Server: send `{header}` with the scheme the API expects, e.g. `Bearer realm=\"api\"`."
        ),
        None,
    )
    .push(out);
}

/// The error a JSON or problem+json (RFC 9457) body gives, in a few words.
pub(super) fn body_error(body: Option<&str>) -> Option<String> {
    let value: Value = serde_json::from_str(body?).ok()?;
    let object = value.as_object()?;
    let parts: Vec<String> = [
        "error",
        "title",
        "error_description",
        "detail",
        "message",
        "code",
    ]
    .iter()
    .filter_map(|k| {
        let v = object.get(*k)?;
        let text = v
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string());
        Some(format!(
            "{k}: {}",
            text.chars().take(120).collect::<String>()
        ))
    })
    .take(3)
    .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn malformed(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Only errors: a warning (obs-fold, a repeated parameter, Digest without a nonce) still
    // parses as written, and is shown with the challenge, not offered as a cause.
    let Some(first) = cx.challenges.problems.iter().find(|p| p.is_error()) else {
        return;
    };
    let header = cx.challenge_header;
    let line = first
        .field
        .map(|f| format!(" of line {}", f + 1))
        .unwrap_or_default();
    draft(
        "challenge.malformed",
        Likelihood::Medium,
        35,
        "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1",
        format!("The {header} header is malformed"),
    )
    .explain(
        "The server's sign-in instructions are garbled, so the app may not understand them.",
        format!(
            "{header} does not follow the RFC 9110 §11 grammar: at byte {}{line}: {}. Clients may ignore the challenge or read it differently.",
            first.offset, first.message
        ),
    )
    .evidence(header, format!("byte {}{line}: {}", first.offset, first.message))
    .fix(Effort::Medium, "Server: fix the header (quote values that contain separators; one scheme per challenge).", None)
    .push(out);
}

fn negotiate(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let offered = cx
        .views
        .iter()
        .any(|v| matches!(v, SchemeView::Negotiate(_) | SchemeView::Ntlm(_)));
    if !offered || cx.exchange.status != 401 {
        return;
    }
    let sent = cx.sent_scheme("Negotiate") || cx.sent_scheme("NTLM");
    draft(
        "challenge.negotiate",
        if sent { Likelihood::Medium } else { Likelihood::Low },
        if sent { 62 } else { 30 },
        "https://www.rfc-editor.org/rfc/rfc4559#section-4",
        if sent {
            "Windows sign-in (Kerberos/NTLM) was attempted and refused"
        } else {
            "The server asks for Windows sign-in (Negotiate/NTLM)"
        },
    )
    .explain(
        "This site uses your Windows/company sign-in. It only works on the company network, on a managed device, and in a browser set up for it.",
        if sent {
            "Negotiate credentials were sent and refused: the Kerberos ticket may be for the wrong SPN (check the host name and DNS), expired, or the server's keytab is out of date."
        } else {
            "The first 401 of a Negotiate handshake is normal; if it persists, the browser is not allowed to send Kerberos/NTLM to this host (Chrome AuthServerAllowlist, Firefox network.negotiate-auth.trusted-uris) or has no ticket (kinit / domain login)."
        },
    )
    .evidence(cx.challenge_header, "offers Negotiate/NTLM")
    .evidence(cx.credentials_header, if sent { "Negotiate/NTLM sent" } else { "no Negotiate/NTLM credentials sent" })
    .fix(Effort::Medium, "Allow this host for integrated authentication in the browser policy, and make sure you have a Kerberos ticket.", None)
    .push(out);
}

fn statuses(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    match ex.status {
        // A 403 to a request that carried nothing is "not signed in": auth.missing.
        403 if cx.auth_style() == super::AuthStyle::Nothing || cx.preflight => {}
        // RFC 6750 §3.1: insufficient_scope answers 403; a token with the scope would
        // pass, so "signing in again will not help" would be wrong advice.
        403 if cx.challenge_error() == Some("insufficient_scope") => {}
        // The server's words say nobody was recognised ("Authentication credentials were
        // not provided", "Invalid username/password"): not "signed in but not allowed".
        403 if cx.server_says(Meaning::Missing).is_some() || cx.server_says(Meaning::Credentials).is_some() => {}
        403 => draft(
            "status.forbidden",
            Likelihood::Medium,
            45,
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
            "403 Forbidden: signed in, but not allowed",
        )
        .explain(
            "You are signed in, but your account is not allowed to do this. Signing in again will not help; ask for access.",
            "A 403 means the server understood who is asking and refuses anyway (RFC 9110 §15.5.4): missing role, group, scope or tenant permission, an IP or WAF rule, or a CSRF check. Re-authenticating with the same identity does not change it.",
        )
        .evidence("status", "403")
        .evidence(
            cx.credentials_header,
            if ex.request_header(cx.credentials_header).is_some() { "credentials were sent" } else { "no credentials sent" },
        )
        .fix(Effort::Medium, "Ask the owner of the resource for the permission (role, group or scope) this action needs.", None)
        .fix(Effort::Easy, "Copy a report for support.", Some(Action::CopyReport))
        .push(out),
        407 => draft(
            "status.proxy_auth",
            Likelihood::High,
            // Refused proxy credentials are auth.basic_rejected's or auth.digest_rejected's
            // case, which say more.
            if ex.request_header("Proxy-Authorization").is_some() { 50 } else { 60 },
            "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.8",
            "407: a proxy between you and the server wants you to sign in",
        )
        .explain(
            "A proxy on your network (often a company proxy) needs your sign-in before it lets the request through. This is not the website's sign-in.",
            "407 Proxy Authentication Required comes from a proxy, with Proxy-Authenticate; the client must answer with Proxy-Authorization (RFC 9110 §11.7). Check the proxy settings (PAC), and that the proxy credentials are configured for this client.",
        )
        .evidence("status", "407")
        .evidence(
            "Proxy-Authorization",
            if ex.request_header("Proxy-Authorization").is_some() { "sent, and refused" } else { "not sent" },
        )
        .fix(Effort::Medium, "Check the system/browser proxy settings and proxy credentials, or ask IT.", None)
        .push(out),
        419 | 440 | 498 | 499 => {
            let meaning = match ex.status {
                419 => "419 (Laravel): page expired, the CSRF token or session is stale",
                440 => "440 (Microsoft IIS/Exchange): login time-out, the session expired",
                498 => "498 (Esri ArcGIS): invalid or expired token",
                _ => "499 (Esri ArcGIS): token required (nginx also logs 499 for a client that closed the connection)",
            };
            draft(
                "status.nonstandard",
                Likelihood::Medium,
                50,
                "https://www.iana.org/assignments/http-status-codes/http-status-codes.xhtml",
                format!("Non-standard status {}", ex.status),
            )
            .explain(
                "Your session on this site has expired. Reload the page and sign in again.",
                format!("{meaning}. It is not registered with IANA; clients that only handle 401 will not react to it."),
            )
            .evidence("status", meaning)
            .fix(Effort::Easy, "Reload the page and sign in again.", Some(Action::SignIn))
            .fix(Effort::Easy, "Clear this site's cookies if reloading does not help.", Some(Action::ClearCookies))
            .push(out)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnose;
    use super::super::test_support::{codes, exchange};

    #[test]
    fn each_challenge_finding_fires_on_its_case() {
        let cases: &[(u16, &str, &str)] = &[
            (
                401,
                "Digest realm=\"r\", nonce=\"n\", stale=true",
                "challenge.digest_stale",
            ),
            (401, "DPoP error=\"use_dpop_nonce\"", "challenge.dpop_nonce"),
            (
                401,
                "Bearer error=\"insufficient_user_authentication\", acr_values=\"mfa\"",
                "challenge.step_up",
            ),
            (
                401,
                "Bearer error=\"insufficient_claims\", claims=\"eyJhIjoxfQ==\"",
                "challenge.claims",
            ),
            (401, "Negotiate", "challenge.negotiate"),
            (401, "Bearer realm=\"a, error=x", "challenge.malformed"),
        ];
        for (status, header, code) in cases {
            let ex = exchange(
                "GET",
                "https://api.example/x",
                *status,
                &[("Authorization", "Bearer abc")],
                &[("WWW-Authenticate", header)],
            );
            assert!(
                codes(&diagnose(&ex)).contains(code),
                "{header} → {:?}",
                codes(&diagnose(&ex))
            );
        }
    }

    #[test]
    fn statuses_are_explained() {
        for (status, code) in [
            (403, "status.forbidden"),
            (407, "status.proxy_auth"),
            (419, "status.nonstandard"),
            (440, "status.nonstandard"),
            (498, "status.nonstandard"),
        ] {
            let ex = exchange(
                "GET",
                "https://api.example/x",
                status,
                &[("Authorization", "Bearer abc")],
                &[("Proxy-Authenticate", "Basic realm=\"p\"")],
            );
            assert!(codes(&diagnose(&ex)).contains(&code), "{status}");
        }
    }

    #[test]
    fn a_missing_challenge_quotes_the_body_error() {
        let mut ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[("Authorization", "Bearer abc")],
            &[],
        );
        ex.response_body = Some(
            r#"{"type":"about:blank","title":"Unauthorized","detail":"token expired"}"#.into(),
        );
        let findings = diagnose(&ex);
        let missing = findings
            .iter()
            .find(|f| f.code == "challenge.missing")
            .expect("finding");
        assert!(missing
            .evidence
            .iter()
            .any(|e| e.fact.contains("token expired")));
    }
}
