//! init-container-failure: an init container fails, so the pod never
//! starts its regular containers.
//!
//! Init containers run one after another and each must exit 0 before the
//! next starts; the regular containers wait in `PodInitializing` meanwhile.
//! Those waiting containers are a consequence, not findings of their own.
//! Native sidecars (init containers with `restartPolicy: Always`, 1.28+)
//! only have to be running; one is reported only while the pod is not
//! initialized and the sidecar itself is failing. Image pulls and missing
//! Secrets/ConfigMaps of init containers are reported by
//! image-pull-failure and container-config-error.

use crate::analyze::context::{clip, condition, exit_code_meaning, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::{ContainerStatus, Pod};
use crate::time;

pub struct InitContainerFailure;

/// Waiting reasons of an init container that fails to run or crashes.
const FAILING: &[&str] = &[
    "CrashLoopBackOff",
    "RunContainerError",
    "CreateContainerError",
    "StartError",
    "PostStartHookError",
    "ContainerCannotRun",
];

/// An init container still running after this long, while the pod is not
/// initialized, is reported as hanging (a warning).
const HANG_SECONDS: i64 = 10 * 60;

impl Rule for InitContainerFailure {
    fn id(&self) -> &'static str {
        "init-container-failure"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Init container fails, the pod never starts",
            detects: "In a pod that is not Initialized: an init container waiting in CrashLoopBackOff, RunContainerError, CreateContainerError, StartError, PostStartHookError or ContainerCannotRun, or terminated with a non-zero exit code (critical); or still running more than 10 minutes after it started (a warning: it is probably waiting for something that never comes). Native sidecars count only when they fail. The regular containers waiting in PodInitializing are not reported separately.",
            evidence: "status.initContainerStatuses[] (state, lastState.terminated with exit code, reason and message, restartCount), the pod's Initialized condition, the init container's command in the spec, its log (the last lines of the failed run), and the pod's events about it (`Failed`, `BackOff`).",
            why: "Init containers do set-up work: wait for a dependency (database, service, DNS), run migrations, fetch assets, fix permissions. They fail when that dependency is unreachable or misnamed, when their command is wrong (a typo, a tool missing from a small image), when a migration errors, or when they lack permissions. Until every init container succeeds, the pod's application containers never start.",
            remediation: "Read the init container's log and termination message (`kubectl logs POD -c INIT --previous`). Fix the command or image, make the dependency it waits for exist and reachable, or correct its configuration. If it waits on a Service, check that the Service has ready endpoints and that the name resolves from the pod's namespace.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase == "Succeeded" || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let initialized = match condition(&pod.status.conditions, "Initialized") {
                Some((_, c)) => c.status == "True",
                None => pod.status.phase != "Pending",
            };
            if initialized {
                continue;
            }
            for (si, st) in pod.status.init_container_statuses.iter().enumerate() {
                if let Some(f) = self.check_init(cx, pi, item, si, st) {
                    out.push(f);
                }
            }
        }
        out
    }
}

