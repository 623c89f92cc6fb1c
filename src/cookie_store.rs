//! A cookie jar rebuilt from a session's `Set-Cookie` answers: would the browser send this
//! cookie here, and if not, why?
//!
//! DevTools shows why a cookie was blocked; extensions and HAR files do not carry that. So
//! the jar replays the user agent's storage and retrieval algorithms of RFC 6265bis
//! (draft-ietf-httpbis-rfc6265bis-20: §5.7 storage, §5.8.3 retrieval), as Chromium and
//! Firefox ship them, over the exchanges of one tab or HAR file, in order. For every
//! request it gives the `Cookie` header the model expects, the one actually sent, and each
//! cookie withheld with a machine [`Reason`] and a sentence ([`RequestCookies`]).
//!
//! What is modelled:
//! - **Domain** (§5.7 steps 8–10, domain-match §5.1.3): host-only unless `Domain` is given;
//!   a `Domain` that does not domain-match the setting host refuses the cookie; an IP
//!   address only domain-matches itself, so its cookies are host-only.
//! - **Path** (§5.1.4): the default-path of the request URL, and path-match.
//! - **Secure**: set only from a secure origin (§5.7 step 14), a non-Secure cookie from
//!   plain http may not overwrite a Secure one (§5.7 step 19, "leave secure cookies
//!   alone"), and sent only to secure origins (§5.8.3 step 1). A "secure protocol" is left
//!   to the user agent; both Chromium and Firefox count `https`/`wss` and loopback
//!   (`localhost`, `*.localhost`, 127.0.0.0/8, `::1`: potentially trustworthy origins,
//!   Secure Contexts §3.1) as secure, and the draft gives `localhost` as its example of a
//!   trusted host.
//! - **HttpOnly** plays no part in what HTTP requests carry (it hides the cookie from
//!   `document.cookie`); it is kept only as a hint that a cookie holds a session.
//! - **SameSite** (§5.2, §5.6.7, §5.7 step 16, §5.8.3 step 1): the **schemeful** same-site
//!   rule (a site is a scheme and a registrable domain: `http://a.example` and
//!   `https://a.example` are cross-site); Strict is never sent cross-site; Lax only on a
//!   cross-site *top-level navigation* with a safe method (RFC 9110 §9.2.1); None always,
//!   and only with Secure (Chromium refuses `SameSite=None` without `Secure`). A cookie
//!   without SameSite is Lax in Chromium (Lax-by-default, Chrome 80), with Chromium's
//!   "Lax+POST" exception (a cookie younger than 2 minutes is still sent on a cross-site
//!   top-level POST); Firefox treats it as None ([`Browser::Firefox`]). A cookie other than
//!   None set by a cross-site response that is not a top-level navigation is refused at
//!   set time (§5.7 step 16).
//! - **Expiry** (§5.6.1, §5.6.2): `Max-Age` wins over `Expires`; `Max-Age` ≤ 0 or an
//!   `Expires` in the past deletes; lifetimes are capped at 400 days; no attribute makes a
//!   session cookie, which lives as long as the HAR.
//! - **Prefixes** (§4.1.3): `__Secure-` needs `Secure` and a secure origin; `__Host-` also
//!   needs `Path=/` and no `Domain`; a nameless cookie whose value starts with a prefix is
//!   refused (§5.7 step 22). Otherwise refused at set time.
//! - **Partitioned** (CHIPS, draft-cutler-httpbis-partitioned-cookies): needs `Secure`, is
//!   keyed by the top-level site it was set under, and is sent only under that site.
//! - **Replacement** (§5.7 step 23): a cookie with the same name, domain, host-only flag
//!   and path (and partition) replaces the old one and keeps its creation time.
//! - **Order** (§5.8.3 step 2): longer paths first, then earlier creation times.
//!
//! # Implementation notes: deliberate deviations, and what is inferred
//! - **No public suffix list.** Shipping the PSL would cost the Wasm module ~100 KB of its
//!   250 KB budget. The registrable domain is approximated by the last two labels, or
//!   three under the few multi-label public suffixes of [`MULTI_LABEL_SUFFIXES`]
//!   (`co.uk`, `com.au`, `github.io`, …). A `Domain` of one label (`Domain=com`) or one
//!   of those suffixes is refused as a public suffix, as browsers do (§5.7 step 9), unless
//!   it equals the host (then host-only). Suffixes the list lacks (`Domain=pvt.k12.ma.us`)
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
//!   the value itself only when built with `keep_values` (the CLI's `--reveal`).
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
    /// A cookie without SameSite is None (Firefox backed out Lax-by-default, bug 1617609),
    /// and `SameSite=None` without `Secure` is kept.
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
    /// Looks like it carries a session: HttpOnly, a session-like name, or set by a
    /// sign-in-like response.
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
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.');
    if is_ip(host) || !host.contains('.') {
        return host.to_owned();
    }
    // The longest known suffix the host ends with, plus one label.
    let labels_of_suffix = MULTI_LABEL_SUFFIXES
        .iter()
        .filter(|s| host.len() > s.len() && host.ends_with(*s))
        .filter(|s| host.as_bytes().get(host.len() - s.len() - 1) == Some(&b'.'))
        .map(|s| s.split('.').count())
        .max()
        .unwrap_or(1);
    let take = labels_of_suffix + 1;
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

