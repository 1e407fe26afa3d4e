//! Fixtures for the fake API server: a realistic small broken cluster ([`demo`]) and a
//! minimal healthy one ([`tiny`]).
//!
//! Include next to `fakeapi.rs` (the including crate declares both modules as siblings):
//! `#[path = "support/fakeapi.rs"] mod fakeapi;` and `#[path = "support/scenario.rs"] mod scenario;`.
//!
//! Everything is deterministic: uids, container ids, resourceVersions and event names are
//! derived from names and fixed timestamps by hashing, never from a clock or a RNG. The
//! snapshot is taken "at" [`SNAPSHOT_TIME`]. The problems the demo cluster shows are listed
//! in [`DEMO_EXPECTED`] below (and in `testdata/demo/README.md`).
#![allow(dead_code, clippy::too_many_arguments)]

use super::fakeapi::*;
use serde_json::{json, Map, Value};

/// When the demo dump is supposed to have been taken.
pub const SNAPSHOT_TIME: &str = "2025-06-01T12:00:00Z";

/// Server version the demo is meant to be dumped against.
pub const DEMO_SERVER_VERSION: &str = "1.32.4";

/// One finding a diagnosis of [`demo`] should produce (rule ids from CONTRACT.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    pub rule: &'static str,
    /// Kubernetes kind of the subject: `Pod`, `Node`, `Deployment`, `ReplicaSet`, `DaemonSet`, `Service`.
    pub kind: &'static str,
    /// Empty for nodes.
    pub namespace: &'static str,
    pub name: &'static str,
    pub container: Option<&'static str>,
    /// What is wrong, in words.
    pub why: &'static str,
}

const fn exp(
    rule: &'static str,
    kind: &'static str,
    namespace: &'static str,
    name: &'static str,
    container: Option<&'static str>,
    why: &'static str,
) -> Expected {
    Expected {
        rule,
        kind,
        namespace,
        name,
        container,
        why,
    }
}

/// What a diagnosis of [`demo`] should find, one entry per (rule, subject). Also described in
/// `testdata/demo/README.md`.
pub const DEMO_EXPECTED: &[Expected] = &[
    exp("node-not-ready", "Node", "", "worker-3", None, "Ready=Unknown since 10:42:03 (Kubelet stopped posting node status, last heartbeat 10:41:17); unreachable taints NoSchedule+NoExecute"),
    exp("node-version-skew", "Node", "", "worker-3", None, "kubelet v1.28.15 while the other nodes (and the server) run v1.32.4"),
    exp("node-pressure", "Node", "", "worker-2", None, "MemoryPressure=True since 11:18:40"),
    exp("node-cordoned", "Node", "", "worker-2", None, "spec.unschedulable=true since 11:25:12"),
    exp("pod-stuck-terminating", "Pod", "shop", "web-6b8d9f7c5d-x7vbn", None, "deleted by the taint manager at 10:47:03 but its node worker-3 is unreachable; log fetch fails (HTTP 500)"),
    exp("workload-unavailable", "DaemonSet", "kube-system", "kube-proxy", None, "2 of 3 ready; kube-proxy-lm5tc on worker-3 not ready; its log fetch fails (HTTP 500)"),
    exp("crash-loop-backoff", "Pod", "shop", "cart-7c9f8b6d5-x2x9k", Some("cart"), "Go nil-pointer panic at start, last exit code 2, 9 restarts"),
    exp("crash-loop-backoff", "Pod", "shop", "payments-5f4d8c7b9-qz8nm", Some("payments"), "Java UnknownHostException payments-db.shop.svc.cluster.local, exit code 1 with termination message, 14 restarts"),
    exp("frequent-restarts", "Pod", "shop", "cart-7c9f8b6d5-x2x9k", Some("cart"), "9 restarts, last exit code 2"),
    exp("frequent-restarts", "Pod", "shop", "payments-5f4d8c7b9-qz8nm", Some("payments"), "14 restarts, last exit code 1"),
    exp("frequent-restarts", "Pod", "shop", "recommender-84c6f9d7b-jx5t2", Some("recommender"), "6 restarts, last OOMKilled exit 137"),
    exp("oom-killed", "Pod", "shop", "recommender-84c6f9d7b-jx5t2", Some("recommender"), "lastState OOMKilled exit 137 (limit 2Gi), running again; log has non-UTF-8 bytes"),
    exp("pod-evicted", "Pod", "shop", "recommender-84c6f9d7b-8pwqm", None, "Failed/Evicted at 11:19:02: node worker-2 low on memory"),
    exp("image-pull-failure", "Pod", "shop", "frontend-7d8f9b6c5-b5wrn", Some("frontend"), "ImagePullBackOff: ghcr.io/acme-shop/frontend:3.9.0 not found"),
    exp("rollout-stuck", "Deployment", "shop", "frontend", None, "Progressing=False ProgressDeadlineExceeded (new ReplicaSet frontend-7d8f9b6c5 never becomes ready)"),
    exp("container-config-error", "Pod", "shop", "orders-6c8d7f5b4-pn3jz", Some("orders"), "CreateContainerConfigError: secret \"db-password\" not found"),
    exp("pod-unschedulable", "Pod", "shop", "analytics-59d8c7f6b-zk2hd", None, "Pending: 0/3 nodes available (1 Insufficient cpu, 1 untolerated taint unreachable, 1 unschedulable)"),
    exp("pod-stuck-creating", "Pod", "shop", "invoices-7f6d5c4b8-mq7vt", None, "ContainerCreating: FailedMount, configmap \"invoice-templates\" not found"),
    exp("readiness-failure", "Pod", "shop", "search-64b7c9d8f-gt4xw", Some("search"), "Running but not Ready: readiness probe HTTP 503 (cannot reach elasticsearch)"),
    exp("init-container-failure", "Pod", "shop", "catalog-5b9c8d7f6-lp4rz", Some("fetch-assets"), "RunContainerError: exec: \"wge\": executable file not found in $PATH (StartError exit 128), 17 restarts"),
    exp("pod-failed", "Pod", "shop", "db-migrate-8tqzk", None, "Job pod Failed with exit 1 (relation already exists); Job db-migrate BackoffLimitExceeded"),
    exp("replica-create-failure", "ReplicaSet", "shop", "notifications-5c6d7e8f9", None, "FailedCreate: exceeded quota shop-quota (limits.memory); 1 of 3 replicas"),
    exp("workload-unavailable", "Deployment", "shop", "notifications", None, "1 of 3 available (ReplicaFailure)"),
    exp("workload-unavailable", "Deployment", "shop", "cart", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "payments", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "orders", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "analytics", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "invoices", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "search", None, "0 of 1 available"),
    exp("workload-unavailable", "Deployment", "shop", "catalog", None, "0 of 1 available"),
    exp("service-no-endpoints", "Service", "shop", "catalog", None, "selector app=catalogue matches no pod (pods are labelled app=catalog)"),
    exp("service-no-ready-endpoints", "Service", "shop", "cart", None, "selects only a crash-looping pod"),
    exp("service-no-ready-endpoints", "Service", "shop", "payments", None, "selects only a crash-looping pod"),
    exp("service-no-ready-endpoints", "Service", "shop", "orders", None, "selects only a pod that cannot start"),
    exp("service-no-ready-endpoints", "Service", "shop", "search", None, "selects only a pod that is not ready"),
    exp("service-port-mismatch", "Service", "shop", "web-metrics", None, "targetPort \"metrics\" matches no containerPort name of the web pods"),
];

/// Subjects that look odd but are fine; a diagnosis should report nothing about them:
/// (kind, namespace, name, why it is fine).
pub const DEMO_HEALTHY: &[(&str, &str, &str, &str)] = &[
    (
        "Service",
        "default",
        "kubernetes",
        "no selector: endpoints are managed by the apiserver",
    ),
    (
        "ReplicaSet",
        "shop",
        "web-5c7f8d6b9",
        "old revision scaled to 0",
    ),
    (
        "Deployment",
        "shop",
        "web",
        "3/3 available after the replacement pod web-6b8d9f7c5d-r4wlf",
    ),
    (
        "Pod",
        "shop",
        "nightly-report-29145720-r7s5x",
        "CronJob run, Succeeded; log has no final newline",
    ),
    (
        "Pod",
        "shop",
        "checkout-6d5f4c8b7-wn9xk",
        "init container wait-for-db Completed (exit 0); CRLF + ANSI log",
    ),
    (
        "Pod",
        "shop",
        "postgres-0",
        "StatefulSet pod, running and ready",
    ),
    (
        "Pod",
        "default",
        "legacy-redis-8kx2d",
        "ReplicationController pod, running and ready",
    ),
    (
        "Pod",
        "default",
        "dump-viewer",
        "bare pod whose log imitates dump markers",
    ),
    (
        "Pod",
        "shop",
        "web-6b8d9f7c5d-2mxhz",
        "native sidecar log-shipper (init container, restartPolicy Always) running",
    ),
    (
        "Node",
        "",
        "worker-1",
        "healthy; CPU requests 3.36 of 3.92 cores",
    ),
];

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers
// ---------------------------------------------------------------------------------------------

fn fnv(seed: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // final avalanche (splitmix64)
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// `len` lowercase hex digits derived from `seed`.
fn hex(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut i = 0;
    while out.len() < len {
        out.push_str(&format!("{:016x}", fnv(&format!("{seed}#{i}"))));
        i += 1;
    }
    out.truncate(len);
    out
}

fn uid(kind: &str, ns: &str, name: &str) -> String {
    uid_for(&format!("{kind}/{ns}/{name}"))
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
fn unix(ts: &str) -> i64 {
    let n = |a: usize, b: usize| ts[a..b].parse::<i64>().expect("timestamp");
    let (y, m, d) = (n(0, 4), n(5, 7), n(8, 10));
    let (hh, mm, ss) = (n(11, 13), n(14, 16), n(17, 19));
    // days from civil (Howard Hinnant)
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + hh * 3600 + mm * 60 + ss
}

/// A resourceVersion that grows with the time of the last write.
fn rv(ts: &str, seed: &str) -> String {
    let base = unix("2025-05-20T00:00:00Z");
    (4_210_000 + (unix(ts) - base) / 3 + (fnv(seed) % 3) as i64).to_string()
}

/// Name of a core/v1 Event: `<object>.<hex unix nanos>`. The reason and
/// message feed the nanoseconds, so two events about one object in the same
/// second get different names, as they do in a real cluster.
fn event_name(object: &str, ts: &str, what: &str) -> String {
    let nanos = unix(ts) as u128 * 1_000_000_000
        + (fnv(&format!("{object}{ts}{what}")) % 1_000_000_000) as u128;
    format!("{object}.{nanos:x}")
}

fn container_id(pod: &str, c: &str, instance: u32) -> String {
    format!(
        "containerd://{}",
        hex(&format!("cid/{pod}/{c}/{instance}"), 64)
    )
}

fn image_id(image: &str) -> String {
    let repo = image.rsplit_once(':').map(|(r, _)| r).unwrap_or(image);
    format!("{repo}@sha256:{}", hex(&format!("img/{image}"), 64))
}

fn owner(api_version: &str, kind: &str, ns: &str, name: &str) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "name": name,
        "uid": uid(kind, ns, name),
        "controller": true,
        "blockOwnerDeletion": true
    })
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), json!(v));
    }
    Value::Object(m)
}

// ---------------------------------------------------------------------------------------------
// Object builders
// ---------------------------------------------------------------------------------------------

/// A container spec.
fn ctr(
    name: &str,
    image: &str,
    ports: &[(&str, u16, &str)],
    requests: &[(&str, &str)],
    limits: &[(&str, &str)],
) -> Value {
    let mut c = json!({
        "name": name,
        "image": image,
        "resources": {},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent"
    });
    if !ports.is_empty() {
        c["ports"] = Value::Array(
            ports
                .iter()
                .map(|(n, p, proto)| {
                    let mut o = json!({"containerPort": p, "protocol": proto});
                    if !n.is_empty() {
                        o["name"] = json!(n);
                    }
                    o
                })
                .collect(),
        );
    }
    if !requests.is_empty() {
        c["resources"]["requests"] = labels(requests);
    }
    if !limits.is_empty() {
        c["resources"]["limits"] = labels(limits);
    }
    c
}

fn set(mut v: Value, key: &str, val: Value) -> Value {
    v[key] = val;
    v
}

/// A pod template (as in Deployments, ReplicaSets, DaemonSets, ReplicationControllers).
fn template(
    lbls: &[(&str, &str)],
    init: Vec<Value>,
    containers: Vec<Value>,
    volumes: Vec<Value>,
) -> Value {
    let mut spec = json!({
        "containers": containers,
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "securityContext": {},
        "schedulerName": "default-scheduler"
    });
    if !init.is_empty() {
        spec["initContainers"] = Value::Array(init);
    }
    if !volumes.is_empty() {
        spec["volumes"] = Value::Array(volumes);
    }
    json!({
        "metadata": {"creationTimestamp": null, "labels": labels(lbls)},
        "spec": spec
    })
}

/// A pod created from `tpl` (what the apiserver stores after admission: service account
/// token volume, default tolerations, priority...). Status is left empty for the caller.
fn pod_from(
    tpl: &Value,
    ns: &str,
    name: &str,
    extra_labels: &[(&str, &str)],
    owner_ref: Option<Value>,
    node: Option<&str>,
    created: &str,
) -> Value {
    let mut meta = json!({
        "name": name,
        "namespace": ns,
        "uid": uid("Pod", ns, name),
        "resourceVersion": rv(created, name),
        "creationTimestamp": created,
        "labels": tpl["metadata"]["labels"].clone(),
    });
    for (k, v) in extra_labels {
        meta["labels"][*k] = json!(v);
    }
    if let Some(o) = owner_ref {
        if let Some((prefix, _)) = name.rsplit_once('-') {
            meta["generateName"] = json!(format!("{prefix}-"));
        }
        meta["ownerReferences"] = json!([o]);
    }
    let mut spec = tpl["spec"].clone();
    let vol = format!("kube-api-access-{}", &hex(&format!("vol/{ns}/{name}"), 5));
    let sa_mount = json!({"name": vol, "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"});
    for key in ["initContainers", "containers"] {
        if let Some(list) = spec.get_mut(key).and_then(Value::as_array_mut) {
            for c in list {
                let mounts = c
                    .as_object_mut()
                    .unwrap()
                    .entry("volumeMounts")
                    .or_insert_with(|| json!([]));
                mounts.as_array_mut().unwrap().push(sa_mount.clone());
            }
        }
    }
    let sa_volume = json!({
        "name": vol,
        "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
            ],
            "defaultMode": 420
        }
    });
    let vols = spec
        .as_object_mut()
        .unwrap()
        .entry("volumes")
        .or_insert_with(|| json!([]));
    vols.as_array_mut().unwrap().push(sa_volume);
    if spec.get("serviceAccountName").is_none() {
        spec["serviceAccountName"] = json!("default");
    }
    spec["serviceAccount"] = spec["serviceAccountName"].clone();
    if let Some(n) = node {
        spec["nodeName"] = json!(n);
    }
    if spec.get("tolerations").is_none() {
        spec["tolerations"] = json!([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ]);
    }
    if spec.get("priority").is_none() {
        spec["priority"] = json!(0);
    }
    spec["enableServiceLinks"] = json!(true);
    spec["preemptionPolicy"] = json!("PreemptLowerPriority");
    json!({"metadata": meta, "spec": spec, "status": {}})
}

fn cond(kind: &str, status: &str, ts: &str) -> Value {
    json!({"type": kind, "status": status, "lastProbeTime": null, "lastTransitionTime": ts})
}

fn cond_r(kind: &str, status: &str, ts: &str, reason: &str, message: &str) -> Value {
    let mut c = cond(kind, status, ts);
    c["reason"] = json!(reason);
    if !message.is_empty() {
        c["message"] = json!(message);
    }
    c
}

/// Conditions of a pod whose containers all run and are ready.
fn conds_ready(scheduled: &str, initialized: &str, ready: &str) -> Value {
    json!([
        cond("PodReadyToStartContainers", "True", initialized),
        cond("Initialized", "True", initialized),
        cond("Ready", "True", ready),
        cond("ContainersReady", "True", ready),
        cond("PodScheduled", "True", scheduled),
    ])
}

/// Conditions of a started pod whose containers are not (all) ready.
fn conds_not_ready(scheduled: &str, initialized: &str, since: &str, unready: &[&str]) -> Value {
    let msg = format!("containers with unready status: [{}]", unready.join(" "));
    json!([
        cond("PodReadyToStartContainers", "True", initialized),
        cond("Initialized", "True", initialized),
        cond_r("Ready", "False", since, "ContainersNotReady", &msg),
        cond_r(
            "ContainersReady",
            "False",
            since,
            "ContainersNotReady",
            &msg
        ),
        cond("PodScheduled", "True", scheduled),
    ])
}

#[derive(Clone)]
enum St<'a> {
    Running(&'a str),
    Waiting(&'a str, &'a str),
    Terminated {
        code: i64,
        reason: &'a str,
        started: &'a str,
        finished: &'a str,
        message: &'a str,
    },
}

/// A container status. `instance` numbers container ids; `last` is lastState.
fn cstatus(
    pod: &str,
    name: &str,
    image: &str,
    state: St,
    last: Option<St>,
    ready: bool,
    restarts: u32,
) -> Value {
    let encode = |s: &St, inst: u32| -> Value {
        match s {
            St::Running(at) => json!({"running": {"startedAt": at}}),
            St::Waiting(reason, msg) => {
                let mut w = json!({"reason": reason});
                if !msg.is_empty() {
                    w["message"] = json!(msg);
                }
                json!({"waiting": w})
            }
            St::Terminated {
                code,
                reason,
                started,
                finished,
                message,
            } => {
                let mut t = json!({"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": finished, "containerID": container_id(pod, name, inst)});
                if !message.is_empty() {
                    t["message"] = json!(message);
                }
                if started.is_empty() {
                    t["startedAt"] = Value::Null;
                }
                json!({"terminated": t})
            }
        }
    };
    let never_started = matches!(state, St::Waiting(..)) && last.is_none();
    let mut cs = json!({
        "name": name,
        "state": encode(&state, restarts + 1),
        "lastState": match &last { Some(l) => encode(l, restarts), None => json!({}) },
        "ready": ready,
        "restartCount": restarts,
        "image": image,
        "imageID": if never_started { String::new() } else { image_id(image) },
        "started": matches!(state, St::Running(_)),
    });
    match &state {
        St::Running(_) | St::Terminated { .. } => {
            cs["containerID"] = json!(container_id(pod, name, restarts + 1))
        }
        St::Waiting(..) if last.is_some() => {
            cs["containerID"] = json!(container_id(pod, name, restarts))
        }
        _ => {}
    }
    cs
}

fn ip_status(v: &mut Value, host_ip: &str, pod_ip: &str, start: &str, qos: &str) {
    let s = &mut v["status"];
    s["hostIP"] = json!(host_ip);
    s["hostIPs"] = json!([{"ip": host_ip}]);
    if !pod_ip.is_empty() {
        s["podIP"] = json!(pod_ip);
        s["podIPs"] = json!([{"ip": pod_ip}]);
    }
    s["startTime"] = json!(start);
    s["qosClass"] = json!(qos);
}

fn deployment(
    ns: &str,
    name: &str,
    tpl: &Value,
    replicas: i64,
    created: &str,
    revision: u32,
    status: Value,
) -> Value {
    let sel = tpl["metadata"]["labels"].clone();
    let last = status["conditions"]
        .as_array()
        .and_then(|a| a.iter().filter_map(|c| c["lastUpdateTime"].as_str()).max())
        .unwrap_or(created)
        .to_string();
    json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("Deployment", ns, name),
            "resourceVersion": rv(&last, name),
            "generation": revision,
            "creationTimestamp": created,
            "labels": sel.clone(),
            "annotations": {"deployment.kubernetes.io/revision": revision.to_string()}
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": sel},
            "template": tpl,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600
        },
        "status": status
    })
}

fn dep_cond(
    kind: &str,
    status: &str,
    update: &str,
    transition: &str,
    reason: &str,
    message: &str,
) -> Value {
    json!({"type": kind, "status": status, "lastUpdateTime": update, "lastTransitionTime": transition, "reason": reason, "message": message})
}

/// Status of a Deployment whose only ReplicaSet has `ready` of `want` ready pods.
fn dep_status(
    name: &str,
    rs: &str,
    want: i64,
    have: i64,
    ready: i64,
    created: &str,
    since: &str,
) -> Value {
    let mut st = json!({
        "observedGeneration": 1,
        "replicas": have,
        "updatedReplicas": have,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "conditions": []
    });
    if ready == 0 {
        st.as_object_mut().unwrap().remove("readyReplicas");
        st.as_object_mut().unwrap().remove("availableReplicas");
    }
    if want > ready {
        st["unavailableReplicas"] = json!(want - ready);
    }
    let avail = if ready >= want {
        dep_cond(
            "Available",
            "True",
            since,
            since,
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        dep_cond(
            "Available",
            "False",
            since,
            since,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    let prog = dep_cond(
        "Progressing",
        "True",
        since,
        created,
        "NewReplicaSetAvailable",
        &format!("ReplicaSet \"{rs}\" has successfully progressed."),
    );
    let _ = name;
    st["conditions"] = json!([avail, prog]);
    st
}

fn replicaset(
    ns: &str,
    name: &str,
    deploy: &str,
    tpl: &Value,
    hash: &str,
    replicas: i64,
    created: &str,
    revision: u32,
    status: Value,
    updated: &str,
) -> Value {
    let mut t = tpl.clone();
    t["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut sel = tpl["metadata"]["labels"].clone();
    sel["pod-template-hash"] = json!(hash);
    json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("ReplicaSet", ns, name),
            "resourceVersion": rv(updated, name),
            "generation": if replicas == 0 { 2 } else { 1 },
            "creationTimestamp": created,
            "labels": sel.clone(),
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": replicas.max(1).to_string(),
                "deployment.kubernetes.io/max-replicas": (replicas.max(1) + 1).to_string(),
                "deployment.kubernetes.io/revision": revision.to_string()
            },
            "ownerReferences": [owner("apps/v1", "Deployment", ns, deploy)]
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": sel},
            "template": t
        },
        "status": status
    })
}

fn rs_status(have: i64, ready: i64, generation: i64) -> Value {
    let mut s = json!({"replicas": have, "fullyLabeledReplicas": have, "readyReplicas": ready, "availableReplicas": ready, "observedGeneration": generation});
    if have == 0 {
        s = json!({"replicas": 0, "observedGeneration": generation});
    } else if ready == 0 {
        s.as_object_mut().unwrap().remove("readyReplicas");
        s.as_object_mut().unwrap().remove("availableReplicas");
    }
    s
}

fn service(
    ns: &str,
    name: &str,
    created: &str,
    selector: Option<Value>,
    cluster_ip: &str,
    ports: Value,
) -> Value {
    let mut spec = json!({
        "ports": ports,
        "clusterIP": cluster_ip,
        "clusterIPs": [cluster_ip],
        "type": "ClusterIP",
        "sessionAffinity": "None",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "internalTrafficPolicy": "Cluster"
    });
    if let Some(s) = selector {
        spec["selector"] = s;
    }
    json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("Service", ns, name),
            "resourceVersion": rv(created, name),
            "creationTimestamp": created,
            "labels": {"app": name}
        },
        "spec": spec,
        "status": {"loadBalancer": {}}
    })
}

fn sport(name: &str, port: u16, target: Value, proto: &str) -> Value {
    let mut p = json!({"protocol": proto, "port": port, "targetPort": target});
    if !name.is_empty() {
        p["name"] = json!(name);
    }
    p
}

/// What an event is about.
struct About<'a> {
    kind: &'a str,
    ns: &'a str,
    name: &'a str,
    api_version: &'a str,
    field_path: &'a str,
}

fn about<'a>(kind: &'a str, ns: &'a str, name: &'a str) -> About<'a> {
    let api_version = match kind {
        "Pod" | "Node" | "ReplicationController" | "Service" => "v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "apps/v1",
    };
    About {
        kind,
        ns,
        name,
        api_version,
        field_path: "",
    }
}

fn about_c<'a>(ns: &'a str, pod: &'a str, field_path: &'a str) -> About<'a> {
    About {
        kind: "Pod",
        ns,
        name: pod,
        api_version: "v1",
        field_path,
    }
}

