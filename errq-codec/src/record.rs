//! Typed control messages: the error record and its companions.
//!
//! [`Record::decode`] turns one [`Cmsg`] into a [`Record`]; anything it does not know is
//! yielded as [`Record::Other`] with its level, type and bytes, never dropped. [`Records`]
//! walks a whole control buffer. [`Record::encode`] writes any record back, byte for byte.

use core::net::{SocketAddrV4, SocketAddrV6};

use crate::abi::{with_order, Abi, Endian, Order};
use crate::addr;
use crate::cmsg::{Cmsg, CmsgWriter, Cmsgs};
use crate::ee::{ExtendedError, SOCK_EXTENDED_ERR_LEN};
use crate::error::{Error, Reason, Structure};
use crate::exthdr::{self, ExtHeaderRecord};
use crate::optstats::NlAttrs;
use crate::timestamp::{self, Layout, ScmTimestamping, Timespec, Timeval};

mod pktinfo;

pub use crate::level::{ErrorLevel, Level};
pub use pktinfo::{In6Pktinfo, InPktinfo, Ip6Mtuinfo, ScmTsPktinfo, SCM_TS_PKTINFO_LEN};

/// Protocol levels and control-message types: [`crate::consts`], where every kernel number
/// of the crate is written.
pub use crate::consts;

use consts::*;

