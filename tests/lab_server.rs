//! The lab as a real HTTP server on 127.0.0.1, spoken to over a plain TCP socket: the
//! scenario that browsers cannot produce (a 407 from an origin server is a network error
//! in Chrome) is diagnosed from the lab's actual response; and `authlens diagnose` reads a
//! recorded HAR.

use std::io::Write;
use std::process::{Command, Stdio};

use authlens::diagnose::diagnose;
use authlens::exchange::Exchange;

mod support;
use support::{send, start_lab};

/// GET over HTTP/1.0, parsed into an Exchange: status and headers only, with no time (the
/// diagnosis reads the lab's Date against the machine's clock, as live).
fn get(addr: &str, path: &str) -> Exchange {
    Exchange {
        started_ms: None,
        response_body: None,
        ..send(addr, "GET", path, &[], None)
    }
}

#[test]
fn the_lab_serves_scenarios_and_the_proxy_case_is_diagnosed() {
    let lab = start_lab();
    let exchange = get(&lab.1, "/api/proxy-auth");
    assert_eq!(exchange.status, 407);
    let codes: Vec<_> = diagnose(&exchange).iter().map(|f| f.code).collect();
    assert_eq!(codes.first(), Some(&"status.proxy_auth"), "{codes:?}");

    let catalogue = get(&lab.1, "/scenarios.json");
    assert_eq!(catalogue.status, 200);
    assert_eq!(get(&lab.1, "/no/such/path").status, 404);
    assert_eq!(
        get(&lab.1, "/help/../../etc/passwd").status,
        400,
        "no path traversal"
    );
}

#[test]
fn diagnose_reads_a_recorded_har() {
    let har = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/har/lab/pattern-after-login.har"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["diagnose", "--json", har])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["entries"][0]["index"], 1);
    assert_eq!(
        json["entries"][0]["findings"][0]["code"],
        "pattern.after_login"
    );
    assert_eq!(json["summary"]["failures"], 1);

    let output = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["diagnose", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(b"{\"log\": [")?;
            child.wait_with_output()
        })
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("not a readable HAR file")
            && message.contains("byte 9")
            && message.contains("truncated"),
        "{message}"
    );
}
