//! Makes a HAR safe to attach to a support ticket, without losing what diagnoses it.
//!
//! HAR files carry live credentials, and leaked support HARs have been used to hijack
//! sessions. [`Sanitizer`] replaces every secret with a *correlation marker*,
//! `redacted-` and 8 hex digits of a keyed hash of the secret: the same secret gets the
//! same marker within a file ("the same token was reused" stays visible), while the marker
//! reveals nothing without the key, which is random per run (the Wasm caller passes one
//! from `crypto.getRandomValues`). Markers only use characters valid in tokens, cookie
//! values and URLs, so the sanitized file still parses the same way.
//!
//! What is redacted (everything is parsed structurally, never by regex over raw JSON):
//! - `Authorization` / `Proxy-Authorization`: the credentials after the scheme. A JWT keeps
//!   its header and claims (unless `strict`) and loses its signature; Basic keeps its
//!   user-id and loses its password; placeholders such as `undefined` are not secrets and
//!   stay, so `auth.malformed` still shows;
//! - `Cookie`, `Set-Cookie`, `request.cookies`, `response.cookies`: the values (names and
//!   attributes stay);
//! - `DPoP` proofs and API-key-like headers (`X-API-Key`, `X-Auth-Token`, CSRF tokens, …),
//!   and any header value that holds a JWT;
//! - URL userinfo, and secret query and fragment parameters (`access_token`, `id_token`,
//!   `code`, `state`, `code_verifier`, `client_secret`, `password`, `SAMLResponse`, …), in
//!   URLs, `queryString`, `Location`, `Referer` and `redirectURL`;
//! - form and JSON bodies, of requests and responses (base64 JSON bodies too): the values of
//!   secret keys at any depth, and JWTs anywhere.

use std::hash::{Hash, Hasher};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};

use crate::credentials;

/// Replaces secrets with correlation markers.
#[derive(Debug, Clone)]
pub struct Sanitizer {
    key: [u64; 2],
    /// Also drop JWT headers and claims.
    pub strict: bool,
    /// How many values were replaced.
    pub redacted: u64,
    /// How many HAR values (entries, mostly) were over 1 MB and were written with their
    /// strings cut to 64 KB ([`crate::har::stream::LONG_STRING`]).
    pub cut_values: u64,
}

/// Parameter and JSON key names whose values are secrets (compared without case, `-`, `_`).
const SECRET_NAMES: &[&str] = &[
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "token",
    "code",
    "state",
    "codeverifier",
    "clientsecret",
    "clientassertion",
    "assertion",
    "password",
    "passwd",
    "pwd",
    "secret",
    "apikey",
    "key",
    "samlresponse",
    "samlrequest",
    "sessionid",
    "session",
    "sid",
    "otp",
    "authorization",
    "csrftoken",
    "xsrftoken",
    "credentials",
    "privatekey",
    "signature",
    "sig",
];

/// Header names whose whole value is a secret.
const SECRET_HEADERS: &[&str] = &[
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-refresh-token",
    "x-id-token",
    "x-csrf-token",
    "x-xsrf-token",
    "csrf-token",
    "x-csrftoken",
    "x-amz-security-token",
    "x-goog-api-key",
    "x-functions-key",
    "ocp-apim-subscription-key",
    "x-session-token",
    "x-session-id",
    "dpop",
];

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a parameter or JSON key names a secret.
pub fn is_secret_name(name: &str) -> bool {
    let n = normalise(name);
    SECRET_NAMES.contains(&n.as_str())
        || n.ends_with("token")
        || n.ends_with("secret")
        || n.ends_with("password")
        || n.ends_with("apikey")
}

fn looks_like_jwt(s: &str) -> bool {
    s.starts_with("eyJ") && s.matches('.').count() >= 2 && !s.contains(' ')
}

impl Sanitizer {
    /// A sanitizer with a random key (native builds; Wasm callers use [`Self::with_key`]).
    pub fn new(strict: bool) -> Self {
        use std::hash::BuildHasher;
        let random = std::collections::hash_map::RandomState::new();
        Self::with_key([random.hash_one(1u8), random.hash_one(2u8)], strict)
    }

    pub fn with_key(key: [u64; 2], strict: bool) -> Self {
        Self {
            key,
            strict,
            redacted: 0,
            cut_values: 0,
        }
    }

