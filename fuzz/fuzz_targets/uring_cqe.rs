//! `errq_codec::uring::TxTimestampCqe::decode` on arbitrary bytes, in both byte orders, and the
//! reports it yields fed to a small `TimestampTracker`.
//!
//! Checks more than "no panic": a decoded completion re-encodes to the same 32 bytes, a
//! report carries exactly its fields, fewer than 32 bytes are `Truncated`, and the tracker's
//! counters add up (each report matched, repeated or unmatched, once).
#![no_main]

use core::fmt::Write as _;
use core::time::Duration;

use errq_codec::abi::Endian;
use errq_codec::track::{Outcome, Stages, TimestampTracker};
use errq_codec::uring::{TxTimestampCompletion, TxTimestampCqe, CQE32_LEN};

struct Sink;

impl core::fmt::Write for Sink {
    fn write_str(&mut self, _: &str) -> core::fmt::Result {
        Ok(())
    }
}

fn check(data: &[u8], endian: Endian) {
    let c = match TxTimestampCqe::decode(data, endian) {
        Ok(c) => c,
        Err(e) => {
            assert!(data.len() < CQE32_LEN, "32 bytes always decode");
            write!(Sink, "{e} {e:?}").unwrap();
            return;
        }
    };
    let mut out = [0u8; CQE32_LEN];
    assert_eq!(c.encode(endian, &mut out), Ok(CQE32_LEN));
    assert_eq!(out[..], data[..CQE32_LEN], "re-encodes to the same bytes");
    assert_eq!(TxTimestampCqe::decode(&out, endian), Ok(c));
    match c.completion() {
        Ok(TxTimestampCompletion::Report { report, more }) => {
            assert!(more && c.more());
            assert_eq!(report.key.to_ne_bytes(), c.res.to_ne_bytes());
            assert_eq!((report.stage, report.hardware), (c.stage(), c.hardware()));
            assert!(report.time.nsec < 1_000_000_000 && report.time.sec >= 0);
        }
        Ok(TxTimestampCompletion::Ended { errno }) => {
            assert!(!c.more());
            assert_eq!(errno, c.res.unsigned_abs());
        }
        Err(e) => {
            assert!(c.more(), "only a report's time can be impossible");
            write!(Sink, "{e}").unwrap();
        }
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
        let report = TxTimestampCqe::decode(chunk, Endian::Little)
            .ok()
            .and_then(|c| match c.completion() {
                Ok(TxTimestampCompletion::Report { report, .. }) => Some(report),
                _ => None,
            });
        if let Some(r) = report {
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
