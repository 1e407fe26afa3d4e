//! replica-create-failure: a controller that cannot create its pods
//! (ResourceQuota, admission webhook, Pod Security, missing service
//! account, …), read from FailedCreate events and the ReplicaFailure
//! condition.

use super::workload_unavailable::owning_deployment;
use crate::analyze::context::{clip, condition, Context};
use crate::analyze::{EventSummary, Finding, Rule, RuleDoc, Severity};
use crate::index::{WorkloadEntry, WorkloadKind};
use crate::model::ObjectRef;
use crate::quantity;
use regex::Regex;
use std::sync::LazyLock;

pub struct ReplicaCreateFailure;

// See: kubernetes/plugin/pkg/admission/resourcequota (quota messages),
// apiserver/pkg/admission/plugin/webhook/errors (webhook denials),
// pod-security-admission (PodSecurity violations).
static QUOTA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"exceeded quota: ([^,]+), requested: (.+?), used: (.+?), limited: (\S+?)\.?(?:\s|$)",
    )
    .unwrap()
});
static QUOTA_MUST_SPECIFY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"failed quota: ([^:]+): must specify (.+)").unwrap());
static WEBHOOK_DENIED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"admission webhook "([^"]+)" denied the request:?\s*(.*)"#).unwrap()
});
static WEBHOOK_FAILED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"failed calling webhook "([^"]+)":?\s*(.*)"#).unwrap());
static POD_SECURITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"violates PodSecurity "([^"]+)":?\s*(.*)"#).unwrap());
static SERVICE_ACCOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"serviceaccount "([^"]+)" not found"#).unwrap());

impl Rule for ReplicaCreateFailure {
    fn id(&self) -> &'static str {
        "replica-create-failure"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "ReplicaSet / DaemonSet / ReplicationController"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Controller cannot create its pods",
            detects: "A ReplicaSet, DaemonSet or ReplicationController whose pod creations are refused by the API server: FailedCreate events and/or the condition ReplicaFailure=True. The refusal is classified: a ResourceQuota exceeded (with the quota's name and the requested, used and limited amounts), a quota that requires requests/limits the pod does not set, a LimitRange, an admission webhook that denied the request or could not be called, a Pod Security violation, a missing service account, or another `forbidden`. Critical when the controller has no pod at all, warning when some exist. Not reported once every desired pod exists and no ReplicaFailure condition remains (the events are then history).",
            evidence: "The controller's FailedCreate events (deduplicated, with their total count, first and last time), its ReplicaFailure condition, and its spec.replicas/status.replicas (desiredNumberScheduled/currentNumberScheduled for DaemonSets).",
            why: "The controller asks the API server to create a pod and admission refuses it before any pod object exists, so no pod, no pod event and no log shows the problem: only the controller's events do. Quotas refuse pods once a namespace's requests or limits are used up, or when the pod does not declare the resources the quota counts; webhooks (Kyverno, Gatekeeper, Istio, …) refuse pods against their policy or fail closed when the webhook service is down; Pod Security refuses privileged settings in a restricted namespace; a deleted service account refuses every pod that names it.",
            remediation: "Quota: `kubectl -n NS describe resourcequota NAME`; raise the quota, lower the pod's requests/limits, or free the namespace's usage (old pods, unused workloads). Webhook denial: read the policy message and fix the pod template, or ask the policy owner for an exception; webhook call failures: fix the webhook's service or its failurePolicy. Pod Security: set the securityContext the level requires (runAsNonRoot, no privilege escalation, dropped capabilities, a seccomp profile) or relabel the namespace. Missing service account: create it or fix serviceAccountName. The controller retries by itself once the cause is gone.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        cx.ix
            .workloads
            .iter()
            .filter(|w| {
                matches!(
                    w.kind,
                    WorkloadKind::ReplicaSet
                        | WorkloadKind::DaemonSet
                        | WorkloadKind::ReplicationController
                )
            })
            .filter_map(|w| self.check_one(cx, w))
            .collect()
    }
}

/// What refused the pod, for people and for tools.
struct Refusal {
    /// Stable key for tools: `quota`, `admission-webhook`, …
    category: &'static str,
    /// Short phrase for the summary.
    short: String,
    /// A sentence or two for the explanation.
    detail: String,
    steps: Vec<String>,
    facts: serde_json::Map<String, serde_json::Value>,
}

impl ReplicaCreateFailure {
    fn check_one(&self, cx: &Context<'_>, w: &WorkloadEntry) -> Option<Finding> {
        let obj = &w.item.obj;
        let meta = &obj.metadata;
        let ns = meta.namespace.as_str();
        let kind = w.kind.as_str();
        let events = cx.events_of(kind, meta);
        let failed: Vec<_> = events
            .into_iter()
            .filter(|e| e.obj.reason == "FailedCreate")
            .collect();
        let replica_failure =
            condition(&obj.status.conditions, "ReplicaFailure").filter(|(_, c)| c.status == "True");
        if failed.is_empty() && replica_failure.is_none() {
            return None;
        }
        let (desired, existing) = if w.kind == WorkloadKind::DaemonSet {
            (
                obj.status.desired_number_scheduled.unwrap_or(0),
                obj.status.current_number_scheduled.unwrap_or(0),
            )
        } else {
            (
                obj.spec.replicas.unwrap_or(1),
                obj.status.replicas.unwrap_or(0),
            )
        };
        // Every pod exists and nothing says creation still fails: the
        // events are history.
        if replica_failure.is_none() && existing >= desired {
            return None;
        }
        let summaries = cx.summarize(&failed);
        let attempts: i64 = summaries.iter().map(|s| s.count).sum();
        let newest: Option<&EventSummary> = summaries
            .iter()
            .max_by(|a, b| a.last_seen.cmp(&b.last_seen));
        let message = newest
            .map(|s| s.message.clone())
            .or_else(|| replica_failure.map(|(_, c)| c.message.to_string()))
            .unwrap_or_default();
        let refusal = classify(&message, ns);

        let severity = if existing == 0 && desired > 0 {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let workload = if w.kind == WorkloadKind::ReplicaSet {
            owning_deployment(cx, obj)
                .map(|d| ObjectRef::new("Deployment", ns, &d.item.obj.metadata.name))
                .or_else(|| Some(ObjectRef::new(kind, ns, &meta.name)))
        } else {
            Some(ObjectRef::new(kind, ns, &meta.name))
        };
        let subject = ObjectRef::new(kind, ns, &meta.name);
        let noun = if w.kind == WorkloadKind::DaemonSet {
            "node pods"
        } else {
            "replicas"
        };
        let mut summary = format!(
            "{kind} {ns}/{} cannot create pods: {}",
            meta.name, refusal.short
        );
        if attempts > 0 {
            summary.push_str(&format!(
                " ({attempts} failed attempt{})",
                if attempts == 1 { "" } else { "s" }
            ));
        }
        let mut explanation = format!(
            "The API server refuses the pods this {kind} tries to create, so it has {existing} of {desired} {noun}. {}",
            refusal.detail
        );
        if let Some(s) = newest {
            explanation.push_str(&format!(
                " The controller reported FailedCreate {attempts} time{}{}{}.",
                if attempts == 1 { "" } else { "s" },
                summaries
                    .iter()
                    .filter_map(|s| s.first_seen.as_deref())
                    .min()
                    .map(|t| format!(" since {t}"))
                    .unwrap_or_default(),
                s.last_seen
                    .as_deref()
                    .map(|t| format!(", last at {t}"))
                    .unwrap_or_default()
            ));
        }
        explanation.push_str(&format!(
            " The refusal reads: \"{}\".",
            clip(strip_prefixes(&message), 400)
        ));
        if let Some(d) = workload.as_ref().filter(|d| d.kind == "Deployment") {
            explanation.push_str(&format!(" It belongs to Deployment {ns}/{}.", d.name));
        }

        let mut f = Finding::new(self, subject)
            .severity(severity)
            .workload(workload)
            .summary(summary)
            .explanation(explanation)
            .remediation(refusal.steps)
            .fact("category", refusal.category)
            .fact("failed_attempts", attempts)
            .fact("desired", desired)
            .fact("existing", existing);
        for (k, v) in refusal.facts {
            f = f.fact(&k, v);
        }
        if let Some((ci, c)) = replica_failure {
            f = f.evidence(cx.evidence(
                &w.item,
                &format!("/status/conditions/{ci}"),
                Some(format!("ReplicaFailure=True {}: {}", c.reason, c.message)),
            ));
        }
        for s in &summaries {
            let mut e = s.evidence.clone();
            e.excerpt = Some(clip(
                &format!("{} ×{}: {}", s.reason, s.count, s.message),
                400,
            ));
            f = f.evidence(e);
        }
        f = f.evidence(cx.evidence(
            &w.item,
            "/status",
            Some(if w.kind == WorkloadKind::DaemonSet {
                format!("desiredNumberScheduled {desired}, currentNumberScheduled {existing}")
            } else {
                format!("spec.replicas {desired}, status.replicas {existing}")
            }),
        ));
        Some(f.events(summaries))
    }
}

/// Removes the controller's wrapping: `(combined from similar events): `
/// and `Error creating: `.
fn strip_prefixes(m: &str) -> &str {
    let m = m.trim();
    let m = m
        .strip_prefix("(combined from similar events): ")
        .unwrap_or(m);
    m.strip_prefix("Error creating: ").unwrap_or(m)
}

/// `limits.memory=512Mi,requests.cpu=1` → pairs.
fn resources(list: &str) -> Vec<(String, String)> {
    list.split(',')
        .filter_map(|p| p.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn classify(message: &str, ns: &str) -> Refusal {
    let m = strip_prefixes(message);
    let mut facts = serde_json::Map::new();
    if let Some(c) = QUOTA.captures(m) {
        let name = c[1].trim().to_string();
        let (requested, used, limited) = (resources(&c[2]), resources(&c[3]), resources(&c[4]));
        let mut parts = Vec::new();
        for (res, req) in &requested {
            let u = used.iter().find(|(k, _)| k == res).map(|(_, v)| v.as_str());
            let l = limited
                .iter()
                .find(|(k, _)| k == res)
                .map(|(_, v)| v.as_str());
            match (u, l) {
                (Some(u), Some(l)) => {
                    let left = match (quantity::parse(u), quantity::parse(l)) {
                        (Some(u), Some(l)) => {
                            format!(", leaving {}", show_quantity(res, (l - u).max(0.0)))
                        }
                        _ => String::new(),
                    };
                    parts.push(format!(
                        "{res}: the pod needs {req}, {u} of {l} is already used{left}"
                    ))
                }
                _ => parts.push(format!("{res}: the pod needs {req}")),
            }
        }
        facts.insert("quota".into(), name.clone().into());
        facts.insert("requested".into(), c[2].trim().into());
        facts.insert("used".into(), c[3].trim().into());
        facts.insert("limited".into(), c[4].trim().into());
        let res_names: Vec<&str> = requested.iter().map(|(k, _)| k.as_str()).collect();
        return Refusal {
            category: "quota",
            short: format!("ResourceQuota {name} exceeded ({})", res_names.join(", ")),
            detail: format!(
                "The namespace's ResourceQuota {name} has no room for another pod: {}.",
                parts.join("; ")
            ),
            steps: vec![
                format!("`kubectl -n {ns} describe resourcequota {name}` shows what the namespace uses against its limits."),
                "Raise the quota, lower the pod template's requests/limits, or free usage in the namespace (workloads scaled up elsewhere, finished pods that still count).".to_string(),
                "The controller retries by itself once there is room.".to_string(),
            ],
            facts,
        };
    }
    if let Some(c) = QUOTA_MUST_SPECIFY.captures(m) {
        let name = c[1].trim().to_string();
        facts.insert("quota".into(), name.clone().into());
        return Refusal {
            category: "quota-must-specify",
            short: format!("ResourceQuota {name} requires requests/limits the pod does not set"),
            detail: format!(
                "The namespace's ResourceQuota {name} counts resources the pod template does not declare, and a quota refuses pods that leave them unset: must specify {}.",
                clip(c[2].trim(), 200)
            ),
            steps: vec![
                "Set the named requests/limits on every container of the pod template, or add a LimitRange with defaults for the namespace.".to_string(),
                format!("`kubectl -n {ns} describe resourcequota {name}` lists the resources it counts."),
            ],
            facts,
        };
    }
    if let Some(c) = WEBHOOK_DENIED.captures(m) {
        let hook = c[1].to_string();
        facts.insert("webhook".into(), hook.clone().into());
        return Refusal {
            category: "admission-webhook",
            short: format!("admission webhook {hook} denied the request"),
            detail: format!(
                "The admission webhook {hook} rejects the pod template against its policy: \"{}\".",
                clip(c[2].trim(), 300)
            ),
            steps: vec![
                "Change the pod template to satisfy the policy the message names, or ask the policy's owner for an exception.".to_string(),
                "`kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations` shows which component owns the webhook.".to_string(),
            ],
            facts,
        };
    }
    if let Some(c) = WEBHOOK_FAILED.captures(m) {
        let hook = c[1].to_string();
        facts.insert("webhook".into(), hook.clone().into());
        return Refusal {
            category: "admission-webhook-unreachable",
            short: format!("admission webhook {hook} could not be called"),
            detail: format!(
                "The API server could not call the admission webhook {hook}, and the webhook fails closed, so every pod it covers is refused: \"{}\".",
                clip(c[2].trim(), 300)
            ),
            steps: vec![
                "Check the webhook's service and pods (the component that owns it, e.g. a policy engine or a service mesh): they are down or unreachable from the API server.".to_string(),
                "If the webhook is gone for good, delete its webhook configuration; if it must not block pods, set its failurePolicy to Ignore.".to_string(),
            ],
            facts,
        };
    }
    if let Some(c) = POD_SECURITY.captures(m) {
        let level = c[1].to_string();
        facts.insert("pod_security_level".into(), level.clone().into());
        return Refusal {
            category: "pod-security",
            short: format!("violates PodSecurity \"{level}\""),
            detail: format!(
                "The namespace enforces the Pod Security level \"{level}\" and the pod template breaks it: {}.",
                clip(c[2].trim(), 300)
            ),
            steps: vec![
                "Set the securityContext the level requires (runAsNonRoot, allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile RuntimeDefault), or drop the privileged settings the message names.".to_string(),
                format!("If the workload really needs them, change the namespace's label `pod-security.kubernetes.io/enforce` (`kubectl get ns {ns} --show-labels`)."),
            ],
            facts,
        };
    }
    if let Some(c) = SERVICE_ACCOUNT.captures(m) {
        let sa = c[1].to_string();
        facts.insert("service_account".into(), sa.clone().into());
        return Refusal {
            category: "service-account-missing",
            short: format!("service account {sa} not found"),
            detail: format!(
                "The pod template names the service account {sa}, which does not exist in namespace {ns}, and pods cannot be created without it."
            ),
            steps: vec![
                format!("Create it (`kubectl -n {ns} create serviceaccount {sa}`) or fix serviceAccountName in the pod template."),
            ],
            facts,
        };
    }
    if m.contains("pod security policy") || m.contains("PodSecurityPolicy") {
        return Refusal {
            category: "pod-security-policy",
            short: "no PodSecurityPolicy allows the pod".to_string(),
            detail: "No PodSecurityPolicy that the controller's service account may use admits the pod template.".to_string(),
            steps: vec!["Grant a PodSecurityPolicy that fits the pod (RBAC `use` on the policy) or change the pod template to fit an allowed one.".to_string()],
            facts,
        };
    }
    if m.contains("usage per Container is")
        || m.contains("usage per Pod is")
        || m.contains("LimitRange")
    {
        return Refusal {
            category: "limit-range",
            short: "outside the namespace's LimitRange".to_string(),
            detail: "The pod's requests or limits fall outside the minimum/maximum a LimitRange of the namespace sets.".to_string(),
            steps: vec![
                format!("`kubectl -n {ns} describe limitrange` shows the bounds; bring the pod template's resources within them."),
            ],
            facts,
        };
    }
    if m.contains("is forbidden") {
        return Refusal {
            category: "forbidden",
            short: "pod creation is forbidden".to_string(),
            detail: "An admission check forbids the pod; the message below says which.".to_string(),
            steps: vec!["Read the message below: it names the admission plugin or policy and what it objects to; change the pod template or the policy.".to_string()],
            facts,
        };
    }
    Refusal {
        category: "other",
        short: clip(m, 120),
        detail: "The API server refused the pod.".to_string(),
        steps: vec![
            "Read the message below and fix the pod template or the cluster component it names."
                .to_string(),
        ],
        facts,
    }
}

/// A quota amount for people: bytes for memory and storage, cores for CPU.
fn show_quantity(resource: &str, v: f64) -> String {
    if resource.contains("memory") || resource.contains("storage") {
        quantity::format_bytes(v.round() as u64)
    } else if resource.contains("cpu") {
        quantity::format_cpu((v * 1000.0).round() as u64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::classify;
    use crate::analyze::testing::{demo_findings_of, event, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::{json, Value};

    fn rs(name: &str, replicas: i64, existing: i64) -> Value {
        json!({
            "metadata": {"name": name, "namespace": "shop", "uid": format!("uid-{name}")},
            "spec": {"replicas": replicas},
            "status": {"replicas": existing, "readyReplicas": existing, "availableReplicas": existing}
        })
    }

    #[test]
    fn fires_on_quota_refusals_and_sums_the_attempts() {
        let msg = "Error creating: pods \"mailer-abc-x1\" is forbidden: exceeded quota: team-quota, requested: limits.memory=512Mi, used: limits.memory=7936Mi, limited: limits.memory=8Gi";
        let mut combined = event(
            "shop",
            "ReplicaSet",
            "mailer-abc",
            "Warning",
            "FailedCreate",
            &format!(
                "(combined from similar events): {}",
                msg.replace("x1", "k9")
            ),
            23,
        );
        combined["metadata"]["name"] = "mailer-abc.combined".into();
        let d = TinyDump {
            nodes: vec![node("n1")],
            replicasets: vec![rs("mailer-abc", 3, 1), rs("quiet-abc", 2, 2)],
            pods: vec![pod("shop", "mailer-abc-ok", "n1")],
            events: vec![
                event(
                    "shop",
                    "ReplicaSet",
                    "mailer-abc",
                    "Warning",
                    "FailedCreate",
                    msg,
                    1,
                ),
                combined,
                // Resolved long ago: every replica exists now.
                event(
                    "shop",
                    "ReplicaSet",
                    "quiet-abc",
                    "Warning",
                    "FailedCreate",
                    msg,
                    4,
                ),
            ],
            ..Default::default()
        };
        let f = d.findings_of("replica-create-failure");
        assert_eq!(f.len(), 1, "{:#?}", f);
        let f = &f[0];
        assert_eq!(f.severity, Severity::Warning, "one replica exists");
        assert_eq!(
            f.summary,
            "ReplicaSet shop/mailer-abc cannot create pods: ResourceQuota team-quota exceeded (limits.memory) (24 failed attempts)"
        );
        assert!(
            f.explanation.contains(
                "limits.memory: the pod needs 512Mi, 7936Mi of 8Gi is already used, leaving 256Mi"
            ),
            "{}",
            f.explanation
        );
        assert_eq!(f.facts["quota"], "team-quota");
        assert_eq!(f.facts["limited"], "limits.memory=8Gi");
        assert_eq!(f.facts["failed_attempts"], 24);
        assert_eq!(f.facts["category"], "quota");
        assert_eq!(f.events.len(), 2);
    }

    #[test]
    fn critical_without_any_pod_and_classifies_admission_refusals() {
        let d = TinyDump {
            nodes: vec![node("n1")],
            daemonsets: vec![json!({
                "metadata": {"name": "agent", "namespace": "shop", "uid": "uid-agent"},
                "spec": {},
                "status": {"desiredNumberScheduled": 2, "currentNumberScheduled": 0, "numberReady": 0}
            })],
            events: vec![event("shop", "DaemonSet", "agent", "Warning", "FailedCreate",
                "Error creating: pods \"agent-x\" is forbidden: violates PodSecurity \"restricted:latest\": privileged (container \"agent\" must not set securityContext.privileged=true)", 7)],
            ..Default::default()
        };
        let f = d.findings_of("replica-create-failure");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Critical);
        assert_eq!(f[0].facts["category"], "pod-security");
        assert!(
            f[0].summary
                .contains("violates PodSecurity \"restricted:latest\""),
            "{}",
            f[0].summary
        );

        let webhook = classify("Error creating: admission webhook \"validate.kyverno.svc-fail\" denied the request: policy require-labels: label app.kubernetes.io/name is required", "shop");
        assert_eq!(webhook.category, "admission-webhook");
        assert_eq!(webhook.facts["webhook"], "validate.kyverno.svc-fail");
        let unreachable = classify("Internal error occurred: failed calling webhook \"sidecar-injector.istio.io\": Post \"https://istiod.istio-system.svc:443/inject\": dial tcp 10.96.1.2:443: connect: connection refused", "shop");
        assert_eq!(unreachable.category, "admission-webhook-unreachable");
        let sa = classify("Error creating: pods \"x\" is forbidden: error looking up service account shop/builder: serviceaccount \"builder\" not found", "shop");
        assert_eq!(sa.category, "service-account-missing");
        assert_eq!(sa.facts["service_account"], "builder");
        let must = classify("Error creating: pods \"x\" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app", "shop");
        assert_eq!(must.category, "quota-must-specify");
        let two = classify("pods \"x\" is forbidden: exceeded quota: q, requested: limits.cpu=2,limits.memory=1Gi, used: limits.cpu=3,limits.memory=1Gi, limited: limits.cpu=4,limits.memory=2Gi", "shop");
        assert!(
            two.detail
                .contains("limits.cpu: the pod needs 2, 3 of 4 is already used, leaving 1"),
            "{}",
            two.detail
        );
        assert_eq!(classify("something odd", "shop").category, "other");
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("replica-create-failure");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        let f = &f[0];
        assert_eq!(f.subject.kind, "ReplicaSet");
        assert_eq!(f.subject.name, "notifications-5c6d7e8f9");
        assert_eq!(f.workload.as_ref().unwrap().name, "notifications");
        assert_eq!(f.severity, Severity::Warning, "1 of 3 pods exists");
        assert_eq!(f.facts["failed_attempts"], 24);
        assert_eq!(f.facts["quota"], "shop-quota");
        assert_eq!(f.facts["requested"], "limits.memory=512Mi");
        assert!(f.explanation.contains("leaving 256Mi"), "{}", f.explanation);
        assert!(f.evidence.iter().any(|e| e
            .pointer
            .as_deref()
            .is_some_and(|p| p.ends_with("/status/conditions/0"))));
    }
}
