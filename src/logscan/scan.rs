//! One pass over one log with every signature at once, in flat memory.
//!
//! The body streams through a fixed buffer. Each time the buffer is full,
//! the complete lines in it form a *region*; the unfinished last line moves
//! to the front and the next read appends to it. A line longer than the
//! whole buffer is searched in overlapping windows (the overlap keeps matches
//! that straddle two windows), so a 50 MB line costs no more memory than a
//! short one.
//!
//! Inside a region the search is ripgrep's: one regex made of the literals
//! of every signature runs over the whole region (the regex crate turns such
//! an alternation into a SIMD multi-literal search), and only the lines where
//! it stops are checked against the [`RegexSet`](regex::bytes::RegexSet) of
//! all signatures. Newlines are counted only up to each hit, with a SIMD
//! count, so line numbers are exact at no per-line cost.
//!
//! Excerpts are built once per signature per region, at its first and last
//! hit in the region, so a signature that hits every line costs no more
//! than one that hits once. An excerpt keeps a few lines before (from the
//! region, or from the small ring of the previous region's last lines), the
//! matched line, and then either a few lines of context or the whole stack
//! trace up to a limit, which may continue into the next region.

use super::catalog::{Catalog, Class};
use super::trace::{printable, Step, TraceState};
use crate::analyze::Severity;
use crate::dump::fwd::count_newlines;
use memchr::{memchr, memrchr};
use serde::Serialize;
use std::collections::VecDeque;
use std::io::{self, Read};

/// Knobs of a scan. The defaults suit reports.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Bytes read at a time (memory per scanning thread).
    pub buffer_size: usize,
    /// Lines shown before a matched line.
    pub context_before: usize,
    /// Lines shown after a matched line that starts no stack trace.
    pub context_after: usize,
    /// Lines of a stack trace kept after the matched line.
    pub max_trace_lines: usize,
    /// Last lines of every log kept as its tail.
    pub tail_lines: usize,
    /// Characters kept of one line in an excerpt.
    pub max_line_chars: usize,
    /// For lines longer than the buffer: bytes searched twice at each window
    /// boundary; a match longer than this inside such a line can be missed.
    pub overlap: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            buffer_size: 1 << 20,
            context_before: 3,
            context_after: 3,
            max_trace_lines: 60,
            tail_lines: 20,
            max_line_chars: 500,
            overlap: 4096,
        }
    }
}

/// Lines of a log around a place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// The line the excerpt is about (the matched line, or for a tail the
    /// last line), absolute in the file.
    pub line: u64,
    /// Absolute line of `lines[0]`.
    pub first_line: u64,
    /// Printable text: ANSI codes and `\r` removed, invalid UTF-8 replaced,
    /// long lines cut with `…`.
    pub lines: Vec<String>,
    /// The lines after `line` are a stack trace.
    pub trace: bool,
    /// A trace longer than the limit was cut (for a tail: earlier lines
    /// were left out).
    pub truncated: bool,
}

impl Excerpt {
    /// As the analysis's excerpt type, for findings.
    pub fn to_log_excerpt(&self, file: &str) -> crate::analyze::LogExcerpt {
        crate::analyze::LogExcerpt {
            file: file.to_string(),
            first_line: self.first_line,
            lines: self.lines.clone(),
            truncated: self.truncated,
        }
    }

    /// The text of the line the excerpt is about.
    pub fn matched_text(&self) -> &str {
        self.text_at(self.line).unwrap_or("")
    }

    /// The text of an absolute line, when the excerpt shows it.
    pub fn text_at(&self, line: u64) -> Option<&str> {
        let i = line.checked_sub(self.first_line)?;
        self.lines.get(usize::try_from(i).ok()?).map(String::as_str)
    }

