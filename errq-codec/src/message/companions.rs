//! [`Companions`]: every companion record of a message, built on demand.

use core::net::SocketAddr;

use crate::exthdr::{ExtHeaderRecord, IPV6_2292DSTOPTS, IPV6_2292HOPOPTS, IPV6_2292RTHDR};
use crate::optstats::NlAttrs;
use crate::record::consts::{IPV6_DSTOPTS, IPV6_HOPOPTS, IPV6_RTHDR, IPV6_RTHDRDSTOPTS};
use crate::record::{In6Pktinfo, InPktinfo, Ip6Mtuinfo, Record, ScmTsPktinfo};
use crate::timestamp::{Layout, ScmTimestamping, Timespec, Timeval};

/// The companion records of a message, each the last one of its kind (the kernel sends at
/// most one of each). [`Message::companions`](super::Message::companions) builds one on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Companions<'a> {
    /// `SO_TIMESTAMPING` (old or new).
    pub timestamping: Option<ScmTimestamping>,
    /// `SO_TIMESTAMP` (old or new).
    pub timestamp: Option<(Layout, Timeval)>,
    /// `SO_TIMESTAMPNS` (old or new).
    pub timestampns: Option<(Layout, Timespec)>,
    /// `SCM_TIMESTAMPING_OPT_STATS`.
    pub opt_stats: Option<NlAttrs<'a>>,
    /// `IP_TTL`: the TTL of the ICMP packet.
    pub ttl: Option<i32>,
    /// `IP_TOS`: the TOS of the ICMP packet.
    pub tos: Option<u8>,
    /// `IP_PKTINFO`.
    pub pktinfo: Option<InPktinfo>,
    /// `IP_RECVOPTS`.
    pub recv_opts: Option<&'a [u8]>,
    /// `IP_RETOPTS`.
    pub ret_opts: Option<&'a [u8]>,
    /// `IP_ORIGDSTADDR` / `IPV6_ORIGDSTADDR`.
    pub orig_dst: Option<SocketAddr>,
    /// `IP_CHECKSUM`.
    pub checksum: Option<u32>,
    /// `IP_RECVFRAGSIZE` / `IPV6_RECVFRAGSIZE`.
    pub frag_size: Option<i32>,
    /// `IPV6_PKTINFO`.
    pub pktinfo6: Option<In6Pktinfo>,
    /// `IPV6_HOPLIMIT`: the hop limit of the ICMPv6 packet.
    pub hop_limit: Option<i32>,
    /// `IPV6_TCLASS`.
    pub tclass: Option<i32>,
    /// `IPV6_FLOWINFO`.
    pub flowinfo: Option<u32>,
    /// `IPV6_PATHMTU`.
    pub path_mtu: Option<Ip6Mtuinfo>,
    /// `SCM_TIMESTAMPING_PKTINFO`.
    pub timestamping_pktinfo: Option<ScmTsPktinfo>,
    /// `IPV6_HOPOPTS` (or `IPV6_2292HOPOPTS`).
    pub hop_opts: Option<ExtHeaderRecord<'a>>,
    /// `IPV6_DSTOPTS` (or `IPV6_2292DSTOPTS`).
    pub dst_opts: Option<ExtHeaderRecord<'a>>,
    /// `IPV6_RTHDRDSTOPTS`.
    pub rthdr_dst_opts: Option<ExtHeaderRecord<'a>>,
    /// `IPV6_RTHDR` (or `IPV6_2292RTHDR`).
    pub rthdr: Option<ExtHeaderRecord<'a>>,
    /// How many records were not one of the above (see [`Message::records`](super::Message::records)).
    pub others: usize,
}

impl<'a> Companions<'a> {
    #[inline]
    pub(super) fn take(&mut self, r: Record<'a>) {
        let c = self;
        match r {
            Record::Error(..) => {}
            Record::Timestamping(t) => c.timestamping = Some(t),
            Record::Timestamp(l, t) => c.timestamp = Some((l, t)),
            Record::TimestampNs(l, t) => c.timestampns = Some((l, t)),
            Record::OptStats(a) => c.opt_stats = Some(a),
            Record::Ttl(v) => c.ttl = Some(v),
            Record::Tos(v) => c.tos = Some(v),
            Record::Pktinfo(p) => c.pktinfo = Some(p),
            Record::RecvOpts(o) => c.recv_opts = Some(o),
            Record::RetOpts(o) => c.ret_opts = Some(o),
            Record::OrigDstAddr(a) => c.orig_dst = Some(a.into()),
            Record::OrigDstAddr6(a) => c.orig_dst = Some(a.into()),
            Record::Checksum(v) => c.checksum = Some(v),
            Record::FragSize(v) | Record::FragSize6(v) => c.frag_size = Some(v),
            Record::Pktinfo6(p) => c.pktinfo6 = Some(p),
            Record::HopLimit(v) => c.hop_limit = Some(v),
            Record::TrafficClass(v) => c.tclass = Some(v),
            Record::FlowInfo(v) => c.flowinfo = Some(v),
            Record::PathMtu(m) => c.path_mtu = Some(m),
            Record::TimestampingPktinfo(p) => c.timestamping_pktinfo = Some(p),
            Record::Ipv6ExtHeader(h) => match h.cmsg_type() {
                IPV6_HOPOPTS | IPV6_2292HOPOPTS => c.hop_opts = Some(h),
                IPV6_DSTOPTS | IPV6_2292DSTOPTS => c.dst_opts = Some(h),
                IPV6_RTHDRDSTOPTS => c.rthdr_dst_opts = Some(h),
                IPV6_RTHDR | IPV6_2292RTHDR => c.rthdr = Some(h),
                _ => c.others = c.others.saturating_add(1),
            },
            Record::Other(_) => c.others = c.others.saturating_add(1),
        }
    }
}
