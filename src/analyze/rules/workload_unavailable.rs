//! workload-unavailable: a Deployment, DaemonSet, ReplicaSet or
//! ReplicationController with fewer available replicas than it wants.
//!
//! This file also holds the small pod helpers the workload, service and
//! node rules share (is a pod ready, which pods belong to a workload, why a
//! pod is not ready in one phrase).

use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::index::{WorkloadEntry, WorkloadKind};
use crate::model::{Pod, Workload};

pub struct WorkloadUnavailable;

/// Pods younger than this are still starting: a workload short only of
/// such pods is reported as info, not as a problem.
const STARTING_SECONDS: i64 = 300;

impl Rule for WorkloadUnavailable {
    fn id(&self) -> &'static str {
        "workload-unavailable"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Deployment / DaemonSet / ReplicaSet / ReplicationController"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Workload has fewer available replicas than desired",
            detects: "A Deployment, ReplicaSet or ReplicationController whose status.availableReplicas is below spec.replicas (1 when unset), or a DaemonSet whose status.numberAvailable is below desiredNumberScheduled. Critical when none of at least one desired replica is available, warning when some are; info when the only missing replicas are pods created less than 5 minutes before the snapshot that are still starting without error. Skipped: workloads that want 0 replicas (old ReplicaSets of a rollout), ReplicaSets owned by a Deployment in the dump (the Deployment is reported), and Deployments whose rollout passed its progress deadline (rollout-stuck reports those, with the availability).",
            evidence: "The workload's spec.replicas and status (replicas, readyReplicas, availableReplicas; for DaemonSets desiredNumberScheduled, numberReady, numberAvailable), its conditions (Available, Progressing, ReplicaFailure, also those of a Deployment's ReplicaSets), its events, and its pods found through their ownerReferences, each with the reason it is not ready (waiting reason, unschedulable, node down, terminating).",
            why: "Replicas are missing when their pods do not become ready (a crash loop, an image that cannot be pulled, a missing ConfigMap or Secret, a failing readiness probe, a volume that does not mount), cannot be scheduled (not enough CPU or memory, taints, affinity), sit on a node that is down, or cannot even be created (a ResourceQuota, an admission webhook, Pod Security). The pods listed in the finding carry the specific cause; this finding says what it costs: the workload runs below the capacity it was given.",
            remediation: "Start from the pods listed in the finding and their own findings (crash loop, image pull, unschedulable, …): fix that cause and the controller brings the replicas back. `kubectl -n NS describe deployment NAME` shows the conditions, `kubectl -n NS get pods -l SELECTOR -o wide` the pods and their nodes. If replicas have no pod at all, look at the ReplicaSet's FailedCreate events (quota or admission). To restore service quickly after a bad rollout, `kubectl -n NS rollout undo deployment NAME`.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for w in &cx.ix.workloads {
            if let Some(f) = self.check_one(cx, w) {
                out.push(f);
            }
        }
        out
    }
}

