//! Which lines after a hit belong to its stack trace, per runtime, and how
//! raw log bytes become printable excerpt lines.
//!
//! A trace is collected line by line after the matched line; each runtime
//! has its own shape (Go goroutine dumps, Java `at` frames and `Caused by:`
//! chains, Python tracebacks that end on the exception line, Node `at`
//! frames and the `Node.js vX` footer, Rust panic messages and backtraces).
//! The rules below only look at the start of a line, so a collector never
//! needs more than the line in hand.

use super::catalog::TraceKind;

/// What to do with the next line of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Part of the trace.
    Take,
    /// The last line of the trace.
    TakeAndStop,
    /// Not part of it: the trace ended before this line.
    Stop,
}

/// The state of one trace being collected.
#[derive(Debug, Clone)]
pub struct TraceState {
    kind: TraceKind,
    /// Lines taken so far (after the matched line).
    taken: usize,
    blank_run: usize,
    /// Java: a frame was seen. Python: the exception line was seen.
    seen: bool,
}

impl TraceState {
    pub fn new(kind: TraceKind) -> TraceState {
        TraceState {
            kind,
            taken: 0,
            blank_run: 0,
            seen: false,
        }
    }

    /// Decides about the next line (raw bytes, without its line end).
    pub fn step(&mut self, line: &[u8]) -> Step {
        let line = trim_end(line);
        let blank = line.iter().all(|b| b.is_ascii_whitespace());
        if blank {
            self.blank_run += 1;
        }
        let step = match self.kind {
            TraceKind::Go => go(line, blank, self.blank_run),
            TraceKind::Java => {
                let s = java(line, blank, self.seen, self.taken);
                if s == Step::Take && is_java_frame(line) {
                    self.seen = true;
                }
                s
            }
            TraceKind::Python => {
                let (s, ended) = python(line, blank, self.seen);
                self.seen = ended;
                s
            }
            TraceKind::Node => node(line, blank, self.blank_run),
            TraceKind::Rust => rust(line, blank, self.taken),
        };
        if !blank {
            self.blank_run = 0;
        }
        if step != Step::Stop {
            self.taken += 1;
        }
        step
    }
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn indented(line: &[u8]) -> bool {
    matches!(line.first(), Some(b' ' | b'\t'))
}

fn trim_start(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

/// `main.main()`, `k8s.io/klog/v2.stacks(0xc000010001, 0x1c8)`,
/// `panic({0x1234, 0x5678})`: a Go function line of a goroutine trace.
fn is_go_function(line: &[u8]) -> bool {
    let Some(paren) = line.iter().position(|&b| b == b'(') else {
        return false;
    };
    paren > 0 && !line[..paren].contains(&b' ') && line.ends_with(b")")
}

fn go(line: &[u8], blank: bool, blank_run: usize) -> Step {
    if blank {
        // One blank line separates goroutines; two end the dump.
        return if blank_run <= 1 {
            Step::Take
        } else {
            Step::Stop
        };
    }
    const STARTS: &[&[u8]] = &[
        b"goroutine ",
        b"created by ",
        b"[signal ",
        b"panic: ",
        b"fatal error: ",
        b"runtime stack:",
        b"...additional frames elided...",
        b"[recovered]",
    ];
    if indented(line) || STARTS.iter().any(|p| line.starts_with(p)) || is_go_function(line) {
        Step::Take
    } else if line.starts_with(b"exit status ") {
        Step::TakeAndStop
    } else {
        Step::Stop
    }
}

fn is_java_frame(line: &[u8]) -> bool {
    let t = trim_start(line);
    indented(line) && (t.starts_with(b"at ") || t.starts_with(b"..."))
}

fn java(line: &[u8], blank: bool, frame_seen: bool, taken: usize) -> Step {
    if blank {
        return Step::Stop;
    }
    let t = trim_start(line);
    if is_java_frame(line)
        || t.starts_with(b"Caused by: ")
        || t.starts_with(b"Suppressed: ")
        || t.starts_with(b"Wrapped by: ")
    {
        return Step::Take;
    }
    // A message can run over a few lines before the first frame.
    if !frame_seen && taken < 3 {
        return Step::Take;
    }
    Step::Stop
}

/// Returns the step and whether the exception line has been seen.
fn python(line: &[u8], blank: bool, ended: bool) -> (Step, bool) {
    const CHAIN: &[&[u8]] = &[
        b"During handling of the above exception",
        b"The above exception was the direct cause",
        b"Traceback (most recent call last)",
    ];
    if blank {
        return (Step::Take, ended);
    }
    if CHAIN.iter().any(|p| line.starts_with(p)) {
        return (Step::Take, false);
    }
    if ended {
        return (Step::Stop, true);
    }
    if indented(line) {
        (Step::Take, false)
    } else {
        // `ValueError: …`: the exception line closes this traceback (a
        // chained one may follow after a blank line).
        (Step::Take, true)
    }
}

fn node(line: &[u8], blank: bool, blank_run: usize) -> Step {
    if blank {
        return if blank_run <= 1 {
            Step::Take
        } else {
            Step::Stop
        };
    }
    if line.starts_with(b"Node.js v") {
        return Step::TakeAndStop;
    }
    let t = line;
    if indented(line)
        || t.starts_with(b"}")
        || t.starts_with(b"[")
        || t.starts_with(b"Emitted 'error' event")
        || t.starts_with(b"node:")
        || is_js_error_head(t)
    {
        Step::Take
    } else {
        Step::Stop
    }
}

/// `Error: …`, `TypeError: …`, `SystemError [ERR_X]: …`.
fn is_js_error_head(line: &[u8]) -> bool {
    let word_end = line
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(line.len());
    let word = &line[..word_end];
    word.ends_with(b"Error") && matches!(line.get(word_end), Some(b':' | b' '))
}

fn rust(line: &[u8], blank: bool, taken: usize) -> Step {
    // Since Rust 1.73 the message is on the line after `panicked at`.
    if taken == 0 && !blank {
        return Step::Take;
    }
    if blank {
        return Step::Stop;
    }
    if line.starts_with(b"note: ") || line.starts_with(b"stack backtrace:") || indented(line) {
        Step::Take
    } else {
        Step::Stop
    }
}

/// Raw log bytes as a printable line: invalid UTF-8 decoded lossily, ANSI
/// escape sequences and `\r` removed, other control characters shown as
/// `?` (tabs kept), cut to `max` characters with a `…`.
pub fn printable(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(max + 4));
    let mut chars = text.chars().peekable();
    let mut n = 0;
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.peek() {
                // CSI: ESC [ params final-byte (colours: ESC[31m).
                Some('[') => {
                    chars.next();
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                // OSC: ESC ] … BEL or ESC \ (terminal titles, links).
                Some(']') => {
                    chars.next();
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' {
                            break;
                        }
                        if d == '\u{1b}' {
                            chars.next();
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            }
            continue;
        }
        if c == '\r' {
            continue;
        }
        if n == max {
            out.push('…');
            return out;
        }
        if c.is_control() && c != '\t' {
            out.push('?');
        } else {
            out.push(c);
        }
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(kind: TraceKind, text: &str) -> Vec<String> {
        let mut st = TraceState::new(kind);
        let mut out = Vec::new();
        for line in text.lines() {
            match st.step(line.as_bytes()) {
                Step::Take => out.push(line.to_string()),
                Step::TakeAndStop => {
                    out.push(line.to_string());
                    break;
                }
                Step::Stop => break,
            }
        }
        out
    }

    #[test]
    fn go_goroutine_dump_until_a_normal_line() {
        // From a real kube-rbac-proxy termination message (klog fatal).
        let text = "goroutine 1 [running]:\n\
k8s.io/klog/v2.stacks(0xc000010001, 0xc0001ce000, 0xc6, 0x1c8)\n\
\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:996 +0xb9\n\
k8s.io/klog/v2.Fatalf(...)\n\
\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:1463\n\
main.main()\n\
\t/go/src/github.com/brancz/kube-rbac-proxy/main.go:282 +0x1d12\n\
\n\
goroutine 6 [chan receive]:\n\
k8s.io/klog/v2.(*loggingT).flushDaemon(0x22a6180)\n\
\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:1131 +0x8b\n\
created by k8s.io/klog/v2.init.0\n\
\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:416 +0xd8\n\
I0707 11:26:29.000000       1 main.go:190] restarted\n";
        let got = collect(TraceKind::Go, text);
        assert_eq!(got.len(), 13);
        assert_eq!(
            got.last().unwrap(),
            "\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:416 +0xd8"
        );
    }

    #[test]
    fn python_traceback_ends_on_the_exception_line_with_chains() {
        let text = "  File \"/app/main.py\", line 3, in <module>\n    connect()\n\
ConnectionRefusedError: [Errno 111] Connection refused\n\
\n\
During handling of the above exception, another exception occurred:\n\
\n\
Traceback (most recent call last):\n  File \"/app/main.py\", line 5, in <module>\n    raise SystemExit(1)\n\
SystemExit: 1\n\
INFO next thing\n";
        let got = collect(TraceKind::Python, text);
        assert_eq!(got.last().unwrap(), "SystemExit: 1");
        assert_eq!(got.len(), 10);
    }

    #[test]
    fn java_frames_and_caused_by() {
        let text = "\tat com.example.App.main(App.java:10)\n\
\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n\
Caused by: java.net.ConnectException: Connection refused\n\
\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)\n\
\t... 12 more\n\
2024-05-01 10:00:01 INFO shutting down\n";
        let got = collect(TraceKind::Java, text);
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn node_until_the_version_footer() {
        let text = concat!(
            "    at Server.setupListenHandle [as _listen2] (node:net:1463:16)\n",
            "Emitted 'error' event on Server instance at:\n",
            "    at emitErrorNT (node:net:1442:8) {\n",
            "  code: 'EADDRINUSE',\n",
            "  port: 3000\n",
            "}\n",
            "\n",
            "Node.js v18.12.0\n",
            "after\n",
        );
        let got = collect(TraceKind::Node, text);
        assert_eq!(got.last().unwrap(), "Node.js v18.12.0");
    }

    #[test]
    fn rust_message_and_note() {
        let text = "called `Option::unwrap()` on a `None` value\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
2024-05-01T10:00:00Z INFO restarting\n";
        assert_eq!(collect(TraceKind::Rust, text).len(), 2);
    }

    #[test]
    fn printable_strips_ansi_cr_and_bad_utf8() {
        assert_eq!(printable(b"\x1b[31mERROR\x1b[0m boom\r", 100), "ERROR boom");
        assert_eq!(printable(b"a\xffb", 100), "a\u{fffd}b");
        assert_eq!(printable(b"\x1b]0;title\x07text", 100), "text");
        assert_eq!(printable(b"abcdef", 3), "abc…");
        assert_eq!(printable(b"a\x00b\tc", 10), "a?b\tc");
    }
}
