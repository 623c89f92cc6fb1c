//! One request and its response, normalised from either source the browser offers: a HAR
//! entry (DevTools, a HAR file) or the background's `webRequest` events.

use serde::{Deserialize, Serialize};

use crate::date;
use crate::har::{HarEntry, HarHeader};

pub use crate::har::MAX_BODY;

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
    /// When the request started, in milliseconds since the epoch, by the client's clock
    /// (HAR `startedDateTime`, webRequest `timeStamp`).
    pub started_ms: Option<i64>,
    /// The request body, when small and textual (token requests, logins).
    pub request_body: Option<String>,
    /// The response body, when small and textual (JSON or problem+json error details).
    pub response_body: Option<String>,
    /// `Location`/HAR `redirectURL` of a redirect response.
    pub redirect_url: Option<String>,
    /// The browser's resource type (`document`, `fetch`, `xhr`, `preflight`, …), if known.
    pub resource_type: Option<String>,
}

fn small(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty() && t.len() <= MAX_BODY)
}

impl Exchange {
    /// From a HAR entry (DevTools' `getHAR`/`onRequestFinished`, or a HAR file).
    pub fn from_har(entry: HarEntry) -> Self {
        let response_body = if entry.response.content.encoding.as_deref() == Some("base64") {
            None
        } else {
            small(entry.response.content.text)
        };
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
            started_ms: entry
                .started_date_time
                .as_deref()
                .and_then(date::parse_rfc3339_millis),
            request_body: small(entry.request.post_data.and_then(|p| p.text)),
            response_body,
            redirect_url: entry.response.redirect_url.filter(|u| !u.is_empty()),
            resource_type: entry.resource_type,
        }
    }

    /// From the background's joined `webRequest` events.
    pub fn from_web_request(details: WebRequestDetails) -> Self {
        let redirect_url = details.redirect_url.clone();
        Self {
            method: details.method,
            url: details.url,
            status: details.status_code,
            request_headers: details.request_headers,
            response_headers: details.response_headers,
            // webRequest's timeStamp is a double: NaN or an infinity from a hostile or
            // broken caller means "unknown", not the epoch (`as` would give 0) or i64::MAX.
            started_ms: details
                .time_stamp
                .filter(|t| t.is_finite())
                .map(|t| t as i64),
            request_body: None,
            response_body: None,
            redirect_url,
            resource_type: details.r#type,
        }
    }

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
    /// When the request started (ms since the epoch).
    pub time_stamp: Option<f64>,
    /// `main_frame`, `xmlhttprequest`, … (webRequest.ResourceType).
    pub r#type: Option<String>,
    pub redirect_url: Option<String>,
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

    /// webRequest's `timeStamp` is a double from JS: at its extremes it is a clamped
    /// number or unknown, never the epoch.
    #[test]
    fn web_request_time_stamps_at_their_extremes() {
        let at = |t: f64| {
            Exchange::from_web_request(WebRequestDetails {
                time_stamp: Some(t),
                ..WebRequestDetails::default()
            })
            .started_ms
        };
        assert_eq!(at(f64::NAN), None);
        assert_eq!(at(f64::INFINITY), None);
        assert_eq!(at(f64::NEG_INFINITY), None);
        assert_eq!(at(1e300), Some(i64::MAX));
        assert_eq!(at(-1e300), Some(i64::MIN));
        assert_eq!(at(0.0), Some(0));
        assert_eq!(at(1_795_435_200_000.7), Some(1_795_435_200_000));
    }
}
