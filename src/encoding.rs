//! base64 and base64url decoding that says *where* the input is wrong.
//!
//! The `base64` crate does the decoding; this module first walks the input once to find
//! the mistakes people actually make, with their byte offsets, and repairs the harmless
//! ones so that the content can still be shown:
//! - base64url (RFC 4648 §5) where standard base64 (§4) is required, or the reverse
//!   (`-`/`_` versus `+`/`/`): reported, then read in the intended alphabet;
//! - `=` padding where the format forbids it (JWS compact serialisation, RFC 7515 §2),
//!   or missing where it is required (Basic, RFC 7617 §2 via RFC 4648 §4): reported,
//!   then ignored;
//! - a length that no encoding can produce (`len % 4 == 1`), and characters outside both
//!   alphabets (white space, `%`, quotes): reported, and the value is not decoded.
//!
//! Severity: padding problems are *warnings*, since the bytes are the same with or
//! without it (RFC 4648 §3.2 only says when padding is required). The wrong alphabet is
//! an *error*: those characters are not in the required encoding's alphabet (§4 or §5),
//! and reading them in the other one is a recovery. So is everything that stops the
//! decoding.

use base64::alphabet;
use base64::engine::general_purpose::GeneralPurpose;
use base64::engine::{DecodePaddingMode, GeneralPurposeConfig};
use base64::Engine;

use crate::problem::Problems;

/// Which encoding the format requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64 {
    /// RFC 4648 §4, `+` and `/`, padded: HTTP Basic (RFC 7617 §2).
    Standard,
    /// RFC 4648 §5, `-` and `_`, unpadded: JOSE (RFC 7515 §2), and Entra `claims`.
    UrlSafe,
}

/// Accepts either alphabet's padding mode and non-zero trailing bits: the problems this
/// module reports are the diagnosis; the decoder only has to produce the bytes.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes `input`, which starts at byte `base` of the text the offsets refer to.
///
/// Returns `None` when the value cannot be decoded at all; the reason is in `problems`.
pub(crate) fn decode(
    input: &str,
    base: usize,
    encoding: Base64,
    problems: &mut Problems,
) -> Option<Vec<u8>> {
    let bytes = input.as_bytes();
    let mut clean = Vec::with_capacity(bytes.len());
    let mut padding_at = None;
    let mut wrong_alphabet_reported = false;
    for (i, &b) in bytes.iter().enumerate() {
        if padding_at.is_some() && b != b'=' {
            problems.error(base + i, "text after the '=' padding");
            return None;
        }
        let mapped = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => b,
            b'-' | b'_' if encoding == Base64::Standard => {
                if !wrong_alphabet_reported {
                    wrong_alphabet_reported = true;
                    problems.error(
                        base + i,
                        "base64url character ('-' or '_') where standard base64 is required (RFC 4648 §4)",
                    );
                }
                b
            }
            b'+' | b'/' if encoding == Base64::UrlSafe => {
                if !wrong_alphabet_reported {
                    wrong_alphabet_reported = true;
                    problems.error(
                        base + i,
                        "standard base64 character ('+' or '/') where base64url is required (RFC 4648 §5): encoded with the wrong alphabet",
                    );
                }
                if b == b'+' {
                    b'-'
                } else {
                    b'_'
                }
            }
            b'-' | b'_' => b,
            b'+' => b'-',
            b'/' => b'_',
            b'=' => {
                padding_at.get_or_insert(i);
                continue;
            }
            _ => {
                problems.error(base + i, "not a base64 character");
                return None;
            }
        };
        clean.push(mapped);
    }
    let content_len = clean.len();
    if content_len % 4 == 1 {
        problems.error(
            base + bytes.len(),
            "impossible base64 length: one character too many or too few",
        );
        return None;
    }
    match (encoding, padding_at) {
        (Base64::UrlSafe, Some(at)) => problems.warning(
            base + at,
            "'=' padding is not allowed in base64url here (RFC 7515 §2)",
        ),
        (Base64::Standard, None) if content_len % 4 != 0 => problems.warning(
            base + bytes.len(),
            "missing '=' padding (RFC 4648 §4); some servers reject this",
        ),
        (Base64::Standard, Some(at)) if (content_len + (bytes.len() - at)) % 4 != 0 => problems
            .warning(
                base + at,
                "wrong amount of '=' padding for the length (RFC 4648 §4)",
            ),
        _ => {}
    }
    // Every byte of `clean` is in the URL-safe alphabet now, so this cannot fail; keep the
    // error path anyway rather than trust it.
    match LENIENT.decode(&clean) {
        Ok(decoded) => Some(decoded),
        Err(_) => {
            problems.error(base, "cannot decode this base64 value");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, encoding: Base64) -> (Option<Vec<u8>>, Vec<(usize, &'static str)>) {
        let mut problems = Problems::default();
        let out = decode(input, 0, encoding, &mut problems);
        let list = problems
            .into_vec()
            .into_iter()
            .map(|p| (p.offset, p.message))
            .collect();
        (out, list)
    }

    #[test]
    fn clean_values_decode_without_problems() {
        assert_eq!(
            run("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", Base64::Standard),
            (Some(b"Aladdin:open sesame".to_vec()), vec![])
        );
        assert_eq!(
            run("eyJhIjoxfQ", Base64::UrlSafe),
            (Some(b"{\"a\":1}".to_vec()), vec![])
        );
    }

    #[test]
    fn wrong_alphabet_is_reported_once_at_its_offset_and_repaired() {
        let (out, problems) = run("-_-_", Base64::Standard);
        assert_eq!(out, Some(vec![0xfb, 0xff, 0xbf]));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 0);
        let (out, problems) = run("ab+/", Base64::UrlSafe);
        assert!(out.is_some());
        assert_eq!(problems[0].0, 2);
    }

    #[test]
    fn padding_rules_follow_the_format() {
        let (out, problems) = run("eyJhIjoxfQ==", Base64::UrlSafe);
        assert_eq!(out, Some(b"{\"a\":1}".to_vec()));
        assert_eq!(
            problems,
            vec![(
                10,
                "'=' padding is not allowed in base64url here (RFC 7515 §2)"
            )]
        );
        let (out, problems) = run("QWxhZGRpbjpvcGVuIHNlc2FtZQ", Base64::Standard);
        assert_eq!(out, Some(b"Aladdin:open sesame".to_vec()));
        assert_eq!(problems[0].0, 26);
        let (_, problems) = run("QQ=", Base64::Standard);
        assert_eq!(problems[0].0, 2);
    }

    #[test]
    fn impossible_input_is_not_decoded() {
        assert_eq!(run("abcde", Base64::UrlSafe).0, None);
        let (out, problems) = run("ab cd", Base64::UrlSafe);
        assert_eq!(out, None);
        assert_eq!(problems, vec![(2, "not a base64 character")]);
        let (out, problems) = run("ab=c", Base64::Standard);
        assert_eq!(out, None);
        assert_eq!(problems[0].0, 3);
        assert_eq!(run("é", Base64::UrlSafe).1[0].0, 0);
    }
}
