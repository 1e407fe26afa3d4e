//! The report's tables and timeline, computed once in Rust so templates
//! only print: nodes (conditions, capacity against requests, taints,
//! failing pods), workloads (desired/ready and worst finding), the
//! timeline of Warning events, container terminations and node condition
//! changes, and coverage (what a default dump leaves out).

use crate::analyze::{Finding, Severity};
use crate::index::{DumpIndex, WorkloadKind};
use crate::model::Pod;
use crate::quantity;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize)]
pub struct NodeRow {
    pub name: String,
    pub ready: String,
    /// Conditions that are not in their healthy state.
    pub bad_conditions: Vec<String>,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    pub kubelet: String,
    pub cpu_allocatable: String,
    pub cpu_requested: String,
    pub cpu_percent: Option<u32>,
    pub memory_allocatable: String,
    pub memory_requested: String,
    pub memory_percent: Option<u32>,
    pub pods: usize,
    pub failing_pods: Vec<String>,
    pub worst: Option<Severity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkloadRow {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub desired: Option<i64>,
    pub ready: Option<i64>,
    pub pods: usize,
    pub worst: Option<Severity>,
    pub worst_rule: Option<String>,
    pub worst_summary: Option<String>,
    /// Known only through owner references (not in a default dump).
    pub referenced_only: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimelineEntry {
    pub time: String,
    /// `event`, `termination` or `node-condition`.
    pub kind: &'static str,
    /// The lane: a namespace, or `node/NAME`.
    pub lane: String,
    pub object: String,
    pub reason: String,
    pub message: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub lanes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub namespaces: Vec<String>,
    pub unnamed_empty_namespaces: u64,
    /// What a default dump leaves out, said once for the reader.
    pub notes: Vec<String>,
    pub never_in_dump: Vec<&'static str>,
    pub log_fetch_errors: Vec<String>,
}

fn worst_for(findings: &[Finding], pred: impl Fn(&Finding) -> bool) -> Option<&Finding> {
    findings
        .iter()
        .filter(|f| pred(f))
        .max_by(|a, b| a.severity.cmp(&b.severity).then(b.id.cmp(&a.id)))
}

fn is_failing(pod: &Pod) -> bool {
    let p = &pod.status.phase;
    if p == "Succeeded" {
        return false;
    }
    if p == "Failed" || p == "Pending" || p == "Unknown" {
        return true;
    }
    !pod.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// Effective requests of a pod, by the scheduler's rule (native sidecars
/// included); shared with the node-overcommitted rule so the node table
/// and the finding always agree.
pub fn pod_requests(pod: &Pod, resource: &str) -> u64 {
    crate::analyze::rules::node_overcommitted::effective_requests(pod, resource)
}

pub fn nodes(ix: &DumpIndex, findings: &[Finding]) -> Vec<NodeRow> {
    ix.nodes
        .iter()
        .map(|n| {
            let node = &n.obj;
            let name = node.metadata.name.clone();
            let ready = node
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Ready")
                .map(|c| c.status.clone())
                .unwrap_or_else(|| "unknown".into());
            let bad_conditions = node
                .status
                .conditions
                .iter()
                .filter(|c| {
                    (c.type_ == "Ready") != (c.status == "True")
                        && !(c.type_ != "Ready" && c.status == "False")
                })
                .map(|c| {
                    format!(
                        "{}={}{}",
                        c.type_,
                        c.status,
                        if c.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", c.reason)
                        }
                    )
                })
                .collect();
            let on_node: Vec<&Pod> = ix
                .pods_on_node(&name)
                .iter()
                .map(|i| &ix.pods[*i].obj)
                .filter(|p| p.status.phase != "Succeeded" && p.status.phase != "Failed")
                .collect();
            let cpu_req: u64 = on_node.iter().map(|p| pod_requests(p, "cpu")).sum();
            let mem_req: u64 = on_node.iter().map(|p| pod_requests(p, "memory")).sum();
            let cpu_alloc = node
                .status
                .allocatable
                .get("cpu")
                .and_then(|v| quantity::cpu_millis(v));
            let mem_alloc = node
                .status
                .allocatable
                .get("memory")
                .and_then(|v| quantity::bytes(v));
            let pct = |req: u64, alloc: Option<u64>| {
                alloc
                    .filter(|a| *a > 0)
                    .map(|a| ((req as f64 / a as f64) * 100.0).round() as u32)
            };
            let failing_pods = ix
                .pods_on_node(&name)
                .iter()
                .map(|i| &ix.pods[*i].obj)
                .filter(|p| is_failing(p))
                .map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name))
                .collect();
            NodeRow {
                ready: ready.to_string(),
                bad_conditions,
                unschedulable: node.spec.unschedulable == Some(true),
                taints: node
                    .spec
                    .taints
                    .iter()
                    .map(|t| {
                        if t.value.is_empty() {
                            format!("{}:{}", t.key, t.effect)
                        } else {
                            format!("{}={}:{}", t.key, t.value, t.effect)
                        }
                    })
                    .collect(),
                kubelet: node.status.node_info.kubelet_version.to_string(),
                cpu_allocatable: cpu_alloc.map(quantity::format_cpu).unwrap_or_default(),
                cpu_requested: quantity::format_cpu(cpu_req),
                cpu_percent: pct(cpu_req, cpu_alloc),
                memory_allocatable: mem_alloc.map(quantity::format_bytes).unwrap_or_default(),
                memory_requested: quantity::format_bytes(mem_req),
                memory_percent: pct(mem_req, mem_alloc),
                pods: ix.pods_on_node(&name).len(),
                failing_pods,
                worst: worst_for(findings, |f| {
                    f.subject.kind == "Node" && f.subject.name == name
                })
                .map(|f| f.severity),
                name: name.to_string(),
            }
        })
        .collect()
}

