//! Splitting a single-stream dump (what `kubectl cluster-info dump` writes
//! to stdout) into its documents and log blocks (dump-format.md section 5).
//!
//! The stream is scanned once, front to back, with flat memory: documents
//! are recorded as byte ranges (parsed later, in parallel) and log bodies
//! are skipped at `memmem` speed by searching their exact END marker. A JSON
//! document is `{` on its own line up to the first line that is exactly `}`
//! (Go's MarshalIndent indents everything inside, and JSON strings hold no
//! raw newline, so this split is exact). A YAML document runs to the next
//! `---` or START line. Anything else at top level is noise (stderr merged
//! by the user's shell, a shell prompt) and is reported, not fatal.

use super::fwd::{count_newlines_in, Fwd};
use super::lists::DocFormat;
use super::logs::{self, Context, LogSection};
use super::{snippet, Problem};
use memchr::memmem::Finder;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// One thing found at the top level of a stream.
#[derive(Debug)]
pub enum Part {
    Doc {
        start: u64,
        end: u64,
        /// 1-based line of the document's first line.
        line: u64,
        format: DocFormat,
    },
    Log(LogSection),
}

#[derive(Debug, Default)]
pub struct StreamScan {
    pub parts: Vec<Part>,
    pub problems: Vec<Problem>,
    /// `Cluster info dumped to …` (kubectl 1.3–1.18), if present.
    pub trailer: Option<String>,
    /// Lines at top level that belong to no document or block.
    pub noise_lines: u64,
}

const MAX_REPORTED_NOISE: u64 = 20;

/// Scans the stream file at `path`, starting `skip` bytes in (a BOM).
pub fn scan(path: &Path, name: &str, skip: u64) -> io::Result<StreamScan> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(skip))?;
    let mut fwd = Fwd::at(file, skip, 0, false);
    let mut out = StreamScan::default();
    let json_end = Finder::new(b"\n}");
    let yaml_ends = [
        Finder::new(b"\n---"),
        Finder::new(b"\n==== START logs for "),
    ];
    let mut pos = skip;
    loop {
        if fwd.is_eof_at(pos)? {
            break;
        }
        let line_no = fwd.line_number(pos)?;
        let (line, next) = fwd.line(pos, 4096)?;
        if line == b"{" {
            let (end, after, complete) = json_doc_end(&mut fwd, &json_end, pos)?;
            if !complete {
                out.problems.push(Problem::at_line(
                    name,
                    line_no,
                    "JSON document is cut off at the end of the stream".into(),
                ));
            }
            out.parts.push(Part::Doc {
                start: pos,
                end,
                line: line_no,
                format: DocFormat::Json,
            });
            pos = after;
        } else if line.starts_with(b"---") && line[3..].iter().all(u8::is_ascii_whitespace) {
            pos = next;
        } else if is_yaml_start(&line) {
            let end = match find_any(&mut fwd, &yaml_ends, next)? {
                Some(at) => at + 1,
                None => fwd.end_of_input(next)?,
            };
            out.parts.push(Part::Doc {
                start: pos,
                end,
                line: line_no,
                format: DocFormat::Yaml,
            });
            pos = end;
        } else if let Some(marker) = logs::parse_start(&line) {
            let mut end = logs::find_block_end(&mut fwd, next, &marker, Context::Stream)?;
            if !end.complete {
                if let Some((at, after)) = end.first_rejected {
                    // No END passed the check, but one exists: what follows
                    // it is unexpected, yet it is far likelier the end of
                    // this block than the whole rest of the stream.
                    out.problems.push(Problem::at_line(
                        name,
                        line_no,
                        format!(
                            "END marker of container {} is followed by unexpected content",
                            marker.container.as_deref().unwrap_or("(all)")
                        ),
                    ));
                    fwd = rewind(path, after)?;
                    end.body_end = at;
                    end.next = after;
                    end.complete = true;
                    end.fetch_error = None;
                    end.trailing_newline = byte_before(path, at)? == Some(b'\n') || at == next;
                } else {
                    out.problems.push(Problem::at_line(
                        name,
                        line_no,
                        format!(
                            "log of container {} in pod {}/{} has no END marker: the stream was cut",
                            marker.container.as_deref().unwrap_or("(all)"),
                            marker.namespace,
                            marker.pod
                        ),
                    ));
                }
            }
            out.parts.push(Part::Log(LogSection {
                namespace: marker.namespace,
                pod: marker.pod,
                container: marker.container,
                file: name.to_string(),
                body_start: next,
                body_end: end.body_end,
                start_line: line_no,
                fetch_error: end.fetch_error,
                trailing_newline: end.trailing_newline,
                complete: end.complete,
            }));
            pos = end.next;
        } else if line.starts_with(b"Cluster info dumped to") {
            out.trailer = Some(String::from_utf8_lossy(&line).into_owned());
            pos = next;
        } else if line.iter().all(u8::is_ascii_whitespace) {
            pos = next;
        } else {
            out.noise_lines += 1;
            if out.noise_lines <= MAX_REPORTED_NOISE {
                let what = if logs::is_stderr_noise(&line) {
                    "stderr line merged into the stream"
                } else {
                    "unexpected line outside any document or log block"
                };
                out.problems.push(Problem::at_line(
                    name,
                    line_no,
                    format!("{what}: {}", snippet(&line)),
                ));
            }
            pos = next;
        }
    }
    if out.noise_lines > MAX_REPORTED_NOISE {
        out.problems.push(Problem::file(
            name,
            format!(
                "{} more unexpected lines outside documents were skipped",
                out.noise_lines - MAX_REPORTED_NOISE
            ),
        ));
    }
    Ok(out)
}