fn involved(a: &About) -> Value {
    let mut o = json!({"kind": a.kind, "name": a.name, "apiVersion": a.api_version});
    if a.kind == "Node" {
        o["uid"] = json!(a.name);
    } else {
        o["namespace"] = json!(a.ns);
        o["uid"] = json!(uid(a.kind, a.ns, a.name));
        o["resourceVersion"] = json!(rv("2025-06-01T09:00:00Z", a.name));
    }
    if !a.field_path.is_empty() {
        o["fieldPath"] = json!(a.field_path);
    }
    o
}

/// A core/v1 style event (recorded through the legacy events API: first/lastTimestamp, count).
#[allow(clippy::too_many_arguments)]
fn ev(
    ns: &str,
    a: About,
    kind: &str,
    reason: &str,
    message: &str,
    component: &str,
    host: &str,
    first: &str,
    last: &str,
    count: u32,
) -> Value {
    let mut source = json!({"component": component});
    if !host.is_empty() {
        source["host"] = json!(host);
    }
    let name = event_name(a.name, first, &format!("{reason}{message}"));
    json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("Event", ns, &name),
            "resourceVersion": rv(last, &name),
            "creationTimestamp": first
        },
        "involvedObject": involved(&a),
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": first,
        "lastTimestamp": last,
        "count": count,
        "type": kind,
        "eventTime": null,
        "reportingComponent": component,
        "reportingInstance": host
    })
}

/// An events.k8s.io/v1 style event as seen through core/v1: eventTime (microseconds) set,
/// first/lastTimestamp null, no count, optional series.
#[allow(clippy::too_many_arguments)]
fn ev_new(
    ns: &str,
    a: About,
    kind: &str,
    reason: &str,
    note: &str,
    controller: &str,
    instance: &str,
    action: &str,
    event_time: &str,
    series: Option<(u32, &str)>,
) -> Value {
    let name = event_name(a.name, event_time, &format!("{reason}{note}"));
    let last = series.map(|(_, t)| t).unwrap_or(event_time);
    let mut e = json!({
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": uid("Event", ns, &name),
            "resourceVersion": rv(last, &name),
            "creationTimestamp": format!("{}Z", &event_time[..19]),
        },
        "involvedObject": involved(&a),
        "reason": reason,
        "message": note,
        "source": {},
        "firstTimestamp": null,
        "lastTimestamp": null,
        "type": kind,
        "eventTime": event_time,
        "action": action,
        "reportingComponent": controller,
        "reportingInstance": instance
    });
    if let Some((count, t)) = series {
        e["series"] = json!({"count": count, "lastObservedTime": t});
    }
    e
}

