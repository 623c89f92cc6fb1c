//! Every entry point at growing input sizes, 1 KB → 10 MB: time (criterion) and peak heap
//! (a counting allocator), so that "linear in time and memory" is a measured claim, not a
//! hope (issue #12, figures in docs/performance.md).
//!
//! `cargo bench --bench scaling`. The peak-heap table is printed first, then criterion's
//! times (its throughput line gives MB/s per size: flat MB/s is linear time).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use authlens::exchange::{Exchange, Header};
use authlens::{annotate, challenge, cookie, credentials, jwt, report, sanitize};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        IN_USE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SIZES: [(usize, &str); 5] = [
    (1 << 10, "1KB"),
    (10 << 10, "10KB"),
    (100 << 10, "100KB"),
    (1 << 20, "1MB"),
    (10 << 20, "10MB"),
];

fn repeat_to(unit: &str, size: usize) -> String {
    let mut s = unit.repeat(size / unit.len() + 1);
    s.truncate(size);
    s
}

fn challenges(size: usize) -> String {
    repeat_to(
        r#"Bearer realm="api", error="invalid_token", error_description="The access token expired", Digest realm="x@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv", "#,
        size,
    )
}

fn token(size: usize) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#);
    let payload = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"iss":"https://login.example.com","aud":"api","exp":1795400000,"data":"{}"}}"#,
        "x".repeat(size * 3 / 4)
    ));
    format!("{header}.{payload}.{}", "s".repeat(342))
}

fn set_cookie(size: usize) -> String {
    format!(
        "sid={}; Path=/; Secure; HttpOnly; SameSite=Lax",
        "v".repeat(size)
    )
}

fn cookie_header(size: usize) -> String {
    repeat_to("session_id=abc123def456; theme=dark; ", size)
}

/// One 401 exchange whose challenge and token together are about `size` bytes.
fn exchange(size: usize) -> Exchange {
    let header = |name: &str, value: String| Header {
        name: name.to_owned(),
        value,
    };
    Exchange {
        method: "GET".to_owned(),
        url: "https://api.example.com/v1/me".to_owned(),
        status: 401,
        request_headers: vec![header(
            "Authorization",
            format!("Bearer {}", token(size / 2)),
        )],
        response_headers: vec![header("WWW-Authenticate", challenges(size / 2))],
        started_ms: Some(1_795_000_000_000),
        request_body: None,
        response_body: None,
        redirect_url: None,
        resource_type: Some("fetch".to_owned()),
    }
}

/// A HAR of about `size` bytes: the lab's recorded failures, repeated.
fn har(size: usize) -> String {
    let text = include_str!("../tests/fixtures/har/lab/auth-missing.har");
    let value: serde_json::Value = serde_json::from_str(text).expect("fixture parses");
    let entries = value["log"]["entries"].as_array().expect("entries");
    let units: Vec<String> = entries
        .iter()
        .map(|e| serde_json::to_string(e).expect("serialises"))
        .collect();
    let mut body = String::new();
    let mut i = 0;
    while body.len() < size {
        if !body.is_empty() {
            body.push(',');
        }
        body.push_str(&units[i % units.len()]);
        i += 1;
    }
    format!(
        r#"{{"log":{{"version":"1.2","creator":{{"name":"bench","version":"1"}},"entries":[{body}]}}}}"#
    )
}

/// Peak heap of one call, beyond what was in use before it.
fn peak_of<T>(f: impl FnOnce() -> T) -> usize {
    let before = IN_USE.load(Relaxed);
    PEAK.store(before, Relaxed);
    black_box(f());
    PEAK.load(Relaxed).saturating_sub(before)
}

type Run = Box<dyn Fn(&str) -> usize>;
/// (entry point, input maker, the call).
type EntryPoint = (&'static str, fn(usize) -> String, Run);

fn entry_points() -> Vec<EntryPoint> {
    vec![
        (
            "challenge::parse",
            challenges,
            Box::new(|s: &str| challenge::parse(s).challenges.len()),
        ),
        (
            "credentials::parse (Bearer JWT)",
            |n| format!("Bearer {}", token(n)),
            Box::new(|s: &str| usize::from(credentials::parse(s).scheme.is_empty())),
        ),
        (
            "jwt::parse",
            token,
            Box::new(|s: &str| jwt::parse(s).problems.len()),
        ),
        (
            "cookie::parse_set_cookie",
            set_cookie,
            Box::new(|s: &str| cookie::parse_set_cookie(s).problems.len()),
        ),
        (
            "cookie::parse_cookie_header",
            cookie_header,
            Box::new(|s: &str| cookie::parse_cookie_header(s).cookies.len()),
        ),
        (
            "annotate + JSON (the panel's call)",
            |n| n.to_string(),
            Box::new(|s: &str| {
                let exchange = exchange(s.parse().unwrap_or(0));
                let annotation = annotate::annotate(&exchange);
                serde_json::to_string(&annotation).map_or(0, |j| j.len())
            }),
        ),
        (
            "report::diagnose_har_each (streamed)",
            har,
            Box::new(|s: &str| {
                report::diagnose_har_each(s.as_bytes(), |_| {}, drop).map_or(0, |r| r.failures)
            }),
        ),
        (
            "report::markdown (first 200 kept)",
            har,
            Box::new(|s: &str| {
                report::diagnose_har_limited(s.as_bytes(), |_| {}, 200)
                    .map_or(0, |r| report::markdown(&r, "bench.har").len())
            }),
        ),
        (
            "sanitize::sanitize_har (streamed)",
            har,
            Box::new(|s: &str| {
                let mut sanitizer = sanitize::Sanitizer::with_key([1, 2], false);
                sanitize::sanitize_har(s.as_bytes(), std::io::sink(), &mut sanitizer, |_| {})
                    .unwrap_or(0)
            }),
        ),
    ]
}

fn scaling(c: &mut Criterion) {
    let points = entry_points();
    println!("\npeak heap per call (bytes beyond the input), by input size:");
    println!(
        "{:<40} {}",
        "entry point",
        SIZES.map(|(_, n)| format!("{n:>12}")).join("")
    );
    for (name, make, run) in &points {
        let mut row = format!("{name:<40}");
        for (size, _) in SIZES {
            let input = make(size);
            let peak = peak_of(|| run(&input));
            row.push_str(&format!("{:>12}", human(peak)));
        }
        println!("{row}");
    }
    println!();
    for (name, make, run) in &points {
        let mut group = c.benchmark_group(*name);
        group.sample_size(10);
        group.warm_up_time(std::time::Duration::from_millis(300));
        group.measurement_time(std::time::Duration::from_secs(1));
        for (size, label) in SIZES {
            let input = make(size);
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_with_input(BenchmarkId::from_parameter(label), &input, |b, input| {
                b.iter(|| run(black_box(input)))
            });
        }
        group.finish();
    }
}

fn human(bytes: usize) -> String {
    match bytes {
        b if b >= 10 << 20 => format!("{} MB", b >> 20),
        b if b >= 10 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
