//! Byte classes of the HTTP grammar (RFC 9110 §5.6), as one const table.
//!
//! Every parser in the crate asks this table instead of writing its own `matches!`, so
//! that "what is a token character" has one answer. Each class names its ABNF rule.

const TCHAR: u8 = 1 << 0;
const TOKEN68: u8 = 1 << 1;
const QDTEXT: u8 = 1 << 2;
const WS: u8 = 1 << 3;
const COOKIE_OCTET: u8 = 1 << 4;

/// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`"
///  / "|" / "~" / DIGIT / ALPHA` (RFC 9110 §5.6.2).
/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (§11.2).
/// `qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text` (§5.6.4).
/// `OWS = *( SP / HTAB )` (§5.6.3).
/// `cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E` (RFC 6265 §4.1.1).
static CLASSES: [u8; 256] = build_table();

const fn build_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let c = b as u8;
        let alnum = c.is_ascii_alphanumeric();
        let mut class = 0;
        if alnum
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
        {
            class |= TCHAR;
        }
        if alnum || matches!(c, b'-' | b'.' | b'_' | b'~' | b'+' | b'/') {
            class |= TOKEN68;
        }
        if c == b'\t'
            || c == b' '
            || c == 0x21
            || (c >= 0x23 && c <= 0x5B)
            || (c >= 0x5D && c <= 0x7E)
            || c >= 0x80
        {
            class |= QDTEXT;
        }
        if c == b' ' || c == b'\t' {
            class |= WS;
        }
        if c == 0x21
            || (c >= 0x23 && c <= 0x2B)
            || (c >= 0x2D && c <= 0x3A)
            || (c >= 0x3C && c <= 0x5B)
            || (c >= 0x5D && c <= 0x7E)
        {
            class |= COOKIE_OCTET;
        }
        table[b] = class;
        b += 1;
    }
    table
}

/// A `tchar`: may appear in a token (scheme, parameter name, unquoted value).
#[inline]
pub fn is_tchar(b: u8) -> bool {
    CLASSES[b as usize] & TCHAR != 0
}

/// A character of the body of a `token68` (before its trailing `=` padding).
#[inline]
pub fn is_token68_char(b: u8) -> bool {
    CLASSES[b as usize] & TOKEN68 != 0
}

/// `qdtext`: may appear unescaped inside a quoted-string.
#[inline]
pub fn is_qdtext(b: u8) -> bool {
    CLASSES[b as usize] & QDTEXT != 0
}

/// SP or HTAB, the characters of `OWS`/`BWS`.
#[inline]
pub fn is_ws(b: u8) -> bool {
    CLASSES[b as usize] & WS != 0
}

/// A `cookie-octet`: US-ASCII except CTLs, white space, DQUOTE, comma, semicolon and
/// backslash; what a server may put in a cookie value.
#[inline]
pub fn is_cookie_octet(b: u8) -> bool {
    CLASSES[b as usize] & COOKIE_OCTET != 0
}

/// True when `s` is a non-empty token.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

// Searches for ASCII delimiters and phrases, by byte. `str::find` with a `char` array
// decodes every character (`MultiCharEqSearcher`), and `str::contains` with a `&str`
// sets up a Two-Way searcher on every call; in the Wasm build (opt-level z) the two were
// 12% of the panel's time per entry (tools/profile-wasm.mjs, issue #17). An ASCII byte
// never occurs inside a multi-byte UTF-8 sequence, so the positions found this way are
// char boundaries and the results are `str::find`'s.

/// The URL up to its query or fragment (RFC 3986 §3: `?` and `#` end the path).
pub fn before_query(url: &str) -> &str {
    match memchr::memchr2(b'?', b'#', url.as_bytes()) {
        Some(end) => &url[..end],
        None => url,
    }
}

/// The position of the first `/`, `?` or `#`: where a URL's authority ends (RFC 3986
/// §3.2).
pub fn authority_end(rest: &str) -> usize {
    memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()).unwrap_or(rest.len())
}

/// Whether `haystack` contains `phrase`: `str::contains`, for the short texts and
/// phrases the diagnosis compares, without a searcher set up per call.
pub fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    let (h, p) = (haystack.as_bytes(), phrase.as_bytes());
    let Some((&first, rest)) = p.split_first() else {
        return true;
    };
    let Some(last_start) = h.len().checked_sub(p.len()) else {
        return false;
    };
    memchr::memchr_iter(first, &h[..=last_start]).any(|i| h[i + 1..i + p.len()] == *rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_searches_agree_with_str() {
        let texts = [
            "",
            "a",
            "https://h/p?q#f",
            "https://h#f?q",
            "h?",
            "?",
            "é?x",
            "/é#",
            "expired",
            "the token has expired",
            "exexpired",
            "aaab",
            "ab",
            "é",
            "éé expiré",
        ];
        let phrases = [
            "", "a", "ab", "aab", "expired", "exp", "é", "expiré", "?", "zz",
        ];
        for t in texts {
            let end = t.find(['?', '#']).unwrap_or(t.len());
            assert_eq!(before_query(t), &t[..end], "{t:?}");
            let end = t.find(['/', '?', '#']).unwrap_or(t.len());
            assert_eq!(authority_end(t), end, "{t:?}");
            for p in phrases {
                assert_eq!(contains_phrase(t, p), t.contains(p), "{t:?} {p:?}");
            }
        }
    }

    // proptest needs an OS random source, which the wasm32 target lacks.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn byte_searches_agree_with_str_on_any_text(t in "[a-c?#/é]{0,12}", p in "[a-c?é]{0,4}") {
            proptest::prop_assert_eq!(contains_phrase(&t, &p), t.contains(p.as_str()));
            proptest::prop_assert_eq!(before_query(&t), &t[..t.find(['?', '#']).unwrap_or(t.len())]);
            proptest::prop_assert_eq!(authority_end(&t), t.find(['/', '?', '#']).unwrap_or(t.len()));
        }
    }

    #[test]
    fn classes_match_the_abnf() {
        for b in 0u8..=255 {
            let expected_tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(is_tchar(b), expected_tchar, "tchar {b:#x}");
            let expected_t68 = b.is_ascii_alphanumeric() || b"-._~+/".contains(&b);
            assert_eq!(is_token68_char(b), expected_t68, "token68 {b:#x}");
            let expected_qd = b == b'\t'
                || b == b' '
                || b == 0x21
                || (0x23..=0x5B).contains(&b)
                || (0x5D..=0x7E).contains(&b)
                || b >= 0x80;
            assert_eq!(is_qdtext(b), expected_qd, "qdtext {b:#x}");
            let expected_octet = (0x21..=0x7E).contains(&b) && !b"\",;\\".contains(&b);
            assert_eq!(is_cookie_octet(b), expected_octet, "cookie-octet {b:#x}");
        }
        assert!(is_token("Bearer"));
        assert!(!is_token(""));
        assert!(!is_token("a b"));
    }
}
