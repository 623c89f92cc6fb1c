//! URLs: userinfo, secret-looking path segments, fragments routed like paths, and secret
//! or signature query parameters.
//!
//! Used for `request.url`, `queryString`, `Location`, `Referer`, `Origin`,
//! `Content-Location`, `redirectURL`, and every URL found in free text (initiator URLs and
//! stack frames, bodies, comments).

use super::scan::{is_jwt, is_secret_shape, is_static_asset};
use super::{decode_component, is_marker, is_secret_name, Sanitizer};

/// Path segments after which the next segment is a secret unless it is a plain word or a
/// number: `/reset/<token>`, `/magic/<token>`, `/invite/<token>`… (compared without case,
/// `-` and `_`). Password-reset and magic links are the classic "token in the path".
const PATH_KEYWORDS: &[&str] = &[
    "reset",
    "resetpassword",
    "passwordreset",
    "password",
    "magic",
    "magiclink",
    "verify",
    "verification",
    "verifyemail",
    "confirm",
    "confirmation",
    "confirmemail",
    "activate",
    "activation",
    "invite",
    "invitation",
    "unsubscribe",
    "token",
    "tokens",
    "share",
    "shared",
    "secret",
    "key",
    "keys",
    "apikey",
    "signin",
    "login",
    "sso",
    "otp",
    "session",
    "ticket",
    // Dropbox-style share links, `/s/<id>/<file>`.
    "s",
];

/// A route word (`new`, `confirm-email`) or an identifier made of digits.
fn plain(segment: &str) -> bool {
    segment
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        || segment.bytes().all(|b| b.is_ascii_digit())
}

