//! Findings that need the session, or the request's cross-origin context:
//! `session.*`, `cors.*`, `transport.insecure_credentials` and the `pattern.*` that span
//! requests.
//!
//! The [`Session`] keeps a bounded list of [`Summary`]s of earlier exchanges. A summary
//! holds no secret: tokens are reduced to an in-memory fingerprint (to tell "the same
//! token" from "another token"), cookies to their names and attributes.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::Value;

use super::history::{History, Index};
use super::{draft, fmt_duration, fmt_time, Context, Tolerance};
use crate::cookie::{SameSite, SetCookie};
use crate::cookie_store::{CookieJar, Reason, RequestCookies};
use crate::exchange::Exchange;
use crate::finding::{Action, Effort, Finding, FlowLink, FlowRole, Likelihood};
use crate::flow::{Flows, Observed, StepKind};
use crate::status;
use crate::target::Target;

/// A cookie an earlier response set, without its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRecord {
    pub name: String,
    /// The host that set it (its default domain).
    pub host: String,
    pub domain: Option<String>,
    pub path: Option<String>,
    pub secure: bool,
    pub same_site: Option<SameSite>,
    /// When it expires, in seconds since the epoch (None: a session cookie).
    pub expires_at: Option<i64>,
    /// The Set-Cookie removed it instead.
    pub deleted: bool,
    pub set_at: Option<i64>,
}

/// What the session remembers of one exchange. No secrets.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub at: Option<i64>,
    pub method: String,
    /// Shared with the session's earlier summaries of the same request
    /// ([`Index::add_shared`]): one allocation, and compared by address first.
    pub url: Arc<str>,
    pub status: u16,
    pub had_authorization: bool,
    /// An in-memory fingerprint of the bearer token (not the token).
    pub token: Option<u64>,
    pub redirect_to: Option<String>,
    pub set_cookies: Vec<CookieRecord>,
    pub token_request: Option<TokenRequest>,
    /// The schemes a 401 or 407 offered (for telling a handshake's first leg).
    pub challenged: Vec<String>,
}

/// An exchange that issues a token: an OAuth token-endpoint request (RFC 6749 §3.2), or
/// any login whose answer carries a token, as far as the HAR shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    /// Fingerprint of the access token it issued, when the body was captured.
    pub issued: Option<u64>,
    /// The answer's `expires_in` (RFC 6749 §5.1), in seconds.
    pub expires_in: Option<i64>,
    /// Fingerprint of the refresh token the request spent (grant_type=refresh_token).
    pub refresh_token: Option<u64>,
    pub error: Option<String>,
    pub succeeded: bool,
}

/// The recent exchanges of one tab or HAR file, oldest first, at most `capacity`.
#[derive(Debug, Clone)]
pub struct Session {
    summaries: VecDeque<Summary>,
    capacity: usize,
    pub tolerance: Tolerance,
    /// Every exchange's cookies, replayed (bounded by its own caps).
    jar: CookieJar,
    /// The sign-in flows seen so far ([`crate::flow`]).
    flows: Flows,
    /// The sequence number of `summaries[0]`.
    first_seq: u64,
    /// The summaries by request, token and kind ([`super::history`]); `None` when the
    /// detectors scan the whole session instead ([`Session::scanning`]).
    index: Option<Index>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new(500)
    }
}

impl Session {
    pub fn new(capacity: usize) -> Self {
        Self {
            summaries: VecDeque::new(),
            capacity: capacity.max(1),
            tolerance: Tolerance::default(),
            jar: CookieJar::names_only(),
            flows: Flows::default(),
            first_seq: 0,
            index: Some(Index::default()),
        }
    }

    /// This session without its index: every detector scans the whole session, as before
    /// the index existed. For the tests that prove the index changes no finding, and for
    /// the benchmarks that measure what it saves.
    pub fn scanning(mut self) -> Self {
        self.index = None;
        self
    }

    /// How many positions the index holds (0 when scanning): at most four per summary.
    pub fn index_len(&self) -> usize {
        self.index.as_ref().map_or(0, Index::len)
    }

    /// The sign-in flows of this session, oldest first.
    pub fn flows(&self) -> &Flows {
        &self.flows
    }

    /// Whether `exchange` answers the challenge of the exchange just before it: the same
    /// method and URL, now with credentials of a scheme that was offered, and not refused
    /// again. That earlier 401 or 407 was the first leg of a challenge–response handshake
    /// (Digest, RFC 7616 §3.3; Negotiate/NTLM, RFC 4559 §5; Basic answered through the
    /// browser's prompt, RFC 7617 §2), not a failure. The callers that can revise what
    /// they showed (the HAR report, the panel) drop that first leg.
    pub fn answers_previous_challenge(&self, exchange: &Exchange) -> bool {
        let Some(previous) = self.summaries.back() else {
            return false;
        };
        let header = if previous.status == 407 {
            "Proxy-Authorization"
        } else {
            "Authorization"
        };
        let Some(scheme) = exchange
            .request_header(header)
            .and_then(|v| v.split_whitespace().next())
        else {
            return false;
        };
        let close_in_time = match (previous.at, exchange.started_ms) {
            (Some(a), Some(b)) => b.div_euclid(1000).saturating_sub(a) <= 30,
            _ => true,
        };
        matches!(previous.status, 401 | 407)
            && !matches!(exchange.status, 401 | 403 | 407)
            && exchange.status != 0
            && previous.method == exchange.method
            && *previous.url == *exchange.url
            && close_in_time
            && (!previous.had_authorization || previous.status == 407)
            && previous
                .challenged
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
    }

    /// Diagnoses `exchange` against what came before, then remembers it.
    pub fn diagnose(&mut self, exchange: &Exchange) -> Vec<Finding> {
        self.observe(exchange).0
    }

    /// [`Session::diagnose`], also giving the cookie model's verdict on the request.
    pub fn observe(&mut self, exchange: &Exchange) -> (Vec<Finding>, RequestCookies) {
        // The jar and the flows see every exchange, healthy ones included: they set the
        // cookies, and most steps of a sign-in flow succeed.
        let cookies = self.jar.observe(exchange);
        let index = cookies.index;
        let observed = self.flows.observe(exchange, index);
        let diagnosed = super::is_diagnosed(exchange);
        if !diagnosed && observed.breaks.is_empty() {
            // Not made contiguous for nothing: that moves up to `capacity` summaries.
            self.remember(exchange);
            return (Vec::new(), cookies);
        }
        let mut findings = if diagnosed {
            self.summaries.make_contiguous();
            // The authorization server's login cookies (set by its pages during a flow)
            // are not the application's session: they say nothing about why an API call
            // was refused, so the cookie findings do not see them.
            let on_as = observed.flow.is_some() && observed.kind != Some(StepKind::Api);
            let mut model = cookies.clone();
            if !on_as {
                model
                    .withheld
                    .retain(|w| !w.set_index.is_some_and(|i| self.flows.is_as_page(i)));
            }
            let summaries = self.summaries.as_slices().0;
            let history = match &self.index {
                Some(index) => History::indexed(summaries, index, self.first_seq),
                None => History::scan(summaries),
            };
            super::diagnose_with(exchange, history, self.tolerance, Some(&model))
        } else {
            Vec::new()
        };
        super::flow::apply(&mut findings, &observed, exchange);
        self.link_flow(exchange, index, &observed, &mut findings);
        self.remember(exchange);
        (findings, cookies)
    }

