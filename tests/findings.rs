//! What the diagnosis says, fixture by fixture: the findings of every dump written by real
//! kubectl (the committed demo, the `edge` cluster dumped at test time) and of the real dumps
//! in ../shared/realdata, snapshotted as JSON with insta (tests/snapshots/). A reviewer sees
//! each change of a finding's id, severity, subject, summary or evidence, and of the
//! incidents they roll up into.
//!
//! Accepting a change: `INSTA_UPDATE=always cargo test --test tests findings` (or
//! `cargo insta accept`), then read the diff. In CI (`CI` set) a missing or changed snapshot
//! fails.
//!
//! Besides the snapshots: every rule of the catalog fires in a fixture written by real
//! kubectl; what the fixtures are built to show is found; healthy, completed and log-less pods
//! get no failure finding; each real dump's known problems (its README) are found and nothing
//! else is reported as a failure, except the known false positives listed below, which are
//! reported to be fixed in the rules.

use crate::fakeapi::DumpMode;
use crate::scenario::{self, Expected};
use crate::util;
use coroner::analyze::{self, Analysis, Evidence, Finding, Severity, RULES};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

fn demo_dump() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo/dump")
}

fn edge_dump() -> &'static Path {
    &util::kubectl_dump("edge", scenario::EDGE_SERVER_VERSION, DumpMode::Dir).path
}

fn analysis_of(path: &Path) -> Analysis {
    let ix = coroner::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    analyze::analyze(&ix)
}

/// The real dumps whose findings are snapshotted: (snapshot name, path under realdata).
const REALDATA: &[(&str, &str)] = &[
    ("aks", "aks-k8s-arena-dump"),
    ("minikube-multi", "minikube-multi-k8s-dump"),
    ("rke2", "rke2-cilium-global-cloudwork-dump/cluster-dump"),
    (
        "kind-keycloak",
        "stdout-kind-keycloak-2023-clineberry/cluster-info-dump.json",
    ),
    (
        "utf16-minikube",
        "stdout-utf16-minikube-2022-cfse031/cluster-dump.txt",
    ),
];

fn realdata(name: &str) -> Option<Analysis> {
    let rel = REALDATA
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| *r)
        .unwrap();
    util::realdata(rel).map(|p| analysis_of(&p))
}

// ---------------------------------------------------------------------------------------------
// The snapshot: what a reviewer should see change
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, PartialEq, Debug)]
struct Snapshot {
    findings: Vec<SnapFinding>,
    incidents: Vec<SnapIncident>,
    /// Rules that failed to run on the dump (a bug).
    problems: Vec<String>,
}

#[derive(Serialize, PartialEq, Debug)]
struct SnapFinding {
    id: String,
    rule: &'static str,
    severity: Severity,
    subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workload: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    /// `file#pointer`, `file:line` or `file:line#pointer`.
    evidence: Vec<String>,
}

/// Incidents keep the analysis' order (by impact): that order is part of what is reviewed.
#[derive(Serialize, PartialEq, Debug)]
struct SnapIncident {
    title: String,
    severity: Severity,
    root_cause: String,
    findings: Vec<String>,
}

fn show_evidence(e: &Evidence) -> String {
    let mut s = e.file.clone();
    if let Some(l) = e.line {
        s.push_str(&format!(":{l}"));
    }
    if let Some(p) = &e.pointer {
        s.push('#');
        s.push_str(p);
    }
    s
}

fn snapshot(a: &Analysis) -> Snapshot {
    let mut findings: Vec<SnapFinding> = a
        .findings
        .iter()
        .map(|f| SnapFinding {
            id: f.id.clone(),
            rule: f.rule,
            severity: f.severity,
            subject: f.subject.to_string(),
            container: f.container.clone(),
            workload: f.workload.as_ref().map(|w| w.to_string()),
            node: f.node.clone(),
            summary: Some(f.summary.clone()),
            evidence: f.evidence.iter().map(show_evidence).collect(),
        })
        .collect();
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    let incidents = a
        .incidents
        .iter()
        .map(|i| SnapIncident {
            title: i.title.clone(),
            severity: i.severity,
            root_cause: i.root_cause.clone(),
            findings: i.findings.clone(),
        })
        .collect();
    let problems = a
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.file, p.message))
        .collect();
    Snapshot {
        findings,
        incidents,
        problems,
    }
}

