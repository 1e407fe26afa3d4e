//! Regenerate the demo dump in `testdata/demo/` with real kubectl.
//!
//! ```text
//! cargo run --example make_demo -- [OUT_DIR] [--server-version 1.32.4] [--mode dir|dir-yaml|stdout|stdout-yaml]
//! ```
//!
//! Starts the fake API server of `tests/support/fakeapi.rs` on 127.0.0.1 with the
//! `scenario::demo()` cluster, runs `kubectl cluster-info dump --all-namespaces
//! --output-directory=OUT_DIR/dump` against it (`$KUBECTL`, default `kubectl`), and then writes
//! `OUT_DIR/README.md` from the constant below, so regenerating keeps the README. The README
//! sits beside the dump, not in it, so the dump folder holds only what kubectl wrote.
//! `OUT_DIR/dump` is removed first, but only if it looks like a dump (or is empty). With a
//! stdout mode `OUT_DIR/dump` is a file.

#[path = "../tests/support/fakeapi.rs"]
mod fakeapi;
#[path = "../tests/support/scenario.rs"]
mod scenario;

use std::path::Path;
use std::process::ExitCode;

use fakeapi::{kubectl_available, kubectl_bin, kubectl_dump, DumpMode, FakeApi};

/// Written to `OUT_DIR/README.md` after the dump.
const README: &str = r#"# `testdata/demo`: a small broken cluster, dumped by real kubectl

`dump/` is a genuine `kubectl cluster-info dump --all-namespaces --output-directory=…`
(JSON layout), written by kubectl 1.32.4 (the `/usr/bin/kubectl` dispatcher's own build, which it
runs for a v1.32 server) against the fake API server of `tests/support/fakeapi.rs`, serving the
`demo()` fixture of `tests/support/scenario.rs` with server version v1.32.4.
Regenerate it (deterministic, byte-identical) with:

    cargo run --example make_demo -- testdata/demo

`make_demo` deletes `dump/`, lets kubectl write the dump, then writes this README (beside the
dump, so `dump/` holds only what kubectl wrote) from a constant in `examples/make_demo.rs`. Edit
the constant, not this file.

Snapshot time: about **2025-06-01T12:00:00Z** (last node heartbeat 11:59:41Z, newest event
11:59:55Z). Namespaces: `default`, `kube-system`, `shop`. 3 nodes, 30 pods, 37 containers,
41 events, 16 services, 14 deployments, 16 replicasets, 1 daemonset, 1 replication controller,
37 container log sections of which 9 are `Request log error:` lines.

## Story

A managed cluster with three `e2-standard-4` workers. At 10:41 the old node **worker-3** (kubelet
v1.28.15, four minors behind the v1.32 control plane) stopped reporting; at 10:42 the node
controller marked it NotReady/unreachable and five minutes later the taint manager deleted its web
replica, which is stuck Terminating because nobody can confirm the kill. Since 11:12 the
recommender keeps being OOM-killed on **worker-2**; the node got MemoryPressure at 11:18,
evicted the other recommender replica at 11:19 and was cordoned by an operator at 11:25. Meanwhile
several deployments in `shop` were rolled out with mistakes.

## What a diagnosis should find

