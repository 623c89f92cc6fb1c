//! Everything a UI shows for one exchange: the parsed challenges, the ranked findings, and
//! the cookie model's verdict (cookies withheld, and why).

use std::collections::VecDeque;

use serde::Serialize;

use crate::challenge::{self, ChallengeList};
use crate::cookie_store::CookieNames;
use crate::diagnose::Session;
use crate::exchange::Exchange;
use crate::finding::{Finding, Likelihood};
use crate::status;

/// The annotation of one exchange, as the panel, popup and CLI render it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Annotation<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub status: u16,
    /// One of the statuses AuthLens explains (401, 403, 407, 419, 440, 498, 499).
    pub is_auth_failure: bool,
    /// The header the challenges came from (`WWW-Authenticate` or `Proxy-Authenticate`).
    pub challenge_header: &'static str,
    pub challenges: ChallengeList<'a>,
    /// Best first.
    pub findings: Vec<Finding>,
    /// This exchange answers the previous one's challenge (the same request, now with
    /// credentials of an offered scheme, and not refused): that previous 401 or 407 was
    /// the first leg of a handshake, not a failure, and a UI should drop it.
    pub resolves_previous: bool,
    /// The cookie model's verdict on the request: names and reasons, never values.
    pub cookies: CookieNames,
}

/// Parses and diagnoses one exchange.
pub fn annotate(exchange: &Exchange) -> Annotation<'_> {
    annotate_in(exchange, &mut Session::new(1))
}

/// Annotates an exchange in its session (findings that span requests), and records it.
pub fn annotate_in<'a>(exchange: &'a Exchange, session: &mut Session) -> Annotation<'a> {
    let header = status::challenge_header(exchange.status);
    let challenges = challenge::parse_lines(exchange.response_header_lines(header));
    let resolves_previous = session.answers_previous_challenge(exchange);
    let (findings, cookies) = session.observe(exchange);
    Annotation {
        resolves_previous,
        method: &exchange.method,
        url: &exchange.url,
        status: exchange.status,
        is_auth_failure: status::is_auth_failure(exchange.status),
        challenge_header: header,
        challenges,
        findings,
        cookies: cookies.names(),
    }
}

/// What a list shows of one exchange, and all the background keeps: the annotation
/// without the findings after the first one and without the cookie verdict. A UI that
/// shows one row per request needs only this; the full annotation of the one request it
/// opens comes from [`Details`] (issue #17: writing and parsing every finding's texts,
/// evidence and fixes for every entry was a third of the panel's time per entry).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Brief<'a> {
    /// The exchange's id in its session: the key for [`Details::annotation`].
    pub id: u32,
    pub method: &'a str,
    pub url: &'a str,
    pub status: u16,
    pub is_auth_failure: bool,
    pub challenge_header: &'static str,
    pub challenges: &'a ChallengeList<'a>,
    pub resolves_previous: bool,
    /// How many findings the full annotation holds.
    pub finding_count: usize,
    /// The best finding: what a row shows of it, or whole.
    pub top: Option<Top<'a>>,
}

/// A brief's best finding.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Top<'a> {
    /// What a list row shows and groups by (the panel): half of a brief's bytes were the
    /// top finding's texts, evidence and fixes, which the panel reads from the full
    /// annotation when the row is opened.
    Cause(Cause<'a>),
    /// The whole finding (the background keeps its texts and evidence in the tab's
    /// summary).
    Whole(&'a Finding),
}

/// A finding's code, likelihood and title.
#[derive(Debug, Serialize)]
pub struct Cause<'a> {
    pub code: &'static str,
    pub likelihood: Likelihood,
    pub title: &'a str,
}

