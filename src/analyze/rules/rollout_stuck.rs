//! rollout-stuck: a Deployment whose rollout passed its progress deadline.

use super::workload_unavailable::{
    deadline_exceeded, describe_pods, is_ready, is_terminal, owned_replicasets, pods_of,
    why_not_ready, Counts,
};
use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::index::{WorkloadEntry, WorkloadKind};
use crate::model::ObjectRef;
use regex::Regex;
use std::sync::LazyLock;

pub struct RolloutStuck;

/// `ReplicaSet "frontend-7d8f9b6c5" has timed out progressing.`
static NEW_RS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"ReplicaSet "([^"]+)""#).unwrap());

/// The Deployment controller's default `spec.progressDeadlineSeconds`.
const DEFAULT_DEADLINE: i64 = 600;

impl Rule for RolloutStuck {
    fn id(&self) -> &'static str {
        "rollout-stuck"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Deployment"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Deployment rollout stuck past its progress deadline",
            detects: "A Deployment whose Progressing condition is False with reason ProgressDeadlineExceeded: its newest ReplicaSet made no progress for spec.progressDeadlineSeconds (600 s by default). Critical when the Deployment also has fewer available replicas than desired (a first rollout that never came up, or one that already took old pods away); warning when the old ReplicaSets still serve every desired replica, so users see the old version but nothing is down. Such Deployments are reported here only, not also by workload-unavailable; the availability is part of this finding.",
            evidence: "The Deployment's Progressing condition (reason, message naming the new ReplicaSet, last update), spec.replicas and status (available, updated replicas), its ReplicaSets (the new one from the message, else the one with the highest deployment.kubernetes.io/revision; the old ones that still run pods), the new ReplicaSet's pods with the reason each is not ready, and the Deployment's events.",
            why: "The new pod template does not work: its pods crash, cannot pull their image, miss a ConfigMap or Secret, fail their readiness probe, cannot be scheduled (the surge pod needs room that is not there), or cannot be created at all (quota, admission). The controller keeps the old ReplicaSet at the size maxUnavailable allows and waits; it never rolls back by itself.",
            remediation: "Fix the cause shown for the new ReplicaSet's pods and apply the fixed spec; the rollout then resumes. To return to the last working version meanwhile: `kubectl -n NS rollout undo deployment NAME` (see `kubectl -n NS rollout history deployment NAME`). `kubectl -n NS rollout status deployment NAME` follows progress. If the new pods need more room than the cluster has, lower maxSurge or free capacity.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        cx.ix
            .workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::Deployment)
            .filter_map(|w| self.check_one(cx, w))
            .collect()
    }
}

