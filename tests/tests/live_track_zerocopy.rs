//! The zerocopy tracker against the kernel, in a fresh namespace over loopback: 100,000
//! `MSG_ZEROCOPY` sends on UDP and on TCP, drained while sending (`ENOBUFS` when optmem runs
//! out: drain and send again). Every send completes exactly once (counted by the test from
//! the raw ranges it decoded, and by the tracker's callbacks), loopback copies so every
//! range carries `SO_EE_CODE_ZEROCOPY_COPIED`, and hand-fed impossible ranges are refused
//! with the typed error and no change.

#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // test code
#![allow(clippy::cast_possible_truncation)] // small test numbers

use std::io::{self, IoSlice};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use errq_codec::ee::Origin;
use errq_codec::meaning::{Meaning, ZerocopyRange};
use errq_codec::track::{RangeProblem, TrackError, ZerocopyTracker};
use errq_sys::{set_so_zerocopy, BatchBuffers, SendMsg};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{read_all, tcp_pair, udp_pair};
use errq_tests::wait::drain_until;

const SENDS: u32 = 100_000;
/// Drain after this many sends.
const DRAIN_EVERY: u32 = 64;

type Tracker = ZerocopyTracker<u32, 4096>;

/// What the test counts for itself from the raw ranges, and through the tracker.
struct Counts {
    /// Per counter: how many raw ranges covered it.
    raw: Vec<u8>,
    /// Per token (= send number): how many times the tracker released it.
    released: Vec<u8>,
    ranges: u64,
    copied_ranges: u64,
}

fn drain<Fd: AsFd>(fd: Fd, batch: &mut BatchBuffers<64>, t: &mut Tracker, c: &mut Counts) {
    batch
        .drain(fd, |_, m| {
            assert_eq!(m.problem(), None, "{m}");
            let ee = m.error().expect("error record").ee;
            assert_eq!(ee.origin, Origin::ZEROCOPY, "{m}");
            assert!(ee.errno.is_none());
            let Some(Meaning::Zerocopy(z)) = m.meaning() else {
                panic!("not zerocopy: {m}")
            };
            assert_eq!((z.lo, z.hi), (ee.info, ee.data));
            // Counted without the tracker: counters start at 0 and stay below 2^32 here.
            assert!(z.lo <= z.hi && z.hi < SENDS, "{z:?}");
            for n in z.lo..=z.hi {
                c.raw[n as usize] += 1;
            }
            c.ranges += 1;
            c.copied_ranges += u64::from(z.copied);
            let released = &mut c.released;
            let n = t
                .complete(z, |counter, token| {
                    assert_eq!(counter, token, "counter i is send i");
                    released[token as usize] += 1;
                })
                .expect("a possible range");
            assert_eq!(n, z.count());
        })
        .expect("drain");
}

/// Send with `send` SENDS times, registering each success; ENOBUFS (optmem full) means
/// drain and try again. Then drain until every send completed or 10 s pass.
fn run<Fd: AsFd + Copy>(
    fd: Fd,
    mut send: impl FnMut() -> io::Result<usize>,
) -> (Box<Tracker>, Counts) {
    let mut t: Box<Tracker> = Box::new(ZerocopyTracker::new());
    let mut batch: Box<BatchBuffers<64>> = Box::default();
    let mut c = Counts {
        raw: vec![0; SENDS as usize],
        released: vec![0; SENDS as usize],
        ranges: 0,
        copied_ranges: 0,
    };
    let start = Instant::now();
    let mut enobufs = 0u64;
    let mut i = 0u32;
    while i < SENDS {
        if t.is_full() {
            let room = drain_until(fd, Duration::from_secs(10), || {
                drain(fd, &mut batch, &mut t, &mut c);
                !t.is_full()
            });
            assert!(room, "the tracker stayed full: {:?}", t.stats());
        }
        match send() {
            Ok(_) => {
                let counter = t.register(i, start.elapsed()).unwrap();
                assert_eq!(counter, i);
                i += 1;
                if i % DRAIN_EVERY == 0 {
                    drain(fd, &mut batch, &mut t, &mut c);
                }
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                enobufs += 1;
                drain_until(fd, Duration::ZERO, || {
                    drain(fd, &mut batch, &mut t, &mut c);
                    true
                });
            }
            Err(e) => panic!("send {i}: {e}"),
        }
    }
    if t.outstanding() > 0 {
        drain_until(fd, Duration::from_secs(10), || {
            drain(fd, &mut batch, &mut t, &mut c);
            t.outstanding() == 0
        });
    }
    eprintln!(
        "{SENDS} sends, {} ranges, {enobufs} ENOBUFS, {:?}",
        c.ranges,
        t.stats()
    );
    (t, c)
}

