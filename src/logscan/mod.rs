//! Log forensics: one fast pass over every container log with a catalog of
//! failure signatures, exact line numbers, excerpts with stack traces, the
//! signature that explains a crash, user signatures (`--rules`), and the
//! redaction of secrets in whatever is shown.
//!
//! - [`catalog`]: the signatures ([`Catalog::builtin`]) and their matching
//!   rules; [`Catalog::rg_patterns`] gives the same patterns to ripgrep.
//! - [`scan`]: the scanner of one log ([`scan_reader`]), with flat memory.
//! - [`scan_all`] here: every log of a dump, in parallel with rayon; the
//!   result is aligned with `DumpIndex::logs`.
//! - [`user_rules`]: the `--rules FILE` format ([`load_user_rules`]).
//! - [`redact`]: [`Redactor`], for every report.
//!
//! From a benchmark: `let ix = coroner::open(dir)?; let scan =
//! logscan::scan_all(&ix, logscan::Catalog::builtin());` and, for ripgrep,
//! write `Catalog::builtin().rg_patterns()` to a file and run `rg -c -f FILE
//! -g logs.txt DIR` (or [`scan_file`] on one big file).

pub mod catalog;
pub mod redact;
pub mod scan;
pub mod trace;
pub mod user_rules;

pub use catalog::{Catalog, Class, Signature, TraceKind};
pub use redact::Redactor;
pub use scan::{
    scan_bytes, scan_in_place, scan_reader, Excerpt, ScanOptions, SectionScan, SignatureHits,
};
pub use user_rules::{load_user_rules, parse_user_rules, UserRules};

use crate::dump::logs::LogSection;
use crate::dump::Dump;
use crate::index::DumpIndex;
use rayon::prelude::*;
use serde::Serialize;
use std::cell::RefCell;
use std::path::Path;

/// The scan of every log of a dump: `sections[i]` is the scan of
/// `DumpIndex::logs[i]`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogScan {
    pub sections: Vec<SectionScan>,
}

impl LogScan {
    pub fn get(&self, i: usize) -> Option<&SectionScan> {
        self.sections.get(i)
    }

    /// The scan of a section of `ix.logs` (found by address, so it must be
    /// a reference into that vector, as `DumpIndex::log_for` returns).
    pub fn of(&self, ix: &DumpIndex, section: &LogSection) -> Option<&SectionScan> {
        let i = index_in(&ix.logs, section)?;
        self.sections.get(i)
    }

    /// Total bytes and lines scanned.
    pub fn totals(&self) -> (u64, u64) {
        self.sections
            .iter()
            .fold((0, 0), |(b, l), s| (b + s.bytes, l + s.lines))
    }
}

/// The index of `item` in `slice`, when it is a reference into it.
fn index_in<T>(slice: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let base = slice.as_ptr() as usize;
    let addr = item as *const T as usize;
    let off = addr.checked_sub(base)?;
    let i = off / size;
    (off % size == 0 && i < slice.len() && std::ptr::eq(&slice[i], item)).then_some(i)
}

