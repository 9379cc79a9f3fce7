//! The send side: the control messages a `sendmsg` carries to ask for error-queue reports.
//!
//! Three per-send requests reach `__sock_cmsg_send` (net/core/sock.c) at level `SOL_SOCKET`:
//!
//! | request | record | data | the kernel refuses with `EINVAL` |
//! | --- | --- | --- | --- |
//! | timestamp this packet | `SO_TIMESTAMPING` | `u32` flags | a flag outside [`Timestamping::TX_RECORD_MASK`], a length other than `CMSG_LEN(4)` |
//! | its OPT_ID key (Linux 6.13) | `SCM_TS_OPT_ID` | `u32` key | a TCP socket, a socket without `SOF_TIMESTAMPING_OPT_ID`, a length other than `CMSG_LEN(4)` |
//! | its transmit time | `SCM_TXTIME` | `u64` ns on the `SO_TXTIME` clock | a socket without `SO_TXTIME`, a length other than `CMSG_LEN(8)` |
//!
//! A per-send `SO_TIMESTAMPING` replaces the socket's TX record flags for that packet only;
//! the reporting flags (`SOFTWARE`, `OPT_ID`, `OPT_TSONLY`, ...) stay the socket's.
//! [`SendRequests::encode`] writes them for any [`Abi`] (the numbers differ on SPARC and
//! PA-RISC), [`SendRequests::decode`] reads them back.
//!
//! ```
//! use errq_codec::abi::Abi;
//! use errq_codec::send::SendRequests;
//! use errq_codec::tsflags::Timestamping;
//!
//! let requests = SendRequests::new()
//!     .timestamping(Timestamping::TX_SCHED | Timestamping::TX_SOFTWARE)
//!     .ts_opt_id(7);
//! let mut control = [0u8; SendRequests::space(&Abi::X86_64)];
//! let len = requests.encode(&Abi::X86_64, &mut control)?;
//! assert_eq!(len, 48); // two records of CMSG_SPACE(4): a 16-byte header, 4 bytes, 4 of padding
//! assert_eq!(SendRequests::decode(&control[..len], &Abi::X86_64)?, requests);
//! # Ok::<(), errq_codec::Error>(())
//! ```

use crate::abi::Abi;
use crate::cmsg::{CmsgWriter, Cmsgs};
use crate::error::{Error, Reason, Structure};
use crate::tsflags::Timestamping;

/// The per-send requests of one `sendmsg`: each is `None` when not asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SendRequests {
    /// `SO_TIMESTAMPING`: the TX record flags for this packet (only
    /// [`Timestamping::TX_RECORD_MASK`] bits).
    #[doc(alias = "SO_TIMESTAMPING")]
    pub timestamping: Option<Timestamping>,
    /// `SCM_TS_OPT_ID`: the OPT_ID key the reports of this packet carry, instead of the
    /// socket's counter (UDP and raw sockets with `SOF_TIMESTAMPING_OPT_ID`; Linux 6.13).
    #[doc(alias = "SCM_TS_OPT_ID")]
    pub ts_opt_id: Option<u32>,
    /// `SCM_TXTIME`: when to transmit, in nanoseconds on the clock `SO_TXTIME` chose.
    #[doc(alias = "SCM_TXTIME")]
    pub txtime: Option<u64>,
}

