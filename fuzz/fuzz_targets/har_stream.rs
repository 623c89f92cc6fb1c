//! The streaming HAR reader, differentially: windows of a few bytes (which put a window
//! boundary inside every key, number, escape and multi-byte character, and send values
//! through the "larger than the window" copy-and-cut path) must read exactly what the
//! production window reads: the same entries in the same order, and the same error at the
//! same entry and byte offset. A reader that hands out one byte per `read` (a pipe) too.
//! Then the production path's diagnosis of the same bytes must not panic.
#![no_main]
use std::io::Read;

use authlens::har::stream::{for_each_entry, for_each_entry_in, HarError, Window};
use libfuzzer_sys::fuzz_target;

/// (first window, largest window) pairs. Fuzz inputs stay far below the production
/// window (256 KB), which therefore reads each input in one slice: the reference.
const WINDOWS: [(usize, usize); 5] = [(1, 1), (1, 8), (3, 3), (7, 64), (16, 4096)];

/// What a reading produced: every entry (as its Debug form: HarEntry has no PartialEq)
/// and the outcome.
type Reading = (Vec<String>, Result<usize, HarError>);

fn read<R: Read>(window: &mut Window<R>) -> Reading {
    let mut entries = Vec::new();
    let outcome = for_each_entry_in(window, |i, e| entries.push(format!("{i} {e:?}")), |_| {});
    (entries, outcome)
}

/// Gives at most one byte per read.
struct Trickle<'a>(&'a [u8]);
impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((b, rest)), Some(slot)) => {
                *slot = *b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut reference_entries = Vec::new();
    let reference = for_each_entry(
        data,
        |i, e| reference_entries.push(format!("{i} {e:?}")),
        |_| {},
    );
    let reference: Reading = (reference_entries, reference);
    for (first, max) in WINDOWS {
        let tiny = read(&mut Window::with_sizes(data, first, max));
        assert_eq!(tiny, reference, "window {first}..{max} disagrees");
    }
    let trickled = read(&mut Window::with_sizes(Trickle(data), 2, 16));
    assert_eq!(trickled, reference, "a one-byte-per-read reader disagrees");
    if let Err(mut e) = reference.1 {
        // The line/column shown to users must not panic either.
        e.locate(data);
        let _ = e.to_string();
    }
    let _ = authlens::report::diagnose_har(data, |_| {});
});
