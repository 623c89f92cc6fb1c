//! `authlens`: the command-line face of the AuthLens core.
//!
//! Every command prints JSON with `--json` (a stable contract for scripts and tests) and
//! readable text otherwise. Inputs given as `-` are read from standard input.

mod batch;
mod cookies;
mod diagnose;
mod explain;
mod headers;
mod input;
mod jwks;
mod lab;
mod output;
mod read_ahead;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "authlens",
    version,
    about = "Explains why an HTTP request got a 401.",
    after_help = "Parser commands (challenge, authorization, token, set-cookie, cookie, date) label each problem error (the value breaks its grammar) or warning (it parses, a spec advises otherwise), and exit 1 only for errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse WWW-Authenticate (or, with --proxy, Proxy-Authenticate) field values.
    Challenge {
        /// Parse as Proxy-Authenticate (407) instead of WWW-Authenticate.
        #[arg(long)]
        proxy: bool,
        /// Print JSON: {"challenges":[...],"problems":[{"offset":N,"severity":"error"|"warning","message":...}]}.
        #[arg(long)]
        json: bool,
        /// One value per field line; `-` reads one field line per line of standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Explain an Authorization (or Proxy-Authorization) value: scheme, decoded
    /// credentials, token claims, and the client mistakes it shows.
    Authorization {
        /// Read as Proxy-Authorization (407) instead of Authorization: the same grammar.
        #[arg(long)]
        proxy: bool,
        /// Print JSON: {"scheme":...,"token68":...,"params":[...],"basic":{...},"defects":[...],"problems":[...]}.
        #[arg(long)]
        json: bool,
        /// Show passwords and tokens in full (they are masked by default).
        #[arg(long)]
        reveal: bool,
        /// The `DPoP` proof header sent with the request (RFC 9449), checked against the
        /// credentials; `-` reads it from standard input.
        #[arg(long, value_name = "PROOF")]
        dpop: Option<String>,
        /// The header value; `-` reads it from standard input.
        value: String,
    },
    /// Explain a token: JWT header and claims (never verified), its kind and use, or an
    /// opaque token's format.
    Token {
        /// Print JSON: {"kind":...,"header":...,"payload":...,"claims":...,"problems":[...]}.
        #[arg(long)]
        json: bool,
        /// Also print the token itself (by default only what it says is shown; the
        /// signature never is).
        #[arg(long)]
        reveal: bool,
        /// Verify the signature against these keys (a JWKS file, or one JWK): RS/PS/ES
        /// 256-512, EdDSA; the only check AuthLens makes with keys, and only on request.
        #[arg(long, value_name = "FILE")]
        jwks: Option<String>,
        /// Read an HS256/384/512 shared secret from the first line of standard input (never
        /// stored, never printed).
        #[arg(long)]
        hs_secret_stdin: bool,
        /// The token (a `Bearer ` prefix is accepted); `-` reads it from standard input.
        token: String,
    },
    /// Explain Set-Cookie values the way a browser reads them (RFC 6265bis): attributes,
    /// dates, prefixes, limits, and whether the browser would refuse the cookie.
    SetCookie {
        /// Print JSON: {"cookies":[{"name":...,"value":...,"rejected":...,"problems":[...]}]}.
        #[arg(long)]
        json: bool,
        /// Show cookie values in full (they are masked by default).
        #[arg(long)]
        reveal: bool,
        /// One Set-Cookie value each; `-` reads one per line of standard input.
        #[arg(required = true)]
        values: Vec<String>,
    },
    /// Explain a request Cookie header: the pairs, and names sent twice.
    Cookie {
        /// Print JSON: {"cookies":[{"name":...,"value":...,"offset":N}],"duplicates":[...],"problems":[...]}.
        #[arg(long)]
        json: bool,
        /// Show cookie values in full (they are masked by default).
        #[arg(long)]
        reveal: bool,
        /// The header value; `-` reads it from standard input.
        value: String,
    },
    /// Read an HTTP date (Date, Expires, Last-Modified) or delay-seconds (Retry-After,
    /// Age).
    Date {
        /// Print JSON: {"http_date":N|null,"delay_seconds":N|null,"cookie_date":N|null,"imf_fixdate":...,"problems":[...]}.
        #[arg(long)]
        json: bool,
        /// The value; `-` reads it from standard input.
        value: String,
    },
    /// Replay the cookies of a HAR file (RFC 6265bis, as Chromium or Firefox): for each
    /// request the Cookie header the browser should send, the one sent, and every cookie
    /// withheld with its reason. Streamed: any size, bounded memory.
    Cookies {
        /// Print JSON: {"entries":[{"index":N,"url":...,"expected_cookie_header":...,"sent_cookie_header":...,"withheld":[{"name":...,"reason":...,"explanation":...}]}]}.
        #[arg(long)]
        json: bool,
        /// Show cookie values in full (they are masked by default).
        #[arg(long)]
        reveal: bool,
        /// Whose defaults to follow where browsers differ (SameSite without an attribute).
        #[arg(long, value_enum, default_value = "chromium")]
        browser: cookies::BrowserArg,
        /// The HAR file; `-` reads it from standard input.
        file: String,
    },
    /// Diagnose every auth failure in a HAR file (streamed: any size, bounded memory), or
    /// in many: several files or folders give one combined summary, diagnosed in parallel.
    Diagnose {
        /// Same as --format json: {"entries":[{"index":N,"method":...,"url":...,"status":401,"findings":[...]}],"summary":{...}}.
        #[arg(long)]
        json: bool,
        /// Output format: readable text, Markdown for a ticket, or JSON.
        #[arg(long, value_enum, default_value = "text")]
        format: diagnose::Format,
        /// Verify the token of each failing request against these keys (a JWKS file or one
        /// JWK) and the JWKS answers seen in the HAR: token.signature_invalid, token.key_unknown.
        #[arg(long, value_name = "FILE")]
        jwks: Option<String>,
        /// With --jwks: read an HS* shared secret from the first line of standard input.
        #[arg(long)]
        hs_secret_stdin: bool,
        /// With several files: how many to diagnose at once (default: the number of cores).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// The HAR file (`-` reads it from standard input), or several files and folders
        /// (searched recursively for *.har) for one combined summary.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
    /// Write a support-ready Markdown report of a HAR file (no secrets).
    Report {
        /// The HAR file; `-` reads it from standard input.
        file: String,
        /// Where to write the report (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
    },
    /// Write a copy of a HAR file that is safe to share: every secret replaced by a
    /// correlation marker, JWT claims kept (without signatures) unless --strict.
    Sanitize {
        /// The HAR file; `-` reads it from standard input.
        file: String,
        /// Where to write the sanitized HAR (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
        /// Also drop JWT headers and claims.
        #[arg(long)]
        strict: bool,
    },
    /// Serve one endpoint per auth failure mode, for demos and browser tests.
    Lab(lab::LabArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Challenge {
            proxy,
            json,
            values,
        } => output::challenge(proxy, json, &values),
        Command::Authorization {
            proxy,
            json,
            reveal,
            dpop,
            value,
        } => explain::authorization(
            explain::AuthorizationArgs {
                proxy,
                json,
                reveal,
                dpop: dpop.as_deref(),
            },
            &value,
        ),
        Command::Token {
            json,
            reveal,
            jwks,
            hs_secret_stdin,
            token,
        } => (|| -> Result<ExitCode, String> {
            if token == "-" && hs_secret_stdin {
                return Err(
                    "the token and the HS secret cannot both come from standard input".into(),
                );
            }
            // Read once: `-` is standard input, which the explanation and the check share.
            let token = input::value(&token)?;
            let code = explain::token(json, reveal, &token)?;
            if jwks.is_some() || hs_secret_stdin {
                let keys = jwks
                    .as_deref()
                    .map(jwks::load)
                    .transpose()?
                    .unwrap_or_default();
                let secret = hs_secret_stdin.then(jwks::read_secret).transpose()?;
                let token = token.trim();
                let token = token.split_once(' ').map_or(token, |(_, t)| t.trim());
                jwks::print_verdict(&jwks::verify(token, &keys, secret.as_deref()), json);
            }
            Ok(code)
        })(),
        Command::SetCookie {
            json,
            reveal,
            values,
        } => headers::set_cookie(json, reveal, &values),
        Command::Cookie {
            json,
            reveal,
            value,
        } => headers::cookie(json, reveal, &value),
        Command::Date { json, value } => headers::date(json, &value),
        Command::Cookies {
            json,
            reveal,
            browser,
            file,
        } => cookies::cookies(cookies::Args {
            json,
            reveal,
            browser,
            file: &file,
        }),
        Command::Diagnose {
            json,
            format,
            jwks,
            hs_secret_stdin,
            jobs,
            files,
        } => (|| {
            let verify = match jwks {
                Some(path) => Some(diagnose::Verify {
                    keys: jwks::load(&path)?,
                    hs_secret: hs_secret_stdin.then(jwks::read_secret).transpose()?,
                }),
                None => None,
            };
            let format = if json { diagnose::Format::Json } else { format };
            if batch::is_batch(&files) {
                batch::diagnose_many(format, &files, jobs.map(usize::from), verify)
            } else {
                diagnose::diagnose(format, &files[0], verify)
            }
        })(),
        Command::Report { file, output } => diagnose::report(&file, output.as_deref()),
        Command::Sanitize {
            file,
            output,
            strict,
        } => diagnose::sanitize(&file, output.as_deref(), strict),
        Command::Lab(args) => lab::run(args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("authlens: {message}");
            ExitCode::from(2)
        }
    }
}
