use super::*;

/// (index, status) of every entry, read through windows of `first` bytes growing to `max`.
fn read_with(text: &str, first: usize, max: usize) -> Result<Vec<(usize, u16)>, HarError> {
    let mut out = Vec::new();
    for_each_entry_in(
        &mut Window::with_sizes(text.as_bytes(), first, max),
        |i, e| out.push((i, u16::try_from(e.response.status).unwrap_or(0))),
        |_| {},
    )?;
    Ok(out)
}

fn read(text: &str) -> Result<Vec<(usize, u16)>, HarError> {
    read_with(text, FIRST_WINDOW, MAX_WINDOW)
}

fn entry(method: &str, path: &str, status: u16, body: &str) -> String {
    format!(
        r#"{{"request":{{"method":"{method}","url":"https://a{path}","headers":[{{"name":"Authorization","value":"Bearer x"}},{{"name":"Accept","value":"*/*"}}]}},"response":{{"status":{status},"headers":[],"content":{{"mimeType":"application/json","text":{body}}}}},"_resourceType":"fetch"}}"#
    )
}

#[test]
fn bodies_are_kept_only_for_failures_and_posts() {
    let har = format!(
        r#"{{"log":{{"entries":[{},{},{},{}]}}}}"#,
        entry("GET", "/x", 200, r#""{}""#),
        entry("GET", "/x", 401, r#""{}""#),
        entry("POST", "/oauth/token", 200, r#""{}""#),
        entry("POST", "/upload", 200, r#""{}""#)
    );
    let mut kept = Vec::new();
    for_each_entry(
        har.as_bytes(),
        |_, e| kept.push(e.response.content.text.is_some()),
        |_| {},
    )
    .expect("reads");
    // A POST's answer may be a login that returns a token under any name.
    assert_eq!(kept, [false, true, true, true]);
}

#[test]
fn streams_entries_in_order_ignoring_other_fields() {
    let har = r#"{"log":{"version":"1.2","creator":{"name":"x"},"pages":[{"id":"p","n":-1.5e3}],
        "entries":[{"request":{"method":"GET","url":"https://a/","headers":[]},"response":{"status":401,"headers":[],"content":{"text":"x","_custom":1}},"_resourceType":"fetch"},
                   {"request":{"method":"GET","url":"https://a/"},"response":{"status":200}}],"comment":null},"_extra":true}"#;
    assert_eq!(read(har), Ok(vec![(0, 401), (1, 200)]));
}

#[test]
fn every_window_boundary_gives_the_same_entries() {
    // Numbers, keys, escapes and multi-byte characters cut at every position: a window
    // of 1 to 64 bytes puts a boundary inside each of them.
    let entries: Vec<String> = (0..12)
        .map(|i| {
            entry(
                if i % 3 == 0 { "POST" } else { "GET" },
                &format!("/p{i}/\u{e9}t\u{e9}"),
                [200, 401, 403, 302][i % 4],
                r#""{\"error\":\"invalid_token\",\"n\":\"\\u00e9\"}""#,
            )
        })
        .collect();
    let har = format!(
        " {{\"log\" : {{\"version\":\"1.2\",\"pages\":[1234567, 8.5, true, null],\"entries\" : [ {} ] , \"x\":12345}} }} \n",
        entries.join(" ,\n ")
    );
    let expected = read(&har).expect("reads");
    assert_eq!(expected.len(), 12);
    for first in 1..64 {
        assert_eq!(
            read_with(&har, first, 4 * first),
            Ok(expected.clone()),
            "{first}"
        );
    }
}

#[test]
fn an_entry_larger_than_the_window_is_read_with_long_strings_cut() {
    let big = "\u{e9}x\\\"".repeat(LONG_STRING); // multi-byte and escapes across the cut
    let har = format!(
        r#"{{"log":{{"entries":[{},{},{}]}}}}"#,
        entry("GET", "/small", 401, r#""{}""#),
        entry("GET", "/big", 500, &format!("\"{big}\"")),
        entry("GET", "/after", 403, r#""{}""#),
    );
    let mut seen = Vec::new();
    let mut window = Window::with_sizes(har.as_bytes(), 1024, 4096);
    for_each_entry_in(
        &mut window,
        |_, e| {
            seen.push((
                e.request.url.clone(),
                e.request.headers.len(),
                e.response.content.text.as_ref().map(String::len),
            ))
        },
        |_| {},
    )
    .expect("reads");
    // The big body was cut (and, still over MAX_BODY, not kept); the rest is intact.
    assert_eq!(
        seen,
        [
            ("https://a/small".to_owned(), 1, Some(2)),
            ("https://a/big".to_owned(), 1, None),
            ("https://a/after".to_owned(), 1, Some(2)),
        ]
    );
    assert_eq!(window.cut_values(), 1, "one value had strings cut");
    assert!(window.cut.capacity() <= 4096 || window.cut.is_empty());
}

#[test]
fn errors_in_a_cut_entry_point_into_the_original_input() {
    let big = "y".repeat(3 * LONG_STRING);
    let har = format!(r#"{{"log":{{"entries":[{{"a":"{big}","b":"{big}","request": 5}}]}}}}"#);
    let e = read_with(&har, 1024, 4096).expect_err("wrong shape");
    assert_eq!(e.entry, Some(0));
    assert!(e.message.contains("HAR shape"), "{e}");
    let five = har.find(": 5").map_or(0, |i| i as u64 + 2);
    assert_eq!(e.offset, five, "{e}");
}

#[test]
fn errors_name_the_entry_and_the_exact_offset() {
    let truncated = r#"{"log":{"entries":[{"request":{"method":"GET","url":"https://a/"},"response":{"status":200}},{"request":{"method":"#;
    let e = read(truncated).expect_err("truncated");
    assert_eq!(e.entry, Some(1));
    assert!(e.message.contains("truncated"), "{e}");
    assert_eq!(e.offset, truncated.len() as u64, "{e}");

    let two_lines = "{\"log\":{\"entries\":[\n  {\"request\": 5}]}}";
    let mut e = read(two_lines).expect_err("wrong shape");
    let five = two_lines.find('5').map_or(0, |i| i as u64);
    assert_eq!(e.offset, five, "{e}");
    e.locate(two_lines.as_bytes());
    assert_eq!(e.line, 2);
    assert_eq!(e.column as u64, e.offset - 20 + 1, "{e}");

    let e = read("not json").expect_err("not JSON");
    assert!(e.message.contains("not valid JSON"), "{e}");
    // `n` could start `null`; `o` is where it stops being JSON.
    assert_eq!(e.offset, 1, "{e}");
    // Syntax errors inside an entry, on a later line: the offending byte itself.
    let bad = "{\"log\":{\"entries\":[\n{\"request\":{\"method\" \"GET\"}}]}}";
    let e = read(bad).expect_err("no colon");
    assert_eq!(
        e.offset,
        bad.find(" \"GET").map_or(0, |i| i as u64 + 1),
        "{e}"
    );
    let bad = r#"{"log":{"entries":[{"request":{"url":"\q"}}]}}"#;
    let e = read(bad).expect_err("bad escape");
    assert_eq!(e.offset, bad.find(r"\q").map_or(0, |i| i as u64 + 1), "{e}");
    let e = read("[1, 2]").expect_err("not an object");
    assert!(e.message.contains("HAR shape"), "{e}");
    let e = read(r#"{"log":{"entries":{"a":1}}}"#).expect_err("wrong shape");
    assert!(e.message.contains("HAR shape"), "{e}");
    let e = read(r#"{"log":{}}"#).expect_err("no entries");
    assert!(e.message.contains("no log.entries"));
    let e = read(r#"{"log":{"entries":[]}} x"#).expect_err("trailing");
    assert_eq!(
        (e.offset, e.message.contains("trailing")),
        (23, true),
        "{e}"
    );
    let e = read(r#"{"log":{"entries":[{"request":{}} {}]}}"#).expect_err("no comma");
    assert_eq!((e.entry, e.offset), (None, 34), "{e}");
    let e = read(r#"{"log" 1}"#).expect_err("no colon");
    assert_eq!(e.offset, 7, "{e}");
    // Deep nesting in a custom field is skipped without recursion; deep nesting where the
    // shape is read is a clear error, never a stack overflow.
    let deep = format!(
        r#"{{"log":{{"entries":[{{"_custom":{}{}}}]}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(read(&deep).map(|v| v.len()), Ok(1));
    let deep = format!(
        r#"{{"log":{{"entries":[{{"request":{{"headers":{}"#,
        "[".repeat(100_000)
    );
    let e = read(&deep).expect_err("deep");
    assert_eq!(e.entry, Some(0));
    assert!(e.message.contains("HAR shape"), "{e}");
}

#[test]
fn a_huge_number_or_a_long_key_is_read_like_any_value() {
    let har = format!(
        r#"{{"log":{{"pages":{}, "{}":1, "entries":[]}}}}"#,
        "1".repeat(10_000),
        "k".repeat(10_000)
    );
    assert_eq!(read_with(&har, 64, 1024), Ok(vec![]));
    let bad = format!(
        r#"{{"log":{{"pages":{}x, "entries":[]}}}}"#,
        "1".repeat(10_000)
    );
    let e = read_with(&bad, 64, 1024).expect_err("not a number");
    assert!(e.message.contains("not valid JSON"), "{e}");
}

#[test]
fn reads_from_a_reader_that_returns_little_at_a_time() {
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(3);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let har = format!(
        r#"{{"log":{{"entries":[{},{}]}}}}"#,
        entry("GET", "/a", 401, "null"),
        entry("GET", "/b", 200, "null")
    );
    let mut statuses = Vec::new();
    let mut offsets = Vec::new();
    for_each_entry(
        Trickle(har.as_bytes()),
        |_, e| statuses.push(e.response.status),
        |o| offsets.push(o),
    )
    .expect("reads");
    assert_eq!(statuses, [401, 200]);
    // Progress is the exact offset after each entry.
    assert_eq!(offsets[1], har.len() as u64 - 3);
}
