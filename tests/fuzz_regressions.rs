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

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The committed seed corpora go through every entry point cleanly: keeps
/// `entry.rs` compiling and its invariants true on real kubectl output.
#[test]
fn seeds_pass_every_target() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let targets: [(&str, fn(&[u8])); 6] = [
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
