//! The parts of a request URL the diagnosis compares: scheme, host, port, path.
//!
//! The URLs come from the browser, already normalised (HAR entries, webRequest), so a
//! split on the generic syntax of RFC 3986 §3 is enough. The `url` crate would add its IDNA
//! tables to the Wasm module (a large share of its 250 KB budget) to re-validate what the
//! browser has already validated.

/// A split absolute URL, borrowing from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// Lower-case in browser URLs: `https`, `http`, …
    pub scheme: &'a str,
    /// Without brackets for IPv6, without userinfo and port.
    pub host: &'a str,
    pub port: Option<u16>,
    /// `/` when empty.
    pub path: &'a str,
    pub has_userinfo: bool,
}

impl<'a> Target<'a> {
    /// Splits `scheme://[userinfo@]host[:port][/path][?query][#fragment]`.
    pub fn parse(url: &'a str) -> Option<Self> {
        // The first ':' must begin "://": any later "://" would leave a ':' in the
        // scheme, which the check below refuses (this is `split_once("://")`, by byte).
        let colon = memchr::memchr(b':', url.as_bytes())?;
        let (scheme, rest) = (&url[..colon], url[colon + 1..].strip_prefix("//")?);
        if scheme.is_empty()
            || !scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return None;
        }
        let authority_end = crate::syntax::authority_end(rest);
        let authority = &rest[..authority_end];
        let after = &rest[authority_end..];
        let path = match crate::syntax::before_query(after) {
            "" => "/",
            path => path,
        };
        let (has_userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (true, &authority[at + 1..]),
            None => (false, authority),
        };
        let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
            let close = v6.find(']')?;
            let port = v6[close + 1..]
                .strip_prefix(':')
                .and_then(|p| p.parse().ok());
            (&v6[..close], port)
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, port.parse().ok()),
                None => (host_port, None),
            }
        };
        if host.is_empty() {
            return None;
        }
        Some(Self {
            scheme,
            host,
            port,
            path,
            has_userinfo,
        })
    }

    /// The port, or the scheme's default.
    pub fn effective_port(&self) -> Option<u16> {
        self.port.or(match self.scheme {
            "https" | "wss" => Some(443),
            "http" | "ws" => Some(80),
            _ => None,
        })
    }

    /// Same scheme, host and port (RFC 6454 §5).
    pub fn same_origin(&self, other: &Target<'_>) -> bool {
        self.scheme.eq_ignore_ascii_case(other.scheme)
            && self.host.eq_ignore_ascii_case(other.host)
            && self.effective_port() == other.effective_port()
    }

    /// `scheme://host[:port]`, as browsers print origins.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port)
                if Some(port)
                    != Target {
                        port: None,
                        ..*self
                    }
                    .effective_port() =>
            {
                format!("{}://{}:{port}", self.scheme, self.host)
            }
            _ => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// `localhost`, `*.localhost`, 127.0.0.0/8 and `::1` (RFC 6761 §6.3; Secure Contexts).
    pub fn is_loopback(&self) -> bool {
        let host = self.host.to_ascii_lowercase();
        host == "localhost"
            || host.ends_with(".localhost")
            || host == "::1"
            || host.starts_with("127.")
    }

    /// An approximation of the registrable domain: the last two labels (three when the
    /// second-to-last is short, as in `example.co.uk`). AuthLens does not ship the public
    /// suffix list; this is only used to tell "same site" in explanations.
    pub fn site(&self) -> String {
        let labels: Vec<&str> = self.host.split('.').collect();
        if labels.len() <= 2 || self.host.parse::<std::net::IpAddr>().is_ok() {
            return self.host.to_ascii_lowercase();
        }
        let n = labels.len();
        let take = if labels[n - 2].len() <= 3 && labels[n - 1].len() == 2 {
            3
        } else {
            2
        };
        labels[n.saturating_sub(take)..]
            .join(".")
            .to_ascii_lowercase()
    }
}

/// Hosts whose names say "not production": the dev/staging half of an environment split.
pub fn environment_of(host: &str) -> Option<&'static str> {
    let host = host.to_ascii_lowercase();
    let target = Target {
        scheme: "https",
        host: &host,
        port: None,
        path: "/",
        has_userinfo: false,
    };
    if target.is_loopback() {
        return Some("local");
    }
    let labels: Vec<&str> = host.split(['.', '-']).collect();
    for (marker, env) in [
        ("staging", "staging"),
        ("stage", "staging"),
        ("stg", "staging"),
        ("dev", "development"),
        ("develop", "development"),
        ("test", "test"),
        ("qa", "test"),
        ("sandbox", "sandbox"),
        ("preview", "preview"),
        ("local", "local"),
        ("internal", "internal"),
        ("corp", "internal"),
    ] {
        if labels.contains(&marker) {
            return Some(env);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_browser_urls() {
        let t = Target::parse("https://user:pw@API.example.com:8443/v1/x?access_token=1#f")
            .expect("url");
        assert_eq!(
            (t.scheme, t.host, t.port, t.path, t.has_userinfo),
            ("https", "API.example.com", Some(8443), "/v1/x", true)
        );
        assert_eq!(t.origin(), "https://API.example.com:8443");
        let t = Target::parse("http://[::1]:8080").expect("url");
        assert_eq!((t.host, t.port, t.path), ("::1", Some(8080), "/"));
        assert!(t.is_loopback());
        assert_eq!(
            Target::parse("https://a.example:443/").map(|t| t.origin()),
            Some("https://a.example".into())
        );
        assert!(Target::parse("not a url").is_none());
        assert!(Target::parse("https://").is_none());
        let a = Target::parse("https://a.example/x").expect("url");
        let b = Target::parse("https://a.example:443/y").expect("url");
        assert!(a.same_origin(&b));
        assert_eq!(
            Target::parse("https://login.example.co.uk").map(|t| t.site()),
            Some("example.co.uk".into())
        );
        assert_eq!(environment_of("api.staging.example.com"), Some("staging"));
        assert_eq!(environment_of("api-dev.example.com"), Some("development"));
        assert_eq!(environment_of("api.example.com"), None);
        assert_eq!(environment_of("devices.example.com"), None);
    }
}
