//! Headers: an allow-list. A value is kept only when its header is known to carry no
//! secret; the headers the diagnosis reads are kept in structured form; every other value
//! is replaced by its correlation marker.
//!
//! Names are compared without case (RFC 9110 §5.1) and without surrounding white space or
//! a trailing `:` (`"Authorization "`, `"X-Api-Key:"` as seen in hand-written HARs).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::scan::{is_jwt, is_secret_shape};
use super::{is_marker, Sanitizer};
use crate::{challenge, credentials};

/// How an allow-listed header's value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Kept, with secret shapes replaced ([`Sanitizer::text`]).
    Text,
    /// An identifier (request and trace ids): kept unless it is a JWT or a known prefix.
    Id,
    /// A URL ([`Sanitizer::url`]).
    Url,
    /// `WWW-Authenticate`, `Proxy-Authenticate`: challenge by challenge.
    Challenge,
    /// `Authorization`, `Proxy-Authorization`.
    Credentials,
    Cookie,
    SetCookie,
    /// `DPoP` (RFC 9449 §4): a JWT proof, kept without its signature.
    Proof,
}

/// Allow-listed header names, exact (lower case).
const EXACT: &[(&str, Kind)] = &[
    ("authorization", Kind::Credentials),
    ("proxy-authorization", Kind::Credentials),
    ("www-authenticate", Kind::Challenge),
    ("proxy-authenticate", Kind::Challenge),
    ("cookie", Kind::Cookie),
    ("set-cookie", Kind::SetCookie),
    ("dpop", Kind::Proof),
    ("location", Kind::Url),
    ("content-location", Kind::Url),
    ("referer", Kind::Url),
    ("origin", Kind::Url),
    (":path", Kind::Url),
    ("refresh", Kind::Text),
    ("link", Kind::Text),
    ("host", Kind::Text),
    (":authority", Kind::Text),
    (":method", Kind::Text),
    (":scheme", Kind::Text),
    (":status", Kind::Text),
    ("status", Kind::Text),
    // A media type's random part is a multipart boundary, which the body repeats.
    ("content-type", Kind::Id),
    ("content-length", Kind::Text),
    ("content-encoding", Kind::Text),
    ("content-language", Kind::Text),
    ("content-disposition", Kind::Text),
    ("content-range", Kind::Text),
    ("content-security-policy", Kind::Text),
    ("content-security-policy-report-only", Kind::Text),
    ("accept", Kind::Text),
    ("accept-encoding", Kind::Text),
    ("accept-language", Kind::Text),
    ("accept-ranges", Kind::Text),
    ("accept-ch", Kind::Text),
    ("accept-patch", Kind::Text),
    ("accept-post", Kind::Text),
    ("age", Kind::Text),
    ("allow", Kind::Text),
    ("alt-svc", Kind::Text),
    ("cache-control", Kind::Text),
    ("clear-site-data", Kind::Text),
    ("connection", Kind::Text),
    ("date", Kind::Text),
    ("dnt", Kind::Text),
    ("etag", Kind::Id),
    ("expires", Kind::Text),
    ("if-match", Kind::Id),
    ("if-none-match", Kind::Id),
    ("if-modified-since", Kind::Text),
    ("if-unmodified-since", Kind::Text),
    ("keep-alive", Kind::Text),
    ("last-modified", Kind::Text),
    ("pragma", Kind::Text),
    ("priority", Kind::Text),
    ("purpose", Kind::Text),
    ("range", Kind::Text),
    ("referrer-policy", Kind::Text),
    ("retry-after", Kind::Text),
    ("server", Kind::Text),
    ("server-timing", Kind::Text),
    ("strict-transport-security", Kind::Text),
    ("te", Kind::Text),
    ("timing-allow-origin", Kind::Text),
    ("trailer", Kind::Text),
    ("transfer-encoding", Kind::Text),
    ("upgrade", Kind::Text),
    ("upgrade-insecure-requests", Kind::Text),
    ("user-agent", Kind::Text),
    ("vary", Kind::Text),
    ("via", Kind::Text),
    ("warning", Kind::Text),
    ("x-content-type-options", Kind::Text),
    ("x-frame-options", Kind::Text),
    ("x-xss-protection", Kind::Text),
    ("x-powered-by", Kind::Text),
    ("x-requested-with", Kind::Text),
    ("x-forwarded-proto", Kind::Text),
    ("permissions-policy", Kind::Text),
    ("origin-agent-cluster", Kind::Text),
    ("sec-websocket-version", Kind::Text),
    ("sec-websocket-extensions", Kind::Text),
    ("x-request-id", Kind::Id),
    ("request-id", Kind::Id),
    ("x-correlation-id", Kind::Id),
    ("x-trace-id", Kind::Id),
    ("traceparent", Kind::Id),
    ("cf-ray", Kind::Id),
    ("cf-cache-status", Kind::Text),
    ("x-cache", Kind::Text),
    ("x-served-by", Kind::Text),
    ("x-amz-request-id", Kind::Id),
    ("x-amz-id-2", Kind::Id),
    ("x-amz-cf-id", Kind::Id),
    ("x-amz-cf-pop", Kind::Text),
    ("x-amzn-requestid", Kind::Id),
    ("x-amzn-trace-id", Kind::Id),
    ("x-ms-request-id", Kind::Id),
    ("x-github-request-id", Kind::Id),
    ("x-cloud-trace-context", Kind::Id),
];

