//! A forward-only window over a byte stream, for scanning files of any size
//! with flat memory.
//!
//! Log files and single-stream dumps can be gigabytes, and a zip entry can
//! only be read front to back. `Fwd` reads the source in 1 MiB chunks, keeps
//! only the bytes from the caller's current position on, and searches with
//! `memchr::memmem` (SIMD). Every byte passes through [`Fwd::fill`] exactly
//! once and in order, which lets it hash the file (SHA-256) and count lines
//! in the same pass: a log is read once, not three times.

use memchr::memmem::Finder;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

const CHUNK: usize = 1 << 20;
/// The smallest read, and the store's first size.
const MIN_READ: usize = 64 << 10;

pub struct Fwd<R> {
    src: R,
    /// Backing store, allocated (and zeroed) once; the window is
    /// `store[lo..hi]`. Moving forward only moves `lo`, so no byte is copied
    /// or cleared per chunk (that cost adds up over gigabytes).
    store: Vec<u8>,
    lo: usize,
    hi: usize,
    /// Offset in the source of `store[lo]`.
    base: u64,
    /// Number of `\n` bytes before `base`.
    lines_before: u64,
    eof: bool,
    hasher: Option<Sha256>,
    /// The last byte dropped from the window, so the byte just before the
    /// window is still known (a log's last byte sits right before its END).
    prev_byte: Option<u8>,
}

impl<R: Read> Fwd<R> {
    pub fn new(src: R, hash: bool) -> Fwd<R> {
        Fwd::at(src, 0, 0, hash)
    }

    /// A window whose first byte is at `offset` of the underlying file, which
    /// has `lines_before` newlines before it.
    pub fn at(src: R, offset: u64, lines_before: u64, hash: bool) -> Fwd<R> {
        Fwd {
            src,
            store: Vec::new(),
            lo: 0,
            hi: 0,
            base: offset,
            lines_before,
            eof: false,
            hasher: hash.then(Sha256::new),
            prev_byte: None,
        }
    }

    fn win(&self) -> &[u8] {
        &self.store[self.lo..self.hi]
    }