fn assert_snapshot(name: &str, a: &Analysis) {
    let snap = snapshot(a);
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_json_snapshot!(format!("findings-{name}"), snap);
    });
}

#[test]
fn demo_snapshot() {
    assert_snapshot("demo", &analysis_of(&demo_dump()));
}

#[test]
fn edge_snapshot() {
    assert_snapshot("edge", &analysis_of(edge_dump()));
}

/// The real dumps are not ours to copy (their README: no licence, or
/// AGPL): their snapshots keep what coroner concluded (rule, severity,
/// subject, evidence location) and leave out the summaries, which quote
/// their messages and logs.
fn realdata_snapshot(name: &str) {
    if let Some(a) = realdata(name) {
        let mut snap = snapshot(&a);
        for f in &mut snap.findings {
            f.summary = None;
        }
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_json_snapshot!(format!("findings-realdata-{name}"), snap);
        });
    }
}

#[test]
fn realdata_aks_snapshot() {
    realdata_snapshot("aks");
}

#[test]
fn realdata_minikube_multi_snapshot() {
    realdata_snapshot("minikube-multi");
}

#[test]
fn realdata_rke2_snapshot() {
    realdata_snapshot("rke2");
}

#[test]
fn realdata_kind_keycloak_snapshot() {
    realdata_snapshot("kind-keycloak");
}

#[test]
fn realdata_utf16_minikube_snapshot() {
    realdata_snapshot("utf16-minikube");
}

