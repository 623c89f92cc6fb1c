//! Makes a HAR safe to attach to a support ticket, without losing what diagnoses it.
//!
//! HAR files carry live credentials, and leaked support HARs have been used to hijack
//! sessions. The sanitizer is safe by default (STYLE.md, "Sanitizers: allow, don't deny";
//! docs/security.md): what is not known to be safe is redacted. Every secret becomes a
//! *correlation marker*, `redacted-` and 8 hex digits of a keyed hash of the secret: the
//! same secret gets the same marker within a file ("the same token was reused" stays
//! visible), while the marker reveals nothing without the key, which is random per run
//! (the Wasm caller passes one from `crypto.getRandomValues`). Markers only use characters
//! valid in tokens, cookie values and URLs, so the sanitized file still parses the same way.
//!
//! - [`headers`]: values kept only for an allow-list of headers; `Authorization`,
//!   challenges and cookies in structured form; every other value becomes its marker;
//! - [`url`]: userinfo, secret-looking path segments, hash-routed fragments, secret and
//!   signature parameters;
//! - [`body`]: JSON, forms, multipart, GraphQL, HTML, base64 bodies decoded first;
//! - [`scan`]: every other string of the HAR (`_initiator`, `_webSocketMessages`,
//!   comments, custom `_` fields) is scanned for secret shapes: JWTs, known token prefixes
//!   ([`prefixes`]), long high-entropy runs.
//!
//! JWTs keep their header and claims without the signature, so the diagnosis still reads
//! them; `strict` drops them too. Sanitizing a sanitized file changes nothing: a marker is
//! never replaced again, a body that needs no change is kept byte for byte.

use std::hash::{Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

pub mod body;
pub mod headers;
pub mod prefixes;
pub mod scan;
pub mod url;

use scan::is_jwt;

/// Values nested deeper than this below an entry (or another top-level HAR value) are
/// cut, with a note in their place: serde_json refuses more than 128 levels, and one such
/// field must not fail the whole file. Chrome's async `_initiator` stacks are the deepest
/// real values, a few dozen levels.
pub const MAX_DEPTH: usize = 100;

/// What a value nested too deep is replaced with.
pub const DEEP_NOTE: &str = "authlens: cut, nested more than 100 levels deep";

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
    /// How many fields were nested more than [`MAX_DEPTH`] levels deep and were cut.
    pub cut_deep: u64,
    /// How many entries (or other top-level values) were too large to read even with
    /// their long strings cut, and were written as a note
    /// ([`crate::har::stream::Window::skipped_values`]).
    pub skipped: u64,
    /// URLs inside URLs (`redirect_uri=https://…?next=https://…`) being cleaned.
    pub(crate) nesting: u8,
}

/// Parameter and JSON key names whose values are secrets (compared without case, `-`,
/// `_`). OAuth 2.0 (RFC 6749 §4.1.2, §4.2.2, §5.1), PKCE (RFC 7636), OIDC, SAML bindings,
/// CAS (`ticket`), OAuth 1.0a, presigned URLs (AWS SigV4, GCS, Azure SAS `sig`, CloudFront
/// `Signature`/`Policy`/`Key-Pair-Id`), sessions and CSRF tokens.
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
    "pass",
    "passcode",
    "pin",
    "secret",
    "apikey",
    "key",
    "samlresponse",
    "samlrequest",
    "samlart",
    "relaystate",
    "ticket",
    "sessionid",
    "sessionstate",
    "session",
    "sid",
    "otp",
    "authorization",
    "auth",
    "jwt",
    "csrf",
    "xsrf",
    "csrftoken",
    "xsrftoken",
    "csrfmiddlewaretoken",
    "authenticitytoken",
    "requestverificationtoken",
    "viewstate",
    "eventvalidation",
    "credential",
    "credentials",
    "privatekey",
    "signature",
    "sig",
    "hmac",
    "xamzsignature",
    "xamzcredential",
    "xamzsecuritytoken",
    "xgoogsignature",
    "xgoogcredential",
    "googleaccessid",
    "policy",
    "keypairid",
    "oauthtoken",
    "oauthverifier",
    "oauthsignature",
    "oauthconsumerkey",
    "oauthnonce",
    "nonce",
    "cnonce",
    "response",
    "cookie",
];

/// Names that mark a secret whatever the value looks like; the others (`code`, `state`,
/// `key`, `session`, `response`…) also name ordinary things in JSON error bodies, where
/// only credential-shaped values are replaced.
const STRONG_SUFFIXES: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "signature",
    "sessionid",
    "sessid",
    "credential",
    "credentials",
    "samlresponse",
    "samlrequest",
    "assertion",
    "codeverifier",
];

