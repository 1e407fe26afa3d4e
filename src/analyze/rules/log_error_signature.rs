//! log-error-signature: PLACEHOLDER — to be written (not committed).

use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};

pub struct LogErrorSignature;

impl Rule for LogErrorSignature {
    fn id(&self) -> &'static str {
        "log-error-signature"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "PLACEHOLDER"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc { title: "PLACEHOLDER", detects: "", evidence: "", why: "", remediation: "" }
    }
    fn check(&self, _cx: &Context<'_>) -> Vec<Finding> {
        Vec::new()
    }
}
