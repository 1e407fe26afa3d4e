//! container-config-error: the kubelet cannot build a container's
//! configuration (CreateContainerConfigError), almost always because a
//! Secret, a ConfigMap or one of their keys that the container's env or
//! envFrom names does not exist.
//!
//! The waiting message (and the `Failed` event, prefixed `Error: `) names
//! what is missing: `secret "db-password" not found`, `configmap "x" not
//! found`, `couldn't find key K in Secret ns/name`. The pod spec then tells
//! which env variable, envFrom entry or volume refers to it.
//! See: kubernetes pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables).

use crate::analyze::context::{clip, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{Container, Event, Json, Pod};
use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use std::sync::LazyLock;

pub struct ContainerConfigError;

static RE_MISSING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(secret|configmap)s? "([^"]+)" not found"#).unwrap());
static RE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"couldn't find key (\S+) in (Secret|ConfigMap) ([^/\s]+)/([^\s:,]+)").unwrap()
});
static RE_GET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)couldn't get (secret|configmap) ([^/\s]+)/([^\s:,]+)").unwrap()
});

impl Rule for ContainerConfigError {
    fn id(&self) -> &'static str {
        "container-config-error"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Container configuration cannot be built (missing Secret, ConfigMap or key)",
            detects: "A container or init container waiting with reason CreateContainerConfigError. The finding names the missing Secret, ConfigMap or key from the kubelet's message and the env, envFrom or volume entries of the pod spec that refer to it; other causes (runAsNonRoot with a root image, a subPath that cannot be prepared, a cache that did not sync) are explained from the message.",
            evidence: "state.waiting (reason and message) of the container status, the pod's `Failed` events (\"Error: secret \\\"db-password\\\" not found\"), and the container's env[].valueFrom (secretKeyRef, configMapKeyRef), envFrom[] and the pod's volumes in the spec.",
            why: "The pod was deployed before the Secret or ConfigMap it needs (or into another namespace than it), the object's name or key is misspelled, a key was renamed, or the controller that should create it (external-secrets, sealed-secrets, a Helm hook, an operator) has not. Secrets and ConfigMaps are looked up in the pod's own namespace only.",
            remediation: "Create the missing object or key in the pod's namespace (`kubectl -n NS create secret generic NAME --from-literal=KEY=…`), or fix the name or key in the workload. If the value is truly optional, mark the reference `optional: true`. The kubelet retries on its own and starts the container once the object exists.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
                continue;
            }
            let statuses = [
                (false, &pod.status.container_statuses),
                (true, &pod.status.init_container_statuses),
            ];
            for (init, list) in statuses {
                for (si, st) in list.iter().enumerate() {
                    let Some(w) = &st.state.waiting else { continue };
                    if w.reason != "CreateContainerConfigError" {
                        continue;
                    }
                    out.push(self.finding(cx, pi, item, init, si, &st.name, &w.message));
                }
            }
        }
        out
    }
}

/// What the message says is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Missing {
    /// `Secret` or `ConfigMap`.
    kind: &'static str,
    name: String,
    /// The missing key, when the object exists but the key does not.
    key: Option<String>,
}

/// A place in the pod spec that refers to a Secret or ConfigMap.
#[derive(Debug, Clone, Serialize)]
struct Reference {
    /// `env DB_PASSWORD (secretKeyRef db-password, key password) of container orders`.
    text: String,
    /// JSON pointer inside the pod.
    pointer: String,
    optional: bool,
}

