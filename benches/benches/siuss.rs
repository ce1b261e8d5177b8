//! SIUSS flows: strict writing throughput, and streaming validation of a 100 MB bulk flow in
//! memory that does not grow with the file. Each bench asserts its result inside the loop.
//!
//! Run: `cargo bench -p welfare-benches --bench siuss -- --warm-up-time 1 --measurement-time 3`
//!
//! The 100 MB flow is generated in the system's temporary directory when the bench starts and
//! removed at the end; it is never committed.

// A bench stops loudly when its fixture is wrong, like a test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs::File;
use std::hint::black_box;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput};
use welfare_siuss::{examples, validate_xml_with, FlowKind, FlowWriter};

/// Benefit records per write iteration.
const WRITE_BATCH: usize = 10_000;

/// Writes a bulk PS flow of `records` beneficiaries (one benefit each) through the strict
/// streaming writer.
fn write_flow(out: impl std::io::Write, records: usize) -> usize {
    let flow = examples::ps_flow();
    let mut writer = FlowWriter::new(out, FlowKind::Ps, &flow.identificazione).unwrap();
    let mut b = flow.beneficiari[0].clone();
    for i in 0..records {
        // A different application protocol per record, as in a real register.
        b.prestazioni[0].protocollo_domanda = format!("2026/{i:07}");
        writer.beneficiario(black_box(&b)).unwrap();
    }
    assert_eq!(writer.records(), records);
    writer.finish().unwrap();
    records
}

/// Target: ≥ 100,000 benefit records per second written (each checked by the validator first).
fn writing(c: &mut Criterion) {
    let mut group = c.benchmark_group("siuss");
    group.throughput(Throughput::Elements(WRITE_BATCH as u64));
    group.sample_size(10);
    group.bench_function("write_checked_records", |bench| {
        let mut buf = Vec::with_capacity(WRITE_BATCH * 2048);
        bench.iter(|| {
            buf.clear();
            let n = write_flow(&mut buf, WRITE_BATCH);
            assert_eq!(n, WRITE_BATCH);
            assert!(buf.len() > WRITE_BATCH * 1000);
        });
    });
    group.finish();
}

/// Generates a bulk flow of at least `bytes` bytes; returns its path and record count.
fn generate(bytes: u64, name: &str) -> (PathBuf, usize) {
    let path =
        std::env::temp_dir().join(format!("welfare-siuss-bench-{}-{name}.xml", std::process::id()));
    let per_record = {
        let mut one = Vec::new();
        write_flow(&mut one, 2);
        let mut two = Vec::new();
        write_flow(&mut two, 3);
        (two.len() - one.len()) as u64
    };
    let records = (bytes / per_record + 1) as usize;
    write_flow(BufWriter::with_capacity(1 << 20, File::create(&path).unwrap()), records);
    (path, records)
}

fn validate(path: &Path, records: usize) {
    let input = BufReader::with_capacity(1 << 16, File::open(path).unwrap());
    let mut errors = 0usize;
    let report = validate_xml_with(input, |issue| errors += usize::from(issue.is_error())).unwrap();
    assert_eq!(errors, 0);
    assert_eq!(report.records, records);
}

/// Peak resident memory (VmHWM, KiB) after resetting it, around `f`; `None` off Linux.
fn peak_rss_kib(f: impl FnOnce()) -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    f();
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Target: 100 MB validated streaming, at ≥ 50 MB/s, with the same peak memory as 10 MB.
#[allow(clippy::print_stderr)]
fn validating(c: &mut Criterion) {
    let (small, small_records) = generate(10 << 20, "10mb");
    let (big, big_records) = generate(100 << 20, "100mb");
    let size = std::fs::metadata(&big).unwrap().len();
    // Constant memory: the peak resident set validating 100 MB is that of validating 10 MB
    // (within 4 MiB of allocator noise), well below the file size (it includes the territory
    // tables, about 10 MiB, loaded once).
    let small_peak = peak_rss_kib(|| validate(&small, small_records));
    let big_peak = peak_rss_kib(|| validate(&big, big_records));
    if let (Some(s), Some(b)) = (small_peak, big_peak) {
        eprintln!("siuss: peak RSS validating 10 MB: {s} KiB; 100 MB: {b} KiB");
        assert!(b < s + 4096, "memory grows with the file: {s} KiB for 10 MB, {b} KiB for 100 MB");
        assert!(b < 64 * 1024, "peak {b} KiB validating a {size}-byte file");
    }
    let mut group = c.benchmark_group("siuss");
    group.throughput(Throughput::Bytes(size));
    group.sample_size(10);
    group.bench_function("validate_100mb_streaming", |bench| {
        bench.iter(|| validate(&big, big_records));
    });
    group.finish();
    std::fs::remove_file(small).unwrap();
    std::fs::remove_file(big).unwrap();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    writing(&mut criterion);
    validating(&mut criterion);
    criterion.final_summary();
}
