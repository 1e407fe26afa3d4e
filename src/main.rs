//! The `coroner` binary: parse the command line, run, map the outcome to an
//! exit code (0 done, 1 findings at or above `--fail-on`, 2 could not run).

use clap::Parser;
use coroner::cli::{self, Cli, Outcome};
use std::process::ExitCode;

/// glibc gives each thread that allocates its own arena (up to eight per
/// core), and the typed model is built on every rayon thread: on a
/// 10,000-pod dump the resident size was 396 MB for a 303 MB heap. Two
/// arenas bring it to 321 MB at no measurable cost in time (BENCHMARKS.md).
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable; it is called before any thread
    // exists, and an unsupported value is ignored (it returns 0).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    // Ctrl-C or SIGTERM (a CI timeout, `kill`) must not leave unpacked
    // archives or half a report behind: destructors do not run when a
    // signal ends the process, so the handler removes what the registry
    // holds and exits with 130, as a shell does for an interrupted command.
    if let Err(e) = ctrlc::set_handler(|| {
        coroner::dump::source::remove_temporaries();
        std::process::exit(130);
    }) {
        eprintln!(
            "coroner: cannot watch for Ctrl-C ({e}); an interrupted run may leave temporary files"
        );
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli::run(cli) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::FindingsAtThreshold) => ExitCode::from(1),
        Err(e) => {
            eprintln!("coroner: {e}");
            ExitCode::from(2)
        }
    }
}
