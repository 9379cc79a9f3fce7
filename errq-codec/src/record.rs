//! Typed control messages: the error record and its companions.
//!
//! [`Record::decode`] turns one [`Cmsg`] into a [`Record`]; anything it does not know is
//! yielded as [`Record::Other`] with its level, type and bytes, never dropped. [`Records`]
//! walks a whole control buffer. [`Record::encode`] writes any record back, byte for byte.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

use crate::abi::{Abi, Endian};
use crate::addr;
use crate::cmsg::{Cmsg, CmsgWriter, Cmsgs};
use crate::ee::{ExtendedError, SOCK_EXTENDED_ERR_LEN};
use crate::error::{Error, Reason, Structure};
use crate::optstats::NlAttrs;
use crate::timestamp::{self, Layout, ScmTimestamping, Timespec, Timeval};

/// Protocol levels and control-message types (the same numbers on every Linux ABI, except
/// the socket level: see [`crate::abi::SocketNumbers`]).
pub mod consts {
    /// `SOL_IP`.
    pub const SOL_IP: i32 = 0;
    /// `SOL_IPV6`.
    pub const SOL_IPV6: i32 = 41;
    /// `SOL_PACKET`.
    pub const SOL_PACKET: i32 = 263;
    /// `IP_TOS`: one byte, the TOS of the ICMP packet.
    pub const IP_TOS: i32 = 1;
    /// `IP_TTL`: an `int`, the TTL of the ICMP packet.
    pub const IP_TTL: i32 = 2;
    /// `IP_RECVOPTS` (`IP_OPTIONS` cmsg): the IP options received.
    pub const IP_RECVOPTS: i32 = 6;
    /// `IP_RETOPTS`: the options for a reply.
    pub const IP_RETOPTS: i32 = 7;
    /// `IP_PKTINFO`: `struct in_pktinfo`.
    pub const IP_PKTINFO: i32 = 8;
    /// `IP_RECVERR`: `struct sock_extended_err` + `sockaddr_in`.
    pub const IP_RECVERR: i32 = 11;
    /// `IP_ORIGDSTADDR` (`IP_RECVORIGDSTADDR`): `struct sockaddr_in`.
    pub const IP_ORIGDSTADDR: i32 = 20;
    /// `IP_CHECKSUM`: a `u32`.
    pub const IP_CHECKSUM: i32 = 23;
    /// `IP_RECVFRAGSIZE`: an `int`.
    pub const IP_RECVFRAGSIZE: i32 = 25;
    /// `IPV6_FLOWINFO`: a `__be32`.
    pub const IPV6_FLOWINFO: i32 = 11;
    /// `IPV6_RECVERR`: `struct sock_extended_err` + `sockaddr_in6`.
    pub const IPV6_RECVERR: i32 = 25;
    /// `IPV6_PKTINFO`: `struct in6_pktinfo`.
    pub const IPV6_PKTINFO: i32 = 50;
    /// `IPV6_HOPLIMIT`: an `int`.
    pub const IPV6_HOPLIMIT: i32 = 52;
    /// `IPV6_HOPOPTS`: a hop-by-hop options header.
    pub const IPV6_HOPOPTS: i32 = 54;
    /// `IPV6_RTHDRDSTOPTS`: destination options before a routing header.
    pub const IPV6_RTHDRDSTOPTS: i32 = 55;
    /// `IPV6_RTHDR`: a routing header.
    pub const IPV6_RTHDR: i32 = 57;
    /// `IPV6_DSTOPTS`: a destination options header.
    pub const IPV6_DSTOPTS: i32 = 59;
    /// `IPV6_PATHMTU`: `struct ip6_mtuinfo`.
    pub const IPV6_PATHMTU: i32 = 61;
    /// `IPV6_TCLASS`: an `int`.
    pub const IPV6_TCLASS: i32 = 67;
    /// `IPV6_ORIGDSTADDR` (`IPV6_RECVORIGDSTADDR`): `struct sockaddr_in6`.
    pub const IPV6_ORIGDSTADDR: i32 = 74;
    /// `IPV6_RECVFRAGSIZE`: an `int`.
    pub const IPV6_RECVFRAGSIZE: i32 = 77;
    /// `PACKET_TX_TIMESTAMP`: a bare `struct sock_extended_err`.
    pub const PACKET_TX_TIMESTAMP: i32 = 16;
}

use consts::*;

