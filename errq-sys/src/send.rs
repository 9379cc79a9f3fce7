//! Sending with per-packet requests: `sendmsg(fd, &msg, flags)` whose control buffer the
//! codec builds ([`SendRequests`]), and the `SO_ERROR` trap handled.
//!
//! # The `SO_ERROR` trap
//! With `IP_RECVERR`/`IPV6_RECVERR` on, an ICMP error for an earlier datagram is queued on
//! the error queue *and* stored as the socket's pending error (`sk->sk_err`, set by
//! `__udp4_lib_err`/`__udp6_lib_err`, `ping_err`, `raw_err`). The next send, to any
//! destination, takes that error in `sock_alloc_send_pskb` (`sock_error()` reads and clears
//! it) and fails with it before anything is sent: one socket talking to a dead peer and a
//! live one loses datagrams to the live one. [`SendMsg::send`] retries such a failure once:
//! the retry finds `sk_err` cleared and the datagram goes out, and the error itself is still
//! on the error queue to be read. A genuine failure fails the retry too and is returned.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use errq_codec::abi::Abi;
use errq_codec::addr::Family;
use errq_codec::send::SendRequests;
use errq_codec::tsflags::Timestamping;
use libc::c_int;

use crate::buffer::ControlBuffer;
use crate::recv::{len_field, msghdr_zeroed};
use crate::sockopt::{ip_recverr, ipv6_recverr, so_domain, so_type};

/// The control-buffer size [`SendMsg`] uses: room for every [`SendRequests`] record on the
/// native ABI.
pub const SEND_CONTROL_SPACE: usize = SendRequests::space(&Abi::NATIVE);

/// One `sendmsg`: the data, where to, the per-packet requests and the flags.
///
/// Build it, then [`send`](SendMsg::send) it on any socket. Nothing allocates: the control
/// buffer lives on the stack of the call and the codec writes it.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::io::IoSlice;
/// use errq_sys::{set_so_timestamping, SendMsg, Timestamping};
///
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// // Report software TX timestamps, keyed by OPT_ID; which packets: per send.
/// set_so_timestamping(&socket, Timestamping::SOFTWARE | Timestamping::OPT_ID)?;
/// let sent = SendMsg::new(&[IoSlice::new(b"ping")])
///     .to(peer.local_addr()?)
///     .timestamping(Timestamping::TX_SOFTWARE | Timestamping::TX_SCHED)
///     .send(&socket)?;
/// assert_eq!(sent, 4);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use = "a SendMsg does nothing until sent"]
pub struct SendMsg<'a> {
    data: &'a [IoSlice<'a>],
    to: Option<SocketAddr>,
    requests: SendRequests,
    flags: c_int,
    retry_pending_error: bool,
}

