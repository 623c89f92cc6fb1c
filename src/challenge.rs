//! `WWW-Authenticate` and `Proxy-Authenticate` challenges (RFC 9110 §11.6.1, §11.7.1).
//!
//! ```text
//! WWW-Authenticate = #challenge
//! challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-scheme = token
//! auth-param  = token BWS "=" BWS ( token / quoted-string )
//! token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```
//!
//! The comma separates both challenges and the parameters inside one, so after each comma
//! the parser looks ahead for `token BWS "="`: that is another parameter, anything else
//! starts a new challenge. The look-ahead reads at most one token and the white space
//! after it, and the scanner never backtracks further, so the cost is linear in the input
//! (each byte is read at most twice).
//!
//! Scheme and parameter names are kept as written; compare them with
//! [`Challenge::is`] and [`Challenge::param`], which ignore ASCII case (§11.1, §11.2).
//! Parameter values are unescaped (§5.6.4) and borrowed from the input when they hold no
//! escape.
//!
//! # Implementation notes: deliberate deviations
//! Browsers accept what servers send, so where the grammar is broken we report a
//! [`Problem`] with its byte offset and recover the way a browser would:
//! - **Empty list elements** (`, ,`) are skipped silently, as §5.6.1 requires of
//!   recipients, in the list of challenges and in a challenge's auth-param list alike:
//!   `Basic , realm="foo"` is Basic with realm foo, and `Digest,,, Basic ,,realm="x"` is
//!   two challenges. After the scheme's white space, commas are skipped and a
//!   `token BWS "="` that follows still belongs to this challenge; anything else starts
//!   the next one. (`Basic, realm="x"`, without the space that §11.6.1 puts between
//!   the scheme and its parameters, stays an error: the comma ends the challenge.)
//! - **Line breaks** inside a value (obs-fold, RFC 9112 §5.2, or a pasted `curl -i`
//!   transcript) are treated as white space and reported once.
//! - **A value with characters not allowed in a token** (`error_uri=https://x/y`) is taken
//!   up to the next white space or comma, and reported.
//! - **An unterminated quoted-string** runs to the end of the field line, and is reported.
//! - **A parameter name given twice** in one challenge is kept twice (this is a `Vec`, not
//!   a map) and reported: §11.2 says each name MUST occur only once.
//! - **Anything else unexpected** is reported, and the parser skips to the next comma
//!   outside a quoted-string and goes on.
//!
//! # Severity
//! Line breaks (obs-fold) and a parameter given twice are *warnings*: the value is read
//! as written, but RFC 9112 §5.2 deprecates obs-fold and RFC 9110 §11.2 forbids the
//! duplicate. Every other problem here is an *error*: the field breaks the §11.6.1 /
//! §5.6 ABNF, and what follows is the recovery described above.

use std::borrow::Cow;

use serde::Serialize;

use crate::problem::{Problem, Problems};
use crate::syntax::{is_qdtext, is_tchar, is_token68_char, is_ws};

/// One parsed challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Challenge<'a> {
    /// The auth-scheme, as written (compare with [`Challenge::is`]).
    pub scheme: &'a str,
    /// The token68 form of the challenge data, when the challenge used it.
    pub token68: Option<&'a str>,
    /// The auth-params, in order, duplicates included.
    pub params: Vec<Param<'a>>,
    /// Which field line this challenge came from (0 for the first).
    #[serde(skip)]
    pub field: usize,
    /// Byte offset of the scheme in its field line.
    #[serde(skip)]
    pub offset: usize,
}

/// One auth-param.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param<'a> {
    /// The name, as written.
    pub name: &'a str,
    /// The value, unescaped.
    pub value: Cow<'a, str>,
    /// Whether the value was a quoted-string (some schemes require one, e.g. RFC 6750 §3).
    #[serde(skip)]
    pub quoted: bool,
    /// Byte offset of the name in its field line, so that scheme-specific problems
    /// ([`crate::schemes`]) can point at the parameter rather than at the scheme.
    #[serde(skip)]
    pub offset: usize,
}

