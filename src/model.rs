//! Typed model of the Kubernetes objects a `kubectl cluster-info dump` holds.
//!
//! Only the fields coroner reads are declared; everything else is ignored, so a
//! dump from any kubectl version deserializes. Every field is optional in
//! practice: `#[serde(default)]` covers a missing key and [`null_default`]
//! covers an explicit `null` (kubectl 1.32+ and protobuf-decoded objects write
//! `null` where older clients wrote `[]` or omitted the key). Time stamps are
//! kept as the strings the API wrote; [`crate::time`] parses them when needed.
//!
//! Objects that need a place in the dump carry an [`Origin`]: the file, the
//! JSON pointer of the item in its list document and, for single-stream dumps,
//! the line where that document starts. Every finding points back through it.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Deserializes `null` as the type's default, so `"items": null`,
/// `"labels": null` or `"containers": null` read as empty.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Accepts a JSON string, number or bool and keeps it as text. Some fields
/// (quantities, `targetPort`) are written as either strings or numbers.
fn string_or_number<'de, D>(d: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

fn quantity_map<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let raw: Option<BTreeMap<String, serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect())
}

/// A JSON subtree that the analyzers read rarely (volumes, probes,
/// tolerations, affinity, envFrom, valueFrom), kept as its compact text.
/// A `serde_json::Value` tree costs about ten times its text (a B-tree node
/// per map, a `String` per key): on a 10,000-pod dump these few fields were a
/// third of the peak memory. [`Json::value`] parses it back when a rule needs
/// it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Json(Box<str>);

impl Json {
    /// The subtree as a `serde_json::Value` (parsed on each call).
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.0).unwrap_or_default()
    }

    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Json {
        Json(v.to_string().into_boxed_str())
    }
}

impl std::fmt::Debug for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Through a `Value`, so that YAML and legacy documents (which are not
        // read by serde_json's own deserializer) work as JSON does.
        Ok(serde_json::Value::deserialize(d)?.into())
    }
}

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

/// Annotations without `kubectl.kubernetes.io/last-applied-configuration`:
/// that one is a full copy of the object as last applied, often the largest
/// part of a Deployment or Service, and nothing reads it.
fn annotations<'de, D>(d: D) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    let mut map: BTreeMap<String, String> = null_default(d)?;
    map.remove("kubectl.kubernetes.io/last-applied-configuration");
    Ok(map)
}

/// Where an object came from inside the dump.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// File relative to the dump root (or the stream file's name).
    pub file: String,
    /// JSON pointer of the item inside its list document, e.g. `/items/3`.
    pub pointer: String,
    /// For single-stream dumps: the 1-based line where the document starts.
    pub line: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub generate_name: String,
    #[serde(deserialize_with = "null_default")]
    pub namespace: String,
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
    #[serde(deserialize_with = "null_default")]
    pub resource_version: String,
    pub creation_timestamp: Option<String>,
    pub deletion_timestamp: Option<String>,
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "annotations")]
    pub annotations: BTreeMap<String, String>,
    #[serde(deserialize_with = "null_default")]
    pub owner_references: Vec<OwnerReference>,
    /// What must be cleaned up before the object goes (a stuck deletion).
    #[serde(deserialize_with = "null_default")]
    pub finalizers: Vec<String>,
    /// Present in dumps by kubectl 1.18–1.20 (or with --show-managed-fields);
    /// only its presence matters, as a version fingerprint.
    #[serde(skip_serializing)]
    pub managed_fields: Presence,
}

/// Records whether a field was present and non-empty without keeping its
/// content (managedFields can be most of an object's bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presence(pub bool);

impl<'de> Deserialize<'de> for Presence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Presence(
            Option::<serde::de::IgnoredAny>::deserialize(d)?.is_some(),
        ))
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerReference {
    #[serde(deserialize_with = "null_default")]
    pub api_version: String,
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
    pub controller: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    #[serde(deserialize_with = "null_default")]
    pub status: String,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(deserialize_with = "null_default")]
    pub message: String,
    pub last_transition_time: Option<String>,
    pub last_heartbeat_time: Option<String>,
    pub last_probe_time: Option<String>,
    pub last_update_time: Option<String>,
}