    /// The line of a stack trace that names the error: the last `Caused
    /// by:` of a Java trace, the exception line that ends a Python
    /// traceback; otherwise the matched line. Returns its absolute line.
    pub fn key_line(&self) -> (u64, &str) {
        let own = (self.line, self.matched_text());
        if !self.trace {
            return own;
        }
        let after = self
            .lines
            .iter()
            .enumerate()
            .skip((self.line - self.first_line) as usize + 1);
        let mut key = None;
        for (k, l) in after {
            let t = l.trim_start();
            let head = !l.starts_with([' ', '\t']) && !l.trim().is_empty();
            if t.starts_with("Caused by: ")
                || (head
                    && !t.starts_with("Traceback")
                    && !t.starts_with("During handling")
                    && !t.starts_with("The above exception")
                    && !t.starts_with("goroutine ")
                    && !t.starts_with("created by ")
                    && !t.starts_with("Node.js v")
                    && !t.starts_with("exit status")
                    && !t.starts_with("note: ")
                    && self.matched_text().starts_with("Traceback"))
            {
                key = Some((self.first_line + k as u64, l.as_str()));
            }
        }
        key.unwrap_or(own)
    }
}

/// What one signature found in one log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureHits {
    pub id: String,
    /// Index of the signature in its catalog.
    #[serde(skip)]
    pub index: usize,
    pub class: Class,
    pub severity: Severity,
    /// Whether the signature collects a stack trace (ranks above generic
    /// signatures when explaining a crash).
    pub trace: bool,
    /// Lines that match (a line matching twice counts once).
    pub count: u64,
    /// Absolute lines of the first and last matching line.
    pub first_line: u64,
    pub last_line: u64,
    pub first: Excerpt,
    /// At the last hit, when there was more than one.
    pub last: Option<Excerpt>,
}

impl SignatureHits {
    /// The excerpt of the last hit.
    pub fn last_excerpt(&self) -> &Excerpt {
        self.last.as_ref().unwrap_or(&self.first)
    }
}

/// What the scan of one log found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SectionScan {
    /// False for logs that were not scanned (empty, or not fetched).
    pub scanned: bool,
    /// Absolute line number of the log's first line.
    pub first_line: u64,
    pub bytes: u64,
    pub lines: u64,
    /// Signatures with at least one hit, in catalog order.
    pub hits: Vec<SignatureHits>,
    /// The last lines of the log.
    pub tail: Option<Excerpt>,
    /// The log could not be read to its end (what was read is kept).
    pub error: Option<String>,
}

impl SectionScan {
    /// The line number just after the log's last line.
    pub fn end_line(&self) -> u64 {
        self.first_line + self.lines
    }

    pub fn hit(&self, id: &str) -> Option<&SignatureHits> {
        self.hits.iter().find(|h| h.id == id)
    }

    /// The signature that best explains why the process stopped, among
    /// those of at least `min` severity: the most severe; then one with a
    /// stack trace over a generic one (a panic explains the `connection
    /// refused` before it); then the one whose last hit is latest, as the
    /// end of a log is where a crash is; then catalog order (the more
    /// specific signature of two on the same line).
    pub fn explaining(&self, min: Severity) -> Option<&SignatureHits> {
        self.hits
            .iter()
            .filter(|h| h.severity >= min)
            .max_by(|a, b| {
                a.severity
                    .cmp(&b.severity)
                    .then(a.trace.cmp(&b.trace))
                    .then(a.last_line.cmp(&b.last_line))
                    .then(b.index.cmp(&a.index))
            })
    }
}

/// Scans one log body from `r`. `first_line` is the absolute line number
/// of the body's first line (the START marker's line + 1). `buf` is reused
/// between calls (it is resized to the buffer size).
pub fn scan_reader(
    r: &mut dyn Read,
    first_line: u64,
    catalog: &Catalog,
    opts: &ScanOptions,
    buf: &mut Vec<u8>,
) -> SectionScan {
    let mut sc = Scanner::new(catalog, opts);
    let error = sc.run(r, first_line, buf).err().map(|e| e.to_string());
    let mut out = sc.finish();
    out.error = error;
    out
}

