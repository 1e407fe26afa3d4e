//! service-no-ready-endpoints: a Service that selects pods, none of them
//! ready, so it has no endpoint to send traffic to.

use super::service_no_endpoints::{applies, selected_pods, show_selector};
use super::workload_unavailable::{
    describe_pods, is_ready, is_starting, is_terminal, why_not_ready,
};
use crate::analyze::context::{condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::ObjectRef;
use std::collections::BTreeSet;

pub struct ServiceNoReadyEndpoints;

impl Rule for ServiceNoReadyEndpoints {
    fn id(&self) -> &'static str {
        "service-no-ready-endpoints"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Service"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Service has no ready endpoint",
            detects: "A Service whose selector matches pods of its namespace, none of which is ready (Ready condition True and not terminating): the endpoints controller lists them as not ready, so the Service routes traffic nowhere. Critical; warning when every selected pod is still starting (created less than 5 minutes before the snapshot, waiting without error) or when the selector only matches finished pods. Services whose selector matches no pod at all are service-no-endpoints.",
            evidence: "The Service's spec.selector, the selected pods' Ready conditions, deletionTimestamp and phase, and for each pod the reason it is not ready (waiting reason, failing readiness probe, unschedulable, node down).",
            why: "Every pod behind the Service fails: a crash loop, a missing ConfigMap or Secret, an image that cannot be pulled, a readiness probe that keeps failing (often a dependency the app waits for), pods that cannot be scheduled, or a node that went down with the only replica. Also a Service selecting the pods of a Job that has finished.",
            remediation: "Fix the pods, not the Service: the finding names each pod with its cause, and the pods' own findings give the detail. `kubectl -n NS get endpointslices -l kubernetes.io/service-name=NAME -o wide` shows the endpoints and their readiness; `kubectl -n NS describe pod POD` the probe results. Running a single replica makes every pod failure an outage: scale to two or more with a PodDisruptionBudget.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.services {
            let svc = &item.obj;
            if !applies(cx, svc) {
                continue;
            }
            let selected = selected_pods(cx, svc);
            if selected.is_empty() {
                continue;
            }
            let serving = |i: &usize| {
                let p = &cx.ix.pods[*i].obj;
                is_ready(p) && p.metadata.deletion_timestamp.is_none() && !is_terminal(p)
            };
            if selected.iter().any(serving) {
                continue;
            }
            let meta = &svc.metadata;
            let ns = meta.namespace.as_str();
            let live: Vec<usize> = selected
                .iter()
                .copied()
                .filter(|i| !is_terminal(&cx.ix.pods[*i].obj))
                .collect();
            let finished_only = live.is_empty();
            let shown: &[usize] = if finished_only { &selected } else { &live };
            let starting =
                !finished_only && live.iter().all(|i| is_starting(cx, &cx.ix.pods[*i].obj));
            let severity = if finished_only || starting {
                Severity::Warning
            } else {
                Severity::Critical
            };
            let sel = show_selector(&svc.spec.selector);

            let summary = match shown {
                [one] => {
                    let p = &cx.ix.pods[*one].obj;
                    format!(
                        "Service {ns}/{} has no ready endpoint: its only pod {} is not ready ({})",
                        meta.name,
                        p.metadata.name,
                        why_not_ready(cx, p)
                    )
                }
                _ => {
                    let p = &cx.ix.pods[shown[0]].obj;
                    format!(
                        "Service {ns}/{} has no ready endpoint: none of its {} pods is ready ({}: {})",
                        meta.name,
                        shown.len(),
                        p.metadata.name,
                        why_not_ready(cx, p)
                    )
                }
            };
            let mut explanation = format!(
                "The selector {sel} matches {} pod{}, but none is ready, so the Service has no endpoint to route to: connections to it are refused or time out.",
                selected.len(),
                if selected.len() == 1 { "" } else { "s" }
            );
            if finished_only {
                explanation.push_str(" Every selected pod has finished (Succeeded or Failed): the Service may select the pods of a completed Job, or the workload's pods were all evicted.");
            } else if starting {
                explanation.push_str(" All of them were created less than 5 minutes before the snapshot and are still starting without an error, so this may resolve by itself.");
            }
            explanation.push_str(&format!(" Not ready: {}.", describe_pods(cx, shown, 8)));

            // The workload behind the pods, when there is exactly one.
            let workloads: BTreeSet<ObjectRef> =
                shown.iter().filter_map(|i| cx.workload_of(*i)).collect();
            let workload = (workloads.len() == 1)
                .then(|| workloads.iter().next().cloned())
                .flatten();

            let mut f = Finding::new(self, ObjectRef::new("Service", ns, &meta.name))
                .severity(severity)
                .workload(workload)
                .summary(summary)
                .explanation(explanation)
                .remediation([
                    "Fix the selected pods (each is named above with its cause; their own findings give the detail): the Service recovers as soon as one is ready.".to_string(),
                    format!(
                        "`kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={} -o wide` shows the endpoints and whether they are ready.",
                        meta.name
                    ),
                    "With a single replica every pod failure is an outage: run two or more, with a PodDisruptionBudget.".to_string(),
                ])
                .evidence(cx.evidence(item, "/spec/selector", Some(format!("selector: {sel}"))))
                .events(cx.summarize(&cx.events_of("Service", meta)))
                .fact("selector", &svc.spec.selector)
                .fact("selected_pods", selected.len())
                .fact(
                    "not_ready_pods",
                    shown
                        .iter()
                        .map(|i| cx.ix.pods[*i].obj.metadata.name.clone())
                        .collect::<Vec<_>>(),
                );
            for i in shown.iter().take(5) {
                let p = &cx.ix.pods[*i];
                let pointer = condition(&p.obj.status.conditions, "Ready")
                    .map(|(ci, _)| format!("/status/conditions/{ci}"))
                    .unwrap_or_else(|| "/status".to_string());
                f = f.evidence(cx.evidence(
                    p,
                    &pointer,
                    Some(format!(
                        "{}: {}",
                        p.obj.metadata.name,
                        why_not_ready(cx, &p.obj)
                    )),
                ));
            }
            out.push(f);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::rules::service_no_endpoints::tests::service;
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn not_ready(ns: &str, name: &str, labels: serde_json::Value) -> serde_json::Value {
        let mut p = pod(ns, name, "n1");
        p["metadata"]["labels"] = labels;
        p["metadata"]["creationTimestamp"] = "2025-06-01T09:00:00Z".into();
        p["status"]["conditions"][0]["status"] = "False".into();
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 7,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}
        });
        p
    }

    #[test]
    fn fires_when_every_selected_pod_is_unready() {
        let mut terminating = pod("shop", "api-old", "n1");
        terminating["metadata"]["labels"] = json!({"app": "api"});
        terminating["metadata"]["deletionTimestamp"] = "2025-06-01T11:00:00Z".into();
        let mut ready_web = pod("shop", "web-2", "n1");
        ready_web["metadata"]["labels"] = json!({"app": "web"});
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                not_ready("shop", "api-1", json!({"app": "api"})),
                terminating,
                not_ready("shop", "web-1", json!({"app": "web"})),
                ready_web,
            ],
            services: vec![
                service(
                    "shop",
                    "api",
                    json!({"app": "api"}),
                    json!([{"port": 80, "targetPort": 8080}]),
                ),
                service("shop", "web", json!({"app": "web"}), json!([{"port": 80}])),
            ],
            ..Default::default()
        };
        let f = d.findings_of("service-no-ready-endpoints");
        assert_eq!(f.len(), 1, "web has one ready pod: {:#?}", f);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.subject.name, "api");
        assert!(
            f.summary.starts_with("Service shop/api has no ready endpoint: none of its 2 pods is ready (api-1: container app waiting in CrashLoopBackOff, last exit code 1)"),
            "{}",
            f.summary
        );
        assert!(
            f.explanation
                .contains("api-old (terminating since 2025-06-01T11:00:00Z)"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["selected_pods"], 2);
        assert_eq!(f.facts["not_ready_pods"], json!(["api-1", "api-old"]));
    }

    #[test]
    fn warning_when_only_finished_pods_are_selected() {
        let mut done = pod("shop", "report-1", "n1");
        done["metadata"]["labels"] = json!({"app": "report"});
        done["status"]["phase"] = "Succeeded".into();
        done["status"]["conditions"][0]["status"] = "False".into();
        done["status"]["conditions"][0]["reason"] = "PodCompleted".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![done],
            services: vec![service(
                "shop",
                "report",
                json!({"app": "report"}),
                json!([{"port": 80}]),
            )],
            ..Default::default()
        };
        let f = d.findings_of("service-no-ready-endpoints");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].explanation.contains("Every selected pod has finished"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("service-no-ready-endpoints");
        let mut got: Vec<&str> = f.iter().map(|f| f.subject.name.as_str()).collect();
        got.sort();
        assert_eq!(got, ["cart", "orders", "payments", "search"]);
        let cart = f.iter().find(|f| f.subject.name == "cart").unwrap();
        assert_eq!(cart.severity, Severity::Critical);
        assert_eq!(cart.workload.as_ref().unwrap().name, "cart");
        assert!(cart.summary.contains("its only pod cart-7c9f8b6d5-x2x9k is not ready (container cart waiting in CrashLoopBackOff"), "{}", cart.summary);
    }
}
