//! The parts of a HAR 1.2 entry AuthLens reads (http://www.softwareishard.com/blog/har-12-spec/).
//!
//! Every field has a default, so entries from any browser (Chrome's `_resourceType` and
//! other `_`-prefixed extras, Firefox's missing optional fields) deserialise; unknown
//! fields are ignored. Bodies are read only when small, in [`crate::exchange`].

use serde::Deserialize;

/// One `log.entries[i]`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarEntry {
    pub started_date_time: Option<String>,
    pub request: HarRequest,
    pub response: HarResponse,
    /// Chrome's resource type (`document`, `fetch`, `xhr`, `preflight`, …).
    #[serde(rename = "_resourceType")]
    pub resource_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<HarHeader>,
    pub post_data: Option<HarPostData>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarPostData {
    pub mime_type: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarResponse {
    pub status: i64,
    pub headers: Vec<HarHeader>,
    #[serde(rename = "redirectURL")]
    pub redirect_url: Option<String>,
    pub content: HarContent,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct HarContent {
    pub mime_type: String,
    pub text: Option<String>,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default, PartialEq, Eq)]
#[serde(default)]
pub struct HarHeader {
    pub name: String,
    pub value: String,
}
