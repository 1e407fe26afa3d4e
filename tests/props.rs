//! Property tests: no input makes a parser panic, and what can be checked
//! exactly (log bodies, list items before a cut) round-trips. These cover
//! the stdout splitter, the log splitter, the list parser, the
//! FailedScheduling parser and the archive reader (issue 7).

use coroner::dump::{lists, logs, stream};
use proptest::prelude::*;

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Log bodies that do not contain an END marker of their own.
fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..400).prop_filter("no END marker inside", |b| {
        !b.windows(9).any(|w| w == b"==== END ")
    })
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn log_splitter_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let (sections, _, size, _) = logs::split_pod_file(&bytes[..], "f", "ns", "p").unwrap();
        prop_assert_eq!(size, bytes.len() as u64);
        for s in sections {
            prop_assert!(s.body_start <= s.body_end && s.body_end <= size);
        }
    }

    #[test]
    fn log_bodies_round_trip(bodies in proptest::collection::vec(body(), 1..5)) {
        let mut file = Vec::new();
        for (i, b) in bodies.iter().enumerate() {
            file.extend(format!("==== START logs for container c{i} of pod ns/p ====\n").as_bytes());
            file.extend(b);
            file.extend(format!("==== END logs for container c{i} of pod ns/p ====\n").as_bytes());
        }
        let (sections, problems, _, _) = logs::split_pod_file(&file[..], "f", "ns", "p").unwrap();
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(sections.len(), bodies.len());
        for (s, b) in sections.iter().zip(&bodies) {
            prop_assert_eq!(&file[s.body_start as usize..s.body_end as usize], &b[..]);
        }
    }

    #[test]
    fn stream_splitter_never_panics(lines in proptest::collection::vec(
        prop_oneof![
            Just("{".to_string()), Just("}".to_string()), Just("---".to_string()),
            Just("apiVersion: v1".to_string()), Just("    \"kind\": \"PodList\",".to_string()),
            Just("==== START logs for container c of pod ns/p ====".to_string()),
            Just("==== END logs for container c of pod ns/p ====".to_string()),
            Just("Cluster info dumped to standard output".to_string()),
            "[ -~]{0,40}",
        ], 0..60)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.txt");
        std::fs::write(&p, lines.join("\n")).unwrap();
        let scan = stream::scan(&p, "s.txt", 0).unwrap();
        let size = lines.join("\n").len() as u64;
        for part in scan.parts {
            match part {
                stream::Part::Doc { start, end, .. } => prop_assert!(start <= end && end <= size),
                stream::Part::Log(s) => prop_assert!(s.body_start <= s.body_end && s.body_end <= size),
            }
        }
        // And the whole reader on the same file.
        let _ = coroner::open(&p);
    }

    #[test]
    fn list_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1000)) {
        let _ = lists::parse_list(&bytes, "f", None);
    }

    #[test]
    fn a_cut_list_keeps_the_items_before_the_cut(n in 1usize..8, cut in 0.0f64..1.0) {
        let items: Vec<serde_json::Value> = (0..n)
            .map(|i| serde_json::json!({"metadata": {"name": format!("p{i}"), "labels": {"a": "}{][\""}}}))
            .collect();
        let doc = serde_json::to_vec_pretty(&serde_json::json!({"kind": "PodList", "apiVersion": "v1", "items": items})).unwrap();
        let at = ((doc.len() as f64) * cut) as usize;
        let list = lists::parse_list(&doc[..at], "f", None);
        // Every item kept is whole and in order.
        for (k, (i, item)) in list.items.iter().enumerate() {
            prop_assert_eq!(*i, k);
            let pod: coroner::model::Pod = lists::typed(item, false).unwrap();
            prop_assert_eq!(pod.metadata.name, format!("p{k}"));
        }
    }

    #[test]
    fn scheduling_message_parser_never_panics(s in "\\PC{0,200}") {
        let _ = coroner::analyze::sched::parse(&s);
        let _ = coroner::analyze::sched::parse(&format!("0/3 nodes are available: {s}"));
    }

    #[test]
    fn archive_reader_never_panics(magic in prop_oneof![Just(&b"PK\x03\x04"[..]), Just(&b"\x1f\x8b"[..]), Just(&b""[..])],
                                    bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        let mut data = magic.to_vec();
        data.extend(bytes);
        std::fs::write(&p, data).unwrap();
        let _ = coroner::open(&p);
    }
}

