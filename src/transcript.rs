//! A pasted HTTP transcript read into one [`Exchange`]: `curl -v` output, `curl -i` output
//! (with the `curl` command line when it was pasted too), or a raw request followed by its
//! response.
//!
//! The message grammar is RFC 9112's: a start line (§3 request-line, §4 status-line),
//! field lines `name ":" OWS value OWS` (§5), an empty line, then the body. `curl -v`
//! prefixes what it sent with `> `, what it received with `< `, and its own notes with
//! `* ` (and `{ `/`} ` for data it did not print); those prefixes say which side a line is
//! on, so a verbose transcript is read by prefix, and a plain one by its start lines.
//!
//! Only the last exchange counts: `curl -L` prints every hop, and a `100 Continue` or
//! other 1xx response is followed by the final one (RFC 9110 §15.2), which replaces it.
//!
//! Deliberate leniency (a transcript is copied from a terminal, not read off the wire):
//! - line ends may be CRLF or LF (RFC 9112 §2.2 lets a recipient accept a bare LF);
//! - leading text before the first start line (a shell prompt, a note) is skipped, with a
//!   warning at its position;
//! - obs-fold continuation lines are joined to the previous field with one space, with a
//!   warning (RFC 9112 §5.2).
//!
//! Problems carry byte offsets into the pasted text. The parser never panics and always
//! returns what it could read; problems are capped at [`MAX_PROBLEMS`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

use crate::exchange::{Exchange, Header, MAX_BODY};
use crate::problem::{Problem, MAX_PROBLEMS};

/// What the pasted text looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `curl -v`: lines prefixed `> `, `< ` and `* `.
    CurlVerbose,
    /// `curl -i`: a response with its headers, perhaps after the command line.
    CurlInclude,
    /// A request and/or response as written on the wire.
    Raw,
}

/// A transcript read into one exchange.
#[derive(Debug, Clone)]
pub struct Transcript {
    pub kind: Kind,
    /// A request start line was found (or a `curl` command line said what was sent).
    pub has_request: bool,
    /// A status line was found.
    pub has_response: bool,
    pub exchange: Exchange,
    pub problems: Vec<Problem>,
}

/// Which side of the conversation a line belongs to, from its `curl -v` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Sent,
    Received,
    Note,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    RequestHeaders,
    RequestBody,
    ResponseHeaders,
    ResponseBody,
}

/// Whether `text` looks like a transcript this module reads: it has a status line or a
/// request line (with or without a `curl -v` prefix), or a `curl` command line.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(200).any(|line| {
        let (_, rest) = split_prefix(line.trim_end_matches('\r'));
        status_line(rest).is_some() || request_line(rest).is_some()
    })
}

struct Reader {
    problems: Vec<Problem>,
    dropped: bool,
    exchange: Exchange,
    command_headers: Vec<Header>,
    has_request: bool,
    has_response: bool,
    verbose: bool,
    command: bool,
    tls: bool,
    host: Option<String>,
    target: String,
    body: String,
    state: State,
}

