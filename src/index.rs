//! The index: one read-only view of a dump that every analyzer queries.
//!
//! Objects are flattened into vectors in dump order and looked up through
//! maps built once: pods by name and by node, events by the object they
//! involve (uid, and kind/namespace/name, since events of deleted and
//! re-created objects carry stale uids), workloads by name and uid, log
//! sections by container. Owner chains are resolved once per pod: Pod ->
//! ReplicaSet -> Deployment from the dump's own objects, and owners the dump
//! never holds (StatefulSet, Job, CronJob) kept by name.

use crate::dump::logs::LogSection;
use crate::dump::version::{self, VersionRange};
use crate::dump::{Dump, Located};
use crate::model::*;
use crate::time;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The kinds a pod can roll up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum WorkloadKind {
    Deployment,
    ReplicaSet,
    DaemonSet,
    ReplicationController,
    StatefulSet,
    Job,
    CronJob,
}

impl WorkloadKind {
    pub fn parse(kind: &str) -> Option<WorkloadKind> {
        Some(match kind {
            "Deployment" => WorkloadKind::Deployment,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "DaemonSet" => WorkloadKind::DaemonSet,
            "ReplicationController" => WorkloadKind::ReplicationController,
            "StatefulSet" => WorkloadKind::StatefulSet,
            "Job" => WorkloadKind::Job,
            "CronJob" => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// Kinds a default dump holds; the others are known only by reference.
    pub fn in_dump(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::DaemonSet
                | WorkloadKind::ReplicationController
        )
    }
}

/// One step of an owner chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerLink {
    pub kind: String,
    pub name: String,
    /// Index into [`DumpIndex::workloads`] when the object is in the dump.
    pub workload: Option<usize>,
    /// Derived from a naming convention, not from an ownerReference.
    pub inferred: bool,
}

/// A Deployment, ReplicaSet, DaemonSet or ReplicationController.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadEntry {
    pub kind: WorkloadKind,
    pub item: Located<Workload>,
}

/// When the snapshot was taken. The dump records no time, so it is
/// estimated as the newest time stamp any object carries: the dump was made
/// after all of them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SnapshotTime {
    pub estimated_time: Option<String>,
    /// Which field gave the estimate.
    pub basis: Option<String>,
    pub newest_node_heartbeat: Option<String>,
    pub newest_event: Option<String>,
    /// Newest modification time of the dump files (when archives kept it).
    pub newest_file_mtime: Option<String>,
}

pub struct DumpIndex {
    /// Format, inputs, problems and fingerprints (objects moved out).
    pub dump: Dump,
    pub version: VersionRange,
    pub snapshot: SnapshotTime,
    pub namespaces: Vec<String>,
    pub nodes: Vec<Located<Node>>,
    pub pods: Vec<Located<Pod>>,
    pub events: Vec<Located<Event>>,
    pub services: Vec<Located<Service>>,
    pub workloads: Vec<WorkloadEntry>,
    pub logs: Vec<LogSection>,
    /// Owner chain of each pod, nearest owner first (same order as `pods`).
    pub pod_owners: Vec<Vec<OwnerLink>>,
    pod_by_name: HashMap<(String, String), usize>,
    pods_by_node: BTreeMap<String, Vec<usize>>,
    node_by_name: HashMap<String, usize>,
    events_by_uid: HashMap<String, Vec<usize>>,
    events_by_ref: HashMap<(String, String, String), Vec<usize>>,
    workload_by_ref: HashMap<(WorkloadKind, String, String), usize>,
    workload_by_uid: HashMap<String, usize>,
    logs_by_container: HashMap<(String, String, String), usize>,
}

