//! The command line (CONTRACT.md): clap parses it into [`Cli`], and
//! [`run`] calls the library stages. Exit codes: 0 done, 1 findings at or
//! above `--fail-on`, 2 could not run.

use crate::analyze::{self, Severity};
use crate::dump::source::Limits;
use crate::dump::LoadOptions;
use crate::error::{Error, Result};
use crate::inspect::Inspection;
use crate::report::{self, ReportView};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "coroner",
    version,
    about = "Post-mortem of a Kubernetes cluster from a `kubectl cluster-info dump`, offline",
    long_about = "coroner reads what `kubectl cluster-info dump` wrote (a folder, a stdout dump, \
                  JSON or YAML, any kubectl since 2016, plain or in a zip/tar/tar.gz/gzip) and \
                  tells what broke, why, and what to do. It never contacts a cluster or the \
                  network and never changes its input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose a dump: failing workloads and nodes, their probable root
    /// cause, evidence and remediation.
    Report {
        /// A dump folder (or any folder holding one), a stdout dump, a .zip,
        /// .tar, .tar.gz/.tgz or gzip file, or `-` for standard input.
        /// Several inputs make a batch: one report each in --out-dir.
        #[arg(required = true, num_args = 1..)]
        paths: Vec<PathBuf>,
        /// Output format; defaults from the -o extension (.json).
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write the report to this file (without it, a short summary goes
        /// to the terminal).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// Exit with 1 when a finding at or above this severity is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Batch mode: write one report per input into this folder, named
        /// after the input (format from --format, default html).
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// Batch mode: also write a JSON Lines summary of every input and
        /// finding (one JSON object per line), for data tools.
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// Show secret-looking values (tokens, keys, passwords) as they
        /// are; by default every report format replaces them.
        #[arg(long)]
        no_redact: bool,
        /// Show the environment values of the containers in findings; by
        /// default they are never printed (they often hold credentials).
        #[arg(long)]
        show_env: bool,
        /// A YAML file of your own log signatures (and built-in ones to
        /// silence); `coroner signatures` lists the built-in ones.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// Markdown only: keep the report under this many bytes (for
        /// trackers with limits); log excerpts go first, then the least
        /// severe incidents.
        #[arg(long, value_name = "BYTES")]
        max_bytes: Option<usize>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// What was read: layout, kubectl version range, snapshot time, counts,
    /// log fetch errors, problems met, and the SHA-256 of every input file.
    Inspect {
        /// A dump folder (or any folder holding one), a stdout dump, a .zip,
        /// .tar, .tar.gz/.tgz or gzip file, or `-` for standard input.
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// The rule catalog.
    Rules {
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// The log failure signatures (built in, plus `--rules FILE`).
    Signatures {
        /// `rg` prints one pattern per line for `rg -f` (benchmarks).
        #[arg(long, value_enum, default_value_t = SignatureFormat::Text)]
        format: SignatureFormat,
    },
    /// One rule's documentation: what it detects, the evidence it reads,
    /// why it happens, what to do.
    Explain {
        /// A rule id, e.g. crash-loop-backoff.
        rule: String,
    },
}

/// Bounds on what an archive may unpack to (README, "Untrusted input"):
/// the defaults fit the largest real dumps and stop zip and gzip bombs.
#[derive(Debug, Clone, Copy, Args)]
pub struct LimitArgs {
    /// Most bytes an archive or standard input may unpack to, all entries
    /// together (suffixes K, M, G, T: powers of 1024).
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_size)]
    pub max_unpacked_bytes: u64,
    /// Most entries an archive may hold.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_entries: u64,
    /// Most times its own size an archive may expand to (past 64 MiB);
    /// real dumps compress 5-50 times, bombs far more.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_ratio: u64,
}

impl LimitArgs {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            limits: Limits {
                max_total_bytes: self.max_unpacked_bytes,
                max_entries: self.max_entries,
                max_ratio: self.max_ratio,
            },
            scan: None,
        }
    }
}