/// Scans a log body that is already in memory, in place: `ext[0]` is the
/// byte before the body, `\n` after a START marker's line, and `ext[1..]`
/// is the body. With that `\n`, finds exactly what [`scan_reader`] finds
/// on the same body, without copying it through a read buffer (the copy,
/// and zeroing that buffer for each log, were ~3% of a report's CPU).
pub fn scan_in_place(
    ext: &[u8],
    first_line: u64,
    catalog: &Catalog,
    opts: &ScanOptions,
) -> SectionScan {
    if ext.is_empty() {
        return Scanner::new(catalog, opts).finish();
    }
    debug_assert_eq!(ext[0], b'\n', "the byte before a body ends a line");
    let mut sc = Scanner::new(catalog, opts);
    sc.run_in_place(ext, first_line);
    sc.finish()
}

/// Scans a whole byte slice (tests, small inputs).
pub fn scan_bytes(
    bytes: &[u8],
    first_line: u64,
    catalog: &Catalog,
    opts: &ScanOptions,
) -> SectionScan {
    let mut buf = Vec::new();
    scan_reader(&mut &bytes[..], first_line, catalog, opts, &mut buf)
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    line: u64,
    ls: usize,
    le: usize,
    /// Where the prefilter stopped in the line (to centre long lines).
    at: usize,
}

#[derive(Default)]
struct SigState {
    count: u64,
    first_line: u64,
    last_line: u64,
    first: Option<Builder>,
    last: Option<Builder>,
    reg_first: Option<Hit>,
    reg_last: Option<Hit>,
}

/// An excerpt being built.
struct Builder {
    line: u64,
    first_line: u64,
    lines: Vec<String>,
    trace: Option<TraceState>,
    after: usize,
    after_max: usize,
    next_line: u64,
    done: bool,
    truncated: bool,
}

impl Builder {
    /// Feeds the next line; returns whether more lines are wanted.
    fn feed(&mut self, line_no: u64, bytes: &[u8], max_chars: usize) -> bool {
        if self.done {
            return false;
        }
        if line_no < self.next_line {
            // The rest of a long line already taken.
            return true;
        }
        self.next_line = line_no + 1;
        let take = match &mut self.trace {
            Some(t) => t.step(bytes),
            None => Step::Take,
        };
        match take {
            Step::Stop => {
                self.done = true;
                return false;
            }
            Step::TakeAndStop => self.done = true,
            Step::Take => {}
        }
        self.lines
            .push(printable(clip_bytes(bytes, max_chars), max_chars));
        self.after += 1;
        if !self.done && self.after >= self.after_max {
            // A trace that goes on past the limit is cut.
            self.truncated = self.trace.is_some();
            self.done = true;
        }
        !self.done
    }

    fn into_excerpt(mut self) -> Excerpt {
        if self.trace.is_some() {
            while self.lines.len() as u64 > self.line - self.first_line + 1
                && self.lines.last().is_some_and(|l| l.trim().is_empty())
            {
                self.lines.pop();
            }
        }
        Excerpt {
            line: self.line,
            first_line: self.first_line,
            lines: self.lines,
            trace: self.trace.is_some(),
            truncated: self.truncated,
        }
    }
}

/// At most this many bytes of a line are looked at for display (a
/// character is at most four bytes).
fn clip_bytes(bytes: &[u8], max_chars: usize) -> &[u8] {
    &bytes[..bytes.len().min(max_chars.saturating_mul(4) + 4)]
}

/// The last lines seen, clipped: context before hits at the start of a
/// region, and the tail of the log at the end.
struct Ring {
    cap: usize,
    lines: VecDeque<(u64, Vec<u8>)>,
}

