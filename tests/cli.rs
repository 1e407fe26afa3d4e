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
        "nodes", "pods", "containers", "events", "services", "deployments", "replicasets",
        "daemonsets", "replicationcontrollers", "container_logs", "container_log_errors",
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
    for needle in ["layout:", "kubectl:", "1.32 or later", "snapshot:", "namespaces:", "log fetch errors", "inputs:"] {
        assert!(r.stdout.contains(needle), "{needle} in\n{}", r.stdout);
    }
}
