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
    // Ctrl-C, SIGTERM (a CI timeout, `kill`) or SIGHUP must not leave
    // unpacked archives or half a report behind: destructors do not run
    // when a signal ends the process, so a thread waits for those signals,
    // removes what the registry holds and exits with 128 + the signal's
    // number (130, 143, 129), as a shell reports a command the signal
    // ended.
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    coroner::dump::source::remove_temporaries();
                    std::process::exit(128 + sig);
                }
            });
        }
        Err(e) => eprintln!(
            "coroner: cannot watch for Ctrl-C ({e}); an interrupted run may leave temporary files"
        ),
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
