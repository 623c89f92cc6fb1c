//! `token.dpop_proof_mismatch`: a DPoP proof that does not fit the request it came with
//! (RFC 9449 §4.3, the checks a resource server runs on the proof):
//! - `ath` (§4.2): with an access token, the proof carries `ath`, the base64url SHA-256 of
//!   the token's ASCII octets. A proof built for another token (the one before a refresh,
//!   a cached proof) or without `ath` is refused.
//! - `htm` (§4.3 step 8): the request's method.
//! - `htu` (§4.3 step 9): the request's URI without query and fragment, compared after
//!   syntax-based normalisation (RFC 3986 §6.2.2, §6.2.3: case of scheme and host, the
//!   default port).
//!
//! The proof's signature is not checked here (no crypto in the core); the hash is SHA-256
//! from `sha2`, as PKCE's S256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::{draft, Context};
use crate::credentials::dpop_proof;
use crate::finding::{Effort, Finding, Likelihood};

/// base64url(SHA-256(ASCII(token))) (RFC 9449 §4.2 `ath`).
pub fn access_token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

/// Scheme, host (lower case), port (default removed) and path of an absolute URI; `None`
/// for a relative one. Query and fragment are dropped (§4.2: htu has neither).
fn normal_uri(uri: &str) -> Option<(String, String, String)> {
    let (scheme, rest) = uri.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = crate::syntax::before_query(rest);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = authority
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let default = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => "",
    };
    let authority = if !default.is_empty() && authority.ends_with(default) {
        authority[..authority.len() - default.len()].to_owned()
    } else {
        authority
    };
    Some((scheme, authority, path.to_owned()))
}

pub(super) fn detect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(credentials) = &cx.credentials else {
        return;
    };
    if !credentials.is("DPoP") {
        return;
    }
    let Some(header) = cx.exchange.request_header("DPoP") else {
        return;
    };
    let proof = dpop_proof(header);
    let Some(claims) = proof.token.payload.as_ref() else {
        return;
    };
    let text = |name: &str| claims.get(name).and_then(serde_json::Value::as_str);
    let mut wrong: Vec<(&'static str, String)> = Vec::new();
    if let Some(token) = credentials.token68 {
        let expected = access_token_hash(token);
        match text("ath") {
            None => wrong.push(("ath", "missing: a proof sent with an access token carries ath, the token's SHA-256 (§4.2)".into())),
            Some(ath) if ath != expected => wrong.push(("ath", format!("{} is not the SHA-256 of the token sent ({expected}): the proof was made for another token", short(ath)))),
            Some(_) => {}
        }
    }
    if let Some(htm) = text("htm") {
        if htm != cx.exchange.method {
            wrong.push((
                "htm",
                format!("{} but the request is {}", short(htm), cx.exchange.method),
            ));
        }
    }
    if let Some(htu) = text("htu") {
        let fits = match (normal_uri(htu), normal_uri(&cx.exchange.url)) {
            (Some(a), Some(b)) => a == b,
            // A relative htu is not the target URI (§4.2: "The HTTP target URI").
            _ => false,
        };
        if !fits {
            let target = crate::syntax::before_query(&cx.exchange.url);
            wrong.push((
                "htu",
                format!("{} but the request went to {}", short(htu), short(target)),
            ));
        }
    }
    if wrong.is_empty() {
        return;
    }
    // The server said the proof is wrong, or said nothing more precise: this is the cause.
    // Beside another DPoP error (use_dpop_nonce comes first, §8), a second one.
    let (likelihood, score) = match cx.challenge_error() {
        None | Some("invalid_dpop_proof" | "invalid_token") => (Likelihood::High, 92),
        Some(_) => (Likelihood::Medium, 70),
    };
    let names: Vec<&str> = wrong.iter().map(|(name, _)| *name).collect();
    let mut d = draft(
        "token.dpop_proof_mismatch",
        likelihood,
        score,
        "https://www.rfc-editor.org/rfc/rfc9449#section-4.3",
        format!("The DPoP proof does not fit this request ({})", names.join(", ")),
    )
    .explain(
        "The app sent a proof of possession made for another request or another token. The app must make a fresh proof for each request.",
        format!(
            "RFC 9449 §4.3: the resource server checks that the proof's htm and htu are this request's method and URI, and that its ath is the SHA-256 of the access token sent. Here: {}.",
            wrong.iter().map(|(n, why)| format!("{n} {why}")).collect::<Vec<_>>().join("; ")
        ),
    );
    for (name, why) in &wrong {
        d = d.evidence(format!("DPoP proof {name}"), why.clone());
    }
    d.fix(
        Effort::Medium,
        "Client: make a new proof for every request, with htm, htu (no query) and ath = base64url(SHA-256(access token)) of the token in Authorization, after every refresh.",
        None,
    )
    .push(out);
}

