//! Reading the scheduler's FailedScheduling message, which packs the
//! reason for every node into one sentence:
//! `0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated
//! taint {node.kubernetes.io/unreachable: }. preemption: 0/5 nodes are
//! available: 5 Preemption is not helpful for scheduling.`
//! Older schedulers wrote `0/1 nodes are available: 1 Insufficient cpu.`
//! and some messages name no nodes at all (`pod has unbound immediate
//! PersistentVolumeClaims`).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scheduling {
    pub available: Option<u32>,
    pub total: Option<u32>,
    /// (number of nodes, reason), in the scheduler's order.
    pub reasons: Vec<(u32, String)>,
    /// The preemption verdict, if the message has one.
    pub preemption: Option<String>,
    /// The whole message when it does not have the `N/M nodes` form.
    pub other: Option<String>,
}

pub fn parse(message: &str) -> Scheduling {
    let msg = message.trim();
    let mut out = Scheduling {
        available: None,
        total: None,
        reasons: Vec::new(),
        preemption: None,
        other: None,
    };
    let Some((head, rest)) = msg.split_once(" nodes are available") else {
        out.other = Some(msg.to_string());
        return out;
    };
    if let Some((a, t)) = head.rsplit(' ').next().unwrap_or(head).split_once('/') {
        out.available = a.trim().parse().ok();
        out.total = t.trim().parse().ok();
    }
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    let (reasons, preemption) = match rest.split_once(" preemption: ") {
        Some((r, p)) => (r, Some(p.trim().trim_end_matches('.').to_string())),
        None => (rest, None),
    };
    out.preemption = preemption;
    let reasons = reasons.trim().trim_end_matches('.');
    for part in split_top_level(reasons) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        match part.split_once(' ') {
            Some((n, reason)) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => out
                .reasons
                .push((n.parse().unwrap_or(0), reason.trim().to_string())),
            // `1 node(s) had taint {…}, that the pod didn't tolerate`
            // (schedulers of 1.18–1.21): a tail without a count belongs
            // to the reason before it.
            _ => match out.reasons.last_mut() {
                Some(last) => {
                    last.1.push_str(", ");
                    last.1.push_str(part);
                }
                None => out.reasons.push((0, part.to_string())),
            },
        }
    }
    out
}

/// Splits on `, ` outside `{…}` (taints print as `{key: value}`).
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b',' if depth <= 0 && bytes.get(i + 1) == Some(&b' ') => {
                parts.push(&s[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

/// Plain words for a scheduler reason.
pub fn explain_reason(reason: &str) -> String {
    let r = reason.to_ascii_lowercase();
    if let Some(res) = reason.strip_prefix("Insufficient ") {
        format!("not enough free {res} for the pod's requests (requests of the pods already there are counted, not actual use)")
    } else if r.contains("untolerated taint") || r.contains("taints that the pod didn't tolerate") {
        "a taint the pod does not tolerate (the node is unreachable, not ready, under pressure, or reserved)".into()
    } else if r.contains("were unschedulable") || r.contains("unschedulable") {
        "cordoned (spec.unschedulable)".into()
    } else if r.contains("volume node affinity") {
        // Checked before plain "node affinity", which it contains.
        "its volume lives in another zone or on another node".into()
    } else if r.contains("node affinity")
        || r.contains("node selector")
        || r.contains("nodeselector")
    {
        "the pod's nodeSelector or node affinity does not match the node's labels".into()
    } else if r.contains("unbound") && r.contains("persistentvolumeclaim") {
        "a PersistentVolumeClaim is not bound (no matching PersistentVolume or StorageClass)".into()
    } else if r.contains("pod anti-affinity") || r.contains("anti-affinity") {
        "pod anti-affinity rules exclude it".into()
    } else if r.contains("pod affinity") {
        "pod affinity rules are not met".into()
    } else if r.contains("too many pods") {
        "the node runs its maximum number of pods".into()
    } else if r.contains("free ports") || r.contains("ports") {
        "a requested hostPort is already taken".into()
    } else if r.contains("topology spread") {
        "topology spread constraints would be violated".into()
    } else {
        reason.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_message_with_taint_and_preemption() {
        let s = parse("0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.");
        assert_eq!((s.available, s.total), (Some(0), Some(5)));
        assert_eq!(
            s.reasons,
            vec![
                (2, "Insufficient cpu".to_string()),
                (
                    3,
                    "node(s) had untolerated taint {node.kubernetes.io/unreachable: }".to_string()
                )
            ]
        );
        assert!(s.preemption.unwrap().contains("not helpful"));
    }

    #[test]
    fn volume_affinity_is_not_node_affinity() {
        assert!(explain_reason("node(s) had volume node affinity conflict").contains("volume"));
        assert!(
            explain_reason("node(s) didn't match Pod's node affinity/selector")
                .contains("nodeSelector")
        );
    }

    #[test]
    fn old_and_other_messages() {
        let s = parse("0/1 nodes are available: 1 Insufficient cpu.");
        assert_eq!(s.reasons, vec![(1, "Insufficient cpu".to_string())]);
        let s = parse("pod has unbound immediate PersistentVolumeClaims");
        assert!(s.other.is_some() && s.reasons.is_empty());
        let s = parse("");
        assert!(s.reasons.is_empty());
        let s = parse("0/3 nodes are available: 1 node(s) had taint {a: b, c: d}, that the pod didn't tolerate, 2 node(s) didn't match Pod's node affinity/selector.");
        assert_eq!(s.reasons.len(), 2, "{:?}", s.reasons);
        assert_eq!(
            s.reasons[0].1,
            "node(s) had taint {a: b, c: d}, that the pod didn't tolerate"
        );
    }
}
