//! Secret shapes in free text: every string of the HAR that has no structure of its own
//! (comments, `_initiator` stack frames, WebSocket messages, JSON string values, page
//! bodies) goes through [`Sanitizer::text`].
//!
//! One pass over the bytes, linear in the input. A *run* is a maximal sequence of token
//! characters (`[A-Za-z0-9_.+/~-]`, with up to two trailing `=` of base64 padding). A run
//! is replaced by its marker when it is:
//! - a JWS or JWE (RFC 7515 §7.1, RFC 7516 §7.1): its first segment decodes to a JSON
//!   object; a JWS keeps its header and claims, without the signature ([`Sanitizer::jwt`]);
//! - a known token prefix ([`super::prefixes::PREFIXES`]);
//! - a long high-entropy run ([`high_entropy`]);
//! - the value after a secret name and `=` or `:` (`password=…`, `"api_key": "…"`), or
//!   after an auth-scheme (`Bearer …`), when that value looks like a credential rather
//!   than a word: error messages such as `token: expired` are read by the diagnosis;
//! - a PEM block (`-----BEGIN … PRIVATE KEY-----`, RFC 7468).
//!
//! A URL in the text (`scheme://…`) is cleaned as a URL ([`Sanitizer::url`]).

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::{is_marker, is_secret_name, is_strong_secret_name, prefixes, Sanitizer};

/// Runs shorter than this are never taken for high-entropy secrets: below 20 characters,
/// identifiers and words would be hit (API keys are 20 characters and more: AWS key ids
/// 20, Slack webhook secrets 24, most others 32 to 64).
pub const MIN_ENTROPY_RUN: usize = 20;

fn is_run(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'+' | b'/' | b'~')
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// A compact JWS (3 segments) or JWE (5 segments) whose header decodes to a JSON object.
pub(crate) fn is_jwt(s: &str) -> bool {
    if !s.starts_with("eyJ") {
        return false;
    }
    let count = s.split('.').take(6).count();
    if count != 3 && count != 5 {
        return false;
    }
    if !s.bytes().all(|b| is_b64url(b) || b == b'.') {
        return false;
    }
    let header = s.split('.').next().unwrap_or("");
    URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|h| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&h).ok())
        .is_some()
}

/// `8-4-4-4-12` hex digits: identifiers (request ids, resource ids), kept as written.
fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether a run of token characters is a long high-entropy string (a key or token of
/// unknown format). The thresholds, measured on random tokens against identifiers,
/// words and paths (docs/security.md):
/// - at least [`MIN_ENTROPY_RUN`] characters, at most one in five a separator
///   (`_-+/~`);
/// - hex only: at least 32 digits (an MD5 or longer), with digits and letters mixed;
/// - upper case, lower case and digits: Shannon entropy ≥ 3.5 bits per character, and
///   the character class changes between at least 30% of neighbours (camelCase words
///   change class once per word, random strings two times in three);
/// - one letter case and digits: at least 28 characters, 20% digits, entropy ≥ 3.7;
/// - letters only, both cases: at least 32 characters, entropy ≥ 4.2.
///
/// UUIDs are not high-entropy here: they are identifiers far more often than secrets.
pub fn high_entropy(run: &str) -> bool {
    let run = run.trim_end_matches('=');
    let bytes = run.as_bytes();
    let n = bytes.len();
    if n < MIN_ENTROPY_RUN || is_uuid(run) {
        return false;
    }
    let (mut upper, mut lower, mut digit, mut sym) = (0usize, 0usize, 0usize, 0usize);
    let mut counts = [0u32; 128];
    let mut transitions = 0usize;
    let mut previous = 0u8;
    for &b in bytes {
        let class = if b.is_ascii_uppercase() {
            upper += 1;
            1
        } else if b.is_ascii_lowercase() {
            lower += 1;
            2
        } else if b.is_ascii_digit() {
            digit += 1;
            3
        } else if b.is_ascii() {
            sym += 1;
            4
        } else {
            return false;
        };
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
        if previous != 0 && class != previous {
            transitions += 1;
        }
        previous = class;
    }
    if sym * 5 > n {
        return false;
    }
    let len = n as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum();
    let changes = transitions as f64 / (len - 1.0);
    if bytes.iter().all(u8::is_ascii_hexdigit) {
        return n >= 32 && digit >= 2 && upper + lower >= 2 && entropy >= 3.0 && changes >= 0.2;
    }
    if upper > 0 && lower > 0 && digit > 0 {
        return entropy >= 3.5 && changes >= 0.3;
    }
    if digit > 0 {
        return n >= 28 && digit * 5 >= n && entropy >= 3.7 && changes >= 0.3;
    }
    upper >= 3 && lower >= 3 && n >= 32 && entropy >= 4.2 && changes >= 0.35
}

/// File extensions of static assets, whose names carry content hashes
/// (`main.3f9a8b2c4d5e6f7a.js`, `/_next/static/<build id>/…`): the high-entropy rule is
/// not applied to their paths, so that they stay readable. Known prefixes and JWTs are
/// still redacted there.
const ASSET_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "css", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico",
    "bmp", "woff", "woff2", "ttf", "otf", "eot", "wasm", "mp4", "webm", "mp3", "ogg",
];

