//! The catalog of failure signatures: what a line of a container log looks
//! like when something went wrong, each with a class, a severity, a short
//! explanation and a regex, plus the literals that make the scan fast.
//!
//! Signatures are written from what the runtimes really print (Go's
//! `panic:` and goroutine traces, the JVM's `Exception in thread`, CPython's
//! `Traceback (most recent call last):`, Node's `throw er; // Unhandled
//! 'error' event`, klog's `F0601 …` lines, glibc's `strerror` texts…).
//!
//! Matching rules, the same for built-in and user signatures:
//! - a regex is matched against one line, as raw bytes: `^` and `$` are line
//!   boundaries (a `\r` before `\n` counts as part of the line end), `\w`,
//!   `\d`, `\s`, `\b` and `(?i)` are ASCII-only, and `.` matches any byte
//!   but `\n` (so invalid UTF-8 never hides a match);
//! - every line that a signature's regex matches must contain one of its
//!   `literals` (a literal may start with `\n` to mean "at the start of a
//!   line"). The scanner first looks for the literals of all signatures at
//!   once and runs the regexes only on the few lines that hold one; that is
//!   what makes one pass over gigabytes of logs fast, the same trick ripgrep
//!   uses with the inner literals it extracts. A signature with no literals
//!   is searched with its full regex, which is correct but slower.

use crate::analyze::Severity;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Serialize;
use std::sync::LazyLock;

/// What kind of failure a signature points to (for grouping and advice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// A crash with a stack trace: panics, uncaught exceptions, tracebacks.
    StackTrace,
    /// A native crash: segmentation fault, core dump.
    Crash,
    /// A line logged at the fatal level.
    Fatal,
    /// Out of memory, or killed.
    Memory,
    /// The disk or file system: full, read-only.
    Storage,
    /// An operating-system limit: open files.
    Resource,
    /// A file that is missing or not accessible.
    Filesystem,
    /// The program cannot be started: wrong architecture, not found.
    Exec,
    /// A peer that refuses or does not answer, a port in use.
    Network,
    /// A name that does not resolve.
    Dns,
    /// TLS handshakes and certificates.
    Tls,
    /// Missing configuration or environment.
    Config,
    /// Anything else (user signatures).
    Other,
}

impl Class {
    pub const ALL: [Class; 13] = [
        Class::StackTrace,
        Class::Crash,
        Class::Fatal,
        Class::Memory,
        Class::Storage,
        Class::Resource,
        Class::Filesystem,
        Class::Exec,
        Class::Network,
        Class::Dns,
        Class::Tls,
        Class::Config,
        Class::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::StackTrace => "stack-trace",
            Class::Crash => "crash",
            Class::Fatal => "fatal",
            Class::Memory => "memory",
            Class::Storage => "storage",
            Class::Resource => "resource",
            Class::Filesystem => "filesystem",
            Class::Exec => "exec",
            Class::Network => "network",
            Class::Dns => "dns",
            Class::Tls => "tls",
            Class::Config => "config",
            Class::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How the lines after a hit are collected into its excerpt: a stack
/// trace of one runtime, or (`None`) a few lines of context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceKind {
    Go,
    Java,
    Python,
    Node,
    Rust,
}

impl TraceKind {
    pub const ALL: [TraceKind; 5] = [
        TraceKind::Go,
        TraceKind::Java,
        TraceKind::Python,
        TraceKind::Node,
        TraceKind::Rust,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TraceKind::Go => "go",
            TraceKind::Java => "java",
            TraceKind::Python => "python",
            TraceKind::Node => "node",
            TraceKind::Rust => "rust",
        }
    }

    pub fn parse(s: &str) -> Option<TraceKind> {
        TraceKind::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One failure signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// Stable kebab-case id.
    pub id: String,
    /// A few words for a person: "Go panic".
    pub title: String,
    pub class: Class,
    /// How bad the line is on its own. `Info` marks known noise: counted,
    /// never reported by itself.
    pub severity: Severity,
    /// A stack trace follows the matched line.
    pub trace: Option<TraceKind>,
    /// One or two sentences for a person: what it means, what to check.
    pub explanation: String,
    /// The regex (ripgrep syntax; see the module docs for the flags).
    pub regex: String,
    /// Strings one of which every matching line contains.
    pub literals: Vec<String>,
    /// False for signatures added with `--rules`.
    pub builtin: bool,
}

/// Flags every signature regex is compiled with (see the module docs).
fn regex_builder(pattern: &str) -> RegexBuilder {
    let mut b = RegexBuilder::new(pattern);
    b.multi_line(true).crlf(true).unicode(false);
    b
}

/// Compiles one signature regex with the catalog's flags (used to
/// validate user signatures).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    regex_builder(pattern).build().map_err(|e| e.to_string())
}

/// The search for candidate lines, run over every byte of every log.
#[derive(Debug, Clone)]
pub(crate) enum Prefilter {
    /// Every pattern is a literal (the built-in catalog): aho-corasick's
    /// packed searcher, a Teddy SIMD search that checks a hit against the
    /// literals of its bucket. Teddy keys on the first four bytes of each
    /// literal, so the built-in literals are chosen to *start* with bytes
    /// rare in log text (`efused`, not `connection`; `left on device`, not
    /// `space left`, whose `spac` every `namespace` holds; `aceback (most`,
    /// not `Traceback`, whose `Trac` starts the API server's `Trace[…]`), and
    /// go to the searcher in a tuned order (`PACKED_ORDER`); there are
    /// fewer than 64, past which aho-corasick gives up Teddy. The same
    /// literals as one regex alternation took ~10% more CPU in the scan: the
    /// regex crate trims them to three-byte prefixes and confirms each hit
    /// with its lazy DFA.
    Literals(aho_corasick::packed::Searcher),
    /// Some signature has no literal (a user rule): its regex joins the
    /// literals in one alternation.
    Regex(Regex),
}

