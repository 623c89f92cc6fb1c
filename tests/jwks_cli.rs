//! `authlens diagnose --jwks` and `authlens token --jwks`: signatures checked against a
//! JWKS file, on request only: Ed25519 keys made here by `ring`, and RSA (RS*, PS*) and
//! ECDSA (ES256, ES384) keys made once by `openssl` (tests/fixtures/jwks/).

use std::process::Command;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn signed(pair: &Ed25519KeyPair, kid: &str) -> String {
    let input = format!(
        "{}.{}",
        b64(format!(r#"{{"alg":"EdDSA","kid":"{kid}"}}"#).as_bytes()),
        b64(br#"{"sub":"canary-user","exp":4102444800}"#)
    );
    format!("{input}.{}", b64(pair.sign(input.as_bytes()).as_ref()))
}

fn entry(token: &str) -> serde_json::Value {
    serde_json::json!({
        "startedDateTime": "2026-11-23T12:00:00.000Z",
        "request": {"method": "GET", "url": "https://api.example/me", "headers": [{"name": "Authorization", "value": format!("Bearer {token}")}]},
        "response": {"status": 401, "headers": [{"name": "WWW-Authenticate", "value": "Bearer error=\"invalid_token\""}], "content": {"mimeType": "application/json", "text": ""}},
    })
}

#[test]
fn signatures_are_checked_against_the_jwks_on_request() {
    let rng = SystemRandom::new();
    let pair =
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&rng).unwrap().as_ref()).unwrap();
    let other =
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&rng).unwrap().as_ref()).unwrap();
    let dir = std::env::temp_dir().join(format!("authlens-jwks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwks = dir.join("jwks.json");
    std::fs::write(
        &jwks,
        format!(
            r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"k1","x":"{}"}}]}}"#,
            b64(pair.public_key().as_ref())
        ),
    )
    .unwrap();
    let good = signed(&pair, "k1");
    let forged = signed(&other, "k1");
    let rotated = signed(&pair, "k-old");
    let har = dir.join("api.har");
    std::fs::write(
        &har,
        serde_json::json!({"log": {"entries": [entry(&good), entry(&forged), entry(&rotated)]}})
            .to_string(),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_authlens"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "diagnose",
        "--json",
        "--jwks",
        jwks.to_str().unwrap(),
        har.to_str().unwrap(),
    ]))
    .unwrap();
    let top = |i: usize| {
        json["entries"][i]["findings"][0]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    let codes = |i: usize| {
        json["entries"][i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(
        !codes(0)
            .iter()
            .any(|c| c.starts_with("token.signature") || c == "token.key_unknown"),
        "{:?}",
        codes(0)
    );
    assert_eq!(top(1), "token.signature_invalid");
    assert_eq!(top(2), "token.key_unknown");
    // Without --jwks nothing is checked.
    let plain: serde_json::Value =
        serde_json::from_str(&run(&["diagnose", "--json", har.to_str().unwrap()])).unwrap();
    assert!(!plain.to_string().contains("token.signature_invalid"));
    // The signature is never printed.
    let sig = forged.rsplit('.').next().unwrap();
    assert!(!json.to_string().contains(sig));
    assert!(run(&["token", "--jwks", jwks.to_str().unwrap(), &good])
        .contains("signature valid (EdDSA, kid k1)"));
    assert!(run(&["token", "--jwks", jwks.to_str().unwrap(), &forged])
        .contains("token.signature_invalid"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// RSA and ECDSA keys made once with `openssl` (tests/fixtures/jwks/README.md: `ring`
/// signs and verifies with them but cannot generate RSA keys); each JWS algorithm of
/// RFC 7518 §3 that the CLI checks, valid and changed, through `authlens token --jwks`.
#[test]
fn rsa_pss_and_ecdsa_signatures_from_openssl_keys() {
    use ring::rsa::PublicKeyComponents;
    use ring::signature::{self as sig, EcdsaKeyPair, RsaKeyPair};
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwks");
    let rng = SystemRandom::new();
    let rsa = RsaKeyPair::from_pkcs8(&std::fs::read(fixtures.join("rsa-2048.pk8")).unwrap())
        .expect("a PKCS#8 RSA key");
    let p256 = EcdsaKeyPair::from_pkcs8(
        &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        &std::fs::read(fixtures.join("ec-p256.pk8")).unwrap(),
        &rng,
    )
    .expect("a PKCS#8 P-256 key");
    let p384 = EcdsaKeyPair::from_pkcs8(
        &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        &std::fs::read(fixtures.join("ec-p384.pk8")).unwrap(),
        &rng,
    )
    .expect("a PKCS#8 P-384 key");
    let public = PublicKeyComponents::<Vec<u8>>::from(rsa.public());
    let point = |pair: &EcdsaKeyPair| {
        let p = pair.public_key().as_ref().to_vec();
        let half = (p.len() - 1) / 2;
        (b64(&p[1..=half]), b64(&p[1 + half..]))
    };
    let (x256, y256) = point(&p256);
    let (x384, y384) = point(&p384);
    let dir = std::env::temp_dir().join(format!("authlens-jwks-rsa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwks = dir.join("jwks.json");
    std::fs::write(
        &jwks,
        serde_json::json!({"keys": [
            // `alg` on the key is informational here: the token's header names the algorithm.
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "n": b64(&public.n), "e": b64(&public.e)},
            {"kty": "EC", "kid": "p256-1", "crv": "P-256", "x": x256, "y": y256},
            {"kty": "EC", "kid": "p384-1", "crv": "P-384", "x": x384, "y": y384},
        ]})
        .to_string(),
    )
    .unwrap();
    let sign = |alg: &str, kid: &str| {
        let input = format!(
            "{}.{}",
            b64(format!(r#"{{"alg":"{alg}","kid":"{kid}"}}"#).as_bytes()),
            b64(br#"{"sub":"canary-user","exp":4102444800}"#)
        );
        let signature = match alg {
            "ES256" => p256.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec(),
            "ES384" => p384.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec(),
            _ => {
                let padding: &dyn sig::RsaEncoding = match alg {
                    "RS256" => &sig::RSA_PKCS1_SHA256,
                    "RS384" => &sig::RSA_PKCS1_SHA384,
                    "RS512" => &sig::RSA_PKCS1_SHA512,
                    "PS256" => &sig::RSA_PSS_SHA256,
                    "PS384" => &sig::RSA_PSS_SHA384,
                    _ => &sig::RSA_PSS_SHA512,
                };
                let mut out = vec![0; rsa.public().modulus_len()];
                rsa.sign(padding, &rng, input.as_bytes(), &mut out).unwrap();
                out
            }
        };
        format!("{input}.{}", b64(&signature))
    };
    let token = |t: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_authlens"))
            .args(["token", "--jwks", jwks.to_str().unwrap(), t])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (alg, kid) in [
        ("RS256", "rsa-1"),
        ("RS384", "rsa-1"),
        ("RS512", "rsa-1"),
        ("PS256", "rsa-1"),
        ("PS384", "rsa-1"),
        ("PS512", "rsa-1"),
        ("ES256", "p256-1"),
        ("ES384", "p384-1"),
    ] {
        let good = sign(alg, kid);
        let said = token(&good);
        assert!(
            said.contains(&format!("signature valid ({alg}, kid {kid})")),
            "{alg}: {said}"
        );
        // The claims changed after signing.
        let mut parts: Vec<&str> = good.split('.').collect();
        let changed = b64(br#"{"sub":"canary-admin","exp":4102444800}"#);
        parts[1] = &changed;
        let forged = parts.join(".");
        assert!(
            token(&forged).contains("token.signature_invalid"),
            "{alg} forged"
        );
        // A key of the right kid but the wrong type verifies nothing either.
        let crossed = sign(alg, if kid == "rsa-1" { "p256-1" } else { "rsa-1" });
        assert!(
            !token(&crossed).contains("signature valid"),
            "{alg} crossed"
        );
    }
    // PKCS#1 v1.5 and PSS are not interchangeable (RFC 7518 §3.3, §3.5).
    let rs = sign("RS256", "rsa-1");
    let (_, rest) = rs.split_once('.').unwrap();
    let as_ps = format!("{}.{rest}", b64(br#"{"alg":"PS256","kid":"rsa-1"}"#));
    assert!(token(&as_ps).contains("token.signature_invalid"));
    assert!(token(&sign("RS256", "rsa-retired")).contains("token.key_unknown"));
    let _ = std::fs::remove_dir_all(&dir);
}
