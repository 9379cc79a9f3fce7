//! Property tests of the trackers in `errq_codec::track`:
//!
//! - each tracker against a plain model (a `Vec` of sends scanned linearly, a `BTreeMap` of
//!   counters) after every step of random registrations, reports, completions, drops,
//!   expiries, with keys starting near `u32::MAX` so they wrap, and small capacities so
//!   `Full` happens: same outcomes, same errors, same counters, same pending sends;
//! - the timestamp tracker against the kernel's own behaviour: per-stage in-order reports
//!   with SCHED queued before SND, random ones dropped; the sends it reports lost or timed
//!   out are exactly the dropped reports.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256 per property).

#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // test code
#![allow(clippy::cast_possible_truncation)] // small test numbers

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use errq_codec::meaning::ZerocopyRange;
use errq_codec::timestamp::{Timespec, TstampKind};
use errq_codec::track::{
    Outcome, RangeProblem, SendRecord, Stages, Stamp, TimestampStats, TimestampTracker, TrackError,
    TxReport, Unmatched, ZerocopyTracker,
};
use proptest::prelude::*;

const HALF: u32 = 1 << 31;
const CAP: usize = 8;

// ---------------------------------------------------------------- timestamp model

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Pending,
    Lost,
    Done,
}

#[derive(Clone, Copy, Debug)]
struct MSend {
    rec: SendRecord<u32>,
    /// Each stage's time as fed.
    times: [Option<Stamp>; 4],
    at: Duration,
    st: St,
}

/// A finished send as the model hands it out.
type MRec = (SendRecord<u32>, [Option<Stamp>; 4]);

/// The timestamp tracker's contract, written as directly as possible: every send in a
/// `Vec`, linear scans, no ring, no cursors, no binary search.
struct TsModel {
    stream: bool,
    sends: Vec<MSend>,
    /// Sends before this index have left the ring.
    freed: usize,
    previous: Option<u32>,
    stats: TimestampStats,
}

fn bit(stage: u32) -> Option<Stages> {
    (stage <= 3).then(|| Stages(1 << stage))
}

fn finished(r: &SendRecord<u32>) -> bool {
    (r.arrived | r.lost | r.timed_out).contains(r.expected)
}

impl TsModel {
    fn new(stream: bool) -> Self {
        Self {
            stream,
            sends: Vec::new(),
            freed: 0,
            previous: None,
            stats: TimestampStats::default(),
        }
    }

    fn ring(&self) -> &[MSend] {
        &self.sends[self.freed..]
    }

    fn free(&mut self) {
        while self.freed < self.sends.len() && self.sends[self.freed].st == St::Done {
            self.freed += 1;
        }
    }

    fn register(
        &mut self,
        first: u32,
        len: Option<u32>,
        stages: Stages,
        token: u32,
        at: Duration,
    ) -> Result<(), TrackError> {
        let last = match len {
            Some(0) => return Err(TrackError::BadLength { len: 0 }),
            Some(n) if n > HALF => return Err(TrackError::BadLength { len: n }),
            Some(n) => first.wrapping_add(n - 1),
            None => first,
        };
        if stages.0 == 0 || stages.0 > 15 {
            return Err(TrackError::BadStages { bits: stages.0 });
        }
        if !self.stream && stages.0 & 4 != 0 {
            return Err(TrackError::AckOnDatagram);
        }
        if let Some(previous) = self.previous {
            let ahead = first.wrapping_sub(previous);
            let span = self
                .ring()
                .first()
                .map_or(0, |f| last.wrapping_sub(f.rec.first));
            if ahead == 0 || ahead >= HALF || span >= HALF {
                return Err(TrackError::OutOfOrder {
                    key: first,
                    previous,
                });
            }
        }
        if self.ring().len() >= CAP {
            return Err(TrackError::Full { capacity: CAP });
        }
        let mut rec = empty_record();
        rec.token = token;
        rec.first = first;
        rec.key = last;
        rec.expected = stages;
        self.sends.push(MSend {
            rec,
            times: [None; 4],
            at,
            st: St::Pending,
        });
        self.previous = Some(last);
        self.stats.registered += 1;
        Ok(())
    }

