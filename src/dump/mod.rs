//! INGEST: the only code that knows kubectl's file layout.
//!
//! [`load`] opens any form of `kubectl cluster-info dump` output (see
//! `source`), reads every list and log in parallel with rayon, and returns a
//! [`Dump`]: typed objects with their origin, log sections as byte ranges,
//! the input files with their SHA-256, the format fingerprints, and every
//! problem met. Parallel results are collected in input order and problems
//! are sorted, so the same input always gives the same `Dump`.

pub mod fwd;
pub mod layout;
pub mod legacy;
pub mod lists;
pub mod logs;
pub mod source;
pub mod stream;
pub mod version;

use crate::error::{Error, Result};
use crate::model::*;
use layout::Role;
use lists::{DocFormat, RawList};
use logs::LogSection;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use source::{Container, Encoding, Input, Layout, Limits, Tree};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// The largest list document parsed (they are parsed in memory). Real
/// ones are megabytes; the biggest clusters' pods lists stay well under.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 30;

/// Something in the dump that could not be read as expected. Data, not an
/// error: it is listed in the report and the rest is still analysed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// File relative to the dump root (or the stream/archive name).
    pub file: String,
    /// 1-based line, where one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// JSON pointer inside the file's document, where one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn file(file: &str, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            line: None,
            pointer: None,
            message,
        }
    }

    pub fn at_line(file: &str, line: u64, message: String) -> Problem {
        Problem {
            file: file.to_string(),
            line: Some(line),
            pointer: None,
            message,
        }
    }
}

/// A short, printable excerpt of raw bytes for a problem message.
pub fn snippet(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if bytes.len() > 120 {
        format!("{s:?}…")
    } else {
        format!("{s:?}")
    }
}

/// An object with the place in the dump it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct Located<T> {
    pub origin: Origin,
    #[serde(flatten)]
    pub obj: T,
}

/// One input file with its size and SHA-256, for provenance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The objects of one namespace.
#[derive(Debug, Default)]
pub struct Namespace {
    pub events: Vec<Located<Event>>,
    pub replication_controllers: Vec<Located<Workload>>,
    pub services: Vec<Located<Service>>,
    pub daemonsets: Vec<Located<Workload>>,
    pub deployments: Vec<Located<Workload>>,
    pub replicasets: Vec<Located<Workload>>,
    pub pods: Vec<Located<Pod>>,
    /// Which of the seven lists were present in the dump.
    pub lists: BTreeSet<ListKind>,
}

/// How the dump was written: the answers `inspect` gives under `format`.
#[derive(Debug, Clone, Serialize)]
pub struct Format {
    /// `directory` or `stdout`.
    pub layout: &'static str,
    pub encoding: Encoding,
    /// `json`, `yaml`, or `mixed`.
    pub documents: &'static str,
    pub legacy_internal: bool,
    pub container: Container,
    /// Where the dump sits inside the given folder or archive.
    pub root: String,
}

/// Facts that tell which kubectl wrote the dump (dump-format.md section 9).
#[derive(Debug, Clone, Default)]
pub struct Fingerprints {
    pub legacy_internal: bool,
    pub items_null: bool,
    pub items_empty_array: bool,
    pub managed_fields: bool,
    pub yaml_in_json_files: bool,
    /// Directory list-file extensions seen (`json`, `yaml`, `txt`).
    pub extensions: BTreeSet<String>,
    pub trailer: Option<String>,
    pub per_pod_markers: bool,
    /// Pods with init containers, and how many had init log blocks.
    pub pods_with_init: u64,
    pub pods_with_init_logs: u64,
    pub files_0600: bool,
    pub backslash_paths: bool,
}

/// Everything read from one dump.
pub struct Dump {
    /// What the user passed.
    pub input: String,
    pub format: Format,
    pub nodes: Vec<Located<Node>>,
    pub namespaces: BTreeMap<String, Namespace>,
    /// Namespaces of a stream dump whose lists were all empty: they cannot
    /// be named (dump-format.md section 5), only counted.
    pub unnamed_empty_namespaces: u64,
    pub logs: Vec<LogSection>,
    pub inputs: Vec<InputFile>,
    pub problems: Vec<Problem>,
    pub fingerprints: Fingerprints,
    /// Newest file modification time in the dump (seconds since epoch).
    pub newest_mtime: Option<i64>,
    /// The log scans made while reading (with `LoadOptions::scan`, folder
    /// and archive layouts), aligned with `logs`.
    pub log_scans: Option<LogScans>,
    /// Keeps the files (and any temporary copy) to read logs back from.
    input_files: Input,
}

