//! [`TxReport`]: one transmit-timestamp report as plain numbers, whatever carried it.

use crate::meaning::{Meaning, TxTimestamp};
use crate::message::Message;
use crate::timestamp::{Timespec, TstampKind};
use crate::track::TrackError;

/// One transmit-timestamp report: the OPT_ID key, the stage, the time and its clock.
///
/// The tracker takes this plain value, not a [`Message`], so that every path feeds it the
/// same way: a `recvmsg` drain ([`TxReport::from_message`]), or a path that never sees a
/// control buffer (an io_uring completion carries the same four fields).
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::message::Message;
/// use errq_codec::timestamp::{Timespec, TstampKind};
/// use errq_codec::track::TxReport;
///
/// // A real x86_64 capture (UDP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|
/// // TX_SCHED|OPT_TSONLY): the SND report of key 0. SO_TIMESTAMPING_OLD with ts[0] =
/// // 1795300418.219145685, then the error: ENOMSG, origin TIMESTAMPING, info 0 (SND), data 0.
/// let control = [
///     64, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 37, 0, 0, 0,
///     66, 28, 2, 107, 0, 0, 0, 0, 213, 229, 15, 13, 0, 0, 0, 0,
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
///     42, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
/// ];
/// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &[], &[]);
/// let r = TxReport::from_message(&m).unwrap();
/// assert_eq!(
///     r,
///     TxReport {
///         key: 0,
///         stage: TstampKind::SND,
///         time: Timespec { sec: 1_795_300_418, nsec: 219_145_685 },
///         hardware: false,
///     }
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxReport {
    /// `ee_data`: the `SOF_TIMESTAMPING_OPT_ID` key (a datagram's counter; on TCP the
    /// offset of the last byte of the send, counted from the key base).
    pub key: u32,
    /// `ee_info`: the stage (`SCM_TSTAMP_*`).
    pub stage: TstampKind,
    /// The time.
    pub time: Timespec,
    /// Whether `time` is a raw hardware time (`ts[2]`) rather than software (`ts[0]`).
    pub hardware: bool,
}

impl TxReport {
    /// A report from its four fields.
    #[must_use]
    pub const fn new(key: u32, stage: TstampKind, time: Timespec, hardware: bool) -> Self {
        Self {
            key,
            stage,
            time,
            hardware,
        }
    }

    /// The report a decoded error-queue message carries.
    ///
    /// The time is the raw hardware one (`ts[2]`) when it is non-zero, else the software
    /// one (`ts[0]`): `__skb_tstamp_tx` fills one of them per report (with
    /// `SOF_TIMESTAMPING_OPT_TX_SWHW` a send gets one report of each kind).
    ///
    /// # Errors
    /// [`TrackError::NotATimestamp`] if the message's error is not a transmit timestamp
    /// (or it has no error record); [`TrackError::NoTime`] if it has no non-zero time.
    pub fn from_message(message: &Message<'_>) -> Result<Self, TrackError> {
        match message.meaning() {
            Some(Meaning::Timestamp(t)) => Self::from_timestamp(&t),
            _ => Err(TrackError::NotATimestamp),
        }
    }

    /// The report of a [`TxTimestamp`] meaning (as [`Message::meaning`] fills it).
    ///
    /// # Errors
    /// [`TrackError::NoTime`] if it holds no non-zero time.
    pub fn from_timestamp(t: &TxTimestamp) -> Result<Self, TrackError> {
        let no_time = TrackError::NoTime {
            stage: t.kind,
            key: t.key,
        };
        let ts = t.timestamps.ok_or(no_time)?;
        let (time, hardware) = match (ts.hardware(), ts.software()) {
            (Some(h), _) => (h, true),
            (None, Some(s)) => (s, false),
            (None, None) => return Err(no_time),
        };
        Ok(Self::new(t.key, t.kind, time, hardware))
    }
}
