//! Socket options that turn the error queue on and decide what it delivers.
//!
//! One small safe function per option, on anything that is [`AsFd`] (`std::net::UdpSocket`,
//! `socket2::Socket`, `tokio::net::UdpSocket`, ...). Each doc comment gives the C call it makes;
//! all of them go through one private `setsockopt`/`getsockopt` pair.
//!
//! Start with [`set_recverr`], which picks the right option(s) for the socket's family, or
//! with [`set_ip_recverr`] / [`set_ipv6_recverr`] / [`set_recverr_dual_stack`] directly.

use std::io;
use std::mem::size_of;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use errq_codec::errno::Errno;
use libc::{c_int, socklen_t};

/// `IP_RECVERR_RFC4884` (`linux/in.h`, Linux 5.9): report RFC 4884 extension offsets for IPv4.
///
/// Defined here because `libc` does not define it.
pub const IP_RECVERR_RFC4884: c_int = 26;

/// `IPV6_RECVERR_RFC4884` (`linux/in6.h`, Linux 5.9): report RFC 4884 extension offsets for
/// IPv6.
///
/// Defined here because `libc` does not define it.
pub const IPV6_RECVERR_RFC4884: c_int = 31;

/// A path MTU discovery mode, for [`set_ip_mtu_discover`] and [`set_ipv6_mtu_discover`].
///
/// The `IP_PMTUDISC_*` and `IPV6_PMTUDISC_*` values are the same numbers. Open newtype: a
/// value this crate does not name is still representable.
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

/// `SOF_TIMESTAMPING_*` flags for [`set_so_timestamping`]. Open newtype: combine with `|`.
///
/// Values from `linux/net_tstamp.h`; they are the same on every architecture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Timestamping(pub u32);

impl Timestamping {
    /// No timestamping.
    pub const NONE: Self = Self(0);
    /// `SOF_TIMESTAMPING_TX_HARDWARE`: request hardware transmit timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_TX_HARDWARE")]
    pub const TX_HARDWARE: Self = Self(1 << 0);
    /// `SOF_TIMESTAMPING_TX_SOFTWARE`: request software transmit timestamps (at the driver).
    #[doc(alias = "SOF_TIMESTAMPING_TX_SOFTWARE")]
    pub const TX_SOFTWARE: Self = Self(1 << 1);
    /// `SOF_TIMESTAMPING_RX_HARDWARE`: request hardware receive timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RX_HARDWARE")]
    pub const RX_HARDWARE: Self = Self(1 << 2);
    /// `SOF_TIMESTAMPING_RX_SOFTWARE`: request software receive timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RX_SOFTWARE")]
    pub const RX_SOFTWARE: Self = Self(1 << 3);
    /// `SOF_TIMESTAMPING_SOFTWARE`: report software timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_SOFTWARE")]
    pub const SOFTWARE: Self = Self(1 << 4);
    /// `SOF_TIMESTAMPING_SYS_HARDWARE`: deprecated, ignored by the kernel.
    #[doc(alias = "SOF_TIMESTAMPING_SYS_HARDWARE")]
    pub const SYS_HARDWARE: Self = Self(1 << 5);
    /// `SOF_TIMESTAMPING_RAW_HARDWARE`: report raw hardware timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RAW_HARDWARE")]
    pub const RAW_HARDWARE: Self = Self(1 << 6);
    /// `SOF_TIMESTAMPING_OPT_ID`: tag each send with a counter (`ee_data`).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_ID")]
    pub const OPT_ID: Self = Self(1 << 7);
    /// `SOF_TIMESTAMPING_TX_SCHED`: timestamp on entering the packet scheduler.
    #[doc(alias = "SOF_TIMESTAMPING_TX_SCHED")]
    pub const TX_SCHED: Self = Self(1 << 8);
    /// `SOF_TIMESTAMPING_TX_ACK`: timestamp when the data is acknowledged (TCP).
    #[doc(alias = "SOF_TIMESTAMPING_TX_ACK")]
    pub const TX_ACK: Self = Self(1 << 9);
    /// `SOF_TIMESTAMPING_OPT_CMSG`: add `IP_PKTINFO` (and the source address) to entries.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_CMSG")]
    pub const OPT_CMSG: Self = Self(1 << 10);
    /// `SOF_TIMESTAMPING_OPT_TSONLY`: do not loop the packet back, timestamps only.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_TSONLY")]
    pub const OPT_TSONLY: Self = Self(1 << 11);
    /// `SOF_TIMESTAMPING_OPT_STATS`: add `SCM_TIMESTAMPING_OPT_STATS` (TCP statistics).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_STATS")]
    pub const OPT_STATS: Self = Self(1 << 12);
    /// `SOF_TIMESTAMPING_OPT_PKTINFO`: add `SCM_TIMESTAMPING_PKTINFO` to received packets.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_PKTINFO")]
    pub const OPT_PKTINFO: Self = Self(1 << 13);
    /// `SOF_TIMESTAMPING_OPT_TX_SWHW`: report both software and hardware transmit stamps.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_TX_SWHW")]
    pub const OPT_TX_SWHW: Self = Self(1 << 14);
    /// `SOF_TIMESTAMPING_BIND_PHC`: bind to a PTP clock (see [`set_so_timestamping_bind_phc`]).
    #[doc(alias = "SOF_TIMESTAMPING_BIND_PHC")]
    pub const BIND_PHC: Self = Self(1 << 15);
    /// `SOF_TIMESTAMPING_OPT_ID_TCP`: count `OPT_ID` in bytes sent, for TCP.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_ID_TCP")]
    pub const OPT_ID_TCP: Self = Self(1 << 16);
    /// `SOF_TIMESTAMPING_OPT_RX_FILTER`: filter receive timestamps by the device's config.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_RX_FILTER")]
    pub const OPT_RX_FILTER: Self = Self(1 << 17);
    /// `SOF_TIMESTAMPING_TX_COMPLETION` (Linux 6.14): timestamp on transmit completion.
    #[doc(alias = "SOF_TIMESTAMPING_TX_COMPLETION")]
    pub const TX_COMPLETION: Self = Self(1 << 18);