impl Ring {
    fn push(&mut self, line_no: u64, bytes: &[u8]) {
        if self.cap == 0 || self.lines.back().is_some_and(|(n, _)| *n >= line_no) {
            return;
        }
        let mut v = if self.lines.len() == self.cap {
            self.lines.pop_front().map(|(_, v)| v).unwrap_or_default()
        } else {
            Vec::new()
        };
        v.clear();
        v.extend_from_slice(bytes);
        self.lines.push_back((line_no, v));
    }

    fn get(&self, line_no: u64) -> Option<&[u8]> {
        self.lines
            .iter()
            .rev()
            .find(|(n, _)| *n == line_no)
            .map(|(_, v)| v.as_slice())
    }
}

struct Scanner<'a> {
    cat: &'a Catalog,
    opts: &'a ScanOptions,
    sigs: Vec<SigState>,
    touched: Vec<usize>,
    /// Line starts where a line-start literal matched (reused).
    starts: Vec<usize>,
    /// Signatures to check on a candidate line, and whether an exact
    /// literal already proves the hit (reused).
    cands: Vec<(usize, bool)>,
    ring: Ring,
    bytes: u64,
    /// Line number of the next line to start (after the last newline).
    end_line: u64,
    last_byte: Option<u8>,
    first_line: u64,
}

/// How much of a window's data (`window`, without its look-behind byte) one
/// region takes, and whether it ends on a line end: at the end of the input
/// all of it; otherwise up to its last newline, or all of it inside a line
/// longer than the window. `run` and `run_in_place` cut with this one rule,
/// which is what makes their results equal.
fn region_len(window: &[u8], eof: bool) -> (usize, bool) {
    if eof {
        return (window.len(), true);
    }
    match memrchr(b'\n', window) {
        Some(p) => (p + 1, true),
        None => (window.len(), false),
    }
}