/// The jar's identity of a cookie (§5.7 step 23, plus the CHIPS partition key).
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
                                "{name} expired {} before this request (RFC 6265bis §5.7 step 25: expired cookies are evicted).",
                                crate::diagnose::fmt_duration((now - expiry) / 1000)
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
                    let young = matches!((live.creation_ms, request.now_ms), (Some(c), Some(n)) if n - c <= LAX_ALLOWING_UNSAFE_MS);
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
            let (reason, explanation) = if request.cors_cross_origin && no_cookie_header {
                (Reason::CredentialsOmitted, format!("{name} applies here, but this cross-origin CORS request carried no cookies at all: it was probably made without credentials (fetch's default credentials: \"same-origin\", or \"omit\"; XMLHttpRequest without withCredentials)."))
            } else {
                (Reason::NotSent, format!("{name} applies here by the model, but the browser did not send it (third-party cookie blocking, or removed by script or by the user)."))
            };
            withheld.push(Withheld {
                name: name.clone(),
                reason,
                explanation,
                certain: false,
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
                    .map(|(name, _, value)| HeaderCookie { name, value })
                    .collect()
            }),
            withheld,
            unknown_sent,
            context,
        }
    }

    fn show(&self, value: &str) -> String {
        if self.keep_values {
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
        // (§5.7 steps 8-10), else the host itself (so that a refusal is reported to the
        // host that tried).
        let (domain, host_only, domain_refusal) = match c.domain.as_deref().map(|d| d.trim_end_matches('.')) {
            None | Some("") => (host.clone(), true, None),
            Some(d) if d == host => (host.clone(), is_ip(&host), None),
            Some(d) if is_public_suffix(d) => (host.clone(), true, Some(format!("{name} was refused: Domain={d} is a public suffix (RFC 6265bis §5.7 step 9)."))),
            Some(d) if domain_match(&host, d) => (d.to_owned(), false, None),
            Some(d) => (host.clone(), true, Some(format!("{name} was refused: Domain={d} does not cover {host}, the host that set it (RFC 6265bis §5.7 step 10)."))),
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
            Some((Reason::PrefixRejected, format!("a nameless cookie whose value starts with a __Secure-/__Host- prefix was refused (RFC 6265bis §5.7 step 22), in {set_from}.")))
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
            Some((Reason::Secure, format!("{name} was refused: a Secure cookie can only be set from a secure origin, and {set_from} is plain {} (RFC 6265bis §5.7 step 14).", request.target.scheme)))
        } else if request.cross_site && !request.top_navigation && {
            let same_site_none =
                c.same_site == Some(SameSite::None) || (c.same_site.is_none() && !chromium);
            !same_site_none
        } {
            let strict = c.same_site == Some(SameSite::Strict);
            Some((
                if strict { Reason::SameSiteStrict } else { Reason::SameSiteLax },
                format!(
                    "{name} was refused: it is {} and was set by a cross-site response that is not a top-level navigation, {set_from} (RFC 6265bis §5.7 step 16); cross-site cookies need SameSite=None; Secure.",
                    match c.same_site {
                        Some(SameSite::Strict) => "SameSite=Strict",
                        Some(_) => "SameSite=Lax",
                        None => "SameSite=Lax by default (no SameSite attribute)",
                    }
                ),
            ))
        } else if !c.secure && !request.secure && self.secure_cookie_shadows(&key) {
            Some((Reason::Secure, format!("{name} was refused: plain http may not overwrite a Secure cookie of the same name (RFC 6265bis §5.7 step 19), in {set_from}.")))
        } else {
            None
        };
        let session_like =
            c.http_only || session_like_name(c.name) || sign_in_like(exchange, request);
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
            // §5.7 step 23: a replacement keeps the old creation time.
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

    /// §5.7 step 19: a live Secure cookie of that name whose domain and path overlap.
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
    [
        "sess", "sid", "auth", "token", "jwt", "login", "remember", "identity", "oidc", "saml",
        "user",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

/// A response that looks like a sign-in: to a POST, or to a login-like path.
fn sign_in_like(exchange: &Exchange, request: &Request<'_>) -> bool {
    let path = request.target.path.to_ascii_lowercase();
    exchange.method.eq_ignore_ascii_case("POST")
        || [
            "login", "signin", "sign-in", "session", "auth", "sso", "callback", "oauth",
        ]
        .iter()
        .any(|needle| path.contains(needle))
}

/// FNV-1a, to compare values within one session in memory; never shown or stored.
fn fingerprint(value: &str) -> u64 {
    value.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
