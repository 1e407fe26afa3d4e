//! pod-evicted: a pod the kubelet evicted to protect its node.
//!
//! When a node runs short of memory, disk or PIDs, the kubelet kills pods
//! (those using the most above their requests first) and leaves them in
//! phase Failed with reason Evicted. The status message names the resource
//! and, on recent kubelets, the threshold, what was left, and each
//! container's use against its request:
//! `The node was low on resource: memory. Threshold quantity: 100Mi,
//! available: 92316Ki. Container recommender was using 1912484Ki, request is
//! 512Mi, has larger consumption of memory.`
//! See: kubernetes pkg/kubelet/eviction/helpers.go (evictionMessage).

use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::time;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

pub struct PodEvicted;

/// An eviction older than this is history: info rather than a warning.
const RECENT_SECONDS: i64 = 24 * 3600;

static RE_RESOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"low on resource: ([^.]+?)\.").unwrap());
static RE_THRESHOLD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Threshold quantity: ([^,\s]+), available: ([^.,\s]+)").unwrap());
static RE_USAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Container (\S+) was using (\S+?),? (?:request is|which exceeds its request of) ([^,.\s]+)").unwrap()
});
static RE_CONDITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"node had condition: \[([^\]]+)\]").unwrap());

impl Rule for PodEvicted {
    fn id(&self) -> &'static str {
        "pod-evicted"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Pod evicted by the kubelet",
            detects: "A pod in phase Failed with reason Evicted. The finding names the resource the node ran short of (memory, ephemeral-storage, nodefs, imagefs, pids), the threshold and what was available, each container's use against its request, and the node. A warning when the eviction is under 24 hours old (or of unknown time), info when older.",
            evidence: "status.phase, status.reason and status.message of the pod, its DisruptionTarget condition (when the kubelet acted), the container statuses, the pod's Evicted event, the node's current pressure conditions, and the other pods of the same workload.",
            why: "The node's free memory, disk or PIDs fell below the kubelet's eviction threshold. That happens when pods use far more than they request (the scheduler placed them by their requests), when no requests are set at all, when logs or emptyDir volumes fill the disk, or when the node is simply too small for its load. The kubelet picks the pods that exceed their requests the most.",
            remediation: "Set requests close to the containers' real use (memory especially) so the scheduler does not overpack the node, and limits so one pod cannot starve the others. For disk evictions set ephemeral-storage requests/limits and emptyDir sizeLimit, and ship logs off the node. Check the node's pressure conditions. Evicted pods stay until deleted: `kubectl delete pods -A --field-selector=status.phase=Failed`.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase != "Failed" || pod.status.reason != "Evicted" {
                continue;
            }
            let ns = &pod.metadata.namespace;
            let name = &pod.metadata.name;
            let node = &pod.spec.node_name;
            let msg = pod.status.message.trim();
            let evicted_event = cx
                .events_of("Pod", &pod.metadata)
                .into_iter()
                .rev()
                .find(|e| e.obj.reason == "Evicted");
            // The message is on the pod; older kubelets put the details only
            // in the event.
            let text = if msg.is_empty() {
                evicted_event
                    .map(|e| e.obj.message.to_string())
                    .unwrap_or_default()
            } else if let Some(e) = evicted_event.filter(|e| {
                e.obj.message.len() > msg.len()
                    && e.obj.message.starts_with(msg.trim_end_matches('.'))
            }) {
                e.obj.message.to_string()
            } else {
                msg.to_string()
            };
            let eviction = parse(&text);
            let disruption = condition(&pod.status.conditions, "DisruptionTarget");
            let when = disruption
                .and_then(|(_, c)| c.last_transition_time.as_ref().map(|s| s.to_string()))
                .or_else(|| {
                    pod.status
                        .container_statuses
                        .iter()
                        .filter_map(|s| {
                            s.state
                                .terminated
                                .as_ref()
                                .and_then(|t| t.finished_at.as_ref().map(|s| s.to_string()))
                        })
                        .max()
                })
                .or_else(|| evicted_event.and_then(|e| e.obj.last_seen().map(str::to_string)));
            let age = cx.age(when.as_deref());
            let severity = match age {
                Some(a) if a > RECENT_SECONDS => Severity::Info,
                _ => Severity::Warning,
            };
            let pressure_now: Vec<String> = cx
                .ix
                .node(node)
                .map(|n| {
                    n.obj
                        .status
                        .conditions
                        .iter()
                        .filter(|c| c.type_.ends_with("Pressure") && c.status == "True")
                        .map(|c| c.type_.to_string())
                        .collect()
                })
                .unwrap_or_default();
            let workload = cx.workload_of(pi);
            let siblings_running = workload
                .as_ref()
                .map(|w| cx.running_pods_of(w).iter().filter(|&&i| i != pi).count());

            let resource = eviction
                .resource
                .clone()
                .or_else(|| eviction.condition.clone());
            let summary = format!(
                "Pod {ns}/{name} was evicted from {}{}{}",
                if node.is_empty() { "its node" } else { node },
                resource
                    .as_deref()
                    .map(|r| format!(": the node was low on {r}"))
                    .unwrap_or_default(),
                age.map(|a| format!(" ({} ago)", time::human(a)))
                    .unwrap_or_default()
            );
            let mut explanation = format!(
                "The kubelet{} evicted the pod{} to protect the node",
                if node.is_empty() {
                    String::new()
                } else {
                    format!(" on {node}")
                },
                when.as_deref()
                    .map(|w| format!(" at {w}"))
                    .unwrap_or_default()
            );
            match (&eviction.resource, &eviction.threshold, &eviction.condition) {
                (Some(r), Some((th, avail)), _) => explanation.push_str(&format!(
                    ": the node's available {r}, {}, fell below the eviction threshold of {}.",
                    human(avail),
                    human(th)
                )),
                (Some(r), None, _) => explanation.push_str(&format!(": the node was low on {r}.")),
                (None, _, Some(c)) => explanation.push_str(&format!(
                    ": the node had the condition {c}, so the kubelet rejected or removed the pod."
                )),
                _ => explanation.push('.'),
            }
            if !eviction.usage.is_empty() {
                let parts: Vec<String> = eviction
                    .usage
                    .iter()
                    .map(|u| {
                        format!(
                            "container {} was using {} against a request of {}",
                            u.container,
                            human(&u.using),
                            human(&u.request)
                        )
                    })
                    .collect();
                explanation.push_str(&format!(
                    " At that moment {}. The kubelet evicts first the pods that use the most above their requests.",
                    parts.join("; ")
                ));
            }
            if !text.is_empty() {
                explanation.push_str(&format!(
                    " The kubelet's message: \"{}\".",
                    clip(&text, 400)
                ));
            }
            if !pressure_now.is_empty() {
                explanation.push_str(&format!(
                    " {node} still reports {} at the snapshot.",
                    pressure_now.join(", ")
                ));
            }
            explanation.push_str(
                " An evicted pod is not restarted; it stays in phase Failed until deleted.",
            );
            match (&workload, siblings_running) {
                (Some(w), Some(n)) if n > 0 => explanation.push_str(&format!(
                    " Its {} {} has {n} other pod{} running (the controller replaces evicted pods).",
                    w.kind,
                    w.name,
                    if n == 1 { "" } else { "s" }
                )),
                (Some(w), _) => explanation.push_str(&format!(" No other pod of its {} {} is running.", w.kind, w.name)),
                (None, _) => explanation.push_str(" It has no controller, so nothing replaces it."),
            }

            let mut remediation = Vec::new();
            let res = resource.as_deref().unwrap_or("").to_ascii_lowercase();
            if res.contains("memory") {
                remediation.push("Set memory requests to the containers' real use (and a limit), so the scheduler does not pack the node beyond its memory and this pod is not the first victim.".to_string());
            } else if res.contains("storage") || res.contains("fs") || res.contains("disk") {
                remediation.push("Set ephemeral-storage requests and limits, give emptyDir volumes a sizeLimit, and keep logs and temporary files off the container's writable layer; check the node's disk (image garbage collection, log rotation).".to_string());
            } else if res.contains("pid") {
                remediation.push(
                    "Find the pod that forks too many processes; set the kubelet's podPidsLimit."
                        .to_string(),
                );
            } else {
                remediation.push("Read the kubelet's message for the resource that ran short, and set requests for it.".to_string());
            }
            if !node.is_empty() {
                remediation.push(format!(
                    "See what else uses the node: `kubectl describe node {node}` (Allocated resources, conditions) and `kubectl top pods -A --sort-by=memory`."
                ));
            }
            remediation.push(format!(
                "Delete the evicted pod once understood: `kubectl -n {ns} delete pod {name}`."
            ));

            let mut f = Finding::new(self, cx.pod_ref(pod))
                .severity(severity)
                .workload(workload)
                .node(node)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation)
                .evidence(cx.evidence(item, "/status/message", Some(format!("Evicted: {msg}"))))
                .fact("resource", &resource)
                .fact("threshold", eviction.threshold.as_ref().map(|t| &t.0))
                .fact("available", eviction.threshold.as_ref().map(|t| &t.1))
                .fact("usage", &eviction.usage)
                .fact("evicted_at", &when)
                .fact("node_pressure_now", &pressure_now)
                .fact("message", &text);
            if let Some((i, c)) = disruption {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("/status/conditions/{i}"),
                    Some(format!("DisruptionTarget={} {}", c.status, c.reason)),
                ));
            }
            if let Some(e) = evicted_event {
                f = f.evidence(cx.evidence(e, "", Some(format!("Evicted: {}", e.obj.message))));
            }
            // A log of an evicted pod is rarely there (its containers are
            // gone) and never explains the eviction: none is attached.
            out.push(f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata))));
        }
        out
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Eviction {
    resource: Option<String>,
    /// (threshold, available).
    threshold: Option<(String, String)>,
    usage: Vec<Usage>,
    /// `DiskPressure` from "The node had condition: [DiskPressure]".
    condition: Option<String>,
}

