//! From findings to incidents: what a person should read as one problem.
//!
//! Forty crash-looping replicas of one Deployment are one incident, not
//! forty. Pods that fail because their node is gone hang under that node's
//! incident instead of standing as root causes of their own. Within an
//! incident the root cause is the most specific finding (a missing image
//! explains an unavailable Deployment, not the other way round). Incidents
//! are ordered by impact: severity, then how many pods and workloads they
//! touch.

use super::context::Context;
use super::finding::{Finding, Severity};
use crate::model::ObjectRef;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    /// Stable id: the subject the incident is about.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The id of the finding that explains the others.
    pub root_cause: String,
    /// Every finding of the incident, root cause first.
    pub findings: Vec<String>,
    /// What the incident is about: a workload, a node, a pod or a service.
    pub subject: ObjectRef,
    /// Pods touched (`namespace/name`).
    pub pods: Vec<String>,
    pub workloads: Vec<ObjectRef>,
    pub nodes: Vec<String>,
}

/// Causal priority: a finding earlier in this list explains the ones after
/// it in the same incident.
const CAUSE_ORDER: &[&str] = &[
    "node-not-ready",
    "node-network-unavailable",
    "node-pressure",
    "image-pull-failure",
    "container-config-error",
    "container-start-failure",
    "init-container-failure",
    "oom-killed",
    "crash-loop-backoff",
    "pod-unschedulable",
    "pod-stuck-creating",
    "replica-create-failure",
    "pod-evicted",
    "pod-failed",
    "readiness-failure",
    "pod-stuck-terminating",
    "rollout-stuck",
    "log-error-signature",
    "frequent-restarts",
    "workload-unavailable",
    "service-no-endpoints",
    "service-port-mismatch",
    "service-no-ready-endpoints",
    "node-cordoned",
    "node-overcommitted",
    "node-version-skew",
    "warning-events",
];

fn cause_rank(rule: &str) -> usize {
    CAUSE_ORDER
        .iter()
        .position(|r| *r == rule)
        .unwrap_or(CAUSE_ORDER.len())
}

/// Node findings that make a node the explanation of its pods' trouble.
const NODE_DOWN: &[&str] = &["node-not-ready", "node-network-unavailable"];

#[derive(Default)]
struct Group {
    subject: Option<ObjectRef>,
    findings: Vec<usize>,
    pods: BTreeSet<String>,
    workloads: BTreeSet<ObjectRef>,
    nodes: BTreeSet<String>,
}

pub fn incidents(cx: &Context<'_>, findings: &[Finding]) -> Vec<Incident> {
    // Nodes that are down or under pressure explain the pods on them.
    let mut down_nodes: BTreeSet<&str> = BTreeSet::new();
    let mut pressured: BTreeSet<&str> = BTreeSet::new();
    for f in findings {
        if f.subject.kind == "Node" {
            if NODE_DOWN.contains(&f.rule) {
                down_nodes.insert(&f.subject.name);
            } else if f.rule == "node-pressure" {
                pressured.insert(&f.subject.name);
            }
        }
    }
    // A ReplicaSet owned by a Deployment rolls up to the Deployment.
    let top_of = |r: &ObjectRef| -> ObjectRef {
        if r.kind == "ReplicaSet" {
            if let Some(w) = cx.ix.workload(
                crate::index::WorkloadKind::ReplicaSet,
                r.namespace.as_deref().unwrap_or(""),
                &r.name,
            ) {
                if let Some(o) = w
                    .item
                    .obj
                    .metadata
                    .owner_references
                    .iter()
                    .find(|o| o.kind == "Deployment")
                {
                    return ObjectRef::new(
                        "Deployment",
                        r.namespace.as_deref().unwrap_or(""),
                        &o.name,
                    );
                }
            }
        }
        r.clone()
    };

    let mut groups: BTreeMap<ObjectRef, Group> = BTreeMap::new();
    let add = |key: ObjectRef, fi: usize, f: &Finding, groups: &mut BTreeMap<ObjectRef, Group>| {
        let g = groups.entry(key.clone()).or_default();
        g.subject.get_or_insert(key);
        g.findings.push(fi);
        if f.subject.kind == "Pod" {
            g.pods.insert(format!(
                "{}/{}",
                f.subject.namespace.as_deref().unwrap_or(""),
                f.subject.name
            ));
        }
        if let Some(w) = &f.workload {
            g.workloads.insert(top_of(w));
        }
        if let Some(n) = &f.node {
            g.nodes.insert(n.clone());
        }
        if f.subject.kind == "Node" {
            g.nodes.insert(f.subject.name.to_string());
        }
    };

    // Where each finding goes, services last: a service joins the incident
    // of the troubled workload behind it, and a workload counts as troubled
    // only if it has an incident of its own (not one folded into a node's).
    let mut keys: Vec<Option<ObjectRef>> = vec![None; findings.len()];
    for (fi, f) in findings.iter().enumerate() {
        if f.subject.kind == "Service" {
            continue;
        }
        keys[fi] = Some(match f.subject.kind.as_str() {
            "Node" => f.subject.clone(),
            "Pod" => {
                let node = f.node.as_deref().unwrap_or("");
                let on_down = down_nodes.contains(node);
                let evicted_by_pressure = f.rule == "pod-evicted" && pressured.contains(node);
                if on_down || evicted_by_pressure {
                    ObjectRef::new("Node", "", node)
                } else if let Some(w) = &f.workload {
                    top_of(w)
                } else {
                    f.subject.clone()
                }
            }
            _ => {
                let subject = top_of(&f.subject);
                // A workload whose troubled pods all sit on down nodes is
                // explained by those nodes (a DaemonSet short of its pod on
                // a lost node).
                let nodes = workload_pod_nodes(cx, &subject);
                if !nodes.is_empty()
                    && nodes.iter().all(|n| down_nodes.contains(n.as_str()))
                    && f.rule == "workload-unavailable"
                {
                    ObjectRef::new("Node", "", nodes.iter().next().unwrap())
                } else {
                    subject
                }
            }
        });
    }
    let troubled: BTreeSet<ObjectRef> = keys
        .iter()
        .flatten()
        .filter(|k| !matches!(k.kind.as_str(), "Node" | "Pod" | "Service"))
        .cloned()
        .collect();
    for (fi, f) in findings.iter().enumerate() {
        let key = match keys[fi].take() {
            Some(k) => k,
            // Attach to the workload incident of the pods it selects, when
            // that workload has trouble of its own.
            None => service_workload(cx, f, &troubled).unwrap_or_else(|| f.subject.clone()),
        };
        add(key, fi, f, &mut groups);
    }

    let mut out: Vec<Incident> = groups
        .into_values()
        .map(|g| {
            let mut ids = g.findings.clone();
            // The root cause is the most specific finding; a mere hint
            // (info) never heads an incident that has real trouble in it.
            let top = ids
                .iter()
                .map(|i| findings[*i].severity)
                .max()
                .unwrap_or(Severity::Info);
            let hint = |f: &Finding| f.severity == Severity::Info && top > Severity::Info;
            ids.sort_by(|a, b| {
                let (fa, fb) = (&findings[*a], &findings[*b]);
                hint(fa)
                    .cmp(&hint(fb))
                    .then(cause_rank(fa.rule).cmp(&cause_rank(fb.rule)))
                    .then(fb.severity.cmp(&fa.severity))
                    .then(fa.id.cmp(&fb.id))
            });
            let root = &findings[ids[0]];
            let severity = ids
                .iter()
                .map(|i| findings[*i].severity)
                .max()
                .unwrap_or(Severity::Info);
            let subject = g.subject.clone().unwrap_or_else(|| root.subject.clone());
            let mut workloads = g.workloads.clone();
            if subject.kind != "Pod" && subject.kind != "Node" && subject.kind != "Service" {
                workloads.insert(subject.clone());
            }
            let pods: Vec<String> = g.pods.iter().cloned().collect();
            let title = title(&subject, root, pods.len());
            Incident {
                id: format!(
                    "incident:{}/{}/{}",
                    subject.kind,
                    subject.namespace.as_deref().unwrap_or(""),
                    subject.name
                ),
                title,
                severity,
                root_cause: root.id.clone(),
                findings: ids.iter().map(|i| findings[*i].id.clone()).collect(),
                subject,
                pods,
                workloads: workloads.into_iter().collect(),
                nodes: g.nodes.into_iter().collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.pods.len().cmp(&a.pods.len()))
            .then(b.workloads.len().cmp(&a.workloads.len()))
            .then(cause_rank(rule_of(&a.root_cause)).cmp(&cause_rank(rule_of(&b.root_cause))))
            .then(a.id.cmp(&b.id))
    });
    out
}