    /// Reads the next chunk. Returns false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.store.len() - self.hi < MIN_READ {
            // Slide the window to the front; grow only if it is still short.
            // The store starts small and doubles up to CHUNK (more only when
            // a caller holds a long line): most logs are a few KiB, and
            // zeroing a full chunk for each would cost more than reading it.
            self.store.copy_within(self.lo..self.hi, 0);
            self.hi -= self.lo;
            self.lo = 0;
            if self.store.len() - self.hi < MIN_READ {
                let grown = (self.store.len() * 2)
                    .clamp(MIN_READ, CHUNK)
                    .max(self.hi + MIN_READ);
                self.store.resize(grown, 0);
            }
        }
        let old = self.hi;
        let room = self.store.len() - old;
        let mut got = 0;
        // Fill the whole room if the source gives short reads (decoders do),
        // so searches run over large slices.
        while got < room {
            match self.src.read(&mut self.store[old + got..old + room]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.hi = old + got;
                    return Err(e);
                }
            }
        }
        self.hi = old + got;
        if let Some(h) = &mut self.hasher {
            h.update(&self.store[old..self.hi]);
        }
        Ok(got > 0)
    }

    /// Drops the bytes before `pos` (which must not be before the window).
    fn discard_to(&mut self, pos: u64) {
        if pos <= self.base {
            return;
        }
        let n = ((pos - self.base) as usize).min(self.hi - self.lo);
        if n == 0 {
            return;
        }
        let dropped = &self.store[self.lo..self.lo + n];
        self.lines_before += count_newlines(dropped);
        self.prev_byte = Some(dropped[n - 1]);
        self.lo += n;
        self.base += n as u64;
    }

    /// The offset one past the last byte read so far.
    fn end(&self) -> u64 {
        self.base + (self.hi - self.lo) as u64
    }

    /// The byte just before `pos`, if `pos` is in the window (or just past
    /// its discarded part).
    pub fn byte_before(&self, pos: u64) -> Option<u8> {
        if pos == 0 {
            None
        } else if pos > self.base {
            self.win().get((pos - 1 - self.base) as usize).copied()
        } else if pos == self.base {
            self.prev_byte
        } else {
            None
        }
    }

    /// Reads on to the end of the input from `from`; returns its offset.
    pub fn end_of_input(&mut self, from: u64) -> io::Result<u64> {
        loop {
            let end = self.end().max(from);
            self.discard_to(end);
            if !self.fill()? {
                return Ok(self.end());
            }
        }
    }

    /// Is `pos` the end of the input?
    pub fn is_eof_at(&mut self, pos: u64) -> io::Result<bool> {
        Ok(self.peek(pos, 1)?.is_empty())
    }

    /// Up to `len` bytes from `pos` (fewer only at end of input). Bytes
    /// before `pos` are forgotten: the window only moves forward.
    pub fn peek(&mut self, pos: u64, len: usize) -> io::Result<&[u8]> {
        self.look(pos, pos, len)
    }

    /// Like [`Fwd::peek`], but keeps the bytes from `anchor` on: for looking
    /// ahead past a point the caller may still come back to.
    pub fn look(&mut self, anchor: u64, pos: u64, len: usize) -> io::Result<&[u8]> {
        debug_assert!(
            anchor >= self.base && pos >= anchor,
            "Fwd moves forward only"
        );
        self.discard_to(anchor.min(pos));
        while self.end() < pos.saturating_add(len as u64) && self.fill()? {}
        // A caller may ask past what exists; clamp.
        let w = self.win();
        let start = ((pos.max(self.base) - self.base) as usize).min(w.len());
        let stop = start.saturating_add(len).min(w.len());
        Ok(&w[start..stop])
    }

    /// The line starting at `pos`: its bytes without the line end (at most
    /// `max` bytes are returned), and the offset of the next line.
    pub fn line(&mut self, pos: u64, max: usize) -> io::Result<(Vec<u8>, u64)> {
        let window = self.peek(pos, max + 2)?;
        match memchr::memchr(b'\n', window) {
            Some(i) => {
                let mut line = &window[..i];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                Ok((line[..line.len().min(max)].to_vec(), pos + i as u64 + 1))
            }
            None if window.len() <= max => Ok((window.to_vec(), pos + window.len() as u64)),
            None => {
                // An over-long line: skip to its end without holding it.
                let line = window[..max].to_vec();
                let next = match self.find_byte(b'\n', pos + max as u64)? {
                    Some(nl) => nl + 1,
                    None => self.end(),
                };
                Ok((line, next))
            }
        }
    }

    /// The line at `pos` (at most `max` bytes, without its line end) and
    /// the offset of the next line, keeping the bytes from `anchor` on.
    /// `None` for a line longer than `max`: the caller only looks for short
    /// lines (markers, document starts).
    pub fn short_line(
        &mut self,
        anchor: u64,
        pos: u64,
        max: usize,
    ) -> io::Result<Option<(Vec<u8>, u64)>> {
        let window = self.look(anchor, pos, max + 2)?;
        Ok(match memchr::memchr(b'\n', window) {
            Some(i) => {
                let line = window[..i].strip_suffix(b"\r").unwrap_or(&window[..i]);
                Some((line.to_vec(), pos + i as u64 + 1))
            }
            None if window.len() <= max => Some((window.to_vec(), pos + window.len() as u64)),
            None => None,
        })
    }

    /// The offset of the first `needle` at or after `from`.
    /// Bytes already dropped from the window are not searched again: a
    /// caller that looked ahead past `from` has seen them.
    pub fn find(&mut self, finder: &Finder<'_>, from: u64) -> io::Result<Option<u64>> {
        let nlen = finder.needle().len() as u64;
        let mut from = from.max(self.base);
        loop {
            self.discard_to(from);
            let rel = (from - self.base) as usize;
            let w = self.win();
            if rel < w.len() {
                if let Some(i) = finder.find(&w[rel..]) {
                    return Ok(Some(from + i as u64));
                }
            }
            if self.eof {
                return Ok(None);
            }
            // Keep the last needle-1 bytes: a match may straddle the chunks.
            from = from.max(self.end().saturating_sub(nlen.saturating_sub(1)));
            self.discard_to(from);
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    pub fn find_byte(&mut self, byte: u8, from: u64) -> io::Result<Option<u64>> {
        let mut from = from.max(self.base);
        loop {
            self.discard_to(from);
            let rel = (from - self.base) as usize;
            let w = self.win();
            if rel < w.len() {
                if let Some(i) = memchr::memchr(byte, &w[rel..]) {
                    return Ok(Some(from + i as u64));
                }
            }
            from = from.max(self.end());
            self.discard_to(from);
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// The 1-based line number of `pos`, which must be inside the window.
    pub fn line_number(&mut self, pos: u64) -> io::Result<u64> {
        debug_assert!(pos >= self.base, "Fwd moves forward only");
        self.discard_to(pos);
        let w = self.win();
        let rel = (pos.saturating_sub(self.base) as usize).min(w.len());
        Ok(self.lines_before + count_newlines(&w[..rel]) + 1)
    }

    /// Reads to the end (for the hash) and returns the total size and the
    /// SHA-256 of everything read, if hashing was on.
    pub fn finish(mut self) -> io::Result<(u64, Option<[u8; 32]>)> {
        loop {
            let end = self.end();
            self.discard_to(end);
            if !self.fill()? {
                break;
            }
        }
        let size = self.end();
        Ok((size, self.hasher.map(|h| h.finalize().into())))
    }
}

/// Counts `\n` bytes, with AVX2 where the CPU has it (bytecount picks at
/// run time): line numbers need every newline of every log counted.
pub fn count_newlines(bytes: &[u8]) -> u64 {
    bytecount::count(bytes, b'\n') as u64
}

/// Counts the `\n` bytes a reader gives up to its end, without holding
/// them (line numbers after a part of a file that is not kept).
pub fn count_newlines_in(r: &mut dyn Read) -> io::Result<u64> {
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0;
    loop {
        match r.read(&mut buf) {
            Ok(0) => return Ok(n),
            Ok(got) => n += count_newlines(&buf[..got]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_across_chunk_boundaries() {
        let mut data = vec![b'x'; CHUNK * 3];
        let needle = b"==== END logs";
        let at = CHUNK - 5;
        data[at..at + needle.len()].copy_from_slice(needle);
        let at2 = 2 * CHUNK + 7;
        data[at2..at2 + needle.len()].copy_from_slice(needle);
        let mut f = Fwd::new(&data[..], true);
        let finder = Finder::new(needle);
        assert_eq!(f.find(&finder, 0).unwrap(), Some(at as u64));
        assert_eq!(f.find(&finder, at as u64 + 1).unwrap(), Some(at2 as u64));
        assert_eq!(f.find(&finder, at2 as u64 + 1).unwrap(), None);
        let (size, hash) = f.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(hash.unwrap(), <[u8; 32]>::from(Sha256::digest(&data)));
    }

    #[test]
    fn line_numbers_and_long_lines() {
        let mut data = b"a\nb\n".to_vec();
        data.extend(std::iter::repeat_n(b'z', 3 * CHUNK));
        data.extend(b"\nlast\n");
        let mut f = Fwd::new(&data[..], false);
        let (l, next) = f.line(2, 100).unwrap();
        assert_eq!(l, b"b");
        assert_eq!(f.line_number(next).unwrap(), 3);
        let (l, next) = f.line(next, 10).unwrap();
        assert_eq!(l.len(), 10);
        let (l, _) = f.line(next, 10).unwrap();
        assert_eq!(l, b"last");
        assert_eq!(f.line_number(next).unwrap(), 4);
    }
}