#[derive(Debug, PartialEq, Eq, Serialize)]
struct Usage {
    container: String,
    using: String,
    request: String,
}

fn parse(message: &str) -> Eviction {
    let mut e = Eviction {
        resource: RE_RESOURCE
            .captures(message)
            .map(|c| c[1].trim().to_string()),
        threshold: RE_THRESHOLD
            .captures(message)
            .map(|c| (c[1].to_string(), c[2].to_string())),
        condition: RE_CONDITION.captures(message).map(|c| c[1].to_string()),
        ..Default::default()
    };
    for c in RE_USAGE.captures_iter(message) {
        e.usage.push(Usage {
            container: c[1].to_string(),
            using: c[2].to_string(),
            request: c[3].to_string(),
        });
    }
    if e.resource.is_none() {
        let m = message.to_ascii_lowercase();
        if m.contains("ephemeral local storage")
            || m.contains("ephemeral storage")
            || m.contains("emptydir")
        {
            e.resource = Some("ephemeral-storage".to_string());
        }
    }
    e
}

/// `1912484Ki (1.8Gi)`: a byte quantity with a readable equivalent.
fn human(q: &str) -> String {
    let Some(bytes) = bytes_of(q) else {
        return q.to_string();
    };
    const UNITS: [(&str, f64); 3] = [("Gi", 1073741824.0), ("Mi", 1048576.0), ("Ki", 1024.0)];
    for (u, m) in UNITS {
        if bytes >= m {
            let x = bytes / m;
            let pretty = if x >= 10.0 {
                format!("{x:.0}{u}")
            } else {
                format!("{x:.1}{u}")
            };
            return if pretty == q {
                q.to_string()
            } else {
                format!("{q} ({pretty})")
            };
        }
    }
    q.to_string()
}

