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

        #[derive(Deserialize)]
        #[serde(field_identifier)]
        enum Key {
            #[serde(rename = "startedDateTime")]
            Started,
            #[serde(rename = "request")]
            Request,
            #[serde(rename = "response")]
            Response,
            #[serde(rename = "_resourceType")]
            ResourceType,
            #[serde(other)]
            Other,
        }

        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = HarEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a HAR entry object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HarEntry, A::Error> {
                let mut entry = HarEntry::default();
                let mut request_seen = false;
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Started => entry.started_date_time = map.next_value()?,
                        Key::Request => {
                            entry.request = map.next_value()?;
                            request_seen = true;
                        }
                        Key::Response => {
                            // A response read before its request keeps its body (we
                            // cannot tell yet whether it answers a token request).
                            let token = !request_seen || entry.request.is_token_request();
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
        d.deserialize_map(Entry)
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

        #[derive(Deserialize)]
        #[serde(field_identifier)]
        enum Key {
            #[serde(rename = "status")]
            Status,
            #[serde(rename = "headers")]
            Headers,
            #[serde(rename = "redirectURL")]
            RedirectUrl,
            #[serde(rename = "content")]
            Content,
            #[serde(other)]
            Other,
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
                while let Some(key) = map.next_key::<Key>()? {
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

        #[derive(Deserialize)]
        #[serde(field_identifier)]
        enum Key {
            #[serde(rename = "size")]
            Size,
            #[serde(rename = "mimeType")]
            MimeType,
            #[serde(rename = "encoding")]
            Encoding,
            #[serde(rename = "text")]
            Text,
            #[serde(other)]
            Other,
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
                while let Some(key) = map.next_key::<Key>()? {
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
    /// A token-endpoint request (RFC 6749 §3.2): a POST with a grant_type in its body, or
    /// to a `…/token` path. Its response body says which token was issued.
    pub fn is_token_request(&self) -> bool {
        self.method.eq_ignore_ascii_case("POST")
            && (self
                .post_data
                .as_ref()
                .and_then(|p| p.text.as_deref())
                .is_some_and(|t| t.contains("grant_type"))
                || self
                    .url
                    .split(['?', '#'])
                    .next()
                    .is_some_and(|path| path.ends_with("/token")))
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    #[serde(deserialize_with = "relevant_headers")]
    pub headers: Vec<HarHeader>,
    pub post_data: Option<HarPostData>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarPostData {
    pub mime_type: String,
    #[serde(deserialize_with = "small_text")]
    pub text: Option<String>,
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
    RELEVANT_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
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

    #[derive(Deserialize)]
    #[serde(field_identifier, rename_all = "lowercase")]
    enum Key {
        Name,
        Value,
        #[serde(other)]
        Other,
    }

    /// The name, kept only when relevant (`None`: read past).
    struct Name;
    impl<'de> Visitor<'de> for Name {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a header name")
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
            d.deserialize_str(self)
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
            while let Some(key) = map.next_key::<Key>()? {
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

/// Streaming: `log.entries` one at a time, in bounded memory, with errors that say where.
pub mod stream {
    use std::cell::Cell;
    use std::fmt;
    use std::io::Read;

    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::HarEntry;

    /// Counts the bytes serde_json has consumed, for error offsets and progress.
    pub struct Counting<R> {
        inner: R,
        count: std::rc::Rc<Cell<u64>>,
    }

    impl<R: Read> Counting<R> {
        pub fn new(inner: R) -> (Self, std::rc::Rc<Cell<u64>>) {
            let count = std::rc::Rc::new(Cell::new(0));
            (
                Self {
                    inner,
                    count: count.clone(),
                },
                count,
            )
        }
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.count.set(self.count.get() + n as u64);
            Ok(n)
        }
    }

    /// A HAR that could not be read, and where.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct HarError {
        /// The index in `log.entries` being read, if the error is inside one.
        pub entry: Option<usize>,
        /// Byte offset in the file: exact when known (see [`HarError::locate`]), otherwise
        /// how far reading had got (within one 64 KB buffer).
        pub offset: u64,
        /// serde_json's 1-based line and (byte) column of the error; 0 when not a JSON error.
        pub line: usize,
        pub column: usize,
        pub message: String,
    }

    impl HarError {
        /// Makes `offset` exact from the line and column, given the same input again (the
        /// streaming reader cannot count bytes without slowing every byte down).
        pub fn locate<R: Read>(&mut self, input: R) {
            if self.line == 0 {
                return;
            }
            let mut line = 1;
            let mut offset = 0u64;
            for byte in std::io::BufReader::new(input).bytes() {
                let Ok(byte) = byte else { return };
                if line == self.line {
                    break;
                }
                offset += 1;
                if byte == b'\n' {
                    line += 1;
                }
            }
            self.offset = offset + self.column.saturating_sub(1) as u64;
        }
    }

    impl fmt::Display for HarError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if let Some(i) = self.entry {
                write!(f, "entry {i}, ")?;
            }
            write!(f, "byte {}", self.offset)?;
            if self.line > 0 {
                write!(f, " (line {}, column {})", self.line, self.column)?;
            }
            write!(f, ": {}", self.message)
        }
    }

    /// Reads a HAR from `reader` and calls `each(index, entry)` for every entry of
    /// `log.entries`, in order, holding one entry at a time. Returns the entry count.
    ///
    /// `progress(bytes_read)` is called after each entry (for progress bars).
    pub fn for_each_entry<R: Read>(
        reader: R,
        mut each: impl FnMut(usize, HarEntry),
        mut progress: impl FnMut(u64),
    ) -> Result<usize, HarError> {
        // Counting sits *under* the buffer: serde_json reads a BufReader byte by byte
        // through a fast path that any wrapper above it would lose (3x slower).
        let (counting, count) = Counting::new(reader);
        let buffered = std::io::BufReader::with_capacity(1 << 16, counting);
        let current = Cell::new(None::<usize>);
        let mut seen_entries = false;
        let mut handler = |index: usize, entry: HarEntry| {
            each(index, entry);
            progress(count.get());
        };
        let mut de = serde_json::Deserializer::from_reader(buffered);
        let result = de::Deserializer::deserialize_map(
            &mut de,
            RootVisitor {
                current: &current,
                seen_entries: &mut seen_entries,
                handler: &mut handler,
            },
        )
        .and_then(|n| de.end().map(|()| n));
        match result {
            Ok(_) if !seen_entries => Err(HarError {
                entry: None,
                offset: count.get(),
                line: 0,
                column: 0,
                message: "no log.entries array: not a HAR file".into(),
            }),
            Ok(n) => Ok(n),
            Err(e) => Err(error(&e, current.get(), count.get())),
        }
    }

    /// A serde_json error as a [`HarError`]; `read` is how far the input was read.
    pub fn error(e: &serde_json::Error, entry: Option<usize>, read: u64) -> HarError {
        HarError {
            entry,
            offset: read,
            line: e.line(),
            column: e.column(),
            message: describe(e),
        }
    }

    fn describe(e: &serde_json::Error) -> String {
        let text = e.to_string();
        let what = if text.contains("recursion limit") {
            "nested more than 128 levels deep".to_owned()
        } else {
            match e.classify() {
                serde_json::error::Category::Eof => {
                    "the file ends in the middle (truncated?)".to_owned()
                }
                serde_json::error::Category::Syntax => {
                    format!("not valid JSON: {}", strip_position(&text))
                }
                serde_json::error::Category::Data => {
                    format!("not the HAR shape: {}", strip_position(&text))
                }
                serde_json::error::Category::Io => format!("cannot read: {text}"),
            }
        };
        what
    }

    /// serde_json appends " at line L column C"; the error says where on its own.
    fn strip_position(text: &str) -> &str {
        text.rfind(" at line ").map_or(text, |i| &text[..i])
    }

    type Handler<'h> = dyn FnMut(usize, HarEntry) + 'h;

    struct RootVisitor<'a, 'h> {
        current: &'a Cell<Option<usize>>,
        seen_entries: &'a mut bool,
        handler: &'a mut Handler<'h>,
    }

    impl<'de> Visitor<'de> for RootVisitor<'_, '_> {
        type Value = usize;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a HAR object {\"log\": {...}}")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut total = 0;
            while let Some(key) = map.next_key::<String>()? {
                if key == "log" {
                    total = map.next_value_seed(LogSeed {
                        current: self.current,
                        seen_entries: self.seen_entries,
                        handler: self.handler,
                    })?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(total)
        }
    }

    struct LogSeed<'a, 'h> {
        current: &'a Cell<Option<usize>>,
        seen_entries: &'a mut bool,
        handler: &'a mut Handler<'h>,
    }

    impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_> {
        type Value = usize;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de> Visitor<'de> for LogSeed<'_, '_> {
        type Value = usize;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the log object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut total = 0;
            while let Some(key) = map.next_key::<String>()? {
                if key == "entries" {
                    *self.seen_entries = true;
                    total = map.next_value_seed(EntriesSeed {
                        current: self.current,
                        handler: self.handler,
                    })?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(total)
        }
    }

    struct EntriesSeed<'a, 'h> {
        current: &'a Cell<Option<usize>>,
        handler: &'a mut Handler<'h>,
    }

    impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_> {
        type Value = usize;

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for EntriesSeed<'_, '_> {
        type Value = usize;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the log.entries array")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut index = 0;
            loop {
                self.current.set(Some(index));
                match seq.next_element::<HarEntry>()? {
                    Some(entry) => (self.handler)(index, entry),
                    None => break,
                }
                index += 1;
            }
            self.current.set(None);
            Ok(index)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn read(text: &str) -> Result<Vec<(usize, u16)>, HarError> {
            let mut out = Vec::new();
            for_each_entry(
                text.as_bytes(),
                |i, e| out.push((i, u16::try_from(e.response.status).unwrap_or(0))),
                |_| {},
            )?;
            Ok(out)
        }

        #[test]
        fn bodies_are_kept_only_for_failures_and_token_requests() {
            let entry = |method: &str, path: &str, status: u16| {
                format!(
                    r#"{{"request":{{"method":"{method}","url":"https://a{path}"}},"response":{{"status":{status},"content":{{"mimeType":"application/json","text":"{{}}"}}}}}}"#
                )
            };
            let har = format!(
                r#"{{"log":{{"entries":[{},{},{},{}]}}}}"#,
                entry("GET", "/x", 200),
                entry("GET", "/x", 401),
                entry("POST", "/oauth/token", 200),
                entry("POST", "/upload", 200)
            );
            let mut kept = Vec::new();
            for_each_entry(
                har.as_bytes(),
                |_, e| kept.push(e.response.content.text.is_some()),
                |_| {},
            )
            .expect("reads");
            assert_eq!(kept, [false, true, true, false]);
        }

        #[test]
        fn streams_entries_in_order_ignoring_other_fields() {
            let har = r#"{"log":{"version":"1.2","creator":{"name":"x"},"pages":[{"id":"p"}],
                "entries":[{"request":{"method":"GET","url":"https://a/","headers":[]},"response":{"status":401,"headers":[],"content":{"text":"x","_custom":1}},"_resourceType":"fetch"},
                           {"request":{"method":"GET","url":"https://a/"},"response":{"status":200}}]},"_extra":true}"#;
            assert_eq!(read(har), Ok(vec![(0, 401), (1, 200)]));
        }

        #[test]
        fn errors_name_the_entry_and_offset() {
            let truncated = r#"{"log":{"entries":[{"request":{"method":"GET","url":"https://a/"},"response":{"status":200}},{"request":{"method":"#;
            let mut e = read(truncated).expect_err("truncated");
            assert_eq!(e.entry, Some(1));
            assert!(e.message.contains("truncated"), "{e}");
            e.locate(truncated.as_bytes());
            assert!(e.offset + 1 >= truncated.len() as u64, "{e}");
            let two_lines = "{\"log\":{\"entries\":[\n  {\"request\": 5}]}}";
            let mut e = read(two_lines).expect_err("wrong shape");
            e.locate(two_lines.as_bytes());
            assert_eq!(
                (e.line, e.offset),
                (2, two_lines.find('5').map_or(0, |i| i as u64 + 1))
            );
            let e = read("not json").expect_err("not JSON");
            assert!(e.message.contains("not valid JSON"), "{e}");
            let e = read(r#"{"log":{"entries":{"a":1}}}"#).expect_err("wrong shape");
            assert!(e.message.contains("HAR shape"), "{e}");
            let e = read(r#"{"log":{}}"#).expect_err("no entries");
            assert!(e.message.contains("no log.entries"));
            // Deep nesting in a custom field is skipped without recursion; deep nesting
            // where the shape is read is a clear error, never a stack overflow.
            let deep = format!(
                r#"{{"log":{{"entries":[{{"_custom":{}{}}}]}}}}"#,
                "[".repeat(100_000),
                "]".repeat(100_000)
            );
            assert_eq!(read(&deep).map(|v| v.len()), Ok(1));
            let deep = format!(
                r#"{{"log":{{"entries":[{{"request":{{"headers":{}"#,
                "[".repeat(100_000)
            );
            let e = read(&deep).expect_err("deep");
            assert_eq!(e.entry, Some(0));
        }
    }
}
