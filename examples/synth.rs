//! Writes a generated dump (see `coroner::synth`) for benchmarks and for
//! trying coroner on a big cluster:
//!
//! ```text
//! cargo run --release --example synth -- small|medium|large OUT_DIR [LOG_MB]
//! ```
//!
//! LOG_MB overrides the total size of the logs (the same objects with more
//! or less log), to show that memory does not grow with the logs.
//!
//! The same size always gives the same bytes. OUT_DIR must not exist yet.

use coroner::synth::{write_dump, SynthSpec};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(size), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: synth small|medium|large OUT_DIR");
        return ExitCode::from(2);
    };
    let mut spec = match size.as_str() {
        "tiny" => SynthSpec::tiny(),
        "small" => SynthSpec::small(),
        "medium" => SynthSpec::medium(),
        "large" => SynthSpec::large(),
        other => {
            eprintln!("synth: unknown size {other:?} (small, medium or large)");
            return ExitCode::from(2);
        }
    };
    if let Some(mb) = args.get(2) {
        match mb.parse::<u64>() {
            Ok(mb) => spec.log_bytes_total = mb << 20,
            Err(_) => {
                eprintln!("synth: LOG_MB must be a number, not {mb:?}");
                return ExitCode::from(2);
            }
        }
    }
    let out = std::path::Path::new(out);
    if out.exists() {
        eprintln!("synth: {} exists; choose a new folder", out.display());
        return ExitCode::from(2);
    }
    let t = std::time::Instant::now();
    match write_dump(&spec, out) {
        Ok(s) => {
            println!(
                "synth: wrote {} ({} pods, {} containers, {} events, {} MB JSON, {} MB logs) in {:.1}s",
                out.display(),
                s.pods,
                s.containers,
                s.events,
                s.json_bytes / 1_000_000,
                s.log_bytes / 1_000_000,
                t.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::FAILURE
        }
    }
}