thread_local! {
    /// One read buffer per rayon thread, reused for every log.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Scans every log of the dump with `catalog`, in parallel.
pub fn scan_all(ix: &DumpIndex, catalog: &Catalog) -> LogScan {
    scan_sections(&ix.dump, &ix.logs, catalog, &ScanOptions::default())
}

/// Scans `sections` of `dump` (results in the same order).
pub fn scan_sections(
    dump: &Dump,
    sections: &[LogSection],
    catalog: &Catalog,
    opts: &ScanOptions,
) -> LogScan {
    let sections = sections
        .par_iter()
        .map(|s| scan_section(dump, s, catalog, opts))
        .collect();
    LogScan { sections }
}

/// Scans one log section of a loaded dump.
pub fn scan_section(
    dump: &Dump,
    section: &LogSection,
    catalog: &Catalog,
    opts: &ScanOptions,
) -> SectionScan {
    scan_section_with(section, catalog, opts, |scan| {
        dump.with_log_reader(section, |r| Ok(scan(r)))
    })
}

/// Scans one log section, not at all when it is empty or its log was not
/// fetched. `read_body` runs the scan it is given on a reader of the body:
/// a loaded dump's, a file's while the dump is being read, or bytes in
/// memory. A read error is kept in the result, with what was scanned.
pub fn scan_section_with(
    section: &LogSection,
    catalog: &Catalog,
    opts: &ScanOptions,
    read_body: impl FnOnce(
        &mut dyn FnMut(&mut dyn std::io::Read) -> SectionScan,
    ) -> std::io::Result<SectionScan>,
) -> SectionScan {
    if !section.has_log() {
        return SectionScan::default();
    }
    let first_line = section.start_line + 1;
    BUFFER.with(|buf| {
        let mut buf = buf.borrow_mut();
        read_body(&mut |r| scan_reader(r, first_line, catalog, opts, &mut buf)).unwrap_or_else(
            |e| SectionScan {
                error: Some(e.to_string()),
                ..SectionScan::default()
            },
        )
    })
}

/// Scans one log section whose whole file is in memory (`file`), in place
/// when the body follows a newline, as it does after a START marker.
pub fn scan_section_in(
    section: &LogSection,
    file: &[u8],
    catalog: &Catalog,
    opts: &ScanOptions,
) -> SectionScan {
    let (start, end) = (section.body_start as usize, section.body_end as usize);
    let in_place = section.has_log()
        && start >= 1
        && start <= end
        && end <= file.len()
        && file[start - 1] == b'\n';
    if in_place {
        return scan_in_place(&file[start - 1..end], section.start_line + 1, catalog, opts);
    }
    scan_section_with(section, catalog, opts, |scan| {
        Ok(scan(&mut file.get(start..end).unwrap_or_default()))
    })
}

/// Scans a whole file as one log whose first line is line 1 (benchmarks).
pub fn scan_file(
    path: &Path,
    catalog: &Catalog,
    opts: &ScanOptions,
) -> std::io::Result<SectionScan> {
    let mut f = std::fs::File::open(path)?;
    BUFFER.with(|buf| Ok(scan_reader(&mut f, 1, catalog, opts, &mut buf.borrow_mut())))
}

/// Scans several whole files in parallel (benchmarks against `rg -c`).
pub fn scan_files(
    paths: &[std::path::PathBuf],
    catalog: &Catalog,
    opts: &ScanOptions,
) -> Vec<std::io::Result<SectionScan>> {
    paths
        .par_iter()
        .map(|p| scan_file(p, catalog, opts))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Severity;

    /// The reference: every line on its own against every signature.
    fn naive(text: &[u8], first_line: u64, cat: &Catalog) -> Vec<(String, u64, u64, u64)> {
        let mut per: Vec<(u64, u64, u64)> = vec![(0, 0, 0); cat.len()];
        let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        if text.last() == Some(&b'\n') || text.is_empty() {
            lines.pop();
        }
        for (k, line) in lines.iter().enumerate() {
            let n = first_line + k as u64;
            for i in cat.set.matches(line).iter() {
                let p = &mut per[i];
                if p.0 == 0 {
                    p.1 = n;
                }
                p.0 += 1;
                p.2 = n;
            }
        }
        per.into_iter()
            .enumerate()
            .filter(|(_, p)| p.0 > 0)
            .map(|(i, p)| (cat.signatures()[i].id.clone(), p.0, p.1, p.2))
            .collect()
    }

    fn summary(s: &SectionScan) -> Vec<(String, u64, u64, u64)> {
        s.hits
            .iter()
            .map(|h| (h.id.clone(), h.count, h.first_line, h.last_line))
            .collect()
    }

    fn small(buffer_size: usize) -> ScanOptions {
        ScanOptions {
            buffer_size,
            overlap: 64,
            ..ScanOptions::default()
        }
    }

    /// A log with something of everything: every example line, CRLF,
    /// ANSI colours, invalid UTF-8, marker look-alikes, blank lines.
    fn mixed_log() -> Vec<u8> {
        let mut v = Vec::new();
        for (k, (_, line)) in catalog::tests::EXAMPLES.iter().enumerate() {
            v.extend(
                format!(
                    "I0601 10:00:{:02}.000000       1 main.go:1] filler line {k}\n",
                    k % 60
                )
                .as_bytes(),
            );
            if k % 3 == 0 {
                v.extend(b"\x1b[31mERROR\x1b[0m ");
            }
            v.extend(line.as_bytes());
            v.extend(if k % 4 == 0 { &b"\r\n"[..] } else { &b"\n"[..] });
            if k % 5 == 0 {
                v.extend(b"bytes \xff\xfe\x80 here\n\n");
            }
            if k % 7 == 0 {
                v.extend(b"==== END logs for container app of pod shop/x ====\n==== START logs for container b of pod shop/x ====\n");
            }
        }
        v.extend(b"last line without newline: connection refused");
        v
    }

    #[test]
    fn counts_and_lines_match_the_line_by_line_reference_at_any_buffer_size() {
        let cat = Catalog::builtin();
        let log = mixed_log();
        let want = naive(&log, 7, cat);
        assert!(want.len() >= 25, "{want:?}");
        for size in [1 << 20, 4096, 1000, 333, 200, 129] {
            let got = scan_bytes(&log, 7, cat, &small(size));
            assert_eq!(summary(&got), want, "buffer {size}");
            let lines = log.split(|&b| b == b'\n').count() as u64;
            assert_eq!(got.lines, lines, "buffer {size}");
            assert_eq!(got.bytes, log.len() as u64);
            // Excerpts: the matched line is where the count says.
            for h in &got.hits {
                let x = h.last_excerpt();
                if h.trace {
                    // The last trace head, at or before the last hit.
                    assert!(x.line <= h.last_line && x.line >= h.first_line, "{}", h.id);
                } else {
                    assert_eq!(x.line, h.last_line, "{}", h.id);
                }
                assert_eq!(h.first.line, h.first_line, "{}", h.id);
                assert!(
                    x.first_line <= x.line && x.line - x.first_line <= 3,
                    "{}: {x:?}",
                    h.id
                );
            }
        }
    }

    #[test]
    fn a_signature_without_literals_is_still_found_exactly() {
        // User signatures may give no literals: their regex joins the
        // prefilter and candidate lines go through the whole set.
        let rules = parse_user_rules(
            "signatures:\n  - id: slow-request\n    severity: warning\n    explanation: A request took seconds.\n    regex: '\\b[0-9]{4,}ms\\b'\n",
            "r.yaml",
        )
        .unwrap();
        let cat = rules.catalog().unwrap();
        assert!(!cat.all_literal);
        assert!(matches!(cat.prefilter, Some(catalog::Prefilter::Regex(_))));
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("ssse3") {
            // Literals only: the packed (Teddy) searcher.
            assert!(matches!(
                Catalog::builtin().prefilter,
                Some(catalog::Prefilter::Literals(_))
            ));
        }
        let mut log = mixed_log();
        log.extend(b"\nGET /api took 15234ms\nGET /api took 12ms\r\nPOST took 99999ms");
        let want = naive(&log, 1, &cat);
        assert!(
            want.iter().any(|w| w.0 == "slow-request" && w.1 == 2),
            "{want:?}"
        );
        for size in [1 << 20, 1000, 129] {
            assert_eq!(
                summary(&scan_bytes(&log, 1, &cat, &small(size))),
                want,
                "buffer {size}"
            );
        }
    }

    #[test]
    fn excerpts_have_exact_context_across_buffer_boundaries() {
        let cat = Catalog::builtin();
        let mut log = Vec::new();
        for k in 1..=300u32 {
            if k == 150 {
                log.extend(b"dial tcp 10.0.0.1:80: connect: connection refused\n");
            } else {
                log.extend(format!("line {k} with some padding to cross buffers\n").as_bytes());
            }
        }
        for size in [1 << 20, 512, 160, 100] {
            let s = scan_bytes(&log, 10, cat, &small(size));
            let h = s.hit("connection-refused").unwrap();
            assert_eq!(h.first_line, 159);
            assert_eq!(
                h.first.lines,
                [
                    "line 147 with some padding to cross buffers",
                    "line 148 with some padding to cross buffers",
                    "line 149 with some padding to cross buffers",
                    "dial tcp 10.0.0.1:80: connect: connection refused",
                    "line 151 with some padding to cross buffers",
                    "line 152 with some padding to cross buffers",
                    "line 153 with some padding to cross buffers",
                ],
                "buffer {size}"
            );
            assert_eq!(h.first.first_line, 156);
            let tail = s.tail.as_ref().unwrap();
            assert_eq!(tail.lines.len(), 20);
            assert_eq!(tail.first_line, 10 + 280);
            assert_eq!(
                tail.lines[19],
                "line 300 with some padding to cross buffers"
            );
            assert_eq!(tail.line, 309);
            assert!(tail.truncated);
        }
    }

    #[test]
    fn stack_traces_are_collected_whole_even_across_buffers() {
        let cat = Catalog::builtin();
        let mut log =
            b"starting\nException in thread \"main\" java.lang.IllegalStateException: boom\n"
                .to_vec();
        for k in 0..30 {
            log.extend(format!("\tat com.example.Svc.step{k}(Svc.java:{k})\n").as_bytes());
        }
        log.extend(b"Caused by: java.net.ConnectException: Connection refused\n\tat sun.nio.ch.Net.connect(Native Method)\n\t... 12 more\nnext normal line\n");
        for size in [1 << 20, 300, 150] {
            let s = scan_bytes(&log, 1, cat, &small(size));
            let h = s.hit("java-uncaught-exception").unwrap();
            assert!(h.first.trace);
            assert_eq!(h.first.lines.first().unwrap(), "starting");
            assert_eq!(
                h.first.lines.last().unwrap(),
                "\t... 12 more",
                "buffer {size}"
            );
            assert_eq!(h.first.lines.len(), 1 + 1 + 30 + 3);
            assert!(!h.first.truncated);
            // The header is also a java-exception, and so is the Caused by.
            assert_eq!(s.hit("java-exception").unwrap().count, 2);
        }
        // A trace longer than the limit is cut and says so.
        let opts = ScanOptions {
            max_trace_lines: 10,
            ..ScanOptions::default()
        };
        let s = scan_bytes(&log, 1, cat, &opts);
        let h = s.hit("java-uncaught-exception").unwrap();
        assert_eq!(h.first.lines.len(), 2 + 10);
        assert!(h.first.truncated);
    }

    #[test]
    fn a_huge_line_is_scanned_in_flat_memory_with_exact_line_numbers() {
        let cat = Catalog::builtin();
        let mut log = b"first\nsecond\n".to_vec();
        // 24 MB on one line, with hits at the start, in the middle, across
        // a window boundary, and at the end.
        let mut big = vec![b'x'; 24 << 20];
        let put = |big: &mut Vec<u8>, at: usize, s: &[u8]| big[at..at + s.len()].copy_from_slice(s);
        put(&mut big, 10, b" no such host ");
        put(&mut big, 12 << 20, b" Permission denied ");
        put(&mut big, (1 << 20) - 5, b" connection refused ");
        let n = big.len();
        put(&mut big, n - 30, b" i/o timeout");
        log.extend(&big);
        log.extend(b"\npanic: after the big line\nlast\n");
        let opts = ScanOptions::default();
        let mut buf = Vec::new();
        let s = scan_reader(&mut &log[..], 1, cat, &opts, &mut buf);
        assert!(
            buf.capacity() <= opts.buffer_size + 1 + 64,
            "buffer grew to {}",
            buf.capacity()
        );
        let got = summary(&s);
        assert_eq!(
            got,
            [
                ("go-panic".to_string(), 1, 4, 4),
                ("permission-denied".to_string(), 1, 3, 3),
                ("connection-refused".to_string(), 1, 3, 3),
                ("dns-failure".to_string(), 1, 3, 3),
                ("network-timeout".to_string(), 1, 3, 3),
            ]
        );
        assert_eq!(s.lines, 5);
        // The excerpt of a huge line is a window, not 24 MB.
        let x = &s.hit("permission-denied").unwrap().first;
        assert!(x.matched_text().contains("Permission denied"), "{x:?}");
        assert!(x.lines.iter().all(|l| l.chars().count() <= 502));
        assert_eq!(s.hit("go-panic").unwrap().first.lines[0], "first");
    }

    #[test]
    fn empty_and_odd_bodies() {
        let cat = Catalog::builtin();
        let s = scan_bytes(b"", 5, cat, &ScanOptions::default());
        assert_eq!((s.lines, s.hits.len()), (0, 0));
        assert!(s.tail.is_none());
        let s = scan_bytes(b"\n\n\n", 5, cat, &ScanOptions::default());
        assert_eq!(s.lines, 3);
        let s = scan_bytes(
            b"F0601 10:00:00.000000       1 main.go:1] first line is fatal",
            5,
            cat,
            &ScanOptions::default(),
        );
        assert_eq!(summary(&s), [("klog-fatal".to_string(), 1, 5, 5)]);
        assert_eq!(s.lines, 1);
        // `\r\n` ends and ANSI codes do not show in excerpts.
        let s = scan_bytes(
            b"a\r\n\x1b[31mERROR\x1b[0m connection refused\r\nKilled\r\nb\r\n",
            1,
            cat,
            &ScanOptions::default(),
        );
        let h = s.hit("connection-refused").unwrap();
        assert_eq!(
            h.first.lines,
            ["a", "ERROR connection refused", "Killed", "b"]
        );
        assert_eq!(s.hit("killed").unwrap().first_line, 3);
    }

    #[test]
    fn explaining_prefers_severity_then_traces_then_the_latest() {
        let cat = Catalog::builtin();
        let log = b"connection refused\npanic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:3 +0x1\nKilled\nno such host\n";
        let s = scan_bytes(log, 1, cat, &ScanOptions::default());
        assert_eq!(s.explaining(Severity::Warning).unwrap().id, "go-panic");
        let s = scan_bytes(
            b"no such host\nconnection refused\n",
            1,
            cat,
            &ScanOptions::default(),
        );
        assert_eq!(
            s.explaining(Severity::Warning).unwrap().id,
            "connection-refused"
        );
        assert!(s.explaining(Severity::Critical).is_none());
        // Two signatures on the same line: the more specific one.
        let s = scan_bytes(
            b"Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n",
            1,
            cat,
            &ScanOptions::default(),
        );
        assert_eq!(
            s.explaining(Severity::Warning).unwrap().id,
            "java-out-of-memory"
        );
    }

    /// A real klog fatal with its goroutine dump: the termination message
    /// of kube-rbac-proxy in openshift/insights-operator's sample archive
    /// (docs/insights-archive-sample, Apache-2.0), shortened.
    const KUBE_RBAC_PROXY: &str = "I0707 11:26:28.158270       1 main.go:190] Valid token audiences: \n\
I0707 11:26:28.158418       1 main.go:278] Reading certificate files\n\
F0707 11:26:28.158446       1 main.go:282] Failed to initialize certificate reloader: error loading certificates: error loading certificate: open /etc/tls/private/tls.crt: no such file or directory\n\
goroutine 1 [running]:\n\
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
\t/go/src/github.com/brancz/kube-rbac-proxy/vendor/k8s.io/klog/v2/klog.go:416 +0xd8\n";

    #[test]
    fn real_klog_fatal_with_goroutines() {
        let cat = Catalog::builtin();
        let s = scan_bytes(KUBE_RBAC_PROXY.as_bytes(), 2, cat, &ScanOptions::default());
        let h = s.explaining(Severity::Warning).unwrap();
        assert_eq!(h.id, "klog-fatal");
        assert_eq!(h.first_line, 4);
        assert_eq!(h.first.lines.len(), 2 + 1 + 13);
        assert!(h.first.lines.last().unwrap().ends_with("klog.go:416 +0xd8"));
        assert_eq!(s.hit("no-such-file").unwrap().first_line, 4);
    }

    /// Real logs from ../shared/realdata, when it is there (not copied: no
    /// licence): CoreDNS of the minikube dump, through the whole pipeline.
    #[test]
    fn realdata_minikube_coredns_timeouts() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/realdata/minikube-multi-k8s-dump");
        if !dir.exists() {
            return;
        }
        let ix = crate::open(&dir).unwrap();
        let scan = scan_all(&ix, Catalog::builtin());
        assert_eq!(scan.sections.len(), ix.logs.len());
        let (i, sec) = ix
            .logs
            .iter()
            .enumerate()
            .find(|(_, l)| l.pod == "coredns-86c58d9df4-w7q6l")
            .unwrap();
        let h = scan.sections[i].hit("network-timeout").unwrap();
        // Line numbers point at the file: check against its text.
        let text = std::fs::read_to_string(dir.join(&sec.file)).unwrap();
        let line = text.lines().nth(h.first_line as usize - 1).unwrap();
        assert!(line.contains("i/o timeout"), "{line}");
        assert_eq!(
            scan.of(
                &ix,
                ix.log_for(&sec.namespace, &sec.pod, sec.container.as_deref().unwrap())
                    .unwrap()
            )
            .unwrap(),
            &scan.sections[i]
        );
    }

    #[test]
    fn hostile_log_through_ingest_keeps_file_line_numbers() {
        use crate::analyze::testing::{node, pod, TinyDump};
        let body = b"ok\n==== END logs for container app of pod shop/h-1 ====\njunk after a fake END\n==== START logs for container z of pod other/q ====\nbytes \xff\xfe\r\npanic: hostile\n";
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![pod("shop", "h-1", "n1")],
            ..Default::default()
        };
        d.logs
            .insert(("shop".into(), "h-1".into(), "app".into()), body.to_vec());
        let (dir, ix) = d.build();
        let scan = scan_all(&ix, Catalog::builtin());
        let sec = ix.log_for("shop", "h-1", "app").unwrap();
        let s = scan.of(&ix, sec).unwrap();
        let h = s.hit("go-panic").unwrap();
        let file = std::fs::read(dir.path().join(&sec.file)).unwrap();
        let line = file
            .split(|&b| b == b'\n')
            .nth(h.first_line as usize - 1)
            .unwrap();
        assert_eq!(line, b"panic: hostile");
        assert_eq!(s.lines, 6);
    }
}
