//! A cookie jar rebuilt from a session's `Set-Cookie` answers: would the browser send this
//! cookie here, and if not, why?
//!
//! DevTools shows why a cookie was blocked; extensions and HAR files do not carry that. So
//! the jar replays the user agent's storage and retrieval algorithms of RFC 6265bis
//! (draft-ietf-httpbis-rfc6265bis-20: §5.7 storage model, §5.8.3 retrieval algorithm;
//! sections are cited by number, and steps by what they say, as their numbers move between
//! drafts), as Chromium and Firefox ship them, over the exchanges of one tab or HAR file,
//! in order. For every request it gives the `Cookie` header the model expects, the one actually sent, and each
//! cookie withheld with a machine [`Reason`] and a sentence ([`RequestCookies`]).
//!
//! What is modelled:
//! - **Domain** (§5.7, Domain, domain-match §5.1.3): host-only unless `Domain` is given;
//!   a `Domain` that does not domain-match the setting host refuses the cookie; an IP
//!   address only domain-matches itself, so its cookies are host-only.
//! - **Path** (§5.1.4): the default-path of the request URL, and path-match.
//! - **Secure**: set only from a secure origin (§5.7, Secure), a non-Secure cookie from
//!   plain http may not overwrite a Secure one (§5.7, "leave secure cookies alone"), and
//!   sent only to secure origins (§5.8.3 step 1). A "secure protocol" is left
//!   to the user agent; both Chromium and Firefox count `https`/`wss` and loopback
//!   (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`: potentially trustworthy origins,
//!   Secure Contexts §3.1) as secure. The draft's note in §5.8.3 gives `localhost` as
//!   the example of a trusted host, and its Appendix A refers to potentially trustworthy
//!   origins.
//! - **HttpOnly** plays no part in what HTTP requests carry (it hides the cookie from
//!   `document.cookie`); it is kept only as a hint that a cookie holds a session.
//! - **SameSite** (§5.2, §5.6.7, §5.7 same-site-flag, §5.8.3 step 1): the **schemeful**
//!   same-site rule (a site is a scheme and a registrable domain: `http://a.example` and
//!   `https://a.example` are cross-site); Strict is never sent cross-site; Lax only on a
//!   cross-site *top-level navigation* with a safe method (RFC 9110 §9.2.1); None always,
//!   and only with Secure (Chromium refuses `SameSite=None` without `Secure`). A cookie
//!   without SameSite is Lax in Chromium (Lax-by-default, Chrome 80), with Chromium's
//!   "Lax+POST" exception (a cookie younger than 2 minutes is still sent on a cross-site
//!   top-level POST); Firefox treats it as None ([`Browser::Firefox`]). A cookie other than
//!   None set by a cross-site response that is not a top-level navigation is refused at
//!   set time (§5.7, same-site-flag).
//! - **Expiry** (§5.6.1, §5.6.2): `Max-Age` wins over `Expires`; `Max-Age` ≤ 0 or an
//!   `Expires` in the past deletes; lifetimes are capped at 400 days; no attribute makes a
//!   session cookie, which lives as long as the HAR.
//! - **Prefixes** (§4.1.3): `__Secure-` needs `Secure` and a secure origin; `__Host-` also
//!   needs `Path=/` and no `Domain`; a nameless cookie whose value starts with a prefix is
//!   refused (§5.7, prefixes). Otherwise refused at set time.
//! - **Partitioned** (CHIPS, draft-cutler-httpbis-partitioned-cookies): needs `Secure`, is
//!   keyed by the top-level site it was set under, and is sent only under that site.
//! - **Replacement** (§5.7, replacement): a cookie with the same name, domain, host-only
//!   flag and path (and partition) replaces the old one and keeps its creation time.
//! - **Order** (§5.8.3 step 2): longer paths first, then earlier creation times.
//!
//! # Implementation notes: deliberate deviations, and what is inferred
//! - **No public suffix list.** Shipping the PSL would cost the Wasm module ~100 KB of its
//!   250 KB budget. The registrable domain is approximated by the last two labels, or
//!   three under the few multi-label public suffixes of [`MULTI_LABEL_SUFFIXES`]
//!   (`co.uk`, `com.au`, `github.io`, …). A `Domain` of one label (`Domain=com`) or one
//!   of those suffixes is refused as a public suffix, as browsers do (§5.7, public
//!   suffixes), unless it equals the host (then host-only). Suffixes the list lacks (`Domain=pvt.k12.ma.us`)
//!   are accepted where a browser would refuse them, and sites under them may be judged
//!   same-site where a browser would not.
//! - **The initiator and the top-level site are inferred** from what a HAR shows, in this
//!   order. Cross-site: `Sec-Fetch-Site` (the browser's own verdict, schemeful, over the
//!   redirect chain); without it, the site of `Origin` (`null` is cross-site: an opaque
//!   origin), then of `Referer`; with none of them the request counts as same-site, and
//!   [`Context::inferred`] says so. Top-level navigation: HAR `_resourceType` `document`
//!   (webRequest `main_frame`), or `Sec-Fetch-Mode: navigate` with `Sec-Fetch-Dest:
//!   document`. Top-level site (the partition key): the site of the last top-level
//!   navigation seen, else of `Referer`, else of `Origin`, else of the request itself.
//!   A subresource of a cross-site *iframe* whose own requests are same-origin looks
//!   same-site here, whereas the browser's "site for cookies" makes it cross-site: HAR
//!   entries do not name their frame's ancestors.
//! - **Credentials mode is not in a HAR.** A CORS-mode (`Sec-Fetch-Mode: cors`)
//!   cross-origin request that carries no `Cookie` header at all, while the model expects
//!   some, was most likely made with `credentials: "same-origin"` (fetch's default) or
//!   `"omit"`: such cookies are withheld as [`Reason::CredentialsOmitted`], marked
//!   `certain: false`, never as a certainty. A `Set-Cookie` on such a response is dropped
//!   by the browser too (Fetch, "HTTP-network fetch"); the model cannot know and stores it.
//! - **Cookies the HAR never set** (set before the recording started, or by
//!   `document.cookie`) are unknown to the model: a request carrying them is fine, and
//!   they are listed as `unknown_sent`, never as a finding.
//! - **Third-party cookie blocking, user and script deletion** are invisible in a HAR: a
//!   cookie the model expects and the browser did not send is withheld as
//!   [`Reason::NotSent`], uncertain.
//! - **Bounds.** At most [`MAX_PER_SITE`] cookies per site and [`MAX_COOKIES`] in all,
//!   the limits of Chromium's `CookieMonster` (180 per registrable domain, 3,300 in all,
//!   purged by 30 and 300, least recently used first); refusals and deletions are
//!   remembered under the same caps and purged first. Evicted cookies are forgotten.
//!   Per request the cost is one lookup plus the cookies of the request's site.
//! - **Values.** The jar keeps a 64-bit fingerprint of each value (to tell "the same
//!   value" when comparing sent and expected) and its masked form ([`crate::secret`]);
//!   the value itself only when built with `keep_values` (the CLI's `--reveal`), and
//!   neither in a diagnosis session's jar ([`CookieJar::names_only`]).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;

use serde::Serialize;

use crate::cookie::{parse_cookie_header, parse_set_cookie, SameSite, SetCookie, MAX_LIFETIME};
use crate::exchange::Exchange;
use crate::secret;
use crate::target::Target;

/// Chromium's per-registrable-domain cookie limit (`kDomainMaxCookies`); RFC 6265bis §6.1
/// asks for at least 50.
pub const MAX_PER_SITE: usize = 180;
/// How many of a full site's cookies are purged at once (`kDomainPurgeCookies`).
const PURGE_PER_SITE: usize = 30;
/// Chromium's global limit is 3,300 (`kMaxCookies`), purged down to this (3,000, the
/// figure RFC 6265bis §6.1 asks for at least).
pub const MAX_COOKIES: usize = 3000;
const PURGE_ABOVE: usize = 3300;

/// Chromium's "Lax+POST" window: a cookie without SameSite younger than this is still sent
/// on a cross-site top-level POST (`kLaxAllowUnsafeMaxAge`).
const LAX_ALLOWING_UNSAFE_MS: i64 = 2 * 60 * 1000;

/// Public suffixes of more than one label that the approximation knows (a small part of
/// the Public Suffix List, https://publicsuffix.org/: the ICANN suffixes of the most used
/// country codes, and the PRIVATE section's hosting domains, where every customer is a
/// site of its own).
pub const MULTI_LABEL_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "me.uk",
    "net.uk",
    "ltd.uk",
    "plc.uk",
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "co.nz",
    "org.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "ac.jp",
    "go.jp",
    "co.kr",
    "or.kr",
    "com.br",
    "net.br",
    "org.br",
    "com.cn",
    "net.cn",
    "org.cn",
    "com.hk",
    "com.tw",
    "com.sg",
    "co.in",
    "net.in",
    "org.in",
    "co.za",
    "com.mx",
    "com.ar",
    "com.tr",
    "co.il",
    "com.ua",
    "co.id",
    "com.my",
    "com.ph",
    "com.vn",
    "com.pl",
    "github.io",
    "gitlab.io",
    "herokuapp.com",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "azurewebsites.net",
    "cloudfront.net",
    "blogspot.com",
    "ngrok.io",
    "ngrok-free.app",
    "onrender.com",
    "fly.dev",
    "s3.amazonaws.com",
];

