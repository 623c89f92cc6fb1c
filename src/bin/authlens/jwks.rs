//! `--jwks FILE`: JWS signature checks against the issuer's keys, in the CLI only, and only
//! when asked (issue #16 item 3). `ring` does the cryptography (docs/dependencies.md); the
//! Wasm module has none (the browser would use WebCrypto).
//!
//! Keys come from a JWKS file (`{"keys":[…]}`, RFC 7517 §5, or one JWK) and from JWKS
//! answers seen in the HAR. Algorithms (RFC 7518 §3): RS256/384/512, PS256/384/512,
//! ES256/384, EdDSA (Ed25519, RFC 8037), and HS256/384/512 with a secret the user gives on
//! standard input, never stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde_json::Value;

/// One public key (or the HMAC secret) to verify with.
#[derive(Clone)]
pub struct Key {
    pub kid: Option<String>,
    kty: String,
    crv: Option<String>,
    n: Vec<u8>,
    e: Vec<u8>,
    x: Vec<u8>,
    y: Vec<u8>,
}

/// The keys of a JWKS document or a single JWK; keys that cannot be read are skipped.
pub fn parse_jwks(text: &str) -> Result<Vec<Key>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not a JWKS (JSON): {e}"))?;
    let list = match value.get("keys").and_then(Value::as_array) {
        Some(keys) => keys.clone(),
        None if value.get("kty").is_some() => vec![value],
        None => return Err("not a JWKS: no \"keys\" array and no \"kty\"".into()),
    };
    let b = |k: &Value, name: &str| {
        k.get(name)
            .and_then(Value::as_str)
            .and_then(|s| URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok())
            .unwrap_or_default()
    };
    Ok(list
        .iter()
        .filter_map(|k| {
            Some(Key {
                kid: k.get("kid").and_then(Value::as_str).map(str::to_owned),
                kty: k.get("kty")?.as_str()?.to_owned(),
                crv: k.get("crv").and_then(Value::as_str).map(str::to_owned),
                n: b(k, "n"),
                e: b(k, "e"),
                x: b(k, "x"),
                y: b(k, "y"),
            })
        })
        .collect())
}

/// The keys of a JWKS file.
pub fn load(path: &str) -> Result<Vec<Key>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let keys = parse_jwks(&text).map_err(|e| format!("{path}: {e}"))?;
    if keys.is_empty() {
        return Err(format!("{path}: no usable key"));
    }
    Ok(keys)
}

/// The HS secret, from the first line of standard input.
pub fn read_secret() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// `authlens token --jwks`: one line (or a JSON object) with the verdict.
pub fn print_verdict(verdict: &Verdict, json: bool) {
    let (status, text) = match verdict {
        Verdict::Valid { kid, alg } => (
            "valid",
            format!(
                "signature valid ({alg}{})",
                kid.as_deref()
                    .map(|k| format!(", kid {k}"))
                    .unwrap_or_default()
            ),
        ),
        Verdict::Invalid { alg, .. } => (
            "signature_invalid",
            format!("token.signature_invalid: the {alg} signature verifies with none of the keys"),
        ),
        Verdict::KeyUnknown { kid, .. } => (
            "key_unknown",
            format!("token.key_unknown: kid \"{kid}\" is not in the keys"),
        ),
        Verdict::Unchecked { reason: why } => {
            ("unchecked", format!("signature not checked: {why}"))
        }
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"signature": status, "detail": text})
        );
    } else {
        println!("{text}");
    }
}

pub use authlens::signature::{finding, Verdict};

fn alg_fits(alg: &str, key: &Key) -> bool {
    match alg {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => key.kty == "RSA",
        "ES256" => key.kty == "EC" && key.crv.as_deref() == Some("P-256"),
        "ES384" => key.kty == "EC" && key.crv.as_deref() == Some("P-384"),
        "EdDSA" | "Ed25519" => key.kty == "OKP" && key.crv.as_deref() == Some("Ed25519"),
        _ => false,
    }
}

fn verify_with(alg: &str, key: &Key, message: &[u8], sig: &[u8]) -> bool {
    let rsa = |params: &'static signature::RsaParameters| {
        RsaPublicKeyComponents {
            n: &key.n,
            e: &key.e,
        }
        .verify(params, message, sig)
        .is_ok()
    };
    let point = || {
        let mut p = Vec::with_capacity(1 + key.x.len() + key.y.len());
        p.push(4u8);
        p.extend_from_slice(&key.x);
        p.extend_from_slice(&key.y);
        p
    };
    match alg {
        "RS256" => rsa(&signature::RSA_PKCS1_2048_8192_SHA256),
        "RS384" => rsa(&signature::RSA_PKCS1_2048_8192_SHA384),
        "RS512" => rsa(&signature::RSA_PKCS1_2048_8192_SHA512),
        "PS256" => rsa(&signature::RSA_PSS_2048_8192_SHA256),
        "PS384" => rsa(&signature::RSA_PSS_2048_8192_SHA384),
        "PS512" => rsa(&signature::RSA_PSS_2048_8192_SHA512),
        // JWS ECDSA signatures are R || S, fixed size (RFC 7518 §3.4).
        "ES256" => UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point())
            .verify(message, sig)
            .is_ok(),
        "ES384" => UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point())
            .verify(message, sig)
            .is_ok(),
        "EdDSA" | "Ed25519" => UnparsedPublicKey::new(&signature::ED25519, &key.x)
            .verify(message, sig)
            .is_ok(),
        _ => false,
    }
}

