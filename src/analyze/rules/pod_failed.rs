//! pod-failed: a pod in phase Failed for a reason other than eviction
//! (pod-evicted covers those): a container that exited non-zero under
//! restartPolicy Never/OnFailure, DeadlineExceeded, a node shutdown, an
//! admission rejection (OutOfcpu, NodeAffinity, UnexpectedAdmissionError).
//!
//! Failed pods of Jobs need care, since a Job retries in new pods and the
//! dump holds no Job objects. The rule, decided from the pods alone:
//! - a failed pod whose Job has a Succeeded pod is history: no finding;
//! - so is one with a newer pod of the same Job still Pending or Running
//!   (the retry is under way; other rules report it if it fails too);
//! - otherwise the Job failed (confirmed by a BackoffLimitExceeded or
//!   DeadlineExceeded event on the Job when the events still hold it): a
//!   warning, or info when a later Job of the same CronJob succeeded.
//!
//! Failed pods of long-running workloads (ReplicaSet, StatefulSet,
//! DaemonSet, ReplicationController) are critical: those pods should never
//! finish. Pods stopped by a graceful node shutdown are info.

use crate::analyze::context::{clip, exit_code_meaning, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Event, ObjectMeta, OwnerReference, Pod};
use crate::time;

pub struct PodFailed;

