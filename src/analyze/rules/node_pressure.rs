//! node-pressure: a node whose kubelet reports MemoryPressure,
//! DiskPressure or PIDPressure, and evicts pods to recover.

use super::node_not_ready::{node_events, show_taint, NodePods};
use super::service_no_endpoints::name_list;
use crate::analyze::context::{clip, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::{Condition, ObjectRef};

pub struct NodePressure;

/// The pressure conditions, what runs out, and the kubelet's eviction
/// signal for it.
const PRESSURES: &[(&str, &str, &str)] = &[
    ("MemoryPressure", "memory", "memory.available"),
    (
        "DiskPressure",
        "disk space or inodes",
        "nodefs.available / imagefs.available",
    ),
    ("PIDPressure", "process ids", "pid.available"),
];

/// Node events that tell how the kubelet reacted.
const PRESSURE_EVENTS: &[&str] = &[
    "EvictionThresholdMet",
    "SystemOOM",
    "FreeDiskSpaceFailed",
    "ImageGCFailed",
    "NodeHasInsufficientMemory",
    "NodeHasDiskPressure",
    "NodeHasInsufficientPID",
];

impl Rule for NodePressure {
    fn id(&self) -> &'static str {
        "node-pressure"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Node under resource pressure",
            detects: "A node whose kubelet reports MemoryPressure, DiskPressure or PIDPressure as True: a resource fell below the kubelet's eviction threshold. One finding per node, naming every pressure, since when, the pods evicted from that node and the kubelet's EvictionThresholdMet/SystemOOM/ImageGC events. Warning for MemoryPressure alone (the kubelet evicts the pods using most memory beyond their requests and the node recovers); critical for DiskPressure and PIDPressure, which hurt every pod on the node (no image pulls and failing writes; no new processes or threads).",
            evidence: "The node's status.conditions (type, status, reason, message, lastTransitionTime), its pressure taints (node.kubernetes.io/memory-pressure, disk-pressure, pid-pressure), pods bound to it in phase Failed with reason Evicted, and its events.",
            why: "Memory: pods without memory limits, or limits that add up to more than the node has (overcommitted limits), a leak, or the system itself (kubelet, runtime, page cache of heavy I/O). Disk: container logs and emptyDir volumes filling the node's filesystem, too many or too large images, or a small root disk. PIDs: a process that forks without end or leaks threads. The kubelet first evicts pods to get back under the threshold and taints the node so that no new pods land there.",
            remediation: "Find what consumes the resource: `kubectl describe node NAME` (allocated resources, conditions), `kubectl top pods -A --sort-by=memory` on that node, and for disk `du` over /var/lib/containerd, /var/log/pods and emptyDir volumes. Set memory requests and limits that match real usage (requests drive eviction order), limit log size and ephemeral-storage, prune unused images, set pod PID limits (--pod-max-pids). Move or scale the heaviest workloads, or give the node more of the resource.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.nodes {
            let node = &item.obj;
            let name = node.metadata.name.as_str();
            let active: Vec<(usize, &Condition, &str, &str)> = node
                .status
                .conditions
                .iter()
                .enumerate()
                .filter(|(_, c)| c.status == "True")
                .filter_map(|(i, c)| {
                    PRESSURES
                        .iter()
                        .find(|(t, _, _)| *t == c.type_)
                        .map(|(_, what, signal)| (i, c, *what, *signal))
                })
                .collect();
            if active.is_empty() {
                continue;
            }
            let severe = active
                .iter()
                .any(|(_, c, _, _)| c.type_ != "MemoryPressure");
            let kinds: Vec<&str> = active.iter().map(|(_, c, _, _)| c.type_.as_str()).collect();
            let evicted: Vec<String> = cx
                .ix
                .pods_on_node(name)
                .iter()
                .map(|i| &cx.ix.pods[*i].obj)
                .filter(|p| p.status.phase == "Failed" && p.status.reason == "Evicted")
                .map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name))
                .collect();
            let events = cx.summarize(
                &node_events(cx, node)
                    .into_iter()
                    .filter(|e| PRESSURE_EVENTS.contains(&e.obj.reason.as_str()))
                    .collect::<Vec<_>>(),
            );

            let first_since = active
                .iter()
                .filter_map(|(_, c, _, _)| c.last_transition_time.as_deref())
                .min();
            let mut summary = format!("Node {name} has {}", kinds.join(" and "));
            if let Some(t) = first_since {
                summary.push_str(&format!(" since {t}"));
            }
            if !evicted.is_empty() {
                summary.push_str(&format!(
                    "; {} pod{} evicted",
                    evicted.len(),
                    if evicted.len() == 1 { "" } else { "s" }
                ));
            }
            let mut explanation = String::new();
            for (_, c, what, signal) in &active {
                explanation.push_str(&format!(
                    "The kubelet reports {}{}: the node is low on {what} ({signal} fell below its eviction threshold){}. ",
                    c.type_,
                    c.last_transition_time.as_deref().map(|t| format!(" since {t}")).unwrap_or_default(),
                    if c.message.is_empty() { String::new() } else { format!(", \"{}\"", clip(&c.message, 200)) }
                ));
            }
            explanation.push_str("While it lasts the kubelet evicts pods to reclaim the resource (those using the most beyond their requests first) and the node is tainted so that no new pods are scheduled there.");
            let taints: Vec<String> = node
                .spec
                .taints
                .iter()
                .filter(|t| t.key.ends_with("-pressure"))
                .map(|t| {
                    format!(
                        "{}{}",
                        show_taint(t),
                        t.time_added
                            .as_deref()
                            .map(|a| format!(" since {a}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            if !taints.is_empty() {
                explanation.push_str(&format!(" Taints: {}.", taints.join(", ")));
            }
            if !evicted.is_empty() {
                explanation.push_str(&format!(
                    " Evicted from this node: {}.",
                    name_list(&evicted, 8)
                ));
            }
            for s in &events {
                if s.reason == "EvictionThresholdMet" || s.reason == "SystemOOM" {
                    explanation.push_str(&format!(
                        " {} ×{}{}: \"{}\".",
                        s.reason,
                        s.count,
                        s.last_seen
                            .as_deref()
                            .map(|t| format!(", last at {t}"))
                            .unwrap_or_default(),
                        clip(&s.message, 150)
                    ));
                }
            }
            if active.iter().any(|(_, c, _, _)| c.type_ == "DiskPressure") {
                explanation.push_str(" Under DiskPressure images are garbage-collected and new pods cannot pull theirs; writes to the node's disk (logs, emptyDir) fail.");
            }
            if active.iter().any(|(_, c, _, _)| c.type_ == "PIDPressure") {
                explanation.push_str(" Under PIDPressure processes on the node cannot fork or start threads, which breaks pods that are otherwise healthy.");
            }
            let pods = NodePods::of(cx, name);

            let mut f = Finding::new(self, ObjectRef::new("Node", "", name))
                .severity(if severe {
                    Severity::Critical
                } else {
                    Severity::Warning
                })
                .node(name)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation(name, &kinds))
                .fact("conditions", &kinds)
                .fact("since", first_since)
                .fact("evicted_pods", &evicted)
                .fact("pods", pods.live.len());
            for (ci, c, _, _) in &active {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("/status/conditions/{ci}"),
                    Some(format!(
                        "{}={} {}: {} (since {})",
                        c.type_,
                        c.status,
                        c.reason,
                        c.message,
                        c.last_transition_time.as_deref().unwrap_or("-")
                    )),
                ));
            }
            for i in cx.ix.pods_on_node(name) {
                let p = &cx.ix.pods[*i];
                if p.obj.status.phase == "Failed" && p.obj.status.reason == "Evicted" {
                    f = f.evidence(cx.evidence(
                        p,
                        "/status",
                        Some(format!(
                            "{}: Evicted: {}",
                            p.obj.metadata.name,
                            clip(&p.obj.status.message, 200)
                        )),
                    ));
                }
            }
            out.push(f.events(events));
        }
        out
    }
}

