//! frequent-restarts: a container that has restarted many times, with its
//! last termination explained.
//!
//! The restart count is the long view that the other container rules lack:
//! a container that crashes, recovers and crashes again an hour later is
//! never "in CrashLoopBackOff" when the dump is taken, yet it is failing.
//! It fires for every container with at least [`THRESHOLD`] restarts, and
//! grades by what the restarts mean now:
//! - warning: running now, last restart within a day (it recovers, but
//!   keeps dying);
//! - info: currently down (another rule, e.g. crash-loop-backoff or
//!   init-container-failure, reports that as the failure), or the last
//!   restart is more than a day old, or it came from a node or runtime
//!   restart (reason Unknown, exit code 255) rather than from the container.
//!
//! Finished pods (Succeeded, Failed) are skipped: their counts are history.

use crate::analyze::context::{clip, exit_code_meaning, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::ContainerStatus;
use crate::time;

pub struct FrequentRestarts;

/// Restarts from which a container is reported. Three or four restarts
/// over a pod's life are common after node maintenance; five is a pattern.
const THRESHOLD: i64 = 5;
/// A last restart older than this is history (info).
const RECENT_SECONDS: i64 = 24 * 3600;

impl Rule for FrequentRestarts {
    fn id(&self) -> &'static str {
        "frequent-restarts"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Container restarts frequently",
            detects: "A container or init container of a pod that has not finished with restartCount of 5 or more. A warning when it is running now and last restarted within 24 hours (it recovers but keeps dying); info when it is currently down (crash-loop-backoff or init-container-failure report that), when the last restart is older than a day, or when the last termination was a node or runtime restart (reason Unknown, exit 255). The last termination's reason and exit code are explained.",
            evidence: "status.containerStatuses[] / initContainerStatuses[]: restartCount, state, lastState.terminated (reason, exit code, message, finish time); the pod's creation time (to compute a rate); `Unhealthy` liveness-probe events and `BackOff` events about the container.",
            why: "Each restart is the container's process ending: the application crashed (exit 1, 2, a panic), was killed for memory (137 OOMKilled), was killed by a failing liveness probe (137 after Unhealthy events), exited successfully although it should keep running (0, Completed), or the node or container runtime restarted (255, Unknown). A steady count over days points to a leak or a periodic dependency failure.",
            remediation: "Read the previous instance's log (`kubectl logs POD -c CONTAINER --previous`) and the last termination's reason. OOMKilled: raise the memory limit or fix the leak. Liveness kills: make the probe more tolerant (timeoutSeconds, failureThreshold) or fix what makes the app unresponsive. Exit 0: the process is not a server; make it run in the foreground, or use a Job. Unknown/255: look at the node's reboots and the runtime's health.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        // When each node (or its container runtime) restarted: the finish
        // times of terminations with reason Unknown / exit 255, which is
        // what every container on a rebooted node reports.
        let mut reboots: std::collections::BTreeMap<&str, Vec<i64>> = Default::default();
        for p in &cx.ix.pods {
            for st in p
                .obj
                .status
                .container_statuses
                .iter()
                .chain(&p.obj.status.init_container_statuses)
            {
                for t in [&st.state.terminated, &st.last_state.terminated]
                    .into_iter()
                    .flatten()
                {
                    if t.reason == "Unknown" || t.exit_code == 255 {
                        if let Some(ts) = t.finished_at.as_deref().and_then(crate::time::parse) {
                            reboots
                                .entry(p.obj.spec.node_name.as_str())
                                .or_default()
                                .push(ts.as_second());
                        }
                    }
                }
            }
        }
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
                continue;
            }
            let statuses = [
                (false, &pod.status.container_statuses),
                (true, &pod.status.init_container_statuses),
            ];
            for (init, list) in statuses {
                for (si, st) in list.iter().enumerate() {
                    if st.restart_count < THRESHOLD {
                        continue;
                    }
                    let ns = &pod.metadata.namespace;
                    let name = &pod.metadata.name;
                    let last = st.last_state.terminated.as_ref();
                    let last_age = last.and_then(|t| cx.age(t.finished_at.as_deref()));
                    let pod_age = cx.age(pod.metadata.creation_timestamp.as_deref());
                    let per_day = pod_age
                        .filter(|a| *a > 0)
                        .map(|a| st.restart_count as f64 * 86_400.0 / a as f64);
                    let state = state_of(st);
                    let node_restart =
                        last.is_some_and(|t| t.reason == "Unknown" || t.exit_code == 255);
                    let down = st.state.running.is_none()
                        && !matches!(st.state.terminated.as_ref(), Some(t) if t.exit_code == 0);
                    let recent = last_age.is_some_and(|a| a <= RECENT_SECONDS);
                    // A container that last stopped within minutes after its
                    // node rebooted restarted with the node, not on its own.
                    let after_reboot = last
                        .and_then(|t| t.finished_at.as_deref())
                        .and_then(crate::time::parse)
                        .is_some_and(|t| {
                            reboots.get(pod.spec.node_name.as_str()).is_some_and(|r| {
                                r.iter().any(|b| (-10..=300).contains(&(t.as_second() - b)))
                            })
                        });
                    // Up for six hours since: it recovered and stays up.
                    let stable = st
                        .state
                        .running
                        .as_ref()
                        .and_then(|r| cx.age(r.started_at.as_deref()))
                        .is_some_and(|a| a > 6 * 3600);
                    let node_restart = node_restart || after_reboot;
                    let severity = if !down && recent && !node_restart && !stable {
                        Severity::Warning
                    } else {
                        Severity::Info
                    };
                    let tag = format!("{{{}}}", st.name);
                    let liveness_kills: i64 = cx
                        .events_of("Pod", &pod.metadata)
                        .iter()
                        .filter(|e| {
                            e.obj.reason == "Unhealthy"
                                && e.obj.message.starts_with("Liveness probe")
                                && (e.obj.involved_object.field_path.is_empty()
                                    || e.obj.involved_object.field_path.ends_with(&tag))
                        })
                        .map(|e| e.obj.occurrences())
                        .sum();
                    let kind = if init { "Init container" } else { "Container" };

                    let mut summary = format!(
                        "{kind} {} of pod {ns}/{name} has restarted {} times",
                        st.name, st.restart_count
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
                    }
                    if let Some(a) = last_age {
                        summary.push_str(&format!(", {} ago", time::human(a)));
                    }

                    let mut explanation = format!(
                        "{kind} {} has restarted {} times",
                        st.name, st.restart_count
                    );
                    if let (Some(a), Some(r)) = (pod_age, per_day) {
                        explanation.push_str(&format!(
                            " since the pod was created {} before the snapshot (about {} a day)",
                            time::human(a),
                            if r >= 10.0 {
                                format!("{r:.0}")
                            } else {
                                format!("{r:.1}")
                            }
                        ));
                    }
                    explanation.push('.');
                    if let Some(t) = last {
                        explanation.push_str(&format!(
                            " Its previous run ended{} with exit code {} ({}){}.",
                            t.finished_at
                                .as_deref()
                                .map(|f| format!(" at {f}"))
                                .unwrap_or_default(),
                            t.exit_code,
                            exit_code_meaning(t.exit_code),
                            if t.reason.is_empty() {
                                String::new()
                            } else {
                                format!(", reason {}", t.reason)
                            }
                        ));
                        explanation.push_str(reason_meaning(
                            &t.reason,
                            t.exit_code,
                            liveness_kills,
                        ));
                        if !t.message.trim().is_empty() {
                            explanation.push_str(&format!(
                                " Its termination message: \"{}\".",
                                clip(&one_line(&t.message), 300)
                            ));
                        }
                    } else {
                        explanation.push_str(" The dump does not hold its last termination.");
                    }
                    explanation.push(' ');
                    explanation.push_str(&match (&state, down) {
                        (State::Running(since), _) => format!(
                            "It is running again{}, so it recovers each time, but it keeps dying.",
                            since.as_deref().map(|s| format!(" since {s}")).unwrap_or_default()
                        ),
                        (State::Waiting(r), _) => format!("It is down now, waiting in {r}; the finding for that state explains the current failure."),
                        (State::Terminated(c), true) => format!("It is terminated now with exit code {c}."),
                        (_, _) => "It has finished.".to_string(),
                    });
                    if node_restart {
                        explanation.push_str(" Reason Unknown / exit code 255 is what a container gets when the node or its container runtime restarted under it, so these restarts may say more about the node than about the application.");
                    }

                    let mut remediation = vec![format!(
                        "Read the log of the instance that ended: `kubectl -n {ns} logs {name} -c {} --previous`.",
                        st.name
                    )];
                    remediation.push(match last.map(|t| (t.reason.as_str(), t.exit_code)) {
                        Some(("OOMKilled", _)) => "It was killed for memory: raise its memory limit or fix the leak (see the oom-killed finding).".to_string(),
                        Some((_, 137)) if liveness_kills > 0 => "Its liveness probe kills it: check the probe's timeoutSeconds and failureThreshold against how long the app can be busy, and why it stops answering.".to_string(),
                        Some((_, 0)) => "It exits successfully although its restartPolicy restarts it: make the process stay in the foreground, or run it as a Job.".to_string(),
                        Some(("Unknown", _)) | Some((_, 255)) => format!("Check the node {}: its reboots, kubelet and container runtime restarts (`kubectl describe node`).", pod.spec.node_name),
                        _ => "Fix the error the log and termination message show; if restarts cluster at certain times, look for a dependency that fails then.".to_string(),
                    });

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
                            &status_pointer(init, si),
                            Some(format!(
                                "restartCount: {}, state: {}",
                                st.restart_count,
                                state.text()
                            )),
                        ))
                        .fact("restart_count", st.restart_count)
                        .fact(
                            "restarts_per_day",
                            per_day.map(|r| (r * 10.0).round() / 10.0),
                        )
                        .fact("state", state.text())
                        .fact("init_container", init)
                        .fact("liveness_failures", liveness_kills);
                    if let Some(t) = last {
                        f = f
                            .evidence(cx.evidence(
                                item,
                                &format!("{}/lastState/terminated", status_pointer(init, si)),
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
                            .fact("last_exit_code", t.exit_code)
                            .fact("last_reason", &t.reason)
                            .fact("last_finished_at", &t.finished_at);
                    }
                    out.push(f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata))));
                }
            }
        }
        out
    }
}

