//! Typed views of the challenges of well-known schemes.
//!
//! [`crate::challenge`] parses the generic grammar; this module knows what each scheme's
//! parameters mean, checks them against the scheme's own specification, and reports what
//! is wrong with the challenge's position:
//! - Basic: RFC 7617 §2 (`realm` required, `charset` may only be `UTF-8`);
//! - Bearer: RFC 6750 §3 (`realm`, `scope`, `error`, `error_description`, `error_uri`, all
//!   quoted-strings), RFC 9728 §5.1 `resource_metadata`, RFC 9470 §3 step-up `acr_values`
//!   and `max_age`, and Microsoft Entra's `insufficient_claims` with a base64 `claims`
//!   value, which is decoded; Entra's `authorization_uri` is kept too;
//! - Digest: RFC 7616 §3.3 (`realm`, `domain`, `nonce`, `opaque`, `stale`, `algorithm`,
//!   `qop`, `charset`, `userhash`);
//! - DPoP: RFC 9449 §7.1 (`algs`, `error`, including `use_dpop_nonce`);
//! - Negotiate (RFC 4559 §4) and NTLM: an optional token68;
//! - anything else: kept generically, as parsed.
//!
//! # Implementation notes: deliberate deviations
//! - **Unquoted Bearer values** are accepted and reported: RFC 6750 §3 requires
//!   quoted-strings, but browsers and most clients read tokens too.
//! - **Unknown values** (`stale=maybe`, an unknown Digest `algorithm`) are reported and
//!   kept as written, never dropped.
//!
//! # Severity
//! The generic grammar held (or [`crate::challenge`] reported it), so most problems here
//! are *warnings*: the parameter was read as written, and the scheme's specification
//! requires or advises otherwise (a missing `realm` or `nonce`, a charset other than
//! UTF-8, an unquoted Bearer value, an unregistered error code or algorithm). They are
//! *errors* only when a value cannot be read by its own grammar and is dropped or
//! replaced: a `max_age` that is not a number, an Entra `claims` that is not base64 JSON,
//! a `stale`/`userhash` that is neither true nor false, a token68 where Bearer takes
//! auth-params.

use serde::Serialize;
use serde_json::Value;

use crate::challenge::Challenge;
use crate::encoding::{decode, Base64};
use crate::problem::{Problem, Problems};

