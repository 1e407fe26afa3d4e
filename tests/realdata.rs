//! The reader against real dumps from public repositories
//! (../shared/realdata; its README lists what each one holds).

use crate::util;

#[test]
fn aks_2020_directory_with_stale_folders_and_log_errors() {
    let Some(p) = util::realdata("aks-k8s-arena-dump") else {
        return;
    };
    let ix = coroner::open(&p).unwrap();
    assert_eq!(ix.nodes.len(), 1);
    assert_eq!(ix.namespaces, ["default", "kube-system"]);
    // Every logs.txt holds only a `Request log error:` line.
    assert!(!ix.logs.is_empty());
    assert!(ix.logs.iter().all(|l| l
        .fetch_error
        .as_deref()
        .is_some_and(|e| e.starts_with("Request log error: an error on the server"))));
    // 4 kube-system folders (and 1 in default) have no pod in pods.json.
    let stale: Vec<&str> = ix
        .dump
        .problems
        .iter()
        .filter(|p| p.message.contains("stale log folder"))
        .map(|p| p.file.as_str())
        .collect();
    assert!(
        stale.contains(&"kube-system/coredns-autoscaler-5bd7c6759b-spnq4/logs.txt"),
        "{stale:?}"
    );
    assert!(
        stale.contains(&"kube-system/kube-proxy-xhfw6/logs.txt"),
        "{stale:?}"
    );
    let cs = &ix
        .pods
        .iter()
        .find(|p| p.obj.metadata.name.starts_with("coredns-autoscaler"))
        .unwrap()
        .obj
        .status
        .container_statuses[0];
    assert_eq!(cs.restart_count, 1569);
    assert_eq!(cs.last_state.terminated.as_ref().unwrap().exit_code, 2);
    assert!(ix
        .snapshot
        .estimated_time
        .as_deref()
        .unwrap()
        .starts_with("2020-06"));
}

#[test]
fn minikube_2019_internal_format() {
    let Some(p) = util::realdata("minikube-multi-k8s-dump") else {
        return;
    };
    let ix = coroner::open(&p).unwrap();
    assert!(ix.dump.format.legacy_internal);
    assert_eq!(
        (ix.version.min.as_str(), ix.version.max.as_deref()),
        ("1.6", Some("1.10"))
    );
    let default_events: Vec<_> = ix
        .events
        .iter()
        .filter(|e| e.obj.metadata.namespace == "default")
        .collect();
    assert_eq!(default_events.len(), 430);
    let sched = default_events
        .iter()
        .filter(|e| e.obj.reason == "FailedScheduling" && e.obj.type_ == "Warning")
        .count();
    assert_eq!(sched, 105);
    assert!(default_events
        .iter()
        .any(|e| e.obj.message.contains("secret \"pgpassword\" not found")));
    assert!(ix
        .events
        .iter()
        .all(|e| !e.obj.involved_object.name.is_empty()));
    assert!(ix
        .pods
        .iter()
        .all(|p| p.obj.metadata.namespace == "kube-system"));
    assert!(ix
        .pods
        .iter()
        .all(|p| !p.obj.spec.containers.is_empty() && !p.obj.status.phase.is_empty()));
    assert!(ix.nodes[0]
        .obj
        .status
        .node_info
        .kubelet_version
        .starts_with("v1.13"));
}

#[test]
fn rke2_2025_items_null_nested_root_and_succeeded_pods() {
    let Some(p) = util::realdata("rke2-cilium-global-cloudwork-dump") else {
        return;
    };
    let ix = coroner::open(&p).unwrap();
    assert_eq!(ix.dump.format.root, "cluster-dump");
    assert_eq!(ix.version.min, "1.32");
    assert!(ix.dump.problems.is_empty(), "{:?}", ix.dump.problems);
    assert_eq!(
        ix.pods
            .iter()
            .filter(|p| p.obj.status.phase == "Succeeded")
            .count(),
        7
    );
    assert!(ix.nodes[0]
        .obj
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "EtcdIsVoter"));
    assert!(ix
        .pods
        .iter()
        .any(|p| p.obj.status.container_statuses.iter().any(|c| c
            .last_state
            .terminated
            .as_ref()
            .is_some_and(|t| t.exit_code == 255 && t.reason == "Unknown"))));
}

