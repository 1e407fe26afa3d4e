//! Test support for rules: builds a real index from a few objects, by
//! writing them as a kubectl directory dump into a temporary folder and
//! reading it back through the normal ingest path.

use crate::analyze::{analyze, Analysis, Finding};
use crate::index::DumpIndex;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Objects of a tiny dump. Namespaced objects go to the namespace in
/// their `metadata.namespace` (default `default`).
#[derive(Default)]
pub struct TinyDump {
    pub nodes: Vec<Value>,
    pub pods: Vec<Value>,
    pub events: Vec<Value>,
    pub services: Vec<Value>,
    pub deployments: Vec<Value>,
    pub replicasets: Vec<Value>,
    pub daemonsets: Vec<Value>,
    pub replication_controllers: Vec<Value>,
    /// (namespace, pod, container) -> log body.
    pub logs: BTreeMap<(String, String, String), Vec<u8>>,
}

impl TinyDump {
    /// Writes the dump and reads it back. The temp dir lives as long as
    /// the index (the index reads logs from it).
    pub fn build(&self) -> (tempfile::TempDir, DumpIndex) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let list = |kind: &str, items: &[Value]| {
            serde_json::to_vec_pretty(
                &json!({"kind": kind, "apiVersion": "v1", "metadata": {}, "items": items}),
            )
            .unwrap()
        };
        std::fs::write(root.join("nodes.json"), list("NodeList", &self.nodes)).unwrap();
        let ns_of = |v: &Value| {
            v["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string()
        };
        let mut namespaces: std::collections::BTreeSet<String> = ["default".to_string()].into();
        for v in self
            .pods
            .iter()
            .chain(&self.events)
            .chain(&self.services)
            .chain(&self.deployments)
            .chain(&self.replicasets)
            .chain(&self.daemonsets)
            .chain(&self.replication_controllers)
        {
            namespaces.insert(ns_of(v));
        }
        for ns in &namespaces {
            let d = root.join(ns);
            std::fs::create_dir_all(&d).unwrap();
            let pick = |v: &[Value]| {
                v.iter()
                    .filter(|x| &ns_of(x) == ns)
                    .cloned()
                    .collect::<Vec<_>>()
            };
            for (file, kind, items) in [
                ("events", "EventList", pick(&self.events)),
                (
                    "replication-controllers",
                    "ReplicationControllerList",
                    pick(&self.replication_controllers),
                ),
                ("services", "ServiceList", pick(&self.services)),
                ("daemonsets", "DaemonSetList", pick(&self.daemonsets)),
                ("deployments", "DeploymentList", pick(&self.deployments)),
                ("replicasets", "ReplicaSetList", pick(&self.replicasets)),
                ("pods", "PodList", pick(&self.pods)),
            ] {
                std::fs::write(d.join(format!("{file}.json")), list(kind, &items)).unwrap();
            }
            for p in pick(&self.pods) {
                let name = p["metadata"]["name"].as_str().unwrap().to_string();
                let pd = d.join(&name);
                std::fs::create_dir_all(&pd).unwrap();
                let mut text = Vec::new();
                let containers = p["spec"]["initContainers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(p["spec"]["containers"].as_array().into_iter().flatten());
                for c in containers {
                    let c = c["name"].as_str().unwrap();
                    text.extend(
                        format!("==== START logs for container {c} of pod {ns}/{name} ====\n")
                            .as_bytes(),
                    );
                    match self.logs.get(&(ns.clone(), name.clone(), c.to_string())) {
                        Some(body) => text.extend(body),
                        None => text.extend(format!("Request log error: the server rejected our request for an unknown reason (get pods {name})\n").as_bytes()),
                    }
                    text.extend(
                        format!("==== END logs for container {c} of pod {ns}/{name} ====\n")
                            .as_bytes(),
                    );
                }
                std::fs::write(pd.join("logs.txt"), text).unwrap();
            }
        }
        let ix = crate::open(root).expect("tiny dump reads");
        (dir, ix)
    }

    /// Every rule run over this dump, as in a real report, for tests that
    /// look at more than one rule's findings.
    pub fn analysis(&self) -> Analysis {
        let (_dir, ix) = self.build();
        analyze(&ix)
    }

    /// What most rule tests check: one rule's findings on this dump, in
    /// report order. Every rule runs, as in a real report, because some
    /// findings depend on others (warning-events drops what they explain).
    pub fn findings_of(&self, rule: &str) -> Vec<Finding> {
        self.analysis().findings_of(rule)
    }
}

impl Analysis {
    /// One rule's findings in report order, for tests that also look at
    /// the rest of the analysis. Cloned, like [`TinyDump::findings_of`]'s,
    /// so every helper hands tests the same type.
    pub fn findings_of(&self, rule: &str) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| f.rule == rule)
            .cloned()
            .collect()
    }
}

/// The demo dump and its analysis, for the demo tests that look past one
/// rule: at the index, or at every rule's findings.
pub fn demo_analyzed() -> (DumpIndex, Analysis) {
    let ix = crate::open(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo"))
        .expect("demo dump reads");
    let a = analyze(&ix);
    (ix, a)
}

/// [`TinyDump::findings_of`] on the demo dump (`testdata/demo`).
pub fn demo_findings_of(rule: &str) -> Vec<Finding> {
    demo_analyzed().1.findings_of(rule)
}

/// A Ready node.
pub fn node(name: &str) -> Value {
    json!({
        "metadata": {"name": name, "uid": format!("uid-{name}"), "labels": {"kubernetes.io/hostname": name}},
        "spec": {},
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": "3920m", "memory": "15Gi", "pods": "110"},
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": "2025-06-01T11:59:00Z", "lastTransitionTime": "2025-05-01T00:00:00Z"},
                {"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": "2025-06-01T11:59:00Z", "lastTransitionTime": "2025-05-01T00:00:00Z"}
            ],
            "nodeInfo": {"kubeletVersion": "v1.32.4"}
        }
    })
}

/// A running, ready pod with one container `app` on `node`.
pub fn pod(ns: &str, name: &str, node: &str) -> Value {
    json!({
        "metadata": {"name": name, "namespace": ns, "uid": format!("uid-{name}"), "labels": {"app": name}, "creationTimestamp": "2025-06-01T10:00:00Z"},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "registry.example.com/app:1.0", "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]}]},
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": "2025-06-01T10:00:10Z"},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-06-01T10:00:00Z"}
            ],
            "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "registry.example.com/app:1.0", "state": {"running": {"startedAt": "2025-06-01T10:00:05Z"}}}]
        }
    })
}

/// A core/v1 event about an object.
pub fn event(
    ns: &str,
    kind: &str,
    name: &str,
    type_: &str,
    reason: &str,
    message: &str,
    count: i64,
) -> Value {
    json!({
        "metadata": {"name": format!("{name}.{reason}"), "namespace": ns, "uid": format!("ev-{name}-{reason}")},
        "involvedObject": {"kind": kind, "namespace": ns, "name": name, "uid": format!("uid-{name}")},
        "reason": reason, "message": message, "type": type_, "count": count,
        "firstTimestamp": "2025-06-01T11:00:00Z", "lastTimestamp": "2025-06-01T11:58:00Z",
        "source": {"component": "kubelet"}
    })
}
