//! Times the log scan alone (after ingest) on a dump, for the side-by-side
//! comparison with `rg -c -f PATTERNS` in benches/compare.sh:
//! `cargo run --release --example logscan -- DUMP [RUNS]` prints the median
//! scan time in seconds.
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: logscan DUMP [RUNS]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let ix = coroner::open(std::path::Path::new(&path)).expect("dump reads");
    let catalog = coroner::logscan::Catalog::builtin();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            let scan = coroner::logscan::scan_all(&ix, catalog);
            let e = t.elapsed().as_secs_f64();
            drop(scan);
            e
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    println!("{:.3}", times[times.len() / 2]);
}
