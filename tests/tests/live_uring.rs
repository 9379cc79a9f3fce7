//! TX timestamps through io_uring (`SOCKET_URING_OP_TX_TIMESTAMP`, Linux 6.16), live over
//! loopback in a fresh namespace (root): every key and stage arrives exactly once, as the
//! `recvmmsg` drain of a twin socket reports them; a tiny completion ring loses nothing;
//! entries with a payload stay on the error queue.
// The io-uring crate has kernel bindings for 64-bit targets only.
#![cfg(target_pointer_width = "64")]

use std::collections::BTreeMap;
use std::net::UdpSocket;
use std::os::fd::AsFd;

use errq_codec::timestamp::TstampKind;
use errq_codec::track::TxReport;
use errq_sys::uring::{TxTimestampRing, TxTimestamps};
use errq_sys::{set_so_rcvbufforce, set_so_timestamping, BatchBuffers, Timestamping};
use errq_tests::netns::{require_root, Netns};

const SENDS: u32 = 100_000;

fn tsonly() -> Timestamping {
    Timestamping::TX_SCHED
        | Timestamping::TX_SOFTWARE
        | Timestamping::SOFTWARE
        | Timestamping::OPT_ID
        | Timestamping::OPT_TSONLY
}

/// A sender with `flags`, a receiver that discards, and a big error queue.
fn sender(flags: Timestamping) -> (UdpSocket, UdpSocket) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(peer.local_addr().unwrap()).unwrap();
    set_so_rcvbufforce(&socket, 64 << 20).unwrap();
    set_so_timestamping(&socket, flags).unwrap();
    (socket, peer)
}

/// (key, stage) -> how many times it was reported.
type Seen = BTreeMap<(u32, u32), u32>;

fn note(seen: &mut Seen, r: &TxReport) {
    assert!(!r.hardware, "loopback has no hardware clock");
    assert!(r.time.sec > 0, "{r:?}");
    *seen.entry((r.key, r.stage.0)).or_default() += 1;
}

fn assert_each_once(seen: &Seen, sends: u32, what: &str) {
    let missing: Vec<(u32, u32)> = (0..sends)
        .flat_map(|k| [(k, 0), (k, 1)])
        .filter(|ks| !seen.contains_key(ks))
        .take(10)
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: missing (key, stage) {missing:?}"
    );
    assert_eq!(
        seen.len(),
        2 * sends as usize,
        "{what}: distinct (key, stage)"
    );
    for ((key, stage), n) in seen {
        assert_eq!(*n, 1, "{what}: key {key} stage {stage} reported {n} times");
        assert!(*key < sends);
        assert!(*stage == TstampKind::SCHED.0 || *stage == TstampKind::SND.0);
    }
}

#[test]
fn every_key_and_stage_once_as_the_recvmmsg_drain_reports_them() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("uring").unwrap();
    ns.run(|| {
        let (a, _pa) = sender(tsonly());
        let (b, _pb) = sender(tsonly());
        let mut ring = match TxTimestampRing::new(a.as_fd(), 4096) {
            Ok(ring) => ring,
            Err(e) if std::env::var_os("CI").is_none() => {
                eprintln!("skipped: {e}");
                return;
            }
            Err(e) => panic!("io_uring TX timestamps are required in CI: {e}"),
        };
        let mut batch: Box<BatchBuffers<64, 64>> = Box::new(BatchBuffers::new());
        let (mut via_ring, mut via_drain) = (Seen::new(), Seen::new());
        for i in 0..SENDS {
            a.send(&i.to_be_bytes()).unwrap();
            b.send(&i.to_be_bytes()).unwrap();
            if i % 64 == 63 {
                ring.reap(|r| note(&mut via_ring, &r)).unwrap();
                batch
                    .drain(&b, |_, m| {
                        note(&mut via_drain, &TxReport::from_message(&m).unwrap());
                    })
                    .unwrap();
            }
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while (via_ring.len() < 2 * SENDS as usize || via_drain.len() < 2 * SENDS as usize)
            && std::time::Instant::now() < deadline
        {
            ring.reap(|r| note(&mut via_ring, &r)).unwrap();
            batch
                .drain(&b, |_, m| {
                    note(&mut via_drain, &TxReport::from_message(&m).unwrap());
                })
                .unwrap();
        }
        assert_each_once(&via_ring, SENDS, "io_uring");
        assert_each_once(&via_drain, SENDS, "recvmmsg");
        assert_eq!(
            via_ring.keys().collect::<Vec<_>>(),
            via_drain.keys().collect::<Vec<_>>()
        );
        // Nothing left behind on the ring's socket.
        let mut rest = 0;
        batch.drain(&a, |_, _| rest += 1).unwrap();
        assert_eq!(rest, 0);
        eprintln!(
            "io_uring: {} reports, {} re-arms",
            via_ring.len(),
            ring.rearms()
        );
    });
}

