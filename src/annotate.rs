//! Everything a UI shows for one exchange: the parsed challenges, the ranked findings, and
//! the cookie model's verdict (cookies withheld, and why).

use serde::Serialize;

use crate::challenge::{self, ChallengeList};
use crate::cookie_store::CookieNames;
use crate::diagnose::Session;
use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::status;

/// The annotation of one exchange, as the panel, popup and CLI render it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub status: u16,
    /// One of the statuses AuthLens explains (401, 403, 407, 419, 440, 498, 499).
    pub is_auth_failure: bool,
    /// The header the challenges came from (`WWW-Authenticate` or `Proxy-Authenticate`).
    pub challenge_header: &'static str,
    pub challenges: ChallengeList<'a>,
    /// Best first.
    pub findings: Vec<Finding>,
    /// This exchange answers the previous one's challenge (the same request, now with
    /// credentials of an offered scheme, and not refused): that previous 401 or 407 was
    /// the first leg of a handshake, not a failure, and a UI should drop it.
    pub resolves_previous: bool,
    /// The cookie model's verdict on the request: names and reasons, never values.
    pub cookies: CookieNames,
}

/// Parses and diagnoses one exchange.
pub fn annotate(exchange: &Exchange) -> Annotation<'_> {
    annotate_in(exchange, &mut Session::new(1))
}

/// Annotates an exchange in its session (findings that span requests), and records it.
pub fn annotate_in<'a>(exchange: &'a Exchange, session: &mut Session) -> Annotation<'a> {
    let header = status::challenge_header(exchange.status);
    let challenges = challenge::parse_lines(exchange.response_header_lines(header));
    let resolves_previous = session.answers_previous_challenge(exchange);
    let (findings, cookies) = session.observe(exchange);
    Annotation {
        resolves_previous,
        method: &exchange.method,
        url: &exchange.url,
        status: exchange.status,
        is_auth_failure: status::is_auth_failure(exchange.status),
        challenge_header: header,
        challenges,
        findings,
        cookies: cookies.names(),
    }
}
