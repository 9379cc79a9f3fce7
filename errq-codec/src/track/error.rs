//! The one error type of the trackers.

use core::fmt;

use crate::timestamp::TstampKind;

/// Why a zerocopy completion range cannot be applied (see [`TrackError::ImpossibleRange`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RangeProblem {
    /// The range covers a counter that no registered send took.
    NeverSent,
    /// The range covers a counter whose completion was already applied.
    AlreadyCompleted,
}

/// What a tracker refused. `Copy`, and nothing changed in the tracker when it is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrackError {
    /// The tracker holds `capacity` sends already: finish some (read completions, lost or
    /// expired sends) before registering more.
    Full {
        /// The tracker's fixed capacity.
        capacity: usize,
    },
    /// `SCM_TSTAMP_ACK` was asked on a datagram socket: only TCP reports ACK
    /// (`tcp_ack_tstamp` in `net/ipv4/tcp_input.c` is its only source).
    AckOnDatagram,
    /// The registration asked for no stage, or for a bit that is not one of
    /// SND/SCHED/ACK/COMPLETION.
    BadStages {
        /// The raw stage bits given.
        bits: u8,
    },
    /// A stream send of zero bytes (it takes no key), or one longer than 2^31 bytes.
    BadLength {
        /// The length given.
        len: u32,
    },
    /// The send's key is not after the previous send's last key, or is 2^31 or more ahead
    /// of the oldest outstanding one: keys must increase (serial-number arithmetic, RFC
    /// 1982) for reports to be matched and gaps found.
    OutOfOrder {
        /// The first key of the refused send.
        key: u32,
        /// The last key of the previous send.
        previous: u32,
    },
    /// A zerocopy completion `[lo, hi]` that cannot be right.
    ImpossibleRange {
        /// `ee_info`: the first counter of the range.
        lo: u32,
        /// `ee_data`: the last counter (inclusive).
        hi: u32,
        /// The first offending counter.
        counter: u32,
        /// What is wrong with it.
        problem: RangeProblem,
    },
    /// The message is not a transmit timestamp (`SO_EE_ORIGIN_TIMESTAMPING` with `ENOMSG`).
    NotATimestamp,
    /// A transmit timestamp without a non-zero software or hardware time in its
    /// `SO_TIMESTAMPING` record (the socket did not ask for `SOF_TIMESTAMPING_SOFTWARE` or
    /// `RAW_HARDWARE`, or the record was cut off).
    NoTime {
        /// The stage of the report.
        stage: TstampKind,
        /// Its key.
        key: u32,
    },
}

impl fmt::Display for TrackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full { capacity } => write!(f, "tracker full ({capacity} sends outstanding)"),
            Self::AckOnDatagram => f.write_str("SCM_TSTAMP_ACK asked on a datagram socket"),
            Self::BadStages { bits } => write!(f, "bad timestamp stages {bits:#x}"),
            Self::BadLength { len } => write!(f, "bad stream send length {len}"),
            Self::OutOfOrder { key, previous } => {
                write!(f, "send key {key} is not after the previous key {previous}")
            }
            Self::ImpossibleRange {
                lo,
                hi,
                counter,
                problem,
            } => {
                let what = match problem {
                    RangeProblem::NeverSent => "was never sent",
                    RangeProblem::AlreadyCompleted => "was already completed",
                };
                write!(f, "zerocopy range {lo}..={hi}: counter {counter} {what}")
            }
            Self::NotATimestamp => f.write_str("not a transmit timestamp"),
            Self::NoTime { stage, key } => {
                write!(f, "TX timestamp {stage} key {key} carries no time")
            }
        }
    }
}

impl core::error::Error for TrackError {}