impl Annotation<'_> {
    /// This annotation's [`Brief`], under the id its session gave it, with the top
    /// finding's [`Cause`].
    pub fn brief(&self, id: u32) -> Brief<'_> {
        let mut brief = self.brief_whole(id);
        brief.top = self.findings.first().map(|f| {
            Top::Cause(Cause {
                code: f.code,
                likelihood: f.likelihood,
                title: &f.title,
            })
        });
        brief
    }

    /// [`Annotation::brief`] with the top finding whole.
    pub fn brief_whole(&self, id: u32) -> Brief<'_> {
        Brief {
            id,
            method: self.method,
            url: self.url,
            status: self.status,
            is_auth_failure: self.is_auth_failure,
            challenge_header: self.challenge_header,
            challenges: &self.challenges,
            resolves_previous: self.resolves_previous,
            finding_count: self.findings.len(),
            top: self.findings.first().map(Top::Whole),
        }
    }
}

/// What an annotation holds that cannot be read again from its exchange alone: the
/// session's findings and cookie verdict at the time it was observed.
#[derive(Debug)]
struct Kept {
    findings: Vec<Finding>,
    cookies: CookieNames,
    resolves_previous: bool,
}

/// The findings and cookie verdicts of the most recent exchanges of a session, by id, so
/// that a UI can show the full annotation of the request it opens (bounded: `capacity`
/// exchanges; an exchange with neither findings nor cookies costs one empty slot).
#[derive(Debug)]
pub struct Details {
    /// The id of `kept[0]`.
    first: u32,
    kept: VecDeque<Option<Kept>>,
    capacity: usize,
}

impl Details {
    pub fn new(capacity: usize) -> Self {
        Details {
            first: 0,
            kept: VecDeque::new(),
            capacity,
        }
    }

    /// The id the next exchange gets.
    pub fn next_id(&self) -> u32 {
        self.first.wrapping_add(self.kept.len() as u32)
    }

    /// Keeps what `annotation` knows beyond its exchange, under [`Details::next_id`]
    /// (nothing when the capacity is 0: the id is used up all the same).
    pub fn keep(&mut self, annotation: Annotation<'_>) {
        if self.capacity == 0 {
            self.first = self.first.wrapping_add(1);
            return;
        }
        let cookies = annotation.cookies;
        let empty = annotation.findings.is_empty()
            && !annotation.resolves_previous
            && cookies == CookieNames::default();
        self.kept.push_back((!empty).then_some(Kept {
            findings: annotation.findings,
            cookies,
            resolves_previous: annotation.resolves_previous,
        }));
        self.trim();
    }

    fn trim(&mut self) {
        while self.kept.len() > self.capacity {
            self.kept.pop_front();
            self.first = self.first.wrapping_add(1);
        }
    }

    /// Keeps at most `capacity` exchanges from now on (the oldest go first).
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        self.trim();
    }

    /// Forgets every exchange. Ids go on from where they were, so that an id given out
    /// before never names a later exchange.
    pub fn clear(&mut self) {
        self.first = self.next_id();
        self.kept.clear();
    }

    /// The full annotation of exchange `id`, read again from that same `exchange` (the
    /// challenges) with what the session knew then (the findings, the cookie verdict), or
    /// `None` once it is no longer kept.
    pub fn annotation<'a>(&self, id: u32, exchange: &'a Exchange) -> Option<Annotation<'a>> {
        let slot = self.kept.get(id.wrapping_sub(self.first) as usize)?;
        let header = status::challenge_header(exchange.status);
        let (findings, cookies, resolves_previous) = match slot {
            Some(kept) => (
                kept.findings.clone(),
                kept.cookies.clone(),
                kept.resolves_previous,
            ),
            None => (Vec::new(), CookieNames::default(), false),
        };
        Some(Annotation {
            method: &exchange.method,
            url: &exchange.url,
            status: exchange.status,
            is_auth_failure: status::is_auth_failure(exchange.status),
            challenge_header: header,
            challenges: challenge::parse_lines(exchange.response_header_lines(header)),
            findings,
            resolves_previous,
            cookies,
        })
    }
}
