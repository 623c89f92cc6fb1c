//! A reader that reads the next chunks of a file on a second thread while the caller
//! parses the current one.
//!
//! Why: streaming a HAR is a loop of `read` (the kernel copying from the page cache,
//! about a fifth of `authlens diagnose`'s time on a cached file) and parsing. On a second
//! core the two overlap, so a streamed diagnosis costs about what the parse alone costs
//! (docs/performance.md). Memory stays bounded: `CHUNKS` buffers of `CHUNK` bytes are
//! passed back and forth and reused, never allocated per read.
//!
//! The core (`authlens::har::stream`) stays single-threaded: it also runs in Wasm, where
//! there are no threads; this wrapper is the CLI's business.

use std::io::{self, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

/// The size of one read, and the number of chunks in flight (one being parsed, the
/// others filled ahead). Measured on the 100 MB benchmark HAR (2-core VM): with 64 KB × 3
/// the parser still waited for 600 of 1,600 chunks (waking the reading thread costs more
/// than reading 64 KB); 128 KB × 4 waited ~160 times; 256 KB × 4 almost never (1 MB in
/// all, bounded).
const CHUNK: usize = 256 << 10;
const CHUNKS: usize = 4;

/// A filled chunk and how many of its bytes are data, or the read's error.
type Filled = io::Result<(Vec<u8>, usize)>;

pub struct ReadAhead {
    filled: Receiver<Filled>,
    empty: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    len: usize,
    pos: usize,
}

impl ReadAhead {
    /// Starts reading `inner` on a new thread. If the thread cannot be started (the
    /// system is out of threads), that is the error, and `inner` is dropped.
    pub fn spawn<R: Read + Send + 'static>(mut inner: R) -> io::Result<Self> {
        let (filled_tx, filled) = sync_channel::<Filled>(CHUNKS);
        let (empty, empty_rx) = sync_channel::<Vec<u8>>(CHUNKS);
        for _ in 0..CHUNKS {
            // Cannot fail: the channel has room for CHUNKS and its receiver is alive.
            let _ = empty.send(vec![0; CHUNK]);
        }
        thread::Builder::new()
            .name("read-ahead".into())
            // The loop below needs little stack; the default 2 MB is address space only,
            // but a small one makes the intent clear.
            .stack_size(64 << 10)
            .spawn(move || {
                // Ends when the reader has been dropped (a channel is closed) or at the
                // end of the input.
                while let Ok(mut buf) = empty_rx.recv() {
                    let result = loop {
                        match inner.read(&mut buf) {
                            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                            other => break other,
                        }
                    };
                    let end = matches!(result, Ok(0) | Err(_));
                    if filled_tx.send(result.map(|n| (buf, n))).is_err() || end {
                        return;
                    }
                }
            })?;
        Ok(Self {
            filled,
            empty,
            current: Vec::new(),
            len: 0,
            pos: 0,
        })
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.len {
            match self.filled.recv() {
                Ok(Ok((buf, len))) => {
                    let used = std::mem::replace(&mut self.current, buf);
                    if !used.is_empty() {
                        // The thread may have ended (end of input): then the buffer is
                        // simply dropped.
                        let _ = self.empty.try_send(used);
                    }
                    self.len = len;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The thread ended after sending the end of input (or an error) already
                // taken: every later read is the end too.
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.len - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, with an interruption
    /// between reads: the worst a pipe does.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        step: usize,
        interrupt: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            let n = out.len().min(self.step).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn hands_on_every_byte_in_order() {
        let data: Vec<u8> = (0..(CHUNK * 2 + 123)).map(|i| (i % 251) as u8).collect();
        for step in [1 << 20, CHUNK, 1000, 7] {
            let inner = Trickle {
                data: data.clone(),
                at: 0,
                step,
                interrupt: false,
            };
            let mut out = Vec::new();
            ReadAhead::spawn(inner)
                .expect("thread")
                .read_to_end(&mut out)
                .expect("read");
            assert_eq!(out, data, "step {step}");
        }
    }

    #[test]
    fn passes_errors_on_and_stays_at_the_end() {
        struct Failing(bool);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    Err(io::Error::other("disk on fire"))
                } else {
                    out[..3].copy_from_slice(b"abc");
                    Ok(3)
                }
            }
        }
        let mut reader = ReadAhead::spawn(Failing(false)).expect("thread");
        let mut out = Vec::new();
        let error = reader.read_to_end(&mut out).expect_err("the error");
        assert_eq!(out, b"abc");
        assert!(error.to_string().contains("disk on fire"));
        assert_eq!(reader.read(&mut [0; 8]).expect("end"), 0);
    }
}
