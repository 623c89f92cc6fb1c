//! `Authorization` and `Proxy-Authorization` credentials (RFC 9110 §11.6.2, §11.7.2).
//!
//! ```text
//! credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]        RFC 9110 §11.4
//! b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="   RFC 6750 §2.1
//! Basic       = base64( user-id ":" password )                          RFC 7617 §2
//! ```
//!
//! Besides the grammar, [`parse`] looks for the mistakes clients actually make when they
//! build this header, and reports each as a [`Defect`] with its byte offset: a placeholder
//! where the token should be (`Bearer undefined`), the scheme twice, quotes around the
//! token, stray white space, a literal `\n`, invisible or typographic Unicode, a `:` after
//! the scheme, or the whole `Authorization:` line pasted as the value.
//!
//! Scheme-specific reading: Basic is decoded ([`Basic`]); a Bearer or DPoP token is read
//! by [`crate::jwt`]; Digest parameters are checked for the ones RFC 7616 §3.4 requires.
//! The `DPoP` proof header that accompanies DPoP credentials is read by [`dpop_proof`].
//!
//! The parsed values borrow the input and include the secrets; [`Credentials::to_json`]
//! is the only way they leave the core, and it masks them unless asked to reveal.
//!
//! # Implementation notes: deliberate deviations
//! - **Recovery over rejection.** A defect is reported and then repaired for the rest of
//!   the reading (quotes stripped, the doubled scheme skipped, the header name dropped),
//!   so that one mistake does not hide the next.
//! - **Basic in ISO-8859-1.** RFC 7617 §2.1 only defines UTF-8 (with `charset="UTF-8"`);
//!   bytes that are not UTF-8 are reported and shown as ISO-8859-1, which is what servers
//!   without the charset parameter historically assumed.
//! - **Padding.** Basic without `=` padding is reported (some servers reject it) and read.

use serde::Serialize;
use serde_json::{json, Value};

use crate::challenge::{self, Param};
use crate::encoding::{decode, Base64};
use crate::jwt;
use crate::problem::{Problem, Problems};
use crate::secret;
use crate::syntax::{is_tchar, is_token68_char, is_ws};

/// The kinds of client mistake [`parse`] recognises. Stable names: the diagnosis engine
/// (`auth.malformed`) and the UIs key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DefectKind {
    /// `undefined`, `null`, `[object Object]`, a template like `{{token}}`.
    PlaceholderToken,
    /// `Bearer Bearer eyJ…`.
    DoubledScheme,
    /// `Bearer "eyJ…"`.
    QuotedToken,
    /// Leading, trailing, doubled or tab white space, or white space inside the token.
    ExtraWhitespace,
    /// The two characters `\` `n` (or `\r`): a newline escaped once too often.
    EscapedNewline,
    /// A real CR or LF in the value.
    LineBreak,
    /// Non-ASCII characters: typographic quotes, invisible spaces, pasted text.
    NonAscii,
    /// `Bearer: eyJ…`.
    ColonAfterScheme,
    /// `Authorization: Bearer …` pasted as the value.
    HeaderNameIncluded,
    /// A scheme with nothing after it, or an empty value.
    EmptyCredentials,
    /// A token with no scheme in front of it.
    MissingScheme,
}

/// One client mistake, where it is and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Defect {
    pub kind: DefectKind,
    pub offset: usize,
    pub message: &'static str,
}

/// How the decoded Basic credentials were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Charset {
    #[serde(rename = "UTF-8")]
    Utf8,
    #[serde(rename = "ISO-8859-1")]
    Latin1,
}

/// Decoded Basic credentials (RFC 7617 §2). The password is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basic {
    pub user: String,
    pub password: String,
    pub charset: Charset,
    /// The decoded value had a `:` separator.
    pub has_colon: bool,
}