impl<'a> Scanner<'a> {
    fn new(cat: &'a Catalog, opts: &'a ScanOptions) -> Scanner<'a> {
        Scanner {
            cat,
            opts,
            sigs: (0..cat.len()).map(|_| SigState::default()).collect(),
            touched: Vec::new(),
            starts: Vec::new(),
            cands: Vec::new(),
            ring: Ring {
                cap: opts.tail_lines.max(opts.context_before),
                lines: VecDeque::new(),
            },
            bytes: 0,
            end_line: 0,
            last_byte: None,
            first_line: 0,
        }
    }

    /// Bytes of a window. It must hold more than the overlap, or a long
    /// line would never advance.
    fn window_size(&self) -> usize {
        self.opts.buffer_size.max(self.opts.overlap * 2 + 64)
    }

    fn run(&mut self, r: &mut dyn Read, first_line: u64, buf: &mut Vec<u8>) -> io::Result<()> {
        let size = self.window_size();
        // The contents do not matter, so a buffer of the right size is
        // reused as it is: zeroing 1 MiB per log cost more than small logs.
        if buf.len() != size + 1 {
            buf.clear();
            buf.resize(size + 1, 0);
        }
        // buf[0] is the byte before the data: `\n` when the data starts a
        // line, so a literal `\nF0` or a `^` matches on the first line.
        buf[0] = b'\n';
        self.first_line = first_line;
        let mut s = 1usize;
        let mut end = 1usize;
        let mut line = first_line;
        let mut cont = false;
        let mut eof = false;
        let mut result = Ok(());
        loop {
            while end < buf.len() && !eof {
                match r.read(&mut buf[end..]) {
                    Ok(0) => eof = true,
                    Ok(n) => {
                        end += n;
                        self.bytes += n as u64;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        // Keep what was read; report the error.
                        result = Err(e);
                        eof = true;
                    }
                }
            }
            if end > s {
                self.last_byte = Some(buf[end - 1]);
            }
            let (n, whole_lines) = region_len(&buf[s..end], eof);
            let e = s + n;
            line = self.region(&buf[..e], s, line, cont, !whole_lines);
            if eof {
                break;
            }
            if whole_lines {
                buf.copy_within(e..end, 1);
                end = 1 + (end - e);
                buf[0] = b'\n';
                cont = false;
            } else {
                // A line longer than the buffer: keep its last bytes so a
                // match across the window boundary is still found.
                let keep = self.opts.overlap.min(end - s);
                let from = end - keep;
                let before = buf[from - 1];
                buf.copy_within(from..end, 1);
                buf[0] = before;
                end = 1 + keep;
                cont = true;
            }
            s = 1;
        }
        self.end_line = line;
        result
    }

    /// `run` over a body in memory (`ext[1..]`, with `ext[0] == b'\n'`):
    /// cuts the regions a reader of the body would (the same windows of at
    /// most `size` bytes from each region's start, the same end-of-input
    /// point, the same overlap inside long lines), so the result is the
    /// same, but each region is searched where it lies. The byte before a
    /// region is its look-behind, as `buf[0]` is in `run`.
    fn run_in_place(&mut self, ext: &[u8], first_line: u64) {
        let size = self.window_size();
        self.first_line = first_line;
        let len = ext.len();
        self.bytes = (len - 1) as u64;
        if len > 1 {
            self.last_byte = Some(ext[len - 1]);
        }
        // `p` is where the region's data starts; `ext[p - 1]` is its
        // look-behind byte.
        let mut p = 1usize;
        let mut line = first_line;
        let mut cont = false;
        loop {
            // A reader fills the whole window unless the input ends first;
            // it sees the end only on a short fill.
            let eof = len - p < size;
            let end = if eof { len } else { p + size };
            let (n, whole_lines) = region_len(&ext[p..end], eof);
            let e = p + n;
            line = self.region(&ext[p - 1..e], 1, line, cont, !whole_lines);
            if eof {
                break;
            }
            if whole_lines {
                p = e;
                cont = false;
            } else {
                // Inside a line longer than the window: search its last
                // `overlap` bytes again with the next window.
                p = end - self.opts.overlap.min(end - p);
                cont = true;
            }
        }
        self.end_line = line;
    }

    /// Processes `hay[s..]` (`hay[..s]` is only look-behind). `line` is the
    /// number of the line at `s`; `cont` says `s` is inside a line begun
    /// in an earlier region; `partial` says the region ends inside a line.
    /// Returns the line number at the end of the region.
    fn region(&mut self, hay: &[u8], s: usize, line: u64, cont: bool, partial: bool) -> u64 {
        let e = hay.len();
        // Excerpts waiting for lines from this region.
        self.feed_pending(hay, s, line);
        // The search. Candidates come from two sources, merged in order:
        // the prefilter over the whole region, and line-start literals
        // checked at each line start (only when the catalog has some).
        let cat = self.cat;
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        if !cat.line_start_finders.is_empty() {
            // `hay[s - 1]` is `\n` when `s` starts a line.
            let from = if hay[s - 1] == b'\n' { s - 1 } else { s };
            for f in &cat.line_start_finders {
                for i in f.find_iter(&hay[from..]) {
                    let p = from + i + 1;
                    let mut any = false;
                    cat.line_start_sigs(&hay[p..], |_, _| any = true);
                    if any {
                        starts.push(p);
                    }
                }
            }
            if cat.line_start_finders.len() > 1 {
                starts.sort_unstable();
            }
        }
        let mut next_start = starts.iter().copied().peekable();
        // The next prefilter match at or after `at`, found once: each
        // literal occurrence costs one search, and the first one past a
        // line is kept for the next line.
        let mut lit: Option<usize> = None;
        let mut lit_done = cat.prefilter.is_none();
        let mut at = s;
        let mut counted = s;
        let mut counted_line = line;
        let mut cands = std::mem::take(&mut self.cands);
        while at < e {
            if !lit_done && lit.is_none_or(|p| p < at) {
                lit = self.find_lit(hay, at);
                lit_done = lit.is_none();
            }
            while next_start.peek().is_some_and(|&p| p < at) {
                next_start.next();
            }
            let mut p = match (lit, next_start.peek().copied()) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            if hay[p] == b'\n' {
                // A regex without literals that matched from a line end
                // is about the next line.
                p += 1;
                if p >= e {
                    break;
                }
            }
            let ls = memrchr(b'\n', &hay[s..p]).map_or(s, |i| s + i + 1);
            let le = memchr(b'\n', &hay[p..]).map_or(e, |i| p + i);
            let line_hay = &hay[..le];
            // Collect the signatures whose literals are in the line (every
            // literal occurrence in it, overlapping ones too).
            cands.clear();
            if cat.all_literal && (ls > s || !cont) {
                cat.line_start_sigs(&hay[ls..le], |i, exact| cands.push((i, exact)));
            }
            while let Some(q) = lit.filter(|&q| q < le) {
                if cat.all_literal {
                    cat.literal_sigs(&hay[q..le], |i, exact| cands.push((i, exact)));
                }
                lit = self.find_lit(hay, q + 1);
                lit_done = lit.is_none();
            }
            if cat.all_literal {
                // An exact literal is a hit by itself; the others are
                // checked with their signature's regex.
                cands.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                cands.dedup_by_key(|c| c.0);
                let mut counted_here = false;
                for &(i, exact) in cands.iter() {
                    if exact || cat.regexes[i].is_match_at(line_hay, ls) {
                        if !counted_here {
                            counted_line += count_newlines(&hay[counted..ls]);
                            counted = ls;
                            counted_here = true;
                        }
                        let hit = Hit {
                            line: counted_line,
                            ls,
                            le,
                            at: p.max(ls),
                        };
                        self.hit(i, hit, hay);
                    }
                }
            } else if cat.set.is_match_at(line_hay, ls) {
                counted_line += count_newlines(&hay[counted..ls]);
                counted = ls;
                let hit = Hit {
                    line: counted_line,
                    ls,
                    le,
                    at: p.max(ls),
                };
                for i in cat.set.matches_at(line_hay, ls).iter() {
                    self.hit(i, hit, hay);
                }
            }
            at = le + 1;
        }
        self.cands = cands;
        self.starts = starts;
        let end_line = line + count_newlines(&hay[s..]);
        // Excerpts at the first and last hit of each signature.
        let touched = std::mem::take(&mut self.touched);
        for &i in &touched {
            let (first, last) = {
                let st = &mut self.sigs[i];
                (st.reg_first.take(), st.reg_last.take())
            };
            let Some(first) = first else {
                continue;
            };
            if self.sigs[i].first.is_none() {
                let b = self.build(i, hay, s, cont, first);
                self.sigs[i].first = Some(b);
            }
            let Some(last) = last else {
                continue;
            };
            if self.sigs[i]
                .first
                .as_ref()
                .is_some_and(|b| b.line != last.line)
            {
                let b = self.build(i, hay, s, cont, last);
                self.sigs[i].last = Some(b);
            }
        }
        self.touched = touched;
        self.touched.clear();
        // Remember the region's last lines.
        self.remember(hay, s, end_line, partial || hay.last() != Some(&b'\n'));
        end_line
    }

    /// The start of the next prefilter match at or after `from`.
    #[inline]
    fn find_lit(&self, hay: &[u8], from: usize) -> Option<usize> {
        if from > hay.len() {
            return None;
        }
        self.cat.prefilter.as_ref()?.find_at(hay, from)
    }

    fn hit(&mut self, i: usize, h: Hit, hay: &[u8]) {
        let traced = self.cat.signatures()[i].trace.is_some();
        let st = &mut self.sigs[i];
        if st.count > 0 && st.last_line == h.line {
            // The same line again (the overlap of a long line).
            return;
        }
        st.count += 1;
        if st.count == 1 {
            st.first_line = h.line;
        }
        st.last_line = h.line;
        if st.reg_first.is_none() {
            st.reg_first = Some(h);
            self.touched.push(i);
        }
        // The last excerpt of a stack-trace signature starts at the head
        // of a trace, not at a `Caused by:` or an indented line inside one
        // (which the trace of its head already shows).
        if !traced || is_trace_head(&hay[h.ls..h.le]) {
            st.reg_last = Some(h);
        }
    }

    /// Feeds the lines at the start of a region to excerpts still
    /// collecting (a trace that runs past the end of the previous region).
    fn feed_pending(&mut self, hay: &[u8], s: usize, line: u64) {
        let max_chars = self.opts.max_line_chars;
        let mut pending: Vec<&mut Builder> = self
            .sigs
            .iter_mut()
            .flat_map(|st| [st.first.as_mut(), st.last.as_mut()])
            .flatten()
            .filter(|b| !b.done)
            .collect();
        if pending.is_empty() {
            return;
        }
        for (n, bytes) in Lines::new(hay, s, line) {
            let mut want = false;
            for b in pending.iter_mut() {
                want |= b.feed(n, bytes, max_chars);
            }
            if !want {
                break;
            }
        }
    }

    fn build(&self, i: usize, hay: &[u8], s: usize, cont: bool, h: Hit) -> Builder {
        let max_chars = self.opts.max_line_chars;
        let sig = &self.cat.signatures()[i];
        let want = self.opts.context_before;
        // Lines before, from this region back to its start...
        let mut before: Vec<&[u8]> = Vec::new();
        let mut pos = h.ls;
        while before.len() < want && pos > s {
            let prev_end = pos - 1; // the '\n' ending the previous line
            let prev_start = memrchr(b'\n', &hay[s..prev_end]).map_or(s, |i| s + i + 1);
            if prev_start == s && cont {
                // The tail of a line begun earlier: its head is in the ring.
                break;
            }
            before.push(&hay[prev_start..prev_end]);
            pos = prev_start;
        }
        // ...then from the ring of earlier lines.
        let mut earlier: Vec<&[u8]> = Vec::new();
        let mut n = h.line - before.len() as u64;
        while before.len() + earlier.len() < want && n > self.first_line {
            n -= 1;
            match self.ring.get(n) {
                Some(b) => earlier.push(b),
                None => break,
            }
        }
        let mut lines: Vec<String> = Vec::new();
        for b in earlier.iter().rev().chain(before.iter().rev()) {
            lines.push(printable(clip_bytes(b, max_chars), max_chars));
        }
        let first_line = h.line - lines.len() as u64;
        lines.push(window(&hay[h.ls..h.le], h.at - h.ls, max_chars));
        let trace = sig.trace.map(TraceState::new);
        let after_max = if trace.is_some() {
            self.opts.max_trace_lines
        } else {
            self.opts.context_after
        };
        let mut b = Builder {
            line: h.line,
            first_line,
            lines,
            trace,
            after: 0,
            after_max,
            next_line: h.line + 1,
            done: after_max == 0,
            truncated: false,
        };
        // Lines after, as far as this region goes.
        if h.le < hay.len() && !b.done {
            for (n, bytes) in Lines::new(hay, h.le + 1, h.line + 1) {
                if !b.feed(n, bytes, max_chars) {
                    break;
                }
            }
        }
        b
    }

    /// Keeps the last lines of a region in the ring. `end_line` is the line
    /// number at the end of the region; `open` says the region's last line
    /// has no newline (yet).
    fn remember(&mut self, hay: &[u8], s: usize, end_line: u64, open: bool) {
        let cap = self.ring.cap;
        if cap == 0 || hay.len() <= s {
            return;
        }
        let max = self.opts.max_line_chars;
        let mut pieces: Vec<(usize, usize)> = Vec::with_capacity(cap);
        let mut stop = if open { hay.len() } else { hay.len() - 1 };
        loop {
            let start = memrchr(b'\n', &hay[s..stop]).map_or(s, |i| s + i + 1);
            pieces.push((start, stop));
            if start == s || pieces.len() == cap {
                break;
            }
            stop = start - 1;
        }
        let last_no = if open { end_line } else { end_line - 1 };
        for (k, &(a, b)) in pieces.iter().enumerate().rev() {
            let n = last_no - k as u64;
            self.ring.push(n, clip_bytes(&hay[a..b], max));
        }
    }

    fn finish(self) -> SectionScan {
        let lines = (self.end_line - self.first_line)
            + u64::from(self.last_byte.is_some_and(|b| b != b'\n'));
        let mut hits = Vec::new();
        for (i, st) in self.sigs.into_iter().enumerate() {
            if st.count == 0 {
                continue;
            }
            let sig = &self.cat.signatures()[i];
            let Some(first) = st.first else { continue };
            hits.push(SignatureHits {
                id: sig.id.clone(),
                index: i,
                class: sig.class,
                severity: sig.severity,
                trace: sig.trace.is_some(),
                count: st.count,
                first_line: st.first_line,
                last_line: st.last_line,
                first: first.into_excerpt(),
                last: st.last.map(Builder::into_excerpt),
            });
        }
        let max = self.opts.max_line_chars;
        let tail = if lines == 0 {
            None
        } else {
            let keep: Vec<&(u64, Vec<u8>)> = {
                let n = self.ring.lines.len().min(self.opts.tail_lines);
                self.ring
                    .lines
                    .iter()
                    .skip(self.ring.lines.len() - n)
                    .collect()
            };
            keep.first().map(|(first, _)| Excerpt {
                line: keep.last().map(|(n, _)| *n).unwrap_or(*first),
                first_line: *first,
                lines: keep.iter().map(|(_, b)| printable(b, max)).collect(),
                trace: false,
                truncated: *first > self.first_line,
            })
        };
        SectionScan {
            scanned: true,
            first_line: self.first_line,
            bytes: self.bytes,
            lines,
            hits,
            tail,
            error: None,
        }
    }
}