/// Allow-listed families, by prefix: their values are browser hints, CORS and fetch
/// metadata (header names, methods, origins), policies and rate limits, never credentials.
const PREFIXES: &[(&str, Kind)] = &[
    ("sec-fetch-", Kind::Text),
    ("sec-ch-", Kind::Text),
    ("access-control-", Kind::Text),
    ("cross-origin-", Kind::Text),
    ("x-ratelimit-", Kind::Text),
    ("ratelimit", Kind::Text),
];

fn normalise_name(name: &str) -> String {
    name.trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_lowercase()
}

fn kind(name: &str) -> Option<Kind> {
    let name = normalise_name(name);
    // HTTP/2 pseudo-headers keep their leading colon.
    let name = name.as_str();
    EXACT
        .iter()
        .find(|(n, _)| *n == name)
        .or_else(|| PREFIXES.iter().find(|(p, _)| name.starts_with(p)))
        .map(|(_, k)| *k)
}

/// Challenge parameters kept, with secret shapes replaced: what RFC 9110 §11.6.1, RFC
/// 6750 §3, RFC 7616 §3.3, RFC 9449 §7.1, RFC 9470 §3 and RFC 9728 §5.1 define and the
/// diagnosis reads. `nonce` and `opaque` are server state (a Digest nonce can be replayed
/// until it is stale), so they are replaced by markers, which still compare equal.
const CHALLENGE_PARAMS: &[&str] = &[
    "realm",
    "scope",
    "error",
    "error_description",
    "error_uri",
    "resource_metadata",
    "acr_values",
    "max_age",
    "authorization_uri",
    "charset",
    "algorithm",
    "algs",
    "qop",
    "stale",
    "domain",
    "userhash",
    "claims",
    "title",
    "type",
    "resource",
    "client_id",
];

/// Credential parameters kept: who (Digest `username`, RFC 7616 §3.4), what (`uri`,
/// `qop`, `nc`, `algorithm`) and AWS SigV4's `SignedHeaders`; every other parameter
/// (`response`, `cnonce`, `nonce`, `opaque`, `Credential`, `Signature`, `oauth_*`…) is
/// replaced.
const CREDENTIAL_PARAMS: &[&str] = &[
    "username",
    "realm",
    "uri",
    "qop",
    "nc",
    "algorithm",
    "userhash",
    "signedheaders",
    "oauth_signature_method",
    "oauth_version",
    "oauth_timestamp",
];

/// Schemes written alone are not secrets (`Authorization: Bearer` with nothing after it
/// is a client mistake the diagnosis names).
const SCHEMES: &[&str] = &[
    "basic",
    "bearer",
    "digest",
    "dpop",
    "negotiate",
    "ntlm",
    "hoba",
    "mutual",
    "token",
    "oauth",
    "aws4-hmac-sha256",
    "hmac",
    "mac",
    "kerberos",
];

/// Cookie attributes (RFC 6265bis §5.6): names and values kept.
const COOKIE_ATTRIBUTES: &[&str] = &[
    "expires",
    "max-age",
    "domain",
    "path",
    "secure",
    "httponly",
    "samesite",
    "priority",
    "partitioned",
    "sameparty",
    "version",
];

