//! warning-events: Warning events that no other finding explains.

use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Event, ObjectRef};
use crate::time;
use std::collections::BTreeMap;

pub struct WarningEvents;

/// Events newer than this before the snapshot, and repeated this often,
/// make the finding a warning instead of info.
const RECENT_SECONDS: i64 = 3600;
const REPEATED: i64 = 10;

impl Rule for WarningEvents {
    fn id(&self) -> &'static str {
        "warning-events"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn subject(&self) -> &'static str {
        "any"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Warning events no other finding explains",
            detects: "Warning events about an object that no other rule reports on: one finding per object, with its events deduplicated (reason, message, count, first and last seen). Events that are history are left out: those about pods that no longer exist, and those older than the last time the object became Ready.",
            evidence: "The namespaces' events.json (core/v1 Events, both the classic shape with firstTimestamp/lastTimestamp/count and the events.k8s.io shape with eventTime/series), and the Ready condition of the object they involve.",
            why: "Components report trouble as Warning events even when it does not (yet) break a workload: a failing HPA metric, an endpoint update that failed, a volume that was slow to attach, a probe that failed once. They are context for an incident, or early signs of the next one.",
            remediation: "Read the event messages: they name the component that reported them and what it could not do. Recurring warnings (high count, seen up to the snapshot) deserve a look even if the workload runs; one-off warnings from long ago usually do not.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut by_object: BTreeMap<ObjectRef, Vec<&Located<Event>>> = BTreeMap::new();
        for e in &cx.ix.events {
            let ev = &e.obj;
            if ev.type_ != "Warning" {
                continue;
            }
            let o = &ev.involved_object;
            let ns = if o.kind == "Node" {
                ""
            } else {
                o.namespace.as_str()
            };
            let subject = ObjectRef::new(&o.kind, ns, &o.name);
            if is_history(cx, ev) || is_benign_retry(ev) {
                continue;
            }
            by_object.entry(subject).or_default().push(e);
        }
        let mut out = Vec::new();
        for (subject, events) in by_object {
            let summaries = cx.summarize(&events);
            let total: i64 = summaries.iter().map(|s| s.count).sum();
            let newest = summaries
                .iter()
                .filter_map(|s| s.last_seen.as_deref())
                .max();
            let recent = cx.age(newest).is_some_and(|a| a <= RECENT_SECONDS);
            let severity = if recent && total >= REPEATED {
                Severity::Warning
            } else {
                Severity::Info
            };
            // One entry per reason, counts added up (the summaries are per
            // distinct message).
            let mut per_reason: Vec<(String, i64)> = Vec::new();
            for s in &summaries {
                match per_reason.iter_mut().find(|(r, _)| *r == s.reason) {
                    Some(e) => e.1 += s.count,
                    None => per_reason.push((s.reason.clone(), s.count)),
                }
            }
            let reasons: Vec<String> = per_reason
                .iter()
                .map(|(r, n)| {
                    if *n > 1 {
                        format!("{r} ×{n}")
                    } else {
                        r.clone()
                    }
                })
                .collect();
            let (workload, node) = match subject.kind.as_str() {
                "Pod" => {
                    let ns = subject.namespace.as_deref().unwrap_or("");
                    let pi = cx.ix.pods.iter().position(|p| {
                        p.obj.metadata.namespace == ns && p.obj.metadata.name == subject.name
                    });
                    (
                        pi.and_then(|i| cx.workload_of(i)),
                        pi.map(|i| cx.ix.pods[i].obj.spec.node_name.clone())
                            .unwrap_or_default(),
                    )
                }
                "Node" => (None, subject.name.clone()),
                _ => (None, String::new()),
            };
            let first = &summaries[0];
            let explanation = format!(
                "{} Warning event{} about {} that no other finding covers: {}. The most recent says: \"{}\" (reported by {}{}).",
                total,
                if total == 1 { "" } else { "s" },
                subject,
                reasons.join(", "),
                crate::analyze::context::clip(&first.message, 300),
                if first.source.is_empty() { "an unnamed component" } else { &first.source },
                first
                    .last_seen
                    .as_deref()
                    .map(|t| format!(", last seen {t}"))
                    .unwrap_or_default()
            );
            let mut f = Finding::new(self, subject.clone())
                .severity(severity)
                .workload(workload)
                .node(&node)
                .summary(format!("{subject}: {}", reasons.join(", ")))
                .explanation(explanation)
                .remediation([
                    "Read each event's message: it names the component and what it could not do.",
                    "Recurring warnings seen up to the snapshot deserve a look even if the workload runs.",
                ])
                .fact("events", total);
            for s in &summaries {
                f = f.evidence(s.evidence.clone());
            }
            out.push(f.events(summaries));
        }
        out
    }
}

