//! The lab's scenarios: one per finding code a server (and a browser) can produce.
//!
//! A scenario is a list of steps the lab page runs with `fetch()` (or a link to follow, for
//! navigations), with the credentials each step needs, and the finding AuthLens should
//! rank first on the last step (`expect[0]`) plus any others it must also report. The
//! endpoints they call are in [`route`]. The e2e tests and the recorded HAR fixtures are
//! driven from this one table (`/scenarios.json`).

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;
use serde_json::{json, Value};

/// What the lab sends back.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn page(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn json(status: u16, value: &Value) -> Self {
        Self::page(status, "application/json", &value.to_string())
    }

    pub fn redirect(status: u16, location: &str) -> Self {
        Self {
            status,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

const REALM: &str = "authlens-lab";

/// One request the page makes.
#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub path: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<&'static str>,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Send to the other loopback name (127.0.0.1 ⇄ localhost): a cross-origin request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cross_origin: bool,
    /// fetch()'s credentials mode; the page's default is "same-origin".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<&'static str>,
    /// Wait this long before the step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Make the same request this many times in a row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// A top-level navigation (the page shows a link instead of fetching).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub navigate: bool,
}

fn get(path: &'static str) -> Step {
    Step {
        path,
        ..Step::default()
    }
}

fn with_auth(path: &'static str, value: String) -> Step {
    Step {
        path,
        headers: vec![("Authorization".into(), value)],
        ..Step::default()
    }
}

fn bearer(path: &'static str, token: String) -> Step {
    with_auth(path, format!("Bearer {token}"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    pub id: &'static str,
    pub title: &'static str,
    /// The finding ranked first on the last step, then others that must also appear.
    pub expect: &'static [&'static str],
    pub steps: Vec<Step>,
    /// Browsers cannot produce it (e.g. a 407 from an origin server is a network error
    /// in Chrome); the CLI and curl can.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_browser: bool,
}

fn scenario(
    id: &'static str,
    title: &'static str,
    expect: &'static [&'static str],
    steps: Vec<Step>,
) -> Scenario {
    Scenario {
        id,
        title,
        expect,
        steps,
        no_browser: false,
    }
}

pub fn now_secs() -> i64 {
    now()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// A lab JWT: standard lab claims with `claims` merged over them.
///
/// The signature is a fixed marker, not a real signature: the lab never verifies tokens,
/// and the marker doubles as a canary that must never appear in AuthLens output or
/// storage.
pub(super) fn jwt(header: Value, claims: Value) -> String {
    let now = now();
    let mut payload = json!({
        "iss": "http://127.0.0.1/lab-issuer",
        "sub": "lab-user",
        "aud": "authlens-lab-api",
        "iat": now - 60,
        "exp": now + 3600,
        "scope": "read",
    });
    if let (Some(base), Some(extra)) = (payload.as_object_mut(), claims.as_object()) {
        for (k, v) in extra {
            if v.is_null() {
                base.remove(k);
            } else {
                base.insert(k.clone(), v.clone());
            }
        }
    }
    let mut head = json!({"alg": "HS256", "typ": "JWT", "kid": "lab-1"});
    if let (Some(base), Some(extra)) = (head.as_object_mut(), header.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    let signature = if head["alg"] == "none" {
        ""
    } else {
        CANARY_SIGNATURE
    };
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(head.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
    )
}

fn valid() -> String {
    jwt(json!({}), json!({}))
}

/// Base64url of "authlens-canary-signature-do-not-leak".
pub const CANARY_SIGNATURE: &str = "YXV0aGxlbnMtY2FuYXJ5LXNpZ25hdHVyZS1kby1ub3QtbGVhaw";
/// A Basic password that must never appear unmasked.
pub const CANARY_PASSWORD: &str = "lab-canary-password";

/// The scenarios, with fresh credentials (token times are relative to now).
pub fn scenarios() -> Vec<Scenario> {
    let now = now();
    let basic_ok = format!(
        "Basic {}",
        STANDARD.encode(format!("lab-user:{CANARY_PASSWORD}"))
    );
    let mut list = vec![
        scenario("healthy", "A healthy request (200)", &[], vec![bearer("/api/ok", valid())]),
        scenario("auth-missing", "No credentials sent (401 with a Bearer challenge)", &["auth.missing"], vec![get("/api/bearer")]),
        scenario("auth-malformed", "Authorization: Bearer undefined", &["auth.malformed"], vec![with_auth("/api/bearer", "Bearer undefined".into())]),
        scenario("auth-scheme-mismatch", "Basic credentials sent to a Bearer API", &["auth.scheme_mismatch"], vec![with_auth("/api/bearer", basic_ok.clone())]),
        scenario("auth-basic-invalid", "Basic credentials without a colon", &["auth.basic_invalid"], vec![with_auth("/api/basic", format!("Basic {}", STANDARD.encode("lab-user")))]),
        scenario("auth-basic-rejected", "Well-formed Basic credentials refused", &["auth.basic_rejected"], vec![with_auth("/api/basic", basic_ok.clone())]),
        scenario("auth-digest-rejected", "Digest credentials refused (a new nonce, not stale)", &["auth.digest_rejected"], vec![with_auth("/api/digest-refused", r#"Digest username="lab-user", realm="authlens-lab", nonce="lab-nonce-1", uri="/api/digest-refused", response="00000000000000000000000000000000", qop=auth, nc=00000001, cnonce="0a4f113b""#.into())]),
        scenario("token-expired", "An expired access token", &["token.expired"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"exp": now - 3600})))]),
        scenario("token-not-yet-valid", "A token that is not valid yet (nbf)", &["token.not_yet_valid"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"nbf": now + 3600, "exp": now + 7200})))]),
        scenario("token-exp-in-millis", "exp written in milliseconds", &["token.exp_in_millis"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"exp": (now + 3600) * 1000})))]),
        scenario("token-id-token", "An ID token sent as the access token", &["token.id_token_as_access"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"aud": "lab-client", "azp": "lab-client", "nonce": "n-0S6", "at_hash": "MTIzNDU2Nzg5MDEy", "scope": null})))]),
        scenario("token-refresh-token", "A refresh token sent as the access token", &["token.refresh_token_as_access"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"typ": "Refresh", "scope": null})))]),
        scenario("token-audience-mismatch", "A token for another API (aud)", &["token.audience_mismatch"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"aud": "https://api.other.example"})))]),
        scenario("token-issuer-suspect", "A token from Okta's org authorization server", &["token.issuer_suspect"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"iss": "https://dev-123456.okta.com"})))]),
        scenario("token-scope-insufficient", "insufficient_scope: the token lacks a scope", &["token.scope_insufficient"], vec![bearer("/api/bearer/insufficient-scope", valid())]),
        scenario("token-alg-none", "An unsigned token (alg: none)", &["token.alg_none"], vec![bearer("/api/bearer/invalid-token", jwt(json!({"alg": "none"}), json!({})))]),
        scenario("token-encrypted", "An encrypted token (JWE)", &["token.encrypted"], vec![bearer("/api/bearer/invalid-token", format!("{}.a2V5.aXY.{}.dGFn", URL_SAFE_NO_PAD.encode(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#), CANARY_SIGNATURE))]),
        scenario("token-opaque", "An opaque token that was refused", &["token.rejected", "token.opaque"], vec![bearer("/api/bearer/invalid-token", format!("lab_{CANARY_SIGNATURE}"))]),
        scenario("token-dpop-bound", "A DPoP-bound token sent as Bearer", &["token.dpop_bound_as_bearer"], vec![bearer("/api/bearer/invalid-token", jwt(json!({"typ": "at+jwt"}), json!({"cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}})))]),
        scenario("token-foreign", "A Microsoft Graph token sent to another API", &["token.foreign"], vec![bearer("/api/bearer/invalid-token", jwt(json!({"alg": "RS256", "nonce": "graph-nonce"}), json!({"aud": "00000003-0000-0000-c000-000000000000", "scp": "User.Read", "scope": null})))]),
        scenario("token-rejected", "A valid-looking token refused (revoked or key rotated)", &["token.rejected"], vec![bearer("/api/bearer/invalid-token", valid())]),
        scenario("clock-skew", "The server's clock is 2 hours behind", &["clock.skew"], vec![bearer("/api/skewed-clock", valid())]),
        scenario("challenge-missing", "401 without a WWW-Authenticate challenge", &["challenge.missing"], vec![bearer("/api/no-challenge", valid())]),
        scenario("challenge-malformed", "A malformed WWW-Authenticate header", &["token.rejected", "challenge.malformed"], vec![bearer("/api/malformed-challenge", valid())]),
        scenario("challenge-digest-stale", "Digest with stale=true", &["challenge.digest_stale"], vec![with_auth("/api/digest", r#"Digest username="lab-user", realm="authlens-lab", nonce="old-nonce", uri="/api/digest", response="6629fae49393a05397450978507c4ef1", qop=auth, nc=00000001, cnonce="0a4f113b""#.into())]),
        scenario("challenge-dpop-nonce", "DPoP: the server requires a nonce", &["challenge.dpop_nonce"], vec![Step {
            headers: vec![
                ("Authorization".into(), format!("DPoP {}", valid())),
                ("DPoP".into(), jwt(json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256", "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs", "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}}), json!({"htm": "GET", "htu": "/api/dpop", "jti": "lab-jti", "iat": now}))),
            ],
            ..get("/api/dpop")
        }]),
        scenario("challenge-step-up", "Step-up authentication required (RFC 9470)", &["challenge.step_up"], vec![bearer("/api/step-up", valid())]),
        scenario("challenge-claims", "An Entra claims challenge", &["challenge.claims"], vec![bearer("/api/claims-challenge", valid())]),
        scenario("challenge-negotiate", "Windows sign-in (Negotiate) required", &["challenge.negotiate"], vec![get("/api/negotiate")]),
        scenario("status-forbidden", "Authenticated but not allowed (403)", &["status.forbidden"], vec![bearer("/api/forbidden", valid())]),
        Scenario {
            no_browser: true,
            ..scenario("status-proxy-auth", "407 from a proxy (curl or the CLI only)", &["status.proxy_auth"], vec![get("/api/proxy-auth")])
        },
        scenario("status-nonstandard", "419 page expired (Laravel)", &["status.nonstandard"], vec![bearer("/api/page-expired", valid())]),
        scenario("session-cleared", "The server clears the session cookie on the 401", &["session.cleared_by_server"], vec![get("/session/login"), get("/api/session/revoked")]),
        scenario("session-rejected", "The session cookie is sent, but the server ended the session", &["session.rejected"], vec![get("/session/login"), get("/api/session/ended")]),
        scenario("session-cookie-not-sent", "A cookie set for another path is not sent", &["session.cookie_not_sent"], vec![get("/session/login-scoped"), get("/api/session")]),
        scenario("session-cookie-expired", "The session cookie expired", &["session.cookie_expired"], vec![get("/session/login-short"), Step { delay_ms: Some(2500), ..get("/api/session") }]),
        scenario("cors-preflight", "A CORS preflight answered with 401", &["cors.preflight_unauthorized"], vec![Step { cross_origin: true, ..bearer("/cors/preflight-401", valid()) }]),
        scenario("cors-auth-dropped", "Authorization dropped on a cross-origin redirect", &["cors.auth_dropped_on_redirect"], vec![bearer("/redirect/cross-origin", valid())]),
        scenario("cors-credentials", "A cross-origin call without credentials", &["cors.credentials_not_included"], vec![
            Step { cross_origin: true, credentials: Some("include"), ..get("/session/login-cross") },
            Step { cross_origin: true, ..get("/api/session") },
        ]),
        scenario("cors-challenge-not-exposed", "Cross-origin 401 whose challenge scripts cannot read", &["token.rejected", "cors.challenge_not_exposed"], vec![Step { cross_origin: true, ..bearer("/api/bearer/invalid-token", valid()) }]),
        scenario("pattern-retry-storm", "Six identical retries with no backoff", &["pattern.retry_storm"], vec![Step { repeat: Some(6), ..bearer("/api/bearer/invalid-token", valid()) }]),
        scenario("pattern-after-login", "A token was obtained, then not sent", &["pattern.after_login"], vec![
            Step { method: Some("POST"), body: Some("grant_type=password&username=lab-user".into()), headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())], ..get("/oauth/token") },
            get("/api/bearer"),
        ]),
        scenario("oauth-invalid-client", "The token endpoint refuses the client's secret", &["oauth.invalid_client"], vec![
            Step { method: Some("POST"), body: Some("grant_type=client_credentials&client_id=lab-client&client_secret=lab-wrong-secret".into()), headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())], ..get("/oauth/token") },
        ]),
        scenario("oauth-invalid-grant", "The token endpoint refuses a used refresh token", &["oauth.invalid_grant"], vec![
            Step { method: Some("POST"), body: Some("grant_type=refresh_token&refresh_token=lab-used-refresh-token".into()), headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())], ..get("/oauth/token") },
        ]),
        scenario("pattern-refresh-race", "A refresh failed with invalid_grant", &["pattern.refresh_race"], vec![
            Step { method: Some("POST"), body: Some("grant_type=refresh_token&refresh_token=lab-used-refresh-token".into()), headers: vec![("Content-Type".into(), "application/x-www-form-urlencoded".into())], ..get("/oauth/token") },
            bearer("/api/bearer/invalid-token", valid()),
        ]),
        scenario("pattern-expiry-boundary", "A token that worked until it expired", &["token.expired", "pattern.expiry_boundary"], {
            let token = jwt(json!({}), json!({"exp": now + 2}));
            vec![bearer("/api/ok", token.clone()), Step { delay_ms: Some(3500), ..bearer("/api/bearer/invalid-token", token) }]
        }),
        scenario("pattern-env-mismatch", "A staging token sent to this API", &["pattern.env_mismatch"], vec![bearer("/api/bearer/invalid-token", jwt(json!({}), json!({"iss": "https://login.staging.example.com"})))]),
        scenario("challenge-resource-metadata", "RFC 9728: the challenge points at the resource's metadata (sign-in finds the authorization server)", &["auth.missing"], vec![get("/api/protected-resource")]),
        scenario("hostile-challenge", "A hostile WWW-Authenticate (markup, script, 4 KB)", &["token.rejected"], vec![bearer("/api/hostile", valid())]),
        scenario("pattern-public-page", "A page that answers 401", &["pattern.public_page"], vec![Step { navigate: true, ..get("/private/page") }]),
    ];
    list.extend(flow_scenarios());
    list.retain(|s| !s.steps.is_empty());
    list
}

/// The catalogue as the page and the tests read it.
pub fn catalogue() -> Value {
    json!({ "scenarios": scenarios() })
}

fn bearer_challenge(extra: &str) -> String {
    format!("Bearer realm=\"{REALM}\"{extra}")
}

/// The lab's API endpoints. `None`: not one of them.
pub fn route(method: &str, path: &str, host: &str, origin: Option<&str>) -> Option<Reply> {
    let unauthorized = |challenge: &str| {
        Reply::json(401, &json!({"error": "unauthorized"})).with("WWW-Authenticate", challenge)
    };
    let reply = match path {
        "/api/ok" => Reply::json(200, &json!({"ok": true})),
        "/api/bearer" => unauthorized(&bearer_challenge("")),
        "/api/bearer/invalid-token" => unauthorized(&bearer_challenge(", error=\"invalid_token\", error_description=\"The access token is invalid\"")),
        "/api/bearer/insufficient-scope" => Reply::json(403, &json!({"error": "insufficient_scope"}))
            .with("WWW-Authenticate", &bearer_challenge(", error=\"insufficient_scope\", scope=\"read write\"")),
        "/api/basic" => unauthorized(&format!("Basic realm=\"{REALM}\", charset=\"UTF-8\"")),
        "/api/skewed-clock" => unauthorized(&bearer_challenge(", error=\"invalid_token\""))
            .with("Date", &httpdate::fmt_http_date(SystemTime::now() - std::time::Duration::from_secs(7200))),
        "/api/no-challenge" => Reply::json(401, &json!({"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "Access token rejected"}))
            .with("Content-Type", "application/problem+json"),
        "/api/malformed-challenge" => unauthorized("Bearer realm=\"authlens-lab, error=invalid_token"),
        "/api/digest" => unauthorized("Digest realm=\"authlens-lab\", qop=\"auth\", algorithm=SHA-256, nonce=\"new-nonce\", opaque=\"lab\", stale=true"),
        // RFC 7616 §3.3: a wrong digest is answered with a new challenge, without stale.
        "/api/digest-refused" => unauthorized("Digest realm=\"authlens-lab\", qop=\"auth\", algorithm=MD5, nonce=\"lab-nonce-2\", opaque=\"lab\""),
        "/api/dpop" => unauthorized("DPoP algs=\"ES256\", error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"")
            .with("DPoP-Nonce", "eyJ7S_zG.eyJH0-Z.HX4w-7v"),
        "/api/step-up" => unauthorized(&bearer_challenge(", error=\"insufficient_user_authentication\", error_description=\"A different authentication level is required\", acr_values=\"urn:authlens:lab:mfa\"")),
        "/api/claims-challenge" => unauthorized("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ==\""),
        "/api/negotiate" => unauthorized("Negotiate"),
        "/api/protected-resource" => unauthorized(&format!(
            "Bearer resource_metadata=\"http://{host}/.well-known/oauth-protected-resource\""
        )),
        // RFC 9728 §3.2: the metadata names the authorization servers; the lab's "server" is
        // its self-help page, so that following it is visible in tests.
        "/.well-known/oauth-protected-resource" => Reply::json(
            200,
            &json!({"resource": format!("http://{host}"), "authorization_servers": [format!("http://{host}/help/")]}),
        ),
        // Network data is hostile: this must render as text and run nothing.
        "/api/hostile" => unauthorized(&format!(
            "Bearer realm=\"<img src=x onerror=document.body.dataset.pwned=1>\", error=\"invalid_token\", error_description=\"<script>document.body.dataset.pwned=2</script>{}\"",
            "A".repeat(4000)
        )),
        "/api/forbidden" => Reply::json(403, &json!({"error": "forbidden"})),
        "/api/proxy-auth" => Reply::json(407, &json!({"error": "proxy authentication required"}))
            .with("Proxy-Authenticate", "Basic realm=\"authlens-lab-proxy\""),
        "/api/page-expired" => Reply::page(419, "text/html; charset=utf-8", "<!doctype html><title>Page Expired</title><p>419 Page Expired</p>"),
        "/session/login" => Reply::json(200, &json!({"signedIn": true})).with("Set-Cookie", "lab_session=lab-session-value; Path=/; HttpOnly; SameSite=Lax"),
        "/session/login-scoped" => Reply::json(200, &json!({"signedIn": true})).with("Set-Cookie", "lab_scoped=lab-session-value; Path=/session/area; HttpOnly"),
        "/session/login-short" => Reply::json(200, &json!({"signedIn": true})).with("Set-Cookie", "lab_short=lab-session-value; Path=/; Max-Age=1; HttpOnly"),
        // CHIPS: a partitioned cookie (Secure is allowed on loopback, a trustworthy origin).
        "/session/login-partitioned" => Reply::json(200, &json!({"signedIn": true}))
            .with("Set-Cookie", "lab_part=lab-session-value; Path=/; Secure; SameSite=None; Partitioned"),
        "/session/login-cross" => Reply::json(200, &json!({"signedIn": true})).with("Set-Cookie", "lab_cross=lab-session-value; Path=/; HttpOnly"),
        "/api/session" => Reply::json(401, &json!({"error": "no session"})),
        "/api/session/revoked" => Reply::json(401, &json!({"error": "session revoked"}))
            .with("Set-Cookie", "lab_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        // An express-session style answer: the cookie arrives, the session is gone.
        "/api/session/ended" => Reply::json(401, &json!({"message": "Your session has expired, please sign in again"})),
        "/cors/preflight-401" => unauthorized(&bearer_challenge("")),
        "/redirect/cross-origin" => Reply::redirect(307, &format!("http://{}/api/after-redirect", other_host(host))),
        "/api/after-redirect" => unauthorized(&bearer_challenge("")),
        "/oauth/token" => {
            // Token requests are POSTs; the body decides the outcome.
            return Some(Reply::json(200, &json!({"pending": true})));
        }
        "/private/page" => Reply::page(401, "text/html; charset=utf-8", "<!doctype html><title>Sign in required</title><h1>401: please sign in</h1>"),
        _ => return None,
    };
    Some(cors(reply, method, path, origin))
}

/// Token endpoint: `grant_type=refresh_token` fails with invalid_grant, anything else
/// succeeds with a fresh access token.
pub fn token_endpoint(body: &str) -> Reply {
    if body.contains("client_secret=lab-wrong-secret") {
        // RFC 6749 §5.2: invalid_client may be answered with 401.
        Reply::json(
            401,
            &json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        )
    } else if body.contains("grant_type=refresh_token") {
        Reply::json(
            400,
            &json!({"error": "invalid_grant", "error_description": "refresh token already used"}),
        )
    } else {
        Reply::json(
            200,
            &json!({"access_token": valid(), "token_type": "Bearer", "expires_in": 3600}),
        )
    }
}

/// The other loopback name for the same port: 127.0.0.1 ⇄ localhost, a different origin
/// on the same server.
pub fn other_host(host: &str) -> String {
    match host.split_once(':') {
        Some(("localhost", port)) => format!("127.0.0.1:{port}"),
        Some((_, port)) => format!("localhost:{port}"),
        None => "localhost".into(),
    }
}

/// CORS for cross-origin scenario requests: allow the calling origin with credentials.
/// `WWW-Authenticate` is deliberately not exposed (cors.challenge_not_exposed).
fn cors(reply: Reply, method: &str, path: &str, origin: Option<&str>) -> Reply {
    let Some(origin) = origin else {
        return reply;
    };
    let reply = if method == "OPTIONS" && path != "/cors/preflight-401" {
        Reply::page(204, "text/plain", "")
    } else {
        reply
    };
    reply
        .with("Access-Control-Allow-Origin", origin)
        .with("Access-Control-Allow-Credentials", "true")
        .with(
            "Access-Control-Allow-Headers",
            "Authorization, DPoP, Content-Type",
        )
        .with("Access-Control-Allow-Methods", "GET, POST")
        .with("Vary", "Origin")
}

/// The sign-in flows against the lab's authorization server (`authz.rs`). `{origin}` is the
/// lab page's origin and `{code}` the `code` of the URL the previous step ended on (its
/// redirect back): the page fills them in, as a client would.
fn flow_scenarios() -> Vec<Scenario> {
    const DISCOVERY: &str = "/as/.well-known/openid-configuration";
    const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
    let form = |path: &'static str, body: &str| Step {
        method: Some("POST"),
        body: Some(body.to_owned()),
        headers: vec![(FORM.0.into(), FORM.1.into())],
        ..get(path)
    };
    // S256 of LAB_VERIFIER (RFC 7636 §4.2).
    let code_flow = |client: &str| {
        format!("grant_type=authorization_code&code={{code}}&redirect_uri={{origin}}/app/callback&client_id={client}&client_secret=lab-app-client-secret&code_verifier={LAB_VERIFIER}")
    };
    let authorize = "/as/authorize?response_type=code&client_id=lab-app&redirect_uri={origin}/app/callback&scope=openid&state=lab-state-0001&nonce=lab-nonce-0001&code_challenge=ngF5GsXcbwljx6u133FFr3Xht9xooA_DuaX_3QwODtc&code_challenge_method=S256";
    vec![
        scenario("flow-healthy", "A sign-in flow that works (discovery, authorize with PKCE, callback, token)", &[], vec![
            get(DISCOVERY),
            get(authorize),
            form("/as/token", &code_flow("lab-app")),
        ]),
        scenario("flow-invalid-client", "The token endpoint refuses the client's secret", &["oauth.invalid_client"], vec![
            get(DISCOVERY),
            get(authorize),
            form("/as/token", &code_flow("lab-app").replace("lab-app-client-secret", "lab-wrong-client-secret")),
        ]),
        scenario("flow-redirect-uri-mismatch", "The redirect_uri is not registered (error page)", &["oauth.redirect_uri_mismatch"], vec![
            get("/as/authorize?response_type=code&client_id=lab-app&redirect_uri={origin}/app/other-callback&scope=openid&state=lab-state-0002"),
        ]),
        scenario("flow-redirect-uri-changed", "The token request sends another redirect_uri", &["oauth.redirect_uri_mismatch"], vec![
            get(authorize),
            form("/as/token", &code_flow("lab-app").replace("/app/callback", "/app/elsewhere")),
        ]),
        scenario("flow-state-mismatch", "The callback comes back with another state", &["oauth.state_mismatch"], vec![
            get("/as/authorize?response_type=code&client_id=lab-tamper&redirect_uri={origin}/app/callback&scope=openid&state=lab-state-0003"),
        ]),
        scenario("flow-pkce-failed", "The code_verifier does not match the code_challenge", &["oauth.pkce_failed"], vec![
            get(authorize),
            form("/as/token", &code_flow("lab-app").replace(LAB_VERIFIER, "lab-another-verifier-that-does-not-match-it")),
        ]),
        scenario("flow-code-reused", "The same authorization code is exchanged twice", &["oauth.invalid_grant"], vec![
            get(authorize),
            form("/as/token", &code_flow("lab-app")),
            form("/as/token", &code_flow("lab-app")),
        ]),
        scenario("flow-access-denied", "The user declines", &["oauth.access_denied"], vec![
            get("/as/authorize?response_type=code&client_id=lab-denied&redirect_uri={origin}/app/callback&scope=openid&state=lab-state-0004"),
        ]),
        scenario("flow-invalid-scope", "A scope the client may not have", &["oauth.invalid_scope"], vec![
            get("/as/authorize?response_type=code&client_id=lab-spa&redirect_uri={origin}/app/callback&scope=openid%20admin&state=lab-state-0005"),
        ]),
        scenario("flow-unauthorized-client", "This client may not use the implicit flow", &["oauth.unauthorized_client"], vec![
            get("/as/authorize?response_type=token&client_id=lab-spa&redirect_uri={origin}/app/callback&state=lab-state-0006"),
        ]),
        scenario("flow-error", "prompt=none without a session: login_required", &["oauth.error"], vec![
            get("/as/authorize?response_type=code&client_id=lab-app&redirect_uri={origin}/app/callback&prompt=none&state=lab-state-0007"),
        ]),
        scenario("flow-nonce-mismatch", "The ID token's nonce is not the request's", &["oidc.nonce_mismatch"], vec![
            get("/as/authorize?response_type=code&client_id=lab-nonce&redirect_uri={origin}/app/callback&scope=openid&state=lab-state-0008&nonce=lab-nonce-0008"),
            form("/as/token", &code_flow("lab-nonce")),
        ]),
        // The live panel reads no body of a 200 GET (discovery): the CLI and a recorded HAR do.
        Scenario { no_browser: true, ..scenario("flow-issuer-mismatch", "Discovery's issuer is not the URL it came from", &["oidc.issuer_mismatch"], vec![
            get("/as-mixed/.well-known/openid-configuration"),
        ]) },
        scenario("flow-implicit", "The implicit flow (deprecated)", &["oauth.implicit_deprecated"], vec![
            get("/as/authorize?response_type=token&client_id=lab-implicit&redirect_uri={origin}/app/callback&state=lab-state-0009"),
        ]),
        scenario("flow-broken-then-api", "An API call after a broken sign-in", &["pattern.flow_broken"], vec![
            get("/as/authorize?response_type=code&client_id=lab-tamper&redirect_uri={origin}/app/callback&scope=openid&state=lab-state-0010"),
            get("/api/session"),
        ]),
    ]
}

/// The lab client's PKCE verifier (its S256 challenge is in the authorization requests).
const LAB_VERIFIER: &str = "dBjftJeZ4CVP-mJ92K27uhbUJU1p1r_wW1gFWFOEjXk";
