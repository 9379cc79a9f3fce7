//! TX timestamps delivered by io_uring: the 32-byte completion of
//! `IORING_OP_URING_CMD` / `SOCKET_URING_OP_TX_TIMESTAMP` (Linux 6.16).
//!
//! On a ring created with `IORING_SETUP_CQE32`, the command arms a multishot poll for
//! `EPOLLERR`; each time it fires, `io_uring_cmd_timestamp` (io_uring/cmd_net.c) takes every
//! transmit timestamp with no payload (`SOF_TIMESTAMPING_OPT_TSONLY`) off the socket's
//! error queue and `io_process_timestamp_skb` posts one completion per report:
//!
//! | bytes | field | holds |
//! | --- | --- | --- |
//! | 0..8 | `user_data` | the request's `user_data` |
//! | 8..12 | `res` | the OPT_ID key (`ee_data`), or a negative errno when the request failed |
//! | 12..16 | `flags` | `IORING_CQE_F_MORE` (1 << 1) while the request stays armed, `IORING_CQE_F_TSTAMP_HW` (1 << 16), the stage (`ee_info`) from bit 17 up |
//! | 16..24 | `tv_sec` | `struct io_timespec`, `u64` |
//! | 24..32 | `tv_nsec` | `u64` |
//!
//! All fields are in the host's byte order. Entries with a payload, and anything that is
//! not a transmit timestamp, stay on the error queue for `recvmsg`. A completion without
//! `IORING_CQE_F_MORE` ends the request (the ring was full, or it was cancelled): arm it
//! again.
//!
//! ```
//! use errq_codec::abi::Endian;
//! use errq_codec::timestamp::{Timespec, TstampKind};
//! use errq_codec::uring::{TxTimestampCompletion, TxTimestampCqe};
//!
//! // A completion as the kernel posts it on x86_64: key 5, SCHED (1 << 17), MORE (1 << 1),
//! // software time 1795300418.000000042.
//! let mut bytes = [0u8; 32];
//! bytes[8..12].copy_from_slice(&5_i32.to_le_bytes());
//! bytes[12..16].copy_from_slice(&((1_u32 << 17) | 2).to_le_bytes());
//! bytes[16..24].copy_from_slice(&1_795_300_418_u64.to_le_bytes());
//! bytes[24..32].copy_from_slice(&42_u64.to_le_bytes());
//! let cqe = TxTimestampCqe::decode(&bytes, Endian::Little)?;
//! let TxTimestampCompletion::Report { report, more } = cqe.completion()? else {
//!     panic!("not a report")
//! };
//! assert!(more);
//! assert_eq!((report.key, report.stage, report.hardware), (5, TstampKind::SCHED, false));
//! assert_eq!(report.time, Timespec { sec: 1_795_300_418, nsec: 42 });
//! # Ok::<(), errq_codec::Error>(())
//! ```

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::abi::Endian;
use crate::error::{Error, Reason, Structure};
use crate::timestamp::{Timespec, TstampKind};
use crate::track::TxReport;

/// The size of a `CQE32` completion: `struct io_uring_cqe` (16 bytes) and its 16 extra.
pub const CQE32_LEN: usize = size_of::<RawCqe32>();

/// A `CQE32` timestamp completion on the wire: `struct io_uring_cqe` (`user_data`, `res`,
/// `flags`) and the `struct io_timespec` that `io_process_timestamp_skb` writes in
/// `big_cqe`; every field in the host's byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawCqe32 {
    user_data: [u8; 8],
    res: [u8; 4],
    flags: [u8; 4],
    tv_sec: [u8; 8],
    tv_nsec: [u8; 8],
}

/// `SOCKET_URING_OP_TX_TIMESTAMP`: the `cmd_op` of the command.
pub const SOCKET_URING_OP_TX_TIMESTAMP: u32 = 4;

/// `IORING_CQE_F_MORE`: the request stays armed; more completions follow.
pub const IORING_CQE_F_MORE: u32 = 1 << 1;

/// `IORING_TIMESTAMP_HW_SHIFT`.
pub const IORING_TIMESTAMP_HW_SHIFT: u32 = 16;

/// `IORING_CQE_F_TSTAMP_HW`: the time is a hardware timestamp.
pub const IORING_CQE_F_TSTAMP_HW: u32 = 1 << IORING_TIMESTAMP_HW_SHIFT;

/// `IORING_TIMESTAMP_TYPE_SHIFT`: the stage is stored from this bit of `flags` up.
pub const IORING_TIMESTAMP_TYPE_SHIFT: u32 = IORING_TIMESTAMP_HW_SHIFT + 1;

