//! node-not-ready: a node whose Ready condition is False or Unknown.
//!
//! Also holds the node helpers the node rules share (a node's pods, its
//! taints in kubectl's notation, ages relative to the snapshot).

use super::service_no_endpoints::name_list;
use super::workload_unavailable::{is_ready, is_terminal};
use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::{Node, ObjectRef, Taint};
use crate::time;

pub struct NodeNotReady;

impl Rule for NodeNotReady {
    fn id(&self) -> &'static str {
        "node-not-ready"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Node not ready",
            detects: "A node whose Ready condition is False (the kubelet runs and reports a problem: container runtime, network plugin, PLEG) or Unknown (the node controller stopped hearing from the kubelet: the machine is down, the kubelet died, or the network to the control plane is cut). Critical: the node runs no new pods and its pods cannot be trusted; warning when the node registered less than 5 minutes before the snapshot (it may still be joining). The finding says how long before the snapshot the kubelet last posted status, since when the node is not ready, the condition's reason and message, the taints that evict its pods, and which of its pods are failing.",
            evidence: "The node's status.conditions (Ready: status, reason, message, lastHeartbeatTime, lastTransitionTime; the other conditions), spec.taints (node.kubernetes.io/unreachable and not-ready, with timeAdded), the pods bound to it (spec.nodeName) and their Ready conditions and deletion timestamps, and the node's events (NodeNotReady, …).",
            why: "Unknown: the node lost power or was deleted by the cloud provider, the kubelet crashed or cannot reach the API server (expired client certificate, firewall, DNS), or the machine is frozen under memory pressure. False: the kubelet runs but the container runtime is down, the CNI plugin has not written its configuration (`cni config uninitialized`), or the PLEG is not healthy (a runtime too slow to answer). After the NoExecute taint's toleration (300 s by default) its pods are evicted; controllers create replacements elsewhere, but the old pods stay Terminating until the node comes back or its Node object is deleted.",
            remediation: "Unknown: check the machine from the cloud console or over SSH (`systemctl status kubelet`, `journalctl -u kubelet`), its network path to the API server and the kubelet's certificate; a node that is gone for good is removed with `kubectl delete node NAME`, which also releases its Terminating pods. False: read the condition's message and fix the named component on the node (restart containerd, repair the CNI DaemonSet's pod on that node). Meanwhile `kubectl cordon NAME` and `kubectl drain NAME --ignore-daemonsets --delete-emptydir-data` move the workload off.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.nodes {
            let node = &item.obj;
            let Some((ci, ready)) = condition(&node.status.conditions, "Ready") else {
                continue;
            };
            if ready.status == "True" {
                continue;
            }
            let name = node.metadata.name.as_str();
            let unknown = ready.status != "False";
            let heartbeat = ready.last_heartbeat_time.as_deref();
            let since = ready.last_transition_time.as_deref();
            let heartbeat_age = cx.age(heartbeat);
            let pods = NodePods::of(cx, name);

            let mut summary = format!("Node {name} is not ready (Ready={}", ready.status);
            if !ready.reason.is_empty() {
                summary.push_str(&format!(", {}", ready.reason));
            }
            summary.push(')');
            if let Some(t) = since {
                summary.push_str(&format!(" since {t}"));
            }
            if unknown {
                if let Some(a) = heartbeat_age {
                    summary.push_str(&format!(
                        "; last heartbeat {} before the snapshot",
                        time::human(a)
                    ));
                }
            }
            summary.push_str(&format!(
                "; {} of its {} pods failing",
                pods.failing.len(),
                pods.live.len()
            ));

