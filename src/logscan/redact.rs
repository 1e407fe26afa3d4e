//! Redaction of secrets in anything a report shows: bearer and basic
//! credentials, JWTs, passwords in URLs (`scheme://user:pass@`),
//! `password=`/`secret:`/`token=`-style pairs (also as JSON keys), cloud
//! access keys (AWS `AKIA…`, GCP `AIza…`, Azure account keys and SAS
//! signatures), well-known token formats (GitHub, GitLab, Slack, Stripe)
//! and private key blocks.
//!
//! The same secret always becomes the same placeholder within one
//! [`Redactor`]: `[REDACTED-<kind>-<n>]`, numbered per kind in order of
//! first appearance. Numbers are stable when the report is rendered in a
//! fixed order, which reports are (findings are sorted); nothing about the
//! secret itself (not even a hash, which would let a weak password be
//! guessed offline) is in the placeholder. A `Redactor` is `Sync`: share
//! one per report; it counts the distinct values and the replacements.

use regex::{Captures, Regex};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex};

/// How one kind of secret is found and what of the match is replaced.
struct Rule {
    kind: &'static str,
    re: Regex,
    /// Capture group holding the secret (0: the whole match). The first
    /// participating group of `groups` is used.
    groups: &'static [usize],
    /// Extra check on the secret (to leave plain words alone).
    accept: fn(&str) -> bool,
}

fn any(_: &str) -> bool {
    true
}

/// A token after `Bearer`/`Basic` must look random: a digit, or long.
fn tokenish(s: &str) -> bool {
    s.len() >= 20 || s.bytes().any(|b| b.is_ascii_digit())
}

/// Values that are not secrets: empty, masked, placeholders, templates.
fn real_value(s: &str) -> bool {
    let t = s.trim();
    !(t.is_empty()
        || t.bytes().all(|b| b == b'*' || b == b'x' || b == b'X')
        || t.starts_with("[REDACTED-")
        || t.starts_with("${")
        || t.starts_with("{{")
        || t.starts_with('<')
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("none")
        || t.eq_ignore_ascii_case("true")
        || t.eq_ignore_ascii_case("false"))
}

const KEY_BLOCK: &str = r"(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----|\z)";

// Word boundaries are ASCII (`(?-u:\b)`): a Unicode `\b` makes the regex
// engine's fast DFA give up on any non-ASCII text and fall back to a much
// slower one, and redaction runs on every string of a report (it was 5% of
// a report's time). Secrets are ASCII; a boundary next to a non-ASCII letter
// still counts as one, which can only redact more, not less.
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let r = |kind, pattern: &str, groups, accept| Rule {
        kind,
        re: Regex::new(pattern).expect("redaction regex compiles"),
        groups,
        accept,
    };
    vec![
        r("private-key", KEY_BLOCK, &[0], any),
        r(
            "jwt",
            r"(?-u:\b)eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}",
            &[0],
            any,
        ),
        r(
            "password",
            r"(?-u:\b)[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^/\s:@]+:([^/\s@]+)@",
            &[1],
            real_value,
        ),
        r(
            "aws-key",
            r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
            &[0],
            any,
        ),
        r("gcp-key", r"(?-u:\b)AIza[0-9A-Za-z_-]{35}", &[0], any),
        r(
            "token",
            r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_live_[A-Za-z0-9]{16,})",
            &[0],
            any,
        ),
        r(
            "token",
            r"(?i)(?-u:\b)(?:bearer|basic)\s+([A-Za-z0-9._~+/=-]{8,})",
            &[1],
            tokenish,
        ),
        r(
            "token",
            r#"(?i)(?-u:\b)authorization\\?"?\s*[:=]\s*\\?"?(?:(?:bearer|basic|token|digest|negotiate|apikey)\s+)?([^\s"\\,;]+)"#,
            &[1],
            real_value,
        ),
        r("azure-key", r"[?&]sig=([^&\s\x22']+)", &[1], real_value),
        r(
            "secret",
            r#"(?i)[\w.-]*(?:password|passwd|pwd|secret|secret[_-]?key|token|apikey|api[_-]key|access[_-]?key|accountkey|sharedaccesskey|client[_-]?secret|credentials?|private[_-]?key)\\?["']?\s*[:=]\s*(?:\\?"([^"\\]*)\\?"|\\?'([^'\\]*)\\?'|([^\s"'&,;})\]]+))"#,
            &[1, 2, 3],
            real_value,
        ),
        r("secret", r#""auth"\s*:\s*"([^"]+)""#, &[1], real_value),
    ]
});

