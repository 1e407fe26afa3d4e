//! Helpers shared by the test modules: running the binary, making real
//! kubectl dumps once per test run, hashing trees.

#![allow(dead_code)]

use crate::fakeapi::{self, DumpMode, FakeApi, Fixture};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

pub fn coroner() -> Command {
    Command::new(env!("CARGO_BIN_EXE_coroner"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

pub fn run_with_stdin(args: &[&str], stdin: Option<&Path>) -> Run {
    let mut cmd = coroner();
    cmd.args(args);
    cmd.stdin(match stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    });
    output(cmd)
}

/// Runs a prepared command (stdin closed unless set) and collects its output.
pub fn output(mut cmd: Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run coroner");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn inspect_json(path: &Path) -> serde_json::Value {
    let r = run(&["inspect", "--format", "json", path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "inspect {} failed: {}", path.display(), r.stderr);
    serde_json::from_str(&r.stdout).expect("inspect prints JSON")
}

/// Real kubectl must be present: CI installs nothing for it because every
/// machine has it, and a silent skip would hide a broken harness.
pub fn require_kubectl() {
    if !fakeapi::kubectl_available() {
        panic!(
            "\n\n*** kubectl was not found (set KUBECTL or put it on PATH). The ingest tests \
             make their fixtures with real kubectl against a fake API server; they cannot run \
             without it. ***\n\n"
        );
    }
}

/// A real kubectl dump of a fixture, made once per (scenario, server
/// version, mode) and shared by all tests of this run.
pub struct MadeDump {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub fixture: Fixture,
    pub server_version: String,
    pub mode: DumpMode,
}

type Key = (&'static str, String, u8);

fn cache() -> &'static Mutex<BTreeMap<Key, &'static MadeDump>> {
    static CACHE: OnceLock<Mutex<BTreeMap<Key, &'static MadeDump>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(BTreeMap::new()))
}

fn mode_id(m: DumpMode) -> u8 {
    match m {
        DumpMode::Dir => 0,
        DumpMode::DirYaml => 1,
        DumpMode::Stdout => 2,
        DumpMode::StdoutYaml => 3,
    }
}

pub fn kubectl_dump(
    scenario: &'static str,
    server_version: &str,
    mode: DumpMode,
) -> &'static MadeDump {
    require_kubectl();
    let key = (scenario, server_version.to_string(), mode_id(mode));
    // Hold the lock while dumping: kubectl runs are the slow part, and two
    // tests asking for the same dump must not make it twice.
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(d) = cache.get(&key) {
        return d;
    }
    let fixture = match scenario {
        "demo" => crate::scenario::demo(),
        "tiny" => crate::scenario::tiny(),
        "edge" => crate::scenario::edge(),
        other => panic!("unknown scenario {other}"),
    };
    let api = FakeApi::start(fixture.clone(), server_version);
    let dir = tempfile::tempdir().unwrap();
    let path = match mode {
        DumpMode::Dir | DumpMode::DirYaml => dir.path().join("dump"),
        DumpMode::Stdout => dir.path().join("dump.json"),
        DumpMode::StdoutYaml => dir.path().join("dump.yaml"),
    };
    fakeapi::kubectl_dump(&api.url(), mode, None, &path)
        .unwrap_or_else(|e| panic!("kubectl {server_version} {mode:?}: {e}"));
    let made: &'static MadeDump = Box::leak(Box::new(MadeDump {
        dir,
        path,
        fixture,
        server_version: server_version.to_string(),
        mode,
    }));
    cache.insert(key, made);
    made
}

/// SHA-256 of every file under `root`, keyed by relative path.
pub fn hash_tree(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.is_file() {
            let rel = d
                .strip_prefix(root)
                .unwrap_or(&d)
                .to_string_lossy()
                .into_owned();
            out.insert(rel, hex(&Sha256::digest(std::fs::read(&d).unwrap())));
            continue;
        }
        for e in std::fs::read_dir(&d).unwrap() {
            stack.push(e.unwrap().path());
        }
    }
    out
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Copies a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The shared realdata folder beside the checkout (CI has it). Outside CI
/// its absence skips with a loud message; in CI it is an error.
pub fn realdata(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/realdata")
        .join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing; CI runs with shared/ beside the checkout",
            p.display()
        );
    }
    eprintln!("*** SKIPPED: {} not found ***", p.display());
    None
}