/// kubectl's YAML printer sorts keys, so a document opens with
/// `apiVersion:`; pre-1.11 internal lists open with `Items:`.
fn is_yaml_start(line: &[u8]) -> bool {
    ["apiVersion:", "items:", "Items:", "kind:", "metadata:"]
        .iter()
        .any(|k| line.starts_with(k.as_bytes()))
}

/// The end of the JSON document starting at `start`: the first line that
/// is exactly `}`. Returns (end of `}`, start of the next line, complete).
fn json_doc_end<R: Read>(
    fwd: &mut Fwd<R>,
    finder: &Finder<'_>,
    start: u64,
) -> io::Result<(u64, u64, bool)> {
    let mut from = start;
    loop {
        let Some(at) = fwd.find(finder, from)? else {
            let end = fwd.end_of_input(from)?;
            return Ok((end, end, false));
        };
        let close = at + 2;
        let tail = fwd.peek(close, 2)?;
        let next = if tail.is_empty() {
            Some(close)
        } else if tail[0] == b'\n' {
            Some(close + 1)
        } else if tail.starts_with(b"\r\n") {
            Some(close + 2)
        } else {
            None
        };
        if let Some(next) = next {
            return Ok((close, next, true));
        }
        from = at + 1;
    }
}

/// The first match of any of `finders` at or after `from`.
fn find_any<R: Read>(
    fwd: &mut Fwd<R>,
    finders: &[Finder<'_>],
    from: u64,
) -> io::Result<Option<u64>> {
    // Scan window by window for the earliest of the needles; windows
    // overlap by the longest needle so no match straddles two.
    let mut best: Option<u64> = None;
    let mut pos = from;
    loop {
        let window = fwd.peek(pos, 1 << 20)?.to_vec();
        if window.is_empty() {
            return Ok(best);
        }
        for f in finders {
            if let Some(i) = f.find(&window) {
                let at = pos + i as u64;
                best = Some(best.map_or(at, |b| b.min(at)));
            }
        }
        if best.is_some() {
            return Ok(best);
        }
        let longest = finders.iter().map(|f| f.needle().len()).max().unwrap_or(1) as u64;
        if (window.len() as u64) < (1 << 20) {
            return Ok(None);
        }
        pos += window.len() as u64 - (longest - 1);
    }
}

fn rewind(path: &Path, at: u64) -> io::Result<Fwd<File>> {
    let lines = count_newlines_in(&mut File::open(path)?.take(at))?;
    let mut f = File::open(path)?;
    f.seek(SeekFrom::Start(at))?;
    Ok(Fwd::at(f, at, lines, false))
}

fn byte_before(path: &Path, at: u64) -> io::Result<Option<u8>> {
    if at == 0 {
        return Ok(None);
    }
    use std::os::unix::fs::FileExt;
    let mut b = [0u8];
    let n = File::open(path)?.read_at(&mut b, at - 1)?;
    Ok((n == 1).then_some(b[0]))
}
