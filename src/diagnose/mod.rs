//! The diagnosis engine: for one exchange, and what came before it, the ranked causes.
//!
//! [`Context`] reads everything once (challenges and their typed views, credentials and
//! token, cookies sent and set, both clocks); each family of findings is a module that
//! looks at the context and adds [`Finding`]s:
//! - `auth.*` in `credentials`;
//! - `token.*`, `clock.skew` and `pattern.env_mismatch` in `token`;
//! - `challenge.*` and `status.*` in `challenge`;
//! - `session.*`, `cors.*`, `transport.*` and the cross-request `pattern.*` in `session`.
//!
//! **Time.** Time-based checks are judged at the time of the request, never at the time
//! of the analysis: the client's clock is the request's start (HAR `startedDateTime`,
//! webRequest `timeStamp`), the server's clock is the response `Date` plus `Age` (RFC 9111
//! §5.1). Clock skew is the difference between the two. Both are compared with a
//! tolerance ([`Tolerance`], 60 s by default: the leeway most JWT libraries allow).
//!
//! **Secrets.** Evidence names headers, claims and cookies, and never quotes a token,
//! password or cookie value.

mod challenge;
mod credentials;
mod session;
mod token;

pub use session::{Session, Summary};

use crate::challenge::{parse_lines, ChallengeList};
use crate::cookie::{parse_cookie_header, parse_set_cookie, CookieHeader, SetCookie};
use crate::cookie_store::RequestCookies;
use crate::credentials::{parse as parse_credentials, Credentials};
use crate::date;
use crate::exchange::Exchange;
use crate::finding::{rank, Action, Effort, Evidence, Finding, Fix, Likelihood};
use crate::schemes::{view, SchemeView};
use crate::status;
use crate::target::Target;

/// How far apart two clocks, or a clock and a token's time claim, may be before it
/// counts. 60 s is the leeway most JWT libraries allow by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    pub clock_skew_seconds: i64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Self {
            clock_skew_seconds: 60,
        }
    }
}

/// Everything the detectors look at, read once per exchange.
pub struct Context<'a> {
    pub exchange: &'a Exchange,
    pub target: Option<Target<'a>>,
    pub challenge_header: &'static str,
    pub challenges: ChallengeList<'a>,
    /// The typed view of each challenge, in order.
    pub views: Vec<SchemeView>,
    pub credentials_header: &'static str,
    pub credentials: Option<Credentials<'a>>,
    pub cookies: Option<CookieHeader<'a>>,
    pub set_cookies: Vec<SetCookie<'a>>,
    /// The request's start by the client's clock, in seconds since the epoch.
    pub client_time: Option<i64>,
    /// The response `Date` plus `Age`, in seconds since the epoch.
    pub server_time: Option<i64>,
    pub tolerance: Tolerance,
    /// Earlier exchanges of the same session, oldest first.
    pub history: &'a [Summary],
    /// The cookie model's verdict on this request ([`crate::cookie_store`]), when the
    /// exchange is diagnosed in a [`Session`].
    pub cookie_model: Option<&'a RequestCookies>,
}

impl<'a> Context<'a> {
    pub fn new(exchange: &'a Exchange, history: &'a [Summary], tolerance: Tolerance) -> Self {
        let challenge_header = status::challenge_header(exchange.status);
        let challenges = parse_lines(exchange.response_header_lines(challenge_header));
        let views = challenges.challenges.iter().map(|c| view(c).view).collect();
        let credentials_header = status::credentials_header(exchange.status);
        let credentials = exchange
            .request_header(credentials_header)
            .map(parse_credentials);
        let cookies = exchange.request_header("Cookie").map(parse_cookie_header);
        let set_cookies = exchange
            .response_header_lines("Set-Cookie")
            .map(parse_set_cookie)
            .collect();
        let age = exchange
            .response_header("Age")
            .and_then(|a| date::parse_delta_seconds(a).ok())
            .map_or(0, |a| i64::try_from(a).unwrap_or(0));
        let server_time = exchange
            .response_header("Date")
            .and_then(|d| date::parse_http_date(d).ok())
            .map(|d| d + age);
        Self {
            exchange,
            target: Target::parse(&exchange.url),
            challenge_header,
            challenges,
            views,
            credentials_header,
            credentials,
            cookies,
            set_cookies,
            client_time: exchange.started_ms.map(|ms| ms.div_euclid(1000)),
            server_time,
            tolerance,
            history,
            cookie_model: None,
        }
    }

    /// The time to judge token claims against: the server's clock when known (it is the
    /// one that refused), otherwise the client's.
    pub fn judge_time(&self) -> Option<i64> {
        self.server_time.or(self.client_time)
    }

    /// Whether the request carried a credential of the given scheme.
    pub fn sent_scheme(&self, scheme: &str) -> bool {
        self.credentials.as_ref().is_some_and(|c| c.is(scheme))
    }

    /// The typed Bearer (or DPoP) challenge error, if any challenge has one.
    pub fn challenge_error(&self) -> Option<&str> {
        self.views.iter().find_map(|v| match v {
            SchemeView::Bearer(b) => b.error.as_deref(),
            SchemeView::Dpop(d) => d.error.as_deref(),
            _ => None,
        })
    }

