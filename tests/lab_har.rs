//! The lab scenarios, recorded from a real Chromium run (`tools/record-lab-har.mjs`: the
//! HAR the DevTools panel receives), diagnosed natively: every scenario's expected top
//! finding must rank first on one of its entries, with its other expected findings beside
//! it, and the healthy scenario must raise nothing.

use std::fs;
use std::path::Path;

use authlens::diagnose::Session;
use authlens::exchange::Exchange;
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
struct Expect {
    expect: Vec<String>,
}

fn diagnose_file(path: &Path) -> Vec<Vec<&'static str>> {
    let har: Har =
        serde_json::from_str(&fs::read_to_string(path).expect("readable")).expect("a HAR");
    let mut session = Session::default();
    har.log
        .entries
        .into_iter()
        .map(|entry| {
            session
                .diagnose(&Exchange::from_har(entry))
                .iter()
                .map(|f| f.code)
                .collect()
        })
        .collect()
}

#[test]
fn every_recorded_scenario_gets_its_diagnosis() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har/lab");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for expect_path in paths
        .iter()
        .filter(|p| p.to_string_lossy().ends_with(".expect.json"))
    {
        let id = expect_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .trim_end_matches(".expect.json")
            .to_owned();
        let expect: Expect =
            serde_json::from_str(&fs::read_to_string(expect_path).expect("readable"))
                .expect("JSON");
        let per_entry = diagnose_file(&dir.join(format!("{id}.har")));
        checked += 1;
        match expect.expect.first() {
            None => {
                if per_entry.iter().any(|codes| !codes.is_empty()) {
                    failures.push(format!("{id}: expected no finding, got {per_entry:?}"));
                }
            }
            Some(top) => {
                let hit = per_entry
                    .iter()
                    .find(|codes| codes.first() == Some(&top.as_str()));
                match hit {
                    Some(codes) => {
                        for also in &expect.expect[1..] {
                            if !codes.contains(&also.as_str()) {
                                failures
                                    .push(format!("{id}: {also} missing beside {top}: {codes:?}"));
                            }
                        }
                    }
                    None => failures.push(format!("{id}: expected {top} first, got {per_entry:?}")),
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} recorded scenarios");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
