//! The error queue of every family: which option fills it, and a refusal, with a typed
//! error, for a socket whose family has none.
//!
//! | family | what fills the error queue | here |
//! | --- | --- | --- |
//! | `AF_INET`, `AF_INET6` | `IP_RECVERR` / `IPV6_RECVERR`, `SO_TIMESTAMPING`, `SO_ZEROCOPY` | [`ErrorQueue::Ip`]: [`crate::sockopt::set_recverr`] |
//! | `AF_PACKET` | `SO_TIMESTAMPING` (TX timestamps, `PACKET_TX_TIMESTAMP`) | [`ErrorQueue::Timestamping`]: no option, [`enable_error_queue`] refuses |
//! | `AF_CAN` raw | `SO_TIMESTAMPING` (`SCM_CAN_RAW_ERRQUEUE`) | [`ErrorQueue::Timestamping`] |
//! | `AF_CAN` J1939 | `SO_J1939_ERRQUEUE` (+ `SO_TIMESTAMPING` flags choose the states) | [`ErrorQueue::J1939`]: [`set_j1939_errqueue`] |
//! | `AF_VSOCK` (Linux 6.7+) | `SO_ZEROCOPY` (the generic one, `VSOCK_RECVERR`) | [`ErrorQueue::Zerocopy`]: [`crate::sockopt::set_so_zerocopy`] |
//! | `AF_BLUETOOTH` ISO, L2CAP, SCO (Linux 6.14+) | `SO_TIMESTAMPING` (`BT_SCM_ERROR`) | [`ErrorQueue::Timestamping`] |
//!
//! Any other family never queues an error-queue message ([`NoErrorQueue`]).

use std::fmt;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use libc::c_int;

use crate::sockopt::SockoptError;

/// How a socket's family fills its error queue.
///
/// ```
/// use errq_sys::family::{error_queue_for, ErrorQueue};
/// assert_eq!(error_queue_for(libc::AF_INET6, 0), Ok(ErrorQueue::Ip));
/// assert_eq!(error_queue_for(libc::AF_VSOCK, 0), Ok(ErrorQueue::Zerocopy));
/// assert_eq!(error_queue_for(libc::AF_PACKET, 0), Ok(ErrorQueue::Timestamping));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorQueue {
    /// `AF_INET`/`AF_INET6`: `IP_RECVERR`/`IPV6_RECVERR` (and timestamps, zerocopy).
    Ip,
    /// `AF_CAN` J1939: `SO_J1939_ERRQUEUE`.
    J1939,
    /// `AF_VSOCK`: only `MSG_ZEROCOPY` completions, with `SO_ZEROCOPY`.
    Zerocopy,
    /// `AF_PACKET`, `AF_CAN` raw, `AF_BLUETOOTH`: only TX timestamps, with
    /// `SO_TIMESTAMPING`; there is no option to turn the queue itself on.
    Timestamping,
}

/// A socket whose family has no error-queue option: either no error queue at all
/// (`recvmsg(MSG_ERRQUEUE)` finds nothing there ever, or is refused), or one that only TX
/// timestamps fill, asked for with `SO_TIMESTAMPING` (AF_PACKET, CAN raw, Bluetooth).
///
/// ```
/// use errq_sys::family::error_queue_for;
/// let none = error_queue_for(libc::AF_UNIX, 0).unwrap_err();
/// assert!(!none.timestamps_only);
/// assert_eq!(none.to_string(), "address family 1 (protocol 0) has no socket error queue");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NoErrorQueue {
    /// `SO_DOMAIN` of the socket.
    pub family: c_int,
    /// `SO_PROTOCOL` of the socket.
    pub protocol: c_int,
    /// The family has an error queue, but only `SO_TIMESTAMPING` fills it
    /// ([`ErrorQueue::Timestamping`]).
    pub timestamps_only: bool,
}

impl fmt::Display for NoErrorQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.timestamps_only {
            write!(
                f,
                "address family {} (protocol {}) has no error-queue option: only TX \
                 timestamps are queued, asked for with SO_TIMESTAMPING",
                self.family, self.protocol
            )
        } else {
            write!(
                f,
                "address family {} (protocol {}) has no socket error queue",
                self.family, self.protocol
            )
        }
    }
}

impl std::error::Error for NoErrorQueue {}

impl From<NoErrorQueue> for io::Error {
    /// `EAFNOSUPPORT`-kinded, carrying the typed error.
    fn from(e: NoErrorQueue) -> Self {
        Self::new(io::ErrorKind::Unsupported, e)
    }
}

/// Why [`error_queue_of`] or [`enable_error_queue`] failed.
///
/// ```
/// use std::os::unix::net::UnixDatagram;
/// use errq_sys::family::{enable_error_queue, FamilyError};
/// let (a, _b) = UnixDatagram::pair().unwrap();
/// match enable_error_queue(&a, true) {
///     Err(FamilyError::NoErrorQueue(none)) => assert_eq!(none.family, libc::AF_UNIX),
///     other => panic!("{other:?}"),
/// }
/// // Into io::Error with `?`, kind Unsupported.
/// let err: std::io::Error = enable_error_queue(&a, true).unwrap_err().into();
/// assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum FamilyError {
    /// The family has no error queue.
    NoErrorQueue(NoErrorQueue),
    /// A `getsockopt`/`setsockopt` failed.
    Io(io::Error),
}

