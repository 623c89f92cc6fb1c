//! The diagnosis engine: for one exchange, and what came before it, the ranked causes.
//!
//! [`Context`] reads everything once (challenges and their typed views, credentials and
//! token, cookies sent and set, both clocks); each family of findings is a module that
//! looks at the context and adds [`Finding`]s:
//! - `auth.*` in `credentials`;
//! - `token.*`, `clock.skew` and `pattern.env_mismatch` in `token`;
//! - `token.dpop_proof_mismatch` (the DPoP proof's ath, htm, htu) in `dpop`;
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
mod dpop;
mod flow;
pub mod history;
pub(crate) mod oauth;
mod session;
mod token;
pub mod words;

pub use dpop::access_token_hash as dpop_ath;
pub use history::History;
pub(crate) use session::fingerprint;
pub use session::{Session, Summary};

use crate::challenge::{parse_lines, ChallengeList};
use crate::cookie::{parse_cookie_header, parse_set_cookie, CookieHeader, SetCookie};
use crate::cookie_store::RequestCookies;
use crate::credentials::{parse as parse_credentials, Credentials};
use crate::date;
use crate::exchange::Exchange;
use crate::finding::{rank, Action, Effort, Evidence, Finding, Fix, Likelihood, Text};
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
    /// Earlier exchanges of the same session, oldest first, with the session's index.
    pub history: History<'a>,
    /// What the server said about the failure, in its own words (challenge first).
    pub said: Vec<words::Said>,
    /// A CORS preflight: it never carries credentials (Fetch §4.8), so nothing about
    /// missing credentials applies to it.
    pub preflight: bool,
    /// The cookie model's verdict on this request ([`crate::cookie_store`]), when the
    /// exchange is diagnosed in a [`Session`].
    pub cookie_model: Option<&'a RequestCookies>,
}

