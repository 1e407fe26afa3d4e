//! Real kubectl writes the fixtures: a fake API server serves the demo
//! cluster, the `kubectl` on the machine dumps it (the dispatcher picks the
//! real binary matching the server version), and coroner must read back
//! exactly the objects and log bytes that were served, in every form.

use crate::fakeapi::{DumpMode, LogReply};
use crate::util::{self, MadeDump};
use coroner::model::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// kubectl 1.31 writes `items: []`, 1.32+ `items: null`: one of each side
/// of that change, plus the oldest and newest binaries on the machine.
const VERSIONS: [&str; 4] = ["1.27.16", "1.31.4", "1.32.5", "1.33.1"];

fn typed<T: DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).expect("fixture objects have the model's shape")
}

fn by_name<'a, T>(
    items: impl Iterator<Item = &'a coroner::dump::Located<T>>,
    name: impl Fn(&T) -> &str,
    want: &str,
) -> Option<&'a T>
where
    T: 'a,
{
    items.map(|l| &l.obj).find(|o| name(o) == want)
}

/// Equality through JSON, so a failure names the first differing field.
fn assert_same<T: serde::Serialize>(got: &T, want: &T, what: &str) {
    let (g, w) = (
        serde_json::to_value(got).unwrap(),
        serde_json::to_value(want).unwrap(),
    );
    if g != w {
        panic!(
            "{what}: differs at {}",
            first_difference(&g, &w, String::new())
        );
    }
}

fn first_difference(g: &Value, w: &Value, at: String) -> String {
    match (g, w) {
        (Value::Object(a), Value::Object(b)) => {
            for k in a.keys().chain(b.keys()) {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                if x != y {
                    return first_difference(x, y, format!("{at}/{k}"));
                }
            }
            at
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if x != y {
                    return first_difference(x, y, format!("{at}/{i}"));
                }
            }
            at
        }
        _ => format!("{at}: read {g} but served {w}"),
    }
}

/// A served pod as kubectl of this minor version writes it: kubectl drops
/// the fields its compiled types do not know (dump-format.md section 6).
/// kubectl 1.27 predates native sidecars (`restartPolicy` on init
/// containers, 1.28).
fn as_kept_by(obj: &Value, minor: u32) -> Value {
    fn strip_sidecar_policy(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(inits)) = m.get_mut("initContainers") {
                    for c in inits {
                        if let Some(c) = c.as_object_mut() {
                            c.remove("restartPolicy");
                        }
                    }
                }
                m.values_mut().for_each(strip_sidecar_policy);
            }
            Value::Array(a) => a.iter_mut().for_each(strip_sidecar_policy),
            _ => {}
        }
    }
    let mut obj = obj.clone();
    if minor < 28 {
        strip_sidecar_policy(&mut obj);
    }
    obj
}

