//! oom-killed: a container the kernel killed for using too much memory.
//!
//! The runtime records `OOMKilled` as the termination reason when the
//! container's memory cgroup hit its limit. A container killed by a
//! node-wide out-of-memory kill can end with a bare exit code 137 (SIGKILL)
//! instead; that is reported only when the node logged an OOM event
//! (`SystemOOM` from the kubelet, `OOMKilling` from node-problem-detector)
//! within a minute of the container's end, because 137 alone is also what a
//! liveness-probe kill or an eviction leaves.

use crate::analyze::context::{clip, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Container, ContainerStatus, Event, ObjectMeta, Pod, StateTerminated};
use crate::time;

pub struct OomKilled;

/// An OOM kill older than this, of a container that has run since, is
/// history: a warning, not critical.
const RECENT_SECONDS: i64 = 24 * 3600;
/// How close a node OOM event must be to a container's end (exit 137) to
/// count as its cause.
const OOM_EVENT_WINDOW: i64 = 60;

impl Rule for OomKilled {
    fn id(&self) -> &'static str {
        "oom-killed"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Container killed for running out of memory",
            detects: "A container (regular or init) whose current or last termination has reason OOMKilled, or that ended with exit code 137 within a minute of a SystemOOM/OOMKilling event on its node. Critical when the kill is recent (under 24 hours before the snapshot) or the container is not running now; a warning when it is an older kill of a container that has run since, or when only the exit code and a node event point to OOM. Succeeded pods are skipped.",
            evidence: "status.containerStatuses[] / initContainerStatuses[] state.terminated and lastState.terminated (reason, exit code, finish time), restartCount, the container's resources (memory limit and request), the node's MemoryPressure condition and its SystemOOM / OOMKilling events, and the pod's events.",
            why: "With a memory limit, the kernel kills the container as soon as its memory cgroup reaches the limit: the application needs more memory than it was given, leaks, or its runtime sizes its heap from the node instead of the limit (old JVMs, Node.js, Go without GOMEMLIMIT). Without a limit (or with one above what the node can give), the node itself ran out of memory and the kernel picked a victim; pods using more than their request go first.",
            remediation: "Compare the container's real usage (`kubectl top pod --containers`, or your metrics over time) with its limit. Raise resources.limits.memory, and requests.memory to what it really uses so the scheduler places it where there is room; or fix the leak, or cap the runtime's heap below the limit (-XX:MaxRAMPercentage, --max-old-space-size, GOMEMLIMIT). If the node was under memory pressure, look at what else runs there and set requests on pods that have none.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase == "Succeeded" {
                continue;
            }
            let node_oom = node_oom_events(cx, &pod.spec.node_name);
            let statuses = [
                (false, &pod.status.container_statuses),
                (true, &pod.status.init_container_statuses),
            ];
            for (init, list) in statuses {
                for (si, st) in list.iter().enumerate() {
                    if let Some(f) = self.check_container(cx, pi, item, init, si, st, &node_oom) {
                        out.push(f);
                    }
                }
            }
        }
        out
    }
}

/// Which termination of the container the finding is about.
struct Kill<'p> {
    term: &'p StateTerminated,
    /// `state` (the container is terminated now) or `lastState`.
    current: bool,
    /// Reason OOMKilled (true) or exit 137 near a node OOM event (false).
    certain: bool,
}

