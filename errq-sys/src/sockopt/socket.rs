//! `SOL_SOCKET` options: timestamping, zerocopy, transmit time, the receive buffer, and
//! what the socket is.

use std::os::fd::AsFd;

use errq_codec::addr::Family;
use errq_codec::errno::Errno;
use libc::c_int;

use super::{
    flags_int, get_bool, getsockopt, nonneg, set_bool, setsockopt, SockoptError, Timestamping,
};

/// `setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(int))`: transmit timestamps
/// (and with `OPT_*` flags, their companions) are queued on the error queue.
///
/// Uses `libc::SO_TIMESTAMPING`, which is `SO_TIMESTAMPING_NEW` on 32-bit targets with a
/// 64-bit `time_t`, so entries carry the `scm_timestamping` layout of this build.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::codec::timestamp::TstampKind;
/// use errq_sys::codec::track::TxReport;
/// use errq_sys::{set_so_timestamping, wait_error, RecvBuffers, Timestamping};
///
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// // A software timestamp when each datagram leaves, keyed by a per-socket counter.
/// set_so_timestamping(
///     &socket,
///     Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID,
/// )?;
/// socket.send_to(b"first", peer.local_addr()?)?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (_, message) = buffers.recv_message(&socket)?.expect("a timestamp");
/// let report = TxReport::from_message(&message).expect("a TX timestamp");
/// assert_eq!((report.key, report.stage), (0, TstampKind::SND)); // datagram 0, sent
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` for flags the kernel does not know).
#[doc(alias = "SO_TIMESTAMPING")]
pub fn set_so_timestamping<Fd: AsFd>(fd: Fd, flags: Timestamping) -> Result<(), SockoptError> {
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_TIMESTAMPING,
        "SO_TIMESTAMPING",
        flags_int(flags),
    )
}

/// `setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &(struct so_timestamping){flags, phc},
/// sizeof(struct so_timestamping))` (Linux 5.14): `BIND_PHC` is added to `flags`.
///
/// Needs a socket bound to a device (`SO_BINDTODEVICE`) and the index of one of that
/// device's PTP virtual clocks (`ethtool --get-phc-vclocks`); `sock_timestamping_bind_phc`
/// refuses an unbound socket with `EOPNOTSUPP` and another index with `EINVAL`. So this
/// example does not run here:
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_timestamping_bind_phc, so_timestamping, Timestamping};
/// # let socket = std::net::UdpSocket::bind("0.0.0.0:0")?;
/// // `socket` is bound to eth0, whose virtual clock 1 is /dev/ptp1.
/// let flags = Timestamping::TX_HARDWARE | Timestamping::RAW_HARDWARE | Timestamping::OPT_ID;
/// set_so_timestamping_bind_phc(&socket, flags, 1)?;
/// assert!(so_timestamping(&socket)?.contains(Timestamping::BIND_PHC));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "SO_TIMESTAMPING")]
#[doc(alias = "so_timestamping")]
pub fn set_so_timestamping_bind_phc<Fd: AsFd>(
    fd: Fd,
    flags: Timestamping,
    phc_index: i32,
) -> Result<(), SockoptError> {
    let value = [flags_int(flags | Timestamping::BIND_PHC), phc_index];
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_TIMESTAMPING,
        "SO_TIMESTAMPING",
        value,
    )
}

/// `getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_timestamping, so_timestamping, Timestamping};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert_eq!(so_timestamping(&socket)?, Timestamping::NONE);
/// let flags = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID;
/// set_so_timestamping(&socket, flags)?;
/// assert_eq!(so_timestamping(&socket)?, flags);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_TIMESTAMPING")]
pub fn so_timestamping<Fd: AsFd>(fd: Fd) -> Result<Timestamping, SockoptError> {
    getsockopt::<c_int>(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_TIMESTAMPING,
        "SO_TIMESTAMPING",
    )
    .map(|v| Timestamping(u32::from_ne_bytes(v.to_ne_bytes())))
}