impl fmt::Display for FamilyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoErrorQueue(e) => e.fmt(f),
            Self::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FamilyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::NoErrorQueue(e) => Some(e),
            Self::Io(e) => Some(e),
        }
    }
}

impl From<SockoptError> for FamilyError {
    fn from(e: SockoptError) -> Self {
        Self::Io(e.into())
    }
}

impl From<io::Error> for FamilyError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<FamilyError> for io::Error {
    fn from(e: FamilyError) -> Self {
        match e {
            FamilyError::NoErrorQueue(n) => n.into(),
            FamilyError::Io(e) => e,
        }
    }
}

/// `CAN_RAW` (`linux/can.h`).
const CAN_RAW: c_int = 1;
/// `CAN_J1939` (`linux/can.h`).
const CAN_J1939: c_int = 7;

/// How `family`/`protocol` (`SO_DOMAIN`/`SO_PROTOCOL`) fills its error queue.
///
/// ```
/// use errq_sys::family::{error_queue_for, ErrorQueue};
/// // CAN_J1939 is protocol 7 of AF_CAN; CAN_RAW (1) has only TX timestamps.
/// assert_eq!(error_queue_for(libc::AF_CAN, 7), Ok(ErrorQueue::J1939));
/// assert_eq!(error_queue_for(libc::AF_CAN, 1), Ok(ErrorQueue::Timestamping));
/// assert!(error_queue_for(libc::AF_NETLINK, 0).is_err());
/// ```
///
/// # Errors
/// [`NoErrorQueue`] for a family with none.
pub const fn error_queue_for(family: c_int, protocol: c_int) -> Result<ErrorQueue, NoErrorQueue> {
    match family {
        libc::AF_INET | libc::AF_INET6 => Ok(ErrorQueue::Ip),
        libc::AF_PACKET | libc::AF_BLUETOOTH => Ok(ErrorQueue::Timestamping),
        libc::AF_VSOCK => Ok(ErrorQueue::Zerocopy),
        libc::AF_CAN if protocol == CAN_J1939 => Ok(ErrorQueue::J1939),
        libc::AF_CAN if protocol == CAN_RAW => Ok(ErrorQueue::Timestamping),
        _ => Err(NoErrorQueue {
            family,
            protocol,
            timestamps_only: false,
        }),
    }
}

/// How `fd`'s family fills its error queue (reads `SO_DOMAIN` and `SO_PROTOCOL`).
///
/// ```
/// use errq_sys::family::{error_queue_of, ErrorQueue};
/// let socket = std::net::UdpSocket::bind("[::1]:0").unwrap();
/// assert_eq!(error_queue_of(&socket).unwrap(), ErrorQueue::Ip);
/// ```
///
/// # Errors
/// [`FamilyError::Io`] if either `getsockopt` fails (`ENOTSOCK`, `EBADF`);
/// [`FamilyError::NoErrorQueue`] for a family with none.
pub fn error_queue_of<Fd: AsFd>(fd: Fd) -> Result<ErrorQueue, FamilyError> {
    let fd = fd.as_fd();
    let family = get_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN, "SO_DOMAIN")?;
    let protocol = get_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL, "SO_PROTOCOL")?;
    error_queue_for(family, protocol).map_err(FamilyError::NoErrorQueue)
}

/// Turn on (or off) the option that fills `fd`'s error queue, whatever its family:
/// `IP_RECVERR`/`IPV6_RECVERR` ([`crate::sockopt::set_recverr`]), `SO_J1939_ERRQUEUE`,
/// `SO_ZEROCOPY` on vsock. Returns how the family fills its queue.
///
/// ```
/// use errq_sys::family::{enable_error_queue, ErrorQueue};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// assert_eq!(enable_error_queue(&socket, true).unwrap(), ErrorQueue::Ip);
/// assert!(errq_sys::ip_recverr(&socket).unwrap());
/// ```
///
/// # Errors
/// [`FamilyError::NoErrorQueue`] for a family with no error-queue option: none at all
/// (e.g. `AF_UNIX`, `AF_NETLINK`), or one only `SO_TIMESTAMPING` fills (AF_PACKET, CAN raw,
/// Bluetooth: [`NoErrorQueue::timestamps_only`]); [`FamilyError::Io`] for a failed
/// `getsockopt`/`setsockopt`.
pub fn enable_error_queue<Fd: AsFd>(fd: Fd, on: bool) -> Result<ErrorQueue, FamilyError> {
    let fd = fd.as_fd();
    let how = error_queue_of(fd)?;
    match how {
        ErrorQueue::Ip => crate::sockopt::set_recverr(fd, on)?,
        ErrorQueue::J1939 => set_j1939_errqueue(fd, on)?,
        ErrorQueue::Zerocopy => crate::sockopt::set_so_zerocopy(fd, on)?,
        ErrorQueue::Timestamping => {
            return Err(FamilyError::NoErrorQueue(NoErrorQueue {
                family: get_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN, "SO_DOMAIN")?,
                protocol: get_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL, "SO_PROTOCOL")?,
                timestamps_only: true,
            }))
        }
    }
    Ok(how)
}