    fn mark(&mut self, i: usize, b: Stages) {
        let s = &mut self.sends[i];
        let r = &mut s.rec;
        if s.st == St::Pending
            && r.expected.contains(b)
            && !r.arrived.contains(b)
            && !r.lost.contains(b)
        {
            r.lost |= b;
            self.stats.lost_reports += 1;
            if finished(r) {
                s.st = St::Lost;
                self.stats.lost_sends += 1;
            }
        }
    }

    fn unmatched(&mut self, why: Unmatched) -> Outcome<u32> {
        self.stats.unmatched += 1;
        match why {
            Unmatched::NoSend => self.stats.unmatched_no_send += 1,
            Unmatched::NotExpected => self.stats.unmatched_not_expected += 1,
            Unmatched::Late => self.stats.unmatched_late += 1,
            Unmatched::UnknownStage => self.stats.unmatched_unknown_stage += 1,
        }
        Outcome::Unmatched(why)
    }

    fn feed(&mut self, r: &TxReport, gaps: bool) -> (Outcome<u32>, Option<[Option<Stamp>; 4]>) {
        let o = self.feed_inner(r, gaps);
        let times = match &o {
            Outcome::Complete(rec) => self
                .sends
                .iter()
                .rev()
                .find(|s| s.rec.token == rec.token)
                .map(|s| s.times),
            _ => None,
        };
        (o, times)
    }

    fn feed_inner(&mut self, r: &TxReport, gaps: bool) -> Outcome<u32> {
        let Some(b) = bit(r.stage.0) else {
            return self.unmatched(Unmatched::UnknownStage);
        };
        let Some(front) = self.ring().first().map(|f| f.rec.first) else {
            return self.unmatched(Unmatched::NoSend);
        };
        let k = r.key.wrapping_sub(front);
        if k >= HALF {
            return self.unmatched(Unmatched::NoSend);
        }
        let p = self
            .ring()
            .iter()
            .position(|s| s.rec.key.wrapping_sub(front) >= k)
            .unwrap_or(self.ring().len());
        if gaps {
            for i in self.freed..self.freed + p {
                self.mark(i, b);
                if b == Stages::SND {
                    self.mark(i, Stages::SCHED);
                }
            }
        }
        let i = self.freed + p;
        if i >= self.sends.len() || self.sends[i].rec.first.wrapping_sub(front) > k {
            return self.unmatched(Unmatched::NoSend);
        }
        let s = self.sends[i];
        let why = if s.st == St::Done {
            Some(Unmatched::NoSend)
        } else if !s.rec.expected.contains(b) {
            Some(Unmatched::NotExpected)
        } else if s.rec.arrived.contains(b) {
            self.stats.duplicates += 1;
            return Outcome::Duplicate { token: s.rec.token };
        } else if s.rec.lost.contains(b) || s.rec.timed_out.contains(b) {
            Some(Unmatched::Late)
        } else {
            None
        };
        if let Some(why) = why {
            return self.unmatched(why);
        }
        let s = &mut self.sends[i];
        s.rec.arrived |= b;
        s.times[r.stage.0 as usize] = Some(Stamp {
            time: r.time,
            hardware: r.hardware,
        });
        if gaps
            && b == Stages::SND
            && s.rec.expected.contains(Stages::SCHED)
            && !s.rec.arrived.contains(Stages::SCHED)
            && !s.rec.lost.contains(Stages::SCHED)
        {
            s.rec.lost |= Stages::SCHED;
            self.stats.lost_reports += 1;
        }
        self.stats.matched += 1;
        let token = s.rec.token;
        if !finished(&s.rec) {
            return Outcome::Stored { token };
        }
        if s.rec.lost.is_empty() {
            s.st = St::Done;
            let rec = s.rec;
            self.stats.completed += 1;
            self.free();
            Outcome::Complete(rec)
        } else {
            s.st = St::Lost;
            self.stats.lost_sends += 1;
            Outcome::Stored { token }
        }
    }

    fn pop_lost(&mut self) -> Option<MRec> {
        let i = (self.freed..self.sends.len()).find(|&i| self.sends[i].st == St::Lost)?;
        self.sends[i].st = St::Done;
        let rec = (self.sends[i].rec, self.sends[i].times);
        self.free();
        Some(rec)
    }

