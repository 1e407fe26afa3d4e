//! Replays inputs the fuzz targets (fuzz/) once crashed on: each must now
//! go through the same entry points without a panic.
//!
//! The entry points are the fuzz crate's own (`fuzz/src/entry.rs`, included
//! here by path), so a regression input runs exactly the code that found
//! it, with the same invariants asserted. Crash inputs live in
//! `testdata/fuzz-regressions/<target>/`, minimised with `cargo fuzz tmin`.

#[path = "../fuzz/src/entry.rs"]
#[allow(dead_code)]
mod entry;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs `f` on every file of `testdata/fuzz-regressions/<target>/` in a
/// thread, each within `limit`: a panic or a hang names the file. (A hung
/// thread is left behind; the test fails at once, so the process ends.)
fn replay(target: &str, f: fn(&[u8]), limit: Duration) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz-regressions")
        .join(target);
    let files = files_in(&dir);
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for p in &files {
        let data = std::fs::read(p).unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(|| f(&data));
            let _ = tx.send(r.is_ok());
        });
        match rx.recv_timeout(limit) {
            Ok(true) => {}
            Ok(false) => panic!("{} panics again", p.display()),
            Err(_) => panic!("{} still runs after {limit:?}", p.display()),
        }
    }
    files.len()
}

/// `{"items":[}`: the fallback scanner of a broken JSON list
/// (`scan_items` in src/dump/lists.rs) met `}` where an item should start;
/// `skip_value` returns the same position for it, so the scanner pushed an
/// empty item and looped forever, growing memory until the fuzzer's 2 GB
/// limit. Any cut or hand-edited list with a stray `}` inside `items` hangs
/// `coroner report`. The list must parse quickly, keeping no bogus item.
#[test]
fn list_parse_regressions() {
    assert!(replay("list_parse", entry::list_parse, Duration::from_secs(2)) > 0);
    let list = coroner::dump::lists::parse_list(b"{\"items\":[}", "f", None);
    assert!(list.items.is_empty());
    assert!(!list.problems.is_empty(), "the broken list is reported");
}

/// The committed seed corpora go through every entry point cleanly: keeps
/// `entry.rs` compiling and its invariants true on real kubectl output.
#[test]
fn seeds_pass_every_target() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    type Target = (&'static str, fn(&[u8]));
    let targets: [Target; 6] = [
        ("stream_split", entry::stream_split),
        ("log_split", entry::log_split),
        ("list_parse", entry::list_parse),
        ("sched_message", entry::sched_message),
        ("archive_open", entry::archive_open),
        ("pipeline", entry::pipeline),
    ];
    for (target, f) in targets {
        let files = files_in(&seeds.join(target));
        assert!(!files.is_empty(), "no seeds for {target}");
        for p in files {
            let data = std::fs::read(&p).unwrap();
            f(&data);
        }
    }
}

/// The pipeline seed splits into the files it names, so the pipeline
/// target really builds a folder dump.
#[test]
fn pipeline_input_splits_into_files() {
    let data = b"junk before\n==> nodes.json\n{}\n==> ../etc/passwd\nx\n==> ns/p/logs.txt\nA\n==> ns/pods.json";
    let files = entry::tree_files(data);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["nodes.json", "ns/p/logs.txt", "ns/pods.json"]);
    // An unsafe path is not a header: its line stays in the file before.
    assert_eq!(files[0].1, b"{}\n==> ../etc/passwd\nx\n");
    assert_eq!(files[1].1, b"A\n");
    assert_eq!(files[2].1, b"");
}
