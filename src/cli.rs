//! The command line (CONTRACT.md): clap parses it into [`Cli`], and
//! [`run`] calls the library stages. Exit codes: 0 done, 1 findings at or
//! above `--fail-on`, 2 could not run.

use crate::error::{Error, Result};
use crate::inspect::Inspection;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "coroner",
    version,
    about = "Post-mortem of a Kubernetes cluster from a `kubectl cluster-info dump`, offline",
    long_about = "coroner reads what `kubectl cluster-info dump` wrote (a folder, a stdout dump, \
                  JSON or YAML, any kubectl since 2016, plain or in a zip/tar/tar.gz/gzip) and \
                  tells what is in it and what broke. It never contacts a cluster or the network \
                  and never changes its input."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// What was read: layout, kubectl version range, snapshot time, counts,
    /// log fetch errors, problems met, and the SHA-256 of every input file.
    Inspect {
        /// A dump folder (or any folder holding one), a stdout dump, a .zip,
        /// .tar, .tar.gz/.tgz or gzip file, or `-` for standard input.
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Json,
}

/// What the process should exit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    FindingsAtThreshold,
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Inspect { path, format } => {
            let ix = crate::open(&path)?;
            let inspection = Inspection::new(&ix);
            let text = match format {
                InspectFormat::Json => inspection.to_json(),
                InspectFormat::Text => inspection.to_text(),
            };
            write_stdout(text.as_bytes())?;
            Ok(Outcome::Done)
        }
    }
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