/// Which browser's defaults the model follows where they differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Browser {
    /// Lax-by-default, `SameSite=None` requires `Secure`, "Lax+POST".
    #[default]
    Chromium,
    /// A cookie without SameSite is None (Firefox tried Lax-by-default in Nightly and
    /// ships with `network.cookie.sameSite.laxByDefault` off), and `SameSite=None` without
    /// `Secure` is kept.
    Firefox,
}

/// Why a cookie is not in the Cookie header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Its Path does not path-match the request's (§5.1.4).
    Path,
    /// Host-only for another host, or a Domain that does not cover this host (§5.1.3); or
    /// refused when set, for a Domain that does not cover the host that set it.
    Domain,
    /// Secure, and the request is not to a secure origin; or refused when set from one.
    Secure,
    /// SameSite=Strict on a cross-site request, or set by a cross-site response.
    SameSiteStrict,
    /// SameSite=Lax (or Lax by default) on a cross-site request that is not a top-level
    /// navigation with a safe method, or set by a cross-site response.
    SameSiteLax,
    /// SameSite=None without Secure: refused when set (Chromium).
    SameSiteNoneInsecure,
    /// Its expiry time had passed.
    Expired,
    /// Partitioned under another top-level site, or Partitioned without Secure.
    Partition,
    /// A CORS request without credentials (a candidate, never certain).
    CredentialsOmitted,
    /// An earlier response deleted it.
    Deleted,
    /// A `__Secure-`/`__Host-` cookie that breaks its prefix's rules: refused when set.
    PrefixRejected,
    /// A Set-Cookie the browser ignores (control characters, over 4096 bytes, empty).
    Invalid,
    /// The model expected it and the browser did not send it; no reason is visible in the
    /// HAR (third-party cookie blocking, removed by script or by the user).
    NotSent,
}

impl Reason {
    /// The reason's machine name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Path => "path",
            Reason::Domain => "domain",
            Reason::Secure => "secure",
            Reason::SameSiteStrict => "same_site_strict",
            Reason::SameSiteLax => "same_site_lax",
            Reason::SameSiteNoneInsecure => "same_site_none_insecure",
            Reason::Expired => "expired",
            Reason::Partition => "partition",
            Reason::CredentialsOmitted => "credentials_omitted",
            Reason::Deleted => "deleted",
            Reason::PrefixRejected => "prefix_rejected",
            Reason::Invalid => "invalid",
            Reason::NotSent => "not_sent",
        }
    }
}

/// A cookie the model says the browser did not send with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withheld {
    pub name: String,
    pub reason: Reason,
    /// One sentence, without the value.
    pub explanation: String,
    /// False for reasons inferred from the request's shape ([`Reason::CredentialsOmitted`],
    /// [`Reason::NotSent`]).
    pub certain: bool,
    /// The entry whose response set, refused or deleted it.
    pub set_index: Option<usize>,
    /// When its expiry passed ([`Reason::Expired`]), in ms since the epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_at_ms: Option<i64>,
    /// A cookie of that name was sent anyway (another cookie of the same name, one the
    /// HAR never set): not evidence of a missing cookie.
    pub name_sent: bool,
    /// Looks like it carries a session: HttpOnly, or a session-like name ([`session_like_name`]).
    /// (Not "set by a sign-in response": a login page sets its CSRF and preference cookies
    /// too.)
    pub session_like: bool,
    /// Its Path and Domain as stored (host-only cookies: the host).
    pub domain: String,
    pub path: String,
}

/// A cookie in a Cookie header, its value masked (or revealed when the jar keeps values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderCookie {
    pub name: String,
    pub value: String,
    /// HttpOnly or a session-like name (expected cookies only; the JSON leaves it out).
    #[serde(skip)]
    pub session_like: bool,
}

/// How the model read the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Context {
    /// `https`, `wss` or loopback.
    pub secure: bool,
    pub cross_site: bool,
    pub top_level_navigation: bool,
    /// The schemeful top-level site, `https://example.com` (the partition key).
    pub top_level_site: String,
    /// Neither Sec-Fetch-Site, Origin nor Referer said where the request came from.
    pub inferred: bool,
}

/// The model's verdict for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RequestCookies {
    /// Position of the exchange in the stream (HAR `log.entries` index).
    pub index: usize,
    /// In the order of §5.8.3.
    pub expected: Vec<HeaderCookie>,
    /// As sent, in order; `None`: no Cookie header.
    pub sent: Option<Vec<HeaderCookie>>,
    pub withheld: Vec<Withheld>,
    /// Sent, and never set in the HAR (set before it started, or by script): fine.
    pub unknown_sent: Vec<String>,
    pub context: Context,
}

impl RequestCookies {
    /// `a=b; c=d`, or `None` for no cookie.
    pub fn expected_header(&self) -> Option<String> {
        header(&self.expected)
    }

    /// The Cookie header as sent (values masked unless the jar keeps them).
    pub fn sent_header(&self) -> Option<String> {
        self.sent.as_deref().map(|c| header(c).unwrap_or_default())
    }

    /// The withheld cookies that say something about this request: certain or not, not
    /// shadowed by a cookie of the same name that was sent.
    pub fn missing(&self) -> impl Iterator<Item = &Withheld> {
        self.withheld.iter().filter(|w| !w.name_sent)
    }
}

/// A verdict for the UIs: names and reasons, never values (the panel, the popup).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CookieNames {
    /// The cookies the model expects, in §5.8.3 order.
    pub expected: Vec<String>,
    /// `None`: no Cookie header.
    pub sent: Option<Vec<String>>,
    pub withheld: Vec<Withheld>,
    pub unknown_sent: Vec<String>,
}

impl RequestCookies {
    /// The verdict without values.
    pub fn names(&self) -> CookieNames {
        let names = |list: &[HeaderCookie]| list.iter().map(|c| c.name.clone()).collect();
        CookieNames {
            expected: names(&self.expected),
            sent: self.sent.as_deref().map(names),
            withheld: self.withheld.clone(),
            unknown_sent: self.unknown_sent.clone(),
        }
    }
}

/// `name=value; …` as §5.8.3 step 4 writes it (a nameless cookie is its value alone).
fn header(cookies: &[HeaderCookie]) -> Option<String> {
    if cookies.is_empty() {
        return None;
    }
    let parts: Vec<String> = cookies
        .iter()
        .map(|c| {
            if c.name.is_empty() {
                c.value.clone()
            } else {
                format!("{}={}", c.name, c.value)
            }
        })
        .collect();
    Some(parts.join("; "))
}

/// A site as the schemeful same-site rule compares it (HTML "same site").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Site {
    /// `https`/`wss` → "https", everything else → "http" (ws is http's).
    scheme: &'static str,
    domain: String,
}

impl Site {
    fn of(target: &Target<'_>) -> Self {
        Site {
            scheme: if is_secure_scheme(target.scheme) {
                "https"
            } else {
                "http"
            },
            domain: registrable_domain(&target.host.to_ascii_lowercase()),
        }
    }

    fn of_url(url: &str) -> Option<Self> {
        Target::parse(url).map(|t| Self::of(&t))
    }

    fn key(&self) -> String {
        format!("{}://{}", self.scheme, self.domain)
    }
}

fn is_secure_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("wss")
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

/// Whether `domain` is a public suffix as far as the approximation knows: one label, or
/// one of [`MULTI_LABEL_SUFFIXES`]. `localhost` is one label, but browsers let it set
/// cookies for itself, which the caller allows by the "equals the host" rule.
fn is_public_suffix(domain: &str) -> bool {
    !domain.contains('.') || MULTI_LABEL_SUFFIXES.contains(&domain)
}

/// The approximate registrable domain ("eTLD+1") of a lower-case host.
///
/// Every request asks this of its host (and of its `Origin` or `Referer`), so a host of
/// well-formed labels is answered by slicing it: with two labels it is its own registrable
/// domain, and only a longer one is looked up among the multi-label suffixes.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.');
    if is_ip(host) || !host.contains('.') {
        return host.to_owned();
    }
    // The host's last `k` labels, when it has more than `k`.
    let last_labels = |k: usize| {
        memchr::memrchr_iter(b'.', host.as_bytes())
            .nth(k - 1)
            .map(|dot| &host[dot + 1..])
    };
    // The longest known suffix the host ends with (the suffixes have two or three
    // labels), plus one label. Compared whole, not with `ends_with` on each of them.
    let labels_of_suffix = [3, 2]
        .into_iter()
        .find(|&k| last_labels(k).is_some_and(|s| MULTI_LABEL_SUFFIXES.contains(&s)))
        .unwrap_or(1);
    let take = labels_of_suffix + 1;
    if !host.starts_with('.') && !host.contains("..") {
        // No empty label: the last `take` labels, or the whole host.
        return last_labels(take).unwrap_or(host).to_owned();
    }
    let labels: Vec<&str> = host.rsplit('.').take(take).collect();
    let mut out: Vec<&str> = labels.into_iter().rev().collect();
    out.retain(|l| !l.is_empty());
    out.join(".")
}

/// RFC 6265bis §5.1.3 domain-match: identical, or a suffix after a dot of a host name
/// that is not an IP address.
pub fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes().get(host.len() - domain.len() - 1) == Some(&b'.')
        && !is_ip(host)
}

