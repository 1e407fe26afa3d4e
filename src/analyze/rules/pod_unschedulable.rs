//! pod-unschedulable: a Pending pod the scheduler cannot place.
//!
//! The scheduler packs its verdict for every node into one message (on the
//! PodScheduled=False condition and in FailedScheduling events); it is
//! broken down with [`crate::analyze::sched`] into counted reasons, each in
//! plain words. For `Insufficient <resource>` the pod's effective request is
//! compared with what each node has left (allocatable minus the requests of
//! the pods already bound to it), because that, not actual use, is what the
//! scheduler counts. Nodes behind a taint or a cordon are named.

use crate::analyze::context::{clip, condition, Context};
use crate::analyze::sched::{self, explain_reason};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Event, Pod};
use crate::time;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Nodes shown, with what they have left, for a resource the pod lacks.
const SHOWN_NODES: usize = 5;

pub struct PodUnschedulable;

/// Pending longer than this (since creation) is critical; shorter is a
/// warning: the cluster autoscaler may still be adding a node.
const CRITICAL_AFTER: i64 = 5 * 60;

impl Rule for PodUnschedulable {
    fn id(&self) -> &'static str {
        "pod-unschedulable"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Pod cannot be scheduled",
            detects: "A Pending pod with no node whose PodScheduled condition is False (reason Unschedulable, SchedulingGated, …) or that has FailedScheduling events. The scheduler's message is broken down into its counted reasons (Insufficient cpu, untolerated taint, node affinity, unbound PersistentVolumeClaims, …). Critical once it has been pending more than 5 minutes, a warning before (an autoscaler may still be adding a node).",
            evidence: "status.conditions[type=PodScheduled] (reason, message), the pod's FailedScheduling events (both core/v1 and events.k8s.io shapes), the pod's requests (containers and init containers) and nodeSelector, its PersistentVolumeClaims, and for each node its allocatable resources, taints, cordon and the requests of the pods bound to it.",
            why: "No node satisfies all of the pod's constraints at once: its requests exceed what any node has unreserved (requests count, not actual use), the nodes that could fit carry taints it does not tolerate (not-ready, unreachable, pressure, dedicated pools) or are cordoned, its nodeSelector/affinity matches no node, a PersistentVolumeClaim is not bound or its volume is in another zone, anti-affinity or topology spread rules exclude the rest, or it requests a resource (GPU) no node offers.",
            remediation: "Address the reason that covers the most nodes: lower the pod's requests or add capacity (more or bigger nodes, the cluster autoscaler); fix or uncordon nodes, or add a toleration; correct the nodeSelector/affinity or label a node; bind the PVC (check its StorageClass and provisioner); relax anti-affinity or topology spread. `kubectl describe pod` shows the current message; `kubectl describe nodes` the allocated resources.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        let used = node_requests(cx);
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase != "Pending"
                || !pod.spec.node_name.is_empty()
                || pod.metadata.deletion_timestamp.is_some()
            {
                continue;
            }
            let cond = condition(&pod.status.conditions, "PodScheduled");
            if cond.is_some_and(|(_, c)| c.status == "True") {
                continue;
            }
            let events: Vec<&Located<Event>> = cx
                .events_of("Pod", &pod.metadata)
                .into_iter()
                .filter(|e| {
                    e.obj.reason == "FailedScheduling"
                        && !e.obj.message.starts_with("skip schedule")
                })
                .collect();
            let cond = cond.filter(|(_, c)| c.status == "False");
            if cond.is_none() && events.is_empty() {
                continue;
            }
            out.push(self.finding(cx, pi, item, cond.map(|(i, _)| i), &events, &used));
        }
        out
    }
}

#[derive(Debug, Serialize)]
struct Reason {
    nodes: u32,
    reason: String,
    meaning: String,
}