/// One parsed `Authorization` or `Proxy-Authorization` value.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials<'a> {
    /// The auth-scheme as written; empty when none was found.
    pub scheme: &'a str,
    pub scheme_offset: usize,
    /// The token68 form of the credentials (a secret).
    pub token68: Option<&'a str>,
    pub token68_offset: usize,
    /// The auth-param form (Digest and others).
    pub params: Vec<Param<'a>>,
    pub basic: Option<Basic>,
    /// A Bearer or DPoP token, read as a JWT (or recognised as opaque).
    pub token: Option<jwt::Token>,
    pub defects: Vec<Defect>,
    pub problems: Vec<Problem>,
}

impl Credentials<'_> {
    /// Case-insensitive scheme comparison (RFC 9110 §11.1).
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The first parameter with this name, ignoring case.
    pub fn param(&self, name: &str) -> Option<&str> {
        challenge::find_param(&self.params, name)
    }

    /// The JSON the CLI prints and the extension receives. Secrets (the token68, the
    /// password, secret-looking parameters) are masked unless `reveal` is set.
    pub fn to_json(&self, reveal: bool) -> Value {
        let params: Vec<Value> = self
            .params
            .iter()
            .map(|p| {
                let value = if is_secret_param(p.name) {
                    secret::show(&p.value, reveal)
                } else {
                    p.value.to_string()
                };
                json!({"name": p.name, "value": value})
            })
            .collect();
        let mut out = json!({
            "scheme": self.scheme,
            "token68": self.token68.map(|t| secret::show(t, reveal)),
            "params": params,
            "defects": self.defects,
            "problems": self.problems,
        });
        if let Some(basic) = &self.basic {
            out["basic"] = json!({
                "user": basic.user,
                "password": if reveal { basic.password.clone() } else { secret::MASKED_PASSWORD.to_owned() },
                "charset": basic.charset,
            });
        }
        if let Some(token) = &self.token {
            out["token"] = serde_json::to_value(token).unwrap_or(Value::Null);
        }
        out
    }
}

/// Parameters whose values are secrets or derived from one.
fn is_secret_param(name: &str) -> bool {
    const SECRET: &[&str] = &[
        "response",
        "signature",
        "sig",
        "password",
        "token",
        "access_token",
        "secret",
        "client_secret",
        "key",
    ];
    SECRET.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// Strings that stand where a token should be: what JavaScript, Python and templates
/// produce when the real value is missing.
fn placeholder(value: &str) -> bool {
    const WORDS: &[&str] = &[
        "undefined",
        "null",
        "nil",
        "none",
        "nan",
        "[object object]",
        "[object promise]",
        "false",
        "true",
        "token",
        "your_token",
        "your-token",
        "your_token_here",
        "<token>",
        "xxx",
    ];
    let trimmed = value.trim();
    WORDS.iter().any(|w| trimmed.eq_ignore_ascii_case(w))
        || (trimmed.starts_with("{{") && trimmed.ends_with("}}"))
        || (trimmed.starts_with("${") && trimmed.ends_with('}'))
        || (trimmed.starts_with('<') && trimmed.ends_with('>') && trimmed.len() < 64)
}

struct Reader<'a> {
    input: &'a str,
    defects: Vec<Defect>,
    problems: Problems,
}