/// RFC 6265bis §5.1.4 default-path: the request path up to its last `/`, or `/`.
pub fn default_path(uri_path: &str) -> &str {
    if !uri_path.starts_with('/') {
        return "/";
    }
    match uri_path.rfind('/') {
        Some(0) | None => "/",
        Some(last) => uri_path.get(..last).unwrap_or("/"),
    }
}

/// RFC 6265bis §5.1.4 path-match.
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    if request_path == cookie_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/')
            || request_path
                .as_bytes()
                .get(cookie_path.len())
                .is_some_and(|b| *b == b'/'))
}

/// The jar's identity of a cookie (§5.7, replacement, plus the CHIPS partition key).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    /// The cookie's domain, or the host for host-only cookies.
    domain: String,
    host_only: bool,
    path: String,
    partition: Option<String>,
}

#[derive(Debug, Clone)]
struct Live {
    secure: bool,
    same_site: Option<SameSite>,
    /// ms since the epoch; `None`: a session cookie.
    expiry_ms: Option<i64>,
    creation_ms: Option<i64>,
    /// Creation order, kept on replacement (ties of creation time, §5.8.3 step 2).
    creation_seq: u64,
    shown: String,
    fingerprint: u64,
}

#[derive(Debug, Clone)]
struct Tomb {
    reason: Reason,
    explanation: String,
}

#[derive(Debug, Clone)]
struct Slot {
    key: Key,
    live: Option<Live>,
    /// The last refusal or deletion; a refusal leaves a live cookie in place.
    tomb: Option<Tomb>,
    set_index: usize,
    session_like: bool,
    last_access: u64,
}

/// What the model knows about one request, read once.
struct Request<'a> {
    target: Target<'a>,
    host: String,
    secure: bool,
    site: Site,
    cross_site: bool,
    top_navigation: bool,
    safe_method: bool,
    top_level: Site,
    inferred: bool,
    /// CORS mode, cross-origin: fetch's default credentials mode sends no cookies.
    cors_cross_origin: bool,
    /// A script's same-origin request (Sec-Fetch-Site same-origin, mode cors or
    /// same-origin, destination empty): no third-party blocking applies to it, so the
    /// only way the browser leaves out every applicable cookie is `credentials: "omit"`
    /// (Fetch §3.1.5, "credentials mode").
    same_origin_script: bool,
    now_ms: Option<i64>,
}

/// The cookie jar of one tab or HAR file. Feed it every exchange, in order.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    sites: HashMap<String, Vec<Slot>>,
    count: usize,
    seq: u64,
    index: usize,
    browser: Browser,
    keep_values: bool,
    /// No values at all in verdicts (names, fingerprints and reasons only): a session's
    /// jar, whose verdicts are read for findings, which never show a cookie's value.
    names_only: bool,
    /// The schemeful site of the last top-level navigation.
    top_level: Option<Site>,
}

impl CookieJar {
    /// A jar following `browser`'s defaults; `keep_values` keeps cookie values to show
    /// them (`--reveal`), otherwise only their masked form and a fingerprint are kept.
    pub fn new(browser: Browser, keep_values: bool) -> Self {
        Self {
            browser,
            keep_values,
            ..Self::default()
        }
    }

    /// A jar whose verdicts carry no cookie values, masked or not: what a diagnosis
    /// session needs. Masking every value a request sent, healthy requests included, was
    /// a third of the jar's time in `authlens diagnose` (docs/performance.md).
    pub fn names_only() -> Self {
        Self {
            names_only: true,
            ..Self::default()
        }
    }

    /// How many cookies (and remembered refusals and deletions) the jar holds.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Judges the request against the jar, then stores what its response sets. The
    /// verdict's `index` counts the exchanges observed.
    pub fn observe(&mut self, exchange: &Exchange) -> RequestCookies {
        let index = self.index;
        self.index += 1;
        let Some(request) = self.read_request(exchange) else {
            return RequestCookies {
                index,
                ..RequestCookies::default()
            };
        };
        let verdict = self.judge(exchange, &request, index);
        for line in exchange.response_header_lines("Set-Cookie") {
            self.store(&parse_set_cookie(line), &request, exchange, index);
        }
        verdict
    }

