//! `IPPROTO_IP` and `IPPROTO_IPV6` options: extended errors, RFC 4884, path MTU discovery,
//! and the companions an error entry carries.

use std::os::fd::AsFd;

use errq_codec::addr::Family;
use libc::c_int;

use super::{get_bool, set_bool, setsockopt, so_domain, so_type, SockoptError};

/// `IP_RECVERR_RFC4884` (`linux/in.h`, Linux 5.9): report RFC 4884 extension offsets for IPv4.
///
/// Defined here because `libc` does not define it.
pub const IP_RECVERR_RFC4884: c_int = 26;

/// `IPV6_RECVERR_RFC4884` (`linux/in6.h`, Linux 5.9): report RFC 4884 extension offsets for
/// IPv6.
///
/// Defined here because `libc` does not define it.
pub const IPV6_RECVERR_RFC4884: c_int = 31;

/// `setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(int))`: queue extended errors
/// (ICMP and local) for an IPv4 socket.
///
/// On an `AF_INET6` socket this enables IPv4 errors (for v4-mapped peers); see
/// [`set_recverr_dual_stack`].
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_recverr, set_ip_recverr};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_recverr(&socket, true)?;
/// assert!(ip_recverr(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure, e.g. `ENOTSOCK` for a non-socket, `EBADF` for a closed fd,
/// `ENOPROTOOPT` for a socket family without IP options.
#[doc(alias = "IP_RECVERR")]
pub fn set_ip_recverr<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_RECVERR, "IP_RECVERR", on)
}

