//! `--rules FILE`: a user's own log signatures, and built-in ones to
//! silence, in YAML.
//!
//! ```yaml
//! # Signatures for our services (coroner --rules rules.yaml).
//! signatures:
//!   - id: payment-gateway-down          # kebab-case, unique, not a built-in id
//!     title: payment gateway down       # optional: a few words for a person (default: the id)
//!     class: network                    # optional (default other): stack-trace, crash,
//!                                       # fatal, memory, storage, resource, filesystem,
//!                                       # exec, network, dns, tls, config, other
//!     severity: critical                # critical | warning | info (info: counted, never reported)
//!     explanation: The payment gateway cannot be reached; check the egress proxy.
//!     regex: 'PaymentGateway(?:Timeout|Unavailable)'
//!     literals: [PaymentGateway]        # optional: every matching line contains one of
//!                                       # these; makes the scan much faster (see below)
//!     trace: java                       # optional: go | java | python | node | rust, to
//!                                       # collect the stack trace after the line
//! silence:                              # built-in signature ids to turn off
//!   - connection-refused
//! ```
//!
//! The regex is matched against one line of raw bytes, with the flags of the
//! built-in catalog (see `catalog`): `^`/`$` are line boundaries, `\w`,
//! `\d`, `\s`, `\b` and `(?i)` are ASCII-only. It must not match an empty
//! string (it would match every line). Every problem in the file is reported
//! at once, each with its line and the signature's id.
//!
//! `literals` are a promise: every line the regex matches contains at least
//! one of them (a literal starting with `\n` must begin the line). Lines
//! without one are never checked, so a wrong literal hides matches. Give
//! literals of four bytes or more whose first bytes are rare in logs
//! (`Gateway`, not `the`). Without literals the regex itself joins the
//! prefilter: still exact, but the whole scan gets slower.

use super::catalog::{compile, Catalog, Class, Signature, TraceKind};
use crate::analyze::Severity;
use serde::Deserialize;
use std::path::Path;

/// A validated rules file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserRules {
    /// Where the rules came from (for messages).
    pub source: String,
    pub signatures: Vec<Signature>,
    /// Built-in ids turned off.
    pub silence: Vec<String>,
}

impl UserRules {
    /// The built-in catalog without the silenced signatures, plus these.
    pub fn catalog(&self) -> Result<Catalog, String> {
        self.apply(Catalog::builtin())
    }

