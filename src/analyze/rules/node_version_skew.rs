//! node-version-skew: kubelets further behind (or ahead of) the control
//! plane than the Kubernetes version-skew policy supports.

use super::node_not_ready::kubelet_version;
use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::ObjectRef;
use std::collections::BTreeSet;

pub struct NodeVersionSkew;

impl Rule for NodeVersionSkew {
    fn id(&self) -> &'static str {
        "node-version-skew"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Node"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Kubelet version outside the supported skew",
            detects: "A node whose kubelet is more minor versions older than the control plane than the version-skew policy allows (3 minors from Kubernetes 1.28 on, 2 before), or newer than the API server (never supported). The API server's version is taken from the image tag of kube-system's kube-apiserver static pods when the dump holds them (kubeadm, kind, minikube, RKE2); otherwise, as the dump records no server version, from the newest kubelet in the cluster, which understates the skew when the control plane is newer still. One warning per node outside the skew. Nodes within the skew but on different minors (a rolling upgrade) are not reported.",
            evidence: "status.nodeInfo.kubeletVersion of every node, and the image of the kube-apiserver pods in kube-system.",
            why: "The node was left out of cluster upgrades: a node pool with auto-upgrade off, a hand-built node, or an upgrade that stopped half-way. The control plane moved on, and the old kubelet now talks to an API server newer than it was tested with: features the workload expects are missing on that node, and the next control-plane upgrade can stop it from working at all.",
            remediation: "Upgrade the node: drain it (`kubectl drain NAME --ignore-daemonsets --delete-emptydir-data`), upgrade the kubelet (node image, package, or the managed node pool's version), and uncordon it; or replace it with a new node of the current version. Keep node pools on auto-upgrade, and upgrade nodes before taking the control plane past the supported skew.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let versions: Vec<(usize, (u32, u32))> = cx
            .ix
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| minor_of(kubelet_version(&n.obj)).map(|v| (i, v)))
            .collect();
        if versions.is_empty() {
            return Vec::new();
        }
        let apiserver = apiserver_version(cx);
        let (reference, basis) = match &apiserver {
            Some((v, text)) => (
                *v,
                format!("the API server's version {text} (kube-apiserver image)"),
            ),
            None => {
                let newest = versions.iter().map(|(_, v)| *v).max().unwrap_or_default();
                (newest, format!("v{}.{}, the newest kubelet in the cluster (the dump does not record the control plane's version)", newest.0, newest.1))
            }
        };
        let allowed = allowed_skew(reference);
        let minors: BTreeSet<String> = versions
            .iter()
            .map(|(_, v)| format!("{}.{}", v.0, v.1))
            .collect();
        let mut out = Vec::new();
        for (i, v) in &versions {
            let item = &cx.ix.nodes[*i];
            let node = &item.obj;
            let name = node.metadata.name.as_str();
            let kubelet = kubelet_version(node);
            let behind = minors_between(*v, reference);
            let ahead = minors_between(reference, *v);
            let (summary, explanation) = if behind > allowed {
                (
                    format!(
                        "Node {name} runs kubelet {kubelet}, {behind} minor versions behind v{}.{} (at most {allowed} are supported)",
                        reference.0, reference.1
                    ),
                    format!(
                        "The kubelet on {name} is {kubelet}; the reference is {basis}. The version-skew policy lets a kubelet be at most {allowed} minor versions older than the API server{}, and this one is {behind} behind: it is outside what Kubernetes tests and supports, features the workloads expect may be missing on this node, and the next control-plane upgrade can leave it unable to work at all.",
                        if allowed == 3 { " (since Kubernetes 1.28; 2 before)" } else { " (3 from Kubernetes 1.28 on)" }
                    ),
                )
            } else if ahead > 0 && apiserver.is_some() {
                (
                    format!(
                        "Node {name} runs kubelet {kubelet}, newer than the API server v{}.{}",
                        reference.0, reference.1
                    ),
                    format!(
                        "The kubelet on {name} is {kubelet}, {ahead} minor version{} newer than {basis}. A kubelet must never be newer than the API server: it may use APIs the server does not serve yet.",
                        if ahead == 1 { "" } else { "s" }
                    ),
                )
            } else {
                continue;
            };
            out.push(
                Finding::new(self, ObjectRef::new("Node", "", name))
                    .node(name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation([
                        format!("Drain the node (`kubectl drain {name} --ignore-daemonsets --delete-emptydir-data`), upgrade its kubelet (node image, package, or the managed node pool's version) and `kubectl uncordon {name}`; or replace it with a node of the current version."),
                        "Keep node pools on auto-upgrade, and upgrade nodes before taking the control plane past the supported skew.".to_string(),
                    ])
                    .evidence(cx.evidence(item, "/status/nodeInfo/kubeletVersion", Some(format!("kubeletVersion: {kubelet}"))))
                    .fact("kubelet_version", kubelet)
                    .fact("reference_version", format!("{}.{}", reference.0, reference.1))
                    .fact("reference_source", if apiserver.is_some() { "kube-apiserver image" } else { "newest kubelet" })
                    .fact("minors_behind", behind)
                    .fact("minors_ahead", ahead)
                    .fact("allowed_skew", allowed)
                    .fact("cluster_kubelet_minors", minors.iter().cloned().collect::<Vec<_>>()),
            );
        }
        out
    }
}