impl InitContainerFailure {
    fn check_init(
        &self,
        cx: &Context<'_>,
        pi: usize,
        item: &Located<Pod>,
        si: usize,
        st: &ContainerStatus,
    ) -> Option<Finding> {
        let pod = &item.obj;
        let spec_i = pod
            .spec
            .init_containers
            .iter()
            .position(|c| c.name == st.name);
        let spec = spec_i.map(|i| &pod.spec.init_containers[i]);
        let sidecar = spec.and_then(|c| c.restart_policy.as_deref()) == Some("Always");
        let ns = &pod.metadata.namespace;
        let total = pod.status.init_container_statuses.len();

        // What is wrong, and where in the status it shows.
        let (severity, pointer, state_text, hung_for) = if let Some(w) = st
            .state
            .waiting
            .as_ref()
            .filter(|w| FAILING.contains(&w.reason.as_str()))
        {
            (
                Severity::Critical,
                "state/waiting",
                format!("waiting: {} {}", w.reason, w.message),
                None,
            )
        } else if let Some(t) = st.state.terminated.as_ref().filter(|t| t.exit_code != 0) {
            (
                Severity::Critical,
                "state/terminated",
                format!("terminated: exit code {}, reason {}", t.exit_code, t.reason),
                None,
            )
        } else if let Some(r) = st.state.running.as_ref().filter(|_| !sidecar) {
            let age = cx.age(r.started_at.as_deref())?;
            if age < HANG_SECONDS {
                return None;
            }
            (
                Severity::Warning,
                "state/running",
                format!("running since {}", r.started_at.as_deref().unwrap_or("?")),
                Some(age),
            )
        } else {
            return None;
        };

        // The run that failed: the current termination, else the last one.
        let term = st
            .state
            .terminated
            .as_ref()
            .or(st.last_state.terminated.as_ref());
        let waiting_reason = st.state.waiting.as_ref().map(|w| w.reason.as_str());
        let waiting_message = st
            .state
            .waiting
            .as_ref()
            .map(|w| w.message.as_str())
            .unwrap_or("");
        let message = [
            waiting_message,
            term.map(|t| t.message.as_str()).unwrap_or(""),
        ]
        .into_iter()
        .map(str::trim)
        .find(|m| !m.is_empty() && !m.starts_with("back-off "))
        .unwrap_or("")
        .to_string();
        let waiting_main: Vec<&str> = pod
            .status
            .container_statuses
            .iter()
            .filter(|c| {
                c.state
                    .waiting
                    .as_ref()
                    .is_some_and(|w| w.reason == "PodInitializing")
            })
            .map(|c| c.name.as_str())
            .collect();
        let command: Vec<String> = spec
            .map(|c| {
                c.command
                    .iter()
                    .chain(&c.args)
                    .map(|a| a.to_string())
                    .collect()
            })
            .unwrap_or_default();

        let what = match (hung_for, waiting_reason, term) {
            (Some(age), _, _) => format!("still running after {}", time::human(age)),
            (None, Some(r), Some(t)) => format!(
                "{r}, last exit code {} ({})",
                t.exit_code,
                if t.reason.is_empty() {
                    "no reason"
                } else {
                    &t.reason
                }
            ),
            (None, Some(r), None) => r.to_string(),
            (None, None, Some(t)) => format!(
                "exit code {}{}",
                t.exit_code,
                if t.reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", t.reason)
                }
            ),
            (None, None, None) => "failed".to_string(),
        };
        let mut summary = format!(
            "Init container {} of pod {ns}/{} {}: {what}",
            st.name,
            pod.metadata.name,
            if hung_for.is_some() {
                "blocks the pod"
            } else {
                "fails"
            }
        );
        if st.restart_count > 0 {
            summary.push_str(&format!(
                ", {} restart{}",
                st.restart_count,
                if st.restart_count == 1 { "" } else { "s" }
            ));
        }

        let mut explanation = format!(
            "Init container {} ({} of {total}{}) must finish successfully before the pod's containers start, ",
            st.name,
            si + 1,
            if sidecar { ", a native sidecar" } else { "" }
        );
        match hung_for {
            Some(age) => explanation.push_str(&format!(
                "but it has been running for {} without finishing: it is probably waiting for something that does not come (a service, a DNS name, a lock, a file).",
                time::human(age)
            )),
            None => explanation.push_str(&format!(
                "but it {}.",
                match (waiting_reason, st.restart_count) {
                    (Some("CrashLoopBackOff"), n) => format!("keeps failing ({n} restart{}) and the kubelet now backs off before each retry", if n == 1 { "" } else { "s" }),
                    (Some(r), 0) => format!("cannot be run ({r})"),
                    (Some(r), n) => format!("cannot be run ({r}, {n} restart{})", if n == 1 { "" } else { "s" }),
                    (None, _) => "failed".to_string(),
                }
            )),
        }
        if pod.status.phase == "Failed" {
            explanation.push_str(
                " The pod's restartPolicy does not retry it, so the pod has failed for good.",
            );
        }
        if let Some(t) = term {
            explanation.push_str(&format!(
                " Its {}run ended with exit code {} ({}){}.",
                if st.state.terminated.is_some() {
                    ""
                } else {
                    "last "
                },
                t.exit_code,
                exit_code_meaning(t.exit_code),
                if t.reason.is_empty() {
                    String::new()
                } else {
                    format!(", reason {}", t.reason)
                }
            ));
        }
        if !message.is_empty() {
            explanation.push_str(&format!(
                " The message says: \"{}\".",
                clip(&one_line(&message), 400)
            ));
            explanation.push_str(hint(&message));
        }
        if !command.is_empty() {
            explanation.push_str(&format!(" It runs {command:?}."));
        }
        if !waiting_main.is_empty() {
            explanation.push_str(&format!(
                " Container{} {} wait{} in PodInitializing because of it.",
                if waiting_main.len() == 1 { "" } else { "s" },
                waiting_main.join(", "),
                if waiting_main.len() == 1 { "s" } else { "" }
            ));
        }
        let tail = cx.log_tail(pod, &st.name, 20);
        match (&tail, cx.log_of(pod, &st.name)) {
            (Some(_), _) => explanation.push_str(" The last lines of its log are below."),
            (None, Some(s)) if s.fetch_error.is_some() => {
                explanation.push_str(" Its log could not be fetched when the dump was taken.")
            }
            (None, Some(_)) => explanation.push_str(
                " Its log is empty: the process never wrote anything (or never started).",
            ),
            (None, None) => explanation.push_str(" The dump holds no log for it."),
        }

