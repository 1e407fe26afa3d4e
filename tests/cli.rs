//! The command-line contract (CONTRACT.md): exit codes, JSON shape.

use crate::fakeapi::DumpMode;
use crate::util;

#[test]
fn inspect_json_has_the_contract_shape() {
    let made = util::kubectl_dump("demo", "1.31.4", DumpMode::Dir);
    let v = util::inspect_json(&made.path);
    assert_eq!(v["schema_version"], 1);
    for key in ["layout", "encoding", "documents", "legacy_internal"] {
        assert!(v["format"].get(key).is_some(), "format.{key}");
    }
    for key in [
        "nodes",
        "pods",
        "containers",
        "events",
        "services",
        "deployments",
        "replicasets",
        "daemonsets",
        "replicationcontrollers",
        "container_logs",
        "container_log_errors",
    ] {
        assert!(v["counts"][key].is_u64(), "counts.{key}");
    }
    assert!(v["namespaces"].is_array());
    assert!(v["problems"].is_array());
    let input = &v["inputs"][0];
    assert!(input["path"].is_string() && input["bytes"].is_u64());
    assert_eq!(input["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v["format"]["layout"], "directory");
}

#[test]
fn bad_usage_exits_2() {
    let r = util::run(&["inspect", "--format", "xml", "."]);
    assert_eq!(r.code, 2);
    let r = util::run(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[test]
fn text_inspect_names_what_matters() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let r = util::run(&["inspect", made.path.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "layout:",
        "kubectl:",
        "1.32 or later",
        "snapshot:",
        "namespaces:",
        "log fetch errors",
        "inputs:",
    ] {
        assert!(r.stdout.contains(needle), "{needle} in\n{}", r.stdout);
    }
}

#[test]
fn batch_writes_one_report_per_input_and_a_jsonl_summary() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo");
    let tiny = util::kubectl_dump("tiny", "1.31.4", DumpMode::Stdout);
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = tmp.path().join("reports");
    let summary = tmp.path().join("all.jsonl");
    let r = util::run(&[
        "report",
        demo.to_str().unwrap(),
        tiny.path.to_str().unwrap(),
        empty.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 2, "one input is not a dump: {}", r.stderr);
    assert!(
        r.stderr.contains("1 of 3 inputs could not be read"),
        "{}",
        r.stderr
    );
    assert!(out.join("demo.json").exists() && out.join("dump.json").exists());
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&summary)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let inputs: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "input").collect();
    assert_eq!(inputs.len(), 3);
    assert!(inputs[2]["error"].is_string());
    let demo_report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("demo.json")).unwrap()).unwrap();
    let demo_findings = lines
        .iter()
        .filter(|l| l["type"] == "finding" && l["input"] == demo.to_str().unwrap())
        .count();
    assert_eq!(
        demo_findings,
        demo_report["findings"].as_array().unwrap().len()
    );
    // -o with several inputs is a usage error.
    let r = util::run(&[
        "report",
        demo.to_str().unwrap(),
        demo.to_str().unwrap(),
        "-o",
        "x.html",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn fail_on_and_report_never_written_into_the_dump() {
    let made = util::kubectl_dump("demo", "1.33.1", DumpMode::Dir);
    let p = made.path.to_str().unwrap();
    assert_eq!(util::run(&["report", p, "--fail-on", "critical"]).code, 1);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r.md");
    let r = util::run(&["report", p, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("# Post-mortem"));
    let inside = made.path.join("report.html");
    let r = util::run(&["report", p, "-o", inside.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("evidence"), "{}", r.stderr);
    assert!(!inside.exists());
    // Same input, same bytes.
    let a = util::run(&["report", p, "--format", "json"]).stdout;
    let b = util::run(&["report", p, "--format", "json"]).stdout;
    assert_eq!(a, b);
}

#[test]
fn user_rules_add_and_silence_signatures() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo");
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.yaml");
    std::fs::write(
        &rules,
        "signatures:\n  - id: pricing-disabled\n    title: pricing client disabled\n    severity: critical\n    explanation: PRICING_URL is not set, so the pricing client is nil.\n    regex: 'PRICING_URL is empty'\n    literals: [PRICING_URL]\nsilence:\n  - go-panic\n",
    )
    .unwrap();
    let r = util::run(&[
        "report",
        demo.to_str().unwrap(),
        "--format",
        "json",
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let cart = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "log-error-signature" && f["container"] == "cart")
        .expect("the user signature explains cart's log");
    let text = cart.to_string();
    assert!(text.contains("pricing client disabled"), "{text}");
    assert!(
        !v.to_string().contains("\"go-panic\""),
        "go-panic is silenced"
    );

    std::fs::write(&rules, "signatures:\n  - id: Bad_Id\n    regex: '('\n").unwrap();
    let r = util::run(&[
        "report",
        demo.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line 2") || r.stderr.contains(":2"),
        "the error names the line: {}",
        r.stderr
    );
}
