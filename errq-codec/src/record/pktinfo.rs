//! The fixed-size companion structures: `in_pktinfo`, `in6_pktinfo`, `ip6_mtuinfo`,
//! `scm_ts_pktinfo`.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::abi::Endian;
use crate::addr;
use crate::error::{Error, Structure};

/// `struct in_pktinfo` on the wire (`include/uapi/linux/in.h`); `ipi_ifindex` in the ABI's
/// byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawInPktinfo {
    ifindex: [u8; 4],
    spec_dst: [u8; 4],
    addr: [u8; 4],
}

/// `struct in6_pktinfo` on the wire (`include/uapi/linux/ipv6.h`); `ipi6_ifindex` in the
/// ABI's byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawIn6Pktinfo {
    addr: [u8; 16],
    ifindex: [u8; 4],
}

/// `struct ip6_mtuinfo` on the wire (`include/uapi/linux/ipv6.h`): a `sockaddr_in6`, then
/// `ip6m_mtu` in the ABI's byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawIp6Mtuinfo {
    addr: [u8; addr::SOCKADDR_IN6_LEN],
    mtu: [u8; 4],
}

/// `struct scm_ts_pktinfo` on the wire (`include/uapi/linux/errqueue.h`), every field in
/// the ABI's byte order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
struct RawScmTsPktinfo {
    if_index: [u8; 4],
    pkt_length: [u8; 4],
    reserved: [[u8; 4]; 2],
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

/// `struct scm_ts_pktinfo` (`include/uapi/linux/errqueue.h`): the
/// `SCM_TIMESTAMPING_PKTINFO` record (`SOL_SOCKET`; 58 on the generic ABI, 0x3c on SPARC,
/// 0x4033 on PA-RISC) that `__sock_recv_timestamp` (`net/socket.c`) puts before the
/// `SO_TIMESTAMPING` record of a received packet's hardware timestamp with
/// `SOF_TIMESTAMPING_OPT_PKTINFO`: the interface the packet came in on and its length at
/// the link layer. Never on an error-queue message (`!skb_is_err_queue(skb)` there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "scm_ts_pktinfo")]
#[doc(alias = "SCM_TIMESTAMPING_PKTINFO")]
pub struct ScmTsPktinfo {
    /// `if_index`.
    pub if_index: u32,
    /// `pkt_length`.
    pub pkt_length: u32,
    /// `reserved[2]`, as found (zero from the kernel).
    pub reserved: [u32; 2],
}

/// `sizeof(struct scm_ts_pktinfo)`.
pub const SCM_TS_PKTINFO_LEN: usize = size_of::<RawScmTsPktinfo>();

impl ScmTsPktinfo {
    /// Decode the 16-byte structure in byte order `e`.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`ScmTsPktinfo`) if `d` is shorter than 16 bytes.
    pub fn decode(d: &[u8], e: Endian) -> Result<Self, Error> {
        let (raw, _) = RawScmTsPktinfo::ref_from_prefix(d)
            .map_err(|_| Error::truncated(Structure::ScmTsPktinfo, SCM_TS_PKTINFO_LEN, d.len()))?;
        Ok(Self {
            if_index: e.u32(raw.if_index),
            pkt_length: e.u32(raw.pkt_length),
            reserved: raw.reserved.map(|r| e.u32(r)),
        })
    }

    /// The 16 bytes in byte order `e`.
    #[must_use]
    pub fn encode(&self, e: Endian) -> [u8; SCM_TS_PKTINFO_LEN] {
        let raw = RawScmTsPktinfo {
            if_index: e.u32_bytes(self.if_index),
            pkt_length: e.u32_bytes(self.pkt_length),
            reserved: self.reserved.map(|r| e.u32_bytes(r)),
        };
        zerocopy::transmute!(raw)
    }
}

/// A C `int` in byte order `e`.
fn int_in(b: [u8; 4], e: Endian) -> i32 {
    i32::from_ne_bytes(e.u32(b).to_ne_bytes())
}

impl InPktinfo {
    /// Decode `struct in_pktinfo` (12 bytes) in byte order `e`.
    #[inline(always)]
    pub(crate) fn decode_in(d: &[u8], e: Endian) -> Result<Self, Error> {
        let (raw, _) = RawInPktinfo::ref_from_prefix(d)
            .map_err(|_| Error::truncated(Structure::InPktinfo, 12, d.len()))?;
        Ok(Self {
            ifindex: int_in(raw.ifindex, e),
            spec_dst: Ipv4Addr::from(raw.spec_dst),
            addr: Ipv4Addr::from(raw.addr),
        })
    }

    /// The 12 bytes in byte order `e`.
    pub(crate) fn encode(&self, e: Endian) -> [u8; 12] {
        let raw = RawInPktinfo {
            ifindex: e.u32_bytes(u32::from_ne_bytes(self.ifindex.to_ne_bytes())),
            spec_dst: self.spec_dst.octets(),
            addr: self.addr.octets(),
        };
        zerocopy::transmute!(raw)
    }
}

impl In6Pktinfo {
    /// Decode `struct in6_pktinfo` (20 bytes) in byte order `e`.
    #[inline(always)]
    pub(crate) fn decode_in(d: &[u8], e: Endian) -> Result<Self, Error> {
        let (raw, _) = RawIn6Pktinfo::ref_from_prefix(d)
            .map_err(|_| Error::truncated(Structure::In6Pktinfo, 20, d.len()))?;
        Ok(Self {
            addr: Ipv6Addr::from(raw.addr),
            ifindex: e.u32(raw.ifindex),
        })
    }

    /// The 20 bytes in byte order `e`.
    pub(crate) fn encode(&self, e: Endian) -> [u8; 20] {
        let raw = RawIn6Pktinfo {
            addr: self.addr.octets(),
            ifindex: e.u32_bytes(self.ifindex),
        };
        zerocopy::transmute!(raw)
    }
}

impl Ip6Mtuinfo {
    /// Decode `struct ip6_mtuinfo` (32 bytes) in byte order `e`.
    pub(crate) fn decode_in(d: &[u8], e: Endian) -> Result<Self, Error> {
        let (raw, _) = RawIp6Mtuinfo::ref_from_prefix(d)
            .map_err(|_| Error::truncated(Structure::Ip6Mtuinfo, 32, d.len()))?;
        Ok(Self {
            addr: addr::decode_v6(&raw.addr, e)?,
            mtu: e.u32(raw.mtu),
        })
    }

    /// The 32 bytes in byte order `e`.
    ///
    /// # Errors
    /// The errors of [`addr::encode`] (none for a `SocketAddrV6`).
    pub(crate) fn encode(&self, e: Endian) -> Result<[u8; 32], Error> {
        let mut raw = RawIp6Mtuinfo {
            addr: [0; addr::SOCKADDR_IN6_LEN],
            mtu: e.u32_bytes(self.mtu),
        };
        addr::encode(&self.addr.into(), e, &mut raw.addr)?;
        Ok(zerocopy::transmute!(raw))
    }
}