fn remediation(name: &str, kinds: &[&str]) -> Vec<String> {
    let mut steps = vec![format!(
        "`kubectl describe node {name}` shows the conditions and how much of the node its pods request and limit."
    )];
    if kinds.contains(&"MemoryPressure") {
        steps.push(format!("Find the pods that use the most memory on {name} (`kubectl top pods -A --sort-by=memory`, filtered by `--field-selector spec.nodeName={name}`); set memory requests close to real usage and limits that the node can hold, or fix the leak."));
    }
    if kinds.contains(&"DiskPressure") {
        steps.push("On the node, find what fills the disk (`du -sh /var/lib/containerd /var/log/pods /var/lib/kubelet/pods`): cap container log size, set ephemeral-storage limits on emptyDir users, prune unused images (`crictl rmi --prune`), or grow the disk.".to_string());
    }
    if kinds.contains(&"PIDPressure") {
        steps.push("Find the pod with the most processes or threads (`ps -eLf | wc -l` per container on the node) and fix it; set a per-pod PID limit (kubelet --pod-max-pids) so one pod cannot exhaust the node.".to_string());
    }
    steps.push("If the node is simply too small for its workload, move or scale the heaviest workloads, or add capacity.".to_string());
    steps
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn pressured(name: &str, kind: &str) -> serde_json::Value {
        let mut n = node(name);
        n["status"]["conditions"][1] = json!({
            "type": kind, "status": "True", "reason": "KubeletHasInsufficientMemory", "message": "kubelet has insufficient memory available",
            "lastHeartbeatTime": "2025-06-01T11:59:00Z", "lastTransitionTime": "2025-06-01T11:18:40Z"
        });
        n
    }

    #[test]
    fn fires_with_the_evicted_pods_and_eviction_events() {
        let mut evicted = pod("shop", "rec-1", "n2");
        evicted["status"]["phase"] = "Failed".into();
        evicted["status"]["reason"] = "Evicted".into();
        evicted["status"]["message"] = "The node was low on resource: memory.".into();
        let mut ev = event(
            "",
            "Node",
            "n2",
            "Warning",
            "EvictionThresholdMet",
            "Attempting to reclaim memory",
            4,
        );
        ev["involvedObject"]["namespace"] = "".into();
        ev["metadata"]["namespace"] = "default".into();
        let d = TinyDump {
            nodes: vec![node("n1"), pressured("n2", "MemoryPressure")],
            pods: vec![evicted, pod("shop", "rec-2", "n2")],
            events: vec![ev],
            ..Default::default()
        };
        let f = d.findings_of("node-pressure");
        assert_eq!(f.len(), 1, "n1 has MemoryPressure=False");
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Node n2 has MemoryPressure since 2025-06-01T11:18:40Z; 1 pod evicted"
        );
        assert!(
            f.explanation
                .contains("Evicted from this node: shop/rec-1."),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("EvictionThresholdMet ×4"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["evicted_pods"], json!(["shop/rec-1"]));
        assert_eq!(f.events.len(), 1);
    }

    #[test]
    fn disk_pressure_is_critical() {
        let d = TinyDump {
            nodes: vec![pressured("n1", "DiskPressure")],
            ..Default::default()
        };
        let f = d.findings_of("node-pressure");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(f[0]
            .remediation
            .iter()
            .any(|r| r.contains("crictl rmi --prune")));
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("node-pressure");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let f = &f[0];
        assert_eq!(f.subject.name, "worker-2");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Node worker-2 has MemoryPressure since 2025-06-01T11:18:40Z; 1 pod evicted"
        );
        assert!(
            f.explanation.contains(
                "node.kubernetes.io/memory-pressure:NoSchedule since 2025-06-01T11:18:41Z"
            ),
            "{}",
            f.explanation
        );
        assert!(f.explanation.contains("SystemOOM ×3"), "{}", f.explanation);
        assert!(
            f.explanation.contains("EvictionThresholdMet ×4"),
            "{}",
            f.explanation
        );
        assert_eq!(
            f.facts["evicted_pods"],
            json!(["shop/recommender-84c6f9d7b-8pwqm"])
        );
    }
}