impl PodUnschedulable {
    fn finding(
        &self,
        cx: &Context<'_>,
        pi: usize,
        item: &Located<Pod>,
        cond_i: Option<usize>,
        events: &[&Located<Event>],
        used: &BTreeMap<String, BTreeMap<String, f64>>,
    ) -> Finding {
        let pod = &item.obj;
        let ns = &pod.metadata.namespace;
        let name = &pod.metadata.name;
        let cond = cond_i.map(|i| &pod.status.conditions[i]);
        let newest_event = events.last();
        let message = cond
            .map(|c| c.message.clone())
            .filter(|m| !m.is_empty())
            .or_else(|| newest_event.map(|e| e.obj.message.clone()))
            .unwrap_or_default();
        let cond_reason = cond.map(|c| c.reason.as_str()).unwrap_or("");
        let parsed = sched::parse(&message);
        let attempts: i64 = events.iter().map(|e| e.obj.occurrences()).sum();
        let pending = cx.age(pod.metadata.creation_timestamp.as_deref());
        let severity = match pending {
            Some(s) if s < CRITICAL_AFTER => Severity::Warning,
            _ => Severity::Critical,
        };
        let requests = pod_requests(pod);
        let pvcs: Vec<String> = pod
            .spec
            .volumes
            .iter()
            .filter_map(|v| {
                v.value()
                    .pointer("/persistentVolumeClaim/claimName")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        let reasons: Vec<Reason> = parsed
            .reasons
            .iter()
            .map(|(n, r)| Reason {
                nodes: *n,
                reason: r.clone(),
                meaning: explain_reason(r),
            })
            .collect();

        let verdict = match (parsed.available, parsed.total) {
            (Some(a), Some(t)) => {
                let list: Vec<String> = parsed
                    .reasons
                    .iter()
                    .map(|(n, r)| format!("{n} {r}"))
                    .collect();
                format!("{a}/{t} nodes available ({})", list.join(", "))
            }
            _ if cond_reason == "SchedulingGated" => "scheduling gates are not removed".to_string(),
            _ if message.is_empty() => "the scheduler gave no reason".to_string(),
            _ => clip(message.trim(), 160),
        };
        let summary = format!(
            "Pod {ns}/{name} cannot be scheduled{}: {verdict}",
            pending
                .filter(|p| *p >= 60)
                .map(|p| format!(" (pending {})", time::human(p)))
                .unwrap_or_default()
        );

        let mut explanation = format!(
            "The pod has been Pending{} because the scheduler found no node for it",
            pending
                .filter(|p| *p >= 60)
                .map(|p| format!(" for {}", time::human(p)))
                .unwrap_or_default()
        );
        if attempts > 0 {
            explanation.push_str(&format!(
                " ({attempts} failed attempt{} in the events)",
                if attempts == 1 { "" } else { "s" }
            ));
        }
        explanation.push('.');
        if cond_reason == "SchedulingGated" {
            explanation.push_str(" Its spec.schedulingGates are still set: the scheduler does not even try until the controller that added them removes them.");
        }
        // Nodes the other reasons rule out, to tell them apart in the
        // capacity comparison.
        let mut excluded: BTreeMap<String, &'static str> = BTreeMap::new();
        for r in &reasons {
            let label = if r.reason.contains("taint") {
                "tainted"
            } else {
                "cordoned"
            };
            for n in nodes_for(cx, &r.reason) {
                excluded.entry(n).or_insert(label);
            }
        }
        let free_of = |node: &Located<crate::model::Node>, res: &str| -> (f64, f64) {
            let alloc = node
                .obj
                .status
                .allocatable
                .get(res)
                .and_then(|q| parse_quantity(q))
                .unwrap_or(0.0);
            let taken = used
                .get(node.obj.metadata.name.as_str())
                .and_then(|m| m.get(res))
                .copied()
                .unwrap_or(0.0);
            (alloc, (alloc - taken).max(0.0))
        };
        if !reasons.is_empty() {
            let parts: Vec<String> = reasons
                .iter()
                .map(|r| {
                    let who = match r.reason.strip_prefix("Insufficient ") {
                        Some(res) => {
                            let want = requests.get(res).copied().unwrap_or(0.0);
                            cx.ix
                                .nodes
                                .iter()
                                .filter(|n| {
                                    !excluded.contains_key(n.obj.metadata.name.as_str())
                                        && free_of(n, res).1 < want
                                })
                                .map(|n| n.obj.metadata.name.to_string())
                                .collect()
                        }
                        None => nodes_for(cx, &r.reason),
                    };
                    format!(
                        "{} node{}{}: {}",
                        r.nodes,
                        if r.nodes == 1 { "" } else { "s" },
                        if who.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", who.join(", "))
                        },
                        r.meaning
                    )
                })
                .collect();
            explanation.push_str(&format!(
                " The scheduler's verdict on the {} node{}: {}.",
                parsed.total.unwrap_or(0),
                if parsed.total == Some(1) { "" } else { "s" },
                parts.join("; ")
            ));
        } else if !message.is_empty() {
            explanation.push_str(&format!(
                " The scheduler says: \"{}\".",
                clip(message.trim(), 400)
            ));
        }
        if !requests.is_empty() {
            let list: Vec<String> = requests
                .iter()
                .map(|(k, v)| format!("{k} {}", fmt_quantity(k, *v)))
                .collect();
            explanation.push_str(&format!(" The pod requests {}.", list.join(", ")));
        }
        // For each resource the scheduler found short, what the nodes closest
        // to fitting the pod have left: the nodes it could use (not
        // cordoned, tainted or otherwise excluded) first, the most free
        // first. Not every node: on a large cluster that list, repeated for
        // every pending pod, made explanations unreadable and was most of
        // the findings' memory.
        let mut free_facts = BTreeMap::new();
        for r in &parsed.reasons {
            let Some(res) = r.1.strip_prefix("Insufficient ") else {
                continue;
            };
            let want = requests.get(res).copied().unwrap_or(0.0);
            // (name, why the pod cannot use it, allocatable, free)
            let mut nodes: Vec<(&str, Option<&str>, f64, f64)> = cx
                .ix
                .nodes
                .iter()
                .map(|n| {
                    let name = n.obj.metadata.name.as_str();
                    let (alloc, free) = free_of(n, res);
                    (name, excluded.get(name).copied(), alloc, free)
                })
                .collect();
            nodes.sort_by(|a, b| {
                (a.1.is_some())
                    .cmp(&b.1.is_some())
                    .then(b.3.total_cmp(&a.3))
                    .then(a.0.cmp(b.0))
            });
            let mut rows = Vec::new();
            for &(node, why, alloc, free) in nodes.iter().take(SHOWN_NODES) {
                rows.push(format!(
                    "{node} {} free of {}{}",
                    fmt_quantity(res, free),
                    fmt_quantity(res, alloc),
                    why.map(|l| format!(" ({l})")).unwrap_or_default()
                ));
                free_facts.insert(
                    format!("{res}/{node}"),
                    serde_json::json!({"allocatable": alloc, "requested": alloc - free, "free": free}),
                );
            }
            match nodes.len().saturating_sub(SHOWN_NODES) {
                0 => {}
                1 => rows.push("1 more node".to_string()),
                more => rows.push(format!("{more} more nodes")),
            }
            if !rows.is_empty() {
                explanation.push_str(&format!(
                    " Unreserved {res} per node (allocatable minus the requests of its pods; the nodes the pod could use first, the most free first): {}; the pod needs {}.",
                    rows.join(", "),
                    fmt_quantity(res, want)
                ));
            }
            if cx
                .ix
                .nodes
                .iter()
                .all(|n| !n.obj.status.allocatable.contains_key(res))
                && !cx.ix.nodes.is_empty()
            {
                explanation.push_str(&format!(" No node in the dump offers {res} at all (no device plugin or node pool provides it)."));
            }
        }
        let lower = message.to_ascii_lowercase();
        let pvc_trouble = lower.contains("persistentvolumeclaim")
            || lower.contains("volume node affinity")
            || lower.contains("volumebinding");
        if pvc_trouble {
            if pvcs.is_empty() {
                explanation.push_str(" The message is about its volumes, but the pod spec names no PersistentVolumeClaim.");
            } else {
                explanation.push_str(&format!(
                    " Its PersistentVolumeClaim{} {}: the dump holds no PVC or PV objects, so check {} directly.",
                    if pvcs.len() == 1 { "" } else { "s" },
                    pvcs.join(", "),
                    if pvcs.len() == 1 { "it" } else { "them" }
                ));
            }
        }
        if lower.contains("quota") {
            explanation.push_str(" A ResourceQuota of the namespace is involved: the pod's requests or limits would exceed it.");
        }
        if let Some(p) = &parsed.preemption {
            explanation.push_str(&format!(
                " Preemption (evicting lower-priority pods) would not help either: {p}."
            ));
        }

        let mut remediation = Vec::new();
        let has = |needle: &str| {
            parsed
                .reasons
                .iter()
                .any(|(_, r)| r.to_ascii_lowercase().contains(needle))
        };
        if has("insufficient") {
            remediation.push(
                "Make room or shrink the ask: lower the pod's requests if they exceed its real use, scale down or move other workloads, or add capacity (more or bigger nodes; check that the cluster autoscaler can scale this node group). See `kubectl describe nodes` → Allocated resources.".to_string(),
            );
        }
        let extended: Vec<&str> = parsed
            .reasons
            .iter()
            .filter_map(|(_, r)| r.strip_prefix("Insufficient "))
            .filter(|r| {
                !matches!(*r, "cpu" | "memory" | "pods" | "ephemeral-storage")
                    && !r.starts_with("hugepages")
            })
            .collect();
        if !extended.is_empty() {
            remediation.push(format!(
                "{} is an extended resource that only nodes with its device plugin advertise: add such a node (a GPU node pool), check that the device plugin DaemonSet runs there, or lower the request.",
                extended.join(", ")
            ));
        }
        if has("taint") {
            remediation.push("Tainted nodes: if the taint means the node is unhealthy (not-ready, unreachable, pressure), fix the node (see its node findings); if it marks a dedicated pool, add a matching toleration to the pod only if it belongs there.".to_string());
        }
        if has("unschedulable") {
            remediation.push("Cordoned nodes accept no new pods: `kubectl uncordon NODE` once its maintenance is over.".to_string());
        }
        if has("affinity") || has("selector") {
            let sel: Vec<String> = pod
                .spec
                .node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            remediation.push(format!(
                "Compare the pod's nodeSelector{}/affinity with the node labels (`kubectl get nodes --show-labels`); fix the selector or label a node.",
                if sel.is_empty() { String::new() } else { format!(" ({})", sel.join(", ")) }
            ));
        }
        if pvc_trouble {
            remediation.push(format!(
                "Check the claims: `kubectl -n {ns} get pvc` and `kubectl -n {ns} describe pvc {}` (StorageClass exists, provisioner running, volume in a zone where a node is).",
                pvcs.first().map(String::as_str).unwrap_or("NAME")
            ));
        }
        if has("anti-affinity") || has("topology spread") || has("ports") || has("too many pods") {
            remediation.push("Relax the pod's anti-affinity, topology spread or hostPort constraints, or add nodes so they can be met.".to_string());
        }
        if cond_reason == "SchedulingGated" {
            remediation.push(format!("See which gates remain: `kubectl -n {ns} get pod {name} -o jsonpath='{{.spec.schedulingGates}}'`, and check the controller that should remove them."));
        }
        remediation.push(format!(
            "Read the current verdict: `kubectl -n {ns} describe pod {name}` (Events)."
        ));

        let mut f = Finding::new(self, cx.pod_ref(pod))
            .severity(severity)
            .workload(cx.workload_of(pi))
            .summary(summary)
            .explanation(explanation)
            .remediation(remediation)
            .fact("message", &message)
            .fact("available", parsed.available)
            .fact("total", parsed.total)
            .fact("reasons", &reasons)
            .fact("preemption", &parsed.preemption)
            .fact("pending_seconds", pending)
            .fact(
                "requests",
                requests
                    .iter()
                    .map(|(k, v)| (k.clone(), fmt_quantity(k, *v)))
                    .collect::<BTreeMap<_, _>>(),
            )
            .fact("persistent_volume_claims", &pvcs)
            .fact("failed_attempts", attempts)
            .fact("node_free", &free_facts);
        if let Some(i) = cond_i {
            let c = &pod.status.conditions[i];
            f = f.evidence(cx.evidence(
                item,
                &format!("/status/conditions/{i}"),
                Some(format!(
                    "PodScheduled={} {}: {}",
                    c.status, c.reason, c.message
                )),
            ));
        }
        if let Some(e) = newest_event {
            f = f.evidence(cx.evidence(
                e,
                "",
                Some(format!("FailedScheduling: {}", e.obj.message)),
            ));
        }
        f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata)))
    }
}

