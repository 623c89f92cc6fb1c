//! The lab authorization server's signing keys and its JWKS (`/as/jwks`), so that the
//! signature checks of issue #16 can be tried against tokens signed with real keys.
//!
//! RSA: a 2048-bit test key committed next to this file (`lab-rsa-2048.pk8`, made once
//! with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -outform DER` then
//! `openssl pkcs8 -topk8 -nocrypt -inform DER -outform DER` (genpkey's DER is PKCS#1;
//! `ring` reads PKCS#8):
//! `ring` verifies and signs with RSA but cannot generate RSA keys). It signs nothing but
//! lab tokens and is public on purpose. ECDSA P-256: made by `ring` when the lab starts.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::rsa::PublicKeyComponents;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{json, Value};

/// The kids the JWKS holds.
pub const RSA_KID: &str = "lab-rsa-1";
pub const EC_KID: &str = "lab-ec-1";
/// A kid the JWKS does not hold: the key was rotated away (token.key_unknown).
pub const RETIRED_KID: &str = "lab-rsa-0-retired";
/// The HS256 secret of `token-signed-hs256`: the user pastes it in the panel to verify.
/// A canary too: it must never be stored, nor appear in an export.
pub const HS_SECRET: &str = "lab-hs-secret-canary-2f1c";

struct Keys {
    rsa: Option<RsaKeyPair>,
    ec: Option<EcdsaKeyPair>,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let rng = SystemRandom::new();
        let ec = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .ok()
            .and_then(|pkcs8| {
                EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    pkcs8.as_ref(),
                    &rng,
                )
                .ok()
            });
        Keys {
            rsa: RsaKeyPair::from_pkcs8(include_bytes!("lab-rsa-2048.pk8")).ok(),
            ec,
        }
    })
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The public keys, as RFC 7517 §5 has them.
pub fn jwks() -> Value {
    let mut list = Vec::new();
    if let Some(rsa) = &keys().rsa {
        let public = PublicKeyComponents::<Vec<u8>>::from(rsa.public());
        list.push(json!({"kty": "RSA", "kid": RSA_KID, "use": "sig", "alg": "RS256", "n": b64(&public.n), "e": b64(&public.e)}));
    }
    if let Some(ec) = &keys().ec {
        // An uncompressed point: 0x04 || x || y (SEC 1 §2.3.3).
        let point = ec.public_key().as_ref();
        if point.len() == 65 {
            list.push(json!({"kty": "EC", "kid": EC_KID, "use": "sig", "alg": "ES256", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..])}));
        }
    }
    json!({ "keys": list })
}

/// A compact JWS of `header` and `payload`, signed with the lab's key for `alg` (RS256,
/// ES256, HS256 with [`HS_SECRET`]). A key that failed to load signs nothing: the
/// signature is then empty, and the scenario's check fails visibly.
pub fn sign(header: &Value, payload: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let rng = SystemRandom::new();
    let signature = match header["alg"].as_str() {
        Some("RS256") => keys().rsa.as_ref().and_then(|rsa| {
            let mut out = vec![0; rsa.public().modulus_len()];
            rsa.sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                input.as_bytes(),
                &mut out,
            )
            .ok()
            .map(|()| out)
        }),
        Some("ES256") => keys().ec.as_ref().and_then(|ec| {
            ec.sign(&rng, input.as_bytes())
                .ok()
                .map(|s| s.as_ref().to_vec())
        }),
        Some("HS256") => {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, HS_SECRET.as_bytes());
            Some(ring::hmac::sign(&key, input.as_bytes()).as_ref().to_vec())
        }
        _ => None,
    };
    format!("{input}.{}", b64(&signature.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_signs_with_the_keys_of_its_jwks() {
        let jwks = jwks();
        assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(2), "{jwks}");
        let keys = crate::jwks::parse_jwks(&jwks.to_string()).unwrap();
        for (alg, kid) in [("RS256", RSA_KID), ("ES256", EC_KID)] {
            let token = sign(&json!({"alg": alg, "kid": kid}), &json!({"sub": "a"}));
            assert_eq!(
                crate::jwks::verify(&token, &keys, None),
                crate::jwks::Verdict::Valid {
                    kid: Some(kid.into()),
                    alg: alg.into()
                }
            );
        }
        let token = sign(&json!({"alg": "HS256"}), &json!({"sub": "a"}));
        assert!(matches!(
            crate::jwks::verify(&token, &[], Some(HS_SECRET)),
            crate::jwks::Verdict::Valid { .. }
        ));
    }
}