/// Which control message carried an extended error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorLevel {
    /// `SOL_IP` / `IP_RECVERR`.
    Ip,
    /// `SOL_IPV6` / `IPV6_RECVERR`.
    Ipv6,
    /// `SOL_PACKET` / `PACKET_TX_TIMESTAMP`.
    Packet,
}

impl ErrorLevel {
    /// `(cmsg_level, cmsg_type)`.
    #[must_use]
    pub const fn level_type(self) -> (i32, i32) {
        match self {
            Self::Ip => (SOL_IP, IP_RECVERR),
            Self::Ipv6 => (SOL_IPV6, IPV6_RECVERR),
            Self::Packet => (SOL_PACKET, PACKET_TX_TIMESTAMP),
        }
    }
}

/// `struct in_pktinfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "in_pktinfo")]
pub struct InPktinfo {
    /// `ipi_ifindex`.
    pub ifindex: i32,
    /// `ipi_spec_dst`: the local address.
    pub spec_dst: Ipv4Addr,
    /// `ipi_addr`: the header's destination address.
    pub addr: Ipv4Addr,
}

/// `struct in6_pktinfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "in6_pktinfo")]
pub struct In6Pktinfo {
    /// `ipi6_addr`.
    pub addr: Ipv6Addr,
    /// `ipi6_ifindex`.
    pub ifindex: u32,
}

/// `struct ip6_mtuinfo`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "ip6_mtuinfo")]
pub struct Ip6Mtuinfo {
    /// `ip6m_addr`.
    pub addr: SocketAddrV6,
    /// `ip6m_mtu`.
    pub mtu: u32,
}

