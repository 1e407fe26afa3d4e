//! service-port-mismatch: a Service port whose targetPort no selected pod
//! declares.

use super::service_no_endpoints::{applies, name_list, selected_pods};
use super::workload_unavailable::is_terminal;
use crate::analyze::context::Context;
use crate::analyze::{Finding, Rule, RuleDoc, Severity};
use crate::model::{ContainerPort, ObjectRef, Pod, ServicePort};
use std::collections::BTreeSet;

pub struct ServicePortMismatch;

impl Rule for ServicePortMismatch {
    fn id(&self) -> &'static str {
        "service-port-mismatch"
    }
    fn severity(&self) -> Severity {
        Severity::Warning
    }
    fn subject(&self) -> &'static str {
        "Service"
    }
    fn doc(&self) -> RuleDoc {
        RuleDoc {
            title: "Service targetPort matches no container port",
            detects: "A Service port whose targetPort (a name, or a number; absent means the same as `port`) matches no port of the pods the selector picks. A named targetPort must exist as a port name, with the same protocol, in at least one selected pod (regular containers and native sidecars): otherwise the endpoints controller leaves every pod out of that port and it has no endpoints. A numeric targetPort is reported only when the selected pods declare container ports and none has that number; pods that declare no ports at all are not reported, because containerPort is informational and traffic reaches any port the process listens on. Only Services whose selector matches pods are checked (service-no-endpoints covers the others); pods that have finished are ignored when running ones exist.",
            evidence: "The Service's spec.ports (port, targetPort, protocol, name) and the containers[].ports and sidecar initContainers[].ports (name, containerPort, protocol) of the selected pods.",
            why: "The Service and the pod template were edited separately: a port renamed (`metrics` vs `http-metrics`), a new port exposed on the Service but never declared in the container, an application moved to another port, a Helm chart's values that set one side only, or a UDP/TCP protocol that differs between the two.",
            remediation: "Compare `kubectl -n NS get svc NAME -o jsonpath='{.spec.ports}'` with the pods' `kubectl -n NS get pod POD -o jsonpath='{.spec.containers[*].ports}'`. Fix the Service's targetPort to a name or number the container has, or add the port (with that name) to the container in the pod template. `kubectl -n NS get endpointslices -l kubernetes.io/service-name=NAME` then lists the port.",
        }
    }

    fn check(&self, cx: &Context<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in &cx.ix.services {
            let svc = &item.obj;
            if !applies(cx, svc) {
                continue;
            }
            let selected = selected_pods(cx, svc);
            let live: Vec<usize> = selected
                .iter()
                .copied()
                .filter(|i| !is_terminal(&cx.ix.pods[*i].obj))
                .collect();
            let pods: Vec<&Pod> = if live.is_empty() { &selected } else { &live }
                .iter()
                .map(|i| &cx.ix.pods[*i].obj)
                .collect();
            if pods.is_empty() {
                continue;
            }
            let declared: Vec<&ContainerPort> =
                pods.iter().flat_map(|p| serving_ports(p)).collect();
            let mut bad = Vec::new();
            for (pi, sp) in svc.spec.ports.iter().enumerate() {
                if let Some(problem) = mismatch(sp, &pods, &declared) {
                    bad.push((pi, sp, problem));
                }
            }
            if bad.is_empty() {
                continue;
            }
            let meta = &svc.metadata;
            let ns = meta.namespace.as_str();
            let have: BTreeSet<String> = declared.iter().map(|p| show_container_port(p)).collect();
            let have: Vec<String> = have.into_iter().collect();
            let have_text = if have.is_empty() {
                "no ports".to_string()
            } else {
                name_list(&have, 6)
            };
            let pod_names: Vec<String> = pods.iter().map(|p| p.metadata.name.to_string()).collect();
            let (_, first_port, first_problem) = &bad[0];
            let mut summary = format!(
                "Service {ns}/{} port {} targets {}, which {}",
                meta.name,
                show_service_port(first_port),
                show_target(first_port),
                first_problem.short()
            );
            if bad.len() > 1 {
                summary.push_str(&format!(
                    " (and {} more port{})",
                    bad.len() - 1,
                    if bad.len() == 2 { "" } else { "s" }
                ));
            }
            summary.push_str(&format!(" (the pods declare {have_text})"));
            let mut explanation = format!(
                "The selector matches {} pod{} ({}), whose containers declare {have_text}.",
                pods.len(),
                if pods.len() == 1 { "" } else { "s" },
                name_list(&pod_names, 3)
            );
            for (_, sp, problem) in &bad {
                explanation.push_str(&format!(
                    " Port {} targets {}: {}",
                    show_service_port(sp),
                    show_target(sp),
                    problem.explain()
                ));
            }
            let workloads: BTreeSet<ObjectRef> =
                live.iter().filter_map(|i| cx.workload_of(*i)).collect();
            let workload = (workloads.len() == 1)
                .then(|| workloads.iter().next().cloned())
                .flatten();
            let mut f = Finding::new(self, ObjectRef::new("Service", ns, &meta.name))
                .workload(workload)
                .summary(summary)
                .explanation(explanation)
                .remediation([
                    format!(
                        "Set the Service's targetPort to a port the containers have ({have_text}), or declare the port in the pod template: `kubectl -n {ns} edit service {}`.",
                        meta.name
                    ),
                    format!(
                        "Check the result: `kubectl -n {ns} get endpointslices -l kubernetes.io/service-name={}` lists the port with addresses.",
                        meta.name
                    ),
                ])
                .fact(
                    "mismatched_ports",
                    bad.iter()
                        .map(|(_, sp, problem)| {
                            serde_json::json!({
                                "name": sp.name,
                                "port": sp.port,
                                "target_port": target_of(sp),
                                "protocol": protocol(&sp.protocol),
                                "problem": problem.key(),
                            })
                        })
                        .collect::<Vec<_>>(),
                )
                .fact("pod_ports", &have);
            for (pi, sp, _) in &bad {
                f = f.evidence(cx.evidence(
                    item,
                    &format!("/spec/ports/{pi}"),
                    Some(format!(
                        "port {}: port {}, targetPort {}, protocol {}",
                        if sp.name.is_empty() {
                            "(unnamed)"
                        } else {
                            &sp.name
                        },
                        sp.port,
                        target_of(sp),
                        protocol(&sp.protocol)
                    )),
                ));
            }
            let first_pod = if live.is_empty() {
                selected[0]
            } else {
                live[0]
            };
            f = f.evidence(cx.evidence(
                &cx.ix.pods[first_pod],
                "/spec/containers",
                Some(format!(
                    "{}: ports {have_text}",
                    cx.ix.pods[first_pod].obj.metadata.name
                )),
            ));
            out.push(f.events(cx.summarize(&cx.events_of("Service", meta))));
        }
        out
    }
}

