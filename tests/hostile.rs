//! Hostile archives (issue 7): entries that try to escape, links and
//! duplicates. Nothing may be written outside coroner's temporary
//! directory, the temporary directory is gone after the run, the input is
//! unchanged, and every refused entry is a reported problem.

use crate::fakeapi::DumpMode;
use crate::util;
use std::io::Write;

/// A tar header with a raw name (the tar crate refuses `..` names, which
/// is exactly what a hostile archive has).
fn raw_entry(tar: &mut Vec<u8>, name: &str, kind: u8, link: &str, data: &[u8]) {
    let mut h = tar::Header::new_old();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name.as_bytes());
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::new(kind));
    h.set_cksum();
    tar.extend_from_slice(h.as_bytes());
    tar.extend_from_slice(data);
    let pad = (512 - data.len() % 512) % 512;
    tar.extend(std::iter::repeat_n(0u8, pad));
}

#[test]
fn escaping_entries_are_refused_and_nothing_leaks() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Dir);
    let work = tempfile::tempdir().unwrap();
    let mut tar = Vec::new();
    for (rel, path) in util::hash_tree(&made.path)
        .keys()
        .map(|r| (r.clone(), made.path.join(r)))
    {
        raw_entry(
            &mut tar,
            &format!("d/{rel}"),
            b'0',
            "",
            &std::fs::read(path).unwrap(),
        );
    }
    raw_entry(&mut tar, "../escaped.txt", b'0', "", b"outside");
    raw_entry(&mut tar, "/abs/escaped.txt", b'0', "", b"outside");
    raw_entry(&mut tar, "d/../../escaped2.txt", b'0', "", b"outside");
    raw_entry(&mut tar, "d/link", b'2', "/etc/passwd", b"");
    raw_entry(&mut tar, "d/hard", b'1', "../../etc/passwd", b"");
    raw_entry(&mut tar, "d/dev", b'3', "", b"");
    tar.extend(std::iter::repeat_n(0u8, 1024));
    let input = work.path().join("in/hostile.tar");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    std::fs::write(&input, &tar).unwrap();
    let before = util::hash_tree(work.path());
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let out = util::coroner()
        .args(["inspect", "--format", "json", input.to_str().unwrap()])
        .env("TMPDIR", &tmp)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["problems"].to_string();
    for needle in [
        "../escaped.txt",
        "/abs/escaped.txt",
        "escaped2.txt",
        "d/link",
        "d/hard",
        "d/dev",
    ] {
        assert!(problems.contains(needle), "{needle} reported: {problems}");
    }
    assert_eq!(v["counts"]["pods"], 1, "the rest of the dump is read");
    // Nothing written anywhere but the (now removed) temp dir; input unchanged.
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "temporary files removed"
    );
    assert_eq!(before, util::hash_tree(work.path()));
    assert!(
        !work.path().join("escaped.txt").exists()
            && !std::path::Path::new("/abs/escaped.txt").exists()
    );
}

#[test]
fn zip_with_an_escaping_entry() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Dir);
    let work = tempfile::tempdir().unwrap();
    let p = work.path().join("h.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
    let o = zip::write::SimpleFileOptions::default();
    for rel in util::hash_tree(&made.path).keys() {
        z.start_file(format!("d/{rel}"), o).unwrap();
        z.write_all(&std::fs::read(made.path.join(rel)).unwrap())
            .unwrap();
    }
    z.start_file("../../evil.txt", o).unwrap();
    z.write_all(b"x").unwrap();
    z.finish().unwrap();
    let v = util::inspect_json(&p);
    assert!(
        v["problems"].to_string().contains("evil.txt"),
        "{}",
        v["problems"]
    );
    assert_eq!(v["counts"]["pods"], 1);
}
