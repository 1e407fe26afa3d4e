//! pod-stuck-creating: a scheduled pod whose containers never get created
//! because the kubelet cannot set the pod up: a volume that cannot be
//! mounted or attached, or a pod sandbox (network namespace, CNI) that
//! cannot be created.
//!
//! Its containers wait in `ContainerCreating` (or `PodInitializing` when it
//! has init containers) and carry no message; the cause is only in the
//! pod's events (FailedMount, FailedAttachVolume, FailedCreatePodSandBox,
//! NetworkNotReady, …). A pod whose init containers run or fail is left to
//! init-container-failure; image pulls (also shown as ContainerCreating
//! while in progress) are left to image-pull-failure.

use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Event, Json, Pod};
use crate::time;
use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;

pub struct PodStuckCreating;

/// Event reasons of the kubelet failing to set a pod up.
const SETUP_FAILURES: &[&str] = &[
    "FailedMount",
    "FailedAttachVolume",
    "FailedMapVolume",
    "FailedCreatePodSandBox",
    "NetworkNotReady",
    "FailedSync",
    "FailedCreatePodContainer",
];
/// Stuck longer than this with setup-failure events is critical.
const CRITICAL_AFTER: i64 = 10 * 60;
/// Without such events (they expire after an hour), a pod is reported only
/// after this long, as a warning.
const SILENT_AFTER: i64 = 15 * 60;

static RE_VOLUME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"volume "([^"]+)""#).unwrap());
static RE_MISSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(secret|configmap|persistentvolumeclaim)s? "([^"]+)" not found"#).unwrap()
});
static RE_UNMOUNTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"unmounted volumes=\[([^\]]*)\]").unwrap());

impl Rule for PodStuckCreating {
    fn id(&self) -> &'static str {
        "pod-stuck-creating"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Pod stuck creating (volume or sandbox setup fails)",
            detects: "A scheduled, Pending pod whose containers wait in ContainerCreating or PodInitializing while its events show the kubelet failing to set it up: FailedMount, FailedAttachVolume, FailedMapVolume, FailedCreatePodSandBox, NetworkNotReady, FailedSync. Critical after 10 minutes, a warning before. A pod stuck more than 15 minutes with no such events (they expire after an hour) is a warning. The missing Secret, ConfigMap or volume, or the CNI error, is named.",
            evidence: "The waiting reasons of the container statuses, the PodScheduled condition (when the wait began), the pod's setup-failure events and their messages, and the pod's volumes in the spec (which source each volume has).",
            why: "Before any container starts, the kubelet mounts every volume and creates the pod sandbox. A volume fails when its Secret or ConfigMap does not exist, a PersistentVolume cannot be attached (still attached to another node: Multi-Attach; cloud attach limits or zone), a CSI driver is not running on the node, an NFS/iSCSI server is unreachable, or a hostPath has the wrong type. A sandbox fails when the CNI plugin is not ready or out of IP addresses.",
            remediation: "Read the event message. Create the missing Secret or ConfigMap (or fix the name). For attach errors, check where the volume is attached (`kubectl get volumeattachments`) and let the old pod terminate; for CSI errors check the driver's DaemonSet on that node. For sandbox errors check the CNI pods and logs on the node (`kubectl -n kube-system get pods -o wide`). The kubelet retries by itself.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase != "Pending"
                || pod.spec.node_name.is_empty()
                || pod.metadata.deletion_timestamp.is_some()
            {
                continue;
            }
            let creating = |r: &str| r == "ContainerCreating" || r == "PodInitializing";
            let waiting: Vec<&str> = pod
                .status
                .container_statuses
                .iter()
                .chain(&pod.status.init_container_statuses)
                .filter_map(|s| s.state.waiting.as_ref())
                .map(|w| w.reason.as_str())
                .collect();
            if !waiting.iter().any(|r| creating(r)) {
                continue;
            }
            // Init containers that run or fail explain the wait themselves.
            let init_busy = pod.status.init_container_statuses.iter().any(|s| {
                let sidecar = pod
                    .spec
                    .init_containers
                    .iter()
                    .any(|c| c.name == s.name && c.restart_policy.as_deref() == Some("Always"));
                (s.state.running.is_some() && !sidecar)
                    || s.state
                        .waiting
                        .as_ref()
                        .is_some_and(|w| !creating(&w.reason))
                    || s.state
                        .terminated
                        .as_ref()
                        .is_some_and(|t| t.exit_code != 0)
            });
            // Any other waiting reason (an image pull, a config error) is
            // someone else's finding.
            if init_busy || waiting.iter().any(|r| !creating(r)) {
                continue;
            }
            if let Some(f) = self.finding(cx, pi, item) {
                out.push(f);
            }
        }
        out
    }
}

