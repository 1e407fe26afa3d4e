//! log-error-signature: a container whose log shows a known failure
//! signature (a panic, an uncaught exception, out of memory, a missing
//! file, a refused connection…), with the line, the excerpt and the stack
//! trace.
//!
//! How loud a finding is depends on the container, because the same line
//! means different things in a crashing and in a healthy container:
//! - crash-looping, or terminated with a non-zero exit code: **critical**,
//!   with the signature that best explains the stop (see
//!   `SectionScan::explaining`) among those of warning severity or more;
//! - running but not ready (or an init container still running, or no
//!   status): **warning**, same choice;
//! - running and ready after restarts: a critical signature (a panic, out
//!   of memory…) is a **warning**: it may be what killed the earlier
//!   instances, whose logs the dump does not hold;
//! - running and ready with no restart, or completed with exit 0: a
//!   critical signature is only **info** (the program survived it, or the
//!   line is quoted from elsewhere, as a log viewer does).
//!
//! In a ready or completed container, a warning-level signature (a
//! `connection refused`, a timeout) is reported, as **info**, only when it
//! is persistent: at least [`PERSISTENT_COUNT`] lines, the last of them
//! among the last [`RECENT_LINES`] lines of the log. A single `connection
//! refused` while a dependency was starting gives nothing.
//!
//! Info-level signatures (known noise, such as a recovered panic in the
//! API server) are never reported on their own.

use crate::analyze::context::{clip, container_status, status_pointer, Context};
use crate::analyze::{Evidence, Finding, Rule, RuleDoc, Severity};
use crate::logscan::{Catalog, Class, LogScan, SectionScan, SignatureHits};
use crate::model::Pod;
use std::collections::HashMap;

pub struct LogErrorSignature;

/// A warning-level signature in a healthy container is reported when it
/// hits at least this many lines...
pub const PERSISTENT_COUNT: u64 = 10;
/// ...the last of them this close to the end of the log.
pub const RECENT_LINES: u64 = 50;

/// What state the container is in, as far as its log is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// CrashLoopBackOff, or terminated (now or last) with a non-zero code.
    Failing,
    /// Running but not ready, or no status to tell.
    Degraded,
    /// Running and ready, after restarts.
    Restarted,
    /// Running and ready, never restarted.
    Healthy,
    /// Terminated with exit code 0.
    Completed,
}

/// The health of a container of a pod.
pub fn health(pod: &Pod, container: Option<&str>) -> Health {
    let status = match container {
        Some(c) => container_status(pod, c).map(|(init, _, s)| (init, s)),
        // Pre-1.7 dumps name no container: use the only one, if one.
        None => match (
            &pod.status.container_statuses[..],
            &pod.status.init_container_statuses[..],
        ) {
            ([s], []) => Some((false, s)),
            _ => None,
        },
    };
    let Some((_, st)) = status else {
        return if pod.status.phase == "Failed" {
            Health::Failing
        } else if pod.status.phase == "Succeeded" {
            Health::Completed
        } else {
            Health::Degraded
        };
    };
    if let Some(w) = &st.state.waiting {
        let crashed_before = st
            .last_state
            .terminated
            .as_ref()
            .is_some_and(|t| t.exit_code != 0);
        return if w.reason == "CrashLoopBackOff" || crashed_before {
            Health::Failing
        } else {
            Health::Degraded
        };
    }
    if let Some(t) = &st.state.terminated {
        return if t.exit_code != 0 {
            Health::Failing
        } else {
            Health::Completed
        };
    }
    if st.state.running.is_some() && st.ready {
        if st.restart_count > 0 {
            Health::Restarted
        } else {
            Health::Healthy
        }
    } else {
        Health::Degraded
    }
}

/// Which signature (if any) to report for a container, and how loudly.
pub fn decide(scan: &SectionScan, health: Health) -> Option<(&SignatureHits, Severity)> {
    match health {
        Health::Failing => scan
            .explaining(Severity::Warning)
            .map(|h| (h, Severity::Critical)),
        Health::Degraded => scan
            .explaining(Severity::Warning)
            .map(|h| (h, Severity::Warning)),
        Health::Restarted | Health::Healthy | Health::Completed => {
            if let Some(h) = scan.explaining(Severity::Critical) {
                let loud = if health == Health::Restarted {
                    Severity::Warning
                } else {
                    Severity::Info
                };
                return Some((h, loud));
            }
            let end = scan.end_line();
            scan.hits
                .iter()
                .filter(|h| {
                    h.severity >= Severity::Warning
                        && h.count >= PERSISTENT_COUNT
                        && end.saturating_sub(h.last_line) <= RECENT_LINES
                })
                .max_by(|a, b| a.count.cmp(&b.count).then(b.index.cmp(&a.index)))
                .map(|h| (h, Severity::Info))
        }
    }
}

