//! Writes a realistic HAR of about SIZE megabytes for the HAR benchmarks
//! (tools/bench-har.sh): browser-like headers, JWT bearer tokens, cookies, bodies of mixed
//! size (small JSON to ~200 KB), and about 10% auth failures of several kinds, or
//! FAIL_PERCENT% of them.
//!
//! `cargo run --release --example gen_har -- OUT.har [SIZE_MB] [FAIL_PERCENT]`
//!
//! Without FAIL_PERCENT the file is the one earlier figures were measured on (one entry in
//! ten fails, drawn from the same number as the failure's kind, so only the two 401 kinds
//! with a challenge occur). With it, whether an entry fails is drawn from other bits of
//! the number, so every kind occurs (expired, 403 insufficient_scope, bare Bearer, no
//! challenge) at the rate asked for.

use std::io::{BufWriter, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "har-100mb.har".into());
    let megabytes: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let fail_percent: Option<u64> = args
        .next()
        .and_then(|s| s.parse().ok())
        .map(|p: u64| p.min(100));
    let target = megabytes << 20;
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    write!(
        out,
        r#"{{"log":{{"version":"1.2","creator":{{"name":"authlens gen_har","version":"1"}},"pages":[],"entries":["#
    )?;
    let mut written = 0u64;
    let mut i = 0u64;
    // A small deterministic generator, so that every run writes the same file.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let base = 1_795_435_200i64;
    while written < target {
        let r = next();
        let t = base + (i as i64) / 10;
        let failing = match fail_percent {
            None => r % 10 == 0,
            Some(p) => (r >> 40) % 100 < p,
        };
        let exp = if failing && r % 3 == 0 {
            t - 600
        } else {
            t + 3600
        };
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#),
            URL_SAFE_NO_PAD.encode(json!({"iss":"https://login.example.com","sub":format!("user-{}", r % 1000),"aud":"https://api.example.com","exp":exp,"iat":t-60,"scope":"read write","client_id":"web"}).to_string()),
            URL_SAFE_NO_PAD.encode(format!("signature-{r}-{}", "s".repeat(200)))
        );
        let body_len = match r % 100 {
            0..=59 => 200,
            60..=89 => 4_000,
            90..=98 => 40_000,
            _ => 200_000,
        } as usize;
        let body = json!({"items": "x".repeat(body_len), "page": i}).to_string();
        let (status, challenge) = if failing {
            match r % 4 {
                0 => (401, "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token expired\""),
                1 => (403, "Bearer error=\"insufficient_scope\", scope=\"admin\""),
                2 => (401, "Bearer realm=\"api\""),
                _ => (401, ""),
            }
        } else {
            (200, "")
        };
        let mut response_headers = vec![
            json!({"name":"Content-Type","value":"application/json"}),
            json!({"name":"Date","value":httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t as u64))}),
            json!({"name":"Cache-Control","value":"no-store"}),
            json!({"name":"X-Request-Id","value":format!("{r:x}")}),
        ];
        if !challenge.is_empty() {
            response_headers.push(json!({"name":"WWW-Authenticate","value":challenge}));
        }
        let entry = json!({
            "startedDateTime": format!("2026-11-23T{:02}:{:02}:{:02}.{:03}Z", (t / 3600) % 24, (t / 60) % 60, t % 60, i % 1000),
            "time": 42.5,
            "_resourceType": "fetch",
            "request": {
                "method": if r % 7 == 0 { "POST" } else { "GET" },
                "url": format!("https://api.example.com/v1/items/{}?page={}&fields=id,name", r % 500, i % 50),
                "httpVersion": "HTTP/2",
                "headers": [
                    {"name":":authority","value":"api.example.com"},
                    {"name":"accept","value":"application/json, text/plain, */*"},
                    {"name":"accept-language","value":"en-GB,en;q=0.9"},
                    {"name":"authorization","value":format!("Bearer {token}")},
                    {"name":"cookie","value":format!("session={r:x}; theme=dark; _ga=GA1.2.{r}")},
                    {"name":"user-agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"},
                    {"name":"sec-fetch-mode","value":"cors"},{"name":"sec-fetch-site","value":"same-site"},
                    {"name":"origin","value":"https://app.example.com"},
                    {"name":"referer","value":"https://app.example.com/dashboard"}
                ],
                "queryString": [{"name":"page","value":(i % 50).to_string()}],
                "cookies": [{"name":"session","value":format!("{r:x}")}],
                "headersSize": -1, "bodySize": 0
            },
            "response": {
                "status": status, "statusText": "", "httpVersion": "HTTP/2",
                "headers": response_headers,
                "cookies": [],
                "content": {"size": body.len(), "mimeType": "application/json", "text": body},
                "redirectURL": "", "headersSize": -1, "bodySize": body.len()
            },
            "cache": {}, "timings": {"send": 0.1, "wait": 40.0, "receive": 2.4}
        });
        let text = entry.to_string();
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(text.as_bytes())?;
        written += text.len() as u64 + 1;
        i += 1;
    }
    write!(out, "]}}}}")?;
    out.flush()?;
    eprintln!("wrote {path}: {i} entries, {} MB", written >> 20);
    Ok(())
}