impl Reader {
    fn problem(&mut self, problem: Problem) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(problem);
        } else if !self.dropped {
            self.dropped = true;
            self.problems.push(Problem::warning(
                problem.offset,
                "too many problems; the rest are not reported",
            ));
        }
    }

    fn headers(&mut self) -> &mut Vec<Header> {
        match self.state {
            State::RequestHeaders | State::RequestBody | State::Start => {
                &mut self.exchange.request_headers
            }
            State::ResponseHeaders | State::ResponseBody => &mut self.exchange.response_headers,
        }
    }

    /// Ends the body being read, keeping it when small (as [`Exchange`] does).
    fn end_body(&mut self) {
        let body = std::mem::take(&mut self.body);
        let body = body.trim_end_matches(['\r', '\n']).to_owned();
        let kept = (!body.is_empty() && body.len() <= MAX_BODY).then_some(body);
        match self.state {
            State::RequestBody => self.exchange.request_body = kept,
            State::ResponseBody => self.exchange.response_body = kept,
            _ => {}
        }
    }

    fn start_request(&mut self, method: &str, target: &str) {
        self.end_body();
        self.has_request = true;
        // A new request (a redirect hop, a retry): what came before is another exchange.
        self.has_response = false;
        self.exchange.method = method.to_owned();
        self.exchange.request_headers.clear();
        self.exchange.response_headers.clear();
        self.exchange.response_body = None;
        self.exchange.request_body = None;
        self.exchange.status = 0;
        self.target = target.to_owned();
        self.state = State::RequestHeaders;
    }

    fn start_response(&mut self, status: u16) {
        self.end_body();
        self.has_response = true;
        self.exchange.status = status;
        self.exchange.response_headers.clear();
        self.exchange.response_body = None;
        self.state = State::ResponseHeaders;
    }

    fn field_line(&mut self, line: &str, at: usize) {
        // obs-fold (RFC 9112 §5.2): a line starting with white space continues the field.
        if line.starts_with([' ', '\t']) {
            let folded = line.trim();
            match self.headers().last_mut() {
                Some(last) => {
                    if !last.value.is_empty() {
                        last.value.push(' ');
                    }
                    last.value.push_str(folded);
                    self.problem(Problem::warning(
                        at,
                        "a header continued on the next line (obs-fold, RFC 9112 §5.2): read as one line",
                    ));
                }
                None => self.problem(Problem::error(
                    at,
                    "a continuation line with no header before it",
                )),
            }
            return;
        }
        let Some(colon) = line.find(':') else {
            self.problem(Problem::error(at, "not a header line (no colon); skipped"));
            return;
        };
        let name = &line[..colon];
        let value = line[colon + 1..].trim_matches([' ', '\t']);
        if name.is_empty() {
            self.problem(Problem::error(at, "a header line without a name; skipped"));
            return;
        }
        if name.ends_with([' ', '\t']) {
            // RFC 9112 §5.1: no white space is allowed between the name and the colon.
            self.problem(Problem::error(
                at + name.trim_end().len(),
                "white space between a header name and its colon (RFC 9112 §5.1)",
            ));
        }
        let name = name.trim();
        if let Some(bad) = name.bytes().position(|b| !crate::syntax::is_tchar(b)) {
            self.problem(Problem::error(
                at + bad,
                "a header name holds a character a token cannot (RFC 9110 §5.1)",
            ));
        }
        let header = Header {
            name: name.to_owned(),
            value: value.to_owned(),
        };
        if header.name.eq_ignore_ascii_case("host") && self.host.is_none() {
            self.host = Some(header.value.clone());
        }
        self.headers().push(header);
    }

    fn line(&mut self, side: Side, content: &str, at: usize) {
        match side {
            Side::Note => {
                // curl's notes say whether TLS was used: the URL's scheme.
                if content.contains("SSL connection")
                    || content.contains("TLSv")
                    || content.contains("ALPN")
                    || content.contains(" port 443")
                {
                    self.tls = true;
                }
                return;
            }
            Side::Sent | Side::Received => self.verbose = true,
            Side::Plain => {}
        }
        if let Some((method, target)) = request_line(content).filter(|_| side != Side::Received) {
            self.start_request(method, target);
            return;
        }
        if let Some(status) = status_line(content).filter(|_| side != Side::Sent) {
            self.start_response(status);
            return;
        }
        if side == Side::Plain && self.state == State::Start && self.command_line(content, at) {
            return;
        }
        match self.state {
            State::Start => {
                if !content.trim().is_empty() {
                    self.problem(Problem::warning(
                        at,
                        "text before the first request or status line; skipped",
                    ));
                }
            }
            State::RequestHeaders | State::ResponseHeaders => {
                if content.is_empty() {
                    self.state = if self.state == State::RequestHeaders {
                        State::RequestBody
                    } else {
                        State::ResponseBody
                    };
                } else if side == Side::Plain && self.verbose {
                    // curl -v prints the body without a prefix: the headers have ended.
                    self.state = if self.state == State::RequestHeaders {
                        State::RequestBody
                    } else {
                        State::ResponseBody
                    };
                    self.body_line(content);
                } else {
                    self.field_line(content, at);
                }
            }
            State::RequestBody | State::ResponseBody => self.body_line(content),
        }
    }

    fn body_line(&mut self, content: &str) {
        if self.body.len() <= MAX_BODY {
            self.body.push_str(content);
            self.body.push('\n');
        }
    }

    /// A `curl …` command line: its URL, method (`-X`), headers (`-H`) and `-u`
    /// credentials say what was sent when the transcript shows only the response.
    fn command_line(&mut self, content: &str, at: usize) -> bool {
        let trimmed = content.trim_start_matches(['$', '%', '>', '#', ' ']);
        let words = shell_words(trimmed);
        if words.first().map(String::as_str) != Some("curl") {
            return false;
        }
        self.command = true;
        let mut method = None;
        let mut words = words.into_iter().skip(1);
        while let Some(word) = words.next() {
            match word.as_str() {
                "-H" | "--header" => {
                    if let Some(h) = words.next() {
                        match h.split_once(':') {
                            Some((name, value)) if !name.trim().is_empty() => {
                                self.command_headers.push(Header {
                                    name: name.trim().to_owned(),
                                    value: value.trim().to_owned(),
                                });
                            }
                            _ => self.problem(Problem::warning(
                                at,
                                "a curl -H argument without a colon; skipped",
                            )),
                        }
                    }
                }
                "-X" | "--request" => method = words.next(),
                "-u" | "--user" => {
                    if let Some(user) = words.next() {
                        // RFC 7617 §2: Basic credentials are base64(user-id ":" password).
                        self.command_headers.push(Header {
                            name: "Authorization".into(),
                            value: format!("Basic {}", STANDARD.encode(user.as_bytes())),
                        });
                    }
                }
                "-d" | "--data" | "--data-raw" | "--data-binary" | "--json" => {
                    self.exchange.request_body = words.next();
                    method.get_or_insert_with(|| "POST".into());
                }
                w if w.starts_with("http://") || w.starts_with("https://") => {
                    self.exchange.url = w.to_owned();
                }
                _ => {}
            }
        }
        self.exchange.method = method.unwrap_or_else(|| "GET".into());
        true
    }
}

