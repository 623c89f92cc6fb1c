//! `Set-Cookie` and `Cookie`, read the way browsers read them, with positions.
//!
//! ```text
//! set-cookie-string = cookie-pair *( ";" SP cookie-av )            RFC 6265 §4.1.1
//! cookie-pair       = cookie-name "=" cookie-value
//! cookie-string     = cookie-pair *( ";" SP cookie-pair )         RFC 6265 §4.2.1
//! ```
//!
//! Browsers do not parse `Set-Cookie` by that grammar: they follow the user-agent
//! algorithm of RFC 6265 §5.2 as revised by RFC 6265bis (draft-ietf-httpbis-rfc6265bis-20
//! §5.6), which accepts nearly anything and silently ignores what it cannot use. A cookie
//! that "does not stick" is a classic cause of 401s, so this module follows the same
//! algorithm and *reports* everything a browser would silently drop or refuse: a bad
//! `Expires`, `SameSite=None` without `Secure`, a `__Host-` cookie with a `Domain`, an
//! oversized cookie, control characters.
//!
//! Why our own parser and not the `cookie` crate: it gives no positions, drops invalid
//! attributes without a word, and would bring `time` into the Wasm module. It is used as
//! a dev-dependency instead, to cross-check this parser on well-formed input
//! (docs/dependencies.md).
//!
//! Cookie values are secrets: nothing here prints them; callers mask them
//! ([`crate::secret`]).
//!
//! # Implementation notes: deliberate deviations
//! - Where RFC 6265 and 6265bis differ, 6265bis (what browsers ship) wins, e.g. a pair
//!   without `=` is a cookie with an empty name (6265bis §5.6 step 3), not ignored.
//! - **The 400-day limit** (6265bis §5.6.1, §5.6.2) is reported, not applied: `max_age`
//!   and `expires` stay as the server wrote them, so that a diagnosis can say both what
//!   was asked and what the browser will do. `Expires` is only checked against the limit
//!   by a caller that has a clock ([`MAX_LIFETIME`]).
//! - **The server grammar** of RFC 6265 §4.1.1 (a token for the name, cookie-octets for
//!   the value) is reported, once per cookie, but not enforced: browsers store and send
//!   back such cookies, and it is strict *servers* that then drop them.
//! - **A quoted value** keeps its double quotes, as browsers store and send it (6265bis
//!   §5.6 does not strip them; the `cookie` crate's `value()` agrees).
//! - **Problems about the cookie as a whole** (why a browser refuses it, what is wrong
//!   with its name or value; a handful at most) are kept outside the cap on attribute
//!   problems, so that a line of a thousand broken attributes cannot hide the refusal.
//!   A refusal that follows from several attributes together (a prefix rule, `SameSite`,
//!   `Partitioned`) points at offset 0, where the cookie starts.

use std::collections::hash_map::{Entry, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::problem::{Problem, Problems};
use crate::secret;
use crate::syntax::{is_cookie_octet, is_tchar};

/// RFC 6265bis §5.6 step 5: name plus value longer than this is ignored.
pub const MAX_NAME_VALUE: usize = 4096;
/// RFC 6265bis §5.6 (attribute processing): longer attribute values are ignored.
pub const MAX_ATTRIBUTE_VALUE: usize = 1024;
/// RFC 6265bis §5.6.1, §5.6.2: browsers keep a cookie for at most 400 days, whatever
/// `Expires` or `Max-Age` ask for.
pub const MAX_LIFETIME: i64 = 400 * 86_400;

/// The SameSite attribute (RFC 6265bis §5.6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

/// One `Set-Cookie` value as a browser would store it, or would refuse to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetCookie<'a> {
    pub name: &'a str,
    /// A secret: mask before showing.
    #[serde(skip)]
    pub value: &'a str,
    pub value_length: usize,
    /// `Expires`, in seconds since the epoch.
    pub expires: Option<i64>,
    /// `Max-Age`, in seconds (zero or negative: delete now).
    pub max_age: Option<i64>,
    /// Lower-cased, leading dot removed.
    pub domain: Option<String>,
    pub path: Option<&'a str>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    pub partitioned: bool,
    /// Attributes this parser does not interpret, as written.
    pub other_attributes: Vec<(&'a str, &'a str)>,
    /// A browser would refuse to store this cookie at all (the reason is in `problems`).
    pub rejected: bool,
    /// In input order. At most [`crate::problem::MAX_PROBLEMS`] + 1 about attributes, and
    /// besides them the few about the cookie as a whole, which the cap never drops.
    pub problems: Vec<Problem>,
}

impl SetCookie<'_> {
    /// The JSON the CLI prints: the parsed cookie with its value masked unless `reveal`
    /// ([`crate::secret`]).
    pub fn to_json(&self, reveal: bool) -> Value {
        let mut json = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut json {
            map.insert("value".into(), secret::show(self.value, reveal).into());
        }
        json
    }

    /// Whether this `Set-Cookie` removes the cookie rather than sets it: the server
    /// "signing the user out" (RFC 6265bis §5.6.2: `Max-Age` ≤ 0, or an `Expires` in the
    /// past when there is no `Max-Age`, which takes precedence).
    pub fn is_deletion(&self, now: i64) -> bool {
        match (self.max_age, self.expires) {
            (Some(max_age), _) => max_age <= 0,
            (None, Some(expires)) => expires <= now,
            (None, None) => false,
        }
    }
}

