//! What kubectl cannot be made to write: the pre-1.11 internal format,
//! UTF-16 from PowerShell, cut files, garbage, merged stderr. Where a real
//! kubectl dump can be the starting point, it is, and only the damage is
//! made by hand.

use crate::fakeapi::DumpMode;
use crate::util;
use serde_json::{json, Value};
use std::path::Path;

fn problems(v: &Value) -> Vec<(String, String)> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A kubectl 1.6–1.10 dump: no kind, `Items`, flat metadata, PascalCase.
fn write_legacy(dir: &Path) {
    let list =
        |items: Value| json!({"selfLink": "/api/v1/x", "resourceVersion": "4225", "Items": items});
    std::fs::create_dir_all(dir.join("kube-system/dns-1")).unwrap();
    let node = json!({
        "name": "minikube", "selfLink": "/api/v1/nodes/minikube", "uid": "u-node",
        "creationTimestamp": "2019-03-08T08:48:00Z", "labels": {"kubernetes.io/hostname": "minikube"},
        "Spec": {"PodCIDR": "", "ExternalID": "minikube", "Unschedulable": false, "Taints": null},
        "Status": {
            "Capacity": {"cpu": "2", "memory": "2038624Ki"},
            "Allocatable": {"cpu": "2", "memory": "1936224Ki"},
            "Conditions": [{"Type": "Ready", "Status": "True", "LastHeartbeatTime": "2019-03-08T08:59:58Z",
                            "LastTransitionTime": "2019-03-08T08:48:10Z", "Reason": "KubeletReady", "Message": "kubelet is posting ready status"}],
            "NodeInfo": {"KubeletVersion": "v1.13.4", "KubeProxyVersion": "v1.13.4", "OperatingSystem": "linux"}
        }
    });
    std::fs::write(
        dir.join("nodes.json"),
        serde_json::to_vec_pretty(&list(json!([node]))).unwrap(),
    )
    .unwrap();
    let pod = json!({
        "name": "dns-1", "namespace": "kube-system", "uid": "u-pod", "labels": {"k8s-app": "kube-dns"},
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "dns-86c58d9df4", "uid": "u-rs", "controller": true}],
        "Spec": {"Containers": [{"Name": "coredns", "Image": "k8s.gcr.io/coredns:1.2.6",
                                 "Ports": [{"Name": "dns", "ContainerPort": 53, "Protocol": "UDP"}],
                                 "Resources": {"Limits": {"memory": "170Mi"}, "Requests": {"cpu": "100m"}}}],
                 "NodeName": "minikube", "RestartPolicy": "Always"},
        "Status": {"Phase": "Running", "HostIP": "10.0.2.15", "PodIP": "172.17.0.2", "QOSClass": "Burstable",
                   "ContainerStatuses": [{"Name": "coredns", "Ready": false, "RestartCount": 7, "Image": "k8s.gcr.io/coredns:1.2.6",
                                          "State": {"Waiting": {"Reason": "CrashLoopBackOff", "Message": "Back-off 5m0s"}, "Running": null, "Terminated": null},
                                          "LastTerminationState": {"Terminated": {"ExitCode": 2, "Reason": "Error", "FinishedAt": "2019-03-08T08:59:00Z"}}}]}
    });
    let event = json!({
        "name": "dns-1.158a", "namespace": "kube-system", "uid": "u-ev",
        "InvolvedObject": {"Kind": "Pod", "Namespace": "kube-system", "Name": "dns-1", "UID": "u-pod"},
        "Reason": "BackOff", "Message": "Back-off restarting failed container", "Type": "Warning", "Count": 31,
        "FirstTimestamp": "2019-03-08T08:50:00Z", "LastTimestamp": "2019-03-08T08:59:30Z",
        "Source": {"Component": "kubelet", "Host": "minikube"}
    });
    let ks = dir.join("kube-system");
    std::fs::write(
        ks.join("pods.json"),
        serde_json::to_vec_pretty(&list(json!([pod]))).unwrap(),
    )
    .unwrap();
    std::fs::write(
        ks.join("events.json"),
        serde_json::to_vec_pretty(&list(json!([event]))).unwrap(),
    )
    .unwrap();
    for f in [
        "replication-controllers",
        "services",
        "daemonsets",
        "deployments",
        "replicasets",
    ] {
        std::fs::write(
            ks.join(format!("{f}.json")),
            serde_json::to_vec_pretty(&list(json!([]))).unwrap(),
        )
        .unwrap();
    }
    std::fs::write(
        ks.join("dns-1/logs.txt"),
        "==== START logs for container coredns of pod kube-system/dns-1 ====\nplugin/errors: 2 SERVFAIL\n==== END logs for container coredns of pod kube-system/dns-1 ====\n",
    )
    .unwrap();
}

