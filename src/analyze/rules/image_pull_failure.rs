//! image-pull-failure: a container whose image cannot be pulled.
//!
//! The waiting reason says *that* the pull failed; *why* is in the
//! registry's answer, which the kubelet puts in the waiting message of
//! `ErrImagePull` and in the `Failed` events ("Failed to pull image …"),
//! but not in the `Back-off pulling image` message of `ImagePullBackOff`.
//! The cause is classified from that text: a missing image or tag,
//! credentials, TLS trust, no network path to the registry, rate limiting,
//! a malformed reference, or `imagePullPolicy: Never` without the image.

use crate::analyze::context::{clip, status_pointer, Context};
use crate::analyze::Severity;
use crate::analyze::{Finding, Rule, RuleDoc};
use crate::dump::Located;
use crate::model::{ContainerStatus, Event, Pod};

pub struct ImagePullFailure;

/// Waiting reasons of a failed pull (kubelet `images` package).
const PULL_REASONS: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
    "ImageInspectError",
    "RegistryUnavailable",
    "ErrImagePullBackOff",
];

impl Rule for ImagePullFailure {
    fn id(&self) -> &'static str {
        "image-pull-failure"
    }
    fn severity(&self) -> Severity {
        Severity::Critical
    }
    fn subject(&self) -> &'static str {
        "Pod (+container)"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Image cannot be pulled",
            detects: "A container or init container waiting with reason ImagePullBackOff, ErrImagePull, InvalidImageName, ErrImageNeverPull, ImageInspectError or RegistryUnavailable. The container never starts. The cause is classified from the registry's message: image or tag not found, credentials, TLS trust, network, rate limit, wrong platform, malformed reference, or pull policy Never.",
            evidence: "state.waiting (reason and message) of the container status, the container's image in the pod spec, and the pod's events about the container: `Failed` (\"Failed to pull image …: <registry message>\", \"Error: ErrImagePull\"), `BackOff` (\"Back-off pulling image …\"), `ErrImageNeverPull`, `InspectFailed`.",
            why: "The image reference is wrong (typo, a tag that was never pushed or was deleted), the registry wants credentials the pod does not have (missing or wrong imagePullSecrets, an expired token), the node does not trust the registry's certificate (private CA, self-signed), the node cannot reach the registry (egress firewall, proxy, DNS, an air-gapped cluster), the registry throttles anonymous pulls (Docker Hub), the image has no build for the node's architecture, or imagePullPolicy is Never and the image is not preloaded on the node.",
            remediation: "Read the registry's message in the finding. Not found: check the name and tag (`crane ls`, `docker manifest inspect`) and push or fix the tag. Unauthorized: create a docker-registry secret and reference it in imagePullSecrets (or on the service account). TLS: add the registry's CA to the nodes' container runtime. Network: test from the node (`crictl pull`, `curl https://<registry>/v2/`) and open the egress path or configure a mirror. Rate limit: authenticate or use a mirror. Never: preload the image or change the policy to IfNotPresent.",
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
                    if !PULL_REASONS.contains(&w.reason.as_str()) {
                        continue;
                    }
                    out.push(self.finding(cx, pi, item, init, si, st));
                }
            }
        }
        out
    }
}

