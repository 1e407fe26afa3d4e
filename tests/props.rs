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