fn check_reads_back(made: &MadeDump) {
    let ix = coroner::open(&made.path).unwrap_or_else(|e| panic!("{}: {e}", made.path.display()));
    let what = format!("kubectl for server {} {:?}", made.server_version, made.mode);
    let fx = &made.fixture;
    assert!(
        ix.dump.problems.is_empty(),
        "{what}: a clean dump has no problems: {:#?}",
        ix.dump.problems
    );

    // Nodes.
    assert_eq!(ix.nodes.len(), fx.nodes.len(), "{what}: nodes");
    for n in &fx.nodes {
        let want: Node = typed(n);
        let got = ix
            .node(&want.metadata.name)
            .unwrap_or_else(|| panic!("{what}: node {}", want.metadata.name));
        assert_same(
            &got.obj,
            &want,
            &format!("{what}: node {}", want.metadata.name),
        );
    }

    // Every namespaced object, compared field by field through the model.
    let namespaces: Vec<&str> = fx.namespaces.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(ix.namespaces, namespaces, "{what}: namespaces");
    let minor: u32 = made
        .server_version
        .split('.')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut pods = 0;
    for ns in &fx.namespaces {
        for p in &ns.pods {
            let want: Pod = typed(&as_kept_by(p, minor));
            let got = ix
                .pod(&ns.name, &want.metadata.name)
                .unwrap_or_else(|| panic!("{what}: pod {}/{}", ns.name, want.metadata.name));
            assert_same(
                &got.obj,
                &want,
                &format!("{what}: pod {}/{}", ns.name, want.metadata.name),
            );
            pods += 1;
        }
        let events: Vec<&Event> = ix
            .events
            .iter()
            .map(|e| &e.obj)
            .filter(|e| e.metadata.namespace == ns.name)
            .collect();
        assert_eq!(
            events.len(),
            ns.events.len(),
            "{what}: events in {}",
            ns.name
        );
        for e in &ns.events {
            let want: Event = typed(e);
            let got = events
                .iter()
                .find(|g| g.metadata.uid == want.metadata.uid)
                .expect("event read");
            assert_same(
                &**got,
                &want,
                &format!("{what}: event {}", want.metadata.name),
            );
        }
        for s in &ns.services {
            let want: Service = typed(s);
            let got = by_name(
                ix.services.iter(),
                |s: &Service| &s.metadata.name,
                &want.metadata.name,
            )
            .filter(|g| g.metadata.namespace == ns.name)
            .expect("service read");
            assert_same(
                got,
                &want,
                &format!("{what}: service {}", want.metadata.name),
            );
        }
        for (kind, list) in [
            (coroner::index::WorkloadKind::Deployment, &ns.deployments),
            (coroner::index::WorkloadKind::ReplicaSet, &ns.replicasets),
            (coroner::index::WorkloadKind::DaemonSet, &ns.daemonsets),
            (
                coroner::index::WorkloadKind::ReplicationController,
                &ns.replication_controllers,
            ),
        ] {
            for w in list {
                let want: Workload = typed(&as_kept_by(w, minor));
                let got = ix
                    .workload(kind, &ns.name, &want.metadata.name)
                    .expect("workload read");
                assert_same(
                    &got.item.obj,
                    &want,
                    &format!("{what}: {kind:?} {}", want.metadata.name),
                );
            }
        }
    }
    assert_eq!(ix.pods.len(), pods, "{what}: pods");

    // Logs: every container of every pod has its block, with the exact
    // bytes served, or the fetch error kubectl wrote for a failed call.
    let mut containers = 0;
    for ns in &fx.namespaces {
        for p in &ns.pods {
            let pod: Pod = typed(p);
            for c in pod.spec.init_containers.iter().chain(&pod.spec.containers) {
                containers += 1;
                let key = (
                    ns.name.clone(),
                    pod.metadata.name.to_string(),
                    c.name.to_string(),
                );
                let section = ix
                    .log_for(&ns.name, &pod.metadata.name, &c.name)
                    .unwrap_or_else(|| panic!("{what}: no log section for {key:?}"));
                assert!(section.complete, "{what}: {key:?} complete");
                match fx.logs.get(&key) {
                    Some(LogReply::Body(bytes)) => {
                        let got = ix.dump.read_log(section, u64::MAX).unwrap();
                        assert!(section.fetch_error.is_none(), "{what}: {key:?}");
                        assert_eq!(got.len(), bytes.len(), "{what}: log length of {key:?}");
                        assert!(got == *bytes, "{what}: log bytes of {key:?} differ");
                        assert_eq!(
                            section.trailing_newline,
                            bytes.is_empty() || bytes.ends_with(b"\n"),
                            "{what}: trailing newline of {key:?}"
                        );
                    }
                    // Status replies and containers with no log (a real
                    // apiserver answers 400) become a fetch error line.
                    Some(LogReply::Status(_)) | None => {
                        let err = section
                            .fetch_error
                            .as_deref()
                            .unwrap_or_else(|| panic!("{what}: {key:?} should be a fetch error"));
                        assert!(err.starts_with("Request log error: "), "{what}: {err}");
                    }
                }
            }
        }
    }
    assert_eq!(
        ix.logs.len(),
        containers,
        "{what}: one log section per container"
    );

    // The kubectl version guess must include the kubectl that wrote it.
    let v = &ix.version;
    let min: u32 = v.min.split('.').nth(1).unwrap().parse().unwrap();
    assert!(
        min <= minor,
        "{what}: guessed min {} above {minor}: {:?}",
        v.min,
        v.evidence
    );
    if let Some(max) = &v.max {
        let max: u32 = max.split('.').nth(1).unwrap().parse().unwrap();
        assert!(
            minor <= max,
            "{what}: guessed max {max} below {minor}: {:?}",
            v.evidence
        );
    }
    assert!(!v.inconsistent, "{what}: {:?}", v.evidence);

    // The estimate is the newest time stamp served.
    assert!(
        ix.snapshot.estimated_time.is_some(),
        "{what}: a snapshot time"
    );
}

#[test]
fn directory_json_every_kubectl() {
    for v in VERSIONS {
        check_reads_back(util::kubectl_dump("demo", v, DumpMode::Dir));
    }
}

#[test]
fn directory_yaml() {
    for v in ["1.31.4", "1.33.1"] {
        check_reads_back(util::kubectl_dump("demo", v, DumpMode::DirYaml));
    }
}