/// `getsockopt(fd, IPPROTO_IP, IP_RECVERR, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_recverr, set_ip_recverr};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert!(!ip_recverr(&socket)?); // off by default
/// set_ip_recverr(&socket, true)?;
/// assert!(ip_recverr(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_RECVERR")]
pub fn ip_recverr<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(fd, libc::IPPROTO_IP, libc::IP_RECVERR, "IP_RECVERR")
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(int))`: queue extended errors
/// (ICMPv6 and local) for an IPv6 socket.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_recverr, set_ipv6_recverr};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// assert!(ipv6_recverr(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on an `AF_INET` socket.
#[doc(alias = "IPV6_RECVERR")]
pub fn set_ipv6_recverr<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVERR,
        "IPV6_RECVERR",
        on,
    )
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_recverr, set_ipv6_recverr};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// assert!(!ipv6_recverr(&socket)?); // off by default
/// set_ipv6_recverr(&socket, true)?;
/// assert!(ipv6_recverr(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_RECVERR")]
pub fn ipv6_recverr<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVERR, "IPV6_RECVERR")
}

/// Enable or disable both `IPV6_RECVERR` and `IP_RECVERR` on an `AF_INET6` socket.
///
/// An ICMPv4 error for a datagram a dual-stack socket sent to a v4-mapped address is queued
/// only if the socket has `IP_RECVERR` as well as `IPV6_RECVERR`; it is then read as an
/// `IPV6_RECVERR` message with a v4-mapped offender.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_recverr, ipv6_recverr, set_recverr_dual_stack};
/// // A dual-stack socket (IPV6_V6ONLY off, the default) reaches 127.0.0.1 as ::ffff:127.0.0.1.
/// let socket = std::net::UdpSocket::bind("[::]:0")?;
/// set_recverr_dual_stack(&socket, true)?;
/// assert!(ipv6_recverr(&socket)? && ip_recverr(&socket)?);
/// // On an AF_INET socket there is no IPV6_RECVERR.
/// let v4 = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let err = set_recverr_dual_stack(&v4, true).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(libc::ENOPROTOOPT));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The first `setsockopt` failure (`ENOPROTOOPT` on an `AF_INET` socket).
pub fn set_recverr_dual_stack<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    let fd = fd.as_fd();
    set_ipv6_recverr(fd, on)?;
    set_ip_recverr(fd, on)
}

/// Enable or disable error reporting whatever the socket's family: `IP_RECVERR` on
/// `AF_INET`, both options ([`set_recverr_dual_stack`]) on an `AF_INET6` datagram or
/// stream socket, and `IPV6_RECVERR` alone on an `AF_INET6` raw socket (it never sees IPv4
/// traffic, and the kernel refuses `SOL_IP` options on it with `ENOPROTOOPT`).
///
///
/// # The `SO_ERROR` trap
/// With this on, an ICMP error is also left as the socket's pending error, and the next
/// send, to any destination, fails with it and is not sent (`sock_error()` in
/// `sock_alloc_send_pskb`). [`SendMsg::send`](crate::SendMsg::send) retries such a failure
/// once, so the datagram goes out and the error stays readable on the error queue; with
/// `std`'s `send_to`, drain the error queue before sending, or expect such failures.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::io::IoSlice;
/// use errq_sys::{set_recverr, SendMsg};
///
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let live = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let dead = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // closed when dropped
/// set_recverr(&socket, true)?;
/// socket.send_to(b"to a closed port", dead)?;
/// std::thread::sleep(std::time::Duration::from_millis(20)); // the ICMP error arrives
/// // A plain send_to would now fail with ECONNREFUSED; SendMsg retries and delivers.
/// SendMsg::new(&[IoSlice::new(b"hello")]).to(live.local_addr()?).send(&socket)?;
/// let mut buf = [0u8; 8];
/// assert_eq!(live.recv(&mut buf)?, 5);
/// # Ok(()) }
/// ```
///
/// # Errors
/// `ENOTSOCK`/`EBADF` from reading `SO_DOMAIN`, `EAFNOSUPPORT` for a socket that is neither
/// IPv4 nor IPv6, or the `setsockopt` failure.
pub fn set_recverr<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    let fd = fd.as_fd();
    match so_domain(fd)? {
        Family::INET => set_ip_recverr(fd, on),
        Family::INET6 if so_type(fd)? == libc::SOCK_RAW => set_ipv6_recverr(fd, on),
        Family::INET6 => set_recverr_dual_stack(fd, on),
        family => Err(SockoptError::no_error_queue(family)),
    }
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVERR_RFC4884, &on, sizeof(int))` (Linux 5.9): fill
/// `ee_rfc4884` with the offset of RFC 4884 extensions in ICMPv4 errors.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_recverr_rfc4884, set_ip_recverr, set_ip_recverr_rfc4884};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_recverr(&socket, true)?;
/// set_ip_recverr_rfc4884(&socket, true)?; // ICMP extensions (e.g. RFC 5837 interface info)
/// assert!(ip_recverr_rfc4884(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on kernels before 5.9.
#[doc(alias = "IP_RECVERR_RFC4884")]
pub fn set_ip_recverr_rfc4884<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IP,
        IP_RECVERR_RFC4884,
        "IP_RECVERR_RFC4884",
        on,
    )
}

/// `getsockopt(fd, IPPROTO_IP, IP_RECVERR_RFC4884, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_recverr_rfc4884, set_ip_recverr_rfc4884};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert!(!ip_recverr_rfc4884(&socket)?); // off by default
/// set_ip_recverr_rfc4884(&socket, true)?;
/// assert!(ip_recverr_rfc4884(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_RECVERR_RFC4884")]
pub fn ip_recverr_rfc4884<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(
        fd,
        libc::IPPROTO_IP,
        IP_RECVERR_RFC4884,
        "IP_RECVERR_RFC4884",
    )
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR_RFC4884, &on, sizeof(int))` (Linux 5.9).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_recverr_rfc4884, set_ipv6_recverr, set_ipv6_recverr_rfc4884};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recverr_rfc4884(&socket, true)?;
/// assert!(ipv6_recverr_rfc4884(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on kernels before 5.9.
#[doc(alias = "IPV6_RECVERR_RFC4884")]
pub fn set_ipv6_recverr_rfc4884<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        IPV6_RECVERR_RFC4884,
        "IPV6_RECVERR_RFC4884",
        on,
    )
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR_RFC4884, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_recverr_rfc4884, set_ipv6_recverr_rfc4884};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// assert!(!ipv6_recverr_rfc4884(&socket)?); // off by default
/// set_ipv6_recverr_rfc4884(&socket, true)?;
/// assert!(ipv6_recverr_rfc4884(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_RECVERR_RFC4884")]
pub fn ipv6_recverr_rfc4884<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(
        fd,
        libc::IPPROTO_IPV6,
        IPV6_RECVERR_RFC4884,
        "IPV6_RECVERR_RFC4884",
    )
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(int))`: error entries carry an
/// `IP_TTL` control message with the TTL of the ICMP packet (a hop-count hint).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{set_ip_recverr, set_ip_recvttl, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_recverr(&socket, true)?;
/// set_ip_recvttl(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMP error");
/// assert_eq!(message.ttl(), Some(64)); // the ICMP came from this host: no hop taken
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IP_RECVTTL")]
pub fn set_ip_recvttl<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_RECVTTL, "IP_RECVTTL", on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(int))`: error entries carry
/// an `IPV6_HOPLIMIT` control message with the hop limit of the ICMPv6 packet.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{set_ipv6_recverr, set_ipv6_recvhoplimit, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("[::1]:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recvhoplimit(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMPv6 error");
/// assert_eq!(message.hop_limit(), Some(64)); // the ICMPv6 came from this host
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVHOPLIMIT")]
pub fn set_ipv6_recvhoplimit<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVHOPLIMIT,
        "IPV6_RECVHOPLIMIT",
        on,
    )
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(int))`: error entries carry an
/// `IP_TOS` control message with the TOS byte of the ICMP packet (`icmp_send` sends an
/// error with the quoted packet's TOS and `IPTOS_PREC_INTERNETCONTROL`, 0xc0).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{set_ip_recverr, set_ip_recvtos, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_recverr(&socket, true)?;
/// set_ip_recvtos(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMP error");
/// assert_eq!(message.tos(), Some(0xc0)); // the probe's TOS 0 | IPTOS_PREC_INTERNETCONTROL
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IP_RECVTOS")]
pub fn set_ip_recvtos<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_RECVTOS, "IP_RECVTOS", on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof(int))`: error entries carry
/// an `IPV6_TCLASS` control message with the traffic class of the ICMPv6 packet (the IPv6
/// twin of [`set_ip_recvtos`]; read it with `Message::tclass`).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{set_ipv6_recverr, set_ipv6_recvtclass, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("[::1]:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recvtclass(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMPv6 error");
/// assert!(message.tclass().is_some()); // the class the kernel's ICMPv6 socket sent with
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVTCLASS")]
pub fn set_ipv6_recvtclass<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVTCLASS,
        "IPV6_RECVTCLASS",
        on,
    )
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPOPTS, &on, sizeof(int))`: an ICMPv6 error that
/// arrived with a hop-by-hop options header carries it as an `IPV6_HOPOPTS` control message
/// (`errq_codec::record::Record::Ipv6ExtHeader`).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_ipv6_recverr, set_ipv6_recvhopopts};
///
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recvhopopts(&socket, true)?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVHOPOPTS")]
pub fn set_ipv6_recvhopopts<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVHOPOPTS,
        "IPV6_RECVHOPOPTS",
        on,
    )
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &on, sizeof(int))`: an ICMPv6 error that
/// arrived with a destination options header carries it as an `IPV6_DSTOPTS` control
/// message (`errq_codec::record::Record::Ipv6ExtHeader`).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_ipv6_recverr, set_ipv6_recvdstopts};
///
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recvdstopts(&socket, true)?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVDSTOPTS")]
pub fn set_ipv6_recvdstopts<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVDSTOPTS,
        "IPV6_RECVDSTOPTS",
        on,
    )
}

/// `setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(int))`: entries carry an
/// `IP_PKTINFO` control message (interface and addresses of the ICMP packet).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::net::Ipv4Addr;
/// use std::time::Duration;
/// use errq_sys::{set_ip_pktinfo, set_ip_recverr, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_recverr(&socket, true)?;
/// set_ip_pktinfo(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMP error");
/// let pktinfo = message.pktinfo().expect("IP_PKTINFO");
/// assert_eq!(pktinfo.addr, Ipv4Addr::LOCALHOST); // the ICMP packet's destination
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IP_PKTINFO")]
pub fn set_ip_pktinfo<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_PKTINFO, "IP_PKTINFO", on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(int))`: entries carry an
/// `IPV6_PKTINFO` control message.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::net::Ipv6Addr;
/// use std::time::Duration;
/// use errq_sys::{set_ipv6_recverr, set_ipv6_recvpktinfo, wait_error, RecvBuffers};
///
/// let closed = std::net::UdpSocket::bind("[::1]:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_recverr(&socket, true)?;
/// set_ipv6_recvpktinfo(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("an ICMPv6 error");
/// let pktinfo = message.companions().pktinfo6.expect("IPV6_PKTINFO");
/// assert_eq!(pktinfo.addr, Ipv6Addr::LOCALHOST); // the ICMPv6 packet's destination
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVPKTINFO")]
pub fn set_ipv6_recvpktinfo<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::IPPROTO_IPV6,
        libc::IPV6_RECVPKTINFO,
        "IPV6_RECVPKTINFO",
        on,
    )
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(int))`: the hop limit of
/// outgoing unicast packets (`-1` restores the route default). The IPv4 counterpart is
/// `std::net::UdpSocket::set_ttl`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::set_ipv6_unicast_hops;
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_unicast_hops(&socket, 1)?; // a traceroute probe: the first router answers
/// set_ipv6_unicast_hops(&socket, -1)?; // back to the route's default
/// let err = set_ipv6_unicast_hops(&socket, 256).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` outside -1..=255).
#[doc(alias = "IPV6_UNICAST_HOPS")]
pub fn set_ipv6_unicast_hops<Fd: AsFd>(fd: Fd, hops: i32) -> Result<(), SockoptError> {
    setsockopt(
        fd.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_UNICAST_HOPS,
        "IPV6_UNICAST_HOPS",
        hops,
    )
}
