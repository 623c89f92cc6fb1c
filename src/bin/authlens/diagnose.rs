//! `authlens diagnose FILE.har|-`: every auth failure in a HAR file, with its ranked causes.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::ExitCode;

use authlens::diagnose::Session;
use authlens::exchange::Exchange;
use authlens::finding::Finding;
use authlens::har::HarEntry;
use serde::{Deserialize, Serialize};

use crate::output::{print_json, Style};

#[derive(Deserialize)]
struct HarFile {
    log: HarLog,
}

#[derive(Deserialize)]
struct HarLog {
    #[serde(default)]
    entries: Vec<HarEntry>,
}

#[derive(Serialize)]
struct EntryReport {
    index: usize,
    method: String,
    url: String,
    status: u16,
    findings: Vec<Finding>,
}

#[derive(Serialize, Default)]
struct Summary {
    entries: usize,
    failures: usize,
    /// Finding code → how many entries have it first.
    top_causes: BTreeMap<&'static str, usize>,
    /// Host → failures.
    hosts: BTreeMap<String, usize>,
    first_failure: Option<String>,
}

pub fn run(json: bool, path: &str) -> Result<ExitCode, String> {
    let text = if path == "-" {
        crate::input::stdin()?
    } else {
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(|e| format!("cannot read {path}: {e}"))?;
        text
    };
    let har: HarFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{path} is not a HAR file: {e} (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let mut session = Session::default();
    let mut reports = Vec::new();
    let mut summary = Summary {
        entries: har.log.entries.len(),
        ..Summary::default()
    };
    for (index, entry) in har.log.entries.into_iter().enumerate() {
        let started = entry.started_date_time.clone();
        let exchange = Exchange::from_har(entry);
        let findings = session.diagnose(&exchange);
        if findings.is_empty() {
            continue;
        }
        summary.failures += 1;
        if summary.first_failure.is_none() {
            summary.first_failure = started;
        }
        if let Some(top) = findings.first() {
            *summary.top_causes.entry(top.code).or_default() += 1;
        }
        let host = authlens::target::Target::parse(&exchange.url)
            .map(|t| t.host.to_owned())
            .unwrap_or_default();
        *summary.hosts.entry(host).or_default() += 1;
        reports.push(EntryReport {
            index,
            method: exchange.method,
            url: redact_query(&exchange.url),
            status: exchange.status,
            findings,
        });
    }
    if json {
        print_json(&serde_json::json!({ "entries": reports, "summary": summary }))?;
    } else {
        print!("{}", text_report(&reports, &summary, Style::detect()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Query strings can carry tokens (`?access_token=`, `?code=`): reports show the path only.
fn redact_query(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_owned(),
    }
}

fn text_report(reports: &[EntryReport], summary: &Summary, style: Style) -> String {
    let mut out = format!(
        "{} of {} entries failed authentication\n",
        summary.failures, summary.entries
    );
    if reports.is_empty() {
        return out;
    }
    out.push_str(&format!("{}\n", style.bold("Top causes")));
    let mut causes: Vec<_> = summary.top_causes.iter().collect();
    causes.sort_by(|a, b| b.1.cmp(a.1));
    for (code, count) in causes {
        out.push_str(&format!("  {count:>4}  {code}\n"));
    }
    out.push('\n');
    for report in reports {
        let Some(top) = report.findings.first() else {
            continue;
        };
        out.push_str(&format!(
            "#{} {} {} → {}\n  {} {}\n",
            report.index,
            report.method,
            report.url,
            report.status,
            style.bold(&top.title),
            style.dim(&format!("({}, {:?})", top.code, top.likelihood).to_lowercase()),
        ));
        if let Some(fix) = top.fixes.first() {
            out.push_str(&format!("  fix: {}\n", fix.text));
        }
        for other in report.findings.iter().skip(1).take(2) {
            out.push_str(&format!("  also: {} ({})\n", other.title, other.code));
        }
    }
    out
}
