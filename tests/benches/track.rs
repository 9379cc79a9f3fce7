//! The cost of the trackers of `errq_codec::track` per report, with no system call in the
//! way (the reports are built in memory, as a drain would hand them over):
//!
//! - `timestamp/datagram`: register a send, feed its SCHED and SND reports (it completes);
//! - `timestamp/stream`: register a TCP send, feed SCHED, SND and ACK;
//! - `timestamp/lossy`: as `datagram`, with every fourth report dropped, so gaps are found
//!   and the lost sends handed out by `pop_lost`;
//! - `zerocopy/single`: register a send, complete it with its own range;
//! - `zerocopy/merged64`: register 64 sends, complete them with one merged range.
//!
//! `cargo bench -p errq-tests --bench track`. `ERRQ_TRACK_LOOP=N` instead runs each
//! workload for N sends with no timing, each in its own `#[inline(never)]` function
//! (`loop_*`), for `valgrind --tool=callgrind`: instruction counts that load does not
//! change. Divide a function's inclusive count by the reports it fed (printed).

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)] // bench counters

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use errq_codec::meaning::ZerocopyRange;
use errq_codec::timestamp::{Timespec, TstampKind};
use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport, ZerocopyTracker};

const CAP: usize = 1024;

fn report(key: u32, stage: TstampKind) -> TxReport {
    TxReport::new(
        key,
        stage,
        Timespec {
            sec: 1_700_000_000,
            nsec: i64::from(key % 1_000_000) * 1000 + i64::from(stage.0),
        },
        false,
    )
}

/// Sum of what a user reads from a finished send, so nothing is optimised away.
fn read_outcome(o: &Outcome<u32>) -> u64 {
    match o {
        Outcome::Complete(r) => {
            u64::from(r.token)
                + r.latency(TstampKind::SCHED, TstampKind::SND)
                    .map_or(0, |d| d.subsec_nanos().into())
        }
        Outcome::Stored { token } | Outcome::Duplicate { token } => u64::from(*token),
        Outcome::Unmatched(_) => 1,
    }
}

struct Datagram {
    t: Box<TimestampTracker<u32, CAP>>,
    key: u32,
}

impl Datagram {
    fn new() -> Self {
        Self {
            t: Box::new(TimestampTracker::datagram()),
            key: u32::MAX - 1000, // wraps during a run
        }
    }

    /// One send, two reports.
    #[inline]
    fn step(&mut self) -> u64 {
        let k = self.key;
        self.key = k.wrapping_add(1);
        self.t
            .register(k, Stages::SCHED | Stages::SND, k, Duration::ZERO)
            .expect("room");
        read_outcome(&self.t.feed(black_box(&report(k, TstampKind::SCHED))))
            + read_outcome(&self.t.feed(black_box(&report(k, TstampKind::SND))))
    }

    /// One send, two reports, every fourth report dropped.
    #[inline]
    fn step_lossy(&mut self) -> u64 {
        let k = self.key;
        self.key = k.wrapping_add(1);
        self.t
            .register(k, Stages::SCHED | Stages::SND, k, Duration::ZERO)
            .expect("room");
        let mut acc = 0;
        if k % 2 != 0 {
            acc += read_outcome(&self.t.feed(black_box(&report(k, TstampKind::SCHED))));
        }
        acc += read_outcome(&self.t.feed(black_box(&report(k, TstampKind::SND))));
        while let Some(r) = self.t.pop_lost() {
            acc += u64::from(r.lost.0);
        }
        acc
    }
}

struct Stream {
    t: Box<TimestampTracker<u32, CAP>>,
    offset: u32,
    n: u32,
}

impl Stream {
    fn new() -> Self {
        Self {
            t: Box::new(TimestampTracker::stream()),
            offset: u32::MAX - 100_000,
            n: 0,
        }
    }

    /// One 1448-byte send, three reports.
    #[inline]
    fn step(&mut self) -> u64 {
        let first = self.offset;
        let last = first.wrapping_add(1447);
        self.offset = last.wrapping_add(1);
        self.n += 1;
        self.t
            .register_bytes(
                first,
                1448,
                Stages::SCHED | Stages::SND | Stages::ACK,
                self.n,
                Duration::ZERO,
            )
            .expect("room");
        read_outcome(&self.t.feed(black_box(&report(last, TstampKind::SCHED))))
            + read_outcome(&self.t.feed(black_box(&report(last, TstampKind::SND))))
            + read_outcome(&self.t.feed(black_box(&report(last, TstampKind::ACK))))
    }
}

