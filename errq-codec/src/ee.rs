//! `struct sock_extended_err`, its origin, and the offender address after it.

use core::fmt;
use core::net::SocketAddr;

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::abi::{Abi, Endian};
use crate::addr;
use crate::errno::{Errno, ErrnoNumbering};
use crate::error::{Error, Structure};

mod origin;
pub use origin::Origin;

/// The size of a `struct sock_extended_err`.
pub const SOCK_EXTENDED_ERR_LEN: usize = 16;

pub use crate::consts::{
    SO_EE_CODE_TXTIME_INVALID_PARAM, SO_EE_CODE_TXTIME_MISSED, SO_EE_CODE_ZEROCOPY_COPIED,
    SO_EE_RFC4884_FLAG_INVALID,
};

/// The wire layout, every field in host order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
#[repr(C)]
struct RawExtendedErr {
    errno: [u8; 4],
    origin: u8,
    kind: u8,
    code: u8,
    pad: u8,
    info: [u8; 4],
    data: [u8; 4],
}

/// The RFC 4884 view of the `ee_data` union: `struct sock_ee_data_rfc4884`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[doc(alias = "sock_ee_data_rfc4884")]
pub struct Rfc4884 {
    /// `len`: the offset of the extension structure within the returned payload; 0 when
    /// there is none.
    pub len: u16,
    /// `flags`: [`SO_EE_RFC4884_FLAG_INVALID`] when the kernel found it invalid.
    pub flags: u8,
    /// `reserved`.
    pub reserved: u8,
}

impl Rfc4884 {
    /// Whether the kernel flagged the extension as invalid (bad checksum or object length).
    #[must_use]
    pub const fn invalid(&self) -> bool {
        self.flags & SO_EE_RFC4884_FLAG_INVALID != 0
    }
}

/// A `struct sock_extended_err`, every field kept as the kernel wrote it.
#[derive(Clone, Copy, Eq)]
#[doc(alias = "sock_extended_err")]
pub struct SockExtendedErr {
    /// `ee_errno`, named for the ABI's numbering.
    #[doc(alias = "ee_errno")]
    pub errno: Errno,
    /// `ee_origin`.
    #[doc(alias = "ee_origin")]
    pub origin: Origin,
    /// `ee_type`: the ICMP type for ICMP origins.
    #[doc(alias = "ee_type")]
    pub kind: u8,
    /// `ee_code`: the ICMP code, or an origin-specific code.
    #[doc(alias = "ee_code")]
    pub code: u8,
    /// `ee_pad`.
    #[doc(alias = "ee_pad")]
    pub pad: u8,
    /// `ee_info`: MTU, pointer, timestamp kind, zerocopy range start, ...
    #[doc(alias = "ee_info")]
    pub info: u32,
    /// `ee_data` (a union with [`Rfc4884`], see [`SockExtendedErr::rfc4884`]).
    #[doc(alias = "ee_data")]
    pub data: u32,
    /// The byte order `data` was written in: the `ee_rfc4884` view reads the same 4 bytes
    /// with it ([`SockExtendedErr::rfc4884`]).
    endian: Endian,
}

impl fmt::Debug for SockExtendedErr {
    /// Every field, and the union's RFC 4884 view (not the byte order it is read with).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SockExtendedErr")
            .field("errno", &self.errno)
            .field("origin", &self.origin)
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("pad", &self.pad)
            .field("info", &self.info)
            .field("data", &self.data)
            .field("rfc4884", &self.rfc4884())
            .finish()
    }
}

impl PartialEq for SockExtendedErr {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl core::hash::Hash for SockExtendedErr {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl SockExtendedErr {
    /// What equality and hashing compare: every field and the RFC 4884 view of the union
    /// (which is what the byte order changes).
    #[allow(clippy::type_complexity)]
    fn key(&self) -> (Errno, Origin, u8, u8, u8, u32, u32, Rfc4884) {
        let r = self.rfc4884();
        let Self {
            errno,
            origin,
            kind,
            code,
            pad,
            info,
            data,
            endian: _,
        } = *self;
        (errno, origin, kind, code, pad, info, data, r)
    }