/// `setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &on, sizeof(int))` (Linux 4.14): allow
/// `MSG_ZEROCOPY` sends, whose completions arrive on the error queue.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_zerocopy, so_zerocopy};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?; // UDP since Linux 5.0
/// set_so_zerocopy(&socket, true)?;
/// assert!(so_zerocopy(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure (`ENOTSUPP`/`EOPNOTSUPP` where the socket type has no zerocopy).
#[doc(alias = "SO_ZEROCOPY")]
pub fn set_so_zerocopy<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(fd, libc::SOL_SOCKET, libc::SO_ZEROCOPY, "SO_ZEROCOPY", on)
}

/// `getsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_zerocopy, so_zerocopy};
/// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
/// let stream = std::net::TcpStream::connect(listener.local_addr()?)?;
/// assert!(!so_zerocopy(&stream)?); // off by default
/// set_so_zerocopy(&stream, true)?;
/// assert!(so_zerocopy(&stream)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_ZEROCOPY")]
pub fn so_zerocopy<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(fd, libc::SOL_SOCKET, libc::SO_ZEROCOPY, "SO_ZEROCOPY")
}

/// `getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)`: read and clear the socket's pending
/// error. `None` when there is none.
///
/// With `IP_RECVERR`, reading an ICMP entry from the error queue sets `SO_ERROR` to the next
/// entry's errno; a pending `SO_ERROR` makes the next send fail once.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{so_error, wait_error};
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// socket.connect(closed)?; // a connected socket keeps an ICMP error as SO_ERROR
/// socket.send(b"probe")?;
/// wait_error(&socket, Some(Duration::from_secs(5)))?;
/// let pending = so_error(&socket)?.expect("the port unreachable");
/// assert_eq!(pending.name(), Some("ECONNREFUSED"));
/// assert_eq!(so_error(&socket)?, None); // reading cleared it
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure (`ENOTSOCK`, `EBADF`).
#[doc(alias = "SO_ERROR")]
pub fn so_error<Fd: AsFd>(fd: Fd) -> Result<Option<Errno>, SockoptError> {
    let raw = getsockopt::<c_int>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_ERROR, "SO_ERROR")?;
    Ok((raw != 0).then(|| Errno::native(nonneg(raw))))
}

/// `getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len)`: the socket's address family
/// (`AF_INET`, `AF_INET6`, ...).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::codec::addr::Family;
/// let v4 = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let v6 = std::net::UdpSocket::bind("[::1]:0")?;
/// assert_eq!(errq_sys::so_domain(&v4)?, Family::INET);
/// assert_eq!(errq_sys::so_domain(&v6)?, Family::INET6);
/// let file = std::fs::File::open("/dev/null")?;
/// let err = errq_sys::so_domain(&file).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(libc::ENOTSOCK));
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure: `ENOTSOCK` for a non-socket, `EBADF` for a closed fd.
#[doc(alias = "SO_DOMAIN")]
pub fn so_domain<Fd: AsFd>(fd: Fd) -> Result<Family, SockoptError> {
    getsockopt::<c_int>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_DOMAIN, "SO_DOMAIN")
        .map(|family| Family(u16::try_from(family).unwrap_or(u16::MAX)))
}

/// `getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)`: `SOCK_DGRAM`, `SOCK_STREAM`, ...
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let udp = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let tcp = std::net::TcpListener::bind("127.0.0.1:0")?;
/// assert_eq!(errq_sys::so_type(&udp)?, libc::SOCK_DGRAM);
/// assert_eq!(errq_sys::so_type(&tcp)?, libc::SOCK_STREAM);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_TYPE")]
pub fn so_type<Fd: AsFd>(fd: Fd) -> Result<c_int, SockoptError> {
    getsockopt(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TYPE, "SO_TYPE")
}

/// `struct sock_txtime` flags for [`set_so_txtime`]. Open newtype: combine with `|`.
///
/// ```
/// use errq_sys::TxtimeFlags;
/// let flags = TxtimeFlags::DEADLINE_MODE | TxtimeFlags::REPORT_ERRORS;
/// assert_eq!(flags, TxtimeFlags(0b11));
/// assert_eq!(TxtimeFlags::default(), TxtimeFlags(0)); // a launch time, drops not reported
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TxtimeFlags(pub u32);

