//! The sanitizer: canaries planted in every place a secret can hide must not survive, the
//! output must still be a HAR with the same entries, and its diagnosis must not change.

use std::fs;
use std::path::Path;

use authlens::report::diagnose_har;
use authlens::sanitize::{sanitize_har, Sanitizer};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Value};

fn sanitize(input: &str, strict: bool) -> String {
    let mut out = Vec::new();
    let mut sanitizer = Sanitizer::with_key([7, 11], strict);
    sanitize_har(input.as_bytes(), &mut out, &mut sanitizer, |_| {}).expect("sanitizes");
    String::from_utf8(out).expect("UTF-8")
}

fn top_findings(har: &str) -> Vec<(usize, &'static str)> {
    diagnose_har(har.as_bytes(), |_| {})
        .expect("diagnoses")
        .entries
        .iter()
        .map(|e| (e.index, e.findings[0].code))
        .collect()
}

fn jwt(claims: Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// A HAR with a unique canary in every place the sanitizer must clean.
fn planted() -> (String, Vec<String>) {
    let c = |n: &str| format!("CANARY{n}x9q7");
    let canaries: Vec<String> = (1..=26).map(|i| c(&i.to_string())).collect();
    let sig = URL_SAFE_NO_PAD.encode(c("1"));
    let basic = STANDARD.encode(format!("alice:{}", c("2")));
    let form_jwt = jwt(json!({"sub": "a"}), &URL_SAFE_NO_PAD.encode(c("26")));
    let body_json = json!({"access_token": c("17"), "refresh_token": c("18"), "id_token": c("19"), "nested": {"client_secret": c("20"), "list": [{"password": c("21")}]}});
    let b64_body = STANDARD.encode(json!({"token": c("22")}).to_string());
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test"}, "pages": [{"id": "p", "title": format!("https://app.example/?code={}", c("23"))}], "entries": [
        {"startedDateTime": "2026-11-23T12:00:00Z",
         "request": {"method": "POST", "url": format!("https://u:{}@api.example/v1?access_token={}&x=1#id_token={}", c("3"), c("4"), c("5")),
            "headers": [
                {"name": "Authorization", "value": format!("Bearer {}", jwt(json!({"sub": "a", "exp": 1}), &sig))},
                {"name": "Proxy-Authorization", "value": format!("Basic {basic}")},
                {"name": "Cookie", "value": format!("sid={}; theme=dark; csrf={}", c("6"), c("7"))},
                {"name": "X-API-Key", "value": c("8")},
                {"name": "X-CSRF-Token", "value": c("9")},
                {"name": "DPoP", "value": jwt(json!({"htm": "POST"}), &URL_SAFE_NO_PAD.encode(c("10")))},
                {"name": "Referer", "value": format!("https://app.example/cb?state={}", c("24"))}],
            "cookies": [{"name": "sid", "value": c("11")}],
            "queryString": [{"name": "access_token", "value": c("4")}, {"name": "code_verifier", "value": c("12")}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("grant_type=refresh_token&refresh_token={}&client_secret={}&assertion={form_jwt}", c("13"), c("14")),
                "params": [{"name": "refresh_token", "value": c("13")}, {"name": "password", "value": c("15")}]}},
         "response": {"status": 401, "redirectURL": format!("https://app.example/#access_token={}", c("25")),
            "headers": [{"name": "WWW-Authenticate", "value": "Bearer error=\"invalid_token\""},
                        {"name": "Set-Cookie", "value": format!("sid={}; Path=/; HttpOnly", c("16"))},
                        {"name": "Location", "value": format!("https://app.example/?code={}", c("23"))}],
            "cookies": [{"name": "sid", "value": c("16")}],
            "content": {"mimeType": "application/json", "text": body_json.to_string()}}},
        {"request": {"method": "GET", "url": "https://api.example/v2", "headers": []},
         "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "encoding": "base64", "text": b64_body}}}
    ]}});
    (har.to_string(), canaries)
}

#[test]
fn no_planted_secret_survives() {
    let (har, canaries) = planted();
    for canary in &canaries {
        assert!(
            har.contains(canary)
                || har.contains(&URL_SAFE_NO_PAD.encode(canary))
                || har.contains(&STANDARD.encode(json!({"token": canary}).to_string()))
                || har.contains(&STANDARD.encode(format!("alice:{canary}"))),
            "test setup: {canary} planted"
        );
    }
    for strict in [false, true] {
        let out = sanitize(&har, strict);
        let parsed: Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(parsed["log"]["entries"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            parsed["log"]["creator"]["name"], "test",
            "other fields are kept"
        );
        for canary in &canaries {
            for form in [
                canary.clone(),
                URL_SAFE_NO_PAD.encode(canary),
                STANDARD.encode(format!("alice:{canary}")),
            ] {
                assert!(!out.contains(&form), "{canary} survived (strict: {strict})");
            }
        }
        let body = parsed["log"]["entries"][1]["response"]["content"]["text"]
            .as_str()
            .unwrap_or("");
        let decoded =
            String::from_utf8(STANDARD.decode(body).unwrap_or_default()).unwrap_or_default();
        assert!(
            decoded.contains("redacted-") && !decoded.contains("CANARY"),
            "{decoded}"
        );
        // Claims are kept by default, dropped when strict.
        assert_eq!(
            out.contains(&URL_SAFE_NO_PAD.encode(json!({"sub": "a", "exp": 1}).to_string())),
            !strict
        );
    }
}

#[test]
fn the_same_secret_gets_the_same_marker() {
    let (har, _) = planted();
    let out = sanitize(&har, false);
    let parsed: Value = serde_json::from_str(&out).expect("JSON");
    let request = &parsed["log"]["entries"][0]["request"];
    let in_url = request["url"].as_str().unwrap_or("");
    let in_query = request["queryString"][0]["value"]
        .as_str()
        .unwrap_or("none");
    assert!(
        in_url.contains(in_query),
        "access_token has one marker in url and queryString"
    );
}

#[test]
fn recorded_lab_hars_keep_their_diagnosis_and_lose_their_secrets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har/lab");
    let canaries = [
        "YXV0aGxlbnMtY2FuYXJ5LXNpZ25hdHVyZS1kby1ub3QtbGVhaw",
        "lab-session-value",
        "lab-canary-password",
        "lab-used-refresh-token",
        "bGFiLXVzZXI6bGFiLWNhbmFyeS1wYXNzd29yZA",
    ];
    let mut checked = 0;
    for path in fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
    {
        if path.extension().is_none_or(|e| e != "har") {
            continue;
        }
        let original = fs::read_to_string(&path).expect("readable");
        let sanitized = sanitize(&original, false);
        for canary in canaries {
            assert!(
                !sanitized.contains(canary),
                "{} leaks {canary}",
                path.display()
            );
        }
        let entries = |text: &str| {
            serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| v["log"]["entries"].as_array().map(Vec::len))
        };
        assert_eq!(
            entries(&sanitized),
            entries(&original),
            "{}",
            path.display()
        );
        assert_eq!(
            top_findings(&sanitized),
            top_findings(&original),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 40);
}

