//! The parts of a HAR 1.2 entry AuthLens reads (http://www.softwareishard.com/blog/har-12-spec/).
//!
//! Every field has a default, so entries from any browser (Chrome's `_resourceType` and
//! other `_`-prefixed extras, Firefox's missing optional fields) deserialise; unknown
//! fields are ignored. Bodies are read only when small, in [`crate::exchange`].

use serde::Deserialize;

/// One `log.entries[i]`.
///
/// Deserialised by hand for one reason: the response body is only needed for failures
/// (their JSON error details) and for POSTs (token endpoint answers), and HAR writes
/// `request` before `response` and `status` before `content`. So by the time the body
/// comes, it is known whether to keep it; when not, serde_json skips it without copying,
/// which is most of the cost of reading a large HAR.
#[derive(Debug, Clone, Default)]
pub struct HarEntry {
    pub started_date_time: Option<String>,
    pub request: HarRequest,
    pub response: HarResponse,
    /// Chrome's resource type (`document`, `fetch`, `xhr`, `preflight`, …).
    pub resource_type: Option<String>,
}

impl<'de> Deserialize<'de> for HarEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        enum Key {
            Started,
            Request,
            Response,
            ResourceType,
            Other,
        }
        let key = |k: &[u8]| match k {
            b"startedDateTime" => Key::Started,
            b"request" => Key::Request,
            b"response" => Key::Response,
            b"_resourceType" => Key::ResourceType,
            _ => Key::Other,
        };

        struct Entry<F>(F);
        impl<'de, F: Fn(&[u8]) -> Key> Visitor<'de> for Entry<F> {
            type Value = HarEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR entry object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarEntry, A::Error> {
                let mut entry = HarEntry::default();
                let mut request_seen = false;
                while let Some(key) = map.next_key_seed(KeyOf(&self.0))? {
                    match key {
                        Key::Started => entry.started_date_time = map.next_value()?,
                        Key::Request => {
                            entry.request = map.next_value()?;
                            request_seen = true;
                        }
                        Key::Response => {
                            // A response read before its request keeps its body (we
                            // cannot tell yet whether it answers a token request).
                            let token = !request_seen || entry.request.wants_answer_body();
                            entry.response =
                                map.next_value_seed(ResponseSeed { keep_body: token })?;
                        }
                        Key::ResourceType => entry.resource_type = map.next_value()?,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(entry)
            }
        }
        d.deserialize_map(Entry(key))
    }
}

/// Reads a response, keeping its body when `keep_body` or when the status is not 2xx/3xx.
struct ResponseSeed {
    keep_body: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for ResponseSeed {
    type Value = HarResponse;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<HarResponse, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        enum Key {
            Status,
            Headers,
            RedirectUrl,
            Content,
            Other,
        }
        fn key(k: &[u8]) -> Key {
            match k {
                b"status" => Key::Status,
                b"headers" => Key::Headers,
                b"redirectURL" => Key::RedirectUrl,
                b"content" => Key::Content,
                _ => Key::Other,
            }
        }

        struct Headers(Vec<HarHeader>);
        impl<'de> Deserialize<'de> for Headers {
            fn deserialize<D2: serde::Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
                relevant_headers(d).map(Headers)
            }
        }

