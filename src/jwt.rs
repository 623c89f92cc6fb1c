//! JSON Web Tokens as they travel in `Authorization` headers: read, never verified.
//!
//! ```text
//! JWS compact  = BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature)   RFC 7515 §7.1
//! JWE compact  = header "." encrypted-key "." iv "." ciphertext "." tag                RFC 7516 §7.1
//! unsecured    = a JWS with "alg":"none" and an empty signature                       RFC 7519 §6
//! detached     = a JWS with an empty payload segment                                  RFC 7515 App. F
//! ```
//!
//! [`parse`] decodes what can be read (a JWE's header only), keeps the header and payload
//! as JSON values, and extracts the registered claims a diagnosis needs ([`Claims`]). It
//! also guesses what the token is *for* ([`Usage`]: access, ID, refresh, DPoP proof) and
//! lists the evidence for the guess. A string that is not a JWT is an opaque token, and
//! well-known opaque formats are named.
//!
//! # Implementation notes: deliberate deviations
//! - **Lenient base64url.** Padding and the standard alphabet are reported (RFC 7515 §2
//!   forbids both) but decoded anyway, so that the claims can still be shown: the point
//!   is to explain the mistake, not to reject the token.
//! - **NumericDate in milliseconds.** RFC 7519 §2 counts seconds. A value above
//!   10^11 (the year 5138 in seconds) is read as milliseconds, normalised, and flagged.
//! - **Strings where numbers belong** (`"exp":"1700000000"`) are reported and read.
//! - **Nesting.** serde_json stops at 128 levels of nesting; deeper JSON is reported as
//!   such instead of overflowing the stack.
//! - **Time claims out of range.** A NumericDate that is not finite, or past what an `i64`
//!   of seconds holds, is clamped to the range (`1e300` is "the far future"), and one
//!   outside the years 0000 to 9999 is reported; every formatter of these times is total
//!   ([`crate::date::fmt_http_date`]).
//!
//! # Severity
//! *Errors* are what stops a part from being read (not 3 or 5 segments, a segment that is
//! not base64url JSON, a time claim that is not a number) or a character no token can
//! hold. *Warnings* are what was read as written while RFC 7515, 7516 and 7519 say
//! otherwise: padding, white space around the token, a missing `alg` or `enc`, `alg`
//! spellings of `none`, a time claim as a string or in milliseconds.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::encoding::{decode, Base64};
use crate::problem::{Problem, Problems};

/// The structure of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A signed JWT (JWS compact serialisation).
    Jws,
    /// An encrypted JWT: only its header can be read.
    Jwe,
    /// `alg: none`: anyone could have written it.
    Unsecured,
    /// Not a JWT: a reference token only its issuer can interpret.
    Opaque,
    /// Meant to be a JWT, but broken beyond reading.
    Invalid,
}

/// What the token is for, as far as its contents tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    Access,
    Id,
    Refresh,
    DpopProof,
    Unknown,
}

/// The guess of [`Use`], and the facts it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    #[serde(rename = "kind")]
    pub usage: Use,
    pub evidence: Vec<String>,
}

/// A NumericDate claim (RFC 7519 §2), normalised to whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NumericDate {
    /// Seconds since the epoch.
    pub seconds: i64,
    /// The value was written in milliseconds (a common client bug).
    pub millis: bool,
}

/// The registered and widely used claims a diagnosis looks at.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Claims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud`, as a list whether the token held a string or an array (RFC 7519 §4.1.3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aud: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<NumericDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<NumericDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// `scope` (RFC 8693 §4.2, space-separated) or `scp` (Entra, Okta: string or array).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    /// The `typ` *claim* (Keycloak: `Bearer`, `ID`, `Refresh`), not the header parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// `cnf.jkt`: the token is bound to a DPoP key (RFC 9449 §6.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cnf_jkt: Option<String>,
    /// AWS Cognito's `token_use` (`access` or `id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_use: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amr: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// The header parameters a diagnosis looks at (RFC 7515 §4.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HeaderInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// JWE content encryption (RFC 7516 §4.1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enc: Option<String>,
    /// Microsoft Graph access tokens carry a `nonce` *header*; they only verify at Graph.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub has_nonce: bool,
}

