//! `authlens cookies`: the cookie model over a HAR file. For each request, the Cookie
//! header the browser should have sent by RFC 6265bis, the one it sent, and every cookie
//! withheld with its reason (`authlens::cookie_store`). Streamed: any size, bounded memory.

use std::io::Write;
use std::process::ExitCode;

use authlens::cookie_store::{Browser, CookieJar, RequestCookies};
use authlens::exchange::Exchange;
use authlens::har::stream::for_each_entry;
use authlens::report::redact_query;
use clap::ValueEnum;
use serde_json::{json, Value};

use crate::diagnose::{advance, open, progress, unreadable};
use crate::output::Style;

/// Whose defaults the model follows where browsers differ.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum BrowserArg {
    /// Lax-by-default, SameSite=None needs Secure, Lax+POST for 2 minutes.
    Chromium,
    /// A cookie without SameSite is None; SameSite=None without Secure is kept.
    Firefox,
}

pub struct Args<'a> {
    pub json: bool,
    pub reveal: bool,
    pub browser: BrowserArg,
    pub file: &'a str,
}

/// One entry's JSON: the contract documented in README and docs/cookies.md.
fn entry_json(exchange: &Exchange, verdict: &RequestCookies) -> Value {
    let withheld: Vec<Value> = verdict
        .withheld
        .iter()
        .map(|w| {
            json!({
                "name": w.name,
                "reason": w.reason,
                "explanation": w.explanation,
                "certain": w.certain,
                "name_sent": w.name_sent,
                "set_index": w.set_index,
            })
        })
        .collect();
    json!({
        "index": verdict.index,
        "method": exchange.method,
        "url": redact_query(&exchange.url),
        "status": exchange.status,
        "expected_cookie_header": verdict.expected_header(),
        "sent_cookie_header": verdict.sent_header(),
        "withheld": withheld,
        "unknown_sent": verdict.unknown_sent,
        "cross_site": verdict.context.cross_site,
        "top_level_site": verdict.context.top_level_site,
    })
}

pub fn cookies(args: Args<'_>) -> Result<ExitCode, String> {
    let (reader, size) = open(args.file)?;
    let bar = progress(size, "reading cookies");
    let browser = match args.browser {
        BrowserArg::Chromium => Browser::Chromium,
        BrowserArg::Firefox => Browser::Firefox,
    };
    let mut jar = CookieJar::new(browser, args.reveal);
    let style = Style::detect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut write_error: Option<std::io::Error> = None;
    let mut first = true;
    let mut shown = 0usize;
    if args.json {
        let _ = out.write_all(b"{\"entries\":[");
    }
    let result = for_each_entry(
        reader,
        |_, entry| {
            let exchange = Exchange::from_har(entry);
            let verdict = jar.observe(&exchange);
            let written = if args.json {
                let separator: &[u8] = if std::mem::take(&mut first) {
                    b"\n"
                } else {
                    b",\n"
                };
                out.write_all(separator).and_then(|()| {
                    serde_json::to_writer(&mut out, &entry_json(&exchange, &verdict))
                        .map_err(std::io::Error::other)
                })
            } else {
                match text(&exchange, &verdict, style) {
                    Some(block) => {
                        shown += 1;
                        out.write_all(block.as_bytes())
                    }
                    None => Ok(()),
                }
            };
            if let Err(e) = written {
                write_error.get_or_insert(e);
            }
        },
        advance(&bar),
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let total = result.map_err(|e| unreadable(args.file, e))?;
    if args.json {
        let _ = out.write_all(b"\n]}\n");
    } else {
        let _ = writeln!(
            out,
            "{shown} of {total} requests involve cookies the HAR set or sent"
        );
    }
    out.flush().map_err(|e| e.to_string())?;
    match write_error {
        Some(e) => Err(format!("cannot write the output: {e}")),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// A request's block, or `None` when it has no cookie to speak of.
fn text(exchange: &Exchange, verdict: &RequestCookies, style: Style) -> Option<String> {
    if verdict.expected.is_empty() && verdict.sent.is_none() && verdict.withheld.is_empty() {
        return None;
    }
    let none = || style.dim("(none)");
    let mut out = format!(
        "#{} {} {} → {}\n",
        verdict.index,
        exchange.method,
        redact_query(&exchange.url),
        exchange.status
    );
    out.push_str(&format!(
        "  expected: {}\n  sent:     {}\n",
        verdict.expected_header().unwrap_or_else(none),
        verdict.sent_header().unwrap_or_else(none)
    ));
    for w in &verdict.withheld {
        out.push_str(&format!(
            "  {} {} ({}{}): {}\n",
            style.warn("withheld"),
            style.bold(if w.name.is_empty() {
                "(empty name)"
            } else {
                &w.name
            }),
            w.reason.as_str(),
            if w.certain { "" } else { ", inferred" },
            w.explanation
        ));
    }
    if !verdict.unknown_sent.is_empty() {
        out.push_str(&format!(
            "  {} {}\n",
            style.dim("sent, set before the HAR began:"),
            verdict.unknown_sent.join(", ")
        ));
    }
    Some(out)
}