            let mut explanation = if unknown {
                format!(
                    "The node controller stopped hearing from the kubelet on {name}{} and set Ready to {}{}: the machine is down, the kubelet stopped, or the network between the node and the control plane is broken.",
                    match (heartbeat, heartbeat_age) {
                        (Some(h), Some(a)) => format!(" after its last status at {h} ({} before the snapshot)", time::human(a)),
                        (Some(h), None) => format!(" after its last status at {h}"),
                        _ => String::new(),
                    },
                    ready.status,
                    since.map(|t| format!(" at {t}")).unwrap_or_default()
                )
            } else {
                format!(
                    "The kubelet on {name} is running but reports the node not ready{}{}.",
                    since.map(|t| format!(" since {t}")).unwrap_or_default(),
                    if ready.message.is_empty() && ready.reason.is_empty() {
                        String::new()
                    } else {
                        format!(": {} {}", ready.reason, clip(&ready.message, 300))
                    }
                )
            };
            if unknown && !ready.message.is_empty() {
                explanation.push_str(&format!(
                    " The condition says: \"{}\".",
                    clip(ready.message.trim().trim_end_matches('.'), 200)
                ));
            }
            let taints: Vec<&Taint> = node.spec.taints.iter().collect();
            let evicting = taints
                .iter()
                .any(|t| t.effect == "NoExecute" && t.key.starts_with("node.kubernetes.io/"));
            if !taints.is_empty() {
                explanation.push_str(&format!(
                    " Taints: {}.",
                    taints
                        .iter()
                        .map(|t| show_taint(t))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if evicting {
                explanation.push_str(" The NoExecute taint evicts its pods once their toleration runs out (300 s by default); pods that cannot be confirmed dead stay Terminating until the node returns or is deleted.");
            }
            explanation.push_str(&pods.sentence(cx));

            let remediation = if unknown {
                vec![
                    format!("Check the machine behind {name} (cloud console, SSH): is it running, and is the kubelet (`systemctl status kubelet`, `journalctl -u kubelet -n 200`)?"),
                    "Check the path from the node to the API server (firewall, DNS, load balancer) and the kubelet's client certificate (expired certificates stop heartbeats).".to_string(),
                    format!("If the node is gone for good: `kubectl delete node {name}` releases its Terminating pods so their controllers can replace them."),
                ]
            } else {
                vec![
                    format!("Read the Ready condition's message (`kubectl describe node {name}`) and fix the component it names on the node: container runtime (`systemctl restart containerd`), CNI plugin (its DaemonSet pod on {name}), PLEG (runtime overload)."),
                    format!("`journalctl -u kubelet -n 200` on {name} shows the kubelet's own errors."),
                ]
            };
            let new = is_new(cx, node);
            if new {
                explanation.push_str(&format!(
                    " The node registered less than {} minutes before the snapshot and may still be joining (network plugin and kubelet starting up).",
                    NEW_NODE_SECONDS / 60
                ));
            }
            let mut f = Finding::new(self, ObjectRef::new("Node", "", name))
                .severity(if new { Severity::Warning } else { Severity::Critical })
                .node(name)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation)
                .remediation([format!(
                    "Meanwhile move the workload off: `kubectl cordon {name}` and `kubectl drain {name} --ignore-daemonsets --delete-emptydir-data`."
                )])
                .evidence(cx.evidence(
                    item,
                    &format!("/status/conditions/{ci}"),
                    Some(format!(
                        "Ready={} {}: {} (lastHeartbeatTime {}, lastTransitionTime {})",
                        ready.status,
                        ready.reason,
                        ready.message,
                        heartbeat.unwrap_or("-"),
                        since.unwrap_or("-")
                    )),
                ))
                .events(cx.summarize(&node_events(cx, node)))
                .fact("status", &ready.status)
                .fact("reason", &ready.reason)
                .fact("last_heartbeat", heartbeat)
                .fact("heartbeat_age_seconds", heartbeat_age)
                .fact("not_ready_since", since)
                .fact("taints", taints.iter().map(|t| show_taint(t)).collect::<Vec<_>>())
                .fact("pods", pods.live.len())
                .fact("failing_pods", pods.failing_names(cx));
            if !taints.is_empty() {
                f = f.evidence(
                    cx.evidence(
                        item,
                        "/spec/taints",
                        Some(
                            taints
                                .iter()
                                .map(|t| show_taint(t))
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ),
                );
            }
            out.push(f);
        }
        out
    }
}

/// A node younger than this is still joining the cluster.
pub(crate) const NEW_NODE_SECONDS: i64 = 300;

/// Did the node register shortly before the snapshot? A node that is
/// still starting is not ready for a minute or two as a matter of course.
pub(crate) fn is_new(cx: &Context<'_>, node: &Node) -> bool {
    cx.age(node.metadata.creation_timestamp.as_deref())
        .is_some_and(|a| a < NEW_NODE_SECONDS)
}

/// The pods bound to a node, split the way the node rules report them.
pub(crate) struct NodePods {
    /// Not finished (not Succeeded/Failed): they hold the node's resources.
    pub live: Vec<usize>,
    /// Live pods that are not ready or are being deleted.
    pub failing: Vec<usize>,
}

impl NodePods {
    pub fn of(cx: &Context<'_>, node: &str) -> NodePods {
        let live: Vec<usize> = cx
            .ix
            .pods_on_node(node)
            .iter()
            .copied()
            .filter(|i| !is_terminal(&cx.ix.pods[*i].obj))
            .collect();
        let failing = live
            .iter()
            .copied()
            .filter(|i| {
                let p = &cx.ix.pods[*i].obj;
                !is_ready(p) || p.metadata.deletion_timestamp.is_some()
            })
            .collect();
        NodePods { live, failing }
    }

