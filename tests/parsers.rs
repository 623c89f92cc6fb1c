//! Table-driven parser tests: one fixture per case in `tests/fixtures/parsers/`, the
//! input in `NAME.KIND.txt` and the expected JSON beside it in `NAME.KIND.json`, where
//! KIND is `challenge` (one field line per line; a line starting with white space continues the previous one, as obs-fold), `authorization` or `token`.
//!
//! The JSON is exactly what `authlens KIND --json` prints (secrets masked). To add a case,
//! write the `.txt`, run `AUTHLENS_BLESS=1 cargo test --test parsers`, and *read* the new
//! `.json` before committing it: it is the expectation.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use authlens::{challenge, credentials, jwt, schemes};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parsers");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("the fixtures folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    inputs.sort();
    inputs
}

fn kind_of(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem.rsplit('.').next().unwrap_or("").to_owned()
}

fn analyse(kind: &str, input: &str) -> Value {
    match kind {
        "challenge" => {
            let list = challenge::parse_lines(challenge::split_field_lines(input));
            serde_json::to_value(schemes::describe(&list)).expect("serialisable")
        }
        "authorization" => credentials::parse(input).to_json(false),
        "token" => serde_json::to_value(jwt::parse(input)).expect("serialisable"),
        other => panic!("unknown fixture kind {other:?}"),
    }
}

#[test]
fn every_fixture_matches_its_expected_json() {
    let bless = std::env::var_os("AUTHLENS_BLESS").is_some();
    let inputs = fixtures();
    assert!(inputs.len() >= 50, "the fixture table went missing");
    let mut failures = Vec::new();
    for input_path in &inputs {
        let input = fs::read_to_string(input_path).expect("fixture is UTF-8");
        let actual = analyse(&kind_of(input_path), &input);
        let expected_path = input_path.with_extension("json");
        if bless {
            let text = serde_json::to_string_pretty(&actual).expect("serialisable") + "\n";
            fs::write(&expected_path, text).expect("write expectation");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(text) => {
                let expected: Value = serde_json::from_str(&text).expect("expectation is JSON");
                if expected != actual {
                    failures.push(format!(
                        "{}:\n  expected {expected}\n  actual   {actual}",
                        input_path.display()
                    ));
                }
            }
            Err(_) => failures.push(format!("{} has no .json expectation", input_path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The CLI prints exactly the library's JSON, reads `-` from stdin, and exits 0 on
/// input that parsed and 1 (with a message on stderr) on input that did not.
#[test]
fn the_cli_honours_its_contract() {
    let bin = env!("CARGO_BIN_EXE_authlens");
    for input_path in fixtures().iter().step_by(7) {
        let kind = kind_of(input_path);
        let input = fs::read_to_string(input_path).expect("fixture is UTF-8");
        let mut command = Command::new(bin);
        command.arg(&kind).arg("--json");
        if kind == "challenge" {
            command.args(challenge::split_field_lines(&input));
        } else {
            command.arg(&input);
        }
        let output = command.output().expect("authlens runs");
        let printed: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
        assert_eq!(printed, analyse(&kind, &input), "{}", input_path.display());
    }

    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(bin)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("authlens runs");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("authlens finishes")
    };
    let out = run(
        &["authorization", "--json", "-"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n",
    );
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["basic"]["user"], "Aladdin");
    assert_eq!(json["basic"]["password"], "***");
    let out = run(
        &["authorization", "--json", "--reveal", "-"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["basic"]["password"], "open sesame");

    let out = run(
        &["token", "--json", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "a broken JWT fails");
    assert!(!out.stderr.is_empty(), "with a message");
    let out = run(
        &["challenge", "--json", "-"],
        "Basic realm=\"a\"\nBearer realm=\"b\"\n",
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["challenges"].as_array().map(Vec::len), Some(2));
    let out = run(&["challenge", "--json", "=x"], "");
    assert_eq!(out.status.code(), Some(1));

    // Text mode: no JSON, no colour when piped, and no secret.
    let out = run(&["authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Aladdin") && !text.contains("open sesame") && !text.contains('\x1b'));
    let out = run(&["token", "-"], &"\u{fffd}".repeat(3));
    assert!(!out.status.success());
}