impl Rule for PodFailed {
    fn id(&self) -> &'static str {
        "pod-failed"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Pod failed (not evicted)",
            detects: "A pod in phase Failed whose reason is not Evicted: a container exited non-zero and is not restarted (restartPolicy Never or OnFailure), activeDeadlineSeconds passed (DeadlineExceeded), the node rejected it at admission (OutOfcpu, OutOfmemory, NodeAffinity, UnexpectedAdmissionError), or the node shut down. Not reported: Job pods whose Job has a Succeeded pod or a newer pod still pending or running. Severity: critical for pods of long-running workloads, a warning for failed Jobs and bare pods, info for node shutdowns and for CronJob runs a later run made good.",
            evidence: "status.phase, status.reason and status.message; the terminated state (exit code, reason, message) of each container and init container; the pod's controller (ownerReferences) and the other pods of the same owner; the Job's events (BackoffLimitExceeded, DeadlineExceeded); the failed container's log.",
            why: "For a Job, the task itself failed: the command returned an error (a migration that conflicts with the schema, a missing input, a dependency down), ran longer than its deadline, or was killed for memory. For other pods, the kubelet refused or stopped them: the node lacked the resources the pod was admitted for, its labels no longer matched the pod's node affinity, a device plugin failed, or the node shut down.",
            remediation: "Read the failed container's log and termination message (`kubectl logs POD -c CONTAINER`). For a Job, fix the cause and re-run it (delete and recreate the Job, or `kubectl create job --from=cronjob/NAME`). For admission failures check the node's capacity and labels; the controller replaces the pod. Delete failed pods once understood.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase != "Failed" || pod.status.reason == "Evicted" {
                continue;
            }
            let owner = controller(&pod.metadata.owner_references);
            let job = owner.filter(|o| o.kind == "Job");
            let shutdown = is_shutdown(pod);
            let mut job_events: Vec<&Located<Event>> = Vec::new();
            let mut later_run_succeeded = None;
            let mut other_failed = 0;
            let severity = if let Some(j) = job {
                let siblings: Vec<&Pod> = cx
                    .ix
                    .pods
                    .iter()
                    .map(|p| &p.obj)
                    .filter(|p| {
                        p.metadata.namespace == pod.metadata.namespace
                            && p.metadata.name != pod.metadata.name
                            && controller(&p.metadata.owner_references)
                                .is_some_and(|o| same_owner(o, j))
                    })
                    .collect();
                if siblings.iter().any(|p| p.status.phase == "Succeeded") {
                    continue;
                }
                let created = pod
                    .metadata
                    .creation_timestamp
                    .as_deref()
                    .and_then(time::parse);
                let retried = siblings.iter().any(|p| {
                    matches!(p.status.phase.as_str(), "Pending" | "Running")
                        && p.metadata
                            .creation_timestamp
                            .as_deref()
                            .and_then(time::parse)
                            >= created
                });
                if retried {
                    continue;
                }
                other_failed = siblings
                    .iter()
                    .filter(|p| p.status.phase == "Failed")
                    .count();
                let meta = ObjectMeta {
                    name: j.name.clone(),
                    namespace: pod.metadata.namespace.clone(),
                    uid: j.uid.clone(),
                    ..Default::default()
                };
                job_events = cx
                    .events_of("Job", &meta)
                    .into_iter()
                    .filter(|e| e.obj.type_ == "Warning")
                    .collect();
                later_run_succeeded = later_cronjob_success(cx, pi, pod);
                if shutdown || later_run_succeeded.is_some() {
                    Severity::Info
                } else {
                    Severity::Warning
                }
            } else if shutdown {
                Severity::Info
            } else if owner.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            };

            let ns = &pod.metadata.namespace;
            let name = &pod.metadata.name;
            // Containers that ended badly, init containers first.
            let mut failed: Vec<(bool, usize, &crate::model::ContainerStatus)> = Vec::new();
            for (init, list) in [
                (true, &pod.status.init_container_statuses),
                (false, &pod.status.container_statuses),
            ] {
                for (si, st) in list.iter().enumerate() {
                    if st
                        .state
                        .terminated
                        .as_ref()
                        .is_some_and(|t| t.exit_code != 0)
                    {
                        failed.push((init, si, st));
                    }
                }
            }
            let first = failed.first().copied();
            let reason = if !pod.status.reason.is_empty() {
                pod.status.reason.to_string()
            } else if let Some((_, _, st)) = first {
                let t = st.state.terminated.as_ref().unwrap();
                format!("container {} exited with code {}", st.name, t.exit_code)
            } else {
                "no reason recorded".to_string()
            };
            let finished = pod
                .status
                .container_statuses
                .iter()
                .chain(&pod.status.init_container_statuses)
                .filter_map(|s| {
                    s.state
                        .terminated
                        .as_ref()
                        .and_then(|t| t.finished_at.clone())
                })
                .max();
            let age = cx.age(finished.as_deref());

            let owner_text = owner
                .map(|o| format!(" ({} {})", o.kind, o.name))
                .unwrap_or_default();
            let summary = format!(
                "Pod {ns}/{name}{owner_text} failed: {reason}{}",
                age.map(|a| format!(" ({} ago)", time::human(a)))
                    .unwrap_or_default()
            );

            let mut explanation = format!(
                "The pod is in phase Failed{}: it will not run again.",
                if pod.status.reason.is_empty() {
                    String::new()
                } else {
                    format!(" with reason {}", pod.status.reason)
                }
            );
            if !pod.status.message.trim().is_empty() {
                explanation.push_str(&format!(
                    " Its status message: \"{}\".",
                    clip(pod.status.message.trim(), 300)
                ));
            }
            explanation.push_str(reason_meaning(&pod.status.reason, shutdown));
            for (init, _, st) in &failed {
                let t = st.state.terminated.as_ref().unwrap();
                explanation.push_str(&format!(
                    " {} {} exited with code {} ({}){}{}.",
                    if *init { "Init container" } else { "Container" },
                    st.name,
                    t.exit_code,
                    exit_code_meaning(t.exit_code),
                    if t.reason.is_empty() {
                        String::new()
                    } else {
                        format!(", reason {}", t.reason)
                    },
                    t.finished_at
                        .as_deref()
                        .map(|f| format!(", at {f}"))
                        .unwrap_or_default()
                ));
                if !t.message.trim().is_empty() {
                    explanation.push_str(&format!(
                        " Its termination message: \"{}\".",
                        clip(&one_line(&t.message), 300)
                    ));
                }
            }
            if let Some(j) = job {
                explanation.push_str(&format!(
                    " It belongs to Job {}, which has no Succeeded pod and no retry running{}.",
                    j.name,
                    if other_failed > 0 {
                        format!(
                            " ({other_failed} other failed pod{} of it)",
                            if other_failed == 1 { "" } else { "s" }
                        )
                    } else {
                        String::new()
                    }
                ));
                if let Some(e) = job_events.iter().rev().find(|e| {
                    matches!(
                        e.obj.reason.as_str(),
                        "BackoffLimitExceeded" | "DeadlineExceeded"
                    )
                }) {
                    explanation.push_str(&format!(
                        " The Job controller gave up: {} \"{}\".",
                        e.obj.reason, e.obj.message
                    ));
                }
                if let Some(later) = &later_run_succeeded {
                    explanation.push_str(&format!(" A later run of the same CronJob succeeded ({later}), so this failure is history."));
                }
            } else if let Some(o) = owner {
                if !shutdown {
                    explanation.push_str(&format!(
                        " Its controller {} {} runs pods that should never finish; it creates a replacement, but the cause may hit that one too.",
                        o.kind, o.name
                    ));
                }
            } else {
                explanation.push_str(" It has no controller, so nothing replaces it.");
            }
            let tail = first.and_then(|(_, _, st)| cx.log_tail(pod, &st.name, 20));
            if tail.is_some() {
                explanation.push_str(" The last lines of the failed container's log are below.");
            }

            let mut remediation = Vec::new();
            if let Some((_, _, st)) = first {
                remediation.push(format!(
                    "Read the failed container's log: `kubectl -n {ns} logs {name} -c {}`, and fix the error it shows.",
                    st.name
                ));
            }
            if let Some(j) = job {
                remediation.push(format!(
                    "Re-run the Job after the fix: `kubectl -n {ns} get job {} -o yaml > job.yaml`, delete it and apply it again (a Job's pod template is immutable){}.",
                    j.name,
                    match cx.workload_of(pi) {
                        Some(w) if w.kind == "CronJob" => format!(", or `kubectl -n {ns} create job --from=cronjob/{} {}-manual`", w.name, w.name),
                        _ => String::new(),
                    }
                ));
            }
            if shutdown {
                remediation.push("Nothing to fix in the pod: the node shut down. Delete the leftover pod (`kubectl delete pod`).".to_string());
            } else if pod.status.reason.starts_with("OutOf")
                || pod.status.reason == "UnexpectedAdmissionError"
                || pod.status.reason == "NodeAffinity"
            {
                remediation.push(format!(
                    "Check the node {} (capacity, labels, device plugins): the kubelet refused the pod after the scheduler had placed it there.",
                    pod.spec.node_name
                ));
            }
            remediation.push(format!(
                "Delete the failed pod once understood: `kubectl -n {ns} delete pod {name}`."
            ));

            let mut f = Finding::new(self, cx.pod_ref(pod))
                .severity(severity)
                .workload(cx.workload_of(pi))
                .node(&pod.spec.node_name)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation)
                .evidence(cx.evidence(
                    item,
                    "/status/phase",
                    Some(format!("phase Failed{}", if pod.status.reason.is_empty() { String::new() } else { format!(", reason {}", pod.status.reason) })),
                ))
                .fact("reason", &pod.status.reason)
                .fact("message", &pod.status.message)
                .fact("owner", owner.map(|o| format!("{}/{}", o.kind, o.name)))
                .fact(
                    "failed_containers",
                    failed
                        .iter()
                        .map(|(init, _, st)| {
                            let t = st.state.terminated.as_ref().unwrap();
                            serde_json::json!({"name": st.name, "init": init, "exit_code": t.exit_code, "reason": t.reason})
                        })
                        .collect::<Vec<_>>(),
                )
                .fact("finished_at", &finished)
                .fact("node_shutdown", shutdown);
            for (init, si, st) in &failed {
                let t = st.state.terminated.as_ref().unwrap();
                f = f.evidence(cx.evidence(
                    item,
                    &format!("{}/state/terminated", status_pointer(*init, *si)),
                    Some(format!(
                        "{}: exit code {}, reason {}",
                        st.name, t.exit_code, t.reason
                    )),
                ));
            }
            for e in job_events.iter().filter(|e| {
                matches!(
                    e.obj.reason.as_str(),
                    "BackoffLimitExceeded" | "DeadlineExceeded"
                )
            }) {
                f = f.evidence(cx.evidence(
                    e,
                    "",
                    Some(format!("{}: {}", e.obj.reason, e.obj.message)),
                ));
            }
            let mut events = cx.summarize(&cx.events_of("Pod", &pod.metadata));
            events.extend(cx.summarize(&job_events));
            out.push(f.events(events).log_excerpt(tail));
        }
        out
    }
}