/// Same input, same findings: twice in one process (the rules run in parallel), and the edge
/// cluster dumped to stdout finds the same as dumped to a directory (only evidence differs).
#[test]
fn findings_are_deterministic() {
    let demo = demo_dump();
    let mut paths: Vec<PathBuf> = vec![demo, edge_dump().to_path_buf()];
    paths.extend(REALDATA.iter().filter_map(|(_, rel)| util::realdata(rel)));
    for p in &paths {
        let (a, b) = (snapshot(&analysis_of(p)), snapshot(&analysis_of(p)));
        assert_eq!(a, b, "{}: two analyses differ", p.display());
    }
    let dir = snapshot(&analysis_of(edge_dump()));
    let stdout = snapshot(&analysis_of(
        &util::kubectl_dump("edge", scenario::EDGE_SERVER_VERSION, DumpMode::Stdout).path,
    ));
    let key = |s: &Snapshot| {
        s.findings
            .iter()
            .map(|f| (f.id.clone(), f.severity, f.summary.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        key(&dir),
        key(&stdout),
        "edge: directory and stdout dumps differ"
    );
    let titles = |s: &Snapshot| {
        s.incidents
            .iter()
            .map(|i| i.title.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(&dir), titles(&stdout));
}

// ---------------------------------------------------------------------------------------------
// Coverage: every rule fires in a fixture written by real kubectl
// ---------------------------------------------------------------------------------------------

#[test]
fn every_rule_fires_in_a_kubectl_written_fixture() {
    let fixtures = [
        ("demo", analysis_of(&demo_dump())),
        ("edge", analysis_of(edge_dump())),
    ];
    let mut fired: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (name, a) in &fixtures {
        for f in &a.findings {
            fired.entry(f.rule).or_default().insert(name);
        }
    }
    let mut table = String::from("rule coverage (fixtures written by real kubectl):\n");
    let mut missing = Vec::new();
    for r in RULES {
        let by = fired
            .get(r.id())
            .map(|s| s.iter().copied().collect::<Vec<_>>().join(", "));
        table.push_str(&format!(
            "  {:28} {}\n",
            r.id(),
            by.as_deref().unwrap_or("-")
        ));
        if by.is_none() {
            missing.push(r.id());
        }
    }
    eprintln!("{table}");
    assert!(
        missing.is_empty(),
        "rules that fire in no fixture: {missing:?}\n{table}"
    );
    for (name, a) in &fixtures {
        assert!(a.problems.is_empty(), "{name}: {:?}", a.problems);
    }
}

// ---------------------------------------------------------------------------------------------
// What the fixtures are built to show is found
// ---------------------------------------------------------------------------------------------

fn subject_is(f: &Finding, kind: &str, ns: &str, name: &str) -> bool {
    f.subject.kind == kind
        && f.subject.namespace.as_deref().unwrap_or("") == ns
        && f.subject.name == name
}

fn assert_expected(fixture: &str, a: &Analysis, expected: &[Expected]) {
    let missing: Vec<String> = expected
        .iter()
        .filter(|e| {
            !a.findings.iter().any(|f| {
                f.rule == e.rule
                    && subject_is(f, e.kind, e.namespace, e.name)
                    && f.container.as_deref() == e.container
            })
        })
        .map(|e| {
            format!(
                "{} {} {}/{} {:?}: {}",
                e.rule, e.kind, e.namespace, e.name, e.container, e.why
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{fixture}: expected findings not found:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn demo_expected_findings() {
    assert_expected("demo", &analysis_of(&demo_dump()), scenario::DEMO_EXPECTED);
}

#[test]
fn edge_expected_findings() {
    assert_expected("edge", &analysis_of(edge_dump()), scenario::EDGE_EXPECTED);
}

// ---------------------------------------------------------------------------------------------
// Healthy, completed and log-less pods get no failure finding
// ---------------------------------------------------------------------------------------------

/// Rules whose finding about a pod, at any severity, says the pod is failing.
const POD_FAILURE_RULES: &[&str] = &[
    "crash-loop-backoff",
    "oom-killed",
    "image-pull-failure",
    "container-config-error",
    "container-start-failure",
    "init-container-failure",
    "pod-unschedulable",
    "pod-stuck-creating",
    "readiness-failure",
    "pod-evicted",
    "pod-failed",
    "pod-stuck-terminating",
];

fn is_failure(f: &Finding) -> bool {
    f.severity >= Severity::Warning || POD_FAILURE_RULES.contains(&f.rule)
}

/// Failure findings on subjects the fixtures call healthy, known and reported to be fixed in
/// the rules: (fixture, finding id, why it is wrong). The test checks that each is still
/// there; once a rule is fixed, remove its line (and accept the snapshot change).
const KNOWN_FALSE_POSITIVES: &[(&str, &str, &str)] = &[];

fn known_false_positive(fixture: &str, id: &str) -> bool {
    KNOWN_FALSE_POSITIVES
        .iter()
        .any(|(fx, fid, _)| *fx == fixture && *fid == id)
}

/// The known false positives of `fixture` are still reported (else: remove them from the list).
fn assert_known_still_there(fixture: &str, a: &Analysis) {
    for (fx, id, why) in KNOWN_FALSE_POSITIVES
        .iter()
        .filter(|(fx, _, _)| *fx == fixture)
    {
        assert!(
            a.findings.iter().any(|f| f.id == *id && is_failure(f)),
            "{fx}: {id} is no longer reported ({why}); remove it from KNOWN_FALSE_POSITIVES"
        );
    }
}

fn failures_about<'a>(a: &'a Analysis, kind: &str, ns: &str, name: &str) -> Vec<&'a Finding> {
    a.findings
        .iter()
        .filter(|f| subject_is(f, kind, ns, name) && is_failure(f))
        .collect()
}

/// Pods of a fixture that finished successfully (and are not being deleted), and pods that
/// run, are ready and wrote no log at all.
fn completed_and_logless(fx: &crate::fakeapi::Fixture) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for ns in &fx.namespaces {
        for p in &ns.pods {
            let name = p["metadata"]["name"].as_str().unwrap().to_string();
            let deleting = p["metadata"].get("deletionTimestamp").is_some();
            let phase = p["status"]["phase"].as_str().unwrap_or("");
            if phase == "Succeeded" && !deleting {
                out.push((ns.name.clone(), name.clone(), "completed"));
            }
            let ready = p["status"]["conditions"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            });
            let containers: Vec<&str> = p["spec"]["containers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            let silent = containers.iter().all(|c| {
                fx.logs.get(&(ns.name.clone(), name.clone(), c.to_string()))
                    == Some(&crate::fakeapi::LogReply::Body(Vec::new()))
            });
            if phase == "Running" && ready && silent {
                out.push((ns.name.clone(), name, "log-less"));
            }
        }
    }
    out
}

fn check_healthy(
    fixture: &str,
    a: &Analysis,
    fx: &crate::fakeapi::Fixture,
    healthy: &[(&str, &str, &str, &str)],
) -> Vec<String> {
    let mut subjects: Vec<(String, String, String, String)> = healthy
        .iter()
        .map(|(k, ns, n, why)| {
            (
                k.to_string(),
                ns.to_string(),
                n.to_string(),
                why.to_string(),
            )
        })
        .collect();
    for (ns, name, what) in completed_and_logless(fx) {
        subjects.push(("Pod".into(), ns, name, what.into()));
    }
    let mut bad = Vec::new();
    for (kind, ns, name, why) in &subjects {
        for f in failures_about(a, kind, ns, name) {
            if !known_false_positive(fixture, &f.id) {
                bad.push(format!(
                    "{} ({}) on {kind} {ns}/{name} ({why}): {}",
                    f.id,
                    f.severity.as_str(),
                    f.summary
                ));
            }
        }
    }
    bad
}

#[test]
fn healthy_completed_and_logless_pods_get_no_failure_finding() {
    let demo = analysis_of(&demo_dump());
    let edge = analysis_of(edge_dump());
    let mut bad = check_healthy("demo", &demo, &scenario::demo(), scenario::DEMO_HEALTHY);
    bad.extend(check_healthy(
        "edge",
        &edge,
        &scenario::edge(),
        scenario::EDGE_HEALTHY,
    ));
    assert!(
        bad.is_empty(),
        "failure findings about healthy subjects:\n  {}",
        bad.join("\n  ")
    );
    assert_known_still_there("demo", &demo);
    assert_known_still_there("edge", &edge);
    // The edge cluster has a log-less pod and completed pods of both kinds (Job, CronJob).
    let kinds: BTreeSet<&str> = completed_and_logless(&scenario::edge())
        .iter()
        .map(|(_, _, w)| *w)
        .collect();
    assert_eq!(kinds, BTreeSet::from(["completed", "log-less"]));
}

// ---------------------------------------------------------------------------------------------
// Real dumps: the known problems of ../shared/realdata/README.md, and nothing else failing
// ---------------------------------------------------------------------------------------------

fn find<'a>(a: &'a Analysis, id: &str) -> &'a Finding {
    a.findings.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!(
            "{id} not found; found: {:#?}",
            a.findings.iter().map(|f| &f.id).collect::<Vec<_>>()
        )
    })
}

