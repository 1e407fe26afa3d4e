//! node-network-unavailable: a node whose pod network is not set up
//! (condition NetworkUnavailable=True).

use super::node_not_ready::{is_new, node_events, show_taint, NodePods};
use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::ObjectRef;

pub struct NodeNetworkUnavailable;

impl Rule for NodeNetworkUnavailable {
    fn id(&self) -> &'static str {
        "node-network-unavailable"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Node network unavailable",
            detects: "A node whose NetworkUnavailable condition is True: the route for its pod CIDR or its CNI plugin is not set up, so pods on it cannot reach pods on other nodes (or at all). Critical; warning when the node registered less than 5 minutes before the snapshot (its network plugin may still be starting). Nodes without the condition (many CNI plugins never set it) are not reported.",
            evidence: "The node's NetworkUnavailable condition (reason, message, lastTransitionTime), its node.kubernetes.io/network-unavailable taint, spec.podCIDR, and the pods bound to it with their readiness.",
            why: "The condition is owned by whoever sets up pod networking: the cloud route controller (reason NoRouteCreated: the route table is full, its quota is reached, or the cloud credentials lack permission), or the CNI plugin (Calico's CalicoIsDown, Cilium, Weave, Flannel), which sets it True until its agent on the node is running. A CNI agent that crash-loops or cannot reach its datastore leaves it True.",
            remediation: "Read the condition's reason and message (`kubectl describe node NAME`). Cloud routes: check the cloud-controller-manager's log and the VPC route table and quotas. CNI: check the CNI DaemonSet's pod on that node (`kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=NAME`) and its log. Until fixed, cordon the node so that no new pods land there.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.nodes {
            let node = &item.obj;
            let Some((ci, c)) = condition(&node.status.conditions, "NetworkUnavailable") else {
                continue;
            };
            if c.status != "True" {
                continue;
            }
            let name = node.metadata.name.as_str();
            let pods = NodePods::of(cx, name);
            let mut summary =
                format!("Node {name} has no working pod network (NetworkUnavailable=True");
            if !c.reason.is_empty() {
                summary.push_str(&format!(", {}", c.reason));
            }
            summary.push(')');
            if let Some(t) = &c.last_transition_time {
                summary.push_str(&format!(" since {t}"));
            }
            summary.push_str(&format!(
                "; {} of its {} pods failing",
                pods.failing.len(),
                pods.live.len()
            ));
            let mut explanation = format!(
                "The pod network of {name} is not set up: {}{}. Pods on it cannot reach pods on other nodes, Services, or DNS, so they fail their probes or their requests.",
                if c.reason.is_empty() { "no reason given".to_string() } else { c.reason.to_string() },
                if c.message.is_empty() { String::new() } else { format!(", \"{}\"", clip(&c.message, 300)) }
            );
            if !node.spec.pod_cidr.is_empty() {
                explanation.push_str(&format!(" Its pod CIDR is {}.", node.spec.pod_cidr));
            }
            let taints: Vec<String> = node
                .spec
                .taints
                .iter()
                .filter(|t| t.key == "node.kubernetes.io/network-unavailable")
                .map(show_taint)
                .collect();
            if !taints.is_empty() {
                explanation.push_str(&format!(
                    " Taint {} keeps new pods off it.",
                    taints.join(", ")
                ));
            }
            let route =
                c.reason == "NoRouteCreated" || c.message.to_ascii_lowercase().contains("route");
            explanation.push_str(if route {
                " The reason points at the cloud route controller: the route for the node's pod CIDR was not created."
            } else {
                " The condition is set by the network plugin (CNI) or the cloud route controller; its agent on this node has not reported the network up."
            });
            explanation.push_str(&pods.sentence(cx));
            let mut steps = vec![format!(
                "Read the condition (`kubectl describe node {name}`) and check the network plugin's pod on {name}: `kubectl get pods -A -o wide --field-selector spec.nodeName={name}`, then its log."
            )];
            if route {
                steps.push("Check the cloud-controller-manager's log and the VPC route table (route limits, quotas, IAM permissions for routes).".to_string());
            }
            steps.push(format!(
                "Until it is fixed, `kubectl cordon {name}` so that no new pods land there."
            ));
            let new = is_new(cx, node);
            if new {
                explanation.push_str(" The node registered less than 5 minutes before the snapshot: the network plugin may still be starting on it.");
            }
            out.push(
                Finding::new(self, ObjectRef::new("Node", "", name))
                    .severity(if new {
                        Severity::Warning
                    } else {
                        Severity::Critical
                    })
                    .node(name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation(steps)
                    .evidence(cx.evidence(
                        item,
                        &format!("/status/conditions/{ci}"),
                        Some(format!(
                            "NetworkUnavailable={} {}: {}",
                            c.status, c.reason, c.message
                        )),
                    ))
                    .events(cx.summarize(&node_events(cx, node)))
                    .fact("reason", &c.reason)
                    .fact("since", c.last_transition_time.as_deref())
                    .fact("pod_cidr", &node.spec.pod_cidr)
                    .fact("pods", pods.live.len())
                    .fact("failing_pods", pods.failing_names(cx)),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    #[test]
    fn fires_when_the_route_is_missing_and_not_when_the_cni_says_it_is_up() {
        let mut broken = node("n1");
        broken["spec"]["podCIDR"] = "10.244.1.0/24".into();
        broken["status"]["conditions"].as_array_mut().unwrap().push(json!({
            "type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated",
            "message": "RouteController failed to create a route", "lastTransitionTime": "2025-06-01T11:00:00Z"
        }));
        let mut fine = node("n2");
        fine["status"]["conditions"].as_array_mut().unwrap().push(json!({
            "type": "NetworkUnavailable", "status": "False", "reason": "CalicoIsUp", "message": "Calico is running on this node"
        }));
        let d = TinyDump {
            nodes: vec![broken, fine],
            pods: vec![pod("shop", "a", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("node-network-unavailable");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.summary,
            "Node n1 has no working pod network (NetworkUnavailable=True, NoRouteCreated) since 2025-06-01T11:00:00Z; 0 of its 1 pods failing"
        );
        assert!(
            f.explanation.contains("cloud route controller"),
            "{}",
            f.explanation
        );
        assert!(f.explanation.contains("10.244.1.0/24"), "{}", f.explanation);
        assert_eq!(f.facts["reason"], "NoRouteCreated");
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/conditions/2")
        );
    }

    #[test]
    fn demo_dump() {
        assert!(
            demo_findings_of("node-network-unavailable").is_empty(),
            "no demo node has NetworkUnavailable=True"
        );
    }
}
