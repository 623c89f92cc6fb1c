//! `Set-Cookie` (as browsers read it) and request `Cookie` headers, and the cookie date
//! format (RFC 6265 §5.1.1), with their JSON forms.
#![no_main]
use authlens::cookie;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let set = cookie::parse_set_cookie(&input);
    offsets_are_sound(&input, set.problems.iter().map(|p| p.offset));
    assert!(set.value_length <= input.len());
    let _ = serde_json::to_string(&set.to_json(false));
    let _ = serde_json::to_string(&set.to_json(true));
    // Deletion is judged against a clock: at its extremes too.
    for now in [i64::MIN, -1, 0, 1_800_000_000, i64::MAX] {
        let _ = set.is_deletion(now);
    }
    let header = cookie::parse_cookie_header(&input);
    offsets_are_sound(&input, header.problems.iter().map(|p| p.offset));
    offsets_are_sound(&input, header.cookies.iter().map(|c| c.offset));
    let _ = serde_json::to_string(&header.to_json(false));
    let _ = cookie::cookie_date(&input);
});
