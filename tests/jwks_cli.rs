//! `authlens diagnose --jwks` and `authlens token --jwks`: signatures checked against a
//! JWKS file with keys made here by `ring` (Ed25519), on request only.

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