/// `> `, `< `, `* `, `{ `, `} ` (curl -v) or nothing.
fn split_prefix(line: &str) -> (Side, &str) {
    let bytes = line.as_bytes();
    let side = match bytes.first() {
        Some(b'>') => Side::Sent,
        Some(b'<') => Side::Received,
        Some(b'*' | b'{' | b'}') => Side::Note,
        _ => return (Side::Plain, line),
    };
    // The marker alone (an empty header-ending line) or the marker and one space.
    match bytes.get(1) {
        None => (side, ""),
        Some(b' ') => (side, &line[2..]),
        _ => (Side::Plain, line),
    }
}

/// RFC 9112 §4: `HTTP-version SP status-code SP [reason-phrase]`; curl prints HTTP/2 and
/// HTTP/3 status lines as `HTTP/2 401` (no reason).
fn status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let code = rest.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) || rest.len() > 3 && !rest[3..].starts_with(' ') {
        return None;
    }
    code.parse().ok()
}

/// RFC 9112 §3: `method SP request-target SP HTTP-version`.
fn request_line(line: &str) -> Option<(&str, &str)> {
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(crate::syntax::is_tchar)
        || target.is_empty()
        || !version.starts_with("HTTP/")
    {
        return None;
    }
    Some((method, target))
}