/// Parses a size: bytes, or a number with K, M, G or T (powers of 1024;
/// `KB`, `KiB` and lower case are accepted too).
pub fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let bad = || format!("{s:?} is not a size (e.g. 500M, 64G, 1.5T or a number of bytes)");
    if num.is_empty() {
        return Err(bad());
    }
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => return Err(format!("unknown size unit {other:?}; use K, M, G or T")),
    };
    if num.contains('.') {
        let v: f64 = num.parse().map_err(|_| bad())?;
        let bytes = v * (1u64 << shift) as f64;
        if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
            return Err(bad());
        }
        Ok(bytes as u64)
    } else {
        let v: u64 = num.parse().map_err(|_| bad())?;
        v.checked_mul(1u64 << shift).ok_or_else(bad)
    }
}

/// Reads a dump with the given options and builds its index.
pub fn open(path: &Path, opts: LoadOptions) -> Result<crate::DumpIndex> {
    crate::dump::load(path, opts).map(crate::DumpIndex::build)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignatureFormat {
    Text,
    Json,
    Rg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    Warning,
    Info,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Critical => Severity::Critical,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// What the process should exit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    FindingsAtThreshold,
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Inspect {
            path,
            format,
            limits,
        } => {
            let ix = open(&path, limits.load_options())?;
            let inspection = Inspection::new(&ix);
            let text = match format {
                TextOrJson::Json => inspection.to_json(),
                TextOrJson::Text => inspection.to_text(),
            };
            write_stdout(text.as_bytes())?;
            Ok(Outcome::Done)
        }
        Command::Report {
            paths,
            format,
            output,
            fail_on,
            out_dir,
            summary,
            max_bytes,
            no_redact,
            show_env,
            rules,
            limits,
        } => {
            let catalog = match &rules {
                Some(path) => {
                    let user = crate::logscan::load_user_rules(path).map_err(Error::Usage)?;
                    let catalog = user
                        .apply(crate::logscan::Catalog::builtin())
                        .map_err(Error::Usage)?;
                    Some(std::sync::Arc::new(catalog))
                }
                None => None,
            };
            let opts = ViewOptions {
                catalog,
                redact: !no_redact,
                show_env,
                load: limits.load_options(),
            };
            if paths.len() > 1 || out_dir.is_some() || summary.is_some() {
                if output.is_some() {
                    return Err(Error::Usage(
                        "-o names one report; with several inputs use --out-dir DIR (and --summary FILE.jsonl)".into(),
                    ));
                }
                return crate::batch::run(
                    &paths,
                    out_dir.as_deref(),
                    summary.as_deref(),
                    format_or(format, None)?,
                    max_bytes,
                    fail_on.map(FailOn::severity),
                    opts,
                );
            }
            let path = &paths[0];
            let format = match (format, &output) {
                (Some(f), _) => Some(f),
                (None, Some(o)) => Some(format_from_extension(o)?),
                (None, None) => None,
            };
            if let Some(out) = &output {
                check_output_path(path, out)?;
            }
            let view = build_view(path, &opts)?;
            let rendered = match format {
                Some(f) => Some(render(&view, f, max_bytes)?),
                None => None,
            };
            match (rendered, output) {
                (Some(text), Some(out)) => write_atomically(&out, text.as_bytes())?,
                (Some(text), None) => write_stdout(text.as_bytes())?,
                (None, _) => {
                    let color = std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                    write_stdout(report::terminal::render(&view, color).as_bytes())?
                }
            }
            let failed = fail_on.is_some_and(|t| view.worst().is_some_and(|w| w >= t.severity()));
            Ok(if failed {
                Outcome::FindingsAtThreshold
            } else {
                Outcome::Done
            })
        }
        Command::Rules { format } => {
            let text = match format {
                TextOrJson::Json => {
                    let rules: Vec<serde_json::Value> = analyze::RULES
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id(),
                                "severity": r.severity(),
                                "subject": r.subject(),
                                "doc": r.doc(),
                            })
                        })
                        .collect();
                    let mut s = serde_json::to_string_pretty(
                        &serde_json::json!({"schema_version": 1, "rules": rules}),
                    )
                    .expect("rules serialize");
                    s.push('\n');
                    s
                }
                TextOrJson::Text => {
                    let mut s = String::new();
                    for r in analyze::RULES {
                        s.push_str(&format!(
                            "{:<28} {:<8} {:<34} {}\n",
                            r.id(),
                            r.severity().as_str(),
                            r.subject(),
                            r.doc().title
                        ));
                    }
                    s
                }
            };
            write_stdout(text.as_bytes())?;
            Ok(Outcome::Done)
        }
        Command::Signatures { format } => {
            let catalog = crate::logscan::Catalog::builtin();
            let text = match format {
                SignatureFormat::Rg => catalog.rg_patterns(),
                SignatureFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&serde_json::json!({
                        "schema_version": 1,
                        "signatures": catalog.signatures(),
                    }))
                    .expect("signatures serialize");
                    s.push('\n');
                    s
                }
                SignatureFormat::Text => catalog
                    .signatures()
                    .iter()
                    .map(|sig| {
                        format!(
                            "{:<28} {:<8} {:<14} {}\n",
                            sig.id,
                            sig.severity.as_str(),
                            sig.class.as_str(),
                            sig.title
                        )
                    })
                    .collect(),
            };
            write_stdout(text.as_bytes())?;
            Ok(Outcome::Done)
        }
        Command::Explain { rule } => {
            let r = analyze::rule(&rule).ok_or_else(|| {
                Error::Usage(format!("no rule `{rule}`; `coroner rules` lists them"))
            })?;
            let d = r.doc();
            let text = format!(
                "{id} ({severity}, subject: {subject})\n{title}\n\n## What it detects\n{detects}\n\n## Evidence\n{evidence}\n\n## Why it happens\n{why}\n\n## What to do\n{remediation}\n",
                id = r.id(),
                severity = r.severity().as_str(),
                subject = r.subject(),
                title = d.title,
                detects = d.detects,
                evidence = d.evidence,
                why = d.why,
                remediation = d.remediation,
            );
            write_stdout(text.as_bytes())?;
            Ok(Outcome::Done)
        }
    }
}

