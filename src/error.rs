//! The errors that stop coroner: the input cannot be read at all, it is not
//! a dump, or the output cannot be written. A broken *part* of a dump is not
//! an error: it is a [`crate::dump::Problem`], listed in the report, and the
//! rest of the dump is still read (two tiers, as ripgrep and cargo-deny do).

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// I/O on the input root or the output.
    Io {
        what: String,
        source: std::io::Error,
    },
    /// The input exists but cannot be read as an archive or stream.
    Input(String),
    /// The input holds no kubectl dump.
    NotADump(String),
    /// Bad command-line usage that clap could not catch.
    Usage(String),
    /// Writing the report failed.
    Output(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn io(what: &str, source: std::io::Error) -> Error {
        Error::Io {
            what: what.to_string(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            Error::Input(m) | Error::NotADump(m) | Error::Usage(m) | Error::Output(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