/// The controlling owner reference (`controller: true`), else the first.
fn controller(refs: &[OwnerReference]) -> Option<&OwnerReference> {
    refs.iter()
        .find(|r| r.controller == Some(true))
        .or_else(|| refs.first())
}

fn same_owner(a: &OwnerReference, b: &OwnerReference) -> bool {
    a.kind == b.kind && a.name == b.name && (a.uid.is_empty() || b.uid.is_empty() || a.uid == b.uid)
}

/// Pods stopped by the kubelet's graceful node shutdown.
fn is_shutdown(pod: &Pod) -> bool {
    let m = pod.status.message.to_ascii_lowercase();
    matches!(
        pod.status.reason.as_str(),
        "Shutdown" | "NodeShutdown" | "Terminated"
    ) || m.contains("node shutdown")
        || m.contains("node is shutting down")
}

/// For a pod of a CronJob's Job: the name of a newer Job of the same
/// CronJob that has a Succeeded pod.
fn later_cronjob_success(cx: &Context<'_>, pi: usize, pod: &Pod) -> Option<String> {
    let cron = cx.workload_of(pi).filter(|w| w.kind == "CronJob")?;
    let created = pod
        .metadata
        .creation_timestamp
        .as_deref()
        .and_then(time::parse)?;
    cx.ix.pods.iter().enumerate().find_map(|(i, p)| {
        let p = &p.obj;
        let newer = p
            .metadata
            .creation_timestamp
            .as_deref()
            .and_then(time::parse)
            .is_some_and(|t| t > created);
        (newer && p.status.phase == "Succeeded" && cx.workload_of(i).as_ref() == Some(&cron)).then(
            || {
                controller(&p.metadata.owner_references)
                    .map(|o| format!("Job {}", o.name))
                    .unwrap_or_else(|| p.metadata.name.to_string())
            },
        )
    })
}