impl RolloutStuck {
    fn check_one(&self, cx: &Context<'_>, w: &WorkloadEntry) -> Option<Finding> {
        let d = &w.item.obj;
        let meta = &d.metadata;
        let ns = meta.namespace.as_str();
        let (ci, cond) = deadline_exceeded(d)?;
        let counts = Counts::of(w.kind, d)?;
        let subject = ObjectRef::new("Deployment", ns, &meta.name);
        let rss = owned_replicasets(cx, d);
        let new_name = NEW_RS
            .captures(&cond.message)
            .map(|c| c[1].to_string())
            .or_else(|| newest_replicaset(&rss).map(|r| r.item.obj.metadata.name.to_string()));
        let new_rs = new_name
            .as_deref()
            .and_then(|n| rss.iter().copied().find(|r| r.item.obj.metadata.name == n));

        let new_pods: Vec<usize> = new_name
            .as_deref()
            .map(|n| pods_of(cx, "ReplicaSet", ns, n))
            .unwrap_or_default()
            .into_iter()
            .filter(|i| !is_terminal(&cx.ix.pods[*i].obj))
            .collect();
        let new_not_ready: Vec<usize> = new_pods
            .iter()
            .copied()
            .filter(|i| !is_ready(&cx.ix.pods[*i].obj))
            .collect();
        let new_desired = new_rs
            .and_then(|r| r.item.obj.spec.replicas)
            .unwrap_or(new_pods.len() as i64);
        let new_ready = new_pods.len() - new_not_ready.len();
        let old: Vec<(&str, i64, i64)> = rss
            .iter()
            .filter(|r| Some(r.item.obj.metadata.name.as_str()) != new_name.as_deref())
            .filter_map(|r| {
                let s = &r.item.obj.status;
                let replicas = s.replicas.unwrap_or(0);
                (replicas > 0).then(|| {
                    (
                        r.item.obj.metadata.name.as_str(),
                        replicas,
                        s.available_replicas.unwrap_or(0),
                    )
                })
            })
            .collect();
        let old_serves_all = counts.desired > 0 && counts.available >= counts.desired;
        let severity = if old_serves_all || counts.desired == 0 {
            Severity::Warning
        } else {
            Severity::Critical
        };
        let rs_label = new_name.as_deref().unwrap_or("(unknown)");

        let mut summary = format!(
            "Rollout of Deployment {ns}/{} is stuck: new ReplicaSet {rs_label} has {new_ready} of {new_desired} pods ready",
            meta.name
        );
        if let Some(first) = new_not_ready.first() {
            let p = &cx.ix.pods[*first].obj;
            summary.push_str(&format!("; {}: {}", p.metadata.name, why_not_ready(cx, p)));
        }
        summary.push_str(&if old_serves_all {
            format!(
                "; the old pods still serve {} of {}",
                counts.available, counts.desired
            )
        } else {
            format!(
                "; {} of {} replicas available",
                counts.available, counts.desired
            )
        });

        let deadline = d.spec.progress_deadline_seconds.unwrap_or(DEFAULT_DEADLINE);
        let since = cond
            .last_transition_time
            .as_deref()
            .or(cond.last_update_time.as_deref());
        let mut explanation = format!(
            "The Deployment's rollout made no progress for its progress deadline ({}){}: the controller set Progressing=False, reason ProgressDeadlineExceeded (\"{}\").",
            crate::time::human(deadline),
            since.map(|t| format!(" and gave up at {t}")).unwrap_or_default(),
            clip(&cond.message, 200)
        );
        if new_pods.is_empty() {
            explanation.push_str(&format!(
                " The new ReplicaSet {rs_label} has no pods in the dump"
            ));
            let failure = new_rs
                .and_then(|r| condition(&r.item.obj.status.conditions, "ReplicaFailure"))
                .filter(|(_, c)| c.status == "True");
            match failure {
                Some((_, c)) => explanation.push_str(&format!(
                    ": it cannot create them (\"{}\").",
                    clip(&c.message, 300)
                )),
                None => explanation.push('.'),
            }
        } else if !new_not_ready.is_empty() {
            explanation.push_str(&format!(
                " The new ReplicaSet's pods that are not ready: {}.",
                describe_pods(cx, &new_not_ready, 6)
            ));
        }
        if !old.is_empty() {
            let list: Vec<String> = old
                .iter()
                .map(|(n, r, a)| {
                    format!(
                        "{n} ({r} pod{}, {a} available)",
                        if *r == 1 { "" } else { "s" }
                    )
                })
                .collect();
            explanation.push_str(&format!(
                " The previous ReplicaSet{} still run{}: {}.",
                if old.len() == 1 { "" } else { "s" },
                if old.len() == 1 { "s" } else { "" },
                list.join(", ")
            ));
        }
        explanation.push_str(&if old_serves_all {
            format!(
                " The Deployment still has {} of {} replicas available, so nothing is down, but the new version is not running and the rollout will not finish by itself.",
                counts.available, counts.desired
            )
        } else {
            format!(
                " Only {} of {} desired replicas are available: the Deployment runs below its capacity{}.",
                counts.available,
                counts.desired,
                if counts.available == 0 { " and serves nothing" } else { "" }
            )
        });

        let mut f = Finding::new(self, subject.clone())
            .severity(severity)
            .workload(Some(subject))
            .summary(summary)
            .explanation(explanation)
            .evidence(cx.evidence(
                &w.item,
                &format!("/status/conditions/{ci}"),
                Some(format!(
                    "Progressing={} {}: {}",
                    cond.status, cond.reason, cond.message
                )),
            ))
            .evidence(cx.evidence(
                &w.item,
                "/status",
                Some(format!(
                    "spec.replicas {}, availableReplicas {}, updatedReplicas {}",
                    counts.desired,
                    counts.available,
                    d.status.updated_replicas.unwrap_or(0)
                )),
            ));
        if let Some(r) = new_rs {
            let s = &r.item.obj.status;
            f = f.evidence(cx.evidence(
                &r.item,
                "/status",
                Some(format!(
                    "new ReplicaSet {rs_label}: spec.replicas {new_desired}, replicas {}, readyReplicas {}",
                    s.replicas.unwrap_or(0),
                    s.ready_replicas.unwrap_or(0)
                )),
            ));
        }
        for i in new_not_ready.iter().take(5) {
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
        let name = &meta.name;
        Some(
            f.remediation([
                format!("Fix what keeps the new pods of {rs_label} from becoming ready (their own findings name the cause), then apply the fixed spec; the rollout resumes."),
                format!("To go back to the last working version meanwhile: `kubectl -n {ns} rollout undo deployment {name}` (`kubectl -n {ns} rollout history deployment {name}` lists the revisions)."),
                format!("Follow the rollout with `kubectl -n {ns} rollout status deployment {name}`."),
            ])
            .events(cx.summarize(&cx.events_of("Deployment", meta)))
            .fact("new_replicaset", new_name.as_deref())
            .fact("new_replicaset_ready", new_ready)
            .fact("new_replicaset_desired", new_desired)
            .fact("desired", counts.desired)
            .fact("available", counts.available)
            .fact("progress_deadline_seconds", deadline)
            .fact(
                "old_replicasets",
                old.iter()
                    .map(|(n, r, a)| serde_json::json!({"name": n, "replicas": r, "available": a}))
                    .collect::<Vec<_>>(),
            )
            .fact(
                "not_ready_pods",
                new_not_ready
                    .iter()
                    .map(|i| cx.ix.pods[*i].obj.metadata.name.clone())
                    .collect::<Vec<_>>(),
            ),
        )
    }
}

/// The ReplicaSet with the highest `deployment.kubernetes.io/revision`.
fn newest_replicaset<'a>(rss: &[&'a WorkloadEntry]) -> Option<&'a WorkloadEntry> {
    rss.iter()
        .copied()
        .filter_map(|r| {
            let rev: i64 = r
                .item
                .obj
                .metadata
                .annotations
                .get("deployment.kubernetes.io/revision")?
                .parse()
                .ok()?;
            Some((rev, r))
        })
        .max_by_key(|(rev, _)| *rev)
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::{json, Value};

    fn deployment(progressing: (&str, &str), replicas: i64, available: i64) -> Value {
        json!({
            "metadata": {"name": "api", "namespace": "shop", "uid": "uid-api"},
            "spec": {"replicas": replicas, "progressDeadlineSeconds": 600},
            "status": {"replicas": replicas + 1, "updatedReplicas": 1, "availableReplicas": available, "readyReplicas": available,
                       "conditions": [
                           {"type": "Available", "status": if available >= replicas { "True" } else { "False" }, "reason": "MinimumReplicasAvailable"},
                           {"type": "Progressing", "status": progressing.0, "reason": progressing.1,
                            "message": "ReplicaSet \"api-new\" has timed out progressing.", "lastTransitionTime": "2025-06-01T11:30:00Z"}
                       ]}
        })
    }

    fn rs(name: &str, replicas: i64, available: i64, revision: &str) -> Value {
        json!({
            "metadata": {"name": name, "namespace": "shop", "uid": format!("uid-{name}"),
                         "annotations": {"deployment.kubernetes.io/revision": revision},
                         "ownerReferences": [{"kind": "Deployment", "name": "api", "uid": "uid-api", "controller": true}]},
            "spec": {"replicas": replicas},
            "status": {"replicas": replicas, "readyReplicas": available, "availableReplicas": available}
        })
    }

    fn owned(mut p: Value, rs: &str) -> Value {
        p["metadata"]["ownerReferences"] = json!([{"kind": "ReplicaSet", "name": rs, "uid": format!("uid-{rs}"), "controller": true}]);
        p
    }

    fn dump(progressing: (&str, &str), replicas: i64, available: i64) -> TinyDump {
        let mut new_pod = owned(pod("shop", "api-new-x1", "n1"), "api-new");
        new_pod["status"]["conditions"][0]["status"] = "False".into();
        new_pod["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"registry.example.com/app:2.0\""}}
        });
        let mut pods = vec![new_pod];
        for i in 0..available {
            pods.push(owned(pod("shop", &format!("api-old-{i}"), "n1"), "api-old"));
        }
        TinyDump {
            nodes: vec![node("n1")],
            deployments: vec![deployment(progressing, replicas, available)],
            replicasets: vec![
                rs("api-old", available, available, "1"),
                rs("api-new", 1, 0, "2"),
            ],
            pods,
            ..Default::default()
        }
    }

    #[test]
    fn warns_when_the_old_replicaset_still_serves_everything() {
        let a = dump(("False", "ProgressDeadlineExceeded"), 2, 2).analysis();
        let f = a.findings_of("rollout-stuck");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Rollout of Deployment shop/api is stuck: new ReplicaSet api-new has 0 of 1 pods ready; api-new-x1: container app waiting in ImagePullBackOff: Back-off pulling image \"registry.example.com/app:2.0\"; the old pods still serve 2 of 2"
        );
        assert!(
            f.explanation.contains("api-old (2 pods, 2 available)"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["new_replicaset"], "api-new");
        assert_eq!(f.facts["old_replicasets"][0]["name"], "api-old");
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/conditions/1")
        );
        assert!(a.findings_of("workload-unavailable").is_empty());
    }

    #[test]
    fn critical_when_short_of_replicas_and_quiet_while_progressing() {
        let a = dump(("False", "ProgressDeadlineExceeded"), 3, 1).analysis();
        let f = a.findings_of("rollout-stuck");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].summary.ends_with("; 1 of 3 replicas available"),
            "{}",
            f[0].summary
        );
        assert!(
            a.findings_of("workload-unavailable").is_empty(),
            "the availability is part of this finding, not a second one"
        );

        let d = dump(("True", "ReplicaSetUpdated"), 2, 2);
        assert!(d.findings_of("rollout-stuck").is_empty());
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("rollout-stuck");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let f = &f[0];
        assert_eq!(f.subject.name, "frontend");
        assert_eq!(
            f.severity,
            Severity::Warning,
            "the old ReplicaSet serves 2/2"
        );
        assert_eq!(f.facts["new_replicaset"], "frontend-7d8f9b6c5");
        assert!(
            f.summary.contains(
                "frontend-7d8f9b6c5-b5wrn: container frontend waiting in ImagePullBackOff"
            ),
            "{}",
            f.summary
        );
        assert!(
            f.explanation
                .contains("frontend-5f7b8c9d4 (2 pods, 2 available)"),
            "{}",
            f.explanation
        );
    }
}
