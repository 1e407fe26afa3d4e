//! coroner: the post-mortem of a Kubernetes cluster from a
//! `kubectl cluster-info dump` snapshot, offline.
//!
//! The pipeline is a chain of pure stages, each testable and benchmarkable
//! through this library without the binary:
//! `dump::load` (ingest, in parallel) -> `index::DumpIndex::build` (the
//! read-only view every analysis queries) -> reports. `cli` turns the
//! command line into calls of these stages.

pub mod analyze;
pub mod batch;
pub mod cli;
pub mod dump;
pub mod error;
pub mod index;
pub mod inspect;
pub mod logscan;
pub mod model;
pub mod quantity;
pub mod report;
pub mod synth;
pub mod time;

pub use dump::{load, Dump, LoadOptions, Problem};
pub use error::{Error, Result};
pub use index::DumpIndex;

/// Reads a dump and builds its index.
pub fn open(path: &std::path::Path) -> Result<DumpIndex> {
    let dump = dump::load(path, LoadOptions::default())?;
    Ok(DumpIndex::build(dump))
}
