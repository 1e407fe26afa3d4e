//! Parsing `*List` documents (JSON or YAML, current or pre-1.11 internal
//! format) into typed items, one item at a time.
//!
//! A dump is evidence, and part of it may be broken: a file cut by Ctrl-C, a
//! hand-edited item, a field of the wrong type. So a list is parsed in two
//! tiers. The fast path reads the whole document with the items left as raw
//! slices, then deserializes each item on its own: a bad item becomes a
//! problem with its JSON pointer and the others are kept. When the document
//! itself is not valid (truncated, garbage), a small hand-written scanner
//! walks the bytes, finds each complete element of `items` and keeps those
//! before the cut. serde_json has no API to recover from a syntax error
//! inside an array, hence the scanner.

use super::Problem;
use crate::model::ListKind;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocFormat {
    Json,
    Yaml,
}

/// One item before typing: a slice of the JSON text, or a value (YAML and
/// legacy documents go through `serde_json::Value`).
pub enum RawItem<'a> {
    Json(&'a [u8]),
    Value(Value),
}

/// A list document with its items not yet typed.
pub struct RawList<'a> {
    pub format: DocFormat,
    /// The document's own `kind` (`PodList`…); absent before kubectl 1.11.
    pub kind: Option<String>,
    /// Pre-1.11 internal objects: `Items`, PascalCase, flat metadata.
    pub legacy: bool,
    /// `"items": null` (kubectl 1.32+ for an empty list).
    pub items_null: bool,
    pub items: Vec<(usize, RawItem<'a>)>,
    pub problems: Vec<Problem>,
}

/// The largest list item typed. etcd refuses objects over 1.5 MiB unless
/// `--max-request-bytes` is raised, and even raised clusters stay in the
/// megabytes; an item this large is damage or an attack, and typing it
/// would copy its strings (hundreds of MB) into memory. It is skipped with
/// a problem, and the other items of its list are kept.
pub const MAX_ITEM_BYTES: usize = 64 << 20;

/// Drops the items over [`MAX_ITEM_BYTES`], with a problem each.
fn drop_huge_items(list: &mut RawList<'_>, file: &str, line0: Option<u64>) {
    let problems = &mut list.problems;
    list.items.retain(|(i, item)| {
        let RawItem::Json(b) = item else { return true };
        if b.len() <= MAX_ITEM_BYTES {
            return true;
        }
        problems.push(Problem {
            file: file.to_string(),
            line: line0,
            pointer: Some(format!("/items/{i}")),
            message: format!(
                "item of {} bytes skipped: no Kubernetes object is larger than {} (etcd's limit is 1.5 MiB)",
                b.len(),
                MAX_ITEM_BYTES
            ),
        });
        false
    });
}

/// Is this text YAML rather than JSON? Decided by content, not by name:
/// kubectl 1.11–1.17 wrote YAML into `.json` files.
pub fn sniff_format(bytes: &[u8]) -> DocFormat {
    let first = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied()
        .unwrap_or(b'{');
    if first == b'{' || first == b'[' {
        DocFormat::Json
    } else {
        DocFormat::Yaml
    }
}

/// Parses one list document. `file` and `line0` (the line where the
/// document starts, for streams) place problems in the dump.
pub fn parse_list<'a>(bytes: &'a [u8], file: &str, line0: Option<u64>) -> RawList<'a> {
    match sniff_format(bytes) {
        DocFormat::Json => parse_json(bytes, file, line0),
        DocFormat::Yaml => parse_yaml(bytes, file, line0),
    }
}

fn some<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct JsonList<'a> {
    kind: Option<String>,
    #[serde(default, borrow, deserialize_with = "some")]
    items: Option<Option<Vec<&'a RawValue>>>,
    #[serde(rename = "Items", default, borrow, deserialize_with = "some")]
    legacy_items: Option<Option<Vec<&'a RawValue>>>,
}

