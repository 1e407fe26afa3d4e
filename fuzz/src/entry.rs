//! The fuzz entry points, one per target, shared by the fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and the regression tests
//! (`tests/fuzz_regressions.rs` includes this file by path), so a crash
//! input is replayed through exactly the code that found it.
//!
//! Each function takes the raw fuzz bytes, drives one public entry point of
//! coroner and panics when an invariant that must hold for every input is
//! broken (a byte range outside the file, items out of order, …). Files are
//! only ever written inside a fresh temporary directory. Only `coroner`,
//! `tempfile` and `serde_json` are used, which the top-level tests also have.

use coroner::dump::source::Limits;
use coroner::dump::{lists, logs, stream, LoadOptions};
use coroner::model::{Event, ListKind, Node, Pod, Service, Workload};
use std::path::{Path, PathBuf};

/// Limits for the archive and pipeline targets: a fuzz input is at most a
/// few hundred KB, so anything legitimate fits; an input that expands past
/// this must be cut by coroner, not fill the disk.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_total_bytes: 64 << 20,
        max_entries: 2_000,
        ..Limits::default()
    }
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("coroner-fuzz-")
        .tempdir()
        .expect("temporary directory")
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).expect("write fuzz input");
    p
}

/// The stdout stream splitter (`dump::stream::scan`) on one stream file.
pub fn stream_split(data: &[u8]) {
    let dir = temp();
    let p = write(dir.path(), "stream.txt", data);
    let skip = if data.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let scan = stream::scan(&p, "stream.txt", skip).expect("scan of a readable file");
    let size = data.len() as u64;
    let mut last_start = 0;
    for part in &scan.parts {
        let (start, end) = match part {
            stream::Part::Doc { start, end, .. } => (*start, *end),
            stream::Part::Log(s) => {
                assert!(s.start_line >= 1, "{s:?}");
                (s.body_start, s.body_end)
            }
        };
        assert!(
            start <= end && end <= size,
            "range {start}..{end} of {size} bytes"
        );
        assert!(start >= skip, "part starts inside the BOM");
        assert!(start >= last_start, "parts out of order");
        last_start = start;
    }
}

/// The `logs.txt` splitter (`dump::logs::split_pod_file`).
pub fn log_split(data: &[u8]) {
    let (sections, _problems, size, _sha) =
        logs::split_pod_file(data, "ns/p/logs.txt", "ns", "p").expect("reading a slice");
    assert_eq!(size, data.len() as u64);
    let mut last_end = 0;
    for s in &sections {
        assert!(
            s.body_start <= s.body_end && s.body_end <= size,
            "body {}..{} of {size} bytes",
            s.body_start,
            s.body_end
        );
        assert!(s.body_start >= last_end, "sections overlap: {sections:?}");
        last_end = s.body_end;
        assert_eq!(s.file, "ns/p/logs.txt");
    }
}

fn type_all<T: serde::de::DeserializeOwned>(list: &lists::RawList<'_>) {
    for (_, item) in &list.items {
        let _ = lists::typed::<T>(item, list.legacy);
    }
}

/// The list parser (`dump::lists::parse_list`), JSON and YAML, current and
/// pre-1.11 internal format, and the typing of every item it keeps (which
/// runs `dump::legacy` on legacy lists).
pub fn list_parse(data: &[u8]) {
    for line0 in [None, Some(7)] {
        let list = lists::parse_list(data, "ns/pods.json", line0);
        let mut last = None;
        for (i, _) in &list.items {
            assert!(last.is_none_or(|l| *i > l), "item indices out of order");
            last = Some(*i);
        }
        match lists::list_kind(&list, None) {
            Some(ListKind::Pods) => type_all::<Pod>(&list),
            Some(ListKind::Events) => type_all::<Event>(&list),
            Some(ListKind::Nodes) => type_all::<Node>(&list),
            Some(ListKind::Services) => type_all::<Service>(&list),
            Some(_) => type_all::<Workload>(&list),
            None => {
                type_all::<Pod>(&list);
                type_all::<Event>(&list);
                type_all::<Node>(&list);
            }
        }
        if line0.is_none() && list.items.is_empty() {
            break;
        }
    }
}

