//! [`TimestampTracker`]: match transmit-timestamp reports to the sends that asked for them.
//!
//! # Keys
//! With `SOF_TIMESTAMPING_OPT_ID` every report carries a 32-bit key (`ee_data`):
//! - datagram sockets (UDP, raw, ping): a counter of timestamped sends, from 0 when OPT_ID
//!   was set (`ip_setup_cork`/`__ip6_append_data`: `atomic_inc_return(&sk->sk_tskey) - 1`),
//!   or the value of an `SCM_TS_OPT_ID` control message;
//! - TCP: a byte offset. `tcp_tx_timestamp` sets `skb_shinfo(skb)->tskey =
//!   TCP_SKB_CB(skb)->seq + skb->len - 1` on the skb holding the last byte of the
//!   `sendmsg`, and `__skb_complete_tx_timestamp` subtracts the socket's key base
//!   `sk_tskey` (`write_seq` when OPT_ID was set with `SOF_TIMESTAMPING_OPT_ID_TCP`,
//!   `snd_una` without it: `sock_set_timestamping`). So with OPT_ID_TCP, a send of `n`
//!   bytes that starts `K` bytes after the point OPT_ID was set reports key `K + n - 1`.
//!   Register it with [`TimestampTracker::register_bytes`]`(K, n, ..)`: any report key
//!   inside `K..=K+n-1` matches it (a report of a retransmission that the kernel
//!   collapsed into a neighbour keeps that neighbour's key).
//!
//! Keys wrap at 2^32 and are compared with serial-number arithmetic (RFC 1982): sends must
//! be registered with increasing keys, and all outstanding keys must lie within 2^31 of the
//! oldest.
//!
//! # Loss: which order the tracker relies on
//! The error queue is bounded by the receive buffer: `sock_queue_err_skb` drops a report
//! silently when `sk_rmem_alloc + truesize >= sk_rcvbuf`. The tracker infers a loss when
//! a report proves that an earlier one can no longer come (turn it off with
//! [`TimestampTracker::without_gap_inference`]):
//! - **Within one stage, keys arrive in increasing order.** Each report is queued at the
//!   moment it is taken, at the tail of the queue: SCHED in `__dev_queue_xmit` before the
//!   qdisc, SND in the driver's transmit (`skb_tx_timestamp`), COMPLETION when the device
//!   reports completion, ACK in `tcp_ack_tstamp` as the cumulative ACK frees the skbs in
//!   sequence order. Packets of one socket leave through one transmit queue in order, so a
//!   report of stage S with key k means that every earlier send's S report was queued
//!   already or dropped. This holds for software stamps. Hardware stamps come from the
//!   device, which may complete them out of order: switch gap inference off there.
//! - **SCHED before SND.** The SCHED report of a packet is queued before the packet
//!   reaches the driver, so an SND report for key k also proves every SCHED report up to
//!   and including k's.
//!
//! Reports of different stages interleave freely (SND of key 5 may come before SCHED of
//! key 6); nothing is assumed across other stages. The last sends of a burst have no later
//! report to reveal their losses: [`TimestampTracker::expire`] gives them up after a
//! timeout the caller measures (the codec has no clock).
//!
//! # Capacity
//! Sends are kept in registration order in a ring of `N` slots. A finished send frees its
//! slot once every older send has finished too, so one send that never finishes holds the
//! ring: read [`TimestampTracker::pop_lost`] and call [`TimestampTracker::expire`] in the
//! drain loop. A full tracker refuses with [`TrackError::Full`].

use core::fmt;
use core::time::Duration;

use crate::timestamp::Timespec;
use crate::track::{
    serial_offset, Outcome, SendRecord, Stages, TimestampStats, TrackError, TxReport, Unmatched,
    HALF,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Waiting for reports.
    Pending,
    /// Finished with a loss; waiting for `pop_lost`.
    Lost,
    /// Handed out; the slot is free once it reaches the front.
    Done,
}

#[derive(Clone, Copy, Debug)]
struct Slot<T> {
    record: SendRecord<T>,
    at: Duration,
    state: State,
}

impl<T: Copy> Slot<T> {
    /// Every stage asked for is accounted for.
    fn finished(&self) -> bool {
        let r = &self.record;
        (r.arrived | r.lost | r.timed_out).contains(r.expected)
    }
}