| rule (CONTRACT.md) | subject | what is wrong |
|---|---|---|
| node-not-ready | Node `worker-3` | Ready=Unknown since 10:42:03, "Kubelet stopped posting node status.", lastHeartbeatTime 10:41:17; taints `node.kubernetes.io/unreachable` NoSchedule + NoExecute |
| node-version-skew | Node `worker-3` | kubeletVersion v1.28.15, the others v1.32.4 |
| node-pressure | Node `worker-2` | MemoryPressure=True since 11:18:40 (taint `node.kubernetes.io/memory-pressure`); node events EvictionThresholdMet, SystemOOM |
| node-cordoned | Node `worker-2` | `spec.unschedulable: true` (taint `node.kubernetes.io/unschedulable` since 11:25:12) |
| pod-stuck-terminating | Pod `shop/web-6b8d9f7c5d-x7vbn` | deletionTimestamp 10:47:33 (TaintManagerEviction), on unreachable worker-3; Ready=False; both log fetches failed (HTTP 500) |
| workload-unavailable | DaemonSet `kube-system/kube-proxy` | 2/3 ready: `kube-proxy-lm5tc` on worker-3 (Ready=False, log fetch HTTP 500) |
| crash-loop-backoff | Pod `shop/cart-7c9f8b6d5-x2x9k`, container `cart` | CrashLoopBackOff, 9 restarts, last exit code 2; log is a Go `nil pointer dereference` panic in `pricing.(*Client).Rates` (PRICING_URL empty) |
| crash-loop-backoff | Pod `shop/payments-5f4d8c7b9-qz8nm`, container `payments` | CrashLoopBackOff, 14 restarts, last exit code 1 with a termination message; log is a Spring Boot/Java stack trace: `java.net.UnknownHostException: payments-db.shop.svc.cluster.local` (that service does not exist) |
| frequent-restarts | `cart` (9), `payments` (14), `recommender-84c6f9d7b-jx5t2` (6, OOMKilled), `catalog` init `fetch-assets` (17) | restart counts with the last termination reason/exit code |
| oom-killed | Pod `shop/recommender-84c6f9d7b-jx5t2`, container `recommender` | lastState.terminated OOMKilled exit 137 (limit 2Gi), 6 restarts, running again since 11:44:09; its log contains non-UTF-8 bytes |
| pod-evicted | Pod `shop/recommender-84c6f9d7b-8pwqm` | phase Failed, reason Evicted: "The node was low on resource: memory…" (worker-2); its log fetch failed (400) |
| image-pull-failure | Pod `shop/frontend-7d8f9b6c5-b5wrn`, container `frontend` | ImagePullBackOff: `ghcr.io/acme-shop/frontend:3.9.0` … `not found` (events Failed/BackOff with the registry message) |
| rollout-stuck | Deployment `shop/frontend` | Progressing=False, ProgressDeadlineExceeded: ReplicaSet "frontend-7d8f9b6c5" has timed out progressing (the old ReplicaSet still serves 2/2, so the Deployment itself is available) |
| container-config-error | Pod `shop/orders-6c8d7f5b4-pn3jz`, container `orders` | CreateContainerConfigError: `secret "db-password" not found` (event `Error: secret "db-password" not found`, ×212) |
| pod-unschedulable | Pod `shop/analytics-59d8c7f6b-zk2hd` | Pending, PodScheduled=False Unschedulable, requests cpu 2: "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable. preemption: …" (events.k8s.io-style event with series ×11) |
| pod-stuck-creating | Pod `shop/invoices-7f6d5c4b8-mq7vt` | ContainerCreating; FailedMount: `configmap "invoice-templates" not found` (×22) |
| readiness-failure | Pod `shop/search-64b7c9d8f-gt4xw`, container `search` | Running but not Ready; Unhealthy "Readiness probe failed: HTTP probe failed with statuscode: 503" (×363); log: elasticsearch `no such host` |
| init-container-failure | Pod `shop/catalog-5b9c8d7f6-lp4rz`, init container `fetch-assets` | RunContainerError, lastState StartError exit 128: `exec: "wge": executable file not found in $PATH`, 17 restarts; pod Pending/PodInitializing; the init log section is empty |
| pod-failed | Pod `shop/db-migrate-8tqzk` (Job `db-migrate`) | phase Failed, exit 1: `relation "orders_v2" already exists`; Job event BackoffLimitExceeded |
| replica-create-failure | ReplicaSet `shop/notifications-5c6d7e8f9` | FailedCreate: `exceeded quota: shop-quota, requested: limits.memory=512Mi, used: limits.memory=7936Mi, limited: limits.memory=8Gi` (one event plus a "(combined from similar events)" one ×23); condition ReplicaFailure |
| workload-unavailable | Deployment `shop/notifications` | 1/3 available |
| workload-unavailable | Deployments `shop/cart`, `payments`, `orders`, `analytics`, `invoices`, `search`, `catalog` | 0/1 available (consequences of the pod problems above) |
| service-no-endpoints | Service `shop/catalog` | selector `app: catalogue` matches no pod (the pods are `app: catalog`) |
| service-no-ready-endpoints | Services `shop/cart`, `shop/payments`, `shop/orders`, `shop/search` | they select only pods that are not ready |
| service-port-mismatch | Service `shop/web-metrics` | targetPort `metrics` is not a containerPort name of the `app: web` pods (they only have `http`) |

