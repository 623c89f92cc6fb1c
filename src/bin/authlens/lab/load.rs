//! The load page (`/load`, issue #17): failing requests at a steady rate from a browser,
//! for the benchmark (`tools/bench-load.mjs`) and the e2e test (`tests/e2e/load.test.mjs`).
//! The page's script is `load.js`; this file gives it its plan: which endpoints fail how,
//! and a token per user.

use serde_json::json;

use super::scenarios::{self, Reply};

/// At most this many users (tokens per kind): the plan stays small.
const MAX_USERS: usize = 200;

/// `GET /load/plan.json?users=N`: the three kinds of failure the page cycles through, with
/// `N` distinct tokens for the two that send one (their `sub` tells the users apart).
pub fn plan(query: &str) -> Reply {
    let users = authlens::flow::form_pairs(query)
        .into_iter()
        .find(|(n, _)| n == "users")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, MAX_USERS);
    let now = scenarios::now_secs();
    let tokens = |exp: i64| -> Vec<String> {
        (0..users)
            .map(|u| {
                scenarios::jwt(
                    json!({}),
                    json!({"sub": format!("load-user-{u}"), "exp": exp}),
                )
            })
            .collect()
    };
    Reply::json(
        200,
        &json!({"kinds": [
            {"kind": "expired", "path": "/api/bearer/invalid-token", "status": 401, "tokens": tokens(now - 3600)},
            {"kind": "forbidden", "path": "/api/forbidden", "status": 403, "tokens": tokens(now + 3600)},
            {"kind": "missing", "path": "/api/bearer", "status": 401, "tokens": []},
        ]}),
    )
}