#[test]
fn legacy_internal_format() {
    let tmp = tempfile::tempdir().unwrap();
    write_legacy(tmp.path());
    let ix = coroner::open(tmp.path()).unwrap();
    assert!(ix.dump.format.legacy_internal);
    assert_eq!(ix.version.min, "1.6");
    assert_eq!(ix.version.max.as_deref(), Some("1.10"));
    assert!(ix.dump.problems.is_empty(), "{:?}", ix.dump.problems);
    let pod = &ix.pod("kube-system", "dns-1").unwrap().obj;
    let cs = &pod.status.container_statuses[0];
    assert_eq!(cs.restart_count, 7);
    assert_eq!(
        cs.state.waiting.as_ref().unwrap().reason,
        "CrashLoopBackOff"
    );
    assert_eq!(cs.last_state.terminated.as_ref().unwrap().exit_code, 2);
    assert_eq!(pod.spec.containers[0].ports[0].container_port, 53);
    assert_eq!(pod.spec.containers[0].resources.limits["memory"], "170Mi");
    assert_eq!(pod.status.qos_class, "Burstable");
    assert_eq!(pod.metadata.labels["k8s-app"], "kube-dns");
    let node = &ix.nodes[0].obj;
    assert_eq!(node.status.node_info.kubelet_version, "v1.13.4");
    assert_eq!(node.status.conditions[0].type_, "Ready");
    let ev = ix.events_for("Pod", "kube-system", "dns-1", "u-pod");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].obj.occurrences(), 31);
    assert_eq!(ix.pod_owners[0][0].kind, "ReplicaSet");
}

/// What Windows PowerShell 5.1's `kubectl cluster-info dump > dump.txt`
/// writes: UTF-16LE with a BOM, every LF turned into CRLF.
fn powershell(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
    let mut out = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

#[test]
fn utf16_powershell_redirect() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Stdout);
    let want = coroner::open(&made.path).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("cluster-dump.txt");
    std::fs::write(&p, powershell(&std::fs::read(&made.path).unwrap())).unwrap();
    let got = coroner::open(&p).unwrap();
    assert_eq!(
        serde_json::to_value(got.dump.format.encoding).unwrap(),
        "utf-16le"
    );
    let (mut a, mut b) = (want.counts(), got.counts());
    // CRLF makes each log longer by its line count; compare the rest.
    a.log_bytes = 0;
    b.log_bytes = 0;
    assert_eq!(a, b);
    let pods = |ix: &coroner::DumpIndex| ix.pods.iter().map(|p| p.obj.clone()).collect::<Vec<_>>();
    assert_eq!(pods(&want), pods(&got));
    // Each log body is the original with CRLF line ends.
    for (la, lb) in want.logs.iter().zip(&got.logs) {
        let orig = want.dump.read_log(la, u64::MAX).unwrap();
        let conv = got.dump.read_log(lb, u64::MAX).unwrap();
        if std::str::from_utf8(&orig).is_ok() {
            assert_eq!(
                String::from_utf8(conv).unwrap(),
                String::from_utf8(orig).unwrap().replace('\n', "\r\n")
            );
        }
    }
}

