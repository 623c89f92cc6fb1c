//! HARs as real browsers write them: recorded from the lab in Firefox
//! (`tools/record-firefox-har.mjs`: `+00:00` time offsets, `_securityState`, no bodies) and
//! in Chromium (`tools/record-lab-har.mjs`: `_resourceType`, `_initiator`, preflights),
//! diagnosed and sanitized.

use std::path::Path;

use authlens::report::diagnose_har;
use authlens::sanitize::{sanitize_har, Sanitizer};

fn fixture(relative: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/har")
            .join(relative),
    )
    .expect("fixture")
}

#[test]
fn firefox_har_is_diagnosed_like_chromium_would() {
    let har = fixture("firefox/lab-session.har");
    let report = diagnose_har(har.as_bytes(), |_| {}).expect("reads");
    assert_eq!(report.summary.entries, 8);
    let tops: Vec<&str> = report.entries.iter().map(|e| e.findings[0].code).collect();
    assert_eq!(
        tops,
        [
            "token.expired",
            "auth.missing",
            "session.cleared_by_server",
            "pattern.after_login",
            "status.forbidden"
        ]
    );
    assert_eq!(
        report
            .summary
            .first_failure
            .as_deref()
            .map(|t| t.ends_with("+00:00")),
        Some(true)
    );
}

#[test]
fn browser_hars_sanitize_to_valid_hars_without_canaries() {
    for relative in [
        "firefox/lab-session.har",
        "lab/cors-preflight.har",
        "lab/pattern-after-login.har",
    ] {
        let har = fixture(relative);
        let mut out = Vec::new();
        sanitize_har(har.as_bytes(), &mut out, &mut Sanitizer::new(false), |_| {})
            .expect("sanitizes");
        let text = String::from_utf8(out).expect("UTF-8");
        for canary in [
            "YXV0aGxlbnMtY2FuYXJ5LXNpZ25hdHVyZS1kby1ub3QtbGVhaw",
            "lab-session-value",
        ] {
            assert!(!text.contains(canary), "{relative}: {canary}");
        }
        let before = diagnose_har(har.as_bytes(), |_| {}).expect("reads");
        let after = diagnose_har(text.as_bytes(), |_| {}).expect("reads");
        assert_eq!(after.summary.entries, before.summary.entries, "{relative}");
        assert_eq!(
            after.summary.top_causes, before.summary.top_causes,
            "{relative}"
        );
    }
}

/// A successful GET's body is read past without a copy, except the authorization server's
/// metadata and keys, which the sign-in flows check: a discovery document whose issuer is
/// not the URL it came from (OIDC Discovery §4.3) is found in a HAR as it is live.
#[test]
fn a_discovery_document_in_a_har_is_read_and_checked() {
    let entry = |url: &str| {
        format!(
            r#"{{"startedDateTime":"2026-11-23T12:00:00Z","request":{{"method":"GET","url":"{url}","headers":[]}},
            "response":{{"status":200,"headers":[{{"name":"Content-Type","value":"application/json"}}],
            "content":{{"mimeType":"application/json","text":"{{\"issuer\":\"http://as.example\"}}"}}}}}}"#
        )
    };
    let har = format!(
        r#"{{"log":{{"entries":[{},{}]}}}}"#,
        entry("https://as.example/.well-known/openid-configuration"),
        entry("https://as.example/some/other/document")
    );
    let report = diagnose_har(har.as_bytes(), |_| {}).expect("reads");
    let found: Vec<(usize, &str)> = report
        .entries
        .iter()
        .map(|e| (e.index, e.findings[0].code))
        .collect();
    assert_eq!(found, [(0, "oidc.issuer_mismatch")]);
}
