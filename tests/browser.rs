//! The HTML report in a real browser (issue 5): Debian's headless Chromium,
//! driven by playwright-core from `tests/browser/check.mjs`, opens reports
//! from disk (file://) and reports what it saw as JSON; this module makes
//! the reports and asserts on that JSON.
//!
//! Pages, all checked in one browser launch:
//! * `demo`: the report of `testdata/demo/dump` (a real kubectl dump): no
//!   console error, page error or request other than the file itself; the
//!   incidents and the timeline chart are there; the workload filter and
//!   sorting work; readable with JavaScript off; a dark colour scheme.
//! * `hostile`: the report of a dump that real kubectl wrote from a fixture
//!   full of `<script>`, `"><img onerror>`, `javascript:` links and Markdown
//!   injection (pod name, labels, annotations, container names, event
//!   messages, a node condition, log lines): no dialog, no script ran (even
//!   with the CSP bypassed), no injected element, the payloads are text.
//! * `canary`: a deliberately bad page, to prove the harness would notice a
//!   request, a dialog, an injected element and a script that ran.
//!
//! Needs node, `npm ci --prefix tests/browser` (playwright-core only) and
//! `/usr/bin/chromium` (or `$CHROMIUM`). Without them the test says how to
//! get them and passes, except under CI (env CI set), where it fails.
//! A person can look at a report with `node tests/browser/screenshot.mjs`.

use crate::fakeapi::{self, DumpMode, FakeApi, LogReply};
use crate::util;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The global every payload tries to set; the page must never get it.
const MARKER: &str = "__coroner_pwned";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Whether node, playwright-core and Chromium are here. Missing pieces are
/// a loud skip on a developer's machine and a failure under CI.
fn browser_ready() -> bool {
    let mut missing = Vec::new();
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !node_ok {
        missing.push("node (Debian: apt-get install -y nodejs npm)".to_string());
    }
    if !browser_dir()
        .join("node_modules/playwright-core/package.json")
        .exists()
    {
        missing.push(format!(
            "playwright-core in {}/node_modules: run `npm ci --prefix tests/browser` in the checkout",
            browser_dir().display()
        ));
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(format!(
            "{chromium}: apt-get install -y chromium (or set CHROMIUM)"
        ));
    }
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "\n\n*** The browser tests cannot run; missing:\n  - {}\n*** Install with:\n    apt-get install -y chromium\n    npm ci --prefix tests/browser\n",
        missing.join("\n  - ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}*** CI is set, so this is a failure. ***\n");
    }
    eprintln!("{msg}*** SKIPPED (CI is not set). ***\n");
    false
}

// ---------------------------------------------------------------------------------------------
// The hostile fixture
// ---------------------------------------------------------------------------------------------

const P_SCRIPT: &str = "<script>window.__coroner_pwned=1;alert(1)</script>";
/// No `/` in it, so it can be a pod name kubectl will request (and write a
/// folder for).
const P_IMG: &str = "\"><img src=x onerror=window.__coroner_pwned=2;alert(2)>";
const P_SVG: &str = "'><svg onload=window.__coroner_pwned=3;alert(3)>";
const P_MDLINK: &str = "[click me](javascript:window.__coroner_pwned=4)";
const P_DETAILS: &str = "</details></summary><script>window.__coroner_pwned=5</script>";
const P_JSURL: &str = "javascript:window.__coroner_pwned=6";
const P_IFRAME: &str = "<iframe src=javascript:alert(7)></iframe>";

/// A pod named with a payload: kubectl requests its log, which the fake
/// server cannot find (the name is no valid path segment), so its status,
/// events and name carry the payloads. coroner rightly refuses log blocks
/// whose names hold spaces, so the log payloads go to a plainly named pod.
fn hostile_pod_name() -> String {
    format!("web-{P_IMG}")
}
fn hostile_container() -> String {
    format!("web{P_SVG}")
}
/// The pod and container whose log carries the payloads.
const LOG_POD: &str = "api-7d9c6b5f4-h0st1";
const LOG_CONTAINER: &str = "api";
const INIT_CONTAINER: &str = "init";
/// One line of [`hostile_log`] the report must show as text.
fn log_line() -> String {
    format!("2025-06-01T11:50:01Z config: {P_SCRIPT}")
}

