//! readiness-failure: a running container that is not ready because its
//! readiness (or startup) probe keeps failing.
//!
//! Such a pod is running but serves nothing through Services: the
//! endpoints controller takes a pod that is not Ready out of every Service
//! that selects it. The probe (type, path, port) comes from the spec, the
//! kubelet's verdicts from the `Unhealthy` events ("Readiness probe failed:
//! …"). Pods on nodes that are not Ready are left to the node rules (their
//! status is stale), pods being deleted to pod-stuck-terminating, and
//! containers without a readiness probe are skipped unless their startup
//! probe has not passed (`started: false`).

use crate::analyze::context::{clip, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Container, Event};
use crate::time;
use serde_json::Value;

pub struct ReadinessFailure;

/// A container that has run for less than this (and whose probe has not
/// failed in the events) may simply still be starting.
const GRACE_SECONDS: i64 = 120;

impl Rule for ReadinessFailure {
    fn id(&self) -> &'static str {
        "readiness-failure"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Running but not ready: readiness probe failing",
            detects: "A container of a Running pod that is running but not ready, and has a readinessProbe (or a startupProbe that has not passed: started=false). Skipped: pods on nodes whose Ready condition is not True (their status is stale; node rules explain them), pods being deleted, containers without such probes, and containers started less than two minutes ago with no failed-probe events.",
            evidence: "status.containerStatuses[] (ready, started, state.running.startedAt, restartCount), the container's readinessProbe/startupProbe in the spec (type, path, port, timing), the pod's `Unhealthy` events (\"Readiness probe failed: HTTP probe failed with statuscode: 503\"), the node's Ready condition, and the container's log.",
            why: "The application answers its readiness check with an error because a dependency it checks is down (database, search cluster, another service), it is still warming up (slow start, cache loading) longer than the probe allows, the probe points to the wrong path or port, or the probe's timeout is shorter than the application's response time under load.",
            remediation: "Read the probe's failure message and the log. A 5xx status usually means a dependency is failing: fix that. `connection refused` means nothing listens on the probe's port: check the port and the address the app binds to. Timeouts: raise timeoutSeconds or fix the slowness. Wrong path (404): fix the probe. Slow starts: add a startupProbe instead of loosening the readiness probe.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase != "Running" || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            if !node_ready(cx, &pod.spec.node_name) {
                continue;
            }
            for (si, st) in pod.status.container_statuses.iter().enumerate() {
                if st.ready {
                    continue;
                }
                let Some(run) = &st.state.running else {
                    continue;
                };
                let Some(ci) = pod.spec.containers.iter().position(|c| c.name == st.name) else {
                    continue;
                };
                let c = &pod.spec.containers[ci];
                let startup_pending = st.started == Some(false) && c.startup_probe.is_some();
                let (probe_kind, probe) = if startup_pending {
                    ("startup", c.startup_probe.as_ref().unwrap())
                } else if let Some(p) = &c.readiness_probe {
                    ("readiness", p)
                } else {
                    continue;
                };
                let probe = &probe.value();
                let prefix = if startup_pending {
                    "Startup probe"
                } else {
                    "Readiness probe"
                };
                let tag = format!("{{{}}}", st.name);
                let unhealthy: Vec<&Located<Event>> = cx
                    .events_of("Pod", &pod.metadata)
                    .into_iter()
                    .filter(|e| {
                        let fp = &e.obj.involved_object.field_path;
                        e.obj.reason == "Unhealthy"
                            && e.obj.message.starts_with(prefix)
                            && (fp.is_empty() || fp.ends_with(&tag))
                    })
                    .collect();
                let running_for = cx.age(run.started_at.as_deref());
                if unhealthy.is_empty() && running_for.is_none_or(|r| r < GRACE_SECONDS) {
                    continue;
                }
                let ns = &pod.metadata.namespace;
                let name = &pod.metadata.name;
                let described = describe_probe(probe, c);
                let failures: i64 = unhealthy.iter().map(|e| e.obj.occurrences()).sum();
                let newest = unhealthy.last();
                let verdict = newest.map(|e| e.obj.message.clone());

                let summary = format!(
                    "Container {} of pod {ns}/{name} is running but not ready: {probe_kind} probe {described} {}",
                    st.name,
                    match &verdict {
                        Some(m) => format!("fails ({})", clip(strip_prefix(m), 100)),
                        None => "has not passed".to_string(),
                    }
                );
                let mut explanation = format!(
                    "Container {} has been running{} but is not ready: its {probe_kind} probe ({described}{}) {}.",
                    st.name,
                    running_for.map(|r| format!(" for {}", time::human(r))).unwrap_or_default(),
                    timing(probe),
                    if failures > 0 {
                        format!(
                            "failed {failures} time{} according to the events{}",
                            if failures == 1 { "" } else { "s" },
                            newest
                                .and_then(|e| e.obj.last_seen())
                                .map(|t| format!(", last at {t}"))
                                .unwrap_or_default()
                        )
                    } else {
                        "has not passed (the dump holds no Unhealthy events, which expire after an hour)".to_string()
                    }
                );
                if let Some(m) = &verdict {
                    explanation.push_str(&format!(" The kubelet says: \"{}\".", clip(m, 300)));
                    explanation.push_str(meaning(m));
                }
                if startup_pending {
                    explanation.push_str(" Until the startup probe passes, neither the readiness nor the liveness probe runs, and when it exhausts its failureThreshold the kubelet restarts the container.");
                }
                explanation.push_str(" A pod that is not Ready is removed from the endpoints of every Service that selects it, so it receives no Service traffic.");
                if st.restart_count > 0 {
                    explanation.push_str(&format!(" It has restarted {} times.", st.restart_count));
                }
                let tail = cx.log_tail(pod, &st.name, 20);
                if tail.is_some() {
                    explanation
                        .push_str(" The last lines of its log may say which dependency fails.");
                }

                let mut remediation = vec![format!(
                    "Run the probe yourself: `kubectl -n {ns} exec {name} -c {} -- {}` (or port-forward and curl it), and read the log: `kubectl -n {ns} logs {name} -c {}`.",
                    st.name,
                    probe_command(probe, c),
                    st.name
                )];
                remediation.push(fix_for(verdict.as_deref().unwrap_or("")).to_string());
                remediation.push("If the application only needs longer to start, add or lengthen a startupProbe rather than loosening the readiness probe.".to_string());

                let probe_ptr = format!(
                    "/spec/containers/{ci}/{}",
                    if startup_pending {
                        "startupProbe"
                    } else {
                        "readinessProbe"
                    }
                );
                let mut f = Finding::new(self, cx.pod_ref(pod))
                    .container(&st.name)
                    .workload(cx.workload_of(pi))
                    .node(&pod.spec.node_name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation(remediation)
                    .evidence(cx.evidence(
                        item,
                        &status_pointer(false, si),
                        Some(format!(
                            "ready: false, started: {}, running since {}",
                            st.started.map(|s| s.to_string()).unwrap_or_else(|| "?".into()),
                            run.started_at.as_deref().unwrap_or("?")
                        )),
                    ))
                    .evidence(cx.evidence(item, &probe_ptr, Some(described.clone())))
                    .fact("probe", probe_kind)
                    .fact("probe_description", &described)
                    .fact("probe_spec", probe)
                    .fact("failures", failures)
                    .fact("last_message", &verdict)
                    .fact("running_seconds", running_for)
                    .fact("restart_count", st.restart_count);
                if let Some(e) = newest {
                    f = f.evidence(cx.evidence(
                        e,
                        "",
                        Some(format!("Unhealthy: {}", e.obj.message)),
                    ));
                }
                out.push(
                    f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata)))
                        .log_excerpt(tail),
                );
            }
        }
        out
    }
}

