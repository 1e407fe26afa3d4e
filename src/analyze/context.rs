//! What rules share: the index, the snapshot time, and helpers that turn
//! objects into evidence (file + JSON pointer), events into deduplicated
//! summaries, and logs into excerpts. Rules never touch the file system
//! except through these helpers.

use super::finding::{EventSummary, Evidence, LogExcerpt};
use crate::dump::logs::LogSection;
use crate::dump::Located;
use crate::index::DumpIndex;
use crate::model::*;
use crate::time;
use jiff::Timestamp;
use std::collections::BTreeMap;

pub struct Context<'a> {
    pub ix: &'a DumpIndex,
    /// The estimated snapshot time: "now" for every age computed.
    pub now: Option<Timestamp>,
    /// The signature scan of every log section (aligned with `ix.logs`):
    /// the one made while reading the dump when it used the same catalog,
    /// otherwise made here once before the rules run.
    pub logs: std::borrow::Cow<'a, crate::logscan::LogScan>,
    /// The signatures used (built in, plus `--rules`).
    pub catalog: &'a crate::logscan::Catalog,
    /// Running pods by workload, built on first use (see `running_pods_of`).
    running: std::sync::OnceLock<std::collections::HashMap<ObjectRef, Vec<usize>>>,
    /// Pods by namespace, built on first use (see `pods_in`).
    by_namespace: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
}

/// How the analysis scans logs. No tails: a failing container's last lines
/// are read from the dump when a rule asks (`log_tail`), so the scan does
/// not keep twenty lines of every healthy container's log in memory.
pub fn scan_options() -> crate::logscan::ScanOptions {
    crate::logscan::ScanOptions {
        tail_lines: 0,
        ..Default::default()
    }
}