impl ContainerConfigError {
    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        cx: &Context<'_>,
        pi: usize,
        item: &Located<Pod>,
        init: bool,
        si: usize,
        container: &str,
        waiting_message: &str,
    ) -> Finding {
        let pod = &item.obj;
        let ns = &pod.metadata.namespace;
        let events = cx.container_events(pod, container);
        let failed: Vec<&Located<Event>> = events
            .iter()
            .rev()
            .filter(|e| e.obj.reason == "Failed" && e.obj.message.starts_with("Error: "))
            .copied()
            .collect();
        let message = if waiting_message.trim().is_empty() {
            failed
                .first()
                .map(|e| e.obj.message.trim_start_matches("Error: ").to_string())
                .unwrap_or_default()
        } else {
            waiting_message.to_string()
        };
        let attempts: i64 = failed.iter().map(|e| e.obj.occurrences()).sum();
        let missing = parse_missing(&message);
        let spec = if init {
            &pod.spec.init_containers
        } else {
            &pod.spec.containers
        };
        let spec_i = spec.iter().position(|c| c.name == container);
        let refs = match (&missing, spec_i) {
            (Some(m), Some(i)) => references(pod, init, i, &spec[i], m),
            _ => Vec::new(),
        };
        let kind = if init { "Init container" } else { "Container" };

        let what = match &missing {
            Some(Missing {
                kind,
                name,
                key: Some(k),
            }) => format!("key {k} is missing from {kind} {name}"),
            Some(Missing {
                kind,
                name,
                key: None,
            }) => format!("{kind} {name} not found"),
            None if message.is_empty() => "configuration error".to_string(),
            None => clip(&message, 120),
        };
        let summary = format!(
            "{kind} {container} of pod {ns}/{} cannot start: {what}",
            pod.metadata.name
        );
        let mut explanation = format!(
            "The kubelet cannot build the configuration of {} {container} (CreateContainerConfigError), so the container is never created.",
            kind.to_lowercase()
        );
        let mut remediation: Vec<String> = Vec::new();
        match &missing {
            Some(m) => {
                match &m.key {
                    Some(k) => explanation.push_str(&format!(
                        " The {} {} exists in namespace {ns}, but it has no key {k}.",
                        m.kind, m.name
                    )),
                    None => explanation.push_str(&format!(
                        " The {} \"{}\" does not exist in namespace {ns} (a pod can only use Secrets and ConfigMaps of its own namespace).",
                        m.kind, m.name
                    )),
                }
                if refs.is_empty() {
                    explanation.push_str(
                        " No env, envFrom or volume entry of the pod spec in the dump names it.",
                    );
                } else {
                    let texts: Vec<&str> = refs.iter().map(|r| r.text.as_str()).collect();
                    explanation.push_str(&format!(
                        " The pod refers to it through {}.",
                        texts.join("; ")
                    ));
                }
                let cmd_kind = if m.kind == "Secret" {
                    "secret"
                } else {
                    "configmap"
                };
                match &m.key {
                    Some(k) => {
                        remediation.push(format!(
                            "List the keys it has: `kubectl -n {ns} get {cmd_kind} {} -o jsonpath='{{.data}}'`; add {k}, or fix the key name in the workload.",
                            m.name
                        ));
                    }
                    None => {
                        remediation.push(format!(
                            "Check whether it exists under another name or in another namespace: `kubectl get {cmd_kind}s -A | grep {}`.",
                            m.name
                        ));
                        remediation.push(if m.kind == "Secret" {
                            format!(
                                "Create it in {ns} (`kubectl -n {ns} create secret generic {} --from-literal=KEY=VALUE`), or fix the name in the workload; if a controller (external-secrets, sealed-secrets, a Helm hook) should create it, check that controller.",
                                m.name
                            )
                        } else {
                            format!(
                                "Create it in {ns} (`kubectl -n {ns} create configmap {} --from-file=…`), or fix the name in the workload.",
                                m.name
                            )
                        });
                    }
                }
                remediation.push(
                    "If the value is truly optional, mark the reference `optional: true`."
                        .to_string(),
                );
            }
            None => {
                let (why, steps) = other_cause(&message);
                if !message.is_empty() {
                    explanation
                        .push_str(&format!(" The kubelet says: \"{}\".", clip(&message, 400)));
                }
                explanation.push(' ');
                explanation.push_str(why);
                remediation.extend(steps.iter().map(|s| s.to_string()));
            }
        }
        if attempts > 0 {
            explanation.push_str(&format!(
                " The kubelet has tried {attempts} time{} according to the events; it keeps retrying and starts the container as soon as the problem is fixed.",
                if attempts == 1 { "" } else { "s" }
            ));
        }
        remediation.push(format!(
            "Watch it start: `kubectl -n {ns} get pod {} -w` (no restart is needed).",
            pod.metadata.name
        ));

        let mut f = Finding::new(self, cx.pod_ref(pod))
            .container(container)
            .workload(cx.workload_of(pi))
            .node(&pod.spec.node_name)
            .summary(summary)
            .explanation(explanation)
            .remediation(remediation)
            .evidence(cx.evidence(
                item,
                &format!("{}/state/waiting", status_pointer(init, si)),
                Some(format!(
                    "waiting: CreateContainerConfigError {waiting_message}"
                )),
            ))
            .fact("message", &message)
            .fact("missing", &missing)
            .fact("references", &refs)
            .fact("attempts", attempts)
            .fact("init_container", init);
        for r in &refs {
            f = f.evidence(cx.evidence(item, &r.pointer, Some(r.text.clone())));
        }
        if let Some(e) = failed.first() {
            f = f.evidence(cx.evidence(
                e,
                "",
                Some(format!("{}: {}", e.obj.reason, e.obj.message)),
            ));
        }
        f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata)))
    }
}

