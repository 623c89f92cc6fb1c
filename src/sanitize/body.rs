//! Bodies, parsed by MIME type: JSON (a bare string too, GraphQL's `query` and
//! `variables`), `application/x-www-form-urlencoded`, `multipart/*` (RFC 7578), HTML
//! (hidden inputs, SAML auto-post forms, CSRF `<meta>`), and everything else as text.
//! Base64 bodies (HAR `encoding: "base64"`) are decoded first.
//!
//! A body that is not changed is kept byte for byte, so a sanitized file reads like the
//! original and sanitizing it again changes nothing.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::scan::{is_jwt, looks_like_credential};
use super::{is_marker, is_secret_name, is_strong_secret_name, Sanitizer};

/// Media whose bytes are pictures, sound or fonts: kept as they are when base64.
fn is_media(mime: &str) -> bool {
    ["image/", "font/", "audio/", "video/", "application/font"]
        .iter()
        .any(|m| mime.starts_with(m))
}

/// A body that is one token (a bare JSON string or a text/plain body): no white space,
/// long enough, and shaped like a credential.
fn is_bare_token(s: &str) -> bool {
    let s = s.trim();
    s.len() >= 16
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=:".contains(&b))
        && looks_like_credential(s)
}

impl Sanitizer {
    /// A body by its MIME type.
    pub fn body(&mut self, mime: &str, text: &str) -> String {
        let mime = mime.to_ascii_lowercase();
        let essence = mime.split(';').next().unwrap_or("").trim().to_owned();
        let trimmed = text.trim_start();
        if essence.contains("json") || trimmed.starts_with(['{', '[', '"']) {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::String(s)) => {
                    if is_marker(&s) {
                        return text.to_owned();
                    }
                    let clean = if is_bare_token(&s) {
                        self.token(s.trim())
                    } else {
                        self.text(&s).into_owned()
                    };
                    if clean == s {
                        return text.to_owned();
                    }
                    return Value::String(clean).to_string();
                }
                Ok(mut value) => {
                    return if self.json(&mut value) {
                        value.to_string()
                    } else {
                        text.to_owned()
                    };
                }
                // JSON that does not parse (cut off by the browser, or by the reader in an
                // entry over 1 MB) cannot be cleaned structurally: none of it is kept.
                Err(_) if essence.contains("json") || trimmed.starts_with(['{', '[']) => {
                    return self.marker(text);
                }
                Err(_) => {}
            }
        }
        if essence.starts_with("multipart/") {
            return self.multipart(&mime, text);
        }
        if essence.contains("x-www-form-urlencoded")
            || (essence.is_empty() && text.contains('=') && !text.contains([' ', '<', '\n']))
        {
            return self.params(text, '&');
        }
        if essence.contains("html") || essence.contains("xhtml") || trimmed.starts_with('<') {
            return self.html(text);
        }
        if is_bare_token(text) && !is_marker(text.trim()) {
            let token = text.trim();
            let clean = self.token(token);
            return text.replacen(token, &clean, 1);
        }
        self.text(text).into_owned()
    }

    /// A body HAR says is base64: decoded, sanitized as its type, and encoded again.
    /// Binary bodies that are not media (`application/octet-stream`, protobuf, gRPC-web)
    /// could hold anything and are replaced.
    pub(crate) fn base64_body(&mut self, mime: &str, text: &str) -> String {
        let mime_lower = mime.to_ascii_lowercase();
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        match STANDARD.decode(compact.as_bytes()) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(decoded) => {
                    let clean = self.body(mime, &decoded);
                    if clean == decoded {
                        text.to_owned()
                    } else {
                        STANDARD.encode(clean)
                    }
                }
                Err(_) if is_media(&mime_lower) => text.to_owned(),
                Err(_) => STANDARD.encode(self.marker(text)),
            },
            Err(_) if is_media(&mime_lower) => text.to_owned(),
            Err(_) => STANDARD.encode(self.marker(text)),
        }
    }

    /// A JSON value in place: values of secret keys replaced, every other string (and
    /// key) scanned. Returns whether anything changed.
    pub(crate) fn json(&mut self, value: &mut Value) -> bool {
        match value {
            Value::Object(map) => {
                let mut changed = false;
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let clean_key = self.text(&key).into_owned();
                    let Some(mut v) = map.remove(&key) else {
                        continue;
                    };
                    changed |= self.json_member(&key, &mut v);
                    if clean_key != key {
                        changed = true;
                    }
                    map.insert(clean_key, v);
                }
                changed
            }
            Value::Array(items) => items.iter_mut().fold(false, |c, v| self.json(v) | c),
            Value::String(s) => {
                let clean = self.text(s);
                if clean != s.as_str() {
                    *s = clean.into_owned();
                    true
                } else {
                    false
                }
            }
            _ => false,
        }
    }

    /// One member of an object: a secret key's scalar value is replaced (strong names
    /// always; weak ones, `code`, `state`, `key`, only when the value looks like a
    /// credential: `"code": "invalid_token"` is what the server said). GraphQL's
    /// `variables` are JSON like any other; the inline arguments of its `query`
    /// (`login(password: "…")`) are found by the text scanner's `name: "value"` rule.
    fn json_member(&mut self, key: &str, v: &mut Value) -> bool {
        let scalar = match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        if let Some(text) = scalar.filter(|t| !t.is_empty() && !is_marker(t)) {
            if is_secret_name(key)
                && (is_strong_secret_name(key) || looks_like_credential(&text) || is_jwt(&text))
            {
                let clean = self.token(&text);
                if clean != text || !v.is_string() {
                    *v = Value::String(clean);
                    return true;
                }
                return false;
            }
        }
        self.json(v)
    }

    /// `multipart/*` (RFC 2046 §5.1, RFC 7578): part by part, by each part's name and
    /// type. A body whose boundary cannot be found is replaced whole.
    fn multipart(&mut self, mime: &str, text: &str) -> String {
        let boundary = mime
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_owned())
            .or_else(|| {
                text.strip_prefix("--")
                    .and_then(|t| t.split(['\r', '\n']).next())
                    .map(str::to_owned)
            })
            .filter(|b| !b.is_empty());
        // The boundary was read from the lowercased type: find it in the body as written.
        let boundary = boundary.and_then(|b| {
            let lower = text.to_ascii_lowercase();
            lower
                .find(&format!("--{b}"))
                .and_then(|i| text.get(i + 2..i + 2 + b.len()))
                .map(str::to_owned)
        });
        let Some(boundary) = boundary else {
            return if is_marker(text) {
                text.to_owned()
            } else {
                self.marker(text)
            };
        };
        let delimiter = format!("--{boundary}");
        let mut out = String::with_capacity(text.len());
        for (i, piece) in text.split(&delimiter).enumerate() {
            if i > 0 {
                out.push_str(&delimiter);
            }
            if i == 0 || piece.starts_with("--") {
                out.push_str(piece);
                continue;
            }
            out.push_str(&self.part(piece));
        }
        out
    }

    /// One part: its headers scanned, its body by its name and type.
    fn part(&mut self, piece: &str) -> String {
        let Some((split, gap)) = piece
            .find("\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| piece.find("\n\n").map(|i| (i, 2)))
        else {
            return self.text(piece).into_owned();
        };
        let (headers, rest) = piece.split_at(split);
        let (gap, rest) = rest.split_at(gap);
        let body_len = rest
            .strip_suffix("\r\n")
            .or_else(|| rest.strip_suffix('\n'))
            .map_or(rest.len(), str::len);
        let (body, tail) = rest.split_at(body_len);
        let lower = headers.to_ascii_lowercase();
        let name = header_param(&lower, headers, "name");
        let content_type = lower
            .lines()
            .find_map(|l| l.trim().strip_prefix("content-type:"))
            .map_or("text/plain", str::trim)
            .to_owned();
        let clean_body = if body.is_empty() || is_marker(body) {
            body.to_owned()
        } else if name.as_deref().is_some_and(is_secret_name) {
            self.token(body.trim())
        } else if content_type.starts_with("multipart/") {
            // A nested multipart (RFC 2046 §5.1.1, rare): not parsed again.
            self.marker(body)
        } else {
            self.body(&content_type, body)
        };
        let clean_headers = self.text(headers);
        format!("{clean_headers}{gap}{clean_body}{tail}")
    }

    /// HTML: the `value` of hidden inputs, password inputs and inputs with secret names
    /// (CSRF tokens, `__RequestVerificationToken`, `authenticity_token`, SAML auto-post's
    /// `SAMLResponse`/`SAMLRequest`/`RelayState`, OIDC form_post's `id_token`/`code`),
    /// and the `content` of `<meta name="csrf-token">`; then the rest as text.
    fn html(&mut self, text: &str) -> String {
        let bytes = text.as_bytes();
        let lower = text.to_ascii_lowercase();
        let lower_bytes = lower.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while let Some(at) = memchr::memchr(b'<', lower_bytes.get(i..).unwrap_or(&[])) {
            let start = i + at;
            let rest = lower_bytes.get(start + 1..).unwrap_or(&[]);
            let tag = if rest.starts_with(b"input") {
                Some(("input", 6))
            } else if rest.starts_with(b"meta") {
                Some(("meta", 5))
            } else {
                None
            };
            let Some((tag, skip)) = tag else {
                i = start + 1;
                continue;
            };
            let attrs = attributes(bytes, start + skip);
            let get = |name: &str| {
                attrs
                    .iter()
                    .find(|a| a.0 == name)
                    .and_then(|a| text.get(a.1..a.2))
            };
            let secret = match tag {
                "input" => {
                    let kind = get("type").unwrap_or("").to_ascii_lowercase();
                    kind == "hidden"
                        || kind == "password"
                        || get("name").is_some_and(is_secret_name)
                }
                _ => get("name")
                    .or_else(|| get("property"))
                    .is_some_and(|n| is_secret_name(n) || n.to_ascii_lowercase().contains("csrf")),
            };
            let field = if tag == "input" { "value" } else { "content" };
            let end = attrs.last().map_or(start + skip, |a| a.3);
            if secret {
                if let Some(&(_, vs, ve, _)) = attrs.iter().find(|a| a.0 == field) {
                    let value = text.get(vs..ve).unwrap_or("");
                    if !value.is_empty() && !is_marker(value) && vs >= copied {
                        out.push_str(text.get(copied..vs).unwrap_or(""));
                        out.push_str(&self.marker(value));
                        copied = ve;
                    }
                }
            }
            i = end.max(start + 1);
        }
        out.push_str(text.get(copied..).unwrap_or(""));
        self.text(&out).into_owned()
    }
}

