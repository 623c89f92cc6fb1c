//! Issue #11, item 5: no time value, however extreme, stops a diagnosis. A token whose
//! `exp` lies after the year 9999 used to panic in date formatting (httpdate), which in
//! the Wasm build (`panic = "abort"`) kills the panel; an extreme `exp` with an entry
//! dated in the year 0 overflowed the clock-skew arithmetic under debug assertions
//! (which `cargo test` has on, so an overflow here fails the test).
//!
//! Each case goes through `Session::diagnose` (what the panel and `diagnoseHar` call)
//! and, as a HAR, through `authlens diagnose --json`.

use std::process::Command;

use authlens::diagnose::Session;
use authlens::exchange::{Exchange, Header};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

/// An unsigned-content JWT with these claims (the signature is a placeholder).
fn jwt(claims: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

/// Claims written as JSON text, so that numbers serde_json would never write (1e300,
/// u64::MAX, -0) reach the parser as a server could send them.
const CLAIMS: &[&str] = &[
    // The fuzz find: exp in milliseconds, after the year 9999 once normalised.
    r#"{"exp":1000000000000000,"sub":"a"}"#,
    r#"{"exp":253402300800000}"#,
    r#"{"exp":253402300800}"#,
    r#"{"exp":253402300799}"#,
    r#"{"exp":9223372036854775807,"nbf":-9223372036854775808,"iat":0}"#,
    r#"{"exp":18446744073709551615}"#,
    r#"{"exp":1e300,"nbf":-1e300,"iat":1e300}"#,
    r#"{"exp":-1e300,"nbf":1e300,"iat":-1e300}"#,
    r#"{"exp":1.7976931348623157e308,"iat":-1.7976931348623157e308}"#,
    r#"{"exp":-0,"nbf":-0.0,"iat":5e-324}"#,
    r#"{"exp":99999999999,"nbf":100000000000,"iat":-99999999999}"#,
    r#"{"exp":"NaN","nbf":"inf","iat":"-infinity"}"#,
    r#"{"exp":"1e300","nbf":"-1e300"}"#,
    r#"{"exp":-62167219201,"nbf":-62167219200}"#,
];

/// `startedDateTime`s: the ends of what RFC 3339's four-digit year holds, and garbage.
const STARTED: &[&str] = &[
    "0000-01-01T00:00:00Z",
    "0000-01-01T00:00:00.000+99:59",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:60-99:59",
    "1970-01-01T00:00:00Z",
    "garbage",
    "",
];

/// `Date` and `Age` response headers at their extremes.
const DATES: &[(&str, &str)] = &[
    ("Fri, 31 Dec 9999 23:59:59 GMT", "18446744073709551615"),
    (
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "99999999999999999999999999",
    ),
    ("Sun, 06 Nov 1994 08:49:37 GMT", "0"),
    ("not a date", "-1"),
];

fn header(name: &str, value: &str) -> Header {
    Header {
        name: name.into(),
        value: value.into(),
    }
}

fn har_entry(claims: &str, started: &str, date: &str, age: &str) -> Value {
    json!({
        "startedDateTime": started,
        "request": {
            "method": "GET",
            "url": "https://api.example.com/v1/me",
            "headers": [{"name": "Authorization", "value": format!("Bearer {}", jwt(claims))}]
        },
        "response": {
            "status": 401,
            "headers": [
                {"name": "WWW-Authenticate", "value": "Bearer realm=\"api\", error=\"invalid_token\""},
                {"name": "Date", "value": date},
                {"name": "Age", "value": age}
            ]
        }
    })
}

fn every_case() -> Vec<Value> {
    let mut entries = Vec::new();
    for claims in CLAIMS {
        for started in STARTED {
            for (date, age) in DATES {
                entries.push(har_entry(claims, started, date, age));
            }
        }
    }
    entries
}

#[test]
fn session_diagnose_completes_with_findings_at_every_extreme() {
    let mut session = Session::default();
    for entry in every_case() {
        let entry = serde_json::from_value(entry.clone()).expect("a HAR entry");
        let exchange = Exchange::from_har(entry);
        let findings = session.diagnose(&exchange);
        assert!(
            !findings.is_empty(),
            "a 401 with a refused token explains itself: {:?}",
            exchange.request_headers
        );
        // Every time the findings print is text, not a panic; none is empty.
        for f in &findings {
            assert!(!f.title.is_empty() && !f.detail.is_empty(), "{}", f.code);
        }
    }
}

/// The fuzz find itself, by name: `token.exp_in_millis` formats an `exp` in the year
/// 33658, as an expanded ISO year.
#[test]
fn an_exp_after_the_year_9999_is_shown_not_panicked_on() {
    let mut exchange = Exchange {
        method: "GET".into(),
        url: "https://api.example.com/v1/me".into(),
        status: 401,
        request_headers: vec![header(
            "Authorization",
            &format!("Bearer {}", jwt(CLAIMS[0])),
        )],
        response_headers: vec![header("WWW-Authenticate", "Bearer realm=\"api\"")],
        started_ms: Some(0),
        ..Exchange::default()
    };
    let findings = Session::default().diagnose(&exchange);
    let millis = findings
        .iter()
        .find(|f| f.code == "token.exp_in_millis")
        .expect("exp in milliseconds is found");
    assert!(
        millis.evidence.iter().any(|e| e.fact.contains("+33658-")),
        "{:?}",
        millis.evidence
    );
    // A client clock in the year 0 and a server clock in 9999, with exp at i64::MAX:
    // the clock-skew arithmetic saturates instead of overflowing.
    exchange.request_headers = vec![header(
        "Authorization",
        &format!("Bearer {}", jwt(CLAIMS[4])),
    )];
    exchange.started_ms = Some(authlens::date::YEAR_0 * 1000);
    exchange
        .response_headers
        .push(header("Date", "Fri, 31 Dec 9999 23:59:59 GMT"));
    let findings = Session::default().diagnose(&exchange);
    let skew = findings
        .iter()
        .find(|f| f.code == "clock.skew")
        .expect("ten thousand years of skew is found");
    assert!(skew.detail.contains("0000"), "{}", skew.detail);
    // Extreme webRequest-style start times too: i64's ends.
    for started in [i64::MIN, i64::MAX, -1, 0] {
        exchange.started_ms = Some(started);
        assert!(!Session::default().diagnose(&exchange).is_empty());
    }
}

#[test]
fn the_cli_diagnoses_a_har_of_extreme_times() {
    let entries = every_case();
    let count = entries.len();
    let har = json!({"log": {"version": "1.2", "entries": entries}});
    let path =
        std::env::temp_dir().join(format!("authlens-time-extremes-{}.har", std::process::id()));
    std::fs::write(&path, har.to_string()).expect("write the HAR");
    let output = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["diagnose", "--json"])
        .arg(&path)
        .output()
        .expect("authlens runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    let diagnosed = report["entries"].as_array().map_or(0, Vec::len);
    assert_eq!(diagnosed, count, "every entry has findings");
    assert!(report["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| e["findings"].as_array().is_some_and(|f| !f.is_empty())));
}
