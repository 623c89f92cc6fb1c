//! The lab's authorization-server mode: a small OAuth 2.0 / OIDC server under `/as/` and
//! its client's callback at `/app/callback`, so that sign-in flows break for real.
//!
//! The clients (by `client_id`) and what the server does with them:
//! - `lab-app`: a confidential client (secret `lab-app-client-secret`, `client_secret_basic` or
//!   `_post`), redirect URI `{origin}/app/callback`; codes are single-use (RFC 6749
//!   §4.1.2), PKCE is checked (RFC 7636 §4.6), the redirect_uri must be the
//!   authorization request's (§4.1.3);
//! - `lab-denied`: the user declines (`error=access_denied`);
//! - `lab-spa`: a public client (no secret) allowed no `admin` scope (`invalid_scope`)
//!   and no implicit flow (`unauthorized_client`);
//! - `lab-tamper`: the server's answer comes back with another `state` (what a lost or
//!   mixed-up state looks like to the client);
//! - `lab-nonce`: the ID token carries another `nonce`;
//! - `lab-implicit`: the implicit flow is allowed (deprecated, RFC 9700 §2.1.2).
//!
//! State lives in memory (codes issued and spent); the lab serves loopback only.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::scenarios::Reply;

struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: Option<(String, String)>,
    nonce: Option<String>,
    used: bool,
}

fn codes() -> &'static Mutex<HashMap<String, Code>> {
    static CODES: OnceLock<Mutex<HashMap<String, Code>>> = OnceLock::new();
    CODES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn next_id() -> u64 {
    static NEXT: Mutex<u64> = Mutex::new(0);
    let mut n = NEXT.lock().unwrap_or_else(|e| e.into_inner());
    *n += 1;
    *n
}

