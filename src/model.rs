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

/// The text of a model field. Most values in Kubernetes objects are short
/// (names, time stamps, condition types and statuses, reasons): a
/// `CompactString` keeps up to 24 bytes inline, with no allocation, in the
/// space of a `String`. On the generated 10,000-pod dump that lowered the
/// report's peak memory by 35 MB (see BENCHMARKS.md).
pub type Text = compact_str::CompactString;

/// A string map of an object (labels, annotations, a selector, resource
/// quantities): its pairs sorted by key, in one allocation. These maps hold
/// a handful of pairs, and a `BTreeMap` allocates a node with room for
/// eleven (~560 bytes) for the first one: this type lowered the peak of a
/// 10,000-pod report by 7–16 MB. Lookups are binary searches; iteration is in key order, as a
/// `BTreeMap`'s is, so reports do not change.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Map(Box<[(Text, Text)]>);

impl Map {
    pub fn get(&self, key: &str) -> Option<&Text> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Text, &Text)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Text> + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Text> + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    /// Sets `key` (rebuilds the map: for the rare edit, not for building).
    pub fn insert(&mut self, key: impl Into<Text>, value: impl Into<Text>) {
        let (key, value) = (key.into(), value.into());
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        match find_key(&pairs, &key) {
            Ok(i) => pairs[i].1 = value,
            Err(i) => pairs.insert(i, (key, value)),
        }
        self.0 = pairs.into_boxed_slice();
    }

    pub fn remove(&mut self, key: &str) -> Option<Text> {
        let i = self.find(key).ok()?;
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        let (_, v) = pairs.remove(i);
        self.0 = pairs.into_boxed_slice();
        Some(v)
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        find_key(&self.0, key)
    }
}

fn find_key(pairs: &[(Text, Text)], key: &str) -> Result<usize, usize> {
    pairs.binary_search_by(|(k, _)| k.as_str().cmp(key))
}

impl<K: Into<Text>, V: Into<Text>> FromIterator<(K, V)> for Map {
    /// Like collecting into a `BTreeMap`: sorted by key, and of a key given
    /// twice the last value wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Map {
        let mut pairs: Vec<(Text, Text)> = iter
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        // Stable, so equal keys keep their order and the last is kept.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Text, Text)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match out.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => out.push(p),
            }
        }
        Map(out.into_boxed_slice())
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Text, &'a Text);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Text, Text)>,
        fn(&'a (Text, Text)) -> (&'a Text, &'a Text),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// `map["key"]`, as for a `BTreeMap`: panics when the key is missing.
impl std::ops::Index<&str> for Map {
    type Output = Text;
    fn index(&self, key: &str) -> &Text {
        self.get(key).expect("no such key in the map")
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Map {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Map {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Map;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Map, A::Error> {
                let mut pairs: Vec<(Text, Text)> = Vec::new();
                while let Some(pair) = a.next_entry()? {
                    pairs.push(pair);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        d.deserialize_map(V)
    }
}

/// Deserializes `null` as the type's default, so `"items": null`,
/// `"labels": null` or `"containers": null` read as empty.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A list, with `null` read as empty, and no spare capacity: a vector
/// grown item by item keeps room for at least four, and for the large
/// structs here (containers, their statuses, conditions) that spare room
/// was most of the 50 MB this and the index's exact capacities saved on a
/// 10,000-pod report.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v: Vec<T> = null_default(d)?;
    v.shrink_to_fit();
    Ok(v)
}

/// Accepts a JSON string, number or bool and keeps it as text. Some fields
/// (quantities, `targetPort`) are written as either strings or numbers.
fn string_or_number<'de, D>(d: D) -> Result<Option<Text>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s.into()),
        Some(other) => Some(other.to_string().into()),
    })
}

fn quantity_map<'de, D>(d: D) -> Result<Map, D::Error>
where
    D: Deserializer<'de>,
{
    // A transient BTreeMap: the Map keeps only the text.
    let raw: Option<BTreeMap<Text, serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v: Text = match v {
                serde_json::Value::String(s) => s.into(),
                other => other.to_string().into(),
            };
            (k, v)
        })
        .collect::<Map>())
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
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn annotations<'de, D>(d: D) -> Result<Map, D::Error>
where
    D: Deserializer<'de>,
{
    let mut map: Map = null_default(d)?;
    map.remove(LAST_APPLIED);
    Ok(map)
}