/// Parses one `Set-Cookie` field value (RFC 6265bis §5.6, §5.7).
pub fn parse_set_cookie(input: &str) -> SetCookie<'_> {
    let mut out = SetCookie {
        name: "",
        value: "",
        value_length: 0,
        expires: None,
        max_age: None,
        domain: None,
        path: None,
        secure: false,
        http_only: false,
        same_site: None,
        partitioned: false,
        other_attributes: Vec::new(),
        rejected: false,
        problems: Vec::new(),
    };
    // Problems about the cookie as a whole (why a browser refuses it, what is wrong with
    // its name and value) are a handful at most and are kept apart from the attribute
    // problems, so that the cap on the latter can never hide the reason for a refusal.
    let mut verdicts = Verdicts::default();
    let mut problems = Problems::default();
    let pair_end = input.find(';').unwrap_or(input.len());
    let pair = &input[..pair_end];

    // 6265bis §5.6 step 1: a control character anywhere, attributes included, makes the
    // browser ignore the whole line.
    let control = input.bytes().position(is_forbidden_control);
    if let Some(bad) = control {
        verdicts.reject(
            &mut out,
            bad,
            if bad < pair_end {
                "a control character in the name or value: browsers refuse the cookie (RFC 6265bis §5.6)"
            } else {
                "a control character in an attribute: browsers ignore the whole Set-Cookie (RFC 6265bis §5.6)"
            },
        );
    }
    let ((name, name_at), (value, value_at)) = match pair.find('=') {
        Some(eq) => (
            trim_wsp_at(&pair[..eq], 0),
            trim_wsp_at(&pair[eq + 1..], eq + 1),
        ),
        None => {
            verdicts.note(
                0,
                "no '=': browsers store this as a cookie with an empty name (RFC 6265bis §5.6)",
            );
            (("", 0), trim_wsp_at(pair, 0))
        }
    };
    out.name = name;
    out.value = value;
    out.value_length = value.len();
    if name.is_empty() && value.is_empty() {
        verdicts.reject(
            &mut out,
            0,
            "empty name and value: browsers ignore this Set-Cookie",
        );
    }
    if name.len() + value.len() > MAX_NAME_VALUE {
        verdicts.reject(
            &mut out,
            0,
            "name and value exceed 4096 bytes: browsers ignore this cookie (RFC 6265bis §5.6)",
        );
    }
    if control.is_none_or(|bad| bad >= pair_end) {
        if let Some((offset, message)) = octet_problem(name, name_at, value, value_at) {
            verdicts.note(offset, message);
        }
    }

    let mut domain_at = None;
    let mut at = pair_end;
    while at < input.len() {
        // `at` is on a ';'.
        let start = at + 1;
        let end = input[start..].find(';').map_or(input.len(), |i| start + i);
        let attribute = &input[start..end];
        read_attribute(attribute, start, &mut out, &mut problems, &mut domain_at);
        at = end;
    }
    check_rules(&mut out, &mut verdicts, domain_at);
    out.problems = in_input_order(verdicts.0, problems.into_vec());
    out
}

/// Problems about the cookie as a whole; a handful at most, so uncapped.
///
/// Severity: `Set-Cookie` has no grammar a browser enforces, only the algorithm of RFC
/// 6265bis §5.6–§5.7, so an *error* is what makes that algorithm refuse the cookie
/// ([`Verdicts::reject`]); everything the browser still stores, however unusual, is a
/// *warning* ([`Verdicts::note`], and every attribute problem: the attribute is ignored
/// or adjusted, §5.6, and the cookie kept).
#[derive(Default)]
struct Verdicts(Vec<Problem>);

impl Verdicts {
    fn note(&mut self, offset: usize, message: &'static str) {
        self.0.push(Problem::warning(offset, message));
    }

    fn reject(&mut self, out: &mut SetCookie<'_>, offset: usize, message: &'static str) {
        out.rejected = true;
        self.0.push(Problem::error(offset, message));
    }
}

/// Merges the two lists by offset. Attribute problems are already in input order (one
/// pass, left to right) and the merge is stable, so the "too many problems" note, if any,
/// stays after the problems it follows.
fn in_input_order(mut verdicts: Vec<Problem>, attributes: Vec<Problem>) -> Vec<Problem> {
    verdicts.sort_by_key(|p| p.offset);
    let mut merged = Vec::with_capacity(verdicts.len() + attributes.len());
    let mut attributes = attributes.into_iter().peekable();
    for verdict in verdicts {
        while let Some(p) = attributes.next_if(|p| p.offset < verdict.offset) {
            merged.push(p);
        }
        merged.push(verdict);
    }
    merged.extend(attributes);
    merged
}

