//! Every input the fuzzers (fuzz/, docs/reliability.md) found to crash or to break a
//! property, kept as a test of the normal suite, with what went wrong and the fix.

use authlens::har::stream::{for_each_entry, for_each_entry_in, HarError, Window};

/// (entries read as `index status`, outcome) through the given window sizes.
fn read_with(data: &[u8], first: usize, max: usize) -> (Vec<String>, Result<usize, HarError>) {
    let mut entries = Vec::new();
    let outcome = for_each_entry_in(
        &mut Window::with_sizes(data, first, max),
        |i, e| entries.push(format!("{i} {}", e.response.status)),
        |_| {},
    );
    (entries, outcome)
}

fn read(data: &[u8]) -> (Vec<String>, Result<usize, HarError>) {
    let mut entries = Vec::new();
    let outcome = for_each_entry(
        data,
        |i, e| entries.push(format!("{i} {}", e.response.status)),
        |_| {},
    );
    (entries, outcome)
}

/// fuzz/har_stream, crash-2e5a81d3: an entry whose brackets never balance (a lab HAR
/// spliced into itself) but whose first error is a wrong type early on. The production
/// window named that error (byte 1151, "expected a {name, value} header"); a value
/// larger than the window goes through the framer, which only counts brackets, read to
/// the end of the file and reported "truncated" at byte 10591. In a real HAR that is an
/// entry over 1 MB reported at the wrong place. Fixed in `Window::cut_value`: when framing
/// fails, serde_json names the first error of what was copied.
#[test]
fn an_unbalanced_entry_larger_than_the_window_names_its_first_error() {
    let data = include_bytes!("fixtures/regressions/har-stream-unbalanced-entry.har");
    let reference = read(data);
    let error = reference.1.clone().expect_err("the file is broken");
    assert_eq!((error.entry, error.offset), (Some(0), 1151), "{error}");
    assert!(error.message.starts_with("not the HAR shape"), "{error}");
    for (first, max) in [(1, 1), (1, 8), (3, 3), (7, 64), (16, 4096)] {
        assert_eq!(
            read_with(data, first, max),
            reference,
            "window {first}..{max}"
        );
    }
}

/// The same shape, by hand and minimal: a string where a header object belongs, and the
/// brackets left open to the end.
#[test]
fn a_wrong_type_in_an_unclosed_entry_is_reported_where_it_is() {
    let data = br#"{"log":{"entries":[{"request":{"headers":["entries",{"#;
    let reference = read(data);
    let error = reference.1.clone().expect_err("the file is broken");
    assert!(error.message.starts_with("not the HAR shape"), "{error}");
    assert_eq!(read_with(data, 1, 1), reference);
    assert_eq!(read_with(data, 4, 16), reference);
}

/// The framer's other failure, a stray closing bracket where an entry starts, is named in
/// serde_json's words (as the window path does) rather than the framer's.
#[test]
fn a_stray_bracket_where_an_entry_starts_reads_the_same_through_any_window() {
    for data in [
        &br#"{"log":{"entries":[1,}]}}"#[..],
        br#"{"log":{"entries":[{},]}}"#,
    ] {
        let reference = read(data);
        assert!(reference.1.is_err());
        for (first, max) in [(1, 1), (2, 2), (5, 40)] {
            assert_eq!(read_with(data, first, max), reference, "{first}..{max}");
        }
    }
}

