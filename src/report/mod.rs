//! REPORT: one typed view of a diagnosis ([`ReportView`]) that every output
//! format renders. JSON is the view serialized as is (CONTRACT.md); the
//! terminal summary, Markdown and HTML are rendered from the same view, so
//! formats cannot disagree.

pub mod redact;
pub mod render;
pub mod svg;
pub mod tables;
pub mod terminal;

use crate::analyze::{Analysis, Finding, Incident, Severity};
use crate::dump::version::VersionRange;
use crate::dump::{Format, InputFile, Problem};
use crate::index::{Counts, DumpIndex, SnapshotTime};
use crate::inspect::{Tool, TOOL};
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub schema_version: u32,
    pub tool: Tool,
    /// Only when `SOURCE_DATE_EPOCH` is set: without it, the same input
    /// gives byte-identical reports.
    pub generated_at: Option<String>,
    pub input: String,
    pub snapshot: Snapshot,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub incidents: Vec<Incident>,
    pub problems: Vec<Problem>,
    pub inputs: Vec<InputFile>,
    pub rules: Vec<&'static str>,
    pub nodes: Vec<tables::NodeRow>,
    pub workloads: Vec<tables::WorkloadRow>,
    pub timeline: tables::Timeline,
    pub coverage: tables::Coverage,
    /// What redaction did, in words (it is on unless `--no-redact`).
    pub redaction: String,
}

#[derive(Debug, Serialize)]
pub struct Snapshot {
    pub estimated_time: Option<String>,
    pub namespaces: Vec<String>,
    #[serde(flatten)]
    pub time: SnapshotTime,
    pub kubectl_version: VersionRange,
    pub format: Format,
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub critical: usize,
    pub warning: usize,
    pub info: usize,
    pub incidents: usize,
    /// One paragraph: the verdict a person reads first.
    pub verdict: String,
    pub affected_namespaces: Vec<String>,
    pub affected_workloads: Vec<String>,
    pub affected_nodes: Vec<String>,
}

impl ReportView {
    pub fn new(ix: &DumpIndex, analysis: Analysis, generated_at: Option<String>) -> ReportView {
        let Analysis {
            findings,
            incidents,
            problems: analysis_problems,
        } = analysis;
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let mut problems = ix.dump.problems.clone();
        problems.extend(analysis_problems);
        let summary = Summary {
            critical: count(Severity::Critical),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            incidents: incidents.len(),
            verdict: verdict(ix, &findings, &incidents),
            affected_namespaces: sorted_unique(
                findings
                    .iter()
                    .filter(|f| f.severity > Severity::Info)
                    .filter_map(|f| f.subject.namespace.clone()),
            ),
            affected_workloads: sorted_unique(
                incidents
                    .iter()
                    .filter(|i| i.severity > Severity::Info)
                    .flat_map(|i| i.workloads.iter().map(|w| w.to_string())),
            ),
            affected_nodes: sorted_unique(
                incidents
                    .iter()
                    .filter(|i| i.severity > Severity::Info)
                    .flat_map(|i| i.nodes.iter().cloned()),
            ),
        };
        let nodes = tables::nodes(ix, &findings);
        let workloads = tables::workloads(ix, &findings);
        ReportView {
            nodes,
            workloads,
            timeline: tables::timeline(ix),
            coverage: tables::coverage(ix),
            redaction: "off".to_string(),
            schema_version: SCHEMA_VERSION,
            tool: TOOL,
            generated_at,
            input: ix.dump.input.clone(),
            snapshot: Snapshot {
                estimated_time: ix.snapshot.estimated_time.clone(),
                namespaces: ix.namespaces.clone(),
                time: ix.snapshot.clone(),
                kubectl_version: ix.version.clone(),
                format: ix.dump.format.clone(),
                counts: ix.counts(),
            },
            summary,
            findings,
            incidents,
            problems,
            inputs: ix.dump.inputs.clone(),
            rules: crate::analyze::RULES.iter().map(|r| r.id()).collect(),
        }
    }

    /// The highest severity found, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("report serializes");
        s.push('\n');
        s
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }
}

fn sorted_unique(it: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = it.collect();
    v.sort();
    v.dedup();
    v
}

/// The one-paragraph verdict.
fn verdict(ix: &DumpIndex, findings: &[Finding], incidents: &[Incident]) -> String {
    let crit: Vec<&Incident> = incidents
        .iter()
        .filter(|i| i.severity == Severity::Critical)
        .collect();
    let warn = incidents
        .iter()
        .filter(|i| i.severity == Severity::Warning)
        .count();
    let pods = counted(ix.pods.len(), "pod");
    let nodes = counted(ix.nodes.len(), "node");
    if findings.iter().all(|f| f.severity == Severity::Info) {
        return format!(
            "No failing workload or node problem found in {pods} on {nodes}{}.",
            if findings.is_empty() {
                ""
            } else {
                " (only informational findings)"
            }
        );
    }
    let mut s = format!(
        "{} critical and {} warning incident{} across {pods} on {nodes}.",
        crit.len(),
        warn,
        if warn == 1 { "" } else { "s" }
    );
    if let Some(top) = crit.first().copied().or(incidents.first()) {
        s.push_str(&format!(" The most severe: {}.", top.title));
    }
    let down: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "node-not-ready")
        .map(|f| f.subject.name.as_str())
        .collect();
    if !down.is_empty() {
        s.push_str(&format!(
            " Node{} {} {} not ready, which explains the trouble of the pods on {}.",
            if down.len() == 1 { "" } else { "s" },
            down.join(", "),
            if down.len() == 1 { "is" } else { "are" },
            if down.len() == 1 { "it" } else { "them" }
        ));
    }
    s
}

/// `--show-env`: adds each finding's container environment to its facts
/// (`env`: name to value, or to where the value comes from). Off by
/// default: environment values often hold credentials.
pub fn show_env(view: &mut ReportView, ix: &DumpIndex) {
    for f in &mut view.findings {
        let (Some(c), "Pod") = (&f.container, f.subject.kind.as_str()) else {
            continue;
        };
        let Some(pod) = ix.pod(
            f.subject.namespace.as_deref().unwrap_or(""),
            &f.subject.name,
        ) else {
            continue;
        };
        let Some(spec) = pod
            .obj
            .spec
            .containers
            .iter()
            .chain(&pod.obj.spec.init_containers)
            .find(|x| x.name == c)
        else {
            continue;
        };
        let env: serde_json::Map<String, serde_json::Value> = spec
            .env
            .iter()
            .map(|e| {
                let v = match &e.value_from {
                    Some(from) => format!("(from {})", from.as_str()),
                    None => e.value.to_string(),
                };
                (e.name.to_string(), serde_json::Value::String(v))
            })
            .collect();
        if !env.is_empty() {
            f.facts.insert("env".into(), serde_json::Value::Object(env));
        }
    }
}

/// `1 pod`, `3 pods`: a count with its noun (a cluster of one node is
/// common in CI and on laptops).
pub fn counted(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
