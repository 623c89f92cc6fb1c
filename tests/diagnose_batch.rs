//! `authlens diagnose` on many files (issue #17): a folder (searched recursively) and extra
//! files give one combined summary whose counts are the sums of the single-file runs, each
//! file's summary is exactly what `diagnose --json FILE` says, a broken file is listed with
//! its error without stopping the others, and the output is the same whatever the number
//! of jobs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn authlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(args)
        .output()
        .expect("runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/har")
        .join(name)
}

/// A folder with two lab HARs (one in a subfolder), a truncated HAR and a file that is
/// not a HAR by name (ignored).
fn batch_folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("a folder");
    std::fs::copy(
        fixture("lab/pattern-retry-storm.har"),
        dir.join("storm.har"),
    )
    .expect("copy");
    std::fs::copy(
        fixture("lab/flow-pkce-failed.har"),
        dir.join("sub/flow.HAR"),
    )
    .expect("copy");
    std::fs::write(
        dir.join("broken.har"),
        b"{\"log\": {\"entries\": [{\"request\": ",
    )
    .expect("write");
    std::fs::write(dir.join("notes.txt"), b"not a HAR").expect("write");
    dir
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[test]
fn a_folder_gives_one_summary_that_adds_up_the_single_file_runs() {
    let dir = batch_folder("batch-sum");
    let extra = fixture("lab/token-expired.har");
    let output = authlens(&[
        "diagnose",
        "--json",
        dir.to_str().unwrap(),
        extra.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "a file could not be read");
    let batch = json(&output);
    let files = batch["files"].as_array().expect("files");
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    // The folder's files in path order (subfolders included, *.har only, any case), then
    // the next argument.
    let d = dir.display();
    assert_eq!(
        paths,
        [
            format!("{d}/broken.har"),
            format!("{d}/storm.har"),
            format!("{d}/sub/flow.HAR"),
            extra.display().to_string()
        ]
    );

    let (mut entries, mut failures) = (0, 0);
    let mut causes = serde_json::Map::new();
    for file in files {
        let path = file["path"].as_str().unwrap();
        let single = authlens(&["diagnose", "--json", path]);
        if file.get("error").is_some() {
            // The same words as the single-file run's error, which stops with status 2.
            assert_eq!(single.status.code(), Some(2));
            let message = String::from_utf8_lossy(&single.stderr);
            assert_eq!(
                message.trim_end(),
                format!("authlens: {}", file["error"].as_str().unwrap())
            );
            assert!(file.get("summary").is_none());
            continue;
        }
        assert!(single.status.success(), "{path}");
        let summary = &json(&single)["summary"];
        assert_eq!(
            &file["summary"], summary,
            "{path}: the batch's summary is the single run's"
        );
        entries += summary["entries"].as_u64().unwrap();
        failures += summary["failures"].as_u64().unwrap();
        for (code, n) in summary["top_causes"].as_object().unwrap() {
            let sum = causes.get(code).and_then(Value::as_u64).unwrap_or(0) + n.as_u64().unwrap();
            causes.insert(code.clone(), sum.into());
        }
    }
    let combined = &batch["summary"];
    assert_eq!(combined["files"], 4);
    assert_eq!(combined["unreadable"], 1);
    assert_eq!(combined["entries"], entries);
    assert_eq!(combined["failures"], failures);
    assert_eq!(combined["top_causes"], Value::Object(causes));
    assert!(
        failures > 0 && entries > failures,
        "the fixtures have failures and successes"
    );
}

#[test]
fn the_output_is_the_same_whatever_the_number_of_jobs() {
    // Every lab fixture, plus the interop ones: many files of different sizes, which finish
    // in a different order on every run with several jobs.
    let lab = fixture("lab");
    let interop = fixture("interop");
    let broken = batch_folder("batch-jobs");
    let args = |format: &'static str, jobs: &'static str| {
        vec![
            "diagnose".to_owned(),
            "--format".into(),
            format.into(),
            "--jobs".into(),
            jobs.into(),
            lab.display().to_string(),
            interop.display().to_string(),
            broken.display().to_string(),
        ]
    };
    for format in ["text", "json", "md"] {
        let run = |jobs| {
            let a = args(format, jobs);
            let out = authlens(&a.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(out.status.code(), Some(2), "{format} --jobs {jobs}");
            out.stdout
        };
        let one = run("1");
        assert!(one.len() > 1000, "{format}: a report");
        for jobs in ["2", "3", "16"] {
            assert!(
                run(jobs) == one,
                "{format}: --jobs {jobs} prints the same as --jobs 1"
            );
        }
    }
    let text = authlens(
        &args("text", "2")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Top causes, all files"), "{text}");
    assert!(
        text.contains("Could not be read")
            && text.contains("broken.har is not a readable HAR file"),
        "{text}"
    );
}

#[test]
fn one_file_keeps_the_single_file_output_and_bad_batches_are_refused() {
    let one = authlens(&[
        "diagnose",
        "--json",
        fixture("lab/token-expired.har").to_str().unwrap(),
    ]);
    assert!(one.status.success());
    let single = json(&one);
    assert!(
        single["entries"].is_array() && single.get("files").is_none(),
        "{single}"
    );

    let stdin_too = authlens(&[
        "diagnose",
        "-",
        fixture("lab/token-expired.har").to_str().unwrap(),
    ]);
    assert_eq!(stdin_too.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&stdin_too.stderr).contains("standard input"));

    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("batch-empty");
    let _ = std::fs::create_dir_all(&empty);
    let none = authlens(&["diagnose", empty.to_str().unwrap()]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no .har file"));

    let zero = authlens(&["diagnose", "--jobs", "0", empty.to_str().unwrap()]);
    assert_eq!(
        zero.status.code(),
        Some(2),
        "--jobs 0 is refused by the argument parser"
    );
}
