//! Differential test: on well-formed `Set-Cookie` values our positioned parser and the
//! `cookie` crate (the ecosystem's reference parser, used here only) agree on every
//! field both model.

use std::time::{Duration, UNIX_EPOCH};

use authlens::cookie::{parse_set_cookie, SameSite};
use proptest::prelude::*;

fn set_cookie() -> impl Strategy<Value = String> {
    let name = "[A-Za-z][A-Za-z0-9_-]{0,10}";
    let value = prop_oneof![
        "[A-Za-z0-9!#$%&'()*+./:<>?@^_`{|}~-]{0,20}",
        // A quoted value: both parsers keep the quotes, as browsers do.
        "\"[A-Za-z0-9!#$%&'()*+./:<>?@^_`{|}~-]{0,20}\"",
    ];
    let attribute = prop_oneof![
        "/[a-z]{0,6}".prop_map(|p| format!("Path={p}")),
        // A leading dot is dropped by both (RFC 6265 §5.2.3).
        "\\.?[a-z]{1,8}\\.(com|org)".prop_map(|d| format!("Domain={d}")),
        (0i64..100_000).prop_map(|n| format!("Max-Age={n}")),
        // Every instant from 1970 to 9999, in IMF-fixdate.
        (0u64..253_402_300_800).prop_map(|secs| {
            let time = UNIX_EPOCH + Duration::from_secs(secs);
            format!("Expires={}", httpdate::fmt_http_date(time))
        }),
        Just("Secure".to_owned()),
        Just("HttpOnly".to_owned()),
        Just("Partitioned".to_owned()),
        prop::sample::select(vec!["Lax", "Strict", "None"]).prop_map(|s| format!("SameSite={s}")),
    ];
    (name, value, prop::collection::vec(attribute, 0..6)).prop_map(|(n, v, attrs)| {
        let mut out = format!("{n}={v}");
        for a in attrs {
            out.push_str("; ");
            out.push_str(&a);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn agrees_with_the_cookie_crate(input in set_cookie()) {
        let ours = parse_set_cookie(&input);
        let theirs = cookie::Cookie::parse(input.as_str()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(ours.name, theirs.name());
        prop_assert_eq!(ours.value, theirs.value());
        prop_assert_eq!(ours.path, theirs.path());
        prop_assert_eq!(ours.domain.as_deref(), theirs.domain());
        prop_assert_eq!(ours.max_age, theirs.max_age().map(|d| d.whole_seconds()));
        prop_assert_eq!(ours.secure, theirs.secure().unwrap_or(false));
        prop_assert_eq!(ours.http_only, theirs.http_only().unwrap_or(false));
        prop_assert_eq!(ours.partitioned, theirs.partitioned().unwrap_or(false));
        prop_assert_eq!(ours.expires, theirs.expires_datetime().map(|t| t.unix_timestamp()));
        prop_assert!(ours.other_attributes.is_empty());
        // Well-formed input: the only problems are the browsers' refusals (SameSite=None
        // or Partitioned without Secure), which the `cookie` crate does not model.
        prop_assert!(
            ours.problems.iter().all(|p| p.message.contains("refuse")),
            "{:?}", ours.problems
        );
        let same_site = theirs.same_site().map(|s| match s {
            cookie::SameSite::Strict => SameSite::Strict,
            cookie::SameSite::Lax => SameSite::Lax,
            cookie::SameSite::None => SameSite::None,
        });
        prop_assert_eq!(ours.same_site, same_site);
    }
}

/// An Expires date both parsers read must give the same instant.
#[test]
fn agrees_on_expires_dates() {
    for date in [
        "Wed, 09 Jun 2021 10:18:14 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let input = format!("a=b; Expires={date}");
        let ours = parse_set_cookie(&input).expires;
        let theirs = cookie::Cookie::parse(input.as_str())
            .ok()
            .and_then(|c| c.expires_datetime())
            .map(|t| t.unix_timestamp());
        assert_eq!(ours, theirs, "{date}");
    }
}
