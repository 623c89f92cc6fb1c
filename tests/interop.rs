//! The interop fixtures: HARs recorded from real third-party servers driven by real
//! Chromium (`tests/interop/`, docs/interop.md), diagnosed natively. Each
//! `<scenario>.expect.json` holds expectations written from the server's documented
//! behaviour and logs, not from AuthLens: on the entry matching URL substring, method and
//! status, `top` must rank first (`null`: no finding at all) and none of `absent` may be
//! raised. A scenario marked `knownMiss` must still miss, so that a fix is noticed and
//! the mark removed. Prints the score per stack.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use authlens::har::HarEntry;
use serde::Deserialize;

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<HarEntry>,
}

#[derive(Deserialize)]
struct Meta {
    stack: String,
    server: String,
    expect: Vec<Expectation>,
    #[serde(rename = "knownMiss")]
    known_miss: Option<String>,
}

#[derive(Deserialize, Debug)]
struct Expectation {
    url: String,
    method: Option<String>,
    status: i64,
    /// `None` (JSON null): the entry must get no finding.
    top: Option<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    nth: usize,
}

/// One entry: what matching needs, and its findings (best first) in the session.
struct Diagnosed {
    method: String,
    url: String,
    status: i64,
    codes: Vec<&'static str>,
}

/// Every entry with its findings, diagnosed the way `authlens diagnose` does
/// (`report::diagnose_har_each`: one session, in order, a handshake's first leg dropped
/// once the next entry answers it).
fn diagnose_file(path: &Path) -> Vec<Diagnosed> {
    let text = fs::read_to_string(path).expect("readable");
    let har: Har = serde_json::from_str(&text).expect("a HAR");
    let mut entries: Vec<Diagnosed> = har
        .log
        .entries
        .into_iter()
        .map(|entry| Diagnosed {
            method: entry.request.method,
            url: entry.request.url,
            status: entry.response.status,
            codes: Vec::new(),
        })
        .collect();
    let mut reported = Vec::new();
    authlens::report::diagnose_har_each(text.as_bytes(), |_| {}, |entry| reported.push(entry))
        .expect("a HAR");
    for entry in reported {
        if let Some(diagnosed) = entries.get_mut(entry.index) {
            diagnosed.codes = entry.findings.iter().map(|f| f.code).collect();
        }
    }
    entries
}

/// `Ok(())` when the expectation holds, otherwise what went wrong.
fn check(entries: &[Diagnosed], exp: &Expectation) -> Result<(), String> {
    let method = exp.method.as_deref().unwrap_or("GET");
    let Some(entry) = entries
        .iter()
        .filter(|e| e.url.contains(&exp.url) && e.method == method && e.status == exp.status)
        .nth(exp.nth)
    else {
        return Err(format!(
            "no entry {method} *{}* {} (#{})",
            exp.url, exp.status, exp.nth
        ));
    };
    let mut problems = Vec::new();
    match &exp.top {
        None if !entry.codes.is_empty() => {
            problems.push(format!("expected no finding, got {:?}", entry.codes));
        }
        Some(top) if entry.codes.first() != Some(&top.as_str()) => {
            problems.push(format!("expected {top} first, got {:?}", entry.codes));
        }
        _ => {}
    }
    for a in &exp.absent {
        if entry.codes.contains(&a.as_str()) {
            problems.push(format!("{a} must not be raised: {:?}", entry.codes));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{method} {} {}: {}",
            exp.url,
            exp.status,
            problems.join("; ")
        ))
    }
}

fn expect_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for stack in fs::read_dir(dir).expect("tests/fixtures/har/interop") {
        let stack = stack.expect("a folder entry").path();
        if !stack.is_dir() {
            continue;
        }
        for file in fs::read_dir(&stack).expect("a stack folder") {
            let path = file.expect("a file").path();
            if path.to_string_lossy().ends_with(".expect.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_interop_fixture_gets_the_servers_diagnosis() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har/interop");
    let mut failures = Vec::new();
    // stack → (server, hits, scenarios)
    let mut score: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    let files = expect_files(&dir);
    for expect_path in &files {
        let name = expect_path.to_string_lossy();
        let har_path = PathBuf::from(name.trim_end_matches(".expect.json").to_owned() + ".har");
        let id = har_path
            .strip_prefix(&dir)
            .unwrap_or(&har_path)
            .display()
            .to_string();
        let meta: Meta = serde_json::from_str(&fs::read_to_string(expect_path).expect("readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let entries = diagnose_file(&har_path);
        let problems: Vec<String> = meta
            .expect
            .iter()
            .filter_map(|exp| check(&entries, exp).err())
            .collect();
        let hit = problems.is_empty();
        let s = score
            .entry(meta.stack.clone())
            .or_insert_with(|| (meta.server.clone(), 0, 0));
        s.2 += 1;
        if hit {
            s.1 += 1;
        }
        match (&meta.known_miss, hit) {
            (Some(reason), true) => failures.push(format!(
                "{id}: marked knownMiss ({reason}) but AuthLens now gets it right: remove the mark"
            )),
            (None, false) => failures.push(format!("{id}: {}", problems.join("\n    "))),
            _ => {}
        }
    }
    let (hits, all) = score
        .values()
        .fold((0, 0), |(h, a), (_, sh, sa)| (h + sh, a + sa));
    println!("interop score: {hits}/{all}");
    for (stack, (server, h, a)) in &score {
        println!("  {stack} ({server}): {h}/{a}");
    }
    // issue #11: at least six stacks and forty scenarios.
    assert!(score.len() >= 6, "only {} stacks", score.len());
    assert!(all >= 40, "only {all} interop scenarios");
    assert!(
        failures.is_empty(),
        "{} of {all} interop scenarios misjudged:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