impl<'a> Context<'a> {
    pub fn new(ix: &'a DumpIndex, catalog: &'a crate::logscan::Catalog) -> Context<'a> {
        Context {
            ix,
            now: ix.snapshot.estimated_time.as_deref().and_then(time::parse),
            logs: match &ix.dump.log_scans {
                Some(s)
                    if std::ptr::eq(s.setup.catalog(), catalog)
                        && s.scan.sections.len() == ix.logs.len() =>
                {
                    std::borrow::Cow::Borrowed(&s.scan)
                }
                _ => std::borrow::Cow::Owned(crate::logscan::scan_sections(
                    &ix.dump,
                    &ix.logs,
                    catalog,
                    &scan_options(),
                )),
            },
            catalog,
            running: std::sync::OnceLock::new(),
            by_namespace: std::sync::OnceLock::new(),
        }
    }

    /// Indexes (into `ix.pods`) of the pods of a namespace, in dump order.
    /// The Service rules match every Service against its namespace's pods;
    /// walking all pods per Service was services × pods.
    pub fn pods_in(&self, namespace: &str) -> &[usize] {
        let map = self.by_namespace.get_or_init(|| {
            let mut m: std::collections::HashMap<String, Vec<usize>> = Default::default();
            for (i, p) in self.ix.pods.iter().enumerate() {
                m.entry(p.obj.metadata.namespace.to_string())
                    .or_default()
                    .push(i);
            }
            m
        });
        map.get(namespace).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Indexes (into `ix.pods`) of the Running pods of a workload. Built
    /// once for all rules: asking "how many siblings still run" by walking
    /// every pod for every evicted or stuck pod was quadratic, and a node
    /// failure can leave thousands of them.
    pub fn running_pods_of(&self, workload: &ObjectRef) -> &[usize] {
        let map = self.running.get_or_init(|| {
            let mut m: std::collections::HashMap<ObjectRef, Vec<usize>> = Default::default();
            for (i, p) in self.ix.pods.iter().enumerate() {
                if p.obj.status.phase == "Running" {
                    if let Some(w) = self.workload_of(i) {
                        m.entry(w).or_default().push(i);
                    }
                }
            }
            m
        });
        map.get(workload).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The log signature that best explains a container's failure, if its
    /// log holds one: `(title, explanation, line)`.
    pub fn log_signature(&self, pod: &Pod, container: &str) -> Option<(String, String, u64)> {
        let section = self.log_of(pod, container)?;
        let hits = self
            .logs
            .of(self.ix, section)?
            .explaining(super::Severity::Warning)?;
        let sig = self.catalog.get(&hits.id)?;
        Some((sig.title.clone(), sig.explanation.clone(), hits.last_line))
    }

    /// Seconds between `ts` and the snapshot (positive when `ts` is before).
    pub fn age(&self, ts: Option<&str>) -> Option<i64> {
        let t = time::parse(ts?)?;
        let now = self.now?;
        Some(now.as_second() - t.as_second())
    }

    pub fn pod_ref(&self, pod: &Pod) -> ObjectRef {
        ObjectRef::new("Pod", &pod.metadata.namespace, &pod.metadata.name)
    }

    /// The workload a pod rolls up to (the top of its owner chain).
    pub fn workload_of(&self, pod_index: usize) -> Option<ObjectRef> {
        let ns = &self.ix.pods[pod_index].obj.metadata.namespace;
        // A static (mirror) pod is owned by its Node, which has no namespace.
        self.ix.top_owner(pod_index).map(|o| {
            let ns = if o.kind == "Node" { "" } else { ns.as_str() };
            ObjectRef::new(&o.kind, ns, &o.name)
        })
    }

    /// Evidence at `suffix` (a JSON pointer inside the object, e.g.
    /// `/status/containerStatuses/0`) of an object read from the dump.
    pub fn evidence<T>(
        &self,
        item: &Located<T>,
        suffix: &str,
        excerpt: Option<String>,
    ) -> Evidence {
        Evidence {
            file: item.origin.file.to_string(),
            pointer: Some(format!("{}{}", item.origin.pointer, suffix)),
            line: item.origin.line,
            excerpt: excerpt.map(|e| clip(&e, 400)),
        }
    }

    /// Events about an object, oldest last-seen first.
    pub fn events_of(&self, kind: &str, meta: &ObjectMeta) -> Vec<&'a Located<Event>> {
        let mut v = self
            .ix
            .events_for(kind, &meta.namespace, &meta.name, &meta.uid);
        v.sort_by(|a, b| a.obj.last_seen().cmp(&b.obj.last_seen()));
        v
    }

    /// Events of a pod about one container: the kubelet names it in
    /// involvedObject.fieldPath (`spec.containers{name}`,
    /// `spec.initContainers{name}`); events naming no container count for
    /// all. Oldest last-seen first.
    pub fn container_events(&self, pod: &Pod, container: &str) -> Vec<&'a Located<Event>> {
        let tag = format!("{{{container}}}");
        self.events_of("Pod", &pod.metadata)
            .into_iter()
            .filter(|e| {
                let fp = &e.obj.involved_object.field_path;
                fp.is_empty() || fp.ends_with(&tag)
            })
            .collect()
    }

    /// Deduplicates events by (type, reason, message with numbers masked):
    /// forty `Back-off restarting failed container` events become one line
    /// with their total count, first and last time.
    pub fn summarize(&self, events: &[&Located<Event>]) -> Vec<EventSummary> {
        let mut groups: BTreeMap<(String, String, String), EventSummary> = BTreeMap::new();
        let mut order = Vec::new();
        for e in events {
            let ev = &e.obj;
            let key = (
                ev.type_.to_string(),
                ev.reason.to_string(),
                mask_numbers(&ev.message),
            );
            let first = ev.first_seen().map(str::to_string);
            let last = ev.last_seen().map(str::to_string);
            match groups.get_mut(&key) {
                Some(s) => {
                    s.count += ev.occurrences();
                    if first < s.first_seen || s.first_seen.is_none() {
                        s.first_seen = first;
                    }
                    if last > s.last_seen {
                        s.last_seen = last;
                        s.message = ev.message.to_string();
                    }
                }
                None => {
                    order.push(key.clone());
                    groups.insert(
                        key,
                        EventSummary {
                            type_: ev.type_.to_string(),
                            reason: ev.reason.to_string(),
                            message: ev.message.to_string(),
                            count: ev.occurrences(),
                            first_seen: first,
                            last_seen: last,
                            source: if ev.source.component.is_empty() {
                                ev.reporting_component.to_string()
                            } else {
                                ev.source.component.to_string()
                            },
                            evidence: self.evidence(e, "", None),
                        },
                    );
                }
            }
        }
        let mut out: Vec<EventSummary> = order
            .into_iter()
            .filter_map(|k| groups.remove(&k))
            .collect();
        // Warnings first, then most recent first.
        out.sort_by(|a, b| {
            (b.type_ == "Warning")
                .cmp(&(a.type_ == "Warning"))
                .then(b.last_seen.cmp(&a.last_seen))
                .then(a.reason.cmp(&b.reason))
        });
        out
    }

    /// The log section of a container.
    pub fn log_of(&self, pod: &Pod, container: &str) -> Option<&'a LogSection> {
        self.ix
            .log_for(&pod.metadata.namespace, &pod.metadata.name, container)
    }

    /// The last `n` lines of a container's log (at most 64 KiB read), with
    /// the line number of the first one. `None` when there is no log.
    pub fn log_tail(&self, pod: &Pod, container: &str, n: usize) -> Option<LogExcerpt> {
        let section = self.log_of(pod, container)?;
        if !section.has_log() {
            return None;
        }
        const WINDOW: u64 = 64 * 1024;
        let len = section.len();
        let skip = len.saturating_sub(WINDOW);
        let tail = self.ix.dump.read_log_at(section, skip, WINDOW).ok()?;
        let before = if skip == 0 {
            0
        } else {
            match self.lines_before_tail(section, skip, &tail) {
                Some(n) => n,
                None => self.count_lines_before(section, skip)?,
            }
        };
        let text = String::from_utf8_lossy(&tail);
        let mut lines: Vec<&str> = text.lines().collect();
        // A partial first line of the window is not shown.
        let mut first_line = section.start_line + 1 + before;
        if skip > 0 && !lines.is_empty() {
            lines.remove(0);
            first_line += 1;
        }
        let total = lines.len();
        let keep = total.min(n);
        let shown = &lines[total - keep..];
        first_line += (total - keep) as u64;
        Some(LogExcerpt {
            file: section.file.clone(),
            first_line,
            lines: shown.iter().map(|l| clip(&strip_ansi(l), 500)).collect(),
            truncated: skip > 0 || total > keep,
        })
    }
}

