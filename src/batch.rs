//! Batch mode: `coroner report A B C --out-dir DIR --summary all.jsonl`.
//!
//! A fleet audit runs coroner over hundreds of archived snapshots. Inputs
//! are handled one after another (each one already uses every core while
//! it is read), so memory stays that of one dump; one report is written per
//! input, and a JSON Lines summary gathers every input and every finding in
//! a form a data tool loads directly. An input that cannot be read does not
//! stop the batch: it gets an `input` line with its error, and the exit
//! code is 2 at the end.

use crate::analyze::Severity;
use crate::cli::{self, Outcome, ReportFormat};
use crate::error::{Error, Result};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn run(
    inputs: &[PathBuf],
    out_dir: Option<&Path>,
    summary: Option<&Path>,
    format: ReportFormat,
    max_bytes: Option<usize>,
    fail_on: Option<Severity>,
    opts: cli::ViewOptions,
) -> Result<Outcome> {
    if let Some(dir) = out_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(&dir.display().to_string(), e))?;
    }
    let mut lines = String::new();
    let mut used = BTreeSet::new();
    let mut failed_inputs = Vec::new();
    let mut worst: Option<Severity> = None;
    for input in inputs {
        let shown = input.display().to_string();
        let report_path = out_dir.map(|d| {
            d.join(format!(
                "{}.{}",
                unique_name(input, &mut used),
                format.extension()
            ))
        });
        if let Some(p) = &report_path {
            cli::check_output_path(input, p)?;
        }
        match cli::build_view(input, &opts) {
            Ok(view) => {
                if let Some(p) = &report_path {
                    let text = cli::render(&view, format, max_bytes)?;
                    cli::write_atomically(p, text.as_bytes())?;
                }
                worst = worst.max(view.worst());
                let incident_of = |id: &str| {
                    view.incidents
                        .iter()
                        .find(|i| i.findings.iter().any(|f| f == id))
                        .map(|i| i.id.clone())
                };
                push_line(
                    &mut lines,
                    json!({
                        "type": "input",
                        "input": shown,
                        "report": report_path.as_ref().map(|p| p.display().to_string()),
                        "snapshot_time": view.snapshot.estimated_time,
                        "kubectl_version": view.snapshot.kubectl_version.min,
                        "nodes": view.snapshot.counts.nodes,
                        "pods": view.snapshot.counts.pods,
                        "critical": view.summary.critical,
                        "warning": view.summary.warning,
                        "info": view.summary.info,
                        "incidents": view.summary.incidents,
                        "problems": view.problems.len(),
                        "error": null,
                    }),
                );
                for f in &view.findings {
                    push_line(
                        &mut lines,
                        json!({
                            "type": "finding",
                            "input": shown,
                            "snapshot_time": view.snapshot.estimated_time,
                            "id": f.id,
                            "rule": f.rule,
                            "severity": f.severity,
                            "kind": f.subject.kind,
                            "namespace": f.subject.namespace,
                            "name": f.subject.name,
                            "container": f.container,
                            "workload": f.workload.as_ref().map(|w| w.to_string()),
                            "node": f.node,
                            "incident": incident_of(&f.id),
                            "summary": f.summary,
                        }),
                    );
                }
                eprintln!(
                    "coroner: {shown}: {} critical, {} warning, {} info",
                    view.summary.critical, view.summary.warning, view.summary.info
                );
            }
            Err(e) => {
                eprintln!("coroner: {shown}: {e}");
                failed_inputs.push(shown.clone());
                push_line(
                    &mut lines,
                    json!({"type": "input", "input": shown, "report": null, "error": e.to_string()}),
                );
            }
        }
    }
    if let Some(p) = summary {
        cli::write_atomically(p, lines.as_bytes())?;
    }
    if !failed_inputs.is_empty() {
        return Err(Error::Input(format!(
            "{} of {} inputs could not be read: {}",
            failed_inputs.len(),
            inputs.len(),
            failed_inputs.join(", ")
        )));
    }
    let failed = fail_on.is_some_and(|t| worst.is_some_and(|w| w >= t));
    Ok(if failed {
        Outcome::FindingsAtThreshold
    } else {
        Outcome::Done
    })
}

fn push_line(out: &mut String, v: serde_json::Value) {
    out.push_str(&serde_json::to_string(&v).expect("summary line serializes"));
    out.push('\n');
}

/// A report name from the input's name: `cluster-1.tar.gz` -> `cluster-1`,
/// made unique in the batch with `-2`, `-3`…
fn unique_name(input: &Path, used: &mut BTreeSet<String>) -> String {
    let base = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".into());
    let mut stem = base.as_str();
    for ext in [
        ".tar.gz", ".tgz", ".zip", ".tar", ".gz", ".json", ".yaml", ".txt", ".log", ".dump",
    ] {
        if let Some(s) = stem.strip_suffix(ext) {
            stem = s;
            break;
        }
    }
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = if clean.is_empty() || clean.starts_with('.') {
        format!("report{clean}")
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{clean}-{n}");
        n += 1;
    }
    name
}