        let name = &pod.metadata.name;
        let mut remediation = vec![format!(
            "Read its log and termination message: `kubectl -n {ns} logs {name} -c {} --previous` and `kubectl -n {ns} describe pod {name}`.",
            st.name
        )];
        if hung_for.is_some() {
            remediation.push(
                "Find what it waits for (its command and log) and check that it exists and is reachable from the pod: the Service has ready endpoints, the DNS name resolves in this namespace, the port is open.".to_string(),
            );
        } else {
            remediation.push(
                "Fix the cause the message and log show: the command or image (a tool missing from a small image), the configuration it reads, or the dependency it cannot reach.".to_string(),
            );
        }
        remediation.push("Once the init container succeeds, the pod's containers start by themselves; a pod that has Failed must be recreated.".to_string());

        let mut f = Finding::new(self, cx.pod_ref(pod))
            .severity(severity)
            .container(&st.name)
            .workload(cx.workload_of(pi))
            .node(&pod.spec.node_name)
            .summary(summary)
            .explanation(explanation)
            .remediation(remediation)
            .evidence(cx.evidence(
                item,
                &format!("{}/{pointer}", status_pointer(true, si)),
                Some(state_text),
            ))
            .fact("restart_count", st.restart_count)
            .fact("init_index", si)
            .fact("init_containers", total)
            .fact("sidecar", sidecar)
            .fact("waiting_reason", waiting_reason)
            .fact("message", &message)
            .fact("waiting_containers", &waiting_main);
        if let Some(t) = term {
            f = f.fact("exit_code", t.exit_code).fact("reason", &t.reason);
            if st.state.terminated.is_none() {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("{}/lastState/terminated", status_pointer(true, si)),
                    Some(format!(
                        "terminated: exit code {}, reason {} {}",
                        t.exit_code, t.reason, t.message
                    )),
                ));
            }
        }
        if let Some(age) = hung_for {
            f = f.fact("running_seconds", age);
        }
        if let Some((ci, _)) = condition(&pod.status.conditions, "Initialized") {
            f = f.evidence(cx.evidence(
                item,
                &format!("/status/conditions/{ci}"),
                Some(format!(
                    "Initialized=False {}",
                    pod.status.conditions[ci].message
                )),
            ));
        }
        Some(
            f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata)))
                .log_excerpt(tail),
        )
    }
}

