//! A fake Kubernetes API server on 127.0.0.1, good enough for real `kubectl cluster-info dump`.
//!
//! Include it with `#[path = "support/fakeapi.rs"] mod fakeapi;` (tests) or
//! `#[path = "../tests/support/fakeapi.rs"] mod fakeapi;` (examples). It depends on std,
//! `serde_json` and `tempfile` only.
//!
//! What it serves (see /work/shared/dump-format.md section 3):
//!
//! * `GET /version`
//! * `GET /api/v1/nodes`, `GET /api/v1/namespaces`, `GET /api/v1/namespaces/NS`
//! * `GET /api/v1/namespaces/NS/{events,replicationcontrollers,services,pods}`
//! * `GET /apis/apps/v1/namespaces/NS/{daemonsets,deployments,replicasets}`
//! * `GET /api/v1/namespaces/NS/pods/POD/log?container=C`
//! * anything else: 404 with a `metav1.Status` body.
//!
//! Lists are JSON (`"items": []` when empty), except that an *empty* list is answered in the
//! Kubernetes protobuf envelope when the client's `Accept` header asks for
//! `application/vnd.kubernetes.protobuf` (kubectl 1.32+ does for list calls), exactly as a
//! real apiserver would. That is what makes kubectl 1.32+ write `"items": null`: with a JSON
//! answer it would write `[]`. Switch it off with [`FakeApi::start_with`] and
//! [`Options::protobuf_empty_lists`] = false.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

/// Everything the fake API server knows. Objects are served exactly as given (items should
/// carry no `kind`/`apiVersion`, like a real list answer; kubectl re-serialises them anyway).
#[derive(Clone, Debug, Default)]
pub struct Fixture {
    pub nodes: Vec<Value>,
    /// Served in alphabetical order by `GET /api/v1/namespaces` (as etcd does).
    pub namespaces: Vec<NsFixture>,
    /// Container logs keyed (namespace, pod, container). A pod that exists but has no entry
    /// for the container answers 400 (what a real apiserver says for a waiting container);
    /// a pod that does not exist answers 404.
    pub logs: BTreeMap<(String, String, String), LogReply>,
}

/// The seven namespaced lists of one namespace, items in the order they are served.
#[derive(Clone, Debug, Default)]
pub struct NsFixture {
    pub name: String,
    pub events: Vec<Value>,
    pub replication_controllers: Vec<Value>,
    pub services: Vec<Value>,
    pub daemonsets: Vec<Value>,
    pub deployments: Vec<Value>,
    pub replicasets: Vec<Value>,
    pub pods: Vec<Value>,
}

/// Answer to `GET .../pods/POD/log?container=C`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogReply {
    /// 200, `text/plain`, these exact bytes.
    Body(Vec<u8>),
    /// This HTTP code with a JSON `metav1.Status` body, as a real apiserver answers.
    Status(u16),
}

impl NsFixture {
    pub fn new(name: &str) -> NsFixture {
        NsFixture {
            name: name.to_string(),
            ..NsFixture::default()
        }
    }
}

impl Fixture {
    /// Set the log reply of one container.
    pub fn set_log(&mut self, ns: &str, pod: &str, container: &str, reply: LogReply) {
        self.logs.insert(
            (ns.to_string(), pod.to_string(), container.to_string()),
            reply,
        );
    }

    pub fn namespace(&self, name: &str) -> Option<&NsFixture> {
        self.namespaces.iter().find(|n| n.name == name)
    }

    pub fn namespace_mut(&mut self, name: &str) -> Option<&mut NsFixture> {
        self.namespaces.iter_mut().find(|n| n.name == name)
    }

    /// `resourceVersion` given to every list: one more than the largest numeric
    /// `metadata.resourceVersion` of any object (a list is never older than its items).
    pub fn list_resource_version(&self) -> String {
        let mut max: u64 = 0;
        let mut see = |v: &Value| {
            if let Some(rv) = v
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
            {
                if let Ok(n) = rv.parse::<u64>() {
                    max = max.max(n);
                }
            }
        };
        self.nodes.iter().for_each(&mut see);
        for ns in &self.namespaces {
            for list in ns.lists() {
                list.iter().for_each(&mut see);
            }
        }
        (max + 1).to_string()
    }
}

