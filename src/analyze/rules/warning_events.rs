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
            detects: "Warning events about an object that no other rule reports on: one finding per object, with its events deduplicated (reason, message, count, first and last seen). Events older than the last time the object became Ready are history and left out. Events about pods that are no longer in the dump (deleted or replaced before it was taken) are the only trace of those pods: they are reported as info, under the workload the pod's name points to, so that a replacement failing the same way can be recognised.",
            evidence: "The namespaces' events.json (core/v1 Events, both the classic shape with firstTimestamp/lastTimestamp/count and the events.k8s.io shape with eventTime/series), and the Ready condition of the object they involve.",
            why: "Components report trouble as Warning events even when it does not (yet) break a workload: a failing HPA metric, an endpoint update that failed, a volume that was slow to attach, a probe that failed once. They are context for an incident, or early signs of the next one.",
            remediation: "Read the event messages: they name the component that reported them and what it could not do. Recurring warnings (high count, seen up to the snapshot) deserve a look even if the workload runs; one-off warnings from long ago usually do not.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut by_object: BTreeMap<ObjectRef, Vec<&Located<Event>>> = BTreeMap::new();
        let mut gone: BTreeMap<ObjectRef, Vec<&Located<Event>>> = BTreeMap::new();
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
            if is_benign_retry(ev) {
                continue;
            }
            if o.kind == "Pod" && cx.ix.pod(&o.namespace, &o.name).is_none() {
                gone.entry(subject).or_default().push(e);
                continue;
            }
            if is_history(cx, ev) {
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
                    let pi = cx.ix.pod_index(ns, &subject.name);
                    (
                        pi.and_then(|i| cx.workload_of(i)),
                        pi.map(|i| cx.ix.pods[i].obj.spec.node_name.to_string())
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
        for (subject, events) in gone {
            out.push(self.deleted_pod(cx, subject, &events));
        }
        out
    }
}

impl WarningEvents {
    /// Info about a pod that is not in the dump: its Warning events are all
    /// that is left of it.
    fn deleted_pod(
        &self,
        cx: &Context<'_>,
        subject: ObjectRef,
        events: &[&Located<Event>],
    ) -> Finding {
        let summaries = cx.summarize(events);
        let total: i64 = summaries.iter().map(|s| s.count).sum();
        let mut reasons: Vec<&str> = Vec::new();
        for s in &summaries {
            if !reasons.contains(&s.reason.as_str()) {
                reasons.push(&s.reason);
            }
        }
        let ns = subject.namespace.as_deref().unwrap_or("");
        let (workload, guessed) = match workload_of_deleted_pod(cx, ns, &subject.name) {
            Some((w, guessed)) => (Some(w), guessed),
            None => (None, false),
        };
        let newest = summaries
            .iter()
            .filter_map(|s| s.last_seen.as_deref())
            .max();
        let last = summaries
            .iter()
            .max_by_key(|s| s.last_seen.as_deref())
            .unwrap_or(&summaries[0]);
        let mut explanation = format!(
            "Pod {}/{} is not in the dump: it was deleted or replaced before the snapshot, and its {} Warning event{} ({}) are the only trace of it. The last one{} says: \"{}\".",
            ns,
            subject.name,
            total,
            if total == 1 { "" } else { "s" },
            reasons.join(", "),
            newest.map(|t| format!(", at {t},")).unwrap_or_default(),
            crate::analyze::context::clip(&last.message, 300),
        );
        match &workload {
            Some(w) if guessed => explanation.push_str(&format!(
                " Its name suggests it belonged to {w}, which the dump does not hold."
            )),
            Some(w) => explanation.push_str(&format!(" It belonged to {w}.")),
            None => {}
        }
        explanation.push_str(
            " This is history, not a current failure; it matters if the pods that replaced it fail the same way.",
        );
        // Its incident says these pods are gone: the rule's title ("Warning
        // events no other finding explains") would not.
        let mut f = Finding::new(self, subject.clone())
            .severity(Severity::Info)
            .headline("Warning events of pods no longer in the dump")
            .workload(workload)
            .summary(format!(
                "{subject} (no longer in the dump): {}",
                reasons.join(", ")
            ))
            .explanation(explanation)
            .remediation([
                "Compare with the pods that replaced it: the same reason on them is a current problem.",
                "Events expire after about an hour (the API server's --event-ttl); older history is gone.",
            ])
            .fact("events", total)
            .fact("pod_in_dump", false);
        for s in &summaries {
            f = f.evidence(s.evidence.clone());
        }
        f.events(summaries)
    }
}

