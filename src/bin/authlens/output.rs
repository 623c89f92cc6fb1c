//! The `challenge` command, and the output helpers every command shares.

use std::io::IsTerminal;
use std::process::ExitCode;

use authlens::challenge::{self, ChallengeList};
use authlens::problem::Problem;
use authlens::schemes;

use crate::input;

pub fn challenge(proxy: bool, json: bool, values: &[String]) -> Result<ExitCode, String> {
    let lines = input::lines(values)?;
    if lines.is_empty() {
        return Err("no field value given".into());
    }
    let list = challenge::parse_lines(lines.iter().map(String::as_str));
    if json {
        // Written as it is serialised: no JSON tree of the whole list in memory.
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        serde_json::to_writer_pretty(&mut out, &schemes::describe(&list))
            .map_err(|e| e.to_string())?;
        std::io::Write::write_all(&mut out, b"\n").map_err(|e| e.to_string())?;
    } else {
        let header = if proxy {
            "Proxy-Authenticate"
        } else {
            "WWW-Authenticate"
        };
        print!("{}", render_text(header, &list, &lines, Style::detect()));
    }
    if list.challenges.is_empty() {
        eprintln!("authlens: no challenge could be parsed");
        return Ok(ExitCode::from(1));
    }
    // Scheme problems count too: a token68 on Bearer is an error like any other.
    let described = schemes::describe(&list);
    Ok(exit_status(&described.problems))
}

/// The exit status every parser command shares (docs/parsers.md): 1 when a problem is an
/// error (the grammar is broken, what follows is a recovery), 0 when there are only
/// warnings (the value parses; a specification advises otherwise) or none. The message
/// on stderr says which.
pub fn exit_status(problems: &[Problem]) -> ExitCode {
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors == 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "authlens: {errors} error{} in the input",
        if errors == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

/// Pretty JSON on standard output.
pub fn print_json(value: &serde_json::Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(())
}

/// `error:` in red or `warning:` in yellow: the severity of a problem, as a label.
pub fn severity_label(p: &Problem, style: Style) -> String {
    let label = format!("{}:", p.severity.label());
    if p.is_error() {
        style.error(&label)
    } else {
        style.warn(&label)
    }
}

/// Problems under the input they point into, with carets, each labelled with its
/// severity.
pub fn render_problems(out: &mut String, problems: &[Problem], input: &str, style: Style) {
    for p in problems {
        out.push_str(&severity_label(p, style));
        out.push('\n');
        for l in p.render(input).lines() {
            out.push_str(&format!("  {l}\n"));
        }
    }
}

/// Problems in an input that holds a secret: under the input with carets only when the
/// user asked to reveal it, since the caret's window would print the secret; otherwise
/// their offsets alone.
pub fn render_secret_problems(
    out: &mut String,
    problems: &[Problem],
    input: &str,
    reveal: bool,
    style: Style,
) {
    if reveal {
        render_problems(out, problems, input, style);
        return;
    }
    for p in problems {
        out.push_str(&format!(
            "{} {} (at byte {})\n",
            severity_label(p, style),
            p.message,
            p.offset
        ));
    }
}

/// ANSI styling, only when standard output is a terminal.
#[derive(Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn detect() -> Self {
        Self {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }

    pub fn warn(self, s: &str) -> String {
        self.wrap("33", s)
    }

    pub fn error(self, s: &str) -> String {
        self.wrap("31", s)
    }

    fn wrap(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
}

fn render_text(header: &str, list: &ChallengeList<'_>, lines: &[String], style: Style) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{header}: {} challenge{}\n",
        list.challenges.len(),
        if list.challenges.len() == 1 { "" } else { "s" }
    ));
    for c in &list.challenges {
        out.push_str(&format!("  {}", style.bold(c.scheme)));
        if let Some(t) = c.token68 {
            out.push_str(&format!(" (token68: {t})"));
        }
        out.push('\n');
        for p in &c.params {
            out.push_str(&format!("    {} = {:?}\n", p.name, p.value));
        }
        for p in schemes::view(c).problems {
            let line = lines.get(c.field).map(String::as_str).unwrap_or("");
            render_problems(&mut out, &[p], line, style);
        }
    }
    for p in &list.problems {
        let line = lines
            .get(p.field.unwrap_or(0))
            .map(String::as_str)
            .unwrap_or("");
        render_problems(&mut out, std::slice::from_ref(p), line, style);
    }
    out
}
