//! Turns an exchange into ranked findings.

use crate::challenge::ChallengeList;
use crate::exchange::Exchange;
use crate::finding::{rank, Action, Effort, Evidence, Finding, Fix, Likelihood};
use crate::status;

/// The findings for one exchange, best first. A healthy exchange gives none.
pub fn diagnose(exchange: &Exchange, challenges: &ChallengeList<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !status::is_auth_failure(exchange.status) {
        return findings;
    }
    challenge_missing(exchange, challenges, &mut findings);
    auth_missing(exchange, challenges, &mut findings);
    rank(&mut findings);
    findings
}

/// RFC 9110 §15.5.2: a 401 "MUST send a WWW-Authenticate header field containing at least
/// one challenge". Without it the client cannot know how to authenticate.
fn challenge_missing(exchange: &Exchange, challenges: &ChallengeList<'_>, out: &mut Vec<Finding>) {
    if !matches!(exchange.status, 401 | 407) || !challenges.challenges.is_empty() {
        return;
    }
    let header = status::challenge_header(exchange.status);
    let present = exchange.response_header(header).is_some();
    out.push(Finding {
        code: "challenge.missing",
        likelihood: Likelihood::Medium,
        score: 40,
        title: format!("{} {} without a {header} challenge", exchange.status, reason(exchange.status)),
        explanation: "The server refused the request but did not say how to sign in.".into(),
        detail: format!(
            "A {} response must carry at least one challenge in {header} (RFC 9110 §15.5.{}). {}",
            exchange.status,
            if exchange.status == 401 { 2 } else { 8 },
            if present {
                "The header is present but holds no parsable challenge."
            } else {
                "The header is absent; the reason may be in the response body."
            }
        ),
        evidence: vec![Evidence {
            source: header.into(),
            fact: if present { "present, no challenge parsed".into() } else { "absent".into() },
        }],
        fixes: vec![Fix {
            effort: Effort::Medium,
            text: format!("Server: send `{header}` with the scheme the API expects, e.g. `Bearer realm=\"api\"`."),
            action: None,
        }],
        spec: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
    });
}

/// A challenge was issued and the request carried no credentials of any kind.
fn auth_missing(exchange: &Exchange, challenges: &ChallengeList<'_>, out: &mut Vec<Finding>) {
    if !matches!(exchange.status, 401 | 407) {
        return;
    }
    let header = status::credentials_header(exchange.status);
    if exchange.request_header(header).is_some() {
        return;
    }
    let has_cookie = exchange.request_header("Cookie").is_some();
    let offered: Vec<&str> = challenges.challenges.iter().map(|c| c.scheme).collect();
    let (likelihood, score) = match (has_cookie, offered.is_empty()) {
        (false, false) => (Likelihood::High, 90),
        (false, true) => (Likelihood::High, 70),
        (true, _) => (Likelihood::Medium, 50),
    };
    let mut evidence = vec![Evidence {
        source: header.into(),
        fact: "not sent".into(),
    }];
    evidence.push(Evidence {
        source: "Cookie".into(),
        fact: if has_cookie {
            "sent (values masked)".into()
        } else {
            "not sent".into()
        },
    });
    if !offered.is_empty() {
        evidence.push(Evidence {
            source: status::challenge_header(exchange.status).into(),
            fact: format!("server offers: {}", offered.join(", ")),
        });
    }
    out.push(Finding {
        code: "auth.missing",
        likelihood,
        score,
        title: format!("No {header} header was sent"),
        explanation: "The request did not include any sign-in information.".into(),
        detail: format!(
            "The request carried no {header} header{}. {}",
            if has_cookie { " (cookies were sent, so a session cookie may have been expected to suffice)" } else { " and no cookies" },
            if offered.is_empty() {
                "The server named no scheme.".to_string()
            } else {
                format!("The server offers: {}.", offered.join(", "))
            }
        ),
        evidence,
        fixes: vec![
            Fix {
                effort: Effort::Easy,
                text: "Sign in again, then retry.".into(),
                action: Some(Action::SignIn),
            },
            Fix {
                effort: Effort::Medium,
                text: format!("Client: attach the credentials in `{header}` on this request (check the code path that builds it)."),
                action: None,
            },
        ],
        spec: "https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
    });
}

fn reason(status: u16) -> &'static str {
    match status {
        401 => "Unauthorized",
        403 => "Forbidden",
        407 => "Proxy Authentication Required",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge;
    use crate::exchange::Header;

    fn exchange(status: u16, req: &[(&str, &str)], resp: &[(&str, &str)]) -> Exchange {
        let h = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(n, v)| Header {
                    name: n.to_string(),
                    value: v.to_string(),
                })
                .collect()
        };
        Exchange {
            method: "GET".into(),
            url: "https://api.example/x".into(),
            status,
            request_headers: h(req),
            response_headers: h(resp),
            started: None,
        }
    }

    fn codes(ex: &Exchange) -> Vec<&'static str> {
        let lines: Vec<&str> = ex
            .response_header_lines(status::challenge_header(ex.status))
            .collect();
        diagnose(ex, &challenge::parse_lines(lines))
            .iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn healthy_exchange_has_no_findings() {
        assert!(codes(&exchange(200, &[], &[])).is_empty());
    }

    #[test]
    fn missing_challenge_and_missing_credentials_rank() {
        assert_eq!(
            codes(&exchange(401, &[], &[])),
            ["auth.missing", "challenge.missing"]
        );
        assert_eq!(
            codes(&exchange(401, &[("Authorization", "Bearer x")], &[])),
            ["challenge.missing"]
        );
        assert_eq!(
            codes(&exchange(401, &[], &[("WWW-Authenticate", "Bearer")])),
            ["auth.missing"]
        );
        assert_eq!(
            codes(&exchange(407, &[], &[("Proxy-Authenticate", "Basic")])),
            ["auth.missing"]
        );
        assert!(codes(&exchange(403, &[], &[])).is_empty());
    }
}