/// Splits a shell command line into words: single quotes, double quotes (with `\`
/// escapes) and backslashes, as POSIX sh does; enough for a pasted `curl` line.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        _ => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
        if words.len() > 200 {
            break;
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Reads a pasted transcript. `now_ms` dates the request when nothing in the transcript
/// does (a transcript has no client timestamp; the response `Date` still wins, as the
/// server's clock judges tokens, docs/findings.md "Time").
pub fn parse(text: &str, now_ms: Option<i64>) -> Transcript {
    let mut reader = Reader {
        problems: Vec::new(),
        dropped: false,
        exchange: Exchange {
            method: "GET".into(),
            ..Exchange::default()
        },
        command_headers: Vec::new(),
        has_request: false,
        has_response: false,
        verbose: false,
        command: false,
        tls: false,
        host: None,
        target: String::new(),
        body: String::new(),
        state: State::Start,
    };
    let mut at = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches('\n').trim_end_matches('\r');
        let (side, content) = split_prefix(line);
        let content_at = at + (line.len() - content.len());
        reader.line(side, content, content_at);
        at += raw.len();
    }
    reader.end_body();
    if !reader.has_request && !reader.command_headers.is_empty() {
        reader.exchange.request_headers = std::mem::take(&mut reader.command_headers);
    }
    let has_request = reader.has_request || reader.command;
    if reader.has_request {
        reader.exchange.url = absolute_url(&reader.target, reader.host.as_deref(), reader.tls)
            .or_else(|| (!reader.exchange.url.is_empty()).then(|| reader.exchange.url.clone()))
            .unwrap_or_default();
    }
    if !reader.has_request && !reader.has_response {
        reader.problem(Problem::error(
            0,
            "no request line (GET /path HTTP/1.1) and no status line (HTTP/1.1 401) found",
        ));
    }
    let kind = if reader.verbose {
        Kind::CurlVerbose
    } else if reader.command || (reader.has_response && !reader.has_request) {
        Kind::CurlInclude
    } else {
        Kind::Raw
    };
    let mut exchange = reader.exchange;
    exchange.started_ms = now_ms;
    Transcript {
        kind,
        has_request,
        has_response: reader.has_response,
        exchange,
        problems: reader.problems,
    }
}