/// A fixed-capacity matcher of transmit-timestamp reports to sends; see the
/// [module docs](self) for keys, loss and capacity.
///
/// `T` is the caller's token (a packet number, a buffer index, a send time); `N` the most
/// sends outstanding at once. Nothing allocates; the tracker lives where the caller puts
/// it (`N` slots of about 100 bytes plus `T`: box a large one).
///
/// ```
/// use core::time::Duration;
/// use errq_codec::timestamp::{Timespec, TstampKind};
/// use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport};
///
/// // A TCP socket with OPT_ID|OPT_ID_TCP: two sends of 100 and 50 bytes.
/// let mut t: TimestampTracker<u32, 16> = TimestampTracker::stream();
/// let want = Stages::SND | Stages::ACK;
/// t.register_bytes(0, 100, want, 1, Duration::ZERO).unwrap();
/// t.register_bytes(100, 50, want, 2, Duration::ZERO).unwrap();
/// let at = |nsec| Timespec { sec: 7, nsec };
/// // Reports carry the key of each send's last byte: 99, then 149.
/// assert_eq!(t.feed(&TxReport::new(99, TstampKind::SND, at(10), false)), Outcome::Stored { token: 1 });
/// t.feed(&TxReport::new(149, TstampKind::SND, at(20), false));
/// // The ACK of 149 arrives, but none for 99: in ACK order, 99's ACK report was dropped.
/// let Outcome::Complete(second) = t.feed(&TxReport::new(149, TstampKind::ACK, at(90), false))
/// else { panic!() };
/// assert_eq!(second.latency(TstampKind::SND, TstampKind::ACK), Some(Duration::from_nanos(70)));
/// let first = t.pop_lost().unwrap();
/// assert_eq!((first.token, first.lost), (1, Stages::ACK));
/// assert_eq!(t.stats().lost_reports, 1);
/// assert!(t.is_empty());
/// ```
pub struct TimestampTracker<T, const N: usize> {
    stream: bool,
    gaps: bool,
    slots: [Option<Slot<T>>; N],
    /// Ring index of the oldest send.
    head: usize,
    /// Sends in the ring (finished ones not yet freed included).
    len: usize,
    /// How many sends left the ring: the absolute number of the send at `head`.
    popped: u64,
    /// The last key of the last registration.
    previous: Option<u32>,
    /// Per stage (by `SCM_TSTAMP_*` number): the absolute number of the first send not yet
    /// checked for a gap in that stage.
    cursor: [u64; 4],
    /// Sends in state `Lost`.
    lost_waiting: usize,
    stats: TimestampStats,
}

impl<T: Copy, const N: usize> TimestampTracker<T, N> {
    const fn new(stream: bool) -> Self {
        Self {
            stream,
            gaps: true,
            slots: [const { None }; N],
            head: 0,
            len: 0,
            popped: 0,
            previous: None,
            cursor: [0; 4],
            lost_waiting: 0,
            stats: TimestampStats {
                registered: 0,
                completed: 0,
                matched: 0,
                unmatched: 0,
                unmatched_no_send: 0,
                unmatched_not_expected: 0,
                unmatched_duplicate: 0,
                unmatched_late: 0,
                unmatched_unknown_stage: 0,
                lost_reports: 0,
                lost_sends: 0,
                timed_out_reports: 0,
                timed_out_sends: 0,
            },
        }
    }

    /// A tracker for a datagram socket (UDP, raw, ping): one key per send, no ACK stage.
    #[must_use]
    pub const fn datagram() -> Self {
        Self::new(false)
    }

    /// A tracker for a TCP socket: keys are byte offsets.
    #[must_use]
    pub const fn stream() -> Self {
        Self::new(true)
    }

    /// The same tracker without gap inference: a missing report is only given up by
    /// [`TimestampTracker::expire`]. For hardware timestamps from a device that may
    /// complete them out of order.
    #[must_use]
    pub const fn without_gap_inference(mut self) -> Self {
        self.gaps = false;
        self
    }

    /// The most sends the tracker holds.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Sends in the ring, finished ones whose slot is not yet free included.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the ring is empty.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Everything counted so far.
    #[must_use]
    pub const fn stats(&self) -> &TimestampStats {
        &self.stats
    }