fn remediation(class: Class) -> Vec<&'static str> {
    let mut v = vec!["Read the excerpt below and the lines around it in the dump (the evidence names the file and line)."];
    v.extend(match class {
        Class::StackTrace => &[
            "The first frames of the trace that belong to the application show where it failed; the last `Caused by:` (Java) or the exception line (Python) says why.",
            "If it started with a new image, roll back (`kubectl rollout undo`) while the bug is fixed.",
        ][..],
        Class::Crash => &["Check that the image is built for the node's CPU and libc; run it locally with the same image to get a core dump."],
        Class::Fatal => &["The fatal line names what is missing or wrong (a flag, a file, a lost lease, a bad configuration); fix that and restart."],
        Class::Memory => &["Compare the container's memory use with its limit; raise the limit (and the runtime heap setting, e.g. -Xmx, --max-old-space-size) or find the leak."],
        Class::Storage => &["Check the volume or node disk usage (`df`, the node's DiskPressure), free space or enlarge the volume; mount an emptyDir where a read-only root file system needs to write."],
        Class::Resource => &["Look for a descriptor leak (connections or files never closed); raise the limit only if the load needs it."],
        Class::Filesystem => &["Check the volume mounts, ConfigMap/Secret keys and paths, and runAsUser/fsGroup against the files' owners and modes."],
        Class::Exec => &["Check the pod's command and args, and that the image holds that program for the node's architecture."],
        Class::Network => &["Check that the service it calls exists, has ready endpoints and listens on that port; check NetworkPolicies and timeouts."],
        Class::Dns => &["Check the host name (service.namespace.svc), that the Service exists, and that CoreDNS pods are running."],
        Class::Tls => &["Check the certificate's expiry, names and issuer, and that the client trusts the CA; check for HTTP spoken to an HTTPS port."],
        Class::Config => &["Check the pod's env, envFrom, ConfigMaps and Secrets, and the config file mounts, against what the program asks for."],
        Class::Other => &["See the signature's explanation in the rules file that defined it."],
    });
    v
}