impl NsFixture {
    fn lists(&self) -> [&Vec<Value>; 7] {
        [
            &self.events,
            &self.replication_controllers,
            &self.services,
            &self.daemonsets,
            &self.deployments,
            &self.replicasets,
            &self.pods,
        ]
    }

    fn pod(&self, name: &str) -> Option<&Value> {
        self.pods
            .iter()
            .find(|p| p.pointer("/metadata/name").and_then(Value::as_str) == Some(name))
    }
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

/// Server knobs. `Options::default()` behaves like a real apiserver.
#[derive(Clone, Debug)]
pub struct Options {
    /// Answer empty lists in protobuf when the client accepts it (real apiserver behaviour;
    /// gives `"items": null` with kubectl 1.32+). Default true.
    pub protobuf_empty_lists: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            protobuf_empty_lists: true,
        }
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path with query string, e.g. `/api/v1/namespaces/shop/pods/web-1/log?container=web`.
    pub target: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// HTTP status code answered.
    pub status: u16,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    fixture: Fixture,
    version: Value,
    list_rv: String,
    options: Options,
    log: Mutex<Vec<Request>>,
    stop: AtomicBool,
    conns: Mutex<Vec<TcpStream>>,
}

/// A running fake API server. Stops when dropped (or on [`FakeApi::shutdown`]).
pub struct FakeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeApi {
    /// Start serving `fixture` on 127.0.0.1 (a free port). `server_version` like `"1.31.4"` or
    /// `"v1.31.4"`; it decides which kubectl the `/usr/bin/kubectl` dispatcher runs.
    pub fn start(fixture: Fixture, server_version: &str) -> FakeApi {
        FakeApi::start_with(fixture, server_version, Options::default())
    }

    pub fn start_with(fixture: Fixture, server_version: &str, options: Options) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").expect("fakeapi: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fakeapi: local_addr");
        let shared = Arc::new(Shared {
            list_rv: fixture.list_resource_version(),
            fixture,
            version: version_json(server_version),
            options,
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            conns: Mutex::new(Vec::new()),
        });
        let acc_shared = Arc::clone(&shared);
        let acceptor = thread::Builder::new()
            .name("fakeapi-accept".into())
            .spawn(move || accept_loop(listener, acc_shared))
            .expect("fakeapi: spawn");
        FakeApi {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request target (path + query) received so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }

    /// Every request with method, headers and the status answered.
    pub fn request_details(&self) -> Vec<Request> {
        self.shared.log.lock().unwrap().clone()
    }

    pub fn clear_requests(&self) {
        self.shared.log.lock().unwrap().clear();
    }

    /// Stop accepting, close every open connection and wait for the accept thread.
    pub fn shutdown(&mut self) {
        if self.shared.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        for c in self.shared.conns.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(_) => continue,
        };
        if let Ok(c) = stream.try_clone() {
            shared.conns.lock().unwrap().push(c);
        }
        let sh = Arc::clone(&shared);
        let _ = thread::Builder::new()
            .name("fakeapi-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &sh);
            });
    }
}

struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

fn serve_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        // Request line (skip stray empty lines between requests).
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            if !trim_crlf(&line).is_empty() {
                break;
            }
        }
        let request_line = String::from_utf8_lossy(trim_crlf(&line)).into_owned();
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let http_version = parts.next().unwrap_or("HTTP/1.0").to_string();

        let mut headers = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            let l = trim_crlf(&line);
            if l.is_empty() {
                break;
            }
            let l = String::from_utf8_lossy(l);
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        // Discard any request body.
        if let Some(n) = header("content-length").and_then(|v| v.parse::<u64>().ok()) {
            io::copy(&mut (&mut reader).take(n), &mut io::sink())?;
        }
        let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
            || http_version == "HTTP/1.0";
        let accept = header("accept").unwrap_or("").to_string();

        let resp = route(shared, &method, &target, &accept);
        shared.log.lock().unwrap().push(Request {
            method: method.clone(),
            target: target.clone(),
            headers: headers.clone(),
            status: resp.status,
        });

        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache, private\r\nDate: Sun, 01 Jun 2025 12:00:00 GMT\r\n",
            resp.status,
            reason_phrase(resp.status),
            resp.content_type,
            resp.body.len()
        );
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        writer.write_all(head.as_bytes())?;
        if method != "HEAD" {
            writer.write_all(&resp.body)?;
        }
        writer.flush()?;
        if close || shared.stop.load(Ordering::SeqCst) {
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

fn trim_crlf(b: &[u8]) -> &[u8] {
    let mut b = b;
    while let [rest @ .., b'\r' | b'\n'] = b {
        b = rest;
    }
    b
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn status_reason(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "AlreadyExists",
        410 => "Expired",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "",
    }
}

/// A `metav1.Status` failure response.
fn status_response(code: u16, message: &str, details: Option<Value>) -> Response {
    let mut st = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
    });
    let reason = status_reason(code);
    if !reason.is_empty() {
        st["reason"] = json!(reason);
    }
    if let Some(d) = details {
        st["details"] = d;
    }
    st["code"] = json!(code);
    Response {
        status: code,
        content_type: "application/json",
        body: to_json_bytes(&st),
    }
}

