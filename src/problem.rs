//! A problem found while parsing: where it is and what is wrong.
//!
//! Kept small and `Copy` (an offset and a static message), in the manner of `http-auth`'s
//! parser errors, so that collecting thousands of them on hostile input stays cheap.

use serde::Serialize;

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
    /// What is wrong, in plain words.
    pub message: &'static str,
}

impl Problem {
    /// Shows the problem under the input it refers to, with a caret at its position.
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

    pub(crate) fn push(&mut self, offset: usize, message: &'static str) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                field: self.field,
                offset,
                message,
            });
        } else if self.list.len() == MAX_PROBLEMS {
            self.list.push(Problem {
                field: self.field,
                offset,
                message: "too many problems; the rest are not reported",
            });
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
        let p = Problem {
            field: None,
            offset: 6,
            message: "boom",
        };
        assert_eq!(p.render("Basic =x"), "Basic =x\n      ^ boom (at byte 6)");
    }

    #[test]
    fn render_windows_long_input_on_char_boundaries() {
        let input = "é".repeat(100_000);
        let p = Problem {
            field: None,
            offset: 100_001, // in the middle of a two-byte char
            message: "m",
        };
        let out = p.render(&input);
        assert!(out.len() < 400, "{}", out.len());
        assert!(out.starts_with('…'));
    }

    #[test]
    fn problems_are_capped() {
        let mut problems = Problems::default();
        for i in 0..1000 {
            problems.push(i, "x");
        }
        let list = problems.into_vec();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        assert!(list[MAX_PROBLEMS].message.starts_with("too many"));
    }
}