fn pairs(text: &str) -> Vec<(String, String)> {
    authlens::flow::form_pairs(text)
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn issuer(host: &str) -> String {
    format!("http://{host}/as")
}

/// OIDC Discovery §3.
pub fn discovery(host: &str) -> Reply {
    let iss = issuer(host);
    Reply::json(
        200,
        &json!({
            "issuer": iss,
            "authorization_endpoint": format!("{iss}/authorize"),
            "token_endpoint": format!("{iss}/token"),
            "revocation_endpoint": format!("{iss}/revoke"),
            "userinfo_endpoint": format!("{iss}/userinfo"),
            "jwks_uri": format!("{iss}/jwks"),
            "response_types_supported": ["code", "token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        }),
    )
}

fn error_page(error: &str, description: &str) -> Reply {
    // RFC 6749 §4.1.2.1: with a bad redirect_uri the server informs the user, and does not
    // redirect. Shaped like oidc-provider's error page.
    Reply::page(
        400,
        "text/html; charset=utf-8",
        &format!("<!doctype html><title>oops! something went wrong</title><h1>oops! something went wrong</h1><pre>error: {error}\nerror_description: {description}</pre>"),
    )
}

/// `GET /as/authorize`: answers with a redirect back (code, error or fragment) or an error page.
pub fn authorize(query: &str, host: &str) -> Reply {
    let q = pairs(query);
    let client = get(&q, "client_id").unwrap_or("");
    let redirect = get(&q, "redirect_uri").unwrap_or("");
    let state = get(&q, "state").unwrap_or("");
    let response_type = get(&q, "response_type").unwrap_or("");
    let registered = format!("http://{host}/app/callback");
    if ![
        "lab-app",
        "lab-denied",
        "lab-spa",
        "lab-tamper",
        "lab-nonce",
        "lab-implicit",
    ]
    .contains(&client)
    {
        return error_page("invalid_client", "client is invalid");
    }
    if redirect != registered {
        return error_page(
            "invalid_redirect_uri",
            "redirect_uri did not match any of the client's registered redirect_uris",
        );
    }
    let back = |params: &str| {
        Reply::redirect(
            303,
            &format!("{registered}?{params}&iss={}", enc(&issuer(host))),
        )
    };
    let with_state = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("&state={}", enc(s))
        }
    };
    // OIDC Core §3.1.2.6: prompt=none and no session at the server.
    if get(&q, "prompt") == Some("none") {
        return back(&format!(
            "error=login_required&error_description=End-User+authentication+is+required{}",
            with_state(state)
        ));
    }
    if client == "lab-denied" {
        return back(&format!(
            "error=access_denied&error_description=End-User+aborted+interaction{}",
            with_state(state)
        ));
    }
    if client == "lab-spa"
        && get(&q, "scope")
            .unwrap_or("")
            .split(' ')
            .any(|s| s == "admin")
    {
        return back(&format!(
            "error=invalid_scope&error_description=requested+scope+is+not+allowed{}",
            with_state(state)
        ));
    }
    if response_type.split(' ').any(|t| t == "token") {
        if client != "lab-implicit" {
            return back(&format!("error=unauthorized_client&error_description=requested+response_type+is+not+allowed+for+this+client{}", with_state(state)));
        }
        return Reply::redirect(303, &format!("{registered}#access_token=lab-implicit-token-{}&token_type=Bearer&expires_in=3600{}", next_id(), with_state(state)));
    }
    let code = format!("lab-code-{}-{}", next_id(), URL_SAFE_NO_PAD.encode(client));
    let challenge = get(&q, "code_challenge").map(|c| {
        (
            c.to_owned(),
            get(&q, "code_challenge_method")
                .unwrap_or("plain")
                .to_owned(),
        )
    });
    codes().lock().unwrap_or_else(|e| e.into_inner()).insert(
        code.clone(),
        Code {
            client_id: client.to_owned(),
            redirect_uri: redirect.to_owned(),
            challenge,
            nonce: get(&q, "nonce").map(str::to_owned),
            used: false,
        },
    );
    let state = if client == "lab-tamper" {
        "tampered-by-the-lab"
    } else {
        state
    };
    back(&format!("code={}{}", enc(&code), with_state(state)))
}

fn token_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn unsigned_jwt(claims: &serde_json::Value) -> String {
    // A lab token: its signature is a fixed marker, as for the lab's other tokens.
    format!(
        "{}.{}.bGFiLXNpZ25hdHVyZQ",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT","kid":"lab-key"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// `POST /as/token` (RFC 6749 §4.1.3, §3.2.1).
pub fn token(body: &str, authorization: Option<&str>, host: &str) -> Reply {
    let f = pairs(body);
    let basic = authorization
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
    let client = basic
        .as_ref()
        .map(|(id, _)| id.as_str())
        .or(get(&f, "client_id"))
        .unwrap_or("");
    let secret = basic
        .as_ref()
        .map(|(_, s)| s.as_str())
        .or(get(&f, "client_secret"));
    // §2.3.1: the confidential client must authenticate; oidc-provider answers 401.
    if client == "lab-app" && secret != Some("lab-app-client-secret") {
        return token_error(401, "invalid_client", "client authentication failed");
    }
    if get(&f, "grant_type") != Some("authorization_code") {
        return token_error(
            400,
            "unsupported_grant_type",
            "unsupported grant_type requested",
        );
    }
    let Some(code) = get(&f, "code") else {
        return token_error(400, "invalid_request", "missing required parameter 'code'");
    };
    let mut all = codes().lock().unwrap_or_else(|e| e.into_inner());
    let Some(entry) = all.get_mut(code) else {
        return token_error(400, "invalid_grant", "grant request is invalid");
    };
    // oidc-provider answers every one of these with the same words: the traffic tells them apart.
    if entry.used
        || entry.client_id != client
        || get(&f, "redirect_uri") != Some(entry.redirect_uri.as_str())
    {
        entry.used = true;
        return token_error(400, "invalid_grant", "grant request is invalid");
    }
    if let Some((challenge, method)) = &entry.challenge {
        let verifier = get(&f, "code_verifier").unwrap_or("");
        let computed = if method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_owned()
        };
        if &computed != challenge {
            entry.used = true;
            return token_error(400, "invalid_grant", "grant request is invalid");
        }
    }
    entry.used = true;
    let nonce = if client == "lab-nonce" {
        Some("not-the-request-nonce".to_owned())
    } else {
        entry.nonce.clone()
    };
    let id_token = unsigned_jwt(
        &json!({"iss": issuer(host), "sub": "lab-user", "aud": client, "nonce": nonce, "exp": super::scenarios::now_secs() + 3600}),
    );
    Reply::json(
        200,
        &json!({"access_token": format!("lab-access-{}", next_id()), "token_type": "Bearer", "expires_in": 3600, "scope": "openid", "id_token": id_token, "refresh_token": format!("lab-refresh-{}", next_id())}),
    )
}

/// The client application's callback page.
pub fn callback() -> Reply {
    Reply::page(
        200,
        "text/html; charset=utf-8",
        "<!doctype html><title>lab app</title><p>callback received</p>",
    )
}
