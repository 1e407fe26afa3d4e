//! node-overcommitted: the pods bound to a node request more CPU or
//! memory than the node can allocate.

use super::node_not_ready::NodePods;
use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::{Container, ObjectRef, Pod};
use crate::quantity;

pub struct NodeOvercommitted;

impl Rule for NodeOvercommitted {
    fn id(&self) -> &'static str {
        "node-overcommitted"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Node requests exceed allocatable",
            detects: "A node where the summed CPU or memory requests of its pods exceed status.allocatable. Pods count unless they have finished (Succeeded or Failed); terminating pods count, since they hold their resources until they are gone. A pod's request is the scheduler's: the larger of the sum of its containers (plus native sidecars) and the largest init container (plus the sidecars started before it). Limits above allocatable are normal (limits may overcommit) and are only reported as facts, with the number of pods that set no limit at all. Warning.",
            evidence: "The node's status.allocatable (cpu, memory), and spec.containers[].resources and spec.initContainers[].resources (with restartPolicy for sidecars) of every pod whose spec.nodeName is the node, with its phase.",
            why: "The scheduler never places a pod where requests would exceed allocatable, so an overcommitted node means something bypassed or outlived that check: allocatable shrank after the pods were placed (a kubelet restarted with larger system/kube reservations or eviction thresholds, a node resized), pods were bound with spec.nodeName set by hand or by a controller that does its own placement, static pods, or requests resized in place. The pods on it are then promised more than exists: CPU is throttled under contention and memory runs into pressure, evictions and OOM kills.",
            remediation: "Compare `kubectl describe node NAME` (Allocatable, Allocated resources) with the pods' requests. Move pods off (`kubectl drain`, or delete pods so that the scheduler re-places them), find what binds pods directly (spec.nodeName in manifests, static pods in /etc/kubernetes/manifests), and check the kubelet's --system-reserved/--kube-reserved settings. Right-size requests to real usage.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.nodes {
            let node = &item.obj;
            let name = node.metadata.name.as_str();
            let alloc_cpu = node
                .status
                .allocatable
                .get("cpu")
                .and_then(|v| quantity::cpu_millis(v));
            let alloc_mem = node
                .status
                .allocatable
                .get("memory")
                .and_then(|v| quantity::bytes(v));
            let pods = NodePods::of(cx, name);
            let on_node: Vec<&Pod> = pods.live.iter().map(|i| &cx.ix.pods[*i].obj).collect();
            let req_cpu: u64 = on_node
                .iter()
                .map(|p| effective(p, "cpu", Kind::Requests).unwrap_or(0))
                .sum();
            let req_mem: u64 = on_node
                .iter()
                .map(|p| effective(p, "memory", Kind::Requests).unwrap_or(0))
                .sum();
            let over_cpu = alloc_cpu.is_some_and(|a| req_cpu > a);
            let over_mem = alloc_mem.is_some_and(|a| req_mem > a);
            if !over_cpu && !over_mem {
                continue;
            }
            // Limits: a container without a limit makes the pod unbounded.
            let lim_cpu: Vec<Option<u64>> = on_node
                .iter()
                .map(|p| effective(p, "cpu", Kind::Limits))
                .collect();
            let lim_mem: Vec<Option<u64>> = on_node
                .iter()
                .map(|p| effective(p, "memory", Kind::Limits))
                .collect();
            let sum_known = |v: &[Option<u64>]| v.iter().flatten().sum::<u64>();
            let unbounded = |v: &[Option<u64>]| v.iter().filter(|x| x.is_none()).count();