/// The nodes a scheduler reason is about, when the dump shows it: the
/// nodes carrying the named taint, or the cordoned ones.
fn nodes_for(cx: &Context<'_>, reason: &str) -> Vec<String> {
    if let Some(start) = reason.find('{') {
        let inner = reason[start + 1..].split('}').next().unwrap_or("");
        let keys: Vec<&str> = inner
            .split(", ")
            .filter_map(|kv| kv.split(':').next())
            .map(str::trim)
            .collect();
        return cx
            .ix
            .nodes
            .iter()
            .filter(|n| {
                n.obj
                    .spec
                    .taints
                    .iter()
                    .any(|t| keys.contains(&t.key.as_str()))
            })
            .map(|n| n.obj.metadata.name.to_string())
            .collect();
    }
    if reason.contains("were unschedulable") {
        return cx
            .ix
            .nodes
            .iter()
            .filter(|n| n.obj.spec.unschedulable == Some(true))
            .map(|n| n.obj.metadata.name.to_string())
            .collect();
    }
    Vec::new()
}

/// A container's effective request of each resource: its request, else its
/// limit (Kubernetes defaults a missing request to the limit).
fn container_requests(c: &crate::model::Container) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (k, v) in c.resources.limits.iter().chain(&c.resources.requests) {
        if let Some(q) = parse_quantity(v) {
            // Requests come last in the chain, so they win over limits.
            out.insert(k.to_string(), q);
        }
    }
    out
}

