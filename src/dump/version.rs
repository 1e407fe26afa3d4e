//! Which kubectl wrote the dump. The dump records no version, but the format
//! changed over the years in ways that can be seen (dump-format.md section
//! 9). Each fingerprint bounds the version from below or above; the answer
//! is the intersection, with the evidence for each bound.

use super::{Fingerprints, Format};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRange {
    /// Oldest kubectl minor version consistent with the dump, e.g. `1.32`.
    pub min: String,
    /// Newest, or `None` when only a lower bound is known.
    pub max: Option<String>,
    /// Each fingerprint found and what it implies.
    pub evidence: Vec<String>,
    /// True when fingerprints contradict each other (a hand-edited or
    /// merged dump); the range is then the union of what was seen.
    pub inconsistent: bool,
}

type V = (u32, u32);

fn show(v: V) -> String {
    format!("{}.{}", v.0, v.1)
}

pub fn guess(fp: &Fingerprints, format: &Format) -> VersionRange {
    let mut bounds: Vec<(V, Option<V>, String)> = Vec::new();
    let mut hints = Vec::new();
    if fp.legacy_internal {
        bounds.push((
            (1, 6),
            Some((1, 10)),
            "objects in kubectl's internal format (no kind, PascalCase keys): 1.6–1.10".into(),
        ));
    } else {
        bounds.push((
            (1, 11),
            None,
            "lists carry kind and apiVersion (versioned clients): 1.11 or later".into(),
        ));
    }
    if fp.per_pod_markers {
        bounds.push((
            (1, 3),
            Some((1, 6)),
            "log markers name pods, not containers: 1.3–1.6".into(),
        ));
    }
    match fp.trailer.as_deref() {
        Some(t) if t.contains("standard output") => bounds.push((
            (1, 7),
            Some((1, 18)),
            "stream ends with `Cluster info dumped to standard output`: 1.7–1.18".into(),
        )),
        Some(_) => bounds.push((
            (1, 3),
            Some((1, 6)),
            "stream ends with the 2016 trailer `Cluster info dumped to .`: 1.3–1.6".into(),
        )),
        None if format.layout == "stdout" && !fp.legacy_internal => hints.push(
            "stream without the `Cluster info dumped to` trailer: 1.19 or later, unless it was trimmed".to_string(),
        ),
        None => {}
    }
    if fp.yaml_in_json_files {
        bounds.push((
            (1, 11),
            Some((1, 17)),
            "YAML documents in .json files: 1.11–1.17".into(),
        ));
    }
    if fp.extensions.contains("yaml") || fp.extensions.contains("txt") {
        bounds.push((
            (1, 18),
            None,
            "list files named after the output format (.yaml/.txt): 1.18 or later".into(),
        ));
    }
    if fp.pods_with_init > 0 {
        if fp.pods_with_init_logs > 0 {
            bounds.push((
                (1, 19),
                None,
                "init containers have log blocks: 1.19 or later".into(),
            ));
        } else if !fp.per_pod_markers {
            bounds.push((
                (1, 0),
                Some((1, 18)),
                "pods with init containers but no init log blocks: 1.18 or earlier".into(),
            ));
        }
    }
    if fp.items_null {
        bounds.push((
            (1, 32),
            None,
            "empty lists written as `items: null` (protobuf lists): 1.32 or later".into(),
        ));
    }
    if fp.items_empty_array && !fp.legacy_internal {
        bounds.push((
            (1, 0),
            Some((1, 31)),
            "empty lists written as `items: []`: 1.31 or earlier".into(),
        ));
    }
    if fp.files_0600 {
        bounds.push((
            (1, 37),
            None,
            "dump files have mode 0600: 1.37 or later".into(),
        ));
    }
    if fp.managed_fields {
        hints.push(
            "managedFields present: 1.18–1.20, or a later kubectl run with --show-managed-fields"
                .to_string(),
        );
    }
    let min = bounds.iter().map(|b| b.0).max().unwrap_or((1, 3));
    let max = bounds.iter().filter_map(|b| b.1).min();
    let inconsistent = max.is_some_and(|m| m < min);
    let (min, max) = if inconsistent {
        (
            bounds.iter().map(|b| b.0).min().unwrap_or((1, 3)),
            bounds.iter().filter_map(|b| b.1).max(),
        )
    } else {
        (min, max)
    };
    let mut evidence: Vec<String> = bounds.into_iter().map(|b| b.2).collect();
    evidence.extend(hints);
    VersionRange {
        min: show(min),
        max: max.map(show),
        evidence,
        inconsistent,
    }
}