impl SendRequests {
    /// No requests: a plain send.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            timestamping: None,
            ts_opt_id: None,
            txtime: None,
        }
    }

    /// Timestamp this packet with `flags` (TX record flags only).
    #[must_use]
    pub const fn timestamping(mut self, flags: Timestamping) -> Self {
        self.timestamping = Some(flags);
        self
    }

    /// Give this packet the OPT_ID key `key`.
    #[must_use]
    pub const fn ts_opt_id(mut self, key: u32) -> Self {
        self.ts_opt_id = Some(key);
        self
    }

    /// Transmit this packet at `ns` nanoseconds on the `SO_TXTIME` clock.
    #[must_use]
    pub const fn txtime(mut self, ns: u64) -> Self {
        self.txtime = Some(ns);
        self
    }

    /// Whether nothing is requested (the control buffer stays empty).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.timestamping.is_none() && self.ts_opt_id.is_none() && self.txtime.is_none()
    }

    /// The control-buffer size that holds every request for `abi`: `CMSG_SPACE(4)` twice and
    /// `CMSG_SPACE(8)`.
    #[must_use]
    pub const fn space(abi: &Abi) -> usize {
        abi.cmsg_space(4)
            .saturating_add(abi.cmsg_space(4))
            .saturating_add(abi.cmsg_space(8))
    }

    /// Write the requested records into `buf` for `abi`, in the order timestamping, OPT_ID,
    /// txtime; returns the length to pass as `msg_controllen` (0 when nothing is requested).
    ///
    /// # Errors
    /// [`Error::Malformed`] with [`Reason::BadValue`] for timestamping flags outside
    /// [`Timestamping::TX_RECORD_MASK`] (the kernel would refuse the send with `EINVAL`);
    /// [`Error::NoSpace`] when `buf` is shorter than needed ([`SendRequests::space`] always
    /// suffices).
    pub fn encode(&self, abi: &Abi, buf: &mut [u8]) -> Result<usize, Error> {
        let mut w = CmsgWriter::new(buf, *abi);
        let e = abi.endian;
        let level = abi.socket.sol_socket;
        if let Some(flags) = self.timestamping {
            if flags.0 & !Timestamping::TX_RECORD_MASK.0 != 0 {
                return Err(Error::malformed(
                    Structure::CmsgData,
                    Reason::BadValue {
                        field: "per-send SO_TIMESTAMPING flags",
                        value: u64::from(flags.0),
                    },
                ));
            }
            w.push(level, abi.socket.timestamping_old, &e.u32_bytes(flags.0))?;
        }
        if let Some(key) = self.ts_opt_id {
            w.push(level, abi.socket.ts_opt_id, &e.u32_bytes(key))?;
        }
        if let Some(ns) = self.txtime {
            w.push(level, abi.socket.txtime, &e.u64_bytes(ns))?;
        }
        Ok(w.len())
    }

    /// Read requests back from a control buffer `encode` (or a C program) wrote.
    ///
    /// # Errors
    /// The walk's errors ([`Cmsgs`]); [`Error::Malformed`] with [`Reason::UnexpectedCmsg`]
    /// for a record that is not one of the three, [`Reason::UnexpectedSize`] for one whose
    /// data is not the size the kernel accepts.
    pub fn decode(control: &[u8], abi: &Abi) -> Result<Self, Error> {
        let mut out = Self::new();
        let e = abi.endian;
        let s = &abi.socket;
        for c in Cmsgs::new(control, *abi) {
            let c = c?;
            let size = Error::malformed(
                Structure::CmsgData,
                Reason::UnexpectedSize { size: c.data.len() },
            );
            match (c.level, c.kind) {
                (l, k)
                    if l == s.sol_socket
                        && (k == s.timestamping_old || k == s.timestamping_new) =>
                {
                    let b: [u8; 4] = c.data.try_into().map_err(|_| size)?;
                    out.timestamping = Some(Timestamping(e.u32(b)));
                }
                (l, k) if l == s.sol_socket && k == s.ts_opt_id => {
                    let b: [u8; 4] = c.data.try_into().map_err(|_| size)?;
                    out.ts_opt_id = Some(e.u32(b));
                }
                (l, k) if l == s.sol_socket && k == s.txtime => {
                    let b: [u8; 8] = c.data.try_into().map_err(|_| size)?;
                    out.txtime = Some(e.u64(b));
                }
                (level, kind) => {
                    return Err(Error::malformed(
                        Structure::CmsgHeader,
                        Reason::UnexpectedCmsg { level, kind },
                    ))
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes as glibc's CMSG macros lay them out on x86_64 for
    /// `{SOL_SOCKET, SO_TIMESTAMPING, TX_SCHED|TX_SOFTWARE}`, `{SOL_SOCKET, SCM_TS_OPT_ID, 7}`,
    /// `{SOL_SOCKET, SCM_TXTIME, 1_000_000_007}`: 16-byte headers, data padded to 8.
    const X86_64: [u8; 72] = [
        20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 37, 0, 0, 0, // SO_TIMESTAMPING (37)
        0x02, 0x01, 0, 0, 0, 0, 0, 0, // flags 0x102, padding
        20, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 81, 0, 0, 0, // SCM_TS_OPT_ID (81)
        7, 0, 0, 0, 0, 0, 0, 0, // key 7, padding
        24, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 61, 0, 0, 0, // SCM_TXTIME (61)
        0x07, 0xca, 0x9a, 0x3b, 0, 0, 0, 0, // 1_000_000_007
    ];

    fn all() -> SendRequests {
        SendRequests::new()
            .timestamping(Timestamping::TX_SCHED | Timestamping::TX_SOFTWARE)
            .ts_opt_id(7)
            .txtime(1_000_000_007)
    }

    #[test]
    fn encodes_as_the_c_macros_lay_out() {
        let mut buf = [0xAAu8; 72];
        assert_eq!(all().encode(&Abi::X86_64, &mut buf), Ok(72));
        assert_eq!(buf, X86_64);
        assert_eq!(SendRequests::space(&Abi::X86_64), 72);
        assert_eq!(SendRequests::decode(&X86_64, &Abi::X86_64), Ok(all()));
    }

    #[test]
    fn big_endian_32_bit_and_parisc_numbers() {
        let mut buf = [0u8; 64];
        let n = all().encode(&Abi::MIPS, &mut buf).unwrap();
        assert_eq!(n, SendRequests::space(&Abi::MIPS));
        assert_eq!(n, 16 + 16 + 20);
        // 12-byte header: big-endian cmsg_len 16, SOL_SOCKET 0xffff, SO_TIMESTAMPING 37.
        assert_eq!(buf[..12], [0, 0, 0, 16, 0, 0, 0xff, 0xff, 0, 0, 0, 37]);
        assert_eq!(buf[12..16], [0, 0, 1, 2]);
        assert_eq!(SendRequests::decode(&buf[..n], &Abi::MIPS), Ok(all()));
        let n = all().encode(&Abi::PARISC, &mut buf).unwrap();
        assert_eq!(buf[16 + 8..16 + 12], 0x404c_u32.to_be_bytes());
        assert_eq!(SendRequests::decode(&buf[..n], &Abi::PARISC), Ok(all()));
    }

    #[test]
    fn refuses_what_the_kernel_refuses() {
        let mut buf = [0u8; 72];
        let bad = SendRequests::new().timestamping(Timestamping::OPT_ID);
        assert_eq!(
            bad.encode(&Abi::X86_64, &mut buf),
            Err(Error::malformed(
                Structure::CmsgData,
                Reason::BadValue {
                    field: "per-send SO_TIMESTAMPING flags",
                    value: 0x80
                }
            ))
        );
        assert!(matches!(
            all().encode(&Abi::X86_64, &mut buf[..71]),
            Err(Error::NoSpace { .. })
        ));
        assert_eq!(SendRequests::new().encode(&Abi::X86_64, &mut buf), Ok(0));
        // A wrong-size record, and a record that is not a send request.
        let mut short = X86_64;
        short[0] = 19;
        assert!(SendRequests::decode(&short[..24], &Abi::X86_64).is_err());
        let mut other = X86_64;
        other[8] = 0; // SOL_IP
        assert_eq!(
            SendRequests::decode(&other[..24], &Abi::X86_64),
            Err(Error::malformed(
                Structure::CmsgHeader,
                Reason::UnexpectedCmsg { level: 0, kind: 37 }
            ))
        );
    }
}
