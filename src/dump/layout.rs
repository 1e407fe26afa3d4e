//! What each file of a directory-layout dump is (dump-format.md section 4):
//! `nodes.<ext>`, `<ns>/<list>.<ext>` for the seven namespaced lists, and
//! `<ns>/<pod>/logs.txt`. Anything else is reported and ignored.
//!
//! kubectl never cleans its output folder, so a second run with another `-o`
//! leaves `nodes.json` beside `nodes.yaml`. The flavour is taken from the
//! newest `nodes.*` (dump-format.md section 10, step 2) and list files of the
//! other flavour are reported as left over.

use super::source::TreeFile;
use super::Problem;
use crate::model::ListKind;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone)]
pub enum Role {
    List {
        ns: Option<String>,
        kind: ListKind,
    },
    Logs {
        ns: String,
        pod: String,
    },
    /// A dump file of another flavour or run: reported, not read.
    Ignored(String),
    /// Not part of a kubectl dump: reported, hashed, not read.
    Unknown(String),
    /// Files that need no report.
    Other,
}

pub struct Plan {
    pub roles: HashMap<String, Role>,
    pub problems: Vec<Problem>,
    /// Extensions of the list files read.
    pub extensions: BTreeSet<String>,
    /// Namespace folders seen (holding any list file).
    pub namespaces: BTreeSet<String>,
}

const EXTENSIONS: [&str; 3] = ["json", "yaml", "txt"];

pub fn plan(files: &[TreeFile]) -> Plan {
    let mut roles = HashMap::new();
    let mut problems = Vec::new();
    // Candidate list files: (ns, kind) -> [(ext, file)].
    type Candidates<'f> = BTreeMap<(Option<String>, ListKind), Vec<(&'f str, &'f TreeFile)>>;
    let mut lists: Candidates<'_> = BTreeMap::new();
    for f in files {
        let parts: Vec<&str> = f.rel.split('/').collect();
        let role = match parts.as_slice() {
            [name] => match split_ext(name) {
                Some(("nodes", ext)) => {
                    lists
                        .entry((None, ListKind::Nodes))
                        .or_default()
                        .push((ext, f));
                    continue;
                }
                _ => Role::Unknown(
                    "file at the top of the dump that kubectl does not write; ignored".into(),
                ),
            },
            [ns, name] => match split_ext(name).and_then(|(stem, ext)| {
                ListKind::from_file_stem(stem)
                    .filter(|k| *k != ListKind::Nodes)
                    .map(|k| (k, ext))
            }) {
                Some((kind, ext)) => {
                    lists
                        .entry((Some(ns.to_string()), kind))
                        .or_default()
                        .push((ext, f));
                    continue;
                }
                None => Role::Unknown("file that kubectl does not write; ignored".into()),
            },
            [ns, pod, "logs.txt"] => Role::Logs {
                ns: ns.to_string(),
                pod: pod.to_string(),
            },
            _ => Role::Unknown("file that kubectl does not write; ignored".into()),
        };
        roles.insert(f.rel.clone(), role);
    }
    // The flavour: the extension of the newest nodes file.
    let flavour: Option<&str> = lists.get(&(None, ListKind::Nodes)).and_then(|v| {
        v.iter()
            .max_by_key(|(ext, f)| (f.mtime, *ext == "json"))
            .map(|(ext, _)| *ext)
    });
    let mut extensions = BTreeSet::new();
    let mut namespaces = BTreeSet::new();
    for ((ns, kind), candidates) in &lists {
        if let Some(ns) = ns {
            namespaces.insert(ns.clone());
        }
        let chosen = candidates
            .iter()
            .find(|(ext, _)| Some(*ext) == flavour)
            .or_else(|| candidates.iter().max_by_key(|(_, f)| f.mtime))
            .expect("at least one candidate");
        extensions.insert(chosen.0.to_string());
        for (ext, f) in candidates {
            if std::ptr::eq(*f, chosen.1) {
                roles.insert(
                    f.rel.clone(),
                    Role::List {
                        ns: ns.clone(),
                        kind: *kind,
                    },
                );
            } else {
                roles.insert(
                    f.rel.clone(),
                    Role::Ignored(format!(
                        "left over from another dump run with a different output format (.{ext}); {} is read instead",
                        chosen.1.rel
                    )),
                );
            }
        }
    }
    if lists
        .get(&(None, ListKind::Nodes))
        .is_some_and(|v| v.len() > 1)
    {
        problems.push(Problem::file(
            "",
            format!(
                "several nodes files: the folder holds more than one dump run; the newest flavour (.{}) is read",
                flavour.unwrap_or("json")
            ),
        ));
    }
    Plan {
        roles,
        problems,
        extensions,
        namespaces,
    }
}

fn split_ext(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    EXTENSIONS.contains(&ext).then_some((stem, ext))
}