    /// Whether every flag of `other` is set in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for Timestamping {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl core::ops::BitOrAssign for Timestamping {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

/// Values the kernel may write into: every bit pattern of these types is valid.
trait Pod: Copy + Default {}
impl Pod for c_int {}
impl Pod for [c_int; 2] {}

/// The size of `T` as a `socklen_t` (all `Pod` types are a few bytes).
fn socklen_of<T>() -> socklen_t {
    socklen_t::try_from(size_of::<T>()).unwrap_or(socklen_t::MAX)
}

/// `setsockopt(fd, level, name, &value, sizeof(value))`.
fn setsockopt<T: Pod>(fd: BorrowedFd<'_>, level: c_int, name: c_int, value: T) -> io::Result<()> {
    // SAFETY: `value` is a live, initialized `T` on our stack and `socklen_of::<T>()` is its
    // exact size, so the kernel reads only bytes we own; the fd is borrowed for the call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            std::ptr::from_ref(&value).cast(),
            socklen_of::<T>(),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `getsockopt(fd, level, name, &value, &len)`, starting from `T::default()`.
fn getsockopt<T: Pod>(fd: BorrowedFd<'_>, level: c_int, name: c_int) -> io::Result<T> {
    let mut value = T::default();
    let mut len = socklen_of::<T>();
    // SAFETY: `value` is a live `T` and `len` its size: the kernel writes at most `len` bytes
    // into it, and any bytes are a valid `T` (`Pod`). `len` is a live `socklen_t`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            std::ptr::from_mut(&mut value).cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok(value)
    } else {
        Err(io::Error::last_os_error())
    }
}

fn set_bool<Fd: AsFd>(fd: Fd, level: c_int, name: c_int, on: bool) -> io::Result<()> {
    setsockopt(fd.as_fd(), level, name, c_int::from(on))
}

fn get_bool<Fd: AsFd>(fd: Fd, level: c_int, name: c_int) -> io::Result<bool> {
    getsockopt::<c_int>(fd.as_fd(), level, name).map(|v| v != 0)
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(int))`: queue extended errors
/// (ICMP and local) for an IPv4 socket.
///
/// On an `AF_INET6` socket this enables IPv4 errors (for v4-mapped peers); see
/// [`set_recverr_dual_stack`].
///
/// # Errors
/// The `setsockopt` failure, e.g. `ENOTSOCK` for a non-socket, `EBADF` for a closed fd,
/// `ENOPROTOOPT` for a socket family without IP options.
#[doc(alias = "IP_RECVERR")]
pub fn set_ip_recverr<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_RECVERR, on)
}

/// `getsockopt(fd, IPPROTO_IP, IP_RECVERR, &v, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_RECVERR")]
pub fn ip_recverr<Fd: AsFd>(fd: Fd) -> io::Result<bool> {
    get_bool(fd, libc::IPPROTO_IP, libc::IP_RECVERR)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(int))`: queue extended errors
/// (ICMPv6 and local) for an IPv6 socket.
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on an `AF_INET` socket.
#[doc(alias = "IPV6_RECVERR")]
pub fn set_ipv6_recverr<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVERR, on)
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &v, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_RECVERR")]
pub fn ipv6_recverr<Fd: AsFd>(fd: Fd) -> io::Result<bool> {
    get_bool(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
}

/// Enable or disable both `IPV6_RECVERR` and `IP_RECVERR` on an `AF_INET6` socket.
///
/// An ICMPv4 error for a datagram a dual-stack socket sent to a v4-mapped address is queued
/// only if the socket has `IP_RECVERR` as well as `IPV6_RECVERR`; it is then read as an
/// `IPV6_RECVERR` message with a v4-mapped offender.
///
/// # Errors
/// The first `setsockopt` failure (`ENOPROTOOPT` on an `AF_INET` socket).
pub fn set_recverr_dual_stack<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    let fd = fd.as_fd();
    set_ipv6_recverr(fd, on)?;
    set_ip_recverr(fd, on)
}

/// Enable or disable error reporting whatever the socket's family: `IP_RECVERR` on
/// `AF_INET`, both options ([`set_recverr_dual_stack`]) on an `AF_INET6` datagram or
/// stream socket, and `IPV6_RECVERR` alone on an `AF_INET6` raw socket (it never sees IPv4
/// traffic, and the kernel refuses `SOL_IP` options on it with `ENOPROTOOPT`).
///
/// # Errors
/// `ENOTSOCK`/`EBADF` from reading `SO_DOMAIN`, `EAFNOSUPPORT` for a socket that is neither
/// IPv4 nor IPv6, or the `setsockopt` failure.
pub fn set_recverr<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    let fd = fd.as_fd();
    match so_domain(fd)? {
        libc::AF_INET => set_ip_recverr(fd, on),
        libc::AF_INET6 if so_type(fd)? == libc::SOCK_RAW => set_ipv6_recverr(fd, on),
        libc::AF_INET6 => set_recverr_dual_stack(fd, on),
        _ => Err(io::Error::from_raw_os_error(libc::EAFNOSUPPORT)),
    }
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVERR_RFC4884, &on, sizeof(int))` (Linux 5.9): fill
/// `ee_rfc4884` with the offset of RFC 4884 extensions in ICMPv4 errors.
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on kernels before 5.9.
#[doc(alias = "IP_RECVERR_RFC4884")]
pub fn set_ip_recverr_rfc4884<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IP, IP_RECVERR_RFC4884, on)
}