pub fn workloads(ix: &DumpIndex, findings: &[Finding]) -> Vec<WorkloadRow> {
    let mut rows: BTreeMap<(String, String, String), WorkloadRow> = BTreeMap::new();
    for w in &ix.workloads {
        let m = &w.item.obj.metadata;
        // ReplicaSets of a Deployment appear under the Deployment.
        if w.kind == WorkloadKind::ReplicaSet
            && m.owner_references.iter().any(|o| o.kind == "Deployment")
        {
            continue;
        }
        let s = &w.item.obj.status;
        let (desired, ready) = match w.kind {
            WorkloadKind::DaemonSet => (s.desired_number_scheduled, s.number_ready),
            _ => (
                Some(w.item.obj.spec.replicas.unwrap_or(1)),
                Some(s.ready_replicas.unwrap_or(0)),
            ),
        };
        rows.insert(
            (
                m.namespace.to_string(),
                w.kind.as_str().to_string(),
                m.name.to_string(),
            ),
            WorkloadRow {
                kind: w.kind.as_str().into(),
                namespace: m.namespace.to_string(),
                name: m.name.to_string(),
                desired,
                ready,
                pods: 0,
                worst: None,
                worst_rule: None,
                worst_summary: None,
                referenced_only: false,
            },
        );
    }
    // Pods roll up to their top owner; owners the dump lacks get a row too.
    for (i, p) in ix.pods.iter().enumerate() {
        let Some(top) = ix.top_owner(i) else { continue };
        let key = (
            p.obj.metadata.namespace.to_string(),
            top.kind.clone(),
            top.name.clone(),
        );
        let row = rows.entry(key).or_insert_with(|| WorkloadRow {
            kind: top.kind.clone(),
            namespace: p.obj.metadata.namespace.to_string(),
            name: top.name.clone(),
            desired: None,
            ready: None,
            pods: 0,
            worst: None,
            worst_rule: None,
            worst_summary: None,
            referenced_only: true,
        });
        row.pods += 1;
        if row.referenced_only {
            let ready = !is_failing(&p.obj) || p.obj.status.phase == "Succeeded";
            row.ready = Some(row.ready.unwrap_or(0) + ready as i64);
        }
    }
    for row in rows.values_mut() {
        let worst = worst_for(findings, |f| {
            let w = f
                .workload
                .as_ref()
                .or((f.subject.kind == row.kind).then_some(&f.subject));
            w.is_some_and(|w| {
                w.kind == row.kind
                    && w.name == row.name
                    && w.namespace.as_deref() == Some(row.namespace.as_str())
            })
        });
        if let Some(f) = worst {
            row.worst = Some(f.severity);
            row.worst_rule = Some(f.rule.to_string());
            row.worst_summary = Some(f.summary.clone());
        }
    }
    let mut v: Vec<WorkloadRow> = rows.into_values().collect();
    v.sort_by(|a, b| {
        b.worst
            .cmp(&a.worst)
            .then((&a.namespace, &a.kind, &a.name).cmp(&(&b.namespace, &b.kind, &b.name)))
    });
    v
}