/// Reads, analyses and builds the view of one input, with a spinner on
/// stderr when stderr is a terminal (never in pipes, CI or tests).
pub fn build_view(path: &Path, opts: &ViewOptions) -> Result<ReportView> {
    let progress = Progress::start(path);
    progress.stage("reading");
    // The logs are scanned while they are read, with the catalog the
    // analysis uses (so it reuses the scan instead of reading them again).
    let load = LoadOptions {
        scan: Some(crate::dump::ScanSetup {
            catalog: opts.catalog.clone(),
            options: analyze::context::scan_options(),
        }),
        ..opts.load.clone()
    };
    let ix = open(path, load)?;
    progress.stage("analysing");
    let analysis = match &opts.catalog {
        Some(c) => analyze::analyze_with(&ix, c),
        None => analyze::analyze(&ix),
    };
    progress.stage("building the report");
    let mut view = ReportView::new(&ix, analysis, generated_at()?);
    if opts.show_env {
        report::show_env(&mut view, &ix);
    }
    // A fresh redactor per report: placeholders are numbered per report.
    let redactor = if opts.redact {
        crate::logscan::Redactor::new()
    } else {
        crate::logscan::Redactor::disabled()
    };
    report::redact::redact(&mut view, &redactor);
    progress.finish();
    // The index (every pod, event and log scan) is freed before rendering,
    // which copies the view into the template engine: freeing it on a
    // worker during rendering instead measured no faster and up to 50 MB
    // higher at the peak on the 10,000-pod dump.
    drop(ix);
    Ok(view)
}

/// How a report is built, from the command line.
#[derive(Debug, Clone)]
pub struct ViewOptions {
    /// Log signatures with the user's `--rules` applied (built in if none).
    pub catalog: Option<std::sync::Arc<crate::logscan::Catalog>>,
    /// Replace secrets with placeholders (on unless `--no-redact`).
    pub redact: bool,
    /// Print containers' environment values (`--show-env`).
    pub show_env: bool,
    /// How the input is read (the archive limits).
    pub load: LoadOptions,
}

