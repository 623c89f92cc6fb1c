//! `authlens cookies`: the JSON contract (README, docs/cookies.md), masking, `--reveal`,
//! standard input, and the lab recordings read by the cookie model.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn run(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("authlens runs");
    if let Some(mut input) = child.stdin.take() {
        // A command that does not read stdin may exit first: a broken pipe is expected.
        if let Err(e) = input.write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    child.wait_with_output().expect("authlens finishes")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

const CANARY: &str = "CANARY31d4d96e407aad42";

fn entry(url: &str, at: &str, req: &[(&str, &str)], status: u16, resp: &[(&str, &str)]) -> Value {
    let headers = |list: &[(&str, &str)]| -> Vec<Value> {
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect()
    };
    json!({
        "startedDateTime": at,
        "request": {"method": "GET", "url": url, "headers": headers(req)},
        "response": {"status": status, "headers": headers(resp)},
    })
}

/// A sign-in, a request that carries the session, a cross-site call that cannot, one
/// under a path the cookie does not cover, and one sent with a cookie from before the HAR.
fn session_har() -> String {
    let sid = format!("sid={CANARY}; Path=/app; HttpOnly; Secure; SameSite=Lax");
    let sent = format!("sid={CANARY}");
    let cross = [
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Mode", "cors"),
        ("Cookie", "pre=1"),
    ];
    json!({"log": {"entries": [
        entry("https://app.example/app/login", "2026-11-23T12:00:00Z", &[], 200, &[("Set-Cookie", &sid), ("Set-Cookie", "theme=dark; Path=/")]),
        entry("https://app.example/app/me?access_token=SECRETQUERY", "2026-11-23T12:00:01Z", &[("Cookie", &format!("{sent}; theme=dark"))], 200, &[]),
        entry("https://app.example/app/me", "2026-11-23T12:00:02Z", &cross, 401, &[]),
        entry("https://app.example/other", "2026-11-23T12:00:03Z", &[("Cookie", "theme=dark")], 401, &[]),
    ]}})
    .to_string()
}

#[test]
fn json_contract_masks_values_and_gives_reasons() {
    let out = run(&["cookies", "--json", "-"], &session_har());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(CANARY) && !stdout.contains("SECRETQUERY"),
        "{stdout}"
    );
    let report = json_of(&out);
    let entries = report["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 4, "every request");
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["index"], i);
        for key in [
            "url",
            "expected_cookie_header",
            "sent_cookie_header",
            "withheld",
        ] {
            assert!(e.get(key).is_some(), "{key} in {e}");
        }
    }
    assert_eq!(entries[0]["expected_cookie_header"], Value::Null);
    assert_eq!(entries[0]["sent_cookie_header"], Value::Null);
    assert_eq!(entries[1]["url"], "https://app.example/app/me?…");
    // §5.8.3 order: the longer path first.
    assert_eq!(
        entries[1]["expected_cookie_header"],
        "sid=CANA…(22 bytes); theme=…(4 bytes)"
    );
    assert_eq!(
        entries[1]["sent_cookie_header"],
        "sid=CANA…(22 bytes); theme=…(4 bytes)"
    );
    assert_eq!(entries[1]["withheld"], json!([]));
    let withheld = &entries[2]["withheld"];
    assert_eq!(withheld[0]["name"], "sid");
    assert_eq!(withheld[0]["reason"], "same_site_lax");
    assert!(withheld[0]["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("SameSite=Lax")));
    assert_eq!(withheld[0]["certain"], true);
    assert_eq!(entries[2]["unknown_sent"], json!(["pre"]));
    let withheld = &entries[3]["withheld"];
    assert_eq!(withheld[0]["reason"], "path");
    assert_eq!(withheld[0]["set_index"], 0);
}

#[test]
fn reveal_shows_values_and_text_names_reasons() {
    let har = session_har();
    let out = run(&["cookies", "--json", "--reveal", "-"], &har);
    let report = json_of(&out);
    assert_eq!(
        report["entries"][1]["expected_cookie_header"],
        format!("sid={CANARY}; theme=dark")
    );
    let out = run(&["cookies", "-"], &har);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(CANARY), "{text}");
    assert!(text.contains("withheld sid (same_site_lax)"), "{text}");
    assert!(text.contains("withheld sid (path)"), "{text}");
    assert!(
        text.contains("3 of 4 requests"),
        "the sign-in itself sent and expected none"
    );
    assert!(!text.contains('\x1b'), "no colour off a terminal");
    let out = run(&["cookies", "--json", "--browser", "firefox", "-"], &har);
    assert!(out.status.success());
}

#[test]
fn broken_input_is_a_usage_error() {
    let out = run(&["cookies", "-"], "{\"log\":{\"entries\":[");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    let out = run(&["cookies", "/nonexistent/file.har"], "");
    assert_eq!(out.status.code(), Some(2));
}

/// The lab's Chromium recordings: the model says why each cookie was withheld.
#[test]
fn lab_recordings_read_by_the_model() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har/lab");
    for (id, name, reason) in [
        ("session-cookie-not-sent", "lab_scoped", "path"),
        ("session-cookie-expired", "lab_short", "expired"),
        ("cors-credentials", "lab_cross", "same_site_lax"),
    ] {
        let path = dir.join(format!("{id}.har"));
        let out = run(&["cookies", "--json", &path.to_string_lossy()], "");
        assert!(out.status.success(), "{id}");
        let report = json_of(&out);
        let withheld = &report["entries"][1]["withheld"][0];
        assert_eq!(
            (withheld["name"].as_str(), withheld["reason"].as_str()),
            (Some(name), Some(reason)),
            "{id}: {report}"
        );
    }
    let out = run(
        &[
            "cookies",
            "--json",
            &dir.join("session-cleared.har").to_string_lossy(),
        ],
        "",
    );
    let report = json_of(&out);
    let revoked = &report["entries"][1];
    assert_eq!(revoked["withheld"], json!([]));
    assert_eq!(
        revoked["expected_cookie_header"],
        revoked["sent_cookie_header"]
    );
}