fn sort_by_name(v: &mut [Value]) {
    v.sort_by(|a, b| {
        a["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .cmp(b["metadata"]["name"].as_str().unwrap_or(""))
    });
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

struct NodeSpec<'a> {
    name: &'a str,
    ip: &'a str,
    pod_cidr: &'a str,
    zone: &'a str,
    cpu: &'a str,
    alloc_cpu: &'a str,
    mem: &'a str,
    alloc_mem: &'a str,
    kubelet: &'a str,
    kernel: &'a str,
    os_image: &'a str,
    runtime: &'a str,
}

fn node(n: &NodeSpec, conditions: Value, taints: Value, unschedulable: bool, rv_ts: &str) -> Value {
    let mut spec = json!({
        "podCIDR": n.pod_cidr,
        "podCIDRs": [n.pod_cidr],
        "providerID": format!("gce://acme-shop-prod/{}/{}", n.zone, n.name)
    });
    if unschedulable {
        spec["unschedulable"] = json!(true);
    }
    if taints.as_array().is_some_and(|a| !a.is_empty()) {
        spec["taints"] = taints;
    }
    let mut info = json!({
        "machineID": hex(&format!("machine/{}", n.name), 32),
        "systemUUID": uid_for(&format!("system/{}", n.name)),
        "bootID": uid_for(&format!("boot/{}", n.name)),
        "kernelVersion": n.kernel,
        "osImage": n.os_image,
        "containerRuntimeVersion": n.runtime,
        "kubeletVersion": n.kubelet,
        "operatingSystem": "linux",
        "architecture": "amd64"
    });
    if n.kubelet.starts_with("v1.28") {
        info["kubeProxyVersion"] = json!(n.kubelet);
    }
    json!({
        "metadata": {
            "name": n.name,
            "uid": uid("Node", "", n.name),
            "resourceVersion": rv(rv_ts, n.name),
            "creationTimestamp": "2025-05-20T08:04:11Z",
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": n.name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": "e2-standard-4",
                "topology.kubernetes.io/region": "europe-west1",
                "topology.kubernetes.io/zone": n.zone
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true"
            }
        },
        "spec": spec,
        "status": {
            "capacity": {"cpu": n.cpu, "ephemeral-storage": "101430960Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": n.mem, "pods": "110"},
            "allocatable": {"cpu": n.alloc_cpu, "ephemeral-storage": "93478772582", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": n.alloc_mem, "pods": "110"},
            "conditions": conditions,
            "addresses": [
                {"type": "InternalIP", "address": n.ip},
                {"type": "Hostname", "address": n.name}
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": info,
            "images": [
                {"names": [format!("registry.k8s.io/kube-proxy@sha256:{}", hex("img/kube-proxy", 64)), "registry.k8s.io/kube-proxy:v1.32.4".to_string()], "sizeBytes": 30_979_481},
                {"names": [format!("registry.k8s.io/pause@sha256:{}", hex("img/pause", 64)), "registry.k8s.io/pause:3.10".to_string()], "sizeBytes": 320_368}
            ]
        }
    })
}

fn ncond(
    kind: &str,
    status: &str,
    heartbeat: &str,
    transition: &str,
    reason: &str,
    message: &str,
) -> Value {
    json!({"type": kind, "status": status, "lastHeartbeatTime": heartbeat, "lastTransitionTime": transition, "reason": reason, "message": message})
}

fn healthy_conditions(hb: &str, since: &str) -> Vec<Value> {
    vec![
        ncond(
            "MemoryPressure",
            "False",
            hb,
            since,
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ncond(
            "DiskPressure",
            "False",
            hb,
            since,
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        ncond(
            "PIDPressure",
            "False",
            hb,
            since,
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        ncond(
            "Ready",
            "True",
            hb,
            since,
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
}

fn demo_nodes() -> Vec<Value> {
    let base = |name, ip, cidr, zone, kubelet| NodeSpec {
        name,
        ip,
        pod_cidr: cidr,
        zone,
        cpu: "4",
        alloc_cpu: "3920m",
        mem: "16393904Ki",
        alloc_mem: "13242544Ki",
        kubelet,
        kernel: "6.1.0-31-cloud-amd64",
        os_image: "Debian GNU/Linux 12 (bookworm)",
        runtime: "containerd://1.7.24",
    };
    let w1 = base(
        "worker-1",
        "10.0.1.11",
        "10.244.1.0/24",
        "europe-west1-b",
        "v1.32.4",
    );
    let mut w2 = base(
        "worker-2",
        "10.0.1.12",
        "10.244.2.0/24",
        "europe-west1-c",
        "v1.32.4",
    );
    w2.mem = "8148060Ki";
    w2.alloc_mem = "5993052Ki";
    let mut w3 = base(
        "worker-3",
        "10.0.1.13",
        "10.244.3.0/24",
        "europe-west1-d",
        "v1.28.15",
    );
    w3.kernel = "5.10.0-28-cloud-amd64";
    w3.os_image = "Debian GNU/Linux 11 (bullseye)";
    w3.runtime = "containerd://1.6.28";

    let hb = "2025-06-01T11:59:41Z";
    let n1 = node(
        &w1,
        Value::Array(healthy_conditions(hb, "2025-05-20T08:04:43Z")),
        json!([]),
        false,
        hb,
    );

    let hb2 = "2025-06-01T11:59:38Z";
    let mut c2 = healthy_conditions(hb2, "2025-05-20T08:05:02Z");
    c2[0] = ncond(
        "MemoryPressure",
        "True",
        hb2,
        "2025-06-01T11:18:40Z",
        "KubeletHasInsufficientMemory",
        "kubelet has insufficient memory available",
    );
    let n2 = node(
        &w2,
        Value::Array(c2),
        json!([
            {"key": "node.kubernetes.io/memory-pressure", "effect": "NoSchedule", "timeAdded": "2025-06-01T11:18:41Z"},
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule", "timeAdded": "2025-06-01T11:25:12Z"}
        ]),
        true,
        hb2,
    );

    let stale = "2025-06-01T10:41:17Z";
    let lost = "2025-06-01T10:42:03Z";
    let msg = "Kubelet stopped posting node status.";
    let c3 = json!([
        ncond(
            "MemoryPressure",
            "Unknown",
            stale,
            lost,
            "NodeStatusUnknown",
            msg
        ),
        ncond(
            "DiskPressure",
            "Unknown",
            stale,
            lost,
            "NodeStatusUnknown",
            msg
        ),
        ncond(
            "PIDPressure",
            "Unknown",
            stale,
            lost,
            "NodeStatusUnknown",
            msg
        ),
        ncond("Ready", "Unknown", stale, lost, "NodeStatusUnknown", msg),
    ]);
    let n3 = node(
        &w3,
        c3,
        json!([
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": lost},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": "2025-06-01T10:42:08Z"}
        ]),
        false,
        "2025-06-01T10:42:08Z",
    );
    vec![n1, n2, n3]
}

// ---------------------------------------------------------------------------------------------
// The demo cluster
// ---------------------------------------------------------------------------------------------

struct Builder {
    fx: Fixture,
}

impl Builder {
    fn ns(&mut self, name: &str) -> &mut NsFixture {
        if self.fx.namespace(name).is_none() {
            self.fx.namespaces.push(NsFixture::new(name));
        }
        self.fx.namespace_mut(name).unwrap()
    }
    fn log(&mut self, ns: &str, pod: &str, c: &str, body: impl Into<Vec<u8>>) {
        self.fx.set_log(ns, pod, c, LogReply::Body(body.into()));
    }
    fn log_status(&mut self, ns: &str, pod: &str, c: &str, code: u16) {
        self.fx.set_log(ns, pod, c, LogReply::Status(code));
    }
}

const W1: (&str, &str) = ("worker-1", "10.0.1.11");
const W2: (&str, &str) = ("worker-2", "10.0.1.12");
const W3: (&str, &str) = ("worker-3", "10.0.1.13");

/// A realistic small cluster with many things wrong (see [`DEMO_EXPECTED`]): 3 nodes,
/// namespaces `default`, `kube-system` and `shop`.
pub fn demo() -> Fixture {
    let mut b = Builder {
        fx: Fixture::default(),
    };
    b.fx.nodes = demo_nodes();
    kube_system(&mut b);
    default_ns(&mut b);
    shop(&mut b);
    for ns in &mut b.fx.namespaces {
        for list in [
            &mut ns.events,
            &mut ns.replication_controllers,
            &mut ns.services,
            &mut ns.daemonsets,
            &mut ns.deployments,
            &mut ns.replicasets,
            &mut ns.pods,
        ] {
            sort_by_name(list);
        }
    }
    b.fx.namespaces.sort_by(|a, b| a.name.cmp(&b.name));
    b.fx
}

fn kube_system(b: &mut Builder) {
    let ns = "kube-system";
    let created = "2025-05-20T08:03:30Z";

    // --- CoreDNS: Deployment -> ReplicaSet -> 2 pods, service kube-dns --------------------
    let dns_img = "registry.k8s.io/coredns/coredns:v1.11.3";
    let mut dns = ctr(
        "coredns",
        dns_img,
        &[
            ("dns", 53, "UDP"),
            ("dns-tcp", 53, "TCP"),
            ("metrics", 9153, "TCP"),
        ],
        &[("cpu", "100m"), ("memory", "70Mi")],
        &[("memory", "170Mi")],
    );
    dns["args"] = json!(["-conf", "/etc/coredns/Corefile"]);
    dns["volumeMounts"] =
        json!([{"name": "config-volume", "readOnly": true, "mountPath": "/etc/coredns"}]);
    dns["livenessProbe"] = json!({"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60, "timeoutSeconds": 5, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 5});
    dns["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let mut dns_tpl = template(
        &[("k8s-app", "kube-dns")],
        vec![],
        vec![dns],
        vec![
            json!({"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}], "defaultMode": 420}}),
        ],
    );
    dns_tpl["spec"]["dnsPolicy"] = json!("Default");
    dns_tpl["spec"]["serviceAccountName"] = json!("coredns");
    dns_tpl["spec"]["priorityClassName"] = json!("system-cluster-critical");
    dns_tpl["spec"]["tolerations"] = json!([{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    let rs = "coredns-668d6bf9bc";
    let st = dep_status("coredns", rs, 2, 2, 2, created, "2025-05-20T08:05:40Z");
    b.ns(ns)
        .deployments
        .push(deployment(ns, "coredns", &dns_tpl, 2, created, 1, st));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        rs,
        "coredns",
        &dns_tpl,
        "668d6bf9bc",
        2,
        created,
        1,
        rs_status(2, 2, 1),
        "2025-05-20T08:05:40Z",
    ));
    for (pod, (node, host_ip), pod_ip) in [
        ("coredns-668d6bf9bc-4x7kq", W1, "10.244.1.4"),
        ("coredns-668d6bf9bc-w9z2p", W2, "10.244.2.3"),
    ] {
        let mut p = pod_from(
            &dns_tpl,
            ns,
            pod,
            &[("pod-template-hash", "668d6bf9bc")],
            Some(owner("apps/v1", "ReplicaSet", ns, rs)),
            Some(node),
            "2025-05-20T08:05:01Z",
        );
        p["spec"]["priority"] = json!(2_000_000_000);
        p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-05-20T08:05:01Z", "2025-05-20T08:05:09Z", "2025-05-20T08:05:38Z")});
        p["status"]["containerStatuses"] = json!([cstatus(
            pod,
            "coredns",
            dns_img,
            St::Running("2025-05-20T08:05:08Z"),
            None,
            true,
            0
        )]);
        ip_status(&mut p, host_ip, pod_ip, "2025-05-20T08:05:01Z", "Burstable");
        b.ns(ns).pods.push(p);
        let log = format!(
            ".:53\n[INFO] plugin/reload: Running configuration SHA512 = {}\nCoreDNS-1.11.3\nlinux/amd64, go1.21.11, a6338e9\n[ERROR] plugin/errors: 2 payments-db.shop.svc.cluster.local. A: read udp {pod_ip}:41022->169.254.169.254:53: i/o timeout\n[INFO] 10.244.1.23:52344 - 31925 \"A IN payments-db.shop.svc.cluster.local. udp 52 false 512\" NXDOMAIN qr,aa,rd 145 0.000112s\n[INFO] 10.244.1.9:40112 - 2212 \"AAAA IN elasticsearch.shop.svc.cluster.local. udp 54 false 512\" NXDOMAIN qr,aa,rd 147 0.000098s\n",
            hex("corefile", 128)
        );
        b.log(ns, pod, "coredns", log);
    }
    b.ns(ns).services.push({
        let mut s = service(
            ns,
            "kube-dns",
            created,
            Some(json!({"k8s-app": "kube-dns"})),
            "10.96.0.10",
            json!([sport("dns", 53, json!(53), "UDP"), sport("dns-tcp", 53, json!(53), "TCP"), sport("metrics", 9153, json!(9153), "TCP")]),
        );
        s["metadata"]["labels"] = json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"});
        s
    });

    // --- metrics-server: Deployment -> RS -> 1 pod ---------------------------------------
    let ms_img = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";
    let mut ms = ctr(
        "metrics-server",
        ms_img,
        &[("https", 10250, "TCP")],
        &[("cpu", "100m"), ("memory", "200Mi")],
        &[],
    );
    ms["args"] = json!([
        "--cert-dir=/tmp",
        "--secure-port=10250",
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--kubelet-use-node-status-port",
        "--metric-resolution=15s"
    ]);
    ms["readinessProbe"] = json!({"httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"}, "initialDelaySeconds": 20, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let mut ms_tpl = template(&[("k8s-app", "metrics-server")], vec![], vec![ms], vec![]);
    ms_tpl["spec"]["serviceAccountName"] = json!("metrics-server");
    ms_tpl["spec"]["priorityClassName"] = json!("system-cluster-critical");
    let rs = "metrics-server-5dd7b49d79";
    b.ns(ns).deployments.push(deployment(
        ns,
        "metrics-server",
        &ms_tpl,
        1,
        created,
        1,
        dep_status(
            "metrics-server",
            rs,
            1,
            1,
            1,
            created,
            "2025-05-20T08:06:12Z",
        ),
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        rs,
        "metrics-server",
        &ms_tpl,
        "5dd7b49d79",
        1,
        created,
        1,
        rs_status(1, 1, 1),
        "2025-05-20T08:06:12Z",
    ));
    let pod = "metrics-server-5dd7b49d79-n7zql";
    let mut p = pod_from(
        &ms_tpl,
        ns,
        pod,
        &[("pod-template-hash", "5dd7b49d79")],
        Some(owner("apps/v1", "ReplicaSet", ns, rs)),
        Some("worker-1"),
        "2025-05-20T08:05:03Z",
    );
    p["spec"]["priority"] = json!(2_000_000_000);
    p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-05-20T08:05:03Z", "2025-05-20T08:05:11Z", "2025-05-20T08:06:11Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "metrics-server",
        ms_img,
        St::Running("2025-05-20T08:05:10Z"),
        None,
        true,
        0
    )]);
    ip_status(
        &mut p,
        W1.1,
        "10.244.1.5",
        "2025-05-20T08:05:03Z",
        "Burstable",
    );
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "metrics-server", "I0520 08:05:10.402117       1 serving.go:374] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)\nI0520 08:05:11.003848       1 handler.go:275] Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager\nI0520 08:05:11.112402       1 secure_serving.go:213] Serving securely on [::]:10250\nE0601 10:41:58.220713       1 scraper.go:149] \"Failed to scrape node\" err=\"Get \\\"https://10.0.1.13:10250/metrics/resource\\\": context deadline exceeded\" node=\"worker-3\"\nE0601 11:59:43.118409       1 scraper.go:149] \"Failed to scrape node\" err=\"Get \\\"https://10.0.1.13:10250/metrics/resource\\\": dial tcp 10.0.1.13:10250: connect: no route to host\" node=\"worker-3\"\n");
    b.ns(ns).services.push(service(
        ns,
        "metrics-server",
        created,
        Some(json!({"k8s-app": "metrics-server"})),
        "10.96.148.33",
        json!([sport("https", 443, json!("https"), "TCP")]),
    ));

    // --- kube-proxy DaemonSet: 3 pods, the one on worker-3 unreachable ---------------------
    let kp_img = "registry.k8s.io/kube-proxy:v1.32.4";
    let mut kp = ctr("kube-proxy", kp_img, &[], &[("cpu", "100m")], &[]);
    kp["command"] = json!([
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)"
    ]);
    kp["env"] = json!([{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]);
    kp["securityContext"] = json!({"privileged": true});
    kp["volumeMounts"] = json!([{"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"}, {"name": "xtables-lock", "mountPath": "/run/xtables.lock"}, {"name": "lib-modules", "readOnly": true, "mountPath": "/lib/modules"}]);
    let mut kp_tpl = template(
        &[("k8s-app", "kube-proxy")],
        vec![],
        vec![kp],
        vec![
            json!({"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}}),
            json!({"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}}),
            json!({"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}),
        ],
    );
    kp_tpl["spec"]["hostNetwork"] = json!(true);
    kp_tpl["spec"]["serviceAccountName"] = json!("kube-proxy");
    kp_tpl["spec"]["priorityClassName"] = json!("system-node-critical");
    kp_tpl["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
    kp_tpl["spec"]["nodeSelector"] = json!({"kubernetes.io/os": "linux"});
    b.ns(ns).daemonsets.push(json!({
        "metadata": {
            "name": "kube-proxy",
            "namespace": ns,
            "uid": uid("DaemonSet", ns, "kube-proxy"),
            "resourceVersion": rv("2025-06-01T10:42:04Z", "kube-proxy"),
            "generation": 1,
            "creationTimestamp": created,
            "labels": {"k8s-app": "kube-proxy"},
            "annotations": {"deprecated.daemonset.template.generation": "1"}
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": kp_tpl,
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "revisionHistoryLimit": 10
        },
        "status": {
            "currentNumberScheduled": 3,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 3,
            "numberReady": 2,
            "observedGeneration": 1,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
            "numberUnavailable": 1
        }
    }));
    for (pod, (node, host_ip), created_at) in [
        ("kube-proxy-2xv8n", W1, "2025-05-20T08:04:44Z"),
        ("kube-proxy-7hq4d", W2, "2025-05-20T08:05:03Z"),
        ("kube-proxy-lm5tc", W3, "2025-05-20T08:04:58Z"),
    ] {
        let mut p = pod_from(
            &kp_tpl,
            ns,
            pod,
            &[
                ("controller-revision-hash", "6f8c5d8b7c"),
                ("pod-template-generation", "1"),
            ],
            Some(owner("apps/v1", "DaemonSet", ns, "kube-proxy")),
            Some(node),
            created_at,
        );
        p["spec"]["priority"] = json!(2_000_001_000);
        p["spec"]["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
        let started = "2025-05-20T08:05:12Z";
        if node == "worker-3" {
            // The node lifecycle controller marked it not ready; the kubelet is gone so the
            // container status is stale ("running").
            p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T10:42:04Z", pod));
            p["status"] = json!({"phase": "Running", "conditions": [
                cond("PodReadyToStartContainers", "True", started),
                cond("Initialized", "True", created_at),
                cond("Ready", "False", "2025-06-01T10:42:04Z"),
                cond("ContainersReady", "True", started),
                cond("PodScheduled", "True", created_at),
            ]});
            p["status"]["containerStatuses"] = json!([cstatus(
                pod,
                "kube-proxy",
                kp_img,
                St::Running(started),
                None,
                true,
                0
            )]);
            b.log_status(ns, pod, "kube-proxy", 500);
        } else {
            p["status"] = json!({"phase": "Running", "conditions": conds_ready(created_at, started, started)});
            p["status"]["containerStatuses"] = json!([cstatus(
                pod,
                "kube-proxy",
                kp_img,
                St::Running(started),
                None,
                true,
                0
            )]);
            b.log(ns, pod, "kube-proxy", format!(
                "I0520 08:05:12.118842       1 server_linux.go:66] \"Using iptables proxy\"\nI0520 08:05:12.201455       1 server.go:698] \"Successfully retrieved node IP(s)\" IPs=[\"{host_ip}\"]\nI0520 08:05:12.244019       1 server_linux.go:170] \"Using iptables Proxier\"\nI0520 08:05:12.251771       1 proxier.go:255] \"Setting route_localnet=1 to allow node-ports on localhost\"\nI0520 08:05:12.262112       1 config.go:199] \"Starting service config controller\"\nI0520 08:05:12.262140       1 config.go:105] \"Starting endpoint slice config controller\"\nI0520 08:05:12.362480       1 shared_informer.go:320] Caches are synced for service config\n"
            ));
        }
        ip_status(&mut p, host_ip, host_ip, created_at, "Burstable");
        b.ns(ns).pods.push(p);
    }
    b.ns(ns).events.push(ev(
        ns,
        about("Pod", ns, "kube-proxy-lm5tc"),
        "Warning",
        "NodeNotReady",
        "Node is not ready",
        "node-controller",
        "",
        "2025-06-01T10:42:04Z",
        "2025-06-01T10:42:04Z",
        1,
    ));
}

fn default_ns(b: &mut Builder) {
    let ns = "default";
    b.ns(ns).services.push({
        let mut s = service(
            ns,
            "kubernetes",
            "2025-05-20T08:01:12Z",
            None,
            "10.96.0.1",
            json!([sport("https", 443, json!(6443), "TCP")]),
        );
        s["metadata"]["labels"] = json!({"component": "apiserver", "provider": "kubernetes"});
        s
    });

    // --- a ReplicationController with one pod (healthy) ----------------------------------
    let redis_img = "docker.io/library/redis:6.2.14";
    let mut redis = ctr(
        "redis",
        redis_img,
        &[("redis", 6379, "TCP")],
        &[("cpu", "100m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    redis["args"] = json!(["--appendonly", "yes"]);
    let redis_tpl = template(&[("app", "legacy-redis")], vec![], vec![redis], vec![]);
    let created = "2025-05-21T14:30:00Z";
    b.ns(ns).replication_controllers.push(json!({
        "metadata": {
            "name": "legacy-redis",
            "namespace": ns,
            "uid": uid("ReplicationController", ns, "legacy-redis"),
            "resourceVersion": rv("2025-05-21T14:30:09Z", "legacy-redis"),
            "generation": 1,
            "creationTimestamp": created,
            "labels": {"app": "legacy-redis"}
        },
        "spec": {"replicas": 1, "selector": {"app": "legacy-redis"}, "template": redis_tpl},
        "status": {"replicas": 1, "fullyLabeledReplicas": 1, "readyReplicas": 1, "availableReplicas": 1, "observedGeneration": 1}
    }));
    let pod = "legacy-redis-8kx2d";
    let mut p = pod_from(
        &redis_tpl,
        ns,
        pod,
        &[],
        Some(owner("v1", "ReplicationController", ns, "legacy-redis")),
        Some("worker-2"),
        created,
    );
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-05-21T14:30:08Z", "2025-05-21T14:30:09Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "redis",
        redis_img,
        St::Running("2025-05-21T14:30:08Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, W2.1, "10.244.2.7", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "redis", "1:C 21 May 2025 14:30:08.412 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:C 21 May 2025 14:30:08.412 # Redis version=6.2.14, bits=64, commit=00000000, modified=0, pid=1, just started\n1:M 21 May 2025 14:30:08.413 * monotonic clock: POSIX clock_gettime\n1:M 21 May 2025 14:30:08.414 * Running mode=standalone, port=6379.\n1:M 21 May 2025 14:30:08.414 # Server initialized\n1:M 21 May 2025 14:30:08.415 * Ready to accept connections\n1:M 01 Jun 2025 11:18:44.901 # WARNING: background save failed: Cannot allocate memory\n1:M 01 Jun 2025 11:23:45.007 * 100 changes in 300 seconds. Saving...\n1:M 01 Jun 2025 11:23:45.118 * Background saving started by pid 412\n412:C 01 Jun 2025 11:23:46.552 * DB saved on disk\n");
    b.ns(ns).services.push(service(
        ns,
        "legacy-redis",
        created,
        Some(json!({"app": "legacy-redis"})),
        "10.96.201.17",
        json!([sport("redis", 6379, json!("redis"), "TCP")]),
    ));

    // --- a bare pod whose log looks like a dump (marker lines inside the body) ------------
    let viewer_img = "docker.io/library/busybox:1.36.1";
    let mut viewer = ctr(
        "viewer",
        viewer_img,
        &[],
        &[("cpu", "10m"), ("memory", "16Mi")],
        &[],
    );
    viewer["command"] = json!([
        "sh",
        "-c",
        "cat /data/old-dump/shop/cart/logs.txt; sleep infinity"
    ]);
    let viewer_tpl = template(&[("run", "dump-viewer")], vec![], vec![viewer], vec![]);
    let pod = "dump-viewer";
    let mut p = pod_from(
        &viewer_tpl,
        ns,
        pod,
        &[],
        None,
        Some("worker-1"),
        "2025-06-01T11:50:02Z",
    );
    p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-06-01T11:50:02Z", "2025-06-01T11:50:04Z", "2025-06-01T11:50:04Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "viewer",
        viewer_img,
        St::Running("2025-06-01T11:50:04Z"),
        None,
        true,
        0
    )]);
    ip_status(
        &mut p,
        W1.1,
        "10.244.1.41",
        "2025-06-01T11:50:02Z",
        "Burstable",
    );
    b.ns(ns).pods.push(p);
    b.log(
        ns,
        pod,
        "viewer",
        "replaying /data/old-dump/shop/cart/logs.txt\n\
==== START logs for container cart of pod shop/cart-7c9f8b6d5-x2x9k ====\n\
panic: runtime error: invalid memory address or nil pointer dereference\n\
==== END logs for container cart of pod shop/cart-7c9f8b6d5-x2x9k ====\n\
==== END logs for container viewer of pod default/dump-viewer ====\n\
(end of replay, sleeping)\n",
    );

    // --- node events (node events live in "default") --------------------------------------
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Node", "", "worker-3"),
        "Normal",
        "NodeNotReady",
        "Node worker-3 status is now: NodeNotReady",
        "node-controller",
        "",
        "2025-06-01T10:42:03Z",
        "2025-06-01T10:42:03Z",
        1,
    ));
    e.push(ev(
        ns,
        about("Node", "", "worker-2"),
        "Normal",
        "NodeHasInsufficientMemory",
        "Node worker-2 status is now: NodeHasInsufficientMemory",
        "kubelet",
        "worker-2",
        "2025-06-01T11:18:40Z",
        "2025-06-01T11:18:40Z",
        1,
    ));
    e.push(ev(
        ns,
        about("Node", "", "worker-2"),
        "Warning",
        "EvictionThresholdMet",
        "Attempting to reclaim memory",
        "kubelet",
        "worker-2",
        "2025-06-01T11:18:52Z",
        "2025-06-01T11:41:07Z",
        4,
    ));
    e.push(ev(
        ns,
        about("Node", "", "worker-2"),
        "Warning",
        "SystemOOM",
        "System OOM encountered, victim process: python, pid: 48213",
        "kubelet",
        "worker-2",
        "2025-06-01T11:12:31Z",
        "2025-06-01T11:43:57Z",
        3,
    ));
    e.push(ev(
        ns,
        about("Node", "", "worker-2"),
        "Normal",
        "NodeNotSchedulable",
        "Node worker-2 status is now: NodeNotSchedulable",
        "kubelet",
        "worker-2",
        "2025-06-01T11:25:12Z",
        "2025-06-01T11:25:12Z",
        1,
    ));
}

// ---------------------------------------------------------------------------------------------
// shop
// ---------------------------------------------------------------------------------------------

fn shop(b: &mut Builder) {
    let ns = "shop";
    web(b, ns);
    cart(b, ns);
    payments(b, ns);
    recommender(b, ns);
    frontend(b, ns);
    orders(b, ns);
    analytics(b, ns);
    invoices(b, ns);
    search(b, ns);
    catalog(b, ns);
    checkout(b, ns);
    postgres(b, ns);
    jobs(b, ns);
    notifications(b, ns);
}

/// Register a simple Deployment + its single ReplicaSet.
#[allow(clippy::too_many_arguments)]
fn simple_deploy(
    b: &mut Builder,
    ns: &str,
    name: &str,
    hash: &str,
    tpl: &Value,
    want: i64,
    have: i64,
    ready: i64,
    created: &str,
    since: &str,
) -> String {
    let rs = format!("{name}-{hash}");
    b.ns(ns).deployments.push(deployment(
        ns,
        name,
        tpl,
        want,
        created,
        1,
        dep_status(name, &rs, want, have, ready, created, since),
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        &rs,
        name,
        tpl,
        hash,
        want,
        created,
        1,
        rs_status(have, ready, 1),
        since,
    ));
    rs
}

fn rs_pod(tpl: &Value, ns: &str, rs: &str, pod: &str, node: Option<&str>, created: &str) -> Value {
    let hash = rs.rsplit_once('-').unwrap().1;
    pod_from(
        tpl,
        ns,
        pod,
        &[("pod-template-hash", hash)],
        Some(owner("apps/v1", "ReplicaSet", ns, rs)),
        node,
        created,
    )
}

fn web(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/web:2.14.1";
    let ship_img = "cr.fluentbit.io/fluent/fluent-bit:3.1.9";
    let mut web = ctr(
        "web",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "200m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    web["readinessProbe"] = json!({"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    web["volumeMounts"] = json!([{"name": "logs", "mountPath": "/var/log/web"}]);
    // Native sidecar: an init container with restartPolicy Always.
    let mut ship = ctr(
        "log-shipper",
        ship_img,
        &[],
        &[("cpu", "50m"), ("memory", "64Mi")],
        &[("memory", "128Mi")],
    );
    ship["restartPolicy"] = json!("Always");
    ship["volumeMounts"] = json!([{"name": "logs", "readOnly": true, "mountPath": "/var/log/web"}]);
    let tpl = template(
        &[("app", "web")],
        vec![ship],
        vec![web],
        vec![json!({"name": "logs", "emptyDir": {}})],
    );

    // An older revision scaled to 0, and the current one.
    let old_tpl = {
        let mut t = tpl.clone();
        t["spec"]["containers"][0]["image"] = json!("ghcr.io/acme-shop/web:2.13.0");
        t
    };
    let created = "2025-05-22T09:00:00Z";
    let rs = "web-6b8d9f7c5d";
    let mut st = dep_status("web", rs, 3, 3, 3, created, "2025-06-01T10:47:21Z");
    st["observedGeneration"] = json!(2);
    b.ns(ns)
        .deployments
        .push(deployment(ns, "web", &tpl, 3, created, 2, st));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        "web-5c7f8d6b9",
        "web",
        &old_tpl,
        "5c7f8d6b9",
        0,
        created,
        1,
        rs_status(0, 0, 2),
        "2025-05-28T16:02:40Z",
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        rs,
        "web",
        &tpl,
        "6b8d9f7c5d",
        3,
        "2025-05-28T16:01:55Z",
        2,
        rs_status(3, 3, 1),
        "2025-06-01T10:47:21Z",
    ));

    let access = |pod: &str| -> String {
        let mut s = String::new();
        for (i, (path, code, ms)) in [
            ("/", 200, 12),
            ("/products/4411", 200, 48),
            ("/cart", 502, 3004),
            ("/healthz", 200, 1),
            ("/checkout", 200, 231),
        ]
        .iter()
        .enumerate()
        {
            s.push_str(&format!(
                "10.244.1.{} - - [01/Jun/2025:11:5{}:{:02} +0000] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" rt={}.{:03} pod={pod}\n",
                30 + i,
                i,
                (i * 13) % 60,
                512 + i * 97,
                ms / 1000,
                ms % 1000
            ));
        }
        s
    };
    let ship_log = "Fluent Bit v3.1.9\n* Copyright (C) 2015-2024 The Fluent Bit Authors\n[2025/05/28 16:02:31] [ info] [fluent bit] version=3.1.9, commit=431fa79ae2, pid=1\n[2025/05/28 16:02:31] [ info] [input:tail:tail.0] initializing\n[2025/05/28 16:02:31] [ info] [output:forward:forward.0] worker #0 started\n[2025/06/01 11:12:09] [ warn] [net] getaddrinfo(host='logs.acme-shop.internal', err=12): Timeout while contacting DNS servers\n[2025/06/01 11:12:10] [ info] [output:forward:forward.0] retry succeeded\n";

    for (pod, (node, host_ip), ip, created_at) in [
        (
            "web-6b8d9f7c5d-2mxhz",
            W1,
            "10.244.1.12",
            "2025-05-28T16:01:55Z",
        ),
        (
            "web-6b8d9f7c5d-9tkpq",
            W1,
            "10.244.1.13",
            "2025-05-28T16:02:17Z",
        ),
        (
            "web-6b8d9f7c5d-r4wlf",
            W1,
            "10.244.1.38",
            "2025-06-01T10:47:03Z",
        ),
    ] {
        let mut p = rs_pod(&tpl, ns, rs, pod, Some(node), created_at);
        let init_done = if created_at.starts_with("2025-06") {
            "2025-06-01T10:47:09Z"
        } else {
            created_at
        };
        let ready_at = if created_at.starts_with("2025-06") {
            "2025-06-01T10:47:21Z"
        } else {
            created_at
        };
        p["status"] =
            json!({"phase": "Running", "conditions": conds_ready(created_at, init_done, ready_at)});
        p["status"]["initContainerStatuses"] = json!([cstatus(
            pod,
            "log-shipper",
            ship_img,
            St::Running(init_done),
            None,
            true,
            0
        )]);
        p["status"]["containerStatuses"] = json!([cstatus(
            pod,
            "web",
            img,
            St::Running(init_done),
            None,
            true,
            0
        )]);
        ip_status(&mut p, host_ip, ip, created_at, "Burstable");
        b.ns(ns).pods.push(p);
        b.log(ns, pod, "log-shipper", ship_log);
        b.log(ns, pod, "web", access(pod));
    }
    // The replica on the lost node: evicted by the taint manager, stuck Terminating.
    let pod = "web-6b8d9f7c5d-x7vbn";
    let created_at = "2025-05-28T16:02:39Z";
    let mut p = rs_pod(&tpl, ns, rs, pod, Some("worker-3"), created_at);
    p["metadata"]["deletionTimestamp"] = json!("2025-06-01T10:47:33Z");
    p["metadata"]["deletionGracePeriodSeconds"] = json!(30);
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T10:47:03Z", pod));
    p["status"] = json!({"phase": "Running", "conditions": [
        cond("PodReadyToStartContainers", "True", "2025-05-28T16:02:44Z"),
        cond("Initialized", "True", "2025-05-28T16:02:44Z"),
        cond("Ready", "False", "2025-06-01T10:42:04Z"),
        cond("ContainersReady", "True", "2025-05-28T16:02:51Z"),
        cond("PodScheduled", "True", created_at),
        cond_r("DisruptionTarget", "True", "2025-06-01T10:47:03Z", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint"),
    ]});
    p["status"]["initContainerStatuses"] = json!([cstatus(
        pod,
        "log-shipper",
        ship_img,
        St::Running("2025-05-28T16:02:44Z"),
        None,
        true,
        0
    )]);
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "web",
        img,
        St::Running("2025-05-28T16:02:44Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, W3.1, "10.244.3.9", created_at, "Burstable");
    b.ns(ns).pods.push(p);
    b.log_status(ns, pod, "log-shipper", 500);
    b.log_status(ns, pod, "web", 500);

    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Pod", ns, pod),
        "Warning",
        "NodeNotReady",
        "Node is not ready",
        "node-controller",
        "",
        "2025-06-01T10:42:04Z",
        "2025-06-01T10:42:04Z",
        1,
    ));
    e.push(ev(
        ns,
        about("Pod", ns, pod),
        "Normal",
        "TaintManagerEviction",
        "Marking for deletion Pod shop/web-6b8d9f7c5d-x7vbn",
        "taint-eviction-controller",
        "",
        "2025-06-01T10:47:03Z",
        "2025-06-01T10:47:03Z",
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: web-6b8d9f7c5d-r4wlf",
        "replicaset-controller",
        "",
        "2025-06-01T10:47:03Z",
        "2025-06-01T10:47:03Z",
        1,
    ));
    e.push(ev_new(
        ns,
        about("Pod", ns, "web-6b8d9f7c5d-r4wlf"),
        "Normal",
        "Scheduled",
        "Successfully assigned shop/web-6b8d9f7c5d-r4wlf to worker-1",
        "default-scheduler",
        "default-scheduler-gke-cp-7f8b9",
        "Binding",
        "2025-06-01T10:47:03.512244Z",
        None,
    ));

    let svc = |name: &str, ip: &str, target: &str| {
        let mut s = service(
            ns,
            name,
            created,
            Some(json!({"app": "web"})),
            ip,
            json!([sport("http", 80, json!(target), "TCP")]),
        );
        s["metadata"]["labels"] = json!({"app": "web"});
        s
    };
    b.ns(ns).services.push(svc("web", "10.96.14.80", "http"));
    // targetPort name that no container declares
    b.ns(ns).services.push({
        let mut s = svc("web-metrics", "10.96.14.81", "metrics");
        s["spec"]["ports"] = json!([sport("metrics", 9090, json!("metrics"), "TCP")]);
        s
    });
}

fn crash_loop_pod(
    tpl: &Value,
    ns: &str,
    rs: &str,
    pod: &str,
    c: &str,
    img: &str,
    restarts: u32,
    code: i64,
    started: &str,
    finished: &str,
    message: &str,
    created: &str,
    ip: &str,
    host: (&str, &str),
) -> Value {
    let mut p = rs_pod(tpl, ns, rs, pod, Some(host.0), created);
    p["metadata"]["resourceVersion"] = json!(rv(finished, pod));
    p["status"] = json!({"phase": "Running", "conditions": conds_not_ready(created, created, "2025-06-01T10:05:12Z", &[c])});
    let msg = format!(
        "back-off 5m0s restarting failed container={c} pod={pod}_{ns}({})",
        uid("Pod", ns, pod)
    );
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        c,
        img,
        St::Waiting("CrashLoopBackOff", &msg),
        Some(St::Terminated {
            code,
            reason: "Error",
            started,
            finished,
            message
        }),
        false,
        restarts
    )]);
    ip_status(&mut p, host.1, ip, created, "Burstable");
    p
}

fn cart(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/cart:1.8.2";
    let mut c = ctr(
        "cart",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "200m"), ("memory", "128Mi")],
        &[("memory", "256Mi")],
    );
    c["env"] = json!([{"name": "REDIS_ADDR", "value": "legacy-redis.default.svc.cluster.local:6379"}, {"name": "PRICING_URL", "value": ""}]);
    c["terminationMessagePolicy"] = json!("FallbackToLogsOnError");
    let tpl = template(&[("app", "cart")], vec![], vec![c], vec![]);
    let created = "2025-06-01T10:02:40Z";
    let rs = simple_deploy(
        b,
        ns,
        "cart",
        "7c9f8b6d5",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T10:12:41Z",
    );
    let pod = "cart-7c9f8b6d5-x2x9k";
    let panic = "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x7b3d2e]\n\ngoroutine 1 [running]:\ngithub.com/acme-shop/cart/internal/pricing.(*Client).Rates(0x0, {0xa1c3e0, 0xc0001a2000})\n\t/src/internal/pricing/client.go:77 +0x2e\ngithub.com/acme-shop/cart/internal/server.New({0xc00012e000, 0x1c}, 0x0)\n\t/src/internal/server/server.go:54 +0x1b4\nmain.main()\n\t/src/cmd/cart/main.go:63 +0x3c5\n";
    let p = crash_loop_pod(
        &tpl,
        ns,
        &rs,
        pod,
        "cart",
        img,
        9,
        2,
        "2025-06-01T11:54:31Z",
        "2025-06-01T11:54:31Z",
        panic,
        created,
        "10.244.1.23",
        W1,
    );
    b.ns(ns).pods.push(p);
    b.log(
        ns,
        pod,
        "cart",
        format!("{{\"level\":\"info\",\"ts\":\"2025-06-01T11:54:31.201Z\",\"caller\":\"cart/main.go:48\",\"msg\":\"starting cart service\",\"version\":\"1.8.2\",\"addr\":\":8080\"}}\n{{\"level\":\"info\",\"ts\":\"2025-06-01T11:54:31.204Z\",\"caller\":\"store/redis.go:31\",\"msg\":\"connected to redis\",\"addr\":\"legacy-redis.default.svc.cluster.local:6379\"}}\n{{\"level\":\"warn\",\"ts\":\"2025-06-01T11:54:31.205Z\",\"caller\":\"pricing/client.go:40\",\"msg\":\"PRICING_URL is empty, pricing client disabled\"}}\n{panic}"),
    );
    let e = &mut b.ns(ns).events;
    let fp = "spec.containers{cart}";
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "worker-1",
        "2025-06-01T10:02:44Z",
        "2025-06-01T11:54:30Z",
        10,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &format!(
            "Back-off restarting failed container cart in pod {pod}_{ns}({})",
            uid("Pod", ns, pod)
        ),
        "kubelet",
        "worker-1",
        "2025-06-01T10:03:12Z",
        "2025-06-01T11:59:02Z",
        268,
    ));
    b.ns(ns).services.push(service(
        ns,
        "cart",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "cart"})),
        "10.96.31.7",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn payments(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/payments:4.2.0";
    let mut c = ctr(
        "payments",
        img,
        &[("http", 8080, "TCP"), ("management", 8081, "TCP")],
        &[("cpu", "500m"), ("memory", "768Mi")],
        &[("memory", "1Gi")],
    );
    c["env"] = json!([
        {"name": "SPRING_DATASOURCE_URL", "value": "jdbc:postgresql://payments-db.shop.svc.cluster.local:5432/payments"},
        {"name": "JAVA_TOOL_OPTIONS", "value": "-XX:MaxRAMPercentage=75"}
    ]);
    c["terminationMessagePolicy"] = json!("FallbackToLogsOnError");
    let tpl = template(&[("app", "payments")], vec![], vec![c], vec![]);
    let created = "2025-06-01T09:58:10Z";
    let rs = simple_deploy(
        b,
        ns,
        "payments",
        "5f4d8c7b9",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T10:08:11Z",
    );
    let pod = "payments-5f4d8c7b9-qz8nm";
    let message = "Application run failed: org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Failed to initialize pool: The connection attempt failed.\nCaused by: java.net.UnknownHostException: payments-db.shop.svc.cluster.local";
    let p = crash_loop_pod(
        &tpl,
        ns,
        &rs,
        pod,
        "payments",
        img,
        14,
        1,
        "2025-06-01T11:56:01Z",
        "2025-06-01T11:56:11Z",
        message,
        created,
        "10.244.2.19",
        W2,
    );
    b.ns(ns).pods.push(p);
    let log = "\n  .   ____          _            __ _ _\n /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\\n( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\\n \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )\n  '  |____| .__|_| |_|_| |_\\__, | / / / /\n =========|_|==============|___/=/_/_/_/\n\n :: Spring Boot ::                (v3.3.4)\n\n2025-06-01T11:56:02.114Z  INFO 1 --- [payments] [           main] c.a.payments.PaymentsApplication         : Starting PaymentsApplication v4.2.0 using Java 21.0.4 with PID 1 (/app/payments.jar started by app in /app)\n2025-06-01T11:56:02.119Z  INFO 1 --- [payments] [           main] c.a.payments.PaymentsApplication         : The following 1 profile is active: \"prod\"\n2025-06-01T11:56:06.772Z  INFO 1 --- [payments] [           main] com.zaxxer.hikari.HikariDataSource       : HikariPool-1 - Starting...\n2025-06-01T11:56:10.804Z ERROR 1 --- [payments] [           main] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Exception during pool initialization.\n\norg.postgresql.util.PSQLException: The connection attempt failed.\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:358) ~[postgresql-42.7.4.jar!/:42.7.4]\n\tat org.postgresql.core.ConnectionFactory.openConnection(ConnectionFactory.java:54) ~[postgresql-42.7.4.jar!/:42.7.4]\n\tat org.postgresql.jdbc.PgConnection.<init>(PgConnection.java:273) ~[postgresql-42.7.4.jar!/:42.7.4]\n\tat com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:562) ~[HikariCP-5.1.0.jar!/:na]\nCaused by: java.net.UnknownHostException: payments-db.shop.svc.cluster.local\n\tat java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:567) ~[na:na]\n\tat java.base/java.net.SocksSocketImpl.connect(SocksSocketImpl.java:327) ~[na:na]\n\tat java.base/java.net.Socket.connect(Socket.java:751) ~[na:na]\n\tat org.postgresql.core.PGStream.createSocket(PGStream.java:243) ~[postgresql-42.7.4.jar!/:42.7.4]\n\t... 48 common frames omitted\n\n2025-06-01T11:56:10.991Z ERROR 1 --- [payments] [           main] o.s.boot.SpringApplication               : Application run failed\n\norg.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Failed to initialize pool: The connection attempt failed.\n\tat org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.initializeBean(AbstractAutowireCapableBeanFactory.java:1806) ~[spring-beans-6.1.13.jar!/:6.1.13]\n\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335) ~[spring-boot-3.3.4.jar!/:3.3.4]\n\tat com.acme.payments.PaymentsApplication.main(PaymentsApplication.java:12) ~[!/:4.2.0]\nCaused by: java.net.UnknownHostException: payments-db.shop.svc.cluster.local\n\t... 12 common frames omitted\n\n";
    b.log(ns, pod, "payments", log);
    let e = &mut b.ns(ns).events;
    let fp = "spec.containers{payments}";
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "worker-2",
        "2025-06-01T09:58:14Z",
        "2025-06-01T11:56:00Z",
        15,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &format!(
            "Back-off restarting failed container payments in pod {pod}_{ns}({})",
            uid("Pod", ns, pod)
        ),
        "kubelet",
        "worker-2",
        "2025-06-01T09:59:02Z",
        "2025-06-01T11:59:20Z",
        291,
    ));
    b.ns(ns).services.push(service(
        ns,
        "payments",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "payments"})),
        "10.96.77.2",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn recommender(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/recommender:0.9.3";
    let mut c = ctr(
        "recommender",
        img,
        &[("http", 8000, "TCP")],
        &[("cpu", "250m"), ("memory", "512Mi")],
        &[("memory", "2Gi")],
    );
    c["command"] = json!([
        "uvicorn",
        "recommender.api:app",
        "--host",
        "0.0.0.0",
        "--port",
        "8000"
    ]);
    let tpl = template(&[("app", "recommender")], vec![], vec![c], vec![]);
    let created = "2025-05-28T10:00:00Z";
    let rs = simple_deploy(
        b,
        ns,
        "recommender",
        "84c6f9d7b",
        &tpl,
        2,
        2,
        2,
        created,
        "2025-06-01T11:44:15Z",
    );
    b.ns(ns).services.push(service(
        ns,
        "recommender",
        created,
        Some(json!({"app": "recommender"})),
        "10.96.90.12",
        json!([sport("http", 80, json!(8000), "TCP")]),
    ));

    // Running again after being OOM-killed 6 times.
    let pod = "recommender-84c6f9d7b-jx5t2";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-2"), "2025-05-28T10:00:02Z");
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T11:44:15Z", pod));
    p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-05-28T10:00:02Z", "2025-05-28T10:00:09Z", "2025-06-01T11:44:15Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "recommender",
        img,
        St::Running("2025-06-01T11:44:09Z"),
        Some(St::Terminated {
            code: 137,
            reason: "OOMKilled",
            started: "2025-06-01T11:31:52Z",
            finished: "2025-06-01T11:43:57Z",
            message: ""
        }),
        true,
        6
    )]);
    ip_status(
        &mut p,
        W2.1,
        "10.244.2.11",
        "2025-05-28T10:00:02Z",
        "Burstable",
    );
    b.ns(ns).pods.push(p);
    let mut log: Vec<u8> = Vec::new();
    log.extend_from_slice(b"INFO:     Started server process [1]\nINFO:     Waiting for application startup.\n2025-06-01 11:44:12,018 INFO recommender.model loading model artefact /models/als-2025-05-31.npz (1.7 GiB)\n2025-06-01 11:44:14,902 INFO recommender.model model loaded: 1843221 users x 48113 items\nINFO:     Application startup complete.\nINFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n");
    log.extend_from_slice(b"2025-06-01 11:51:40,772 WARNING recommender.api could not decode feature payload for user 88213: \xff\xfe bad bytes \xc3\x28 (latin-1: caf\xe9)\n");
    log.extend_from_slice(b"INFO:     10.244.1.12:48312 - \"GET /recommendations?user=88213 HTTP/1.1\" 200 OK\n2025-06-01 11:58:02,114 WARNING recommender.cache cache size 1.62 GiB exceeds soft limit 1.50 GiB, evicting\n");
    b.fx.set_log(ns, pod, "recommender", LogReply::Body(log));

    // Evicted by the kubelet under node memory pressure.
    let pod = "recommender-84c6f9d7b-8pwqm";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-2"), "2025-05-28T10:00:02Z");
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T11:19:04Z", pod));
    let msg = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 92316Ki. Container recommender was using 1912484Ki, request is 512Mi, has larger consumption of memory. ";
    p["status"] = json!({
        "phase": "Failed",
        "conditions": [
            cond_r("DisruptionTarget", "True", "2025-06-01T11:19:02Z", "TerminationByKubelet", "The node was low on resource: memory. Threshold quantity: 100Mi, available: 92316Ki. "),
            cond("PodReadyToStartContainers", "False", "2025-06-01T11:19:04Z"),
            cond("Initialized", "True", "2025-05-28T10:00:02Z"),
            cond_r("Ready", "False", "2025-06-01T11:19:04Z", "PodFailed", ""),
            cond_r("ContainersReady", "False", "2025-06-01T11:19:04Z", "PodFailed", ""),
            cond("PodScheduled", "True", "2025-05-28T10:00:02Z"),
        ],
        "message": msg,
        "reason": "Evicted"
    });
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "recommender",
        img,
        St::Terminated {
            code: 137,
            reason: "ContainerStatusUnknown",
            started: "",
            finished: "2025-06-01T11:19:03Z",
            message: "The container could not be located when the pod was terminated"
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, W2.1, "", "2025-05-28T10:00:02Z", "Burstable");
    b.ns(ns).pods.push(p);
    // no log entry: the container is gone (400)

    // Its replacement, on worker-1.
    let pod = "recommender-84c6f9d7b-tc6ks";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), "2025-06-01T11:19:02Z");
    p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-06-01T11:19:02Z", "2025-06-01T11:19:05Z", "2025-06-01T11:19:31Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "recommender",
        img,
        St::Running("2025-06-01T11:19:05Z"),
        None,
        true,
        0
    )]);
    ip_status(
        &mut p,
        W1.1,
        "10.244.1.35",
        "2025-06-01T11:19:02Z",
        "Burstable",
    );
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "recommender", "INFO:     Started server process [1]\nINFO:     Waiting for application startup.\n2025-06-01 11:19:06,330 INFO recommender.model loading model artefact /models/als-2025-05-31.npz (1.7 GiB)\n2025-06-01 11:19:29,871 INFO recommender.model model loaded: 1843221 users x 48113 items\nINFO:     Application startup complete.\nINFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)\n");

    let e = &mut b.ns(ns).events;
    let fp = "spec.containers{recommender}";
    e.push(ev(
        ns,
        about("Pod", ns, "recommender-84c6f9d7b-8pwqm"),
        "Warning",
        "Evicted",
        msg.trim_end(),
        "kubelet",
        "worker-2",
        "2025-06-01T11:19:02Z",
        "2025-06-01T11:19:02Z",
        1,
    ));
    e.push(ev(
        ns,
        about_c(ns, "recommender-84c6f9d7b-8pwqm", fp),
        "Normal",
        "Killing",
        "Stopping container recommender",
        "kubelet",
        "worker-2",
        "2025-06-01T11:19:02Z",
        "2025-06-01T11:19:02Z",
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, &rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: recommender-84c6f9d7b-tc6ks",
        "replicaset-controller",
        "",
        "2025-06-01T11:19:02Z",
        "2025-06-01T11:19:02Z",
        1,
    ));
    e.push(ev(
        ns,
        about_c(ns, "recommender-84c6f9d7b-jx5t2", fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "worker-2",
        "2025-06-01T11:12:33Z",
        "2025-06-01T11:44:08Z",
        3,
    ));
    e.push(ev(ns, about_c(ns, "recommender-84c6f9d7b-jx5t2", fp), "Warning", "BackOff", &format!("Back-off restarting failed container recommender in pod recommender-84c6f9d7b-jx5t2_{ns}({})", uid("Pod", ns, "recommender-84c6f9d7b-jx5t2")), "kubelet", "worker-2", "2025-06-01T11:13:01Z", "2025-06-01T11:44:02Z", 5));
}

