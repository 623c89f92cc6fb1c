//! Sign-in flows (OAuth 2.0, OpenID Connect) recognised from the traffic and grouped.
//!
//! Every exchange of a session goes through [`Flows::observe`]. It recognises what the
//! exchange is in a flow ([`StepKind`]):
//! - an authorization request (RFC 6749 §4.1.1, §4.2.1; OIDC Core §3.1.2.1), by its
//!   `response_type` and `client_id`, or by a PAR `request_uri` (RFC 9126 §4);
//! - what the authorization server answers: a login or consent page, an error page
//!   (§4.1.2.1: with a bad `redirect_uri` it must not redirect), or a redirect back;
//! - the callback: `code`/`state` or `error`/`error_description`/`error_uri` in the query
//!   (§4.1.2), the fragment (§4.2.2) or a form_post body (OAuth 2.0 Form Post Response Mode);
//! - token requests (§4.1.3, §6) with the client's authentication method (§2.3, OIDC Core
//!   §9), the PKCE `code_verifier` (RFC 7636 §4.5) and the `redirect_uri`, and their answers
//!   (§5.1, §5.2);
//! - revocation (RFC 7009), introspection (RFC 7662), userinfo (OIDC Core §5.3),
//!   discovery (OIDC Discovery §4, RFC 8414 §3), JWKS (RFC 7517 §5) and end-session
//!   (OIDC RP-Initiated Logout §2);
//! - an API call carrying a token a flow issued.
//!
//! Steps are grouped into [`Flow`]s by `state` (the callback), `code` (the token request),
//! the tokens issued (refresh, revocation, userinfo, API calls) and `client_id` and
//! `redirect_uri` when those are all there is.
//!
//! What the model finds wrong is a [`Break`]: facts, no words (`diagnose::flow` words
//! them as findings).
//!
//! **Secrets.** Codes, tokens, verifiers, client secrets and `state` are kept as in-memory
//! fingerprints only; the parameters a step shows are masked ([`crate::secret::mask`]).
//! **Bounds.** At most [`MAX_FLOWS`] flows of [`MAX_STEPS`] steps each, 16 discovery
//! documents; every value is read once, so hostile input costs time linear in its size.

use std::collections::VecDeque;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::exchange::Exchange;
use crate::sanitize::is_marker;
use crate::secret::mask;
use crate::target::Target;

pub const MAX_FLOWS: usize = 64;
pub const MAX_STEPS: usize = 64;
const MAX_METADATA: usize = 16;
/// Values shown on a step are cut to this many characters (a `state` may be huge).
const SHOWN: usize = 200;
/// After this long without a step, a flow is no longer the one a new step continues.
const IDLE_MS: i64 = 15 * 60 * 1000;

/// What an exchange is in a sign-in flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Discovery,
    Jwks,
    /// A pushed authorization request (RFC 9126 §2).
    Par,
    Authorize,
    /// The authorization server's login page (or a step of it).
    Login,
    Consent,
    /// The authorization server answered the authorization request with an error page.
    AuthorizeError,
    /// The authorization server redirected the browser back to the client.
    Redirect,
    Callback,
    Token,
    Refresh,
    Revocation,
    Introspection,
    Userinfo,
    EndSession,
    /// A resource request carrying a token this flow issued.
    Api,
}

/// A parameter as a step shows it: secrets masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: String,
    pub value: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Position of the exchange in the session's stream (HAR `log.entries` index).
    pub index: usize,
    pub kind: StepKind,
    pub method: String,
    /// Without its query string or fragment (they carry codes and tokens).
    pub url: String,
    pub status: u16,
    /// The parameters that matter, masked.
    pub params: Vec<Param>,
    /// The finding code, when the flow broke here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<&'static str>,
}

/// Where a flow broke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The exchange's position in the stream.
    pub index: usize,
    pub code: &'static str,
    pub title: String,
    #[serde(skip)]
    at_ms: Option<i64>,
}

/// One sign-in flow: the steps of one client's authorization, token and use.
#[derive(Debug, Clone, Serialize)]
pub struct Flow {
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The authorization server, by its discovery `issuer` or its origin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// `authorization_code`, `implicit`, `hybrid`, `refresh_token`, `client_credentials`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    pub steps: Vec<Step>,
    /// Steps beyond [`MAX_STEPS`], not kept.
    #[serde(skip_serializing_if = "is_zero")]
    pub dropped_steps: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<Broken>,
    #[serde(skip)]
    st: FlowState,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a flow remembers to check later steps against. No secret: fingerprints only.
#[derive(Debug, Clone, Default)]
struct FlowState {
    as_origin: Option<String>,
    /// The issuer discovery named for this server (None: no discovery seen).
    discovered_issuer: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    response_mode: Option<String>,
    state: Option<u64>,
    state_len: usize,
    nonce: Option<u64>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    /// The authorization request asked for these scopes.
    scope: Option<String>,
    authorize_seen: bool,
    callback_seen: bool,
    /// Codes the callback carried: fingerprint and when.
    codes: Vec<(u64, Option<i64>)>,
    access_tokens: Vec<u64>,
    /// Refresh tokens issued, oldest first: fingerprint and the step that issued it.
    refresh_tokens: Vec<(u64, usize)>,
    last_ms: Option<i64>,
}

/// Discovery metadata (OIDC Discovery §3, RFC 8414 §2) as far as flows need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub index: usize,
    /// The issuer the discovery URL implies (OIDC Discovery §4.3: they must be identical).
    pub expected_issuer: String,
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub par_endpoint: Option<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
}

/// How a client authenticated at the token endpoint (RFC 6749 §2.3, OIDC Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    /// Both a Basic header and a body secret: RFC 6749 §2.3 allows one.
    BasicAndPost,
    /// `private_key_jwt` or `client_secret_jwt` (RFC 7523 §2.2): a `client_assertion`.
    PrivateKeyJwt,
    None,
}

impl ClientAuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::BasicAndPost => "client_secret_basic and client_secret_post at once",
            Self::PrivateKeyJwt => "private_key_jwt (or client_secret_jwt)",
            Self::None => "none",
        }
    }
}