/// A multi-line message (a stack trace, a termination message) on one
/// line: runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One sentence on what a Failed pod's status reason means.
fn reason_meaning(reason: &str, shutdown: bool) -> &'static str {
    if shutdown {
        return " The kubelet stopped it during a graceful node shutdown; it is not an application failure.";
    }
    match reason {
        "DeadlineExceeded" => " It ran longer than its activeDeadlineSeconds, so the kubelet stopped it.",
        "NodeLost" => " Its node stopped responding and the pod was marked failed.",
        "UnexpectedAdmissionError" => " The kubelet could not admit it (often a device plugin that failed to allocate a device).",
        "NodeAffinity" => " The kubelet rejected it because the node's labels no longer match the pod's node affinity or selector.",
        r if r.starts_with("OutOf") => " The kubelet rejected it at admission: the node did not have the resources the scheduler had counted on (usually a race with static pods or a changed allocatable).",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn job_pod(name: &str, job: &str, phase: &str, exit: i64, created: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["metadata"]["creationTimestamp"] = created.into();
        p["metadata"]["ownerReferences"] = json!([{"apiVersion": "batch/v1", "kind": "Job", "name": job, "uid": format!("uid-{job}"), "controller": true}]);
        p["spec"]["restartPolicy"] = "Never".into();
        p["status"] = json!({
            "phase": phase,
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                "state": {"terminated": {"exitCode": exit, "reason": if exit == 0 { "Completed" } else { "Error" }, "finishedAt": "2025-06-01T11:40:02Z"}}}]
        });
        p
    }

    #[test]
    fn a_failed_job_with_its_log_and_backoff_event() {
        let mut ev = event(
            "shop",
            "Job",
            "migrate",
            "Warning",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
            1,
        );
        ev["involvedObject"]["uid"] = "uid-migrate".into();
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                job_pod(
                    "migrate-abc",
                    "migrate",
                    "Failed",
                    1,
                    "2025-06-01T11:40:00Z",
                ),
                pod("shop", "ok-1", "n1"),
            ],
            events: vec![ev],
            ..Default::default()
        };
        d.logs.insert(
            ("shop".into(), "migrate-abc".into(), "app".into()),
            b"ERROR: relation \"orders_v2\" already exists\n".to_vec(),
        );
        let f = d.findings_of("pod-failed");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Pod shop/migrate-abc (Job migrate) failed: container app exited with code 1 (18m ago)"
        );
        assert!(
            f.explanation.contains("BackoffLimitExceeded"),
            "{}",
            f.explanation
        );
        assert_eq!(
            f.log_excerpt.as_ref().unwrap().lines,
            ["ERROR: relation \"orders_v2\" already exists"]
        );
        assert_eq!(f.facts["failed_containers"][0]["exit_code"], 1);
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/state/terminated")
        );
    }

    #[test]
    fn jobs_that_succeeded_or_retry_are_history_and_succeeded_pods_are_fine() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                job_pod("a-1", "a", "Failed", 1, "2025-06-01T11:00:00Z"),
                job_pod("a-2", "a", "Succeeded", 0, "2025-06-01T11:05:00Z"),
                job_pod("b-1", "b", "Failed", 1, "2025-06-01T11:00:00Z"),
                job_pod("b-2", "b", "Running", 0, "2025-06-01T11:05:00Z"),
                job_pod("c-1", "c", "Succeeded", 0, "2025-06-01T11:05:00Z"),
            ],
            ..Default::default()
        };
        let f: Vec<_> = d
            .findings_of("pod-failed")
            .into_iter()
            .map(|f| f.subject.name)
            .collect();
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn grades_workload_pods_and_node_shutdowns() {
        let mut rs = pod("shop", "web-1", "n1");
        rs["metadata"]["ownerReferences"] =
            json!([{"kind": "ReplicaSet", "name": "web-5c7f8", "uid": "u1", "controller": true}]);
        rs["status"] = json!({"phase": "Failed", "reason": "OutOfcpu", "message": "Pod was rejected: Node didn't have enough resource: cpu, requested: 500, used: 3800, capacity: 4000"});
        let mut down = pod("shop", "web-2", "n1");
        down["metadata"]["ownerReferences"] =
            json!([{"kind": "ReplicaSet", "name": "web-5c7f8", "uid": "u1", "controller": true}]);
        down["status"] = json!({"phase": "Failed", "reason": "Terminated", "message": "Pod was terminated in response to imminent node shutdown."});
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![rs, down],
            ..Default::default()
        };
        let f = d.findings_of("pod-failed");
        let got: Vec<(&str, Severity)> = f
            .iter()
            .map(|f| (f.subject.name.as_str(), f.severity))
            .collect();
        assert!(got.contains(&("web-1", Severity::Critical)), "{got:?}");
        assert!(got.contains(&("web-2", Severity::Info)), "{got:?}");
    }

    #[test]
    fn demo_finds_db_migrate_only() {
        let f = demo_findings_of("pod-failed");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["pod-failed:Pod/shop/db-migrate-8tqzk"]
        );
        let f = &f[0];
        assert!(
            f.explanation.contains("BackoffLimitExceeded"),
            "{}",
            f.explanation
        );
        assert!(f
            .log_excerpt
            .as_ref()
            .unwrap()
            .lines
            .iter()
            .any(|l| l.contains("already exists")));
    }
}