    fn read_request<'a>(&mut self, exchange: &'a Exchange) -> Option<Request<'a>> {
        let target = Target::parse(&exchange.url)?;
        let host = target.host.trim_end_matches('.').to_ascii_lowercase();
        let site = Site::of(&target);
        let secure = is_secure_scheme(target.scheme) || target.is_loopback();
        let header = |name: &str| exchange.request_header(name);
        let is =
            |name: &str, value: &str| header(name).is_some_and(|v| v.eq_ignore_ascii_case(value));
        let top_navigation = matches!(
            exchange.resource_type.as_deref(),
            Some("document" | "main_frame")
        ) || (is("Sec-Fetch-Mode", "navigate")
            && is("Sec-Fetch-Dest", "document"));
        let origin = header("Origin").filter(|o| !o.eq_ignore_ascii_case("null"));
        let opaque_origin = is("Origin", "null");
        let referer = header("Referer");
        let mut inferred = false;
        let cross_site = match header("Sec-Fetch-Site")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("cross-site") => true,
            Some("same-site" | "same-origin" | "none") => false,
            _ if opaque_origin => true,
            _ => match origin.or(referer).and_then(Site::of_url) {
                Some(initiator) => initiator != site,
                None => {
                    inferred = true;
                    false
                }
            },
        };
        if top_navigation {
            self.top_level = Some(site.clone());
        }
        let top_level = if top_navigation {
            site.clone()
        } else {
            self.top_level
                .clone()
                .or_else(|| referer.or(origin).and_then(Site::of_url))
                .unwrap_or_else(|| site.clone())
        };
        let cross_origin = origin
            .and_then(Target::parse)
            .is_some_and(|o| !o.same_origin(&target))
            || opaque_origin
            || is("Sec-Fetch-Site", "cross-site")
            || is("Sec-Fetch-Site", "same-site");
        let method = exchange.method.to_ascii_uppercase();
        let now_ms = exchange.started_ms.or_else(|| {
            exchange
                .response_header("Date")
                .and_then(|d| crate::date::parse_http_date(d).ok())
                .map(|s| s.saturating_mul(1000))
        });
        Some(Request {
            target,
            host,
            secure,
            site,
            cross_site,
            top_navigation,
            // RFC 9110 §9.2.1; what §5.2 calls a "safe" method for Lax.
            safe_method: matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE"),
            top_level,
            inferred,
            cors_cross_origin: is("Sec-Fetch-Mode", "cors") && cross_origin,
            same_origin_script: is("Sec-Fetch-Site", "same-origin")
                && (is("Sec-Fetch-Mode", "cors") || is("Sec-Fetch-Mode", "same-origin"))
                && is("Sec-Fetch-Dest", "empty"),
            now_ms,
        })
    }

    /// The effective SameSite: `None` means "no attribute", whose meaning is the browser's.
    fn lax_by_default(&self) -> bool {
        self.browser == Browser::Chromium
    }

    fn judge(
        &mut self,
        exchange: &Exchange,
        request: &Request<'_>,
        index: usize,
    ) -> RequestCookies {
        let sent_header = exchange.request_header("Cookie").map(parse_cookie_header);
        let sent: Option<Vec<(String, u64, String)>> = sent_header.as_ref().map(|h| {
            h.cookies
                .iter()
                .map(|c| (c.name.to_owned(), fingerprint(c.value), self.show(c.value)))
                .collect()
        });
        let sent_names = |name: &str| {
            sent.as_ref()
                .is_some_and(|s| s.iter().any(|(n, _, _)| n == name))
        };
        let mut expected: Vec<(&Slot, &Live)> = Vec::new();
        let mut withheld = Vec::new();
        let lax_by_default = self.lax_by_default();
        let seq = self.seq;
        let site_key = request.site.domain.clone();
        let mut accessed = Vec::new();
        if let Some(slots) = self.sites.get(&site_key) {
            for (i, slot) in slots.iter().enumerate() {
                let domain_ok = if slot.key.host_only {
                    request.host == slot.key.domain
                } else {
                    domain_match(&request.host, &slot.key.domain)
                };
                let path_ok = path_match(request.target.path, &slot.key.path);
                let mut withhold = |reason: Reason, explanation: String, certain, expired_at_ms| {
                    withheld.push(Withheld {
                        name: slot.key.name.clone(),
                        reason,
                        explanation,
                        certain,
                        set_index: Some(slot.set_index),
                        expired_at_ms,
                        name_sent: sent_names(&slot.key.name),
                        session_like: slot.session_like,
                        domain: slot.key.domain.clone(),
                        path: slot.key.path.clone(),
                    });
                };
                let Some(live) = &slot.live else {
                    // A refusal or deletion: said only where the cookie would have applied.
                    if let Some(tomb) = &slot.tomb {
                        if domain_ok && path_ok {
                            withhold(tomb.reason, tomb.explanation.clone(), true, None);
                        }
                    }
                    continue;
                };
                let name = &slot.key.name;
                if let (Some(expiry), Some(now)) = (live.expiry_ms, request.now_ms) {
                    if expiry <= now {
                        withhold(
                            Reason::Expired,
                            format!(
                                "{name} expired {} before this request (RFC 6265bis §5.7: expired cookies are evicted).",
                                crate::diagnose::fmt_duration(now.saturating_sub(expiry) / 1000)
                            ),
                            true,
                            Some(expiry),
                        );
                        continue;
                    }
                }
                if !domain_ok {
                    withhold(
                        Reason::Domain,
                        if slot.key.host_only {
                            format!("{name} is host-only for {} (set without Domain), and this request goes to {} (RFC 6265bis §5.8.3).", slot.key.domain, request.host)
                        } else {
                            format!("{name} has Domain={}, which does not cover {} (RFC 6265bis §5.1.3).", slot.key.domain, request.host)
                        },
                        true,
                        None,
                    );
                    continue;
                }
                if !path_ok {
                    withhold(
                        Reason::Path,
                        format!(
                            "{name} has Path={}, which does not cover {} (RFC 6265bis §5.1.4).",
                            slot.key.path, request.target.path
                        ),
                        true,
                        None,
                    );
                    continue;
                }
                if live.secure && !request.secure {
                    withhold(
                        Reason::Secure,
                        format!(
                            "{name} is Secure, and this request is plain {} (RFC 6265bis §5.8.3).",
                            request.target.scheme
                        ),
                        true,
                        None,
                    );
                    continue;
                }
                if let Some(partition) = &slot.key.partition {
                    let here = request.top_level.key();
                    if *partition != here {
                        withhold(
                            Reason::Partition,
                            format!("{name} is Partitioned under the top-level site {partition}, and this request is made under {here} (CHIPS)."),
                            true,
                            None,
                        );
                        continue;
                    }
                }
                if request.cross_site {
                    let strict = live.same_site == Some(SameSite::Strict);
                    let lax = live.same_site == Some(SameSite::Lax)
                        || (live.same_site.is_none() && lax_by_default);
                    let young = matches!((live.creation_ms, request.now_ms), (Some(c), Some(n)) if n.saturating_sub(c) <= LAX_ALLOWING_UNSAFE_MS);
                    let lax_allowed = request.top_navigation
                        && (request.safe_method || (live.same_site.is_none() && young));
                    if strict {
                        withhold(
                            Reason::SameSiteStrict,
                            format!("{name} is SameSite=Strict, and this request is cross-site (RFC 6265bis §5.8.3, schemeful same-site §5.2)."),
                            true,
                            None,
                        );
                        continue;
                    }
                    if lax && !lax_allowed {
                        withhold(
                            Reason::SameSiteLax,
                            format!(
                                "{name} is {}, and this cross-site request is not a top-level navigation with a safe method (RFC 6265bis §5.8.3).",
                                if live.same_site.is_none() { "SameSite=Lax by default (no SameSite attribute)" } else { "SameSite=Lax" }
                            ),
                            true,
                            None,
                        );
                        continue;
                    }
                }
                accessed.push(i);
                expected.push((slot, live));
            }
        }
        // §5.8.3 step 2: longer paths first, then earlier creation (stable on ties).
        expected.sort_by(|(a, la), (b, lb)| {
            b.key
                .path
                .len()
                .cmp(&a.key.path.len())
                .then(la.creation_ms.cmp(&lb.creation_ms))
                .then(la.creation_seq.cmp(&lb.creation_seq))
        });
        let no_cookie_header = sent.is_none();
        for (slot, live) in &expected {
            let was_sent = sent.as_ref().is_some_and(|s| {
                s.iter()
                    .any(|(n, f, _)| *n == slot.key.name && *f == live.fingerprint)
            }) || sent_names(&slot.key.name);
            if was_sent {
                continue;
            }
            let name = &slot.key.name;
            let omitted_same_origin = request.same_origin_script && no_cookie_header;
            let (reason, explanation) = if request.cors_cross_origin && no_cookie_header {
                (Reason::CredentialsOmitted, format!("{name} applies here, but this cross-origin CORS request carried no cookies at all: it was probably made without credentials (fetch's default credentials: \"same-origin\", or \"omit\"; XMLHttpRequest without withCredentials)."))
            } else if omitted_same_origin {
                (Reason::CredentialsOmitted, format!("{name} applies here, but this same-origin request from a script carried no cookies at all: it was made with credentials: \"omit\" (no third-party blocking applies to a same-origin request)."))
            } else {
                (Reason::NotSent, format!("{name} applies here by the model, but the browser did not send it (third-party cookie blocking, or removed by script or by the user)."))
            };
            withheld.push(Withheld {
                name: name.clone(),
                reason,
                explanation,
                certain: omitted_same_origin,
                set_index: Some(slot.set_index),
                expired_at_ms: None,
                name_sent: false,
                session_like: slot.session_like,
                domain: slot.key.domain.clone(),
                path: slot.key.path.clone(),
            });
        }
        let expected_cookies: Vec<HeaderCookie> = expected
            .iter()
            .map(|(slot, live)| HeaderCookie {
                name: slot.key.name.clone(),
                value: live.shown.clone(),
                session_like: slot.session_like,
            })
            .collect();
        let known = |name: &str| {
            self.sites
                .get(&site_key)
                .is_some_and(|slots| slots.iter().any(|s| s.key.name == name && s.live.is_some()))
        };
        let mut unknown_sent: Vec<String> = Vec::new();
        for (name, _, _) in sent.iter().flatten() {
            if !known(name) && !unknown_sent.contains(name) {
                unknown_sent.push(name.clone());
            }
        }
        let context = Context {
            secure: request.secure,
            cross_site: request.cross_site,
            top_level_navigation: request.top_navigation,
            top_level_site: request.top_level.key(),
            inferred: request.inferred,
        };
        if let Some(slots) = self.sites.get_mut(&site_key) {
            for i in accessed {
                if let Some(slot) = slots.get_mut(i) {
                    slot.last_access = seq;
                }
            }
        }
        self.seq += 1;
        RequestCookies {
            index,
            expected: expected_cookies,
            sent: sent.map(|s| {
                s.into_iter()
                    .map(|(name, _, value)| HeaderCookie {
                        name,
                        value,
                        session_like: false,
                    })
                    .collect()
            }),
            withheld,
            unknown_sent,
            context,
        }
    }

    fn show(&self, value: &str) -> String {
        if self.names_only {
            String::new()
        } else if self.keep_values {
            value.to_owned()
        } else {
            secret::mask(value)
        }
    }

    /// RFC 6265bis §5.7, the storage model, for one Set-Cookie of `exchange`'s response.
    fn store(
        &mut self,
        c: &SetCookie<'_>,
        request: &Request<'_>,
        exchange: &Exchange,
        index: usize,
    ) {
        let host = request.host.clone();
        let name = c.name.to_owned();
        let chromium = self.browser == Browser::Chromium;
        // Where it would live, had it been stored: the Domain when it covers the host
        // (§5.7, Domain), else the host itself (so that a refusal is reported to the
        // host that tried).
        let (domain, host_only, domain_refusal) = match c.domain.as_deref().map(|d| d.trim_end_matches('.')) {
            None | Some("") => (host.clone(), true, None),
            Some(d) if d == host => (host.clone(), is_ip(&host), None),
            Some(d) if is_public_suffix(d) => (host.clone(), true, Some(format!("{name} was refused: Domain={d} is a public suffix (RFC 6265bis §5.7, public suffixes)."))),
            Some(d) if domain_match(&host, d) => (d.to_owned(), false, None),
            Some(d) => (host.clone(), true, Some(format!("{name} was refused: Domain={d} does not cover {host}, the host that set it (RFC 6265bis §5.7, Domain)."))),
        };
        let path = match c.path {
            Some(p) => p.to_owned(),
            None => default_path(request.target.path).to_owned(),
        };
        let partition = (c.partitioned && c.secure).then(|| request.top_level.key());
        let key = Key {
            name: name.clone(),
            domain,
            host_only,
            path,
            partition,
        };
        let starts = |s: &str, p: &str| {
            s.as_bytes()
                .get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
        };
        let secure_prefix =
            starts(c.name, "__Secure-") || (c.name.is_empty() && starts(c.value, "__Secure-"));
        let host_prefix =
            starts(c.name, "__Host-") || (c.name.is_empty() && starts(c.value, "__Host-"));
        let set_from = format!(
            "the response to {} {}",
            exchange.method,
            crate::report::redact_query(&exchange.url)
        );
        let refusal: Option<(Reason, String)> = if c.name.is_empty()
            && (secure_prefix || host_prefix)
        {
            Some((Reason::PrefixRejected, format!("a nameless cookie whose value starts with a __Secure-/__Host- prefix was refused (RFC 6265bis §5.7, prefixes), in {set_from}.")))
        } else if host_prefix
            && (!c.secure || !request.secure || c.domain.is_some() || c.path != Some("/"))
        {
            Some((Reason::PrefixRejected, format!("{name} was refused: a __Host- cookie needs Secure, a secure origin, Path=/ and no Domain (RFC 6265bis §4.1.3.2), in {set_from}.")))
        } else if secure_prefix && (!c.secure || !request.secure) {
            Some((Reason::PrefixRejected, format!("{name} was refused: a __Secure- cookie needs Secure and a secure origin (RFC 6265bis §4.1.3.1), in {set_from}.")))
        } else if c.same_site == Some(SameSite::None) && !c.secure && chromium {
            Some((Reason::SameSiteNoneInsecure, format!("{name} was refused: SameSite=None requires Secure (Chromium, since Chrome 80), in {set_from}.")))
        } else if c.partitioned && !c.secure {
            Some((
                Reason::Partition,
                format!("{name} was refused: Partitioned requires Secure (CHIPS), in {set_from}."),
            ))
        } else if c.rejected
            && !(self.browser == Browser::Firefox && refused_only_for_none_insecure(c))
        {
            let why = c
                .problems
                .first()
                .map_or("the browser ignores it", |p| p.message);
            Some((
                Reason::Invalid,
                format!("{name} was refused: {why}; in {set_from}."),
            ))
        } else if let Some(why) = domain_refusal {
            Some((Reason::Domain, why))
        } else if c.secure && !request.secure {
            Some((Reason::Secure, format!("{name} was refused: a Secure cookie can only be set from a secure origin, and {set_from} is plain {} (RFC 6265bis §5.7, Secure).", request.target.scheme)))
        } else if request.cross_site && !request.top_navigation && {
            let same_site_none =
                c.same_site == Some(SameSite::None) || (c.same_site.is_none() && !chromium);
            !same_site_none
        } {
            let strict = c.same_site == Some(SameSite::Strict);
            Some((
                if strict { Reason::SameSiteStrict } else { Reason::SameSiteLax },
                format!(
                    "{name} was refused: it is {} and was set by a cross-site response that is not a top-level navigation, {set_from} (RFC 6265bis §5.7, same-site-flag); cross-site cookies need SameSite=None; Secure.",
                    match c.same_site {
                        Some(SameSite::Strict) => "SameSite=Strict",
                        Some(_) => "SameSite=Lax",
                        None => "SameSite=Lax by default (no SameSite attribute)",
                    }
                ),
            ))
        } else if !c.secure && !request.secure && self.secure_cookie_shadows(&key) {
            Some((Reason::Secure, format!("{name} was refused: plain http may not overwrite a Secure cookie of the same name (RFC 6265bis §5.7, leave secure cookies alone), in {set_from}.")))
        } else {
            None
        };
        let session_like = c.http_only || session_like_name(c.name);
        let now = request.now_ms;
        if let Some((reason, explanation)) = refusal {
            self.upsert(key, index, session_like, |slot| {
                slot.tomb = Some(Tomb {
                    reason,
                    explanation,
                });
            });
            return;
        }
        let now_s = now.map_or(0, |n| n.div_euclid(1000));
        if c.is_deletion(now_s) && (c.max_age.is_some() || now.is_some()) {
            let explanation = format!("{name} was deleted by {set_from} (Max-Age≤0 or an Expires in the past, RFC 6265bis §5.6.2).");
            self.upsert(key, index, session_like, |slot| {
                slot.live = None;
                slot.tomb = Some(Tomb {
                    reason: Reason::Deleted,
                    explanation,
                });
            });
            return;
        }
        // §5.6.1, §5.6.2: Max-Age wins; both are capped at 400 days from now.
        let cap = now.map(|n| n.saturating_add(MAX_LIFETIME * 1000));
        let expiry_ms = match (c.max_age, c.expires) {
            (Some(max_age), _) => {
                now.map(|n| n.saturating_add(max_age.min(MAX_LIFETIME).saturating_mul(1000)))
            }
            (None, Some(expires)) => Some(expires.saturating_mul(1000)),
            (None, None) => None,
        }
        .map(|e| cap.map_or(e, |cap| e.min(cap)));
        let seq = self.seq;
        self.seq += 1;
        let live = Live {
            secure: c.secure,
            same_site: c.same_site,
            expiry_ms,
            creation_ms: now,
            creation_seq: seq,
            shown: self.show(c.value),
            fingerprint: fingerprint(c.value),
        };
        self.upsert(key, index, session_like, move |slot| {
            // §5.7, replacement: a replacement keeps the old creation time.
            let live = match &slot.live {
                Some(old) => Live {
                    creation_ms: old.creation_ms,
                    creation_seq: old.creation_seq,
                    ..live
                },
                None => live,
            };
            slot.live = Some(live);
            slot.tomb = None;
        });
    }

    /// §5.7, leave secure cookies alone: a live Secure cookie of that name whose domain and path overlap.
    fn secure_cookie_shadows(&self, key: &Key) -> bool {
        self.sites
            .get(&registrable_domain(&key.domain))
            .is_some_and(|slots| {
                slots.iter().any(|s| {
                    s.key.name == key.name
                        && s.live.as_ref().is_some_and(|l| l.secure)
                        && (domain_match(&s.key.domain, &key.domain)
                            || domain_match(&key.domain, &s.key.domain))
                        && path_match(&key.path, &s.key.path)
                })
            })
    }

    /// Finds or makes the slot of `key` and lets `update` change it; then keeps the caps.
    fn upsert(
        &mut self,
        key: Key,
        index: usize,
        session_like: bool,
        update: impl FnOnce(&mut Slot),
    ) {
        let site = registrable_domain(&key.domain);
        let seq = self.seq;
        let slots = self.sites.entry(site.clone()).or_default();
        let position = slots.iter().position(|s| s.key == key);
        let slot = match position {
            Some(i) => slots.get_mut(i),
            None => {
                slots.push(Slot {
                    key,
                    live: None,
                    tomb: None,
                    set_index: index,
                    session_like,
                    last_access: seq,
                });
                self.count += 1;
                slots.last_mut()
            }
        };
        if let Some(slot) = slot {
            slot.set_index = index;
            slot.session_like |= session_like;
            slot.last_access = seq;
            update(slot);
        }
        if slots.len() > MAX_PER_SITE {
            let removed = purge(slots, PURGE_PER_SITE);
            self.count -= removed;
        }
        if self.count > PURGE_ABOVE {
            self.purge_global();
        }
    }

    /// Down to [`MAX_COOKIES`]: refusals and deletions first, then the least recently used.
    fn purge_global(&mut self) {
        let mut all: Vec<(bool, u64)> = self
            .sites
            .values()
            .flatten()
            .map(|s| (s.live.is_some(), s.last_access))
            .collect();
        let excess = self.count.saturating_sub(MAX_COOKIES);
        if excess == 0 {
            return;
        }
        all.sort_unstable();
        // Everything ordered before or at the threshold goes (ties may take a few more).
        let Some(&threshold) = all.get(excess - 1) else {
            return;
        };
        let mut removed = 0;
        for slots in self.sites.values_mut() {
            slots.retain(|s| {
                let keep = (s.live.is_some(), s.last_access) > threshold;
                if !keep {
                    removed += 1;
                }
                keep
            });
        }
        self.sites.retain(|_, slots| !slots.is_empty());
        self.count -= removed;
    }
}