#[test]
fn kind_2023_stream_with_json_log_lines() {
    let Some(p) = util::realdata("stdout-kind-keycloak-2023-clineberry/cluster-info-dump.json")
    else {
        return;
    };
    let ix = coroner::open(&p).unwrap();
    assert_eq!(ix.dump.format.layout, "stdout");
    assert!(ix.dump.problems.is_empty(), "{:?}", ix.dump.problems);
    assert_eq!(ix.nodes.len(), 1);
    // etcd writes JSON lines: `{"level":"info",…}` must stay inside the log.
    let etcd = ix
        .logs
        .iter()
        .find(|l| l.pod.starts_with("etcd-"))
        .expect("etcd log");
    let body = ix.dump.read_log(etcd, u64::MAX).unwrap();
    let json_lines = body
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"{\"level\""))
        .count();
    assert!(json_lines >= 40, "{json_lines}");
    assert!(
        ix.events
            .iter()
            .any(|e| e.obj.reason == "FailedScheduling"
                && e.obj.message.contains("untolerated taint"))
    );
    // Every pod's containers have their blocks.
    for p in &ix.pods {
        for c in &p.obj.spec.containers {
            assert!(ix
                .log_for(&p.obj.metadata.namespace, &p.obj.metadata.name, &c.name)
                .is_some());
        }
    }
}

#[test]
fn powershell_utf16_stream_from_2022() {
    let Some(p) = util::realdata("stdout-utf16-minikube-2022-cfse031/cluster-dump.txt") else {
        return;
    };
    let ix = coroner::open(&p).unwrap();
    assert_eq!(
        serde_json::to_value(ix.dump.format.encoding).unwrap(),
        "utf-16le"
    );
    assert!(ix.dump.problems.is_empty(), "{:?}", ix.dump.problems);
    let default_events = ix
        .events
        .iter()
        .filter(|e| e.obj.metadata.namespace == "default")
        .count();
    assert_eq!(default_events, 744);
    assert!(ix
        .events
        .iter()
        .any(|e| e.obj.message.contains("kiranbs13/all-details-micro:v1")));
    assert!(ix
        .pods
        .iter()
        .all(|p| p.obj.metadata.namespace == "kube-system"));
    assert!(ix.pods.iter().all(|p| p
        .obj
        .status
        .container_statuses
        .iter()
        .all(|c| c.restart_count >= 4)));
    // The inputs list the file as given (UTF-16), with its real size.
    assert_eq!(ix.dump.inputs[0].bytes, 3_612_994);
}

#[test]
fn troubleshoot_pod_and_event_lists() {
    let Some(dir) = util::realdata("troubleshoot-analyze-fixtures/pkg/analyze/files") else {
        return;
    };
    // Single lists, not dumps: each parses without a problem.
    for sub in ["pods", "events"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            let list = coroner::dump::lists::parse_list(&bytes, "f", None);
            assert!(
                list.problems.is_empty(),
                "{}: {:?}",
                p.display(),
                list.problems
            );
        }
    }
    let bytes = std::fs::read(dir.join("pods/message-oomkill-pod.json")).unwrap();
    let list = coroner::dump::lists::parse_list(&bytes, "f", None);
    let pods: Vec<coroner::model::Pod> = list
        .items
        .iter()
        .map(|(_, i)| coroner::dump::lists::typed(i, list.legacy).unwrap())
        .collect();
    let t = pods[0].status.container_statuses[0]
        .state
        .terminated
        .as_ref()
        .unwrap();
    assert_eq!((t.reason.as_str(), t.exit_code), ("OOMKilled", 137));
}
