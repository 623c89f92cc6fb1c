//! `diagnose` over arbitrary exchanges, as one session (the cookie jar, the sign-in flows
//! and the patterns that span requests), with the headers the engine reads drawn from a
//! list so that the fuzzer reaches them, and a JWT whose claims are fuzzed (numbers at
//! every extreme, wrong types) on a 401 with a fuzzed `Date`, `Age` and start time.
#![no_main]
use arbitrary::{Arbitrary, Result, Unstructured};
use authlens::annotate::annotate_in;
use authlens::diagnose::{self, Session};
use authlens::exchange::{Exchange, Header};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const REQUEST_HEADERS: &[&str] = &[
    "Authorization", "Proxy-Authorization", "Cookie", "DPoP", "Origin", "Referer",
    "Access-Control-Request-Method", "Access-Control-Request-Headers", "Content-Type",
    "X-Requested-With", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Host",
];
const RESPONSE_HEADERS: &[&str] = &[
    "WWW-Authenticate", "Proxy-Authenticate", "Set-Cookie", "Date", "Age", "DPoP-Nonce",
    "Location", "Content-Type", "Retry-After", "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Vary",
    "Authentication-Info", "X-Error", "Server",
];
const URLS: &[&str] = &[
    "https://api.example/v1/me", "https://login.example/oauth2/token",
    "https://app.example/callback?code=abc&state=xyz", "http://localhost:8080/api",
    "https://graph.microsoft.com/v1.0/me", "https://a.example/authorize?client_id=c&state=s",
    "http://[::1]:99999/x", "", "a", "https:///", "https://a.example:0/",
    // Sign-in flow shapes (issue #16): a fragment callback, discovery, revocation, PAR.
    "https://app.example/callback#access_token=t&state=xyz&id_token=a.b.c",
    "https://a.example/.well-known/openid-configuration", "https://a.example/token/revocation",
    "https://a.example/authorize?client_id=c&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Ax",
];
const STATUSES: &[u16] = &[401, 403, 407, 400, 422, 419, 440, 498, 499, 200, 302, 0];
const CLAIMS: &[&str] = &[
    "exp", "nbf", "iat", "aud", "iss", "sub", "scope", "scp", "azp", "client_id", "typ",
    "token_use", "cnf", "nonce", "acr", "amr", "auth_time", "jti", "roles", "tid", "ver",
];

/// A number the time arithmetic must survive: the edges of i64 and f64 and the millis
/// threshold, or any f64 the fuzzer picks.
fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => json!(*u.choose(&[
            i64::MIN, i64::MAX, 0, -1, 253_402_300_800, 100_000_000_000, 1_800_000_000_000,
            -62_135_596_801, 4_102_444_800,
        ])?),
        1 => json!(*u.choose(&[1e300, -1e300, 1e15, 1.5e11, 9.2e18, -9.3e18, 0.5, f64::MIN_POSITIVE])?),
        2 => json!(f64::arbitrary(u)?), // NaN and infinities become null in serde_json
        3 => json!(u64::arbitrary(u)?),
        4 => json!(i64::arbitrary(u)?),
        _ => json!(String::arbitrary(u)?),
    })
}

fn claim_value(u: &mut Unstructured<'_>, depth: u8) -> Result<Value> {
    Ok(match u.int_in_range(0..=4)? {
        0 | 1 => number(u)?,
        2 => Value::String(String::arbitrary(u)?),
        3 if depth < 3 => {
            let n = u.int_in_range(0..=3)?;
            Value::Array((0..n).map(|_| claim_value(u, depth + 1)).collect::<Result<_>>()?)
        }
        _ => json!({ "jkt": String::arbitrary(u)? }),
    })
}

fn jwt(u: &mut Unstructured<'_>) -> Result<String> {
    let mut header = json!({ "alg": *u.choose(&["RS256", "none", "HS256", "ES256", "dir"])? });
    if bool::arbitrary(u)? {
        header["typ"] = json!(*u.choose(&["JWT", "at+jwt", "dpop+jwt", "JWE"])?);
    }
    let mut claims = serde_json::Map::new();
    for _ in 0..u.int_in_range(0..=8)? {
        claims.insert((*u.choose(CLAIMS)?).to_owned(), claim_value(u, 0)?);
    }
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    let payload = URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string());
    Ok(match u.int_in_range(0..=3)? {
        0 => format!("{header}.{payload}."),
        1 => format!("{header}.{payload}.c2ln.x.y"), // five segments: a JWE
        _ => format!("{header}.{payload}.c2lnbmF0dXJl"),
    })
}