/// Is the node Ready? A node missing from the dump is given the benefit of
/// the doubt (a partial dump).
fn node_ready(cx: &Context<'_>, node: &str) -> bool {
    match cx.ix.node(node) {
        None => true,
        Some(n) => n
            .obj
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True"),
    }
}

/// A port of a probe: the number, and for a named port its name
/// (`8080`, `Some("http")`).
fn port(v: Option<&Value>, c: &Container) -> (String, Option<String>) {
    match v {
        Some(Value::Number(n)) => (n.to_string(), None),
        Some(Value::String(s)) => match c.ports.iter().find(|p| p.name == s) {
            Some(p) => (p.container_port.to_string(), Some(format!("port {s}"))),
            None => (
                s.clone(),
                Some("no containerPort has that name".to_string()),
            ),
        },
        _ => ("?".to_string(), None),
    }
}

/// `HTTP GET :8080/ready (port http)`, `TCP :5432`, `exec pg_isready`,
/// `gRPC :9090`.
fn describe_probe(p: &Value, c: &Container) -> String {
    let with_note = |s: String, note: Option<String>| match note {
        Some(n) => format!("{s} ({n})"),
        None => s,
    };
    if let Some(h) = p.get("httpGet") {
        let (num, note) = port(h.get("port"), c);
        with_note(
            format!(
                "{} GET {}:{num}{}",
                h.get("scheme").and_then(Value::as_str).unwrap_or("HTTP"),
                h.get("host").and_then(Value::as_str).unwrap_or(""),
                h.get("path").and_then(Value::as_str).unwrap_or("/")
            ),
            note,
        )
    } else if let Some(t) = p.get("tcpSocket") {
        let (num, note) = port(t.get("port"), c);
        with_note(format!("TCP :{num}"), note)
    } else if let Some(e) = p.get("exec") {
        let cmd: Vec<&str> = e
            .get("command")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        format!("exec {}", clip(&cmd.join(" "), 120))
    } else if let Some(g) = p.get("grpc") {
        let (num, note) = port(g.get("port"), c);
        with_note(format!("gRPC :{num}"), note)
    } else {
        "(unknown type)".to_string()
    }
}