impl Context<'_> {
    /// The newlines in the first `skip` bytes of a log whose remaining
    /// bytes are `tail`, from the scan that read the whole log (its
    /// newlines less the tail's), instead of reading those bytes again: a
    /// rule asks this of every failing container. `None` when no complete
    /// scan of these very bytes is at hand.
    fn lines_before_tail(&self, section: &LogSection, skip: u64, tail: &[u8]) -> Option<u64> {
        let scan = self.logs.of(self.ix, section)?;
        let whole = scan.scanned && scan.error.is_none() && scan.bytes == section.len();
        if !whole || skip + tail.len() as u64 != section.len() {
            return None;
        }
        // A last line without a newline is a line of the scan too.
        let newlines = scan
            .lines
            .checked_sub(u64::from(tail.last().is_some_and(|&b| b != b'\n')))?;
        newlines.checked_sub(crate::dump::fwd::count_newlines(tail))
    }

    /// The newlines in the first `skip` bytes of a log, read from the dump
    /// (without holding them).
    fn count_lines_before(&self, section: &LogSection, skip: u64) -> Option<u64> {
        self.ix
            .dump
            .with_log_reader(section, |r| {
                crate::dump::fwd::count_newlines_in(&mut r.take(skip))
            })
            .ok()
    }
}

use std::io::Read;

/// Masks digits so messages that differ only in counts, ports or hashes
/// group together.
pub fn mask_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_digit = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !last_digit {
                out.push('#');
            }
            last_digit = true;
        } else {
            out.push(c);
            last_digit = false;
        }
    }
    out
}