    /// A flow step's findings name the flow and mark where it broke; a failing request
    /// outside any flow, soon after a flow broke, points back to that break.
    fn link_flow(
        &mut self,
        ex: &Exchange,
        index: usize,
        observed: &Observed,
        findings: &mut Vec<Finding>,
    ) {
        const WINDOW_MS: i64 = 10 * 60 * 1000;
        let in_flow = observed
            .flow
            .filter(|_| observed.kind != Some(StepKind::Api));
        if let Some(id) = in_flow {
            if let Some(top) = findings.iter().find(|f| {
                (f.code.starts_with("oauth.") || f.code.starts_with("oidc."))
                    && f.code != "oauth.implicit_deprecated"
            }) {
                let (code, title) = (top.code, top.title.clone());
                self.flows
                    .mark_broken(id, index, code, &title, ex.started_ms);
            }
        } else if !findings.is_empty() {
            if let Some(flow) = self.flows.recent_break(ex.started_ms, WINDOW_MS) {
                let mut extra = Vec::new();
                super::flow::after_broken(flow, ex, findings, &mut extra);
                findings.extend(extra);
                crate::finding::rank(findings);
            }
        }
        let id = observed.flow.or_else(|| {
            findings
                .iter()
                .any(|f| f.code == "pattern.flow_broken")
                .then(|| {
                    self.flows
                        .recent_break(ex.started_ms, WINDOW_MS)
                        .map(|f| f.id)
                })
                .flatten()
        });
        let Some(flow) = id.and_then(|id| self.flows.get(id)) else {
            return;
        };
        let link = FlowLink {
            id: flow.id,
            role: if in_flow.is_some() {
                FlowRole::Step
            } else {
                FlowRole::After
            },
            broken_at: flow.broken.as_ref().map(|b| b.index),
            steps: flow
                .steps
                .iter()
                .map(|s| s.index)
                .filter(|i| *i != index)
                .collect(),
        };
        for f in findings.iter_mut() {
            let flow_code = f.code.starts_with("oauth.")
                || f.code.starts_with("oidc.")
                || f.code == "pattern.flow_broken";
            if flow_code || in_flow.is_some() {
                f.flow = Some(link.clone());
            }
        }
    }

    /// Remembers an exchange without diagnosing it.
    pub fn record(&mut self, exchange: &Exchange) {
        let index = self.jar.observe(exchange).index;
        self.flows.observe(exchange, index);
        self.remember(exchange);
    }

    fn remember(&mut self, exchange: &Exchange) {
        if self.summaries.len() == self.capacity {
            if let Some(oldest) = self.summaries.pop_front() {
                if let Some(index) = &mut self.index {
                    index.remove_oldest(self.first_seq, &oldest);
                }
                self.first_seq += 1;
            }
        }
        let seq = self.first_seq + self.summaries.len() as u64;
        let summary = match &mut self.index {
            Some(index) => {
                let shared = index.latest_url(exchange, &self.summaries, self.first_seq);
                let summary = summarise(exchange, shared);
                index.add(seq, &summary);
                summary
            }
            None => summarise(exchange, None),
        };
        self.summaries.push_back(summary);
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }
}

/// The credential after the scheme, as compared across requests (quotes and white space
/// trimmed).
fn token_of(authorization: &str) -> Option<&str> {
    let (_, rest) = authorization.trim().split_once(' ')?;
    let token = rest.trim().trim_matches(['"', '\'']);
    (!token.is_empty()).then_some(token)
}

/// A fingerprint to compare tokens within one session, in memory only: FNV-1a's mixing,
/// eight bytes at a time (every request of a HAR is fingerprinted, and JWTs are long).
pub(crate) fn fingerprint(token: &str) -> u64 {
    let mut chunks = token.as_bytes().chunks_exact(8);
    let mix = |h: u64, word: u64| (h ^ word).wrapping_mul(0x0100_0000_01b3).rotate_left(23);
    let mut h = (&mut chunks).fold(0xcbf2_9ce4_8422_2325 ^ token.len() as u64, |h, c| {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        mix(h, u64::from_le_bytes(word))
    });
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = mix(h, u64::from_le_bytes(tail));
    h ^ (h >> 29)
}

/// `url`: the same URL, already held by an earlier summary, to share.
fn summarise(ex: &Exchange, url: Option<Arc<str>>) -> Summary {
    let at = ex.started_ms.map(|ms| ms.div_euclid(1000));
    // Summaries are made for every exchange, healthy ones included: only the cheap
    // fingerprint here, no JWT decoding.
    let token = ex
        .request_header("Authorization")
        .and_then(token_of)
        .map(fingerprint);
    let host = Target::parse(&ex.url)
        .map(|t| t.host.to_ascii_lowercase())
        .unwrap_or_default();
    let set_cookies = ex
        .response_header_lines("Set-Cookie")
        .map(crate::cookie::parse_set_cookie)
        .filter(|c| !c.rejected)
        .map(|c| record_cookie(&c, &host, at))
        .collect();
    Summary {
        at,
        method: ex.method.clone(),
        url: url.unwrap_or_else(|| Arc::from(ex.url.as_str())),
        status: ex.status,
        had_authorization: ex.request_header("Authorization").is_some(),
        token,
        redirect_to: ex.redirect_url.clone().or_else(|| {
            (300..400)
                .contains(&ex.status)
                .then(|| ex.response_header("Location").map(str::to_owned))
                .flatten()
        }),
        set_cookies,
        token_request: token_request(ex),
        challenged: if matches!(ex.status, 401 | 407) {
            crate::challenge::parse_lines(
                ex.response_header_lines(crate::status::challenge_header(ex.status)),
            )
            .challenges
            .iter()
            .map(|c| c.scheme.to_owned())
            .collect()
        } else {
            Vec::new()
        },
    }
}

fn record_cookie(c: &SetCookie<'_>, host: &str, at: Option<i64>) -> CookieRecord {
    let now = at.unwrap_or(0);
    CookieRecord {
        name: c.name.to_owned(),
        host: host.to_owned(),
        domain: c.domain.clone(),
        path: c.path.map(str::to_owned),
        secure: c.secure,
        same_site: c.same_site,
        expires_at: match (c.max_age, c.expires) {
            (Some(max_age), _) => Some(now.saturating_add(max_age)),
            (None, expires) => expires,
        },
        deleted: c.is_deletion(now),
        set_at: at,
    }
}

