//! Markdown and HTML rendering with minijinja, from templates embedded in
//! the binary. `.html.j2` templates auto-escape everything taken from the
//! dump; `.md.j2` templates escape through the `md` filter. Templates run
//! with strict undefined behaviour, so a misspelled field fails a test
//! instead of printing nothing.

use super::ReportView;
use crate::analyze::Finding;
use crate::error::{Error, Result};
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

const HTML: &str = include_str!("../../templates/report.html.j2");
const MARKDOWN: &str = include_str!("../../templates/report.md.j2");
const FINDING_HTML: &str = include_str!("../../templates/_finding.html.j2");
const INCIDENT_HTML: &str = include_str!("../../templates/_incident.html.j2");
const STYLE: &str = include_str!("../../templates/report.css");
const SCRIPT: &str = include_str!("../../templates/report.js");

/// An incident with its findings resolved, for templates.
#[derive(Serialize)]
struct IncidentBlock<'a> {
    #[serde(flatten)]
    incident: &'a crate::analyze::Incident,
    root: Option<&'a Finding>,
    related: Vec<&'a Finding>,
}

/// The view as templates see it: without `findings` and `incidents`,
/// which they reach through the incident blocks (`blocks`, or `b` in
/// `_incident.html.j2`). Serialized whole, every finding was
/// copied into the template engine twice, and that copy was a third of the
/// time of rendering. A template that reads another field of `r` fails
/// (strict undefined), so one added to the view but not here shows in
/// tests.
struct TemplateView<'a>(&'a ReportView);

impl Serialize for TemplateView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.0;
        let mut st = s.serialize_struct("ReportView", 14)?;
        st.serialize_field("schema_version", &v.schema_version)?;
        st.serialize_field("tool", &v.tool)?;
        st.serialize_field("generated_at", &v.generated_at)?;
        st.serialize_field("input", &v.input)?;
        st.serialize_field("snapshot", &v.snapshot)?;
        st.serialize_field("summary", &v.summary)?;
        st.serialize_field("problems", &v.problems)?;
        st.serialize_field("inputs", &v.inputs)?;
        st.serialize_field("rules", &v.rules)?;
        st.serialize_field("nodes", &v.nodes)?;
        st.serialize_field("workloads", &v.workloads)?;
        st.serialize_field("timeline", &v.timeline)?;
        st.serialize_field("coverage", &v.coverage)?;
        st.serialize_field("redaction", &v.redaction)?;
        st.end()
    }
}

/// The HTML page: each incident's article is rendered on its own, all of
/// them in parallel (they are most of the page), and placed whole.
#[derive(Serialize)]
struct HtmlPage<'a> {
    r: TemplateView<'a>,
    /// The five most severe incidents, for the summary.
    top: Vec<TopIncident<'a>>,
    articles: Vec<Value>,
    timeline_svg: String,
    style: &'static str,
    script: &'static str,
    csp: String,
}

#[derive(Serialize)]
struct TopIncident<'a> {
    id: &'a str,
    severity: crate::analyze::Severity,
    title: &'a str,
}

#[derive(Serialize)]
struct Page<'a> {
    r: TemplateView<'a>,
    blocks: Vec<IncidentBlock<'a>>,
    timeline_svg: String,
    style: &'static str,
    script: &'static str,
    csp: String,
    /// Markdown only: drop log excerpts and details to fit a size cap.
    compact: bool,
    /// Markdown only: how many incidents are shown (the rest is cut).
    shown: usize,
}

fn blocks(view: &ReportView) -> Vec<IncidentBlock<'_>> {
    view.incidents
        .iter()
        .map(|inc| IncidentBlock {
            incident: inc,
            root: view.finding(&inc.root_cause),
            related: inc
                .findings
                .iter()
                .filter(|id| **id != inc.root_cause)
                .filter_map(|id| view.finding(id))
                .collect(),
        })
        .collect()
}

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template("report.html.j2", HTML)
        .expect("html template parses");
    env.add_template("_finding.html.j2", FINDING_HTML)
        .expect("finding template parses");
    env.add_template("_incident.html.j2", INCIDENT_HTML)
        .expect("incident template parses");
    env.add_template("report.md.j2", MARKDOWN)
        .expect("markdown template parses");
    env.add_filter("md", md_escape);
    env.add_filter("codespans", code_spans);
    env.add_filter("mdcode", md_code);
    env.add_filter(
        "pointer",
        |file: String, pointer: Option<String>, line: Option<u64>| -> String {
            let mut s = file;
            if let Some(l) = line {
                s.push_str(&format!(":{l}"));
            }
            if let Some(p) = pointer {
                s.push('#');
                s.push_str(&p);
            }
            s
        },
    );
    env
}

