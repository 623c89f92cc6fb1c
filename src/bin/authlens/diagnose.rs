//! `authlens diagnose`, `authlens report` and `authlens sanitize`: HAR files of any size,
//! streamed in bounded memory.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use authlens::report::{self, Report};
use authlens::sanitize::{sanitize_har, Sanitizer};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

use crate::output::Style;
use crate::read_ahead::ReadAhead;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Md,
    Json,
}

/// The input and its size (for the progress bar), `-` being standard input. It is read
/// one chunk ahead on a second thread (see `read_ahead`).
pub(crate) fn open(path: &str) -> Result<(Box<dyn Read>, Option<u64>), String> {
    let cannot = |e: std::io::Error| format!("cannot read {path}: {e}");
    if path == "-" {
        return Ok((
            Box::new(ReadAhead::spawn(std::io::stdin()).map_err(cannot)?),
            None,
        ));
    }
    let file = File::open(path).map_err(cannot)?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(ReadAhead::spawn(file).map_err(cannot)?), size))
}

/// A progress bar for files over 8 MB, only when stderr is a terminal.
pub(crate) fn progress(size: Option<u64>, verb: &str) -> Option<ProgressBar> {
    let size = size.filter(|s| *s > 8 << 20)?;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{verb} {{bar:40}} {{bytes}}/{{total_bytes}} ({{eta}})"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// The progress callback for a bar: moves it at most once per MB read.
pub(crate) fn advance(bar: &Option<ProgressBar>) -> impl FnMut(u64) + '_ {
    let mut last = 0;
    move |bytes| {
        if let Some(bar) = bar {
            if bytes - last > 1 << 20 {
                bar.set_position(bytes);
                last = bytes;
            }
        }
    }
}

pub fn diagnose(format: Format, path: &str, verify: Option<Verify>) -> Result<ExitCode, String> {
    let mut verify = verify;
    let mut extra = |ex: &authlens::exchange::Exchange,
                     findings: &mut Vec<authlens::finding::Finding>| {
        if let Some(v) = verify.as_mut() {
            v.check(ex, findings);
        }
    };
    match format {
        Format::Json => diagnose_json(path, &mut extra)?,
        Format::Md => print!(
            "{}",
            report::markdown(&read_report(path, &mut extra)?, path)
        ),
        Format::Text => print!("{}", text(&read_report(path, &mut extra)?, Style::detect())),
    }
    Ok(ExitCode::SUCCESS)
}

/// `--jwks`: the keys (from the file, then from JWKS answers seen in the HAR) and the HS
/// secret, checked against the token of every failing request. Cloned per file in a batch:
/// the keys one HAR reveals do not verify another's tokens.
#[derive(Clone)]
pub struct Verify {
    pub keys: Vec<crate::jwks::Key>,
    pub hs_secret: Option<String>,
}

impl Verify {
    pub(crate) fn check(
        &mut self,
        ex: &authlens::exchange::Exchange,
        findings: &mut Vec<authlens::finding::Finding>,
    ) {
        // A JWKS in the traffic (RFC 7517 §5): its keys join the set.
        if let Some(body) = ex
            .response_body
            .as_deref()
            .filter(|b| b.contains("\"keys\""))
        {
            if let Ok(keys) = crate::jwks::parse_jwks(body) {
                if self.keys.len() < 256 {
                    self.keys.extend(keys);
                }
            }
        }
        if findings.is_empty() {
            return;
        }
        let Some(token) = ex
            .request_header("Authorization")
            .and_then(|a| a.trim().split_once(' '))
            .filter(|(scheme, _)| {
                scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop")
            })
            .map(|(_, t)| t.trim())
        else {
            return;
        };
        let verdict = crate::jwks::verify(token, &self.keys, self.hs_secret.as_deref());
        if let Some(f) = crate::jwks::finding(&verdict, "Authorization") {
            findings.push(f);
        }
    }
}

