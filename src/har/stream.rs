//! Streaming: `log.entries` one at a time, in bounded memory, with errors that name the
//! entry and the exact byte offset.
//!
//! The input is read in chunks into a [`Window`], and each entry is parsed *from the
//! window* by serde_json's slice reader. That reader is why `serde_json::from_slice` is 2–3x
//! faster than `from_reader`, which pulls every byte through `io::Read` one at a time: it
//! skips strings a machine word at a time and allocates nothing for the strings it ignores.
//! An entry cut by the window's end fails with an end-of-input error; the window then moves
//! (or grows, up to [`MAX_WINDOW`]) and the entry is parsed again, which costs half an entry
//! per window read on average.
//!
//! An entry larger than the largest window (a HAR carrying a 300 MB video) is copied to a
//! buffer of its own with every long string cut to its first [`LONG_STRING`] bytes (more
//! than any body the diagnosis keeps, [`super::MAX_BODY`], so a cut body still reads as too
//! large to keep). Memory is then bounded by the entry's structure, not by its bodies.

use std::fmt;
use std::io::{self, Read};

use serde::de::{DeserializeOwned, IgnoredAny};

use super::HarEntry;

/// The window's first size. Most entries of a browser HAR are a few KB; the entry cut
/// by the window's end is parsed again once more is read, so a larger window parses
/// less twice (64 KB cost diagnose ~20% on the 100 MB benchmark, docs/performance.md).
const FIRST_WINDOW: usize = 256 * 1024;
/// The largest window; a value that does not fit is copied with its long strings cut.
pub const MAX_WINDOW: usize = 1024 * 1024;
/// How much of a long string a value larger than the window keeps.
pub const LONG_STRING: usize = 64 * 1024;
/// A value larger than the window may still be at most this large once its long strings
/// are cut (its structure: headers, cookies, Chrome's `_initiator` stacks…).
const MAX_CUT_VALUE: usize = 16 * 1024 * 1024;

const TRUNCATED: &str = "the file ends in the middle (truncated?)";