/// Recognises an exchange that issues a token: a token request (`oauth::token_call`), or
/// a login of any shape (a POST, any path, form or JSON) recognised by its answer, which
/// carries a token under one of the names libraries use (`access_token`, `accessToken`,
/// `token`, `jwt`, `data.token`, …).
fn token_request(ex: &Exchange) -> Option<TokenRequest> {
    if !ex.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let call = super::oauth::token_call(ex);
    let response: Option<Value> = ex
        .response_body
        .as_deref()
        .map(str::trim_start)
        .filter(|b| b.starts_with('{'))
        .and_then(|b| serde_json::from_str(b).ok());
    let issued = response.as_ref().and_then(issued_token);
    // `expires_in` sits beside the token: at the top (RFC 6749 §5.1) or in the object
    // that holds it (`{"data":{"accessToken":…,"expiresIn":…}}`).
    let expires_in = response.as_ref().and_then(|r| {
        let read = |o: &Value| {
            o.get("expires_in")
                .or_else(|| o.get("expiresIn"))
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
        };
        read(r).or_else(|| r.as_object()?.values().find_map(read))
    });
    if call.is_none() && issued.is_none() {
        return None;
    }
    let call = call.unwrap_or_default();
    Some(TokenRequest {
        grant_type: call.grant_type,
        issued: issued.map(|(_, token)| fingerprint(token)),
        expires_in,
        refresh_token: call.refresh_token,
        error: response
            .as_ref()
            .and_then(|r| r.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        succeeded: (200..300).contains(&ex.status),
    })
}

/// The access token a login or token answer carries, and the name it had: the first of
/// the usual names, at the top level or one level down (`data`, `result`, `tokens`…).
/// Refresh and ID tokens are not what an API call carries, so they are not taken.
fn issued_token(answer: &Value) -> Option<(String, &str)> {
    const NAMES: [&str; 8] = [
        "accesstoken",
        "token",
        "jwt",
        "authtoken",
        "bearertoken",
        "sessiontoken",
        "apitoken",
        "idtoken",
    ];
    let object = answer.as_object()?;
    let normalise = |k: &str| {
        k.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    fn tokens_in<'v>(
        object: &'v serde_json::Map<String, Value>,
        normalise: &dyn Fn(&str) -> String,
    ) -> Option<(String, &'v str)> {
        NAMES.iter().find_map(|name| {
            object.iter().find_map(|(k, v)| {
                // RFC 6749 §5.1's own name is taken at any length; other names only
                // for values long enough to be a token ("token": "ok" is not one).
                let value = v
                    .as_str()
                    .filter(|t| !t.is_empty() && (k == "access_token" || t.len() >= 16))?;
                (normalise(k) == *name).then(|| (k.clone(), value))
            })
        })
    }
    tokens_in(object, &normalise).or_else(|| {
        object
            .values()
            .filter_map(Value::as_object)
            .find_map(|inner| tokens_in(inner, &normalise))
    })
}

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    preflight(cx, out);
    cleared(cx, out);
    cookies(cx, out);
    redirect(cx, out);
    cross_origin(cx, out);
    insecure(cx, out);
    if !status::is_auth_failure(ex.status) {
        return;
    }
    storm(cx, out);
    after_login(cx, out);
    refresh(cx, out);
    expiry_boundary(cx, out);
    public_page(cx, out);
}

fn preflight(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    if !cx.preflight || !matches!(ex.status, 401 | 403) {
        return;
    }
    draft(
        "cors.preflight_unauthorized",
        Likelihood::High,
        96,
        "https://fetch.spec.whatwg.org/#cors-preflight-fetch",
        format!("The CORS preflight (OPTIONS) got {}", ex.status),
    )
    .explain(
        "The server is blocking the browser's safety check before the real request. This must be fixed on the server.",
        "Browsers send the CORS preflight without credentials (Fetch §4.8, CORS-preflight fetch), so a server that requires auth on OPTIONS always fails it, and the real request is never sent. Answer OPTIONS before the authentication middleware, with the Access-Control-Allow-* headers.",
    )
    .evidence("request", format!("OPTIONS, Access-Control-Request-Method {}", ex.request_header("Access-Control-Request-Method").unwrap_or("?")))
    .evidence("status", ex.status.to_string())
    .fix(Effort::Medium, "Server: exempt OPTIONS preflights from authentication and answer them with the CORS headers.", None)
    .push(out);
}

fn cleared(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    let now = cx.judge_time().unwrap_or(0);
    let deleted: Vec<&str> = cx
        .set_cookies
        .iter()
        .filter(|c| c.is_deletion(now))
        .map(|c| c.name)
        .collect();
    let clear_site_data = ex
        .response_header("Clear-Site-Data")
        .filter(|v| v.contains("\"cookies\"") || v.contains("\"*\"") || v.contains("\"storage\""));
    if deleted.is_empty() && clear_site_data.is_none() {
        return;
    }
    let mut d = draft(
        "session.cleared_by_server",
        Likelihood::High,
        82,
        "https://www.rfc-editor.org/rfc/rfc6265#section-5.3",
        "The server ended the session in this response",
    )
    .explain(
        "The site signed you out (your session ended or was revoked). Sign in again.",
        "The failure response deletes the session: Set-Cookie with Max-Age≤0 or a past Expires (RFC 6265 §5.3 step 11), or Clear-Site-Data. Typical causes: idle or absolute session timeout, sign-out elsewhere, or the server failing to read the session (secret rotated, store lost).",
    );
    for name in &deleted {
        d = d.evidence("Set-Cookie", format!("deletes cookie {name}"));
    }
    if let Some(value) = clear_site_data {
        d = d.evidence("Clear-Site-Data", value.to_owned());
    }
    d.fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
        .push(out);
}

/// Whether cookie `record` would be sent to `target` (domain and path match, RFC 6265
/// §5.1.3, §5.1.4), ignoring Secure and SameSite, which are checked apart.
fn applies(record: &CookieRecord, target: &Target<'_>) -> (bool, bool) {
    let host = target.host.to_ascii_lowercase();
    let domain_ok = match &record.domain {
        Some(domain) => host == *domain || host.ends_with(&format!(".{domain}")),
        None => host == record.host,
    };
    let path = record.path.as_deref().unwrap_or("/");
    let path_ok = target.path == path
        || (target.path.starts_with(path)
            && (path.ends_with('/') || target.path[path.len()..].starts_with('/')));
    (domain_ok, path_ok)
}

