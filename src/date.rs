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
//! - **Formatting is total.** [`fmt_http_date`] writes any `i64` of seconds: IMF-fixdate
//!   for the years 0000 to 9999 that its `4DIGIT` year can hold (RFC 9110 §5.6.7), an
//!   ISO 8601 expanded year (`+10000-01-01T00:00:00Z`, ISO 8601-1 §4.1.2.4) outside
//!   them. `httpdate::fmt_http_date` panics past 9999 and cannot go before 1970, so it is
//!   never called: a token whose `exp` lies in the year 33658 must not abort the Wasm
//!   module (issue #11, item 5).
//!
//! # Severity
//! Every problem here is an *error*: the value is not read at all; except
//! [`obsolete_format`], a *warning* for a date that reads in a format senders must not
//! use.

use std::time::UNIX_EPOCH;

use serde::Serialize;

use crate::problem::Problem;

/// RFC 9111 §1.2.2: delta-seconds beyond 2^31 are treated as 2^31.
const DELTA_SECONDS_CAP: u64 = 1 << 31;

/// 0000-01-01T00:00:00Z in seconds since the epoch: the first instant an IMF-fixdate's
/// four-digit year can write.
pub const YEAR_0: i64 = -62_167_219_200;
/// 10000-01-01T00:00:00Z: the first instant an IMF-fixdate cannot write.
pub const YEAR_10000: i64 = 253_402_300_800;

/// Seconds since the Unix epoch for an HTTP-date.
pub fn parse_http_date(value: &str) -> Result<i64, Problem> {
    let start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    let time = httpdate::parse_http_date(trimmed).map_err(|_| {
        Problem::error(
            start,
            "not an HTTP date (IMF-fixdate, RFC 850 or asctime format; RFC 9110 §5.6.7)",
        )
    })?;
    // httpdate only produces dates from 1970 to 9999, so this never fails; stay total.
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|_| Problem::error(start, "an HTTP date before 1970"))
}

/// A warning for an HTTP date that reads, but in one of the obsolete formats (RFC 850 or
/// asctime): RFC 9110 §5.6.7 has recipients accept them and senders never generate them.
pub fn obsolete_format(value: &str) -> Option<Problem> {
    let start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    // Only IMF-fixdate is 29 bytes with a comma after a three-letter day name.
    let fixdate = trimmed.len() == 29 && trimmed.as_bytes().get(3) == Some(&b',');
    (parse_http_date(value).is_ok() && !fixdate).then(|| {
        Problem::warning(
            start,
            "an obsolete date format (RFC 850 or asctime): recipients read it, senders MUST use IMF-fixdate (RFC 9110 §5.6.7)",
        )
    })
}

