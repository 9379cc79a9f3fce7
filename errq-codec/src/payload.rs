//! The error-queue payload: what `recvmsg(MSG_ERRQUEUE)` returns in the iovec, interpreted for
//! the kind of socket it came from.
//!
//! | socket | payload | variant |
//! | --- | --- | --- |
//! | UDP | the original UDP payload (after the UDP header) | [`Payload::UdpData`] |
//! | ping socket, raw ICMP | the original ICMP message (echo header + data) | [`Payload::Icmp`] |
//! | raw with `IP_HDRINCL` | the original IP packet | [`Payload::Ip`] |
//! | TCP (`SYN_SENT`/`SYN_RECV`) | from the original TCP header | [`Payload::Tcp`] |
//! | TX timestamp without `OPT_TSONLY` | the sent packet from its link-layer header | [`Payload::Link`] |
//! | TCP timestamp with `OPT_STATS`, any J1939 report | the `SCM_TIMESTAMPING_OPT_STATS` attributes | [`Payload::OptStats`] |
//! | CAN raw, Bluetooth TX timestamp | the sent frame of that family | [`Payload::Frame`] |
//! | local, zerocopy, `OPT_TSONLY` | nothing | [`Payload::Empty`] |
//!
//! [`crate::message::Message::payload_kind`] chooses the kind from what the message holds.
//!
//! With `IP_RECVERR_RFC4884`, `ee_rfc4884.len` is the offset of the extension structure in
//! this payload: [`split_rfc4884`] cuts the payload there, [`find_compat_extension`] looks
//! where routers that predate RFC 4884 put it (both by the rules of [`crate::ext::locate`]).
//!
//! If [`Payload::parse`] succeeded, no accessor can panic.

use crate::error::{Error, Structure};
use crate::ext::{locate, Extension, ExtensionAt};
use crate::ip::{Ipv4Header, Ipv6Header, QuotedIcmp, QuotedIp, QuotedTcp};

/// The kind of socket an error-queue entry was read from: it decides what the payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayloadKind {
    /// A UDP (or UDP-Lite) socket: the original UDP payload.
    Udp,
    /// A ping socket (`SOCK_DGRAM`, `IPPROTO_ICMP`/`IPPROTO_ICMPV6`) or a raw ICMP socket
    /// without `IP_HDRINCL`: the original ICMP message. `v6` for ICMPv6.
    Icmp {
        /// ICMPv6 rather than ICMPv4.
        v6: bool,
    },
    /// A raw socket with `IP_HDRINCL` (or `IPPROTO_RAW`): the original IP packet.
    #[doc(alias = "IP_HDRINCL")]
    RawIp,
    /// A TCP socket: from the original TCP header.
    Tcp,
    /// A transmit timestamp without `SOF_TIMESTAMPING_OPT_TSONLY`: the sent packet from its
    /// Ethernet header (zero MAC addresses on loopback).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_TSONLY")]
    TxTimestamp,
    /// A TCP timestamp with `SOF_TIMESTAMPING_OPT_STATS` or a J1939 report: the statistics
    /// attributes, the same bytes as the `SCM_TIMESTAMPING_OPT_STATS` record
    /// (`__skb_tstamp_tx`, `__j1939_sk_errqueue` build the skb from them).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_STATS")]
    OptStats,
    /// A frame of a non-IP family (the CAN frame of a CAN raw TX timestamp, the packet of a
    /// Bluetooth one), or bytes nothing more is known of: kept raw.
    Frame,
}

impl PayloadKind {
    /// A short name, for errors: `"UDP data"`, `"TCP header"`, ...
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Udp => "UDP data",
            Self::Icmp { v6: false } => "ICMP message",
            Self::Icmp { v6: true } => "ICMPv6 message",
            Self::RawIp => "IP packet",
            Self::Tcp => "TCP header",
            Self::TxTimestamp => "link-layer frame",
            Self::OptStats => "OPT_STATS attributes",
            Self::Frame => "raw frame",
        }
    }
}

/// An Ethernet header in front of a timestamped packet, with one optional 802.1Q/802.1ad tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "ethhdr")]
pub struct EthernetHeader {
    /// Destination MAC address (all zero on loopback).
    pub dst: [u8; 6],
    /// Source MAC address (all zero on loopback).
    pub src: [u8; 6],
    /// The VLAN tag control information, if the frame is tagged.
    pub vlan_tci: Option<u16>,
    /// The EtherType of the payload.
    pub ethertype: u16,
}