/// A HAR that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarError {
    /// The index in `log.entries` being read, if the error is inside one.
    pub entry: Option<usize>,
    /// The exact byte offset in the input.
    pub offset: u64,
    /// The 1-based line and (byte) column of `offset`, once [`HarError::locate`] has read
    /// the input again; 0 until then (counting lines would slow every byte down).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl HarError {
    pub fn new(offset: u64, message: impl Into<String>) -> Self {
        Self {
            entry: None,
            offset,
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    /// Fills in `line` and `column` from `offset`, given the same input again.
    pub fn locate<R: Read>(&mut self, mut input: R) {
        let (mut line, mut line_start, mut seen) = (1usize, 0u64, 0u64);
        let mut chunk = vec![0u8; 64 * 1024];
        while seen < self.offset {
            let n = match input.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let wanted = usize::try_from(self.offset - seen).map_or(n, |w| w.min(n));
            for newline in memchr::memchr_iter(b'\n', &chunk[..wanted]) {
                line += 1;
                line_start = seen + newline as u64 + 1;
            }
            seen += n as u64;
        }
        self.line = line;
        self.column = usize::try_from(self.offset - line_start).unwrap_or(usize::MAX) + 1;
    }
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.entry {
            write!(f, "entry {i}, ")?;
        }
        write!(f, "byte {}", self.offset)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Reads a HAR from `reader` and calls `each(index, entry)` for every entry of
/// `log.entries`, in order, holding one entry at a time. Returns the entry count.
///
/// `progress(bytes_read)` is called after each entry (for progress bars).
pub fn for_each_entry<R: Read>(
    reader: R,
    each: impl FnMut(usize, HarEntry),
    progress: impl FnMut(u64),
) -> Result<usize, HarError> {
    for_each_entry_in(&mut Window::new(reader), each, progress)
}

/// [`for_each_entry`] through a given window.
pub fn for_each_entry_in<R: Read>(
    window: &mut Window<R>,
    each: impl FnMut(usize, HarEntry),
    progress: impl FnMut(u64),
) -> Result<usize, HarError> {
    struct Entries<E, P>(E, P);
    impl<R: Read, E: FnMut(usize, HarEntry), P: FnMut(u64)> Walk<R> for Entries<E, P> {
        fn entry(&mut self, window: &mut Window<R>, index: usize) -> Result<(), HarError> {
            let entry: HarEntry = window.value()?;
            (self.0)(index, entry);
            (self.1)(window.offset());
            Ok(())
        }
    }
    walk(window, &mut Entries(each, progress))
}

/// [`for_each_entry`], except that one entry that cannot be read does not fail the file:
/// an entry that is valid JSON but not the HAR shape (`"request": 5`), or one larger than
/// [`MAX_CUT_VALUE`] even with its long strings cut, is read past and handed to
/// `skipped(index, why)`; the walk goes on with the next entry. Only what leaves the
/// rest of the file unreadable (broken JSON, a truncated file, a wrong outer structure)
/// is an error.
pub fn for_each_entry_skipping<R: Read>(
    reader: R,
    each: impl FnMut(usize, HarEntry),
    skipped: impl FnMut(usize, HarError),
    progress: impl FnMut(u64),
) -> Result<usize, HarError> {
    struct Entries<E, S, P>(E, S, P);
    impl<R: Read, E: FnMut(usize, HarEntry), S: FnMut(usize, HarError), P: FnMut(u64)> Walk<R>
        for Entries<E, S, P>
    {
        fn entry(&mut self, window: &mut Window<R>, index: usize) -> Result<(), HarError> {
            let too_large_before = window.skipped_values();
            match window.value::<HarEntry>() {
                Ok(entry) => (self.0)(index, entry),
                // Already read past (see `Window::cut_value`).
                Err(e) if window.skipped_values() > too_large_before => (self.1)(index, e),
                // The window did not move: read the same value again as any JSON. If that
                // works, only its shape was wrong, and the next entry starts after it.
                Err(e) if e.message.starts_with(SHAPE) => {
                    window.value::<IgnoredAny>()?;
                    (self.1)(index, e);
                }
                Err(e) => return Err(e),
            }
            (self.2)(window.offset());
            Ok(())
        }
    }
    walk(
        &mut Window::new(reader),
        &mut Entries(each, skipped, progress),
    )
}

/// How [`describe`] starts a data (shape) error, as opposed to broken JSON.
const SHAPE: &str = "not the HAR shape: ";

/// Where in a HAR's outer structure a [`Walk`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The top-level object.
    Root,
    /// The `log` object.
    Log,
    /// The `log.entries` array.
    Entries,
}

/// What [`walk`] calls as it reads a HAR's outer structure. Each method that gets the
/// window with a value ahead (`other`, `entry`) must read exactly that one value.
pub trait Walk<R: Read> {
    /// An object (`Root`, `Log`) or the array (`Entries`) was opened.
    fn open(&mut self, _window: &Window<R>, _level: Level) -> Result<(), HarError> {
        Ok(())
    }
    /// A member's key, before its value.
    fn key(&mut self, _window: &Window<R>, _level: Level, _key: &str) -> Result<(), HarError> {
        Ok(())
    }
    /// A member that is neither `log` nor `log.entries`: skipped (and validated) by default.
    fn other(&mut self, window: &mut Window<R>, _level: Level, _key: &str) -> Result<(), HarError> {
        window.value::<IgnoredAny>().map(drop)
    }
    /// `log.entries[index]`.
    fn entry(&mut self, window: &mut Window<R>, index: usize) -> Result<(), HarError>;
    /// The object or array opened at `level` was closed.
    fn close(&mut self, _window: &Window<R>, _level: Level) -> Result<(), HarError> {
        Ok(())
    }
}

/// Reads a HAR's outer structure, `{"log": {…, "entries": [ … ], …}, …}`, and tells
/// `walker` what it finds. Returns the entry count.
pub fn walk<R: Read>(window: &mut Window<R>, walker: &mut dyn Walk<R>) -> Result<usize, HarError> {
    if window.peek()? != Some(b'{') {
        // Not an object: say why in serde_json's words when it is not JSON at all.
        let at = window.offset();
        return Err(match window.value::<IgnoredAny>() {
            Err(e) => e,
            Ok(_) => HarError::new(at, "not the HAR shape: expected an object {\"log\": …}"),
        });
    }
    window.pos += 1;
    walker.open(window, Level::Root)?;
    let mut entries = None;
    object(window, &mut |window, key| {
        walker.key(window, Level::Root, key)?;
        if key != "log" || window.peek()? != Some(b'{') {
            return walker.other(window, Level::Root, key);
        }
        window.pos += 1;
        walker.open(window, Level::Log)?;
        object(window, &mut |window, key| {
            walker.key(window, Level::Log, key)?;
            if key != "entries" {
                return walker.other(window, Level::Log, key);
            }
            if window.peek()? != Some(b'[') {
                let at = window.offset();
                return Err(match window.value::<IgnoredAny>() {
                    Err(e) => e,
                    Ok(_) => HarError::new(at, "not the HAR shape: log.entries is not an array"),
                });
            }
            window.pos += 1;
            walker.open(window, Level::Entries)?;
            entries = Some(array(window, walker)?);
            walker.close(window, Level::Entries)
        })?;
        walker.close(window, Level::Log)
    })?;
    walker.close(window, Level::Root)?;
    if window.peek()?.is_some() {
        return Err(HarError::new(
            window.offset(),
            "not valid JSON: trailing characters after the HAR object",
        ));
    }
    entries.ok_or_else(|| HarError::new(window.offset(), "no log.entries array: not a HAR file"))
}

/// Reads one member's value, given its key.
type Member<'a, R> = dyn FnMut(&mut Window<R>, &str) -> Result<(), HarError> + 'a;

/// The members of an object whose `{` was just read: `member(window, key)` must read the
/// value.
fn object<R: Read>(window: &mut Window<R>, member: &mut Member<R>) -> Result<(), HarError> {
    if window.peek()? == Some(b'}') {
        window.pos += 1;
        return Ok(());
    }
    loop {
        match window.peek()? {
            Some(b'"') => {}
            Some(_) => return Err(window.syntax("expected a key (a string)")),
            None => return Err(window.truncated()),
        }
        let key: String = window.value()?;
        match window.peek()? {
            Some(b':') => window.pos += 1,
            Some(_) => return Err(window.syntax("expected `:` after a key")),
            None => return Err(window.truncated()),
        }
        member(window, &key)?;
        match window.peek()? {
            Some(b',') => window.pos += 1,
            Some(b'}') => {
                window.pos += 1;
                return Ok(());
            }
            Some(_) => return Err(window.syntax("expected `,` or `}` after a value")),
            None => return Err(window.truncated()),
        }
    }
}

/// The elements of `log.entries`, after its `[`.
fn array<R: Read>(window: &mut Window<R>, walker: &mut dyn Walk<R>) -> Result<usize, HarError> {
    if window.peek()? == Some(b']') {
        window.pos += 1;
        return Ok(0);
    }
    let mut index = 0;
    loop {
        let in_entry = move |mut e: HarError| {
            e.entry = e.entry.or(Some(index));
            e
        };
        if window.peek()?.is_none() {
            return Err(in_entry(window.truncated()));
        }
        walker.entry(window, index).map_err(in_entry)?;
        index += 1;
        match window.peek()? {
            Some(b',') => window.pos += 1,
            Some(b']') => {
                window.pos += 1;
                return Ok(index);
            }
            Some(_) => return Err(window.syntax("expected `,` or `]` after an entry")),
            None => return Err(in_entry(window.truncated())),
        }
    }
}

/// The input, read in chunks: `buf[pos..end]` is read but not yet parsed.
pub struct Window<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// The input offset of `buf[0]`.
    base: u64,
    eof: bool,
    /// The largest the window grows to ([`MAX_WINDOW`]; smaller in tests).
    max: usize,
    /// Holds a value larger than the window, long strings cut.
    cut: Vec<u8>,
    /// How many values were read with strings cut (see [`Window::cut_values`]).
    cut_values: u64,
    /// How many values were too large even cut, and were read past (see
    /// [`Window::skipped_values`]).
    skipped_values: u64,
}