/// What a challenge means, by scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SchemeView {
    Basic(BasicChallenge),
    Bearer(BearerChallenge),
    Digest(DigestChallenge),
    Dpop(DpopChallenge),
    Negotiate(ContextToken),
    Ntlm(ContextToken),
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BasicChallenge {
    pub realm: Option<String>,
    pub charset: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BearerChallenge {
    pub realm: Option<String>,
    /// Space-separated scope tokens (RFC 6749 §3.3).
    pub scope: Vec<String>,
    /// `invalid_request`, `invalid_token`, `insufficient_scope` (RFC 6750 §3.1),
    /// `insufficient_user_authentication` (RFC 9470 §3), `insufficient_claims` (Entra), …
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub error_uri: Option<String>,
    /// RFC 9728 §5.1: where the protected resource's metadata lives.
    pub resource_metadata: Option<String>,
    /// RFC 9470 §3: the authentication context classes the resource requires.
    pub acr_values: Vec<String>,
    /// RFC 9470 §3: the maximum authentication age, in seconds.
    pub max_age: Option<u64>,
    /// Entra's `claims` challenge, decoded from base64 to JSON.
    pub claims: Option<Value>,
    /// Entra's (Azure AD's) `authorization_uri`: where to sign in.
    pub authorization_uri: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestChallenge {
    pub realm: Option<String>,
    /// Space-separated URIs of the protection space.
    pub domain: Vec<String>,
    pub nonce: Option<String>,
    pub opaque: Option<String>,
    /// The nonce was stale: retry with the new one, the password was fine (§3.3).
    pub stale: bool,
    /// `MD5` when absent (§3.3).
    pub algorithm: String,
    pub qop: Vec<String>,
    pub charset: Option<String>,
    pub userhash: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DpopChallenge {
    pub realm: Option<String>,
    /// Space-separated JWS algorithms the server accepts for proofs.
    pub algs: Vec<String>,
    /// `invalid_dpop_proof`, `use_dpop_nonce` (RFC 9449 §7.1, §8), or a Bearer error.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Negotiate / NTLM: the server's continuation token, when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContextToken {
    pub token: Option<String>,
}

/// A typed view of one challenge, with the problems specific to its scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Typed {
    pub view: SchemeView,
    pub problems: Vec<Problem>,
}

const DIGEST_ALGORITHMS: &[&str] = &[
    "MD5",
    "MD5-sess",
    "SHA-256",
    "SHA-256-sess",
    "SHA-512-256",
    "SHA-512-256-sess",
];

/// Reads a challenge by its scheme. Problems point at the parameter they are about (or,
/// for a missing one, at the scheme), in the challenge's field line.
pub fn view(challenge: &Challenge<'_>) -> Typed {
    let mut problems = Problems::default();
    problems.set_field(Some(challenge.field));
    let at = challenge.offset;
    let get = |name: &str| challenge.param(name).map(str::to_owned);
    let view = if challenge.is("Basic") {
        let view = BasicChallenge {
            realm: get("realm"),
            charset: get("charset"),
        };
        // Warnings: read as written; RFC 7617 §2 requires realm, and §2.1 allows
        // only "UTF-8" as the charset.
        if view.realm.is_none() {
            problems.warning(
                at,
                "Basic challenge without realm, which RFC 7617 §2 requires",
            );
        }
        if view
            .charset
            .as_deref()
            .is_some_and(|c| !c.eq_ignore_ascii_case("UTF-8"))
        {
            problems.warning(
                challenge.param_offset("charset"),
                "Basic charset can only be \"UTF-8\" (RFC 7617 §2.1)",
            );
        }
        SchemeView::Basic(view)
    } else if challenge.is("Bearer") {
        SchemeView::Bearer(bearer(challenge, at, &mut problems))
    } else if challenge.is("Digest") {
        SchemeView::Digest(digest(challenge, at, &mut problems))
    } else if challenge.is("DPoP") {
        SchemeView::Dpop(dpop(challenge, &mut problems))
    } else if challenge.is("Negotiate") {
        SchemeView::Negotiate(ContextToken {
            token: challenge.token68.map(str::to_owned),
        })
    } else if challenge.is("NTLM") {
        SchemeView::Ntlm(ContextToken {
            token: challenge.token68.map(str::to_owned),
        })
    } else {
        SchemeView::Other
    };
    Typed {
        view,
        problems: problems.into_vec(),
    }
}

fn words(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| v.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn bearer(challenge: &Challenge<'_>, at: usize, problems: &mut Problems) -> BearerChallenge {
    // RFC 6750 §3: these "MUST" be quoted-strings. A warning: a token reads the same.
    for param in &challenge.params {
        let must_quote = ["realm", "scope", "error", "error_description", "error_uri"]
            .iter()
            .any(|n| param.name.eq_ignore_ascii_case(n));
        if must_quote && !param.quoted {
            problems.warning(
                param.offset,
                "a Bearer parameter that RFC 6750 §3 requires as a quoted-string is unquoted",
            );
            break;
        }
    }
    let get = |name: &str| challenge.param(name).map(str::to_owned);
    let max_age = challenge.param("max_age").and_then(|v| {
        let parsed = v.trim().parse::<u64>().ok();
        // An error: RFC 9470 §3 makes it a number of seconds; the value is dropped.
        if parsed.is_none() {
            problems.error(
                challenge.param_offset("max_age"),
                "max_age is not a number of seconds (RFC 9470 §3)",
            );
        }
        parsed
    });
    let claims = challenge.param("claims").and_then(|encoded| {
        let mut scratch = Problems::default();
        // Entra sends standard base64; tolerate base64url and missing padding, which
        // only the strict decoder would mind.
        let bytes = decode(encoded, 0, Base64::Standard, &mut scratch)
            .or_else(|| decode(encoded, 0, Base64::UrlSafe, &mut scratch));
        let claims_at = challenge.param_offset("claims");
        // Errors: the value is dropped when it is not base64 JSON.
        let Some(bytes) = bytes else {
            problems.error(claims_at, "the claims parameter is not base64");
            return None;
        };
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(value) => Some(value),
            Err(_) => {
                problems.error(claims_at, "the claims parameter does not decode to JSON");
                None
            }
        }
    });
    let view = BearerChallenge {
        realm: get("realm"),
        scope: words(challenge.param("scope")),
        error: get("error"),
        error_description: get("error_description"),
        error_uri: get("error_uri"),
        resource_metadata: get("resource_metadata"),
        acr_values: words(challenge.param("acr_values")),
        max_age,
        claims,
        authorization_uri: get("authorization_uri"),
    };
    if let Some(error) = view.error.as_deref() {
        const KNOWN: &[&str] = &[
            "invalid_request",
            "invalid_token",
            "insufficient_scope",
            "insufficient_user_authentication",
            "insufficient_claims",
            "invalid_dpop_proof",
            "use_dpop_nonce",
        ];
        // A warning: kept as written; RFC 6750 §3.1 and its extensions define these.
        if !KNOWN.contains(&error) {
            problems.warning(
                challenge.param_offset("error"),
                "an error code not registered for Bearer (RFC 6750 §3.1, RFC 9470, RFC 9449)",
            );
        }
    }
    // An error: RFC 6750 §3's grammar is auth-params only; the token68 means nothing.
    if challenge.token68.is_some() {
        problems.error(
            at,
            "a Bearer challenge takes auth-params, not a token68 (RFC 6750 §3)",
        );
    }
    view
}

fn digest(challenge: &Challenge<'_>, at: usize, problems: &mut Problems) -> DigestChallenge {
    let get = |name: &str| challenge.param(name).map(str::to_owned);
    let flag = |name: &str, problems: &mut Problems| match challenge.param(name) {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        // An error: RFC 7616 §3.3 allows only true or false; read as false.
        Some(_) => {
            problems.error(
                challenge.param_offset(name),
                "stale and userhash take true or false (RFC 7616 §3.3)",
            );
            false
        }
    };
    let algorithm = challenge.param("algorithm").unwrap_or("MD5").to_owned();
    // A warning: kept as written (RFC 7616 §3.3's list is extensible, §6.1 registry).
    if !DIGEST_ALGORITHMS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(&algorithm))
    {
        problems.warning(
            challenge.param_offset("algorithm"),
            "an unknown Digest algorithm (RFC 7616 §3.3 knows MD5, SHA-256, SHA-512-256 and their -sess forms)",
        );
    }
    let view = DigestChallenge {
        realm: get("realm"),
        domain: words(challenge.param("domain")),
        nonce: get("nonce"),
        opaque: get("opaque"),
        stale: flag("stale", problems),
        algorithm,
        qop: challenge
            .param("qop")
            .map(|q| {
                q.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        charset: get("charset"),
        userhash: flag("userhash", problems),
    };
    // Warnings: the challenge parses, but RFC 7616 §3.3 requires realm and nonce (no
    // response can be computed without them), and allows only "UTF-8" as the charset.
    if view.realm.is_none() {
        problems.warning(at, "Digest challenge without realm (RFC 7616 §3.3)");
    }
    if view.nonce.is_none() {
        problems.warning(at, "Digest challenge without nonce (RFC 7616 §3.3)");
    }
    if view
        .charset
        .as_deref()
        .is_some_and(|c| !c.eq_ignore_ascii_case("UTF-8"))
    {
        problems.warning(
            challenge.param_offset("charset"),
            "Digest charset can only be \"UTF-8\" (RFC 7616 §3.3)",
        );
    }
    view
}

/// RFC 9449 §7.1: `algs` and `error`; a proof can only be signed with an asymmetric
/// algorithm (§4.2), so `none` or an HMAC in `algs` is a server misconfiguration.
fn dpop(challenge: &Challenge<'_>, problems: &mut Problems) -> DpopChallenge {
    let get = |name: &str| challenge.param(name).map(str::to_owned);
    let view = DpopChallenge {
        realm: get("realm"),
        algs: words(challenge.param("algs")),
        error: get("error"),
        error_description: get("error_description"),
    };
    // Warnings: read as written; RFC 9449 §4.2 and §7.1 advise otherwise.
    if view.algs.iter().any(|a| {
        a.eq_ignore_ascii_case("none") || a.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("HS"))
    }) {
        problems.warning(
            challenge.param_offset("algs"),
            "algs lists none or a symmetric (HMAC) algorithm, which a DPoP proof cannot use (RFC 9449 §4.2)",
        );
    }
    if let Some(error) = view.error.as_deref() {
        const KNOWN: &[&str] = &[
            "invalid_dpop_proof",
            "use_dpop_nonce",
            "invalid_request",
            "invalid_token",
            "insufficient_scope",
        ];
        if !KNOWN.contains(&error) {
            problems.warning(
                challenge.param_offset("error"),
                "an error code not registered for DPoP (RFC 9449 §7.1, RFC 6750 §3.1)",
            );
        }
    }
    view
}

/// One challenge with its typed reading, as the CLI prints it and the extension shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Described<'a> {
    pub scheme: &'a str,
    pub token68: Option<&'a str>,
    pub params: &'a [crate::challenge::Param<'a>],
    pub details: SchemeView,
}