impl WorkloadUnavailable {
    fn check_one(&self, cx: &Context<'_>, w: &WorkloadEntry) -> Option<Finding> {
        let obj = &w.item.obj;
        let meta = &obj.metadata;
        let ns = meta.namespace.as_str();
        if w.kind == WorkloadKind::ReplicaSet && owning_deployment(cx, obj).is_some() {
            return None;
        }
        let counts = Counts::of(w.kind, obj)?;
        if counts.desired <= 0 || counts.available >= counts.desired {
            return None;
        }
        if w.kind == WorkloadKind::Deployment && deadline_exceeded(obj).is_some() {
            return None;
        }
        let kind = w.kind.as_str();
        let subject = crate::model::ObjectRef::new(kind, ns, &meta.name);
        let pods = pods_of(cx, kind, ns, &meta.name);
        let live: Vec<usize> = pods
            .iter()
            .copied()
            .filter(|i| !is_terminal(&cx.ix.pods[*i].obj))
            .collect();
        let not_ready: Vec<usize> = live
            .iter()
            .copied()
            .filter(|i| !is_ready(&cx.ix.pods[*i].obj))
            .collect();
        let missing = (counts.desired - live.len() as i64).max(0);

        let severity = if counts.available == 0 {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let starting = missing == 0
            && !not_ready.is_empty()
            && not_ready
                .iter()
                .all(|i| is_starting(cx, &cx.ix.pods[*i].obj));
        let severity = if starting { Severity::Info } else { severity };

        let noun = if w.kind == WorkloadKind::DaemonSet {
            "pods"
        } else {
            "replicas"
        };
        let mut summary = format!(
            "{kind} {ns}/{} has {} of {} {noun} available",
            meta.name, counts.available, counts.desired
        );
        if let Some(first) = not_ready.first() {
            let p = &cx.ix.pods[*first].obj;
            summary.push_str(&format!("; {}: {}", p.metadata.name, why_not_ready(cx, p)));
            if not_ready.len() > 1 {
                summary.push_str(&format!(" (and {} more not ready)", not_ready.len() - 1));
            }
        } else if missing > 0 {
            summary.push_str(&format!(
                "; {missing} {} no pod",
                if missing == 1 { "has" } else { "have" }
            ));
        }

        let have = match counts.available {
            0 => "none is available".to_string(),
            1 => format!("only 1 is available ({} ready)", counts.ready),
            n => format!("only {n} are available ({} ready)", counts.ready),
        };
        let mut explanation = if w.kind == WorkloadKind::DaemonSet {
            format!(
                "DaemonSet {ns}/{} should run a pod on {} node{}, but {have}.",
                meta.name,
                counts.desired,
                plural(counts.desired),
            )
        } else {
            format!(
                "{kind} {ns}/{} wants {} replica{}, but {have}, so it {}.",
                meta.name,
                counts.desired,
                plural(counts.desired),
                if counts.available == 0 {
                    "serves nothing"
                } else {
                    "runs with reduced capacity"
                }
            )
        };
        if starting {
            explanation.push_str(&format!(
                " Its missing pods were created less than {} minutes before the snapshot and are still starting without an error, so this may resolve by itself.",
                STARTING_SECONDS / 60
            ));
        }
        if !not_ready.is_empty() {
            explanation.push_str(&format!(
                " Not ready: {}.",
                describe_pods(cx, &not_ready, 8)
            ));
        }
        if missing > 0 {
            explanation.push_str(&format!(
                " {missing} of the desired {noun} {} no pod at all in the dump: the controller could not create {} (see the ReplicaFailure condition and FailedCreate events, if any).",
                if missing == 1 { "has" } else { "have" },
                if missing == 1 { "it" } else { "them" }
            ));
        }

        let mut f = Finding::new(self, subject.clone())
            .severity(severity)
            .workload(Some(subject))
            .summary(summary)
            .evidence(cx.evidence(&w.item, "/status", Some(counts.excerpt())));

        // Conditions: the workload's own, and for a Deployment its
        // ReplicaSets' ReplicaFailure (the reason pods are missing).
        let mut failure_messages = Vec::new();
        for (ci, c) in obj.status.conditions.iter().enumerate() {
            let interesting = matches!(
                (c.type_.as_str(), c.status.as_str()),
                ("Available", "False") | ("ReplicaFailure", "True") | ("Progressing", "False")
            );
            if !interesting {
                continue;
            }
            if c.type_ == "ReplicaFailure" {
                failure_messages.push(c.message.clone());
            }
            f = f.evidence(cx.evidence(
                &w.item,
                &format!("/status/conditions/{ci}"),
                Some(format!(
                    "{}={} {}: {}",
                    c.type_, c.status, c.reason, c.message
                )),
            ));
        }
        if w.kind == WorkloadKind::Deployment {
            for rs in owned_replicasets(cx, obj) {
                if let Some((ci, c)) = condition(&rs.item.obj.status.conditions, "ReplicaFailure") {
                    if c.status == "True" && !failure_messages.contains(&c.message) {
                        failure_messages.push(c.message.clone());
                        f = f.evidence(cx.evidence(
                            &rs.item,
                            &format!("/status/conditions/{ci}"),
                            Some(format!("ReplicaFailure=True {}: {}", c.reason, c.message)),
                        ));
                    }
                }
            }
        }
        if let Some(m) = failure_messages.first() {
            explanation.push_str(&format!(" Pod creation fails: \"{}\".", clip(m, 300)));
        }
        for i in not_ready.iter().take(5) {
            let item = &cx.ix.pods[*i];
            let pointer = condition(&item.obj.status.conditions, "Ready")
                .map(|(ci, _)| format!("/status/conditions/{ci}"))
                .unwrap_or_else(|| "/status".to_string());
            f = f.evidence(cx.evidence(
                item,
                &pointer,
                Some(format!(
                    "{}: {}",
                    item.obj.metadata.name,
                    why_not_ready(cx, &item.obj)
                )),
            ));
        }

        let mut steps = Vec::new();
        if !not_ready.is_empty() {
            steps.push(
                "Fix what keeps the listed pods from becoming ready (their own findings name the cause); the controller then restores the replicas."
                    .to_string(),
            );
        }
        if missing > 0 {
            steps.push(format!(
                "Pods are missing entirely: read the FailedCreate events (`kubectl -n {ns} get events --field-selector reason=FailedCreate`) for a ResourceQuota, admission webhook or Pod Security denial."
            ));
        }
        let resource = kind.to_ascii_lowercase();
        steps.push(format!(
            "`kubectl -n {ns} describe {resource} {}` shows the conditions and recent events; `kubectl -n {ns} get pods -o wide` where the pods run.",
            meta.name
        ));
        if w.kind == WorkloadKind::Deployment {
            steps.push(format!(
                "If a recent change broke it, roll back while you investigate: `kubectl -n {ns} rollout undo deployment {}`.",
                meta.name
            ));
        }
        let events = cx.summarize(&cx.events_of(kind, meta));
        Some(
            f.explanation(explanation)
                .remediation(steps)
                .events(events)
                .fact("desired", counts.desired)
                .fact("available", counts.available)
                .fact("ready", counts.ready)
                .fact("missing_pods", missing)
                .fact(
                    "not_ready_pods",
                    not_ready
                        .iter()
                        .map(|i| cx.ix.pods[*i].obj.metadata.name.clone())
                        .collect::<Vec<_>>(),
                ),
        )
    }
}

/// Desired, available and ready replicas of a workload.
pub(crate) struct Counts {
    pub desired: i64,
    pub available: i64,
    pub ready: i64,
    daemonset: bool,
}

impl Counts {
    pub fn of(kind: WorkloadKind, w: &Workload) -> Option<Counts> {
        let s = &w.status;
        match kind {
            WorkloadKind::DaemonSet => Some(Counts {
                desired: s.desired_number_scheduled.unwrap_or(0),
                available: s.number_available.unwrap_or(0),
                ready: s.number_ready.unwrap_or(0),
                daemonset: true,
            }),
            WorkloadKind::Deployment
            | WorkloadKind::ReplicaSet
            | WorkloadKind::ReplicationController => Some(Counts {
                desired: w.spec.replicas.unwrap_or(1),
                available: s.available_replicas.unwrap_or(0),
                ready: s.ready_replicas.unwrap_or(0),
                daemonset: false,
            }),
            _ => None,
        }
    }