/// Removes `n` slots of a full site: refusals and deletions first, then the least recently
/// used. Returns how many went.
fn purge(slots: &mut Vec<Slot>, n: usize) -> usize {
    let before = slots.len();
    let mut order: Vec<(bool, u64, usize)> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| (s.live.is_some(), s.last_access, i))
        .collect();
    order.sort_unstable();
    let mut doomed = vec![false; slots.len()];
    for (_, _, i) in order.into_iter().take(n) {
        if let Some(d) = doomed.get_mut(i) {
            *d = true;
        }
    }
    let mut i = 0;
    slots.retain(|_| {
        let keep = !doomed.get(i).copied().unwrap_or(false);
        i += 1;
        keep
    });
    before - slots.len()
}

/// Whether the parser's only refusal is `SameSite=None` without `Secure`, which Firefox
/// does not enforce. The parser's refusals say "browsers refuse" or "browsers ignore this"
/// / "the whole"; its notes about one attribute say "ignore the attribute".
fn refused_only_for_none_insecure(c: &SetCookie<'_>) -> bool {
    let refusal = |m: &str| {
        m.contains("browsers refuse") || m.contains("ignore this") || m.contains("ignore the whole")
    };
    c.same_site == Some(SameSite::None)
        && !c.secure
        && c.problems
            .iter()
            .filter(|p| refusal(p.message))
            .all(|p| p.message.starts_with("SameSite=None without Secure"))
}

