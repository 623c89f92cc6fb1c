//! A HAR's diagnosis as a report: every failing entry with its ranked findings, and a
//! summary (failures by host and endpoint, top causes, when failures started). Rendered as
//! JSON (the CLI contract, and the Wasm boundary) or as Markdown for a support ticket.
//! Reports never contain secrets: findings carry masked evidence, and URLs lose their
//! query strings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;

use serde::Serialize;

use crate::diagnose::Session;
use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::har::stream::{for_each_entry_skipping, HarError};
use crate::target::Target;

#[derive(Debug, Clone, Serialize)]
pub struct EntryReport {
    /// Position in `log.entries`.
    pub index: usize,
    pub method: String,
    /// Without its query string (it can carry tokens).
    pub url: String,
    pub status: u16,
    /// Best first.
    pub findings: Vec<Finding>,
    /// `startedDateTime`, when the entry has one: what a timeline of failures needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    pub entries: usize,
    pub failures: usize,
    /// Finding code → entries where it ranks first.
    pub top_causes: BTreeMap<&'static str, usize>,
    /// Host → failing entries.
    pub hosts: BTreeMap<String, usize>,
    /// `METHOD host/path` → failing entries.
    pub endpoints: BTreeMap<String, usize>,
    /// `startedDateTime` of the first failure.
    pub first_failure: Option<String>,
    /// Entries that could not be read and were skipped (the rest of the file was
    /// diagnosed): how many, and why for the first [`MAX_SKIPPED_NOTES`].
    pub skipped_entries: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedEntry>,
    /// The sign-in flows seen (OAuth 2.0 / OIDC, `crate::flow`), oldest first.
    pub flows: Vec<FlowSummary>,
}

/// One sign-in flow of the HAR: its steps by entry, and where it broke. No secret: the
/// steps' parameters are not repeated here (the flow model masks them anyway).
#[derive(Debug, Clone, Serialize)]
pub struct FlowSummary {
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    /// `(entry index, step kind, status)`, oldest first.
    pub steps: Vec<(usize, crate::flow::StepKind, u16)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<crate::flow::Broken>,
}

impl FlowSummary {
    fn of(flow: &crate::flow::Flow) -> Self {
        Self {
            id: flow.id,
            client_id: flow.client_id.clone(),
            issuer: flow.issuer.clone(),
            grant: flow.grant.clone(),
            steps: flow
                .steps
                .iter()
                .map(|s| (s.index, s.kind, s.status))
                .collect(),
            broken: flow.broken.clone(),
        }
    }
}

/// "2 entries could not be read and were skipped: #1 at byte 659, not the HAR shape: …",
/// for the text and Markdown reports.
pub fn skipped_note(summary: &Summary) -> Option<String> {
    if summary.skipped_entries == 0 {
        return None;
    }
    let n = summary.skipped_entries;
    let mut note = if n == 1 {
        "1 entry could not be read and was skipped:".to_owned()
    } else {
        format!("{n} entries could not be read and were skipped:")
    };
    for (i, skipped) in summary.skipped.iter().enumerate() {
        let _ = write!(
            note,
            "{} #{} at byte {}, {}",
            if i == 0 { "" } else { ";" },
            skipped.index,
            skipped.offset,
            skipped.reason
        );
    }
    if n > summary.skipped.len() {
        let _ = write!(note, "; {} more not shown", n - summary.skipped.len());
    }
    Some(note)
}

/// Notes kept about skipped entries; the count goes on past them.
pub const MAX_SKIPPED_NOTES: usize = 20;

/// One entry of `log.entries` that was read past.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedEntry {
    pub index: usize,
    /// Byte offset in the input where the problem is.
    pub offset: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    pub entries: Vec<EntryReport>,
    pub summary: Summary,
}

/// `https://host/path?…` for `https://host/path?secret=…`.
pub fn redact_query(url: &str) -> String {
    let base = crate::syntax::before_query(url);
    if base.len() < url.len() {
        format!("{base}?…")
    } else {
        url.to_owned()
    }
}

/// Reads a HAR in one pass, diagnosing every entry in its session, and hands each failing
/// entry to `on_entry` as soon as it is diagnosed: memory stays bounded whatever the file
/// size. Returns the summary.
pub fn diagnose_har_each<R: Read>(
    reader: R,
    progress: impl FnMut(u64),
    on_entry: impl FnMut(EntryReport),
) -> Result<Summary, HarError> {
    diagnose_har_each_with(reader, progress, |_, _| {}, on_entry)
}