/// What a flow step shows went wrong: facts for `diagnose::flow` to word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The authorization endpoint answered with an error page about the redirect_uri.
    RedirectUriNotRegistered {
        redirect_uri: Option<String>,
        said: Option<String>,
    },
    /// The token request's redirect_uri differs from the authorization request's.
    RedirectUriDiffers {
        authorize: String,
        token: Option<String>,
        authorize_index: usize,
    },
    /// The callback's state differs from the authorization request's, or is missing.
    StateMismatch {
        sent_len: usize,
        got_len: Option<usize>,
        authorize_index: usize,
    },
    /// The token request has no code_verifier, but the authorization request had a challenge.
    PkceVerifierMissing {
        challenge: String,
        method: String,
        authorize_index: usize,
    },
    /// S256(code_verifier) (or the plain verifier) is not the code_challenge.
    PkceMismatch {
        challenge: String,
        computed: String,
        method: String,
        authorize_index: usize,
    },
    /// The server says PKCE is required, and the authorization request had no challenge.
    PkceRequired { said: String },
    /// The callback answers an earlier authorization request of this client, after a newer
    /// one was started (two sign-ins at once): a client that keeps one state refuses it.
    StateSuperseded {
        authorize_index: usize,
        newer_index: usize,
    },
    /// The same code was exchanged before.
    CodeReused {
        earlier_index: usize,
        earlier_succeeded: bool,
        seconds: Option<i64>,
    },
    /// The code waited long before it was exchanged.
    CodeExpired { seconds: i64, callback_index: usize },
    /// The refresh token was spent by an earlier, successful refresh.
    RefreshReused { earlier_index: usize },
    /// A newer refresh token was issued since this one: it was rotated away.
    RefreshRotated { newer_index: usize },
    /// The refresh token was revoked (RFC 7009) earlier in the session.
    RefreshRevoked { revoked_index: usize },
    /// The authorization server answered with an error: in the callback, or an error page.
    AuthorizationError {
        error: String,
        description: Option<String>,
        uri: Option<String>,
        /// Where: the callback (redirected) or the authorization endpoint's own page.
        at_callback: bool,
    },
    /// The ID token's nonce differs from the authorization request's, or is missing.
    NonceMismatch {
        missing: bool,
        authorize_index: usize,
    },
    /// Discovery's issuer, the token's or callback's `iss`, and the expected issuer disagree.
    IssuerMismatch {
        /// `discovery`, `id_token` or `callback`.
        source: &'static str,
        expected: String,
        found: String,
    },
    /// The implicit flow (`response_type` with `token`, or `#access_token=`).
    Implicit { response_type: String },
}

/// What [`Flows::observe`] made of one exchange.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// The flow it is a step of.
    pub flow: Option<u32>,
    pub kind: Option<StepKind>,
    pub breaks: Vec<Break>,
    /// The token endpoint's advertised auth methods, when discovery was seen.
    pub advertised_auth_methods: Vec<String>,
    pub client_auth: Option<ClientAuthMethod>,
}

/// The flows of one session.
#[derive(Debug, Clone, Default)]
pub struct Flows {
    flows: VecDeque<Flow>,
    next_id: u32,
    metadata: VecDeque<Metadata>,
    /// Codes exchanged at a token endpoint: fingerprint, where, whether it succeeded.
    exchanged_codes: VecDeque<(u64, usize, bool, Option<i64>)>,
    /// Tokens revoked (RFC 7009): fingerprint, where.
    revoked: VecDeque<(u64, usize)>,
    /// Refresh tokens spent by a successful refresh: fingerprint, where.
    spent_refresh: VecDeque<(u64, usize)>,
    /// Exchanges that were the authorization server's own pages in a flow (their cookies
    /// are the AS's login cookies).
    as_pages: VecDeque<usize>,
}

fn push_bounded<T>(list: &mut VecDeque<T>, item: T, cap: usize) {
    if list.len() == cap {
        list.pop_front();
    }
    list.push_back(item);
}

/// `scheme://host/path` of a URL: no query, no fragment, host lowercased.
pub fn base_of(url: &str) -> String {
    let base = crate::syntax::before_query(url);
    match Target::parse(base) {
        Some(t) => format!("{}{}", t.origin(), t.path),
        None => base.to_owned(),
    }
}

/// `https://host/path?…` for a URL with a query or fragment.
fn shown_url(url: &str) -> String {
    crate::report::redact_query(url)
}