/// A name without case, `-`, `_` and `.`, in a buffer (names are compared for every run
/// of every string, so no allocation); `None` when longer than any secret name.
fn normalise(name: &str) -> Option<([u8; 64], usize)> {
    let mut out = [0u8; 64];
    let mut n = 0;
    for b in name.bytes().filter(|b| !matches!(b, b'-' | b'_' | b'.')) {
        *out.get_mut(n)? = b.to_ascii_lowercase();
        n += 1;
    }
    Some((out, n))
}

/// Whether a parameter, JSON key or header names a secret.
pub fn is_secret_name(name: &str) -> bool {
    let Some((buffer, len)) = normalise(name) else {
        return false;
    };
    let n = buffer.get(..len).unwrap_or(&[]);
    SECRET_NAMES.iter().any(|s| s.as_bytes() == n)
        || STRONG_SUFFIXES.iter().any(|s| n.ends_with(s.as_bytes()))
        || (n.ends_with(b"key") && n.len() <= 24 && !n.ends_with(b"monkey"))
}

/// Whether a name marks a secret whatever its value looks like.
pub fn is_strong_secret_name(name: &str) -> bool {
    let Some((buffer, len)) = normalise(name) else {
        return false;
    };
    let n = buffer.get(..len).unwrap_or(&[]);
    STRONG_SUFFIXES.iter().any(|s| n.ends_with(s.as_bytes()))
        || [
            "pass",
            "passcode",
            "pin",
            "otp",
            "clientassertion",
            "samlart",
            "ticket",
        ]
        .iter()
        .any(|s| s.as_bytes() == n)
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
            cut_deep: 0,
            skipped: 0,
            nesting: 0,
        }
    }

    /// `redacted-` and 8 hex digits of a keyed hash of `secret`. A marker is its own
    /// marker: sanitizing twice changes nothing.
    pub fn marker(&mut self, secret: &str) -> String {
        if is_marker(secret) {
            return secret.to_owned();
        }
        self.redacted += 1;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.key.hash(&mut hasher);
        secret.hash(&mut hasher);
        format!("redacted-{:08x}", hasher.finish() as u32)
    }

    /// A JWT without its secret parts: a JWS keeps its header and claims (unless strict)
    /// and loses its signature; a JWE (RFC 7516 §7.1) keeps only its header, the rest
    /// (keys, IV, ciphertext, tag) replaced segment by segment so it still reads as a JWE.
    /// An unsecured JWT (`alg: none`, an empty signature, RFC 7519 §6) has nothing to
    /// lose but its claims, which are kept unless strict.
    pub(crate) fn jwt(&mut self, token: &str) -> String {
        if self.strict {
            return self.marker(token);
        }
        let segments: Vec<&str> = token.split('.').collect();
        let readable = |s: &str| {
            s.is_empty()
                || URL_SAFE_NO_PAD
                    .decode(s.trim_end_matches('='))
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                    .is_some()
        };
        match segments.as_slice() {
            [header, rest @ ..] if rest.len() == 4 && readable(header) => {
                if rest.iter().all(|s| s.is_empty() || is_marker(s)) {
                    return token.to_owned();
                }
                let marker = self.marker(token);
                let parts: Vec<&str> = rest
                    .iter()
                    .map(|s| if s.is_empty() { "" } else { marker.as_str() })
                    .collect();
                format!("{header}.{}", parts.join("."))
            }
            [header, payload, signature] if readable(header) && readable(payload) => {
                if signature.is_empty() || is_marker(signature) {
                    return token.to_owned();
                }
                format!("{header}.{payload}.{}", self.marker(token))
            }
            _ => self.marker(token),
        }
    }

    /// `clean(value)`, when cleaning it again changes nothing; otherwise `fallback(value)`
    /// (a marker). Odd input can clean into a shape that reads differently (a value whose
    /// scheme is not a token, a URL whose marker joins two parts): then none of it is
    /// kept, and a second pass is sure to change nothing.
    pub(crate) fn stable(
        &mut self,
        value: &str,
        clean: impl Fn(&mut Self, &str) -> String,
        fallback: impl Fn(&mut Self, &str) -> String,
    ) -> String {
        let out = clean(self, value);
        self.checked(value, out, clean, fallback)
    }

    /// [`Self::stable`], given `out = clean(value)` already.
    pub(crate) fn checked(
        &mut self,
        value: &str,
        out: String,
        clean: impl Fn(&mut Self, &str) -> String,
        fallback: impl Fn(&mut Self, &str) -> String,
    ) -> String {
        if out == value {
            return out;
        }
        let mut probe = self.clone();
        if clean(&mut probe, &out) == out {
            out
        } else {
            fallback(self, value)
        }
    }

    /// A token: JWTs keep their readable parts, anything else becomes a marker.
    pub(crate) fn token(&mut self, token: &str) -> String {
        if is_jwt(token) {
            self.jwt(token)
        } else {
            self.marker(token)
        }
    }

    /// Any value with no structure of its own, in place: every string (and key) scanned.
    pub(crate) fn generic(&mut self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if let std::borrow::Cow::Owned(out) = self.text(s) {
                    *s = self.checked(s, out, |t, v| t.text(v).into_owned(), Self::marker);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.generic(v)),
            Value::Object(map) => {
                let renamed: Vec<(String, String)> = map
                    .keys()
                    .filter_map(|k| match self.text(k) {
                        std::borrow::Cow::Owned(clean) => Some((k.clone(), clean)),
                        std::borrow::Cow::Borrowed(_) => None,
                    })
                    .collect();
                for (old, new) in renamed {
                    if let Some(v) = map.remove(&old) {
                        map.insert(new, v);
                    }
                }
                map.values_mut().for_each(|v| self.generic(v));
            }
            _ => {}
        }
    }

    /// `request.cookies`, `response.cookies`: every value replaced, names and attributes
    /// kept.
    fn cookies(&mut self, cookies: &mut Value) {
        let Value::Array(list) = cookies else {
            return self.generic(cookies);
        };
        for cookie in list {
            let Value::Object(obj) = cookie else {
                self.generic(cookie);
                continue;
            };
            for (key, v) in obj.iter_mut() {
                match (key.as_str(), v) {
                    ("value", Value::String(value)) => {
                        if !value.is_empty() {
                            *value = self.marker(value);
                        }
                    }
                    ("name", _) => {}
                    (_, other) => self.generic(other),
                }
            }
        }
    }

    /// `queryString`, `postData.params`: `{name, value}` pairs, like URL parameters.
    fn name_values(&mut self, list: &mut Value) {
        let Value::Array(items) = list else {
            return self.generic(list);
        };
        for item in items {
            let Value::Object(obj) = item else {
                self.generic(item);
                continue;
            };
            let name = obj
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            for (key, v) in obj.iter_mut() {
                match (key.as_str(), v) {
                    ("value", Value::String(value)) => {
                        let name = decode_component(&name);
                        *value = self.stable(
                            value,
                            |s, v| s.param_value(&name, v, &decode_component(v)),
                            Self::marker,
                        );
                    }
                    ("name", _) => {}
                    (_, other) => self.generic(other),
                }
            }
        }
    }

    /// `postData` and `response.content`: the body by its MIME type, decoded first when
    /// base64.
    fn content(&mut self, content: &mut Value) {
        let Value::Object(obj) = content else {
            return self.generic(content);
        };
        let mime = obj
            .get("mimeType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let base64 = obj.get("encoding").and_then(Value::as_str) == Some("base64");
        for (key, v) in obj.iter_mut() {
            match (key.as_str(), v) {
                ("text", Value::String(text)) => {
                    *text = if base64 {
                        self.stable(
                            text,
                            |s, v| s.base64_body(&mime, v),
                            |s, v| base64::engine::general_purpose::STANDARD.encode(s.marker(v)),
                        )
                    } else {
                        self.stable(text, |s, v| s.body(&mime, v), Self::marker)
                    };
                }
                ("params", list) => self.name_values(list),
                ("mimeType", Value::String(mime)) => *mime = self.identifier(mime),
                (_, other) => self.generic(other),
            }
        }
    }

    fn url_field(&mut self, v: &mut Value) {
        match v {
            Value::String(url) => *url = self.stable(url, Self::url, Self::marker),
            other => self.generic(other),
        }
    }

    /// Sanitizes one HAR entry in place. Every member is visited: the known ones by their
    /// structure, the others (`_initiator`, `_webSocketMessages`, `comment`, any custom
    /// field) scanned string by string.
    pub fn entry(&mut self, entry: &mut Value) {
        let Value::Object(map) = entry else {
            return self.generic(entry);
        };
        for (key, v) in map.iter_mut() {
            match (key.as_str(), v) {
                ("request", Value::Object(request)) => {
                    for (key, v) in request.iter_mut() {
                        match key.as_str() {
                            "url" => self.url_field(v),
                            "headers" => self.headers(v),
                            "cookies" => self.cookies(v),
                            "queryString" => self.name_values(v),
                            "postData" => self.content(v),
                            _ => self.generic(v),
                        }
                    }
                }
                ("response", Value::Object(response)) => {
                    for (key, v) in response.iter_mut() {
                        match key.as_str() {
                            "redirectURL" => self.url_field(v),
                            "headers" => self.headers(v),
                            "cookies" => self.cookies(v),
                            "content" => self.content(v),
                            _ => self.generic(v),
                        }
                    }
                }
                ("_webSocketMessages", Value::Array(messages)) => {
                    for message in messages {
                        match message {
                            Value::Object(m) => {
                                for (key, v) in m.iter_mut() {
                                    match (key.as_str(), v) {
                                        ("data", Value::String(data)) => {
                                            *data = self.stable(
                                                data,
                                                |s, v| s.body("", v),
                                                Self::marker,
                                            );
                                        }
                                        (_, other) => self.generic(other),
                                    }
                                }
                            }
                            other => self.generic(other),
                        }
                    }
                }
                (_, other) => self.generic(other),
            }
        }
    }
}