fn to_json_bytes(v: &Value) -> Vec<u8> {
    let mut b = serde_json::to_vec(v).expect("serialise");
    b.push(b'\n');
    b
}

fn version_json(server_version: &str) -> Value {
    let v = server_version.trim().trim_start_matches('v');
    let mut it = v.splitn(3, '.');
    let major = it.next().unwrap_or("1").to_string();
    let minor = it.next().unwrap_or("0").to_string();
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": format!("v{v}"),
        "gitCommit": "4e7f0c4d9a5ab8e6b8b0c5a1f0b9c2d7e1a3f6b8",
        "gitTreeState": "clean",
        "buildDate": "2025-05-15T08:30:00Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

fn split_target(target: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (target, ""),
    };
    let params = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(kv), String::new()),
        })
        .collect();
    (path, params)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(shared: &Shared, method: &str, target: &str, accept: &str) -> Response {
    let (path, params) = split_target(target);
    if method != "GET" && method != "HEAD" {
        return status_response(
            405,
            &format!(
                "the server does not allow this method on the requested resource ({method} {path})"
            ),
            None,
        );
    }
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let fx = &shared.fixture;
    let want_pb = shared.options.protobuf_empty_lists
        && accept.contains("application/vnd.kubernetes.protobuf");
    let list = |api_version: &str, kind: &str, items: &[Value]| -> Response {
        list_response(api_version, kind, items, &shared.list_rv, want_pb)
    };
    let empty: Vec<Value> = Vec::new();
    match segs.as_slice() {
        ["version"] => Response {
            status: 200,
            content_type: "application/json",
            body: to_json_bytes(&shared.version),
        },
        ["api", "v1", "nodes"] => list("v1", "NodeList", &fx.nodes),
        ["api", "v1", "namespaces"] => {
            let mut names: Vec<&str> = fx.namespaces.iter().map(|n| n.name.as_str()).collect();
            names.sort();
            names.dedup();
            let items: Vec<Value> = names.iter().map(|n| namespace_object(n)).collect();
            list("v1", "NamespaceList", &items)
        }
        ["api", "v1", "namespaces", ns] => match fx.namespace(ns) {
            Some(_) => {
                let mut o = namespace_object(ns);
                o["kind"] = json!("Namespace");
                o["apiVersion"] = json!("v1");
                Response {
                    status: 200,
                    content_type: "application/json",
                    body: to_json_bytes(&o),
                }
            }
            None => not_found("namespaces", ns, None),
        },
        ["api", "v1", "namespaces", ns, res] => {
            let nsf = fx.namespace(ns);
            let pick = |f: fn(&NsFixture) -> &Vec<Value>| nsf.map(f).unwrap_or(&empty);
            match *res {
                "events" => list("v1", "EventList", pick(|n| &n.events)),
                "replicationcontrollers" => list(
                    "v1",
                    "ReplicationControllerList",
                    pick(|n| &n.replication_controllers),
                ),
                "services" => list("v1", "ServiceList", pick(|n| &n.services)),
                "pods" => list("v1", "PodList", pick(|n| &n.pods)),
                _ => not_found_path(path),
            }
        }
        ["apis", "apps", "v1", "namespaces", ns, res] => {
            let nsf = fx.namespace(ns);
            let pick = |f: fn(&NsFixture) -> &Vec<Value>| nsf.map(f).unwrap_or(&empty);
            match *res {
                "daemonsets" => list("apps/v1", "DaemonSetList", pick(|n| &n.daemonsets)),
                "deployments" => list("apps/v1", "DeploymentList", pick(|n| &n.deployments)),
                "replicasets" => list("apps/v1", "ReplicaSetList", pick(|n| &n.replicasets)),
                _ => not_found_path(path),
            }
        }
        ["api", "v1", "namespaces", ns, "pods", pod, "log"] => {
            let container = params
                .iter()
                .find(|(k, _)| k == "container")
                .map(|(_, v)| v.clone());
            log_response(fx, ns, pod, container.as_deref())
        }
        _ => not_found_path(path),
    }
}