/// [`diagnose_har_each`], with `extra` seeing every exchange and its findings (and adding
/// its own, e.g. the CLI's signature checks against a JWKS): findings are re-ranked after.
pub fn diagnose_har_each_with<R: Read>(
    reader: R,
    progress: impl FnMut(u64),
    mut extra: impl FnMut(&Exchange, &mut Vec<Finding>),
    mut on_entry: impl FnMut(EntryReport),
) -> Result<Summary, HarError> {
    let mut session = Session::default();
    let mut summary = Summary::default();
    // One failing entry is held back until the next one is seen: if the next answers its
    // challenge (a Digest, NTLM or Negotiate handshake, or Basic through the browser's
    // prompt), it was the handshake's first leg and is no failure at all. Memory stays
    // bounded: at most one entry waits.
    let mut pending: Option<(EntryReport, Option<String>)> = None;
    let mut flush = |(entry, started): (EntryReport, Option<String>), summary: &mut Summary| {
        summary.failures += 1;
        if summary.first_failure.is_none() {
            summary.first_failure = started;
        }
        if let Some(top) = entry.findings.first() {
            *summary.top_causes.entry(top.code).or_default() += 1;
        }
        if let Some(target) = Target::parse(&entry.url) {
            *summary.hosts.entry(target.host.to_owned()).or_default() += 1;
            // Bounded: a HAR with millions of distinct URLs keeps the first 10,000.
            let endpoint = format!("{} {}{}", entry.method, target.host, target.path);
            if summary.endpoints.len() < 10_000 || summary.endpoints.contains_key(&endpoint) {
                *summary.endpoints.entry(endpoint).or_default() += 1;
            }
        }
        on_entry(entry);
    };
    let mut skipped = Vec::new();
    let mut skipped_entries = 0;
    let total = for_each_entry_skipping(
        reader,
        |index, entry| {
            let started = entry.started_date_time.clone();
            let exchange = Exchange::from_har(entry);
            if let Some(waiting) = pending.take() {
                let first_leg =
                    waiting.0.index + 1 == index && session.answers_previous_challenge(&exchange);
                if !first_leg {
                    flush(waiting, &mut summary);
                }
            }
            let mut findings = session.diagnose(&exchange);
            let before = findings.len();
            extra(&exchange, &mut findings);
            if findings.len() != before {
                crate::finding::rank(&mut findings);
            }
            if findings.is_empty() {
                return;
            }
            pending = Some((
                EntryReport {
                    index,
                    url: redact_query(&exchange.url),
                    method: exchange.method,
                    status: exchange.status,
                    findings,
                    started: started.clone(),
                },
                started,
            ));
        },
        |index, e| {
            skipped_entries += 1;
            if skipped.len() < MAX_SKIPPED_NOTES {
                skipped.push(SkippedEntry {
                    index,
                    offset: e.offset,
                    reason: e.message,
                });
            }
        },
        progress,
    )?;
    if let Some(waiting) = pending.take() {
        flush(waiting, &mut summary);
    }
    summary.entries = total;
    summary.skipped_entries = skipped_entries;
    summary.skipped = skipped;
    summary.flows = session.flows().flows().map(FlowSummary::of).collect();
    Ok(summary)
}

/// [`diagnose_har_each`], keeping the failing entries (at most `limit` of them) in a
/// [`Report`].
pub fn diagnose_har_limited<R: Read>(
    reader: R,
    progress: impl FnMut(u64),
    limit: usize,
) -> Result<Report, HarError> {
    diagnose_har_limited_with(reader, progress, limit, |_, _| {})
}

/// [`diagnose_har_limited`] with an `extra` check (see [`diagnose_har_each_with`]).
pub fn diagnose_har_limited_with<R: Read>(
    reader: R,
    progress: impl FnMut(u64),
    limit: usize,
    extra: impl FnMut(&Exchange, &mut Vec<Finding>),
) -> Result<Report, HarError> {
    let mut entries = Vec::new();
    let summary = diagnose_har_each_with(reader, progress, extra, |entry| {
        if entries.len() < limit {
            entries.push(entry);
        }
    })?;
    Ok(Report { entries, summary })
}

/// Every failing entry and the summary (for callers that hold the whole file anyway).
pub fn diagnose_har<R: Read>(reader: R, progress: impl FnMut(u64)) -> Result<Report, HarError> {
    diagnose_har_limited(reader, progress, usize::MAX)
}

