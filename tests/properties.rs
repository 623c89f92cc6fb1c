//! Property tests: whatever the input, the parsers return a result (never panic), every
//! position they report lies inside the input on a character boundary, secrets stay
//! masked, and printing a parsed challenge list and parsing it again gives the same list.

use authlens::challenge::{self, ChallengeList};
use authlens::{cookie, credentials, date, jwt};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::prelude::*;

fn offsets_are_sound(input: &str, offsets: impl IntoIterator<Item = usize>) {
    for offset in offsets {
        assert!(
            offset <= input.len(),
            "offset {offset} past the end of {input:?}"
        );
        assert!(
            input.is_char_boundary(offset),
            "offset {offset} splits a character of {input:?}"
        );
    }
}

/// Text that looks like header material: mostly the grammar's own characters.
fn headerish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec!["Bearer", "Basic", "Digest", "realm", "=", "\"", ",", " ", "\\", "error", "a", "Zm9v", "==", "\t", "\r\n", "é", "\u{200b}", ":", "."]).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Prints a list back as one header value, in a canonical form.
fn print(list: &ChallengeList<'_>) -> String {
    list.challenges
        .iter()
        .map(|c| {
            let mut out = c.scheme.to_owned();
            if let Some(t) = c.token68 {
                out.push(' ');
                out.push_str(t);
            }
            let params: Vec<String> = c
                .params
                .iter()
                .map(|p| {
                    let escaped = p.value.replace('\\', "\\\\").replace('"', "\\\"");
                    format!("{}=\"{escaped}\"", p.name)
                })
                .collect();
            if !params.is_empty() {
                out.push(' ');
                out.push_str(&params.join(", "));
            }
            out
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,8}"
}

/// Well-formed challenges: schemes, token68 or params with quoted values (escapes too).
fn challenge_list() -> impl Strategy<Value = String> {
    let param = (token(), "[ -~]{0,12}").prop_map(|(name, value)| {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{name}=\"{escaped}\"")
    });
    let challenge = (
        token(),
        prop_oneof![
            Just(String::new()),
            "[A-Za-z0-9+/]{1,16}={0,2}".prop_map(|t| format!(" {t}")),
            prop::collection::vec(param, 1..4).prop_map(|ps| format!(" {}", ps.join(", "))),
        ],
    )
        .prop_map(|(scheme, rest)| format!("{scheme}{rest}"));
    prop::collection::vec(challenge, 1..5).prop_map(|cs| cs.join(", "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn challenges_never_panic_and_point_inside(input in headerish()) {
        let list = challenge::parse(&input);
        offsets_are_sound(&input, list.problems.iter().map(|p| p.offset));
        offsets_are_sound(&input, list.challenges.iter().map(|c| c.offset));
        for p in &list.problems {
            let _ = p.render(&input);
        }
        let described = authlens::schemes::describe(&list);
        // A single field line: every scheme-specific problem points into it too.
        offsets_are_sound(&input, described.problems.iter().map(|p| p.offset));
        for c in &list.challenges {
            offsets_are_sound(&input, c.params.iter().map(|p| p.offset));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        // What a HAR or a webRequest event hands over after lossy UTF-8 decoding.
        let input = String::from_utf8_lossy(&bytes).into_owned();
        let list = challenge::parse(&input);
        offsets_are_sound(&input, authlens::schemes::describe(&list).problems.iter().map(|p| p.offset));
        let parsed = credentials::parse(&input);
        offsets_are_sound(&input, parsed.defects.iter().map(|d| d.offset));
        offsets_are_sound(&input, parsed.problems.iter().map(|p| p.offset));
        let proof = credentials::dpop_proof_for(&input, &parsed);
        offsets_are_sound(&input, proof.token.problems.iter().map(|p| p.offset));
        offsets_are_sound(&input, jwt::parse(&input).problems.iter().map(|p| p.offset));
        let set = cookie::parse_set_cookie(&input);
        offsets_are_sound(&input, set.problems.iter().map(|p| p.offset));
        let _ = set.to_json(false);
        let header = cookie::parse_cookie_header(&input);
        offsets_are_sound(&input, header.problems.iter().map(|p| p.offset));
        let _ = date::parse_retry_after(&input);
        let _ = cookie::cookie_date(&input);
    }

    #[test]
    fn cookie_values_never_show_unless_revealed(name in "[a-z]{1,8}", value in "[A-Za-z0-9]{8,40}") {
        let value = format!("V-{value}");
        let set_value = format!("{name}={value}; Path=/");
        let set = cookie::parse_set_cookie(&set_value);
        prop_assert!(!set.to_json(false).to_string().contains(&value));
        let header_value = format!("{name}={value}");
        let header = cookie::parse_cookie_header(&header_value);
        prop_assert!(!header.to_json(false).to_string().contains(&value));
        let revealed = set.to_json(true);
        prop_assert_eq!(revealed["value"].as_str(), Some(value.as_str()));
    }

    #[test]
    fn printing_and_parsing_again_is_stable(input in challenge_list()) {
        let first = challenge::parse(&input);
        // The generator may repeat a parameter name (reported, and kept); nothing else.
        prop_assert!(
            first.problems.iter().all(|p| p.message.contains("twice")),
            "{input:?}: {:?}", first.problems
        );
        // …which is a warning: well-formed input has no error.
        prop_assert!(!authlens::problem::has_errors(&first.problems));
        let printed = print(&first);
        let second = challenge::parse(&printed);
        prop_assert_eq!(print(&second), printed.clone());
        prop_assert_eq!(second.challenges.len(), first.challenges.len());
        for (a, b) in first.challenges.iter().zip(&second.challenges) {
            prop_assert_eq!(a.scheme, b.scheme);
            prop_assert_eq!(a.token68, b.token68);
            let values_a: Vec<_> = a.params.iter().map(|p| (p.name, p.value.to_string())).collect();
            let values_b: Vec<_> = b.params.iter().map(|p| (p.name, p.value.to_string())).collect();
            prop_assert_eq!(values_a, values_b);
        }
    }

    #[test]
    fn credentials_never_panic_and_point_inside(input in headerish()) {
        let parsed = credentials::parse(&input);
        offsets_are_sound(&input, parsed.defects.iter().map(|d| d.offset));
        offsets_are_sound(&input, parsed.problems.iter().map(|p| p.offset));
        let _ = parsed.to_json(false);
    }

    #[test]
    fn basic_passwords_never_show_unless_revealed(user in "[a-z]{1,8}", password in "[ -~]{1,24}") {
        let password = format!("PW-{password}");
        let value = format!("Basic {}", STANDARD.encode(format!("{user}:{password}")));
        let parsed = credentials::parse(&value);
        let masked = parsed.to_json(false).to_string();
        prop_assert!(!masked.contains(&serde_json::to_string(&password).unwrap_or_default()[1..]));
        prop_assert!(!masked.contains(&value[6..]), "the encoded credentials are masked too");
        let revealed = parsed.to_json(true);
        prop_assert_eq!(revealed["basic"]["password"].as_str(), Some(password.as_str()));
    }

    #[test]
    fn cookies_and_dates_never_panic_and_point_inside(input in headerish()) {
        let set = cookie::parse_set_cookie(&input);
        offsets_are_sound(&input, set.problems.iter().map(|p| p.offset));
        let header = cookie::parse_cookie_header(&input);
        offsets_are_sound(&input, header.problems.iter().map(|p| p.offset));
        offsets_are_sound(&input, header.cookies.iter().map(|c| c.offset));
        let _ = cookie::cookie_date(&input);
        if let Err(p) = date::parse_http_date(&input) {
            offsets_are_sound(&input, [p.offset]);
        }
        let _ = date::parse_retry_after(&input);
    }

    #[test]
    fn tokens_never_panic_and_point_inside(input in headerish()) {
        let token = jwt::parse(&input);
        offsets_are_sound(&input, token.problems.iter().map(|p| p.offset));
    }

    #[test]
    fn jwt_shaped_noise_never_panics(
        header in prop::collection::vec(any::<u8>(), 0..64),
        payload in prop::collection::vec(any::<u8>(), 0..64),
        segments in 1usize..7,
    ) {
        let mut parts = vec![URL_SAFE_NO_PAD.encode(&header), URL_SAFE_NO_PAD.encode(&payload)];
        parts.resize(segments, "c2ln".to_owned());
        let input = format!("eyJ{}", parts.join("."));
        let token = jwt::parse(&input);
        offsets_are_sound(&input, token.problems.iter().map(|p| p.offset));
    }

    #[test]
    fn jwt_claims_survive_the_round_trip(sub in "[ -~]{0,20}", exp in 0i64..4_000_000_000) {
        let payload = serde_json::json!({"sub": sub, "exp": exp});
        let input = format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(payload.to_string()));
        let token = jwt::parse(&input);
        prop_assert_eq!(token.kind, jwt::Kind::Jws);
        prop_assert_eq!(token.claims.sub.as_deref(), Some(sub.as_str()));
        prop_assert_eq!(token.claims.exp.map(|d| d.seconds), Some(exp));
    }
}

/// A time claim as a server could write it: an integer at any size, a float in exponent
/// form (1e300), or NaN and the infinities, which JSON cannot hold as numbers and so
/// arrive as strings.
fn claim_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<u64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| if v.is_finite() {
            format!("{v:e}")
        } else {
            format!("\"{v}\"")
        }),
        prop::sample::select(vec![
            "0",
            "-0",
            "1e300",
            "-1e300",
            "253402300800",
            "253402300800000",
            "99999999999",
            "100000000000",
            "-62167219201",
            "9223372036854775807",
            "-9223372036854775808",
            "\"NaN\"",
            "\"inf\"",
            "\"-inf\"",
            "\"1e300\"",
            "null",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A 401 with a Bearer token whose time claims are `exp`, `nbf`, `iat`, a client clock
/// `started_ms` and a server `Date` (any instant, formatted or garbage) plus `Age`.
fn extreme_exchange(
    (exp, nbf, iat): (String, String, String),
    started_ms: Option<i64>,
    date: Option<i64>,
    age: String,
) -> authlens::exchange::Exchange {
    use authlens::exchange::{Exchange, Header};
    let claims = format!(r#"{{"sub":"s","exp":{exp},"nbf":{nbf},"iat":{iat}}}"#);
    let token = format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
        URL_SAFE_NO_PAD.encode(claims)
    );
    let h = |name: &str, value: String| Header {
        name: name.into(),
        value,
    };
    let mut response_headers = vec![
        h(
            "WWW-Authenticate",
            r#"Bearer realm="a", error="invalid_token""#.into(),
        ),
        h("Age", age),
    ];
    if let Some(date) = date {
        response_headers.push(h("Date", date::fmt_http_date(date)));
    }
    Exchange {
        method: "GET".into(),
        url: "https://api.example.com/v1".into(),
        status: 401,
        request_headers: vec![h("Authorization", format!("Bearer {token}"))],
        response_headers,
        started_ms,
        ..Exchange::default()
    }
}

/// Well-formed challenges as (scheme, params), to print with and without empty list
/// elements.
fn challenge_parts() -> impl Strategy<Value = Vec<(String, Vec<(String, String)>)>> {
    let param = (token(), "[ -~]{0,8}").prop_map(|(n, v)| {
        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
        (n, format!("\"{escaped}\""))
    });
    prop::collection::vec((token(), prop::collection::vec(param, 0..4)), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Issue #11, item 5: whatever the time claims (i64 and f64 at any size, NaN and
    /// infinities as strings), the client clock (any i64 of ms) and the server's `Date`
    /// and `Age`, diagnose completes (no panic, no overflow under debug assertions) and
    /// explains the 401.
    #[test]
    fn diagnose_survives_any_time_claims(
        claims in (claim_text(), claim_text(), claim_text()),
        started_ms in prop::option::of(any::<i64>()),
        date in prop::option::of(any::<i64>()),
        age in prop_oneof![any::<u64>().prop_map(|a| a.to_string()), Just("99999999999999999999999".to_owned()), Just("-1".to_owned())],
    ) {
        let exchange = extreme_exchange(claims, started_ms, date, age);
        let mut session = authlens::diagnose::Session::default();
        let findings = session.diagnose(&exchange);
        prop_assert!(!findings.is_empty());
        for f in &findings {
            prop_assert!(!f.title.is_empty() && !f.detail.is_empty());
        }
        // A second request in the same session reads the first one's summary too.
        prop_assert!(!session.diagnose(&exchange).is_empty());
    }

    /// RFC 9110 §5.6.1: empty list elements change nothing, between challenges, after a
    /// scheme's space and between parameters.
    #[test]
    fn empty_list_elements_change_nothing(parts in challenge_parts(), seed in any::<u64>()) {
        let mut bits = seed;
        let mut empties = || {
            bits = bits.rotate_left(3);
            [" ", ",", " ,", ", ,", ",,"][(bits % 5) as usize]
        };
        let mut plain = Vec::new();
        let mut padded = Vec::new();
        for (scheme, params) in &parts {
            let list: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
            if list.is_empty() {
                plain.push(scheme.clone());
                padded.push(format!("{scheme}{}", empties().trim_start()));
            } else {
                plain.push(format!("{scheme} {}", list.join(", ")));
                let joined: Vec<String> = list.iter().map(|p| format!("{p}{}", empties())).collect();
                padded.push(format!("{scheme} {}{}", empties(), joined.join(",")));
            }
        }
        let plain = plain.join(", ");
        let padded = format!("{}{}", empties(), padded.join(", "));
        let a = challenge::parse(&plain);
        let b = challenge::parse(&padded);
        prop_assert!(!authlens::problem::has_errors(&b.problems), "{padded:?}: {:?}", b.problems);
        prop_assert_eq!(print(&a), print(&b), "{:?} vs {:?}", plain, padded);
    }
}

/// The hostile inputs the issue names, as results rather than timings.
#[test]
fn hostile_inputs_give_results() {
    let header = format!("Bearer realm=\"{}\"", "a".repeat(1 << 20));
    assert_eq!(challenge::parse(&header).challenges.len(), 1);
    // A 100k-challenge list is read to its end and keeps the first MAX_CHALLENGES, with one
    // warning that says so: memory follows what is kept.
    let many = "Basic, ".repeat(100_000);
    let list = challenge::parse(&many);
    assert_eq!(list.challenges.len(), challenge::MAX_CHALLENGES);
    assert!(list
        .problems
        .iter()
        .any(|p| p.message.starts_with("more than 1,000")));
    let params = format!("Digest {}", "a=\"b\", ".repeat(100_000));
    assert_eq!(
        challenge::parse(&params).challenges[0].params.len(),
        100_000
    );
    let quotes = "\"".repeat(1 << 20);
    assert!(!challenge::parse(&quotes).problems.is_empty());
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(50_000), "]".repeat(50_000));
    let token = jwt::parse(&format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.c2ln",
        URL_SAFE_NO_PAD.encode(deep)
    ));
    assert!(token.payload.is_none() && !token.problems.is_empty());
    // A 1 MB signed JWT reads fully; 1 MB of broken base64 yields capped problems.
    let big_claim = "x".repeat(1 << 20);
    let big = format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
        URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"s","data":"{big_claim}"}}"#))
    );
    let token = jwt::parse(&big);
    assert_eq!(token.kind, jwt::Kind::Jws);
    assert_eq!(token.claims.sub.as_deref(), Some("s"));
    assert!(token.problems.is_empty());
    let noise = format!("Basic {}", "-_".repeat(1 << 19));
    let parsed = credentials::parse(&noise);
    assert!(parsed.problems.len() <= authlens::problem::MAX_PROBLEMS + 1);
    let broken = format!("Digest {}", "a=\"b, =, ".repeat(100_000));
    assert_eq!(
        challenge::parse(&broken).problems.len(),
        authlens::problem::MAX_PROBLEMS + 1,
        "capped, with the final 'too many' note"
    );
    let lossy = String::from_utf8_lossy(&[0xff, 0xfe, b'B', 0x80]).into_owned();
    assert!(
        credentials::parse(&lossy).scheme.is_empty()
            || !credentials::parse(&lossy).defects.is_empty()
    );
}

