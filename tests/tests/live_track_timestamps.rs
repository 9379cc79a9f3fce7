//! The TX-timestamp tracker against the kernel, in a fresh namespace over loopback:
//!
//! - UDP and TCP senders with `SO_TIMESTAMPING` (OPT_ID, OPT_TSONLY, SCHED and SND, and ACK
//!   on TCP with OPT_ID_TCP, set after connect): 10,000 sends each, drained while sending;
//!   every report is matched to its send, every send completes, and each stage's time in
//!   the tracker is the time of the report the test decoded itself, field by field.
//! - A tiny receive buffer, so the kernel drops reports: the sends and stages the tracker
//!   calls lost (by gap, or by timeout for the last ones) are exactly the (key, stage)
//!   pairs the test sent but never read, computed without the tracker.

#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // test code
#![allow(clippy::cast_possible_truncation)] // small test numbers

use std::collections::{BTreeMap, BTreeSet};
use std::io::IoSlice;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::timestamp::{Timespec, TstampKind};
use errq_codec::track::{Outcome, SendRecord, Stages, TimestampTracker, TxReport};
use errq_sys::{
    set_so_rcvbuf, set_so_rcvbufforce, set_so_timestamping, BatchBuffers, SendMsg, Timestamping,
};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{read_all, tcp_pair, udp_pair};
use errq_tests::wait::drain_until;

const SENDS: u32 = 10_000;
/// Drain after this many sends, well before the default receive buffer fills.
const DRAIN_EVERY: u32 = 32;
/// TCP: at most this many sends without their ACK report.
const IN_FLIGHT: usize = 128;

// Draining every few sends keeps few outstanding; 2048 slots (~250 KiB) also stay within
// a test thread's stack while `Box::new` moves the tracker to the heap.
type Tracker = TimestampTracker<u32, 2048>;

/// What the test reads for itself from each message, without the tracker:
/// (key, stage) -> software time.
type Seen = BTreeMap<(u32, u32), Timespec>;

/// Everything the drain saw.
#[derive(Default)]
struct Drained {
    seen: Seen,
    complete: Vec<SendRecord<u32>>,
    unmatched: usize,
    other: usize,
    /// Reports of a (key, stage) already read.
    repeated: u64,
}

/// Read the whole error queue: each message is checked and decoded by the test (key,
/// stage, time) and fed to the tracker.
fn drain<Fd: AsFd>(fd: Fd, batch: &mut BatchBuffers<64>, t: &mut Tracker, d: &mut Drained) {
    batch
        .drain(fd, |_, m: Message<'_>| {
            let Some(Meaning::Timestamp(ts)) = m.meaning() else {
                d.other += 1;
                return;
            };
            let ee = m.error().expect("error record").ee;
            assert!(ee.errno.is("ENOMSG"), "{m}");
            assert_eq!((ee.info, ee.data), (ts.kind.0, ts.key));
            let time = m
                .timestamping()
                .and_then(|s| s.software())
                .expect("a software time");
            // The first report of each (key, stage) is the one kept; a second one comes
            // only from a TCP retransmission, which passes the qdisc and the driver again
            // with its timestamp flags still set.
            if let std::collections::btree_map::Entry::Vacant(e) = d.seen.entry((ts.key, ts.kind.0))
            {
                e.insert(time);
            } else {
                assert_ne!(ts.kind, TstampKind::ACK, "ACK is reported once");
                d.repeated += 1;
            }
            let r = TxReport::from_message(&m).expect("a report");
            assert_eq!(
                (r.key, r.stage, r.time, r.hardware),
                (ts.key, ts.kind, time, false)
            );
            match t.feed(&r) {
                Outcome::Complete(rec) => d.complete.push(rec),
                Outcome::Stored { .. } | Outcome::Duplicate { .. } => {}
                Outcome::Unmatched(why) => {
                    eprintln!("unmatched {r:?}: {why:?}");
                    d.unmatched += 1;
                }
            }
        })
        .expect("drain");
}

/// Drain until `done` or 5 s pass.
fn drain_for<Fd: AsFd + Copy>(
    fd: Fd,
    batch: &mut BatchBuffers<64>,
    t: &mut Tracker,
    d: &mut Drained,
    done: impl Fn(&Drained) -> bool,
) {
    if !done(d) {
        drain_until(fd, Duration::from_secs(5), || {
            drain(fd, batch, t, d);
            done(d)
        });
    }
}