/// The attributes of a tag from `at` (after its name) to its `>`: (lowercase name,
/// value start, value end, end of the attribute).
fn attributes(b: &[u8], mut k: usize) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    loop {
        while k < b.len() && (b[k].is_ascii_whitespace() || b[k] == b'/') {
            k += 1;
        }
        if k >= b.len() || b[k] == b'>' {
            return out;
        }
        let name_start = k;
        while k < b.len() && !b[k].is_ascii_whitespace() && !matches!(b[k], b'=' | b'>' | b'/') {
            k += 1;
        }
        let name = String::from_utf8_lossy(&b[name_start..k]).to_ascii_lowercase();
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        if b.get(k) != Some(&b'=') {
            out.push((name, k, k, k));
            continue;
        }
        k += 1;
        while k < b.len() && b[k].is_ascii_whitespace() {
            k += 1;
        }
        let (vs, ve, end) = match b.get(k) {
            Some(&q @ (b'"' | b'\'')) => {
                let vs = k + 1;
                let ve = memchr::memchr(q, b.get(vs..).unwrap_or(&[])).map_or(b.len(), |e| vs + e);
                (vs, ve, (ve + 1).min(b.len()))
            }
            _ => {
                let vs = k;
                let mut ve = k;
                while ve < b.len() && !b[ve].is_ascii_whitespace() && b[ve] != b'>' {
                    ve += 1;
                }
                (vs, ve, ve)
            }
        };
        out.push((name, vs, ve, end));
        k = end;
        if out.len() > 64 {
            return out;
        }
    }
}

