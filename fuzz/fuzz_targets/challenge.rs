//! `WWW-Authenticate` / `Proxy-Authenticate`: one field value, and the input split into
//! field lines (a repeated header), then each scheme's typed reading.
#![no_main]
use authlens::{challenge, schemes};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let list = challenge::parse(&input);
    offsets_are_sound(&input, list.problems.iter().map(|p| p.offset));
    offsets_are_sound(&input, list.challenges.iter().map(|c| c.offset));
    for c in &list.challenges {
        offsets_are_sound(&input, c.params.iter().map(|p| p.offset));
        let _ = c.param_offset("realm");
    }
    let described = schemes::describe(&list);
    offsets_are_sound(&input, described.problems.iter().map(|p| p.offset));
    // The CLI and the Wasm boundary serialise the typed reading: that must not panic.
    let _ = serde_json::to_string(&described);
    let lines = challenge::split_field_lines(&input);
    let _ = schemes::describe(&challenge::parse_lines(lines.iter().copied()));
});