/// An entry over the reader's largest window (1 MB) is written with its long strings cut,
/// the CLI says so, and its secrets are redacted like any other entry's.
#[test]
fn an_entry_over_a_megabyte_is_sanitized_cut_and_reported() {
    let page = "<p>a large page</p>".repeat(150_000); // ~2.8 MB of HTML
    let har = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
    "entries": [
        {"startedDateTime": "2026-11-23T10:00:00.000Z", "time": 1,
         "request": {"method": "GET", "url": "https://app.example/big?access_token=canary-url-token",
            "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": "Cookie", "value": "sid=canary-cookie-value"}],
            "queryString": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": [],
            "content": {"size": page.len(), "mimeType": "text/html", "text": page},
            "redirectURL": "", "headersSize": -1, "bodySize": page.len()},
         "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}},
        {"startedDateTime": "2026-11-23T10:00:01.000Z", "time": 1,
         "request": {"method": "GET", "url": "https://app.example/small",
            "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
            "queryString": [], "headersSize": -1, "bodySize": 0},
         "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": [{"name": "WWW-Authenticate", "value": "Bearer"}],
            "content": {"size": 0, "mimeType": "text/plain", "text": ""},
            "redirectURL": "", "headersSize": -1, "bodySize": 0},
         "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}
    ]}});
    let dir = std::env::temp_dir().join(format!("authlens-big-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("big.har");
    let output = dir.join("big.sanitized.har");
    fs::write(&input, har.to_string()).expect("written");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_authlens"))
        .arg("sanitize")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("runs");
    let message = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{message}");
    assert!(
        message.contains("2 entries") && message.contains("1 entry over 1 MB was written"),
        "{message}"
    );
    let sanitized = fs::read_to_string(&output).expect("output");
    let _ = fs::remove_dir_all(&dir);
    for canary in ["canary-url-token", "canary-cookie-value"] {
        assert!(!sanitized.contains(canary), "{canary} survived");
    }
    let parsed: Value = serde_json::from_str(&sanitized).expect("still JSON");
    let entries = parsed["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let text = entries[0]["response"]["content"]["text"]
        .as_str()
        .expect("text");
    assert_eq!(text.len(), authlens::har::stream::LONG_STRING);
    assert!(page.starts_with(text));
    assert_eq!(entries[1]["response"]["status"], 401);
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{12,24}".prop_map(|s| format!("S3CR3T{s}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random HARs with secrets planted in random secret-bearing places.
    #[test]
    fn random_planted_secrets_never_survive(
        secrets in prop::collection::vec(secret(), 1..8),
        places in prop::collection::vec(0usize..9, 1..8),
        names in prop::collection::vec("[a-z]{1,8}", 1..8),
    ) {
        let mut headers = vec![];
        let mut query = vec![];
        let mut body = serde_json::Map::new();
        let mut cookies = vec![];
        for (i, place) in places.iter().enumerate() {
            let s = &secrets[i % secrets.len()];
            let n = &names[i % names.len()];
            match place {
                0 => headers.push(json!({"name": "Authorization", "value": format!("Bearer {s}")})),
                1 => headers.push(json!({"name": "Cookie", "value": format!("{n}={s}")})),
                2 => headers.push(json!({"name": "Set-Cookie", "value": format!("{n}={s}; Path=/")})),
                3 => headers.push(json!({"name": "X-Auth-Token", "value": s})),
                4 => query.push(format!("access_token={s}")),
                5 => query.push(format!("{n}_token={s}")),
                6 => { body.insert(format!("{n}_password"), json!(s)); }
                7 => cookies.push(json!({"name": n, "value": s})),
                _ => headers.push(json!({"name": "Authorization", "value": format!("Basic {}", STANDARD.encode(format!("{n}:{s}")))})),
            }
        }
        let har = json!({"log": {"entries": [{"request": {"method": "POST", "url": format!("https://a.example/x?{}", query.join("&")), "headers": headers, "cookies": cookies, "postData": {"mimeType": "application/json", "text": Value::Object(body).to_string()}}, "response": {"status": 401, "headers": []}}]}});
        let out = sanitize(&har.to_string(), false);
        for s in &secrets {
            prop_assert!(!out.contains(s.as_str()), "{} survived in {}", s, out);
        }
        prop_assert!(serde_json::from_str::<Value>(&out).is_ok());
    }
}
