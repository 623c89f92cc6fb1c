//! `authlens authorization` and `authlens token`: explain credentials and tokens.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use authlens::credentials::{self, Credentials};
use authlens::jwt::{self, Kind, NumericDate, Token, Use};
use authlens::secret;

use crate::input;
use crate::output::{exit_status, print_json, render_secret_problems, Style};

/// The options of `authlens authorization`.
pub struct AuthorizationArgs<'a> {
    pub proxy: bool,
    pub json: bool,
    pub reveal: bool,
    /// The `DPoP` proof header, when given.
    pub dpop: Option<&'a str>,
}

pub fn authorization(args: AuthorizationArgs<'_>, value: &str) -> Result<ExitCode, String> {
    if value == "-" && args.dpop == Some("-") {
        return Err("only one of VALUE and --dpop can be read from standard input".into());
    }
    let value = input::value(value)?;
    let proof_text = args.dpop.map(input::value).transpose()?;
    let parsed = credentials::parse(&value);
    let proof = proof_text
        .as_deref()
        .map(|proof| credentials::dpop_proof_for(proof, &parsed));
    if args.json {
        let mut out = parsed.to_json(args.reveal);
        if let Some(proof) = &proof {
            out["dpop_proof"] = serde_json::to_value(proof).map_err(|e| e.to_string())?;
        }
        print_json(&out)?;
    } else {
        let style = Style::detect();
        let header = if args.proxy {
            "Proxy-Authorization"
        } else {
            "Authorization"
        };
        let mut text = format!("{}\n", style.dim(header));
        text.push_str(&authorization_text(&parsed, &value, args.reveal, style));
        if let (Some(proof), Some(proof_text)) = (&proof, &proof_text) {
            text.push_str(&format!("\n{}\n", style.dim("DPoP proof")));
            text.push_str(&token_text_report(
                &proof.token,
                proof_text,
                args.reveal,
                style,
            ));
            render_secret_problems(&mut text, &proof.problems, proof_text, args.reveal, style);
        }
        print!("{text}");
    }
    if parsed.scheme.is_empty() && parsed.token68.is_none() {
        eprintln!("authlens: no credentials could be read from this value");
        return Ok(ExitCode::from(1));
    }
    // The value's own problems, its token's and the proof's: an error in any of them is
    // an error in what was given.
    let mut problems = parsed.problems.clone();
    problems.extend(parsed.token.iter().flat_map(|t| t.problems.iter().copied()));
    problems.extend(proof.iter().flat_map(|p| p.problems.iter().copied()));
    Ok(exit_status(&problems))
}

pub fn token(json: bool, reveal: bool, value: &str) -> Result<ExitCode, String> {
    let value = input::value(value)?;
    // Accept a pasted `Bearer eyJ…` (or a whole Authorization value) too.
    let parsed_credentials = credentials::parse(&value);
    let token_text = match (parsed_credentials.scheme, parsed_credentials.token68) {
        (scheme, Some(token)) if !scheme.is_empty() => {
            eprintln!("authlens: reading the token after the {scheme} scheme");
            token
        }
        _ => value.as_str(),
    };
    let token = jwt::parse(token_text);
    if json {
        let mut out = serde_json::to_value(&token).map_err(|e| e.to_string())?;
        if reveal {
            out["token"] = token_text.into();
        }
        print_json(&out)?;
    } else {
        let style = Style::detect();
        let mut text = String::new();
        if reveal {
            text.push_str(&format!("token   {token_text}\n"));
        }
        text.push_str(&token_text_report(&token, token_text, reveal, style));
        print!("{text}");
    }
    if token.kind == Kind::Invalid {
        eprintln!("authlens: this token could not be read");
        return Ok(ExitCode::from(1));
    }
    Ok(exit_status(&token.problems))
}

