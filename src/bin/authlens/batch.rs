//! `authlens diagnose` on many HAR files at once: files and folders (searched recursively
//! for `*.har`), diagnosed in parallel, one combined summary.
//!
//! Each file is streamed as `diagnose` streams one (`report::diagnose_har_each_with`, with
//! its read-ahead thread), and only its summary is kept, so memory is bounded by the number
//! of jobs, not by the number or size of the files. The jobs are scoped threads that take
//! the next file from a shared counter (no dependency: files are few and coarse, so a work
//! queue of one atomic is all the scheduling needed); results are stored by the file's
//! position, so the output is the same whatever the number of jobs and whichever finishes
//! first. A file that cannot be read is listed with its error; the others go on.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use authlens::report::{self, Summary};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::diagnose::{open, unreadable, Format, Verify};
use crate::output::Style;

/// One input file: its path as shown, or the error met while looking for files.
struct Input {
    path: String,
    error: Option<String>,
}

/// Whether `authlens diagnose` was given more than one file: several paths, or a folder.
pub fn is_batch(paths: &[String]) -> bool {
    paths.len() > 1
        || paths
            .first()
            .is_some_and(|p| p != "-" && Path::new(p).is_dir())
}

/// The files to diagnose, in a fixed order: the arguments' order, each folder's files
/// sorted by path. Symbolic links to folders are not followed (no cycles).
fn collect(paths: &[String]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for path in paths {
        if path == "-" {
            return Err("`-` (standard input) cannot be one of several inputs".into());
        }
        if Path::new(path).is_dir() {
            walk(Path::new(path), &mut out);
        } else {
            // A missing or unreadable file is reported with the others' results.
            out.push(Input {
                path: path.clone(),
                error: None,
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.push(Input {
                path: dir.display().to_string(),
                error: Some(format!("cannot read the folder {}: {e}", dir.display())),
            });
            return;
        }
    };
    let mut paths: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.path(), is_dir)
        })
        .collect();
    paths.sort();
    for (path, is_dir) in paths {
        if is_dir {
            walk(&path, out);
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("har"))
        {
            out.push(Input {
                path: path.display().to_string(),
                error: None,
            });
        }
    }
}

