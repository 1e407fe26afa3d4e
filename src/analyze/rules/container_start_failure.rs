//! container-start-failure: the container runtime cannot create or start a
//! regular container (RunContainerError, CreateContainerError,
//! ContainerCannotRun, StartError, PostStartHookError).
//!
//! Unlike a crash, the application never ran: the runtime failed while
//! setting the process up (the command is not in the image, a mount cannot
//! be made, the binary is for another architecture) or the postStart hook
//! failed. The runtime's error text says which, in the waiting message, the
//! last termination's message, or the `Failed` event. A container in
//! CrashLoopBackOff whose last termination is a start failure is reported
//! here too (crash-loop-backoff also reports it; this rule names the
//! cause). Init containers are covered by init-container-failure, image
//! pulls by image-pull-failure, missing Secrets/ConfigMaps by
//! container-config-error.

use crate::analyze::context::{clip, status_pointer, Context};
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::dump::Located;
use crate::model::Event;
use regex::Regex;
use std::sync::LazyLock;

pub struct ContainerStartFailure;

/// Waiting reasons that are start failures.
const WAITING: &[&str] = &[
    "RunContainerError",
    "CreateContainerError",
    "StartError",
    "PostStartHookError",
    "PreStartHookError",
    "ContainerCannotRun",
];
/// Termination reasons that are start failures.
const TERMINATED: &[&str] = &["ContainerCannotRun", "StartError"];