impl Reader<'_> {
    fn defect(&mut self, kind: DefectKind, offset: usize, message: &'static str) {
        // One of each kind is enough to explain it; hostile input cannot grow the list.
        if !self.defects.iter().any(|d| d.kind == kind) {
            self.defects.push(Defect {
                kind,
                offset,
                message,
            });
        }
    }

    /// Defects anywhere in the value, found in one pass.
    fn scan_whole_value(&mut self) {
        let input = self.input;
        let bytes = input.as_bytes();
        if bytes.first().is_some_and(|&b| is_ws(b)) {
            self.defect(
                DefectKind::ExtraWhitespace,
                0,
                "white space before the scheme",
            );
        }
        let trimmed_len = input.trim_end().len();
        if trimmed_len < input.len() && input[trimmed_len..].bytes().all(is_ws) {
            self.defect(
                DefectKind::ExtraWhitespace,
                trimmed_len,
                "white space at the end of the value",
            );
        }
        for (i, c) in input.char_indices() {
            match c {
                '\r' | '\n' => self.defect(
                    DefectKind::LineBreak,
                    i,
                    "a line break inside the value (a newline read from a file or variable?)",
                ),
                '\t' => self.defect(
                    DefectKind::ExtraWhitespace,
                    i,
                    "a tab in the value; the grammar allows single spaces only",
                ),
                '\\' if matches!(bytes.get(i + 1), Some(b'n' | b'r')) => self.defect(
                    DefectKind::EscapedNewline,
                    i,
                    "a literal \\n: a newline escaped once too often (from JSON or a shell?)",
                ),
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{a0}' | '\u{2060}' => self
                    .defect(
                    DefectKind::NonAscii,
                    i,
                    "an invisible Unicode character (zero-width or no-break space), likely pasted",
                ),
                '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' => self.defect(
                    DefectKind::NonAscii,
                    i,
                    "a typographic quote (from a word processor or chat) where ASCII is required",
                ),
                c if !c.is_ascii() => self.defect(
                    DefectKind::NonAscii,
                    i,
                    "a non-ASCII character; HTTP credentials are ASCII",
                ),
                _ => {}
            }
        }
    }
}

fn scan_while(bytes: &[u8], mut i: usize, class: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && class(bytes[i]) {
        i += 1;
    }
    i
}