/// Whether a path (or a run ending a path) names a static asset. A stack frame's
/// `:line:column` is ignored.
pub fn is_static_asset(path: &str) -> bool {
    let mut last = path.rsplit('/').next().unwrap_or(path);
    for _ in 0..2 {
        if let Some((head, tail)) = last.rsplit_once(':') {
            if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
                last = head;
            }
        }
    }
    last.rsplit_once('.').is_some_and(|(name, ext)| {
        !name.is_empty() && ASSET_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// A secret shape that does not depend on its context: a known prefix or a long
/// high-entropy run (in any of its `.`-separated pieces, unless `asset`).
pub(crate) fn is_secret_shape(run: &str, asset: bool) -> bool {
    if is_marker(run) {
        return false;
    }
    if prefixes::known(run).is_some() || telegram_bot(run) {
        return true;
    }
    !asset && run.split('.').any(high_entropy)
}

/// Telegram bot tokens in URL paths: `bot123456789:AAH…` (core.telegram.org/bots/api).
fn telegram_bot(run: &str) -> bool {
    run.strip_prefix("bot")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(id, secret)| {
            id.len() >= 5 && id.bytes().all(|b| b.is_ascii_digit()) && secret.len() >= 20
        })
}

/// A value assigned to a secret name in free text that looks like a credential rather
/// than a word. Words (letters only) are kept: `token: expired` is what the server said.
pub(crate) fn looks_like_credential(value: &str) -> bool {
    if value.is_empty() || is_marker(value) {
        return false;
    }
    let letters = value.bytes().filter(u8::is_ascii_alphabetic).count();
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    // Words, snake_case and kebab-case codes (`token_expired`, `INVALID-TOKEN`).
    let wordy = value
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.' | b' '));
    let symbols = value.len()
        - letters
        - digits
        - value
            .bytes()
            .filter(|b| matches!(b, b'_' | b'-' | b'.'))
            .count();
    (letters > 0 && digits > 0 && value.len() >= 6)
        || (symbols > 0 && value.len() >= 8)
        || (value.len() >= 20 && !wordy)
        || is_jwt(value)
        || is_secret_shape(value, false)
}

/// Auth-schemes whose value follows after a space, in free text (`curl -H 'Authorization:
/// Bearer …'` pasted in a comment, a stack frame, a text body).
fn is_auth_scheme(word: &str) -> bool {
    ["bearer", "basic", "dpop", "token", "negotiate", "ntlm"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(word))
}

fn is_scheme(run: &str) -> bool {
    let b = run.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b.first().is_some_and(u8::is_ascii_alphabetic)
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

fn url_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || b >= 0x80
        || matches!(
            b,
            b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\' | b'{' | b'}' | b'|' | b'^' | b')'
        )
}