#[test]
fn stdout_json() {
    for v in ["1.31.4", "1.33.1"] {
        check_reads_back(util::kubectl_dump("demo", v, DumpMode::Stdout));
    }
}

#[test]
fn stdout_yaml() {
    for v in ["1.31.4", "1.33.1"] {
        check_reads_back(util::kubectl_dump("demo", v, DumpMode::StdoutYaml));
    }
}

#[test]
fn items_null_fingerprint_follows_the_kubectl_version() {
    let old = coroner::open(&util::kubectl_dump("demo", "1.31.4", DumpMode::Dir).path).unwrap();
    let new = coroner::open(&util::kubectl_dump("demo", "1.33.1", DumpMode::Dir).path).unwrap();
    assert_eq!(
        old.version.max.as_deref(),
        Some("1.31"),
        "{:?}",
        old.version
    );
    assert_eq!(new.version.min, "1.32", "{:?}", new.version);
    assert_eq!(new.version.max, None);
}

#[test]
fn owner_chains_and_rollup() {
    let ix = coroner::open(&util::kubectl_dump("demo", "1.33.1", DumpMode::Dir).path).unwrap();
    let mut tops = std::collections::BTreeSet::new();
    for (i, p) in ix.pods.iter().enumerate() {
        let chain = &ix.pod_owners[i];
        let refs = &p.obj.metadata.owner_references;
        if refs.is_empty() {
            assert!(chain.is_empty());
            continue;
        }
        // The first link is the pod's own controller.
        assert_eq!(chain[0].name, refs[0].name, "pod {}", p.obj.metadata.name);
        if chain[0].kind == "ReplicaSet" && chain[0].workload.is_some() {
            // A ReplicaSet in the dump that a Deployment owns resolves to it.
            let rs = &ix.workloads[chain[0].workload.unwrap()].item.obj;
            if !rs.metadata.owner_references.is_empty() {
                assert_eq!(chain[1].kind, "Deployment");
                assert!(
                    chain[1].workload.is_some(),
                    "deployment of {} in the dump",
                    p.obj.metadata.name
                );
            }
        }
        let top = chain.last().unwrap();
        tops.insert(top.kind.clone());
    }
    // The demo has Deployments, a DaemonSet, an RC, a StatefulSet and a Job.
    for kind in [
        "Deployment",
        "DaemonSet",
        "ReplicationController",
        "StatefulSet",
    ] {
        assert!(
            tops.contains(kind),
            "some pod rolls up to a {kind}: {tops:?}"
        );
    }
    assert!(tops.contains("Job") || tops.contains("CronJob"), "{tops:?}");
    // Events are found by the object they involve.
    let with_events = ix
        .pods
        .iter()
        .filter(|p| {
            !ix.events_for(
                "Pod",
                &p.obj.metadata.namespace,
                &p.obj.metadata.name,
                &p.obj.metadata.uid,
            )
            .is_empty()
        })
        .count();
    assert!(with_events > 0);
    // Pods are placed on their nodes.
    for n in &ix.nodes {
        for &i in ix.pods_on_node(&n.obj.metadata.name) {
            assert_eq!(ix.pods[i].obj.spec.node_name, n.obj.metadata.name);
        }
    }
}

#[test]
fn directory_and_stdout_give_the_same_index() {
    let a = coroner::open(&util::kubectl_dump("demo", "1.33.1", DumpMode::Dir).path).unwrap();
    let b = coroner::open(&util::kubectl_dump("demo", "1.33.1", DumpMode::Stdout).path).unwrap();
    assert_eq!(a.counts(), b.counts());
    let pods = |ix: &coroner::DumpIndex| ix.pods.iter().map(|p| p.obj.clone()).collect::<Vec<_>>();
    assert_eq!(pods(&a), pods(&b));
    for (la, lb) in a.logs.iter().zip(&b.logs) {
        assert_eq!(
            (&la.namespace, &la.pod, &la.container),
            (&lb.namespace, &lb.pod, &lb.container)
        );
        assert_eq!(
            a.dump.read_log(la, u64::MAX).unwrap(),
            b.dump.read_log(lb, u64::MAX).unwrap()
        );
    }
}

#[test]
fn same_input_same_output() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let one = util::run(&["inspect", "--format", "json", made.path.to_str().unwrap()]);
    let two = util::run(&["inspect", "--format", "json", made.path.to_str().unwrap()]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, two.stdout);
    let text1 = util::run(&["inspect", made.path.to_str().unwrap()]);
    let text2 = util::run(&["inspect", made.path.to_str().unwrap()]);
    assert_eq!(text1.stdout, text2.stdout);
}
