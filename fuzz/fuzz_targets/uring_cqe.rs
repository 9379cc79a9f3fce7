//! `errq_codec::uring::TimestampCqe::decode` on arbitrary bytes, in both byte orders, and the
//! reports it yields fed to a small `TimestampTracker`.
//!
//! Checks more than "no panic": a decoded completion re-encodes to the same 32 bytes (or, for
//! a 16-byte final completion, the same 16), its report carries exactly its fields, a report
//! needs 32 bytes, and the tracker's counters add up (each report matched, repeated or
//! unmatched, once). Self-contained, so that `fuzz/src/lib.rs` stays as it is; move the body
//! there (and into `errq-codec/tests/fuzz_regressions.rs`'s table) to replay crashes as tests.
#![no_main]

use core::fmt::Write as _;
use core::time::Duration;

use errq_codec::abi::Endian;
use errq_codec::track::{Outcome, Stages, TimestampTracker};
use errq_codec::uring::{TimestampCqe, CQE32_LEN, CQE_LEN, IORING_CQE_F_MORE};

struct Sink;

impl core::fmt::Write for Sink {
    fn write_str(&mut self, _: &str) -> core::fmt::Result {
        Ok(())
    }
}

fn check(data: &[u8], endian: Endian) {
    let c = match TimestampCqe::decode(data, endian) {
        Ok(c) => c,
        Err(e) => {
            assert!(data.len() < CQE32_LEN, "32 bytes always decode");
            assert!(e.available == data.len() && e.needed > data.len());
            write!(Sink, "{e} {e:?}").unwrap();
            return;
        }
    };
    let mut out = [0u8; CQE32_LEN];
    assert_eq!(c.encode(endian, &mut out), Ok(CQE32_LEN));
    // The time is read only when all 32 bytes are there (a final completion may be 16).
    let n = if data.len() >= CQE32_LEN { CQE32_LEN } else { CQE_LEN };
    assert_eq!(out[..n], data[..n], "re-encodes to the same bytes");
    if n == CQE_LEN {
        assert_eq!((c.tv_sec, c.tv_nsec), (0, 0));
    }
    assert_eq!(TimestampCqe::decode(&out, endian), Ok(c));
    assert_eq!(c.more(), c.flags & IORING_CQE_F_MORE != 0);
    match (c.report(), c.end()) {
        (Some(r), None) => {
            assert!(data.len() >= CQE32_LEN);
            assert_eq!(r.key.to_ne_bytes(), c.res.to_ne_bytes());
            assert_eq!((r.stage, r.hardware, r.time), (c.stage(), c.hardware(), c.time()));
        }
        (None, Some(res)) => assert!(res == c.res && data.len() >= CQE_LEN),
        other => panic!("a completion is a report or the end: {other:?}"),
    }
    write!(Sink, "{c} {c:?}").unwrap();
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    check(data, Endian::Little);
    check(data, Endian::Big);
    // The input as a stream of completions fed to a tracker whose sends are registered
    // from the first bytes: every report is accounted for exactly once.
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let mut t: TimestampTracker<u8, 8> = if head & 1 == 0 {
        TimestampTracker::datagram()
    } else {
        TimestampTracker::stream()
    };
    if head & 2 != 0 {
        t = t.without_gap_inference();
    }
    let mut key = u32::from(head).wrapping_mul(0x0101_0101);
    for (i, chunk) in rest.chunks(CQE32_LEN).enumerate() {
        let stages = Stages(chunk[0] & 0x1f);
        let _ = t.register(key, stages, i as u8, Duration::from_millis(i as u64));
        key = key.wrapping_add(u32::from(chunk[0] >> 5) + 1);
        let before = *t.stats();
        if let Some(r) = TimestampCqe::decode(chunk, Endian::Little).ok().and_then(|c| c.report()) {
            let o = t.feed(&r);
            let s = t.stats();
            let fed = (s.matched + s.duplicates + s.unmatched)
                - (before.matched + before.duplicates + before.unmatched);
            assert_eq!(fed, 1, "{o:?}");
            if let Outcome::Complete(rec) = o {
                assert!(rec.is_complete() && rec.arrived.contains(Stages::of(r.stage).unwrap()));
            }
        }
        while let Some(lost) = t.pop_lost() {
            assert!(!lost.lost.is_empty());
        }
        let _ = t.expire(Duration::from_millis(i as u64), Duration::from_millis(3));
        assert!(t.len() <= 8);
    }
});
