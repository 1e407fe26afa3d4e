//! Container log sections: the `==== START/END logs for container … ====`
//! grammar of dump-format.md section 4.1, for `<ns>/<pod>/logs.txt` files and
//! for the log blocks of a single-stream dump.
//!
//! Logs are kept as byte ranges into their files, never copied: a dump can
//! hold gigabytes of them. A body is raw bytes and may contain anything,
//! including lines that imitate markers, so a block ends at the first exact
//! END string for *its* container that is followed by end of input or by
//! something that can only come after a block (a START line, and in a stream
//! also the next document). A log without a final newline is glued to its END
//! marker, so END is searched as a string, not as a line.

use super::fwd::Fwd;
use super::Problem;
use memchr::memmem::Finder;
use serde::Serialize;
use std::io::{self, Read};

pub const START_PREFIX: &[u8] = b"==== START logs for ";
const MARKER_SUFFIX: &[u8] = b" ====";
/// Marker lines are short (three DNS names); longer lines are not markers.
const MAX_MARKER_LINE: usize = 2048;
/// A fetch-error body is one line; a longer body is a log that happens to
/// start with the same words.
const MAX_ERROR_LINE: usize = 16 * 1024;
const ERROR_PREFIXES: [&[u8]; 2] = [b"Request log error: ", b"Create log request error: "];

/// One container's log inside the dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogSection {
    pub namespace: String,
    pub pod: String,
    /// `None` for kubectl ≤1.6 per-pod blocks, which name no container.
    pub container: Option<String>,
    /// File relative to the dump root (or the stream file's name).
    pub file: String,
    /// Byte range of the body in `file`.
    pub body_start: u64,
    pub body_end: u64,
    /// 1-based line of the START marker in `file`.
    pub start_line: u64,
    /// The message of a `Request log error:` / `Create log request error:`
    /// body: the log could not be fetched when the dump was taken.
    pub fetch_error: Option<String>,
    /// False when the body does not end with a newline (glued to END).
    pub trailing_newline: bool,
    /// False when no END marker was found (a cut file).
    pub complete: bool,
}

impl LogSection {
    pub fn len(&self) -> u64 {
        self.body_end - self.body_start
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Has a real log (not empty, not a fetch error)?
    pub fn has_log(&self) -> bool {
        self.fetch_error.is_none() && !self.is_empty()
    }
}

/// The names in a START or END marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub container: Option<String>,
    pub namespace: String,
    pub pod: String,
}

impl Marker {
    /// The exact END text for this block, without the line end.
    pub fn end_text(&self) -> Vec<u8> {
        match &self.container {
            Some(c) => format!(
                "==== END logs for container {c} of pod {}/{} ====",
                self.namespace, self.pod
            ),
            None => format!("==== END logs for {}/{} ====", self.namespace, self.pod),
        }
        .into_bytes()
    }
}

/// Parses a START line (`==== START logs for container C of pod NS/P ====`,
/// or the pre-1.7 `==== START logs for NS/P ====`).
pub fn parse_start(line: &[u8]) -> Option<Marker> {
    parse_marker(line, START_PREFIX)
}

fn parse_marker(line: &[u8], prefix: &[u8]) -> Option<Marker> {
    let rest = line.strip_prefix(prefix)?.strip_suffix(MARKER_SUFFIX)?;
    let rest = std::str::from_utf8(rest).ok()?;
    let (container, target) = match rest.strip_prefix("container ") {
        Some(r) => {
            let (c, t) = r.split_once(" of pod ")?;
            (Some(c), t)
        }
        None => (None, rest),
    };
    let (ns, pod) = target.split_once('/')?;
    let valid = |s: &str| !s.is_empty() && !s.contains([' ', '/']);
    if !valid(ns) || !valid(pod) || container.is_some_and(|c| !valid(c)) {
        return None;
    }
    Some(Marker {
        container: container.map(str::to_string),
        namespace: ns.to_string(),
        pod: pod.to_string(),
    })
}

/// What may follow a block's END line.
#[derive(Debug, Clone, Copy)]
pub enum Context<'a> {
    /// Inside `<ns>/<pod>/logs.txt`: only another block of the same pod.
    PodFile { namespace: &'a str, pod: &'a str },
    /// Inside a single-stream dump: another block or the next document,
    /// possibly after stderr noise merged in by the user's shell.
    Stream,
}