/// One file's result.
#[derive(Serialize)]
struct FileResult {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Summary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// All files together.
#[derive(Serialize, Default)]
struct Combined {
    files: usize,
    unreadable: usize,
    entries: usize,
    failures: usize,
    skipped_entries: usize,
    top_causes: BTreeMap<&'static str, usize>,
    hosts: BTreeMap<String, usize>,
}

impl Combined {
    fn of(results: &[FileResult]) -> Self {
        let mut c = Combined {
            files: results.len(),
            ..Combined::default()
        };
        for r in results {
            let Some(s) = &r.summary else {
                c.unreadable += 1;
                continue;
            };
            c.entries += s.entries;
            c.failures += s.failures;
            c.skipped_entries += s.skipped_entries;
            for (code, n) in &s.top_causes {
                *c.top_causes.entry(code).or_default() += n;
            }
            for (host, n) in &s.hosts {
                *c.hosts.entry(host.clone()).or_default() += n;
            }
        }
        c
    }
}

/// Most frequent first, then by name: a stable order.
fn ranked<K: AsRef<str> + Ord>(map: &BTreeMap<K, usize>) -> Vec<(&str, usize)> {
    let mut list: Vec<(&str, usize)> = map.iter().map(|(k, v)| (k.as_ref(), *v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

/// `authlens diagnose FILE|FOLDER...` with more than one file. Exit status 2 when a file
/// could not be read (after the summary of all the others).
pub fn diagnose_many(
    format: Format,
    paths: &[String],
    jobs: Option<usize>,
    verify: Option<Verify>,
) -> Result<ExitCode, String> {
    let inputs = collect(paths)?;
    if inputs.is_empty() {
        return Err(format!("no .har file in {}", paths.join(", ")));
    }
    let jobs = jobs
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .clamp(1, inputs.len());
    let bar = progress(&inputs);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<FileResult>>> = inputs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else {
                    break;
                };
                let result = one(input, verify.clone(), bar.as_ref());
                // A poisoned slot only means another job panicked; this one is still ours.
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let results: Vec<FileResult> = slots
        .into_iter()
        .zip(&inputs)
        .map(|(slot, input)| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| FileResult {
                    path: input.path.clone(),
                    summary: None,
                    error: Some("not diagnosed (a job stopped)".into()),
                })
        })
        .collect();
    let combined = Combined::of(&results);
    let text = match format {
        Format::Json => {
            let mut json = serde_json::to_string(&serde_json::json!({
                "files": results,
                "summary": combined,
            }))
            .map_err(|e| e.to_string())?;
            json.push('\n');
            json
        }
        Format::Md => markdown(&results, &combined),
        Format::Text => text(&results, &combined, Style::detect()),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    Ok(if combined.unreadable > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Diagnoses one file (summary only: its entries are counted, not kept).
fn one(input: &Input, verify: Option<Verify>, bar: Option<&ProgressBar>) -> FileResult {
    let result = match &input.error {
        Some(e) => Err(e.clone()),
        None => summarize(&input.path, verify, bar),
    };
    match result {
        Ok(summary) => FileResult {
            path: input.path.clone(),
            summary: Some(summary),
            error: None,
        },
        Err(error) => FileResult {
            path: input.path.clone(),
            summary: None,
            error: Some(error),
        },
    }
}

fn summarize(
    path: &str,
    verify: Option<Verify>,
    bar: Option<&ProgressBar>,
) -> Result<Summary, String> {
    let (reader, _) = open(path)?;
    let mut verify = verify;
    let mut extra = |ex: &authlens::exchange::Exchange,
                     findings: &mut Vec<authlens::finding::Finding>| {
        if let Some(v) = verify.as_mut() {
            v.check(ex, findings);
        }
    };
    let mut seen = 0;
    let progress = |bytes: u64| {
        if let Some(bar) = bar {
            // Moved once per MB: the bar's lock is shared by every job.
            if bytes - seen > 1 << 20 {
                bar.inc(bytes - seen);
                seen = bytes;
            }
        }
    };
    let summary = report::diagnose_har_each_with(reader, progress, &mut extra, |_| {})
        .map_err(|e| unreadable(path, e));
    if let (Some(bar), Ok(size)) = (bar, std::fs::metadata(path).map(|m| m.len())) {
        // The rest of the file, read since the last move (or all of it, for a small one).
        bar.inc(size.saturating_sub(seen));
    }
    summary
}

/// One bar for all the files, by bytes, only when stderr is a terminal.
fn progress(inputs: &[Input]) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = inputs
        .iter()
        .filter_map(|i| std::fs::metadata(&i.path).ok())
        .map(|m| m.len())
        .sum();
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "diagnosing {} files {{bar:40}} {{bytes}}/{{total_bytes}} ({{eta}})",
            inputs.len()
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// The code that ranks first most often in one file.
fn top_cause(summary: &Summary) -> Option<(&str, usize)> {
    ranked(&summary.top_causes).into_iter().next()
}

fn headline(c: &Combined) -> String {
    let mut line = format!(
        "{} files: {} of {} entries failed authentication",
        c.files, c.failures, c.entries
    );
    if c.unreadable > 0 {
        line.push_str(&format!(
            " ({} {} could not be read)",
            c.unreadable,
            if c.unreadable == 1 { "file" } else { "files" }
        ));
    }
    if c.skipped_entries > 0 {
        line.push_str(&format!(
            "; {} entries could not be read and were skipped",
            c.skipped_entries
        ));
    }
    line
}

fn text(results: &[FileResult], c: &Combined, style: Style) -> String {
    let mut out = format!("{}\n", headline(c));
    if !c.top_causes.is_empty() {
        out.push_str(&format!("{}\n", style.bold("Top causes, all files")));
        for (code, n) in ranked(&c.top_causes) {
            out.push_str(&format!("  {n:>7}  {code}\n"));
        }
    }
    if !c.hosts.is_empty() {
        out.push_str(&format!("{}\n", style.bold("By host")));
        for (host, n) in ranked(&c.hosts) {
            out.push_str(&format!("  {n:>7}  {host}\n"));
        }
    }
    out.push_str(&format!(
        "{}\n  {:>8}  {:>8}  {:<32}  file\n",
        style.bold("Files"),
        "failures",
        "entries",
        "top cause"
    ));
    for r in results {
        if let Some(s) = &r.summary {
            let top =
                top_cause(s).map_or_else(|| "-".to_owned(), |(code, n)| format!("{code} ×{n}"));
            out.push_str(&format!(
                "  {:>8}  {:>8}  {top:<32}  {}\n",
                s.failures, s.entries, r.path
            ));
        }
    }
    let unreadable: Vec<_> = results.iter().filter_map(|r| r.error.as_deref()).collect();
    if !unreadable.is_empty() {
        out.push_str(&format!("{}\n", style.bold("Could not be read")));
        for e in unreadable {
            out.push_str(&format!("  {e}\n"));
        }
    }
    out
}

/// Markdown cells must not break the table or inject markup (as `report::markdown`).
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
        .replace('`', "'")
}

fn markdown(results: &[FileResult], c: &Combined) -> String {
    let mut out = format!(
        "# AuthLens report: {} HAR files\n\n{}.\n\n",
        c.files,
        headline(c)
    );
    if !c.top_causes.is_empty() {
        out.push_str("## Top causes, all files\n\n| cause | failures |\n|---|---|\n");
        for (code, n) in ranked(&c.top_causes) {
            out.push_str(&format!("| `{code}` | {n} |\n"));
        }
        out.push('\n');
    }
    out.push_str("## Files\n\n| file | entries | failures | top cause |\n|---|---|---|---|\n");
    for r in results {
        match (&r.summary, &r.error) {
            (Some(s), _) => {
                let top = top_cause(s)
                    .map_or_else(|| "—".to_owned(), |(code, n)| format!("`{code}` ×{n}"));
                out.push_str(&format!(
                    "| {} | {} | {} | {top} |\n",
                    cell(&r.path),
                    s.entries,
                    s.failures
                ));
            }
            (None, e) => out.push_str(&format!(
                "| {} | — | — | could not be read: {} |\n",
                cell(&r.path),
                cell(e.as_deref().unwrap_or(""))
            )),
        }
    }
    out.push_str("\nEach file's failures in detail: `authlens diagnose --format md FILE`.\n");
    out
}