    /// Build one (the union is taken from `data`).
    #[must_use]
    pub fn new(
        errno: Errno,
        origin: Origin,
        kind: u8,
        code: u8,
        info: u32,
        data: u32,
        endian: Endian,
    ) -> Self {
        Self {
            errno,
            origin,
            kind,
            code,
            pad: 0,
            info,
            data,
            endian,
        }
    }

    /// Set the union through its RFC 4884 view (`ee_rfc4884`).
    #[must_use]
    pub fn with_rfc4884(mut self, r: Rfc4884, endian: Endian) -> Self {
        let l = endian.u16_bytes(r.len);
        self.data = endian.u32([l[0], l[1], r.flags, r.reserved]);
        self.endian = endian;
        self
    }

    /// The union read as `struct sock_ee_data_rfc4884`. Meaningful for ICMP errors on a
    /// socket with `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884`.
    #[doc(alias = "ee_rfc4884")]
    #[must_use]
    #[inline]
    pub fn rfc4884(&self) -> Rfc4884 {
        rfc4884_of(self.endian.u32_bytes(self.data), self.endian)
    }

    /// Decode the first 16 bytes of `bytes`.
    ///
    /// # Errors
    /// [`Error::Truncated`] under 16 bytes.
    #[inline]
    pub fn decode(bytes: &[u8], abi: &Abi) -> Result<Self, Error> {
        Self::decode_in(bytes, abi.endian, abi.errno)
    }

    /// [`SockExtendedErr::decode`] with the two parts of the ABI it reads.
    #[inline(always)]
    pub(crate) fn decode_in(
        bytes: &[u8],
        e: Endian,
        numbering: ErrnoNumbering,
    ) -> Result<Self, Error> {
        let (raw, _) = RawExtendedErr::ref_from_prefix(bytes).map_err(|_| {
            Error::truncated(Structure::ExtendedErr, SOCK_EXTENDED_ERR_LEN, bytes.len())
        })?;
        Ok(Self {
            errno: Errno::new(e.u32(raw.errno), numbering),
            origin: Origin(raw.origin),
            kind: raw.kind,
            code: raw.code,
            pad: raw.pad,
            info: e.u32(raw.info),
            data: e.u32(raw.data),
            endian: e,
        })
    }

    /// Encode into the first 16 bytes of `out`; returns 16.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is shorter than 16 bytes.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ee::{Origin, SockExtendedErr};
    /// use errq_codec::errno::Errno;
    ///
    /// // The sock_extended_err of a real x86_64 capture (port unreachable from 127.0.0.1), rebuilt.
    /// let abi = Abi::X86_64;
    /// let ee = SockExtendedErr::new(Errno::new(111, abi.errno), Origin::ICMP, 3, 3, 0, 0, abi.endian);
    /// let mut out = [0u8; 16];
    /// assert_eq!(ee.encode(abi.endian, &mut out)?, 16);
    /// assert_eq!(out, [111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    /// assert_eq!(SockExtendedErr::decode(&out, &abi)?, ee);
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    pub fn encode(&self, endian: Endian, out: &mut [u8]) -> Result<usize, Error> {
        let raw = RawExtendedErr {
            errno: endian.u32_bytes(self.errno.raw),
            origin: self.origin.0,
            kind: self.kind,
            code: self.code,
            pad: self.pad,
            info: endian.u32_bytes(self.info),
            data: endian.u32_bytes(self.data),
        };
        addr::write(Structure::ExtendedErr, raw.as_bytes(), out)
    }
}

fn rfc4884_of(b: [u8; 4], e: Endian) -> Rfc4884 {
    Rfc4884 {
        len: e.u16([b[0], b[1]]),
        flags: b[2],
        reserved: b[3],
    }
}

/// An error-queue record: the `sock_extended_err` and the offender that follows it
/// (`SO_EE_OFFENDER`), from an `IP_RECVERR`, `IPV6_RECVERR` or `PACKET_TX_TIMESTAMP`
/// control message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtendedError<'a> {
    /// The extended error itself.
    pub ee: SockExtendedErr,
    /// The bytes after the 16-byte `sock_extended_err`, as bounded by `cmsg_len`: the
    /// offender `sockaddr` (empty for `PACKET_TX_TIMESTAMP`).
    pub offender_bytes: &'a [u8],
    endian: Endian,
}

impl<'a> ExtendedError<'a> {
    /// Decode the data of an error control message.
    ///
    /// # Errors
    /// [`Error::Truncated`] if `data` cannot hold the 16-byte `sock_extended_err` (e.g. the
    /// record the kernel cut short under `MSG_CTRUNC`). A short or odd offender is not an
    /// error here: see [`ExtendedError::offender_checked`].
    #[inline]
    pub fn decode(data: &'a [u8], abi: &Abi) -> Result<Self, Error> {
        Self::decode_in(data, abi.endian, abi.errno)
    }

