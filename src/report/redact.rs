//! Redaction of a report, in every format: every text that comes from the
//! dump (messages, excerpts, log lines, termination messages quoted in
//! explanations) goes through the [`Redactor`] before rendering, in one
//! fixed order, so the same secret always becomes the same placeholder and
//! the same input gives the same report.

use super::ReportView;
use crate::analyze::Finding;
use crate::logscan::Redactor;
use rayon::prelude::*;

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

/// What of a finding the dump wrote, in the order it is redacted.
enum Part<'a> {
    Text(&'a mut String),
    /// An excerpt's lines (a key block may span several).
    Lines(&'a mut [String]),
    Json(&'a mut serde_json::Value),
}

fn parts(f: &mut Finding) -> Vec<Part<'_>> {
    let mut out = vec![Part::Text(&mut f.summary), Part::Text(&mut f.explanation)];
    out.extend(f.remediation.iter_mut().map(Part::Text));
    out.extend(
        f.evidence
            .iter_mut()
            .filter_map(|e| e.excerpt.as_mut().map(Part::Text)),
    );
    for e in &mut f.events {
        out.push(Part::Text(&mut e.message));
        out.extend(e.evidence.excerpt.as_mut().map(Part::Text));
    }
    if let Some(l) = &mut f.log_excerpt {
        out.push(Part::Lines(&mut l.lines));
    }
    out.extend(f.facts.values_mut().map(Part::Json));
    out
}

impl Part<'_> {
    /// Appends its texts to `out`, each followed by a newline.
    fn append_texts(&self, out: &mut String) {
        fn json(v: &serde_json::Value, out: &mut String) {
            match v {
                serde_json::Value::String(s) => {
                    out.push_str(s);
                    out.push('\n');
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| json(x, out)),
                serde_json::Value::Object(m) => m.values().for_each(|x| json(x, out)),
                _ => {}
            }
        }
        match self {
            Part::Text(s) => {
                out.push_str(s);
                out.push('\n');
            }
            Part::Lines(l) => l.iter().for_each(|s| {
                out.push_str(s);
                out.push('\n');
            }),
            Part::Json(v) => json(v, out),
        }
    }

    fn redact(self, r: &Redactor) {
        match self {
            Part::Text(s) => fix(r, s),
            Part::Lines(l) => r.redact_lines(l),
            Part::Json(v) => fix_json(r, v),
        }
    }
}

/// Redacts findings in order. Most findings hold no secret, so each is
/// first checked whole, in parallel: its texts joined by newlines, which
/// the redaction rules match wherever they match one of the texts (no rule
/// looks past a newline for a word boundary or an end). Only the findings
/// that may hold one are redacted, in order, so placeholders are numbered
/// as if every text had been redacted in order. Checking text by text, in
/// order, had been a fifth of a report's serial time.
fn redact_findings(findings: &mut [Finding], r: &Redactor) {
    let flagged: Vec<bool> = findings
        .par_iter_mut()
        .map(|f| {
            let mut all = String::new();
            parts(f).iter().for_each(|p| p.append_texts(&mut all));
            r.may_redact(&all)
        })
        .collect();
    for (f, _) in findings.iter_mut().zip(flagged).filter(|(_, x)| *x) {
        for p in parts(f) {
            p.redact(r);
        }
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
    redact_findings(&mut view.findings, r);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{EventSummary, Evidence, LogExcerpt, Severity};
    use crate::model::ObjectRef;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJlLWhlcmU";

    /// A finding with `secret` in part `k` of it (and plain text elsewhere).
    fn finding(k: usize, secret: &str) -> Finding {
        let put = |i: usize, plain: &str| {
            if i == k {
                format!("{plain} password={secret}")
            } else {
                plain.to_string()
            }
        };
        let evidence = |i| Evidence {
            file: "f".into(),
            pointer: None,
            line: None,
            excerpt: Some(put(i, "excerpt")),
        };
        let mut facts = serde_json::Map::new();
        facts.insert(
            "env".into(),
            serde_json::json!({"A": put(7, "fact"), "n": [put(8, "in a list")]}),
        );
        Finding {
            id: format!("f{k}"),
            rule: "test",
            severity: Severity::Warning,
            subject: ObjectRef::new("Pod", "ns", "p"),
            container: None,
            workload: None,
            node: None,
            summary: put(0, "summary"),
            explanation: put(1, "explanation"),
            remediation: vec![put(2, "fix it")],
            evidence: vec![evidence(3)],
            events: vec![EventSummary {
                type_: "Warning".into(),
                reason: "BackOff".into(),
                message: put(4, "message"),
                count: 1,
                first_seen: None,
                last_seen: None,
                source: "kubelet".into(),
                evidence: evidence(5),
            }],
            log_excerpt: Some(LogExcerpt {
                file: "logs.txt".into(),
                first_line: 1,
                lines: vec!["a".into(), put(6, "line"), "b".into()],
                truncated: false,
            }),
            facts,
            headline: None,
        }
    }

    #[test]
    fn every_part_of_every_finding_is_redacted_and_numbered_in_order() {
        // Secrets in each part in turn, some findings without any, one
        // secret repeated: the parallel check must not change what a plain
        // pass in order gives, placeholders included.
        let mut findings: Vec<Finding> = (0..60)
            .map(|i| {
                let secret = if i % 5 == 0 {
                    JWT.to_string()
                } else {
                    format!("pw-{i}-x9")
                };
                let mut f = finding(i % 11, &secret);
                f.id = format!("f{i}");
                f
            })
            .collect();
        let mut expected = findings.clone();
        let serial = Redactor::new();
        for f in &mut expected {
            for p in parts(f) {
                p.redact(&serial);
            }
        }
        let r = Redactor::new();
        redact_findings(&mut findings, &r);
        let text = serde_json::to_string(&findings).unwrap();
        assert_eq!(text, serde_json::to_string(&expected).unwrap());
        assert!(!text.contains("pw-") && !text.contains(JWT), "{text}");
        assert_eq!(r.redacted_values(), serial.redacted_values());
        // Parts 9 and 10 do not exist, so 10 findings hold no secret; of
        // the other 50, 10 hold the JWT: 40 passwords and 1 token.
        assert_eq!(r.redacted_values(), 41);
    }
}