impl Dump {
    /// Reads a log body back from the dump (bounded by the caller).
    pub fn read_log(&self, section: &LogSection, max: u64) -> std::io::Result<Vec<u8>> {
        self.read_log_at(section, 0, max)
    }

    /// Reads up to `max` bytes of a log body, from `offset` into the body.
    pub fn read_log_at(
        &self,
        section: &LogSection,
        offset: u64,
        max: u64,
    ) -> std::io::Result<Vec<u8>> {
        let offset = offset.min(section.len());
        let len = (section.len() - offset).min(max);
        let start = section.body_start + offset;
        match &self.input_files.layout {
            Layout::Tree(tree) => {
                let file = tree.file(&section.file).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, section.file.clone())
                })?;
                tree.read_range(file, start, len)
            }
            Layout::Stream(stream) => {
                let path = &stream.path;
                use std::os::unix::fs::FileExt;
                let f = std::fs::File::open(path)?;
                let mut buf = vec![0u8; len as usize];
                let mut got = 0;
                while got < buf.len() {
                    let n = f.read_at(&mut buf[got..], start + got as u64)?;
                    if n == 0 {
                        break;
                    }
                    got += n;
                }
                buf.truncate(got);
                Ok(buf)
            }
        }
    }

    /// Streams a whole log body to `f` in chunks, with flat memory.
    pub fn with_log_reader<T>(
        &self,
        section: &LogSection,
        f: impl FnOnce(&mut dyn Read) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        match &self.input_files.layout {
            Layout::Tree(tree) => {
                let file = tree.file(&section.file).ok_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::NotFound, section.file.clone())
                })?;
                tree.with_reader_at(file, section.body_start, |r| f(&mut r.take(section.len())))
            }
            Layout::Stream(stream) => {
                use std::io::{Seek, SeekFrom};
                let mut file = std::fs::File::open(&stream.path)?;
                file.seek(SeekFrom::Start(section.body_start))?;
                f(&mut std::io::BufReader::new(file).take(section.len()))
            }
        }
    }

    pub fn pods(&self) -> impl Iterator<Item = &Located<Pod>> {
        self.namespaces.values().flat_map(|n| n.pods.iter())
    }
}

/// Options for reading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub limits: Limits,
    /// Scan every log with these signatures while it is read (the report
    /// does; `inspect` does not): each log is then read once, not twice.
    pub scan: Option<ScanSetup>,
}

/// The log scan to run during ingest.
#[derive(Debug, Clone, Default)]
pub struct ScanSetup {
    /// The signatures; `None` for the built-in catalog.
    pub catalog: Option<std::sync::Arc<crate::logscan::Catalog>>,
    pub options: crate::logscan::ScanOptions,
}

impl ScanSetup {
    pub fn catalog(&self) -> &crate::logscan::Catalog {
        match &self.catalog {
            Some(c) => c,
            None => crate::logscan::Catalog::builtin(),
        }
    }
}

/// The scans made during ingest, aligned with [`Dump::logs`], and the setup
/// they were made with (analysis reuses them only for the same catalog).
#[derive(Debug, Clone)]
pub struct LogScans {
    pub setup: ScanSetup,
    pub scan: crate::logscan::LogScan,
}

/// Logs up to this size are read whole into a per-thread buffer, so that
/// splitting, hashing and scanning run over the same bytes in memory; larger
/// ones stream through the splitter and are read a second time for the scan,
/// in flat memory. 4 MiB covers 98.6% of the logs.txt of the generated
/// medium dump; raising it to 16 MiB (all of them) measured no faster there
/// (interleaved runs, BENCHMARKS.md) and costs that much memory per thread.
const WHOLE_LOG_BYTES: u64 = 4 << 20;