impl LogErrorSignature {
    /// The findings for an already scanned dump (`scan` aligned with
    /// `cx.ix.logs`). `check` scans first; the pipeline can scan once and
    /// call this.
    pub fn check_with(&self, cx: &Context<'_>, scan: &LogScan, catalog: &Catalog) -> Vec<Finding> {
        let ix = cx.ix;
        let pods: HashMap<(&str, &str), usize> = ix
            .pods
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    (
                        p.obj.metadata.namespace.as_str(),
                        p.obj.metadata.name.as_str(),
                    ),
                    i,
                )
            })
            .collect();
        let mut out = Vec::new();
        for (li, section) in ix.logs.iter().enumerate() {
            let Some(sc) = scan.get(li) else { continue };
            if sc.hits.is_empty() {
                continue;
            }
            // Logs of pods the dump does not list (stale folders) are left
            // to ingest's problems.
            let Some(&pi) = pods.get(&(section.namespace.as_str(), section.pod.as_str())) else {
                continue;
            };
            let item = &ix.pods[pi];
            let pod = &item.obj;
            let container = section.container.as_deref();
            let h = health(pod, container);
            let Some((hit, severity)) = decide(sc, h) else {
                continue;
            };
            let sig = catalog
                .signatures()
                .get(hit.index)
                .filter(|s| s.id == hit.id)
                .or_else(|| catalog.get(&hit.id));
            let title = sig.map(|s| s.title.as_str()).unwrap_or(hit.id.as_str());
            let excerpt = hit.last_excerpt();
            // The line that names the error (the root `Caused by:`, the
            // Python exception) rather than the head of its trace.
            let (key_line, key_text) = excerpt.key_line();
            let matched = clip(key_text.trim(), 200);
            let cname = container.unwrap_or("(all)");
            let times = if hit.count == 1 {
                format!("line {key_line}")
            } else {
                format!(
                    "line {key_line}; {} matching lines, the last at line {}",
                    hit.count, hit.last_line
                )
            };
            let mut title_uc = title.to_string();
            if let Some(c) = title_uc.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            let summary = format!(
                "{title_uc} in the log of container {cname} of pod {}/{}: \"{matched}\" ({times})",
                pod.metadata.namespace, pod.metadata.name
            );
            let mut explanation = String::new();
            if let Some(s) = sig {
                explanation.push_str(&s.explanation);
                explanation.push(' ');
            }
            explanation.push_str(&match h {
                Health::Failing => format!(
                    "The container is failing (crash-looping or exited with an error), and this is the signature in its log that best explains it: the most severe{}, and the latest before the end of the log.",
                    if hit.trace { ", with a stack trace" } else { "" }
                ),
                Health::Degraded => "The container is not ready; this signature in its log may be why.".to_string(),
                Health::Restarted => format!(
                    "The container is running and ready now, after {} restarts; the log of the instances that stopped is not in the dump, and this line in the current one may be what stopped them.",
                    container
                        .and_then(|c| container_status(pod, c))
                        .map_or(0, |(_, _, st)| st.restart_count)
                ),
                _ if hit.severity < Severity::Critical => format!(
                    "The container is {}, but the line keeps coming back ({} times, still near the end of the log): something it depends on is not right.",
                    if h == Health::Completed { "completed" } else { "running and ready" },
                    hit.count
                ),
                _ => format!(
                    "The container is {}, so this did not stop it (it recovered, or the line quotes another program); worth a look all the same.",
                    if h == Health::Completed { "completed successfully" } else { "running and ready" }
                ),
            });
            if hit.count > 1 {
                explanation.push_str(&format!(
                    " It matches {} lines, from line {} to line {}.",
                    hit.count, hit.first_line, hit.last_line
                ));
            }
            let others: Vec<String> = sc
                .hits
                .iter()
                .filter(|o| o.id != hit.id && o.severity >= Severity::Warning)
                .map(|o| format!("{} ×{}", o.id, o.count))
                .collect();
            if !others.is_empty() {
                explanation.push_str(&format!(" Also in this log: {}.", others.join(", ")));
            }
            let mut f = Finding::new(self, cx.pod_ref(pod))
                .severity(severity)
                .container(cname)
                .workload(cx.workload_of(pi))
                .node(&pod.spec.node_name)
                .summary(summary)
                .explanation(explanation)
                .remediation(remediation(hit.class))
                .evidence(Evidence {
                    file: section.file.clone(),
                    pointer: None,
                    line: Some(key_line),
                    excerpt: Some(clip(key_text, 400)),
                })
                .log_excerpt(Some(excerpt.to_log_excerpt(&section.file)))
                .fact("signature", &hit.id)
                .fact("class", hit.class)
                .fact("count", hit.count)
                .fact("first_line", hit.first_line)
                .fact("last_line", hit.last_line)
                .fact(
                    "signatures",
                    sc.hits
                        .iter()
                        .map(|o| {
                            (
                                o.id.clone(),
                                serde_json::json!({
                                    "count": o.count,
                                    "first_line": o.first_line,
                                    "last_line": o.last_line,
                                    "severity": o.severity,
                                }),
                            )
                        })
                        .collect::<serde_json::Map<_, _>>(),
                );
            // The head of the trace, and the first and last matching lines,
            // where they are other lines.
            let mut more: Vec<(u64, String)> = Vec::new();
            if excerpt.line != key_line {
                more.push((excerpt.line, excerpt.matched_text().to_string()));
            }
            if hit.first_line != excerpt.line && hit.first_line != key_line {
                more.push((hit.first_line, hit.first.matched_text().to_string()));
            }
            if hit.last_line != excerpt.line
                && hit.last_line != key_line
                && hit.last_line != hit.first_line
            {
                if let Some(t) = excerpt.text_at(hit.last_line) {
                    more.push((hit.last_line, t.to_string()));
                }
            }
            for (line, text) in more {
                f = f.evidence(Evidence {
                    file: section.file.clone(),
                    pointer: None,
                    line: Some(line),
                    excerpt: Some(clip(&text, 400)),
                });
            }
            if let Some((init, si, st)) = container.and_then(|c| container_status(pod, c)) {
                f = f.evidence(cx.evidence(
                    item,
                    &status_pointer(init, si),
                    Some(format!(
                            "ready {}, restartCount {}{}",
                            st.ready,
                            st.restart_count,
                            st.last_state
                                .terminated
                                .as_ref()
                                .or(st.state.terminated.as_ref())
                                .map(|t| format!(
                                    ", terminated with exit code {} ({})",
                                    t.exit_code, t.reason
                                ))
                                .unwrap_or_default()
                        )),
                ));
            }
            out.push(f);
        }
        out
    }
}