fn authorization_text(c: &Credentials<'_>, input: &str, reveal: bool, style: Style) -> String {
    let mut out = String::new();
    if c.scheme.is_empty() {
        out.push_str(&format!("{}\n", style.bold("no scheme")));
    } else {
        out.push_str(&format!("scheme  {}\n", style.bold(c.scheme)));
    }
    if let Some(token) = c.token68 {
        out.push_str(&format!("token   {}\n", secret::show(token, reveal)));
    }
    for p in &c.params {
        out.push_str(&format!("  {} = {:?}\n", p.name, p.value));
    }
    if let Some(basic) = &c.basic {
        let password = if reveal {
            basic.password.clone()
        } else {
            secret::MASKED_PASSWORD.to_owned()
        };
        out.push_str(&format!("user    {:?}\npassword {password}\n", basic.user));
    }
    for d in &c.defects {
        let kind = serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        out.push_str(&style.warn(&format!("defect ({kind}):")));
        out.push('\n');
        out.push_str(&format!("  {} (at byte {})\n", d.message, d.offset));
    }
    render_secret_problems(&mut out, &c.problems, input, reveal, style);
    if let Some(token) = &c.token {
        out.push('\n');
        // The token's problems have offsets into the token, not into this value.
        let token_text = c.token68.unwrap_or("");
        out.push_str(&token_text_report(token, token_text, reveal, style));
    }
    out
}

fn token_text_report(t: &Token, input: &str, reveal: bool, style: Style) -> String {
    let mut out = String::new();
    let kind = match t.kind {
        Kind::Jws => "JWS (a signed JWT)",
        Kind::Jwe => "JWE (an encrypted JWT: only the header can be read)",
        Kind::Unsecured => "unsecured JWT (alg: none: anyone could have written it)",
        Kind::Opaque => "opaque token (not a JWT: only its issuer can read it)",
        Kind::Invalid => "invalid token",
    };
    out.push_str(&format!("{}  {} bytes\n", style.bold(kind), t.length));
    if let Some(format) = t.format {
        out.push_str(&format!("format  {format}\n"));
    }
    let h = &t.header_params;
    for (name, value) in [
        ("alg", &h.alg),
        ("typ", &h.typ),
        ("kid", &h.kid),
        ("enc", &h.enc),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{name:<7} {value}\n"));
        }
    }
    if t.usage.usage != Use::Unknown {
        let usage = match t.usage.usage {
            Use::Access => "access token",
            Use::Id => "ID token",
            Use::Refresh => "refresh token",
            Use::DpopProof => "DPoP proof",
            Use::Unknown => "unknown",
        };
        out.push_str(&format!(
            "use     {usage} {}\n",
            style.dim(&format!("({})", t.usage.evidence.join("; ")))
        ));
    }
    if let Some(payload) = t.payload.as_ref().and_then(|p| p.as_object()) {
        out.push_str(&style.bold("claims"));
        out.push('\n');
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        for (name, value) in payload {
            let date = match name.as_str() {
                "exp" => t.claims.exp,
                "nbf" => t.claims.nbf,
                "iat" => t.claims.iat,
                _ => None,
            };
            let shown = match date {
                Some(date) => format!("{value}  {}", describe_time(name, date, now)),
                None => value.to_string(),
            };
            out.push_str(&format!("  {name:<10} {shown}\n"));
        }
    }
    if t.detached {
        out.push_str("payload detached (RFC 7515 Appendix F)\n");
    }
    render_secret_problems(&mut out, &t.problems, input, reveal, style);
    out
}

/// `2026-11-23 03:00:00 UTC, expired 14 min ago` (against this machine's clock).
fn describe_time(name: &str, date: NumericDate, now: i64) -> String {
    // Total for any i64: httpdate's formatter panics past the year 9999.
    let when = authlens::date::fmt_http_date(date.seconds);
    let delta = date.seconds.saturating_sub(now);
    let relative = human_duration(delta.unsigned_abs());
    let relation = match (name, delta >= 0) {
        ("exp", true) => format!("expires in {relative}"),
        ("exp", false) => format!("expired {relative} ago"),
        ("nbf", true) => format!("not valid for another {relative}"),
        (_, true) => format!("in {relative} (in the future!)"),
        (_, false) => format!("{relative} ago"),
    };
    let millis = if date.millis {
        ", in milliseconds!"
    } else {
        ""
    };
    format!("= {when}, {relation} (this machine's clock){millis}")
}

pub fn human_duration(seconds: u64) -> String {
    match seconds {
        0..=119 => format!("{seconds} s"),
        120..=7199 => format!("{} min", seconds / 60),
        7200..=172_799 => format!("{} h", seconds / 3600),
        _ => format!("{} days", seconds / 86_400),
    }
}