pub fn timeline(ix: &DumpIndex) -> Timeline {
    let mut entries = Vec::new();
    for e in &ix.events {
        let ev = &e.obj;
        if ev.type_ != "Warning" {
            continue;
        }
        let Some(t) = ev.last_seen() else { continue };
        let o = &ev.involved_object;
        let lane = if o.kind == "Node" {
            format!("node/{}", o.name)
        } else {
            o.namespace.to_string()
        };
        entries.push(TimelineEntry {
            time: norm(t),
            kind: "event",
            lane,
            object: format!("{} {}", o.kind, o.name),
            reason: ev.reason.to_string(),
            message: crate::analyze::context::clip(&ev.message, 300),
            count: ev.occurrences(),
        });
    }
    for p in &ix.pods {
        let pod = &p.obj;
        for s in pod
            .status
            .container_statuses
            .iter()
            .chain(&pod.status.init_container_statuses)
        {
            for st in [&s.state, &s.last_state] {
                if let Some(t) = &st.terminated {
                    if t.exit_code == 0 && t.reason == "Completed" {
                        continue;
                    }
                    let Some(at) = t.finished_at.as_deref() else {
                        continue;
                    };
                    entries.push(TimelineEntry {
                        time: norm(at),
                        kind: "termination",
                        lane: pod.metadata.namespace.to_string(),
                        object: format!("Pod {} / {}", pod.metadata.name, s.name),
                        reason: if t.reason.is_empty() {
                            "Terminated".into()
                        } else {
                            t.reason.to_string()
                        },
                        message: format!("exit code {}", t.exit_code),
                        count: 1,
                    });
                }
            }
        }
    }
    for n in &ix.nodes {
        for c in &n.obj.status.conditions {
            let healthy = (c.type_ == "Ready") == (c.status == "True");
            if healthy {
                continue;
            }
            let Some(at) = c.last_transition_time.as_deref() else {
                continue;
            };
            entries.push(TimelineEntry {
                time: norm(at),
                kind: "node-condition",
                lane: format!("node/{}", n.obj.metadata.name),
                object: format!("Node {}", n.obj.metadata.name),
                reason: format!("{}={}", c.type_, c.status),
                message: c.message.to_string(),
                count: 1,
            });
        }
    }
    entries.sort();
    let lanes: BTreeSet<String> = entries.iter().map(|e| e.lane.clone()).collect();
    Timeline {
        start: entries.first().map(|e| e.time.clone()),
        end: ix
            .snapshot
            .estimated_time
            .clone()
            .or(entries.last().map(|e| e.time.clone())),
        entries,
        lanes: lanes.into_iter().collect(),
    }
}

/// Whole-second UTC form, so entries sort by time as text.
fn norm(t: &str) -> String {
    crate::time::parse(t)
        .map(crate::time::format)
        .unwrap_or_else(|| t.to_string())
}

pub fn coverage(ix: &DumpIndex) -> Coverage {
    let mut notes = vec![
        "A default dump holds kube-system and the current namespace only; `--all-namespaces` or `--namespaces` widen it. Namespaces not listed here were not examined.".to_string(),
        "Logs are of the current container instance only: the log of a crash before the last restart is not in the dump (restartCount and lastState are the only trace).".to_string(),
        "Events go back about an hour (the API server's event TTL); older history is gone.".to_string(),
    ];
    if ix.dump.format.legacy_internal {
        notes.push(
            "Written by kubectl 1.10 or older: objects were read from kubectl's internal format."
                .into(),
        );
    }
    Coverage {
        namespaces: ix.namespaces.clone(),
        unnamed_empty_namespaces: ix.dump.unnamed_empty_namespaces,
        notes,
        never_in_dump: vec![
            "StatefulSets",
            "Jobs and CronJobs",
            "PersistentVolumeClaims and PersistentVolumes",
            "Endpoints and EndpointSlices",
            "Ingresses",
            "ConfigMaps and Secrets",
            "ResourceQuotas and LimitRanges",
            "HorizontalPodAutoscalers",
            "Custom resources",
        ],
        log_fetch_errors: ix
            .logs
            .iter()
            .filter_map(|l| {
                l.fetch_error.as_ref().map(|e| {
                    format!(
                        "{}/{} {}: {}",
                        l.namespace,
                        l.pod,
                        l.container.as_deref().unwrap_or("(all)"),
                        e
                    )
                })
            })
            .collect(),
    }
}