    /// Register a datagram send: its OPT_ID `key`, the stages it expects, a token, and the
    /// time now on the caller's clock (for [`TimestampTracker::expire`]). On a stream
    /// tracker this is a send whose last byte has offset `key` and whose length is not
    /// known: prefer [`TimestampTracker::register_bytes`] there.
    ///
    /// # Errors
    /// [`TrackError::Full`], [`TrackError::BadStages`] (empty or unknown stages),
    /// [`TrackError::AckOnDatagram`], [`TrackError::OutOfOrder`] (the key is not after
    /// the previous send's). The tracker is unchanged.
    pub fn register(
        &mut self,
        key: u32,
        stages: Stages,
        token: T,
        now: Duration,
    ) -> Result<(), TrackError> {
        self.insert(key, key, stages, token, now)
    }

    /// Register a TCP send of `len` bytes starting at byte offset `first` (counted from
    /// where OPT_ID was set, with `SOF_TIMESTAMPING_OPT_ID_TCP`): the kernel reports it
    /// under key `first + len - 1` (wrapping).
    ///
    /// # Errors
    /// As [`TimestampTracker::register`], and [`TrackError::BadLength`] for 0 or more than
    /// 2^31 bytes.
    pub fn register_bytes(
        &mut self,
        first: u32,
        len: u32,
        stages: Stages,
        token: T,
        now: Duration,
    ) -> Result<(), TrackError> {
        if len == 0 || len > HALF {
            return Err(TrackError::BadLength { len });
        }
        let last = first.wrapping_add(len.wrapping_sub(1));
        self.insert(first, last, stages, token, now)
    }

    fn insert(
        &mut self,
        first: u32,
        last: u32,
        stages: Stages,
        token: T,
        now: Duration,
    ) -> Result<(), TrackError> {
        if stages.is_empty() || !stages.is_known() {
            return Err(TrackError::BadStages { bits: stages.0 });
        }
        if !self.stream && stages.contains(Stages::ACK) {
            return Err(TrackError::AckOnDatagram);
        }
        if let Some(previous) = self.previous {
            let ahead = first.wrapping_sub(previous);
            let span = self
                .front()
                .map_or(0, |f| last.wrapping_sub(f.record.first));
            if ahead == 0 || ahead >= HALF || span >= HALF {
                return Err(TrackError::OutOfOrder {
                    key: first,
                    previous,
                });
            }
        }
        if self.len >= N {
            return Err(TrackError::Full { capacity: N });
        }
        let at = self.ring(self.len);
        let Some(slot) = self.slots.get_mut(at) else {
            return Err(TrackError::Full { capacity: N });
        };
        *slot = Some(Slot {
            record: SendRecord {
                token,
                first,
                key: last,
                expected: stages,
                arrived: Stages::NONE,
                lost: Stages::NONE,
                timed_out: Stages::NONE,
                hardware: Stages::NONE,
                times: [Timespec::default(); 4],
            },
            at: now,
            state: State::Pending,
        });
        self.len = self.len.saturating_add(1);
        self.previous = Some(last);
        self.stats.registered = self.stats.registered.saturating_add(1);
        Ok(())
    }