impl Rule for LogErrorSignature {
    fn id(&self) -> &'static str {
        "log-error-signature"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Failure signature in a container log",
            detects: "A container whose log holds a known failure signature: a Go, Rust or Node.js panic or unhandled error, a Java exception or OutOfMemoryError, a Python traceback, a segmentation fault, out of memory or killed, no space left on device, too many open files, a read-only file system, permission denied, a missing file, an exec format error, a command not found, connection refused, a DNS failure, a timeout, a TLS or certificate error, an address in use, an nginx [emerg], a FATAL line, or missing configuration. Critical when the container is crash-looping or exited with an error, warning when it is not ready; in a healthy container only crash-class signatures (as a warning) and persistent errors (as info) are reported.",
            evidence: "Every container log in the dump, scanned once with all signatures; the finding names the file and line of the hit, shows it with the lines around it or its whole stack trace, counts the matching lines (first and last), and lists the other signatures in the same log. The container's status (ready, restarts, exit code) sets the severity.",
            why: "The log is where a program says why it stopped: the runtime prints the panic, exception or traceback, the C library its error text (ENOSPC, EACCES, ENOENT…), the program its fatal message. Most have a handful of causes in Kubernetes: a missing ConfigMap, Secret or volume, a dependency not reachable, a memory limit too small, an image for another architecture, a read-only root file system.",
            remediation: "Read the excerpt and its explanation; for a stack trace, the application's own frames show where and the exception why. Fix the configuration, dependency or resource it names, or roll back the image that brought the bug. Add your own signatures or silence noisy ones with --rules FILE.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        // The analysis scans every log once, before the rules run.
        self.check_with(cx, &cx.logs, cx.catalog)
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::testing::{node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::{json, Value};

    fn crash_looping(mut p: Value) -> Value {
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 7,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
            "lastState": {"terminated": {"exitCode": 2, "reason": "Error"}}
        });
        p
    }

    fn with_log(pods: Vec<Value>, logs: &[(&str, &[u8])]) -> TinyDump {
        let mut d = TinyDump {
            nodes: vec![node("n1")],
            pods,
            ..Default::default()
        };
        for (name, body) in logs {
            d.logs.insert(
                ("shop".into(), name.to_string(), "app".into()),
                body.to_vec(),
            );
        }
        d
    }

    const GO_PANIC: &[u8] = b"I0601 11:54:30.000000       1 main.go:40] starting\n\
E0601 11:54:30.500000       1 db.go:12] dial tcp 10.96.0.20:5432: connect: connection refused\n\
panic: runtime error: invalid memory address or nil pointer dereference\n\
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n\
\n\
goroutine 1 [running]:\n\
main.(*Store).Get(0x0, {0x6b2f10, 0x3})\n\
\t/app/store.go:31 +0x1c\n\
main.main()\n\
\t/app/main.go:52 +0x2a5\n";

    #[test]
    fn a_crash_looping_go_panic_is_critical_with_its_trace() {
        let d = with_log(
            vec![crash_looping(pod("shop", "cart-1", "n1"))],
            &[("cart-1", GO_PANIC)],
        );
        let f = d.findings_of("log-error-signature");
        assert_eq!(f.len(), 1, "{f:#?}");
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.container.as_deref(), Some("app"));
        assert_eq!(f.facts["signature"], "go-panic");
        // Line 1 is the START marker; the panic is body line 3.
        assert_eq!(f.evidence[0].line, Some(4));
        assert_eq!(f.evidence[0].file, "shop/cart-1/logs.txt");
        assert!(
            f.summary.contains("Go panic") && f.summary.contains("nil pointer"),
            "{}",
            f.summary
        );
        let x = f.log_excerpt.as_ref().unwrap();
        assert_eq!(x.first_line, 2);
        assert_eq!(x.lines.last().unwrap(), "\t/app/main.go:52 +0x2a5");
        assert!(
            f.explanation.contains("connection-refused ×1"),
            "{}",
            f.explanation
        );
        assert!(f.facts["signatures"]["segfault"]["count"] == 1);
    }

    #[test]
    fn a_single_connection_refused_in_a_healthy_container_gives_nothing() {
        let log = b"starting\ndial tcp 10.96.0.20:5432: connect: connection refused\nretrying\nconnected\nserving on :8080\n";
        let d = with_log(vec![pod("shop", "ok-1", "n1")], &[("ok-1", log)]);
        assert!(d.findings_of("log-error-signature").is_empty());
    }

    #[test]
    fn persistent_errors_and_crash_lines_in_a_healthy_container_are_info() {
        let mut spam = Vec::new();
        for i in 0..40 {
            spam.extend(format!("2025-06-01T11:{:02}:00Z ERROR redis: dial tcp 10.96.0.9:6379: connect: connection refused\n", i % 60).as_bytes());
        }
        let panic_log = b"serving\nhttp: panic serving 10.0.0.1:1234: boom\nFATAL: could not open relation mapping file\nserving\n";
        let d = with_log(
            vec![pod("shop", "spam-1", "n1"), pod("shop", "fatal-1", "n1")],
            &[("spam-1", &spam), ("fatal-1", panic_log)],
        );
        let f = d.findings_of("log-error-signature");
        assert_eq!(f.len(), 2, "{f:#?}");
        let spam = f.iter().find(|f| f.subject.name == "spam-1").unwrap();
        assert_eq!(spam.severity, Severity::Info);
        assert_eq!(spam.facts["count"], 40);
        let fatal = f.iter().find(|f| f.subject.name == "fatal-1").unwrap();
        assert_eq!(fatal.severity, Severity::Info);
        // The recovered panic is info-level noise; the FATAL line is reported.
        assert_eq!(fatal.facts["signature"], "fatal-log");
    }

    #[test]
    fn a_failed_job_pod_is_critical_and_a_completed_one_is_quiet() {
        let mut failed = pod("shop", "migrate-1", "n1");
        failed["status"]["phase"] = json!("Failed");
        failed["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 1, "reason": "Error"}}
        });
        let mut done = pod("shop", "migrate-2", "n1");
        done["status"]["phase"] = json!("Succeeded");
        done["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}
        });
        let log: &[u8] = b"migrating\nTraceback (most recent call last):\n  File \"/app/m.py\", line 9, in <module>\n    db = os.environ[\"DATABASE_URL\"]\nKeyError: 'DATABASE_URL'\n";
        let ok: &[u8] = b"migrating\nretrying after connection refused\ndone\n";
        let d = with_log(vec![failed, done], &[("migrate-1", log), ("migrate-2", ok)]);
        let f = d.findings_of("log-error-signature");
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].subject.name, "migrate-1");
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].facts["signature"], "python-traceback");
        assert!(
            f[0].explanation.contains("missing-config"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn a_crash_line_in_a_restarted_container_is_a_warning() {
        let mut p = pod("shop", "rec-1", "n1");
        p["status"]["containerStatuses"][0]["restartCount"] = json!(6);
        p["status"]["containerStatuses"][0]["lastState"] =
            json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}});
        let d = with_log(vec![p], &[("rec-1", b"loading model\njava.lang.OutOfMemoryError: Java heap space\n\tat x.Y.z(Y.java:1)\n")]);
        let f = d.findings_of("log-error-signature");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].facts["signature"], "java-out-of-memory");
        assert!(
            f[0].explanation.contains("after 6 restarts"),
            "{}",
            f[0].explanation
        );
    }

    #[test]
    fn a_not_ready_container_gets_a_warning() {
        let mut p = pod("shop", "web-1", "n1");
        p["status"]["containerStatuses"][0]["ready"] = json!(false);
        let d = with_log(
            vec![p],
            &[("web-1", b"lookup db on 10.96.0.10:53: no such host\n")],
        );
        let f = d.findings_of("log-error-signature");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].facts["signature"], "dns-failure");
    }

    #[test]
    fn the_explaining_signature_prefers_severity_then_traces_then_the_end() {
        let log = b"Error: connect ECONNREFUSED 127.0.0.1:5432\n\
Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    main()\n\
ConnectionRefusedError: [Errno 111] Connection refused\n\
dial tcp: lookup cache: no such host\n";
        let d = with_log(
            vec![crash_looping(pod("shop", "py-1", "n1"))],
            &[("py-1", log)],
        );
        let f = d.findings_of("log-error-signature");
        assert_eq!(
            f[0].facts["signature"], "python-traceback",
            "{:#?}",
            f[0].facts
        );
        let x = f[0].log_excerpt.as_ref().unwrap();
        assert_eq!(
            x.lines.last().unwrap(),
            "ConnectionRefusedError: [Errno 111] Connection refused"
        );
    }
}
