//! A TX-timestamp latency probe: how long each datagram waits between the packet scheduler
//! (`SCM_TSTAMP_SCHED`) and the driver (`SCM_TSTAMP_SND`), per packet, with percentiles.
//!
//! ```text
//! cargo run -p errq-sys --example tx_latency                              # recvmmsg drain
//! cargo run -p errq-sys --features io-uring --example tx_latency -- --io-uring
//! cargo run -p errq-sys --example tx_latency -- --count 100000
//! ```
//!
//! Sends UDP datagrams to a receiver on 127.0.0.1 from a socket with `SO_TIMESTAMPING` =
//! `TX_SCHED | TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY`, registers each send with a
//! `errq_codec::track::TimestampTracker`, reads the reports while sending (through io_uring
//! with `--io-uring`, else `recvmmsg`), and prints the SCHED-to-SND latency percentiles and
//! anything lost. Exits non-zero if a report is unmatched. No root needed.

// An example program: indexing and arithmetic on small known numbers read as the C it
// replaces; a panic there is a bug in the example, which CI runs.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use errq_codec::timestamp::TstampKind;
use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport};
use errq_sys::{set_so_timestamping, BatchBuffers, Timestamping};

/// Sends outstanding at most: the tracker's capacity.
const WINDOW: usize = 4096;

struct Probe {
    tracker: Box<TimestampTracker<u32, WINDOW>>,
    latencies_ns: Vec<u64>,
    lost: u64,
}

impl Probe {
    fn feed(&mut self, report: &TxReport) {
        if let Outcome::Complete(send) = self.tracker.feed(report) {
            let d = send
                .latency(TstampKind::SCHED, TstampKind::SND)
                .expect("both stages arrived");
            self.latencies_ns
                .push(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        }
        while let Some(lost) = self.tracker.pop_lost() {
            eprintln!(
                "lost: send {} (key {}), stages {:?}",
                lost.token, lost.key, lost.lost
            );
            self.lost += 1;
        }
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let io_uring = args.iter().any(|a| a == "--io-uring");
    let count: u32 = args
        .iter()
        .position(|a| a == "--count")
        .and_then(|i| args.get(i + 1))
        .map_or(10_000, |n| n.parse().expect("--count N"));

    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    let socket = UdpSocket::bind("127.0.0.1:0")?;
    socket.connect(receiver.local_addr()?)?;
    set_so_timestamping(
        &socket,
        Timestamping::TX_SCHED
            | Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    )?;
    // The error queue is charged to the receive buffer: room for a window of reports.
    errq_sys::set_so_rcvbuf(&socket, 4 << 20)?;

    let mut probe = Probe {
        tracker: Box::new(TimestampTracker::datagram()),
        latencies_ns: Vec::with_capacity(count as usize),
        lost: 0,
    };
    let start = Instant::now();
    let path = run(&socket, count, io_uring, &mut probe, start)?;

    let stats = *probe.tracker.stats();
    let mut l = probe.latencies_ns;
    l.sort_unstable();
    let pct = |p: usize| {
        l.get((l.len().saturating_sub(1)) * p / 100)
            .copied()
            .unwrap_or(0)
    };
    println!(
        "{count} sends via {path}: {} complete, {} lost, {} unmatched reports",
        l.len(),
        probe.lost,
        stats.unmatched
    );
    println!(
        "SCHED -> SND: p50 {} ns, p90 {} ns, p99 {} ns, max {} ns",
        pct(50),
        pct(90),
        pct(99),
        l.last().copied().unwrap_or(0)
    );
    if stats.unmatched != 0 || l.len() as u64 + probe.lost != u64::from(count) {
        eprintln!("error: not every send was accounted for");
        std::process::exit(1);
    }
    Ok(())
}

#[cfg(all(feature = "io-uring", target_pointer_width = "64"))]
fn run(
    socket: &UdpSocket,
    count: u32,
    io_uring: bool,
    probe: &mut Probe,
    start: Instant,
) -> std::io::Result<&'static str> {
    use std::os::fd::AsFd;
    if !io_uring {
        return run_recvmmsg(socket, count, probe, start);
    }
    let mut ring = match errq_sys::uring::TxTimestampRing::new(socket.as_fd(), 8192) {
        Ok(ring) => ring,
        Err(why) => {
            eprintln!("io_uring unavailable ({why}); using recvmmsg");
            return run_recvmmsg(socket, count, probe, start);
        }
    };
    for key in 0..count {
        send(socket, key, probe, start)?;
        if key % 64 == 63 {
            ring.reap(|r| probe.feed(&r))?;
        }
    }
    while !probe.tracker.is_empty() && start.elapsed() < Duration::from_secs(10) {
        ring.wait_timeout(1, Duration::from_millis(10))?;
        ring.reap(|r| probe.feed(&r))?;
        expire(probe, start);
    }
    ring.finish(|r| probe.feed(&r))?;
    Ok("io_uring")
}

#[cfg(not(all(feature = "io-uring", target_pointer_width = "64")))]
fn run(
    socket: &UdpSocket,
    count: u32,
    io_uring: bool,
    probe: &mut Probe,
    start: Instant,
) -> std::io::Result<&'static str> {
    if io_uring {
        eprintln!("--io-uring needs `--features io-uring`; using recvmmsg");
    }
    run_recvmmsg(socket, count, probe, start)
}

fn run_recvmmsg(
    socket: &UdpSocket,
    count: u32,
    probe: &mut Probe,
    start: Instant,
) -> std::io::Result<&'static str> {
    let mut batch: Box<BatchBuffers<32, 64, 256>> = Box::default();
    let mut drain = |probe: &mut Probe| {
        batch.drain(socket, |_, message| {
            match TxReport::from_message(&message) {
                Ok(r) => probe.feed(&r),
                Err(e) => eprintln!("not a timestamp ({e}): {message}"),
            }
        })
    };
    for key in 0..count {
        send(socket, key, probe, start)?;
        if key % 64 == 63 {
            drain(probe)?;
        }
    }
    while !probe.tracker.is_empty() && start.elapsed() < Duration::from_secs(10) {
        errq_sys::wait_error(socket, Some(Duration::from_millis(10)))?;
        drain(probe)?;
        expire(probe, start);
    }
    Ok("recvmmsg")
}

/// Send datagram `key` (the socket's OPT_ID counter counts timestamped sends from 0).
fn send(socket: &UdpSocket, key: u32, probe: &mut Probe, start: Instant) -> std::io::Result<()> {
    socket.send(&key.to_be_bytes())?;
    probe
        .tracker
        .register(key, Stages::SCHED | Stages::SND, key, start.elapsed())
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Give up on sends older than a second: their reports will not come.
fn expire(probe: &mut Probe, start: Instant) {
    while let Some(gone) = probe
        .tracker
        .expire(start.elapsed(), Duration::from_secs(1))
    {
        eprintln!("timed out: send {} ({:?})", gone.token, gone.timed_out);
        probe.lost += 1;
    }
}