fn frontend(b: &mut Builder, ns: &str) {
    let old_img = "ghcr.io/acme-shop/frontend:3.8.2";
    let new_img = "ghcr.io/acme-shop/frontend:3.9.0";
    let mk = |img: &str| {
        let mut c = ctr(
            "frontend",
            img,
            &[("http", 80, "TCP")],
            &[("cpu", "100m"), ("memory", "64Mi")],
            &[("memory", "128Mi")],
        );
        c["readinessProbe"] = json!({"httpGet": {"path": "/", "port": "http", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3});
        template(&[("app", "frontend")], vec![], vec![c], vec![])
    };
    let (old_tpl, new_tpl) = (mk(old_img), mk(new_img));
    let created = "2025-05-22T09:00:00Z";
    let rollout = "2025-06-01T11:02:40Z";
    let (old_rs, new_rs) = ("frontend-5f7b8c9d4", "frontend-7d8f9b6c5");
    let mut d = deployment(
        ns,
        "frontend",
        &new_tpl,
        2,
        created,
        2,
        json!({
            "observedGeneration": 2,
            "replicas": 3,
            "updatedReplicas": 1,
            "readyReplicas": 2,
            "availableReplicas": 2,
            "unavailableReplicas": 1,
            "conditions": [
                dep_cond("Available", "True", "2025-05-22T09:00:31Z", "2025-05-22T09:00:31Z", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                dep_cond("Progressing", "False", "2025-06-01T11:12:41Z", "2025-06-01T11:12:41Z", "ProgressDeadlineExceeded", "ReplicaSet \"frontend-7d8f9b6c5\" has timed out progressing.")
            ]
        }),
    );
    d["metadata"]["annotations"]["kubernetes.io/change-cause"] =
        json!("kubectl set image deployment/frontend frontend=ghcr.io/acme-shop/frontend:3.9.0");
    b.ns(ns).deployments.push(d);
    b.ns(ns).replicasets.push(replicaset(
        ns,
        old_rs,
        "frontend",
        &old_tpl,
        "5f7b8c9d4",
        2,
        created,
        1,
        rs_status(2, 2, 1),
        "2025-05-22T09:00:31Z",
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        new_rs,
        "frontend",
        &new_tpl,
        "7d8f9b6c5",
        1,
        rollout,
        2,
        rs_status(1, 0, 1),
        rollout,
    ));
    for (pod, (node, host_ip), ip) in [
        ("frontend-5f7b8c9d4-h2kq9", W1, "10.244.1.15"),
        ("frontend-5f7b8c9d4-vw6zx", W2, "10.244.2.9"),
    ] {
        let mut p = rs_pod(
            &old_tpl,
            ns,
            old_rs,
            pod,
            Some(node),
            "2025-05-22T09:00:02Z",
        );
        p["status"] = json!({"phase": "Running", "conditions": conds_ready("2025-05-22T09:00:02Z", "2025-05-22T09:00:05Z", "2025-05-22T09:00:11Z")});
        p["status"]["containerStatuses"] = json!([cstatus(
            pod,
            "frontend",
            old_img,
            St::Running("2025-05-22T09:00:05Z"),
            None,
            true,
            0
        )]);
        ip_status(&mut p, host_ip, ip, "2025-05-22T09:00:02Z", "Burstable");
        b.ns(ns).pods.push(p);
        b.log(ns, pod, "frontend", "/docker-entrypoint.sh: Configuration complete; ready for start up\n2025/05/22 09:00:05 [notice] 1#1: nginx/1.27.2\n2025/05/22 09:00:05 [notice] 1#1: start worker processes\n10.244.1.12 - - [01/Jun/2025:11:58:40 +0000] \"GET / HTTP/1.1\" 200 1843 \"-\" \"kube-probe/1.32\" \"-\"\n10.244.1.12 - - [01/Jun/2025:11:58:45 +0000] \"GET /static/app.7f3c1.js HTTP/1.1\" 200 188214 \"https://shop.example.com/\" \"Mozilla/5.0\" \"-\"\n");
    }
    let pod = "frontend-7d8f9b6c5-b5wrn";
    let mut p = rs_pod(&new_tpl, ns, new_rs, pod, Some("worker-1"), rollout);
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T11:03:30Z", pod));
    p["status"] = json!({"phase": "Pending", "conditions": conds_not_ready(rollout, "2025-06-01T11:02:42Z", "2025-06-01T11:02:40Z", &["frontend"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "frontend",
        new_img,
        St::Waiting(
            "ImagePullBackOff",
            &format!("Back-off pulling image \"{new_img}\"")
        ),
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.33", rollout, "Burstable");
    b.ns(ns).pods.push(p);
    let fp = "spec.containers{frontend}";
    let pull_err = format!("Failed to pull image \"{new_img}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{new_img}\": failed to resolve reference \"{new_img}\": {new_img}: not found");
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Deployment", ns, "frontend"),
        "Normal",
        "ScalingReplicaSet",
        "Scaled up replica set frontend-7d8f9b6c5 to 1",
        "deployment-controller",
        "",
        rollout,
        rollout,
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, new_rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: frontend-7d8f9b6c5-b5wrn",
        "replicaset-controller",
        "",
        rollout,
        rollout,
        1,
    ));
    e.push(ev_new(
        ns,
        about("Pod", ns, pod),
        "Normal",
        "Scheduled",
        "Successfully assigned shop/frontend-7d8f9b6c5-b5wrn to worker-1",
        "default-scheduler",
        "default-scheduler-gke-cp-7f8b9",
        "Binding",
        "2025-06-01T11:02:40.277391Z",
        None,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulling",
        &format!("Pulling image \"{new_img}\""),
        "kubelet",
        "worker-1",
        "2025-06-01T11:02:43Z",
        "2025-06-01T11:58:12Z",
        15,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        &pull_err,
        "kubelet",
        "worker-1",
        "2025-06-01T11:02:44Z",
        "2025-06-01T11:58:13Z",
        15,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: ErrImagePull",
        "kubelet",
        "worker-1",
        "2025-06-01T11:02:44Z",
        "2025-06-01T11:58:13Z",
        15,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "BackOff",
        &format!("Back-off pulling image \"{new_img}\""),
        "kubelet",
        "worker-1",
        "2025-06-01T11:02:58Z",
        "2025-06-01T11:59:44Z",
        241,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: ImagePullBackOff",
        "kubelet",
        "worker-1",
        "2025-06-01T11:02:58Z",
        "2025-06-01T11:59:44Z",
        241,
    ));
    b.ns(ns).services.push(service(
        ns,
        "frontend",
        created,
        Some(json!({"app": "frontend"})),
        "10.96.12.44",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn orders(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/orders:2.3.1";
    let mut c = ctr(
        "orders",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "200m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    c["env"] = json!([
        {"name": "DB_HOST", "value": "postgres.shop.svc.cluster.local"},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-password", "key": "password"}}}
    ]);
    let tpl = template(&[("app", "orders")], vec![], vec![c], vec![]);
    let created = "2025-06-01T11:14:05Z";
    let rs = simple_deploy(
        b,
        ns,
        "orders",
        "6c8d7f5b4",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T11:24:06Z",
    );
    let pod = "orders-6c8d7f5b4-pn3jz";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), created);
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T11:14:09Z", pod));
    p["status"] = json!({"phase": "Pending", "conditions": conds_not_ready(created, "2025-06-01T11:14:07Z", created, &["orders"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "orders",
        img,
        St::Waiting(
            "CreateContainerConfigError",
            "secret \"db-password\" not found"
        ),
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.36", created, "Burstable");
    b.ns(ns).pods.push(p);
    let fp = "spec.containers{orders}";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "worker-1",
        "2025-06-01T11:14:07Z",
        "2025-06-01T11:59:12Z",
        212,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: secret \"db-password\" not found",
        "kubelet",
        "worker-1",
        "2025-06-01T11:14:07Z",
        "2025-06-01T11:59:12Z",
        212,
    ));
    b.ns(ns).services.push(service(
        ns,
        "orders",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "orders"})),
        "10.96.55.9",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn analytics(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/analytics:1.4.0";
    let c = ctr(
        "analytics",
        img,
        &[],
        &[("cpu", "2"), ("memory", "4Gi")],
        &[("cpu", "2"), ("memory", "4Gi")],
    );
    let tpl = template(&[("app", "analytics")], vec![], vec![c], vec![]);
    let created = "2025-06-01T11:27:32Z";
    let rs = simple_deploy(
        b,
        ns,
        "analytics",
        "59d8c7f6b",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T11:37:33Z",
    );
    let pod = "analytics-59d8c7f6b-zk2hd";
    let mut p = rs_pod(&tpl, ns, &rs, pod, None, created);
    let msg = "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
    p["status"] = json!({"phase": "Pending", "conditions": [cond_r("PodScheduled", "False", created, "Unschedulable", msg)], "qosClass": "Guaranteed"});
    b.ns(ns).pods.push(p);
    // no log entries: "pod ... does not have a host assigned" (400)
    b.ns(ns).events.push(ev_new(
        ns,
        about("Pod", ns, pod),
        "Warning",
        "FailedScheduling",
        msg,
        "default-scheduler",
        "default-scheduler-gke-cp-7f8b9",
        "Scheduling",
        "2025-06-01T11:27:32.512348Z",
        Some((11, "2025-06-01T11:57:48.118213Z")),
    ));
}

fn invoices(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/invoices:1.1.0";
    let mut c = ctr(
        "invoices",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "100m"), ("memory", "128Mi")],
        &[],
    );
    c["volumeMounts"] =
        json!([{"name": "templates", "readOnly": true, "mountPath": "/etc/invoices/templates"}]);
    let tpl = template(
        &[("app", "invoices")],
        vec![],
        vec![c],
        vec![
            json!({"name": "templates", "configMap": {"name": "invoice-templates", "defaultMode": 420}}),
        ],
    );
    let created = "2025-06-01T11:31:18Z";
    let rs = simple_deploy(
        b,
        ns,
        "invoices",
        "7f6d5c4b8",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T11:41:19Z",
    );
    let pod = "invoices-7f6d5c4b8-mq7vt";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), created);
    p["status"] = json!({"phase": "Pending", "conditions": [
        cond("PodReadyToStartContainers", "False", created),
        cond("Initialized", "True", created),
        cond_r("Ready", "False", created, "ContainersNotReady", "containers with unready status: [invoices]"),
        cond_r("ContainersReady", "False", created, "ContainersNotReady", "containers with unready status: [invoices]"),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "invoices",
        img,
        St::Waiting("ContainerCreating", ""),
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "", created, "Burstable");
    b.ns(ns).pods.push(p);
    let e = &mut b.ns(ns).events;
    e.push(ev_new(
        ns,
        about("Pod", ns, pod),
        "Normal",
        "Scheduled",
        "Successfully assigned shop/invoices-7f6d5c4b8-mq7vt to worker-1",
        "default-scheduler",
        "default-scheduler-gke-cp-7f8b9",
        "Binding",
        "2025-06-01T11:31:18.340552Z",
        None,
    ));
    e.push(ev(ns, about("Pod", ns, pod), "Warning", "FailedMount", "MountVolume.SetUp failed for volume \"templates\" : configmap \"invoice-templates\" not found", "kubelet", "worker-1", "2025-06-01T11:31:18Z", "2025-06-01T11:59:31Z", 22));
}

fn search(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/search:5.0.2";
    let mut c = ctr(
        "search",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "250m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    c["env"] = json!([{"name": "ELASTICSEARCH_URL", "value": "http://elasticsearch.shop.svc.cluster.local:9200"}]);
    c["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"}, "initialDelaySeconds": 5, "timeoutSeconds": 2, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    c["livenessProbe"] = json!({"httpGet": {"path": "/live", "port": "http", "scheme": "HTTP"}, "initialDelaySeconds": 15, "timeoutSeconds": 2, "periodSeconds": 20, "successThreshold": 1, "failureThreshold": 3});
    let tpl = template(&[("app", "search")], vec![], vec![c], vec![]);
    let created = "2025-06-01T10:58:40Z";
    let rs = simple_deploy(
        b,
        ns,
        "search",
        "64b7c9d8f",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T11:08:41Z",
    );
    let pod = "search-64b7c9d8f-gt4xw";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), created);
    p["status"] = json!({"phase": "Running", "conditions": conds_not_ready(created, "2025-06-01T10:58:43Z", "2025-06-01T10:58:43Z", &["search"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "search",
        img,
        St::Running("2025-06-01T10:58:43Z"),
        None,
        false,
        0
    )]);
    p["status"]["containerStatuses"][0]["started"] = json!(true);
    ip_status(&mut p, W1.1, "10.244.1.9", created, "Burstable");
    b.ns(ns).pods.push(p);
    let mut log =
        String::from("2025-06-01T10:58:43.902Z INFO  search-api 5.0.2 listening on :8080\n");
    for (i, t) in [
        "10:58:44", "11:08:44", "11:18:44", "11:28:44", "11:38:44", "11:48:44", "11:58:44",
    ]
    .iter()
    .enumerate()
    {
        log.push_str(&format!(
            "2025-06-01T{t}.{:03}Z WARN  es: health check failed: Get \"http://elasticsearch.shop.svc.cluster.local:9200/_cluster/health\": dial tcp: lookup elasticsearch.shop.svc.cluster.local on 10.96.0.10:53: no such host (attempt {})\n",
            100 + i * 7,
            1 + i * 60
        ));
    }
    log.push_str("2025-06-01T11:59:55.010Z INFO  GET /ready 503 0.4ms\n");
    b.log(ns, pod, "search", log);
    b.ns(ns).events.push(ev(
        ns,
        about_c(ns, pod, "spec.containers{search}"),
        "Warning",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "kubelet",
        "worker-1",
        "2025-06-01T10:58:49Z",
        "2025-06-01T11:59:55Z",
        363,
    ));
    b.ns(ns).services.push(service(
        ns,
        "search",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "search"})),
        "10.96.61.5",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn catalog(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/catalog:3.0.0";
    let init_img = "docker.io/library/alpine:3.20";
    let mut init = ctr(
        "fetch-assets",
        init_img,
        &[],
        &[("cpu", "50m"), ("memory", "32Mi")],
        &[],
    );
    init["command"] = json!([
        "wge",
        "-O",
        "/assets/catalog.tar.gz",
        "https://assets.acme-shop.example/catalog/3.0.0.tar.gz"
    ]);
    init["volumeMounts"] = json!([{"name": "assets", "mountPath": "/assets"}]);
    let mut c = ctr(
        "catalog",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "100m"), ("memory", "128Mi")],
        &[],
    );
    c["volumeMounts"] = json!([{"name": "assets", "readOnly": true, "mountPath": "/assets"}]);
    let tpl = template(
        &[("app", "catalog")],
        vec![init],
        vec![c],
        vec![json!({"name": "assets", "emptyDir": {}})],
    );
    let created = "2025-06-01T10:40:00Z";
    let rs = simple_deploy(
        b,
        ns,
        "catalog",
        "5b9c8d7f6",
        &tpl,
        1,
        1,
        0,
        created,
        "2025-06-01T10:50:01Z",
    );
    let pod = "catalog-5b9c8d7f6-lp4rz";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), created);
    let start_err = "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"wge\": executable file not found in $PATH: unknown";
    p["status"] = json!({"phase": "Pending", "conditions": [
        cond("PodReadyToStartContainers", "True", "2025-06-01T10:40:02Z"),
        cond_r("Initialized", "False", created, "ContainersNotInitialized", "containers with incomplete status: [fetch-assets]"),
        cond_r("Ready", "False", created, "ContainersNotReady", "containers with unready status: [catalog]"),
        cond_r("ContainersReady", "False", created, "ContainersNotReady", "containers with unready status: [catalog]"),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["initContainerStatuses"] = json!([cstatus(
        pod,
        "fetch-assets",
        init_img,
        St::Waiting("RunContainerError", start_err),
        Some(St::Terminated {
            code: 128,
            reason: "StartError",
            started: "1970-01-01T00:00:00Z",
            finished: "2025-06-01T11:58:21Z",
            message: start_err
        }),
        false,
        17
    )]);
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "catalog",
        img,
        St::Waiting("PodInitializing", ""),
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.31", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "fetch-assets", ""); // the failed start left an empty log; "catalog" waits (400)
    let fp = "spec.initContainers{fetch-assets}";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{init_img}\" already present on machine"),
        "kubelet",
        "worker-1",
        "2025-06-01T10:40:02Z",
        "2025-06-01T11:58:20Z",
        18,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        &format!("Error: {start_err}"),
        "kubelet",
        "worker-1",
        "2025-06-01T10:40:03Z",
        "2025-06-01T11:58:21Z",
        18,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &format!(
            "Back-off restarting failed container fetch-assets in pod {pod}_{ns}({})",
            uid("Pod", ns, pod)
        ),
        "kubelet",
        "worker-1",
        "2025-06-01T10:40:17Z",
        "2025-06-01T11:59:50Z",
        356,
    ));
    // The service selector has a typo: no pod is labelled app=catalogue.
    b.ns(ns).services.push(service(
        ns,
        "catalog",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "catalogue"})),
        "10.96.40.40",
        json!([sport("http", 80, json!(8080), "TCP")]),
    ));
}