static RE_EXEC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"exec: "([^"]+)""#).unwrap());

impl Rule for ContainerStartFailure {
    fn id(&self) -> &'static str {
        "container-start-failure"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Container runtime cannot start the container",
            detects: "A regular container waiting with reason RunContainerError, CreateContainerError, StartError, PostStartHookError or ContainerCannotRun; or crash-looping, or terminated, with a last termination reason ContainerCannotRun or StartError; or crash-looping with FailedPostStartHook events. The runtime's message is explained: command not found, a missing file or mount path, permission denied, a read-only file system, a mount error, the wrong architecture, a failing postStart hook.",
            evidence: "state.waiting and lastState.terminated (reason, exit code, message) of the container status, the container's command, args and volumeMounts in the pod spec, and the pod's events about the container (`Failed`: \"Error: failed to create containerd task: …\", `FailedPostStartHook`).",
            why: "The pod spec and the image disagree: the command or entrypoint names a binary the image does not have (a typo, a distroless or alpine image without bash), a script lacks the execute bit or was built for another CPU architecture, a volume or subPath is mounted over a file of the wrong type, the working directory does not exist, or a postStart hook exits non-zero. Exit code 127 or 128 with reason StartError or ContainerCannotRun is the runtime speaking, not the application.",
            remediation: "Read the runtime's message. Run the image locally with the same command (`docker run --entrypoint …`) and list its files; fix command/args, the image's ENTRYPOINT, the file's mode (chmod +x) or the image's platform; check volumeMounts and subPath against the image's layout; make the postStart hook succeed or remove it.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (pi, item) in cx.ix.pods.iter().enumerate() {
            let pod = &item.obj;
            if pod.status.phase == "Succeeded" {
                continue;
            }
            for (si, st) in pod.status.container_statuses.iter().enumerate() {
                let waiting = st.state.waiting.as_ref();
                let wreason = waiting.map(|w| w.reason.as_str()).unwrap_or("");
                let cur_term = st
                    .state
                    .terminated
                    .as_ref()
                    .filter(|t| TERMINATED.contains(&t.reason.as_str()));
                let last_term = st
                    .last_state
                    .terminated
                    .as_ref()
                    .filter(|t| TERMINATED.contains(&t.reason.as_str()));
                let events = cx.container_events(pod, &st.name);
                let hook_events: Vec<&Located<Event>> = events
                    .iter()
                    .filter(|e| e.obj.reason == "FailedPostStartHook")
                    .copied()
                    .collect();
                // Which status field holds the failure, its reason and message.
                let (pointer, reason, message) =
                    match (waiting, cur_term, last_term, hook_events.last()) {
                        (Some(w), ..) if WAITING.contains(&wreason) => {
                            let msg = if w.message.is_empty() {
                                last_term.map(|t| t.message.to_string()).unwrap_or_default()
                            } else {
                                w.message.to_string()
                            };
                            ("state/waiting", w.reason.to_string(), msg)
                        }
                        (_, Some(t), ..) => (
                            "state/terminated",
                            t.reason.to_string(),
                            t.message.to_string(),
                        ),
                        (Some(_), _, Some(t), _) if wreason == "CrashLoopBackOff" => (
                            "lastState/terminated",
                            t.reason.to_string(),
                            t.message.to_string(),
                        ),
                        (Some(_), _, _, Some(e)) if wreason == "CrashLoopBackOff" => (
                            "state/waiting",
                            "PostStartHookError".to_string(),
                            e.obj.message.to_string(),
                        ),
                        _ => continue,
                    };
                // The runtime's text: the status message, else the newest
                // `Failed` event about the container.
                let failed_event = events
                    .iter()
                    .rev()
                    .find(|e| e.obj.reason == "Failed" && e.obj.message.starts_with("Error: "))
                    .copied();
                let message = if message.trim().is_empty() {
                    failed_event
                        .map(|e| e.obj.message.trim_start_matches("Error: ").to_string())
                        .unwrap_or_default()
                } else {
                    message
                };
                let Some(ci) = pod.spec.containers.iter().position(|c| c.name == st.name) else {
                    continue;
                };
                let c = &pod.spec.containers[ci];
                let cause = classify(&reason, &message);
                let ns = &pod.metadata.namespace;
                let command: Vec<String> = c
                    .command
                    .iter()
                    .chain(&c.args)
                    .map(|a| a.to_string())
                    .collect();
                let exec_target = RE_EXEC.captures(&message).map(|m| m[1].to_string());
                let exit = last_term.or(cur_term).map(|t| t.exit_code);

                let mut summary = format!(
                    "Container {} of pod {ns}/{} cannot start ({reason}: {})",
                    st.name, pod.metadata.name, cause.short
                );
                if let (Some(x), "command-not-found" | "file-not-found") = (&exec_target, cause.id)
                {
                    summary = format!(
                        "Container {} of pod {ns}/{} cannot start: command \"{x}\" not found in the image ({reason})",
                        st.name, pod.metadata.name
                    );
                }
                let mut explanation = format!(
                    "The container runtime{} could not {} container {}, so the application never ran{}.",
                    if pod.spec.node_name.is_empty() { String::new() } else { format!(" on {}", pod.spec.node_name) },
                    if reason == "PostStartHookError" { "complete the postStart hook of" } else { "create or start" },
                    st.name,
                    if st.restart_count > 0 { format!(" (tried {} times)", st.restart_count + 1) } else { String::new() }
                );
                if !message.is_empty() {
                    explanation.push_str(&format!(
                        " The runtime says: \"{}\".",
                        clip(message.trim(), 400)
                    ));
                }
                explanation.push(' ');
                explanation.push_str(cause.explanation);
                match (&exec_target, command.is_empty()) {
                    (Some(x), false) => explanation.push_str(&format!(
                        " The pod spec runs {:?}; \"{x}\" is what the runtime tried to execute.",
                        command
                    )),
                    (Some(x), true) => explanation.push_str(&format!(
                        " The pod spec sets no command, so \"{x}\" comes from the image's ENTRYPOINT/CMD."
                    )),
                    (None, false) => explanation.push_str(&format!(" The pod spec runs {:?}.", command)),
                    (None, true) => {}
                }
                if let Some(code) = exit {
                    explanation.push_str(&format!(
                        " Exit code {code} here comes from the runtime ({}), not from the application.",
                        crate::analyze::context::exit_code_meaning(code)
                    ));
                }

                let mut remediation: Vec<String> = cause
                    .remediation
                    .iter()
                    .map(|r| r.replace("{image}", &c.image))
                    .collect();
                remediation.push(format!(
                    "Compare with the image: `kubectl -n {ns} get pod {} -o jsonpath='{{.spec.containers[{ci}]}}'` and `docker run --rm -it --entrypoint sh {}`.",
                    pod.metadata.name, c.image
                ));

                let mut f = Finding::new(self, cx.pod_ref(pod))
                    .container(&st.name)
                    .workload(cx.workload_of(pi))
                    .node(&pod.spec.node_name)
                    .summary(summary)
                    .explanation(explanation)
                    .remediation(remediation)
                    .evidence(cx.evidence(
                        item,
                        &format!("{}/{pointer}", status_pointer(false, si)),
                        Some(format!("{reason}: {message}")),
                    ))
                    .fact("reason", &reason)
                    .fact("cause", cause.id)
                    .fact("message", &message)
                    .fact("command", &command)
                    .fact("exec", &exec_target)
                    .fact("exit_code", exit)
                    .fact("restart_count", st.restart_count);
                if !command.is_empty() {
                    f = f.evidence(cx.evidence(
                        item,
                        &format!(
                            "/spec/containers/{ci}/{}",
                            if c.command.is_empty() {
                                "args"
                            } else {
                                "command"
                            }
                        ),
                        Some(format!("{command:?}")),
                    ));
                }
                if cause.id == "mount" && !c.volume_mounts.is_empty() {
                    f = f.evidence(cx.evidence(
                        item,
                        &format!("/spec/containers/{ci}/volumeMounts"),
                        None,
                    ));
                }
                if let Some(e) = failed_event.or(hook_events.last().copied()) {
                    f = f.evidence(cx.evidence(
                        e,
                        "",
                        Some(format!("{}: {}", e.obj.reason, e.obj.message)),
                    ));
                }
                if reason == "PostStartHookError" {
                    // The application did run while its hook failed.
                    f = f.log_excerpt(cx.log_tail(pod, &st.name, 20));
                }
                out.push(f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata))));
            }
        }
        out
    }
}