/// Log lines that the built-in signatures care about, with noise, stack
/// traces, CRLF endings and lines longer than a small scan window.
fn log_text() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("panic: runtime error: invalid memory address".to_string()),
        Just("goroutine 1 [running]:".to_string()),
        Just("\tmain.main()".to_string()),
        Just("Traceback (most recent call last):".to_string()),
        Just("  File \"app.py\", line 3, in <module>".to_string()),
        Just("ValueError: bad".to_string()),
        Just("java.lang.IllegalStateException: boom".to_string()),
        Just("\tat com.example.Main.run(Main.java:10)".to_string()),
        Just("Caused by: java.io.IOException: Connection refused".to_string()),
        Just("dial tcp 10.0.0.1:5432: connect: connection refused".to_string()),
        Just("Error: ENOTFOUND db".to_string()),
        Just("".to_string()),
        "[ -~]{0,60}",
        "[ -~]{150,400}",
        "[a-z ]{0,20}Exception[a-z ]{0,300}",
    ];
    (
        proptest::collection::vec(line, 0..80),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, trailing)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut s = lines.join(eol);
            if trailing && !lines.is_empty() {
                s.push_str(eol);
            }
            s.into_bytes()
        })
}

proptest! {
    #![proptest_config(cfg())]

    /// The scan of a log in memory (in place) and the scan through a reader
    /// cut the same regions, so they must agree on everything, with windows
    /// small enough that logs span many regions and long lines span several
    /// windows.
    #[test]
    fn scanning_in_place_finds_what_a_reader_finds(
        body in log_text(),
        buffer_size in 96usize..700,
        overlap in 1usize..40,
    ) {
        use coroner::logscan::{scan_bytes, scan_in_place, Catalog, ScanOptions};
        let cat = Catalog::builtin();
        let opts = ScanOptions { buffer_size, overlap, ..ScanOptions::default() };
        let mut ext = vec![b'\n'];
        ext.extend_from_slice(&body);
        let in_place = scan_in_place(&ext, 7, cat, &opts);
        let read = scan_bytes(&body, 7, cat, &opts);
        prop_assert_eq!(in_place, read);
    }
}

/// `hir` with its anchors and word boundaries dropped: it matches more
/// strings, never fewer, so a property of all of them holds for the
/// original too. (proptest cannot generate from a look-around.)
fn without_looks(hir: &regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match hir.kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_looks).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(without_looks).collect()),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(without_looks(&r.sub)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(without_looks(&c.sub)),
            ..c.clone()
        }),
        _ => hir.clone(),
    }
}

/// The prefilter contract for every built-in signature: each line its
/// regex matches holds one of its literals (a leading `\n` standing for
/// the start of the line), else the scan would never look at that line.
/// The lines are generated from the regex itself, so every alternative is
/// covered, not only the catalog's examples; this is what makes it safe to
/// choose literals for speed.
#[test]
fn every_match_of_a_builtin_signature_holds_one_of_its_literals() {
    use proptest::test_runner::{Config, TestRunner};
    for sig in coroner::logscan::Catalog::builtin().signatures() {
        // The flags the catalog compiles with: bytes, ASCII classes.
        let hir = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .unicode(false)
            .multi_line(true)
            .crlf(true)
            .build()
            .parse(&sig.regex)
            .unwrap();
        let lines = proptest::string::bytes_regex_parsed(&without_looks(&hir)).unwrap();
        let mut runner = TestRunner::new(Config {
            cases: 400,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&lines, |line| {
                let with_nl = [&b"\n"[..], &line].concat();
                let held = sig.literals.iter().any(|l| {
                    let l = l.as_bytes();
                    with_nl.windows(l.len()).any(|w| w == l)
                });
                prop_assert!(
                    held,
                    "{}: {:?} matches but holds none of {:?}",
                    sig.id,
                    String::from_utf8_lossy(&line),
                    sig.literals
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
