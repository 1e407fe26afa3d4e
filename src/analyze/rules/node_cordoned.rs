//! node-cordoned: a node marked unschedulable (`kubectl cordon`).

use super::node_not_ready::{node_events, NodePods};
use super::service_no_endpoints::name_list;
use crate::analyze::context::{condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::ObjectRef;
use crate::time;

pub struct NodeCordoned;

/// A cordon older than this is probably forgotten.
const FORGOTTEN_SECONDS: i64 = 24 * 3600;

impl Rule for NodeCordoned {
    fn id(&self) -> &'static str {
        "node-cordoned"
    }
    fn severity(&self) -> Severity {
        Severity::Info
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Node cordoned",
            detects: "A node with spec.unschedulable: true: the scheduler places no new pods on it (pods already there keep running). Info, since a cordon is a deliberate act (maintenance, a drain, an upgrade); warning when it has consequences or looks forgotten: pending pods whose scheduling failed partly because nodes were unschedulable, or a cordon older than 24 hours before the snapshot.",
            evidence: "The node's spec.unschedulable and its node.kubernetes.io/unschedulable taint (timeAdded tells when it was cordoned), the NodeNotSchedulable event, the pods still bound to it, and the PodScheduled conditions of pending pods (`N node(s) were unschedulable`).",
            why: "Someone or something ran `kubectl cordon` or `kubectl drain`: an operator during maintenance, a cluster upgrade (managed node pools cordon before replacing a node), the cluster autoscaler before removing a node, or a node-problem remediation tool. A drain that failed half-way (a PodDisruptionBudget that never allows the eviction) leaves the node cordoned with pods still on it.",
            remediation: "If the maintenance is over: `kubectl uncordon NAME`. If the node is being retired, finish the drain (`kubectl drain NAME --ignore-daemonsets --delete-emptydir-data`; a PodDisruptionBudget blocking it shows in the drain's output) and delete the node. If pending pods need the capacity, uncordon it or add nodes.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        // Pending pods the cordon helps keep out: the scheduler counts
        // cordoned nodes as `N node(s) were unschedulable`.
        let blocked: Vec<usize> = cx
            .ix
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.obj.spec.node_name.is_empty()
                    && p.obj.status.phase == "Pending"
                    && condition(&p.obj.status.conditions, "PodScheduled").is_some_and(|(_, c)| {
                        c.status == "False" && c.message.contains("were unschedulable")
                    })
            })
            .map(|(i, _)| i)
            .collect();
        let cordoned = cx
            .ix
            .nodes
            .iter()
            .filter(|n| n.obj.spec.unschedulable == Some(true))
            .count();
        let mut out = Vec::new();
        for item in &cx.ix.nodes {
            let node = &item.obj;
            if node.spec.unschedulable != Some(true) {
                continue;
            }
            let name = node.metadata.name.as_str();
            let taint = node
                .spec
                .taints
                .iter()
                .enumerate()
                .find(|(_, t)| t.key == "node.kubernetes.io/unschedulable");
            let events = cx.summarize(
                &node_events(cx, node)
                    .into_iter()
                    .filter(|e| e.obj.reason == "NodeNotSchedulable")
                    .collect::<Vec<_>>(),
            );
            let since: Option<String> = taint
                .and_then(|(_, t)| t.time_added.as_ref().map(|s| s.to_string()))
                .or_else(|| events.iter().filter_map(|e| e.last_seen.clone()).max());
            let age = cx.age(since.as_deref());
            let forgotten = age.is_some_and(|a| a > FORGOTTEN_SECONDS);
            let pods = NodePods::of(cx, name);
            let terminating = pods
                .live
                .iter()
                .filter(|i| cx.ix.pods[**i].obj.metadata.deletion_timestamp.is_some())
                .count();
            let severity = if !blocked.is_empty() || forgotten {
                Severity::Warning
            } else {
                Severity::Info
            };

            let mut summary = format!("Node {name} is cordoned (unschedulable)");
            if let Some(s) = &since {
                summary.push_str(&format!(" since {s}"));
                if let Some(a) = age {
                    summary.push_str(&format!(", {} before the snapshot", time::human(a)));
                }
            }
            if !blocked.is_empty() {
                summary.push_str(&format!(
                    "; {} pending pod{} could not be scheduled partly because of cordoned nodes",
                    blocked.len(),
                    if blocked.len() == 1 { "" } else { "s" }
                ));
            }
            let mut explanation = format!(
                "spec.unschedulable is true on {name}{}: the scheduler places no new pods there, while the {} pod{} already bound to it keep running{}.",
                since.as_deref().map(|s| format!(" (cordoned at {s})")).unwrap_or_default(),
                pods.live.len(),
                if pods.live.len() == 1 { "" } else { "s" },
                if terminating > 0 { format!(" ({terminating} terminating: a drain may be in progress)") } else { String::new() }
            );
            if !blocked.is_empty() {
                let names: Vec<String> = blocked
                    .iter()
                    .map(|i| {
                        let m = &cx.ix.pods[*i].obj.metadata;
                        format!("{}/{}", m.namespace, m.name)
                    })
                    .collect();
                explanation.push_str(&format!(
                    " Pending pods whose scheduling failed partly because {} unschedulable: {}.",
                    if cordoned == 1 {
                        "this node is".to_string()
                    } else {
                        format!("{cordoned} nodes are")
                    },
                    name_list(&names, 6)
                ));
            }
            if forgotten {
                explanation.push_str(" A cordon this old is often forgotten after maintenance: the cluster has silently lost this node's capacity.");
            } else if blocked.is_empty() {
                explanation.push_str(" A cordon is usually deliberate (maintenance, a drain, an upgrade or the autoscaler removing the node); this is for information.");
            }
            let mut f = Finding::new(self, ObjectRef::new("Node", "", name))
                .severity(severity)
                .node(name)
                .summary(summary)
                .explanation(explanation)
                .remediation([
                    format!("If the maintenance is over: `kubectl uncordon {name}`."),
                    format!("If the node is being retired, finish the drain: `kubectl drain {name} --ignore-daemonsets --delete-emptydir-data` (a PodDisruptionBudget that blocks it shows in the output), then delete the node."),
                    "If pending pods need the capacity, uncordon a node or add one.".to_string(),
                ])
                .evidence(cx.evidence(item, "/spec/unschedulable", Some("unschedulable: true".to_string())))
                .fact("since", since.as_deref())
                .fact("age_seconds", age)
                .fact("pods", pods.live.len())
                .fact(
                    "blocked_pending_pods",
                    blocked
                        .iter()
                        .map(|i| {
                            let m = &cx.ix.pods[*i].obj.metadata;
                            format!("{}/{}", m.namespace, m.name)
                        })
                        .collect::<Vec<_>>(),
                );
            if let Some((ti, t)) = taint {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("/spec/taints/{ti}"),
                    Some(format!(
                        "{}:{} timeAdded {}",
                        t.key,
                        t.effect,
                        t.time_added.as_deref().unwrap_or("-")
                    )),
                ));
            }
            for i in blocked.iter().take(3) {
                let p = &cx.ix.pods[*i];
                if let Some((ci, c)) = condition(&p.obj.status.conditions, "PodScheduled") {
                    f = f.evidence(cx.evidence(
                        p,
                        &format!("/status/conditions/{ci}"),
                        Some(format!("{}: {}", p.obj.metadata.name, c.message)),
                    ));
                }
            }
            out.push(f.events(events));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn cordoned(name: &str, since: &str) -> serde_json::Value {
        let mut n = node(name);
        n["spec"] = json!({"unschedulable": true, "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": since}]});
        n
    }

    #[test]
    fn info_for_a_fresh_cordon_and_quiet_for_schedulable_nodes() {
        let d = TinyDump {
            nodes: vec![node("n1"), cordoned("n2", "2025-06-01T11:25:12Z")],
            pods: vec![pod("shop", "a", "n2")],
            ..Default::default()
        };
        let f = d.findings_of("node-cordoned");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.summary, "Node n2 is cordoned (unschedulable) since 2025-06-01T11:25:12Z, 33m before the snapshot");
        assert!(
            f.explanation
                .contains("the 1 pod already bound to it keep running"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["pods"], 1);
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/1/spec/taints/0")
        );
    }

    #[test]
    fn warning_when_old_or_when_pending_pods_hit_it() {
        let d = TinyDump {
            nodes: vec![node("n1"), cordoned("n2", "2025-05-20T08:00:00Z")],
            ..Default::default()
        };
        let f = d.findings_of("node-cordoned");
        let f = f.first().unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.explanation.contains("often forgotten"),
            "{}",
            f.explanation
        );

        let mut pending = pod("shop", "big", "");
        pending["spec"]["nodeName"] = json!(null);
        pending["status"] = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
            "message": "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable."}]});
        let d = TinyDump {
            nodes: vec![node("n1"), cordoned("n2", "2025-06-01T11:25:12Z")],
            pods: vec![pending],
            ..Default::default()
        };
        let f = d.findings_of("node-cordoned");
        let f = f.first().unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.facts["blocked_pending_pods"], json!(["shop/big"]));
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("node-cordoned");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let f = &f[0];
        assert_eq!(f.subject.name, "worker-2");
        assert!(
            f.summary.contains("since 2025-06-01T11:25:12Z"),
            "{}",
            f.summary
        );
        // analytics is Pending with "1 node(s) were unschedulable".
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.facts["blocked_pending_pods"],
            json!(["shop/analytics-59d8c7f6b-zk2hd"])
        );
    }
}