/// EtherType of IPv4.
const ETH_P_IP: u16 = 0x0800;
/// EtherType of IPv6.
const ETH_P_IPV6: u16 = 0x86dd;
/// EtherType of an 802.1Q tag.
const ETH_P_8021Q: u16 = 0x8100;
/// EtherType of an 802.1ad tag.
const ETH_P_8021AD: u16 = 0x88a8;

impl EthernetHeader {
    /// Parse the header at the start of `bytes`; returns it and the bytes after it.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`LinkHeader`) if `bytes` is shorter than 14 bytes (18 if tagged).
    #[inline]
    pub fn parse(bytes: &[u8]) -> Result<(Self, &[u8]), Error> {
        let truncated = |needed| Error::truncated(Structure::LinkHeader, needed, bytes.len());
        let head: [u8; 14] = bytes
            .get(..14)
            .ok_or(truncated(14))?
            .try_into()
            .map_err(|_| truncated(14))?;
        let [d0, d1, d2, d3, d4, d5, s0, s1, s2, s3, s4, s5, t0, t1] = head;
        let mut ethertype = u16::from_be_bytes([t0, t1]);
        let mut rest = bytes.get(14..).unwrap_or(&[]);
        let mut vlan_tci = None;
        // IPv4 first: the frame a TX timestamp of a UDP or TCP socket quotes, and no tag.
        if ethertype != ETH_P_IP && (ethertype == ETH_P_8021Q || ethertype == ETH_P_8021AD) {
            let tag = rest.get(..4).ok_or(truncated(18))?;
            let (tci, inner) = (tag.get(..2), tag.get(2..4));
            let be = |b: Option<&[u8]>| {
                b.and_then(|b| b.try_into().ok())
                    .map_or(0, u16::from_be_bytes)
            };
            vlan_tci = Some(be(tci));
            ethertype = be(inner);
            rest = rest.get(4..).unwrap_or(&[]);
        }
        Ok((
            Self {
                dst: [d0, d1, d2, d3, d4, d5],
                src: [s0, s1, s2, s3, s4, s5],
                vlan_tci,
                ethertype,
            },
            rest,
        ))
    }

    /// Whether this is the header the kernel puts on loopback packets: both MAC addresses zero
    /// (the EtherType is still set, 0x0800 or 0x86dd, in real captures).
    #[must_use]
    pub fn is_loopback(&self) -> bool {
        self.dst == [0; 6] && self.src == [0; 6] && self.vlan_tci.is_none()
    }
}

/// A timestamped packet: its link-layer header and what follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkPayload<'a> {
    /// The Ethernet header.
    pub header: EthernetHeader,
    /// The network-layer packet after it.
    pub network: &'a [u8],
}

impl<'a> LinkPayload<'a> {
    /// The IP packet, if the EtherType is IPv4 or IPv6 (or 0, loopback, where the IP version
    /// nibble decides); `None` for any other EtherType.
    ///
    /// # Errors
    /// The `Some(Err)` of [`Ipv4Header::new`] or [`Ipv6Header::new`] if the IP header is not
    /// whole or malformed; a header whose version is not the EtherType's is malformed
    /// ([`Reason::BadVersion`](crate::error::Reason::BadVersion)).
    #[inline]
    pub fn ip(&self) -> Option<Result<QuotedIp<'a>, Error>> {
        match self.header.ethertype {
            ETH_P_IP => Some(Ipv4Header::new(self.network).map(QuotedIp::V4)),
            ETH_P_IPV6 => Some(Ipv6Header::new(self.network).map(QuotedIp::V6)),
            0 => Some(QuotedIp::new(self.network)),
            _ => None,
        }
    }
}