    fn expire(&mut self, now: Duration, timeout: Duration) -> Option<MRec> {
        let i = (self.freed..self.sends.len()).find(|&i| self.sends[i].st == St::Pending)?;
        if self.sends[i].at + timeout > now {
            return None;
        }
        let r = &mut self.sends[i].rec;
        let missing = r.expected.without(r.arrived | r.lost);
        r.timed_out |= missing;
        self.stats.timed_out_reports += u64::from(missing.len());
        self.stats.timed_out_sends += 1;
        self.sends[i].st = St::Done;
        let rec = (self.sends[i].rec, self.sends[i].times);
        self.free();
        Some(rec)
    }

    fn pending(&self) -> Vec<(u32, u32, Stages)> {
        self.ring()
            .iter()
            .filter(|s| s.st == St::Pending)
            .map(|s| {
                (
                    s.rec.token,
                    s.rec.key,
                    s.rec.expected.without(s.rec.arrived | s.rec.lost),
                )
            })
            .collect()
    }
}

/// A record with no stage, to fill in: the tracker's private fields (times, hardware) are
/// compared through `stamp()` instead.
fn empty_record() -> SendRecord<u32> {
    let mut t: TimestampTracker<u32, 1> = TimestampTracker::datagram();
    t.register(0, Stages::SND, 0, Duration::ZERO).unwrap();
    let mut r = t.expire(Duration::ZERO, Duration::ZERO).unwrap();
    r.timed_out = Stages::NONE;
    r
}

/// The time the tests give report `(key, stage)`: distinct per report.
fn time_of(key: u32, stage: u32) -> Timespec {
    Timespec {
        sec: i64::from(key),
        nsec: i64::from(stage) * 1000 + 7,
    }
}

/// Records agree on every public field, and each stage has the time and clock its report
/// had (the model keeps them as fed).
fn same_record(a: &SendRecord<u32>, (b, times): &MRec) {
    assert_eq!(
        (
            a.token,
            a.first,
            a.key,
            a.expected,
            a.arrived,
            a.lost,
            a.timed_out
        ),
        (
            b.token,
            b.first,
            b.key,
            b.expected,
            b.arrived,
            b.lost,
            b.timed_out
        )
    );
    for s in 0..4u32 {
        assert_eq!(a.stamp(TstampKind(s)), times[s as usize], "stage {s}");
    }
    if let (Some(x), Some(y)) = (times[1], times[0]) {
        let want = x.until(&y);
        assert_eq!(a.latency(TstampKind::SCHED, TstampKind::SND), want);
    }
}

#[derive(Clone, Debug)]
enum TsOp {
    /// Register a send `gap` keys after the previous one, `len` bytes (stream), stages.
    Register {
        gap: u32,
        len: u32,
        stages: u8,
    },
    /// A report for the `pick`-th registered send (modulo), at byte `within` of it.
    Report {
        pick: usize,
        within: u32,
        stage: u32,
        hardware: bool,
    },
    /// A report for any key near the registered ones.
    Stray {
        delta: i32,
        stage: u32,
    },
    PopLost,
    Expire {
        timeout_ms: u64,
    },
    Tick {
        ms: u64,
    },
}

fn ts_op() -> impl Strategy<Value = TsOp> {
    prop_oneof![
        4 => (1u32..4, 1u32..5000, 0u8..20).prop_map(|(gap, len, stages)| TsOp::Register { gap, len, stages }),
        6 => (any::<usize>(), any::<u32>(), 0u32..5, any::<bool>())
            .prop_map(|(pick, within, stage, hardware)| TsOp::Report { pick, within, stage, hardware }),
        1 => (-20i32..20, 0u32..4).prop_map(|(delta, stage)| TsOp::Stray { delta, stage }),
        1 => Just(TsOp::PopLost),
        1 => (0u64..50).prop_map(|timeout_ms| TsOp::Expire { timeout_ms }),
        1 => (0u64..20).prop_map(|ms| TsOp::Tick { ms }),
    ]
}

