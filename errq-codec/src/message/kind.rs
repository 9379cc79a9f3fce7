//! How a message's payload is read: chosen from what the message holds, or checked when
//! the caller names it.
//!
//! What the kernel puts in the payload (`net/core/skbuff.c` `__skb_tstamp_tx`,
//! `net/ipv4/ip_sockglue.c` `ip_icmp_error`/`ip_local_error`, `net/core/sock.c`
//! `sock_recv_errqueue`, `net/can/j1939/socket.c` `__j1939_sk_errqueue`):
//! - a J1939 report: the `J1939_NLA_*` statistics;
//! - a timestamp with `SCM_TIMESTAMPING_OPT_STATS` (TCP): the `TCP_NLA_*` statistics;
//! - another timestamp: the sent packet (from its Ethernet header on IP and packet sockets,
//!   the family's own frame on CAN raw and Bluetooth), or nothing with `OPT_TSONLY`;
//! - an ICMP or ICMPv6 error: what the socket sent, from the header its protocol starts at
//!   (UDP data, ICMP message, TCP header, the whole IP packet with `IP_HDRINCL`): only the
//!   socket kind decides, so the caller's hint is used; without one, the message itself is
//!   checked (see [`Message::payload_kind`]);
//! - local errors, zerocopy completions, txtime drops: nothing.

use super::*;
use crate::ip::QuotedIp;
use crate::Reason;

impl<'a> Message<'a> {
    /// How this message's payload should be read, from what it holds: the level and
    /// origin of its error record, whether it has OPT_STATS, and, for an ICMP or ICMPv6
    /// error, `socket` (the kind of socket it was read from, when the caller knows it).
    ///
    /// Without a hint, an ICMP error is read as the kernel's own answer allows: with
    /// `msg_name` port 0 (a ping or raw socket, `ip_icmp_error` with no remote port) the
    /// payload is an ICMP echo request ([`PayloadKind::Icmp`]) when it starts with one, or
    /// the original IP packet ([`PayloadKind::RawIp`], `IP_HDRINCL`) when its header's
    /// destination is `msg_name`'s; with a port, UDP data ([`PayloadKind::Udp`]): a TCP
    /// socket must say so (`Some(PayloadKind::Tcp)`), as its SYN can look like any data.
    /// Anything not known to hold a packet is [`PayloadKind::Frame`] (raw).
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::message::Message;
    /// use errq_codec::payload::{Payload, PayloadKind};
    ///
    /// // A CAN raw TX timestamp (SOL_CAN_RAW 101 / SCM_CAN_RAW_ERRQUEUE 1, x86_64): ENOMSG,
    /// // origin TIMESTAMPING, SCM_TSTAMP_SND, key 4; the payload is the sent CAN frame.
    /// let control = [
    ///     32, 0, 0, 0, 0, 0, 0, 0, 101, 0, 0, 0, 1, 0, 0, 0,
    ///     42, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
    /// ];
    /// let frame = [0x23, 1, 0, 0, 2, 0, 0, 0, 0xde, 0xad, 0, 0, 0, 0, 0, 0];
    /// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &[], &frame);
    /// assert_eq!(m.payload_kind(None), PayloadKind::Frame);
    /// assert_eq!(m.read_payload(None)?, Payload::Frame(&frame));
    /// // A CAN frame is not an Ethernet frame: that reading is refused, not misread.
    /// assert!(m.quoted(PayloadKind::TxTimestamp).is_err());
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    pub fn payload_kind(&self, socket: Option<PayloadKind>) -> PayloadKind {
        let Some((level, e)) = self.err() else {
            return socket.unwrap_or(PayloadKind::Frame);
        };
        let ee = &e.ee;
        if level == Level::CAN_J1939 {
            return PayloadKind::OptStats;
        }
        match ee.origin {
            Origin::TIMESTAMPING => {
                if self.common.rare.opt_stats != 0 {
                    PayloadKind::OptStats
                } else if level.is_ip() || level == Level::PACKET {
                    PayloadKind::TxTimestamp
                } else {
                    PayloadKind::Frame
                }
            }
            Origin::ICMP | Origin::ICMP6 => match socket {
                Some(
                    k @ (PayloadKind::Udp
                    | PayloadKind::Icmp { .. }
                    | PayloadKind::RawIp
                    | PayloadKind::Tcp),
                ) => k,
                _ => self.icmp_payload_kind(),
            },
            _ => PayloadKind::Frame,
        }
    }

    /// [`Message::payload_kind`] for an ICMP error without a hint.
    fn icmp_payload_kind(&self) -> PayloadKind {
        let Some(dst) = self.destination() else {
            return PayloadKind::Frame;
        };
        if dst.port() != 0 {
            return PayloadKind::Udp;
        }
        let original = self.original();
        let dst = addr::unmap(dst).ip();
        match original.first() {
            Some(8) if dst.is_ipv4() => PayloadKind::Icmp { v6: false },
            Some(128) if dst.is_ipv6() => PayloadKind::Icmp { v6: true },
            _ => match QuotedIp::new(original) {
                Ok(ip) if ip.dst() == dst => PayloadKind::RawIp,
                _ => PayloadKind::Frame,
            },
        }
    }

    /// Whether `kind` can apply to this message.
    pub(super) fn check_kind(&self, kind: PayloadKind) -> Result<(), Error> {
        let Some((level, e)) = self.err() else {
            return Ok(());
        };
        let auto = self.payload_kind(Some(kind));
        let applies = match auto {
            // Statistics are statistics: no packet to read in them.
            PayloadKind::OptStats => kind == PayloadKind::OptStats,
            PayloadKind::TxTimestamp => {
                matches!(kind, PayloadKind::TxTimestamp | PayloadKind::Frame)
            }
            // An ICMP error quotes what the socket sent.
            _ if matches!(e.ee.origin, Origin::ICMP | Origin::ICMP6) => {
                !matches!(kind, PayloadKind::TxTimestamp | PayloadKind::OptStats)
            }
            // A non-IP family's frame is not an Ethernet frame.
            PayloadKind::Frame if e.ee.origin == Origin::TIMESTAMPING && !level.is_ip() => {
                kind == PayloadKind::Frame
            }
            // Nothing is quoted (local, zerocopy, txtime): any reading gives nothing.
            _ => true,
        };
        if applies {
            Ok(())
        } else {
            Err(Error::malformed(
                crate::Structure::Payload,
                Reason::KindDoesNotApply {
                    asked: kind,
                    holds: auto,
                },
            ))
        }
    }
}