fn not_found_path(path: &str) -> Response {
    // What a real apiserver answers for an unknown path.
    let _ = path;
    status_response(
        404,
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

fn not_found(kind: &str, name: &str, group: Option<&str>) -> Response {
    let mut details = json!({"name": name, "kind": kind});
    if let Some(g) = group {
        details["group"] = json!(g);
    }
    status_response(404, &format!("{kind} \"{name}\" not found"), Some(details))
}

fn list_response(
    api_version: &str,
    kind: &str,
    items: &[Value],
    rv: &str,
    protobuf: bool,
) -> Response {
    if items.is_empty() && protobuf {
        return Response {
            status: 200,
            content_type: "application/vnd.kubernetes.protobuf",
            body: empty_list_protobuf(api_version, kind, rv),
        };
    }
    let doc = json!({
        "kind": kind,
        "apiVersion": api_version,
        "metadata": {"resourceVersion": rv},
        "items": items,
    });
    Response {
        status: 200,
        content_type: "application/json",
        body: to_json_bytes(&doc),
    }
}

/// A deterministic Namespace object (as it appears inside a NamespaceList).
fn namespace_object(name: &str) -> Value {
    json!({
        "metadata": {
            "name": name,
            "uid": uid_for(&format!("namespace/{name}")),
            "resourceVersion": "17",
            "creationTimestamp": "2025-05-20T08:00:00Z",
            "labels": {"kubernetes.io/metadata.name": name}
        },
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"}
    })
}

/// A stable, UUID-shaped id derived from a string (FNV-1a, no randomness).
pub fn uid_for(seed: &str) -> String {
    let mut h1: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for b in seed.bytes() {
        h1 ^= b as u64;
        h1 = h1.wrapping_mul(0x0000_0100_0000_01b3);
        h2 ^= (b as u64).rotate_left(3);
        h2 = h2.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let hex = format!("{h1:016x}{h2:016x}");
    // Make it look like a version-4 UUID.
    format!(
        "{}-{}-4{}-{}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        ["8", "9", "a", "b"][(h2 as usize) % 4],
        &hex[17..20],
        &hex[20..32]
    )
}

fn log_response(fx: &Fixture, ns: &str, pod: &str, container: Option<&str>) -> Response {
    let details = json!({"name": pod, "kind": "pods"});
    let Some(pod_obj) = fx.namespace(ns).and_then(|n| n.pod(pod)) else {
        return not_found("pods", pod, None);
    };
    let containers = pod_container_names(pod_obj);
    let container = match container {
        Some(c) => c.to_string(),
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            return status_response(
                400,
                &format!(
                "a container name must be specified for pod {pod}, choose one of: {containers:?}"
            ),
                Some(details),
            )
        }
    };
    if !containers.contains(&container) {
        return status_response(
            400,
            &format!("container {container} is not valid for pod {pod}"),
            Some(details),
        );
    }
    match fx
        .logs
        .get(&(ns.to_string(), pod.to_string(), container.clone()))
    {
        Some(LogReply::Body(b)) => Response {
            status: 200,
            content_type: "text/plain",
            body: b.clone(),
        },
        Some(LogReply::Status(code)) => {
            let msg = log_error_message(*code, pod_obj, ns, pod, &container);
            status_response(*code, &msg, Some(details))
        }
        None => {
            let msg = log_error_message(400, pod_obj, ns, pod, &container);
            status_response(400, &msg, Some(details))
        }
    }
}

fn pod_container_names(pod: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(list) = pod
            .pointer(&format!("/spec/{key}"))
            .and_then(Value::as_array)
        {
            for c in list {
                if let Some(n) = c.get("name").and_then(Value::as_str) {
                    out.push(n.to_string());
                }
            }
        }
    }
    out
}

/// The message a real apiserver/kubelet would put in the Status (kubectl throws it away, but
/// keep it realistic for anyone looking at the wire).
fn log_error_message(code: u16, pod: &Value, ns: &str, pod_name: &str, container: &str) -> String {
    let host_ip = pod
        .pointer("/status/hostIP")
        .and_then(Value::as_str)
        .unwrap_or("10.0.0.1");
    match code {
        400 => {
            if pod.pointer("/spec/nodeName").and_then(Value::as_str).unwrap_or("").is_empty() {
                return format!("pod {pod_name} does not have a host assigned");
            }
            let mut reason = "ContainerCreating".to_string();
            for key in ["initContainerStatuses", "containerStatuses"] {
                if let Some(list) = pod.pointer(&format!("/status/{key}")).and_then(Value::as_array) {
                    for cs in list {
                        if cs.get("name").and_then(Value::as_str) == Some(container) {
                            if let Some(r) = cs.pointer("/state/waiting/reason").and_then(Value::as_str) {
                                reason = match r {
                                    "ImagePullBackOff" | "ErrImagePull" => {
                                        "trying and failing to pull image".to_string()
                                    }
                                    other => other.to_string(),
                                };
                            }
                        }
                    }
                }
            }
            format!("container \"{container}\" in pod \"{pod_name}\" is waiting to start: {reason}")
        }
        403 => format!(
            "pods \"{pod_name}\" is forbidden: User \"system:serviceaccount:{ns}:dumper\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"{ns}\""
        ),
        404 => format!("pods \"{pod_name}\" not found"),
        500 => format!(
            "Get \"https://{host_ip}:10250/containerLogs/{ns}/{pod_name}/{container}\": dial tcp {host_ip}:10250: connect: no route to host"
        ),
        503 => "the server is currently unable to handle the request".to_string(),
        504 => "Timeout: request did not complete within the allotted timeout".to_string(),
        _ => format!("error {code} fetching logs of container {container} in pod {ns}/{pod_name}"),
    }
}

// ----- minimal protobuf (only what an empty list needs) ---------------------------------------

fn pb_varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn pb_bytes(field: u32, data: &[u8], out: &mut Vec<u8>) {
    pb_varint(((field as u64) << 3) | 2, out);
    pb_varint(data.len() as u64, out);
    out.extend_from_slice(data);
}

/// `k8s\0` + runtime.Unknown{typeMeta{apiVersion,kind}, raw = XList{metadata{resourceVersion}}}.
fn empty_list_protobuf(api_version: &str, kind: &str, rv: &str) -> Vec<u8> {
    let mut list_meta = Vec::new();
    pb_bytes(2, rv.as_bytes(), &mut list_meta); // ListMeta.resourceVersion = 2
    let mut raw = Vec::new();
    pb_bytes(1, &list_meta, &mut raw); // XList.metadata = 1 (items = 2: none)
    let mut type_meta = Vec::new();
    pb_bytes(1, api_version.as_bytes(), &mut type_meta);
    pb_bytes(2, kind.as_bytes(), &mut type_meta);
    let mut unknown = Vec::new();
    pb_bytes(1, &type_meta, &mut unknown);
    pb_bytes(2, &raw, &mut unknown);
    pb_bytes(3, b"", &mut unknown); // contentEncoding
    pb_bytes(4, b"", &mut unknown); // contentType
    let mut out = vec![0x6b, 0x38, 0x73, 0x00];
    out.extend_from_slice(&unknown);
    out
}

// ---------------------------------------------------------------------------------------------
// Running real kubectl
// ---------------------------------------------------------------------------------------------

/// How kubectl should write the dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DumpMode {
    /// `--output-directory=OUT` (JSON files).
    Dir,
    /// `--output-directory=OUT -o yaml`.
    DirYaml,
    /// stdout captured into the file OUT (JSON documents).
    Stdout,
    /// stdout captured into the file OUT, `-o yaml`.
    StdoutYaml,
}

