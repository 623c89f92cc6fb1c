//! The session's index (issue #17: "index the session, so that the detectors stop
//! scanning it whole for every failure") changes no finding. Every recorded HAR, and a
//! made-up session that trips every pattern detector, goes through an indexed session and
//! through one that scans, at capacities that do and do not evict: the findings must be
//! the same, byte for byte, for every exchange.

use std::fs;
use std::path::{Path, PathBuf};

use authlens::diagnose::Session;
use authlens::exchange::Exchange;
use authlens::har::HarEntry;

fn har_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("fixture folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            har_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "har") {
            out.push(path);
        }
    }
}

fn exchanges_of(file: &Path) -> Vec<Exchange> {
    let har: serde_json::Value =
        serde_json::from_slice(&fs::read(file).expect("read")).expect("json");
    har["log"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| Exchange::from_har(serde_json::from_value::<HarEntry>(e.clone()).expect("entry")))
        .collect()
}

/// Each exchange's findings, as JSON, in an indexed session and in a scanning one.
fn both_ways(exchanges: &[Exchange], capacity: usize) -> (Vec<String>, Vec<String>) {
    let mut indexed = Session::new(capacity);
    let mut scanning = Session::new(capacity).scanning();
    let mut a = Vec::new();
    let mut b = Vec::new();
    for exchange in exchanges {
        a.push(serde_json::to_string(&indexed.observe(exchange).0).expect("findings"));
        b.push(serde_json::to_string(&scanning.observe(exchange).0).expect("findings"));
        // At most four positions per summary kept: the index is as bounded as the session.
        assert!(indexed.index_len() <= 4 * indexed.len());
        assert!(
            indexed.index_len() >= indexed.len(),
            "every summary is under its request"
        );
    }
    assert_eq!(scanning.index_len(), 0);
    (a, b)
}

#[test]
fn every_recorded_har_gives_the_same_findings_indexed() {
    let mut files = Vec::new();
    har_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/har")),
        &mut files,
    );
    files.sort();
    assert!(files.len() > 100, "{} HAR fixtures", files.len());
    // All of them in one session too: the lab's and the interop stacks' requests mixed,
    // as in a long panel session.
    let all: Vec<Exchange> = files.iter().flat_map(|f| exchanges_of(f)).collect();
    let mut with_findings = 0;
    for capacity in [2, 16, 500] {
        for file in &files {
            let exchanges = exchanges_of(file);
            let (indexed, scanned) = both_ways(&exchanges, capacity);
            assert_eq!(
                indexed,
                scanned,
                "{} at capacity {capacity}",
                file.display()
            );
        }
        let (indexed, scanned) = both_ways(&all, capacity);
        for (i, (a, b)) in indexed.iter().zip(&scanned).enumerate() {
            assert_eq!(a, b, "exchange {i} of all fixtures at capacity {capacity}");
        }
        with_findings = indexed.iter().filter(|f| *f != "[]").count();
    }
    assert!(
        with_findings > 100,
        "{with_findings} exchanges with findings"
    );
}

/// A HAR entry's exchange, at `second` past a fixed time.
fn entry(
    second: i64,
    method: &str,
    url: &str,
    status: u16,
    request: &[(&str, &str)],
    response: &[(&str, &str)],
    body: Option<&str>,
) -> Exchange {
    let headers = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
            .collect::<Vec<_>>()
    };
    let started = chrono_free_iso(second);
    let mut response_json = serde_json::json!({
        "status": status,
        "headers": headers(response),
        "content": {"mimeType": "application/json"},
    });
    if let Some(body) = body {
        response_json["content"]["text"] = body.into();
    }
    let json = serde_json::json!({
        "startedDateTime": started,
        "request": {
            "method": method,
            "url": url,
            "headers": headers(request),
            "postData": if method == "POST" { serde_json::json!({"mimeType": "application/x-www-form-urlencoded", "text": "grant_type=refresh_token&refresh_token=r1"}) } else { serde_json::Value::Null },
        },
        "response": response_json,
    });
    Exchange::from_har(serde_json::from_value(json).expect("entry"))
}

/// 2026-11-23T12:MM:SSZ for `second` seconds past 12:00:00 (under an hour).
fn chrono_free_iso(second: i64) -> String {
    format!("2026-11-23T12:{:02}:{:02}.000Z", second / 60, second % 60)
}

#[test]
fn a_session_that_trips_every_pattern_gives_the_same_findings_indexed() {
    // exp 2026-11-23T12:00:30Z, so the token works at first and fails after.
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1IiwiZXhwIjoxNzk1NDM1MjMwfQ.c2ln";
    let bearer = format!("Bearer {jwt}");
    let api = "https://api.example/v1/me";
    let token_url = "https://id.example/oauth/token";
    let auth = [("Authorization", bearer.as_str())];
    let challenge = [("WWW-Authenticate", "Bearer error=\"invalid_token\"")];
    let mut exchanges = vec![
        entry(
            0,
            "GET",
            api,
            200,
            &auth,
            &[("Set-Cookie", "sid=1; Path=/; Secure")],
            None,
        ),
        entry(
            1,
            "GET",
            "https://api.example/v1/other",
            200,
            &auth,
            &[],
            None,
        ),
        entry(
            5,
            "POST",
            token_url,
            200,
            &[],
            &[("Content-Type", "application/json")],
            Some("{\"access_token\":\"new-token\",\"token_type\":\"Bearer\",\"expires_in\":60}"),
        ),
        entry(
            6,
            "POST",
            token_url,
            400,
            &[],
            &[("Content-Type", "application/json")],
            Some("{\"error\":\"invalid_grant\"}"),
        ),
    ];
    // The expired token retried without backoff: a storm, the expiry boundary, the race.
    for second in [40, 41, 41, 42, 42, 43, 44] {
        exchanges.push(entry(second, "GET", api, 401, &auth, &challenge, None));
    }
    // No credentials just after a login: after_login; cross-origin without credentials.
    exchanges.push(entry(45, "GET", api, 401, &[], &challenge, None));
    exchanges.push(entry(
        46,
        "GET",
        api,
        401,
        &[("Origin", "https://app.example")],
        &[
            ("WWW-Authenticate", "Bearer"),
            ("Access-Control-Allow-Origin", "https://app.example"),
        ],
        None,
    ));
    let mut codes = std::collections::BTreeSet::new();
    for capacity in [1, 3, 8, 500] {
        let (indexed, scanned) = both_ways(&exchanges, capacity);
        assert_eq!(indexed, scanned, "capacity {capacity}");
        if capacity == 500 {
            for findings in &indexed {
                let list: serde_json::Value = serde_json::from_str(findings).expect("json");
                for f in list.as_array().into_iter().flatten() {
                    codes.insert(f["code"].as_str().unwrap_or("").to_owned());
                }
            }
        }
    }
    // The session-wide detectors did fire, so the comparison above compared something.
    for code in [
        "pattern.retry_storm",
        "pattern.expiry_boundary",
        "pattern.refresh_race",
        "cors.credentials_not_included",
    ] {
        assert!(codes.contains(code), "{code} not found in {codes:?}");
    }
}