/// The FailedScheduling message parser (`analyze::sched::parse`), on the
/// input as given and behind a real message head.
pub fn sched_message(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for msg in [s.to_string(), format!("0/3 nodes are available: {s}")] {
        let parsed = coroner::analyze::sched::parse(&msg);
        for (_, reason) in &parsed.reasons {
            let _ = coroner::analyze::sched::explain_reason(reason);
        }
        if parsed.other.is_some() {
            assert!(parsed.reasons.is_empty() && parsed.total.is_none());
        }
        let _ = serde_json::to_string(&parsed).expect("serializable");
    }
}

/// The archive reader: the bytes as one input file (zip, tar, tar.gz, gzip
/// or a plain stream, recognised by content) through `dump::load`, then
/// every log section read back.
pub fn archive_open(data: &[u8]) {
    let dir = temp();
    let p = write(dir.path(), "input", data);
    let loaded = coroner::dump::load(
        &p,
        LoadOptions {
            limits: fuzz_limits(),
            ..Default::default()
        },
    );
    // EFBIG: under the fuzz targets' file-size cap (`guard_disk`, 4x the
    // limits given) a write failed, so something was unpacked past them.
    let efbig = |m: &str| m.contains("os error 27");
    match &loaded {
        Err(e) => assert!(!efbig(&e.to_string()), "unpacked past the limits: {e}"),
        Ok(dump) => assert!(
            !dump.problems.iter().any(|p| efbig(&p.message)),
            "unpacked past the limits: {:?}",
            dump.problems
        ),
    }
    if let Ok(dump) = loaded {
        for s in &dump.logs {
            assert!(s.body_start <= s.body_end, "{s:?}");
            let _ = dump.read_log(s, 4096);
        }
    }
}

/// The path of a `==> path` header line, if it is a safe relative path:
/// at most four components of `[A-Za-z0-9._-]`, none `.` or `..`.
fn header_path(line: &[u8]) -> Option<&str> {
    let rest = line.strip_prefix(b"==> ")?;
    let rest = std::str::from_utf8(rest).ok()?.trim_end();
    let parts: Vec<&str> = rest.split('/').collect();
    let ok = !rest.is_empty()
        && parts.len() <= 4
        && parts.iter().all(|c| {
            !c.is_empty()
                && *c != "."
                && *c != ".."
                && c.len() <= 64
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        });
    ok.then_some(rest)
}

/// Splits a pipeline input into files: each file starts with a line
/// `==> relative/path` and runs to the next such line. Bytes before the
/// first header and files with unsafe paths are dropped; at most 16 files.
pub fn tree_files(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut files: Vec<(String, &[u8])> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut pos = 0;
    while pos <= data.len() {
        let eol = data[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| pos + i);
        let next = (eol + 1).min(data.len() + 1);
        if let Some(path) = header_path(&data[pos..eol]) {
            if let Some((name, start)) = current.take() {
                files.push((name, &data[start..pos]));
            }
            current = Some((path.to_string(), next.min(data.len())));
        }
        pos = next;
    }
    if let Some((name, start)) = current {
        files.push((name, &data[start..]));
    }
    files.truncate(16);
    files
}

/// The whole pipeline on a small folder dump: `dump::load`, the index,
/// every analysis rule. A rule that panics is a coroner bug (analyze turns
/// it into a problem; under the fuzzer the panic hook aborts first, which
/// is what we want to see).
pub fn pipeline(data: &[u8]) {
    let dir = temp();
    let root = dir.path().join("dump");
    std::fs::create_dir(&root).expect("dump folder");
    for (rel, body) in tree_files(data) {
        let p = root.join(&rel);
        if let Some(parent) = p.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                continue; // a file already sits where a folder should be
            }
        }
        if p.is_dir() {
            continue;
        }
        std::fs::write(&p, body).expect("write dump file");
    }
    let Ok(dump) = coroner::dump::load(
        &root,
        LoadOptions {
            limits: fuzz_limits(),
            ..Default::default()
        },
    ) else {
        return;
    };
    let ix = coroner::DumpIndex::build(dump);
    let analysis = coroner::analyze::analyze(&ix);
    assert!(
        !analysis
            .problems
            .iter()
            .any(|p| p.message.contains("a coroner bug")),
        "a rule panicked: {:?}",
        analysis.problems
    );
}
