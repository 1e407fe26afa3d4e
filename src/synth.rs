//! Deterministic generator of realistic `kubectl cluster-info dump` directory trees.
//!
//! Benchmarks and tests need dumps of any size (a hundred pods up to ten thousand pods with
//! gigabytes of logs) whose contents look like a real cluster: owner chains, failures with
//! matching events, and messy logs. Real dumps cannot be shipped at that scale, so this module
//! makes them. [`write_dump`] writes the tree that kubectl 1.32 writes with
//! `--output-directory` (see `dump-format.md` §4, §4.1, §6) and returns a [`SynthSummary`]
//! that is the ground truth for tests: which pods were made to fail, and how.
//!
//! Invariants, each relied on by tests or benchmarks:
//! * **Deterministic.** The same [`SynthSpec`] always gives a byte-identical tree. All
//!   randomness comes from a SplitMix64 generator seeded from `spec.seed`; there are no clock
//!   reads, no hash-map iteration, no environment lookups, and floating point is limited to
//!   `+ - * /` (no `libm` calls whose last bits could differ between platforms). The
//!   parallel stages only write per-file content that depends on per-file seeds.
//! * **kubectl layout.** `nodes.json`, then per namespace the seven list files, then
//!   `<ns>/<pod>/logs.txt` for *every* pod in `pods.json`, holding one START/END block per
//!   container: init containers first, then containers, in spec order.
//! * **Go JSON.** Documents look like `json.MarshalIndent(obj, "", "    ")` plus `\n`: Go struct
//!   field order, map keys sorted, `<`, `>`, `&` escaped as `\u003c` etc., list
//!   `kind`/`apiVersion`/`metadata.resourceVersion`, items without `kind`, and `"items": null`
//!   for empty lists (kubectl ≥ 1.32 decodes lists from protobuf).
//! * **Kubelet log rules.** A container that never started (image pull, config error, not
//!   scheduled, volume stuck) gets `Request log error: the server rejected our request for an
//!   unknown reason (get pods P)`; pods on an unreachable node get the 500 text; a
//!   crash-looping container shows its *last crashed* instance. Log bodies are raw bytes:
//!   ANSI escapes, CRLF, tabs, a little Latin-1, very long lines and missing final newlines
//!   all occur.
//! * **Sizes.** `spec.pods` pods exactly; `logs.txt` bytes in total within a few percent of
//!   `spec.log_bytes_total` (markers included), skewed so that a few containers are big
//!   (capped at 10 MiB, the kubelet's default rotation size) and most are small.
//! * **Flat memory.** Logs are generated line by line into a `BufWriter` per pod, in parallel
//!   with rayon; nothing larger than one list file is ever held in memory (about 17 MB of
//!   peak RSS for `medium`, 85 MB for `large`, which is the object model).
//!
//! What a cluster looks like: kube-system with control-plane static pods (kubeadm flavour),
//! kube-proxy and Calico DaemonSets, CoreDNS; monitoring, ingress, cert-manager and logging
//! stacks when those namespaces exist; then application namespaces with Deployments (and their
//! current, stuck-rollout and historical ReplicaSets), StatefulSets with PVCs, CronJob-made
//! Jobs, an occasional ReplicationController and bare pod, Services (a few matching nothing).
//! The flavour (kubeadm, EKS or GKE node naming and labels) follows `seed % 3`. Failures are
//! drawn per pod with probability `failing_ratio`, every kind once before any repeats, and
//! each one is consistent across pods.json, events.json and logs.txt (see [`FailureKind`]).
//! Broken nodes (NotReady, memory/disk/PID pressure) come on top, with the pods they strand.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

// ===================================================================================
// Public API
// ===================================================================================

/// What to generate. Every field is a target; the generator hits `pods` exactly and
/// `log_bytes_total` within a few percent.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSpec {
    /// Total number of pods over all namespaces (infrastructure pods included).
    pub pods: usize,
    /// Number of namespaces; `kube-system` and `default` come first.
    pub namespaces: usize,
    /// Number of nodes, control-plane nodes included.
    pub nodes: usize,
    /// Target total size of all `logs.txt` files, START/END markers included.
    pub log_bytes_total: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Share of pods made to fail (0.0 to 1.0); pods on broken nodes come on top.
    pub failing_ratio: f64,
}

impl SynthSpec {
    /// A few dozen pods and half a megabyte of logs, for unit tests. The failure ratio is
    /// high so that every failure kind shows up.
    pub fn tiny() -> SynthSpec {
        SynthSpec {
            pods: 48,
            namespaces: 4,
            nodes: 3,
            log_bytes_total: 512 << 10,
            seed: 7,
            failing_ratio: 0.35,
        }
    }

    /// About 100 pods and 4 MiB of logs.
    pub fn small() -> SynthSpec {
        SynthSpec {
            pods: 100,
            namespaces: 5,
            nodes: 4,
            log_bytes_total: 4 << 20,
            seed: 42,
            failing_ratio: 0.08,
        }
    }

    /// About 1,300 pods in 40 namespaces, ~17 MB of JSON and ~400 MiB of logs: the size of a
    /// mid-sized production cluster dumped with `-A`.
    pub fn medium() -> SynthSpec {
        SynthSpec {
            pods: 1_300,
            namespaces: 40,
            nodes: 24,
            log_bytes_total: 400 << 20,
            seed: 42,
            failing_ratio: 0.08,
        }
    }

    /// 10,000 pods and 3 GiB of logs.
    pub fn large() -> SynthSpec {
        SynthSpec {
            pods: 10_000,
            namespaces: 200,
            nodes: 150,
            log_bytes_total: 3 << 30,
            seed: 42,
            failing_ratio: 0.08,
        }
    }
}

impl Default for SynthSpec {
    fn default() -> SynthSpec {
        SynthSpec::small()
    }
}

/// A failure the generator put into the cluster on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// Container waiting in CrashLoopBackOff, `lastState.terminated.exitCode` = `exit_code`
    /// (1, 2, 137 or 139, reason `Error`).
    CrashLoopBackOff {
        /// Exit code of the last terminated instance.
        exit_code: i32,
    },
    /// Last termination OOMKilled (exit 137). `crash_looping`: the container now waits in
    /// CrashLoopBackOff; otherwise it restarted and runs again.
    OomKilled {
        /// Waiting in CrashLoopBackOff (true) or running again after the kill (false).
        crash_looping: bool,
    },
    /// Container waiting in ImagePullBackOff (a rollout to a tag that does not exist or
    /// cannot be pulled).
    ImagePullBackOff,
    /// Container waiting in ErrImagePull.
    ErrImagePull,
    /// Container waiting in CreateContainerConfigError (missing Secret/ConfigMap or key).
    CreateContainerConfigError,
    /// An init container crash-loops, so the pod stays `Init:CrashLoopBackOff`.
    InitCrashLoopBackOff {
        /// Exit code of the init container's last terminated instance.
        exit_code: i32,
    },
    /// Pending with PodScheduled=False/Unschedulable.
    Unschedulable,
    /// Pending in ContainerCreating/PodInitializing with FailedMount events.
    FailedMount,
    /// Running, readiness probe failing, so not Ready.
    NotReady,
    /// Phase Failed, reason Evicted (node memory or disk pressure).
    Evicted,
    /// Pod on a NotReady node, marked for deletion by the taint manager long ago and never
    /// removed (the kubelet cannot confirm). Comes from node failures, not from
    /// `failing_ratio`.
    StuckTerminating,
}

impl FailureKind {
    /// The rule id of `CONTRACT.md` that should fire for this failure.
    pub fn rule(self) -> &'static str {
        match self {
            FailureKind::CrashLoopBackOff { .. } => "crash-loop-backoff",
            FailureKind::OomKilled { .. } => "oom-killed",
            FailureKind::ImagePullBackOff | FailureKind::ErrImagePull => "image-pull-failure",
            FailureKind::CreateContainerConfigError => "container-config-error",
            FailureKind::InitCrashLoopBackOff { .. } => "init-container-failure",
            FailureKind::Unschedulable => "pod-unschedulable",
            FailureKind::FailedMount => "pod-stuck-creating",
            FailureKind::NotReady => "readiness-failure",
            FailureKind::Evicted => "pod-evicted",
            FailureKind::StuckTerminating => "pod-stuck-terminating",
        }
    }

    /// True when the failure belongs to the pod as a whole (no container named).
    pub fn is_pod_level(self) -> bool {
        matches!(
            self,
            FailureKind::Unschedulable
                | FailureKind::FailedMount
                | FailureKind::Evicted
                | FailureKind::StuckTerminating
        )
    }
}

/// One injected failure: `(namespace, pod, container)` and its kind. `container` is `None`
/// for pod-level failures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SynthFailure {
    /// Namespace of the pod.
    pub namespace: String,
    /// Pod name as in `pods.json`.
    pub pod: String,
    /// The failing container (init or regular), `None` for pod-level failures.
    pub container: Option<String>,
    /// What was made to fail.
    pub kind: FailureKind,
}

/// A node made unhealthy on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeProblem {
    /// Kubelet stopped posting status: conditions Unknown, unreachable taints.
    NotReady,
    /// MemoryPressure=True with its taint; pods get evicted there.
    MemoryPressure,
    /// DiskPressure=True with its taint; pods get evicted there.
    DiskPressure,
    /// PIDPressure=True with its taint.
    PidPressure,
}

/// What [`write_dump`] wrote. Counts are exact.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSummary {
    /// "Now" of the synthetic cluster (RFC 3339); every timestamp in the dump is at or before it.
    pub snapshot_time: String,
    /// Namespaces in the order of the directory listing (sorted, as `-A` gives them).
    pub namespaces: Vec<String>,
    /// Nodes in `nodes.json`.
    pub nodes: usize,
    /// Pods over all `pods.json` files (= `spec.pods`).
    pub pods: usize,
    /// Init containers plus containers over all pods (= number of log blocks).
    pub containers: usize,
    /// Items over all `events.json` files.
    pub events: usize,
    /// Bytes of all list files (`nodes.json` and the seven files per namespace).
    pub json_bytes: u64,
    /// Bytes of all `logs.txt` files.
    pub log_bytes: u64,
    /// Every injected pod failure, sorted by (namespace, pod, container).
    pub failing: Vec<SynthFailure>,
    /// Broken nodes, sorted by name.
    pub node_problems: Vec<(String, NodeProblem)>,
    /// Services whose selector matches no pod (namespace, name).
    pub services_without_endpoints: Vec<(String, String)>,
}

/// Writes a synthetic dump for `spec` into `dir` (created if missing; existing files with the
/// same names are overwritten, others are left alone, as kubectl does).
pub fn write_dump(spec: &SynthSpec, dir: &Path) -> io::Result<SynthSummary> {
    let model = build(spec);
    fs::create_dir_all(dir)?;

    // The list files and the log files are independent, so both stages run in parallel; the
    // bytes of each file depend only on the model, never on scheduling.
    let nodes_bytes = write_json_file(&dir.join("nodes.json"), |j, out| {
        emit_node_list(j, out, &model)
    })?;
    let ns_bytes: u64 = model
        .namespaces
        .par_iter()
        .map(|ns| write_namespace_lists(dir, ns, &model))
        .collect::<io::Result<Vec<u64>>>()?
        .into_iter()
        .sum();

    let pods: Vec<(&Ns, &Pod)> = model
        .namespaces
        .iter()
        .flat_map(|ns| ns.pods.iter().map(move |p| (ns, p)))
        .collect();
    let log_bytes: u64 = pods
        .par_iter()
        .map(|(ns, p)| write_pod_logs(dir, ns, p))
        .collect::<io::Result<Vec<u64>>>()?
        .into_iter()
        .sum();

    let mut failing = Vec::new();
    let mut containers = 0;
    for (ns, p) in &pods {
        containers += p.tpl.init.len() + p.tpl.containers.len();
        if let Some((kind, c)) = &p.failure {
            failing.push(SynthFailure {
                namespace: ns.name.clone(),
                pod: p.name.clone(),
                container: c.clone(),
                kind: *kind,
            });
        }
    }
    failing.sort();
    let mut node_problems: Vec<(String, NodeProblem)> = model
        .nodes
        .iter()
        .filter_map(|n| n.problem.map(|p| (n.name.clone(), p)))
        .collect();
    node_problems.sort();
    let mut dangling = Vec::new();
    for ns in &model.namespaces {
        for s in &ns.services {
            if s.dangling {
                dangling.push((ns.name.clone(), s.name.clone()));
            }
        }
    }
    Ok(SynthSummary {
        snapshot_time: ts(model.now),
        namespaces: model.namespaces.iter().map(|n| n.name.clone()).collect(),
        nodes: model.nodes.len(),
        pods: pods.len(),
        containers,
        events: model.namespaces.iter().map(|n| n.events.len()).sum(),
        json_bytes: nodes_bytes + ns_bytes,
        log_bytes,
        failing,
        node_problems,
        services_without_endpoints: dangling,
    })
}

// ===================================================================================
// Small deterministic helpers: PRNG, names, time
// ===================================================================================

/// SplitMix64: tiny, fast, good enough statistically, and trivially reproducible.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6A09_E667_F3BC_C908)
    }
    fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.u64() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn f(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        let mut r = self.below(total);
        for (i, &x) in w.iter().enumerate() {
            if r < x as u64 {
                return i;
            }
            r -= x as u64;
        }
        w.len() - 1
    }
}

/// The alphabet of Kubernetes' `rand.String` (pod name suffixes, template hashes).
const K8S_ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn kname(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| K8S_ALPHA[rng.below(K8S_ALPHA.len() as u64) as usize] as char)
        .collect()
}

fn hexs(rng: &mut Rng, n: usize) -> String {
    const H: &[u8] = b"0123456789abcdef";
    (0..n).map(|_| H[rng.below(16) as usize] as char).collect()
}

