//! TX timestamps delivered by io_uring instead of `recvmsg`: the 32-byte completion of
//! `SOCKET_URING_OP_TX_TIMESTAMP` (Linux 6.16), decoded from bytes into the same
//! [`TxReport`] a `recvmsg` drain gives, so the trackers take both.
//!
//! The request is an `IORING_OP_URING_CMD` on the socket with `cmd_op =
//! SOCKET_URING_OP_TX_TIMESTAMP` on a ring set up with `IORING_SETUP_CQE32`. It is
//! multishot: io_uring polls the socket and, for each `SOF_TIMESTAMPING_OPT_TSONLY`
//! timestamp entry of the error queue, `io_process_timestamp_skb` (`io_uring/cmd_net.c`)
//! posts one big CQE:
//!
//! | bytes | field | value |
//! | --- | --- | --- |
//! | 0..8 | `user_data` (u64) | the request's |
//! | 8..12 | `res` (s32) | the OPT_ID key (`ee_data`) |
//! | 12..16 | `flags` (u32) | `IORING_CQE_F_MORE` \| `ee_info << IORING_TIMESTAMP_TYPE_SHIFT` (17) \| `IORING_CQE_F_TSTAMP_HW` (1 << 16) for a hardware time (\| `IORING_CQE_F_32` on a mixed-size ring) |
//! | 16..24 | `tv_sec` (u64) | `struct io_timespec`: the time's seconds (`timespec64`, s64 stored as u64) |
//! | 24..32 | `tv_nsec` (u64) | its nanoseconds |
//!
//! All fields are in the machine's byte order. The last completion of the request has no
//! `IORING_CQE_F_MORE`: the multishot ended (cancelled, CQ ring full, or refused: `res` is
//! `-EINVAL`/`-EOPNOTSUPP` on a ring without CQE32 or a kernel without the command), and
//! must be re-armed; that completion may be a 16-byte one.
//!
//! ```
//! use errq_codec::abi::Endian;
//! use errq_codec::timestamp::{Timespec, TstampKind};
//! use errq_codec::track::TxReport;
//! use errq_codec::uring::TimestampCqe;
//!
//! // The SND report of key 7 at 12.000000345 (software), as the kernel posts it.
//! let mut cqe = [0u8; 32];
//! cqe[0..8].copy_from_slice(&0xfeedu64.to_le_bytes()); // user_data
//! cqe[8..12].copy_from_slice(&7i32.to_le_bytes()); // res: the key
//! cqe[12..16].copy_from_slice(&(2u32 | (0 << 17)).to_le_bytes()); // MORE, SND
//! cqe[16..24].copy_from_slice(&12u64.to_le_bytes());
//! cqe[24..32].copy_from_slice(&345u64.to_le_bytes());
//! let c = TimestampCqe::decode(&cqe, Endian::Little).unwrap();
//! assert!(c.more());
//! assert_eq!(c.user_data(), 0xfeed);
//! assert_eq!(
//!     c.report(),
//!     Some(TxReport::new(7, TstampKind::SND, Timespec { sec: 12, nsec: 345 }, false))
//! );
//! ```

use core::fmt;

use crate::abi::Endian;
use crate::timestamp::{Timespec, TstampKind};
use crate::track::TxReport;

/// `SOCKET_URING_OP_TX_TIMESTAMP`: the `cmd_op` of the request (`enum io_uring_socket_op`).
pub const SOCKET_URING_OP_TX_TIMESTAMP: u32 = 4;
/// `IORING_CQE_F_MORE`: the request stays armed; more completions follow.
pub const IORING_CQE_F_MORE: u32 = 1 << 1;
/// `IORING_CQE_F_32`: a 32-byte CQE on a ring with mixed CQE sizes.
pub const IORING_CQE_F_32: u32 = 1 << 15;
/// `IORING_TIMESTAMP_HW_SHIFT`: the bit of `flags` that marks a hardware time.
pub const IORING_TIMESTAMP_HW_SHIFT: u32 = 16;
/// `IORING_TIMESTAMP_TYPE_SHIFT`: where the stage (`SCM_TSTAMP_*`) starts in `flags`.
pub const IORING_TIMESTAMP_TYPE_SHIFT: u32 = IORING_TIMESTAMP_HW_SHIFT + 1;
/// `IORING_CQE_F_TSTAMP_HW`: the time is the device's hardware clock.
pub const IORING_CQE_F_TSTAMP_HW: u32 = 1 << IORING_TIMESTAMP_HW_SHIFT;