/// `%x00-08 / %x0A-1F / %x7F`: the CTLs other than HTAB (RFC 6265bis §5.6 step 1).
fn is_forbidden_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// What RFC 6265 §4.1.1 asks of servers and browsers do not enforce: a token for the name
/// and cookie-octets (optionally in double quotes) for the value. Browsers store such a
/// cookie and send it back as it is, and strict servers then drop or misread it, so it is
/// reported, once per cookie, at the first offending byte.
fn octet_problem(
    name: &str,
    name_at: usize,
    value: &str,
    value_at: usize,
) -> Option<(usize, &'static str)> {
    if let Some(bad) = name.bytes().position(|b| !is_tchar(b)) {
        return Some((
            name_at + bad,
            "a cookie name that is not a token (RFC 6265 §4.1.1): browsers keep it, but strict servers may drop the cookie",
        ));
    }
    let (inner, inner_at) = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => (inner, value_at + 1),
        None => (value, value_at),
    };
    inner.bytes().position(|b| !is_cookie_octet(b)).map(|bad| {
        (
            inner_at + bad,
            "a character RFC 6265 §4.1.1 does not allow in a cookie value (white space, '\"', ',', '\\' or non-ASCII): browsers keep it, but strict servers may drop the cookie",
        )
    })
}

fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// [`trim_wsp`], also returning where the trimmed text starts, given where `s` starts.
fn trim_wsp_at(s: &str, at: usize) -> (&str, usize) {
    let rest = s.trim_start_matches([' ', '\t']);
    (
        rest.trim_end_matches([' ', '\t']),
        at + (s.len() - rest.len()),
    )
}

fn read_attribute<'a>(
    attribute: &'a str,
    at: usize,
    out: &mut SetCookie<'a>,
    problems: &mut Problems,
    domain_at: &mut Option<usize>,
) {
    // Every problem here is a warning: RFC 6265bis §5.6 ignores (or, for Max-Age and
    // Path, adjusts) an attribute it cannot use and still stores the cookie.
    let (name, value) = match attribute.find('=') {
        Some(eq) => (trim_wsp(&attribute[..eq]), trim_wsp(&attribute[eq + 1..])),
        None => (trim_wsp(attribute), ""),
    };
    if name.is_empty() {
        if !value.is_empty() {
            problems.warning(at, "an attribute without a name is ignored");
        }
        return;
    }
    if value.len() > MAX_ATTRIBUTE_VALUE {
        problems.warning(
            at,
            "an attribute value over 1024 bytes: browsers ignore the attribute (RFC 6265bis §5.6)",
        );
        return;
    }
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("expires") {
        match cookie_date(value) {
            Some(time) => out.expires = Some(time),
            None => problems.warning(
                at,
                "an Expires date browsers cannot read: the attribute is ignored and the cookie lasts for the session (RFC 6265 §5.1.1)",
            ),
        }
    } else if is("max-age") {
        let valid = value
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
            && value.bytes().any(|b| b.is_ascii_digit());
        if valid {
            // All digits: overflow saturates, which is what "a very long time" means.
            let max_age = value.parse::<i64>().unwrap_or(if value.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            });
            if max_age > MAX_LIFETIME {
                problems.warning(
                    at,
                    "Max-Age over 400 days: browsers shorten it to 400 days (RFC 6265bis §5.6.2)",
                );
            }
            out.max_age = Some(max_age);
        } else {
            problems.warning(
                at,
                "Max-Age is not an integer: browsers ignore the attribute (RFC 6265 §5.2.2)",
            );
        }
    } else if is("domain") {
        // The last Domain wins (6265bis §5.7 step 7), an empty one included: it makes the
        // cookie host-only again.
        if value.is_empty() {
            problems.warning(at, "an empty Domain is ignored (RFC 6265 §5.2.3)");
            out.domain = None;
            *domain_at = None;
        } else {
            out.domain = Some(value.trim_start_matches('.').to_ascii_lowercase());
            *domain_at = Some(at);
        }
    } else if is("path") {
        // The last Path wins (6265bis §5.7 step 11), an invalid one included: it stands
        // for the default path, which `None` means here too.
        if value.starts_with('/') {
            out.path = Some(value);
        } else {
            problems.warning(
                at,
                "a Path that does not start with '/' is replaced by the default path (RFC 6265 §5.2.4)",
            );
            out.path = None;
        }
    } else if is("secure") {
        out.secure = true;
    } else if is("httponly") {
        out.http_only = true;
    } else if is("partitioned") {
        out.partitioned = true;
    } else if is("samesite") {
        out.same_site = if value.eq_ignore_ascii_case("strict") {
            Some(SameSite::Strict)
        } else if value.eq_ignore_ascii_case("lax") {
            Some(SameSite::Lax)
        } else if value.eq_ignore_ascii_case("none") {
            Some(SameSite::None)
        } else {
            problems.warning(
                at,
                "an unknown SameSite value: browsers apply their default (Lax in Chrome)",
            );
            None
        };
    } else {
        out.other_attributes.push((name, value));
    }
}