            let cpu_line = usage("CPU", req_cpu, alloc_cpu, quantity::format_cpu);
            let mem_line = usage("memory", req_mem, alloc_mem, quantity::format_bytes);
            let over: Vec<&str> = [(over_cpu, cpu_line.as_str()), (over_mem, mem_line.as_str())]
                .into_iter()
                .filter(|(o, _)| *o)
                .map(|(_, l)| l)
                .collect();
            let summary = format!(
                "Node {name} is overcommitted: its {} pods request {}",
                on_node.len(),
                over.join(" and ")
            );
            let mut explanation = format!(
                "The pods bound to {name} request {cpu_line} and {mem_line} of what the node can allocate. The scheduler never places pods beyond allocatable, so allocatable shrank after they were placed (kubelet reservations or eviction thresholds raised, the machine resized), or pods were bound without the scheduler (spec.nodeName set directly, static pods), or requests were resized in place."
            );
            explanation.push_str(if over_mem {
                " Memory the pods were promised does not exist: expect memory pressure, evictions and OOM kills on this node."
            } else {
                " CPU the pods were promised does not exist: under contention they are throttled below their requests."
            });
            let lim_cpu_sum = sum_known(&lim_cpu);
            let lim_mem_sum = sum_known(&lim_mem);
            explanation.push_str(&format!(
                " For information, limits add up to {} CPU{} and {} memory{} (limits may exceed allocatable by design).",
                quantity::format_cpu(lim_cpu_sum),
                unbounded_note(unbounded(&lim_cpu)),
                quantity::format_bytes(lim_mem_sum),
                unbounded_note(unbounded(&lim_mem))
            ));
            let mut biggest: Vec<(&Pod, u64, u64)> = on_node
                .iter()
                .map(|p| {
                    (
                        *p,
                        effective(p, "cpu", Kind::Requests).unwrap_or(0),
                        effective(p, "memory", Kind::Requests).unwrap_or(0),
                    )
                })
                .collect();
            if over_mem {
                biggest.sort_by_key(|b| std::cmp::Reverse(b.2));
            } else {
                biggest.sort_by_key(|b| std::cmp::Reverse(b.1));
            }
            let top: Vec<String> = biggest
                .iter()
                .take(5)
                .map(|(p, c, m)| {
                    format!(
                        "{}/{} ({} CPU, {})",
                        p.metadata.namespace,
                        p.metadata.name,
                        quantity::format_cpu(*c),
                        quantity::format_bytes(*m)
                    )
                })
                .collect();
            if !top.is_empty() {
                explanation.push_str(&format!(" Largest requests: {}.", top.join(", ")));
            }
            let pct = |r: u64, a: Option<u64>| {
                a.filter(|a| *a > 0)
                    .map(|a| (r as f64 / a as f64 * 100.0).round() as u64)
            };
            let excerpt = format!(
                "allocatable cpu {}, memory {}",
                node.status
                    .allocatable
                    .get("cpu")
                    .map(|s| s.as_str())
                    .unwrap_or("-"),
                node.status
                    .allocatable
                    .get("memory")
                    .map(|s| s.as_str())
                    .unwrap_or("-")
            );
            out.push(
                Finding::new(self, ObjectRef::new("Node", "", name))
                    .node(name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation([
                        format!("Compare `kubectl describe node {name}` (Allocatable and Allocated resources) with the pods' requests."),
                        format!("Let the scheduler re-place pods: `kubectl drain {name} --ignore-daemonsets --delete-emptydir-data`, then `kubectl uncordon {name}`."),
                        "Find what binds pods without the scheduler (spec.nodeName in manifests, static pods in /etc/kubernetes/manifests) and check the kubelet's --system-reserved, --kube-reserved and eviction settings.".to_string(),
                        "Right-size requests to real usage.".to_string(),
                    ])
                    .evidence(cx.evidence(item, "/status/allocatable", Some(excerpt)))
                    .fact("pods", on_node.len())
                    .fact("cpu_requests_millis", req_cpu)
                    .fact("cpu_allocatable_millis", alloc_cpu)
                    .fact("cpu_requests_percent", pct(req_cpu, alloc_cpu))
                    .fact("memory_requests_bytes", req_mem)
                    .fact("memory_allocatable_bytes", alloc_mem)
                    .fact("memory_requests_percent", pct(req_mem, alloc_mem))
                    .fact("cpu_limits_millis", lim_cpu_sum)
                    .fact("cpu_limits_percent", pct(lim_cpu_sum, alloc_cpu))
                    .fact("pods_without_cpu_limit", unbounded(&lim_cpu))
                    .fact("memory_limits_bytes", lim_mem_sum)
                    .fact("memory_limits_percent", pct(lim_mem_sum, alloc_mem))
                    .fact("pods_without_memory_limit", unbounded(&lim_mem)),
            );
        }
        out
    }
}

fn unbounded_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (1 pod sets none)".to_string(),
        n => format!(" ({n} pods set none)"),
    }
}

/// `CPU 4.2 of 3.92 (107%)`.
fn usage(what: &str, req: u64, alloc: Option<u64>, show: fn(u64) -> String) -> String {
    match alloc {
        Some(a) if a > 0 => format!(
            "{what} {} of {} ({}%)",
            show(req),
            show(a),
            (req as f64 / a as f64 * 100.0).round() as u64
        ),
        _ => format!("{what} {} (allocatable unknown)", show(req)),
    }
}

/// What the scheduler accounts a pod for in `resource` (`cpu` in
/// millicores, `memory` in bytes): the one rule the node table uses too.
pub(crate) fn effective_requests(pod: &Pod, resource: &str) -> u64 {
    effective(pod, resource, Kind::Requests).unwrap_or(0)
}

#[derive(Clone, Copy)]
enum Kind {
    Requests,
    Limits,
}