/// Why a port does not match.
enum Problem {
    /// A named targetPort that no pod has.
    NoSuchName,
    /// A named targetPort that exists with another protocol.
    WrongProtocol(String),
    /// A number none of the declared ports has.
    NoSuchNumber,
}

impl Problem {
    fn key(&self) -> &'static str {
        match self {
            Problem::NoSuchName => "no-such-name",
            Problem::WrongProtocol(_) => "wrong-protocol",
            Problem::NoSuchNumber => "no-such-number",
        }
    }

    fn short(&self) -> String {
        match self {
            Problem::NoSuchName => "no selected pod declares".to_string(),
            Problem::WrongProtocol(p) => format!("the pods declare only for {p}"),
            Problem::NoSuchNumber => "no container declares".to_string(),
        }
    }

    fn explain(&self) -> String {
        match self {
            Problem::NoSuchName => "no container of the selected pods has a port of that name, so the endpoints controller leaves every pod out of this port: it has no endpoints, and connections to it fail although the pods run.".to_string(),
            Problem::WrongProtocol(p) => format!("a port of that name exists, but for {p}, and a named port must match the protocol too, so this port has no endpoints."),
            Problem::NoSuchNumber => "traffic goes to that port number, but no container declares it; unless the process listens there without declaring it (declared ports are informational), connections are refused.".to_string(),
        }
    }
}

