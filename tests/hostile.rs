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

/// `coroner inspect --format json ARGS INPUT` with its temporary folder in
/// `tmp`: it must exit 0 and leave `tmp` empty. Returns the JSON.
fn inspect_with_tmp(
    input: &std::path::Path,
    args: &[&str],
    tmp: &std::path::Path,
) -> serde_json::Value {
    let out = util::coroner()
        .args(["inspect", "--format", "json"])
        .args(args)
        .arg(input)
        .env("TMPDIR", tmp)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(tmp).unwrap().count(),
        0,
        "temporary files removed"
    );
    serde_json::from_slice(&out.stdout).unwrap()
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
    let v = inspect_with_tmp(&input, &[], &tmp);
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

/// A tar.gz of a real dump with `nodes.json` first, so a limit that stops
/// the unpacking part-way still leaves a dump to read.
fn tgz_nodes_first(root: &std::path::Path, out: &std::path::Path) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(out).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(gz);
    let mut rels: Vec<String> = util::hash_tree(root).into_keys().collect();
    rels.sort_by_key(|r| (r != "nodes.json", r.clone()));
    for rel in rels {
        tar.append_path_with_name(root.join(&rel), format!("d/{rel}"))
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

#[test]
fn limits_name_the_flag_to_raise() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Dir);
    let work = tempfile::tempdir().unwrap();
    let tgz = work.path().join("dump.tgz");
    tgz_nodes_first(&made.path, &tgz);
    let nodes_len = std::fs::metadata(made.path.join("nodes.json"))
        .unwrap()
        .len();
    let p = tgz.to_str().unwrap();
    let cap = (nodes_len + 10).to_string();
    for (flag, value) in [("--max-entries", "1"), ("--max-unpacked-bytes", &cap[..])] {
        let r = util::run(&["inspect", "--format", "json", flag, value, p]);
        assert_eq!(
            r.code, 0,
            "{flag}: what came before the limit is read: {}",
            r.stderr
        );
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert!(
            v["problems"].to_string().contains(flag),
            "{flag} named: {}",
            v["problems"]
        );
        assert!(v["counts"]["nodes"].as_u64().unwrap() > 0);
        assert_eq!(
            v["counts"]["pods"], 0,
            "{flag}: the pods came after the limit"
        );
    }
    // Sizes take units; the default reads everything.
    let r = util::run(&[
        "inspect",
        "--format",
        "json",
        "--max-unpacked-bytes",
        "1G",
        p,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["counts"]["pods"], 1);
    assert!(!v["problems"].to_string().contains("--max-"));

    // Stopped before any dump: exit 2, one line naming the flag.
    let tar = work.path().join("late.tar");
    let mut b = tar::Builder::new(std::fs::File::create(&tar).unwrap());
    for i in 0..5 {
        let data = format!("note {i}\n");
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, format!("d/notes/{i}.txt"), data.as_bytes())
            .unwrap();
    }
    b.append_path_with_name(made.path.join("nodes.json"), "d/nodes.json")
        .unwrap();
    b.into_inner().unwrap();
    let r = util::run(&["report", "--max-entries", "3", tar.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("--max-entries"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    // A size that is not one is a usage error.
    let r = util::run(&["inspect", "--max-unpacked-bytes", "lots", p]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a size"), "{}", r.stderr);
}

#[test]
fn a_gzip_bomb_stops_at_the_ratio() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Stdout);
    let work = tempfile::tempdir().unwrap();
    let gz = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    // The dump, then 80 gzip members of 1 MiB of newlines each: 80 MiB
    // from about 80 KiB, a ratio near 1000. Members are concatenated, as
    // `cat a.gz b.gz` makes them, so the bomb costs one small compression.
    let mut bomb = gz(&std::fs::read(&made.path).unwrap());
    let member = gz(&vec![b'\n'; 1 << 20]);
    for _ in 0..80 {
        bomb.extend_from_slice(&member);
    }
    let input = work.path().join("in/dump.gz");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    std::fs::write(&input, &bomb).unwrap();
    let tmp = work.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let run = |ratio: &str| inspect_with_tmp(&input, &["--max-ratio", ratio], &tmp);
    let v = run("100");
    assert!(
        v["problems"].to_string().contains("--max-ratio"),
        "{}",
        v["problems"]
    );
    assert_eq!(v["counts"]["pods"], 1, "the dump before the bomb is read");
    let v = run("100000");
    assert!(
        !v["problems"].to_string().contains("--max-ratio"),
        "{}",
        v["problems"]
    );
    assert_eq!(v["counts"]["pods"], 1);
}

/// A tar.gz of a real dump followed by a 2 GiB file of zeros, built from
/// repeated gzip members so it costs a few MB and milliseconds to make,
/// and keeps coroner unpacking for seconds.
fn slow_tgz(root: &std::path::Path, out: &std::path::Path) {
    let gz = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let mut tar = tar::Builder::new(Vec::new());
    for rel in util::hash_tree(root).into_keys() {
        tar.append_path_with_name(root.join(&rel), format!("d/{rel}"))
            .unwrap();
    }
    let big: u64 = 2 << 30;
    let mut h = tar::Header::new_gnu();
    h.set_path("d/big.bin").unwrap();
    h.set_size(big);
    h.set_mode(0o644);
    h.set_cksum();
    let mut head = tar.into_inner().unwrap();
    // `into_inner` wrote the end-of-archive blocks; the big entry replaces them.
    head.truncate(head.len() - 1024);
    head.extend_from_slice(h.as_bytes());
    let mut bytes = gz(&head);
    let mib = gz(&vec![0u8; 1 << 20]);
    for _ in 0..(big >> 20) {
        bytes.extend_from_slice(&mib);
    }
    bytes.extend_from_slice(&gz(&[0u8; 1024]));
    std::fs::write(out, bytes).unwrap();
}

#[test]
fn a_signal_removes_the_temporary_files() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Dir);
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in/slow.tgz");
    std::fs::create_dir_all(input.parent().unwrap()).unwrap();
    slow_tgz(&made.path, &input);
    let before = util::hash_tree(&work.path().join("in"));
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let tmp = work.path().join(format!("tmp-{signal}"));
        let cwd = work.path().join(format!("cwd-{signal}"));
        std::fs::create_dir(&tmp).unwrap();
        std::fs::create_dir(&cwd).unwrap();
        let mut child = util::coroner()
            .args(["report", "-o", "out.html", "--max-ratio", "1000000"])
            .arg(&input)
            .current_dir(&cwd)
            .env("TMPDIR", &tmp)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until coroner is unpacking the big entry into its temp dir.
        let started = std::time::Instant::now();
        let unpacking = || {
            std::fs::read_dir(&tmp)
                .unwrap()
                .filter_map(|e| e.ok())
                .any(|e| e.path().join("unpacked/d/big.bin").exists())
        };
        while !unpacking() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "coroner never started unpacking"
            );
            assert!(child.try_wait().unwrap().is_none(), "coroner ended early");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "SIG{signal}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(
            left.is_empty(),
            "SIG{signal}: temporary files left: {left:?}"
        );
        let written: Vec<_> = std::fs::read_dir(&cwd).unwrap().collect();
        assert!(
            written.is_empty(),
            "SIG{signal}: no report, no temporary report: {written:?}"
        );
    }
    assert_eq!(
        before,
        util::hash_tree(&work.path().join("in")),
        "input unchanged"
    );
}