/// The log of the crash-looping container: every payload, a line that
/// tries to close the Markdown fence, and one that tries to close `<details>`.
fn hostile_log() -> String {
    [
        "2025-06-01T11:50:00Z starting api".to_string(),
        log_line(),
        format!("2025-06-01T11:50:01Z user-agent {P_IMG}"),
        format!("2025-06-01T11:50:01Z see {P_MDLINK}"),
        "```".to_string(),
        P_DETAILS.to_string(),
        "<img src=x onerror=window.__coroner_pwned=8>".to_string(),
        "~~~".to_string(),
        format!("2025-06-01T11:50:02Z redirect {P_JSURL} {P_IFRAME}"),
        format!("panic: {P_SCRIPT}"),
        "goroutine 1 [running]:".to_string(),
    ]
    .join("\n")
        + "\n"
}

fn pod(
    name: &str,
    node: &str,
    labels: Value,
    annotations: Value,
    containers: Value,
    init: Value,
    status: Value,
) -> Value {
    json!({
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": fakeapi::uid_for(&format!("pod/{name}")),
            "resourceVersion": "9001",
            "creationTimestamp": "2025-06-01T11:00:00Z",
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{name}-rs"),
                "uid": fakeapi::uid_for(&format!("rs/{name}")), "controller": true, "blockOwnerDeletion": true
            }]
        },
        "spec": {
            "initContainers": init,
            "containers": containers,
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "nodeName": node,
            "schedulerName": "default-scheduler"
        },
        "status": status
    })
}

fn crash_status(container: &str, image: &str, message: &str, restarts: u32) -> Value {
    json!({
        "name": container,
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off 5m0s restarting failed container={container} {message}")}},
        "lastState": {"terminated": {
            "exitCode": 2, "reason": "Error", "message": message,
            "startedAt": "2025-06-01T11:50:00Z", "finishedAt": "2025-06-01T11:50:02Z",
            "containerID": format!("containerd://{}", "ab".repeat(32))
        }},
        "ready": false,
        "restartCount": restarts,
        "image": image,
        "imageID": format!("{image}@sha256:{}", "cd".repeat(32)),
        "containerID": format!("containerd://{}", "ab".repeat(32)),
        "started": false
    })
}