/// Reads one `Authorization` or `Proxy-Authorization` value.
pub fn parse(input: &str) -> Credentials<'_> {
    let mut reader = Reader {
        input,
        defects: Vec::new(),
        problems: Problems::default(),
    };
    reader.scan_whole_value();
    let bytes = input.as_bytes();
    let mut out = Credentials {
        scheme: "",
        scheme_offset: 0,
        token68: None,
        token68_offset: 0,
        params: Vec::new(),
        basic: None,
        token: None,
        defects: Vec::new(),
        problems: Vec::new(),
    };

    let mut pos = scan_while(bytes, 0, |b| is_ws(b) || b == b'\r' || b == b'\n');
    if pos == bytes.len() {
        reader.defect(
            DefectKind::EmptyCredentials,
            0,
            "the value is empty: no scheme, no credentials",
        );
        return finish(reader, out);
    }

    // `Authorization: Bearer x` pasted whole.
    let mut scheme_start = pos;
    let mut scheme_end = scan_while(bytes, pos, is_tchar);
    let first = &input[scheme_start..scheme_end];
    if bytes.get(scheme_end) == Some(&b':')
        && (first.eq_ignore_ascii_case("authorization")
            || first.eq_ignore_ascii_case("proxy-authorization"))
    {
        reader.defect(
            DefectKind::HeaderNameIncluded,
            scheme_start,
            "the header name is part of the value: send only what follows the colon",
        );
        pos = scan_while(bytes, scheme_end + 1, is_ws);
        scheme_start = pos;
        scheme_end = scan_while(bytes, pos, is_tchar);
    }

    let scheme = &input[scheme_start..scheme_end];
    let rest_after_scheme = scan_while(bytes, scheme_end, |b| b != b' ' && b != b'\t');
    // A long word with no space after it is a token without a scheme (`eyJ…`), unless it
    // is a bare scheme like `Negotiate`.
    if scheme.is_empty()
        || (rest_after_scheme == bytes.len()
            && scheme_end - scheme_start >= 20
            && input[scheme_start..].bytes().all(is_token68_char_or_pad))
    {
        if scheme.is_empty() && bytes.get(scheme_start) != Some(&b'"') {
            reader
                .problems
                .error(scheme_start, "expected an auth-scheme (a token)");
            return finish(reader, out);
        }
        reader.defect(
            DefectKind::MissingScheme,
            scheme_start,
            "a token with no scheme in front of it: send `Bearer <token>`",
        );
        read_token68(&mut reader, &mut out, scheme_start, bytes.len());
        return finish(reader, out);
    }
    out.scheme = scheme;
    out.scheme_offset = scheme_start;
    pos = scheme_end;

    if bytes.get(pos) == Some(&b':') {
        reader.defect(
            DefectKind::ColonAfterScheme,
            pos,
            "a ':' after the scheme: the scheme is followed by a space only",
        );
        pos += 1;
    }
    let spaces_start = pos;
    pos = scan_while(bytes, pos, is_ws);
    if pos - spaces_start > 1 {
        reader.defect(
            DefectKind::ExtraWhitespace,
            spaces_start,
            "several spaces after the scheme; RFC 9110 §11.4 has one or more, but many servers split on exactly one",
        );
    }
    let end = input.trim_end().len().max(pos);
    if pos >= end {
        if !out.is("Negotiate") && !out.is("NTLM") {
            reader.defect(
                DefectKind::EmptyCredentials,
                pos,
                "the scheme has no credentials after it",
            );
        }
        return finish(reader, out);
    }

    // `Bearer Bearer x`.
    let word_end = scan_while(bytes, pos, is_tchar);
    if input[pos..word_end].eq_ignore_ascii_case(scheme)
        && (word_end == end || bytes.get(word_end).is_some_and(|&b| is_ws(b) || b == b':'))
    {
        reader.defect(
            DefectKind::DoubledScheme,
            pos,
            "the scheme appears twice: the code adds it to a value that already has it",
        );
        pos = scan_while(bytes, word_end, |b| is_ws(b) || b == b':');
        if pos >= end {
            reader.defect(
                DefectKind::EmptyCredentials,
                pos,
                "the scheme has no credentials after it",
            );
            return finish(reader, out);
        }
    }

    let param_form = {
        // `#auth-param` may open with empty list elements (RFC 9110 §5.6.1, as in
        // challenges): `Digest , username="a"` is still the parameter form.
        let first = scan_while(bytes, pos, |b| is_ws(b) || b == b',');
        let name_end = scan_while(bytes, first, is_tchar);
        let after = scan_while(bytes, name_end, is_ws);
        name_end > first
            && bytes.get(after) == Some(&b'=')
            && !input[pos..end].bytes().all(is_token68_char_or_pad)
    };
    if param_form {
        let parsed = challenge::parse(&input[scheme_start..end]);
        for problem in &parsed.problems {
            // Same grammar (RFC 9110 §11.4 reuses §11.2's auth-param), same severity.
            reader.problems.forward(problem, scheme_start);
        }
        let mut challenges = parsed.challenges.into_iter();
        if let Some(first) = challenges.next() {
            out.params = first.params;
            for param in &mut out.params {
                param.offset += scheme_start;
            }
            if let Some(token68) = first.token68 {
                out.token68 = Some(token68);
            }
        }
        if let Some(extra) = challenges.next() {
            // An error: RFC 9110 §11.4 credentials hold one scheme; the rest is dropped.
            reader.problems.error(
                scheme_start + extra.offset,
                "credentials hold one scheme; this looks like a second one",
            );
        }
        check_scheme_params(&mut reader, &out, scheme_start);
    } else {
        read_token68(&mut reader, &mut out, pos, end);
    }
    finish(reader, out)
}

fn is_token68_char_or_pad(b: u8) -> bool {
    is_token68_char(b) || b == b'='
}