/// The size of a big CQE (`IORING_SETUP_CQE32`): `struct io_uring_cqe` and its
/// `big_cqe[2]`, here a `struct io_timespec`.
pub const CQE32_LEN: usize = 32;
/// The size of the `struct io_uring_cqe` head (`user_data`, `res`, `flags`).
pub const CQE_LEN: usize = 16;

/// Bytes too short for the completion they start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CqeTruncated {
    /// Bytes the completion needs: 16, or 32 when `IORING_CQE_F_MORE` says it is a report.
    pub needed: usize,
    /// Bytes there were.
    pub available: usize,
}

impl fmt::Display for CqeTruncated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "io_uring TX timestamp CQE truncated: needs {} bytes, {} available",
            self.needed, self.available
        )
    }
}

impl core::error::Error for CqeTruncated {}

/// One completion of a `SOCKET_URING_OP_TX_TIMESTAMP` request; see the
/// [module docs](self). Every field is kept raw; [`TimestampCqe::report`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "io_uring_cqe")]
#[doc(alias = "io_timespec")]
pub struct TimestampCqe {
    /// `user_data`: the request's.
    pub user_data: u64,
    /// `res`: the OPT_ID key as an `s32` (a report), or 0 / a negative errno (the end).
    pub res: i32,
    /// `flags`.
    pub flags: u32,
    /// `io_timespec.tv_sec` (0 in a 16-byte final completion).
    pub tv_sec: u64,
    /// `io_timespec.tv_nsec` (0 in a 16-byte final completion).
    pub tv_nsec: u64,
}

