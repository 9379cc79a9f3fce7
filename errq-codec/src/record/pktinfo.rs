//! The fixed-size companion structures: `in_pktinfo`, `in6_pktinfo`, `ip6_mtuinfo`,
//! `scm_ts_pktinfo`.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};

use crate::abi::Endian;
use crate::error::{Error, Structure};

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
pub const SCM_TS_PKTINFO_LEN: usize = 16;

impl ScmTsPktinfo {
    /// Decode the 16-byte structure in byte order `e`.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`ScmTsPktinfo`) if `d` is shorter than 16 bytes.
    pub fn decode(d: &[u8], e: Endian) -> Result<Self, Error> {
        if d.len() < SCM_TS_PKTINFO_LEN {
            return Err(Error::truncated(
                Structure::ScmTsPktinfo,
                SCM_TS_PKTINFO_LEN,
                d.len(),
            ));
        }
        Ok(Self {
            if_index: e.u32(octets::<4>(d, 0)),
            pkt_length: e.u32(octets::<4>(d, 4)),
            reserved: [e.u32(octets::<4>(d, 8)), e.u32(octets::<4>(d, 12))],
        })
    }

    /// The 16 bytes in byte order `e`.
    #[must_use]
    pub fn encode(&self, e: Endian) -> [u8; SCM_TS_PKTINFO_LEN] {
        let mut b = [0u8; SCM_TS_PKTINFO_LEN];
        for (chunk, v) in b.chunks_exact_mut(4).zip([
            self.if_index,
            self.pkt_length,
            self.reserved[0],
            self.reserved[1],
        ]) {
            chunk.copy_from_slice(&e.u32_bytes(v));
        }
        b
    }
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

pub(crate) fn octets<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = data.get(at..at.saturating_add(N)) {
        a.copy_from_slice(s);
    }
    a
}