    /// The request came from another origin (CORS): an `Origin` header naming an origin
    /// other than the target's, or `Sec-Fetch-Site` saying so.
    pub fn cross_origin(&self) -> bool {
        let by_origin = self
            .exchange
            .request_header("Origin")
            .is_some_and(|origin| {
                origin != "null"
                    && match (Target::parse(origin), &self.target) {
                        (Some(o), Some(t)) => !o.same_origin(t),
                        _ => false,
                    }
            });
        by_origin
            || self
                .exchange
                .request_header("Sec-Fetch-Site")
                .is_some_and(|s| {
                    s.eq_ignore_ascii_case("cross-site") || s.eq_ignore_ascii_case("same-site")
                })
    }
}

/// The findings for one exchange on its own, best first. A healthy exchange gives none.
pub fn diagnose(exchange: &Exchange) -> Vec<Finding> {
    diagnose_in(exchange, &[], Tolerance::default())
}

/// The findings for one exchange, given the session's earlier exchanges, best first.
pub fn diagnose_in(exchange: &Exchange, history: &[Summary], tolerance: Tolerance) -> Vec<Finding> {
    diagnose_with(exchange, history, tolerance, None)
}

/// [`diagnose_in`], with the cookie model's verdict on the request.
pub fn diagnose_with(
    exchange: &Exchange,
    history: &[Summary],
    tolerance: Tolerance,
    cookie_model: Option<&RequestCookies>,
) -> Vec<Finding> {
    if !is_diagnosed(exchange) {
        return Vec::new();
    }
    let mut context = Context::new(exchange, history, tolerance);
    context.cookie_model = cookie_model;
    let mut findings = Vec::new();
    challenge::detect(&context, &mut findings);
    credentials::detect(&context, &mut findings);
    token::detect(&context, &mut findings);
    session::detect(&context, &mut findings);
    rank(&mut findings);
    findings
}

/// Whether the engine looks at this exchange at all: auth failures, and failed CORS
/// preflights (whose 401/403 hides the real request). Healthy traffic raises nothing.
pub fn is_diagnosed(exchange: &Exchange) -> bool {
    let preflight =
        exchange.method.eq_ignore_ascii_case("OPTIONS") && matches!(exchange.status, 401 | 403);
    status::is_auth_failure(exchange.status) || preflight
}

/// A finding under construction: the detectors read as sentences.
pub(crate) struct Draft(Finding);

pub(crate) fn draft(
    code: &'static str,
    likelihood: Likelihood,
    score: u32,
    spec: &'static str,
    title: impl Into<String>,
) -> Draft {
    Draft(Finding {
        code,
        likelihood,
        score,
        title: title.into(),
        explanation: String::new(),
        detail: String::new(),
        evidence: Vec::new(),
        fixes: Vec::new(),
        spec,
    })
}

impl Draft {
    /// Plain words for end users, and the precise version for developers.
    pub(crate) fn explain(mut self, user: impl Into<String>, developer: impl Into<String>) -> Self {
        self.0.explanation = user.into();
        self.0.detail = developer.into();
        self
    }

    pub(crate) fn evidence(mut self, source: impl Into<String>, fact: impl Into<String>) -> Self {
        self.0.evidence.push(Evidence {
            source: source.into(),
            fact: fact.into(),
        });
        self
    }

    pub(crate) fn fix(
        mut self,
        effort: Effort,
        text: impl Into<String>,
        action: Option<Action>,
    ) -> Self {
        self.0.fixes.push(Fix {
            effort,
            text: text.into(),
            action,
        });
        self
    }

    pub(crate) fn push(self, out: &mut Vec<Finding>) {
        out.push(self.0);
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the epoch.
pub(crate) fn fmt_time(seconds: i64) -> String {
    u64::try_from(seconds)
        .ok()
        .and_then(|s| std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(s)))
        .map(httpdate::fmt_http_date)
        .unwrap_or_else(|| format!("{seconds} (out of range)"))
}

/// `14 min`, `3 h`, `2 days`.
pub(crate) fn fmt_duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use crate::exchange::{Exchange, Header};

    /// An exchange at 2026-11-23T12:00:00Z (client clock) for tests.
    pub const T0_MS: i64 = 1_795_435_200_000;

    pub fn exchange(
        method: &str,
        url: &str,
        status: u16,
        req: &[(&str, &str)],
        resp: &[(&str, &str)],
    ) -> Exchange {
        let h = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(n, v)| Header {
                    name: (*n).to_owned(),
                    value: (*v).to_owned(),
                })
                .collect()
        };
        Exchange {
            method: method.into(),
            url: url.into(),
            status,
            request_headers: h(req),
            response_headers: h(resp),
            started_ms: Some(T0_MS),
            ..Exchange::default()
        }
    }

    pub fn codes(findings: &[crate::finding::Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    /// A JWT with these claims (unsigned content; the signature is a placeholder).
    pub fn jwt(header: serde_json::Value, claims: serde_json::Value) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        format!(
            "{}.{}.c2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }
}