impl OomKilled {
    #[allow(clippy::too_many_arguments)]
    fn check_container(
        &self,
        cx: &Context<'_>,
        pi: usize,
        item: &Located<Pod>,
        init: bool,
        si: usize,
        st: &ContainerStatus,
        node_oom: &[&Located<Event>],
    ) -> Option<Finding> {
        let pod = &item.obj;
        if pod.status.reason == "Evicted" {
            // Evicted containers end with 137 too; pod-evicted explains them.
            return None;
        }
        let kill = find_kill(st, node_oom)?;
        let t = kill.term;
        let (spec_ptr, spec) = spec_container(pod, init, &st.name);
        let limit = spec.and_then(|c| c.resources.limits.get("memory")).cloned();
        let request = spec
            .and_then(|c| c.resources.requests.get("memory"))
            .cloned();
        let running_now = st.state.running.is_some();
        let age = cx.age(t.finished_at.as_deref());
        let recent = age.is_none_or(|a| a <= RECENT_SECONDS);
        let severity = if kill.certain && (recent || !running_now) {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let ns = &pod.metadata.namespace;
        let kind = if init { "Init container" } else { "Container" };
        let when = t
            .finished_at
            .as_deref()
            .map(|f| match age {
                Some(a) => format!(" at {f} ({} before the snapshot)", time::human(a)),
                None => format!(" at {f}"),
            })
            .unwrap_or_default();

        let mut summary = format!(
            "{kind} {} of pod {ns}/{} was {} (exit code {}",
            st.name,
            pod.metadata.name,
            if kill.certain {
                "OOMKilled"
            } else {
                "killed, probably out of memory"
            },
            t.exit_code
        );
        match &limit {
            Some(l) => summary.push_str(&format!(", memory limit {l})")),
            None => summary.push_str(", no memory limit)"),
        }
        if st.restart_count > 0 {
            summary.push_str(&format!(
                ", {} restart{}",
                st.restart_count,
                if st.restart_count == 1 { "" } else { "s" }
            ));
        }

        let mut explanation = if kill.certain {
            format!(
                "The kernel's out-of-memory killer stopped {} {}{when}: its termination reason is OOMKilled with exit code {} (SIGKILL).",
                kind.to_lowercase(),
                st.name,
                t.exit_code
            )
        } else {
            format!(
                "{kind} {} ended with exit code 137 (SIGKILL){when}, and its node {} reported an out-of-memory kill at the same time (\"{}\"). The runtime did not label it OOMKilled, which happens when the node as a whole ran out of memory rather than the container reaching its own limit.",
                st.name,
                pod.spec.node_name,
                node_oom
                    .iter()
                    .find(|e| near(e, t))
                    .map(|e| clip(&e.obj.message, 200))
                    .unwrap_or_default()
            )
        };
        match (&limit, &request) {
            (Some(l), r) => explanation.push_str(&format!(
                " Its memory limit is {l}{}: when the container's memory use reaches the limit, the kernel kills it, however much memory the node has free.",
                r.as_deref().map(|r| format!(" (request {r})")).unwrap_or_default()
            )),
            (None, Some(r)) => explanation.push_str(&format!(
                " It has no memory limit (request {r}), so this was the node running out of memory: the kernel then kills processes of containers that use more than their request first."
            )),
            (None, None) => explanation.push_str(
                " It has neither a memory limit nor a request, so this was the node running out of memory; containers without a request are the first victims.",
            ),
        }
        let pressure = node_memory_pressure(cx, &pod.spec.node_name);
        if pressure || !node_oom.is_empty() {
            explanation.push_str(&format!(
                " Its node {} {}.",
                pod.spec.node_name,
                match (pressure, node_oom.len()) {
                    (true, 0) => "is under MemoryPressure".to_string(),
                    (true, _) =>
                        "is under MemoryPressure and logged out-of-memory events".to_string(),
                    (false, _) => "logged out-of-memory events".to_string(),
                }
            ));
        }
        if kill.current {
            explanation.push_str(" The container is not running.");
        } else if let Some(r) = &st.state.running {
            explanation.push_str(&format!(
                " It has restarted {} time{} and is running again{}; it will be killed again when its memory grows back to the same point.",
                st.restart_count,
                if st.restart_count == 1 { "" } else { "s" },
                r.started_at.as_deref().map(|s| format!(" since {s}")).unwrap_or_default()
            ));
        } else if let Some(w) = &st.state.waiting {
            explanation.push_str(&format!(
                " It has restarted {} times and now waits ({}).",
                st.restart_count, w.reason
            ));
        }

        let mut remediation = vec![format!(
            "Compare its real memory use with the limit: `kubectl top pod -n {ns} {} --containers`, or the container's memory graph over the hours before the kill.",
            pod.metadata.name
        )];
        match &limit {
            Some(l) => remediation.push(format!(
                "Raise resources.limits.memory above {l} if it legitimately needs more, and set requests.memory to its real use so the scheduler reserves it; or fix the leak."
            )),
            None => remediation.push(
                "Give it a memory request equal to its real use and a limit, so the scheduler reserves the memory and a leak kills only this container.".to_string(),
            ),
        }
        remediation.push(
            "Cap the runtime's heap below the limit: JVM -XX:MaxRAMPercentage=75, Node.js --max-old-space-size, Go GOMEMLIMIT, Python worker counts.".to_string(),
        );
        if pressure || !node_oom.is_empty() {
            remediation.push(format!(
                "Check what else uses memory on {}: `kubectl describe node {}` (Allocated resources, conditions, events).",
                pod.spec.node_name, pod.spec.node_name
            ));
        }

        let state_ptr = format!(
            "{}/{}",
            status_pointer(init, si),
            if kill.current {
                "state/terminated"
            } else {
                "lastState/terminated"
            }
        );
        let mut events = cx.summarize(&cx.events_of("Pod", &pod.metadata));
        let node_events: Vec<&Located<Event>> = node_oom.to_vec();
        events.extend(cx.summarize(&node_events));
        let mut f = Finding::new(self, cx.pod_ref(pod))
            .severity(severity)
            .container(&st.name)
            .workload(cx.workload_of(pi))
            .node(&pod.spec.node_name)
            .summary(summary)
            .explanation(explanation)
            .remediation(remediation)
            .evidence(cx.evidence(
                item,
                &state_ptr,
                Some(format!(
                    "terminated: reason {}, exit code {}{}",
                    if t.reason.is_empty() { "(none)" } else { &t.reason },
                    t.exit_code,
                    t.finished_at.as_deref().map(|x| format!(", finished {x}")).unwrap_or_default()
                )),
            ))
            .fact("exit_code", t.exit_code)
            .fact("reason", &t.reason)
            .fact("termination", if kill.current { "current" } else { "last" })
            .fact("finished_at", &t.finished_at)
            .fact("memory_limit", &limit)
            .fact("memory_request", &request)
            .fact("restart_count", st.restart_count)
            .fact("init_container", init)
            .fact("node_memory_pressure", pressure)
            .fact("node_oom_events", node_oom.len());
        if let Some(p) = spec_ptr {
            f = f.evidence(cx.evidence(
                item,
                &format!("{p}/resources"),
                Some(format!(
                    "limits.memory {}, requests.memory {}",
                    limit.as_deref().unwrap_or("(none)"),
                    request.as_deref().unwrap_or("(none)")
                )),
            ));
        }
        for e in node_oom.iter().filter(|e| near(e, t)) {
            f = f.evidence(cx.evidence(
                e,
                "",
                Some(format!("{}: {}", e.obj.reason, e.obj.message)),
            ));
        }
        if !running_now {
            // The log of a container that is not running is the log of the
            // killed instance: its last lines show what it was doing.
            f = f.log_excerpt(cx.log_tail(pod, &st.name, 10));
        }
        Some(f.events(events))
    }
}

/// The OOM kill of a container, if there is one: reason OOMKilled in the
/// current or last state, else exit 137 next to a node OOM event.
fn find_kill<'p>(st: &'p ContainerStatus, node_oom: &[&Located<Event>]) -> Option<Kill<'p>> {
    let states = [
        (true, st.state.terminated.as_ref()),
        (false, st.last_state.terminated.as_ref()),
    ];
    for (current, t) in states {
        if let Some(t) = t.filter(|t| t.reason == "OOMKilled") {
            return Some(Kill {
                term: t,
                current,
                certain: true,
            });
        }
    }
    for (current, t) in states {
        if let Some(t) = t.filter(|t| {
            t.exit_code == 137
                && t.reason != "ContainerStatusUnknown"
                && node_oom.iter().any(|e| near(e, t))
        }) {
            return Some(Kill {
                term: t,
                current,
                certain: false,
            });
        }
    }
    None
}