/// `session.cookie_not_sent` and `session.cookie_expired`, from the cookie model
/// ([`crate::cookie_store`]): the browser withheld cookie X because Y.
///
/// Cookies are judged by how the request authenticates (issue #11): a request that sends
/// `Authorization`, or is answered with a challenge for it (Bearer, Basic, Digest, DPoP,
/// Negotiate…), is not a cookie-session failure unless the challenge or the body speaks of
/// a session or cookie; a login page's own cookies on a Bearer API call are not evidence.
/// Nor is a cookie that does not look like a session (not HttpOnly, no session-like name):
/// an analytics or preference cookie withheld by SameSite explains no 401. Nor, when the
/// request did carry a session cookie, is one scoped to another path or host: it never
/// applied here.
fn cookies(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(model) = cx.cookie_model else {
        return;
    };
    if !matches!(cx.exchange.status, 401 | 419 | 440) || !authenticates_by_cookie(cx) {
        return;
    }
    let Some(target) = &cx.target else {
        return;
    };
    // A session cookie that did reach the server: a cookie scoped to another path or host
    // is then not why this request failed (it never applied here).
    let carried_a_session = model
        .expected
        .iter()
        .any(|c| c.session_like && !model.missing().any(|w| w.name == c.name));
    let mut seen: Vec<&str> = Vec::new();
    for withheld in model.missing().filter(|w| w.session_like) {
        if carried_a_session && matches!(withheld.reason, Reason::Path | Reason::Domain) {
            continue;
        }
        if seen.contains(&withheld.name.as_str()) {
            continue;
        }
        seen.push(&withheld.name);
        let name = &withheld.name;
        let set_at = withheld
            .set_index
            .map(|i| format!("entry {i}"))
            .unwrap_or_else(|| "an earlier response".to_owned());
        if withheld.reason == Reason::Expired {
            let now = cx.client_time.or(cx.server_time).unwrap_or(0);
            let expired_at = withheld.expired_at_ms.map_or(now, |ms| ms.div_euclid(1000));
            draft(
                "session.cookie_expired",
                Likelihood::High,
                78,
                "https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.6.1",
                format!("The session cookie {name} expired {} before this request", fmt_duration(now.saturating_sub(expired_at))),
            )
            .explain(
                "Your session on this site has expired. Sign in again.",
                format!(
                    "Cookie {name}, set by the response to {set_at}, expired at {}; the browser stopped sending it, so the request arrived without a session (RFC 6265bis §5.6.1; the cookie model: {}).",
                    fmt_time(expired_at),
                    withheld.explanation
                ),
            )
            .evidence(format!("Set-Cookie ({set_at})"), format!("{name} expires {}", fmt_time(expired_at)))
            .evidence("cookie model", format!("{name} withheld: expired"))
            .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
            .fix(Effort::Medium, "Server: extend the session on activity (sliding expiry), or refresh it before it ends.", None)
            .push(out);
            continue;
        }
        let certain = withheld.certain;
        draft(
            "session.cookie_not_sent",
            if certain {
                Likelihood::Medium
            } else {
                Likelihood::Low
            },
            // Above auth.missing without a challenge (70): it says *why* nothing was sent.
            if certain { 75 } else { 40 },
            "https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.8.3",
            format!("Cookie {name} was not sent ({})", withheld.reason.as_str()),
        )
        .explain(
            "Your browser did not send this site's sign-in cookie with the request.",
            format!(
                "{} this request to {}: {}",
                if certain {
                    "The cookie model says the browser withheld it from"
                } else {
                    "The cookie model expected it on"
                },
                target.origin(),
                withheld.explanation
            ),
        )
        .evidence(
            format!("Set-Cookie ({set_at})"),
            format!(
                "{name} (Domain={}, Path={})",
                withheld.domain, withheld.path
            ),
        )
        .evidence(
            "cookie model",
            format!(
                "{name} withheld: {}{}",
                withheld.reason.as_str(),
                if certain { "" } else { " (inferred)" }
            ),
        )
        .fix(Effort::Medium, fix_for(withheld.reason), None)
        .push(out);
    }
}

/// What to change for a withheld cookie, by reason.
fn fix_for(reason: Reason) -> &'static str {
    match reason {
        Reason::Path => "Server: set the cookie with a Path that covers this request (usually Path=/).",
        Reason::Domain => "Server: set the cookie with Domain= the parent domain both hosts share, or call the host that set it.",
        Reason::Secure => "Use https for this site (Secure cookies are neither set nor sent over plain http).",
        Reason::SameSiteStrict | Reason::SameSiteLax | Reason::SameSiteNoneInsecure => {
            "Server: for cross-site use, set the cookie with SameSite=None; Secure (and Partitioned if it is embedded)."
        }
        Reason::Partition => "Server: a Partitioned cookie is only sent under the top-level site it was set under; set it under this one, or without Partitioned.",
        Reason::CredentialsOmitted => "Client: fetch(url, { credentials: \"include\" }) (axios: withCredentials: true), and the server must allow credentials.",
        Reason::Deleted => "Sign in again; if the sign-out was unexpected, find out why the server deleted the cookie.",
        Reason::PrefixRejected | Reason::Invalid => "Server: fix the Set-Cookie so the browser accepts it (authlens set-cookie explains it).",
        Reason::Expired | Reason::NotSent => "Check the browser's cookie settings (third-party cookie blocking) and sign in again.",
    }
}

/// Whether the request relies on cookies: it sends no Authorization and no challenge asks
/// for one, or the challenge or body speaks of a session or cookie.
fn authenticates_by_cookie(cx: &Context<'_>) -> bool {
    let ex = cx.exchange;
    let says_session = |text: &str| {
        let lower = text.to_ascii_lowercase();
        lower.contains("session") || lower.contains("cookie")
    };
    if ex.response_body.as_deref().is_some_and(says_session)
        || ex
            .response_header_lines(cx.challenge_header)
            .any(says_session)
    {
        return true;
    }
    let challenged_for_header = cx.challenges.challenges.iter().any(|c| {
        let scheme = c.scheme.to_ascii_lowercase();
        !(scheme.contains("cookie") || scheme.contains("session") || scheme.contains("form"))
    });
    cx.credentials.is_none() && !challenged_for_header
}
fn redirect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some(target), Some(previous)) = (&cx.target, cx.history.last()) else {
        return;
    };
    let Some(location) = previous.redirect_to.as_deref() else {
        return;
    };
    let here = &cx.exchange.url;
    let resolved_matches =
        location == here || (location.starts_with('/') && here.ends_with(location));
    let from = Target::parse(&previous.url);
    let cross = from.as_ref().is_some_and(|f| !f.same_origin(target));
    if !resolved_matches || !cross || !previous.had_authorization || cx.credentials.is_some() {
        return;
    }
    draft(
        "cors.auth_dropped_on_redirect",
        Likelihood::High,
        91,
        "https://fetch.spec.whatwg.org/#http-redirect-fetch",
        "Authorization was dropped on a cross-origin redirect",
    )
    .explain(
        "The sign-in was lost when the request was forwarded to another address.",
        format!(
            "The previous request carried Authorization and was redirected to another origin ({} → {}); browsers remove Authorization on cross-origin redirects (Fetch, HTTP-redirect fetch), so this request arrived without it.",
            from.map(|f| f.origin()).unwrap_or_default(),
            target.origin()
        ),
    )
    .evidence("previous response", format!("{} redirect to {}", previous.status, target.origin()))
    .evidence("Authorization", "sent before the redirect, absent after")
    .fix(Effort::Medium, "Client: call the final URL directly (fix the base URL, trailing slash or http→https redirect).", None)
    .push(out);
}