/// The credentials after the scheme, when they are one token: quotes, placeholders and
/// syntax checked, then read per scheme.
fn read_token68<'a>(
    reader: &mut Reader<'a>,
    out: &mut Credentials<'a>,
    mut start: usize,
    mut end: usize,
) {
    let input = reader.input;
    let bytes = input.as_bytes();
    let quote = |b: Option<&u8>| matches!(b, Some(b'"' | b'\''));
    if quote(bytes.get(start)) {
        reader.defect(
            DefectKind::QuotedToken,
            start,
            "quotes around the token: they become part of it",
        );
        start += 1;
        if end > start && quote(bytes.get(end - 1)) {
            end -= 1;
        }
    }
    let Some(token) = input.get(start..end) else {
        return;
    };
    if placeholder(token) {
        reader.defect(
            DefectKind::PlaceholderToken,
            start,
            "a placeholder where the token should be: the variable holding it was empty",
        );
    }
    let token_end = start + scan_while(token.as_bytes(), 0, is_token68_char);
    let padded_end = scan_while(bytes, token_end, |b| b == b'=').min(end);
    if padded_end < end {
        let bad = padded_end;
        match bytes.get(bad) {
            Some(&b) if is_ws(b) => reader.defect(
                DefectKind::ExtraWhitespace,
                bad,
                "white space inside the token: it was split or joined with a space",
            ),
            _ if placeholder(token) => {}
            // An error: outside token68 (RFC 9110 §11.2); the token is read as a guess.
            _ => reader.problems.error(
                bad,
                "not a token68/b64token character (RFC 9110 §11.2, RFC 6750 §2.1)",
            ),
        }
    }
    out.token68 = Some(token);
    out.token68_offset = start;
    if out.is("Basic") {
        out.basic = read_basic(reader, token, start);
    } else if (out.is("Bearer") || out.is("DPoP") || out.scheme.is_empty())
        && !token.is_empty()
        && !placeholder(token)
    {
        out.token = Some(jwt::parse(token));
    }
}

/// RFC 7617 §2: `base64(user-id ":" password)`.
fn read_basic(reader: &mut Reader<'_>, token: &str, at: usize) -> Option<Basic> {
    let bytes = decode(token, at, Base64::Standard, &mut reader.problems)?;
    let (text, charset) = match String::from_utf8(bytes) {
        Ok(text) => (text, Charset::Utf8),
        Err(e) => {
            // A warning: every byte is read; without charset="UTF-8" the encoding is
            // the server's to assume (RFC 7617 §2.1), historically ISO-8859-1.
            reader.problems.warning(
                at,
                "the decoded credentials are not UTF-8 (RFC 7617 §2.1); shown as ISO-8859-1",
            );
            (
                e.into_bytes().iter().map(|&b| char::from(b)).collect(),
                Charset::Latin1,
            )
        }
    };
    let (user, password, has_colon) = match text.split_once(':') {
        Some((user, password)) => (user.to_owned(), password.to_owned(), true),
        None => {
            // An error: user-pass needs its ':' (RFC 7617 §2); all of it is taken as
            // the user-id, a guess.
            reader.problems.error(
                at,
                "the decoded credentials have no ':' between user-id and password (RFC 7617 §2)",
            );
            (text.clone(), String::new(), false)
        }
    };
    // Warnings: read exactly as sent; RFC 7617 §2 forbids control characters, and an
    // empty user-id is allowed by the grammar but rarely meant.
    if text.chars().any(char::is_control) {
        reader.problems.warning(
            at,
            "the decoded credentials contain control characters, which RFC 7617 §2 forbids",
        );
    }
    if placeholder(&user) || (has_colon && placeholder(&password)) {
        reader.defect(
            DefectKind::PlaceholderToken,
            at,
            "the decoded user or password is a placeholder (`undefined`, `null`, …)",
        );
    }
    if has_colon && user.is_empty() {
        reader.problems.warning(at, "the user-id is empty");
    }
    Some(Basic {
        user,
        password,
        charset,
        has_colon,
    })
}