impl ImagePullFailure {
    fn finding(
        &self,
        cx: &Context<'_>,
        pi: usize,
        item: &Located<Pod>,
        init: bool,
        si: usize,
        st: &ContainerStatus,
    ) -> Finding {
        let pod = &item.obj;
        let w = st.state.waiting.as_ref().expect("checked by the caller");
        let ns = &pod.metadata.namespace;
        let spec = if init {
            &pod.spec.init_containers
        } else {
            &pod.spec.containers
        };
        let spec_i = spec.iter().position(|c| c.name == st.name);
        let image = spec_i
            .map(|i| spec[i].image.clone())
            .filter(|i| !i.is_empty())
            .unwrap_or_else(|| st.image.clone());
        let events = cx.container_events(pod, &st.name);
        // The registry's answers: the waiting message when it is more than
        // the back-off notice, then the kubelet's Failed events, newest first.
        let mut messages: Vec<String> = Vec::new();
        if !w.message.is_empty() && !w.message.starts_with("Back-off pulling image") {
            messages.push(w.message.to_string());
        }
        let pull_events: Vec<&Located<Event>> = events
            .iter()
            .rev()
            .filter(|e| {
                let m = &e.obj.message;
                matches!(
                    e.obj.reason.as_str(),
                    "Failed" | "ErrImageNeverPull" | "InspectFailed"
                ) && !m.starts_with("Error: ")
                    && (m.contains("pull image")
                        || m.contains("pull policy")
                        || m.contains("image reference")
                        || m.contains("inspect image")
                        || e.obj.reason != "Failed")
            })
            .copied()
            .collect();
        for e in &pull_events {
            if !messages.iter().any(|m| *m == e.obj.message) {
                messages.push(e.obj.message.to_string());
            }
        }
        let failed_pulls: i64 = pull_events.iter().map(|e| e.obj.occurrences()).sum();
        let cause = classify(&w.reason, &messages.join("\n"));
        let registry = registry_of(&image);

        let kind = if init { "Init container" } else { "Container" };
        let summary = format!(
            "{kind} {} of pod {ns}/{} cannot pull image {image} ({}: {})",
            st.name, pod.metadata.name, w.reason, cause.short
        );
        let mut explanation = format!(
            "The kubelet{} could not pull the image {image} from {registry}; the container is waiting with reason {}",
            if pod.spec.node_name.is_empty() { String::new() } else { format!(" on {}", pod.spec.node_name) },
            w.reason
        );
        if w.reason == "ImagePullBackOff" {
            explanation
                .push_str(" and the kubelet retries with a growing back-off (up to 5 minutes)");
        }
        explanation.push_str(", so it never starts");
        if init {
            explanation.push_str(" and the pod's other containers wait for it");
        }
        explanation.push('.');
        if failed_pulls > 0 {
            explanation.push_str(&format!(
                " The dump's events record {failed_pulls} failed pull{}.",
                if failed_pulls == 1 { "" } else { "s" }
            ));
        }
        match messages.first() {
            Some(m) => explanation.push_str(&format!(" The registry's answer: \"{}\".", clip(m, 400))),
            None => explanation.push_str(
                " The dump holds no message from the registry (the Failed events may have expired); the reason alone does not tell why.",
            ),
        }
        explanation.push(' ');
        explanation.push_str(cause.explanation);
        if cause.id == "unauthorized" {
            // Which credentials the pod names, and whether the kubelet
            // could even find them (FailedToRetrieveImagePullSecret).
            let secrets: Vec<&str> = pod
                .spec
                .image_pull_secrets
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            let missing: Vec<&str> = events
                .iter()
                .filter(|e| e.obj.reason == "FailedToRetrieveImagePullSecret")
                .map(|e| e.obj.message.as_str())
                .collect();
            if secrets.is_empty() {
                explanation.push_str(&format!(
                    " The pod names no imagePullSecrets, so credentials could only come from its service account ({}) or the node.",
                    if pod.spec.service_account_name.is_empty() { "default" } else { &pod.spec.service_account_name }
                ));
            } else {
                explanation.push_str(&format!(
                    " The pod names the pull secret{} {}",
                    if secrets.len() == 1 { "" } else { "s" },
                    secrets.join(", ")
                ));
                match missing.first() {
                    Some(m) => explanation.push_str(&format!(
                        ", but the kubelet could not read it: \"{}\".",
                        clip(m, 300)
                    )),
                    None => explanation
                        .push_str(": check that it holds valid credentials for this registry."),
                }
            }
        }
        if messages.len() > 1 {
            let other: Vec<&str> = messages[1..]
                .iter()
                .map(|m| classify(&w.reason, m).short)
                .filter(|s| *s != cause.short)
                .collect();
            if !other.is_empty() {
                explanation.push_str(&format!(
                    " Earlier attempts also failed with: {}.",
                    dedup(other).join(", ")
                ));
            }
        }

        let mut remediation: Vec<String> = cause
            .remediation
            .iter()
            .map(|r| {
                r.replace("{image}", &image)
                    .replace("{registry}", &registry)
                    .replace("{ns}", ns)
            })
            .collect();
        remediation.push(format!(
            "After fixing it, the kubelet retries by itself; to retry at once, delete the pod: `kubectl -n {ns} delete pod {}`.",
            pod.metadata.name
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
                &format!("{}/state/waiting", status_pointer(init, si)),
                Some(format!("waiting: {} {}", w.reason, w.message)),
            ))
            .fact("image", &image)
            .fact("registry", &registry)
            .fact("reason", &w.reason)
            .fact("cause", cause.id)
            .fact("registry_message", messages.first())
            .fact("failed_pulls", failed_pulls)
            .fact("init_container", init);
        if let Some(i) = spec_i {
            let key = if init { "initContainers" } else { "containers" };
            f = f.evidence(cx.evidence(
                item,
                &format!("/spec/{key}/{i}/image"),
                Some(format!("image: {image}")),
            ));
        }
        if let Some(e) = pull_events.first() {
            f = f.evidence(cx.evidence(
                e,
                "",
                Some(format!("{}: {}", e.obj.reason, e.obj.message)),
            ));
        }
        f.events(cx.summarize(&cx.events_of("Pod", &pod.metadata)))
    }
}