/// Every failure finding is one of `expected` or a known false positive, and each known
/// false positive is still there.
fn assert_only_failures(fixture: &str, a: &Analysis, expected: &[&str]) {
    let unexpected: Vec<String> = a
        .findings
        .iter()
        .filter(|f| {
            is_failure(f)
                && !expected.contains(&f.id.as_str())
                && !known_false_positive(fixture, &f.id)
        })
        .map(|f| format!("{} ({}): {}", f.id, f.severity.as_str(), f.summary))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{fixture}: unexpected failure findings:\n  {}",
        unexpected.join("\n  ")
    );
    for id in expected {
        find(a, id);
    }
    assert_known_still_there(fixture, a);
    assert!(a.problems.is_empty(), "{fixture}: {:?}", a.problems);
}

fn event_reasons(f: &Finding) -> Vec<&str> {
    f.events.iter().map(|e| e.reason.as_str()).collect()
}

#[test]
fn realdata_aks_crash_loops_found() {
    let Some(a) = realdata("aks") else { return };
    let autoscaler =
        "crash-loop-backoff:Pod/kube-system/coredns-autoscaler-6d7bd69669-nmpz2/autoscaler";
    let dashboard = "crash-loop-backoff:Pod/kube-system/kubernetes-dashboard-7f7676f7b5-65j6w/kubernetes-dashboard";
    let tunnel = "frequent-restarts:Pod/kube-system/tunnelfront-6869944cf6-j2zsk/tunnel-front";
    assert_only_failures(
        "realdata-aks",
        &a,
        &[
            autoscaler,
            dashboard,
            "workload-unavailable:Deployment/kube-system/coredns-autoscaler",
            "workload-unavailable:Deployment/kube-system/kubernetes-dashboard",
            "service-no-ready-endpoints:Service/kube-system/kubernetes-dashboard",
            tunnel,
        ],
    );
    for id in [autoscaler, dashboard] {
        let f = find(&a, id);
        assert_eq!(f.severity, Severity::Critical, "{id}");
        assert!(f.summary.contains("last exit code 2"), "{}", f.summary);
        assert!(
            event_reasons(f).contains(&"BackOff"),
            "{id}: {:?}",
            event_reasons(f)
        );
    }
    // The liveness probe failures (HTTP 500; an empty message) are shown with the failures.
    assert!(event_reasons(find(&a, autoscaler)).contains(&"Unhealthy"));
    let t = find(&a, tunnel);
    assert_eq!(t.facts["last_exit_code"], 137);
    assert!(event_reasons(t).contains(&"Unhealthy"));
    // The stale log folders (pods no longer listed) and the default namespace's events raise
    // nothing.
    assert!(a
        .findings
        .iter()
        .all(|f| !f.subject.name.contains("spnq4") && !f.subject.name.contains("xhfw6")));
}