fn rule_of(finding_id: &str) -> &str {
    finding_id.split(':').next().unwrap_or("")
}

fn title(subject: &ObjectRef, root: &Finding, pods: usize) -> String {
    let what = root.headline.unwrap_or_else(|| {
        super::rule(root.rule)
            .map(|r| r.doc().title)
            .unwrap_or(root.rule)
    });
    let ns = subject
        .namespace
        .as_deref()
        .map(|n| format!("{n}/"))
        .unwrap_or_default();
    let mut t = format!("{} {ns}{}: {}", subject.kind, subject.name, what);
    if let Some(c) = &root.container {
        if subject.kind != "Node" {
            t.push_str(&format!(" (container {c})"));
        }
    }
    if pods > 1 {
        t.push_str(&format!(", {pods} pods"));
    }
    t
}

/// For a service finding: the troubled workload behind the pods it selects.
fn service_workload(
    cx: &Context<'_>,
    f: &Finding,
    troubled: &BTreeSet<ObjectRef>,
) -> Option<ObjectRef> {
    let ns = f.subject.namespace.as_deref().unwrap_or("");
    let svc = cx
        .ix
        .services
        .iter()
        .find(|s| s.obj.metadata.namespace == ns && s.obj.metadata.name == f.subject.name)?;
    let sel = &svc.obj.spec.selector;
    if sel.is_empty() {
        return None;
    }
    let mut found: BTreeSet<ObjectRef> = BTreeSet::new();
    for (i, p) in cx.ix.pods.iter().enumerate() {
        let m = &p.obj.metadata;
        if m.namespace == ns && sel.iter().all(|(k, v)| m.labels.get(k) == Some(v)) {
            if let Some(w) = cx.workload_of(i) {
                if troubled.contains(&w) {
                    found.insert(w);
                }
            }
        }
    }
    // Only when exactly one troubled workload is behind it; otherwise the
    // service stands on its own.
    (found.len() == 1).then(|| found.into_iter().next().unwrap())
}

/// Nodes of the pods of a workload that are not ready.
fn workload_pod_nodes(cx: &Context<'_>, w: &ObjectRef) -> BTreeSet<String> {
    let mut nodes = BTreeSet::new();
    for (i, p) in cx.ix.pods.iter().enumerate() {
        if p.obj.metadata.namespace != w.namespace.as_deref().unwrap_or("") {
            continue;
        }
        if cx.workload_of(i).as_ref() != Some(w) {
            continue;
        }
        let ready = p
            .obj
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True");
        if !ready && !p.obj.spec.node_name.is_empty() {
            nodes.insert(p.obj.spec.node_name.to_string());
        }
    }
    nodes
}