/// The pairs of an `application/x-www-form-urlencoded` string (URL Standard §5.1).
pub fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((n, v)) => (decode(n), decode(v)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

fn decode(value: &str) -> String {
    crate::diagnose::oauth::percent_decode(value)
}

/// Decoded `name=value` pairs, in order.
pub type Pairs = Vec<(String, String)>;

/// The query and fragment parameters of a URL (the fragment's win: §4.2.2 answers there).
pub fn url_params(url: &str) -> (Pairs, Pairs) {
    let (before, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let query = before.split_once('?').map(|(_, q)| q);
    (
        query.map(form_pairs).unwrap_or_default(),
        fragment.map(form_pairs).unwrap_or_default(),
    )
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A cheap in-memory fingerprint (the session's own).
fn fp(secret: &str) -> u64 {
    crate::diagnose::fingerprint(secret)
}

/// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn cut(value: &str) -> String {
    if value.chars().count() <= SHOWN {
        value.to_owned()
    } else {
        let mut s: String = value.chars().take(SHOWN).collect();
        s.push('…');
        s
    }
}

fn param(name: &str, value: &str) -> Param {
    Param {
        name: name.to_owned(),
        value: cut(value),
        secret: false,
    }
}

fn secret_param(name: &str, value: &str) -> Param {
    Param {
        name: name.to_owned(),
        value: mask(value),
        secret: true,
    }
}

/// Parameters that are never secret and worth showing, in this order.
const PLAIN: [&str; 16] = [
    "response_type",
    "response_mode",
    "client_id",
    "redirect_uri",
    "scope",
    "prompt",
    "code_challenge",
    "code_challenge_method",
    "grant_type",
    "error",
    "error_description",
    "error_uri",
    "iss",
    "token_type_hint",
    "post_logout_redirect_uri",
    "client_assertion_type",
];
/// Parameters that are secrets (or, for state and nonce, one-time values that are best
/// not shown in full), masked.
const SECRET: [&str; 13] = [
    "state",
    "nonce",
    "code",
    "code_verifier",
    "client_secret",
    "client_assertion",
    "refresh_token",
    "access_token",
    "id_token",
    "token",
    "id_token_hint",
    "request_uri",
    "request",
];

fn shown_params(pairs: &[(String, String)]) -> Vec<Param> {
    let mut out = Vec::new();
    for name in PLAIN {
        if let Some(v) = get(pairs, name) {
            out.push(param(name, v));
        }
    }
    for name in SECRET {
        if let Some(v) = get(pairs, name) {
            out.push(secret_param(name, v));
        }
    }
    out
}

fn json_body(text: Option<&str>) -> Option<Value> {
    let text = text?.trim_start();
    if !text.starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

fn str_field(v: &Value, name: &str) -> Option<String> {
    v.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn list_field(v: &Value, name: &str) -> Vec<String> {
    v.get(name)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .take(32)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn content_type(ex: &Exchange) -> String {
    ex.response_header("Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn request_form(ex: &Exchange) -> Vec<(String, String)> {
    let Some(body) = ex.request_body.as_deref() else {
        return Vec::new();
    };
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') {
        // JSON token requests exist (some SDKs); read the string members as pairs.
        return serde_json::from_str::<Value>(trimmed)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
    }
    form_pairs(body)
}

/// The client id and secret of a Basic header (RFC 6749 §2.3.1: each form-urlencoded).
fn basic_client(ex: &Exchange) -> Option<(String, bool)> {
    let value = ex.request_header("Authorization")?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let (id, secret) = text.split_once(':')?;
    Some((decode(id), !secret.is_empty()))
}

fn path_of(url: &str) -> String {
    Target::parse(url).map_or_else(String::new, |t| t.path.to_ascii_lowercase())
}

fn ends_with_any(path: &str, ends: &[&str]) -> bool {
    let path = path.trim_end_matches('/');
    ends.iter().any(|e| path.ends_with(e))
}

/// The bearer (or DPoP) token a request carries.
fn sent_token(ex: &Exchange) -> Option<&str> {
    let value = ex.request_header("Authorization")?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop"))
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

impl Flows {
    /// The flows, oldest first.
    pub fn flows(&self) -> impl Iterator<Item = &Flow> {
        self.flows.iter()
    }

    pub fn get(&self, id: u32) -> Option<&Flow> {
        self.flows.iter().find(|f| f.id == id)
    }

    /// The discovery documents seen, oldest first.
    pub fn metadata(&self) -> impl Iterator<Item = &Metadata> {
        self.metadata.iter()
    }

    /// Whether the exchange at `index` was one of an authorization server's own pages in
    /// a flow (authorization, login, consent): the cookies it set are the AS's login
    /// cookies, not the application's session.
    pub fn is_as_page(&self, index: usize) -> bool {
        self.as_pages.contains(&index)
    }

    /// Marks the flow broken at the exchange `index` with a finding.
    pub fn mark_broken(
        &mut self,
        id: u32,
        index: usize,
        code: &'static str,
        title: &str,
        at_ms: Option<i64>,
    ) {
        let Some(flow) = self.flows.iter_mut().find(|f| f.id == id) else {
            return;
        };
        if let Some(step) = flow.steps.iter_mut().rev().find(|s| s.index == index) {
            step.finding = Some(code);
        }
        // The first break is the one that matters: what follows is its consequence.
        if flow.broken.is_none() {
            flow.broken = Some(Broken {
                index,
                code,
                title: title.to_owned(),
                at_ms,
            });
        }
    }

    /// The most recent flow that broke within `window_ms` before `now_ms` and was not
    /// followed by a flow that succeeded (issued a token) after it.
    pub fn recent_break(&self, now_ms: Option<i64>, window_ms: i64) -> Option<&Flow> {
        let broken = self.flows.iter().rev().find(|f| {
            f.broken.as_ref().is_some_and(|b| match (now_ms, b.at_ms) {
                (Some(n), Some(a)) => n.saturating_sub(a) <= window_ms,
                _ => true,
            })
        })?;
        let at = broken.broken.as_ref().map(|b| b.index)?;
        let healed = self.flows.iter().any(|f| {
            f.broken.is_none()
                && !f.st.access_tokens.is_empty()
                && f.steps.last().is_some_and(|s| s.index > at)
        });
        (!healed).then_some(broken)
    }

    fn metadata_for(&self, url: &str) -> Option<&Metadata> {
        let base = base_of(url);
        let origin = Target::parse(url).map(|t| t.origin());
        self.metadata
            .iter()
            .rev()
            .find(|m| {
                [
                    &m.authorization_endpoint,
                    &m.token_endpoint,
                    &m.revocation_endpoint,
                    &m.introspection_endpoint,
                    &m.userinfo_endpoint,
                    &m.jwks_uri,
                    &m.end_session_endpoint,
                    &m.par_endpoint,
                ]
                .iter()
                .any(|e| e.as_deref().map(base_of).as_deref() == Some(base.as_str()))
            })
            .or_else(|| {
                self.metadata.iter().rev().find(|m| {
                    origin.is_some()
                        && Target::parse(&m.expected_issuer).map(|t| t.origin()) == origin
                })
            })
    }

    fn endpoint_kind(&self, url: &str) -> Option<StepKind> {
        // Every request asks; most sessions never fetch a discovery document.
        if self.metadata.is_empty() {
            return None;
        }
        let base = base_of(url);
        let is = |e: &Option<String>| e.as_deref().map(base_of).as_deref() == Some(base.as_str());
        let m = self.metadata.iter().rev().find(|m| {
            is(&m.authorization_endpoint)
                || is(&m.token_endpoint)
                || is(&m.revocation_endpoint)
                || is(&m.introspection_endpoint)
                || is(&m.userinfo_endpoint)
                || is(&m.jwks_uri)
                || is(&m.end_session_endpoint)
                || is(&m.par_endpoint)
        })?;
        Some(if is(&m.authorization_endpoint) {
            StepKind::Authorize
        } else if is(&m.token_endpoint) {
            StepKind::Token
        } else if is(&m.revocation_endpoint) {
            StepKind::Revocation
        } else if is(&m.introspection_endpoint) {
            StepKind::Introspection
        } else if is(&m.userinfo_endpoint) {
            StepKind::Userinfo
        } else if is(&m.jwks_uri) {
            StepKind::Jwks
        } else if is(&m.end_session_endpoint) {
            StepKind::EndSession
        } else {
            StepKind::Par
        })
    }

    fn new_flow(&mut self, client_id: Option<String>, as_origin: Option<String>) -> usize {
        if self.flows.len() == MAX_FLOWS {
            self.flows.pop_front();
        }
        self.next_id = self.next_id.wrapping_add(1);
        let issuer = as_origin.as_deref().and_then(|o| {
            self.metadata
                .iter()
                .rev()
                .find(|m| {
                    Target::parse(&m.expected_issuer)
                        .map(|t| t.origin())
                        .as_deref()
                        == Some(o)
                })
                .map(|m| {
                    m.issuer
                        .clone()
                        .unwrap_or_else(|| m.expected_issuer.clone())
                })
        });
        self.flows.push_back(Flow {
            id: self.next_id,
            client_id,
            issuer: issuer.clone().or_else(|| as_origin.clone()),
            grant: None,
            steps: Vec::new(),
            dropped_steps: 0,
            broken: None,
            st: FlowState {
                as_origin,
                discovered_issuer: issuer,
                ..FlowState::default()
            },
        });
        self.flows.len() - 1
    }

    fn add_step(
        &mut self,
        at: usize,
        ex: &Exchange,
        index: usize,
        kind: StepKind,
        params: Vec<Param>,
    ) {
        let Some(flow) = self.flows.get_mut(at) else {
            return;
        };
        flow.st.last_ms = ex.started_ms.or(flow.st.last_ms);
        if flow.steps.len() >= MAX_STEPS {
            flow.dropped_steps += 1;
            return;
        }
        flow.steps.push(Step {
            index,
            kind,
            method: ex.method.clone(),
            url: shown_url(&ex.url),
            status: ex.status,
            params,
            finding: None,
        });
    }

    fn live(flow: &Flow, now: Option<i64>) -> bool {
        match (now, flow.st.last_ms) {
            (Some(n), Some(l)) => n.saturating_sub(l) <= IDLE_MS,
            _ => true,
        }
    }

    /// Recognises what `ex` is in a sign-in flow, records it, and says what broke.
    /// `index` is the exchange's position in the session's stream.
    pub fn observe(&mut self, ex: &Exchange, index: usize) -> Observed {
        let mut out = Observed::default();
        let path = path_of(&ex.url);
        let (query, fragment) = url_params(&ex.url);
        let form = if ex.method.eq_ignore_ascii_case("POST") {
            request_form(ex)
        } else {
            Vec::new()
        };
        let known = self.endpoint_kind(&ex.url);

        if ends_with_any(
            &path,
            &[
                "/.well-known/openid-configuration",
                "/.well-known/oauth-authorization-server",
            ],
        ) || path.contains("/.well-known/oauth-authorization-server/")
        {
            self.discovery(ex, index, &mut out);
            return out;
        }
        let jwks = known == Some(StepKind::Jwks)
            || (ends_with_any(&path, &["/jwks", "/jwks.json", "/certs", "/keys"])
                && json_body(ex.response_body.as_deref())
                    .is_some_and(|v| v.get("keys").is_some_and(Value::is_array)));
        if jwks {
            // Kept for the timeline of the flow on that server, if one is open.
            let origin = Target::parse(&ex.url).map(|t| t.origin());
            if let Some(at) = self.flows.iter().rposition(|f| f.st.as_origin == origin) {
                self.add_step(at, ex, index, StepKind::Jwks, Vec::new());
                out.flow = self.flows.get(at).map(|f| f.id);
            }
            out.kind = Some(StepKind::Jwks);
            return out;
        }

        let token_call = ex.method.eq_ignore_ascii_case("POST")
            && (get(&form, "grant_type").is_some() || known == Some(StepKind::Token));
        if token_call {
            self.token(ex, index, &form, &mut out);
            return out;
        }
        let revoke_or_introspect = ex.method.eq_ignore_ascii_case("POST")
            && get(&form, "token").is_some()
            && (matches!(known, Some(StepKind::Revocation | StepKind::Introspection))
                || ends_with_any(
                    &path,
                    &[
                        "/revoke",
                        "/revocation",
                        "/token/revocation",
                        "/introspect",
                        "/introspection",
                        "/token/introspection",
                    ],
                ));
        if revoke_or_introspect {
            let kind = if known == Some(StepKind::Introspection) || path.contains("introspect") {
                StepKind::Introspection
            } else {
                StepKind::Revocation
            };
            self.revocation(ex, index, kind, &form, &mut out);
            return out;
        }
        let par = ex.method.eq_ignore_ascii_case("POST")
            && get(&form, "response_type").is_some()
            && get(&form, "client_id").is_some()
            && (known == Some(StepKind::Par)
                || ends_with_any(&path, &["/par", "/request", "/as/par"]));
        if par {
            self.authorize(ex, index, &form, StepKind::Par, &mut out);
            return out;
        }
        let authorize = (get(&query, "response_type").is_some()
            && get(&query, "client_id").is_some())
            || (get(&query, "request_uri").is_some() && get(&query, "client_id").is_some())
            || (known == Some(StepKind::Authorize) && get(&query, "client_id").is_some());
        if authorize {
            self.authorize(ex, index, &query, StepKind::Authorize, &mut out);
            return out;
        }
        // form_post (OAuth 2.0 Form Post Response Mode §2): the callback's parameters are
        // the body of a POST to the redirect_uri.
        let form_callback = ex.method.eq_ignore_ascii_case("POST")
            && get(&form, "state").is_some()
            && ["code", "id_token", "error", "access_token"]
                .iter()
                .any(|n| get(&form, n).is_some());
        let url_params_all: Vec<(String, String)> =
            fragment.iter().chain(query.iter()).cloned().collect();
        if form_callback {
            self.callback(ex, index, &form, &mut out);
            return out;
        }
        if self.is_callback(ex, &url_params_all) {
            self.callback(ex, index, &url_params_all, &mut out);
            return out;
        }
        if known == Some(StepKind::Userinfo)
            || ends_with_any(&path, &["/userinfo", "/oauth2/userinfo", "/me/userinfo"])
        {
            self.token_use(ex, index, StepKind::Userinfo, &mut out);
            if out.kind.is_none() {
                out.kind = Some(StepKind::Userinfo);
            }
            return out;
        }
        let end_session = known == Some(StepKind::EndSession)
            || ((path.contains("logout")
                || path.contains("end_session")
                || path.ends_with("/session/end"))
                && ["id_token_hint", "post_logout_redirect_uri", "client_id"]
                    .iter()
                    .any(|n| get(&query, n).is_some() || get(&form, n).is_some()));
        if end_session {
            let pairs: Vec<(String, String)> = query.iter().chain(form.iter()).cloned().collect();
            let client = get(&pairs, "client_id").map(str::to_owned);
            let origin = Target::parse(&ex.url).map(|t| t.origin());
            let at = self
                .flows
                .iter()
                .rposition(|f| {
                    f.st.as_origin == origin && (client.is_none() || f.client_id == client)
                })
                .unwrap_or_else(|| self.new_flow(client, origin));
            self.add_step(at, ex, index, StepKind::EndSession, shown_params(&pairs));
            out.flow = self.flows.get(at).map(|f| f.id);
            out.kind = Some(StepKind::EndSession);
            return out;
        }
        // The authorization server's pages between the authorization request and the
        // redirect back: login, consent, and the resumed authorization that redirects.
        if self.interaction(ex, index, &mut out) {
            return out;
        }
        // Any other request with a token a flow issued is that flow's use of it.
        self.token_use(ex, index, StepKind::Api, &mut out);
        out
    }

    fn discovery(&mut self, ex: &Exchange, index: usize, out: &mut Observed) {
        out.kind = Some(StepKind::Discovery);
        let Some(doc) = json_body(ex.response_body.as_deref()) else {
            return;
        };
        let base = base_of(&ex.url);
        // OIDC Discovery §4.1: issuer + "/.well-known/openid-configuration"; RFC 8414 §3:
        // "/.well-known/oauth-authorization-server" inserted before the issuer's path.
        let expected = if let Some(prefix) = base.strip_suffix("/.well-known/openid-configuration")
        {
            prefix.to_owned()
        } else if let Some((origin, rest)) =
            base.split_once("/.well-known/oauth-authorization-server")
        {
            format!("{origin}{rest}")
        } else {
            base.clone()
        };
        let issuer = str_field(&doc, "issuer");
        if let Some(found) = &issuer {
            if found.trim_end_matches('/') != expected.trim_end_matches('/') {
                out.breaks.push(Break::IssuerMismatch {
                    source: "discovery",
                    expected: expected.clone(),
                    found: cut(found),
                });
            }
        }
        let meta = Metadata {
            index,
            expected_issuer: expected,
            issuer,
            authorization_endpoint: str_field(&doc, "authorization_endpoint"),
            token_endpoint: str_field(&doc, "token_endpoint"),
            revocation_endpoint: str_field(&doc, "revocation_endpoint"),
            introspection_endpoint: str_field(&doc, "introspection_endpoint"),
            userinfo_endpoint: str_field(&doc, "userinfo_endpoint"),
            jwks_uri: str_field(&doc, "jwks_uri"),
            end_session_endpoint: str_field(&doc, "end_session_endpoint"),
            par_endpoint: str_field(&doc, "pushed_authorization_request_endpoint"),
            token_endpoint_auth_methods_supported: list_field(
                &doc,
                "token_endpoint_auth_methods_supported",
            ),
            code_challenge_methods_supported: list_field(&doc, "code_challenge_methods_supported"),
        };
        push_bounded(&mut self.metadata, meta, MAX_METADATA);
    }

    fn authorize(
        &mut self,
        ex: &Exchange,
        index: usize,
        pairs: &[(String, String)],
        kind: StepKind,
        out: &mut Observed,
    ) {
        let client = get(pairs, "client_id").map(cut);
        let origin = Target::parse(&ex.url).map(|t| t.origin());
        let state = get(pairs, "state");
        // A repeated authorization request with the same state continues its flow; an
        // authorization after a PAR continues the PAR's flow.
        let existing = self.flows.iter().rposition(|f| {
            Self::live(f, ex.started_ms)
                && f.client_id == client
                && !f.st.callback_seen
                && ((state.is_some() && f.st.state == state.map(fp))
                    || (kind == StepKind::Authorize
                        && get(pairs, "request_uri").is_some()
                        && f.steps.last().is_some_and(|s| s.kind == StepKind::Par)))
        });
        let at = existing.unwrap_or_else(|| self.new_flow(client.clone(), origin.clone()));
        let mut shown = shown_params(pairs);
        if let Some(flow) = self.flows.get_mut(at) {
            let st = &mut flow.st;
            st.authorize_seen = true;
            if let Some(rt) = get(pairs, "response_type") {
                st.response_type = Some(cut(rt));
                let parts: Vec<&str> = rt.split(' ').collect();
                flow.grant = Some(
                    if parts.contains(&"code") && parts.len() > 1 {
                        "hybrid"
                    } else if parts.contains(&"code") {
                        "authorization_code"
                    } else {
                        "implicit"
                    }
                    .to_owned(),
                );
                if parts.contains(&"token") {
                    out.breaks.push(Break::Implicit {
                        response_type: cut(rt),
                    });
                }
            }
            if let Some(v) = get(pairs, "redirect_uri") {
                st.redirect_uri = Some(v.to_owned());
            }
            if let Some(v) = get(pairs, "response_mode") {
                st.response_mode = Some(cut(v));
            }
            if let Some(v) = state {
                st.state = Some(fp(v));
                st.state_len = v.len();
            }
            // A sanitized HAR has correlation markers for one-time values: the ID token's
            // claim is kept as it was, so a marker cannot be compared with it.
            if let Some(v) = get(pairs, "nonce").filter(|v| !is_marker(v)) {
                st.nonce = Some(fp(v));
            }
            if let Some(v) = get(pairs, "code_challenge") {
                st.code_challenge = Some(v.to_owned());
                st.code_challenge_method = Some(
                    get(pairs, "code_challenge_method")
                        .unwrap_or("plain")
                        .to_owned(),
                );
            }
            if let Some(v) = get(pairs, "scope") {
                st.scope = Some(cut(v));
            }
        }
        // What the authorization server answered, on this same exchange.
        let answer = self.authorize_answer(ex, at, true, out);
        if let Some(kind) = answer {
            shown.push(param(
                "answer",
                match kind {
                    StepKind::Login => "login page",
                    StepKind::Consent => "consent page",
                    StepKind::AuthorizeError => "error page",
                    StepKind::Redirect => "redirect back",
                    _ => "",
                },
            ));
        }
        let step_kind = if answer == Some(StepKind::AuthorizeError) {
            StepKind::AuthorizeError
        } else {
            kind
        };
        self.add_step(at, ex, index, step_kind, shown);
        push_bounded(&mut self.as_pages, index, 256);
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(step_kind);
    }

    /// Reads the authorization server's answer to an authorization request (or to a
    /// resumed one): a redirect back (read as the callback when it is the fragment, which
    /// the callback request cannot show), an error page, or a login/consent page.
    fn authorize_answer(
        &mut self,
        ex: &Exchange,
        at: usize,
        // The answer to the authorization request itself, not to a later page of the
        // server's (a login form refused with 400 is not about the redirect_uri).
        at_authorize: bool,
        out: &mut Observed,
    ) -> Option<StepKind> {
        let location = ex
            .redirect_url
            .as_deref()
            .or_else(|| ex.response_header("Location"));
        if (300..400).contains(&ex.status) {
            let location = location?;
            let redirect = self.flows.get(at).and_then(|f| f.st.redirect_uri.clone());
            let back = redirect
                .as_deref()
                .is_some_and(|r| base_of(location) == base_of(r))
                || {
                    let (q, f) = url_params(location);
                    get(&q, "code").is_some()
                        || get(&f, "code").is_some()
                        || get(&f, "access_token").is_some()
                        || get(&q, "error").is_some()
                        || get(&f, "error").is_some()
                };
            if !back {
                // To the AS's own login/interaction page.
                return Some(StepKind::Login);
            }
            let (_, fragment) = url_params(location);
            if !fragment.is_empty() {
                // The browser never sends the fragment: this is the only place it is seen.
                self.check_callback(at, &fragment, ex.started_ms, out);
                if let Some(flow) = self.flows.get_mut(at) {
                    flow.st.callback_seen = true;
                }
            }
            return Some(StepKind::Redirect);
        }
        if ex.status >= 400 || ex.status == 200 && self.error_page_words(ex).is_some() {
            let words = self.error_page_words(ex);
            let text = words.clone().unwrap_or_default();
            let lower = text.to_ascii_lowercase();
            let redirect_uri = self.flows.get(at).and_then(|f| f.st.redirect_uri.clone());
            if lower.contains("redirect_uri")
                || lower.contains("redirect uri")
                || lower.contains("redirect_url")
            {
                out.breaks.push(Break::RedirectUriNotRegistered {
                    redirect_uri: redirect_uri.map(|r| cut(&r)),
                    said: words.map(|w| cut(&w)),
                });
            } else if lower.contains("pkce") || lower.contains("code_challenge") {
                out.breaks.push(Break::PkceRequired { said: cut(&text) });
            } else if ex.status >= 400 && words.is_none() && at_authorize {
                // RFC 6749 §4.1.2.1: the server answers on its own page, instead of
                // redirecting the error back, only when the redirect_uri or the client_id
                // is missing, invalid or mismatching. Without the page's words (a live
                // DevTools entry), that is what the error page means.
                out.breaks.push(Break::RedirectUriNotRegistered {
                    redirect_uri: redirect_uri.map(|r| cut(&r)),
                    said: None,
                });
            } else if ex.status >= 400 {
                let error = error_code_in(&text).unwrap_or_else(|| "invalid_request".to_owned());
                out.breaks.push(Break::AuthorizationError {
                    error,
                    description: (!text.is_empty()).then(|| cut(&text)),
                    uri: None,
                    at_callback: false,
                });
            }
            return Some(StepKind::AuthorizeError);
        }
        if ex.status == 200 && content_type(ex).contains("html") {
            return Some(page_kind(ex));
        }
        None
    }

    /// What an error page at the authorization endpoint says: a JSON body's
    /// `error`/`error_description`, or the text of an HTML page (tags dropped).
    fn error_page_words(&self, ex: &Exchange) -> Option<String> {
        let body = ex.response_body.as_deref()?;
        if let Some(v) = json_body(Some(body)) {
            let error = str_field(&v, "error");
            let description = str_field(&v, "error_description");
            return match (error, description) {
                (Some(e), Some(d)) => Some(format!("{e}: {d}")),
                (Some(e), None) => Some(e),
                (None, d) => d,
            };
        }
        let text = html_text(body);
        let lower = text.to_ascii_lowercase();
        // A 200 page counts as an error page only when it names an OAuth error.
        (ex.status >= 400
            || lower.contains("invalid_redirect_uri")
            || lower.contains("redirect_uri_mismatch")
            || lower.contains("invalid_request")
            || lower.contains("unauthorized_client"))
        .then_some(text)
        .filter(|t| !t.is_empty())
    }

    fn is_callback(&self, ex: &Exchange, params: &[(String, String)]) -> bool {
        let has = |n: &str| get(params, n).is_some();
        let answer = has("code") || has("error") || has("id_token") || has("access_token");
        if !answer {
            return false;
        }
        if has("state") && (has("code") || has("error")) {
            return true;
        }
        let base = base_of(&ex.url);
        self.flows.iter().any(|f| {
            f.st.authorize_seen
                && f.st.redirect_uri.as_deref().map(base_of).as_deref() == Some(base.as_str())
        })
    }

    fn callback(
        &mut self,
        ex: &Exchange,
        index: usize,
        params: &[(String, String)],
        out: &mut Observed,
    ) {
        let base = base_of(&ex.url);
        let state = get(params, "state");
        let live = |f: &Flow| Self::live(f, ex.started_ms);
        // By state first; then the open flow whose redirect_uri this is (its state was lost
        // or changed); then any flow already at its callback with this code.
        let by_state = state.and_then(|s| {
            let s = fp(s);
            self.flows
                .iter()
                .rposition(|f| live(f) && f.st.state == Some(s))
        });
        let by_redirect = || {
            self.flows.iter().rposition(|f| {
                live(f)
                    && f.st.authorize_seen
                    && !f.st.callback_seen
                    && f.st.redirect_uri.as_deref().map(base_of).as_deref() == Some(base.as_str())
            })
        };
        let repeat = get(params, "code").map(fp).and_then(|c| {
            self.flows
                .iter()
                .rposition(|f| f.st.codes.iter().any(|(k, _)| *k == c))
        });
        // Two sign-ins at once: this callback answers an older authorization request of the
        // same client and redirect_uri, while a newer one is still waiting for its own.
        let superseded = by_state.and_then(|a| {
            let older = self.flows.get(a)?;
            let newer = self.flows.iter().skip(a + 1).find(|f| {
                live(f)
                    && f.st.authorize_seen
                    && !f.st.callback_seen
                    && f.client_id == older.client_id
                    && f.st.redirect_uri.as_deref().map(base_of)
                        == older.st.redirect_uri.as_deref().map(base_of)
            })?;
            let first = |f: &Flow| {
                f.steps
                    .iter()
                    .find(|s| matches!(s.kind, StepKind::Authorize | StepKind::Par))
                    .map(|s| s.index)
            };
            Some((first(older)?, first(newer)?))
        });
        if let Some((authorize_index, newer_index)) = superseded {
            out.breaks.push(Break::StateSuperseded {
                authorize_index,
                newer_index,
            });
        }
        let at = match by_state.or(repeat).or_else(by_redirect) {
            Some(at) => at,
            None => {
                let client = get(params, "client_id").map(str::to_owned);
                self.new_flow(client, None)
            }
        };
        let already = self.flows.get(at).is_some_and(|f| f.st.callback_seen);
        if !already || repeat.is_none() {
            self.check_callback(at, params, ex.started_ms, out);
        }
        if let Some(flow) = self.flows.get_mut(at) {
            flow.st.callback_seen = true;
        }
        self.add_step(at, ex, index, StepKind::Callback, shown_params(params));
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(StepKind::Callback);
    }

    /// The checks on the authorization response (RFC 6749 §4.1.2, §10.12; OIDC Core
    /// §3.1.2.7, §3.2.2.11; RFC 9207 §2.4).
    fn check_callback(
        &mut self,
        at: usize,
        params: &[(String, String)],
        at_ms: Option<i64>,
        out: &mut Observed,
    ) {
        let Some(flow) = self.flows.get_mut(at) else {
            return;
        };
        let authorize_index = flow
            .steps
            .iter()
            .rev()
            .find(|s| matches!(s.kind, StepKind::Authorize | StepKind::Par))
            .map_or(0, |s| s.index);
        if let Some(code) = get(params, "code") {
            let code = fp(code);
            if !flow.st.codes.iter().any(|(c, _)| *c == code) && flow.st.codes.len() < 16 {
                flow.st.codes.push((code, at_ms));
            }
        }
        if flow.st.authorize_seen {
            if let Some(sent) = flow.st.state {
                let got = get(params, "state");
                if got.map(fp) != Some(sent) {
                    out.breaks.push(Break::StateMismatch {
                        sent_len: flow.st.state_len,
                        got_len: got.map(str::len),
                        authorize_index,
                    });
                }
            }
        }
        if let Some(error) = get(params, "error") {
            out.breaks.push(Break::AuthorizationError {
                error: cut(error),
                description: get(params, "error_description").map(cut),
                uri: get(params, "error_uri").map(cut),
                at_callback: true,
            });
        }
        if get(params, "access_token").is_some() {
            let rt = flow
                .st
                .response_type
                .clone()
                .unwrap_or_else(|| "token".to_owned());
            if !out
                .breaks
                .iter()
                .any(|b| matches!(b, Break::Implicit { .. }))
            {
                out.breaks.push(Break::Implicit { response_type: rt });
            }
            flow.grant.get_or_insert_with(|| "implicit".to_owned());
        }
        if let Some(token) = get(params, "access_token") {
            flow.st.access_tokens.push(fp(token));
        }
        if let Some(id_token) = get(params, "id_token") {
            let nonce = flow.st.nonce;
            check_id_token(id_token, nonce, authorize_index, out);
        }
        // RFC 9207 §2.4: the `iss` of the authorization response must be the issuer's.
        if let (Some(iss), Some(issuer)) = (get(params, "iss"), flow.st.discovered_issuer.clone()) {
            if iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
                out.breaks.push(Break::IssuerMismatch {
                    source: "callback",
                    expected: cut(&issuer),
                    found: cut(iss),
                });
            }
        }
        let issuer = flow.st.discovered_issuer.clone();
        if let Some(id_token) = get(params, "id_token") {
            check_token_issuer(id_token, issuer.as_deref(), out);
        }
    }

    fn token(
        &mut self,
        ex: &Exchange,
        index: usize,
        form: &[(String, String)],
        out: &mut Observed,
    ) {
        let grant = get(form, "grant_type").unwrap_or("").to_owned();
        let basic = basic_client(ex);
        let client = get(form, "client_id")
            .map(str::to_owned)
            .or_else(|| basic.as_ref().map(|(id, _)| id.clone()));
        let method = match (basic.is_some(), get(form, "client_secret").is_some()) {
            (true, true) => ClientAuthMethod::BasicAndPost,
            (true, false) => ClientAuthMethod::ClientSecretBasic,
            (false, true) => ClientAuthMethod::ClientSecretPost,
            (false, false) if get(form, "client_assertion").is_some() => {
                ClientAuthMethod::PrivateKeyJwt
            }
            (false, false) => ClientAuthMethod::None,
        };
        out.client_auth = Some(method);
        if let Some(meta) = self.metadata_for(&ex.url) {
            out.advertised_auth_methods = meta.token_endpoint_auth_methods_supported.clone();
        }
        let origin = Target::parse(&ex.url).map(|t| t.origin());
        let failed = !(200..300).contains(&ex.status);
        let kind = if grant == "refresh_token" {
            StepKind::Refresh
        } else {
            StepKind::Token
        };
        let code = get(form, "code");
        let spent = get(form, "refresh_token").map(fp);
        let at = if let Some(c) = code.map(fp) {
            self.flows
                .iter()
                .rposition(|f| f.st.codes.iter().any(|(k, _)| *k == c))
                .or_else(|| {
                    // The callback was not captured: the flow awaiting its token, by client.
                    self.flows.iter().rposition(|f| {
                        Self::live(f, ex.started_ms)
                            && f.st.authorize_seen
                            && f.st.access_tokens.is_empty()
                            && client.is_some()
                            && f.client_id == client
                    })
                })
        } else if let Some(r) = spent {
            self.flows
                .iter()
                .rposition(|f| f.st.refresh_tokens.iter().any(|(k, _)| *k == r))
        } else {
            None
        };
        let at = at.unwrap_or_else(|| self.new_flow(client.clone(), origin.clone()));
        let earlier_code = code.map(fp).and_then(|c| {
            self.exchanged_codes
                .iter()
                .rev()
                .find(|(k, _, _, _)| *k == c)
                .copied()
        });
        let revoked = spent.and_then(|r| self.revoked.iter().rev().find(|(k, _)| *k == r).copied());
        let spent_before = spent.and_then(|r| {
            self.spent_refresh
                .iter()
                .rev()
                .find(|(k, _)| *k == r)
                .copied()
        });
        let Some(flow) = self.flows.get_mut(at) else {
            return;
        };
        if flow.client_id.is_none() {
            flow.client_id = client;
        }
        if flow.st.as_origin.is_none() {
            flow.st.as_origin = origin;
        }
        // A refresh does not rename the flow it continues; a hybrid flow stays hybrid.
        if (flow.grant.is_none() || grant != "refresh_token")
            && !grant.is_empty()
            && flow.grant.as_deref() != Some("hybrid")
        {
            flow.grant = Some(cut(&grant));
        }
        let authorize_index = flow
            .steps
            .iter()
            .rev()
            .find(|s| matches!(s.kind, StepKind::Authorize | StepKind::Par))
            .map(|s| s.index);
        if grant == "authorization_code" && failed {
            if let (Some(authorize_index), Some(sent)) =
                (authorize_index, flow.st.redirect_uri.clone())
            {
                let here = get(form, "redirect_uri");
                // §4.1.3: required, and identical, when the authorization request had one.
                if here != Some(sent.as_str()) {
                    out.breaks.push(Break::RedirectUriDiffers {
                        authorize: cut(&sent),
                        token: here.map(cut),
                        authorize_index,
                    });
                }
            }
            if let (Some(authorize_index), Some(challenge)) =
                (authorize_index, flow.st.code_challenge.clone())
            {
                let method = flow
                    .st
                    .code_challenge_method
                    .clone()
                    .unwrap_or_else(|| "plain".to_owned());
                match get(form, "code_verifier") {
                    None => out.breaks.push(Break::PkceVerifierMissing {
                        challenge: cut(&challenge),
                        method,
                        authorize_index,
                    }),
                    // A sanitized HAR: the sanitizer writes the verifier as the marker of
                    // its S256 challenge (`sanitize::url`), so for S256 two markers compare
                    // as the values did; any other mix cannot be compared.
                    Some(verifier) if is_marker(verifier) || is_marker(&challenge) => {
                        if is_marker(verifier)
                            && is_marker(&challenge)
                            && method.eq_ignore_ascii_case("S256")
                            && verifier != challenge
                        {
                            out.breaks.push(Break::PkceMismatch {
                                challenge: challenge.clone(),
                                computed: verifier.to_owned(),
                                method,
                                authorize_index,
                            });
                        }
                    }
                    Some(verifier) => {
                        let computed = if method.eq_ignore_ascii_case("S256") {
                            s256(verifier)
                        } else {
                            verifier.to_owned()
                        };
                        if computed != challenge {
                            out.breaks.push(Break::PkceMismatch {
                                challenge: cut(&challenge),
                                computed: if method.eq_ignore_ascii_case("S256") {
                                    computed
                                } else {
                                    mask(&computed)
                                },
                                method,
                                authorize_index,
                            });
                        }
                    }
                }
            }
            if let Some((_, earlier_index, earlier_succeeded, earlier_ms)) = earlier_code {
                out.breaks.push(Break::CodeReused {
                    earlier_index,
                    earlier_succeeded,
                    seconds: earlier_ms
                        .zip(ex.started_ms)
                        .map(|(a, b)| b.saturating_sub(a) / 1000),
                });
            } else if let Some(c) = code.map(fp) {
                let issued = flow
                    .st
                    .codes
                    .iter()
                    .find(|(k, _)| *k == c)
                    .and_then(|(_, t)| *t);
                let callback_index = flow
                    .steps
                    .iter()
                    .rev()
                    .find(|s| s.kind == StepKind::Callback)
                    .map_or(0, |s| s.index);
                if let Some(seconds) = issued
                    .zip(ex.started_ms)
                    .map(|(a, b)| b.saturating_sub(a) / 1000)
                {
                    // RFC 6749 §4.1.2: a maximum of 10 minutes is recommended; servers
                    // use far less (oidc-provider 60 s, Keycloak 60 s).
                    if seconds >= 60 {
                        out.breaks.push(Break::CodeExpired {
                            seconds,
                            callback_index,
                        });
                    }
                }
            }
        }
        if grant == "refresh_token" && failed {
            if let Some((_, revoked_index)) = revoked {
                out.breaks.push(Break::RefreshRevoked { revoked_index });
            } else if let Some((_, earlier_index)) = spent_before {
                out.breaks.push(Break::RefreshReused { earlier_index });
            } else if let Some(r) = spent {
                let pos = flow.st.refresh_tokens.iter().position(|(k, _)| *k == r);
                if let Some(newer) = pos.and_then(|p| flow.st.refresh_tokens.get(p + 1)) {
                    out.breaks.push(Break::RefreshRotated {
                        newer_index: newer.1,
                    });
                }
            }
        }
        // The answer (§5.1): the tokens, remembered by fingerprint.
        let answer = json_body(ex.response_body.as_deref());
        let mut shown = shown_params(form);
        if basic.is_some() {
            shown.push(param("Authorization", "Basic (client_id:client_secret)"));
        }
        shown.push(param("client_auth", method.name()));
        if let Some(a) = &answer {
            for name in ["token_type", "scope", "error", "error_description"] {
                if let Some(v) = str_field(a, name) {
                    shown.push(param(name, &v));
                }
            }
            if let Some(e) = a
                .get("expires_in")
                .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            {
                shown.push(param("expires_in", &e.to_string()));
            }
            for name in ["access_token", "refresh_token", "id_token"] {
                if let Some(v) = str_field(a, name) {
                    shown.push(secret_param(&format!("answer {name}"), &v));
                }
            }
        }
        if !failed {
            if let Some(a) = &answer {
                if let Some(t) = str_field(a, "access_token") {
                    flow.st.access_tokens.push(fp(&t));
                    if flow.st.access_tokens.len() > 16 {
                        flow.st.access_tokens.remove(0);
                    }
                }
                if let Some(r) = str_field(a, "refresh_token") {
                    if flow.st.refresh_tokens.len() < 32 {
                        flow.st.refresh_tokens.push((fp(&r), index));
                    }
                }
                if let Some(id_token) = str_field(a, "id_token") {
                    let nonce = if grant == "authorization_code" {
                        flow.st.nonce
                    } else {
                        None
                    };
                    if let Some(authorize_index) = authorize_index {
                        check_id_token(&id_token, nonce, authorize_index, out);
                    }
                    let issuer = flow.st.discovered_issuer.clone();
                    check_token_issuer(&id_token, issuer.as_deref(), out);
                }
            }
        }
        self.add_step(at, ex, index, kind, shown);
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(kind);
        if let Some(c) = code.map(fp) {
            push_bounded(
                &mut self.exchanged_codes,
                (c, index, !failed, ex.started_ms),
                256,
            );
        }
        if let (Some(r), false) = (spent, failed) {
            push_bounded(&mut self.spent_refresh, (r, index), 256);
        }
    }

    fn revocation(
        &mut self,
        ex: &Exchange,
        index: usize,
        kind: StepKind,
        form: &[(String, String)],
        out: &mut Observed,
    ) {
        let token = get(form, "token").map(fp);
        let client = get(form, "client_id")
            .map(str::to_owned)
            .or_else(|| basic_client(ex).map(|(id, _)| id));
        let at = token
            .and_then(|t| {
                self.flows.iter().rposition(|f| {
                    f.st.access_tokens.contains(&t)
                        || f.st.refresh_tokens.iter().any(|(k, _)| *k == t)
                })
            })
            .or_else(|| {
                self.flows
                    .iter()
                    .rposition(|f| client.is_some() && f.client_id == client)
            });
        let origin = Target::parse(&ex.url).map(|t| t.origin());
        let at = at.unwrap_or_else(|| self.new_flow(client, origin));
        if kind == StepKind::Revocation && (200..300).contains(&ex.status) {
            if let Some(t) = token {
                push_bounded(&mut self.revoked, (t, index), 256);
            }
        }
        let mut shown = shown_params(form);
        if let Some(v) = json_body(ex.response_body.as_deref())
            .and_then(|v| v.get("active").and_then(Value::as_bool))
        {
            shown.push(param("active", if v { "true" } else { "false" }));
        }
        self.add_step(at, ex, index, kind, shown);
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(kind);
    }

    /// A request carrying a token a flow issued: its userinfo call, or its API call.
    fn token_use(&mut self, ex: &Exchange, index: usize, kind: StepKind, out: &mut Observed) {
        let Some(token) = sent_token(ex).map(fp) else {
            return;
        };
        let Some(at) = self
            .flows
            .iter()
            .rposition(|f| f.st.access_tokens.contains(&token))
        else {
            return;
        };
        self.add_step(
            at,
            ex,
            index,
            kind,
            vec![secret_param("Authorization", sent_token(ex).unwrap_or(""))],
        );
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(kind);
    }

    /// The AS's pages between the authorization request and the callback.
    fn interaction(&mut self, ex: &Exchange, index: usize, out: &mut Observed) -> bool {
        let origin = Target::parse(&ex.url).map(|t| t.origin());
        if origin.is_none() {
            return false;
        }
        let document = ex.resource_type.as_deref().is_none_or(|t| t == "document")
            && (content_type(ex).contains("html")
                || (300..400).contains(&ex.status)
                || ex.method.eq_ignore_ascii_case("POST"));
        if !document {
            return false;
        }
        let Some(at) = self.flows.iter().rposition(|f| {
            Self::live(f, ex.started_ms)
                && f.st.authorize_seen
                && !f.st.callback_seen
                && f.st.as_origin == origin
        }) else {
            return false;
        };
        let kind = match self.authorize_answer(ex, at, false, out) {
            Some(StepKind::Redirect) => StepKind::Redirect,
            Some(StepKind::AuthorizeError) => StepKind::AuthorizeError,
            Some(StepKind::Consent) => StepKind::Consent,
            _ if path_of(&ex.url).contains("consent") => StepKind::Consent,
            _ => StepKind::Login,
        };
        self.add_step(at, ex, index, kind, Vec::new());
        push_bounded(&mut self.as_pages, index, 256);
        out.flow = self.flows.get(at).map(|f| f.id);
        out.kind = Some(kind);
        true
    }
}

/// A login or consent page, by what it shows.
fn page_kind(ex: &Exchange) -> StepKind {
    let body = ex
        .response_body
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    if body.contains("type=\"password\"") || body.contains("type=password") {
        StepKind::Login
    } else if body.contains("consent") || body.contains("authorize") || body.contains(">allow<") {
        StepKind::Consent
    } else {
        StepKind::Login
    }
}

/// The text of an HTML page: tags dropped, white space collapsed, at most 2 KB read.
fn html_text(body: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_script = false;
    let lower = body.to_ascii_lowercase();
    let bytes = body.char_indices();
    let mut last_space = true;
    for (i, c) in bytes {
        if out.len() >= 2048 {
            break;
        }
        if c == '<' {
            in_tag = true;
            let rest = lower.get(i..).unwrap_or("");
            if rest.starts_with("<script") || rest.starts_with("<style") {
                in_script = true;
            } else if rest.starts_with("</script") || rest.starts_with("</style") {
                in_script = false;
            }
            continue;
        }
        if c == '>' {
            in_tag = false;
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        if in_tag || in_script {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.trim().to_owned()
}

/// The first RFC 6749 error code a text names.
fn error_code_in(text: &str) -> Option<String> {
    const CODES: [&str; 12] = [
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "invalid_client",
        "login_required",
        "consent_required",
        "interaction_required",
        "invalid_request_uri",
    ];
    let lower = text.to_ascii_lowercase();
    CODES
        .iter()
        .filter_map(|c| lower.find(c).map(|p| (p, *c)))
        .min()
        .map(|(_, c)| c.to_owned())
}

/// OIDC Core §3.1.3.7 step 11: the ID token's nonce must be the request's.
fn check_id_token(id_token: &str, nonce: Option<u64>, authorize_index: usize, out: &mut Observed) {
    let Some(sent) = nonce else {
        return;
    };
    let token = crate::jwt::parse(id_token);
    if token.payload.is_none() {
        return;
    }
    let got = token.claims.nonce.as_deref().map(fp);
    if got != Some(sent) {
        out.breaks.push(Break::NonceMismatch {
            missing: got.is_none(),
            authorize_index,
        });
    }
}

/// OIDC Core §3.1.3.7 step 2: the ID token's `iss` must be the issuer's (from discovery).
fn check_token_issuer(id_token: &str, issuer: Option<&str>, out: &mut Observed) {
    let Some(issuer) = issuer else {
        return;
    };
    let token = crate::jwt::parse(id_token);
    let Some(iss) = token.claims.iss.as_deref() else {
        return;
    };
    if iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
        out.breaks.push(Break::IssuerMismatch {
            source: "id_token",
            expected: cut(issuer),
            found: cut(iss),
        });
    }
}
