//! Shared code of the fuzz targets: the entry points (also replayed by
//! `tests/fuzz_regressions.rs`) and a guard that keeps a runaway archive
//! from filling the shared disk.

pub mod entry;

/// Caps the size of any file this process writes at 256 MB and makes a
/// write past it fail with EFBIG instead of killing the process with
/// SIGXFSZ. The archive and pipeline targets pass [`entry::fuzz_limits`]
/// (64 MB), so a write that hits the cap is an unpacking path that ignores
/// the caller's limits: the target turns that into a crash.
pub fn guard_disk() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let cap = libc::rlimit {
            rlim_cur: 256 << 20,
            rlim_max: libc::RLIM_INFINITY,
        };
        libc::setrlimit(libc::RLIMIT_FSIZE, &cap);
    });
}