fn value_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || b >= 0x80
        || matches!(
            b,
            b'"' | b'\'' | b'&' | b',' | b';' | b'<' | b'>' | b')' | b'}' | b']' | b'\\' | b'`'
        )
}

/// Where the value assigned after a name ends at `at` starts and ends: `name=value`,
/// `name: value`, `"name":"value"`, `\"name\": \"value\"`.
fn assigned_value(b: &[u8], mut k: usize) -> Option<(usize, usize)> {
    let skip_quote = |k: &mut usize| {
        if b.get(*k..).is_some_and(|r| r.starts_with(b"\\\"")) {
            *k += 2;
        } else if matches!(b.get(*k), Some(b'"' | b'\'')) {
            *k += 1;
        }
    };
    let skip_spaces = |k: &mut usize| {
        let mut n = 0;
        while n < 3 && matches!(b.get(*k), Some(b' ' | b'\t')) {
            *k += 1;
            n += 1;
        }
    };
    skip_quote(&mut k);
    skip_spaces(&mut k);
    if !matches!(b.get(k), Some(b'=' | b':')) {
        return None;
    }
    k += 1;
    skip_spaces(&mut k);
    skip_quote(&mut k);
    let start = k;
    while k < b.len() && !value_stop(b[k]) {
        k += 1;
    }
    (k > start).then_some((start, k))
}