    fn excerpt(&self) -> String {
        if self.daemonset {
            format!(
                "desiredNumberScheduled {}, numberAvailable {}, numberReady {}",
                self.desired, self.available, self.ready
            )
        } else {
            format!(
                "spec.replicas {}, availableReplicas {}, readyReplicas {}",
                self.desired, self.available, self.ready
            )
        }
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The Deployment (in the dump) that controls a ReplicaSet.
pub(crate) fn owning_deployment<'a>(cx: &Context<'a>, rs: &Workload) -> Option<&'a WorkloadEntry> {
    let o = rs
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "Deployment")?;
    cx.ix
        .workload(WorkloadKind::Deployment, &rs.metadata.namespace, &o.name)
}

/// The ReplicaSets in the dump that a Deployment owns.
pub(crate) fn owned_replicasets<'a>(cx: &Context<'a>, d: &Workload) -> Vec<&'a WorkloadEntry> {
    cx.ix
        .workloads
        .iter()
        .filter(|w| {
            w.kind == WorkloadKind::ReplicaSet
                && w.item.obj.metadata.namespace == d.metadata.namespace
        })
        .filter(|w| {
            w.item.obj.metadata.owner_references.iter().any(|o| {
                o.kind == "Deployment"
                    && o.name == d.metadata.name
                    && (o.uid.is_empty() || d.metadata.uid.is_empty() || o.uid == d.metadata.uid)
            })
        })
        .collect()
}

/// The Progressing=False / ProgressDeadlineExceeded condition of a
/// Deployment, with its index.
pub(crate) fn deadline_exceeded(d: &Workload) -> Option<(usize, &crate::model::Condition)> {
    condition(&d.status.conditions, "Progressing")
        .filter(|(_, c)| c.status == "False" && c.reason == "ProgressDeadlineExceeded")
}