/// Network data in a finding's text, bounded.
fn short(text: &str) -> String {
    if text.chars().count() <= 120 {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(120).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::diagnose;
    use crate::diagnose::test_support::{codes, exchange, jwt};
    use serde_json::json;

    /// RFC 9449 §7.1's example: the access token and its `ath`.
    #[test]
    fn the_rfc_9449_example_hash() {
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    fn proof(claims: serde_json::Value) -> String {
        jwt(
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC"}}),
            claims,
        )
    }

    fn with(token: &str, proof: &str, challenge: &str) -> Vec<&'static str> {
        let ex = exchange(
            "GET",
            "https://api.example.com/v1/things?page=2",
            401,
            &[("Authorization", &format!("DPoP {token}")), ("DPoP", proof)],
            &[("WWW-Authenticate", challenge)],
        );
        codes(&diagnose(&ex))
    }

    #[test]
    fn a_proof_for_another_token_or_request_is_named() {
        let token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
        let ath = access_token_hash(token);
        let good = proof(
            json!({"htm": "GET", "htu": "HTTPS://API.example.com:443/v1/things", "ath": ath, "iat": 1, "jti": "j"}),
        );
        assert!(!with(token, &good, "DPoP error=\"invalid_dpop_proof\"")
            .contains(&"token.dpop_proof_mismatch"));
        let other = proof(
            json!({"htm": "GET", "htu": "https://api.example.com/v1/things", "ath": access_token_hash("the-old-token"), "iat": 1, "jti": "j"}),
        );
        assert_eq!(
            with(token, &other, "DPoP error=\"invalid_dpop_proof\"")[0],
            "token.dpop_proof_mismatch"
        );
        let none = proof(
            json!({"htm": "GET", "htu": "https://api.example.com/v1/things", "iat": 1, "jti": "j"}),
        );
        assert_eq!(
            with(token, &none, "DPoP error=\"invalid_dpop_proof\"")[0],
            "token.dpop_proof_mismatch"
        );
        let method = proof(
            json!({"htm": "POST", "htu": "https://api.example.com/v1/things", "ath": ath, "iat": 1, "jti": "j"}),
        );
        assert_eq!(
            with(token, &method, "DPoP error=\"invalid_dpop_proof\"")[0],
            "token.dpop_proof_mismatch"
        );
        let uri = proof(
            json!({"htm": "GET", "htu": "https://api.example.com/v2/things", "ath": ath, "iat": 1, "jti": "j"}),
        );
        assert_eq!(
            with(token, &uri, "DPoP error=\"invalid_dpop_proof\"")[0],
            "token.dpop_proof_mismatch"
        );
        // Behind a nonce request it is the second answer, not the first.
        let found = with(token, &other, "DPoP error=\"use_dpop_nonce\"");
        assert_eq!(found[0], "challenge.dpop_nonce");
        assert!(found.contains(&"token.dpop_proof_mismatch"));
    }

    #[test]
    fn hostile_proofs_never_panic() {
        for p in [
            "",
            ".",
            "..",
            "a.b.c",
            &proof(json!({"htu": 5, "htm": null, "ath": []})),
            &proof(json!({"htu": "https://é.example/ü?x#y", "htm": "GET"})),
        ] {
            let _ = with("t", p, "DPoP");
        }
        assert_eq!(
            normal_uri("https://a.example"),
            Some(("https".into(), "a.example".into(), "/".into()))
        );
        assert_eq!(normal_uri("/relative"), None);
    }
}