/// Opens and reads a dump.
pub fn load(path: &Path, opts: LoadOptions) -> Result<Dump> {
    // The built-in catalog takes ~6 ms to compile: it is built while the
    // input is listed, not by the first log's reader while the others wait.
    let (input, _) = rayon::join(
        || source::open(path, opts.limits),
        || opts.scan.as_ref().map(ScanSetup::catalog),
    );
    let input = input?;
    let shown = path.display().to_string();
    let mut acc = Acc::default();
    acc.problems.extend(input.problems.iter().cloned());
    let format = match &input.layout {
        Layout::Tree(tree) => read_tree(tree, &input, &mut acc, opts.scan.as_ref()),
        Layout::Stream(stream) => read_stream(stream, &input, &mut acc)?,
    };
    if let Some(container) = &input.container_file {
        if !matches!(input.layout, Layout::Stream(_)) || input.container != Container::File {
            // The archive itself, hashed as given.
            match hash_path(container) {
                Ok((bytes, sha)) => acc.inputs.push(InputFile {
                    path: container
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    bytes,
                    sha256: sha,
                }),
                Err(e) => acc
                    .problems
                    .push(Problem::file(&shown, format!("cannot hash the input: {e}"))),
            }
        }
    }
    acc.cross_check();
    let mut problems = acc.problems;
    problems.sort();
    problems.dedup();
    let mut inputs = acc.inputs;
    inputs.sort();
    inputs.dedup();
    if acc.nodes.is_empty() && acc.namespaces.is_empty() && acc.logs.is_empty() {
        let first = problems
            .first()
            .map(|p| {
                format!(
                    ": {}{}",
                    p.file,
                    p.line.map(|l| format!(":{l}")).unwrap_or_default()
                ) + &format!(" {}", p.message)
            })
            .unwrap_or_default();
        return Err(Error::NotADump(format!(
            "{shown}: nothing of a kubectl cluster-info dump could be read{first}"
        )));
    }
    Ok(Dump {
        input: shown,
        format,
        nodes: acc.nodes,
        namespaces: acc.namespaces,
        unnamed_empty_namespaces: acc.unnamed_empty,
        logs: acc.logs,
        inputs,
        problems,
        fingerprints: acc.fp,
        newest_mtime: acc.newest_mtime,
        log_scans: match (opts.scan, acc.log_scans) {
            (Some(setup), Some(sections)) => Some(LogScans {
                setup,
                scan: crate::logscan::LogScan { sections },
            }),
            _ => None,
        },
        input_files: input,
    })
}

fn hash_path(p: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(p)?;
    hash_reader(&mut f)
}

fn hash_reader(r: &mut dyn Read) -> std::io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let got = r.read(&mut buf)?;
        if got == 0 {
            break;
        }
        h.update(&buf[..got]);
        n += got as u64;
    }
    Ok((n, hex(&h.finalize())))
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

// ------------------------------------------------------------ accumulation

#[derive(Default)]
struct Acc {
    nodes: Vec<Located<Node>>,
    namespaces: BTreeMap<String, Namespace>,
    unnamed_empty: u64,
    logs: Vec<LogSection>,
    inputs: Vec<InputFile>,
    problems: Vec<Problem>,
    fp: Fingerprints,
    formats: BTreeSet<&'static str>,
    newest_mtime: Option<i64>,
    /// Log files present per pod (directory layout), to find stale folders.
    pod_folders: BTreeSet<(String, String)>,
    /// Scans of `logs`, in step with it, when scanning during ingest.
    log_scans: Option<Vec<crate::logscan::SectionScan>>,
    stream: bool,
}

/// A list document parsed and typed, ready to be added to the dump.
struct TypedList {
    kind: ListKind,
    items: Items,
    namespace_seen: Option<String>,
    format: DocFormat,
    legacy: bool,
    items_null: bool,
    items_empty_array: bool,
    managed_fields: bool,
    problems: Vec<Problem>,
}

enum Items {
    Nodes(Vec<Located<Node>>),
    Events(Vec<Located<Event>>),
    Services(Vec<Located<Service>>),
    Workloads(Vec<Located<Workload>>),
    Pods(Vec<Located<Pod>>),
}

impl Items {
    fn first_namespace(&self) -> Option<String> {
        fn ns<T>(v: &[Located<T>], f: impl Fn(&T) -> &ObjectMeta) -> Option<String> {
            v.iter()
                .map(|l| &f(&l.obj).namespace)
                .find(|n| !n.is_empty())
                .map(|n| n.to_string())
        }
        match self {
            Items::Nodes(_) => None,
            Items::Events(v) => ns(v, |e| &e.metadata),
            Items::Services(v) => ns(v, |e| &e.metadata),
            Items::Workloads(v) => ns(v, |e| &e.metadata),
            Items::Pods(v) => ns(v, |e| &e.metadata),
        }
    }

    fn managed_fields(&self) -> bool {
        fn any<T>(v: &[Located<T>], f: impl Fn(&T) -> &ObjectMeta) -> bool {
            v.iter().any(|l| f(&l.obj).managed_fields.0)
        }
        match self {
            Items::Nodes(v) => any(v, |e| &e.metadata),
            Items::Events(v) => any(v, |e| &e.metadata),
            Items::Services(v) => any(v, |e| &e.metadata),
            Items::Workloads(v) => any(v, |e| &e.metadata),
            Items::Pods(v) => any(v, |e| &e.metadata),
        }
    }
}