    /// `redacted-` and 8 hex digits of a keyed hash of `secret`.
    pub fn marker(&mut self, secret: &str) -> String {
        self.redacted += 1;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.key.hash(&mut hasher);
        secret.hash(&mut hasher);
        format!("redacted-{:08x}", hasher.finish() as u32)
    }

    /// A JWT with its signature (and, when strict, everything) replaced.
    fn jwt(&mut self, token: &str) -> String {
        if self.strict {
            return self.marker(token);
        }
        let segments: Vec<&str> = token.split('.').collect();
        let marker = self.marker(token);
        match segments.as_slice() {
            // JWE (RFC 7516 §7.1): only the header is readable; the rest is ciphertext
            // and keys, replaced segment by segment so that it still reads as a JWE.
            [header, _, _, _, _] => format!("{header}.{marker}.{marker}.{marker}.{marker}"),
            [header, payload, ..] => format!("{header}.{payload}.{marker}"),
            _ => marker,
        }
    }

    /// A token: JWTs keep their readable parts, anything else becomes a marker.
    fn token(&mut self, token: &str) -> String {
        if looks_like_jwt(token) {
            self.jwt(token)
        } else {
            self.marker(token)
        }
    }

    /// An `Authorization`/`Proxy-Authorization` value.
    pub fn credentials(&mut self, value: &str) -> String {
        let parsed = credentials::parse(value);
        if let Some(basic) = parsed
            .basic
            .as_ref()
            .filter(|b| b.has_colon && parsed.problems.is_empty())
        {
            // Keep the shape that the diagnosis reads (a well-formed Basic with this
            // user-id), not the password.
            let password = self.marker(&basic.password);
            let encoded = STANDARD.encode(format!("{}:{password}", basic.user));
            return format!("{} {encoded}", parsed.scheme);
        }
        if let Some(token) = parsed.token68 {
            let placeholder = parsed
                .defects
                .iter()
                .any(|d| d.kind == credentials::DefectKind::PlaceholderToken);
            if placeholder && parsed.basic.is_none() {
                return value.to_owned();
            }
            let start = parsed.token68_offset;
            let end = start + token.len();
            let (Some(before), Some(after)) = (value.get(..start), value.get(end..)) else {
                return self.marker(value);
            };
            let replacement = self.token(token);
            return format!("{before}{replacement}{after}");
        }
        if !parsed.params.is_empty() {
            let params: Vec<String> = parsed
                .params
                .iter()
                .map(|p| {
                    let v = if is_secret_name(p.name)
                        || p.name.eq_ignore_ascii_case("response")
                        || p.name.eq_ignore_ascii_case("cnonce")
                    {
                        self.marker(&p.value)
                    } else {
                        p.value.replace('\\', "\\\\").replace('"', "\\\"")
                    };
                    format!("{}=\"{v}\"", p.name)
                })
                .collect();
            return format!("{} {}", parsed.scheme, params.join(", "));
        }
        if parsed.scheme.is_empty() && !value.trim().is_empty() {
            return self.marker(value);
        }
        value.to_owned()
    }

    /// `name=value; name2=value2` with the values replaced.
    fn cookie_header(&mut self, value: &str) -> String {
        value
            .split(';')
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) => format!("{name}={}", self.marker(v.trim())),
                None if pair.trim().is_empty() => pair.to_owned(),
                None => format!(" {}", self.marker(pair.trim())),
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `name=value; Attr...`: the value replaced, the attributes kept.
    fn set_cookie(&mut self, value: &str) -> String {
        let (pair, attributes) = match value.find(';') {
            Some(i) => (&value[..i], &value[i..]),
            None => (value, ""),
        };
        match pair.split_once('=') {
            // An empty value (a deletion) is not a secret; keep it so the diagnosis sees it.
            Some((name, v)) if v.trim().is_empty() => format!("{name}={v}{attributes}"),
            Some((name, v)) => format!("{name}={}{attributes}", self.marker(v.trim())),
            None => format!("{}{attributes}", self.marker(pair)),
        }
    }

