//! The testdata/hostile/ set (issue 7; the cases and the reasons are in
//! testdata/hostile/README.md): each hostile or broken input is built at
//! test time in a temporary folder, and every run is checked for its exit
//! code, its message, no panic, nothing written outside (the working folder
//! and TMPDIR are fresh and must be empty afterwards) and the input left
//! unchanged (hashed before and after).

use crate::fakeapi::DumpMode;
use crate::util;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fresh place for one case: `in/` holds the input, `cwd/` and `tmp/`
/// are where coroner runs and writes its temporary files.
struct Case {
    dir: tempfile::TempDir,
}

struct Outcome {
    code: i32,
    stderr: String,
    /// `inspect --format json`, when it ran.
    json: Option<Value>,
}

impl Outcome {
    fn problems(&self) -> String {
        self.json.as_ref().expect("inspect JSON")["problems"].to_string()
    }

    /// Asserts that one problem is about `file` (a suffix of its path; ""
    /// for any) and that its message holds `text`.
    #[track_caller]
    fn assert_problem(&self, file: &str, text: &str) {
        let v = self.json.as_ref().expect("inspect JSON");
        let found = v["problems"].as_array().into_iter().flatten().any(|p| {
            p["file"].as_str().is_some_and(|f| f.ends_with(file))
                && p["message"].as_str().is_some_and(|m| m.contains(text))
        });
        assert!(
            found,
            "no problem about {file:?} saying {text:?}: {}",
            self.problems()
        );
    }

    fn count(&self, what: &str) -> u64 {
        self.json.as_ref().expect("inspect JSON")["counts"][what]
            .as_u64()
            .unwrap()
    }
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        for d in ["in", "cwd", "tmp"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        Case { dir }
    }

    fn input(&self, rel: &str) -> PathBuf {
        self.dir.path().join("in").join(rel)
    }

    /// A copy of a real kubectl dump, to damage.
    fn real_dump(&self, mode: DumpMode) -> PathBuf {
        let made = util::kubectl_dump("tiny", "1.33.1", mode);
        match mode {
            DumpMode::Dir | DumpMode::DirYaml => {
                let to = self.input("dump");
                util::copy_tree(&made.path, &to);
                to
            }
            _ => {
                let to = self.input("dump.json");
                std::fs::copy(&made.path, &to).unwrap();
                to
            }
        }
    }

