//! The findings of a JWS signature check (issue #16 item 3), without the cryptography.
//!
//! The check itself runs where the keys are: natively with `ring` (`authlens … --jwks`,
//! `src/bin/authlens/jwks.rs`) and in the browser with WebCrypto
//! (`extension/shared/signature.js`), so that no crypto code goes into the Wasm module.
//! Both hand their [`Verdict`] here, so a check reads the same on every surface: the same
//! codes, titles, explanations and fixes.

use serde_json::Value;

use crate::finding::{Action, Effort, Evidence, Finding, Fix, Likelihood};

/// What a signature check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature verifies with the key of this kid.
    Valid { kid: Option<String>, alg: String },
    /// No key verifies it (a key of the right kid and type was tried).
    Invalid {
        kid: Option<String>,
        alg: String,
        tried: usize,
    },
    /// The token names a kid that is not in the keys.
    KeyUnknown { kid: String, known: Vec<String> },
    /// Not a JWS, `alg: none`, an algorithm not supported, or no key of its type.
    Unchecked { reason: String },
}

impl Verdict {
    /// Reads the browser's verdict (`SignatureVerdict` in src/wasm.rs: `{"status": "valid" |
    /// "invalid" | "key_unknown" | "unchecked", …}`). By hand from a `Value`, not with a
    /// derived `Deserialize`: the engine's size is a budget (issue #17), and serde_json's
    /// `Value` is in the module anyway.
    pub fn from_json(value: &Value) -> Option<Self> {
        let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let alg = || text("alg").unwrap_or_default();
        Some(match value.get("status")?.as_str()? {
            "valid" => Self::Valid {
                kid: text("kid"),
                alg: alg(),
            },
            "invalid" => Self::Invalid {
                kid: text("kid"),
                alg: alg(),
                tried: value
                    .get("tried")
                    .and_then(Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0),
            },
            "key_unknown" => Self::KeyUnknown {
                kid: text("kid")?,
                known: value
                    .get("known")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(Value::as_str)
                            .take(20)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "unchecked" => Self::Unchecked {
                reason: text("reason").unwrap_or_default(),
            },
            _ => return None,
        })
    }
}

/// Bounds what a verdict from the browser may carry into a finding's text: it is built
/// from the token's header, which is network data.
fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// The finding a verdict gives: `token.signature_invalid` or `token.key_unknown`; `None`
/// for a valid or unchecked signature. `source` names where the token was (a header).
pub fn finding(verdict: &Verdict, source: &str) -> Option<Finding> {
    let fix = |effort, text: &str, action| Fix {
        effort,
        text: text.to_owned().into(),
        action,
    };
    let (code, score, title, explanation, detail, evidence, fixes, spec) = match verdict {
        Verdict::Invalid { kid, alg, tried } => {
            let alg = bounded(alg, 16);
            (
                "token.signature_invalid",
                96,
                "The token's signature does not verify with the issuer's keys".to_owned(),
                "The token was not signed by the identity provider the keys belong to, or it was changed. Sign in again.".to_owned(),
                format!(
                    "The {alg} signature was checked against {tried} key(s){} of the JWKS given and verifies with none (RFC 7515 §5.2): the token was altered, signed by another issuer or environment, or the keys are not this issuer's.",
                    kid.as_deref().map(|k| format!(" with kid \"{}\"", bounded(k, 80))).unwrap_or_default()
                ),
                vec![Evidence { source: source.to_owned().into(), fact: format!("alg {alg}, signature does not verify").into() }],
                vec![fix(Effort::Easy, "Sign in again.", Some(Action::SignIn)), fix(Effort::Medium, "Developer: check the token comes from the issuer whose keys the API uses (environment, tenant).", None)],
                "https://www.rfc-editor.org/rfc/rfc7515#section-5.2",
            )
        }
        Verdict::KeyUnknown { kid, known } => {
            let kid = bounded(kid, 80);
            let known: Vec<String> = known.iter().take(20).map(|k| bounded(k, 80)).collect();
            (
                "token.key_unknown",
                90,
                "The token's signing key (kid) is not in the issuer's keys".to_owned(),
                "The token was signed with a key the API does not know. Signing in again usually fixes it.".to_owned(),
                format!(
                    "The token's kid \"{kid}\" is not in the JWKS ({}): the provider rotated its keys (and the API caches the old set, or the token predates the rotation), or the token comes from another issuer or environment.",
                    if known.is_empty() { "no kid there".to_owned() } else { format!("kids: {}", known.join(", ")) }
                ),
                vec![Evidence { source: source.to_owned().into(), fact: format!("kid {kid} not among the keys").into() }],
                vec![fix(Effort::Easy, "Sign in again.", Some(Action::SignIn)), fix(Effort::Medium, "Server: refresh the JWKS when a kid is unknown (RFC 7517 §4.5), and check the issuer and environment.", None)],
                "https://www.rfc-editor.org/rfc/rfc7517#section-4.5",
            )
        }
        Verdict::Valid { .. } | Verdict::Unchecked { .. } => return None,
    };
    Some(Finding {
        code,
        likelihood: Likelihood::High,
        score,
        title: title.into(),
        explanation: explanation.into(),
        detail: detail.into(),
        evidence,
        fixes,
        spec,
        flow: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_from_json_and_give_their_codes() {
        let read = |text: &str| Verdict::from_json(&serde_json::from_str(text).unwrap()).unwrap();
        let v = read(r#"{"status":"invalid","alg":"RS256","kid":"k1","tried":1}"#);
        assert_eq!(
            finding(&v, "Authorization").unwrap().code,
            "token.signature_invalid"
        );
        let v = read(r#"{"status":"key_unknown","kid":"k9","known":["k1"]}"#);
        let f = finding(&v, "Authorization").unwrap();
        assert_eq!(f.code, "token.key_unknown");
        assert!(f.detail.contains("kids: k1"));
        let v = read(r#"{"status":"valid","alg":"ES256","kid":null}"#);
        assert!(finding(&v, "Authorization").is_none());
        assert_eq!(
            Verdict::from_json(&serde_json::json!({"status": "other"})),
            None
        );
        assert_eq!(Verdict::from_json(&serde_json::json!(["x"])), None);
    }

    #[test]
    fn a_huge_kid_is_bounded() {
        let v = Verdict::KeyUnknown {
            kid: "k".repeat(10_000),
            known: vec!["x".repeat(10_000); 100],
        };
        assert!(finding(&v, "Authorization").unwrap().detail.len() < 2_500);
    }
}