fn sorted(map: &BTreeMap<impl AsRef<str> + Ord, usize>) -> Vec<(&str, usize)> {
    let mut list: Vec<(&str, usize)> = map.iter().map(|(k, v)| (k.as_ref(), *v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

/// Markdown cells must not break the table or inject markup.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
}

/// A support-ready Markdown report (no secrets: see the module doc).
pub fn markdown(report: &Report, source: &str) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# AuthLens report: {}\n", cell(source));
    let _ = writeln!(
        out,
        "{} of {} requests failed authentication{}.\n",
        s.failures,
        s.entries,
        s.first_failure
            .as_deref()
            .map(|t| format!(", starting at {t}"))
            .unwrap_or_default()
    );
    if let Some(note) = skipped_note(s) {
        let _ = writeln!(out, "> {}\n", cell(&note));
    }
    if report.entries.is_empty() {
        return out;
    }
    let _ = writeln!(out, "## Top causes\n\n| cause | requests |\n|---|---|");
    for (code, n) in sorted(&s.top_causes) {
        let _ = writeln!(out, "| `{code}` | {n} |");
    }
    let _ = writeln!(
        out,
        "\n## Failures by host\n\n| host | failures |\n|---|---|"
    );
    for (host, n) in sorted(&s.hosts) {
        let _ = writeln!(out, "| {} | {n} |", cell(host));
    }
    let _ = writeln!(
        out,
        "\n## Failures by endpoint\n\n| endpoint | failures |\n|---|---|"
    );
    for (endpoint, n) in sorted(&s.endpoints).into_iter().take(20) {
        let _ = writeln!(out, "| {} | {n} |", cell(endpoint));
    }
    if !s.flows.is_empty() {
        let _ = writeln!(out, "\n## Sign-in flows\n");
        for flow in &s.flows {
            let _ = writeln!(
                out,
                "### Flow {}: {}{}\n",
                flow.id,
                cell(flow.client_id.as_deref().unwrap_or("unknown client")),
                flow.grant
                    .as_deref()
                    .map(|g| format!(" ({})", cell(g)))
                    .unwrap_or_default()
            );
            if let Some(issuer) = &flow.issuer {
                let _ = writeln!(out, "Server: {}\n", cell(issuer));
            }
            for (index, kind, status) in &flow.steps {
                let broke = flow.broken.as_ref().filter(|b| b.index == *index);
                let _ = writeln!(
                    out,
                    "- #{index} {} → {status}{}",
                    serde_json::to_value(kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    broke
                        .map(|b| format!(" **broke here: `{}`** {}", b.code, cell(&b.title)))
                        .unwrap_or_default()
                );
            }
            let findings: Vec<String> = report
                .entries
                .iter()
                .filter(|e| {
                    e.findings
                        .iter()
                        .any(|f| f.flow.as_ref().is_some_and(|l| l.id == flow.id))
                })
                .map(|e| format!("#{}", e.index))
                .collect();
            if !findings.is_empty() {
                let _ = writeln!(out, "\nFindings of this flow: {}", findings.join(", "));
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "\n## Requests\n");
    for entry in report.entries.iter().take(200) {
        let Some(top) = entry.findings.first() else {
            continue;
        };
        let _ = writeln!(
            out,
            "### #{} {} {} → {}\n\n**{}** (`{}`, {:?} likelihood)\n\n{}\n",
            entry.index,
            entry.method,
            cell(&entry.url),
            entry.status,
            cell(&top.title),
            top.code,
            top.likelihood,
            cell(&top.detail)
        );
        if let Some(link) = &top.flow {
            let _ = writeln!(
                out,
                "Sign-in flow {}{}\n",
                link.id,
                link.broken_at
                    .map(|b| format!(", broken at #{b}"))
                    .unwrap_or_default()
            );
        }
        for evidence in &top.evidence {
            let _ = writeln!(
                out,
                "- {}: {}",
                cell(&evidence.source),
                cell(&evidence.fact)
            );
        }
        if let Some(fix) = top
            .fixes
            .iter()
            .find(|f| f.action.is_none())
            .or(top.fixes.first())
        {
            let _ = writeln!(out, "\nFix: {}", cell(&fix.text));
        }
        let others: Vec<String> = entry
            .findings
            .iter()
            .skip(1)
            .map(|f| format!("`{}`", f.code))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(out, "\nAlso: {}", others.join(", "));
        }
        let _ = writeln!(out, "\nSpec: {}\n", top.spec);
    }
    if report.entries.len() > 200 {
        let _ = writeln!(
            out,
            "…and {} more failing requests.",
            report.entries.len() - 200
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: u16, request: &str, response: &str) -> String {
        format!(
            r#"{{"startedDateTime":"2026-11-23T12:00:00.000Z","request":{{"method":"GET","url":"http://127.0.0.1:8080/private/","headers":[{request}]}},"response":{{"status":{status},"headers":[{response}],"content":{{}}}}}}"#
        )
    }

    #[test]
    fn a_handshake_first_leg_is_not_reported_but_a_refusal_is() {
        let challenge = r#"{"name":"WWW-Authenticate","value":"Digest realm=\"r\", nonce=\"n1\", qop=\"auth\""}"#;
        let answer = r#"{"name":"Authorization","value":"Digest username=\"u\", realm=\"r\", nonce=\"n1\", uri=\"/private/\", response=\"0123\""}"#;
        let har = |last: u16| {
            format!(
                r#"{{"log":{{"entries":[{},{}]}}}}"#,
                entry(401, "", challenge),
                entry(last, answer, if last == 401 { challenge } else { "" })
            )
        };
        let report = diagnose_har(har(200).as_bytes(), |_| {}).expect("a HAR");
        assert!(report.entries.is_empty(), "{:?}", report.entries);
        assert_eq!(report.summary.failures, 0);
        // The answer refused: the first leg is still a first leg of a failed handshake,
        // and the refusal is reported.
        let report = diagnose_har(har(401).as_bytes(), |_| {}).expect("a HAR");
        let codes: Vec<_> = report.entries.iter().map(|e| e.findings[0].code).collect();
        assert_eq!(codes.last(), Some(&"auth.digest_rejected"), "{codes:?}");
    }
}