/// The value of the first parameter with this name, ignoring case (§11.2); shared by
/// challenges and credentials, whose auth-params have the same grammar.
pub fn find_param<'p>(params: &'p [Param<'_>], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.value.as_ref())
}

impl<'a> Challenge<'a> {
    /// Case-insensitive scheme comparison (§11.1).
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The first parameter with this name, ignoring case (§11.2).
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }

    /// Where the first parameter with this name starts, or else where the scheme does:
    /// the position a problem about that parameter points at.
    pub fn param_offset(&self, name: &str) -> usize {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map_or(self.offset, |p| p.offset)
    }
}

/// The challenges of one or more field lines, and the problems met on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ChallengeList<'a> {
    pub challenges: Vec<Challenge<'a>>,
    pub problems: Vec<Problem>,
}

impl<'a> ChallengeList<'a> {
    /// The first challenge of this scheme, ignoring case.
    pub fn find(&self, scheme: &str) -> Option<&Challenge<'a>> {
        self.challenges.iter().find(|c| c.is(scheme))
    }
}

/// Splits pasted text (a header block, a `curl -i` transcript) into field lines: one per
/// line, except that a line starting with a space or tab continues the previous one
/// (obs-fold, RFC 9112 §5.2), which [`parse_lines`] then reports. Line endings (LF or
/// CRLF) are not part of the lines; blank lines are dropped.
pub fn split_field_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = Vec::new();
    let mut start: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\r', '\n']);
        let continues = content.starts_with([' ', '\t']) && start.is_some();
        if !continues {
            if let Some(s) = start.take() {
                lines.push(text[s..offset].trim_end_matches(['\r', '\n']));
            }
            if !content.trim().is_empty() {
                start = Some(offset);
            }
        }
        offset += line.len();
    }
    if let Some(s) = start {
        lines.push(text[s..].trim_end_matches(['\r', '\n']));
    }
    lines
}

/// Parses one `WWW-Authenticate`/`Proxy-Authenticate` field value.
pub fn parse(value: &str) -> ChallengeList<'_> {
    parse_lines(std::iter::once(value))
}

/// The most challenges kept from one header (every field line together). Real servers
/// send a handful; the rest of a longer list is checked for errors but not kept, so that a
/// hostile header costs memory in proportion to what is kept (docs/parsers.md, Limits).
pub const MAX_CHALLENGES: usize = 1_000;

/// Parses several field lines of the same header, as one list (RFC 9110 §5.3).
///
/// Problems carry the index of their field line when there is more than one.
pub fn parse_lines<'a, I>(lines: I) -> ChallengeList<'a>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut out = ChallengeList::default();
    let mut problems = Problems::default();
    let mut lines = lines.into_iter().peekable();
    let mut field = 0;
    let mut several = false;
    while let Some(line) = lines.next() {
        if field == 0 && lines.peek().is_some() {
            several = true;
        }
        problems.set_field(several.then_some(field));
        Parser {
            input: line,
            bytes: line.as_bytes(),
            pos: 0,
            field,
            problems: &mut problems,
            reported_fold: false,
        }
        .run(&mut out.challenges);
        field += 1;
    }
    out.problems = problems.into_vec();
    out
}

struct Parser<'a, 'p> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    field: usize,
    problems: &'p mut Problems,
    reported_fold: bool,
}