fn run_ts_model(stream: bool, gaps: bool, start: u32, ops: &[TsOp]) {
    let mut t: TimestampTracker<u32, CAP> = if stream {
        TimestampTracker::stream()
    } else {
        TimestampTracker::datagram()
    };
    if !gaps {
        t = t.without_gap_inference();
    }
    let mut m = TsModel::new(stream);
    let mut now = Duration::ZERO;
    let mut next_first = start;
    let mut token = 0u32;
    // Every send ever registered: (first, last).
    let mut all: Vec<(u32, u32)> = Vec::new();
    for op in ops {
        match *op {
            TsOp::Register { gap, len, stages } => {
                let first = next_first.wrapping_add(gap - 1);
                let len = if stream { len } else { 1 };
                token += 1;
                let stages = Stages(stages);
                let (a, b) = if stream {
                    (
                        t.register_bytes(first, len, stages, token, now),
                        m.register(first, Some(len), stages, token, now),
                    )
                } else {
                    (
                        t.register(first, stages, token, now),
                        m.register(first, None, stages, token, now),
                    )
                };
                assert_eq!(a, b, "register {first}+{len} {stages}");
                if a.is_ok() {
                    let last = first.wrapping_add(len - 1);
                    all.push((first, last));
                    next_first = last.wrapping_add(1);
                }
            }
            TsOp::Report {
                pick,
                within,
                stage,
                hardware,
            } => {
                if all.is_empty() {
                    continue;
                }
                let (first, last) = all[pick % all.len()];
                let key = first.wrapping_add(within % (last.wrapping_sub(first) + 1));
                let r = TxReport::new(key, TstampKind(stage), time_of(key, stage), hardware);
                let a = t.feed(&r);
                let (b, times) = m.feed(&r, gaps);
                match (&a, &b) {
                    (Outcome::Complete(x), Outcome::Complete(y)) => {
                        same_record(x, &(*y, times.unwrap()));
                    }
                    _ => assert_eq!(a, b, "feed {r:?}"),
                }
            }
            TsOp::Stray { delta, stage } => {
                let key = next_first.wrapping_add_signed(delta);
                let r = TxReport::new(key, TstampKind(stage), time_of(key, stage), false);
                let a = t.feed(&r);
                let (b, times) = m.feed(&r, gaps);
                match (&a, &b) {
                    (Outcome::Complete(x), Outcome::Complete(y)) => {
                        same_record(x, &(*y, times.unwrap()));
                    }
                    _ => assert_eq!(a, b, "stray {r:?}"),
                }
            }
            TsOp::PopLost => {
                let a = t.pop_lost();
                let b = m.pop_lost();
                assert_eq!(a.is_some(), b.is_some());
                if let (Some(a), Some(b)) = (a, b) {
                    same_record(&a, &b);
                }
            }
            TsOp::Expire { timeout_ms } => {
                let d = Duration::from_millis(timeout_ms);
                let a = t.expire(now, d);
                let b = m.expire(now, d);
                assert_eq!(a.is_some(), b.is_some());
                if let (Some(a), Some(b)) = (a, b) {
                    same_record(&a, &b);
                }
            }
            TsOp::Tick { ms } => now += Duration::from_millis(ms),
        }
        assert_eq!(*t.stats(), m.stats);
        assert_eq!(t.len(), m.ring().len());
        assert_eq!(t.pending().collect::<Vec<_>>(), m.pending());
        assert!(t.len() <= CAP);
    }
}

/// Keys start near `u32::MAX` half the time, so they wrap.
fn start_key() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..100, (u32::MAX - 200)..=u32::MAX, any::<u32>()]
}