fn parse_json<'a>(bytes: &'a [u8], file: &str, line0: Option<u64>) -> RawList<'a> {
    let mut list = RawList {
        format: DocFormat::Json,
        kind: None,
        legacy: false,
        items_null: false,
        items: Vec::new(),
        problems: Vec::new(),
    };
    match serde_json::from_slice::<JsonList<'a>>(bytes) {
        Ok(doc) => {
            list.kind = doc.kind;
            let (items, legacy) = match (doc.items, doc.legacy_items) {
                (Some(i), _) => (i, false),
                (None, Some(i)) => (i, true),
                (None, None) => {
                    list.problems.push(problem(
                        file,
                        line0,
                        "document has no `items`: not a kubectl list".into(),
                    ));
                    (Some(Vec::new()), false)
                }
            };
            list.legacy = legacy || list.kind.is_none() && looks_legacy(&items);
            list.items_null = items.is_none();
            list.items = items
                .unwrap_or_default()
                .into_iter()
                .map(|r| RawItem::Json(r.get().as_bytes()))
                .enumerate()
                .collect();
        }
        Err(err) => {
            let msg = format!(
                "invalid JSON at line {} column {}: {}; items before the damage are kept",
                err.line() as u64 + line0.unwrap_or(1) - 1,
                err.column(),
                strip_position(&err.to_string())
            );
            list.problems.push(problem(file, line0, msg));
            let scan = scan_items(bytes);
            list.kind = scan.kind;
            list.legacy = scan.legacy;
            list.items_null = scan.items_null;
            list.items = scan
                .items
                .into_iter()
                .enumerate()
                .map(|(i, s)| (i, RawItem::Json(s)))
                .collect();
        }
    }
    drop_huge_items(&mut list, file, line0);
    list
}

fn looks_legacy(items: &Option<Vec<&RawValue>>) -> bool {
    // An internal item has metadata flattened: `name` at the top level and
    // PascalCase `Spec`/`Status`. Looking at the first item is enough.
    items
        .as_ref()
        .and_then(|v| v.first())
        .map(|r| {
            let head = &r.get()[..r.get().len().min(4096)];
            !head.contains("\"metadata\"")
                && (head.contains("\"Spec\"")
                    || head.contains("\"Status\"")
                    || head.contains("\"InvolvedObject\""))
        })
        .unwrap_or(false)
}

fn strip_position(msg: &str) -> &str {
    msg.rsplit_once(" at line ").map(|(m, _)| m).unwrap_or(msg)
}

fn problem(file: &str, line: Option<u64>, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        line,
        pointer: None,
        message,
    }
}

// ------------------------------------------------------------ the scanner

struct Scan<'a> {
    kind: Option<String>,
    legacy: bool,
    items_null: bool,
    items: Vec<&'a [u8]>,
}

/// Walks a (possibly broken) JSON list document and returns every complete
/// element of its `items` array. Never panics, whatever the bytes.
fn scan_items(b: &[u8]) -> Scan<'_> {
    let mut scan = Scan {
        kind: None,
        legacy: false,
        items_null: false,
        items: Vec::new(),
    };
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return scan;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i) {
            Some(b'"') => {}
            _ => return scan,
        }
        let Some(key_end) = skip_string(b, i) else {
            return scan;
        };
        let key = &b[i + 1..key_end - 1];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return scan;
        }
        i = skip_ws(b, i + 1);
        if key == b"items" || key == b"Items" {
            scan.legacy = key == b"Items";
            if b[i..].starts_with(b"null") {
                scan.items_null = true;
            } else if b.get(i) == Some(&b'[') {
                i += 1;
                loop {
                    i = skip_ws(b, i);
                    match b.get(i) {
                        Some(b']') | None => return scan,
                        Some(b',') => {
                            i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    match skip_value(b, i) {
                        Some(end) => {
                            scan.items.push(&b[i..end]);
                            i = end;
                        }
                        None => return scan,
                    }
                }
            }
        } else if key == b"kind" {
            if let Some(end) = skip_string(b, i) {
                scan.kind = serde_json::from_slice::<String>(&b[i..end]).ok();
            }
        }
        match skip_value(b, i) {
            Some(end) => i = skip_ws(b, end),
            None => return scan,
        }
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return scan,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `b[i] == '"'`.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// End (exclusive) of the JSON value starting at `i`, if it is complete.
/// Tracks nesting with a counter, not recursion, so deep nesting is safe.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            // An empty scalar (a stray `}` where a value should start) is
            // no value: returning `i` would let a caller loop in place
            // (found by the list_parse fuzz target: `{"items":[}`).
            (j < b.len() && j > i).then_some(j)
        }
    }
}