/// A completion ring of 2 entries fills up at once: the kernel stops posting and leaves
/// the rest queued (`io_uring_cmd_timestamp` puts back what it could not post). Reaping,
/// then `finish` (cancel, the ring's last completions, a `recvmmsg` drain of the rest),
/// still gives every report exactly once.
#[test]
fn a_tiny_completion_ring_loses_nothing() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("uringcq").unwrap();
    ns.run(|| {
        let (a, _pa) = sender(tsonly());
        let Ok(mut ring) = TxTimestampRing::new(a.as_fd(), 2) else {
            assert!(std::env::var_os("CI").is_none(), "io_uring required in CI");
            return;
        };
        let sends = 10_000_u32;
        let mut seen = Seen::new();
        for i in 0..sends {
            a.send(&i.to_be_bytes()).unwrap();
            if i % 100 == 99 {
                ring.reap(|r| note(&mut seen, &r)).unwrap();
            }
        }
        for _ in 0..50 {
            ring.reap(|r| note(&mut seen, &r)).unwrap();
        }
        let via_ring = seen.values().sum::<u32>();
        let (rearms, dropped) = (ring.rearms(), ring.dropped());
        let rest = ring.finish(|r| note(&mut seen, &r)).unwrap();
        eprintln!(
            "tiny ring: {via_ring} reports via io_uring, {rest} when finishing (ring, then \
             the error queue), {rearms} re-arms, {dropped} dropped"
        );
        assert_eq!(dropped, 0);
        assert_each_once(&seen, sends, "tiny ring + drain");
    });
}

/// Without OPT_TSONLY each report carries the packet: io_uring leaves those on the queue,
/// and the `recvmmsg` drain reads them all. `TxTimestamps` picks io_uring here.
#[test]
fn entries_with_a_payload_stay_for_recvmsg() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("uringpl").unwrap();
    ns.run(|| {
        let flags = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID;
        let (a, _pa) = sender(flags);
        let mut best = TxTimestamps::new(a.as_fd());
        if let Some(why) = best.fallback_reason() {
            assert!(
                std::env::var_os("CI").is_none(),
                "io_uring required in CI: {why}"
            );
            return;
        }
        assert!(best.uses_io_uring());
        for i in 0..100_u32 {
            a.send(&i.to_be_bytes()).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut via_ring = 0;
        best.reap(|_| via_ring += 1, |_, m| panic!("io_uring path passed {m}"))
            .unwrap();
        assert_eq!(
            via_ring, 0,
            "entries with a payload are not taken by io_uring"
        );
        let mut keys = Vec::new();
        let mut batch: Box<BatchBuffers<64>> = Box::new(BatchBuffers::new());
        batch
            .drain(&a, |_, m| {
                let r = TxReport::from_message(&m).unwrap();
                assert!(m.payload().ends_with(&r.key.to_be_bytes()), "{m}");
                keys.push(r.key);
            })
            .unwrap();
        assert_eq!(keys, (0..100).collect::<Vec<_>>());
        // The fallback path reads the same entries as reports.
        for i in 0..10_u32 {
            a.send(&i.to_be_bytes()).unwrap();
        }
        let mut fallback = TxTimestamps::recvmmsg_only(a.as_fd());
        assert!(!fallback.uses_io_uring());
        let mut n = 0;
        fallback
            .reap(|_| n += 1, |_, m| panic!("not a report: {m}"))
            .unwrap();
        assert_eq!(n, 10);
    });
}

/// On a ring the caller owns: `arm`, a cancellation ends the request (a completion without
/// `IORING_CQE_F_MORE`, `ECANCELED`), and arming again delivers reports again.
#[test]
fn a_user_ring_armed_cancelled_and_armed_again() {
    use errq_codec::uring::TxTimestampCompletion;
    use errq_sys::uring::{arm, completion};
    use io_uring::{cqueue, opcode, squeue, IoUring};
    if !require_root() {
        return;
    }
    let ns = Netns::new("uringown").unwrap();
    ns.run(|| {
        let (a, _pa) = sender(tsonly());
        let Ok(mut ring) = IoUring::<squeue::Entry, cqueue::Entry32>::builder().build(8) else {
            assert!(std::env::var_os("CI").is_none(), "io_uring required in CI");
            return;
        };
        arm(&mut ring.submission(), a.as_fd(), 7).unwrap();
        ring.submit().unwrap();
        a.send(b"one").unwrap();
        ring.submit_and_wait(2).unwrap();
        let got: Vec<_> = ring.completion().map(|c| completion(&c).unwrap()).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(
            |c| matches!(c, TxTimestampCompletion::Report { report, more: true } if report.key == 0)
        ));
        let cancel = opcode::AsyncCancel::new(7).build().user_data(8);
        // SAFETY: a cancellation refers to no memory of this process.
        unsafe { ring.submission().push(&cancel) }.unwrap();
        ring.submit_and_wait(2).unwrap();
        let ended: Vec<_> = ring
            .completion()
            .filter(|c| c.user_data() == 7)
            .map(|c| completion(&c).unwrap())
            .collect();
        assert_eq!(
            ended,
            [TxTimestampCompletion::Ended {
                errno: libc::ECANCELED.unsigned_abs()
            }]
        );
        a.send(b"two").unwrap(); // queued while nothing is armed
        arm(&mut ring.submission(), a.as_fd(), 9).unwrap();
        ring.submit_and_wait(2).unwrap();
        let keys: Vec<u32> = ring
            .completion()
            .filter_map(|c| match completion(&c).unwrap() {
                TxTimestampCompletion::Report { report, .. } => Some(report.key),
                TxTimestampCompletion::Ended { .. } => None,
            })
            .collect();
        assert_eq!(
            keys,
            [1, 1],
            "the entries queued before arming are delivered"
        );
    });
}