fn checkout(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/checkout:7.1.0";
    let envoy_img = "docker.io/envoyproxy/envoy:v1.31.2";
    let wait_img = "docker.io/library/postgres:16.4";
    let mut init = ctr(
        "wait-for-db",
        wait_img,
        &[],
        &[("cpu", "10m"), ("memory", "16Mi")],
        &[],
    );
    init["command"] = json!([
        "sh",
        "-c",
        "until pg_isready -h postgres -p 5432; do echo waiting for postgres; sleep 2; done"
    ]);
    let mut app = ctr(
        "checkout",
        img,
        &[("http", 3000, "TCP")],
        &[("cpu", "300m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    app["env"] = json!([{"name": "FORCE_COLOR", "value": "1"}, {"name": "PAYMENTS_URL", "value": "http://payments.shop.svc.cluster.local"}]);
    let envoy = ctr(
        "envoy",
        envoy_img,
        &[("proxy", 8443, "TCP"), ("admin", 9901, "TCP")],
        &[("cpu", "100m"), ("memory", "64Mi")],
        &[("memory", "128Mi")],
    );
    let tpl = template(&[("app", "checkout")], vec![init], vec![app, envoy], vec![]);
    let created = "2025-05-30T15:20:00Z";
    let rs = simple_deploy(
        b,
        ns,
        "checkout",
        "6d5f4c8b7",
        &tpl,
        1,
        1,
        1,
        created,
        "2025-05-30T15:20:19Z",
    );
    let pod = "checkout-6d5f4c8b7-wn9xk";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("worker-1"), created);
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-05-30T15:20:09Z", "2025-05-30T15:20:19Z")});
    p["status"]["initContainerStatuses"] = json!([cstatus(
        pod,
        "wait-for-db",
        wait_img,
        St::Terminated {
            code: 0,
            reason: "Completed",
            started: "2025-05-30T15:20:03Z",
            finished: "2025-05-30T15:20:08Z",
            message: ""
        },
        None,
        false,
        0
    )]);
    p["status"]["containerStatuses"] = json!([
        cstatus(
            pod,
            "checkout",
            img,
            St::Running("2025-05-30T15:20:10Z"),
            None,
            true,
            0
        ),
        cstatus(
            pod,
            "envoy",
            envoy_img,
            St::Running("2025-05-30T15:20:10Z"),
            None,
            true,
            0
        )
    ]);
    ip_status(&mut p, W1.1, "10.244.1.27", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "wait-for-db", "postgres:5432 - no response\nwaiting for postgres\npostgres:5432 - no response\nwaiting for postgres\npostgres:5432 - accepting connections\n");
    // CRLF line ends and ANSI colours (FORCE_COLOR=1)
    b.log(ns, pod, "checkout", "\x1b[32minfo\x1b[39m: checkout-service 7.1.0 listening on :3000\r\n\x1b[32minfo\x1b[39m: connected to postgres at postgres:5432\r\n\x1b[33mwarn\x1b[39m: slow response from payments (2300ms)\r\n\x1b[31merror\x1b[39m: POST /api/checkout 502 - upstream payments unavailable: connect ECONNREFUSED 10.96.77.2:80\r\n\x1b[31merror\x1b[39m: POST /api/checkout 502 - upstream payments unavailable: connect ECONNREFUSED 10.96.77.2:80\r\n\x1b[32minfo\x1b[39m: GET /api/health 200 1ms\r\n");
    b.log(ns, pod, "envoy", "[2025-05-30 15:20:10.512][1][info][main] [source/server/server.cc:430] initializing epoch 0 (base id=0, hot restart version=11.104)\n[2025-05-30 15:20:10.618][1][info][main] [source/server/server.cc:978] starting main dispatch loop\n[2025-06-01 11:57:12.004][22][warning][upstream] [source/common/upstream/health_checker_impl.cc:343] health check failed for cluster payments: 503\n");
    b.ns(ns).services.push(service(
        ns,
        "checkout",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "checkout"})),
        "10.96.33.3",
        json!([sport("https", 443, json!("proxy"), "TCP")]),
    ));
}

fn postgres(b: &mut Builder, ns: &str) {
    // A StatefulSet pod: the StatefulSet itself is not in a dump, only the ownerReference.
    let img = "docker.io/library/postgres:16.4";
    let mut c = ctr(
        "postgres",
        img,
        &[("postgres", 5432, "TCP")],
        &[("cpu", "500m"), ("memory", "1Gi")],
        &[("memory", "2Gi")],
    );
    c["volumeMounts"] = json!([{"name": "data", "mountPath": "/var/lib/postgresql/data"}]);
    c["env"] = json!([{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "postgres", "key": "password"}}}, {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}]);
    let mut tpl = template(
        &[("app", "postgres")],
        vec![],
        vec![c],
        vec![json!({"name": "data", "persistentVolumeClaim": {"claimName": "data-postgres-0"}})],
    );
    tpl["spec"]["hostname"] = json!("postgres-0");
    tpl["spec"]["subdomain"] = json!("postgres");
    let pod = "postgres-0";
    let created = "2025-05-22T09:01:00Z";
    let mut p = pod_from(
        &tpl,
        ns,
        pod,
        &[
            ("apps.kubernetes.io/pod-index", "0"),
            ("controller-revision-hash", "postgres-7b5d9c8f6d"),
            ("statefulset.kubernetes.io/pod-name", "postgres-0"),
        ],
        Some(owner("apps/v1", "StatefulSet", ns, "postgres")),
        Some("worker-1"),
        created,
    );
    p["metadata"]["generateName"] = json!("postgres-");
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-05-22T09:01:09Z", "2025-05-22T09:01:14Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "postgres",
        img,
        St::Running("2025-05-22T09:01:09Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.8", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "postgres", "\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n2025-05-22 09:01:09.733 UTC [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit\n2025-05-22 09:01:09.734 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432\n2025-05-22 09:01:09.761 UTC [1] LOG:  database system is ready to accept connections\n2025-06-01 11:40:02.118 UTC [48812] ERROR:  relation \"orders_v2\" already exists\n2025-06-01 11:40:02.118 UTC [48812] STATEMENT:  CREATE TABLE orders_v2 (id bigserial primary key, created_at timestamptz not null)\n");
    let mut s = service(
        ns,
        "postgres",
        created,
        Some(json!({"app": "postgres"})),
        "None",
        json!([sport("postgres", 5432, json!("postgres"), "TCP")]),
    );
    s["spec"]["clusterIPs"] = json!(["None"]);
    b.ns(ns).services.push(s);
}