/// Is a node OOM event within [`OOM_EVENT_WINDOW`] of a container's end?
fn near(e: &Located<Event>, t: &StateTerminated) -> bool {
    let Some(end) = t.finished_at.as_deref().and_then(time::parse) else {
        return false;
    };
    [e.obj.first_seen(), e.obj.last_seen()]
        .into_iter()
        .flatten()
        .filter_map(time::parse)
        .any(|ts| (ts.as_second() - end.as_second()).abs() <= OOM_EVENT_WINDOW)
}

/// The node's out-of-memory events.
fn node_oom_events<'a>(cx: &Context<'a>, node: &str) -> Vec<&'a Located<Event>> {
    if node.is_empty() {
        return Vec::new();
    }
    // By name only: the kubelet writes node events with involvedObject.uid
    // set to the node's *name*, not its uid, so a lookup by the node's
    // real uid would drop them.
    let meta = ObjectMeta {
        name: node.into(),
        ..Default::default()
    };
    cx.events_of("Node", &meta)
        .into_iter()
        .filter(|e| matches!(e.obj.reason.as_str(), "SystemOOM" | "OOMKilling"))
        .collect()
}

fn node_memory_pressure(cx: &Context<'_>, node: &str) -> bool {
    cx.ix.node(node).is_some_and(|n| {
        n.obj
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "MemoryPressure" && c.status == "True")
    })
}