// ------------------------------------------------------------ YAML

fn parse_yaml<'a>(bytes: &'a [u8], file: &str, line0: Option<u64>) -> RawList<'a> {
    let mut list = RawList {
        format: DocFormat::Yaml,
        kind: None,
        legacy: false,
        items_null: false,
        items: Vec::new(),
        problems: Vec::new(),
    };
    let text = String::from_utf8_lossy(bytes);
    // kubectl's YAML printer starts every document but the first with
    // `---`; serde_yaml reads a single document, so drop the separator.
    let body = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .strip_prefix("---")
        .unwrap_or(&text);
    match serde_yaml_ng::from_str::<Value>(body) {
        Ok(Value::Object(mut doc)) => {
            list.kind = doc.get("kind").and_then(|k| k.as_str()).map(str::to_string);
            let items = match doc.remove("items") {
                Some(v) => v,
                None => match doc.remove("Items") {
                    Some(v) => {
                        list.legacy = true;
                        v
                    }
                    None => {
                        list.problems.push(problem(
                            file,
                            line0,
                            "document has no `items`: not a kubectl list".into(),
                        ));
                        Value::Array(Vec::new())
                    }
                },
            };
            match items {
                Value::Null => list.items_null = true,
                Value::Array(items) => {
                    list.items = items.into_iter().map(RawItem::Value).enumerate().collect()
                }
                _ => list
                    .problems
                    .push(problem(file, line0, "`items` is not a list".into())),
            }
        }
        Ok(Value::Null) => list
            .problems
            .push(problem(file, line0, "empty document".into())),
        Ok(_) => list.problems.push(problem(
            file,
            line0,
            "document is not a mapping: not a kubectl list".into(),
        )),
        Err(err) => {
            let at = err
                .location()
                .map(|l| format!(" at line {}", l.line() as u64 + line0.unwrap_or(1) - 1))
                .unwrap_or_default();
            list.problems.push(problem(
                file,
                line0,
                format!("invalid YAML{at}: {err}; items before the damage are kept"),
            ));
            let (kind, items) = yaml_items_by_lines(body);
            list.kind = kind;
            list.items = items.into_iter().map(RawItem::Value).enumerate().collect();
        }
    }
    list
}

/// Fallback for a broken YAML list: kubectl writes `items:` at column 0
/// and each item as a `- ` line at column 0, so items can be cut apart by
/// lines and parsed one by one; the ones that parse are kept.
fn yaml_items_by_lines(text: &str) -> (Option<String>, Vec<Value>) {
    let mut kind = None;
    let mut items = Vec::new();
    let mut in_items = false;
    let mut current = String::new();
    let flush = |current: &mut String, items: &mut Vec<Value>| {
        if !current.is_empty() {
            if let Ok(Value::Array(mut v)) = serde_yaml_ng::from_str::<Value>(current) {
                if v.len() == 1 {
                    items.push(v.remove(0));
                }
            }
            current.clear();
        }
    };
    for line in text.split_inclusive('\n') {
        if let Some(k) = line.strip_prefix("kind: ") {
            kind = Some(k.trim().to_string());
        }
        if line.starts_with("items:") || line.starts_with("Items:") {
            in_items = true;
            continue;
        }
        if !in_items {
            continue;
        }
        if line.starts_with("- ") || line.trim_end() == "-" {
            flush(&mut current, &mut items);
            current.push_str(line);
        } else if line.starts_with(' ') || line.trim().is_empty() {
            current.push_str(line);
        } else {
            // Back at column 0: the items are over.
            flush(&mut current, &mut items);
            in_items = false;
        }
    }
    // The last item may be the one that was cut: parsed only if complete.
    flush(&mut current, &mut items);
    (kind, items)
}