/// The kubectl binary: `$KUBECTL`, else `kubectl`.
pub fn kubectl_bin() -> String {
    std::env::var("KUBECTL")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "kubectl".into())
}

/// Whether a kubectl binary can be run at all (`kubectl version --client`).
pub fn kubectl_available() -> bool {
    let home = match tempfile::tempdir() {
        Ok(d) => d,
        Err(_) => return false,
    };
    Command::new(kubectl_bin())
        .args(["version", "--client"])
        .env("HOME", home.path())
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Run `kubectl cluster-info dump` against `url`.
///
/// * `namespaces`: `None` gives `--all-namespaces`; `Some(&["a","b"])` gives
///   `--namespaces a,b`; `Some(&[])` passes neither, so kubectl dumps its default
///   (`kube-system` and the kubeconfig's current namespace, `default` here).
/// * Dir modes write into the directory `out` (created by kubectl; not cleaned first).
///   Stdout modes write kubectl's stdout into the file `out`.
///
/// Errors carry kubectl's exit status and stderr.
pub fn kubectl_dump(
    url: &str,
    mode: DumpMode,
    namespaces: Option<&[&str]>,
    out: &Path,
) -> io::Result<()> {
    let mut args: Vec<String> = vec!["cluster-info".into(), "dump".into()];
    match namespaces {
        None => args.push("--all-namespaces".into()),
        Some([]) => {}
        Some(list) => {
            args.push("--namespaces".into());
            args.push(list.join(","));
        }
    }
    if matches!(mode, DumpMode::DirYaml | DumpMode::StdoutYaml) {
        args.push("-o".into());
        args.push("yaml".into());
    }
    let stdout_file = match mode {
        DumpMode::Dir | DumpMode::DirYaml => {
            args.push(format!("--output-directory={}", out.display()));
            None
        }
        DumpMode::Stdout | DumpMode::StdoutYaml => Some(out),
    };
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    run_kubectl(url, &argv, stdout_file).map(|_| ())
}

/// Run kubectl with `args` against `url` using a throw-away kubeconfig (server = url, plain
/// http, dummy bearer token, current namespace `default`) and a throw-away `$HOME`.
/// If `stdout_to` is given, stdout goes into that file; otherwise it is returned.
/// Fails (with stderr in the message) on a non-zero exit, or after 180 s.
pub fn run_kubectl(url: &str, args: &[&str], stdout_to: Option<&Path>) -> io::Result<Vec<u8>> {
    let tmp = tempfile::tempdir()?;
    let kubeconfig = tmp.path().join("kubeconfig");
    fs::write(&kubeconfig, kubeconfig_yaml(url))?;
    let home = tmp.path().join("home");
    fs::create_dir_all(&home)?;
    let stderr_path = tmp.path().join("stderr");
    let stdout_path = match stdout_to {
        Some(p) => p.to_path_buf(),
        None => tmp.path().join("stdout"),
    };
    let stdout_file = fs::File::create(&stdout_path)?;
    let stderr_file = fs::File::create(&stderr_path)?;

    let bin = kubectl_bin();
    let mut child = Command::new(&bin)
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .args(args)
        .env("HOME", &home)
        .env_remove("KUBECONFIG")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout_file))
        .stderr(Stdio::from(stderr_file))
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run {bin}: {e}")))?;

    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "{bin} {} timed out after 180 s; stderr:\n{stderr}",
                    args.join(" ")
                ),
            ));
        }
        thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    if !status.success() {
        return Err(io::Error::other(format!(
            "{bin} {} failed ({status}); stderr:\n{stderr}",
            args.join(" ")
        )));
    }
    if stdout_to.is_some() {
        Ok(Vec::new())
    } else {
        fs::read(&stdout_path)
    }
}

fn kubeconfig_yaml(url: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: {url}
contexts:
- name: fake
  context:
    cluster: fake
    user: fake
    namespace: default
current-context: fake
preferences: {{}}
users:
- name: fake
  user:
    token: fake-token-0123456789
"
    )
}