    /// [`ExtendedError::decode`] with the two parts of the ABI it reads.
    #[inline(always)]
    pub(crate) fn decode_in(
        data: &'a [u8],
        e: Endian,
        numbering: ErrnoNumbering,
    ) -> Result<Self, Error> {
        let ee = SockExtendedErr::decode_in(data, e, numbering)?;
        Ok(Self {
            ee,
            offender_bytes: data.get(SOCK_EXTENDED_ERR_LEN..).unwrap_or(&[]),
            endian: e,
        })
    }

    /// The offender (`SO_EE_OFFENDER`): the source of the ICMP error, with port 0; `None`
    /// when the kernel left it `AF_UNSPEC` (every origin but ICMP/ICMP6, and timestamps
    /// without a known address) or when the record is too short to hold it. A v4-mapped
    /// offender on an IPv6 socket is returned as the kernel gave it; see [`addr::unmap`].
    #[doc(alias = "SO_EE_OFFENDER")]
    #[must_use]
    #[inline]
    pub fn offender(&self) -> Option<SocketAddr> {
        // `offender_checked` without naming the error it would drop. Under two bytes there
        // is no family (none, or a cut one): one test for both.
        if self.offender_bytes.len() < 2 {
            return None;
        }
        addr::decode(self.offender_bytes, self.endian)
            .ok()
            .flatten()
    }

