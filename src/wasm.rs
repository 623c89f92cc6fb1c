//! The WebAssembly boundary: the only module that knows about JavaScript.
//!
//! A few coarse calls; data crosses with serde-wasm-bindgen as camelCase JSON-compatible
//! values, and every failure becomes a thrown JS `Error` (`JsError`). The TypeScript types
//! below are the contract the extension and www code are type-checked against.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::annotate::annotate;
use crate::challenge;
use crate::exchange::{Exchange, WebRequestDetails};
use crate::har::HarEntry;
use crate::status;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
export interface Problem { field?: number; offset: number; message: string }
export interface Param { name: string; value: string }
export interface Challenge { scheme: string; token68: string | null; params: Param[] }
export interface ChallengeList { challenges: Challenge[]; problems: Problem[] }
export type Likelihood = "high" | "medium" | "low";
export type Effort = "easy" | "medium" | "hard";
export type Action = "clear_cookies" | "clear_cache" | "clear_storage" | "sign_in" | "replay" | "copy_report" | "sync_clock";
export interface Evidence { source: string; fact: string }
export interface Fix { effort: Effort; text: string; action?: Action }
export interface Finding {
  code: string; likelihood: Likelihood; score: number; title: string;
  explanation: string; detail: string; evidence: Evidence[]; fixes: Fix[]; spec: string;
}
export interface Annotation {
  method: string; url: string; status: number; isAuthFailure: boolean;
  challengeHeader: "WWW-Authenticate" | "Proxy-Authenticate";
  challenges: ChallengeList; findings: Finding[];
}
export interface HeaderLike { name: string; value?: string }
export interface HarEntryLike {
  startedDateTime?: string;
  request: { method: string; url: string; headers: HeaderLike[] };
  response: { status: number; headers: HeaderLike[] };
}
export interface WebRequestLike {
  method: string; url: string; statusCode: number;
  requestHeaders?: HeaderLike[]; responseHeaders?: HeaderLike[];
}
"#;

/// A panic in Wasm would otherwise kill the page silently; log it to the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot return the result: {e}")))
}

/// Parses a `WWW-Authenticate`/`Proxy-Authenticate` value.
#[wasm_bindgen(js_name = parseChallenges, unchecked_return_type = "ChallengeList")]
pub fn parse_challenges(value: &str) -> Result<JsValue, JsError> {
    to_js(&challenge::parse(value))
}

/// Annotates one HAR entry (from `devtools.network`, or a HAR file).
#[wasm_bindgen(js_name = annotateHarEntry, unchecked_return_type = "Annotation")]
pub fn annotate_har_entry(
    #[wasm_bindgen(unchecked_param_type = "HarEntryLike")] entry: JsValue,
) -> Result<JsValue, JsError> {
    let entry: HarEntry = serde_wasm_bindgen::from_value(entry)
        .map_err(|e| JsError::new(&format!("not a HAR entry: {e}")))?;
    let exchange = Exchange::from_har(entry);
    to_js(&annotate(&exchange))
}

/// Annotates one exchange observed by the background's `webRequest` listeners.
#[wasm_bindgen(js_name = annotateWebRequest, unchecked_return_type = "Annotation")]
pub fn annotate_web_request(
    #[wasm_bindgen(unchecked_param_type = "WebRequestLike")] details: JsValue,
) -> Result<JsValue, JsError> {
    let details: WebRequestDetails = serde_wasm_bindgen::from_value(details)
        .map_err(|e| JsError::new(&format!("not webRequest details: {e}")))?;
    let exchange = Exchange::from_web_request(details);
    to_js(&annotate(&exchange))
}

/// True for the statuses AuthLens explains (401, 403, 407, 419, 440, 498, 499).
#[wasm_bindgen(js_name = isAuthFailureStatus)]
pub fn is_auth_failure_status(status: u16) -> bool {
    status::is_auth_failure(status)
}

/// The statuses AuthLens explains, for `webRequest` filters and UI text.
#[wasm_bindgen(js_name = authFailureStatuses)]
pub fn auth_failure_statuses() -> Vec<u16> {
    status::AUTH_FAILURE_STATUSES.to_vec()
}
