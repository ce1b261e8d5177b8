//! Crash test: a child process (this test binary, re-executed with an environment variable)
//! appends events in a loop and prints each committed sequence; the parent kills it with
//! SIGKILL at varying moments. Every sequence the child reported must be present, and every
//! chain must verify against its stored head.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use welfare_casefile::chain::verify;
use welfare_casefile::events::AggregateKind;
use welfare_casefile::store::CaseStore;
use welfare_store::Store;

use crate::fixtures::{case, filler, next_unit, tenant};

const CHILD: &str = "WELFARE_STORE_CRASH_CHILD";

/// In the child: append to three cases round-robin forever, reporting each commit.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CHILD) else { return };
    let mut s = Store::open(&path).unwrap();
    let t = tenant("crash");
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        let c = case(&format!("C-{}", n % 3));
        let head = s.head(&t, &c).unwrap();
        let u =
            next_unit(&s, &t, &c, &format!("k-{}-{}", n % 3, head.sequence + 1), vec![filler()]);
        s.append(&t, u).unwrap();
        writeln!(out, "committed C-{} {}", n % 3, head.sequence + 1).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn every_reported_commit_survives_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite");
    let mut reported: std::collections::BTreeMap<String, u64> = Default::default();
    // Kill times spread over the first tens of milliseconds, where the child is busiest.
    for (round, wait_ms) in [15u64, 40, 5, 70, 25, 55].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash::crash_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, path.to_str().unwrap())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<_>>()
        });
        std::thread::sleep(Duration::from_millis(200 + wait_ms * (round as u64 + 1)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            if let Some(rest) = line.strip_prefix("committed ") {
                let (c, seq) = rest.split_once(' ').unwrap();
                let seq: u64 = seq.parse().unwrap();
                let e = reported.entry(c.to_owned()).or_default();
                *e = (*e).max(seq);
            }
        }
    }
    assert!(!reported.is_empty(), "the child committed nothing");
    let s = Store::open_sqlite(&path).unwrap();
    let t = tenant("crash");
    for agg in s.aggregates(&t, AggregateKind::Case).unwrap() {
        let records = s.load(&t, &agg).unwrap();
        let head = s.head(&t, &agg).unwrap();
        verify(&records, Some(&head)).unwrap();
    }
    for (c, seq) in reported {
        let head = s.head(&t, &case(&c)).unwrap();
        assert!(head.sequence >= seq, "{c}: reported {seq}, stored {}", head.sequence);
    }
}