/// What a registry message means.
struct Cause {
    id: &'static str,
    short: &'static str,
    explanation: &'static str,
    remediation: &'static [&'static str],
}

/// Classifies a pull failure from the waiting reason and the registry's
/// messages. The order matters: a TLS handshake *timeout* is a network
/// problem, not a trust problem; Docker Hub's "pull access denied …
/// repository does not exist or may require 'docker login'" is either.
fn classify(reason: &str, text: &str) -> Cause {
    let m = text.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
    if reason == "ErrImageNeverPull" || has(&["pull policy of never", "imagepullpolicy is never"]) {
        return Cause {
            id: "never-pull",
            short: "imagePullPolicy Never and the image is not on the node",
            explanation: "The container's imagePullPolicy is Never, so the kubelet only uses an image already present on the node, and this node does not have it.",
            remediation: &[
                "Preload {image} on every node that may run the pod (`crictl pull`, `kind load docker-image`, `minikube image load`), or",
                "set imagePullPolicy to IfNotPresent so the kubelet may pull it.",
            ],
        };
    }
    if reason == "InvalidImageName"
        || has(&[
            "invalid reference format",
            "couldn't parse image reference",
            "invalidimagename",
        ])
    {
        return Cause {
            id: "invalid-name",
            short: "malformed image reference",
            explanation: "The image reference is not a valid name: upper-case letters in the repository, a stray space or colon, an empty tag, or an unexpanded template variable.",
            remediation: &[
                "Fix the image field: `registry/repository:tag` or `…@sha256:<digest>`, lower-case repository, no spaces; check the values your Helm chart or kustomization substitutes.",
            ],
        };
    }
    if has(&["no matching manifest for", "no match for platform"]) {
        return Cause {
            id: "platform",
            short: "no image for the node's platform",
            explanation: "The image exists but has no build for the node's operating system and architecture (for example an amd64-only image on an arm64 node).",
            remediation: &[
                "Build and push a multi-architecture image (`docker buildx build --platform linux/amd64,linux/arm64`), or",
                "schedule the pod only on nodes of a matching architecture (nodeSelector kubernetes.io/arch).",
            ],
        };
    }
    if has(&["toomanyrequests", "429 too many requests", "rate limit"]) {
        return Cause {
            id: "rate-limited",
            short: "the registry is rate limiting pulls",
            explanation: "The registry refused the pull because too many were made (Docker Hub limits anonymous and free-account pulls per IP address, and a cluster's nodes often share one).",
            remediation: &[
                "Authenticate the pulls (imagePullSecrets with a registry account) so the per-account limit applies,",
                "or pull through a mirror or cache (containerd registry mirror, a pull-through cache) or copy the image to your own registry.",
            ],
        };
    }
    if has(&[
        "handshake timeout",
        "dial tcp",
        "i/o timeout",
        "no such host",
        "connection refused",
        "network is unreachable",
        "no route to host",
        "connection reset",
        "server misbehaving",
        "context deadline exceeded",
        "temporary failure in name resolution",
    ]) {
        return Cause {
            id: "network",
            short: "the node cannot reach the registry",
            explanation: "The node has no working network path to the registry: its name does not resolve, the connection is refused or times out (egress firewall, proxy settings, private endpoint, an air-gapped cluster), or the registry is down.",
            remediation: &[
                "From the node, test the path: `crictl pull {image}`, `nslookup {registry}`, `curl -v https://{registry}/v2/`.",
                "Open egress to {registry} (firewall, NAT, security groups), set the container runtime's HTTP(S)_PROXY, or configure a registry mirror the nodes can reach.",
            ],
        };
    }
    if has(&["x509", "certificate", "tls:"]) {
        return Cause {
            id: "tls",
            short: "the node does not trust the registry's TLS certificate",
            explanation: "The TLS connection to the registry failed: its certificate is signed by a CA the node does not trust (a private or self-signed CA, a TLS-intercepting proxy), is expired, or does not match the registry's name.",
            remediation: &[
                "Install the registry's CA certificate for the container runtime on every node (containerd: /etc/containerd/certs.d/{registry}/ca.crt; Docker: /etc/docker/certs.d/{registry}/ca.crt),",
                "or fix the registry's certificate (name, expiry, full chain). Use an insecure-registry setting only for testing.",
            ],
        };
    }
    if has(&[
        "pull access denied",
        "may require 'docker login'",
        "may require \"docker login\"",
    ]) {
        return Cause {
            id: "denied-or-not-found",
            short: "access denied or the repository does not exist",
            explanation: "The registry refused access to the repository. Docker Hub answers this way both when the repository does not exist (a typo in the name) and when it is private and the pull has no credentials.",
            remediation: &[
                "Check the repository name for typos (`docker manifest inspect {image}` from a logged-in machine).",
                "If it is private, create a pull secret (`kubectl -n {ns} create secret docker-registry regcred --docker-server={registry} --docker-username=… --docker-password=…`) and add it to the pod's imagePullSecrets or its service account.",
            ],
        };
    }
    if has(&[
        "unauthorized",
        "authentication required",
        "no basic auth credentials",
        "authorization failed",
        "denied",
        "403 forbidden",
        "forbidden",
        "invalid username/password",
    ]) {
        return Cause {
            id: "unauthorized",
            short: "the registry refused the credentials",
            explanation: "The registry requires credentials the pull did not have or rejected: no imagePullSecrets on the pod or its service account, a secret for another registry host, or an expired token or password.",
            remediation: &[
                "Create or refresh a pull secret: `kubectl -n {ns} create secret docker-registry regcred --docker-server={registry} --docker-username=… --docker-password=…`.",
                "Reference it in the pod's spec.imagePullSecrets or on its service account (`kubectl -n {ns} patch serviceaccount default -p '{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}'`); check that the secret's server matches {registry} exactly.",
            ],
        };
    }
    if has(&[
        "not found",
        "manifest unknown",
        "notfound",
        "name unknown",
        "repository does not exist",
    ]) {
        return Cause {
            id: "not-found",
            short: "image or tag not found",
            explanation: "The registry does not have this image: a typo in the repository or tag, a tag that was never pushed (a failed CI build), or one that was deleted by a retention policy.",
            remediation: &[
                "Check that the tag exists: `crane ls {registry}/<repository>` or `docker manifest inspect {image}`.",
                "Push the missing tag, or point the workload at a tag that exists (and roll back the rollout if a new version introduced it).",
            ],
        };
    }
    if has(&["no space left on device"]) {
        return Cause {
            id: "node-disk",
            short: "the node's disk is full",
            explanation: "The node ran out of disk space while unpacking the image.",
            remediation: &[
                "Free space on the node's image filesystem (`crictl rmi --prune`), check its DiskPressure condition, or give it a bigger disk.",
            ],
        };
    }
    Cause {
        id: "unknown",
        short: "pull failed",
        explanation:
            "The message does not match a known cause; read it for the registry's own words.",
        remediation: &[
            "Reproduce the pull on the node (`crictl pull {image}`) to see the full error.",
            "Check the image name, the registry's availability, and the pod's imagePullSecrets.",
        ],
    }
}