/// A flow parameter list: the names the flow model reads, with any values (percent signs,
/// `&`, `=`, `#`, non-ASCII, empty), in any order and number.
fn flow_params() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "nonce",
        "code",
        "code_challenge",
        "code_challenge_method",
        "code_verifier",
        "grant_type",
        "error",
        "error_description",
        "access_token",
        "id_token",
        "refresh_token",
        "token",
        "iss",
        "request_uri",
        "prompt",
        "client_secret",
        "%zz",
        "",
    ]);
    let value = prop_oneof![
        "[ -~]{0,40}",
        "\\PC{0,12}",
        Just("https://app.example/cb".to_owned()),
        Just("%".to_owned()),
        Just("eyJhbGciOiJub25lIn0.eyJub25jZSI6MX0.".to_owned()),
    ];
    prop::collection::vec((name, value), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Malformed callbacks, fragments, form_post bodies and token requests never panic a
    /// session, and its flows stay bounded.
    #[test]
    fn sign_in_flows_never_panic(
        steps in prop::collection::vec(
            (0usize..6, flow_params(), flow_params(), prop::sample::select(vec![200u16, 302, 303, 400, 401, 0])),
            1..12,
        ),
    ) {
        use authlens::diagnose::Session;
        use authlens::exchange::{Exchange, Header};
        let mut session = Session::default();
        for (shape, a, b, status) in steps {
            let (method, url, body, location) = match shape {
                0 => ("GET", format!("https://as.example/authorize?{a}"), None, Some(format!("https://app.example/cb?{b}#{b}"))),
                1 => ("GET", format!("https://app.example/cb?{a}#{b}"), None, None),
                2 => ("POST", "https://app.example/cb".to_owned(), Some(a.clone()), None),
                3 => ("POST", "https://as.example/token".to_owned(), Some(a.clone()), None),
                4 => ("POST", "https://as.example/revoke".to_owned(), Some(a.clone()), None),
                _ => ("GET", format!("https://as.example/.well-known/openid-configuration?{a}"), None, None),
            };
            let mut ex = Exchange {
                method: method.into(),
                url,
                status,
                request_body: body,
                response_body: Some(format!("{{\"issuer\":\"{}\",\"access_token\":\"{}\",\"id_token\":\"x.y.z\"}}", b.replace(['"', '\\'], ""), a.replace(['"', '\\'], ""))),
                ..Exchange::default()
            };
            if let Some(l) = location {
                ex.response_headers.push(Header { name: "Location".into(), value: l });
            }
            let _ = session.diagnose(&ex);
        }
        prop_assert!(session.flows().flows().count() <= authlens::flow::MAX_FLOWS);
        for flow in session.flows().flows() {
            prop_assert!(flow.steps.len() <= authlens::flow::MAX_STEPS);
            let shown = serde_json::to_string(flow).unwrap();
            prop_assert!(!shown.is_empty());
        }
    }
}