impl TxtimeFlags {
    /// `SOF_TXTIME_DEADLINE_MODE`: the time is a deadline, not a launch time.
    #[doc(alias = "SOF_TXTIME_DEADLINE_MODE")]
    pub const DEADLINE_MODE: Self = Self(1 << 0);
    /// `SOF_TXTIME_REPORT_ERRORS`: report packets dropped for their time on the error queue
    /// (origin `SO_EE_ORIGIN_TXTIME`).
    #[doc(alias = "SOF_TXTIME_REPORT_ERRORS")]
    pub const REPORT_ERRORS: Self = Self(1 << 1);
}

impl core::ops::BitOr for TxtimeFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// `struct sock_txtime` as the kernel reads and writes it.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_txtime, so_txtime, SockTxtime, TxtimeFlags};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert_eq!(so_txtime(&socket)?, SockTxtime::default()); // off: clock 0, no flags
/// // Deadlines on the monotonic clock (allowed without CAP_NET_ADMIN).
/// let txtime = SockTxtime {
///     clockid: libc::CLOCK_MONOTONIC,
///     flags: TxtimeFlags::DEADLINE_MODE | TxtimeFlags::REPORT_ERRORS,
/// };
/// set_so_txtime(&socket, txtime)?;
/// assert_eq!(so_txtime(&socket)?, txtime);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[doc(alias = "sock_txtime")]
pub struct SockTxtime {
    /// `clockid`: the clock the `SCM_TXTIME` times are on (`libc::CLOCK_TAI`,
    /// `libc::CLOCK_MONOTONIC`, ...).
    pub clockid: libc::clockid_t,
    /// `flags`.
    pub flags: TxtimeFlags,
}

/// `setsockopt(fd, SOL_SOCKET, SO_TXTIME, &(struct sock_txtime){clockid, flags},
/// sizeof(struct sock_txtime))`: let sends carry `SCM_TXTIME`
/// ([`SendMsg::txtime`](crate::SendMsg::txtime)). With
/// [`TxtimeFlags::REPORT_ERRORS`], packets the `etf` qdisc drops for their time are reported
/// on the error queue.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_txtime, so_txtime, SockTxtime, TxtimeFlags};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let txtime = SockTxtime {
///     clockid: libc::CLOCK_MONOTONIC,
///     flags: TxtimeFlags::REPORT_ERRORS,
/// };
/// set_so_txtime(&socket, txtime)?;
/// assert_eq!(so_txtime(&socket)?, txtime);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure: `EINVAL` for unknown flags or a clock other than
/// `CLOCK_MONOTONIC` without `CAP_NET_ADMIN`, `EPERM` for `CLOCK_TAI`/`REALTIME` without it.
#[doc(alias = "SO_TXTIME")]
pub fn set_so_txtime<Fd: AsFd>(fd: Fd, txtime: SockTxtime) -> Result<(), SockoptError> {
    let value = [
        txtime.clockid,
        c_int::from_ne_bytes(txtime.flags.0.to_ne_bytes()),
    ];
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_TXTIME,
        "SO_TXTIME",
        value,
    )
}

/// `getsockopt(fd, SOL_SOCKET, SO_TXTIME, &txtime, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_txtime, so_txtime, SockTxtime, TxtimeFlags};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let txtime = SockTxtime { clockid: libc::CLOCK_MONOTONIC, flags: TxtimeFlags::DEADLINE_MODE };
/// set_so_txtime(&socket, txtime)?;
/// let read = so_txtime(&socket)?;
/// assert_eq!(read.clockid, libc::CLOCK_MONOTONIC);
/// assert_eq!(read.flags, TxtimeFlags::DEADLINE_MODE);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_TXTIME")]
pub fn so_txtime<Fd: AsFd>(fd: Fd) -> Result<SockTxtime, SockoptError> {
    let [clockid, flags] =
        getsockopt::<[c_int; 2]>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_TXTIME, "SO_TXTIME")?;
    Ok(SockTxtime {
        clockid,
        flags: TxtimeFlags(u32::from_ne_bytes(flags.to_ne_bytes())),
    })
}

/// `setsockopt(fd, SOL_SOCKET, SO_SELECT_ERR_QUEUE, &on, sizeof(int))`: a non-empty error
/// queue also signals `POLLPRI`, so a program polling for `POLLPRI` can tell error-queue
/// entries (timestamps, completions) from plain readability.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// errq_sys::set_so_select_err_queue(&socket, true)?;
/// assert!(errq_sys::so_select_err_queue(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure.
#[doc(alias = "SO_SELECT_ERR_QUEUE")]
pub fn set_so_select_err_queue<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    set_bool(
        fd,
        libc::SOL_SOCKET,
        libc::SO_SELECT_ERR_QUEUE,
        "SO_SELECT_ERR_QUEUE",
        on,
    )
}