impl Sanitizer {
    /// One header value, by its name.
    pub fn header_value(&mut self, name: &str, value: &str) -> String {
        if value.is_empty() || is_marker(value) {
            return value.to_owned();
        }
        let lines = |s: &mut Self, f: fn(&mut Self, &str) -> String| {
            value
                .split('\n')
                .map(|l| f(s, l))
                .collect::<Vec<_>>()
                .join("\n")
        };
        match kind(name) {
            Some(Kind::Text) => self.text(value).into_owned(),
            Some(Kind::Id) => self.identifier(value),
            Some(Kind::Url) => self.url(value),
            Some(Kind::Challenge) => lines(self, Self::challenge_line),
            Some(Kind::Credentials) => self.credentials(value),
            Some(Kind::Cookie) => self.cookie_header(value),
            Some(Kind::SetCookie) => lines(self, Self::set_cookie),
            Some(Kind::Proof) => self.token(value.trim()),
            None => self.marker(value),
        }
    }

    /// An identifier or a media type: kept unless it holds a JWT or a known token prefix
    /// (high-entropy runs are what request ids and multipart boundaries are made of).
    pub(crate) fn identifier(&mut self, value: &str) -> String {
        let secret = value
            .split(|c: char| !(c.is_ascii_alphanumeric() || "-_.+/=~".contains(c)))
            .any(|w| is_jwt(w) || super::prefixes::known(w).is_some());
        if secret {
            self.marker(value)
        } else {
            value.to_owned()
        }
    }