/// One 32-byte completion of the TX-timestamp command, every field raw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[doc(alias = "io_uring_cqe")]
#[doc(alias = "io_timespec")]
pub struct TxTimestampCqe {
    /// `user_data` of the request.
    pub user_data: u64,
    /// `res`: the OPT_ID key as the kernel's `int` (reinterpret as `u32`), or `-errno`.
    pub res: i32,
    /// `flags`.
    pub flags: u32,
    /// `io_timespec.tv_sec`.
    pub tv_sec: u64,
    /// `io_timespec.tv_nsec`.
    pub tv_nsec: u64,
}

/// What one completion says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TxTimestampCompletion {
    /// A transmit timestamp.
    Report {
        /// The report, as a `recvmsg` drain of the same entry gives it.
        report: TxReport,
        /// `IORING_CQE_F_MORE`: the request is still armed.
        more: bool,
    },
    /// The request failed or ended: `res` was `-errno` (`EINVAL` on a ring without
    /// `CQE32`, `EOPNOTSUPP` where the socket or kernel has no such command, `ECANCELED`
    /// when cancelled), or 0 with no `MORE` (the multishot ended with nothing to report).
    Ended {
        /// The positive errno, or 0.
        errno: u32,
    },
}

impl TxTimestampCqe {
    /// Read a completion from its 32 bytes in byte order `endian` (the host's).
    ///
    /// # Errors
    /// [`Error::Truncated`] for fewer than 32 bytes.
    pub fn decode(bytes: &[u8], endian: Endian) -> Result<Self, Error> {
        let (raw, _) = RawCqe32::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::IoUringCqe, CQE32_LEN, bytes.len()))?;
        Ok(Self {
            user_data: endian.u64(raw.user_data),
            res: i32::from_ne_bytes(endian.u32(raw.res).to_ne_bytes()),
            flags: endian.u32(raw.flags),
            tv_sec: endian.u64(raw.tv_sec),
            tv_nsec: endian.u64(raw.tv_nsec),
        })
    }

    /// Write the completion's 32 bytes in byte order `endian` (for tests and fuzzing).
    ///
    /// # Errors
    /// [`Error::NoSpace`] when `out` is shorter than 32 bytes.
    pub fn encode(&self, endian: Endian, out: &mut [u8]) -> Result<usize, Error> {
        let available = out.len();
        let Some(out) = out.first_chunk_mut::<CQE32_LEN>() else {
            return Err(Error::NoSpace {
                what: Structure::IoUringCqe,
                needed: CQE32_LEN,
                available,
            });
        };
        let raw = RawCqe32 {
            user_data: endian.u64_bytes(self.user_data),
            res: endian.u32_bytes(u32::from_ne_bytes(self.res.to_ne_bytes())),
            flags: endian.u32_bytes(self.flags),
            tv_sec: endian.u64_bytes(self.tv_sec),
            tv_nsec: endian.u64_bytes(self.tv_nsec),
        };
        *out = zerocopy::transmute!(raw);
        Ok(CQE32_LEN)
    }

    /// `IORING_CQE_F_MORE`: the request is still armed.
    #[must_use]
    pub const fn more(&self) -> bool {
        self.flags & IORING_CQE_F_MORE != 0
    }

    /// `IORING_CQE_F_TSTAMP_HW`: a hardware time.
    #[must_use]
    pub const fn hardware(&self) -> bool {
        self.flags & IORING_CQE_F_TSTAMP_HW != 0
    }

    /// The stage (`SCM_TSTAMP_*`): `flags >> IORING_TIMESTAMP_TYPE_SHIFT`.
    #[must_use]
    pub const fn stage(&self) -> TstampKind {
        TstampKind(self.flags >> IORING_TIMESTAMP_TYPE_SHIFT)
    }

    /// What the completion says: a report, or the end of the request.
    ///
    /// A report is only what the kernel posts: `MORE` set and `res` the key. A completion
    /// without `MORE` is the request's last, whatever `res` holds.
    ///
    /// # Errors
    /// [`Error::Malformed`] for a report whose time cannot be a `struct timespec64`
    /// (`tv_sec` above `i64::MAX`, `tv_nsec` of a second or more).
    pub fn completion(&self) -> Result<TxTimestampCompletion, Error> {
        if !self.more() {
            return Ok(TxTimestampCompletion::Ended {
                errno: self.res.unsigned_abs(),
            });
        }
        let bad = |field, value| {
            Error::malformed(Structure::IoUringCqe, Reason::BadValue { field, value })
        };
        let sec = i64::try_from(self.tv_sec).map_err(|_| bad("tv_sec", self.tv_sec))?;
        if self.tv_nsec >= 1_000_000_000 {
            return Err(bad("tv_nsec", self.tv_nsec));
        }
        let nsec = i64::try_from(self.tv_nsec).map_err(|_| bad("tv_nsec", self.tv_nsec))?;
        Ok(TxTimestampCompletion::Report {
            report: TxReport::new(
                u32::from_ne_bytes(self.res.to_ne_bytes()),
                self.stage(),
                Timespec { sec, nsec },
                self.hardware(),
            ),
            more: true,
        })
    }
}