/// `delta-seconds = 1*DIGIT` (RFC 9111 §1.2.2), capped at 2^31.
pub fn parse_delta_seconds(value: &str) -> Result<u64, Problem> {
    let start = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    if let Some(bad) = trimmed.bytes().position(|b| !b.is_ascii_digit()) {
        return Err(Problem::error(
            start + bad,
            "delta-seconds are digits only (RFC 9111 §1.2.2)",
        ));
    }
    if trimmed.is_empty() {
        return Err(Problem::error(start, "empty delta-seconds"));
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

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`, exact for every year). Saturating, so that no year can overflow;
/// the callers pass four-digit years, for which it is exact.
pub(crate) fn days_from_civil(year: i64, month: u32, day: i64) -> i64 {
    let year = if month <= 2 {
        year.saturating_sub(1)
    } else {
        year
    };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era.saturating_mul(146_097)
        .saturating_add(day_of_era)
        .saturating_sub(719_468)
}

/// The date of a day counted from 1970-01-01 (Hinnant's `civil_from_days`): year, month
/// (1 to 12) and day (1 to 31). Exact for every `i64` of seconds divided by 86 400.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // `days` is at most i64::MAX / 86_400 in size here, so none of this can overflow.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Any instant, in seconds since the epoch, as text; never panics.
///
/// - Years 0000 to 9999: IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7;
///   proleptic Gregorian, as RFC 5322 §3.3 counts).
/// - Other years: an ISO 8601 expanded year with its sign, `+10000-01-01T00:00:00Z` or
///   `-0001-12-31T23:59:59Z`, since IMF-fixdate has no way to write them.
pub fn fmt_http_date(seconds: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (in_day / 3600, in_day % 3600 / 60, in_day % 60);
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        // 1970-01-01 was a Thursday.
        // In range by construction (rem_euclid(7) < 7, month in 1..=12); `get` keeps the
        // function total without an index that could panic.
        let weekday = WEEKDAYS.get(days.rem_euclid(7) as usize).unwrap_or(&"???");
        let month_name = MONTHS.get(month as usize - 1).unwrap_or(&"???");
        format!("{weekday}, {day:02} {month_name} {year:04} {hour:02}:{minute:02}:{second:02} GMT")
    } else {
        let sign = if year < 0 { '-' } else { '+' };
        let year = year.unsigned_abs();
        format!("{sign}{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    }
}

/// HAR's `startedDateTime` (ISO 8601 / RFC 3339: `2026-11-23T03:37:44.768Z`, or with a
/// `+01:00` offset) in milliseconds since the epoch; `None` if it is not one.
pub fn parse_rfc3339_millis(value: &str) -> Option<i64> {
    let b = value.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        digits.iter().try_fold(0i64, |n, d| {
            n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return None;
        }
        // Keep milliseconds; finer digits are dropped. At most three digits: no overflow.
        let ms_digits = &b[start..end.min(start + 3)];
        millis = ms_digits
            .iter()
            .fold(0, |n, d| n * 10 + i64::from(d - b'0'))
            * 10i64.pow(3 - ms_digits.len() as u32);
        i = end;
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let minutes = num(i + 1..i + 3)? * 60 + num(i + 4..i + 6)?;
            if sign == b'+' {
                minutes
            } else {
                -minutes
            }
        }
        _ => return None,
    };
    // Four-digit fields bound every term (years 0000 to 9999, offsets under 100 hours),
    // so this cannot overflow; checked all the same, since a HAR is hostile input.
    let days = days_from_civil(year, u32::try_from(month).ok()?, day);
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)?
        .checked_sub(offset_minutes.checked_mul(60)?)?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_har_timestamps() {
        assert_eq!(
            parse_rfc3339_millis("1994-11-06T08:49:37Z"),
            Some(784_111_777_000)
        );
        assert_eq!(
            parse_rfc3339_millis("1994-11-06T08:49:37.5Z"),
            Some(784_111_777_500)
        );
        assert_eq!(
            parse_rfc3339_millis("1994-11-06T09:49:37.123456+01:00"),
            Some(784_111_777_123)
        );
        assert_eq!(parse_rfc3339_millis("1994-11-06T08:49:37"), None);
        assert_eq!(parse_rfc3339_millis("1994-13-06T08:49:37Z"), None);
        assert_eq!(parse_rfc3339_millis("é"), None);
        assert_eq!(parse_rfc3339_millis(""), None);
    }

    /// Every i64 formats, without a panic, and the years an IMF-fixdate can hold are
    /// written as one (issue #11, item 5). Expected values checked against Python's
    /// `datetime`, shifted by whole 400-year cycles for the extreme years.
    #[test]
    fn formats_every_instant_at_the_extremes() {
        assert_eq!(fmt_http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(fmt_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(fmt_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(
            fmt_http_date(YEAR_10000 - 1),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert_eq!(fmt_http_date(YEAR_10000), "+10000-01-01T00:00:00Z");
        assert_eq!(fmt_http_date(YEAR_0), "Sat, 01 Jan 0000 00:00:00 GMT");
        assert_eq!(fmt_http_date(YEAR_0 - 1), "-0001-12-31T23:59:59Z");
        assert_eq!(fmt_http_date(i64::MAX), "+292277026596-12-04T15:30:07Z");
        assert_eq!(fmt_http_date(i64::MIN), "-292277022657-01-27T08:29:52Z");
        // 2000 was a leap year, 1900 and 2100 were not.
        assert_eq!(fmt_http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(
            fmt_http_date(4_107_542_400),
            "Mon, 01 Mar 2100 00:00:00 GMT"
        );
    }

    #[test]
    fn days_from_civil_is_exact_at_the_ends_and_saturates_beyond() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(0, 1, 1) * 86_400, YEAR_0);
        assert_eq!(days_from_civil(10000, 1, 1) * 86_400, YEAR_10000);
        assert_eq!(days_from_civil(-1, 12, 31), YEAR_0 / 86_400 - 1);
        // No overflow, whatever the year: hostile callers get a saturated count.
        assert!(days_from_civil(i64::MAX, 12, 31) > 0);
        assert!(days_from_civil(i64::MIN, 1, 1) < 0);
        for days in [i64::MIN / 86_400, -1, 0, 1, i64::MAX / 86_400] {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d), "{days}");
            if (-1_000_000..=1_000_000).contains(&y) {
                assert_eq!(days_from_civil(y, m, i64::from(d)), days);
            }
        }
    }

    /// HAR `startedDateTime` at the years 0000 and 9999, with the widest offsets, and
    /// garbage: a number or `None`, never a panic or an overflow.
    #[test]
    fn har_timestamps_at_the_extremes() {
        assert_eq!(
            parse_rfc3339_millis("0000-01-01T00:00:00Z"),
            Some(YEAR_0 * 1000)
        );
        assert_eq!(
            parse_rfc3339_millis("9999-12-31T23:59:59.999Z"),
            Some(YEAR_10000 * 1000 - 1)
        );
        assert_eq!(
            parse_rfc3339_millis("0000-01-01T00:00:00+99:99"),
            Some((YEAR_0 - 99 * 3600 - 99 * 60) * 1000)
        );
        assert_eq!(
            parse_rfc3339_millis("9999-12-31T23:59:60-99:99"),
            Some((YEAR_10000 + 99 * 3600 + 99 * 60) * 1000)
        );
        for garbage in [
            "99999-01-01T00:00:00Z",
            "-001-01-01T00:00:00Z",
            "+0001-01-01T00:00:00Z",
            "2026-02-30T00:00:00",
            "2026-11-23T03:37:44.Z",
            "2026-11-23T03:37:44.768",
            "2026-11-23T24:00:00Z",
            "2026-11-23T03:37:44+1:00",
            "\u{0}",
            "٢٠٢٦-11-23T03:37:44Z",
        ] {
            assert_eq!(parse_rfc3339_millis(garbage), None, "{garbage}");
        }
        // Digits past the milliseconds are dropped, however many there are.
        assert_eq!(
            parse_rfc3339_millis("1970-01-01T00:00:00.99999999999999999999999999Z"),
            Some(999)
        );
    }

    /// Native only: proptest needs an OS random source the Wasm target lacks.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;

        proptest::proptest! {
            /// Where httpdate can format (1970 to 9999), ours agrees with it, and
            /// httpdate reads ours back.
            #[test]
            fn agrees_with_httpdate_where_it_can_format(secs in 0i64..YEAR_10000) {
                let ours = fmt_http_date(secs);
                let time = UNIX_EPOCH + std::time::Duration::from_secs(secs.unsigned_abs());
                proptest::prop_assert_eq!(&ours, &httpdate::fmt_http_date(time));
                proptest::prop_assert_eq!(parse_http_date(&ours), Ok(secs));
            }

            #[test]
            fn formats_any_i64(secs in proptest::num::i64::ANY) {
                let text = fmt_http_date(secs);
                let imf = (YEAR_0..YEAR_10000).contains(&secs);
                proptest::prop_assert!(text.ends_with("GMT") == imf, "{}", text);
            }
        }
    }

    #[test]
    fn obsolete_formats_are_a_warning() {
        assert_eq!(obsolete_format("Sun, 06 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(obsolete_format(" Sun, 06 Nov 1994 08:49:37 GMT "), None);
        for old in ["Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            let p = obsolete_format(old).expect("a warning");
            assert_eq!(p.severity, crate::problem::Severity::Warning);
        }
        assert_eq!(obsolete_format("yesterday"), None, "not a date: no warning");
    }

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
        // `Age` of u64::MAX, and one past it: capped, not wrapped (RFC 9111 §1.2.2).
        assert_eq!(parse_delta_seconds(&u64::MAX.to_string()), Ok(1 << 31));
        assert_eq!(parse_delta_seconds("18446744073709551616"), Ok(1 << 31));
        assert_eq!(parse_delta_seconds("12a").map_err(|p| p.offset), Err(2));
        assert!(parse_delta_seconds(" ").is_err());
    }

    /// `Age` is bare delta-seconds (RFC 9111 §5.1); `Retry-After` takes either form.
    #[test]
    fn reads_age_and_rejects_signed_or_fractional_delays() {
        assert_eq!(parse_delta_seconds(" 0 "), Ok(0));
        assert_eq!(parse_delta_seconds("-1").map_err(|p| p.offset), Err(0));
        assert_eq!(parse_delta_seconds("1.5").map_err(|p| p.offset), Err(1));
        assert_eq!(parse_delta_seconds("1é").map_err(|p| p.offset), Err(1));
        assert!(parse_retry_after("-1").is_err());
        assert_eq!(
            parse_retry_after(""),
            parse_delta_seconds("").map(RetryAfter::Seconds)
        );
    }

    /// Why cookie dates have their own parser (`cookie::cookie_date`): what browsers
    /// accept in `Expires` (RFC 6265 §5.1.1) is not an HTTP-date.
    #[test]
    fn cookie_dates_are_not_http_dates() {
        for value in [
            "Wed, 09-Jun-2021 10:18:14 GMT", // Netscape's format, four-digit year
            "09 Jun 2021 10:18:14",          // no weekday, no zone
            "Wed, 9 Jun 2021 10:18:14 GMT",  // one-digit day
        ] {
            assert!(parse_http_date(value).is_err(), "{value}");
            assert_eq!(
                crate::cookie::cookie_date(value),
                Some(1_623_233_894),
                "{value}"
            );
        }
    }
}
