//! DIAGNOSIS: rules over the index, then a rollup into incidents.
//!
//! Each failure class is one file in `rules/`, holding the rule's
//! documentation (what it detects, the evidence it reads, why it happens,
//! what to do) and its check. [`RULES`] lists them in catalog order; `coroner
//! rules` and `coroner explain` print from the same list, so the docs cannot
//! drift from the code. Rules run in parallel; a rule that panics becomes a
//! problem instead of a crash; findings are sorted so the output is stable.

pub mod context;
pub mod finding;
pub mod rollup;
pub mod rules;
pub mod sched;
#[cfg(test)]
pub mod testing;

pub use context::Context;
pub use finding::{EventSummary, Evidence, Finding, LogExcerpt, Severity};
pub use rollup::Incident;

use crate::dump::Problem;
use crate::index::DumpIndex;
use rayon::prelude::*;
use serde::Serialize;

/// A rule's documentation, with fixed headings (ruff's layout).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleDoc {
    /// A few words: "Container in CrashLoopBackOff".
    pub title: &'static str,
    /// What it detects.
    pub detects: &'static str,
    /// The evidence in the dump it reads.
    pub evidence: &'static str,
    /// Why this happens.
    pub why: &'static str,
    /// What to do.
    pub remediation: &'static str,
}

pub trait Rule: Sync {
    /// Stable kebab-case id; names the failure, never reused.
    fn id(&self) -> &'static str;
    fn severity(&self) -> Severity;
    /// Kind of subject: `Pod`, `Node`, `Service`, `Deployment / …`.
    fn subject(&self) -> &'static str;
    fn doc(&self) -> RuleDoc;
    fn check(&self, cx: &Context<'_>) -> Vec<Finding>;
}

pub use rules::RULES;

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.id() == id)
}

/// Everything the diagnosis found.
#[derive(Debug, Serialize)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub incidents: Vec<Incident>,
    /// Rules that failed to run (a bug, reported instead of crashing).
    pub problems: Vec<Problem>,
}

/// Runs every rule over the index with the built-in log signatures, then
/// rolls findings up into incidents.
pub fn analyze(ix: &DumpIndex) -> Analysis {
    analyze_with(ix, crate::logscan::Catalog::builtin())
}

/// [`analyze`] with another signature catalog (`--rules FILE`).
pub fn analyze_with(ix: &DumpIndex, catalog: &crate::logscan::Catalog) -> Analysis {
    let cx = Context::new(ix, catalog);
    let results: Vec<(&'static str, std::thread::Result<Vec<Finding>>)> = RULES
        .par_iter()
        .map(|r| {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| r.check(&cx)));
            (r.id(), out)
        })
        .collect();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for (id, r) in results {
        match r {
            Ok(mut v) => {
                for f in &mut v {
                    f.assign_id();
                }
                findings.extend(v);
            }
            Err(_) => problems.push(Problem::file(
                "",
                format!("rule {id} failed on this dump (a coroner bug); its findings are missing"),
            )),
        }
    }
    drop_explained_warnings(&mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.rule.cmp(b.rule))
            .then(a.subject.cmp(&b.subject))
            .then(a.container.cmp(&b.container))
    });
    findings.dedup_by(|a, b| a.id == b.id);
    let incidents = rollup::incidents(&cx, &findings);
    Analysis {
        findings,
        incidents,
        problems,
    }
}

/// `warning-events` reports only what no other finding explains: its
/// findings about an object that another rule already reports on (the
/// object itself, or the workload of pods another rule reports on) go.
fn drop_explained_warnings(findings: &mut Vec<Finding>) {
    use std::collections::BTreeSet;
    let mut covered = BTreeSet::new();
    for f in findings.iter().filter(|f| f.rule != "warning-events") {
        covered.insert(f.subject.clone());
        if let Some(w) = &f.workload {
            covered.insert(w.clone());
        }
    }
    // Pods on a node that is down are explained by that node.
    let down: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.rule == "node-not-ready")
        .map(|f| f.subject.name.clone())
        .collect();
    findings.retain(|f| {
        f.rule != "warning-events"
            || !(covered.contains(&f.subject)
                || (f.subject.kind == "Pod" && f.node.as_ref().is_some_and(|n| down.contains(n))))
    });
}