impl Prefilter {
    /// Where the first candidate at or after `from` starts.
    pub(crate) fn find_at(&self, hay: &[u8], from: usize) -> Option<usize> {
        match self {
            Prefilter::Literals(s) => s
                .find_in(hay, aho_corasick::Span::from(from..hay.len()))
                .map(|m| m.start()),
            Prefilter::Regex(r) => r.find_at(hay, from).map(|m| m.start()),
        }
    }
}

/// A literal and the signatures it stands for, each with whether the
/// literal is a whole alternative of its regex (then finding it is a match,
/// with no regex to run).
#[derive(Debug, Clone)]
pub(crate) struct Lit {
    pub bytes: Vec<u8>,
    pub sigs: Vec<(usize, bool)>,
}

/// The signatures in use, compiled for one pass over a log.
#[derive(Debug, Clone)]
pub struct Catalog {
    sigs: Vec<Signature>,
    /// Every signature at once: which ones match a candidate line (used
    /// when some signature has no literals).
    pub(crate) set: RegexSet,
    /// Each signature alone: a candidate line is checked only against the
    /// signatures whose literals it holds.
    pub(crate) regexes: Vec<Regex>,
    /// Finds candidate lines: the literals of every signature (and the
    /// regexes of those without literals). See [`Prefilter`].
    pub(crate) prefilter: Option<Prefilter>,
    /// The prefilter's literals, in the order its searcher was given them.
    packed_literals: Vec<String>,
    /// Prefilter literals by first byte.
    by_first: Vec<Vec<Lit>>,
    /// Literals that must start a line (given with a leading `\n`): found
    /// with a separate two-byte search, not in the prefilter, where a
    /// leading `\n` would make every line a candidate.
    line_starts: Vec<Lit>,
    line_start_first: [bool; 256],
    /// One finder per distinct first byte of the line-start literals,
    /// for `\n` followed by that byte (memchr's two-byte search, which
    /// looks for the rarer byte); hits are then checked in full.
    pub(crate) line_start_finders: Vec<memchr::memmem::Finder<'static>>,
    /// Every signature has literals (else candidate lines go through `set`).
    pub(crate) all_literal: bool,
}

fn add_lit(v: &mut Vec<Lit>, bytes: &[u8], sig: usize, exact: bool) {
    match v.iter_mut().find(|l| l.bytes == bytes) {
        Some(l) => {
            if !l.sigs.iter().any(|s| s.0 == sig) {
                l.sigs.push((sig, exact));
            }
        }
        None => v.push(Lit {
            bytes: bytes.to_vec(),
            sigs: vec![(sig, exact)],
        }),
    }
}

/// The top-level alternatives of a regex (`a|b(c|d)|e` gives `a`,
/// `b(c|d)`, `e`), respecting escapes, groups and classes.
fn alternatives(re: &str) -> Vec<&str> {
    let b = re.as_bytes();
    let (mut depth, mut class, mut i, mut from) = (0usize, false, 0usize, 0usize);
    let mut out = Vec::new();
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' if !class => class = true,
            b']' if class => class = false,
            b'(' if !class => depth += 1,
            b')' if !class => depth = depth.saturating_sub(1),
            b'|' if !class && depth == 0 => {
                out.push(&re[from..i]);
                from = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&re[from..]);
    out
}

