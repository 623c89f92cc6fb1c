//! `authlens set-cookie`, `authlens cookie` and `authlens date`: the cookie and date
//! parsers, for the cookie that "does not stick" and the clock that disagrees.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use authlens::cookie::{self, SameSite, SetCookie};
use authlens::date;
use authlens::problem::Problem;
use authlens::secret;
use serde_json::json;

use crate::explain::human_duration;
use crate::input;
use crate::output::{exit_status, print_json, render_problems, render_secret_problems, Style};

/// Exit status 1 when a browser would refuse any of the cookies (the errors of
/// `Set-Cookie`), or none was given.
pub fn set_cookie(json: bool, reveal: bool, values: &[String]) -> Result<ExitCode, String> {
    let values = input::plain_lines(values)?;
    if values.is_empty() {
        return Err("no Set-Cookie value given".into());
    }
    let parsed: Vec<SetCookie<'_>> = values.iter().map(|v| cookie::parse_set_cookie(v)).collect();
    if json {
        let cookies: Vec<_> = parsed.iter().map(|c| c.to_json(reveal)).collect();
        print_json(&json!({ "cookies": cookies }))?;
    } else {
        let style = Style::detect();
        let now = now();
        let mut out = String::new();
        for (c, input) in parsed.iter().zip(&values) {
            out.push_str(&set_cookie_text(c, input, reveal, now, style));
        }
        print!("{out}");
    }
    // A refusal is what a Set-Cookie error is (src/cookie.rs, `Verdicts`); say so in
    // those words, and let the shared rule decide the status.
    let rejected = parsed.iter().filter(|c| c.rejected).count();
    if rejected > 0 {
        eprintln!(
            "authlens: a browser would refuse {rejected} of {} cookie{}",
            parsed.len(),
            if parsed.len() == 1 { "" } else { "s" }
        );
    }
    let problems: Vec<Problem> = parsed
        .iter()
        .flat_map(|c| c.problems.iter().copied())
        .collect();
    Ok(exit_status(&problems))
}

fn set_cookie_text(c: &SetCookie<'_>, input: &str, reveal: bool, now: i64, style: Style) -> String {
    let mut out = format!(
        "{} {} = {}\n",
        style.dim("Set-Cookie"),
        style.bold(if c.name.is_empty() {
            "(empty name)"
        } else {
            c.name
        }),
        secret::show(c.value, reveal)
    );
    let mut attributes = Vec::new();
    if let Some(domain) = &c.domain {
        attributes.push(format!("Domain={domain}"));
    }
    if let Some(path) = c.path {
        attributes.push(format!("Path={path}"));
    }
    if c.secure {
        attributes.push("Secure".into());
    }
    if c.http_only {
        attributes.push("HttpOnly".into());
    }
    if let Some(same_site) = c.same_site {
        attributes.push(
            match same_site {
                SameSite::Strict => "SameSite=Strict",
                SameSite::Lax => "SameSite=Lax",
                SameSite::None => "SameSite=None",
            }
            .into(),
        );
    }
    if c.partitioned {
        attributes.push("Partitioned".into());
    }
    for (name, value) in &c.other_attributes {
        attributes.push(if value.is_empty() {
            (*name).to_owned()
        } else {
            format!("{name}={value}")
        });
    }
    if !attributes.is_empty() {
        out.push_str(&format!("  {}\n", attributes.join("; ")));
    }
    let lifetime = match (c.max_age, c.expires) {
        (Some(max_age), _) if max_age <= 0 => "deletes the cookie (Max-Age ≤ 0)".to_owned(),
        (Some(max_age), _) => format!(
            "lasts {} (Max-Age, which wins over Expires)",
            human_duration(max_age.unsigned_abs())
        ),
        (None, Some(expires)) if expires <= now => format!(
            "deletes the cookie (Expires {} is in the past on this machine's clock)",
            http_date(expires)
        ),
        (None, Some(expires)) => format!(
            "expires {} (in {})",
            http_date(expires),
            human_duration(expires.saturating_sub(now).unsigned_abs())
        ),
        (None, None) => "a session cookie (no Expires or Max-Age)".to_owned(),
    };
    out.push_str(&format!("  {lifetime}\n"));
    if c.rejected {
        out.push_str(&format!(
            "  {}\n",
            style.warn("a browser would refuse to store this cookie")
        ));
    }
    render_secret_problems(&mut out, &c.problems, input, reveal, style);
    out
}