/// fuzz/har_stream, crash-ae226165: `"pages":5[8.e3, …]`, a number run into a bracket.
/// The production window reads `5` (serde_json's stream ends a number at any structural
/// character) and then names the stray `[`: "expected `,` or `}` after a value". The
/// framer ended numbers only at white space, `,` and `:`, copied `5[8.e3,…]` and
/// serde_json called it "trailing characters". Same byte, other words; fixed in `Framer`:
/// a number or literal ends at `"`, `[` and `{` too.
#[test]
fn a_number_run_into_a_bracket_reads_the_same_through_any_window() {
    let data = br#"{"log":{"pages":5[8.e3,-0,"\u00e9"],"entries":[]}} x"#;
    let reference = read(data);
    let error = reference.1.clone().expect_err("the file is broken");
    assert_eq!(error.offset, 17, "{error}");
    assert!(error.message.contains("expected `,` or `}`"), "{error}");
    for (first, max) in [(1, 1), (1, 8), (3, 3), (7, 64)] {
        assert_eq!(read_with(data, first, max), reference, "{first}..{max}");
    }
    for data in [
        &br#"{"log":{"x":1"y","entries":[]}}"#[..],
        br#"{"log":{"x":true{},"entries":[]}}"#,
    ] {
        let reference = read(data);
        assert!(reference.1.is_err());
        assert_eq!(read_with(data, 1, 1), reference);
    }
}

/// fuzz/har_stream, crash-d4e21ef3: `"creator": ://…`, a member with no value. The
/// production window said "expected value" at the `:`; the framer took the `:` for the end
/// of an empty value and serde_json, given nothing, said the file was truncated. Fixed in
/// `Framer`: a separator before any byte of the value is an error where it is.
#[test]
fn a_member_without_a_value_reads_the_same_through_any_window() {
    for data in [
        &br#"{"log": {"version": "1.2", "creator": ://127.0.0.1:42, "entries": []}}"#[..],
        br#"{"log":{"creator":,"entries":[]}}"#,
        br#"{"log":{"entries":[,]}}"#,
    ] {
        let reference = read(data);
        let error = reference.1.clone().expect_err("the file is broken");
        assert!(error.message.contains("expected value"), "{error}");
        for (first, max) in [(1, 1), (1, 8), (3, 3), (7, 64)] {
            assert_eq!(read_with(data, first, max), reference, "{first}..{max}");
        }
    }
}

/// fuzz/har_stream, crash-24bff417: `"creator": n" …`, a literal cut short by a quote.
/// The production window said "expected ident" at the quote (byte 46 of the crash input;
/// byte 39 here, the byte after the literal in each case below); the framer ended
/// the value at the quote, and serde_json, given `n` alone, said the file ends there
/// (byte 45 there). Fixed in `Window::cut_value`: a framed value that ends early is parsed again
/// with the byte that ended it, which serde_json then names.
#[test]
fn a_literal_cut_short_reads_the_same_through_any_window() {
    for (data, offset) in [
        (
            &br#"{"log": {"version": "1.2", "creator": n" {"a": 1}, "entries": []}}"#[..],
            39,
        ),
        (br#"{"log":{"x":tru ,"entries":[]}}"#, 15),
        (br#"{"log":{"x":-"1","entries":[]}}"#, 13),
    ] {
        let reference = read(data);
        let error = reference.1.clone().expect_err("the file is broken");
        assert_eq!(error.offset, offset, "{error}");
        assert!(!error.message.contains("truncated"), "{error}");
        for (first, max) in [(1, 1), (1, 8), (3, 3), (7, 64)] {
            assert_eq!(read_with(data, first, max), reference, "{first}..{max}");
        }
    }
}

/// fuzz/har_stream, crash-b6589fc6: a file that is just `0`. The production window read
/// the number and said "not the HAR shape" at byte 0; a 1-byte window could not tell the
/// number had ended, framed it to the end of the input and said "truncated" at byte 1.
/// Fixed in `Window::cut_value`: a framed value that ends with the input and parses is a
/// value.
#[test]
fn a_number_that_ends_with_the_input_reads_the_same_through_any_window() {
    for data in [
        &b"0"[..],
        b"123",
        b"true",
        br#"{"log":{"entries":[]},"n":1}"#,
        br#"{"log":{"entries":[]}} 5"#,
    ] {
        let reference = read(data);
        for (first, max) in [(1, 1), (1, 8), (2, 2), (3, 3)] {
            assert_eq!(
                read_with(data, first, max),
                reference,
                "{first}..{max} {data:?}"
            );
        }
    }
    let error = read(b"0").1.expect_err("not a HAR");
    assert_eq!(error.offset, 0, "{error}");
    assert!(error.message.starts_with("not the HAR shape"), "{error}");
}