    /// Feed one report. A report that completes its send hands the send out at once
    /// ([`Outcome::Complete`]); sends that can no longer complete are handed out by
    /// [`TimestampTracker::pop_lost`].
    pub fn feed(&mut self, report: &TxReport) -> Outcome<T> {
        let Some(bit) = Stages::of(report.stage) else {
            return self.unmatched(Unmatched::UnknownStage);
        };
        let stage = usize::try_from(report.stage.0).unwrap_or(0);
        let Some(front) = self.front().map(|f| f.record.first) else {
            return self.unmatched(Unmatched::NoSend);
        };
        let k = serial_offset(front, report.key);
        if k >= HALF {
            // Before the oldest outstanding send: its send is gone.
            return self.unmatched(Unmatched::NoSend);
        }
        // The first send whose last key is not before the report's key.
        let p = self.partition(k);
        let abs = self.popped.saturating_add(p as u64);
        if self.gaps {
            self.mark_lost(stage, bit, abs);
            if bit == Stages::SND {
                self.mark_lost(1, Stages::SCHED, abs);
            }
        }
        let matched = self
            .slot(p)
            .is_some_and(|s| serial_offset(front, s.record.first) <= k);
        if !matched {
            return self.unmatched(Unmatched::NoSend);
        }
        if let Some(c) = self.cursor.get_mut(stage) {
            *c = (*c).max(abs.saturating_add(1));
        }
        let gaps = self.gaps;
        let Some(slot) = self.slot_mut(p) else {
            return self.unmatched(Unmatched::NoSend);
        };
        let r = &mut slot.record;
        let why = if slot.state == State::Done {
            Some(Unmatched::NoSend)
        } else if !r.expected.contains(bit) {
            Some(Unmatched::NotExpected)
        } else if r.arrived.contains(bit) {
            Some(Unmatched::Duplicate)
        } else if r.lost.contains(bit) || r.timed_out.contains(bit) {
            Some(Unmatched::Late)
        } else {
            None
        };
        if let Some(why) = why {
            return self.unmatched(why);
        }
        r.arrived |= bit;
        if report.hardware {
            r.hardware |= bit;
        }
        if let Some(t) = r.times.get_mut(stage) {
            *t = report.time;
        }
        let mut newly_lost = 0u64;
        // SCHED is queued before SND for the same packet: an SND without SCHED lost it.
        if gaps
            && bit == Stages::SND
            && r.expected.contains(Stages::SCHED)
            && !r.arrived.contains(Stages::SCHED)
            && !r.lost.contains(Stages::SCHED)
        {
            r.lost |= Stages::SCHED;
            newly_lost = 1;
        }
        let token = r.token;
        let record = *r;
        let finished = slot.finished();
        self.stats.matched = self.stats.matched.saturating_add(1);
        self.stats.lost_reports = self.stats.lost_reports.saturating_add(newly_lost);
        if !finished {
            return Outcome::Stored { token };
        }
        if record.lost.is_empty() {
            self.set_state(p, State::Done);
            self.stats.completed = self.stats.completed.saturating_add(1);
            self.compact();
            Outcome::Complete(record)
        } else {
            self.finish_lost(p);
            Outcome::Stored { token }
        }
    }

    /// The oldest send that finished with a lost report (see the [module docs](self)),
    /// with whatever stages did arrive; `None` when there is none.
    pub fn pop_lost(&mut self) -> Option<SendRecord<T>> {
        if self.lost_waiting == 0 {
            return None;
        }
        let p = (0..self.len).find(|&p| self.slot(p).is_some_and(|s| s.state == State::Lost))?;
        let record = self.slot(p)?.record;
        self.set_state(p, State::Done);
        self.lost_waiting = self.lost_waiting.saturating_sub(1);
        self.compact();
        Some(record)
    }

    /// Give up the oldest send still waiting that was registered at least `timeout`
    /// before `now` (the caller's clock, as given at registration): its missing stages
    /// become [`SendRecord::timed_out`] and it is handed out. Call until `None`.
    pub fn expire(&mut self, now: Duration, timeout: Duration) -> Option<SendRecord<T>> {
        let p = (0..self.len).find(|&p| self.slot(p).is_some_and(|s| s.state == State::Pending))?;
        let slot = self.slot_mut(p)?;
        if slot.at.saturating_add(timeout) > now {
            return None;
        }
        let r = &mut slot.record;
        let missing = r.expected.without(r.arrived | r.lost);
        r.timed_out |= missing;
        let record = *r;
        self.stats.timed_out_reports = self
            .stats
            .timed_out_reports
            .saturating_add(u64::from(missing.len()));
        self.stats.timed_out_sends = self.stats.timed_out_sends.saturating_add(1);
        self.set_state(p, State::Done);
        self.compact();
        Some(record)
    }