/// `setsockopt(fd, SOL_CAN_J1939, SO_J1939_ERRQUEUE, &on, sizeof(int))`: queue J1939
/// session states (`SCM_J1939_ERRQUEUE`). Turning it off purges the queue
/// (`j1939_sk_setsockopt`).
///
/// On a J1939 socket (`socket(AF_CAN, SOCK_DGRAM, CAN_J1939)`, bound to a CAN interface;
/// not available on this machine), and refused elsewhere:
///
/// ```
/// let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// let err = errq_sys::family::set_j1939_errqueue(&udp, true).unwrap_err();
/// assert_eq!(err.option(), "SO_J1939_ERRQUEUE");
/// assert_eq!(err.raw_os_error(), Some(libc::ENOPROTOOPT));
/// ```
///
/// # Errors
/// The `setsockopt` failure (`ENOPROTOOPT` on a socket that is not J1939).
#[doc(alias = "SO_J1939_ERRQUEUE")]
pub fn set_j1939_errqueue<Fd: AsFd>(fd: Fd, on: bool) -> Result<(), SockoptError> {
    crate::sockopt::set_bool(
        fd,
        libc::SOL_CAN_J1939,
        libc::SO_J1939_ERRQUEUE,
        "SO_J1939_ERRQUEUE",
        on,
    )
}

/// `getsockopt(fd, SOL_CAN_J1939, SO_J1939_ERRQUEUE, &v, &len)`.
///
/// ```
/// let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// assert!(errq_sys::family::j1939_errqueue(&udp).is_err()); // not a J1939 socket
/// ```
///
/// # Errors
/// The `getsockopt` failure.
#[doc(alias = "SO_J1939_ERRQUEUE")]
pub fn j1939_errqueue<Fd: AsFd>(fd: Fd) -> Result<bool, SockoptError> {
    crate::sockopt::get_bool(
        fd,
        libc::SOL_CAN_J1939,
        libc::SO_J1939_ERRQUEUE,
        "SO_J1939_ERRQUEUE",
    )
}

/// One `int` option through the shared `getsockopt` helper, its error naming the option.
fn get_int(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    option: &'static str,
) -> Result<c_int, SockoptError> {
    crate::sockopt::getsockopt(fd, level, name, option)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixDatagram;

    #[test]
    fn unix_sockets_are_refused_with_a_typed_error() {
        let (a, _b) = UnixDatagram::pair().unwrap();
        match enable_error_queue(&a, true) {
            Err(FamilyError::NoErrorQueue(n)) => {
                assert_eq!(n.family, libc::AF_UNIX);
                assert!(!n.timestamps_only);
                let io: io::Error = n.into();
                assert_eq!(io.kind(), io::ErrorKind::Unsupported);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn udp_sockets_get_recverr() {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert_eq!(enable_error_queue(&s, true).unwrap(), ErrorQueue::Ip);
        assert!(crate::sockopt::ip_recverr(&s).unwrap());
    }

    #[test]
    fn the_table() {
        assert_eq!(
            error_queue_for(libc::AF_CAN, CAN_J1939),
            Ok(ErrorQueue::J1939)
        );
        assert_eq!(
            error_queue_for(libc::AF_CAN, CAN_RAW),
            Ok(ErrorQueue::Timestamping)
        );
        // CAN BCM (2) queues nothing.
        assert!(error_queue_for(libc::AF_CAN, 2).is_err());
        assert_eq!(error_queue_for(libc::AF_VSOCK, 0), Ok(ErrorQueue::Zerocopy));
        assert!(error_queue_for(libc::AF_NETLINK, 0).is_err());
    }

    #[test]
    fn packet_sockets_have_no_option_only_timestamps() {
        // AF_PACKET needs CAP_NET_RAW: skip when not root.
        // SAFETY: socket takes three integers; a non-negative result is a new fd we own.
        let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            eprintln!(
                "skipping: no AF_PACKET socket ({})",
                io::Error::last_os_error()
            );
            return;
        }
        // SAFETY: `fd` was just returned by socket and is owned by nobody else.
        let fd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        assert_eq!(error_queue_of(&fd).unwrap(), ErrorQueue::Timestamping);
        match enable_error_queue(&fd, true) {
            Err(FamilyError::NoErrorQueue(n)) => {
                assert_eq!(n.family, libc::AF_PACKET);
                assert!(n.timestamps_only);
                assert!(n.to_string().contains("SO_TIMESTAMPING"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn j1939_option_is_refused_on_udp() {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert!(set_j1939_errqueue(&s, true).is_err());
    }
}
