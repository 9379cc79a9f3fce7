//! [`ZerocopyTracker`]: which `MSG_ZEROCOPY` sends the kernel has released.
//!
//! # Counters and ranges
//! Each successful `send`/`sendmsg` call with `MSG_ZEROCOPY` takes the socket's next
//! 32-bit counter (`sk_zckey`, from 0 per socket, wrapping): `msg_zerocopy_realloc` reads
//! it, and a call that fails undoes it (`msg_zerocopy_put_abort`: `atomic_dec(&sk->sk_zckey)`).
//! So register exactly the calls that returned success, in order. When the kernel no longer
//! needs a send's pages, `__msg_zerocopy_callback` queues a completion with `ee_info = lo`,
//! `ee_data = hi` (inclusive, wrapping), and `SO_EE_CODE_ZEROCOPY_COPIED` in `ee_code`
//! when the data was copied after all (a device without scatter-gather, loopback
//! delivery). If the entry at the tail of the error queue is a zerocopy completion ending
//! at `lo - 1`, the new range is merged into it instead (`skb_zerocopy_notify_extend`):
//! one range may cover many sends.
//!
//! # Loss and order
//! Completions are not charged to the receive buffer: the notification skb was allocated
//! (and charged to `optmem`, which is where `ENOBUFS` at send time comes from) with the
//! send, and `__msg_zerocopy_callback` queues it with `__skb_queue_tail` whatever the
//! queue holds. So a completion is never dropped while the socket lives. It may however
//! come out of order: each send completes when the last reference to its pages goes (a
//! TCP send when its data is acknowledged, a datagram when every copy of the skb is
//! freed), so a later counter completing proves nothing about an earlier one. The tracker
//! therefore does not call anything lost: [`ZerocopyTracker::overtaken`] counts the sends
//! that a later completion overtook, and [`ZerocopyTracker::older_than`] lists the sends
//! still outstanding after a timeout the caller measures.
//!
//! # Capacity
//! Sends are kept by counter in a ring of `N` slots; a completed send frees its slot when
//! every older one has completed. A full tracker refuses with [`TrackError::Full`]: stop
//! sending zerocopy until completions come in (the kernel's own limit is `optmem_max`).

use core::fmt;
use core::time::Duration;

use crate::meaning::ZerocopyRange;
use crate::track::error::RangeProblem;
use crate::track::{serial_offset, TrackError};

/// Counters of a [`ZerocopyTracker`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ZerocopyStats {
    /// Sends registered.
    pub sent: u64,
    /// Sends completed.
    pub completed: u64,
    /// Of those, sends the kernel copied after all (`SO_EE_CODE_ZEROCOPY_COPIED`).
    pub copied: u64,
    /// Completion ranges applied.
    pub ranges: u64,
    /// Ranges refused with [`TrackError::ImpossibleRange`].
    pub refused: u64,
}

impl ZerocopyStats {
    /// Whether zerocopy is worth keeping on this socket: `None` before any completion,
    /// else whether fewer than half of the completed sends were copied. A copied send paid
    /// for the page pinning and the notification and was copied anyway, so the kernel's
    /// documentation (`msg_zerocopy.rst`, "Deferred copies") advises sending without
    /// `MSG_ZEROCOPY` when copies are the rule.
    #[must_use]
    pub const fn worth_keeping(&self) -> Option<bool> {
        if self.completed == 0 {
            return None;
        }
        Some(self.copied.saturating_mul(2) < self.completed)
    }
}

#[derive(Clone, Copy, Debug)]
struct Slot<T> {
    token: T,
    at: Duration,
    done: bool,
}

/// A fixed-capacity tracker of outstanding `MSG_ZEROCOPY` sends; see the
/// [module docs](self).
///
/// ```
/// use core::time::Duration;
/// use errq_codec::meaning::ZerocopyRange;
/// use errq_codec::track::{RangeProblem, TrackError, ZerocopyTracker};
///
/// // Buffer indices as tokens: a buffer may be reused once its send completed.
/// let mut t: ZerocopyTracker<usize, 64> = ZerocopyTracker::new();
/// for buffer in 0..3 {
///     let counter = t.register(buffer, Duration::ZERO).unwrap();
///     assert_eq!(counter, buffer as u32);
/// }
/// // The kernel merged the completions of sends 0..=1 into one range, copied on loopback.
/// let mut free = Vec::new();
/// let n = t.complete(ZerocopyRange { lo: 0, hi: 1, copied: true }, |_, buffer| free.push(buffer));
/// assert_eq!((n, free), (Ok(2), vec![0, 1]));
/// // A range covering a send that was never made is refused; nothing changes.
/// assert_eq!(
///     t.complete(ZerocopyRange { lo: 2, hi: 3, copied: false }, |_, _| {}),
///     Err(TrackError::ImpossibleRange { lo: 2, hi: 3, counter: 3, problem: RangeProblem::NeverSent })
/// );
/// assert_eq!(t.outstanding(), 1);
/// assert_eq!(t.stats().worth_keeping(), Some(false));
/// ```
pub struct ZerocopyTracker<T, const N: usize> {
    slots: [Option<Slot<T>>; N],
    /// Ring index of counter `base`.
    head: usize,
    /// The oldest counter in the ring.
    base: u32,
    /// Counters in the ring (`next - base`), completed ones not yet freed included.
    span: usize,
    /// Counters in the ring not completed.
    outstanding: usize,
    /// The newest completed counter, if any.
    newest_done: Option<u32>,
    stats: ZerocopyStats,
}

