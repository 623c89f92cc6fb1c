//! The panel's boundary (issue #17): a `Brief` per exchange, and the full annotation of
//! the one a UI opens from `Details`. The full annotation read back must be exactly the
//! one `annotate_in` gave when the exchange was observed, for every recorded lab entry.

use std::fs;

use authlens::annotate::{annotate_in, Details};
use authlens::diagnose::Session;
use authlens::exchange::Exchange;
use authlens::har::HarEntry;

/// Every entry of the lab's recorded HARs, in file order, as one session would see them.
fn lab_exchanges() -> Vec<Exchange> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/har/lab");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("lab fixtures")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "har"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let har: serde_json::Value =
            serde_json::from_slice(&fs::read(&file).expect("read")).expect("json");
        for entry in har["log"]["entries"].as_array().expect("entries") {
            let entry: HarEntry = serde_json::from_value(entry.clone()).expect("entry");
            out.push(Exchange::from_har(entry));
        }
    }
    assert!(
        out.len() > 50,
        "the lab fixtures hold {} entries",
        out.len()
    );
    out
}

#[test]
fn the_annotation_read_back_is_the_one_observed() {
    let exchanges = lab_exchanges();
    let mut session = Session::new(500);
    let mut details = Details::new(10_000);
    let mut observed = Vec::new();
    for exchange in &exchanges {
        let id = details.next_id();
        let annotation = annotate_in(exchange, &mut session);
        let json = serde_json::to_value(&annotation).expect("annotation");
        let brief = serde_json::to_value(annotation.brief(id)).expect("brief");
        assert_eq!(brief["id"], id);
        assert_eq!(
            brief["findingCount"],
            json["findings"].as_array().map_or(0, Vec::len)
        );
        // The brief names the top finding; the whole one is the background's.
        let top = json["findings"]
            .get(0)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        for field in ["code", "likelihood", "title"] {
            assert_eq!(brief["top"][field], top[field], "top {field}");
        }
        assert!(brief["top"].get("explanation").is_none());
        let whole = serde_json::to_value(annotation.brief_whole(id)).expect("brief");
        assert_eq!(whole["top"], top);
        for field in [
            "method",
            "url",
            "status",
            "isAuthFailure",
            "challengeHeader",
            "challenges",
            "resolvesPrevious",
        ] {
            assert_eq!(brief[field], json[field], "{field}");
        }
        details.keep(annotation);
        observed.push((id, json));
    }
    // Findings, cookie verdicts and handshakes were all met, so the comparison means something.
    assert!(observed
        .iter()
        .any(|(_, a)| a["findings"].as_array().is_some_and(|f| f.len() > 1)));
    assert!(observed.iter().any(|(_, a)| a["cookies"]["withheld"]
        .as_array()
        .is_some_and(|w| !w.is_empty())));
    assert!(observed
        .iter()
        .any(|(_, a)| a["findings"].as_array().is_some_and(Vec::is_empty)));
    for ((id, json), exchange) in observed.iter().zip(&exchanges) {
        let again = details.annotation(*id, exchange).expect("kept");
        assert_eq!(
            &serde_json::to_value(&again).expect("annotation"),
            json,
            "exchange {id}"
        );
    }
}

#[test]
fn details_are_bounded_and_ids_are_never_reused() {
    let exchanges = lab_exchanges();
    let mut session = Session::new(500);
    let mut details = Details::new(10);
    let mut ids = Vec::new();
    for exchange in &exchanges[..20] {
        ids.push(details.next_id());
        details.keep(annotate_in(exchange, &mut session));
    }
    assert_eq!(ids, (0..20).collect::<Vec<u32>>());
    assert!(
        details.annotation(9, &exchanges[9]).is_none(),
        "the oldest went first"
    );
    assert!(details.annotation(10, &exchanges[10]).is_some());
    assert!(details.annotation(19, &exchanges[19]).is_some());
    assert!(
        details.annotation(20, &exchanges[0]).is_none(),
        "not observed yet"
    );

    details.set_capacity(3);
    assert!(details.annotation(16, &exchanges[16]).is_none());
    assert!(details.annotation(17, &exchanges[17]).is_some());

    details.clear();
    assert!(details.annotation(19, &exchanges[19]).is_none());
    assert_eq!(details.next_id(), 20, "ids go on after a clear");

    // Capacity 0 (the background): nothing kept, ids still count.
    let mut none = Details::new(0);
    none.keep(annotate_in(&exchanges[0], &mut Session::new(10)));
    assert_eq!(none.next_id(), 1);
    assert!(none.annotation(0, &exchanges[0]).is_none());
}