#[test]
fn realdata_minikube_multi_events_of_deleted_pods_are_not_current_failures() {
    let Some(a) = realdata("minikube-multi") else {
        return;
    };
    // The default namespace has no pods and no workloads any more: its FailedScheduling,
    // OutOfcpu and `secret "pgpassword" not found` events are about deleted pods. They are
    // history, not current failures: info at most (see
    // `history_of_deleted_pods_is_reported_as_info`).
    assert_only_failures("realdata-minikube-multi", &a, &[]);
    assert!(a
        .findings
        .iter()
        .filter(|f| f.subject.namespace.as_deref() == Some("default"))
        .all(|f| f.severity == Severity::Info && f.rule == "warning-events"));
}

#[test]
fn realdata_rke2_succeeded_helm_installs_not_flagged() {
    let Some(a) = realdata("rke2") else { return };
    assert_only_failures("realdata-rke2", &a, &[]);
    // The 7 helm-install pods are Succeeded (Ready=False PodCompleted): nothing about them.
    let helm: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.subject.name.starts_with("helm-install-"))
        .collect();
    assert!(
        helm.is_empty(),
        "{:?}",
        helm.iter().map(|f| &f.id).collect::<Vec<_>>()
    );
    // Restarts from the reboot (Unknown, exit 255) are info.
    let reboot = find(
        &a,
        "frequent-restarts:Pod/kube-system/cilium-qh8nw/cilium-agent",
    );
    assert_eq!(reboot.severity, Severity::Info);
}

#[test]
fn realdata_kind_bootstrap_scheduling_is_history() {
    let Some(a) = realdata("kind-keycloak") else {
        return;
    };
    // FailedScheduling (untolerated taint node.kubernetes.io/not-ready) at 22:35:54 for the
    // CoreDNS pods, which are Ready since 22:36:02: history of the bootstrap.
    assert_only_failures("realdata-kind-keycloak", &a, &[]);
    assert!(a.findings.iter().all(|f| f.rule != "pod-unschedulable"));
}