impl Catalog {
    /// Compiles a catalog. Ids must be unique.
    pub fn new(sigs: Vec<Signature>) -> Result<Catalog, String> {
        let mut seen = std::collections::BTreeSet::new();
        for s in &sigs {
            if !seen.insert(s.id.as_str()) {
                return Err(format!("duplicate signature id {}", s.id));
            }
        }
        let set = RegexSetBuilder::new(sigs.iter().map(|s| s.regex.as_str()))
            .multi_line(true)
            .crlf(true)
            .unicode(false)
            // The set holds every signature at once; the default size
            // limit is meant for one regex.
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        let regexes = sigs
            .iter()
            .map(|s| compile(&s.regex).map_err(|e| format!("signature {}: {e}", s.id)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut alts: Vec<String> = Vec::new();
        let mut literals: Vec<&str> = Vec::new();
        let mut by_first: Vec<Vec<Lit>> = vec![Vec::new(); 256];
        let mut line_starts: Vec<Lit> = Vec::new();
        for (i, s) in sigs.iter().enumerate() {
            if s.literals.is_empty() {
                alts.push(format!("(?:{})", s.regex));
            }
            for l in &s.literals {
                let exact = alternatives(&s.regex).contains(&regex::escape(l).as_str());
                match l.strip_prefix('\n') {
                    Some(rest) if !rest.is_empty() => {
                        add_lit(&mut line_starts, rest.as_bytes(), i, false)
                    }
                    _ if l.is_empty() => {}
                    _ => {
                        alts.push(regex::escape(l));
                        literals.push(l);
                        add_lit(
                            &mut by_first[l.as_bytes()[0] as usize],
                            l.as_bytes(),
                            i,
                            exact,
                        );
                    }
                }
            }
        }
        alts.sort();
        alts.dedup();
        let mut line_start_first = [false; 256];
        for l in &line_starts {
            line_start_first[l.bytes[0] as usize] = true;
        }
        // Each literal once, in the order tuned for the built-ins (see
        // `PACKED_ORDER`); other literals (user rules) follow in the order
        // of their signatures. The order changes only the speed.
        let mut once = std::collections::BTreeSet::new();
        literals.retain(|l| once.insert(*l));
        literals.sort_by_key(|l| {
            PACKED_ORDER
                .iter()
                .position(|p| p == l)
                .unwrap_or(usize::MAX)
        });
        let packed_literals: Vec<String> = literals.iter().map(|l| l.to_string()).collect();
        // Only literals: the packed searcher, unless this CPU has no Teddy
        // (then `build` says so and the regex does the same job).
        let all_literal = sigs.iter().all(|s| !s.literals.is_empty());
        let packed = (all_literal && !literals.is_empty())
            .then(|| {
                aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(&literals)
                    .build()
            })
            .flatten();
        let prefilter = match packed {
            _ if alts.is_empty() => None,
            Some(s) => Some(Prefilter::Literals(s)),
            None => Some(Prefilter::Regex(
                regex_builder(&alts.join("|"))
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|e| e.to_string())?,
            )),
        };
        let mut firsts: Vec<u8> = line_starts.iter().map(|l| l.bytes[0]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let line_start_finders = firsts
            .into_iter()
            .map(|b| memchr::memmem::Finder::new(&[b'\n', b]).into_owned())
            .collect();
        Ok(Catalog {
            sigs,
            set,
            regexes,
            prefilter,
            packed_literals,
            by_first,
            line_starts,
            line_start_first,
            line_start_finders,
            all_literal,
        })
    }

    /// Calls `f` with each signature of a line-start literal that begins
    /// `rest`.
    #[inline]
    pub(crate) fn line_start_sigs(&self, rest: &[u8], mut f: impl FnMut(usize, bool)) {
        if rest
            .first()
            .is_some_and(|&b| self.line_start_first[b as usize])
        {
            for l in self
                .line_starts
                .iter()
                .filter(|l| rest.starts_with(&l.bytes))
            {
                l.sigs.iter().for_each(|&(i, exact)| f(i, exact));
            }
        }
    }

    /// Calls `f` with each signature of a prefilter literal that begins
    /// `rest`.
    #[inline]
    pub(crate) fn literal_sigs(&self, rest: &[u8], mut f: impl FnMut(usize, bool)) {
        if let Some(&b) = rest.first() {
            for l in self.by_first[b as usize]
                .iter()
                .filter(|l| rest.starts_with(&l.bytes))
            {
                l.sigs.iter().for_each(|&(i, exact)| f(i, exact));
            }
        }
    }

    /// The built-in signatures, compiled once.
    pub fn builtin() -> &'static Catalog {
        static BUILTIN: LazyLock<Catalog> = LazyLock::new(|| {
            Catalog::new(builtin_signatures()).expect("built-in signatures compile")
        });
        &BUILTIN
    }

    /// The literals the prefilter searches for (line-start literals
    /// aside), in the order the packed searcher was given them (see
    /// `PACKED_ORDER`; `examples/literal_order.rs` tunes it).
    pub fn packed_literals(&self) -> &[String] {
        &self.packed_literals
    }

    pub fn signatures(&self) -> &[Signature] {
        &self.sigs
    }

    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Signature> {
        self.sigs.iter().find(|s| s.id == id)
    }

    /// One pattern per line, for `rg -c -f FILE` over the same logs (the
    /// side-by-side benchmark). Each carries `(?-u)` so ripgrep matches
    /// bytes as this scanner does.
    pub fn rg_patterns(&self) -> String {
        let mut out = String::new();
        for s in &self.sigs {
            out.push_str("(?-u)");
            out.push_str(&s.regex);
            out.push('\n');
        }
        out
    }
}

struct Def {
    id: &'static str,
    title: &'static str,
    class: Class,
    severity: Severity,
    trace: Option<TraceKind>,
    explanation: &'static str,
    patterns: &'static [&'static str],
    literals: &'static [&'static str],
}

/// The built-in signatures. Order matters only to break ties when two
/// signatures explain the same line: the more specific comes first.
pub fn builtin_signatures() -> Vec<Signature> {
    DEFS.iter()
        .map(|d| Signature {
            id: d.id.to_string(),
            title: d.title.to_string(),
            class: d.class,
            severity: d.severity,
            trace: d.trace,
            explanation: d.explanation.to_string(),
            regex: d.patterns.join("|"),
            literals: d.literals.iter().map(|s| s.to_string()).collect(),
            builtin: true,
        })
        .collect()
}

use Severity::{Critical, Info, Warning};

/// The order in which the built-in literals go to the packed searcher.
///
/// Teddy, the SIMD search behind it, sorts literals into 16 buckets (8 for
/// up to 32 literals): aho-corasick 1.x puts the i-th literal into bucket
/// `15 - i % 16`, unless one before it has the same low nybbles in its first
/// four bytes. At each position it tests the first four bytes against every
/// bucket *nybble by nybble*, so a bucket accepts each byte that mixes the
/// high and low nybbles of any of its literals, and every position it
/// accepts is then verified byte by byte. Which literals share a bucket
/// therefore decides how many positions are verified: on real cluster logs
/// that were not among the samples, the same literals verified ~22,000
/// positions per MB in the order of the signatures and ~1,800 in this
/// order, and Teddy ran 2-3x as fast.
/// `examples/literal_order.rs` finds this order from sample logs (see
/// BENCHMARKS.md); a test checks that it lists exactly the built-in
/// literals. Only speed depends on it.
const PACKED_ORDER: &[&str] = &[
    "in $PATH",
    "memory",
    "nv var",
    "efused",
    "i/o timeout",
    "rify failed",
    "already in use",
    "-only file",
    "Exception",
    "getaddrinfo ",
    "med out",
    "Killed",
    "mmand not found",
    "solve",
    "ig file",
    "oo many open",
    "TIMEDOUT",
    "denied",
    "x509",
    "uch ",
    "UnhandledPromise",
    "rmitted",
    "porary failure",
    "EFUSED",
    "xec format",
    "fatal",
    "Unhandled 'error'",
    "(core dumped)",
    "[emerg]",
    "issing ",
    "misbehav",
    "t known",
    "tls: ",
    "nexistent dir",
    "must be ",
    "killed",
    "ig File",
    "left on device",
    "exceeded",
    "Error",
    "SEGV",
    "aceback (most",
    ": not found",
    "SSL routines",
    "panic",
    "FATAL",
    "egmentation",
    "ronment var",
];