/// Names frameworks give session cookies (express-session, PHP, Java, ASP.NET, Rails,
/// Django, Flask, Laravel, NextAuth, Okta…).
pub fn session_like_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // Django's `csrftoken`, Angular's `XSRF-TOKEN`: anti-forgery, not a session.
    if lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    [
        "sess", "sid", "auth", "token", "jwt", "login", "remember", "identity", "oidc", "saml",
        "user",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// FNV-1a, to compare values within one session in memory; never shown or stored.
fn fingerprint(value: &str) -> u64 {
    value.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::diagnose::test_support::{exchange, T0_MS};

    /// A GET at T0 + `secs` with these request and response headers.
    fn ex(url: &str, secs: i64, req: &[(&str, &str)], resp: &[(&str, &str)]) -> Exchange {
        let mut e = exchange("GET", url, 200, req, resp);
        e.started_ms = Some(T0_MS + secs * 1000);
        e
    }

    fn set(url: &str, lines: &[&str]) -> Exchange {
        let resp: Vec<(&str, &str)> = lines.iter().map(|l| ("Set-Cookie", *l)).collect();
        ex(url, 0, &[], &resp)
    }

    fn names(r: &RequestCookies) -> Vec<&str> {
        r.expected.iter().map(|c| c.name.as_str()).collect()
    }

    fn reason_of(r: &RequestCookies, name: &str) -> Option<Reason> {
        r.withheld.iter().find(|w| w.name == name).map(|w| w.reason)
    }

    fn jar() -> CookieJar {
        CookieJar::new(Browser::Chromium, false)
    }

    /// §5.7, Domain and §5.8.3: host-only without Domain, domain cookies with it (a
    /// leading dot ignored), and refusal of a Domain that does not cover the host.
    #[test]
    fn host_only_and_domain_cookies() {
        let mut j = jar();
        j.observe(&set(
            "https://app.example.com/",
            &[
                "host=1; Path=/",
                "dom=1; Domain=.example.com; Path=/",
                "bad=1; Domain=other.example; Path=/",
            ],
        ));
        let here = j.observe(&ex("https://app.example.com/x", 1, &[], &[]));
        assert_eq!(names(&here), ["host", "dom"]);
        assert_eq!(
            reason_of(&here, "bad"),
            Some(Reason::Domain),
            "refused when set"
        );
        let api = j.observe(&ex("https://api.example.com/x", 1, &[], &[]));
        assert_eq!(names(&api), ["dom"]);
        assert_eq!(reason_of(&api, "host"), Some(Reason::Domain));
        assert!(
            api.withheld.iter().all(|w| w.name != "bad"),
            "refusals are told where they applied"
        );
        let deep = j.observe(&ex("https://a.b.example.com/", 1, &[], &[]));
        assert_eq!(names(&deep), ["dom"]);
        let other = j.observe(&ex("https://notexample.com/", 1, &[], &[]));
        assert!(other.expected.is_empty() && other.withheld.is_empty());
    }

    /// §5.7, public suffixes without a PSL: one label and the known multi-label suffixes are public;
    /// a Domain equal to the host makes a host-only cookie (IP addresses included).
    #[test]
    fn public_suffixes_and_ip_addresses() {
        let mut j = jar();
        j.observe(&set(
            "https://shop.example.co.uk/",
            &[
                "a=1; Domain=co.uk",
                "b=1; Domain=uk",
                "c=1; Domain=example.co.uk",
            ],
        ));
        let r = j.observe(&ex("https://www.example.co.uk/", 1, &[], &[]));
        assert_eq!(names(&r), ["c"]);
        let r = j.observe(&ex("https://shop.example.co.uk/", 1, &[], &[]));
        assert_eq!(reason_of(&r, "a"), Some(Reason::Domain));
        assert_eq!(reason_of(&r, "b"), Some(Reason::Domain));
        assert_eq!(registrable_domain("a.b.example.co.uk"), "example.co.uk");
        // Empty labels are dropped, as before the sliced fast path.
        assert_eq!(registrable_domain("a..example.com"), "example.com");
        assert_eq!(registrable_domain(".example.com"), "example.com");
        assert_eq!(registrable_domain("x..com"), "com");
        assert_eq!(registrable_domain("example.com."), "example.com");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
        assert_eq!(registrable_domain("a.co.uk"), "a.co.uk");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        // registrable_domain looks suffixes up by their last two or three labels.
        assert!(MULTI_LABEL_SUFFIXES
            .iter()
            .all(|s| matches!(s.split('.').count(), 2 | 3)));
        assert_eq!(registrable_domain("me.github.io"), "me.github.io");
        assert_eq!(registrable_domain("www.abc.de"), "abc.de");
        assert_eq!(registrable_domain("localhost"), "localhost");
        let mut j = jar();
        j.observe(&set(
            "http://127.0.0.1:8080/",
            &[
                "ip=1; Domain=127.0.0.1; Path=/",
                "no=1; Domain=0.0.1; Path=/",
            ],
        ));
        let r = j.observe(&ex("http://127.0.0.1:9090/", 1, &[], &[]));
        assert_eq!(
            names(&r),
            ["ip"],
            "ports do not separate cookies (RFC 6265bis §8.5)"
        );
        assert!(
            !domain_match("10.0.0.1", "0.0.1") && domain_match("a.example", "example"),
            "an IP only matches itself"
        );
    }

    /// §5.1.4: the default-path and path-match, with the draft's own cases.
    #[test]
    fn default_path_and_path_match() {
        assert_eq!(default_path("/a/b/c"), "/a/b");
        assert_eq!(default_path("/a"), "/");
        assert_eq!(default_path(""), "/");
        assert_eq!(default_path("x/y"), "/");
        assert!(path_match("/a/b", "/a/b"));
        assert!(path_match("/a/b/c", "/a/b"));
        assert!(path_match("/a/b/c", "/a/b/"));
        assert!(!path_match("/a/bc", "/a/b"));
        assert!(!path_match("/a", "/a/b"));
        let mut j = jar();
        j.observe(&set("https://example.com/docs/api/login", &["d=1"]));
        assert_eq!(
            names(&j.observe(&ex("https://example.com/docs/api/x", 1, &[], &[]))),
            ["d"]
        );
        let r = j.observe(&ex("https://example.com/docs/apix", 1, &[], &[]));
        assert_eq!(reason_of(&r, "d"), Some(Reason::Path));
        assert!(
            r.withheld[0].explanation.contains("Path=/docs/api"),
            "{:?}",
            r.withheld
        );
    }

    /// Secure: set only from secure origins, sent only to them; loopback counts as secure
    /// (Chromium and Firefox treat http://localhost as potentially trustworthy).
    #[test]
    fn secure_cookies() {
        let mut j = jar();
        j.observe(&set("https://example.com/", &["s=1; Secure; Path=/"]));
        assert_eq!(
            names(&j.observe(&ex("https://example.com/", 1, &[], &[]))),
            ["s"]
        );
        let r = j.observe(&ex("http://example.com/", 1, &[], &[]));
        assert_eq!(reason_of(&r, "s"), Some(Reason::Secure));
        assert!(r.expected.is_empty());
        // §5.7, leave secure cookies alone: plain http may not overwrite it.
        j.observe(&set("http://example.com/", &["s=2; Path=/"]));
        let r = j.observe(&ex("https://example.com/", 2, &[], &[]));
        assert_eq!(names(&r), ["s"]);
        let mut j = jar();
        j.observe(&set("http://example.com/", &["s=1; Secure; Path=/"]));
        let r = j.observe(&ex("http://example.com/", 1, &[], &[]));
        assert_eq!(
            reason_of(&r, "s"),
            Some(Reason::Secure),
            "refused at set time"
        );
        assert!(r.withheld[0].explanation.contains("refused"));
        let mut j = jar();
        j.observe(&set("http://localhost:8080/", &["s=1; Secure; Path=/"]));
        assert_eq!(
            names(&j.observe(&ex("http://localhost:8080/x", 1, &[], &[]))),
            ["s"]
        );
        j.observe(&set("http://127.0.0.1/", &["t=1; Secure; Path=/"]));
        assert_eq!(
            names(&j.observe(&ex("http://127.0.0.1/x", 1, &[], &[]))),
            ["t"]
        );
    }

    fn cross(url: &str, secs: i64, extra: &[(&str, &str)]) -> Exchange {
        let mut req = vec![
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "no-cors"),
            ("Sec-Fetch-Dest", "image"),
        ];
        req.extend_from_slice(extra);
        ex(url, secs, &req, &[])
    }

    fn navigation(method: &str, url: &str, secs: i64, site: &str) -> Exchange {
        let mut e = ex(
            url,
            secs,
            &[
                ("Sec-Fetch-Site", site),
                ("Sec-Fetch-Mode", "navigate"),
                ("Sec-Fetch-Dest", "document"),
            ],
            &[],
        );
        e.method = method.into();
        e
    }

    /// §5.8.3 step 1 and §5.2: Strict never cross-site, Lax on top-level GET navigations,
    /// None always; no attribute is Lax in Chromium, with Lax+POST for 2 minutes.
    #[test]
    fn same_site_rules() {
        let mut j = jar();
        j.observe(&set(
            "https://bank.example/",
            &[
                "strict=1; SameSite=Strict; Path=/",
                "lax=1; SameSite=Lax; Path=/",
                "none=1; SameSite=None; Secure; Path=/",
                "default=1; Path=/",
            ],
        ));
        let r = j.observe(&cross("https://bank.example/img", 1, &[]));
        assert_eq!(names(&r), ["none"]);
        assert_eq!(reason_of(&r, "strict"), Some(Reason::SameSiteStrict));
        assert_eq!(reason_of(&r, "lax"), Some(Reason::SameSiteLax));
        assert_eq!(reason_of(&r, "default"), Some(Reason::SameSiteLax));
        assert!(r
            .withheld
            .iter()
            .find(|w| w.name == "default")
            .is_some_and(|w| w.explanation.contains("by default")));
        let r = j.observe(&navigation("GET", "https://bank.example/", 2, "cross-site"));
        assert_eq!(names(&r), ["lax", "none", "default"]);
        let r = j.observe(&navigation(
            "POST",
            "https://bank.example/pay",
            3,
            "cross-site",
        ));
        assert_eq!(
            names(&r),
            ["none", "default"],
            "Lax+POST: the default cookie is younger than 2 min"
        );
        let r = j.observe(&navigation(
            "POST",
            "https://bank.example/pay",
            200,
            "cross-site",
        ));
        assert_eq!(names(&r), ["none"]);
        let r = j.observe(&navigation(
            "GET",
            "https://bank.example/",
            201,
            "same-origin",
        ));
        assert_eq!(r.expected.len(), 4);
        // Firefox: no attribute means None.
        let mut j = CookieJar::new(Browser::Firefox, false);
        j.observe(&set(
            "https://bank.example/",
            &["default=1; Path=/", "insecure=1; SameSite=None; Path=/"],
        ));
        assert_eq!(
            names(&j.observe(&cross("https://bank.example/img", 1, &[]))),
            ["default", "insecure"]
        );
    }

    /// §5.2: same-site is schemeful; without Sec-Fetch-Site, Origin and Referer decide.
    #[test]
    fn schemeful_same_site_from_origin_and_referer() {
        let mut j = jar();
        j.observe(&set(
            "https://example.com/",
            &["lax=1; SameSite=Lax; Path=/"],
        ));
        let r = j.observe(&ex(
            "https://example.com/api",
            1,
            &[("Origin", "http://example.com")],
            &[],
        ));
        assert!(
            r.context.cross_site,
            "http and https of one domain are cross-site"
        );
        assert_eq!(reason_of(&r, "lax"), Some(Reason::SameSiteLax));
        let r = j.observe(&ex(
            "https://example.com/api",
            1,
            &[("Referer", "https://www.example.com/page")],
            &[],
        ));
        assert!(!r.context.cross_site && !r.context.inferred);
        assert_eq!(names(&r), ["lax"]);
        let r = j.observe(&ex("https://example.com/api", 1, &[], &[]));
        assert!(r.context.inferred && !r.context.cross_site);
        let r = j.observe(&ex(
            "https://example.com/api",
            1,
            &[("Origin", "null")],
            &[],
        ));
        assert!(r.context.cross_site, "an opaque origin is cross-site");
    }

    /// §5.7, same-site-flag: a cookie other than None set by a cross-site subresource response is
    /// refused; a top-level navigation may set any.
    #[test]
    fn cross_site_responses_cannot_set_lax_cookies() {
        let mut j = jar();
        let mut e = cross("https://api.example/login", 0, &[]);
        e.response_headers.push(crate::exchange::Header {
            name: "Set-Cookie".into(),
            value: "sid=1; Path=/".into(),
        });
        e.response_headers.push(crate::exchange::Header {
            name: "Set-Cookie".into(),
            value: "ok=1; Path=/; SameSite=None; Secure".into(),
        });
        j.observe(&e);
        let r = j.observe(&ex("https://api.example/me", 1, &[], &[]));
        assert_eq!(names(&r), ["ok"]);
        assert_eq!(reason_of(&r, "sid"), Some(Reason::SameSiteLax));
        let mut nav = navigation("GET", "https://api.example/", 2, "cross-site");
        nav.response_headers.push(crate::exchange::Header {
            name: "Set-Cookie".into(),
            value: "sid=2; Path=/; SameSite=Strict".into(),
        });
        j.observe(&nav);
        assert_eq!(
            names(&j.observe(&ex("https://api.example/me", 3, &[], &[]))),
            ["ok", "sid"],
            "sid is created now: the refusal left no creation time to keep"
        );
    }

    /// §5.6.1, §5.6.2: Max-Age wins over Expires, Max-Age ≤ 0 deletes, 400 days at most.
    #[test]
    fn expiry_and_max_age() {
        let mut j = jar();
        j.observe(&set(
            "https://example.com/",
            &[
                "short=1; Max-Age=5; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Path=/",
                "long=1; Max-Age=60; Expires=Wed, 09 Jun 2001 10:18:14 GMT; Path=/",
                "forever=1; Max-Age=999999999; Path=/",
                "session=1; Path=/",
            ],
        ));
        let r = j.observe(&ex("https://example.com/", 30, &[], &[]));
        assert_eq!(names(&r), ["long", "forever", "session"]);
        assert_eq!(reason_of(&r, "short"), Some(Reason::Expired));
        assert_eq!(r.withheld[0].expired_at_ms, Some(T0_MS + 5000));
        let r = j.observe(&ex("https://example.com/", 401 * 86_400, &[], &[]));
        assert_eq!(names(&r), ["session"], "capped at 400 days");
        let mut j = jar();
        j.observe(&set(
            "https://example.com/",
            &["a=1; Path=/", "b=1; Path=/"],
        ));
        j.observe(&set(
            "https://example.com/",
            &[
                "a=; Max-Age=0; Path=/",
                "b=; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Path=/",
            ],
        ));
        let r = j.observe(&ex("https://example.com/", 1, &[], &[]));
        assert!(r.expected.is_empty());
        assert_eq!(reason_of(&r, "a"), Some(Reason::Deleted));
        assert_eq!(reason_of(&r, "b"), Some(Reason::Deleted));
        assert_eq!(r.withheld[0].set_index, Some(1));
        j.observe(&set("https://example.com/", &["a=2; Path=/"]));
        assert_eq!(
            names(&j.observe(&ex("https://example.com/", 1, &[], &[]))),
            ["a"]
        );
    }

    /// §4.1.3: prefixes refused when their rules are broken.
    #[test]
    fn cookie_prefixes() {
        let mut j = jar();
        j.observe(&set(
            "https://example.com/app/",
            &[
                "__Host-ok=1; Secure; Path=/",
                "__Host-dom=1; Secure; Path=/; Domain=example.com",
                "__Host-path=1; Secure; Path=/app",
                "__Secure-ok=1; Secure",
                "__Secure-no=1",
                "=__Host-x=1; Secure; Path=/",
            ],
        ));
        let r = j.observe(&ex("https://example.com/app/x", 1, &[], &[]));
        assert_eq!(names(&r), ["__Secure-ok", "__Host-ok"]);
        for name in ["__Host-dom", "__Host-path", "__Secure-no", ""] {
            assert_eq!(reason_of(&r, name), Some(Reason::PrefixRejected), "{name}");
        }
        let mut j = jar();
        j.observe(&set(
            "http://example.com/",
            &["__Secure-id=1; Secure; Path=/"],
        ));
        let r = j.observe(&ex("http://example.com/", 1, &[], &[]));
        assert_eq!(
            reason_of(&r, "__Secure-id"),
            Some(Reason::PrefixRejected),
            "needs a secure origin"
        );
    }

    /// CHIPS: keyed by the top-level site; sent only under it; requires Secure.
    #[test]
    fn partitioned_cookies() {
        let mut j = jar();
        j.observe(&navigation("GET", "https://news.example/", 0, "none"));
        let mut embed = cross("https://widget.example/frame", 1, &[]);
        embed.response_headers.push(crate::exchange::Header {
            name: "Set-Cookie".into(),
            value: "chip=1; Secure; Path=/; SameSite=None; Partitioned".into(),
        });
        embed.response_headers.push(crate::exchange::Header {
            name: "Set-Cookie".into(),
            value: "bad=1; Path=/; Partitioned".into(),
        });
        let r = j.observe(&embed);
        assert_eq!(r.context.top_level_site, "https://news.example");
        let r = j.observe(&cross("https://widget.example/frame", 2, &[]));
        assert_eq!(names(&r), ["chip"]);
        assert_eq!(reason_of(&r, "bad"), Some(Reason::Partition));
        j.observe(&navigation("GET", "https://shop.example/", 3, "none"));
        let r = j.observe(&cross("https://widget.example/frame", 4, &[]));
        assert!(r.expected.is_empty());
        assert_eq!(reason_of(&r, "chip"), Some(Reason::Partition));
    }

    /// §5.8.3 step 2 and §5.7, replacement: longer paths first, then creation time, which a
    /// replacement keeps.
    #[test]
    fn header_order_and_replacement() {
        let mut j = jar();
        let mut first = set("https://example.com/", &["a=1; Path=/", "b=1; Path=/"]);
        first.started_ms = Some(T0_MS);
        j.observe(&first);
        let mut later = set(
            "https://example.com/",
            &["deep=1; Path=/x/y", "mid=1; Path=/x", "a=2; Path=/"],
        );
        later.started_ms = Some(T0_MS + 10_000);
        j.observe(&later);
        let r = j.observe(&ex("https://example.com/x/y/z", 20, &[], &[]));
        assert_eq!(names(&r), ["deep", "mid", "a", "b"]);
        assert_eq!(j.len(), 4, "a replaced, not added");
    }

    /// Sent against expected: fingerprints, masking, cookies the HAR never set, and
    /// credentials mode as a candidate only.
    #[test]
    fn sent_and_expected() {
        let mut j = jar();
        j.observe(&set(
            "https://api.example/",
            &["sid=31d4d96e407aad42; Path=/; SameSite=None; Secure"],
        ));
        let r = j.observe(&ex(
            "https://api.example/x",
            1,
            &[("Cookie", "sid=31d4d96e407aad42; pre=1")],
            &[],
        ));
        assert_eq!(r.expected_header().as_deref(), Some("sid=31d4…(16 bytes)"));
        assert_eq!(
            r.sent_header().as_deref(),
            Some("sid=31d4…(16 bytes); pre=…(1 bytes)")
        );
        assert!(r.withheld.is_empty());
        assert_eq!(r.unknown_sent, ["pre"]);
        let cors = [
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Mode", "cors"),
            ("Origin", "https://app.example"),
        ];
        let r = j.observe(&ex("https://api.example/x", 2, &cors, &[]));
        let w = &r.withheld[0];
        assert_eq!((w.reason, w.certain), (Reason::CredentialsOmitted, false));
        // A same-origin fetch that carries no cookie at all was made with credentials:
        // "omit": no third-party blocking applies to it.
        let omit = [
            ("Sec-Fetch-Site", "same-origin"),
            ("Sec-Fetch-Mode", "cors"),
            ("Sec-Fetch-Dest", "empty"),
        ];
        let r = j.observe(&ex("https://api.example/x", 2, &omit, &[]));
        let w = &r.withheld[0];
        assert_eq!((w.reason, w.certain), (Reason::CredentialsOmitted, true));
        let r = j.observe(&ex(
            "https://api.example/x",
            3,
            &[("Cookie", "other=1")],
            &[],
        ));
        assert_eq!(
            (r.withheld[0].reason, r.withheld[0].certain),
            (Reason::NotSent, false)
        );
        let mut revealing = CookieJar::new(Browser::Chromium, true);
        revealing.observe(&set("https://api.example/", &["sid=abc; Path=/"]));
        let r = revealing.observe(&ex("https://api.example/x", 1, &[], &[]));
        assert_eq!(r.expected_header().as_deref(), Some("sid=abc"));
        let json = serde_json::to_string(&j.observe(&ex(
            "https://api.example/",
            1,
            &[("Cookie", "sid=31d4d96e407aad42")],
            &[],
        )))
        .unwrap_or_default();
        assert!(!json.contains("31d4d96e407aad42"), "{json}");
    }

    // The sliced fast path of `registrable_domain` answers as the label walk it replaced.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn registrable_domain_is_the_label_walk(host in "[a-c.]{0,5}(\\.(co\\.uk|github\\.io|s3\\.amazonaws\\.com|amazonaws\\.com|com|uk))?\\.?") {
            let walked = {
                let host = host.trim_end_matches('.');
                if is_ip(host) || !host.contains('.') {
                    host.to_owned()
                } else {
                    let labels_of_suffix = MULTI_LABEL_SUFFIXES
                        .iter()
                        .filter(|s| host.len() > s.len() && host.ends_with(*s))
                        .filter(|s| host.as_bytes().get(host.len() - s.len() - 1) == Some(&b'.'))
                        .map(|s| s.split('.').count())
                        .max()
                        .unwrap_or(1);
                    let labels: Vec<&str> = host.rsplit('.').take(labels_of_suffix + 1).collect();
                    let mut out: Vec<&str> = labels.into_iter().rev().collect();
                    out.retain(|l| !l.is_empty());
                    out.join(".")
                }
            };
            proptest::prop_assert_eq!(registrable_domain(&host), walked);
        }
    }

    /// A session's jar judges as the CLI's does, and carries no value at all.
    #[test]
    fn a_names_only_jar_gives_the_same_verdict_without_values() {
        let mut masked = jar();
        let mut bare = CookieJar::names_only();
        for j in [&mut masked, &mut bare] {
            j.observe(&set(
                "https://api.example/",
                &["sid=31d4d96e407aad42; Path=/"],
            ));
        }
        let request = ex(
            "https://api.example/x",
            1,
            &[("Cookie", "sid=other-value-7f3a; theme=dark")],
            &[],
        );
        let (a, b) = (masked.observe(&request), bare.observe(&request));
        assert_eq!(a.names(), b.names());
        assert_eq!(a.withheld, b.withheld);
        assert!(a.sent.iter().flatten().any(|c| !c.value.is_empty()));
        assert!(b
            .sent
            .iter()
            .flatten()
            .chain(&b.expected)
            .all(|c| c.value.is_empty()));
        assert_eq!(b.sent.as_ref().map(Vec::len), Some(2));
    }

    /// Chromium refuses `SameSite=None` without `Secure` (Firefox keeps it, above); lines
    /// browsers ignore altogether are `invalid`, with the parser's reason.
    #[test]
    fn refusals_at_set_time() {
        let mut j = jar();
        j.observe(&set(
            "https://example.com/",
            &[
                "none=1; SameSite=None; Path=/",
                "ctl=a\u{1}b; Path=/",
                "ok=1; Path=/",
            ],
        ));
        let r = j.observe(&ex("https://example.com/", 1, &[], &[]));
        assert_eq!(names(&r), ["ok"]);
        assert_eq!(reason_of(&r, "none"), Some(Reason::SameSiteNoneInsecure));
        let ctl = r.withheld.iter().find(|w| w.name == "ctl");
        assert!(
            ctl.is_some_and(
                |w| w.reason == Reason::Invalid && w.explanation.contains("control character")
            ),
            "{:?}",
            r.withheld
        );
        // A refusal leaves the cookie already stored in place (§5.7: the line is ignored).
        let mut j = CookieJar::new(Browser::Chromium, true);
        j.observe(&set("https://example.com/", &["ok=1; Path=/"]));
        j.observe(&set(
            "https://example.com/",
            &["ok=2; SameSite=None; Path=/"],
        ));
        let r = j.observe(&ex("https://example.com/", 2, &[("Cookie", "ok=1")], &[]));
        assert_eq!(r.expected_header().as_deref(), Some("ok=1"));
        assert!(r.withheld.is_empty(), "{:?}", r.withheld);
    }

    #[test]
    fn session_like_names() {
        for name in [
            "sid",
            "connect.sid",
            "JSESSIONID",
            "PHPSESSID",
            "_app_session",
            "auth_token",
            "remember_user_token",
        ] {
            assert!(session_like_name(name), "{name}");
        }
        for name in ["csrftoken", "XSRF-TOKEN", "_ga", "theme", "consent"] {
            assert!(!session_like_name(name), "{name}");
        }
    }

    /// Bounded: 180 per site, 3,300 in all (purged to 3,000).
    #[test]
    fn the_jar_is_bounded() {
        let mut j = jar();
        let lines: Vec<String> = (0..1000).map(|i| format!("c{i}=1; Path=/")).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        j.observe(&set("https://one.example/", &refs));
        assert!(j.len() <= MAX_PER_SITE, "{}", j.len());
        let r = j.observe(&ex("https://one.example/", 1, &[], &[]));
        assert!(names(&r).contains(&"c999"), "the newest stay");
        for site in 0..200 {
            j.observe(&set(&format!("https://s{site}.example/"), &refs[..50]));
        }
        assert!(j.len() <= PURGE_ABOVE, "{}", j.len());
        assert!(j.len() >= MAX_COOKIES - MAX_PER_SITE);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn anything() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                prop::sample::select(vec![
                    "https://a.example/x",
                    "http://a.example/",
                    "https://[::1]:8/",
                    "http://127.0.0.1/",
                    "https://",
                    "a=b; Domain=.",
                    "x; Path=; Domain=..",
                    "__Host-=; Secure",
                    "; Max-Age=-1",
                    "id=1; Max-Age=99999999999999999999",
                    "id=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
                    "cross-site",
                    "navigate",
                    "null",
                    "s=1; Partitioned; Secure",
                ])
                .prop_map(str::to_owned),
            ]
        }

        proptest! {
            /// No input panics, and the caps hold.
            #[test]
            fn no_input_panics(steps in prop::collection::vec((anything(), anything(), anything(), anything(), any::<Option<i64>>()), 0..12)) {
                let mut j = CookieJar::new(Browser::Chromium, false);
                for (url, cookie, set_cookie, site, started) in &steps {
                    let mut e = exchange("GET", url, 200, &[("Cookie", cookie), ("Sec-Fetch-Site", site), ("Origin", url), ("Referer", site)], &[("Set-Cookie", set_cookie), ("Date", site)]);
                    e.started_ms = *started;
                    let r = j.observe(&e);
                    let _ = (r.expected_header(), r.sent_header(), serde_json::to_string(&r));
                }
                prop_assert!(j.len() <= PURGE_ABOVE);
            }

            /// The Cookie header follows §5.8.3 step 2 against an independent oracle:
            /// longer paths first, then first creation (kept across replacements, lost
            /// after a deletion).
            #[test]
            fn header_order_follows_the_draft(
                steps in prop::collection::vec((0usize..4, 0usize..5, any::<bool>()), 1..30),
                request in 0usize..5,
            ) {
                const NAMES: [&str; 4] = ["a", "b", "c", "d"];
                const PATHS: [&str; 5] = ["/", "/p", "/p/q", "/p/q/", "/pq"];
                let mut j = jar();
                // (name, path) -> creation order, for cookies alive.
                let mut oracle: Vec<(usize, usize, usize)> = Vec::new();
                for (time, (n, p, delete)) in steps.iter().enumerate() {
                    let line = if *delete {
                        format!("{}=; Max-Age=0; Path={}", NAMES[*n], PATHS[*p])
                    } else {
                        format!("{}=v{time}; Path={}", NAMES[*n], PATHS[*p])
                    };
                    let mut e = set("https://example.com/", &[&line]);
                    e.started_ms = Some(T0_MS + time as i64 * 1000);
                    j.observe(&e);
                    let existing = oracle.iter().position(|(on, op, _)| on == n && op == p);
                    match (existing, delete) {
                        (Some(i), true) => { oracle.remove(i); }
                        (None, false) => oracle.push((*n, *p, time)),
                        _ => {}
                    }
                }
                let path = format!("{}/z", PATHS[request].trim_end_matches('/'));
                let mut e = ex(&format!("https://example.com{path}"), 1000, &[], &[]);
                e.started_ms = Some(T0_MS + 1_000_000);
                let r = j.observe(&e);
                let mut want: Vec<&(usize, usize, usize)> = oracle.iter().filter(|(_, p, _)| path_match(&path, PATHS[*p])).collect();
                want.sort_by_key(|(_, p, t)| (std::cmp::Reverse(PATHS[*p].len()), *t));
                let want: Vec<&str> = want.iter().map(|(n, _, _)| NAMES[*n]).collect();
                prop_assert_eq!(names(&r), want);
            }
        }
    }
}
