//! The kernel numbers errq-codec uses, in one place: protocol levels, control-message
//! types, `msg_flags` bits, address families and the `sock_extended_err` codes. They are
//! the same on every Linux ABI, except the socket level and its record numbers, which
//! differ by architecture: see [`crate::abi::SocketNumbers`]. The modules that use them
//! re-export the ones they are about (`record::consts`, `exthdr`, `message`, `addr`,
//! `ee`). The number spaces with names (levels, origins, ICMP types and codes, IP
//! protocols, errno, address families) are tables in their own modules, and the level and
//! family numbers here are read from [`Level`]'s and [`Family`]'s.

// Protocol levels: the numbers are written in the table of [`Level`], with their names.

use crate::level::Level;

/// `SOL_IP`.
pub const SOL_IP: i32 = Level::IP.0;
/// `SOL_IPV6`.
pub const SOL_IPV6: i32 = Level::IPV6.0;
/// `SOL_PACKET`.
pub const SOL_PACKET: i32 = Level::PACKET.0;
/// `SOL_BLUETOOTH`.
pub const SOL_BLUETOOTH: i32 = Level::BLUETOOTH.0;
/// `SOL_VSOCK`.
pub const SOL_VSOCK: i32 = Level::VSOCK.0;
/// `SOL_CAN_RAW`.
pub const SOL_CAN_RAW: i32 = Level::CAN_RAW.0;
/// `SOL_CAN_J1939`.
pub const SOL_CAN_J1939: i32 = Level::CAN_J1939.0;
// Control-message types, per level (`include/uapi/linux/in.h`, `in6.h`, `if_packet.h`,
// `vm_sockets.h`, `can/raw.h`, `can/j1939.h`, `net/bluetooth/bluetooth.h`).

/// `VSOCK_RECVERR`: a bare `struct sock_extended_err` on `SOL_VSOCK`.
pub const VSOCK_RECVERR: i32 = 1;
/// `SCM_CAN_RAW_ERRQUEUE`: a bare `struct sock_extended_err` on `SOL_CAN_RAW`.
pub const SCM_CAN_RAW_ERRQUEUE: i32 = 1;
/// `SCM_J1939_ERRQUEUE`: a bare `struct sock_extended_err` on `SOL_CAN_J1939`.
pub const SCM_J1939_ERRQUEUE: i32 = 4;
/// `BT_SCM_ERROR`: a bare `struct sock_extended_err` on `SOL_BLUETOOTH`.
pub const BT_SCM_ERROR: i32 = 4;
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
/// `IPV6_2292HOPOPTS`: a hop-by-hop options header, RFC 2292 numbering
/// (`include/uapi/linux/in6.h`).
pub const IPV6_2292HOPOPTS: i32 = 3;
/// `IPV6_2292DSTOPTS`: a destination options header, RFC 2292 numbering.
pub const IPV6_2292DSTOPTS: i32 = 4;
/// `IPV6_2292RTHDR`: a routing header, RFC 2292 numbering.
pub const IPV6_2292RTHDR: i32 = 5;
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

// `msg_flags` (`include/linux/socket.h`).

/// `MSG_ERRQUEUE`.
pub const MSG_ERRQUEUE: i32 = 0x2000;
/// `MSG_CTRUNC`: the control buffer was too small.
pub const MSG_CTRUNC: i32 = 0x8;
/// `MSG_TRUNC`: the payload was longer than the buffer.
pub const MSG_TRUNC: i32 = 0x20;

// Address families: the numbers are written in the table of [`Family`].

use crate::addr::Family;

/// `AF_UNSPEC`.
pub const AF_UNSPEC: u16 = Family::UNSPEC.0;
/// `AF_INET` (2 on every Linux ABI).
pub const AF_INET: u16 = Family::INET.0;
/// `AF_INET6` (10 on every Linux ABI).
pub const AF_INET6: u16 = Family::INET6.0;

// `struct sock_extended_err` codes and flags (`include/uapi/linux/errqueue.h`); the origins
// are the table of [`crate::ee::Origin`].

/// `SO_EE_CODE_ZEROCOPY_COPIED`: the kernel copied the data after all.
pub const SO_EE_CODE_ZEROCOPY_COPIED: u8 = 1;
/// `SO_EE_CODE_TXTIME_INVALID_PARAM`.
pub const SO_EE_CODE_TXTIME_INVALID_PARAM: u8 = 1;
/// `SO_EE_CODE_TXTIME_MISSED`.
pub const SO_EE_CODE_TXTIME_MISSED: u8 = 2;
/// `SO_EE_RFC4884_FLAG_INVALID`: the extension's checksum or an object length was bad.
pub const SO_EE_RFC4884_FLAG_INVALID: u8 = 1;