/// How many minors a kubelet may trail the API server.
// See: https://kubernetes.io/releases/version-skew-policy/#kubelet
fn allowed_skew(reference: (u32, u32)) -> u32 {
    if reference >= (1, 28) {
        3
    } else {
        2
    }
}

/// Minor versions from `older` up to `newer` (0 when not older).
fn minors_between(older: (u32, u32), newer: (u32, u32)) -> u32 {
    if older.0 != newer.0 {
        // Kubernetes has only ever had major version 1.
        return 0;
    }
    newer.1.saturating_sub(older.1)
}

/// `v1.28.15` / `v1.18.4+k3s1` / `v1.30.5-eks-ce1d5eb` → (1, 28).
fn minor_of(version: &str) -> Option<(u32, u32)> {
    let v = version.trim().trim_start_matches('v');
    let mut parts = v.split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor_text = parts.next()?;
    let digits: String = minor_text
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((major, digits.parse().ok()?))
}

/// The API server's version, from the image tag of the kube-apiserver
/// pods (static pods of kubeadm, kind, minikube, RKE2): the newest one.
fn apiserver_version(cx: &Context<'_>) -> Option<((u32, u32), String)> {
    cx.ix
        .pods
        .iter()
        .map(|p| &p.obj)
        .filter(|p| p.metadata.namespace == "kube-system")
        .filter(|p| {
            p.metadata.labels.get("component").map(|s| s.as_str()) == Some("kube-apiserver")
                || p.metadata.name.starts_with("kube-apiserver-")
        })
        .flat_map(|p| p.spec.containers.iter())
        .filter(|c| {
            c.name == "kube-apiserver"
                || c.image.contains("kube-apiserver")
                || c.image.contains("kubernetes")
        })
        .filter_map(|c| {
            let tag = c.image.rsplit_once(':')?.1;
            let tag = tag.split('@').next()?;
            minor_of(tag).map(|v| (v, tag.to_string()))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
}

#[cfg(test)]
mod tests {
    use super::minor_of;
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn versioned(name: &str, v: &str) -> serde_json::Value {
        let mut n = node(name);
        n["status"]["nodeInfo"]["kubeletVersion"] = v.into();
        n
    }

    #[test]
    fn versions() {
        assert_eq!(minor_of("v1.28.15"), Some((1, 28)));
        assert_eq!(minor_of("v1.18.4+k3s1"), Some((1, 18)));
        assert_eq!(minor_of("v1.30.5-eks-ce1d5eb"), Some((1, 30)));
        assert_eq!(minor_of("v1.28.3-rke2r1-build20231009"), Some((1, 28)));
        assert_eq!(minor_of("1.9+"), Some((1, 9)));
        assert_eq!(minor_of(""), None);
        assert_eq!(minor_of("latest"), None);
    }

    #[test]
    fn fires_beyond_the_skew_and_not_within_it() {
        let d = TinyDump {
            nodes: vec![
                versioned("new", "v1.32.4"),
                versioned("mid", "v1.29.10"),
                versioned("old", "v1.28.15"),
            ],
            ..Default::default()
        };
        let f = d.findings_of("node-version-skew");
        assert_eq!(f.len(), 1, "1.29 is 3 behind, within the skew");
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.summary, "Node old runs kubelet v1.28.15, 4 minor versions behind v1.32 (at most 3 are supported)");
        assert!(
            f.explanation.contains("the newest kubelet in the cluster"),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["minors_behind"], 4);
        assert_eq!(
            f.facts["cluster_kubelet_minors"],
            json!(["1.28", "1.29", "1.32"])
        );
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/2/status/nodeInfo/kubeletVersion")
        );
    }

    #[test]
    fn uses_the_apiserver_image_and_the_old_policy_before_1_28() {
        let mut apiserver = pod("kube-system", "kube-apiserver-cp", "cp");
        apiserver["metadata"]["labels"] =
            json!({"component": "kube-apiserver", "tier": "control-plane"});
        apiserver["spec"]["containers"][0]["name"] = "kube-apiserver".into();
        apiserver["spec"]["containers"][0]["image"] =
            "registry.k8s.io/kube-apiserver:v1.27.3".into();
        let d = TinyDump {
            nodes: vec![
                versioned("cp", "v1.27.3"),
                versioned("w1", "v1.24.9"),
                versioned("w2", "v1.28.0"),
            ],
            pods: vec![apiserver],
            ..Default::default()
        };
        let mut f = d.findings_of("node-version-skew");
        f.sort_by_key(|f| f.subject.name.clone());
        assert_eq!(f.len(), 2);
        assert!(
            f[0].summary
                .contains("3 minor versions behind v1.27 (at most 2 are supported)"),
            "{}",
            f[0].summary
        );
        assert_eq!(
            f[1].summary,
            "Node w2 runs kubelet v1.28.0, newer than the API server v1.27"
        );
        assert_eq!(f[1].facts["reference_source"], "kube-apiserver image");
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("node-version-skew");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        assert_eq!(f[0].subject.name, "worker-3");
        assert_eq!(f[0].facts["kubelet_version"], "v1.28.15");
        assert_eq!(f[0].facts["minors_behind"], 4);
    }
}