impl<'a> Parser<'a, '_> {
    fn run(mut self, challenges: &mut Vec<Challenge<'a>>) {
        let mut over_limit = false;
        loop {
            self.skip_ows_and_commas();
            if self.at_end() {
                return;
            }
            if challenges.len() < MAX_CHALLENGES {
                self.challenge(challenges);
                continue;
            }
            // A hostile header (a million challenges) must cost memory in proportion to
            // what is kept, not to its size: the rest is still read for errors, then
            // dropped, and the limit is said once.
            if !over_limit {
                over_limit = true;
                self.problems.warning(
                    self.pos,
                    "more than 1,000 challenges in this header: the rest are checked but not kept",
                );
            }
            let mut dropped = Vec::with_capacity(1);
            self.challenge(&mut dropped);
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// White space, including line breaks (reported once: obs-fold or a pasted transcript).
    fn skip_ows(&mut self) {
        while let Some(b) = self.peek() {
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'\r' || b == b'\n' {
                if !self.reported_fold {
                    self.reported_fold = true;
                    // A warning: recipients replace obs-fold by SP (RFC 9112 §5.2), which
                    // is what is done here, so nothing is guessed; senders MUST NOT.
                    self.problems.warning(
                        self.pos,
                        "line break inside the field value (obs-fold is deprecated, RFC 9112 §5.2); read as a space",
                    );
                }
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn skip_ows_and_commas(&mut self) {
        loop {
            self.skip_ows();
            if self.peek() == Some(b',') {
                self.pos += 1;
            } else {
                return;
            }
        }
    }

    fn scan_token(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        &self.input[start..self.pos]
    }

    /// Recovery: skip to the next comma that is not inside a quoted-string.
    fn skip_to_comma(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b',' => return,
                b'"' => {
                    self.pos += 1;
                    self.skip_quoted_body();
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_quoted_body(&mut self) {
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos = (self.pos + 1).min(self.bytes.len()),
                b'"' => return,
                _ => {}
            }
        }
    }

    fn challenge(&mut self, challenges: &mut Vec<Challenge<'a>>) {
        let start = self.pos;
        let scheme = self.scan_token();
        if scheme.is_empty() {
            self.problems
                .error(self.pos, "expected an auth-scheme (a token)");
            self.skip_to_comma();
            return;
        }
        let mut challenge = Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
            field: self.field,
            offset: start,
        };
        match self.peek() {
            None | Some(b',') => {
                challenges.push(challenge);
                return;
            }
            Some(b) if is_ws(b) || b == b'\r' || b == b'\n' => self.skip_ows(),
            Some(b'=') => {
                self.problems.error(
                    start,
                    "a parameter where an auth-scheme was expected (is the scheme missing?)",
                );
                self.skip_to_comma();
                return;
            }
            Some(_) => {
                self.problems.error(
                    self.pos,
                    "unexpected character after the auth-scheme; expected a space",
                );
                self.skip_to_comma();
                challenges.push(challenge);
                return;
            }
        }
        if self.peek() == Some(b',') {
            // `#auth-param` may start with empty elements (RFC 9110 §5.6.1):
            // `Basic , realm="foo"`. Skip them; a `token BWS "="` after them is this
            // challenge's first parameter, anything else is the next challenge (a token68
            // cannot follow a comma).
            self.skip_ows_and_commas();
            if self.at_end() || !self.at_param_start() {
                challenges.push(challenge);
                return;
            }
            self.params(&mut challenge);
            challenges.push(challenge);
            return;
        }
        if self.at_end() {
            challenges.push(challenge);
            return;
        }
        if let Some(token68) = self.try_token68() {
            challenge.token68 = Some(token68);
            self.skip_ows();
            if !(self.at_end() || self.peek() == Some(b',')) {
                self.problems
                    .error(self.pos, "unexpected text after the token68 value");
                self.skip_to_comma();
            }
            challenges.push(challenge);
            return;
        }
        self.params(&mut challenge);
        challenges.push(challenge);
    }

    /// A token68 is the whole rest of the challenge: its characters, `=` padding, then
    /// only white space before a comma or the end. Otherwise this is an auth-param list
    /// and nothing is consumed.
    fn try_token68(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let mut i = start;
        while i < self.bytes.len() && is_token68_char(self.bytes[i]) {
            i += 1;
        }
        if i == start {
            return None;
        }
        while i < self.bytes.len() && self.bytes[i] == b'=' {
            i += 1;
        }
        let end = i;
        while i < self.bytes.len() && is_ws(self.bytes[i]) {
            i += 1;
        }
        if i == self.bytes.len() || self.bytes[i] == b',' {
            self.pos = end;
            Some(&self.input[start..end])
        } else {
            None
        }
    }

    /// Looks ahead, without consuming, for `token BWS "="` at the current position.
    fn at_param_start(&self) -> bool {
        let mut i = self.pos;
        let start = i;
        while i < self.bytes.len() && is_tchar(self.bytes[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        while i < self.bytes.len() && is_ws(self.bytes[i]) {
            i += 1;
        }
        self.bytes.get(i) == Some(&b'=')
    }

    fn params(&mut self, challenge: &mut Challenge<'a>) {
        let mut names = SeenNames::default();
        loop {
            self.param(challenge, &mut names);
            self.skip_ows();
            match self.peek() {
                None => return,
                Some(b',') => {
                    self.skip_ows_and_commas();
                    if self.at_end() || !self.at_param_start() {
                        return;
                    }
                }
                Some(_) => {
                    self.problems.error(
                        self.pos,
                        "expected ',' between parameters (is a value missing its quotes?)",
                    );
                    self.skip_to_comma();
                    self.skip_ows_and_commas();
                    if self.at_end() || !self.at_param_start() {
                        return;
                    }
                }
            }
        }
    }

    fn param(&mut self, challenge: &mut Challenge<'a>, names: &mut SeenNames) {
        let name_start = self.pos;
        let name = self.scan_token();
        if name.is_empty() {
            self.problems
                .error(self.pos, "expected a parameter name (a token)");
            self.skip_to_comma();
            return;
        }
        self.skip_ows();
        if self.peek() != Some(b'=') {
            self.problems
                .error(self.pos, "expected '=' after the parameter name");
            self.skip_to_comma();
            return;
        }
        self.pos += 1;
        self.skip_ows();
        let (value, quoted) = match self.peek() {
            Some(b'"') => (self.quoted_string(), true),
            _ => (self.token_value(), false),
        };
        if names.seen_before(&challenge.params, name) {
            // A warning: both are read as written, and the ABNF allows it; §11.2 says
            // the name MUST occur once, so which one a client uses is up to it.
            self.problems.warning(
                name_start,
                "parameter given twice in one challenge (RFC 9110 §11.2)",
            );
        }
        challenge.params.push(Param {
            name,
            value,
            quoted,
            offset: name_start,
        });
    }

    /// A token value; if it runs into characters a token may not hold, the value is taken
    /// up to white space or a comma, as browsers do, and reported.
    fn token_value(&mut self) -> Cow<'a, str> {
        let start = self.pos;
        let token = self.scan_token();
        match self.peek() {
            None | Some(b',') => {}
            Some(b) if is_ws(b) || b == b'\r' || b == b'\n' => {}
            Some(_) => {
                self.problems.error(
                    self.pos,
                    "character not allowed in an unquoted value; the value should be a quoted-string",
                );
                while let Some(b) = self.peek() {
                    if b == b',' || is_ws(b) || b == b'\r' || b == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
                // The loop stops only at ASCII bytes, so this is a char boundary.
                return Cow::Borrowed(&self.input[start..self.pos]);
            }
        }
        if token.is_empty() {
            self.problems
                .error(self.pos, "expected a value (a token or a quoted-string)");
        }
        Cow::Borrowed(token)
    }

    /// `quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE` (§5.6.4). The opening
    /// quote is at `pos`.
    fn quoted_string(&mut self) -> Cow<'a, str> {
        let open = self.pos;
        self.pos += 1;
        let body_start = self.pos;
        let mut unescaped: Option<String> = None;
        let mut run_start = body_start;
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    let value = finish(self.input, unescaped, run_start, self.pos);
                    self.pos += 1;
                    return value;
                }
                b'\\' => {
                    let buf = unescaped.get_or_insert_with(String::new);
                    buf.push_str(&self.input[run_start..self.pos]);
                    self.pos += 1;
                    match self.input[self.pos..].chars().next() {
                        Some(c) => {
                            if c.is_ascii_control() && c != '\t' {
                                self.problems
                                    .error(self.pos, "control character in a quoted-pair");
                            }
                            buf.push(c);
                            self.pos += c.len_utf8();
                        }
                        None => {
                            self.problems
                                .error(self.pos - 1, "backslash at the end of the value");
                        }
                    }
                    run_start = self.pos;
                }
                b if is_qdtext(b) => self.pos += 1,
                b'\r' | b'\n' => {
                    if !self.reported_fold {
                        self.reported_fold = true;
                        // A warning, as in `skip_ows`: read as SP (RFC 9112 §5.2).
                        self.problems.warning(
                            self.pos,
                            "line break inside a quoted-string (obs-fold is deprecated, RFC 9112 §5.2)",
                        );
                    }
                    self.pos += 1;
                }
                _ => {
                    self.problems
                        .error(self.pos, "control character inside a quoted-string");
                    self.pos += 1;
                }
            }
        }
        self.problems.error(
            open,
            "quoted-string is not terminated; read to the end of the field",
        );
        finish(self.input, unescaped, run_start, self.pos)
    }
}

/// Duplicate-name detection that stays linear: a scan while the list is short (the usual
/// two or three parameters), a set of lower-cased names once it is long (hostile input).
#[derive(Default)]
struct SeenNames {
    set: Option<std::collections::HashSet<String>>,
}

impl SeenNames {
    const SCAN_LIMIT: usize = 16;

    fn seen_before(&mut self, params: &[Param<'_>], name: &str) -> bool {
        if params.len() < Self::SCAN_LIMIT {
            return params.iter().any(|p| p.name.eq_ignore_ascii_case(name));
        }
        let set = self
            .set
            .get_or_insert_with(|| params.iter().map(|p| p.name.to_ascii_lowercase()).collect());
        !set.insert(name.to_ascii_lowercase())
    }
}

fn finish(input: &str, unescaped: Option<String>, run_start: usize, end: usize) -> Cow<'_, str> {
    match unescaped {
        None => Cow::Borrowed(&input[run_start..end]),
        Some(mut buf) => {
            buf.push_str(&input[run_start..end]);
            Cow::Owned(buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemes(list: &ChallengeList<'_>) -> Vec<String> {
        list.challenges
            .iter()
            .map(|c| c.scheme.to_string())
            .collect()
    }

    #[test]
    fn rfc9110_example_with_escapes() {
        // RFC 9110 §11.6.1.
        let list = parse(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
        );
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(schemes(&list), ["Newauth", "Basic"]);
        let newauth = &list.challenges[0];
        assert_eq!(newauth.param("TYPE"), Some("1"));
        assert_eq!(newauth.param("title"), Some(r#"Login to "apps""#));
        assert!(matches!(newauth.params[2].value, Cow::Owned(_)));
        assert!(matches!(newauth.params[0].value, Cow::Borrowed(_)));
        assert_eq!(list.challenges[1].param("realm"), Some("simple"));
    }

    #[test]
    fn token68_and_params_are_told_apart() {
        let list = parse("Negotiate YIIB+w==, Bearer realm=x, NTLM, Foo abc=");
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(schemes(&list), ["Negotiate", "Bearer", "NTLM", "Foo"]);
        assert_eq!(list.challenges[0].token68, Some("YIIB+w=="));
        assert_eq!(list.challenges[1].param("realm"), Some("x"));
        assert_eq!(list.challenges[3].token68, Some("abc="));
    }

    #[test]
    fn bws_empty_elements_and_case() {
        let list = parse(" , bEaReR  realm = \"r\" ,, scope=\"a b\" , ,Basic");
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert!(list.challenges[0].is("Bearer"));
        assert_eq!(list.challenges[0].param("Scope"), Some("a b"));
        assert!(list.find("basic").is_some());
    }

    /// RFC 9110 §5.6.1: empty list elements are ignored, in the challenge list and in
    /// a challenge's auth-params alike (issue #11, item 4).
    #[test]
    fn empty_list_elements_are_ignored_everywhere() {
        let list = parse(r#"Basic , realm="foo""#);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(schemes(&list), ["Basic"]);
        assert_eq!(list.challenges[0].param("realm"), Some("foo"));

        let list = parse(r#"Digest,,, Basic ,,realm="x""#);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(schemes(&list), ["Digest", "Basic"]);
        assert!(list.challenges[0].params.is_empty());
        assert_eq!(list.challenges[1].param("realm"), Some("x"));
        assert_eq!(list.challenges[1].offset, 10);

        let list = parse(r#"Bearer realm="a",, error="invalid_token""#);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(list.challenges[0].param("error"), Some("invalid_token"));

        // Commas and white space after the scheme, then the next challenge.
        let list = parse(r#"Negotiate , ,Basic realm="r",,"#);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(schemes(&list), ["Negotiate", "Basic"]);
        assert_eq!(list.challenges[0].token68, None);
        assert!(list.challenges[0].params.is_empty());
        // Only commas: a scheme with nothing after it.
        let list = parse("Basic , ,");
        assert_eq!(schemes(&list), ["Basic"]);
        assert!(list.problems.is_empty());
    }

    /// The list rule does not swallow real errors: they keep their positions and the
    /// parse goes on where the grammar allows.
    #[test]
    fn errors_after_empty_elements_keep_their_positions() {
        use crate::problem::Severity;
        // A parameter without its '=' after the empty element: an error at the
        // parameter, then the next challenge is read.
        let input = r#"Basic , realm "foo", Bearer realm="b""#;
        let list = parse(input);
        assert_eq!(schemes(&list), ["Basic", "realm", "Bearer"], "{list:?}");
        // Without the space §11.6.1 puts after the scheme, the comma ends the challenge.
        let list = parse(r#"Basic, realm="x""#);
        assert_eq!(list.problems.len(), 1);
        assert_eq!(list.problems[0].offset, 7);
        assert_eq!(list.problems[0].severity, Severity::Error);
        // An unquoted URL after empty elements: recovered, reported at its byte.
        let input = "Bearer ,, error_uri=https://x/e, error=invalid_token";
        let list = parse(input);
        assert_eq!(list.problems.len(), 1);
        assert_eq!(list.problems[0].offset, input.find(':').unwrap_or(0));
        assert_eq!(list.challenges[0].param("error"), Some("invalid_token"));
        // An unterminated quote after empty elements runs to the end.
        let list = parse(r#"Basic ,, realm="a"#);
        assert_eq!(list.challenges[0].param("realm"), Some("a"));
        assert!(list.problems[0].message.contains("not terminated"));
        assert_eq!(list.problems[0].offset, 15);
    }

    #[test]
    fn obs_fold_and_duplicates_are_warnings_the_rest_errors() {
        use crate::problem::{has_errors, Severity};
        let folded = parse("Bearer realm=\"b\",\r\n error=\"x\"");
        assert_eq!(folded.problems.len(), 1);
        assert_eq!(folded.problems[0].severity, Severity::Warning);
        let twice = parse(r#"Basic realm="a", realm="b""#);
        assert_eq!(twice.problems[0].severity, Severity::Warning);
        assert!(!has_errors(&twice.problems));
        for broken in [
            r#"realm="x""#,
            r#"Bearer realm="a" scope="b""#,
            "Bearer error_uri=https://x/y",
            r#"Basic realm="a"#,
            "Basic a=b, realm=",
            "Foo abc=def ghi",
        ] {
            let list = parse(broken);
            assert!(has_errors(&list.problems), "{broken}: {:?}", list.problems);
        }
    }

    #[test]
    fn several_field_lines() {
        let list = parse_lines(["Basic realm=\"a\"", "Bearer error=\"invalid_token\""]);
        assert_eq!(schemes(&list), ["Basic", "Bearer"]);
        assert_eq!(list.challenges[1].field, 1);
    }

    #[test]
    fn problems_have_positions_and_parsing_goes_on() {
        let input = r#"Bearer realm="a" scope="b", Basic realm="c""#;
        let list = parse(input);
        assert_eq!(list.problems.len(), 1);
        assert_eq!(list.problems[0].offset, 17);
        assert_eq!(schemes(&list), ["Bearer", "Basic"]);
        assert_eq!(list.challenges[1].param("realm"), Some("c"));
    }

    #[test]
    fn unquoted_url_is_recovered() {
        let list = parse("Bearer error_uri=https://x.example/e, error=invalid_token");
        assert_eq!(list.problems.len(), 1);
        let bearer = &list.challenges[0];
        assert_eq!(bearer.param("error_uri"), Some("https://x.example/e"));
        assert_eq!(bearer.param("error"), Some("invalid_token"));
    }

    #[test]
    fn unterminated_quote_and_duplicates() {
        let list = parse(r#"Basic realm="a", realm="b"#);
        assert_eq!(list.challenges[0].params.len(), 2);
        assert_eq!(list.challenges[0].params[1].value, "b");
        let messages: Vec<_> = list.problems.iter().map(|p| p.message).collect();
        assert!(messages.iter().any(|m| m.contains("twice")), "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("not terminated")),
            "{messages:?}"
        );
    }

    #[test]
    fn missing_scheme_is_reported() {
        let list = parse(r#"realm="x""#);
        assert!(list.challenges.is_empty());
        assert_eq!(list.problems[0].offset, 0);
    }

    #[test]
    fn hostile_inputs_stay_linear_and_do_not_panic() {
        let many = "Basic realm=\"x\", ".repeat(100_000);
        // Read to the end, kept up to the limit.
        assert_eq!(parse(&many).challenges.len(), MAX_CHALLENGES);
        let params = format!("Foo {}", "a=b, ".repeat(100_000));
        assert_eq!(parse(&params).challenges[0].params.len(), 100_000);
        for s in [
            "\"",
            "\\",
            "=",
            ",=,",
            "a \"",
            "a b=\"\\",
            "é=é",
            "a\r\n b=c",
            "a =",
            "a b",
            "a b=,",
        ] {
            let _ = parse(s);
        }
    }

    #[test]
    fn splits_pasted_text_into_field_lines_keeping_obs_fold() {
        assert_eq!(
            split_field_lines("Basic realm=\"a\"\r\n\r\nBearer realm=\"b\",\r\n error=\"x\"\n"),
            ["Basic realm=\"a\"", "Bearer realm=\"b\",\r\n error=\"x\""]
        );
        assert!(split_field_lines("\n \n").is_empty());
        let folded = split_field_lines("Bearer realm=\"b\",\n error=\"x\"");
        let list = parse_lines(folded);
        assert_eq!(list.challenges[0].params.len(), 2);
        assert_eq!(list.problems.len(), 1, "obs-fold is reported once");
    }

    #[test]
    fn a_hostile_list_keeps_the_first_thousand_challenges() {
        let header = vec!["Basic realm=\"x\""; 5_000].join(", ");
        let list = parse(&header);
        assert_eq!(list.challenges.len(), MAX_CHALLENGES);
        assert_eq!(
            list.problems
                .iter()
                .filter(|p| p.message.starts_with("more than 1,000"))
                .count(),
            1
        );
        assert!(list.problems.iter().all(|p| !p.is_error()));
        // Errors after the limit are still reported.
        let broken = format!("{header}, Bearer realm=\"unterminated");
        assert!(parse(&broken).problems.iter().any(|p| p.is_error()));
    }
}