    /// `base` without the silenced signatures, plus these.
    pub fn apply(&self, base: &Catalog) -> Result<Catalog, String> {
        let mut sigs: Vec<Signature> = base
            .signatures()
            .iter()
            .filter(|s| !self.silence.contains(&s.id))
            .cloned()
            .collect();
        sigs.extend(self.signatures.iter().cloned());
        Catalog::new(sigs).map_err(|e| format!("{}: {e}", self.source))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    signatures: Vec<RawSig>,
    #[serde(default)]
    silence: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSig {
    id: String,
    title: Option<String>,
    class: Option<String>,
    severity: String,
    explanation: String,
    regex: String,
    #[serde(default)]
    literals: Vec<String>,
    trace: Option<String>,
}

/// Reads and validates a rules file.
pub fn load_user_rules(path: &Path) -> Result<UserRules, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{name}: cannot read the rules file: {e}"))?;
    parse_user_rules(&text, &name)
}

/// Validates the text of a rules file; `name` prefixes every message.
pub fn parse_user_rules(text: &str, name: &str) -> Result<UserRules, String> {
    if text.trim().is_empty() {
        return Ok(UserRules {
            source: name.to_string(),
            ..UserRules::default()
        });
    }
    let raw: RawFile = serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
        Some(loc) => format!("{name}:{}: {}", loc.line(), strip_location(&e.to_string())),
        None => format!("{name}: {e}"),
    })?;
    let layout = Layout::of(text);
    let builtin = Catalog::builtin();
    let mut errors: Vec<String> = Vec::new();
    let mut sigs: Vec<Signature> = Vec::new();
    for (i, r) in raw.signatures.into_iter().enumerate() {
        let mut err = |field: &str, msg: String| {
            let line = layout.field_line(i, field);
            let at = line
                .map(|l| format!("{name}:{l}"))
                .unwrap_or_else(|| name.to_string());
            let who = if r.id.is_empty() {
                format!("signature #{}", i + 1)
            } else {
                format!("signature {:?}", r.id)
            };
            errors.push(format!("{at}: {who}: {field}: {msg}"));
        };
        let id_ok = !r.id.is_empty()
            && r.id.split('-').all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !id_ok {
            err(
                "id",
                "must be kebab-case: lowercase letters and digits in words joined by '-'".into(),
            );
        } else if builtin.get(&r.id).is_some() {
            err(
                "id",
                "is the id of a built-in signature; give yours another id (and list the built-in under silence: to turn it off)".into(),
            );
        } else if sigs.iter().any(|s| s.id == r.id) {
            err("id", "is used twice".into());
        }
        let class = match r.class.as_deref() {
            None => Some(Class::Other),
            Some(c) => Class::parse(c).or_else(|| {
                err(
                    "class",
                    format!(
                        "unknown class {c:?}; one of: {}",
                        Class::ALL.map(Class::as_str).join(", ")
                    ),
                );
                None
            }),
        };
        let severity = Severity::parse(&r.severity).or_else(|| {
            err(
                "severity",
                format!(
                    "unknown severity {:?}; one of: critical, warning, info",
                    r.severity
                ),
            );
            None
        });
        let trace = match r.trace.as_deref() {
            None => Some(None),
            Some(t) => match TraceKind::parse(t) {
                Some(k) => Some(Some(k)),
                None => {
                    err(
                        "trace",
                        format!(
                            "unknown trace {t:?}; one of: {}",
                            TraceKind::ALL.map(TraceKind::as_str).join(", ")
                        ),
                    );
                    None
                }
            },
        };
        if r.explanation.trim().is_empty() {
            err(
                "explanation",
                "must say what the line means and what to do".into(),
            );
        }
        let regex_ok = match compile(&r.regex) {
            Err(e) => {
                err("regex", format!("invalid regex: {}", e.replace('\n', " ")));
                false
            }
            Ok(re) => {
                let empty = ["", " ", "a", "0", "-", "\t"]
                    .iter()
                    .any(|p| re.find(p.as_bytes()).is_some_and(|m| m.is_empty()));
                if r.regex.trim().is_empty() || empty {
                    err(
                        "regex",
                        "can match an empty string, so it would match every line".into(),
                    );
                    false
                } else if r.regex.contains('\n') {
                    err(
                        "regex",
                        "must match within one line (it contains a newline)".into(),
                    );
                    false
                } else {
                    true
                }
            }
        };
        if r.literals.iter().any(|l| l.is_empty()) {
            err(
                "literals",
                "an empty literal would make every line a candidate".into(),
            );
        }
        if let (true, Some(class), Some(severity), Some(trace)) = (id_ok, class, severity, trace) {
            if regex_ok && !r.explanation.trim().is_empty() {
                sigs.push(Signature {
                    id: r.id.clone(),
                    title: r
                        .title
                        .clone()
                        .filter(|t| !t.trim().is_empty())
                        .unwrap_or_else(|| r.id.clone()),
                    class,
                    severity,
                    trace,
                    explanation: r.explanation.trim().to_string(),
                    regex: r.regex.clone(),
                    literals: r.literals.clone(),
                    builtin: false,
                });
            }
        }
    }
    for (i, id) in raw.silence.iter().enumerate() {
        if builtin.get(id).is_none() {
            let line = layout.silence_line(i, id);
            let at = line
                .map(|l| format!("{name}:{l}"))
                .unwrap_or_else(|| name.to_string());
            errors.push(format!(
                "{at}: silence: {id:?} is not a built-in signature (see `coroner signatures` or the catalog for ids)"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    Ok(UserRules {
        source: name.to_string(),
        signatures: sigs,
        silence: raw.silence,
    })
}

/// serde_yaml_ng ends messages with "at line L column C"; the line is
/// already in front.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Where things are in a block-style rules file, found from its text (the
/// YAML parser gives positions only for syntax errors). Flow-style files
/// still validate; their messages just name no line.
struct Layout {
    /// 1-based line ranges of the items under `signatures:`.
    items: Vec<(usize, usize)>,
    lines: Vec<String>,
    /// Line of `silence:` and the end of its block.
    silence: Option<(usize, usize)>,
}

impl Layout {
    fn of(text: &str) -> Layout {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let top = |key: &str| {
            lines
                .iter()
                .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        };
        // A top-level block runs until the next line at column 0 that is
        // not a comment (a sequence under a key may sit at column 0).
        let block_end = |start: usize| {
            lines[start + 1..]
                .iter()
                .position(|l| {
                    !l.is_empty()
                        && !l.starts_with(' ')
                        && !l.starts_with('#')
                        && !l.starts_with('-')
                })
                .map_or(lines.len(), |p| start + 1 + p)
        };
        let mut items = Vec::new();
        if let Some(start) = top("signatures") {
            let end = block_end(start);
            let mut indent = None;
            let mut starts = Vec::new();
            for (i, l) in lines.iter().enumerate().take(end).skip(start + 1) {
                let t = l.trim_start();
                if t.starts_with("- ") || t == "-" {
                    let ind = l.len() - t.len();
                    if *indent.get_or_insert(ind) == ind {
                        starts.push(i);
                    }
                }
            }
            for (k, &s) in starts.iter().enumerate() {
                let e = starts.get(k + 1).copied().unwrap_or(end);
                items.push((s + 1, e));
            }
        }
        let silence = top("silence").map(|s| (s + 1, block_end(s)));
        Layout {
            items,
            lines,
            silence,
        }
    }

    /// The line of `field` in item `i` (or of the item itself).
    fn field_line(&self, i: usize, field: &str) -> Option<usize> {
        let &(start, end) = self.items.get(i)?;
        for n in start..=end.min(self.lines.len()) {
            let t = self.lines[n - 1].trim_start();
            let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            if t.starts_with(field) && t[field.len()..].trim_start().starts_with(':') {
                return Some(n);
            }
        }
        Some(start)
    }

    fn silence_line(&self, _i: usize, id: &str) -> Option<usize> {
        let (start, end) = self.silence?;
        (start..=end.min(self.lines.len()))
            .find(|&n| n > start && self.lines[n - 1].contains(id))
            .or(Some(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
# our signatures
signatures:
  - id: payment-gateway-down
    class: network
    severity: critical
    explanation: The payment gateway cannot be reached.
    regex: 'PaymentGateway(?:Timeout|Unavailable)'
    literals: [PaymentGateway]
  - id: legacy-batch-abort
    severity: warning
    explanation: The nightly batch aborted.
    regex: '^BATCH ABORT \\d+'
    trace: java
silence:
  - connection-refused
  - tls-error
";

    #[test]
    fn a_good_file_merges_into_the_catalog() {
        let r = parse_user_rules(GOOD, "rules.yaml").unwrap();
        assert_eq!(r.signatures.len(), 2);
        assert_eq!(r.signatures[1].class, Class::Other);
        assert_eq!(r.signatures[1].trace, Some(TraceKind::Java));
        let c = r.catalog().unwrap();
        assert!(c.get("connection-refused").is_none());
        assert!(c.get("payment-gateway-down").is_some());
        assert_eq!(c.len(), Catalog::builtin().len() - 2 + 2);
        let log = b"start\nerror: PaymentGatewayTimeout after 30s\nBATCH ABORT 7\ndial tcp: connection refused\n";
        let s = super::super::scan_bytes(log, 1, &c, &Default::default());
        let ids: Vec<&str> = s.hits.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["payment-gateway-down", "legacy-batch-abort"]);
        assert_eq!(s.hit("legacy-batch-abort").unwrap().first_line, 3);
    }

    #[test]
    fn every_error_names_its_line_and_id() {
        let text = "\
signatures:
  - id: Bad_Id
    severity: warning
    explanation: x
    regex: 'ok'
  - id: go-panic
    severity: warning
    explanation: shadowing a built-in
    regex: 'mine'
  - id: broken-regex
    class: networking
    severity: urgent
    explanation: ok
    regex: '(unclosed'
  - id: matches-everything
    severity: info
    explanation: ok
    regex: 'x*'
    trace: cobol
silence:
  - go-panic
  - no-such-signature
";
        let e = parse_user_rules(text, "r.yaml").unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        let expect = [
            "r.yaml:2: signature \"Bad_Id\": id: must be kebab-case",
            "r.yaml:6: signature \"go-panic\": id: is the id of a built-in signature",
            "r.yaml:11: signature \"broken-regex\": class: unknown class \"networking\"",
            "r.yaml:12: signature \"broken-regex\": severity: unknown severity \"urgent\"",
            "r.yaml:14: signature \"broken-regex\": regex: invalid regex",
            "r.yaml:19: signature \"matches-everything\": trace: unknown trace \"cobol\"",
            "r.yaml:18: signature \"matches-everything\": regex: can match an empty string",
            "r.yaml:22: silence: \"no-such-signature\" is not a built-in signature",
        ];
        for want in expect {
            assert!(
                lines.iter().any(|l| l.starts_with(want)),
                "missing {want:?} in:\n{e}"
            );
        }
        assert_eq!(lines.len(), expect.len(), "{e}");
    }

    #[test]
    fn syntax_and_shape_errors_name_the_line() {
        let e = parse_user_rules("signatures:\n  - id: a\n    severity: [oops\n", "r.yaml")
            .unwrap_err();
        assert!(e.starts_with("r.yaml:"), "{e}");
        let e = parse_user_rules(
            "signatures:\n  - id: a\n    severity: info\n    regexp: 'x'\n",
            "r.yaml",
        )
        .unwrap_err();
        assert!(e.starts_with("r.yaml:4: "), "{e}");
        assert!(e.contains("regexp"), "{e}");
        let e = parse_user_rules(
            "signatures:\n  - id: a\n    severity: info\n    regex: 'x'\n",
            "r.yaml",
        )
        .unwrap_err();
        assert!(e.contains("explanation"), "{e}");
        assert!(e.starts_with("r.yaml:2: "), "{e}");
        let e = parse_user_rules("colour: blue\n", "r.yaml").unwrap_err();
        assert!(e.starts_with("r.yaml:1: ") && e.contains("colour"), "{e}");
    }

    #[test]
    fn empty_file_is_no_rules_and_missing_file_is_an_error() {
        let r = parse_user_rules("# nothing yet\n", "r.yaml").unwrap();
        assert!(r.signatures.is_empty() && r.silence.is_empty());
        let e = load_user_rules(Path::new("/nonexistent/rules.yaml")).unwrap_err();
        assert!(
            e.contains("/nonexistent/rules.yaml") && e.contains("cannot read"),
            "{e}"
        );
    }
}