/// Cuts a string to `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

/// Removes ANSI escape sequences (colour codes in container logs).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        if c == '\r' {
            continue;
        }
        out.push(c);
    }
    out
}

/// The status of a named container, with whether it is an init container
/// and its index in the status list (for the JSON pointer).
pub fn container_status<'p>(
    pod: &'p Pod,
    name: &str,
) -> Option<(bool, usize, &'p ContainerStatus)> {
    if let Some((i, s)) = pod
        .status
        .container_statuses
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == name)
    {
        return Some((false, i, s));
    }
    pod.status
        .init_container_statuses
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == name)
        .map(|(i, s)| (true, i, s))
}

/// The JSON pointer suffix of a container status.
pub fn status_pointer(init: bool, i: usize) -> String {
    if init {
        format!("/status/initContainerStatuses/{i}")
    } else {
        format!("/status/containerStatuses/{i}")
    }
}

/// A pod condition by type.
pub fn condition<'p>(conds: &'p [Condition], type_: &str) -> Option<(usize, &'p Condition)> {
    conds.iter().enumerate().find(|(_, c)| c.type_ == type_)
}

/// What an exit code usually means.
pub fn exit_code_meaning(code: i64) -> &'static str {
    match code {
        0 => "exited successfully",
        1 => "a general application error",
        2 => "an application error (misuse of a command, or a Go panic)",
        126 => "the command was found but is not executable (permissions or wrong architecture)",
        127 => "the command was not found in the image",
        128 => "the container runtime could not start the process",
        130 => "interrupted (SIGINT)",
        134 => "aborted (SIGABRT), often a failed assertion or a runtime abort",
        137 => "killed with SIGKILL: the out-of-memory killer, or a kill after the grace period",
        139 => "a segmentation fault (SIGSEGV)",
        143 => "terminated with SIGTERM (a normal stop request)",
        255 => "exit status out of range, or the runtime lost the container (for example after a node reboot)",
        c if c > 128 && c < 160 => "killed by a signal",
        _ => "an application-defined error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::testing::{node, pod, TinyDump};

    /// A log of `n` numbered lines, longer than `log_tail`'s window.
    fn numbered(n: usize, final_newline: bool) -> Vec<u8> {
        let mut body: Vec<u8> = (1..=n)
            .flat_map(|i| format!("line {i} of a log long enough to need a window\n").into_bytes())
            .collect();
        if !final_newline {
            body.pop();
        }
        body
    }

    #[test]
    fn a_tail_past_the_window_is_numbered_from_the_scan_as_by_reading() {
        for final_newline in [true, false] {
            let n = 5000;
            let mut d = TinyDump {
                nodes: vec![node("n1")],
                pods: vec![pod("default", "web", "n1")],
                ..Default::default()
            };
            let key = ("default".to_string(), "web".to_string(), "app".to_string());
            d.logs.insert(key, numbered(n, final_newline));
            let (_dir, ix) = d.build();
            let cx = Context::new(&ix, crate::logscan::Catalog::builtin());
            let p = &ix.pods[0].obj;
            let tail = cx.log_tail(p, "app", 3).unwrap();
            // The START marker is line 1, so log line i is file line i + 1.
            assert_eq!(
                tail.first_line,
                (n - 2 + 1) as u64,
                "final newline: {final_newline}"
            );
            assert_eq!(
                tail.lines[0],
                format!("line {} of a log long enough to need a window", n - 2)
            );
            assert!(tail.truncated);
            // The scan's count agrees with reading the bytes before the window.
            let section = cx.log_of(p, "app").unwrap();
            let skip = section.len() - 64 * 1024;
            let window = ix.dump.read_log_at(section, skip, 64 * 1024).unwrap();
            assert_eq!(
                cx.lines_before_tail(section, skip, &window),
                cx.count_lines_before(section, skip)
            );
            assert!(cx.lines_before_tail(section, skip, &window).is_some());
            // Bytes that are not the log's end are not counted from the scan.
            assert_eq!(cx.lines_before_tail(section, skip - 1, &window), None);
        }
    }
}
