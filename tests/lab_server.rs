//! The lab as a real HTTP server on 127.0.0.1, spoken to over a plain TCP socket: the
//! scenario that browsers cannot produce (a 407 from an origin server is a network error
//! in Chrome) is diagnosed from the lab's actual response; and `authlens diagnose` reads a
//! recorded HAR. The lab serves requests concurrently, and its authorization server's
//! state stays right when they race.

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

/// The barrier answers 200 only once `count` requests wait together: on a server that
/// serves one request at a time they never do, and each one gets 504 at its timeout. No
/// time is measured; the statuses tell.
#[test]
fn the_lab_serves_requests_concurrently() {
    let lab = start_lab();
    for count in [2, 8] {
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..count)
                .map(|_| {
                    let addr = &lab.1;
                    scope.spawn(move || {
                        let path = format!(
                            "/barrier?name=concurrent-{count}&count={count}&timeout_ms=20000"
                        );
                        send(addr, "GET", &path, &[], None).status
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a request"))
                .collect()
        });
        assert_eq!(
            statuses,
            vec![200; count],
            "{count} requests at one barrier"
        );
    }
    // The test can fail: a request that waits alone is answered 504.
    let alone = send(
        &lab.1,
        "GET",
        "/barrier?name=alone&count=2&timeout_ms=100",
        &[],
        None,
    );
    assert_eq!(alone.status, 504);
    // And the barrier is reusable: a second round on the same name meets again.
    let round: Vec<u16> = std::thread::scope(|scope| {
        let a = scope.spawn(|| {
            send(
                &lab.1,
                "GET",
                "/barrier?name=alone&count=2&timeout_ms=20000",
                &[],
                None,
            )
            .status
        });
        let b = scope.spawn(|| {
            send(
                &lab.1,
                "GET",
                "/barrier?name=alone&count=2&timeout_ms=20000",
                &[],
                None,
            )
            .status
        });
        vec![a.join().expect("a"), b.join().expect("b")]
    });
    assert_eq!(round, vec![200, 200]);
    assert_eq!(
        send(&lab.1, "GET", "/barrier?count=99", &[], None).status,
        400
    );
}

/// Many sign-ins at once: every authorization code is distinct, and when several token
/// requests race to redeem the same code, exactly one gets tokens (RFC 6749 §4.1.2: a code
/// is single-use). The codes live behind a Mutex in the lab's authorization server.
#[test]
fn authorization_codes_stay_single_use_when_requests_race() {
    let lab = start_lab();
    let addr = lab.1.as_str();
    let redirect = format!("http://{addr}/app/callback");
    let codes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let redirect = &redirect;
                scope.spawn(move || {
                    let path = format!(
                        "/as/authorize?client_id=lab-app&response_type=code&state=s{i}&redirect_uri={}",
                        redirect.replace(':', "%3A").replace('/', "%2F")
                    );
                    let answer = send(addr, "GET", &path, &[], None);
                    let location = answer.response_header("Location").unwrap_or("").to_owned();
                    authlens::flow::form_pairs(location.split_once('?').map_or("", |(_, q)| q))
                        .into_iter()
                        .find(|(n, _)| n == "code")
                        .map(|(_, v)| v)
                        .expect("a code in the redirect")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a sign-in"))
            .collect()
    });
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        codes.len(),
        "every code is distinct: {codes:?}"
    );

    let form = [(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    for code in &codes {
        let body = format!(
            "grant_type=authorization_code&client_id=lab-app&client_secret=lab-app-client-secret&code={code}&redirect_uri={}",
            redirect.replace(':', "%3A").replace('/', "%2F")
        );
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let (body, form) = (&body, &form);
                    scope.spawn(move || send(addr, "POST", "/as/token", form, Some(body)).status)
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a token request"))
                .collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            vec![200, 400, 400, 400],
            "code {code}: {statuses:?}"
        );
    }
}
