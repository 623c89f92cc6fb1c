//! The one table of known token prefixes (docs/security.md points here).
//!
//! A token that starts with one of these, followed by at least `min_tail` characters of
//! its alphabet, is a secret wherever it appears, whatever its field or header is called.
//! Each row names where the shape is documented. Publishable keys (Stripe `pk_`) and
//! account identifiers (Twilio `AC…`) are not listed: they are not secrets.

/// The characters allowed after a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// `[A-Za-z0-9_-]`, and `.` `/` `+` `=` inside (base64 and dotted tokens).
    Token,
    /// `[A-Za-z0-9]`.
    Alnum,
    /// `[A-Z0-9]` (AWS key ids).
    Upper,
    /// `[0-9a-fA-F]`.
    Hex,
}

/// One known token shape.
#[derive(Debug, Clone, Copy)]
pub struct Prefix {
    pub prefix: &'static str,
    pub min_tail: usize,
    pub tail: Tail,
    /// Who issues it, and where its format is documented.
    pub source: &'static str,
}

const fn p(prefix: &'static str, min_tail: usize, tail: Tail, source: &'static str) -> Prefix {
    Prefix {
        prefix,
        min_tail,
        tail,
        source,
    }
}

/// Longer prefixes first where one is a prefix of another (`sk_live_` before `sk-`).
pub const PREFIXES: &[Prefix] = &[
    // GitHub, "Behind GitHub's new authentication token formats" (2021).
    p("github_pat_", 22, Tail::Token, "GitHub fine-grained PAT"),
    p("ghp_", 30, Tail::Token, "GitHub classic PAT"),
    p("gho_", 30, Tail::Token, "GitHub OAuth access token"),
    p("ghu_", 30, Tail::Token, "GitHub user-to-server token"),
    p("ghs_", 30, Tail::Token, "GitHub server-to-server token"),
    p("ghr_", 30, Tail::Token, "GitHub refresh token"),
    // GitLab, "Token prefixes" (docs.gitlab.com/ee/security/tokens).
    p("glpat-", 20, Tail::Token, "GitLab personal access token"),
    p("gloas-", 20, Tail::Token, "GitLab OAuth application secret"),
    p("gldt-", 20, Tail::Token, "GitLab deploy token"),
    p("glrt-", 20, Tail::Token, "GitLab runner token"),
    p("glptt-", 20, Tail::Token, "GitLab pipeline trigger token"),
    p("glcbt-", 20, Tail::Token, "GitLab CI build token"),
    // Slack, "Token types" (api.slack.com/authentication/token-types).
    p("xoxb-", 10, Tail::Token, "Slack bot token"),
    p("xoxp-", 10, Tail::Token, "Slack user token"),
    p("xoxa-", 10, Tail::Token, "Slack app token (legacy)"),
    p("xoxr-", 10, Tail::Token, "Slack refresh token"),
    p("xoxs-", 10, Tail::Token, "Slack session token"),
    p("xoxe.", 10, Tail::Token, "Slack rotating token"),
    p("xoxe-", 10, Tail::Token, "Slack rotating refresh token"),
    p("xoxc-", 10, Tail::Token, "Slack client (browser) token"),
    p("xoxd-", 10, Tail::Token, "Slack d cookie value"),
    p("xapp-", 10, Tail::Token, "Slack app-level token"),
    // Stripe, "API keys" (docs.stripe.com/keys).
    p("sk_live_", 16, Tail::Token, "Stripe secret key"),
    p("sk_test_", 16, Tail::Token, "Stripe test secret key"),
    p("rk_live_", 16, Tail::Token, "Stripe restricted key"),
    p("rk_test_", 16, Tail::Token, "Stripe test restricted key"),
    p("whsec_", 16, Tail::Token, "Stripe webhook signing secret"),
    // AWS, "IAM identifiers: unique ID prefixes": access key ids are exactly 20 characters.
    p("AKIA", 16, Tail::Upper, "AWS access key id"),
    p("ASIA", 16, Tail::Upper, "AWS temporary access key id"),
    // Google, "API keys" and OAuth 2.0 access and refresh tokens.
    p("AIza", 30, Tail::Token, "Google API key"),
    p("ya29.", 20, Tail::Token, "Google OAuth access token"),
    p("1//0", 20, Tail::Token, "Google OAuth refresh token"),
    p("GOCSPX-", 20, Tail::Token, "Google OAuth client secret"),
    // Package registries.
    p("npm_", 30, Tail::Token, "npm access token"),
    p("pypi-", 40, Tail::Token, "PyPI API token (macaroon)"),
    p("rubygems_", 30, Tail::Token, "RubyGems API key"),
    p("dckr_pat_", 20, Tail::Token, "Docker Hub PAT"),
    // AI and developer platforms.
    p("sk-ant-", 20, Tail::Token, "Anthropic API key"),
    p("sk-proj-", 20, Tail::Token, "OpenAI project key"),
    p("sk-", 20, Tail::Token, "OpenAI API key"),
    p("hf_", 30, Tail::Token, "Hugging Face token"),
    p("gsk_", 30, Tail::Token, "Groq API key"),
    p("r8_", 30, Tail::Token, "Replicate API token"),
    p("xai-", 30, Tail::Token, "xAI API key"),
    // Messaging and e-mail.
    p("SG.", 20, Tail::Token, "SendGrid API key"),
    p("xkeysib-", 30, Tail::Token, "Brevo (Sendinblue) API key"),
    p("key-", 32, Tail::Alnum, "Mailgun API key"),
    // Commerce and payments.
    p("shpat_", 32, Tail::Hex, "Shopify admin API access token"),
    p("shpca_", 32, Tail::Hex, "Shopify custom app token"),
    p("shppa_", 32, Tail::Hex, "Shopify private app token"),
    p("shpss_", 32, Tail::Hex, "Shopify shared secret"),
    p("sq0atp-", 20, Tail::Token, "Square access token"),
    p("sq0csp-", 20, Tail::Token, "Square OAuth secret"),
    p("EAAA", 40, Tail::Alnum, "Square production access token"),
    // Meta: user and page access tokens start with EAA (developers.facebook.com).
    p("EAA", 40, Tail::Alnum, "Facebook access token"),
    // Hosting and infrastructure.
    p("dop_v1_", 40, Tail::Hex, "DigitalOcean PAT"),
    p("doo_v1_", 40, Tail::Hex, "DigitalOcean OAuth token"),
    p("dor_v1_", 40, Tail::Hex, "DigitalOcean refresh token"),
    p("hvs.", 20, Tail::Token, "HashiCorp Vault service token"),
    p("hvb.", 20, Tail::Token, "HashiCorp Vault batch token"),
    p("nfp_", 30, Tail::Token, "Netlify PAT"),
    p("sbp_", 30, Tail::Token, "Supabase access token"),
    p("pscale_tkn_", 30, Tail::Token, "PlanetScale token"),
    p("dapi", 32, Tail::Hex, "Databricks token"),
    p("AKCp", 60, Tail::Alnum, "JFrog API key"),
    // Collaboration tools.
    p("ATATT", 60, Tail::Token, "Atlassian API token"),
    p("lin_api_", 30, Tail::Token, "Linear API key"),
    p("ntn_", 30, Tail::Token, "Notion integration token"),
    p(
        "secret_",
        40,
        Tail::Alnum,
        "Notion integration token (legacy)",
    ),
    p("figd_", 30, Tail::Token, "Figma PAT"),
    p("sntrys_", 30, Tail::Token, "Sentry auth token"),
    p("sl.", 60, Tail::Token, "Dropbox short-lived token"),
];