/// `getsockopt(fd, SOL_SOCKET, SO_SELECT_ERR_QUEUE, &v, &len)`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_select_err_queue, so_select_err_queue};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert!(!so_select_err_queue(&socket)?); // off by default
/// set_so_select_err_queue(&socket, true)?;
/// assert!(so_select_err_queue(&socket)?);
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_SELECT_ERR_QUEUE")]
pub fn so_select_err_queue<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    get_bool(
        fd,
        libc::SOL_SOCKET,
        libc::SO_SELECT_ERR_QUEUE,
        "SO_SELECT_ERR_QUEUE",
    )
}

/// `setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(int))`: the receive buffer, which
/// the error queue is charged to. The kernel doubles the value (for its bookkeeping),
/// caps it at `net.core.rmem_max`, and floors it at `SOCK_MIN_RCVBUF`; read the result
/// back with [`so_rcvbuf`].
///
/// # Sizing the error queue
/// Every queued entry costs its `skb->truesize` against this buffer
/// (`sock_queue_err_skb`), and an entry that does not fit is dropped without a trace:
/// a few hundred bytes for a timestamp or zerocopy completion, about 768 bytes to 1.3 KiB
/// for an ICMP error quoting a small datagram. With the default 212,992 bytes the queue
/// holds about 255 port-unreachable entries. Size it for the reports that can arrive
/// between two drains, or use [`set_so_rcvbufforce`] as root to pass `rmem_max`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// errq_sys::set_so_rcvbuf(&socket, 65536)?;
/// assert_eq!(errq_sys::so_rcvbuf(&socket)?, 2 * 65536); // the kernel doubles it
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `setsockopt` failure (`EINVAL` for a value above `i32::MAX`).
#[doc(alias = "SO_RCVBUF")]
pub fn set_so_rcvbuf<Fd: AsFd>(fd: Fd, bytes: u32) -> Result<(), SockoptError> {
    let value = c_int::try_from(bytes).unwrap_or(c_int::MAX);
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_RCVBUF,
        "SO_RCVBUF",
        value,
    )
}

/// `setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(int))`: as
/// [`set_so_rcvbuf`], past `net.core.rmem_max` (needs `CAP_NET_ADMIN`).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_so_rcvbuf, set_so_rcvbufforce, so_rcvbuf};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// // 8 MiB for a burst of error reports: forced as root, else as much as rmem_max allows.
/// match set_so_rcvbufforce(&socket, 8 << 20) {
///     Ok(()) => assert_eq!(so_rcvbuf(&socket)?, 16 << 20), // doubled, rmem_max ignored
///     Err(e) if e.raw_os_error() == Some(libc::EPERM) => set_so_rcvbuf(&socket, 8 << 20)?,
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
/// `EPERM` without `CAP_NET_ADMIN`, or another `setsockopt` failure.
#[doc(alias = "SO_RCVBUFFORCE")]
pub fn set_so_rcvbufforce<Fd: AsFd>(fd: Fd, bytes: u32) -> Result<(), SockoptError> {
    let value = c_int::try_from(bytes).unwrap_or(c_int::MAX);
    setsockopt(
        fd.as_fd(),
        libc::SOL_SOCKET,
        libc::SO_RCVBUFFORCE,
        "SO_RCVBUFFORCE",
        value,
    )
}

/// `getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, &len)`: the receive buffer in bytes, as
/// the kernel holds it (twice what was set).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// errq_sys::set_so_rcvbuf(&socket, 32768)?;
/// let bytes = errq_sys::so_rcvbuf(&socket)?;
/// assert_eq!(bytes, 65536); // twice what was set
/// # Ok(()) }
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_RCVBUF")]
pub fn so_rcvbuf<Fd: AsFd>(fd: Fd) -> Result<u32, SockoptError> {
    getsockopt::<c_int>(fd.as_fd(), libc::SOL_SOCKET, libc::SO_RCVBUF, "SO_RCVBUF").map(nonneg)
}
