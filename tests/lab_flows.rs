//! The lab's authorization server (`authlens lab`, `/as/`) spoken to over plain HTTP, the
//! way the lab page's client does: every `flow-*` scenario's steps are sent, redirects are
//! followed hop by hop (each hop is its own exchange, as in a browser's HAR), bodies are
//! kept (as the CLI reads a HAR exported with content), and the whole stream goes through
//! one `Session`. Each scenario's expected top finding must rank first on one of its
//! exchanges; the healthy flow must raise nothing.

use std::process::{Command, Stdio};

use authlens::diagnose::Session;
use authlens::exchange::{Exchange, Header};
use serde_json::Value;

mod support;
use support::{send, start_lab};

/// Runs a scenario's steps like lab.js: placeholders filled, redirects followed.
fn run(addr: &str, steps: &[Value]) -> Vec<Exchange> {
    let origin = format!("http://{addr}");
    let mut code = String::new();
    let mut out = Vec::new();
    for step in steps {
        let fill = |s: &str| s.replace("{origin}", &origin).replace("{code}", &code);
        let headers: Vec<(String, String)> = step["headers"]
            .as_array()
            .map(|h| {
                h.iter()
                    .map(|p| {
                        (
                            p[0].as_str().unwrap_or("").to_owned(),
                            p[1].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let method = step["method"].as_str().unwrap_or("GET");
        let body = step["body"].as_str().map(&fill);
        let mut ex = send(
            addr,
            method,
            &fill(step["path"].as_str().unwrap_or("/")),
            &headers,
            body.as_deref(),
        );
        for _ in 0..5 {
            let Some(location) = ex.response_header("Location").map(str::to_owned) else {
                break;
            };
            ex.redirect_url = Some(location.clone());
            out.push(ex);
            let path = location.strip_prefix(&origin).unwrap_or(&location);
            // The browser never sends the fragment.
            let path = path.split('#').next().unwrap_or("/").to_owned();
            if let Some((_, query)) = path.split_once('?') {
                if let Some(c) = authlens::flow::form_pairs(query)
                    .into_iter()
                    .find(|(n, _)| n == "code")
                {
                    code = c.1;
                }
            }
            ex = send(addr, "GET", &path, &[], None);
        }
        out.push(ex);
    }
    out
}

#[test]
fn every_flow_scenario_gets_its_diagnosis_from_the_lab_authorization_server() {
    let lab = start_lab();
    let catalogue: Value = serde_json::from_str(
        send(&lab.1, "GET", "/scenarios.json", &[], None)
            .response_body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for scenario in catalogue["scenarios"].as_array().unwrap() {
        let id = scenario["id"].as_str().unwrap();
        if !id.starts_with("flow-") {
            continue;
        }
        checked += 1;
        let mut session = Session::default();
        let per_entry: Vec<Vec<&'static str>> = run(&lab.1, scenario["steps"].as_array().unwrap())
            .iter()
            .map(|ex| session.diagnose(ex).iter().map(|f| f.code).collect())
            .collect();
        eprintln!("{id}: {per_entry:?}");
        match scenario["expect"][0].as_str() {
            None if per_entry.iter().any(|c| !c.is_empty()) => {
                failures.push(format!("{id}: expected nothing, got {per_entry:?}"))
            }
            None => {}
            Some(top) if !per_entry.iter().any(|c| c.first() == Some(&top)) => {
                failures.push(format!("{id}: expected {top} first, got {per_entry:?}"))
            }
            Some(_) => {}
        }
        // Every flow step is in one flow of the session, and the break is marked there.
        if scenario["expect"][0]
            .as_str()
            .is_some_and(|c| c.starts_with("oauth.") || c.starts_with("oidc."))
            && id != "flow-implicit"
            && id != "flow-issuer-mismatch"
        {
            let broken = session.flows().flows().any(|f| f.broken.is_some());
            if !broken {
                failures.push(format!("{id}: no flow marked broken"));
            }
        }
    }
    assert!(checked >= 15, "{checked} flow scenarios");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A HAR (1.2) of these exchanges, as a browser exports it with content.
fn har(exchanges: &[Exchange]) -> String {
    let headers = |h: &[Header]| {
        h.iter()
            .map(|h| serde_json::json!({"name": h.name, "value": h.value}))
            .collect::<Vec<_>>()
    };
    let entries: Vec<Value> = exchanges
        .iter()
        .map(|ex| {
            let mut request = serde_json::json!({"method": ex.method, "url": ex.url, "httpVersion": "HTTP/1.1", "headers": headers(&ex.request_headers), "cookies": [], "queryString": [], "headersSize": -1, "bodySize": -1});
            if let Some(body) = &ex.request_body {
                request["postData"] = serde_json::json!({"mimeType": "application/x-www-form-urlencoded", "text": body});
            }
            serde_json::json!({
                "startedDateTime": "2026-11-23T12:00:00.000Z", "time": 1, "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
                "request": request,
                "response": {"status": ex.status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": headers(&ex.response_headers), "cookies": [],
                    "content": {"size": 0, "mimeType": ex.response_header("Content-Type").unwrap_or("text/plain"), "text": ex.response_body.clone().unwrap_or_default()},
                    "redirectURL": ex.redirect_url.clone().unwrap_or_default(), "headersSize": -1, "bodySize": -1},
            })
        })
        .collect();
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "lab_flows", "version": "1"}, "entries": entries}}).to_string()
}

#[test]
fn diagnose_groups_by_flow_and_sanitize_redacts_the_flow_secrets() {
    let lab = start_lab();
    let catalogue: Value = serde_json::from_str(
        send(&lab.1, "GET", "/scenarios.json", &[], None)
            .response_body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    let steps = |id: &str| {
        catalogue["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["steps"]
            .as_array()
            .unwrap()
            .clone()
    };
    // A reused code, then a PKCE failure: two flows in one HAR.
    let mut exchanges = run(&lab.1, &steps("flow-code-reused"));
    exchanges.extend(run(&lab.1, &steps("flow-pkce-failed")));
    let codes: Vec<String> = exchanges
        .iter()
        .filter_map(|ex| ex.redirect_url.as_deref())
        .filter_map(|l| {
            l.split_once("code=")
                .map(|(_, c)| c.split('&').next().unwrap_or("").to_owned())
        })
        .collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    let dir = std::env::temp_dir().join(format!("authlens-flows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flows.har");
    std::fs::write(&path, har(&exchanges)).unwrap();
    let cli = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_authlens"))
            .args(args)
            .output()
            .expect("runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let file = path.to_str().unwrap();
    let markdown = cli(&["diagnose", "--format", "md", file]);
    assert!(markdown.contains("## Sign-in flows"), "{markdown}");
    assert!(
        markdown.contains("### Flow 1: lab-app (authorization_code)"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "**broke here: `oauth.invalid_grant`** The same authorization code was used twice"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("**broke here: `oauth.pkce_failed`**"),
        "{markdown}"
    );
    let json: Value = serde_json::from_str(&cli(&["diagnose", "--json", file])).unwrap();
    assert_eq!(json["summary"]["flows"].as_array().map(Vec::len), Some(2));
    let text = cli(&["diagnose", file]);
    assert!(text.contains("[flow 2] #"), "{text}");
    // Canaries: the client secret, the verifier and the codes appear in no output.
    let sanitized = cli(&["sanitize", file]);
    assert!(sanitized.contains("\"entries\""));
    for out in [&markdown, &text, &sanitized, &json.to_string()] {
        for secret in [
            "lab-app-client-secret",
            "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "lab-another-verifier-that-does-not-match-it",
            &codes[0],
            &codes[1],
        ] {
            assert!(
                !out.contains(secret),
                "{secret} leaked: {}",
                &out[..out.len().min(400)]
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sanitized_har_still_shows_the_code_used_twice() {
    let lab = start_lab();
    let catalogue: Value = serde_json::from_str(
        send(&lab.1, "GET", "/scenarios.json", &[], None)
            .response_body
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    let steps = catalogue["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "flow-code-reused")
        .unwrap()["steps"]
        .as_array()
        .unwrap()
        .clone();
    let exchanges = run(&lab.1, &steps);
    let dir = std::env::temp_dir().join(format!("authlens-flows-s-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (raw, clean) = (dir.join("raw.har"), dir.join("clean.har"));
    std::fs::write(&raw, har(&exchanges)).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args([
            "sanitize",
            raw.to_str().unwrap(),
            "-o",
            clean.to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .status()
        .expect("runs");
    assert!(status.success());
    let output = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["diagnose", "--json", clean.to_str().unwrap()])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    // Correlation markers keep "the same code" the same: the reuse is still seen.
    let titles: Vec<&str> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["findings"][0]["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"The same authorization code was used twice"),
        "{titles:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