/// Is the pod's Ready condition True?
pub(crate) fn is_ready(pod: &Pod) -> bool {
    pod.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// Has the pod finished for good (Succeeded or Failed)?
pub(crate) fn is_terminal(pod: &Pod) -> bool {
    matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
}

/// Pods (indices into `ix.pods`) whose owner chain contains the workload.
pub(crate) fn pods_of(cx: &Context<'_>, kind: &str, ns: &str, name: &str) -> Vec<usize> {
    cx.ix
        .pods
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            p.obj.metadata.namespace == ns
                && cx.ix.pod_owners[*i]
                    .iter()
                    .any(|o| o.kind == kind && o.name == name)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The Ready condition of a node when it is not True.
pub(crate) fn node_down<'a>(cx: &Context<'a>, node: &str) -> Option<&'a crate::model::Condition> {
    let n = cx.ix.node(node)?;
    n.obj
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready" && c.status != "True")
}

/// A pod created recently whose containers wait only for the normal
/// start-up steps, without an error.
pub(crate) fn is_starting(cx: &Context<'_>, pod: &Pod) -> bool {
    let young = cx
        .age(pod.metadata.creation_timestamp.as_deref())
        .is_some_and(|a| a < STARTING_SECONDS);
    if !young || pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let benign = |s: &crate::model::ContainerStatus| match &s.state.waiting {
        Some(w) => matches!(
            w.reason.as_str(),
            "ContainerCreating" | "PodInitializing" | ""
        ),
        None => s.last_state.terminated.is_none(),
    };
    let unschedulable =
        condition(&pod.status.conditions, "PodScheduled").is_some_and(|(_, c)| c.status == "False");
    !unschedulable
        && pod
            .status
            .container_statuses
            .iter()
            .chain(&pod.status.init_container_statuses)
            .all(benign)
}

/// Why a pod is not ready, in one phrase without parentheses (it is
/// shown inside them): the node is down, it is terminating, unschedulable,
/// or a container waits, with its reason and the newest Warning event when
/// the reason alone says little (`ContainerCreating`).
pub(crate) fn why_not_ready(cx: &Context<'_>, pod: &Pod) -> String {
    if let Some(c) = node_down(cx, &pod.spec.node_name) {
        return format!(
            "its node {} is not ready, Ready={}",
            pod.spec.node_name, c.status
        );
    }
    if let Some(t) = &pod.metadata.deletion_timestamp {
        return format!("terminating since {t}");
    }
    match pod.status.phase.as_str() {
        "Failed" if pod.status.reason.is_empty() => return "failed".to_string(),
        "Failed" => return format!("failed, reason {}", pod.status.reason),
        "Succeeded" => return "completed".to_string(),
        _ => {}
    }
    if let Some((_, c)) = condition(&pod.status.conditions, "PodScheduled") {
        if c.status == "False" {
            let reason = if c.reason.is_empty() {
                "not scheduled"
            } else {
                c.reason.as_str()
            };
            return if c.message.is_empty() {
                reason.to_string()
            } else {
                format!("{reason}: {}", clip(&c.message, 120))
            };
        }
    }
    if pod.spec.node_name.is_empty() && pod.status.phase == "Pending" {
        return "Pending, not scheduled yet".to_string();
    }
    let waiting =
        |kind: &str, s: &crate::model::ContainerStatus, w: &crate::model::StateWaiting| {
            let mut phrase = format!("{kind} {} waiting in {}", s.name, w.reason);
            // The back-off message only repeats the pod name; others name
            // the missing Secret or the image.
            if !w.message.is_empty() && w.reason != "CrashLoopBackOff" {
                phrase.push_str(&format!(": {}", clip(short_runtime_error(&w.message), 100)));
            }
            if let Some(t) = &s.last_state.terminated {
                phrase.push_str(&format!(", last exit code {}", t.exit_code));
            }
            phrase
        };
    for s in &pod.status.init_container_statuses {
        let sidecar = pod
            .spec
            .init_containers
            .iter()
            .any(|c| c.name == s.name && c.restart_policy.as_deref() == Some("Always"));
        if let Some(w) = &s.state.waiting {
            if w.reason != "PodInitializing" {
                return waiting("init container", s, w);
            }
        }
        if let Some(t) = &s.state.terminated {
            if t.exit_code != 0 {
                return format!(
                    "init container {} exited with code {}, reason {}",
                    s.name, t.exit_code, t.reason
                );
            }
        }
        if sidecar && s.state.running.is_some() && !s.ready {
            return format!("sidecar {} running but not ready", s.name);
        }
    }
    let mut weak = None;
    for s in &pod.status.container_statuses {
        if let Some(w) = &s.state.waiting {
            if matches!(
                w.reason.as_str(),
                "ContainerCreating" | "PodInitializing" | ""
            ) {
                weak.get_or_insert(format!("container {} waiting in {}", s.name, w.reason));
                continue;
            }
            return waiting("container", s, w);
        }
        if let Some(t) = &s.state.terminated {
            return format!(
                "container {} terminated with exit code {}{}",
                s.name,
                t.exit_code,
                if t.reason.is_empty() {
                    String::new()
                } else {
                    format!(", reason {}", t.reason)
                }
            );
        }
        if s.state.running.is_some() && !s.ready {
            weak.get_or_insert(format!("container {} running but not ready", s.name));
        }
    }
    let base = weak.unwrap_or_else(|| match condition(&pod.status.conditions, "Ready") {
        Some((_, c)) if !c.reason.is_empty() => format!("not ready, reason {}", c.reason),
        _ if !pod.status.phase.is_empty() => format!("not ready, phase {}", pod.status.phase),
        _ => "not ready".to_string(),
    });
    let warning = cx
        .events_of("Pod", &pod.metadata)
        .into_iter()
        .rev()
        .find(|e| e.obj.type_ == "Warning");
    match warning {
        Some(e) => format!(
            "{base}, last warning {}: {}",
            e.obj.reason,
            clip(&e.obj.message, 100)
        ),
        None => base,
    }
}

