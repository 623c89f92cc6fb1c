//! Native time per `annotate_in` on the lab's recorded HAR entries, in a 500-exchange
//! session (the panel's Inspector), to split the browser benchmark's per-entry time into
//! engine and boundary (docs/performance.md). `cargo run --release --example annotate_native`
use std::time::Instant;

use authlens::annotate::annotate_in;
use authlens::diagnose::Session;
use authlens::exchange::Exchange;
use authlens::har::HarEntry;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/har/lab");
    // Each entry as JSON text (what the boundary receives) and as a `HarEntry`.
    let mut texts: Vec<String> = Vec::new();
    for file in std::fs::read_dir(dir).expect("fixtures").flatten() {
        let text = std::fs::read_to_string(file.path()).expect("readable");
        let har: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        for entry in har["log"]["entries"].as_array().into_iter().flatten() {
            texts.push(entry.to_string());
        }
    }
    let entries: Vec<HarEntry> = texts
        .iter()
        .map(|t| serde_json::from_str(t).expect("entry"))
        .collect();
    let exchanges: Vec<Exchange> = entries.iter().cloned().map(Exchange::from_har).collect();
    // SCANNING=1: the detectors scan the whole session, without its index.
    let mut session = if std::env::var_os("SCANNING").is_some() {
        Session::new(500).scanning()
    } else {
        Session::new(500)
    };
    let rounds = 2000;
    let (mut engine, mut parse, mut json) = (0.0, 0.0, 0.0);
    for _ in 0..rounds {
        let t = Instant::now();
        for text in &texts {
            let entry: HarEntry = serde_json::from_str(text).expect("entry");
            std::hint::black_box(Exchange::from_har(entry));
        }
        parse += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut out = Vec::with_capacity(exchanges.len());
        for exchange in &exchanges {
            out.push(annotate_in(exchange, &mut session));
        }
        engine += t.elapsed().as_secs_f64();
        let t = Instant::now();
        for annotation in &out {
            std::hint::black_box(serde_json::to_string(annotation).expect("JSON"));
        }
        json += t.elapsed().as_secs_f64();
    }
    let per = |s: f64| s * 1e6 / (rounds * exchanges.len()) as f64;
    println!(
        "{} entries: entry JSON → Exchange {:.1} µs, annotate_in {:.1} µs, annotation → JSON {:.1} µs",
        exchanges.len(),
        per(parse),
        per(engine),
        per(json)
    );
}