proptest! {
    #[test]
    fn timestamp_tracker_equals_model_datagram(
        start in start_key(),
        gaps in any::<bool>(),
        ops in prop::collection::vec(ts_op(), 0..120),
    ) {
        run_ts_model(false, gaps, start, &ops);
    }

    #[test]
    fn timestamp_tracker_equals_model_stream(
        start in start_key(),
        gaps in any::<bool>(),
        ops in prop::collection::vec(ts_op(), 0..120),
    ) {
        run_ts_model(true, gaps, start, &ops);
    }

    /// The kernel's order: SCHED and SND reports each in key order, SCHED(k) before
    /// SND(k), interleaved at random; random reports dropped. After the drain, the lost and
    /// timed-out stages are exactly the dropped ones, and every other send completed with
    /// its own times.
    #[test]
    fn timestamp_losses_are_exactly_the_drops(
        start in start_key(),
        n in 1usize..200,
        order in prop::collection::vec(any::<bool>(), 400),
        drops in prop::collection::vec(0u8..10, 400),
    ) {
        let mut t: Box<TimestampTracker<u32, 256>> = Box::new(TimestampTracker::datagram());
        for i in 0..n {
            let key = start.wrapping_add(i as u32);
            t.register(key, Stages::SCHED | Stages::SND, i as u32, Duration::ZERO).unwrap();
        }
        // Merge the two in-order streams, SCHED(k) always before SND(k).
        let (mut sched, mut snd) = (0usize, 0usize);
        let mut queue = Vec::new();
        let mut o = order.iter().cycle();
        while snd < n {
            let take_sched = sched < n && (sched <= snd || *o.next().unwrap());
            if take_sched {
                queue.push((sched, TstampKind::SCHED));
                sched += 1;
            } else {
                queue.push((snd, TstampKind::SND));
                snd += 1;
            }
        }
        let mut dropped = BTreeSet::new();
        let mut completed = BTreeSet::new();
        for (j, &(i, stage)) in queue.iter().enumerate() {
            if drops[j % drops.len()] < 2 {
                dropped.insert((i as u32, stage.0));
                continue;
            }
            let key = start.wrapping_add(i as u32);
            if let Outcome::Complete(r) = t.feed(&TxReport::new(key, stage, time_of(key, stage.0), false)) {
                prop_assert!(r.is_complete());
                prop_assert_eq!(r.stamp(TstampKind::SND).unwrap().time, time_of(key, 0));
                prop_assert_eq!(r.stamp(TstampKind::SCHED).unwrap().time, time_of(key, 1));
                completed.insert(r.token);
            }
        }
        let mut missing = BTreeSet::new();
        let mut by_gap = 0;
        while let Some(r) = t.pop_lost() {
            for k in r.lost.kinds() { missing.insert((r.token, k.0)); by_gap += 1; }
        }
        while let Some(r) = t.expire(Duration::from_secs(1), Duration::ZERO) {
            for k in r.timed_out.kinds() { missing.insert((r.token, k.0)); }
            prop_assert!(r.lost.is_empty() || !r.timed_out.is_empty());
            for k in r.lost.kinds() { missing.insert((r.token, k.0)); by_gap += 1; }
        }
        prop_assert_eq!(&missing, &dropped);
        prop_assert_eq!(t.stats().lost_reports, by_gap);
        let clean: BTreeSet<u32> = (0..n as u32)
            .filter(|i| !dropped.contains(&(*i, 0)) && !dropped.contains(&(*i, 1)))
            .collect();
        prop_assert_eq!(completed, clean);
        prop_assert!(t.is_empty());
    }
}

// ---------------------------------------------------------------- zerocopy model

/// The zerocopy tracker's contract over a `BTreeMap` of every counter ever sent.
struct ZcModel {
    sent: BTreeMap<u64, (u32, bool)>, // sequence number -> (token, done)
    start: u32,
    n: u64,
}

impl ZcModel {
    fn counter(&self, seq: u64) -> u32 {
        self.start.wrapping_add(seq as u32)
    }

    /// The sequence number of `counter` among the sends so far (latest match), if sent.
    fn seq(&self, counter: u32) -> Option<u64> {
        let off = u64::from(counter.wrapping_sub(self.start));
        (off < self.n).then_some(off)
    }

    fn complete(&mut self, lo: u32, hi: u32) -> Result<Vec<(u32, u32)>, TrackError> {
        let err = |counter, problem| TrackError::ImpossibleRange {
            lo,
            hi,
            counter,
            problem,
        };
        // Walk the range counter by counter (at most n + 1 steps: past that it repeats).
        let len = u64::from(hi.wrapping_sub(lo)) + 1;
        let mut out = Vec::new();
        for i in 0..len.min(self.n + 1) {
            let c = lo.wrapping_add(i as u32);
            match self.seq(c) {
                None => return Err(err(c, RangeProblem::NeverSent)),
                Some(s) if self.sent[&s].1 => return Err(err(c, RangeProblem::AlreadyCompleted)),
                Some(s) => out.push((c, self.sent[&s].0)),
            }
        }
        if len > self.n {
            return Err(err(self.counter(self.n), RangeProblem::NeverSent));
        }
        for &(c, _) in &out {
            let s = self.seq(c).unwrap();
            self.sent.get_mut(&s).unwrap().1 = true;
        }
        Ok(out)
    }

    /// Counters in the tracker's ring: from the oldest not done to the newest sent.
    fn span(&self) -> u64 {
        let oldest = self
            .sent
            .iter()
            .find(|(_, v)| !v.1)
            .map_or(self.n, |(s, _)| *s);
        self.n - oldest
    }
}