/// The part of a container runtime error a person needs: runc's
/// `… unable to start container process: exec: "wge": executable file not
/// found in $PATH: unknown` becomes `exec: "wge": executable file not
/// found in $PATH`.
pub(crate) fn short_runtime_error(message: &str) -> &str {
    let m = message.trim();
    let m = m
        .rsplit_once("container process: ")
        .map_or(m, |(_, tail)| tail);
    m.strip_suffix(": unknown").unwrap_or(m)
}

/// `a (why), b (why) and 3 more`: at most `max` pods described.
pub(crate) fn describe_pods(cx: &Context<'_>, pods: &[usize], max: usize) -> String {
    let mut parts: Vec<String> = pods
        .iter()
        .take(max)
        .map(|i| {
            let p = &cx.ix.pods[*i].obj;
            format!("{} ({})", p.metadata.name, why_not_ready(cx, p))
        })
        .collect();
    if pods.len() > max {
        parts.push(format!("{} more", pods.len() - max));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::{json, Value};

    fn deployment(ns: &str, name: &str, replicas: i64, available: i64) -> Value {
        json!({
            "metadata": {"name": name, "namespace": ns, "uid": format!("uid-{name}")},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}},
            "status": {"replicas": replicas, "readyReplicas": available, "availableReplicas": available,
                       "conditions": [{"type": "Available", "status": if available >= replicas { "True" } else { "False" },
                                       "reason": "MinimumReplicasUnavailable", "message": "Deployment does not have minimum availability."}]}
        })
    }

    fn replicaset(ns: &str, name: &str, deployment: &str, replicas: i64, available: i64) -> Value {
        json!({
            "metadata": {"name": name, "namespace": ns, "uid": format!("uid-{name}"),
                         "ownerReferences": [{"kind": "Deployment", "name": deployment, "uid": format!("uid-{deployment}"), "controller": true}]},
            "spec": {"replicas": replicas},
            "status": {"replicas": replicas, "readyReplicas": available, "availableReplicas": available}
        })
    }

    fn owned(mut p: Value, rs: &str) -> Value {
        p["metadata"]["ownerReferences"] = json!([{"kind": "ReplicaSet", "name": rs, "uid": format!("uid-{rs}"), "controller": true}]);
        p
    }

    #[test]
    fn fires_on_a_deployment_short_of_replicas_and_names_the_pods() {
        let mut bad = owned(pod("shop", "cart-abc-1", "n1"), "cart-abc");
        bad["status"]["conditions"][0]["status"] = "False".into();
        bad["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 4,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}
        });
        let d = TinyDump {
            nodes: vec![node("n1")],
            deployments: vec![
                deployment("shop", "cart", 3, 1),
                deployment("shop", "web", 2, 2),
            ],
            replicasets: vec![
                replicaset("shop", "cart-abc", "cart", 3, 1),
                replicaset("shop", "web-1", "web", 2, 2),
                replicaset("shop", "web-0", "web", 0, 0),
            ],
            pods: vec![
                bad,
                owned(pod("shop", "cart-abc-2", "n1"), "cart-abc"),
                owned(pod("shop", "web-1-a", "n1"), "web-1"),
                owned(pod("shop", "web-1-b", "n1"), "web-1"),
            ],
            events: vec![event(
                "shop",
                "Deployment",
                "cart",
                "Normal",
                "ScalingReplicaSet",
                "Scaled up replica set cart-abc to 3",
                1,
            )],
            ..Default::default()
        };
        let f = d.findings_of("workload-unavailable");
        assert_eq!(
            f.len(),
            1,
            "only cart; the ReplicaSet is reported through its Deployment: {:#?}",
            f
        );
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning, "1 of 3 is partial");
        assert_eq!(f.subject.kind, "Deployment");
        assert_eq!(f.id, "workload-unavailable:Deployment/shop/cart");
        assert!(
            f.summary.contains("1 of 3 replicas available"),
            "{}",
            f.summary
        );
        assert!(
            f.summary.contains(
                "cart-abc-1: container app waiting in CrashLoopBackOff, last exit code 2"
            ),
            "{}",
            f.summary
        );
        assert!(
            f.explanation
                .contains("cart-abc-1 (container app waiting in CrashLoopBackOff"),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation
                .contains("1 of the desired replicas has no pod"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["missing_pods"], 1);
        assert_eq!(f.facts["not_ready_pods"], json!(["cart-abc-1"]));
        assert_eq!(f.evidence[0].pointer.as_deref(), Some("/items/0/status"));
        assert_eq!(f.events.len(), 1);
    }

    #[test]
    fn critical_when_nothing_is_available_and_quiet_for_healthy_or_scaled_down() {
        let mut ds = json!({
            "metadata": {"name": "agent", "namespace": "kube-system", "uid": "uid-agent"},
            "spec": {},
            "status": {"desiredNumberScheduled": 2, "numberReady": 2, "numberAvailable": 2, "currentNumberScheduled": 2}
        });
        let d = TinyDump {
            nodes: vec![node("n1")],
            deployments: vec![
                deployment("shop", "api", 1, 0),
                deployment("shop", "idle", 0, 0),
            ],
            daemonsets: vec![ds.clone()],
            replication_controllers: vec![
                json!({"metadata": {"name": "rc", "namespace": "shop"}, "spec": {"replicas": 1}, "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1}}),
            ],
            ..Default::default()
        };
        let f = d.findings_of("workload-unavailable");
        assert_eq!(f.len(), 1, "{:#?}", f);
        assert_eq!(f[0].subject.name, "api");
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].summary
                .contains("0 of 1 replicas available; 1 has no pod"),
            "{}",
            f[0].summary
        );

        // A DaemonSet short of a pod on one of its nodes.
        ds["status"]["numberAvailable"] = 1.into();
        ds["status"]["numberReady"] = 1.into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            daemonsets: vec![ds],
            ..Default::default()
        };
        let f = d.findings_of("workload-unavailable");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].summary
                .starts_with("DaemonSet kube-system/agent has 1 of 2 pods available"),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("workload-unavailable");
        let mut got: Vec<(String, String, Severity)> = f
            .iter()
            .map(|f| (f.subject.kind.clone(), f.subject.name.clone(), f.severity))
            .collect();
        got.sort();
        let mut want = vec![(
            "DaemonSet".to_string(),
            "kube-proxy".to_string(),
            Severity::Warning,
        )];
        for d in [
            "analytics",
            "cart",
            "catalog",
            "invoices",
            "orders",
            "payments",
            "search",
        ] {
            want.push(("Deployment".into(), d.into(), Severity::Critical));
        }
        want.push((
            "Deployment".into(),
            "notifications".into(),
            Severity::Warning,
        ));
        want.sort();
        assert_eq!(got, want);
        let find = |name: &str| f.iter().find(|f| f.subject.name == name).unwrap();
        let kp = find("kube-proxy");
        assert!(kp.summary.contains("kube-proxy-lm5tc"), "{}", kp.summary);
        assert!(
            kp.summary.contains("its node worker-3 is not ready"),
            "{}",
            kp.summary
        );
        let n = find("notifications");
        assert!(
            n.explanation.contains("exceeded quota: shop-quota"),
            "{}",
            n.explanation
        );
        assert_eq!(n.facts["missing_pods"], 2);
        let inv = find("invoices");
        assert!(inv.summary.contains("FailedMount"), "{}", inv.summary);
    }
}