impl DumpIndex {
    pub fn build(mut dump: Dump) -> DumpIndex {
        let version = version::guess(&dump.fingerprints, &dump.format);
        let nodes = std::mem::take(&mut dump.nodes);
        let logs = std::mem::take(&mut dump.logs);
        let namespaces_map = std::mem::take(&mut dump.namespaces);
        let namespaces: Vec<String> = namespaces_map.keys().cloned().collect();
        // Exact capacities: these vectors hold every object of the dump,
        // and growing them by doubling left up to half of each unused
        // (part of 50 MB on a 10,000-pod report, with `model::list`).
        let total = |f: &dyn Fn(&crate::dump::Namespace) -> usize| -> usize {
            namespaces_map.values().map(f).sum()
        };
        let mut pods = Vec::with_capacity(total(&|ns| ns.pods.len()));
        let mut events = Vec::with_capacity(total(&|ns| ns.events.len()));
        let mut services = Vec::with_capacity(total(&|ns| ns.services.len()));
        let mut workloads = Vec::with_capacity(total(&|ns| {
            ns.deployments.len()
                + ns.replicasets.len()
                + ns.daemonsets.len()
                + ns.replication_controllers.len()
        }));
        for (_, ns) in namespaces_map {
            pods.extend(ns.pods);
            events.extend(ns.events);
            services.extend(ns.services);
            for (kind, list) in [
                (WorkloadKind::Deployment, ns.deployments),
                (WorkloadKind::ReplicaSet, ns.replicasets),
                (WorkloadKind::DaemonSet, ns.daemonsets),
                (
                    WorkloadKind::ReplicationController,
                    ns.replication_controllers,
                ),
            ] {
                workloads.extend(list.into_iter().map(|item| WorkloadEntry { kind, item }));
            }
        }
        let mut ix = DumpIndex {
            dump,
            version,
            snapshot: SnapshotTime::default(),
            namespaces,
            nodes,
            pods,
            events,
            services,
            workloads,
            logs,
            pod_owners: Vec::new(),
            pod_by_name: HashMap::new(),
            pods_by_node: BTreeMap::new(),
            node_by_name: HashMap::new(),
            events_by_uid: HashMap::new(),
            events_by_ref: HashMap::new(),
            workload_by_ref: HashMap::new(),
            workload_by_uid: HashMap::new(),
            logs_by_container: HashMap::new(),
        };
        ix.build_maps();
        ix.pod_owners = (0..ix.pods.len()).map(|i| ix.resolve_owners(i)).collect();
        ix.snapshot = ix.estimate_snapshot_time();
        ix
    }

