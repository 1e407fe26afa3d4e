//! Finds the order in which the built-in signature literals go to the
//! packed (Teddy) searcher: `PACKED_ORDER` in `src/logscan/catalog.rs`.
//!
//! `cargo run --release --example literal_order -- [--rounds N] LOG...`
//!
//! Teddy puts literal `i` into bucket `15 - i % 16` (aho-corasick 1.x, 16
//! buckets past 32 literals, 8 up to that), except that a literal whose
//! first four bytes have the same low nybbles as an earlier one's joins that
//! one's bucket. At every position of a log it tests the next four bytes
//! against each bucket nybble by nybble, and verifies each literal of every
//! bucket that accepts. The cost of an order is therefore the number of
//! literal verifications per MB of log, which this program counts exactly by
//! running that test over the sample logs (each weighted the same, so a
//! small real log counts as much as a big synthetic one). It then swaps
//! pairs of literals at random (a fixed seed, so a run is repeatable),
//! keeps each swap that lowers the count, and prints the best order found,
//! with its cost on every sample, as Rust source.
//!
//! Give it logs of the kind coroner reads (the `logs.txt` of real dumps;
//! the synthetic dumps of `examples/synth.rs`), and check the gain on logs
//! that were not in the sample before adopting an order.

use std::collections::HashMap;

/// Reads at most this much of each sample.
const SAMPLE_BYTES: usize = 16 << 20;

fn main() {
    let mut rounds = 3000usize;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--rounds takes a number");
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        eprintln!("usage: literal_order [--rounds N] LOG...");
        std::process::exit(2);
    }
    let samples: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| {
            let mut bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
            bytes.truncate(SAMPLE_BYTES);
            (f.clone(), bytes)
        })
        .collect();
    let catalog = coroner::logscan::Catalog::builtin();
    let lits: Vec<Vec<u8>> = catalog
        .packed_literals()
        .iter()
        .map(|l| l.as_bytes().to_vec())
        .collect();
    let model = Model::new(&lits, &samples);
    let start: Vec<usize> = (0..lits.len()).collect();
    // The order of the signatures, for comparison.
    let mut first_seen: Vec<usize> = Vec::new();
    for sig in catalog.signatures() {
        for l in &sig.literals {
            if let Some(i) = lits.iter().position(|x| x == l.as_bytes()) {
                if !first_seen.contains(&i) {
                    first_seen.push(i);
                }
            }
        }
    }
    let mut cache = HashMap::new();
    let mut best = start.clone();
    let mut best_cost = model.cost(&best, &mut cache);
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    for round in 0..rounds {
        let i = next(&mut rng) as usize % best.len();
        let j = next(&mut rng) as usize % best.len();
        if i == j {
            continue;
        }
        let mut order = best.clone();
        order.swap(i, j);
        let c = model.cost(&order, &mut cache);
        if c < best_cost {
            best = order;
            best_cost = c;
        }
        if round % 500 == 0 {
            eprintln!("round {round}: {best_cost:.0} verifications per MB (sum over samples)");
        }
    }
    for (name, order) in [
        ("signature order", &first_seen),
        ("current order", &start),
        ("best order", &best),
    ] {
        println!("// {name}:");
        for (s, (file, _)) in samples.iter().enumerate() {
            println!(
                "//   {:>8.0} per MB  {file}",
                model.sample_cost(order, s, &mut HashMap::new())
            );
        }
    }
    println!("const PACKED_ORDER: &[&str] = &[");
    for &i in &best {
        println!("    {:?},", String::from_utf8_lossy(&lits[i]));
    }
    println!("];");
}

/// xorshift64: a fixed sequence, so runs repeat.
fn next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

struct Model<'a> {
    lits: &'a [Vec<u8>],
    samples: &'a [(String, Vec<u8>)],
    mask: usize,
    buckets: usize,
}

impl<'a> Model<'a> {
    fn new(lits: &'a [Vec<u8>], samples: &'a [(String, Vec<u8>)]) -> Model<'a> {
        Model {
            lits,
            samples,
            mask: lits.iter().map(Vec::len).min().unwrap_or(1).min(4),
            buckets: if lits.len() > 32 { 16 } else { 8 },
        }
    }

    /// Teddy's bucket assignment for literals given in `order`.
    fn assign(&self, order: &[usize]) -> Vec<Vec<usize>> {
        let mut buckets = vec![Vec::new(); self.buckets];
        let mut by_nybbles: HashMap<Vec<u8>, usize> = HashMap::new();
        for (id, &l) in order.iter().enumerate() {
            let key: Vec<u8> = self.lits[l][..self.mask].iter().map(|b| b & 15).collect();
            let b = *by_nybbles
                .entry(key)
                .or_insert(self.buckets - 1 - id % self.buckets);
            buckets[b].push(l);
        }
        for b in &mut buckets {
            b.sort_unstable();
        }
        buckets
    }

    /// Verifications per MB over all samples (each weighted the same).
    fn cost(&self, order: &[usize], cache: &mut HashMap<(usize, Vec<usize>), f64>) -> f64 {
        (0..self.samples.len())
            .map(|s| self.sample_cost(order, s, cache))
            .sum()
    }

    fn sample_cost(
        &self,
        order: &[usize],
        s: usize,
        cache: &mut HashMap<(usize, Vec<usize>), f64>,
    ) -> f64 {
        self.assign(order)
            .into_iter()
            .filter(|b| !b.is_empty())
            .map(|b| {
                *cache
                    .entry((s, b.clone()))
                    .or_insert_with(|| self.bucket_cost(&b, &self.samples[s].1))
            })
            .sum()
    }

    /// Positions where the bucket accepts the next `mask` bytes, times the
    /// literals it then verifies, per MB.
    fn bucket_cost(&self, bucket: &[usize], hay: &[u8]) -> f64 {
        let mut accept = [[false; 256]; 4];
        for (pos, row) in accept.iter_mut().enumerate().take(self.mask) {
            let lo: Vec<u8> = bucket.iter().map(|&l| self.lits[l][pos] & 15).collect();
            let hi: Vec<u8> = bucket.iter().map(|&l| self.lits[l][pos] >> 4).collect();
            for (b, ok) in row.iter_mut().enumerate() {
                *ok = lo.contains(&(b as u8 & 15)) && hi.contains(&(b as u8 >> 4));
            }
        }
        let n = hay.len().saturating_sub(self.mask - 1);
        let hits = (0..n)
            .filter(|&p| (0..self.mask).all(|k| accept[k][hay[p + k] as usize]))
            .count();
        hits as f64 * bucket.len() as f64 * 1e6 / hay.len().max(1) as f64
    }
}