    /// An `Authorization`/`Proxy-Authorization` value: the scheme and what the diagnosis
    /// reads, never the secret.
    pub fn credentials(&mut self, value: &str) -> String {
        let parsed = credentials::parse(value);
        let placeholder = parsed
            .defects
            .iter()
            .any(|d| d.kind == credentials::DefectKind::PlaceholderToken);
        let trimmed = value.trim();
        // No scheme at all (`Authorization: sk-…`, `Authorization: <token>`): the whole
        // value is the secret.
        if !trimmed.contains([' ', '\t'])
            && !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(trimmed))
            && !placeholder
        {
            return if is_jwt(trimmed) {
                self.jwt(trimmed)
            } else {
                self.marker(trimmed)
            };
        }
        if parsed
            .defects
            .iter()
            .any(|d| d.kind == credentials::DefectKind::MissingScheme)
            && !placeholder
        {
            return self.marker(trimmed);
        }
        if let Some(basic) = parsed
            .basic
            .as_ref()
            .filter(|b| b.has_colon && parsed.problems.is_empty())
        {
            return self.basic(value, &parsed, basic);
        }
        if let Some(token) = parsed.token68 {
            if placeholder && parsed.basic.is_none() {
                return value.to_owned();
            }
            let start = parsed.token68_offset;
            let end = start + token.len();
            let (Some(before), Some(after)) = (value.get(..start), value.get(end..)) else {
                return self.marker(value);
            };
            let replacement = self.token(token);
            return format!("{before}{replacement}{after}");
        }
        if !parsed.params.is_empty() {
            let params: Vec<String> = parsed
                .params
                .iter()
                .map(|p| {
                    let kept = CREDENTIAL_PARAMS
                        .iter()
                        .any(|k| k.eq_ignore_ascii_case(p.name));
                    let v = if p.value.is_empty() || is_marker(&p.value) {
                        p.value.to_string()
                    } else if !kept
                        || (p.name.eq_ignore_ascii_case("username")
                            && is_secret_shape(&p.value, false))
                    {
                        self.marker(&p.value)
                    } else if p.name.eq_ignore_ascii_case("uri") {
                        self.url(&p.value)
                    } else {
                        self.text(&p.value).into_owned()
                    };
                    format!(
                        "{}=\"{}\"",
                        p.name,
                        v.replace('\\', "\\\\").replace('"', "\\\"")
                    )
                })
                .collect();
            return format!("{} {}", parsed.scheme, params.join(", "));
        }
        if parsed.scheme.is_empty() && !trimmed.is_empty() {
            return self.marker(value);
        }
        if SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(trimmed)) || placeholder {
            return value.to_owned();
        }
        // Anything else after a scheme (a list, odd syntax): only the scheme is kept.
        match trimmed.split_once([' ', '\t']) {
            Some((scheme, rest)) if !is_marker(rest.trim()) => {
                format!("{scheme} {}", self.marker(rest.trim()))
            }
            _ => value.to_owned(),
        }
    }

    /// Basic (RFC 7617 §2): the user-id is kept and the password replaced, so the
    /// diagnosis still reads "Basic, user alice, with a password". When the password is
    /// empty the user-id *is* the secret (Stripe, Mailchimp, Twilio-style API keys as
    /// user-ids): it is replaced, and the password stays empty.
    fn basic(
        &mut self,
        value: &str,
        parsed: &credentials::Credentials<'_>,
        basic: &credentials::Basic,
    ) -> String {
        let user_secret =
            basic.password.is_empty() || is_secret_shape(&basic.user, false) || is_jwt(&basic.user);
        let user = if user_secret && !is_marker(&basic.user) {
            self.marker(&basic.user)
        } else {
            basic.user.clone()
        };
        let password = if basic.password.is_empty() || is_marker(&basic.password) {
            basic.password.clone()
        } else {
            self.marker(&basic.password)
        };
        if user == basic.user && password == basic.password {
            return value.to_owned();
        }
        let encoded = STANDARD.encode(format!("{user}:{password}"));
        format!("{} {encoded}", parsed.scheme)
    }

    /// One challenge field line: parameters outside [`CHALLENGE_PARAMS`] and token68
    /// values replaced in place, so the line keeps its exact syntax (and its defects,
    /// which the diagnosis reports).
    fn challenge_line(&mut self, line: &str) -> String {
        let list = challenge::parse(line);
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        let base = line.as_ptr() as usize;
        for c in &list.challenges {
            if let Some(t) = c.token68 {
                let start = (t.as_ptr() as usize).wrapping_sub(base);
                if line.get(start..start + t.len()) == Some(t) && !is_marker(t) {
                    let marker = self.marker(t);
                    edits.push((start, start + t.len(), marker));
                }
            }
            for p in &c.params {
                let Some((start, end)) = param_value_span(line, p.offset, p.name) else {
                    continue;
                };
                let raw = line.get(start..end).unwrap_or("");
                if raw.is_empty() || is_marker(&p.value) {
                    continue;
                }
                let known = CHALLENGE_PARAMS
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(p.name));
                let replacement = if !known {
                    Some(self.marker(&p.value))
                } else if p.name.eq_ignore_ascii_case("claims") {
                    self.claims(&p.value).map(|_| self.marker(&p.value))
                } else {
                    let clean = self.text(&p.value);
                    (clean != p.value).then(|| clean.into_owned())
                };
                if let Some(r) = replacement {
                    edits.push((start, end, r.replace('\\', "\\\\").replace('"', "\\\"")));
                }
            }
        }
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(line.len());
        let mut copied = 0;
        for (start, end, with) in edits {
            if start < copied {
                continue;
            }
            out.push_str(line.get(copied..start).unwrap_or(""));
            out.push_str(&with);
            copied = end;
        }
        out.push_str(line.get(copied..).unwrap_or(""));
        if list.problems.is_empty() {
            out
        } else {
            // A malformed line may hide values the parser skipped: scan it all.
            self.text(&out).into_owned()
        }
    }

    /// Entra's `claims` (base64 JSON, a request for claims, not a credential): `Some`
    /// when it does not decode to JSON free of secret shapes, and must be replaced.
    fn claims(&mut self, value: &str) -> Option<()> {
        let decoded = STANDARD
            .decode(value.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        let Some(decoded) = decoded else {
            return Some(());
        };
        let Ok(mut json) = serde_json::from_str::<serde_json::Value>(&decoded) else {
            return Some(());
        };
        let mut probe = self.clone();
        probe.json(&mut json).then_some(())
    }

    /// `name=value; name2=value2` with the values replaced (RFC 6265 §4.2.1).
    fn cookie_header(&mut self, value: &str) -> String {
        value
            .split(';')
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) if v.trim().is_empty() || is_marker(v.trim()) => {
                    format!("{name}={v}")
                }
                Some((name, v)) => format!("{name}={}", self.marker(v.trim())),
                None if pair.trim().is_empty() || is_marker(pair.trim()) => pair.to_owned(),
                None => {
                    let lead = if pair.starts_with(' ') { " " } else { "" };
                    format!("{lead}{}", self.marker(pair.trim()))
                }
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `name=value; Attr…` (RFC 6265 §4.1.1): the value replaced, attributes kept. A pair
    /// with an empty name (`=value`) or no `=` at all is all value (RFC 6265bis §5.6,
    /// steps 3–4).
    fn set_cookie(&mut self, value: &str) -> String {
        let (pair, attributes) = match value.find(';') {
            Some(i) => value.split_at(i),
            None => (value, ""),
        };
        let pair = match pair.split_once('=') {
            // An empty value (a deletion) is not a secret; keep it so the diagnosis sees it.
            Some((name, v)) if v.trim().is_empty() || is_marker(v.trim()) => format!("{name}={v}"),
            Some((name, v)) => format!("{name}={}", self.marker(v.trim())),
            None if pair.trim().is_empty() || is_marker(pair.trim()) => pair.to_owned(),
            None => self.marker(pair.trim()),
        };
        let attributes: Vec<String> = attributes
            .split(';')
            .skip(1)
            .map(|attribute| {
                let (name, v) = attribute.split_once('=').unwrap_or((attribute, ""));
                let known = COOKIE_ATTRIBUTES
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(name.trim()));
                if v.is_empty() || is_marker(v.trim()) {
                    attribute.to_owned()
                } else if known {
                    format!("{name}={}", self.text(v))
                } else {
                    format!("{name}={}", self.marker(v.trim()))
                }
            })
            .collect();
        let mut out = pair;
        for a in attributes {
            out.push(';');
            out.push_str(&a);
        }
        out
    }

    /// A `{name, value}` header list, in place.
    pub(crate) fn headers(&mut self, headers: &mut serde_json::Value) {
        let serde_json::Value::Array(list) = headers else {
            self.generic(headers);
            return;
        };
        for header in list {
            let Some(obj) = header.as_object_mut() else {
                self.generic(header);
                continue;
            };
            let name = obj
                .get("name")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned();
            for (key, v) in obj.iter_mut() {
                match (key.as_str(), v) {
                    ("value", serde_json::Value::String(value)) => {
                        *value = self.stable(value, |s, v| s.header_value(&name, v), Self::marker);
                    }
                    ("name", _) => {}
                    (_, other) => self.generic(other),
                }
            }
        }
    }
}