/// Verifies a compact JWS with `keys`, or with `hs_secret` for HS*.
pub fn verify(token: &str, keys: &[Key], hs_secret: Option<&str>) -> Verdict {
    let token = token.trim();
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Verdict::Unchecked {
            reason: "not a compact JWS (three segments)".into(),
        };
    };
    let header: Option<Value> = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let Some(header) = header else {
        return Verdict::Unchecked {
            reason: "the JWS header does not decode".into(),
        };
    };
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let kid = header.get("kid").and_then(Value::as_str).map(str::to_owned);
    let Ok(sig) = URL_SAFE_NO_PAD.decode(s) else {
        return Verdict::Unchecked {
            reason: "the signature is not base64url".into(),
        };
    };
    // RFC 7515 §5.2: the signing input is the two encoded segments as sent.
    let message = format!("{h}.{p}");
    if let Some(hash) = alg.strip_prefix("HS") {
        let Some(secret) = hs_secret else {
            return Verdict::Unchecked {
                reason: format!("{alg} needs the shared secret (--hs-secret-stdin)"),
            };
        };
        let algorithm = match hash {
            "256" => ring::hmac::HMAC_SHA256,
            "384" => ring::hmac::HMAC_SHA384,
            "512" => ring::hmac::HMAC_SHA512,
            _ => {
                return Verdict::Unchecked {
                    reason: format!("unsupported algorithm {alg}"),
                }
            }
        };
        let key = ring::hmac::Key::new(algorithm, secret.as_bytes());
        return if ring::hmac::verify(&key, message.as_bytes(), &sig).is_ok() {
            Verdict::Valid { kid, alg }
        } else {
            Verdict::Invalid { kid, alg, tried: 1 }
        };
    }
    if alg.is_empty() || alg.eq_ignore_ascii_case("none") {
        return Verdict::Unchecked {
            reason: "unsigned (alg none)".into(),
        };
    }
    let fitting: Vec<&Key> = keys.iter().filter(|k| alg_fits(&alg, k)).collect();
    let candidates: Vec<&Key> = match &kid {
        Some(kid) => {
            let named: Vec<&Key> = keys
                .iter()
                .filter(|k| k.kid.as_deref() == Some(kid.as_str()))
                .collect();
            if named.is_empty() {
                return Verdict::KeyUnknown {
                    kid: kid.clone(),
                    known: keys.iter().filter_map(|k| k.kid.clone()).take(20).collect(),
                };
            }
            named.into_iter().filter(|k| alg_fits(&alg, k)).collect()
        }
        None => fitting,
    };
    if candidates.is_empty() {
        return Verdict::Unchecked {
            reason: format!("no {alg} key in the JWKS"),
        };
    }
    if let Some(key) = candidates
        .iter()
        .find(|k| verify_with(&alg, k, message.as_bytes(), &sig))
    {
        return Verdict::Valid {
            kid: key.kid.clone(),
            alg,
        };
    }
    Verdict::Invalid {
        kid,
        alg,
        tried: candidates.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

    fn b64(b: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(b)
    }

    #[test]
    fn eddsa_and_es256_verify_and_a_changed_token_does_not() {
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let input = format!(
            "{}.{}",
            b64(br#"{"alg":"EdDSA","kid":"k1"}"#),
            b64(br#"{"sub":"a"}"#)
        );
        let token = format!("{input}.{}", b64(pair.sign(input.as_bytes()).as_ref()));
        let jwks = format!(
            r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"k1","x":"{}"}}]}}"#,
            b64(pair.public_key().as_ref())
        );
        let keys = parse_jwks(&jwks).unwrap();
        assert!(matches!(verify(&token, &keys, None), Verdict::Valid { .. }));
        let tampered = token.replacen(&b64(br#"{"sub":"a"}"#), &b64(br#"{"sub":"b"}"#), 1);
        assert!(matches!(
            verify(&tampered, &keys, None),
            Verdict::Invalid { .. }
        ));
        assert_eq!(
            finding(&verify(&tampered, &keys, None), "Authorization")
                .unwrap()
                .code,
            "token.signature_invalid"
        );
        let other = token.replacen(
            &b64(br#"{"alg":"EdDSA","kid":"k1"}"#),
            &b64(br#"{"alg":"EdDSA","kid":"k2"}"#),
            1,
        );
        assert_eq!(
            finding(&verify(&other, &keys, None), "Authorization")
                .unwrap()
                .code,
            "token.key_unknown"
        );

        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let input = format!("{}.{}", b64(br#"{"alg":"ES256"}"#), b64(br#"{"sub":"a"}"#));
        let token = format!(
            "{input}.{}",
            b64(pair.sign(&rng, input.as_bytes()).unwrap().as_ref())
        );
        let point = pair.public_key().as_ref();
        let jwks = format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
            b64(&point[1..33]),
            b64(&point[33..])
        );
        assert!(matches!(
            verify(&token, &parse_jwks(&jwks).unwrap(), None),
            Verdict::Valid { .. }
        ));
    }

    #[test]
    fn hs256_needs_the_secret() {
        let input = format!("{}.{}", b64(br#"{"alg":"HS256"}"#), b64(br#"{"sub":"a"}"#));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"canary-hs-secret");
        let token = format!(
            "{input}.{}",
            b64(ring::hmac::sign(&key, input.as_bytes()).as_ref())
        );
        assert!(matches!(
            verify(&token, &[], Some("canary-hs-secret")),
            Verdict::Valid { .. }
        ));
        assert!(matches!(
            verify(&token, &[], Some("wrong")),
            Verdict::Invalid { .. }
        ));
        assert!(matches!(
            verify(&token, &[], None),
            Verdict::Unchecked { .. }
        ));
    }
}
