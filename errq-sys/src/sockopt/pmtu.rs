//! Path MTU discovery: the mode (`IP_MTU_DISCOVER`, `IPV6_MTU_DISCOVER`) and the path MTU
//! the kernel knows (`IP_MTU`, `IPV6_MTU`).

use std::os::fd::AsFd;

use errq_codec::addr::Family;
use libc::c_int;

use super::{getsockopt, nonneg, setsockopt, so_domain, so_type, SockoptError};

/// A path MTU discovery mode, for [`set_ip_mtu_discover`] and [`set_ipv6_mtu_discover`].
///
/// The `IP_PMTUDISC_*` and `IPV6_PMTUDISC_*` values are the same numbers. Open newtype: a
/// value this crate does not name is still representable.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_mtu_discover, set_ip_mtu_discover, PmtuDisc};
/// assert_eq!(PmtuDisc::DO, PmtuDisc(libc::IP_PMTUDISC_DO));
/// assert_eq!(PmtuDisc::DO, PmtuDisc(libc::IPV6_PMTUDISC_DO)); // the same number
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_mtu_discover(&socket, PmtuDisc::DO)?; // DF on every datagram
/// assert_eq!(ip_mtu_discover(&socket)?, PmtuDisc::DO);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PmtuDisc(pub c_int);

impl PmtuDisc {
    /// `IP_PMTUDISC_DONT`: never set DF, fragment locally.
    #[doc(alias = "IP_PMTUDISC_DONT")]
    #[doc(alias = "IPV6_PMTUDISC_DONT")]
    pub const DONT: Self = Self(0);
    /// `IP_PMTUDISC_WANT`: use per-route hints (the default).
    #[doc(alias = "IP_PMTUDISC_WANT")]
    #[doc(alias = "IPV6_PMTUDISC_WANT")]
    pub const WANT: Self = Self(1);
    /// `IP_PMTUDISC_DO`: always set DF; a send over the path MTU fails with `EMSGSIZE` and a
    /// LOCAL error entry is queued.
    #[doc(alias = "IP_PMTUDISC_DO")]
    #[doc(alias = "IPV6_PMTUDISC_DO")]
    pub const DO: Self = Self(2);
    /// `IP_PMTUDISC_PROBE`: set DF but ignore the path MTU (send at the interface MTU), so
    /// routers answer with "fragmentation needed" / "packet too big".
    #[doc(alias = "IP_PMTUDISC_PROBE")]
    #[doc(alias = "IPV6_PMTUDISC_PROBE")]
    pub const PROBE: Self = Self(3);
    /// `IP_PMTUDISC_INTERFACE`: use the interface MTU, ignore ICMP-learnt path MTUs.
    #[doc(alias = "IP_PMTUDISC_INTERFACE")]
    #[doc(alias = "IPV6_PMTUDISC_INTERFACE")]
    pub const INTERFACE: Self = Self(4);
    /// `IP_PMTUDISC_OMIT`: like `INTERFACE`, but fragment instead of failing.
    #[doc(alias = "IP_PMTUDISC_OMIT")]
    #[doc(alias = "IPV6_PMTUDISC_OMIT")]
    pub const OMIT: Self = Self(5);
}

/// `setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof(int))`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_mtu_discover, set_ip_mtu_discover, PmtuDisc};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_mtu_discover(&socket, PmtuDisc::PROBE)?;
/// assert_eq!(ip_mtu_discover(&socket)?, PmtuDisc::PROBE);
/// // A mode the kernel does not know.
/// let err = set_ip_mtu_discover(&socket, PmtuDisc(99)).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` for an unknown mode).
#[doc(alias = "IP_MTU_DISCOVER")]
pub fn set_ip_mtu_discover<Fd: AsFd>(fd: Fd, mode: PmtuDisc) -> Result<(), SockoptError> {
    setsockopt(
        fd.as_fd(),
        libc::IPPROTO_IP,
        libc::IP_MTU_DISCOVER,
        "IP_MTU_DISCOVER",
        mode.0,
    )
}