/// `, every 10s, timeout 2s, 3 failures`.
fn timing(p: &Value) -> String {
    let n = |k: &str, d: i64| p.get(k).and_then(Value::as_i64).unwrap_or(d);
    format!(
        ", every {}s, timeout {}s, unready after {} failures",
        n("periodSeconds", 10),
        n("timeoutSeconds", 1),
        n("failureThreshold", 3)
    )
}

/// A command that runs the probe by hand from inside the container.
fn probe_command(p: &Value, c: &Container) -> String {
    let num = |v: Option<&Value>| port(v, c).0;
    if let Some(h) = p.get("httpGet") {
        format!(
            "wget -qO- {}://localhost:{}{}",
            h.get("scheme")
                .and_then(Value::as_str)
                .unwrap_or("HTTP")
                .to_ascii_lowercase(),
            num(h.get("port")),
            h.get("path").and_then(Value::as_str).unwrap_or("/")
        )
    } else if let Some(t) = p.get("tcpSocket") {
        format!("nc -zv localhost {}", num(t.get("port")))
    } else if let Some(e) = p.get("exec") {
        e.get("command")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    } else {
        "<the probe>".to_string()
    }
}

fn strip_prefix(m: &str) -> &str {
    m.strip_prefix("Readiness probe failed: ")
        .or_else(|| m.strip_prefix("Startup probe failed: "))
        .unwrap_or(m)
        .trim()
}

/// What the kubelet's verdict usually means.
fn meaning(m: &str) -> &'static str {
    let l = m.to_ascii_lowercase();
    if l.contains("statuscode: 5") {
        " A 5xx answer means the application is up but reports itself unable to serve, usually because a dependency it checks is failing."
    } else if l.contains("statuscode: 404") {
        " 404 means the probe's path does not exist in the application."
    } else if l.contains("statuscode: 401") || l.contains("statuscode: 403") {
        " 401/403 means the endpoint requires authentication the kubelet does not send."
    } else if l.contains("connection refused") {
        " Connection refused means nothing listens on that port: the wrong port, an application bound to 127.0.0.1 only, or one that has not opened its port yet."
    } else if l.contains("deadline exceeded") || l.contains("timeout") || l.contains("timed out") {
        " A timeout means the application answered slower than the probe's timeoutSeconds, or not at all (overloaded, blocked, or CPU-throttled)."
    } else {
        ""
    }
}

