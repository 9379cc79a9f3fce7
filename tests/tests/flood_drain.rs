//! Floods of ICMP port-unreachable errors, drained while the sender keeps sending: by the
//! blocking batch drain (`wait_error` + `BatchBuffers::drain`) and by the tokio path
//! (`errq_sys::tokio::recv_batch` on an `AsyncFd`). Exact counts, from the kernel's side
//! (see `flood_support`): with a receive buffer that never fills, every datagram sent has
//! its error read exactly once, in order; with a small one, the entries the kernel dropped
//! are counted (`InDestUnreachs` minus the entries read) and are exactly the numbers never
//! read.
//!
//! Size: `ERRQ_FLOOD` datagrams per test, default the full 1,000,000 (measured on the 2-core
//! machine shared with other builds, debug build, the four tests side by side: 11.6-12.1 s
//! each, 24 s for the file). The figures go to stderr:
//! `cargo test -p errq-tests --release --test flood_drain -- --nocapture --test-threads=1`

mod flood_support;

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use errq_sys::{wait_error, BatchBuffers, WaitOutcome};
use errq_tests::ffi::thread_cpu;
use errq_tests::netns::require_root;
use errq_tests::sockets::closed_port;
use flood_support::{
    async_fd, checked_seq, flood_count, flood_socket, runtime, send_numbered, set_rcvbuf, settled,
    Snmp, Tally,
};

const DEFAULT_FLOOD: u32 = 1_000_000;
/// Messages per `recvmmsg`.
const BATCH: usize = 64;
type Batch = BatchBuffers<BATCH, 64>;

#[derive(Clone, Copy, Debug)]
enum Drain {
    Blocking,
    Tokio,
}

/// The receive buffer of the flooded socket.
#[derive(Clone, Copy, Debug)]
enum Rcvbuf {
    /// 64 MiB (`SO_RCVBUFFORCE`): the queue never fills while a reader keeps up.
    Large,
    /// The kernel's minimum (`SO_RCVBUF` 0): a few entries; the reader starts only after
    /// the first 2,000 datagrams, so the queue overflows for sure.
    Small,
}

struct Report {
    n: u32,
    sent: flood_support::Sent,
    counters: Snmp,
    tally: Tally,
    reader_cpu: Duration,
    wall: Duration,
}

impl Report {
    fn print(&self, what: &str) {
        let lost = self.counters.in_dest_unreachs - self.tally.read;
        eprintln!(
            "{what}: {} datagrams sent in {:.2?} ({:.0}/s; {} sends refused by a pending \
             SO_ERROR), {} errors read ({:.0}/s until the last was read), {} lost \
             ({:.3}%), duplicates {}, out of order {}; CPU: sender {:.2?}, reader {:.2?}",
            self.sent.ok,
            self.sent.wall,
            self.sent.ok as f64 / self.sent.wall.as_secs_f64(),
            self.sent.refused,
            self.tally.read,
            self.tally.read as f64 / self.wall.as_secs_f64(),
            lost,
            lost as f64 * 100.0 / self.sent.ok.max(1) as f64,
            self.tally.duplicates(),
            self.tally.out_of_order,
            self.sent.cpu,
            self.reader_cpu,
        );
        let _ = self.n;
    }
}

fn read_blocking(s: &UdpSocket, tally: &mut Tally, stop: &AtomicBool) {
    let mut batch = Box::new(Batch::new());
    loop {
        match wait_error(s, Some(Duration::from_millis(20))).unwrap() {
            WaitOutcome::Ready => {
                let n = batch.drain(s, |_, m| tally.add(checked_seq(&m))).unwrap();
                if n == 0 {
                    // POLLERR for the pending SO_ERROR alone: the sender's next send takes it.
                    std::thread::yield_now();
                }
            }
            WaitOutcome::TimedOut if stop.load(Ordering::Acquire) => return,
            WaitOutcome::TimedOut => {}
            WaitOutcome::HungUp => panic!("hung up"),
        }
    }
}