/// Where an object came from inside the dump.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// File relative to the dump root (or the stream file's name).
    pub file: Text,
    /// JSON pointer of the item inside its list document, e.g. `/items/3`.
    pub pointer: Text,
    /// For single-stream dumps: the 1-based line where the document starts.
    pub line: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub generate_name: Text,
    #[serde(deserialize_with = "null_default")]
    pub namespace: Text,
    #[serde(deserialize_with = "null_default")]
    pub uid: Text,
    #[serde(deserialize_with = "null_default")]
    pub resource_version: Text,
    pub creation_timestamp: Option<Text>,
    pub deletion_timestamp: Option<Text>,
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub labels: Map,
    #[serde(deserialize_with = "annotations")]
    pub annotations: Map,
    #[serde(deserialize_with = "list")]
    pub owner_references: Vec<OwnerReference>,
    /// What must be cleaned up before the object goes (a stuck deletion).
    #[serde(deserialize_with = "list")]
    pub finalizers: Vec<Text>,
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
    pub api_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub kind: Text,
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub uid: Text,
    pub controller: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: Text,
    #[serde(deserialize_with = "null_default")]
    pub status: Text,
    #[serde(deserialize_with = "null_default")]
    pub reason: Text,
    #[serde(deserialize_with = "null_default")]
    pub message: Text,
    pub last_transition_time: Option<Text>,
    pub last_heartbeat_time: Option<Text>,
    pub last_probe_time: Option<Text>,
    pub last_update_time: Option<Text>,
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
    #[serde(deserialize_with = "list")]
    pub taints: Vec<Taint>,
    #[serde(rename = "podCIDR", deserialize_with = "null_default")]
    pub pod_cidr: Text,
    #[serde(rename = "providerID", deserialize_with = "null_default")]
    pub provider_id: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    #[serde(deserialize_with = "null_default")]
    pub key: Text,
    #[serde(deserialize_with = "null_default")]
    pub value: Text,
    #[serde(deserialize_with = "null_default")]
    pub effect: Text,
    pub time_added: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    #[serde(deserialize_with = "quantity_map")]
    pub capacity: Map,
    #[serde(deserialize_with = "quantity_map")]
    pub allocatable: Map,
    #[serde(deserialize_with = "list")]
    pub conditions: Vec<Condition>,
    #[serde(deserialize_with = "null_default")]
    pub node_info: NodeInfo,
    #[serde(deserialize_with = "list")]
    pub addresses: Vec<NodeAddress>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeInfo {
    #[serde(deserialize_with = "null_default")]
    pub kubelet_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub kube_proxy_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub container_runtime_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub os_image: Text,
    #[serde(deserialize_with = "null_default")]
    pub kernel_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub operating_system: Text,
    #[serde(deserialize_with = "null_default")]
    pub architecture: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAddress {
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: Text,
    #[serde(deserialize_with = "null_default")]
    pub address: Text,
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
    pub node_name: Text,
    #[serde(deserialize_with = "list")]
    pub init_containers: Vec<Container>,
    #[serde(deserialize_with = "list")]
    pub containers: Vec<Container>,
    /// Volumes are kept raw: the analyzers only look up a few source kinds
    /// (configMap, secret, persistentVolumeClaim) by name.
    #[serde(deserialize_with = "list")]
    pub volumes: Vec<Json>,
    #[serde(deserialize_with = "null_default")]
    pub restart_policy: Text,
    #[serde(deserialize_with = "null_default")]
    pub service_account_name: Text,
    /// `[{name: …}]`: the secrets the kubelet pulls private images with.
    #[serde(deserialize_with = "list")]
    pub image_pull_secrets: Vec<LocalObjectReference>,
    #[serde(deserialize_with = "null_default")]
    pub priority_class_name: Text,
    #[serde(deserialize_with = "null_default")]
    pub node_selector: Map,
    #[serde(deserialize_with = "list")]
    pub tolerations: Vec<Json>,
    pub affinity: Option<Json>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct LocalObjectReference {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub image: Text,
    #[serde(deserialize_with = "list")]
    pub command: Vec<Text>,
    #[serde(deserialize_with = "list")]
    pub args: Vec<Text>,
    #[serde(deserialize_with = "list")]
    pub ports: Vec<ContainerPort>,
    #[serde(deserialize_with = "null_default")]
    pub resources: Resources,
    pub readiness_probe: Option<Json>,
    pub liveness_probe: Option<Json>,
    pub startup_probe: Option<Json>,
    #[serde(deserialize_with = "list")]
    pub env: Vec<EnvVar>,
    #[serde(deserialize_with = "list")]
    pub env_from: Vec<Json>,
    #[serde(deserialize_with = "list")]
    pub volume_mounts: Vec<VolumeMount>,
    /// `Always` on an init container makes it a sidecar (Kubernetes 1.28+).
    pub restart_policy: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    pub container_port: i64,
    #[serde(deserialize_with = "null_default")]
    pub protocol: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Resources {
    #[serde(deserialize_with = "quantity_map")]
    pub requests: Map,
    #[serde(deserialize_with = "quantity_map")]
    pub limits: Map,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    /// Never printed unless the user asks (`--show-env`): it may be a secret.
    /// Go's `omitempty` makes `""` and absent the same; so is it here.
    #[serde(deserialize_with = "null_default")]
    pub value: Text,
    pub value_from: Option<Json>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub mount_path: Text,
    pub read_only: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub sub_path: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    #[serde(deserialize_with = "null_default")]
    pub phase: Text,
    #[serde(deserialize_with = "null_default")]
    pub reason: Text,
    #[serde(deserialize_with = "null_default")]
    pub message: Text,
    #[serde(deserialize_with = "list")]
    pub conditions: Vec<Condition>,
    #[serde(deserialize_with = "list")]
    pub init_container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "list")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(deserialize_with = "list")]
    pub ephemeral_container_statuses: Vec<ContainerStatus>,
    pub start_time: Option<Text>,
    #[serde(rename = "hostIP", deserialize_with = "null_default")]
    pub host_ip: Text,
    #[serde(rename = "podIP", deserialize_with = "null_default")]
    pub pod_ip: Text,
    #[serde(deserialize_with = "null_default")]
    pub qos_class: Text,
    #[serde(deserialize_with = "null_default")]
    pub nominated_node_name: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub ready: bool,
    #[serde(deserialize_with = "null_default")]
    pub restart_count: i64,
    #[serde(deserialize_with = "null_default")]
    pub image: Text,
    #[serde(rename = "imageID", deserialize_with = "null_default")]
    pub image_id: Text,
    #[serde(rename = "containerID", deserialize_with = "null_default")]
    pub container_id: Text,
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
    pub reason: Text,
    #[serde(deserialize_with = "null_default")]
    pub message: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct StateRunning {
    pub started_at: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct StateTerminated {
    #[serde(deserialize_with = "null_default")]
    pub exit_code: i64,
    pub signal: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub reason: Text,
    #[serde(deserialize_with = "null_default")]
    pub message: Text,
    pub started_at: Option<Text>,
    pub finished_at: Option<Text>,
    #[serde(rename = "containerID", deserialize_with = "null_default")]
    pub container_id: Text,
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
    pub reason: Text,
    #[serde(deserialize_with = "null_default")]
    pub message: Text,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: Text,
    pub count: Option<i64>,
    pub first_timestamp: Option<Text>,
    pub last_timestamp: Option<Text>,
    pub event_time: Option<Text>,
    pub series: Option<EventSeries>,
    #[serde(deserialize_with = "null_default")]
    pub source: EventSource,
    #[serde(deserialize_with = "null_default")]
    pub reporting_component: Text,
    #[serde(deserialize_with = "null_default")]
    pub reporting_instance: Text,
    #[serde(deserialize_with = "null_default")]
    pub action: Text,
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
    pub kind: Text,
    #[serde(deserialize_with = "null_default")]
    pub namespace: Text,
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub uid: Text,
    #[serde(deserialize_with = "null_default")]
    pub api_version: Text,
    #[serde(deserialize_with = "null_default")]
    pub field_path: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSeries {
    pub count: Option<i64>,
    pub last_observed_time: Option<Text>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSource {
    #[serde(deserialize_with = "null_default")]
    pub component: Text,
    #[serde(deserialize_with = "null_default")]
    pub host: Text,
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
    #[serde(deserialize_with = "list")]
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
    pub type_: Text,
    #[serde(deserialize_with = "null_default")]
    pub selector: Map,
    #[serde(deserialize_with = "list")]
    pub ports: Vec<ServicePort>,
    #[serde(rename = "clusterIP", deserialize_with = "null_default")]
    pub cluster_ip: Text,
    #[serde(deserialize_with = "null_default")]
    pub external_name: Text,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    #[serde(deserialize_with = "null_default")]
    pub name: Text,
    #[serde(deserialize_with = "null_default")]
    pub protocol: Text,
    #[serde(deserialize_with = "null_default")]
    pub port: i64,
    /// A number or a named port; kept as text.
    #[serde(deserialize_with = "string_or_number")]
    pub target_port: Option<Text>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_reads_and_writes_as_a_btreemap_does() {
        // Out of order, a duplicate key (the last wins, as serde's BTreeMap
        // does), and the same JSON out.
        let text = r#"{"tier":"front","app":"web","app":"shop","b":"1"}"#;
        let map: Map = serde_json::from_str(text).unwrap();
        let btree: BTreeMap<String, String> = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            serde_json::to_string(&btree).unwrap()
        );
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("app").map(|v| v.as_str()), Some("shop"));
        assert_eq!(map["tier"], "front");
        assert!(map.contains_key("b") && !map.contains_key("c"));
        let keys: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["app", "b", "tier"]);
        let yaml: Map = serde_yaml_ng::from_str("tier: front\napp: shop\nb: '1'\n").unwrap();
        assert_eq!(yaml, map);
    }

    #[test]
    fn map_edits_keep_the_order() {
        let mut m: Map = [("b", "2"), ("a", "1")].into_iter().collect();
        m.insert("c", "3");
        m.insert("a", "one");
        assert_eq!(m.remove("b").as_deref(), Some("2"));
        assert_eq!(m.remove("zz"), None);
        assert_eq!(format!("{m:?}"), r#"{"a": "one", "c": "3"}"#);
    }

    #[test]
    fn null_lists_and_maps_are_empty_and_lists_keep_no_spare_room() {
        let meta: ObjectMeta = serde_json::from_str(
            r#"{"name":"p","labels":null,"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","a":"b"},"ownerReferences":null,"finalizers":["x"]}"#,
        )
        .unwrap();
        assert!(meta.labels.is_empty() && meta.owner_references.is_empty());
        assert_eq!(meta.annotations.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(meta.finalizers.capacity(), 1);
        let st: PodStatus = serde_json::from_str(
            r#"{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"},{"type":"Initialized","status":"True"}]}"#,
        )
        .unwrap();
        assert_eq!(st.conditions.len(), 3);
        assert_eq!(st.conditions.capacity(), 3, "grown to 4, then shrunk");
    }

    #[test]
    fn quantities_may_be_numbers() {
        let st: NodeStatus =
            serde_json::from_str(r#"{"capacity":{"pods":110,"cpu":"4","memory":"8Gi"}}"#).unwrap();
        assert_eq!(st.capacity["pods"], "110");
        assert_eq!(
            st.capacity.keys().collect::<Vec<_>>(),
            ["cpu", "memory", "pods"]
        );
    }
}
