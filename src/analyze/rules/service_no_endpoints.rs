//! service-no-endpoints: a Service whose selector matches no pod.
//!
//! Also holds the selector helpers the three service rules share. The
//! dump has no Endpoints or EndpointSlices, so the endpoints are worked
//! out the way the endpoints controller does: the pods of the Service's
//! namespace whose labels contain every key=value of spec.selector.

use super::workload_unavailable::Counts;
use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::{Map, ObjectRef, Service, Text};

pub struct ServiceNoEndpoints;

impl Rule for ServiceNoEndpoints {
    fn id(&self) -> &'static str {
        "service-no-endpoints"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Service"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Service selector matches no pod",
            detects: "A Service with a non-empty spec.selector that matches no pod of its namespace, so it has no endpoints and every connection to it fails. The finding suggests the closest labels that do exist (selector `app: catalogue` while the pods say `app: catalog`) and names a workload whose pod template would match. Warning; info when the only matching workload is deliberately scaled to 0. Not checked: Services without a selector (their endpoints are managed by hand or by the API server, like default/kubernetes), ExternalName Services, and namespaces whose pod list could not be read.",
            evidence: "The Service's spec.selector and spec.type, the labels of every pod in its namespace, the pod-template labels of the namespace's Deployments, ReplicaSets, DaemonSets and ReplicationControllers, and the Service's events. The dump holds no Endpoints objects, so the match is recomputed from the labels, as the endpoints controller does.",
            why: "A typo or a rename on one side: the selector was written for other labels (`app` vs `app.kubernetes.io/name`, `catalogue` vs `catalog`), a Helm release name or a version label changed in the pod template but not in the Service, the Service sits in another namespace than the pods, or the workload behind it was deleted or scaled to 0.",
            remediation: "Compare `kubectl -n NS get svc NAME -o jsonpath='{.spec.selector}'` with `kubectl -n NS get pods --show-labels`, then fix whichever side is wrong: `kubectl -n NS patch svc NAME -p '{\"spec\":{\"selector\":{…}}}'` or the pod template's labels. `kubectl -n NS get endpointslices -l kubernetes.io/service-name=NAME` confirms the endpoints appear.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.services {
            let svc = &item.obj;
            if !applies(cx, svc) || !selected_pods(cx, svc).is_empty() {
                continue;
            }
            let meta = &svc.metadata;
            let ns = meta.namespace.as_str();
            let sel = show_selector(&svc.spec.selector);
            let closest = closest_match(cx, svc);
            let workloads = matching_workloads(cx, svc);
            let scaled_to_zero =
                !workloads.is_empty() && workloads.iter().all(|(_, desired)| *desired == 0);

            let mut summary = format!(
                "Service {ns}/{} selects no pod: no pod has {sel}",
                meta.name
            );
            let mut explanation = format!(
                "The Service's selector {sel} matches none of the pods of namespace {ns}, so it has no endpoints: connections to it are refused or time out."
            );
            if let Some(c) = &closest {
                summary.push_str(&format!(" (closest: {})", c.labels));
                explanation.push_str(&format!(
                    " The closest labels that exist are {} on {} — a likely typo in the selector or in the pod template.",
                    c.labels,
                    name_list(&c.pods, 3)
                ));
            }
            if !workloads.is_empty() {
                let list: Vec<String> = workloads
                    .iter()
                    .map(|(w, d)| format!("{} {} (wants {d})", w.kind, w.name))
                    .collect();
                explanation.push_str(&format!(
                    " Pod templates that would match: {}{}.",
                    list.join(", "),
                    if scaled_to_zero {
                        "; it is scaled to 0, so having no endpoints may be intended"
                    } else {
                        "; their pods do not exist (see that workload's findings)"
                    }
                ));
            }
            let mut steps = vec![format!(
                "Compare the selector with the pods' labels: `kubectl -n {ns} get pods --show-labels`."
            )];
            if let Some(c) = &closest {
                steps.push(format!(
                    "If the pods are right, point the Service at them: `kubectl -n {ns} patch service {} -p '{}'`; otherwise fix the labels in the pod template.",
                    meta.name,
                    serde_json::json!({"spec": {"selector": c.selector}})
                ));
            } else {
                steps.push("Fix the selector or the pod template's labels so that they agree, or deploy the workload the Service is meant for.".to_string());
            }
            steps.push(format!(
                "Check that endpoints appear: `kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={}`.",
                meta.name
            ));
            let mut f = Finding::new(self, ObjectRef::new("Service", ns, &meta.name))
                .severity(if scaled_to_zero {
                    Severity::Info
                } else {
                    Severity::Warning
                })
                .summary(summary)
                .explanation(explanation)
                .remediation(steps)
                .evidence(cx.evidence(item, "/spec/selector", Some(format!("selector: {sel}"))))
                .events(cx.summarize(&cx.events_of("Service", meta)))
                .fact("selector", &svc.spec.selector);
            if let Some(c) = closest {
                f = f
                    .fact("closest_labels", &c.selector)
                    .fact("closest_pods", &c.pods);
            }
            if !workloads.is_empty() {
                f = f.fact(
                    "matching_workloads",
                    workloads
                        .iter()
                        .map(|(w, _)| w.to_string())
                        .collect::<Vec<_>>(),
                );
            }
            out.push(f);
        }
        out
    }
}