    /// The offender, with the reason when it cannot be decoded.
    ///
    /// # Errors
    /// [`Error::Truncated`] when the record is too short for the address its family names;
    /// [`Error::Malformed`] for a family other than `AF_UNSPEC`, `AF_INET`, `AF_INET6`.
    #[inline]
    pub fn offender_checked(&self) -> Result<Option<SocketAddr>, Error> {
        addr::decode(self.offender_bytes, self.endian).map_err(|e| match e {
            Error::Truncated {
                needed, available, ..
            } => Error::truncated(Structure::Offender, needed, available),
            Error::Malformed { reason, .. } => Error::malformed(Structure::Offender, reason),
            other => other,
        })
    }
}

/// An error record built from its fields: the `sock_extended_err` and the offender, laid
/// out as the kernel writes the data of an `IP_RECVERR`, `IPV6_RECVERR` or
/// `PACKET_TX_TIMESTAMP` control message. For tests and tools that need a record the
/// kernel will not make on demand.
///
/// The offender's room follows the kernel, not the address: `ip_recv_error` always writes a
/// 16-byte `sockaddr_in` after the `sock_extended_err` (zeroed, `AF_UNSPEC`, when there is
/// no offender), `ipv6_recv_error` a 28-byte `sockaddr_in6` (an IPv4 offender, from an ICMP
/// error on a dual-stack socket, as `::ffff:a.b.c.d`), `packet_recv_error` nothing.
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::cmsg::CmsgWriter;
/// use errq_codec::ee::{ExtendedErrorBuf, Origin, SockExtendedErr};
/// use errq_codec::errno::Errno;
/// use errq_codec::message::Message;
/// use errq_codec::record::{ErrorLevel, Record};
///
/// // An ICMP time exceeded from 198.18.1.1, as a big-endian 32-bit MIPS task receives it.
/// let abi = Abi::MIPS;
/// let errno = Errno::from_name("EHOSTUNREACH", abi.errno).unwrap(); // 148 on MIPS
/// let ee = SockExtendedErr::new(errno, Origin::ICMP, 11, 0, 0, 0, abi.endian);
/// let offender = Some("198.18.1.1:0".parse().unwrap());
/// let record = ExtendedErrorBuf::new(ErrorLevel::Ip, ee, offender, abi.endian)?;
/// assert_eq!(record.as_bytes().len(), 16 + 16);
/// assert_eq!(record.view().offender(), offender);
///
/// // Into a control buffer, and back as a whole message.
/// let mut control = [0u8; 64];
/// let mut w = CmsgWriter::new(&mut control, abi);
/// Record::Error(ErrorLevel::Ip, record.view()).encode(&mut w)?;
/// let n = w.len();
/// let message = Message::decode_with(&abi, &control[..n], 0x2000, &[], &[]);
/// assert_eq!(
///     message.to_string(),
///     "ICMP time exceeded (TTL exceeded in transit) from 198.18.1.1, errno EHOSTUNREACH"
/// );
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtendedErrorBuf {
    bytes: [u8; SOCK_EXTENDED_ERR_LEN + addr::SOCKADDR_IN6_LEN],
    len: usize,
    endian: Endian,
    ee: SockExtendedErr,
}

impl ExtendedErrorBuf {
    /// Lay out `ee` and `offender` for a record of `level`, in `endian` byte order.
    ///
    /// # Errors
    /// [`Error::Malformed`] with [`Reason::UnexpectedFamily`] for an IPv6 offender on an
    /// `IP_RECVERR` record (a `sockaddr_in` cannot hold it) or any offender on a record of
    /// another level than `SOL_IP`/`SOL_IPV6` (`PACKET_TX_TIMESTAMP`, vsock, CAN, J1939,
    /// Bluetooth: those records have none).
    ///
    /// [`Reason::UnexpectedFamily`]: crate::error::Reason::UnexpectedFamily
    pub fn new(
        level: crate::record::ErrorLevel,
        ee: SockExtendedErr,
        offender: Option<SocketAddr>,
        endian: Endian,
    ) -> Result<Self, Error> {
        use crate::error::Reason;
        use crate::record::ErrorLevel;
        let mut bytes = [0u8; SOCK_EXTENDED_ERR_LEN + addr::SOCKADDR_IN6_LEN];
        let (head, tail) = bytes.split_at_mut(SOCK_EXTENDED_ERR_LEN);
        ee.encode(endian, head)?;
        let bad =
            |family| Error::malformed(Structure::Offender, Reason::UnexpectedFamily { family });
        let room = match (level, offender) {
            (ErrorLevel::Ip, Some(SocketAddr::V6(_))) => return Err(bad(addr::AF_INET6)),
            (ErrorLevel::Ip, None) => addr::SOCKADDR_IN_LEN,
            (ErrorLevel::Ip, Some(a)) => addr::encode(&a, endian, tail)?,
            (ErrorLevel::Ipv6, None) => addr::SOCKADDR_IN6_LEN,
            (ErrorLevel::Ipv6, Some(a)) => {
                let mapped = match a {
                    SocketAddr::V4(v4) => {
                        SocketAddr::new(v4.ip().to_ipv6_mapped().into(), v4.port())
                    }
                    v6 @ SocketAddr::V6(_) => v6,
                };
                addr::encode(&mapped, endian, tail)?
            }
            // Every other level (`PACKET_TX_TIMESTAMP`, vsock, CAN, J1939, Bluetooth) has
            // the bare 16-byte record `sock_recv_errqueue` writes: no offender.
            (_, None) => 0,
            (_, Some(SocketAddr::V4(_))) => return Err(bad(addr::AF_INET)),
            (_, Some(SocketAddr::V6(_))) => return Err(bad(addr::AF_INET6)),
        };
        Ok(Self {
            bytes,
            len: SOCK_EXTENDED_ERR_LEN.saturating_add(room),
            endian,
            ee,
        })
    }

    /// The record's data: what follows the `cmsghdr`.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }

    /// The record as [`ExtendedError`], e.g. for
    /// [`Record::Error`](crate::record::Record::Error) and its encoder.
    #[must_use]
    pub fn view(&self) -> ExtendedError<'_> {
        ExtendedError {
            ee: self.ee,
            offender_bytes: self.as_bytes().get(SOCK_EXTENDED_ERR_LEN..).unwrap_or(&[]),
            endian: self.endian,
        }
    }
}

#[cfg(test)]
mod tests;
