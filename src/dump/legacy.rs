//! kubectl 1.6–1.10 printed *internal* objects (dump-format.md section 6,
//! kubernetes issue #65221): no `kind`, `Items` for `items`, object metadata
//! flattened into the item (it kept its json tags: `name`, `namespace`, …)
//! and every other field under its Go name (`Spec`, `ContainerStatuses`,
//! `LastTerminationState`). This module rewrites such an item into the v1
//! shape so the one typed model reads both.

use serde_json::{Map, Value};

/// `metav1.ObjectMeta` fields, which appear flattened in internal objects.
const META_KEYS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "initializers",
    "finalizers",
    "clusterName",
];

/// Fields whose value is a map with user-chosen keys: their keys are data
/// and must not be case-converted.
const MAP_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "selector",
    "nodeSelector",
    "capacity",
    "allocatable",
    "requests",
    "limits",
    "matchLabels",
    "data",
    "hard",
    "used",
];

/// Go field names whose v1 json name is not just the lower-camel form.
fn renamed(key: &str) -> Option<&'static str> {
    Some(match key {
        "lastTerminationState" => "lastState",
        "hostIP" => "hostIP",
        "podIP" => "podIP",
        _ => return None,
    })
}

/// Converts one internal-format item to the v1 shape.
pub fn normalize_item(v: Value) -> Value {
    let mut v = camel(v, false);
    if let Value::Object(obj) = &mut v {
        flatten_meta(obj);
        // The pod template of a workload is an internal PodTemplateSpec,
        // with its metadata flattened too.
        if let Some(Value::Object(t)) = obj.get_mut("spec").and_then(|s| s.get_mut("template")) {
            flatten_meta(t);
        }
    }
    v
}

fn flatten_meta(obj: &mut Map<String, Value>) {
    if obj.contains_key("metadata") {
        return;
    }
    let mut meta = Map::new();
    for k in META_KEYS {
        if let Some(v) = obj.remove(*k) {
            meta.insert((*k).to_string(), v);
        }
    }
    obj.insert("metadata".into(), Value::Object(meta));
}

/// Lower-camel-cases every key, except inside map-valued fields.
fn camel(v: Value, keep_keys: bool) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let k = if keep_keys { k } else { lower_camel(&k) };
                    let k = renamed(&k).map(str::to_string).unwrap_or(k);
                    let keep = MAP_FIELDS.contains(&k.as_str());
                    let v = if keep { v } else { camel(v, false) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| camel(v, keep_keys)).collect()),
        other => other,
    }
}

/// `ContainerStatuses` -> `containerStatuses`, `UID` -> `uid`,
/// `QOSClass` -> `qosClass`, `HostIP` -> `hostIP`.
pub fn lower_camel(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let run = chars.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if run == 0 {
        return key.to_string();
    }
    if run == chars.len() {
        return key.to_ascii_lowercase();
    }
    // Lower the leading capitals, but keep the last one of a longer run when
    // it starts the next word (`QOSClass`: the `C` of `Class`).
    let lower = if run > 1 && chars[run].is_ascii_lowercase() {
        run - 1
    } else {
        run
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < lower {
                c.to_ascii_lowercase()
            } else {
                *c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lower_camel_cases() {
        assert_eq!(lower_camel("ContainerStatuses"), "containerStatuses");
        assert_eq!(lower_camel("UID"), "uid");
        assert_eq!(lower_camel("QOSClass"), "qosClass");
        assert_eq!(lower_camel("HostIP"), "hostIP");
        assert_eq!(lower_camel("name"), "name");
        assert_eq!(lower_camel("ContainerID"), "containerID");
    }

    #[test]
    fn internal_pod_becomes_v1() {
        let v = json!({
            "name": "p", "namespace": "kube-system", "labels": {"App": "x"},
            "Spec": {"Containers": [{"Name": "c", "Image": "i"}], "NodeName": "n"},
            "Status": {"Phase": "Running", "ContainerStatuses": [{
                "Name": "c", "RestartCount": 3,
                "LastTerminationState": {"Terminated": {"ExitCode": 2, "Reason": "Error"}}
            }]}
        });
        let n = normalize_item(v);
        assert_eq!(n["metadata"]["name"], "p");
        assert_eq!(n["metadata"]["labels"]["App"], "x");
        assert_eq!(n["spec"]["containers"][0]["name"], "c");
        assert_eq!(
            n["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
            2
        );
    }
}