    /// The sends still waiting for reports, oldest first: token, reported key, and the
    /// stages still missing.
    pub fn pending(&self) -> impl Iterator<Item = (T, u32, Stages)> + '_ {
        (0..self.len).filter_map(move |p| {
            let s = self.slot(p)?;
            let r = &s.record;
            (s.state == State::Pending)
                .then(|| (r.token, r.key, r.expected.without(r.arrived | r.lost)))
        })
    }

    /// Mark stage `bit` lost on every send numbered `cursor[stage]..upto` that expects it
    /// and has not got it.
    fn mark_lost(&mut self, stage: usize, bit: Stages, upto: u64) {
        let Some(&cursor) = self.cursor.get(stage) else {
            return;
        };
        let from = cursor.max(self.popped);
        let mut abs = from;
        while abs < upto {
            let p = usize::try_from(abs.saturating_sub(self.popped)).unwrap_or(usize::MAX);
            let mut finished_lost = false;
            let mut lost_one = false;
            if let Some(slot) = self.slot_mut(p) {
                let r = &mut slot.record;
                if slot.state == State::Pending
                    && r.expected.contains(bit)
                    && !r.arrived.contains(bit)
                    && !r.lost.contains(bit)
                {
                    r.lost |= bit;
                    lost_one = true;
                    finished_lost = slot.finished();
                }
            }
            if lost_one {
                self.stats.lost_reports = self.stats.lost_reports.saturating_add(1);
            }
            if finished_lost {
                self.finish_lost(p);
            }
            abs = abs.saturating_add(1);
        }
        if let Some(c) = self.cursor.get_mut(stage) {
            *c = (*c).max(upto);
        }
    }

    fn finish_lost(&mut self, p: usize) {
        self.set_state(p, State::Lost);
        self.lost_waiting = self.lost_waiting.saturating_add(1);
        self.stats.lost_sends = self.stats.lost_sends.saturating_add(1);
    }

    /// The position of the first send whose last key is not before offset `k` (offsets
    /// from the front send's first key).
    fn partition(&self, k: u32) -> usize {
        let Some(front) = self.front().map(|f| f.record.first) else {
            return 0;
        };
        let (mut lo, mut hi) = (0usize, self.len);
        while lo < hi {
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            let last = self
                .slot(mid)
                .map_or(u32::MAX, |s| serial_offset(front, s.record.key));
            if last < k {
                lo = mid.saturating_add(1);
            } else {
                hi = mid;
            }
        }
        lo
    }

    fn unmatched(&mut self, why: Unmatched) -> Outcome<T> {
        let s = &mut self.stats;
        s.unmatched = s.unmatched.saturating_add(1);
        let c = match why {
            Unmatched::NoSend => &mut s.unmatched_no_send,
            Unmatched::NotExpected => &mut s.unmatched_not_expected,
            Unmatched::Duplicate => &mut s.unmatched_duplicate,
            Unmatched::Late => &mut s.unmatched_late,
            Unmatched::UnknownStage => &mut s.unmatched_unknown_stage,
        };
        *c = c.saturating_add(1);
        Outcome::Unmatched(why)
    }

    /// Free the slots of finished sends at the front.
    fn compact(&mut self) {
        while self.len > 0 {
            let head = self.head;
            let Some(entry) = self.slots.get_mut(head) else {
                return;
            };
            if !entry.as_ref().is_some_and(|s| s.state == State::Done) {
                return;
            }
            *entry = None;
            self.head = if head.saturating_add(1) >= N {
                0
            } else {
                head.saturating_add(1)
            };
            self.len = self.len.saturating_sub(1);
            self.popped = self.popped.saturating_add(1);
        }
    }

    /// The ring index of position `p` (0 = oldest).
    fn ring(&self, p: usize) -> usize {
        let i = self.head.wrapping_add(p);
        if i >= N {
            i.wrapping_sub(N)
        } else {
            i
        }
    }

    fn front(&self) -> Option<&Slot<T>> {
        self.slot(0)
    }

    fn slot(&self, p: usize) -> Option<&Slot<T>> {
        if p >= self.len {
            return None;
        }
        self.slots.get(self.ring(p))?.as_ref()
    }

    fn slot_mut(&mut self, p: usize) -> Option<&mut Slot<T>> {
        if p >= self.len {
            return None;
        }
        let i = self.ring(p);
        self.slots.get_mut(i)?.as_mut()
    }

    fn set_state(&mut self, p: usize, state: State) {
        if let Some(s) = self.slot_mut(p) {
            s.state = state;
        }
    }
}

impl<T: Copy, const N: usize> Default for TimestampTracker<T, N> {
    /// [`TimestampTracker::datagram`].
    fn default() -> Self {
        Self::datagram()
    }
}

impl<T, const N: usize> fmt::Debug for TimestampTracker<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimestampTracker")
            .field("stream", &self.stream)
            .field("capacity", &N)
            .field("len", &self.len)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}