/// Parses and types one list document.
fn type_list(bytes: &[u8], file: &str, line: Option<u64>, expected: Option<ListKind>) -> TypedList {
    let raw = lists::parse_list(bytes, file, line);
    let mut problems = raw.problems.clone();
    let kind = match (raw.kind.as_deref(), expected) {
        (Some(k), exp) => match ListKind::from_list_kind(k) {
            Some(found) => {
                if let Some(exp) = exp {
                    if exp != found && line.is_none() {
                        problems.push(Problem::file(
                            file,
                            format!(
                                "holds a {k} where a {} was expected; read as {k}",
                                exp.list_kind()
                            ),
                        ));
                    }
                }
                Some(found)
            }
            None => {
                problems.push(Problem::file(
                    file,
                    format!("unexpected document kind {k:?}; not part of a kubectl dump"),
                ));
                None
            }
        },
        (None, exp) => exp,
    };
    let format = raw.format;
    let empty_array = !raw.items_null && raw.items.is_empty() && raw.problems.is_empty();
    let Some(kind) = kind else {
        return TypedList {
            kind: ListKind::Nodes,
            items: Items::Nodes(Vec::new()),
            namespace_seen: None,
            format,
            legacy: raw.legacy,
            items_null: false,
            items_empty_array: false,
            managed_fields: false,
            problems: {
                if raw.kind.is_none() {
                    problems.push(Problem::file(
                        file,
                        "document of unknown kind skipped".into(),
                    ));
                }
                problems
            },
        };
    };
    let items = match kind {
        ListKind::Nodes => Items::Nodes(type_items(&raw, file, line, &mut problems)),
        ListKind::Events => Items::Events(type_items(&raw, file, line, &mut problems)),
        ListKind::Services => Items::Services(type_items(&raw, file, line, &mut problems)),
        ListKind::Pods => Items::Pods(type_items(&raw, file, line, &mut problems)),
        _ => Items::Workloads(type_items(&raw, file, line, &mut problems)),
    };
    TypedList {
        kind,
        namespace_seen: items.first_namespace(),
        managed_fields: items.managed_fields(),
        items,
        format,
        legacy: raw.legacy,
        items_null: raw.items_null,
        items_empty_array: empty_array,
        problems,
    }
}

fn type_items<T: serde::de::DeserializeOwned>(
    raw: &RawList<'_>,
    file: &str,
    line: Option<u64>,
    problems: &mut Vec<Problem>,
) -> Vec<Located<T>> {
    let mut out = Vec::with_capacity(raw.items.len());
    for (i, item) in &raw.items {
        let pointer = format!("/items/{i}");
        match lists::typed::<T>(item, raw.legacy) {
            Ok(obj) => out.push(Located {
                origin: Origin {
                    file: file.into(),
                    pointer: pointer.into(),
                    line,
                },
                obj,
            }),
            Err(e) => problems.push(Problem {
                file: file.to_string(),
                line,
                pointer: Some(pointer),
                message: format!("item skipped, it does not have the shape of its kind: {e}"),
            }),
        }
    }
    out
}

impl Acc {
    fn add_list(&mut self, ns: Option<&str>, list: TypedList) {
        self.problems.extend(list.problems);
        self.formats.insert(match list.format {
            DocFormat::Json => "json",
            DocFormat::Yaml => "yaml",
        });
        self.fp.legacy_internal |= list.legacy;
        self.fp.items_null |= list.items_null;
        self.fp.items_empty_array |= list.items_empty_array;
        self.fp.managed_fields |= list.managed_fields;
        let Some(ns) = ns else {
            if let Items::Nodes(n) = list.items {
                self.nodes.extend(n);
            }
            return;
        };
        let entry = self.namespaces.entry(ns.to_string()).or_default();
        entry.lists.insert(list.kind);
        match (list.kind, list.items) {
            (_, Items::Events(v)) => entry.events.extend(v),
            (_, Items::Services(v)) => entry.services.extend(v),
            (_, Items::Pods(v)) => entry.pods.extend(v),
            (ListKind::ReplicationControllers, Items::Workloads(v)) => {
                entry.replication_controllers.extend(v)
            }
            (ListKind::DaemonSets, Items::Workloads(v)) => entry.daemonsets.extend(v),
            (ListKind::Deployments, Items::Workloads(v)) => entry.deployments.extend(v),
            (ListKind::ReplicaSets, Items::Workloads(v)) => entry.replicasets.extend(v),
            (_, Items::Nodes(v)) => self.nodes.extend(v),
            (_, Items::Workloads(_)) => {}
        }
    }