/// The workload a pod that is not in the dump belonged to, from its name:
/// controllers name pods `<owner>-<5 random characters>`. The owner (a
/// ReplicaSet, DaemonSet or ReplicationController) is looked up in the dump
/// and followed to its Deployment; a ReplicaSet that is gone too is read as
/// `<deployment>-<pod-template-hash>` (the bool says the guess was by name
/// alone).
fn workload_of_deleted_pod(cx: &Context<'_>, ns: &str, pod: &str) -> Option<(ObjectRef, bool)> {
    use crate::index::WorkloadKind;
    let (base, suffix) = pod.rsplit_once('-')?;
    let random = |s: &str| {
        s.len() == 5
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    for kind in [
        WorkloadKind::ReplicaSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::ReplicationController,
    ] {
        let Some(w) = cx.ix.workload(kind, ns, base) else {
            continue;
        };
        let deployment = w
            .item
            .obj
            .metadata
            .owner_references
            .iter()
            .find(|o| o.kind == "Deployment" && o.controller == Some(true));
        return Some(match deployment {
            Some(d) => (ObjectRef::new("Deployment", ns, &d.name), false),
            None => (ObjectRef::new(kind.as_str(), ns, base), false),
        });
    }
    let (deployment, hash) = base.rsplit_once('-')?;
    let hash_like = (6..=10).contains(&hash.len())
        && hash
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && hash.bytes().any(|b| b.is_ascii_digit());
    (random(suffix) && hash_like && !deployment.is_empty())
        .then(|| (ObjectRef::new("Deployment", ns, deployment), true))
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
        let (gone, w): (Vec<_>, Vec<_>) = d
            .findings_of("warning-events")
            .into_iter()
            .partition(|f| f.subject.name == "gone-1");
        // gone-1 no longer exists: its events are info history.
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].severity, crate::analyze::Severity::Info);
        assert!(
            gone[0].summary.contains("no longer in the dump"),
            "{}",
            gone[0].summary
        );
        // web-1's warning predates its Ready transition (10:00:10): history.
        // Only api-1's remains.
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

    #[test]
    fn deleted_pods_roll_up_to_the_workload_their_name_points_to() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            events: vec![
                event(
                    "shop",
                    "Pod",
                    "cart-7d9f8b6c5-x2x4z",
                    "Warning",
                    "FailedScheduling",
                    "0/1 nodes are available: 1 Insufficient cpu.",
                    3,
                ),
                event(
                    "shop",
                    "Pod",
                    "my-web-server",
                    "Warning",
                    "BackOff",
                    "Back-off",
                    2,
                ),
            ],
            ..Default::default()
        };
        let f = d.findings_of("warning-events");
        let by_name = |n: &str| {
            f.iter()
                .find(|f| f.subject.name == n)
                .unwrap_or_else(|| panic!("no finding for {n}"))
        };
        let cart = by_name("cart-7d9f8b6c5-x2x4z");
        assert_eq!(cart.severity, crate::analyze::Severity::Info);
        assert_eq!(
            cart.workload.as_ref().map(|w| w.to_string()).as_deref(),
            Some("Deployment shop/cart")
        );
        assert!(
            cart.explanation.contains("Its name suggests"),
            "{}",
            cart.explanation
        );
        // A name that is not `<owner>-<hash>-<random>` guesses nothing.
        assert!(by_name("my-web-server").workload.is_none());
    }
}