fn jobs(b: &mut Builder, ns: &str) {
    // A failed Job pod (restartPolicy Never).
    let img = "ghcr.io/acme-shop/orders:2.3.1";
    let mut c = ctr(
        "migrate",
        img,
        &[],
        &[("cpu", "100m"), ("memory", "128Mi")],
        &[],
    );
    c["command"] = json!(["/app/orders", "migrate", "--to", "2025053101"]);
    let mut tpl = template(
        &[
            ("batch.kubernetes.io/job-name", "db-migrate"),
            ("job-name", "db-migrate"),
        ],
        vec![],
        vec![c],
        vec![],
    );
    tpl["spec"]["restartPolicy"] = json!("Never");
    let pod = "db-migrate-8tqzk";
    let created = "2025-06-01T11:40:00Z";
    let mut p = pod_from(
        &tpl,
        ns,
        pod,
        &[
            (
                "batch.kubernetes.io/controller-uid",
                &uid("Job", ns, "db-migrate"),
            ),
            ("controller-uid", &uid("Job", ns, "db-migrate")),
        ],
        Some(owner("batch/v1", "Job", ns, "db-migrate")),
        Some("worker-1"),
        created,
    );
    p["metadata"]["finalizers"] = json!([]);
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T11:40:04Z", pod));
    p["status"] = json!({"phase": "Failed", "conditions": [
        cond("PodReadyToStartContainers", "False", "2025-06-01T11:40:04Z"),
        cond("Initialized", "True", created),
        cond_r("Ready", "False", "2025-06-01T11:40:03Z", "PodFailed", ""),
        cond_r("ContainersReady", "False", "2025-06-01T11:40:03Z", "PodFailed", ""),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "migrate",
        img,
        St::Terminated {
            code: 1,
            reason: "Error",
            started: "2025-06-01T11:40:02Z",
            finished: "2025-06-01T11:40:02Z",
            message: ""
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.39", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "migrate", "time=2025-06-01T11:40:02.101Z level=INFO msg=\"applying migration\" version=2025053101 name=orders_v2\ntime=2025-06-01T11:40:02.119Z level=ERROR msg=\"migration failed\" version=2025053101 err=\"pq: relation \\\"orders_v2\\\" already exists\"\nError: migration 2025053101 failed: pq: relation \"orders_v2\" already exists\n");
    b.ns(ns).events.push(ev(
        ns,
        about("Job", ns, "db-migrate"),
        "Warning",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
        "job-controller",
        "",
        "2025-06-01T11:40:05Z",
        "2025-06-01T11:40:05Z",
        1,
    ));

    // A CronJob's Job pod that succeeded (log without a final newline).
    let img = "ghcr.io/acme-shop/reports:1.0.7";
    let job = "nightly-report-29145720";
    let mut c = ctr(
        "report",
        img,
        &[],
        &[("cpu", "200m"), ("memory", "256Mi")],
        &[],
    );
    c["args"] = json!([
        "--date",
        "2025-05-31",
        "--upload",
        "s3://acme-shop-reports/daily/"
    ]);
    let mut tpl = template(
        &[("batch.kubernetes.io/job-name", job), ("job-name", job)],
        vec![],
        vec![c],
        vec![],
    );
    tpl["spec"]["restartPolicy"] = json!("OnFailure");
    let pod = "nightly-report-29145720-r7s5x";
    let created = "2025-06-01T02:00:00Z";
    let mut p = pod_from(
        &tpl,
        ns,
        pod,
        &[
            ("batch.kubernetes.io/controller-uid", &uid("Job", ns, job)),
            ("controller-uid", &uid("Job", ns, job)),
        ],
        Some(owner("batch/v1", "Job", ns, job)),
        Some("worker-1"),
        created,
    );
    p["metadata"]["resourceVersion"] = json!(rv("2025-06-01T02:01:49Z", pod));
    p["status"] = json!({"phase": "Succeeded", "conditions": [
        cond("PodReadyToStartContainers", "False", "2025-06-01T02:01:49Z"),
        cond_r("Initialized", "True", created, "PodCompleted", ""),
        cond_r("Ready", "False", "2025-06-01T02:01:48Z", "PodCompleted", ""),
        cond_r("ContainersReady", "False", "2025-06-01T02:01:48Z", "PodCompleted", ""),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "report",
        img,
        St::Terminated {
            code: 0,
            reason: "Completed",
            started: "2025-06-01T02:00:03Z",
            finished: "2025-06-01T02:01:47Z",
            message: ""
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.29", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "report", "2025-06-01 02:00:03 building daily report for 2025-05-31\n2025-06-01 02:01:12 orders: 18211, revenue: 1,204,331.80 EUR\n2025-06-01 02:01:47 Report uploaded to s3://acme-shop-reports/daily/2025-05-31.pdf");
}

fn notifications(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-shop/notifications:1.6.0";
    let c = ctr(
        "notifications",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "100m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    let tpl = template(&[("app", "notifications")], vec![], vec![c], vec![]);
    let created = "2025-06-01T11:20:00Z";
    let rs = "notifications-5c6d7e8f9";
    let quota = "exceeded quota: shop-quota, requested: limits.memory=512Mi, used: limits.memory=7936Mi, limited: limits.memory=8Gi";
    let fail1 = format!("pods \"notifications-5c6d7e8f9-x8m2q\" is forbidden: {quota}");
    b.ns(ns).deployments.push(deployment(
        ns,
        "notifications",
        &tpl,
        3,
        created,
        1,
        json!({
            "observedGeneration": 1,
            "replicas": 1,
            "updatedReplicas": 1,
            "readyReplicas": 1,
            "availableReplicas": 1,
            "unavailableReplicas": 2,
            "conditions": [
                dep_cond("Available", "False", "2025-06-01T11:20:00Z", "2025-06-01T11:20:00Z", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                dep_cond("ReplicaFailure", "True", "2025-06-01T11:20:00Z", "2025-06-01T11:20:00Z", "FailedCreate", &fail1),
                dep_cond("Progressing", "True", "2025-06-01T11:20:09Z", "2025-06-01T11:20:00Z", "ReplicaSetUpdated", "ReplicaSet \"notifications-5c6d7e8f9\" is progressing.")
            ]
        }),
    ));
    let mut rs_st = rs_status(1, 1, 1);
    rs_st["conditions"] = json!([{"type": "ReplicaFailure", "status": "True", "lastTransitionTime": "2025-06-01T11:20:00Z", "reason": "FailedCreate", "message": fail1}]);
    b.ns(ns).replicasets.push(replicaset(
        ns,
        rs,
        "notifications",
        &tpl,
        "5c6d7e8f9",
        3,
        created,
        1,
        rs_st,
        "2025-06-01T11:20:09Z",
    ));
    let pod = "notifications-5c6d7e8f9-fb8vd";
    let mut p = rs_pod(&tpl, ns, rs, pod, Some("worker-1"), created);
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-06-01T11:20:03Z", "2025-06-01T11:20:09Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "notifications",
        img,
        St::Running("2025-06-01T11:20:03Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, W1.1, "10.244.1.37", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "notifications", "{\"time\":\"2025-06-01T11:20:03.551Z\",\"level\":\"INFO\",\"msg\":\"notifications 1.6.0 starting\",\"workers\":4}\n{\"time\":\"2025-06-01T11:20:03.702Z\",\"level\":\"INFO\",\"msg\":\"subscribed\",\"topic\":\"order-events\"}\n{\"time\":\"2025-06-01T11:58:12.004Z\",\"level\":\"WARN\",\"msg\":\"queue lag high\",\"lag\":18342,\"consumers\":1}\n");
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Deployment", ns, "notifications"),
        "Normal",
        "ScalingReplicaSet",
        "Scaled up replica set notifications-5c6d7e8f9 to 3",
        "deployment-controller",
        "",
        created,
        created,
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: notifications-5c6d7e8f9-fb8vd",
        "replicaset-controller",
        "",
        created,
        created,
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, rs),
        "Warning",
        "FailedCreate",
        &format!("Error creating: {fail1}"),
        "replicaset-controller",
        "",
        "2025-06-01T11:20:00Z",
        "2025-06-01T11:20:00Z",
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, rs),
        "Warning",
        "FailedCreate",
        &format!("(combined from similar events): Error creating: pods \"notifications-5c6d7e8f9-k9d4t\" is forbidden: {quota}"),
        "replicaset-controller",
        "",
        "2025-06-01T11:20:01Z",
        "2025-06-01T11:56:41Z",
        23,
    ));
    b.ns(ns).services.push(service(
        ns,
        "notifications",
        "2025-05-22T09:00:00Z",
        Some(json!({"app": "notifications"})),
        "10.96.88.8",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

// ---------------------------------------------------------------------------------------------
// tiny
// ---------------------------------------------------------------------------------------------

/// One healthy node, namespace `default`, one bare pod `hello` with one container `hello`
/// whose log has three lines. Everything else is empty.
pub fn tiny() -> Fixture {
    let mut fx = Fixture::default();
    let n = NodeSpec {
        name: "node-1",
        ip: "10.0.0.11",
        pod_cidr: "10.244.0.0/24",
        zone: "europe-west1-b",
        cpu: "2",
        alloc_cpu: "1930m",
        mem: "8148060Ki",
        alloc_mem: "6993052Ki",
        kubelet: "v1.32.4",
        kernel: "6.1.0-31-cloud-amd64",
        os_image: "Debian GNU/Linux 12 (bookworm)",
        runtime: "containerd://1.7.24",
    };
    let hb = "2025-06-01T11:59:50Z";
    fx.nodes.push(node(
        &n,
        Value::Array(healthy_conditions(hb, "2025-06-01T09:00:30Z")),
        json!([]),
        false,
        hb,
    ));
    let img = "docker.io/library/busybox:1.36.1";
    let mut c = ctr("hello", img, &[], &[], &[]);
    c["command"] = json!([
        "sh",
        "-c",
        "echo hello; echo from; echo tiny; sleep infinity"
    ]);
    let tpl = template(&[("run", "hello")], vec![], vec![c], vec![]);
    let created = "2025-06-01T11:00:00Z";
    let mut p = pod_from(&tpl, "default", "hello", &[], None, Some("node-1"), created);
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-06-01T11:00:03Z", "2025-06-01T11:00:03Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        "hello",
        "hello",
        img,
        St::Running("2025-06-01T11:00:03Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, "10.0.0.11", "10.244.0.5", created, "BestEffort");
    let mut ns = NsFixture::new("default");
    ns.pods.push(p);
    fx.namespaces.push(ns);
    fx.set_log(
        "default",
        "hello",
        "hello",
        LogReply::Body(b"hello\nfrom\ntiny\n".to_vec()),
    );
    fx
}

// ---------------------------------------------------------------------------------------------
// edge: the rules the demo does not trigger, and field cases around them
// ---------------------------------------------------------------------------------------------

/// Server version the edge cluster is meant to be dumped against.
pub const EDGE_SERVER_VERSION: &str = "1.33.1";

/// What a diagnosis of [`edge`] should find, one entry per (rule, subject).
pub const EDGE_EXPECTED: &[Expected] = &[
    exp("node-network-unavailable", "Node", "", "edge-c", None, "NetworkUnavailable=True CalicoIsDown since 08:31:11 (calico-node on it cannot start); taint node.kubernetes.io/network-unavailable"),
    exp("crash-loop-backoff", "Pod", "kube-system", "calico-node-zr7wk", Some("calico-node"), "exit 1: Unable to auto-detect an IPv4 address using interface regexes [eth0] (edge-c's NIC is ens4), 9 restarts"),
    exp("workload-unavailable", "DaemonSet", "kube-system", "calico-node", None, "2 of 3 ready: calico-node-zr7wk on edge-c"),
    exp("node-overcommitted", "Node", "", "edge-b", None, "pods request 8.8Gi memory of 7.6Gi allocatable (kubeReserved raised by 5Gi at 06:10, after they were admitted)"),
    exp("node-pressure", "Node", "", "edge-b", None, "DiskPressure=True since 08:51:30 (taint node.kubernetes.io/disk-pressure); EvictionThresholdMet, FreeDiskSpaceFailed"),
    exp("pod-evicted", "Pod", "default", "renderer-5d7f9c8b6-p8kzm", None, "Failed/Evicted at 08:53:10: node edge-b low on ephemeral-storage, container renderer used 38Gi of emptyDir with no request"),
    exp("image-pull-failure", "Pod", "default", "billing-6f9c7d5b8-w7xkq", Some("billing"), "ImagePullBackOff: ghcr.io/acme-edge/billing:2.4.0 401 Unauthorized; pull secret ghcr-pull does not exist (FailedToRetrieveImagePullSecret)"),
    exp("rollout-stuck", "Deployment", "default", "billing", None, "new Deployment, 0 of 1 available, Progressing=False ProgressDeadlineExceeded (workload-unavailable leaves it to rollout-stuck)"),
    exp("service-no-ready-endpoints", "Service", "default", "billing", None, "selects only the pod that cannot pull its image"),
    exp("container-config-error", "Pod", "default", "notifier-5b8c6d9f4-h6vzn", Some("notifier"), "CreateContainerConfigError: couldn't find key SMTP_HOST in ConfigMap default/notifier-config"),
    exp("workload-unavailable", "Deployment", "default", "notifier", None, "0 of 1 available (still within its progress deadline)"),
    exp("container-start-failure", "Pod", "default", "gateway-84f7c5d9b6-c5t8n", Some("gateway"), "StartError exit 128: error mounting a ConfigMap subPath file onto the directory /etc/nginx/conf.d (not a directory)"),
    exp("crash-loop-backoff", "Pod", "default", "gateway-84f7c5d9b6-c5t8n", Some("gateway"), "CrashLoopBackOff after 8 failed starts"),
    exp("frequent-restarts", "Pod", "default", "gateway-84f7c5d9b6-c5t8n", Some("gateway"), "8 restarts, last StartError exit 128"),
    exp("rollout-stuck", "Deployment", "default", "gateway", None, "ProgressDeadlineExceeded; the old ReplicaSet still serves 2/2"),
    exp("init-container-failure", "Pod", "default", "ml-ranker-7b9d4c6f8-x5n2r", Some("fetch-model"), "Init:CrashLoopBackOff, init container OOMKilled (limit 512Mi, model unpacked into a memory-backed emptyDir), 11 restarts"),
    exp("oom-killed", "Pod", "default", "ml-ranker-7b9d4c6f8-x5n2r", Some("fetch-model"), "lastState OOMKilled exit 137 of an init container"),
    exp("frequent-restarts", "Pod", "default", "ml-ranker-7b9d4c6f8-x5n2r", Some("fetch-model"), "11 restarts, OOMKilled"),
    exp("rollout-stuck", "Deployment", "default", "ml-ranker", None, "0 of 1 available, Progressing=False ProgressDeadlineExceeded"),
    exp("pod-stuck-terminating", "Pod", "default", "session-cache-6b7c8d9f5-k2v9d", None, "deleted at 06:45 on the healthy node edge-a; containers exited 0 (Succeeded); finalizer sessions.acme.io/drain whose controller is gone"),
    exp("service-port-mismatch", "Service", "default", "storefront", None, "numeric targetPort 8080, the storefront pods declare containerPort 3000 (http) and listen there"),
    exp("warning-events", "HorizontalPodAutoscaler", "default", "api", None, "FailedGetResourceMetric / FailedComputeMetricsReplicas: metrics.k8s.io is not served (no metrics-server), on a healthy Deployment"),
];

/// Subjects of [`edge`] that are fine; a diagnosis should report nothing (no warning or
/// critical finding) about them: (kind, namespace, name, why it is fine).
pub const EDGE_HEALTHY: &[(&str, &str, &str, &str)] = &[
    ("Node", "", "edge-a", "Ready, no pressure, requests well under allocatable; the stuck pod on it is held by a finalizer, not by the node"),
    ("Pod", "default", "ledger-export-8xk2p", "failed Job attempt (exit 1, connection reset during upload) whose retry ledger-export-q9w4d succeeded"),
    ("Pod", "default", "ledger-export-q9w4d", "the successful retry of Job ledger-export"),
    ("Pod", "default", "nightly-backup-29207640-m4z7n", "CronJob run, Succeeded"),
    ("Pod", "default", "overprovisioning-7c8d9b6f5-zq4vn", "pause container: running and ready, writes no log at all"),
    ("Service", "default", "worker-metrics", "numeric targetPort 9102 while the worker declares no ports (ports are informational)"),
    ("Deployment", "default", "api", "2/2 available; only its HPA complains"),
    ("Pod", "default", "api-7d4b9c6f5-2kq8m", "running and ready"),
    ("Deployment", "default", "renderer", "2/2 available again after the eviction (replacement renderer-5d7f9c8b6-qd7jn)"),
    ("Pod", "default", "renderer-5d7f9c8b6-qd7jn", "replacement of the evicted renderer"),
    ("Deployment", "default", "session-cache", "1/1 available; the replacement pod serves"),
    ("Pod", "default", "session-cache-6b7c8d9f5-r8m3x", "replacement of the stuck pod, running and ready"),
    ("Pod", "kube-system", "calico-node-4jx2p", "init container install-cni Completed (exit 0), calico-node ready; its log warns about inClusterConfig"),
    ("Pod", "default", "ledger-db-0", "StatefulSet pod on the overcommitted node, running and ready"),
    ("Pod", "default", "worker-6b5f8c7d9d-fz8tq", "running and ready, declares no ports"),
    ("Endpoints", "default", "api", "one FailedToUpdateEndpoint: an optimistic-concurrency conflict that the endpoints controller retries (info at most)"),
];

const EA: (&str, &str) = ("edge-a", "10.0.2.11");
const EB: (&str, &str) = ("edge-b", "10.0.2.12");
const EC: (&str, &str) = ("edge-c", "10.0.2.13");

/// A second realistic small cluster, dumped "at" about 2025-07-14T09:00:00Z, that makes the
/// rules [`demo`] does not trigger fire, with field-shaped cases around them (see
/// [`EDGE_EXPECTED`] and [`EDGE_HEALTHY`]). A self-managed cluster on GCE VMs with Calico:
/// 3 nodes, namespaces `default` and `kube-system`.
///
/// Story: at 06:10 the kubelet of **edge-b** was restarted with 5Gi more kubeReserved memory,
/// so the pods it had admitted now request more memory than it can allocate. At 08:30 a Calico
/// update set `IP_AUTODETECTION_METHOD=interface=eth0`; edge-a and edge-b have `eth0`, but
/// **edge-c** (a newer Ubuntu image) names its NIC `ens4`: the old calico-node shut down
/// (NetworkUnavailable=True, CalicoIsDown) and the new one cannot start. At 08:51 a renderer
/// filled edge-b's disk with scratch files: DiskPressure, the renderer was evicted and replaced
/// on edge-a. Meanwhile several deployments in `default` were rolled out with mistakes.
/// Events older than an hour that did not repeat have expired, as in a real cluster.
pub fn edge() -> Fixture {
    let mut b = Builder {
        fx: Fixture::default(),
    };
    b.fx.nodes = edge_nodes();
    edge_kube_system(&mut b);
    edge_default(&mut b);
    for ns in &mut b.fx.namespaces {
        for list in [
            &mut ns.events,
            &mut ns.replication_controllers,
            &mut ns.services,
            &mut ns.daemonsets,
            &mut ns.deployments,
            &mut ns.replicasets,
            &mut ns.pods,
        ] {
            sort_by_name(list);
        }
    }
    b.fx.namespaces.sort_by(|a, b| a.name.cmp(&b.name));
    b.fx
}

fn edge_nodes() -> Vec<Value> {
    let base = |name, ip, cidr, zone| NodeSpec {
        name,
        ip,
        pod_cidr: cidr,
        zone,
        cpu: "4",
        alloc_cpu: "3920m",
        mem: "16393904Ki",
        alloc_mem: "13242544Ki",
        kubelet: "v1.33.1",
        kernel: "6.1.0-34-cloud-amd64",
        os_image: "Debian GNU/Linux 12 (bookworm)",
        runtime: "containerd://1.7.27",
    };
    let a = base("edge-a", EA.1, "10.244.1.0/24", "europe-west4-a");
    let mut bn = base("edge-b", EB.1, "10.244.2.0/24", "europe-west4-b");
    // kubeReserved memory raised from 3Gi to 8Gi when the kubelet restarted at 06:10.
    bn.alloc_mem = "7999664Ki";
    let mut c = base("edge-c", EC.1, "10.244.3.0/24", "europe-west4-c");
    c.kernel = "6.8.0-1029-gcp";
    c.os_image = "Ubuntu 24.04.2 LTS";
    let since = "2025-05-20T08:04:43Z";
    let calico = |status: &str, at: &str| {
        if status == "False" {
            ncond(
                "NetworkUnavailable",
                "False",
                at,
                at,
                "CalicoIsUp",
                "Calico is running on this node",
            )
        } else {
            ncond(
                "NetworkUnavailable",
                "True",
                at,
                at,
                "CalicoIsDown",
                "Calico is shutting down on this node",
            )
        }
    };

    let hb = "2025-07-14T08:59:44Z";
    let mut ca = vec![calico("False", "2025-07-14T08:30:05Z")];
    ca.extend(healthy_conditions(hb, since));
    let na = node(&a, Value::Array(ca), json!([]), false, hb);

    let hb = "2025-07-14T08:59:39Z";
    let mut cb = vec![calico("False", "2025-07-14T08:30:45Z")];
    cb.extend(healthy_conditions(hb, since));
    cb[2] = ncond(
        "DiskPressure",
        "True",
        hb,
        "2025-07-14T08:51:30Z",
        "KubeletHasDiskPressure",
        "kubelet has disk pressure",
    );
    let nb = node(
        &bn,
        Value::Array(cb),
        json!([{"key": "node.kubernetes.io/disk-pressure", "effect": "NoSchedule", "timeAdded": "2025-07-14T08:51:31Z"}]),
        false,
        hb,
    );

    let hb = "2025-07-14T08:59:47Z";
    let mut cc = vec![calico("True", "2025-07-14T08:31:11Z")];
    cc.extend(healthy_conditions(hb, since));
    let nc = node(
        &c,
        Value::Array(cc),
        json!([{"key": "node.kubernetes.io/network-unavailable", "effect": "NoSchedule", "timeAdded": "2025-07-14T08:31:12Z"}]),
        false,
        hb,
    );

    let mut nodes = vec![na, nb, nc];
    for n in &mut nodes {
        let name = n["metadata"]["name"].as_str().unwrap().to_string();
        let zone = n["metadata"]["labels"]["topology.kubernetes.io/zone"]
            .as_str()
            .unwrap()
            .to_string();
        n["spec"]["providerID"] = json!(format!("gce://acme-edge/{zone}/{name}"));
        n["metadata"]["labels"]["topology.kubernetes.io/region"] = json!("europe-west4");
        n["metadata"]["annotations"]["projectcalico.org/IPv4Address"] = json!(format!(
            "{}/24",
            n["status"]["addresses"][0]["address"].as_str().unwrap()
        ));
        n["status"]["images"] = json!([
            {"names": [format!("docker.io/calico/node@sha256:{}", hex("img/calico-node", 64)), "docker.io/calico/node:v3.28.2".to_string()], "sizeBytes": 131_402_553},
            {"names": [format!("docker.io/calico/cni@sha256:{}", hex("img/calico-cni", 64)), "docker.io/calico/cni:v3.28.2".to_string()], "sizeBytes": 94_535_610},
            {"names": [format!("registry.k8s.io/kube-proxy@sha256:{}", hex("img/kube-proxy-133", 64)), "registry.k8s.io/kube-proxy:v1.33.1".to_string()], "sizeBytes": 31_412_733},
            {"names": [format!("registry.k8s.io/pause@sha256:{}", hex("img/pause", 64)), "registry.k8s.io/pause:3.10".to_string()], "sizeBytes": 320_368}
        ]);
    }
    // edge-c came from a newer pool; edge-c's calico address is gone (autodetection failed).
    nodes[2]["metadata"]["labels"]["node.kubernetes.io/instance-type"] = json!("n2d-standard-4");
    nodes[2]["metadata"]["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("projectcalico.org/IPv4Address");
    nodes
}

/// Status of a Deployment with one ReplicaSet: `ready` of `want` available, and the given
/// Progressing condition.
fn edge_dep_status(
    want: i64,
    have: i64,
    ready: i64,
    avail_since: &str,
    progressing: Value,
) -> Value {
    let mut st = json!({
        "observedGeneration": 1,
        "replicas": have,
        "updatedReplicas": have,
        "readyReplicas": ready,
        "availableReplicas": ready,
    });
    if ready == 0 {
        st.as_object_mut().unwrap().remove("readyReplicas");
        st.as_object_mut().unwrap().remove("availableReplicas");
    }
    if want > ready {
        st["unavailableReplicas"] = json!(want - ready);
    }
    let avail = if ready >= want {
        dep_cond(
            "Available",
            "True",
            avail_since,
            avail_since,
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        dep_cond(
            "Available",
            "False",
            avail_since,
            avail_since,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    st["conditions"] = json!([avail, progressing]);
    st
}

fn progressed(rs: &str, update: &str, created: &str) -> Value {
    dep_cond(
        "Progressing",
        "True",
        update,
        created,
        "NewReplicaSetAvailable",
        &format!("ReplicaSet \"{rs}\" has successfully progressed."),
    )
}

fn progressing(rs: &str, update: &str, created: &str) -> Value {
    dep_cond(
        "Progressing",
        "True",
        update,
        created,
        "ReplicaSetUpdated",
        &format!("ReplicaSet \"{rs}\" is progressing."),
    )
}

fn timed_out(rs: &str, at: &str) -> Value {
    dep_cond(
        "Progressing",
        "False",
        at,
        at,
        "ProgressDeadlineExceeded",
        &format!("ReplicaSet \"{rs}\" has timed out progressing."),
    )
}

/// A Deployment and its single ReplicaSet.
#[allow(clippy::too_many_arguments)]
fn edge_deploy(
    b: &mut Builder,
    ns: &str,
    name: &str,
    hash: &str,
    tpl: &Value,
    want: i64,
    have: i64,
    ready: i64,
    created: &str,
    since: &str,
    progressing: Value,
) -> String {
    let rs = format!("{name}-{hash}");
    b.ns(ns).deployments.push(deployment(
        ns,
        name,
        tpl,
        want,
        created,
        1,
        edge_dep_status(want, have, ready, since, progressing),
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        &rs,
        name,
        tpl,
        hash,
        want,
        created,
        1,
        rs_status(have, ready, 1),
        since,
    ));
    rs
}

/// A running, ready pod of a ReplicaSet with one container and its log.
#[allow(clippy::too_many_arguments)]
fn edge_running_pod(
    b: &mut Builder,
    tpl: &Value,
    ns: &str,
    rs: &str,
    pod: &str,
    host: (&str, &str),
    ip: &str,
    created: &str,
    started: &str,
    ready: &str,
    log: &str,
) {
    let c = tpl["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let img = tpl["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string();
    let mut p = rs_pod(tpl, ns, rs, pod, Some(host.0), created);
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, started, ready)});
    p["status"]["containerStatuses"] =
        json!([cstatus(pod, &c, &img, St::Running(started), None, true, 0)]);
    let qos = if tpl["spec"]["containers"][0]["resources"]["requests"]
        == tpl["spec"]["containers"][0]["resources"]["limits"]
    {
        "Guaranteed"
    } else {
        "Burstable"
    };
    ip_status(&mut p, host.1, ip, created, qos);
    b.ns(ns).pods.push(p);
    b.log(ns, pod, &c, log);
}

fn back_off(ns: &str, pod: &str, c: &str) -> String {
    format!(
        "Back-off restarting failed container {c} in pod {pod}_{ns}({})",
        uid("Pod", ns, pod)
    )
}

fn crash_msg(ns: &str, pod: &str, c: &str) -> String {
    format!(
        "back-off 5m0s restarting failed container={c} pod={pod}_{ns}({})",
        uid("Pod", ns, pod)
    )
}

fn edge_kube_system(b: &mut Builder) {
    let ns = "kube-system";

    // --- calico-node DaemonSet, updated at 08:30; the new pod on edge-c cannot start ------
    let cni_img = "docker.io/calico/cni:v3.28.2";
    let node_img = "docker.io/calico/node:v3.28.2";
    let mut install = ctr("install-cni", cni_img, &[], &[], &[]);
    install["command"] = json!(["/opt/cni/bin/install"]);
    install["env"] = json!([
        {"name": "CNI_CONF_NAME", "value": "10-calico.conflist"},
        {"name": "CNI_NETWORK_CONFIG", "valueFrom": {"configMapKeyRef": {"name": "calico-config", "key": "cni_network_config"}}},
        {"name": "KUBERNETES_NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
        {"name": "SLEEP", "value": "false"}
    ]);
    install["securityContext"] = json!({"privileged": true});
    install["volumeMounts"] = json!([{"name": "cni-bin-dir", "mountPath": "/host/opt/cni/bin"}, {"name": "cni-net-dir", "mountPath": "/host/etc/cni/net.d"}]);
    let mut cn = ctr("calico-node", node_img, &[], &[("cpu", "250m")], &[]);
    cn["env"] = json!([
        {"name": "DATASTORE_TYPE", "value": "kubernetes"},
        {"name": "WAIT_FOR_DATASTORE", "value": "true"},
        {"name": "NODENAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
        {"name": "CALICO_NETWORKING_BACKEND", "valueFrom": {"configMapKeyRef": {"name": "calico-config", "key": "calico_backend"}}},
        {"name": "CLUSTER_TYPE", "value": "k8s,bgp"},
        {"name": "IP", "value": "autodetect"},
        {"name": "IP_AUTODETECTION_METHOD", "value": "interface=eth0"},
        {"name": "CALICO_IPV4POOL_IPIP", "value": "Always"},
        {"name": "FELIX_HEALTHENABLED", "value": "true"}
    ]);
    cn["securityContext"] = json!({"privileged": true});
    cn["lifecycle"] = json!({"preStop": {"exec": {"command": ["/bin/calico-node", "-shutdown"]}}});
    cn["livenessProbe"] = json!({"exec": {"command": ["/bin/calico-node", "-felix-live", "-bird-live"]}, "initialDelaySeconds": 10, "timeoutSeconds": 10, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 6});
    cn["readinessProbe"] = json!({"exec": {"command": ["/bin/calico-node", "-felix-ready", "-bird-ready"]}, "timeoutSeconds": 10, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    cn["volumeMounts"] = json!([
        {"name": "lib-modules", "readOnly": true, "mountPath": "/lib/modules"},
        {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
        {"name": "var-run-calico", "mountPath": "/var/run/calico"},
        {"name": "var-lib-calico", "mountPath": "/var/lib/calico"}
    ]);
    let mut tpl = template(
        &[("k8s-app", "calico-node")],
        vec![install],
        vec![cn],
        vec![
            json!({"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}),
            json!({"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}}),
            json!({"name": "var-run-calico", "hostPath": {"path": "/var/run/calico", "type": "DirectoryOrCreate"}}),
            json!({"name": "var-lib-calico", "hostPath": {"path": "/var/lib/calico", "type": "DirectoryOrCreate"}}),
            json!({"name": "cni-bin-dir", "hostPath": {"path": "/opt/cni/bin", "type": "DirectoryOrCreate"}}),
            json!({"name": "cni-net-dir", "hostPath": {"path": "/etc/cni/net.d", "type": ""}}),
        ],
    );
    tpl["spec"]["hostNetwork"] = json!(true);
    tpl["spec"]["serviceAccountName"] = json!("calico-node");
    tpl["spec"]["priorityClassName"] = json!("system-node-critical");
    tpl["spec"]["terminationGracePeriodSeconds"] = json!(0);
    tpl["spec"]["nodeSelector"] = json!({"kubernetes.io/os": "linux"});
    tpl["spec"]["tolerations"] = json!([{"effect": "NoSchedule", "operator": "Exists"}, {"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoExecute", "operator": "Exists"}]);
    b.ns(ns).daemonsets.push(json!({
        "metadata": {
            "name": "calico-node",
            "namespace": ns,
            "uid": uid("DaemonSet", ns, "calico-node"),
            "resourceVersion": rv("2025-07-14T08:31:15Z", "calico-node"),
            "generation": 2,
            "creationTimestamp": "2025-05-20T08:03:41Z",
            "labels": {"k8s-app": "calico-node"},
            "annotations": {"deprecated.daemonset.template.generation": "2"}
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "calico-node"}},
            "template": tpl,
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "revisionHistoryLimit": 10
        },
        "status": {
            "currentNumberScheduled": 3,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 3,
            "numberReady": 2,
            "observedGeneration": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
            "numberUnavailable": 1
        }
    }));
    let cni_log = |t: &str| {
        format!(
            "{t}.103 [INFO][1] cni-installer/<nil> <nil>: Running as a Kubernetes pod\n\
{t}.517 [INFO][1] cni-installer/<nil> <nil>: File is already up to date, skipping file=\"/host/opt/cni/bin/bandwidth\"\n\
{t}.598 [INFO][1] cni-installer/<nil> <nil>: Installed /host/opt/cni/bin/calico\n\
{t}.671 [INFO][1] cni-installer/<nil> <nil>: Installed /host/opt/cni/bin/calico-ipam\n\
{t}.672 [INFO][1] cni-installer/<nil> <nil>: Wrote Calico CNI binaries to /host/opt/cni/bin\n\
{t}.701 [INFO][1] cni-installer/<nil> <nil>: CNI plugin version: v3.28.2\n\
{t}.701 [INFO][1] cni-installer/<nil> <nil>: /host/secondary-bin-dir is not writeable, skipping\n\
{t}.703 [WARNING][1] cni-installer/<nil> <nil>: Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.\n\
{t}.719 [INFO][1] cni-installer/<nil> <nil>: Created /host/etc/cni/net.d/10-calico.conflist\n\
{t}.719 [INFO][1] cni-installer/<nil> <nil>: Done configuring CNI.  Sleep= false\n"
        )
    };
    let good_log = |t: &str, node: &str, ip: &str, peer: &str| {
        format!(
            "{t}.212 [INFO][9] startup/startup.go 432: Early log level set to info\n\
{t}.213 [INFO][9] startup/utils.go 126: Using NODENAME environment for node name {node}\n\
{t}.213 [INFO][9] startup/utils.go 138: Determined node name: {node}\n\
{t}.214 [INFO][9] startup/startup.go 94: Starting node {node} with version v3.28.2\n\
{t}.231 [INFO][9] startup/startup.go 437: Checking datastore connection\n\
{t}.262 [INFO][9] startup/startup.go 461: Datastore connection verified\n\
{t}.262 [INFO][9] startup/startup.go 104: Datastore is ready\n\
{t}.301 [INFO][9] startup/autodetection_methods.go 103: Using autodetected IPv4 address on interface eth0: {ip}/24\n\
{t}.301 [INFO][9] startup/startup.go 714: No AS number configured on node resource, using global value\n\
{t}.344 [INFO][9] startup/startup.go 207: Setting NetworkUnavailable to false\n\
{t}.498 [INFO][9] startup/startup.go 252: Calico node started successfully\n\
bird: device1: Initializing\n\
bird: direct1: Initializing\n\
bird: Mesh_{peer}: Initializing\n\
bird: device1: Starting\n\
bird: direct1: Starting\n\
bird: Mesh_{peer}: Starting\n\
bird: Graceful restart started\n\
bird: Started\n\
bird: Mesh_{peer}: State changed to up\n\
2025-07-14 08:31:12.004 [INFO][61] felix/route_table.go 1185: Removing route to host 10.0.2.13 ifaceName=\"tunl0\" ifaceRegex=\"^tunl0$\" ipVersion=0x4 tableIndex=254\n\
bird: Mesh_10_0_2_13: State changed to stop\n\
bird: Mesh_10_0_2_13: State changed to down\n"
        )
    };
    let dead_log = "2025-07-14 08:58:11.402 [INFO][9] startup/startup.go 432: Early log level set to info\n\
2025-07-14 08:58:11.403 [INFO][9] startup/utils.go 126: Using NODENAME environment for node name edge-c\n\
2025-07-14 08:58:11.403 [INFO][9] startup/utils.go 138: Determined node name: edge-c\n\
2025-07-14 08:58:11.404 [INFO][9] startup/startup.go 94: Starting node edge-c with version v3.28.2\n\
2025-07-14 08:58:11.419 [INFO][9] startup/startup.go 437: Checking datastore connection\n\
2025-07-14 08:58:11.447 [INFO][9] startup/startup.go 461: Datastore connection verified\n\
2025-07-14 08:58:11.447 [INFO][9] startup/startup.go 104: Datastore is ready\n\
2025-07-14 08:58:11.471 [WARNING][9] startup/autodetection_methods.go 99: Unable to auto-detect an IPv4 address using interface regexes [eth0]: no valid host interfaces found\n\
2025-07-14 08:58:11.471 [WARNING][9] startup/startup.go 483: Couldn't autodetect an IPv4 address. If auto-detecting, choose a different autodetection method. Otherwise provide an explicit address.\n\
2025-07-14 08:58:11.472 [INFO][9] startup/startup.go 370: Clearing out-of-date IPv4 address from this node IP=\"\"\n\
2025-07-14 08:58:11.502 [WARNING][9] startup/utils.go 48: Terminating\n\
Calico node failed to start\n";
    for (pod, (node, host_ip), created, peer) in [
        ("calico-node-4jx2p", EA, "2025-07-14T08:30:00Z", "10_0_2_12"),
        ("calico-node-9mqtv", EB, "2025-07-14T08:30:40Z", "10_0_2_11"),
        ("calico-node-zr7wk", EC, "2025-07-14T08:31:10Z", ""),
    ] {
        let mut p = pod_from(
            &tpl,
            ns,
            pod,
            &[
                ("controller-revision-hash", "7c5f8d9b64"),
                ("pod-template-generation", "2"),
            ],
            Some(owner("apps/v1", "DaemonSet", ns, "calico-node")),
            Some(node),
            created,
        );
        p["spec"]["priority"] = json!(2_000_001_000);
        p["spec"]["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
        let t0 = &created[..19];
        let at = |s: u32| -> String {
            // created + s seconds (all within one minute)
            let sec: u32 = t0[17..19].parse().unwrap();
            format!("{}{:02}Z", &t0[..17], sec + s)
        };
        let (init_start, init_end, started) = (at(2), at(3), at(5));
        let init = cstatus(
            pod,
            "install-cni",
            cni_img,
            St::Terminated {
                code: 0,
                reason: "Completed",
                started: &init_start,
                finished: &init_end,
                message: "",
            },
            None,
            false,
            0,
        );
        let cni_t = format!("{} {}", &t0[..10], &init_start[11..19]);
        b.log(ns, pod, "install-cni", cni_log(&cni_t));
        if node == "edge-c" {
            p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:58:12Z", pod));
            p["status"] = json!({"phase": "Running", "conditions": conds_not_ready(created, &init_end, &started, &["calico-node"])});
            p["status"]["initContainerStatuses"] = json!([init]);
            p["status"]["containerStatuses"] = json!([cstatus(
                pod,
                "calico-node",
                node_img,
                St::Waiting("CrashLoopBackOff", &crash_msg(ns, pod, "calico-node")),
                Some(St::Terminated {
                    code: 1,
                    reason: "Error",
                    started: "2025-07-14T08:58:11Z",
                    finished: "2025-07-14T08:58:12Z",
                    message: ""
                }),
                false,
                9
            )]);
            b.log(ns, pod, "calico-node", dead_log);
        } else {
            let ready = at(14);
            p["status"] =
                json!({"phase": "Running", "conditions": conds_ready(created, &init_end, &ready)});
            p["status"]["initContainerStatuses"] = json!([init]);
            p["status"]["containerStatuses"] = json!([cstatus(
                pod,
                "calico-node",
                node_img,
                St::Running(&started),
                None,
                true,
                0
            )]);
            let t = format!("{} {}", &t0[..10], &started[11..19]);
            b.log(ns, pod, "calico-node", good_log(&t, node, host_ip, peer));
        }
        ip_status(&mut p, host_ip, host_ip, created, "Burstable");
        b.ns(ns).pods.push(p);
    }
    let pod = "calico-node-zr7wk";
    let e = &mut b.ns(ns).events;
    for (reason, msg) in [
        ("SuccessfulDelete", "Deleted pod: calico-node-7f2kd"),
        ("SuccessfulCreate", "Created pod: calico-node-zr7wk"),
    ] {
        e.push(ev(
            ns,
            about("DaemonSet", ns, "calico-node"),
            "Normal",
            reason,
            msg,
            "daemonset-controller",
            "",
            "2025-07-14T08:31:10Z",
            "2025-07-14T08:31:10Z",
            1,
        ));
    }
    let fp = "spec.containers{calico-node}";
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{node_img}\" already present on machine"),
        "kubelet",
        "edge-c",
        "2025-07-14T08:31:15Z",
        "2025-07-14T08:58:11Z",
        10,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &back_off(ns, pod, "calico-node"),
        "kubelet",
        "edge-c",
        "2025-07-14T08:31:18Z",
        "2025-07-14T08:59:36Z",
        121,
    ));

    // --- kube-proxy DaemonSet: healthy on all three nodes ---------------------------------
    let kp_img = "registry.k8s.io/kube-proxy:v1.33.1";
    let mut kp = ctr("kube-proxy", kp_img, &[], &[("cpu", "100m")], &[]);
    kp["command"] = json!([
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)"
    ]);
    kp["env"] = json!([{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}]);
    kp["securityContext"] = json!({"privileged": true});
    kp["volumeMounts"] = json!([{"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"}, {"name": "xtables-lock", "mountPath": "/run/xtables.lock"}, {"name": "lib-modules", "readOnly": true, "mountPath": "/lib/modules"}]);
    let mut kp_tpl = template(
        &[("k8s-app", "kube-proxy")],
        vec![],
        vec![kp],
        vec![
            json!({"name": "kube-proxy", "configMap": {"name": "kube-proxy", "defaultMode": 420}}),
            json!({"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}}),
            json!({"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}),
        ],
    );
    kp_tpl["spec"]["hostNetwork"] = json!(true);
    kp_tpl["spec"]["serviceAccountName"] = json!("kube-proxy");
    kp_tpl["spec"]["priorityClassName"] = json!("system-node-critical");
    kp_tpl["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
    kp_tpl["spec"]["nodeSelector"] = json!({"kubernetes.io/os": "linux"});
    b.ns(ns).daemonsets.push(json!({
        "metadata": {
            "name": "kube-proxy",
            "namespace": ns,
            "uid": uid("DaemonSet", ns, "kube-proxy"),
            "resourceVersion": rv("2025-07-01T10:12:30Z", "kube-proxy"),
            "generation": 3,
            "creationTimestamp": "2025-05-20T08:03:30Z",
            "labels": {"k8s-app": "kube-proxy"},
            "annotations": {"deprecated.daemonset.template.generation": "3"}
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": kp_tpl,
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            "revisionHistoryLimit": 10
        },
        "status": {
            "currentNumberScheduled": 3,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 3,
            "numberReady": 3,
            "observedGeneration": 3,
            "updatedNumberScheduled": 3,
            "numberAvailable": 3
        }
    }));
    for (pod, (node, host_ip), created) in [
        ("kube-proxy-5dhtk", EA, "2025-07-01T10:11:02Z"),
        ("kube-proxy-gq7wn", EB, "2025-07-01T10:11:41Z"),
        ("kube-proxy-x2r9s", EC, "2025-07-01T10:12:19Z"),
    ] {
        let mut p = pod_from(
            &kp_tpl,
            ns,
            pod,
            &[
                ("controller-revision-hash", "5b8f4c6d7f"),
                ("pod-template-generation", "3"),
            ],
            Some(owner("apps/v1", "DaemonSet", ns, "kube-proxy")),
            Some(node),
            created,
        );
        p["spec"]["priority"] = json!(2_000_001_000);
        p["spec"]["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}});
        let started = format!(
            "{}{:02}Z",
            &created[..17],
            created[17..19].parse::<u32>().unwrap() + 3
        );
        p["status"] =
            json!({"phase": "Running", "conditions": conds_ready(created, &started, &started)});
        p["status"]["containerStatuses"] = json!([cstatus(
            pod,
            "kube-proxy",
            kp_img,
            St::Running(&started),
            None,
            true,
            0
        )]);
        ip_status(&mut p, host_ip, host_ip, created, "Burstable");
        b.ns(ns).pods.push(p);
        let hm = &started[11..19];
        b.log(ns, pod, "kube-proxy", format!(
            "I0701 {hm}.118842       1 server_linux.go:66] \"Using iptables proxy\"\nI0701 {hm}.201455       1 server.go:715] \"Successfully retrieved node IP(s)\" IPs=[\"{host_ip}\"]\nI0701 {hm}.244019       1 server_linux.go:170] \"Using iptables Proxier\"\nI0701 {hm}.262112       1 config.go:199] \"Starting service config controller\"\nI0701 {hm}.262140       1 config.go:105] \"Starting endpoint slice config controller\"\nI0701 {hm}.362480       1 shared_informer.go:357] \"Caches are synced\" controller=\"service config\"\n"
        ));
    }

    // --- CoreDNS ---------------------------------------------------------------------------
    let dns_img = "registry.k8s.io/coredns/coredns:v1.12.0";
    let mut dns = ctr(
        "coredns",
        dns_img,
        &[
            ("dns", 53, "UDP"),
            ("dns-tcp", 53, "TCP"),
            ("metrics", 9153, "TCP"),
        ],
        &[("cpu", "100m"), ("memory", "70Mi")],
        &[("memory", "170Mi")],
    );
    dns["args"] = json!(["-conf", "/etc/coredns/Corefile"]);
    dns["volumeMounts"] =
        json!([{"name": "config-volume", "readOnly": true, "mountPath": "/etc/coredns"}]);
    dns["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let mut dns_tpl = template(
        &[("k8s-app", "kube-dns")],
        vec![],
        vec![dns],
        vec![
            json!({"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}], "defaultMode": 420}}),
        ],
    );
    dns_tpl["spec"]["dnsPolicy"] = json!("Default");
    dns_tpl["spec"]["serviceAccountName"] = json!("coredns");
    dns_tpl["spec"]["priorityClassName"] = json!("system-cluster-critical");
    let created = "2025-07-01T10:09:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "coredns",
        "674b8bbfcf",
        &dns_tpl,
        2,
        2,
        2,
        created,
        "2025-07-01T10:09:31Z",
        progressed(
            "coredns-674b8bbfcf",
            "2025-07-01T10:09:31Z",
            "2025-05-20T08:03:30Z",
        ),
    );
    for (pod, host, ip) in [
        ("coredns-674b8bbfcf-8vq2c", EA, "10.244.1.3"),
        ("coredns-674b8bbfcf-kl6dn", EB, "10.244.2.4"),
    ] {
        let log = format!(
            ".:53\n[INFO] plugin/reload: Running configuration SHA512 = {}\nCoreDNS-1.12.0\nlinux/amd64, go1.23.3, 51e11f1\n",
            hex("corefile-edge", 128)
        );
        edge_running_pod(
            b,
            &dns_tpl,
            ns,
            &rs,
            pod,
            host,
            ip,
            created,
            "2025-07-01T10:09:04Z",
            "2025-07-01T10:09:30Z",
            &log,
        );
    }
    b.ns(ns)
        .pods
        .iter_mut()
        .filter(|p| {
            p["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("coredns-")
        })
        .for_each(|p| p["spec"]["priority"] = json!(2_000_000_000));
    b.ns(ns).services.push({
        let mut s = service(
            ns,
            "kube-dns",
            "2025-05-20T08:03:30Z",
            Some(json!({"k8s-app": "kube-dns"})),
            "10.96.0.10",
            json!([sport("dns", 53, json!(53), "UDP"), sport("dns-tcp", 53, json!(53), "TCP"), sport("metrics", 9153, json!(9153), "TCP")]),
        );
        s["metadata"]["labels"] = json!({"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"});
        s
    });
}

fn edge_default(b: &mut Builder) {
    let ns = "default";
    b.ns(ns).services.push({
        let mut s = service(
            ns,
            "kubernetes",
            "2025-05-20T08:01:12Z",
            None,
            "10.96.0.1",
            json!([sport("https", 443, json!(6443), "TCP")]),
        );
        s["metadata"]["labels"] = json!({"component": "apiserver", "provider": "kubernetes"});
        s
    });
    edge_api(b, ns);
    edge_storefront(b, ns);
    edge_worker(b, ns);
    edge_ledger_db(b, ns);
    edge_renderer(b, ns);
    edge_session_cache(b, ns);
    edge_billing(b, ns);
    edge_notifier(b, ns);
    edge_gateway(b, ns);
    edge_ml_ranker(b, ns);
    edge_jobs(b, ns);
    edge_overprovisioning(b, ns);

    // --- node events (they live in "default"); older ones have expired ------------------
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Node", "", "edge-b"),
        "Normal",
        "NodeHasDiskPressure",
        "Node edge-b status is now: NodeHasDiskPressure",
        "kubelet",
        "edge-b",
        "2025-07-14T08:51:30Z",
        "2025-07-14T08:51:30Z",
        1,
    ));
    e.push(ev(
        ns,
        about("Node", "", "edge-b"),
        "Warning",
        "EvictionThresholdMet",
        "Attempting to reclaim ephemeral-storage",
        "kubelet",
        "edge-b",
        "2025-07-14T08:51:32Z",
        "2025-07-14T08:55:40Z",
        6,
    ));
    e.push(ev(
        ns,
        about("Node", "", "edge-b"),
        "Warning",
        "FreeDiskSpaceFailed",
        "Failed to garbage collect required amount of images. Attempted to free 14286437580 bytes, but only found 0 bytes eligible to free.",
        "kubelet",
        "edge-b",
        "2025-07-14T08:51:41Z",
        "2025-07-14T08:56:41Z",
        2,
    ));
}

fn edge_api(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/api:1.12.3";
    let mut c = ctr(
        "api",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "250m"), ("memory", "512Mi")],
        &[("memory", "1Gi")],
    );
    c["env"] = json!([{"name": "LEDGER_DSN", "value": "postgres://ledger@ledger-db.default.svc.cluster.local:5432/ledger?sslmode=disable"}]);
    c["readinessProbe"] = json!({"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let tpl = template(&[("app", "api")], vec![], vec![c], vec![]);
    let created = "2025-07-08T10:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "api",
        "7d4b9c6f5",
        &tpl,
        2,
        2,
        2,
        created,
        "2025-07-08T10:00:21Z",
        progressed("api-7d4b9c6f5", "2025-07-08T10:00:21Z", created),
    );
    for (pod, host, ip) in [
        ("api-7d4b9c6f5-2kq8m", EA, "10.244.1.21"),
        ("api-7d4b9c6f5-tp4xz", EB, "10.244.2.17"),
    ] {
        let log = format!("{{\"time\":\"2025-07-08T10:00:04.118Z\",\"level\":\"INFO\",\"msg\":\"api 1.12.3 listening\",\"addr\":\":8080\",\"pod\":\"{pod}\"}}\n{{\"time\":\"2025-07-08T10:00:04.342Z\",\"level\":\"INFO\",\"msg\":\"connected to ledger-db\",\"pool\":16}}\n{{\"time\":\"2025-07-14T08:58:40.512Z\",\"level\":\"INFO\",\"msg\":\"request\",\"method\":\"GET\",\"path\":\"/v1/accounts/8812/balance\",\"status\":200,\"duration_ms\":7}}\n{{\"time\":\"2025-07-14T08:59:10.077Z\",\"level\":\"WARN\",\"msg\":\"slow query\",\"query\":\"ledger_entries_by_account\",\"duration_ms\":1412}}\n");
        edge_running_pod(
            b,
            &tpl,
            ns,
            &rs,
            pod,
            host,
            ip,
            created,
            "2025-07-08T10:00:04Z",
            "2025-07-08T10:00:11Z",
            &log,
        );
    }
    b.ns(ns).services.push(service(
        ns,
        "api",
        created,
        Some(json!({"app": "api"})),
        "10.96.20.80",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
    // The HPA targets the healthy Deployment, but no metrics-server is installed.
    let hpa = About {
        kind: "HorizontalPodAutoscaler",
        ns,
        name: "api",
        api_version: "autoscaling/v2",
        field_path: "",
    };
    let unserved = "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        hpa,
        "Warning",
        "FailedGetResourceMetric",
        &format!("failed to get cpu utilization: {unserved}"),
        "horizontal-pod-autoscaler",
        "",
        "2025-07-08T10:00:33Z",
        "2025-07-14T08:59:48Z",
        33_912,
    ));
    let hpa = About {
        kind: "HorizontalPodAutoscaler",
        ns,
        name: "api",
        api_version: "autoscaling/v2",
        field_path: "",
    };
    e.push(ev(
        ns,
        hpa,
        "Warning",
        "FailedComputeMetricsReplicas",
        &format!("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: {unserved}"),
        "horizontal-pod-autoscaler",
        "",
        "2025-07-08T10:00:33Z",
        "2025-07-14T08:59:48Z",
        33_912,
    ));
    // Optimistic-concurrency noise from the endpoints controller.
    let eps = About {
        kind: "Endpoints",
        ns,
        name: "api",
        api_version: "v1",
        field_path: "",
    };
    e.push(ev(
        ns,
        eps,
        "Warning",
        "FailedToUpdateEndpoint",
        "Failed to update endpoint default/api: Operation cannot be fulfilled on endpoints \"api\": the object has been modified; please apply your changes to the latest version and try again",
        "endpoint-controller",
        "",
        "2025-07-14T08:30:41Z",
        "2025-07-14T08:30:41Z",
        1,
    ));
}

fn edge_storefront(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/storefront:5.2.0";
    let mut c = ctr(
        "storefront",
        img,
        &[("http", 3000, "TCP")],
        &[("cpu", "100m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    c["env"] = json!([{"name": "PORT", "value": "3000"}, {"name": "API_URL", "value": "http://api.default.svc.cluster.local"}]);
    c["readinessProbe"] = json!({"httpGet": {"path": "/health", "port": "http", "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let tpl = template(&[("app", "storefront")], vec![], vec![c], vec![]);
    let created = "2025-07-10T14:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "storefront",
        "58c6d7b9f4",
        &tpl,
        2,
        2,
        2,
        created,
        "2025-07-10T14:00:12Z",
        progressed("storefront-58c6d7b9f4", "2025-07-10T14:00:12Z", created),
    );
    for (pod, host, ip) in [
        ("storefront-58c6d7b9f4-9xw2l", EA, "10.244.1.24"),
        ("storefront-58c6d7b9f4-vn5qd", EB, "10.244.2.19"),
    ] {
        let log = format!("\n> storefront@5.2.0 start\n> node server.js\n\n{{\"level\":30,\"time\":1752156004511,\"pid\":18,\"hostname\":\"{pod}\",\"msg\":\"storefront listening on http://0.0.0.0:3000\"}}\n{{\"level\":30,\"time\":1752483520104,\"pid\":18,\"hostname\":\"{pod}\",\"req\":{{\"method\":\"GET\",\"url\":\"/health\"}},\"res\":{{\"statusCode\":200}},\"responseTime\":1,\"msg\":\"request completed\"}}\n");
        edge_running_pod(
            b,
            &tpl,
            ns,
            &rs,
            pod,
            host,
            ip,
            created,
            "2025-07-10T14:00:04Z",
            "2025-07-10T14:00:11Z",
            &log,
        );
    }
    // The chart's default targetPort: the pods declare and listen on 3000.
    b.ns(ns).services.push(service(
        ns,
        "storefront",
        created,
        Some(json!({"app": "storefront"})),
        "10.96.20.30",
        json!([sport("http", 80, json!(8080), "TCP")]),
    ));
}

fn edge_worker(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/worker:3.0.4";
    let mut c = ctr(
        "worker",
        img,
        &[],
        &[("cpu", "250m"), ("memory", "2Gi")],
        &[("memory", "2Gi")],
    );
    c["args"] = json!(["--queue=ledger-events", "--metrics-addr=:9102"]);
    let tpl = template(&[("app", "worker")], vec![], vec![c], vec![]);
    let created = "2025-07-09T09:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "worker",
        "6b5f8c7d9d",
        &tpl,
        1,
        1,
        1,
        created,
        "2025-07-09T09:00:08Z",
        progressed("worker-6b5f8c7d9d", "2025-07-09T09:00:08Z", created),
    );
    edge_running_pod(
        b,
        &tpl,
        ns,
        &rs,
        "worker-6b5f8c7d9d-fz8tq",
        EB,
        "10.244.2.15",
        created,
        "2025-07-09T09:00:05Z",
        "2025-07-09T09:00:06Z",
        "{\"ts\":\"2025-07-09T09:00:05.201Z\",\"level\":\"info\",\"msg\":\"worker started\",\"queue\":\"ledger-events\",\"concurrency\":8}\n{\"ts\":\"2025-07-09T09:00:05.207Z\",\"level\":\"info\",\"msg\":\"metrics listening\",\"addr\":\":9102\"}\n{\"ts\":\"2025-07-14T08:59:31.880Z\",\"level\":\"info\",\"msg\":\"batch processed\",\"events\":512,\"lag\":3}\n",
    );
    // Prometheus scrape Service: numeric targetPort, the container declares no ports.
    let mut s = service(
        ns,
        "worker-metrics",
        created,
        Some(json!({"app": "worker"})),
        "10.96.20.91",
        json!([sport("metrics", 9102, json!(9102), "TCP")]),
    );
    s["metadata"]["annotations"] =
        json!({"prometheus.io/scrape": "true", "prometheus.io/port": "9102"});
    b.ns(ns).services.push(s);
}

fn edge_ledger_db(b: &mut Builder, ns: &str) {
    let img = "docker.io/library/postgres:16.4";
    let mut c = ctr(
        "postgres",
        img,
        &[("postgres", 5432, "TCP")],
        &[("cpu", "1"), ("memory", "6Gi")],
        &[("memory", "6Gi")],
    );
    c["volumeMounts"] = json!([{"name": "data", "mountPath": "/var/lib/postgresql/data"}]);
    c["env"] = json!([{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "ledger-db", "key": "password"}}}, {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"}]);
    let mut tpl = template(
        &[("app", "ledger-db")],
        vec![],
        vec![c],
        vec![json!({"name": "data", "persistentVolumeClaim": {"claimName": "data-ledger-db-0"}})],
    );
    tpl["spec"]["hostname"] = json!("ledger-db-0");
    tpl["spec"]["subdomain"] = json!("ledger-db");
    let pod = "ledger-db-0";
    let created = "2025-07-02T08:00:00Z";
    let mut p = pod_from(
        &tpl,
        ns,
        pod,
        &[
            ("apps.kubernetes.io/pod-index", "0"),
            ("controller-revision-hash", "ledger-db-5d8b7c9f6c"),
            ("statefulset.kubernetes.io/pod-name", pod),
        ],
        Some(owner("apps/v1", "StatefulSet", ns, "ledger-db")),
        Some("edge-b"),
        created,
    );
    p["metadata"]["generateName"] = json!("ledger-db-");
    p["status"] = json!({"phase": "Running", "conditions": conds_ready(created, "2025-07-02T08:00:09Z", "2025-07-02T08:00:14Z")});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "postgres",
        img,
        St::Running("2025-07-02T08:00:09Z"),
        None,
        true,
        0
    )]);
    ip_status(&mut p, EB.1, "10.244.2.8", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "postgres", "\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n2025-07-02 08:00:09.733 UTC [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit\n2025-07-02 08:00:09.734 UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432\n2025-07-02 08:00:09.761 UTC [1] LOG:  database system is ready to accept connections\n2025-07-14 08:55:09.112 UTC [27] LOG:  checkpoint starting: time\n2025-07-14 08:57:39.204 UTC [27] LOG:  checkpoint complete: wrote 14120 buffers (86.2%); 0 WAL file(s) added, 0 removed, 9 recycled; write=149.811 s, sync=0.102 s, total=150.092 s\n");
    let mut s = service(
        ns,
        "ledger-db",
        created,
        Some(json!({"app": "ledger-db"})),
        "None",
        json!([sport("postgres", 5432, json!("postgres"), "TCP")]),
    );
    s["spec"]["clusterIPs"] = json!(["None"]);
    b.ns(ns).services.push(s);
}

fn edge_renderer(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/renderer:0.14.1";
    let mut c = ctr(
        "renderer",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "500m"), ("memory", "2Gi")],
        &[("memory", "3Gi")],
    );
    c["volumeMounts"] = json!([{"name": "scratch", "mountPath": "/scratch"}]);
    let tpl = template(
        &[("app", "renderer")],
        vec![],
        vec![c],
        vec![json!({"name": "scratch", "emptyDir": {}})],
    );
    let created = "2025-07-10T12:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "renderer",
        "5d7f9c8b6",
        &tpl,
        2,
        2,
        2,
        created,
        "2025-07-14T08:53:25Z",
        progressed("renderer-5d7f9c8b6", "2025-07-10T12:00:19Z", created),
    );
    let log = |pod: &str| {
        format!("2025-07-10T12:00:04Z INFO renderer 0.14.1 starting (workers=4, scratch=/scratch)\n2025-07-14T08:40:00Z INFO batch 2025-07-14/08: 412 documents queued pod={pod}\n2025-07-14T08:58:02Z INFO batch 2025-07-14/08: 412 documents rendered in 17m58s\n")
    };
    edge_running_pod(
        b,
        &tpl,
        ns,
        &rs,
        "renderer-5d7f9c8b6-hx4wt",
        EA,
        "10.244.1.26",
        created,
        "2025-07-10T12:00:04Z",
        "2025-07-10T12:00:19Z",
        &log("renderer-5d7f9c8b6-hx4wt"),
    );
    // The replacement, created when the kubelet of edge-b evicted the other one.
    let created2 = "2025-07-14T08:53:10Z";
    edge_running_pod(
        b,
        &tpl,
        ns,
        &rs,
        "renderer-5d7f9c8b6-qd7jn",
        EA,
        "10.244.1.47",
        created2,
        "2025-07-14T08:53:13Z",
        "2025-07-14T08:53:25Z",
        "2025-07-14T08:53:13Z INFO renderer 0.14.1 starting (workers=4, scratch=/scratch)\n2025-07-14T08:53:14Z INFO resuming batch 2025-07-14/08 from checkpoint (201 of 412 rendered)\n",
    );
    // Evicted from edge-b for ephemeral storage: its emptyDir has no sizeLimit and the
    // container no ephemeral-storage request.
    let pod = "renderer-5d7f9c8b6-p8kzm";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("edge-b"), created);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:53:12Z", pod));
    let msg = "The node was low on resource: ephemeral-storage. Threshold quantity: 10386530304, available: 9006144Ki. Container renderer was using 39817216Ki, request is 0, has larger consumption of ephemeral-storage. ";
    p["status"] = json!({
        "phase": "Failed",
        "conditions": [
            cond_r("DisruptionTarget", "True", "2025-07-14T08:53:10Z", "TerminationByKubelet", "The node was low on resource: ephemeral-storage. Threshold quantity: 10386530304, available: 9006144Ki. "),
            cond("PodReadyToStartContainers", "False", "2025-07-14T08:53:12Z"),
            cond("Initialized", "True", created),
            cond_r("Ready", "False", "2025-07-14T08:53:12Z", "PodFailed", ""),
            cond_r("ContainersReady", "False", "2025-07-14T08:53:12Z", "PodFailed", ""),
            cond("PodScheduled", "True", created),
        ],
        "message": msg,
        "reason": "Evicted"
    });
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "renderer",
        img,
        St::Terminated {
            code: 137,
            reason: "ContainerStatusUnknown",
            started: "",
            finished: "2025-07-14T08:53:11Z",
            message: "The container could not be located when the pod was terminated"
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, EB.1, "", created, "Burstable");
    b.ns(ns).pods.push(p);
    // no log entry: the container is gone (400)
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Pod", ns, pod),
        "Warning",
        "Evicted",
        msg.trim_end(),
        "kubelet",
        "edge-b",
        "2025-07-14T08:53:10Z",
        "2025-07-14T08:53:10Z",
        1,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, "spec.containers{renderer}"),
        "Normal",
        "Killing",
        "Stopping container renderer",
        "kubelet",
        "edge-b",
        "2025-07-14T08:53:10Z",
        "2025-07-14T08:53:10Z",
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, &rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: renderer-5d7f9c8b6-qd7jn",
        "replicaset-controller",
        "",
        created2,
        created2,
        1,
    ));
    e.push(ev_new(
        ns,
        about("Pod", ns, "renderer-5d7f9c8b6-qd7jn"),
        "Normal",
        "Scheduled",
        "Successfully assigned default/renderer-5d7f9c8b6-qd7jn to edge-a",
        "default-scheduler",
        "default-scheduler-edge-cp-1",
        "Binding",
        "2025-07-14T08:53:10.418233Z",
        None,
    ));
    b.ns(ns).services.push(service(
        ns,
        "renderer",
        created,
        Some(json!({"app": "renderer"})),
        "10.96.20.44",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn edge_session_cache(b: &mut Builder, ns: &str) {
    let img = "docker.io/library/redis:7.2.5";
    let c = ctr(
        "redis",
        img,
        &[("redis", 6379, "TCP")],
        &[("cpu", "250m"), ("memory", "1Gi")],
        &[("memory", "1Gi")],
    );
    let tpl = template(&[("app", "session-cache")], vec![], vec![c], vec![]);
    let created = "2025-07-03T09:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "session-cache",
        "6b7c8d9f5",
        &tpl,
        1,
        1,
        1,
        created,
        "2025-07-14T06:45:04Z",
        progressed("session-cache-6b7c8d9f5", "2025-07-03T09:00:05Z", created),
    );
    let redis_start = |t: &str, d: &str| {
        format!("1:C {d} {t}.412 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:C {d} {t}.412 # Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started\n1:M {d} {t}.413 * monotonic clock: POSIX clock_gettime\n1:M {d} {t}.414 * Running mode=standalone, port=6379.\n1:M {d} {t}.414 * Server initialized\n1:M {d} {t}.415 * Ready to accept connections tcp\n")
    };
    let new = "session-cache-6b7c8d9f5-r8m3x";
    edge_running_pod(
        b,
        &tpl,
        ns,
        &rs,
        new,
        EA,
        "10.244.1.44",
        "2025-07-14T06:45:00Z",
        "2025-07-14T06:45:03Z",
        "2025-07-14T06:45:04Z",
        &redis_start("06:45:03", "14 Jul 2025"),
    );
    // Deleted at 06:45 to pick up a new config; redis exited cleanly, but the pod keeps the
    // finalizer of a session-drain controller that was uninstalled last week.
    let pod = "session-cache-6b7c8d9f5-k2v9d";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("edge-a"), created);
    p["metadata"]["deletionTimestamp"] = json!("2025-07-14T06:45:30Z");
    p["metadata"]["deletionGracePeriodSeconds"] = json!(30);
    p["metadata"]["finalizers"] = json!(["sessions.acme.io/drain"]);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T06:45:02Z", pod));
    p["status"] = json!({"phase": "Succeeded", "conditions": [
        cond("PodReadyToStartContainers", "False", "2025-07-14T06:45:02Z"),
        cond("Initialized", "True", created),
        cond_r("Ready", "False", "2025-07-14T06:45:01Z", "PodCompleted", ""),
        cond_r("ContainersReady", "False", "2025-07-14T06:45:01Z", "PodCompleted", ""),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "redis",
        img,
        St::Terminated {
            code: 0,
            reason: "Completed",
            started: "2025-07-03T09:00:04Z",
            finished: "2025-07-14T06:45:01Z",
            message: ""
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, EA.1, "10.244.1.19", created, "Guaranteed");
    b.ns(ns).pods.push(p);
    let mut log = redis_start("09:00:04", "03 Jul 2025");
    log.push_str("1:M 14 Jul 2025 06:00:01.007 * 100 changes in 300 seconds. Saving...\n1:M 14 Jul 2025 06:00:01.009 * Background saving started by pid 2211\n2211:C 14 Jul 2025 06:00:01.488 * DB saved on disk\n1:signal-handler (1752475500) Received SIGTERM scheduling shutdown...\n1:M 14 Jul 2025 06:45:00.118 # User requested shutdown...\n1:M 14 Jul 2025 06:45:00.118 * Saving the final RDB snapshot before exiting.\n1:M 14 Jul 2025 06:45:00.402 * DB saved on disk\n1:M 14 Jul 2025 06:45:00.402 * Removing the pid file.\n1:M 14 Jul 2025 06:45:00.403 # Redis is now ready to exit, bye bye...\n");
    b.log(ns, pod, "redis", log);
    b.ns(ns).services.push(service(
        ns,
        "session-cache",
        created,
        Some(json!({"app": "session-cache"})),
        "10.96.20.63",
        json!([sport("redis", 6379, json!("redis"), "TCP")]),
    ));
}

fn edge_billing(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/billing:2.4.0";
    let mut c = ctr(
        "billing",
        img,
        &[("http", 8080, "TCP")],
        &[("cpu", "100m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    c["imagePullPolicy"] = json!("Always");
    let mut tpl = template(&[("app", "billing")], vec![], vec![c], vec![]);
    tpl["spec"]["imagePullSecrets"] = json!([{"name": "ghcr-pull"}]);
    let created = "2025-07-14T08:40:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "billing",
        "6f9c7d5b8",
        &tpl,
        1,
        1,
        0,
        created,
        created,
        timed_out("billing-6f9c7d5b8", "2025-07-14T08:50:01Z"),
    );
    let pod = "billing-6f9c7d5b8-w7xkq";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("edge-a"), created);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:40:04Z", pod));
    p["status"] = json!({"phase": "Pending", "conditions": conds_not_ready(created, "2025-07-14T08:40:02Z", created, &["billing"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "billing",
        img,
        St::Waiting(
            "ImagePullBackOff",
            &format!("Back-off pulling image \"{img}\": ErrImagePull: failed to pull and unpack image \"{img}\": failed to resolve reference \"{img}\": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme-edge%2Fbilling%3Apull&service=ghcr.io: 401 Unauthorized")
        ),
        None,
        false,
        0
    )]);
    ip_status(&mut p, EA.1, "10.244.1.45", created, "Burstable");
    b.ns(ns).pods.push(p);
    let fp = "spec.containers{billing}";
    let pull_err = format!("Failed to pull image \"{img}\": rpc error: code = Unknown desc = failed to pull and unpack image \"{img}\": failed to resolve reference \"{img}\": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme-edge%2Fbilling%3Apull&service=ghcr.io: 401 Unauthorized");
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about("Deployment", ns, "billing"),
        "Normal",
        "ScalingReplicaSet",
        "Scaled up replica set billing-6f9c7d5b8 from 0 to 1",
        "deployment-controller",
        "",
        created,
        created,
        1,
    ));
    e.push(ev(
        ns,
        about("ReplicaSet", ns, &rs),
        "Normal",
        "SuccessfulCreate",
        "Created pod: billing-6f9c7d5b8-w7xkq",
        "replicaset-controller",
        "",
        created,
        created,
        1,
    ));
    e.push(ev_new(
        ns,
        about("Pod", ns, pod),
        "Normal",
        "Scheduled",
        "Successfully assigned default/billing-6f9c7d5b8-w7xkq to edge-a",
        "default-scheduler",
        "default-scheduler-edge-cp-1",
        "Binding",
        "2025-07-14T08:40:00.201877Z",
        None,
    ));
    e.push(ev(
        ns,
        about("Pod", ns, pod),
        "Warning",
        "FailedToRetrieveImagePullSecret",
        "Unable to retrieve some image pull secrets (ghcr-pull); attempting to pull the image may not succeed.",
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:01Z",
        "2025-07-14T08:59:33Z",
        92,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulling",
        &format!("Pulling image \"{img}\""),
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:02Z",
        "2025-07-14T08:56:31Z",
        8,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        &pull_err,
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:02Z",
        "2025-07-14T08:56:32Z",
        8,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: ErrImagePull",
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:02Z",
        "2025-07-14T08:56:32Z",
        8,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "BackOff",
        &format!("Back-off pulling image \"{img}\""),
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:03Z",
        "2025-07-14T08:59:33Z",
        84,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: ImagePullBackOff",
        "kubelet",
        "edge-a",
        "2025-07-14T08:40:03Z",
        "2025-07-14T08:59:33Z",
        84,
    ));
    e.push(ev(
        ns,
        about("Deployment", ns, "billing"),
        "Warning",
        "ProgressDeadlineExceeded",
        "Deployment \"billing\" has timed out progressing.",
        "deployment-controller",
        "",
        "2025-07-14T08:50:01Z",
        "2025-07-14T08:50:01Z",
        1,
    ));
    b.ns(ns).services.push(service(
        ns,
        "billing",
        created,
        Some(json!({"app": "billing"})),
        "10.96.20.52",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn edge_notifier(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/notifier:1.3.0";
    let mut c = ctr(
        "notifier",
        img,
        &[],
        &[("cpu", "100m"), ("memory", "128Mi")],
        &[("memory", "256Mi")],
    );
    c["env"] = json!([
        {"name": "SMTP_HOST", "valueFrom": {"configMapKeyRef": {"name": "notifier-config", "key": "SMTP_HOST"}}},
        {"name": "SMTP_PORT", "valueFrom": {"configMapKeyRef": {"name": "notifier-config", "key": "SMTP_PORT"}}}
    ]);
    let tpl = template(&[("app", "notifier")], vec![], vec![c], vec![]);
    let created = "2025-07-14T08:52:30Z";
    let rs = edge_deploy(
        b,
        ns,
        "notifier",
        "5b8c6d9f4",
        &tpl,
        1,
        1,
        0,
        created,
        created,
        progressing("notifier-5b8c6d9f4", "2025-07-14T08:52:30Z", created),
    );
    let pod = "notifier-5b8c6d9f4-h6vzn";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("edge-a"), created);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:52:33Z", pod));
    p["status"] = json!({"phase": "Pending", "conditions": conds_not_ready(created, "2025-07-14T08:52:32Z", created, &["notifier"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "notifier",
        img,
        St::Waiting(
            "CreateContainerConfigError",
            "couldn't find key SMTP_HOST in ConfigMap default/notifier-config"
        ),
        None,
        false,
        0
    )]);
    ip_status(&mut p, EA.1, "10.244.1.48", created, "Burstable");
    b.ns(ns).pods.push(p);
    let fp = "spec.containers{notifier}";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "edge-a",
        "2025-07-14T08:52:32Z",
        "2025-07-14T08:59:41Z",
        33,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        "Error: couldn't find key SMTP_HOST in ConfigMap default/notifier-config",
        "kubelet",
        "edge-a",
        "2025-07-14T08:52:32Z",
        "2025-07-14T08:59:41Z",
        33,
    ));
}

fn edge_gateway(b: &mut Builder, ns: &str) {
    let img = "docker.io/library/nginx:1.27.3";
    let mk = |conf: bool| {
        let mut c = ctr(
            "gateway",
            img,
            &[("http", 80, "TCP")],
            &[("cpu", "100m"), ("memory", "64Mi")],
            &[("memory", "128Mi")],
        );
        if conf {
            // The mistake: a single ConfigMap key (subPath) mounted onto a directory.
            c["volumeMounts"] = json!([{"name": "nginx-conf", "mountPath": "/etc/nginx/conf.d", "subPath": "default.conf"}]);
        }
        let vols = if conf {
            vec![
                json!({"name": "nginx-conf", "configMap": {"name": "gateway-nginx", "defaultMode": 420}}),
            ]
        } else {
            vec![]
        };
        template(&[("app", "gateway")], vec![], vec![c], vols)
    };
    let (old_tpl, new_tpl) = (mk(false), mk(true));
    let created = "2025-07-01T12:00:00Z";
    let rollout = "2025-07-14T08:35:00Z";
    let (old_rs, new_rs) = ("gateway-6c9d8b7f4", "gateway-84f7c5d9b6");
    b.ns(ns).deployments.push(deployment(
        ns,
        "gateway",
        &new_tpl,
        2,
        created,
        2,
        json!({
            "observedGeneration": 2,
            "replicas": 3,
            "updatedReplicas": 1,
            "readyReplicas": 2,
            "availableReplicas": 2,
            "unavailableReplicas": 1,
            "conditions": [
                dep_cond("Available", "True", "2025-07-01T12:00:09Z", "2025-07-01T12:00:09Z", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                timed_out(new_rs, "2025-07-14T08:45:01Z")
            ]
        }),
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        old_rs,
        "gateway",
        &old_tpl,
        "6c9d8b7f4",
        2,
        created,
        1,
        rs_status(2, 2, 1),
        "2025-07-01T12:00:09Z",
    ));
    b.ns(ns).replicasets.push(replicaset(
        ns,
        new_rs,
        "gateway",
        &new_tpl,
        "84f7c5d9b6",
        1,
        rollout,
        2,
        rs_status(1, 0, 1),
        rollout,
    ));
    for (pod, host, ip) in [
        ("gateway-6c9d8b7f4-lw2xr", EA, "10.244.1.11"),
        ("gateway-6c9d8b7f4-s9fcd", EB, "10.244.2.9"),
    ] {
        edge_running_pod(
            b,
            &old_tpl,
            ns,
            old_rs,
            pod,
            host,
            ip,
            created,
            "2025-07-01T12:00:04Z",
            "2025-07-01T12:00:05Z",
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf\n10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n/docker-entrypoint.sh: Configuration complete; ready for start up\n2025/07/01 12:00:04 [notice] 1#1: nginx/1.27.3\n2025/07/01 12:00:04 [notice] 1#1: start worker processes\n10.244.1.1 - - [14/Jul/2025:08:59:12 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"kube-probe/1.33\" \"-\"\n",
        );
    }
    let pod = "gateway-84f7c5d9b6-c5t8n";
    let pod_uid = uid("Pod", ns, pod);
    let mount_err = format!("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting \"/var/lib/kubelet/pods/{pod_uid}/volume-subpaths/nginx-conf/gateway/0\" to rootfs at \"/etc/nginx/conf.d\": mount /var/lib/kubelet/pods/{pod_uid}/volume-subpaths/nginx-conf/gateway/0:/etc/nginx/conf.d (via /proc/self/fd/7), flags: 0x5001: not a directory: unknown");
    let mut p = rs_pod(&new_tpl, ns, new_rs, pod, Some("edge-a"), rollout);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:57:03Z", pod));
    p["status"] = json!({"phase": "Running", "conditions": conds_not_ready(rollout, "2025-07-14T08:35:02Z", rollout, &["gateway"])});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "gateway",
        img,
        St::Waiting("CrashLoopBackOff", &crash_msg(ns, pod, "gateway")),
        Some(St::Terminated {
            code: 128,
            reason: "StartError",
            started: "1970-01-01T00:00:00Z",
            finished: "2025-07-14T08:57:02Z",
            message: &mount_err
        }),
        false,
        8
    )]);
    ip_status(&mut p, EA.1, "10.244.1.46", rollout, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "gateway", ""); // it never ran: the runtime left an empty log
    let fp = "spec.containers{gateway}";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{img}\" already present on machine"),
        "kubelet",
        "edge-a",
        "2025-07-14T08:35:02Z",
        "2025-07-14T08:57:01Z",
        9,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "Failed",
        &format!("Error: {mount_err}"),
        "kubelet",
        "edge-a",
        "2025-07-14T08:35:02Z",
        "2025-07-14T08:57:02Z",
        9,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &back_off(ns, pod, "gateway"),
        "kubelet",
        "edge-a",
        "2025-07-14T08:35:04Z",
        "2025-07-14T08:59:45Z",
        104,
    ));
    b.ns(ns).services.push(service(
        ns,
        "gateway",
        created,
        Some(json!({"app": "gateway"})),
        "10.96.20.10",
        json!([sport("http", 80, json!("http"), "TCP")]),
    ));
}

fn edge_ml_ranker(b: &mut Builder, ns: &str) {
    let img = "ghcr.io/acme-edge/ranker:0.8.0";
    let init_img = "docker.io/library/python:3.12-slim";
    let mut init = ctr(
        "fetch-model",
        init_img,
        &[],
        &[("cpu", "200m"), ("memory", "256Mi")],
        &[("memory", "512Mi")],
    );
    init["command"] = json!([
        "python",
        "/scripts/fetch_model.py",
        "--src",
        "s3://acme-edge-models/ranker/2025-07-13/model.tar.zst",
        "--dst",
        "/models"
    ]);
    init["volumeMounts"] = json!([{"name": "models", "mountPath": "/models"}, {"name": "scripts", "mountPath": "/scripts"}]);
    let mut c = ctr(
        "ranker",
        img,
        &[("grpc", 9000, "TCP")],
        &[("cpu", "500m"), ("memory", "1Gi")],
        &[("memory", "2Gi")],
    );
    c["volumeMounts"] = json!([{"name": "models", "readOnly": true, "mountPath": "/models"}]);
    let tpl = template(
        &[("app", "ml-ranker")],
        vec![init],
        vec![c],
        vec![
            // tmpfs: the unpacked model counts against the init container's memory limit.
            json!({"name": "models", "emptyDir": {"medium": "Memory"}}),
            json!({"name": "scripts", "configMap": {"name": "ml-ranker-scripts", "defaultMode": 420}}),
        ],
    );
    let created = "2025-07-14T07:30:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "ml-ranker",
        "7b9d4c6f8",
        &tpl,
        1,
        1,
        0,
        created,
        created,
        timed_out("ml-ranker-7b9d4c6f8", "2025-07-14T07:40:01Z"),
    );
    let pod = "ml-ranker-7b9d4c6f8-x5n2r";
    let mut p = rs_pod(&tpl, ns, &rs, pod, Some("edge-a"), created);
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T08:56:20Z", pod));
    p["status"] = json!({"phase": "Pending", "conditions": [
        cond("PodReadyToStartContainers", "True", "2025-07-14T07:30:02Z"),
        cond_r("Initialized", "False", created, "ContainersNotInitialized", "containers with incomplete status: [fetch-model]"),
        cond_r("Ready", "False", created, "ContainersNotReady", "containers with unready status: [ranker]"),
        cond_r("ContainersReady", "False", created, "ContainersNotReady", "containers with unready status: [ranker]"),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["initContainerStatuses"] = json!([cstatus(
        pod,
        "fetch-model",
        init_img,
        St::Waiting("CrashLoopBackOff", &crash_msg(ns, pod, "fetch-model")),
        Some(St::Terminated {
            code: 137,
            reason: "OOMKilled",
            started: "2025-07-14T08:56:01Z",
            finished: "2025-07-14T08:56:19Z",
            message: ""
        }),
        false,
        11
    )]);
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "ranker",
        img,
        St::Waiting("PodInitializing", ""),
        None,
        false,
        0
    )]);
    ip_status(&mut p, EA.1, "10.244.1.40", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "fetch-model", "2025-07-14 08:56:01,114 INFO fetch_model: downloading s3://acme-edge-models/ranker/2025-07-13/model.tar.zst (1.9 GiB) to /models\n2025-07-14 08:56:09,882 INFO fetch_model: downloaded 612.0 MiB\n2025-07-14 08:56:14,530 INFO fetch_model: downloaded 1.1 GiB\n2025-07-14 08:56:17,006 INFO fetch_model: unpacking model.tar.zst\n");
    let fp = "spec.initContainers{fetch-model}";
    let e = &mut b.ns(ns).events;
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Normal",
        "Pulled",
        &format!("Container image \"{init_img}\" already present on machine"),
        "kubelet",
        "edge-a",
        "2025-07-14T07:30:02Z",
        "2025-07-14T08:56:00Z",
        12,
    ));
    e.push(ev(
        ns,
        about_c(ns, pod, fp),
        "Warning",
        "BackOff",
        &back_off(ns, pod, "fetch-model"),
        "kubelet",
        "edge-a",
        "2025-07-14T07:31:30Z",
        "2025-07-14T08:59:22Z",
        341,
    ));
}

fn edge_jobs(b: &mut Builder, ns: &str) {
    // A Job whose first attempt failed and whose retry succeeded.
    let img = "ghcr.io/acme-edge/ledger-export:2.1.0";
    let job = "ledger-export";
    let mut c = ctr(
        "export",
        img,
        &[],
        &[("cpu", "500m"), ("memory", "512Mi")],
        &[("memory", "1Gi")],
    );
    c["args"] = json!(["--date=2025-07-13", "--dest=s3://acme-edge-exports/ledger/"]);
    let mut tpl = template(
        &[("batch.kubernetes.io/job-name", job), ("job-name", job)],
        vec![],
        vec![c],
        vec![],
    );
    tpl["spec"]["restartPolicy"] = json!("Never");
    let runs = [
        (
            "ledger-export-8xk2p",
            "2025-07-14T05:00:00Z",
            "2025-07-14T05:00:03Z",
            "2025-07-14T05:00:41Z",
            1,
            "10.244.1.30",
        ),
        (
            "ledger-export-q9w4d",
            "2025-07-14T05:00:52Z",
            "2025-07-14T05:00:55Z",
            "2025-07-14T05:03:12Z",
            0,
            "10.244.1.31",
        ),
    ];
    for (pod, created, started, finished, code, ip) in runs {
        let mut p = pod_from(
            &tpl,
            ns,
            pod,
            &[
                ("batch.kubernetes.io/controller-uid", &uid("Job", ns, job)),
                ("controller-uid", &uid("Job", ns, job)),
            ],
            Some(owner("batch/v1", "Job", ns, job)),
            Some("edge-a"),
            created,
        );
        p["metadata"]["resourceVersion"] = json!(rv(finished, pod));
        let (phase, why) = if code == 0 {
            ("Succeeded", "PodCompleted")
        } else {
            ("Failed", "PodFailed")
        };
        p["status"] = json!({"phase": phase, "conditions": [
            cond("PodReadyToStartContainers", "False", finished),
            cond("Initialized", "True", created),
            cond_r("Ready", "False", finished, why, ""),
            cond_r("ContainersReady", "False", finished, why, ""),
            cond("PodScheduled", "True", created),
        ]});
        p["status"]["containerStatuses"] = json!([cstatus(
            pod,
            "export",
            img,
            St::Terminated {
                code,
                reason: if code == 0 { "Completed" } else { "Error" },
                started,
                finished,
                message: ""
            },
            None,
            false,
            0
        )]);
        ip_status(&mut p, EA.1, ip, created, "Burstable");
        b.ns(ns).pods.push(p);
    }
    b.log(ns, "ledger-export-8xk2p", "export", "2025-07-14T05:00:03.881Z INFO  ledger-export 2.1.0: exporting ledger entries for 2025-07-13\n2025-07-14T05:00:19.402Z INFO  fetched 1204118 entries from ledger-db\n2025-07-14T05:00:41.017Z ERROR upload of s3://acme-edge-exports/ledger/2025-07-13.parquet failed: RequestError: send request failed\ncaused by: Put \"https://acme-edge-exports.s3.eu-central-1.amazonaws.com/ledger/2025-07-13.parquet?partNumber=3&uploadId=2~Yh1s\": read tcp 10.244.1.30:51234->52.219.170.62:443: read: connection reset by peer\n");
    b.log(ns, "ledger-export-q9w4d", "export", "2025-07-14T05:00:55.310Z INFO  ledger-export 2.1.0: exporting ledger entries for 2025-07-13\n2025-07-14T05:01:11.876Z INFO  fetched 1204118 entries from ledger-db\n2025-07-14T05:03:12.004Z INFO  uploaded s3://acme-edge-exports/ledger/2025-07-13.parquet (412.7 MiB, 9 parts)\n");

    // A CronJob run that succeeded.
    let img = "docker.io/library/postgres:16.4";
    let job = "nightly-backup-29207640";
    let mut c = ctr(
        "backup",
        img,
        &[],
        &[("cpu", "200m"), ("memory", "256Mi")],
        &[],
    );
    c["command"] = json!(["/bin/sh", "-c", "pg_dump -Fc -h ledger-db -U ledger ledger > /tmp/ledger.dump && gsutil cp /tmp/ledger.dump gs://acme-edge-backups/ledger/$(date +%F).dump"]);
    let mut tpl = template(
        &[("batch.kubernetes.io/job-name", job), ("job-name", job)],
        vec![],
        vec![c],
        vec![],
    );
    tpl["spec"]["restartPolicy"] = json!("OnFailure");
    let pod = "nightly-backup-29207640-m4z7n";
    let created = "2025-07-14T02:00:00Z";
    let mut p = pod_from(
        &tpl,
        ns,
        pod,
        &[
            ("batch.kubernetes.io/controller-uid", &uid("Job", ns, job)),
            ("controller-uid", &uid("Job", ns, job)),
        ],
        Some(owner("batch/v1", "Job", ns, job)),
        Some("edge-a"),
        created,
    );
    p["metadata"]["resourceVersion"] = json!(rv("2025-07-14T02:04:09Z", pod));
    p["status"] = json!({"phase": "Succeeded", "conditions": [
        cond("PodReadyToStartContainers", "False", "2025-07-14T02:04:09Z"),
        cond_r("Initialized", "True", created, "PodCompleted", ""),
        cond_r("Ready", "False", "2025-07-14T02:04:08Z", "PodCompleted", ""),
        cond_r("ContainersReady", "False", "2025-07-14T02:04:08Z", "PodCompleted", ""),
        cond("PodScheduled", "True", created),
    ]});
    p["status"]["containerStatuses"] = json!([cstatus(
        pod,
        "backup",
        img,
        St::Terminated {
            code: 0,
            reason: "Completed",
            started: "2025-07-14T02:00:03Z",
            finished: "2025-07-14T02:04:07Z",
            message: ""
        },
        None,
        false,
        0
    )]);
    ip_status(&mut p, EA.1, "10.244.1.29", created, "Burstable");
    b.ns(ns).pods.push(p);
    b.log(ns, pod, "backup", "Copying file:///tmp/ledger.dump [Content-Type=application/octet-stream]...\n/ [1 files][  3.2 GiB/  3.2 GiB]   41.8 MiB/s\nOperation completed over 1 objects/3.2 GiB.\n");
}

fn edge_overprovisioning(b: &mut Builder, ns: &str) {
    // cluster-autoscaler headroom: a pause container that never writes a line.
    let img = "registry.k8s.io/pause:3.10";
    let c = ctr(
        "reserve-resources",
        img,
        &[],
        &[("cpu", "200m"), ("memory", "1Gi")],
        &[],
    );
    let mut tpl = template(&[("run", "overprovisioning")], vec![], vec![c], vec![]);
    tpl["spec"]["priorityClassName"] = json!("overprovisioning");
    let created = "2025-07-05T11:00:00Z";
    let rs = edge_deploy(
        b,
        ns,
        "overprovisioning",
        "7c8d9b6f5",
        &tpl,
        1,
        1,
        1,
        created,
        "2025-07-05T11:00:03Z",
        progressed(
            "overprovisioning-7c8d9b6f5",
            "2025-07-05T11:00:03Z",
            created,
        ),
    );
    edge_running_pod(
        b,
        &tpl,
        ns,
        &rs,
        "overprovisioning-7c8d9b6f5-zq4vn",
        EA,
        "10.244.1.16",
        created,
        "2025-07-05T11:00:02Z",
        "2025-07-05T11:00:03Z",
        "",
    );
    let p = b.ns(ns).pods.last_mut().unwrap();
    p["spec"]["priority"] = json!(-10);
}