fn bytes_of(q: &str) -> Option<f64> {
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let n: f64 = q[..split].parse().ok()?;
    let m = match &q[split..] {
        "Ki" => 1024.0,
        "Mi" => 1048576.0,
        "Gi" => 1073741824.0,
        "Ti" => 1099511627776.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        _ => return None,
    };
    Some(n * m)
}

#[cfg(test)]
mod tests {
    use super::{human, parse};
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    const MSG: &str = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 92316Ki. Container app was using 1912484Ki, request is 512Mi, has larger consumption of memory. ";

    fn evicted(name: &str, at: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["status"] = json!({
            "phase": "Failed", "reason": "Evicted", "message": MSG,
            "conditions": [{"type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet", "lastTransitionTime": at}],
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown", "finishedAt": at}}}]
        });
        p
    }

    #[test]
    fn names_the_resource_the_threshold_and_the_usage() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                evicted("rec-1", "2025-06-01T11:19:03Z"),
                pod("shop", "ok-1", "n1"),
            ],
            ..Default::default()
        };
        let a = d.analysis();
        let f = a.findings_of("pod-evicted");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Pod shop/rec-1 was evicted from n1: the node was low on memory (39m ago)"
        );
        assert!(
            f.explanation.contains(
                "available memory, 92316Ki (90Mi), fell below the eviction threshold of 100Mi"
            ),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("container app was using 1912484Ki (1.8Gi) against a request of 512Mi"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["resource"], "memory");
        assert_eq!(f.facts["usage"][0]["container"], "app");
        assert_eq!(f.node.as_deref(), Some("n1"));
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/message")
        );
        // The 137 of the evicted container is not an OOM kill.
        assert!(a.findings_of("oom-killed").is_empty());
    }

    #[test]
    fn old_evictions_are_info_and_other_failures_are_not_evictions() {
        let mut failed = pod("shop", "job-1", "n1");
        failed["status"]["phase"] = "Failed".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![evicted("old-1", "2025-05-20T10:00:00Z"), failed],
            ..Default::default()
        };
        let f = d.findings_of("pod-evicted");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject.name, "old-1");
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn parses_kubelet_messages() {
        let e = parse("The node was low on resource: ephemeral-storage. Container kube-prometheus-stack was using 19212Ki, which exceeds its request of 0.");
        assert_eq!(e.resource.as_deref(), Some("ephemeral-storage"));
        assert_eq!(e.usage[0].using, "19212Ki");
        assert_eq!(e.usage[0].request, "0");
        let e = parse("Pod The node had condition: [DiskPressure]. ");
        assert_eq!(e.condition.as_deref(), Some("DiskPressure"));
        let e =
            parse("Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ");
        assert_eq!(e.resource.as_deref(), Some("ephemeral-storage"));
        assert_eq!(human("100Mi"), "100Mi");
        assert_eq!(human("0"), "0");
    }

    #[test]
    fn demo_finds_the_evicted_recommender() {
        let f = demo_findings_of("pod-evicted");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["pod-evicted:Pod/shop/recommender-84c6f9d7b-8pwqm"]
        );
        assert_eq!(f[0].facts["resource"], "memory");
        assert_eq!(f[0].node.as_deref(), Some("worker-2"));
        assert!(
            f[0].explanation.contains("MemoryPressure"),
            "{}",
            f[0].explanation
        );
    }
}
