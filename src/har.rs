//! HAR 1.2 entries (the subset AuthLens reads), as browsers write them.
//!
//! Browsers differ in what they leave out, so every field that is optional in practice is
//! `#[serde(default)]`, and unknown fields (the `_`-prefixed custom ones, DevTools'
//! `getContent` function) are ignored.

use serde::Deserialize;

/// One entry of `log.entries`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarEntry {
    /// ISO 8601 time the request started.
    pub started_date_time: Option<String>,
    pub request: HarRequest,
    pub response: HarResponse,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<HarHeader>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarResponse {
    /// Firefox writes 0 for requests that never got a response, and some tools -1.
    pub status: i64,
    pub headers: Vec<HarHeader>,
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(default)]
pub struct HarHeader {
    pub name: String,
    pub value: String,
}
