//! Dates: HTTP dates (IMF-fixdate and the obsolete forms), delta-seconds, Retry-After,
//! RFC 3339 (HAR `startedDateTime`), and formatting any parsed or fuzzed second count.
#![no_main]
use authlens::date;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let input = text(data);
    match date::parse_http_date(&input) {
        Ok(seconds) => {
            // What was read can be printed again, and reads back as the same instant
            // when it is printed as an IMF-fixdate of a four-digit year.
            let printed = date::fmt_http_date(seconds);
            if (-62_135_596_800..=253_402_300_799).contains(&seconds) {
                assert_eq!(date::parse_http_date(&printed), Ok(seconds), "{input:?} → {printed}");
            }
        }
        Err(p) => offsets_are_sound(&input, [p.offset]),
    }
    if let Some(p) = date::obsolete_format(&input) {
        offsets_are_sound(&input, [p.offset]);
    }
    if let Err(p) = date::parse_delta_seconds(&input) {
        offsets_are_sound(&input, [p.offset]);
    }
    if let Err(p) = date::parse_retry_after(&input) {
        offsets_are_sound(&input, [p.offset]);
    }
    if let Some(ms) = date::parse_rfc3339_millis(&input) {
        let _ = date::fmt_http_date(ms / 1000);
    }
    // Any 8 bytes as a second count: formatting must cope with all of i64.
    if data.len() >= 8 {
        let mut n = [0u8; 8];
        n.copy_from_slice(&data[..8]);
        let _ = date::fmt_http_date(i64::from_le_bytes(n));
    }
});
