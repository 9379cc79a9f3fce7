//! What the [`TimestampTracker`](crate::track::TimestampTracker) hands out: a finished
//! send's record, the outcome of one report, and the counters.

use core::time::Duration;

use crate::timestamp::{Timespec, TstampKind};
use crate::track::{Stages, Stamp};

/// A send's outcome, handed out when it finished: its token, its keys, and each stage's
/// time.
///
/// ```
/// use core::time::Duration;
/// use errq_codec::timestamp::{Timespec, TstampKind};
/// use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport};
///
/// let mut t: TimestampTracker<&str, 4> = TimestampTracker::datagram();
/// t.register(0, Stages::SCHED | Stages::SND, "probe", Duration::ZERO).unwrap();
/// let at = |nsec| Timespec { sec: 1, nsec };
/// t.feed(&TxReport::new(0, TstampKind::SCHED, at(100), false));
/// let Outcome::Complete(r) = t.feed(&TxReport::new(0, TstampKind::SND, at(350), false)) else {
///     panic!()
/// };
/// assert_eq!(r.token, "probe");
/// assert!(r.is_complete());
/// assert_eq!(r.latency(TstampKind::SCHED, TstampKind::SND), Some(Duration::from_nanos(250)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendRecord<T> {
    /// The token given at registration.
    pub token: T,
    /// The first key of the send (a datagram's key; a TCP send's first byte offset).
    pub first: u32,
    /// The key the kernel reports for it (a datagram's key; a TCP send's last byte offset).
    pub key: u32,
    /// The stages asked for.
    pub expected: Stages,
    /// The stages whose report arrived.
    pub arrived: Stages,
    /// The stages whose report can no longer arrive: a later report proved it dropped.
    pub lost: Stages,
    /// The stages given up by [`crate::track::TimestampTracker::expire`].
    pub timed_out: Stages,
    pub(crate) hardware: Stages,
    pub(crate) times: [Timespec; 4],
}

impl<T> SendRecord<T> {
    /// Whether every stage asked for arrived.
    #[must_use]
    pub const fn is_complete(&self) -> bool {
        self.arrived.contains(self.expected)
    }

    /// The stages asked for that did not arrive (lost or timed out).
    #[must_use]
    pub const fn missing(&self) -> Stages {
        self.expected.without(self.arrived)
    }

    /// The time of one stage, if its report arrived.
    #[must_use]
    pub fn stamp(&self, stage: TstampKind) -> Option<Stamp> {
        let bit = Stages::of(stage)?;
        if !self.arrived.contains(bit) {
            return None;
        }
        let time = *self.times.get(usize::try_from(stage.0).ok()?)?;
        Some(Stamp {
            time,
            hardware: self.hardware.contains(bit),
        })
    }

    /// The time from stage `from` to stage `to` (SCHED to SND: time in the qdisc; SND to
    /// ACK: the round trip). `None` if either is missing, they are on different clocks
    /// (hardware and software), or `to` is earlier.
    #[must_use]
    pub fn latency(&self, from: TstampKind, to: TstampKind) -> Option<Duration> {
        self.stamp(from)?.until(&self.stamp(to)?)
    }
}

/// Why [`crate::track::TimestampTracker::feed`] did not store a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unmatched {
    /// No outstanding send holds this key (never registered, already finished, or older
    /// than every outstanding send).
    NoSend,
    /// The send did not ask for this stage.
    NotExpected,
    /// The send already has this stage's report (e.g. a software and a hardware report
    /// with `SOF_TIMESTAMPING_OPT_TX_SWHW`): the first one is kept.
    Duplicate,
    /// The tracker had declared this report lost: it came against the order the tracker
    /// relies on (see [`crate::track::timestamps`]).
    Late,
    /// A stage this module does not know (`ee_info` > 3).
    UnknownStage,
}

/// What [`crate::track::TimestampTracker::feed`] did with a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Stored; the send waits for more stages (or, if the report finished it with a
    /// stage lost, it waits in [`crate::track::TimestampTracker::pop_lost`]).
    Stored {
        /// The send's token.
        token: T,
    },
    /// The report completed its send: every stage asked for arrived.
    Complete(SendRecord<T>),
    /// Not stored.
    Unmatched(Unmatched),
}

/// Counters of everything a [`crate::track::TimestampTracker`] saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimestampStats {
    /// Sends registered.
    pub registered: u64,
    /// Sends completed (every stage arrived).
    pub completed: u64,
    /// Reports stored.
    pub matched: u64,
    /// Reports not stored, each counted in one of the `unmatched_*` fields too.
    pub unmatched: u64,
    /// ... of which [`Unmatched::NoSend`].
    pub unmatched_no_send: u64,
    /// ... [`Unmatched::NotExpected`].
    pub unmatched_not_expected: u64,
    /// ... [`Unmatched::Duplicate`].
    pub unmatched_duplicate: u64,
    /// ... [`Unmatched::Late`].
    pub unmatched_late: u64,
    /// ... [`Unmatched::UnknownStage`].
    pub unmatched_unknown_stage: u64,
    /// Reports declared lost because a later report proved them dropped (one per send and
    /// stage).
    pub lost_reports: u64,
    /// Sends that finished with at least one lost report.
    pub lost_sends: u64,
    /// Reports given up by [`crate::track::TimestampTracker::expire`].
    pub timed_out_reports: u64,
    /// Sends given up by [`crate::track::TimestampTracker::expire`].
    pub timed_out_sends: u64,
}