fn cross_origin(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    // A preflight never carries credentials (Fetch §4.8): that is cors.preflight_*'s case.
    if !cx.cross_origin() || ex.status != 401 || cx.preflight {
        return;
    }
    let cors_mode = ex
        .request_header("Sec-Fetch-Mode")
        .is_none_or(|m| m.eq_ignore_ascii_case("cors"));
    if cx.credentials.is_none() && cx.cookies.is_none() && cors_mode {
        let has_cookies_for_host = cx.target.as_ref().is_some_and(|t| {
            cx.history
                .setting_cookies()
                .flat_map(|s| &s.set_cookies)
                .any(|r| !r.deleted && applies(r, t).0)
        });
        draft(
            "cors.credentials_not_included",
            if has_cookies_for_host { Likelihood::High } else { Likelihood::Medium },
            // With cookies waiting for that host, this is why nothing was sent: above
            // auth.missing.
            if has_cookies_for_host { 91 } else { 52 },
            "https://fetch.spec.whatwg.org/#concept-request-credentials-mode",
            "A cross-origin request was sent without credentials",
        )
        .explain(
            "The app asked the server without including your sign-in.",
            format!(
                "This cross-origin request carried neither cookies nor Authorization{}: fetch() defaults to credentials: \"same-origin\" (XMLHttpRequest to withCredentials = false). Use credentials: \"include\", and the server must answer with Access-Control-Allow-Credentials: true and an explicit origin.",
                if has_cookies_for_host { ", although the session has cookies for that host" } else { "" }
            ),
        )
        .evidence("Origin", ex.request_header("Origin").unwrap_or("(Sec-Fetch-Site: cross-site)").to_owned())
        .evidence("Cookie", "not sent")
        .fix(Effort::Medium, "Client: fetch(url, { credentials: \"include\" }) (axios: withCredentials: true).", None)
        .push(out);
    }
    let challenge = ex.response_header("WWW-Authenticate").is_some();
    let allow_origin = ex.response_header("Access-Control-Allow-Origin").is_some();
    let exposed = ex
        .response_header_lines("Access-Control-Expose-Headers")
        .any(|v| {
            v.split(',')
                .any(|h| h.trim().eq_ignore_ascii_case("www-authenticate"))
        });
    if challenge && allow_origin && !exposed {
        draft(
            "cors.challenge_not_exposed",
            Likelihood::Low,
            22,
            "https://fetch.spec.whatwg.org/#http-access-control-expose-headers",
            "The app cannot read WWW-Authenticate on this cross-origin response",
        )
        .explain(
            "The app cannot see why the server refused, so it cannot react (for example by refreshing your sign-in).",
            "WWW-Authenticate is not a CORS-safelisted response header; without Access-Control-Expose-Headers: WWW-Authenticate, scripts get null for it (and `*` does not cover credentialed requests).",
        )
        .evidence("Access-Control-Expose-Headers", "does not list WWW-Authenticate")
        .fix(Effort::Easy, "Server: add Access-Control-Expose-Headers: WWW-Authenticate.", None)
        .push(out);
    }
}

fn insecure(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(target) = &cx.target else {
        return;
    };
    if !target.scheme.eq_ignore_ascii_case("http") || target.is_loopback() {
        return;
    }
    let what = match (&cx.credentials, &cx.cookies) {
        (Some(c), _) if c.is("Basic") => "a Basic password",
        (Some(_), _) => "a token",
        (None, Some(_)) => "cookies",
        (None, None) => return,
    };
    draft(
        "transport.insecure_credentials",
        Likelihood::Medium,
        if what == "cookies" { 48 } else { 58 },
        "https://www.rfc-editor.org/rfc/rfc9110#section-11.1",
        format!("{what} sent over plain http"),
    )
    .explain(
        "Your sign-in was sent unencrypted; anyone on the network could read it.",
        format!("{what} travelled over http to {} (not loopback): it can be read and replayed on the network, Secure cookies are withheld, and many servers refuse credentials on http.", target.host),
    )
    .evidence("request", format!("http://{}", target.host))
    .fix(Effort::Medium, "Use https for this API (and rotate the credential if the network was untrusted).", None)
    .push(out);
}

fn storm(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    let Some(now) = cx.client_time else {
        return;
    };
    const WINDOW: i64 = 10;
    const COUNT: usize = 5;
    let mut times: Vec<i64> = cx
        .history
        .same_request(&ex.method, &ex.url)
        .filter(|s| s.status == ex.status && s.at.is_some_and(|t| now.saturating_sub(t) <= WINDOW))
        .filter_map(|s| s.at)
        .collect();
    times.push(now);
    if times.len() < COUNT {
        return;
    }
    let gaps: Vec<i64> = times
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .collect();
    let backing_off = gaps
        .windows(2)
        .all(|g| g[1] >= g[0].max(1).saturating_mul(2));
    if backing_off {
        return;
    }
    draft(
        "pattern.retry_storm",
        Likelihood::Medium,
        58,
        "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        format!("{} identical failures within {WINDOW} s, without backoff", times.len()),
    )
    .explain(
        "The app keeps retrying a request that cannot succeed. It may lock your account or get you rate-limited.",
        format!("{} × {} {} → {} within {WINDOW} s with no growing delay: retrying a 401 with the same credentials cannot succeed, and looks like credential stuffing to the server (lockout, 429).", times.len(), ex.method, Target::parse(&ex.url).map(|t| t.path).unwrap_or(""), ex.status),
    )
    .evidence("session", format!("{} failures in {} s", times.len(), now.saturating_sub(times[0])))
    .fix(Effort::Medium, "Client: on 401, refresh or re-authenticate once, then stop; back off exponentially on repeats.", None)
    .push(out);
}

fn after_login(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.credentials.is_some() || cx.preflight {
        return;
    }
    let Some(now) = cx.client_time else {
        return;
    };
    let login = cx.history.token_requests().rev().find(|s| {
        s.at.is_some_and(|t| now.saturating_sub(t) <= 120)
            && s.token_request.as_ref().is_some_and(|r| {
                // A token endpoint's success counts even without its body (DevTools' live
                // entries have none); any other login only by the token it returned.
                r.succeeded && r.error.is_none() && (r.issued.is_some() || r.grant_type.is_some())
            })
    });
    let Some(login) = login else {
        return;
    };
    draft(
        "pattern.after_login",
        Likelihood::High,
        93,
        "https://www.rfc-editor.org/rfc/rfc6750#section-2.1",
        "A token was just obtained, but this request did not carry it",
    )
    .explain(
        "You signed in successfully, but the app forgot to use your sign-in for this request. This is a bug in the app.",
        format!(
            "The login answered {} {} s earlier with a token, yet this request has no Authorization header: the client did not store the token, or built this request before it arrived (a race with the sign-in).",
            login.status,
            login.at.map_or(0, |t| now.saturating_sub(t))
        ),
    )
    .evidence("session", format!("{} {} → {}", login.method, Target::parse(&login.url).map(|t| t.path).unwrap_or(""), login.status))
    .evidence("Authorization", "not sent")
    .fix(Effort::Medium, "Client: await the token before making API calls, and attach it in an interceptor.", None)
    .push(out);
}

