//! Protocol levels (`cmsg_level`) and the error record each family queues.
//!
//! The error record of an error-queue message is not always `SOL_IP`/`IP_RECVERR`.
//! `sock_recv_errqueue(sk, msg, len, level, type)` (`net/core/sock.c`) writes the bare
//! 16-byte `struct sock_extended_err` (no offender) under the family's own level, after the
//! `SO_TIMESTAMP*`/`SCM_TIMESTAMPING_OPT_STATS` companions; `ip_recv_error`
//! (`net/ipv4/ip_sockglue.c`) and `ipv6_recv_error` (`net/ipv6/datagram.c`) add the
//! offender `sockaddr` after it. [`Level`] is an open newtype: a level this crate does not
//! know is kept, and its records are yielded raw ([`crate::record::Record::Other`]).
//!
//! # Every kernel path that queues an error-queue message
//!
//! The `recvmsg(MSG_ERRQUEUE)` handlers of Linux 6.18, found by their call to
//! `ip_recv_error`, `ipv6_recv_error` or `sock_recv_errqueue`:
//!
//! | kernel path | level / type | origins | errq decodes it as | tested by |
//! | --- | --- | --- | --- | --- |
//! | `udp_recvmsg`, `raw_recvmsg`, `l2tp_ip_recvmsg` → `ip_recv_error`; `tcp_recvmsg`, `tcp_bpf_recvmsg`, `ping_recvmsg`, `sctp_recvmsg` → `inet_recv_error` → `ip_recv_error` on `AF_INET` | `SOL_IP`(0) / `IP_RECVERR`(11), + `sockaddr_in` | ICMP, LOCAL, TIMESTAMPING, ZEROCOPY, TXTIME | [`Meaning::Icmp`], [`Meaning::Local`], [`Meaning::Timestamp`], [`Meaning::Zerocopy`], [`Meaning::TxTime`]; OPT_STATS as `TCP_NLA_*` | live (`tests/tests/live_*.rs`), captures (`errq-codec/tests/captures`) |
//! | `udpv6_recvmsg`, `rawv6_recvmsg`, `l2tp_ip6_recvmsg` → `ipv6_recv_error`; `inet_recv_error` on `AF_INET6` (ICMPv4 on a dual-stack socket: `ip_recv_error` semantics, v4-mapped offender) | `SOL_IPV6`(41) / `IPV6_RECVERR`(25), + `sockaddr_in6` | ICMP6, ICMP, LOCAL, TIMESTAMPING, ZEROCOPY, TXTIME | as above, [`Meaning::Icmp6`]; extension-header companions typed ([`crate::exthdr`]) | live (`live_icmp.rs`, `live_ipv6_exthdr.rs`), captures |
//! | `tls_sw_recvmsg` (`net/tls/tls_sw.c`, kTLS on TCP of either family), `rds_recvmsg` (`net/rds/recv.c`), `ovpn_tcp_recvmsg` (`drivers/net/ovpn/tcp.c`) → `sock_recv_errqueue` | `SOL_IP`(0) / `IP_RECVERR`(11), bare 16 bytes (no offender) | TIMESTAMPING, ZEROCOPY (what the TCP/IP stack below queued) | as the `SOL_IP` row; an empty offender without `MSG_CTRUNC` is not a problem | built buffers (`families.rs` checks the bare record), no kTLS here |
//! | `packet_recvmsg` (`net/packet/af_packet.c`) → `sock_recv_errqueue` | `SOL_PACKET`(263) / `PACKET_TX_TIMESTAMP`(16) | TIMESTAMPING | [`Meaning::Timestamp`]; payload [`PayloadKind::TxTimestamp`] | live (`tests/tests/live_packet_ts.rs`), `errq-codec/tests/families.rs` |
//! | `vsock_connectible_recvmsg` (`net/vmw_vsock/af_vsock.c`, Linux 6.7+) → `sock_recv_errqueue` | `SOL_VSOCK`(287) / `VSOCK_RECVERR`(1) | ZEROCOPY | [`Meaning::Zerocopy`] | built buffers (`families.rs`): no vsock transport here |
//! | `raw_recvmsg` (`net/can/raw.c`) → `sock_recv_errqueue` | `SOL_CAN_RAW`(101) / `SCM_CAN_RAW_ERRQUEUE`(1) | TIMESTAMPING (SCHED, SND, COMPLETION) | [`Meaning::Timestamp`]; payload [`PayloadKind::Frame`] (the CAN frame) | built buffers: no CAN device here |
//! | `j1939_sk_recvmsg` (`net/can/j1939/socket.c`, queued by `__j1939_sk_errqueue`) → `sock_recv_errqueue` | `SOL_CAN_J1939`(107) / `SCM_J1939_ERRQUEUE`(4) | TIMESTAMPING (TX done: SCHED, ACK), LOCAL (TX abort, RX RTS, RX DPO, RX abort, by `ee_info`) | [`Meaning::J1939`] with the `J1939_NLA_*` statistics ([`crate::j1939`]); payload [`PayloadKind::OptStats`] | built buffers: no CAN device here |
//! | `bt_sock_recvmsg` (`net/bluetooth/af_bluetooth.c`: ISO, L2CAP, SCO; Linux 6.14+) → `sock_recv_errqueue` | `SOL_BLUETOOTH`(274) / `BT_SCM_ERROR`(4) | TIMESTAMPING (SND, COMPLETION) | [`Meaning::Timestamp`]; payload [`PayloadKind::Frame`] | built buffers: no Bluetooth controller here |
//!
//! Every other family's `recvmsg` refuses `MSG_ERRQUEUE` or never queues an error skb:
//! `errq_sys::family` refuses to enable an error queue there.
//!
//! [`Meaning::Icmp`]: crate::meaning::Meaning::Icmp
//! [`Meaning::Icmp6`]: crate::meaning::Meaning::Icmp6
//! [`Meaning::Local`]: crate::meaning::Meaning::Local
//! [`Meaning::Timestamp`]: crate::meaning::Meaning::Timestamp
//! [`Meaning::Zerocopy`]: crate::meaning::Meaning::Zerocopy
//! [`Meaning::TxTime`]: crate::meaning::Meaning::TxTime
//! [`Meaning::J1939`]: crate::meaning::Meaning::J1939
//! [`PayloadKind::TxTimestamp`]: crate::payload::PayloadKind::TxTimestamp
//! [`PayloadKind::Frame`]: crate::payload::PayloadKind::Frame
//! [`PayloadKind::OptStats`]: crate::payload::PayloadKind::OptStats
//!
//! ```
//! use errq_codec::level::Level;
//!
//! assert_eq!(Level::CAN_J1939.error_type(), Some(4));
//! assert_eq!(Level::CAN_J1939.to_string(), "SOL_CAN_J1939");
//! assert_eq!(Level(999).error_type(), None);
//! assert_eq!(Level(999).to_string(), "level 999");
//! ```