impl TimestampCqe {
    /// Decode a completion in byte order `endian` (the ring's machine's). A report
    /// (`IORING_CQE_F_MORE`) needs 32 bytes; the final completion is read from its first
    /// 16 (the time, if present, is kept). Bytes past 32 are ignored.
    ///
    /// # Errors
    /// [`CqeTruncated`] if `bytes` is shorter than that.
    pub fn decode(bytes: &[u8], endian: Endian) -> Result<Self, CqeTruncated> {
        let short = |needed| CqeTruncated {
            needed,
            available: bytes.len(),
        };
        let head: &[u8; CQE_LEN] = bytes
            .get(..CQE_LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(short(CQE_LEN))?;
        let [u0, u1, u2, u3, u4, u5, u6, u7, r0, r1, r2, r3, f0, f1, f2, f3] = *head;
        let flags = endian.u32([f0, f1, f2, f3]);
        let time: Option<&[u8; 16]> = bytes
            .get(CQE_LEN..CQE32_LEN)
            .and_then(|b| b.try_into().ok());
        if flags & IORING_CQE_F_MORE != 0 && time.is_none() {
            return Err(short(CQE32_LEN));
        }
        let (tv_sec, tv_nsec) = time.map_or((0, 0), |t| {
            let [s0, s1, s2, s3, s4, s5, s6, s7, n0, n1, n2, n3, n4, n5, n6, n7] = *t;
            (
                endian.u64([s0, s1, s2, s3, s4, s5, s6, s7]),
                endian.u64([n0, n1, n2, n3, n4, n5, n6, n7]),
            )
        });
        Ok(Self {
            user_data: endian.u64([u0, u1, u2, u3, u4, u5, u6, u7]),
            res: i32::from_ne_bytes(endian.u32([r0, r1, r2, r3]).to_ne_bytes()),
            flags,
            tv_sec,
            tv_nsec,
        })
    }

    /// Write the 32 bytes in byte order `endian`, as the kernel does; returns 32.
    ///
    /// # Errors
    /// [`CqeTruncated`] if `out` is shorter than 32 bytes.
    pub fn encode(&self, endian: Endian, out: &mut [u8]) -> Result<usize, CqeTruncated> {
        let available = out.len();
        let dst: &mut [u8; CQE32_LEN] = out
            .get_mut(..CQE32_LEN)
            .and_then(|b| b.try_into().ok())
            .ok_or(CqeTruncated {
                needed: CQE32_LEN,
                available,
            })?;
        let (a, rest) = dst.split_at_mut(8);
        a.copy_from_slice(&endian.u64_bytes(self.user_data));
        let (b, rest) = rest.split_at_mut(4);
        b.copy_from_slice(&endian.u32_bytes(u32::from_ne_bytes(self.res.to_ne_bytes())));
        let (c, rest) = rest.split_at_mut(4);
        c.copy_from_slice(&endian.u32_bytes(self.flags));
        let (d, e) = rest.split_at_mut(8);
        d.copy_from_slice(&endian.u64_bytes(self.tv_sec));
        e.copy_from_slice(&endian.u64_bytes(self.tv_nsec));
        Ok(CQE32_LEN)
    }

    /// `user_data`.
    #[must_use]
    pub const fn user_data(&self) -> u64 {
        self.user_data
    }

    /// `IORING_CQE_F_MORE`: a report, and the request stays armed. Without it the request
    /// ended ([`TimestampCqe::end`]) and must be submitted again.
    #[must_use]
    pub const fn more(&self) -> bool {
        self.flags & IORING_CQE_F_MORE != 0
    }

    /// The stage: `flags >> IORING_TIMESTAMP_TYPE_SHIFT`.
    #[must_use]
    pub const fn stage(&self) -> TstampKind {
        TstampKind(self.flags >> IORING_TIMESTAMP_TYPE_SHIFT)
    }

    /// `IORING_CQE_F_TSTAMP_HW`: the time is a hardware one.
    #[must_use]
    pub const fn hardware(&self) -> bool {
        self.flags & IORING_CQE_F_TSTAMP_HW != 0
    }

    /// The time: `io_timespec` read back as the kernel's `timespec64` (s64 fields stored
    /// as u64).
    #[must_use]
    pub const fn time(&self) -> Timespec {
        Timespec {
            sec: i64::from_ne_bytes(self.tv_sec.to_ne_bytes()),
            nsec: i64::from_ne_bytes(self.tv_nsec.to_ne_bytes()),
        }
    }

    /// The report this completion carries, for the trackers: key `res` (the `u32`
    /// `ee_data` the kernel stored into the `s32`), stage, time, clock. `None` for the
    /// final completion.
    #[must_use]
    pub const fn report(&self) -> Option<TxReport> {
        if !self.more() {
            return None;
        }
        Some(TxReport::new(
            u32::from_ne_bytes(self.res.to_ne_bytes()),
            self.stage(),
            self.time(),
            self.hardware(),
        ))
    }

    /// The final completion's result: `Some(0)` (ended normally, e.g. cancelled with
    /// nothing pending) or `Some(-errno)` (`-ECANCELED`, `-EINVAL`/`-EOPNOTSUPP`: the
    /// command is not available on this ring or kernel, ...); `None` for a report.
    #[must_use]
    pub const fn end(&self) -> Option<i32> {
        if self.more() {
            None
        } else {
            Some(self.res)
        }
    }
}

impl fmt::Display for TimestampCqe {
    /// `TX timestamp SND key 7 at 12.000000345`, `TX timestamp SND key 7 at 1.5 (hardware)`,
    /// `TX timestamp request ended (res -125)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.report() {
            Some(r) => {
                write!(f, "TX timestamp {} key {} at {}", r.stage, r.key, r.time)?;
                if r.hardware {
                    f.write_str(" (hardware)")?;
                }
                Ok(())
            }
            None => write!(f, "TX timestamp request ended (res {})", self.res),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    /// A report CQE written byte by byte as `io_process_timestamp_skb` fills it:
    /// `cqe->res = tskey` (u32 into s32), `flags = MORE | tstype << 17 | hw << 16`, then
    /// `io_timespec`, in the given byte order.
    fn kernel_cqe(be: bool, key: u32, tstype: u32, hw: bool, sec: i64, nsec: i64) -> [u8; 32] {
        let flags = 2 | (tstype << 17) | (u32::from(hw) << 16);
        let mut b = [0u8; 32];
        let put = |b: &mut [u8], v: &[u8]| b.copy_from_slice(v);
        if be {
            put(&mut b[0..8], &0x0102_0304_0506_0708u64.to_be_bytes());
            put(&mut b[8..12], &key.to_be_bytes());
            put(&mut b[12..16], &flags.to_be_bytes());
            put(&mut b[16..24], &sec.to_be_bytes());
            put(&mut b[24..32], &nsec.to_be_bytes());
        } else {
            put(&mut b[0..8], &0x0102_0304_0506_0708u64.to_le_bytes());
            put(&mut b[8..12], &key.to_le_bytes());
            put(&mut b[12..16], &flags.to_le_bytes());
            put(&mut b[16..24], &sec.to_le_bytes());
            put(&mut b[24..32], &nsec.to_le_bytes());
        }
        b
    }

