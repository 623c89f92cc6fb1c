//! The lab's scenarios: one endpoint per failure mode.
//!
//! Each scenario says what the page sends (`request_headers`), what the server answers
//! (`respond`), and which finding AuthLens should rank first (`expect`). The e2e tests
//! and the recorded HAR fixtures are driven from this one table.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use tiny_http::Request;

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

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::page(status, "application/json", &value.to_string())
    }

    pub fn redirect(location: &str) -> Self {
        Self {
            status: 301,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub struct Scenario {
    /// Stable id, used by the page's buttons and by tests.
    pub id: &'static str,
    pub path: &'static str,
    pub title: &'static str,
    /// The finding codes AuthLens should report, best first (empty: none expected).
    pub expect: &'static [&'static str],
    /// Headers the lab page sends with the request.
    pub request_headers: fn() -> Vec<(String, String)>,
    pub respond: fn(&Request) -> Reply,
}

const REALM: &str = "authlens-lab";

pub static SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "bearer-invalid-token",
        path: "/api/bearer/invalid-token",
        title: "Bearer token refused (401, error=\"invalid_token\")",
        expect: &[],
        request_headers: || vec![("Authorization".into(), format!("Bearer {}", lab_jwt(-3600)))],
        respond: |_| {
            Reply::json(401, &serde_json::json!({"error": "invalid_token"})).with_header(
                "WWW-Authenticate",
                &format!(
                    "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"The access token expired\""
                ),
            )
        },
    },
    Scenario {
        id: "auth-missing",
        path: "/api/bearer/required",
        title: "No credentials sent (401 with a Bearer challenge)",
        expect: &["auth.missing"],
        request_headers: Vec::new,
        respond: |_| {
            Reply::json(401, &serde_json::json!({"error": "unauthorized"}))
                .with_header("WWW-Authenticate", &format!("Bearer realm=\"{REALM}\""))
        },
    },
    Scenario {
        id: "challenge-missing",
        path: "/api/no-challenge",
        title: "401 without a WWW-Authenticate challenge",
        expect: &["challenge.missing"],
        request_headers: || vec![("Authorization".into(), format!("Bearer {}", lab_jwt(3600)))],
        respond: |_| {
            Reply::json(
                401,
                &serde_json::json!({"type": "about:blank", "title": "Unauthorized", "status": 401}),
            )
            .with_header("Content-Type", "application/problem+json")
        },
    },
    Scenario {
        id: "forbidden",
        path: "/api/forbidden",
        title: "Authenticated but not allowed (403)",
        expect: &[],
        request_headers: || vec![("Authorization".into(), format!("Bearer {}", lab_jwt(3600)))],
        respond: |_| Reply::json(403, &serde_json::json!({"error": "forbidden"})),
    },
    Scenario {
        id: "healthy",
        path: "/api/ok",
        title: "A healthy request (200)",
        expect: &[],
        request_headers: || vec![("Authorization".into(), format!("Bearer {}", lab_jwt(3600)))],
        respond: |_| Reply::json(200, &serde_json::json!({"ok": true})),
    },
];

/// The catalogue as the page and the tests read it, with fresh credentials.
pub fn catalogue() -> serde_json::Value {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        id: &'static str,
        path: &'static str,
        title: &'static str,
        expect: &'static [&'static str],
        request_headers: Vec<(String, String)>,
    }
    let entries: Vec<Entry> = SCENARIOS
        .iter()
        .map(|s| Entry {
            id: s.id,
            path: s.path,
            title: s.title,
            expect: s.expect,
            request_headers: (s.request_headers)(),
        })
        .collect();
    serde_json::json!({ "scenarios": entries })
}

/// A JWT for the lab, expiring `exp_in` seconds from now (negative: already expired).
///
/// The signature is a fixed marker, not a real HMAC: the lab never verifies tokens, and
/// the marker doubles as a canary that must never appear in AuthLens output or storage.
fn lab_jwt(exp_in: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let header = serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "lab-1"});
    let payload = serde_json::json!({
        "iss": "http://127.0.0.1/lab-issuer",
        "sub": "lab-user",
        "aud": "authlens-lab-api",
        "iat": now - 7200,
        "exp": now + exp_in,
        "scope": "read",
    });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        CANARY_SIGNATURE
    )
}

/// Base64url of "authlens-canary-signature-do-not-leak".
pub const CANARY_SIGNATURE: &str = "YXV0aGxlbnMtY2FuYXJ5LXNpZ25hdHVyZS1kby1ub3QtbGVhaw";
