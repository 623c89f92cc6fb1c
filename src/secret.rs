//! How secrets look when AuthLens shows them: masked, unless the user asks.
//!
//! Passwords, tokens, cookie values and signatures are secrets. Every surface (CLI, panel,
//! popup, www page, exports) shows them through [`mask`] by default, and only an explicit
//! "reveal" shows them in full. A masked value keeps nothing of the secret but its length
//! and, for long values, a four-character prefix: enough to tell two tokens apart or to
//! recognise a format (`eyJh…` is a JWT, `ghp_…` a GitHub token), far too little to use.
//! Passwords keep nothing at all.

/// What a password looks like when masked.
pub const MASKED_PASSWORD: &str = "***";

/// Values shorter than this are masked entirely: a prefix would be most of them.
const PREFIX_FROM: usize = 16;
const PREFIX_CHARS: usize = 4;

/// A masked form of `secret`: a short prefix (for long values) and the length.
pub fn mask(secret: &str) -> String {
    let len = secret.len();
    if len == 0 {
        return String::new();
    }
    if len < PREFIX_FROM {
        return format!("…({len} bytes)");
    }
    let prefix: String = secret.chars().take(PREFIX_CHARS).collect();
    format!("{prefix}…({len} bytes)")
}

/// `mask(secret)`, or the secret itself when the user asked to reveal it.
pub fn show(secret: &str, reveal: bool) -> String {
    if reveal {
        secret.to_owned()
    } else {
        mask(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_length_and_at_most_a_short_prefix() {
        assert_eq!(mask(""), "");
        assert_eq!(mask("hunter2"), "…(7 bytes)");
        let token = "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl";
        assert_eq!(mask(token), "eyJh…(37 bytes)");
        assert!(!mask(token).contains("c2ln"));
        assert_eq!(mask("ééééééééé"), "éééé…(18 bytes)");
        assert_eq!(show("x", true), "x");
    }
}