impl<'a> Context<'a> {
    pub fn new(exchange: &'a Exchange, history: History<'a>, tolerance: Tolerance) -> Self {
        let challenge_header = status::challenge_header(exchange.status);
        let challenges = parse_lines(exchange.response_header_lines(challenge_header));
        let views: Vec<SchemeView> = challenges.challenges.iter().map(|c| view(c).view).collect();
        let said = words::read(exchange, &views, challenge_header);
        let credentials_header = status::credentials_header(exchange.status);
        let credentials = exchange
            .request_header(credentials_header)
            .map(parse_credentials);
        let cookies = exchange.request_header("Cookie").map(parse_cookie_header);
        let set_cookies = exchange
            .response_header_lines("Set-Cookie")
            .map(parse_set_cookie)
            .collect();
        // Age is capped at 2^31 (RFC 9111 §1.2.2) and dates at the year 9999, so the sum
        // fits; saturate all the same, the parsers' caps are not this code's to trust.
        let age = exchange
            .response_header("Age")
            .and_then(|a| date::parse_delta_seconds(a).ok())
            .map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
        let server_time = exchange
            .response_header("Date")
            .and_then(|d| date::parse_http_date(d).ok())
            .map(|d| d.saturating_add(age));
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
            said,
            preflight: is_preflight(exchange),
            cookie_model: None,
        }
    }

    /// The first thing the server said with this meaning.
    pub fn server_says(&self, meaning: words::Meaning) -> Option<&words::Said> {
        words::find(&self.said, meaning)
    }

    /// How the request tried to authenticate: by a credentials header, by cookies alone,
    /// or not at all. Cookie-session failures get cookie advice, never Bearer advice.
    pub fn auth_style(&self) -> AuthStyle {
        if self.credentials.is_some() {
            AuthStyle::Header
        } else if self.cookies.is_some() {
            AuthStyle::Cookies
        } else {
            AuthStyle::Nothing
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

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization` (or `Proxy-Authorization` on a 407).
    Header,
    /// Cookies only.
    Cookies,
    /// No credentials of any kind.
    Nothing,
}

/// A CORS preflight: `OPTIONS` with `Access-Control-Request-Method`, or the browser's
/// own `preflight` resource type.
pub fn is_preflight(exchange: &Exchange) -> bool {
    exchange.method.eq_ignore_ascii_case("OPTIONS")
        && (exchange
            .request_header("Access-Control-Request-Method")
            .is_some()
            || exchange.resource_type.as_deref() == Some("preflight"))
}

/// The findings for one exchange on its own, best first. A healthy exchange gives none.
pub fn diagnose(exchange: &Exchange) -> Vec<Finding> {
    diagnose_in(exchange, &[], Tolerance::default())
}

/// The findings for one exchange, given the session's earlier exchanges, best first.
pub fn diagnose_in(exchange: &Exchange, history: &[Summary], tolerance: Tolerance) -> Vec<Finding> {
    diagnose_with(exchange, History::scan(history), tolerance, None)
}

/// [`diagnose_in`], with the cookie model's verdict on the request.
pub fn diagnose_with(
    exchange: &Exchange,
    history: History<'_>,
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
    dpop::detect(&context, &mut findings);
    oauth::detect(&context, &mut findings);
    session::detect(&context, &mut findings);
    yield_to_reasons(&mut findings);
    rank(&mut findings);
    findings
}

/// "Nothing was sent" is the symptom when another finding says *why* nothing was sent (a
/// cookie the browser withheld or that expired, credentials left out of a cross-origin
/// call, a token obtained and not attached, Authorization dropped on a redirect): that
/// finding is the answer, so `auth.missing` ranks below it.
fn yield_to_reasons(findings: &mut [Finding]) {
    const REASONS: [&str; 5] = [
        "session.cookie_expired",
        "session.cookie_not_sent",
        "cors.credentials_not_included",
        "cors.auth_dropped_on_redirect",
        "pattern.after_login",
    ];
    let Some(floor) = findings
        .iter()
        .filter(|f| REASONS.contains(&f.code) && f.likelihood >= Likelihood::Medium)
        .map(|f| f.score)
        .min()
    else {
        return;
    };
    for finding in findings.iter_mut().filter(|f| f.code == "auth.missing") {
        finding.score = finding.score.min(floor.saturating_sub(1));
    }
}

/// Whether the engine looks at this exchange at all. Healthy traffic raises nothing.
/// - auth failures (401, 403, 407, 419, 440, 498, 499);
/// - a 400 that carries a Bearer or DPoP challenge: RFC 6750 §3.1 answers
///   `invalid_request` with 400, and it is the token the request got wrong;
/// - a token endpoint's error answer (RFC 6749 §5.2: 400, or 401 for invalid_client);
/// - a 400 or 422 to a request that sent credentials, when the server's words are about
///   them (Flask-JWT-Extended answers 422 "Signature verification failed").
pub fn is_diagnosed(exchange: &Exchange) -> bool {
    if status::is_auth_failure(exchange.status) {
        return true;
    }
    if !matches!(exchange.status, 400 | 422) {
        return false;
    }
    let bearer_challenge = exchange
        .response_header_lines("WWW-Authenticate")
        .any(|line| {
            parse_lines(std::iter::once(line))
                .challenges
                .iter()
                .any(|c| {
                    c.scheme.eq_ignore_ascii_case("Bearer") || c.scheme.eq_ignore_ascii_case("DPoP")
                })
        });
    if bearer_challenge || oauth::token_error(exchange).is_some() {
        return true;
    }
    exchange.request_header("Authorization").is_some()
        && words::read(exchange, &[], "WWW-Authenticate")
            .iter()
            .any(words::Said::is_about_credentials)
}

/// A finding under construction: the detectors read as sentences.
pub(crate) struct Draft(Finding);

pub(crate) fn draft(
    code: &'static str,
    likelihood: Likelihood,
    score: u32,
    spec: &'static str,
    title: impl Into<Text>,
) -> Draft {
    Draft(Finding {
        code,
        likelihood,
        score,
        title: title.into(),
        explanation: Text::Borrowed(""),
        detail: Text::Borrowed(""),
        evidence: Vec::new(),
        fixes: Vec::new(),
        spec,
        flow: None,
    })
}

impl Draft {
    /// Plain words for end users, and the precise version for developers.
    pub(crate) fn explain(mut self, user: impl Into<Text>, developer: impl Into<Text>) -> Self {
        self.0.explanation = user.into();
        self.0.detail = developer.into();
        self
    }

    pub(crate) fn evidence(mut self, source: impl Into<Text>, fact: impl Into<Text>) -> Self {
        self.0.evidence.push(Evidence {
            source: source.into(),
            fact: fact.into(),
        });
        self
    }

    pub(crate) fn fix(
        mut self,
        effort: Effort,
        text: impl Into<Text>,
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

/// `Sun, 06 Nov 1994 08:49:37 GMT` for seconds since the epoch, for any `i64`: never
/// `httpdate::fmt_http_date`, which panics past the year 9999 (issue #11, item 5).
pub(crate) fn fmt_time(seconds: i64) -> String {
    date::fmt_http_date(seconds)
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