/// One decoded control message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::record::{ErrorLevel, Record, Records};
///
/// // The control bytes of a real x86_64 capture: IP_TTL (64), then IP_RECVERR.
/// let control = [
///     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0,
///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
///     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
///     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
/// ];
/// let mut records = Records::new(&control, Abi::X86_64);
/// assert_eq!(records.next(), Some(Ok(Record::Ttl(64))));
/// let Some(Ok(Record::Error(ErrorLevel::Ip, err))) = records.next() else { panic!() };
/// assert_eq!(err.ee.errno.name(), Some("ECONNREFUSED"));
/// assert_eq!(err.offender(), Some("127.0.0.1:0".parse().unwrap()));
/// assert_eq!(records.next(), None);
/// ```
pub enum Record<'a> {
    /// An extended error, under any level of the [`Level`] table (`IP_RECVERR`,
    /// `IPV6_RECVERR`, `PACKET_TX_TIMESTAMP`, `VSOCK_RECVERR`, `SCM_CAN_RAW_ERRQUEUE`,
    /// `SCM_J1939_ERRQUEUE`, `BT_SCM_ERROR`). Only the IP levels carry an offender.
    Error(Level, ExtendedError<'a>),
    /// `SO_TIMESTAMP` (old or new).
    #[doc(alias = "SO_TIMESTAMP")]
    Timestamp(Layout, Timeval),
    /// `SO_TIMESTAMPNS` (old or new).
    #[doc(alias = "SO_TIMESTAMPNS")]
    TimestampNs(Layout, Timespec),
    /// `SO_TIMESTAMPING` (old or new).
    #[doc(alias = "SO_TIMESTAMPING")]
    Timestamping(ScmTimestamping),
    /// `SCM_TIMESTAMPING_OPT_STATS`.
    #[doc(alias = "SCM_TIMESTAMPING_OPT_STATS")]
    OptStats(NlAttrs<'a>),
    /// `IP_TTL`.
    #[doc(alias = "IP_TTL")]
    Ttl(i32),
    /// `IP_TOS`.
    #[doc(alias = "IP_TOS")]
    Tos(u8),
    /// `IP_PKTINFO`.
    #[doc(alias = "IP_PKTINFO")]
    Pktinfo(InPktinfo),
    /// `IP_RECVOPTS` (the `IP_OPTIONS` cmsg): raw IP options.
    #[doc(alias = "IP_RECVOPTS")]
    #[doc(alias = "IP_OPTIONS")]
    RecvOpts(&'a [u8]),
    /// `IP_RETOPTS`: raw IP options.
    #[doc(alias = "IP_RETOPTS")]
    RetOpts(&'a [u8]),
    /// `IP_ORIGDSTADDR`.
    #[doc(alias = "IP_ORIGDSTADDR")]
    OrigDstAddr(SocketAddrV4),
    /// `IP_CHECKSUM`.
    #[doc(alias = "IP_CHECKSUM")]
    Checksum(u32),
    /// `IP_RECVFRAGSIZE`.
    #[doc(alias = "IP_RECVFRAGSIZE")]
    FragSize(i32),
    /// `IPV6_PKTINFO`.
    #[doc(alias = "IPV6_PKTINFO")]
    Pktinfo6(In6Pktinfo),
    /// `IPV6_HOPLIMIT`.
    #[doc(alias = "IPV6_HOPLIMIT")]
    HopLimit(i32),
    /// `IPV6_TCLASS`.
    #[doc(alias = "IPV6_TCLASS")]
    TrafficClass(i32),
    /// `IPV6_FLOWINFO`: the flow label word in host order (traffic class and label, as the
    /// kernel's `__be32` reads).
    #[doc(alias = "IPV6_FLOWINFO")]
    FlowInfo(u32),
    /// `IPV6_PATHMTU`.
    #[doc(alias = "IPV6_PATHMTU")]
    PathMtu(Ip6Mtuinfo),
    /// `IPV6_ORIGDSTADDR`.
    #[doc(alias = "IPV6_ORIGDSTADDR")]
    OrigDstAddr6(SocketAddrV6),
    /// `IPV6_RECVFRAGSIZE`.
    #[doc(alias = "IPV6_RECVFRAGSIZE")]
    FragSize6(i32),
    /// `SCM_TIMESTAMPING_PKTINFO`.
    #[doc(alias = "SCM_TIMESTAMPING_PKTINFO")]
    TimestampingPktinfo(ScmTsPktinfo),
    /// An IPv6 extension header (`IPV6_HOPOPTS`, `IPV6_DSTOPTS`, `IPV6_RTHDR`,
    /// `IPV6_RTHDRDSTOPTS`, or their RFC 2292 numbers), as a lenient header-chain view.
    #[doc(alias = "IPV6_HOPOPTS")]
    #[doc(alias = "IPV6_DSTOPTS")]
    #[doc(alias = "IPV6_RTHDR")]
    #[doc(alias = "IPV6_RTHDRDSTOPTS")]
    Ipv6ExtHeader(ExtHeaderRecord<'a>),
    /// Anything else (new kernel records, unknown levels, ...), raw.
    Other(Cmsg<'a>),
}

/// A C `int` in byte order `e`.
#[inline(always)]
pub(crate) fn int(data: &[u8], e: Endian) -> Result<i32, Error> {
    match *data {
        [a, b, c, d, ..] => Ok(i32::from_ne_bytes(e.u32([a, b, c, d]).to_ne_bytes())),
        _ => Err(Error::truncated(Structure::Int, 4, data.len())),
    }
}

fn word(data: &[u8], e: Endian) -> Result<u32, Error> {
    match *data {
        [a, b, c, d, ..] => Ok(e.u32([a, b, c, d])),
        _ => Err(Error::truncated(Structure::U32, 4, data.len())),
    }
}

/// The one byte of `IP_TOS`.
#[inline(always)]
pub(crate) fn tos(data: &[u8]) -> Result<u8, Error> {
    data.first()
        .copied()
        .ok_or(Error::truncated(Structure::Byte, 1, 0))
}

impl<'a> Record<'a> {
    /// Decode one control message.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the data is too short for the record its level and type
    /// name (this is how a record the kernel cut short under `MSG_CTRUNC` shows);
    /// [`Error::Malformed`] if its content is impossible (e.g. a `sockaddr` of the wrong
    /// family).
    #[inline]
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::Cmsgs;
    /// use errq_codec::record::Record;
    ///
    /// // IPV6_HOPLIMIT 64 from a real x86_64 capture (SOL_IPV6 41, type 52).
    /// let control = [20, 0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 0, 52, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0];
    /// let c = Cmsgs::new(&control, Abi::X86_64).next().unwrap()?;
    /// assert_eq!(Record::decode(c, &Abi::X86_64)?, Record::HopLimit(64));
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    pub fn decode(c: Cmsg<'a>, abi: &Abi) -> Result<Self, Error> {
        with_order!(abi.endian, O => Self::decode_into::<O, _>(c, abi, AsRecord))
    }

    /// The one decoder of a record, for a byte order known at compile time, handing what it
    /// decodes to `keep`: [`AsRecord`] makes the [`Record`] ([`Record::decode`], so
    /// [`Records`]); the one-pass message keeps the everyday records in its fields (the
    /// larger ones as their checked bytes), with no `Record` built in between.
    ///
    /// The everyday records of an error-queue message (the IP error records, `IP_TTL`,
    /// `IP_TOS`, `IP_PKTINFO`, `IPV6_HOPLIMIT`, `SO_TIMESTAMPING`) are decoded inline, so a
    /// walk compiled for one layout turns them into straight-line code; every other record
    /// goes to [`rare`], out of line. The order of the tests is the order of precedence: an
    /// error record of any level first, then the fixed `SOL_IP`/`SOL_IPV6` types, then the
    /// ABI's socket level.
    #[inline(always)]
    pub(crate) fn decode_into<O: Order, K: Keep<'a>>(
        c: Cmsg<'a>,
        abi: &Abi,
        keep: K,
    ) -> Result<K::Out, Error> {
        let e = O::ENDIAN;
        let d = c.data;
        let s = &abi.socket;
        Ok(match (c.level, c.kind) {
            (SOL_IP, IP_RECVERR) => {
                keep.error(Level::IP, ExtendedError::decode_in(d, e, abi.errno)?)
            }
            (SOL_IPV6, IPV6_RECVERR) => {
                keep.error(Level::IPV6, ExtendedError::decode_in(d, e, abi.errno)?)
            }
            (SOL_IP, IP_TTL) => keep.ttl(int(d, e)?),
            (SOL_IP, IP_TOS) => keep.tos(tos(d)?),
            (SOL_IP, IP_PKTINFO) => keep.pktinfo(InPktinfo::decode_in(d, e)?),
            (SOL_IPV6, IPV6_HOPLIMIT) => keep.hop_limit(int(d, e)?),
            // One arm per layout, so each decodes with a constant layout.
            (l, t) if l == s.sol_socket && t == s.timestamping_old && socket_level(l, t) => {
                keep.timestamping(ScmTimestamping::decode_as::<O>(d, Layout::Old, abi.time_t)?)
            }
            (l, t) if l == s.sol_socket && t == s.timestamping_new && socket_level(l, t) => {
                keep.timestamping(ScmTimestamping::decode_as::<O>(d, Layout::New, abi.time_t)?)
            }
            _ => keep.record(rare::<O>(c.level, c.kind, c.len, c.offset, d, abi)?),
        })
    }

    /// Append this record to `w`, as the kernel would write it for `w`'s ABI.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if it does not fit; the errors of the inner encoders.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::CmsgWriter;
    /// use errq_codec::record::{Record, Records};
    ///
    /// // Records written for big-endian s390x and read back.
    /// let abi = Abi::S390X;
    /// let mut buf = [0u8; 64];
    /// let mut w = CmsgWriter::new(&mut buf, abi);
    /// Record::Ttl(63).encode(&mut w)?;
    /// Record::Tos(0x10).encode(&mut w)?;
    /// let n = w.len();
    /// assert_eq!(&buf[..8], &[0, 0, 0, 0, 0, 0, 0, 20]); // cmsg_len 20, big-endian, 64-bit
    /// let back: Vec<_> = Records::new(&buf[..n], abi).collect::<Result<_, _>>()?;
    /// assert_eq!(back, [Record::Ttl(63), Record::Tos(0x10)]);
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    pub fn encode(&self, w: &mut CmsgWriter<'_>) -> Result<(), Error> {
        let abi = w.abi();
        let e = abi.endian;
        let s = abi.socket;
        let int_bytes = |v: i32| e.u32_bytes(u32::from_ne_bytes(v.to_ne_bytes()));
        match self {
            Self::Error(level, err) => {
                let (l, t) = level.level_type().ok_or(Error::malformed(
                    Structure::CmsgData,
                    Reason::UnexpectedCmsg {
                        level: level.0,
                        kind: -1,
                    },
                ))?;
                let n = SOCK_EXTENDED_ERR_LEN.saturating_add(err.offender_bytes.len());
                w.push_with(l, t, n, |out| {
                    let _ = err.ee.encode(e, out);
                    if let Some(dst) = out.get_mut(SOCK_EXTENDED_ERR_LEN..) {
                        dst.copy_from_slice(err.offender_bytes);
                    }
                })
            }
            Self::Timestamp(layout, tv) => {
                let t = if *layout == Layout::Old {
                    s.timestamp_old
                } else {
                    s.timestamp_new
                };
                let mut b = [0u8; 16];
                let n = timestamp::encode_pair(tv.sec, tv.usec, *layout, &abi, &mut b)?;
                w.push(s.sol_socket, t, b.get(..n).unwrap_or(&[]))
            }
            Self::TimestampNs(layout, ts) => {
                let t = if *layout == Layout::Old {
                    s.timestampns_old
                } else {
                    s.timestampns_new
                };
                let mut b = [0u8; 16];
                let n = timestamp::encode_pair(ts.sec, ts.nsec, *layout, &abi, &mut b)?;
                w.push(s.sol_socket, t, b.get(..n).unwrap_or(&[]))
            }
            Self::Timestamping(ts) => {
                let t = if ts.layout == Layout::Old {
                    s.timestamping_old
                } else {
                    s.timestamping_new
                };
                let mut b = [0u8; 48];
                let n = ts.encode(&abi, &mut b)?;
                w.push(s.sol_socket, t, b.get(..n).unwrap_or(&[]))
            }
            Self::OptStats(attrs) => {
                w.push(s.sol_socket, s.timestamping_opt_stats, attrs.remaining())
            }
            Self::Ttl(v) => w.push(SOL_IP, IP_TTL, &int_bytes(*v)),
            Self::Tos(v) => w.push(SOL_IP, IP_TOS, &[*v]),
            Self::Pktinfo(p) => w.push(SOL_IP, IP_PKTINFO, &p.encode(e)),
            Self::RecvOpts(o) => w.push(SOL_IP, IP_RECVOPTS, o),
            Self::RetOpts(o) => w.push(SOL_IP, IP_RETOPTS, o),
            Self::OrigDstAddr(a) => {
                let mut b = [0u8; 16];
                addr::encode(&(*a).into(), e, &mut b)?;
                w.push(SOL_IP, IP_ORIGDSTADDR, &b)
            }
            Self::Checksum(v) => w.push(SOL_IP, IP_CHECKSUM, &e.u32_bytes(*v)),
            Self::FragSize(v) => w.push(SOL_IP, IP_RECVFRAGSIZE, &int_bytes(*v)),
            Self::Pktinfo6(p) => w.push(SOL_IPV6, IPV6_PKTINFO, &p.encode(e)),
            Self::HopLimit(v) => w.push(SOL_IPV6, IPV6_HOPLIMIT, &int_bytes(*v)),
            Self::TrafficClass(v) => w.push(SOL_IPV6, IPV6_TCLASS, &int_bytes(*v)),
            Self::FlowInfo(v) => w.push(SOL_IPV6, IPV6_FLOWINFO, &v.to_be_bytes()),
            Self::PathMtu(m) => w.push(SOL_IPV6, IPV6_PATHMTU, &m.encode(e)?),
            Self::OrigDstAddr6(a) => {
                let mut b = [0u8; 28];
                addr::encode(&(*a).into(), e, &mut b)?;
                w.push(SOL_IPV6, IPV6_ORIGDSTADDR, &b)
            }
            Self::FragSize6(v) => w.push(SOL_IPV6, IPV6_RECVFRAGSIZE, &int_bytes(*v)),
            Self::TimestampingPktinfo(p) => {
                w.push(s.sol_socket, s.timestamping_pktinfo, &p.encode(e))
            }
            Self::Ipv6ExtHeader(h) => w.push(SOL_IPV6, h.cmsg_type(), h.bytes()),
            Self::Other(c) => w.push(c.level, c.kind, c.data),
        }
    }
}

/// Whether a record at the ABI's socket level `l` with type `t` is a socket-level record:
/// the fixed `SOL_IP`/`SOL_IPV6` types and every family's error record take precedence (a
/// hand-made ABI may put its `SOL_SOCKET` on one of those levels).
#[inline(always)]
fn socket_level(l: i32, t: i32) -> bool {
    !matches!(l, SOL_IP | SOL_IPV6) && !Level(l).is_error_record(t)
}

/// Where [`Record::decode_into`] puts what it decodes. Every method but `record` has a
/// default that builds the [`Record`] and passes it to `record`; a keeper overrides the
/// ones it stores elsewhere.
pub(crate) trait Keep<'a>: Sized {
    /// What keeping a record gives back.
    type Out;
    /// Keep a record.
    fn record(self, r: Record<'a>) -> Self::Out;
    /// Keep an error record.
    #[inline(always)]
    fn error(self, level: Level, e: ExtendedError<'a>) -> Self::Out {
        self.record(Record::Error(level, e))
    }
    /// Keep `IP_TTL`.
    #[inline(always)]
    fn ttl(self, v: i32) -> Self::Out {
        self.record(Record::Ttl(v))
    }
    /// Keep `IP_TOS`.
    #[inline(always)]
    fn tos(self, v: u8) -> Self::Out {
        self.record(Record::Tos(v))
    }
    /// Keep `IP_PKTINFO`.
    #[inline(always)]
    fn pktinfo(self, p: InPktinfo) -> Self::Out {
        self.record(Record::Pktinfo(p))
    }
    /// Keep `IPV6_HOPLIMIT`.
    #[inline(always)]
    fn hop_limit(self, v: i32) -> Self::Out {
        self.record(Record::HopLimit(v))
    }
    /// Keep `SO_TIMESTAMPING`.
    #[inline(always)]
    fn timestamping(self, t: ScmTimestamping) -> Self::Out {
        self.record(Record::Timestamping(t))
    }
}

/// The keeper of [`Record::decode`]: the record itself.
pub(crate) struct AsRecord;

impl<'a> Keep<'a> for AsRecord {
    type Out = Record<'a>;
    #[inline(always)]
    fn record(self, r: Record<'a>) -> Record<'a> {
        r
    }
}

/// The records [`Record::decode_into`] does not decode inline, out of line and taking the
/// `cmsghdr` fields as scalars (the walk then never stores a [`Cmsg`] for a common record).
#[cold]
#[inline(never)]
fn rare<'a, O: Order>(
    level: i32,
    kind: i32,
    len: u64,
    offset: usize,
    d: &'a [u8],
    abi: &Abi,
) -> Result<Record<'a>, Error> {
    let e = O::ENDIAN;
    let s = &abi.socket;
    let c = Cmsg {
        level,
        kind,
        len,
        offset,
        data: d,
    };
    // `decode_into` took the everyday records already; the rest keeps its precedence.
    Ok(match (c.level, c.kind) {
        // Every family's error record, from the one table in `Level`.
        (l, t) if Level(l).is_error_record(t) => {
            Record::Error(Level(l), ExtendedError::decode_in(d, e, abi.errno)?)
        }
        (SOL_IP, IP_RECVOPTS) => Record::RecvOpts(d),
        (SOL_IP, IP_RETOPTS) => Record::RetOpts(d),
        (SOL_IP, IP_ORIGDSTADDR) => Record::OrigDstAddr(addr::decode_v4(d, e)?),
        (SOL_IP, IP_CHECKSUM) => Record::Checksum(word(d, e)?),
        (SOL_IP, IP_RECVFRAGSIZE) => Record::FragSize(int(d, e)?),
        (SOL_IPV6, IPV6_PKTINFO) => Record::Pktinfo6(In6Pktinfo::decode_in(d, e)?),
        (SOL_IPV6, IPV6_TCLASS) => Record::TrafficClass(int(d, e)?),
        (SOL_IPV6, IPV6_FLOWINFO) => match *d {
            [a, b, c0, d0, ..] => Record::FlowInfo(u32::from_be_bytes([a, b, c0, d0])),
            _ => return Err(Error::truncated(Structure::U32, 4, d.len())),
        },
        (SOL_IPV6, IPV6_PATHMTU) => Record::PathMtu(Ip6Mtuinfo::decode_in(d, e)?),
        (SOL_IPV6, IPV6_ORIGDSTADDR) => Record::OrigDstAddr6(addr::decode_v6(d, e)?),
        (SOL_IPV6, IPV6_RECVFRAGSIZE) => Record::FragSize6(int(d, e)?),
        (SOL_IPV6, t) if exthdr::protocol_of(t).is_some() => {
            Record::Ipv6ExtHeader(ExtHeaderRecord::new(t, d))
        }
        (l, t) if l == s.sol_socket => {
            if t == s.timestamping_old {
                Record::Timestamping(ScmTimestamping::decode_as::<O>(d, Layout::Old, abi.time_t)?)
            } else if t == s.timestamping_new {
                Record::Timestamping(ScmTimestamping::decode_as::<O>(d, Layout::New, abi.time_t)?)
            } else if t == s.timestamp_old {
                Record::Timestamp(Layout::Old, timestamp::decode_timeval(d, Layout::Old, abi)?)
            } else if t == s.timestamp_new {
                Record::Timestamp(Layout::New, timestamp::decode_timeval(d, Layout::New, abi)?)
            } else if t == s.timestampns_old {
                Record::TimestampNs(
                    Layout::Old,
                    timestamp::decode_timespec(d, Layout::Old, abi)?,
                )
            } else if t == s.timestampns_new {
                Record::TimestampNs(
                    Layout::New,
                    timestamp::decode_timespec(d, Layout::New, abi)?,
                )
            } else if t == s.timestamping_opt_stats {
                Record::OptStats(NlAttrs::new(d, e))
            } else if t == s.timestamping_pktinfo {
                Record::TimestampingPktinfo(ScmTsPktinfo::decode(d, e)?)
            } else {
                Record::Other(c)
            }
        }
        _ => Record::Other(c),
    })
}

/// Decode a whole control buffer into [`Record`]s.
///
/// A record whose content cannot be decoded yields its error and the walk goes on (the
/// chain itself is intact); a broken `cmsghdr` yields its error and ends the walk. Either
/// way the records before it have been yielded.
#[derive(Clone, Debug)]
pub struct Records<'a> {
    cmsgs: Cmsgs<'a>,
}

impl<'a> Records<'a> {
    /// Walk `control`, written for `abi`.
    #[must_use]
    pub const fn new(control: &'a [u8], abi: Abi) -> Self {
        Self {
            cmsgs: Cmsgs::new(control, abi),
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let c = self.cmsgs.next()?;
        Some(c.and_then(|c| Record::decode(c, &self.cmsgs.abi)))
    }
}

impl core::iter::FusedIterator for Records<'_> {}

/// An error for a record that has the wrong level/type for what was asked.
#[must_use]
pub const fn unexpected(c: &Cmsg<'_>) -> Error {
    Error::malformed(
        Structure::CmsgData,
        Reason::UnexpectedCmsg {
            level: c.level,
            kind: c.kind,
        },
    )
}

#[cfg(test)]
mod tests;
