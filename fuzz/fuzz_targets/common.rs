//! Shared by the targets (each includes it with `#[path]`): the same soundness checks
//! as tests/properties.rs, so a fuzzer finding and a property failure mean the same thing.
#![allow(dead_code)]

/// Every reported position lies inside the input, on a character boundary: the UIs
/// slice the input at it, and a bad offset there is a panic in the JS-facing code.
pub fn offsets_are_sound(input: &str, offsets: impl IntoIterator<Item = usize>) {
    for offset in offsets {
        assert!(offset <= input.len(), "offset {offset} past the end of {input:?}");
        assert!(
            input.is_char_boundary(offset),
            "offset {offset} splits a character of {input:?}"
        );
    }
}

/// The fuzzer's bytes as text: the parsers take `&str` (the Wasm boundary and the HAR
/// reader hand them UTF-8), so invalid UTF-8 is replaced, not skipped.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}