fn pod_conditions(ready: bool, msg: &str) -> Value {
    let r = if ready { "True" } else { "False" };
    json!([
        {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2025-06-01T11:00:01Z"},
        {"type": "Ready", "status": r, "lastProbeTime": null, "lastTransitionTime": "2025-06-01T11:00:05Z", "reason": "ContainersNotReady", "message": msg},
        {"type": "ContainersReady", "status": r, "lastProbeTime": null, "lastTransitionTime": "2025-06-01T11:00:05Z", "reason": "ContainersNotReady", "message": msg},
        {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2025-06-01T11:00:00Z"}
    ])
}

fn event(
    n: u32,
    kind: &str,
    name: &str,
    field_path: Option<&str>,
    reason: &str,
    message: &str,
    count: u32,
) -> Value {
    let mut involved = json!({"kind": kind, "namespace": "default", "name": name, "apiVersion": "v1",
        "uid": fakeapi::uid_for(&format!("pod/{name}"))});
    if let Some(fp) = field_path {
        involved["fieldPath"] = json!(fp);
    }
    json!({
        "metadata": {"name": format!("hostile.{n:016x}"), "namespace": "default",
            "uid": fakeapi::uid_for(&format!("event/{n}")), "resourceVersion": format!("{}", 9100 + n),
            "creationTimestamp": "2025-06-01T11:10:00Z"},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "source": {"component": "kubelet", "host": format!("node-{P_SCRIPT}")},
        "firstTimestamp": "2025-06-01T11:10:00Z",
        "lastTimestamp": format!("2025-06-01T11:{:02}:00Z", 40 + n),
        "count": count,
        "type": "Warning",
        "eventTime": null,
        "reportingComponent": "kubelet",
        "reportingInstance": ""
    })
}

/// The tiny cluster plus a broken node and two crash-looping pods whose
/// every dump-controlled string carries a payload.
fn hostile_fixture() -> fakeapi::Fixture {
    let mut fx = crate::scenario::tiny();
    // A second node, NotReady, with a payload in its condition message.
    let mut n2 = fx.nodes[0].clone();
    n2["metadata"]["name"] = json!("node-2");
    n2["metadata"]["uid"] = json!(fakeapi::uid_for("node/node-2"));
    n2["metadata"]["labels"]["kubernetes.io/hostname"] = json!("node-2");
    n2["metadata"]["annotations"]["hostile"] = json!(P_SCRIPT);
    n2["status"]["addresses"] = json!([{"type": "InternalIP", "address": "10.0.0.12"}, {"type": "Hostname", "address": "node-2"}]);
    for c in n2["status"]["conditions"].as_array_mut().unwrap() {
        if c["type"] == "Ready" {
            c["status"] = json!("False");
            c["reason"] = json!("KubeletNotReady");
            c["message"] = json!(format!("container runtime is down: {P_SCRIPT} {P_IMG}"));
            c["lastTransitionTime"] = json!("2025-06-01T11:30:00Z");
        }
    }
    n2["spec"]["taints"] = json!([{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule", "timeAdded": "2025-06-01T11:30:00Z"}]);
    fx.nodes.push(n2);

    let labels = json!({"app": P_SCRIPT, "tier": P_IMG, "docs": P_JSURL});
    let annotations = json!({"note": format!("{P_MDLINK} {P_DETAILS}"), "kubectl.kubernetes.io/last-applied-configuration": P_SVG});
    let image = "ghcr.io/acme/api:1.0";

    // Pod 1: the name is the payload.
    let name1 = hostile_pod_name();
    let c1 = hostile_container();
    let c1 = c1.as_str();
    let term1 = format!("fatal: {P_SCRIPT} {P_MDLINK}");
    let p1 = pod(
        &name1,
        "node-1",
        labels.clone(),
        annotations.clone(),
        json!([{"name": c1, "image": image, "resources": {}, "terminationMessagePolicy": "FallbackToLogsOnError", "imagePullPolicy": "IfNotPresent"}]),
        json!([]),
        json!({
            "phase": "Running",
            "conditions": pod_conditions(false, &format!("containers with unready status: [{c1}]")),
            "hostIP": "10.0.0.11", "podIP": "10.244.0.9", "startTime": "2025-06-01T11:00:00Z",
            "containerStatuses": [crash_status(c1, image, &term1, 11)],
            "qosClass": "BestEffort"
        }),
    );

    // Pod 2: plain names (so coroner reads its log blocks), a payload log.
    let (c2, ic) = (LOG_CONTAINER, INIT_CONTAINER);
    let term2 = format!("panic: {P_IMG}");
    let mut init_status = crash_status(ic, image, "ok", 0);
    init_status["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2025-06-01T11:00:01Z", "finishedAt": "2025-06-01T11:00:02Z"}});
    init_status["lastState"] = json!({});
    init_status["ready"] = json!(true);
    let p2 = pod(
        LOG_POD,
        "node-1",
        labels,
        annotations,
        json!([{"name": c2, "image": image, "resources": {"limits": {"memory": "64Mi"}}, "terminationMessagePolicy": "FallbackToLogsOnError", "imagePullPolicy": "IfNotPresent"}]),
        json!([{"name": ic, "image": image, "resources": {}, "imagePullPolicy": "IfNotPresent"}]),
        json!({
            "phase": "Running",
            "conditions": pod_conditions(false, &format!("containers with unready status: [{c2}]")),
            "hostIP": "10.0.0.11", "podIP": "10.244.0.10", "startTime": "2025-06-01T11:00:00Z",
            "initContainerStatuses": [init_status],
            "containerStatuses": [crash_status(c2, image, &term2, 14)],
            "qosClass": "Burstable"
        }),
    );

    let ns = fx.namespace_mut("default").expect("tiny has default");
    ns.pods.push(p1);
    ns.pods.push(p2);
    ns.events.push(event(
        1,
        "Pod",
        &name1,
        Some(&format!("spec.containers{{{c1}}}")),
        "BackOff",
        &format!("Back-off restarting failed container {c1}: {P_SCRIPT}"),
        40,
    ));
    ns.events.push(event(
        2,
        "Pod",
        LOG_POD,
        Some(&format!("spec.containers{{{c2}}}")),
        "BackOff",
        &format!("Back-off restarting failed container {c2} | a | b | {P_MDLINK}\n{P_IMG}"),
        60,
    ));
    ns.events.push(event(
        3,
        "Pod",
        LOG_POD,
        None,
        format!("Failed{P_SVG}").as_str(),
        &format!("{P_DETAILS} {P_IFRAME} {P_JSURL}"),
        3,
    ));
    fx.set_log(
        "default",
        LOG_POD,
        c2,
        LogReply::Body(hostile_log().into_bytes()),
    );
    fx.set_log(
        "default",
        LOG_POD,
        ic,
        LogReply::Body(format!("init {P_SCRIPT}\n").into_bytes()),
    );
    fx
}

struct Hostile {
    _dir: tempfile::TempDir,
    html: PathBuf,
    md: PathBuf,
}

/// Real kubectl dumps the hostile fixture; coroner renders HTML and
/// Markdown from it. Made once per test run.
fn hostile() -> &'static Hostile {
    static H: OnceLock<Hostile> = OnceLock::new();
    H.get_or_init(|| {
        util::require_kubectl();
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("dump");
        let api = FakeApi::start(hostile_fixture(), crate::scenario::DEMO_SERVER_VERSION);
        fakeapi::kubectl_dump(&api.url(), DumpMode::Dir, None, &dump)
            .unwrap_or_else(|e| panic!("kubectl dump of the hostile fixture: {e}"));
        drop(api);
        let html = dir.path().join("hostile.html");
        let md = dir.path().join("hostile.md");
        for out in [&html, &md] {
            let r = util::run(&[
                "report",
                dump.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ]);
            assert_eq!(
                r.code,
                0,
                "coroner report -o {}: {}",
                out.display(),
                r.stderr
            );
        }
        Hostile {
            _dir: dir,
            html,
            md,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Markdown (no browser needed)
// ---------------------------------------------------------------------------------------------

/// Markdown outside fenced code blocks and code spans: where GitHub would
/// interpret HTML and links. `None` when a fence is never closed.
fn markdown_prose(md: &str) -> Option<String> {
    let mut prose = String::new();
    let mut fence: Option<(char, usize)> = None;
    for line in md.lines() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let run = |c: char| t.chars().take_while(|x| *x == c).count();
        match fence {
            Some((c, n)) => {
                if indent < 4 && run(c) >= n && t.trim_start_matches(c).trim().is_empty() {
                    fence = None;
                }
            }
            None => {
                let (bt, tl) = (run('`'), run('~'));
                if indent < 4 && (bt >= 3 || tl >= 3) {
                    fence = Some(if bt >= 3 { ('`', bt) } else { ('~', tl) });
                    continue;
                }
                prose.push_str(&strip_code_spans(line));
                prose.push('\n');
            }
        }
    }
    fence.is_none().then_some(prose)
}

/// Removes `code spans` (CommonMark: a backtick run closed by one as long).
fn strip_code_spans(line: &str) -> String {
    let b: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '`' && (i == 0 || b[i - 1] != '\\') {
            let n = b[i..].iter().take_while(|c| **c == '`').count();
            let mut j = i + n;
            let mut closed = None;
            while j < b.len() {
                if b[j] == '`' {
                    let m = b[j..].iter().take_while(|c| **c == '`').count();
                    if m == n {
                        closed = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            if let Some(end) = closed {
                out.push_str("CODE");
                i = end;
                continue;
            }
            out.extend(&b[i..i + n]);
            i += n;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// What in a Markdown report GitHub would turn into live HTML or links:
/// any tag but the template's own balanced `<details>`/`<summary>`, a link
/// `[..](..)` or an autolink, outside code. Empty when safe.
fn markdown_problems(md: &str) -> Vec<String> {
    let Some(prose) = markdown_prose(md) else {
        return vec!["the Markdown ends inside a fenced code block".into()];
    };
    let around = |s: &str| s.chars().take(80).collect::<String>();
    let mut problems = Vec::new();
    let allowed = ["<details>", "</details>", "<summary>", "</summary>"];
    let mut depth = 0i32;
    for (i, _) in prose.match_indices('<') {
        let tail = &prose[i..];
        let next = tail[1..].chars().next().unwrap_or(' ');
        if !(next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?')) {
            continue;
        }
        match allowed.iter().find(|t| tail.starts_with(**t)) {
            Some(&"<details>") => depth += 1,
            Some(&"</details>") => depth -= 1,
            Some(_) => {}
            None => problems.push(format!("raw HTML outside code: {:?}", around(tail))),
        }
        if depth < 0 {
            problems.push(format!(
                "a </details> closes more than was opened: {:?}",
                around(tail)
            ));
            depth = 0;
        }
    }
    if depth != 0 {
        problems.push("<details> and </details> are unbalanced".into());
    }
    // Every `](` must follow an escaped `\]`, or it is a live link.
    for (i, _) in prose.match_indices("](") {
        if !prose[..i].ends_with('\\') {
            let from = prose[..i]
                .char_indices()
                .rev()
                .nth(40)
                .map_or(0, |(k, _)| k);
            problems.push(format!(
                "a Markdown link outside code: {:?}",
                around(&prose[from..])
            ));
        }
    }
    problems
}

#[test]
fn markdown_checker_finds_live_html_and_links() {
    let bad =
        "# t\n<img src=x onerror=alert(1)>\n[x](javascript:alert(1))\n</details>\n```\nunclosed";
    let p = markdown_problems(bad);
    assert_eq!(p.len(), 1, "{p:?}");
    let bad = "# t\n<img src=x onerror=alert(1)>\n[x](javascript:alert(1))\n</details>\n";
    let p = markdown_problems(bad).join("\n");
    assert!(p.contains("raw HTML outside code: \"<img"), "{p}");
    assert!(p.contains("a Markdown link outside code"), "{p}");
    assert!(p.contains("closes more than was opened"), "{p}");
    let good = "<details><summary>Log</summary>\n\n````text\n<script>x</script>\n```\n</details>\n````\n\n</details>\n\\[x\\](javascript:y) `<img>` &lt;b&gt;\n";
    assert_eq!(markdown_problems(good), Vec::<String>::new());
}

#[test]
fn hostile_markdown_has_no_live_html_or_links() {
    let h = hostile();
    let md = std::fs::read_to_string(&h.md).unwrap();
    let problems = markdown_problems(&md);
    assert!(
        problems.is_empty(),
        "the Markdown report would run or link something on GitHub:\n  {}\n--- markdown ---\n{md}",
        problems.join("\n  ")
    );
    // The payloads did get in, as escaped text.
    assert!(
        md.contains("&lt;script&gt;"),
        "no escaped <script> in the Markdown: the payloads never reached it?\n{md}"
    );
    assert!(
        md.contains("\\[click me\\](javascript:"),
        "the Markdown link payload is not escaped as text\n{md}"
    );
    assert!(
        md.contains(&log_line()),
        "the log excerpt (in a code fence, where it is inert) is missing\n{md}"
    );
}

#[test]
fn hostile_html_source_has_payloads_only_escaped() {
    let h = hostile();
    let html = std::fs::read_to_string(&h.html).unwrap();
    for p in [
        P_SCRIPT,
        P_IMG,
        P_SVG,
        P_DETAILS,
        P_IFRAME,
        "<img src=x",
        "onerror=window",
    ] {
        let raw = html.contains(p) && p.contains('<');
        assert!(!raw, "the HTML holds the raw payload {p:?}");
    }
    assert_eq!(
        html.matches("<script").count(),
        1,
        "exactly one <script> element in the HTML source"
    );
    assert!(
        html.contains("&lt;script&gt;window.__coroner_pwned=1"),
        "the payload reached the page, escaped"
    );
}

// ---------------------------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------------------------

/// A page that breaks every rule, to prove check.mjs notices.
const CANARY: &str = r#"<!doctype html><html><head><meta charset="utf-8"><title>canary</title><style>body{}</style></head>
<body><section id="incidents"></section>
<img src="http://192.0.2.1/pixel.png" alt="">
<script>
window.__coroner_pwned = "canary";
alert("canary");
fetch("https://192.0.2.1/beacon").catch(function () {});
try { new WebSocket("ws://127.0.0.1:9/"); } catch (e) {}
console.error("canary console error");
</script>
</body></html>
"#;

fn run_check(spec: &Value, dir: &Path) -> Value {
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, serde_json::to_vec_pretty(spec).unwrap()).unwrap();
    let started = std::time::Instant::now();
    let out = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .arg("--spec")
        .arg(&spec_path)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 0: all generic checks hold, 1: some failed (listed), 2: could not run.
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "check.mjs could not run (exit {code}):\n{stderr}\n{stdout}"
    );
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check.mjs printed no JSON ({e}):\n{stdout}\n{stderr}"));
    eprintln!(
        "browser check: {} in {:.1} s ({} ms in node)",
        v["browser_version"],
        started.elapsed().as_secs_f64(),
        v["elapsed_ms"]
    );
    std::fs::write(dir.join("check.json"), stdout.as_bytes()).unwrap();
    keep(dir);
    v
}

/// With `CORONER_BROWSER_KEEP=DIR`, copies the reports, the spec and
/// check.mjs's JSON there, to look at after the run (screenshot.mjs).
fn keep(dir: &Path) {
    let Some(to) = std::env::var_os("CORONER_BROWSER_KEEP") else {
        return;
    };
    let to = PathBuf::from(to);
    std::fs::create_dir_all(&to).unwrap();
    for name in ["demo.html", "canary.html", "spec.json", "check.json"] {
        let _ = std::fs::copy(dir.join(name), to.join(name));
    }
    let h = hostile();
    std::fs::copy(&h.html, to.join("hostile.html")).unwrap();
    std::fs::copy(&h.md, to.join("hostile.md")).unwrap();
    eprintln!(
        "browser check: reports and results kept in {}",
        to.display()
    );
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn is_sorted_by<T: PartialOrd>(v: &[T], desc: bool) -> bool {
    v.windows(2)
        .all(|w| if desc { w[0] >= w[1] } else { w[0] <= w[1] })
}

#[test]
fn report_in_headless_chromium() {
    if !browser_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let demo_dump = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo/dump");
    let demo = dir.path().join("demo.html");
    let r = util::run(&[
        "report",
        demo_dump.to_str().unwrap(),
        "-o",
        demo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "coroner report: {}", r.stderr);
    let h = hostile();
    let canary = dir.path().join("canary.html");
    std::fs::write(&canary, CANARY).unwrap();

    // Text the hostile page must show (as text) somewhere.
    let texts = [
        hostile_pod_name(),
        format!(
            "Back-off restarting failed container {}: {P_SCRIPT}",
            hostile_container()
        ),
        log_line(),
        P_SCRIPT.to_string(),
        P_IMG.to_string(),
    ];
    let spec = json!({"pages": [
        {"name": "demo", "path": demo, "filter": "cart", "sort": ["name", "desired"], "views": ["main", "nojs"]},
        {"name": "hostile", "path": h.html, "marker": MARKER, "texts": texts, "views": ["main", "nocsp"]},
        {"name": "canary", "path": canary, "marker": MARKER, "views": ["main"]},
    ]});
    let v = run_check(&spec, dir.path());
    let failures = strs(&v["failures"]);
    let (canary_f, real_f): (Vec<_>, Vec<_>) =
        failures.iter().partition(|f| f.starts_with("canary/"));
    let report = || {
        format!(
            "\nfull result: {}",
            serde_json::to_string_pretty(&v)
                .unwrap()
                .chars()
                .take(20_000)
                .collect::<String>()
        )
    };

    // The harness notices what it must (else a green run proves nothing).
    for want in [
        "canary/main: request attempted: image http://192.0.2.1/pixel.png",
        "canary/main: request attempted: fetch https://192.0.2.1/beacon",
        "canary/main: WebSocket opened: ws://127.0.0.1:9/",
        "canary/main: a alert dialog opened: canary",
        "canary/main: console error: canary console error",
        "canary/main: window.__coroner_pwned = canary: an injected script ran",
        "canary/main: 1 unexpected img element(s)",
    ] {
        assert!(
            canary_f.iter().any(|f| f.starts_with(want)),
            "check.mjs missed {want:?} on the canary page; it reported {canary_f:#?}"
        );
    }

    // (1) no console error, no page error; (2) no request but the document,
    // no WebSocket; hostile: no dialog, no marker, no injected element.
    assert!(
        real_f.is_empty(),
        "the browser saw problems:\n  {}\n{}",
        real_f
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        report()
    );
    for (page, views) in [
        ("demo", &["main", "nojs"][..]),
        ("hostile", &["main", "nocsp"][..]),
    ] {
        for view in views {
            let w = &v["pages"][page]["views"][view];
            let reqs = w["requests"].as_array().unwrap();
            let url = v["pages"][page]["url"].as_str().unwrap();
            assert!(url.starts_with("file://"), "{url}");
            for r in reqs {
                let u = r["url"].as_str().unwrap_or_default().to_ascii_lowercase();
                assert!(
                    !["http:", "https:", "ws:", "wss:", "ftp:"]
                        .iter()
                        .any(|p| u.starts_with(p)),
                    "{page}/{view}: a network request: {r}"
                );
            }
            assert_eq!(reqs.len(), 1, "{page}/{view}: requests {reqs:?}");
            assert_eq!(reqs[0]["url"], url);
            assert!(
                w["aborted"].as_array().unwrap().is_empty(),
                "{page}/{view}: {}",
                w["aborted"]
            );
            assert!(w["websockets"].as_array().unwrap().is_empty());
            let errors: Vec<&Value> = w["console"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["type"] == "error")
                .collect();
            assert!(
                errors.is_empty(),
                "{page}/{view}: console errors {errors:?}"
            );
            assert!(
                w["page_errors"].as_array().unwrap().is_empty(),
                "{page}/{view}: {}",
                w["page_errors"]
            );
        }
    }

    // (3) the incidents and the chart are in the rendered page.
    let main = &v["pages"]["demo"]["views"]["main"];
    let dom = &main["dom"];
    let csp = dom["csp"].as_str().unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "CSP: {csp}");
    let incidents = dom["incidents"].as_array().unwrap();
    assert!(
        !incidents.is_empty(),
        "no #incidents article.incident{}",
        report()
    );
    assert!(
        incidents.iter().all(|i| i["visible"] == true),
        "an incident is not visible: {incidents:?}"
    );
    let first = &incidents[0];
    let first_title = first["title"].as_str().unwrap_or_default();
    assert!(
        first_title.contains("CrashLoopBackOff")
            || first["badge"] == "critical"
            || first["class"]
                .as_str()
                .unwrap_or("")
                .contains("sev-critical"),
        "the first incident is neither critical nor a CrashLoopBackOff: {first}"
    );
    assert!(
        incidents
            .iter()
            .any(|i| i["title"].as_str().unwrap_or("").contains("shop/cart")),
        "no incident about shop/cart (the demo's Go panic crash loop): {incidents:#?}"
    );
    let tl = &dom["timeline"];
    assert!(tl.is_object(), "no svg.timeline in the page");
    assert!(
        tl["marks"].as_u64().unwrap() > 0 && tl["circles"].as_u64().unwrap() > 0,
        "the timeline has no marks: {tl}"
    );
    assert!(
        tl["lanes"].as_u64().unwrap() > 0 && tl["snapshot_line"] == true,
        "the timeline has no lanes or snapshot line: {tl}"
    );
    assert!(
        tl["visible"] == true && tl["width"].as_u64().unwrap() > 300,
        "the timeline is not drawn: {tl}"
    );

    // Good on a laptop screen: nothing sticks out sideways at 1280 px.
    assert_eq!(
        dom["overflow_x"], 0,
        "the page scrolls sideways at 1280 px: {}",
        dom["overflowing"]
    );

    // (4) the workload filter and sorting.
    let f = &main["filter"];
    assert_eq!(
        f["input_visible"], true,
        "#wl-filter is not shown with JavaScript on: {f}"
    );
    let total = f["before"]["total"].as_u64().unwrap();
    let shown = f["filtered"]["visible"].as_u64().unwrap();
    assert!(
        total > 1 && f["before"]["visible"] == total,
        "before filtering, all rows show: {f}"
    );
    assert!(
        shown >= 1 && shown < total,
        "filtering on 'cart' shows {shown} of {total}: {f}"
    );
    assert_eq!(
        f["filtered"]["visible_not_matching"], 0,
        "a row without 'cart' stays visible: {f}"
    );
    assert_eq!(
        f["filtered"]["hidden_matching"], 0,
        "a row with 'cart' was hidden: {f}"
    );
    assert!(
        strs(&f["filtered"]["visible_rows"])
            .iter()
            .any(|r| r.contains("cart")),
        "{f}"
    );
    let count = f["filtered"]["count_text"].as_str().unwrap();
    assert!(
        count.starts_with(&format!("{shown} of {total}")),
        "#wl-count says {count:?} for {shown} of {total}"
    );
    assert_eq!(
        f["none"], 0,
        "a query matching nothing hides every row: {f}"
    );
    assert!(
        f["none_count_text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("0 of {total}")),
        "{f}"
    );
    assert_eq!(
        f["cleared"]["visible"], total,
        "clearing the filter shows every row again: {f}"
    );
    assert!(
        f["cleared"]["count_text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{total} of {total}")),
        "{f}"
    );

    let sorts = main["sort"].as_array().unwrap();
    let name = &sorts[0];
    assert_eq!(name["found"], true, "no 'name' header: {name}");
    let asc: Vec<String> = strs(&name["first"]["values"])
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let desc: Vec<String> = strs(&name["second"]["values"])
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    assert_eq!(name["first"]["aria_sort"], "ascending", "{name}");
    assert_eq!(name["second"]["aria_sort"], "descending", "{name}");
    assert!(
        is_sorted_by(&asc, false),
        "one click on 'name' sorts ascending: {asc:?}"
    );
    assert!(
        is_sorted_by(&desc, true),
        "a second click sorts descending: {desc:?}"
    );
    assert_ne!(
        strs(&name["before"]),
        strs(&name["first"]["values"]),
        "clicking 'name' did not reorder the rows"
    );
    let desired = &sorts[1];
    let num = |v: &Value| -> Vec<f64> {
        strs(v)
            .iter()
            .map(|s| {
                if s.is_empty() {
                    -1.0
                } else {
                    s.parse().unwrap()
                }
            })
            .collect()
    };
    assert!(
        is_sorted_by(&num(&desired["first"]["values"]), false),
        "'desired' sorts as numbers: {desired}"
    );
    assert!(
        is_sorted_by(&num(&desired["second"]["values"]), true),
        "'desired' sorts descending: {desired}"
    );

    // Readable without JavaScript; the filter (which needs it) is not shown.
    let nojs = &v["pages"]["demo"]["views"]["nojs"];
    let nojs_inc = nojs["dom"]["incidents"].as_array().unwrap();
    assert_eq!(
        nojs_inc.len(),
        incidents.len(),
        "JavaScript off changes the incidents"
    );
    assert!(
        nojs_inc.iter().all(|i| i["visible"] == true),
        "an incident is hidden without JavaScript"
    );
    assert_eq!(
        nojs["dom"]["js_only_visible"], false,
        "the filter shows without JavaScript, where it cannot work"
    );
    assert!(
        nojs["dom"]["timeline"]["marks"].as_u64().unwrap() > 0,
        "the chart needs JavaScript"
    );
    // Printable: the navigation goes, the incidents stay.
    assert_eq!(nojs["print"]["nav_visible"], false, "{}", nojs["print"]);
    assert_eq!(
        nojs["print"]["incidents_visible"].as_u64().unwrap() as usize,
        incidents.len(),
        "{}",
        nojs["print"]
    );

    // Dark mode: another background, dark, and text still readable.
    let light = &main["colors"];
    let dark = &main["dark_colors"];
    assert_ne!(
        light["body_background"], dark["body_background"],
        "no dark-mode style"
    );
    assert!(
        dark["body_luminance"].as_f64().unwrap() < 0.2,
        "the dark background is not dark: {dark}"
    );
    for (mode, c) in [("light", light), ("dark", dark)] {
        assert!(
            c["body_contrast"].as_f64().unwrap() >= 7.0,
            "{mode}: body text contrast {}",
            c["body_contrast"]
        );
        assert!(
            c["muted"]["contrast"].as_f64().unwrap() >= 4.5,
            "{mode}: muted text contrast {}",
            c["muted"]
        );
    }

    // (5) the hostile dump: nothing ran, nothing was injected, text shows.
    for view in ["main", "nocsp"] {
        let w = &v["pages"]["hostile"]["views"][view];
        assert!(
            w["dialogs"].as_array().unwrap().is_empty(),
            "hostile/{view}: dialogs {}",
            w["dialogs"]
        );
        assert!(
            w["dom"]["marker_value"].is_null(),
            "hostile/{view}: window.{MARKER} = {}",
            w["dom"]["marker_value"]
        );
        let e = &w["dom"]["elements"];
        assert_eq!(e["script"], 1, "hostile/{view}: {e}");
        assert_eq!(e["img"], 0, "hostile/{view}: {e}");
        assert_eq!(e["iframe"], 0, "hostile/{view}: {e}");
        assert!(
            w["dom"]["handler_attributes"]
                .as_array()
                .unwrap()
                .is_empty(),
            "hostile/{view}: {}",
            w["dom"]["handler_attributes"]
        );
        assert!(
            w["dom"]["dangerous_urls"].as_array().unwrap().is_empty(),
            "hostile/{view}: {}",
            w["dom"]["dangerous_urls"]
        );
        for (t, found) in w["texts"].as_object().unwrap() {
            assert_eq!(
                found,
                &Value::Bool(true),
                "hostile/{view}: {t:?} is not in the page as text"
            );
        }
    }
    let hostile_main = &v["pages"]["hostile"]["views"]["main"];
    assert!(
        hostile_main["dom"]["incidents"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "the hostile dump gives no incident"
    );
    assert!(hostile_main["dom_after_interaction"]["marker_value"].is_null());
}
