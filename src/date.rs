//! HTTP dates and delays: `Date`, `Expires`, `Last-Modified`, `Retry-After`, `Age`.
//!
//! ```text
//! HTTP-date     = IMF-fixdate / obs-date          RFC 9110 §5.6.7
//! obs-date      = rfc850-date / asctime-date
//! Retry-After   = HTTP-date / delay-seconds       RFC 9110 §10.2.3
//! Age           = delta-seconds                   RFC 9111 §5.1
//! ```
//!
//! The three date formats are read by the `httpdate` crate (small, no `time`/`chrono`
//! dependency; see docs/dependencies.md). Dates are returned as seconds since the Unix
//! epoch, the unit the JWT claims use, so that clock comparisons need no conversion.
//! Cookie `Expires` dates follow a looser algorithm of their own, in [`crate::cookie`].
//!
//! # Implementation notes: deliberate deviations
//! - Surrounding white space is ignored (field values are trimmed by HTTP parsers anyway).
//! - `Age` and `delay-seconds` larger than 2^31 are capped there, as RFC 9111 §1.2.2
//!   tells caches to do.

use std::time::UNIX_EPOCH;

use serde::Serialize;

use crate::problem::Problem;

/// RFC 9111 §1.2.2: delta-seconds beyond 2^31 are treated as 2^31.
const DELTA_SECONDS_CAP: u64 = 1 << 31;

/// Seconds since the Unix epoch for an HTTP-date.
pub fn parse_http_date(value: &str) -> Result<i64, Problem> {
    let start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let time = httpdate::parse_http_date(trimmed).map_err(|_| Problem {
        field: None,
        offset: start,
        message: "not an HTTP date (IMF-fixdate, RFC 850 or asctime format; RFC 9110 §5.6.7)",
    })?;
    // httpdate only produces dates from 1970 on, so this never fails; stay total anyway.
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|_| Problem {
            field: None,
            offset: start,
            message: "an HTTP date before 1970",
        })
}

/// `delta-seconds = 1*DIGIT` (RFC 9111 §1.2.2), capped at 2^31.
pub fn parse_delta_seconds(value: &str) -> Result<u64, Problem> {
    let start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    if let Some(bad) = trimmed.bytes().position(|b| !b.is_ascii_digit()) {
        return Err(Problem {
            field: None,
            offset: start + bad,
            message: "delta-seconds are digits only (RFC 9111 §1.2.2)",
        });
    }
    if trimmed.is_empty() {
        return Err(Problem {
            field: None,
            offset: start,
            message: "empty delta-seconds",
        });
    }
    // All digits: only overflow can fail, and overflow means "more than the cap".
    Ok(trimmed
        .parse::<u64>()
        .map_or(DELTA_SECONDS_CAP, |n| n.min(DELTA_SECONDS_CAP)))
}

/// A `Retry-After` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// Retry at this time (seconds since the epoch).
    Date(i64),
    /// Retry after this many seconds.
    Seconds(u64),
}

/// Reads `Retry-After`: delay-seconds, or else an HTTP-date.
pub fn parse_retry_after(value: &str) -> Result<RetryAfter, Problem> {
    if value.trim().bytes().all(|b| b.is_ascii_digit()) {
        return parse_delta_seconds(value).map(RetryAfter::Seconds);
    }
    parse_http_date(value)
        .map(RetryAfter::Date)
        .map_err(|p| Problem {
            message: "Retry-After is neither delay-seconds nor an HTTP date (RFC 9110 §10.2.3)",
            ..p
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9110 §5.6.7's three spellings of the same instant.
    #[test]
    fn reads_all_three_formats() {
        for value in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(value), Ok(784111777), "{value}");
        }
        assert_eq!(
            parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT "),
            Ok(784111777)
        );
    }

    #[test]
    fn rejects_what_is_not_a_date_with_its_position() {
        let problem = parse_http_date("  yesterday").expect_err("not a date");
        assert_eq!(problem.offset, 2);
        assert!(parse_http_date("").is_err());
        assert!(parse_http_date(&"9".repeat(1 << 20)).is_err());
    }

    #[test]
    fn reads_delays() {
        assert_eq!(parse_retry_after("120"), Ok(RetryAfter::Seconds(120)));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT"),
            Ok(RetryAfter::Date(946684799))
        );
        assert!(parse_retry_after("soon").is_err());
        assert_eq!(parse_delta_seconds("99999999999999999999999"), Ok(1 << 31));
        assert_eq!(parse_delta_seconds("12a").map_err(|p| p.offset), Err(2));
        assert!(parse_delta_seconds(" ").is_err());
    }
}
