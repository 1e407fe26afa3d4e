//! `coroner inspect`: what was read from a dump, before any diagnosis.
//!
//! For the person who receives a dump: its layout and encoding, which
//! kubectl wrote it, when it was taken, what it holds, which logs could not
//! be fetched, every problem met while reading, and the SHA-256 of every
//! input file (so a report can be tied to the exact evidence).

use crate::dump::version::VersionRange;
use crate::dump::{Format, InputFile, Problem};
use crate::index::{Counts, DumpIndex, SnapshotTime};
use serde::Serialize;
use std::fmt::Write as _;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: "coroner",
    version: env!("CARGO_PKG_VERSION"),
};

/// The `inspect --format json` document (CONTRACT.md).
#[derive(Debug, Serialize)]
pub struct Inspection {
    pub schema_version: u32,
    pub tool: Tool,
    pub format: Format,
    pub namespaces: Vec<String>,
    pub unnamed_empty_namespaces: u64,
    pub counts: Counts,
    pub kubectl_version: VersionRange,
    pub snapshot: SnapshotTime,
    pub logs: Vec<LogInfo>,
    pub problems: Vec<Problem>,
    pub inputs: Vec<InputFile>,
}

#[derive(Debug, Serialize)]
pub struct LogInfo {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub file: String,
    /// Line of the START marker.
    pub line: u64,
    pub bytes: u64,
    pub fetch_error: Option<String>,
    pub trailing_newline: bool,
    pub complete: bool,
}

impl Inspection {
    pub fn new(ix: &DumpIndex) -> Inspection {
        Inspection {
            schema_version: SCHEMA_VERSION,
            tool: TOOL,
            format: ix.dump.format.clone(),
            namespaces: ix.namespaces.clone(),
            unnamed_empty_namespaces: ix.dump.unnamed_empty_namespaces,
            counts: ix.counts(),
            kubectl_version: ix.version.clone(),
            snapshot: ix.snapshot.clone(),
            logs: ix
                .logs
                .iter()
                .map(|l| LogInfo {
                    namespace: l.namespace.clone(),
                    pod: l.pod.clone(),
                    container: l.container.clone(),
                    file: l.file.clone(),
                    line: l.start_line,
                    bytes: l.len(),
                    fetch_error: l.fetch_error.clone(),
                    trailing_newline: l.trailing_newline,
                    complete: l.complete,
                })
                .collect(),
            problems: ix.dump.problems.clone(),
            inputs: ix.dump.inputs.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("inspection serializes");
        s.push('\n');
        s
    }

    /// The human-readable form.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let f = &self.format;
        let _ = writeln!(o, "coroner {} inspect", self.tool.version);
        let _ = writeln!(
            o,
            "layout:      {} ({}{}), {} documents, {}",
            f.layout,
            serde_plain(&f.container),
            if f.root.is_empty() {
                String::new()
            } else {
                format!(", dump root {}", f.root)
            },
            f.documents,
            serde_plain(&f.encoding),
        );
        if f.legacy_internal {
            let _ = writeln!(
                o,
                "             pre-1.11 internal object format (read with key mapping)"
            );
        }
        let v = &self.kubectl_version;
        let _ = writeln!(
            o,
            "kubectl:     {}{}",
            match &v.max {
                Some(max) if *max == v.min => v.min.clone(),
                Some(max) => format!("{} to {max}", v.min),
                None => format!("{} or later", v.min),
            },
            if v.inconsistent {
                " (fingerprints disagree)"
            } else {
                ""
            },
        );
        for e in &v.evidence {
            let _ = writeln!(o, "             - {e}");
        }
        let s = &self.snapshot;
        let _ = writeln!(
            o,
            "snapshot:    {}",
            match (&s.estimated_time, &s.basis) {
                (Some(t), Some(b)) => format!("about {t}, {b}"),
                _ => "unknown (no time stamps in the dump)".to_string(),
            }
        );
        if let Some(t) = &s.newest_file_mtime {
            let _ = writeln!(o, "             files last modified {t}");
        }
        let mut ns = self.namespaces.join(", ");
        if self.unnamed_empty_namespaces > 0 {
            let _ = write!(ns, " (+{} empty, unnamed)", self.unnamed_empty_namespaces);
        }
        let _ = writeln!(o, "namespaces:  {} ({ns})", self.namespaces.len());
        let c = &self.counts;
        let _ = writeln!(
            o,
            "objects:     {} nodes, {} pods ({} containers), {} events, {} services,",
            c.nodes, c.pods, c.containers, c.events, c.services
        );
        let _ = writeln!(
            o,
            "             {} deployments, {} replicasets, {} daemonsets, {} replicationcontrollers",
            c.deployments, c.replicasets, c.daemonsets, c.replicationcontrollers
        );
        let _ = writeln!(
            o,
            "logs:        {} containers with logs ({}), {} log fetch errors",
            c.container_logs,
            human_bytes(c.log_bytes),
            c.container_log_errors
        );
        for l in self.logs.iter().filter(|l| l.fetch_error.is_some()) {
            let _ = writeln!(
                o,
                "             - {}/{} {}: {}",
                l.namespace,
                l.pod,
                l.container.as_deref().unwrap_or("(all)"),
                l.fetch_error.as_deref().unwrap_or_default()
            );
        }
        let _ = writeln!(o, "problems:    {}", self.problems.len());
        for p in &self.problems {
            let mut at = p.file.clone();
            if let Some(l) = p.line {
                let _ = write!(at, ":{l}");
            }
            if let Some(ptr) = &p.pointer {
                let _ = write!(at, "#{ptr}");
            }
            let _ = writeln!(o, "             - {at}: {}", p.message);
        }
        let total: u64 = self.inputs.iter().map(|i| i.bytes).sum();
        let _ = writeln!(
            o,
            "inputs:      {} files, {}",
            self.inputs.len(),
            human_bytes(total)
        );
        for i in &self.inputs {
            let _ = writeln!(o, "             {}  {:>10}  {}", i.sha256, i.bytes, i.path);
        }
        o
    }
}

fn serde_plain<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
