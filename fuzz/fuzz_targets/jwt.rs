//! JWTs: the raw bytes as a token, and (the interesting part) a well-formed JWS whose
//! header and claims are the fuzzer's JSON, so that claim types and extreme numbers reach
//! the claim reader rather than dying in base64.
#![no_main]
use authlens::jwt;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::*;

fn check(token: &str) {
    let parsed = jwt::parse(token);
    offsets_are_sound(token, parsed.problems.iter().map(|p| p.offset));
    // The CLI prints every time claim (`+10000-01-01T00:00:00Z` past the year 9999).
    let _ = serde_json::to_string(&parsed);
}

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    check(&input);
    // Split the input at the first NUL: header JSON, then claims JSON.
    let (header, claims) = match input.split_once('\0') {
        Some((h, c)) => (h.to_owned(), c.to_owned()),
        None => (r#"{"alg":"RS256","typ":"JWT"}"#.to_owned(), input.to_string()),
    };
    let token = format!(
        "{}.{}.c2ln",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    check(&token);
    check(&format!("Bearer {token}"));
});