    pub fn failing_names(&self, cx: &Context<'_>) -> Vec<String> {
        self.failing
            .iter()
            .map(|i| {
                let m = &cx.ix.pods[*i].obj.metadata;
                format!("{}/{}", m.namespace, m.name)
            })
            .collect()
    }

    /// ` 2 pods run there; both are failing: a, b (terminating since …).`
    pub fn sentence(&self, cx: &Context<'_>) -> String {
        if self.live.is_empty() {
            return " No pods are bound to it.".to_string();
        }
        let names: Vec<String> = self
            .failing
            .iter()
            .map(|i| {
                let p = &cx.ix.pods[*i].obj;
                match &p.metadata.deletion_timestamp {
                    Some(t) => format!(
                        "{}/{} (terminating since {t})",
                        p.metadata.namespace, p.metadata.name
                    ),
                    None => format!("{}/{}", p.metadata.namespace, p.metadata.name),
                }
            })
            .collect();
        let n = self.live.len();
        let pods = if n == 1 {
            "1 pod is bound to it".to_string()
        } else {
            format!("{n} pods are bound to it")
        };
        match self.failing.len() {
            0 => format!(" {pods}; all are ready."),
            f if f == n && n > 1 => format!(" {pods}, all not ready: {}.", name_list(&names, 8)),
            f => format!(" {pods}; {f} not ready: {}.", name_list(&names, 8)),
        }
    }
}

/// Events about a node, oldest last-seen first. Looked up by name only:
/// the kubelet records node events with `involvedObject.uid` set to the
/// node's *name*, not its uid, so a uid match would drop them.
// See: kubernetes/pkg/kubelet/kubelet.go (nodeRef with UID: types.UID(nodeName)).
pub(crate) fn node_events<'a>(
    cx: &Context<'a>,
    node: &Node,
) -> Vec<&'a crate::dump::Located<crate::model::Event>> {
    let mut v = cx.ix.events_for("Node", "", &node.metadata.name, "");
    v.sort_by(|a, b| a.obj.last_seen().cmp(&b.obj.last_seen()));
    v
}

/// A taint as kubectl prints it: `key=value:Effect`.
pub(crate) fn show_taint(t: &Taint) -> String {
    if t.value.is_empty() {
        format!("{}:{}", t.key, t.effect)
    } else {
        format!("{}={}:{}", t.key, t.value, t.effect)
    }
}