Log lines a log-signature rule may pick up: the Go panic (cart), the Java exception (payments),
`ECONNREFUSED` to payments and HTTP 502 (checkout), `no such host` (search), `Cannot allocate
memory` (legacy-redis), `relation … already exists` (db-migrate, postgres), scrape failures for
worker-3 (metrics-server), CoreDNS `i/o timeout`.

## Healthy things that must not be reported as problems

* Service `default/kubernetes` has no selector (endpoints are managed by the apiserver).
* ReplicaSet `shop/web-5c7f8d6b9` is an old revision scaled to 0.
* Deployment `shop/web` is 3/3: the replacement pod `web-6b8d9f7c5d-r4wlf` was created at 10:47.
* Pod `shop/nightly-report-29145720-r7s5x` (owned by Job `nightly-report-29145720`, i.e. a
  CronJob run) is Succeeded; `checkout`'s init container `wait-for-db` is Completed (exit 0).
* Pod `shop/postgres-0` (owner StatefulSet `postgres`, not in the dump), `default/legacy-redis-8kx2d`
  (ReplicationController `legacy-redis`), `default/dump-viewer` (no owner), CoreDNS,
  metrics-server, `checkout` (1 init + 2 containers), the `web` pods with the native sidecar
  `log-shipper` (init container with `restartPolicy: Always`, running and ready),
  `recommender-84c6f9d7b-tc6ks`, `notifications-5c6d7e8f9-fb8vd`, and the old frontend pods are
  running and ready.
* worker-1's CPU requests (3.36 of 3.92 cores) do not exceed allocatable.

## Format details this dump exercises

* Empty lists are `"items": null` (kubectl ≥ 1.32 reads lists as protobuf): the `default` and
  `shop` daemonsets, the `default` deployments and replicasets, and the `kube-system` and
  `shop` replication controllers.
* Events of both shapes: core/v1 (`firstTimestamp`/`lastTimestamp`/`count`) and events.k8s.io
  (`eventTime` with microseconds, `firstTimestamp: null`, `series`, `action`): FailedScheduling and
  Scheduled.
* Node events live in `default/events.json` with involvedObject kind Node.
* `Request log error: the server rejected our request for an unknown reason (get pods …)`
  (HTTP 400) for containers that never ran: analytics, catalog/catalog, frontend-7d8f9b6c5-b5wrn,
  invoices, orders, recommender-84c6f9d7b-8pwqm.
* `Request log error: an error on the server ("unknown") has prevented the request from
  succeeding (get pods …)` (HTTP 500, kubelet unreachable) for kube-proxy-lm5tc and both
  containers of web-6b8d9f7c5d-x7vbn.
* `shop/nightly-report-29145720-r7s5x/logs.txt`: log without a final newline, so the END marker
  follows the last log line on the same line.
* `shop/recommender-84c6f9d7b-jx5t2/logs.txt`: invalid UTF-8 bytes (`\xff\xfe`, `\xc3\x28`, a
  Latin-1 `\xe9`).
* `shop/checkout-6d5f4c8b7-wn9xk/logs.txt`: CRLF line ends and ANSI colour codes in `checkout`;
  three container sections (init `wait-for-db`, `checkout`, `envoy`).
