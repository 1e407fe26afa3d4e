//! image-pull-failure: PLACEHOLDER — to be written (not committed).

use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};

pub struct ImagePullFailure;

impl Rule for ImagePullFailure {
    fn id(&self) -> &'static str {
        "image-pull-failure"
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