/// Where the value of the parameter named at `offset` is, without its quotes.
fn param_value_span(line: &str, offset: usize, name: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut k = offset + name.len();
    while matches!(b.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    if b.get(k) != Some(&b'=') {
        return None;
    }
    k += 1;
    while matches!(b.get(k), Some(b' ' | b'\t')) {
        k += 1;
    }
    if b.get(k) == Some(&b'"') {
        let start = k + 1;
        let mut j = start;
        while j < b.len() && b[j] != b'"' {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        return Some((start, j.min(b.len())));
    }
    let start = k;
    let mut j = k;
    while j < b.len() && !matches!(b[j], b',' | b' ' | b'\t') {
        j += 1;
    }
    Some((start, j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allow_listed_values_survive() {
        let mut s = Sanitizer::with_key([1, 2], false);
        assert_eq!(
            s.header_value("Content-Type", "application/json"),
            "application/json"
        );
        assert_eq!(s.header_value(" content-type ", "text/html"), "text/html");
        assert!(is_marker(&s.header_value("X-Whatever", "12345")));
        assert!(
            is_marker(&s.header_value("Authorization ", "abc")),
            "trailing space"
        );
        let out = s.header_value("Authorization", "sk_live_4eC39HqLyjWDarjtT1zdp7dc");
        assert!(is_marker(&out), "no scheme: {out}");
        let key_user = format!(
            "Basic {}",
            STANDARD.encode("sk_live_4eC39HqLyjWDarjtT1zdp7dc:")
        );
        let out = s.header_value("Authorization", &key_user);
        let parsed = credentials::parse(&out);
        let basic = parsed.basic.expect("still Basic");
        assert!(is_marker(&basic.user) && basic.password.is_empty(), "{out}");
        let challenge = r#"Digest realm="lab", nonce="n0nce", opaque="op", qop="auth", x="1""#;
        let out = s.header_value("WWW-Authenticate", challenge);
        assert!(
            out.contains("realm=\"lab\"") && out.contains("qop=\"auth\""),
            "{out}"
        );
        assert!(!out.contains("n0nce") && !out.contains("\"op\"") && !out.contains("x=\"1\""));
        assert_eq!(s.header_value("WWW-Authenticate", &out), out, "stable");
        let out = s.header_value("Set-Cookie", "=secretvalue; Path=/; HttpOnly");
        assert!(
            !out.contains("secretvalue") && out.ends_with("; Path=/; HttpOnly"),
            "{out}"
        );
    }
}