* `default/dump-viewer/logs.txt`: the body contains a fake START/END pair for another pod and
  the pod's *own* exact END marker line followed by one more log line; only the last END is real.
* `shop/catalog-5b9c8d7f6-lp4rz/logs.txt`: an empty section (START directly followed by END).
* `web-*` pods: the sidecar's section comes first (init containers before containers).
* Pods on the lost node still say `"ready": true` in their container statuses while the pod's
  Ready condition is False (the node controller only changes the condition).
"#;

fn main() -> ExitCode {
    let mut out = String::from("testdata/demo");
    let mut version = scenario::DEMO_SERVER_VERSION.to_string();
    let mut mode = DumpMode::Dir;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--server-version" => version = args.next().unwrap_or(version),
            "--mode" => {
                mode = match args.next().as_deref() {
                    Some("dir") => DumpMode::Dir,
                    Some("dir-yaml") => DumpMode::DirYaml,
                    Some("stdout") => DumpMode::Stdout,
                    Some("stdout-yaml") => DumpMode::StdoutYaml,
                    other => {
                        eprintln!("make_demo: unknown --mode {other:?}");
                        return ExitCode::from(2);
                    }
                }
            }
            "-h" | "--help" => {
                eprintln!("usage: make_demo [OUT_DIR] [--server-version X.Y.Z] [--mode dir|dir-yaml|stdout|stdout-yaml]");
                return ExitCode::SUCCESS;
            }
            _ => out = a,
        }
    }
    if !kubectl_available() {
        eprintln!(
            "make_demo: cannot run `{} version --client` (set KUBECTL)",
            kubectl_bin()
        );
        return ExitCode::from(2);
    }
    let out_dir = Path::new(&out);
    let dump_path = out_dir.join("dump");
    let out_path = dump_path.as_path();
    if let Err(e) = std::fs::create_dir_all(out_dir) {
        eprintln!("make_demo: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = clear(out_path) {
        eprintln!("make_demo: {e}");
        return ExitCode::from(2);
    }

    let api = FakeApi::start(scenario::demo(), &version);
    if let Err(e) = kubectl_dump(&api.url(), mode, None, out_path) {
        eprintln!("make_demo: kubectl failed: {e}");
        return ExitCode::FAILURE;
    }
    let requests = api.requests();
    drop(api);

    if let Err(e) = std::fs::write(out_dir.join("README.md"), README) {
        eprintln!("make_demo: writing README.md: {e}");
        return ExitCode::FAILURE;
    }
    let logs = requests.iter().filter(|r| r.contains("/log?")).count();
    println!(
        "make_demo: wrote {} (server v{}, {} requests, {} log fetches)",
        out_path.display(),
        version.trim_start_matches('v'),
        requests.len(),
        logs
    );
    ExitCode::SUCCESS
}

/// Remove `p` if it is a previous dump (has `nodes.*`), an empty directory or a file from a
/// stdout mode; refuse anything else.
fn clear(p: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return Ok(());
    };
    if meta.is_file() {
        let head = std::fs::read(p).map_err(|e| e.to_string())?;
        let head = String::from_utf8_lossy(&head[..head.len().min(200)]).into_owned();
        if head.contains("NodeList") {
            return std::fs::remove_file(p).map_err(|e| e.to_string());
        }
        return Err(format!(
            "{} exists and is not a stdout dump; not touching it",
            p.display()
        ));
    }
    let looks_like_dump = ["nodes.json", "nodes.yaml", "nodes.txt"]
        .iter()
        .any(|f| p.join(f).exists());
    let empty = std::fs::read_dir(p)
        .map_err(|e| e.to_string())?
        .next()
        .is_none();
    if looks_like_dump || empty {
        std::fs::remove_dir_all(p).map_err(|e| format!("removing {}: {e}", p.display()))
    } else {
        Err(format!(
            "{} exists and does not look like a dump; not touching it",
            p.display()
        ))
    }
}