    #[test]
    fn reports_in_both_byte_orders() {
        for (be, endian) in [(false, Endian::Little), (true, Endian::Big)] {
            // A key above i32::MAX (res is negative as an s32), SCHED, software.
            let b = kernel_cqe(be, 0xffff_fff0, 1, false, 1_795_300_418, 219_145_685);
            let c = TimestampCqe::decode(&b, endian).unwrap();
            assert_eq!(c.user_data(), 0x0102_0304_0506_0708);
            assert!(c.more() && c.end().is_none());
            assert_eq!(c.res, -16);
            assert_eq!(
                c.report(),
                Some(TxReport::new(
                    0xffff_fff0,
                    TstampKind::SCHED,
                    Timespec {
                        sec: 1_795_300_418,
                        nsec: 219_145_685
                    },
                    false
                ))
            );
            // ACK, hardware, a time before the epoch (s64 -1 stored as u64).
            let b = kernel_cqe(be, 99, 2, true, -1, 5);
            let r = TimestampCqe::decode(&b, endian).unwrap().report().unwrap();
            assert_eq!((r.key, r.stage, r.hardware), (99, TstampKind::ACK, true));
            assert_eq!(r.time, Timespec { sec: -1, nsec: 5 });
            // Round trip.
            let c = TimestampCqe::decode(&b, endian).unwrap();
            let mut out = [0u8; 40];
            assert_eq!(c.encode(endian, &mut out), Ok(32));
            assert_eq!(out[..32], b);
        }
    }

    #[test]
    fn the_end_and_short_input() {
        // The final completion: no MORE, res = -EOPNOTSUPP (95), 16 bytes suffice.
        let mut b = [0u8; 16];
        b[8..12].copy_from_slice(&(-95i32).to_le_bytes());
        let c = TimestampCqe::decode(&b, Endian::Little).unwrap();
        assert_eq!((c.more(), c.end(), c.report()), (false, Some(-95), None));
        assert_eq!(c.to_string(), "TX timestamp request ended (res -95)");
        // A report needs its time: 16 bytes with MORE is truncated, as is anything < 16.
        b[12] = 2;
        assert_eq!(
            TimestampCqe::decode(&b, Endian::Little),
            Err(CqeTruncated {
                needed: 32,
                available: 16
            })
        );
        for n in 0..16 {
            assert_eq!(
                TimestampCqe::decode(&b[..n], Endian::Little),
                Err(CqeTruncated {
                    needed: 16,
                    available: n
                })
            );
        }
        let mut small = [0u8; 31];
        assert!(c.encode(Endian::Little, &mut small).is_err());
    }

    #[test]
    fn constants_match_the_uapi_header() {
        // include/uapi/linux/io_uring.h
        assert_eq!(IORING_TIMESTAMP_HW_SHIFT, 16);
        assert_eq!(IORING_TIMESTAMP_TYPE_SHIFT, 17);
        assert_eq!(IORING_CQE_F_TSTAMP_HW, 0x0001_0000);
        assert_eq!(IORING_CQE_F_MORE, 2);
        assert_eq!(SOCKET_URING_OP_TX_TIMESTAMP, 4);
        let b = kernel_cqe(false, 3, 0, false, 1, 2);
        let c = TimestampCqe::decode(&b, Endian::Little).unwrap();
        assert_eq!(c.to_string(), "TX timestamp SND key 3 at 1.000000002");
    }
}