/// Whether any rule matches. Each regex alone, not a `RegexSet` of all:
/// alone, each starts with a literal search (`eyJ`, `AKIA`, `sig=`…) and
/// runs at memory speed; the set cannot use those, and ran at ~60 MB/s,
/// which made redaction a fifth of a report's serial time.
fn any_rule_matches(text: &str) -> bool {
    RULES.iter().any(|r| r.re.is_match(text))
}

#[derive(Debug, Default)]
struct State {
    /// Secret -> placeholder.
    map: HashMap<String, String>,
    /// Placeholders handed out per kind.
    per_kind: BTreeMap<&'static str, usize>,
    replacements: u64,
}

impl State {
    fn placeholder(&mut self, kind: &'static str, secret: &str) -> String {
        self.replacements += 1;
        if let Some(p) = self.map.get(secret) {
            return p.clone();
        }
        let n = self.per_kind.entry(kind).or_insert(0);
        *n += 1;
        let p = format!("[REDACTED-{kind}-{n}]");
        self.map.insert(secret.to_string(), p.clone());
        p
    }
}

/// Replaces secrets with stable placeholders. Thread-safe.
#[derive(Debug)]
pub struct Redactor {
    enabled: bool,
    state: Mutex<State>,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new()
    }
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor {
            enabled: true,
            state: Mutex::new(State::default()),
        }
    }

    /// A redactor that changes nothing (`--no-redact`).
    pub fn disabled() -> Redactor {
        Redactor {
            enabled: false,
            state: Mutex::new(State::default()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves a usable map.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Distinct secret values redacted so far.
    pub fn redacted_values(&self) -> usize {
        self.state().map.len()
    }

    /// Replacements made so far (a value seen twice counts twice).
    pub fn replacements(&self) -> u64 {
        self.state().replacements
    }

    /// Whether [`Redactor::redact`] could change the text: it holds
    /// something secret-looking (a cheap check, safe to run in parallel).
    pub fn may_redact(&self, text: &str) -> bool {
        self.enabled && any_rule_matches(text)
    }

    /// The text with every secret replaced (borrowed when there is none).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.may_redact(text) {
            return Cow::Borrowed(text);
        }
        let mut cur: Cow<'a, str> = Cow::Borrowed(text);
        for rule in RULES.iter() {
            let replaced = self.apply(rule, &cur);
            if let Cow::Owned(s) = replaced {
                cur = Cow::Owned(s);
            }
        }
        cur
    }

    fn apply<'t>(&self, rule: &Rule, text: &'t str) -> Cow<'t, str> {
        let out = rule.re.replace_all(text, |caps: &Captures<'_>| {
            let whole = caps.get(0).expect("group 0");
            let Some(m) = rule.groups.iter().find_map(|&g| caps.get(g)) else {
                return whole.as_str().to_string();
            };
            if !(rule.accept)(m.as_str()) {
                return whole.as_str().to_string();
            }
            let secret = normalize(m.as_str());
            let p = self.state().placeholder(rule.kind, &secret);
            let (a, b) = (m.start() - whole.start(), m.end() - whole.start());
            format!("{}{}{}", &whole.as_str()[..a], p, &whole.as_str()[b..])
        });
        // A match whose value was not a secret leaves the text as it was.
        match out {
            Cow::Owned(s) if s == text => Cow::Borrowed(text),
            other => other,
        }
    }

    /// Redacts the lines of an excerpt in place. A private key block that
    /// spans lines becomes one placeholder on each of its lines (the line
    /// count, and so the line numbers, stay the same).
    pub fn redact_lines(&self, lines: &mut [String]) {
        if !self.enabled {
            return;
        }
        let mut i = 0;
        while i < lines.len() {
            if let Some(begin) = find_begin(&lines[i]) {
                if !has_end_after(&lines[i], begin) {
                    // Find the END line (or the end of the excerpt).
                    let mut j = i + 1;
                    while j < lines.len() && find_end(&lines[j]).is_none() {
                        j += 1;
                    }
                    let last = j.min(lines.len() - 1);
                    let mut block = lines[i][begin..].to_string();
                    for l in &lines[i + 1..=last] {
                        block.push('\n');
                        block.push_str(l);
                    }
                    if let Some(e) = find_end(&lines[last]) {
                        let cut = block.len() - (lines[last].len() - e);
                        block.truncate(cut);
                    }
                    let p = self.state().placeholder("private-key", &normalize(&block));
                    lines[i] = format!("{}{}", &lines[i][..begin], p);
                    if last > i + 1 {
                        for l in &mut lines[i + 1..last] {
                            *l = p.clone();
                        }
                    }
                    if last > i {
                        let rest = find_end(&lines[last])
                            .map(|e| lines[last][e..].to_string())
                            .unwrap_or_default();
                        lines[last] = format!("{p}{rest}");
                    }
                    for l in &mut lines[i..=last] {
                        if let Cow::Owned(s) = self.redact(l) {
                            *l = s;
                        }
                    }
                    i = last + 1;
                    continue;
                }
            }
            if let Cow::Owned(s) = self.redact(&lines[i]) {
                lines[i] = s;
            }
            i += 1;
        }
    }
}

