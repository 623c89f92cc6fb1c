//! AuthLens core: explains HTTP authentication failures.
//!
//! Pure Rust, with no knowledge of JavaScript: it takes `&str` and returns typed values.
//! `parse → model → diagnose → report`:
//! - parsers: [`challenge`] and [`schemes`], [`credentials`], [`jwt`], [`cookie`], [`date`]
//!   (sharing the [`syntax`] table, [`encoding`] and [`problem`] positions), with one
//!   masking policy for secrets in [`secret`];
//! - model: [`har`] entries and webRequest events normalised into an [`exchange::Exchange`],
//!   and the session's cookie jar ([`cookie_store`]: would the browser send this cookie?);
//! - judgement: [`diagnose`] turns an exchange into ranked [`finding::Finding`]s;
//! - [`annotate`] bundles all of that for one exchange, as the UIs show it.
//!
//! `wasm.rs` is the only module that speaks wasm-bindgen; it is compiled for wasm32 only.
//!
//! No panic, no trap (issue #12): the library's own code never unwraps. In Wasm a panic
//! aborts the instance (`panic = "abort"`) and kills the surface that loaded it, so every
//! fallible step returns a problem or a default instead. Tests may unwrap (`cfg(test)`).
//! `unreachable!` is not used; one that is added must say why it cannot be reached.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod annotate;
pub mod challenge;
pub mod cookie;
pub mod cookie_store;
pub mod credentials;
pub mod date;
pub mod diagnose;
pub mod encoding;
pub mod exchange;
pub mod finding;
pub mod flow;
pub mod har;
pub mod jwt;
pub mod problem;
pub mod report;
pub mod sanitize;
pub mod schemes;
pub mod secret;
pub mod signature;
pub mod status;
pub mod syntax;
pub mod target;
pub mod transcript;

#[cfg(target_arch = "wasm32")]
mod wasm;
