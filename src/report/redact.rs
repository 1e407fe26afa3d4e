//! Redaction of a report, in every format: every text that comes from the
//! dump (messages, excerpts, log lines, termination messages quoted in
//! explanations) goes through the [`Redactor`] before rendering, in one
//! fixed order, so the same secret always becomes the same placeholder and
//! the same input gives the same report.

use super::ReportView;
use crate::logscan::Redactor;

fn fix(r: &Redactor, s: &mut String) {
    if let std::borrow::Cow::Owned(new) = r.redact(s) {
        *s = new;
    }
}

fn fix_opt(r: &Redactor, s: &mut Option<String>) {
    if let Some(s) = s {
        fix(r, s);
    }
}

fn fix_json(r: &Redactor, v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => fix(r, s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| fix_json(r, x)),
        serde_json::Value::Object(m) => m.values_mut().for_each(|x| fix_json(r, x)),
        _ => {}
    }
}

/// Redacts the view in place and records what was done in
/// `view.redaction`. Ids, rule names, file paths and hashes are left
/// alone: they are coroner's own or the dump's structure, not its content.
pub fn redact(view: &mut ReportView, r: &Redactor) {
    if !r.is_enabled() {
        view.redaction =
            "off (--no-redact): secrets found in the dump are shown as they are".into();
        return;
    }
    fix(r, &mut view.summary.verdict);
    for f in &mut view.findings {
        fix(r, &mut f.summary);
        fix(r, &mut f.explanation);
        f.remediation.iter_mut().for_each(|s| fix(r, s));
        for e in &mut f.evidence {
            fix_opt(r, &mut e.excerpt);
        }
        for e in &mut f.events {
            fix(r, &mut e.message);
            fix_opt(r, &mut e.evidence.excerpt);
        }
        if let Some(l) = &mut f.log_excerpt {
            r.redact_lines(&mut l.lines);
        }
        f.facts.values_mut().for_each(|v| fix_json(r, v));
    }
    for i in &mut view.incidents {
        fix(r, &mut i.title);
    }
    for p in &mut view.problems {
        fix(r, &mut p.message);
    }
    for e in &mut view.timeline.entries {
        fix(r, &mut e.message);
    }
    for w in &mut view.workloads {
        fix_opt(r, &mut w.worst_summary);
    }
    view.coverage
        .log_fetch_errors
        .iter_mut()
        .for_each(|s| fix(r, s));
    let values = r.redacted_values();
    view.redaction = if values == 0 {
        "on: no secret-looking value (tokens, keys, passwords) was found in what the report shows"
            .into()
    } else {
        format!(
            "on: {values} secret-looking value{} (tokens, keys, passwords) replaced by placeholders, {} replacement{} in all; --no-redact shows them",
            if values == 1 { "" } else { "s" },
            r.replacements(),
            if r.replacements() == 1 { "" } else { "s" }
        )
    };
}