#[test]
fn cut_list_keeps_items_and_the_rest_of_the_dump() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("d");
    util::copy_tree(&made.path, &dump);
    let pods = dump.join("kube-system/pods.json");
    let full = std::fs::read(&pods).unwrap();
    let total = coroner::open(&made.path)
        .unwrap()
        .pods
        .iter()
        .filter(|p| p.obj.metadata.namespace == "kube-system")
        .count();
    std::fs::write(&pods, &full[..full.len() * 2 / 3]).unwrap();
    let v = util::inspect_json(&dump);
    let ix = coroner::open(&dump).unwrap();
    let kept = ix
        .pods
        .iter()
        .filter(|p| p.obj.metadata.namespace == "kube-system")
        .count();
    assert!(kept > 0 && kept < total, "kept {kept} of {total}");
    let ps = problems(&v);
    assert!(
        ps.iter()
            .any(|(f, m)| f == "kube-system/pods.json" && m.contains("invalid JSON")),
        "{ps:#?}"
    );
    // Log folders of the lost pods are reported, not dropped silently.
    assert!(
        ps.iter().any(|(_, m)| m.contains("not in the pods list")),
        "{ps:#?}"
    );
    // Other namespaces are whole.
    assert!(ix.pods.iter().any(|p| p.obj.metadata.namespace == "shop"));
}

#[test]
fn a_bad_item_loses_only_itself() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("d");
    util::copy_tree(&made.path, &dump);
    let f = dump.join("shop/pods.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
    let n = doc["items"].as_array().unwrap().len();
    doc["items"][1]["status"]["containerStatuses"] = json!("not a list");
    std::fs::write(&f, serde_json::to_vec(&doc).unwrap()).unwrap();
    let ix = coroner::open(&dump).unwrap();
    assert_eq!(
        ix.pods
            .iter()
            .filter(|p| p.obj.metadata.namespace == "shop")
            .count(),
        n - 1
    );
    let p = ix
        .dump
        .problems
        .iter()
        .find(|p| p.file == "shop/pods.json")
        .expect("a problem");
    assert_eq!(p.pointer.as_deref(), Some("/items/1"));
}

#[test]
fn garbage_files_and_merged_stderr() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("d");
    util::copy_tree(&made.path, &dump);
    // Binary garbage with a .json name, and an empty list file.
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(dump.join("shop/events.json"), garbage).unwrap();
    std::fs::write(dump.join("default/services.json"), b"").unwrap();
    let v = util::inspect_json(&dump);
    let ps = problems(&v);
    assert!(ps.iter().any(|(f, _)| f == "shop/events.json"), "{ps:#?}");
    assert!(
        ps.iter()
            .any(|(f, m)| f == "default/services.json" && m.contains("empty")),
        "{ps:#?}"
    );
    assert!(v["counts"]["pods"].as_u64().unwrap() > 0);

    // stderr merged into a stdout dump (`&>`): klog and Warning lines
    // between documents and around log blocks.
    let stream = util::kubectl_dump("demo", "1.33.1", DumpMode::Stdout);
    let text = std::fs::read(&stream.path).unwrap();
    let noisy = replacen(&text, b"}\n{\n", b"}\nW0218 12:34:56.789012   61323 exec.go:203] constructing many client instances from the same exec auth config\n{\n", 3);
    let noisy = replacen(
        &noisy,
        b" ====\n==== START",
        b" ====\nWarning: v1 Endpoints is deprecated in v1.33+\n==== START",
        2,
    );
    assert_ne!(noisy, text);
    let p = tmp.path().join("noisy.txt");
    std::fs::write(&p, &noisy).unwrap();
    let clean = coroner::open(&stream.path).unwrap();
    let ix = coroner::open(&p).unwrap();
    assert_eq!(clean.counts(), ix.counts());
    assert!(
        ix.dump
            .problems
            .iter()
            .any(|p| p.message.contains("stderr line")),
        "{:?}",
        ix.dump.problems
    );
}

#[test]
fn stream_cut_in_a_log_and_in_a_document() {
    let stream = util::kubectl_dump("demo", "1.33.1", DumpMode::Stdout);
    let bytes = std::fs::read(&stream.path).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // Cut inside the last log block.
    let last_end = bytes
        .windows(14)
        .rposition(|w| w == b"==== END logs ")
        .unwrap();
    let p = tmp.path().join("cut-log.txt");
    std::fs::write(&p, &bytes[..last_end - 3]).unwrap();
    let ix = coroner::open(&p).unwrap();
    assert!(ix.logs.last().map(|l| !l.complete).unwrap());
    assert!(ix
        .dump
        .problems
        .iter()
        .any(|p| p.message.contains("no END marker")));
    // Cut inside the pods document of the last namespace.
    let pods_at = find_last(&bytes, b"\"kind\": \"PodList\"");
    let p = tmp.path().join("cut-doc.txt");
    std::fs::write(&p, &bytes[..pods_at + 2000]).unwrap();
    let ix = coroner::open(&p).unwrap();
    assert!(!ix.nodes.is_empty());
    assert!(
        ix.dump
            .problems
            .iter()
            .any(|p| p.message.contains("cut off") || p.message.contains("invalid JSON")),
        "{:?}",
        ix.dump.problems
    );
}