#[test]
fn realdata_utf16_minikube_problems_found() {
    let Some(a) = realdata("utf16-minikube") else {
        return;
    };
    let hpas = ["all-details-ms", "scores-ms", "student-ms"]
        .map(|n| format!("warning-events:HorizontalPodAutoscaler/default/{n}"));
    let mut expected: Vec<&str> = hpas.iter().map(String::as_str).collect();
    let metrics =
        "frequent-restarts:Pod/kube-system/metrics-server-84f9b77d49-48kxx/metrics-server";
    expected.push(metrics);
    assert_only_failures("realdata-utf16-minikube", &a, &expected);
    // The HPAs keep failing: their Deployments are gone (FailedGetScale) and metrics were
    // unavailable while metrics-server restarted.
    for id in &hpas {
        let reasons = event_reasons(find(&a, id));
        assert!(
            reasons.contains(&"FailedGetScale") && reasons.contains(&"FailedGetResourceMetric"),
            "{id}: {reasons:?}"
        );
    }
    // The image pull failures (`manifest … not found`) are about pods that no longer exist:
    // no current finding claims them, only info history.
    assert!(a.findings.iter().all(|f| f.rule != "image-pull-failure"));
    assert!(a
        .findings
        .iter()
        .filter(|f| f.subject.name.starts_with("student-ms-55b68f4f79"))
        .all(|f| f.severity == Severity::Info));
}

/// Events are the only trace of pods deleted before the dump. They are not current failures,
/// but a post-mortem should still tell them, as info: minikube-multi's FailedScheduling
/// (Insufficient cpu) / OutOfcpu / `secret "pgpassword" not found`, and utf16-minikube's pull
/// failures of `kiranbs13/studentmicro:va1`. `warning-events` reports them as info, under the
/// workload the pod's name points to.
#[test]
fn history_of_deleted_pods_is_reported_as_info() {
    let mentions = |a: &Analysis, text: &str| {
        a.findings.iter().any(|f| {
            f.severity == Severity::Info
                && (f.summary.contains(text)
                    || f.explanation.contains(text)
                    || f.events.iter().any(|e| e.message.contains(text)))
        })
    };
    if let Some(a) = realdata("minikube-multi") {
        assert!(mentions(&a, "pgpassword"));
        assert!(mentions(&a, "Insufficient cpu"));
        assert_only_failures("realdata-minikube-multi", &a, &[]);
    }
    if let Some(a) = realdata("utf16-minikube") {
        assert!(mentions(&a, "kiranbs13/studentmicro:va1"));
    }
}

/// `coroner report` scans every log while reading it (`LoadOptions::scan`) and the analysis
/// reuses that scan; `analyze` on a plainly loaded dump scans the logs itself. Both must give
/// the same findings, byte for byte.
#[test]
fn scan_during_ingest_finds_what_a_separate_scan_finds() {
    let mut hits = 0;
    for path in [demo_dump(), edge_dump().to_path_buf()] {
        let separate = analysis_of(&path);
        let opts = coroner::LoadOptions {
            scan: Some(coroner::dump::ScanSetup {
                catalog: None,
                options: analyze::context::scan_options(),
            }),
            ..Default::default()
        };
        let dump = coroner::load(&path, opts).unwrap();
        let scans = dump.log_scans.as_ref().expect("scanned while reading");
        assert_eq!(scans.scan.sections.len(), dump.logs.len());
        hits += scans
            .scan
            .sections
            .iter()
            .map(|s| s.hits.len())
            .sum::<usize>();
        let ix = coroner::DumpIndex::build(dump);
        let fused = analyze::analyze(&ix);
        assert_eq!(
            serde_json::to_string_pretty(&fused.findings).unwrap(),
            serde_json::to_string_pretty(&separate.findings).unwrap(),
            "{}",
            path.display()
        );
    }
    assert!(hits > 0, "the fixtures' logs hold signatures");
}