impl<'a> SendMsg<'a> {
    /// Send `data` (gathered from the slices) on a connected socket, with no requests.
    pub const fn new(data: &'a [IoSlice<'a>]) -> Self {
        Self {
            data,
            to: None,
            requests: SendRequests::new(),
            flags: 0,
            retry_pending_error: true,
        }
    }

    /// Send to `addr` (`msg_name`) instead of the connected peer.
    pub const fn to(mut self, addr: SocketAddr) -> Self {
        self.to = Some(addr);
        self
    }

    /// Every request at once.
    pub const fn requests(mut self, requests: SendRequests) -> Self {
        self.requests = requests;
        self
    }

    /// A per-packet `SO_TIMESTAMPING` control message: the TX record flags for this packet
    /// only (`TX_SOFTWARE`, `TX_SCHED`, `TX_ACK`, `TX_HARDWARE`, `TX_COMPLETION`). The
    /// socket's reporting flags (`SOFTWARE`, `OPT_ID`, ...) still apply.
    #[doc(alias = "SO_TIMESTAMPING")]
    pub const fn timestamping(mut self, flags: Timestamping) -> Self {
        self.requests = self.requests.timestamping(flags);
        self
    }

    /// `SCM_TS_OPT_ID` (Linux 6.13): the OPT_ID key of this packet's reports. UDP and raw
    /// sockets with `SOF_TIMESTAMPING_OPT_ID`; the kernel refuses it on TCP with `EINVAL`.
    #[doc(alias = "SCM_TS_OPT_ID")]
    pub const fn ts_opt_id(mut self, key: u32) -> Self {
        self.requests = self.requests.ts_opt_id(key);
        self
    }

    /// `SCM_TXTIME`: transmit at `ns` nanoseconds on the clock set with
    /// [`set_so_txtime`](crate::set_so_txtime).
    #[doc(alias = "SCM_TXTIME")]
    pub const fn txtime(mut self, ns: u64) -> Self {
        self.requests = self.requests.txtime(ns);
        self
    }

    /// `MSG_ZEROCOPY`: send from these pages without copying (needs
    /// [`set_so_zerocopy`](crate::set_so_zerocopy)); the buffer must stay untouched until
    /// its completion arrives on the error queue (see `errq_codec::track`).
    #[doc(alias = "MSG_ZEROCOPY")]
    pub const fn zerocopy(mut self) -> Self {
        self.flags |= libc::MSG_ZEROCOPY;
        self
    }

    /// Add raw `MSG_*` flags (`MSG_DONTWAIT`, `MSG_CONFIRM`, `MSG_MORE`, ...).
    pub const fn flags(mut self, flags: c_int) -> Self {
        self.flags |= flags;
        self
    }

    /// Whether to retry once a send that failed with an error an earlier ICMP error left
    /// pending (the `SO_ERROR` trap, see [`set_recverr`](crate::set_recverr)); on by default.
    pub const fn retry_pending_error(mut self, on: bool) -> Self {
        self.retry_pending_error = on;
        self
    }

    /// `sendmsg(fd, &msg, flags)`, retrying on `EINTR`; returns the bytes sent.
    ///
    /// On a datagram or raw socket with `IP_RECVERR`/`IPV6_RECVERR` on, a failure with an
    /// errno an ICMP error leaves pending (`ECONNREFUSED`, `EHOSTUNREACH`, `ENETUNREACH`,
    /// `EHOSTDOWN`, `ENONET`, `ENOPROTOOPT`, `EOPNOTSUPP`, `EPROTO`, `EACCES`, `EMSGSIZE`,
    /// `EREMOTEIO`) is retried once, and the retry's result returned: a genuine failure
    /// fails again. A genuine `EMSGSIZE` under `IP_PMTUDISC_DO` therefore queues its LOCAL
    /// error entry twice. Turn this off with [`retry_pending_error(false)`](Self::retry_pending_error).
    ///
    /// # Errors
    /// The `sendmsg` failure (after the retry above); `InvalidInput` for requests the
    /// kernel would refuse (per-send timestamping flags outside the TX record flags), or
    /// more `IoSlice`s than an `iovec` count holds.
    #[doc(alias = "sendmsg")]
    pub fn send<Fd: AsFd>(&self, fd: Fd) -> io::Result<usize> {
        let fd = fd.as_fd();
        let mut control: ControlBuffer<SEND_CONTROL_SPACE> = ControlBuffer::new();
        let control_len = self
            .requests
            .encode(&Abi::NATIVE, control.as_mut_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let name = self.to.map(SockAddr::from);
        match sendmsg(
            fd,
            self.data,
            name.as_ref(),
            &mut control,
            control_len,
            self.flags,
        ) {
            Err(err) if self.retry_pending_error && left_by_icmp(fd, &err) => sendmsg(
                fd,
                self.data,
                name.as_ref(),
                &mut control,
                control_len,
                self.flags,
            ),
            result => result,
        }
    }
}