fn find_last(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .rposition(|w| w == needle)
        .unwrap()
}

#[test]
fn not_a_dump_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "hello").unwrap();
    std::fs::write(tmp.path().join("b.txt"), "world").unwrap();
    let r = util::run(&["inspect", tmp.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no nodes.json"), "{}", r.stderr);
    assert!(
        r.stderr.contains("kubectl cluster-info dump"),
        "{}",
        r.stderr
    );

    let r = util::run(&["inspect", tmp.path().join("missing").to_str().unwrap()]);
    assert_eq!(r.code, 2);

    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let r = util::run(&["inspect", empty.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("nothing of a kubectl cluster-info dump"),
        "{}",
        r.stderr
    );
}

#[test]
fn stale_folders_missing_folders_and_left_over_flavours() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("d");
    util::copy_tree(&made.path, &dump);
    std::fs::create_dir_all(dump.join("shop/gone-7d9f-abcde")).unwrap();
    std::fs::write(
        dump.join("shop/gone-7d9f-abcde/logs.txt"),
        "==== START logs for container app of pod shop/gone-7d9f-abcde ====\nold\n==== END logs for container app of pod shop/gone-7d9f-abcde ====\n",
    )
    .unwrap();
    let some_pod = coroner::open(&made.path)
        .unwrap()
        .pods
        .iter()
        .find(|p| p.obj.metadata.namespace == "shop")
        .unwrap()
        .obj
        .metadata
        .name
        .clone();
    std::fs::remove_dir_all(dump.join("shop").join(&some_pod)).unwrap();
    std::fs::write(
        dump.join("nodes.yaml"),
        "apiVersion: v1\nitems: []\nkind: NodeList\n",
    )
    .unwrap();
    let filetime = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(dump.join("nodes.yaml"))
        .unwrap()
        .set_modified(filetime)
        .unwrap();
    let ix = coroner::open(&dump).unwrap();
    let ps: Vec<String> = ix
        .dump
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.file, p.message))
        .collect();
    assert!(
        ps.iter()
            .any(|p| p.contains("gone-7d9f-abcde") && p.contains("stale")),
        "{ps:#?}"
    );
    assert!(
        ps.iter()
            .any(|p| p.contains(some_pod.as_str()) && p.contains("logs.txt")),
        "{ps:#?}"
    );
    assert!(
        ps.iter()
            .any(|p| p.contains("nodes.yaml") && p.contains("left over")),
        "{ps:#?}"
    );
    assert!(!ix.nodes.is_empty(), "the newer nodes.json is read");
}

#[test]
fn the_input_is_never_modified() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let before = util::hash_tree(&made.path);
    let r = util::run(&["inspect", "--format", "json", made.path.to_str().unwrap()]);
    assert_eq!(r.code, 0);
    assert_eq!(before, util::hash_tree(&made.path));
    // And the hashes coroner reports are the files' real SHA-256.
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    for i in v["inputs"].as_array().unwrap() {
        let p = i["path"].as_str().unwrap();
        assert_eq!(before[p], i["sha256"].as_str().unwrap(), "{p}");
    }
    assert_eq!(v["inputs"].as_array().unwrap().len(), before.len());
}

/// Replaces the first `n` occurrences of `from` (log bodies are bytes, not
/// text: the demo has invalid UTF-8 that a `String` would alter).
fn replacen(hay: &[u8], from: &[u8], to: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len() + n * to.len());
    let mut i = 0;
    let mut done = 0;
    while i < hay.len() {
        if done < n && hay[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
            done += 1;
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}