// ------------------------------------------------------------ typing

/// Deserializes one item into `T`. Legacy (internal-format) items are
/// converted to the v1 shape first.
pub fn typed<T: DeserializeOwned>(item: &RawItem<'_>, legacy: bool) -> Result<T, String> {
    match (item, legacy) {
        (RawItem::Json(b), false) => serde_json::from_slice(b).map_err(|e| e.to_string()),
        (RawItem::Json(b), true) => {
            let v: Value = serde_json::from_slice(b).map_err(|e| e.to_string())?;
            serde_json::from_value(super::legacy::normalize_item(v)).map_err(|e| e.to_string())
        }
        (RawItem::Value(v), false) => T::deserialize(v).map_err(|e| e.to_string()),
        (RawItem::Value(v), true) => {
            serde_json::from_value(super::legacy::normalize_item(v.clone()))
                .map_err(|e| e.to_string())
        }
    }
}

/// The kind of list a document is, from its own `kind`, else from what the
/// caller expected (the file name, or the position in a stream).
pub fn list_kind(list: &RawList<'_>, expected: Option<ListKind>) -> Option<ListKind> {
    list.kind
        .as_deref()
        .and_then(ListKind::from_list_kind)
        .or(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_list_keeps_items_before_the_cut() {
        let doc = br#"{"kind":"PodList","apiVersion":"v1","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}},{"metadata":{"na"#;
        let list = parse_list(doc, "ns/pods.json", None);
        assert_eq!(list.kind.as_deref(), Some("PodList"));
        assert_eq!(list.items.len(), 2);
        assert_eq!(list.problems.len(), 1);
        assert!(list.problems[0].message.contains("invalid JSON"));
    }

    #[test]
    fn a_huge_item_is_skipped_and_its_neighbours_kept() {
        let big = "a".repeat(MAX_ITEM_BYTES + 1);
        for tail in ["]}", ""] {
            // Whole and cut (the scanner's path): the same outcome.
            let doc = format!(
                r#"{{"kind":"PodList","items":[{{"metadata":{{"name":"a"}}}},{{"metadata":{{"name":"{big}"}}}},{{"metadata":{{"name":"c"}}}}{tail}"#
            );
            let list = parse_list(doc.as_bytes(), "ns/pods.json", None);
            let kept: Vec<usize> = list.items.iter().map(|(i, _)| *i).collect();
            assert_eq!(kept, vec![0, 2], "{tail:?}");
            assert!(
                list.problems
                    .iter()
                    .any(|p| p.pointer.as_deref() == Some("/items/1")
                        && p.message.contains("skipped")),
                "{:?}",
                list.problems
            );
        }
    }

    #[test]
    fn items_null_is_empty() {
        let list = parse_list(br#"{"kind":"PodList","items":null}"#, "f", None);
        assert!(list.items_null);
        assert!(list.items.is_empty());
        assert!(list.problems.is_empty());
    }

    #[test]
    fn scanner_never_panics_on_garbage() {
        for doc in [
            &b""[..],
            b"{",
            b"{\"items\":[",
            b"{\"items\":[{\"a\":\"\\",
            b"{\"kind\":\"x",
            b"\xff\xfe\x00",
            b"{\"items\":[1,2,",
        ] {
            let _ = parse_list(doc, "f", None);
        }
    }

    #[test]
    fn broken_yaml_keeps_complete_items() {
        let doc = "apiVersion: v1\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: b\n- metadata:\n    name: [c\nkind: PodList\n";
        let list = parse_list(doc.as_bytes(), "f", None);
        assert_eq!(list.items.len(), 2, "{:?}", list.problems);
        assert_eq!(list.kind.as_deref(), Some("PodList"));
    }
}