/// The kubelet version of a node (`v1.32.4`), empty when unknown.
pub(crate) fn kubelet_version(node: &Node) -> &str {
    node.status.node_info.kubelet_version.as_str()
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    #[test]
    fn fires_on_a_node_the_control_plane_lost() {
        let mut lost = node("n2");
        lost["status"]["conditions"][0] = json!({
            "type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.",
            "lastHeartbeatTime": "2025-06-01T10:41:17Z", "lastTransitionTime": "2025-06-01T10:42:03Z"
        });
        lost["spec"]["taints"] = json!([
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": "2025-06-01T10:42:03Z"},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2025-06-01T10:42:08Z"}
        ]);
        let mut stuck = pod("shop", "web-1", "n2");
        stuck["metadata"]["deletionTimestamp"] = "2025-06-01T10:47:33Z".into();
        stuck["status"]["conditions"][0]["status"] = "False".into();
        let d = TinyDump {
            nodes: vec![node("n1"), lost],
            pods: vec![stuck, pod("shop", "web-2", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("node-not-ready");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.node.as_deref(), Some("n2"));
        // Snapshot: the newest time stamp, n1's heartbeat at 11:59:00.
        assert_eq!(
            f.summary,
            "Node n2 is not ready (Ready=Unknown, NodeStatusUnknown) since 2025-06-01T10:42:03Z; last heartbeat 1h 17m before the snapshot; 1 of its 1 pods failing"
        );
        assert!(
            f.explanation
                .contains("node.kubernetes.io/unreachable:NoExecute"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("shop/web-1 (terminating since 2025-06-01T10:47:33Z)"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["heartbeat_age_seconds"], 4663);
        assert_eq!(f.facts["failing_pods"], json!(["shop/web-1"]));
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/1/status/conditions/0")
        );
    }

    #[test]
    fn reports_the_kubelets_own_reason_and_ignores_ready_nodes() {
        let mut cni = node("n3");
        cni["status"]["conditions"][0] = json!({
            "type": "Ready", "status": "False", "reason": "KubeletNotReady",
            "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
            "lastHeartbeatTime": "2025-06-01T11:58:00Z", "lastTransitionTime": "2025-06-01T11:00:00Z"
        });
        let d = TinyDump {
            nodes: vec![node("n1"), cni],
            ..Default::default()
        };
        let f = d.findings_of("node-not-ready");
        assert_eq!(f.len(), 1, "n1 is Ready");
        assert!(f[0].explanation.contains("running but reports the node not ready since 2025-06-01T11:00:00Z: KubeletNotReady container runtime network not ready"), "{}", f[0].explanation);
        assert!(
            f[0].explanation.contains("No pods are bound to it."),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn a_node_still_joining_is_a_warning() {
        let mut joining = node("n2");
        joining["metadata"]["creationTimestamp"] = "2025-06-01T11:58:00Z".into();
        joining["status"]["conditions"][0] = json!({
            "type": "Ready", "status": "False", "reason": "KubeletNotReady", "message": "cni plugin not initialized",
            "lastHeartbeatTime": "2025-06-01T11:59:00Z", "lastTransitionTime": "2025-06-01T11:58:00Z"
        });
        let d = TinyDump {
            nodes: vec![node("n1"), joining],
            ..Default::default()
        };
        let f = d.findings_of("node-not-ready");
        let f = f.first().unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.explanation.contains("may still be joining"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("node-not-ready");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let f = &f[0];
        assert_eq!(f.subject.name, "worker-3");
        assert!(
            f.summary
                .contains("Ready=Unknown, NodeStatusUnknown) since 2025-06-01T10:42:03Z"),
            "{}",
            f.summary
        );
        assert!(
            f.summary
                .contains("last heartbeat 1h 18m before the snapshot"),
            "{}",
            f.summary
        );
        assert!(
            f.explanation
                .contains("The condition says: \"Kubelet stopped posting node status\"."),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("node.kubernetes.io/unreachable:NoExecute"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["pods"], 2);
        assert_eq!(
            f.facts["failing_pods"],
            json!(["kube-system/kube-proxy-lm5tc", "shop/web-6b8d9f7c5d-x7vbn"])
        );
    }
}
