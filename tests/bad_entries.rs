//! One entry that cannot be read costs that entry, not the file (issue #12, "one bad
//! entry or field is skipped or cut, with a note, and never fails the file").

use authlens::report::{diagnose_har, markdown, skipped_note, MAX_SKIPPED_NOTES};

fn entry(url: &str) -> String {
    format!(
        r#"{{"startedDateTime":"2026-01-01T00:00:00Z","time":1,
        "request":{{"method":"GET","url":"{url}","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0}},
        "response":{{"status":401,"statusText":"","httpVersion":"HTTP/1.1","headers":[{{"name":"WWW-Authenticate","value":"Bearer realm=\"api\""}}],"cookies":[],"content":{{"size":0,"mimeType":"text/plain"}},"redirectURL":"","headersSize":-1,"bodySize":0}},
        "cache":{{}},"timings":{{"send":0,"wait":0,"receive":0}}}}"#
    )
}

fn har(entries: &[String]) -> String {
    format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"t","version":"1"}},"entries":[{}]}}}}"#,
        entries.join(",")
    )
}

#[test]
fn an_entry_of_the_wrong_shape_is_skipped_with_a_note_and_the_rest_is_diagnosed() {
    let bad = r#"{"request":5,"response":{"status":"x"}}"#.to_owned();
    let text = har(&[
        entry("https://a.example/1"),
        bad,
        entry("https://a.example/3"),
    ]);
    let report = diagnose_har(text.as_bytes(), |_| {}).expect("the file is readable");
    assert_eq!(report.summary.entries, 3);
    assert_eq!(report.summary.failures, 2, "entries 0 and 2 are diagnosed");
    let indexes: Vec<usize> = report.entries.iter().map(|e| e.index).collect();
    assert_eq!(indexes, [0, 2]);
    assert_eq!(report.summary.skipped_entries, 1);
    let skipped = &report.summary.skipped[0];
    assert_eq!(skipped.index, 1);
    assert!(
        skipped.reason.contains("not the HAR shape"),
        "{}",
        skipped.reason
    );
    // The offset points into the bad entry, at the wrong value.
    let at = usize::try_from(skipped.offset).expect("small");
    assert!(
        text[at..].starts_with('5'),
        "offset {at}: {}",
        &text[at..at + 10]
    );
    let note = skipped_note(&report.summary).expect("a note");
    assert!(note.starts_with("1 entry could not be read and was skipped: #1 at byte"));
    assert!(markdown(&report, "t.har").contains("1 entry could not be read"));
}

#[test]
fn broken_json_still_fails_the_file_because_nothing_after_it_can_be_trusted() {
    let text = har(&[entry("https://a.example/1"), "{\"request\": [}".to_owned()]);
    let error = diagnose_har(text.as_bytes(), |_| {}).expect_err("broken JSON");
    assert!(
        error.message.contains("not valid JSON"),
        "{}",
        error.message
    );
}

#[test]
fn notes_are_capped_and_the_count_goes_on() {
    let mut entries = vec![entry("https://a.example/ok")];
    entries.extend((0..MAX_SKIPPED_NOTES + 5).map(|_| r#"{"request":[]}"#.to_owned()));
    let report = diagnose_har(har(&entries).as_bytes(), |_| {}).expect("readable");
    assert_eq!(report.summary.skipped_entries, MAX_SKIPPED_NOTES + 5);
    assert_eq!(report.summary.skipped.len(), MAX_SKIPPED_NOTES);
    let note = skipped_note(&report.summary).expect("a note");
    assert!(note.ends_with("; 5 more not shown"), "{note}");
}