impl Sanitizer {
    /// Free text with every secret shape replaced (see the module documentation).
    pub fn text<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        let b = s.as_bytes();
        let mut out = String::new();
        let mut copied = 0;
        let edit = |out: &mut String, copied: &mut usize, start: usize, end: usize, with: &str| {
            if let Some(kept) = s.get(*copied..start) {
                out.push_str(kept);
                out.push_str(with);
                *copied = end;
            }
        };
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'-' && b[i..].starts_with(b"-----BEGIN") {
                let end = memchr::memmem::find(&b[i + 10..], b"-----END")
                    .and_then(|e| {
                        let after = i + 10 + e + 8;
                        memchr::memmem::find(b.get(after..)?, b"-----").map(|f| after + f + 5)
                    })
                    .unwrap_or(b.len());
                let block = s.get(i..end).unwrap_or("");
                let marker = self.marker(block);
                edit(&mut out, &mut copied, i, end, &marker);
                i = end;
                continue;
            }
            if !is_run(c) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < b.len() && is_run(b[j]) {
                j += 1;
            }
            // Base64 padding belongs to a long run.
            if j - i >= 16 {
                let mut k = j;
                while k < b.len() && k - j < 2 && b[k] == b'=' {
                    k += 1;
                }
                if k > j && b.get(k).is_none_or(|&n| !is_run(n) && n != b'=') {
                    j = k;
                }
            }
            let run = s.get(i..j).unwrap_or("");
            if b[j..].starts_with(b"://") && is_scheme(run) {
                let mut end = j + 3;
                while end < b.len() && !url_stop(b[end]) {
                    end += 1;
                }
                while end > j + 3 && matches!(b[end - 1], b'.' | b',' | b';') {
                    end -= 1;
                }
                let url = s.get(i..end).unwrap_or("");
                let clean = self.url(url);
                if clean != url {
                    edit(&mut out, &mut copied, i, end, &clean);
                }
                i = end;
                continue;
            }
            let core = run.trim_end_matches('.');
            let core_end = i + core.len();
            if is_marker(core) {
                i = j;
                continue;
            }
            if is_jwt(core) {
                let clean = self.jwt(core);
                if clean != core {
                    edit(&mut out, &mut copied, i, core_end, &clean);
                }
                i = j;
                continue;
            }
            if is_secret_shape(core, is_static_asset(core)) {
                let marker = self.marker(core);
                edit(&mut out, &mut copied, i, core_end, &marker);
                i = j;
                continue;
            }
            if is_secret_name(core) {
                if let Some((start, end)) = assigned_value(b, j) {
                    let value = s.get(start..end).unwrap_or("");
                    // `client_secret=lab-wrong-secret` in a form body quoted inside a JSON
                    // string (issue #17, the leak proof): after `=` a password or secret
                    // is one whatever it looks like. Only names ending in "token" keep the
                    // word test, for prose such as `token=expired`.
                    let assigned_secret = b
                        .get(j..start)
                        .is_some_and(|between| between.contains(&b'='))
                        && is_strong_secret_name(core)
                        && !core.to_ascii_lowercase().ends_with("token")
                        && value.len() >= 4;
                    if assigned_secret || looks_like_credential(value) {
                        let clean = self.token(value);
                        edit(&mut out, &mut copied, start, end, &clean);
                        i = end;
                        continue;
                    }
                }
            }
            if is_auth_scheme(core) && b.get(j) == Some(&b' ') {
                let start = j + 1;
                let mut end = start;
                while end < b.len() && (is_run(b[end]) || b[end] == b'=') {
                    end += 1;
                }
                let value = s.get(start..end).unwrap_or("");
                if value.len() >= 8 && looks_like_credential(value) {
                    let clean = self.token(value);
                    edit(&mut out, &mut copied, start, end, &clean);
                    i = end;
                    continue;
                }
            }
            i = j;
        }
        if copied == 0 {
            return Cow::Borrowed(s);
        }
        out.push_str(s.get(copied..).unwrap_or(""));
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_high_entropy_and_words_are_not() {
        for secret in [
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "a3f5c8e1b2d4f6a8c0e2b4d6f8a0c2e4",
            "Xk9mP2vL8nW4tY6bC1dF5gH7",
            "key3ax6xnjp29jd6fds4gc373sgvjxteol0",
        ] {
            assert!(high_entropy(secret), "{secret}");
        }
        for word in [
            "application/x-www-form-urlencoded",
            "550e8400-e29b-41d4-a716-446655440000",
            "addEventListenerForTheWholeWindow",
            "Mon, 23 Nov 2026 04:25:43 GMT",
            "node_modules/react-dom/cjs/react-dom",
            "session2024december",
            "invalid_token_expired_please_retry",
        ] {
            assert!(!high_entropy(word), "{word}");
        }
        assert!(is_static_asset(
            "/static/js/main.3f9a8b2c4d5e6f7a8b9c0d1e2f3a4b5c.js"
        ));
        assert!(is_static_asset("https://cdn.example/app.js:10:5"));
        assert!(!is_static_asset("/reset/abc.def"));
    }

    #[test]
    fn a_secret_assigned_with_equals_is_redacted_even_when_it_reads_like_words() {
        let mut s = Sanitizer::with_key([1, 2], false);
        let text = r#"{"body":"grant_type=client_credentials&client_id=lab-client&client_secret=lab-wrong-secret","note":"password=correcthorsebattery; token=expired"}"#;
        let clean = s.text(text);
        assert!(!clean.contains("lab-wrong-secret"), "{clean}");
        assert!(!clean.contains("correcthorsebattery"), "{clean}");
        assert!(clean.contains("client_id=lab-client"), "{clean}");
        assert!(clean.contains("token=expired"), "prose stays: {clean}");
    }

    #[test]
    fn text_keeps_words_and_loses_secrets() {
        let mut s = Sanitizer::with_key([1, 2], false);
        let said = "The access token expired: token: expired, code: 404";
        assert_eq!(s.text(said), said);
        let out = s.text("curl -H 'Authorization: Bearer abcDEF123456789xyz' password=hunter2!");
        assert!(
            !out.contains("abcDEF123456789xyz") && !out.contains("hunter2"),
            "{out}"
        );
        let out = s.text("at f (https://app.example/a.js?token=T0K3Nvalue123:1:2)");
        assert!(!out.contains("T0K3Nvalue123"), "{out}");
        let pem = "x -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- y";
        let out = s.text(pem);
        assert!(!out.contains("MIIEow") && out.starts_with("x redacted-") && out.ends_with(" y"));
        let again = s.text(&out).into_owned();
        assert_eq!(again, out, "stable");
    }
}