/// A challenge list with every challenge's typed `details`, and the scheme-specific
/// problems added to the list's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DescribedList<'a> {
    pub challenges: Vec<Described<'a>>,
    pub problems: Vec<Problem>,
}

/// Describes a parsed challenge list (see [`DescribedList`]).
pub fn describe<'a>(list: &'a crate::challenge::ChallengeList<'a>) -> DescribedList<'a> {
    let mut problems = list.problems.clone();
    // Problems name their field line only when the input had several.
    let several_lines = list.problems.iter().any(|p| p.field.is_some())
        || list.challenges.iter().any(|c| c.field > 0);
    let challenges = list
        .challenges
        .iter()
        .map(|challenge| {
            let typed = view(challenge);
            problems.extend(typed.problems.into_iter().map(|mut p| {
                if !several_lines {
                    p.field = None;
                }
                p
            }));
            Described {
                scheme: challenge.scheme,
                token68: challenge.token68,
                params: &challenge.params,
                details: typed.view,
            }
        })
        .collect();
    problems.sort_by_key(|p| (p.field, p.offset));
    DescribedList {
        challenges,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenge::parse;

    fn typed(value: &str) -> Typed {
        let list = parse(value);
        view(&list.challenges[0])
    }

    /// RFC 6750 §3's examples.
    #[test]
    fn reads_bearer_errors() {
        let t = typed(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        );
        let SchemeView::Bearer(b) = t.view else {
            panic!("not Bearer")
        };
        assert_eq!(b.error.as_deref(), Some("invalid_token"));
        assert_eq!(b.realm.as_deref(), Some("example"));
        assert!(t.problems.is_empty());
        let t = typed("Bearer realm=example, error=invalid_token");
        assert_eq!(t.problems.len(), 1, "unquoted values are reported");
        assert_eq!(t.problems[0].offset, 7, "at the unquoted parameter");
        let t = typed(r#"Bearer realm="a", error="expired""#);
        assert_eq!(t.problems[0].offset, 18, "at the unknown error");
    }

    #[test]
    fn reads_step_up_and_resource_metadata() {
        // RFC 9470 §3's example, and RFC 9728 §5.1's.
        let t = typed(
            r#"Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR""#,
        );
        let SchemeView::Bearer(b) = t.view else {
            panic!()
        };
        assert_eq!(b.acr_values, ["myACR"]);
        let t = typed(
            r#"Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource""#,
        );
        let SchemeView::Bearer(b) = t.view else {
            panic!()
        };
        assert!(b.resource_metadata.is_some());
        let t = typed(r#"Bearer error="insufficient_user_authentication", max_age="5""#);
        let SchemeView::Bearer(b) = t.view else {
            panic!()
        };
        assert_eq!(b.max_age, Some(5));
    }

    #[test]
    fn decodes_entra_claims_challenges() {
        let t = typed(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ==""#,
        );
        let SchemeView::Bearer(b) = t.view else {
            panic!()
        };
        assert_eq!(
            b.claims,
            Some(serde_json::json!({"access_token":{"acrs":{"essential":true,"value":"cp1"}}}))
        );
        assert!(b.authorization_uri.is_some());
        assert!(t.problems.is_empty(), "{:?}", t.problems);
    }

    /// RFC 7616 §3.9.1's challenge.
    #[test]
    fn reads_digest() {
        let t = typed(
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
        );
        let SchemeView::Digest(d) = t.view else {
            panic!()
        };
        assert_eq!(d.qop, ["auth", "auth-int"]);
        assert_eq!(d.algorithm, "SHA-256");
        assert!(!d.stale);
        assert!(t.problems.is_empty());
        let t = typed(r#"Digest realm="r", nonce="n", stale=TRUE, algorithm=SHA1"#);
        let SchemeView::Digest(d) = t.view else {
            panic!()
        };
        assert!(d.stale);
        assert_eq!(t.problems.len(), 1);
        assert_eq!(t.problems[0].offset, 41, "at algorithm=SHA1");
    }

    /// RFC 9449 §7.1 and §8's examples.
    #[test]
    fn reads_dpop() {
        let t = typed(
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
        );
        let SchemeView::Dpop(d) = t.view else {
            panic!()
        };
        assert_eq!(d.error.as_deref(), Some("use_dpop_nonce"));
        let t = typed(r#"DPoP algs="ES256 PS256""#);
        let SchemeView::Dpop(d) = t.view else {
            panic!()
        };
        assert_eq!(d.algs, ["ES256", "PS256"]);
        assert!(t.problems.is_empty());
        let t = typed(r#"DPoP algs="ES256 HS256", error="bad_proof""#);
        let offsets: Vec<usize> = t.problems.iter().map(|p| p.offset).collect();
        assert_eq!(offsets, [5, 25], "algs with an HMAC, then an unknown error");
    }

    #[test]
    fn reads_negotiate_basic_and_others() {
        let t = typed("Negotiate a87421000492aa874209af8bc028");
        assert_eq!(
            t.view,
            SchemeView::Negotiate(ContextToken {
                token: Some("a87421000492aa874209af8bc028".into())
            })
        );
        let t = typed(r#"Basic realm="WallyWorld", charset="UTF-8""#);
        assert!(matches!(t.view, SchemeView::Basic(_)) && t.problems.is_empty());
        assert_eq!(typed("Basic").problems.len(), 1);
        assert_eq!(typed("Newauth realm=\"apps\"").view, SchemeView::Other);
    }
}