/// A parameter of a part's `Content-Disposition` (`name="password"`), from the original
/// headers (`lower` is them in lower case, for finding).
fn header_param(lower: &str, original: &str, param: &str) -> Option<String> {
    let line_start = lower.find("content-disposition:")?;
    let line_end = lower[line_start..]
        .find('\n')
        .map_or(lower.len(), |e| line_start + e);
    let needle = format!("; {param}=");
    let at = lower.get(line_start..line_end)?.find(&needle)? + line_start + needle.len();
    let value = original.get(at..line_end)?.trim_end_matches('\r');
    let value = match value.strip_prefix('"') {
        Some(v) => v.split('"').next().unwrap_or(""),
        None => value.split(';').next().unwrap_or("").trim(),
    };
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_by_type() {
        let mut s = Sanitizer::with_key([1, 2], false);
        let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nhunter2\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--XyZ--\r\n";
        let out = s.body("multipart/form-data; boundary=XyZ", multipart);
        assert!(
            !out.contains("hunter2") && out.contains("hello") && out.ends_with("--XyZ--\r\n"),
            "{out}"
        );
        assert_eq!(s.body("multipart/form-data; boundary=XyZ", &out), out);
        let html = r#"<form method="post"><input type="hidden" name="SAMLResponse" value="PHNhbWw+c2VjcmV0PC9zYW1sPg=="><input name="q" value="kept"></form>"#;
        let out = s.body("text/html", html);
        assert!(
            !out.contains("PHNhbWw") && out.contains("value=\"kept\""),
            "{out}"
        );
        let out = s.body("application/json", r#""d2f7c9a1b3e5Q8r0T4u6""#);
        assert!(!out.contains("d2f7c9a1b3e5"), "{out}");
        let said = r#"{"error":"invalid_token","code":"token_expired","message":"Token: expired"}"#;
        assert_eq!(
            s.body("application/json", said),
            said,
            "the server's words stay"
        );
        let graphql = r#"{"query":"mutation { login(user: \"a\", password: \"S3cr3t!pw\") { token } }","variables":{"apiKey":"k-123"}}"#;
        let out = s.body("application/json", graphql);
        assert!(
            !out.contains("S3cr3t!pw") && !out.contains("k-123"),
            "{out}"
        );
    }
}
