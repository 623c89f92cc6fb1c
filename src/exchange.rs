//! One request and its response, normalised from either source the browser offers: a HAR
//! entry (DevTools, a HAR file) or the background's `webRequest` events.

use serde::{Deserialize, Serialize};

use crate::har::{HarEntry, HarHeader};

/// A header as seen on the wire: names keep their case, lookups ignore it (RFC 9110 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// One request/response pair.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub method: String,
    pub url: String,
    /// 0 when no response arrived.
    pub status: u16,
    pub request_headers: Vec<Header>,
    pub response_headers: Vec<Header>,
    /// When the request started (ISO 8601, as HAR writes it), if known.
    pub started: Option<String>,
}

impl Exchange {
    /// Normalises a HAR entry.
    pub fn from_har(entry: HarEntry) -> Self {
        Self {
            method: entry.request.method,
            url: entry.request.url,
            status: u16::try_from(entry.response.status).unwrap_or(0),
            request_headers: entry
                .request
                .headers
                .into_iter()
                .map(Header::from)
                .collect(),
            response_headers: entry
                .response
                .headers
                .into_iter()
                .map(Header::from)
                .collect(),
            started: entry.started_date_time,
        }
    }

    /// Normalises the background's `webRequest` details, merged from `onSendHeaders`
    /// (request headers) and `onCompleted` (status and response headers).
    pub fn from_web_request(details: WebRequestDetails) -> Self {
        Self {
            method: details.method,
            url: details.url,
            status: details.status_code,
            request_headers: details.request_headers,
            response_headers: details.response_headers,
            started: None,
        }
    }

    /// The first value of a request header, ignoring the name's case.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        first(&self.request_headers, name)
    }

    /// The first value of a response header, ignoring the name's case.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        first(&self.response_headers, name)
    }

    /// Every field line of a response header, in order (a header may repeat, §5.3).
    pub fn response_header_lines<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        all(&self.response_headers, name)
    }
}

fn first<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn all<'a>(headers: &'a [Header], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

impl From<HarHeader> for Header {
    fn from(h: HarHeader) -> Self {
        Self {
            name: h.name,
            value: h.value,
        }
    }
}

/// The fields of `webRequest` event details that AuthLens reads (the names are the
/// browser's own, see `chrome.webRequest.OnCompletedDetails`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct WebRequestDetails {
    pub method: String,
    pub url: String,
    pub status_code: u16,
    pub request_headers: Vec<Header>,
    pub response_headers: Vec<Header>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_har_keeps_headers_and_tolerates_odd_status() {
        let entry: HarEntry = serde_json::from_str(
            r#"{"request":{"method":"GET","url":"https://a.example/x","headers":[{"name":"authorization","value":"Bearer t"}]},
                "response":{"status":-1,"headers":[{"name":"WWW-Authenticate","value":"Basic"},{"name":"www-authenticate","value":"Bearer"}]},
                "_custom":1}"#,
        )
        .expect("valid HAR entry");
        let ex = Exchange::from_har(entry);
        assert_eq!(ex.status, 0);
        assert_eq!(ex.request_header("Authorization"), Some("Bearer t"));
        let lines: Vec<_> = ex.response_header_lines("WWW-Authenticate").collect();
        assert_eq!(lines, ["Basic", "Bearer"]);
    }
}