struct Cause {
    id: &'static str,
    short: &'static str,
    explanation: &'static str,
    remediation: &'static [&'static str],
}

/// Explains the runtime's error text. Mount errors are tested before the
/// generic "no such file or directory", which they often contain.
fn classify(reason: &str, message: &str) -> Cause {
    let m = message.to_ascii_lowercase();
    if reason == "PostStartHookError" || m.contains("lifecycle hook") || m.contains("poststart") {
        return Cause {
            id: "post-start-hook",
            short: "postStart hook failed",
            explanation: "The container started, but its lifecycle.postStart hook failed, and the kubelet kills a container whose postStart hook fails.",
            remediation: &[
                "Run the hook's command by hand in the container (`kubectl exec`) and make it exit 0, or remove the hook; remember it runs concurrently with the entrypoint, so it must not depend on the application being ready.",
            ],
        };
    }
    if m.contains("exec format error") {
        return Cause {
            id: "wrong-architecture",
            short: "binary for another CPU architecture",
            explanation: "The kernel cannot execute the entrypoint: it is built for another CPU architecture than the node's (amd64 vs arm64), or it is a script without a #! line.",
            remediation: &[
                "Build the image for the node's platform (`docker buildx build --platform linux/amd64,linux/arm64`) or pin the pod to matching nodes (nodeSelector kubernetes.io/arch); give scripts a #!/bin/sh line.",
            ],
        };
    }
    if m.contains("executable file not found") {
        return Cause {
            id: "command-not-found",
            short: "command not found in the image",
            explanation: "The command is not in the image's $PATH: a typo in command/args, or an image that lacks the tool (distroless, scratch and alpine images have no bash, curl or wget).",
            remediation: &[
                "Fix the command in the pod spec (spelling, full path), or use an image that contains it.",
            ],
        };
    }
    if m.contains("error mounting")
        || m.contains("mount")
            && (m.contains("not a directory") || m.contains("are you trying to mount"))
    {
        return Cause {
            id: "mount",
            short: "a volume cannot be mounted into the container",
            explanation: "A volume mount could not be made in the container's file system: typically a subPath or ConfigMap key mounted over a directory (or a directory over a file), or a mount path inside a path that is a file in the image.",
            remediation: &[
                "Check the container's volumeMounts: mountPath and subPath must have the same type (file or directory) as what the image has at that path.",
            ],
        };
    }
    if m.contains("read-only file system") {
        return Cause {
            id: "read-only-filesystem",
            short: "read-only file system",
            explanation: "The runtime or the entrypoint needed to write to a path that is read-only: readOnlyRootFilesystem is set, or a read-only volume is mounted there.",
            remediation: &[
                "Mount a writable emptyDir at the paths it writes to (/tmp, caches, pid files), or turn off readOnlyRootFilesystem for it.",
            ],
        };
    }
    if m.contains("permission denied") {
        return Cause {
            id: "permission-denied",
            short: "permission denied",
            explanation: "The entrypoint or a path it needs is not accessible to the container's user: a file without the execute bit, or a directory the runAsUser cannot read.",
            remediation: &[
                "Make the entrypoint executable in the image (chmod +x), or run as a user that may execute it (securityContext.runAsUser, fsGroup for volumes).",
            ],
        };
    }
    if m.contains("chdir") {
        return Cause {
            id: "working-dir",
            short: "working directory does not exist",
            explanation:
                "The container's workingDir does not exist in the image and cannot be created.",
            remediation: &[
                "Fix workingDir in the pod spec, or create that directory in the image.",
            ],
        };
    }
    if m.contains("no such file or directory") {
        return Cause {
            id: "file-not-found",
            short: "a file or path does not exist",
            explanation: "A path the runtime needed does not exist: the entrypoint's path is wrong for this image, or a mount source or device is missing on the node.",
            remediation: &[
                "Check the command's path against the image's file system, and the hostPath or device mounts against the node.",
            ],
        };
    }
    if m.contains("unable to find user") || m.contains("no matching entries in passwd") {
        return Cause {
            id: "unknown-user",
            short: "the user does not exist in the image",
            explanation: "The image's USER (or the pod's runAsUser by name) is not in the image's /etc/passwd.",
            remediation: &["Use a numeric runAsUser, or add the user to the image."],
        };
    }
    if m.contains("already in use")
        || m.contains("failed to reserve container name")
        || m.contains("context deadline exceeded")
    {
        return Cause {
            id: "runtime",
            short: "the container runtime is slow or inconsistent",
            explanation: "The container runtime on the node is slow or holds a stale container of the same name; this is usually transient, or a sign of an overloaded node or disk.",
            remediation: &[
                "Look at the node's load and disk (iowait), and at the container runtime's logs (`journalctl -u containerd`); delete the pod if it does not recover.",
            ],
        };
    }
    Cause {
        id: "other",
        short: "the runtime could not start it",
        explanation:
            "The message does not match a known cause; it is the container runtime's own error.",
        remediation: &[
            "Read the runtime's message; reproduce with the same image, command and mounts.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    const WGE: &str = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"wge\": executable file not found in $PATH: unknown";

    #[test]
    fn fires_on_a_crash_loop_whose_last_run_could_not_start() {
        // Real shape (troubleshoot fixture message-pod-crashloop-backoff).
        let mut p = pod("default", "init-demo", "n1");
        p["spec"]["containers"][0]["command"] =
            json!(["wge", "-O", "/work-dir/index.html", "http://info.cern.ch"]);
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 4,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container=app"}},
            "lastState": {"terminated": {"exitCode": 127, "reason": "ContainerCannotRun", "message": WGE, "finishedAt": "2025-06-01T11:50:00Z"}}
        });
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("default", "ok-1", "n1")],
            ..Default::default()
        };
        let f = d.findings_of("container-start-failure");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.facts["cause"], "command-not-found");
        assert_eq!(f.facts["exec"], "wge");
        assert_eq!(f.facts["exit_code"], 127);
        assert!(
            f.summary.contains("command \"wge\" not found"),
            "{}",
            f.summary
        );
        assert!(
            f.explanation.contains("[\"wge\", \"-O\""),
            "{}",
            f.explanation
        );
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/lastState/terminated")
        );
    }

    #[test]
    fn classifies_runtime_messages() {
        let cases = [
            ("RunContainerError", WGE, "command-not-found"),
            ("StartError", "exec /usr/local/bin/app: exec format error", "wrong-architecture"),
            ("RunContainerError", "error mounting \"/var/lib/kubelet/pods/x/volume-subpaths/cfg/app/0\" to rootfs at \"/etc/app/app.conf\": not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)?", "mount"),
            ("CreateContainerError", "exec: \"/app/run.sh\": stat /app/run.sh: no such file or directory", "file-not-found"),
            ("RunContainerError", "exec: \"/entrypoint.sh\": permission denied", "permission-denied"),
            ("PostStartHookError", "Exec lifecycle hook ([/bin/sh -c exit 1]) for Container \"app\" failed - error: command '/bin/sh -c exit 1' exited with 1", "post-start-hook"),
            ("CreateContainerError", "the container name \"k8s_app\" is already in use by \"abc\"", "runtime"),
        ];
        for (reason, msg, want) in cases {
            assert_eq!(classify(reason, msg).id, want, "{msg}");
        }
    }

    #[test]
    fn no_finding_for_running_containers_or_pull_failures() {
        let mut recovered = pod("default", "rec-1", "n1");
        // Started fine after an old start error: history, not a finding.
        recovered["status"]["containerStatuses"][0]["lastState"] =
            json!({"terminated": {"exitCode": 128, "reason": "StartError", "message": WGE}});
        let mut pulling = pod("default", "pull-1", "n1");
        pulling["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}});
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![recovered, pulling],
            ..Default::default()
        };
        assert!(d.findings_of("container-start-failure").is_empty());
    }

    #[test]
    fn demo_reports_nothing_here() {
        // The demo's start failure is in an init container (catalog's
        // fetch-assets): init-container-failure reports it, not this rule.
        let f: Vec<_> = demo_findings_of("container-start-failure")
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert!(f.is_empty(), "{f:?}");
    }
}