fn parse_missing(message: &str) -> Option<Missing> {
    let kind_of = |s: &str| {
        if s.eq_ignore_ascii_case("secret") {
            "Secret"
        } else {
            "ConfigMap"
        }
    };
    if let Some(c) = RE_KEY.captures(message) {
        return Some(Missing {
            kind: kind_of(&c[2]),
            name: c[4].to_string(),
            key: Some(c[1].to_string()),
        });
    }
    if let Some(c) = RE_MISSING.captures(message) {
        return Some(Missing {
            kind: kind_of(&c[1]),
            name: c[2].to_string(),
            key: None,
        });
    }
    if let Some(c) = RE_GET.captures(message) {
        if message.contains("not found") {
            return Some(Missing {
                kind: kind_of(&c[1]),
                name: c[3].to_string(),
                key: None,
            });
        }
    }
    None
}

/// Causes of CreateContainerConfigError other than a missing object.
fn other_cause(message: &str) -> (&'static str, &'static [&'static str]) {
    let m = message.to_ascii_lowercase();
    if m.contains("runasnonroot") {
        (
            "The pod or container sets runAsNonRoot: true, but the image runs as root (or as a user name the kubelet cannot verify as non-root).",
            &[
                "Set securityContext.runAsUser to a non-zero numeric UID the image supports, or build the image with a numeric non-root USER.",
            ],
        )
    } else if m.contains("subpath") {
        (
            "The kubelet could not prepare a subPath volume mount (the path does not exist in the volume, or it is a symlink that points outside it).",
            &["Check the volumeMounts[].subPath of the container against the volume's content."],
        )
    } else if m.contains("failed to sync") && m.contains("cache") {
        (
            "The kubelet could not fetch a Secret or ConfigMap from the API server in time; this is usually transient (an API server or network hiccup), or the node's credentials do not allow reading it.",
            &["Check the kubelet's connection to the API server and its logs (`journalctl -u kubelet`) on the node; delete the pod if it does not recover."],
        )
    } else {
        (
            "Read the message for the field of the container spec it rejects.",
            &["Fix the field the message names in the workload's pod template."],
        )
    }
}

/// The env, envFrom and volume entries that refer to the missing object.
fn references(pod: &Pod, init: bool, ci: usize, c: &Container, m: &Missing) -> Vec<Reference> {
    let key_ref = if m.kind == "Secret" {
        "secretKeyRef"
    } else {
        "configMapKeyRef"
    };
    let from_ref = if m.kind == "Secret" {
        "secretRef"
    } else {
        "configMapRef"
    };
    let list = if init { "initContainers" } else { "containers" };
    let optional = |v: &Value| v.get("optional").and_then(Value::as_bool).unwrap_or(false);
    let mut out = Vec::new();
    for (i, e) in c.env.iter().enumerate() {
        let from = e.value_from.as_ref().map(Json::value);
        let Some(r) = from.as_ref().and_then(|v| v.get(key_ref)) else {
            continue;
        };
        if r.get("name").and_then(Value::as_str) != Some(m.name.as_str()) {
            continue;
        }
        let key = r.get("key").and_then(Value::as_str).unwrap_or("");
        if m.key.as_deref().is_some_and(|k| k != key) {
            continue;
        }
        out.push(Reference {
            text: format!(
                "env {} ({key_ref} {}, key {key}) of container {}",
                e.name, m.name, c.name
            ),
            pointer: format!("/spec/{list}/{ci}/env/{i}"),
            optional: optional(r),
        });
    }
    for (i, e) in c.env_from.iter().map(Json::value).enumerate() {
        let Some(r) = e.get(from_ref) else { continue };
        if r.get("name").and_then(Value::as_str) == Some(m.name.as_str()) {
            out.push(Reference {
                text: format!("envFrom {from_ref} {} of container {}", m.name, c.name),
                pointer: format!("/spec/{list}/{ci}/envFrom/{i}"),
                optional: optional(r),
            });
        }
    }
    for (i, v) in pod.spec.volumes.iter().map(Json::value).enumerate() {
        let vname = v.get("name").and_then(Value::as_str).unwrap_or("");
        let direct = if m.kind == "Secret" {
            v.get("secret")
                .filter(|s| s.get("secretName").and_then(Value::as_str) == Some(m.name.as_str()))
        } else {
            v.get("configMap")
                .filter(|s| s.get("name").and_then(Value::as_str) == Some(m.name.as_str()))
        };
        let projected = v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| {
                s.get(if m.kind == "Secret" {
                    "secret"
                } else {
                    "configMap"
                })
            })
            .find(|s| s.get("name").and_then(Value::as_str) == Some(m.name.as_str()));
        if let Some(s) = direct.or(projected) {
            out.push(Reference {
                text: format!("volume {vname} ({} {})", m.kind, m.name),
                pointer: format!("/spec/volumes/{i}"),
                optional: optional(s),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{parse_missing, Missing};
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn config_error(name: &str, message: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["status"]["phase"] = "Pending".into();
        p["spec"]["containers"][0]["env"] = json!([
            {"name": "DB_HOST", "value": "db"},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-password", "key": "password"}}}
        ]);
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "CreateContainerConfigError", "message": message}}
        });
        p
    }

    #[test]
    fn names_the_missing_secret_and_the_env_that_uses_it() {
        let mut ev = event(
            "shop",
            "Pod",
            "orders-1",
            "Warning",
            "Failed",
            "Error: secret \"db-password\" not found",
            212,
        );
        ev["involvedObject"]["fieldPath"] = "spec.containers{app}".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![
                config_error("orders-1", "secret \"db-password\" not found"),
                pod("shop", "ok-1", "n1"),
            ],
            events: vec![ev],
            ..Default::default()
        };
        let f = d.findings_of("container-config-error");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(
            f.summary,
            "Container app of pod shop/orders-1 cannot start: Secret db-password not found"
        );
        assert!(
            f.explanation
                .contains("env DB_PASSWORD (secretKeyRef db-password, key password)"),
            "{}",
            f.explanation
        );
        assert!(f.explanation.contains("212 times"), "{}", f.explanation);
        assert_eq!(f.facts["missing"]["name"], "db-password");
        assert_eq!(
            f.evidence[1].pointer.as_deref(),
            Some("/items/0/spec/containers/0/env/1")
        );
    }

    #[test]
    fn parses_the_kubelet_messages() {
        assert_eq!(
            parse_missing("couldn't find key password in Secret shop/db-password"),
            Some(Missing {
                kind: "Secret",
                name: "db-password".into(),
                key: Some("password".into())
            })
        );
        assert_eq!(
            parse_missing("configmap \"app-config\" not found"),
            Some(Missing {
                kind: "ConfigMap",
                name: "app-config".into(),
                key: None
            })
        );
        assert_eq!(
            parse_missing(
                "couldn't get configMap shop/app-config: configmap \"app-config\" not found"
            ),
            Some(Missing {
                kind: "ConfigMap",
                name: "app-config".into(),
                key: None
            })
        );
        assert_eq!(
            parse_missing("container has runAsNonRoot and image will run as root"),
            None
        );
    }

    #[test]
    fn explains_other_causes_and_skips_healthy_pods() {
        let p = config_error("root-1", "container has runAsNonRoot and image will run as root (pod: \"root-1_shop(x)\", container: app)");
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("container-config-error");
        assert_eq!(f.len(), 1, "only the misconfigured pod");
        assert!(
            f[0].explanation.contains("runAsUser")
                || f[0].remediation.iter().any(|r| r.contains("runAsUser"))
        );
    }

    #[test]
    fn demo_finds_the_orders_secret() {
        let f = demo_findings_of("container-config-error");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["container-config-error:Pod/shop/orders-6c8d7f5b4-pn3jz/orders"]
        );
        assert!(
            f[0].summary.contains("Secret db-password not found"),
            "{}",
            f[0].summary
        );
        assert_eq!(f[0].facts["attempts"], 212);
    }
}