/// A pod's effective request: the sum over its containers and native
/// sidecars, or the largest regular init container, whichever is larger
/// (init containers run one at a time, before the others).
fn pod_requests(pod: &Pod) -> BTreeMap<String, f64> {
    let mut sum: BTreeMap<String, f64> = BTreeMap::new();
    let mut init_max: BTreeMap<String, f64> = BTreeMap::new();
    for c in &pod.spec.init_containers {
        let r = container_requests(c);
        if c.restart_policy.as_deref() == Some("Always") {
            for (k, v) in r {
                *sum.entry(k).or_default() += v;
            }
        } else {
            for (k, v) in r {
                let e = init_max.entry(k).or_default();
                *e = e.max(v);
            }
        }
    }
    for c in &pod.spec.containers {
        for (k, v) in container_requests(c) {
            *sum.entry(k).or_default() += v;
        }
    }
    for (k, v) in init_max {
        let e = sum.entry(k).or_default();
        *e = e.max(v);
    }
    sum
}

/// The requests of the pods bound to each node (pods that have finished
/// hold no resources).
fn node_requests(cx: &Context<'_>) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for p in &cx.ix.pods {
        let pod = &p.obj;
        if pod.spec.node_name.is_empty()
            || matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
        {
            continue;
        }
        let node = out.entry(pod.spec.node_name.to_string()).or_default();
        for (k, v) in pod_requests(pod) {
            *node.entry(k).or_default() += v;
        }
    }
    out
}