/// Does an endpoints check apply to this Service: a selector, not
/// ExternalName, and the namespace's pods were read?
pub(crate) fn applies(cx: &Context<'_>, svc: &Service) -> bool {
    if svc.spec.selector.is_empty() || svc.spec.type_ == "ExternalName" {
        return false;
    }
    let prefix = format!("{}/pods.", svc.metadata.namespace);
    !cx.ix
        .dump
        .problems
        .iter()
        .any(|p| p.file.starts_with(&prefix))
}

/// Do these labels carry every key=value of the selector?
pub(crate) fn selects(selector: &Map, labels: &Map) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Pods (indices into `ix.pods`) the Service's selector matches.
pub(crate) fn selected_pods(cx: &Context<'_>, svc: &Service) -> Vec<usize> {
    cx.pods_in(&svc.metadata.namespace)
        .iter()
        .copied()
        .filter(|&i| selects(&svc.spec.selector, &cx.ix.pods[i].obj.metadata.labels))
        .collect()
}

/// `app=web, tier=front`.
pub(crate) fn show_selector(sel: &Map) -> String {
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a, b, c and 4 more`.
pub(crate) fn name_list(names: &[String], max: usize) -> String {
    let mut v: Vec<String> = names.iter().take(max).cloned().collect();
    if names.len() > max {
        v.push(format!("{} more", names.len() - max));
    }
    match v.len() {
        0 => String::new(),
        1 => v.remove(0),
        _ => {
            let last = v.pop().unwrap_or_default();
            format!("{} and {last}", v.join(", "))
        }
    }
}

/// Labels that exist and nearly match the selector.
struct Closest {
    /// The selector as it would match those pods.
    selector: Map,
    labels: String,
    pods: Vec<String>,
}

/// The pods whose labels come closest to the selector: all pairs but
/// one equal, and the odd one a near miss (a small edit of the value, the
/// same value under another key) or, for selectors of several labels, the
/// same key with another value.
fn closest_match(cx: &Context<'_>, svc: &Service) -> Option<Closest> {
    let sel = &svc.spec.selector;
    // (cost, candidate selector) -> pods
    let mut best: Option<(usize, Map, Vec<String>)> = None;
    for &i in cx.pods_in(&svc.metadata.namespace) {
        let m = &cx.ix.pods[i].obj.metadata;
        let Some((cost, candidate)) = near_miss(sel, &m.labels) else {
            continue;
        };
        match &mut best {
            Some((c, s, pods)) if *c == cost && *s == candidate => pods.push(m.name.to_string()),
            Some((c, _, _)) if *c <= cost => {}
            _ => best = Some((cost, candidate, vec![m.name.to_string()])),
        }
    }
    let (_, selector, pods) = best?;
    Some(Closest {
        labels: show_selector(&selector),
        selector,
        pods,
    })
}

/// The cost of turning `sel` into a selector of these labels, and that
/// selector, when exactly one pair differs and the difference is small.
fn near_miss(sel: &Map, labels: &Map) -> Option<(usize, Map)> {
    let mismatched: Vec<(&Text, &Text)> = sel
        .iter()
        .filter(|(k, v)| labels.get(k) != Some(*v))
        .collect();
    let [(k, v)] = mismatched.as_slice() else {
        return None;
    };
    let mut candidate = sel.clone();
    if let Some(other) = labels.get(k) {
        let d = levenshtein(v, other);
        let close = d <= 2.max(v.chars().count() / 3)
            || other.starts_with(v.as_str())
            || v.starts_with(other.as_str());
        if !close && sel.len() == 1 {
            return None;
        }
        candidate.insert((*k).clone(), other.clone());
        return Some((d, candidate));
    }
    // The same value under a similar key (`app` vs `app.kubernetes.io/name`).
    let (k2, _) = labels
        .iter()
        .filter(|(k2, v2)| *v2 == *v && !sel.contains_key(k2))
        .min_by_key(|(k2, _)| levenshtein(k, k2))?;
    candidate.remove(k);
    candidate.insert(k2.clone(), (*v).clone());
    Some((levenshtein(k, k2) + 1, candidate))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Workloads in the dump whose pod template the selector matches, with
/// how many pods they want.
fn matching_workloads(cx: &Context<'_>, svc: &Service) -> Vec<(ObjectRef, i64)> {
    cx.ix
        .workloads
        .iter()
        .filter(|w| w.item.obj.metadata.namespace == svc.metadata.namespace)
        .filter(|w| {
            selects(
                &svc.spec.selector,
                &w.item.obj.spec.template.metadata.labels,
            )
        })
        // A Deployment's ReplicaSets repeat its template.
        .filter(|w| super::workload_unavailable::owning_deployment(cx, &w.item.obj).is_none())
        .filter_map(|w| {
            let desired = Counts::of(w.kind, &w.item.obj)?.desired;
            Some((
                ObjectRef::new(
                    w.kind.as_str(),
                    &w.item.obj.metadata.namespace,
                    &w.item.obj.metadata.name,
                ),
                desired,
            ))
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{levenshtein, near_miss};
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use crate::model::Map;
    use serde_json::{json, Value};

    pub(crate) fn service(ns: &str, name: &str, selector: Value, ports: Value) -> Value {
        json!({
            "metadata": {"name": name, "namespace": ns, "uid": format!("uid-svc-{name}")},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "selector": selector, "ports": ports}
        })
    }

    #[test]
    fn fires_on_a_selector_typo_and_suggests_the_labels_that_exist() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![pod("shop", "catalog", "n1"), pod("shop", "cart", "n1")],
            services: vec![
                service(
                    "shop",
                    "catalog",
                    json!({"app": "catalogue"}),
                    json!([{"name": "http", "port": 80, "targetPort": 8080}]),
                ),
                service(
                    "shop",
                    "cart",
                    json!({"app": "cart"}),
                    json!([{"name": "http", "port": 80, "targetPort": "http"}]),
                ),
                // No selector: endpoints are managed by hand.
                json!({"metadata": {"name": "external", "namespace": "shop"}, "spec": {"type": "ClusterIP", "ports": [{"port": 443}]}}),
                json!({"metadata": {"name": "db", "namespace": "shop"}, "spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "db"}}}),
            ],
            ..Default::default()
        };
        let f = d.findings_of("service-no-endpoints");
        assert_eq!(f.len(), 1, "{:#?}", f);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.summary,
            "Service shop/catalog selects no pod: no pod has app=catalogue (closest: app=catalog)"
        );
        assert!(
            f.explanation.contains("on catalog — a likely typo"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["closest_labels"], json!({"app": "catalog"}));
        assert!(
            f.remediation[1]
                .contains(r#"patch service catalog -p '{"spec":{"selector":{"app":"catalog"}}}'"#),
            "{:?}",
            f.remediation
        );
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/spec/selector")
        );
    }

    #[test]
    fn info_when_the_matching_workload_is_scaled_to_zero() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            deployments: vec![json!({
                "metadata": {"name": "batch", "namespace": "shop"},
                "spec": {"replicas": 0, "template": {"metadata": {"labels": {"app": "batch"}}}},
                "status": {}
            })],
            services: vec![service(
                "shop",
                "batch",
                json!({"app": "batch"}),
                json!([{"port": 80}]),
            )],
            ..Default::default()
        };
        let f = d.findings_of("service-no-endpoints");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        assert!(
            f[0].explanation.contains("Deployment batch (wants 0)"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn near_misses() {
        let m = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Map>()
        };
        assert_eq!(levenshtein("catalogue", "catalog"), 2);
        assert!(near_miss(&m(&[("app", "catalogue")]), &m(&[("app", "catalog")])).is_some());
        assert!(
            near_miss(&m(&[("app", "catalogue")]), &m(&[("app", "payments")])).is_none(),
            "a different app is no suggestion"
        );
        let (_, s) = near_miss(
            &m(&[("app", "web")]),
            &m(&[("app.kubernetes.io/name", "web")]),
        )
        .unwrap();
        assert_eq!(s, m(&[("app.kubernetes.io/name", "web")]));
        let (_, s) = near_miss(
            &m(&[("app", "web"), ("version", "v2")]),
            &m(&[("app", "web"), ("version", "v1")]),
        )
        .unwrap();
        assert_eq!(s, m(&[("app", "web"), ("version", "v1")]));
        assert!(
            near_miss(&m(&[("app", "web"), ("tier", "x")]), &m(&[("app", "api")])).is_none(),
            "two pairs differ"
        );
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("service-no-endpoints");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        assert_eq!(f[0].subject.name, "catalog");
        assert_eq!(f[0].facts["closest_labels"], json!({"app": "catalog"}));
        assert_eq!(
            f[0].facts["closest_pods"],
            json!(["catalog-5b9c8d7f6-lp4rz"])
        );
    }
}