fn fix_for(m: &str) -> &'static str {
    let l = m.to_ascii_lowercase();
    if l.contains("statuscode: 5") {
        "Find the dependency the readiness endpoint checks (the log usually names it) and fix it or its address."
    } else if l.contains("statuscode: 404") {
        "Point the probe at the application's real health path."
    } else if l.contains("connection refused") {
        "Check that the probe's port matches the port the application listens on, and that it binds to 0.0.0.0."
    } else if l.contains("deadline exceeded") || l.contains("timeout") || l.contains("timed out") {
        "Raise timeoutSeconds, or find why the application is slow (CPU limits, a blocked event loop, a slow dependency)."
    } else {
        "Make the probe's check succeed, or fix the probe's definition if it checks the wrong thing."
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn unready(name: &str, node: &str) -> serde_json::Value {
        let mut p = pod("shop", name, node);
        p["spec"]["containers"][0]["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 2, "failureThreshold": 3});
        p["status"]["conditions"][0]["status"] = "False".into();
        p["status"]["containerStatuses"][0]["ready"] = false.into();
        p["status"]["containerStatuses"][0]["started"] = true.into();
        p
    }

    #[test]
    fn fires_with_the_probe_and_the_kubelets_verdict() {
        let mut ev = event(
            "shop",
            "Pod",
            "search-1",
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
            363,
        );
        ev["involvedObject"]["fieldPath"] = "spec.containers{app}".into();
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![unready("search-1", "n1"), pod("shop", "ok-1", "n1")],
            events: vec![ev],
            ..Default::default()
        };
        d.logs.insert(
            ("shop".into(), "search-1".into(), "app".into()),
            b"lookup elasticsearch: no such host\n".to_vec(),
        );
        let f = d.findings_of("readiness-failure");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Container app of pod shop/search-1 is running but not ready: readiness probe HTTP GET :8080/ready (port http) fails (HTTP probe failed with statuscode: 503)"
        );
        assert!(
            f.explanation.contains("receives no Service traffic"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("failed 363 times"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["failures"], 363);
        assert!(
            f.remediation[0].contains("wget -qO- http://localhost:8080/ready"),
            "{:?}",
            f.remediation
        );
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/spec/containers/0/readinessProbe")
        );
        assert_eq!(
            f.log_excerpt.as_ref().unwrap().lines,
            ["lookup elasticsearch: no such host"]
        );
    }

    #[test]
    fn skips_ready_pods_pods_on_lost_nodes_and_containers_without_probes() {
        let mut lost = node("n2");
        lost["status"]["conditions"][0]["status"] = "Unknown".into();
        let mut no_probe = pod("shop", "plain-1", "n1");
        no_probe["status"]["containerStatuses"][0]["ready"] = false.into();
        let mut deleting = unready("old-1", "n1");
        deleting["metadata"]["deletionTimestamp"] = "2025-06-01T11:50:00Z".into();
        let d = TinyDump {
            nodes: vec![node("n1"), lost],
            pods: vec![
                pod("shop", "ok-1", "n1"),
                unready("far-1", "n2"),
                no_probe,
                deleting,
            ],
            ..Default::default()
        };
        assert!(d.findings_of("readiness-failure").is_empty());
    }

    #[test]
    fn demo_finds_search_only() {
        let f = demo_findings_of("readiness-failure");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["readiness-failure:Pod/shop/search-64b7c9d8f-gt4xw/search"]
        );
        assert_eq!(f[0].facts["failures"], 363);
        assert!(f[0]
            .log_excerpt
            .as_ref()
            .unwrap()
            .lines
            .iter()
            .any(|l| l.contains("no such host")));
    }
}