        struct Response(bool);
        impl<'de> Visitor<'de> for Response {
            type Value = HarResponse;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR response object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarResponse, A::Error> {
                let mut response = HarResponse::default();
                let mut status_seen = false;
                while let Some(key) = map.next_key_seed(KeyOf(key))? {
                    match key {
                        Key::Status => {
                            response.status = map.next_value()?;
                            status_seen = true;
                        }
                        Key::Headers => response.headers = map.next_value::<Headers>()?.0,
                        Key::RedirectUrl => response.redirect_url = map.next_value()?,
                        Key::Content => {
                            let failing = !(200..400).contains(&response.status);
                            let keep = self.0 || !status_seen || failing;
                            response.content = map.next_value_seed(ContentSeed { keep })?;
                        }
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(response)
            }
        }
        d.deserialize_map(Response(self.keep_body))
    }
}

/// Reads `content`: its text only when `keep`, and not when `size` (which HAR writers put
/// before `text`) already says it is over [`MAX_BODY`].
struct ContentSeed {
    keep: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for ContentSeed {
    type Value = HarContent;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<HarContent, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        enum Key {
            Size,
            MimeType,
            Encoding,
            Text,
            Other,
        }
        fn key(k: &[u8]) -> Key {
            match k {
                b"size" => Key::Size,
                b"mimeType" => Key::MimeType,
                b"encoding" => Key::Encoding,
                b"text" => Key::Text,
                _ => Key::Other,
            }
        }

        struct Content(bool);
        impl<'de> Visitor<'de> for Content {
            type Value = HarContent;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR content object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarContent, A::Error> {
                let mut content = HarContent::default();
                let mut keep = self.0;
                while let Some(key) = map.next_key_seed(KeyOf(key))? {
                    match key {
                        Key::Size => {
                            // Negative or fractional sizes (some writers) are just unknown.
                            let size: serde_json::Value = map.next_value()?;
                            if size.as_u64().is_some_and(|s| s > MAX_BODY as u64) {
                                keep = false;
                            }
                        }
                        Key::MimeType => {
                            content.mime_type =
                                map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        Key::Encoding => content.encoding = map.next_value()?,
                        Key::Text if keep => content.text = map.next_value_seed(SmallText)?,
                        Key::Text | Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(content)
            }
        }
        d.deserialize_map(Content(self.keep))
    }
}

/// [`small_text`] as a seed.
struct SmallText;

impl<'de> serde::de::DeserializeSeed<'de> for SmallText {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
        small_text(d)
    }
}

impl HarRequest {
    /// A POST, whose answer may issue a token: a token endpoint (RFC 6749 §3.2) or any
    /// login, wherever it lives and whatever it calls the token. Logins are recognised by
    /// what they return (`diagnose::session`), so every POST keeps its (small) answer.
    pub fn is_token_request(&self) -> bool {
        self.method.eq_ignore_ascii_case("POST")
    }

    /// Whether the diagnosis reads this request's answer even when it succeeded: a token
    /// request's, and the authorization server's metadata (OIDC Discovery §4, RFC 8414 §3:
    /// `/.well-known/…`) and keys (a JWKS), which the sign-in flows check
    /// (`oidc.issuer_mismatch`, `--jwks`). Other successes are read past without a copy.
    pub fn wants_answer_body(&self) -> bool {
        if self.is_token_request() {
            return true;
        }
        let path = crate::syntax::before_query(&self.url);
        path.contains("/.well-known/") || path.ends_with("/jwks") || path.ends_with("/certs")
    }
}

#[derive(Debug, Clone, Default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<HarHeader>,
    pub post_data: Option<HarPostData>,
}

impl<'de> Deserialize<'de> for HarRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        enum Key {
            Method,
            Url,
            Headers,
            PostData,
            Other,
        }
        fn key(k: &[u8]) -> Key {
            match k {
                b"method" => Key::Method,
                b"url" => Key::Url,
                b"headers" => Key::Headers,
                b"postData" => Key::PostData,
                _ => Key::Other,
            }
        }

        struct Headers(Vec<HarHeader>);
        impl<'de> Deserialize<'de> for Headers {
            fn deserialize<D2: serde::Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
                relevant_headers(d).map(Headers)
            }
        }