use crate::consts;
use crate::table::table;

/// A protocol level (`cmsg_level`, the `level` of `setsockopt`). An open newtype: any
/// number is representable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "cmsg_level")]
pub struct Level(pub i32);

/// The former name of [`Level`], when only three levels carried errors.
pub type ErrorLevel = Level;

/// `(level, error record type, type name)`, one row per family that queues error-queue
/// messages.
const TABLE: [(Level, i32, &str); 7] = [
    (Level::IP, consts::IP_RECVERR, "IP_RECVERR"),
    (Level::IPV6, consts::IPV6_RECVERR, "IPV6_RECVERR"),
    (
        Level::PACKET,
        consts::PACKET_TX_TIMESTAMP,
        "PACKET_TX_TIMESTAMP",
    ),
    (Level::VSOCK, consts::VSOCK_RECVERR, "VSOCK_RECVERR"),
    (
        Level::CAN_RAW,
        consts::SCM_CAN_RAW_ERRQUEUE,
        "SCM_CAN_RAW_ERRQUEUE",
    ),
    (
        Level::CAN_J1939,
        consts::SCM_J1939_ERRQUEUE,
        "SCM_J1939_ERRQUEUE",
    ),
    (Level::BLUETOOTH, consts::BT_SCM_ERROR, "BT_SCM_ERROR"),
];

table! {
    /// The kernel's name, e.g. `"SOL_CAN_J1939"`; `None` for a level not in the table.
    Level::name, unknown "level {}";
    /// `SOL_IP` (`include/linux/socket.h`).
    IP = 0, "SOL_IP", alias "SOL_IP";
    /// `SOL_IPV6`.
    IPV6 = 41, "SOL_IPV6", alias "SOL_IPV6";
    /// `SOL_PACKET`.
    PACKET = 263, "SOL_PACKET", alias "SOL_PACKET";
    /// `SOL_BLUETOOTH`.
    BLUETOOTH = 274, "SOL_BLUETOOTH", alias "SOL_BLUETOOTH";
    /// `SOL_VSOCK` (also in `include/uapi/linux/vm_sockets.h`).
    VSOCK = 287, "SOL_VSOCK", alias "SOL_VSOCK";
    /// `SOL_CAN_RAW` (`SOL_CAN_BASE` 100 + `CAN_RAW` 1, `include/uapi/linux/can/raw.h`).
    CAN_RAW = 101, "SOL_CAN_RAW", alias "SOL_CAN_RAW";
    /// `SOL_CAN_J1939` (`SOL_CAN_BASE` 100 + `CAN_J1939` 7,
    /// `include/uapi/linux/can/j1939.h`).
    CAN_J1939 = 107, "SOL_CAN_J1939", alias "SOL_CAN_J1939";
}