fn read_tokio(s: UdpSocket, tally: &mut Tally, stop: &AtomicBool) {
    let rt = runtime();
    rt.block_on(async {
        // A dup of the sender's socket.
        let fd = async_fd(s);
        let mut batch = Box::new(Batch::new());
        loop {
            let wait = Duration::from_millis(20);
            match tokio::time::timeout(wait, errq_sys::tokio::recv_batch(&fd, &mut *batch)).await {
                Ok(n) => {
                    n.unwrap();
                    for (_, m) in batch.iter() {
                        tally.add(checked_seq(&m));
                    }
                }
                Err(_) if stop.load(Ordering::Acquire) => return,
                Err(_) => {}
            }
        }
    });
}

fn flood(drain: Drain, rcvbuf: Rcvbuf) -> Option<Report> {
    if !require_root() {
        return None;
    }
    let n = flood_count(DEFAULT_FLOOD);
    let (ns, s) = flood_socket();
    let go_after = match rcvbuf {
        Rcvbuf::Large => {
            set_rcvbuf(&s, 64 << 20, true);
            0
        }
        Rcvbuf::Small => {
            set_rcvbuf(&s, 0, false);
            2_000.min(n)
        }
    };
    let to = closed_port(&ns);
    let go = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let t0 = Instant::now();
    let report = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            while !go.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
            let cpu0 = thread_cpu();
            let mut tally = Tally::new(n);
            match drain {
                Drain::Blocking => read_blocking(&s, &mut tally, &stop),
                Drain::Tokio => read_tokio(s.try_clone().unwrap(), &mut tally, &stop),
            }
            (tally, thread_cpu() - cpu0, t0.elapsed())
        });
        let sent = send_numbered(&s, to, n, go_after, &go);
        let counters = settled(&ns, sent.ok);
        stop.store(true, Ordering::Release);
        let (tally, reader_cpu, wall) = reader.join().unwrap();
        Report {
            n,
            sent,
            counters,
            tally,
            reader_cpu,
            // Until the reader saw the queue empty after the last send (less its final
            // 20 ms wait).
            wall: wall.saturating_sub(Duration::from_millis(20)),
        }
    });
    report.print(&format!("{drain:?} drain, {rcvbuf:?} receive buffer"));
    let c = report.counters;
    // Every datagram sent was answered, and every answer reached the socket.
    assert_eq!(c.rate_limited, 0, "{c:?}");
    assert_eq!(
        (c.udp_no_ports, c.out_dest_unreachs, c.in_dest_unreachs),
        (report.sent.ok, report.sent.ok, report.sent.ok),
        "kernel counters vs sends"
    );
    assert_eq!(report.sent.ok, u64::from(n));
    // Nothing read twice, nothing out of queue order, and the numbers never read are
    // exactly as many as the entries the kernel dropped.
    let t = &report.tally;
    assert_eq!(t.duplicates(), 0);
    assert_eq!(t.out_of_order, 0);
    assert_eq!(t.missing(report.sent.ok), c.in_dest_unreachs - t.read);
    Some(report)
}

#[test]
fn blocking_batch_drain_reads_every_entry_once() {
    if let Some(r) = flood(Drain::Blocking, Rcvbuf::Large) {
        assert_eq!(r.tally.read, r.sent.ok, "entries lost with a 64 MiB buffer");
    }
}

#[test]
fn tokio_recv_batch_reads_every_entry_once() {
    if let Some(r) = flood(Drain::Tokio, Rcvbuf::Large) {
        assert_eq!(r.tally.read, r.sent.ok, "entries lost with a 64 MiB buffer");
    }
}

#[test]
fn blocking_overflow_is_counted() {
    if let Some(r) = flood(Drain::Blocking, Rcvbuf::Small) {
        assert!(r.tally.read < r.sent.ok, "the small queue never overflowed");
        assert!(r.tally.read > 0);
    }
}

#[test]
fn tokio_overflow_is_counted() {
    if let Some(r) = flood(Drain::Tokio, Rcvbuf::Small) {
        assert!(r.tally.read < r.sent.ok, "the small queue never overflowed");
        assert!(r.tally.read > 0);
    }
}