fn refresh(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(now) = cx.client_time else {
        return;
    };
    let recent: Vec<&Summary> = cx
        .history
        .token_requests()
        .filter(|s| s.at.is_some_and(|t| now.saturating_sub(t) <= 300))
        .filter(|s| {
            s.token_request
                .as_ref()
                .is_some_and(|r| r.grant_type.as_deref() == Some("refresh_token"))
        })
        .collect();
    if recent.is_empty() {
        return;
    }
    let sent = cx
        .credentials
        .as_ref()
        .and_then(|c| c.token68)
        .map(fingerprint);
    // DevTools' live HAR has no response bodies (they need getContent()), so a refresh
    // that failed is enough; the body, when present, confirms invalid_grant.
    let invalid_grant = recent.iter().any(|s| {
        s.token_request
            .as_ref()
            .is_some_and(|r| r.error.as_deref() == Some("invalid_grant") || !r.succeeded)
    });
    let concurrent = recent
        .windows(2)
        .any(|w| matches!((w[0].at, w[1].at), (Some(a), Some(b)) if b.saturating_sub(a) <= 2));
    let last_refresh = recent
        .iter()
        .rev()
        .find(|s| s.token_request.as_ref().is_some_and(|r| r.succeeded));
    let stale_token = last_refresh.is_some_and(|r| {
        let issued = r.token_request.as_ref().and_then(|t| t.issued);
        // Sent before that refresh: both are in the history's one slice, in session order.
        let used_before = sent.is_some_and(|sent| {
            cx.history
                .with_token(sent)
                .any(|s| std::ptr::from_ref(s) < std::ptr::from_ref(*r))
        });
        issued.is_some() && sent.is_some() && issued != sent && used_before
    });
    if !(invalid_grant || concurrent || stale_token) {
        return;
    }
    let reason = if stale_token {
        "the request reused the token from before the refresh"
    } else if invalid_grant {
        "a refresh was refused (invalid_grant: the refresh token was already used, revoked or expired)"
    } else {
        "two refreshes ran at the same time: with rotating refresh tokens the second invalidates the first"
    };
    draft(
        "pattern.refresh_race",
        Likelihood::High,
        if stale_token { 89 } else { 84 },
        "https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2",
        "A token refresh went wrong",
    )
    .explain(
        "The app's attempt to renew your sign-in went wrong. Signing in again fixes it; the app should be fixed too.",
        format!("In the last 5 minutes {reason}. With refresh-token rotation (RFC 9700 §4.14.2) every refresh must be serialised and all requests must switch to the new access token."),
    )
    .evidence("session", format!("{} refresh request(s) in the last 5 minutes", recent.len()))
    .fix(Effort::Easy, "Sign in again.", Some(Action::SignIn))
    .fix(Effort::Medium, "Client: share one in-flight refresh between callers, and retry failed calls with the new token.", None)
    .push(out);
}

fn expiry_boundary(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(sent) = cx
        .credentials
        .as_ref()
        .and_then(|c| c.token68)
        .map(fingerprint)
    else {
        return;
    };
    let Some(exp) = cx
        .credentials
        .as_ref()
        .and_then(|c| c.token.as_ref())
        .and_then(|t| t.claims.exp)
        .filter(|d| !d.millis)
        .map(|d| d.seconds)
    else {
        return;
    };
    let Some(now) = cx.client_time else {
        return;
    };
    let last_success = cx
        .history
        .with_token(sent)
        .rev()
        .find(|s| (200..400).contains(&s.status))
        .and_then(|s| s.at);
    let Some(success_at) = last_success else {
        return;
    };
    if !(success_at <= exp && now > exp) {
        return;
    }
    draft(
        "pattern.expiry_boundary",
        Likelihood::High,
        80,
        "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4",
        "The same token worked until it expired, then started failing",
    )
    .explain(
        "Your sign-in worked until it expired. The app should renew it automatically; sign in again for now.",
        format!("The same token succeeded at {} (before exp {}) and fails now ({}): the client does not refresh before expiry.", fmt_time(success_at), fmt_time(exp), fmt_time(now)),
    )
    .evidence("session", format!("last success with this token {}", fmt_time(success_at)))
    .evidence("token claim", format!("exp {}", fmt_time(exp)))
    .fix(Effort::Medium, "Client: refresh proactively (e.g. 60 s before exp) and once on a 401.", None)
    .push(out);
}