/// JSON, streamed: each failing entry is written as soon as it is diagnosed, so memory
/// stays bounded however large the file.
fn diagnose_json(
    path: &str,
    extra: &mut dyn FnMut(&authlens::exchange::Exchange, &mut Vec<authlens::finding::Finding>),
) -> Result<(), String> {
    let (reader, size) = open(path)?;
    let bar = progress(size, "diagnosing");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut first = true;
    let mut write_error = None;
    let _ = out.write_all(b"{\"entries\":[");
    let summary = report::diagnose_har_each_with(reader, advance(&bar), extra, |entry| {
        let separator: &[u8] = if std::mem::take(&mut first) {
            b"\n"
        } else {
            b",\n"
        };
        if let Err(e) = out
            .write_all(separator)
            .map_err(|e| e.to_string())
            .and_then(|()| serde_json::to_writer(&mut out, &entry).map_err(|e| e.to_string()))
        {
            write_error.get_or_insert(e);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = summary.map_err(|e| unreadable(path, e))?;
    let _ = out.write_all(b"\n],\"summary\":");
    serde_json::to_writer(&mut out, &summary).map_err(|e| e.to_string())?;
    out.write_all(b"}\n")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    match write_error {
        Some(e) => Err(format!("cannot write the report: {e}")),
        None => Ok(()),
    }
}

/// The summary and the first 1,000 failing entries (text and Markdown show no more).
fn read_report(
    path: &str,
    extra: &mut dyn FnMut(&authlens::exchange::Exchange, &mut Vec<authlens::finding::Finding>),
) -> Result<Report, String> {
    let (reader, size) = open(path)?;
    let bar = progress(size, "diagnosing");
    let result = report::diagnose_har_limited_with(reader, advance(&bar), 1_000, extra);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result.map_err(|e| unreadable(path, e))
}

/// The error with the line and column of its byte offset, counted by reading the file
/// again up to it (not possible for standard input, which says only the offset).
pub(crate) fn unreadable(path: &str, mut error: authlens::har::stream::HarError) -> String {
    if path != "-" {
        if let Ok(file) = File::open(path) {
            error.locate(file);
        }
    }
    format!("{path} is not a readable HAR file: {error}")
}

pub fn report(path: &str, out: Option<&str>) -> Result<ExitCode, String> {
    let report = read_report(path, &mut |_, _| {})?;
    let text = report::markdown(&report, path);
    match out {
        Some(out) => std::fs::write(out, text).map_err(|e| format!("cannot write {out}: {e}"))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn sanitize(path: &str, out: Option<&str>, strict: bool) -> Result<ExitCode, String> {
    let (reader, size) = open(path)?;
    let bar = progress(size, "sanitizing");
    let mut sanitizer = Sanitizer::new(strict);
    let writer: Box<dyn Write> = match out {
        Some(out) => Box::new(File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let result = sanitize_har(reader, writer, &mut sanitizer, advance(&bar));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let entries = result.map_err(|e| unreadable(path, e))?;
    let mut notes = String::new();
    if sanitizer.cut_deep > 0 {
        notes.push_str(&format!(
            ", {} nested more than {} levels deep cut",
            plural(sanitizer.cut_deep, "field", "fields"),
            authlens::sanitize::MAX_DEPTH
        ));
    }
    if sanitizer.skipped > 0 {
        notes.push_str(&format!(
            ", {} too large to read written as a note",
            plural(sanitizer.skipped, "value", "values")
        ));
    }
    eprintln!(
        "authlens: {entries} entries, {} values redacted{notes}{}",
        sanitizer.redacted,
        out.map(|o| format!(", written to {o}")).unwrap_or_default()
    );
    if sanitizer.cut_values > 0 {
        let (what, verb) = match sanitizer.cut_values {
            1 => ("entry", "was"),
            _ => ("entries", "were"),
        };
        eprintln!(
            "authlens: {} {what} over {} MB {verb} written with strings longer than {} KB cut \
             (bodies, mostly)",
            sanitizer.cut_values,
            authlens::har::stream::MAX_WINDOW >> 20,
            authlens::har::stream::LONG_STRING >> 10
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn text(report: &Report, style: Style) -> String {
    let s = &report.summary;
    let mut out = format!(
        "{} of {} entries failed authentication",
        s.failures, s.entries
    );
    if let Some(first) = &s.first_failure {
        out.push_str(&format!(", starting at {first}"));
    }
    out.push('\n');
    if let Some(note) = authlens::report::skipped_note(s) {
        out.push_str(&format!("{note}\n"));
    }
    if report.entries.is_empty() {
        return out;
    }
    out.push_str(&format!("{}\n", style.bold("Top causes")));
    let mut causes: Vec<_> = s.top_causes.iter().collect();
    causes.sort_by(|a, b| b.1.cmp(a.1));
    for (code, count) in causes {
        out.push_str(&format!("  {count:>5}  {code}\n"));
    }
    if !s.flows.is_empty() {
        out.push_str(&format!("{}\n", style.bold("Sign-in flows")));
        for flow in &s.flows {
            let steps: Vec<String> = flow
                .steps
                .iter()
                .map(|(i, kind, status)| {
                    let kind = serde_json::to_value(kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    format!("#{i} {kind} {status}")
                })
                .collect();
            out.push_str(&format!(
                "  flow {} {}: {}\n",
                flow.id,
                flow.client_id.as_deref().unwrap_or("(client unknown)"),
                steps.join(" → ")
            ));
            if let Some(b) = &flow.broken {
                out.push_str(&format!(
                    "    broke at #{}: {} ({})\n",
                    b.index, b.title, b.code
                ));
            }
        }
    }
    out.push_str(&format!("{}\n", style.bold("By host")));
    for (host, count) in &s.hosts {
        out.push_str(&format!("  {count:>5}  {host}\n"));
    }
    out.push('\n');
    for entry in &report.entries {
        let Some(top) = entry.findings.first() else {
            continue;
        };
        if let Some(link) = &top.flow {
            out.push_str(&format!("[flow {}] ", link.id));
        }
        out.push_str(&format!(
            "#{} {} {} → {}\n  {} {}\n",
            entry.index,
            entry.method,
            entry.url,
            entry.status,
            style.bold(&top.title),
            style.dim(&format!("({}, {:?})", top.code, top.likelihood).to_lowercase()),
        ));
        if let Some(fix) = top.fixes.first() {
            out.push_str(&format!("  fix: {}\n", fix.text));
        }
        for other in entry.findings.iter().skip(1).take(2) {
            out.push_str(&format!("  also: {} ({})\n", other.title, other.code));
        }
    }
    out
}