/// `getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_mtu_discover, set_ip_mtu_discover, PmtuDisc};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_ip_mtu_discover(&socket, PmtuDisc::DO)?;
/// assert_eq!(ip_mtu_discover(&socket)?, PmtuDisc::DO);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_MTU_DISCOVER")]
pub fn ip_mtu_discover<Fd: AsFd>(fd: Fd) -> Result<PmtuDisc, SockoptError> {
    getsockopt(
        fd.as_fd(),
        libc::IPPROTO_IP,
        libc::IP_MTU_DISCOVER,
        "IP_MTU_DISCOVER",
    )
    .map(PmtuDisc)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, sizeof(int))`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_mtu_discover, set_ipv6_mtu_discover, PmtuDisc};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_mtu_discover(&socket, PmtuDisc::PROBE)?;
/// assert_eq!(ipv6_mtu_discover(&socket)?, PmtuDisc::PROBE);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_MTU_DISCOVER")]
pub fn set_ipv6_mtu_discover<Fd: AsFd>(fd: Fd, mode: PmtuDisc) -> Result<(), SockoptError> {
    setsockopt(
        fd.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_MTU_DISCOVER,
        "IPV6_MTU_DISCOVER",
        mode.0,
    )
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ipv6_mtu_discover, set_ipv6_mtu_discover, PmtuDisc};
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// set_ipv6_mtu_discover(&socket, PmtuDisc::DO)?;
/// assert_eq!(ipv6_mtu_discover(&socket)?, PmtuDisc::DO);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_MTU_DISCOVER")]
pub fn ipv6_mtu_discover<Fd: AsFd>(fd: Fd) -> Result<PmtuDisc, SockoptError> {
    getsockopt(
        fd.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_MTU_DISCOVER,
        "IPV6_MTU_DISCOVER",
    )
    .map(PmtuDisc)
}

/// `getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len)`: the path MTU the kernel knows for a
/// connected IPv4 socket.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let err = errq_sys::ip_mtu(&socket).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(libc::ENOTCONN)); // no path yet
/// socket.connect("127.0.0.1:9")?;
/// // The loopback device's MTU is 65536, but an IPv4 path MTU is capped at the largest
/// // IPv4 packet, 65535 (`IP_MAX_MTU` in `ipv4_mtu`).
/// assert_eq!(errq_sys::ip_mtu(&socket)?, 65535);
/// # Ok(()) }
/// ```
///
/// # Errors
/// `ENOTCONN` on an unconnected socket, or another `getsockopt` failure.
#[doc(alias = "IP_MTU")]
pub fn ip_mtu<Fd: AsFd>(fd: Fd) -> Result<u32, SockoptError> {
    getsockopt::<c_int>(fd.as_fd(), libc::IPPROTO_IP, libc::IP_MTU, "IP_MTU").map(nonneg)
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len)`: the path MTU for a connected IPv6
/// socket.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let socket = std::net::UdpSocket::bind("[::1]:0")?;
/// socket.connect("[::1]:9")?;
/// // The loopback device's MTU (IPv6 caps a path MTU only above 65575, `IP6_MAX_MTU`).
/// assert_eq!(errq_sys::ipv6_mtu(&socket)?, 65536);
/// # Ok(()) }
/// ```
///
/// # Errors
/// `ENOTCONN` on an unconnected socket, or another `getsockopt` failure.
#[doc(alias = "IPV6_MTU")]
pub fn ipv6_mtu<Fd: AsFd>(fd: Fd) -> Result<u32, SockoptError> {
    getsockopt::<c_int>(fd.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU, "IPV6_MTU").map(nonneg)
}

/// Set the path MTU discovery mode with the option of the socket's family:
/// `IP_MTU_DISCOVER` on `AF_INET`, `IPV6_MTU_DISCOVER` (and `IP_MTU_DISCOVER`, for
/// v4-mapped peers, except on raw sockets) on `AF_INET6`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{ip_mtu_discover, set_mtu_discover, PmtuDisc};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_mtu_discover(&socket, PmtuDisc::PROBE)?;
/// assert_eq!(ip_mtu_discover(&socket)?, PmtuDisc::PROBE);
/// # Ok(()) }
/// ```
///
/// # Errors
/// `EAFNOSUPPORT` for a socket that is neither IPv4 nor IPv6; `ENOTSOCK`/`EBADF` from
/// reading `SO_DOMAIN`; the `setsockopt` failure.
#[doc(alias = "IP_MTU_DISCOVER")]
#[doc(alias = "IPV6_MTU_DISCOVER")]
pub fn set_mtu_discover<Fd: AsFd>(fd: Fd, mode: PmtuDisc) -> Result<(), SockoptError> {
    let fd = fd.as_fd();
    match so_domain(fd)? {
        Family::INET => set_ip_mtu_discover(fd, mode),
        Family::INET6 if so_type(fd)? == libc::SOCK_RAW => set_ipv6_mtu_discover(fd, mode),
        Family::INET6 => {
            set_ipv6_mtu_discover(fd, mode)?;
            set_ip_mtu_discover(fd, mode)
        }
        family => Err(SockoptError::no_error_queue(family)),
    }
}