/// `getsockopt(fd, IPPROTO_IP, IP_RECVERR_RFC4884, &v, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_RECVERR_RFC4884")]
pub fn ip_recverr_rfc4884<Fd: AsFd>(fd: Fd) -> io::Result<bool> {
    get_bool(fd, libc::IPPROTO_IP, IP_RECVERR_RFC4884)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR_RFC4884, &on, sizeof(int))` (Linux 5.9).
///
/// # Errors
/// The `setsockopt` failure; `ENOPROTOOPT` on kernels before 5.9.
#[doc(alias = "IPV6_RECVERR_RFC4884")]
pub fn set_ipv6_recverr_rfc4884<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IPV6, IPV6_RECVERR_RFC4884, on)
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR_RFC4884, &v, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_RECVERR_RFC4884")]
pub fn ipv6_recverr_rfc4884<Fd: AsFd>(fd: Fd) -> io::Result<bool> {
    get_bool(fd, libc::IPPROTO_IPV6, IPV6_RECVERR_RFC4884)
}

/// `setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof(int))`.
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` for an unknown mode).
#[doc(alias = "IP_MTU_DISCOVER")]
pub fn set_ip_mtu_discover<Fd: AsFd>(fd: Fd, mode: PmtuDisc) -> io::Result<()> {
    setsockopt(fd.as_fd(), libc::IPPROTO_IP, libc::IP_MTU_DISCOVER, mode.0)
}