    /// Checks pods against their log blocks and folders.
    fn cross_check(&mut self) {
        self.fp.per_pod_markers = self.logs.iter().any(|l| l.container.is_none());
        let mut blocks: BTreeMap<(&str, &str), Vec<&LogSection>> = BTreeMap::new();
        for l in &self.logs {
            blocks.entry((&l.namespace, &l.pod)).or_default().push(l);
        }
        let mut problems = Vec::new();
        let mut known = BTreeSet::new();
        for (ns_name, ns) in &self.namespaces {
            for pod in &ns.pods {
                let name = pod.obj.metadata.name.as_str();
                known.insert((ns_name.as_str(), name));
                let spec = &pod.obj.spec;
                let found = blocks.get(&(ns_name.as_str(), name));
                if !spec.init_containers.is_empty() {
                    self.fp.pods_with_init += 1;
                    let init_logged = found.is_some_and(|b| {
                        b.iter().any(|s| {
                            spec.init_containers
                                .iter()
                                .any(|c| s.container.as_deref() == Some(&c.name))
                        })
                    });
                    if init_logged {
                        self.fp.pods_with_init_logs += 1;
                    }
                }
                let Some(found) = found else {
                    if !self.fp.per_pod_markers {
                        let what = if self.stream {
                            "no log blocks in the stream".to_string()
                        } else {
                            format!("no {ns_name}/{name}/logs.txt")
                        };
                        problems.push(Problem {
                            file: pod.origin.file.to_string(),
                            line: pod.origin.line,
                            pointer: Some(pod.origin.pointer.to_string()),
                            message: format!(
                                "pod {ns_name}/{name} has {what}: the dump was cut short (an error, Ctrl-C or too many open files) before its logs"
                            ),
                        });
                    }
                    continue;
                };
                if found.iter().any(|s| s.container.is_none()) {
                    continue;
                }
                // Containers the pod has but the dump has no block for.
                for c in spec.init_containers.iter().chain(&spec.containers) {
                    if !found
                        .iter()
                        .any(|s| s.container.as_deref() == Some(&c.name))
                    {
                        let is_init = spec.init_containers.iter().any(|i| i.name == c.name);
                        // Before kubectl 1.19 init containers were not
                        // fetched at all; that is a version trait, not a
                        // problem.
                        if is_init {
                            continue;
                        }
                        problems.push(Problem::file(
                            &found[0].file,
                            format!(
                                "no log block for container {} of pod {ns_name}/{name}",
                                c.name
                            ),
                        ));
                    }
                }
                for s in found {
                    let c = s.container.as_deref().unwrap_or_default();
                    if !spec
                        .init_containers
                        .iter()
                        .chain(&spec.containers)
                        .any(|x| x.name == c)
                    {
                        problems.push(Problem::at_line(
                            &s.file,
                            s.start_line,
                            format!("log block for container {c}, which pod {ns_name}/{name} does not have"),
                        ));
                    }
                }
            }
        }
        // Stale folders: logs of pods that are not in any pods list.
        let mut stale: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
        for l in &self.logs {
            if !known.contains(&(l.namespace.as_str(), l.pod.as_str())) {
                stale.insert((&l.file, &l.namespace, &l.pod));
            }
        }
        for (ns, pod) in &self.pod_folders {
            if !known.contains(&(ns.as_str(), pod.as_str()))
                && !stale.iter().any(|s| s.1 == ns && s.2 == pod)
            {
                problems.push(Problem::file(
                    &format!("{ns}/{pod}/logs.txt"),
                    format!("stale log folder: pod {ns}/{pod} is not in the pods list (left by an earlier dump into the same folder, or the pod was deleted)"),
                ));
            }
        }
        for (file, ns, pod) in stale {
            problems.push(Problem::file(
                file,
                format!("stale log folder: pod {ns}/{pod} is not in the pods list (left by an earlier dump into the same folder, or the pod was deleted)"),
            ));
        }
        self.problems.extend(problems);
    }
}

// ------------------------------------------------------------ directory

enum FileResult {
    List {
        ns: Option<String>,
        list: TypedList,
    },
    Logs {
        ns: String,
        pod: String,
        sections: Vec<LogSection>,
        /// One per section when scanning during ingest.
        scans: Option<Vec<crate::logscan::SectionScan>>,
        problems: Vec<Problem>,
    },
    Other,
}