fn check(t: &mut Tracker, c: &Counts) {
    assert_eq!(
        t.outstanding(),
        0,
        "never completed: {:?}",
        t.pending().take(5).collect::<Vec<_>>()
    );
    assert!(
        c.raw.iter().all(|&n| n == 1),
        "a counter completed twice or never"
    );
    assert!(c.released.iter().all(|&n| n == 1));
    let s = *t.stats();
    assert_eq!(
        (s.sent, s.completed, s.ranges, s.refused),
        (u64::from(SENDS), u64::from(SENDS), c.ranges, 0)
    );
    // Loopback delivery copies the pages (skb_orphan_frags_rx), so every range is COPIED.
    assert_eq!(c.copied_ranges, c.ranges);
    assert_eq!(s.copied, u64::from(SENDS));
    assert_eq!(s.worth_keeping(), Some(false));
    assert_eq!(t.overtaken(), 0);
    // Hand-fed impossible ranges: refused, typed, nothing changed.
    let before = (t.next_counter(), t.outstanding(), t.stats().completed);
    let mut called = false;
    assert_eq!(
        t.complete(
            ZerocopyRange {
                lo: 7,
                hi: 9,
                copied: true
            },
            |_, _| called = true
        ),
        Err(TrackError::ImpossibleRange {
            lo: 7,
            hi: 9,
            counter: 7,
            problem: RangeProblem::AlreadyCompleted
        })
    );
    assert_eq!(
        t.complete(
            ZerocopyRange {
                lo: SENDS,
                hi: SENDS + 3,
                copied: false
            },
            |_, _| called = true
        ),
        Err(TrackError::ImpossibleRange {
            lo: SENDS,
            hi: SENDS + 3,
            counter: SENDS,
            problem: RangeProblem::NeverSent
        })
    );
    assert!(!called);
    assert_eq!(
        (t.next_counter(), t.outstanding(), t.stats().completed),
        before
    );
    assert_eq!(t.stats().refused, 2);
}

#[test]
fn udp_100000_zerocopy_sends_each_completed_once() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("Z").unwrap();
    let (_rx, tx) = udp_pair(&ns);
    set_so_zerocopy(&tx, true).unwrap();
    // The receiver's queue may overflow; dropped datagrams complete all the same.
    let data = [IoSlice::new(&[0x11u8; 1000])];
    let (mut t, c) = run(&tx, || SendMsg::new(&data).zerocopy().send(&tx));
    check(&mut t, &c);
}

#[test]
fn tcp_100000_zerocopy_sends_each_completed_once() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("Z").unwrap();
    let (c, a) = tcp_pair(&ns);
    set_so_zerocopy(&c, true).unwrap();
    let reader = read_all(a);
    let data = [IoSlice::new(&[0x22u8; 1000])];
    let mut bytes = 0usize;
    // Each successful call takes a counter, however many bytes it took.
    let (mut t, counts) = run(&c, || {
        let n = SendMsg::new(&data).zerocopy().send(&c)?;
        bytes += n;
        Ok(n)
    });
    c.shutdown(std::net::Shutdown::Both).unwrap();
    assert_eq!(reader.join().unwrap(), bytes);
    check(&mut t, &counts);
}