/// `getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IP_MTU_DISCOVER")]
pub fn ip_mtu_discover<Fd: AsFd>(fd: Fd) -> io::Result<PmtuDisc> {
    getsockopt(fd.as_fd(), libc::IPPROTO_IP, libc::IP_MTU_DISCOVER).map(PmtuDisc)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, sizeof(int))`.
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_MTU_DISCOVER")]
pub fn set_ipv6_mtu_discover<Fd: AsFd>(fd: Fd, mode: PmtuDisc) -> io::Result<()> {
    setsockopt(
        fd.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_MTU_DISCOVER,
        mode.0,
    )
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "IPV6_MTU_DISCOVER")]
pub fn ipv6_mtu_discover<Fd: AsFd>(fd: Fd) -> io::Result<PmtuDisc> {
    getsockopt(fd.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU_DISCOVER).map(PmtuDisc)
}

/// `getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &len)`: the path MTU the kernel knows for a
/// connected IPv4 socket.
///
/// # Errors
/// `ENOTCONN` on an unconnected socket, or another `getsockopt` failure.
#[doc(alias = "IP_MTU")]
pub fn ip_mtu<Fd: AsFd>(fd: Fd) -> io::Result<u32> {
    getsockopt::<c_int>(fd.as_fd(), libc::IPPROTO_IP, libc::IP_MTU).map(nonneg)
}

/// `getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &len)`: the path MTU for a connected IPv6
/// socket.
///
/// # Errors
/// `ENOTCONN` on an unconnected socket, or another `getsockopt` failure.
#[doc(alias = "IPV6_MTU")]
pub fn ipv6_mtu<Fd: AsFd>(fd: Fd) -> io::Result<u32> {
    getsockopt::<c_int>(fd.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_MTU).map(nonneg)
}

/// `setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(int))`: error entries carry an
/// `IP_TTL` control message with the TTL of the ICMP packet (a hop-count hint).
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IP_RECVTTL")]
pub fn set_ip_recvttl<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_RECVTTL, on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(int))`: error entries carry
/// an `IPV6_HOPLIMIT` control message with the hop limit of the ICMPv6 packet.
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVHOPLIMIT")]
pub fn set_ipv6_recvhoplimit<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, on)
}

/// `setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(int))`: entries carry an
/// `IP_PKTINFO` control message (interface and addresses of the ICMP packet).
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IP_PKTINFO")]
pub fn set_ip_pktinfo<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IP, libc::IP_PKTINFO, on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(int))`: entries carry an
/// `IPV6_PKTINFO` control message.
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "IPV6_RECVPKTINFO")]
pub fn set_ipv6_recvpktinfo<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO, on)
}

/// `setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(int))`: the hop limit of
/// outgoing unicast packets (`-1` restores the route default). The IPv4 counterpart is
/// `std::net::UdpSocket::set_ttl`.
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` outside -1..=255).
#[doc(alias = "IPV6_UNICAST_HOPS")]
pub fn set_ipv6_unicast_hops<Fd: AsFd>(fd: Fd, hops: i32) -> io::Result<()> {
    setsockopt(
        fd.as_fd(),
        libc::IPPROTO_IPV6,
        libc::IPV6_UNICAST_HOPS,
        hops,
    )
}