fn request_value(u: &mut Unstructured<'_>, name: &str) -> Result<String> {
    if name == "Authorization" || name == "DPoP" {
        return Ok(match u.int_in_range(0..=4)? {
            0 => format!("Bearer {}", jwt(u)?),
            1 => format!("DPoP {}", jwt(u)?),
            2 => format!("Basic {}", STANDARD.encode(String::arbitrary(u)?)),
            3 => jwt(u)?,
            _ => String::arbitrary(u)?,
        });
    }
    String::arbitrary(u)
}

fn response_value(u: &mut Unstructured<'_>, name: &str) -> Result<String> {
    Ok(match (name, u.int_in_range(0..=2)?) {
        ("Date", 0) => authlens::date::fmt_http_date(i64::arbitrary(u)?),
        ("Date", 1) => (*u.choose(&[
            "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
        ])?)
        .to_owned(),
        ("Age", 0) => u64::arbitrary(u)?.to_string(),
        ("Age", 1) => "18446744073709551616".to_owned(),
        ("WWW-Authenticate" | "Proxy-Authenticate", 0) => (*u.choose(&[
            r#"Bearer realm="api", error="invalid_token", error_description="expired""#,
            r#"Bearer error="insufficient_scope", scope="a b", resource_metadata="https://r/.well-known/oauth-protected-resource""#,
            r#"Digest realm="r", nonce="n", stale=true, algorithm=SHA-256, qop="auth""#,
            r#"DPoP algs="ES256", error="use_dpop_nonce""#,
            r#"Bearer error="insufficient_user_authentication", acr_values="mfa", max_age=0"#,
            r#"Bearer error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#,
            "Negotiate", "NTLM TlRMTVNTUAACAAAA", r#"Basic realm="x", charset="UTF-8""#,
        ])?)
        .to_owned(),
        ("Set-Cookie", 0) => format!(
            "sid={}; Path=/; Max-Age={}; SameSite=None; Secure",
            String::arbitrary(u)?,
            i64::arbitrary(u)?
        ),
        _ => String::arbitrary(u)?,
    })
}

fn headers(u: &mut Unstructured<'_>, names: &[&str], request: bool) -> Result<Vec<Header>> {
    let n = u.int_in_range(0..=6)?;
    (0..n)
        .map(|_| {
            let name = if u.ratio(1, 8)? {
                String::arbitrary(u)?
            } else {
                (*u.choose(names)?).to_owned()
            };
            let value = if request {
                request_value(u, &name)?
            } else {
                response_value(u, &name)?
            };
            Ok(Header { name, value })
        })
        .collect()
}

fn exchange(u: &mut Unstructured<'_>) -> Result<Exchange> {
    Ok(Exchange {
        method: (*u.choose(&["GET", "POST", "OPTIONS", "PUT", "get", ""])?).to_owned(),
        url: if u.ratio(1, 6)? {
            String::arbitrary(u)?
        } else {
            format!("{}{}", u.choose(URLS)?, String::arbitrary(u)?)
        },
        status: if u.ratio(1, 8)? { u16::arbitrary(u)? } else { *u.choose(STATUSES)? },
        request_headers: headers(u, REQUEST_HEADERS, true)?,
        response_headers: headers(u, RESPONSE_HEADERS, false)?,
        started_ms: Option::<i64>::arbitrary(u)?,
        request_body: Option::<String>::arbitrary(u)?,
        response_body: if u.ratio(1, 3)? {
            Some(
                json!({"error": *u.choose(&["invalid_grant", "invalid_client", "invalid_token", "expired"])?,
                       "error_description": String::arbitrary(u)?, "message": String::arbitrary(u)?})
                .to_string(),
            )
        } else {
            Option::<String>::arbitrary(u)?
        },
        redirect_url: Option::<String>::arbitrary(u)?,
        resource_type: if bool::arbitrary(u)? {
            Some((*u.choose(&["document", "fetch", "xhr", "preflight", "main_frame"])?).to_owned())
        } else {
            None
        },
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(capacity) = u.int_in_range(0..=4usize) else { return };
    let mut session = Session::new(capacity);
    // The tolerance as callers can set it: the Wasm boundary takes a u32.
    if let Ok(skew) = u32::arbitrary(&mut u) {
        session.tolerance.clock_skew_seconds = i64::from(skew);
    }
    for _ in 0..4 {
        let Ok(exchange) = exchange(&mut u) else { break };
        let alone = diagnose::diagnose(&exchange);
        let _ = serde_json::to_string(&alone);
        let _ = session.answers_previous_challenge(&exchange);
        let annotation = annotate_in(&exchange, &mut session);
        // What the Wasm boundary and the CLI do with it next.
        let _ = serde_json::to_string(&annotation);
        assert!(session.len() <= capacity.max(1), "the session stays bounded");
    }
});