#[derive(Clone, Debug)]
enum ZcOp {
    Send,
    /// Complete `count` counters from the `from`-th outstanding one (or a wild range).
    Complete {
        from: usize,
        count: u32,
        copied: bool,
    },
    Wild {
        lo_delta: i32,
        len: u32,
    },
}

fn zc_op() -> impl Strategy<Value = ZcOp> {
    prop_oneof![
        5 => Just(ZcOp::Send),
        4 => (any::<usize>(), 1u32..5, any::<bool>())
            .prop_map(|(from, count, copied)| ZcOp::Complete { from, count, copied }),
        1 => (-12i32..12, 0u32..12).prop_map(|(lo_delta, len)| ZcOp::Wild { lo_delta, len }),
    ]
}

proptest! {
    #[test]
    fn zerocopy_tracker_equals_model(
        start in start_key(),
        ops in prop::collection::vec(zc_op(), 0..150),
    ) {
        let mut t: ZerocopyTracker<u32, CAP> = ZerocopyTracker::starting_at(start);
        let mut m = ZcModel { sent: BTreeMap::new(), start, n: 0 };
        let (mut completed, mut copied) = (0u64, 0u64);
        for op in ops {
            match op {
                ZcOp::Send => {
                    let want = if m.span() >= CAP as u64 {
                        Err(TrackError::Full { capacity: CAP })
                    } else {
                        Ok(m.counter(m.n))
                    };
                    let got = t.register(m.n as u32, Duration::ZERO);
                    prop_assert_eq!(got, want);
                    if got.is_ok() {
                        m.sent.insert(m.n, (m.n as u32, false));
                        m.n += 1;
                    }
                }
                ZcOp::Complete { .. } | ZcOp::Wild { .. } => {
                    let (lo, hi, cp) = match op {
                        ZcOp::Complete { from, count, copied } => {
                            let open: Vec<u64> = m.sent.iter().filter(|(_, v)| !v.1).map(|(s, _)| *s).collect();
                            if open.is_empty() { continue; }
                            let lo = m.counter(open[from % open.len()]);
                            (lo, lo.wrapping_add(count - 1), copied)
                        }
                        ZcOp::Wild { lo_delta, len } => {
                            let lo = m.counter(m.n).wrapping_add_signed(lo_delta);
                            (lo, lo.wrapping_add(len), false)
                        }
                        ZcOp::Send => unreachable!(),
                    };
                    let want = m.complete(lo, hi);
                    let before = t.outstanding();
                    let mut got_list = Vec::new();
                    let got = t.complete(ZerocopyRange { lo, hi, copied: cp }, |c, tok| got_list.push((c, tok)));
                    match want {
                        Ok(list) => {
                            prop_assert_eq!(got, Ok(list.len() as u64));
                            prop_assert_eq!(&got_list, &list);
                            completed += list.len() as u64;
                            if cp { copied += list.len() as u64; }
                        }
                        Err(e) => {
                            prop_assert_eq!(got, Err(e));
                            prop_assert!(got_list.is_empty());
                            prop_assert_eq!(t.outstanding(), before);
                        }
                    }
                }
            }
            let open: Vec<(u32, u32)> = m.sent.iter().filter(|(_, v)| !v.1).map(|(s, v)| (m.counter(*s), v.0)).collect();
            prop_assert_eq!(t.pending().collect::<Vec<_>>(), open.clone());
            prop_assert_eq!(t.outstanding(), open.len());
            prop_assert_eq!(t.next_counter(), m.counter(m.n));
            prop_assert_eq!(t.stats().sent, m.n);
            prop_assert_eq!((t.stats().completed, t.stats().copied), (completed, copied));
            // Overtaken: outstanding counters older than the newest completed one.
            let newest_done = m.sent.iter().filter(|(_, v)| v.1).map(|(s, _)| *s).max();
            let overtaken = newest_done.map_or(0, |nd| m.sent.range(..nd).filter(|(_, v)| !v.1).count());
            prop_assert_eq!(t.overtaken(), overtaken);
        }
    }
}

