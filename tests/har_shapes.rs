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
