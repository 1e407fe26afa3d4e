//! Redaction is on in every format: secrets in logs, events and messages
//! never reach a report unless --no-redact is given, and the same secret
//! always becomes the same placeholder.

use crate::fakeapi::{self, DumpMode, FakeApi, LogReply};
use crate::util;
use serde_json::json;

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzZXJ2aWNlLWFjY291bnQiLCJpYXQiOjE3MTcyMzkwMjJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU";
const AWS: &str = "AKIAIOSFODNN7EXAMPLE";
const DB_PASSWORD: &str = "s3cr3t-Pa55w0rd";

#[test]
fn no_secret_reaches_any_report_format() {
    util::require_kubectl();
    let mut fx = crate::scenario::tiny();
    let ns = &mut fx.namespaces[0];
    let pod = &mut ns.pods[0];
    let name = pod["metadata"]["name"].as_str().unwrap().to_string();
    pod["status"]["containerStatuses"][0]["ready"] = json!(false);
    pod["status"]["containerStatuses"][0]["restartCount"] = json!(7);
    pod["status"]["containerStatuses"][0]["state"] =
        json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}});
    pod["status"]["containerStatuses"][0]["lastState"] = json!({"terminated": {
        "exitCode": 1, "reason": "Error", "finishedAt": "2025-06-01T11:58:00Z",
        "message": format!("connect postgres://app:{DB_PASSWORD}@db:5432/app failed")
    }});
    ns.events.push(json!({
        "metadata": {"name": format!("{name}.1"), "namespace": ns.name, "uid": "ev-1", "creationTimestamp": "2025-06-01T11:00:00Z"},
        "involvedObject": {"kind": "Pod", "namespace": ns.name, "name": name, "uid": pod["metadata"]["uid"]},
        "reason": "BackOff", "message": format!("Back-off restarting failed container; auth header Authorization: Bearer {JWT}"),
        "type": "Warning", "count": 12, "firstTimestamp": "2025-06-01T11:00:00Z", "lastTimestamp": "2025-06-01T11:59:00Z",
        "source": {"component": "kubelet"}
    }));
    let container = pod["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let ns_name = ns.name.clone();
    fx.set_log(
        &ns_name,
        &name,
        &container,
        LogReply::Body(
            format!(
                "starting\nusing token {JWT}\naws_access_key_id={AWS}\nretry with password={DB_PASSWORD}\nagain token {JWT}\npanic: cannot connect\n"
            )
            .into_bytes(),
        ),
    );
    let api = FakeApi::start(fx, "1.33.1");
    let tmp = tempfile::tempdir().unwrap();
    let dump = tmp.path().join("dump");
    fakeapi::kubectl_dump(&api.url(), DumpMode::Dir, None, &dump).unwrap();
    let d = dump.to_str().unwrap();
    for fmt in ["html", "md", "json"] {
        let out = tmp.path().join(format!("r.{fmt}"));
        let r = util::run(&["report", d, "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(&out).unwrap();
        for secret in [JWT, AWS, DB_PASSWORD] {
            assert!(!text.contains(secret), "{fmt} report leaks {secret}");
        }
        assert!(
            text.contains("starting") && text.contains("panic: cannot connect"),
            "{fmt}: the log is still shown"
        );
        assert!(
            text.contains("secret-looking value"),
            "{fmt}: the report says how many values were redacted"
        );
    }
    // The same secret, the same placeholder.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("r.json")).unwrap()).unwrap();
    let lines: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["log_excerpt"]["lines"].as_array())
        .flatten()
        .map(|l| l.as_str().unwrap().to_string())
        .collect();
    let token_lines: Vec<&String> = lines.iter().filter(|l| l.contains("token")).collect();
    assert!(token_lines.len() >= 2, "{lines:?}");
    assert_eq!(
        token_lines[0].trim_start_matches("using token "),
        token_lines[1].trim_start_matches("again token "),
        "{token_lines:?}"
    );
    // --no-redact shows them.
    let r = util::run(&["report", d, "--format", "json", "--no-redact"]);
    assert!(r.stdout.contains(AWS));
    let _ = std::fs::remove_dir_all(&dump);
}