/// Percent-decoding for parameter names and values (`+` is a space in forms).
pub(crate) fn decode_component(s: &str) -> String {
    if !s.contains(['%', '+']) {
        return s.to_owned();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                match s
                    .get(i + 1..i + 3)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
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

/// Whether `s` is a correlation marker.
pub fn is_marker(s: &str) -> bool {
    s.len() == 17
        && s.starts_with("redacted-")
        && s.bytes()
            .skip(9)
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
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

    use super::capped::Capped;
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
        /// The next value, or `None` when it was too large to read even cut: the reader
        /// has moved past it, and a note is written in its place (an entry becomes an
        /// object with only a `comment`, so the file keeps its entries).
        fn read<R: Read>(&mut self, window: &mut Window<R>) -> Result<Option<Capped>, HarError> {
            let skipped = window.skipped_values();
            match window.value::<Capped>() {
                Ok(value) => Ok(Some(value)),
                Err(e) if window.skipped_values() > skipped => {
                    self.sanitizer.skipped += 1;
                    let note = serde_json::json!({
                        "comment": format!("authlens: skipped at byte {}: {}", e.offset, e.message)
                    });
                    self.json(window, &note)?;
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }

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
            _level: Level,
            _key: &str,
        ) -> Result<(), HarError> {
            let Some(Capped { mut value, cut }) = self.read(window)? else {
                return Ok(());
            };
            self.sanitizer.cut_deep += cut;
            // Page titles (often URLs), the creator, comments, custom fields: scanned.
            self.sanitizer.generic(&mut value);
            self.json(window, &value)
        }

        fn entry(&mut self, window: &mut Window<R>, index: usize) -> Result<(), HarError> {
            if index > 0 {
                self.write(window, b",\n")?;
            }
            let Some(Capped {
                value: mut entry,
                cut,
            }) = self.read(window)?
            else {
                (self.progress)(window.offset());
                return Ok(());
            };
            self.sanitizer.cut_deep += cut;
            self.sanitizer.entry(&mut entry);
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

mod capped {
    //! A JSON value read with every field nested deeper than [`MAX_DEPTH`] replaced by
    //! [`DEEP_NOTE`]: serde_json's own limit (128) would fail the whole value, and with
    //! it the file. The subtree is skipped by serde_json's iterative `ignore_value`,
    //! which has no depth limit and no recursion.
    use std::cell::Cell;

    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;
    use serde_json::{Map, Value};

    use super::{DEEP_NOTE, MAX_DEPTH};

    pub struct Capped {
        pub value: Value,
        /// How many fields were cut.
        pub cut: u64,
    }

    impl<'de> Deserialize<'de> for Capped {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let cut = Cell::new(0);
            let value = Level {
                depth: 0,
                cut: &cut,
            }
            .deserialize(d)?;
            Ok(Self {
                value,
                cut: cut.get(),
            })
        }
    }

    #[derive(Clone, Copy)]
    struct Level<'a> {
        depth: usize,
        cut: &'a Cell<u64>,
    }

    impl<'de> DeserializeSeed<'de> for Level<'_> {
        type Value = Value;

        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            if self.depth >= MAX_DEPTH {
                d.deserialize_ignored_any(IgnoredAny)?;
                self.cut.set(self.cut.get() + 1);
                return Ok(Value::String(DEEP_NOTE.to_owned()));
            }
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Level<'_> {
        type Value = Value;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            self.deserialize(d)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let inner = Level {
                depth: self.depth + 1,
                cut: self.cut,
            };
            let mut items = Vec::new();
            while let Some(v) = seq.next_element_seed(inner)? {
                items.push(v);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let inner = Level {
                depth: self.depth + 1,
                cut: self.cut,
            };
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let v = map.next_value_seed(inner)?;
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials;

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
