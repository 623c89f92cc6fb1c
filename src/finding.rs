//! What AuthLens concludes about an exchange: findings with evidence and fixes.
//!
//! Codes are stable strings (documented in `docs/findings.md`); UIs, exports and tests key
//! on them.

use std::borrow::Cow;

use serde::Serialize;

/// A finding's words. Most titles, explanations, fixes and evidence sources are fixed
/// texts (`&'static str`) and stay borrowed; only what names this exchange's facts is
/// formatted. Every owned `String` of a finding is allocated when it is made and freed
/// when the panel's session lets it go: the allocator was a tenth of the panel's time per
/// entry in Wasm (issue #17).
pub type Text = Cow<'static, str>;

/// How likely a finding is to be the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    Low,
    Medium,
    High,
}

/// How much work a fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Easy,
    Medium,
    Hard,
}

/// Something a UI can do for the user, as one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ClearCookies,
    ClearCache,
    ClearStorage,
    SignIn,
    Replay,
    CopyReport,
    SyncClock,
}

/// One way to fix the cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub effort: Effort,
    pub text: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// A fact a finding rests on, pointing at where it was seen. Secret values never appear
/// here: evidence names headers and claims, and masks credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Where: a header name, `claim:exp`, `entry:3`, …
    pub source: Text,
    /// What was seen there.
    pub fact: Text,
}

/// One possible cause of an authentication failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub likelihood: Likelihood,
    /// Ranking score within an exchange: higher is the better explanation.
    pub score: u32,
    pub title: Text,
    /// For end users, in plain words.
    pub explanation: Text,
    /// For developers: names the header, claim or rule.
    pub detail: Text,
    pub evidence: Vec<Evidence>,
    pub fixes: Vec<Fix>,
    /// The governing specification section.
    pub spec: &'static str,
    /// The sign-in flow this finding belongs to, or the broken flow it follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<FlowLink>,
}

/// A finding's place in a sign-in flow ([`crate::flow`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowLink {
    /// The flow's id in its session.
    pub id: u32,
    /// `step`: this exchange is a step of the flow; `after`: a failing request after the
    /// flow broke, which the flow's break explains.
    pub role: FlowRole,
    /// Where the flow broke (stream position), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at: Option<usize>,
    /// The flow's other steps (stream positions), oldest first.
    pub steps: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowRole {
    Step,
    After,
}

/// Sorts findings best first: by score, then likelihood, then code for a stable order.
pub fn rank(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.likelihood.cmp(&a.likelihood))
            .then(a.code.cmp(b.code))
    });
}
