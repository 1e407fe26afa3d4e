//! pod-stuck-terminating: a pod whose deletion never completes.
//!
//! A pod being deleted keeps existing until its kubelet confirms that its
//! containers have stopped and every finalizer is removed. The API server
//! sets `metadata.deletionTimestamp` to the time of the delete request
//! *plus* the grace period (`deletionGracePeriodSeconds`), i.e. the moment
//! the kubelet should have killed everything. A pod still present
//! [`OVERDUE_AFTER`] past that moment is stuck. (Adding the grace period
//! again, as a reading of the field as "when the delete was asked" would,
//! counts it twice.)
//! See: kubernetes staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go
//! (BeforeDelete: `now.Add(gracePeriodSeconds)`).

use crate::analyze::context::{condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::time;

pub struct PodStuckTerminating;

/// How long past its deletionTimestamp a pod may linger (a slow kubelet
/// sync, volume teardown) before it counts as stuck.
const OVERDUE_AFTER: i64 = 5 * 60;

/// Event reasons that say why a pod does not go away.
const STUCK_REASONS: &[&str] = &[
    "FailedKillPod",
    "FailedPreStopHook",
    "FailedUnmount",
    "FailedDetach",
    "NodeNotReady",
];

impl Rule for PodStuckTerminating {
    fn id(&self) -> &'static str {
        "pod-stuck-terminating"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Pod stuck Terminating",
            detects: "A pod with metadata.deletionTimestamp more than 5 minutes before the snapshot. The deletionTimestamp already includes the grace period (the API server sets it to the delete request plus deletionGracePeriodSeconds), so this is 5 minutes past the moment the kubelet should have killed it. Critical when its node is not Ready or no longer exists (nothing will ever confirm the deletion), a warning otherwise.",
            evidence: "metadata.deletionTimestamp and deletionGracePeriodSeconds, the pod's node and that node's Ready condition, the container states (still running?), the pod's DisruptionTarget condition and its events (TaintManagerEviction, Killing, FailedKillPod, FailedPreStopHook, FailedUnmount).",
            why: "The API server only removes a pod once its kubelet reports the containers stopped and all finalizers are gone. That never happens when the node is down or partitioned (the kubelet cannot report), when a container does not stop (a process in uninterruptible sleep, a hung runtime, a preStop hook that never returns), when a volume cannot be unmounted, or when a finalizer's controller is gone or failing.",
            remediation: "If the node is down for good, force-delete the pod (`kubectl delete pod --grace-period=0 --force`) — only after making sure its containers are really gone, since a StatefulSet pod would otherwise run twice. If the node is up, look at the kubelet's and the runtime's logs for the container that does not stop, and at FailedUnmount events. Check `metadata.finalizers` and the controller that should remove them.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            let Some(deletion) = pod.metadata.deletion_timestamp.as_deref() else {
                continue;
            };
            let Some(overdue) = cx.age(Some(deletion)) else {
                continue;
            };
            if overdue <= OVERDUE_AFTER {
                continue;
            }
            let ns = &pod.metadata.namespace;
            let name = &pod.metadata.name;
            let node_name = &pod.spec.node_name;
            let node = (!node_name.is_empty())
                .then(|| cx.ix.node(node_name))
                .flatten();
            let node_ready = node.map(|n| {
                condition(&n.obj.status.conditions, "Ready").map(|(_, c)| {
                    (
                        c.status.clone(),
                        c.reason.clone(),
                        c.last_heartbeat_time.clone(),
                    )
                })
            });
            // (node known?, Ready status) → why.
            let (node_down, node_text) = match (&node_ready, node_name.is_empty()) {
                (_, true) => (false, "The pod was never scheduled to a node.".to_string()),
                (None, false) => (
                    true,
                    format!("Its node {node_name} is not in the dump: it was probably deleted, so no kubelet will ever confirm that the containers stopped."),
                ),
                (Some(Some((s, r, hb))), false) if s != "True" => (
                    true,
                    format!(
                        "Its node {node_name} is not Ready (Ready={s}{}{}), so its kubelet cannot confirm that the containers stopped, and the API server keeps the pod until it does.",
                        if r.is_empty() { String::new() } else { format!(", {r}") },
                        hb.as_deref().map(|h| format!(", last heartbeat {h}")).unwrap_or_default()
                    ),
                ),
                (Some(_), false) => (false, format!("Its node {node_name} is Ready, so the kubelet is there but does not finish the deletion.")),
            };
            let severity = if node_down {
                Severity::Critical
            } else {
                Severity::Warning
            };
            let running: Vec<&str> = pod
                .status
                .container_statuses
                .iter()
                .chain(&pod.status.init_container_statuses)
                .filter(|s| s.state.running.is_some())
                .map(|s| s.name.as_str())
                .collect();
            let events = cx.events_of("Pod", &pod.metadata);
            let stuck_events: Vec<_> = events
                .iter()
                .filter(|e| STUCK_REASONS.contains(&e.obj.reason.as_str()))
                .copied()
                .collect();
            let deleted_by = events
                .iter()
                .rev()
                .find(|e| {
                    matches!(
                        e.obj.reason.as_str(),
                        "TaintManagerEviction" | "Killing" | "Preempting"
                    )
                })
                .copied();
            let disruption = condition(&pod.status.conditions, "DisruptionTarget");
            let grace = pod.metadata.deletion_grace_period_seconds;

            let summary = format!(
                "Pod {ns}/{name} stuck Terminating for {}{}",
                time::human(overdue),
                if node_name.is_empty() {
                    String::new()
                } else if node_down {
                    format!(" on {node_name} (node not ready)")
                } else {
                    format!(" on {node_name}")
                }
            );
            let mut explanation = format!(
                "The pod was deleted, and its grace period{} ended at {deletion} ({} before the snapshot), but it still exists.",
                grace.map(|g| format!(" of {g}s")).unwrap_or_default(),
                time::human(overdue)
            );
            if let Some((_, c)) = disruption {
                explanation.push_str(&format!(
                    " It was marked for disruption: {}{}.",
                    c.reason,
                    if c.message.is_empty() {
                        String::new()
                    } else {
                        format!(" (\"{}\")", c.message)
                    }
                ));
            } else if let Some(e) = deleted_by {
                explanation.push_str(&format!(
                    " The events say: {} \"{}\".",
                    e.obj.reason, e.obj.message
                ));
            }
            explanation.push(' ');
            explanation.push_str(&node_text);
            if !running.is_empty() && !node_down {
                explanation.push_str(&format!(
                    " Container{} {} still report{} running: the kubelet could not stop {} (a process that ignores SIGKILL in uninterruptible I/O, a hung container runtime, a preStop hook that never returns).",
                    if running.len() == 1 { "" } else { "s" },
                    running.join(", "),
                    if running.len() == 1 { "s" } else { "" },
                    if running.len() == 1 { "it" } else { "them" }
                ));
            } else if !running.is_empty() {
                explanation.push_str(" Its containers still report running, but that status is only the last one the node sent.");
            } else if !node_down && !pod.metadata.finalizers.is_empty() {
                explanation.push_str(&format!(
                    " Its containers have stopped; what holds it is its finalizer{} {}: the controller that should remove {} has not done so (it is gone, failing, or waiting for something).",
                    if pod.metadata.finalizers.len() == 1 { "" } else { "s" },
                    pod.metadata.finalizers.join(", "),
                    if pod.metadata.finalizers.len() == 1 { "it" } else { "them" }
                ));
            } else if !node_down {
                explanation.push_str(" Its containers have stopped and it has no finalizer, so what holds it is most likely a volume that cannot be unmounted (look for FailedUnmount events on the node).");
            }
            for e in &stuck_events {
                if e.obj.reason != "NodeNotReady" {
                    explanation.push_str(&format!(
                        " {} (×{}): \"{}\".",
                        e.obj.reason,
                        e.obj.occurrences(),
                        e.obj.message
                    ));
                }
            }
            if let Some(w) = cx.workload_of(pi) {
                if w.kind == "StatefulSet" {
                    explanation.push_str(&format!(
                        " StatefulSet {} will not recreate this pod (same name, same volumes) until it is gone, so that replica stays down.",
                        w.name
                    ));
                } else if w.kind == "DaemonSet" {
                    explanation.push_str(&format!(
                        " DaemonSet {} runs one pod per node and will not start a new one on {node_name} until this one is gone.",
                        w.name
                    ));
                } else {
                    let running = cx
                        .running_pods_of(&w)
                        .iter()
                        .filter(|&&i| {
                            i != pi && cx.ix.pods[i].obj.metadata.deletion_timestamp.is_none()
                        })
                        .count();
                    explanation.push_str(&format!(
                        " Its {} {} has {running} other running pod{} (a replacement does not wait for this one to go).",
                        w.kind,
                        w.name,
                        if running == 1 { "" } else { "s" }
                    ));
                }
            }

            let mut remediation = Vec::new();
            if node_down {
                remediation.push(format!(
                    "Confirm the node is really down (or its containers gone), then force the deletion: `kubectl -n {ns} delete pod {name} --grace-period=0 --force`."
                ));
                if node.is_some() {
                    remediation.push(format!(
                        "Bring {node_name} back, or delete its Node object if it is gone for good (`kubectl delete node {node_name}`): pods on it are then cleaned up."
                    ));
                }
            } else {
                remediation.push(format!(
                    "See what holds it: `kubectl -n {ns} get pod {name} -o jsonpath='{{.metadata.finalizers}}'`; if a finalizer's controller is gone, remove the finalizer (`kubectl patch pod … -p '{{\"metadata\":{{\"finalizers\":null}}}}'`)."
                ));
                if !node_name.is_empty() {
                    remediation.push(format!(
                        "On {node_name}, read the kubelet's log (`journalctl -u kubelet | grep {name}`) and list the pod's containers (`crictl ps -a --pod <id>`): a container that does not stop or a volume that does not unmount shows there."
                    ));
                }
            }

            let mut f = Finding::new(self, cx.pod_ref(pod))
                .severity(severity)
                .workload(cx.workload_of(pi))
                .node(node_name)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation)
                .evidence(cx.evidence(
                    item,
                    "/metadata/deletionTimestamp",
                    Some(format!(
                            "deletionTimestamp: {deletion}{}",
                            grace
                                .map(|g| format!(", deletionGracePeriodSeconds: {g}"))
                                .unwrap_or_default()
                        )),
                ))
                .fact("deletion_timestamp", deletion)
                .fact("grace_period_seconds", grace)
                .fact("overdue_seconds", overdue)
                .fact("node_ready", node_ready.clone().flatten().map(|r| r.0))
                .fact("node_in_dump", node.is_some())
                .fact("running_containers", &running);
            if let Some((i, c)) = disruption {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("/status/conditions/{i}"),
                    Some(format!("DisruptionTarget: {} {}", c.reason, c.message)),
                ));
            }
            if let Some(n) = node {
                if let Some((i, c)) = condition(&n.obj.status.conditions, "Ready") {
                    f = f.evidence(cx.evidence(
                        n,
                        &format!("/status/conditions/{i}"),
                        Some(format!("Ready={} {}: {}", c.status, c.reason, c.message)),
                    ));
                }
            }
            for e in &stuck_events {
                f = f.evidence(cx.evidence(
                    e,
                    "",
                    Some(format!("{}: {}", e.obj.reason, e.obj.message)),
                ));
            }
            let logs_failed = pod
                .spec
                .init_containers
                .iter()
                .chain(&pod.spec.containers)
                .filter(|c| {
                    cx.log_of(pod, &c.name)
                        .is_some_and(|s| s.fetch_error.is_some())
                })
                .count();
            f = f.fact("log_fetch_errors", logs_failed);
            out.push(f.events(cx.summarize(&events)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn deleting(name: &str, node: &str, at: &str) -> serde_json::Value {
        let mut p = pod("shop", name, node);
        p["metadata"]["deletionTimestamp"] = at.into();
        p["metadata"]["deletionGracePeriodSeconds"] = 30.into();
        p
    }

    #[test]
    fn critical_on_a_lost_node() {
        let mut lost = node("n3");
        lost["status"]["conditions"][0] = json!({"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.", "lastHeartbeatTime": "2025-06-01T10:41:17Z"});
        let d = TinyDump {
            nodes: vec![node("n1"), lost],
            pods: vec![
                deleting("web-1", "n3", "2025-06-01T10:47:33Z"),
                pod("shop", "ok-1", "n1"),
            ],
            events: vec![event(
                "shop",
                "Pod",
                "web-1",
                "Normal",
                "TaintManagerEviction",
                "Marking for deletion Pod shop/web-1",
                1,
            )],
            ..Default::default()
        };
        let f = d.findings_of("pod-stuck-terminating");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.summary,
            "Pod shop/web-1 stuck Terminating for 1h 11m on n3 (node not ready)"
        );
        assert!(
            f.explanation
                .contains("Ready=Unknown, NodeStatusUnknown, last heartbeat 2025-06-01T10:41:17Z"),
            "{}",
            f.explanation
        );
        assert!(f.remediation[0].contains("--grace-period=0 --force"));
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/metadata/deletionTimestamp")
        );
        assert_eq!(f.facts["overdue_seconds"], 71 * 60 + 27);
    }

    #[test]
    fn warning_on_a_ready_node_and_nothing_for_recent_deletions() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                deleting("hung-1", "n1", "2025-06-01T11:00:00Z"),
                deleting("fresh-1", "n1", "2025-06-01T11:57:00Z"),
                pod("shop", "ok-1", "n1"),
            ],
            ..Default::default()
        };
        let f = d.findings_of("pod-stuck-terminating");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject.name, "hung-1");
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].explanation
                .contains("Container app still reports running"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn demo_finds_the_web_pod_on_worker_3() {
        let f = demo_findings_of("pod-stuck-terminating");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["pod-stuck-terminating:Pod/shop/web-6b8d9f7c5d-x7vbn"]
        );
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(
            f[0].facts["log_fetch_errors"], 2,
            "both the sidecar and web"
        );
        assert!(
            f[0].explanation.contains("DeletionByTaintManager"),
            "{}",
            f[0].explanation
        );
    }
}