/// The request's URL from its target and `Host` (RFC 9112 §3.3): an absolute-form target
/// is the URL; an origin-form one is joined to the host, https when curl said TLS.
fn absolute_url(target: &str, host: Option<&str>, tls: bool) -> Option<String> {
    if target.starts_with("http://") || target.starts_with("https://") {
        return Some(target.to_owned());
    }
    let host = host?;
    let scheme = if tls || host.ends_with(":443") {
        "https"
    } else {
        "http"
    };
    let path = if target.starts_with('/') { target } else { "/" };
    Some(format!("{scheme}://{host}{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERBOSE: &str = "* Host api.example:443 was resolved.\n\
* Connected to api.example (203.0.113.7) port 443\n\
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384\n\
> GET /v1/me HTTP/1.1\r\n\
> Host: api.example\r\n\
> User-Agent: curl/8.5.0\r\n\
> Authorization: Bearer abc.def.ghi\r\n\
>\r\n\
< HTTP/1.1 401 Unauthorized\r\n\
< Date: Mon, 23 Nov 2026 12:00:00 GMT\r\n\
< WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\"\r\n\
< Content-Type: application/json\r\n\
<\r\n\
{\"detail\":\"Token expired\"}\n\
* Connection #0 to host api.example left intact\n";

    #[test]
    fn curl_verbose_becomes_one_exchange() {
        let t = parse(VERBOSE, None);
        assert_eq!(t.kind, Kind::CurlVerbose);
        assert!(t.has_request && t.has_response);
        assert_eq!(t.exchange.url, "https://api.example/v1/me");
        assert_eq!(t.exchange.status, 401);
        assert_eq!(
            t.exchange.request_header("authorization"),
            Some("Bearer abc.def.ghi")
        );
        assert_eq!(
            t.exchange.response_header("WWW-Authenticate"),
            Some("Bearer realm=\"api\", error=\"invalid_token\"")
        );
        assert_eq!(
            t.exchange.response_body.as_deref(),
            Some("{\"detail\":\"Token expired\"}")
        );
        assert!(t.problems.is_empty(), "{:?}", t.problems);
    }

    #[test]
    fn curl_include_with_its_command_line() {
        let text = "$ curl -i -H 'Authorization: Bearer undefined' https://api.example/v1/x\n\
HTTP/2 401 \n\
www-authenticate: Bearer\n\
\n\
{}";
        let t = parse(text, Some(0));
        assert_eq!(t.kind, Kind::CurlInclude);
        assert!(t.has_request && t.has_response);
        assert_eq!(t.exchange.url, "https://api.example/v1/x");
        assert_eq!(t.exchange.status, 401);
        assert_eq!(
            t.exchange.request_header("Authorization"),
            Some("Bearer undefined")
        );
        assert_eq!(t.exchange.started_ms, Some(0));
    }

    #[test]
    fn curl_user_is_basic() {
        let t = parse(
            "curl -u 'Aladdin:open sesame' http://h/x\nHTTP/1.1 401 No\n\n",
            None,
        );
        assert_eq!(
            t.exchange.request_header("Authorization"),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
    }

    #[test]
    fn raw_request_and_response() {
        let text = "GET /a HTTP/1.1\nHost: h.example:8080\nCookie: sid=1\n\nHTTP/1.1 403 Forbidden\nContent-Length: 0\n\n";
        let t = parse(text, None);
        assert_eq!(t.kind, Kind::Raw);
        assert_eq!(t.exchange.url, "http://h.example:8080/a");
        assert_eq!(t.exchange.status, 403);
        assert_eq!(t.exchange.request_header("cookie"), Some("sid=1"));
    }

    #[test]
    fn the_last_hop_and_the_final_response_count() {
        let text = "> GET /old HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 302 Found\n< Location: /new\n<\n> GET /new HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 100 Continue\n<\n< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Basic realm=\"x\"\n<\n";
        let t = parse(text, None);
        assert_eq!(t.exchange.url, "http://h/new");
        assert_eq!(t.exchange.status, 401);
        assert_eq!(t.exchange.response_headers.len(), 1);
    }

    #[test]
    fn problems_point_at_their_bytes() {
        let text = "HTTP/1.1 401 Unauthorized\nBad Name : x\nno colon here\n WWW-Authenticate: y\n";
        let t = parse(text, None);
        let offsets: Vec<_> = t.problems.iter().map(|p| (p.offset, p.severity)).collect();
        // "Bad Name " at 26: space between name and colon (34), space in the name (29);
        // "no colon here" at 39; the fold at 53.
        assert_eq!(
            offsets,
            [
                (34, crate::problem::Severity::Error),
                (29, crate::problem::Severity::Error),
                (39, crate::problem::Severity::Error),
                (53, crate::problem::Severity::Warning),
            ]
        );
        assert_eq!(t.exchange.response_headers.len(), 1, "the fold joined it");
        assert_eq!(
            t.exchange.response_headers[0].value,
            "x WWW-Authenticate: y"
        );
    }

    #[test]
    fn not_a_transcript() {
        let t = parse("hello there", None);
        assert!(!t.has_request && !t.has_response);
        assert!(t.problems.iter().any(|p| p.offset == 0 && p.is_error()));
        assert!(!looks_like("Bearer realm=\"x\""));
        assert!(looks_like(VERBOSE));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let text = "HTTP/1.1 401 x\n".to_owned() + &"no colon\n".repeat(10_000);
        let t = parse(&text, None);
        assert_eq!(t.problems.len(), MAX_PROBLEMS + 1);
        assert!(parse("\u{0}>\u{7f}<*\r\r\n>", None).problems.len() <= MAX_PROBLEMS + 1);
        let _ = parse("curl 'unterminated \"", None);
        let _ = parse("HTTP/1.1 4é1", None);
    }
}