/// The registry host of an image reference (Docker Hub when the first
/// path component is not a host name).
fn registry_of(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first.to_string()
        }
        _ => "docker.io".to_string(),
    }
}

fn dedup(v: Vec<&str>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{classify, registry_of};
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn pulling(name: &str, reason: &str, message: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["status"]["phase"] = "Pending".into();
        p["status"]["containerStatuses"][0] = json!({
            "name": "app", "ready": false, "restartCount": 0, "image": "registry.example.com/app:1.0",
            "state": {"waiting": {"reason": reason, "message": message}}
        });
        p
    }

    #[test]
    fn fires_with_the_registry_message_from_the_failed_event() {
        let p = pulling(
            "web-1",
            "ImagePullBackOff",
            "Back-off pulling image \"registry.example.com/app:1.0\"",
        );
        let mut failed = event("shop", "Pod", "web-1", "Warning", "Failed", "Failed to pull image \"registry.example.com/app:1.0\": rpc error: code = Unknown desc = failed to pull and unpack image: failed to resolve reference \"registry.example.com/app:1.0\": unexpected status from HEAD request: 401 Unauthorized", 7);
        failed["involvedObject"]["fieldPath"] = "spec.containers{app}".into();
        let mut generic = event(
            "shop",
            "Pod",
            "web-1",
            "Warning",
            "Failed",
            "Error: ErrImagePull",
            7,
        );
        generic["involvedObject"]["fieldPath"] = "spec.containers{app}".into();
        generic["metadata"]["name"] = "web-1.generic".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![p, pod("shop", "ok-1", "n1")],
            events: vec![failed, generic],
            ..Default::default()
        };
        let a = d.analysis();
        let f = a.findings_of("image-pull-failure");
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.facts["cause"], "unauthorized");
        assert_eq!(f.facts["registry"], "registry.example.com");
        assert_eq!(f.facts["failed_pulls"], 7);
        assert!(
            f.summary
                .contains("cannot pull image registry.example.com/app:1.0"),
            "{}",
            f.summary
        );
        assert!(
            f.explanation.contains("401 Unauthorized"),
            "{}",
            f.explanation
        );
        assert!(f.remediation.iter().any(|r| r.contains("imagePullSecrets")));
        assert_eq!(
            f.evidence[0].pointer.as_deref(),
            Some("/items/0/status/containerStatuses/0/state/waiting")
        );
        // No start-failure finding for the same container.
        assert!(a.findings_of("container-start-failure").is_empty());
    }

    #[test]
    fn classifies_real_registry_messages() {
        let cases = [
            ("ErrImagePull", "rpc error: code = Unknown desc = Error response from daemon: Get \"https://noimage.com/v2/\": x509: certificate is not valid for any names, but wanted to match noimage.com", "tls"),
            ("ErrImagePull", "rpc error: code = Unknown desc = Error response from daemon: Get \"https://noimage.com/v2/\": net/http: TLS handshake timeout", "network"),
            ("ErrImagePull", "rpc error: code = NotFound desc = failed to pull and unpack image \"ghcr.io/a/b:3.9.0\": failed to resolve reference \"ghcr.io/a/b:3.9.0\": ghcr.io/a/b:3.9.0: not found", "not-found"),
            ("ErrImagePull", "Error response from daemon: pull access denied for foo, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", "denied-or-not-found"),
            ("ErrImagePull", "failed to do request: Head \"https://r.example/v2/a/manifests/1\": dial tcp: lookup r.example on 10.0.0.10:53: no such host", "network"),
            ("ErrImagePull", "429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.", "rate-limited"),
            ("ErrImagePull", "no matching manifest for linux/arm64/v8 in the manifest list entries", "platform"),
            ("InvalidImageName", "Failed to apply default image tag \"App:1\": couldn't parse image reference \"App:1\": invalid reference format", "invalid-name"),
            ("ErrImageNeverPull", "Container image \"app:dev\" is not present with pull policy of Never", "never-pull"),
            ("ImagePullBackOff", "", "unknown"),
        ];
        for (reason, msg, want) in cases {
            assert_eq!(classify(reason, msg).id, want, "{msg}");
        }
        assert_eq!(registry_of("nginx:1.27"), "docker.io");
        assert_eq!(registry_of("library/nginx"), "docker.io");
        assert_eq!(registry_of("localhost:5000/app"), "localhost:5000");
        assert_eq!(registry_of("ghcr.io/acme/app:1"), "ghcr.io");
    }

    #[test]
    fn no_finding_for_running_or_creating_containers() {
        let creating = pulling("new-1", "ContainerCreating", "");
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![creating, pod("shop", "ok-1", "n1")],
            ..Default::default()
        };
        assert!(d.findings_of("image-pull-failure").is_empty());
    }

    #[test]
    fn demo_finds_the_frontend_tag_that_does_not_exist() {
        let f = demo_findings_of("image-pull-failure");
        assert_eq!(
            f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ["image-pull-failure:Pod/shop/frontend-7d8f9b6c5-b5wrn/frontend"]
        );
        assert_eq!(f[0].facts["image"], "ghcr.io/acme-shop/frontend:3.9.0");
        assert_eq!(f[0].facts["cause"], "not-found");
        assert!(
            f[0].explanation.contains("not found"),
            "{}",
            f[0].explanation
        );
    }
}
