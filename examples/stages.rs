//! Times each stage once on a dump, for profiling by hand:
//! `cargo run --release --example stages -- DUMP`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: stages DUMP");
    let t = std::time::Instant::now();
    let ix = coroner::open(std::path::Path::new(&path)).expect("dump reads");
    let t1 = t.elapsed();
    let catalog = coroner::logscan::Catalog::builtin();
    let t2s = std::time::Instant::now();
    let scan = coroner::logscan::scan_all(&ix, catalog);
    let t2 = t2s.elapsed();
    let t3s = std::time::Instant::now();
    let a = coroner::analyze::analyze(&ix);
    let t3 = t3s.elapsed();
    let t4s = std::time::Instant::now();
    let view = coroner::report::ReportView::new(&ix, a, None);
    let html = coroner::report::render::html(&view).unwrap();
    let t4 = t4s.elapsed();
    println!(
        "ingest+index {:?}  log scan alone {:?} ({} sections)  analyze (incl. log scan) {:?}  view+html {:?} ({} bytes)",
        t1,
        t2,
        ix.logs.len(),
        t3,
        t4,
        html.len()
    );
    drop(scan);
}