fn read_tree(tree: &Tree, input: &Input, acc: &mut Acc, scan: Option<&ScanSetup>) -> Format {
    let plan = layout::plan(&tree.files);
    acc.problems.extend(plan.problems.iter().cloned());
    acc.fp.extensions = plan.extensions.clone();
    acc.fp.backslash_paths = false;
    acc.newest_mtime = tree.files.iter().filter_map(|f| f.mtime).max();
    acc.fp.files_0600 = input.container == Container::Directory
        && tree
            .files
            .iter()
            .filter(|f| {
                plan.roles
                    .get(&f.rel)
                    .is_some_and(|r| !matches!(r, Role::Other))
            })
            .all(|f| f.mode == Some(0o600))
        && !tree.files.is_empty();
    let results: Vec<(InputFile, Vec<Problem>, FileResult)> = tree
        .files
        .par_iter()
        .map(|f| {
            let role = plan.roles.get(&f.rel).cloned().unwrap_or(Role::Other);
            read_tree_file(tree, f, role, scan)
        })
        .collect();
    if scan.is_some() {
        acc.log_scans = Some(Vec::new());
    }
    for (input, problems, result) in results {
        acc.inputs.push(input);
        acc.problems.extend(problems);
        match result {
            FileResult::List { ns, list } => {
                if list.format == DocFormat::Yaml {
                    // `.json` holding YAML: kubectl 1.11–1.17 with -o yaml.
                    acc.fp.yaml_in_json_files |= plan.extensions.contains("json");
                }
                acc.add_list(ns.as_deref(), list)
            }
            FileResult::Logs {
                ns,
                pod,
                sections,
                scans,
                problems,
            } => {
                acc.pod_folders.insert((ns, pod));
                if let (Some(all), Some(scans)) = (&mut acc.log_scans, scans) {
                    debug_assert_eq!(scans.len(), sections.len());
                    all.extend(scans);
                }
                acc.logs.extend(sections);
                acc.problems.extend(problems);
            }
            FileResult::Other => {}
        }
    }
    // Namespaces with some of the seven lists missing: the dump stopped.
    for (ns, n) in &acc.namespaces {
        let missing: Vec<&str> = ListKind::NAMESPACED
            .iter()
            .filter(|k| !n.lists.contains(k))
            .map(|k| k.file_stem())
            .collect();
        if !missing.is_empty() {
            acc.problems.push(Problem::file(
                ns,
                format!(
                    "namespace folder lacks {}: the dump stopped part-way (an RBAC or server error)",
                    missing.join(", ")
                ),
            ));
        }
    }
    for ns in &plan.namespaces {
        acc.namespaces.entry(ns.clone()).or_default();
    }
    Format {
        layout: "directory",
        encoding: Encoding::Utf8,
        documents: documents(&acc.formats),
        legacy_internal: acc.fp.legacy_internal,
        container: input.container,
        root: input.root_prefix.clone(),
    }
}

