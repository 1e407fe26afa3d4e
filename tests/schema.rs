//! The JSON report validates against the schema shipped in `schema/`, and
//! incident ids point at findings that exist.

use crate::fakeapi::DumpMode;
use crate::util;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../schema/report.schema.json")).unwrap();
    jsonschema::validator_for(&schema).expect("the shipped schema is valid")
}

fn check(report: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
    let ids: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for inc in report["incidents"].as_array().unwrap() {
        assert!(ids.contains(inc["root_cause"].as_str().unwrap()));
        for f in inc["findings"].as_array().unwrap() {
            assert!(ids.contains(f.as_str().unwrap()), "{f}");
        }
    }
}

#[test]
fn reports_validate_against_the_shipped_schema() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo");
    let stream = util::kubectl_dump("demo", "1.31.4", DumpMode::StdoutYaml);
    for p in [demo.as_path(), stream.path.as_path()] {
        let r = util::run(&["report", p.to_str().unwrap(), "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        check(&serde_json::from_str(&r.stdout).unwrap());
    }
    // A report that is wrong must fail: the schema is not vacuous.
    let mut bad: Value = serde_json::from_str(
        &util::run(&["report", demo.to_str().unwrap(), "--format", "json"]).stdout,
    )
    .unwrap();
    bad["findings"][0]["severity"] = "fatal".into();
    assert!(!validator().is_valid(&bad));
}