/// One token, decoded as far as it can be.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    pub kind: Kind,
    /// The decoded header, when it was a JSON object.
    pub header: Option<Value>,
    /// The decoded payload (claims set), when readable.
    pub payload: Option<Value>,
    pub header_params: HeaderInfo,
    pub claims: Claims,
    pub usage: Usage,
    /// RFC 7515 Appendix F: the payload travels elsewhere.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub detached: bool,
    /// For an opaque token, the format recognised from its prefix, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Length of the token in bytes (the token itself is a secret and is not kept).
    pub length: usize,
    pub problems: Vec<Problem>,
}

/// Above this, a NumericDate is read as milliseconds: 10^11 seconds is the year 5138,
/// while 10^11 milliseconds is 1973.
const MILLIS_THRESHOLD: f64 = 1e11;

/// Well-known opaque token formats, by prefix.
const OPAQUE_FORMATS: &[(&str, &str)] = &[
    ("ghp_", "GitHub personal access token"),
    ("github_pat_", "GitHub fine-grained personal access token"),
    ("gho_", "GitHub OAuth access token"),
    ("ghu_", "GitHub user-to-server token"),
    ("ghs_", "GitHub server-to-server token"),
    ("glpat-", "GitLab personal access token"),
    ("xoxb-", "Slack bot token"),
    ("xoxp-", "Slack user token"),
    ("ya29.", "Google OAuth 2.0 access token"),
    ("sk_live_", "Stripe live secret key"),
    ("sk_test_", "Stripe test secret key"),
    ("AKIA", "AWS access key id"),
];

/// Reads a token. Surrounding white space is reported and ignored.
pub fn parse(input: &str) -> Token {
    let mut problems = Problems::default();
    let trimmed_start = input.len() - input.trim_start().len();
    let token = input.trim();
    // A warning: the token is read without it (OWS around a field value, RFC 9110 §5.5).
    if token.len() != input.len() {
        problems.warning(
            if trimmed_start > 0 {
                0
            } else {
                trimmed_start + token.len()
            },
            "white space around the token",
        );
    }
    let mut out = Token {
        kind: Kind::Opaque,
        header: None,
        payload: None,
        header_params: HeaderInfo::default(),
        claims: Claims::default(),
        usage: Usage {
            usage: Use::Unknown,
            evidence: Vec::new(),
        },
        detached: false,
        format: None,
        length: token.len(),
        problems: Vec::new(),
    };
    let segments: Vec<(usize, &str)> = split_segments(token, trimmed_start);
    // `eyJ` is base64url for `{"`: every JOSE header starts that way.
    let looks_like_jose = token.starts_with("eyJ");
    match segments.len() {
        3 | 5 if looks_like_jose => {
            read_jose(&segments, &mut out, &mut problems);
        }
        n if looks_like_jose => {
            // An error: RFC 7515 §7.1 and RFC 7516 §7.1 have 3 or 5 segments.
            out.kind = Kind::Invalid;
            problems.error(
                trimmed_start,
                if n < 3 {
                    "looks like a JWT but has fewer than 3 '.'-separated segments (truncated?)"
                } else {
                    "looks like a JWT but has neither 3 segments (JWS) nor 5 (JWE)"
                },
            );
        }
        _ => {
            out.format = OPAQUE_FORMATS
                .iter()
                .find(|(prefix, _)| token.starts_with(prefix))
                .map(|(_, name)| *name);
            if token.is_empty() {
                out.kind = Kind::Invalid;
                problems.error(trimmed_start, "empty token");
            } else if let Some(bad) = token
                .bytes()
                .position(|b| !(crate::syntax::is_token68_char(b) || b == b'='))
            {
                // RFC 6750 §2.1: a bearer token is a b64token; this one cannot be sent.
                out.kind = Kind::Invalid;
                problems.error(
                    trimmed_start + bad,
                    "a character that no token can contain (RFC 6750 §2.1 b64token)",
                );
            }
        }
    }
    out.usage = classify(&out);
    out.problems = problems.into_vec();
    out
}

fn split_segments(token: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in token.bytes().enumerate() {
        if b == b'.' {
            out.push((base + start, &token[start..i]));
            start = i + 1;
        }
        // A token with thousands of dots is no JWT; stop splitting (linear either way).
        if out.len() > 5 {
            break;
        }
    }
    if out.len() <= 5 {
        out.push((base + start, token.get(start..).unwrap_or("")));
    }
    out
}

