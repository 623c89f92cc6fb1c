//! `Authorization` / `Proxy-Authorization` values, the DPoP proof header, and their JSON
//! forms (masked and revealed).
#![no_main]
use authlens::credentials;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    let parsed = credentials::parse(&input);
    offsets_are_sound(&input, parsed.defects.iter().map(|d| d.offset));
    offsets_are_sound(&input, parsed.problems.iter().map(|p| p.offset));
    offsets_are_sound(&input, [parsed.scheme_offset]);
    if let Some(token) = &parsed.token {
        // The token's own offsets are into the token, which is a slice of the input.
        assert!(token.length <= input.len());
    }
    let _ = serde_json::to_string(&parsed.to_json(false));
    let _ = serde_json::to_string(&parsed.to_json(true));
    let proof = credentials::dpop_proof_for(&input, &parsed);
    offsets_are_sound(&input, proof.token.problems.iter().map(|p| p.offset));
    let proof = credentials::dpop_proof(&input);
    offsets_are_sound(&input, proof.token.problems.iter().map(|p| p.offset));
});