// ---------------------------------------------------------------- nodes

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: NodeSpec,
    #[serde(deserialize_with = "null_default")]
    pub status: NodeStatus,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    pub unschedulable: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub taints: Vec<Taint>,
    #[serde(rename = "podCIDR", deserialize_with = "null_default")]
    pub pod_cidr: String,
    #[serde(rename = "providerID", deserialize_with = "null_default")]
    pub provider_id: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    #[serde(deserialize_with = "null_default")]
    pub key: String,
    #[serde(deserialize_with = "null_default")]
    pub value: String,
    #[serde(deserialize_with = "null_default")]
    pub effect: String,
    pub time_added: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    #[serde(deserialize_with = "quantity_map")]
    pub capacity: BTreeMap<String, String>,
    #[serde(deserialize_with = "quantity_map")]
    pub allocatable: BTreeMap<String, String>,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<Condition>,
    #[serde(deserialize_with = "null_default")]
    pub node_info: NodeInfo,
    #[serde(deserialize_with = "null_default")]
    pub addresses: Vec<NodeAddress>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeInfo {
    #[serde(deserialize_with = "null_default")]
    pub kubelet_version: String,
    #[serde(deserialize_with = "null_default")]
    pub kube_proxy_version: String,
    #[serde(deserialize_with = "null_default")]
    pub container_runtime_version: String,
    #[serde(deserialize_with = "null_default")]
    pub os_image: String,
    #[serde(deserialize_with = "null_default")]
    pub kernel_version: String,
    #[serde(deserialize_with = "null_default")]
    pub operating_system: String,
    #[serde(deserialize_with = "null_default")]
    pub architecture: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAddress {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    #[serde(deserialize_with = "null_default")]
    pub address: String,
}

// ---------------------------------------------------------------- pods

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: PodSpec,
    #[serde(deserialize_with = "null_default")]
    pub status: PodStatus,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    #[serde(deserialize_with = "null_default")]
    pub node_name: String,
    #[serde(deserialize_with = "null_default")]
    pub init_containers: Vec<Container>,
    #[serde(deserialize_with = "null_default")]
    pub containers: Vec<Container>,
    /// Volumes are kept raw: the analyzers only look up a few source kinds
    /// (configMap, secret, persistentVolumeClaim) by name.
    #[serde(deserialize_with = "null_default")]
    pub volumes: Vec<Json>,
    #[serde(deserialize_with = "null_default")]
    pub restart_policy: String,
    #[serde(deserialize_with = "null_default")]
    pub service_account_name: String,
    /// `[{name: …}]`: the secrets the kubelet pulls private images with.
    #[serde(deserialize_with = "null_default")]
    pub image_pull_secrets: Vec<LocalObjectReference>,
    #[serde(deserialize_with = "null_default")]
    pub priority_class_name: String,
    #[serde(deserialize_with = "null_default")]
    pub node_selector: BTreeMap<String, String>,
    #[serde(deserialize_with = "null_default")]
    pub tolerations: Vec<Json>,
    pub affinity: Option<Json>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalObjectReference {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub image: String,
    #[serde(deserialize_with = "null_default")]
    pub command: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub args: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub ports: Vec<ContainerPort>,
    #[serde(deserialize_with = "null_default")]
    pub resources: Resources,
    pub readiness_probe: Option<Json>,
    pub liveness_probe: Option<Json>,
    pub startup_probe: Option<Json>,
    #[serde(deserialize_with = "null_default")]
    pub env: Vec<EnvVar>,
    #[serde(deserialize_with = "null_default")]
    pub env_from: Vec<Json>,
    #[serde(deserialize_with = "null_default")]
    pub volume_mounts: Vec<VolumeMount>,
    /// `Always` on an init container makes it a sidecar (Kubernetes 1.28+).
    pub restart_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    pub container_port: i64,
    #[serde(deserialize_with = "null_default")]
    pub protocol: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Resources {
    #[serde(deserialize_with = "quantity_map")]
    pub requests: BTreeMap<String, String>,
    #[serde(deserialize_with = "quantity_map")]
    pub limits: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Never printed unless the user asks (`--show-env`): it may be a secret.
    /// Go's `omitempty` makes `""` and absent the same; so is it here.
    #[serde(deserialize_with = "null_default")]
    pub value: String,
    pub value_from: Option<Json>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub mount_path: String,
    pub read_only: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub sub_path: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    #[serde(deserialize_with = "null_default")]
    pub phase: String,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(deserialize_with = "null_default")]
    pub message: String,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<Condition>,
    #[serde(deserialize_with = "null_default")]
    pub init_container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "null_default")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "null_default")]
    pub ephemeral_container_statuses: Vec<ContainerStatus>,
    pub start_time: Option<String>,
    #[serde(rename = "hostIP", deserialize_with = "null_default")]
    pub host_ip: String,
    #[serde(rename = "podIP", deserialize_with = "null_default")]
    pub pod_ip: String,
    #[serde(deserialize_with = "null_default")]
    pub qos_class: String,
    #[serde(deserialize_with = "null_default")]
    pub nominated_node_name: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub ready: bool,
    #[serde(deserialize_with = "null_default")]
    pub restart_count: i64,
    #[serde(deserialize_with = "null_default")]
    pub image: String,
    #[serde(rename = "imageID", deserialize_with = "null_default")]
    pub image_id: String,
    #[serde(rename = "containerID", deserialize_with = "null_default")]
    pub container_id: String,
    pub started: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub state: ContainerState,
    #[serde(deserialize_with = "null_default")]
    pub last_state: ContainerState,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerState {
    pub waiting: Option<StateWaiting>,
    pub running: Option<StateRunning>,
    pub terminated: Option<StateTerminated>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct StateWaiting {
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(deserialize_with = "null_default")]
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct StateRunning {
    pub started_at: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct StateTerminated {
    #[serde(deserialize_with = "null_default")]
    pub exit_code: i64,
    pub signal: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(deserialize_with = "null_default")]
    pub message: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    #[serde(rename = "containerID", deserialize_with = "null_default")]
    pub container_id: String,
}

// ---------------------------------------------------------------- events

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Event {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub involved_object: ObjectReference,
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    #[serde(deserialize_with = "null_default")]
    pub message: String,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    pub count: Option<i64>,
    pub first_timestamp: Option<String>,
    pub last_timestamp: Option<String>,
    pub event_time: Option<String>,
    pub series: Option<EventSeries>,
    #[serde(deserialize_with = "null_default")]
    pub source: EventSource,
    #[serde(deserialize_with = "null_default")]
    pub reporting_component: String,
    #[serde(deserialize_with = "null_default")]
    pub reporting_instance: String,
    #[serde(deserialize_with = "null_default")]
    pub action: String,
}

impl Event {
    /// The time this event last happened. Events written through
    /// `events.k8s.io/v1` leave `lastTimestamp` null and set `eventTime` and
    /// `series` instead (dump-format.md section 6).
    pub fn last_seen(&self) -> Option<&str> {
        self.last_timestamp
            .as_deref()
            .or(self
                .series
                .as_ref()
                .and_then(|s| s.last_observed_time.as_deref()))
            .or(self.event_time.as_deref())
            .or(self.first_timestamp.as_deref())
            .or(self.metadata.creation_timestamp.as_deref())
    }

    /// The time this event first happened.
    pub fn first_seen(&self) -> Option<&str> {
        self.first_timestamp
            .as_deref()
            .or(self.event_time.as_deref())
            .or(self.metadata.creation_timestamp.as_deref())
            .or(self.last_seen())
    }

    /// How many times it happened: `count`, else `series.count`, else once.
    pub fn occurrences(&self) -> i64 {
        self.count
            .filter(|c| *c > 0)
            .or(self.series.as_ref().and_then(|s| s.count))
            .unwrap_or(1)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
    #[serde(deserialize_with = "null_default")]
    pub namespace: String,
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
    #[serde(deserialize_with = "null_default")]
    pub api_version: String,
    #[serde(deserialize_with = "null_default")]
    pub field_path: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSeries {
    pub count: Option<i64>,
    pub last_observed_time: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSource {
    #[serde(deserialize_with = "null_default")]
    pub component: String,
    #[serde(deserialize_with = "null_default")]
    pub host: String,
}

// ---------------------------------------------------------------- workloads

/// Deployments, ReplicaSets, DaemonSets and ReplicationControllers share one
/// shape: the fields differ only in which of them each kind fills in.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Workload {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: WorkloadSpec,
    #[serde(deserialize_with = "null_default")]
    pub status: WorkloadStatus,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadSpec {
    /// `None` means the API default (1) for Deployments/ReplicaSets/RCs.
    pub replicas: Option<i64>,
    /// A LabelSelector (`matchLabels`/`matchExpressions`) for apps/v1 kinds,
    /// a plain label map for ReplicationControllers.
    pub selector: Option<serde_json::Value>,
    #[serde(deserialize_with = "null_default")]
    pub template: PodTemplate,
    pub progress_deadline_seconds: Option<i64>,
    pub paused: Option<bool>,
    pub min_ready_seconds: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: PodSpec,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadStatus {
    pub observed_generation: Option<i64>,
    pub replicas: Option<i64>,
    pub ready_replicas: Option<i64>,
    pub available_replicas: Option<i64>,
    pub unavailable_replicas: Option<i64>,
    pub updated_replicas: Option<i64>,
    pub fully_labeled_replicas: Option<i64>,
    // DaemonSet
    pub desired_number_scheduled: Option<i64>,
    pub current_number_scheduled: Option<i64>,
    pub number_ready: Option<i64>,
    pub number_available: Option<i64>,
    pub number_unavailable: Option<i64>,
    pub number_misscheduled: Option<i64>,
    pub updated_number_scheduled: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<Condition>,
}

// ---------------------------------------------------------------- services

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "null_default")]
    pub spec: ServiceSpec,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    #[serde(deserialize_with = "null_default")]
    pub selector: BTreeMap<String, String>,
    #[serde(deserialize_with = "null_default")]
    pub ports: Vec<ServicePort>,
    #[serde(rename = "clusterIP", deserialize_with = "null_default")]
    pub cluster_ip: String,
    #[serde(deserialize_with = "null_default")]
    pub external_name: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    #[serde(deserialize_with = "null_default")]
    pub protocol: String,
    #[serde(deserialize_with = "null_default")]
    pub port: i64,
    /// A number or a named port; kept as text.
    #[serde(deserialize_with = "string_or_number")]
    pub target_port: Option<String>,
    pub node_port: Option<i64>,
}

/// The kinds of list a dump holds, in the order kubectl writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListKind {
    Nodes,
    Events,
    ReplicationControllers,
    Services,
    DaemonSets,
    Deployments,
    ReplicaSets,
    Pods,
}

impl ListKind {
    /// The seven namespaced lists, in dump order (dump-format.md section 3).
    pub const NAMESPACED: [ListKind; 7] = [
        ListKind::Events,
        ListKind::ReplicationControllers,
        ListKind::Services,
        ListKind::DaemonSets,
        ListKind::Deployments,
        ListKind::ReplicaSets,
        ListKind::Pods,
    ];

    /// The file stem kubectl uses for this list.
    pub fn file_stem(self) -> &'static str {
        match self {
            ListKind::Nodes => "nodes",
            ListKind::Events => "events",
            ListKind::ReplicationControllers => "replication-controllers",
            ListKind::Services => "services",
            ListKind::DaemonSets => "daemonsets",
            ListKind::Deployments => "deployments",
            ListKind::ReplicaSets => "replicasets",
            ListKind::Pods => "pods",
        }
    }

    pub fn from_file_stem(stem: &str) -> Option<ListKind> {
        Some(match stem {
            "nodes" => ListKind::Nodes,
            "events" => ListKind::Events,
            "replication-controllers" => ListKind::ReplicationControllers,
            "services" => ListKind::Services,
            "daemonsets" => ListKind::DaemonSets,
            "deployments" => ListKind::Deployments,
            "replicasets" => ListKind::ReplicaSets,
            "pods" => ListKind::Pods,
            _ => return None,
        })
    }

    /// The `kind` of the list document (`PodList`, …).
    pub fn list_kind(self) -> &'static str {
        match self {
            ListKind::Nodes => "NodeList",
            ListKind::Events => "EventList",
            ListKind::ReplicationControllers => "ReplicationControllerList",
            ListKind::Services => "ServiceList",
            ListKind::DaemonSets => "DaemonSetList",
            ListKind::Deployments => "DeploymentList",
            ListKind::ReplicaSets => "ReplicaSetList",
            ListKind::Pods => "PodList",
        }
    }

    pub fn from_list_kind(kind: &str) -> Option<ListKind> {
        [ListKind::Nodes]
            .into_iter()
            .chain(ListKind::NAMESPACED)
            .find(|k| k.list_kind() == kind)
    }

    /// The Kubernetes kind of one item.
    pub fn item_kind(self) -> &'static str {
        match self {
            ListKind::Nodes => "Node",
            ListKind::Events => "Event",
            ListKind::ReplicationControllers => "ReplicationController",
            ListKind::Services => "Service",
            ListKind::DaemonSets => "DaemonSet",
            ListKind::Deployments => "Deployment",
            ListKind::ReplicaSets => "ReplicaSet",
            ListKind::Pods => "Pod",
        }
    }
}

/// A reference to an object by kind, namespace and name: how findings name
/// their subject and how events are looked up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.to_string(),
            namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
            name: name.to_string(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}
