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

// ---------------------------------------------------------------------------------------
// The canary corpus (tests/fixtures/sanitize/canaries.json): secret shapes seen in real
// HARs, each a unique value planted by `plant` in the place the corpus names.

#[derive(serde::Deserialize)]
struct Canary {
    id: u32,
    shape: String,
    place: String,
    value: String,
    template: Option<String>,
}

fn corpus() -> Vec<Canary> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sanitize/canaries.json");
    serde_json::from_str(&fs::read_to_string(path).expect("corpus")).expect("corpus JSON")
}

/// `encodeURIComponent`.
fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every form a canary could survive in: plain, percent-encoded (as a URL would carry it,
/// and every byte escaped, upper and lower case), and base64, standard and URL-safe, at
/// each of the three alignments it can have inside a longer encoded text (only the
/// characters that depend on the canary's bytes alone).
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_owned(), percent(secret)];
    let all: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
    out.push(all.to_lowercase());
    out.push(all);
    for engine in [&STANDARD, &base64::engine::general_purpose::URL_SAFE] {
        for pad in 0..3usize {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = engine.encode(&bytes);
            let skip = (pad * 8).div_ceil(6);
            let end = bytes.len() * 8 / 6;
            if let Some(core) = encoded.get(skip..end) {
                out.push(core.to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

const JWT_HEADER: &str = r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#;

/// Expands a template's `jwt:`, `jwt-padded:`, `jwe:` and `pct:` forms around `{}`.
fn expand(template: &str, value: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(JWT_HEADER);
    let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"u1","aud":"api","exp":1795000000}"#);
    template
        .replace(
            "jwt-padded:{}",
            &format!(
                "{}.{}.{value}",
                STANDARD.encode(JWT_HEADER),
                STANDARD.encode(r#"{"email":"a@b.c","exp":1795000000}"#)
            ),
        )
        .replace("jwt:{}", &format!("{header}.{claims}.{value}"))
        .replace(
            "jwe:{}",
            &format!(
                "{}.{value}.{}.{}.{}",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
                "48V1_ALb6US04U3b",
                "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji",
                "XFBoMYUZodetZdvTiFvSkQ"
            ),
        )
        .replace("pct:{}", &percent(value))
        .replace("{}", value)
}

fn entry(request: Value, response: Value) -> Value {
    json!({"startedDateTime": "2026-11-23T12:00:00.000Z", "time": 1,
           "request": request, "response": response, "cache": {}, "timings": {"wait": 1}})
}

fn request(url: &str, headers: Value) -> Value {
    json!({"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "headers": headers,
           "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0})
}

fn response(status: u16, headers: Value, mime: &str, text: &str) -> Value {
    json!({"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers,
           "cookies": [], "content": {"size": text.len(), "mimeType": mime, "text": text},
           "redirectURL": "", "headersSize": -1, "bodySize": -1})
}

fn post(url: &str, mime: &str, text: &str) -> Value {
    json!({"method": "POST", "url": url, "httpVersion": "HTTP/1.1",
           "headers": [{"name": "Content-Type", "value": mime}], "cookies": [], "queryString": [],
           "postData": {"mimeType": mime, "text": text}, "headersSize": -1, "bodySize": text.len()})
}

/// One entry with `canary` planted where the corpus says.
fn plant(c: &Canary) -> Value {
    let v = c.value.as_str();
    let t = c.template.as_deref().unwrap_or("{}");
    let ok = || response(200, json!([]), "text/plain", "");
    let (kind, arg) = c.place.split_once(':').unwrap_or((c.place.as_str(), ""));
    match kind {
        "header" => {
            let value = match t {
                "basic-user" => format!("Basic {}", STANDARD.encode(format!("{v}:"))),
                "basic-user-x" => format!("Basic {}", STANDARD.encode(format!("{v}:X"))),
                "basic-password" => format!("Basic {}", STANDARD.encode(format!("alice:{v}"))),
                "basic-password-anystring" => {
                    format!("Basic {}", STANDARD.encode(format!("anystring:{v}")))
                }
                "basic-password-zendesk" => format!(
                    "Basic {}",
                    STANDARD.encode(format!("agent@example.com/token:{v}"))
                ),
                _ => expand(t, v),
            };
            entry(
                request(
                    "https://api.example/v1/me",
                    json!([{"name": arg, "value": value}]),
                ),
                response(
                    401,
                    json!([{"name": "WWW-Authenticate", "value": "Bearer realm=\"api\""}]),
                    "application/json",
                    "{}",
                ),
            )
        }
        "response-header" => entry(
            request("https://api.example/v1/login", json!([])),
            response(
                302,
                json!([{"name": arg, "value": expand(t, v)}]),
                "text/plain",
                "",
            ),
        ),
        "url" => {
            let url = expand(t, v);
            entry(
                request(&url, json!([{"name": "Accept", "value": "*/*"}])),
                ok(),
            )
        }
        "queryString" => {
            let mut r = request("https://api.example/v1/charges?limit=3", json!([]));
            r["queryString"] = json!([{"name": "limit", "value": "3"}, {"name": arg, "value": v}]);
            entry(r, ok())
        }
        "redirect" => {
            let mut r = response(302, json!([]), "text/plain", "");
            r["redirectURL"] = json!(expand(t, v));
            entry(request("https://idp.example/authorize", json!([])), r)
        }
        "multipart" | "multipart-file" => {
            let (name, extra) = if kind == "multipart" {
                (arg, String::new())
            } else {
                (
                    "file\"; filename=\"credentials",
                    "Content-Type: text/plain\r\n".to_owned(),
                )
            };
            let body = format!(
                "------WebKitFormBoundaryX1y2\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n------WebKitFormBoundaryX1y2\r\nContent-Disposition: form-data; name=\"{name}\"\r\n{extra}\r\n{}\r\n------WebKitFormBoundaryX1y2--\r\n",
                expand(t, v)
            );
            entry(
                post(
                    "https://api.example/upload",
                    "multipart/form-data; boundary=----WebKitFormBoundaryX1y2",
                    &body,
                ),
                ok(),
            )
        }
        "graphql-variables" => {
            let variables: Value = serde_json::from_str(&expand(t, v)).expect("template JSON");
            let body = json!({"operationName": "Login", "query": "mutation Login($input: LoginInput!) { login(input: $input) { ok } }", "variables": variables});
            entry(
                post(
                    "https://api.example/graphql",
                    "application/json",
                    &body.to_string(),
                ),
                ok(),
            )
        }
        "graphql-inline" => {
            let body = format!(r#"{{"query":"{}","variables":{{}}}}"#, expand(t, v));
            entry(
                post("https://api.example/graphql", "application/json", &body),
                ok(),
            )
        }
        "text-plain" => entry(
            post("https://api.example/notes", "text/plain", &expand(t, v)),
            ok(),
        ),
        "form" => {
            let body = format!(
                "grant_type=refresh_token&client_id=web&{arg}={}",
                percent(v)
            );
            entry(
                post(
                    "https://idp.example/oauth/token",
                    "application/x-www-form-urlencoded",
                    &body,
                ),
                ok(),
            )
        }
        "json-key" => {
            let body = json!({"type": "service_account", arg: expand(t, v)});
            entry(
                request("https://api.example/key", json!([])),
                response(200, json!([]), "application/json", &body.to_string()),
            )
        }
        "json-bare-response" => entry(
            request("https://api.example/token", json!([])),
            response(200, json!([]), "application/json", &json!(v).to_string()),
        ),
        "json-bare-request" => entry(
            post(
                "https://api.example/session",
                "application/json",
                &json!(v).to_string(),
            ),
            ok(),
        ),
        "json-nested" => entry(
            request("https://api.example/data", json!([])),
            response(200, json!([]), "application/json", &expand(t, v)),
        ),
        "html" | "html-base64" | "html-base64-saml" => {
            let html = if kind == "html-base64-saml" {
                let xml = expand(t, v);
                format!(
                    r#"<form method="post" action="https://sp.example/acs"><input type="hidden" name="SAMLResponse" value="{}"></form>"#,
                    STANDARD.encode(xml)
                )
            } else {
                expand(t, v)
            };
            let mut r = response(200, json!([]), "text/html; charset=utf-8", &html);
            if kind == "html-base64" {
                r["content"]["text"] = json!(STANDARD.encode(&html));
                r["content"]["encoding"] = json!("base64");
            }
            entry(request("https://idp.example/sso", json!([])), r)
        }
        "websocket" => {
            let mut e = entry(
                request("wss://rt.example/socket", json!([])),
                response(101, json!([]), "", ""),
            );
            e["_resourceType"] = json!("websocket");
            e["_webSocketMessages"] = json!([
                {"type": "send", "time": 1.5, "opcode": 1, "data": expand(t, v)},
                {"type": "receive", "time": 1.6, "opcode": 1, "data": "{\"type\":\"connection_ack\"}"}
            ]);
            e
        }
        "initiator-url" | "initiator-stack" => {
            let mut e = entry(request("https://api.example/v1/items", json!([])), ok());
            e["_initiator"] = if kind == "initiator-url" {
                json!({"type": "script", "url": expand(t, v), "lineNumber": 10})
            } else {
                json!({"type": "script", "stack": {"callFrames": [
                    {"functionName": "load", "scriptId": "12", "url": "https://cdn.example/vendor.js", "lineNumber": 1, "columnNumber": 2}
                ], "parent": {"description": "Promise.then", "callFrames": [
                    {"functionName": "", "scriptId": "13", "url": expand(t, v), "lineNumber": 3, "columnNumber": 4}
                ]}}})
            };
            e
        }
        "response-cookies" => {
            let mut r = ok();
            r["cookies"] = json!([{"name": "sid", "value": v, "path": "/", "httpOnly": true}]);
            entry(request("https://app.example/", json!([])), r)
        }
        "comment" => {
            let mut e = entry(request("https://api.example/v1/me", json!([])), ok());
            e["comment"] = json!(expand(t, v));
            e
        }
        "custom" => {
            let mut e = entry(request("https://api.example/v1/me", json!([])), ok());
            e["_debug"] = json!({"lastAuth": expand(t, v)});
            e
        }
        other => panic!("unknown place {other} for canary {}", c.id),
    }
}

fn corpus_har(canaries: &[Canary]) -> String {
    let entries: Vec<Value> = canaries.iter().map(plant).collect();
    json!({"log": {"version": "1.2", "creator": {"name": "authlens-test", "version": "1"},
                   "entries": entries}})
    .to_string()
}

#[test]
fn no_canary_of_the_corpus_survives_in_any_form() {
    let canaries = corpus();
    assert!(canaries.len() >= 100, "{} canaries", canaries.len());
    let mut values: Vec<&str> = canaries.iter().map(|c| c.value.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    assert_eq!(values.len(), canaries.len(), "every canary is unique");
    let har = corpus_har(&canaries);
    // To measure another sanitizer against the same corpus (docs/security.md).
    if let Ok(path) = std::env::var("AUTHLENS_WRITE_CORPUS") {
        fs::write(path, &har).expect("corpus written");
    }
    for c in &canaries {
        assert!(
            forms(&c.value).iter().any(|f| har.contains(f.as_str())),
            "test setup: canary {} ({}) is planted",
            c.id,
            c.shape
        );
    }
    for strict in [false, true] {
        let out = sanitize(&har, strict);
        let parsed: Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(
            parsed["log"]["entries"].as_array().map(Vec::len),
            Some(canaries.len()),
            "the same entries"
        );
        let survivors: Vec<String> = canaries
            .iter()
            .filter(|c| forms(&c.value).iter().any(|f| out.contains(f.as_str())))
            .map(|c| format!("#{} {} ({})", c.id, c.shape, c.place))
            .collect();
        assert!(
            survivors.is_empty(),
            "{} of {} canaries survived (strict: {strict}):\n{}",
            survivors.len(),
            canaries.len(),
            survivors.join("\n")
        );
    }
}

/// Every HAR fixture: the recorded lab scenarios, Firefox's, and the interop suite's (real
/// servers).
fn fixture_hars() -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "har") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har");
    let mut out = Vec::new();
    for dir in ["lab", "firefox", "interop"] {
        walk(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

/// Usefulness: `diagnose` gives the same top finding for every entry before and after, on
/// every fixture, by default and when strict.
#[test]
fn every_fixture_keeps_its_top_findings() {
    let mut checked = 0;
    let mut failing_entries = 0;
    for path in fixture_hars() {
        let original = fs::read_to_string(&path).expect("readable");
        let before = top_findings(&original);
        for strict in [false, true] {
            let sanitized = sanitize(&original, strict);
            let after = top_findings(&sanitized);
            // Strict drops the claims, and findings read from them with them: only the
            // default mode promises the same findings.
            if !strict {
                assert_eq!(after, before, "{}", path.display());
            } else {
                assert_eq!(after.len(), before.len(), "{} (strict)", path.display());
            }
        }
        failing_entries += before.len();
        checked += 1;
    }
    // 48 lab recordings, 1 Firefox recording and 70 interop recordings.
    assert!(checked >= 110, "{checked} fixtures");
    assert!(
        failing_entries >= 40,
        "{failing_entries} diagnosed entries compared"
    );
    eprintln!(
        "usefulness: {checked} fixtures, {failing_entries} diagnosed entries, same top findings"
    );
}

/// Usefulness: what is not secret survives, byte for byte.
#[test]
fn non_secret_values_survive() {
    let asset = "https://cdn.example/_next/static/chunks/pages/_app-3f9a8b2c4d5e6f7a.js";
    let hashed = "https://cdn.example/static/css/main.5d41402abc4b2a76b9719d911017c592.css";
    let challenge = r#"Bearer realm="orders-api", error="insufficient_scope", error_description="The request requires higher privileges", scope="orders:read orders:write""#;
    let problem = r#"{"type":"https://example.com/probs/expired","title":"Token expired","status":401,"detail":"The access token expired at 12:00","instance":"/orders/42"}"#;
    let kept_headers = [
        ("Content-Type", "application/problem+json"),
        ("Date", "Mon, 23 Nov 2026 12:00:00 GMT"),
        ("Cache-Control", "no-store"),
        ("Vary", "Origin, Accept-Encoding"),
        ("Server", "nginx/1.25.3"),
        ("Content-Length", "161"),
        ("WWW-Authenticate", challenge),
        ("Access-Control-Allow-Origin", "https://app.example"),
        ("Access-Control-Expose-Headers", "WWW-Authenticate"),
        ("X-Request-Id", "550e8400-e29b-41d4-a716-446655440000"),
        ("Location", "https://app.example/login?next=%2Forders"),
    ];
    let headers: Vec<Value> = kept_headers
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let har = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
        entry(request(asset, json!([{"name": "User-Agent", "value": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}, {"name": "Accept", "value": "*/*"}, {"name": "Sec-Fetch-Mode", "value": "no-cors"}])), response(200, json!([]), "text/javascript", "console.log('hi')")),
        entry(request(hashed, json!([])), response(200, json!([]), "text/css", "body{margin:0}")),
        entry(request("https://api.example/orders/42?include=items&page=2", json!([])), response(401, Value::Array(headers), "application/problem+json", problem)),
    ]}}).to_string();
    let out = sanitize(&har, false);
    let parsed: Value = serde_json::from_str(&out).expect("JSON");
    let entries = &parsed["log"]["entries"];
    assert_eq!(entries[0]["request"]["url"], asset);
    assert_eq!(entries[1]["request"]["url"], hashed);
    assert_eq!(
        entries[2]["request"]["url"],
        "https://api.example/orders/42?include=items&page=2"
    );
    assert_eq!(entries[2]["response"]["status"], 401);
    assert_eq!(entries[2]["response"]["content"]["text"], problem);
    assert_eq!(entries[0]["startedDateTime"], "2026-11-23T12:00:00.000Z");
    for (i, (name, value)) in kept_headers.iter().enumerate() {
        assert_eq!(
            entries[2]["response"]["headers"][i]["value"], *value,
            "{name} is kept"
        );
    }
    assert!(out.contains("Chrome/131.0.0.0 Safari/537.36") && out.contains("no-cors"));
    assert!(
        !out.contains("redacted-"),
        "nothing here is a secret: {out}"
    );
}

/// Idempotent: sanitizing the output again, with another key, changes nothing, byte for
/// byte (a marker is never replaced, a body that needs no change is kept as written).
#[test]
fn sanitizing_twice_changes_nothing() {
    let mut inputs: Vec<(String, String)> = fixture_hars()
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                fs::read_to_string(&p).expect("readable"),
            )
        })
        .collect();
    inputs.push(("canary corpus".into(), corpus_har(&corpus())));
    inputs.push(("planted".into(), planted().0));
    for (name, input) in inputs {
        for strict in [false, true] {
            let once = sanitize(&input, strict);
            let mut out = Vec::new();
            let mut other_key = Sanitizer::with_key([99, 98], strict);
            sanitize_har(once.as_bytes(), &mut out, &mut other_key, |_| {}).expect("sanitizes");
            let twice = String::from_utf8(out).expect("UTF-8");
            let at = once
                .bytes()
                .zip(twice.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(once.len().min(twice.len()));
            let context = |s: &str| {
                s.get(at.saturating_sub(150)..(at + 80).min(s.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            assert!(
                twice == once,
                "{name} (strict: {strict}) changed on a second pass at byte {at}:\n{}\n{}",
                context(&once),
                context(&twice)
            );
            assert_eq!(other_key.redacted, 0, "{name}: nothing more to redact");
        }
    }
}

/// One field nested past serde_json's limit (Chrome async stacks, a hostile HAR) is cut
/// with a note and counted; the file, its other entries and its secrets are handled.
#[test]
fn a_field_nested_too_deep_is_cut_not_fatal() {
    let mut deep = json!("bottom");
    for _ in 0..300 {
        deep = json!({"parent": deep});
    }
    let har = json!({"log": {"entries": [
        {"request": {"method": "GET", "url": "https://a.example/x?access_token=CANARYdeep123", "headers": []},
         "response": {"status": 401, "headers": [{"name": "WWW-Authenticate", "value": "Bearer"}]},
         "_initiator": {"type": "script", "stack": deep}},
        {"request": {"method": "GET", "url": "https://a.example/y", "headers": [{"name": "Authorization", "value": "Bearer CANARYnext456token"}]},
         "response": {"status": 401, "headers": [{"name": "WWW-Authenticate", "value": "Bearer error=\"invalid_token\""}]}}
    ]}});
    // serde_json's to_string has no depth limit; the reader does.
    let text = har.to_string();
    let mut out = Vec::new();
    let mut s = Sanitizer::with_key([1, 2], false);
    let n = sanitize_har(text.as_bytes(), &mut out, &mut s, |_| {}).expect("not fatal");
    assert_eq!(n, 2);
    assert_eq!(s.cut_deep, 1);
    let out = String::from_utf8(out).expect("UTF-8");
    assert!(out.contains(authlens::sanitize::DEEP_NOTE));
    assert!(!out.contains("CANARYdeep123") && !out.contains("CANARYnext456token"));
    assert_eq!(
        top_findings(&out).len(),
        2,
        "both entries are still diagnosed"
    );
}

/// An entry whose structure is larger than the reader's limit (16 MB once long strings
/// are cut) is written as a note; the file, and the entries after it, are sanitized.
#[test]
fn an_entry_too_large_to_read_is_a_note_not_a_failure() {
    let header = json!({"name": "X-Filler", "value": "v"}).to_string();
    let mut headers = String::from("[");
    while headers.len() < 17 << 20 {
        headers.push_str(&header);
        headers.push(',');
    }
    headers.push_str(&header);
    headers.push(']');
    let har = format!(
        r#"{{"log":{{"entries":[{{"request":{{"method":"GET","url":"https://a.example/big","headers":{headers}}},"response":{{"status":200}}}},{{"request":{{"method":"GET","url":"https://a.example/x?access_token=CANARYafter789","headers":[]}},"response":{{"status":401,"headers":[{{"name":"WWW-Authenticate","value":"Bearer"}}]}}}}]}}}}"#
    );
    let mut out = Vec::new();
    let mut s = Sanitizer::with_key([1, 2], false);
    let n = sanitize_har(har.as_bytes(), &mut out, &mut s, |_| {}).expect("not fatal");
    assert_eq!((n, s.skipped), (2, 1));
    let parsed: Value = serde_json::from_slice(&out).expect("JSON");
    let note = parsed["log"]["entries"][0]["comment"]
        .as_str()
        .unwrap_or("");
    assert!(note.contains("larger than 16 MB"), "{note}");
    assert_eq!(parsed["log"]["entries"][1]["response"]["status"], 401);
    assert!(!String::from_utf8_lossy(&out).contains("CANARYafter789"));
}

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,80}",
        "(eyJ[A-Za-z0-9_-]{2,20}\\.){1,5}[A-Za-z0-9_=.-]{0,30}",
        "(https?://[a-z.@:]{1,12}/[A-Za-z0-9/#?&=%;!._-]{0,60} ?){1,3}",
        "[A-Za-z0-9+/=%_.~:;,&#?<>\"' -]{0,120}",
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Hostile strings anywhere: no panic, a HAR with the same entries, and a second
    /// pass that changes nothing.
    #[test]
    fn hostile_strings_are_stable_and_never_panic(
        values in prop::collection::vec(hostile(), 8),
        header in prop::sample::select(vec!["Authorization", "WWW-Authenticate", "Set-Cookie", "Cookie", "Location", "Content-Type", "X-Custom", "Link", "DPoP"]),
        mime in prop::sample::select(vec!["application/json", "text/html", "multipart/form-data; boundary=b", "application/x-www-form-urlencoded", "text/plain", ""]),
        base64 in any::<bool>(),
    ) {
        let body = if base64 { STANDARD.encode(&values[3]) } else { values[3].clone() };
        let mut e = entry(
            json!({"method": "POST", "url": values[0], "headers": [{"name": header, "value": values[1]}, {"name": values[7], "value": values[2]}],
                   "postData": {"mimeType": mime, "text": values[4]}, "queryString": [{"name": values[5], "value": values[6]}]}),
            json!({"status": 401, "headers": [{"name": header, "value": values[2]}],
                   "content": {"mimeType": mime, "text": body, "encoding": if base64 { "base64" } else { "" }}}),
        );
        e["_webSocketMessages"] = json!([{"type": "send", "data": values[5]}]);
        e["_initiator"] = json!({"type": "script", "url": values[6], "stack": {"callFrames": [{"url": values[7]}]}});
        let har = json!({"log": {"entries": [e]}}).to_string();
        let once = sanitize(&har, false);
        let parsed: Value = serde_json::from_str(&once).expect("JSON");
        prop_assert_eq!(parsed["log"]["entries"].as_array().map(Vec::len), Some(1));
        let mut out = Vec::new();
        let mut again = Sanitizer::with_key([5, 6], false);
        sanitize_har(once.as_bytes(), &mut out, &mut again, |_| {}).expect("sanitizes");
        prop_assert_eq!(String::from_utf8(out).expect("UTF-8"), once);
    }
}