fn read_jose(segments: &[(usize, &str)], out: &mut Token, problems: &mut Problems) {
    let (header_at, header_text) = segments[0];
    let Some(header) = decode_json(header_at, header_text, "header", problems) else {
        out.kind = Kind::Invalid;
        return;
    };
    out.header_params = header_info(&header);
    out.header = Some(Value::Object(header));
    if segments.len() == 5 {
        out.kind = Kind::Jwe;
        // The header was read, so its own problems are warnings (RFC 7515, 7516, 7519).
        if out.header_params.enc.is_none() {
            problems.warning(
                header_at,
                "a 5-segment token (JWE) whose header has no \"enc\" (RFC 7516 §4.1.2)",
            );
        }
        return;
    }
    let (payload_at, payload_text) = segments[1];
    let (signature_at, signature) = segments[2];
    // Case-insensitively: libraries that compare that way accept `None` as unsecured.
    let unsecured = out
        .header_params
        .alg
        .as_deref()
        .is_some_and(|alg| alg.eq_ignore_ascii_case("none"));
    out.kind = if unsecured {
        Kind::Unsecured
    } else {
        Kind::Jws
    };
    match out.header_params.alg.as_deref() {
        None => problems.warning(header_at, "the header has no \"alg\" (RFC 7515 §4.1.1)"),
        Some(alg) if alg.eq_ignore_ascii_case("none") && alg != "none" => problems.warning(
            header_at,
            "\"alg\" is a spelling of \"none\" that libraries may miss: an unsecured token in disguise",
        ),
        _ => {}
    }
    if unsecured && !signature.is_empty() {
        problems.warning(
            signature_at,
            "\"alg\":\"none\" with a signature: an unsecured JWT has an empty signature (RFC 7519 §6.1)",
        );
    }
    if !unsecured && signature.is_empty() {
        problems.warning(signature_at, "empty signature segment on a signed token");
    } else if !signature.is_empty() {
        // Checked for encoding mistakes only; its bytes are a secret and are dropped.
        let _ = decode(signature, signature_at, Base64::UrlSafe, problems);
    }
    if payload_text.is_empty() {
        out.detached = true;
        return;
    }
    if let Some(payload) = decode_json(payload_at, payload_text, "payload", problems) {
        out.claims = claims(&payload, payload_at, problems);
        out.payload = Some(Value::Object(payload));
    }
}

fn decode_json(
    at: usize,
    text: &str,
    what: &'static str,
    problems: &mut Problems,
) -> Option<Map<String, Value>> {
    let bytes = decode(text, at, Base64::UrlSafe, problems)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Some(map),
        // Errors: the part is not read (RFC 7515 §4, RFC 7519 §7.2 step 10).
        Ok(_) => {
            problems.error(
                at,
                if what == "header" {
                    "the header is JSON but not an object"
                } else {
                    "the payload is JSON but not an object (a JWT claims set is an object)"
                },
            );
            None
        }
        Err(e) => {
            let nested = e.to_string().contains("recursion limit");
            problems.error(
                at,
                match (what == "header", nested, e.classify()) {
                    (_, true, _) => "JSON nested more than 128 levels deep; not read",
                    (true, _, serde_json::error::Category::Eof) => "the header is truncated JSON",
                    (true, _, _) => "the header is not valid JSON (or not UTF-8)",
                    (false, _, serde_json::error::Category::Eof) => "the payload is truncated JSON",
                    (false, _, _) => "the payload is not valid JSON (or not UTF-8)",
                },
            );
            None
        }
    }
}

