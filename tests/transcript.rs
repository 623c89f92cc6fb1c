//! Property tests for the transcript reader (src/transcript.rs): whatever is pasted, it
//! returns (never panics), every problem points inside the text on a character boundary,
//! the problems stay bounded, and the exchange it builds can be diagnosed.

use authlens::annotate::annotate;
use authlens::problem::MAX_PROBLEMS;
use authlens::transcript;
use proptest::prelude::*;

/// Text that looks like a terminal transcript: mostly its own pieces, some noise.
fn transcriptish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::sample::select(vec![
                "> ", "< ", "* ", "{ ", ">", "<", "\n", "\r\n", " ", "\t", ":", "'", "\"", "\\",
                "GET /x HTTP/1.1", "HTTP/1.1 401 Unauthorized", "HTTP/2 401 ", "HTTP/1.1 100 Continue",
                "Host: h.example", "Authorization: Bearer eyJhbGciOiJub25lIn0.e30.",
                "WWW-Authenticate: Bearer realm=\"a\", error=\"invalid_token\"",
                "Date: Mon, 23 Nov 2026 12:00:00 GMT", "curl -i -H 'Authorization: Basic Zm9v' https://a.example/",
                "-u", "a:b", "é", "\u{200b}", "port 443", "{\"detail\":\"expired\"}",
            ]).prop_map(str::to_owned),
            1 => any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn transcripts_never_panic_and_point_inside(input in transcriptish()) {
        let t = transcript::parse(&input, Some(1_795_435_200_000));
        prop_assert!(t.problems.len() <= MAX_PROBLEMS + 1);
        for p in &t.problems {
            prop_assert!(p.offset <= input.len(), "offset {} past the end of {:?}", p.offset, input);
            prop_assert!(input.is_char_boundary(p.offset), "offset {} splits a character of {:?}", p.offset, input);
        }
        // Nothing read means an error says so.
        if !t.has_request && !t.has_response {
            prop_assert!(t.problems.iter().any(|p| p.is_error()));
        }
        let _ = annotate(&t.exchange);
    }
}

#[test]
fn an_expired_token_in_a_verbose_transcript_is_diagnosed_as_the_panel_would() {
    // {"alg":"RS256","typ":"JWT"} . {"sub":"u","exp":1795431600} (an hour before Date)
    let token =
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1IiwiZXhwIjoxNzk1NDMxNjAwfQ.c2lnbmF0dXJl";
    let text = format!(
        "> GET /v1/me HTTP/1.1\n> Host: api.example\n> Authorization: Bearer {token}\n>\n\
         < HTTP/1.1 401 Unauthorized\n< Date: Mon, 23 Nov 2026 12:00:00 GMT\n\
         < WWW-Authenticate: Bearer error=\"invalid_token\"\n<\n"
    );
    let t = transcript::parse(&text, None);
    let annotation = annotate(&t.exchange);
    assert_eq!(
        annotation.findings.first().map(|f| f.code),
        Some("token.expired")
    );
}