    fn build_maps(&mut self) {
        for (i, n) in self.nodes.iter().enumerate() {
            self.node_by_name
                .entry(n.obj.metadata.name.to_string())
                .or_insert(i);
        }
        for (i, p) in self.pods.iter().enumerate() {
            let m = &p.obj.metadata;
            self.pod_by_name
                .entry((m.namespace.to_string(), m.name.to_string()))
                .or_insert(i);
            if !p.obj.spec.node_name.is_empty() {
                self.pods_by_node
                    .entry(p.obj.spec.node_name.to_string())
                    .or_default()
                    .push(i);
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            let o = &e.obj.involved_object;
            if !o.uid.is_empty() {
                self.events_by_uid
                    .entry(o.uid.to_string())
                    .or_default()
                    .push(i);
            }
            // Node events carry no namespace (or `default` in old clusters).
            let ns = if o.kind == "Node" {
                String::new()
            } else {
                o.namespace.to_string()
            };
            self.events_by_ref
                .entry((o.kind.to_string(), ns, o.name.to_string()))
                .or_default()
                .push(i);
        }
        for (i, w) in self.workloads.iter().enumerate() {
            let m = &w.item.obj.metadata;
            self.workload_by_ref
                .entry((w.kind, m.namespace.to_string(), m.name.to_string()))
                .or_insert(i);
            if !m.uid.is_empty() {
                self.workload_by_uid.entry(m.uid.to_string()).or_insert(i);
            }
        }
        for (i, l) in self.logs.iter().enumerate() {
            if let Some(c) = &l.container {
                self.logs_by_container
                    .entry((l.namespace.clone(), l.pod.clone(), c.clone()))
                    .or_insert(i);
            }
        }
    }

    fn resolve_owners(&self, pod: usize) -> Vec<OwnerLink> {
        let meta = &self.pods[pod].obj.metadata;
        let mut chain = Vec::new();
        let mut refs = controller_ref(&meta.owner_references);
        let mut ns = meta.namespace.clone();
        let mut labels = meta.labels.clone();
        // Owner chains are short (at most Pod -> RS -> Deployment, or
        // Pod -> Job -> CronJob); the bound guards against cycles in
        // hand-edited dumps.
        for _ in 0..4 {
            let Some(r) = refs else { break };
            let kind = WorkloadKind::parse(&r.kind);
            let found = self
                .workload_by_uid
                .get(r.uid.as_str())
                .copied()
                .filter(|i| self.workloads[*i].item.obj.metadata.name == r.name)
                .or_else(|| {
                    kind.and_then(|k| {
                        self.workload_by_ref
                            .get(&(k, ns.to_string(), r.name.to_string()))
                            .copied()
                    })
                });
            chain.push(OwnerLink {
                kind: r.kind.to_string(),
                name: r.name.to_string(),
                workload: found,
                inferred: false,
            });
            match found {
                Some(i) => {
                    let w = &self.workloads[i].item.obj.metadata;
                    refs = controller_ref(&w.owner_references);
                    ns = w.namespace.clone();
                    labels = w.labels.clone();
                }
                None => {
                    // The owner is not in the dump: follow naming
                    // conventions one more step, and say so.
                    if let Some(up) = infer_parent(kind, &r.name, &labels) {
                        let found = WorkloadKind::parse(&up.0).and_then(|k| {
                            self.workload_by_ref
                                .get(&(k, ns.to_string(), up.1.clone()))
                                .copied()
                        });
                        chain.push(OwnerLink {
                            kind: up.0,
                            name: up.1,
                            workload: found,
                            inferred: true,
                        });
                    }
                    break;
                }
            }
        }
        chain
    }

    fn estimate_snapshot_time(&self) -> SnapshotTime {
        let mut best: Option<(jiff::Timestamp, String, &'static str)> = None;
        let mut consider = |t: Option<&str>, basis: &'static str| {
            if let Some(ts) = t.and_then(time::parse) {
                if best.as_ref().is_none_or(|b| ts > b.0) {
                    best = Some((ts, t.unwrap_or_default().to_string(), basis));
                }
            }
        };
        let mut heartbeat: Option<jiff::Timestamp> = None;
        for n in &self.nodes {
            for c in &n.obj.status.conditions {
                consider(
                    c.last_heartbeat_time.as_deref(),
                    "node condition lastHeartbeatTime",
                );
                consider(
                    c.last_transition_time.as_deref(),
                    "node condition lastTransitionTime",
                );
                if let Some(t) = c.last_heartbeat_time.as_deref().and_then(time::parse) {
                    heartbeat = heartbeat.max(Some(t));
                }
            }
        }
        let mut newest_event: Option<jiff::Timestamp> = None;
        for e in &self.events {
            consider(e.obj.last_seen(), "event time");
            if let Some(t) = e.obj.last_seen().and_then(time::parse) {
                newest_event = newest_event.max(Some(t));
            }
        }
        for p in &self.pods {
            consider(
                p.obj.metadata.creation_timestamp.as_deref(),
                "pod creationTimestamp",
            );
            for c in &p.obj.status.conditions {
                consider(
                    c.last_transition_time.as_deref(),
                    "pod condition lastTransitionTime",
                );
            }
            for s in p
                .obj
                .status
                .container_statuses
                .iter()
                .chain(&p.obj.status.init_container_statuses)
            {
                for st in [&s.state, &s.last_state] {
                    if let Some(r) = &st.running {
                        consider(r.started_at.as_deref(), "container startedAt");
                    }
                    if let Some(t) = &st.terminated {
                        consider(t.finished_at.as_deref(), "container finishedAt");
                    }
                }
            }
        }
        for w in &self.workloads {
            consider(
                w.item.obj.metadata.creation_timestamp.as_deref(),
                "workload creationTimestamp",
            );
            for c in &w.item.obj.status.conditions {
                consider(
                    c.last_update_time.as_deref(),
                    "workload condition lastUpdateTime",
                );
            }
        }
        SnapshotTime {
            estimated_time: best.as_ref().map(|b| time::format(b.0)),
            basis: best.map(|b| format!("newest time stamp in the dump ({})", b.2)),
            newest_node_heartbeat: heartbeat.map(time::format),
            newest_event: newest_event.map(time::format),
            newest_file_mtime: self
                .dump
                .newest_mtime
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(time::format),
        }
    }

    // ------------------------------------------------------------ lookups

    /// The index (into `pods`) of a pod found by name.
    pub fn pod_index(&self, namespace: &str, name: &str) -> Option<usize> {
        self.pod_by_name
            .get(&(namespace.to_string(), name.to_string()))
            .copied()
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Located<Pod>> {
        self.pod_by_name
            .get(&(namespace.to_string(), name.to_string()))
            .map(|i| &self.pods[*i])
    }

    pub fn node(&self, name: &str) -> Option<&Located<Node>> {
        self.node_by_name.get(name).map(|i| &self.nodes[*i])
    }

    /// Pods scheduled on a node (indices into `pods`).
    pub fn pods_on_node(&self, node: &str) -> &[usize] {
        self.pods_by_node
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Events about an object: by uid, and by kind/namespace/name for events
    /// whose uid differs (the object was re-created) or is missing.
    pub fn events_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        uid: &str,
    ) -> Vec<&Located<Event>> {
        let ns = if kind == "Node" { "" } else { namespace };
        let mut ids: Vec<usize> = Vec::new();
        if !uid.is_empty() {
            if let Some(v) = self.events_by_uid.get(uid) {
                ids.extend(v);
            }
        }
        if let Some(v) =
            self.events_by_ref
                .get(&(kind.to_string(), ns.to_string(), name.to_string()))
        {
            ids.extend(v.iter().filter(|i| {
                let o = &self.events[**i].obj.involved_object;
                // The kubelet sets a node event's involvedObject.uid to the
                // node's *name*, so node events match by name alone.
                kind == "Node" || uid.is_empty() || o.uid.is_empty() || o.uid == uid
            }));
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|i| &self.events[i]).collect()
    }

    pub fn workload(
        &self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
    ) -> Option<&WorkloadEntry> {
        self.workload_by_ref
            .get(&(kind, namespace.to_string(), name.to_string()))
            .map(|i| &self.workloads[*i])
    }

    /// The log section of one container, if the dump has one.
    pub fn log_for(&self, namespace: &str, pod: &str, container: &str) -> Option<&LogSection> {
        self.logs_by_container
            .get(&(
                namespace.to_string(),
                pod.to_string(),
                container.to_string(),
            ))
            .map(|i| &self.logs[*i])
    }

    /// The workload a pod rolls up to: the top of its owner chain.
    pub fn top_owner(&self, pod: usize) -> Option<&OwnerLink> {
        self.pod_owners[pod].last()
    }

    /// Counts for `inspect`.
    pub fn counts(&self) -> Counts {
        let count = |k: WorkloadKind| self.workloads.iter().filter(|w| w.kind == k).count() as u64;
        Counts {
            nodes: self.nodes.len() as u64,
            pods: self.pods.len() as u64,
            containers: self
                .pods
                .iter()
                .map(|p| (p.obj.spec.containers.len() + p.obj.spec.init_containers.len()) as u64)
                .sum(),
            events: self.events.len() as u64,
            services: self.services.len() as u64,
            deployments: count(WorkloadKind::Deployment),
            replicasets: count(WorkloadKind::ReplicaSet),
            daemonsets: count(WorkloadKind::DaemonSet),
            replicationcontrollers: count(WorkloadKind::ReplicationController),
            container_logs: self.logs.iter().filter(|l| l.has_log()).count() as u64,
            container_log_errors: self.logs.iter().filter(|l| l.fetch_error.is_some()).count()
                as u64,
            log_bytes: self
                .logs
                .iter()
                .filter(|l| l.has_log())
                .map(|l| l.len())
                .sum(),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub nodes: u64,
    pub pods: u64,
    pub containers: u64,
    pub events: u64,
    pub services: u64,
    pub deployments: u64,
    pub replicasets: u64,
    pub daemonsets: u64,
    pub replicationcontrollers: u64,
    pub container_logs: u64,
    pub container_log_errors: u64,
    pub log_bytes: u64,
}

/// The controlling owner reference (`controller: true`), else the first.
fn controller_ref(refs: &[OwnerReference]) -> Option<OwnerReference> {
    refs.iter()
        .find(|r| r.controller == Some(true))
        .or_else(|| refs.first())
        .cloned()
}

/// The owner of an owner that is missing from the dump, from the names
/// Kubernetes controllers generate: ReplicaSet `<deployment>-<pod-template-hash>`,
/// Job `<cronjob>-<scheduled minutes>`.
fn infer_parent(
    kind: Option<WorkloadKind>,
    name: &str,
    labels: &crate::model::Map,
) -> Option<(String, String)> {
    match kind? {
        WorkloadKind::ReplicaSet => {
            let hash = labels.get("pod-template-hash")?;
            let base = name.strip_suffix(hash.as_str())?.strip_suffix('-')?;
            (!base.is_empty()).then(|| ("Deployment".to_string(), base.to_string()))
        }
        WorkloadKind::Job => {
            let (base, suffix) = name.rsplit_once('-')?;
            // CronJob controllers name jobs after the scheduled time in
            // minutes since the epoch: 8 or more digits.
            (suffix.len() >= 8 && suffix.bytes().all(|b| b.is_ascii_digit()) && !base.is_empty())
                .then(|| ("CronJob".to_string(), base.to_string()))
        }
        _ => None,
    }
}