fn string(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn header_info(header: &Map<String, Value>) -> HeaderInfo {
    HeaderInfo {
        alg: string(header, "alg"),
        typ: string(header, "typ"),
        kid: string(header, "kid"),
        enc: string(header, "enc"),
        has_nonce: header.contains_key("nonce"),
    }
}

/// A claim that is a string or an array of strings, as a list.
fn string_or_list(value: Option<&Value>, split_spaces: bool) -> Vec<String> {
    match value {
        Some(Value::String(s)) if split_spaces => {
            s.split_ascii_whitespace().map(str::to_owned).collect()
        }
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn numeric_date(
    map: &Map<String, Value>,
    key: &str,
    at: usize,
    problems: &mut Problems,
) -> Option<NumericDate> {
    const NOT_A_NUMBER: &str = "a time claim (exp, nbf or iat) is not a number";
    let value = match map.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let parsed = s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            if parsed.is_some() {
                // A warning: read as the number it spells; RFC 7519 §2 wants a JSON number.
                problems.warning(
                    at,
                    "a time claim (exp, nbf or iat) is a string; RFC 7519 §2 requires a number",
                );
            }
            parsed
        }
        _ => None,
    };
    // An error: NumericDate is a JSON number (RFC 7519 §2); nothing else can be read as
    // one, not even "NaN" or "inf" in a string, so the claim is left out.
    let Some(value) = value.filter(|v| v.is_finite()) else {
        problems.error(at, NOT_A_NUMBER);
        return None;
    };
    let millis = value.abs() >= MILLIS_THRESHOLD;
    let seconds = if millis { value / 1000.0 } else { value };
    // `as` saturates at the i64 range: a hostile 1e300 stays a (far-future) number.
    let seconds = seconds.floor() as i64;
    if !(crate::date::YEAR_0..crate::date::YEAR_10000).contains(&seconds) {
        // A warning: it is a number, and RFC 7519 §2 sets no range, but no HTTP date
        // (RFC 9110 §5.6.7's 4DIGIT year) and few JWT libraries can hold it.
        problems.warning(
            at,
            "a time claim outside the years 0000 to 9999: shown as an extended year, and libraries may reject it",
        );
    }
    Some(NumericDate { seconds, millis })
}

fn claims(payload: &Map<String, Value>, at: usize, problems: &mut Problems) -> Claims {
    let aud = string_or_list(payload.get("aud"), false);
    let mut scope = string_or_list(payload.get("scope"), true);
    if scope.is_empty() {
        scope = string_or_list(payload.get("scp"), true);
    }
    let claims = Claims {
        iss: string(payload, "iss"),
        sub: string(payload, "sub"),
        aud,
        exp: numeric_date(payload, "exp", at, problems),
        nbf: numeric_date(payload, "nbf", at, problems),
        iat: numeric_date(payload, "iat", at, problems),
        jti: string(payload, "jti"),
        scope,
        azp: string(payload, "azp"),
        nonce: string(payload, "nonce"),
        at_hash: string(payload, "at_hash"),
        typ: string(payload, "typ"),
        cnf_jkt: payload
            .get("cnf")
            .and_then(|c| c.get("jkt"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        token_use: string(payload, "token_use"),
        acr: string(payload, "acr"),
        amr: string_or_list(payload.get("amr"), false),
        client_id: string(payload, "client_id"),
    };
    if claims.exp.is_some_and(|d| d.millis)
        || claims.nbf.is_some_and(|d| d.millis)
        || claims.iat.is_some_and(|d| d.millis)
    {
        // A warning: read, and normalised; RFC 7519 §2 counts seconds.
        problems.warning(
            at,
            "a time claim is in milliseconds; RFC 7519 §2 NumericDate counts seconds",
        );
    }
    claims
}

/// A kind marker's value without case or punctuation: `Refresh_Token` → `refreshtoken`.
fn normalised_kind(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Weighs the evidence for each use. Explicit markers (a header `typ`, Cognito's
/// `token_use`, Keycloak's `typ` claim) settle it; otherwise the claims that only one
/// kind of token carries decide.
fn classify(token: &Token) -> Usage {
    let mut votes: Vec<(Use, u32, String)> = Vec::new();
    let header_typ = token
        .header_params
        .typ
        .as_deref()
        .map(str::to_ascii_lowercase);
    match header_typ.as_deref() {
        Some("at+jwt" | "application/at+jwt") => votes.push((
            Use::Access,
            10,
            "header typ is at+jwt (RFC 9068 §2.1)".into(),
        )),
        Some("dpop+jwt") => votes.push((
            Use::DpopProof,
            10,
            "header typ is dpop+jwt (RFC 9449 §4.2)".into(),
        )),
        _ => {}
    }
    let c = &token.claims;
    // The claim each library marks a token's kind with, in its own spelling: Cognito's
    // `token_use`, Keycloak's `typ` (`Bearer`, `ID`, `Refresh`, `Offline`),
    // Flask-JWT-Extended's `type` (`access`, `refresh`), djangorestframework-simplejwt's
    // `token_type`, and the camelCase forms Node libraries write. Values are compared
    // without case and punctuation (`refresh_token`, `RefreshToken`, `refresh`).
    if let Some(payload) = token.payload.as_ref().and_then(Value::as_object) {
        for (claim, weight) in [
            ("token_use", 10),
            ("tokenUse", 10),
            ("typ", 8),
            ("type", 8),
            ("token_type", 8),
            ("tokenType", 8),
        ] {
            let Some(value) = payload.get(claim).and_then(Value::as_str) else {
                continue;
            };
            let kind = match normalised_kind(value).as_str() {
                "access" | "accesstoken" | "at" | "bearer" => Use::Access,
                "id" | "idtoken" => Use::Id,
                "refresh" | "refreshtoken" | "rt" | "offline" | "offlinetoken" => Use::Refresh,
                _ => continue,
            };
            // `typ` also names a header parameter: say which one.
            let what = if claim == "typ" { "typ claim" } else { claim };
            votes.push((kind, weight, format!("{what} is \"{value}\"")));
        }
    }
    if let Some(kind) = header_typ.as_deref().and_then(|t| t.strip_suffix("+jwt")) {
        if matches!(
            normalised_kind(kind).as_str(),
            "refresh" | "rt" | "refreshtoken"
        ) {
            votes.push((Use::Refresh, 10, format!("header typ is {kind}+jwt")));
        }
    }
    if !c.scope.is_empty() {
        votes.push((Use::Access, 3, "has scope/scp".into()));
    }
    if c.client_id.is_some() {
        votes.push((Use::Access, 2, "has client_id (RFC 9068 §2.2)".into()));
    }
    if c.nonce.is_some() {
        votes.push((Use::Id, 3, "has a nonce claim (OIDC Core §2)".into()));
    }
    if c.at_hash.is_some() {
        votes.push((Use::Id, 3, "has at_hash (OIDC Core §3.1.3.6)".into()));
    }
    if let Some(payload) = token.payload.as_ref().and_then(Value::as_object) {
        if payload.contains_key("auth_time") && c.scope.is_empty() {
            votes.push((Use::Id, 1, "has auth_time and no scope".into()));
        }
        if payload.contains_key("htm") && payload.contains_key("htu") {
            votes.push((Use::DpopProof, 5, "has htm and htu (RFC 9449 §4.2)".into()));
        }
    }
    if c.aud.len() == 1 && c.azp.is_some() && c.azp.as_deref() == c.aud.first().map(String::as_str)
    {
        votes.push((
            Use::Id,
            2,
            "aud equals azp: issued to the client itself".into(),
        ));
    }
    let mut best = (Use::Unknown, 0);
    for kind in [Use::Access, Use::Id, Use::Refresh, Use::DpopProof] {
        let score: u32 = votes.iter().filter(|v| v.0 == kind).map(|v| v.1).sum();
        if score > best.1 {
            best = (kind, score);
        }
    }
    Usage {
        usage: best.0,
        evidence: votes
            .into_iter()
            .filter(|v| v.0 == best.0)
            .map(|v| v.2)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::json;

    use super::*;

    fn jwt(header: Value, payload: Value, signature: &str) -> String {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            signature
        )
    }

    /// RFC 7519 §3.1's example JWT, verbatim.
    const RFC7519_EXAMPLE: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn reads_the_rfc_7519_example() {
        let token = parse(RFC7519_EXAMPLE);
        assert_eq!(token.kind, Kind::Jws);
        assert_eq!(token.header_params.alg.as_deref(), Some("HS256"));
        assert_eq!(token.claims.iss.as_deref(), Some("joe"));
        assert_eq!(
            token.claims.exp,
            Some(NumericDate {
                seconds: 1300819380,
                millis: false
            })
        );
        assert!(token.problems.is_empty(), "{:?}", token.problems);
    }

    /// RFC 7519 §6.1's unsecured JWT.
    #[test]
    fn reads_the_rfc_7519_unsecured_example() {
        let token = parse("eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.");
        assert_eq!(token.kind, Kind::Unsecured);
        assert!(token.problems.is_empty(), "{:?}", token.problems);
    }

    /// RFC 7516 Appendix A.1's JWE: 5 segments, only the header is read.
    #[test]
    fn reads_only_the_header_of_a_jwe() {
        let token = parse("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ");
        assert_eq!(token.kind, Kind::Jwe);
        assert_eq!(token.header_params.enc.as_deref(), Some("A256GCM"));
        assert!(token.payload.is_none());
    }

    #[test]
    fn detached_payload_is_recognised() {
        let token = parse("eyJhbGciOiJIUzI1NiJ9..dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(token.kind, Kind::Jws);
        assert!(token.detached);
    }

    #[test]
    fn base64_mistakes_are_pointed_at() {
        let good = jwt(json!({"alg":"HS256"}), json!({"sub":"a"}), "c2ln");
        let padded = good.replacen('.', "==.", 1);
        let token = parse(&padded);
        assert_eq!(token.kind, Kind::Jws);
        let at = padded.find('=').unwrap_or(0);
        assert_eq!(token.problems[0].offset, at);
        let token = parse("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJh+In0.c2ln");
        assert!(
            token.problems[0].message.contains("wrong alphabet"),
            "{:?}",
            token.problems
        );
        assert_eq!(token.problems[0].offset, 33, "the offset of the +");
    }

    #[test]
    fn milliseconds_are_detected_and_normalised() {
        let token = parse(&jwt(
            json!({"alg":"RS256"}),
            json!({"exp": 1700000000000u64}),
            "c2ln",
        ));
        assert_eq!(
            token.claims.exp,
            Some(NumericDate {
                seconds: 1700000000,
                millis: true
            })
        );
        assert!(token
            .problems
            .iter()
            .any(|p| p.message.contains("milliseconds")));
    }

    /// Every NumericDate at its extremes reads to a number or to a reported error, never
    /// a panic (issue #11, item 5).
    #[test]
    fn time_claims_at_their_extremes() {
        use crate::date::{YEAR_0, YEAR_10000};
        use crate::problem::Severity;
        let read = |exp: Value| {
            let token = parse(&jwt(json!({"alg":"RS256"}), json!({ "exp": exp }), "c2ln"));
            let severities: Vec<(Severity, &str)> = token
                .problems
                .iter()
                .map(|p| (p.severity, p.message))
                .collect();
            (token.claims.exp.map(|d| (d.seconds, d.millis)), severities)
        };
        let out_of_range = |problems: &[(Severity, &str)]| {
            problems
                .iter()
                .any(|(s, m)| *s == Severity::Warning && m.contains("0000 to 9999"))
        };
        assert_eq!(read(json!(0)), (Some((0, false)), vec![]));
        assert_eq!(read(json!(-1)), (Some((-1, false)), vec![]));
        assert_eq!(read(json!(-1.5)), (Some((-2, false)), vec![]));
        // The milliseconds boundary: 10^11 - 1 is seconds (the year 5138), 10^11 is ms.
        assert_eq!(
            read(json!(99_999_999_999i64)).0,
            Some((99_999_999_999, false))
        );
        assert_eq!(read(json!(100_000_000_000i64)).0, Some((100_000_000, true)));
        assert_eq!(
            read(json!(-100_000_000_000i64)).0,
            Some((-100_000_000, true))
        );
        // The year 10000 in seconds is read as milliseconds (1978)…
        assert_eq!(read(json!(YEAR_10000)).0, Some((YEAR_10000 / 1000, true)));
        // …and the year 10000 in milliseconds is reported as out of range.
        let (exp, problems) = read(json!(YEAR_10000 * 1000));
        assert_eq!(exp, Some((YEAR_10000, true)));
        assert!(out_of_range(&problems), "{problems:?}");
        let (exp, problems) = read(json!(YEAR_0 * 1000 - 1000));
        assert_eq!(exp, Some((YEAR_0 - 1, true)));
        assert!(out_of_range(&problems), "{problems:?}");
        // i64 and u64 extremes, and floats far beyond them, saturate.
        // (Read through f64, as every JSON number is: exact to within a second here.)
        let near = |v: Value, expected: i64| {
            read(v)
                .0
                .is_some_and(|(s, ms)| ms && s.abs_diff(expected) <= 1)
        };
        assert!(near(json!(i64::MAX), i64::MAX / 1000));
        assert!(near(json!(i64::MIN), i64::MIN / 1000));
        assert_eq!(read(json!(u64::MAX)).0.map(|e| e.1), Some(true));
        assert_eq!(read(json!(1e300)).0, Some((i64::MAX, true)));
        assert_eq!(read(json!(-1e300)).0, Some((i64::MIN, true)));
        assert_eq!(read(json!(f64::MAX)).0, Some((i64::MAX, true)));
        assert_eq!(read(json!(f64::MIN_POSITIVE)).0, Some((0, false)));
        // NaN and the infinities cannot be JSON numbers; as strings they are no number.
        for text in ["NaN", "inf", "-inf", "infinity", "1e400", "soon", ""] {
            let (exp, problems) = read(json!(text));
            assert_eq!(exp, None, "{text}");
            assert_eq!(
                problems,
                [(
                    Severity::Error,
                    "a time claim (exp, nbf or iat) is not a number"
                )],
                "{text}"
            );
        }
        // A number in a string is read, with a warning.
        let (exp, problems) = read(json!(" 1700000000 "));
        assert_eq!(exp, Some((1_700_000_000, false)));
        assert_eq!(problems[0].0, Severity::Warning);
        for other in [json!(null), json!(true), json!([1]), json!({"a": 1})] {
            let (exp, problems) = read(other.clone());
            assert_eq!((exp, problems.len()), (None, 1), "{other}");
        }
        // A number too large for f64 is not JSON serde_json reads: the payload is an
        // error, and the token is still a JWS.
        let text = jwt(json!({"alg":"RS256"}), json!({}), "c2ln").replacen(
            ".e30.",
            &format!(".{}.", URL_SAFE_NO_PAD.encode(r#"{"exp":1e400}"#)),
            1,
        );
        let token = parse(&text);
        assert_eq!(token.kind, Kind::Jws);
        assert!(token.problems.iter().any(|p| p.severity == Severity::Error));
    }

    #[test]
    fn usage_is_classified_with_evidence() {
        let id = parse(&jwt(
            json!({"alg":"RS256"}),
            json!({"aud":"app","azp":"app","nonce":"n","at_hash":"x"}),
            "c2ln",
        ));
        assert_eq!(id.usage.usage, Use::Id);
        assert!(id.usage.evidence.iter().any(|e| e.contains("nonce")));
        let access = parse(&jwt(
            json!({"alg":"RS256","typ":"at+jwt"}),
            json!({"scope":"read write"}),
            "c2ln",
        ));
        assert_eq!(access.usage.usage, Use::Access);
        assert_eq!(access.claims.scope, ["read", "write"]);
        let refresh = parse(&jwt(
            json!({"alg":"HS256"}),
            json!({"typ":"Refresh"}),
            "c2ln",
        ));
        assert_eq!(refresh.usage.usage, Use::Refresh);
        let proof = parse(&jwt(
            json!({"alg":"ES256","typ":"dpop+jwt"}),
            json!({"htm":"GET","htu":"https://x"}),
            "c2ln",
        ));
        assert_eq!(proof.usage.usage, Use::DpopProof);
    }

    #[test]
    fn opaque_tokens_are_named_when_known() {
        let token = parse("ghp_16C7e42F292c6912E7710c838347Ae178B4a");
        assert_eq!(token.kind, Kind::Opaque);
        assert_eq!(token.format, Some("GitHub personal access token"));
        assert_eq!(parse("ya29.a0AfH6SMB").kind, Kind::Opaque);
        assert_eq!(parse("2YotnFZFEjr1zCsicMWpAA").kind, Kind::Opaque);
    }

    #[test]
    fn broken_jwts_are_invalid_with_a_reason() {
        let token = parse("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0");
        assert_eq!(token.kind, Kind::Invalid);
        assert!(token.problems[0].message.contains("fewer than 3"));
        let token = parse("eyJub3QganNvbg.e30.c2ln");
        assert_eq!(token.kind, Kind::Invalid);
        assert_eq!(parse("").kind, Kind::Invalid);
    }

    #[test]
    fn hostile_tokens_give_results_not_panics() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let token = parse(&jwt(json!({"alg":"HS256"}), json!({}), "c2ln").replacen(
            "e30",
            &URL_SAFE_NO_PAD.encode(format!("{{\"a\":{deep}}}")),
            1,
        ));
        assert!(token.payload.is_none());
        assert!(
            token.problems.iter().any(|p| p.message.contains("nested")),
            "{:?}",
            token.problems
        );
        let huge = format!("eyJ{}", "A".repeat(1 << 20));
        assert_eq!(parse(&huge).kind, Kind::Invalid);
        let dots = ".".repeat(1 << 20);
        assert_eq!(parse(&dots).kind, Kind::Opaque);
        assert_eq!(parse("abc\u{fffd}").kind, Kind::Invalid);
        let token = parse(&jwt(
            json!({"alg":"HS256"}),
            json!({"exp": 1e300, "nbf": -1e300, "iat":"soon"}),
            "c2ln",
        ));
        assert_eq!(token.kind, Kind::Jws);
    }
}
