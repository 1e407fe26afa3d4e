//! Dumps as people archive them, built at test time from real kubectl
//! output: zip (with a nested folder, macOS noise and Windows separators),
//! tar, tar.gz, a gzipped stream, a zipped stream, and standard input.

use crate::fakeapi::DumpMode;
use crate::util;
use serde_json::Value;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// What must be equal between the plain dump and its archived copy.
fn essence(v: &Value) -> Value {
    let logs: Vec<Value> = v["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            serde_json::json!([
                l["namespace"],
                l["pod"],
                l["container"],
                l["bytes"],
                l["fetch_error"]
            ])
        })
        .collect();
    serde_json::json!({
        "namespaces": v["namespaces"],
        "counts": v["counts"],
        "logs": logs,
        "problems": v["problems"],
        "kubectl_version": v["kubectl_version"],
        "snapshot": v["snapshot"]["estimated_time"],
    })
}

fn files_under(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    util::hash_tree(root)
        .into_keys()
        .map(|rel| (rel.clone(), root.join(&rel)))
        .collect()
}

fn write_zip(out: &Path, root: &Path, prefix: &str, windows_names: bool, noise: bool) {
    let mut zip = zip::ZipWriter::new(File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (rel, path) in files_under(root) {
        let mut name = format!("{prefix}{rel}");
        if windows_names {
            name = name.replace('/', "\\");
        }
        zip.start_file(name, opts).unwrap();
        zip.write_all(&std::fs::read(path).unwrap()).unwrap();
    }
    if noise {
        zip.start_file(format!("__MACOSX/{prefix}._nodes.json"), opts)
            .unwrap();
        zip.write_all(b"\x00\x05\x16\x07 mac resource fork")
            .unwrap();
        zip.start_file(format!("{prefix}.DS_Store"), opts).unwrap();
        zip.write_all(b"Bud1 junk").unwrap();
    }
    zip.finish().unwrap();
}

fn write_tar(out: impl Write, root: &Path, prefix: &str) {
    let mut tar = tar::Builder::new(out);
    for (rel, path) in files_under(root) {
        tar.append_path_with_name(path, format!("{prefix}{rel}"))
            .unwrap();
    }
    tar.into_inner().unwrap().flush().unwrap();
}

#[test]
fn every_archive_form_reads_like_the_folder() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let want = essence(&util::inspect_json(&made.path));
    let tmp = tempfile::tempdir().unwrap();

    // A zip of a support bundle: the dump sits two folders deep, with
    // macOS metadata beside it; a misleading name.
    let zip_path = tmp.path().join("support-bundle.tar.gz");
    write_zip(
        &zip_path,
        &made.path,
        "bundle/kubectl-cluster-dump/",
        false,
        true,
    );
    let got = util::inspect_json(&zip_path);
    assert_eq!(got["format"]["container"], "zip");
    assert_eq!(got["format"]["root"], "bundle/kubectl-cluster-dump");
    assert_eq!(essence(&got), want, "zip");

    // Windows-made zip: backslash separators.
    let win = tmp.path().join("dump-win.zip");
    write_zip(&win, &made.path, "cluster-state\\", true, false);
    assert_eq!(
        essence(&util::inspect_json(&win)),
        want,
        "zip with backslashes"
    );

    // tar with `./` prefixes.
    let tar_path = tmp.path().join("dump.tar");
    write_tar(
        File::create(&tar_path).unwrap(),
        &made.path,
        "./cluster-state/",
    );
    let got = util::inspect_json(&tar_path);
    assert_eq!(got["format"]["container"], "tar");
    assert_eq!(essence(&got), want, "tar");

    // tar.gz, named .zip to prove names are not trusted.
    let tgz = tmp.path().join("dump.zip");
    let gz =
        flate2::write::GzEncoder::new(File::create(&tgz).unwrap(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (rel, path) in files_under(&made.path) {
        tar.append_path_with_name(path, format!("cluster-state/{rel}"))
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    let got = util::inspect_json(&tgz);
    assert_eq!(got["format"]["container"], "tar-gz");
    assert_eq!(essence(&got), want, "tar.gz");

    // Every archive input is hashed as given, beside its entries.
    assert!(got["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"] == "dump.zip"));
}

#[test]
fn stream_dump_gzipped_zipped_and_on_stdin() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Stdout);
    let want = essence(&util::inspect_json(&made.path));
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&made.path).unwrap();

    let gz_path = tmp.path().join("cluster-info.dump.gz");
    let mut gz = flate2::write::GzEncoder::new(
        File::create(&gz_path).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(&bytes).unwrap();
    gz.finish().unwrap();
    let got = util::inspect_json(&gz_path);
    assert_eq!(got["format"]["container"], "gzip");
    assert_eq!(got["format"]["layout"], "stdout");
    assert_eq!(essence(&got), want, "gzip stream");

    let zip_path = tmp.path().join("dump.zip");
    let mut zip = zip::ZipWriter::new(File::create(&zip_path).unwrap());
    zip.start_file("cluster-info.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&bytes).unwrap();
    zip.finish().unwrap();
    assert_eq!(
        essence(&util::inspect_json(&zip_path)),
        want,
        "zipped stream"
    );

    let r = util::run_with_stdin(&["inspect", "--format", "json", "-"], Some(&made.path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got["format"]["container"], "stdin");
    assert_eq!(essence(&got), want, "stdin");
}

#[test]
fn truncated_archives_keep_what_came_before_the_cut() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let tmp = tempfile::tempdir().unwrap();
    let tgz = tmp.path().join("dump.tgz");
    let gz =
        flate2::write::GzEncoder::new(File::create(&tgz).unwrap(), flate2::Compression::fast());
    write_tar(gz, &made.path, "d/");
    let full = std::fs::read(&tgz).unwrap();
    // Keep 70%: nodes.json comes first in the tar, so the dump is found.
    let cut = tmp.path().join("cut.tgz");
    std::fs::write(&cut, &full[..full.len() * 7 / 10]).unwrap();
    let r = util::run(&["inspect", "--format", "json", cut.to_str().unwrap()]);
    assert_eq!(r.code, 0, "a cut archive is still read: {}", r.stderr);
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    let problems = got["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(
            |p| p["message"].as_str().unwrap().contains("damaged or cut")
                || p["message"].as_str().unwrap().contains("cut short")
        ),
        "{problems:#?}"
    );
    assert!(got["counts"]["nodes"].as_u64().unwrap() > 0);

    // A zip cut before its central directory (an interrupted download):
    // the entries are recovered from their local headers. The cut falls in
    // the middle of the entry after nodes.json, so the dump is found, that
    // entry is cut short, and every entry before it comes back whole.
    let zip_path = tmp.path().join("dump.zip");
    write_zip(&zip_path, &made.path, "", false, false);
    let full = std::fs::read(&zip_path).unwrap();
    let mut archive = zip::ZipArchive::new(File::open(&zip_path).unwrap()).unwrap();
    let mut ends = Vec::new();
    for i in 0..archive.len() {
        let e = archive.by_index_raw(i).unwrap();
        ends.push((
            e.name().to_string(),
            e.header_start(),
            e.data_start() + e.compressed_size(),
        ));
    }
    ends.sort_by_key(|e| e.1);
    let at = ends.iter().position(|e| e.0 == "nodes.json").unwrap();
    let next = ends.get(at + 1).expect("an entry after nodes.json");
    let cut_at = ((next.1 + next.2) / 2) as usize;
    let whole = ends.iter().filter(|e| e.2 as usize <= cut_at).count();
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &full[..cut_at]).unwrap();
    let r = util::run(&["inspect", "--format", "json", cut.to_str().unwrap()]);
    assert_eq!(r.code, 0, "a cut zip is still read: {}", r.stderr);
    let got: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(got["format"]["container"], "zip");
    let problems = got["problems"].as_array().unwrap();
    let said = format!("{whole} entries recovered whole");
    assert!(
        problems.iter().any(|p| {
            let m = p["message"].as_str().unwrap();
            p["file"] == "cut.zip" && m.contains("no central directory") && m.contains(&said)
        }),
        "{said}: {problems:#?}"
    );
    assert!(
        problems.iter().any(|p| p["file"] == next.0.as_str()
            && p["message"].as_str().unwrap().contains("cut short")),
        "{} cut short: {problems:#?}",
        next.0
    );
    assert_eq!(got["counts"]["nodes"], want_nodes(&made.path));
    // The input is hashed as given, cut.
    assert!(got["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["path"] == "cut.zip" && i["bytes"] == cut_at));

    // A zip cut inside its first entry's header: nothing to recover, exit 2.
    let cut = tmp.path().join("stub.zip");
    std::fs::write(&cut, &full[..20]).unwrap();
    let r = util::run(&["inspect", cut.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("stub.zip"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one-line reason: {}", r.stderr);
}

fn want_nodes(dump: &Path) -> Value {
    util::inspect_json(dump)["counts"]["nodes"].clone()
}
