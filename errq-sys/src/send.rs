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
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::SendMsg;
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// socket.connect(peer.local_addr()?)?;
    /// // Gathered from two slices into one datagram.
    /// let sent = SendMsg::new(&[IoSlice::new(b"head:"), IoSlice::new(b"body")]).send(&socket)?;
    /// assert_eq!(sent, 9);
    /// let mut buf = [0u8; 16];
    /// assert_eq!(peer.recv(&mut buf)?, 9);
    /// assert_eq!(&buf[..9], b"head:body");
    /// # Ok(()) }
    /// ```
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
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::SendMsg;
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?; // not connected
    /// SendMsg::new(&[IoSlice::new(b"hello")]).to(peer.local_addr()?).send(&socket)?;
    /// let mut buf = [0u8; 8];
    /// let (n, from) = peer.recv_from(&mut buf)?;
    /// assert_eq!((&buf[..n], from), (&b"hello"[..], socket.local_addr()?));
    /// # Ok(()) }
    /// ```
    pub const fn to(mut self, addr: SocketAddr) -> Self {
        self.to = Some(addr);
        self
    }

    /// Every request at once.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::codec::send::SendRequests;
    /// use errq_sys::{set_so_timestamping, SendMsg, Timestamping};
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// set_so_timestamping(&socket, Timestamping::SOFTWARE | Timestamping::OPT_ID)?;
    /// // The same requests for every probe of a run, built once.
    /// let requests = SendRequests::new().timestamping(Timestamping::TX_SOFTWARE);
    /// for _ in 0..3 {
    ///     SendMsg::new(&[IoSlice::new(b"probe")])
    ///         .to(peer.local_addr()?)
    ///         .requests(requests)
    ///         .send(&socket)?;
    /// }
    /// # Ok(()) }
    /// ```
    pub const fn requests(mut self, requests: SendRequests) -> Self {
        self.requests = requests;
        self
    }

    /// A per-packet `SO_TIMESTAMPING` control message: the TX record flags for this packet
    /// only (`TX_SOFTWARE`, `TX_SCHED`, `TX_ACK`, `TX_HARDWARE`, `TX_COMPLETION`). The
    /// socket's reporting flags (`SOFTWARE`, `OPT_ID`, ...) still apply.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use std::time::Duration;
    /// use errq_sys::codec::timestamp::TstampKind;
    /// use errq_sys::codec::track::TxReport;
    /// use errq_sys::{set_so_timestamping, wait_error, RecvBuffers, SendMsg, Timestamping};
    ///
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// // The socket reports software times keyed by OPT_ID, but timestamps no packet by itself.
    /// set_so_timestamping(&socket, Timestamping::SOFTWARE | Timestamping::OPT_ID)?;
    /// socket.send_to(b"untimed", peer.local_addr()?)?; // no report, no key
    /// SendMsg::new(&[IoSlice::new(b"timed")])
    ///     .to(peer.local_addr()?)
    ///     .timestamping(Timestamping::TX_SOFTWARE)
    ///     .send(&socket)?; // key 0: only timestamped datagrams count (`__ip_append_data`)
    /// wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: RecvBuffers = RecvBuffers::new();
    /// let (_, message) = buffers.recv_message(&socket)?.expect("a timestamp");
    /// let report = TxReport::from_message(&message).expect("a TX timestamp");
    /// assert_eq!((report.key, report.stage), (0, TstampKind::SND));
    /// assert!(buffers.recv(&socket)?.is_none()); // nothing for the untimed datagram
    /// # Ok(()) }
    /// ```
    #[doc(alias = "SO_TIMESTAMPING")]
    pub const fn timestamping(mut self, flags: Timestamping) -> Self {
        self.requests = self.requests.timestamping(flags);
        self
    }

    /// `SCM_TS_OPT_ID` (Linux 6.13): the OPT_ID key of this packet's reports. UDP and raw
    /// sockets with `SOF_TIMESTAMPING_OPT_ID`; the kernel refuses it on TCP with `EINVAL`.
    ///
    /// Needs Linux 6.13 (older kernels refuse the unknown control message with `EINVAL`), so this
    /// example does not run here:
    ///
    /// ```no_run
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::{set_so_timestamping, SendMsg, Timestamping};
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// set_so_timestamping(
    ///     &socket,
    ///     Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID,
    /// )?;
    /// // Key the reports by the application's own sequence number, not the socket's counter.
    /// let sequence = 7_000_u32;
    /// SendMsg::new(&[IoSlice::new(b"request 7000")])
    ///     .to(peer.local_addr()?)
    ///     .ts_opt_id(sequence)
    ///     .send(&socket)?; // its TxReport has key 7000
    /// # Ok(()) }
    /// ```
    #[doc(alias = "SCM_TS_OPT_ID")]
    pub const fn ts_opt_id(mut self, key: u32) -> Self {
        self.requests = self.requests.ts_opt_id(key);
        self
    }

    /// `SCM_TXTIME`: transmit at `ns` nanoseconds on the clock set with
    /// [`set_so_txtime`](crate::set_so_txtime).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::{set_so_txtime, SendMsg, SockTxtime, TxtimeFlags};
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// set_so_txtime(
    ///     &socket,
    ///     SockTxtime { clockid: libc::CLOCK_MONOTONIC, flags: TxtimeFlags::REPORT_ERRORS },
    /// )?;
    /// // Transmit at 5 s on the monotonic clock (long past on any running machine): an etf or
    /// // fq qdisc would send it at once or drop it as late, and report the drop on the error
    /// // queue with REPORT_ERRORS; loopback has no such qdisc and sends it at once.
    /// SendMsg::new(&[IoSlice::new(b"on time")])
    ///     .to(peer.local_addr()?)
    ///     .txtime(5_000_000_000)
    ///     .send(&socket)?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(peer.recv(&mut buf)?, 7);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "SCM_TXTIME")]
    pub const fn txtime(mut self, ns: u64) -> Self {
        self.requests = self.requests.txtime(ns);
        self
    }

    /// `MSG_ZEROCOPY`: send from these pages without copying (needs
    /// [`set_so_zerocopy`](crate::set_so_zerocopy)); the buffer must stay untouched until
    /// its completion arrives on the error queue (see `errq_codec::track`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use std::time::Duration;
    /// use errq_sys::codec::meaning::Meaning;
    /// use errq_sys::{set_so_zerocopy, wait_error, RecvBuffers, SendMsg};
    ///
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// set_so_zerocopy(&socket, true)?;
    /// let data = vec![7u8; 4096];
    /// SendMsg::new(&[IoSlice::new(&data)]).to(peer.local_addr()?).zerocopy().send(&socket)?;
    /// // `data` must not change until its completion says the kernel is done with it.
    /// wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: RecvBuffers = RecvBuffers::new();
    /// let (_, message) = buffers.recv_message(&socket)?.expect("a completion");
    /// let Some(Meaning::Zerocopy(range)) = message.meaning() else { panic!("{message}") };
    /// assert_eq!((range.lo, range.hi), (0, 0)); // the first zerocopy send is done
    /// assert!(range.copied); // loopback delivery copied the pages after all
    /// drop(data);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "MSG_ZEROCOPY")]
    pub const fn zerocopy(mut self) -> Self {
        self.flags |= libc::MSG_ZEROCOPY;
        self
    }

    /// Add raw `MSG_*` flags (`MSG_DONTWAIT`, `MSG_CONFIRM`, `MSG_MORE`, ...).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use errq_sys::SendMsg;
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// socket.connect(peer.local_addr()?)?;
    /// // Never block, and tell the neighbour cache the peer answered (no ARP re-probe).
    /// SendMsg::new(&[IoSlice::new(b"reply")])
    ///     .flags(libc::MSG_DONTWAIT | libc::MSG_CONFIRM)
    ///     .send(&socket)?;
    /// # Ok(()) }
    /// ```
    pub const fn flags(mut self, flags: c_int) -> Self {
        self.flags |= flags;
        self
    }

    /// Whether to retry once a send that failed with an error an earlier ICMP error left
    /// pending ([the `SO_ERROR` trap](crate::set_recverr#the-so_error-trap)); on by default.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::IoSlice;
    /// use std::time::Duration;
    /// use errq_sys::{set_recverr, wait_error, SendMsg};
    ///
    /// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
    /// let live = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// set_recverr(&socket, true)?;
    /// socket.send_to(b"probe", closed)?;
    /// wait_error(&socket, Some(Duration::from_secs(5)))?; // port unreachable, also in SO_ERROR
    /// let data = [IoSlice::new(b"hello")];
    /// let msg = SendMsg::new(&data).to(live.local_addr()?);
    /// // Without the retry, the send to the live peer reports the earlier error and sends nothing.
    /// let err = msg.retry_pending_error(false).send(&socket).unwrap_err();
    /// assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED));
    /// assert_eq!(msg.retry_pending_error(false).send(&socket)?, 5); // SO_ERROR is clear now
    /// # Ok(()) }
    /// ```
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
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::io::{ErrorKind, IoSlice};
    /// use errq_sys::{SendMsg, Timestamping};
    /// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let data = [IoSlice::new(b"ping")];
    /// let msg = SendMsg::new(&data).to(peer.local_addr()?);
    /// assert_eq!(msg.send(&socket)?, 4);
    /// // A receive flag is not a per-packet request: refused before any system call.
    /// let err = msg.timestamping(Timestamping::RX_SOFTWARE).send(&socket).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidInput);
    /// # Ok(()) }
    /// ```
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
