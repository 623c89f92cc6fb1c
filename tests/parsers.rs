//! Table-driven parser tests: one fixture per case in `tests/fixtures/parsers/`, the
//! input in `NAME.KIND.txt` and the expected JSON beside it in `NAME.KIND.json`, where
//! KIND is `challenge` (one field line per line; a line starting with white space
//! continues the previous one, as obs-fold), `authorization`, `token`, `set-cookie` (one
//! value per line) or `cookie`.
//!
//! The JSON is exactly what `authlens KIND --json` prints (secrets masked). To add a case,
//! write the `.txt`, run `AUTHLENS_BLESS=1 cargo test --test parsers`, and *read* the new
//! `.json` before committing it: it is the expectation.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use authlens::{challenge, cookie, credentials, jwt, schemes};
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
        "set-cookie" => {
            let cookies: Vec<Value> = set_cookie_lines(input)
                .map(|line| cookie::parse_set_cookie(line).to_json(false))
                .collect();
            serde_json::json!({ "cookies": cookies })
        }
        "cookie" => cookie::parse_cookie_header(input).to_json(false),
        other => panic!("unknown fixture kind {other:?}"),
    }
}

fn set_cookie_lines(input: &str) -> impl Iterator<Item = &str> {
    input.lines().filter(|l| !l.trim().is_empty())
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
    // Every kind, and a sample of the rest.
    let mut kinds_seen = std::collections::HashSet::new();
    let sample = fixtures()
        .into_iter()
        .enumerate()
        .filter(|(i, path)| kinds_seen.insert(kind_of(path)) || i % 7 == 0)
        .map(|(_, path)| path)
        .collect::<Vec<_>>();
    for input_path in &sample {
        let kind = kind_of(input_path);
        let input = fs::read_to_string(input_path).expect("fixture is UTF-8");
        let mut command = Command::new(bin);
        command.arg(&kind).arg("--json");
        if kind == "challenge" {
            command.args(challenge::split_field_lines(&input));
        } else if kind == "set-cookie" {
            command.args(set_cookie_lines(&input));
        } else {
            command.arg(&input);
        }
        let output = command.output().expect("authlens runs");
        let printed: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
        assert_eq!(printed, analyse(&kind, &input), "{}", input_path.display());
    }

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

fn run(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("authlens runs");
    if let Some(mut input) = child.stdin.take() {
        // A command that does not read stdin may exit before we write: a broken pipe then
        // is expected, not a failure.
        if let Err(e) = input.write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    child.wait_with_output().expect("authlens finishes")
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// The cookie and date commands: values masked unless revealed, stdin, exit status 1 when
/// a browser would refuse a cookie or nothing could be read.
#[test]
fn cookie_and_date_commands_honour_the_contract() {
    let out = run(
        &["set-cookie", "--json", "-"],
        "SID=31d4d96e407aad42; Path=/; Secure; HttpOnly\r\n\r\nlang=en-US\n",
    );
    assert!(out.status.success());
    let json = json_of(&out);
    assert_eq!(json["cookies"][0]["value"], "31d4…(16 bytes)");
    assert_eq!(json["cookies"][1]["name"], "lang");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("31d4d96e407aad42"));

    let out = run(&["set-cookie", "--json", "--reveal", "a=secretvalue"], "");
    assert_eq!(json_of(&out)["cookies"][0]["value"], "secretvalue");

    let out = run(
        &["set-cookie", "__Host-id=s3cr3t-value-123456; Domain=x.com"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "a refused cookie fails");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("refuse") && !text.contains("s3cr3t-value-123456"),
        "{text}"
    );

    let out = run(&["cookie", "--json", "a=1; a=2"], "");
    assert!(out.status.success());
    assert_eq!(json_of(&out)["duplicates"], serde_json::json!(["a"]));
    let out = run(&["cookie", ""], "");
    assert_eq!(out.status.code(), Some(1));

    let out = run(&["date", "--json", "Sun, 06 Nov 1994 08:49:37 GMT"], "");
    assert!(out.status.success());
    assert_eq!(json_of(&out)["http_date"], 784_111_777);
    let out = run(&["date", "--json", "-"], "120\n");
    assert_eq!(json_of(&out)["delay_seconds"], 120);
    let out = run(&["date", "--json", "Wed, 09-Jun-2021 10:18:14 GMT"], "");
    assert!(out.status.success(), "a cookie date is still a date");
    let json = json_of(&out);
    assert_eq!(json["http_date"], Value::Null);
    assert_eq!(json["cookie_date"], 1_623_233_894);
    assert_eq!(json["problems"][0]["offset"], 0);
    let out = run(&["date", "yesterday"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty());
}

/// `authorization --dpop` reads the proof header beside the credentials; `--proxy` only
/// changes the label; `token --reveal` adds the token itself.
#[test]
fn dpop_proxy_and_reveal_options() {
    // RFC 9449 §4.1's proof and §7.1's credentials.
    let proof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";
    let credentials = "DPoP Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    let out = run(
        &["authorization", "--json", "--dpop", proof, credentials],
        "",
    );
    assert!(out.status.success());
    let json = json_of(&out);
    assert_eq!(json["dpop_proof"]["token"]["usage"]["kind"], "dpop_proof");
    assert!(
        json["dpop_proof"]["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ath")),
        "the §4.1 proof was made for the token endpoint: no ath"
    );
    let out = run(&["authorization", "--dpop", "-", "-"], "x");
    assert_eq!(
        out.status.code(),
        Some(2),
        "two values cannot both be stdin"
    );

    let out = run(
        &[
            "authorization",
            "--proxy",
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        ],
        "",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Proxy-Authorization") && text.contains("Aladdin"));

    let token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    let out = run(&["token", "--json", token], "");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(token));
    let out = run(&["token", "--json", "--reveal", token], "");
    assert_eq!(json_of(&out)["token"], token);
}

/// Issue #11, item 4: every parser command exits 1 only for errors (the grammar is
/// broken); warnings (it parses, a spec advises otherwise) exit 0. Text output labels
/// each problem with its severity, and the JSON carries it.
#[test]
fn every_command_exits_1_for_errors_only() {
    // (command and arguments, a severity that must be among the problems, exit status)
    let cases: &[(&[&str], &str, i32)] = &[
        (&["challenge", r#"Digest realm="x""#], "warning", 0),
        (
            &["challenge", "Bearer realm=\"a\",\r\n error=\"x\""],
            "warning",
            0,
        ),
        (
            &["challenge", r#"Basic realm="r", charset="latin1""#],
            "warning",
            0,
        ),
        (&["challenge", r#"Bearer realm="a" scope="b""#], "error", 1),
        (&["challenge", "Bearer abc=="], "error", 1),
        (
            &["authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ"],
            "warning",
            0,
        ),
        (
            &["authorization", r#"Digest username="Mufasa""#],
            "warning",
            0,
        ),
        (&["authorization", "Basic _-_-"], "error", 1),
        (&["authorization", "Basic dXNlcg=="], "error", 1),
        (
            &["token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0=.c2ln"],
            "warning",
            0,
        ),
        (
            &["token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJh+In0.c2ln"],
            "error",
            1,
        ),
        (
            &["set-cookie", "a=b; SameSite=Bogus; Max-Age=x"],
            "warning",
            0,
        ),
        (&["set-cookie", "a=b; SameSite=None"], "error", 1),
        (&["cookie", "a=1;; b=2"], "warning", 0),
        (&["cookie", "a=1; b=\u{1}"], "error", 1),
        (&["date", "Wed, 09-Jun-2021 10:18:14 GMT"], "warning", 0),
        (&["date", "Sunday, 06-Nov-94 08:49:37 GMT"], "warning", 0),
        (&["date", "yesterday"], "error", 1),
        (&["date", "12a"], "error", 1),
    ];
    for (args, severity, status) in cases {
        let json_args: Vec<&str> = std::iter::once(args[0])
            .chain(std::iter::once("--json"))
            .chain(args[1..].iter().copied())
            .collect();
        let out = run(&json_args, "");
        assert_eq!(out.status.code(), Some(*status), "{args:?}");
        let json = json_of(&out);
        let problems: Vec<&Value> = json["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(
                json["cookies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|c| c["problems"].as_array().into_iter().flatten()),
            )
            .collect();
        assert!(
            problems
                .iter()
                .all(|p| p["severity"] == "error" || p["severity"] == "warning"),
            "{args:?}: every problem has a severity: {problems:?}"
        );
        assert!(
            problems.iter().any(|p| p["severity"] == *severity),
            "{args:?}: {problems:?}"
        );
        if *status == 0 {
            assert!(
                problems.iter().all(|p| p["severity"] == "warning"),
                "{args:?}: exit 0 means no error: {problems:?}"
            );
        }
        let text = run(args, "");
        assert_eq!(text.status.code(), Some(*status), "{args:?} (text)");
        let stdout = String::from_utf8_lossy(&text.stdout);
        assert!(
            stdout.contains(&format!("{severity}:")),
            "{args:?}: text shows the severity: {stdout}"
        );
        assert!(!stdout.contains("problem:"), "{stdout}");
    }
}