#[test]
fn full_trackers_refuse_without_panicking() {
    let mut t: TimestampTracker<(), 2> = TimestampTracker::datagram();
    t.register(u32::MAX, Stages::SND, (), Duration::ZERO)
        .unwrap();
    t.register(0, Stages::SND, (), Duration::ZERO).unwrap();
    assert_eq!(
        t.register(1, Stages::SND, (), Duration::ZERO),
        Err(TrackError::Full { capacity: 2 })
    );
    assert_eq!(
        t.register(2, Stages::ACK, (), Duration::ZERO),
        Err(TrackError::AckOnDatagram)
    );
    let mut z: ZerocopyTracker<(), 1> = ZerocopyTracker::starting_at(u32::MAX);
    assert_eq!(z.register((), Duration::ZERO), Ok(u32::MAX));
    assert!(z.is_full());
    assert_eq!(
        z.register((), Duration::ZERO),
        Err(TrackError::Full { capacity: 1 })
    );
    // Completing across the wrap point.
    assert_eq!(
        z.complete(
            ZerocopyRange {
                lo: u32::MAX,
                hi: u32::MAX,
                copied: true
            },
            |_, ()| {}
        ),
        Ok(1)
    );
    assert_eq!(z.register((), Duration::ZERO), Ok(0));
    assert_eq!(
        z.complete(
            ZerocopyRange {
                lo: u32::MAX,
                hi: 0,
                copied: true
            },
            |_, ()| {}
        ),
        Err(TrackError::ImpossibleRange {
            lo: u32::MAX,
            hi: 0,
            counter: u32::MAX,
            problem: RangeProblem::AlreadyCompleted
        })
    );
    // A zero-capacity tracker is always full.
    let mut zero: TimestampTracker<(), 0> = TimestampTracker::stream();
    assert_eq!(
        zero.register_bytes(0, 10, Stages::SND, (), Duration::ZERO),
        Err(TrackError::Full { capacity: 0 })
    );
    let e = TrackError::Full { capacity: 2 };
    assert_eq!(e.to_string(), "tracker full (2 sends outstanding)");
    let _: &dyn std::error::Error = &e;
}

/// The size a user boxes: one slot per send.
#[test]
fn sizes() {
    let per_slot = std::mem::size_of::<TimestampTracker<u32, 2>>()
        - std::mem::size_of::<TimestampTracker<u32, 1>>();
    let zc = std::mem::size_of::<ZerocopyTracker<u32, 2>>()
        - std::mem::size_of::<ZerocopyTracker<u32, 1>>();
    eprintln!("timestamp slot {per_slot} bytes, zerocopy slot {zc} bytes");
    assert!(per_slot <= 128 && zc <= 32, "{per_slot} {zc}");
}

/// `TxReport::from_message` on real x86_64 captures (`tests/captures/*.x86_64.txt`): a
/// timestamp gives its report, an ICMP error is not a timestamp, and the timestamp's error
/// record without its `SO_TIMESTAMPING` record (the capture's first cmsg cut away) has no
/// time.
#[test]
fn reports_from_real_messages() {
    use errq_codec::message::Message;
    fn control(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/captures/{name}.x86_64.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let hex = text
            .lines()
            .find_map(|l| l.strip_prefix("control: "))
            .unwrap();
        (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }
    let c = control("udp4_tstamp_sched");
    let m = Message::decode_with(&errq_codec::abi::Abi::X86_64, &c, 0x2000, &[], &[]);
    let r = TxReport::from_message(&m).unwrap();
    assert_eq!((r.key, r.stage, r.hardware), (0, TstampKind::SCHED, false));
    assert_eq!(
        r.time,
        Timespec {
            sec: 1_795_300_418,
            nsec: 175_858_093
        }
    );
    // The SO_TIMESTAMPING_OLD record is the first 64 bytes (CMSG_SPACE(48)).
    let m = Message::decode_with(&errq_codec::abi::Abi::X86_64, &c[64..], 0x2000, &[], &[]);
    assert_eq!(
        TxReport::from_message(&m),
        Err(TrackError::NoTime {
            stage: TstampKind::SCHED,
            key: 0
        })
    );
    let c = control("udp4_port_unreach_lo");
    let m = Message::decode_with(&errq_codec::abi::Abi::X86_64, &c, 0x2000, &[], &[]);
    assert_eq!(TxReport::from_message(&m), Err(TrackError::NotATimestamp));
    assert_eq!(
        TrackError::NoTime {
            stage: TstampKind::SCHED,
            key: 0
        }
        .to_string(),
        "TX timestamp SCHED key 0 carries no time"
    );
}