#[derive(Debug, Serialize)]
struct Missing {
    kind: String,
    name: String,
}

impl PodStuckCreating {
    fn finding(&self, cx: &Context<'_>, pi: usize, item: &Located<Pod>) -> Option<Finding> {
        let pod = &item.obj;
        let ns = &pod.metadata.namespace;
        let name = &pod.metadata.name;
        let all_events = cx.events_of("Pod", &pod.metadata);
        let failures: Vec<&Located<Event>> = all_events
            .iter()
            .filter(|e| e.obj.type_ == "Warning" && SETUP_FAILURES.contains(&e.obj.reason.as_str()))
            .copied()
            .collect();
        let since = condition(&pod.status.conditions, "PodScheduled")
            .filter(|(_, c)| c.status == "True")
            .and_then(|(_, c)| c.last_transition_time.as_deref())
            .or(pod.metadata.creation_timestamp.as_deref());
        let stuck = cx.age(since);
        let severity = match (failures.is_empty(), stuck) {
            (false, Some(s)) if s < CRITICAL_AFTER => Severity::Warning,
            (false, _) => Severity::Critical,
            (true, Some(s)) if s >= SILENT_AFTER => Severity::Warning,
            (true, _) => return None,
        };
        // The most telling failure: the most frequent, newest first on ties.
        let main = failures
            .iter()
            .max_by_key(|e| (cause_rank(&e.obj), e.obj.occurrences()))
            .copied();
        let waiting_reason = if pod.status.container_statuses.iter().any(|s| {
            s.state
                .waiting
                .as_ref()
                .is_some_and(|w| w.reason == "ContainerCreating")
        }) {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        let stuck_text = stuck
            .map(|s| format!(" for {}", time::human(s)))
            .unwrap_or_default();

        let Some(main) = main else {
            // Silent: no events left to say why.
            let f = Finding::new(self, cx.pod_ref(pod))
                .severity(severity)
                .workload(cx.workload_of(pi))
                .node(&pod.spec.node_name)
                .summary(format!("Pod {ns}/{name} stuck in {waiting_reason}{stuck_text} on {}", pod.spec.node_name))
                .explanation(format!(
                    "The pod was scheduled to {} but its containers have been waiting in {waiting_reason}{stuck_text}. The dump holds no events saying why (events expire after an hour); the usual causes are a volume that cannot be mounted or attached, or a pod sandbox the CNI plugin cannot set up.",
                    pod.spec.node_name
                ))
                .remediation([
                    format!("See the current events: `kubectl -n {ns} describe pod {name}`."),
                    format!("Check the kubelet's log on {} (`journalctl -u kubelet | grep {name}`).", pod.spec.node_name),
                ])
                .evidence(cx.evidence(item, "/status/containerStatuses", Some(format!("waiting: {waiting_reason}"))))
                .fact("stuck_seconds", stuck)
                .fact("cause", "unknown")
                .fact("waiting_reason", waiting_reason);
            return Some(f.events(cx.summarize(&all_events)));
        };

        let msg = main.obj.message.as_str();
        let cause = classify(&main.obj.reason, msg);
        let volume = RE_VOLUME
            .captures(msg)
            .map(|c| c[1].to_string())
            .or_else(|| {
                RE_UNMOUNTED
                    .captures(msg)
                    .map(|c| {
                        c[1].split_whitespace()
                            .filter(|v| !v.starts_with("kube-api-access-"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|s| !s.is_empty())
            });
        let missing = RE_MISSING.captures(msg).map(|c| Missing {
            kind: match c[1].to_ascii_lowercase().as_str() {
                "secret" => "Secret".to_string(),
                "configmap" => "ConfigMap".to_string(),
                _ => "PersistentVolumeClaim".to_string(),
            },
            name: c[2].to_string(),
        });
        let volume_source = volume.as_deref().and_then(|v| volume_source(pod, v));
        let total: i64 = failures.iter().map(|e| e.obj.occurrences()).sum();

        let what = match (&missing, &volume) {
            (Some(m), Some(v)) => format!("volume {v}: {} {} not found", m.kind, m.name),
            (Some(m), None) => format!("{} {} not found", m.kind, m.name),
            (None, Some(v)) => format!("volume {v}: {}", cause.short),
            (None, None) => cause.short.to_string(),
        };
        let summary = format!("Pod {ns}/{name} stuck in {waiting_reason}{stuck_text}: {what}");
        let mut explanation = format!(
            "The pod is scheduled to {} but none of its containers has been created{stuck_text}: the kubelet {}. ",
            pod.spec.node_name,
            if cause.id == "sandbox" || cause.id == "network-not-ready" {
                "cannot create the pod's sandbox (its network namespace), which comes before any container"
            } else {
                "must mount every volume before it starts any container, and one of them fails"
            }
        );
        explanation.push_str(&format!(
            "The {} event{} says: \"{}\".",
            main.obj.reason,
            if main.obj.occurrences() > 1 {
                format!(" (×{})", main.obj.occurrences())
            } else {
                String::new()
            },
            clip(msg, 400)
        ));
        if let Some(m) = &missing {
            explanation.push_str(&format!(
                " The {} \"{}\" does not exist in namespace {ns}{}.",
                m.kind,
                m.name,
                volume
                    .as_deref()
                    .map(|v| format!("; the pod's volume {v} needs it"))
                    .unwrap_or_default()
            ));
        } else if let (Some(v), Some(src)) = (&volume, &volume_source) {
            explanation.push_str(&format!(" Volume {v} is a {src} volume."));
        }
        explanation.push(' ');
        explanation.push_str(cause.explanation);
        if total > main.obj.occurrences() {
            explanation.push_str(&format!(
                " The events record {total} setup failures in all."
            ));
        }

        let mut remediation: Vec<String> = Vec::new();
        if let Some(m) = &missing {
            remediation.push(match m.kind.as_str() {
                "Secret" => format!("Create Secret {} in {ns} (`kubectl -n {ns} create secret generic {} …`) or fix the name in the volume; mark the volume `optional: true` if it may be absent.", m.name, m.name),
                "ConfigMap" => format!("Create ConfigMap {} in {ns} (`kubectl -n {ns} create configmap {} --from-file=…`) or fix the name in the volume; mark the volume `optional: true` if it may be absent.", m.name, m.name),
                _ => format!("Create PersistentVolumeClaim {} in {ns} or fix the claimName.", m.name),
            });
        }
        remediation.extend(
            cause
                .remediation
                .iter()
                .map(|r| r.replace("{node}", &pod.spec.node_name)),
        );
        remediation.push(format!(
            "The kubelet retries by itself; watch it with `kubectl -n {ns} describe pod {name}`."
        ));

        let mut f = Finding::new(self, cx.pod_ref(pod))
            .severity(severity)
            .workload(cx.workload_of(pi))
            .node(&pod.spec.node_name)
            .summary(summary)
            .explanation(explanation)
            .remediation(remediation)
            .evidence(cx.evidence(main, "", Some(format!("{}: {}", main.obj.reason, msg))))
            .fact("stuck_seconds", stuck)
            .fact("cause", cause.id)
            .fact("event_reason", &main.obj.reason)
            .fact("message", msg)
            .fact("volume", &volume)
            .fact("volume_source", &volume_source)
            .fact("missing", &missing)
            .fact("setup_failures", total)
            .fact("waiting_reason", waiting_reason);
        if let Some(i) = volume.as_deref().and_then(|v| {
            pod.spec
                .volumes
                .iter()
                .position(|x| x.value().get("name").and_then(Value::as_str) == Some(v))
        }) {
            f = f.evidence(cx.evidence(item, &format!("/spec/volumes/{i}"), volume_source.clone()));
        }
        if let Some(i) = pod.status.container_statuses.iter().position(|s| {
            s.state
                .waiting
                .as_ref()
                .is_some_and(|w| w.reason == waiting_reason)
        }) {
            f = f.evidence(cx.evidence(
                item,
                &format!("/status/containerStatuses/{i}/state/waiting"),
                Some(format!("waiting: {waiting_reason}")),
            ));
        }
        Some(f.events(cx.summarize(&all_events)))
    }
}

/// Prefers the events that name a cause over generic ones (FailedSync,
/// "timed out waiting for the condition").
fn cause_rank(e: &Event) -> u8 {
    let m = e.message.to_ascii_lowercase();
    if e.reason == "FailedSync" {
        0
    } else if m.contains("timed out waiting for the condition") && !m.contains("not found") {
        1
    } else {
        2
    }
}

/// The source kind of a pod volume (`configMap`, `persistentVolumeClaim
/// data-0`, `csi ebs.csi.aws.com`, …).
fn volume_source(pod: &Pod, volume: &str) -> Option<String> {
    let v = pod
        .spec
        .volumes
        .iter()
        .map(Json::value)
        .find(|v| v.get("name").and_then(Value::as_str) == Some(volume))?;
    let obj = v.as_object()?;
    let (kind, body) = obj.iter().find(|(k, _)| k.as_str() != "name")?;
    let detail = match kind.as_str() {
        "configMap" => body.get("name"),
        "secret" => body.get("secretName"),
        "persistentVolumeClaim" => body.get("claimName"),
        "csi" => body.get("driver"),
        "hostPath" => body.get("path"),
        "nfs" => body.get("server"),
        _ => None,
    }
    .and_then(Value::as_str);
    Some(match detail {
        Some(d) => format!("{kind} {d}"),
        None => kind.clone(),
    })
}

struct Cause {
    id: &'static str,
    short: &'static str,
    explanation: &'static str,
    remediation: &'static [&'static str],
}

fn classify(reason: &str, message: &str) -> Cause {
    let m = message.to_ascii_lowercase();
    if reason == "NetworkNotReady"
        || m.contains("network is not ready")
        || m.contains("cni plugin not initialized")
    {
        return Cause {
            id: "network-not-ready",
            short: "the node's network plugin is not ready",
            explanation: "The container runtime reports its network as not ready: the CNI plugin (Calico, Cilium, Flannel, the cloud's VPC CNI) is not installed, not yet running, or crashing on this node.",
            remediation: &[
                "Check the CNI pods on {node}: `kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={node}` and their logs; on the node, look in /etc/cni/net.d.",
            ],
        };
    }
    if reason == "FailedCreatePodSandBox" || m.contains("sandbox") {
        let ip = m.contains("no ip addresses available")
            || m.contains("ipam")
            || m.contains("failed to allocate");
        return Cause {
            id: "sandbox",
            short: if ip { "the CNI plugin has no IP address for it" } else { "the pod sandbox cannot be created (CNI)" },
            explanation: if ip {
                "The CNI plugin could not give the pod an IP address: the node's pod CIDR or the subnet is exhausted, or leaked addresses were never freed."
            } else {
                "The runtime could not create the pod's sandbox: usually the CNI plugin failed to set up its network (a crashing or misconfigured CNI agent, a missing plugin binary), sometimes the pause image could not be pulled."
            },
            remediation: &[
                "Check the CNI agent on {node} (its pod logs in kube-system) and the kubelet's log; restart the agent if it is stuck, and look for IP exhaustion in its IPAM status.",
            ],
        };
    }
    if m.contains("multi-attach") {
        return Cause {
            id: "multi-attach",
            short: "volume still attached to another node",
            explanation: "A ReadWriteOnce volume is still attached to another node, typically to the node of the pod this one replaces (a node that went away, or an old pod still terminating). The attach/detach controller waits about 6 minutes before forcing a detach from an unreachable node.",
            remediation: &[
                "Find where it is attached: `kubectl get volumeattachments | grep <pv>`; make sure the old pod is gone (force-delete it if its node is lost), then the volume detaches.",
            ],
        };
    }
    if m.contains("not registered") || m.contains("not found in the list of registered csi drivers")
    {
        return Cause {
            id: "csi-driver",
            short: "the CSI driver is not running on the node",
            explanation: "The volume's CSI driver is not registered on this node: its node plugin (a DaemonSet) is not running here.",
            remediation: &["Check the CSI driver's node DaemonSet pod on {node}, and its tolerations and nodeSelector."],
        };
    }
    if reason == "FailedAttachVolume" || m.contains("attachvolume") {
        return Cause {
            id: "attach",
            short: "the volume cannot be attached",
            explanation: "The cloud or storage backend refused to attach the volume to this node: the disk is in another zone, the node reached its volume-attach limit, or the storage provider's credentials or quota failed.",
            remediation: &["Read the provider's error in the message; check the volume's zone against the node's, and `kubectl describe pv` for the claim's volume."],
        };
    }
    if m.contains("hostpath type check failed") {
        return Cause {
            id: "host-path",
            short: "hostPath has the wrong type",
            explanation: "The hostPath volume's path on the node is not of the type the volume requires (Directory, File, Socket), or does not exist.",
            remediation: &["Create the path on {node} with the right type, or change the volume's hostPath.type (DirectoryOrCreate)."],
        };
    }
    if m.contains(" not found") {
        return Cause {
            id: "missing-object",
            short: "a referenced object does not exist",
            explanation: "A volume refers to an object that does not exist in the pod's namespace; the kubelet retries until it appears.",
            remediation: &[],
        };
    }
    if m.contains("mount failed")
        || m.contains("mountdevice failed")
        || m.contains("exit status 32")
        || m.contains("mount.nfs")
    {
        return Cause {
            id: "mount",
            short: "the volume cannot be mounted",
            explanation: "Mounting the volume on the node failed: an NFS or iSCSI server that cannot be reached, a file system that needs repair, or missing mount tools (nfs-common) on the node.",
            remediation: &["Try the mount by hand on {node}; check the storage server's reachability and the node's mount helpers."],
        };
    }
    if m.contains("timed out waiting for the condition") || m.contains("unmounted volumes") {
        return Cause {
            id: "mount-timeout",
            short: "volumes not mounted in time",
            explanation: "The kubelet gave up waiting for the listed volumes in this round; the real error is in an earlier event or in the kubelet's log (an attach that never finished, a CSI driver that does not answer).",
            remediation: &["Look for FailedAttachVolume or other FailedMount events, `kubectl get volumeattachments`, and the kubelet's log on {node}."],
        };
    }
    Cause {
        id: "other",
        short: "pod setup fails",
        explanation: "The kubelet could not set the pod up; the event message has the details.",
        remediation: &["Read the events and the kubelet's log on {node}."],
    }
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn creating(name: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["spec"]["volumes"] =
            json!([{"name": "templates", "configMap": {"name": "invoice-templates"}}]);
        p["status"]["phase"] = "Pending".into();
        p["status"]["conditions"] = json!([{"type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-06-01T11:30:00Z"}]);
        p["status"]["containerStatuses"][0] = json!({"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}});
        p
    }

    #[test]
    fn names_the_missing_configmap_of_a_volume() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![creating("inv-1"), pod("shop", "ok-1", "n1")],
            events: vec![event("shop", "Pod", "inv-1", "Warning", "FailedMount", "MountVolume.SetUp failed for volume \"templates\" : configmap \"invoice-templates\" not found", 22)],
            ..Default::default()
        };
        let f = d.findings_of("pod-stuck-creating");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical, "stuck 29 minutes");
        assert_eq!(f.summary, "Pod shop/inv-1 stuck in ContainerCreating for 29m: volume templates: ConfigMap invoice-templates not found");
        assert_eq!(f.facts["missing"]["name"], "invoice-templates");
        assert_eq!(f.facts["volume_source"], "configMap invoice-templates");
        assert!(
            f.remediation[0].contains("create configmap invoice-templates"),
            "{:?}",
            f.remediation
        );
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/spec/volumes/0")
        );
    }

    #[test]
    fn silent_pods_are_reported_only_when_long_stuck_and_pulls_never() {
        let old = creating("old-1");
        let mut young = creating("new-1");
        young["status"]["conditions"][0]["lastTransitionTime"] = "2025-06-01T11:55:00Z".into();
        let mut pulling = creating("pull-1");
        pulling["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "ErrImagePull"}});
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![old, young, pulling, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        // old-1 has waited 29 minutes without events: a warning that says
        // the events are gone. new-1 waited 4 minutes: nothing yet.
        let f = d.findings_of("pod-stuck-creating");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].subject.name, "old-1");
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].facts["cause"], "unknown");
    }

    #[test]
    fn classifies_setup_failures() {
        let cases = [
            ("FailedCreatePodSandBox", "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"abc\": plugin type=\"calico\" failed (add): stat /var/lib/calico/nodename: no such file or directory", "sandbox"),
            ("NetworkNotReady", "network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", "network-not-ready"),
            ("FailedAttachVolume", "Multi-Attach error for volume \"pvc-1\" Volume is already exclusively attached to one node and can't be attached to another", "multi-attach"),
            ("FailedMount", "MountVolume.SetUp failed for volume \"host\" : hostPath type check failed: /var/lib/collectd is not a directory", "host-path"),
            ("FailedMount", "Unable to attach or mount volumes: unmounted volumes=[host], unattached volumes=[host kube-api-access-xddvj]: timed out waiting for the condition", "mount-timeout"),
            ("FailedMount", "MountVolume.MountDevice failed for volume \"pvc-2\" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers", "csi-driver"),
        ];
        for (reason, msg, want) in cases {
            assert_eq!(classify(reason, msg).id, want, "{msg}");
        }
    }

    #[test]
    fn demo_finds_invoices() {
        let f = demo_findings_of("pod-stuck-creating");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["pod-stuck-creating:Pod/shop/invoices-7f6d5c4b8-mq7vt"]
        );
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(
            f[0].summary
                .contains("ConfigMap invoice-templates not found"),
            "{}",
            f[0].summary
        );
    }
}