impl<R: Read> Window<R> {
    pub fn new(reader: R) -> Self {
        Self::with_sizes(reader, FIRST_WINDOW, MAX_WINDOW)
    }

    /// A window of `first` bytes that grows up to `max` (tests use tiny ones to put
    /// window boundaries everywhere).
    pub fn with_sizes(reader: R, first: usize, max: usize) -> Self {
        Self {
            reader,
            buf: vec![0; first.max(1)],
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            max: max.max(first.max(1)),
            cut: Vec::new(),
            cut_values: 0,
            skipped_values: 0,
        }
    }

    /// How many values so far were larger than the largest window and had strings longer
    /// than [`LONG_STRING`] cut: a sanitized copy says so rather than shorten bodies
    /// silently.
    pub fn cut_values(&self) -> u64 {
        self.cut_values
    }

    /// How many values were larger than [`MAX_CUT_VALUE`] even with their long strings
    /// cut. Reading one fails, but only after the window was moved past it: a caller that
    /// can do without that one value (sanitize writes a note in its place) reads on.
    pub fn skipped_values(&self) -> u64 {
        self.skipped_values
    }

    /// The input offset of the next byte to parse.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn syntax(&self, what: &str) -> HarError {
        HarError::new(self.offset(), format!("not valid JSON: {what}"))
    }

    fn truncated(&self) -> HarError {
        HarError::new(self.base + self.end as u64, TRUNCATED)
    }

    /// Moves the unparsed bytes to the front, grows the window when they fill more than
    /// half of it (so that a value parsed again after each read gets twice the room), and
    /// reads until the window is full. `Ok(false)`: nothing more was read, either at the
    /// end of the input or because the window is full at its largest.
    fn more(&mut self) -> Result<bool, HarError> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.end > self.buf.len() / 2 && self.buf.len() < self.max {
            let len = (self.buf.len() * 2).min(self.max);
            self.buf.resize(len, 0);
        }
        let before = self.end;
        // Until full: a reader that returns a few bytes at a time (a pipe) must not make
        // the value be parsed again for each of them.
        while self.end < self.buf.len() {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(HarError::new(
                        self.base + self.end as u64,
                        format!("cannot read: {e}"),
                    ))
                }
            }
        }
        Ok(self.end > before)
    }

    /// The next byte that is not whitespace, without consuming it; `None` at the end.
    pub fn peek(&mut self) -> Result<Option<u8>, HarError> {
        loop {
            while let Some(&b) = self.buf[..self.end].get(self.pos) {
                if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                    return Ok(Some(b));
                }
                self.pos += 1;
            }
            if !self.more()? {
                return Ok(None);
            }
        }
    }

    /// Parses the next JSON value as `T`.
    pub fn value<T: DeserializeOwned>(&mut self) -> Result<T, HarError> {
        loop {
            let slice = &self.buf[self.pos..self.end];
            let mut stream = serde_json::Deserializer::from_slice(slice).into_iter::<T>();
            let outcome = stream.next();
            let used = stream.byte_offset();
            match outcome {
                // A value that ends exactly at the window's end is read again with more
                // input: a number there could go on.
                Some(Ok(value)) if used < slice.len() || self.eof => {
                    self.pos += used;
                    return Ok(value);
                }
                // An error in the window's last bytes may only be the value going on past
                // it (`8.` of `8.5` is an invalid number, not an early end): read more first.
                Some(Err(e))
                    if self.eof || !(e.is_eof() || index_of(slice, &e) + 2 >= slice.len()) =>
                {
                    // An early end is where the input ends, not at its last byte.
                    let at = self.pos
                        + if e.is_eof() {
                            slice.len()
                        } else {
                            index_of(slice, &e)
                        };
                    return Err(HarError::new(self.base + at as u64, describe(&e)));
                }
                None if self.eof => return Err(self.truncated()),
                _ => {}
            }
            if !self.more()? && !self.eof {
                return self.cut_value();
            }
        }
    }

    /// The next byte, white space included, reading more if the window is used up.
    fn next_byte(&mut self) -> Result<Option<u8>, HarError> {
        if self.pos >= self.end && !self.more()? {
            return Ok(None);
        }
        Ok(self.buf[..self.end].get(self.pos).copied())
    }

    /// A value that does not fit in the largest window: copied with its long strings cut,
    /// then parsed.
    fn cut_value<T: DeserializeOwned>(&mut self) -> Result<T, HarError> {
        if self.peek()?.is_none() {
            return Err(self.truncated());
        }
        let start = self.offset();
        let mut cut = std::mem::take(&mut self.cut);
        cut.clear();
        let mut framer = Framer::default();
        let mut too_large = false;
        let framed = loop {
            let step = framer.feed(&self.buf[self.pos..self.end], &mut cut);
            if cut.len() > MAX_CUT_VALUE {
                // Read past the rest without keeping it: the value is lost, not the file.
                too_large = true;
                cut.clear();
            }
            match step {
                Step::Done(used) => {
                    self.pos += used;
                    break if too_large {
                        self.skipped_values += 1;
                        Err(HarError::new(
                            start,
                            format!(
                                "a value larger than {} MB even with its long strings cut",
                                MAX_CUT_VALUE >> 20
                            ),
                        ))
                    } else {
                        Ok(())
                    };
                }
                Step::More => self.pos = self.end,
                Step::Invalid(used, what) => {
                    // The stray bracket goes into the copy, for serde_json to name below.
                    if let Some(&b) = self.buf[..self.end].get(self.pos + used) {
                        cut.push(b);
                    }
                    self.pos += used;
                    break Err(self.syntax(what));
                }
            }
            if !self.more()? {
                break Err(self.truncated());
            }
        };
        if !framer.cuts.is_empty() && !too_large {
            self.cut_values += 1;
        }
        let at = |cut: &[u8], e: &serde_json::Error| {
            HarError::new(
                start + framer.original_offset(index_of(cut, e)),
                describe(e),
            )
        };
        let parsed = match framed {
            Ok(()) => match serde_json::from_slice::<T>(&cut) {
                // A literal or number cut short by the byte that ended it (`n"`, `tru `,
                // `-"`): reading the window, serde_json saw that byte and named it (an
                // "expected ident" there, not an early end, or an invalid number at that
                // byte, not at the last digit); so it does here (fuzz/har_stream,
                // tests/regressions.rs).
                Err(e) if e.is_eof() || index_of(&cut, &e) + 1 >= cut.len() => {
                    match self.next_byte() {
                        Ok(Some(b)) => {
                            cut.push(b);
                            match serde_json::from_slice::<T>(&cut) {
                                Err(named) if !named.is_eof() => Err(at(&cut, &named)),
                                _ => Err(at(&cut, &e)),
                            }
                        }
                        _ => Err(at(&cut, &e)),
                    }
                }
                other => other.map_err(|e| at(&cut, &e)),
            },
            // The framer only counts brackets, so a value broken before its end (a wrong
            // type, a syntax error, brackets that never balance) is framed up to the end
            // of the input or a stray bracket. serde_json then names the first error, where
            // it is, as for a value that fits the window (found by the fuzz/har_stream
            // differential; tests/regressions.rs). An end of input stays the framer's.
            // A value read past without being kept (too large) has nothing to re-read.
            Err(framing) if too_large => Err(framing),
            Err(framing) => match serde_json::from_slice::<T>(&cut) {
                Err(e) if !e.is_eof() => Err(at(&cut, &e)),
                // A number or literal that ends with the input (a file that is just `0`):
                // complete, as the window path reads it (fuzz/har_stream,
                // tests/regressions.rs).
                Ok(value) if self.eof && self.pos == self.end => Ok(value),
                _ => Err(framing),
            },
        };
        // Keep the buffer for the next large value, unless it grew past the window's size.
        if cut.capacity() <= self.max {
            self.cut = cut;
        }
        parsed
    }
}