/// Where a block ended.
#[derive(Debug)]
pub struct BlockEnd {
    pub body_end: u64,
    /// Offset after the END line (where the next thing starts).
    pub next: u64,
    pub complete: bool,
    pub trailing_newline: bool,
    /// Exact END strings that were rejected because of what followed them.
    pub rejected_ends: u32,
    /// The first rejected END: a stream falls back to it when no END passes.
    pub first_rejected: Option<(u64, u64)>,
    pub fetch_error: Option<String>,
}

/// Finds the end of the block whose body starts at `body_start`.
pub fn find_block_end<R: Read>(
    fwd: &mut Fwd<R>,
    body_start: u64,
    marker: &Marker,
    ctx: Context<'_>,
) -> io::Result<BlockEnd> {
    // Look at the start of the body before the window moves past it.
    let error_line = {
        let head = fwd.peek(body_start, 32)?;
        if ERROR_PREFIXES.iter().any(|p| head.starts_with(p)) {
            let (line, next) = fwd.line(body_start, MAX_ERROR_LINE)?;
            Some((line, next))
        } else {
            None
        }
    };
    let end_text = marker.end_text();
    let finder = Finder::new(&end_text);
    let mut from = body_start;
    let mut rejected = 0;
    let mut first_rejected = None;
    loop {
        let Some(at) = fwd.find(&finder, from)? else {
            // No END: the file was cut. The body runs to the end.
            let end = fwd.end_of_input(from)?;
            return Ok(BlockEnd {
                body_end: end,
                next: end,
                trailing_newline: end == body_start || fwd.byte_before(end) == Some(b'\n'),
                complete: false,
                rejected_ends: rejected,
                first_rejected,
                fetch_error: None,
            });
        };
        let newline_before = at == body_start || fwd.byte_before(at) == Some(b'\n');
        let after = at + end_text.len() as u64;
        let tail = fwd.peek(after, 2)?;
        let line_end = if tail.is_empty() {
            Some(after)
        } else if tail[0] == b'\n' {
            Some(after + 1)
        } else if tail.starts_with(b"\r\n") {
            Some(after + 2)
        } else {
            None
        };
        if let Some(next) = line_end {
            if follows_block(fwd, next, ctx)? {
                let fetch_error = error_line.as_ref().and_then(|(line, line_next)| {
                    (*line_next == at).then(|| String::from_utf8_lossy(line).into_owned())
                });
                return Ok(BlockEnd {
                    body_end: at,
                    next,
                    trailing_newline: newline_before,
                    complete: true,
                    rejected_ends: rejected,
                    first_rejected,
                    fetch_error,
                });
            }
            if first_rejected.is_none() {
                first_rejected = Some((at, next));
            }
        }
        rejected += 1;
        from = at + 1;
    }
}

/// Can a block end just before `pos`? Looks ahead without moving the
/// window past `pos`, since the caller goes on from there.
fn follows_block<R: Read>(fwd: &mut Fwd<R>, pos: u64, ctx: Context<'_>) -> io::Result<bool> {
    let anchor = pos;
    let mut pos = pos;
    // In a stream, merged stderr can put a few lines between writes.
    for _ in 0..16 {
        if fwd.look(anchor, pos, 1)?.is_empty() {
            return Ok(true);
        }
        let Some((line, next)) = fwd.short_line(anchor, pos, MAX_MARKER_LINE)? else {
            return Ok(false);
        };
        if let Some(m) = parse_start(&line) {
            return Ok(match ctx {
                Context::PodFile { namespace, pod } => m.namespace == namespace && m.pod == pod,
                Context::Stream => true,
            });
        }
        match ctx {
            Context::PodFile { .. } => return Ok(false),
            Context::Stream => {
                if starts_document(&line) || line.starts_with(b"Cluster info dumped to") {
                    return Ok(true);
                }
                if !is_stderr_noise(&line) {
                    return Ok(false);
                }
            }
        }
        pos = next;
    }
    Ok(false)
}

/// A line that opens a document in a stream: `{` (JSON), `---` or a
/// top-level YAML key (kubectl sorts keys, so `apiVersion:` comes first).
pub fn starts_document(line: &[u8]) -> bool {
    line == b"{"
        || line.starts_with(b"---")
        || line.starts_with(b"apiVersion:")
        || line.starts_with(b"Items:")
        || line.starts_with(b"items:")
}