/// Ports of the containers that serve traffic: regular containers and
/// native sidecars (init containers with restartPolicy Always), as the
/// endpoints controller resolves named ports.
// See: kubernetes/pkg/api/v1/pod/util.go FindPort.
fn serving_ports(pod: &Pod) -> impl Iterator<Item = &ContainerPort> {
    pod.spec
        .containers
        .iter()
        .chain(
            pod.spec
                .init_containers
                .iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always")),
        )
        .flat_map(|c| c.ports.iter())
}

fn protocol(p: &str) -> &str {
    if p.is_empty() {
        "TCP"
    } else {
        p
    }
}

/// The targetPort as written, or the port number when it is absent.
fn target_of(sp: &ServicePort) -> String {
    match sp.target_port.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() && t != "0" => t.to_string(),
        _ => sp.port.to_string(),
    }
}

fn show_target(sp: &ServicePort) -> String {
    let t = target_of(sp);
    if t.parse::<i64>().is_ok() {
        format!("port number {t}")
    } else {
        format!("the named port \"{t}\"")
    }
}

fn show_service_port(sp: &ServicePort) -> String {
    if sp.name.is_empty() {
        format!("{}/{}", sp.port, protocol(&sp.protocol))
    } else {
        format!("{} ({}/{})", sp.name, sp.port, protocol(&sp.protocol))
    }
}

fn show_container_port(p: &ContainerPort) -> String {
    let proto = protocol(&p.protocol);
    let suffix = if proto == "TCP" {
        String::new()
    } else {
        format!("/{proto}")
    };
    if p.name.is_empty() {
        format!("{}{suffix}", p.container_port)
    } else {
        format!("{} {}{suffix}", p.name, p.container_port)
    }
}