/// Where in `input` serde_json's error is. It reports a line and the 1-based column of the
/// offending byte (for a value of the wrong type, of the value's last byte).
fn index_of(input: &[u8], e: &serde_json::Error) -> usize {
    let line_start = if e.line() <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', input)
            .nth(e.line() - 2)
            .map_or(input.len(), |i| i + 1)
    };
    (line_start + e.column().saturating_sub(1)).min(input.len())
}

/// Copies one JSON value, cutting every string after [`LONG_STRING`] bytes (at a character
/// boundary, never inside an escape), and says where it ends. Brackets are only counted
/// here: the copy is parsed (and validated) afterwards.
#[derive(Default)]
struct Framer {
    depth: usize,
    /// Whether a byte of the value was copied.
    started: bool,
    in_string: bool,
    backslash: bool,
    /// Hex digits left in a `\uXXXX` escape.
    hex_left: u8,
    /// Bytes of the current string copied.
    kept: usize,
    cutting: bool,
    removed: u64,
    /// (index in the copy, bytes removed before it): one per cut string.
    cuts: Vec<(usize, u64)>,
}

enum Step {
    /// The value ends after this many bytes of the input fed.
    Done(usize),
    More,
    Invalid(usize, &'static str),
}

impl Framer {
    fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> Step {
        let mut i = 0;
        while i < input.len() {
            if self.in_string {
                if self.cutting {
                    if self.backslash {
                        self.backslash = false;
                        self.removed += 1;
                        i += 1;
                        continue;
                    }
                    let Some(k) = memchr::memchr2(b'"', b'\\', &input[i..]) else {
                        self.removed += (input.len() - i) as u64;
                        return Step::More;
                    };
                    self.removed += k as u64;
                    i += k;
                    if input[i] == b'\\' {
                        self.backslash = true;
                        self.removed += 1;
                        i += 1;
                        continue;
                    }
                    self.cutting = false;
                    self.cuts.push((out.len(), self.removed));
                }
                let b = input[i];
                if self.backslash {
                    self.backslash = false;
                    if b == b'u' {
                        self.hex_left = 4;
                    }
                } else if self.hex_left > 0 {
                    self.hex_left -= 1;
                } else if b == b'\\' {
                    self.backslash = true;
                } else if b == b'"' {
                    self.in_string = false;
                    out.push(b);
                    i += 1;
                    if self.depth == 0 {
                        return Step::Done(i);
                    }
                    continue;
                } else if self.kept >= LONG_STRING && b & 0xC0 != 0x80 {
                    // At a character's first byte, outside any escape: cut from here.
                    self.cutting = true;
                    continue;
                }
                out.push(b);
                self.kept += 1;
                i += 1;
                continue;
            }
            let b = input[i];
            match b {
                // A number or literal (a value started at depth 0 that is not a string)
                // ends where serde_json's stream ends one: at white space or a
                // structural character, `"`, `[` and `{` included (`5[` is the number 5
                // and then a stray `[`; fuzz/har_stream, tests/regressions.rs).
                b'"' | b'{' | b'[' if self.depth == 0 && self.started => return Step::Done(i),
                b'"' => {
                    self.in_string = true;
                    self.kept = 0;
                }
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    if self.depth == 0 {
                        if self.started {
                            return Step::Done(i);
                        }
                        return Step::Invalid(i, "unexpected closing bracket");
                    }
                    self.depth -= 1;
                    if self.depth == 0 {
                        out.push(b);
                        return Step::Done(i + 1);
                    }
                }
                // A number or literal ends at the first byte that cannot be part of it.
                b' ' | b'\n' | b'\r' | b'\t' | b',' | b':' if self.depth == 0 => {
                    // Before any byte of the value (`"creator": ,`), there is no value
                    // at all: an error where it is, as serde_json says for a value that
                    // fits the window (fuzz/har_stream, tests/regressions.rs).
                    if !self.started {
                        return Step::Invalid(i, "expected a value");
                    }
                    return Step::Done(i);
                }
                _ => {}
            }
            self.started = true;
            out.push(b);
            i += 1;
        }
        Step::More
    }

    /// The offset in the input, from the value's start, of byte `index` of the copy.
    fn original_offset(&self, index: usize) -> u64 {
        let k = self.cuts.partition_point(|&(at, _)| at <= index);
        let removed = k.checked_sub(1).map_or(0, |k| self.cuts[k].1);
        index as u64 + removed
    }
}

/// A serde_json error, in words for someone holding a HAR file.
pub fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("recursion limit") {
        return "nested more than 128 levels deep".to_owned();
    }
    match e.classify() {
        serde_json::error::Category::Eof => TRUNCATED.to_owned(),
        serde_json::error::Category::Syntax => {
            format!("not valid JSON: {}", strip_position(&text))
        }
        serde_json::error::Category::Data => {
            format!("{SHAPE}{}", strip_position(&text))
        }
        serde_json::error::Category::Io => format!("cannot read: {text}"),
    }
}

/// serde_json appends " at line L column C"; the error says where on its own.
fn strip_position(text: &str) -> &str {
    text.rfind(" at line ").map_or(text, |i| &text[..i])
}

#[cfg(test)]
mod tests;