/// Exit status 1 when the header holds no cookie, or has an error.
pub fn cookie(json: bool, reveal: bool, value: &str) -> Result<ExitCode, String> {
    let value = input::value(value)?;
    let parsed = cookie::parse_cookie_header(&value);
    if json {
        print_json(&parsed.to_json(reveal))?;
    } else {
        let style = Style::detect();
        let mut out = format!(
            "{} {} cookie{}\n",
            style.dim("Cookie"),
            parsed.cookies.len(),
            if parsed.cookies.len() == 1 { "" } else { "s" }
        );
        for c in &parsed.cookies {
            out.push_str(&format!(
                "  {} = {}\n",
                style.bold(c.name),
                secret::show(c.value, reveal)
            ));
        }
        if !parsed.duplicates.is_empty() {
            out.push_str(&format!(
                "{} {}\n",
                style.warn("sent twice:"),
                parsed.duplicates.join(", ")
            ));
        }
        render_secret_problems(&mut out, &parsed.problems, &value, reveal, style);
        print!("{out}");
    }
    if parsed.cookies.is_empty() {
        eprintln!("authlens: no cookie in this header");
        return Ok(ExitCode::from(1));
    }
    Ok(exit_status(&parsed.problems))
}

/// Reads a value as delay-seconds when it is digits, else as an HTTP date; says too how
/// a browser would read it as a cookie `Expires`, which is more lenient. Exit status 1
/// when none of the three can read it.
pub fn date(json: bool, value: &str) -> Result<ExitCode, String> {
    let value = input::value(value)?;
    let digits = !value.trim().is_empty() && value.trim().bytes().all(|b| b.is_ascii_digit());
    let mut problems: Vec<Problem> = Vec::new();
    let (http_date, delay) = if digits {
        match date::parse_delta_seconds(&value) {
            Ok(seconds) => (None, Some(seconds)),
            Err(p) => {
                problems.push(p);
                (None, None)
            }
        }
    } else {
        match date::parse_http_date(&value) {
            Ok(seconds) => {
                problems.extend(date::obsolete_format(&value));
                (Some(seconds), None)
            }
            Err(p) => {
                problems.push(p);
                (None, None)
            }
        }
    };
    let cookie_date = cookie::cookie_date(&value);
    if cookie_date.is_some() && http_date.is_none() && delay.is_none() {
        // Readable, though not as an HTTP date: a warning, since browsers read it in a
        // cookie's Expires (RFC 6265 §5.1.1) while RFC 9110 §5.6.7 recipients do not.
        for p in &mut problems {
            *p = Problem::warning(
                p.offset,
                "not an HTTP date (RFC 9110 §5.6.7), but browsers read it as a cookie Expires (RFC 6265 §5.1.1)",
            );
        }
    }
    let readable = http_date.is_some() || delay.is_some() || cookie_date.is_some();
    if json {
        print_json(&json!({
            "http_date": http_date,
            "delay_seconds": delay,
            "cookie_date": cookie_date,
            "imf_fixdate": http_date.or(cookie_date).map(self::http_date),
            "problems": problems,
        }))?;
    } else {
        let style = Style::detect();
        let now = now();
        let mut out = String::new();
        if let Some(seconds) = http_date {
            out.push_str(&format!(
                "{}  {} ({seconds} s since the epoch), {}\n",
                style.bold("HTTP date"),
                self::http_date(seconds),
                relative(seconds, now)
            ));
        }
        if let Some(delay) = delay {
            out.push_str(&format!(
                "{}  {delay} s ({})\n",
                style.bold("delay"),
                human_duration(delay)
            ));
        }
        render_problems(&mut out, &problems, &value, style);
        if http_date.is_none() {
            if let Some(seconds) = cookie_date {
                out.push_str(&format!(
                    "as a cookie Expires, browsers read it as {} (RFC 6265 §5.1.1)\n",
                    self::http_date(seconds)
                ));
            }
        }
        print!("{out}");
    }
    if !readable {
        eprintln!("authlens: not a date or a number of seconds");
        return Ok(ExitCode::from(1));
    }
    Ok(exit_status(&problems))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// IMF-fixdate for the years 0000 to 9999, an expanded ISO 8601 year outside them;
/// never a panic (httpdate's formatter panics past 9999).
fn http_date(seconds: i64) -> String {
    date::fmt_http_date(seconds)
}

fn relative(seconds: i64, now: i64) -> String {
    let delta = seconds.saturating_sub(now);
    let amount = human_duration(delta.unsigned_abs());
    if delta >= 0 {
        format!("in {amount} (this machine's clock)")
    } else {
        format!("{amount} ago (this machine's clock)")
    }
}