fn mismatch(sp: &ServicePort, pods: &[&Pod], declared: &[&ContainerPort]) -> Option<Problem> {
    let target = target_of(sp);
    let proto = protocol(&sp.protocol);
    if let Ok(n) = target.parse::<i64>() {
        // Ports are informational: with none declared there is nothing to
        // compare against.
        if declared.is_empty() || declared.iter().any(|p| p.container_port == n) {
            return None;
        }
        return Some(Problem::NoSuchNumber);
    }
    let found = pods
        .iter()
        .any(|p| serving_ports(p).any(|cp| cp.name == target && protocol(&cp.protocol) == proto));
    if found {
        return None;
    }
    match declared.iter().find(|cp| cp.name == target) {
        Some(cp) => Some(Problem::WrongProtocol(protocol(&cp.protocol).to_string())),
        None => Some(Problem::NoSuchName),
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::rules::service_no_endpoints::tests::service;
    use crate::analyze::testing::{demo_findings_of, node, pod, TinyDump};
    use crate::analyze::Severity;
    use serde_json::json;

    fn labelled(name: &str, app: &str) -> serde_json::Value {
        let mut p = pod("shop", name, "n1");
        p["metadata"]["labels"] = json!({"app": app});
        p
    }

    #[test]
    fn fires_on_a_named_target_port_the_pods_do_not_have() {
        let mut bare = labelled("worker-1", "worker");
        bare["spec"]["containers"][0]["ports"] = json!(null);
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![labelled("web-1", "web"), labelled("web-2", "web"), bare],
            services: vec![
                service(
                    "shop",
                    "web-metrics",
                    json!({"app": "web"}),
                    json!([{"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"}]),
                ),
                // Fine: by name, by number, and absent targetPort = port.
                service(
                    "shop",
                    "web",
                    json!({"app": "web"}),
                    json!([
                        {"name": "http", "port": 80, "targetPort": "http"},
                        {"name": "alt", "port": 81, "targetPort": 8080},
                        {"name": "same", "port": 8080}
                    ]),
                ),
                // Fine: no ports declared, a number cannot be checked.
                service(
                    "shop",
                    "worker",
                    json!({"app": "worker"}),
                    json!([{"port": 80, "targetPort": 9000}]),
                ),
                // Numeric port the pods declare otherwise.
                service(
                    "shop",
                    "web-admin",
                    json!({"app": "web"}),
                    json!([{"name": "admin", "port": 9901, "targetPort": 9901}]),
                ),
            ],
            ..Default::default()
        };
        let mut f = d.findings_of("service-port-mismatch");
        f.sort_by_key(|f| f.subject.name.clone());
        assert_eq!(
            f.iter()
                .map(|f| f.subject.name.as_str())
                .collect::<Vec<_>>(),
            ["web-admin", "web-metrics"]
        );
        let m = &f[1];
        assert_eq!(m.severity, Severity::Warning);
        assert_eq!(
            m.summary,
            "Service shop/web-metrics port metrics (9090/TCP) targets the named port \"metrics\", which no selected pod declares (the pods declare http 8080)"
        );
        assert!(
            m.explanation.contains("leaves every pod out of this port"),
            "{}",
            m.explanation
        );
        assert_eq!(m.facts["mismatched_ports"][0]["problem"], "no-such-name");
        assert_eq!(
            m.evidence[0].pointer.as_deref(),
            Some("/items/0/spec/ports/0")
        );
        assert_eq!(
            f[0].facts["mismatched_ports"][0]["problem"],
            "no-such-number"
        );
    }

    #[test]
    fn protocol_must_match_for_named_ports_and_sidecar_ports_count() {
        let mut dns = labelled("dns-1", "dns");
        dns["spec"]["containers"][0]["ports"] =
            json!([{"name": "dns", "containerPort": 53, "protocol": "UDP"}]);
        let mut proxied = labelled("app-1", "app");
        proxied["spec"]["initContainers"] = json!([{"name": "proxy", "restartPolicy": "Always", "ports": [{"name": "proxy", "containerPort": 15001}]}]);
        let d = TinyDump {
            nodes: vec![node("n1")],
            pods: vec![dns, proxied],
            services: vec![
                service(
                    "shop",
                    "dns",
                    json!({"app": "dns"}),
                    json!([{"name": "dns-tcp", "port": 53, "targetPort": "dns", "protocol": "TCP"}]),
                ),
                service(
                    "shop",
                    "app",
                    json!({"app": "app"}),
                    json!([{"name": "p", "port": 80, "targetPort": "proxy"}]),
                ),
            ],
            ..Default::default()
        };
        let f = d.findings_of("service-port-mismatch");
        assert_eq!(f.len(), 1, "{:#?}", f);
        assert_eq!(f[0].subject.name, "dns");
        assert_eq!(
            f[0].facts["mismatched_ports"][0]["problem"],
            "wrong-protocol"
        );
    }

    #[test]
    fn demo_dump() {
        let f = demo_findings_of("service-port-mismatch");
        assert_eq!(
            f.len(),
            1,
            "{:#?}",
            f.iter().map(|f| &f.summary).collect::<Vec<_>>()
        );
        assert_eq!(f[0].subject.name, "web-metrics");
        assert_eq!(f[0].workload.as_ref().unwrap().name, "web");
        assert!(
            f[0].summary.contains("the named port \"metrics\""),
            "{}",
            f[0].summary
        );
        assert!(
            f[0].summary.contains("(the pods declare http 8080)"),
            "{}",
            f[0].summary
        );
    }
}