/// `key 5 SCHED software 1795300418.000000042, more`, or `end: errno 125`.
impl core::fmt::Display for TxTimestampCqe {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if !self.more() {
            return write!(f, "end: errno {}", self.res.unsigned_abs());
        }
        let stage = self.stage();
        write!(f, "key {} ", u32::from_ne_bytes(self.res.to_ne_bytes()))?;
        match stage.name() {
            Some(name) => f.write_str(name)?,
            None => write!(f, "stage {}", stage.0)?,
        }
        let clock = if self.hardware() {
            "hardware"
        } else {
            "software"
        };
        write!(f, " {clock} {}.{:09}, more", self.tv_sec, self.tv_nsec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(res: i32, flags: u32, sec: u64, nsec: u64, e: Endian) -> [u8; 32] {
        let mut b = [0u8; 32];
        let cqe = TxTimestampCqe {
            user_data: 0x0102_0304_0506_0708,
            res,
            flags,
            tv_sec: sec,
            tv_nsec: nsec,
        };
        assert_eq!(cqe.encode(e, &mut b), Ok(32));
        assert_eq!(TxTimestampCqe::decode(&b, e), Ok(cqe));
        b
    }

    #[test]
    fn layout_as_io_process_timestamp_skb_writes_it() {
        // Little-endian: user_data, res, flags, then io_timespec.
        let b = bytes(
            -2,
            (3 << 17) | IORING_CQE_F_TSTAMP_HW | 2,
            7,
            9,
            Endian::Little,
        );
        assert_eq!(b[..8], [8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(b[8..12], [0xfe, 0xff, 0xff, 0xff]);
        assert_eq!(b[12..16], [2, 0, 0x07, 0]);
        assert_eq!(b[16..24], [7, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(b[24..32], [9, 0, 0, 0, 0, 0, 0, 0]);
        let cqe = TxTimestampCqe::decode(&b, Endian::Little).unwrap();
        assert_eq!(cqe.stage(), TstampKind::COMPLETION);
        assert!(cqe.hardware() && cqe.more());
        // Key 0xffff_fffe: res is the u32 key in an int.
        let TxTimestampCompletion::Report { report, .. } = cqe.completion().unwrap() else {
            panic!()
        };
        assert_eq!(report.key, 0xffff_fffe);
        assert_eq!(report.time, Timespec { sec: 7, nsec: 9 });
        assert_eq!(
            std::format!("{cqe}"),
            "key 4294967294 COMPLETION hardware 7.000000009, more"
        );
        let be = bytes(1, 2, 7, 9, Endian::Big);
        assert_eq!(be[8..16], [0, 0, 0, 1, 0, 0, 0, 2]);
    }

    #[test]
    fn ends_and_errors() {
        let b = bytes(-22, 0, 0, 0, Endian::Little);
        let cqe = TxTimestampCqe::decode(&b, Endian::Little).unwrap();
        assert_eq!(
            cqe.completion(),
            Ok(TxTimestampCompletion::Ended { errno: 22 })
        );
        let b = bytes(0, 2, 0, 1_000_000_000, Endian::Little);
        assert_eq!(
            TxTimestampCqe::decode(&b, Endian::Little)
                .unwrap()
                .completion(),
            Err(Error::malformed(
                Structure::IoUringCqe,
                Reason::BadValue {
                    field: "tv_nsec",
                    value: 1_000_000_000
                }
            ))
        );
        let b = bytes(0, 2, u64::MAX, 0, Endian::Little);
        assert!(TxTimestampCqe::decode(&b, Endian::Little)
            .unwrap()
            .completion()
            .is_err());
        for len in 0..32 {
            assert_eq!(
                TxTimestampCqe::decode(&b[..len], Endian::Little),
                Err(Error::truncated(Structure::IoUringCqe, 32, len))
            );
            let mut out = [0u8; 32];
            assert!(TxTimestampCqe::default()
                .encode(Endian::Little, &mut out[..len])
                .is_err());
        }
    }
}