/// Lines a user's shell can merge into a stdout dump: klog lines
/// (`W0218 12:34:56.789012   61323 exec.go:203] …`), `Warning: …`,
/// `error: …`, and kubectl's `Error from server …`.
pub fn is_stderr_noise(line: &[u8]) -> bool {
    is_klog(line)
        || line.starts_with(b"Warning: ")
        || line.starts_with(b"error: ")
        || line.starts_with(b"Error from server")
}

fn is_klog(line: &[u8]) -> bool {
    // L MMDD hh:mm:ss.uuuuuu
    line.len() > 22
        && matches!(line[0], b'I' | b'W' | b'E' | b'F')
        && line[1..5].iter().all(u8::is_ascii_digit)
        && line[5] == b' '
        && line[8] == b':'
        && line[11] == b':'
        && line[14] == b'.'
}

/// The sections of one logs.txt, the problems met, its size and SHA-256.
pub type SplitFile = (Vec<LogSection>, Vec<Problem>, u64, [u8; 32]);

/// Splits one `<ns>/<pod>/logs.txt` into its container sections, in one
/// pass that also hashes the file. Returns the sections, the problems met,
/// the file size and its SHA-256.
pub fn split_pod_file<R: Read>(
    src: R,
    file: &str,
    namespace: &str,
    pod: &str,
) -> io::Result<SplitFile> {
    let mut fwd = Fwd::new(src, true);
    let mut sections = Vec::new();
    let mut problems = Vec::new();
    let start_finder = Finder::new(b"\n==== START logs for ");
    let mut pos = 0u64;
    while !fwd.is_eof_at(pos)? {
        let start_line = fwd.line_number(pos)?;
        let (line, next) = fwd.line(pos, MAX_MARKER_LINE)?;
        let Some(marker) = parse_start(&line) else {
            // Not a block: report and skip to the next START line.
            problems.push(Problem::at_line(
                file,
                start_line,
                format!(
                    "unexpected content outside a container log block: {}",
                    super::snippet(&line)
                ),
            ));
            match fwd.find(&start_finder, pos)? {
                Some(nl) => pos = nl + 1,
                None => break,
            }
            continue;
        };
        if marker.namespace != namespace || marker.pod != pod {
            problems.push(Problem::at_line(
                file,
                start_line,
                format!(
                    "log block for pod {}/{} inside the folder of pod {namespace}/{pod}",
                    marker.namespace, marker.pod
                ),
            ));
        }
        let ctx = Context::PodFile {
            namespace: &marker.namespace,
            pod: &marker.pod,
        };
        let end = find_block_end(&mut fwd, next, &marker, ctx)?;
        let body = next..end.body_end;
        if !end.complete {
            problems.push(Problem::at_line(
                file,
                start_line,
                format!(
                    "log of container {} has no END marker: the file was cut{}",
                    marker.container.as_deref().unwrap_or("(all)"),
                    if end.rejected_ends > 0 {
                        format!(
                            " ({} END markers were followed by unexpected content)",
                            end.rejected_ends
                        )
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        sections.push(LogSection {
            namespace: marker.namespace,
            pod: marker.pod,
            container: marker.container,
            file: file.to_string(),
            body_start: body.start,
            body_end: body.end,
            start_line,
            fetch_error: end.fetch_error,
            trailing_newline: end.trailing_newline,
            complete: end.complete,
        });
        pos = end.next;
    }
    let (size, hash) = fwd.finish()?;
    Ok((sections, problems, size, hash.expect("hashing was on")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(c: &str) -> String {
        format!("==== START logs for container {c} of pod ns/p ====\n")
    }
    fn end(c: &str) -> String {
        format!("==== END logs for container {c} of pod ns/p ====\n")
    }

    fn split(text: &[u8]) -> (Vec<LogSection>, Vec<Problem>) {
        let (s, p, size, _) = split_pod_file(text, "ns/p/logs.txt", "ns", "p").unwrap();
        assert_eq!(size, text.len() as u64);
        (s, p)
    }

    fn body<'a>(text: &'a [u8], s: &LogSection) -> &'a [u8] {
        &text[s.body_start as usize..s.body_end as usize]
    }

    #[test]
    fn two_containers_and_glued_end() {
        let text = format!(
            "{}one\ntwo\n{}{}no newline{}",
            start("a"),
            end("a"),
            start("b"),
            end("b")
        );
        let (s, p) = split(text.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.len(), 2);
        assert_eq!(body(text.as_bytes(), &s[0]), b"one\ntwo\n");
        assert!(s[0].trailing_newline);
        assert_eq!(body(text.as_bytes(), &s[1]), b"no newline");
        assert!(!s[1].trailing_newline);
        assert_eq!(s[1].start_line, 5);
    }

    #[test]
    fn marker_lookalikes_inside_a_body() {
        // The body of `a` quotes an END for itself followed by junk, then a
        // fake START for another pod: neither ends the block.
        let inner = format!(
            "x\n{}junk\n==== START logs for container z of pod other/q ====\n",
            end("a")
        );
        let text = format!(
            "{}{inner}{}{}b-log\n{}",
            start("a"),
            end("a"),
            start("b"),
            end("b")
        );
        let (s, p) = split(text.as_bytes());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.len(), 2);
        assert_eq!(body(text.as_bytes(), &s[0]), inner.as_bytes());
        assert_eq!(body(text.as_bytes(), &s[1]), b"b-log\n");
    }

    #[test]
    fn fetch_errors_and_empty_logs() {
        let text = format!(
            "{}Request log error: the server rejected our request for an unknown reason (get pods p)\n{}{}{}",
            start("a"),
            end("a"),
            start("b"),
            end("b")
        );
        let (s, _) = split(text.as_bytes());
        assert_eq!(
            s[0].fetch_error.as_deref(),
            Some("Request log error: the server rejected our request for an unknown reason (get pods p)")
        );
        assert!(!s[0].has_log());
        assert!(s[1].is_empty() && s[1].fetch_error.is_none());
    }

    #[test]
    fn a_log_that_merely_starts_like_an_error_is_a_log() {
        let text = format!(
            "{}Request log error: x\nmore lines\n{}",
            start("a"),
            end("a")
        );
        let (s, _) = split(text.as_bytes());
        assert!(s[0].fetch_error.is_none());
        assert!(s[0].has_log());
    }

    #[test]
    fn truncated_file_keeps_the_body_to_the_end() {
        let text = format!("{}line 1\nline 2 cut he", start("a"));
        let (s, p) = split(text.as_bytes());
        assert_eq!(s.len(), 1);
        assert!(!s[0].complete);
        assert_eq!(body(text.as_bytes(), &s[0]), b"line 1\nline 2 cut he");
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("no END marker"));
    }

    #[test]
    fn crlf_and_binary_bodies() {
        let mut text = start("a").into_bytes();
        text.extend_from_slice(b"\x1b[31mred\x1b[0m\r\n\xff\xfe\x00bin\r\n");
        text.extend_from_slice(end("a").as_bytes());
        let (s, p) = split(&text);
        assert!(p.is_empty());
        assert_eq!(
            body(&text, &s[0]),
            b"\x1b[31mred\x1b[0m\r\n\xff\xfe\x00bin\r\n"
        );
    }

    #[test]
    fn garbage_between_blocks_is_reported_and_skipped() {
        let text = format!("garbage line\n{}ok\n{}", start("a"), end("a"));
        let (s, p) = split(text.as_bytes());
        assert_eq!(s.len(), 1);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, Some(1));
    }

    #[test]
    fn legacy_per_pod_markers() {
        let text = "==== START logs for ns/p ====\nhello\n==== END logs for ns/p ====\n";
        let (s, p) = split(text.as_bytes());
        assert!(p.is_empty());
        assert_eq!(s[0].container, None);
        assert_eq!(body(text.as_bytes(), &s[0]), b"hello\n");
    }

    #[test]
    fn marker_parsing() {
        let m =
            parse_start(b"==== START logs for container c-1 of pod kube-system/p.x ====").unwrap();
        assert_eq!(m.container.as_deref(), Some("c-1"));
        assert_eq!(m.namespace, "kube-system");
        assert_eq!(m.pod, "p.x");
        assert!(parse_start(b"==== START logs for container a b of pod n/p ====").is_none());
        assert!(parse_start(b"==== START logs for container c of pod n/p").is_none());
    }
}

#[cfg(test)]
mod long_line_tests {
    use super::*;

    #[test]
    fn long_garbage_line_before_a_block() {
        let mut text = vec![b'g'; 100_000];
        text.extend_from_slice(b"\n==== START logs for container a of pod ns/p ====\nok\n==== END logs for container a of pod ns/p ====\n");
        let (s, p, _, _) = split_pod_file(&text[..], "f", "ns", "p").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(p.len(), 1);
    }
}