/// RFC 7616 §3.4: the parameters Digest credentials must carry.
fn check_scheme_params(reader: &mut Reader<'_>, out: &Credentials<'_>, at: usize) {
    if out.is("Digest") {
        let has_user = out.param("username").is_some() || out.param("username*").is_some();
        // Warnings, like the missing parameters below.
        if !has_user {
            reader
                .problems
                .warning(at, "Digest credentials without username (RFC 7616 §3.4)");
        }
        for (name, message) in [
            ("realm", "Digest credentials without realm (RFC 7616 §3.4)"),
            ("nonce", "Digest credentials without nonce (RFC 7616 §3.4)"),
            ("uri", "Digest credentials without uri (RFC 7616 §3.4)"),
            (
                "response",
                "Digest credentials without response (RFC 7616 §3.4)",
            ),
        ] {
            if out.param(name).is_none() {
                // Warnings: the value parses (RFC 9110 §11.4); what is missing is what
                // RFC 7616 §3.4 requires to compute the response, which the server will
                // refuse.
                reader.problems.warning(at, message);
            }
        }
        if out.param("qop").is_some()
            && (out.param("cnonce").is_none() || out.param("nc").is_none())
        {
            reader.problems.warning(
                at,
                "Digest credentials with qop but without cnonce and nc (RFC 7616 §3.4)",
            );
        }
    }
}

fn finish<'a>(reader: Reader<'a>, mut out: Credentials<'a>) -> Credentials<'a> {
    out.defects = reader.defects;
    out.defects.sort_by_key(|d| d.offset);
    out.problems = reader.problems.into_vec();
    out
}

/// A `DPoP` proof header (RFC 9449 §4.2), read as a JWT and checked for what a proof
/// must carry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DpopProof {
    pub token: jwt::Token,
    pub problems: Vec<Problem>,
}

/// Reads a `DPoP` request header sent together with these credentials. Besides what
/// every proof needs ([`dpop_proof`]): a proof that accompanies an access token carries
/// `ath`, the token's hash (RFC 9449 §4.2; checked for presence here, and its value, with
/// `htm` and `htu`, by the diagnosis: `token.dpop_proof_mismatch`), and a token bound to
/// a DPoP key (`cnf.jkt`) travels with the `DPoP` scheme, not `Bearer` (§7.1).
pub fn dpop_proof_for(value: &str, credentials: &Credentials<'_>) -> DpopProof {
    let mut proof = dpop_proof(value);
    let mut problems = Problems::default();
    for p in &proof.problems {
        problems.forward(p, 0);
    }
    if let Some(token) = &credentials.token {
        let has_ath = proof
            .token
            .payload
            .as_ref()
            .is_some_and(|p| p.get("ath").is_some());
        // Warnings: the proof was read; RFC 9449 §4.2 and §7.1 require otherwise.
        if !has_ath {
            problems.warning(
                0,
                "a proof sent with an access token needs ath, the token's hash (RFC 9449 §4.2)",
            );
        }
        if credentials.is("Bearer") && token.claims.cnf_jkt.is_some() {
            problems.warning(
                0,
                "a DPoP-bound token (cnf.jkt) is sent with the DPoP scheme, not Bearer (RFC 9449 §7.1)",
            );
        }
    }
    proof.problems = problems.into_vec();
    proof
}

