//! Benchmarks of each stage on generated dumps (see `coroner::synth`):
//! ingest and index (`coroner::open`), analysis, and rendering. The medium
//! dump (~1,300 pods, ~17 MB of JSON, ~400 MB of logs) is generated once
//! into `target/bench-dumps/` and reused; it is deterministic, so numbers
//! from different runs compare.
//!
//! Run: `cargo bench --bench ingest` (BENCHMARKS.md has the numbers).

use coroner::synth::{write_dump, SynthSpec};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Duration;

/// The generated dump for `name`, made on first use.
fn dump(name: &str, spec: SynthSpec) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-dumps");
    let dir = root.join(name);
    let done = root.join(format!("{name}.done"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&root).unwrap();
        write_dump(&spec, &dir).expect("generate dump");
        std::fs::write(&done, b"").unwrap();
    }
    dir
}

fn stages(c: &mut Criterion) {
    let medium = dump("medium", SynthSpec::medium());
    let mut g = c.benchmark_group("medium");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("ingest+index", |b| {
        b.iter(|| coroner::open(&medium).unwrap())
    });
    let ix = coroner::open(&medium).unwrap();
    g.bench_function("analyze", |b| b.iter(|| coroner::analyze::analyze(&ix)));
    let view = coroner::report::ReportView::new(&ix, coroner::analyze::analyze(&ix), None);
    g.bench_function("render-html", |b| {
        b.iter(|| coroner::report::render::html(&view).unwrap())
    });
    g.bench_function("render-json", |b| b.iter(|| view.to_json()));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