/// One decoded control message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record<'a> {
    /// An extended error (`IP_RECVERR`, `IPV6_RECVERR`, `PACKET_TX_TIMESTAMP`).
    Error(ErrorLevel, ExtendedError<'a>),
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
    /// Anything else (IPv6 extension headers, new kernel records, ...), raw.
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

impl InPktinfo {
    /// Decode `struct in_pktinfo` (12 bytes) in byte order `e`.
    #[inline(always)]
    pub(crate) fn decode_in(d: &[u8], e: Endian) -> Result<Self, Error> {
        match *d {
            [i0, i1, i2, i3, s0, s1, s2, s3, a0, a1, a2, a3, ..] => Ok(Self {
                ifindex: i32::from_ne_bytes(e.u32([i0, i1, i2, i3]).to_ne_bytes()),
                spec_dst: Ipv4Addr::new(s0, s1, s2, s3),
                addr: Ipv4Addr::new(a0, a1, a2, a3),
            }),
            _ => Err(Error::truncated(Structure::InPktinfo, 12, d.len())),
        }
    }
}

impl In6Pktinfo {
    /// Decode `struct in6_pktinfo` (20 bytes) in byte order `e`.
    #[inline(always)]
    pub(crate) fn decode_in(d: &[u8], e: Endian) -> Result<Self, Error> {
        if d.len() < 20 {
            return Err(Error::truncated(Structure::In6Pktinfo, 20, d.len()));
        }
        Ok(Self {
            addr: Ipv6Addr::from(octets::<16>(d, 0)),
            ifindex: e.u32(octets::<4>(d, 16)),
        })
    }
}

fn octets<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = data.get(at..at.saturating_add(N)) {
        a.copy_from_slice(s);
    }
    a
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
    pub fn decode(c: Cmsg<'a>, abi: &Abi) -> Result<Self, Error> {
        let d = c.data;
        let s = &abi.socket;
        Ok(match (c.level, c.kind) {
            (SOL_IP, IP_RECVERR) => Self::Error(ErrorLevel::Ip, ExtendedError::decode(d, abi)?),
            (SOL_IPV6, IPV6_RECVERR) => {
                Self::Error(ErrorLevel::Ipv6, ExtendedError::decode(d, abi)?)
            }
            (SOL_PACKET, PACKET_TX_TIMESTAMP) => {
                Self::Error(ErrorLevel::Packet, ExtendedError::decode(d, abi)?)
            }
            (SOL_IP, IP_TTL) => Self::Ttl(int(d, abi.endian)?),
            (SOL_IP, IP_TOS) => Self::Tos(tos(d)?),
            (SOL_IP, IP_PKTINFO) => Self::Pktinfo(InPktinfo::decode_in(d, abi.endian)?),
            (SOL_IP, IP_RECVOPTS) => Self::RecvOpts(d),
            (SOL_IP, IP_RETOPTS) => Self::RetOpts(d),
            (SOL_IP, IP_ORIGDSTADDR) => Self::OrigDstAddr(addr::decode_v4(d, abi.endian)?),
            (SOL_IP, IP_CHECKSUM) => Self::Checksum(word(d, abi.endian)?),
            (SOL_IP, IP_RECVFRAGSIZE) => Self::FragSize(int(d, abi.endian)?),
            (SOL_IPV6, IPV6_PKTINFO) => Self::Pktinfo6(In6Pktinfo::decode_in(d, abi.endian)?),
            (SOL_IPV6, IPV6_HOPLIMIT) => Self::HopLimit(int(d, abi.endian)?),
            (SOL_IPV6, IPV6_TCLASS) => Self::TrafficClass(int(d, abi.endian)?),
            (SOL_IPV6, IPV6_FLOWINFO) => match *d {
                [a, b, c0, d0, ..] => Self::FlowInfo(u32::from_be_bytes([a, b, c0, d0])),
                _ => return Err(Error::truncated(Structure::U32, 4, d.len())),
            },
            (SOL_IPV6, IPV6_PATHMTU) => {
                if d.len() < 32 {
                    return Err(Error::truncated(Structure::Ip6Mtuinfo, 32, d.len()));
                }
                Self::PathMtu(Ip6Mtuinfo {
                    addr: addr::decode_v6(d, abi.endian)?,
                    mtu: abi.endian.u32(octets::<4>(d, 28)),
                })
            }
            (SOL_IPV6, IPV6_ORIGDSTADDR) => Self::OrigDstAddr6(addr::decode_v6(d, abi.endian)?),
            (SOL_IPV6, IPV6_RECVFRAGSIZE) => Self::FragSize6(int(d, abi.endian)?),
            (l, t) if l == s.sol_socket => {
                if t == s.timestamping_old {
                    Self::Timestamping(ScmTimestamping::decode(d, Layout::Old, abi)?)
                } else if t == s.timestamping_new {
                    Self::Timestamping(ScmTimestamping::decode(d, Layout::New, abi)?)
                } else if t == s.timestamp_old {
                    Self::Timestamp(Layout::Old, timestamp::decode_timeval(d, Layout::Old, abi)?)
                } else if t == s.timestamp_new {
                    Self::Timestamp(Layout::New, timestamp::decode_timeval(d, Layout::New, abi)?)
                } else if t == s.timestampns_old {
                    Self::TimestampNs(
                        Layout::Old,
                        timestamp::decode_timespec(d, Layout::Old, abi)?,
                    )
                } else if t == s.timestampns_new {
                    Self::TimestampNs(
                        Layout::New,
                        timestamp::decode_timespec(d, Layout::New, abi)?,
                    )
                } else if t == s.timestamping_opt_stats {
                    Self::OptStats(NlAttrs::new(d, abi.endian))
                } else {
                    Self::Other(c)
                }
            }
            _ => Self::Other(c),
        })
    }

    /// Append this record to `w`, as the kernel would write it for `w`'s ABI.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if it does not fit; the errors of the inner encoders.
    pub fn encode(&self, w: &mut CmsgWriter<'_>) -> Result<(), Error> {
        let abi = w.abi();
        let e = abi.endian;
        let s = abi.socket;
        let int_bytes = |v: i32| e.u32_bytes(u32::from_ne_bytes(v.to_ne_bytes()));
        match self {
            Self::Error(level, err) => {
                let (l, t) = level.level_type();
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
            Self::Pktinfo(p) => {
                let mut b = [0u8; 12];
                b[..4].copy_from_slice(&int_bytes(p.ifindex));
                b[4..8].copy_from_slice(&p.spec_dst.octets());
                b[8..].copy_from_slice(&p.addr.octets());
                w.push(SOL_IP, IP_PKTINFO, &b)
            }
            Self::RecvOpts(o) => w.push(SOL_IP, IP_RECVOPTS, o),
            Self::RetOpts(o) => w.push(SOL_IP, IP_RETOPTS, o),
            Self::OrigDstAddr(a) => {
                let mut b = [0u8; 16];
                addr::encode(&(*a).into(), e, &mut b)?;
                w.push(SOL_IP, IP_ORIGDSTADDR, &b)
            }
            Self::Checksum(v) => w.push(SOL_IP, IP_CHECKSUM, &e.u32_bytes(*v)),
            Self::FragSize(v) => w.push(SOL_IP, IP_RECVFRAGSIZE, &int_bytes(*v)),
            Self::Pktinfo6(p) => {
                let mut b = [0u8; 20];
                b[..16].copy_from_slice(&p.addr.octets());
                b[16..].copy_from_slice(&e.u32_bytes(p.ifindex));
                w.push(SOL_IPV6, IPV6_PKTINFO, &b)
            }
            Self::HopLimit(v) => w.push(SOL_IPV6, IPV6_HOPLIMIT, &int_bytes(*v)),
            Self::TrafficClass(v) => w.push(SOL_IPV6, IPV6_TCLASS, &int_bytes(*v)),
            Self::FlowInfo(v) => w.push(SOL_IPV6, IPV6_FLOWINFO, &v.to_be_bytes()),
            Self::PathMtu(m) => {
                let mut b = [0u8; 32];
                addr::encode(&m.addr.into(), e, &mut b)?;
                b[28..].copy_from_slice(&e.u32_bytes(m.mtu));
                w.push(SOL_IPV6, IPV6_PATHMTU, &b)
            }
            Self::OrigDstAddr6(a) => {
                let mut b = [0u8; 28];
                addr::encode(&(*a).into(), e, &mut b)?;
                w.push(SOL_IPV6, IPV6_ORIGDSTADDR, &b)
            }
            Self::FragSize6(v) => w.push(SOL_IPV6, IPV6_RECVFRAGSIZE, &int_bytes(*v)),
            Self::Other(c) => w.push(c.level, c.kind, c.data),
        }
    }
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
mod tests {
    use super::*;
    use crate::ee::{Origin, SockExtendedErr};
    use crate::errno::Errno;
    use std::vec::Vec;

    fn every_record<'a>(abi: &Abi, opts: &'a [u8], stats: &'a [u8]) -> Vec<Record<'a>> {
        let ts = Timespec {
            sec: 1_700_000_000,
            nsec: 1,
        };
        std::vec![
            Record::Timestamp(Layout::Old, Timeval { sec: 1, usec: 2 }),
            Record::Timestamp(Layout::New, Timeval { sec: 3, usec: 4 }),
            Record::TimestampNs(Layout::Old, ts),
            Record::TimestampNs(Layout::New, ts),
            Record::Timestamping(ScmTimestamping {
                ts: [ts, Timespec::default(), ts],
                layout: Layout::Old
            }),
            Record::Timestamping(ScmTimestamping {
                ts: [ts; 3],
                layout: Layout::New
            }),
            Record::OptStats(NlAttrs::new(stats, abi.endian)),
            Record::Ttl(64),
            Record::Tos(0xb8),
            Record::Pktinfo(InPktinfo {
                ifindex: 3,
                spec_dst: Ipv4Addr::new(198, 18, 0, 1),
                addr: Ipv4Addr::new(198, 18, 0, 2)
            }),
            Record::RecvOpts(opts),
            Record::RetOpts(opts),
            Record::OrigDstAddr("198.18.2.2:9".parse().unwrap()),
            Record::Checksum(0xdead_beef),
            Record::FragSize(1280),
            Record::Pktinfo6(In6Pktinfo {
                addr: "2001:db8::1".parse().unwrap(),
                ifindex: 4
            }),
            Record::HopLimit(63),
            Record::TrafficClass(0x20),
            Record::FlowInfo(0x0012_3456),
            Record::PathMtu(Ip6Mtuinfo {
                addr: "[2001:db8::2]:0".parse().unwrap(),
                mtu: 1280
            }),
            Record::OrigDstAddr6("[2001:db8::2]:53".parse().unwrap()),
            Record::FragSize6(1500),
            Record::Other(Cmsg {
                level: SOL_IPV6,
                kind: IPV6_HOPOPTS,
                len: 0,
                offset: 0,
                data: opts
            }),
        ]
    }

    #[test]
    fn every_record_round_trips_on_every_abi() {
        for abi in Abi::PRESETS {
            let opts = [0x94u8, 4, 0, 0];
            let mut stats = [0u8; 16];
            let n = crate::optstats::encode_attr(
                1,
                &abi.endian.u64_bytes(5),
                abi.endian,
                &mut stats,
                0,
            )
            .unwrap();
            let recs = every_record(abi, &opts, &stats[..n]);
            let mut buf = [0u8; 2048];
            let mut w = CmsgWriter::new(&mut buf, *abi);
            for r in &recs {
                r.encode(&mut w).unwrap();
            }
            let bytes = w.as_bytes().to_vec();
            let back: Vec<_> = Records::new(&bytes, *abi).map(Result::unwrap).collect();
            assert_eq!(back.len(), recs.len(), "{}", abi.name);
            for (a, b) in back.iter().zip(&recs) {
                match (a, b) {
                    (Record::Other(x), Record::Other(y)) => {
                        assert_eq!((x.level, x.kind, x.data), (y.level, y.kind, y.data))
                    }
                    _ => assert_eq!(a, b, "{}", abi.name),
                }
            }
        }
    }

    #[test]
    fn error_records_round_trip() {
        for abi in Abi::PRESETS {
            let ee = SockExtendedErr::new(
                Errno::new(90, abi.errno),
                Origin::ICMP6,
                2,
                0,
                1280,
                0,
                abi.endian,
            );
            let mut data = [0u8; 44];
            ee.encode(abi.endian, &mut data).unwrap();
            addr::encode(
                &"[2001:db8::1]:0".parse().unwrap(),
                abi.endian,
                &mut data[16..],
            )
            .unwrap();
            let err = ExtendedError::decode(&data, abi).unwrap();
            let mut buf = [0u8; 128];
            let mut w = CmsgWriter::new(&mut buf, *abi);
            Record::Error(ErrorLevel::Ipv6, err).encode(&mut w).unwrap();
            Record::Error(
                ErrorLevel::Packet,
                ExtendedError::decode(&data[..16], abi).unwrap(),
            )
            .encode(&mut w)
            .unwrap();
            let bytes = w.as_bytes().to_vec();
            let back: Vec<_> = Records::new(&bytes, *abi).map(Result::unwrap).collect();
            assert_eq!(back[0], Record::Error(ErrorLevel::Ipv6, err));
            let Record::Error(ErrorLevel::Packet, p) = back[1] else {
                panic!()
            };
            assert_eq!(p.ee, ee);
            assert_eq!(p.offender(), None);
        }
    }

    #[test]
    fn short_companions_are_truncation_errors() {
        let abi = Abi::X86_64;
        let c = |level, kind, data| Cmsg {
            level,
            kind,
            len: 0,
            offset: 0,
            data,
        };
        assert_eq!(
            Record::decode(c(SOL_IP, IP_TTL, &[1, 2]), &abi),
            Err(Error::truncated(Structure::Int, 4, 2))
        );
        assert_eq!(
            Record::decode(c(SOL_IP, IP_TOS, &[]), &abi),
            Err(Error::truncated(Structure::Byte, 1, 0))
        );
        assert_eq!(
            Record::decode(c(SOL_IP, IP_PKTINFO, &[0; 11]), &abi),
            Err(Error::truncated(Structure::InPktinfo, 12, 11))
        );
        assert_eq!(
            Record::decode(c(SOL_IPV6, IPV6_PKTINFO, &[0; 19]), &abi),
            Err(Error::truncated(Structure::In6Pktinfo, 20, 19))
        );
        assert_eq!(
            Record::decode(c(SOL_IPV6, IPV6_PATHMTU, &[0; 31]), &abi),
            Err(Error::truncated(Structure::Ip6Mtuinfo, 32, 31))
        );
        assert_eq!(
            Record::decode(c(1, 37, &[0; 47]), &abi),
            Err(Error::truncated(Structure::ScmTimestamping, 48, 47))
        );
        assert_eq!(
            Record::decode(c(SOL_IP, IP_RECVERR, &[0; 8]), &abi),
            Err(Error::truncated(Structure::ExtendedErr, 16, 8))
        );
        assert!(matches!(
            Record::decode(c(SOL_IP, 99, &[]), &abi),
            Ok(Record::Other(_))
        ));
        // Socket level on another architecture is not SOL_SOCKET here.
        assert!(matches!(
            Record::decode(c(0xffff, 37, &[0; 48]), &abi),
            Ok(Record::Other(_))
        ));
        assert!(matches!(
            Record::decode(c(0xffff, 37, &[0; 48]), &Abi::MIPS64),
            Ok(Record::Timestamping(_))
        ));
    }
}
