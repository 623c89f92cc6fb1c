//! The session's earlier exchanges, as the detectors ask for them.
//!
//! A detector compares the failing request with a few of the exchanges before it: the
//! same request failing again (a retry storm), an earlier success with the same token,
//! the logins and token-endpoint answers, the responses that set cookies. A session holds
//! up to its capacity (500 by default, the panel's), and scanning all of it for every
//! failure was the largest part of the pattern detectors' time (issue #17). The
//! [`Session`](super::Session) therefore keeps an [`Index`] of its summaries by request,
//! by token and by kind, and [`History`] hands each detector only its candidates.
//!
//! The answers are exact, not approximate: a request or token key is a fingerprint, so the
//! index gives a superset in session order, and every candidate is confirmed against the
//! same test a full scan applies. [`History::scan`] (no index) gives the same answers by
//! scanning; `tests/session_index.rs` compares the two on every recorded HAR.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::exchange::Exchange;

use super::session::{fingerprint, Summary};

/// The key of a request in the index: its method and URL.
fn request_key(method: &str, url: &str) -> u64 {
    fingerprint(url) ^ fingerprint(method).rotate_left(17)
}

/// The index's keys are fingerprints already (`session::fingerprint`, mixed like FNV-1a):
/// hashing them again with SipHash would only cost time, on every exchange.
#[derive(Debug, Default, Clone, Copy)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ByKey = HashMap<u64, VecDeque<u64>, BuildHasherDefault<Prehashed>>;

/// Positions (sequence numbers) of a session's summaries, by what the detectors look for.
/// Every list is in session order, and holds only summaries the session still keeps.
#[derive(Debug, Clone, Default)]
pub struct Index {
    by_request: ByKey,
    by_token: ByKey,
    token_requests: VecDeque<u64>,
    setting_cookies: VecDeque<u64>,
}

impl Index {
    /// Adds the summary with sequence number `seq` (the next one).
    pub fn add(&mut self, seq: u64, s: &Summary) {
        self.by_request
            .entry(request_key(&s.method, &s.url))
            .or_default()
            .push_back(seq);
        if let Some(token) = s.token {
            self.by_token.entry(token).or_default().push_back(seq);
        }
        if s.token_request.is_some() {
            self.token_requests.push_back(seq);
        }
        if !s.set_cookies.is_empty() {
            self.setting_cookies.push_back(seq);
        }
    }

    /// The URL of the latest summary of the same request as `ex`, to share with its
    /// summary: a session that repeats a request (polling, a retry storm) holds its URL
    /// once, and [`History::same_request`] then compares addresses, not bytes.
    pub fn latest_url(
        &self,
        ex: &Exchange,
        summaries: &VecDeque<Summary>,
        first: u64,
    ) -> Option<Arc<str>> {
        let seq = *self
            .by_request
            .get(&request_key(&ex.method, &ex.url))?
            .back()?;
        let latest = summaries.get(usize::try_from(seq.checked_sub(first)?).ok()?)?;
        (*latest.url == *ex.url).then(|| Arc::clone(&latest.url))
    }

    /// Removes the oldest summary, `seq`, as the session lets it go. It is the first of
    /// every list it is in.
    pub fn remove_oldest(&mut self, seq: u64, s: &Summary) {
        fn pop(map: &mut ByKey, key: u64, seq: u64) {
            if let Some(list) = map.get_mut(&key) {
                if list.front() == Some(&seq) {
                    list.pop_front();
                }
                if list.is_empty() {
                    map.remove(&key);
                }
            }
        }
        pop(&mut self.by_request, request_key(&s.method, &s.url), seq);
        if let Some(token) = s.token {
            pop(&mut self.by_token, token, seq);
        }
        for list in [&mut self.token_requests, &mut self.setting_cookies] {
            if list.front() == Some(&seq) {
                list.pop_front();
            }
        }
    }

    /// How many positions the index holds (for the tests of its bounds).
    pub fn len(&self) -> usize {
        self.by_request.values().map(VecDeque::len).sum::<usize>()
            + self.by_token.values().map(VecDeque::len).sum::<usize>()
            + self.token_requests.len()
            + self.setting_cookies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a detector asks the history for.
#[derive(Debug, Clone, Copy)]
enum Wanted<'q> {
    Request { method: &'q str, url: &'q str },
    Token(u64),
    TokenRequests,
    SettingCookies,
}

impl Wanted<'_> {
    fn matches(&self, s: &Summary) -> bool {
        match *self {
            Wanted::Request { method, url } => *s.url == *url && s.method == method,
            Wanted::Token(token) => s.token == Some(token),
            Wanted::TokenRequests => s.token_request.is_some(),
            Wanted::SettingCookies => !s.set_cookies.is_empty(),
        }
    }
}

/// A session's earlier exchanges, oldest first, with its index when it has one.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    summaries: &'a [Summary],
    index: Option<&'a Index>,
    /// The sequence number of `summaries[0]`.
    first: u64,
}