fn normalised(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `encodeURIComponent`: what a sanitized value put back into a URL needs.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')'
            )
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Sanitizer {
    /// A URL with its secrets replaced (see the module documentation).
    pub fn url(&mut self, url: &str) -> String {
        // A URL in a parameter of a URL in a parameter…: past a few levels, all of it is
        // replaced (bounded recursion, and nobody needs to read it).
        if self.nesting >= 4 {
            return self.marker(url);
        }
        self.nesting += 1;
        let out = self.url_inner(url);
        self.nesting -= 1;
        out
    }

    fn url_inner(&mut self, url: &str) -> String {
        let (before_fragment, fragment) = match url.split_once('#') {
            Some((b, f)) => (b, Some(f)),
            None => (url, None),
        };
        let (base, query) = match before_fragment.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (before_fragment, None),
        };
        let mut out = String::with_capacity(url.len());
        let path = match base.split_once("://") {
            Some((scheme, rest)) => {
                let authority_end = rest.find('/').unwrap_or(rest.len());
                let (authority, path) = rest.split_at(authority_end);
                out.push_str(scheme);
                out.push_str("://");
                match authority.rsplit_once('@') {
                    Some((userinfo, host)) => {
                        if is_marker(userinfo) {
                            out.push_str(userinfo);
                        } else {
                            let marker = self.marker(userinfo);
                            out.push_str(&marker);
                        }
                        out.push('@');
                        out.push_str(host);
                    }
                    None => out.push_str(authority),
                }
                path
            }
            None => base,
        };
        let asset = is_static_asset(path);
        out.push_str(&self.path(path, asset));
        if let Some(query) = query {
            out.push('?');
            out.push_str(&self.params(query, '&'));
        }
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(&self.fragment(fragment));
        }
        out
    }

    /// A path, segment by segment; matrix parameters (`;jsessionid=…`) as parameters.
    fn path(&mut self, path: &str, asset: bool) -> String {
        let mut out = String::with_capacity(path.len());
        let mut previous = String::new();
        for (i, segment) in path.split('/').enumerate() {
            if i > 0 {
                out.push('/');
            }
            let (main, matrix) = match segment.split_once(';') {
                Some((m, p)) => (m, Some(p)),
                None => (segment, None),
            };
            let decoded = decode_component(main);
            let keyword = PATH_KEYWORDS.contains(&previous.as_str());
            if is_jwt(&decoded) {
                out.push_str(&self.jwt(&decoded));
            } else if is_secret_shape(&decoded, asset)
                || (keyword && !decoded.is_empty() && !is_marker(&decoded) && !plain(&decoded))
            {
                out.push_str(&self.marker(&decoded));
            } else {
                out.push_str(main);
            }
            if let Some(matrix) = matrix {
                out.push(';');
                out.push_str(&self.params(matrix, ';'));
            }
            previous = normalised(&decoded);
        }
        out
    }

    /// A fragment: routed like a path (`#/cb?code=…`, `#!/reset/<token>`), parameters
    /// (`#access_token=…&…`, RFC 6749 §4.2.2), or one value (`#<key>`).
    fn fragment(&mut self, fragment: &str) -> String {
        let route = fragment
            .strip_prefix("!/")
            .map(|r| ("!/", r))
            .or_else(|| fragment.strip_prefix('/').map(|r| ("/", r)));
        if let Some((lead, route)) = route {
            let (path, query) = match route.split_once('?') {
                Some((p, q)) => (p, Some(q)),
                None => (route, None),
            };
            let mut out = lead.to_owned();
            out.push_str(&self.path(path, false));
            if let Some(query) = query {
                out.push('?');
                out.push_str(&self.params(query, '&'));
            }
            return out;
        }
        if fragment.contains('=') {
            return self.params(fragment, '&');
        }
        let decoded = decode_component(fragment);
        if is_jwt(&decoded) {
            return self.jwt(&decoded);
        }
        if is_secret_shape(&decoded, false) {
            return self.marker(&decoded);
        }
        fragment.to_owned()
    }

    /// `a=1&b=2` (or `;`-separated) with secret values replaced: values of secret names,
    /// and values that are secret by their shape, or URLs with secrets of their own
    /// (`redirect_uri=https%3A%2F%2F…%3Fcode%3D…`).
    pub(crate) fn params(&mut self, text: &str, separator: char) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, pair) in text.split(separator).enumerate() {
            if i > 0 {
                out.push(separator);
            }
            let Some((name, value)) = pair.split_once('=') else {
                let decoded = decode_component(pair);
                if is_secret_shape(&decoded, false) {
                    out.push_str(&self.marker(&decoded));
                } else {
                    out.push_str(pair);
                }
                continue;
            };
            out.push_str(name);
            out.push('=');
            let decoded = decode_component(value);
            out.push_str(&self.param_value(&decode_component(name), value, &decoded));
        }
        out
    }

    /// One parameter's value, as written (`raw`) and decoded.
    pub(crate) fn param_value(&mut self, name: &str, raw: &str, decoded: &str) -> String {
        if decoded.is_empty() || is_marker(decoded) {
            return raw.to_owned();
        }
        // PKCE (RFC 7636 §4.6): the verifier becomes the marker of the challenge it implies,
        // BASE64URL(SHA256(verifier)), so "the verifier matches the code_challenge" survives
        // as "the two markers are equal", and nothing of the verifier is kept beyond what
        // the (public, and also redacted) challenge already says.
        let normalized: String = name
            .chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .collect::<String>()
            .to_ascii_lowercase();
        if normalized == "codeverifier" {
            return self.marker(&crate::flow::s256(decoded));
        }
        if is_secret_name(name) || is_jwt(decoded) {
            return self.token(decoded);
        }
        if is_secret_shape(decoded, false) {
            return self.marker(decoded);
        }
        let clean = self.text(decoded);
        if clean != decoded {
            return encode_component(&clean);
        }
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fragments_and_signatures() {
        let mut s = Sanitizer::with_key([1, 2], false);
        let out = s.url("https://app.example/reset/abc123?x=1");
        assert!(
            !out.contains("abc123") && out.contains("/reset/redacted-"),
            "{out}"
        );
        let out = s.url("https://app.example/#/cb?code=C0DE1&state=S1");
        assert!(!out.contains("C0DE1") && !out.contains("S1") && out.contains("#/cb?code="));
        let out = s.url("https://b.s3.amazonaws.com/k.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261123%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024");
        assert!(
            !out.contains("AKIAIOSFODNN7EXAMPLE") && !out.contains("fe5f80f7"),
            "{out}"
        );
        assert!(out.contains("X-Amz-Algorithm=AWS4-HMAC-SHA256"));
        let asset = "https://cdn.example/_next/static/Xk9mP2vL8nW4tY6bC1dF5/main.3f9a8b2c4d5e6f7a8b9c0d1e2f3a4b5c.js";
        assert_eq!(s.url(asset), asset);
        let again = s.url(&out);
        assert_eq!(again, out);
    }
}
