//! The rule catalog: one file per failure class. The order of [`RULES`]
//! is the order of `coroner rules` and of the generated documentation.
//! Ids are stable and never reused (CONTRACT.md).

use super::Rule;

pub mod container_config_error;
pub mod container_start_failure;
pub mod crash_loop_backoff;
pub mod frequent_restarts;
pub mod image_pull_failure;
pub mod init_container_failure;
pub mod log_error_signature;
pub mod node_cordoned;
pub mod node_network_unavailable;
pub mod node_not_ready;
pub mod node_overcommitted;
pub mod node_pressure;
pub mod node_version_skew;
pub mod oom_killed;
pub mod pod_evicted;
pub mod pod_failed;
pub mod pod_stuck_creating;
pub mod pod_stuck_terminating;
pub mod pod_unschedulable;
pub mod readiness_failure;
pub mod replica_create_failure;
pub mod rollout_stuck;
pub mod service_no_endpoints;
pub mod service_no_ready_endpoints;
pub mod service_port_mismatch;
pub mod warning_events;
pub mod workload_unavailable;

/// Every rule, in catalog order.
pub static RULES: &[&dyn Rule] = &[
    &crash_loop_backoff::CrashLoopBackoff,
    &oom_killed::OomKilled,
    &image_pull_failure::ImagePullFailure,
    &container_config_error::ContainerConfigError,
    &container_start_failure::ContainerStartFailure,
    &init_container_failure::InitContainerFailure,
    &pod_unschedulable::PodUnschedulable,
    &pod_stuck_creating::PodStuckCreating,
    &readiness_failure::ReadinessFailure,
    &frequent_restarts::FrequentRestarts,
    &pod_evicted::PodEvicted,
    &pod_failed::PodFailed,
    &pod_stuck_terminating::PodStuckTerminating,
    &workload_unavailable::WorkloadUnavailable,
    &rollout_stuck::RolloutStuck,
    &replica_create_failure::ReplicaCreateFailure,
    &service_no_endpoints::ServiceNoEndpoints,
    &service_no_ready_endpoints::ServiceNoReadyEndpoints,
    &service_port_mismatch::ServicePortMismatch,
    &node_not_ready::NodeNotReady,
    &node_pressure::NodePressure,
    &node_network_unavailable::NodeNetworkUnavailable,
    &node_cordoned::NodeCordoned,
    &node_overcommitted::NodeOvercommitted,
    &node_version_skew::NodeVersionSkew,
    &log_error_signature::LogErrorSignature,
    &warning_events::WarningEvents,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for r in RULES {
            let id = r.id();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') && !id.starts_with('-'),
                "{id} is not kebab-case"
            );
            let d = r.doc();
            for (what, text) in [
                ("title", d.title),
                ("detects", d.detects),
                ("evidence", d.evidence),
                ("why", d.why),
                ("remediation", d.remediation),
            ] {
                assert!(text.len() > 10, "{id}: doc {what} is missing");
            }
        }
        assert_eq!(RULES.len(), 27);
    }
}