        struct Request;
        impl<'de> Visitor<'de> for Request {
            type Value = HarRequest;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR request object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarRequest, A::Error> {
                let mut request = HarRequest::default();
                while let Some(key) = map.next_key_seed(KeyOf(key))? {
                    match key {
                        Key::Method => {
                            request.method = map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        Key::Url => {
                            request.url = map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        Key::Headers => request.headers = map.next_value::<Headers>()?.0,
                        Key::PostData => request.post_data = map.next_value()?,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(request)
            }
        }
        d.deserialize_map(Request)
    }
}

#[derive(Debug, Clone, Default)]
pub struct HarPostData {
    pub mime_type: String,
    pub text: Option<String>,
}

impl<'de> Deserialize<'de> for HarPostData {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, Visitor};

        enum Key {
            MimeType,
            Text,
            Other,
        }
        fn key(k: &[u8]) -> Key {
            match k {
                b"mimeType" => Key::MimeType,
                b"text" => Key::Text,
                _ => Key::Other,
            }
        }

        struct PostData;
        impl<'de> Visitor<'de> for PostData {
            type Value = HarPostData;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR postData object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarPostData, A::Error> {
                let mut post = HarPostData::default();
                while let Some(key) = map.next_key_seed(KeyOf(key))? {
                    match key {
                        Key::MimeType => {
                            post.mime_type = map.next_value::<Option<String>>()?.unwrap_or_default()
                        }
                        Key::Text => post.text = map.next_value_seed(SmallText)?,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(post)
            }
        }
        d.deserialize_map(PostData)
    }
}

/// A map key read as raw bytes and named by `F`: serde_json then skips the UTF-8 check a
/// `&str` key costs, and every key of every entry of a large HAR is read. Deserializers
/// that only give strings (visit_str) are served too.
struct KeyOf<F>(F);

impl<'de, K, F: Fn(&[u8]) -> K> serde::de::DeserializeSeed<'de> for KeyOf<F> {
    type Value = K;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        d.deserialize_bytes(self)
    }
}

impl<'de, K, F: Fn(&[u8]) -> K> serde::de::Visitor<'de> for KeyOf<F> {
    type Value = K;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<K, E> {
        Ok((self.0)(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<K, E> {
        Ok((self.0)(v.as_bytes()))
    }
}

/// Bodies above this size are skipped while reading: error details fit in far less, and
/// HAR files can carry megabytes per entry.
pub const MAX_BODY: usize = 16 * 1024;

/// Keeps a body only when it is small; a large one is read past without being copied.
fn small_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Small;
    impl<'de> serde::de::Visitor<'de> for Small {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok((v.len() <= MAX_BODY).then(|| v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok((v.len() <= MAX_BODY).then_some(v))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(Small)
}

/// A response (read through [`HarEntry`]'s deserializer, which decides about the body).
#[derive(Debug, Clone, Default)]
pub struct HarResponse {
    pub status: i64,
    pub headers: Vec<HarHeader>,
    pub redirect_url: Option<String>,
    pub content: HarContent,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarContent {
    pub mime_type: String,
    #[serde(deserialize_with = "small_text")]
    pub text: Option<String>,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(default)]
pub struct HarHeader {
    pub name: String,
    pub value: String,
}

/// The headers the diagnosis reads. Entries keep only these: a HAR entry carries a dozen
/// or more others (user-agent, accept-*, sec-ch-*, …) whose allocation dominated the cost
/// of reading large files. Compared without case (RFC 9110 §5.1).
pub const RELEVANT_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "www-authenticate",
    "proxy-authenticate",
    "date",
    "age",
    "location",
    "content-type",
    "origin",
    // The initiator of a request without Sec-Fetch-Site (cookie_store: cross-site or not).
    "referer",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "access-control-request-method",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "clear-site-data",
    "dpop",
    "dpop-nonce",
];

/// Whether the diagnosis reads this header.
pub fn is_relevant_header(name: &str) -> bool {
    is_relevant_header_bytes(name.as_bytes())
}

/// [`is_relevant_header`] on a name's bytes. Called for every header of every entry, so
/// the length is compared first (one comparison rejects most names).
fn is_relevant_header_bytes(name: &[u8]) -> bool {
    RELEVANT_HEADERS
        .iter()
        .any(|h| h.len() == name.len() && h.as_bytes().eq_ignore_ascii_case(name))
}

/// A header list, keeping only [`RELEVANT_HEADERS`]; the others are read past without
/// being copied. `null` is an empty list.
fn relevant_headers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<HarHeader>, D::Error> {
    use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<HarHeader>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of {name, value} headers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(Maybe(header)) = seq.next_element::<Maybe>()? {
                out.extend(header);
            }
            Ok(out)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }

    struct Maybe(Option<HarHeader>);
    impl<'de> Deserialize<'de> for Maybe {
        fn deserialize<D2: serde::Deserializer<'de>>(d: D2) -> Result<Self, D2::Error> {
            d.deserialize_map(One)
        }
    }

    enum Key {
        Name,
        Value,
        Other,
    }
    fn key(k: &[u8]) -> Key {
        match k {
            b"name" => Key::Name,
            b"value" => Key::Value,
            _ => Key::Other,
        }
    }

    /// The name, kept only when relevant (`None`: read past). Read as bytes: most names
    /// are not kept, and need no UTF-8 check.
    struct Name;
    impl<'de> Visitor<'de> for Name {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a header name")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
            if !is_relevant_header_bytes(v) {
                return Ok(None);
            }
            // Relevant names are ASCII.
            Ok(std::str::from_utf8(v).ok().map(str::to_owned))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(is_relevant_header(v).then(|| v.to_owned()))
        }
    }
    impl<'de> serde::de::DeserializeSeed<'de> for Name {
        type Value = Option<String>;
        fn deserialize<D2: serde::Deserializer<'de>>(
            self,
            d: D2,
        ) -> Result<Self::Value, D2::Error> {
            d.deserialize_bytes(self)
        }
    }

    struct One;
    impl<'de> Visitor<'de> for One {
        type Value = Maybe;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a {name, value} header")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Maybe, A::Error> {
            // None: not seen yet; Some(None): seen, not relevant.
            let mut name: Option<Option<String>> = None;
            let mut value: Option<String> = None;
            while let Some(key) = map.next_key_seed(KeyOf(key))? {
                match key {
                    Key::Name => name = Some(map.next_value_seed(Name)?),
                    Key::Value if matches!(name, Some(None)) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    Key::Value => value = Some(map.next_value::<String>()?),
                    Key::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(Maybe(name.flatten().map(|name| HarHeader {
                name,
                value: value.unwrap_or_default(),
            })))
        }
    }

    d.deserialize_any(List)
}

pub mod stream;