fn uuid(rng: &mut Rng) -> String {
    let h = hexs(rng, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A stable fake sha256 for an image reference: the same image has the same digest on
/// every pod and node, as in a real cluster.
fn digest_of(s: &str) -> String {
    hexs(&mut Rng::new(fnv1a(s.as_bytes())), 64)
}

fn image_id(image: &str) -> String {
    let repo = match image.rfind(':') {
        Some(i) if !image[i..].contains('/') => &image[..i],
        _ => image,
    };
    format!("{repo}@sha256:{}", digest_of(image))
}

/// 2025-06-01T12:00:00Z; the synthetic "now" is within an hour of it.
const BASE_NOW: i64 = 1_748_779_200;
const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// Events older than this are gone from the apiserver (default `--event-ttl`).
const EVENT_TTL: i64 = HOUR;

struct Dt {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
}

/// Civil time from Unix seconds (Howard Hinnant's `civil_from_days`), so no time crate
/// and no time zone database are involved.
fn dt(t: i64) -> Dt {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if mo <= 2 { 1 } else { 0 };
    Dt {
        y,
        mo,
        d,
        h: (secs / 3600) as u32,
        mi: (secs / 60 % 60) as u32,
        s: (secs % 60) as u32,
    }
}

/// `metav1.Time`: whole seconds, UTC.
fn ts(t: i64) -> String {
    let d = dt(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.y, d.mo, d.d, d.h, d.mi, d.s
    )
}

/// `metav1.MicroTime` (eventTime, series.lastObservedTime).
fn ts_micro(us: i64) -> String {
    let d = dt(us.div_euclid(1_000_000));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        d.y,
        d.mo,
        d.d,
        d.h,
        d.mi,
        d.s,
        us.rem_euclid(1_000_000)
    )
}

/// Go's `time.Duration.String()` for whole seconds, as in "back-off 2m40s".
fn go_dur(secs: i64) -> String {
    if secs >= 60 {
        format!("{}m{}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

// ===================================================================================
// Model
// ===================================================================================

struct Model {
    now: i64,
    nodes: Vec<Node>,
    namespaces: Vec<Ns>,
    list_rv: u64,
}

struct Node {
    name: String,
    uid: String,
    created: i64,
    cp: bool,
    /// The only node of a one-node cluster also runs workloads.
    untainted_cp: bool,
    ip: String,
    idx: usize,
    problem: Option<NodeProblem>,
    since: i64,
    cpu: u32,
    mem_gi: u32,
    zone: &'static str,
    itype: &'static str,
    kubelet: &'static str,
    machine_id: String,
    system_uuid: String,
    boot_id: String,
    heartbeat: i64,
    images: Vec<String>,
    flavour: u8,
}

#[derive(Default)]
struct Ns {
    name: String,
    pods: Vec<Pod>,
    deployments: Vec<Deploy>,
    rss: Vec<Rs>,
    dss: Vec<Ds>,
    services: Vec<Svc>,
    rcs: Vec<Rc>,
    events: Vec<Ev>,
    names: BTreeSet<String>,
    apps: Vec<String>,
    registry: String,
    mesh: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    Go,
    Java,
    Python,
    Node,
    DotNet,
    Nginx,
    Envoy,
    Postgres,
    Redis,
    Klog,
    CoreDns,
    Etcd,
    Calico,
    FluentBit,
    Shell,
}

#[derive(Clone)]
enum PortRef {
    Num(u16),
    Name(&'static str),
}

#[derive(Clone)]
enum Handler {
    Http(String, PortRef),
    /// Static pods probe an explicit host, often over HTTPS (path, port, host, https).
    HttpsHost(String, u16, String, bool),
    Tcp(PortRef),
    Exec(Vec<String>),
}

#[derive(Clone)]
struct Probe {
    h: Handler,
    initial: u32,
    period: u32,
    timeout: u32,
    failure: u32,
}

#[derive(Clone)]
enum Env {
    Val(&'static str, String),
    Field(&'static str, &'static str),
    Secret(&'static str, String, &'static str),
}

#[derive(Clone, Default)]
struct Res {
    cpu: Option<&'static str>,
    mem: Option<&'static str>,
}

#[derive(Clone)]
struct CSpec {
    name: String,
    image: String,
    lang: Lang,
    command: Vec<String>,
    args: Vec<String>,
    ports: Vec<(&'static str, u16, &'static str)>,
    env_from: Vec<(bool, String)>,
    env: Vec<Env>,
    req: Res,
    lim: Res,
    /// Native sidecar (init container with restartPolicy Always).
    sidecar: bool,
    mounts: Vec<(String, String, bool)>,
    liveness: Option<Probe>,
    readiness: Option<Probe>,
    pull: &'static str,
    privileged: bool,
    non_root: bool,
    /// How much this container tends to log, relative to others.
    chatty: f64,
    /// Variant of the log format for the language (0..).
    variant: u8,
}

#[derive(Clone)]
enum Vol {
    ConfigMap(String, String),
    Secret(String, String),
    EmptyDir(String),
    Pvc(String, String),
    HostPath(String, &'static str, &'static str),
}

#[derive(Clone)]
struct Tol {
    key: &'static str,
    op: &'static str,
    effect: &'static str,
    secs: Option<i64>,
}

#[derive(Clone)]
struct Tpl {
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    init: Vec<CSpec>,
    containers: Vec<CSpec>,
    volumes: Vec<Vol>,
    restart_policy: &'static str,
    grace: i64,
    sa: String,
    host_network: bool,
    node_selector: Vec<(String, String)>,
    tolerations: Vec<Tol>,
    priority_class: Option<&'static str>,
    priority: i64,
    run_as_non_root: bool,
}

#[derive(Clone)]
struct Owner {
    api: &'static str,
    kind: &'static str,
    name: String,
    uid: String,
    /// `blockOwnerDeletion` (set by controllers, not on static pods' Node owner).
    block: bool,
}

struct Cond {
    typ: &'static str,
    status: &'static str,
    t: i64,
    reason: Option<&'static str>,
    message: Option<String>,
}

#[derive(Clone)]
enum St {
    Waiting(&'static str, Option<String>),
    Running(i64),
    Terminated {
        code: i32,
        reason: &'static str,
        message: Option<String>,
        started: Option<i64>,
        finished: Option<i64>,
        cid: Option<String>,
    },
}

struct CStatus {
    state: St,
    last: Option<St>,
    ready: bool,
    restarts: i64,
    image_id: bool,
    cid: Option<String>,
    started: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LogErr {
    /// HTTP 400 from the kubelet: the container never ran or the pod has no node.
    Rejected,
    /// HTTP 500: the kubelet could not be reached.
    Unreachable,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tail {
    None,
    /// The instance crashed with this exit code (output of the crash at the end).
    Crash(i32),
    /// Killed by the kernel OOM killer: output stops mid-line.
    Oom,
    /// Killed with SIGKILL after failed liveness probes: output stops mid-line.
    Killed,
    /// A run-to-completion container (init, job) that finished fine.
    Completed,
    /// Running but a dependency is down: most lines are errors.
    DepDown,
}

struct Body {
    seed: u64,
    lang: Lang,
    variant: u8,
    start: i64,
    end: i64,
    weight: f64,
    cap: u64,
    budget: u64,
    tail: Tail,
    crlf: bool,
    ansi: bool,
    debug: bool,
    err_per_10k: u32,
    final_nl: bool,
    long_line: bool,
    latin1: bool,
    app: String,
    version: String,
    init_role: u8,
}

enum LogPlan {
    Err(LogErr),
    Body(Box<Body>),
}

struct Pod {
    name: String,
    generate_name: Option<String>,
    uid: String,
    rv: u64,
    created: i64,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    owner: Option<Owner>,
    tpl: Arc<Tpl>,
    node: Option<usize>,
    node_name: Option<String>,
    ds_pod: bool,
    api_vol: String,
    ip: Option<String>,
    host_ip: Option<String>,
    phase: &'static str,
    reason: Option<&'static str>,
    message: Option<String>,
    conds: Vec<Cond>,
    start: Option<i64>,
    init_st: Vec<CStatus>,
    st: Vec<CStatus>,
    deletion: Option<i64>,
    logs: Vec<LogPlan>,
    qos: &'static str,
    failure: Option<(FailureKind, Option<String>)>,
    nominated: Option<String>,
}

struct Deploy {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    generation: i64,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    replicas: i64,
    selector: Vec<(String, String)>,
    tpl: Arc<Tpl>,
    st_replicas: i64,
    updated: i64,
    ready: i64,
    available: i64,
    progressing: (&'static str, &'static str, String, i64),
    avail_cond: (&'static str, &'static str, &'static str, i64),
}

struct Rs {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    generation: i64,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    owner: Owner,
    replicas: i64,
    selector: Vec<(String, String)>,
    tpl: Arc<Tpl>,
    st_replicas: i64,
    ready: i64,
    available: i64,
}

struct Ds {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    labels: Vec<(String, String)>,
    selector: Vec<(String, String)>,
    tpl: Arc<Tpl>,
    desired: i64,
    current: i64,
    ready: i64,
    available: i64,
}

struct Rc {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    replicas: i64,
    selector: Vec<(String, String)>,
    tpl: Arc<Tpl>,
    ready: i64,
}

struct Svc {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    labels: Vec<(String, String)>,
    ports: Vec<(&'static str, &'static str, u16, PortRef, Option<u16>)>,
    selector: Vec<(String, String)>,
    cluster_ip: String,
    typ: &'static str,
    lb_ip: Option<String>,
    dangling: bool,
}

struct Inv {
    kind: &'static str,
    api: &'static str,
    name: String,
    uid: String,
    ns: Option<String>,
    field: Option<String>,
}

struct Ev {
    name: String,
    uid: String,
    rv: u64,
    created: i64,
    inv: Inv,
    reason: &'static str,
    message: String,
    warning: bool,
    /// core/v1 style (firstTimestamp/lastTimestamp/count) or events.k8s.io style.
    legacy: bool,
    component: &'static str,
    host: Option<String>,
    first: i64,
    last: i64,
    count: i64,
    event_time_us: i64,
    series: Option<(i64, i64)>,
    action: &'static str,
    reporting_instance: String,
}

// ===================================================================================
// Catalog
// ===================================================================================

/// Namespace names in order of appearance: the first `spec.namespaces` are used, so small
/// specs still get kube-system, default and a business namespace.
const NS_ORDER: &[&str] = &[
    "kube-system",
    "default",
    "shop",
    "monitoring",
    "payments",
    "ingress-nginx",
    "identity",
    "cert-manager",
    "logging",
    "search",
    "checkout",
    "data-platform",
    "notifications",
    "catalog",
    "billing",
    "analytics",
    "ml-serving",
    "media",
    "logistics",
    "partners",
    "risk",
    "growth",
    "support",
    "internal-tools",
    "marketing",
    "inventory",
    "reporting",
    "mobile-bff",
    "fraud",
    "crm",
];
const ENVS: &[&str] = &["staging", "dev", "qa", "perf", "sandbox", "preview"];

fn is_infra(ns: &str) -> bool {
    matches!(
        ns,
        "kube-system" | "monitoring" | "ingress-nginx" | "cert-manager" | "logging"
    )
}

fn ns_names(n: usize) -> Vec<String> {
    let mut v: Vec<String> = NS_ORDER.iter().take(n).map(|s| s.to_string()).collect();
    'outer: for env in ENVS {
        for t in NS_ORDER.iter().filter(|s| !is_infra(s) && **s != "default") {
            if v.len() >= n {
                break 'outer;
            }
            v.push(format!("{t}-{env}"));
        }
    }
    let mut i = 1;
    while v.len() < n {
        v.push(format!("tenant-{i:04}"));
        i += 1;
    }
    v
}

const APPS: &[&str] = &[
    "api",
    "web",
    "frontend",
    "cart",
    "checkout",
    "payments",
    "orders",
    "inventory",
    "catalog",
    "search",
    "recommendations",
    "auth",
    "users",
    "notifications",
    "email-sender",
    "billing",
    "invoices",
    "shipping",
    "reviews",
    "gateway",
    "graphql",
    "admin",
    "reporting",
    "analytics",
    "events-consumer",
    "ledger",
    "pricing",
    "promotions",
    "media",
    "thumbnailer",
    "webhooks",
    "audit",
    "sessions",
    "feature-flags",
    "config-service",
    "geo",
    "tax",
    "fraud-detector",
    "loyalty",
    "wishlist",
    "chat",
    "realtime",
    "uploader",
    "exporter",
    "importer",
    "sync-worker",
    "mailer",
    "pdf-renderer",
    "currency",
    "accounts",
    "profile",
    "bff",
    "ws-hub",
    "indexer",
    "ranking",
    "quotes",
    "claims",
    "kyc",
    "ocr",
    "ledger-writer",
];
const STORES: &[&str] = &[
    "postgres",
    "redis",
    "rabbitmq",
    "kafka",
    "elasticsearch",
    "mongodb",
];
const JOBS: &[&str] = &[
    "nightly-report",
    "cleanup",
    "sync",
    "backup",
    "reindex",
    "digest-mailer",
    "expire-sessions",
];

const CPU_REQ: &[&str] = &["50m", "100m", "100m", "250m", "250m", "500m", "1"];
const MEM_REQ: &[&str] = &[
    "64Mi", "128Mi", "128Mi", "256Mi", "256Mi", "512Mi", "1Gi", "2Gi",
];

/// Failure kinds tried in this order first, so that even a small failing share shows each
/// kind once; after that kinds are drawn by weight.
const COVERAGE: &[FailureKind] = &[
    FailureKind::CrashLoopBackOff { exit_code: 1 },
    FailureKind::ImagePullBackOff,
    FailureKind::Unschedulable,
    FailureKind::OomKilled {
        crash_looping: true,
    },
    FailureKind::CreateContainerConfigError,
    FailureKind::NotReady,
    FailureKind::FailedMount,
    FailureKind::Evicted,
    FailureKind::CrashLoopBackOff { exit_code: 2 },
    FailureKind::InitCrashLoopBackOff { exit_code: 1 },
    FailureKind::ErrImagePull,
    FailureKind::CrashLoopBackOff { exit_code: 137 },
    FailureKind::OomKilled {
        crash_looping: false,
    },
    FailureKind::CrashLoopBackOff { exit_code: 139 },
];
const WEIGHTED: &[(FailureKind, u32)] = &[
    (FailureKind::CrashLoopBackOff { exit_code: 1 }, 14),
    (FailureKind::CrashLoopBackOff { exit_code: 2 }, 5),
    (FailureKind::CrashLoopBackOff { exit_code: 137 }, 4),
    (FailureKind::CrashLoopBackOff { exit_code: 139 }, 3),
    (
        FailureKind::OomKilled {
            crash_looping: true,
        },
        5,
    ),
    (
        FailureKind::OomKilled {
            crash_looping: false,
        },
        4,
    ),
    (FailureKind::ImagePullBackOff, 9),
    (FailureKind::ErrImagePull, 3),
    (FailureKind::CreateContainerConfigError, 7),
    (FailureKind::InitCrashLoopBackOff { exit_code: 1 }, 4),
    (FailureKind::Unschedulable, 10),
    (FailureKind::FailedMount, 7),
    (FailureKind::NotReady, 10),
    (FailureKind::Evicted, 8),
];

/// Which failures a kind of workload can show without contradicting the objects in the
/// dump (a DaemonSet's template is dumped, so its pods cannot run another image).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Allow {
    All,
    Daemon,
    Job,
    None,
}

fn allowed(a: Allow, k: FailureKind) -> bool {
    match a {
        Allow::All => true,
        Allow::None => false,
        Allow::Daemon => matches!(
            k,
            FailureKind::CrashLoopBackOff { .. }
                | FailureKind::OomKilled { .. }
                | FailureKind::NotReady
        ),
        Allow::Job => matches!(
            k,
            FailureKind::CrashLoopBackOff { .. }
                | FailureKind::ImagePullBackOff
                | FailureKind::ErrImagePull
                | FailureKind::CreateContainerConfigError
                | FailureKind::Unschedulable
                | FailureKind::FailedMount
        ),
    }
}

fn is_rollout_kind(k: FailureKind) -> bool {
    matches!(
        k,
        FailureKind::ImagePullBackOff
            | FailureKind::ErrImagePull
            | FailureKind::CreateContainerConfigError
    )
}

fn lv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn default_tolerations() -> Vec<Tol> {
    vec![
        Tol {
            key: "node.kubernetes.io/not-ready",
            op: "Exists",
            effect: "NoExecute",
            secs: Some(300),
        },
        Tol {
            key: "node.kubernetes.io/unreachable",
            op: "Exists",
            effect: "NoExecute",
            secs: Some(300),
        },
    ]
}

/// Tolerations the DaemonSet controller adds to its pods.
fn daemon_tolerations() -> Vec<Tol> {
    let mut v = vec![
        Tol {
            key: "node.kubernetes.io/not-ready",
            op: "Exists",
            effect: "NoExecute",
            secs: None,
        },
        Tol {
            key: "node.kubernetes.io/unreachable",
            op: "Exists",
            effect: "NoExecute",
            secs: None,
        },
    ];
    for k in [
        "node.kubernetes.io/disk-pressure",
        "node.kubernetes.io/memory-pressure",
        "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/unschedulable",
    ] {
        v.push(Tol {
            key: k,
            op: "Exists",
            effect: "NoSchedule",
            secs: None,
        });
    }
    v
}

fn cspec(name: &str, image: String, lang: Lang, variant: u8) -> CSpec {
    CSpec {
        name: name.to_string(),
        image,
        lang,
        command: vec![],
        args: vec![],
        ports: vec![],
        env_from: vec![],
        env: vec![],
        req: Res::default(),
        lim: Res::default(),
        sidecar: false,
        mounts: vec![],
        liveness: None,
        readiness: None,
        pull: "IfNotPresent",
        privileged: false,
        non_root: false,
        chatty: 1.0,
        variant,
    }
}

fn tpl(labels: Vec<(String, String)>, containers: Vec<CSpec>) -> Tpl {
    Tpl {
        labels,
        annotations: vec![],
        init: vec![],
        containers,
        volumes: vec![],
        restart_policy: "Always",
        grace: 30,
        sa: "default".into(),
        host_network: false,
        node_selector: vec![],
        tolerations: vec![],
        priority_class: None,
        priority: 0,
        run_as_non_root: false,
    }
}

fn http_probe(path: &str, port: PortRef, initial: u32, period: u32) -> Probe {
    Probe {
        h: Handler::Http(path.into(), port),
        initial,
        period,
        timeout: 1,
        failure: 3,
    }
}

fn qos_of(t: &Tpl) -> &'static str {
    let all = t.init.iter().chain(t.containers.iter());
    let mut any = false;
    let mut guaranteed = true;
    for c in all {
        if c.req.cpu.is_some() || c.req.mem.is_some() || c.lim.cpu.is_some() || c.lim.mem.is_some()
        {
            any = true;
        }
        if c.lim.cpu.is_none()
            || c.lim.mem.is_none()
            || c.req.cpu != c.lim.cpu
            || c.req.mem != c.lim.mem
        {
            guaranteed = false;
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

// ===================================================================================
// Builder
// ===================================================================================

struct B<'a> {
    spec: &'a SynthSpec,
    rng: Rng,
    now: i64,
    nodes: Vec<Node>,
    rv: u64,
    remaining: usize,
    coverage: Vec<FailureKind>,
    ip_seq: Vec<u32>,
    svc_seq: u32,
    flavour: u8,
}

/// How a pod is placed and what controls it; everything `run_pod` needs besides the pod.
struct PodCtx {
    fixed_node: Option<usize>,
    job: bool,
    /// Controller object for the SuccessfulCreate event (kind, apiVersion, name, uid, component).
    ctrl: Option<(&'static str, &'static str, String, String, &'static str)>,
    static_pod: bool,
    daemon: bool,
}

fn build(spec: &SynthSpec) -> Model {
    let mut rng = Rng::new(spec.seed);
    let now = BASE_NOW + rng.range(-30, 30) * MIN;
    let mut b = B {
        spec,
        rng,
        now,
        nodes: vec![],
        rv: 48_000_000 + spec.seed % 1_000_000,
        remaining: spec.pods,
        coverage: COVERAGE.to_vec(),
        ip_seq: vec![],
        svc_seq: 0,
        flavour: (spec.seed % 3) as u8,
    };
    b.make_nodes();
    let mut nss: Vec<Ns> = ns_names(spec.namespaces.max(1))
        .into_iter()
        .map(|n| b.new_ns(n))
        .collect();
    // Infrastructure exists in every cluster, but never takes more than 40% of the pods.
    let infra_cap = spec.pods * 2 / 5;
    b.infra(&mut nss, infra_cap);
    b.apps(&mut nss);
    b.node_events(&mut nss);
    b.assign_budgets(&mut nss);

    // The apiserver lists objects sorted by name (etcd key order); `-A` lists namespaces sorted.
    for ns in nss.iter_mut() {
        ns.pods.sort_by(|a, b| a.name.cmp(&b.name));
        ns.deployments.sort_by(|a, b| a.name.cmp(&b.name));
        ns.rss.sort_by(|a, b| a.name.cmp(&b.name));
        ns.dss.sort_by(|a, b| a.name.cmp(&b.name));
        ns.services.sort_by(|a, b| a.name.cmp(&b.name));
        ns.rcs.sort_by(|a, b| a.name.cmp(&b.name));
        ns.events.sort_by(|a, b| a.name.cmp(&b.name));
    }
    nss.sort_by(|a, b| a.name.cmp(&b.name));
    let list_rv = b.rv + 1000;
    Model {
        now,
        nodes: b.nodes,
        namespaces: nss,
        list_rv,
    }
}

impl B<'_> {
    fn next_rv(&mut self) -> u64 {
        self.rv += 1 + self.rng.below(40);
        self.rv
    }

    fn cid(&mut self) -> String {
        format!("containerd://{}", hexs(&mut self.rng, 64))
    }

    // ----- nodes -------------------------------------------------------------------

    fn make_nodes(&mut self) {
        let n = self.spec.nodes.max(1);
        let flavour = self.flavour;
        // kubeadm-style clusters show their control plane; managed ones (EKS, GKE) do not.
        let cps = if flavour != 0 {
            0
        } else if n >= 50 {
            3
        } else {
            1
        };
        let pool_hex: Vec<String> = (0..3).map(|_| hexs(&mut self.rng, 8)).collect();
        for i in 0..n {
            let cp = i < cps;
            let ip = format!("10.0.{}.{}", i / 200 + 1, 10 + i % 200);
            let name = match flavour {
                0 if cp => format!("cp-{}", i + 1),
                0 => format!("worker-{}", i - cps + 1),
                1 => format!(
                    "ip-10-0-{}-{}.eu-west-1.compute.internal",
                    i / 200 + 1,
                    10 + i % 200
                ),
                _ => format!(
                    "gke-prod-pool-{}-{}-{}",
                    i % 3 + 1,
                    pool_hex[i % 3],
                    kname(&mut self.rng, 4)
                ),
            };
            let cpu = if cp {
                4
            } else {
                *self.rng.pick(&[4, 8, 8, 16, 16, 32])
            };
            let (itype, zone) = match flavour {
                1 => (
                    match cpu {
                        4 => "m6i.xlarge",
                        8 => "m6i.2xlarge",
                        16 => "m6i.4xlarge",
                        _ => "m6i.8xlarge",
                    },
                    *self.rng.pick(&["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
                ),
                2 => (
                    match cpu {
                        4 => "e2-standard-4",
                        8 => "e2-standard-8",
                        16 => "e2-standard-16",
                        _ => "e2-standard-32",
                    },
                    *self
                        .rng
                        .pick(&["europe-west1-b", "europe-west1-c", "europe-west1-d"]),
                ),
                _ => ("", ""),
            };
            let kubelet = match flavour {
                1 => "v1.32.1-eks-5d632ec",
                2 => "v1.32.2-gke.1182003",
                _ if n > 5 && i == n - 1 => "v1.31.6",
                _ => "v1.32.2",
            };
            let created = self.now - self.rng.range(20, 400) * DAY + self.rng.range(0, DAY);
            let node = Node {
                uid: uuid(&mut self.rng),
                name,
                created,
                cp,
                untainted_cp: cp && n == 1,
                ip,
                idx: i,
                problem: None,
                since: 0,
                cpu,
                mem_gi: cpu * 4,
                zone,
                itype,
                kubelet,
                machine_id: hexs(&mut self.rng, 32),
                system_uuid: uuid(&mut self.rng),
                boot_id: uuid(&mut self.rng),
                heartbeat: self.now - self.rng.range(0, 40),
                images: vec![],
                flavour,
            };
            self.nodes.push(node);
            self.ip_seq.push(1);
        }
        let workers: Vec<usize> = (0..n).filter(|&i| !self.nodes[i].cp).collect();
        if self.spec.failing_ratio > 0.0 && workers.len() >= 3 {
            let nbad = ((workers.len() as f64 * self.spec.failing_ratio + 0.5) as usize)
                .max(1)
                .min(workers.len() / 3);
            let mut pool = workers.clone();
            let kinds = [
                NodeProblem::NotReady,
                NodeProblem::MemoryPressure,
                NodeProblem::DiskPressure,
                NodeProblem::PidPressure,
            ];
            for k in 0..nbad {
                let j = self.rng.below(pool.len() as u64) as usize;
                let idx = pool.remove(j);
                let p = kinds[k % kinds.len()];
                self.nodes[idx].problem = Some(p);
                self.nodes[idx].since = match p {
                    NodeProblem::NotReady => self.now - self.rng.range(25 * MIN, 5 * HOUR),
                    _ => self.now - self.rng.range(3 * MIN, 50 * MIN),
                };
                if p == NodeProblem::NotReady {
                    self.nodes[idx].heartbeat = self.nodes[idx].since - self.rng.range(10, 40);
                }
            }
        }
    }

    fn workers(&self) -> Vec<usize> {
        let w: Vec<usize> = self
            .nodes
            .iter()
            .filter(|n| !n.cp || n.untainted_cp)
            .map(|n| n.idx)
            .collect();
        if w.is_empty() {
            (0..self.nodes.len()).collect()
        } else {
            w
        }
    }

    /// A worker for a pod created at `created`. NotReady nodes get fewer pods and never pods
    /// created after they went down; `healthy_only` keeps failing pods off them entirely.
    fn pick_node(&mut self, created: i64, healthy_only: bool, prefer_pressure: bool) -> usize {
        let ws = self.workers();
        if prefer_pressure {
            let pressure: Vec<usize> = ws
                .iter()
                .copied()
                .filter(|&i| {
                    matches!(
                        self.nodes[i].problem,
                        Some(NodeProblem::MemoryPressure | NodeProblem::DiskPressure)
                    )
                })
                .collect();
            if !pressure.is_empty() && self.rng.chance(0.8) {
                return *self.rng.pick(&pressure);
            }
        }
        for _ in 0..16 {
            let i = *self.rng.pick(&ws);
            let n = &self.nodes[i];
            if n.problem == Some(NodeProblem::NotReady)
                && (healthy_only || created >= n.since || !self.rng.chance(0.35))
            {
                continue;
            }
            return i;
        }
        ws.iter()
            .copied()
            .find(|&i| self.nodes[i].problem != Some(NodeProblem::NotReady))
            .unwrap_or(ws[0])
    }

    fn pod_ip(&mut self, node: usize) -> String {
        let s = self.ip_seq[node];
        self.ip_seq[node] += 1;
        format!("10.{}.{}.{}", 244 + node / 256, node % 256, 2 + s % 250)
    }

    fn cluster_ip(&mut self) -> String {
        self.svc_seq += 1;
        let n = 20 + self.svc_seq + self.rng.below(3) as u32;
        self.svc_seq = n - 20;
        format!("10.96.{}.{}", n / 250, n % 250 + 2)
    }

    // ----- namespaces, names -------------------------------------------------------

    fn new_ns(&mut self, name: String) -> Ns {
        let registry = match self.rng.below(4) {
            0 => format!("registry.example.com/{name}"),
            1 => "ghcr.io/acme-corp".to_string(),
            2 => format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}"),
            _ => format!("europe-docker.pkg.dev/acme-prod/{name}"),
        };
        let mesh = !is_infra(&name) && name != "default" && self.rng.chance(0.06);
        Ns {
            name,
            registry,
            mesh,
            ..Ns::default()
        }
    }

    fn unique(&mut self, ns: &mut Ns, base: &str, suffix_len: usize) -> String {
        loop {
            let n = if suffix_len == 0 {
                base.to_string()
            } else {
                format!("{base}{}", kname(&mut self.rng, suffix_len))
            };
            if ns.names.insert(n.clone()) {
                return n;
            }
            if suffix_len == 0 {
                let alt = format!("{base}-{}", self.rng.range(2, 99));
                if ns.names.insert(alt.clone()) {
                    return alt;
                }
            }
        }
    }

    fn app_name(&mut self, ns: &mut Ns) -> String {
        for _ in 0..8 {
            let a = *self.rng.pick(APPS);
            if !ns.apps.iter().any(|x| x == a) {
                ns.apps.push(a.to_string());
                return a.to_string();
            }
        }
        let a = format!("{}-{}", self.rng.pick(APPS), self.rng.range(2, 9));
        ns.apps.push(a.clone());
        a
    }

    // ----- failures ----------------------------------------------------------------

    fn roll_failure(&mut self, a: Allow) -> Option<FailureKind> {
        if a == Allow::None || !self.rng.chance(self.spec.failing_ratio) {
            return None;
        }
        if let Some(pos) = self.coverage.iter().position(|&k| allowed(a, k)) {
            return Some(self.coverage.remove(pos));
        }
        let cands: Vec<(FailureKind, u32)> = WEIGHTED
            .iter()
            .copied()
            .filter(|(k, _)| allowed(a, *k))
            .collect();
        if cands.is_empty() {
            return None;
        }
        let w: Vec<u32> = cands.iter().map(|c| c.1).collect();
        Some(cands[self.rng.weighted(&w)].0)
    }

    /// Adjusts a drawn failure to what the template can show.
    fn fit_failure(&mut self, k: FailureKind, t: &Tpl) -> FailureKind {
        match k {
            FailureKind::InitCrashLoopBackOff { .. } if t.init.iter().all(|c| c.sidecar) => {
                FailureKind::CrashLoopBackOff { exit_code: 1 }
            }
            FailureKind::NotReady if t.containers.iter().all(|c| c.readiness.is_none()) => {
                FailureKind::CrashLoopBackOff { exit_code: 1 }
            }
            k => k,
        }
    }

    // ----- templates ---------------------------------------------------------------

    fn app_tpl(&mut self, ns: &Ns, app: &str, store: Option<&str>, job: bool) -> Tpl {
        let r = &mut self.rng;
        let lang = if let Some(s) = store {
            match s {
                "postgres" => Lang::Postgres,
                "redis" => Lang::Redis,
                "elasticsearch" | "kafka" | "rabbitmq" => Lang::Java,
                _ => Lang::Go,
            }
        } else if matches!(app, "web" | "frontend") {
            Lang::Nginx
        } else {
            [
                Lang::Go,
                Lang::Java,
                Lang::Python,
                Lang::Node,
                Lang::DotNet,
                Lang::Nginx,
            ][r.weighted(&[30, 20, 20, 15, 5, 6])]
        };
        let version = match r.below(3) {
            0 => format!("{}.{}.{}", r.range(0, 4), r.range(0, 30), r.range(0, 12)),
            1 => format!("v{}.{}.{}", r.range(1, 6), r.range(0, 20), r.range(0, 9)),
            _ => format!("sha-{}", hexs(r, 7)),
        };
        let image = match store {
            Some("postgres") => format!("postgres:{}", r.pick(&["15.8", "16.4", "16.6-alpine"])),
            Some("redis") => format!("redis:{}", r.pick(&["7.2.5", "7.4.1-alpine"])),
            Some("kafka") => "bitnami/kafka:3.7.1".to_string(),
            Some("rabbitmq") => "rabbitmq:3.13-management".to_string(),
            Some("elasticsearch") => {
                "docker.elastic.co/elasticsearch/elasticsearch:8.15.3".to_string()
            }
            Some(_) => "mongo:7.0.14".to_string(),
            None if lang == Lang::Nginx && r.chance(0.5) => {
                format!("nginx:{}", r.pick(&["1.27.2", "1.25.5-alpine"]))
            }
            None => format!("{}/{}:{}", ns.registry, app, version),
        };
        let main_name = match store {
            Some(s) => s.to_string(),
            None if r.chance(0.35) => "app".to_string(),
            None if r.chance(0.2) => "server".to_string(),
            None => app.to_string(),
        };
        let port: u16 = match (store, lang) {
            (Some("postgres"), _) => 5432,
            (Some("redis"), _) => 6379,
            (Some("kafka"), _) => 9092,
            (Some("rabbitmq"), _) => 5672,
            (Some("elasticsearch"), _) => 9200,
            (Some(_), _) => 27017,
            (_, Lang::Python) => 8000,
            (_, Lang::Node) => 3000,
            (_, Lang::DotNet) => 5000,
            (_, Lang::Nginx) => 80,
            _ => 8080,
        };
        let variant = match lang {
            Lang::Go => r.below(5) as u8,
            Lang::Python => r.below(3) as u8,
            Lang::Node => r.below(2) as u8,
            _ => 0,
        };
        let mut c = cspec(&main_name, image.clone(), lang, variant);
        c.ports.push(("http", port, "TCP"));
        if store.is_none() && r.chance(0.3) {
            c.ports.push(("metrics", 9090, "TCP"));
        }
        if !job {
            if store.is_none() && r.chance(0.5) {
                c.env.push(Env::Val("PORT", port.to_string()));
            }
            c.env.push(Env::Val(
                "LOG_LEVEL",
                r.pick(&["info", "info", "debug", "warn"]).to_string(),
            ));
            if r.chance(0.25) {
                c.env.push(Env::Field("POD_NAME", "metadata.name"));
                c.env
                    .push(Env::Field("POD_NAMESPACE", "metadata.namespace"));
            }
        }
        if store.is_none() && r.chance(0.3) {
            c.env
                .push(Env::Secret("DATABASE_URL", format!("{app}-db"), "url"));
        }
        if lang == Lang::Java {
            c.env.push(Env::Val(
                "JAVA_TOOL_OPTIONS",
                "-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError".into(),
            ));
            c.chatty = 1.6;
        }
        if store == Some("postgres") {
            c.env.push(Env::Secret(
                "POSTGRES_PASSWORD",
                format!("{app}-postgres"),
                "password",
            ));
            c.env
                .push(Env::Val("PGDATA", "/var/lib/postgresql/data/pgdata".into()));
        }
        if store.is_none() && r.chance(0.4) {
            c.env_from.push((false, format!("{app}-config")));
        }
        if !r.chance(0.08) {
            let ci = r.below(CPU_REQ.len() as u64) as usize;
            let mi = r.below(MEM_REQ.len() as u64) as usize;
            c.req = Res {
                cpu: Some(CPU_REQ[ci]),
                mem: Some(MEM_REQ[mi]),
            };
            let bump = if r.chance(0.3) {
                (mi + 1).min(MEM_REQ.len() - 1)
            } else {
                mi
            };
            c.lim = Res {
                cpu: if r.chance(0.3) {
                    Some(CPU_REQ[ci])
                } else {
                    None
                },
                mem: if r.chance(0.85) {
                    Some(MEM_REQ[bump])
                } else {
                    None
                },
            };
        }
        if !job {
            let ready_path = match (store, lang) {
                (Some(_), _) => None,
                (_, Lang::Java) => Some("/actuator/health/readiness"),
                (_, Lang::Nginx) => Some("/"),
                _ => Some(*r.pick(&["/healthz/ready", "/readyz", "/health/ready", "/ready"])),
            };
            match store {
                Some(_) => {
                    c.readiness = Some(Probe {
                        h: Handler::Tcp(PortRef::Num(port)),
                        initial: 5,
                        period: 10,
                        timeout: 1,
                        failure: 3,
                    });
                    if store == Some("postgres") {
                        c.liveness = Some(Probe {
                            h: Handler::Exec(vec![
                                "pg_isready".into(),
                                "-U".into(),
                                "postgres".into(),
                            ]),
                            initial: 30,
                            period: 10,
                            timeout: 5,
                            failure: 6,
                        });
                    }
                }
                None => {
                    if r.chance(0.85) {
                        c.readiness =
                            ready_path.map(|p| http_probe(p, PortRef::Name("http"), 5, 10));
                    }
                    if r.chance(0.4) {
                        let lp = if lang == Lang::Java {
                            "/actuator/health/liveness"
                        } else {
                            "/healthz"
                        };
                        c.liveness = Some(http_probe(lp, PortRef::Name("http"), 15, 20));
                    }
                }
            }
        }
        let mut volumes = vec![];
        if store.is_some() {
            volumes.push(Vol::Pvc("data".into(), String::new()));
            c.mounts.push(("data".into(), "/data".into(), false));
        } else if r.chance(0.3) {
            volumes.push(Vol::ConfigMap("config".into(), format!("{app}-config")));
            c.mounts
                .push(("config".into(), format!("/etc/{app}"), true));
        }
        if r.chance(0.1) {
            volumes.push(Vol::Secret("tls".into(), format!("{app}-tls")));
            c.mounts.push(("tls".into(), "/etc/tls".into(), true));
        }
        if r.chance(0.2) {
            volumes.push(Vol::EmptyDir("tmp".into()));
            c.mounts.push(("tmp".into(), "/tmp".into(), false));
        }
        let mut init = vec![];
        let mut containers = vec![c];
        if !job && store.is_none() && r.chance(0.12) {
            let (iname, iimg, ilang, variant) = match r.below(3) {
                0 => ("migrate", image.clone(), Lang::Shell, 0u8),
                1 => ("wait-for-db", "busybox:1.36".to_string(), Lang::Shell, 1),
                _ => ("config-init", "alpine:3.20".to_string(), Lang::Shell, 4),
            };
            let mut ic = cspec(iname, iimg, ilang, variant);
            ic.req = Res {
                cpu: Some("10m"),
                mem: Some("32Mi"),
            };
            ic.lim = Res {
                cpu: None,
                mem: Some("64Mi"),
            };
            match variant {
                0 => ic.command = vec!["/app/migrate".into(), "up".into()],
                1 => {
                    ic.command = vec![
                        "sh".into(),
                        "-c".into(),
                        format!("until nc -z {app}-db 5432; do echo waiting for db; sleep 2; done"),
                    ]
                }
                _ => {
                    ic.command = vec![
                        "sh".into(),
                        "-c".into(),
                        "cp /config-src/* /config/ && echo done".into(),
                    ]
                }
            }
            init.push(ic);
        }
        let mut annotations = vec![];
        if ns.mesh && !job {
            let mut ii = cspec(
                "istio-init",
                "docker.io/istio/proxyv2:1.23.2".into(),
                Lang::Shell,
                2,
            );
            ii.args = vec![
                "istio-iptables".into(),
                "-p".into(),
                "15001".into(),
                "-z".into(),
                "15006".into(),
                "-u".into(),
                "1337".into(),
            ];
            ii.req = Res {
                cpu: Some("10m"),
                mem: Some("40Mi"),
            };
            ii.lim = Res {
                cpu: Some("2"),
                mem: Some("1Gi"),
            };
            init.push(ii);
            let mut p = cspec(
                "istio-proxy",
                "docker.io/istio/proxyv2:1.23.2".into(),
                Lang::Envoy,
                0,
            );
            p.args = vec![
                "proxy".into(),
                "sidecar".into(),
                "--domain".into(),
                format!("{}.svc.cluster.local", ns.name),
            ];
            p.ports = vec![("http-envoy-prom", 15090, "TCP")];
            p.req = Res {
                cpu: Some("100m"),
                mem: Some("128Mi"),
            };
            p.lim = Res {
                cpu: Some("2"),
                mem: Some("1Gi"),
            };
            p.readiness = Some(http_probe("/healthz/ready", PortRef::Num(15021), 1, 2));
            p.chatty = 1.5;
            containers.push(p);
            annotations.push((
                "sidecar.istio.io/status".to_string(),
                r#"{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}"#.to_string(),
            ));
        } else if !job && store.is_none() && r.chance(0.07) {
            let sc = match r.below(4) {
                0 => {
                    let mut s = cspec(
                        "cloud-sql-proxy",
                        "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0".into(),
                        Lang::Go,
                        4,
                    );
                    s.chatty = 0.2;
                    s
                }
                1 => {
                    let mut s = cspec(
                        "oauth2-proxy",
                        "quay.io/oauth2-proxy/oauth2-proxy:v7.7.1".into(),
                        Lang::Go,
                        2,
                    );
                    s.ports = vec![("proxy", 4180, "TCP")];
                    s
                }
                2 => cspec(
                    "log-shipper",
                    "cr.fluentbit.io/fluent/fluent-bit:3.1.9".into(),
                    Lang::FluentBit,
                    0,
                ),
                _ => {
                    let mut s = cspec("envoy", "envoyproxy/envoy:v1.31.2".into(), Lang::Envoy, 1);
                    s.ports = vec![("admin", 9901, "TCP")];
                    s
                }
            };
            let mut sc = sc;
            sc.req = Res {
                cpu: Some("50m"),
                mem: Some("64Mi"),
            };
            sc.lim = Res {
                cpu: None,
                mem: Some("128Mi"),
            };
            containers.push(sc);
        }
        let mut labels = vec![
            ("app".to_string(), app.to_string()),
            ("app.kubernetes.io/name".to_string(), app.to_string()),
        ];
        if r.chance(0.4) && store.is_none() {
            labels.push(("app.kubernetes.io/version".to_string(), version.clone()));
        }
        if containers.len() > 1 {
            annotations.push((
                "kubectl.kubernetes.io/default-container".to_string(),
                containers[0].name.clone(),
            ));
        }
        if r.chance(0.3) {
            annotations.push(("prometheus.io/scrape".to_string(), "true".to_string()));
            annotations.push(("prometheus.io/port".to_string(), "9090".to_string()));
        }
        if r.chance(0.15) {
            let t = self.now - r.range(DAY, 20 * DAY);
            annotations.push(("kubectl.kubernetes.io/restartedAt".to_string(), ts(t)));
        }
        if r.chance(0.05) {
            // Go's encoder turns these into \u0026, \u003c, \u003e.
            annotations.push((
                "acme.io/owner".to_string(),
                format!("team {} & platform <oncall@acme.io>", ns.name),
            ));
        }
        let mut t = tpl(labels, containers);
        t.init = init;
        t.volumes = volumes;
        t.annotations = annotations;
        t.run_as_non_root = store.is_none() && r.chance(0.3);
        if job {
            t.restart_policy = "OnFailure";
        }
        if r.chance(0.25) && !job {
            t.sa = app.to_string();
        }
        t
    }

    // ----- pods --------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn new_pod(
        &mut self,
        ns: &mut Ns,
        name: String,
        generate_name: Option<String>,
        tpl: &Arc<Tpl>,
        extra_labels: &[(String, String)],
        owner: Option<Owner>,
        created: i64,
    ) -> Pod {
        let mut labels = tpl.labels.clone();
        labels.extend(extra_labels.iter().cloned());
        self.remaining = self.remaining.saturating_sub(1);
        let _ = ns;
        Pod {
            name,
            generate_name,
            uid: uuid(&mut self.rng),
            rv: self.next_rv(),
            created,
            labels,
            annotations: tpl.annotations.clone(),
            owner,
            tpl: tpl.clone(),
            node: None,
            node_name: None,
            ds_pod: false,
            api_vol: format!("kube-api-access-{}", kname(&mut self.rng, 5)),
            ip: None,
            host_ip: None,
            phase: "Pending",
            reason: None,
            message: None,
            conds: vec![],
            start: None,
            init_st: vec![],
            st: vec![],
            deletion: None,
            logs: vec![],
            qos: qos_of(tpl),
            failure: None,
            nominated: None,
        }
    }

    fn body(&mut self, c: &CSpec, start: i64, end: i64, tail: Tail, app: &str) -> LogPlan {
        let r = &mut self.rng;
        let u = 0.002 + r.f() * 0.998;
        let ansi_lang = matches!(c.lang, Lang::Java | Lang::Node | Lang::Python);
        let cap: u64 = match tail {
            Tail::Crash(1) => 6 << 10,
            Tail::Crash(_) | Tail::Oom | Tail::Killed => 96 << 10,
            Tail::Completed => 512 << 10,
            _ => 10 << 20,
        };
        // A container cannot log more than it had time for: a 10-second init container
        // writes a few lines, not megabytes.
        let rate: u64 = if c.lang == Lang::Shell { 120 } else { 4000 };
        let cap = cap.min(((end - start).max(1) as u64 * rate).max(1024));
        let version = match c.image.rfind(':') {
            Some(i) => c.image[i + 1..].to_string(),
            None => "latest".to_string(),
        };
        LogPlan::Body(Box::new(Body {
            seed: r.u64(),
            lang: c.lang,
            variant: c.variant,
            start,
            end: end.max(start),
            weight: c.chatty / u,
            cap,
            budget: 0,
            tail,
            crlf: c.lang == Lang::DotNet || r.chance(0.04),
            ansi: ansi_lang && r.chance(0.3),
            debug: r.chance(0.12),
            err_per_10k: if tail == Tail::DepDown {
                3000
            } else {
                r.range(2, 45) as u32
            },
            final_nl: !r.chance(0.03),
            long_line: r.chance(0.015),
            latin1: r.chance(0.02),
            // Sidecars (istio-proxy, oauth2-proxy, ...) talk about themselves, not the app.
            app: if c.image.contains(app) || c.lang == Lang::Shell {
                app.to_string()
            } else {
                c.name.clone()
            },
            version,
            init_role: c.variant,
        }))
    }

    fn pod_inv(&self, ns: &Ns, p: &Pod, field: Option<String>) -> Inv {
        Inv {
            kind: "Pod",
            api: "v1",
            name: p.name.clone(),
            uid: p.uid.clone(),
            ns: Some(ns.name.clone()),
            field,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn ev(
        &mut self,
        ns: &mut Ns,
        inv: Inv,
        reason: &'static str,
        message: String,
        warning: bool,
        component: &'static str,
        host: Option<String>,
        first: i64,
        last: i64,
        count: i64,
    ) {
        if last < self.now - EVENT_TTL || first > self.now {
            return;
        }
        let last = last.min(self.now);
        let nanos = first as i128 * 1_000_000_000 + self.rng.below(1_000_000_000) as i128;
        let reporting_instance = host.clone().unwrap_or_default();
        ns.events.push(Ev {
            name: format!("{}.{:x}", inv.name, nanos),
            uid: uuid(&mut self.rng),
            rv: self.next_rv(),
            created: first,
            inv,
            reason,
            message,
            warning,
            legacy: true,
            component,
            host,
            first,
            last,
            count: count.max(1),
            event_time_us: 0,
            series: None,
            action: "",
            reporting_instance,
        });
    }

    /// An events.k8s.io/v1 event (scheduler, taint manager): eventTime and series instead of
    /// first/last timestamps.
    #[allow(clippy::too_many_arguments)]
    fn ev_new(
        &mut self,
        ns: &mut Ns,
        inv: Inv,
        reason: &'static str,
        message: String,
        warning: bool,
        component: &'static str,
        instance: String,
        action: &'static str,
        time: i64,
        series: Option<(i64, i64)>,
    ) {
        let last = series.map(|s| s.1).unwrap_or(time);
        if last < self.now - EVENT_TTL || time > self.now {
            return;
        }
        let us = time * 1_000_000 + self.rng.below(1_000_000) as i64;
        let series = series.map(|(c, l)| {
            (
                c,
                (l * 1_000_000 + self.rng.below(1_000_000) as i64).min(self.now * 1_000_000),
            )
        });
        ns.events.push(Ev {
            name: format!("{}.{:x}", inv.name, us as i128 * 1000),
            uid: uuid(&mut self.rng),
            rv: self.next_rv(),
            created: time,
            inv,
            reason,
            message,
            warning,
            legacy: false,
            component,
            host: None,
            first: 0,
            last: 0,
            count: 0,
            event_time_us: us,
            series,
            action,
            reporting_instance: instance,
        });
    }

    fn scheduler_instance(&self) -> String {
        match self.nodes.iter().find(|n| n.cp) {
            Some(n) => format!("default-scheduler-{}", n.name),
            None => "default-scheduler".to_string(),
        }
    }

    /// Decides where the pod runs and what state it is in, and records its log plan and
    /// events. `kind` is the injected failure, if any.
    fn run_pod(&mut self, ns: &mut Ns, p: &mut Pod, kind: Option<FailureKind>, ctx: &PodCtx) {
        let t0 = p.created;
        let now = self.now;
        let tplc = p.tpl.clone();
        let app = tplc
            .labels
            .iter()
            .find(|(k, _)| k == "app" || k == "k8s-app" || k == "component")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| p.name.clone());
        let host = |b: &B, p: &Pod| p.node.map(|n| b.nodes[n].name.clone());

        // Placement.
        if kind != Some(FailureKind::Unschedulable) {
            let node = match ctx.fixed_node {
                Some(n) => n,
                None => self.pick_node(t0, kind.is_some(), kind == Some(FailureKind::Evicted)),
            };
            p.node = Some(node);
            p.node_name = Some(self.nodes[node].name.clone());
            p.host_ip = Some(self.nodes[node].ip.clone());
            p.ip = Some(if tplc.host_network {
                self.nodes[node].ip.clone()
            } else {
                self.pod_ip(node)
            });
            for c in tplc.containers.iter().chain(tplc.init.iter()) {
                let imgs = &mut self.nodes[node].images;
                if imgs.len() < 10 && !imgs.contains(&c.image) {
                    imgs.push(c.image.clone());
                }
            }
        }
        let node_down = p
            .node
            .map(|n| self.nodes[n].problem == Some(NodeProblem::NotReady))
            .unwrap_or(false);
        let sched_t = t0 + self.rng.range(0, 1);
        let start = t0 + self.rng.range(1, 3);
        let mut cursor = start + self.rng.range(1, 3);
        let cnames = |cs: &[CSpec]| {
            cs.iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };

        // Pick the container a container-level failure hits: the main one, or (rarely) another.
        let target = if tplc.containers.len() > 1 && self.rng.chance(0.15) {
            1 + self.rng.below(tplc.containers.len() as u64 - 1) as usize
        } else {
            0
        };
        let target = if tplc.containers[target].name == "istio-proxy" {
            0
        } else {
            target
        };

        if kind == Some(FailureKind::Unschedulable) {
            let msg = self.unschedulable_message(&tplc);
            p.phase = "Pending";
            p.conds.push(Cond {
                typ: "PodScheduled",
                status: "False",
                t: t0,
                reason: Some("Unschedulable"),
                message: Some(msg.clone()),
            });
            for _ in tplc.init.iter().chain(tplc.containers.iter()) {
                p.logs.push(LogPlan::Err(LogErr::Rejected));
            }
            let attempts = ((now - t0) / (5 * MIN)).clamp(1, 480);
            let last = now - self.rng.range(5, 290);
            let inv = self.pod_inv(ns, p, None);
            let inst = self.scheduler_instance();
            self.ev_new(
                ns,
                inv,
                "FailedScheduling",
                msg,
                true,
                "default-scheduler",
                inst,
                "Scheduling",
                t0,
                if attempts > 1 {
                    Some((attempts, last))
                } else {
                    None
                },
            );
            p.failure = Some((FailureKind::Unschedulable, None));
            return;
        }
        p.start = Some(start);

        // Init containers first; most complete, one may crash-loop or the pod may be stuck
        // before any of them.
        let mut init_done = true;
        let stuck_mount = kind == Some(FailureKind::FailedMount);
        let init_fail = match kind {
            Some(FailureKind::InitCrashLoopBackOff { exit_code }) => {
                let idx = tplc.init.iter().position(|c| !c.sidecar).unwrap_or(0);
                Some((idx, exit_code))
            }
            _ => None,
        };
        for (i, c) in tplc.init.iter().enumerate() {
            if stuck_mount || !init_done {
                p.init_st.push(CStatus {
                    state: St::Waiting("PodInitializing", None),
                    last: None,
                    ready: false,
                    restarts: 0,
                    image_id: false,
                    cid: None,
                    started: false,
                });
                p.logs.push(LogPlan::Err(LogErr::Rejected));
                continue;
            }
            if let Some((fi, code)) = init_fail {
                if fi == i {
                    let restarts = ((now - t0) / 300).clamp(3, 3000);
                    let fin = now - self.rng.range(10, 290);
                    let st = fin - self.rng.range(2, 30);
                    let cid = self.cid();
                    p.init_st.push(CStatus {
                        state: St::Waiting(
                            "CrashLoopBackOff",
                            Some(self.backoff_msg(restarts, &c.name, p, &ns.name)),
                        ),
                        last: Some(St::Terminated {
                            code,
                            reason: "Error",
                            message: None,
                            started: Some(st),
                            finished: Some(fin),
                            cid: Some(cid.clone()),
                        }),
                        ready: false,
                        restarts,
                        image_id: true,
                        cid: Some(cid),
                        started: false,
                    });
                    let plan = self.body(c, st, fin, Tail::Crash(code), &app);
                    p.logs.push(if node_down {
                        LogPlan::Err(LogErr::Unreachable)
                    } else {
                        plan
                    });
                    self.crashloop_events(
                        ns,
                        p,
                        &c.name,
                        &c.image,
                        "initContainers",
                        restarts,
                        t0,
                        st,
                        false,
                    );
                    p.failure = Some((
                        FailureKind::InitCrashLoopBackOff { exit_code: code },
                        Some(c.name.clone()),
                    ));
                    init_done = false;
                    continue;
                }
            }
            let s = cursor + self.rng.range(0, 2);
            if c.sidecar {
                let cid = self.cid();
                p.init_st.push(CStatus {
                    state: St::Running(s),
                    last: None,
                    ready: true,
                    restarts: 0,
                    image_id: true,
                    cid: Some(cid),
                    started: true,
                });
                let plan = self.body(c, s, now, Tail::None, &app);
                p.logs.push(plan);
                cursor = s + 1;
                continue;
            }
            let dur = match c.variant {
                0 => self.rng.range(4, 40),
                1 => self.rng.range(2, 30),
                _ => self.rng.range(0, 2),
            };
            let f = s + dur;
            let cid = self.cid();
            p.init_st.push(CStatus {
                state: St::Terminated {
                    code: 0,
                    reason: "Completed",
                    message: None,
                    started: Some(s),
                    finished: Some(f),
                    cid: Some(cid.clone()),
                },
                last: None,
                ready: true,
                restarts: 0,
                image_id: true,
                cid: Some(cid),
                started: false,
            });
            let plan = self.body(c, s, f, Tail::Completed, &app);
            p.logs.push(if node_down {
                LogPlan::Err(LogErr::Unreachable)
            } else {
                plan
            });
            cursor = f + 1;
        }

        let recent = t0 >= now - EVENT_TTL;
        if recent && !ctx.static_pod {
            let inv = self.pod_inv(ns, p, None);
            let node = p.node_name.clone().unwrap_or_default();
            let inst = self.scheduler_instance();
            self.ev_new(
                ns,
                inv,
                "Scheduled",
                format!("Successfully assigned {}/{} to {}", ns.name, p.name, node),
                false,
                "default-scheduler",
                inst,
                "Binding",
                sched_t,
                None,
            );
        }
        if let Some((kind_s, api, name, uid, comp)) = ctx.ctrl.clone() {
            if recent {
                let inv = Inv {
                    kind: kind_s,
                    api,
                    name,
                    uid,
                    ns: Some(ns.name.clone()),
                    field: None,
                };
                let msg = if kind_s == "StatefulSet" {
                    format!(
                        "create Pod {} in StatefulSet {} successful",
                        p.name, inv.name
                    )
                } else {
                    format!("Created pod: {}", p.name)
                };
                self.ev(
                    ns,
                    inv,
                    "SuccessfulCreate",
                    msg,
                    false,
                    comp,
                    None,
                    t0,
                    t0,
                    1,
                );
            }
        }
        if recent {
            // Normal kubelet events for the init containers that ran.
            let h = host(self, p);
            for (i, c) in tplc.init.iter().enumerate() {
                if let Some(St::Terminated {
                    started: Some(s), ..
                })
                | Some(St::Running(s)) = p.init_st.get(i).map(|x| x.state.clone())
                {
                    self.start_events(ns, p, c, "initContainers", s, h.clone());
                }
            }
        }

        // Regular containers.
        let mut unready: Vec<String> = vec![];
        let mut phase = "Running";
        let mut evicted_at = None;
        let mut all_terminated = ctx.job;
        for (i, c) in tplc.containers.iter().enumerate() {
            let s0 = cursor + self.rng.range(0, 3);
            let is_target = i == target && init_fail.is_none();
            let k = if is_target { kind } else { None };
            if !init_done || stuck_mount {
                let reason = if stuck_mount && tplc.init.is_empty() {
                    "ContainerCreating"
                } else {
                    "PodInitializing"
                };
                p.st.push(CStatus {
                    state: St::Waiting(reason, None),
                    last: None,
                    ready: false,
                    restarts: 0,
                    image_id: false,
                    cid: None,
                    started: false,
                });
                p.logs.push(LogPlan::Err(LogErr::Rejected));
                unready.push(c.name.clone());
                phase = "Pending";
                all_terminated = false;
                continue;
            }
            match k {
                Some(FailureKind::CrashLoopBackOff { .. })
                | Some(FailureKind::OomKilled {
                    crash_looping: true,
                }) => {
                    let exit_code = match k {
                        Some(FailureKind::CrashLoopBackOff { exit_code }) => exit_code,
                        _ => 137,
                    };
                    let (code, reason, tail) = match k {
                        Some(FailureKind::OomKilled { .. }) => (137, "OOMKilled", Tail::Oom),
                        _ if exit_code == 137 => (137, "Error", Tail::Killed),
                        _ => (exit_code, "Error", Tail::Crash(exit_code)),
                    };
                    let restarts = ((now - t0) / 300).clamp(3, 5000);
                    let fin = now - self.rng.range(10, 290);
                    // A process that fails at startup dies within seconds; one that panics,
                    // segfaults or runs out of memory has served traffic for a while.
                    let ran = match tail {
                        Tail::Crash(1) => self.rng.range(1, 8),
                        Tail::Crash(2) if c.lang != Lang::Go => 0,
                        _ => self.rng.range(20, 900),
                    };
                    let st = fin - ran;
                    let cid = self.cid();
                    p.st.push(CStatus {
                        state: St::Waiting(
                            "CrashLoopBackOff",
                            Some(self.backoff_msg(restarts, &c.name, p, &ns.name)),
                        ),
                        last: Some(St::Terminated {
                            code,
                            reason,
                            message: None,
                            started: Some(st),
                            finished: Some(fin),
                            cid: Some(cid.clone()),
                        }),
                        ready: false,
                        restarts,
                        image_id: true,
                        cid: Some(cid),
                        started: false,
                    });
                    let plan = self.body(c, st, fin, tail, &app);
                    p.logs.push(plan);
                    unready.push(c.name.clone());
                    self.crashloop_events(
                        ns,
                        p,
                        &c.name,
                        &c.image,
                        "containers",
                        restarts,
                        t0,
                        st,
                        code == 137 && reason == "Error" && c.liveness.is_some(),
                    );
                    let fk = match k {
                        Some(FailureKind::OomKilled { .. }) => FailureKind::OomKilled {
                            crash_looping: true,
                        },
                        _ => FailureKind::CrashLoopBackOff { exit_code },
                    };
                    p.failure = Some((fk, Some(c.name.clone())));
                    all_terminated = false;
                }
                Some(FailureKind::OomKilled {
                    crash_looping: false,
                }) => {
                    let restarts = self.rng.range(1, 9);
                    let fin = now
                        - self
                            .rng
                            .range(10 * MIN, 20 * HOUR)
                            .min(now - s0 - 60)
                            .max(60);
                    let st = (fin - self.rng.range(10 * MIN, 6 * HOUR)).max(s0);
                    let cid_old = self.cid();
                    let cid = self.cid();
                    let s = fin + self.rng.range(1, 20);
                    p.st.push(CStatus {
                        state: St::Running(s),
                        last: Some(St::Terminated {
                            code: 137,
                            reason: "OOMKilled",
                            message: None,
                            started: Some(st),
                            finished: Some(fin),
                            cid: Some(cid_old),
                        }),
                        ready: true,
                        restarts,
                        image_id: true,
                        cid: Some(cid),
                        started: true,
                    });
                    let plan = self.body(c, s, now, Tail::None, &app);
                    p.logs.push(plan);
                    p.failure = Some((
                        FailureKind::OomKilled {
                            crash_looping: false,
                        },
                        Some(c.name.clone()),
                    ));
                    all_terminated = false;
                }
                Some(FailureKind::ImagePullBackOff) | Some(FailureKind::ErrImagePull) => {
                    let err = self.pull_error(&c.image);
                    let state = if k == Some(FailureKind::ImagePullBackOff) {
                        St::Waiting(
                            "ImagePullBackOff",
                            Some(format!("Back-off pulling image \"{}\"", c.image)),
                        )
                    } else {
                        St::Waiting("ErrImagePull", Some(err.clone()))
                    };
                    p.st.push(CStatus {
                        state,
                        last: None,
                        ready: false,
                        restarts: 0,
                        image_id: false,
                        cid: None,
                        started: false,
                    });
                    p.logs.push(LogPlan::Err(LogErr::Rejected));
                    unready.push(c.name.clone());
                    phase = "Pending";
                    let n = ((now - t0) / (5 * MIN)).clamp(1, 300);
                    let field = Some(format!("spec.containers{{{}}}", c.name));
                    let h = host(self, p);
                    let last = now - self.rng.range(5, 240);
                    let inv = |b: &B, ns: &Ns, p: &Pod| b.pod_inv(ns, p, field.clone());
                    let i1 = inv(self, ns, p);
                    self.ev(
                        ns,
                        i1,
                        "Pulling",
                        format!("Pulling image \"{}\"", c.image),
                        false,
                        "kubelet",
                        h.clone(),
                        t0 + 2,
                        last,
                        n,
                    );
                    let i2 = inv(self, ns, p);
                    self.ev(
                        ns,
                        i2,
                        "Failed",
                        format!("Failed to pull image \"{}\": {}", c.image, err),
                        true,
                        "kubelet",
                        h.clone(),
                        t0 + 3,
                        last,
                        n,
                    );
                    let i3 = inv(self, ns, p);
                    self.ev(
                        ns,
                        i3,
                        "Failed",
                        "Error: ErrImagePull".into(),
                        true,
                        "kubelet",
                        h.clone(),
                        t0 + 3,
                        last,
                        n,
                    );
                    let i4 = inv(self, ns, p);
                    let last_bo = now - self.rng.range(1, 60);
                    self.ev(
                        ns,
                        i4,
                        "BackOff",
                        format!("Back-off pulling image \"{}\"", c.image),
                        false,
                        "kubelet",
                        h.clone(),
                        t0 + 4,
                        last_bo,
                        n * 4,
                    );
                    let i5 = inv(self, ns, p);
                    self.ev(
                        ns,
                        i5,
                        "Failed",
                        "Error: ImagePullBackOff".into(),
                        true,
                        "kubelet",
                        h,
                        t0 + 4,
                        last_bo,
                        n * 4,
                    );
                    p.failure = Some((k.unwrap(), Some(c.name.clone())));
                    all_terminated = false;
                }
                Some(FailureKind::CreateContainerConfigError) => {
                    let secret = c
                        .env
                        .iter()
                        .find_map(|e| match e {
                            Env::Secret(_, s, _) if s.ends_with("-credentials") => Some(s.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(|| format!("{app}-credentials"));
                    let msg = format!("secret \"{secret}\" not found");
                    p.st.push(CStatus {
                        state: St::Waiting("CreateContainerConfigError", Some(msg.clone())),
                        last: None,
                        ready: false,
                        restarts: 0,
                        image_id: false,
                        cid: None,
                        started: false,
                    });
                    p.logs.push(LogPlan::Err(LogErr::Rejected));
                    unready.push(c.name.clone());
                    phase = "Pending";
                    let n = ((now - t0) / 120).clamp(1, 2000);
                    let field = Some(format!("spec.containers{{{}}}", c.name));
                    let h = host(self, p);
                    let last = now - self.rng.range(5, 120);
                    let i1 = self.pod_inv(ns, p, field.clone());
                    self.ev(
                        ns,
                        i1,
                        "Pulled",
                        format!("Container image \"{}\" already present on machine", c.image),
                        false,
                        "kubelet",
                        h.clone(),
                        t0 + 2,
                        last,
                        n,
                    );
                    let i2 = self.pod_inv(ns, p, field);
                    self.ev(
                        ns,
                        i2,
                        "Failed",
                        format!("Error: {msg}"),
                        true,
                        "kubelet",
                        h,
                        t0 + 2,
                        last,
                        n,
                    );
                    p.failure = Some((
                        FailureKind::CreateContainerConfigError,
                        Some(c.name.clone()),
                    ));
                    all_terminated = false;
                }
                Some(FailureKind::NotReady) if c.readiness.is_some() => {
                    let cid = self.cid();
                    p.st.push(CStatus {
                        state: St::Running(s0),
                        last: None,
                        ready: false,
                        restarts: 0,
                        image_id: true,
                        cid: Some(cid),
                        started: true,
                    });
                    let plan = self.body(c, s0, now, Tail::DepDown, &app);
                    p.logs.push(plan);
                    unready.push(c.name.clone());
                    let probe = c.readiness.clone().unwrap();
                    let ip = p.ip.clone().unwrap_or_default();
                    let msg = match (&probe.h, self.rng.below(3)) {
                        (Handler::Http(path, _), 0) => {
                            let port = c.ports.first().map(|x| x.1).unwrap_or(8080);
                            format!("Readiness probe failed: Get \"http://{ip}:{port}{path}\": dial tcp {ip}:{port}: connect: connection refused")
                        }
                        (Handler::Http(..), 1) => {
                            "Readiness probe failed: HTTP probe failed with statuscode: 503"
                                .to_string()
                        }
                        (Handler::Http(path, _), _) => {
                            let port = c.ports.first().map(|x| x.1).unwrap_or(8080);
                            format!("Readiness probe failed: Get \"http://{ip}:{port}{path}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
                        }
                        (Handler::Tcp(_), _) => {
                            let port = c.ports.first().map(|x| x.1).unwrap_or(8080);
                            format!("Readiness probe failed: dial tcp {ip}:{port}: connect: connection refused")
                        }
                        (Handler::Exec(_), _) | (Handler::HttpsHost(..), _) => {
                            "Readiness probe failed: command timed out".to_string()
                        }
                    };
                    let n = ((now - s0) / probe.period.max(1) as i64).clamp(1, 20_000);
                    let field = Some(format!("spec.containers{{{}}}", c.name));
                    let h = host(self, p);
                    let inv = self.pod_inv(ns, p, field);
                    let last = now - self.rng.range(1, 20);
                    self.ev(
                        ns,
                        inv,
                        "Unhealthy",
                        msg,
                        true,
                        "kubelet",
                        h,
                        s0 + probe.initial as i64,
                        last,
                        n,
                    );
                    p.failure = Some((FailureKind::NotReady, Some(c.name.clone())));
                    all_terminated = false;
                }
                _ => {
                    // Healthy (or a bystander container in a failing pod).
                    let cid = self.cid();
                    if ctx.job && kind.is_none() {
                        let f = s0 + self.rng.range(5, 900);
                        let f = f.min(now - 5);
                        p.st.push(CStatus {
                            state: St::Terminated {
                                code: 0,
                                reason: "Completed",
                                message: None,
                                started: Some(s0),
                                finished: Some(f),
                                cid: Some(cid.clone()),
                            },
                            last: None,
                            ready: false,
                            restarts: 0,
                            image_id: true,
                            cid: Some(cid),
                            started: false,
                        });
                        let plan = self.body(c, s0, f, Tail::Completed, &app);
                        p.logs.push(if node_down {
                            LogPlan::Err(LogErr::Unreachable)
                        } else {
                            plan
                        });
                        if recent {
                            let h = host(self, p);
                            self.start_events(ns, p, c, "containers", s0, h);
                        }
                        continue;
                    }
                    all_terminated = false;
                    let (restarts, last, s) = if kind.is_none()
                        && !ctx.static_pod
                        && self.rng.chance(0.07)
                        && now - s0 > 2 * HOUR
                    {
                        let fin = s0 + self.rng.range(HOUR, (now - s0 - HOUR).max(HOUR + 1));
                        let fin = fin.min(now - HOUR);
                        let (code, reason) = *self.rng.pick(&[
                            (1, "Error"),
                            (143, "Error"),
                            (0, "Completed"),
                            (2, "Error"),
                        ]);
                        let cid_old = self.cid();
                        (
                            self.rng.range(1, 2),
                            Some(St::Terminated {
                                code,
                                reason,
                                message: None,
                                started: Some(s0),
                                finished: Some(fin),
                                cid: Some(cid_old),
                            }),
                            fin + self.rng.range(1, 15),
                        )
                    } else {
                        (0, None, s0)
                    };
                    // On a NotReady node the kubelet's last report (ready) stays in place.
                    p.st.push(CStatus {
                        state: St::Running(s),
                        last,
                        ready: true,
                        restarts,
                        image_id: true,
                        cid: Some(cid),
                        started: true,
                    });
                    let plan = self.body(c, s, now, Tail::None, &app);
                    p.logs.push(if node_down {
                        LogPlan::Err(LogErr::Unreachable)
                    } else {
                        plan
                    });
                    if recent && !ctx.static_pod {
                        let h = host(self, p);
                        self.start_events(ns, p, c, "containers", s, h);
                    }
                    // Benign readiness flaps on healthy pods: noise an analyzer must not
                    // mistake for a failure.
                    if kind.is_none()
                        && !node_down
                        && c.readiness.is_some()
                        && self.rng.chance(0.03)
                    {
                        let field = Some(format!("spec.containers{{{}}}", c.name));
                        let h = host(self, p);
                        let inv = self.pod_inv(ns, p, field);
                        let t = now - self.rng.range(2 * MIN, 50 * MIN);
                        let (last, n) = (t + self.rng.range(0, 60), self.rng.range(1, 4));
                        self.ev(
                            ns,
                            inv,
                            "Unhealthy",
                            "Readiness probe failed: HTTP probe failed with statuscode: 503".into(),
                            true,
                            "kubelet",
                            h,
                            t,
                            last,
                            n,
                        );
                    }
                }
            }
        }

        // Pod-level states layered on top of the containers.
        if kind == Some(FailureKind::Evicted) {
            let te = now - self.rng.range(5 * MIN, 55 * MIN);
            evicted_at = Some(te);
        }
        if let Some(te) = evicted_at {
            let node = p.node.unwrap();
            let res = match self.nodes[node].problem {
                Some(NodeProblem::DiskPressure) => "ephemeral-storage",
                Some(NodeProblem::MemoryPressure) => "memory",
                _ => *self.rng.pick(&["memory", "ephemeral-storage"]),
            };
            let c0 = &tplc.containers[0];
            let msg = if res == "memory" {
                format!(
                    "The node was low on resource: memory. Threshold quantity: 100Mi, available: {}Ki. Container {} was using {}Ki, request is {}, has larger consumption of memory. ",
                    self.rng.range(20_000, 99_000),
                    c0.name,
                    self.rng.range(700_000, 3_900_000),
                    c0.req.mem.unwrap_or("0")
                )
            } else {
                format!(
                    "The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: {}Ki. Container {} was using {}Ki, request is 0, has larger consumption of ephemeral-storage. ",
                    self.rng.range(6_000_000, 10_000_000),
                    c0.name,
                    self.rng.range(2_000_000, 30_000_000)
                )
            };
            p.phase = "Failed";
            p.reason = Some("Evicted");
            p.message = Some(msg.clone());
            for (i, s) in p.st.iter_mut().enumerate() {
                s.state = St::Terminated {
                    code: 137,
                    reason: "ContainerStatusUnknown",
                    message: Some(
                        "The container could not be located when the pod was terminated".into(),
                    ),
                    started: None,
                    finished: None,
                    cid: None,
                };
                s.ready = false;
                s.started = false;
                s.cid = None;
                p.logs[tplc.init.len() + i] = LogPlan::Err(LogErr::Rejected);
            }
            for l in p.logs.iter_mut().take(tplc.init.len()) {
                *l = LogPlan::Err(LogErr::Rejected);
            }
            p.conds = vec![
                Cond {
                    typ: "DisruptionTarget",
                    status: "True",
                    t: te,
                    reason: Some("TerminationByKubelet"),
                    message: Some(msg.clone()),
                },
                Cond {
                    typ: "PodReadyToStartContainers",
                    status: "False",
                    t: te,
                    reason: None,
                    message: None,
                },
                Cond {
                    typ: "Initialized",
                    status: "True",
                    t: start,
                    reason: None,
                    message: None,
                },
                Cond {
                    typ: "Ready",
                    status: "False",
                    t: te,
                    reason: Some("PodFailed"),
                    message: None,
                },
                Cond {
                    typ: "ContainersReady",
                    status: "False",
                    t: te,
                    reason: Some("PodFailed"),
                    message: None,
                },
                Cond {
                    typ: "PodScheduled",
                    status: "True",
                    t: sched_t,
                    reason: None,
                    message: None,
                },
            ];
            let h = host(self, p);
            let inv = self.pod_inv(ns, p, None);
            self.ev(
                ns,
                inv,
                "Evicted",
                msg,
                true,
                "kubelet",
                h.clone(),
                te,
                te,
                1,
            );
            for c in tplc.containers.iter() {
                let inv = self.pod_inv(ns, p, Some(format!("spec.containers{{{}}}", c.name)));
                self.ev(
                    ns,
                    inv,
                    "Killing",
                    format!("Stopping container {}", c.name),
                    false,
                    "kubelet",
                    h.clone(),
                    te + 1,
                    te + 1,
                    1,
                );
            }
            p.failure = Some((FailureKind::Evicted, None));
            return;
        }

        if stuck_mount {
            let msg = self.mount_message(&tplc, p);
            let n = ((now - t0) / 130).clamp(1, 1500);
            let h = host(self, p);
            let inv = self.pod_inv(ns, p, None);
            let last = now - self.rng.range(5, 120);
            self.ev(
                ns,
                inv,
                "FailedMount",
                msg,
                true,
                "kubelet",
                h,
                t0 + 2,
                last,
                n,
            );
            p.ip = None;
            p.failure = Some((FailureKind::FailedMount, None));
            phase = "Pending";
        }

        let initialized = init_done && !stuck_mount;
        let completed_job = ctx.job && all_terminated;
        let ready = unready.is_empty() && !all_terminated;
        let sandbox = !stuck_mount && !completed_job;
        let ready_t = cursor + 5;
        p.phase = if completed_job { "Succeeded" } else { phase };
        let completed = p.phase == "Succeeded";
        p.conds.push(Cond {
            typ: "PodReadyToStartContainers",
            status: if sandbox { "True" } else { "False" },
            t: if completed { ready_t + 60 } else { start },
            reason: None,
            message: None,
        });
        p.conds.push(if initialized {
            Cond {
                typ: "Initialized",
                status: "True",
                t: cursor,
                reason: if completed {
                    Some("PodCompleted")
                } else {
                    None
                },
                message: None,
            }
        } else {
            let pending: Vec<String> = tplc
                .init
                .iter()
                .enumerate()
                .filter(|(i, _)| !matches!(p.init_st[*i].state, St::Terminated { code: 0, .. }))
                .map(|(_, c)| c.name.clone())
                .collect();
            Cond {
                typ: "Initialized",
                status: "False",
                t: start,
                reason: Some("ContainersNotInitialized"),
                message: Some(format!(
                    "containers with incomplete status: [{}]",
                    pending.join(" ")
                )),
            }
        });
        let unready_msg = if completed {
            None
        } else {
            Some(format!(
                "containers with unready status: [{}]",
                if unready.is_empty() {
                    cnames(&tplc.containers)
                } else {
                    unready.join(" ")
                }
            ))
        };
        if ready {
            p.conds.push(Cond {
                typ: "Ready",
                status: "True",
                t: ready_t,
                reason: None,
                message: None,
            });
            p.conds.push(Cond {
                typ: "ContainersReady",
                status: "True",
                t: ready_t,
                reason: None,
                message: None,
            });
        } else {
            let reason = if completed {
                "PodCompleted"
            } else {
                "ContainersNotReady"
            };
            p.conds.push(Cond {
                typ: "Ready",
                status: "False",
                t: start,
                reason: Some(reason),
                message: unready_msg.clone(),
            });
            p.conds.push(Cond {
                typ: "ContainersReady",
                status: "False",
                t: start,
                reason: Some(reason),
                message: unready_msg,
            });
        }
        p.conds.push(Cond {
            typ: "PodScheduled",
            status: "True",
            t: sched_t,
            reason: None,
            message: None,
        });

        if node_down && kind.is_none() {
            // The node controller marks the pod not ready; container statuses stay as the
            // kubelet last reported them (ready: true). The taint manager then deletes
            // non-daemon pods after the 300 s toleration, which never completes.
            let since = self.nodes[p.node.unwrap()].since;
            for c in p.conds.iter_mut() {
                if c.typ == "Ready" && c.status == "True" {
                    c.status = "False";
                    c.t = since + 40;
                }
            }
            if !ctx.daemon && !ctx.static_pod && !completed {
                let del_req = since + 300 + self.rng.range(0, 5);
                if del_req + p.tpl.grace < now {
                    p.deletion = Some(del_req + p.tpl.grace);
                    p.failure = Some((FailureKind::StuckTerminating, None));
                    let inv = self.pod_inv(ns, p, None);
                    self.ev(
                        ns,
                        inv,
                        "TaintManagerEviction",
                        format!("Marking for deletion Pod {}/{}", ns.name, p.name),
                        false,
                        "taint-eviction-controller",
                        None,
                        del_req,
                        del_req,
                        1,
                    );
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn crashloop_events(
        &mut self,
        ns: &mut Ns,
        p: &Pod,
        c: &str,
        image: &str,
        list: &str,
        restarts: i64,
        t0: i64,
        last_start: i64,
        liveness_kill: bool,
    ) {
        let field = Some(format!("spec.{list}{{{c}}}"));
        let h = p.node.map(|n| self.nodes[n].name.clone());
        let n = restarts + 1;
        let inv = self.pod_inv(ns, p, field.clone());
        let backoffs = restarts * self.rng.range(5, 22);
        let last = self.now - self.rng.range(1, 50);
        self.ev(
            ns,
            inv,
            "BackOff",
            format!(
                "Back-off restarting failed container {c} in pod {}_{}({})",
                p.name, ns.name, p.uid
            ),
            true,
            "kubelet",
            h.clone(),
            t0 + 60,
            last,
            backoffs,
        );
        let inv = self.pod_inv(ns, p, field.clone());
        self.ev(
            ns,
            inv,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            false,
            "kubelet",
            h.clone(),
            t0 + 2,
            last_start,
            n,
        );
        let inv = self.pod_inv(ns, p, field.clone());
        self.ev(
            ns,
            inv,
            "Created",
            format!("Created container: {c}"),
            false,
            "kubelet",
            h.clone(),
            t0 + 2,
            last_start,
            n,
        );
        let inv = self.pod_inv(ns, p, field.clone());
        self.ev(
            ns,
            inv,
            "Started",
            format!("Started container {c}"),
            false,
            "kubelet",
            h.clone(),
            t0 + 3,
            last_start + 1,
            n,
        );
        if liveness_kill {
            let ip = p.ip.clone().unwrap_or_default();
            let inv = self.pod_inv(ns, p, field.clone());
            self.ev(ns, inv, "Unhealthy", format!("Liveness probe failed: Get \"http://{ip}:8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), true, "kubelet", h.clone(), t0 + 40, last_start + 30, n * 3);
            let inv = self.pod_inv(ns, p, field);
            self.ev(
                ns,
                inv,
                "Killing",
                format!("Container {c} failed liveness probe, will be restarted"),
                false,
                "kubelet",
                h,
                t0 + 45,
                last_start + 35,
                n,
            );
        }
    }

    fn start_events(
        &mut self,
        ns: &mut Ns,
        p: &Pod,
        c: &CSpec,
        list: &str,
        s: i64,
        h: Option<String>,
    ) {
        let field = Some(format!("spec.{list}{{{}}}", c.name));
        if self.rng.chance(0.5) {
            let inv = self.pod_inv(ns, p, field.clone());
            self.ev(
                ns,
                inv,
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
                false,
                "kubelet",
                h.clone(),
                s - 1,
                s - 1,
                1,
            );
        } else {
            let ms = self.rng.range(300, 9000);
            let size = (fnv1a(c.image.as_bytes()) % 400_000_000) + 5_000_000;
            let inv = self.pod_inv(ns, p, field.clone());
            self.ev(
                ns,
                inv,
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
                false,
                "kubelet",
                h.clone(),
                s - 2,
                s - 2,
                1,
            );
            let inv = self.pod_inv(ns, p, field.clone());
            self.ev(ns, inv, "Pulled", format!("Successfully pulled image \"{}\" in {}.{:03}s ({}.{:03}s including waiting). Image size: {} bytes.", c.image, ms / 1000, ms % 1000, ms / 1000, ms % 1000 + 3, size), false, "kubelet", h.clone(), s - 1, s - 1, 1);
        }
        let inv = self.pod_inv(ns, p, field.clone());
        self.ev(
            ns,
            inv,
            "Created",
            format!("Created container: {}", c.name),
            false,
            "kubelet",
            h.clone(),
            s,
            s,
            1,
        );
        let inv = self.pod_inv(ns, p, field);
        self.ev(
            ns,
            inv,
            "Started",
            format!("Started container {}", c.name),
            false,
            "kubelet",
            h,
            s,
            s,
            1,
        );
    }

    fn backoff_msg(&self, restarts: i64, c: &str, p: &Pod, ns: &str) -> String {
        let secs = if restarts >= 5 {
            300
        } else {
            10 << restarts.clamp(0, 4)
        };
        format!(
            "back-off {} restarting failed container={c} pod={}_{ns}({})",
            go_dur(secs),
            p.name,
            p.uid
        )
    }

    fn pull_error(&mut self, image: &str) -> String {
        let host = image.split('/').next().unwrap_or("docker.io");
        match self.rng.below(4) {
            0 | 1 => format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"),
            2 => format!("rpc error: code = Unknown desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://{host}/token: 401 Unauthorized"),
            _ => format!("rpc error: code = Unknown desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": failed to do request: Head \"https://{host}/v2/manifests/latest\": dial tcp: lookup {host} on 10.0.0.2:53: no such host"),
        }
    }

    fn mount_message(&mut self, t: &Tpl, p: &Pod) -> String {
        for v in &t.volumes {
            match v {
                Vol::ConfigMap(n, cm) => return format!("MountVolume.SetUp failed for volume \"{n}\" : configmap \"{cm}\" not found"),
                Vol::Secret(n, s) => return format!("MountVolume.SetUp failed for volume \"{n}\" : secret \"{s}\" not found"),
                Vol::Pvc(..) => {
                    return format!(
                        "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[{} data], failed to process volumes=[]: timed out waiting for the condition",
                        p.api_vol
                    )
                }
                _ => {}
            }
        }
        format!("MountVolume.SetUp failed for volume \"{}\" : object \"{}\"/\"kube-root-ca.crt\" not registered", p.api_vol, "default")
    }

    fn unschedulable_message(&mut self, t: &Tpl) -> String {
        let n = self.nodes.len();
        let cp = self
            .nodes
            .iter()
            .filter(|x| x.cp && !x.untainted_cp)
            .count();
        let down = self
            .nodes
            .iter()
            .filter(|x| x.problem == Some(NodeProblem::NotReady))
            .count();
        let rest = n - cp - down;
        let mut parts = vec![];
        if cp > 0 {
            parts.push(format!(
                "{cp} node(s) had untolerated taint {{node-role.kubernetes.io/control-plane: }}"
            ));
        }
        if down > 0 {
            parts.push(format!(
                "{down} node(s) had untolerated taint {{node.kubernetes.io/unreachable: }}"
            ));
        }
        let has_pvc = t.volumes.iter().any(|v| matches!(v, Vol::Pvc(..)));
        if has_pvc && self.rng.chance(0.5) {
            return format!("0/{n} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
        }
        // The cluster is full: the pod's requests fit on no schedulable node. (A node
        // affinity variant would contradict the pod spec, which has no selector.)
        let mem = self.rng.range(0, rest as i64) as usize;
        if mem > 0 {
            parts.push(format!("{mem} Insufficient memory"));
        }
        if rest - mem > 0 {
            parts.push(format!("{} Insufficient cpu", rest - mem));
        }
        let preempt = format!("{rest} No preemption victims found for incoming pod");
        parts.sort();
        let mut pre = vec![];
        if cp + down > 0 {
            pre.push(format!(
                "{} Preemption is not helpful for scheduling",
                cp + down
            ));
        }
        if rest > 0 {
            pre.push(preempt);
        }
        pre.sort();
        format!(
            "0/{n} nodes are available: {}. preemption: 0/{n} nodes are available: {}.",
            parts.join(", "),
            pre.join(", ")
        )
    }
}

// ===================================================================================
// Workloads
// ===================================================================================

impl B<'_> {
    fn infra(&mut self, nss: &mut [Ns], cap: usize) {
        let mut left = cap.min(self.remaining);
        let pos = |nss: &[Ns], n: &str| nss.iter().position(|x| x.name == n);
        let eks = self.flavour == 1;
        if let Some(k) = pos(nss, "kube-system") {
            let ns = &mut nss[k];
            let cps: Vec<usize> = self.nodes.iter().filter(|n| n.cp).map(|n| n.idx).collect();
            for &cpn in &cps {
                for comp in [
                    "etcd",
                    "kube-apiserver",
                    "kube-controller-manager",
                    "kube-scheduler",
                ] {
                    if left == 0 {
                        break;
                    }
                    self.static_pod(ns, cpn, comp);
                    left -= 1;
                }
            }
            // kube-proxy
            let img = if eks {
                "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.32.0-minimal-eksbuild.2".to_string()
            } else {
                "registry.k8s.io/kube-proxy:v1.32.2".to_string()
            };
            let mut c = cspec("kube-proxy", img, Lang::Klog, 2);
            c.command = vec![
                "/usr/local/bin/kube-proxy".into(),
                "--config=/var/lib/kube-proxy/config.conf".into(),
                "--hostname-override=$(NODE_NAME)".into(),
            ];
            c.env = vec![Env::Field("NODE_NAME", "spec.nodeName")];
            c.privileged = true;
            c.req = Res {
                cpu: Some("100m"),
                mem: None,
            };
            c.mounts = vec![
                ("kube-proxy".into(), "/var/lib/kube-proxy".into(), false),
                ("xtables-lock".into(), "/run/xtables.lock".into(), false),
                ("lib-modules".into(), "/lib/modules".into(), true),
            ];
            c.chatty = 0.6;
            let mut t = tpl(lv(&[("k8s-app", "kube-proxy")]), vec![c]);
            t.host_network = true;
            t.sa = "kube-proxy".into();
            t.priority_class = Some("system-node-critical");
            t.priority = 2_000_001_000;
            t.tolerations = vec![Tol {
                key: "",
                op: "Exists",
                effect: "",
                secs: None,
            }];
            t.node_selector = lv(&[("kubernetes.io/os", "linux")]);
            t.volumes = vec![
                Vol::ConfigMap("kube-proxy".into(), "kube-proxy".into()),
                Vol::HostPath("xtables-lock".into(), "/run/xtables.lock", "FileOrCreate"),
                Vol::HostPath("lib-modules".into(), "/lib/modules", ""),
            ];
            self.infra_ds(ns, &mut left, "kube-proxy", t);

            // CNI
            let mut i1 = cspec(
                "upgrade-ipam",
                "docker.io/calico/cni:v3.28.2".into(),
                Lang::Calico,
                1,
            );
            i1.command = vec!["/opt/cni/bin/calico-ipam".into(), "-upgrade".into()];
            i1.privileged = true;
            let mut i2 = cspec(
                "install-cni",
                "docker.io/calico/cni:v3.28.2".into(),
                Lang::Calico,
                1,
            );
            i2.command = vec!["/opt/cni/bin/install".into()];
            i2.privileged = true;
            let mut c = cspec(
                "calico-node",
                "docker.io/calico/node:v3.28.2".into(),
                Lang::Calico,
                0,
            );
            c.env = vec![
                Env::Val("DATASTORE_TYPE", "kubernetes".into()),
                Env::Field("NODENAME", "spec.nodeName"),
                Env::Val("CALICO_NETWORKING_BACKEND", "bird".into()),
                Env::Val("CLUSTER_TYPE", "k8s,bgp".into()),
                Env::Val("CALICO_IPV4POOL_CIDR", "10.244.0.0/16".into()),
                Env::Val("FELIX_LOGSEVERITYSCREEN", "info".into()),
            ];
            c.privileged = true;
            c.req = Res {
                cpu: Some("250m"),
                mem: None,
            };
            c.readiness = Some(Probe {
                h: Handler::Exec(vec![
                    "/bin/calico-node".into(),
                    "-felix-ready".into(),
                    "-bird-ready".into(),
                ]),
                initial: 0,
                period: 10,
                timeout: 10,
                failure: 3,
            });
            c.liveness = Some(Probe {
                h: Handler::Exec(vec![
                    "/bin/calico-node".into(),
                    "-felix-live".into(),
                    "-bird-live".into(),
                ]),
                initial: 10,
                period: 10,
                timeout: 10,
                failure: 6,
            });
            c.mounts = vec![
                ("lib-modules".into(), "/lib/modules".into(), true),
                ("var-run-calico".into(), "/var/run/calico".into(), false),
            ];
            c.chatty = 1.2;
            let mut t = tpl(lv(&[("k8s-app", "calico-node")]), vec![c]);
            t.init = vec![i1, i2];
            t.host_network = true;
            t.sa = "calico-node".into();
            t.priority_class = Some("system-node-critical");
            t.priority = 2_000_001_000;
            t.grace = 0;
            t.tolerations = vec![Tol {
                key: "",
                op: "Exists",
                effect: "",
                secs: None,
            }];
            t.node_selector = lv(&[("kubernetes.io/os", "linux")]);
            t.volumes = vec![
                Vol::HostPath("lib-modules".into(), "/lib/modules", ""),
                Vol::HostPath(
                    "var-run-calico".into(),
                    "/var/run/calico",
                    "DirectoryOrCreate",
                ),
            ];
            self.infra_ds(ns, &mut left, "calico-node", t);

            // CoreDNS
            let mut c = cspec(
                "coredns",
                "registry.k8s.io/coredns/coredns:v1.11.3".into(),
                Lang::CoreDns,
                0,
            );
            c.args = vec!["-conf".into(), "/etc/coredns/Corefile".into()];
            c.ports = vec![
                ("dns", 53, "UDP"),
                ("dns-tcp", 53, "TCP"),
                ("metrics", 9153, "TCP"),
            ];
            c.req = Res {
                cpu: Some("100m"),
                mem: Some("70Mi"),
            };
            c.lim = Res {
                cpu: None,
                mem: Some("170Mi"),
            };
            c.readiness = Some(http_probe("/ready", PortRef::Num(8181), 0, 10));
            c.liveness = Some(Probe {
                h: Handler::Http("/health".into(), PortRef::Num(8080)),
                initial: 60,
                period: 10,
                timeout: 5,
                failure: 5,
            });
            c.mounts = vec![("config-volume".into(), "/etc/coredns".into(), true)];
            c.chatty = 1.5;
            let mut t = tpl(lv(&[("k8s-app", "kube-dns")]), vec![c]);
            t.sa = "coredns".into();
            t.priority_class = Some("system-cluster-critical");
            t.priority = 2_000_000_000;
            t.volumes = vec![Vol::ConfigMap("config-volume".into(), "coredns".into())];
            t.tolerations = vec![
                Tol {
                    key: "CriticalAddonsOnly",
                    op: "Exists",
                    effect: "",
                    secs: None,
                },
                Tol {
                    key: "node-role.kubernetes.io/control-plane",
                    op: "",
                    effect: "NoSchedule",
                    secs: None,
                },
            ];
            if self.infra_deploy(ns, &mut left, "coredns", 2, t, Allow::None) {
                self.service(
                    ns,
                    "kube-dns",
                    lv(&[("k8s-app", "kube-dns")]),
                    vec![
                        ("dns", "UDP", 53, PortRef::Num(53), None),
                        ("dns-tcp", "TCP", 53, PortRef::Num(53), None),
                        ("metrics", "TCP", 9153, PortRef::Num(9153), None),
                    ],
                    "ClusterIP",
                    Some("10.96.0.10".into()),
                    false,
                );
            }

            let mut c = cspec(
                "metrics-server",
                "registry.k8s.io/metrics-server/metrics-server:v0.7.2".into(),
                Lang::Klog,
                0,
            );
            c.args = vec![
                "--cert-dir=/tmp".into(),
                "--secure-port=10250".into(),
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname".into(),
                "--kubelet-use-node-status-port".into(),
                "--metric-resolution=15s".into(),
            ];
            c.ports = vec![("https", 10250, "TCP")];
            c.req = Res {
                cpu: Some("100m"),
                mem: Some("200Mi"),
            };
            c.readiness = Some(Probe {
                h: Handler::Http("/readyz".into(), PortRef::Name("https")),
                initial: 20,
                period: 10,
                timeout: 1,
                failure: 3,
            });
            c.non_root = true;
            let mut t = tpl(lv(&[("k8s-app", "metrics-server")]), vec![c]);
            t.sa = "metrics-server".into();
            t.priority_class = Some("system-cluster-critical");
            t.priority = 2_000_000_000;
            if self.infra_deploy(ns, &mut left, "metrics-server", 1, t, Allow::All) {
                self.service(
                    ns,
                    "metrics-server",
                    lv(&[("k8s-app", "metrics-server")]),
                    vec![("https", "TCP", 443, PortRef::Name("https"), None)],
                    "ClusterIP",
                    None,
                    false,
                );
            }
            let mut c = cspec(
                "calico-kube-controllers",
                "docker.io/calico/kube-controllers:v3.28.2".into(),
                Lang::Calico,
                2,
            );
            c.env = vec![
                Env::Val("ENABLED_CONTROLLERS", "node".into()),
                Env::Val("DATASTORE_TYPE", "kubernetes".into()),
            ];
            c.readiness = Some(Probe {
                h: Handler::Exec(vec!["/usr/bin/check-status".into(), "-r".into()]),
                initial: 0,
                period: 10,
                timeout: 1,
                failure: 3,
            });
            c.chatty = 0.4;
            let mut t = tpl(lv(&[("k8s-app", "calico-kube-controllers")]), vec![c]);
            t.sa = "calico-kube-controllers".into();
            t.priority_class = Some("system-cluster-critical");
            t.priority = 2_000_000_000;
            self.infra_deploy(ns, &mut left, "calico-kube-controllers", 1, t, Allow::All);
        }
        if let Some(k) = pos(nss, "monitoring") {
            let ns = &mut nss[k];
            let mut c = cspec(
                "node-exporter",
                "quay.io/prometheus/node-exporter:v1.8.2".into(),
                Lang::Go,
                3,
            );
            c.args = vec![
                "--path.procfs=/host/proc".into(),
                "--path.sysfs=/host/sys".into(),
                "--path.rootfs=/host/root".into(),
                "--web.listen-address=0.0.0.0:9100".into(),
            ];
            c.ports = vec![("metrics", 9100, "TCP")];
            c.req = Res {
                cpu: Some("102m"),
                mem: Some("180Mi"),
            };
            c.lim = Res {
                cpu: Some("250m"),
                mem: Some("180Mi"),
            };
            c.chatty = 0.15;
            c.mounts = vec![
                ("proc".into(), "/host/proc".into(), true),
                ("sys".into(), "/host/sys".into(), true),
                ("root".into(), "/host/root".into(), true),
            ];
            let mut t = tpl(
                lv(&[
                    ("app.kubernetes.io/name", "node-exporter"),
                    ("app.kubernetes.io/part-of", "kube-prometheus"),
                ]),
                vec![c],
            );
            t.host_network = true;
            t.sa = "node-exporter".into();
            t.tolerations = vec![Tol {
                key: "",
                op: "Exists",
                effect: "",
                secs: None,
            }];
            t.volumes = vec![
                Vol::HostPath("proc".into(), "/proc", ""),
                Vol::HostPath("sys".into(), "/sys", ""),
                Vol::HostPath("root".into(), "/", ""),
            ];
            if self.infra_ds(ns, &mut left, "node-exporter", t) {
                self.service(
                    ns,
                    "node-exporter",
                    lv(&[("app.kubernetes.io/name", "node-exporter")]),
                    vec![("metrics", "TCP", 9100, PortRef::Name("metrics"), None)],
                    "ClusterIP",
                    Some("None".into()),
                    false,
                );
            }
            let mut c = cspec(
                "prometheus",
                "quay.io/prometheus/prometheus:v2.54.1".into(),
                Lang::Go,
                3,
            );
            c.args = vec![
                "--config.file=/etc/prometheus/config_out/prometheus.env.yaml".into(),
                "--storage.tsdb.path=/prometheus".into(),
                "--storage.tsdb.retention.time=15d".into(),
                "--web.enable-lifecycle".into(),
            ];
            c.ports = vec![("web", 9090, "TCP")];
            c.req = Res {
                cpu: Some("500m"),
                mem: Some("2Gi"),
            };
            c.lim = Res {
                cpu: None,
                mem: Some("4Gi"),
            };
            c.readiness = Some(Probe {
                h: Handler::Http("/-/ready".into(), PortRef::Name("web")),
                initial: 0,
                period: 5,
                timeout: 3,
                failure: 3,
            });
            c.mounts = vec![("prometheus-k8s-db".into(), "/prometheus".into(), false)];
            c.chatty = 1.3;
            let mut r = cspec(
                "config-reloader",
                "quay.io/prometheus-operator/prometheus-config-reloader:v0.77.1".into(),
                Lang::Go,
                3,
            );
            r.args = vec![
                "--listen-address=:8080".into(),
                "--reload-url=http://localhost:9090/-/reload".into(),
            ];
            r.req = Res {
                cpu: Some("10m"),
                mem: Some("50Mi"),
            };
            r.lim = Res {
                cpu: Some("10m"),
                mem: Some("50Mi"),
            };
            r.chatty = 0.1;
            let mut t = tpl(
                lv(&[
                    ("app.kubernetes.io/name", "prometheus"),
                    ("app.kubernetes.io/instance", "k8s"),
                ]),
                vec![c, r],
            );
            t.sa = "prometheus-k8s".into();
            t.volumes = vec![Vol::Pvc("prometheus-k8s-db".into(), String::new())];
            t.annotations = vec![(
                "kubectl.kubernetes.io/default-container".into(),
                "prometheus".into(),
            )];
            self.infra_sts(ns, &mut left, "prometheus-k8s", 2, t);
            let mut c = cspec(
                "grafana",
                "docker.io/grafana/grafana:11.2.2".into(),
                Lang::Go,
                2,
            );
            c.ports = vec![("http", 3000, "TCP")];
            c.readiness = Some(http_probe("/api/health", PortRef::Name("http"), 0, 10));
            c.req = Res {
                cpu: Some("100m"),
                mem: Some("100Mi"),
            };
            c.lim = Res {
                cpu: Some("200m"),
                mem: Some("200Mi"),
            };
            let t = tpl(lv(&[("app.kubernetes.io/name", "grafana")]), vec![c]);
            if self.infra_deploy(ns, &mut left, "grafana", 1, t, Allow::All) {
                self.service(
                    ns,
                    "grafana",
                    lv(&[("app.kubernetes.io/name", "grafana")]),
                    vec![("http", "TCP", 3000, PortRef::Name("http"), None)],
                    "ClusterIP",
                    None,
                    false,
                );
            }
            let mut c = cspec(
                "kube-state-metrics",
                "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0".into(),
                Lang::Klog,
                0,
            );
            c.args = vec!["--host=127.0.0.1".into(), "--port=8081".into()];
            c.req = Res {
                cpu: Some("10m"),
                mem: Some("190Mi"),
            };
            c.lim = Res {
                cpu: Some("100m"),
                mem: Some("250Mi"),
            };
            c.chatty = 0.4;
            let t = tpl(
                lv(&[("app.kubernetes.io/name", "kube-state-metrics")]),
                vec![c],
            );
            self.infra_deploy(ns, &mut left, "kube-state-metrics", 1, t, Allow::All);
        }
        if let Some(k) = pos(nss, "ingress-nginx") {
            let ns = &mut nss[k];
            let mut c = cspec(
                "controller",
                "registry.k8s.io/ingress-nginx/controller:v1.11.3".into(),
                Lang::Klog,
                5,
            );
            c.args = vec![
                "/nginx-ingress-controller".into(),
                "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller".into(),
                "--election-id=ingress-nginx-leader".into(),
                "--controller-class=k8s.io/ingress-nginx".into(),
                "--ingress-class=nginx".into(),
            ];
            c.env = vec![
                Env::Field("POD_NAME", "metadata.name"),
                Env::Field("POD_NAMESPACE", "metadata.namespace"),
                Env::Val("LD_PRELOAD", "/usr/local/lib/libmimalloc.so".into()),
            ];
            c.ports = vec![
                ("http", 80, "TCP"),
                ("https", 443, "TCP"),
                ("webhook", 8443, "TCP"),
            ];
            c.req = Res {
                cpu: Some("100m"),
                mem: Some("90Mi"),
            };
            c.readiness = Some(http_probe("/healthz", PortRef::Num(10254), 10, 10));
            c.liveness = Some(Probe {
                h: Handler::Http("/healthz".into(), PortRef::Num(10254)),
                initial: 10,
                period: 10,
                timeout: 1,
                failure: 5,
            });
            c.chatty = 4.0;
            let mut t = tpl(
                lv(&[
                    ("app.kubernetes.io/name", "ingress-nginx"),
                    ("app.kubernetes.io/component", "controller"),
                ]),
                vec![c],
            );
            t.sa = "ingress-nginx".into();
            t.node_selector = lv(&[("kubernetes.io/os", "linux")]);
            if self.infra_deploy(ns, &mut left, "ingress-nginx-controller", 2, t, Allow::All) {
                let sel = lv(&[
                    ("app.kubernetes.io/name", "ingress-nginx"),
                    ("app.kubernetes.io/component", "controller"),
                ]);
                self.service(
                    ns,
                    "ingress-nginx-controller",
                    sel.clone(),
                    vec![
                        ("http", "TCP", 80, PortRef::Name("http"), Some(31080)),
                        ("https", "TCP", 443, PortRef::Name("https"), Some(31443)),
                    ],
                    "LoadBalancer",
                    None,
                    false,
                );
                self.service(
                    ns,
                    "ingress-nginx-controller-admission",
                    sel,
                    vec![("https-webhook", "TCP", 443, PortRef::Name("webhook"), None)],
                    "ClusterIP",
                    None,
                    false,
                );
            }
            for job in [
                "ingress-nginx-admission-create",
                "ingress-nginx-admission-patch",
            ] {
                if left == 0 {
                    break;
                }
                let mut c = cspec(
                    if job.ends_with("create") {
                        "create"
                    } else {
                        "patch"
                    },
                    "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4".into(),
                    Lang::Go,
                    0,
                );
                c.args = vec![
                    if job.ends_with("create") {
                        "create".into()
                    } else {
                        "patch".into()
                    },
                    "--namespace=$(POD_NAMESPACE)".into(),
                    "--secret-name=ingress-nginx-admission".into(),
                ];
                c.chatty = 0.05;
                let mut t = tpl(
                    lv(&[
                        ("app.kubernetes.io/name", "ingress-nginx"),
                        ("app.kubernetes.io/component", "admission-webhook"),
                    ]),
                    vec![c],
                );
                t.restart_policy = "OnFailure";
                t.sa = "ingress-nginx-admission".into();
                let created = self.now - self.rng.range(20 * DAY, 200 * DAY);
                self.job_pod(ns, job, Arc::new(t), created, None);
                left -= 1;
            }
        }
        if let Some(k) = pos(nss, "cert-manager") {
            let ns = &mut nss[k];
            for (name, img) in [
                (
                    "cert-manager",
                    "quay.io/jetstack/cert-manager-controller:v1.16.1",
                ),
                (
                    "cert-manager-cainjector",
                    "quay.io/jetstack/cert-manager-cainjector:v1.16.1",
                ),
                (
                    "cert-manager-webhook",
                    "quay.io/jetstack/cert-manager-webhook:v1.16.1",
                ),
            ] {
                let cname = name
                    .strip_prefix("cert-manager-")
                    .unwrap_or("cert-manager-controller");
                let mut c = cspec(cname, img.into(), Lang::Klog, 0);
                c.args = vec![
                    "--v=2".into(),
                    "--leader-election-namespace=kube-system".into(),
                ];
                c.env = vec![Env::Field("POD_NAMESPACE", "metadata.namespace")];
                c.non_root = true;
                c.chatty = if name == "cert-manager" { 0.8 } else { 0.2 };
                let mut t = tpl(
                    lv(&[
                        (
                            "app.kubernetes.io/name",
                            if name == "cert-manager" {
                                "cert-manager"
                            } else {
                                cname
                            },
                        ),
                        ("app.kubernetes.io/instance", "cert-manager"),
                    ]),
                    vec![c],
                );
                t.sa = name.into();
                t.run_as_non_root = true;
                if self.infra_deploy(ns, &mut left, name, 1, t, Allow::All)
                    && name != "cert-manager-cainjector"
                {
                    let sel = lv(&[(
                        "app.kubernetes.io/name",
                        if name == "cert-manager" {
                            "cert-manager"
                        } else {
                            cname
                        },
                    )]);
                    self.service(
                        ns,
                        name,
                        sel,
                        vec![(
                            "tcp-prometheus-servicemonitor",
                            "TCP",
                            9402,
                            PortRef::Num(9402),
                            None,
                        )],
                        "ClusterIP",
                        None,
                        false,
                    );
                }
            }
        }
        if let Some(k) = pos(nss, "logging") {
            let ns = &mut nss[k];
            let mut c = cspec(
                "fluent-bit",
                "cr.fluentbit.io/fluent/fluent-bit:3.1.9".into(),
                Lang::FluentBit,
                0,
            );
            c.ports = vec![("http", 2020, "TCP")];
            c.req = Res {
                cpu: Some("100m"),
                mem: Some("128Mi"),
            };
            c.lim = Res {
                cpu: None,
                mem: Some("256Mi"),
            };
            c.mounts = vec![
                ("varlog".into(), "/var/log".into(), false),
                ("config".into(), "/fluent-bit/etc/conf".into(), true),
            ];
            let mut t = tpl(lv(&[("app.kubernetes.io/name", "fluent-bit")]), vec![c]);
            t.sa = "fluent-bit".into();
            t.tolerations = vec![Tol {
                key: "",
                op: "Exists",
                effect: "",
                secs: None,
            }];
            t.volumes = vec![
                Vol::HostPath("varlog".into(), "/var/log", ""),
                Vol::ConfigMap("config".into(), "fluent-bit".into()),
            ];
            self.infra_ds(ns, &mut left, "fluent-bit", t);
        }
    }

    fn infra_ds(&mut self, ns: &mut Ns, left: &mut usize, name: &str, t: Tpl) -> bool {
        let n = self.nodes.len();
        if *left < n || self.remaining < n {
            return false;
        }
        self.daemonset(ns, name, t);
        *left -= n;
        true
    }

    fn infra_deploy(
        &mut self,
        ns: &mut Ns,
        left: &mut usize,
        name: &str,
        replicas: usize,
        t: Tpl,
        allow: Allow,
    ) -> bool {
        let r = replicas.min(*left).min(self.remaining);
        if r == 0 {
            return false;
        }
        ns.names.insert(name.to_string());
        let made = self.deployment(ns, name, t, r, r, allow);
        *left -= made.min(*left);
        true
    }

    fn infra_sts(&mut self, ns: &mut Ns, left: &mut usize, name: &str, replicas: usize, t: Tpl) {
        let r = replicas.min(*left).min(self.remaining);
        if r == 0 {
            return;
        }
        self.statefulset_with(ns, name, t, r, Allow::None);
        *left -= r;
        self.service(
            ns,
            name,
            vec![t_first_label(&ns.pods.last().unwrap().tpl)],
            vec![("web", "TCP", 9090, PortRef::Name("web"), None)],
            "ClusterIP",
            None,
            false,
        );
    }

    fn static_pod(&mut self, ns: &mut Ns, node: usize, comp: &str) {
        let nd = &self.nodes[node];
        let (ip, nname, ncreated) = (nd.ip.clone(), nd.name.clone(), nd.created);
        let (img, lang, variant, chatty) = match comp {
            "etcd" => (
                "registry.k8s.io/etcd:3.5.16-0".to_string(),
                Lang::Etcd,
                0,
                2.0,
            ),
            "kube-apiserver" => (
                "registry.k8s.io/kube-apiserver:v1.32.2".to_string(),
                Lang::Klog,
                1,
                5.0,
            ),
            "kube-controller-manager" => (
                "registry.k8s.io/kube-controller-manager:v1.32.2".to_string(),
                Lang::Klog,
                4,
                2.0,
            ),
            _ => (
                "registry.k8s.io/kube-scheduler:v1.32.2".to_string(),
                Lang::Klog,
                3,
                1.0,
            ),
        };
        let mut c = cspec(comp, img, lang, variant);
        c.chatty = chatty;
        c.command = match comp {
            "etcd" => vec![
                "etcd".into(),
                format!("--advertise-client-urls=https://{ip}:2379"),
                "--cert-file=/etc/kubernetes/pki/etcd/server.crt".into(),
                "--data-dir=/var/lib/etcd".into(),
                format!("--name={nname}"),
                "--snapshot-count=10000".into(),
            ],
            "kube-apiserver" => vec![
                "kube-apiserver".into(),
                format!("--advertise-address={ip}"),
                "--allow-privileged=true".into(),
                "--authorization-mode=Node,RBAC".into(),
                "--enable-admission-plugins=NodeRestriction".into(),
                "--etcd-servers=https://127.0.0.1:2379".into(),
                "--secure-port=6443".into(),
                "--service-cluster-ip-range=10.96.0.0/12".into(),
            ],
            "kube-controller-manager" => vec![
                "kube-controller-manager".into(),
                "--allocate-node-cidrs=true".into(),
                "--cluster-cidr=10.244.0.0/16".into(),
                "--leader-elect=true".into(),
                "--use-service-account-credentials=true".into(),
            ],
            _ => vec![
                "kube-scheduler".into(),
                "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf".into(),
                "--bind-address=127.0.0.1".into(),
                "--leader-elect=true".into(),
            ],
        };
        c.req = Res {
            cpu: Some(match comp {
                "kube-apiserver" => "250m",
                "kube-controller-manager" => "200m",
                _ => "100m",
            }),
            mem: if comp == "etcd" { Some("100Mi") } else { None },
        };
        let (lpath, lport, https) = match comp {
            "etcd" => ("/livez", 2381u16, false),
            "kube-apiserver" => ("/livez", 6443, true),
            "kube-controller-manager" => ("/healthz", 10257, true),
            _ => ("/healthz", 10259, true),
        };
        let host = if comp == "kube-apiserver" {
            ip.clone()
        } else {
            "127.0.0.1".to_string()
        };
        c.liveness = Some(Probe {
            h: Handler::HttpsHost(lpath.into(), lport, host.clone(), https),
            initial: 10,
            period: 10,
            timeout: 15,
            failure: 8,
        });
        if comp != "kube-controller-manager" {
            c.readiness = Some(Probe {
                h: Handler::HttpsHost("/readyz".into(), lport, host, https),
                initial: 0,
                period: 1,
                timeout: 15,
                failure: 3,
            });
        }
        c.mounts = match comp {
            "etcd" => vec![
                (
                    "etcd-certs".into(),
                    "/etc/kubernetes/pki/etcd".into(),
                    false,
                ),
                ("etcd-data".into(), "/var/lib/etcd".into(), false),
            ],
            _ => vec![
                ("k8s-certs".into(), "/etc/kubernetes/pki".into(), true),
                ("ca-certs".into(), "/etc/ssl/certs".into(), true),
            ],
        };
        let mut t = tpl(
            lv(&[("component", comp), ("tier", "control-plane")]),
            vec![c],
        );
        t.host_network = true;
        t.priority_class = Some("system-node-critical");
        t.priority = 2_000_001_000;
        t.sa = String::new();
        t.tolerations = vec![Tol {
            key: "",
            op: "Exists",
            effect: "NoExecute",
            secs: None,
        }];
        t.volumes = match comp {
            "etcd" => vec![
                Vol::HostPath(
                    "etcd-certs".into(),
                    "/etc/kubernetes/pki/etcd",
                    "DirectoryOrCreate",
                ),
                Vol::HostPath("etcd-data".into(), "/var/lib/etcd", "DirectoryOrCreate"),
            ],
            _ => vec![
                Vol::HostPath("ca-certs".into(), "/etc/ssl/certs", "DirectoryOrCreate"),
                Vol::HostPath(
                    "k8s-certs".into(),
                    "/etc/kubernetes/pki",
                    "DirectoryOrCreate",
                ),
            ],
        };
        let hash = hexs(&mut self.rng, 32);
        let seen = self.now - self.rng.range(2 * DAY, 60 * DAY).min(self.now - ncreated);
        let mut ann = vec![
            ("kubernetes.io/config.hash".to_string(), hash.clone()),
            ("kubernetes.io/config.mirror".to_string(), hash),
            (
                "kubernetes.io/config.seen".to_string(),
                format!("{}.{:09}Z", &ts(seen)[..19], self.rng.below(1_000_000_000)),
            ),
            (
                "kubernetes.io/config.source".to_string(),
                "file".to_string(),
            ),
        ];
        match comp {
            "etcd" => ann.push((
                "kubeadm.kubernetes.io/etcd.advertise-client-urls".into(),
                format!("https://{ip}:2379"),
            )),
            "kube-apiserver" => ann.push((
                "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint".into(),
                format!("{ip}:6443"),
            )),
            _ => {}
        }
        t.annotations = ann;
        let t = Arc::new(t);
        let name = format!("{comp}-{nname}");
        ns.names.insert(name.clone());
        let owner = Owner {
            api: "v1",
            kind: "Node",
            name: nname,
            uid: self.nodes[node].uid.clone(),
            block: false,
        };
        let mut p = self.new_pod(ns, name, None, &t, &[], Some(owner), seen);
        let ctx = PodCtx {
            fixed_node: Some(node),
            job: false,
            ctrl: None,
            static_pod: true,
            daemon: false,
        };
        self.run_pod(ns, &mut p, None, &ctx);
        ns.pods.push(p);
    }

    fn daemonset(&mut self, ns: &mut Ns, name: &str, t: Tpl) -> usize {
        ns.names.insert(name.to_string());
        let uid = uuid(&mut self.rng);
        let created = self.now - self.rng.range(10 * DAY, 300 * DAY);
        let hash = kname(&mut self.rng, 10);
        let generation = self.rng.range(1, 6);
        let selector = vec![t.labels[0].clone()];
        let labels = t.labels.clone();
        let t = Arc::new(t);
        let mut ready = 0;
        let n = self.nodes.len();
        let allow = Allow::Daemon;
        for node in 0..n {
            let pname = self.unique(ns, &format!("{name}-"), 5);
            let pcreated = self.nodes[node].created.max(created) + self.rng.range(5, 60);
            let pcreated = if self.rng.chance(0.3) {
                self.now - self.rng.range(2 * HOUR, 10 * DAY)
            } else {
                pcreated
            };
            let kind = self.roll_failure(allow).map(|k| self.fit_failure(k, &t));
            let owner = Owner {
                api: "apps/v1",
                kind: "DaemonSet",
                name: name.to_string(),
                uid: uid.clone(),
                block: true,
            };
            let extra = vec![
                ("controller-revision-hash".to_string(), hash.clone()),
                (
                    "pod-template-generation".to_string(),
                    generation.to_string(),
                ),
            ];
            let mut p = self.new_pod(
                ns,
                pname.clone(),
                Some(format!("{name}-")),
                &t,
                &extra,
                Some(owner),
                pcreated,
            );
            p.ds_pod = true;
            let ctx = PodCtx {
                fixed_node: Some(node),
                job: false,
                ctrl: Some((
                    "DaemonSet",
                    "apps/v1",
                    name.to_string(),
                    uid.clone(),
                    "daemonset-controller",
                )),
                static_pod: false,
                daemon: true,
            };
            self.run_pod(ns, &mut p, kind, &ctx);
            if pod_ready(&p) {
                ready += 1;
            }
            ns.pods.push(p);
        }
        ns.dss.push(Ds {
            name: name.to_string(),
            uid,
            rv: self.next_rv(),
            created,
            labels,
            selector,
            tpl: t,
            desired: n as i64,
            current: n as i64,
            ready,
            available: ready,
        });
        n
    }

    /// A Deployment with its ReplicaSets and pods. Returns the number of pods made (at most
    /// `max_pods`; evicted pods come with a replacement, so they count twice).
    fn deployment(
        &mut self,
        ns: &mut Ns,
        name: &str,
        t: Tpl,
        r: usize,
        max_pods: usize,
        allow: Allow,
    ) -> usize {
        let now = self.now;
        let uid = uuid(&mut self.rng);
        let created = now - self.rng.range(3 * DAY, 300 * DAY);
        let revision = self.rng.range(1, 12);
        let last_rollout = if self.rng.chance(0.22) {
            now - self.rng.range(3 * MIN, 55 * MIN)
        } else {
            now - self
                .rng
                .range(HOUR, (40 * DAY).min(now - created).max(HOUR + 1))
        };
        let base = Arc::new(t);
        let mut slots: Vec<Option<FailureKind>> = Vec::with_capacity(r);
        for _ in 0..r {
            let k = self.roll_failure(allow);
            slots.push(k.map(|k| self.fit_failure(k, &base)));
        }
        // Failures that come from a bad template all sit in one new ReplicaSet: a rollout
        // that got stuck, the way they happen in real clusters.
        let rollout = slots
            .iter()
            .flatten()
            .copied()
            .find(|k| is_rollout_kind(*k));
        if let Some(rk) = rollout {
            for s in slots.iter_mut() {
                if matches!(s, Some(k) if is_rollout_kind(*k)) {
                    *s = Some(rk);
                }
            }
        }
        let mut extra = slots
            .iter()
            .filter(|s| **s == Some(FailureKind::Evicted))
            .count();
        while r + extra > max_pods {
            let pos = slots
                .iter()
                .rposition(|s| *s == Some(FailureKind::Evicted))
                .unwrap();
            slots[pos] = None;
            extra -= 1;
        }
        let n_new = slots
            .iter()
            .filter(|s| matches!(s, Some(k) if is_rollout_kind(*k)))
            .count() as i64;
        let n_old = r as i64 - n_new;
        let new_tpl = rollout.map(|rk| Arc::new(self.mutate(&base, rk)));
        let stuck_since = now - self.rng.range(12 * MIN, 50 * MIN);
        let spec_replicas = if n_old > 0 { n_old } else { r as i64 };
        let owner = Owner {
            api: "apps/v1",
            kind: "Deployment",
            name: name.to_string(),
            uid: uid.clone(),
            block: true,
        };

        let n_hist = (self.rng.below(2) as i64).min(revision - 1);
        let mut hist_names = vec![];
        for h in 0..n_hist {
            let when = created + (last_rollout - created) * (h + 1) / (n_hist + 2);
            let i = self.make_rs(
                ns,
                name,
                &owner,
                &base,
                0,
                when,
                revision - n_hist + h,
                spec_replicas,
            );
            hist_names.push(ns.rss[i].name.clone());
        }
        let old_i = self.make_rs(
            ns,
            name,
            &owner,
            &base,
            n_old,
            last_rollout,
            revision,
            spec_replicas,
        );
        let new_i = new_tpl.as_ref().map(|nt| {
            self.make_rs(
                ns,
                name,
                &owner,
                nt,
                n_new,
                stuck_since,
                revision + 1,
                spec_replicas,
            )
        });

        let mut made = 0;
        for slot in slots.iter().copied() {
            let into_new = matches!(slot, Some(k) if is_rollout_kind(k));
            let ri = if into_new { new_i.unwrap() } else { old_i };
            let rs_time = ns.rss[ri].created;
            let pcreated = if rs_time >= now - HOUR {
                rs_time + self.rng.range(1, 20)
            } else if self.rng.chance(0.15) {
                self.rng.range(rs_time, now - HOUR)
            } else {
                rs_time + self.rng.range(1, 60)
            };
            made += self.rs_pod(ns, ri, pcreated, slot);
            if slot == Some(FailureKind::Evicted) {
                let rc = now - self.rng.range(60, 4 * MIN);
                made += self.rs_pod(ns, ri, rc, None);
            }
        }
        // ReplicaSet and Deployment status from their pods.
        let mut tot = (0, 0, 0);
        let mut upd = 0;
        for (k, i) in std::iter::once(old_i).chain(new_i).enumerate() {
            let rs_name = ns.rss[i].name.clone();
            let (mut active, mut ready) = (0, 0);
            for p in ns
                .pods
                .iter()
                .filter(|p| p.owner.as_ref().map(|o| o.name == rs_name).unwrap_or(false))
            {
                if p.phase != "Failed" && p.phase != "Succeeded" {
                    active += 1;
                }
                if pod_ready(p) {
                    ready += 1;
                }
            }
            let rs = &mut ns.rss[i];
            rs.st_replicas = active;
            rs.ready = ready;
            rs.available = ready;
            tot.0 += active;
            tot.1 += ready;
            if k == 1 || new_i.is_none() {
                upd = active;
            }
        }
        let old_name = ns.rss[old_i].name.clone();
        let newest = new_i
            .map(|i| ns.rss[i].name.clone())
            .unwrap_or_else(|| old_name.clone());
        let progressing = match new_i {
            Some(_) if stuck_since < now - 600 => (
                "False",
                "ProgressDeadlineExceeded",
                format!("ReplicaSet \"{newest}\" has timed out progressing."),
                stuck_since + 600,
            ),
            Some(_) => (
                "True",
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{newest}\" is progressing."),
                stuck_since,
            ),
            None => (
                "True",
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{newest}\" has successfully progressed."),
                last_rollout + 30,
            ),
        };
        let min_avail = spec_replicas - spec_replicas / 4;
        let avail_cond = if tot.1 >= min_avail {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                last_rollout + 20,
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now - self.rng.range(5 * MIN, 50 * MIN),
            )
        };
        let dep_tpl = new_tpl.clone().unwrap_or_else(|| base.clone());
        let mut annotations = vec![(
            "deployment.kubernetes.io/revision".to_string(),
            (revision + new_i.is_some() as i64).to_string(),
        )];
        if self.rng.chance(0.3) {
            annotations.push(("meta.helm.sh/release-name".to_string(), name.to_string()));
            annotations.push((
                "meta.helm.sh/release-namespace".to_string(),
                ns.name.clone(),
            ));
        }
        let mut dlabels = vec![dep_tpl.labels[0].clone()];
        if annotations.len() > 1 {
            dlabels.push((
                "app.kubernetes.io/managed-by".to_string(),
                "Helm".to_string(),
            ));
        }
        ns.deployments.push(Deploy {
            name: name.to_string(),
            uid: uid.clone(),
            rv: self.next_rv(),
            created,
            generation: revision + new_i.is_some() as i64 + self.rng.range(0, 3),
            labels: dlabels,
            annotations,
            replicas: spec_replicas,
            selector: vec![dep_tpl.labels[0].clone()],
            tpl: dep_tpl,
            st_replicas: tot.0,
            updated: upd,
            ready: tot.1,
            available: tot.1,
            progressing,
            avail_cond,
        });
        let nsname = ns.name.clone();
        let inv = || Inv {
            kind: "Deployment",
            api: "apps/v1",
            name: name.to_string(),
            uid: uid.clone(),
            ns: Some(nsname.clone()),
            field: None,
        };
        if let Some(i) = new_i {
            let m = format!(
                "Scaled up replica set {} from 0 to {}",
                ns.rss[i].name, n_new
            );
            let i1 = inv();
            self.ev(
                ns,
                i1,
                "ScalingReplicaSet",
                m,
                false,
                "deployment-controller",
                None,
                stuck_since,
                stuck_since,
                1,
            );
        }
        if last_rollout >= now - EVENT_TTL {
            let m = format!("Scaled up replica set {old_name} from 0 to {n_old}");
            let i1 = inv();
            self.ev(
                ns,
                i1,
                "ScalingReplicaSet",
                m,
                false,
                "deployment-controller",
                None,
                last_rollout,
                last_rollout,
                1,
            );
            if let Some(h) = hist_names.last() {
                let m = format!("Scaled down replica set {h} from {n_old} to 0");
                let i2 = inv();
                self.ev(
                    ns,
                    i2,
                    "ScalingReplicaSet",
                    m,
                    false,
                    "deployment-controller",
                    None,
                    last_rollout + 40,
                    last_rollout + 40,
                    1,
                );
            }
        }
        made
    }

    fn mutate(&mut self, base: &Tpl, k: FailureKind) -> Tpl {
        let mut t = base.clone();
        let app = t.labels[0].1.clone();
        let c = &mut t.containers[0];
        match k {
            FailureKind::CreateContainerConfigError => {
                c.env.push(Env::Secret(
                    "DB_PASSWORD",
                    format!("{app}-credentials"),
                    "password",
                ));
            }
            _ => {
                let repo = match c.image.rfind(':') {
                    Some(i) => c.image[..i].to_string(),
                    None => c.image.clone(),
                };
                let tag = match self.rng.below(3) {
                    0 => format!(
                        "v{}.{}.{}-rc.1",
                        self.rng.range(1, 6),
                        self.rng.range(0, 20),
                        self.rng.range(0, 9)
                    ),
                    1 => format!("sha-{}", hexs(&mut self.rng, 7)),
                    _ => "latest-fix".to_string(),
                };
                c.image = format!("{repo}:{tag}");
            }
        }
        t
    }

    #[allow(clippy::too_many_arguments)]
    fn make_rs(
        &mut self,
        ns: &mut Ns,
        dname: &str,
        owner: &Owner,
        t: &Arc<Tpl>,
        replicas: i64,
        created: i64,
        revision: i64,
        dep_replicas: i64,
    ) -> usize {
        let hash_len = if self.rng.chance(0.7) { 10 } else { 9 };
        let (name, hash) = loop {
            let h = kname(&mut self.rng, hash_len);
            let n = format!("{dname}-{h}");
            if ns.names.insert(n.clone()) {
                break (n, h);
            }
        };
        let mut labels = t.labels.clone();
        labels.push(("pod-template-hash".to_string(), hash.clone()));
        let mut tl = (**t).clone();
        tl.labels = labels.clone();
        let selector = vec![t.labels[0].clone(), ("pod-template-hash".to_string(), hash)];
        ns.rss.push(Rs {
            name,
            uid: uuid(&mut self.rng),
            rv: self.next_rv(),
            created,
            generation: if replicas == 0 {
                self.rng.range(2, 4)
            } else {
                1
            },
            labels,
            annotations: vec![
                (
                    "deployment.kubernetes.io/desired-replicas".to_string(),
                    dep_replicas.to_string(),
                ),
                (
                    "deployment.kubernetes.io/max-replicas".to_string(),
                    (dep_replicas + (dep_replicas + 3) / 4).to_string(),
                ),
                (
                    "deployment.kubernetes.io/revision".to_string(),
                    revision.to_string(),
                ),
            ],
            owner: owner.clone(),
            replicas,
            selector,
            tpl: Arc::new(tl),
            st_replicas: 0,
            ready: 0,
            available: 0,
        });
        ns.rss.len() - 1
    }

    fn rs_pod(&mut self, ns: &mut Ns, ri: usize, created: i64, kind: Option<FailureKind>) -> usize {
        let rs_name = ns.rss[ri].name.clone();
        let rs_uid = ns.rss[ri].uid.clone();
        let t = ns.rss[ri].tpl.clone();
        let pname = self.unique(ns, &format!("{rs_name}-"), 5);
        let owner = Owner {
            api: "apps/v1",
            kind: "ReplicaSet",
            name: rs_name.clone(),
            uid: rs_uid.clone(),
            block: true,
        };
        let mut p = self.new_pod(
            ns,
            pname,
            Some(format!("{rs_name}-")),
            &t,
            &[],
            Some(owner),
            created,
        );
        let ctx = PodCtx {
            fixed_node: None,
            job: false,
            ctrl: Some((
                "ReplicaSet",
                "apps/v1",
                rs_name,
                rs_uid,
                "replicaset-controller",
            )),
            static_pod: false,
            daemon: false,
        };
        self.run_pod(ns, &mut p, kind, &ctx);
        ns.pods.push(p);
        1
    }

    fn statefulset_with(&mut self, ns: &mut Ns, name: &str, t: Tpl, r: usize, allow: Allow) {
        ns.names.insert(name.to_string());
        let uid = uuid(&mut self.rng);
        let created = self.now - self.rng.range(5 * DAY, 300 * DAY);
        let rev = format!("{name}-{}", kname(&mut self.rng, 10));
        let t = Arc::new(t);
        for i in 0..r {
            let pname = format!("{name}-{i}");
            ns.names.insert(pname.clone());
            let pcreated = if self.rng.chance(0.3) {
                self.now - self.rng.range(10 * MIN, 5 * DAY)
            } else {
                created + 30 * i as i64 + self.rng.range(1, 20)
            };
            let kind = self.roll_failure(allow).map(|k| self.fit_failure(k, &t));
            let kind = if kind == Some(FailureKind::Evicted) {
                Some(FailureKind::CrashLoopBackOff { exit_code: 1 })
            } else {
                kind
            };
            let extra = vec![
                ("apps.kubernetes.io/pod-index".to_string(), i.to_string()),
                ("controller-revision-hash".to_string(), rev.clone()),
                (
                    "statefulset.kubernetes.io/pod-name".to_string(),
                    pname.clone(),
                ),
            ];
            let owner = Owner {
                api: "apps/v1",
                kind: "StatefulSet",
                name: name.to_string(),
                uid: uid.clone(),
                block: true,
            };
            let mut p = self.new_pod(
                ns,
                pname,
                Some(format!("{name}-")),
                &t,
                &extra,
                Some(owner),
                pcreated,
            );
            let ctx = PodCtx {
                fixed_node: None,
                job: false,
                ctrl: Some((
                    "StatefulSet",
                    "apps/v1",
                    name.to_string(),
                    uid.clone(),
                    "statefulset-controller",
                )),
                static_pod: false,
                daemon: false,
            };
            self.run_pod(ns, &mut p, kind, &ctx);
            ns.pods.push(p);
        }
    }

    fn job_pod(
        &mut self,
        ns: &mut Ns,
        job: &str,
        t: Arc<Tpl>,
        created: i64,
        kind: Option<FailureKind>,
    ) {
        let juid = uuid(&mut self.rng);
        ns.names.insert(job.to_string());
        let pname = self.unique(ns, &format!("{job}-"), 5);
        let extra = vec![
            (
                "batch.kubernetes.io/controller-uid".to_string(),
                juid.clone(),
            ),
            ("batch.kubernetes.io/job-name".to_string(), job.to_string()),
            ("controller-uid".to_string(), juid.clone()),
            ("job-name".to_string(), job.to_string()),
        ];
        let owner = Owner {
            api: "batch/v1",
            kind: "Job",
            name: job.to_string(),
            uid: juid.clone(),
            block: true,
        };
        let mut p = self.new_pod(
            ns,
            pname,
            Some(format!("{job}-")),
            &t,
            &extra,
            Some(owner),
            created,
        );
        let ctx = PodCtx {
            fixed_node: None,
            job: true,
            ctrl: Some((
                "Job",
                "batch/v1",
                job.to_string(),
                juid.clone(),
                "job-controller",
            )),
            static_pod: false,
            daemon: false,
        };
        self.run_pod(ns, &mut p, kind, &ctx);
        if p.phase == "Succeeded" {
            let fin =
                p.st.iter()
                    .filter_map(|s| match s.state {
                        St::Terminated {
                            finished: Some(f), ..
                        } => Some(f),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(created);
            let inv = Inv {
                kind: "Job",
                api: "batch/v1",
                name: job.to_string(),
                uid: juid,
                ns: Some(ns.name.clone()),
                field: None,
            };
            self.ev(
                ns,
                inv,
                "Completed",
                "Job completed".into(),
                false,
                "job-controller",
                None,
                fin + 2,
                fin + 2,
                1,
            );
        }
        ns.pods.push(p);
    }

    #[allow(clippy::too_many_arguments)]
    fn service(
        &mut self,
        ns: &mut Ns,
        name: &str,
        selector: Vec<(String, String)>,
        ports: Vec<(&'static str, &'static str, u16, PortRef, Option<u16>)>,
        typ: &'static str,
        ip: Option<String>,
        dangling: bool,
    ) {
        let cluster_ip = ip.unwrap_or_else(|| self.cluster_ip());
        let lb_ip = if typ == "LoadBalancer" {
            Some(format!(
                "34.{}.{}.{}",
                self.rng.range(1, 250),
                self.rng.range(1, 250),
                self.rng.range(1, 250)
            ))
        } else {
            None
        };
        let mut labels = vec![];
        if !selector.is_empty() && !dangling {
            labels.push(selector[0].clone());
        }
        ns.services.push(Svc {
            name: name.to_string(),
            uid: uuid(&mut self.rng),
            rv: self.next_rv(),
            created: self.now - self.rng.range(5 * DAY, 300 * DAY),
            labels,
            ports,
            selector,
            cluster_ip,
            typ,
            lb_ip,
            dangling,
        });
    }

    // ----- application namespaces --------------------------------------------------

    fn apps(&mut self, nss: &mut [Ns]) {
        let mut idx: Vec<usize> = (0..nss.len())
            .filter(|&i| !is_infra(&nss[i].name))
            .collect();
        if idx.is_empty() {
            idx = (0..nss.len()).collect();
        }
        if let Some(d) = nss.iter().position(|n| n.name == "default") {
            let ns = &mut nss[d];
            self.service(
                ns,
                "kubernetes",
                vec![],
                vec![("https", "TCP", 443, PortRef::Num(6443), None)],
                "ClusterIP",
                Some("10.96.0.1".into()),
                false,
            );
            let l = ns.services.len() - 1;
            ns.services[l].labels = lv(&[("component", "apiserver"), ("provider", "kubernetes")]);
        }
        let weights: Vec<u64> = idx
            .iter()
            .map(|&i| {
                if nss[i].name == "default" && idx.len() > 1 {
                    1
                } else {
                    self.rng.range(2, 12) as u64
                }
            })
            .collect();
        let total = self.remaining;
        let wsum: u64 = weights.iter().sum::<u64>().max(1);
        let mut quotas: Vec<usize> = weights
            .iter()
            .map(|w| (total as u64 * w / wsum) as usize)
            .collect();
        let mut rest = total - quotas.iter().sum::<usize>();
        let mut j = 0;
        while rest > 0 {
            let len = quotas.len();
            quotas[j % len] += 1;
            rest -= 1;
            j += 1;
        }
        for (k, &i) in idx.iter().enumerate() {
            let ns = &mut nss[i];
            let mut q = quotas[k];
            while q > 0 {
                let made = self.app_workload(ns, q);
                q -= made.min(q);
            }
            if !ns.apps.is_empty() && self.rng.chance(0.2) {
                let a = ns.apps[0].clone();
                self.service(
                    ns,
                    &format!("{a}-legacy"),
                    lv(&[("app", &format!("{a}-v1"))]),
                    vec![("http", "TCP", 80, PortRef::Num(8080), None)],
                    "ClusterIP",
                    None,
                    true,
                );
            }
        }
    }

    fn app_workload(&mut self, ns: &mut Ns, q: usize) -> usize {
        let t = self.rng.below(100);
        if t < 70 {
            let name = self.app_name(ns);
            let tp = self.app_tpl(ns, &name, None, false);
            // Most services run 2-3 replicas; autoscaled ones run many.
            let desired = match self.rng.below(100) {
                0..=17 => 1,
                18..=39 => 2,
                40..=64 => 3,
                65..=84 => self.rng.range(4, 6) as usize,
                _ => self.rng.range(8, 20) as usize,
            };
            let r = desired.min(q);
            let port = tp.containers[0].ports[0].1;
            let made = self.deployment(ns, &name, tp, r, q, Allow::All);
            if self.rng.chance(0.85) {
                let typ = match self.rng.below(20) {
                    0 => "LoadBalancer",
                    1 | 2 => "NodePort",
                    _ => "ClusterIP",
                };
                let np = if typ != "ClusterIP" {
                    Some(30000 + self.rng.below(2767) as u16)
                } else {
                    None
                };
                let tport = if self.rng.chance(0.5) {
                    PortRef::Name("http")
                } else {
                    PortRef::Num(port)
                };
                self.service(
                    ns,
                    &name,
                    lv(&[("app", &name)]),
                    vec![("http", "TCP", 80, tport, np)],
                    typ,
                    None,
                    false,
                );
            }
            made
        } else if t < 80 {
            let store = if self.rng.chance(0.6) {
                Some(*self.rng.pick(STORES))
            } else {
                None
            };
            let name = match store {
                Some(s) => {
                    let base = if self.rng.chance(0.5) {
                        s.to_string()
                    } else {
                        format!("{}-{s}", self.rng.pick(APPS))
                    };
                    if ns.names.contains(&base) {
                        format!("{base}-{}", self.rng.range(2, 9))
                    } else {
                        base
                    }
                }
                None => self.app_name(ns),
            };
            if ns.names.contains(&name) {
                return self.app_workload(ns, q);
            }
            let tp = self.app_tpl(ns, &name, store, false);
            let r = (self.rng.range(1, 3) as usize).min(q);
            let port = tp.containers[0].ports[0].1;
            self.statefulset_with(ns, &name, tp, r, Allow::All);
            self.service(
                ns,
                &format!("{name}-headless"),
                lv(&[("app", &name)]),
                vec![("tcp", "TCP", port, PortRef::Num(port), None)],
                "ClusterIP",
                Some("None".into()),
                false,
            );
            self.service(
                ns,
                &name,
                lv(&[("app", &name)]),
                vec![("tcp", "TCP", port, PortRef::Num(port), None)],
                "ClusterIP",
                None,
                false,
            );
            r
        } else if t < 93 {
            let cj = if self.rng.chance(0.5) {
                self.rng.pick(JOBS).to_string()
            } else {
                format!("{}-{}", self.rng.pick(APPS), self.rng.pick(JOBS))
            };
            if ns.names.contains(&cj) {
                return self.app_workload(ns, q);
            }
            ns.names.insert(cj.clone());
            let mut tp = self.app_tpl(ns, &cj, None, true);
            tp.labels = lv(&[("app", &cj)]);
            let t = Arc::new(tp);
            let period = *self.rng.pick(&[15 * MIN, HOUR, HOUR, DAY]);
            let runs = (self.rng.range(1, 3) as usize).min(q);
            let cuid = uuid(&mut self.rng);
            for k in 0..runs {
                let sched = (self.now / period) * period
                    - period * k as i64
                    - if period == DAY { 2 * HOUR } else { 0 };
                let job = format!("{cj}-{}", sched / 60);
                let kind = self
                    .roll_failure(Allow::Job)
                    .map(|k| self.fit_failure(k, &t));
                let jt = sched + self.rng.range(0, 2);
                self.job_pod(ns, &job, t.clone(), jt, kind);
                if sched >= self.now - EVENT_TTL {
                    let inv = Inv {
                        kind: "CronJob",
                        api: "batch/v1",
                        name: cj.clone(),
                        uid: cuid.clone(),
                        ns: Some(ns.name.clone()),
                        field: None,
                    };
                    self.ev(
                        ns,
                        inv,
                        "SuccessfulCreate",
                        format!("Created job {job}"),
                        false,
                        "cronjob-controller",
                        None,
                        sched,
                        sched,
                        1,
                    );
                }
            }
            runs
        } else if t < 96 {
            let app = self.app_name(ns);
            let name = format!("legacy-{app}");
            if !ns.names.insert(name.clone()) {
                return self.app_workload(ns, q);
            }
            let mut tp = self.app_tpl(ns, &name, None, false);
            tp.labels = lv(&[("app", &name)]);
            let t = Arc::new(tp);
            let r = (self.rng.range(1, 2) as usize).min(q);
            let uid = uuid(&mut self.rng);
            let created = self.now - self.rng.range(100 * DAY, 700 * DAY);
            let mut ready = 0;
            for _ in 0..r {
                let pname = self.unique(ns, &format!("{name}-"), 5);
                let kind = self
                    .roll_failure(Allow::All)
                    .map(|k| self.fit_failure(k, &t));
                let kind = if kind == Some(FailureKind::Evicted)
                    || kind.map(is_rollout_kind).unwrap_or(false)
                {
                    None
                } else {
                    kind
                };
                let owner = Owner {
                    api: "v1",
                    kind: "ReplicationController",
                    name: name.clone(),
                    uid: uid.clone(),
                    block: true,
                };
                let pcreated = self.now - self.rng.range(2 * HOUR, 60 * DAY);
                let mut p = self.new_pod(
                    ns,
                    pname,
                    Some(format!("{name}-")),
                    &t,
                    &[],
                    Some(owner),
                    pcreated,
                );
                let ctx = PodCtx {
                    fixed_node: None,
                    job: false,
                    ctrl: Some((
                        "ReplicationController",
                        "v1",
                        name.clone(),
                        uid.clone(),
                        "replication-controller",
                    )),
                    static_pod: false,
                    daemon: false,
                };
                self.run_pod(ns, &mut p, kind, &ctx);
                if pod_ready(&p) {
                    ready += 1;
                }
                ns.pods.push(p);
            }
            ns.rcs.push(Rc {
                name: name.clone(),
                uid,
                rv: self.next_rv(),
                created,
                replicas: r as i64,
                selector: lv(&[("app", &name)]),
                tpl: t,
                ready,
            });
            r
        } else {
            let base = *self.rng.pick(&[
                "debug-shell",
                "netshoot",
                "tmp-curl",
                "psql-client",
                "dns-test",
            ]);
            let name = self.unique(ns, base, 0);
            let mut c = cspec(base, "nicolaka/netshoot:v0.13".into(), Lang::Shell, 3);
            c.command = vec!["sleep".into(), "infinity".into()];
            c.chatty = if self.rng.chance(0.5) { 0.0 } else { 0.05 };
            let mut tp = tpl(lv(&[("run", base)]), vec![c]);
            tp.restart_policy = "Never";
            let t = Arc::new(tp);
            let created = self.now - self.rng.range(10 * MIN, 20 * DAY);
            let mut p = self.new_pod(ns, name, None, &t, &[], None, created);
            let ctx = PodCtx {
                fixed_node: None,
                job: false,
                ctrl: None,
                static_pod: false,
                daemon: false,
            };
            self.run_pod(ns, &mut p, None, &ctx);
            ns.pods.push(p);
            1
        }
    }

    // ----- node events -------------------------------------------------------------

    fn node_events(&mut self, nss: &mut [Ns]) {
        let Some(d) = nss.iter().position(|n| n.name == "default") else {
            return;
        };
        let ns = &mut nss[d];
        for i in 0..self.nodes.len() {
            let Some(pr) = self.nodes[i].problem else {
                continue;
            };
            let (name, uid, since) = (
                self.nodes[i].name.clone(),
                self.nodes[i].uid.clone(),
                self.nodes[i].since,
            );
            let kubelet_inv = || Inv {
                kind: "Node",
                api: "",
                name: name.clone(),
                uid: name.clone(),
                ns: None,
                field: None,
            };
            match pr {
                NodeProblem::NotReady => {
                    let inv = Inv {
                        kind: "Node",
                        api: "v1",
                        name: name.clone(),
                        uid: uid.clone(),
                        ns: None,
                        field: None,
                    };
                    self.ev(
                        ns,
                        inv,
                        "NodeNotReady",
                        format!("Node {name} status is now: NodeNotReady"),
                        false,
                        "node-controller",
                        None,
                        since + 40,
                        since + 40,
                        1,
                    );
                }
                NodeProblem::MemoryPressure
                | NodeProblem::DiskPressure
                | NodeProblem::PidPressure => {
                    let (st, what) = match pr {
                        NodeProblem::MemoryPressure => ("NodeHasInsufficientMemory", "memory"),
                        NodeProblem::DiskPressure => ("NodeHasDiskPressure", "ephemeral-storage"),
                        _ => ("NodeHasInsufficientPID", "pids"),
                    };
                    let reason: &'static str = st;
                    self.ev(
                        ns,
                        kubelet_inv(),
                        reason,
                        format!("Node {name} status is now: {st}"),
                        false,
                        "kubelet",
                        Some(name.clone()),
                        since,
                        since,
                        1,
                    );
                    let n = ((self.now - since) / 10).clamp(1, 500);
                    let last = self.now - self.rng.range(1, 30);
                    self.ev(
                        ns,
                        kubelet_inv(),
                        "EvictionThresholdMet",
                        format!("Attempting to reclaim {what}"),
                        true,
                        "kubelet",
                        Some(name.clone()),
                        since + 5,
                        last,
                        n,
                    );
                    if pr == NodeProblem::DiskPressure {
                        let b = self.rng.range(2_000_000_000, 9_000_000_000);
                        self.ev(ns, kubelet_inv(), "FreeDiskSpaceFailed", format!("Failed to garbage collect required amount of images. Attempted to free {b} bytes, but only found 0 bytes eligible to free."), true, "kubelet", Some(name.clone()), since + 60, last - 90, n / 30 + 1);
                    }
                }
            }
        }
    }

    // ----- log budgets -------------------------------------------------------------

    /// Splits `log_bytes_total` over the container bodies in proportion to their (heavy
    /// tailed) weights, capping each at its own limit and handing the excess to the rest.
    fn assign_budgets(&mut self, nss: &mut [Ns]) {
        let mut fixed: u64 = 0;
        let mut bodies: Vec<&mut Body> = vec![];
        for ns in nss.iter_mut() {
            let nsname = ns.name.clone();
            for p in ns.pods.iter_mut() {
                let names: Vec<String> = p
                    .tpl
                    .init
                    .iter()
                    .chain(p.tpl.containers.iter())
                    .map(|c| c.name.clone())
                    .collect();
                for (c, plan) in names.iter().zip(p.logs.iter_mut()) {
                    // START and END lines: "==== START logs for container " (30) / "==== END ..." (28),
                    // then "C of pod NS/P ====\n".
                    let tail = c.len() + 8 + nsname.len() + 1 + p.name.len() + 6;
                    fixed += (30 + tail + 28 + tail) as u64;
                    match plan {
                        LogPlan::Err(e) => fixed += err_line(*e, &p.name).len() as u64,
                        LogPlan::Body(b) => bodies.push(b),
                    }
                }
            }
        }
        let target = self.spec.log_bytes_total.saturating_sub(fixed);
        let mut done = vec![false; bodies.len()];
        let mut left = target as f64;
        for _ in 0..12 {
            let wsum: f64 = bodies
                .iter()
                .zip(&done)
                .filter(|(_, d)| !**d)
                .map(|(b, _)| b.weight)
                .sum();
            if wsum <= 0.0 {
                break;
            }
            let scale = left / wsum;
            let mut changed = false;
            for (b, d) in bodies.iter_mut().zip(done.iter_mut()) {
                if !*d && b.weight * scale >= b.cap as f64 {
                    b.budget = b.cap;
                    left -= b.cap as f64;
                    *d = true;
                    changed = true;
                }
            }
            if !changed {
                for (b, d) in bodies.iter_mut().zip(done.iter()) {
                    if !*d {
                        b.budget = (b.weight * scale) as u64;
                    }
                }
                break;
            }
        }
        for b in bodies.iter_mut() {
            // A crash is the point of a crashed instance's log; keep at least its tail.
            if matches!(b.tail, Tail::Crash(_) | Tail::Oom | Tail::Killed) && b.weight > 0.0 {
                b.budget = b.budget.max(1500);
            }
        }
    }
}

fn t_first_label(t: &Tpl) -> (String, String) {
    t.labels[0].clone()
}

fn pod_ready(p: &Pod) -> bool {
    p.conds
        .iter()
        .any(|c| c.typ == "Ready" && c.status == "True")
}

fn err_line(e: LogErr, pod: &str) -> String {
    match e {
        LogErr::Rejected => format!("Request log error: the server rejected our request for an unknown reason (get pods {pod})\n"),
        LogErr::Unreachable => format!("Request log error: an error on the server (\"unknown\") has prevented the request from succeeding (get pods {pod})\n"),
    }
}

// ===================================================================================
// JSON, the way Go's encoding/json MarshalIndent(v, "", "    ") writes it
// ===================================================================================

// Written by hand rather than through serde_json::Value because Value sorts object keys
// (without the `preserve_order` feature) while Go keeps struct field order, and because Go
// escapes <, > and & — both are part of what a reader is tested against.

struct Jw {
    buf: Vec<u8>,
    /// One entry per open object/array: has it got an element yet?
    stack: Vec<bool>,
    total: u64,
}

impl Jw {
    fn new() -> Jw {
        Jw {
            buf: Vec::with_capacity(1 << 16),
            stack: Vec::new(),
            total: 0,
        }
    }
    fn nl(&mut self) {
        self.buf.push(b'\n');
        for _ in 0..self.stack.len() {
            self.buf.extend_from_slice(b"    ");
        }
    }
    fn sep(&mut self) {
        if let Some(h) = self.stack.last_mut() {
            let had = *h;
            *h = true;
            if had {
                self.buf.push(b',');
            }
        }
        self.nl();
    }
    fn open(&mut self, c: u8) {
        self.buf.push(c);
        self.stack.push(false);
    }
    /// Go writes `{}` / `[]` for empty containers, otherwise a newline before the bracket.
    fn close(&mut self, c: u8) {
        if self.stack.pop() == Some(true) {
            self.nl();
        }
        self.buf.push(c);
    }
    fn key(&mut self, k: &str) {
        self.sep();
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\": ");
    }
    fn s(&mut self, k: &str, v: &str) {
        self.key(k);
        go_str(&mut self.buf, v);
    }
    fn i(&mut self, k: &str, v: i64) {
        self.key(k);
        let _ = write!(self.buf, "{v}");
    }
    fn b(&mut self, k: &str, v: bool) {
        self.key(k);
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }
    fn null(&mut self, k: &str) {
        self.key(k);
        self.buf.extend_from_slice(b"null");
    }
    fn t(&mut self, k: &str, t: i64) {
        self.s(k, &ts(t));
    }
    fn obj(&mut self, k: &str, f: impl FnOnce(&mut Jw)) {
        self.key(k);
        self.open(b'{');
        f(self);
        self.close(b'}');
    }
    fn arr(&mut self, k: &str, f: impl FnOnce(&mut Jw)) {
        self.key(k);
        self.open(b'[');
        f(self);
        self.close(b']');
    }
    fn item(&mut self, f: impl FnOnce(&mut Jw)) {
        self.sep();
        self.open(b'{');
        f(self);
        self.close(b'}');
    }
    fn strs(&mut self, k: &str, v: &[String]) {
        self.arr(k, |j| {
            for s in v {
                j.sep();
                go_str(&mut j.buf, s);
            }
        });
    }
    /// A Go map: keys sorted.
    fn map(&mut self, k: &str, kv: &[(String, String)]) {
        let mut v: Vec<&(String, String)> = kv.iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        self.obj(k, |j| {
            for (a, b) in v {
                j.s(a, b);
            }
        });
    }
    fn flush_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.buf)?;
        self.total += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }
    fn maybe_flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.buf.len() > 1 << 20 {
            self.flush_to(out)?;
        }
        Ok(())
    }
}

/// A JSON string as Go writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped too.
fn go_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let esc: Option<&[u8]> = match c {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            b'<' => Some(b"\\u003c"),
            b'>' => Some(b"\\u003e"),
            b'&' => Some(b"\\u0026"),
            0xE2 if i + 2 < bytes.len()
                && bytes[i + 1] == 0x80
                && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) =>
            {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(if bytes[i + 2] == 0xA8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                i += 3;
                start = i;
                continue;
            }
            c if c < 0x20 => {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{:04x}", c);
                i += 1;
                start = i;
                continue;
            }
            _ => None,
        };
        if let Some(e) = esc {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(e);
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn write_json_file(
    path: &Path,
    f: impl FnOnce(&mut Jw, &mut dyn Write) -> io::Result<()>,
) -> io::Result<u64> {
    let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    let mut j = Jw::new();
    f(&mut j, &mut out)?;
    j.flush_to(&mut out)?;
    out.flush()?;
    Ok(j.total)
}

/// A `*List` document: kind, apiVersion, metadata.resourceVersion, items (null when empty,
/// as kubectl ≥ 1.32 prints lists decoded from protobuf).
fn emit_list<T>(
    j: &mut Jw,
    out: &mut dyn Write,
    kind: &str,
    api: &str,
    rv: u64,
    items: &[T],
    f: impl Fn(&mut Jw, &T),
) -> io::Result<()> {
    j.open(b'{');
    j.s("kind", kind);
    j.s("apiVersion", api);
    j.obj("metadata", |j| j.s("resourceVersion", &rv.to_string()));
    if items.is_empty() {
        j.null("items");
    } else {
        j.key("items");
        j.open(b'[');
        for it in items {
            j.item(|j| f(j, it));
            j.maybe_flush(out)?;
        }
        j.close(b']');
    }
    j.close(b'}');
    j.buf.push(b'\n');
    Ok(())
}

fn write_namespace_lists(dir: &Path, ns: &Ns, m: &Model) -> io::Result<u64> {
    let d = dir.join(&ns.name);
    fs::create_dir_all(&d)?;
    let k = m
        .namespaces
        .iter()
        .position(|x| x.name == ns.name)
        .unwrap_or(0) as u64;
    let rv = |i: u64| m.list_rv + 1 + k * 7 + i;
    let mut n = 0;
    n += write_json_file(&d.join("events.json"), |j, o| {
        emit_list(j, o, "EventList", "v1", rv(0), &ns.events, |j, e| {
            emit_event(j, e, &ns.name)
        })
    })?;
    n += write_json_file(&d.join("replication-controllers.json"), |j, o| {
        emit_list(
            j,
            o,
            "ReplicationControllerList",
            "v1",
            rv(1),
            &ns.rcs,
            |j, r| emit_rc(j, r, &ns.name),
        )
    })?;
    n += write_json_file(&d.join("services.json"), |j, o| {
        emit_list(j, o, "ServiceList", "v1", rv(2), &ns.services, |j, s| {
            emit_svc(j, s, &ns.name)
        })
    })?;
    n += write_json_file(&d.join("daemonsets.json"), |j, o| {
        emit_list(j, o, "DaemonSetList", "apps/v1", rv(3), &ns.dss, |j, x| {
            emit_ds(j, x, &ns.name)
        })
    })?;
    n += write_json_file(&d.join("deployments.json"), |j, o| {
        emit_list(
            j,
            o,
            "DeploymentList",
            "apps/v1",
            rv(4),
            &ns.deployments,
            |j, x| emit_deploy(j, x, &ns.name),
        )
    })?;
    n += write_json_file(&d.join("replicasets.json"), |j, o| {
        emit_list(j, o, "ReplicaSetList", "apps/v1", rv(5), &ns.rss, |j, x| {
            emit_rs(j, x, &ns.name)
        })
    })?;
    n += write_json_file(&d.join("pods.json"), |j, o| {
        emit_list(j, o, "PodList", "v1", rv(6), &ns.pods, |j, p| {
            emit_pod(j, p, &ns.name)
        })
    })?;
    Ok(n)
}

#[allow(clippy::too_many_arguments)]
fn emit_meta(
    j: &mut Jw,
    name: &str,
    generate_name: Option<&str>,
    ns: Option<&str>,
    uid: &str,
    rv: u64,
    generation: Option<i64>,
    created: i64,
    deletion: Option<(i64, i64)>,
    labels: &[(String, String)],
    annotations: &[(String, String)],
    owner: Option<&Owner>,
) {
    j.obj("metadata", |j| {
        j.s("name", name);
        if let Some(g) = generate_name {
            j.s("generateName", g);
        }
        if let Some(n) = ns {
            j.s("namespace", n);
        }
        j.s("uid", uid);
        j.s("resourceVersion", &rv.to_string());
        if let Some(g) = generation {
            j.i("generation", g);
        }
        j.t("creationTimestamp", created);
        if let Some((t, grace)) = deletion {
            j.t("deletionTimestamp", t);
            j.i("deletionGracePeriodSeconds", grace);
        }
        if !labels.is_empty() {
            j.map("labels", labels);
        }
        if !annotations.is_empty() {
            j.map("annotations", annotations);
        }
        if let Some(o) = owner {
            j.arr("ownerReferences", |j| {
                j.item(|j| {
                    j.s("apiVersion", o.api);
                    j.s("kind", o.kind);
                    j.s("name", &o.name);
                    j.s("uid", &o.uid);
                    j.b("controller", true);
                    if o.block {
                        j.b("blockOwnerDeletion", true);
                    }
                })
            });
        }
    });
}

fn emit_node_list(j: &mut Jw, out: &mut dyn Write, m: &Model) -> io::Result<()> {
    emit_list(j, out, "NodeList", "v1", m.list_rv, &m.nodes, |j, n| {
        emit_node(j, n, m.now)
    })
}

fn emit_node(j: &mut Jw, n: &Node, now: i64) {
    let mut labels = lv(&[
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/os", "linux"),
    ]);
    labels.push(("kubernetes.io/hostname".into(), n.name.clone()));
    if n.cp {
        labels.push((
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        ));
        labels.push((
            "node.kubernetes.io/exclude-from-external-load-balancers".into(),
            String::new(),
        ));
    }
    if !n.itype.is_empty() {
        labels.push(("node.kubernetes.io/instance-type".into(), n.itype.into()));
        labels.push(("beta.kubernetes.io/instance-type".into(), n.itype.into()));
        labels.push(("topology.kubernetes.io/zone".into(), n.zone.into()));
        labels.push((
            "topology.kubernetes.io/region".into(),
            n.zone[..n.zone.len() - 2].trim_end_matches('-').to_string(),
        ));
        labels.push((
            "failure-domain.beta.kubernetes.io/zone".into(),
            n.zone.into(),
        ));
    }
    match n.flavour {
        1 => {
            labels.push(("eks.amazonaws.com/nodegroup".into(), "general".into()));
            labels.push(("eks.amazonaws.com/capacityType".into(), "ON_DEMAND".into()));
        }
        2 => {
            labels.push((
                "cloud.google.com/gke-nodepool".into(),
                format!("pool-{}", n.idx % 3 + 1),
            ));
            labels.push(("cloud.google.com/machine-family".into(), "e2".into()));
        }
        _ => {}
    }
    let mut ann = lv(&[
        ("node.alpha.kubernetes.io/ttl", "0"),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true",
        ),
    ]);
    if n.flavour == 0 {
        ann.push((
            "kubeadm.alpha.kubernetes.io/cri-socket".into(),
            "unix:///var/run/containerd/containerd.sock".into(),
        ));
        ann.push((
            "projectcalico.org/IPv4Address".into(),
            format!("{}/16", n.ip),
        ));
    }
    emit_meta(
        j,
        &n.name,
        None,
        None,
        &n.uid,
        1000 + n.idx as u64 * 13,
        None,
        n.created,
        None,
        &labels,
        &ann,
        None,
    );
    let cidr = format!("10.{}.{}.0/24", 244 + n.idx / 256, n.idx % 256);
    j.obj("spec", |j| {
        j.s("podCIDR", &cidr);
        j.strs("podCIDRs", std::slice::from_ref(&cidr));
        match n.flavour {
            1 => j.s(
                "providerID",
                &format!("aws:///{}/i-0{}", n.zone, &n.machine_id[..16]),
            ),
            2 => j.s(
                "providerID",
                &format!("gce://acme-prod/{}/{}", n.zone, n.name),
            ),
            _ => {}
        }
        let mut taints: Vec<(&str, &str, Option<i64>)> = vec![];
        if n.cp && !n.untainted_cp {
            taints.push(("node-role.kubernetes.io/control-plane", "NoSchedule", None));
        }
        match n.problem {
            Some(NodeProblem::NotReady) => {
                taints.push((
                    "node.kubernetes.io/unreachable",
                    "NoSchedule",
                    Some(n.since + 40),
                ));
                taints.push((
                    "node.kubernetes.io/unreachable",
                    "NoExecute",
                    Some(n.since + 45),
                ));
            }
            Some(NodeProblem::MemoryPressure) => taints.push((
                "node.kubernetes.io/memory-pressure",
                "NoSchedule",
                Some(n.since + 2),
            )),
            Some(NodeProblem::DiskPressure) => taints.push((
                "node.kubernetes.io/disk-pressure",
                "NoSchedule",
                Some(n.since + 2),
            )),
            Some(NodeProblem::PidPressure) => taints.push((
                "node.kubernetes.io/pid-pressure",
                "NoSchedule",
                Some(n.since + 2),
            )),
            None => {}
        }
        if !taints.is_empty() {
            j.arr("taints", |j| {
                for (k, e, t) in &taints {
                    j.item(|j| {
                        j.s("key", k);
                        j.s("effect", e);
                        if let Some(t) = t {
                            j.t("timeAdded", *t);
                        }
                    });
                }
            });
        }
    });
    let mem_ki = n.mem_gi as u64 * 1024 * 1024 - 200_000;
    j.obj("status", |j| {
        let storage_ki = 101_430_960u64;
        j.obj("capacity", |j| {
            j.s("cpu", &n.cpu.to_string());
            j.s("ephemeral-storage", &format!("{storage_ki}Ki"));
            j.s("hugepages-1Gi", "0");
            j.s("hugepages-2Mi", "0");
            j.s("memory", &format!("{mem_ki}Ki"));
            j.s("pods", "110");
        });
        j.obj("allocatable", |j| {
            j.s("cpu", &format!("{}m", n.cpu * 1000 - 90));
            j.s("ephemeral-storage", "93478772582");
            j.s("hugepages-1Gi", "0");
            j.s("hugepages-2Mi", "0");
            j.s("memory", &format!("{}Ki", mem_ki - 3_041_792));
            j.s("pods", "110");
        });
        let hb = n.heartbeat;
        let created = n.created;
        j.arr("conditions", |j| {
            let cond =
                |j: &mut Jw, typ: &str, status: &str, hb: i64, tr: i64, reason: &str, msg: &str| {
                    j.item(|j| {
                        j.s("type", typ);
                        j.s("status", status);
                        j.t("lastHeartbeatTime", hb);
                        j.t("lastTransitionTime", tr);
                        j.s("reason", reason);
                        j.s("message", msg);
                    })
                };
            if n.flavour == 2 {
                cond(
                    j,
                    "KernelDeadlock",
                    "False",
                    now - 30,
                    created,
                    "KernelHasNoDeadlock",
                    "kernel has no deadlock",
                );
                cond(
                    j,
                    "ReadonlyFilesystem",
                    "False",
                    now - 30,
                    created,
                    "FilesystemIsNotReadOnly",
                    "Filesystem is not read-only",
                );
                cond(
                    j,
                    "FrequentContainerdRestart",
                    "False",
                    now - 30,
                    created,
                    "NoFrequentContainerdRestart",
                    "containerd is functioning properly",
                );
                cond(
                    j,
                    "NetworkUnavailable",
                    "False",
                    created + 30,
                    created + 30,
                    "RouteCreated",
                    "NodeController create implicit route",
                );
            }
            if n.problem == Some(NodeProblem::NotReady) {
                let t = n.since + 40;
                for typ in ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"] {
                    cond(
                        j,
                        typ,
                        "Unknown",
                        hb,
                        t,
                        "NodeStatusUnknown",
                        "Kubelet stopped posting node status.",
                    );
                }
                return;
            }
            let p = n.problem;
            if p == Some(NodeProblem::MemoryPressure) {
                cond(
                    j,
                    "MemoryPressure",
                    "True",
                    hb,
                    n.since,
                    "KubeletHasInsufficientMemory",
                    "kubelet has insufficient memory available",
                );
            } else {
                cond(
                    j,
                    "MemoryPressure",
                    "False",
                    hb,
                    created,
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                );
            }
            if p == Some(NodeProblem::DiskPressure) {
                cond(
                    j,
                    "DiskPressure",
                    "True",
                    hb,
                    n.since,
                    "KubeletHasDiskPressure",
                    "kubelet has disk pressure",
                );
            } else {
                cond(
                    j,
                    "DiskPressure",
                    "False",
                    hb,
                    created,
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                );
            }
            if p == Some(NodeProblem::PidPressure) {
                cond(
                    j,
                    "PIDPressure",
                    "True",
                    hb,
                    n.since,
                    "KubeletHasInsufficientPID",
                    "kubelet has insufficient PID available",
                );
            } else {
                cond(
                    j,
                    "PIDPressure",
                    "False",
                    hb,
                    created,
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                );
            }
            cond(
                j,
                "Ready",
                "True",
                hb,
                created + 20,
                "KubeletReady",
                "kubelet is posting ready status",
            );
        });
        j.arr("addresses", |j| {
            j.item(|j| {
                j.s("type", "InternalIP");
                j.s("address", &n.ip);
            });
            if n.flavour == 1 {
                j.item(|j| {
                    j.s("type", "InternalDNS");
                    j.s("address", &n.name);
                });
            }
            j.item(|j| {
                j.s("type", "Hostname");
                j.s("address", &n.name);
            });
        });
        j.obj("daemonEndpoints", |j| {
            j.obj("kubeletEndpoint", |j| j.i("Port", 10250))
        });
        j.obj("nodeInfo", |j| {
            j.s("machineID", &n.machine_id);
            j.s("systemUUID", &n.system_uuid);
            j.s("bootID", &n.boot_id);
            let (kernel, os, rt) = match n.flavour {
                1 => (
                    "6.1.119-129.201.amzn2023.x86_64",
                    "Amazon Linux 2023.6.20241212",
                    "containerd://1.7.23",
                ),
                2 => (
                    "6.1.112+",
                    "Container-Optimized OS from Google",
                    "containerd://1.7.24",
                ),
                _ => (
                    "6.1.0-28-cloud-amd64",
                    "Debian GNU/Linux 12 (bookworm)",
                    "containerd://1.7.24",
                ),
            };
            j.s("kernelVersion", kernel);
            j.s("osImage", os);
            j.s("containerRuntimeVersion", rt);
            j.s("kubeletVersion", n.kubelet);
            j.s("kubeProxyVersion", "");
            j.s("operatingSystem", "linux");
            j.s("architecture", "amd64");
        });
        if !n.images.is_empty() {
            let mut imgs: Vec<(&String, u64)> = n
                .images
                .iter()
                .map(|i| (i, fnv1a(i.as_bytes()) % 900_000_000 + 300_000))
                .collect();
            imgs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            j.arr("images", |j| {
                for (img, size) in imgs {
                    j.item(|j| {
                        j.arr("names", |j| {
                            j.sep();
                            go_str(&mut j.buf, &image_id(img));
                            j.sep();
                            go_str(&mut j.buf, img);
                        });
                        j.i("sizeBytes", size as i64);
                    });
                }
            });
        }
    });
}

fn emit_probe(j: &mut Jw, k: &str, p: &Probe) {
    let port = |j: &mut Jw, pr: &PortRef| match pr {
        PortRef::Num(n) => j.i("port", *n as i64),
        PortRef::Name(s) => j.s("port", s),
    };
    j.obj(k, |j| {
        match &p.h {
            Handler::Exec(cmd) => j.obj("exec", |j| j.strs("command", cmd)),
            Handler::Http(path, pr) => j.obj("httpGet", |j| {
                j.s("path", path);
                port(j, pr);
                j.s("scheme", "HTTP");
            }),
            Handler::HttpsHost(path, pn, host, https) => j.obj("httpGet", |j| {
                j.s("path", path);
                j.i("port", *pn as i64);
                j.s("host", host);
                j.s("scheme", if *https { "HTTPS" } else { "HTTP" });
            }),
            Handler::Tcp(pr) => j.obj("tcpSocket", |j| port(j, pr)),
        }
        if p.initial > 0 {
            j.i("initialDelaySeconds", p.initial as i64);
        }
        j.i("timeoutSeconds", p.timeout as i64);
        j.i("periodSeconds", p.period as i64);
        j.i("successThreshold", 1);
        j.i("failureThreshold", p.failure as i64);
    });
}

fn emit_container(j: &mut Jw, c: &CSpec, api_vol: Option<&str>) {
    j.item(|j| {
        j.s("name", &c.name);
        j.s("image", &c.image);
        if !c.command.is_empty() {
            j.strs("command", &c.command);
        }
        if !c.args.is_empty() {
            j.strs("args", &c.args);
        }
        if !c.ports.is_empty() {
            j.arr("ports", |j| {
                for (n, p, proto) in &c.ports {
                    j.item(|j| {
                        j.s("name", n);
                        j.i("containerPort", *p as i64);
                        j.s("protocol", proto);
                    });
                }
            });
        }
        if !c.env_from.is_empty() {
            j.arr("envFrom", |j| {
                for (secret, name) in &c.env_from {
                    j.item(|j| {
                        j.obj(if *secret { "secretRef" } else { "configMapRef" }, |j| {
                            j.s("name", name)
                        })
                    });
                }
            });
        }
        if !c.env.is_empty() {
            j.arr("env", |j| {
                for e in &c.env {
                    j.item(|j| match e {
                        Env::Val(n, v) => {
                            j.s("name", n);
                            j.s("value", v);
                        }
                        Env::Field(n, path) => {
                            j.s("name", n);
                            j.obj("valueFrom", |j| {
                                j.obj("fieldRef", |j| {
                                    j.s("apiVersion", "v1");
                                    j.s("fieldPath", path);
                                })
                            });
                        }
                        Env::Secret(n, s, key) => {
                            j.s("name", n);
                            j.obj("valueFrom", |j| {
                                j.obj("secretKeyRef", |j| {
                                    j.s("name", s);
                                    j.s("key", key);
                                })
                            });
                        }
                    });
                }
            });
        }
        j.obj("resources", |j| {
            for (k, r) in [("limits", &c.lim), ("requests", &c.req)] {
                if r.cpu.is_some() || r.mem.is_some() {
                    j.obj(k, |j| {
                        if let Some(v) = r.cpu {
                            j.s("cpu", v);
                        }
                        if let Some(v) = r.mem {
                            j.s("memory", v);
                        }
                    });
                }
            }
        });
        if c.sidecar {
            j.s("restartPolicy", "Always");
        }
        if !c.mounts.is_empty() || api_vol.is_some() {
            j.arr("volumeMounts", |j| {
                for (n, path, ro) in &c.mounts {
                    j.item(|j| {
                        j.s("name", n);
                        if *ro {
                            j.b("readOnly", true);
                        }
                        j.s("mountPath", path);
                    });
                }
                if let Some(a) = api_vol {
                    j.item(|j| {
                        j.s("name", a);
                        j.b("readOnly", true);
                        j.s("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
                    });
                }
            });
        }
        if let Some(p) = &c.liveness {
            emit_probe(j, "livenessProbe", p);
        }
        if let Some(p) = &c.readiness {
            emit_probe(j, "readinessProbe", p);
        }
        j.s("terminationMessagePath", "/dev/termination-log");
        j.s("terminationMessagePolicy", "File");
        j.s("imagePullPolicy", c.pull);
        if c.privileged {
            j.obj("securityContext", |j| j.b("privileged", true));
        } else if c.non_root {
            j.obj("securityContext", |j| {
                j.obj("capabilities", |j| j.strs("drop", &["ALL".to_string()]));
                j.b("readOnlyRootFilesystem", true);
                j.b("allowPrivilegeEscalation", false);
            });
        }
    });
}

fn emit_pod_spec(j: &mut Jw, t: &Tpl, pod: Option<&Pod>) {
    let static_pod = pod
        .and_then(|p| p.owner.as_ref())
        .map(|o| o.kind == "Node")
        .unwrap_or(false);
    let api_vol = pod.filter(|_| !static_pod).map(|p| p.api_vol.as_str());
    if !t.volumes.is_empty() || api_vol.is_some() {
        j.arr("volumes", |j| {
            for v in &t.volumes {
                j.item(|j| match v {
                    Vol::ConfigMap(n, cm) => {
                        j.s("name", n);
                        j.obj("configMap", |j| {
                            j.s("name", cm);
                            j.i("defaultMode", 420);
                        });
                    }
                    Vol::Secret(n, s) => {
                        j.s("name", n);
                        j.obj("secret", |j| {
                            j.s("secretName", s);
                            j.i("defaultMode", 420);
                        });
                    }
                    Vol::EmptyDir(n) => {
                        j.s("name", n);
                        j.obj("emptyDir", |_| {});
                    }
                    Vol::Pvc(n, claim) => {
                        j.s("name", n);
                        let claim = if claim.is_empty() {
                            match pod {
                                Some(p) => format!("{n}-{}", p.name),
                                None => n.clone(),
                            }
                        } else {
                            claim.clone()
                        };
                        j.obj("persistentVolumeClaim", |j| j.s("claimName", &claim));
                    }
                    Vol::HostPath(n, path, typ) => {
                        j.s("name", n);
                        j.obj("hostPath", |j| {
                            j.s("path", path);
                            j.s("type", typ);
                        });
                    }
                });
            }
            if let Some(a) = api_vol {
                j.item(|j| {
                    j.s("name", a);
                    j.obj("projected", |j| {
                        j.arr("sources", |j| {
                            j.item(|j| {
                                j.obj("serviceAccountToken", |j| {
                                    j.i("expirationSeconds", 3607);
                                    j.s("path", "token");
                                })
                            });
                            j.item(|j| {
                                j.obj("configMap", |j| {
                                    j.s("name", "kube-root-ca.crt");
                                    j.arr("items", |j| {
                                        j.item(|j| {
                                            j.s("key", "ca.crt");
                                            j.s("path", "ca.crt");
                                        })
                                    });
                                })
                            });
                            j.item(|j| {
                                j.obj("downwardAPI", |j| {
                                    j.arr("items", |j| {
                                        j.item(|j| {
                                            j.s("path", "namespace");
                                            j.obj("fieldRef", |j| {
                                                j.s("apiVersion", "v1");
                                                j.s("fieldPath", "metadata.namespace");
                                            });
                                        })
                                    });
                                })
                            });
                        });
                        j.i("defaultMode", 420);
                    });
                });
            }
        });
    }
    if !t.init.is_empty() {
        j.arr("initContainers", |j| {
            for c in &t.init {
                emit_container(j, c, api_vol);
            }
        });
    }
    j.arr("containers", |j| {
        for c in &t.containers {
            emit_container(j, c, api_vol);
        }
    });
    j.s("restartPolicy", t.restart_policy);
    j.i("terminationGracePeriodSeconds", t.grace);
    j.s(
        "dnsPolicy",
        if t.host_network {
            "ClusterFirstWithHostNet"
        } else {
            "ClusterFirst"
        },
    );
    if !t.node_selector.is_empty() {
        j.map("nodeSelector", &t.node_selector);
    }
    if !t.sa.is_empty() && (pod.is_some() || t.sa != "default") {
        j.s("serviceAccountName", &t.sa);
        j.s("serviceAccount", &t.sa);
    }
    if let Some(n) = pod.and_then(|p| p.node_name.as_deref()) {
        j.s("nodeName", n);
    }
    if t.host_network {
        j.b("hostNetwork", true);
    }
    j.obj("securityContext", |j| {
        if t.run_as_non_root {
            j.b("runAsNonRoot", true);
            j.obj("seccompProfile", |j| j.s("type", "RuntimeDefault"));
        }
    });
    if let Some(p) = pod.filter(|p| p.ds_pod) {
        let node = p.node_name.clone().unwrap_or_default();
        j.obj("affinity", |j| {
            j.obj("nodeAffinity", |j| {
                j.obj("requiredDuringSchedulingIgnoredDuringExecution", |j| {
                    j.arr("nodeSelectorTerms", |j| {
                        j.item(|j| {
                            j.arr("matchFields", |j| {
                                j.item(|j| {
                                    j.s("key", "metadata.name");
                                    j.s("operator", "In");
                                    j.strs("values", std::slice::from_ref(&node));
                                })
                            })
                        })
                    })
                })
            })
        });
    }
    j.s("schedulerName", "default-scheduler");
    let mut tols = t.tolerations.clone();
    match pod {
        Some(p) if p.ds_pod => tols.extend(daemon_tolerations()),
        Some(_) if static_pod => {}
        Some(_) => tols.extend(default_tolerations()),
        None => {}
    }
    if !tols.is_empty() {
        j.arr("tolerations", |j| {
            for t in &tols {
                j.item(|j| {
                    if !t.key.is_empty() {
                        j.s("key", t.key);
                    }
                    if !t.op.is_empty() {
                        j.s("operator", t.op);
                    }
                    if !t.effect.is_empty() {
                        j.s("effect", t.effect);
                    }
                    if let Some(s) = t.secs {
                        j.i("tolerationSeconds", s);
                    }
                });
            }
        });
    }
    if let Some(pc) = t.priority_class {
        j.s("priorityClassName", pc);
    }
    if pod.is_some() {
        j.i("priority", t.priority);
        j.b("enableServiceLinks", true);
        j.s("preemptionPolicy", "PreemptLowerPriority");
    }
}

fn emit_state(j: &mut Jw, k: &str, s: Option<&St>) {
    j.obj(k, |j| match s {
        None => {}
        Some(St::Waiting(reason, msg)) => j.obj("waiting", |j| {
            j.s("reason", reason);
            if let Some(m) = msg {
                j.s("message", m);
            }
        }),
        Some(St::Running(t)) => j.obj("running", |j| j.t("startedAt", *t)),
        Some(St::Terminated {
            code,
            reason,
            message,
            started,
            finished,
            cid,
        }) => j.obj("terminated", |j| {
            j.i("exitCode", *code as i64);
            j.s("reason", reason);
            if let Some(m) = message {
                j.s("message", m);
            }
            match started {
                Some(t) => j.t("startedAt", *t),
                None => j.null("startedAt"),
            }
            match finished {
                Some(t) => j.t("finishedAt", *t),
                None => j.null("finishedAt"),
            }
            if let Some(c) = cid {
                j.s("containerID", c);
            }
        }),
    });
}

fn emit_statuses(j: &mut Jw, k: &str, specs: &[CSpec], sts: &[CStatus]) {
    if sts.is_empty() {
        return;
    }
    j.arr(k, |j| {
        for (c, s) in specs.iter().zip(sts) {
            j.item(|j| {
                j.s("name", &c.name);
                emit_state(j, "state", Some(&s.state));
                emit_state(j, "lastState", s.last.as_ref());
                j.b("ready", s.ready);
                j.i("restartCount", s.restarts);
                j.s("image", &c.image);
                j.s(
                    "imageID",
                    &if s.image_id {
                        image_id(&c.image)
                    } else {
                        String::new()
                    },
                );
                if let Some(cid) = &s.cid {
                    j.s("containerID", cid);
                }
                j.b("started", s.started);
            });
        }
    });
}

fn emit_pod(j: &mut Jw, p: &Pod, ns: &str) {
    let deletion = p.deletion.map(|t| (t, p.tpl.grace));
    emit_meta(
        j,
        &p.name,
        p.generate_name.as_deref(),
        Some(ns),
        &p.uid,
        p.rv,
        None,
        p.created,
        deletion,
        &p.labels,
        &p.annotations,
        p.owner.as_ref(),
    );
    j.obj("spec", |j| emit_pod_spec(j, &p.tpl, Some(p)));
    j.obj("status", |j| {
        j.s("phase", p.phase);
        if !p.conds.is_empty() {
            j.arr("conditions", |j| {
                for c in &p.conds {
                    j.item(|j| {
                        j.s("type", c.typ);
                        j.s("status", c.status);
                        j.null("lastProbeTime");
                        j.t("lastTransitionTime", c.t);
                        if let Some(r) = c.reason {
                            j.s("reason", r);
                        }
                        if let Some(m) = &c.message {
                            j.s("message", m);
                        }
                    });
                }
            });
        }
        if let Some(m) = &p.message {
            j.s("message", m);
        }
        if let Some(r) = p.reason {
            j.s("reason", r);
        }
        if let Some(n) = &p.nominated {
            j.s("nominatedNodeName", n);
        }
        if let Some(h) = &p.host_ip {
            j.s("hostIP", h);
            j.arr("hostIPs", |j| j.item(|j| j.s("ip", h)));
        }
        if let Some(ip) = &p.ip {
            j.s("podIP", ip);
            j.arr("podIPs", |j| j.item(|j| j.s("ip", ip)));
        }
        if let Some(t) = p.start {
            j.t("startTime", t);
        }
        emit_statuses(j, "initContainerStatuses", &p.tpl.init, &p.init_st);
        emit_statuses(j, "containerStatuses", &p.tpl.containers, &p.st);
        j.s("qosClass", p.qos);
    });
}

fn emit_template(j: &mut Jw, t: &Tpl) {
    j.obj("template", |j| {
        j.obj("metadata", |j| {
            j.null("creationTimestamp");
            j.map("labels", &t.labels);
            if !t.annotations.is_empty() {
                j.map("annotations", &t.annotations);
            }
        });
        j.obj("spec", |j| emit_pod_spec(j, t, None));
    });
}

fn emit_selector(j: &mut Jw, sel: &[(String, String)]) {
    j.obj("selector", |j| j.map("matchLabels", sel));
}

fn emit_deploy(j: &mut Jw, d: &Deploy, ns: &str) {
    emit_meta(
        j,
        &d.name,
        None,
        Some(ns),
        &d.uid,
        d.rv,
        Some(d.generation),
        d.created,
        None,
        &d.labels,
        &d.annotations,
        None,
    );
    j.obj("spec", |j| {
        j.i("replicas", d.replicas);
        emit_selector(j, &d.selector);
        emit_template(j, &d.tpl);
        j.obj("strategy", |j| {
            j.s("type", "RollingUpdate");
            j.obj("rollingUpdate", |j| {
                j.s("maxUnavailable", "25%");
                j.s("maxSurge", "25%");
            });
        });
        j.i("revisionHistoryLimit", 10);
        j.i("progressDeadlineSeconds", 600);
    });
    j.obj("status", |j| {
        j.i("observedGeneration", d.generation);
        if d.st_replicas > 0 {
            j.i("replicas", d.st_replicas);
        }
        if d.updated > 0 {
            j.i("updatedReplicas", d.updated);
        }
        if d.ready > 0 {
            j.i("readyReplicas", d.ready);
        }
        if d.available > 0 {
            j.i("availableReplicas", d.available);
        }
        if d.st_replicas - d.available > 0 {
            j.i("unavailableReplicas", d.st_replicas - d.available);
        }
        j.arr("conditions", |j| {
            let (st, reason, msg, t) = d.avail_cond;
            j.item(|j| {
                j.s("type", "Available");
                j.s("status", st);
                j.t("lastUpdateTime", t);
                j.t("lastTransitionTime", t);
                j.s("reason", reason);
                j.s("message", msg);
            });
            let (st, reason, msg, t) = &d.progressing;
            j.item(|j| {
                j.s("type", "Progressing");
                j.s("status", st);
                j.t("lastUpdateTime", *t);
                j.t("lastTransitionTime", *t);
                j.s("reason", reason);
                j.s("message", msg);
            });
        });
    });
}

fn emit_rs(j: &mut Jw, r: &Rs, ns: &str) {
    emit_meta(
        j,
        &r.name,
        None,
        Some(ns),
        &r.uid,
        r.rv,
        Some(r.generation),
        r.created,
        None,
        &r.labels,
        &r.annotations,
        Some(&r.owner),
    );
    j.obj("spec", |j| {
        j.i("replicas", r.replicas);
        emit_selector(j, &r.selector);
        emit_template(j, &r.tpl);
    });
    j.obj("status", |j| {
        j.i("replicas", r.st_replicas);
        if r.st_replicas > 0 {
            j.i("fullyLabeledReplicas", r.st_replicas);
        }
        if r.ready > 0 {
            j.i("readyReplicas", r.ready);
        }
        if r.available > 0 {
            j.i("availableReplicas", r.available);
        }
        j.i("observedGeneration", r.generation);
    });
}

fn emit_ds(j: &mut Jw, d: &Ds, ns: &str) {
    let ann = lv(&[("deprecated.daemonset.template.generation", "1")]);
    emit_meta(
        j,
        &d.name,
        None,
        Some(ns),
        &d.uid,
        d.rv,
        Some(1),
        d.created,
        None,
        &d.labels,
        &ann,
        None,
    );
    j.obj("spec", |j| {
        emit_selector(j, &d.selector);
        emit_template(j, &d.tpl);
        j.obj("updateStrategy", |j| {
            j.s("type", "RollingUpdate");
            j.obj("rollingUpdate", |j| {
                j.i("maxUnavailable", 1);
                j.i("maxSurge", 0);
            });
        });
        j.i("revisionHistoryLimit", 10);
    });
    j.obj("status", |j| {
        j.i("currentNumberScheduled", d.current);
        j.i("numberMisscheduled", 0);
        j.i("desiredNumberScheduled", d.desired);
        j.i("numberReady", d.ready);
        j.i("observedGeneration", 1);
        j.i("updatedNumberScheduled", d.current);
        if d.available > 0 {
            j.i("numberAvailable", d.available);
        }
        if d.desired - d.available > 0 {
            j.i("numberUnavailable", d.desired - d.available);
        }
    });
}

fn emit_rc(j: &mut Jw, r: &Rc, ns: &str) {
    emit_meta(
        j,
        &r.name,
        None,
        Some(ns),
        &r.uid,
        r.rv,
        Some(1),
        r.created,
        None,
        &r.selector,
        &[],
        None,
    );
    j.obj("spec", |j| {
        j.i("replicas", r.replicas);
        j.map("selector", &r.selector);
        emit_template(j, &r.tpl);
    });
    j.obj("status", |j| {
        j.i("replicas", r.replicas);
        j.i("fullyLabeledReplicas", r.replicas);
        if r.ready > 0 {
            j.i("readyReplicas", r.ready);
            j.i("availableReplicas", r.ready);
        }
        j.i("observedGeneration", 1);
    });
}

fn emit_svc(j: &mut Jw, s: &Svc, ns: &str) {
    emit_meta(
        j,
        &s.name,
        None,
        Some(ns),
        &s.uid,
        s.rv,
        None,
        s.created,
        None,
        &s.labels,
        &[],
        None,
    );
    j.obj("spec", |j| {
        j.arr("ports", |j| {
            for (name, proto, port, target, node_port) in &s.ports {
                j.item(|j| {
                    j.s("name", name);
                    j.s("protocol", proto);
                    j.i("port", *port as i64);
                    match target {
                        PortRef::Num(n) => j.i("targetPort", *n as i64),
                        PortRef::Name(n) => j.s("targetPort", n),
                    }
                    if let Some(np) = node_port {
                        j.i("nodePort", *np as i64);
                    }
                });
            }
        });
        if !s.selector.is_empty() {
            j.map("selector", &s.selector);
        }
        j.s("clusterIP", &s.cluster_ip);
        j.strs("clusterIPs", std::slice::from_ref(&s.cluster_ip));
        j.s("type", s.typ);
        j.s("sessionAffinity", "None");
        if s.typ != "ClusterIP" {
            j.s("externalTrafficPolicy", "Cluster");
        }
        if s.cluster_ip == "None" {
            j.b("publishNotReadyAddresses", true);
        }
        j.strs("ipFamilies", &["IPv4".to_string()]);
        j.s("ipFamilyPolicy", "SingleStack");
        if s.typ == "LoadBalancer" {
            j.b("allocateLoadBalancerNodePorts", true);
        }
        j.s("internalTrafficPolicy", "Cluster");
    });
    j.obj("status", |j| {
        j.obj("loadBalancer", |j| {
            if let Some(ip) = &s.lb_ip {
                j.arr("ingress", |j| {
                    j.item(|j| {
                        j.s("ip", ip);
                        j.s("ipMode", "VIP");
                    })
                });
            }
        })
    });
}

fn emit_event(j: &mut Jw, e: &Ev, ns: &str) {
    emit_meta(
        j,
        &e.name,
        None,
        Some(ns),
        &e.uid,
        e.rv,
        None,
        e.created,
        None,
        &[],
        &[],
        None,
    );
    j.obj("involvedObject", |j| {
        j.s("kind", e.inv.kind);
        if let Some(n) = &e.inv.ns {
            j.s("namespace", n);
        }
        j.s("name", &e.inv.name);
        j.s("uid", &e.inv.uid);
        if !e.inv.api.is_empty() {
            j.s("apiVersion", e.inv.api);
        }
        if let Some(f) = &e.inv.field {
            j.s("fieldPath", f);
        }
    });
    j.s("reason", e.reason);
    j.s("message", &e.message);
    if e.legacy {
        j.obj("source", |j| {
            j.s("component", e.component);
            if let Some(h) = &e.host {
                j.s("host", h);
            }
        });
        j.t("firstTimestamp", e.first);
        j.t("lastTimestamp", e.last);
        j.i("count", e.count);
        j.s("type", if e.warning { "Warning" } else { "Normal" });
        j.null("eventTime");
        j.s("reportingComponent", e.component);
        j.s("reportingInstance", &e.reporting_instance);
    } else {
        j.obj("source", |_| {});
        j.null("firstTimestamp");
        j.null("lastTimestamp");
        j.s("type", if e.warning { "Warning" } else { "Normal" });
        j.s("eventTime", &ts_micro(e.event_time_us));
        if let Some((c, l)) = e.series {
            j.obj("series", |j| {
                j.i("count", c);
                j.s("lastObservedTime", &ts_micro(l));
            });
        }
        j.s("action", e.action);
        j.s("reportingComponent", e.component);
        j.s("reportingInstance", &e.reporting_instance);
    }
}

// ===================================================================================
// Logs
// ===================================================================================

/// Counts the bytes that reach the file, for the summary.
struct Counted<W: Write> {
    w: W,
    n: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let k = self.w.write(b)?;
        self.n += k as u64;
        Ok(k)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

fn write_pod_logs(dir: &Path, ns: &Ns, p: &Pod) -> io::Result<u64> {
    let pdir = dir.join(&ns.name).join(&p.name);
    fs::create_dir_all(&pdir)?;
    let f = fs::File::create(pdir.join("logs.txt"))?;
    let mut w = Counted {
        w: BufWriter::with_capacity(256 << 10, f),
        n: 0,
    };
    let specs = p.tpl.init.iter().chain(p.tpl.containers.iter());
    for (c, plan) in specs.zip(&p.logs) {
        writeln!(
            w,
            "==== START logs for container {} of pod {}/{} ====",
            c.name, ns.name, p.name
        )?;
        match plan {
            LogPlan::Err(e) => w.write_all(err_line(*e, &p.name).as_bytes())?,
            LogPlan::Body(b) => write_body(&mut w, b, p, &ns.name)?,
        }
        writeln!(
            w,
            "==== END logs for container {} of pod {}/{} ====",
            c.name, ns.name, p.name
        )?;
    }
    w.flush()?;
    Ok(w.n)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lvl {
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Lvl {
    fn lower(self) -> &'static str {
        match self {
            Lvl::Debug => "debug",
            Lvl::Info => "info",
            Lvl::Warn => "warn",
            Lvl::Error => "error",
            Lvl::Fatal => "fatal",
        }
    }
    fn upper(self) -> &'static str {
        match self {
            Lvl::Debug => "DEBUG",
            Lvl::Info => "INFO",
            Lvl::Warn => "WARN",
            Lvl::Error => "ERROR",
            Lvl::Fatal => "FATAL",
        }
    }
    fn ansi(self) -> &'static str {
        match self {
            Lvl::Debug => "\x1b[34m",
            Lvl::Info => "\x1b[32m",
            Lvl::Warn => "\x1b[33m",
            _ => "\x1b[31m",
        }
    }
}

fn pad(b: &mut Vec<u8>, mut v: u64, w: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = 20;
    while v > 0 {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = (20 - w).min(i);
    b.extend_from_slice(&tmp[start..]);
}

/// `2025-06-01<sep>11:59:58` plus `frac` fraction digits after `dot`.
fn put_time(b: &mut Vec<u8>, us: i64, sep: u8, frac: u8, dot: u8) {
    let d = dt(us.div_euclid(1_000_000));
    pad(b, d.y as u64, 4);
    b.push(b'-');
    pad(b, d.mo as u64, 2);
    b.push(b'-');
    pad(b, d.d as u64, 2);
    b.push(sep);
    put_hms(b, &d);
    put_frac(b, us, frac, dot);
}

fn put_hms(b: &mut Vec<u8>, d: &Dt) {
    pad(b, d.h as u64, 2);
    b.push(b':');
    pad(b, d.mi as u64, 2);
    b.push(b':');
    pad(b, d.s as u64, 2);
}

fn put_frac(b: &mut Vec<u8>, us: i64, frac: u8, dot: u8) {
    let f = us.rem_euclid(1_000_000) as u64;
    match frac {
        3 => {
            b.push(dot);
            pad(b, f / 1000, 3);
        }
        6 => {
            b.push(dot);
            pad(b, f, 6);
        }
        _ => {}
    }
}

fn put_iso(b: &mut Vec<u8>, us: i64, frac: u8) {
    put_time(b, us, b'T', frac, b'.');
    b.push(b'Z');
}

fn json_str(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    for &c in s.as_bytes() {
        match c {
            b'"' => b.extend_from_slice(b"\\\""),
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'\n' => b.extend_from_slice(b"\\n"),
            b'\t' => b.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                let _ = write!(b, "\\u{:04x}", c);
            }
            c => b.push(c),
        }
    }
    b.push(b'"');
}

fn logfmt_val(b: &mut Vec<u8>, s: &str) {
    if s.is_empty() || s.bytes().any(|c| c == b' ' || c == b'"' || c == b'=') {
        b.push(b'"');
        for &c in s.as_bytes() {
            if c == b'"' || c == b'\\' {
                b.push(b'\\');
            }
            b.push(c);
        }
        b.push(b'"');
    } else {
        b.extend_from_slice(s.as_bytes());
    }
}

const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/orders"),
    ("GET", "/api/v1/orders/{id}"),
    ("POST", "/api/v1/orders"),
    ("GET", "/api/v1/products?page={id}&size=50"),
    ("GET", "/api/v1/users/{id}"),
    ("PUT", "/api/v1/users/{id}/preferences"),
    ("GET", "/api/v1/cart/{id}"),
    ("POST", "/api/v1/cart/{id}/items"),
    ("DELETE", "/api/v1/cart/{id}/items/{id}"),
    ("GET", "/api/v2/search?q=running+shoes&limit=20"),
    ("POST", "/graphql"),
    ("POST", "/api/v1/payments"),
    ("GET", "/api/v1/inventory/{id}/stock"),
    ("POST", "/webhooks/stripe"),
    ("GET", "/static/js/main.{id}.js"),
    ("GET", "/"),
    ("PATCH", "/api/v1/orders/{id}/status"),
];
const UAS: &[&str] = &[
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "okhttp/4.12.0",
    "Go-http-client/1.1",
    "python-requests/2.32.3",
    "axios/1.7.2",
    "curl/8.5.0",
];
const PEERS: &[&str] = &[
    "orders",
    "inventory",
    "payments",
    "users",
    "catalog",
    "pricing",
    "auth",
    "search",
    "ledger",
];
const TABLES: &[&str] = &[
    "orders",
    "order_items",
    "users",
    "sessions",
    "payments",
    "products",
    "inventory",
    "audit_log",
];
const GO_CALLERS: &[&str] = &[
    "server/http.go:142",
    "db/pool.go:88",
    "client/retry.go:57",
    "worker/consumer.go:201",
    "cache/cache.go:64",
    "cmd/main.go:73",
];
const JAVA_LOGGERS: &[&str] = &[
    "c.a.app.web.RequestLoggingFilter",
    "c.a.app.repository.OrderRepository",
    "c.a.app.client.InventoryClient",
    "c.a.app.messaging.EventConsumer",
    "c.a.app.cache.CacheService",
    "c.a.app.Application",
];
const PY_LOGGERS: &[&str] = &[
    "app.api",
    "app.db",
    "app.clients",
    "app.worker",
    "app.cache",
    "app.main",
];
const DOTNET_CATS: &[&str] = &[
    "Microsoft.AspNetCore.Hosting.Diagnostics[2]",
    "App.Data.OrderRepository[0]",
    "System.Net.Http.HttpClient.Inventory.LogicalHandler[101]",
    "App.Messaging.Consumer[0]",
    "App.Caching.CacheService[0]",
    "App.Program[0]",
];
const KLOG_FILES: &[&str] = &[
    "controller.go",
    "reflector.go",
    "leaderelection.go",
    "reconciler.go",
    "sync.go",
    "queue.go",
];

const JAVA_FRAMES: &[&str] = &[
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)",
    "org.springframework.web.client.RestTemplate.execute(RestTemplate.java:872)",
    "org.springframework.web.client.RestTemplate.getForObject(RestTemplate.java:403)",
    "com.acme.app.client.InventoryClient.fetchStock(InventoryClient.java:58)",
    "com.acme.app.service.OrderService.placeOrder(OrderService.java:142)",
    "com.acme.app.web.OrderController.create(OrderController.java:77)",
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
    "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
    "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1741)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1190)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
];
const PY_FRAMES: &[(&str, u32, &str, &str)] = &[
    ("/app/app/main.py", 42, "<module>", "main()"),
    (
        "/app/app/main.py",
        37,
        "main",
        "app.run(host=\"0.0.0.0\", port=port)",
    ),
    (
        "/app/app/api/orders.py",
        88,
        "create_order",
        "stock = inventory.fetch_stock(item.sku)",
    ),
    (
        "/app/app/clients/inventory.py",
        31,
        "fetch_stock",
        "resp = self.session.get(url, timeout=2.0)",
    ),
    (
        "/usr/local/lib/python3.12/site-packages/requests/sessions.py",
        602,
        "get",
        "return self.request(\"GET\", url, **kwargs)",
    ),
    (
        "/usr/local/lib/python3.12/site-packages/requests/adapters.py",
        688,
        "send",
        "raise ConnectionError(e, request=request)",
    ),
];
const NODE_FRAMES: &[&str] = &[
    "TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)",
    "Client._connectionCallback (/app/node_modules/pg/lib/client.js:131:24)",
    "async CartRepository.get (/app/dist/repositories/cart.js:27:21)",
    "async /app/dist/routes/cart.js:14:22",
];
const DOTNET_FRAMES: &[&str] = &[
    "System.Net.Http.HttpConnectionPool.ConnectToTcpHostAsync(String host, Int32 port, HttpRequestMessage initialRequest, Boolean async, CancellationToken cancellationToken)",
    "System.Net.Http.HttpConnectionPool.ConnectAsync(HttpRequestMessage request, Boolean async, CancellationToken cancellationToken)",
    "System.Net.Http.HttpClient.<SendAsync>g__Core|83_0(HttpRequestMessage request, HttpCompletionOption completionOption, CancellationTokenSource cts, Boolean disposeCts, CancellationTokenSource pendingRequestsCts, CancellationToken originalCancellationToken)",
    "App.Clients.InventoryClient.GetStockAsync(String sku) in /src/App/Clients/InventoryClient.cs:line 41",
    "App.Controllers.OrdersController.Create(CreateOrderRequest request) in /src/App/Controllers/OrdersController.cs:line 58",
];

/// Key/value fields of the current log event. Kept apart from the generator's PRNG so that
/// `write!(g.f.add(..), "{}", g.rng.range(..))` borrows two different fields. The strings are
/// reused from line to line, so steady-state generation does not allocate.
#[derive(Default)]
struct Fields {
    kv: Vec<(&'static str, String, bool)>,
    n: usize,
}

impl Fields {
    fn add(&mut self, k: &'static str, num: bool) -> &mut String {
        if self.n == self.kv.len() {
            self.kv.push((k, String::new(), num));
        } else {
            let e = &mut self.kv[self.n];
            e.0 = k;
            e.1.clear();
            e.2 = num;
        }
        self.n += 1;
        &mut self.kv[self.n - 1].1
    }
    fn get(&self) -> &[(&'static str, String, bool)] {
        &self.kv[..self.n]
    }
}

struct Gen<'a> {
    b: &'a Body,
    pod: &'a str,
    ns: &'a str,
    ip: &'a str,
    rng: Rng,
    t: i64,
    end: i64,
    line: Vec<u8>,
    msg: String,
    f: Fields,
    src: usize,
    req: bool,
    trace: u8,
    written: u64,
    lines: u64,
    startup: u32,
}

fn write_body<W: Write>(w: &mut W, b: &Body, p: &Pod, ns: &str) -> io::Result<()> {
    if b.budget == 0 {
        return Ok(());
    }
    let mut g = Gen {
        b,
        pod: &p.name,
        ns,
        ip: p.ip.as_deref().unwrap_or("10.244.0.2"),
        rng: Rng::new(b.seed),
        t: b.start * 1_000_000 + 100_000,
        end: b.end * 1_000_000,
        line: Vec::with_capacity(1024),
        msg: String::with_capacity(256),
        f: Fields::default(),
        src: 0,
        req: false,
        trace: 0,
        written: 0,
        lines: 0,
        startup: 0,
    };
    // The end of a crashed instance is rendered first so its size can be reserved.
    let mut tail = Vec::new();
    g.tail(&mut tail);
    let tail_len = tail.len() as u64;
    // A usage error is printed before the program does anything else.
    let usage_error = b.tail == Tail::Crash(2) && b.lang != Lang::Go;
    let body_budget = if usage_error {
        0
    } else {
        b.budget.saturating_sub(tail_len)
    };
    g.end = (g.end - if tail.is_empty() { 0 } else { 2_000_000 }).max(g.t);
    let mut pending: Vec<u8> = Vec::with_capacity(1024);
    let mut out: Vec<u8> = Vec::with_capacity(1024);
    let long_at = if b.long_line && body_budget > (1 << 20) {
        g.rng.below(body_budget / 2) + 1
    } else {
        u64::MAX
    };
    let latin_at = if b.latin1 {
        g.rng.below(body_budget.max(1))
    } else {
        u64::MAX
    };
    let (mut long_done, mut latin_done) = (false, false);
    let app_lang = matches!(
        b.lang,
        Lang::Go | Lang::Java | Lang::Python | Lang::Node | Lang::DotNet
    );
    while g.written < body_budget {
        // A startup failure: the banner and the first startup line, then the error.
        if b.tail == Tail::Crash(1)
            && (if app_lang {
                g.startup >= 101
            } else {
                g.lines >= 3
            })
        {
            break;
        }
        g.advance(body_budget);
        g.line.clear();
        if !long_done && g.written >= long_at {
            long_done = true;
            g.long_line();
        } else if !latin_done && g.written >= latin_at {
            latin_done = true;
            g.latin1_line();
        } else {
            g.fill();
        }
        out.clear();
        convert(&g.line, b.crlf, &mut out);
        w.write_all(&pending)?;
        pending.clear();
        pending.extend_from_slice(&out);
        g.written += out.len() as u64;
        g.lines += 1;
    }
    if !tail.is_empty() {
        out.clear();
        convert(&tail, b.crlf, &mut out);
        w.write_all(&pending)?;
        pending.clear();
        pending.extend_from_slice(&out);
    }
    // A log without a final newline ends up glued to the END marker (dump-format.md §4.1).
    if !b.final_nl && pending.last() == Some(&b'\n') {
        pending.pop();
        if pending.last() == Some(&b'\r') {
            pending.pop();
        }
    }
    w.write_all(&pending)?;
    Ok(())
}

fn convert(src: &[u8], crlf: bool, out: &mut Vec<u8>) {
    if !crlf {
        out.extend_from_slice(src);
        return;
    }
    for &c in src {
        if c == b'\n' {
            out.push(b'\r');
        }
        out.push(c);
    }
}

impl Gen<'_> {
    /// Moves the clock forward so that lines spread evenly up to the end time.
    fn advance(&mut self, budget: u64) {
        // Startup output comes in a burst, whatever the lifetime of the container.
        let starting = match self.b.lang {
            Lang::Go | Lang::Java | Lang::Python | Lang::Node | Lang::DotNet => self.startup < 104,
            _ => self.lines < 6,
        };
        if starting {
            self.t = (self.t + self.rng.range(1_000, 400_000)).min(self.end);
            return;
        }
        let avg = self.written.checked_div(self.lines).unwrap_or(150).max(40);
        let left_lines = (budget.saturating_sub(self.written) / avg).max(1) as i64;
        let step = ((self.end - self.t) / left_lines).max(0);
        // Never more than half the time left, so stamps stay monotonic and below the end.
        let inc = self.rng.range(step / 5, step * 2 - step / 5 + 1);
        self.t += inc.min((self.end - self.t) / 2).max(0);
    }

    fn svc_ip(&mut self) -> String {
        format!("10.96.{}.{}", self.rng.range(0, 60), self.rng.range(2, 250))
    }

    fn pod_ip(&mut self) -> String {
        format!(
            "10.244.{}.{}",
            self.rng.range(0, 40),
            self.rng.range(2, 250)
        )
    }

    fn fill(&mut self) {
        match self.b.lang {
            Lang::Go | Lang::Java | Lang::Python | Lang::Node | Lang::DotNet => {
                if self.startup_line() {
                    return;
                }
                let lvl = self.app_event();
                self.render_app(lvl);
                self.maybe_trace(lvl);
            }
            Lang::Nginx => self.nginx(),
            Lang::Envoy => self.envoy(),
            Lang::Postgres => self.postgres(),
            Lang::Redis => self.redis(),
            Lang::Klog => self.klog(),
            Lang::CoreDns => self.coredns(),
            Lang::Etcd => self.etcd(),
            Lang::Calico => self.calico(),
            Lang::FluentBit => self.fluentbit(),
            Lang::Shell => self.shell(),
        }
    }

    // ----- application languages ---------------------------------------------------

    fn startup_line(&mut self) -> bool {
        let app = self.b.app.clone();
        let ver = self.b.version.clone();
        let k = self.startup;
        let text: Option<String> = match self.b.lang {
            Lang::Java => match k {
                0 => Some(String::new()),
                1 => Some("  .   ____          _            __ _ _".into()),
                2 => Some(" /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\".into()),
                3 => Some("( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\".into()),
                4 => Some(" \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )".into()),
                5 => Some("  '  |____| .__|_| |_|_| |_\\__, | / / / /".into()),
                6 => Some(" =========|_|==============|___/=/_/_/_/".into()),
                7 => Some(String::new()),
                8 => Some(" :: Spring Boot ::                (v3.3.4)".into()),
                9 => Some(String::new()),
                _ => None,
            },
            Lang::Node if self.b.variant == 1 => match k {
                0 => Some(String::new()),
                1 => Some(format!("> {app}@{ver} start")),
                2 => Some("> node dist/server.js".into()),
                3 => Some(String::new()),
                _ => None,
            },
            Lang::Python if self.b.variant == 1 => match k {
                0 => Some("INFO:     Started server process [1]".into()),
                1 => Some("INFO:     Waiting for application startup.".into()),
                2 => Some("INFO:     Application startup complete.".into()),
                3 => Some(
                    "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"
                        .into(),
                ),
                _ => None,
            },
            _ => None,
        };
        if let Some(t) = text {
            self.line.extend_from_slice(t.as_bytes());
            self.line.push(b'\n');
            self.startup += 1;
            return true;
        }
        if self.startup < 100 {
            // Then a few structured startup messages in the container's own format.
            self.startup = 100;
        }
        if self.startup < 104 {
            let s = self.startup - 100;
            self.startup += 1;
            self.msg.clear();
            self.f.n = 0;
            self.req = false;
            self.src = 5;
            match s {
                0 => {
                    let _ = write!(self.msg, "starting {app}");
                    let _ = write!(self.f.add("version", false), "{ver}");
                }
                1 => {
                    self.msg.push_str("connected to database");
                    let _ = write!(
                        self.f.add("host", false),
                        "{app}-db.{}.svc.cluster.local:5432",
                        self.ns
                    );
                    let _ = write!(self.f.add("pool_size", true), "{}", self.rng.range(5, 30));
                }
                2 => {
                    self.msg.push_str("loaded configuration");
                    let _ = write!(self.f.add("profile", false), "production");
                    let _ = write!(
                        self.f.add("feature_flags", true),
                        "{}",
                        self.rng.range(3, 40)
                    );
                }
                _ => {
                    self.msg.push_str("server listening");
                    self.f.add("addr", false).push_str(":8080");
                }
            }
            self.render_app(Lvl::Info);
            return true;
        }
        false
    }

    fn app_event(&mut self) -> Lvl {
        self.msg.clear();
        self.f.n = 0;
        self.req = false;
        self.trace = 0;
        let r = self.rng.below(10_000) as u32;
        let e = self.b.err_per_10k;
        if r < e {
            return self.ev_error();
        }
        if r < e + 220 {
            return self.ev_warn();
        }
        if self.b.debug && r >= 8_200 {
            return self.ev_debug();
        }
        match self.rng.below(100) {
            0..=54 => self.ev_request(false),
            55..=66 => self.ev_request(true),
            _ => self.ev_info(),
        }
    }

    fn write_path(&mut self, path: &str) -> String {
        let mut s = String::with_capacity(path.len() + 8);
        let mut rest = path;
        while let Some(i) = rest.find("{id}") {
            s.push_str(&rest[..i]);
            let _ = write!(s, "{}", self.rng.range(1, 999_999));
            rest = &rest[i + 4..];
        }
        s.push_str(rest);
        s
    }

    fn ev_request(&mut self, probe: bool) -> Lvl {
        self.req = true;
        self.src = 0;
        let (method, path) = if probe {
            (
                "GET",
                self.rng
                    .pick(&["/healthz", "/readyz", "/metrics"])
                    .to_string(),
            )
        } else {
            let (m, p) = *self.rng.pick(ROUTES);
            (m, self.write_path(p))
        };
        let status: u32 = if probe {
            200
        } else {
            match self.rng.below(1000) {
                0..=2 => 500,
                3 => 502,
                4 => 503,
                5..=14 => 400,
                15..=19 => 401,
                20..=39 => 404,
                40..=41 => 429,
                42..=79 => 304,
                _ if method == "POST" => 201,
                _ if method == "DELETE" => 204,
                _ => 200,
            }
        };
        let dur_us = if self.rng.chance(0.04) {
            self.rng.range(150_000, 4_000_000)
        } else {
            self.rng.range(300, 60_000)
        };
        self.msg.push_str(if probe {
            "health check"
        } else {
            "request completed"
        });
        self.f.add("method", false).push_str(method);
        *self.f.add("path", false) = path;
        let _ = write!(self.f.add("status", true), "{status}");
        let _ = write!(
            self.f.add("duration_ms", true),
            "{}.{:03}",
            dur_us / 1000,
            dur_us % 1000
        );
        let bytes = if status == 204 || status == 304 {
            0
        } else if probe {
            self.rng.range(2, 120)
        } else {
            self.rng.range(60, 48_000)
        };
        let _ = write!(self.f.add("bytes", true), "{bytes}");
        let cip = if probe {
            format!("10.0.1.{}", self.rng.range(10, 60))
        } else {
            self.pod_ip()
        };
        let port = self.rng.range(32768, 60999);
        let _ = write!(self.f.add("remote_addr", false), "{cip}:{port}");
        if !probe {
            let id = hexs(&mut self.rng, 16);
            *self.f.add("request_id", false) = id;
        }
        let ua = if probe {
            "kube-probe/1.32"
        } else {
            self.rng.pick(UAS)
        };
        self.f.add("user_agent", false).push_str(ua);
        if status >= 500 {
            Lvl::Warn
        } else {
            Lvl::Info
        }
    }

    fn ev_info(&mut self) -> Lvl {
        match self.rng.below(8) {
            0 => {
                self.src = 1;
                self.msg.push_str("order created");
                let _ = write!(
                    self.f.add("order_id", false),
                    "ord_{}",
                    hexs(&mut self.rng, 12)
                );
                let _ = write!(
                    self.f.add("amount", true),
                    "{}.{:02}",
                    self.rng.range(3, 900),
                    self.rng.range(0, 99)
                );
                let v = *self.rng.pick(&["EUR", "USD", "GBP"]);
                self.f.add("currency", false).push_str(v);
            }
            1 => {
                self.src = 4;
                self.msg.push_str("cache refreshed");
                let _ = write!(
                    self.f.add("entries", true),
                    "{}",
                    self.rng.range(10, 90_000)
                );
                let _ = write!(self.f.add("took_ms", true), "{}", self.rng.range(1, 900));
            }
            2 => {
                self.src = 3;
                self.msg.push_str("batch processed");
                let _ = write!(self.f.add("size", true), "{}", self.rng.range(1, 500));
                let _ = write!(self.f.add("took_ms", true), "{}", self.rng.range(3, 4000));
            }
            3 => {
                self.src = 3;
                self.msg.push_str("message consumed");
                let topic = format!("{}.events", self.rng.pick(PEERS));
                *self.f.add("topic", false) = topic;
                let _ = write!(self.f.add("partition", true), "{}", self.rng.range(0, 11));
                let _ = write!(
                    self.f.add("offset", true),
                    "{}",
                    self.rng.range(1_000_000, 90_000_000)
                );
            }
            4 => {
                self.src = 0;
                self.msg.push_str("user signed in");
                let _ = write!(
                    self.f.add("user_id", true),
                    "{}",
                    self.rng.range(1000, 9_999_999)
                );
                let v = *self.rng.pick(&["password", "sso", "refresh_token"]);
                self.f.add("method", false).push_str(v);
            }
            5 => {
                self.src = 5;
                self.msg.push_str("metrics flushed");
                let _ = write!(
                    self.f.add("series", true),
                    "{}",
                    self.rng.range(100, 20_000)
                );
            }
            6 => {
                self.src = 1;
                self.msg.push_str("connection pool stats");
                let _ = write!(self.f.add("active", true), "{}", self.rng.range(0, 20));
                let _ = write!(self.f.add("idle", true), "{}", self.rng.range(0, 10));
                let _ = write!(self.f.add("waiting", true), "0");
            }
            _ => {
                self.src = 2;
                let peer = self.rng.pick(PEERS);
                let _ = write!(self.msg, "fetched {peer} data");
                let _ = write!(self.f.add("items", true), "{}", self.rng.range(0, 300));
                let _ = write!(self.f.add("took_ms", true), "{}", self.rng.range(1, 300));
            }
        }
        Lvl::Info
    }

    fn ev_debug(&mut self) -> Lvl {
        match self.rng.below(3) {
            0 => {
                self.src = 4;
                self.msg.push_str("cache lookup");
                let _ = write!(
                    self.f.add("key", false),
                    "{}:{}",
                    self.rng.pick(TABLES),
                    self.rng.range(1, 99_999)
                );
                self.f.add("hit", true).push_str(if self.rng.chance(0.8) {
                    "true"
                } else {
                    "false"
                });
            }
            1 => {
                self.src = 1;
                self.msg.push_str("executing query");
                let t = self.rng.pick(TABLES);
                let _ = write!(
                    self.f.add("sql", false),
                    "SELECT * FROM {t} WHERE id = $1 LIMIT 1"
                );
                let _ = write!(
                    self.f.add("args", false),
                    "[{}]",
                    self.rng.range(1, 999_999)
                );
            }
            _ => {
                self.src = 2;
                self.msg.push_str("outgoing request");
                let peer = self.rng.pick(PEERS);
                let _ = write!(
                    self.f.add("url", false),
                    "http://{peer}.{}.svc.cluster.local:8080/api/v1/{peer}/{}",
                    self.ns,
                    self.rng.range(1, 99_999)
                );
            }
        }
        Lvl::Debug
    }

    fn ev_warn(&mut self) -> Lvl {
        match self.rng.below(6) {
            0 => {
                self.src = 1;
                self.msg.push_str("slow query");
                let _ = write!(
                    self.f.add("took_ms", true),
                    "{}",
                    self.rng.range(500, 12_000)
                );
                let t = self.rng.pick(TABLES);
                let _ = write!(self.f.add("sql", false), "SELECT id, status, total FROM {t} WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 50");
            }
            1 => {
                self.src = 2;
                self.msg.push_str("retrying request");
                let peer = self.rng.pick(PEERS);
                let _ = write!(
                    self.f.add("target", false),
                    "{peer}.{}.svc.cluster.local:8080",
                    self.ns
                );
                let _ = write!(self.f.add("attempt", true), "{}", self.rng.range(1, 4));
                let _ = write!(
                    self.f.add("backoff_ms", true),
                    "{}",
                    self.rng.range(50, 3200)
                );
            }
            2 => {
                self.src = 5;
                self.msg.push_str("memory usage high");
                let _ = write!(self.f.add("used_pct", true), "{}", self.rng.range(80, 94));
            }
            3 => {
                self.src = 0;
                self.msg.push_str("rate limit exceeded");
                let ip = self.pod_ip();
                *self.f.add("client", false) = ip;
                let _ = write!(
                    self.f.add("limit", true),
                    "{}",
                    self.rng.pick(&[50, 100, 1000])
                );
            }
            4 => {
                self.src = 5;
                self.msg.push_str("deprecated configuration key used");
                let v = *self
                    .rng
                    .pick(&["server.timeout", "db.maxIdle", "cache.ttl_seconds"]);
                self.f.add("key", false).push_str(v);
            }
            _ => {
                self.src = 1;
                self.msg
                    .push_str("connection pool exhausted, waiting for a free connection");
                let _ = write!(self.f.add("active", true), "{}", self.rng.range(10, 50));
                let _ = write!(self.f.add("waiting", true), "{}", self.rng.range(1, 40));
            }
        }
        Lvl::Warn
    }

    /// The cause of an error in the idiom of the container's language.
    fn cause(&mut self) -> String {
        let peer = *self.rng.pick(PEERS);
        let sip = self.svc_ip();
        let ns = self.ns;
        let host = format!("{peer}.{ns}.svc.cluster.local");
        let cat = self.rng.below(7);
        match (self.b.lang, cat) {
            (Lang::Java, 0) => format!("org.postgresql.util.PSQLException: Connection to {peer}-db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections."),
            (Lang::Java, 1) => format!("org.springframework.web.client.ResourceAccessException: I/O error on GET request for \"http://{host}:8080/api/v1/{peer}\": Read timed out"),
            (Lang::Java, 2) => "javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target".into(),
            (Lang::Java, 3) => format!("java.net.UnknownHostException: {peer}-db.{ns}.svc.cluster.local"),
            (Lang::Java, _) => "java.net.SocketException: Connection reset".into(),
            (Lang::Python, 0) => format!("psycopg2.OperationalError: connection to server at \"{sip}\", port 5432 failed: Connection refused"),
            (Lang::Python, 1) => format!("requests.exceptions.ConnectTimeout: HTTPConnectionPool(host='{host}', port=8080): Max retries exceeded with url: /api/v1/{peer} (Caused by ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f3b2c1d9e50>, 'Connection to {host} timed out. (connect timeout=2.0)'))"),
            (Lang::Python, 2) => "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)".into(),
            (Lang::Python, 3) => "socket.gaierror: [Errno -2] Name or service not known".into(),
            (Lang::Python, _) => format!("redis.exceptions.ConnectionError: Error 111 connecting to redis.{ns}.svc.cluster.local:6379. Connection refused."),
            (Lang::Node, 0) => format!("Error: connect ECONNREFUSED {sip}:5432"),
            (Lang::Node, 1) => "TimeoutError: Request timed out after 5000ms".into(),
            (Lang::Node, 2) => "Error: certificate has expired".into(),
            (Lang::Node, 3) => format!("Error: getaddrinfo ENOTFOUND {peer}-db.{ns}.svc.cluster.local"),
            (Lang::Node, _) => "Error: read ECONNRESET".into(),
            (Lang::DotNet, 0) => format!("Npgsql.NpgsqlException (0x80004005): Failed to connect to {sip}:5432"),
            (Lang::DotNet, 1) => "System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.".into(),
            (Lang::DotNet, 2) => "System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: NotTimeValid".into(),
            (Lang::DotNet, 3) => format!("System.Net.Http.HttpRequestException: Name or service not known ({peer}-db:5432)"),
            (Lang::DotNet, _) => "System.IO.IOException: Unable to read data from the transport connection: Connection reset by peer.".into(),
            (_, 0) => format!("dial tcp {sip}:5432: connect: connection refused"),
            (_, 1) => format!("Get \"http://{host}:8080/api/v1/{peer}\": dial tcp {sip}:8080: i/o timeout"),
            (_, 2) => {
                let now = self.t / 1_000_000;
                format!("tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time {} is after {}", ts(now), ts(now - self.rng.range(HOUR, 20 * DAY)))
            }
            (_, 3) => format!("dial tcp: lookup {peer}-db.{ns}.svc.cluster.local on 10.96.0.10:53: no such host"),
            (_, 4) => "context deadline exceeded".into(),
            (_, 5) => format!("read tcp {}:{}->{sip}:6379: read: connection reset by peer", self.ip, self.rng.range(32768, 60999)),
            _ => format!("rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp {sip}:9090: connect: connection refused\""),
        }
    }

    fn ev_error(&mut self) -> Lvl {
        let (src, msg) = *self.rng.pick(&[
            (1usize, "database query failed"),
            (2, "upstream request failed"),
            (3, "failed to publish event"),
            (4, "cache unavailable, falling back to database"),
            (0, "unhandled error while serving request"),
        ]);
        self.src = src;
        self.msg.push_str(msg);
        let c = self.cause();
        *self.f.add("error", false) = c;
        if matches!(
            self.b.lang,
            Lang::Java | Lang::Python | Lang::Node | Lang::DotNet
        ) && self.rng.chance(0.08)
        {
            self.trace = 1;
        } else if self.b.lang == Lang::Go && self.b.variant <= 1 && self.rng.chance(0.3) {
            self.trace = 2;
        }
        Lvl::Error
    }

    fn render_app(&mut self, lvl: Lvl) {
        let t = self.t;
        let b = self.b;
        let ansi = b.ansi;
        let kvs = self.f.get();
        let l = &mut self.line;
        match (b.lang, b.variant) {
            (Lang::Go, 0) | (Lang::Go, 1) => {
                l.extend_from_slice(b"{\"level\":\"");
                l.extend_from_slice(lvl.lower().as_bytes());
                l.extend_from_slice(b"\",\"ts\":");
                if b.variant == 0 {
                    l.push(b'"');
                    put_iso(l, t, 3);
                    l.push(b'"');
                } else {
                    let _ = write!(
                        l,
                        "{}.{:06}",
                        t.div_euclid(1_000_000),
                        t.rem_euclid(1_000_000)
                    );
                }
                l.extend_from_slice(b",\"caller\":\"");
                l.extend_from_slice(GO_CALLERS[self.src].as_bytes());
                l.extend_from_slice(b"\",\"msg\":");
                json_str(l, &self.msg);
                for (k, v, num) in kvs {
                    l.extend_from_slice(b",\"");
                    l.extend_from_slice(k.as_bytes());
                    l.extend_from_slice(b"\":");
                    if *num {
                        l.extend_from_slice(v.as_bytes());
                    } else {
                        json_str(l, v);
                    }
                }
                if self.trace == 2 {
                    l.extend_from_slice(b",\"stacktrace\":");
                    json_str(
                        l,
                        "main.(*server).handle\n\t/src/internal/server/server.go:214\nnet/http.HandlerFunc.ServeHTTP\n\t/usr/local/go/src/net/http/server.go:2220\nnet/http.serverHandler.ServeHTTP\n\t/usr/local/go/src/net/http/server.go:3210",
                    );
                }
                l.extend_from_slice(b"}\n");
            }
            (Lang::Go, 2) => {
                l.extend_from_slice(b"time=\"");
                put_iso(l, t, 0);
                l.extend_from_slice(b"\" level=");
                l.extend_from_slice(if lvl == Lvl::Warn {
                    b"warning"
                } else {
                    lvl.lower().as_bytes()
                });
                l.extend_from_slice(b" msg=");
                logfmt_val(l, &self.msg);
                for (k, v, _) in kvs {
                    l.push(b' ');
                    l.extend_from_slice(k.as_bytes());
                    l.push(b'=');
                    logfmt_val(l, v);
                }
                l.push(b'\n');
            }
            (Lang::Go, 3) => {
                l.extend_from_slice(b"ts=");
                put_iso(l, t, 3);
                l.extend_from_slice(b" caller=");
                l.extend_from_slice(
                    GO_CALLERS[self.src]
                        .rsplit('/')
                        .next()
                        .unwrap_or("main.go:1")
                        .as_bytes(),
                );
                l.extend_from_slice(b" level=");
                l.extend_from_slice(lvl.lower().as_bytes());
                l.extend_from_slice(b" msg=");
                logfmt_val(l, &self.msg);
                for (k, v, _) in kvs {
                    l.push(b' ');
                    l.extend_from_slice(k.as_bytes());
                    l.push(b'=');
                    logfmt_val(l, v);
                }
                l.push(b'\n');
            }
            (Lang::Go, _) => {
                l.extend_from_slice(b"time=");
                put_iso(l, t, 3);
                l.extend_from_slice(b" level=");
                l.extend_from_slice(lvl.upper().as_bytes());
                l.extend_from_slice(b" msg=");
                logfmt_val(l, &self.msg);
                for (k, v, _) in kvs {
                    l.push(b' ');
                    l.extend_from_slice(k.as_bytes());
                    l.push(b'=');
                    logfmt_val(l, v);
                }
                l.push(b'\n');
            }
            (Lang::Java, _) => {
                let thread = match self.src {
                    0 => format!("http-nio-8080-exec-{}", self.rng.range(1, 10)),
                    3 => "kafka-consumer-1".to_string(),
                    5 => "main".to_string(),
                    _ => format!("task-{}", self.rng.range(1, 8)),
                };
                let thread = if thread.len() > 15 {
                    thread[thread.len() - 15..].to_string()
                } else {
                    thread
                };
                let lg = JAVA_LOGGERS[self.src];
                if ansi {
                    l.extend_from_slice(b"\x1b[2m");
                }
                put_iso(l, t, 3);
                if ansi {
                    l.extend_from_slice(b"\x1b[0;39m ");
                    l.extend_from_slice(lvl.ansi().as_bytes());
                } else {
                    l.push(b' ');
                }
                let lv = if lvl == Lvl::Fatal {
                    "ERROR"
                } else {
                    lvl.upper()
                };
                let _ = write!(l, "{lv:>5}");
                if ansi {
                    l.extend_from_slice(b"\x1b[0;39m \x1b[35m1\x1b[0;39m \x1b[2m---\x1b[0;39m ");
                } else {
                    l.extend_from_slice(b" 1 --- ");
                }
                let _ = write!(l, "[{}] [{thread:>15}] ", b.app);
                if ansi {
                    l.extend_from_slice(b"\x1b[36m");
                }
                let _ = write!(l, "{lg:<40}");
                if ansi {
                    l.extend_from_slice(b"\x1b[0;39m");
                }
                l.extend_from_slice(b" : ");
                if self.req {
                    let g = |k: &str| {
                        kvs.iter()
                            .find(|x| x.0 == k)
                            .map(|x| x.1.as_str())
                            .unwrap_or("")
                    };
                    let _ = write!(
                        l,
                        "{} {} -> {} ({} ms)",
                        g("method"),
                        g("path"),
                        g("status"),
                        g("duration_ms")
                    );
                } else {
                    l.extend_from_slice(self.msg.as_bytes());
                    for (k, v, _) in kvs {
                        if *k == "error" {
                            let _ = write!(l, ": {v}");
                        } else {
                            let _ = write!(l, " {k}={v}");
                        }
                    }
                }
                l.push(b'\n');
            }
            (Lang::Python, v) if v == 1 && self.req => {
                let g = |k: &str| {
                    kvs.iter()
                        .find(|x| x.0 == k)
                        .map(|x| x.1.as_str())
                        .unwrap_or("")
                };
                let st: u32 = g("status").parse().unwrap_or(200);
                let phrase = match st {
                    200 => "OK",
                    201 => "Created",
                    204 => "No Content",
                    304 => "Not Modified",
                    400 => "Bad Request",
                    401 => "Unauthorized",
                    404 => "Not Found",
                    429 => "Too Many Requests",
                    502 => "Bad Gateway",
                    503 => "Service Unavailable",
                    _ => "Internal Server Error",
                };
                if ansi {
                    let _ = writeln!(l, "\x1b[32mINFO\x1b[0m:     {} - \"\x1b[1m{} {} HTTP/1.1\x1b[0m\" {st} {phrase}", g("remote_addr"), g("method"), g("path"));
                } else {
                    let _ = writeln!(
                        l,
                        "INFO:     {} - \"{} {} HTTP/1.1\" {st} {phrase}",
                        g("remote_addr"),
                        g("method"),
                        g("path")
                    );
                }
            }
            (Lang::Python, 2) => {
                l.extend_from_slice(b"{\"event\": ");
                json_str(l, &self.msg);
                let _ = write!(
                    l,
                    ", \"level\": \"{}\", \"logger\": \"{}\", \"timestamp\": \"",
                    lvl.lower(),
                    PY_LOGGERS[self.src]
                );
                put_iso(l, t, 6);
                l.push(b'"');
                for (k, v, num) in kvs {
                    let _ = write!(l, ", \"{k}\": ");
                    if *num {
                        l.extend_from_slice(v.as_bytes());
                    } else {
                        json_str(l, v);
                    }
                }
                l.extend_from_slice(b"}\n");
            }
            (Lang::Python, _) => {
                put_time(l, t, b' ', 3, b',');
                l.push(b' ');
                if ansi {
                    l.extend_from_slice(lvl.ansi().as_bytes());
                }
                l.extend_from_slice(if lvl == Lvl::Warn {
                    b"WARNING"
                } else {
                    lvl.upper().as_bytes()
                });
                if ansi {
                    l.extend_from_slice(b"\x1b[0m");
                }
                let _ = write!(l, " [{}] {}", PY_LOGGERS[self.src], self.msg);
                for (k, v, _) in kvs {
                    if *k == "error" {
                        let _ = write!(l, ": {v}");
                    } else {
                        let _ = write!(l, " {k}={v}");
                    }
                }
                l.push(b'\n');
            }
            (Lang::Node, 0) => {
                let lv = match lvl {
                    Lvl::Debug => 20,
                    Lvl::Info => 30,
                    Lvl::Warn => 40,
                    Lvl::Error => 50,
                    Lvl::Fatal => 60,
                };
                let _ = write!(
                    l,
                    "{{\"level\":{lv},\"time\":{},\"pid\":1,\"hostname\":",
                    t / 1000
                );
                json_str(l, self.pod);
                if self.req {
                    let g = |k: &str| {
                        kvs.iter()
                            .find(|x| x.0 == k)
                            .map(|x| x.1.as_str())
                            .unwrap_or("")
                    };
                    l.extend_from_slice(b",\"req\":{\"method\":");
                    json_str(l, g("method"));
                    l.extend_from_slice(b",\"url\":");
                    json_str(l, g("path"));
                    let _ = write!(
                        l,
                        "}},\"res\":{{\"statusCode\":{}}},\"responseTime\":{}",
                        g("status"),
                        g("duration_ms")
                    );
                } else {
                    for (k, v, num) in kvs {
                        let _ = write!(l, ",\"{k}\":");
                        if *num {
                            l.extend_from_slice(v.as_bytes());
                        } else {
                            json_str(l, v);
                        }
                    }
                }
                l.extend_from_slice(b",\"msg\":");
                json_str(l, &self.msg);
                l.extend_from_slice(b"}\n");
            }
            (Lang::Node, _) => {
                put_iso(l, t, 3);
                l.push(b' ');
                if ansi {
                    l.extend_from_slice(lvl.ansi().as_bytes());
                }
                l.extend_from_slice(lvl.lower().as_bytes());
                if ansi {
                    l.extend_from_slice(b"\x1b[39m");
                }
                let _ = write!(l, ": {}", self.msg);
                for (k, v, _) in kvs {
                    let _ = write!(l, " {k}={v}");
                }
                l.push(b'\n');
            }
            (Lang::DotNet, _) => {
                let lv = match lvl {
                    Lvl::Debug => "dbug",
                    Lvl::Info => "info",
                    Lvl::Warn => "warn",
                    Lvl::Error => "fail",
                    Lvl::Fatal => "crit",
                };
                let cat = if self.req {
                    DOTNET_CATS[0]
                } else {
                    DOTNET_CATS[self.src]
                };
                let _ = write!(l, "{lv}: {cat}\n      ");
                if self.req {
                    let g = |k: &str| {
                        kvs.iter()
                            .find(|x| x.0 == k)
                            .map(|x| x.1.as_str())
                            .unwrap_or("")
                    };
                    let _ = writeln!(l, "Request finished HTTP/1.1 {} http://{}:5000{} - {} {} application/json;+charset=utf-8 {}ms", g("method"), self.ip, g("path"), g("status"), g("bytes"), g("duration_ms"));
                } else {
                    l.extend_from_slice(self.msg.as_bytes());
                    for (k, v, _) in kvs {
                        if *k == "error" {
                            let _ = write!(l, "\n      {v}");
                        } else {
                            let _ = write!(l, " {k}={v}");
                        }
                    }
                    l.push(b'\n');
                }
            }
            _ => {
                put_iso(l, t, 3);
                let _ = writeln!(l, " {} {}", lvl.upper(), self.msg);
            }
        }
    }

    fn maybe_trace(&mut self, lvl: Lvl) {
        if self.trace != 1 || lvl != Lvl::Error {
            return;
        }
        let cause = self
            .f
            .get()
            .iter()
            .find(|k| k.0 == "error")
            .map(|k| k.1.clone())
            .unwrap_or_default();
        let l = &mut self.line;
        match self.b.lang {
            Lang::Java => {
                let _ = writeln!(l, "{cause}");
                let n = self.rng.range(5, JAVA_FRAMES.len() as i64) as usize;
                for f in &JAVA_FRAMES[..n] {
                    let _ = writeln!(l, "\tat {f}");
                }
                if self.rng.chance(0.5) {
                    let _ = writeln!(
                        l,
                        "Caused by: java.net.ConnectException: Connection refused"
                    );
                    let _ = writeln!(
                        l,
                        "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)"
                    );
                    let _ = writeln!(l, "\tat java.base/sun.nio.ch.NioSocketImpl.timedFinishConnect(NioSocketImpl.java:549)");
                    let _ = writeln!(l, "\t... {} common frames omitted", self.rng.range(20, 60));
                }
            }
            Lang::Python => {
                l.extend_from_slice(b"Traceback (most recent call last):\n");
                for (f, n, func, code) in &PY_FRAMES[2..] {
                    let _ = writeln!(l, "  File \"{f}\", line {n}, in {func}\n    {code}");
                }
                let _ = writeln!(l, "{cause}");
            }
            Lang::Node => {
                let _ = writeln!(l, "{cause}");
                for f in NODE_FRAMES {
                    let _ = writeln!(l, "    at {f}");
                }
            }
            Lang::DotNet => {
                for f in DOTNET_FRAMES {
                    let _ = writeln!(l, "         at {f}");
                }
            }
            _ => {}
        }
    }

    // ----- infrastructure formats --------------------------------------------------

    fn access_line(&mut self, upstream: bool) {
        let (m, p) = *self.rng.pick(ROUTES);
        let path = self.write_path(p);
        let status = match self.rng.below(1000) {
            0..=3 => 502,
            4..=6 => 504,
            7..=30 => 404,
            31..=80 => 304,
            _ => 200,
        };
        let bytes = if status == 304 {
            0
        } else {
            self.rng.range(100, 90_000)
        };
        let ip = self.pod_ip();
        let ua = *self.rng.pick(UAS);
        let t = self.t;
        let d = dt(t / 1_000_000);
        let l = &mut self.line;
        let _ = write!(
            l,
            "{ip} - - [{:02}/{}/{:04}:",
            d.d,
            MONTHS[d.mo as usize - 1],
            d.y
        );
        put_hms(l, &d);
        let _ = write!(
            l,
            " +0000] \"{m} {path} HTTP/1.1\" {status} {bytes} \"-\" \"{ua}\""
        );
        if upstream {
            let rt = self.rng.range(1, 900);
            let up = format!("{}.{}.{}", self.ns, self.rng.pick(PEERS), 80);
            let uip = self.pod_ip();
            let _ = write!(
                self.line,
                " {} 0.{rt:03} [{}] [] {uip}:8080 {bytes} 0.{rt:03} {status} {}",
                self.rng.range(200, 900),
                up.replace('.', "-"),
                hexs(&mut self.rng, 32)
            );
        }
        self.line.push(b'\n');
    }

    fn nginx(&mut self) {
        if self.startup < 6 && self.b.version.starts_with('1') {
            let s = self.startup;
            self.startup += 1;
            let l = &mut self.line;
            match s {
                0 => l.extend_from_slice(b"/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"),
                1 => l.extend_from_slice(b"/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n"),
                2 => l.extend_from_slice(b"/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n"),
                3 => l.extend_from_slice(b"/docker-entrypoint.sh: Configuration complete; ready for start up\n"),
                4 => {
                    put_time(l, self.t, b' ', 0, b'.');
                    l.extend_from_slice(b" [notice] 1#1: using the \"epoll\" event method\n");
                }
                _ => {
                    put_time(l, self.t, b' ', 0, b'.');
                    l.extend_from_slice(b" [notice] 1#1: start worker processes\n");
                }
            }
            // nginx writes 2025/06/01, not 2025-06-01.
            if s >= 4 {
                l[4] = b'/';
                l[7] = b'/';
            }
            return;
        }
        let r = self.rng.below(10_000) as u32;
        if r < self.b.err_per_10k * 2 {
            let t = self.t;
            let ip = self.pod_ip();
            let sip = self.svc_ip();
            let (m, p) = *self.rng.pick(ROUTES);
            let path = self.write_path(p);
            let conn = self.rng.range(1, 99_999);
            let w = self.rng.range(20, 40);
            let l = &mut self.line;
            put_time(l, t, b' ', 0, b'.');
            l[4] = b'/';
            l[7] = b'/';
            let _ = writeln!(
                l,
                " [error] {w}#{w}: *{conn} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: _, request: \"{m} {path} HTTP/1.1\", upstream: \"http://{sip}:8080{path}\", host: \"shop.example.com\""
            );
        } else {
            self.access_line(false);
        }
    }

    fn envoy(&mut self) {
        let t = self.t;
        if self.b.variant == 1 {
            // Plain Envoy: its own log format plus access lines.
            if self.rng.chance(0.8) {
                self.line.push(b'[');
                put_iso(&mut self.line, t, 3);
                let (m, p) = *self.rng.pick(ROUTES);
                let path = self.write_path(p);
                let st = if self.rng.chance(0.004) { 503 } else { 200 };
                let flags = if st == 503 { "UF" } else { "-" };
                let _ = writeln!(self.line, "] \"{m} {path} HTTP/1.1\" {st} {flags} 0 {} {} {} \"-\" \"{}\" \"{}\" \"{}:8080\" \"127.0.0.1:8080\"", self.rng.range(0, 9000), self.rng.range(1, 300), self.rng.range(1, 290), self.rng.pick(UAS), uuid(&mut self.rng), self.b.app);
            } else {
                let l = &mut self.line;
                l.push(b'[');
                put_time(l, t, b' ', 3, b'.');
                let (lvl, comp, src, msg) = *self.rng.pick(&[
                    ("info", "upstream", "source/common/upstream/cds_api_helper.cc:32", "cds: add 12 cluster(s), remove 0 cluster(s)"),
                    ("info", "main", "source/server/server.cc:932", "all clusters initialized. initializing init manager"),
                    ("warning", "config", "source/extensions/config_subscription/grpc/grpc_stream.h:152", "StreamAggregatedResources gRPC config stream to xds_cluster closed: 14, upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
                    ("info", "runtime", "source/common/runtime/runtime_impl.cc:625", "RTDS has finished initialization"),
                ]);
                let _ = writeln!(l, "][1][{lvl}][{comp}] [{src}] {msg}");
            }
            return;
        }
        // istio-proxy: istio-agent lines (tab separated) and Envoy access lines.
        if self.lines < 4 {
            let l = &mut self.line;
            put_iso(l, t, 6);
            let m = match self.lines {
                0 => "\tinfo\tFLAG: --concurrency=\"2\"".to_string(),
                1 => "\tinfo\tVersion 1.23.2-e2ca2bf7d4d6dd5a2a1d8b1f2d8d0a37d7f0b8f1-Clean".to_string(),
                2 => format!("\tinfo\tProxy role\tips=[{}] type=sidecar id={}.{} domain={}.svc.cluster.local", self.ip, self.pod, self.ns, self.ns),
                _ => "\tinfo\tEnvoy proxy is ready".to_string(),
            };
            l.extend_from_slice(m.as_bytes());
            l.push(b'\n');
            return;
        }
        let r = self.rng.below(1000);
        if r < 12 {
            let l = &mut self.line;
            put_iso(l, t, 6);
            let m = *[
                "\twarning\tenvoy config\tStreamAggregatedResources gRPC config stream to xds-grpc closed since 1032s ago: 14, connection error: desc = \"transport: Error while dialing: dial tcp 10.96.12.40:15012: i/o timeout\"",
                "\tinfo\txdsproxy\tconnected to upstream XDS server: istiod.istio-system.svc:15012",
                "\tinfo\tcache\tgenerated new workload certificate\tlatency=112.34ms ttl=23h59m59.123s",
            ]
            .get(r as usize % 3)
            .unwrap();
            l.extend_from_slice(m.as_bytes());
            l.push(b'\n');
            return;
        }
        let (m, p) = *self.rng.pick(ROUTES);
        let path = self.write_path(p);
        let st = if self.rng.chance(0.003) {
            503
        } else if self.rng.chance(0.02) {
            404
        } else {
            200
        };
        let flags = if st == 503 { "UF" } else { "-" };
        let peer = *self.rng.pick(PEERS);
        let pip = self.pod_ip();
        self.line.push(b'[');
        put_iso(&mut self.line, t, 3);
        let _ = writeln!(
            self.line,
            "] \"{m} {path} HTTP/1.1\" {st} {flags} via_upstream - \"-\" {} {} {} {} \"-\" \"{}\" \"{}\" \"{peer}.{}.svc.cluster.local:8080\" \"{pip}:8080\" outbound|8080||{peer}.{}.svc.cluster.local {}:{} {pip}:8080 {}:{} - default",
            self.rng.range(0, 900),
            self.rng.range(0, 40_000),
            self.rng.range(1, 400),
            self.rng.range(1, 390),
            self.rng.pick(UAS),
            uuid(&mut self.rng),
            self.ns,
            self.ns,
            self.ip,
            self.rng.range(32768, 60999),
            self.ip,
            self.rng.range(32768, 60999)
        );
    }

    fn postgres(&mut self) {
        let t = self.t;
        let pid = self.rng.range(30, 99_999);
        let l = &mut self.line;
        if self.startup < 4 {
            let s = self.startup;
            self.startup += 1;
            if s == 0 {
                l.extend_from_slice(b"\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n");
                return;
            }
            put_time(l, t, b' ', 3, b'.');
            let m = match s {
                1 => " UTC [1] LOG:  starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
                2 => " UTC [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432",
                _ => " UTC [1] LOG:  database system is ready to accept connections",
            };
            l.extend_from_slice(m.as_bytes());
            l.push(b'\n');
            return;
        }
        put_time(l, t, b' ', 3, b'.');
        let _ = write!(l, " UTC [{pid}] ");
        match self.rng.below(100) {
            0..=29 => {
                l.extend_from_slice(b"LOG:  checkpoint starting: time\n");
            }
            30..=59 => {
                let bufs = self.rng.range(5, 9000);
                let _ = writeln!(l, "LOG:  checkpoint complete: wrote {bufs} buffers ({}.{}%); 0 WAL file(s) added, 0 removed, {} recycled; write={}.{:03} s, sync=0.004 s, total={}.{:03} s; sync files={}, longest=0.002 s, average=0.001 s; distance={} kB, estimate={} kB; lsn=0/{:08X}, redo lsn=0/{:08X}",
                    bufs / 800, bufs % 10, self.rng.range(0, 3), self.rng.range(0, 270), self.rng.range(0, 999), self.rng.range(0, 270), self.rng.range(0, 999), self.rng.range(1, 90), self.rng.range(50, 90_000), self.rng.range(50, 90_000), self.rng.u64() as u32, self.rng.u64() as u32);
            }
            60..=74 => {
                let tb = self.rng.pick(TABLES);
                let _ = writeln!(l, "LOG:  duration: {}.{:03} ms  statement: SELECT * FROM {tb} WHERE updated_at > now() - interval '1 day' ORDER BY id", self.rng.range(500, 9000), self.rng.range(0, 999));
            }
            75..=84 => {
                let tb = self.rng.pick(TABLES);
                let _ = writeln!(l, "LOG:  automatic vacuum of table \"app.public.{tb}\": index scans: 1\n\tpages: 0 removed, {} remain, {} scanned (100.00% of total)\n\ttuples: {} removed, {} remain, 0 are dead but not yet removable\n\tavg read rate: 0.000 MB/s, avg write rate: 0.000 MB/s",
                    self.rng.range(10, 90_000), self.rng.range(10, 900), self.rng.range(0, 5000), self.rng.range(1000, 9_000_000));
            }
            85..=92 => {
                l.extend_from_slice(
                    b"LOG:  could not receive data from client: Connection reset by peer\n",
                );
            }
            93..=97 => {
                let id = self.rng.range(1, 999_999);
                let _ = writeln!(
                    l,
                    "ERROR:  duplicate key value violates unique constraint \"orders_pkey\""
                );
                put_time(l, t, b' ', 3, b'.');
                let _ = writeln!(l, " UTC [{pid}] DETAIL:  Key (id)=({id}) already exists.");
                put_time(l, t, b' ', 3, b'.');
                let _ = writeln!(l, " UTC [{pid}] STATEMENT:  INSERT INTO orders (id, customer_id, total) VALUES ($1, $2, $3)");
            }
            _ => {
                l.extend_from_slice(b"FATAL:  password authentication failed for user \"app\"\n");
                put_time(l, t, b' ', 3, b'.');
                let _ = writeln!(l, " UTC [{pid}] DETAIL:  Connection matched file \"/var/lib/postgresql/data/pgdata/pg_hba.conf\" line 128: \"host all all all scram-sha-256\"");
            }
        }
    }

    fn redis(&mut self) {
        let t = self.t;
        let d = dt(t / 1_000_000);
        let child = self.rng.range(20, 9999);
        let l = &mut self.line;
        let head = |l: &mut Vec<u8>, who: &str, role: char| {
            let _ = write!(
                l,
                "{who}:{role} {:02} {} {:04} ",
                d.d,
                MONTHS[d.mo as usize - 1],
                d.y
            );
            put_hms(l, &d);
            put_frac(l, t, 3, b'.');
        };
        if self.startup < 4 {
            let s = self.startup;
            self.startup += 1;
            head(l, "1", if s < 3 { 'C' } else { 'M' });
            let m = match s {
                0 => " # WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition.",
                1 => " * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
                2 => " * Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started",
                _ => " * Ready to accept connections tcp",
            };
            l.extend_from_slice(m.as_bytes());
            l.push(b'\n');
            return;
        }
        match self.rng.below(6) {
            0 => {
                head(l, "1", 'M');
                let _ = writeln!(
                    l,
                    " * {} changes in 300 seconds. Saving...",
                    self.rng.range(10, 9000)
                );
            }
            1 => {
                head(l, "1", 'M');
                let _ = writeln!(l, " * Background saving started by pid {child}");
            }
            2 => {
                head(l, &child.to_string(), 'C');
                l.extend_from_slice(b" * DB saved on disk\n");
            }
            3 => {
                head(l, &child.to_string(), 'C');
                let _ = writeln!(
                    l,
                    " * Fork CoW for RDB: current {} MB, peak {} MB, average 1 MB",
                    self.rng.range(0, 9),
                    self.rng.range(1, 20)
                );
            }
            4 => {
                head(l, "1", 'M');
                l.extend_from_slice(b" * Background saving terminated with success\n");
            }
            _ => {
                head(l, "1", 'M');
                l.extend_from_slice(b" # Connection with replica 10.244.3.12:6379 lost.\n");
            }
        }
    }

    fn klog_head(&mut self, sev: u8, file: &str) {
        let t = self.t;
        let d = dt(t / 1_000_000);
        // One call site per file, as in a real binary.
        let line = 30 + fnv1a(file.as_bytes()) % 1700;
        let l = &mut self.line;
        l.push(sev);
        pad(l, d.mo as u64, 2);
        pad(l, d.d as u64, 2);
        l.push(b' ');
        put_hms(l, &d);
        put_frac(l, t, 6, b'.');
        let _ = write!(l, "       1 {file}:{line}] ");
    }

    fn klog(&mut self) {
        if self.b.variant == 5 && self.rng.chance(0.85) {
            self.access_line(true);
            return;
        }
        if self.lines < 3 {
            self.klog_head(b'I', "flags.go");
            let f =
                ["--v=\"2\"", "--leader-elect=\"true\"", "--kubeconfig=\"\""][self.lines as usize];
            let _ = writeln!(self.line, "FLAG: {f}");
            return;
        }
        let r = self.rng.below(10_000) as u32;
        let ns = self.ns.to_string();
        let peer = *self.rng.pick(PEERS);
        if r < self.b.err_per_10k * 3 {
            self.klog_head(b'E', "reflector.go");
            let what = self.rng.pick(&[
                "*v1.Pod",
                "*v1.ConfigMap",
                "*v1.Secret",
                "*v1.EndpointSlice",
                "*v1.Node",
            ]);
            let cause = match self.rng.below(3) {
                0 => "dial tcp 10.96.0.1:443: i/o timeout".to_string(),
                1 => "dial tcp 10.96.0.1:443: connect: connection refused".to_string(),
                _ => format!("tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time {} is after {}", ts(self.t / 1_000_000), ts(self.t / 1_000_000 - 2 * DAY)),
            };
            let _ = writeln!(self.line, "\"Unhandled Error\" err=\"k8s.io/client-go/informers/factory.go:160: Failed to watch {what}: failed to list {what}: Get \\\"https://10.96.0.1:443/api/v1/{}?limit=500&resourceVersion=0\\\": {}\" logger=\"UnhandledError\"", what.trim_start_matches("*v1.").to_lowercase() + "s", cause.replace('"', "\\\""));
            return;
        }
        if r < self.b.err_per_10k * 3 + 300 {
            self.klog_head(b'W', "warnings.go");
            let _ = writeln!(self.line, "Warning: spec.template.spec.containers[0].env[2]: hides previous definition of \"LOG_LEVEL\", which may be dropped when using apply");
            return;
        }
        let pod = format!(
            "{peer}-{}-{}",
            kname(&mut self.rng, 10),
            kname(&mut self.rng, 5)
        );
        match self.b.variant {
            1 => match self.rng.below(5) {
                0..=2 => {
                    self.klog_head(b'I', "httplog.go");
                    let lat = self.rng.range(200, 900_000);
                    let _ = writeln!(self.line, "\"HTTP\" verb=\"{}\" URI=\"/api/v1/namespaces/{ns}/pods?labelSelector=app%3D{peer}&limit=500\" latency=\"{}.{:03}ms\" userAgent=\"kube-controller-manager/v1.32.2 (linux/amd64) kubernetes/67a30c0/system:serviceaccount:kube-system:replicaset-controller\" audit-ID=\"{}\" srcIP=\"10.0.1.10:{}\" apf_pl=\"workload-high\" apf_fs=\"kube-system-service-accounts\" resp=200",
                        self.rng.pick(&["LIST", "GET", "WATCH", "PATCH"]), lat / 1000, lat % 1000, uuid(&mut self.rng), self.rng.range(32768, 60999));
                }
                3 => {
                    self.klog_head(b'I', "trace.go");
                    let n = self.rng.range(100_000_000, 999_999_999);
                    let ms = self.rng.range(500, 3000);
                    let d = dt(self.t / 1_000_000);
                    let _ = writeln!(self.line, "Trace[{n}]: \"List\" accept:application/json, */*,audit-id:{},client:10.0.1.11,api-group:,api-version:v1,name:,subresource:,namespace:{ns},protocol:HTTP/2.0,resource:pods,scope:namespace,url:/api/v1/namespaces/{ns}/pods,user-agent:kubectl/v1.32.5 (linux/amd64) kubernetes/abcdef0,verb:LIST ({:02}-{}-{} {:02}:{:02}:{:02}.000) (total time: {ms}ms):\nTrace[{n}]: ---\"Writing http response done\" count:{} {}ms ({:02}:{:02}:{:02}.500)\nTrace[{n}]: [{ms}.123456ms] [{ms}.123456ms] END",
                        uuid(&mut self.rng), d.d, MONTHS[d.mo as usize - 1], d.y, d.h, d.mi, d.s, self.rng.range(100, 5000), ms - 20, d.h, d.mi, d.s);
                }
                _ => {
                    self.klog_head(b'I', "controller.go");
                    let _ = writeln!(
                        self.line,
                        "quota admission added evaluator for: {}",
                        self.rng.pick(&[
                            "leases.coordination.k8s.io",
                            "endpointslices.discovery.k8s.io",
                            "replicasets.apps",
                            "jobs.batch"
                        ])
                    );
                }
            },
            2 => {
                self.klog_head(b'I', "proxier.go");
                if self.rng.chance(0.5) {
                    let _ = writeln!(
                        self.line,
                        "\"SyncProxyRules complete\" elapsed=\"{}.{:03}ms\"",
                        self.rng.range(5, 300),
                        self.rng.range(0, 999)
                    );
                } else {
                    let _ = writeln!(self.line, "\"Reloading service iptables data\" numServices={} numEndpoints={} numFilterChains=6 numFilterRules={} numNATChains={} numNATRules={}", self.rng.range(50, 400), self.rng.range(50, 900), self.rng.range(3, 20), self.rng.range(20, 900), self.rng.range(100, 4000));
                }
            }
            3 => {
                self.klog_head(b'I', "schedule_one.go");
                let node = format!("worker-{}", self.rng.range(1, 40));
                let _ = writeln!(self.line, "\"Successfully bound pod to node\" pod=\"{ns}/{pod}\" node=\"{node}\" evaluatedNodes={} feasibleNodes={}", self.rng.range(3, 40), self.rng.range(1, 30));
            }
            4 => {
                if self.rng.chance(0.6) {
                    self.klog_head(b'I', "replica_set.go");
                    let us = self.rng.range(30, 9000);
                    let _ = writeln!(self.line, "\"Finished syncing\" logger=\"replicaset-controller\" kind=\"ReplicaSet\" key=\"{ns}/{peer}-{}\" duration=\"{}.{:03}µs\"", kname(&mut self.rng, 10), us, self.rng.range(0, 999));
                } else {
                    self.klog_head(b'I', "event.go");
                    let _ = writeln!(self.line, "\"Event occurred\" object=\"{ns}/{peer}\" fieldPath=\"\" kind=\"Deployment\" apiVersion=\"apps/v1\" type=\"Normal\" reason=\"ScalingReplicaSet\" message=\"Scaled up replica set {peer}-{} from 0 to {}\"", kname(&mut self.rng, 10), self.rng.range(1, 5));
                }
            }
            _ => {
                let f = *self.rng.pick(KLOG_FILES);
                self.klog_head(b'I', f);
                match self.rng.below(4) {
                    0 => {
                        let _ = writeln!(self.line, "Caches populated for {} from k8s.io/client-go/informers/factory.go:160", self.rng.pick(&["*v1.Secret", "*v1.ConfigMap", "*v1.Pod", "*v1.Service"]));
                    }
                    1 => {
                        let _ = writeln!(self.line, "\"Reconciling\" controller=\"certificate\" namespace=\"{ns}\" name=\"{peer}-tls\" reconcileID=\"{}\"", uuid(&mut self.rng));
                    }
                    2 => {
                        let _ = writeln!(
                            self.line,
                            "successfully renewed lease kube-system/{}",
                            self.b.app
                        );
                    }
                    _ => {
                        let _ = writeln!(
                            self.line,
                            "\"Scraped metrics\" node=\"worker-{}\" duration=\"{}ms\"",
                            self.rng.range(1, 40),
                            self.rng.range(3, 400)
                        );
                    }
                }
            }
        }
    }

    fn coredns(&mut self) {
        if self.lines < 4 {
            let m = [".:53", "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908", "CoreDNS-1.11.3", "linux/amd64, go1.21.11, a6338e9"][self.lines as usize];
            self.line.extend_from_slice(m.as_bytes());
            self.line.push(b'\n');
            return;
        }
        let r = self.rng.below(10_000) as u32;
        let src = self.pod_ip();
        if r < self.b.err_per_10k * 2 {
            let _ = writeln!(
                self.line,
                "[ERROR] plugin/errors: 2 {}. A: read udp {}:{}->10.0.0.2:53: i/o timeout",
                self.rng.pick(&[
                    "api.stripe.com",
                    "sqs.eu-west-1.amazonaws.com",
                    "registry.example.com",
                    "oauth2.googleapis.com"
                ]),
                self.ip,
                self.rng.range(32768, 60999)
            );
            return;
        }
        let peer = *self.rng.pick(PEERS);
        let nx = self.rng.chance(0.3);
        let name = if nx {
            format!("api.stripe.com.{}.svc.cluster.local.", self.ns)
        } else {
            format!("{peer}.{}.svc.cluster.local.", self.ns)
        };
        let q = if self.rng.chance(0.7) { "A" } else { "AAAA" };
        let _ = writeln!(
            self.line,
            "[INFO] {src}:{} - {} \"{q} IN {name} udp {} false 512\" {} qr,aa,rd {} 0.000{:03}s",
            self.rng.range(32768, 60999),
            self.rng.range(1, 65535),
            name.len() + 17,
            if nx { "NXDOMAIN" } else { "NOERROR" },
            self.rng.range(90, 200),
            self.rng.range(40, 999)
        );
    }

    fn etcd(&mut self) {
        let t = self.t;
        let rev = 48_000_000 + self.rng.range(0, 900_000);
        let l = &mut self.line;
        let (lvl, caller, msg) = *self.rng.pick(&[
            ("info", "mvcc/index.go:214", "compact tree index"),
            (
                "info",
                "mvcc/kvstore_compaction.go:72",
                "finished scheduled compaction",
            ),
            ("info", "mvcc/hash.go:151", "storing new hash"),
            (
                "warn",
                "etcdserver/util.go:170",
                "apply request took too long",
            ),
            ("info", "etcdserver/server.go:1440", "triggering snapshot"),
        ]);
        l.extend_from_slice(b"{\"level\":\"");
        l.extend_from_slice(lvl.as_bytes());
        l.extend_from_slice(b"\",\"ts\":\"");
        put_iso(l, t, 6);
        let _ = write!(l, "\",\"caller\":\"{caller}\",\"msg\":\"{msg}\"");
        if lvl == "warn" {
            let _ = write!(l, ",\"took\":\"{}.{:06}ms\",\"expected-duration\":\"100ms\",\"prefix\":\"read-only range \",\"request\":\"key:\\\"/registry/pods/{}/\\\" range_end:\\\"/registry/pods/{}0\\\" \",\"response\":\"range_response_count:{} size:{}\"", self.rng.range(100, 900), self.rng.range(0, 999_999), self.ns, self.ns, self.rng.range(1, 500), self.rng.range(1000, 900_000));
        } else {
            let _ = write!(l, ",\"revision\":{rev}");
        }
        l.extend_from_slice(b"}\n");
    }

    fn calico(&mut self) {
        let t = self.t;
        let pid = self.rng.range(8, 120);
        let l = &mut self.line;
        put_time(l, t, b' ', 3, b'.');
        if self.b.tail == Tail::Completed {
            let _ = writeln!(
                l,
                " [INFO][{pid}] cni-installer/<nil> <nil>: {}",
                [
                    "Running as a Kubernetes pod",
                    "File is already up to date, skipping file=\"/host/opt/cni/bin/calico\"",
                    "Installed /host/opt/cni/bin/calico-ipam",
                    "Wrote Calico CNI binaries to /host/opt/cni/bin",
                    "CNI plugin version: v3.28.2"
                ][self.rng.below(5) as usize]
            );
            return;
        }
        match self.rng.below(5) {
            0 => {
                let _ = writeln!(l, " [INFO][{pid}] felix/summary.go 100: Summarising {} dataplane reconciliation loops over 1m{}.{}s: avg={}ms longest={}ms (resync-routes-v4)", self.rng.range(5, 40), self.rng.range(0, 9), self.rng.range(0, 9), self.rng.range(2, 30), self.rng.range(10, 300));
            }
            1 => {
                let _ = writeln!(l, " [INFO][{pid}] felix/int_dataplane.go 2080: Received *proto.WorkloadEndpointUpdate update from calculation graph msg=id:<orchestrator_id:\"k8s\" workload_id:\"{}/{}\" endpoint_id:\"eth0\" >", self.ns, self.pod);
            }
            2 => {
                let _ = writeln!(l, " [INFO][{pid}] felix/health.go 336: Overall health status changed: live=true ready=true");
            }
            3 => {
                let _ = writeln!(l, " [INFO][{pid}] felix/route_table.go 1185: Syncing routes: adding new route. ifaceName=\"cali{}\" ifaceRegex=\"^cali.*\" ipVersion=0x4 tableIndex=254", hexs(&mut self.rng, 11));
            }
            _ => {
                let _ = writeln!(l, " [WARNING][{pid}] felix/table.go 1219: Detected out-of-sync inserts, marking for resync actualRuleIDs=[]string{{\"\", \"\"}} chainName=\"INPUT\" expectedRuleIDs=[]string{{\"Cz_u1IQiXIMmKD4c\", \"\"}} ipVersion=0x4 table=\"filter\"");
            }
        }
    }

    fn fluentbit(&mut self) {
        let t = self.t;
        let l = &mut self.line;
        if self.lines < 2 {
            l.extend_from_slice(if self.lines == 0 {
                b"Fluent Bit v3.1.9\n" as &[u8]
            } else {
                b"* Copyright (C) 2015-2024 The Fluent Bit Authors\n"
            });
            return;
        }
        l.push(b'[');
        put_time(l, t, b' ', 0, b'.');
        l[1 + 4] = b'/';
        l[1 + 7] = b'/';
        match self.rng.below(20) {
            0 => {
                let _ = writeln!(l, "] [ warn] [engine] failed to flush chunk '1-{}.{}.flb', retry in {} seconds: task_id={}, input=tail.0 > output=es.0 (out_id=0)", t / 1_000_000, self.rng.range(100_000_000, 999_999_999), self.rng.range(6, 60), self.rng.range(0, 30));
            }
            1 => {
                let _ = writeln!(l, "] [error] [output:es:es.0] HTTP status=429 URI=/_bulk, response:\n{{\"error\":{{\"root_cause\":[{{\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected execution of coordinating operation\"}}]}},\"status\":429}}");
            }
            2..=11 => {
                let _ = writeln!(l, "] [ info] [input:tail:tail.0] inotify_fs_add(): inode={} watch_fd={} name=/var/log/containers/{}-{}_{}_app-{}.log", self.rng.range(100_000, 9_999_999), self.rng.range(1, 300), self.rng.pick(PEERS), kname(&mut self.rng, 5), self.ns, hexs(&mut self.rng, 64));
            }
            _ => {
                let _ = writeln!(
                    l,
                    "] [ info] [input:tail:tail.0] inotify_fs_remove(): inode={} watch_fd={}",
                    self.rng.range(100_000, 9_999_999),
                    self.rng.range(1, 300)
                );
            }
        }
    }

    fn shell(&mut self) {
        let t = self.t;
        let app = self.b.app.clone();
        let l = &mut self.line;
        match self.b.init_role {
            0 => {
                put_iso(l, t, 0);
                let n = 30 + self.lines;
                let _ = writeln!(
                    l,
                    " INFO applying migration {n:04}_{}",
                    [
                        "add_orders_index",
                        "create_audit_log",
                        "backfill_status",
                        "drop_legacy_columns"
                    ][(n % 4) as usize]
                );
            }
            1 => {
                if self.rng.chance(0.1) {
                    let _ = writeln!(l, "nc: bad address '{app}-db'");
                } else {
                    l.extend_from_slice(b"waiting for db\n");
                }
            }
            2 => {
                let rules = [
                    "-A ISTIO_INBOUND -p tcp --dport 15008 -j RETURN",
                    "-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001",
                    "-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
                    "-A OUTPUT -p tcp -j ISTIO_OUTPUT",
                    "-A ISTIO_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
                    "COMMIT",
                    "# Completed on Sun Jun  1 11:59:58 2025",
                ];
                let _ = writeln!(l, "{}", rules[(self.lines % rules.len() as u64) as usize]);
            }
            3 => {
                let ip = format!("10.96.{}.{}", self.rng.range(0, 60), self.rng.range(2, 250));
                let _ = writeln!(
                    l,
                    "64 bytes from {ip}: icmp_seq={} ttl=63 time={}.{} ms",
                    self.lines + 1,
                    self.rng.range(0, 3),
                    self.rng.range(0, 999)
                );
            }
            _ => {
                let _ = writeln!(
                    l,
                    "'/config-src/{}.yaml' -> '/config/{}.yaml'",
                    self.lines, self.lines
                );
            }
        }
    }

    /// One line of hundreds of KiB (a dumped payload): readers must not use small line buffers.
    fn long_line(&mut self) {
        let n = self.rng.range(100 << 10, 300 << 10) as usize;
        self.line
            .extend_from_slice(b"{\"level\":\"debug\",\"msg\":\"response payload\",\"body\":\"");
        while self.line.len() < n {
            let _ = write!(
                self.line,
                "{{\\\"id\\\":{},\\\"sku\\\":\\\"SKU-{}\\\",\\\"qty\\\":{}}},",
                self.rng.range(1, 999_999),
                hexs(&mut self.rng, 8),
                self.rng.range(1, 9)
            );
        }
        self.line.extend_from_slice(b"\"}\n");
    }

    /// A line with Latin-1 bytes (not UTF-8), as legacy libraries write them.
    fn latin1_line(&mut self) {
        put_iso(&mut self.line, self.t, 3);
        self.line.extend_from_slice(
            b" WARN legacy encoder: caf\xe9 na\xefve r\xe9sum\xe9 \xff\xfe end\n",
        );
    }

    // ----- how the instance ends ---------------------------------------------------

    fn tail(&mut self, out: &mut Vec<u8>) {
        let end = self.b.end * 1_000_000;
        match self.b.tail {
            Tail::None | Tail::DepDown => {}
            Tail::Completed => match self.b.lang {
                Lang::Shell => match self.b.init_role {
                    0 => {
                        put_iso(out, end, 0);
                        let _ = writeln!(out, " INFO {} migrations applied", self.rng.range(1, 6));
                    }
                    1 => {
                        let _ = writeln!(out, "{}-db ({}:5432) open", self.b.app, self.svc_ip());
                    }
                    2 => out.extend_from_slice(b"COMMIT\n"),
                    _ => out.extend_from_slice(b"done\n"),
                },
                Lang::Calico => {
                    put_time(out, end, b' ', 3, b'.');
                    out.extend_from_slice(b" [INFO][1] cni-installer/<nil> <nil>: Done configuring CNI.  Sleep= false\n");
                }
                _ => {
                    self.t = end;
                    self.msg.clear();
                    self.f.n = 0;
                    self.req = false;
                    self.src = 5;
                    self.msg.push_str("job finished");
                    let _ = write!(
                        self.f.add("duration_s", true),
                        "{}",
                        self.b.end - self.b.start
                    );
                    std::mem::swap(&mut self.line, out);
                    self.render_app(Lvl::Info);
                    std::mem::swap(&mut self.line, out);
                }
            },
            Tail::Oom | Tail::Killed => {
                // Memory warnings, then output stops in the middle of a line: the kernel
                // (or the kubelet's SIGKILL) gives the process no chance to flush.
                self.t = end - 1_800_000;
                if self.b.tail == Tail::Oom
                    && matches!(
                        self.b.lang,
                        Lang::Go | Lang::Java | Lang::Python | Lang::Node | Lang::DotNet
                    )
                {
                    for pct in [91, 95, 98] {
                        self.msg.clear();
                        self.f.n = 0;
                        self.req = false;
                        self.src = 5;
                        self.msg.push_str("memory usage high");
                        let _ = write!(self.f.add("used_pct", true), "{pct}");
                        std::mem::swap(&mut self.line, out);
                        self.render_app(Lvl::Warn);
                        std::mem::swap(&mut self.line, out);
                        self.t += 400_000;
                    }
                }
                self.t = end - 200_000;
                self.line.clear();
                self.fill_plain();
                let cut = (self.line.len() / 2).max(1);
                out.extend_from_slice(&self.line[..cut]);
                self.line.clear();
            }
            Tail::Crash(code) => self.crash(out, code, end),
        }
    }

    /// A line in the container's format, for tails (no startup banner).
    fn fill_plain(&mut self) {
        self.startup = 1000;
        self.msg.clear();
        self.f.n = 0;
        match self.b.lang {
            Lang::Go | Lang::Java | Lang::Python | Lang::Node | Lang::DotNet => {
                let lvl = self.ev_request(false);
                self.render_app(lvl);
            }
            _ => self.fill(),
        }
    }

    fn crash(&mut self, out: &mut Vec<u8>, code: i32, end: i64) {
        let lang = self.b.lang;
        let ns = self.ns;
        let peer = *self.rng.pick(PEERS);
        let sip = self.svc_ip();
        self.t = end - 1_000_000;
        // The fatal message in the container's own format first.
        // Go and Spring log the startup failure through their logger before exiting; Node,
        // Python and .NET die with an uncaught exception that the runtime prints itself.
        if code == 1 && matches!(lang, Lang::Go | Lang::Java) {
            self.msg.clear();
            self.f.n = 0;
            self.req = false;
            self.src = 5;
            if lang == Lang::Java {
                self.msg.push_str("Application run failed");
            } else {
                self.msg.push_str("failed to start");
                let c = self.cause();
                *self.f.add("error", false) = c;
            }
            std::mem::swap(&mut self.line, out);
            self.render_app(if lang == Lang::Go {
                Lvl::Fatal
            } else {
                Lvl::Error
            });
            std::mem::swap(&mut self.line, out);
        }
        match (lang, code) {
            (Lang::Go, 2) | (Lang::Klog, 2) | (Lang::Etcd, 2) | (Lang::Calico, 2) => {
                let _ = write!(out, "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x{:x}]\n\ngoroutine {} [running]:\n", 0x6e_0000 + self.rng.below(0xffff), self.rng.range(1, 400));
                let frames = [
                    ("github.com/acme/app/internal/service.(*OrderService).Checkout", "/src/internal/service/orders.go", 214),
                    ("github.com/acme/app/internal/api.(*Handler).checkout", "/src/internal/api/handlers.go", 97),
                    ("github.com/acme/app/internal/worker.(*Pool).run", "/src/internal/worker/pool.go", 61),
                ];
                for (f, file, line) in frames {
                    let _ = writeln!(out, "{f}(0xc000{:06x}, {{0x1a2b3c0, 0xc000{:06x}}})\n\t{file}:{line} +0x{:x}", self.rng.below(0xffffff), self.rng.below(0xffffff), self.rng.range(0x20, 0x5ff));
                }
                let _ = writeln!(out, "created by github.com/acme/app/internal/worker.NewPool in goroutine 1\n\t/src/internal/worker/pool.go:38 +0x1c5");
                if self.rng.chance(0.5) {
                    let _ = writeln!(out, "\ngoroutine 1 [chan receive, {} minutes]:\nmain.main()\n\t/src/cmd/server/main.go:73 +0x4d0", self.rng.range(1, 9));
                }
            }
            (Lang::Java, 1) => {
                let _ = writeln!(out, "org.springframework.context.ApplicationContextException: Failed to start bean 'webServerStartStop'\n\tat org.springframework.context.support.DefaultLifecycleProcessor.doStart(DefaultLifecycleProcessor.java:288)\n\tat org.springframework.boot.SpringApplication.run(SpringApplication.java:335)\n\tat com.acme.app.Application.main(Application.java:12)");
                let _ = writeln!(out, "Caused by: org.postgresql.util.PSQLException: Connection to {peer}-db:5432 refused. Check that the hostname and port are correct and that the postmaster is accepting TCP/IP connections.\n\tat org.postgresql.core.v3.ConnectionFactoryImpl.openConnectionImpl(ConnectionFactoryImpl.java:352)\n\tat com.zaxxer.hikari.pool.HikariPool.checkFailFast(HikariPool.java:562)\n\t... {} common frames omitted", self.rng.range(20, 50));
            }
            (Lang::Python, 1) => {
                out.extend_from_slice(b"Traceback (most recent call last):\n");
                for (f, n, func, code) in PY_FRAMES.iter().take(2) {
                    let _ = writeln!(out, "  File \"{f}\", line {n}, in {func}\n    {code}");
                }
                let _ = writeln!(out, "  File \"/app/app/settings.py\", line 19, in load\n    url = os.environ[\"DATABASE_URL\"]\n          ~~~~~~~~~~^^^^^^^^^^^^^^^^\n  File \"<frozen os>\", line 714, in __getitem__\nKeyError: 'DATABASE_URL'");
            }
            (Lang::Node, 1) => {
                let _ = writeln!(out, "node:internal/process/promises:394\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\nError: connect ECONNREFUSED {sip}:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16) {{\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '{sip}',\n  port: 6379\n}}\n\nNode.js v20.17.0");
            }
            (Lang::DotNet, 1) => {
                let _ = writeln!(out, "Unhandled exception. System.InvalidOperationException: Unable to resolve service for type 'App.Data.IOrderRepository' while attempting to activate 'App.Services.OrderService'.");
                for f in DOTNET_FRAMES.iter().skip(3) {
                    let _ = writeln!(out, "   at {f}");
                }
            }
            (Lang::Python, 139) => {
                let _ = writeln!(out, "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f{:010x} (most recent call first):\n  File \"/usr/local/lib/python3.12/site-packages/numpy/core/fromnumeric.py\", line 88 in _wrapreduction\n  File \"/app/app/ml/scoring.py\", line 57 in score\n  File \"/app/app/worker.py\", line 31 in handle\n\nExtension modules: numpy.core._multiarray_umath, numpy.linalg._umath_linalg (total: 12)", self.rng.below(1 << 40));
            }
            (Lang::Java, 139) => {
                let _ = writeln!(out, "#\n# A fatal error has been detected by the Java Runtime Environment:\n#\n#  SIGSEGV (0xb) at pc=0x00007f{:010x}, pid=1, tid={}\n#\n# JRE version: OpenJDK Runtime Environment Temurin-21.0.4+7 (21.0.4+7) (build 21.0.4+7-LTS)\n# Problematic frame:\n# C  [libc.so.6+0x16e6b5]\n#\n# An error report file with more information is saved as:\n# /tmp/hs_err_pid1.log", self.rng.below(1 << 40), self.rng.range(20, 90));
            }
            (_, 139) => {
                let _ = writeln!(out, "/docker-entrypoint.sh: line 42:     7 Segmentation fault      (core dumped) \"$@\"");
            }
            (Lang::Shell, _) => {
                put_iso(out, end, 0);
                let _ = writeln!(out, " ERROR migration 0042_backfill_status failed: pq: relation \"orders_archive\" does not exist\nError: exit status 1");
            }
            (_, 2) => {
                let _ = writeln!(out, "usage: {} [-h] [--config CONFIG] [--port PORT] [--workers N]\n{}: error: unrecognized arguments: --enable-feature=new-checkout", self.b.app, self.b.app);
            }
            (Lang::Go, _) | (Lang::Java, _) | (Lang::Python, _) | (Lang::Node, _) | (Lang::DotNet, _) => {}
            (Lang::Klog, _) => {
                self.klog_head(b'E', "run.go");
                let _ = writeln!(self.line, "\"Error running command\" err=\"failed to create listener: failed to listen on 0.0.0.0:10250: listen tcp 0.0.0.0:10250: bind: address already in use\"");
                out.extend_from_slice(&self.line);
                self.line.clear();
            }
            (Lang::Nginx, _) => {
                put_time(out, end, b' ', 0, b'.');
                let n = out.len();
                out[n - 15] = b'/';
                out[n - 12] = b'/';
                let _ = writeln!(out, " [emerg] 1#1: host not found in upstream \"{peer}:8080\" in /etc/nginx/conf.d/default.conf:14\nnginx: [emerg] host not found in upstream \"{peer}:8080\" in /etc/nginx/conf.d/default.conf:14");
            }
            (Lang::Postgres, _) => {
                for m in [
                    "FATAL:  data directory \"/var/lib/postgresql/data/pgdata\" has invalid permissions",
                    "DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).",
                ] {
                    put_time(out, end, b' ', 3, b'.');
                    let _ = writeln!(out, " UTC [1] {m}");
                }
            }
            (Lang::Redis, _) => {
                let d = dt(end / 1_000_000);
                for m in ["# Can't handle RDB format version 12", "# Fatal error loading the DB, check server logs. Exiting."] {
                    let _ = write!(out, "1:M {:02} {} {:04} ", d.d, MONTHS[d.mo as usize - 1], d.y);
                    put_hms(out, &d);
                    let _ = writeln!(out, ".000 {m}");
                }
            }
            (Lang::Envoy, _) => {
                out.push(b'[');
                put_time(out, end, b' ', 3, b'.');
                let _ = writeln!(out, "][1][critical][main] [source/server/server.cc:131] error initializing configuration '/etc/envoy/envoy.yaml': Protobuf message (type envoy.config.bootstrap.v3.Bootstrap reason INVALID_ARGUMENT:(static_resources.clusters[0]) lb_polcy: Cannot find field.) has unknown fields");
            }
            (Lang::CoreDns, _) => {
                let _ = writeln!(out, "[FATAL] plugin/loop: Loop (127.0.0.1:{} -> :53) detected for zone \".\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO {}.{}.\"", self.rng.range(32768, 60999), self.rng.u64() >> 1, self.rng.u64() >> 1);
            }
            _ => {
                let _ = writeln!(out, "Error: failed to connect to {peer}.{ns}.svc.cluster.local:5432: connection refused");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A scratch directory removed on drop (std only, so the module needs no dev-dependency).
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "coroner-synth-{tag}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = fs::remove_dir_all(&p);
            Scratch(p)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// Relative path -> (size, FNV-1a of the content), for every file under `root`.
    fn tree(root: &Path) -> BTreeMap<String, (u64, u64)> {
        fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, (u64, u64)>) {
            for e in fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let data = fs::read(&p).unwrap();
                    let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, (data.len() as u64, fnv1a(&data)));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(root, root, &mut out);
        out
    }

    fn read_json(p: &Path) -> Value {
        serde_json::from_slice(&fs::read(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn items(v: &Value) -> Vec<Value> {
        v["items"].as_array().cloned().unwrap_or_default()
    }

    fn container_names(pod: &Value) -> Vec<String> {
        let mut v = vec![];
        for k in ["initContainers", "containers"] {
            for c in pod["spec"][k].as_array().cloned().unwrap_or_default() {
                v.push(c["name"].as_str().unwrap().to_string());
            }
        }
        v
    }

    const LISTS: &[(&str, &str, &str)] = &[
        ("events.json", "EventList", "v1"),
        (
            "replication-controllers.json",
            "ReplicationControllerList",
            "v1",
        ),
        ("services.json", "ServiceList", "v1"),
        ("daemonsets.json", "DaemonSetList", "apps/v1"),
        ("deployments.json", "DeploymentList", "apps/v1"),
        ("replicasets.json", "ReplicaSetList", "apps/v1"),
        ("pods.json", "PodList", "v1"),
    ];

    #[test]
    fn helpers_match_go_and_kubernetes() {
        assert_eq!(ts(BASE_NOW), "2025-06-01T12:00:00Z");
        assert_eq!(ts(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            ts_micro(BASE_NOW * 1_000_000 + 42),
            "2025-06-01T12:00:00.000042Z"
        );
        assert_eq!(go_dur(160), "2m40s");
        let mut b = vec![];
        go_str(&mut b, "<a&b>\"\n\u{2028}");
        assert_eq!(
            String::from_utf8(b).unwrap(),
            r#""\u003ca\u0026b\u003e\"\n\u2028""#
        );
        let mut r = Rng::new(1);
        let n = kname(&mut r, 200);
        assert!(n.bytes().all(|c| K8S_ALPHA.contains(&c)));
        assert_eq!(uuid(&mut r).len(), 36);
    }

    #[test]
    fn same_spec_gives_byte_identical_trees() {
        let (a, b) = (Scratch::new("det-a"), Scratch::new("det-b"));
        let spec = SynthSpec::tiny();
        let sa = write_dump(&spec, &a.0).unwrap();
        let sb = write_dump(&spec, &b.0).unwrap();
        assert_eq!(sa, sb);
        let (ta, tb) = (tree(&a.0), tree(&b.0));
        assert!(ta.len() > 40);
        assert_eq!(ta, tb);

        let c = Scratch::new("det-c");
        let sc = write_dump(
            &SynthSpec {
                seed: spec.seed + 1,
                ..spec
            },
            &c.0,
        )
        .unwrap();
        assert_ne!(tree(&c.0), ta, "another seed must give another cluster");
        assert_eq!(sc.pods, sa.pods);
    }

    #[test]
    fn every_pod_has_logs_with_markers_in_spec_order() {
        let d = Scratch::new("markers");
        let s = write_dump(&SynthSpec::tiny(), &d.0).unwrap();
        let mut blocks = 0;
        let mut errors = 0;
        let mut glued = 0;
        for ns in &s.namespaces {
            let pods = items(&read_json(&d.0.join(ns).join("pods.json")));
            let dirs: BTreeSet<String> = fs::read_dir(d.0.join(ns))
                .unwrap()
                .map(|e| e.unwrap())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let names: BTreeSet<String> = pods
                .iter()
                .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(dirs, names, "pod directories of {ns} must match pods.json");
            for pod in &pods {
                let name = pod["metadata"]["name"].as_str().unwrap();
                let data = fs::read(d.0.join(ns).join(name).join("logs.txt")).unwrap();
                let mut pos = 0;
                for c in container_names(pod) {
                    let start =
                        format!("==== START logs for container {c} of pod {ns}/{name} ====\n");
                    let end = format!("==== END logs for container {c} of pod {ns}/{name} ====\n");
                    assert!(
                        data[pos..].starts_with(start.as_bytes()),
                        "{ns}/{name}: expected START for {c} at {pos}"
                    );
                    pos += start.len();
                    let k = memchr::memmem::find(&data[pos..], end.as_bytes())
                        .unwrap_or_else(|| panic!("{ns}/{name}: no END for {c}"));
                    let body = &data[pos..pos + k];
                    assert!(
                        memchr::memmem::find(body, b"==== START logs for container ").is_none(),
                        "{ns}/{name}/{c}: marker inside body"
                    );
                    if body.starts_with(b"Request log error: ") {
                        errors += 1;
                        assert_eq!(body.iter().filter(|&&b| b == b'\n').count(), 1);
                    }
                    if !body.is_empty() && body.last() != Some(&b'\n') {
                        glued += 1;
                    }
                    pos += k + end.len();
                    blocks += 1;
                }
                assert_eq!(pos, data.len(), "{ns}/{name}: bytes after the last END");
            }
        }
        assert_eq!(blocks, s.containers);
        assert!(errors > 0, "never-started containers must have log errors");
        assert!(glued > 0, "some logs must lack the final newline");
    }

    #[test]
    fn list_files_parse_and_look_like_go_marshal_indent() {
        let d = Scratch::new("json");
        let s = write_dump(&SynthSpec::tiny(), &d.0).unwrap();
        let mut files = vec![(d.0.join("nodes.json"), "NodeList", "v1")];
        for ns in &s.namespaces {
            for (f, k, a) in LISTS {
                files.push((d.0.join(ns).join(f), k, a));
            }
        }
        let mut total = 0;
        let mut escaped = false;
        for (p, kind, api) in files {
            let raw = fs::read(&p).unwrap();
            total += raw.len() as u64;
            let text = std::str::from_utf8(&raw).unwrap();
            assert!(text.starts_with(&format!("{{\n    \"kind\": \"{kind}\",\n    \"apiVersion\": \"{api}\",\n    \"metadata\": {{\n        \"resourceVersion\": \"")), "{}", p.display());
            assert!(text.ends_with("\n}\n"), "{}", p.display());
            assert!(
                !text.contains(['<', '>', '&']),
                "{}: Go escapes <, > and &",
                p.display()
            );
            escaped |= text.contains("\\u0026");
            for line in text.lines() {
                let indent = line.len() - line.trim_start_matches(' ').len();
                assert_eq!(indent % 4, 0, "{}: {line}", p.display());
            }
            let v = read_json(&p);
            assert!(v["items"].is_null() || v["items"].is_array());
            for it in items(&v) {
                assert!(
                    it.get("kind").is_none() && it.get("apiVersion").is_none(),
                    "items carry no kind"
                );
                assert!(it["metadata"]["name"].is_string());
            }
        }
        assert_eq!(total, s.json_bytes);
        assert!(
            escaped || s.pods < 100,
            "some annotation should need Go's & escape"
        );
        let nodes = items(&read_json(&d.0.join("nodes.json")));
        assert_eq!(nodes.len(), s.nodes);
    }

    #[test]
    fn totals_are_near_the_spec() {
        let d = Scratch::new("totals");
        let spec = SynthSpec {
            pods: 90,
            namespaces: 7,
            nodes: 5,
            log_bytes_total: 3 << 20,
            seed: 12,
            failing_ratio: 0.08,
        };
        let s = write_dump(&spec, &d.0).unwrap();
        assert_eq!(s.pods, spec.pods);
        assert_eq!(s.namespaces.len(), spec.namespaces);
        let mut pods = 0;
        let mut events = 0;
        let mut log_bytes = 0;
        let mut owners = BTreeSet::new();
        for ns in &s.namespaces {
            let ps = items(&read_json(&d.0.join(ns).join("pods.json")));
            pods += ps.len();
            events += items(&read_json(&d.0.join(ns).join("events.json"))).len();
            for p in &ps {
                let name = p["metadata"]["name"].as_str().unwrap();
                log_bytes += fs::metadata(d.0.join(ns).join(name).join("logs.txt"))
                    .unwrap()
                    .len();
                if let Some(o) = p["metadata"]["ownerReferences"][0]["kind"].as_str() {
                    owners.insert(o.to_string());
                }
            }
        }
        assert_eq!(pods, s.pods);
        assert_eq!(events, s.events);
        assert_eq!(log_bytes, s.log_bytes);
        let ratio = s.log_bytes as f64 / spec.log_bytes_total as f64;
        assert!(
            (0.95..=1.05).contains(&ratio),
            "log bytes {} vs {}",
            s.log_bytes,
            spec.log_bytes_total
        );
        for k in ["ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Node"] {
            assert!(owners.contains(k), "no pod owned by a {k}: {owners:?}");
        }
        assert!(!s.failing.is_empty());
    }

    #[test]
    fn edge_specs_do_not_panic() {
        let specs = [
            SynthSpec {
                pods: 0,
                namespaces: 0,
                nodes: 0,
                log_bytes_total: 0,
                seed: 0,
                failing_ratio: 0.0,
            },
            SynthSpec {
                pods: 25,
                namespaces: 1,
                nodes: 1,
                log_bytes_total: 64 << 10,
                seed: 3,
                failing_ratio: 1.0,
            },
            SynthSpec {
                pods: 40,
                namespaces: 2,
                nodes: 2,
                log_bytes_total: 0,
                seed: 4,
                failing_ratio: 0.5,
            },
            SynthSpec {
                pods: 30,
                namespaces: 35,
                nodes: 7,
                log_bytes_total: 1 << 20,
                seed: 5,
                failing_ratio: 0.0,
            },
        ];
        for spec in specs {
            let d = Scratch::new("edge");
            let s = write_dump(&spec, &d.0).unwrap();
            assert_eq!(s.pods, spec.pods, "{spec:?}");
            assert_eq!(s.namespaces.len(), spec.namespaces.max(1));
            assert_eq!(s.nodes, spec.nodes.max(1));
            if spec.failing_ratio == 0.0 {
                assert!(
                    s.failing.is_empty() && s.node_problems.is_empty(),
                    "{spec:?}"
                );
            }
        }
    }

    #[test]
    fn replica_sets_deployments_and_pods_are_linked() {
        let d = Scratch::new("owners");
        let s = write_dump(&SynthSpec::tiny(), &d.0).unwrap();
        for ns in &s.namespaces {
            let rss = items(&read_json(&d.0.join(ns).join("replicasets.json")));
            let deps = items(&read_json(&d.0.join(ns).join("deployments.json")));
            let dep_uids: BTreeMap<&str, &str> = deps
                .iter()
                .map(|x| {
                    (
                        x["metadata"]["uid"].as_str().unwrap(),
                        x["metadata"]["name"].as_str().unwrap(),
                    )
                })
                .collect();
            let mut rs_uids = BTreeMap::new();
            for rs in &rss {
                let o = &rs["metadata"]["ownerReferences"][0];
                assert_eq!(
                    dep_uids.get(o["uid"].as_str().unwrap()),
                    Some(&o["name"].as_str().unwrap())
                );
                let hash = rs["metadata"]["labels"]["pod-template-hash"]
                    .as_str()
                    .unwrap();
                assert!(rs["metadata"]["name"].as_str().unwrap().ends_with(hash));
                rs_uids.insert(
                    rs["metadata"]["uid"].as_str().unwrap().to_string(),
                    hash.to_string(),
                );
            }
            for p in items(&read_json(&d.0.join(ns).join("pods.json"))) {
                let o = &p["metadata"]["ownerReferences"][0];
                if o["kind"] == "ReplicaSet" {
                    let hash = rs_uids
                        .get(o["uid"].as_str().unwrap())
                        .expect("pod owner is a dumped ReplicaSet");
                    assert_eq!(
                        p["metadata"]["labels"]["pod-template-hash"].as_str(),
                        Some(hash.as_str())
                    );
                }
            }
        }
    }

    #[test]
    fn injected_failures_are_visible_in_pods_events_and_logs() {
        let d = Scratch::new("failures");
        let s = write_dump(&SynthSpec::tiny(), &d.0).unwrap();
        let rules: BTreeSet<&str> = s.failing.iter().map(|f| f.kind.rule()).collect();
        for r in [
            "crash-loop-backoff",
            "oom-killed",
            "image-pull-failure",
            "container-config-error",
            "pod-unschedulable",
            "pod-stuck-creating",
            "readiness-failure",
            "pod-evicted",
        ] {
            assert!(
                rules.contains(r),
                "tiny spec should exercise {r}: {rules:?}"
            );
        }
        assert!(!s.node_problems.is_empty());
        let mut pods = BTreeMap::new();
        let mut warnings: BTreeSet<(String, String)> = BTreeSet::new();
        for ns in &s.namespaces {
            for p in items(&read_json(&d.0.join(ns).join("pods.json"))) {
                pods.insert(
                    (
                        ns.clone(),
                        p["metadata"]["name"].as_str().unwrap().to_string(),
                    ),
                    p,
                );
            }
            for e in items(&read_json(&d.0.join(ns).join("events.json"))) {
                if e["type"] == "Warning" {
                    warnings.insert((
                        ns.clone(),
                        e["involvedObject"]["name"].as_str().unwrap().to_string(),
                    ));
                }
                let legacy = !e["firstTimestamp"].is_null();
                assert_eq!(
                    legacy,
                    e["eventTime"].is_null(),
                    "an event is either core/v1 or events.k8s.io style"
                );
            }
        }
        for f in &s.failing {
            let key = (f.namespace.clone(), f.pod.clone());
            let p = &pods[&key];
            let st = &p["status"];
            let cs = |list: &str| -> Value {
                st[list]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| Some(c["name"].as_str().unwrap()) == f.container.as_deref())
                    .cloned()
                    .unwrap()
            };
            match f.kind {
                FailureKind::CrashLoopBackOff { exit_code } => {
                    let c = cs("containerStatuses");
                    assert_eq!(c["state"]["waiting"]["reason"], "CrashLoopBackOff");
                    assert_eq!(c["lastState"]["terminated"]["exitCode"], exit_code);
                }
                FailureKind::OomKilled { crash_looping } => {
                    let c = cs("containerStatuses");
                    assert_eq!(c["lastState"]["terminated"]["reason"], "OOMKilled");
                    assert_eq!(c["state"]["running"].is_object(), !crash_looping);
                }
                FailureKind::ImagePullBackOff
                | FailureKind::ErrImagePull
                | FailureKind::CreateContainerConfigError => {
                    let c = cs("containerStatuses");
                    let want = match f.kind {
                        FailureKind::ImagePullBackOff => "ImagePullBackOff",
                        FailureKind::ErrImagePull => "ErrImagePull",
                        _ => "CreateContainerConfigError",
                    };
                    assert_eq!(c["state"]["waiting"]["reason"], want);
                    let logs =
                        fs::read_to_string(d.0.join(&f.namespace).join(&f.pod).join("logs.txt"))
                            .unwrap();
                    assert!(logs.contains(&format!("Request log error: the server rejected our request for an unknown reason (get pods {})\n", f.pod)));
                }
                FailureKind::InitCrashLoopBackOff { .. } => {
                    assert_eq!(
                        cs("initContainerStatuses")["state"]["waiting"]["reason"],
                        "CrashLoopBackOff"
                    );
                }
                FailureKind::Unschedulable => {
                    assert_eq!(st["conditions"][0]["reason"], "Unschedulable");
                    assert!(p["spec"]["nodeName"].is_null());
                }
                FailureKind::FailedMount => assert_eq!(st["phase"], "Pending"),
                FailureKind::NotReady => {
                    let c = cs("containerStatuses");
                    assert!(c["state"]["running"].is_object());
                    assert_eq!(c["ready"], false);
                }
                FailureKind::Evicted => {
                    assert_eq!(st["phase"], "Failed");
                    assert_eq!(st["reason"], "Evicted");
                }
                FailureKind::StuckTerminating => {
                    assert!(p["metadata"]["deletionTimestamp"].is_string())
                }
            }
            if !matches!(
                f.kind,
                FailureKind::OomKilled {
                    crash_looping: false
                } | FailureKind::StuckTerminating
            ) {
                assert!(warnings.contains(&key), "no Warning event for {f:?}");
            }
            assert_eq!(f.container.is_none(), f.kind.is_pod_level());
        }
    }
}