/// Whether `err` can be a pending ICMP error taken by the send (see [`SendMsg::send`]):
/// its errno is one `icmp_err_convert`/`icmpv6_err_convert` (or `ping_err`) produce, and the
/// socket is a datagram or raw socket with extended error reporting on, so the error is
/// also on the error queue.
fn left_by_icmp(fd: BorrowedFd<'_>, err: &io::Error) -> bool {
    let icmp_errno = matches!(
        err.raw_os_error(),
        Some(
            libc::ECONNREFUSED
                | libc::EHOSTUNREACH
                | libc::ENETUNREACH
                | libc::EHOSTDOWN
                | libc::ENONET
                | libc::ENOPROTOOPT
                | libc::EOPNOTSUPP
                | libc::EPROTO
                | libc::EACCES
                | libc::EMSGSIZE
                | libc::EREMOTEIO
        )
    );
    icmp_errno
        && matches!(so_type(fd), Ok(libc::SOCK_DGRAM | libc::SOCK_RAW))
        && match so_domain(fd) {
            Ok(Family::INET) => ip_recverr(fd).unwrap_or(false),
            Ok(Family::INET6) => {
                ipv6_recverr(fd).unwrap_or(false) || ip_recverr(fd).unwrap_or(false)
            }
            _ => false,
        }
}

/// A `sockaddr_in` or `sockaddr_in6` for `msg_name`, built from its fields (no `unsafe`).
enum SockAddr {
    V4(libc::sockaddr_in),
    V6(libc::sockaddr_in6),
}

impl From<SocketAddr> for SockAddr {
    fn from(addr: SocketAddr) -> Self {
        match addr {
            SocketAddr::V4(a) => Self::V4(libc::sockaddr_in {
                sin_family: Family::INET.0,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            }),
            SocketAddr::V6(a) => Self::V6(libc::sockaddr_in6 {
                sin6_family: Family::INET6.0,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo().to_be(),
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            }),
        }
    }
}

impl SockAddr {
    /// The pointer and length for `msg_name`.
    fn as_name(&self) -> (*const libc::c_void, libc::socklen_t) {
        match self {
            Self::V4(a) => (
                std::ptr::from_ref(a).cast(),
                socklen_of::<libc::sockaddr_in>(),
            ),
            Self::V6(a) => (
                std::ptr::from_ref(a).cast(),
                socklen_of::<libc::sockaddr_in6>(),
            ),
        }
    }
}

fn socklen_of<T>() -> libc::socklen_t {
    libc::socklen_t::try_from(std::mem::size_of::<T>()).unwrap_or(libc::socklen_t::MAX)
}

/// One `sendmsg`, retried on `EINTR`.
fn sendmsg(
    fd: BorrowedFd<'_>,
    data: &[IoSlice<'_>],
    name: Option<&SockAddr>,
    control: &mut ControlBuffer<SEND_CONTROL_SPACE>,
    control_len: usize,
    flags: c_int,
) -> io::Result<usize> {
    let mut msg = msghdr_zeroed();
    if let Some(name) = name {
        let (ptr, len) = name.as_name();
        msg.msg_name = ptr.cast_mut();
        msg.msg_namelen = len;
    }
    // `IoSlice` is ABI-compatible with `struct iovec` on Unix (guaranteed by std).
    msg.msg_iov = data.as_ptr().cast_mut().cast();
    msg.msg_iovlen = len_field(data.len(), "iovec")?;
    if control_len > 0 {
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = len_field(control_len, "control")?;
    }
    loop {
        // SAFETY: `msg_name` is null or points to a live `sockaddr_in`/`sockaddr_in6` of the
        // length given; `msg_iov` points to `data.len()` live `IoSlice`s, which std
        // guarantees are laid out as `struct iovec`, each over borrowed bytes; `msg_control`
        // is null or `control_len` initialized bytes of `control`. The kernel only reads
        // through these pointers during the call, and everything outlives it. The fd is
        // borrowed for the call.
        let n = unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, flags) };
        if let Ok(n) = usize::try_from(n) {
            return Ok(n);
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
}
