//! Hostile answers and a slow one, for the fault and hostile-page tests (issue #17, items
//! 4 and 5). Everything here is what a malicious or broken server could send: markup and
//! script in headers and bodies, `javascript:` URLs, control characters, bidi overrides and
//! very large values. The extension, the panel and the self-help page must show all of it
//! as text and run none of it (docs/security.md, "Hostile pages").
//!
//! Kept apart from the scenarios (`scenarios.rs`): these are not failure modes to diagnose
//! but inputs to survive, and they are driven from their own page (`/hostile/`).

use std::time::Duration;

use serde_json::json;

use super::scenarios::Reply;

const PAGE_HTML: &str = include_str!("hostile.html");
const PAGE_JS: &str = include_str!("hostile.js");

/// Every payload sets `window.__pwned` (or opens a dialog): the tests assert neither ever
/// happens, in the lab page or in any extension page.
const MARKUP: &str = "<img src=x onerror=\"window.__pwned=1;alert(1)\"><script>window.__pwned=2</script><svg onload=window.__pwned=3></svg><a href=\"javascript:window.__pwned=4\">click</a>";
/// RIGHT-TO-LEFT OVERRIDE, and an isolate left open (Unicode UAX #9): shown as text, they
/// can reorder what follows them on screen ("evil.example\u{202e}moc.elgoog").
const BIDI: &str = "evil.example\u{202e}moc.elgoog\u{2067}";
/// ASCII control characters, which RFC 9110 §5.5 forbids in a field value: BEL, ESC with
/// a terminal colour, backspace, vertical tab, DEL (in bodies and token claims).
const CONTROL: &str = "\u{7}\u{1b}[31mred\u{1b}[0m\u{8}\u{b}\u{7f}";

/// The longest wait `/slow` accepts, so that a typo cannot hang the lab.
const MAX_SLOW_MS: u64 = 10_000;

/// `/hostile/...` and `/slow`. `None`: not one of them.
pub fn route(path: &str, query: &str) -> Option<Reply> {
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse::<u64>().ok())
    };
    let reply = match path {
        "/hostile/" => Reply::page(200, "text/html; charset=utf-8", PAGE_HTML),
        "/hostile/hostile.js" => Reply::page(200, "text/javascript; charset=utf-8", PAGE_JS),
        // Markup, script and javascript: URLs in every challenge parameter, a cookie and a
        // Link; the body repeats them with a bidi override.
        "/hostile/markup" => {
            let attr = MARKUP.replace('"', "'");
            Reply::json(
                401,
                &json!({"error": "invalid_token", "error_description": format!("{MARKUP} {BIDI}"), "detail": MARKUP}),
            )
            .with(
                "WWW-Authenticate",
                &format!("Bearer realm=\"{attr}\", error=\"invalid_token\", error_description=\"{attr}\", scope=\"javascript:window.__pwned=5\", resource_metadata=\"javascript:window.__pwned=6\""),
            )
            .with("Set-Cookie", "lab_hostile=<svg/onload=window.__pwned=7>; Path=/hostile/")
            .with("Link", "<javascript:window.__pwned=8>; rel=\"help\"")
        }
        // Control characters and a bidi override in the body and in the realm's place: the
        // lab's server writes visible ASCII header values only (hyper's
        // `HeaderValue::from_str`), so they cannot travel in a header from here.
        "/hostile/control" => Reply::json(
            401,
            &json!({"error": "invalid_token", "error_description": format!("{CONTROL} {BIDI}"), "realm": format!("ctl{CONTROL}")}),
        )
        .with(
            "WWW-Authenticate",
            "Bearer realm=\"ctl\\x07\\x1b[31m\", error=\"invalid_token\"",
        ),
        // A wide challenge (`kb` KB, default 200): one unbroken word, to test the layout.
        // Browsers refuse response headers much larger than this: Chromium past 256 KB in
        // all (net::ERR_RESPONSE_HEADERS_TOO_BIG), Firefox past
        // `network.http.max_response_header_size` (384 KB).
        "/hostile/wide" => {
            let kb = param("kb").unwrap_or(200).min(4096) as usize;
            let word = "W".repeat(kb * 1024);
            Reply::json(401, &json!({"error": "invalid_token"})).with(
                "WWW-Authenticate",
                &format!("Bearer realm=\"{word}\", error=\"invalid_token\""),
            )
        }
        // A 1 MB error body, markup and bidi included.
        "/hostile/huge-body" => Reply::json(
            401,
            &json!({"error": "invalid_token", "error_description": format!("{MARKUP}{BIDI}{}", "x".repeat(1 << 20))}),
        )
        .with("WWW-Authenticate", "Bearer error=\"invalid_token\""),
        // Answers after `ms` milliseconds (default 3000): a request still in flight when
        // its tab is closed or navigated (served on the lab's blocking pool: the others go
        // on meanwhile).
        "/slow" => {
            let ms = param("ms").unwrap_or(3000).min(MAX_SLOW_MS);
            std::thread::sleep(Duration::from_millis(ms));
            Reply::json(401, &json!({"error": "invalid_token", "slowMs": ms})).with(
                "WWW-Authenticate",
                "Bearer realm=\"authlens-lab\", error=\"invalid_token\"",
            )
        }
        _ => return None,
    };
    Some(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
        reply
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    #[test]
    fn hostile_answers_are_what_they_say() {
        let markup = route("/hostile/markup", "").expect("a route");
        assert_eq!(markup.status, 401);
        assert!(header(&markup, "WWW-Authenticate").contains("javascript:"));
        // The server writes visible ASCII header values only (HeaderValue::from_str).
        for reply in [&markup, &route("/hostile/control", "").expect("a route")] {
            assert!(reply
                .headers
                .iter()
                .all(|(_, v)| v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b))));
        }
        assert!(String::from_utf8_lossy(&markup.body).contains('\u{202e}'));
        let wide = route("/hostile/wide", "kb=3").expect("a route");
        assert!(header(&wide, "WWW-Authenticate").len() > 3 * 1024);
        assert!(route("/hostile/huge-body", "").expect("a route").body.len() > 1 << 20);
        let slow = route("/slow", "ms=0").expect("a route");
        assert_eq!(slow.status, 401);
        assert!(route("/hostile/nothing", "").is_none());
    }
}