    /// Runs `inspect --format json` on `path` and checks what holds for
    /// every case.
    fn inspect(&self, path: &Path) -> Outcome {
        let input = self.dir.path().join("in");
        let before = hash_in(&input);
        let out = util::coroner()
            .args(["inspect", "--format", "json"])
            .arg(path)
            .current_dir(self.dir.path().join("cwd"))
            .env("TMPDIR", self.dir.path().join("tmp"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or(-1);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", path.display());
        for d in ["cwd", "tmp"] {
            let left: Vec<_> = std::fs::read_dir(self.dir.path().join(d))
                .unwrap()
                .collect();
            assert!(left.is_empty(), "{}: {d} holds {left:?}", path.display());
        }
        assert_eq!(before, hash_in(&input), "{}: input changed", path.display());
        match code {
            0 => assert!(stderr.is_empty(), "{stderr}"),
            2 => assert_eq!(stderr.lines().count(), 1, "one-line reason: {stderr}"),
            _ => panic!("{}: exit {code}: {stderr}", path.display()),
        }
        let json = (code == 0).then(|| serde_json::from_slice(&out.stdout).unwrap());
        Outcome { code, stderr, json }
    }
}

/// Hashes what a case's input folder holds: file contents, and the kind
/// of everything that is not a regular file (which cannot be read).
fn hash_in(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(root).unwrap().display().to_string();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                out.push((rel, "dir".into()));
                stack.push(e.path());
            } else if ft.is_file() {
                use std::os::unix::fs::MetadataExt;
                let m = e.metadata().unwrap();
                let readable = std::fs::read(e.path());
                let h = match readable {
                    Ok(b) => util::hex(&<sha2::Sha256 as sha2::Digest>::digest(&b)),
                    Err(_) => format!("unreadable {}", m.len()),
                };
                out.push((rel, format!("{h} {:o}", m.mode())));
            } else {
                out.push((rel, format!("{ft:?}")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn an_empty_folder_is_not_a_dump() {
    let c = Case::new();
    let dir = c.input("empty");
    std::fs::create_dir(&dir).unwrap();
    let o = c.inspect(&dir);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no nodes.json"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("expected the output of `kubectl cluster-info dump"),
        "{}",
        o.stderr
    );
}

#[test]
fn an_empty_nodes_file_is_nothing_to_read() {
    let c = Case::new();
    let dir = c.input("dump");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("nodes.json"), "").unwrap();
    let o = c.inspect(&dir);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("nothing of a kubectl cluster-info dump could be read"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("nodes.json") && o.stderr.contains("empty"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_folder_that_is_not_a_dump_says_what_was_expected() {
    let c = Case::new();
    let dir = c.input("photos");
    std::fs::create_dir_all(dir.join("2024")).unwrap();
    std::fs::write(dir.join("2024/cat.jpg"), b"\xff\xd8\xff\xe0 not a dump").unwrap();
    std::fs::write(dir.join("notes.txt"), "shopping list\n").unwrap();
    let o = c.inspect(&dir);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("no nodes.json, nodes.yaml or nodes.txt found in 2 files"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--output-directory"), "{}", o.stderr);
}

/// Whether this process can read a file it has no permission for (root
/// can, so chmod 000 proves nothing in CI containers).
fn reads_anything() -> bool {
    let t = tempfile::NamedTempFile::new().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::read(t.path()).is_ok()
}

#[test]
fn files_that_cannot_be_read_are_problems_and_the_rest_is_read() {
    let c = Case::new();
    let dump = c.real_dump(DumpMode::Dir);
    let ns = dump.join("default");
    // A folder where a list file should be.
    std::fs::remove_file(ns.join("services.json")).unwrap();
    std::fs::create_dir(ns.join("services.json")).unwrap();
    // A dangling symbolic link.
    std::fs::remove_file(ns.join("deployments.json")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/deployments.json", ns.join("deployments.json"))
        .unwrap();
    // A FIFO: opening it would block forever, so it must not be opened.
    std::fs::remove_file(ns.join("daemonsets.json")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(ns.join("daemonsets.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let root = reads_anything();
    if !root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            ns.join("replicasets.json"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    let o = c.inspect(&dump);
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_problem("default/deployments.json", "symbolic link");
    o.assert_problem("default/daemonsets.json", "not a regular file");
    o.assert_problem("default", "lacks services");
    if !root {
        o.assert_problem("default/replicasets.json", "cannot read");
    }
    assert_eq!(o.count("pods"), 1, "the rest of the dump is read");
    assert!(o.count("nodes") > 0);
}

/// The tiny dump's pods list with one more item of `size` bytes (a long
/// annotation) before the real pod, written without holding it in memory.
fn with_huge_item(dump: &Path, size: usize) {
    use std::io::Write;
    let path = dump.join("default/pods.json");
    let list: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let pod = serde_json::to_string(&list["items"][0]).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    write!(
        f,
        r#"{{"kind":"PodList","apiVersion":"v1","items":[{{"metadata":{{"name":"huge","namespace":"default","annotations":{{"a":""#
    )
    .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..size >> 20 {
        f.write_all(&chunk).unwrap();
    }
    write!(f, r#""}}}},"spec":{{}}}},{pod}]}}"#).unwrap();
    f.flush().unwrap();
}

#[test]
fn an_absurdly_large_item_is_skipped() {
    // 96 MiB: past the 64 MiB item bound, and cheap enough for every test
    // run (a 500 MB item was measured by hand: see testdata/hostile/README.md).
    let c = Case::new();
    let dump = c.real_dump(DumpMode::Dir);
    with_huge_item(&dump, 96 << 20);
    let o = c.inspect(&dump);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v = o.json.as_ref().unwrap();
    let skipped = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == "default/pods.json" && p["pointer"] == "/items/0")
        .unwrap_or_else(|| panic!("{}", v["problems"]));
    assert!(
        skipped["message"].as_str().unwrap().contains("skipped"),
        "{skipped}"
    );
    assert_eq!(o.count("pods"), 1, "the item after it is kept");
}

#[test]
fn deep_nesting_is_a_problem_not_a_stack_overflow() {
    let c = Case::new();
    let dump = c.real_dump(DumpMode::Dir);
    let deep = 1_000_000;
    // An item a million arrays deep, then a real pod: the document does not
    // parse whole (serde_json's recursion limit), the scanner (no recursion)
    // splits it into items, the deep one is a problem of its own and the
    // pod is kept.
    let list: Value =
        serde_json::from_slice(&std::fs::read(dump.join("default/pods.json")).unwrap()).unwrap();
    let pod = serde_json::to_string(&list["items"][0]).unwrap();
    let doc = format!(
        r#"{{"kind":"PodList","items":[{}{},{pod}]}}"#,
        "[".repeat(deep),
        "]".repeat(deep)
    );
    std::fs::write(dump.join("default/pods.json"), doc).unwrap();
    // A YAML events list nested as deep.
    let yaml = format!("kind: EventList\nitems:\n- {}\n", "[".repeat(deep));
    std::fs::write(dump.join("default/events.json"), yaml).unwrap();
    let o = c.inspect(&dump);
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_problem("default/pods.json", "item skipped");
    o.assert_problem("default/events.json", "invalid YAML");
    o.assert_problem("default/events.json", "recursion limit");
    assert_eq!(o.count("pods"), 1, "the pod after the deep item is kept");
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let c = Case::new();
    let dump = c.real_dump(DumpMode::Dir);
    // "Billion laughs": nine levels of nine aliases, 10^9 strings if expanded.
    let mut y =
        String::from("kind: EventList\nitems:\n- metadata:\n    name: bomb\n  a0: &a0 [lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        y.push_str(&format!("  a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
    }
    std::fs::write(dump.join("default/events.json"), y).unwrap();
    let started = std::time::Instant::now();
    let o = c.inspect(&dump);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_problem("default/events.json", "repetition limit");
    assert_eq!(o.count("pods"), 1);
}

#[test]
fn a_stdout_dump_cut_in_a_document_or_in_a_log() {
    let made = util::kubectl_dump("tiny", "1.33.1", DumpMode::Stdout);
    let full = std::fs::read(&made.path).unwrap();
    let text = String::from_utf8_lossy(&full);
    // In the middle of the PodList document.
    let pods = text.find("\"kind\": \"PodList\"").expect("a PodList");
    // In the middle of the first log block's body.
    let log = text.find("==== START logs for").expect("a log block");
    let body = log + text[log..].find('\n').unwrap() + 1;
    let end = body + text[body..].find("==== END").unwrap();
    for (what, at) in [("document", pods - 200), ("log", (body + end) / 2)] {
        let c = Case::new();
        let p = c.input("cut.json");
        std::fs::write(&p, &full[..at]).unwrap();
        let o = c.inspect(&p);
        assert_eq!(o.code, 0, "{what}: {}", o.stderr);
        assert!(
            o.count("nodes") > 0,
            "{what}: the nodes before the cut are read"
        );
        if what == "document" {
            o.assert_problem("", "invalid JSON");
        } else {
            assert_eq!(o.count("pods"), 1, "{what}");
            o.assert_problem("", "no END marker: the stream was cut");
        }
    }
}

#[test]
fn binary_garbage_named_json() {
    // Deterministic noise (xorshift), with NULs, invalid UTF-8 and braces.
    let mut x = 0x9e3779b97f4a7c15u64;
    let noise: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    // One list file of a dump: a problem, the rest is read.
    let c = Case::new();
    let dump = c.real_dump(DumpMode::Dir);
    std::fs::write(dump.join("default/services.json"), &noise).unwrap();
    let o = c.inspect(&dump);
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.assert_problem("default/services.json", "");
    assert_eq!(o.count("pods"), 1);
    // The whole input: not a dump, exit 2.
    let c = Case::new();
    let p = c.input("cluster-info.json");
    std::fs::write(&p, &noise).unwrap();
    let o = c.inspect(&p);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("nothing of a kubectl cluster-info dump could be read"),
        "{}",
        o.stderr
    );
}