/// Reads a `DPoP` request header.
pub fn dpop_proof(value: &str) -> DpopProof {
    let token = jwt::parse(value);
    let mut problems = Problems::default();
    let typ = token.header_params.typ.as_deref();
    // Warnings: the proof is a JWT that was read; RFC 9449 §4.2 requires these.
    if !typ.is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt")) {
        problems.warning(
            0,
            "a DPoP proof has header typ \"dpop+jwt\" (RFC 9449 §4.2)",
        );
    }
    let header = token.header.as_ref();
    if header.and_then(|h| h.get("jwk")).is_none() {
        problems.warning(
            0,
            "a DPoP proof carries its public key in the jwk header (RFC 9449 §4.2)",
        );
    }
    let payload = token.payload.as_ref();
    for (claim, message) in [
        (
            "htm",
            "a DPoP proof needs htm, the request method (RFC 9449 §4.2)",
        ),
        (
            "htu",
            "a DPoP proof needs htu, the request URI (RFC 9449 §4.2)",
        ),
        ("iat", "a DPoP proof needs iat (RFC 9449 §4.2)"),
        ("jti", "a DPoP proof needs jti (RFC 9449 §4.2)"),
    ] {
        if payload.and_then(|p| p.get(claim)).is_none() {
            // The proof is a JWT that was read; RFC 9449 §4.2 requires the claim.
            problems.warning(0, message);
        }
    }
    DpopProof {
        token,
        problems: problems.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(value: &str) -> Vec<DefectKind> {
        parse(value).defects.iter().map(|d| d.kind).collect()
    }

    /// RFC 7617 §2's example.
    #[test]
    fn decodes_the_rfc_7617_example() {
        let c = parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(c.scheme, "Basic");
        let basic = c.basic.clone().expect("decoded");
        assert_eq!(
            (basic.user.as_str(), basic.password.as_str()),
            ("Aladdin", "open sesame")
        );
        assert!(c.defects.is_empty() && c.problems.is_empty());
        let json = c.to_json(false);
        assert_eq!(json["basic"]["password"], "***");
        assert!(!json.to_string().contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
        assert_eq!(c.to_json(true)["basic"]["password"], "open sesame");
    }

    /// RFC 6750 §2.1's example.
    #[test]
    fn reads_the_rfc_6750_example() {
        let c = parse("Bearer mF_9.B5f-4.1JqM");
        assert_eq!(c.token68, Some("mF_9.B5f-4.1JqM"));
        assert!(c.defects.is_empty() && c.problems.is_empty(), "{c:?}");
        assert_eq!(c.token.map(|t| t.kind), Some(jwt::Kind::Opaque));
    }

    #[test]
    fn classic_client_bugs_are_named() {
        assert_eq!(kinds("Bearer undefined"), [DefectKind::PlaceholderToken]);
        assert_eq!(
            kinds("Bearer [object Object]"),
            [DefectKind::PlaceholderToken]
        );
        assert_eq!(kinds("Bearer {{token}}"), [DefectKind::PlaceholderToken]);
        assert_eq!(kinds("Bearer Bearer abc"), [DefectKind::DoubledScheme]);
        assert_eq!(kinds("Bearer \"abc\""), [DefectKind::QuotedToken]);
        assert_eq!(kinds("Bearer  abc"), [DefectKind::ExtraWhitespace]);
        assert_eq!(kinds(" Bearer abc"), [DefectKind::ExtraWhitespace]);
        assert_eq!(kinds("Bearer abc\\n"), [DefectKind::EscapedNewline]);
        assert_eq!(kinds("Bearer abc\n"), [DefectKind::LineBreak]);
        assert_eq!(kinds("Bearer abc\u{200b}"), [DefectKind::NonAscii]);
        assert_eq!(kinds("Bearer: abc"), [DefectKind::ColonAfterScheme]);
        assert_eq!(
            kinds("Bearer "),
            [DefectKind::ExtraWhitespace, DefectKind::EmptyCredentials]
        );
        assert_eq!(kinds(""), [DefectKind::EmptyCredentials]);
        assert_eq!(
            kinds("Authorization: Bearer abc"),
            [DefectKind::HeaderNameIncluded]
        );
        assert_eq!(
            kinds("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
            [DefectKind::MissingScheme]
        );
        assert_eq!(kinds("Bearer abc def"), [DefectKind::ExtraWhitespace]);
        assert!(kinds("Negotiate").is_empty());
    }

    #[test]
    fn defects_point_at_their_offsets() {
        let c = parse("Bearer Bearer abc");
        assert_eq!(c.defects[0].offset, 7);
        assert_eq!(c.token68, Some("abc"));
        let c = parse("Bearer \"abc\"");
        assert_eq!(c.token68, Some("abc"));
        assert_eq!(c.token68_offset, 8);
    }

    #[test]
    fn basic_problems_are_reported() {
        // "user" without a colon.
        let c = parse("Basic dXNlcg==");
        assert!(c.problems.iter().any(|p| p.message.contains("no ':'")));
        // ISO-8859-1 bytes "é:x" -> not UTF-8.
        let c = parse("Basic 6Tp4");
        assert_eq!(
            c.basic.map(|b| (b.user, b.charset)),
            Some(("é".into(), Charset::Latin1))
        );
        // base64url alphabet in Basic.
        let c = parse("Basic _-_-");
        assert!(c.problems[0].message.contains("base64url"));
        assert_eq!(c.problems[0].offset, 6);
        let c = parse("Basic dW5kZWZpbmVkOnVuZGVmaW5lZA==");
        assert_eq!(c.defects[0].kind, DefectKind::PlaceholderToken);
    }

    /// RFC 7616 §3.9.1's example (SHA-256), as corrected by erratum 4897 (the
    /// example's `response` was computed over a different `uri`; we only read it).
    #[test]
    fn reads_digest_parameters() {
        let value = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let c = parse(value);
        assert_eq!(c.param("username"), Some("Mufasa"));
        assert_eq!(c.param("qop"), Some("auth"));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let json = c.to_json(false).to_string();
        assert!(
            !json.contains("753927fa0e85d155"),
            "the response hash is masked"
        );
        let c = parse(r#"Digest username="Mufasa""#);
        assert!(c.problems.len() >= 4);
    }

    /// RFC 9110 §5.6.1 in credentials too: empty elements before and between the
    /// auth-params are ignored.
    #[test]
    fn empty_list_elements_in_credentials_are_ignored() {
        let c =
            parse(r#"Digest , username="Mufasa",, realm="r", nonce="n", uri="/", response="x""#);
        assert_eq!(c.param("username"), Some("Mufasa"));
        assert_eq!(c.param("realm"), Some("r"));
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.params[0].offset, 9);
    }

    #[test]
    fn dpop_proofs_are_checked() {
        // RFC 9449 §4.1's example proof header.
        let proof = dpop_proof("eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg");
        assert!(proof.problems.is_empty(), "{:?}", proof.problems);
        assert_eq!(proof.token.usage.usage, jwt::Use::DpopProof);
        assert!(!dpop_proof("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
            .problems
            .is_empty());
    }

    #[test]
    fn dpop_proofs_are_checked_against_the_credentials() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let jwt = |header: &str, payload: &str| {
            format!(
                "{}.{}.c2ln",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(payload)
            )
        };
        let proof_header = r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC"}}"#;
        let bound = jwt(r#"{"alg":"ES256"}"#, r#"{"cnf":{"jkt":"0ZcOCORZNYy"}}"#);
        let with_ath = jwt(
            proof_header,
            r#"{"htm":"GET","htu":"https://x/","iat":1,"jti":"j","ath":"fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"}"#,
        );
        let without_ath = jwt(
            proof_header,
            r#"{"htm":"GET","htu":"https://x/","iat":1,"jti":"j"}"#,
        );
        let dpop_value = format!("DPoP {bound}");
        let dpop = parse(&dpop_value);
        assert!(dpop_proof_for(&with_ath, &dpop).problems.is_empty());
        let problems = dpop_proof_for(&without_ath, &dpop).problems;
        assert!(problems[0].message.contains("ath"), "{problems:?}");
        let bearer_value = format!("Bearer {bound}");
        let bearer = parse(&bearer_value);
        let problems = dpop_proof_for(&with_ath, &bearer).problems;
        assert!(problems[0].message.contains("not Bearer"), "{problems:?}");
    }

    #[test]
    fn hostile_values_give_results() {
        let huge = format!("Bearer {}", "a".repeat(1 << 20));
        assert_eq!(parse(&huge).token68.map(str::len), Some(1 << 20));
        let spaces = format!("Bearer{}x", " ".repeat(1 << 20));
        assert_eq!(parse(&spaces).defects[0].kind, DefectKind::ExtraWhitespace);
        let params = format!("Digest {}", "a=b, ".repeat(100_000));
        assert_eq!(parse(&params).params.len(), 100_000);
        let weird = "\u{1F600}\u{0}\\\"\u{2028}";
        let _ = parse(weird);
    }
}
