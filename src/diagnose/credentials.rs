//! `auth.*`: what the client sent in Authorization / Proxy-Authorization.

use super::{draft, Context};
use crate::finding::{Action, Effort, Finding, Likelihood};
use crate::schemes::SchemeView;

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if !matches!(cx.exchange.status, 401 | 407) && cx.credentials.is_none() {
        return;
    }
    let header = cx.credentials_header;
    let Some(credentials) = &cx.credentials else {
        // A 407 without Proxy-Authorization is what status.proxy_auth explains.
        if cx.exchange.status != 407 {
            missing(cx, out);
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

    if credentials.is("Basic") {
        basic(cx, out);
    }
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
    let (likelihood, score) = match (has_cookie, offered.is_empty(), negotiate_only) {
        (_, _, true) => (Likelihood::Low, 20),
        (false, false, _) => (Likelihood::High, 90),
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
        let first = problems
            .first()
            .map_or("the value cannot be decoded", |p| p.message);
        let mut d = draft(
            "auth.basic_invalid",
            Likelihood::High,
            92,
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
    if credentials.defects.is_empty() && cx.exchange.status == 401 {
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
}
