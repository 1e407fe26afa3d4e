//! What a rule reports: a [`Finding`], with its severity, subject, plain
//! words for a person, and evidence pointing into the dump.

use crate::model::ObjectRef;
use serde::Serialize;

/// How bad a finding is. Ordered: `Critical` > `Warning` > `Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "critical" => Some(Severity::Critical),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// A place in the dump that supports a claim: a file with a JSON pointer
/// (objects) or a line (logs, stream documents), and a short excerpt.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    pub file: String,
    pub pointer: Option<String>,
    pub line: Option<u64>,
    pub excerpt: Option<String>,
}

/// Events about the subject, deduplicated by reason and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventSummary {
    #[serde(rename = "type")]
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// Total occurrences (sum of `count`/`series.count`).
    pub count: i64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Who reported it (`kubelet`, `default-scheduler`, …).
    pub source: String,
    /// Where the (first) event is in the dump.
    pub evidence: Evidence,
}

/// The last lines of a container's log, attached to crash findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogExcerpt {
    pub file: String,
    /// 1-based line (in `file`) of the first line shown.
    pub first_line: u64,
    pub lines: Vec<String>,
    /// True when earlier lines were left out.
    pub truncated: bool,
}

/// One problem found in the dump.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable id: rule, subject and container, so the same problem in the
    /// same dump always has the same id.
    pub id: String,
    pub rule: &'static str,
    pub severity: Severity,
    pub subject: ObjectRef,
    pub container: Option<String>,
    pub workload: Option<ObjectRef>,
    pub node: Option<String>,
    /// One line a person reads first.
    pub summary: String,
    /// What happened and why, in plain words.
    pub explanation: String,
    pub remediation: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub events: Vec<EventSummary>,
    pub log_excerpt: Option<LogExcerpt>,
    /// Rule-specific facts for tools (exit code, counted reasons, …).
    pub facts: serde_json::Map<String, serde_json::Value>,
    /// What an incident headed by this finding is about, when the rule's
    /// title would not say it (the rollup uses the rule's title otherwise).
    #[serde(skip)]
    pub headline: Option<&'static str>,
}

impl Finding {
    /// A finding of `rule` about `subject`, with the rule's default
    /// severity; the builder methods fill in the rest.
    pub fn new(rule: &dyn super::Rule, subject: ObjectRef) -> Finding {
        Finding {
            id: String::new(),
            rule: rule.id(),
            severity: rule.severity(),
            subject,
            container: None,
            workload: None,
            node: None,
            summary: String::new(),
            explanation: String::new(),
            remediation: Vec::new(),
            evidence: Vec::new(),
            events: Vec::new(),
            log_excerpt: None,
            facts: serde_json::Map::new(),
            headline: None,
        }
    }

    pub fn headline(mut self, h: &'static str) -> Self {
        self.headline = Some(h);
        self
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    pub fn container(mut self, c: &str) -> Self {
        self.container = Some(c.to_string());
        self
    }
    pub fn workload(mut self, w: Option<ObjectRef>) -> Self {
        self.workload = w;
        self
    }
    pub fn node(mut self, n: &str) -> Self {
        if !n.is_empty() {
            self.node = Some(n.to_string());
        }
        self
    }
    pub fn summary(mut self, s: impl Into<String>) -> Self {
        self.summary = s.into();
        self
    }
    pub fn explanation(mut self, s: impl Into<String>) -> Self {
        self.explanation = s.into();
        self
    }
    pub fn remediation<I, S>(mut self, steps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.remediation.extend(steps.into_iter().map(Into::into));
        self
    }
    pub fn evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }
    pub fn events(mut self, e: Vec<EventSummary>) -> Self {
        self.events.extend(e);
        self
    }
    pub fn log_excerpt(mut self, e: Option<LogExcerpt>) -> Self {
        self.log_excerpt = e;
        self
    }
    pub fn fact(mut self, key: &str, value: impl Serialize) -> Self {
        self.facts.insert(
            key.to_string(),
            serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
        );
        self
    }

    /// Fills in the stable id. Called by the runner after `check`.
    pub(crate) fn assign_id(&mut self) {
        let s = &self.subject;
        let mut id = format!(
            "{}:{}/{}/{}",
            self.rule,
            s.kind,
            s.namespace.as_deref().unwrap_or(""),
            s.name
        );
        if let Some(c) = &self.container {
            id.push('/');
            id.push_str(c);
        }
        self.id = id;
    }
}