/// `setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(int))`: transmit timestamps
/// (and with `OPT_*` flags, their companions) are queued on the error queue.
///
/// Uses `libc::SO_TIMESTAMPING`, which is `SO_TIMESTAMPING_NEW` on 32-bit targets with a
/// 64-bit `time_t`, so entries carry the `scm_timestamping` layout of this build.
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` for flags the kernel does not know).
#[doc(alias = "SO_TIMESTAMPING")]
pub fn set_so_timestamping<Fd: AsFd>(fd: Fd, flags: Timestamping) -> io::Result<()> {
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_TIMESTAMPING,
        flags_int(flags),
    )
}

/// `setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &(struct so_timestamping){flags, phc},
/// sizeof(struct so_timestamping))` (Linux 5.14): `BIND_PHC` is added to `flags`.
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "SO_TIMESTAMPING")]
#[doc(alias = "so_timestamping")]
pub fn set_so_timestamping_bind_phc<Fd: AsFd>(
    fd: Fd,
    flags: Timestamping,
    phc_index: i32,
) -> io::Result<()> {
    let value = [flags_int(flags | Timestamping::BIND_PHC), phc_index];
    setsockopt(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TIMESTAMPING, value)
}

/// `getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_TIMESTAMPING")]
pub fn so_timestamping<Fd: AsFd>(fd: Fd) -> io::Result<Timestamping> {
    getsockopt::<c_int>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TIMESTAMPING)
        .map(|v| Timestamping(u32::from_ne_bytes(v.to_ne_bytes())))
}

/// `setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(int))` (Linux 4.14): allow
/// `MSG_ZEROCOPY` sends, whose completions arrive on the error queue.
///
/// # Errors
/// The `setsockopt` failure (`ENOTSUPP`/`EOPNOTSUPP` where the socket type has no zerocopy).
#[doc(alias = "SO_ZEROCOPY")]
pub fn set_so_zerocopy<Fd: AsFd>(fd: Fd, on: bool) -> io::Result<()> {
    set_bool(fd, libc::SOL_SOCKET, libc::SO_ZEROCOPY, on)
}

/// `getsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &v, &len)`.
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_ZEROCOPY")]
pub fn so_zerocopy<Fd: AsFd>(fd: Fd) -> io::Result<bool> {
    get_bool(fd, libc::SOL_SOCKET, libc::SO_ZEROCOPY)
}

/// `getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)`: read and clear the socket's pending
/// error. `None` when there is none.
///
/// With `IP_RECVERR`, reading an ICMP entry from the error queue sets `SO_ERROR` to the next
/// entry's errno; a pending `SO_ERROR` makes the next send fail once.
///
/// # Errors
/// The `getsockopt` failure (`ENOTSOCK`, `EBADF`).
#[doc(alias = "SO_ERROR")]
pub fn so_error<Fd: AsFd>(fd: Fd) -> io::Result<Option<Errno>> {
    let raw = getsockopt::<c_int>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_ERROR)?;
    Ok((raw != 0).then(|| Errno::native(nonneg(raw))))
}

/// `getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len)`: the socket's address family
/// (`AF_INET`, `AF_INET6`, ...).
///
/// # Errors
/// The `getsockopt` failure: `ENOTSOCK` for a non-socket, `EBADF` for a closed fd.
#[doc(alias = "SO_DOMAIN")]
pub fn so_domain<Fd: AsFd>(fd: Fd) -> io::Result<c_int> {
    getsockopt(fd.as_fd(), libc::SOL_SOCKET, libc::SO_DOMAIN)
}

/// `getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)`: `SOCK_DGRAM`, `SOCK_STREAM`, ...
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_TYPE")]
pub fn so_type<Fd: AsFd>(fd: Fd) -> io::Result<c_int> {
    getsockopt(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TYPE)
}

/// The flags as the `int` the kernel takes (bit pattern preserved).
fn flags_int(flags: Timestamping) -> c_int {
    c_int::from_ne_bytes(flags.0.to_ne_bytes())
}

/// A kernel `int` that is never negative, as `u32` (a negative one becomes 0).
fn nonneg(v: c_int) -> u32 {
    u32::try_from(v).unwrap_or(0)
}