/// Every send completed with every stage, each stage at the time the test read itself,
/// with the latencies present.
fn check_complete(d: &Drained, t: &Tracker, stages: Stages, keys: &[(u32, u32)]) {
    assert_eq!(d.unmatched, 0);
    assert_eq!(d.other, 0);
    assert_eq!(d.complete.len(), keys.len(), "{:?}", t.stats());
    let s = t.stats();
    assert_eq!(
        (
            s.completed,
            s.matched,
            s.unmatched,
            s.lost_reports,
            s.lost_sends
        ),
        (
            keys.len() as u64,
            keys.len() as u64 * u64::from(stages.len()),
            0,
            0,
            0
        )
    );
    assert!(t.is_empty());
    for (rec, &(first, last)) in d.complete.iter().zip(keys) {
        assert_eq!((rec.first, rec.key), (first, last), "in send order");
        assert_eq!(rec.expected, stages);
        assert!(rec.is_complete());
        for kind in stages.kinds() {
            let stamp = rec.stamp(kind).expect("stage time");
            assert!(!stamp.hardware);
            assert_eq!(stamp.time, d.seen[&(last, kind.0)], "key {last} {kind}");
        }
        // SCHED is taken before SND (loopback, software stamps: the same clock).
        let q = rec
            .latency(TstampKind::SCHED, TstampKind::SND)
            .expect("SCHED to SND");
        assert!(q < Duration::from_secs(1));
        if stages.contains(Stages::ACK) {
            rec.latency(TstampKind::SND, TstampKind::ACK)
                .expect("SND to ACK");
        }
    }
}

const UDP_FLAGS: Timestamping = Timestamping(
    Timestamping::TX_SOFTWARE.0
        | Timestamping::TX_SCHED.0
        | Timestamping::SOFTWARE.0
        | Timestamping::OPT_ID.0
        | Timestamping::OPT_TSONLY.0,
);

#[test]
fn udp_10000_sends_every_report_matched() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("T").unwrap();
    let (_rx, tx) = udp_pair(&ns);
    set_so_timestamping(&tx, UDP_FLAGS).unwrap();
    let mut t: Box<Tracker> = Box::new(TimestampTracker::datagram());
    let mut batch: Box<BatchBuffers<64>> = Box::default();
    let mut d = Drained::default();
    let start = Instant::now();
    let stages = Stages::SCHED | Stages::SND;
    for i in 0..SENDS {
        tx.send(&i.to_be_bytes()).unwrap();
        // OPT_ID on a datagram socket: the i-th timestamped send has key i.
        t.register(i, stages, i, start.elapsed()).unwrap();
        if i % DRAIN_EVERY == DRAIN_EVERY - 1 {
            drain(&tx, &mut batch, &mut t, &mut d);
        }
    }
    drain_for(&tx, &mut batch, &mut t, &mut d, |d| {
        d.complete.len() == SENDS as usize
    });
    let keys: Vec<(u32, u32)> = (0..SENDS).map(|k| (k, k)).collect();
    check_complete(&d, &t, stages, &keys);
    assert_eq!(d.seen.len(), 2 * SENDS as usize);
    assert_eq!(d.repeated, 0, "UDP reports each stage once");
    for (i, rec) in d.complete.iter().enumerate() {
        assert_eq!(rec.token, i as u32);
    }
}

#[test]
fn tcp_10000_sends_every_report_matched() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("T").unwrap();
    let (c, a) = tcp_pair(&ns);
    c.set_nodelay(true).unwrap();
    // Room for the reports: one cumulative ACK can free IN_FLIGHT skbs at once, each with
    // an ACK report, and reports are charged to the receive buffer (`sock_queue_err_skb`
    // drops what does not fit; the default 128 KiB holds about 200). As root, force 8 MiB.
    set_so_rcvbufforce(&c, 8 << 20).unwrap();
    // After connect (OPT_ID on TCP needs an established socket); OPT_ID_TCP: keys count
    // from write_seq, so the first byte written from now on is byte 0.
    set_so_timestamping(
        &c,
        Timestamping::TX_SOFTWARE
            | Timestamping::TX_SCHED
            | Timestamping::TX_ACK
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_ID_TCP
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    let reader = read_all(a);
    let mut t: Box<Tracker> = Box::new(TimestampTracker::stream());
    let mut batch: Box<BatchBuffers<64>> = Box::default();
    let mut d = Drained::default();
    let stages = Stages::SCHED | Stages::SND | Stages::ACK;
    let start = Instant::now();
    let mut offset = 0u32;
    let mut keys = Vec::new();
    let data = [IoSlice::new(&[0x5au8; 100])];
    for i in 0..SENDS {
        // MSG_EOR: the next write starts a new skb (`tcp_skb_can_collapse_to` refuses an
        // skb marked `eor`). Without it a write appended to a not-yet-sent skb moves that
        // skb's key to its own last byte, and the earlier write gets no report (the
        // tracker then reports it lost, which is right, but not what this test is for).
        let n = SendMsg::new(&data).flags(libc::MSG_EOR).send(&c).unwrap() as u32;
        // Keep at most IN_FLIGHT sends unacknowledged: loopback delivers through the
        // per-CPU backlog (`netdev_max_backlog` packets), which a busy machine can overflow
        // with thousands of tiny segments; a dropped segment is retransmitted, and a
        // retransmission reports SCHED and SND again.
        // Whatever this call took, its reports carry the key of its last byte.
        t.register_bytes(offset, n, stages, i, start.elapsed())
            .unwrap();
        keys.push((offset, offset + n - 1));
        offset += n;
        if i % DRAIN_EVERY == DRAIN_EVERY - 1 {
            drain(&c, &mut batch, &mut t, &mut d);
        }
        if t.len() >= IN_FLIGHT {
            drain_for(&c, &mut batch, &mut t, &mut d, |d| {
                d.complete.len() + IN_FLIGHT / 2 > i as usize
            });
            assert!(t.len() < IN_FLIGHT, "no ACK reports: {:?}", t.stats());
        }
    }
    drain_for(&c, &mut batch, &mut t, &mut d, |d| {
        d.complete.len() == SENDS as usize
    });
    c.shutdown(std::net::Shutdown::Both).unwrap();
    assert_eq!(reader.join().unwrap(), offset as usize);
    check_complete(&d, &t, stages, &keys);
    assert_eq!(d.seen.len(), 3 * SENDS as usize);
}