impl<'a> History<'a> {
    /// Summaries without an index: every question is answered by a scan.
    pub fn scan(summaries: &'a [Summary]) -> Self {
        History {
            summaries,
            index: None,
            first: 0,
        }
    }

    /// Summaries with their index; `first` is the sequence number of `summaries[0]`.
    pub fn indexed(summaries: &'a [Summary], index: &'a Index, first: u64) -> Self {
        History {
            summaries,
            index: Some(index),
            first,
        }
    }

    pub fn all(&self) -> &'a [Summary] {
        self.summaries
    }

    /// The exchange just before this one.
    pub fn last(&self) -> Option<&'a Summary> {
        self.summaries.last()
    }

    /// Earlier exchanges of the same method and URL.
    pub fn same_request<'q>(&self, method: &'q str, url: &'q str) -> Picks<'a, 'q> {
        self.pick(Wanted::Request { method, url })
    }

    /// Earlier exchanges that sent the token with this fingerprint.
    pub fn with_token(&self, token: u64) -> Picks<'a, 'static> {
        self.pick(Wanted::Token(token))
    }

    /// Earlier logins and token-endpoint requests.
    pub fn token_requests(&self) -> Picks<'a, 'static> {
        self.pick(Wanted::TokenRequests)
    }

    /// Earlier responses that set (or deleted) cookies.
    pub fn setting_cookies(&self) -> Picks<'a, 'static> {
        self.pick(Wanted::SettingCookies)
    }

    fn pick<'q>(&self, wanted: Wanted<'q>) -> Picks<'a, 'q> {
        let list = self.index.and_then(|index| match wanted {
            Wanted::Request { method, url } => index.by_request.get(&request_key(method, url)),
            Wanted::Token(token) => index.by_token.get(&token),
            Wanted::TokenRequests => Some(&index.token_requests),
            Wanted::SettingCookies => Some(&index.setting_cookies),
        });
        let source = match (self.index, list) {
            (Some(_), Some(list)) => Source::Indexed(list.iter()),
            // Indexed, and nothing under that key.
            (Some(_), None) => Source::Indexed(EMPTY.iter()),
            (None, _) => Source::Scan(self.summaries.iter()),
        };
        Picks {
            source,
            summaries: self.summaries,
            first: self.first,
            wanted,
            matched_url: None,
        }
    }
}

static EMPTY: VecDeque<u64> = VecDeque::new();

#[derive(Debug, Clone)]
enum Source<'a> {
    Indexed(std::collections::vec_deque::Iter<'a, u64>),
    Scan(std::slice::Iter<'a, Summary>),
}

/// The summaries a detector asked for, oldest first (`.rev()` for the latest first).
#[derive(Debug, Clone)]
pub struct Picks<'a, 'q> {
    source: Source<'a>,
    summaries: &'a [Summary],
    first: u64,
    wanted: Wanted<'q>,
    /// The URL of a summary already found to be the wanted request's: summaries that
    /// share it (the same allocation) match without comparing its bytes again.
    matched_url: Option<&'a Arc<str>>,
}

impl<'a> Picks<'a, '_> {
    fn at(&self, seq: u64) -> Option<&'a Summary> {
        let position = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.summaries.get(position)
    }

    fn matches(&mut self, s: &'a Summary) -> bool {
        if let (Wanted::Request { method, .. }, Some(url)) = (self.wanted, self.matched_url) {
            if Arc::ptr_eq(url, &s.url) {
                return s.method == method;
            }
        }
        let found = self.wanted.matches(s);
        if found && matches!(self.wanted, Wanted::Request { .. }) {
            self.matched_url = Some(&s.url);
        }
        found
    }
}

impl<'a> Picks<'a, '_> {
    /// The next wanted summary from the front, or from the back.
    fn step(&mut self, from_back: bool) -> Option<&'a Summary> {
        loop {
            let candidate = match &mut self.source {
                Source::Indexed(seqs) => {
                    let seq = *if from_back {
                        seqs.next_back()
                    } else {
                        seqs.next()
                    }?;
                    // A position the slice does not hold (the index is ahead of the
                    // summaries given) is skipped, never a panic.
                    match self.at(seq) {
                        Some(s) => s,
                        None => continue,
                    }
                }
                Source::Scan(iter) => {
                    if from_back {
                        iter.next_back()
                    } else {
                        iter.next()
                    }?
                }
            };
            if self.matches(candidate) {
                return Some(candidate);
            }
        }
    }
}

impl<'a> Iterator for Picks<'a, '_> {
    type Item = &'a Summary;
    fn next(&mut self) -> Option<&'a Summary> {
        self.step(false)
    }
}

impl<'a> DoubleEndedIterator for Picks<'a, '_> {
    fn next_back(&mut self) -> Option<&'a Summary> {
        self.step(true)
    }
}