/// An error-queue payload interpreted by socket kind.
///
/// ```
/// use errq_codec::payload::{Payload, PayloadKind};
///
/// // A zerocopy completion or LOCAL error has no payload; a UDP socket gets its datagram back.
/// assert_eq!(Payload::parse(&[], PayloadKind::Tcp)?, Payload::Empty);
/// assert_eq!(Payload::parse(b"probe", PayloadKind::Udp)?, Payload::UdpData(b"probe"));
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// Nothing (local errors, zerocopy notifications, `OPT_TSONLY` timestamps).
    Empty,
    /// The original UDP payload.
    UdpData(&'a [u8]),
    /// The original ICMP message (for a ping socket: echo header, identifier rewritten by the
    /// kernel, and data).
    Icmp(QuotedIcmp<'a>),
    /// The original IP packet.
    Ip(QuotedIp<'a>),
    /// The original TCP header onwards.
    Tcp(QuotedTcp<'a>),
    /// The sent packet from its link-layer header.
    Link(LinkPayload<'a>),
    /// The statistics attributes (read them with
    /// [`crate::message::Message::opt_stats`], which knows their byte order and protocol).
    OptStats(&'a [u8]),
    /// A non-IP frame, raw.
    Frame(&'a [u8]),
}

impl<'a> Payload<'a> {
    /// Interpret `bytes` as the payload of a socket of kind `kind`. An empty payload is
    /// [`Payload::Empty`] for every kind but UDP (where it is an empty datagram).
    ///
    /// # Errors
    /// For [`PayloadKind::RawIp`], the errors of [`QuotedIp::new`]; for
    /// [`PayloadKind::TxTimestamp`], those of [`EthernetHeader::parse`]. The other kinds
    /// never fail: a cut header shows as `None` from the accessors.
    ///
    /// ```
    /// use errq_codec::payload::{Payload, PayloadKind};
    ///
    /// // What a raw IP_HDRINCL socket gets back: the original packet. Here a UDP datagram from
    /// // 198.18.1.1:33434 to 198.18.2.2:33435, as in a real raw-socket capture's quote.
    /// let packet = [
    ///     0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x00, 0x01, 0x11, 0x00, 0x00, // IPv4, TTL 1, UDP
    ///     198, 18, 1, 1, 198, 18, 2, 2,
    ///     0x82, 0x9a, 0x82, 0x9b, 0x00, 0x08, 0x00, 0x00, // UDP header
    /// ];
    /// let payload = Payload::parse(&packet, PayloadKind::RawIp)?;
    /// assert_eq!(payload.ports(), Some((33434, 33435)));
    /// assert!(payload.ip().is_some());
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[inline]
    pub fn parse(bytes: &'a [u8], kind: PayloadKind) -> Result<Self, Error> {
        if bytes.is_empty() && kind != PayloadKind::Udp {
            return Ok(Self::Empty);
        }
        Ok(match kind {
            PayloadKind::Udp => Self::UdpData(bytes),
            PayloadKind::Icmp { v6 } => Self::Icmp(QuotedIcmp::new(bytes, v6)),
            PayloadKind::RawIp => Self::Ip(QuotedIp::new(bytes)?),
            PayloadKind::Tcp => Self::Tcp(QuotedTcp::new(bytes)),
            PayloadKind::TxTimestamp => {
                let (header, network) = EthernetHeader::parse(bytes)?;
                Self::Link(LinkPayload { header, network })
            }
            PayloadKind::OptStats => Self::OptStats(bytes),
            PayloadKind::Frame => Self::Frame(bytes),
        })
    }

    /// The IP packet, for [`Payload::Ip`] and a [`Payload::Link`] carrying IP with a whole
    /// header.
    #[must_use]
    #[inline]
    pub fn ip(&self) -> Option<QuotedIp<'a>> {
        match self {
            Self::Ip(ip) => Some(*ip),
            Self::Link(link) => link.ip().and_then(Result::ok),
            _ => None,
        }
    }

    /// Source and destination port, where the payload holds them (TCP, and UDP/TCP/SCTP/DCCP
    /// inside an IP packet). A UDP socket's payload starts after the UDP header: its ports are
    /// the socket's own and the destination in `msg_name`.
    #[must_use]
    #[inline]
    pub fn ports(&self) -> Option<(u16, u16)> {
        match self {
            Self::Tcp(tcp) => tcp.ports(),
            _ => self.ip()?.ports(),
        }
    }

    /// Echo identifier and sequence number, where the payload holds an echo request or reply.
    #[must_use]
    pub fn echo(&self) -> Option<(u16, u16)> {
        match self {
            Self::Icmp(icmp) => Some((icmp.echo_ident()?, icmp.echo_seq()?)),
            _ => self.ip()?.transport().echo(),
        }
    }

    /// The echo identifier (see [`Payload::echo`]).
    #[must_use]
    pub fn echo_ident(&self) -> Option<u16> {
        self.echo().map(|(ident, _)| ident)
    }

    /// The echo sequence number (see [`Payload::echo`]).
    #[must_use]
    pub fn echo_seq(&self) -> Option<u16> {
        self.echo().map(|(_, seq)| seq)
    }

    /// The application data: the UDP payload, or the data after an ICMP header.
    #[must_use]
    pub fn data(&self) -> Option<&'a [u8]> {
        match self {
            Self::UdpData(data) => Some(data),
            Self::Icmp(icmp) => Some(icmp.data()),
            _ => None,
        }
    }
}

/// Cut an error-queue payload at `ee_rfc4884.len`: the part before it (the original datagram
/// as the socket sees it, zero-padded by the router) and the extension structure after it.
///
/// A `len` of 0 means no extension: the whole payload and `None`. A `len` past the end of
/// the payload (the iovec was too small) gives `Some(Err(Truncated))`.
///
/// The same as [`locate`] with [`ExtensionAt::Reported`] (which also says the offset).
#[doc(alias = "sock_ee_data_rfc4884")]
#[must_use]
#[inline]
pub fn split_rfc4884(payload: &[u8], len: u16) -> (&[u8], Option<Result<Extension<'_>, Error>>) {
    let located = locate(payload, ExtensionAt::Reported(len));
    (located.original(), located.extension())
}

/// The opt-in fallback for routers that predate RFC 4884 (they put an extension at offset 128
/// after the ICMP header and leave the length field zero, so the kernel reports `len` 0): look
/// for a version-2 extension structure whose checksum verifies at offset `128 - stripped` of
/// the payload, `stripped` being the bytes of the quote the kernel removed before the payload
/// (for UDP: IP header + 8; for a ping socket: the IP header).
///
/// Returns the payload before the extension and the extension, or `None` if there is none
/// that verifies there. The rule (RFC 4884 section 5) is [`ExtensionAt::Compat`]'s;
/// [`crate::message::Message::probe_extension`] applies it to a message.
#[must_use]
pub fn find_compat_extension(payload: &[u8], stripped: usize) -> Option<(&[u8], Extension<'_>)> {
    let located = locate(payload, ExtensionAt::Compat { stripped });
    Some((located.original(), located.extension()?.ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_socket_payload() {
        let echo = [8, 0, 0x12, 0x34, 0x00, 0x2a, 0x00, 0x07, b'h', b'i'];
        let p = Payload::parse(&echo, PayloadKind::Icmp { v6: false }).unwrap();
        assert_eq!(p.echo(), Some((42, 7)));
        assert_eq!(p.data(), Some(&b"hi"[..]));
        assert_eq!(p.ports(), None);
        let p6 =
            Payload::parse(&[128, 0, 0, 0, 0, 1, 0, 2], PayloadKind::Icmp { v6: true }).unwrap();
        assert_eq!(p6.echo(), Some((1, 2)));
    }

    #[test]
    fn empty_payloads() {
        assert_eq!(Payload::parse(&[], PayloadKind::Tcp), Ok(Payload::Empty));
        assert_eq!(
            Payload::parse(&[], PayloadKind::Udp),
            Ok(Payload::UdpData(&[]))
        );
    }

    #[test]
    fn loopback_timestamp() {
        // 14 zero bytes, then an IPv4/UDP packet 127.0.0.1:40000 -> 127.0.0.1:9.
        let mut b = std::vec![0u8; 14];
        b.extend_from_slice(&[
            0x45, 0, 0, 29, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0x9c, 0x40, 0,
            9, 0, 9, 0, 0, b'x',
        ]);
        let p = Payload::parse(&b, PayloadKind::TxTimestamp).unwrap();
        let Payload::Link(link) = p else { panic!() };
        assert!(link.header.is_loopback());
        assert_eq!(p.ports(), Some((40000, 9)));
        for len in 1..14 {
            assert_eq!(
                Payload::parse(&b[..len], PayloadKind::TxTimestamp),
                Err(Error::truncated(Structure::LinkHeader, 14, len))
            );
        }
    }

    #[test]
    fn vlan_tagged() {
        let mut b = std::vec![0xffu8; 12];
        b.extend_from_slice(&[0x81, 0x00, 0x00, 0x64, 0x86, 0xdd]);
        let (h, rest) = EthernetHeader::parse(&b).unwrap();
        assert_eq!(h.vlan_tci, Some(100));
        assert_eq!(h.ethertype, 0x86dd);
        assert!(rest.is_empty());
        assert_eq!(
            EthernetHeader::parse(&b[..16]).map(|(h, _)| h),
            Err(Error::truncated(Structure::LinkHeader, 18, 16))
        );
    }

    #[test]
    fn rfc4884_split() {
        let mut b = std::vec![0u8; 100];
        b.extend_from_slice(&[0x20, 0, 0, 0]);
        let (orig, ext) = split_rfc4884(&b, 100);
        assert_eq!(orig.len(), 100);
        assert_eq!(ext.unwrap().unwrap().version(), 2);
        assert_eq!(split_rfc4884(&b, 0), (&b[..], None));
        assert_eq!(
            split_rfc4884(&b[..50], 100).1,
            Some(Err(Error::truncated(Structure::ExtensionHeader, 4, 0)))
        );
    }
}