/// The same secret with and without `\r` before line ends is one secret.
fn normalize(s: &str) -> String {
    s.replace("\r\n", "\n")
}

static BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----").expect("compiles")
});
static END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----").expect("compiles"));

fn find_begin(line: &str) -> Option<usize> {
    BEGIN.find(line).map(|m| m.start())
}

fn has_end_after(line: &str, from: usize) -> bool {
    END.is_match_at(line, from)
}

/// The offset just after the END marker in `line`.
fn find_end(line: &str) -> Option<usize> {
    END.find(line).map(|m| m.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IkRIRmJwb0lVcXJZOHQyenBBMnFYZkNtcjVWTzVaRXI0UnpIVV8tZW52dlEifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OmRlZmF1bHQ6ZGVmYXVsdCJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

    /// (text, secrets that must not survive).
    fn cases() -> Vec<(String, Vec<&'static str>)> {
        vec![
            (format!("Authorization: Bearer {JWT}"), vec![JWT, "eyJpc3Mi"]),
            ("curl -H 'Authorization: Bearer s3cr3tT0k3nValue'".into(), vec!["s3cr3tT0k3nValue"]),
            ("Authorization: Basic dXNlcjpodW50ZXIy".into(), vec!["dXNlcjpodW50ZXIy"]),
            ("Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789".into(), vec!["ghp_abcdefghijklmnopqrstuvwxyz0123456789"]),
            ("connecting to postgres://app:hunter2@db:5432/shop".into(), vec!["hunter2"]),
            ("amqp://guest:gu3st!pass@rabbit:5672/".into(), vec!["gu3st!pass"]),
            ("password=hunter2 user=app".into(), vec!["hunter2"]),
            ("DB_PASSWORD: 'c0rrect horse'".into(), vec!["c0rrect horse"]),
            (r#"{"user":"app","password":"p@ss w0rd","level":"info"}"#.into(), vec!["p@ss w0rd"]),
            (r#"{"msg":"{\"client_secret\":\"abc123xyz\"}"}"#.into(), vec!["abc123xyz"]),
            ("secret: topsecretvalue".into(), vec!["topsecretvalue"]),
            ("--token=abcdef123456 --verbose".into(), vec!["abcdef123456"]),
            ("aws_access_key_id=AKIAIOSFODNN7EXAMPLE".into(), vec!["AKIAIOSFODNN7EXAMPLE"]),
            ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(), vec!["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]),
            ("key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW".into(), vec!["AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW"]),
            ("DefaultEndpointsProtocol=https;AccountName=st;AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==;EndpointSuffix=core.windows.net".into(), vec!["Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy=="]),
            ("https://st.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEf%2BgHiJ%3D&se=2025".into(), vec!["AbCdEf%2BgHiJ%3D"]),
            ("slack webhook token xoxb-123456789012-abcdefghijkl".into(), vec!["xoxb-123456789012-abcdefghijkl"]),
            (r#"{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}"#.into(), vec!["dXNlcjpwYXNz"]),
            (
                "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY----- done".into(),
                vec!["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"],
            ),
            (
                r#"{"private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"}"#.into(),
                vec!["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
            ),
        ]
    }

    #[test]
    fn no_secret_survives() {
        let r = Redactor::new();
        for (text, secrets) in cases() {
            let out = r.redact(&text);
            for s in secrets {
                assert!(!out.contains(s), "{s:?} survived in {out:?}");
            }
            assert!(out.contains("[REDACTED-"), "{out:?}");
        }
        assert!(r.redacted_values() >= 20);
    }

    #[test]
    fn same_secret_same_placeholder_and_deterministic() {
        let run = || {
            let r = Redactor::new();
            let a = r
                .redact("password=hunter2 then token=abc123def")
                .into_owned();
            let b = r.redact("again: postgres://u:hunter2@db/x").into_owned();
            (a, b, r.redacted_values(), r.replacements())
        };
        let (a, b, n, reps) = run();
        assert_eq!(
            a,
            "password=[REDACTED-secret-1] then token=[REDACTED-secret-2]"
        );
        // The same value found by another rule keeps its first placeholder.
        assert_eq!(b, "again: postgres://u:[REDACTED-secret-1]@db/x");
        assert_eq!((n, reps), (2, 3));
        assert_eq!(run(), (a, b, n, reps));
    }

    #[test]
    fn plain_text_is_borrowed_and_words_are_left_alone() {
        let r = Redactor::new();
        for t in [
            "Bearer authentication failed for user",
            "token verification failed",
            "tokenizer: bert",
            "password: ${DB_PASSWORD}",
            "Error: secret \"pgpassword\" not found",
            "level=info msg=\"listening on :8080\"",
            "https://example.com:8443/path",
        ] {
            assert!(
                matches!(r.redact(t), Cow::Borrowed(_)),
                "{t:?} -> {:?}",
                r.redact(t)
            );
        }
        assert_eq!(r.redacted_values(), 0);
    }

    #[test]
    fn key_blocks_across_excerpt_lines_keep_the_line_count() {
        let r = Redactor::new();
        let mut lines: Vec<String> = [
            "loading key",
            "-----BEGIN EC PRIVATE KEY-----",
            "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oPkDaT8+Ek0qoAoGCCqGSM49",
            "AwEHoUQDQgAE7Nq0qjT7qeh1B9tO3LyyGWqJr0hnGztQ3rOL2tsZb3D6uKEs0j0n",
            "-----END EC PRIVATE KEY----- loaded",
            "password=hunter2",
        ]
        .map(String::from)
        .to_vec();
        r.redact_lines(&mut lines);
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "loading key");
        assert_eq!(lines[1], "[REDACTED-private-key-1]");
        assert_eq!(lines[2], "[REDACTED-private-key-1]");
        assert_eq!(lines[4], "[REDACTED-private-key-1] loaded");
        assert_eq!(lines[5], "password=[REDACTED-secret-1]");
        // A block cut by the end of the excerpt is redacted to the end.
        let mut cut: Vec<String> = [
            "-----BEGIN PRIVATE KEY-----",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        ]
        .map(String::from)
        .to_vec();
        r.redact_lines(&mut cut);
        assert!(cut.iter().all(|l| !l.contains("MIIE")), "{cut:?}");
    }

    #[test]
    fn disabled_changes_nothing() {
        let r = Redactor::disabled();
        assert_eq!(r.redact("password=hunter2"), "password=hunter2");
    }

    #[test]
    fn shared_across_threads() {
        let r = Redactor::new();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..100 {
                        assert_eq!(r.redact("token=abc123def"), "token=[REDACTED-secret-1]");
                    }
                });
            }
        });
        assert_eq!(r.redacted_values(), 1);
        assert_eq!(r.replacements(), 400);
    }
}