/// The rules that make a browser refuse a cookie (RFC 6265bis §4.1.3, §5.7, CHIPS).
fn check_rules(out: &mut SetCookie<'_>, verdicts: &mut Verdicts, domain_at: Option<usize>) {
    // Prefixes match without regard to case (6265bis §5.7 steps 20 to 22).
    let starts_with = |s: &str, prefix: &str| {
        s.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    if out.name.is_empty()
        && (starts_with(out.value, "__Secure-") || starts_with(out.value, "__Host-"))
    {
        verdicts.reject(
            out,
            0,
            "a cookie without a name whose value starts with __Secure- or __Host-: browsers refuse it (RFC 6265bis §5.7)",
        );
    }
    if starts_with(out.name, "__Secure-") && !out.secure {
        verdicts.reject(
            out,
            0,
            "a __Secure- cookie without Secure: browsers refuse it (RFC 6265bis §4.1.3.1)",
        );
    }
    if starts_with(out.name, "__Host-")
        && (!out.secure || out.domain.is_some() || out.path != Some("/"))
    {
        verdicts.reject(
            out,
            0,
            "a __Host- cookie needs Secure, Path=/ and no Domain: browsers refuse it (RFC 6265bis §4.1.3.2)",
        );
    }
    if out.same_site == Some(SameSite::None) && !out.secure {
        verdicts.reject(
            out,
            0,
            "SameSite=None without Secure: browsers refuse the cookie",
        );
    }
    if out.partitioned && !out.secure {
        verdicts.reject(
            out,
            0,
            "Partitioned without Secure: browsers refuse the cookie (CHIPS)",
        );
    }
    if let (Some(at), Some(domain)) = (domain_at, &out.domain) {
        if !domain.is_ascii() {
            verdicts.reject(
                out,
                at,
                "a Domain with non-ASCII characters: browsers refuse the cookie (RFC 6265bis §5.7); use the punycode (xn--) form",
            );
        }
    }
}

/// RFC 6265 §5.1.1, the cookie-date algorithm: seconds since the epoch, or `None` when
/// browsers would fail to read the date.
pub fn cookie_date(input: &str) -> Option<i64> {
    let is_delimiter = |c: char| matches!(c, '\t' | ' '..='/' | ';'..='@' | '['..='`' | '{'..='~');
    let mut time = None;
    let mut day = None;
    let mut month = None;
    let mut year = None;
    for token in input.split(is_delimiter).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = hms_time(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some(d) = leading_digits(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = month_of(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = leading_digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let (hour, minute, second) = time?;
    let (day, month, mut year) = (day?, month?, year?);
    if (70..=99).contains(&year) {
        year += 1900;
    } else if year <= 69 {
        year += 2000;
    }
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    let days = crate::date::days_from_civil(i64::from(year), month, i64::from(day));
    Some(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))
}

/// `1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT ( non-digit *OCTET )`: only the seconds may be
/// followed by other characters.
fn hms_time(token: &str) -> Option<(u32, u32, u32)> {
    let mut parts = token.splitn(3, ':');
    let whole = |part: &str| {
        leading_digits(part, 1, 2).filter(|_| part.bytes().all(|b| b.is_ascii_digit()))
    };
    let hour = whole(parts.next()?)?;
    let minute = whole(parts.next()?)?;
    let second = leading_digits(parts.next()?, 1, 2)?;
    Some((hour, minute, second))
}

/// `min*max DIGIT ( non-digit *OCTET )`, whole-token for the first parts of a time.
fn leading_digits(token: &str, min: usize, max: usize) -> Option<u32> {
    let digits = token.bytes().take_while(u8::is_ascii_digit).count();
    if digits < min || digits > max {
        return None;
    }
    token[..digits].parse().ok()
}

fn month_of(token: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let prefix = token.get(..3)?;
    MONTHS
        .iter()
        .position(|m| prefix.eq_ignore_ascii_case(m))
        .map(|i| i as u32 + 1)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// One cookie in a request's `Cookie` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookiePair<'a> {
    pub name: &'a str,
    /// A secret: mask before showing.
    #[serde(skip)]
    pub value: &'a str,
    pub value_length: usize,
    pub offset: usize,
}

/// A request's `Cookie` header (RFC 6265 §4.2, §5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieHeader<'a> {
    pub cookies: Vec<CookiePair<'a>>,
    /// Names sent more than once: usually the same cookie set for two paths or domains,
    /// and the server reads whichever comes first (RFC 6265 §4.2.2).
    pub duplicates: Vec<&'a str>,
    pub problems: Vec<Problem>,
}

impl<'a> CookieHeader<'a> {
    /// The JSON the CLI prints: each cookie with its value masked unless `reveal`.
    pub fn to_json(&self, reveal: bool) -> Value {
        let cookies: Vec<Value> = self
            .cookies
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c.name,
                    "value": secret::show(c.value, reveal),
                    "value_length": c.value_length,
                    "offset": c.offset,
                })
            })
            .collect();
        serde_json::json!({
            "cookies": cookies,
            "duplicates": self.duplicates,
            "problems": self.problems,
        })
    }

    /// The first cookie with this name (names are case-sensitive).
    pub fn get(&self, name: &str) -> Option<&CookiePair<'a>> {
        self.cookies.iter().find(|c| c.name == name)
    }
}