fn documents(formats: &BTreeSet<&'static str>) -> &'static str {
    match (formats.contains("json"), formats.contains("yaml")) {
        (true, true) => "mixed",
        (false, true) => "yaml",
        _ => "json",
    }
}

thread_local! {
    /// One whole-log buffer per rayon thread, reused (see `WHOLE_LOG_BYTES`).
    static LOG_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Splits one logs.txt into its sections (hashing it), and with `scan`
/// scans each section too: in memory for files up to `WHOLE_LOG_BYTES`,
/// by reading each section back otherwise.
fn split_and_scan(
    tree: &Tree,
    f: &source::TreeFile,
    ns: &str,
    pod: &str,
    scan: Option<&ScanSetup>,
) -> std::io::Result<(logs::SplitFile, Option<Vec<crate::logscan::SectionScan>>)> {
    let Some(setup) = scan else {
        let split = tree.with_reader(f, |r| logs::split_pod_file(r, &f.rel, ns, pod))?;
        return Ok((split, None));
    };
    let catalog = setup.catalog();
    if f.size <= WHOLE_LOG_BYTES {
        type Scanned = (logs::SplitFile, Option<Vec<crate::logscan::SectionScan>>);
        let whole = LOG_BUFFER.with(|buf| -> std::io::Result<Option<Scanned>> {
            let mut buf = buf.borrow_mut();
            buf.clear();
            // Exactly the listed size (and the probe byte): `read_to_end`
            // alone would double the buffer past it.
            buf.reserve_exact(f.size as usize + 1);
            // One more byte than allowed: a file that grew past its listed
            // size (a zip entry that lies) takes the streaming path below.
            tree.with_reader(f, |r| r.take(WHOLE_LOG_BYTES + 1).read_to_end(&mut buf))?;
            if buf.len() as u64 > WHOLE_LOG_BYTES {
                return Ok(None);
            }
            let split = logs::split_pod_file(&buf[..], &f.rel, ns, pod)?;
            let scans = split
                .0
                .iter()
                .map(|s| crate::logscan::scan_section_in(s, &buf, catalog, &setup.options))
                .collect();
            Ok(Some((split, Some(scans))))
        })?;
        if let Some(done) = whole {
            return Ok(done);
        }
    }
    split_then_scan(tree, f, ns, pod, setup)
}

/// The streaming path of `split_and_scan`: split (one pass, flat memory),
/// then scan each section from its offset.
fn split_then_scan(
    tree: &Tree,
    f: &source::TreeFile,
    ns: &str,
    pod: &str,
    setup: &ScanSetup,
) -> std::io::Result<(logs::SplitFile, Option<Vec<crate::logscan::SectionScan>>)> {
    let split = tree.with_reader(f, |r| logs::split_pod_file(r, &f.rel, ns, pod))?;
    let scans = split
        .0
        .iter()
        .map(|s| {
            crate::logscan::scan_section_with(s, setup.catalog(), &setup.options, |scan| {
                tree.with_reader_at(f, s.body_start, |r| Ok(scan(&mut r.take(s.len()))))
            })
        })
        .collect();
    Ok((split, Some(scans)))
}

fn read_tree_file(
    tree: &Tree,
    f: &source::TreeFile,
    role: Role,
    scan: Option<&ScanSetup>,
) -> (InputFile, Vec<Problem>, FileResult) {
    let mut problems = Vec::new();
    match role {
        Role::Logs { ns, pod } => {
            let res = split_and_scan(tree, f, &ns, &pod, scan);
            match res {
                Ok(((sections, p, size, sha), scans)) => (
                    InputFile {
                        path: f.rel.clone(),
                        bytes: size,
                        sha256: hex(&sha),
                    },
                    Vec::new(),
                    FileResult::Logs {
                        ns,
                        pod,
                        sections,
                        scans,
                        problems: p,
                    },
                ),
                Err(e) => {
                    problems.push(Problem::file(&f.rel, format!("cannot read: {e}")));
                    (unhashed(f), problems, FileResult::Other)
                }
            }
        }
        Role::List { ns, kind } => {
            // A list is parsed in memory, so its size is bounded: a zip bomb
            // or a runaway file must not take the machine down. It is still
            // hashed in full.
            if f.size > MAX_DOCUMENT_BYTES {
                problems.push(Problem::file(
                    &f.rel,
                    format!(
                        "{} bytes, more than the {MAX_DOCUMENT_BYTES} a list document may have; not parsed",
                        f.size
                    ),
                ));
                let input = match tree.with_reader(f, hash_reader) {
                    Ok((bytes, sha256)) => InputFile {
                        path: f.rel.clone(),
                        bytes,
                        sha256,
                    },
                    Err(_) => unhashed(f),
                };
                return (input, problems, FileResult::Other);
            }
            let mut bytes = Vec::with_capacity(f.size as usize);
            if let Err(e) = tree.with_reader(f, |r| {
                r.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes)
            }) {
                problems.push(Problem::file(
                    &f.rel,
                    format!("cannot read (what was read before the error is used): {e}"),
                ));
            }
            if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
                // The entry expands beyond what its header said (a zip bomb).
                problems.push(Problem::file(
                    &f.rel,
                    format!("expands past {MAX_DOCUMENT_BYTES} bytes; not parsed"),
                ));
                let input = unhashed(f);
                return (input, problems, FileResult::Other);
            }
            let sha = hex(&Sha256::digest(&bytes));
            let input = InputFile {
                path: f.rel.clone(),
                bytes: bytes.len() as u64,
                sha256: sha,
            };
            let text = decode_text(&bytes);
            if text.trim_ascii().is_empty() {
                problems.push(Problem::file(
                    &f.rel,
                    "empty file: the dump stopped while writing it".into(),
                ));
                return (input, problems, FileResult::Other);
            }
            let list = type_list(&text, &f.rel, None, Some(kind));
            (input, problems, FileResult::List { ns, list })
        }
        Role::Ignored(why) | Role::Unknown(why) => {
            problems.push(Problem::file(&f.rel, why));
            let input = match tree.with_reader(f, hash_reader) {
                Ok((bytes, sha256)) => InputFile {
                    path: f.rel.clone(),
                    bytes,
                    sha256,
                },
                Err(_) => unhashed(f),
            };
            (input, problems, FileResult::Other)
        }
        Role::Other => (unhashed(f), problems, FileResult::Other),
    }
}

fn unhashed(f: &source::TreeFile) -> InputFile {
    InputFile {
        path: f.rel.clone(),
        bytes: f.size,
        sha256: String::new(),
    }
}