/// A spinner that shows only on a terminal and only once the work has
/// taken more than a moment (a quick run prints nothing).
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(path: &Path) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {prefix} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.set_prefix(path.display().to_string());
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(400));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress(Some(bar))
    }

    fn stage(&self, what: &'static str) {
        if let Some(b) = &self.0 {
            b.set_message(what);
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Renders a view in a format.
pub fn render(view: &ReportView, format: ReportFormat, max_bytes: Option<usize>) -> Result<String> {
    Ok(match format {
        ReportFormat::Json => view.to_json(),
        ReportFormat::Md => report::render::markdown(view, max_bytes)?,
        ReportFormat::Html => report::render::html(view)?,
    })
}

fn format_or(f: Option<ReportFormat>, default: Option<ReportFormat>) -> Result<ReportFormat> {
    Ok(f.or(default).unwrap_or(ReportFormat::Html))
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Md => "md",
            ReportFormat::Json => "json",
        }
    }
}

fn format_from_extension(out: &Path) -> Result<ReportFormat> {
    match out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Ok(ReportFormat::Json),
        Some("md" | "markdown") => Ok(ReportFormat::Md),
        Some("html" | "htm") => Ok(ReportFormat::Html),
        other => Err(Error::Usage(format!(
            "cannot tell the report format from {}; use --format html, md or json{}",
            out.display(),
            other
                .map(|e| format!(" (extension .{e})"))
                .unwrap_or_default()
        ))),
    }
}

/// The generation time: from `SOURCE_DATE_EPOCH` when set (reproducible
/// builds convention), else none, so reports stay byte-identical.
fn generated_at() -> Result<Option<String>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.is_empty() => {
            let secs: i64 = v
                .trim()
                .parse()
                .map_err(|_| Error::Usage(format!("SOURCE_DATE_EPOCH is not a number: {v:?}")))?;
            let t = jiff::Timestamp::from_second(secs)
                .map_err(|e| Error::Usage(format!("SOURCE_DATE_EPOCH out of range: {e}")))?;
            Ok(Some(crate::time::format(t)))
        }
        _ => Ok(None),
    }
}

/// A report is never written into the dump or over an input file.
pub fn check_output_path(input: &Path, out: &Path) -> Result<()> {
    if input.as_os_str() == "-" {
        return Ok(());
    }
    let input =
        std::fs::canonicalize(input).map_err(|e| Error::io(&input.display().to_string(), e))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent =
        std::fs::canonicalize(parent).map_err(|e| Error::io(&parent.display().to_string(), e))?;
    let target = parent.join(out.file_name().unwrap_or_default());
    if target == input || (input.is_dir() && target.starts_with(&input)) {
        return Err(Error::Output(format!(
            "refusing to write {} inside or over the dump {}: the dump is evidence and is never modified",
            out.display(),
            input.display()
        )));
    }
    Ok(())
}

/// Writes to a temporary file beside `out` and renames it into place, so
/// a crash never leaves half a report.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".coroner-report-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(&dir.display().to_string(), e))?;
    // Until it is renamed into place, a signal removes it.
    let tmp_path = tmp.path().to_path_buf();
    crate::dump::source::register_temporary(&tmp_path);
    let written = finish_report(tmp, out, bytes);
    crate::dump::source::unregister_temporary(&tmp_path);
    written
}

fn finish_report(mut tmp: tempfile::NamedTempFile, out: &Path, bytes: &[u8]) -> Result<()> {
    // tempfile creates 0600; a report is an ordinary document.
    use std::os::unix::fs::PermissionsExt;
    tmp.write_all(bytes)
        .and_then(|_| tmp.flush())
        .and_then(|_| {
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
        })
        .map_err(|e| Error::io(&out.display().to_string(), e))?;
    tmp.persist(out)
        .map_err(|e| Error::io(&out.display().to_string(), e.error))?;
    Ok(())
}

/// Writes to stdout; a closed pipe (`coroner … | head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io("standard output", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("64G"), Ok(64 << 30));
        assert_eq!(parse_size("64gib"), Ok(64 << 30));
        assert_eq!(parse_size("1.5K"), Ok(1536));
        assert_eq!(parse_size("2 TB"), Ok(2 << 40));
        assert!(parse_size("").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("99999999999T").is_err(), "overflow is refused");
        assert!(parse_size("1.2.3M").is_err());
    }
}
