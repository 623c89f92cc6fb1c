//! A problem found while parsing: where it is, how serious it is, and what is wrong.
//!
//! Kept small and `Copy` (an offset, a severity and a static message), in the manner of
//! `http-auth`'s parser errors, so that collecting thousands of them on hostile input
//! stays cheap.
//!
//! # Severity
//! Every problem is one of two kinds (docs/parsers.md lists which problem is which):
//! - [`Severity::Error`]: the value breaks its grammar (or, for `Set-Cookie`, the
//!   browser's algorithm refuses the cookie), so what the parser reports after that point
//!   is a recovery: a guess at what was meant, or a part that was skipped.
//! - [`Severity::Warning`]: the value was read as written, without any guess, but a
//!   specification advises (or requires) otherwise, or a browser will not use part of it
//!   (obs-fold, a Digest challenge without nonce, padding where none belongs, a cookie
//!   attribute browsers ignore).
//!
//! The CLI exits with status 1 only when there is an error.

use serde::Serialize;

/// How serious a [`Problem`] is (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The grammar is broken; what follows is a recovery.
    Error,
    /// It parses, but a specification advises otherwise.
    Warning,
}

/// Whether any of these problems is an [`Severity::Error`].
pub fn has_errors(problems: &[Problem]) -> bool {
    problems.iter().any(Problem::is_error)
}

/// At most this many problems are kept per parse. Hostile input can contain millions of
/// errors; past this cap one final problem says that reporting stopped, and the parse
/// itself goes on, so the cost stays linear in the input.
pub const MAX_PROBLEMS: usize = 64;

/// One problem in an input, with its byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Which field line (header line) the offset refers to, when the input had several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<usize>,
    /// Byte offset into the input (or into field line `field`).
    pub offset: usize,
    /// `error` (the grammar is broken) or `warning` (it parses; a spec advises otherwise).
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: &'static str,
}

impl Problem {
    /// A grammar error at `offset`.
    pub const fn error(offset: usize, message: &'static str) -> Self {
        Self {
            field: None,
            offset,
            severity: Severity::Error,
            message,
        }
    }

    /// A warning at `offset`.
    pub const fn warning(offset: usize, message: &'static str) -> Self {
        Self {
            field: None,
            offset,
            severity: Severity::Warning,
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Shows the problem under the input it refers to, with a caret at its position (the
    /// severity is the caller's to show, as a label before it).
    ///
    /// Long inputs are cut to a window around the offset so that a 1 MB header still
    /// renders as two short lines.
    pub fn render(&self, input: &str) -> String {
        const WINDOW: usize = 40;
        let mut offset = self.offset.min(input.len());
        while !input.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut start = offset.saturating_sub(WINDOW);
        while !input.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (offset + WINDOW).min(input.len());
        while !input.is_char_boundary(end) {
            end += 1;
        }
        let prefix = if start > 0 { "…" } else { "" };
        let suffix = if end < input.len() { "…" } else { "" };
        let shown: String = input[start..end]
            .chars()
            .map(|c| if c.is_control() { '·' } else { c })
            .collect();
        let caret_column = prefix.chars().count() + input[start..offset].chars().count();
        format!(
            "{prefix}{shown}{suffix}\n{:caret_column$}^ {} (at byte {})",
            "", self.message, self.offset
        )
    }
}

impl Severity {
    /// `error` or `warning`, as in the JSON.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Collects problems up to [`MAX_PROBLEMS`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    field: Option<usize>,
}

impl Problems {
    pub(crate) fn set_field(&mut self, field: Option<usize>) {
        self.field = field;
    }

    /// The value breaks its grammar here; what the parser does next is a recovery.
    pub(crate) fn error(&mut self, offset: usize, message: &'static str) {
        self.push(offset, Severity::Error, message);
    }

    /// The value parses, but a specification advises otherwise.
    pub(crate) fn warning(&mut self, offset: usize, message: &'static str) {
        self.push(offset, Severity::Warning, message);
    }

    /// Adds a problem found by another parser (a token inside credentials), keeping its
    /// severity and moving its offset by `shift`.
    pub(crate) fn forward(&mut self, problem: &Problem, shift: usize) {
        self.push(
            problem.offset.saturating_add(shift),
            problem.severity,
            problem.message,
        );
    }

    pub(crate) fn push(&mut self, offset: usize, severity: Severity, message: &'static str) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                field: self.field,
                offset,
                severity,
                message,
            });
        } else if self.list.len() == MAX_PROBLEMS {
            self.list.push(Problem {
                field: self.field,
                offset,
                severity,
                message: "too many problems; the rest are not reported",
            });
        } else if severity == Severity::Error {
            // An error past the cap must not vanish: the closing note carries it, so
            // that "the input has errors" (the CLI's exit status) stays true.
            if let Some(note) = self.list.last_mut() {
                note.severity = Severity::Error;
            }
        }
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_offset() {
        let p = Problem::error(6, "boom");
        assert_eq!(p.render("Basic =x"), "Basic =x\n      ^ boom (at byte 6)");
    }

    #[test]
    fn render_windows_long_input_on_char_boundaries() {
        let input = "é".repeat(100_000);
        // In the middle of a two-byte char.
        let p = Problem::warning(100_001, "m");
        let out = p.render(&input);
        assert!(out.len() < 400, "{}", out.len());
        assert!(out.starts_with('…'));
    }

    #[test]
    fn problems_are_capped() {
        let mut problems = Problems::default();
        for i in 0..1000 {
            problems.warning(i, "x");
        }
        let list = problems.clone().into_vec();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        assert!(list[MAX_PROBLEMS].message.starts_with("too many"));
        assert!(!has_errors(&list), "warnings only");
        // An error past the cap is not reported, but the input still has errors.
        problems.error(1000, "y");
        let list = problems.into_vec();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        assert!(has_errors(&list));
        assert_eq!(list[MAX_PROBLEMS].severity, Severity::Error);
    }

    #[test]
    fn severity_serialises_in_lower_case() {
        let json = serde_json::to_value(Problem::error(3, "m")).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"offset": 3, "severity": "error", "message": "m"})
        );
        let json = serde_json::to_value(Problem::warning(3, "m")).unwrap_or_default();
        assert_eq!(json["severity"], "warning");
    }
}