/// List files are UTF-8 from kubectl; a file re-saved by an editor may carry
/// a BOM or be UTF-16. Decodes those, borrows otherwise.
fn decode_text(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    match source::detect_encoding(&bytes[..bytes.len().min(8)]) {
        Encoding::Utf8 => bytes.into(),
        Encoding::Utf8Bom => bytes[3..].into(),
        enc @ (Encoding::Utf16Le | Encoding::Utf16Be) => {
            let units = bytes.chunks_exact(2).map(|c| {
                if enc == Encoding::Utf16Le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            let s: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{fffd}'))
                .filter(|c| *c != '\u{feff}')
                .collect();
            s.into_bytes().into()
        }
    }
}

// ------------------------------------------------------------ stream

fn read_stream(stream: &source::StreamFile, input: &Input, acc: &mut Acc) -> Result<Format> {
    acc.stream = true;
    let scan = stream::scan(&stream.path, &stream.name, stream.skip)
        .map_err(|e| Error::io(&stream.name, e))?;
    acc.problems.extend(scan.problems);
    acc.fp.trailer = scan.trailer;
    if input.container_file.is_some() || input.container == Container::Stdin {
        let path = input.container_file.as_deref().unwrap_or(&stream.path);
        let (bytes, sha256) = hash_path(path).map_err(|e| Error::io(&stream.name, e))?;
        acc.inputs.push(InputFile {
            path: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| stream.name.clone()),
            bytes,
            sha256,
        });
    }
    // Kinds by position, for documents that carry none (kubectl ≤1.10):
    // nodes first, then groups of seven starting with events.
    let docs: Vec<(usize, u64, u64, u64)> = scan
        .parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            stream::Part::Doc {
                start, end, line, ..
            } => Some((i, *start, *end, *line)),
            _ => None,
        })
        .collect();
    let positional = |n: usize| -> ListKind {
        if n == 0 {
            ListKind::Nodes
        } else {
            ListKind::NAMESPACED[(n - 1) % 7]
        }
    };
    let path = &stream.path;
    let typed: Vec<std::io::Result<TypedList>> = docs
        .par_iter()
        .enumerate()
        .map(|(n, &(_, start, end, line))| {
            use std::os::unix::fs::FileExt;
            let f = std::fs::File::open(path)?;
            if end - start > MAX_DOCUMENT_BYTES {
                return Err(std::io::Error::other(format!(
                    "document of {} bytes, more than the {MAX_DOCUMENT_BYTES} a list document may have; not parsed",
                    end - start
                )));
            }
            let mut buf = vec![0u8; (end - start) as usize];
            f.read_exact_at(&mut buf, start)?;
            Ok(type_list(
                &buf,
                &stream.name,
                Some(line),
                Some(positional(n)),
            ))
        })
        .collect();
    // Assign documents to namespace groups in stream order. A group starts
    // at each EventList; its name comes from its items or its log blocks.
    struct Group {
        lists: Vec<TypedList>,
        name: Option<String>,
    }
    let mut nodes_done = false;
    let mut groups: Vec<Group> = Vec::new();
    let mut typed = typed.into_iter();
    for part in scan.parts {
        match part {
            stream::Part::Doc { line, .. } => {
                let list = match typed.next().expect("one result per document") {
                    Ok(l) => l,
                    Err(e) => {
                        acc.problems.push(Problem::at_line(
                            &stream.name,
                            line,
                            format!("cannot read document: {e}"),
                        ));
                        continue;
                    }
                };
                if list.kind == ListKind::Nodes {
                    if nodes_done {
                        acc.problems.push(Problem::at_line(
                            &stream.name,
                            line,
                            "a second NodeList in the stream (two dumps concatenated?); its nodes are added".into(),
                        ));
                    }
                    nodes_done = true;
                    acc.add_list(None, list);
                    continue;
                }
                if list.kind == ListKind::Events || groups.is_empty() {
                    groups.push(Group {
                        lists: Vec::new(),
                        name: None,
                    });
                }
                let g = groups.last_mut().expect("a group");
                if g.name.is_none() {
                    g.name = list.namespace_seen.clone();
                }
                g.lists.push(list);
            }
            stream::Part::Log(section) => {
                if let Some(g) = groups.last_mut() {
                    if g.name.is_none() {
                        g.name = Some(section.namespace.clone());
                    }
                }
                acc.logs.push(section);
            }
        }
    }
    for g in groups {
        match g.name {
            Some(name) => {
                for list in g.lists {
                    acc.add_list(Some(&name), list);
                }
            }
            None => {
                acc.unnamed_empty += 1;
                for list in g.lists {
                    acc.problems.extend(list.problems);
                }
            }
        }
    }
    Ok(Format {
        layout: "stdout",
        encoding: stream.encoding,
        documents: documents(&acc.formats),
        legacy_internal: acc.fp.legacy_internal,
        container: input.container,
        root: String::new(),
    })
}
