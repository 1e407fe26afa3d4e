//! crash-loop-backoff: a container that keeps crashing.

use crate::analyze::context::{container_status, exit_code_meaning, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};

pub struct CrashLoopBackoff;

impl Rule for CrashLoopBackoff {
    fn id(&self) -> &'static str {
        "crash-loop-backoff"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Container in CrashLoopBackOff",
            detects: "A regular container waiting in CrashLoopBackOff: it started, exited, and the kubelet now waits longer and longer (up to 5 minutes) before each restart. Init containers are covered by init-container-failure.",
            evidence: "status.containerStatuses[].state.waiting (reason CrashLoopBackOff), lastState.terminated (reason, exit code, message, finish time), restartCount, the pod's BackOff events, and the container's log, which for a crash-looping container is the log of the instance that crashed.",
            why: "The application or its command exits: a crash (panic, unhandled exception, segfault), a missing configuration or dependency at start-up, a wrong command or entrypoint, or a liveness probe that kills it. The exit code narrows it down: 1 or 2 an application error, 126 not executable, 127 command not found, 137 SIGKILL (often out of memory), 139 a segmentation fault, 143 SIGTERM.",
            remediation: "Read the last lines of the log and the termination message; fix the error they show (configuration, a dependency the app cannot reach, a bug). If the exit code is 137 with reason OOMKilled, raise the memory limit or fix the leak. If a liveness probe kills it, check the probe's path, port and timing. Reproduce with the same image and command locally.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            for c in &pod.spec.containers {
                let Some((init, si, st)) = container_status(pod, &c.name) else {
                    continue;
                };
                if init {
                    continue;
                }
                let Some(w) = &st.state.waiting else { continue };
                if w.reason != "CrashLoopBackOff" {
                    continue;
                }
                let last = st.last_state.terminated.as_ref();
                let mut summary = format!(
                    "Container {} of pod {}/{} keeps crashing (CrashLoopBackOff, {} restarts)",
                    c.name, pod.metadata.namespace, pod.metadata.name, st.restart_count
                );
                let mut explanation = format!(
                    "The container started and exited {} times; the kubelet now waits before each restart (back-off up to 5 minutes), so the pod is not serving.",
                    st.restart_count
                );
                if let Some(t) = last {
                    summary.push_str(&format!(
                        "; last exit code {}{}",
                        t.exit_code,
                        if t.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", t.reason)
                        }
                    ));
                    explanation.push_str(&format!(
                        " Its last run ended with exit code {} ({}){}.",
                        t.exit_code,
                        exit_code_meaning(t.exit_code),
                        if t.reason.is_empty() {
                            String::new()
                        } else {
                            format!(", reason {}", t.reason)
                        }
                    ));
                    if t.reason == "OOMKilled" {
                        explanation.push_str(
                            " The kernel killed it for using more memory than its limit.",
                        );
                    }
                    if !t.message.trim().is_empty() {
                        explanation.push_str(&format!(
                            " Its termination message says: \"{}\".",
                            crate::analyze::context::clip(
                                &t.message.split_whitespace().collect::<Vec<_>>().join(" "),
                                300
                            )
                        ));
                    }
                }
                // The failure signature in the crashed instance's log, which
                // usually names the cause better than the exit code.
                let signature = cx.log_signature(pod, &c.name);
                if let Some((title, what, line)) = &signature {
                    explanation
                        .push_str(&format!(" Its log shows a {title} (line {line}): {what}"));
                    if !explanation.ends_with('.') {
                        explanation.push('.');
                    }
                }
                let tail = cx.log_tail(pod, &c.name, 20);
                match (&tail, cx.log_of(pod, &c.name)) {
                    (Some(_), _) => explanation.push_str(
                        " The log below is from the instance that crashed (the kubelet serves the last terminated instance of a crash-looping container).",
                    ),
                    (None, Some(s)) if s.fetch_error.is_some() => explanation
                        .push_str(" Its log could not be fetched when the dump was taken."),
                    _ => explanation.push_str(" The dump holds no log for it."),
                }
                let events = cx.summarize(&cx.events_of("Pod", &pod.metadata));
                let mut f = Finding::new(self, cx.pod_ref(pod))
                    .container(&c.name)
                    .workload(cx.workload_of(pi))
                    .node(&pod.spec.node_name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation([
                        "Read the log lines and termination message below; fix the error they show (configuration, a dependency it cannot reach, a bug).",
                        "If the exit code is 137 or the reason OOMKilled, raise the memory limit or fix the leak.",
                        "If a liveness probe kills it, check the probe's path, port and initialDelaySeconds.",
                        "Run the same image and command locally, or `kubectl logs --previous`, to reproduce.",
                    ])
                    .evidence(cx.evidence(
                        item,
                        &format!("{}/state/waiting", status_pointer(false, si)),
                        Some(format!("waiting: {} {}", w.reason, w.message)),
                    ))
                    .events(events)
                    .log_excerpt(tail)
                    .fact("restart_count", st.restart_count);
                if let Some((title, _, line)) = &signature {
                    f = f
                        .fact("log_signature", title)
                        .fact("log_signature_line", line);
                }
                if let Some(t) = last {
                    f = f
                        .evidence(cx.evidence(
                            item,
                            &format!("{}/lastState/terminated", status_pointer(false, si)),
                            Some(format!(
                                    "terminated: exit code {}, reason {}{}",
                                    t.exit_code,
                                    t.reason,
                                    t.finished_at
                                        .as_deref()
                                        .map(|x| format!(", finished {x}"))
                                        .unwrap_or_default()
                                )),
                        ))
                        .fact("exit_code", t.exit_code)
                        .fact("reason", &t.reason);
                }
                out.push(f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    #[test]
    fn fires_on_a_crash_looping_container_with_its_log_and_exit_code() {
        let mut p = pod("shop", "cart-1", "n1");
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 9,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
            "lastState": {"terminated": {"exitCode": 2, "reason": "Error", "finishedAt": "2025-06-01T11:54:31Z"}}
        });
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        d.logs.insert(
            ("shop".into(), "cart-1".into(), "app".into()),
            b"starting\npanic: boom\n".to_vec(),
        );
        let f = d.findings_of("crash-loop-backoff");
        assert_eq!(f.len(), 1, "only the crashing pod");
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.container.as_deref(), Some("app"));
        assert!(f.summary.contains("exit code 2"), "{}", f.summary);
        assert!(f.explanation.contains("Go panic"), "{}", f.explanation);
        let tail = f.log_excerpt.as_ref().unwrap();
        assert_eq!(tail.lines, ["starting", "panic: boom"]);
        assert_eq!(tail.first_line, 2, "line 1 is the START marker");
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/state/waiting")
        );
        assert_eq!(f.id, "crash-loop-backoff:Pod/shop/cart-1/app");
    }
}