/// A multi-line message (a stack trace, a termination message) on one
/// line: runs of whitespace become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One more sentence for messages whose cause is plain.
fn hint(message: &str) -> &'static str {
    let m = message.to_ascii_lowercase();
    if m.contains("executable file not found") {
        " The command is not in the image's $PATH: a typo, or a tool the image does not have."
    } else if m.contains("exec format error") {
        " The binary is built for another CPU architecture than the node's."
    } else if m.contains("permission denied") {
        " The command or a path it needs is not accessible to the container's user."
    } else if m.contains("no such host")
        || m.contains("could not resolve")
        || m.contains("name or service not known")
    {
        " A host name it needs does not resolve: the Service may not exist, or be in another namespace."
    } else if m.contains("connection refused") || m.contains("timed out") || m.contains("timeout") {
        " It cannot reach a dependency: nothing listens there yet, or the network path is blocked."
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{demo_analyzed, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn with_init(
        name: &str,
        init_status: serde_json::Value,
        initialized: bool,
    ) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["spec"]["initContainers"] = json!([{"name": "wait-db", "image": "busybox", "command": ["sh", "-c", "until nc -z db 5432; do sleep 2; done"]}]);
        p["status"]["phase"] = if initialized { "Running" } else { "Pending" }.into();
        p["status"]["conditions"] = json!([
            {"type": "Initialized", "status": if initialized { "True" } else { "False" }, "message": "containers with incomplete status: [wait-db]"},
            {"type": "Ready", "status": if initialized { "True" } else { "False" }}
        ]);
        p["status"]["initContainerStatuses"] = json!([init_status]);
        if !initialized {
            p["status"]["containerStatuses"][0] = json!({"name": "app", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}});
        }
        p
    }

    #[test]
    fn fires_on_a_crash_looping_init_container_with_its_log() {
        let p = with_init(
            "api-1",
            json!({"name": "wait-db", "ready": false, "restartCount": 7,
                   "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=wait-db"}},
                   "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-06-01T11:55:00Z"}}}),
            false,
        );
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        d.logs.insert(
            ("shop".into(), "api-1".into(), "wait-db".into()),
            b"nc: bad address 'db'\n".to_vec(),
        );
        let f = d.findings_of("init-container-failure");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.container.as_deref(), Some("wait-db"));
        assert!(
            f.summary
                .contains("CrashLoopBackOff, last exit code 1 (Error), 7 restarts"),
            "{}",
            f.summary
        );
        assert!(
            f.explanation
                .contains("Container app waits in PodInitializing"),
            "{}",
            f.explanation
        );
        assert_eq!(
            f.log_excerpt.as_ref().unwrap().lines,
            ["nc: bad address 'db'"]
        );
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/initContainerStatuses/0/state/waiting")
        );
        assert_eq!(f.facts["waiting_containers"], json!(["app"]));
    }

    #[test]
    fn a_long_running_init_container_is_a_warning() {
        let p = with_init(
            "api-2",
            json!({"name": "wait-db", "ready": false, "restartCount": 0, "state": {"running": {"startedAt": "2025-06-01T10:00:00Z"}}}),
            false,
        );
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("init-container-failure");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(
            f[0].summary.contains("still running after"),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn completed_init_containers_and_running_sidecars_are_fine() {
        let done = with_init(
            "ok-2",
            json!({"name": "wait-db", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}),
            true,
        );
        let mut sidecar = with_init(
            "ok-3",
            json!({"name": "wait-db", "ready": true, "restartCount": 3, "started": true, "state": {"running": {"startedAt": "2025-06-01T09:00:00Z"}},
                   "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}),
            true,
        );
        sidecar["spec"]["initContainers"][0]["restartPolicy"] = "Always".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![done, sidecar],
            ..Default::default()
        };
        assert!(d.findings_of("init-container-failure").is_empty());
    }

    #[test]
    fn demo_finds_catalogs_fetch_assets() {
        let (_ix, a) = demo_analyzed();
        let f = a.findings_of("init-container-failure");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["init-container-failure:Pod/shop/catalog-5b9c8d7f6-lp4rz/fetch-assets"]
        );
        let f = &f[0];
        assert_eq!(f.facts["exit_code"], 128);
        assert_eq!(f.facts["restart_count"], 17);
        assert!(
            f.explanation.contains("exec: \\\"wge\\\"") || f.explanation.contains("exec: \"wge\""),
            "{}",
            f.explanation
        );
        assert!(
            f.explanation.contains("Its log is empty"),
            "{}",
            f.explanation
        );
        // The waiting main container is not a finding of its own.
        assert!(a
            .findings
            .iter()
            .filter(|g| g.subject.name == "catalog-5b9c8d7f6-lp4rz")
            .all(|g| g.container.as_deref() != Some("catalog")));
    }
}
