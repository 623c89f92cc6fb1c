//! `GET /barrier?name=N&count=C&timeout_ms=T`: answers only once `count` requests named
//! `name` are waiting together (200 to each of them), or 504 after `timeout_ms`.
//!
//! It exists to prove that the lab serves requests concurrently, without timing anything:
//! a server that handles one request at a time never has two of them waiting, so every
//! request of a group times out with 504 (tests/lab_server.rs).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;

use super::scenarios::Reply;

/// At most this many requests wait at one barrier: each holds a thread of the blocking
/// pool while it waits (server.rs).
const MAX_COUNT: u32 = 8;
const MAX_TIMEOUT_MS: u64 = 30_000;
/// Names are chosen by the caller; the map stays bounded all the same.
const MAX_NAMES: usize = 1024;

#[derive(Default)]
struct Gate {
    /// Requests waiting for the current round.
    waiting: u32,
    /// Bumped when a round is complete: its waiters see the change and answer 200.
    round: u64,
}

struct Barriers {
    gates: Mutex<HashMap<String, Gate>>,
    changed: Condvar,
}

fn barriers() -> &'static Barriers {
    static BARRIERS: OnceLock<Barriers> = OnceLock::new();
    BARRIERS.get_or_init(|| Barriers {
        gates: Mutex::new(HashMap::new()),
        changed: Condvar::new(),
    })
}

pub fn barrier(query: &str) -> Reply {
    let pairs = authlens::flow::form_pairs(query);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let name = get("name").unwrap_or("default").to_owned();
    let count = get("count")
        .and_then(|c| c.parse::<u32>().ok())
        .unwrap_or(2);
    let timeout_ms = get("timeout_ms")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(10_000);
    if !(1..=MAX_COUNT).contains(&count) || timeout_ms > MAX_TIMEOUT_MS {
        return Reply::json(
            400,
            &json!({"error": format!("count must be 1 to {MAX_COUNT}, timeout_ms at most {MAX_TIMEOUT_MS}")}),
        );
    }
    let deadline = Instant::now() + Duration::from_millis(timeout_ms);
    let b = barriers();
    // A poisoned lock only means another handler panicked; the map is still consistent.
    let mut gates = b.gates.lock().unwrap_or_else(|e| e.into_inner());
    if !gates.contains_key(&name) && gates.len() >= MAX_NAMES {
        return Reply::json(429, &json!({"error": "too many barriers"}));
    }
    let gate = gates.entry(name.clone()).or_default();
    let round = gate.round;
    gate.waiting += 1;
    if gate.waiting >= count {
        gate.waiting = 0;
        gate.round += 1;
        b.changed.notify_all();
        return Reply::json(200, &json!({"barrier": name, "met": count}));
    }
    loop {
        let now = Instant::now();
        let Some(gate) = gates.get_mut(&name) else {
            return Reply::json(500, &json!({"error": "barrier lost"}));
        };
        if gate.round != round {
            return Reply::json(200, &json!({"barrier": name, "met": count}));
        }
        if now >= deadline {
            gate.waiting = gate.waiting.saturating_sub(1);
            return Reply::json(
                504,
                &json!({"error": "the other requests never arrived", "barrier": name}),
            );
        }
        gates = b
            .changed
            .wait_timeout(gates, deadline - now)
            .map(|(g, _)| g)
            .unwrap_or_else(|e| e.into_inner().0);
    }
}
