//! Parser throughput at 1 KB, 64 KB and 1 MB inputs: the cost must grow linearly, so
//! MB/s should stay roughly flat across sizes (figures in docs/performance.md).
//!
//! `cargo bench --bench parsers` (or `make bench`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use authlens::{challenge, cookie, credentials, jwt, schemes};

const SIZES: [(usize, &str); 3] = [(1 << 10, "1KB"), (64 << 10, "64KB"), (1 << 20, "1MB")];

/// Realistic challenges (Bearer with an error, Basic, Digest) repeated to `size`.
fn challenges(size: usize) -> String {
    let unit = r#"Bearer realm="api", error="invalid_token", error_description="The access token expired", Basic realm="legacy", charset="UTF-8", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "#;
    unit.repeat(size / unit.len() + 1)[..size].to_owned()
}

/// A hostile list: broken quotes and recovery on every element.
fn hostile_challenges(size: usize) -> String {
    let unit = r#"x realm="a\"b, =, y ,, "#;
    unit.repeat(size / unit.len() + 1)[..size].to_owned()
}

/// A signed JWT whose payload carries a `data` claim that brings it to about `size`.
fn token(size: usize) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"k1"}"#);
    let filler = "x".repeat(size * 3 / 4);
    let payload = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"iss":"https://login.example.com","aud":"api","exp":1795400000,"scope":"read write","data":"{filler}"}}"#
    ));
    format!("{header}.{payload}.{}", "s".repeat(342))
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("challenge");
    for (size, name) in SIZES {
        let input = challenges(size);
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), &input, |b, input| {
            b.iter(|| challenge::parse(black_box(input)).challenges.len())
        });
        group.bench_with_input(
            BenchmarkId::new("parse+describe+json", name),
            &input,
            |b, input| {
                b.iter(|| {
                    let list = challenge::parse(black_box(input));
                    serde_json::to_string(&schemes::describe(&list)).map(|s| s.len())
                })
            },
        );
        let hostile = hostile_challenges(size);
        group.bench_with_input(BenchmarkId::new("hostile", name), &hostile, |b, input| {
            b.iter(|| challenge::parse(black_box(input)).problems.len())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("authorization");
    for (size, name) in SIZES {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("user:{}", "p".repeat(size * 3 / 4)))
        );
        group.throughput(Throughput::Bytes(basic.len() as u64));
        group.bench_with_input(BenchmarkId::new("basic", name), &basic, |b, input| {
            b.iter(|| credentials::parse(black_box(input)).basic.is_some())
        });
        let bearer = format!("Bearer {}", token(size));
        group.throughput(Throughput::Bytes(bearer.len() as u64));
        group.bench_with_input(BenchmarkId::new("bearer-jwt", name), &bearer, |b, input| {
            b.iter(|| credentials::parse(black_box(input)).token.is_some())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("jwt");
    for (size, name) in SIZES {
        let input = token(size);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), &input, |b, input| {
            b.iter(|| jwt::parse(black_box(input)).kind)
        });
    }
    group.finish();
}

fn bench_cookies(c: &mut Criterion) {
    let mut group = c.benchmark_group("cookie");
    for (size, name) in SIZES {
        let unit = "session_id=6f1c2a9b7e4d4f0a; theme=dark; _ga=GA1.2.1234567890.1700000000; ";
        let header = unit.repeat(size / unit.len() + 1)[..size].to_owned();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(
            BenchmarkId::new("cookie-header", name),
            &header,
            |b, input| b.iter(|| cookie::parse_cookie_header(black_box(input)).cookies.len()),
        );
        let set = format!(
            "session=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Expires=Wed, 09 Jun 2100 10:18:14 GMT{}",
            "; Partitioned".repeat(size / 13)
        );
        group.throughput(Throughput::Bytes(set.len() as u64));
        group.bench_with_input(BenchmarkId::new("set-cookie", name), &set, |b, input| {
            b.iter(|| cookie::parse_set_cookie(black_box(input)).rejected)
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_cookies);
criterion_main!(benches);