enum State {
    Running(Option<String>),
    Waiting(String),
    Terminated(i64),
    Unknown,
}

impl State {
    fn text(&self) -> String {
        match self {
            State::Running(_) => "running".to_string(),
            State::Waiting(r) => format!("waiting ({r})"),
            State::Terminated(c) => format!("terminated (exit code {c})"),
            State::Unknown => "unknown".to_string(),
        }
    }
}

fn state_of(st: &ContainerStatus) -> State {
    if let Some(r) = &st.state.running {
        State::Running(r.started_at.as_ref().map(|t| t.to_string()))
    } else if let Some(w) = &st.state.waiting {
        State::Waiting(w.reason.to_string())
    } else if let Some(t) = &st.state.terminated {
        State::Terminated(t.exit_code)
    } else {
        State::Unknown
    }
}

/// A multi-line message (a stack trace, a termination message) on one
/// line: runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One sentence on what a termination reason means for restarts.
fn reason_meaning(reason: &str, exit: i64, liveness_failures: i64) -> &'static str {
    match (reason, exit) {
        ("OOMKilled", _) => " The kernel killed it for exceeding its memory limit.",
        ("Completed", 0) | (_, 0) => " The process exited successfully, and the pod's restartPolicy started it again.",
        ("Unknown", _) | (_, 255) => "",
        (_, 137) if liveness_failures > 0 => " Its liveness probe failed before (see the Unhealthy events): the kubelet killed it.",
        (_, 137) => " SIGKILL without OOMKilled: a liveness-probe kill, a kill after the termination grace period, or a node-level out-of-memory kill.",
        (_, 143) => " It was asked to stop (SIGTERM): a liveness-probe restart, or something stopping it from outside.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn restarted(
        name: &str,
        count: i64,
        state: serde_json::Value,
        last: serde_json::Value,
    ) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["metadata"]["creationTimestamp"] = "2025-05-30T12:00:00Z".into();
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": true, "restartCount": count, "state": state, "lastState": {"terminated": last}
        });
        p
    }

    #[test]
    fn a_running_container_that_keeps_dying_is_a_warning() {
        let p = restarted(
            "api-1",
            8,
            json!({"running": {"startedAt": "2025-06-01T11:30:00Z"}}),
            json!({"exitCode": 2, "reason": "Error", "message": "panic: nil map", "finishedAt": "2025-06-01T11:29:50Z"}),
        );
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("frequent-restarts");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.summary, "Container app of pod shop/api-1 has restarted 8 times; last exit code 2 (Error), 29m ago");
        assert!(
            f.explanation.contains("about 4.0 a day"),
            "{}",
            f.explanation
        );
        assert!(f.explanation.contains("Go panic"), "{}", f.explanation);
        assert!(
            f.explanation.contains("panic: nil map"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["last_exit_code"], 2);
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/lastState/terminated")
        );
    }

    #[test]
    fn grades_crash_loops_node_restarts_and_few_restarts() {
        let looping = restarted(
            "loop-1",
            9,
            json!({"waiting": {"reason": "CrashLoopBackOff"}}),
            json!({"exitCode": 1, "reason": "Error", "finishedAt": "2025-06-01T11:55:00Z"}),
        );
        let rebooted = restarted(
            "sys-1",
            6,
            json!({"running": {"startedAt": "2025-06-01T11:00:00Z"}}),
            json!({"exitCode": 255, "reason": "Unknown", "finishedAt": "2025-06-01T10:59:00Z"}),
        );
        let few = restarted(
            "few-1",
            4,
            json!({"running": {"startedAt": "2025-06-01T11:00:00Z"}}),
            json!({"exitCode": 1, "reason": "Error", "finishedAt": "2025-06-01T10:59:00Z"}),
        );
        let mut done = restarted(
            "job-1",
            7,
            json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
            json!({"exitCode": 1}),
        );
        done["status"]["phase"] = "Succeeded".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![looping, rebooted, few, done],
            ..Default::default()
        };
        let f = d.findings_of("frequent-restarts");
        let got: Vec<(&str, Severity)> = f
            .iter()
            .map(|f| (f.subject.name.as_str(), f.severity))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.contains(&("loop-1", Severity::Info)), "{got:?}");
        assert!(got.contains(&("sys-1", Severity::Info)), "{got:?}");
    }

    #[test]
    fn demo_finds_the_four_restarting_containers() {
        let found = demo_findings_of("frequent-restarts");
        let mut f: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        f.sort();
        assert_eq!(
            f,
            [
                "frequent-restarts:Pod/shop/cart-7c9f8b6d5-x2x9k/cart",
                "frequent-restarts:Pod/shop/catalog-5b9c8d7f6-lp4rz/fetch-assets",
                "frequent-restarts:Pod/shop/payments-5f4d8c7b9-qz8nm/payments",
                "frequent-restarts:Pod/shop/recommender-84c6f9d7b-jx5t2/recommender",
            ]
        );
        let rec = found
            .iter()
            .find(|f| f.id == "frequent-restarts:Pod/shop/recommender-84c6f9d7b-jx5t2/recommender")
            .unwrap();
        assert_eq!(
            rec.severity,
            Severity::Warning,
            "running again, last OOM kill 16 minutes ago"
        );
        assert_eq!(rec.facts["last_reason"], "OOMKilled");
    }
}