/// Cookies analysed in one `Cookie` header. Browsers keep at most 180 per site (Chromium's
/// `kDomainMaxCookies`), so a header past this is hostile or broken.
/// (The message below says 3000: keep them equal.)
pub const MAX_COOKIE_PAIRS: usize = 3000;

/// Parses a request `Cookie` header.
///
/// Browser habits are read without complaint: no space after `;` and cookies without a
/// name (sent as just the value, 6265bis §5.8.3 step 4). Reported: empty elements,
/// control characters, names and values outside RFC 6265 §4.1.1 (strict servers drop
/// those cookies), and each name sent more than once.
pub fn parse_cookie_header(input: &str) -> CookieHeader<'_> {
    let mut problems = Problems::default();
    let mut cookies: Vec<CookiePair<'_>> = Vec::new();
    // Name → already reported as a duplicate; one lookup per cookie keeps this linear.
    let mut seen: HashMap<&str, bool> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut start = 0;
    for piece in input.split(';') {
        let at = start;
        start += piece.len() + 1;
        if cookies.len() == MAX_COOKIE_PAIRS {
            // Memory stays bounded: each pair costs more than its bytes.
            problems.warning(
                at,
                "over 3000 cookies in one header: the rest are not analysed",
            );
            break;
        }
        let (pair, pair_at) = trim_wsp_at(piece, at);
        if pair.is_empty() {
            if at + piece.len() < input.len() {
                // Nothing is lost: the element is empty. RFC 6265 §4.2.1's sender
                // grammar has none, so strict servers may mind.
                problems.warning(at, "an empty element between semicolons");
            }
            continue;
        }
        let ((name, name_at), (value, value_at)) = match pair.find('=') {
            Some(eq) => (
                trim_wsp_at(&pair[..eq], pair_at),
                trim_wsp_at(&pair[eq + 1..], pair_at + eq + 1),
            ),
            None => (("", pair_at), (pair, pair_at)),
        };
        if let Some(bad) = pair.bytes().position(is_forbidden_control) {
            // Outside cookie-string (RFC 6265 §4.2.1) and never sent by a browser
            // (6265bis §5.6 step 1 refuses such cookies): what the server reads is a guess.
            problems.error(pair_at + bad, "a control character in a cookie");
        } else if let Some((offset, message)) = octet_problem(name, name_at, value, value_at) {
            // Read as sent; only strict servers mind (RFC 6265 §4.1.1 is a sender rule).
            problems.warning(offset, message);
        }
        match seen.entry(name) {
            Entry::Vacant(entry) => {
                entry.insert(false);
            }
            Entry::Occupied(mut entry) => {
                if !entry.get() {
                    entry.insert(true);
                    // Both are read as sent; RFC 6265 §4.2.2 says servers should not
                    // rely on the order, so which one wins is up to the server.
                    problems.warning(
                        pair_at,
                        "the same cookie name twice: the server will likely read only the first",
                    );
                    duplicates.push(name);
                }
            }
        }
        cookies.push(CookiePair {
            name,
            value,
            value_length: value.len(),
            offset: pair_at,
        });
    }
    CookieHeader {
        cookies,
        duplicates,
        problems: problems.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::MAX_PROBLEMS;

    #[test]
    fn a_header_with_too_many_cookies_keeps_the_first_and_counts_the_rest() {
        let input = "a=1; ".repeat(MAX_COOKIE_PAIRS + 7);
        let header = parse_cookie_header(&input);
        assert_eq!(header.cookies.len(), MAX_COOKIE_PAIRS);
        let last = header.problems.last().expect("a note");
        assert!(
            last.message.starts_with("over 3000 cookies"),
            "{}",
            last.message
        );
        assert_eq!(
            last.offset,
            MAX_COOKIE_PAIRS * 5 - 1,
            "where the first one left out starts"
        );
    }

    /// RFC 6265 §3.1's examples.
    #[test]
    fn reads_the_rfc_6265_examples() {
        let c = parse_set_cookie("SID=31d4d96e407aad42; Path=/; Secure; HttpOnly");
        assert_eq!((c.name, c.value), ("SID", "31d4d96e407aad42"));
        assert_eq!(c.path, Some("/"));
        assert!(c.secure && c.http_only && !c.rejected && c.problems.is_empty());
        let c = parse_set_cookie("lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 GMT");
        assert_eq!(c.expires, Some(1_623_233_894));
        let c = parse_set_cookie("lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT");
        assert!(c.is_deletion(1_700_000_000));
        let c = parse_set_cookie("SID=31d4d96e407aad42; Path=/; Domain=.example.com");
        assert_eq!(c.domain.as_deref(), Some("example.com"));
    }

    #[test]
    fn cookie_dates_follow_the_browser_algorithm() {
        assert_eq!(
            cookie_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            cookie_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(cookie_date("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(
            cookie_date("06 Nov 2069 08:49:37"),
            cookie_date("06 Nov 69 08:49:37")
        );
        assert_eq!(cookie_date("31 Feb 2024 00:00:00"), None, "no such day");
        assert_eq!(cookie_date("tomorrow"), None);
        assert_eq!(
            cookie_date("06 Nov 1994 8a:49:37"),
            None,
            "hour is digits only"
        );
        assert_eq!(cookie_date("06 Nov 1994 08:49:37GMT"), Some(784_111_777));
        assert_eq!(
            cookie_date("29 Feb 2024 00:00:00").map(|t| t % 86_400),
            Some(0)
        );
        assert_eq!(cookie_date("01 Jan 1601 00:00:00"), Some(-11_644_473_600));
    }

    #[test]
    fn refusals_are_explained() {
        let c = parse_set_cookie("__Host-id=1; Secure; Path=/; Domain=example.com");
        assert!(c.rejected && c.problems[0].message.contains("__Host-"));
        assert!(!parse_set_cookie("__Host-id=1; Secure; Path=/").rejected);
        assert!(parse_set_cookie("__Secure-id=1").rejected);
        assert!(parse_set_cookie("id=1; SameSite=None").rejected);
        assert!(!parse_set_cookie("id=1; SameSite=None; Secure").rejected);
        assert!(parse_set_cookie("id=1; Partitioned").rejected);
        assert!(parse_set_cookie("id=a\u{1}b").rejected);
        assert!(parse_set_cookie(&format!("id={}", "x".repeat(5000))).rejected);
        let c = parse_set_cookie("id=1; Expires=someday; Max-Age=abc; SameSite=Loose; Path=x");
        assert_eq!(c.problems.len(), 4);
        assert_eq!(c.problems[0].offset, 5);
        let c = parse_set_cookie("id=1; Max-Age=34560001");
        assert_eq!(c.max_age, Some(34_560_001), "kept as written");
        assert_eq!(c.problems[0].offset, 5, "and the 400-day limit reported");
        assert!(parse_set_cookie("id=1; Max-Age=34560000")
            .problems
            .is_empty());
    }

    #[test]
    fn values_are_masked_in_json() {
        let c = parse_set_cookie("SID=31d4d96e407aad42; Path=/; Secure; HttpOnly");
        let json = c.to_json(false);
        assert_eq!(json["value"], "31d4…(16 bytes)");
        assert_eq!(json["path"], "/");
        assert_eq!(c.to_json(true)["value"], "31d4d96e407aad42");
        let h = parse_cookie_header("SID=31d4d96e407aad42; lang=en-US");
        let json = h.to_json(false).to_string();
        assert!(
            !json.contains("31d4d96e407aad42") && !json.contains("en-US"),
            "{json}"
        );
        assert_eq!(h.to_json(true)["cookies"][1]["value"], "en-US");
    }

    #[test]
    fn max_age_wins_over_expires() {
        let c = parse_set_cookie("s=1; Max-Age=0; Expires=Wed, 09 Jun 2100 10:18:14 GMT");
        assert!(c.is_deletion(0));
        let c = parse_set_cookie("s=1; Max-Age=3600; Expires=Wed, 09 Jun 2001 10:18:14 GMT");
        assert!(!c.is_deletion(1_700_000_000));
        assert_eq!(
            parse_set_cookie("s=1; Max-Age=-99999999999999999999").max_age,
            Some(i64::MIN)
        );
    }

    #[test]
    fn reads_cookie_headers_and_duplicates() {
        let h = parse_cookie_header("SID=31d4d96e407aad42; lang=en-US; SID=other");
        assert_eq!(h.cookies.len(), 3);
        assert_eq!(h.duplicates, ["SID"]);
        assert_eq!(h.get("SID").map(|c| c.value), Some("31d4d96e407aad42"));
        assert_eq!(h.cookies[1].offset, 22);
        assert_eq!(h.problems[0].offset, 34);
        let h = parse_cookie_header("a=1;b=2;;");
        assert_eq!(h.cookies.len(), 2);
        assert_eq!(h.problems.len(), 1);
    }

    #[test]
    fn hostile_input_gives_results() {
        let many = "a=b; ".repeat(100_000);
        assert_eq!(parse_cookie_header(&many).cookies.len(), MAX_COOKIE_PAIRS);
        let distinct: String = (0..100_000).map(|i| format!("c{i}=v; ")).collect();
        assert!(parse_cookie_header(&distinct).duplicates.is_empty());
        let attributes = format!("a=b{}", "; Path=/".repeat(100_000));
        assert_eq!(parse_set_cookie(&attributes).path, Some("/"));
        let _ = parse_set_cookie(&";".repeat(1 << 20));
        let _ = cookie_date(&"1:1:1 ".repeat(100_000));
        let _ = cookie_date("99:99:99 99 Jan 99999");
    }

    fn messages(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.message).collect()
    }

    /// 6265bis §5.6 step 1: a control character anywhere refuses the line.
    #[test]
    fn control_characters_in_attributes_refuse_the_line() {
        let c = parse_set_cookie("id=1; Path=/\u{1}x; Secure");
        assert!(c.rejected);
        assert_eq!(c.problems[0].offset, 12);
        assert!(c.problems[0].message.contains("attribute"));
        let c = parse_set_cookie("id=a\u{7f}b; Path=/");
        assert!(c.rejected);
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert_eq!(c.problems[0].offset, 4);
        // HTAB is white space, not a forbidden control: trimmed around the value, and
        // reported (not refused) inside it.
        let c = parse_set_cookie("id=\ta\tb\t; Path=/");
        assert!(!c.rejected);
        assert_eq!(c.value, "a\tb");
        assert_eq!(c.problems[0].offset, 5);
    }

    /// 6265bis §5.7 steps 20 to 22: prefixes ignore case, and a nameless cookie may not
    /// smuggle a prefix in its value.
    #[test]
    fn prefixes_ignore_case_and_nameless_cookies_cannot_fake_them() {
        assert!(parse_set_cookie("__HOST-id=1; Secure; Path=/app").rejected);
        assert!(parse_set_cookie("__secure-id=1").rejected);
        let c = parse_set_cookie("=__Host-id=1; Secure; Path=/");
        assert_eq!((c.name, c.value), ("", "__Host-id=1"));
        assert!(c.rejected);
        assert!(messages(&c.problems)
            .iter()
            .any(|m| m.contains("without a name")));
        assert!(
            parse_set_cookie("__secure-x; Secure").rejected,
            "no '=': value only"
        );
        assert!(!parse_set_cookie("=plain; Secure").rejected);
        assert!(!parse_set_cookie("__Secure-id=1; secure").rejected);
    }

    #[test]
    fn the_last_domain_and_path_win() {
        let c = parse_set_cookie("id=1; Domain=.Example.COM; Path=/a; Path=b");
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert_eq!(c.path, None, "an invalid last Path means the default path");
        let c = parse_set_cookie("id=1; Domain=example.com; Domain=");
        assert_eq!(
            c.domain, None,
            "an empty last Domain makes the cookie host-only"
        );
        let c = parse_set_cookie("id=1; Domain=bücher.example; Secure");
        assert!(c.rejected, "6265bis §5.7 step 8");
        assert_eq!(c.problems[0].offset, 5);
        assert!(!parse_set_cookie("id=1; Domain=xn--bcher-kva.example").rejected);
    }

    #[test]
    fn server_grammar_is_reported_but_not_enforced() {
        let c = parse_set_cookie(r#"id="quoted"; Path=/"#);
        assert_eq!(c.value, r#""quoted""#, "browsers keep the quotes");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        for (input, offset) in [
            ("id=a b", 4),
            (r#"id="a b""#, 5),
            ("id=a,b", 4),
            (r#"id=a"b"#, 4),
            ("id=a\\b", 4),
            ("id=é", 3),
            ("i d=1", 1),
            ("id\u{e9}=1", 2),
            (r#"prefs={"a":1}"#, 7),
        ] {
            let c = parse_set_cookie(input);
            assert!(!c.rejected, "{input}");
            assert_eq!(c.problems.len(), 1, "{input}: {:?}", c.problems);
            assert_eq!(c.problems[0].offset, offset, "{input}");
        }
    }

    #[test]
    fn a_refusal_is_never_lost_to_the_cap() {
        let input = format!("__Host-id=1{}", "; Max-Age=x".repeat(1000));
        let c = parse_set_cookie(&input);
        assert!(c.rejected);
        let list = messages(&c.problems);
        assert!(list.iter().any(|m| m.contains("__Host-")), "{list:?}");
        assert!(c.problems.len() <= MAX_PROBLEMS + 2, "{}", c.problems.len());
        assert!(list.last().is_some_and(|m| m.starts_with("too many")));
        // A refusal after the cap still comes out, in input order.
        let input = format!("id=1{}; Domain=é.example", "; Max-Age=x".repeat(100));
        let c = parse_set_cookie(&input);
        assert!(c.rejected);
        assert!(c.problems.windows(2).all(|w| w[0].offset <= w[1].offset));
        assert!(messages(&c.problems)
            .iter()
            .any(|m| m.contains("non-ASCII")));
    }

    #[test]
    fn megabyte_set_cookies_give_results() {
        let big = format!("id={}; Secure", "x".repeat(1 << 20));
        let c = parse_set_cookie(&big);
        assert!(c.rejected && c.secure);
        assert_eq!(c.value_length, 1 << 20);
        let long_path = format!("id=1; Path=/{}", "p".repeat(1 << 20));
        let c = parse_set_cookie(&long_path);
        assert_eq!(c.path, None, "over 1024 bytes: ignored");
        assert_eq!(c.problems.len(), 1);
        let accents = "é".repeat(1 << 19);
        let c = parse_set_cookie(&accents);
        assert_eq!(c.problems[0].offset, 0);
        let many: String = (0..100_000).map(|i| format!("; a{i}=v")).collect();
        let many = format!("id=1{many}");
        let c = parse_set_cookie(&many);
        assert_eq!(c.other_attributes.len(), 100_000);
        let _ = parse_set_cookie(&"=".repeat(1 << 20));
        let _ = parse_set_cookie(&"\"".repeat(1 << 20));
    }

    #[test]
    fn cookie_headers_report_octets_and_stay_linear_on_duplicates() {
        let h = parse_cookie_header(r#"a=1;b="2";c=x y; d=é;e"=1; =v; nameless"#);
        let offsets: Vec<_> = h.problems.iter().map(|p| p.offset).collect();
        assert_eq!(offsets, [13, 19, 23, 32], "{:?}", h.problems);
        assert_eq!(h.get("b").map(|c| c.value), Some(r#""2""#));
        assert_eq!(h.cookies.len(), 7);
        assert_eq!(h.cookies[6].name, "");
        assert_eq!(h.duplicates, [""], "two nameless cookies");
        let h = parse_cookie_header("a=\u{0}; b=1");
        assert_eq!(h.problems.len(), 1);
        assert_eq!(h.problems[0].offset, 2);
        // As many cookies as are analysed, every name sent twice: each duplicate is found
        // once, in one pass.
        let pairs: String = (0..MAX_COOKIE_PAIRS / 2)
            .map(|i| format!("c{i}=1; c{i}=2; "))
            .collect();
        let h = parse_cookie_header(&pairs);
        assert_eq!(h.cookies.len(), MAX_COOKIE_PAIRS);
        assert_eq!(h.duplicates.len(), MAX_COOKIE_PAIRS / 2);
        assert_eq!(h.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(h.get("c1499").map(|c| c.value), Some("1"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use crate::problem::MAX_PROBLEMS;
        use proptest::prelude::*;

        /// Offsets are inside the input and on character boundaries, so that a caller may
        /// slice there.
        fn sound(
            input: &str,
            offsets: impl IntoIterator<Item = usize>,
        ) -> Result<(), TestCaseError> {
            for offset in offsets {
                prop_assert!(offset <= input.len(), "{offset} > {}", input.len());
                prop_assert!(input.is_char_boundary(offset), "{offset} in {input:?}");
            }
            Ok(())
        }

        /// Cookie-shaped text: the separators and the characters the rules look at.
        fn cookieish() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just(";".to_owned()),
                Just("=".to_owned()),
                Just(" ".to_owned()),
                Just("\"".to_owned()),
                Just("\t".to_owned()),
                Just("\u{1}".to_owned()),
                Just("é".to_owned()),
                Just("__Host-".to_owned()),
                Just("__Secure-".to_owned()),
                prop::sample::select(vec![
                    "Secure",
                    "Path=/",
                    "Domain=",
                    "SameSite=None",
                    "Partitioned",
                    "Expires=",
                    "Max-Age=",
                    "Sun, 06 Nov 1994 08:49:37 GMT",
                    "-1",
                    "0",
                ])
                .prop_map(str::to_owned),
                "[a-zA-Z0-9:,.-]{1,6}",
            ];
            prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
        }

        proptest! {
            #[test]
            fn no_input_panics_and_offsets_are_sound(input in prop_oneof![cookieish(), any::<String>()]) {
                let set = parse_set_cookie(&input);
                sound(&input, set.problems.iter().map(|p| p.offset))?;
                prop_assert!(set.problems.windows(2).all(|w| w[0].offset <= w[1].offset));
                prop_assert!(set.problems.len() <= MAX_PROBLEMS + 16);
                prop_assert!(set.name.len() + set.value.len() <= input.len());
                let header = parse_cookie_header(&input);
                sound(&input, header.problems.iter().map(|p| p.offset))?;
                sound(&input, header.cookies.iter().map(|c| c.offset))?;
                prop_assert!(header.problems.len() <= MAX_PROBLEMS + 1);
                for c in &header.cookies {
                    prop_assert!(input[c.offset..].starts_with(c.name));
                }
                let _ = cookie_date(&input);
            }

            /// Repeating a header k times gives k times the cookies: the work follows the
            /// input, with no step that looks back over what was already read.
            #[test]
            fn repetition_scales_the_result(piece in "[a-z]{1,4}=[a-z0-9]{0,4}", k in 1usize..200) {
                let header = vec![piece.as_str(); k].join("; ");
                let parsed = parse_cookie_header(&header);
                prop_assert_eq!(parsed.cookies.len(), k);
                prop_assert_eq!(parsed.duplicates.len(), usize::from(k > 1));
                let line = format!("{piece}{}", "; Secure".repeat(k));
                let set = parse_set_cookie(&line);
                prop_assert!(set.secure && set.problems.is_empty());
            }

            /// The cookie-date algorithm reads every IMF-fixdate to the same instant as
            /// the HTTP-date parser.
            #[test]
            fn cookie_dates_agree_with_http_dates(secs in 0u64..253_402_300_800) {
                let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
                let text = httpdate::fmt_http_date(time);
                prop_assert_eq!(cookie_date(&text), Some(secs as i64));
                prop_assert_eq!(crate::date::parse_http_date(&text), Ok(secs as i64));
            }
        }
    }
}