struct Zerocopy {
    z: Box<ZerocopyTracker<u32, CAP>>,
    n: u32,
}

impl Zerocopy {
    fn new() -> Self {
        Self {
            z: Box::new(ZerocopyTracker::starting_at(u32::MAX - 1000)),
            n: 0,
        }
    }

    /// Register `count` sends and complete them with one range.
    #[inline]
    fn step(&mut self, count: u32) -> u64 {
        let lo = self.z.next_counter();
        for _ in 0..count {
            self.n += 1;
            self.z.register(self.n, Duration::ZERO).expect("room");
        }
        let range = ZerocopyRange {
            lo,
            hi: lo.wrapping_add(count - 1),
            copied: false,
        };
        let mut acc = 0u64;
        self.z
            .complete(black_box(range), |_, token| acc += u64::from(token))
            .expect("possible");
        acc
    }
}

#[inline(never)]
fn loop_timestamp_datagram(n: u64) -> u64 {
    let mut d = Datagram::new();
    (0..n).map(|_| d.step()).sum()
}

#[inline(never)]
fn loop_timestamp_stream(n: u64) -> u64 {
    let mut s = Stream::new();
    (0..n).map(|_| s.step()).sum()
}

#[inline(never)]
fn loop_timestamp_lossy(n: u64) -> u64 {
    let mut d = Datagram::new();
    (0..n).map(|_| d.step_lossy()).sum()
}

#[inline(never)]
fn loop_zerocopy_single(n: u64) -> u64 {
    let mut z = Zerocopy::new();
    (0..n).map(|_| z.step(1)).sum()
}

#[inline(never)]
fn loop_zerocopy_merged64(n: u64) -> u64 {
    let mut z = Zerocopy::new();
    (0..n / 64).map(|_| z.step(64)).sum()
}

/// Building the reports and reading the outcomes without a tracker: the overhead the
/// loops above include.
#[inline(never)]
fn loop_overhead(n: u64) -> u64 {
    (0..n as u32)
        .map(|k| {
            let a = black_box(report(k, TstampKind::SCHED));
            let b = black_box(report(k, TstampKind::SND));
            u64::from(a.key) + u64::from(b.key)
        })
        .sum()
}

fn main() {
    if let Some(n) = std::env::var("ERRQ_TRACK_LOOP")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        black_box(loop_overhead(n));
        black_box(loop_timestamp_datagram(n));
        black_box(loop_timestamp_stream(n));
        black_box(loop_timestamp_lossy(n));
        black_box(loop_zerocopy_single(n));
        black_box(loop_zerocopy_merged64(n));
        println!(
            "reports fed: overhead {} (2 per send), timestamp_datagram {}, timestamp_stream {}, \
             timestamp_lossy {} (3 of 4 delivered), zerocopy_single {} (sends), \
             zerocopy_merged64 {} (sends)",
            2 * n,
            2 * n,
            3 * n,
            n * 3 / 2,
            n,
            n / 64 * 64
        );
        return;
    }
    let mut crit = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    {
        let mut g = crit.benchmark_group("timestamp");
        let mut d = Datagram::new();
        g.throughput(Throughput::Elements(2));
        g.bench_function("datagram", |b| b.iter(|| d.step()));
        let mut l = Datagram::new();
        g.throughput(Throughput::Elements(2));
        g.bench_function("lossy", |b| b.iter(|| l.step_lossy()));
        let mut s = Stream::new();
        g.throughput(Throughput::Elements(3));
        g.bench_function("stream", |b| b.iter(|| s.step()));
        g.finish();
    }
    {
        let mut g = crit.benchmark_group("zerocopy");
        let mut z = Zerocopy::new();
        g.throughput(Throughput::Elements(1));
        g.bench_function("single", |b| b.iter(|| z.step(1)));
        let mut m = Zerocopy::new();
        g.throughput(Throughput::Elements(64));
        g.bench_function("merged64", |b| b.iter(|| m.step(64)));
        g.finish();
    }
    crit.final_summary();
}