pub fn html(view: &ReportView) -> Result<String> {
    use base64::Engine;
    use sha2::Digest;
    let script_hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SCRIPT.as_bytes()));
    // Nothing may load from anywhere: inline style, one hashed inline
    // script, images only as data: URIs; no forms or connections.
    // (`frame-ancestors` is not allowed in a meta tag: browsers log an error.)
    let csp = format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; base-uri 'none'; form-action 'none'"
    );
    let env = env();
    let articles = {
        use rayon::prelude::*;
        blocks(view)
            .par_iter()
            .map(|b| {
                render_value(&env, "_incident.html.j2", minijinja::context! { b => b })
                    .map(Value::from_safe_string)
            })
            .collect::<Result<Vec<Value>>>()?
    };
    let page = HtmlPage {
        r: TemplateView(view),
        top: view
            .incidents
            .iter()
            .take(5)
            .map(|i| TopIncident {
                id: &i.id,
                severity: i.severity,
                title: &i.title,
            })
            .collect(),
        articles,
        timeline_svg: super::svg::timeline(&view.timeline),
        style: STYLE,
        script: SCRIPT,
        csp,
    };
    render_in(&env, "report.html.j2", &page)
}

/// Markdown for a ticket. With `max_bytes`, log excerpts and details are
/// dropped first, then the least severe incidents, until it fits.
pub fn markdown(view: &ReportView, max_bytes: Option<usize>) -> Result<String> {
    let mut page = Page {
        r: TemplateView(view),
        blocks: blocks(view),
        timeline_svg: String::new(),
        style: "",
        script: "",
        csp: String::new(),
        compact: false,
        shown: view.incidents.len(),
    };
    let mut out = render("report.md.j2", &page)?;
    let Some(max) = max_bytes else { return Ok(out) };
    if out.len() <= max {
        return Ok(out);
    }
    page.compact = true;
    out = render("report.md.j2", &page)?;
    while out.len() > max && page.shown > 0 {
        page.shown -= 1;
        out = render("report.md.j2", &page)?;
    }
    if out.len() > max {
        // Even the summary does not fit: cut at a character boundary.
        let mut cut = max.saturating_sub(64);
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("\n\n…(cut to fit the size limit)\n");
    }
    Ok(out)
}

fn render<S: Serialize>(name: &str, page: &S) -> Result<String> {
    render_in(&env(), name, page)
}

/// Renders a whole page. The template's copy of the page holds a value for
/// every string of the report: freeing it took ~7 ms at the end of each
/// report, so another thread does that while this one writes the report
/// out (if no thread can be started, `spawn` drops it here).
fn render_in<S: Serialize>(env: &Environment<'_>, name: &str, page: &S) -> Result<String> {
    let ctx = Value::from_serialize(page);
    let out = render_value(env, name, ctx.clone());
    let _ = std::thread::Builder::new().spawn(move || drop(ctx));
    out
}

/// Renders a template with a context, which it frees.
fn render_value(env: &Environment<'_>, name: &str, ctx: Value) -> Result<String> {
    env.get_template(name)
        .map_err(|e| Error::Output(format!("template {name}: {e}")))?
        .render(ctx)
        .map_err(|e| Error::Output(format!("rendering {name}: {e}")))
}

/// Escapes text from the dump for Markdown: HTML special characters become
/// entities (GitHub renders raw HTML) and Markdown syntax is backslashed,
/// so a pod name or message can never inject markup or links.
fn md_escape(s: String) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Parentheses, braces and `!` only act next to an escaped
            // bracket, so they stay as they are and the raw text reads well.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// HTML for rule text written with `backticks`: escapes everything, then
/// turns each backtick pair into `<code>`. Only coroner's own texts go
/// through it (remediation steps, notes), and they are escaped first, so
/// nothing from the dump can turn into markup.
fn code_spans(s: String) -> Value {
    let mut out = String::with_capacity(s.len() + 16);
    for (i, part) in s.split('`').enumerate() {
        let esc = crate::report::svg::escape(part);
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&esc);
            out.push_str("</code>");
        } else {
            out.push_str(&esc);
        }
    }
    if s.matches('`').count() % 2 == 1 {
        // An unpaired backtick: show the text as plain escaped text.
        return Value::from_safe_string(crate::report::svg::escape(&s));
    }
    Value::from_safe_string(out)
}

/// A fenced code block that the content cannot close: the fence is longer
/// than any run of backticks inside.
fn md_code(lines: Vec<String>) -> String {
    let body = lines.join("\n");
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{body}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_defuses_injection() {
        let s = md_escape("<script>alert(1)</script> [x](http://evil) **b** |a|".into());
        assert!(!s.contains('<'), "{s}");
        assert!(
            s.contains("\\[x\\](http://evil)"),
            "brackets are literal, so no link: {s}"
        );
        assert!(s.contains("\\*\\*b\\*\\*") && s.contains("\\|a\\|"), "{s}");
        let code = md_code(vec!["```".into(), "</details>".into()]);
        assert!(code.starts_with("````text\n"), "{code}");
    }
}