/// The amount of `resource` the scheduler accounts a pod for: the larger
/// of (regular containers + native sidecars) and, for each classic init
/// container, itself plus the sidecars started before it. For limits,
/// `None` when a container that counts sets none (unbounded).
// See: kubernetes/pkg/api/v1/resource/helpers.go PodRequests (KEP-753).
fn effective(pod: &Pod, resource: &str, kind: Kind) -> Option<u64> {
    let get = |c: &Container| -> Option<u64> {
        let map = match kind {
            Kind::Requests => &c.resources.requests,
            Kind::Limits => &c.resources.limits,
        };
        let v = map.get(resource).and_then(|v| {
            if resource == "cpu" {
                quantity::cpu_millis(v)
            } else {
                quantity::bytes(v)
            }
        });
        match kind {
            Kind::Requests => Some(v.unwrap_or(0)),
            Kind::Limits => v,
        }
    };
    let mut regular: u64 = 0;
    for c in &pod.spec.containers {
        regular = regular.saturating_add(get(c)?);
    }
    let mut sidecars: u64 = 0;
    let mut init_peak: u64 = 0;
    for c in &pod.spec.init_containers {
        let v = get(c);
        if c.restart_policy.as_deref() == Some("Always") {
            sidecars = sidecars.saturating_add(v?);
            init_peak = init_peak.max(sidecars);
        } else {
            // A classic init container without a limit is unbounded only
            // while it runs; it still makes the pod's peak unbounded.
            init_peak = init_peak.max(sidecars.saturating_add(v?));
        }
    }
    Some(init_peak.max(regular.saturating_add(sidecars)))
}

#[cfg(test)]
mod tests {
    use super::{effective, Kind};
    use crate::analyze::testing::{demo_analyzed, node, pod, TinyDump};
    use crate::analyze::Severity;
    use crate::model::Pod;
    use serde_json::{json, Value};

    fn sized(name: &str, node: &str, cpu: &str, mem: &str) -> Value {
        let mut p = pod("shop", name, node);
        p["spec"]["containers"][0]["resources"] =
            json!({"requests": {"cpu": cpu, "memory": mem}, "limits": {"memory": mem}});
        p
    }

    #[test]
    fn effective_requests_follow_the_scheduler() {
        let p: Pod = serde_json::from_value(json!({
            "spec": {
                "initContainers": [
                    {"name": "setup", "resources": {"requests": {"cpu": "2"}}},
                    {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}}},
                    {"name": "late-init", "resources": {"requests": {"cpu": "500m"}}}
                ],
                "containers": [
                    {"name": "a", "resources": {"requests": {"cpu": "300m"}, "limits": {"cpu": "1"}}},
                    {"name": "b", "resources": {"requests": {"cpu": "200m"}, "limits": {"cpu": "1"}}}
                ]
            }
        }))
        .unwrap();
        // max(2000, 100 + 500, 300 + 200 + 100) = 2000
        assert_eq!(effective(&p, "cpu", Kind::Requests), Some(2000));
        assert_eq!(effective(&p, "memory", Kind::Requests), Some(0));
        assert_eq!(
            effective(&p, "cpu", Kind::Limits),
            None,
            "setup sets no cpu limit"
        );
        let q: Pod = serde_json::from_value(json!({"spec": {
            "initContainers": [{"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}}],
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "300m"}}}]
        }}))
        .unwrap();
        assert_eq!(
            effective(&q, "cpu", Kind::Requests),
            Some(400),
            "a sidecar adds to the containers"
        );
    }

    #[test]
    fn fires_when_requests_exceed_allocatable() {
        let mut done = sized("done", "n1", "2", "8Gi");
        done["status"]["phase"] = "Succeeded".into();
        let d = TinyDump {
            // allocatable: 3920m CPU, 15Gi memory
            nodes: vec![node("n1"), node("n2")],
            pods: vec![
                sized("a", "n1", "1", "10Gi"),
                sized("b", "n1", "500m", "6Gi"),
                done,
                sized("c", "n2", "3", "14Gi"),
            ],
            ..Default::default()
        };
        let f = d.findings_of("node-overcommitted");
        assert_eq!(
            f.len(),
            1,
            "n2 is within allocatable, the finished pod does not count"
        );
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Node n1 is overcommitted: its 2 pods request memory 16Gi of 15Gi (107%)"
        );
        assert!(
            f.explanation.contains("CPU 1.5 of 3.92 (38%)"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("limits add up to 0 CPU (2 pods set none) and 16Gi memory"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("Largest requests: shop/a (1 CPU, 10Gi)"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["memory_requests_percent"], 107);
        assert_eq!(f.facts["cpu_requests_millis"], 1500);
        assert_eq!(f.facts["pods_without_cpu_limit"], 2);
    }

    #[test]
    fn demo_dump() {
        let (ix, a) = demo_analyzed();
        let f = a.findings_of("node-overcommitted");
        assert!(
            f.is_empty(),
            "worker-1 requests 3.36 of 3.92 cores: {:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let w1 = ix.node("worker-1").unwrap();
        let total: u64 = ix
            .pods_on_node("worker-1")
            .iter()
            .map(|i| &ix.pods[*i].obj)
            .filter(|p| !matches!(p.status.phase.as_str(), "Succeeded" | "Failed"))
            .map(|p| effective(p, "cpu", Kind::Requests).unwrap())
            .sum();
        assert_eq!(total, 3360);
        assert_eq!(w1.obj.status.allocatable["cpu"], "3920m");
    }
}