/// An optimistic-concurrency conflict that the controller retries by
/// itself ("the object has been modified; please apply your changes to the
/// latest version"): noise unless it keeps happening.
fn is_benign_retry(ev: &Event) -> bool {
    ev.message.contains("the object has been modified") && ev.occurrences() < 5
}

/// Is this event history rather than a current problem? It is when the
/// pod it is about no longer exists, or when the object became Ready
/// after the event was last seen.
fn is_history(cx: &Context<'_>, ev: &Event) -> bool {
    let o = &ev.involved_object;
    let last = ev.last_seen().and_then(time::parse);
    let ready_since = |conds: &[crate::model::Condition]| {
        conds
            .iter()
            .find(|c| c.type_ == "Ready" && c.status == "True")
            .and_then(|c| c.last_transition_time.as_deref())
            .and_then(time::parse)
    };
    match o.kind.as_str() {
        "Pod" => match cx.ix.pod(&o.namespace, &o.name) {
            None => true,
            Some(p) => {
                if !o.uid.is_empty()
                    && !p.obj.metadata.uid.is_empty()
                    && o.uid != p.obj.metadata.uid
                {
                    // About an earlier pod of the same name.
                    return true;
                }
                if p.obj.status.phase == "Succeeded" {
                    return true;
                }
                matches!((last, ready_since(&p.obj.status.conditions)), (Some(l), Some(r)) if l < r)
            }
        },
        "Node" => match cx.ix.node(&o.name) {
            None => true,
            Some(n) => {
                matches!((last, ready_since(&n.obj.status.conditions)), (Some(l), Some(r)) if l < r)
            }
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::analyze;
    use crate::analyze::testing::{event, node, pod, TinyDump};

    #[test]
    fn reports_unexplained_warnings_and_skips_history() {
        let mut old = event(
            "default",
            "Pod",
            "web-1",
            "Warning",
            "Unhealthy",
            "Liveness probe failed",
            3,
        );
        old["lastTimestamp"] = "2025-06-01T09:00:00Z".into();
        old["firstTimestamp"] = "2025-06-01T08:00:00Z".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![pod("default", "web-1", "n1"), pod("default", "api-1", "n1")],
            events: vec![
                old,
                event(
                    "default",
                    "Pod",
                    "api-1",
                    "Warning",
                    "FailedToUpdateEndpoint",
                    "Failed to update endpoint default/api",
                    12,
                ),
                event(
                    "default", "Pod", "gone-1", "Warning", "BackOff", "Back-off", 40,
                ),
                event("default", "Pod", "api-1", "Normal", "Pulled", "pulled", 1),
            ],
            ..Default::default()
        };
        let (_dir, ix) = d.build();
        let a = analyze(&ix);
        let w: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.rule == "warning-events")
            .collect();
        // web-1's warning predates its Ready transition (10:00:10): history.
        // gone-1 no longer exists. Only api-1's remains.
        assert_eq!(
            w.len(),
            1,
            "{:#?}",
            w.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        assert_eq!(w[0].subject.name, "api-1");
        assert_eq!(
            w[0].severity,
            crate::analyze::Severity::Warning,
            "12 times in the last hour"
        );
        assert_eq!(w[0].events.len(), 1);
    }
}