const DEFS: &[Def] = &[
    Def {
        id: "go-panic",
        title: "Go panic",
        class: Class::StackTrace,
        severity: Critical,
        trace: Some(TraceKind::Go),
        explanation: "A Go program panicked (a nil pointer dereference, an index out of range, or an explicit panic) and exited with code 2; the goroutine trace shows where.",
        patterns: &[
            r"^panic: ",
        ],
        literals: &["panic"],
    },
    Def {
        id: "go-fatal-error",
        title: "Go runtime fatal error",
        class: Class::StackTrace,
        severity: Critical,
        trace: Some(TraceKind::Go),
        explanation: "The Go runtime stopped the program with an unrecoverable error (concurrent map writes, out of memory, all goroutines asleep, stack overflow).",
        patterns: &[
            r"^fatal error: ",
        ],
        literals: &["fatal"],
    },
    Def {
        id: "go-recovered-panic",
        title: "recovered Go panic",
        class: Class::StackTrace,
        severity: Info,
        trace: Some(TraceKind::Go),
        explanation: "A panic in a request handler or a controller was caught and logged; the process kept running (Kubernetes components log this when a request times out).",
        patterns: &[
            r"Observed a panic: ",
            r"http: panic serving ",
            r"[Rr]ecovered from panic",
        ],
        literals: &["panic"],
    },
    Def {
        id: "java-out-of-memory",
        title: "Java OutOfMemoryError",
        class: Class::Memory,
        severity: Critical,
        trace: Some(TraceKind::Java),
        explanation: "The JVM ran out of memory (heap, metaspace or native threads). Raise -Xmx or MaxRAMPercentage together with the container memory limit, or find the leak.",
        patterns: &[
            r"OutOfMemoryError",
        ],
        literals: &["Error"],
    },
    Def {
        id: "java-uncaught-exception",
        title: "uncaught Java exception",
        class: Class::StackTrace,
        severity: Critical,
        trace: Some(TraceKind::Java),
        explanation: "A Java thread died of an uncaught exception; when it is the main thread the JVM exits. The exception and its `Caused by:` chain name the cause.",
        patterns: &[
            r#"Exception in thread "[^"]*" "#,
        ],
        literals: &["Exception"],
    },
    Def {
        id: "java-exception",
        title: "Java exception",
        class: Class::StackTrace,
        severity: Warning,
        trace: Some(TraceKind::Java),
        explanation: "A Java exception with its stack trace. At the end of the log of a container that stopped it is usually the reason; the last `Caused by:` is the root cause.",
        patterns: &[
            r"^\s*Caused by: [\w$.]*(?:Exception|Error)\b",
            r"(?:^|[\s:(\[])(?:java|javax|jakarta|sun|com|org|io|net|kotlin|scala|akka|reactor|feign|software|ch|de|fr|nl|uk|co|me|dev)\.(?:[\w$]+\.)+[A-Z][\w$]*(?:Exception|Error)\b",
        ],
        literals: &["Exception", "Error"],
    },
    Def {
        id: "python-traceback",
        title: "Python traceback",
        class: Class::StackTrace,
        severity: Warning,
        trace: Some(TraceKind::Python),
        explanation: "A Python exception with its traceback; the exception on its last line is the error. At the end of the log of a container that stopped, it is why the process exited.",
        patterns: &[
            r"Traceback \(most recent call last\):",
        ],
        literals: &["aceback (most"],
    },
    Def {
        id: "node-unhandled-error",
        title: "unhandled Node.js error",
        class: Class::StackTrace,
        severity: Critical,
        trace: Some(TraceKind::Node),
        explanation: "Node.js stopped on an unhandled exception, an unhandled promise rejection or an unhandled 'error' event; the error below the marker is the cause.",
        patterns: &[
            r"throw er; // Unhandled 'error' event",
            r"\[UnhandledPromiseRejection: ",
            r"triggerUncaughtException\(",
        ],
        literals: &["Unhandled 'error'", "UnhandledPromise", "Exception"],
    },
    Def {
        id: "node-error",
        title: "JavaScript error",
        class: Class::StackTrace,
        severity: Warning,
        trace: Some(TraceKind::Node),
        explanation: "A JavaScript error with its stack (`at …` frames): a bug such as reading a property of undefined, a missing module, or a rejected promise nobody handled.",
        patterns: &[
            r"TypeError: (?:Cannot (?:read|set) propert(?:y|ies) of (?:undefined|null)|\S+ is not (?:a function|a constructor|iterable))",
            r"ReferenceError: \S+ is not defined",
            r"RangeError: Maximum call stack size exceeded",
            r"Error: Cannot find module '",
            r"UnhandledPromiseRejectionWarning: ",
            r"SyntaxError: Unexpected token",
        ],
        literals: &["Error", "UnhandledPromise"],
    },
    Def {
        id: "rust-panic",
        title: "Rust panic",
        class: Class::StackTrace,
        severity: Critical,
        trace: Some(TraceKind::Rust),
        explanation: "A Rust program panicked (an unwrap of an error or None, an index out of bounds, an explicit panic); the location and message follow.",
        patterns: &[
            r"thread '[^']*' panicked at ",
        ],
        literals: &["panic"],
    },
    Def {
        id: "segfault",
        title: "segmentation fault or core dump",
        class: Class::Crash,
        severity: Critical,
        trace: None,
        explanation: "A native crash: the process was killed by SIGSEGV (a segmentation fault: a bug in native code, a library built for another CPU or libc) or dumped core (exit code 139, or 134 for an abort).",
        patterns: &[
            r"Segmentation fault",
            r"SIGSEGV",
            r"segmentation violation",
            r"\(core dumped\)",
        ],
        literals: &["egmentation", "SEGV", "(core dumped)"],
    },
    Def {
        id: "out-of-memory",
        title: "out of memory",
        class: Class::Memory,
        severity: Critical,
        trace: None,
        explanation: "The process ran out of memory: an allocation failed or the kernel's OOM killer stepped in. Raise the memory limit (and the runtime's heap setting) or find what grows.",
        patterns: &[
            r"[Oo]ut of memory",
            r"[Cc]annot allocate memory",
            r"OOMKilled",
            r"^MemoryError\b",
            r"memory allocation of \d+ bytes failed",
        ],
        literals: &["memory", "Killed", "Error"],
    },
    Def {
        id: "killed",
        title: "process killed",
        class: Class::Memory,
        severity: Warning,
        trace: None,
        explanation: "A process was killed with SIGKILL (a shell prints `Killed`): usually the OOM killer inside the container's memory limit, sometimes a timeout.",
        patterns: &[
            r"^Killed\s*$",
            r"\d+ Killed\s",
            r"signal: killed",
        ],
        literals: &["Killed", "killed"],
    },
    Def {
        id: "no-space-left",
        title: "no space left on device",
        class: Class::Storage,
        severity: Critical,
        trace: None,
        explanation: "A write failed because the disk or volume is full (or out of inodes, or a quota is reached). Free space on the volume or the node, or make the volume larger.",
        patterns: &[
            r"[Nn]o space left on device",
            r"[Dd]isk quota exceeded",
        ],
        literals: &["left on device", "exceeded"],
    },
    Def {
        id: "too-many-open-files",
        title: "too many open files",
        class: Class::Resource,
        severity: Critical,
        trace: None,
        explanation: "The process hit its limit of open file descriptors (or inotify instances). Look for a descriptor leak, or raise the limit (ulimit -n, fs.inotify.max_user_instances on the node).",
        patterns: &[
            r"[Tt]oo many open files",
        ],
        literals: &["oo many open"],
    },
    Def {
        id: "read-only-filesystem",
        title: "read-only file system",
        class: Class::Storage,
        severity: Warning,
        trace: None,
        explanation: "A write went to a read-only file system: readOnlyRootFilesystem is set and no writable volume (emptyDir) is mounted there, or a volume is mounted read-only or was remounted read-only after disk errors.",
        patterns: &[
            r"[Rr]ead-only file ?system",
        ],
        literals: &["-only file"],
    },
    Def {
        id: "permission-denied",
        title: "permission denied",
        class: Class::Filesystem,
        severity: Warning,
        trace: None,
        explanation: "The process was not allowed to open, write or run something: file ownership against runAsUser/fsGroup, a missing capability, SELinux/AppArmor, or a privileged port as non-root.",
        patterns: &[
            r"[Pp]ermission denied",
            r"[Oo]peration not permitted",
            r"AccessDeniedException",
        ],
        literals: &["denied", "rmitted", "Exception"],
    },
    Def {
        id: "no-such-file",
        title: "missing file or directory",
        class: Class::Filesystem,
        severity: Warning,
        trace: None,
        explanation: "A file or directory the process needs does not exist: a volume, ConfigMap or Secret not mounted where expected, a wrong path, or a script with Windows line ends in its shebang.",
        patterns: &[
            r"[Nn]o such file or directory",
            r"FileNotFound(?:Exception|Error)",
            r"nonexistent directory",
        ],
        literals: &["uch ", "Exception", "Error", "nexistent dir"],
    },
    Def {
        id: "exec-format-error",
        title: "exec format error (wrong architecture)",
        class: Class::Exec,
        severity: Critical,
        trace: None,
        explanation: "The binary is for another CPU architecture (an amd64 image on an arm64 node, or the reverse), or a script lacks its #! line. Build a multi-arch image or pin the node architecture.",
        patterns: &[
            r"exec format error",
        ],
        literals: &["xec format"],
    },
    Def {
        id: "command-not-found",
        title: "command not found",
        class: Class::Exec,
        severity: Warning,
        trace: None,
        explanation: "A command the container runs is not in the image or not on its PATH: a wrong command or args in the pod spec, or a slimmer base image without that tool.",
        patterns: &[
            r"sh: (?:\d+: |line \d+: )?[^\s:]+: (?:command )?not found",
            r": command not found",
            r"executable file not found in \$PATH",
        ],
        literals: &[": not found", "mmand not found", "in $PATH"],
    },
    Def {
        id: "connection-refused",
        title: "connection refused",
        class: Class::Network,
        severity: Warning,
        trace: None,
        explanation: "A connection was refused: nothing listens at that address (the service it depends on is down or not ready yet, a wrong port, or a Service without endpoints).",
        patterns: &[
            r"Connection refused",
            r"connection refused",
            r"ECONNREFUSED",
        ],
        literals: &["efused", "EFUSED"],
    },
    Def {
        id: "dns-failure",
        title: "DNS lookup failure",
        class: Class::Dns,
        severity: Warning,
        trace: None,
        explanation: "A host name did not resolve: a wrong service name or namespace, a Service that does not exist, or cluster DNS (CoreDNS) down or unreachable.",
        patterns: &[
            r"no such host",
            r"[Nn]ame or service not known",
            r"Temporary failure in name resolution",
            r"server misbehaving",
            r"UnknownHostException",
            r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN)",
            r"[Cc]ould not resolve host",
        ],
        literals: &["uch ", "t known", "porary failure", "misbehav", "Exception", "getaddrinfo ", "solve"],
    },
    Def {
        id: "network-timeout",
        title: "network timeout",
        class: Class::Network,
        severity: Warning,
        trace: None,
        explanation: "A network call timed out (i/o timeout, context deadline exceeded): the peer is overloaded or unreachable, a NetworkPolicy or firewall drops the packets, or the timeout is too short.",
        patterns: &[
            r"i/o timeout",
            r"context deadline exceeded",
            r"Client\.Timeout exceeded",
            r"\bETIMEDOUT\b",
            r"[Cc]onnection timed out",
            r"SocketTimeoutException",
            r"Read timed out",
        ],
        literals: &["i/o timeout", "exceeded", "TIMEDOUT", "med out", "Exception"],
    },
    Def {
        id: "tls-error",
        title: "TLS or certificate error",
        class: Class::Tls,
        severity: Warning,
        trace: None,
        explanation: "A TLS handshake or certificate check failed: an expired or self-signed certificate, a CA bundle that lacks the issuer, a name mismatch, or plain HTTP spoken to an HTTPS port.",
        patterns: &[
            r"x509: ",
            r"tls: (?:failed|bad|first record|handshake|unknown|private key|no |internal error|protocol|oversized|received|unexpected|certificate|illegal|unsupported|expired)",
            r"SSLHandshakeException",
            r"SSL routines",
            r"[Cc]ertificate verify failed",
            r"SSLError",
        ],
        literals: &["x509", "tls: ", "Exception", "SSL routines", "rify failed", "Error"],
    },
    Def {
        id: "address-in-use",
        title: "address already in use",
        class: Class::Network,
        severity: Critical,
        trace: None,
        explanation: "The process could not listen on its port because something else already does: two processes or containers in the pod on the same port, hostNetwork, or a restart too quick for the old socket.",
        patterns: &[
            r"[Aa]ddress already in use",
            r"BindException",
        ],
        literals: &["already in use", "Exception"],
    },
    Def {
        id: "nginx-emerg",
        title: "nginx [emerg] error",
        class: Class::Fatal,
        severity: Critical,
        trace: None,
        explanation: "nginx refused to start: an `[emerg]` error in its configuration (an upstream host that does not resolve, a missing file or certificate, a port in use, a syntax error).",
        patterns: &[
            r"\[emerg\]",
        ],
        literals: &["[emerg]"],
    },
    Def {
        id: "klog-fatal",
        title: "fatal klog error",
        class: Class::Fatal,
        severity: Critical,
        trace: Some(TraceKind::Go),
        explanation: "A Kubernetes-style Go program (klog) logged a fatal error and exited, often followed by a dump of its goroutines; the `F` line says why (lost leader election, bad flags, missing certificates).",
        patterns: &[
            r"^F[01]\d{3} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\s\]]+:\d+\] ",
        ],
        literals: &["\nF0", "\nF1"],
    },
    Def {
        id: "fatal-log",
        title: "FATAL log line",
        class: Class::Fatal,
        severity: Critical,
        trace: None,
        explanation: "A line logged at the fatal level: the program met an error it does not survive (or, for a database, refused a client). The text of the line says why.",
        patterns: &[
            r"\bFATAL\b",
            r"\blevel=fatal\b",
            r#""(?:level|severity|lvl)"\s*:\s*"fatal""#,
            r"^fatal: ",
        ],
        literals: &["FATAL", "fatal"],
    },
    Def {
        id: "missing-config",
        title: "missing configuration",
        class: Class::Config,
        severity: Warning,
        trace: None,
        explanation: "The program is missing configuration: an environment variable, a config file or a required setting. Check the pod's env, envFrom, ConfigMaps and Secrets and where they are mounted.",
        patterns: &[
            r#"[Ee]nv(?:ironment)? var(?:iable)?s? (?:["'`]?[\w.-]+["'`]? )?(?:is |was |are )?(?:not set|not defined|missing|required|unset|must be set)"#,
            r"[Mm]issing (?:required|mandatory) ",
            r"[Cc]onfig [Ff]ile[^\n]{0,200}?(?:[Nn]ot [Ff]ound|does not exist|is missing|(?:cannot|could not) be (?:read|found|loaded))",
            r"KeyError: '[A-Z][A-Z0-9_]{2,}'",
            r"must be (?:set|specified|provided)",
            r"[Cc]ould not resolve placeholder '",
        ],
        literals: &["nv var", "ronment var", "issing ", "ig file", "ig File", "Error", "must be ", "solve"],
    },
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Lines each signature must match, as the runtimes print them.
    pub(crate) const EXAMPLES: &[(&str, &str)] = &[
        ("go-panic", "panic: runtime error: invalid memory address or nil pointer dereference"),
        ("go-panic", "panic: assignment to entry in nil map"),
        ("go-fatal-error", "fatal error: concurrent map writes"),
        ("go-fatal-error", "fatal error: all goroutines are asleep - deadlock!"),
        ("go-recovered-panic", "E0929 06:01:08.387975       1 runtime.go:78] Observed a panic: &errors.errorString{s:\"killing connection/stream because serving request timed out and response had been started\"}"),
        ("go-recovered-panic", "2024/05/01 10:00:00 http: panic serving 10.244.0.1:51234: runtime error: index out of range [3] with length 3"),
        ("java-out-of-memory", "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space"),
        ("java-out-of-memory", "java.lang.OutOfMemoryError: Metaspace"),
        ("java-uncaught-exception", "Exception in thread \"main\" java.lang.IllegalStateException: Failed to load ApplicationContext"),
        ("java-exception", "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null"),
        ("java-exception", "Caused by: org.postgresql.util.PSQLException: Connection to localhost:5432 refused."),
        ("java-exception", "2024-05-01 10:00:00.123 ERROR 1 --- [main] o.s.boot.SpringApplication : Application run failed: org.springframework.beans.factory.BeanCreationException: Error creating bean"),
        ("java-exception", "\tCaused by: java.net.ConnectException: Connection refused"),
        ("python-traceback", "Traceback (most recent call last):"),
        ("node-unhandled-error", "      throw er; // Unhandled 'error' event"),
        ("node-unhandled-error", "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"boom\".] {"),
        ("node-unhandled-error", "            triggerUncaughtException(err, true /* fromPromise */);"),
        ("node-error", "TypeError: Cannot read properties of undefined (reading 'map')"),
        ("node-error", "TypeError: this.client.connect is not a function"),
        ("node-error", "ReferenceError: fetch is not defined"),
        ("node-error", "Error: Cannot find module 'express'"),
        ("node-error", "(node:1) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 127.0.0.1:5432"),
        ("rust-panic", "thread 'main' panicked at src/main.rs:12:37:"),
        ("rust-panic", "thread 'tokio-runtime-worker' panicked at 'called `Result::unwrap()` on an `Err` value: Os { code: 2 }', src/config.rs:20:10"),
        ("segfault", "Segmentation fault (core dumped)"),
        ("segfault", "/entrypoint.sh: line 12:     7 Segmentation fault      /app/server"),
        ("segfault", "# SIGSEGV (0xb) at pc=0x00007f2b1c2d3e4f, pid=1, tid=7"),
        ("segfault", "Aborted (core dumped)"),
        ("out-of-memory", "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
        ("out-of-memory", "fatal error: runtime: out of memory"),
        ("out-of-memory", "ERROR: could not fork new process for connection: Cannot allocate memory"),
        ("out-of-memory", "MemoryError"),
        ("out-of-memory", "memory allocation of 1073741824 bytes failed"),
        ("killed", "Killed"),
        ("killed", "/docker-entrypoint.sh: line 8:    23 Killed                  java -jar app.jar"),
        ("killed", "Error: signal: killed"),
        ("no-space-left", "write /data/wal/00000001: no space left on device"),
        ("no-space-left", "PANIC:  could not write to file \"pg_wal/xlogtemp.27\": No space left on device"),
        ("too-many-open-files", "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in 5ms"),
        ("too-many-open-files", "failed to create fsnotify watcher: too many open files"),
        ("read-only-filesystem", "mkdir /var/cache/nginx/client_temp: read-only file system"),
        ("read-only-filesystem", "OSError: [Errno 30] Read-only file system: '/app/logs'"),
        ("permission-denied", "iptables v1.6.2: can't initialize iptables table `nat': Permission denied"),
        ("permission-denied", "nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)"),
        ("permission-denied", "chown: changing ownership of '/data': Operation not permitted"),
        ("no-such-file", "error loading certificate: open /etc/tls/private/tls.crt: no such file or directory"),
        ("no-such-file", "/usr/bin/env: 'python': No such file or directory"),
        ("no-such-file", "Error: ENOENT: no such file or directory, open '/app/config.json'"),
        ("no-such-file", "Could not chdir to home directory /nonexistent: No such file or directory"),
        ("exec-format-error", "exec /usr/local/bin/app: exec format error"),
        ("exec-format-error", "standard_init_linux.go:228: exec user process caused: exec format error"),
        ("command-not-found", "/bin/sh: 1: gunicorn: not found"),
        ("command-not-found", "/bin/bash: line 1: wget: command not found"),
        ("command-not-found", "sh: curl: not found"),
        ("command-not-found", "exec: \"wge\": executable file not found in $PATH"),
        ("connection-refused", "dial tcp 10.96.0.1:443: connect: connection refused"),
        ("connection-refused", "Error: connect ECONNREFUSED 127.0.0.1:6379"),
        ("connection-refused", "psycopg2.OperationalError: could not connect to server: Connection refused"),
        ("dns-failure", "lookup alertmanager-main-0.alertmanager-operated on 172.30.0.10:53: no such host"),
        ("dns-failure", "dial tcp: lookup db on 10.96.0.10:53: server misbehaving"),
        ("dns-failure", "socket.gaierror: [Errno -3] Temporary failure in name resolution"),
        ("dns-failure", "java.net.UnknownHostException: kafka-0.kafka-headless: Name or service not known"),
        ("dns-failure", "Error: getaddrinfo ENOTFOUND redis"),
        ("network-timeout", "Get https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0: dial tcp 10.96.0.1:443: i/o timeout"),
        ("network-timeout", "error retrieving resource lock: context deadline exceeded"),
        ("network-timeout", "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"),
        ("tls-error", "x509: certificate signed by unknown authority"),
        ("tls-error", "remote error: tls: bad certificate"),
        ("tls-error", "http: TLS handshake error from 10.0.0.5:41234: tls: first record does not look like a TLS handshake"),
        ("tls-error", "javax.net.ssl.SSLHandshakeException: PKIX path building failed"),
        ("tls-error", "requests.exceptions.SSLError: HTTPSConnectionPool(host='api', port=443): Max retries exceeded ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate)"),
        ("address-in-use", "listen tcp :8080: bind: address already in use"),
        ("address-in-use", "Error: listen EADDRINUSE: address already in use :::3000"),
        ("address-in-use", "java.net.BindException: Address already in use"),
        ("nginx-emerg", "2024/05/01 10:00:00 [emerg] 1#1: host not found in upstream \"backend:8080\" in /etc/nginx/conf.d/default.conf:12"),
        ("nginx-emerg", "nginx: [emerg] cannot load certificate \"/etc/nginx/tls.crt\""),
        ("klog-fatal", "F0709 09:19:25.235782       1 server.go:217] leaderelection lost"),
        ("klog-fatal", "F1123 04:05:06.000001    4242 main.go:282] Failed to initialize certificate reloader"),
        ("fatal-log", "2024-05-01 10:00:00.000 UTC [1] FATAL:  password authentication failed for user \"app\""),
        ("fatal-log", "time=\"2024-05-01T10:00:00Z\" level=fatal msg=\"cannot connect to database\""),
        ("fatal-log", "{\"level\":\"fatal\",\"ts\":1714557600.1,\"msg\":\"failed to start manager\"}"),
        ("fatal-log", "fatal: unable to access 'https://github.com/x/y.git/': Could not resolve host: github.com"),
        ("missing-config", "Error: environment variable DATABASE_URL is not set"),
        ("missing-config", "DATABASE_URL environment variable is required"),
        ("missing-config", "panic: required env var \"API_KEY\" missing"),
        ("missing-config", "Error: missing required configuration: spring.datasource.url"),
        ("missing-config", "Config File \"config\" Not Found in \"[/app /etc/app]\""),
        ("missing-config", "KeyError: 'DATABASE_URL'"),
        ("missing-config", "--kubeconfig or --master must be specified"),
        ("missing-config", "Could not resolve placeholder 'db.url' in value \"${db.url}\""),
    ];

    /// Lines no signature may match (benign look-alikes).
    const BENIGN: &[&str] = &[
        "I0308 08:49:02.561656       1 reflector.go:205] Listing and watching *v1.Service",
        "level=info ts=2022-01-03T12:52:54Z caller=operator.go:1218 msg=\"sync prometheus\"",
        "2019-03-08T08:48:37.554Z [INFO] CoreDNS-1.2.6",
        "tls: true",
        "Tokenizer loaded: errors=0",
        "INFO: no errors found, Error count 0",
        "Fatalities: none",
        "the handler recovered and continues",
        "Killed process count: 0 (all good)",
    ];

    #[test]
    fn every_builtin_compiles_and_ids_are_kebab_case_and_unique() {
        let c = Catalog::builtin();
        assert!(c.len() >= 25);
        for s in c.signatures() {
            assert!(
                s.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{} is not kebab-case",
                s.id
            );
            assert!(s.explanation.len() > 40, "{}: explanation too short", s.id);
            assert!(!s.literals.is_empty(), "{}: built-ins have literals", s.id);
            compile(&s.regex).unwrap();
            assert!(
                !compile(&s.regex).unwrap().is_match(b""),
                "{} matches an empty line",
                s.id
            );
        }
    }

    #[test]
    fn examples_match_their_signature_and_hold_one_of_its_literals() {
        let c = Catalog::builtin();
        for (id, line) in EXAMPLES {
            let sig = c.get(id).unwrap_or_else(|| panic!("no signature {id}"));
            let re = compile(&sig.regex).unwrap();
            assert!(re.is_match(line.as_bytes()), "{id} does not match {line:?}");
            // The prefilter contract: a matching line holds a literal (a
            // leading \n stands for the start of the line).
            let with_nl = format!("\n{line}");
            assert!(
                sig.literals.iter().any(|l| with_nl.contains(l.as_str())),
                "{id}: no literal in {line:?}"
            );
            // And every other signature that matches holds a literal too.
            for other in c.signatures() {
                if compile(&other.regex).unwrap().is_match(line.as_bytes()) {
                    assert!(
                        other.literals.iter().any(|l| with_nl.contains(l.as_str())),
                        "{}: matches {line:?} but no literal is in it",
                        other.id
                    );
                }
            }
        }
        // Every built-in has at least one example.
        for s in c.signatures() {
            assert!(
                EXAMPLES.iter().any(|(id, _)| *id == s.id),
                "{} has no example",
                s.id
            );
        }
    }

    #[test]
    fn benign_lines_match_nothing() {
        let c = Catalog::builtin();
        for line in BENIGN {
            let m: Vec<&str> = c
                .set
                .matches(line.as_bytes())
                .iter()
                .map(|i| c.signatures()[i].id.as_str())
                .collect();
            assert!(m.is_empty(), "{line:?} matched {m:?}");
        }
    }

    #[test]
    fn alternatives_split_at_top_level_only() {
        assert_eq!(
            alternatives(r"a|b(c|d)|[|]|e\|f"),
            ["a", "b(c|d)", "[|]", r"e\|f"]
        );
        let c = Catalog::builtin();
        let exact: Vec<&str> = c
            .by_first
            .iter()
            .flatten()
            .filter(|l| l.sigs.iter().any(|s| s.1))
            .map(|l| std::str::from_utf8(&l.bytes).unwrap())
            .collect();
        assert!(
            exact.contains(&"i/o timeout") && exact.contains(&"(core dumped)"),
            "{exact:?}"
        );
        assert!(!exact.contains(&"Exception"));
    }

    #[test]
    fn the_packed_order_lists_exactly_the_builtin_literals() {
        // A literal added to a signature without a place in PACKED_ORDER
        // would only be slower; this says to run examples/literal_order.rs.
        let c = Catalog::builtin();
        let mut order: Vec<&str> = PACKED_ORDER.to_vec();
        order.sort_unstable();
        let before = order.len();
        order.dedup();
        assert_eq!(order.len(), before, "PACKED_ORDER repeats a literal");
        let mut packed: Vec<&str> = c.packed_literals().iter().map(String::as_str).collect();
        packed.sort_unstable();
        assert_eq!(
            packed, order,
            "the built-in literals changed: run examples/literal_order.rs and update PACKED_ORDER"
        );
        // And the searcher gets them in that order.
        assert!(c.packed_literals().iter().eq(PACKED_ORDER.iter()));
    }

    #[test]
    fn user_literals_follow_the_builtin_ones_in_signature_order() {
        let mut sigs = builtin_signatures();
        for (id, lit) in [("b-user", "zzz-second"), ("a-user", "aaa-first")] {
            sigs.push(Signature {
                id: id.into(),
                title: "user".into(),
                class: Class::Fatal,
                severity: Severity::Warning,
                trace: None,
                explanation: "a user signature for the test".into(),
                regex: regex::escape(lit),
                literals: vec![lit.into(), "panic".into()],
                builtin: false,
            });
        }
        let c = Catalog::new(sigs).unwrap();
        let packed = c.packed_literals();
        assert_eq!(packed.len(), PACKED_ORDER.len() + 2);
        assert!(packed[..PACKED_ORDER.len()].iter().eq(PACKED_ORDER.iter()));
        assert_eq!(&packed[PACKED_ORDER.len()..], ["zzz-second", "aaa-first"]);
    }

    #[test]
    fn rg_patterns_has_one_line_per_signature() {
        let c = Catalog::builtin();
        let p = c.rg_patterns();
        assert_eq!(p.lines().count(), c.len());
        for line in p.lines() {
            compile(line).unwrap();
        }
    }
}