/// Parses a Kubernetes quantity (`100m`, `2`, `1.5Gi`, `512M`, `1e3`)
/// into base units (cores, bytes, devices).
fn parse_quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "u" => 1e-6,
        "n" => 1e-9,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

/// Prints a quantity the way people write it: cores or millicores for cpu,
/// binary units for memory and storage, a plain number otherwise.
fn fmt_quantity(resource: &str, v: f64) -> String {
    if resource == "cpu" {
        if (v - v.round()).abs() < 1e-9 {
            format!("{}", v.round() as i64)
        } else {
            format!("{}m", (v * 1000.0).round() as i64)
        }
    } else if resource == "memory"
        || resource.contains("storage")
        || resource.starts_with("hugepages")
    {
        const UNITS: [(&str, f64); 4] = [
            ("Ti", 1099511627776.0),
            ("Gi", 1073741824.0),
            ("Mi", 1048576.0),
            ("Ki", 1024.0),
        ];
        for (u, m) in UNITS {
            if v >= m {
                let x = v / m;
                return if (x - x.round()).abs() < 0.05 {
                    format!("{}{u}", x.round() as i64)
                } else {
                    format!("{x:.1}{u}")
                };
            }
        }
        format!("{}", v as i64)
    } else if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::{fmt_quantity, parse_quantity};
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn pending(name: &str, created: &str, message: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "");
        p["metadata"]["creationTimestamp"] = created.into();
        p["spec"]["containers"][0]["resources"] =
            json!({"requests": {"cpu": "3", "memory": "1Gi"}});
        p["status"] = json!({
            "phase": "Pending",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": message, "lastTransitionTime": created}]
        });
        p
    }

    #[test]
    fn breaks_the_message_down_and_compares_requests_with_free_capacity() {
        let msg = "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
        let mut n2 = node("n2");
        n2["spec"]["unschedulable"] = true.into();
        let mut busy = pod("shop", "busy-1", "n1");
        busy["spec"]["containers"][0]["resources"] = json!({"requests": {"cpu": "1500m"}});
        let d = TinyDump {
            nodes: vec![node("n1"), n2],
            pods: vec![pending("big-1", "2025-06-01T11:00:00Z", msg), busy],
            events: vec![event(
                "shop",
                "Pod",
                "big-1",
                "Warning",
                "FailedScheduling",
                msg,
                4,
            )],
            ..Default::default()
        };
        let f = d.findings_of("pod-unschedulable");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical, "pending for an hour");
        assert!(f.summary.starts_with("Pod shop/big-1 cannot be scheduled (pending 59m): 0/2 nodes available (1 Insufficient cpu, 1 node(s) were unschedulable)"), "{}", f.summary);
        assert!(
            f.explanation
                .contains("1 node (n2): cordoned (spec.unschedulable)"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("n1 2420m free of 3920m"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("the pod needs 3"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["requests"]["cpu"], "3");
        assert_eq!(f.facts["reasons"][0]["nodes"], 1);
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/conditions/0")
        );
        assert!(f.remediation.iter().any(|r| r.contains("uncordon")));
    }

    #[test]
    fn on_a_large_cluster_only_the_nodes_closest_to_fitting_are_listed() {
        let msg = "0/8 nodes are available: 8 Insufficient cpu. preemption: 0/8 nodes are available: 8 No preemption victims found for incoming pod.";
        let nodes = (1..=8).map(|i| node(&format!("n{i}"))).collect();
        // n1..n8 each run a pod requesting i × 100m: n1 has the most left.
        let mut pods: Vec<_> = (1..=8)
            .map(|i| {
                let mut p = pod("shop", &format!("busy-{i}"), &format!("n{i}"));
                p["spec"]["containers"][0]["resources"] =
                    json!({"requests": {"cpu": format!("{}m", i * 100)}});
                p
            })
            .collect();
        pods.push(pending("big-1", "2025-06-01T11:00:00Z", msg));
        let d = TinyDump {
            nodes,
            pods,
            ..Default::default()
        };
        let f = d.findings_of("pod-unschedulable");
        let f = f.first().expect("a finding");
        assert!(
            f.explanation.contains("the most free first): n1 3820m free of 3920m, n2 3720m free of 3920m, n3 3620m free of 3920m, n4 3520m free of 3920m, n5 3420m free of 3920m, 3 more nodes; the pod needs 3"),
            "{}",
            f.explanation
        );
        assert!(!f.explanation.contains("n6 "), "{}", f.explanation);
        let free = f.facts["node_free"]
            .as_object()
            .expect("free capacity facts");
        assert_eq!(free.len(), 5, "{free:?}");
        assert_eq!(free["cpu/n1"]["free"], 3.82);
    }

    #[test]
    fn recent_pending_is_a_warning_and_names_unbound_claims() {
        let mut p = pending("db-0", "2025-06-01T11:57:00Z", "pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
        p["spec"]["volumes"] =
            json!([{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}}]);
        // The newest time stamp in this dump is the node heartbeat 11:59.
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p],
            ..Default::default()
        };
        let f = d.findings_of("pod-unschedulable");
        let f = f.first().unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.explanation.contains("data-db-0"), "{}", f.explanation);
    }

    #[test]
    fn a_gpu_no_node_offers() {
        // Message of troubleshoot's message-pending-pod-resources fixture.
        let mut p = pending("train-1", "2025-06-01T10:00:00Z", "0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
        p["spec"]["containers"][0]["resources"] =
            json!({"limits": {"nvidia.com/gpu": "5"}, "requests": {"cpu": "3"}});
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p],
            ..Default::default()
        };
        let f = d.findings_of("pod-unschedulable");
        let f = f.first().unwrap();
        assert_eq!(
            f.facts["requests"]["nvidia.com/gpu"], "5",
            "a limit-only extended resource is its request"
        );
        assert!(
            f.explanation
                .contains("No node in the dump offers nvidia.com/gpu"),
            "{}",
            f.explanation
        );
        assert!(
            f.remediation.iter().any(|r| r.contains("device plugin")),
            "{:?}",
            f.remediation
        );
    }

    #[test]
    fn scheduled_pods_are_not_reported() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        assert!(d.findings_of("pod-unschedulable").is_empty());
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("100m"), Some(0.1));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("1Gi"), Some(1073741824.0));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("abc"), None);
        assert_eq!(fmt_quantity("cpu", 0.56), "560m");
        assert_eq!(fmt_quantity("memory", 4.0 * 1073741824.0), "4Gi");
        assert_eq!(fmt_quantity("nvidia.com/gpu", 1.0), "1");
    }

    #[test]
    fn demo_finds_analytics() {
        let f = demo_findings_of("pod-unschedulable");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["pod-unschedulable:Pod/shop/analytics-59d8c7f6b-zk2hd"]
        );
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.facts["requests"]["cpu"], "2");
        assert_eq!(f.facts["failed_attempts"], 11);
        assert!(
            f.explanation.contains("1 node (worker-3): a taint"),
            "the unreachable taint is worker-3's: {}",
            f.explanation
        );
        assert!(
            f.explanation.contains("1 node (worker-2): cordoned"),
            "worker-2 is cordoned: {}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("the most free first): worker-1 560m free of 3920m, worker-3 3570m free of 3920m (tainted), worker-2 2770m free of 3920m (cordoned)"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("1 node (worker-1): not enough free cpu"),
            "{}",
            f.explanation
        );
    }
}