/// The spec of a container, with its JSON pointer.
fn spec_container<'p>(
    pod: &'p Pod,
    init: bool,
    name: &str,
) -> (Option<String>, Option<&'p Container>) {
    let (list, key) = if init {
        (&pod.spec.init_containers, "initContainers")
    } else {
        (&pod.spec.containers, "containers")
    };
    match list.iter().position(|c| c.name == name) {
        Some(i) => (Some(format!("/spec/{key}/{i}")), Some(&list[i])),
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn oom_pod(name: &str, last: serde_json::Value) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["spec"]["containers"][0]["resources"] =
            json!({"limits": {"memory": "2Gi"}, "requests": {"memory": "512Mi"}});
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": true, "restartCount": 6,
            "state": {"running": {"startedAt": "2025-06-01T11:44:09Z"}},
            "lastState": {"terminated": last}
        });
        p
    }

    #[test]
    fn fires_on_an_oomkilled_last_state_with_limit_and_restarts() {
        let p = oom_pod(
            "rec-1",
            json!({"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2025-06-01T11:43:57Z"}),
        );
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("oom-killed");
        assert_eq!(f.len(), 1, "only the killed container");
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.container.as_deref(), Some("app"));
        assert!(
            f.summary.contains("OOMKilled")
                && f.summary.contains("memory limit 2Gi")
                && f.summary.contains("6 restarts"),
            "{}",
            f.summary
        );
        assert!(f.explanation.contains("request 512Mi"), "{}", f.explanation);
        assert_eq!(f.facts["memory_limit"], "2Gi");
        assert_eq!(f.facts["termination"], "last");
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/lastState/terminated")
        );
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/spec/containers/0/resources")
        );
        assert_eq!(f.id, "oom-killed:Pod/shop/rec-1/app");
    }

    #[test]
    fn exit_137_counts_only_next_to_a_node_oom_event() {
        let near = oom_pod(
            "near-1",
            json!({"exitCode": 137, "reason": "Error", "finishedAt": "2025-06-01T11:57:40Z"}),
        );
        let far = oom_pod(
            "far-1",
            json!({"exitCode": 137, "reason": "Error", "finishedAt": "2025-06-01T09:00:00Z"}),
        );
        let mut oom = event(
            "",
            "Node",
            "n1",
            "Warning",
            "SystemOOM",
            "System OOM encountered, victim process: java, pid: 4242",
            1,
        );
        oom["firstTimestamp"] = "2025-06-01T11:58:00Z".into();
        oom["involvedObject"]["uid"] = "n1".into(); // what kubelets write
        oom["metadata"]["namespace"] = "default".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![near, far],
            events: vec![oom],
            ..Default::default()
        };
        let f = d.findings_of("oom-killed");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        assert_eq!(f[0].subject.name, "near-1");
        assert_eq!(
            f[0].severity,
            Severity::Warning,
            "inferred, not labelled OOMKilled"
        );
        assert!(
            f[0].explanation.contains("victim process: java"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn no_finding_for_healthy_succeeded_or_liveness_killed_pods() {
        let liveness = oom_pod(
            "live-1",
            json!({"exitCode": 137, "reason": "Error", "finishedAt": "2025-06-01T11:43:57Z"}),
        );
        let mut done = oom_pod(
            "job-1",
            json!({"exitCode": 137, "reason": "OOMKilled", "finishedAt": "2025-06-01T11:43:57Z"}),
        );
        done["status"]["phase"] = "Succeeded".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![liveness, done, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        assert!(d.findings_of("oom-killed").is_empty());
    }

    #[test]
    fn demo_finds_the_recommender() {
        let found = demo_findings_of("oom-killed");
        let f: Vec<_> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            f,
            ["oom-killed:Pod/shop/recommender-84c6f9d7b-jx5t2/recommender"]
        );
        let f = found.first().unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.facts["memory_limit"], "2Gi");
        assert_eq!(f.facts["restart_count"], 6);
        assert!(
            f.explanation
                .contains("MemoryPressure and logged out-of-memory events"),
            "{}",
            f.explanation
        );
        assert_eq!(
            f.facts["node_oom_events"], 1,
            "worker-2's SystemOOM at the kill time"
        );
    }
}