#[test]
fn udp_overflow_losses_are_exactly_the_dropped_reports() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("T").unwrap();
    let (_rx, tx) = udp_pair(&ns);
    // The smallest receive buffer the kernel allows (it doubles the value and clamps it
    // to SOCK_MIN_RCVBUF): a few reports fit, the rest of each burst is dropped.
    set_so_rcvbuf(&tx, 1).unwrap();
    set_so_timestamping(&tx, UDP_FLAGS).unwrap();
    const N: u32 = 3000;
    const BURST: u32 = 8;
    let stages = Stages::SCHED | Stages::SND;
    let mut t: Box<Tracker> = Box::new(TimestampTracker::datagram());
    let mut batch: Box<BatchBuffers<64>> = Box::default();
    let mut d = Drained::default();
    let mut lost = BTreeSet::new();
    let mut lost_by_gap = 0u64;
    let start = Instant::now();
    for i in 0..N {
        tx.send(&i.to_be_bytes()).unwrap();
        t.register(i, stages, i, start.elapsed()).unwrap();
        if i % BURST == BURST - 1 {
            drain(&tx, &mut batch, &mut t, &mut d);
            while let Some(r) = t.pop_lost() {
                assert!(r.timed_out.is_empty());
                for k in r.lost.kinds() {
                    assert!(lost.insert((r.key, k.0)));
                    lost_by_gap += 1;
                }
            }
        }
    }
    // Let the last reports arrive, then give up what is still missing.
    std::thread::sleep(Duration::from_millis(200));
    drain(&tx, &mut batch, &mut t, &mut d);
    let mut timed_out = 0u64;
    loop {
        let r = t
            .pop_lost()
            .or_else(|| t.expire(start.elapsed(), Duration::ZERO));
        let Some(r) = r else { break };
        for k in r.lost.kinds() {
            assert!(lost.insert((r.key, k.0)));
            lost_by_gap += 1;
        }
        for k in r.timed_out.kinds() {
            assert!(lost.insert((r.key, k.0)));
            timed_out += 1;
        }
    }
    assert!(t.is_empty());
    // The truth, without the tracker: every (key, stage) sent minus every one read.
    let sent: BTreeSet<(u32, u32)> = (0..N)
        .flat_map(|k| [(k, TstampKind::SCHED.0), (k, TstampKind::SND.0)])
        .collect();
    let read: BTreeSet<(u32, u32)> = d.seen.keys().copied().collect();
    let dropped: BTreeSet<(u32, u32)> = sent.difference(&read).copied().collect();
    eprintln!(
        "{N} sends, {} reports read, {} dropped by the kernel: {lost_by_gap} found by gap, \
         {timed_out} by timeout",
        read.len(),
        dropped.len()
    );
    assert!(
        dropped.len() > N as usize / 2,
        "the queue did not overflow: {} dropped",
        dropped.len()
    );
    assert_eq!(lost, dropped);
    let s = t.stats();
    assert_eq!(s.lost_reports, lost_by_gap);
    assert_eq!(s.timed_out_reports, timed_out);
    assert_eq!(s.lost_reports + s.timed_out_reports, dropped.len() as u64);
    assert_eq!((d.unmatched, d.repeated), (0, 0));
    // Sends with both reports read completed, with the times read.
    let whole: Vec<u32> = (0..N)
        .filter(|k| read.contains(&(*k, 0)) && read.contains(&(*k, 1)))
        .collect();
    assert_eq!(d.complete.iter().map(|r| r.key).collect::<Vec<_>>(), whole);
    for r in &d.complete {
        assert_eq!(r.stamp(TstampKind::SND).unwrap().time, d.seen[&(r.key, 0)]);
    }
}
