//! Snapshots of the rendered reports of the demo dump (Markdown in full,
//! the JSON report), so a change in wording or shape shows in review, and
//! the Markdown size cap.

use crate::util;
use std::path::Path;

fn demo() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/demo")
        .display()
        .to_string()
}

#[test]
fn markdown_report_of_the_demo() {
    // The report names the input as the user gave it; give a path relative
    // to the checkout so the snapshot does not depend on where it lives.
    let mut cmd = util::coroner();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::null())
        .args(["report", "testdata/demo", "--format", "md"]);
    let r = util::output(cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("report-demo-md", r.stdout);
    });
}

#[test]
fn json_report_of_the_demo() {
    let r = util::run(&["report", &demo(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // The input path and file times depend on the checkout, not on coroner.
    v["input"] = "testdata/demo".into();
    v["snapshot"]["newest_file_mtime"] = "[mtime]".into();
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("report-demo-json", v);
    });
}

#[test]
fn markdown_size_cap_keeps_the_summary_and_the_worst_incidents() {
    let full = util::run(&["report", &demo(), "--format", "md"]).stdout;
    let r = util::run(&["report", &demo(), "--format", "md", "--max-bytes", "6000"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.len() <= 6000, "{} bytes", r.stdout.len());
    assert!(r.stdout.len() < full.len());
    assert!(r.stdout.starts_with("# Post-mortem"));
    assert!(r.stdout.contains("### 1. [CRITICAL]"), "{}", r.stdout);
    assert!(r.stdout.contains("left out to fit"), "{}", r.stdout);
}

#[test]
fn generation_time_comes_from_source_date_epoch() {
    let mut cmd = util::coroner();
    cmd.args(["report", &demo(), "--format", "json"])
        .env("SOURCE_DATE_EPOCH", "1748779200");
    let out = cmd.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["generated_at"], "2025-06-01T12:00:00Z");
    let r = util::run(&["report", &demo(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["generated_at"].is_null());
}