/// Whether a line can start a stack trace: not indented, and not a link
/// in a Java exception chain.
fn is_trace_head(line: &[u8]) -> bool {
    !matches!(line.first(), Some(b' ' | b'\t'))
        && !line.starts_with(b"Caused by: ")
        && !line.starts_with(b"Suppressed: ")
        && !line.starts_with(b"Wrapped by: ")
}

/// The matched line for display: whole when short, else a window that
/// starts a little before where the match was found.
fn window(line: &[u8], at: usize, max_chars: usize) -> String {
    if line.len() <= max_chars {
        return printable(line, max_chars);
    }
    let mut start = at.saturating_sub(max_chars / 4).min(line.len());
    // Start on a character boundary.
    while start > 0 && start < line.len() && (line[start] & 0xC0) == 0x80 {
        start += 1;
    }
    let text = printable(clip_bytes(&line[start..], max_chars), max_chars);
    if start > 0 {
        format!("…{text}")
    } else {
        text
    }
}

/// Lines of `hay[from..]` with their numbers (the last may lack its `\n`).
struct Lines<'h> {
    hay: &'h [u8],
    pos: usize,
    line: u64,
}

impl<'h> Lines<'h> {
    fn new(hay: &'h [u8], from: usize, line: u64) -> Lines<'h> {
        Lines {
            hay,
            pos: from,
            line,
        }
    }
}

impl<'h> Iterator for Lines<'h> {
    type Item = (u64, &'h [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.hay.len() {
            return None;
        }
        let rest = &self.hay[self.pos..];
        let (bytes, next) = match memchr(b'\n', rest) {
            Some(i) => (&rest[..i], self.pos + i + 1),
            None => (rest, self.hay.len()),
        };
        let n = self.line;
        self.line += 1;
        self.pos = next;
        Some((n, bytes))
    }
}