    /// A URL with userinfo and secret query/fragment parameters replaced.
    pub fn url(&mut self, url: &str) -> String {
        let (before_fragment, fragment) = match url.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (url, None),
        };
        let (base, query) = match before_fragment.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (before_fragment, None),
        };
        let mut out = match base.split_once("://") {
            Some((scheme, rest)) => {
                let authority_end = rest.find('/').unwrap_or(rest.len());
                let (authority, path) = rest.split_at(authority_end);
                match authority.rsplit_once('@') {
                    Some((userinfo, host)) => {
                        format!("{scheme}://{}@{host}{path}", self.marker(userinfo))
                    }
                    None => base.to_owned(),
                }
            }
            None => base.to_owned(),
        };
        if let Some(query) = query {
            out.push('?');
            out.push_str(&self.params(query));
        }
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(&self.params(fragment));
        }
        out
    }

    /// `a=1&b=2` with secret values (and JWT values) replaced.
    fn params(&mut self, text: &str) -> String {
        text.split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value))
                    if is_secret_name(&decode_component(name))
                        || looks_like_jwt(&decode_component(value)) =>
                {
                    let decoded = decode_component(value);
                    format!("{name}={}", self.token(&decoded))
                }
                _ => pair.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// A JSON value: secret keys' values replaced at any depth, JWTs anywhere.
    fn json(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if is_secret_name(key) && !v.is_object() && !v.is_array() && !v.is_null() {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        *v = Value::String(self.token(&text));
                    } else {
                        self.json(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::String(s) if looks_like_jwt(s) => *s = self.jwt(s),
            _ => {}
        }
    }

    /// A body by its type: form and JSON structurally; anything else is kept unless it
    /// is JSON by content.
    fn body(&mut self, mime: &str, text: &str) -> String {
        let mime = mime.to_ascii_lowercase();
        match serde_json::from_str::<Value>(text) {
            Ok(mut value) if value.is_object() || value.is_array() => {
                self.json(&mut value);
                return value.to_string();
            }
            // JSON that does not parse (a body cut off by the browser, or by the reader in
            // an entry over 1 MB) cannot be cleaned structurally: none of it is kept.
            Err(_) if mime.contains("json") || text.trim_start().starts_with(['{', '[']) => {
                return self.marker(text);
            }
            _ => {}
        }
        if mime.contains("x-www-form-urlencoded")
            || (text.contains('=') && !text.contains(' ') && !text.contains('<'))
        {
            return self.params(text);
        }
        if looks_like_jwt(text.trim()) {
            return self.jwt(text.trim());
        }
        text.to_owned()
    }

    fn header_value(&mut self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "authorization" | "proxy-authorization" => self.credentials(value),
            "cookie" => self.cookie_header(value),
            "set-cookie" => value
                .split('\n')
                .map(|line| self.set_cookie(line))
                .collect::<Vec<_>>()
                .join("\n"),
            "location" | "referer" | "content-location" | "origin" => self.url(value),
            _ if SECRET_HEADERS.contains(&lower.as_str()) => self.token(value),
            _ if is_secret_name(&lower) => self.token(value),
            _ => {
                if value.split([' ', ',', ';', '=']).any(looks_like_jwt) {
                    value
                        .split(' ')
                        .map(|w| {
                            if looks_like_jwt(w) {
                                self.jwt(w)
                            } else {
                                w.to_owned()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    value.to_owned()
                }
            }
        }
    }

    fn headers(&mut self, headers: Option<&mut Value>) {
        let Some(Value::Array(list)) = headers else {
            return;
        };
        for header in list {
            let Some(obj) = header.as_object_mut() else {
                continue;
            };
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if let Some(Value::String(value)) = obj.get_mut("value") {
                *value = self.header_value(&name, value);
            }
        }
    }

    fn cookies(&mut self, cookies: Option<&mut Value>) {
        let Some(Value::Array(list)) = cookies else {
            return;
        };
        for cookie in list {
            if let Some(Value::String(value)) =
                cookie.as_object_mut().and_then(|c| c.get_mut("value"))
            {
                if !value.is_empty() {
                    *value = self.marker(value);
                }
            }
        }
    }

    fn name_values(&mut self, list: Option<&mut Value>) {
        let Some(Value::Array(list)) = list else {
            return;
        };
        for item in list {
            let Some(obj) = item.as_object_mut() else {
                continue;
            };
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if let Some(Value::String(value)) = obj.get_mut("value") {
                if is_secret_name(&name) || looks_like_jwt(value) {
                    *value = self.token(value);
                }
            }
        }
    }

    fn string_field(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        f: impl FnOnce(&mut Self, &str) -> String,
    ) {
        if let Some(Value::String(s)) = map.get_mut(key) {
            *s = f(self, s);
        }
    }

    /// Sanitizes one HAR entry in place.
    pub fn entry(&mut self, entry: &mut Value) {
        let Some(entry) = entry.as_object_mut() else {
            return;
        };
        if let Some(Value::Object(request)) = entry.get_mut("request") {
            self.string_field(request, "url", |s, v| s.url(v));
            self.headers(request.get_mut("headers"));
            self.cookies(request.get_mut("cookies"));
            self.name_values(request.get_mut("queryString"));
            if let Some(Value::Object(post)) = request.get_mut("postData") {
                let mime = post
                    .get("mimeType")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                self.string_field(post, "text", |s, v| s.body(&mime, v));
                self.name_values(post.get_mut("params"));
            }
        }
        if let Some(Value::Object(response)) = entry.get_mut("response") {
            self.string_field(response, "redirectURL", |s, v| s.url(v));
            self.headers(response.get_mut("headers"));
            self.cookies(response.get_mut("cookies"));
            if let Some(Value::Object(content)) = response.get_mut("content") {
                let mime = content
                    .get("mimeType")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let base64 = content.get("encoding").and_then(Value::as_str) == Some("base64");
                self.string_field(content, "text", |s, v| {
                    if base64 {
                        match STANDARD
                            .decode(v.trim())
                            .ok()
                            .and_then(|b| String::from_utf8(b).ok())
                        {
                            Some(decoded)
                                if mime.contains("json")
                                    || decoded.trim_start().starts_with('{') =>
                            {
                                STANDARD.encode(s.body(&mime, &decoded))
                            }
                            _ => v.to_owned(),
                        }
                    } else {
                        s.body(&mime, v)
                    }
                });
            }
        }
    }
}

/// Percent-decoding for parameter names and values (`+` is a space in forms).
fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL-safe form of a marker is the marker itself; kept for callers that build
/// tokens.
pub fn is_marker(s: &str) -> bool {
    s.starts_with("redacted-") && s.len() == 17
}

/// Streams a HAR from `reader` to `writer`, sanitizing every entry, one at a time: the
/// output is a valid HAR with the same entries and every other field kept. Returns the
/// number of entries. `progress(bytes_read)` is called after each entry.
///
/// Memory is bounded like [`crate::har::stream`]'s: an entry larger than its window
/// (1 MB) keeps only the first 64 KB of each long string (its bodies, in practice).
pub fn sanitize_har<R: std::io::Read, W: std::io::Write>(
    reader: R,
    writer: W,
    sanitizer: &mut Sanitizer,
    progress: impl FnMut(u64),
) -> Result<usize, crate::har::stream::HarError> {
    use crate::har::stream::{walk, HarError, Window};
    let mut window = Window::new(reader);
    let mut transcoder = transcode::Transcoder {
        out: std::io::BufWriter::new(writer),
        sanitizer,
        first: false,
        progress,
    };
    let total = walk(&mut window, &mut transcoder)?;
    transcoder.sanitizer.cut_values += window.cut_values();
    std::io::Write::flush(&mut transcoder.out)
        .map_err(|e| HarError::new(window.offset(), format!("cannot write: {e}")))?;
    Ok(total)
}

mod transcode {
    //! Copies a HAR to a writer as [`walk`](crate::har::stream::walk) reads it, entry by
    //! entry, sanitizing on the way.
    use std::io::{Read, Write};

    use serde_json::Value;

    use super::Sanitizer;
    use crate::har::stream::{HarError, Level, Walk, Window};

    pub(super) struct Transcoder<'a, W, P> {
        pub out: W,
        pub sanitizer: &'a mut Sanitizer,
        /// Whether the next member or element is the first of its object or array.
        pub first: bool,
        pub progress: P,
    }

    impl<W: Write, P> Transcoder<'_, W, P> {
        fn write<R: Read>(&mut self, window: &Window<R>, bytes: &[u8]) -> Result<(), HarError> {
            self.out
                .write_all(bytes)
                .map_err(|e| HarError::new(window.offset(), format!("cannot write: {e}")))
        }

        fn json<R: Read, T: serde::Serialize + ?Sized>(
            &mut self,
            window: &Window<R>,
            value: &T,
        ) -> Result<(), HarError> {
            serde_json::to_writer(&mut self.out, value)
                .map_err(|e| HarError::new(window.offset(), format!("cannot write: {e}")))
        }
    }

    impl<R: Read, W: Write, P: FnMut(u64)> Walk<R> for Transcoder<'_, W, P> {
        fn open(&mut self, window: &Window<R>, level: Level) -> Result<(), HarError> {
            self.first = true;
            self.write(window, if level == Level::Entries { b"[" } else { b"{" })
        }

        fn key(&mut self, window: &Window<R>, _: Level, key: &str) -> Result<(), HarError> {
            if !std::mem::take(&mut self.first) {
                self.write(window, b",")?;
            }
            self.json(window, key)?;
            self.write(window, b":")
        }

        fn other(
            &mut self,
            window: &mut Window<R>,
            level: Level,
            key: &str,
        ) -> Result<(), HarError> {
            let mut value: Value = window.value()?;
            if level == Level::Log && key == "pages" {
                // Page titles are often URLs, with their query strings.
                if let Value::Array(pages) = &mut value {
                    for page in pages {
                        if let Some(Value::String(title)) = page.get_mut("title") {
                            *title = self.sanitizer.url(title);
                        }
                    }
                }
            }
            self.json(window, &value)
        }

        fn entry(&mut self, window: &mut Window<R>, index: usize) -> Result<(), HarError> {
            let mut entry: Value = window.value()?;
            self.sanitizer.entry(&mut entry);
            if index > 0 {
                self.write(window, b",\n")?;
            }
            self.json(window, &entry)?;
            (self.progress)(window.offset());
            Ok(())
        }

        fn close(&mut self, window: &Window<R>, level: Level) -> Result<(), HarError> {
            // A closed `log` or `entries` is a member of its parent, which goes on.
            self.first = false;
            self.write(window, if level == Level::Entries { b"]" } else { b"}" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed() -> Sanitizer {
        Sanitizer::with_key([1, 2], false)
    }

    #[test]
    fn markers_are_stable_keyed_and_safe() {
        let mut s = fixed();
        let a = s.marker("secret-1");
        assert_eq!(a, s.marker("secret-1"));
        assert_ne!(a, s.marker("secret-2"));
        assert!(is_marker(&a));
        assert_ne!(
            a,
            Sanitizer::with_key([3, 4], false).marker("secret-1"),
            "another key, another marker"
        );
    }

    #[test]
    fn credentials_keep_their_diagnosable_shape() {
        let mut s = fixed();
        let basic = s.credentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let parsed = credentials::parse(&basic);
        assert_eq!(
            parsed.basic.as_ref().map(|b| b.user.as_str()),
            Some("Aladdin")
        );
        assert!(!basic.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"));
        assert_eq!(s.credentials("Bearer undefined"), "Bearer undefined");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNlY3JldA";
        let out = s.credentials(&format!("Bearer  \"{jwt}\""));
        assert!(
            out.starts_with("Bearer  \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.redacted-"),
            "{out}"
        );
        assert!(!out.contains("c2lnbmF0dXJlLXNlY3JldA"));
        let strict = Sanitizer::with_key([1, 2], true).credentials(&format!("Bearer {jwt}"));
        assert!(!strict.contains("eyJzdWIiOiJhIn0"));
        let digest = s.credentials(
            r#"Digest username="u", realm="r", nonce="n", uri="/", response="abcdef0123""#,
        );
        assert!(!digest.contains("abcdef0123") && digest.contains("username=\"u\""));
    }

    #[test]
    fn urls_lose_userinfo_and_secret_parameters() {
        let mut s = fixed();
        let out = s.url("https://user:pw@example.com/cb?code=SECRETCODE&x=1&state=S1#access_token=AT1&token_type=Bearer");
        for secret in ["user:pw", "SECRETCODE", "S1", "AT1"] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        assert!(
            out.contains("x=1")
                && out.contains("token_type=Bearer")
                && out.contains("example.com/cb")
        );
    }

    #[test]
    fn bodies_are_sanitized_structurally() {
        let mut s = fixed();
        let out = s.body("application/json", r#"{"user":"a","password":"P1","nested":[{"refresh_token":"R1"}],"note":"eyJhbGciOiJub25lIn0.eyJhIjoxfQ.sig"}"#);
        assert!(
            !out.contains("P1")
                && !out.contains("R1")
                && !out.contains(".sig\"")
                && out.contains("\"user\":\"a\"")
        );
        let cut = s.body("text/plain", r#"{"access_token":"AT9","expires_in":36"#);
        assert!(is_marker(&cut), "{cut}");
        let out = s.body(
            "application/x-www-form-urlencoded",
            "grant_type=refresh_token&refresh_token=R2&client_secret=CS",
        );
        assert!(
            !out.contains("R2") && !out.contains("CS") && out.contains("grant_type=refresh_token")
        );
    }
}
