//! The short summary printed to the terminal when no `-o` is given:
//! the verdict and one line per incident, coloured only on a terminal and
//! never when `NO_COLOR` is set (https://no-color.org).

use super::ReportView;
use crate::analyze::Severity;
use std::fmt::Write;

pub fn render(view: &ReportView, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let badge = |s: Severity| match s {
        Severity::Critical => paint("1;31", "CRITICAL"),
        Severity::Warning => paint("33", "WARNING "),
        Severity::Info => paint("36", "INFO    "),
    };
    let mut o = String::new();
    let snap = &view.snapshot;
    let _ = writeln!(
        o,
        "{} {} — snapshot {}, {}, {}, {}",
        paint("1", "coroner"),
        view.input,
        snap.estimated_time.as_deref().unwrap_or("of unknown time"),
        super::counted(snap.namespaces.len(), "namespace"),
        super::counted(snap.counts.nodes as usize, "node"),
        super::counted(snap.counts.pods as usize, "pod")
    );
    let _ = writeln!(o, "{}", view.summary.verdict);
    let _ = writeln!(
        o,
        "{} critical, {} warning, {} info findings in {}",
        view.summary.critical,
        view.summary.warning,
        view.summary.info,
        super::counted(view.summary.incidents, "incident")
    );
    let _ = writeln!(o);
    for inc in &view.incidents {
        let _ = writeln!(o, "{} {}", badge(inc.severity), inc.title);
        if let Some(root) = view.finding(&inc.root_cause) {
            let _ = writeln!(o, "         {}", root.summary);
        }
        let others = inc.findings.len().saturating_sub(1);
        if others > 0 {
            let _ = writeln!(
                o,
                "         (+{others} related finding{})",
                if others == 1 { "" } else { "s" }
            );
        }
    }
    if !view.problems.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{} parts of the dump could not be read as expected (see `coroner inspect`).",
            view.problems.len()
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Full report: coroner report {} -o report.html",
        shell_quote(&view.input)
    );
    o
}

fn shell_quote(s: &str) -> String {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