fn in_tail(tail: Tail, b: u8) -> bool {
    match tail {
        Tail::Token => {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'+' | b'=')
        }
        Tail::Alnum => b.is_ascii_alphanumeric(),
        Tail::Upper => b.is_ascii_uppercase() || b.is_ascii_digit(),
        Tail::Hex => b.is_ascii_hexdigit(),
    }
}

/// The known prefix `run` starts with, when the rest of it has that token's shape.
pub fn known(run: &str) -> Option<&'static Prefix> {
    let bytes = run.as_bytes();
    // Called for every run of every string: compare the first byte before the rest.
    let first = *bytes.first()?;
    PREFIXES.iter().find(|p| {
        p.prefix.as_bytes().first() == Some(&first)
            && bytes.len() >= p.prefix.len() + p.min_tail
            && bytes.starts_with(p.prefix.as_bytes())
            && bytes
                .get(p.prefix.len()..p.prefix.len() + p.min_tail)
                .is_some_and(|t| t.iter().all(|&b| in_tail(p.tail, b)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised_and_words_are_not() {
        assert!(known("ghp_16C7e42F292c6912E7710c838347Ae178B4a").is_some());
        assert!(known("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(known("sk_live_4eC39HqLyjWDarjtT1zdp7dc").is_some());
        assert!(known("xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy").is_some());
        for word in [
            "sk-",
            "key-value",
            "EAAB",
            "secret_santa",
            "AKIA",
            "sl.tooshort",
        ] {
            assert!(known(word).is_none(), "{word}");
        }
        assert!(
            known("AKIAiosfodnn7example").is_none(),
            "AWS ids are upper case"
        );
    }
}