fn public_page(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let ex = cx.exchange;
    let navigation = matches!(ex.resource_type.as_deref(), Some("document" | "main_frame"))
        || (ex
            .request_header("Sec-Fetch-Mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("navigate"))
            && ex
                .request_header("Sec-Fetch-Dest")
                .is_some_and(|d| d.eq_ignore_ascii_case("document")));
    let html = ex
        .response_header("Content-Type")
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/html"));
    if !navigation || !html || ex.status != 401 {
        return;
    }
    draft(
        "pattern.public_page",
        Likelihood::Medium,
        // Above auth.missing without a challenge (70): a page navigation never carries
        // Authorization, so "no credentials" is the symptom, not the cause.
        74,
        "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        "The page itself answered 401",
    )
    .explain(
        "This page requires you to sign in before it shows anything.",
        "A top-level HTML navigation got 401. For a page meant to be public, an auth middleware covers too many routes; for a private page, a redirect to the sign-in page is friendlier than a bare 401.",
    )
    .evidence("request", "top-level navigation")
    .evidence("Content-Type", ex.response_header("Content-Type").unwrap_or("").to_owned())
    .fix(Effort::Easy, "Sign in, then reload the page.", Some(Action::SignIn))
    .push(out);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::{codes, exchange, jwt, T0_MS};
    use super::super::{diagnose, fmt_time};
    use super::*;

    const NOW: i64 = T0_MS / 1000;

    #[test]
    fn fingerprints_tell_tokens_apart_by_any_byte() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        // Same bytes at another address: the fingerprint depends on content only.
        assert_eq!(
            fingerprint(token),
            fingerprint(String::from(token).as_str())
        );
        let mut seen = std::collections::HashSet::new();
        for i in 0..token.len() {
            let mut other = token.as_bytes().to_vec();
            other[i] ^= 1;
            assert!(
                seen.insert(fingerprint(&String::from_utf8_lossy(&other))),
                "{i}"
            );
        }
        // Trailing zero bytes and shorter prefixes are other tokens too.
        assert_ne!(fingerprint("abc"), fingerprint("abc\0"));
        assert_ne!(fingerprint("abcdefgh"), fingerprint("abcdefg"));
        assert!(!seen.contains(&fingerprint(token)));
    }

    fn at(mut ex: Exchange, seconds: i64) -> Exchange {
        ex.started_ms = Some((NOW + seconds) * 1000);
        ex
    }

    #[test]
    fn preflight_and_clearing_and_transport() {
        let ex = exchange(
            "OPTIONS",
            "https://api.example/x",
            401,
            &[
                ("Access-Control-Request-Method", "GET"),
                ("Origin", "https://app.example"),
            ],
            &[],
        );
        assert_eq!(codes(&diagnose(&ex))[0], "cors.preflight_unauthorized");
        let ex = exchange(
            "GET",
            "https://app.example/x",
            401,
            &[("Cookie", "sid=1")],
            &[
                ("Set-Cookie", "sid=; Max-Age=0; Path=/"),
                ("WWW-Authenticate", "Bearer"),
            ],
        );
        assert!(codes(&diagnose(&ex)).contains(&"session.cleared_by_server"));
        let ex = exchange(
            "GET",
            "http://api.example/x",
            401,
            &[("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            &[("WWW-Authenticate", "Basic realm=\"a\"")],
        );
        assert!(codes(&diagnose(&ex)).contains(&"transport.insecure_credentials"));
        let ex = exchange(
            "GET",
            "http://127.0.0.1:8080/x",
            401,
            &[("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            &[("WWW-Authenticate", "Basic realm=\"a\"")],
        );
        assert!(
            !codes(&diagnose(&ex)).contains(&"transport.insecure_credentials"),
            "loopback is fine"
        );
    }

    #[test]
    fn cookies_set_earlier_are_followed() {
        let mut session = Session::default();
        session.diagnose(&at(
            exchange(
                "POST",
                "https://app.example/login",
                200,
                &[],
                &[
                    ("Set-Cookie", "sid=1; Path=/api; Secure; HttpOnly"),
                    ("Set-Cookie", "short=1; Max-Age=5; Path=/; HttpOnly"),
                    // Neither HttpOnly nor a session-like name: its expiry explains no 401.
                    ("Set-Cookie", "banner=1; Max-Age=5; Path=/"),
                ],
            ),
            0,
        ));
        let ex = at(
            exchange("GET", "https://app.example/other", 401, &[], &[]),
            60,
        );
        let findings = session.diagnose(&ex);
        let found = codes(&findings);
        assert!(found.contains(&"session.cookie_not_sent"), "{found:?}");
        assert!(found.contains(&"session.cookie_expired"), "{found:?}");
        assert!(
            !findings.iter().any(|f| f.title.contains("banner")),
            "{found:?}"
        );
    }

    /// Issue #11 item 2: cookies are judged by how the request authenticates. A login
    /// page's own cookies on a Bearer API call, or on a Bearer-challenged 401, are not
    /// evidence; the body speaking of a session makes them evidence again.
    #[test]
    fn cookies_only_count_for_cookie_authenticated_requests() {
        let login = || {
            at(
                exchange(
                    "POST",
                    "https://app.example/login",
                    200,
                    &[],
                    &[
                        ("Set-Cookie", "sid=1; Path=/login; HttpOnly; Secure"),
                        ("Set-Cookie", "theme=dark; Path=/; SameSite=Strict"),
                    ],
                ),
                0,
            )
        };
        let not_sent = |req: &[(&str, &str)], resp: &[(&str, &str)], body: Option<&str>| {
            let mut session = Session::default();
            session.diagnose(&login());
            let mut ex = at(
                exchange("GET", "https://app.example/api/x", 401, req, resp),
                5,
            );
            ex.response_body = body.map(str::to_owned);
            session
                .diagnose(&ex)
                .into_iter()
                .filter(|f| f.code == "session.cookie_not_sent")
                .map(|f| f.title)
                .collect::<Vec<_>>()
        };
        let bearer = [("WWW-Authenticate", "Bearer error=\"invalid_token\"")];
        assert!(not_sent(&[("Authorization", "Bearer abc")], &bearer, None).is_empty());
        assert!(not_sent(&[], &bearer, None).is_empty(), "Bearer-challenged");
        assert!(not_sent(&[("Authorization", "Basic YTpi")], &[], None).is_empty());
        let found = not_sent(&[], &[], None);
        assert_eq!(found.len(), 1, "{found:?}: theme is no session cookie");
        assert!(
            found[0].contains("sid") && found[0].contains("path"),
            "{found:?}"
        );
        let found = not_sent(&[], &bearer, Some(r#"{"detail":"session expired"}"#));
        assert_eq!(found.len(), 1, "{found:?}");
    }

    /// A session cookie scoped to another path is no evidence when the request carried
    /// the session cookie that applies here.
    #[test]
    fn cookies_of_another_path_never_applied() {
        let mut session = Session::default();
        session.diagnose(&at(
            exchange(
                "POST",
                "https://app.example/login",
                200,
                &[],
                &[
                    ("Set-Cookie", "sid=1; Path=/; HttpOnly"),
                    ("Set-Cookie", "admin_sid=1; Path=/admin; HttpOnly"),
                ],
            ),
            0,
        ));
        let with = |cookie: &str| {
            exchange(
                "GET",
                "https://app.example/api/x",
                401,
                &[("Cookie", cookie)],
                &[],
            )
        };
        let found = session.diagnose(&at(with("sid=1"), 1));
        assert!(
            !codes(&found).contains(&"session.cookie_not_sent"),
            "{found:?}"
        );
        let found = session.diagnose(&at(with("other=1"), 2));
        let titles: Vec<&str> = found
            .iter()
            .filter(|f| f.code == "session.cookie_not_sent")
            .map(|f| f.title.as_ref())
            .collect();
        assert!(
            titles
                .iter()
                .any(|t| t.contains("admin_sid was not sent (path)"))
                && titles.contains(&"Cookie sid was not sent (not_sent)"),
            "{titles:?}"
        );
    }

    /// The model's reason reaches the finding: a Lax-by-default session cookie on a
    /// cross-site fetch, and a Secure one over plain http.
    #[test]
    fn the_model_names_the_reason() {
        let mut session = Session::default();
        session.diagnose(&at(
            exchange(
                "POST",
                "https://api.example/session",
                200,
                &[],
                &[("Set-Cookie", "connect.sid=s%3A1; Path=/; HttpOnly; Secure")],
            ),
            0,
        ));
        let found = session.diagnose(&at(
            exchange(
                "GET",
                "https://api.example/me",
                401,
                &[
                    ("Sec-Fetch-Site", "cross-site"),
                    ("Sec-Fetch-Mode", "cors"),
                    ("Cookie", "other=1"),
                ],
                &[],
            ),
            1,
        ));
        let f = found.iter().find(|f| f.code == "session.cookie_not_sent");
        assert!(
            f.is_some_and(|f| f.title.contains("same_site_lax")
                && f.detail.contains("Lax by default")
                && f.likelihood == Likelihood::Medium),
            "{found:?}"
        );
        let found = codes(&session.diagnose(&at(
            exchange("GET", "http://api.example/me", 401, &[], &[]),
            2,
        )));
        assert!(found.contains(&"session.cookie_not_sent"), "{found:?}");
    }

    #[test]
    fn redirects_that_drop_authorization_are_named() {
        let mut session = Session::default();
        let mut first = exchange(
            "GET",
            "https://api.example/v1/x",
            307,
            &[("Authorization", "Bearer abc")],
            &[("Location", "https://cdn.example/v1/x")],
        );
        first.redirect_url = Some("https://cdn.example/v1/x".into());
        session.diagnose(&at(first, 0));
        let found = codes(&session.diagnose(&at(
            exchange(
                "GET",
                "https://cdn.example/v1/x",
                401,
                &[],
                &[("WWW-Authenticate", "Bearer")],
            ),
            0,
        )));
        assert_eq!(found[0], "cors.auth_dropped_on_redirect", "{found:?}");
    }

    #[test]
    fn cross_origin_credentials_and_exposure() {
        let ex = exchange(
            "GET",
            "https://api.example/x",
            401,
            &[
                ("Origin", "https://app.example"),
                ("Sec-Fetch-Mode", "cors"),
            ],
            &[
                ("WWW-Authenticate", "Bearer"),
                ("Access-Control-Allow-Origin", "https://app.example"),
            ],
        );
        let found = codes(&diagnose(&ex));
        assert!(
            found.contains(&"cors.credentials_not_included")
                && found.contains(&"cors.challenge_not_exposed"),
            "{found:?}"
        );
    }

    #[test]
    fn patterns_across_requests() {
        let mut session = Session::default();
        let fail = || {
            exchange(
                "GET",
                "https://api.example/x",
                401,
                &[("Authorization", "Bearer abc")],
                &[("WWW-Authenticate", "Bearer error=\"invalid_token\"")],
            )
        };
        let mut last = Vec::new();
        for i in 0..6 {
            last = codes(&session.diagnose(&at(fail(), i)));
        }
        assert!(last.contains(&"pattern.retry_storm"), "{last:?}");

        let mut session = Session::default();
        let mut token = exchange("POST", "https://login.example/oauth/token", 200, &[], &[]);
        token.request_body = Some("grant_type=authorization_code&code=x".into());
        token.response_body = Some(r#"{"access_token":"abc","token_type":"Bearer"}"#.into());
        session.diagnose(&at(token, 0));
        let found = codes(&session.diagnose(&at(
            exchange(
                "GET",
                "https://api.example/x",
                401,
                &[],
                &[("WWW-Authenticate", "Bearer")],
            ),
            1,
        )));
        assert_eq!(found[0], "pattern.after_login", "{found:?}");

        let mut session = Session::default();
        session.diagnose(&at(
            exchange(
                "GET",
                "https://api.example/x",
                200,
                &[("Authorization", "Bearer old")],
                &[],
            ),
            0,
        ));
        let mut refresh = exchange("POST", "https://login.example/oauth/token", 200, &[], &[]);
        refresh.request_body = Some("grant_type=refresh_token&refresh_token=r".into());
        refresh.response_body = Some(r#"{"access_token":"new"}"#.into());
        session.diagnose(&at(refresh, 1));
        let found = codes(&session.diagnose(&at(fail().clone_with_auth("Bearer old"), 2)));
        assert!(found.contains(&"pattern.refresh_race"), "{found:?}");

        let token = jwt(json!({"alg":"RS256"}), json!({"exp": NOW + 30}));
        let with = |status| {
            exchange(
                "GET",
                "https://api.example/x",
                status,
                &[("Authorization", &format!("Bearer {token}"))],
                &[
                    ("WWW-Authenticate", "Bearer error=\"invalid_token\""),
                    ("Date", &fmt_time(NOW + 200)),
                ],
            )
        };
        let mut session = Session::default();
        session.diagnose(&at(with(200), 0));
        let found = codes(&session.diagnose(&at(with(401), 200)));
        assert!(
            found.contains(&"pattern.expiry_boundary") && found.contains(&"token.expired"),
            "{found:?}"
        );

        let ex = exchange(
            "GET",
            "https://app.example/",
            401,
            &[
                ("Sec-Fetch-Mode", "navigate"),
                ("Sec-Fetch-Dest", "document"),
            ],
            &[("Content-Type", "text/html; charset=utf-8")],
        );
        assert!(codes(&diagnose(&ex)).contains(&"pattern.public_page"));
    }

    trait WithAuth {
        fn clone_with_auth(&self, value: &str) -> Exchange;
    }

    impl WithAuth for Exchange {
        fn clone_with_auth(&self, value: &str) -> Exchange {
            let mut ex = self.clone();
            for h in &mut ex.request_headers {
                if h.name.eq_ignore_ascii_case("Authorization") {
                    h.value = value.to_owned();
                }
            }
            ex
        }
    }

    #[test]
    fn the_session_is_bounded() {
        let mut session = Session::new(3);
        for _ in 0..10 {
            session.record(&exchange("GET", "https://a.example/", 200, &[], &[]));
        }
        assert_eq!(session.len(), 3);
    }
    #[test]
    fn a_handshake_first_leg_is_told_from_a_failure() {
        let first = exchange(
            "GET",
            "http://127.0.0.1/private/",
            401,
            &[],
            &[(
                "WWW-Authenticate",
                r#"Digest realm="r", nonce="n", qop="auth""#,
            )],
        );
        let answer = exchange(
            "GET",
            "http://127.0.0.1/private/",
            200,
            &[(
                "Authorization",
                r#"Digest username="a", realm="r", nonce="n", uri="/private/", response="x""#,
            )],
            &[],
        );
        let mut session = Session::default();
        assert!(!session.answers_previous_challenge(&first));
        session.diagnose(&first);
        assert!(session.answers_previous_challenge(&answer));
        // A refused answer, another URL, or a scheme that was not offered: no handshake.
        let mut refused = answer.clone();
        refused.status = 401;
        assert!(!session.answers_previous_challenge(&refused));
        let mut elsewhere = answer.clone();
        elsewhere.url = "http://127.0.0.1/other/".into();
        assert!(!session.answers_previous_challenge(&elsewhere));
        let bearer = exchange(
            "GET",
            "http://127.0.0.1/private/",
            200,
            &[("Authorization", "Bearer t")],
            &[],
        );
        assert!(!session.answers_previous_challenge(&bearer));
    }

    #[test]
    fn a_login_is_recognised_by_its_answer() {
        for (path, answer) in [
            (
                "/api/login/",
                r#"{"jwt":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln-abcdefgh"}"#,
            ),
            (
                "/auth/sign-in",
                r#"{"data":{"accessToken":"0123456789abcdef0123"}}"#,
            ),
            (
                "/session",
                r#"{"token":"0123456789abcdef0123","user":{"id":1}}"#,
            ),
        ] {
            let mut session = Session::default();
            let mut login = exchange("POST", &format!("https://api.example{path}"), 200, &[], &[]);
            login.request_body = Some(r#"{"email":"a@b.c","password":"p"}"#.into());
            login.response_body = Some(answer.into());
            session.diagnose(&at(login, 0));
            let found = codes(&session.diagnose(&at(
                exchange(
                    "GET",
                    "https://api.example/api/me",
                    401,
                    &[],
                    &[("WWW-Authenticate", "Bearer")],
                ),
                1,
            )));
            assert_eq!(found[0], "pattern.after_login", "{path}: {found:?}");
        }
        // A login that only sets a cookie issues no token: no after_login.
        let mut session = Session::default();
        let mut login = exchange(
            "POST",
            "https://api.example/login",
            200,
            &[],
            &[("Set-Cookie", "sid=x; Path=/")],
        );
        login.response_body = Some(r#"{"ok":true}"#.into());
        session.diagnose(&at(login, 0));
        let found = codes(&session.diagnose(&at(
            exchange(
                "GET",
                "https://api.example/api/me",
                401,
                &[],
                &[("WWW-Authenticate", "Bearer")],
            ),
            1,
        )));
        assert!(!found.contains(&"pattern.after_login"), "{found:?}");
    }
}