impl<T: Copy, const N: usize> ZerocopyTracker<T, N> {
    /// A tracker for a socket whose first zerocopy send takes counter 0.
    #[must_use]
    pub const fn new() -> Self {
        Self::starting_at(0)
    }

    /// A tracker whose first registered send takes counter `first` (a socket that made
    /// zerocopy sends before tracking began, or a test of the wrap at 2^32).
    #[must_use]
    pub const fn starting_at(first: u32) -> Self {
        Self {
            slots: [const { None }; N],
            head: 0,
            base: first,
            span: 0,
            outstanding: 0,
            newest_done: None,
            stats: ZerocopyStats {
                sent: 0,
                completed: 0,
                copied: 0,
                ranges: 0,
                refused: 0,
            },
        }
    }

    /// The most sends the tracker holds.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        N
    }

    /// Sends not yet completed.
    #[must_use]
    pub const fn outstanding(&self) -> usize {
        self.outstanding
    }

    /// The counter the next registered send takes.
    #[must_use]
    pub const fn next_counter(&self) -> u32 {
        // `span` <= N; counters wrap, as the kernel's do.
        #[allow(clippy::cast_possible_truncation)] // Wrapping is the counter's meaning.
        self.base.wrapping_add(self.span as u32)
    }

    /// Everything counted so far.
    #[must_use]
    pub const fn stats(&self) -> &ZerocopyStats {
        &self.stats
    }

    /// Register a zerocopy send call that succeeded; returns the counter it took. `now` is
    /// the caller's clock, for [`ZerocopyTracker::older_than`].
    ///
    /// # Errors
    /// [`TrackError::Full`] when `N` counters are in the ring; the tracker is unchanged
    /// (and the send should not have been made: check [`ZerocopyTracker::is_full`] first).
    pub fn register(&mut self, token: T, now: Duration) -> Result<u32, TrackError> {
        if self.span >= N {
            return Err(TrackError::Full { capacity: N });
        }
        let counter = self.next_counter();
        let i = self.ring(self.span);
        let slot = self
            .slots
            .get_mut(i)
            .ok_or(TrackError::Full { capacity: N })?;
        *slot = Some(Slot {
            token,
            at: now,
            done: false,
        });
        self.span = self.span.saturating_add(1);
        self.outstanding = self.outstanding.saturating_add(1);
        self.stats.sent = self.stats.sent.saturating_add(1);
        Ok(counter)
    }

    /// Whether [`ZerocopyTracker::register`] would refuse.
    #[must_use]
    pub const fn is_full(&self) -> bool {
        self.span >= N
    }

    /// Apply a completion: every send in `range` is done; `released(counter, token)` is
    /// called for each, oldest first. Returns how many.
    ///
    /// # Errors
    /// [`TrackError::ImpossibleRange`] if the range covers a counter that was never
    /// registered or was already completed; nothing changes and `released` is not called.
    pub fn complete(
        &mut self,
        range: ZerocopyRange,
        mut released: impl FnMut(u32, T),
    ) -> Result<u64, TrackError> {
        let refuse = |s: &mut Self, counter: u32, problem: RangeProblem| {
            s.stats.refused = s.stats.refused.saturating_add(1);
            Err(TrackError::ImpossibleRange {
                lo: range.lo,
                hi: range.hi,
                counter,
                problem,
            })
        };
        let Some(lo) = self.offset(range.lo) else {
            return refuse(self, range.lo, self.outside(range.lo));
        };
        // The range must end in the ring after `lo`; if not, it runs past the newest send
        // (or wraps all the way round) and covers the next counter, never sent.
        let hi = self.offset(range.hi).filter(|&hi| hi >= lo);
        for p in lo..=hi.unwrap_or(self.span.saturating_sub(1)) {
            if self.done_or_gone(p) {
                return refuse(self, self.counter_at(p), RangeProblem::AlreadyCompleted);
            }
        }
        let Some(hi) = hi else {
            let next = self.next_counter();
            return refuse(self, next, self.outside(next));
        };
        let mut n = 0u64;
        for p in lo..=hi {
            let counter = self.counter_at(p);
            let i = self.ring(p);
            if let Some(Some(s)) = self.slots.get_mut(i) {
                s.done = true;
                released(counter, s.token);
                n = n.saturating_add(1);
            }
        }
        self.outstanding = self
            .outstanding
            .saturating_sub(usize::try_from(n).unwrap_or(usize::MAX));
        let newest = self.counter_at(hi);
        self.newest_done = Some(match self.newest_done {
            Some(old) if serial_offset(old, newest) >= crate::track::HALF => old,
            _ => newest,
        });
        let s = &mut self.stats;
        s.completed = s.completed.saturating_add(n);
        if range.copied {
            s.copied = s.copied.saturating_add(n);
        }
        s.ranges = s.ranges.saturating_add(1);
        self.compact();
        Ok(n)
    }

    /// How many outstanding sends are older than the newest completed one: a later send
    /// completed first. Not a loss (completions are never dropped, see the
    /// [module docs](self)); a count that keeps growing means old sends are stuck (e.g. TCP
    /// data not acknowledged).
    #[must_use]
    pub fn overtaken(&self) -> usize {
        let Some(newest) = self.newest_done.and_then(|c| self.offset(c)) else {
            return 0;
        };
        (0..newest).filter(|&p| !self.done_or_gone(p)).count()
    }

    /// The sends still outstanding, oldest first: counter and token.
    pub fn pending(&self) -> impl Iterator<Item = (u32, T)> + '_ {
        (0..self.span).filter_map(move |p| {
            let s = self.slot(p)?;
            (!s.done).then(|| (self.counter_at(p), s.token))
        })
    }

    /// The sends still outstanding that were registered at least `timeout` before `now`
    /// (the caller's clock): sends never completed. They stay registered; their buffers are
    /// still the kernel's.
    pub fn older_than(
        &self,
        now: Duration,
        timeout: Duration,
    ) -> impl Iterator<Item = (u32, T)> + '_ {
        (0..self.span).filter_map(move |p| {
            let s = self.slot(p)?;
            (!s.done && s.at.saturating_add(timeout) <= now).then(|| (self.counter_at(p), s.token))
        })
    }

    /// Position of `counter` in the ring, if it is there.
    fn offset(&self, counter: u32) -> Option<usize> {
        let p = usize::try_from(serial_offset(self.base, counter)).ok()?;
        (p < self.span).then_some(p)
    }

    /// Why a counter outside the ring cannot be completed: counters before `base` were
    /// sent and completed (if that many were sent), others were never sent.
    fn outside(&self, counter: u32) -> RangeProblem {
        let behind = u64::from(self.base.wrapping_sub(counter));
        let before_base = self.stats.sent.saturating_sub(self.span as u64);
        if behind >= 1 && behind <= before_base {
            RangeProblem::AlreadyCompleted
        } else {
            RangeProblem::NeverSent
        }
    }

    fn counter_at(&self, p: usize) -> u32 {
        #[allow(clippy::cast_possible_truncation)] // p < N; counters wrap.
        self.base.wrapping_add(p as u32)
    }

    fn compact(&mut self) {
        while self.span > 0 {
            let head = self.head;
            let Some(entry) = self.slots.get_mut(head) else {
                return;
            };
            if !entry.as_ref().is_some_and(|s| s.done) {
                return;
            }
            *entry = None;
            self.head = if head.saturating_add(1) >= N {
                0
            } else {
                head.saturating_add(1)
            };
            self.base = self.base.wrapping_add(1);
            self.span = self.span.saturating_sub(1);
        }
    }

    fn ring(&self, p: usize) -> usize {
        let i = self.head.wrapping_add(p);
        if i >= N {
            i.wrapping_sub(N)
        } else {
            i
        }
    }

    /// Whether position `p` holds no outstanding send.
    fn done_or_gone(&self, p: usize) -> bool {
        self.slot(p).map_or(true, |s| s.done)
    }

    fn slot(&self, p: usize) -> Option<&Slot<T>> {
        if p >= self.span {
            return None;
        }
        self.slots.get(self.ring(p))?.as_ref()
    }
}

impl<T: Copy, const N: usize> Default for ZerocopyTracker<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> fmt::Debug for ZerocopyTracker<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZerocopyTracker")
            .field("capacity", &N)
            .field("base", &self.base)
            .field("outstanding", &self.outstanding)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}