impl Level {
    /// [`Level::IP`], under its name from when `ErrorLevel` was an enum.
    #[allow(non_upper_case_globals)] // the old enum variant's name, kept so matches compile
    pub const Ip: Self = Self::IP;
    /// [`Level::IPV6`], under its name from when `ErrorLevel` was an enum.
    #[allow(non_upper_case_globals)] // as above
    pub const Ipv6: Self = Self::IPV6;
    /// [`Level::PACKET`], under its name from when `ErrorLevel` was an enum.
    #[allow(non_upper_case_globals)] // as above
    pub const Packet: Self = Self::PACKET;

    /// The `cmsg_type` of the error record this level's family queues
    /// (`IP_RECVERR`, `IPV6_RECVERR`, `PACKET_TX_TIMESTAMP`, `VSOCK_RECVERR`,
    /// `SCM_CAN_RAW_ERRQUEUE`, `SCM_J1939_ERRQUEUE`, `BT_SCM_ERROR`); `None` for a level
    /// with no error queue.
    #[must_use]
    #[inline]
    pub fn error_type(self) -> Option<i32> {
        Self::row(self).map(|r| r.1)
    }

    /// Whether `(self, kind)` is a family's error record.
    #[must_use]
    #[inline]
    pub fn is_error_record(self, kind: i32) -> bool {
        self.error_type() == Some(kind)
    }

    /// This level's row of the table.
    #[inline]
    fn row(self) -> Option<&'static (Level, i32, &'static str)> {
        TABLE.iter().find(|r| r.0 == self)
    }

    /// `(cmsg_level, cmsg_type)` of this level's error record; `None` for a level with no
    /// error queue.
    #[must_use]
    pub fn level_type(self) -> Option<(i32, i32)> {
        self.error_type().map(|t| (self.0, t))
    }

    /// The kernel's name of the error record type, e.g. `"SCM_J1939_ERRQUEUE"`.
    #[must_use]
    pub fn error_type_name(self) -> Option<&'static str> {
        Self::row(self).map(|r| r.2)
    }

    /// Whether this is an IP level (`SOL_IP`, `SOL_IPV6`): its error record carries an
    /// offender, and its `SCM_TIMESTAMPING_OPT_STATS` are `TCP_NLA_*` attributes.
    #[must_use]
    pub const fn is_ip(self) -> bool {
        self.0 == Self::IP.0 || self.0 == Self::IPV6.0
    }

    /// Every level with an error queue, in the order of the table above.
    pub fn with_error_queue() -> impl Iterator<Item = Self> {
        TABLE.iter().map(|r| r.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_numbers_are_the_kernel_headers() {
        // include/linux/socket.h, vm_sockets.h, can/raw.h, can/j1939.h, bluetooth.h.
        let want = [
            (0, 11),
            (41, 25),
            (263, 16),
            (287, 1),
            (101, 1),
            (107, 4),
            (274, 4),
        ];
        let got: std::vec::Vec<_> = Level::with_error_queue()
            .map(|l| (l.0, l.error_type().unwrap()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(Level(1).error_type(), None);
        assert!(Level::IPV6.is_error_record(25));
        assert!(!Level::IPV6.is_error_record(11));
        assert_eq!(Level::BLUETOOTH.level_type(), Some((274, 4)));
        assert_eq!(Level::Ip, Level::IP);
        assert_eq!(Level::VSOCK.error_type_name(), Some("VSOCK_RECVERR"));
    }

    #[test]
    fn names_are_the_kernel_headers() {
        use std::format;
        use std::string::ToString;
        // include/linux/socket.h, by hand: number, name. Debug stays the derived one.
        let want = [
            (0, "SOL_IP"),
            (41, "SOL_IPV6"),
            (263, "SOL_PACKET"),
            (274, "SOL_BLUETOOTH"),
            (287, "SOL_VSOCK"),
            (101, "SOL_CAN_RAW"),
            (107, "SOL_CAN_J1939"),
        ];
        assert_eq!(Level::ALL.len(), want.len());
        for (l, (n, name)) in Level::ALL.iter().zip(want) {
            assert_eq!(l.0, n);
            assert_eq!(l.name(), Some(name));
            assert_eq!(l.to_string(), name);
            assert!(l.error_type().is_some(), "{name}");
        }
        assert_eq!(format!("{:?}", Level::CAN_J1939), "Level(107)");
        for n in [-1, 1, 6, 17, 42, 102, 264, 288, i32::MAX, i32::MIN] {
            assert_eq!(Level(n).name(), None);
            assert_eq!(Level(n).to_string(), format!("level {n}"));
        }
    }
}
